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
# times_file LANE: where LANE's targets' seconds and outcomes go.
times_file() { echo "$KAB_BUILD/test-times-$1.txt"; }
main_times=$(times_file main) side_times=$(times_file side)
mkdir -p "$KAB_BUILD"
rm -f "$main_times" "$side_times"
started=$(date +%s)

# lane TIMES TARGET...: each TARGET with make, stopping at the first that
# fails; each one's seconds and outcome appended to the file TIMES.
lane() {
	local times=$1 target started status
	shift
	for target in "$@"; do
		echo "=== make $target"
		started=$SECONDS status=ok
		make --no-print-directory "$target" || status=failed
		echo "$target $((SECONDS - started)) s $status" >> "$times"
		[ $status = ok ] || {
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
	setsid bash -c 'lane "$@"' lane "$side_times" "${side[@]}" > "$log" 2>&1 < /dev/null &
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
lane "$main_times" "${main[@]}" || main_ok=0

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
# Where the time went, last, where a log's tail shows it.
for lane_name in main side; do
	times=$(times_file "$lane_name")
	[ -s "$times" ] || continue
	kab_say "make test: the $lane_name lane: $(paste -sd, "$times" | sed 's/,/, /g')"
done
kab_say "make test: $(($(date +%s) - started)) s"
[ $main_ok = 1 ] && [ $side_ok = 1 ]
