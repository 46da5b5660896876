#!/usr/bin/env bash
# The module builds against the kernel's headers with W=1 without a warning
# and passes sparse (make C=1).
set -euo pipefail
here=$(dirname "$0")
. "$here/../scripts/lib.sh"
. "$here/lib.sh"

kernel=${1:-debian-6.1}
"$KAB_ROOT/scripts/fetch-kernel.sh" "$kernel"
. "$KAB_BUILD/kernels/$kernel.env"
log=$(mktemp)
trap 'rm -f "$log"' EXIT

no_warnings() { ! grep -E 'warning:|error:' "$log"; }

# Force a full rebuild so every file is compiled (and checked) again.
rm -rf "$KAB_BUILD/mod/$KAB_KERNEL_RELEASE"
kab_check "module builds against $KAB_KERNEL_RELEASE" \
	sh -c "'$KAB_ROOT/scripts/build-module.sh' '$kernel' > /dev/null 2> '$log'"
kab_check "W=1 build has no warnings" no_warnings
out=$KAB_BUILD/mod/$KAB_KERNEL_RELEASE
kab_check "sparse (C=2) runs" \
	sh -c "make -s -C '$KAB_KERNEL_BUILD' M='$out' C=2 modules > '$log' 2>&1"
kab_check "sparse reports nothing" no_warnings
[ -s "$log" ] && cat "$log"
kab_test_summary module-build
