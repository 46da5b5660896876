# Success rate of alloc_pages as a heatmap of order x fragmentation state, one
# panel per GFP mask. Input: datafile (scripts/plot.sh's frag-cases.csv:
# state_index, allocator, gfp, order, success_pct, ...), states (the states,
# level/kind, in the order of their index) and gfps (the masks).
load "plots/common.gp"
unset logscale y
set ytics auto
set mytics default
set palette defined (0 '#b2182b', 50 '#f7f7f7', 100 '#2166ac')
set cbrange [0:100]
set cblabel "allocations that succeeded (%)"
set xlabel "order"
# x from order 0 to the largest measured, each order one cell wide
stats datafile using (strcol("allocator") eq "alloc_pages" ? column("order") : NaN) nooutput
set xrange [STATS_min - 0.5:STATS_max + 0.5]
set xtics STATS_min, 1, STATS_max
set ytics () font ",8"
do for [i=1:words(states)] { set ytics add (word(states, i) i - 1) }
set yrange [-0.5:words(states) - 0.5]
# An order the sweep skipped is grey, not the palette's white (50%).
set object 1 rectangle from graph 0, graph 0 to graph 1, graph 1 behind \
	fillcolor rgb "#bbbbbb" fillstyle solid 1.0 noborder
n = words(gfps)
cols = n < 2 ? n : 2
rows = (n + cols - 1) / cols
set multiplot layout rows, cols title sprintf("alloc_pages success rate by order and fragmentation level (grey: order not measured)\n%s", heading)
do for [k=1:n] {
	g = word(gfps, k)
	set title g
	plot datafile using (strcol("allocator") eq "alloc_pages" && strcol("gfp") eq g ? \
		column("order") : NaN):(column("state_index")):(0.5):(0.5):(column("success_pct")) \
		with boxxyerror fs solid 1.0 noborder fc palette notitle
}
unset multiplot
