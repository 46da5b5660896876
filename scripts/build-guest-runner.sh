#!/usr/bin/env bash
# build-guest-runner.sh ARCH: build the runner the guest runs, for a guest of
# ARCH. amd64 is the host's own build (build/runner). i386 downloads
# busybox-static and the runner's -dev packages for i386 (apt-get download,
# via Debian multiarch: scripts/setup.sh --arch i386) into build/cache/debs,
# unpacks them into build/guest/i386 and builds a static runner with
# gcc -m32 into build/runner-i386: static, because an amd64 host need not run
# 32-bit programs (no IA32 emulation: "Exec format error"), so ldd cannot
# list a 32-bit program's libraries, and a static runner needs none in the
# guest. See kab_guest_paths in lib.sh for where things land.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

arch=${1:?usage: build-guest-runner.sh ARCH}
kab_guest_paths "$arch"
case $arch in
amd64)
	make -s -C "$KAB_ROOT/runner" BUILD="$KAB_BUILD/runner" >&2
	exit 0
	;;
esac

"$KAB_ROOT/scripts/setup.sh" --arch "$arch"
root=$KAB_BUILD/guest/$arch
packages=(busybox-static libinih-dev libjansson-dev libpfm4-dev)
stamp="${packages[*]}"
if [ "$(cat "$root/.unpacked" 2>/dev/null)" != "$stamp" ]; then
	debs=$KAB_BUILD/cache/debs
	kab_say "fetching the $arch guest's busybox and the runner's libraries: ${packages[*]}"
	kab_download "the $arch guest's packages" "${packages[@]/%/:$arch}"
	rm -rf "$root" && mkdir -p "$root"
	for pkg in "${packages[@]}"; do
		deb=$(ls "$debs/${pkg}_"*"_$arch.deb" | sort -V | tail -n 1)
		dpkg-deb -x "$deb" "$root"
	done
	echo "$stamp" > "$root/.unpacked"
fi
# The unpacked headers come first; libc is gcc-multilib's.
make -s -C "$KAB_ROOT/runner" BUILD="$KAB_BUILD/runner-$arch" CC="gcc -m32" \
	CFLAGS="-O2 -g -I$root/usr/include" \
	LDFLAGS="-static -L$root/usr/lib/i386-linux-gnu" >&2
