# shellcheck shell=bash
# MODE=host for bench.sh: the running kernel measured in place of a guest.
# Sourced, never run: the request's checks (host_check_request), the
# module built against the running kernel's headers (host_prepare), the CPU
# the runner pins itself to (host_choose_cpu) and what meta.json records
# about the machine (host_facts). scripts/run-host.sh loads, runs and
# unloads.

# The most of MemTotal, in thousandths, a fragmentation level may pin or
# pressure may hold on a host (run --memory-cap-permille): one tenth.
KAB_HOST_MEMORY_PERMILLE_DEFAULT=100

# host_refusal WHY: what MODE=host would do to this machine, and how to
# ask for it; exits 1.
host_refusal() {
	local release cap_mb
	release=$(uname -r)
	cap_mb=$(awk -v p="$host_memory_permille" '/^MemTotal:/ { printf "%d", $2 * p / 1000 / 1024 }' /proc/meminfo)
	kab_die "MODE=host: $1. MODE=host measures the running kernel $release itself, not a guest; it would:
  - build bench-mod against /lib/modules/$release/build (installing linux-headers-$release if missing)
    and load kallocbench.ko into this kernel for the whole run;
  - pin memory and fragment the buddy lists: a fragmentation level may pin, and pressure = low hold,
    up to $host_memory_permille/1000 of MemTotal ($cap_mb MiB; HOST_MEMORY_PERMILLE, at most 500), more is refused;
  - allocate with interrupts, preemption or softirqs off for up to the sweep's atomic_limit_us at a time;
  - pin itself to one CPU (HOST_CPU, default an isolated one, else the last) for the sweep;
  - unload the module when the run ends, fails or is interrupted.
To go ahead, as root: make bench MODE=host HOST_OK=1${SWEEP:+ SWEEP=$SWEEP}"
}

# host_check_request: root, HOST_OK=1, and nothing on the make line that
# only a guest has. Sets host_memory_permille.
host_check_request() {
	local var
	kab_check_number HOST_MEMORY_PERMILLE 1 500 "thousandths of MemTotal"
	host_memory_permille=${HOST_MEMORY_PERMILLE:-$KAB_HOST_MEMORY_PERMILLE_DEFAULT}
	[ "$(id -u)" -eq 0 ] || host_refusal "needs root"
	[ "${HOST_OK:-}" = 1 ] || host_refusal "needs HOST_OK=1 on the command line"
	for var in MEMORY_MB CPUS BOOT_WORDS; do
		[ -z "${!var:-}" ] || kab_die "MODE=host: $var shapes a guest; the host is as it is (drop $var=${!var})"
	done
	if [ -n "${TLB_MODEL:-}" ] && [ "$TLB_MODEL" != none ]; then
		kab_die "TLB_MODEL=$TLB_MODEL: the simulated MMU needs QEMU's TCG; on the host the hardware's own TLB counters count (TLB_MODEL=none runs without it)"
	fi
	kab_check_number HOST_CPU 0 8191 "a CPU"
	if [ -n "${HOST_CPU:-}" ] && ! host_cpu_online "$HOST_CPU"; then
		kab_die "HOST_CPU=$HOST_CPU: no such online CPU (online: $(cat /sys/devices/system/cpu/online))"
	fi
}

# host_cpu_list LIST: the CPUs of a sysfs list such as 0-3,8, one a line.
host_cpu_list() {
	local part
	for part in ${1//,/ }; do
		case $part in
		*-*) seq "${part%-*}" "${part#*-}" ;;
		*) echo "$part" ;;
		esac
	done
}

host_cpu_online() {
	host_cpu_list "$(cat /sys/devices/system/cpu/online)" | grep -qx "$1"
}

# host_choose_cpu: HOST_CPU, else the last isolated CPU (isolcpus=), else
# the last online one (CPU 0 takes most of the machine's own interrupts).
host_choose_cpu() {
	local isolated
	if [ -n "${HOST_CPU:-}" ]; then
		echo "$HOST_CPU"
		return
	fi
	isolated=$(cat /sys/devices/system/cpu/isolated 2>/dev/null || true)
	if [ -n "$isolated" ]; then
		host_cpu_list "$isolated" | tail -n 1
	else
		host_cpu_list "$(cat /sys/devices/system/cpu/online)" | tail -n 1
	fi
}

