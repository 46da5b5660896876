#!/usr/bin/env bash
# The end-to-end test: boot the default kernel in QEMU in icount mode twice
# on the integration sweep plus the guest ABI test, and assert on what the
# real kernel measured, on determinism and on a clean console.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../scripts/lib.sh"
. "$here/lib.sh"

kernel=${KERNEL:-debian-6.1}
results=$KAB_BUILD/test-results-integration-$kernel
rm -rf "$results"
# INTEGRATION_BOOTS=1 (make test's run on the newest kernel): one boot; the
# checks that need a second (determinism) or a guest killed mid-sweep are
# the default kernel's run's, and say so here.
boots=${INTEGRATION_BOOTS:-2}
case $boots in
1 | 2) ;;
*) kab_die "INTEGRATION_BOOTS=$boots: 1 or 2" ;;
esac
# two_boots NAME CMD...: kab_check NAME CMD... where there are two boots.
two_boots() {
	if [ "$boots" = 2 ]; then
		kab_check "$@"
	else
		printf 'skip %s (one boot: the default kernel'"'"'s run checks it)\n' "$1"
	fi
}
mkdir -p "$KAB_BUILD/tests"

abi_test=$KAB_BUILD/tests/abi_test
kab_build_abi_test

# run_bench RUN_ID: one boot on the integration sweep in icount mode.
run_bench() {
	RESULTS=$results RUN_ID=$1 MODE=icount KERNEL=$kernel TIMEOUT=900 \
		SWEEP=$here/sweeps/integration.conf GUEST_TESTS=$abi_test \
		"$KAB_ROOT/scripts/bench.sh" > "$results/$1.summary" 2> "$results/$1.log"
}
mkdir -p "$results"
kab_check "first icount boot completes" run_bench first
[ "$boots" = 1 ] || kab_check "second icount boot completes" run_bench second
first=$results/first second=$results/second

# field RUN ALLOCATOR SIZE_OR_ORDER COLUMN: COLUMN of the pair-pattern case
# (allocator, size or order) in RUN's cases.csv.
field() {
	kab_select "$1/cases.csv" "$4" size_bytes order --where allocator="$2" --where pattern=pair |
		awk -F'\t' -v s="$3" '!done && ($2 == s || ($2 == "" && $3 == s)) { print $1; done = 1 }'
}
info() { # KEY from guest.json's info object
	sed -n "s/.*\"$1\": *\([0-9][0-9]*\).*/\1/p" "$first/meta.json" | head -n 1
}
less_than() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a != "" && b != "" && a + 0 < b + 0) }'; }
equal() { [ "$1" = "$2" ] && [ -n "$1" ]; }

kmax=$(info kmalloc_max_size)
orders=$(info nr_page_orders)
kab_check "INFO reports KMALLOC_MAX_SIZE and the number of orders" \
	test -n "$kmax" -a -n "$orders"
max_order=$((orders - 1))

kab_check "kmalloc(64) succeeds every time" \
	equal "$(field "$first" kmalloc 64 failures)" 0
kab_check "kmalloc(64) costs less than vmalloc(64 KiB) (amortized pair)" \
	less_than "$(field "$first" kmalloc 64 pair_ns_amortized)" \
		  "$(field "$first" vmalloc 65536 pair_ns_amortized)"
kab_check "kmalloc(64) costs less than vmalloc(64 KiB) (per-op alloc mean)" \
	less_than "$(field "$first" kmalloc 64 alloc_ns_mean)" \
		  "$(field "$first" vmalloc 65536 alloc_ns_mean)"
kab_check "kmalloc(KMALLOC_MAX_SIZE) succeeds" \
	equal "$(field "$first" kmalloc "$kmax" failures)" 0
kab_check "kmalloc(KMALLOC_MAX_SIZE + 1) fails every time and is counted" \
	equal "$(field "$first" kmalloc $((kmax + 1)) failures)" \
	      "$(field "$first" kmalloc $((kmax + 1)) ops_done)"
