# What a vmalloc mapping costs the kernel, vmalloc against vmalloc_huge:
# page-table pages (PTE pages found by walking the kernel's page tables over
# the buffer) per MiB, and the TLB flushes of the alloc and free phases per
# MiB. Extra input: flushes: "sim" when the simulated MMU counted the
# flushes the CPU executed (INVLPG and whole-TLB flushes, vfree's lazy
# purges included), "tracepoint" when only tlb:tlb_flush was counted (it
# misses vfree's kernel-range flushes; see README), "" for neither.
load "plots/common.gp"
set logscale x 2
set xtics ("4K" 4096, "64K" 65536, "1M" 1048576, "16M" 16777216, "64M" 67108864) font ",8"
set ytics auto
set mytics default
set xlabel "buffer size (bytes)"
set key inside top right font ",8"
mib(dummy) = column("size_bytes") / 1048576.0
ran(a) = strcol("status") eq "ok" && strcol("allocator") eq a && strcol("frag_level") eq "none"
set multiplot layout 1, 2 title sprintf("page tables and TLB flushes per MiB: vmalloc vs vmalloc_huge\n%s", heading)
set title "PTE pages mapping the buffer, per MiB"
set ylabel "PTE pages per MiB"
# none at all (every 2 MiB PMD-mapped) is drawn on the floor, labelled 0
floor = 0.01
set logscale y 10
set yrange [floor / 2:*]
set ytics ("0" floor, "0.1" 0.1, "1" 1, "10" 10, "100" 100, "1000" 1000)
plot for [a in "vmalloc vmalloc_huge"] datafile using \
	(ran(a) ? column("size_bytes") : NaN):(column("pte_tables") > 0 ? column("pte_tables_per_mib") : floor) \
	smooth unique with linespoints lw 2 pt 7 ps 0.6 title a
unset logscale y
set yrange [*:*]
set ytics auto
if (flushes eq "sim") {
	set title "TLB flushes executed in alloc + free, per MiB (simulated MMU)\nINVLPG + whole-TLB flushes; vfree purges lazily"
	set ylabel "sim flushes per MiB"
	plot for [a in "vmalloc vmalloc_huge"] datafile using \
		(ran(a) ? column("size_bytes") : NaN):((column("alloc_sim_invlpg") + column("alloc_sim_full_flushes") + column("alloc_sim_cr3_flushes") + \
		  column("free_sim_invlpg") + column("free_sim_full_flushes") + column("free_sim_cr3_flushes")) / mib(0)) \
		smooth unique with linespoints lw 2 pt 7 ps 0.6 title a
} else {
	if (flushes eq "tracepoint") {
		set title "tlb:tlb_flush in alloc + free, per MiB\n(the tracepoint sees mm flushes, not vfree's kernel-range flush)"
		set ylabel "tlb_flush events per MiB"
		plot for [a in "vmalloc vmalloc_huge"] datafile using \
			(ran(a) ? column("size_bytes") : NaN):((column("alloc_tlb:tlb_flush") + column("free_tlb:tlb_flush")) / mib(0)) \
			smooth unique with linespoints lw 2 pt 7 ps 0.6 title a
	} else {
		set title "TLB flushes per MiB"
		unset border; unset tics; unset key; unset grid; unset logscale
		set xrange [0:1]; set yrange [0:1]
		set label 1 "not measured in this run: neither the simulated MMU (TLB_MODEL) nor tlb:tlb_flush" at 0.5, 0.5 center
		plot NaN notitle
	}
}
unset multiplot
