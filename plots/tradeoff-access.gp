# The tradeoff, cost of using a buffer: access time per page touched against
# the buffer's size, one panel per access pattern, one line per allocator
# (sequential touches every cache line, so its pages cost 64 touches).
# Extra input: allocators, patterns (space-separated).
load "plots/common.gp"
set logscale x 2
set logscale y 10
set xtics ("4K" 4096, "16K" 16384, "64K" 65536, "256K" 262144, "1M" 1048576, \
	"4M" 4194304, "16M" 16777216, "64M" 67108864) font ",8"
set xlabel "buffer size (bytes)"
set ylabel per_label("access per page")
set key inside top right font ",8"
ran(a, p) = strcol("status") eq "ok" && strcol("allocator") eq a && strcol("pattern") eq p
n = words(allocators)
# Ranges a step around what ran, so that a sweep of one size (or a pattern
# whose cost never moves) still has a range, and a labelled tick, on each axis.
stats datafile using (strcol("status") eq "ok" ? column("size_bytes") : NaN) nooutput
set xrange [STATS_min / 2:STATS_max * 2]
# icount charges instructions, and a TLB miss is none: the lines coincide.
set multiplot layout 1, words(patterns) title sprintf("cost of using a buffer: access %s per page vs size and pattern%s\n%s", \
	icount ? "cost" : "time", icount ? " (icount: a TLB miss costs no instruction, so the allocators' lines coincide)" : "", heading)
do for [k=1:words(patterns)] {
	p = word(patterns, k)
	set title p
	# stats reads within the current ranges: the last panel's are not this one's
	set yrange [*:*]
	stats datafile using (strcol("status") eq "ok" && strcol("pattern") eq p ? \
		column("access_ns_per_page") : NaN) nooutput
	set yrange [STATS_min / 3:STATS_max * 3]
	plot for [i=1:n] datafile using \
		(ran(word(allocators, i), p) ? column("size_bytes") : NaN):(column("access_ns_per_page")) \
		smooth unique with linespoints lw 2 pt i ps 0.8 lc i title word(allocators, i)
}
unset multiplot
