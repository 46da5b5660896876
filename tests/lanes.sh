#!/usr/bin/env bash
# lanes.sh "MAIN..." "SIDE...": make test's two lanes. The MAIN targets run
# one after the other here, as make would run them; beside them, in their
# own process group, the SIDE targets run one after the other too, their
# output in build/test-side.log. The side targets are long boots of one
# vCPU each (the debug kernel, 7.3's integration boot, the QEMU "host")
# that would otherwise make the run twice as long: on a machine of two
# cores or more they take the second one. Each lane stops at its first failure; a failure of the main lane, or
# Ctrl-C, stops the side lane too (its guests shut down as bench.sh shuts
# down on TERM). The side lane's output is printed when both are done, and
# the exit status is non-zero when either failed.
set -uo pipefail
. "$(dirname "$0")/../scripts/lib.sh"

read -ra main <<< "${1:?usage: lanes.sh \"MAIN...\" \"SIDE...\"}"
read -ra side <<< "${2:-}"
log=$KAB_BUILD/test-side.log
mkdir -p "$KAB_BUILD"
started=$(date +%s)

# lane TARGET...: each TARGET with make, stopping at the first that fails.
lane() {
	local target
	for target in "$@"; do
		echo "=== make $target"
		make --no-print-directory "$target" || {
			echo "=== make $target failed"
			return 1
		}
	done
}

side_pid=
if [ ${#side[@]} -gt 0 ]; then
	# The kernel both lanes boot first, fetched once before they start.
	"$KAB_ROOT/scripts/fetch-kernel.sh" debian-6.1 > /dev/null ||
		kab_die "cannot fetch the default kernel"
	export -f lane
	setsid bash -c 'lane "$@"' lane "${side[@]}" > "$log" 2>&1 < /dev/null &
	side_pid=$!
	kab_say "make test: ${side[*]} run beside the other tests; their output: $log"
fi
stop_side() {
	[ -n "$side_pid" ] || return 0
	kill -TERM -- "-$side_pid" 2> /dev/null
	wait "$side_pid" 2> /dev/null
	side_pid=
}
trap 'stop_side; exit 130' INT
trap 'stop_side; exit 143' TERM

main_ok=1
lane "${main[@]}" || main_ok=0

side_ok=1
if [ -n "$side_pid" ]; then
	if [ $main_ok = 1 ]; then
		kab_say "make test: the other tests are done after $(($(date +%s) - started)) s; waiting for ${side[*]}"
		wait "$side_pid" || side_ok=0
		side_pid=
	else
		kab_say "make test: a test failed; stopping ${side[*]}"
		stop_side
		side_ok=0
	fi
	echo "--- ${side[*]} (from $log) ---"
	cat "$log"
fi
kab_say "make test: $(($(date +%s) - started)) s"
[ $main_ok = 1 ] && [ $side_ok = 1 ]
