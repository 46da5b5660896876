#!/usr/bin/env bash
# MODE=host end to end, as a user runs it, on a kernel that may take a
# module: a small Debian 12 system (tests/host-rootfs.sh) booted in QEMU
# TCG as the "host" on the default kernel, with its headers installed,
# runs the project's own `make bench MODE=host HOST_OK=1` on
# tests/sweeps/host.conf twice, `make compare RUNS=` on the two, and a
# third time interrupted by SIGINT (tests/host-init). Asserts: each
# results folder complete (every case has its row, meta.json says mode
# host and what the machine is), the pressure case refused under the
# host's memory cap, the module unloaded after every run, the comparison
# labelled by release and without a verdict from one sample a side, the
# interrupted run's finished cases kept.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../scripts/lib.sh"
. "$here/lib.sh"

kernel=debian-6.1
work=$KAB_BUILD/test-host
rm -rf "$work"
mkdir -p "$work/stage/kab" "$work/out"
started=$(date +%s)

"$KAB_ROOT/scripts/fetch-kernel.sh" "$kernel" > /dev/null || kab_die "cannot fetch $kernel"
kab_kernel_env "$kernel"
rootfs=$("$here/host-rootfs.sh" "$kernel") || kab_die "cannot build the test host's root filesystem"
rootfs_s=$(($(date +%s) - started))

# The project as a user's checkout has it (tracked and new files, no
# build outputs), and the init; appended to the root filesystem as a
# second cpio, which the kernel unpacks over the first. The runner is
# built first in a chroot of that root filesystem, natively, at the path
# the guest has (/kab), so that the guest's make finds it up to date: under
# TCG its build alone took most of ten minutes. The module is built by the
# guest's make bench, against the headers installed there.
(cd "$KAB_ROOT" && git ls-files -z --cached --others --exclude-standard |
	xargs -0 cp --parents -t "$work/stage/kab")
install -m 755 "$here/host-init" "$work/stage/init"
mkdir -p "$work/chroot"
(cd "$work/chroot" && cpio -idm --quiet < "$rootfs") || kab_die "cannot unpack $rootfs"
cp -a "$work/stage/kab" "$work/chroot/kab"
chroot "$work/chroot" make -s -C /kab/runner BUILD=/kab/build/runner > "$work/runner-build.log" 2>&1 ||
	kab_die "building the runner in the test host's root filesystem failed ($work/runner-build.log)"
cp -a "$work/chroot/kab/build" "$work/stage/kab/"
rm -rf "$work/chroot"
(cd "$work/stage" && find . | cpio -o -H newc --quiet) > "$work/project.cpio"
cat "$rootfs" "$work/project.cpio" > "$work/initrd.cpio"

# Two CPUs (the module builds faster), memory for the root filesystem in
# RAM and the runs; the kernel command line has no KAB_MODE=, as a host's
# has not.
kab_qemu_machine_args qemu-tcg 2 4096
# A host's clock is the real one: with a guest's fixed 2024 RTC every file
# of the root filesystem is from the future, and make says so.
KAB_QEMU_MACHINE_ARGS+=(-rtc base=utc)
boot_started=$(date +%s)
timeout -s KILL "${HOST_TEST_TIMEOUT:-2400}" "$KAB_KERNEL_QEMU" "${KAB_QEMU_MACHINE_ARGS[@]}" \
	-kernel "$KAB_KERNEL_IMAGE" -initrd "$work/initrd.cpio" \
	-append "console=ttyS0 panic=-1 loglevel=4 $KAB_KERNEL_CMDLINE" \
	-serial "file:$work/console.log" -serial "file:$work/stream.b64" > "$work/qemu.log" 2>&1
qemu_rc=$?
boot_s=$(($(date +%s) - boot_started))
base64 -d "$work/stream.b64" 2> /dev/null | tar -C "$work/out" -xf - 2> /dev/null

said() { grep -qF "KAB-HOST $1" "$work/console.log"; }
rows() { echo $(($(wc -l < "$1" 2>/dev/null || echo 1) - 1)); }
total=$(sed -n 's/.*: \([0-9]*\) cases in.*/\1/p' <("$KAB_BUILD/runner/kallocbench" check "$here/sweeps/host.conf"))
meta_has() {
	python3 - "$1" "$2" "$3" <<'EOF'
import json, sys
meta = json.load(open(sys.argv[1]))
value = meta
for key in sys.argv[2].split("."):
    value = value[key]
sys.exit(0 if sys.argv[3] == "*" and value not in ("", None) or str(value) == sys.argv[3] else 1)
EOF
}

