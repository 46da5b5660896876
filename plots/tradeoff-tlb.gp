# The tradeoff's cause: dTLB-load-misses of the access phase per page
# touched, against size, one panel per pattern, one line per allocator. On
# a machine without a PMU (QEMU TCG has none) the counter is unsupported and
# the panel says so instead of drawing zeros. Extra input: allocators,
# patterns, measured (1 when access_dTLB-load-misses holds counts).
load "plots/common.gp"
if (!measured) {
	unset border; unset tics; unset key; unset grid
	set xrange [0:1]; set yrange [0:1]
	set label 1 "dTLB-load-misses per page: not measured on this machine (no PMU)" \
		at 0.5, 0.6 center font ",16"
	set label 2 "the counter is unsupported here (QEMU TCG emulates no PMU); run on hardware or under KVM with a vPMU" \
		at 0.5, 0.45 center font ",10"
	set title sprintf("dTLB misses per page touched\n%s", heading)
	plot NaN notitle
	exit
}
set logscale x 2
set xtics ("4K" 4096, "64K" 65536, "1M" 1048576, "16M" 16777216) font ",8"
set ytics auto
set mytics default
set xlabel "buffer size (bytes)"
set ylabel "dTLB-load-misses per page touched"
set key inside top left font ",8"
ran(a, p) = strcol("status") eq "ok" && strcol("allocator") eq a && strcol("pattern") eq p
n = words(allocators)
set multiplot layout 1, words(patterns) title sprintf("dTLB misses of the access phase per page touched\n%s", heading)
do for [k=1:words(patterns)] {
	p = word(patterns, k)
	set title p
	plot for [i=1:n] datafile using \
		(ran(word(allocators, i), p) ? column("size_bytes") : NaN):(column("access_dTLB-load-misses") / (column("pages") * column("passes"))) \
		smooth unique with linespoints lw 2 pt i ps 0.8 lc i title word(allocators, i)
}
unset multiplot
