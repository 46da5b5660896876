#!/usr/bin/env bash
# build-tlbsim.sh: the simulated MMU ready to load: bookworm-backports' QEMU
# and the plugin header (scripts/fetch-qemu.sh), then the plugin itself,
# build/tlbsim/libkabtlb.so.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

"$KAB_ROOT/scripts/fetch-qemu.sh"
. "$KAB_BUILD/qemu/tlbsim.env"
make -s -C "$KAB_ROOT/tlbsim" BUILD="$KAB_BUILD/tlbsim" \
	QEMU_PLUGIN_INCLUDE="$KAB_SIM_PLUGIN_INCLUDE" plugin >&2 ||
	kab_die "building the simulated MMU's plugin failed"
