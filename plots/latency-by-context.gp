# Allocation latency by context: one panel per allocator, the contexts along
# x in the order given, one colour per size (or order), p50 solid and p99
# dashed. Extra input: contexts and allocators (space-separated, in order),
# sizes (space-separated size_bytes or order values, "by" says which).
load "plots/common.gp"
# index of context c among the contexts, NaN when absent
context_at(c, i) = i > words(contexts) ? NaN : \
	(word(contexts, i) eq c ? i : context_at(c, i + 1))
at(a, s) = ok(a) && strcol(by) eq s ? context_at(strcol("context"), 1) : NaN
set logscale y 10
set xrange [0.5:words(contexts) + 0.5]
set xtics () rotate by -45 font ",8"
set key inside top left vertical Left reverse font ",8" samplen 2
do for [i=1:words(contexts)] { set xtics add (word(contexts, i) i) }
set ylabel cost_label("alloc")
n = words(allocators)
set multiplot layout 1, n title sprintf("alloc " . (icount ? "cost" : "latency") . " by context (%s, %s): p50 solid, p99 dashed\n%s", \
	pattern, gfp, heading)
do for [k=1:n] {
	a = word(allocators, k)
	set title a
	plot for [j=1:words(sizes)] datafile using (at(a, word(sizes, j))):(column("alloc_ns_p50")) \
		smooth unique with linespoints lw 2 pt 7 lc j title (by eq "order" ? "order " : "") . word(sizes, j), \
	     for [j=1:words(sizes)] datafile using (at(a, word(sizes, j))):(column("alloc_ns_p99")) \
		smooth unique with linespoints dt 2 pt 6 lc j notitle
}
unset multiplot