# host_prepare: the running kernel's build tree (its headers installed
# when missing), the runner and the module built against the tree.
# Sets module and KAB_KERNEL_* (kab_kernel_env host).
host_prepare() {
	kab_kernel_env host
	if [ ! -e "$KAB_KERNEL_BUILD/Makefile" ]; then
		kab_say "no build tree for the running kernel at $KAB_KERNEL_BUILD: installing linux-headers-$KAB_KERNEL_RELEASE"
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
			"linux-headers-$KAB_KERNEL_RELEASE" >&2 ||
			kab_die "cannot install the headers of the running kernel; as root run:
    apt-get update && apt-get install -y linux-headers-$KAB_KERNEL_RELEASE
(a kernel Debian does not ship needs its own build tree at $KAB_KERNEL_BUILD)"
	fi
	make -s -C "$KAB_ROOT/runner" BUILD="$KAB_BUILD/runner" >&2
	module=$("$KAB_ROOT/scripts/build-module.sh" host)
}

# host_sysfs_first FILE...: the first line of the first FILE that exists,
# or "none".
host_sysfs_first() {
	local file
	for file; do
		[ -r "$file" ] && { head -n 1 "$file"; return; }
	done
	echo none
}

# host_cpu_idle_percent CPU: the share of a second CPU was idle (idle and
# iowait in /proc/stat), just before the run.
host_cpu_idle_percent() {
	local before after
	before=$(grep "^cpu$1 " /proc/stat)
	sleep 1
	after=$(grep "^cpu$1 " /proc/stat)
	printf '%s\n%s\n' "$before" "$after" | awk '
		{ total[NR] = 0; for (i = 2; i <= NF; i++) total[NR] += $i; idle[NR] = $5 + $6 }
		END { d = total[2] - total[1]; printf "%.0f", (d > 0 ? 100 * (idle[2] - idle[1]) / d : 0) }'
}

# host_facts CPU: the --fact arguments that describe this machine, in
# host_fact_args (an array); says so when CPU is neither isolated nor idle.
host_facts() {
	local cpu=$1 isolated=false idle governor thp
	if host_cpu_list "$(cat /sys/devices/system/cpu/isolated 2>/dev/null)" | grep -qx "$cpu"; then
		isolated=true
	fi
	idle=$(host_cpu_idle_percent "$cpu")
	governor=$(host_sysfs_first "/sys/devices/system/cpu/cpu$cpu/cpufreq/scaling_governor")
	thp=$(sed -n 's/.*\[\(.*\)\].*/\1/p' /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null)
	if [ "$isolated" = false ] && [ "$idle" -lt 90 ]; then
		kab_say "warning: CPU $cpu is not isolated and was only $idle% idle just now: other work will show in the figures (README, Trustworthy host numbers)"
	fi
	host_fact_args=(
		--fact "host.cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
		--fact "host.microcode=$(awk -F': ' '/^microcode/ { print $2; exit }' /proc/cpuinfo)"
		--fact "host.cores=$(nproc)"
		--fact "host.governor=$governor"
		--fact "host.smt=$(host_sysfs_first /sys/devices/system/cpu/smt/control)"
		--fact "host.smt_active=$(host_sysfs_first /sys/devices/system/cpu/smt/active)"
		--fact "host.numa_nodes=$(host_sysfs_first /sys/devices/system/node/online)"
		--fact "host.thp=${thp:-none}"
		--fact "host.cmdline=$(cat /proc/cmdline)"
		--fact "host.pinned_cpu=$cpu"
		--fact "host.cpu_isolated=$isolated"
		--fact "host.isolated_cpus=$(host_sysfs_first /sys/devices/system/cpu/isolated)"
		--fact "host.nohz_full=$(host_sysfs_first /sys/devices/system/cpu/nohz_full)"
		--fact "host.cpu_idle_percent=$idle"
		--fact "host.memory_cap_permille=$host_memory_permille"
	)
}
