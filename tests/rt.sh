#!/usr/bin/env bash
# The PREEMPT_RT boot: Debian's 6.1 RT kernel in icount mode on the RT sweep
# plus the guest ABI test. Allocating with preemption or interrupts off and
# in hard interrupt context is refused with a reason naming PREEMPT_RT; the
# process, spinlock and softirq contexts run and count every operation.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../scripts/lib.sh"
. "$here/lib.sh"

results=$KAB_BUILD/test-results-rt
rm -rf "$results"
mkdir -p "$results" "$KAB_BUILD/tests"

abi_test=$KAB_BUILD/tests/abi_test
kab_build_abi_test

kab_check "the PREEMPT_RT icount boot completes" kab_test_boot "$results" rt \
	icount debian-6.1-rt "$here/sweeps/rt.conf" 600 "$abi_test"
run=$results/rt

# ctx CONTEXT COLUMN: COLUMN of the case in CONTEXT.
ctx() {
	kab_select "$run/cases.csv" "$2" --where context="$1" | sed -n 1p
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
done
kab_check "the guest ABI test passed on RT" \
	grep -q "KAB-TEST abi_test rc=0" "$run/console.log"
kab_check "the RT console has no WARN, BUG, Oops or atomic-sleep splat" \
	kab_console_clean "$run/console.log"

kab_test_finish rt "$results" rt
