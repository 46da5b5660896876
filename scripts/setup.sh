#!/usr/bin/env bash
# Make sure every Debian package kallocbench needs is installed: install the
# missing ones when root, otherwise print the exact command and fail.
# setup.sh --tests adds what only `make test` needs.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

packages=(
	build-essential bc kmod libelf-dev dwarves sparse
	qemu-system-x86 busybox-static cpio
	gnuplot-nox hyperfine
	libinih-dev libjansson-dev libcmocka-dev libpfm4-dev
)
# python3 reads JSON in the tests; chromium opens the comparison report.
[ "${1:-}" != --tests ] || packages+=(python3 chromium)

missing=()
for pkg in "${packages[@]}"; do
	status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
	[ "$status" = "install ok installed" ] || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	kab_die "missing Debian packages; as root run:
    apt-get update && apt-get install -y --no-install-recommends ${missing[*]}"
fi
kab_say "installing missing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >&2
apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
