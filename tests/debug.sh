#!/usr/bin/env bash
# make debug-test: the module on the debug kernel (configs/kernels/
# debian-6.1-debug.conf: the default kernel's version built from Debian's
# linux-source with KASAN, lockdep, DEBUG_ATOMIC_SLEEP, kmemleak and fault
# injection; scripts/build-debug-kernel.sh), in TCG boots:
#   - the module builds against it with W=1 and sparse, without a warning;
#   - the integration sweep, the guest ABI test and the fuzzer, each fuzzed
#     request also sent with each of its first allocations failed in turn
#     (fail-nth: every failure answered with an errno of the ABI or a
#     result), then kmemleak before and after rmmod;
#   - the atomic sweep (every allocator in every atomic context) and the
#     fragmentation test's sweep (tests/sweeps/frag.conf);
#   - the canary boot: a test-only module (tests/debug-canary/) plants a
#     leak, a sleep under a spinlock, an inverted lock order and a use
#     after free, and each must be caught by the very scans the other boots
#     pass (KAB_CONSOLE_REPORTS, the kmemleak check), so that none of them
#     can pass by being blind.
# Every boot's console must be clean of KASAN, lockdep, atomic-sleep and
# every other kernel report, and kmemleak must find nothing new.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../scripts/lib.sh"
. "$here/lib.sh"

kernel=debian-6.1-debug
results=$KAB_BUILD/test-results-debug
rm -rf "$results"
mkdir -p "$results"
# Fewer requests than tests/fuzz.sh's 3000: KASAN and lockdep under TCG
# are slow, and each request is sent once per injected failure too.
fuzz_count=400 fuzz_inject=8

"$KAB_ROOT/scripts/fetch-kernel.sh" "$kernel" || kab_die "cannot build the debug kernel"
. "$KAB_BUILD/kernels/$kernel.env"
kab_check "the module builds against the debug kernel with W=1 and sparse, without a warning" \
	sh -c "'$here/module-build.sh' '$kernel' > '$results/module-build.log' 2>&1"
kab_build_abi_test
kab_build_guest_test fuzz

