#!/usr/bin/env bash
# build-module.sh NAME: build bench-mod/ against kernel NAME's build tree
# (host: the running kernel's) in build/mod/RELEASE (a directory of links to
# the sources, so that one source tree serves every kernel) and print the
# path of the .ko. A kernel of another Debian release is built in that
# release's build root (scripts/build-root.sh).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

name=${1:?usage: build-module.sh NAME}
kab_kernel_env "$name"
out=$KAB_BUILD/mod/$KAB_KERNEL_RELEASE
mkdir -p "$out"
for src in "$KAB_ROOT"/bench-mod/*.[ch] "$KAB_ROOT"/bench-mod/Kbuild "$KAB_ROOT"/bench-mod/uapi; do
	ln -sfn "$src" "$out/"
done
# Drop links to sources that no longer exist.
find "$out" -maxdepth 1 -xtype l -delete
# 6.12's headers ship vmlinux for BTF; without pahole skip BTF for modules
# (a build root has pahole).
extra=()
[ -n "${KAB_KERNEL_SUITE:-}" ] || command -v pahole >/dev/null || extra+=(CONFIG_DEBUG_INFO_BTF_MODULES=)
kab_kernel_make -s M="$out" W=1 "${extra[@]}" modules >&2 ||
	kab_die "building bench-mod against $KAB_KERNEL_RELEASE failed"
echo "$out/kallocbench.ko"
