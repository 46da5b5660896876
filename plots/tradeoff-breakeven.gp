# The tradeoff's answer, from breakeven.csv (`kallocbench breakeven`): for
# each size, the page accesses after which the buffer cheaper to get costs
# more in total (alloc + free + accesses) than the one cheaper to use, for
# one access pattern, one line per pair. Where one buffer is cheaper at any
# number of accesses there is no crossing; the panel then lists who wins.
# Extra input: pattern, crossings (1 when some pair crosses), verdicts (the
# summary drawn when none does, one line per pair). The rows of each pair
# must be adjacent and by size.
load "plots/common.gp"
set title sprintf("break-even: page accesses (%s pattern) after which the buffer cheaper to allocate costs more in total\n%s", pattern, heading)
if (!crossings) {
	unset border; unset tics; unset key; unset grid
	set xrange [0:1]; set yrange [0:1]
	set label 1 "no break-even at any size: one buffer is cheaper however often it is accessed" \
		at 0.5, 0.8 center font ",13"
	set label 2 verdicts at 0.5, 0.65 center font ",10"
	plot NaN notitle
	exit
}
set logscale x 2
set logscale y 10
set ytics auto
set format y "%g"
set key outside bottom center horizontal
set xtics ("4K" 4096, "16K" 16384, "64K" 65536, "256K" 262144, "1M" 1048576, \
	"4M" 4194304, "16M" 16777216, "64M" 67108864)
set xlabel "buffer size (bytes)"
set ylabel "page accesses to break even"
pair(a, b) = strcol("pattern") eq pattern && strcol("a") eq a && strcol("b") eq b && strcol("breakeven_pages") ne ""
plot for [b in "kmalloc alloc_pages"] for [a in "vmalloc vmalloc_huge"] datafile using \
	(pair(a, b) ? column("size_bytes") : NaN):(column("breakeven_pages")) \
	with linespoints lw 2 pt 7 ps 0.7 title a . " vs " . b
