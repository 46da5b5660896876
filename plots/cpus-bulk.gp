# The bulk allocators (kmem_cache_alloc_bulk, alloc_pages_bulk): the
# amortized alloc+free pair per object (per page) against objects per call
# (log 2), one line per allocator and size or order; dashed, the
# one-at-a-time allocator's pair on the same size or order and one CPU
# where the run had it.
# Input: datafile (series, bulk, per_object, rows of a series adjacent,
# bulk ascending), series (keys ALLOCATOR/DETAIL, "~" a space in DETAIL),
# singles (the one-at-a-time pair for each, "none" where the run had none)
# and single_names (that allocator for each).
load "plots/common.gp"
set logscale x 2
set logscale y 10
set xlabel "objects (pages) per bulk call"
set ylabel per_label("alloc+free per object")
set title sprintf("bulk API: cost per object vs bulk size\n%s", heading)
n = words(series)
# s with its first c a space
spaced(s, c) = strstrt(s, c) ? s[1:strstrt(s, c) - 1] . " " . s[strstrt(s, c) + 1:] : s
detail(s) = spaced(s[strstrt(s, "/") + 1:], "~")
label(s) = s[1:strstrt(s, "/") - 1] . " " . detail(s)
single(i) = word(singles, i) eq "none" ? NaN : word(singles, i) + 0.0
plot for [i=1:n] datafile using \
	(strcol("series") eq word(series, i) ? column("bulk") : NaN):(column("per_object")) \
	with linespoints lw 2 pt 7 lc i title label(word(series, i)), \
     for [i=1:n] single(i) with lines dt 2 lw 2 lc i \
	title word(singles, i) eq "none" ? "" : word(single_names, i) . " " . detail(word(series, i)) . ", one a call"
