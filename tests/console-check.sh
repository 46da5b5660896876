#!/usr/bin/env bash
# The console scan every QEMU test relies on (kab_console_clean) fires on
# each kind of report in the kernel's own wording, and stays quiet on a
# clean boot's lines: a detector shown to fire before its silence counts.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../scripts/lib.sh"
. "$here/lib.sh"

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# One report per line, as the kernel prints them (6.1 and later).
reports=(
	'[    5.1] WARNING: CPU: 0 PID: 77 at mm/page_alloc.c:5525 __alloc_pages+0x2c1/0x330'
	'[    5.1] BUG: unable to handle page fault for address: ffffc90000100000'
	'[    5.1] Oops: 0002 [#1] PREEMPT SMP NOPTI'
	'[    5.1] general protection fault, probably for non-canonical address 0xdead000000000100: 0000 [#1]'
	'[    5.1] Call Trace:'
	'[    5.1] BUG: KASAN: slab-out-of-bounds in kab_run_case+0x1a/0x40 [kallocbench]'
	'[    5.1] UBSAN: shift-out-of-bounds in bench-mod/timing.c:42:10'
	'[    5.1] WARNING: possible circular locking dependency detected'
	'[    5.1] WARNING: possible recursive locking detected'
	'[    5.1] WARNING: inconsistent lock state'
	'[    5.1] WARNING: suspicious RCU usage'
	'[    5.1] BUG: sleeping function called from invalid context at mm/page_alloc.c:5000'
	'[    5.1] BUG: scheduling while atomic: kallocbench/77/0x00000002'
	'[    5.1] watchdog: BUG: soft lockup - CPU#0 stuck for 22s! [kallocbench:77]'
	'[    5.1] NMI watchdog: Watchdog detected hard LOCKUP on cpu 1'
	'[    5.1] rcu: INFO: rcu_preempt detected stalls on CPUs/tasks:'
	'[    5.1] rcu: INFO: rcu_sched detected stalls on CPUs/tasks:'
	'[    5.1] INFO: task kallocbench:77 blocked for more than 120 seconds.'
	'[    5.1] kallocbench: page allocation failure: order:10, mode:0xcc0(GFP_KERNEL)'
	'[    5.1] Out of memory: Killed process 77 (kallocbench) total-vm:2000kB'
	'[    5.1] kallocbench invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0'
	'[    5.1] oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/'
)
# A clean boot's lines, some of them near misses.
quiet=(
	'[    0.1] Spectre V2 : Mitigation: Retpolines'
	'[    0.2] rcu: Preemptible hierarchical RCU implementation.'
	'[    0.3] Memory: 2000000K/2097152K available'
	'KAB-BOOTED 6.1.0-57-amd64'
	'[1/42] [slab] kmalloc 8 GFP_KERNEL pair: alloc p50 196.0 ns'
	'kallocbench: 218 ran, 26 refused, 0 failed'
)
fires() { ! kab_console_clean "$1" > /dev/null; }
printf '%s\n' "${quiet[@]}" > "$scratch/clean.log"
kab_check "a clean boot's console passes" kab_console_clean "$scratch/clean.log"
for report in "${reports[@]}"; do
	printf '%s\n' "${quiet[@]}" "$report" > "$scratch/report.log"
	kab_check "the scan fires on: ${report#*] }" fires "$scratch/report.log"
done
kab_test_summary console-check
