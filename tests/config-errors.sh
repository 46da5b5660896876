#!/usr/bin/env bash
# Bad input to the scripts meets a clear error: a bad kernel file names its
# file and line, an unknown kernel or mode lists what is known, a bad sweep
# stops the run before anything boots.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../scripts/lib.sh"
. "$here/lib.sh"

scratch=$(mktemp -d)
kernels=$KAB_ROOT/configs/kernels
trap 'rm -rf "$scratch" "$kernels/test-bad-line.conf" "$kernels/test-bad-key.conf"' EXIT

# expect_error NAME PATTERN COMMAND...: COMMAND fails and says PATTERN.
expect_error() {
	local name=$1 pattern=$2
	shift 2
	if "$@" > "$scratch/out" 2>&1; then
		kab_check "$name" false
	else
		kab_check "$name" grep -q -- "$pattern" "$scratch/out" ||
			cat "$scratch/out"
	fi
}

printf 'source = debian\nthis is not a key value line\n' > "$kernels/test-bad-line.conf"
expect_error "a malformed kernel file line names file:line" \
	"test-bad-line.conf:2: expected 'key = value'" \
	"$KAB_ROOT/scripts/fetch-kernel.sh" test-bad-line
printf '# comment\nsource = debian\nflavour = rt\n' > "$kernels/test-bad-key.conf"
expect_error "an unknown key in a kernel file names file:line and the known keys" \
	"test-bad-key.conf:3: unknown key 'flavour'" \
	"$KAB_ROOT/scripts/fetch-kernel.sh" test-bad-key
expect_error "an unknown kernel lists the known ones" \
	"known: .*debian-6.1" "$KAB_ROOT/scripts/fetch-kernel.sh" no-such-kernel
expect_error "an unknown MODE is refused" \
	"MODE must be auto, kvm, tcg or icount" "$KAB_ROOT/scripts/accel.sh" fast debian-6.1
[ -e /dev/kvm ] || expect_error "MODE=kvm without /dev/kvm says so" \
	"MODE=kvm needs a writable /dev/kvm" "$KAB_ROOT/scripts/accel.sh" kvm debian-6.1
printf '[sweep]\niterations = 10\n\n[g]\nallocators = kmalloc\nsizes = 64\ngfp = GFP_KERNEL|GFP_ATOMIC\npatterns = pair\n' > "$scratch/bad.conf"
expect_error "a bad sweep stops make bench before anything boots, with file:line" \
	"bad.conf:7:" env SWEEP="$scratch/bad.conf" MODE=icount "$KAB_ROOT/scripts/bench.sh"
# Make-line values are refused before anything is fetched or booted, each
# in a second or two.
for bad in MEMORY_MB=abc MEMORY_MB=100 CPUS=abc CPUS=0 NUMA=0 NUMA=9 TIMEOUT=abc TIMEOUT=-5 MODE=bogus; do
	started=$(date +%s)
	expect_error "make bench $bad is refused with the value named" \
		"${bad%%=*}=" env "$bad" "$KAB_ROOT/scripts/bench.sh"
	kab_check "make bench $bad is refused at once" \
		test $(($(date +%s) - started)) -le 5
done
expect_error "an unknown TLB_MODEL is refused before the guest boots, listing the known ones" \
	"unknown TLB model 'zen5' (known: skylake-sp zen4, or none)" \
	env TLB_MODEL=zen5 MODE=icount "$KAB_ROOT/scripts/bench.sh"
expect_error "make compare refuses a target's bad memory= before building anything" \
	"target 'debian-6.1+memory=abc': memory= takes" \
	env TARGETS="debian-6.1 debian-6.1+memory=abc" "$KAB_ROOT/scripts/compare.sh"
expect_error "make compare refuses an unknown kernel before building anything" \
	"target 'debian-9.9': no configs/kernels/debian-9.9.conf" \
	env TARGETS="debian-6.1 debian-9.9" "$KAB_ROOT/scripts/compare.sh"
expect_error "make compare refuses a target's bad cpus= before building anything" \
	"target 'debian-6.1+cpus=0': cpus= takes" \
	env TARGETS="debian-6.1 debian-6.1+cpus=0" "$KAB_ROOT/scripts/compare.sh"
expect_error "make compare refuses a target's bad numa= before building anything" \
	"target 'debian-6.1+numa=abc': numa= takes" \
	env TARGETS="debian-6.1 debian-6.1+numa=abc" "$KAB_ROOT/scripts/compare.sh"
# make facts parses its targets with the same kab_parse_target, all of them
# before the first boots.
started=$(date +%s)
expect_error "make facts refuses a later target's unknown kernel before booting the first" \
	"target 'debian-9.9': no configs/kernels/debian-9.9.conf" \
	env TARGETS="debian-6.1 debian-9.9" RESULTS="$scratch" "$KAB_ROOT/scripts/facts.sh"
kab_check "make facts refuses it at once" test $(($(date +%s) - started)) -le 5
expect_error "make facts refuses a target's bad memory= before booting" \
	"target 'debian-6.1+memory=100': memory= takes" \
	env TARGETS="debian-6.1+memory=100" RESULTS="$scratch" "$KAB_ROOT/scripts/facts.sh"
kab_test_summary config-errors
