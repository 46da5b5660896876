#!/usr/bin/env bash
# The fragmentation test: one icount boot of the default kernel on the
# fragmentation sweep plus the guest ABI test, asserting on what the kernel
# measured: heavy fragmentation takes away the high-order blocks and the
# allocations that need them, release gives the memory and the blocks back,
# compaction undoes the movable kind but not the unmovable one, a level over
# the cap is refused, and the console stays clean. The guest ABI test,
# whose fragmenter checks (bad requests, the cap, release on close) run in
# the integration and RT boots, is not run again here.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../scripts/lib.sh"
. "$here/lib.sh"

kernel=${KERNEL:-debian-6.1}
results=$KAB_BUILD/test-results-frag
rm -rf "$results"
mkdir -p "$results"


kab_check "the fragmentation icount boot completes" kab_test_boot "$results" frag \
	icount "$kernel" "$here/sweeps/frag.conf" 900
run=$results/frag

# high_blocks LEVEL KIND PHASE: free blocks of order 9 and above, all zones.
high_blocks() {
	kab_select "$run/frag.csv" order free_blocks --where level="$1" --where kind="$2" --where phase="$3" |
		awk -F'\t' '$1 >= 9 { n += $2; seen = 1 } END { if (seen) print n }'
}
# success LEVEL KIND GFP ORDER [ALLOCATOR]: successful allocations per 1000
# attempts; ORDER is the size in bytes for a size-based ALLOCATOR.
success() {
	kab_select "$run/cases.csv" order size_bytes ops_done failures --where frag_level="$1" \
		--where frag_kind="$2" --where gfp="$3" --where allocator="${5:-alloc_pages}" --where status=ok |
		awk -F'\t' -v o="$4" '!done && ($1 == o || $2 == o) && $3 > 0 {
			print int(1000 * ($3 - $4) / $3); done = 1 }'
}
# level LEVEL KIND COLUMN: COLUMN of frag-levels.csv.
level() {
	kab_select "$run/frag-levels.csv" "$3" --where level="$1" --where kind="$2" | sed -n 1p
}
# vmstat LEVEL KIND PHASE PREFIX: the summed deltas of the counters named PREFIX*.
vmstat() {
	kab_select "$run/frag-vmstat.csv" counter delta --where level="$1" --where kind="$2" --where phase="$3" |
		awk -F'\t' -v c="$4" 'index($1, c) == 1 { n += $2 } END { print n + 0 }'
}
less() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a != "" && b != "" && a + 0 < b + 0) }'; }
# free_kb LEVEL KIND PHASE: MemFree plus the pages on the per-CPU lists,
# where freed pages wait and which MemFree leaves out.
free_kb() {
	echo $(($(level "$1" "$2" "mem_free_kb_$3") + $(level "$1" "$2" "pcp_kb_$3")))
}
# within_one_percent A B: |A - B| <= B / 100
within_one_percent() {
	awk -v a="$1" -v b="$2" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(a != "" && b > 0 && d * 100 <= b) }'
}

none_high=$(high_blocks none "" fragmented)
kab_check "level none leaves free blocks of order 9 and above ($none_high)" \
	less 0 "$none_high"
for kind in unmovable movable; do
	kab_check "heavy $kind: the level was applied ($(level heavy $kind pages_pinned) pages pinned)" \
		test "$(level heavy $kind status)" = ok
	kab_check "heavy $kind: free memory (MemFree and per-CPU lists) after release within 1% of before ($(free_kb heavy $kind released) vs $(free_kb heavy $kind before) kB)" \
		within_one_percent "$(free_kb heavy $kind released)" "$(free_kb heavy $kind before)"
	kab_check "heavy $kind: blocks of order >= 9 recover after release ($(high_blocks heavy $kind fragmented) -> $(high_blocks heavy $kind released))" \
		less "$(high_blocks heavy $kind fragmented)" "$(high_blocks heavy $kind released)"
