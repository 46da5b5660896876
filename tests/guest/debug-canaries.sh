#!/bin/sh
# The debug kernel's detectors on purpose (tests/debug.sh): the test-only
# modules of tests/debug-canary/. kab_canary_leak leaks and stays loaded, so
# that guest-init's kmemleak scan after rmmod names it; kab_canary is loaded
# once per console bug, each load between KAB-CANARY markers so that the
# host finds each report where it belongs. Lockdep stops after its first
# report and a KASAN report stops lockdep: lock_order comes before
# use_after_free.
insmod /kab_canary_leak.ko || echo "KAB-CANARY leak insmod failed"
for bug in sleep lock_order use_after_free; do
	echo "KAB-CANARY $bug begin"
	insmod /kab_canary.ko bug=$bug || echo "KAB-CANARY $bug insmod failed"
	rmmod kab_canary
	echo "KAB-CANARY $bug end"
done
