#!/bin/sh
# End to end through the real binary, the module faked by fake_device.so:
# check, run (files and stream), collect back to the same files, summary,
# and SIGINT while a case is in flight.
# usage: end_to_end.sh KALLOCBENCH FAKE_DEVICE_SO
set -eu
bin=$1
fake=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
work=$(mktemp -d /tmp/kallocbench-e2e-XXXXXX)
trap 'rm -rf "$work"' EXIT

fail() {
	echo "end_to_end: FAILED: $*" >&2
	exit 1
}

cat >"$work/sweep.conf" <<'SWEEP'
[sweep]
iterations = 100
[small]
allocators = kmalloc
sizes = 64, kmalloc_max+1
gfp = GFP_KERNEL
patterns = pair batch
batch = 8
[pages]
allocators = alloc_pages
orders = max..max+1
gfp = GFP_ATOMIC
patterns = pair
SWEEP
: >"$work/dev"

"$bin" check "$work/sweep.conf" | grep -q ': 5 cases in 2 groups (2 kernel-dependent' ||
	fail "check count"

LD_PRELOAD=$fake "$bin" run --sweep "$work/sweep.conf" --out "$work/out" \
	--stream "$work/stream" --mode qemu-icount --config e2e \
	--device "$work/dev" 2>"$work/progress" || fail "run exited $?"
[ "$(wc -l <"$work/out/cases.csv")" -eq 7 ] || fail "cases.csv is not 6 rows"
[ "$(grep -c ',refused,' "$work/out/cases.csv")" -eq 3 ] ||
	fail "not 3 refused rows"
grep -q '^\[6/6\] alloc_pages order 11 GFP_ATOMIC pair: refused (EINVAL: beyond' \
	"$work/progress" || fail "progress line"
grep -q '"mode":"qemu-icount"' "$work/out/guest.json" || fail "guest.json"

# The host sees the stream with noise and a case cut off in flight.
printf 'console noise\ncases.csv\t7,1,kmal' >>"$work/stream"
"$bin" collect --serial "$work/stream" --out "$work/collected" \
	--fact accel=tcg --fact-file sweep="$work/sweep.conf" >"$work/collect.out" ||
	fail "collect exited $?"
for file in guest.json cases.csv histograms.csv; do
	cmp -s "$work/out/$file" "$work/collected/$file" ||
		fail "collected $file differs"
done
grep -q 'recovered 6 case rows' "$work/collect.out" || fail "collect count"
grep -q '"accel": "tcg"' "$work/collected/meta.json" || fail "meta.json"

"$bin" summary "$work/out" | grep -q 'mode qemu-icount, config e2e: 6 cases' ||
	fail "summary header"

FAKE_CASE_MS=400 LD_PRELOAD=$fake "$bin" run --sweep "$work/sweep.conf" \
	--out "$work/stopped" --device "$work/dev" 2>/dev/null &
pid=$!
sleep 0.6
kill -INT "$pid"
if wait "$pid"; then status=0; else status=$?; fi
[ "$status" -eq 130 ] || fail "interrupted run exited $status, not 130"
tail -n 1 "$work/stopped/cases.csv" | grep -q ',interrupted,EINTR$' ||
	fail "no interrupted row"

echo "end_to_end: passed"
