#!/usr/bin/env bash
# accel.sh MODE NAME: turn MODE (auto|kvm|tcg|icount) into the mode of time
# actually used for kernel NAME, printed as "qemu-kvm", "qemu-tcg" or
# "qemu-icount". auto boots a short KVM probe under a timeout and falls back
# to TCG, because on some machines /dev/kvm exists but a KVM guest hangs; the
# verdict is cached per host kernel and QEMU version.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

mode=${1:?usage: accel.sh MODE NAME} name=${2:?usage: accel.sh MODE NAME}
case $mode in
kvm)
	[ -w /dev/kvm ] || kab_die "MODE=kvm needs a writable /dev/kvm; use MODE=auto, tcg or icount"
	echo qemu-kvm
	exit 0
	;;
tcg | icount) echo "qemu-$mode"; exit 0 ;;
auto) ;;
*) kab_die "MODE must be auto, kvm, tcg or icount (got '$mode')" ;;
esac

. "$KAB_BUILD/kernels/$name.env"
if [ ! -w /dev/kvm ]; then
	kab_say "no usable /dev/kvm: using TCG"
	echo qemu-tcg
	exit 0
fi

key="$(uname -r) $("$KAB_KERNEL_QEMU" --version | head -n 1)"
verdict_file=$KAB_BUILD/cache/kvm-verdict
if [ -f "$verdict_file" ] && [ "$(head -n 1 "$verdict_file")" = "$key" ]; then
	tail -n 1 "$verdict_file"
	exit 0
fi

kab_say "probing KVM (up to ${KAB_KVM_PROBE_SECONDS:-25} s)..."
probe=$(mktemp -d)
trap 'rm -rf "$probe"' EXIT
mkdir -p "$probe/tree/bin"
kab_guest_paths "${KAB_KERNEL_ARCH:-amd64}"
cp "$KAB_GUEST_BUSYBOX" "$probe/tree/bin/busybox"
printf '#!/bin/busybox sh\n/bin/busybox echo KAB-KVM-OK\n/bin/busybox poweroff -f\n' > "$probe/tree/init"
chmod 755 "$probe/tree/init"
(cd "$probe/tree" && find . | cpio -o -H newc --quiet) > "$probe/probe.cpio"
timeout -s KILL "${KAB_KVM_PROBE_SECONDS:-25}" "$KAB_KERNEL_QEMU" -accel kvm -cpu host \
	-smp 1 -m 512 -display none -monitor none -no-reboot -net none \
	-kernel "$KAB_KERNEL_IMAGE" -initrd "$probe/probe.cpio" \
	-append "console=ttyS0 panic=-1 quiet" -serial "file:$probe/console" \
	>/dev/null 2>&1 || true
if grep -q KAB-KVM-OK "$probe/console" 2>/dev/null; then
	verdict=qemu-kvm
else
	kab_say "KVM guest did not boot in time: falling back to TCG"
	verdict=qemu-tcg
fi
mkdir -p "$(dirname "$verdict_file")"
printf '%s\n%s\n' "$key" "$verdict" > "$verdict_file"
echo "$verdict"
