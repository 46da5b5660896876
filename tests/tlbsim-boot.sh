#!/usr/bin/env bash
# The simulated MMU beside a run it could not watch. Under KVM the plugin
# sees nothing (the guest does not go through TCG), so bench.sh counts the
# models in a second boot of the same guest, in icount, and joins those
# counts to the run's rows; the tradeoff plots then draw the hardware's
# counts and, beside them, the models'. There is no KVM here: the run's
# boot is TCG, with the second boot asked for as under KVM
# (KAB_TLBSIM_SECOND_BOOT=1). Asserts, on tests/sweeps/tlbsim.conf and the
# default kernel:
#   - the run's own boot has no plugin, the second boot has it, in icount;
#   - meta.json says which boot counted the models, and lists them;
#   - every simulated count joined to cases.csv and access.csv is the one a
#     single icount boot with the plugin counts for the same case (icount
#     is deterministic), and a count changed on purpose is told apart;
#   - the plots: the simulated figure without the "times include the
#     model's cost" caveat (the timed boot had no plugin); with hardware
#     counts planted in a copy of the run (a KVM guest's, in the columns the
#     PMU fills: the generic dTLB-load-misses, then Intel's walk event too),
#     the hardware figure (its walks above, where counted) and the
#     simulated one beside it;
#   - every boot's console (the run's two, the reference's) is clean of
#     every kernel report.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../scripts/lib.sh"
. "$here/lib.sh"

kernel=${KERNEL:-debian-6.1}
results=$KAB_BUILD/test-results-tlbsim-boot
sweep=$here/sweeps/tlbsim.conf
rm -rf "$results"
mkdir -p "$results"

KAB_TLBSIM_SECOND_BOOT=1 TLB_MODEL= kab_check "a TCG run with the simulated MMU in a second boot completes" \
	kab_test_boot "$results" run tcg "$kernel" "$sweep" 900
TLB_MODEL= kab_check "the reference: one icount boot with the plugin completes" \
	kab_test_boot "$results" reference icount "$kernel" "$sweep" 600
run=$results/run reference=$results/reference

kab_check "the run's boot is TCG without the plugin" \
	sh -c "grep -q -- '-accel tcg' '$run/qemu-command' && ! grep -q -- '-plugin' '$run/qemu-command'"
kab_check "the second boot is icount with the plugin and both models" \
	sh -c "grep -q -- '-icount' '$run/tlbsim-boot/qemu-command' &&
		grep -qF -- 'libkabtlb.so\\,model=skylake-sp:zen4' '$run/tlbsim-boot/qemu-command'"

# meta RUN PATH: the meta.json value at PATH (keys joined by dots).
meta() {
	python3 -c 'import functools, json, sys
v = functools.reduce(lambda d, k: d[k], sys.argv[2].split("."), json.load(open(sys.argv[1])))
print(" ".join(m["name"] for m in v) if isinstance(v, list) else v)' "$1/meta.json" "$2" 2>/dev/null
}
kab_check "meta.json: mode qemu-tcg, the models counted in a second boot in qemu-icount" \
	test "$(meta "$run" mode)|$(meta "$run" tlbsim.boot)" = "qemu-tcg|a second boot, in qemu-icount (tlbsim-boot/)"
kab_check "meta.json: both models listed, skylake-sp joined" \
	test "$(meta "$run" tlbsim.models)|$(meta "$run" tlbsim.joined_model)" = "skylake-sp zen4|skylake-sp"
kab_check "the reference's meta.json: the models counted in the run's boot" \
	test "$(meta "$reference" tlbsim.boot)" = "the run's boot"

