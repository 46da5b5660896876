# Mean and p99 latency of one operation (op = "alloc" or "free") against the
# request size, log-log, one colour per allocator; crosses mark sizes where
# every allocation failed. Extra input: op, allocators (space-separated).
load "plots/common.gp"
set logscale xy 2
set format x "%.0b%B"
set xlabel "request size (bytes)"
set ylabel sprintf("%s latency (ns)", op)
set title sprintf("%s latency vs size: mean (solid), p99 (dashed)\n%s", op, heading)
mean = op . "_ns_mean"
p99 = op . "_ns_p99"
n = words(allocators)
plot for [i=1:n] datafile using \
	(served(word(allocators, i)) ? column("size_bytes") : NaN):(column(mean)) \
	with linespoints lw 2 pt 7 ps 0.7 lc i title word(allocators, i) . " mean", \
     for [i=1:n] datafile using \
	(served(word(allocators, i)) ? column("size_bytes") : NaN):(column(p99)) \
	with linespoints dt 2 lw 1 pt 6 ps 0.6 lc i title word(allocators, i) . " p99", \
     for [i=1:n] datafile using \
	(failed(word(allocators, i)) ? column("size_bytes") : NaN):(column(mean)) \
	with points pt 2 ps 2 lw 2 lc i title word(allocators, i) . " failed"
