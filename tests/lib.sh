# shellcheck shell=bash
# Minimal assertion helpers for the shell-level tests: each check prints
# "ok" or "FAIL" with its name, and kab_test_summary prints the closing
# "N passed, N failed" line and sets the exit status.
kab_passed=0
kab_failed=0

kab_check() {
	local name=$1; shift
	if "$@"; then
		kab_passed=$((kab_passed + 1))
		printf 'ok   %s\n' "$name"
	else
		kab_failed=$((kab_failed + 1))
		printf 'FAIL %s\n' "$name"
	fi
}

kab_test_summary() {
	printf '%s: %d passed, %d failed\n' "$1" "$kab_passed" "$kab_failed"
	[ "$kab_failed" -eq 0 ]
}

# kab_build_guest_test NAME [LIBS...]: builds the guest program
# tests/guest/NAME.c into $KAB_BUILD/tests/NAME, or stops the test run;
# renamed into place, so that the other lane of make test (tests/lanes.sh)
# never packs a half-written one.
kab_build_guest_test() {
	local name=$1; shift
	local out=$KAB_BUILD/tests/$name
	mkdir -p "$KAB_BUILD/tests"
	gcc -std=c11 -Wall -Wextra -Werror -O2 -I"$KAB_ROOT/bench-mod/uapi" \
		"$KAB_ROOT/tests/guest/$name.c" "$@" -o "$out.$$" &&
		mv -f "$out.$$" "$out" ||
		kab_die "cannot build the guest test $name"
}

# kab_build_abi_test: the guest ABI test (tests/guest/abi_test.c) into
# $KAB_BUILD/tests/abi_test.
kab_build_abi_test() {
	kab_build_guest_test abi_test -lcmocka
}

# The kernel's reports that fail a test wherever they appear on a guest's
# console: warnings and BUGs, oopses and their traces, KASAN and UBSAN,
# lockdep, sleeping in atomic context, lockups, RCU stalls, hung tasks,
# allocation failures and the OOM killer. One extended regular expression;
# tests/console-check.sh shows each part fires on the kernel's own wording.
KAB_CONSOLE_REPORTS='WARNING:|BUG:|Oops|general protection fault|Call Trace|KASAN|UBSAN|possible circular locking|possible recursive locking|inconsistent lock state|suspicious RCU usage|sleeping function called|scheduling while atomic|soft lockup|hard LOCKUP|rcu_sched detected stall|rcu_preempt detected stall|blocked for more than|page allocation failure|Out of memory|oom-kill|invoked oom-killer'

# kab_console_clean LOG: true when LOG holds none of KAB_CONSOLE_REPORTS
# (the lines that do are printed).
kab_console_clean() {
	! grep -E "$KAB_CONSOLE_REPORTS" "$1"
}

# kab_test_boot RESULTS RUN_ID MODE KERNEL SWEEP TIMEOUT [GUEST_TESTS]: one
# boot of a test sweep through bench.sh into RESULTS/RUN_ID, with what it
# printed beside it in RUN_ID.summary and RUN_ID.log.
kab_test_boot() {
	RESULTS=$1 RUN_ID=$2 MODE=$3 KERNEL=$4 SWEEP=$5 TIMEOUT=$6 \
		GUEST_TESTS=${7:-} "$KAB_ROOT/scripts/bench.sh" \
		> "$1/$2.summary" 2> "$1/$2.log"
}

# kab_kernel_since RUN VERSION: true when the kernel of RUN (its meta.json)
# is VERSION or later, e.g. 6.18 for the allocators that kernel added.
kab_kernel_since() {
	local release
	release=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["kernel"]["release"])' "$1/meta.json") ||
		return 1
	printf '%s\n%s\n' "$2" "${release%%[-+]*}" | sort -V -C
}

# kab_test_finish NAME RESULTS RUN_ID: when a check failed, the tails of the
# run's log and console; then the closing line and the exit status.
kab_test_finish() {
	if [ "$kab_failed" -ne 0 ]; then
		echo "--- logs of the $1 run (tail) ---"
		tail -n 30 "$2/$3.log" "$2/$3/console.log" 2>/dev/null
	fi
	kab_test_summary "$1"
}