kab_check "alloc_pages at the maximum order $max_order succeeds" \
	equal "$(field "$first" alloc_pages "$max_order" failures)" 0
kab_check "alloc_pages beyond the maximum order is refused with EINVAL" \
	grep -q "^EINVAL" <<< "$(field "$first" alloc_pages "$orders" error)"
kab_check "a refused case has empty figures, not zeros" \
	test -z "$(field "$first" alloc_pages "$orders" alloc_ns_mean)"
kab_check "every size-based allocator ran at 64 KiB" sh -c "
	for a in kzalloc kmem_cache_alloc krealloc vmalloc vzalloc vmalloc_huge kvmalloc; do
		grep -q \",\$a,65536,.*,ok,\" '$first/cases.csv' || exit 1
	done"
# cfield RUN ALLOCATOR SIZE CONTEXT COLUMN: like field, for one context.
cfield() {
	kab_select "$1/cases.csv" "$5" --where allocator="$2" --where size_bytes="$3" --where context="$4" |
		sed -n 1p
}
# pfield RUN GFP COLUMN: COLUMN of the pressure case with mask GFP.
pfield() {
	kab_select "$1/cases.csv" "$3" --where pressure=low --where gfp="$2" | sed -n 1p
}
for gfp in GFP_ATOMIC GFP_NOWAIT; do
	kab_check "pressure low, $gfp: ran holding pages, usable free pages below the low watermark, all given back (within 1%)" \
		sh -c "[ '$(pfield "$first" $gfp status)' = ok ] &&
		       [ '$(pfield "$first" $gfp pressure_pages_held)' -gt 0 ] &&
		       [ '$(pfield "$first" $gfp pressure_reached)' = yes ] &&
		       [ \$(( ($(pfield "$first" $gfp free_pages_after) + $(pfield "$first" $gfp pcp_pages_after)) * 100 )) -ge \$(( ($(pfield "$first" $gfp free_pages_start) + $(pfield "$first" $gfp pcp_pages_start)) * 99 )) ]"
done
kab_check "pressure cases leave /proc/zoneinfo before and after in pressure/" sh -c "
	ls '$first'/pressure/case-*-rep-1-before.zoneinfo >/dev/null 2>&1 &&
	grep -q 'pages free' \$(ls '$first'/pressure/case-*-rep-1-after.zoneinfo | head -n 1)"
kab_check "pressure low: GFP_ATOMIC fails no more often than GFP_NOWAIT" \
	sh -c "[ \$(( $(pfield "$first" GFP_ATOMIC failures) * $(pfield "$first" GFP_NOWAIT ops_done) )) -le \$(( $(pfield "$first" GFP_NOWAIT failures) * $(pfield "$first" GFP_ATOMIC ops_done) )) ]"
atomic_contexts="preempt_off spinlock irq_off softirq hardirq"
for ctx in process $atomic_contexts; do
	kab_check "kmalloc(256, GFP_ATOMIC) in $ctx counts every operation, none failing" \
		sh -c "[ '$(cfield "$first" kmalloc 256 "$ctx" ops_done)' = 300 ] &&
		       [ '$(cfield "$first" kmalloc 256 "$ctx" failures)' = 0 ] &&
		       [ '$(cfield "$first" kmalloc 256 "$ctx" status)' = ok ]"
	kab_check "$ctx reports its CPU and its own overhead" \
		sh -c "[ -n '$(cfield "$first" kmalloc 256 "$ctx" context_cpu)' ] &&
		       [ -n '$(cfield "$first" kmalloc 256 "$ctx" context_overhead_ns)' ]"
done
kab_check "the hardirq case ran from a hard irq_work" \
	equal "$(cfield "$first" kmalloc 256 hardirq context_mechanism)" irq_work-hard
kab_check "meta.json names the softirq and hardirq mechanisms" \
	python3 -c '
