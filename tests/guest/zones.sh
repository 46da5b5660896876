#!/bin/sh
# Guest side of tests/i386.sh: the zone story of a 32-bit kernel, measured.
# Prints one KAB-ZONE line per zone of /proc/zoneinfo (pfn range and size in
# pages), then, for kmalloc(64K) and vmalloc(64K), traces kmem:mm_page_free
# inside the runner's ioctls only (syscall triggers switch tracing on and
# off, so the runner's own exit is left out) and prints one KAB-ZONE-PAGES
# line with the number of freed pages that lay in each zone.
t=/sys/kernel/tracing

awk '/^Node/ { z = $4; names[n++] = z; next }
	$1 == "pages" && $2 == "free" { free[z] = $3 }
	$1 == "spanned" { spanned[z] = $2 }
	$1 == "present" { present[z] = $2 }
	$1 == "managed" { managed[z] = $2 }
	$1 == "start_pfn:" { start[z] = $2 }
	END {
		for (i = 0; i < n; i++) {
			z = names[i]
			printf "KAB-ZONE zone=%s start_pfn=%d spanned=%d present=%d managed=%d free=%d\n",
				z, start[z], spanned[z], present[z], managed[z], free[z]
		}
	}' /proc/zoneinfo > /tmp/zones
cat /tmp/zones

[ -d $t/events/kmem/mm_page_free ] || { echo "zones: no tracefs"; exit 1; }
echo 8192 > $t/buffer_size_kb
for alloc in kmalloc vmalloc; do
	printf '[sweep]\nname = zones\niterations = 100\nwarmup = 10\n\n[%s]\nallocators = %s\nsizes = 64K\ngfp = GFP_KERNEL\npatterns = pair\n' \
		"$alloc" "$alloc" > /tmp/zones.conf
	echo 0 > $t/tracing_on
	echo > $t/trace
	echo 'comm == "kallocbench"' > $t/events/kmem/mm_page_free/filter
	echo 1 > $t/events/kmem/mm_page_free/enable
	echo 'traceon if comm == "kallocbench"' > $t/events/syscalls/sys_enter_ioctl/trigger
	echo 'traceoff if comm == "kallocbench"' > $t/events/syscalls/sys_exit_ioctl/trigger
	rm -rf /tmp/zones-run
	kallocbench run --sweep /tmp/zones.conf --out /tmp/zones-run \
		--mode "${KAB_MODE:-qemu-tcg}" --config "${KAB_CONFIG:-default}" \
		> /dev/null 2>&1 || { echo "zones: the $alloc run failed"; exit 1; }
	echo '!traceon if comm == "kallocbench"' > $t/events/syscalls/sys_enter_ioctl/trigger
	echo '!traceoff if comm == "kallocbench"' > $t/events/syscalls/sys_exit_ioctl/trigger
	echo 0 > $t/events/kmem/mm_page_free/enable
	echo 0 > $t/events/kmem/mm_page_free/filter
	echo 0 > $t/tracing_on
	# Each freed block (2^order pages) counts in the zone holding its pfn.
	awk -v alloc="$alloc" 'BEGIN { n = 0 }
		FNR == NR {
			for (i = 2; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
			names[n] = f["zone"]; lo[n] = f["start_pfn"]; hi[n] = f["start_pfn"] + f["spanned"]
			pages[n++] = 0; next
		}
		/mm_page_free:/ {
			pfn = -1; order = 0
			for (i = 1; i <= NF; i++) {
				if ($i ~ /^pfn=/) pfn = substr($i, 5) + 0
				if ($i ~ /^order=/) order = substr($i, 7) + 0
			}
			for (i = 0; i < n; i++)
				if (pfn >= lo[i] && pfn < hi[i]) {
					# busybox awk has no ^ without math support
					for (p = 1; order > 0; order--) p *= 2
					pages[i] += p
					break
				}
		}
		END {
			line = "KAB-ZONE-PAGES allocator=" alloc " size=64K"
			for (i = 0; i < n; i++) line = line " " names[i] "=" pages[i]
			print line
		}' /tmp/zones $t/trace
done
