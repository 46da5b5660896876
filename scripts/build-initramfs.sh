#!/usr/bin/env bash
# build-initramfs.sh OUT MODULE SWEEP [PROGRAM...]: an initramfs with static
# busybox, the module, the runner, hyperfine, the sweep, the guest test
# PROGRAMs and every shared library those need (found with ldd, as
# mkinitramfs does); a PROGRAM that is a module (.ko) goes to / instead.
# KAB_GUEST_ARCH=i386 takes the 32-bit runner and busybox instead
# (scripts/build-guest-runner.sh; the runner is static) and leaves the
# host's amd64 hyperfine out.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

out=${1:?usage: build-initramfs.sh OUT MODULE SWEEP [PROGRAM...]}
module=$2 sweep=$3
shift 3
kab_guest_paths "${KAB_GUEST_ARCH:-amd64}"
runner=$KAB_GUEST_RUNNER
[ -x "$runner" ] || kab_die "the runner is not built ($runner)"

tree=$(mktemp -d "$KAB_BUILD/initramfs.XXXXXX")
trap 'rm -rf "$tree"' EXIT
mkdir -p "$tree"/{bin,dev,proc,sys,tmp,guest-tests}
cp "$KAB_GUEST_BUSYBOX" "$tree/bin/busybox"
cp "$module" "$tree/kallocbench.ko"
cp "$sweep" "$tree/sweep.conf"
cp "$KAB_ROOT/scripts/guest-init" "$tree/init"
# For `kallocbench facts`: the module that leaks on purpose, built beside
# the main one, and with KERNEL_BUILD (the kernel's build tree) its .config
# and checkstack.pl's view of the module's stack frames.
leak=$(dirname "$module")/kallocbench_leak.ko
[ -f "$leak" ] && cp "$leak" "$tree/kallocbench_leak.ko"
if [ -n "${KERNEL_BUILD:-}" ]; then
	[ -f "$KERNEL_BUILD/.config" ] && cp "$KERNEL_BUILD/.config" "$tree/kernel.config"
	checkstack=$KERNEL_BUILD/scripts/checkstack.pl
	case $(objdump -f "$module" | sed -n 's/^architecture: \([^,]*\).*/\1/p') in
	i386:x86-64) arch=x86_64 ;;
	i386) arch=i386 ;;
	*) arch= ;;
	esac
	if [ -f "$checkstack" ] && [ -n "$arch" ]; then
		objdump -d "$module" | perl "$checkstack" "$arch" > "$tree/checkstack.txt" ||
			rm -f "$tree/checkstack.txt"
	fi
fi
chmod 755 "$tree/init"

copy_with_libraries() {
	local program=$1 dest=$2 lib
	install -D -m 755 "$program" "$tree$dest"
	# ldd fails on a static program and on one the host cannot run.
	for lib in $(ldd "$program" 2>/dev/null | awk '/=> \// { print $3 } /^\t\// { print $1 }'); do
		[ -e "$tree$lib" ] || install -D -m 755 "$(readlink -f "$lib")" "$tree$lib"
	done
}
copy_with_libraries "$runner" /bin/kallocbench
# hyperfine times access cases across separate runs of the runner (a sweep's
# `hyperfine = N`); without it those cases get a failed hyperfine.csv row.
if [ "${KAB_GUEST_ARCH:-amd64}" = amd64 ] && hyperfine=$(command -v hyperfine); then
	copy_with_libraries "$hyperfine" /bin/hyperfine
fi
for program in "$@"; do
	case $program in
	# A test-only module (tests/debug-canary/) for the guest tests to load.
	*.ko) cp "$program" "$tree/" ;;
	*) copy_with_libraries "$program" "/guest-tests/$(basename "$program")" ;;
	esac
done

# Identical inputs must give identical bytes: under icount even the
# initramfs's timestamps can shift the figures.
find "$tree" -exec touch -h -d @0 {} +
(cd "$tree" && find . -print0 | LC_ALL=C sort -z |
	cpio --null --create --format=newc --reproducible --quiet) | gzip -n -1 > "$out"
