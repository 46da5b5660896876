#!/usr/bin/env bash
# fetch-kernel.sh NAME: make the kernel described by configs/kernels/NAME.conf
# ready to boot and to build modules against, and describe it in
# build/kernels/NAME.env for the other scripts.
#
# A Debian kernel is resolved from its (meta) package to a concrete release,
# downloaded with apt-get download into build/cache/debs and unpacked with
# dpkg-deb -x into build/kernels/RELEASE; a second run reuses both. A local
# kernel names its bzImage and build tree. A debian-source kernel is built
# from Debian's linux-source package of kernel BASE's version with the
# configuration fragment configs/CONFIG (scripts/build-debug-kernel.sh: the
# debug kernel of `make debug-test`).
#
# suite = SUITE (e.g. trixie-backports, sid, experimental) resolves and
# downloads through a private apt configuration of that Debian suite under
# build/apt/SUITE (scripts/lib.sh kab_apt_suite), never the system's sources;
# without it the host's own suites (bookworm) are used. Debian 13's 6.16 and
# later split linux-image-RELEASE into linux-binary-RELEASE (the bzImage)
# and linux-modules-RELEASE: the guest loads no module but ours, so only
# the first is fetched.
#
# arch = i386 (a 32-bit kernel, e.g. 686-pae) fetches the image and headers of
# that architecture through Debian multiarch (scripts/setup.sh --arch i386)
# and the host's own linux-kbuild, whose tools run here and read 32-bit
# objects as well.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

name=${1:?usage: fetch-kernel.sh NAME}
conf=$KAB_ROOT/configs/kernels/$name.conf
[ -f "$conf" ] || kab_die "no kernel '$name': $conf does not exist (known: $(cd "$KAB_ROOT/configs/kernels" && ls *.conf | sed 's/\.conf$//' | tr '\n' ' '))"
# make test's two lanes (tests/lanes.sh) may fetch one kernel at once.
mkdir -p "$KAB_BUILD/kernels"
exec 7> "$KAB_BUILD/kernels/.fetch-$name.lock"
flock 7
KAB_CONF_package= KAB_CONF_image= KAB_CONF_build= KAB_CONF_cmdline= KAB_CONF_suite=
KAB_CONF_base= KAB_CONF_config=
KAB_CONF_qemu=qemu-system-x86_64 KAB_CONF_memory_mb=2048 KAB_CONF_arch=amd64
kab_read_conf "$conf" description source package suite image build qemu cmdline memory_mb arch \
	base config
arch=$KAB_CONF_arch
case $arch in
amd64) qual= ;;
i386) qual=:i386 ;;
*) kab_die "$conf: unknown arch '$arch' (known: amd64 i386)" ;;
esac
[ "$arch" = amd64 ] || "$KAB_ROOT/scripts/setup.sh" --arch "$arch"
suite=$KAB_CONF_suite
KAB_APT=()
[ -z "$suite" ] || kab_apt_suite "$suite"

# depends_on PACKAGE PATTERN: the first dependency of PACKAGE matching
# PATTERN, without the architecture apt shows for a foreign one
# ("<linux-headers-6.1.0-50-common:i386>" is linux-headers-6.1.0-50-common).
depends_on() {
	apt-cache "${KAB_APT[@]}" depends "$1" 2>/dev/null |
		awk -v pat="$2" '$1 == "Depends:" { gsub(/[<>]/, "", $2); sub(/:.*/, "", $2) }
			$1 == "Depends:" && $2 ~ pat { print $2; exit }'
}

candidate_version() {
	apt-cache "${KAB_APT[@]}" policy "$1" 2>/dev/null | awk '$1 == "Candidate:" { print $2 }'
}

