#!/usr/bin/env bash
# Make sure every Debian package kallocbench needs is installed: install the
# missing ones when root, otherwise print the exact command and fail.
# setup.sh --tests adds what only `make test` needs; setup.sh --host leaves
# out what only a guest needs (QEMU, busybox, the simulated MMU's build),
# for `make bench MODE=host`; --debug-kernel adds what building a kernel
# from source needs; --list prints the packages instead.
# setup.sh --arch i386 adds what a 32-bit guest needs (called for kernels
# whose configs/kernels file says arch = i386): Debian's i386 architecture
# (multiarch, for apt-get download of i386 packages) and gcc -m32. A machine that
# never benchmarks a 32-bit kernel is left without multiarch.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

packages=(
	build-essential bc kmod libelf-dev dwarves sparse
	gnuplot-nox hyperfine
	libinih-dev libjansson-dev libcmocka-dev libpfm4-dev
)
guest_packages=(
	qemu-system-x86 busybox-static cpio
	# the simulated MMU's QEMU plugin (tlbsim/)
	libglib2.0-dev pkg-config
	# the build roots of Debian 13 and later kernels (scripts/build-root.sh)
	debootstrap
)
add_arch= host_only= list=
while [ $# -gt 0 ]; do
	case $1 in
	# python3 reads JSON in the tests; chromium opens the comparison
	# report; debootstrap builds the root filesystem of tests/host.sh.
	--tests) packages+=(python3 chromium debootstrap) ;;
	--host) host_only=1 ;;
	# The debug kernel's build from source (scripts/build-debug-kernel.sh).
	--debug-kernel) packages+=(flex bison xz-utils) ;;
	--list) list=1 ;;
	--arch)
		case ${2:-} in
		amd64) ;;
		# gcc -m32 (gcc-multilib) builds the guest's static runner.
		# busybox-static:i386 and the runner's i386 -dev packages are
		# downloaded and unpacked into build/ instead (scripts/
		# build-guest-runner.sh): installed, the first would replace
		# the host's busybox, and downloading needs no root.
		i386)
			packages+=(gcc-multilib)
			dpkg --print-foreign-architectures | grep -qx i386 || add_arch=i386
			;;
		*) kab_die "setup.sh: unknown architecture '${2:-}' (known: amd64 i386)" ;;
		esac
		shift
		;;
	*) kab_die "usage: setup.sh [--tests] [--host] [--debug-kernel] [--list] [--arch amd64|i386]" ;;
	esac
	shift
done
[ -n "$host_only" ] || packages+=("${guest_packages[@]}")
if [ -n "$list" ]; then
	echo "${packages[*]}"
	exit 0
fi

# A library installed for both architectures is listed twice: look for the
# one asked for (pkg:i386), or else the native or architecture-free one.
installed() {
	local arch='('$(dpkg --print-architecture)'|all)'
	[[ $1 != *:* ]] || arch=${1#*:}
	dpkg-query -W -f='${Status} ${Architecture}\n' "$1" 2>/dev/null |
		grep -qE "^install ok installed $arch\$"
}
missing=()
for pkg in "${packages[@]}"; do
	installed "$pkg" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && [ -z "$add_arch" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	kab_die "missing Debian packages; as root run:
    ${add_arch:+dpkg --add-architecture $add_arch && }apt-get update && apt-get install -y --no-install-recommends ${missing[*]}"
fi
export DEBIAN_FRONTEND=noninteractive
if [ -n "$add_arch" ]; then
	kab_say "adding Debian's $add_arch architecture (dpkg --add-architecture $add_arch)"
	dpkg --add-architecture "$add_arch"
fi
[ ${#missing[@]} -eq 0 ] || kab_say "installing missing Debian packages: ${missing[*]}"
# A mirror that fails one index (e.g. mid-sync) still serves the others;
# apt-get install below says what is really missing.
apt-get update -q >&2 || kab_say "apt-get update reported errors; going on with the lists it got"
[ ${#missing[@]} -eq 0 ] || apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
