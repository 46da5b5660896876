# kmalloc, vmalloc and kvmalloc at the sizes kmalloc serves from the buddy
# allocator: mean alloc latency where every allocation succeeded (top; a
# case with failures averages their fast returns in, so it is left out) and
# the share of allocations that succeeded (bottom) against the size, one
# line per fragmentation state, one column per allocator. Input: datafile
# (frag-cases.csv), states, allocators.
load "plots/common.gp"
set key inside top left font ",7" samplen 2
set logscale x 2
set xlabel "request size (bytes)"
n = words(allocators)
at(a, s) = strcol("allocator") eq a && column("state_index") == s - 1
# x a step beyond the sizes that ran, so that one size still has a range;
# a label at every power of two between (the sweep doubles its sizes)
stats datafile using (column("size_bytes")) nooutput
set xrange [STATS_min / 2:STATS_max * 2]
set xtics () rotate by -45 font ",8"
do for [e=int(log(STATS_min) / log(2) + 0.5):int(log(STATS_max) / log(2) + 0.5)] {
	set xtics add (size_label(2**e) 2**e)
}
set multiplot layout 2, n title sprintf("large allocations by fragmentation level: %s (alloc mean, cases where every allocation succeeded) and success\n%s", \
	icount ? "cost" : "latency", heading)
do for [k=1:n] {
	a = word(allocators, k)
	set title a
	set logscale y 10
	set ylabel cost_label("alloc")
	set yrange [*:*]
	# No size where every allocation succeeded: fixed ranges and a label,
	# since gnuplot refuses to autoscale on no points.
	undefine STATS_records
	stats datafile using (strcol("allocator") eq a && column("success_pct") == 100 ? \
		column("alloc_ns_mean") : NaN) nooutput
	if (!exists("STATS_records")) {
		set yrange [1:10]
		set label 2 "no size where every allocation succeeded" at graph 0.5, graph 0.5 center
	} else {
		set yrange [STATS_min / 3:STATS_max * 3]
	}
	plot for [s=1:words(states)] datafile \
		using (at(a, s) && column("success_pct") == 100 ? column("size_bytes") : NaN):(column("alloc_ns_mean")) \
		smooth unique with linespoints lw 2 pt 7 ps 0.5 lc s title word(states, s)
	unset label 2
}
do for [k=1:n] {
	a = word(allocators, k)
	set title a . " success"
	unset logscale y
	set ytics auto
	set mytics default
	set yrange [-5:105]
	set ylabel "succeeded (%)"
	set key inside bottom left
	plot for [s=1:words(states)] datafile \
		using (at(a, s) ? column("size_bytes") : NaN):(column("success_pct")) \
		smooth unique with linespoints lw 2 pt 7 ps 0.5 lc s title word(states, s)
}
unset multiplot
