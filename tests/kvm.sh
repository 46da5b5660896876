#!/usr/bin/env bash
# KVM without KVM: the QEMU command line of each mode of time (KVM: the
# host's CPU with its PMU), the one run-guest.sh really starts, and the
# KVM probe of MODE=auto against a QEMU that hangs (the fallback to TCG
# within the stated time, its message, the verdict cached), one that boots
# and one that is not there. A stand-in QEMU plays each part; nothing
# boots, so this runs in seconds on a machine without KVM.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../scripts/lib.sh"
. "$here/lib.sh"

scratch=$(mktemp -d)
stand_in_pids=()
cleanup() {
	local pid
	for pid in "${stand_in_pids[@]}"; do
		kill "$pid" 2>/dev/null || true
	done
	rm -rf "$scratch"
}
trap cleanup EXIT

# A build folder of its own: a kernel whose QEMU is the stand-in, and a
# verdict cache that no real run reads.
export KAB_BUILD=$scratch/build
mkdir -p "$KAB_BUILD/kernels"
: > "$scratch/vmlinuz"
cat > "$KAB_BUILD/kernels/fake.env" <<EOF
KAB_KERNEL_RELEASE='0.0-fake'
KAB_KERNEL_IMAGE='$scratch/vmlinuz'
KAB_KERNEL_QEMU='$scratch/qemu'
KAB_KERNEL_CMDLINE=''
KAB_KERNEL_MEMORY_MB='512'
KAB_KERNEL_ARCH='amd64'
EOF
: > "$scratch/kvm"
export KAB_KVM_DEVICE=$scratch/kvm

# The stand-in QEMU: logs its arguments to $scratch/args and its pid to
# $scratch/pid, then as STAND_IN says hangs (the sleep replaces it, so
# that the probe's timeout kills what hangs), boots (the probe's word on
# the first serial port) or finishes a run (KAB-DONE there).
cat > "$scratch/qemu" <<'EOF'
#!/usr/bin/env bash
if [ "${1:-}" = --version ]; then echo "QEMU emulator version 0.0 (stand-in $STAND_IN)"; exit 0; fi
printf '%s\n' "$@" > "$STAND_IN_DIR/args"
echo $$ > "$STAND_IN_DIR/pid"
console=
for arg; do
	case $arg in file:*) console=${arg#file:}; break ;; esac
done
case $STAND_IN in
hang) exec sleep 600 ;;
boot) echo KAB-KVM-OK > "$console" ;;
run) echo KAB-DONE > "$console" ;;
esac
EOF
chmod 755 "$scratch/qemu"
export STAND_IN_DIR=$scratch

# has_args WORD...: the stand-in got WORD... in a row.
has_args() {
	local sep=$'\034' joined want
	joined=$sep$(tr '\n' "$sep" < "$scratch/args")
	want=$sep$(printf "%s$sep" "$@")
	[[ $joined == *"$want"* ]]
}
lacks_arg() { ! grep -qxF -- "$1" "$scratch/args"; }
# gone PID: no such process, or only its zombie waiting to be reaped.
gone() { [ ! -e "/proc/$1" ] || [ "$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null)" = Z ]; }

# The command line of each mode, as the one function writes it.
kab_qemu_machine_args qemu-kvm 2 1024
printf '%s\n' "${KAB_QEMU_MACHINE_ARGS[@]}" > "$scratch/args"
kab_check "kvm: -accel kvm" has_args -accel kvm
kab_check "kvm: the host's CPU with its PMU" has_args -cpu host,pmu=on
kab_check "kvm: CPUS and memory" has_args -smp 2 -m 1024
kab_check "kvm: no icount" lacks_arg -icount
kab_qemu_machine_args qemu-tcg 1 512
printf '%s\n' "${KAB_QEMU_MACHINE_ARGS[@]}" > "$scratch/args"
kab_check "tcg: -accel tcg, QEMU's max CPU" has_args -accel tcg -smp 1 -m 512 -cpu max,-rdrand,-rdseed
kab_check "tcg: no icount" lacks_arg -icount
kab_qemu_machine_args qemu-icount 1 512
printf '%s\n' "${KAB_QEMU_MACHINE_ARGS[@]}" > "$scratch/args"
kab_check "icount: instructions are time, its CPUs in turn" has_args -accel tcg,thread=single -icount shift=0,sleep=off
kab_check "icount: a fixed virtual RTC" has_args -rtc base=2024-01-01T00:00:00,clock=vm
kab_check "an unknown mode is refused" \
	bash -c 'out=$(. "$1"; kab_qemu_machine_args qemu-xen 1 512 2>&1) && exit 1
		grep -qF "unknown mode of time '\''qemu-xen'\''" <<< "$out"' \
	_ "$KAB_ROOT/scripts/lib.sh"

