#!/usr/bin/env bash
# run-guest.sh NAME TIME_MODE INITRAMFS OUTDIR TIMEOUT_S [WORD...]: boot kernel
# NAME in QEMU on INITRAMFS in the given mode of time (qemu-kvm, qemu-tcg,
# qemu-icount), with WORDs added to the kernel command line. The console goes
# to OUTDIR/console.log, the results stream (second serial port) to
# OUTDIR/stream.raw; the runner's progress lines are shown on stderr as they
# come. KAB_MEMORY_MB, when set, overrides the kernel's memory_mb;
# KAB_TLB_MODELS, when set (and not none), boots the simulated MMU's QEMU
# with its plugin (OUTDIR/sim.csv, OUTDIR/sim.json). Exits 0 only when the
# guest finished its work and powered off; 130 when SIGINT or SIGTERM
# stopped it (the guest is shut down first).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

name=$1 time_mode=$2 initramfs=$3 outdir=$4 timeout_s=$5
shift 5
. "$KAB_BUILD/kernels/$name.env"

# CPUS, NUMA (nodes) and the memory bench.sh chose (KAB_MEMORY_MB) size the
# guest.
kab_qemu_machine_args "$time_mode" "${CPUS:-1}" "${KAB_MEMORY_MB:-$KAB_KERNEL_MEMORY_MB}" "${NUMA:-1}"
qemu_args=("${KAB_QEMU_MACHINE_ARGS[@]}")
cmdline="console=ttyS0 nokaslr panic=-1 loglevel=4 $KAB_KERNEL_CMDLINE KAB_MODE=$time_mode $*"

mkdir -p "$outdir"
console=$outdir/console.log stream=$outdir/stream.raw
: > "$console"
: > "$stream"
# KAB_TLB_MODELS: the simulated MMU watches the guest (tlbsim/).
KAB_SIM_OUTDIR=$outdir kab_guest_qemu "$KAB_KERNEL_QEMU" "$time_mode"
qemu_args+=("${KAB_QEMU_SIM_ARGS[@]}")
printf '%q ' env "${KAB_QEMU_ENV[@]}" "$KAB_QEMU" "${qemu_args[@]}" -kernel "$KAB_KERNEL_IMAGE" \
	-initrd "$initramfs" -append "$cmdline" > "$outdir/qemu-command"
echo >> "$outdir/qemu-command"

started=$(date +%s)
timeout -s KILL "$timeout_s" env "${KAB_QEMU_ENV[@]}" "$KAB_QEMU" "${qemu_args[@]}" \
	-kernel "$KAB_KERNEL_IMAGE" -initrd "$initramfs" -append "$cmdline" \
	-serial "file:$console" -serial "file:$stream" >"$outdir/qemu.log" 2>&1 &
qemu=$!
# For whoever must stop this guest: the pid of its timeout, QEMU's parent.
echo "$qemu" > "$outdir/qemu.pid"
show_progress() {
	# The guest's own clock is virtual under icount: elapsed time is the
	# host's, and the guest's estimate (each group's cost per case so far,
	# see run_costs_remaining) is scaled by how much host time a second of
	# guest time has taken since the first case finished. Lines arrive in
	# bursts (tail polls), so until two seconds of host time have passed
	# there is no estimate ("eta -").
	local line now first_host= first_guest eta
	while IFS= read -r line; do
		line=${line%$'\r'}
		now=$(date +%s.%N)
		if [[ $line =~ ^\[[0-9]+/[0-9]+\].*,\ elapsed\ ([0-9.]+)s,\ eta\ ([0-9.]+)s$ ]]; then
			[ -n "$first_host" ] || first_host=$now first_guest=${BASH_REMATCH[1]}
			eta=$(awk -v guest="${BASH_REMATCH[1]}" -v guest0="$first_guest" \
				-v eta="${BASH_REMATCH[2]}" -v host="$now" -v host0="$first_host" \
				'BEGIN { if (host - host0 < 2 || guest <= guest0) print "-"
					 else printf "%.0fs", eta * (host - host0) / (guest - guest0) }')
			printf '%s, elapsed %ds, eta %s\n' "${line%, elapsed *}" \
				$(( ${now%.*} - started )) "$eta" >&2
		elif [[ $line == *KAB-FAIL* || $line == *"Kernel panic"* ]]; then
			printf '%s\n' "$line" >&2
		fi
	done
}
tail -n +1 -s 0.5 -f --pid="$qemu" "$console" 2>/dev/null | show_progress &
# timeout runs QEMU in a process group of its own, which a Ctrl-C of make
# does not reach: stop the guest here, then wait for it to be gone, so that
# the caller collects what it streamed and no QEMU outlives the run.
kab_wait_forwarding "$qemu" TERM
qemu_rc=$KAB_WAIT_RC interrupted=$KAB_INTERRUPTED

problem=
if [ -n "$interrupted" ]; then
	kab_say "stopped by SIG$interrupted: the guest was shut down; console log: $console"
	exit 130
elif [ "$qemu_rc" -eq 137 ] && [ $(($(date +%s) - started)) -ge "$timeout_s" ]; then
	problem="the guest did not finish within ${timeout_s} s and was killed"
elif [ "$qemu_rc" -gt 128 ]; then
	problem="QEMU was killed by signal $((qemu_rc - 128))"
elif grep -q 'Kernel panic' "$console"; then
	problem="the guest kernel panicked"
elif grep -q 'KAB-FAIL' "$console"; then
	problem="$(grep -m1 'KAB-FAIL' "$console" | tr -d '\r')"
elif runner_rc=$(sed -n 's/^KAB-RUN rc=\([0-9]*\).*/\1/p' "$console" | head -n 1) &&
	[ -n "$runner_rc" ] && [ "$runner_rc" -gt 128 ]; then
	# The guest's runner died by a signal (the OOM killer's SIGKILL, say):
	# the case after the last one it reported got no row.
	last=$(grep -oE '^\[[0-9]+/[0-9]+\]' "$console" | tail -n 1 | tr -d '[]' || true)
	last=${last:-0/?}
	problem="the guest's runner was killed by signal $((runner_rc - 128)) in case $((${last%/*} + 1)) of ${last#*/}, which has no row"
	if grep -q 'invoked oom-killer' "$console"; then
		problem="$problem (the OOM killer ran)"
	fi
elif ! grep -q 'KAB-DONE' "$console"; then
	problem="the guest stopped before finishing (QEMU exit $qemu_rc; see $outdir/qemu.log)"
fi
if [ -n "$problem" ]; then
	kab_say "$problem; console log: $console"
	exit 1
fi