done
heavy_high=$(high_blocks heavy unmovable fragmented)
kab_check "heavy unmovable leaves 10 times fewer free blocks of order >= 9 than none ($heavy_high vs $none_high)" \
	less "$((heavy_high * 10))" "$none_high"
noretry=GFP_KERNEL\|__GFP_NORETRY
kab_check "order 9 with __GFP_NORETRY succeeds less often at heavy unmovable than at none ($(success heavy unmovable "$noretry" 9) vs $(success none "" "$noretry" 9) per 1000)" \
	less "$(success heavy unmovable "$noretry" 9)" "$(success none "" "$noretry" 9)"
kab_check "order 9 with GFP_KERNEL: movable recovers more than unmovable ($(success heavy movable GFP_KERNEL 9) vs $(success heavy unmovable GFP_KERNEL 9) per 1000)" \
	less "$(success heavy unmovable GFP_KERNEL 9)" "$(success heavy movable GFP_KERNEL 9)"
kab_check "compaction migrated pages back together under heavy movable ($(vmstat heavy movable released pgmigrate_success) migrated, $(vmstat heavy movable released compact_success) successes), more than under heavy unmovable ($(vmstat heavy unmovable released compact_success) successes)" \
	sh -c "[ $(vmstat heavy movable released pgmigrate_success) -gt 0 ] &&
	       [ $(vmstat heavy movable released compact_success) -gt $(vmstat heavy unmovable released compact_success) ]"
kmax=$(sed -n 's/.*"kmalloc_max_size": *\([0-9][0-9]*\).*/\1/p' "$run/meta.json" | head -n 1)
kab_check "kmalloc(KMALLOC_MAX_SIZE) succeeds less often at heavy unmovable than at none ($(success heavy unmovable GFP_KERNEL "$kmax" kmalloc) vs $(success none "" GFP_KERNEL "$kmax" kmalloc) per 1000)" \
	less "$(success heavy unmovable GFP_KERNEL "$kmax" kmalloc)" "$(success none "" GFP_KERNEL "$kmax" kmalloc)"
kab_check "vmalloc of the same size shrugs it off ($(success heavy unmovable GFP_KERNEL "$kmax" vmalloc) per 1000)" \
	test "$(success heavy unmovable GFP_KERNEL "$kmax" vmalloc)" = 1000
kab_check "order 0 is unaffected: every allocation succeeds at heavy unmovable" \
	test "$(success heavy unmovable GFP_KERNEL 0)" = 1000
kab_check "the level over the cap is refused with E2BIG and says so" \
	sh -c "[ '$(level 100:2 unmovable status)' = refused ] &&
	       grep -q '100:2,unmovable,.*,refused,\"\?E2BIG: would pin .* above the cap' '$run/cases.csv'"
for file in buddyinfo pagetypeinfo unusable_index extfrag_index vmstat; do
	kab_check "frag/heavy-unmovable-fragmented.$file is in the run folder" \
		test -s "$run/frag/heavy-unmovable-fragmented.$file"
done
kab_check "frag.csv has the extfrag and unusable indexes (debugfs mounted)" \
	sh -c "awk -F, 'NR > 1 && \$8 != \"\" && \$9 != \"\" { found = 1 } END { exit !found }' '$run/frag.csv'"
kab_check "meta.json lists the fragmentation levels" \
	grep -q '"touch_permille"' "$run/meta.json"
for plot in frag-success-heatmap frag-latency-vs-order frag-buddyinfo frag-large-sizes; do
	kab_check "plot $plot rendered as PNG and SVG" \
		test -s "$run/plots/$plot.png" -a -s "$run/plots/$plot.svg"
done
kab_check "rmmod succeeds" grep -q "KAB-RMMOD rc=0" "$run/console.log"
kab_check "the console has no OOM kill, WARN, BUG, Oops or allocation failure splat" \
	kab_console_clean "$run/console.log"

kab_test_finish frag "$results" frag