fetch_debian() {
	local pkg=$KAB_CONF_package concrete
	[ -n "$pkg" ] || kab_die "$conf: source = debian needs 'package = linux-image-...'"
	known_to_apt() {
		local version
		version=$(candidate_version "$1")
		[ -n "$version" ] && [ "$version" != "(none)" ]
	}
	# A fresh machine may have no package lists yet.
	if [ -z "$suite" ] && ! known_to_apt "$pkg$qual" && [ "$(id -u)" -eq 0 ]; then
		kab_say "apt does not know $pkg yet: running apt-get update"
		apt-get update -q >&2 || true
	fi
	known_to_apt "$pkg$qual" ||
		kab_die "$conf: Debian package '$pkg' is unknown to apt${suite:+ in $suite}; as root run 'apt-get update' (for i386 kernels also 'dpkg --add-architecture i386')"
	concrete=$(depends_on "$pkg$qual" '^linux-image-[0-9]')
	[ -n "$concrete" ] || concrete=$pkg
	release=${concrete#linux-image-}
	release=${release%-unsigned}
	# The split layout: the image package only depends on the bzImage's.
	local binary
	binary=$(depends_on "$concrete$qual" "^linux-binary-")
	[ -z "$binary" ] || concrete=$binary
	local headers=linux-headers-$release
	local common kbuild
	common=$(depends_on "$headers$qual" '^linux-headers-.*-common')
	kbuild=$(depends_on "$headers$qual" '^linux-kbuild-')
	[ -n "$common" ] && [ -n "$kbuild" ] ||
		kab_die "cannot resolve the headers of $release ($headers)"

	root=$KAB_BUILD/kernels/$release
	if [ ! -f "$root/.unpacked" ]; then
		local debs=$KAB_BUILD/cache/debs
		kab_say "fetching kernel $release: $concrete $headers $common $kbuild"
		# -common has no architecture; kbuild is the host's. apt-get
		# says nothing when every file is already there.
		kab_download "$release" "$concrete$qual" "$headers$qual" "$common" "$kbuild"
		rm -rf "$root" && mkdir -p "$root"
		local deb
		for deb in "$debs/${concrete}_"*.deb "$debs/${headers}_"*.deb \
			   "$debs/${common}_"*.deb "$debs/${kbuild}_"*.deb; do
			dpkg-deb -x "$deb" "$root"
		done
		touch "$root/.unpacked"
	fi
	# The headers' Makefile includes the -common tree by absolute path, and
	# 6.16 and later also name their own tree so (KBUILD_OUTPUT): both
	# point into the kernel cache by its real path, the same for every
	# checkout that shares it and inside a build root (kab_kernel_make).
	local real
	real=$(realpath "$root")
	sed -i -e "s#^include .*/usr/src/#include $real/usr/src/#" \
		-e "s#^KBUILD_OUTPUT=.*/usr/src/#KBUILD_OUTPUT=$real/usr/src/#" \
		"$root/usr/src/$headers/Makefile"
	# The split layout keeps the bzImage under /usr/lib/modules.
	image=$root/boot/vmlinuz-$release
	[ -f "$image" ] || image=$root/usr/lib/modules/$release/vmlinuz
	[ -f "$image" ] || kab_die "$concrete has no bzImage of $release"
	build=$root/usr/src/$headers
	pkg_version=$(dpkg-deb -f "$(ls "$KAB_BUILD"/cache/debs/"${concrete}"_*.deb | tail -n 1)" Version)
}

fetch_local() {
	image=$KAB_CONF_image build=$KAB_CONF_build
	[ -r "$image" ] || kab_die "$conf: image '$image' is not readable"
	[ -f "$build/Makefile" ] || kab_die "$conf: build '$build' is not a kernel build tree (no Makefile)"
	release=$(make -s -C "$build" kernelrelease 2>/dev/null) ||
		kab_die "$conf: cannot read the kernel release of $build"
	pkg_version=local suite=
}

fetch_debian_source() {
	[ -n "$KAB_CONF_base" ] && [ -n "$KAB_CONF_config" ] ||
		kab_die "$conf: source = debian-source needs 'base = KERNEL' and 'config = FRAGMENT'"
	build=$("$KAB_ROOT/scripts/build-debug-kernel.sh" "$KAB_CONF_base" \
		"$KAB_ROOT/configs/$KAB_CONF_config") || exit
	image=$build/arch/x86/boot/bzImage
	release=$(make -s -C "$build" kernelrelease)
	pkg_version=$(. "$KAB_BUILD/kernels/$KAB_CONF_base.env" && echo "$KAB_KERNEL_VERSION")
}

case ${KAB_CONF_source:-} in
debian) fetch_debian ;;
debian-source) fetch_debian_source ;;
local) fetch_local ;;
*) kab_die "$conf: 'source' must be debian, debian-source or local" ;;
esac

cat > "$KAB_BUILD/kernels/$name.env" <<ENV
KAB_KERNEL_NAME='$name'
KAB_KERNEL_RELEASE='$release'
KAB_KERNEL_VERSION='$pkg_version'
KAB_KERNEL_SUITE='$suite'
KAB_KERNEL_IMAGE='$image'
KAB_KERNEL_BUILD='$build'
KAB_KERNEL_QEMU='$KAB_CONF_qemu'
KAB_KERNEL_CMDLINE='$KAB_CONF_cmdline'
KAB_KERNEL_MEMORY_MB='$KAB_CONF_memory_mb'
KAB_KERNEL_ARCH='$arch'
ENV
kab_say "kernel $name: $release ($pkg_version${suite:+ from $suite})"
