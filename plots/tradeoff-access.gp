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
# 1-2-5 steps: the lines are often flat, and a decade per tick would
# leave a panel with one label.
set ytics ("0.1" 0.1, "0.2" 0.2, "0.5" 0.5, "1" 1, "2" 2, "5" 5, "10" 10, \
	"20" 20, "50" 50, "100" 100, "200" 200, "500" 500, "1000" 1000, \
	"2000" 2000, "5000" 5000, "1e4" 1e4, "2e4" 2e4, "5e4" 5e4, "1e5" 1e5, \
	"2e5" 2e5, "5e5" 5e5, "1e6" 1e6)
set mytics 1
set xlabel "buffer size (bytes)"
set ylabel "cost of one more page access (ns; icount: instructions)"
set key inside top right font ",8"
ran(a, p) = strcol("allocator") eq a && strcol("pattern") eq p && \
	strcol("frag_level") eq "none" && strcol("model") eq model && \
	column("marginal_ns_per_page") > 0
n = words(allocators)
set multiplot layout 1, words(patterns) title sprintf("cost of using a buffer: time per page accessed vs size and pattern (slope: a walk's fixed cost left out)\n%s", heading)
do for [k=1:words(patterns)] {
	p = word(patterns, k)
	set title p
	plot for [i=1:n] datafile using \
		(ran(word(allocators, i), p) ? column("size_bytes") : NaN):(column("marginal_ns_per_page")) \
		smooth unique with linespoints lw 2 pt i ps 0.8 lc i title word(allocators, i)
}
unset multiplot
