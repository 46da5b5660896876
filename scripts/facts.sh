#!/usr/bin/env bash
# facts.sh: `make facts`. Boots every target in facts mode (KAB_FACTS=1 on the
# kernel command line: the guest runs `kallocbench facts` instead of a sweep)
# through bench.sh, collects each into results/facts-ID/TARGET/, then writes
# results/facts-ID/facts.md with the targets' rows side by side and plots the
# ksize waste and the zones of each buffer's pages.
#
# Environment: TARGETS ("KERNEL[+WORD...] ...", default KERNEL or
# debian-6.1; memory=MIB and cpus=N set the guest's memory and CPUs, other
# WORDs go on the kernel command line, e.g. debian-6.1+init_on_alloc=0 or
# debian-6.1+memory=8192: kab_parse_target in lib.sh), FACTS_ID, MODE (default icount), TIMEOUT (s, per
# target), RESULTS (default results/), GUEST_TESTS (programs to run in the
# guest afterwards).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

read -r -a targets <<< "${TARGETS:-${KERNEL:-debian-6.1}}"
[ ${#targets[@]} -gt 0 ] || kab_die "TARGETS is empty"
# Every target is checked before anything is written or booted.
for target in "${targets[@]}"; do kab_parse_target "$target"; done
id=${FACTS_ID:-$(date -u +%Y%m%d-%H%M%S)}
results=${RESULTS:-$KAB_ROOT/results}
out=$results/facts-$id
mkdir -p "$out"

failed=0 labels=()
for target in "${targets[@]}"; do
	kab_parse_target "$target"
	label=$KAB_TARGET_LABEL
	kab_say "facts of $target: $out/$label"
	if ! RESULTS=$out RUN_ID=$label KERNEL=$KAB_TARGET_KERNEL MODE=${MODE:-icount} \
		TIMEOUT=${TIMEOUT:-600} MEMORY_MB=$KAB_TARGET_MEMORY CPUS=$KAB_TARGET_CPUS NUMA=$KAB_TARGET_NUMA \
		CONFIG=$KAB_TARGET_CONFIG BOOT_WORDS="KAB_FACTS=1 ${KAB_TARGET_BOOT_WORDS[*]}" \
		"$KAB_ROOT/scripts/bench.sh" > "$out/$label.log" 2>&1; then
		kab_say "target $target failed; see $out/$label.log"
		failed=1
	fi
	[ -s "$out/$label/facts.json" ] && labels+=("$label")
done
rm -f "$out/latest"

[ ${#labels[@]} -gt 0 ] || kab_die "no target produced facts"
python3 "$KAB_ROOT/scripts/facts-merge.py" "$out" "${labels[@]}" > "$out/facts.md"
"$KAB_ROOT/scripts/facts-plots.sh" "$out" "${labels[@]}" || kab_say "plotting failed"
kab_say "facts: $out/facts.md"
[ "$failed" -eq 0 ] || kab_die "not every target completed"
