# The tradeoff's cause: TLB misses of the access phase per page touched,
# against size, one column of panels per pattern. Extra input: allocators,
# patterns, source, and
#   source "hardware": datafile is access.csv, dTLB-load-misses counted by
#     the PMU (the primary figure wherever there is one) and, where
#     walk_event names the CPU's own page-walk event for loads (meta.json's
#     guest.counters.tlb_walks) and it was counted, a row of its walks per
#     page above, as the simulated figure has;
#   source "simulated": datafile is tradeoff.csv (`kallocbench breakeven`), the
#     simulated MMU's page walks (misses in both TLB levels) and first-level
#     dTLB load misses per page, one line style per CPU model (models);
#   source "none": a panel that says why nothing is drawn.
# Rows of each line adjacent, by size.
load "plots/common.gp"
if (source eq "none") {
	unset border; unset tics; unset key; unset grid
	set xrange [0:1]; set yrange [0:1]
	set label 1 "dTLB misses per page: not measured on this machine (no PMU)" \
		at 0.5, 0.6 center font ",16"
	set label 2 "the counter is unsupported here (QEMU TCG emulates no PMU): TLB_MODEL=skylake-sp,zen4 simulates the MMU instead" \
		at 0.5, 0.45 center font ",10"
	set title sprintf("dTLB misses per page touched\n%s", heading)
	plot NaN notitle
	exit
}
set logscale x 2
set xtics ("4K" 4096, "16K" 16384, "64K" 65536, "256K" 262144, "1M" 1048576, "4M" 4194304, "16M" 16777216, "64M" 67108864) font ",8"
set ytics auto
set format y "%g"
set mytics default
set xlabel "buffer size (bytes)"
set key inside top left font ",7"
n = words(allocators)
if (source eq "hardware") {
	ran(a, p) = strcol("status") eq "ok" && strcol("allocator") eq a && strcol("pattern") eq p && strcol("frag_level") eq "none"
	if (!exists("walk_event")) { walk_event = "" }
	rows = walk_event eq "" ? 1 : 2
	walks_row(row) = rows == 2 && row == 1
	set multiplot layout rows, words(patterns) title sprintf("TLB misses of the access phase per page touched (hardware counters)\n%s", heading)
	do for [row=1:rows] {
		counter = walks_row(row) ? "access_" . walk_event : "access_dTLB-load-misses"
		set ylabel (walks_row(row) ? "page walks per page touched" : "dTLB-load-misses per page touched")
		do for [k=1:words(patterns)] {
			p = word(patterns, k)
			set title p . (walks_row(row) ? ": page walks (" . walk_event . ")" : ": dTLB-load-misses") font ",8"
			if (row == 1 && k == 1) { set key inside top left font ",7" } else { unset key }
			plot for [i=1:n] datafile using \
				(ran(word(allocators, i), p) ? column("size_bytes") : NaN):(column(counter) / (column("pages") * column("passes"))) \
				smooth unique with linespoints lw 2 pt i ps 0.8 lc i title word(allocators, i)
		}
	}
	unset multiplot
	exit
}
sim(a, p, m) = strcol("allocator") eq a && strcol("pattern") eq p && \
	strcol("model") eq m && strcol("frag_level") eq level
nm = words(models)
set yrange [0:*]
set multiplot layout 2, words(patterns) title sprintf("simulated MMU (%s; not a hardware counter): TLB misses of the access phase per page touched\n%s", models, heading)
do for [row=1:2] {
	do for [k=1:words(patterns)] {
		p = word(patterns, k)
		set title p . (row == 1 ? ": page walks (missed L1 dTLB and L2 TLB)" : ": L1 dTLB load misses")
		set ylabel (row == 1 ? "sim walks per page" : "sim L1 dTLB misses per page")
		# one key, in the first panel: the lines are the same in every panel
		if (row == 1 && k == 1) { set key inside top left font ",7" } else { unset key }
		plot for [j=1:nm] for [i=1:n] datafile using \
			(sim(word(allocators, i), p, word(models, j)) ? column("size_bytes") : NaN):(column(row == 1 ? "walks_per_page" : "dtlb_load_misses_per_page")) \
			with linespoints lw 2 dt j pt i ps 0.7 lc i \
			title word(allocators, i) . " · " . word(models, j)
	}
}
unset multiplot