import json, sys
m = json.load(open(sys.argv[1]))["guest"]["module"]["context_mechanisms"]
sys.exit(not (m["softirq"] == "tasklet" and m["hardirq"] == "irq_work-hard"))' "$first/meta.json"
kab_check "the softirq case ran from a tasklet" \
	equal "$(cfield "$first" kmalloc 256 softirq context_mechanism)" tasklet
kab_check "atomic contexts report the default 1 ms bound, process none" \
	sh -c "[ '$(cfield "$first" kmalloc 256 irq_off atomic_limit_ns)' = 1000000 ] &&
	       [ -z '$(cfield "$first" kmalloc 256 process atomic_limit_ns)' ]"
pinned_to() { grep -qE "\"pinned_cpu\": *$1([^0-9]|\$)" "$first/meta.json"; }
kab_check "the runner pinned itself to the CPU that ran the cases" \
	pinned_to "$(cfield "$first" kmalloc 256 hardirq context_cpu)"
for ctx in $atomic_contexts; do
	kab_check "GFP_KERNEL and vmalloc in $ctx are refused with EINVAL" \
		sh -c "[ '$(cfield "$first" kmalloc 65536 "$ctx" status)' = refused ] &&
		       [ '$(cfield "$first" vmalloc 65536 "$ctx" status)' = refused ] &&
		       grep -q ',kmalloc,65536,,GFP_KERNEL,$ctx,.*EINVAL: GFP_KERNEL may sleep' '$first/cases.csv' &&
		       grep -q ',vmalloc,65536,,GFP_KERNEL,$ctx,.*EINVAL: vmalloc may sleep' '$first/cases.csv'"
done
# gfield RUN ALLOCATOR SIZE GFP COLUMN: like field, for one GFP mask.
gfield() {
	kab_select "$1/cases.csv" "$5" --where allocator="$2" --where size_bytes="$3" \
		--where gfp="$4" | sed -n 1p
}
for gfp in GFP_KERNEL GFP_KERNEL_ACCOUNT GFP_NOFS GFP_NOIO "GFP_KERNEL|__GFP_RETRY_MAYFAIL"; do
	for a in kmalloc vmalloc; do
		kab_check "$a(512, $gfp) ran every operation, none failing" \
			sh -c "[ '$(gfield "$first" $a 512 "$gfp" status)' = ok ] &&
			       [ '$(gfield "$first" $a 512 "$gfp" ops_done)' = 300 ] &&
			       [ '$(gfield "$first" $a 512 "$gfp" failures)' = 0 ]"
	done
done
kab_check "the runner ran in a memory cgroup of its own" \
	grep -q '"memcg": "/kallocbench"' "$first/meta.json"
kernel_512=$(gfield "$first" kmalloc 512 GFP_KERNEL pair_ns_amortized)
account_512=$(gfield "$first" kmalloc 512 GFP_KERNEL_ACCOUNT pair_ns_amortized)
kab_say "kmalloc(512)+kfree: GFP_KERNEL $kernel_512, GFP_KERNEL_ACCOUNT $account_512 instructions"
kab_check "GFP_KERNEL_ACCOUNT's memcg charge costs kmalloc instructions ($kernel_512 -> $account_512)" \
	less_than "$kernel_512" "$account_512"
