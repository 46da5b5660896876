# Failure rate by context under memory pressure: the rows with pressure=low,
# one panel per allocator and size (or order), the contexts along x in the
# order given, one line per GFP mask; failures / ops_done of the per-operation
# loop. Extra input: contexts, gfps, panel_allocators and panel_values
# (space-separated, paired: panel k is allocator word(panel_allocators, k)
# with size_bytes word(panel_values, k), or order N written oN). Each mask's
# points are rings of their own size, so that masks with the same rate (all
# 0% where the pressure made none fail) still show one ring each.
load "plots/common.gp"
context_at(c, i) = i > words(contexts) ? NaN : \
	(word(contexts, i) eq c ? i : context_at(c, i + 1))
value_of_row(dummy) = strcol("size_bytes") ne "" ? strcol("size_bytes") : "o" . strcol("order")
under_pressure(a, v, g) = strcol("status") eq "ok" && strcol("pressure") eq "low" && \
	strcol("allocator") eq a && value_of_row(0) eq v && strcol("gfp") eq g && \
	column("ops_done") > 0
at(a, v, g) = under_pressure(a, v, g) ? context_at(strcol("context"), 1) : NaN
label(v) = v[1:1] eq "o" ? "order " . v[2:] : v . " B"
unset logscale y
set ytics auto
set mytics default
set format y "%g%%"
set yrange [-5:105]
set xrange [0.5:words(contexts) + 0.5]
set xtics () rotate by -45 font ",8"
set key inside center right vertical Left reverse font ",8" samplen 2
do for [i=1:words(contexts)] { set xtics add (word(contexts, i) i) }
set ylabel "failed allocations"
n = words(panel_allocators)
cols = n < 3 ? n : 3
rows = (n + cols - 1) / cols
set multiplot layout rows, cols title sprintf("failure rate by context under pressure=low (free memory near the min watermark)\n%s", heading)
do for [k=1:n] {
	a = word(panel_allocators, k)
	v = word(panel_values, k)
	set title a . " " . label(v)
	plot for [j=1:words(gfps)] datafile \
		using (at(a, v, word(gfps, j))):(100.0 * column("failures") / column("ops_done")) \
		smooth unique with linespoints lw 2 pt 6 ps (2.6 - 0.6 * j) lc j title word(gfps, j)
}
unset multiplot
