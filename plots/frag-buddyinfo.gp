# Free blocks per order (all zones, from /proc/buddyinfo) before a level is
# applied, once it is, and after it is released: one panel per state. Input:
# datafile (scripts/plot.sh's frag-blocks.csv: state_index, phase, order,
# free_blocks) and states. A log scale has no 0: a count of 0 is drawn on a
# floor below 1, labelled "none".
load "plots/common.gp"
set logscale y 10
set ytics ("none" 0.5, "1" 1, "10" 10, "100" 100, "1k" 1e3, "10k" 1e4, "100k" 1e5, "1M" 1e6)
set yrange [0.4:*]
set xlabel "order"
set ylabel "free blocks"
set key inside top right font ",8" samplen 2
set xtics 2
phases = "before fragmented released"
n = words(states)
cols = n < 4 ? n : 4
rows = (n + cols - 1) / cols
blocks(s, p) = column("state_index") == s - 1 && strcol("phase") eq p ? \
	(column("free_blocks") > 0 ? column("free_blocks") : 0.5) : NaN
set multiplot layout rows, cols title sprintf("free blocks per order before, with and after each fragmentation level\n%s", heading)
do for [s=1:n] {
	set title word(states, s)
	plot for [p=1:3] datafile using (column("order")):(blocks(s, word(phases, p))) \
		with linespoints lw 2 pt 7 ps 0.5 lc p title word(phases, p)
}
unset multiplot
