#!/usr/bin/env bash
# The access benchmark in plain TCG mode: a random walk over a 16 MiB vmalloc
# buffer costs more per page than one touch per page in address order, and
# more per touch than a sequential walk; hyperfine in the guest records the
# spread between separate invocations. Not in icount mode: there virtual
# time counts instructions, and the pointer chase takes fewer instructions
# per touch than the in-order walks (4 against 11 virtual ns per page on
# 6.1), so no TLB or cache miss can show.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../scripts/lib.sh"
. "$here/lib.sh"

kernel=${KERNEL:-debian-6.1}
results=$KAB_BUILD/test-results-access
rm -rf "$results"
mkdir -p "$results"

kab_check "the TCG boot on the access sweep completes" kab_test_boot "$results" tcg \
	tcg "$kernel" "$here/sweeps/access-tcg.conf" 600
run=$results/tcg

# median PATTERN COLUMN: the median of COLUMN over the pattern's repetitions.
median() {
	python3 -c '
import csv, statistics, sys
rows = [float(r[sys.argv[3]]) for r in csv.DictReader(open(sys.argv[1]))
        if r["pattern"] == sys.argv[2] and r["status"] == "ok"]
print(statistics.median(rows) if len(rows) == 3 else "")' "$run/access.csv" "$1" "$2"
}
more() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a != "" && b != "" && a + 0 > b + 0) }'; }
random_page=$(median random access_ns_per_page)
in_order_page=$(median per_page access_ns_per_page)
kab_check "vmalloc(16 MiB): random costs more per page than per_page ($random_page > $in_order_page ns)" \
	more "$random_page" "$in_order_page"
random_touch=$(median random access_ns_per_touch)
sequential_touch=$(median sequential access_ns_per_touch)
kab_check "vmalloc(16 MiB): random costs more per touch than sequential ($random_touch > $sequential_touch ns)" \
	more "$random_touch" "$sequential_touch"
# hyperfine, in the guest, timed `kallocbench access` across invocations.
spread_ok() {
	python3 -c '
import csv, json, sys
run = sys.argv[1]
rows = list(csv.DictReader(open(run + "/hyperfine.csv")))
lines = [json.loads(l) for l in open(run + "/hyperfine.json") if l.strip()]
ok = len(rows) == 3 and all(r["status"] == "ok" and r["runs"] == "5" and
                            0 < float(r["min_us"]) <= float(r["mean_us"]) <= float(r["max_us"]) and
                            float(r["stddev_us"]) >= 0 for r in rows)
ok = ok and len(lines) == 3 and all(len(l["times"]) == 5 and "access --allocator vmalloc" in l["command"]
                                    for l in lines)
sys.exit(not ok)' "$1"
}
kab_check "hyperfine.csv and hyperfine.json hold 5 timed runs for each pattern" \
	spread_ok "$run"
kab_check "the progress lines show hyperfine's mean and spread" \
	grep -q 'hyperfine, 5 runs: [0-9]* us +- [0-9]*' "$results/tcg.log"
kab_check "the TCG console has no WARN, BUG, Oops or atomic-sleep splat" \
	kab_console_clean "$run/console.log"

kab_test_finish access "$results" tcg
