#!/usr/bin/env bash
# MODE=host refuses what it must before anything is built or loaded: a run
# without HOST_OK=1 or without root (saying what it would do to the
# machine), make-line values only a guest has, a memory cap above 500/1000
# and a CPU that is not online; and the make-line check accepts MODE=host.
# Each refusal comes within seconds and loads nothing. Runs on this
# machine's own kernel, so it never gets as far as loading the module
# (tests/host.sh does that inside a QEMU "host").
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../scripts/lib.sh"
. "$here/lib.sh"

scratch=$(mktemp -d)
chmod 755 "$scratch"
trap 'rm -rf "$scratch"' EXIT
results=$scratch/results

# refused NAME PATTERN VAR=VALUE...: bench.sh with VAR=VALUE... fails at
# once, says PATTERN, writes no results and leaves no module loaded.
refused() {
	local name=$1 pattern=$2 started
	shift 2
	started=$(date +%s)
	if env RESULTS="$results" "$@" "$KAB_ROOT/scripts/bench.sh" > "$scratch/out" 2>&1; then
		kab_check "$name" false
		return
	fi
	kab_check "$name" grep -qF -- "$pattern" "$scratch/out" || cat "$scratch/out"
	kab_check "$name: at once, nothing written or loaded" \
		test $(($(date +%s) - started)) -le 5 -a ! -e "$results" -a ! -e /sys/module/kallocbench
}

kab_check "the make-line check accepts MODE=host" \
	env MODE=host bash -c '. "$1"; kab_check_make_line' _ "$KAB_ROOT/scripts/lib.sh"
refused "without HOST_OK=1: refused" "MODE=host: needs HOST_OK=1 on the command line" MODE=host
refused "the refusal says the module goes into the running kernel" \
	"load kallocbench.ko into this kernel" MODE=host
refused "the refusal says memory is pinned and the buddy lists fragmented, and how much" \
	"pin memory and fragment the buddy lists: a fragmentation level may pin, and pressure = low hold," MODE=host
refused "the refusal says how to go ahead" "To go ahead, as root: make bench MODE=host HOST_OK=1" MODE=host
refused "HOST_OK=yes is not HOST_OK=1" "needs HOST_OK=1" MODE=host HOST_OK=yes
if command -v setpriv > /dev/null; then
	refused "not root: refused, HOST_OK=1 or not" "MODE=host: needs root" \
		setpriv --reuid=65534 --regid=65534 --clear-groups env MODE=host HOST_OK=1
fi
refused "MEMORY_MB is a guest's" "MODE=host: MEMORY_MB shapes a guest" MODE=host HOST_OK=1 MEMORY_MB=512
refused "BOOT_WORDS are a guest's" "MODE=host: BOOT_WORDS shapes a guest" MODE=host HOST_OK=1 BOOT_WORDS=seed=2
refused "the simulated MMU needs TCG" "TLB_MODEL=zen4: the simulated MMU needs QEMU's TCG" \
	MODE=host HOST_OK=1 TLB_MODEL=zen4
refused "a memory cap above 500/1000 is refused" "HOST_MEMORY_PERMILLE=900: expected a whole number" \
	MODE=host HOST_OK=1 HOST_MEMORY_PERMILLE=900
refused "a CPU that is not online is refused" "HOST_CPU=4096: no such online CPU" \
	MODE=host HOST_OK=1 HOST_CPU=4096
kab_check "make compare refuses the host as a target and says to compare its runs" \
	bash -c 'env RESULTS="$1" TARGETS="host debian-6.1" "$2" 2>&1 | grep -qF "make compare RUNS=" && [ ! -e "$1" ]' \
	_ "$results" "$KAB_ROOT/scripts/compare.sh"

# The CPU choice and the facts, on this machine.
(
	. "$KAB_ROOT/scripts/host.sh"
	kab_check "sysfs CPU lists expand" test "$(host_cpu_list 0-2,5 | tr '\n' ' ')" = "0 1 2 5 "
	last=$(host_cpu_list "$(cat /sys/devices/system/cpu/online)" | tail -n 1)
	isolated=$(cat /sys/devices/system/cpu/isolated)
	if [ -z "$isolated" ]; then
		kab_check "no isolated CPU: the last online one ($last)" test "$(host_choose_cpu)" = "$last"
	fi
	kab_check "HOST_CPU is taken as given" test "$(HOST_CPU=0 host_choose_cpu)" = 0
	host_memory_permille=100
	host_facts 0 2> "$scratch/facts.log"
	printf '%s\n' "${host_fact_args[@]}" > "$scratch/facts"
	for fact in host.cpu host.microcode host.governor host.smt host.numa_nodes host.thp \
		host.cmdline host.pinned_cpu host.cpu_isolated host.cpu_idle_percent host.memory_cap_permille; do
		kab_check "meta.json gets $fact" grep -q "^$fact=" "$scratch/facts"
	done
	kab_check "the pinned CPU is recorded" grep -qx "host.pinned_cpu=0" "$scratch/facts"
	kab_check "the THP mode is the one in force" \
		grep -qx "host.thp=$(sed -n 's/.*\[\(.*\)\].*/\1/p' /sys/kernel/mm/transparent_hugepage/enabled)" "$scratch/facts"
	kab_check "the idle share is a percentage" grep -qE '^host.cpu_idle_percent=([0-9]|[1-9][0-9]|100)$' "$scratch/facts"
	kab_test_summary host-refusal
)
