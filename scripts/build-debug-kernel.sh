#!/usr/bin/env bash
# build-debug-kernel.sh BASE FRAGMENT: build the Debian kernel BASE
# (configs/kernels/BASE.conf, an amd64 Debian kernel) again from Debian's own
# linux-source package of the same version, configured as allnoconfig plus
# FRAGMENT (configs/debug-kernel.config: what the guest needs and the
# detectors), and print the built tree: its arch/x86/boot/bzImage is the
# image, the tree itself the build tree modules are built against.
#
# The tree is cached in build/kernels/debug-VERSION-HASH, HASH that of
# FRAGMENT's settings (its comments left out), so that a second run, in any
# checkout sharing the kernel cache, prints it at once; a lock keeps two
# checkouts from building it at the same time. The build runs at nice 19
# with two jobs (the machine's other work goes first); its log and time are
# build.log and build-seconds beside the tree.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

base=${1:?usage: build-debug-kernel.sh BASE FRAGMENT}
fragment=${2:?usage: build-debug-kernel.sh BASE FRAGMENT}
[ -r "$fragment" ] || kab_die "debug kernel: cannot read the configuration fragment $fragment"
"$KAB_ROOT/scripts/setup.sh" --debug-kernel
"$KAB_ROOT/scripts/fetch-kernel.sh" "$base"
. "$KAB_BUILD/kernels/$base.env"
[ "$KAB_KERNEL_ARCH" = amd64 ] && [ -z "$KAB_KERNEL_SUITE" ] ||
	kab_die "debug kernel: $base is not an amd64 kernel of the host's Debian release"

# Debian's linux-source-6.1 of version 6.1.192-3 is the source of every
# 6.1 kernel package of that version.
version=$KAB_KERNEL_VERSION
series=$(cut -d. -f1,2 <<< "$version")
source_pkg=linux-source-$series
settings() { grep -E '^(CONFIG_|# CONFIG_[A-Z0-9_]+ is not set)' "$fragment"; }
hash=$(settings | sha256sum | cut -c1-12)
dir=$KAB_BUILD/kernels/debug-$version-$hash
tree=$dir/$source_pkg

mkdir -p "$KAB_BUILD/kernels"
exec 8> "$dir.lock"
flock 8
if [ ! -f "$dir/.built" ]; then
	deb=$KAB_BUILD/cache/debs/${source_pkg}_${version}_all.deb
	if [ ! -f "$deb" ]; then
		kab_say "debug kernel: fetching $source_pkg $version"
		kab_download "$source_pkg $version" "$source_pkg=$version"
	fi
	rm -rf "$dir" && mkdir -p "$dir"
	kab_say "debug kernel: unpacking $source_pkg $version into $dir"
	dpkg-deb --fsys-tarfile "$deb" | tar -xO "./usr/src/$source_pkg.tar.xz" | tar -xJ -C "$dir"
	[ -f "$tree/Makefile" ] || kab_die "debug kernel: $deb holds no $source_pkg tree"
	kmake() { nice -n 19 make -C "$tree" ARCH=x86_64 "$@"; }
	kmake -s allnoconfig KCONFIG_ALLCONFIG="$(realpath "$fragment")"
	kmake -s olddefconfig
	# A setting whose dependencies are not met is dropped without a word.
	dropped=$(settings | while IFS= read -r line; do
		grep -qxF -- "$line" "$tree/.config" || echo "$line"
	done)
	[ -z "$dropped" ] ||
		kab_die "debug kernel: $fragment: these settings did not survive olddefconfig (a dependency is missing): $(echo $dropped)"
	kab_say "debug kernel: building $source_pkg $version (nice 19, 2 jobs; log $dir/build.log)"
	started=$(date +%s)
	# No module is configured, but `modules` writes the Module.symvers
	# that building one against the tree needs.
	kmake -j2 bzImage modules > "$dir/build.log" 2>&1 ||
		kab_die "debug kernel: the build failed; see $dir/build.log"
	echo $(($(date +%s) - started)) > "$dir/build-seconds"
	kab_say "debug kernel: built in $(cat "$dir/build-seconds") s"
	touch "$dir/.built"
fi
echo "$tree"