kab_check "QEMU powered off (exit 0, within the timeout)" test "$qemu_rc" -eq 0
kab_check "the host booted $KAB_KERNEL_RELEASE" said "booted $KAB_KERNEL_RELEASE"
kab_check "the host's console is clean" kab_console_clean "$work/console.log"
for run in first second; do
	dir=$work/out/results/$run
	kab_check "$run run: make bench MODE=host HOST_OK=1 exits 0" said "$run rc=0 "
	kab_check "$run run: the module is unloaded afterwards" said "$run rc=0 module=unloaded"
	kab_check "$run run: every case has its row ($(rows "$dir/cases.csv") of $total)" \
		test "$(rows "$dir/cases.csv")" -eq "$total"
	kab_check "$run run: the pressure case is refused under the memory cap" \
		grep -q ',refused,"E2BIG: pressure would hold about' "$dir/cases.csv"
	kab_check "$run run: the other cases ran" test "$(grep -c ',ok,' "$dir/cases.csv")" -eq $((total - 1))
	kab_check "$run run: meta.json says mode host" meta_has "$dir/meta.json" mode host
	kab_check "$run run: the runner's rows say mode host" grep -q ',host,kmalloc,' "$dir/cases.csv"
	kab_check "$run run: meta.json has the running kernel" meta_has "$dir/meta.json" kernel.release "$KAB_KERNEL_RELEASE"
	for fact in host.cpu host.microcode host.governor host.smt host.numa_nodes host.thp \
		host.cmdline host.pinned_cpu host.cpu_isolated host.cpu_idle_percent guest.counters.tlb_walks.asked; do
		kab_check "$run run: meta.json has $fact" meta_has "$dir/meta.json" "$fact" "*"
	done
	kab_check "$run run: the runner was pinned where meta.json says" \
		python3 -c 'import json, sys; m = json.load(open(sys.argv[1])); sys.exit(str(m["guest"]["pinned_cpu"]) != m["host"]["pinned_cpu"])' "$dir/meta.json"
	kab_check "$run run: plotted and summarised" test -s "$dir/summary.txt" -a -n "$(ls "$dir"/plots/*.png 2>/dev/null)"
done
dir=$work/out/results/first-vs-second
host_label=host-$KAB_KERNEL_RELEASE
kab_check "make compare RUNS= of the two runs exits 0" said "compare rc=0"
kab_check "compare: the sides are labelled with the release they ran" \
	grep -q "^$host_label,$host_label#2,cases,kmalloc,64," "$dir/compare.csv"
kab_check "compare: the report says mode host, accelerator none" \
	grep -q "| $KAB_KERNEL_RELEASE | .* | host | none | host | first |" "$dir/report.md"
kab_check "compare: one repetition a side, so no verdict (no slower or faster)" \
	bash -c '! grep -q ",slower,\|,faster," "$1"' _ "$dir/compare.csv"
kab_check "compare: the report says why there is no verdict" \
	grep -q "no spread was measured, so there is no interval and no verdict" "$dir/report.md"
kab_check "compare: index.html and plots written" test -s "$dir/index.html" -a -n "$(ls "$dir"/plots/*.svg 2>/dev/null)"
dir=$work/out/results/interrupted
kab_check "interrupted run: make exits non-zero" bash -c '! grep -q "KAB-HOST interrupted rc=0 " "$1"' _ "$work/console.log"
kab_check "interrupted run: no module loaded afterwards" said "after-interrupt module=unloaded"
kab_check "interrupted run: the terminal says where the finished cases are" \
	grep -q "interrupted: the [0-9]* cases that finished are in" "$work/out/interrupted.log"
kab_check "interrupted run: the finished cases kept ($(rows "$dir/cases.csv"), at least 4, fewer than $total)" \
	test "$(rows "$dir/cases.csv")" -ge 4 -a "$(rows "$dir/cases.csv")" -lt "$total"

echo "host-test: root filesystem ${rootfs_s} s, the QEMU host ${boot_s} s ($(grep -o 'seconds=[0-9]*' "$work/console.log" | tr '\n' ' ')), total $(($(date +%s) - started)) s"
if [ "$kab_failed" -ne 0 ]; then
	echo "--- console (tail) ---"
	tail -n 30 "$work/console.log"
	for log in "$work"/out/*.log; do
		echo "--- $log (tail) ---"
		tail -n 15 "$log"
	done
fi
kab_test_summary host
