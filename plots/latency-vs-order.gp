# alloc_pages: mean and p99 latency of alloc and free against the buddy
# order, log y. Extra input: allocators (the order-based ones present).
load "plots/common.gp"
set logscale y 10
set xrange [-0.5:*]
set xtics 1
set xlabel "order (block of 2^order pages)"
set ylabel cost_label("alloc and free")
set title sprintf("page allocator " . (icount ? "cost" : "latency") . " vs order (%s, %s, %s%s%s)\n%s", \
	pattern, gfp, context, state_note("frag", frag_state), \
	state_note("pressure", pressure_state), heading)
n = words(allocators)
plot for [i=1:n] datafile using \
	(served(word(allocators, i)) ? column("order") : NaN):(column("alloc_ns_mean")) \
	smooth unique with linespoints lw 2 pt 7 lc 2*i-1 title word(allocators, i) . " alloc mean", \
     for [i=1:n] datafile using \
	(served(word(allocators, i)) ? column("order") : NaN):(column("alloc_ns_p99")) \
	smooth unique with linespoints dt 2 pt 6 lc 2*i-1 title word(allocators, i) . " alloc p99", \
     for [i=1:n] datafile using \
	(served(word(allocators, i)) ? column("order") : NaN):(column("free_ns_mean")) \
	smooth unique with linespoints lw 2 pt 5 lc 2*i title word(allocators, i) . " free mean", \
     for [i=1:n] datafile using \
	(served(word(allocators, i)) ? column("order") : NaN):(column("free_ns_p99")) \
	smooth unique with linespoints dt 2 pt 4 lc 2*i title word(allocators, i) . " free p99"
