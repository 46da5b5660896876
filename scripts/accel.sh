#!/usr/bin/env bash
# accel.sh MODE NAME: turn MODE (auto|kvm|tcg|icount) into the mode of time
# actually used for kernel NAME, printed as "qemu-kvm", "qemu-tcg" or
# "qemu-icount". auto boots a short KVM probe under a timeout and falls back
# to TCG, because on some machines /dev/kvm exists but a KVM guest hangs; the
# verdict is cached per host kernel and QEMU version.
#
# For tests: KAB_KVM_DEVICE (default /dev/kvm) is the device that must be
# writable, KAB_KVM_PROBE_QEMU (default the kernel's QEMU) the QEMU the
# probe boots, KAB_KVM_PROBE_SECONDS (default 25) how long it may take.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

mode=${1:?usage: accel.sh MODE NAME} name=${2:?usage: accel.sh MODE NAME}
kvm_device=${KAB_KVM_DEVICE:-/dev/kvm}
probe_seconds=${KAB_KVM_PROBE_SECONDS:-25}
case $mode in
kvm)
	[ -w "$kvm_device" ] || kab_die "MODE=kvm needs a writable $kvm_device; use MODE=auto, tcg or icount"
	echo qemu-kvm
	exit 0
	;;
tcg | icount) echo "qemu-$mode"; exit 0 ;;
auto) ;;
*) kab_die "MODE must be auto, kvm, tcg or icount (got '$mode')" ;;
esac

. "$KAB_BUILD/kernels/$name.env"
probe_qemu=${KAB_KVM_PROBE_QEMU:-$KAB_KERNEL_QEMU}
if [ ! -w "$kvm_device" ]; then
	kab_say "no usable $kvm_device: using TCG"
	echo qemu-tcg
	exit 0
fi

key="$(uname -r) $("$probe_qemu" --version | head -n 1)"
verdict_file=$KAB_BUILD/cache/kvm-verdict
if [ -f "$verdict_file" ] && [ "$(head -n 1 "$verdict_file")" = "$key" ]; then
	tail -n 1 "$verdict_file"
	exit 0
fi

kab_say "probing KVM (up to $probe_seconds s)..."
probe=$(mktemp -d)
trap 'rm -rf "$probe"' EXIT
mkdir -p "$probe/tree/bin"
kab_guest_paths "${KAB_KERNEL_ARCH:-amd64}"
cp "$KAB_GUEST_BUSYBOX" "$probe/tree/bin/busybox"
printf '#!/bin/busybox sh\n/bin/busybox echo KAB-KVM-OK\n/bin/busybox poweroff -f\n' > "$probe/tree/init"
chmod 755 "$probe/tree/init"
(cd "$probe/tree" && find . | cpio -o -H newc --quiet) > "$probe/probe.cpio"
# The guest a run boots under KVM, with the least memory a kernel needs.
kab_qemu_machine_args qemu-kvm 1 512
timeout -s KILL "$probe_seconds" "$probe_qemu" "${KAB_QEMU_MACHINE_ARGS[@]}" \
	-kernel "$KAB_KERNEL_IMAGE" -initrd "$probe/probe.cpio" \
	-append "console=ttyS0 panic=-1 quiet" -serial "file:$probe/console" \
	>/dev/null 2>&1 || true
if grep -q KAB-KVM-OK "$probe/console" 2>/dev/null; then
	verdict=qemu-kvm
else
	kab_say "KVM guest did not boot within $probe_seconds s: falling back to TCG"
	verdict=qemu-tcg
fi
mkdir -p "$(dirname "$verdict_file")"
printf '%s\n%s\n' "$key" "$verdict" > "$verdict_file"
echo "$verdict"
