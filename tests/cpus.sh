#!/usr/bin/env bash
# Cases on several CPUs at once, in an icount guest of two CPUs (QEMU 10's
# round-robin TCG): each reports a histogram and operations per CPU on two
# distinct CPUs, their measured loops overlap, every page comes back, the
# combinations that make no sense are refused with their reason, the bulk
# API costs less per object than one object at a time, and a
# SIGINT to the runner mid-case stops the case's threads so that rmmod
# works (tests/guest/cpus_interrupt.sh).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../scripts/lib.sh"
. "$here/lib.sh"

results=$KAB_BUILD/test-results-cpus
rm -rf "$results"
mkdir -p "$results"
run=$results/cpus
export CPUS=2
kab_check "an icount boot of two CPUs completes" \
	kab_test_boot "$results" cpus icount "${KERNEL:-debian-6.1}" \
	"$here/sweeps/cpus.conf" 1200 "$here/guest/cpus_interrupt.sh"

# column NAME: its number in cases.csv (no field before "error" has a comma).
column() { head -n 1 "$run/cases.csv" | tr ',' '\n' | grep -nx "$1" | cut -d: -f1; }
# rows CPUS STATUS: the case numbers of cases.csv rows on CPUS CPUs in STATUS.
rows() {
	awk -F, -v c="$(column cpus)" -v s="$(column status)" -v n="$1" -v st="$2" \
		'NR > 1 && $c == n && $s == st { print $1 }' "$run/cases.csv"
}
# cell CASE NAME: the cell of column NAME in the row of case CASE.
cell() { awk -F, -v c="$(column "$2")" -v k="$1" 'NR > 1 && $1 == k { print $c }' "$run/cases.csv"; }
distinct() { [ "$(tr ' ' '\n' <<< "$1" | sort -u | wc -l)" -eq "$2" ]; }
sums_to() { [ "$(tr ' ' '\n' <<< "$1" | awk '{ s += $1 } END { print s }')" = "$2" ]; }
# number FIGURE: FIGURE is there and a decimal number (an empty cell is not 0).
number() { [[ $1 =~ ^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$ ]]; }
positive() { number "$1" && awk -v v="$1" 'BEGIN { exit !(v + 0 > 0) }'; }
# above V M: both figures there, V above M.
above() { number "$1" && number "$2" && awk -v v="$1" -v m="$2" 'BEGIN { exit !(v + 0 > m + 0) }'; }
hist_cpus() { # the CPUs with their own histogram of OP for CASE
	awk -F, -v k="$1" -v op="$2" '$1 == k && index($3, op ".cpu") == 1 { sub(op ".cpu", "", $3); print $3 }' \
		"$run/histograms.csv" | sort -u | tr '\n' ' '
}
refused() { # CASE REASON
	[ -n "$1" ] && [ "$(cell "$1" status)" = refused ] && grep -q "^$1,.*$2" "$run/cases.csv"
}
memory_back() {
	[ $(( ($(cell "$1" free_pages_after) + $(cell "$1" pcp_pages_after)) * 100 )) -ge \
		$(( ($(cell "$1" free_pages_start) + $(cell "$1" pcp_pages_start)) * 99 )) ]
}

# of_allocator ALLOCATOR CASE...: the cases of ALLOCATOR
of_allocator() { local a=$1 k; shift; for k; do [ "$(cell "$k" allocator)" != "$a" ] || echo "$k"; done; }
two=$(rows 2 ok)
kab_check "7 cases ran on 2 CPUs" test "$(wc -w <<< "$two")" -eq 7
kab_check "17 cases ran on 1 CPU" test "$(rows 1 ok | wc -w)" -eq 17
for k in $two; do
	what="case $k ($(cell "$k" allocator) $(cell "$k" size_bytes)$(cell "$k" order) $(cell "$k" pattern))"
	kab_check "$what: operations on 2 distinct CPUs" distinct "$(cell "$k" cpu_list)" 2
	kab_check "$what: the measured loops overlapped" positive "$(cell "$k" overlap_ns)"
	kab_check "$what: over half the operations overlapped" above "$(cell "$k" overlap_share)" 0.5
	kab_check "$what: every CPU's memory came back" memory_back "$k"
	if [ "$(cell "$k" pattern)" = remote_free ]; then
		kab_check "$what: one CPU's histogram of allocations, the other's of frees" \
			test "$(hist_cpus "$k" alloc | wc -w)" -eq 1 -a "$(hist_cpus "$k" free | wc -w)" -eq 1 \
			-a "$(hist_cpus "$k" alloc)" != "$(hist_cpus "$k" free)"
		kab_check "$what: each CPU did every allocation or every free" \
			test "$(cell "$k" cpu_ops)" = "$(cell "$k" ops_done) $(cell "$k" ops_done)"
		kab_check "$what: every free ran on the other CPU (smp_processor_id)" \
			test "$(cell "$k" remote_frees)" = "$(cell "$k" ops_done)"
		continue
	fi
	kab_check "$what: histograms of 2 CPUs" \
		test "$(hist_cpus "$k" alloc | wc -w)" -eq 2 -a "$(hist_cpus "$k" free | wc -w)" -eq 2
	kab_check "$what: the CPUs' operations add up to ops_done" \
		sums_to "$(cell "$k" cpu_ops)" "$(cell "$k" ops_done)"