# The allocators of 6.18 and later (integration.conf, [nolock] to
# [cache with sheaves]): measured where the kernel has them, refused saying since when
# where it has not. rows RUN COLUMN NAME=VALUE...: COLUMN of every case row
# of RUN matching each NAME=VALUE, one a line.
rows() {
	local where=() filter
	for filter in "${@:3}"; do where+=(--where "$filter"); done
	kab_select "$1/cases.csv" "$2" "${where[@]}"
}
# all_are VALUE COLUMN NAME=VALUE...: the first run has such rows, each
# with VALUE in COLUMN.
all_are() {
	local want=$1 got
	got=$(rows "$first" "${@:2}")
	[ -n "$got" ] && ! grep -qvxF -- "$want" <<< "$got"
}
nolock_runs_in() {
	all_are ok status allocator=kmalloc_nolock context="$1" &&
		all_are 0 failures allocator=kmalloc_nolock context="$1"
}
if kab_kernel_since "$first" 6.18; then
	for ctx in process $atomic_contexts; do
		kab_check "kmalloc_nolock(256, GFP_NOWAIT) in $ctx runs, pair and batch, none failing" \
			nolock_runs_in "$ctx"
	done
	kab_check "alloc_pages_nolock(order 0) in process and hardirq context runs, none failing" \
		all_are 0 failures allocator=alloc_pages_nolock status=ok
	kab_check "kmem_cache_alloc(256) with 32-object sheaves runs, pair and batch" \
		all_are ok status allocator=kmem_cache_alloc sheaf_capacity=32
else
	kab_check "kmalloc_nolock is refused, saying it is 6.18's" \
		all_are "EINVAL: kmalloc_nolock: kmalloc_nolock() is new in 6.18" error allocator=kmalloc_nolock
	kab_check "alloc_pages_nolock is refused, saying it is 6.18's" \
		all_are "EINVAL: alloc_pages_nolock: alloc_pages_nolock() with gfp flags is new in 6.18" error allocator=alloc_pages_nolock
	kab_check "kmem_cache_alloc with sheaves is refused, saying they are 6.18's" \
		all_are "EINVAL: sheaf_capacity needs cache sheaves (new in 6.18)" error allocator=kmem_cache_alloc sheaf_capacity=32
fi
kab_check "kmem_cache_alloc(256) with sheaf_capacity 0 runs, pair and batch" \
	all_are ok status allocator=kmem_cache_alloc size_bytes=256 sheaf_capacity=
# Counters: software events and tracepoints count, hardware ones are
# unsupported under TCG, and an unsupported counter is an empty cell.
header=$(head -n 1 "$first/cases.csv")
for col in page-faults kmem:mm_page_alloc counter_scaling; do
	kab_check "cases.csv has a $col column" grep -q ",$col," <<< "$header"
done
kab_check "the counter columns come before status, error stays last" \
	grep -q ',tlb:tlb_flush,status,error$' <<< "$header"
# vmalloc allocates through the bulk path, which mm_page_alloc misses, but
# the rest of the ioctl's page allocations still show.
kab_check "vmalloc(64 KiB) counts some kmem:mm_page_alloc events" \
	less_than 0 "$(field "$first" vmalloc 65536 kmem:mm_page_alloc)"
at_least() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a != "" && b != "" && a + 0 >= b + 0) }'; }
kab_check "alloc_pages order 0 counts at least one mm_page_alloc per operation" \
	at_least "$(field "$first" alloc_pages 0 kmem:mm_page_alloc)" \
		 "$(field "$first" alloc_pages 0 ops_done)"
kab_check "page-faults is counted (a number, not empty) for a case that ran" \
	grep -qE '^[0-9]+$' <<< "$(field "$first" kmalloc 64 page-faults)"
kab_check "softirq cases are counted CPU-wide (kmem:kmalloc in the tasklet)" \
	less_than 299 "$(cfield "$first" kmalloc 256 softirq kmem:kmalloc)"
kab_check "counter_scaling is 1.000 for a case that ran (no multiplexing)" \
	equal "$(field "$first" kmalloc 64 counter_scaling)" 1.000
kab_check "the cycles cell is empty under TCG (no PMU)" \
	sh -c "[ -z '$(field "$first" kmalloc 64 cycles)' ] &&
	       [ -z '$(field "$first" vmalloc 65536 cycles)' ]"
kab_check "guest.json lists cycles as unsupported, with a reason" \
	python3 -c '
