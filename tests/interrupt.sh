#!/usr/bin/env bash
# Ctrl-C of `make bench` mid-sweep: make's process group gets SIGINT (as a
# terminal sends it), the guest is shut down (QEMU runs in a process group of
# its own under timeout), every finished case is collected into cases.csv,
# the terminal says where they are, and the run exits non-zero.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../scripts/lib.sh"
. "$here/lib.sh"

results=$KAB_BUILD/test-results-interrupt
rm -rf "$results"
mkdir -p "$results"
log=$results/make.log run=$results/interrupted
total=$(sed -n 's/.*: \([0-9]*\) cases in.*/\1/p' <("$KAB_BUILD/runner/kallocbench" check "$here/sweeps/interrupt.conf"))

# make in a process group of its own, as a terminal's foreground job is,
# so that the signal goes to its whole group and to nothing of this test's.
# Job control on: without it a background job ignores SIGINT.
set -m
env RESULTS="$results" RUN_ID=interrupted MODE=icount \
	SWEEP="$here/sweeps/interrupt.conf" TLB_MODEL=none \
	make -s -C "$KAB_ROOT" bench > "$log" 2>&1 &
make_pid=$!
set +m
# Wait until the guest has finished a few cases (the boot and any build
# come first), then interrupt.
for _ in $(seq 600); do
	grep -q '^\[12/' "$log" 2>/dev/null && break
	sleep 1
done
kab_check "the sweep got to case 12 before the interrupt" grep -q '^\[12/' "$log"
kill -INT -- "-$make_pid"
wait "$make_pid"
rc=$?
# run-guest.sh waited for QEMU; give the collect a moment if make returned
# before its child (make does not wait on a fatal signal).
for _ in $(seq 60); do
	grep -q 'interrupted: the' "$log" && break
	sleep 1
done

kab_check "make exits non-zero after the interrupt" test "$rc" -ne 0
kab_check "the terminal says the run was interrupted and where the cases are" \
	grep -q "interrupted: the [0-9]* cases that finished are in $run" "$log"
no_qemu_left() {
	! kill -0 "$(cat "$run/qemu.pid")" 2>/dev/null &&
		! pgrep -f -- "file:$run/console.log" > /dev/null
}
kab_check "the guest was shut down (no QEMU of this run left)" no_qemu_left
rows=$(($(wc -l < "$run/cases.csv" 2>/dev/null || echo 1) - 1))
kab_check "cases.csv keeps the finished cases ($rows of them, at least 12)" \
	test "$rows" -ge 12
kab_check "the sweep stopped at the interrupt (fewer than all $total cases)" \
	test "$rows" -lt "$total"
kab_check "the console of what ran is clean" kab_console_clean "$run/console.log"
if [ "$kab_failed" -ne 0 ]; then
	echo "--- make output (tail) ---"
	tail -n 20 "$log"
fi
kab_test_summary interrupt
