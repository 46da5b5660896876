#!/usr/bin/env bash
# The PREEMPT_RT boot: Debian's RT kernel (RT_KERNEL, default debian-6.1-rt;
# not KERNEL, which make exports as the default debian-6.1) in icount mode
# on the RT sweep plus the guest ABI test. Allocating with preemption or
# interrupts off and in hard interrupt context is refused with a reason
# naming PREEMPT_RT; the process, spinlock and softirq contexts run and
# count every operation.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../scripts/lib.sh"
. "$here/lib.sh"

kernel=${RT_KERNEL:-debian-6.1-rt}
results=$KAB_BUILD/test-results-$kernel
rm -rf "$results"
mkdir -p "$results" "$KAB_BUILD/tests"

abi_test=$KAB_BUILD/tests/abi_test
kab_build_abi_test

kab_check "the PREEMPT_RT icount boot completes" kab_test_boot "$results" rt \
	icount "$kernel" "$here/sweeps/rt.conf" 600 "$abi_test"
run=$results/rt

# ctx CONTEXT COLUMN [ALLOCATOR]: COLUMN of the case of ALLOCATOR (default
# kmalloc) in CONTEXT.
ctx() {
	kab_select "$run/cases.csv" "$2" --where context="$1" \
		--where allocator="${3:-kmalloc}" | sed -n 1p
}
runs() {
	[ "$(ctx "$1" status)" = ok ] && [ "$(ctx "$1" ops_done)" = 300 ] &&
		[ "$(ctx "$1" failures)" = 0 ]
}
refused_for_rt() {
	grep -q ",kmalloc,256,,GFP_ATOMIC,$1,.*,refused,\"\?EINVAL: PREEMPT_RT forbids" "$run/cases.csv"
}

kab_check "the module reports a PREEMPT_RT kernel" \
	grep -qE '"preempt_rt": *(1|true)' "$run/meta.json"
for c in process spinlock softirq; do
	kab_check "kmalloc(256, GFP_ATOMIC) in $c runs on RT and counts every operation" runs "$c"
done
for c in preempt_off irq_off hardirq; do
	kab_check "kmalloc(256, GFP_ATOMIC) in $c is refused with the PREEMPT_RT reason" \
		refused_for_rt "$c"
	if kab_kernel_since "$run" 6.18; then
		kab_check "kmalloc_nolock(256) in $c is not refused on RT: it ran every operation" \
			sh -c "[ '$(ctx "$c" status kmalloc_nolock)' = ok ] &&
			       [ '$(ctx "$c" ops_done kmalloc_nolock)' = 300 ]"
	else
		kab_check "kmalloc_nolock(256) in $c is refused, saying it is 6.18's" \
			test "$(ctx "$c" error kmalloc_nolock)" = "EINVAL: kmalloc_nolock: kmalloc_nolock() is new in 6.18"
	fi
done
kab_check "the guest ABI test passed on RT" \
	grep -q "KAB-TEST abi_test rc=0" "$run/console.log"
kab_check "the RT console has no WARN, BUG, Oops or atomic-sleep splat" \
	kab_console_clean "$run/console.log"

kab_test_finish rt "$results" rt
