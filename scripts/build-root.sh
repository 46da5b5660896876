#!/usr/bin/env bash
# build-root.sh NAME: the build root in which modules for kernel NAME are
# built (a Debian kernel from another suite, `suite = ...` in its kernel
# file); prints its path.
#
# Why a build root: Debian 13 and later kernels are configured with their
# release's compiler (trixie's gcc 14, sid's gcc 16; CONFIG_CC_VERSION_TEXT),
# and their build flags (e.g. -fmin-function-alignment, the stack-protector
# and sanitizer options of newer Kconfig) are what that compiler accepts.
# Building with bookworm's gcc 12 would check the module with a compiler the
# kernel was never built with, and those gccs do not install on bookworm
# (they need a newer glibc). So the module is built in a minimal Debian root
# of the kernel's own release, made once with debootstrap under
# build/roots/RELEASE and entered with chroot (scripts/lib.sh
# kab_kernel_make): its gcc, make and sparse, and the kernel's own kbuild
# tools from build/kernels. Backports are built in their base release's root
# (trixie-backports: trixie), experimental in sid's. The .debs are kept in
# build/cache/debootstrap, so a second root, or a fresh one, downloads
# nothing again. Needs root (debootstrap, chroot).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

name=${1:?usage: build-root.sh NAME}
. "$KAB_BUILD/kernels/$name.env"
[ -n "${KAB_KERNEL_SUITE:-}" ] || kab_die "kernel $name is built with the host's compiler (no suite in its kernel file)"
[ "$(id -u)" -eq 0 ] || kab_die "the build root of $name needs root (debootstrap, chroot); run as root: scripts/build-root.sh $name"

base=$(kab_build_root_suite "$KAB_KERNEL_SUITE")
root=$(kab_build_root "$KAB_KERNEL_SUITE")
# The compiler the kernel was configured with: "x86_64-linux-gnu-gcc-14
# (Debian 14.2.0-19) 14.2.0" is Debian's gcc-14.
cc_text=$(sed -n 's/^CONFIG_CC_VERSION_TEXT="\(.*\)"$/\1/p' "$KAB_KERNEL_BUILD/.config")
compiler=${cc_text%% *}
compiler=${compiler#x86_64-linux-gnu-}
[[ $compiler == gcc-[0-9]* ]] || kab_die "$name was configured with '$cc_text', not a Debian gcc-N"
# make and libc6-dev for the module build, pahole for the modules' BTF
# (CONFIG_DEBUG_INFO_BTF_MODULES), perl for W=1's kernel-doc check (6.12's
# scripts/kernel-doc is Perl and needs Pod::Usage, which minbase lacks).
packages=(make libc6-dev pahole perl "$compiler")
# The checker: 6.15 and later headers use __typeof_unqual__ under
# __CHECKER__, which sparse 0.6.4 (bookworm's and trixie's) cannot parse;
# sid's 0.6.5~rc1 can. Every root runs sid's sparse as /usr/local/bin/sparse
# (kab_kernel_make passes CHECK): sid's root has the package, another root
# the binary unpacked from it (it needs only glibc 2.38).
checker_suite=sid
[ "$base" != "$checker_suite" ] || packages+=(sparse)

if [ ! -f "$root/.kab-root" ]; then
	command -v debootstrap >/dev/null || "$KAB_ROOT/scripts/setup.sh"
	mirror=$(kab_debian_mirror)
	cache=$KAB_BUILD/cache/debootstrap
	mkdir -p "$cache" "${root%/*}"
	rm -rf "$root"
	kab_say "making the $base build root for $name in $root (debootstrap, once)"
	debootstrap --variant=minbase --include="$(IFS=,; echo "${packages[*]}")" \
		--cache-dir="$cache" "$base" "$root" "$mirror" > "$root.log" 2>&1 ||
		kab_die "debootstrap of $base failed (see $root.log)"
	touch "$root/.kab-root"
fi
missing=()
for pkg in "${packages[@]}"; do
	chroot "$root" dpkg-query -W -f='${Status}\n' "$pkg" 2>/dev/null | grep -q '^install ok installed' ||
		missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
	kab_say "installing ${missing[*]} into the $base build root"
	chroot "$root" apt-get update -q > "$root.log" 2>&1 &&
		chroot "$root" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >> "$root.log" 2>&1 ||
		kab_die "installing ${missing[*]} into $root failed (see $root.log)"
fi
if [ ! -x "$root/usr/local/bin/sparse" ]; then
	if [ "$base" = "$checker_suite" ]; then
		ln -sfn /usr/bin/sparse "$root/usr/local/bin/sparse"
	else
		kab_apt_suite "$checker_suite"
		debs=$KAB_BUILD/cache/debs
		version=$(apt-cache "${KAB_APT[@]}" policy sparse | awk '$1 == "Candidate:" { print $2 }')
		(cd "$debs" && apt-get "${KAB_APT[@]}" download -q "sparse=$version" >&2) ||
			kab_die "apt-get download of $checker_suite's sparse failed"
		unpacked=$(mktemp -d)
		dpkg-deb -x "$(ls "$debs"/sparse_"${version#*:}"_*.deb)" "$unpacked"
		install -m 755 "$unpacked/usr/bin/sparse" "$root/usr/local/bin/sparse"
		rm -rf "$unpacked"
	fi
fi
have=$(chroot "$root" "x86_64-linux-gnu-$compiler" --version | head -n 1)
[ "$have" = "$cc_text" ] ||
	kab_say "note: $name was configured with '$cc_text'; its build root has '$have'"
echo "$root"