done
k=$(of_allocator kmem_cache_alloc $(rows 1 refused))
kab_check "remote_free on 1 CPU is refused with the reason" \
	refused "$k" "remote_free pairs CPUs up: needs an even cpus"
k=$(of_allocator kmalloc $(rows 2 refused))
kab_check "softirq on 2 CPUs is refused with the reason, irq_off runs" \
	refused "$k" "softirq context runs one chunk at a time"
kab_check "kmem_cache_alloc_bulk on 2 CPUs is refused with the reason" \
	refused "$(of_allocator kmem_cache_alloc_bulk $(rows 2 refused))" \
	"kmem_cache_alloc_bulk runs on one CPU, not 2"
bulk=$(of_allocator kmem_cache_alloc_bulk $(rows 1 ok))
single=$(of_allocator kmem_cache_alloc $(rows 1 ok))
kab_check "kmem_cache_alloc_bulk(64) costs less per object than kmem_cache_alloc+free on one CPU ($(cell "$bulk" pair_ns_per_object) vs $(cell "$single" pair_ns_amortized) ns)" \
	above "$(cell "$single" pair_ns_amortized)" "$(cell "$bulk" pair_ns_per_object)"
kab_check "the bulk row says its bulk" test "$(cell "$bulk" bulk)" = 64
# kmem_cache_alloc 256 pair on 2 CPUs, one cache shared and one per CPU:
# which caches the loops used is the module's count of their addresses.
of_caches() { local x=$1 k; shift; for k; do [ "$(cell "$k" caches)" != "$x" ] || echo "$k"; done; }
of_pattern() { local x=$1 k; shift; for k; do [ "$(cell "$k" pattern)" != "$x" ] || echo "$k"; done; }
both_positive() { positive "$1" && positive "$2"; }
slab2=$(of_pattern pair $(of_allocator kmem_cache_alloc $two))
shared=$(of_caches shared $slab2)
own=$(of_caches per_cpu $slab2)
kab_check "kmem_cache_alloc on 2 CPUs ran with caches shared and per_cpu" \
	test "$(wc -w <<< "$shared") $(wc -w <<< "$own")" = "1 1"
kab_check "caches per_cpu: the 2 CPUs used 2 distinct caches (cpu_caches $(cell "$own" cpu_caches))" \
	test "$(cell "$own" caches_used)" = 2 -a "$(cell "$own" cpu_caches)" = "0 1"
kab_check "caches shared: the 2 CPUs used 1 cache (cpu_caches $(cell "$shared" cpu_caches))" \
	test "$(cell "$shared" caches_used)" = 1 -a "$(cell "$shared" cpu_caches)" = "0 0"
for k in $shared $own; do
	kab_check "caches $(cell "$k" caches): M pairs a second per CPU and in all ($(cell "$k" pair_mops_per_cpu), $(cell "$k" pair_mops_total))" \
		both_positive "$(cell "$k" pair_mops_per_cpu)" "$(cell "$k" pair_mops_total)"
done
kab_check "kmem_cache_alloc on one CPU used its 1 cache" \
	test "$(cell "$single" caches_used) $(cell "$single" caches)" = "1 shared"
kab_check "kmalloc has no caches to report" \
	test -z "$(for k in $(of_allocator kmalloc $two); do cell "$k" caches; cell "$k" caches_used; done | tr -d '\n')"
kab_check "remote_free with caches per_cpu is refused with the reason" \
	refused "$(of_pattern remote_free $(of_allocator kmem_cache_alloc $(rows 2 refused)))" \
	"not with caches per_cpu"
kab_check "kmem_cache_alloc_bulk in hardirq context is refused with the reason" \
	refused "$(of_allocator kmem_cache_alloc_bulk $(rows 1 refused))" \
	"kmem_cache_alloc_bulk needs interrupts on: not in hardirq context"