import json, sys
c = json.load(open(sys.argv[1]))["guest"]["counters"]
e = {x["name"]: x for x in c["events"]}
sys.exit(not (e["cycles"]["supported"] is False and e["cycles"]["reason"]
              and e["cycles"]["kind"] == "hardware"
              and e["page-faults"]["supported"] is True
              and "whole RUN_CASE ioctl" in c["scope"]))' "$first/meta.json"
# unsupported_zero RUN: a "0" in the column of an unsupported counter.
unsupported_zero() {
	python3 -c '
import csv, json, sys
run = sys.argv[1]
events = json.load(open(run + "/meta.json"))["guest"]["counters"]["events"]
bad = [e["name"] for e in events if not e["supported"]]
rows = list(csv.DictReader(open(run + "/cases.csv")))
sys.exit(0 if bad and rows and all(r[n] == "" for r in rows for n in bad) else 1)' "$1"
}
kab_check "every cell of an unsupported counter is empty, never 0" \
	unsupported_zero "$first"
# The access benchmark (access.csv): counters per phase, the mappings, and
# what perf_event_open saw of vmalloc and vfree.
# afield RUN ALLOCATOR SIZE PATTERN COLUMN: COLUMN of an access.csv row.
afield() {
	python3 -c '
import csv, sys
run, a, s, p, col = sys.argv[1:]
for r in csv.DictReader(open(run + "/access.csv")):
    if (r["allocator"], r["size_bytes"], r["pattern"]) == (a, s, p):
        print(r.get(col, "")); break' "$@"
}
mib16=$((16 << 20)) mib4=$((4 << 20))
aheader=$(head -n 1 "$first/access.csv")
for col in alloc_page-faults access_kmem:mm_page_alloc free_kmem:mm_page_free; do
	kab_check "access.csv has a $col column" grep -q ",$col," <<< "$aheader"
done
unprepared() { ! grep -q ',prepare_' <<< "$1" && grep -q ',free_tlb:tlb_flush,status,error$' <<< "$1"; }
kab_check "access.csv has no prepare_ counters and ends with status,error" \
	unprepared "$aheader"
for p in sequential per_page random; do
	per_page=1 # touches per page: sequential loads every 64-byte line
	[ $p = sequential ] && per_page=$((4096 / 64))
	kab_check "vmalloc(16 MiB) $p walked every page twice" \
		test "$(afield "$first" vmalloc $mib16 $p touches)" = \
		"$(( $(afield "$first" vmalloc $mib16 $p pages) * 2 * per_page ))"
done
kab_check "vfree(16 MiB) counts a kmem:mm_page_free per page in the free phase (perf_event_open)" \
	at_least "$(afield "$first" vmalloc $mib16 random free_kmem:mm_page_free)" \
		 "$(afield "$first" vmalloc $mib16 random pages)"
kab_check "the walks allocate nothing: no kmem:mm_page_alloc in the access phase" \
	equal "$(afield "$first" vmalloc $mib16 random access_kmem:mm_page_alloc)" 0
kab_check "vmalloc(16 MiB) is mapped with 4 KiB pages, a PTE page per 2 MiB or more" \
	sh -c "[ '$(afield "$first" vmalloc $mib16 random map_order_max)' = 0 ] &&
	       [ '$(afield "$first" vmalloc $mib16 random pte_tables)' -ge 8 ]"
huge_order=$(afield "$first" vmalloc_huge $mib4 random map_order_max)
huge_ptes=$(afield "$first" vmalloc_huge $mib4 random pte_tables)
kab_check "vmalloc_huge(4 MiB) reports its mapping: order ${huge_order:-?}, ${huge_ptes:-?} PTE pages" \
	sh -c "{ [ '$huge_order' = 9 ] && [ '$huge_ptes' = 0 ]; } ||
	       { [ '$huge_order' = 0 ] && [ '$huge_ptes' -ge 2 ]; }"
kab_check "the direct map behind kmalloc(4 MiB) is reported" \
	grep -qE '^[0-9]+$' <<< "$(afield "$first" kmalloc $mib4 random direct_map_order_min)"
