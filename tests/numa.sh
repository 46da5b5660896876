#!/usr/bin/env bash
# A guest with two NUMA nodes (NUMA=2: QEMU's -numa with a RAM backend per
# node; icount, one CPU on node 0): kmalloc_node and alloc_pages_node on
# node 0 (local) and node 1 (remote) run, and every allocation the module
# held and looked up after the measured loops lies on the node asked for
# (node_misplaced 0 of node_checked); a node that is not online is refused
# with the nodes that are. Prints local against remote, in instructions.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../scripts/lib.sh"
. "$here/lib.sh"

results=$KAB_BUILD/test-results-numa
rm -rf "$results"
mkdir -p "$results"

export NUMA=2
kab_check "the icount boot with two NUMA nodes completes" kab_test_boot "$results" numa \
	icount "${KERNEL:-debian-6.1}" "$here/sweeps/numa.conf" 600
run=$results/numa

# The node cases: allocator, size or order, node, status, checked, misplaced.
node_cases() {
	kab_select "$run/cases.csv" allocator size_bytes order node status node_checked \
		node_misplaced --where node!= 2>/dev/null
}
placed_on_their_node() {
	node_cases | awk -F'\t' '$4 != 7 { n++; if ($5 != "ok" || $6 < 1 || $7 != 0) { print; bad++ } }
		END { exit !(n == 10 && !bad) }'
}
both_nodes_measured() {
	[ "$(node_cases | awk -F'\t' '$5 == "ok" { print $4 }' | sort -u | tr '\n' ' ')" = "0 1 " ]
}
offline_refused() {
	kab_select "$run/cases.csv" status error --where node=7 |
		grep -q $'^refused\tEINVAL: node 7 is not online (online: 0-1)$'
}
# qemu-command is quoted for the shell: its commas are escaped.
qemu_has_two_nodes() {
	tr -d '\\' < "$run/qemu-command" | grep -q -- '-numa node,nodeid=1,memdev=kab-node1'
}

kab_check "QEMU was given two NUMA nodes" qemu_has_two_nodes
kab_check "kmalloc_node and alloc_pages_node ran on node 0 and node 1" both_nodes_measured
kab_check "every checked allocation is on the node asked for (10 cases)" placed_on_their_node
kab_check "node 7 is refused: not online, online 0-1" offline_refused
kab_check "the console has no WARN, BUG, Oops or atomic-sleep splat" \
	kab_console_clean "$run/console.log"

echo "node 0 (local) against node 1 (remote), amortized alloc+free in instructions (icount):"
echo "allocator size order node instructions checked misplaced" | tr ' ' '\t'
kab_select "$run/cases.csv" allocator size_bytes order node pair_ns_amortized node_checked \
	node_misplaced --where status=ok
kab_test_finish numa "$results" numa