# The page allocator's bulk call: 64 order-0 pages a call in process
# context against alloc_pages order 0 one at a time, and with interrupts
# off, in a hard interrupt too.
kab_check "alloc_pages_bulk on 2 CPUs is refused with the reason" \
	refused "$(of_allocator alloc_pages_bulk $(rows 2 refused))" \
	"alloc_pages_bulk runs on one CPU, not 2"
of_context() { local x=$1 k; shift; for k; do [ "$(cell "$k" context)" != "$x" ] || echo "$k"; done; }
pages_bulk=$(of_context process $(of_allocator alloc_pages_bulk $(rows 1 ok)))
page=$(for k in $(of_allocator alloc_pages $(rows 1 ok)); do [ "$(cell "$k" order)" != 0 ] || echo "$k"; done)
kab_check "alloc_pages_bulk(64) costs less per page than alloc_pages+__free_pages order 0 on one CPU ($(cell "$pages_bulk" pair_ns_per_object) vs $(cell "$page" pair_ns_amortized) ns)" \
	above "$(cell "$page" pair_ns_amortized)" "$(cell "$pages_bulk" pair_ns_per_object)"
kab_check "the alloc_pages_bulk row says its bulk and order" \
	test "$(cell "$pages_bulk" bulk) $(cell "$pages_bulk" order)" = "64 0"
for x in irq_off hardirq; do
	k=$(of_context $x $(of_allocator alloc_pages_bulk $(rows 1 ok)))
	what="case $k (alloc_pages_bulk 64 GFP_ATOMIC in $x context)"
	kab_check "$what: ran, every bulk filled ($(cell "$k" failures) failures, $(cell "$k" pair_ns_per_object) ns a page)" \
		test -n "$k" -a "$(cell "$k" failures)" = 0 -a "$(cell "$k" amortized_failures)" = 0
	kab_check "$what: its memory came back" memory_back "$k"
done
# The deferred frees: kfree_rcu in process and hardirq context leaves a
# backlog that comes back; kmalloc's kfree leaves none to report.
for k in $(of_allocator kfree_rcu $(rows 1 ok)) $(of_allocator kvfree_rcu $(rows 1 ok)); do
	what="case $k ($(cell "$k" allocator) $(cell "$k" size_bytes) $(cell "$k" context))"
	kab_check "$what: its frees left a backlog" positive "$(cell "$k" backlog_bytes)"
	kab_check "$what: the backlog drained ($(cell "$k" drain_ns) ns, $(cell "$k" backlog_left_bytes) bytes left)" \
		test "$(cell "$k" drained)" = yes
	kab_check "$what: its memory came back" memory_back "$k"
done
kab_check "kfree_rcu ran at 64 and 256 bytes in process and hardirq context" \
	test "$(of_allocator kfree_rcu $(rows 1 ok) | wc -w)" -eq 4
kab_check "kvfree_rcu ran in process context" \
	test "$(of_allocator kvfree_rcu $(rows 1 ok) | wc -w)" -eq 1
kab_check "kvfree_rcu in hardirq context is refused with the reason" \
	refused "$(of_allocator kvfree_rcu $(rows 1 refused))" \
	"kvfree_rcu may sleep: not allowed in hardirq context"
for k in $(of_allocator kmalloc $(rows 1 ok)); do
	kab_check "case $k (kmalloc $(cell "$k" size_bytes)): no backlog to report, empty" \
		test -z "$(cell "$k" backlog_bytes)$(cell "$k" drained)"
done
k=$(rows 64 refused)
kab_check "64 CPUs on a guest of 2 are refused with the reason" \
	refused "$k" "cpus 64 exceeds the 2 online CPUs"
kab_check "SIGINT mid-case on 2 CPUs: the runner exits 130, its 2 threads ran and none is left" \
	grep -q "KAB-CPUS-INTERRUPT rc=130 threads_during=2 threads_after=0" "$run/console.log"
kab_check "rmmod works after the interrupted case" grep -q "KAB-RMMOD rc=0" "$run/console.log"
for plot in cpus-scalability cpus-remote-free cpus-bulk; do
	kab_check "plot $plot rendered as PNG and SVG" \
		test -s "$run/plots/$plot.png" -a -s "$run/plots/$plot.svg"
done
console_clean() { [ -s "$1" ] && kab_console_clean "$1"; }
kab_check "the console is clean" console_clean "$run/console.log"
kab_test_finish cpus "$results" cpus
