#!/usr/bin/env bash
# The ABI under attack, in one TCG boot of the default kernel (CPUS, 1 by
# default; with CPUS=2 cases on several CPUs run, not only their
# refusals): the sweep
# tests/sweeps/pressure.conf (cases under pressure low that would hold more
# than the headroom above the min watermarks are refused with a reason, one
# that fits runs, and the OOM killer never wakes), then the guest fuzzer
# tests/guest/fuzz.c with a fixed seed and count (every answer an errno of
# the ABI, free memory back once its files are closed), then rmmod; the
# console stays clean of every kernel report (KAB_CONSOLE_REPORTS, the OOM
# killer's included). The seed and count are the fuzzer's defaults;
# `fuzz SEED COUNT` in a guest runs others, `fuzz SEED N --show` anywhere
# prints request N.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../scripts/lib.sh"
. "$here/lib.sh"

kernel=${KERNEL:-debian-6.1}
export CPUS=${CPUS:-1}
results=$KAB_BUILD/test-results-fuzz
rm -rf "$results"
mkdir -p "$results"
kab_build_guest_test fuzz
fuzz=$KAB_BUILD/tests/fuzz

# 854 s of a 2-CPU TCG boot on a loaded 2-core host: the bound is twice it.
kab_check "the fuzz boot completes" kab_test_boot "$results" fuzz tcg \
	"$kernel" "$here/sweeps/pressure.conf" 1800 "$fuzz"
run=$results/fuzz

# status GROUP: the status and error of the case of sweep group GROUP.
status() {
	awk -F, -v g="$1" '
		NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
		{ v = $0; for (i = 1; i < h["status"]; i++) sub(/^[^,]*,/, "", v)
		  rows[NR - 1] = v }
		END { print rows[g] }' "$run/cases.csv"
}
kab_check "pressure low: vmalloc(16M) is refused, E2BIG, for holding more than is left above min" \
	grep -q '^refused,E2BIG: holds up to [0-9]* KiB at once; pressure leaves [0-9]* KiB above the min watermark' <<< "$(status 1)"
kab_check "pressure low: a batch of 8 vmalloc_huge(2M) with __GFP_ZERO is refused the same way" \
	grep -q '^refused,E2BIG: holds up to' <<< "$(status 2)"
kab_check "pressure low: vmalloc(1M), which fits above min, runs" \
	grep -q '^ok,' <<< "$(status 3)"
kab_check "pressure low: kmem_cache_alloc_bulk of 1024 x 16 KiB is refused for its whole bulk (16 MiB and more)" \
	grep -q '^refused,E2BIG: holds up to [0-9]\{5,\} KiB at once' <<< "$(status 4)"
kab_check "the runner was not killed (no KAB-RUN rc above 128)" \
	grep -q "KAB-RUN rc=0" "$run/console.log"
kab_check "the fuzzer ran its requests and printed the errno histogram" \
	grep -q "^fuzz: answers by ioctl and errno" "$run/console.log"
kab_check "every fuzzed request was answered with an errno of the ABI" \
	grep -q "^fuzz: 0 requests answered outside the ABI's errnos" "$run/console.log"
kab_check "free memory is back once the fuzzer's files are closed" \
	grep -q "^fuzz: .*; memory back" "$run/console.log"
kab_check "the fuzzer exited 0" grep -q "KAB-TEST fuzz[.a-z]* rc=0" "$run/console.log"
kab_check "rmmod succeeds after the fuzzer" grep -q "KAB-RMMOD rc=0" "$run/console.log"
# What insmod, the sweep, the fuzzer and rmmod left missing of free memory
# (MemFree and the per-CPU lists), against what explains it: slab caches
# that keep empty slabs, page tables, vmalloc areas, the per-CPU
# allocator's chunks (a cache's per-CPU parts), the page tables vmalloc
# keeps for the space it reached (KAB-VMALLOC-TABLES: a vmalloc_max probe
# reaches gigabytes in, and the kernel never frees them), and the direct
# map's 2 MiB pages that the module's read-only and executable mappings
# split into 4 KiB ones (one page of page table per 2 MiB split, which
# rmmod does not merge back). What is left must be within the tolerance.
memory_tolerance_kb=1024
memory() { # WHEN KEY
	sed -n "s/.*KAB-MEMINFO $1 .*\<$2=\([0-9]*\).*/\1/p" "$run/console.log"
}
vmalloc_tables() { # WHEN
	sed -n "s/.*KAB-VMALLOC-TABLES $1 \([0-9]*\)\r*$/\1/p" "$run/console.log"
}
memory_report() {
	local -A b a
	local k lost explained split tables_before tables_after
	for k in MemFree PcpFree Slab VmallocUsed Percpu PageTables DirectMap4k; do
		b[$k]=$(memory before-insmod $k) a[$k]=$(memory after-rmmod $k)
		if [ -z "${b[$k]}" ] || [ -z "${a[$k]}" ]; then
			echo "no KAB-MEMINFO $k on the console"
			return 1
		fi
	done
	tables_before=$(vmalloc_tables after-insmod) tables_after=$(vmalloc_tables before-rmmod)
	if [ -z "$tables_before" ] || [ -z "$tables_after" ]; then
		echo "no KAB-VMALLOC-TABLES after-insmod and before-rmmod on the console"
		return 1
	fi
	lost=$(( (b[MemFree] + b[PcpFree]) - (a[MemFree] + a[PcpFree]) ))
	split=$(( (a[DirectMap4k] - b[DirectMap4k]) * 4 / 2048 ))
	explained=$(( (a[Slab] - b[Slab]) + (a[PageTables] - b[PageTables]) +
		(a[VmallocUsed] - b[VmallocUsed]) + (a[Percpu] - b[Percpu]) + split +
		tables_after - tables_before ))
	echo "memory before insmod -> after rmmod (kB): MemFree+per-CPU lost $lost;" \
		"Slab ${b[Slab]} -> ${a[Slab]}, PageTables ${b[PageTables]} -> ${a[PageTables]}," \
		"VmallocUsed ${b[VmallocUsed]} -> ${a[VmallocUsed]}, Percpu ${b[Percpu]} -> ${a[Percpu]}," \
		"DirectMap4k ${b[DirectMap4k]} -> ${a[DirectMap4k]} (split page tables $split)," \
		"vmalloc's page tables $tables_before -> $tables_after;" \
		"unexplained $((lost - explained)), tolerance $memory_tolerance_kb"
	[ $((lost - explained)) -le $memory_tolerance_kb ]
}
# The count of vmalloc's tables must see them grow: the seed's vmalloc_max
# probes reach gigabytes into vmalloc space (about 5 MB of tables).
kab_check "vmalloc's page tables grew by more than 1 MiB over the fuzzer's vmalloc_max probes ($(vmalloc_tables after-insmod) -> $(vmalloc_tables before-rmmod) kB)" \
	test "$(( $(vmalloc_tables before-rmmod) - $(vmalloc_tables after-insmod) ))" -gt 1024
kab_check "free memory is back after rmmod, but for what slab, page tables (vmalloc's too), vmalloc and the split direct map explain" \
	memory_report
kab_check "the console has no kernel report (OOM killer, WARN, BUG, Oops, lockup)" \
	kab_console_clean "$run/console.log"
grep "^fuzz: \(seed\|answers\|  \|memory\|[0-9]* requests\)" "$run/console.log"
kab_test_finish fuzz "$results" fuzz