# The canary modules, built against the debug kernel like bench-mod/.
canary=$KAB_BUILD/debug-canary
mkdir -p "$canary"
ln -sfn "$here"/debug-canary/*.c "$here/debug-canary/Kbuild" "$canary/"
kab_kernel_make -s M="$canary" modules > "$results/canary-build.log" 2>&1 ||
	kab_die "cannot build the canary modules (see $results/canary-build.log)"

# boot RUN_ID SWEEP [GUEST_TESTS [BOOT_WORDS]]: one TCG boot of the debug
# kernel, within an hour (the sweep's boot took 30 minutes on two busy
# cores), and how long it took.
boot() {
	local started=$SECONDS status=0
	BOOT_WORDS=${4:-} kab_test_boot "$results" "$1" tcg "$kernel" "$2" 3600 "${3:-}" ||
		status=$?
	echo "boot $1: $((SECONDS - started)) s"
	return $status
}

# kmemleak_none LOG: no object nothing points to in LOG's kmemleak reports
# (the lines that say so are printed).
kmemleak_none() { ! grep -A12 'KAB-KMEMLEAK .*unreferenced object' "$1"; }
# kmemleak_clean LOG WHEN...: kmemleak scanned at each WHEN and found nothing.
kmemleak_clean() {
	local log=$1 when
	shift
	for when in "$@"; do
		grep -q "KAB-KMEMLEAK $when scanned" "$log" || {
			echo "kmemleak did not scan $when"
			return 1
		}
	done
	kmemleak_none "$log"
}

run=$results/sweep
kab_check "the integration sweep's boot completes, with the ABI test and the fuzzer" \
	boot sweep "$here/sweeps/integration.conf" "$KAB_BUILD/tests/abi_test $KAB_BUILD/tests/fuzz" \
	"KAB_FUZZ_COUNT=$fuzz_count KAB_FUZZ_INJECT=$fuzz_inject"
kab_check "the runner finished the sweep" grep -q "KAB-RUN rc=0" "$run/console.log"
kab_check "every case of the sweep has a row" \
	test "$(($(wc -l < "$run/cases.csv") - 1))" -gt 0
kab_check "the guest ABI test passes" grep -q "KAB-TEST abi_test rc=0" "$run/console.log"
kab_check "every fuzzed request was answered with an errno of the ABI" \
	grep -q "^fuzz: 0 requests answered outside the ABI's errnos" "$run/console.log"
kab_check "allocations were failed on purpose in the module's paths" \
	grep -q "^fuzz: [1-9][0-9]* allocations failed on purpose" "$run/console.log"
kab_check "every request with a failed allocation was answered with an errno of the ABI or a result" \
	grep -q "^fuzz: 0 requests with an allocation failed answered outside the ABI's errnos" "$run/console.log"
kab_check "free memory is back once the fuzzer's files are closed" \
	grep -q "^fuzz: .*; memory back" "$run/console.log"
kab_check "the fuzzer exited 0" grep -q "KAB-TEST fuzz rc=0" "$run/console.log"
kab_check "rmmod succeeds" grep -q "KAB-RMMOD rc=0" "$run/console.log"
kab_check "kmemleak finds nothing left after rmmod" \
	kmemleak_clean "$run/console.log" after-rmmod
kab_check "the console is clean of KASAN, lockdep, atomic-sleep and other kernel reports" \
	kab_console_clean "$run/console.log"
grep "^fuzz: \(seed\|answers\|  \|memory\|[0-9]* \(requests\|allocations\)\)" "$run/console.log" |
	tr -d '\r' > "$results/fuzz.txt"
cat "$results/fuzz.txt"

run=$results/atomic
kab_check "the atomic sweep's boot completes" boot atomic "$KAB_ROOT/configs/sweeps/atomic.conf"
kab_check "the runner finished the atomic sweep" grep -q "KAB-RUN rc=0" "$run/console.log"
kab_check "kmemleak finds nothing left after the atomic sweep" \
	kmemleak_clean "$run/console.log" after-rmmod
kab_check "the atomic sweep's console is clean of KASAN, lockdep, atomic-sleep and other kernel reports" \
	kab_console_clean "$run/console.log"

run=$results/frag
kab_check "the fragmentation sweep's boot completes" boot frag "$here/sweeps/frag.conf"
kab_check "the runner finished the fragmentation sweep" grep -q "KAB-RUN rc=0" "$run/console.log"
kab_check "kmemleak finds nothing left after the fragmentation sweep" \
	kmemleak_clean "$run/console.log" after-rmmod
kab_check "the fragmentation sweep's console is clean of KASAN, lockdep, atomic-sleep and other kernel reports" \
	kab_console_clean "$run/console.log"

run=$results/canary
kab_check "the canary boot completes" \
	boot canary "$here/sweeps/debug-canary.conf" \
	"$here/guest/debug-canaries.sh $canary/kab_canary.ko $canary/kab_canary_leak.ko"
# canary BUG: the console lines of canary BUG's load and unload.
canary() {
	tr -d '\r' < "$run/console.log" |
		sed -n "/KAB-CANARY $1 begin/,/KAB-CANARY $1 end/p"
}
# caught BUG SCAN REPORT: REPORT is on canary BUG's lines and SCAN, a check
# that the other boots pass, fails on them.
caught() {
	local lines
	lines=$(canary "$1")
	grep -qE "$3" <<< "$lines" || {
		echo "canary $1: no '$3' on the console"
		return 1
	}
	! "$2" /dev/stdin <<< "$lines" > /dev/null
}
# leak_caught: kmemleak's scan after rmmod names the canary's kmalloc, and
# the leak check the other boots pass fails on it.
leak_caught() {
	grep -q 'KAB-KMEMLEAK after-rmmod: .*canary_leak+.*\[kab_canary_leak\]' "$run/console.log" || {
		echo "canary leak: no kmemleak report names canary_leak"
		return 1
	}
	! kmemleak_clean "$run/console.log" after-rmmod > /dev/null
}
kab_check "canary leak: kmemleak reports the dropped kmalloc, and the leak check fails" leak_caught
kab_check "canary sleep: DEBUG_ATOMIC_SLEEP reports a GFP_KERNEL kmalloc under a spinlock, and the console scan fails" \
	caught sleep kab_console_clean 'BUG: sleeping function called from invalid context'
kab_check "canary lock_order: lockdep reports the inverted order, and the console scan fails" \
	caught lock_order kab_console_clean 'possible circular locking dependency detected'
kab_check "canary use_after_free: KASAN reports the read, and the console scan fails" \
	caught use_after_free kab_console_clean 'BUG: KASAN: [a-z-]*use-after-free'
kab_test_finish debug "$results" sweep
