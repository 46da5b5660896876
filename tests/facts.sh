#!/usr/bin/env bash
# The facts test: `make facts` on the default kernel in QEMU (icount), with
# the guest probe ABI test, asserting each claim's measurement against the
# kernel's own constants (never hard-coded figures) and a clean console.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../scripts/lib.sh"
. "$here/lib.sh"

kernel=${KERNEL:-debian-6.1}
results=$KAB_BUILD/test-results/facts
rm -rf "$results"
mkdir -p "$results" "$KAB_BUILD/tests"
runner=$KAB_BUILD/runner/kallocbench

probe_test=$KAB_BUILD/tests/probe_test
kab_build_guest_test probe_test -lcmocka

# Outside a guest the leak is refused: run on the host without the module.
host=$results/host
"$runner" facts --device /nonexistent --out "$host" > "$results/host.out" 2>&1
kab_check "on the host, facts refuses the leak (no KAB_MODE=) and says why" \
	grep -q '| 11 | .* | not measured | refused outside a kallocbench guest' "$host/facts.md"
kab_check "without the module, module rows say why instead of a figure" \
	grep -q '| 3 | .* | not measured | the kmalloc_max probe failed: ENODEV' "$host/facts.md"

# The vmalloc probe allocates and zeroes about twice the guest's memory
# in all, doubling up to nearly all of it: some 5e9 instructions, minutes
# under TCG on a loaded host.
kab_check "make facts on $kernel completes" \
	env RESULTS="$results" FACTS_ID=test TARGETS="$kernel" MODE=icount \
	TIMEOUT=900 GUEST_TESTS="$probe_test" \
	"$KAB_ROOT/scripts/facts.sh" > "$results/facts.log" 2>&1
dir=$results/facts-test/$kernel
json=$dir/facts.json

# measured EXPRESSION: a Python expression over m (facts.json's "measured")
# and rows (its rows by claim) that must be true.
measured() {
	python3 -c '
import json, sys
f = json.loads(open(sys.argv[1]).readline())
m = f["measured"]
rows = {r["claim"]: r for r in f["rows"]}
sys.exit(0 if eval(sys.argv[2]) else 1)' "$json" "$1" 2>/dev/null
}

kab_check "KMALLOC_MAX_SIZE equals the probed largest kmalloc, one byte more fails" \
	measured 'm["kmalloc_max_probed"] == m["kmalloc_max_size"] and m["kmalloc_max_next_failed"]'
kab_check "kmalloc(0) returns the kernel's ZERO_SIZE_PTR" \
	measured 'm["zero_size_ptr"] == m["zero_size_const"] != 0'
kab_check "kmalloc and alloc_pages buffers have no physical discontinuity" \
	measured 'all(b["discontinuities"] == 0 for b in m["buffers"] if b["allocator"] != "vmalloc" and "pages" in b) and sum(1 for b in m["buffers"] if b["allocator"] != "vmalloc" and "pages" in b) >= 6'
kab_check "a 4 MiB vmalloc buffer has at least one discontinuity" \
	measured 'any(b["allocator"] == "vmalloc" and b["size_bytes"] == 4 << 20 and b["discontinuities"] >= 1 for b in m["buffers"])'
kab_check "the vmalloc probe went up from 64 MiB: to a failure, its limit or its time budget, never past the limit" \
	measured 'm["vmalloc_tries"] >= 2 and 0 < m["vmalloc_max"] <= m["vmalloc_probe_limit"] and (m["vmalloc_failed"] > m["vmalloc_max"] or m["vmalloc_max"] == m["vmalloc_probe_limit"] or m["vmalloc_timed_out"])'
kab_check "claim 10 says what the vmalloc probe found" \
	measured '"largest vmalloc that succeeded" in rows["10"]["value"] and ("failed" in rows["10"]["value"])'
kab_check "the number of buddy orders matches the columns of /proc/buddyinfo" \
	measured 'm["buddy_columns"] == m["nr_page_orders"]'
kab_check "the leak is visible after the unload (SUnreclaim up by half of it at least)" \
	measured 'm["leak"]["sunreclaim_unloaded"] - m["leak"]["sunreclaim_before"] >= m["leak"]["bytes"] // 2'
kab_check "ksize.csv: ranges cover 1 .. KMALLOC_MAX_SIZE, every class >= every request in it, each class end checked" \
	python3 -c '
import csv, json, sys
m = json.loads(open(sys.argv[2]).readline())["measured"]
rows = list(csv.DictReader(open(sys.argv[1])))
expect = 1
for r in rows:
    lo, hi, c = int(r["request_from"]), int(r["request_to"]), int(r["class_bytes"])
    assert lo == expect and lo <= hi <= c and r["verified"] == "yes", r
    expect = hi + 1
assert expect - 1 == m["kmalloc_max_size"]' "$dir/ksize.csv" "$json"
kab_check "every claim is measured on the default kernel, none 'not measured'" \
	measured 'len(rows) >= 13 and all(r["verdict"] != "not measured" for r in rows.values())'
kab_check "verdicts follow the kernel: 3, 5, 8 and 11 hold" \
	measured 'all(rows[c]["verdict"] == "holds" for c in ("3", "5", "8", "11"))'
kab_check "the table was printed on the console" \
	grep -q "kallocbench facts: " "$dir/console.log"
kab_check "facts ran to the end (rc=0) and the module unloaded" \
	sh -c "grep -q 'KAB-FACTS rc=0' '$dir/console.log' && grep -q 'KAB-RMMOD rc=0' '$dir/console.log'"
kab_check "the guest probe ABI test passed" \
	grep -q "KAB-TEST probe_test rc=0" "$dir/console.log"
kab_check "console has no WARN, BUG, Oops or atomic-sleep splat" \
	kab_console_clean "$dir/console.log"
kab_check "collect wrote the facts files and meta.json, no cases.csv" \
	sh -c "for f in facts.json facts.md ksize.csv zones.csv meta.json; do [ -s '$dir/'\$f ] || exit 1; done; [ ! -e '$dir/cases.csv' ]"
kab_check "the side-by-side facts.md has every claim" \
	sh -c "[ \$(grep -c '^| [0-9]' '$results/facts-test/facts.md') -ge 13 ]"
for plot in ksize-waste "zones-$kernel"; do
	kab_check "plot $plot rendered as PNG and SVG" \
		test -s "$results/facts-test/plots/$plot.png" -a -s "$results/facts-test/plots/$plot.svg"
done

if [ "$kab_failed" -ne 0 ]; then
	echo "--- logs (tail) ---"
	tail -n 20 "$results/facts.log" "$dir/console.log" 2>/dev/null
fi
kab_test_summary facts
