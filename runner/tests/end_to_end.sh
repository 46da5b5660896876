#!/bin/sh
# End to end through the real binary, the module faked by fake_device.so:
# check, run (files and stream), collect back to the same files, summary,
# refusals (labels, an earlier run's directory, another ABI), and SIGINT and
# SIGTERM while a case is in flight.
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

"$bin" check "$work/sweep.conf" | grep -q ': 6 cases in 2 groups (6 allocation, 0 access); kmalloc_max and max as on x86-64' ||
	fail "check count"

LD_PRELOAD=$fake "$bin" run --sweep "$work/sweep.conf" --out "$work/out" \
	--stream "$work/stream" --mode qemu-icount --config e2e \
	--device "$work/dev" 2>"$work/progress" || fail "run exited $?"
[ "$(wc -l <"$work/out/cases.csv")" -eq 7 ] || fail "cases.csv is not 6 rows"
[ "$(grep -c ',refused,' "$work/out/cases.csv")" -eq 3 ] ||
	fail "not 3 refused rows"
grep -q '^\[6/6\] \[pages\] alloc_pages order 11 GFP_ATOMIC pair: refused (EINVAL: beyond' \
	"$work/progress" || fail "progress line"
grep -q '"mode":"qemu-icount"' "$work/out/guest.json" || fail "guest.json"
grep -q '"sweep":{"description":null,"name":null,"path":"[^"]*sweep.conf"}' \
	"$work/out/guest.json" || fail "guest.json sweep"

# A second run into the same directory must not truncate the first.
cp "$work/out/cases.csv" "$work/cases.before"
if LD_PRELOAD=$fake "$bin" run --sweep "$work/sweep.conf" --out "$work/out" \
	--device "$work/dev" 2>"$work/err"; then status=0; else status=$?; fi
[ "$status" -eq 2 ] || fail "rerun into out exited $status, not 2"
grep -q 'already holds' "$work/err" || fail "rerun message"
cmp -s "$work/cases.before" "$work/out/cases.csv" || fail "rerun touched cases.csv"

# Labels that could break a row are refused before anything runs.
if "$bin" run --sweep "$work/sweep.conf" --out "$work/label" \
	--config 'a,b' 2>"$work/err"; then status=0; else status=$?; fi
[ "$status" -eq 2 ] || fail "comma label exited $status, not 2"
[ ! -e "$work/label" ] || fail "comma label created the output"

# A module of another ABI says so, for info and run alike.
for command in "info" "run --sweep $work/sweep.conf --out $work/abi"; do
	# shellcheck disable=SC2086 # the command's words
	if FAKE_ABI_VERSION=99 LD_PRELOAD=$fake "$bin" $command \
		--device "$work/dev" 2>"$work/err"; then status=0; else status=$?; fi
	[ "$status" -eq 1 ] || fail "$command on ABI 99 exited $status"
	grep -q 'the loaded module speaks ABI 99, this runner ABI [0-9]*: rebuild and reload the module' \
		"$work/err" || fail "$command: ABI message"
done

# The host sees the stream with noise and a case cut off in flight.
printf 'console noise\ncases.csv\t7,1,kmal' >>"$work/stream"
"$bin" collect --serial "$work/stream" --out "$work/collected" \
	--fact accel=tcg --fact-file sweep="$work/sweep.conf" >"$work/collect.out" ||
	fail "collect exited $?"
for file in guest.json cases.csv histograms.csv; do
	cmp -s "$work/out/$file" "$work/collected/$file" ||
		fail "collected $file differs"
done
grep -q 'collected 6 case rows' "$work/collect.out" || fail "collect count"
grep -q '"accel": "tcg"' "$work/collected/meta.json" || fail "meta.json"

"$bin" summary "$work/out" | grep -q 'mode qemu-icount, config e2e: 6 allocation cases' ||
	fail "summary header"

# A stop signal in flight: an interrupted row, flushed, exit 128+N.
for signal in INT:130 TERM:143; do
	name=${signal%:*}
	FAKE_CASE_MS=400 LD_PRELOAD=$fake "$bin" run --sweep "$work/sweep.conf" \
		--out "$work/stopped-$name" --device "$work/dev" 2>/dev/null &
	pid=$!
	sleep 0.6
	kill -"$name" "$pid"
	if wait "$pid"; then status=0; else status=$?; fi
	[ "$status" -eq "${signal#*:}" ] ||
		fail "SIG$name run exited $status, not ${signal#*:}"
	tail -n 1 "$work/stopped-$name/cases.csv" | grep -q ',interrupted,EINTR$' ||
		fail "SIG$name: no interrupted row"
	[ "$(wc -l <"$work/stopped-$name/cases.csv")" -eq 3 ] ||
		fail "SIG$name: not 1 finished and 1 interrupted row"
done

echo "end_to_end: passed"
