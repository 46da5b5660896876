#!/usr/bin/env bash
# host-rootfs.sh KERNEL: a small Debian 12 root filesystem to boot kernel
# KERNEL (configs/kernels) as a "host" for tests/host.sh: debootstrap's
# minbase with what `make bench MODE=host` needs (scripts/setup.sh
# --host) and KERNEL's own headers package, so that /lib/modules/RELEASE/
# build is there, and nothing else: no init system (tests/host.sh brings
# its /init). Packed as an uncompressed cpio, to boot as the
# initramfs (Debian's kernel has virtio-blk and ext4 as modules, not
# built in). Cached in build/cache/host-rootfs/, keyed by the release and
# the package list; prints the cpio's path.
set -euo pipefail
. "$(dirname "$0")/../scripts/lib.sh"

name=${1:?usage: host-rootfs.sh KERNEL}
kab_kernel_env "$name"
headers=linux-headers-$KAB_KERNEL_RELEASE
packages="$("$KAB_ROOT/scripts/setup.sh" --host --list)"
key=$(printf '%s\n' "$headers" $packages | sha256sum | cut -c1-12)
cache=$KAB_BUILD/cache/host-rootfs
cpio=$cache/debian12-$KAB_KERNEL_RELEASE-$key.cpio
if [ -s "$cpio" ]; then
	echo "$cpio"
	exit 0
fi
[ "$(id -u)" -eq 0 ] || kab_die "building the test host's root filesystem needs root (debootstrap)"
command -v debootstrap > /dev/null || kab_die "debootstrap is missing: scripts/setup.sh --tests installs it"
mirror=$(kab_debian_mirror)
[ -n "$mirror" ] || kab_die "cannot tell which Debian mirror apt uses"
mkdir -p "$cache"
tree=$(mktemp -d "$KAB_BUILD/host-rootfs.XXXXXX")
trap 'rm -rf "$tree"' EXIT
kab_say "debootstrap of bookworm with $(wc -w <<< "$packages") packages into $tree (once; cached as $cpio)"
debootstrap --variant=minbase --include="${packages// /,}" bookworm "$tree" "$mirror" >&2 ||
	kab_die "debootstrap failed (its log: $tree/debootstrap/debootstrap.log)"
# The headers and the kernel's own packages they need come from the suite
# that serves the release (bookworm-security, say), which debootstrap does
# not read: the machine's apt downloads them.
mkdir -p "$tree/tmp/kernel-debs"
kernel_debs=("$headers" $(apt-cache depends "$headers" | awk '$1 == "Depends:" && $2 ~ /^linux-/ { print $2 }'))
(cd "$tree/tmp/kernel-debs" && apt-get download "${kernel_debs[@]}" >&2) ||
	kab_die "apt-get download ${kernel_debs[*]} failed"
chroot "$tree" sh -c 'dpkg -i /tmp/kernel-debs/*.deb' >&2 ||
	kab_die "installing ${kernel_debs[*]} into the root filesystem failed"
rm -rf "$tree/tmp/kernel-debs"
# What a booted system no longer needs, and would only make the cpio larger.
rm -rf "$tree"/var/cache/apt/archives/*.deb "$tree"/var/lib/apt/lists/* \
	"$tree"/usr/share/doc "$tree"/usr/share/man "$tree"/usr/share/locale
(cd "$tree" && find . | cpio -o -H newc --quiet) > "$cpio.tmp"
mv "$cpio.tmp" "$cpio"
echo "$cpio"
