#!/usr/bin/env bash
# The 32-bit HighMem target: Debian's 6.1 686-pae kernel in qemu-system-i386
# with 2 GiB, icount mode, a small sweep run by the 32-bit guest runner and
# collected by the host's. Every case runs, the console is clean, the guest
# is an i686 with a HighMem zone, and the guest's zone trace
# (tests/guest/zones.sh) finds kmalloc(64K) pages in the low zones and
# vmalloc(64K) pages in HighMem.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../scripts/lib.sh"
. "$here/lib.sh"

results=$KAB_BUILD/test-results-i386
rm -rf "$results"
mkdir -p "$results"

kab_check "the 686-pae icount boot completes" kab_test_boot "$results" i386 \
	icount debian-6.1-686-pae "$here/sweeps/i386.conf" 400 "$here/guest/zones.sh"
run=$results/i386

every_case_ok() {
	kab_select "$run/cases.csv" status failures |
		awk -F'\t' '{ n++ } $1 != "ok" || $2 != 0 { bad++ } END { exit !(n == 16 && !bad) }'
}
# zone_pages ALLOCATOR ZONE: pages the guest saw ALLOCATOR free in ZONE.
zone_pages() {
	tr -d '\r' < "$run/console.log" |
		awk -v a="allocator=$1" -v z="$2" '$1 == "KAB-ZONE-PAGES" && $2 == a {
			for (i = 3; i <= NF; i++) if (index($i, z "=") == 1) print substr($i, length(z) + 2) }'
}
highmem_present() {
	tr -d '\r' < "$run/console.log" |
		awk '$1 == "KAB-ZONE" && $2 == "zone=HighMem" { split($5, kv, "="); found = kv[2] > 0 }
			END { exit !found }'
}
kmalloc_low() {
	[ "$(zone_pages kmalloc HighMem)" = 0 ] && [ "$(zone_pages kmalloc Normal)" -gt 0 ]
}
vmalloc_high() { # at least 99% of the pages from HighMem
	local high low
	high=$(zone_pages vmalloc HighMem) low=$(zone_pages vmalloc Normal)
	[ -n "$high" ] && [ "$high" -gt 0 ] && [ $((low * 99)) -le "$high" ]
}

kab_check "all 16 cases ran without a failure" every_case_ok
kab_check "the guest kernel is an i686" grep -qE '"machine": *"i686"' "$run/guest.json"
kab_check "meta.json says arch i386 and PAE" \
	sh -c "grep -qE '\"arch\": *\"i386\"' '$run/meta.json' && grep -q CONFIG_X86_PAE '$run/meta.json'"
kab_check "the guest has a HighMem zone" highmem_present
kab_check "the zone trace ran" grep -q "KAB-TEST zones.sh rc=0" "$run/console.log"
kab_check "kmalloc(64K) pages come from the low zones" kmalloc_low
kab_check "vmalloc(64K) pages come from HighMem" vmalloc_high
kab_check "rmmod succeeds" grep -q "KAB-RMMOD rc=0" "$run/console.log"
kab_check "the console has no WARN, BUG, Oops or atomic-sleep splat" \
	kab_console_clean "$run/console.log"

tr -d '\r' < "$run/console.log" | grep '^KAB-ZONE'
kab_test_finish i386 "$results" i386
