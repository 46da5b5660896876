# The tradeoff, cost of using a buffer: what one more page access costs,
# against the buffer's size, one panel per access pattern, one line per
# allocator (sequential touches every cache line, so its pages cost 64
# touches). From tradeoff.csv (`kallocbench breakeven`): the slope of the
# walk's time against the pages touched, to the next smaller size, so that
# a walk's fixed cost (entering the loop; under TCG translating its code
# the first time) is not shown as a cost per page of small buffers.
# Unfragmented cases only. Extra input: allocators, patterns
# (space-separated), model (the rows of one model: each has every case).
load "plots/common.gp"
set logscale x 2
set logscale y 10
set xtics ("4K" 4096, "16K" 16384, "64K" 65536, "256K" 262144, "1M" 1048576, \
	"4M" 4194304, "16M" 16777216, "64M" 67108864) font ",8"
set xlabel "buffer size (bytes)"
set ylabel per_label("cost of one more page access")
set key inside top right font ",8"
ran(a, p) = strcol("allocator") eq a && strcol("pattern") eq p && \
	strcol("frag_level") eq "none" && strcol("model") eq model && \
	column("marginal_ns_per_page") > 0
ran_any(dummy) = strcol("frag_level") eq "none" && strcol("model") eq model && \
	column("marginal_ns_per_page") > 0
n = words(allocators)
# Ranges a step around what ran, so that a sweep of one size (or a pattern
# whose cost never moves) still has a range, and a labelled tick, on each axis.
stats datafile using (ran_any(0) ? column("size_bytes") : NaN) nooutput
set xrange [STATS_min / 2:STATS_max * 2]
# icount charges instructions, and a TLB miss is none: the lines coincide.
set multiplot layout 1, words(patterns) title sprintf("cost of using a buffer: access %s per page vs size and pattern (slope: a walk's fixed cost left out)%s\n%s", \
	icount ? "cost" : "time", icount ? "\nicount: a TLB miss costs no instruction, so the allocators' lines coincide; see tradeoff-tlb" : "", heading)
do for [k=1:words(patterns)] {
	p = word(patterns, k)
	set title p
	# stats reads within the current ranges: the last panel's are not this one's
	set yrange [*:*]
	stats datafile using (ran_any(0) && strcol("pattern") eq p ? \
		column("marginal_ns_per_page") : NaN) nooutput
	set yrange [STATS_min / 3:STATS_max * 3]
	plot for [i=1:n] datafile using \
		(ran(word(allocators, i), p) ? column("size_bytes") : NaN):(column("marginal_ns_per_page")) \
		smooth unique with linespoints lw 2 pt i ps 0.8 lc i title word(allocators, i)
}
unset multiplot
