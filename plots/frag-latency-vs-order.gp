# alloc_pages latency against the order, one line per fragmentation state
# (p50 solid, p99 dashed), one panel per GFP mask; only the cases where every
# allocation succeeded: a case's figures are over all its allocations, and
# fast failures (heavy fragmentation at high orders) would pass for low
# latency. frag-success-heatmap shows the failure rates. Input:
# datafile (frag-cases.csv), states and gfps as in frag-success-heatmap.gp.
load "plots/common.gp"
set logscale y 10
set xrange [-0.5:*]
set xtics 1
set xlabel "order"
set ylabel cost_label("alloc")
set key inside top left font ",8" samplen 2
n = words(gfps)
cols = n < 2 ? n : 2
rows = (n + cols - 1) / cols
served_at(g, s) = strcol("allocator") eq "alloc_pages" && strcol("gfp") eq g && \
	column("state_index") == s - 1 && column("success_pct") == 100
set multiplot layout rows, cols title sprintf("alloc_pages %s vs order by fragmentation level (p50 solid, p99 dashed), where every allocation succeeded\n(a case with failures is left out: its figures average the failures in; failure rates: frag-success-heatmap)\n%s", \
	icount ? "cost" : "latency", heading)
do for [k=1:n] {
	g = word(gfps, k)
	set title g
	plot for [s=1:words(states)] datafile \
		using (served_at(g, s) ? column("order") : NaN):(column("alloc_ns_p50")) \
		smooth unique with linespoints lw 2 pt 7 ps 0.6 lc s title word(states, s), \
	     for [s=1:words(states)] datafile \
		using (served_at(g, s) ? column("order") : NaN):(column("alloc_ns_p99")) \
		smooth unique with lines dt 2 lc s notitle
}
unset multiplot