kab_check "kmalloc beyond KMALLOC_MAX_SIZE is refused in the alloc phase with E2BIG" \
	grep -q "^E2BIG in alloc: " <<< "$(afield "$first" kmalloc $((kmax + 4096)) random error)"
kab_check "access.csv: the dTLB-load-misses cells are empty under TCG (no PMU)" \
	sh -c "[ -z '$(afield "$first" vmalloc $mib16 random access_dTLB-load-misses)' ]"
two_boots "access.csv is identical on both icount boots" \
	cmp -s "$first/access.csv" "$second/access.csv"
kab_check "breakeven.csv compares vmalloc_huge with kmalloc at 4 MiB" \
	grep -q "^$mib4,none,,random,vmalloc_huge,kmalloc," "$first/breakeven.csv"
for plot in tradeoff-cost tradeoff-access tradeoff-tlb tradeoff-breakeven tradeoff-pagetables; do
	kab_check "plot $plot rendered as PNG and SVG" \
		test -s "$first/plots/$plot.png" -a -s "$first/plots/$plot.svg"
done
kab_check "the guest ABI test passed" \
	grep -q "KAB-TEST abi_test rc=0" "$first/console.log"
two_boots "the same case twice in icount mode gives identical figures" \
	cmp -s "$first/cases.csv" "$second/cases.csv"
two_boots "histograms are identical too" \
	cmp -s "$first/histograms.csv" "$second/histograms.csv"
kab_check "rmmod succeeds" grep -q "KAB-RMMOD rc=0" "$first/console.log"
kab_check "meta.json records the mode of time and the kernel" sh -c "
	grep -q '\"mode\": \"qemu-icount\"' '$first/meta.json' &&
	grep -q '\"release\": \"' '$first/meta.json'"
for plot in alloc-latency-vs-size free-latency-vs-size pages-latency-vs-order failure-by-context; do
	kab_check "plot $plot rendered as PNG and SVG" \
		test -s "$first/plots/$plot.png" -a -s "$first/plots/$plot.svg"
done
kab_check "the summary names the kernel and the mode" \
	grep -q "qemu-icount" "$first.summary"
runs=("$first")
[ "$boots" = 1 ] || runs+=("$second")
for run in "${runs[@]}"; do
	kab_check "console of $(basename "$run") has no WARN, BUG, Oops or atomic-sleep splat" \
		kab_console_clean "$run/console.log"
done

# A guest that dies mid-sweep: kill QEMU once three cases have streamed out.
# make bench must fail, say so, and keep every finished case. The wait
# covers the set-up and boot too, which take minutes on a loaded host.
# QEMU is killed by its pid (run-guest.sh records its timeout's), never by
# a name another worktree's run could share.
if [ "$boots" = 2 ]; then
	run_bench killed &
	bench=$!
	stream=$results/killed/stream.raw
	for _ in $(seq 6000); do
		[ "$(grep -c '^cases.csv' "$stream" 2>/dev/null || true)" -ge 4 ] 2>/dev/null && break
		sleep 0.1
	done
	qemu=$(pgrep -P "$(cat "$results/killed/qemu.pid" 2>/dev/null)" 2>/dev/null)
	[ -n "$qemu" ] && kill -KILL "$qemu"
	wait "$bench" && killed_rc=0 || killed_rc=$?
	kab_check "a guest killed mid-sweep makes the run fail" test "$killed_rc" -ne 0
	kab_check "the failure says what happened and where the console log is" \
		grep -q "console log: .*killed/console.log" "$results/killed.log"
	kab_check "every case finished before the kill is in cases.csv" \
		test "$(grep -c ',ok,' "$results/killed/cases.csv")" -ge 3
fi

if [ "$kab_failed" -ne 0 ]; then
	echo "--- logs of the failing run (tail) ---"
	tail -n 30 "$results/first.log" "$first/console.log" 2>/dev/null
fi
kab_test_summary integration
