# What a vmalloc mapping costs the kernel, vmalloc against vmalloc_huge:
# page-table pages (PTE pages found by walking the kernel's page tables over
# the buffer) per MiB, and the TLB flushes of the alloc and free phases per
# MiB. Extra input: flushes: "sim" when the simulated MMU counted the
# flushes the CPU executed (INVLPG and whole-TLB flushes, vfree's lazy
# purges included), "tracepoint" when only tlb:tlb_flush was counted (it
# misses vfree's kernel-range flushes; see README), "" for neither. A panel
# without data says why instead of plotting nothing.
load "plots/common.gp"
set logscale x 2
set xtics ("4K" 4096, "16K" 16384, "64K" 65536, "256K" 262144, "1M" 1048576, \
	"4M" 4194304, "16M" 16777216, "64M" 67108864) font ",8"
# a step beyond the sizes that ran, so that one size still has a range
stats datafile using (strcol("status") eq "ok" ? column("size_bytes") : NaN) nooutput
set xrange [STATS_min / 2:STATS_max * 2]
set ytics auto
set mytics default
set xlabel "buffer size (bytes)"
set key inside top right font ",8"
mib(dummy) = column("size_bytes") / 1048576.0
ran(a) = strcol("status") eq "ok" && strcol("allocator") eq a && strcol("frag_level") eq "none"
set multiplot layout 1, 2 title sprintf("page tables and TLB flushes per MiB: vmalloc vs vmalloc_huge\n%s", heading)
set title "PTE pages mapping the buffer, per MiB"
set ylabel "PTE pages per MiB"
# A log scale has no 0: a buffer without PTE pages (every 2 MiB of it
# PMD-mapped) is drawn on a floor below the scale, labelled "none".
floor = 0.01
set logscale y 10
set yrange [floor / 2:*]
set ytics ("none" floor, "0.1" 0.1, "1" 1, "10" 10, "100" 100, "1000" 1000)
plot for [a in "vmalloc vmalloc_huge"] datafile using \
	(ran(a) ? column("size_bytes") : NaN):(column("pte_tables") > 0 ? column("pte_tables_per_mib") : floor) \
	smooth unique with linespoints lw 2 pt 7 ps 0.6 title a
unset logscale y
set ytics auto
# stats reads within the current ranges: the first panel's floor is not this one's
set yrange [*:*]
sim_per_mib(dummy) = (column("alloc_sim_invlpg") + column("alloc_sim_full_flushes") + \
	column("alloc_sim_cr3_flushes") + column("free_sim_invlpg") + \
	column("free_sim_full_flushes") + column("free_sim_cr3_flushes")) / mib(0)
tracepoint_per_mib(dummy) = (column("alloc_tlb:tlb_flush") + column("free_tlb:tlb_flush")) / mib(0)
most = 0
if (flushes ne "") {
	undefine STATS_max
	stats datafile using (ran("vmalloc") || ran("vmalloc_huge") ? \
		(flushes eq "sim" ? sim_per_mib(0) : tracepoint_per_mib(0)) : NaN) nooutput
	if (exists("STATS_max")) { most = STATS_max }
}
if (most == 0) {
	# Nothing to scale an axis on: an empty panel that says why.
	set title "TLB flushes per MiB"
	unset logscale x
	set xrange [0:1]
	set yrange [0:1]
	unset xtics
	unset ytics
	unset xlabel
	unset ylabel
	set label 1 (flushes eq "sim" ? "the simulated MMU counted no flush in alloc or free" : \
		flushes eq "tracepoint" ? "tlb:tlb_flush was 0 in every case" : \
		"flushes not counted in this run\n(TLB_MODEL=... simulates them; or add tlb:tlb_flush to events = ...)") \
		at graph 0.5, graph 0.5 center
	plot 2 notitle
} else {
	set yrange [0:*]
	if (flushes eq "sim") {
		set title "TLB flushes executed in alloc + free, per MiB (simulated MMU)\nINVLPG + whole-TLB flushes; vfree purges lazily"
		set ylabel "sim flushes per MiB"
	} else {
		set title "tlb:tlb_flush in alloc + free, per MiB\n(the tracepoint sees mm flushes, not vfree's kernel-range flush)"
		set ylabel "tlb_flush events per MiB"
	}
	plot for [a in "vmalloc vmalloc_huge"] datafile using \
		(ran(a) ? column("size_bytes") : NaN):(flushes eq "sim" ? sim_per_mib(0) : tracepoint_per_mib(0)) \
		smooth unique with linespoints lw 2 pt 7 ps 0.6 title a
}
unset multiplot
