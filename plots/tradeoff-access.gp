# The tradeoff, cost of using a buffer: access time per page touched against
# the buffer's size, one panel per access pattern, one line per allocator
# (sequential touches every cache line, so its pages cost 64 touches).
# Extra input: allocators, patterns (space-separated).
load "plots/common.gp"
set logscale x 2
set logscale y 10
set xtics ("4K" 4096, "64K" 65536, "1M" 1048576, "16M" 16777216) font ",8"
set xlabel "buffer size (bytes)"
set ylabel per_label("access per page")
set key inside top right font ",8"
ran(a, p) = strcol("status") eq "ok" && strcol("allocator") eq a && strcol("pattern") eq p
n = words(allocators)
# icount charges instructions, and a TLB miss is none: the lines coincide.
set multiplot layout 1, words(patterns) title sprintf("cost of using a buffer: access %s per page vs size and pattern%s\n%s", \
	icount ? "cost" : "time", icount ? " (icount: a TLB miss costs no instruction, so the allocators' lines coincide)" : "", heading)
do for [k=1:words(patterns)] {
	p = word(patterns, k)
	set title p
	plot for [i=1:n] datafile using \
		(ran(word(allocators, i), p) ? column("size_bytes") : NaN):(column("access_ns_per_page")) \
		smooth unique with linespoints lw 2 pt i ps 0.8 lc i title word(allocators, i)
}
unset multiplot
