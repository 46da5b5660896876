# The tradeoff, cost of getting a buffer: alloc + free time against the
# buffer's size, log-log, one line per allocator (the access benchmark's
# access.csv; each case allocates once, and the patterns' cases of one size
# are averaged). Extra input: allocators (space-separated).
load "plots/common.gp"
set logscale x 2
set logscale y 10
set xtics ("4K" 4096, "16K" 16384, "64K" 65536, "256K" 262144, "1M" 1048576, \
	"4M" 4194304, "16M" 16777216, "64M" 67108864)
set xlabel "buffer size (bytes)"
set ylabel per_label("alloc + free")
set title sprintf("cost of a buffer: one allocation and its free vs size\n%s", heading)
ran(a) = strcol("status") eq "ok" && strcol("allocator") eq a && strcol("frag_level") eq "none"
n = words(allocators)
plot for [i=1:n] datafile using \
	(ran(word(allocators, i)) ? column("size_bytes") : NaN):(column("alloc_ns") + column("free_ns")) \
	smooth unique with linespoints lw 2 pt i ps 0.8 lc i title word(allocators, i)
