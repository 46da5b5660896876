#!/usr/bin/env bash
# The A/A test: `make compare` of debian-6.1 against debian-6.1 with
# init_on_alloc=1, a word its config already sets, in icount mode, three
# boots each. Every figure moves only with the boot layout, so the
# comparison must mark no change; the report must show the spread it was
# calibrated against and give no interval it did not measure.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../scripts/lib.sh"
. "$here/lib.sh"

results=$KAB_BUILD/test-aa
rm -rf "$results"
mkdir -p "$results"
out=$results/aa
base=debian-6.1 same=debian-6.1+init_on_alloc=1

started=$(date +%s)
kab_check "make compare of $base against $same completes" \
	env RESULTS="$results" COMPARE_ID=aa MODE=icount BOOTS=3 TIMEOUT=600 \
	SWEEP="$KAB_ROOT/tests/sweeps/aa.conf" TARGETS="$base $same" \
	"$KAB_ROOT/scripts/compare.sh" > "$results/compare.log" 2>&1
kab_say "make compare took $(($(date +%s) - started)) s"

csv=$out/compare.csv
# values NAME...: the named columns of compare.csv's rows, comma-joined.
values() {
	kab_select "$csv" "$@" | tr '\t' ,
}
# rows_of SOURCE: how many figures of cases.csv or access.csv were compared.
rows_of() { values source | grep -cx "$1"; }
# all_rows_are TEXT NAME...: every row's named columns read TEXT, and there
# are rows.
all_rows_are() {
	local expected=$1
	shift
	[ "$(values "$@" | wc -l)" -gt 0 ] && [ -z "$(values "$@" | grep -vxF "$expected")" ]
}
kab_check "both cases.csv and access.csv were compared" \
	test "$(rows_of cases)" -gt 30 -a "$(rows_of access)" -ge 12
kab_check "every figure was judged on three boots a side" \
	all_rows_are "3,3,boot spread (icount)" baseline_n candidate_n method
kab_check "the A/A comparison marks no change" all_rows_are same verdict
kab_check "the report says no figure changed" \
	grep -qE '^[0-9]+ distinct figures compared, in instructions .*: 0 slower, 0 faster, [0-9]+ the same, 0 unknown' "$out/report.md"
kab_check "the report shows both targets' boot-layout spread" sh -c "
	grep -q '^## Boot-layout spread (A/A)' '$out/report.md' &&
	[ \$(grep -cE '^\\| debian-6\\.1[^|]* \\| 3 \\| [0-9]+ of [0-9]+ \\|' '$out/report.md') -eq 2 ]"
kab_check "no report line calls an interval 95% in icount" \
	sh -c "! grep -q '95%' '$out/report.md'"
# The spread the verdicts were calibrated against, for the log.
kab_select "$csv" baseline_spread allocator size_bytes order metric |
	awk -F'\t' '$1 > max { max = $1; what = $2 " " $3 $4 " " $5 }
	END { printf "largest boot-layout spread of %s: %.2f%% (%s)\n", b, 100 * max, what }' b="$base"

if [ "$kab_failed" -ne 0 ]; then
	echo "--- compare log (tail) ---"
	tail -n 30 "$results/compare.log"
fi
kab_test_summary aa
