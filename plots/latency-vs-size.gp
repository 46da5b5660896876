# Mean and p99 latency of one operation (op = "alloc" or "free") against the
# request size, log-log, one colour per allocator; crosses mark sizes where
# every allocation failed. Extra input: op, allocators (space-separated),
# any_failed (1 when some size failed every time), sizes (the sizes
# measured, space-separated).
load "plots/common.gp"
set logscale x 2
set logscale y 10
# A sweep of a few sizes gets each labelled; a long one every eighth power.
if (words(sizes) <= 12) {
	set xtics ()
	do for [i=1:words(sizes)] {
		b = word(sizes, i) + 0
		set xtics add (size_label(b) b)
	}
} else {
	set xtics ("1" 1, "8" 8, "64" 64, "512" 512, "4K" 4096, "32K" 32768, \
		"256K" 262144, "2M" 2097152, "16M" 16777216, "128M" 134217728)
}
if (any_failed) {
	set label 1 "× : every allocation failed (the cost of failing)" \
		at graph 0.01, graph -0.11 font ",9"
	set bmargin 6
}
# Ranges a step beyond what ran, so that one size (or one cost) still has a
# range on each axis.
smallest = word(sizes, 1) + 0
largest = smallest
do for [i=2:words(sizes)] {
	b = word(sizes, i) + 0
	if (b < smallest) { smallest = b }
	if (b > largest) { largest = b }
}
set xrange [smallest / 2:largest * 2]
stats datafile using (strcol("status") eq "ok" ? column(op . "_ns_mean") : NaN) nooutput
cheapest = STATS_min
stats datafile using (strcol("status") eq "ok" ? column(op . "_ns_p99") : NaN) nooutput
set yrange [cheapest / 3:STATS_max * 3]
set xlabel "request size (bytes)"
set ylabel cost_label(op)
set title sprintf("%s " . (icount ? "cost" : "latency") . " vs size (%s, %s, %s%s%s): mean (solid), p99 (dashed)\n%s", \
	op, pattern, gfp, context, state_note("frag", frag_state), \
	state_note("pressure", pressure_state), heading)
mean = op . "_ns_mean"
p99 = op . "_ns_p99"
n = words(allocators)
plot for [i=1:n] datafile using \
	(served(word(allocators, i)) ? column("size_bytes") : NaN):(column(mean)) \
	smooth unique with linespoints lw 2 pt 7 ps 0.7 lc i title word(allocators, i) . " mean", \
     for [i=1:n] datafile using \
	(served(word(allocators, i)) ? column("size_bytes") : NaN):(column(p99)) \
	smooth unique with linespoints dt 2 lw 1 pt 6 ps 0.6 lc i title word(allocators, i) . " p99", \
     for [i=1:n] datafile using \
	(failed(word(allocators, i)) ? column("size_bytes") : NaN):(column(mean)) \
	with points pt 2 ps 2 lw 2 lc i notitle