# edit_copy RUN COPY EDIT: RUN copied to COPY, and the Python EDIT applied
# to its M (meta.json) and A (access.csv's rows, dicts by column name).
edit_copy() {
	rm -rf "$2"
	cp -r "$1" "$2"
	python3 - "$2" "$3" <<'EOF'
import csv, json, os, sys
run, edit = sys.argv[1], sys.argv[2]
meta, access = os.path.join(run, "meta.json"), os.path.join(run, "access.csv")
M = json.load(open(meta))
with open(access) as f:
    reader = csv.DictReader(f)
    header, A = reader.fieldnames, list(reader)
exec(edit)
json.dump(M, open(meta, "w"), indent=2)
with open(access, "w", newline="") as f:
    writer = csv.DictWriter(f, header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(A)
EOF
}

# sim_columns RUN FILE: the case, its repetition and every simulated count
# of FILE's rows that ran, one row a line.
sim_columns() {
	local file=$1/$2
	kab_select --where status=ok "$file" case repetition $(kab_select --columns "$file" | grep 'sim_')
}
# same_sim_counts RUN OTHER FILE: FILE's simulated counts in both the same.
same_sim_counts() { cmp -s <(sim_columns "$1" "$3") <(sim_columns "$2" "$3"); }
differs() { ! same_sim_counts "$@"; }
# unjoined RUN FILE: how many of FILE's rows that ran have no simulated walks.
unjoined() {
	local column
	column=$(kab_select --columns "$1/$2" | grep -m1 'sim_walks$')
	[ -n "$column" ] || { echo "no sim_walks column"; return; }
	kab_select --where status=ok --where "$column=" "$1/$2" case | wc -l
}
for file in cases.csv access.csv; do
	rows=$(sim_columns "$run" "$file" | wc -l)
	kab_check "$file: each of the $rows rows that ran has its simulated counts" \
		test "$rows" -gt 0 -a "$(unjoined "$run" "$file")" = 0
	kab_check "$file: every simulated count is the one a single icount boot with the plugin counted" \
		same_sim_counts "$run" "$reference" "$file"
done
# The comparison can fail: one count changed in a copy of the reference.
changed=$results/changed
edit_copy "$reference" "$changed" '
r = next(r for r in A if r["status"] == "ok")
r["access_sim_walks"] = str(int(r["access_sim_walks"]) + 1)'
kab_check "the comparison tells a count changed by one apart" differs "$run" "$changed" access.csv

# svg_says RUN PLOT TEXT: the SVG of PLOT has TEXT (gnuplot writes each
# label's text into it).
svg_says() { grep -qF -- "$3" "$1/plots/$2.svg"; }
kab_check "the simulated figure is drawn, named as simulated" \
	svg_says "$run" tradeoff-tlb "simulated MMU"
kab_check "and without the caveat that times include the model's cost (the timed boot had no plugin)" \
	sh -c "! grep -qF 'own cost' '$run/plots/tradeoff-tlb.svg'"
kab_check "the plots say the models were counted in the second boot" \
	svg_says "$run" tradeoff-tlb "counted in a second boot"

# replot COPY EDIT: the run copied to COPY, EDIT applied, its plots drawn again.
replot() {
	edit_copy "$run" "$1" "$2" &&
		rm -rf "$1/plots" &&
		"$KAB_ROOT/scripts/plot.sh" "$1" > "$1.plot.log" 2>&1
}
# The caveat's check can fire: the same run, as if the plugin had watched
# its TCG boot, says that its times include the model's cost.
own_boot=$results/own-boot
kab_check "the same run redrawn as if its TCG boot had the plugin" \
	replot "$own_boot" 'M["tlbsim"]["boot"] = "the run'"'"'s boot"'
kab_check "says that its times include the model's cost (the caveat's check can fire)" \
	svg_says "$own_boot" tradeoff-tlb "own cost"
# Hardware counts as a KVM guest's PMU gives them, planted in each row that
# ran, in the counters' columns (which end before status; TCG has none of
# them): the generic event's (access_dTLB-load-misses), then also the
# CPU's own page-walk event, named in meta.json as the runner names it
# on Intel. The hardware figure first, the simulated one beside it.
plant_generic='
header.insert(header.index("status"), "access_dTLB-load-misses")
for r in A:
    if r["status"] == "ok":
        r["access_dTLB-load-misses"] = str(int(r["pages"]) * int(r["passes"]))'
plant_walks=$plant_generic'
walk = "DTLB_LOAD_MISSES:WALK_COMPLETED"
M["guest"]["counters"]["tlb_walks"] = {"asked": True, "pmu": "skx", "events": [
    {"role": "dtlb_load", "event": walk, "generic": "dTLB-load-misses", "cpus": "Intel"}]}
header.insert(header.index("status"), "access_" + walk)
for r in A:
    if r["status"] == "ok":
        r["access_" + walk] = r["access_sim_walks"]'
generic=$results/hardware-generic walks=$results/hardware-walks
kab_check "the same run redrawn with hardware dTLB-load-misses planted" \
	replot "$generic" "$plant_generic"
kab_check "its tradeoff-tlb is the hardware counters' figure" \
	svg_says "$generic" tradeoff-tlb "(hardware counters)"
kab_check "without a walk event counted, it has no row of hardware page walks" \
	sh -c "! grep -qF 'page walks (' '$generic/plots/tradeoff-tlb.svg'"
kab_check "tradeoff-tlb-sim beside it is the simulated MMU's, with both models" \
	svg_says "$generic" tradeoff-tlb-sim "simulated MMU (skylake-sp zen4; not a hardware counter)"
kab_check "the same run redrawn with Intel's walk event counted too" \
	replot "$walks" "$plant_walks"
kab_check "its tradeoff-tlb has a row of the walk event's page walks, above dTLB-load-misses" \
	svg_says "$walks" tradeoff-tlb "page walks (DTLB_LOAD_MISSES:WALK_COMPLETED)"
kab_check "the run itself, without hardware counts, has no tradeoff-tlb-sim (its tradeoff-tlb is the simulated figure)" \
	test ! -e "$run/plots/tradeoff-tlb-sim.svg"

for boot in "$run" "$run/tlbsim-boot" "$reference"; do
	kab_check "the console of ${boot#"$results"/} has no kernel report" kab_console_clean "$boot/console.log"
done
kab_test_finish tlbsim-boot "$results" run
