#!/usr/bin/env bash
# run-host.sh MODULE SWEEP OUTDIR CPU CAP CONFIG: the host's counterpart of
# run-guest.sh. Loads MODULE into the running kernel (kmod's insmod: one
# finit_module, no retries), runs SWEEP pinned to CPU with fragmentation
# and pressure capped at CAP thousandths of MemTotal, the results streamed
# to OUTDIR/stream.raw (bench.sh collects them), and unloads the module on
# every way out: the end, a failure, SIGINT or SIGTERM (the runner is told,
# writes the case in flight as interrupted and stops first). Exits 0 when
# every case ran, 130 when interrupted, 1 otherwise.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

module=$1 sweep=$2 outdir=$3 cpu=$4 cap=$5 config=$6
runner=$KAB_BUILD/runner/kallocbench
mkdir -p "$outdir"
stream=$outdir/stream.raw
: > "$stream"

if [ -e /sys/module/kallocbench ]; then
	kab_die "a kallocbench module is already loaded (another run, or one that did not end?): rmmod kallocbench first"
fi
loaded=
unload() {
	[ -n "$loaded" ] || return 0
	if rmmod kallocbench; then
		kab_say "kallocbench.ko unloaded"
	else
		kab_say "error: rmmod kallocbench failed: the module is still loaded (rmmod kallocbench by hand)"
		return 1
	fi
}
trap 'unload || exit 1' EXIT
insmod "$module" || kab_die "insmod $module failed (dmesg says why)"
loaded=1
kab_say "kallocbench.ko loaded into $(uname -r)"

# The runner pins itself to the CPU it starts on: start it there.
taskset -c "$cpu" "$runner" run --sweep "$sweep" --stream "$stream" \
	--mode host --config "$config" --memory-cap-permille "$cap" &
runner_pid=$!
kab_wait_forwarding "$runner_pid"
runner_rc=$KAB_WAIT_RC interrupted=$KAB_INTERRUPTED
if [ -n "$interrupted" ]; then
	kab_say "stopped by SIG$interrupted: the runner stopped after the case in flight"
	exit 130
fi
[ "$runner_rc" -eq 0 ] || { kab_say "the runner exited $runner_rc"; exit 1; }
