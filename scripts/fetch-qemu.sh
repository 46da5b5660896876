#!/usr/bin/env bash
# fetch-qemu.sh: the QEMU the simulated MMU and icount guests of several CPUs
# need, in build/qemu/VERSION, and build/qemu/tlbsim.env describing it for
# the other scripts.
#
# Debian 12's QEMU 7.2 cannot read guest registers or memory from a plugin;
# bookworm-backports' QEMU 10 can, and depends only on bookworm's
# libraries. Its .debs are downloaded through a private apt configuration
# (build/apt/bookworm-backports) and unpacked, never installed, so the
# system's QEMU stays as it is. The plugin header is in no binary package:
# it comes out of the same version's source tarball (only that file is
# kept).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

suite=bookworm-backports
env_file=$KAB_BUILD/qemu/tlbsim.env
if [ -f "$env_file" ]; then
	. "$env_file"
	[ -x "$KAB_SIM_QEMU" ] && [ -f "$KAB_SIM_PLUGIN_INCLUDE/qemu-plugin.h" ] && exit 0
fi

kab_apt_suite "$suite"
version=$(apt-cache "${KAB_APT[@]}" policy qemu-system-x86 |
	awk '$1 == "Candidate:" { print $2 }')
case $version in
1:1[0-9].*) ;;
*) kab_die "$suite offers qemu-system-x86 '$version', not QEMU 10 or later: the simulated MMU needs it (TLB_MODEL=none runs without)" ;;
esac
upstream=${version#1:}
upstream=${upstream%%+*}
root=$KAB_BUILD/qemu/$upstream
debs=$KAB_BUILD/cache/qemu
mkdir -p "$debs" "$root"
kab_say "fetching QEMU $version from $suite into $root"
(cd "$debs" && apt-get "${KAB_APT[@]}" download -q \
	"qemu-system-x86=$version" "qemu-system-common=$version" "qemu-system-data=$version" >&2) ||
	kab_die "apt-get download of QEMU $version failed"
for deb in "$debs"/qemu-system-{x86,common,data}_*"${version#1:}"*.deb; do
	dpkg-deb -x "$deb" "$root"
done
if [ ! -f "$root/include/qemu-plugin.h" ]; then
	# apt-get source fetches the orig tarball first, then fails on files
	# the backports mirror no longer has: the tarball is all we need.
	(cd "$debs" && apt-get "${KAB_APT[@]}" source --download-only -q "qemu=$version" \
		> "$debs/source.log" 2>&1) || true
	orig=$(ls "$debs"/qemu_"$upstream"*.orig.tar.* 2>/dev/null | head -n 1)
	[ -n "$orig" ] || kab_die "the source tarball of QEMU $version could not be downloaded (see $debs/source.log)"
	mkdir -p "$root/include"
	tar -xf "$orig" -O --wildcards '*/include/qemu/qemu-plugin.h' > "$root/include/qemu-plugin.h"
	[ -s "$root/include/qemu-plugin.h" ] || kab_die "$orig has no include/qemu/qemu-plugin.h"
fi
cat > "$env_file" <<ENV
KAB_SIM_QEMU='$root/usr/bin/qemu-system-x86_64'
KAB_SIM_QEMU_VERSION='$version'
KAB_SIM_QEMU_DATA='$root/usr/share/qemu'
KAB_SIM_QEMU_MODULES='$root/usr/lib/x86_64-linux-gnu/qemu'
KAB_SIM_PLUGIN_INCLUDE='$root/include'
ENV
kab_say "QEMU for the simulated MMU: $("$root/usr/bin/qemu-system-x86_64" --version | head -n 1)"
