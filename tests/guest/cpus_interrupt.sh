#!/bin/sh
# Guest side of tests/cpus.sh: SIGINT to the runner in the middle of a case
# on every CPU. The runner must exit 130 (128 + SIGINT) and no thread of
# the case may be left; the init's rmmod after this shows the module is
# free to go.
printf '[sweep]\nname = cpus-interrupt\niterations = 10000000\nwarmup = 10\n\n[long]\nallocators = kmalloc\nsizes = 256\ngfp = GFP_KERNEL\npatterns = pair\ncpus = all\n' \
	> /tmp/long.conf
kallocbench run --sweep /tmp/long.conf --out /tmp/long --mode qemu-icount &
runner=$!
# Until the case's threads exist, then a little longer.
for _ in $(seq 100); do
	grep -qs '^kallocbench/' /proc/[0-9]*/comm && break
	sleep 0.1
done
threads=$(cat /proc/[0-9]*/comm 2>/dev/null | grep -c '^kallocbench/')
sleep 1
kill -INT "$runner"
wait "$runner"
echo "KAB-CPUS-INTERRUPT rc=$? threads_during=$threads threads_after=$(cat /proc/[0-9]*/comm 2>/dev/null | grep -c '^kallocbench/')"
