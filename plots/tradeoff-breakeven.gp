# The tradeoff's answer, from breakeven.csv (`kallocbench breakeven`): for
# each size, the page accesses after which the buffer cheaper to get costs
# more in total (alloc + free + accesses) than the one cheaper to use, for
# one access pattern and fragmentation level, one line per pair and TLB
# model. A page access costs what the walk measured per page plus, with the
# simulated MMU, its page walks times a stated penalty. Where one buffer is
# cheaper at any number of accesses there is no crossing; the panel then
# lists who wins. Extra input: pairs ("a:b" words), pattern, level and kind (the fragmented
# state: frag_level and frag_kind of breakeven.csv), models, crossings (1 when
# some pair crosses), verdicts (the summary drawn when none does, one line
# per pair), penalty (how a walk was charged). The rows of each line must
# be adjacent and by size.
load "plots/common.gp"
set title sprintf("break-even: page accesses (%s pattern, fragmentation %s%s) after which the buffer cheaper to allocate costs more in total\n%s\n%s", pattern, level, (kind eq "" ? "" : " " . kind), penalty, heading)
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
	"4M" 4194304, "8M" 8388608, "16M" 16777216, "32M" 33554432, "64M" 67108864)
set xlabel "buffer size (bytes)"
set ylabel "page accesses to break even"
pair(a, b, m) = strcol("pattern") eq pattern && strcol("frag_level") eq level && \
	strcol("frag_kind") eq kind && \
	strcol("a") eq a && strcol("b") eq b && strcol("model") eq m && \
	strcol("breakeven_pages") ne ""
# a step beyond the sizes that cross, so that one size still has a range
stats datafile using (strcol("pattern") eq pattern && strcol("frag_level") eq level && \
	strcol("frag_kind") eq kind && strcol("breakeven_pages") ne "" ? \
	column("size_bytes") : NaN) nooutput
set xrange [STATS_min / 2:STATS_max * 2]
# pairs: "a:b" words, the pairs breakeven.csv compares
first(pr) = pr[1:strstrt(pr, ":") - 1]
second(pr) = pr[strstrt(pr, ":") + 1:]
plot for [m in models] for [pr in pairs] datafile using \
	(pair(first(pr), second(pr), m) ? column("size_bytes") : NaN):(column("breakeven_pages")) \
	with linespoints lw 2 pt 7 ps 0.7 title first(pr) . " vs " . second(pr) . (m eq "none" ? "" : " · " . m)
