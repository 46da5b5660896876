# Many CPUs at once: alloc+free pairs a second of the amortized loop per
# CPU (left) and on all of them (right) against the number of CPUs, one
# line per allocator and size (or order), a cache's allocator with one
# cache per CPU (caches per_cpu, series ending -per_cpu) dashed beside its
# shared cache's. Input: datafile (series, cpus,
# pair_mops_per_cpu, pair_mops_total, rows of a series adjacent, CPUs
# ascending), series (their names), icount_note (what icount's figures
# are on several CPUs, empty elsewhere).
load "plots/common.gp"
unset logscale y
set ytics auto
set mytics default
set xtics 1
set xrange [0.5:*]
set yrange [0:*]
set xlabel "CPUs allocating at once"
rate = icount ? "million pairs a virtual second (icount)" : "million alloc+free pairs a second"
set multiplot layout 1, 2 title sprintf("scalability: alloc+free pairs by number of CPUs\n%s%s", \
	heading, icount_note eq "" ? "" : "\n" . icount_note)
n = words(series)
own(i) = strstrt(word(series, i), "-per_cpu") > 0
set title "per CPU"
set ylabel rate . " per CPU"
set key inside top right vertical Left reverse font ",8"
plot for [i=1:n] datafile using \
	(strcol("series") eq word(series, i) ? column("cpus") : NaN):(column("pair_mops_per_cpu")) \
	with linespoints lw 2 pt 7 lc i dt 1 + own(i) title word(series, i)
set title "all CPUs together"
set ylabel rate . " in all"
plot for [i=1:n] datafile using \
	(strcol("series") eq word(series, i) ? column("cpus") : NaN):(column("pair_mops_total")) \
	with linespoints lw 2 pt 7 lc i dt 1 + own(i) title word(series, i)
unset multiplot
