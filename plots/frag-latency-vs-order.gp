# alloc_pages latency against the order, one line per fragmentation state
# (p50 solid, p99 dashed), one panel per GFP mask; only the cases where some
# allocation succeeded, since a failure's cost is a different story. Input:
# datafile (frag-cases.csv), states and gfps as in frag-success-heatmap.gp.
load "plots/common.gp"
set logscale y 10
set xrange [-0.5:*]
set xtics 1
set xlabel "order"
set ylabel "alloc latency (ns)"
set key inside top left font ",8" samplen 2
n = words(gfps)
cols = n < 2 ? n : 2
rows = (n + cols - 1) / cols
served_at(g, s) = strcol("allocator") eq "alloc_pages" && strcol("gfp") eq g && \
	column("state_index") == s - 1 && column("success_pct") > 0
set multiplot layout rows, cols title sprintf("alloc_pages latency vs order by fragmentation level (p50 solid, p99 dashed)\n%s", heading)
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
