# kmem_cache_alloc_bulk: the amortized alloc+free pair per object against
# objects per call (log 2), one line per size; dashed, kmem_cache_alloc's
# one-object pair on the same size and one CPU where the run had it.
# Input: datafile (series, bulk, per_object, rows of a series adjacent,
# bulk ascending), series (the sizes) and singles (kmem_cache_alloc's pair
# for each, "none" where the run had none).
load "plots/common.gp"
set logscale x 2
set logscale y 10
set xlabel "objects per kmem_cache_alloc_bulk() call"
set ylabel per_label("alloc+free per object")
set title sprintf("bulk API: cost per object vs bulk size\n%s", heading)
n = words(series)
single(i) = word(singles, i) eq "none" ? NaN : word(singles, i) + 0.0
plot for [i=1:n] datafile using \
	(strcol("series") eq word(series, i) ? column("bulk") : NaN):(column("per_object")) \
	with linespoints lw 2 pt 7 lc i title "kmem_cache_alloc_bulk " . word(series, i) . " B", \
     for [i=1:n] single(i) with lines dt 2 lw 2 lc i \
	title word(singles, i) eq "none" ? "" : "kmem_cache_alloc " . word(series, i) . " B, one a call"
