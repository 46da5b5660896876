#!/usr/bin/env bash
# compare.sh: `make compare`. Runs one sweep on every target, then compares
# the runs case by case into RESULTS/COMPARE_ID: compare.csv, plots,
# report.md and a self-contained index.html.
#
# Environment: TARGETS ("KERNEL[+WORD...] ...", the first is the baseline) or
# RUNS (existing results folders, the first is the baseline; a target booted
# several times is its folders joined with commas); BOOTS (default 3: each
# target boots that many times with a dummy seed= word of another length each
# time, because in icount the figures are exact for one boot but move with
# the command line's bytes, and the verdicts are calibrated against that
# spread); SWEEP (default
# "compare"), MODE (default icount: reruns are exact and guests may share the
# host's cores without disturbing each other's figures), JOBS (guests at
# once; default: the host's cores under icount, 1 otherwise, because guests
# sharing cores slow each other's wall-clock figures), COMPARE_ID, RESULTS,
# TIMEOUT.
#
# A target's WORDs: memory=MIB and cpus=N set the guest's memory and CPUs;
# any other word (init_on_alloc=0, slub_debug=FZPU, nohugevmalloc, ...) goes
# on the guest kernel's command line. The words joined with "+" are the
# target's config label.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

results=${RESULTS:-$KAB_ROOT/results}
mode=${MODE:-icount}
sweep=${SWEEP:-compare}
runner=$KAB_BUILD/runner/kallocbench
started=$(date +%s)

[ -n "${TARGETS:-}${RUNS:-}" ] ||
	kab_die 'give TARGETS="debian-6.1 debian-6.12" (or debian-6.1+init_on_alloc=0, ...) or RUNS="results/A results/B"'
read -r -a targets <<< "${TARGETS:-}"
read -r -a runs <<< "${RUNS:-}"
boots=${BOOTS:-3}
[[ $boots =~ ^[1-9][0-9]*$ ]] || kab_die "BOOTS='$boots': give a number of boots, 1 or more"
[ ${#targets[@]} -eq 0 ] || [ ${#runs[@]} -eq 0 ] || kab_die "give TARGETS or RUNS, not both"
[ $((${#targets[@]} + ${#runs[@]})) -ge 2 ] || kab_die "a comparison needs at least two targets or runs"

# Every make-line value and every target's words are checked before
# anything is built or booted.
kab_check_make_line
for target in "${targets[@]}"; do
	# The host runs one kernel at a time: two of its kernels are two runs
	# with a reboot between them.
	[ "${target%%+*}" != host ] ||
		kab_die "target '$target': the running kernel is not a target that can be booted; run make bench MODE=host HOST_OK=1 on each kernel (a reboot between), then make compare RUNS=\"results/A results/B\""
	kab_parse_target "$target"
done

if [ ${#targets[@]} -gt 0 ]; then
	compare_id=${COMPARE_ID:-compare-$(date -u +%Y%m%d-%H%M%S)}
	out=$results/$compare_id
	mkdir -p "$out/runs" "$out/logs"
	# Everything the guests share is built once, before they start.
	"$KAB_ROOT/scripts/setup.sh"
	make -s -C "$KAB_ROOT/runner" BUILD="$KAB_BUILD/runner" >&2
	for target in "${targets[@]}"; do
		kab_parse_target "$target"
		"$KAB_ROOT/scripts/fetch-kernel.sh" "$KAB_TARGET_KERNEL"
		"$KAB_ROOT/scripts/build-module.sh" "$KAB_TARGET_KERNEL" > /dev/null
	done
	jobs=${JOBS:-1}
	[ -n "${JOBS:-}" ] || [ "$mode" != icount ] || jobs=$(nproc)
	kab_say "comparing ${targets[*]}: sweep $sweep, mode $mode, $boots boot(s) each, $jobs guest(s) at once; logs in $out/logs"

	pids=() labels=() sides=()
	for target in "${targets[@]}"; do
		kab_parse_target "$target"
		boot_words=("${KAB_TARGET_BOOT_WORDS[@]}")
		label=$KAB_TARGET_LABEL
		for boot in $(seq "$boots"); do
			run_label=$label/seed-$boot
			# The seed word's length differs from boot to boot (seed=1,
			# then 22 and 43 digits): where the command line's bytes shift
			# the guest's memory layout, the boots see it, and an A/A
			# pair's longer command line stays within their spread.
			seed=$(printf "%0$((1 + 21 * (boot - 1)))d" 0 | tr 0 "$((boot % 10))")
			while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n || true; done
			( KERNEL=$KAB_TARGET_KERNEL SWEEP=$sweep MODE=$mode CONFIG=$KAB_TARGET_CONFIG \
				BOOT_WORDS="${boot_words[*]}${boot_words[*]:+ }seed=$seed" \
				MEMORY_MB=$KAB_TARGET_MEMORY CPUS=$KAB_TARGET_CPUS NUMA=$KAB_TARGET_NUMA \
				RUN_ID=$run_label RESULTS=$out/runs \
				"$KAB_ROOT/scripts/bench.sh" > "$out/logs/$label-seed-$boot.log" 2>&1 ) &
			pids+=($!) labels+=("$run_label")
		done
		side=
		for boot in $(seq "$boots"); do side+=${side:+,}$out/runs/$label/seed-$boot; done
		sides+=("$side")
	done
	failed=0
	for i in "${!pids[@]}"; do
		if wait "${pids[$i]}"; then
			kab_say "${labels[$i]}: done"
		else
			kab_say "${labels[$i]}: failed; see $out/logs/${labels[$i]/\//-}.log"
			failed=1
		fi
	done
	[ "$failed" -eq 0 ] || kab_die "not every target completed; nothing compared (runs kept in $out/runs)"
	runs=("${sides[@]}")
	command="make compare TARGETS=\"${targets[*]}\" SWEEP=$sweep MODE=$mode BOOTS=$boots"
else
	compare_id=${COMPARE_ID:-compare-$(date -u +%Y%m%d-%H%M%S)}
	out=$results/$compare_id
	make -s -C "$KAB_ROOT/runner" BUILD="$KAB_BUILD/runner" >&2
	command="make compare RUNS=\"${runs[*]}\""
fi

"$runner" compare --out "$out" --command "$command" "${runs[@]}"
"$KAB_ROOT/scripts/compare-plots.sh" "$out"
"$runner" report "$out"
kab_say "report: $out/report.md and $out/index.html ($(($(date +%s) - started)) s)"