# What run-guest.sh starts and records under KVM.
: > "$scratch/initrd"
STAND_IN=run "$KAB_ROOT/scripts/run-guest.sh" fake qemu-kvm "$scratch/initrd" "$scratch/run" 30 \
	> "$scratch/run.log" 2>&1
kab_check "run-guest.sh: the stand-in's run finished" test $? -eq 0
kab_check "run-guest.sh: KVM with the host's CPU and PMU" has_args -accel kvm -smp 1 -m 512 -cpu host,pmu=on
kab_check "run-guest.sh: the command recorded" grep -qF -- '-accel kvm -smp 1 -m 512 -cpu host\,pmu=on' "$scratch/run/qemu-command"

# A probe that hangs: TCG within the stated time, said so, and cached.
probe_seconds=3
started=$(date +%s.%N)
mode=$(STAND_IN=hang KAB_KVM_PROBE_QEMU=$scratch/qemu KAB_KVM_PROBE_SECONDS=$probe_seconds \
	"$KAB_ROOT/scripts/accel.sh" auto fake 2> "$scratch/probe.log")
took=$(awk -v a="$started" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
stand_in_pids+=("$(cat "$scratch/pid" 2>/dev/null)")
kab_check "hanging probe: falls back to TCG" test "$mode" = qemu-tcg
kab_check "hanging probe: says why" grep -qF "KVM guest did not boot within $probe_seconds s: falling back to TCG" "$scratch/probe.log"
kab_check "hanging probe: the probe boots the KVM guest" has_args -accel kvm -smp 1 -m 512 -cpu host,pmu=on
kab_check "hanging probe: gave up after ${took} s, within $probe_seconds s + 3" \
	awk -v t="$took" -v s="$probe_seconds" 'BEGIN { exit !(t >= s && t < s + 3) }'
kab_check "hanging probe: the hung QEMU was killed" gone "${stand_in_pids[-1]}"
started=$(date +%s)
mode=$(STAND_IN=hang KAB_KVM_PROBE_QEMU=$scratch/qemu KAB_KVM_PROBE_SECONDS=$probe_seconds \
	"$KAB_ROOT/scripts/accel.sh" auto fake 2> "$scratch/cached.log")
kab_check "hanging probe: the verdict is cached (TCG, no second probe)" \
	test "$mode" = qemu-tcg -a "$(($(date +%s) - started))" -lt "$probe_seconds" -a ! -s "$scratch/cached.log"

# Another QEMU version is probed again; one that boots gives KVM.
mode=$(STAND_IN=boot KAB_KVM_PROBE_QEMU=$scratch/qemu KAB_KVM_PROBE_SECONDS=$probe_seconds \
	"$KAB_ROOT/scripts/accel.sh" auto fake 2> "$scratch/boot.log")
kab_check "booting probe: KVM" test "$mode" = qemu-kvm
kab_check "booting probe: probed afresh" grep -qF "probing KVM" "$scratch/boot.log"

# Without a writable KVM device auto is TCG and kvm is refused.
mode=$(KAB_KVM_DEVICE=$scratch/no-kvm "$KAB_ROOT/scripts/accel.sh" auto fake 2> "$scratch/nokvm.log")
kab_check "no KVM device: TCG" test "$mode" = qemu-tcg
kab_check "no KVM device: said so" grep -qF "no usable $scratch/no-kvm: using TCG" "$scratch/nokvm.log"
kab_check "no KVM device: MODE=kvm refused" \
	bash -c '! KAB_KVM_DEVICE=$1 "$2" kvm fake 2>/dev/null' _ "$scratch/no-kvm" "$KAB_ROOT/scripts/accel.sh"

kab_test_summary kvm
