#!/usr/bin/env bash
# The comparison test: `make compare` on three targets in icount mode
# (debian-6.1 with init_on_alloc=1 and =0, and debian-6.12, two boots each),
# then assert on what the real kernels measured, on a target compared with
# itself, and on the report as headless Chromium renders it. tests/aa.sh is
# the A/A comparison of two targets.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../scripts/lib.sh"
. "$here/lib.sh"

results=$KAB_BUILD/test-compare
rm -rf "$results"
mkdir -p "$results"
out=$results/compare
on=debian-6.1+init_on_alloc=1 off=debian-6.1+init_on_alloc=0 new=debian-6.12

started=$(date +%s)
kab_check "make compare on $on, $off and $new completes" \
	env RESULTS="$results" COMPARE_ID=compare MODE=icount SWEEP=compare BOOTS=2 TIMEOUT=900 \
	TARGETS="$on $off $new" "$KAB_ROOT/scripts/compare.sh" \
	> "$results/compare.log" 2>&1
kab_say "make compare took $(($(date +%s) - started)) s"

for run in "$out"/runs/*/seed-*/; do
	kab_check "console of ${run#"$out"/runs/} has no kernel report (WARN, BUG, Oops, lockdep, OOM, ...)" \
		kab_console_clean "$run/console.log"
done
kab_check "6.12 built the module, booted and completed the sweep" sh -c "
	grep -q '\"release\": \"6.12' '$out/runs/$new/seed-1/meta.json' &&
	[ \$(grep -c ',ok,' '$out/runs/$new/seed-1/cases.csv') -eq \$(tail -n +2 '$out/runs/$new/seed-1/cases.csv' | wc -l) ] &&
	[ \$(tail -n +2 '$out/runs/$new/seed-1/cases.csv' | wc -l) -gt 30 ]"

# ratio CANDIDATE ALLOCATOR SIZE: pair_ns_amortized ratio of the case.
ratio() {
	kab_select "$out/compare.csv" ratio verdict --where candidate="$1" --where allocator="$2" \
		--where size_bytes="$3" --where metric=pair_ns_amortized | tr '\t' :
}
# init_on_alloc=1 zeroes every kmalloc; kzalloc zeroes either way.
for size in 4096 16384 65536; do
	kmalloc=$(ratio "$off" kmalloc $size) kzalloc=$(ratio "$off" kzalloc $size)
	kab_check "kmalloc($size) costs more with init_on_alloc=1 and is marked ($kmalloc), kzalloc changes much less ($kzalloc)" \
		awk -v k="$kmalloc" -v z="$kzalloc" 'BEGIN {
			split(k, kv, ":"); split(z, zv, ":")
			dk = 1 - kv[1]; dz = zv[1] - 1; if (dz < 0) dz = -dz
			exit !(kv[2] == "faster" && kv[1] < 0.9 && dz * 3 < dk) }'
done
kab_check "the report says the rep-string share was not measured (compare.conf has no tlb_model)" \
	grep -q "Rep-string share was not measured" "$out/report.md"
kab_check "the report marks the kmalloc changes" \
	grep -q "^| kmalloc 4K GFP\\\\_KERNEL process pair | amortized alloc+free | .* | faster |" "$out/report.md"

self=$results/self
on_boots=$out/runs/$on/seed-1,$out/runs/$on/seed-2
kab_check "a target compared with itself: ratio 1 everywhere, nothing marked" sh -c "
	'$KAB_BUILD/runner/kallocbench' compare --out '$self' '$on_boots' '$on_boots' 2>/dev/null &&
	[ \$(tail -n +2 '$self/compare.csv' | wc -l) -gt 100 ] &&
	! tail -n +2 '$self/compare.csv' | grep -vE ',1\.0000,[0-9.]+,[0-9.]+,[0-9.]+,boot spread \(icount\),same(,[0-9.]*){3}\$'"

kab_check "index.html is self-contained: tables and inline SVG, nothing fetched" sh -c "
	grep -q '<table>' '$out/index.html' && grep -q '<svg' '$out/index.html' &&
	! grep -qE '<(link|script|img)|src=' '$out/index.html'"

chromium=$(command -v chromium || true)
if [ -z "$chromium" ]; then
	kab_check "chromium is installed (scripts/setup.sh --tests)" false
else
	shot=$results/report.png
	"$chromium" --headless --no-sandbox --disable-gpu --hide-scrollbars \
		--enable-logging=stderr --v=0 --window-size=1280,2400 \
		--screenshot="$shot" "file://$out/index.html" \
		> "$results/chromium.log" 2>&1
	"$chromium" --headless --no-sandbox --disable-gpu --dump-dom \
		"file://$out/index.html" > "$results/dom.html" 2>> "$results/chromium.log"
	kab_check "Chromium renders the report without console errors" \
		sh -c "! grep -E 'CONSOLE|Failed to load|Uncaught' '$results/chromium.log'"
	kab_check "the rendered page holds the tables and a plot" sh -c "
		[ \$(grep -o '<table>' '$results/dom.html' | wc -l) -ge 3 ] &&
		grep -q '<svg' '$results/dom.html'"
	# A blank 1280x2400 page compresses to a few KiB; text and plots do not.
	kab_check "the screenshot is not blank" \
		sh -c "[ \$(stat -c %s '$shot' 2>/dev/null || echo 0) -gt 60000 ]"
fi

kab_test_summary compare
