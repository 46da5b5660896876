# shellcheck shell=bash
# Shared helpers for the kallocbench scripts: paths, messages and the parser
# of configs/kernels/*.conf. Sourced, never run.

KAB_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
KAB_BUILD=${KAB_BUILD:-$KAB_ROOT/build}

kab_say() { printf 'kallocbench: %s\n' "$*" >&2; }
kab_die() { printf 'kallocbench: error: %s\n' "$*" >&2; exit 1; }
# kab_select FILE [COLUMN...] [--where COLUMN=VALUE]...: columns of a
# results CSV by name, tab-separated (`kallocbench select --help`).
kab_select() { "$KAB_BUILD/runner/kallocbench" select "$@"; }
# kab_has_column FILE COLUMN: FILE's header names COLUMN.
kab_has_column() { kab_select --columns "$1" | grep -xF -- "$2" > /dev/null; }

# kab_read_conf FILE KEY... : read KEY = VALUE lines (comments with #) into
# variables named KAB_CONF_<key>; an unknown key or a malformed line is an
# error naming the file and line.
kab_read_conf() {
	local file=$1; shift
	local allowed=" $* " lineno=0 line key value
	[ -r "$file" ] || kab_die "$file: cannot read"
	while IFS= read -r line || [ -n "$line" ]; do
		lineno=$((lineno + 1))
		line=${line%%#*}
		[[ $line =~ ^[[:space:]]*$ ]] && continue
		if [[ ! $line =~ ^[[:space:]]*([a-z_]+)[[:space:]]*=[[:space:]]*(.*[^[:space:]])?[[:space:]]*$ ]]; then
			kab_die "$file:$lineno: expected 'key = value', got '$line'"
		fi
		key=${BASH_REMATCH[1]} value=${BASH_REMATCH[2]}
		[[ $allowed == *" $key "* ]] ||
			kab_die "$file:$lineno: unknown key '$key' (known: $*)"
		printf -v "KAB_CONF_$key" '%s' "$value"
	done < "$file"
}

# kab_download WHAT PACKAGE...: apt-get download PACKAGEs (through KAB_APT,
# a private suite's options, when set) into build/cache/debs, where a file
# already there is not fetched again; stops, naming WHAT, on a failure.
kab_download() {
	local what=$1
	shift
	mkdir -p "$KAB_BUILD/cache/debs"
	(cd "$KAB_BUILD/cache/debs" && apt-get "${KAB_APT[@]}" download "$@" 2>&1 |
		{ grep -v 'Download is performed unsandboxed' >&2 || true; }) ||
		kab_die "apt-get download failed for $what"
}

# kab_kernel_env NAME: the KAB_KERNEL_* facts of kernel NAME, as
# scripts/fetch-kernel.sh wrote them into build/kernels/NAME.env; NAME
# host is the running kernel, its build tree /lib/modules/RELEASE/build.
kab_kernel_env() {
	if [ "$1" != host ]; then
		. "$KAB_BUILD/kernels/$1.env"
		return
	fi
	KAB_KERNEL_NAME=host
	KAB_KERNEL_RELEASE=$(uname -r)
	KAB_KERNEL_BUILD=/lib/modules/$KAB_KERNEL_RELEASE/build
	KAB_KERNEL_VERSION=$(dpkg-query -W -f='${Version}' "linux-image-$KAB_KERNEL_RELEASE" 2>/dev/null || echo unknown)
	KAB_KERNEL_ARCH=$(dpkg --print-architecture)
}

# kab_guest_paths ARCH: the runner and busybox of a guest of ARCH (amd64:
# the host's own; i386: built and unpacked by scripts/build-guest-runner.sh)
# in KAB_GUEST_RUNNER and KAB_GUEST_BUSYBOX.
kab_guest_paths() {
	case ${1:-amd64} in
	amd64)
		KAB_GUEST_RUNNER=$KAB_BUILD/runner/kallocbench
		KAB_GUEST_BUSYBOX=/bin/busybox
		;;
	i386)
		KAB_GUEST_RUNNER=$KAB_BUILD/runner-i386/kallocbench
		KAB_GUEST_BUSYBOX=$KAB_BUILD/guest/i386/bin/busybox
		;;
	*) kab_die "unknown guest architecture '$1' (known: amd64 i386)" ;;
	esac
}

# kab_debian_mirror: the Debian archive this machine's apt already reads
# (the one serving its own release's main), so that other suites come from
# the same place.
kab_debian_mirror() {
	local codename
	codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")
	apt-cache policy 2>/dev/null |
		awk -v want="$codename/main" '$3 == want && $2 ~ /^(https?|file):/ { print $2; exit }'
}

# kab_apt_suite SUITE: a private apt configuration under build/apt/SUITE
# that reads Debian's SUITE (binary and source) from the machine's own
# mirror without touching the system's sources; its lists are updated
# once a day. Sets KAB_APT, the apt-get options that select it.
kab_apt_suite() {
	local suite=$1 dir=$KAB_BUILD/apt/$1 mirror keyring=/usr/share/keyrings/debian-archive-keyring.gpg
	mkdir -p "$dir/lists/partial" "$dir/cache/archives/partial"
	if [ ! -s "$dir/sources.list" ]; then
		mirror=$(kab_debian_mirror)
		[ -n "$mirror" ] ||
			kab_die "cannot tell which Debian mirror apt uses (no '$(. /etc/os-release && echo "$VERSION_CODENAME")/main' in apt-cache policy); as root run 'apt-get update'"
		printf 'deb [signed-by=%s] %s %s main\ndeb-src [signed-by=%s] %s %s main\n' \
			"$keyring" "$mirror" "$suite" "$keyring" "$mirror" "$suite" > "$dir/sources.list"
	fi
	KAB_APT=(-o "Dir::Etc::sourcelist=$dir/sources.list" -o Dir::Etc::sourceparts=-
		-o "Dir::State::Lists=$dir/lists" -o "Dir::Cache=$dir/cache")
	# apt's download sandbox user cannot write into build/.
	[ "$(id -u)" -ne 0 ] || KAB_APT+=(-o APT::Sandbox::User=root)
	if [ -z "$(find "$dir/lists" -maxdepth 1 -name '*Packages*' -mtime -1 2>/dev/null)" ]; then
		kab_say "reading Debian's $suite (private apt lists in $dir)"
		apt-get "${KAB_APT[@]}" update -q >&2 ||
			kab_die "apt-get update of $suite failed (configuration in $dir)"
	fi
}

# kab_build_root_suite SUITE: the Debian release whose build root builds a
# kernel of SUITE (scripts/build-root.sh): a backport's base release, and
# sid for experimental (built against sid, not a release of its own).
kab_build_root_suite() {
	case $1 in
	experimental) echo sid ;;
	*) echo "${1%-backports}" ;;
	esac
}

# kab_build_root SUITE: the path of that build root.
kab_build_root() {
	echo "$KAB_BUILD/roots/$(kab_build_root_suite "$1")"
}

# kab_kernel_make ARG...: make -C the kernel build tree of the loaded
# build/kernels/NAME.env with ARG...: on the host for a kernel of the host's
# release, else in the kernel's build root (scripts/build-root.sh) with this
# checkout and the kernel cache mounted at the same paths, so that every
# path means the same inside and out.
kab_kernel_make() {
	if [ -z "${KAB_KERNEL_SUITE:-}" ]; then
		make -C "$KAB_KERNEL_BUILD" "$@"
		return
	fi
	local root
	root=$("$KAB_ROOT/scripts/build-root.sh" "$KAB_KERNEL_NAME") || return
	unshare -m sh -c '
		root=$1 checkout=$2 kernels=$3 build=$4; shift 4
		for dir in "$checkout" "$kernels"; do
			mkdir -p "$root$dir" && mount --bind "$dir" "$root$dir" || exit
		done
		mount -t proc proc "$root/proc" || exit
		exec chroot "$root" make -C "$build" CHECK=/usr/local/bin/sparse "$@"' \
		kab-kernel-make "$root" "$KAB_ROOT" "$(realpath "$KAB_BUILD/kernels")" "$KAB_KERNEL_BUILD" "$@"
}

# kab_guest_qemu DEFAULT_QEMU TIME_MODE: the QEMU a guest boots with, in
# KAB_QEMU, and the arguments and environment the simulated MMU adds, in
# KAB_QEMU_SIM_ARGS (an array) and KAB_QEMU_ENV (VAR=VALUE words for env).
# With KAB_TLB_MODELS (CPU models, blank-separated; empty or none: off)
# that is bookworm-backports' QEMU with the tlbsim plugin writing OUTDIR/
# sim.csv and OUTDIR/sim.json (KAB_SIM_OUTDIR). A qemu-icount guest of
# more than one CPU (CPUS) boots the same QEMU, without the plugin:
# Debian 12's QEMU 7.2 hangs such a boot at "Booting SMP configuration"
# (also with -accel tcg,thread=single), QEMU 10 boots it. Otherwise
# DEFAULT_QEMU.
kab_guest_qemu() {
	KAB_QEMU=$1 KAB_QEMU_SIM_ARGS=() KAB_QEMU_ENV=()
	local models=${KAB_TLB_MODELS:-none}
	if [ "$models" = none ] && ! kab_icount_smp "$2"; then
		return 0
	fi
	. "$KAB_BUILD/qemu/tlbsim.env"
	KAB_QEMU=$KAB_SIM_QEMU
	# Its own firmware and modules, not the system QEMU's.
	KAB_QEMU_ENV=("QEMU_MODULE_DIR=$KAB_SIM_QEMU_MODULES")
	KAB_QEMU_SIM_ARGS=(-L "$KAB_SIM_QEMU_DATA")
	[ "$models" != none ] || return 0
	KAB_QEMU_SIM_ARGS+=(-plugin
		"$KAB_BUILD/tlbsim/libkabtlb.so,model=${models// /:},out=${KAB_SIM_OUTDIR:?}/sim.csv,info=$KAB_SIM_OUTDIR/sim.json")
}

# kab_wait_forwarding PID [SIGNAL]: wait for the child PID to exit; a
# SIGINT or SIGTERM that arrives meanwhile is sent on to it (as SIGNAL, or
# as itself without one) and the wait goes on until PID is gone, so that
# nothing it was writing is cut short and nothing outlives the caller.
# KAB_WAIT_RC is PID's exit status, KAB_INTERRUPTED the signal that came
# (INT or TERM), or empty.
kab_wait_forwarding() {
	KAB_WAIT_PID=$1 KAB_WAIT_SIGNAL=${2:-} KAB_INTERRUPTED= KAB_WAIT_RC=
	trap '_kab_forward INT' INT
	trap '_kab_forward TERM' TERM
	while [ -z "$KAB_WAIT_RC" ]; do
		# wait returns early (above 128) when a trapped signal arrives.
		wait "$KAB_WAIT_PID" && KAB_WAIT_RC=0 || KAB_WAIT_RC=$?
		if [ -n "$KAB_INTERRUPTED" ] && kill -0 "$KAB_WAIT_PID" 2>/dev/null; then
			KAB_WAIT_RC=
		fi
	done
	trap - INT TERM
}
_kab_forward() {
	KAB_INTERRUPTED=$1
	kill "-${KAB_WAIT_SIGNAL:-$1}" "$KAB_WAIT_PID" 2>/dev/null || true
}

# kab_qemu_machine_args TIME_MODE CPUS MEMORY_MB [NODES]: a guest's
# accelerator, CPU and machine in KAB_QEMU_MACHINE_ARGS (an array). Under
# KVM the guest gets the host's CPU with its PMU virtualised (pmu=on), so
# that the runner's hardware counters count; under TCG QEMU's max CPU
# without hardware randomness. Bit-exact reruns under icount also need a
# virtual RTC fixed in time and no KASLR (tests/integration.sh boots twice
# and finds the same figures); several CPUs there take turns on one host
# thread (round-robin TCG, thread=single) in QEMU 10 (kab_guest_qemu).
# NODES > 1 splits the memory into that many NUMA nodes
# (kab_qemu_numa_args).
kab_qemu_machine_args() {
	local time_mode=$1 cpus=$2 memory_mb=$3 nodes=${4:-1} accel cpu=max,-rdrand,-rdseed
	case $time_mode in
	qemu-kvm) accel=(-accel kvm) cpu=host,pmu=on ;;
	qemu-tcg) accel=(-accel tcg) ;;
	qemu-icount) accel=(-accel tcg,thread=single -icount shift=0,sleep=off) ;;
	*) kab_die "unknown mode of time '$time_mode'" ;;
	esac
	KAB_QEMU_MACHINE_ARGS=("${accel[@]}" -smp "$cpus" -m "$memory_mb" -cpu "$cpu"
		-display none -monitor none -no-reboot -net none
		-rtc base=2024-01-01T00:00:00,clock=vm)
	[ "$nodes" -le 1 ] || kab_qemu_numa_args "$cpus" "$memory_mb" "$nodes"
}

# kab_qemu_numa_args CPUS MEMORY_MB NODES: NODES NUMA nodes added to
# KAB_QEMU_MACHINE_ARGS, each with its share of the memory (a RAM backend of
# its own; the last takes the remainder) and the CPUs dealt out in turn, so
# that with fewer CPUs than nodes the last nodes have memory and no CPU
# (one CPU under icount: node 0 holds it, node 1 is remote memory).
kab_qemu_numa_args() {
	local cpus=$1 memory_mb=$2 nodes=$3 node cpu share size args
	share=$((memory_mb / nodes))
	for ((node = 0; node < nodes; node++)); do
		size=$share
		[ "$node" -lt $((nodes - 1)) ] || size=$((memory_mb - share * (nodes - 1)))
		args="nodeid=$node,memdev=kab-node$node"
		for ((cpu = node; cpu < cpus; cpu += nodes)); do args+=",cpus=$cpu"; done
		KAB_QEMU_MACHINE_ARGS+=(-object "memory-backend-ram,id=kab-node$node,size=${size}M"
			-numa "node,$args")
	done
}

# kab_icount_smp TIME_MODE: whether a guest in TIME_MODE counts
# instructions on more than one CPU (CPUS), which needs QEMU 10 and its
# round-robin TCG (-accel tcg,thread=single).
kab_icount_smp() {
	[ "$1" = qemu-icount ] && [ "${CPUS:-1}" -gt 1 ]
}

# kab_check_make_line: the make-line values that shape a run (MODE,
# MEMORY_MB, CPUS, TIMEOUT), checked before anything is fetched or booted.
kab_check_make_line() {
	case ${MODE:-auto} in
	auto | kvm | tcg | icount | host) ;;
	*) kab_die "MODE=$MODE: MODE must be auto, kvm, tcg, icount or host" ;;
	esac
	kab_check_number MEMORY_MB 256 1048576 "MiB of guest memory"
	kab_check_number CPUS 1 256 "guest CPUs"
	kab_check_number NUMA 1 8 "NUMA nodes"
	kab_check_number TIMEOUT 1 604800 "seconds the guest may run"
}

# kab_parse_target TARGET: KERNEL[+WORD...] as `make compare` and `make
# facts` take it, into KAB_TARGET_KERNEL; KAB_TARGET_CONFIG, the words joined
# with "+" ("default" without words), the run's config label;
# KAB_TARGET_MEMORY, KAB_TARGET_CPUS and KAB_TARGET_NUMA, from memory=MIB,
# cpus=N and numa=NODES (empty when not given); KAB_TARGET_BOOT_WORDS, an array of every other word, for
# the guest kernel's command line; and KAB_TARGET_LABEL, the target as a run
# id and folder name (any character but A-Z a-z 0-9 . _ = + - made _). Dies
# naming the target on a kernel without configs/kernels/KERNEL.conf or a bad
# memory=, cpus= or numa=.
kab_parse_target() {
	local target=$1 word words=()
	KAB_TARGET_KERNEL=${target%%+*} KAB_TARGET_CONFIG=default
	KAB_TARGET_MEMORY= KAB_TARGET_CPUS= KAB_TARGET_NUMA= KAB_TARGET_BOOT_WORDS=()
	KAB_TARGET_LABEL=${target//[^A-Za-z0-9._=+-]/_}
	[ -f "$KAB_ROOT/configs/kernels/$KAB_TARGET_KERNEL.conf" ] ||
		kab_die "target '$target': no configs/kernels/$KAB_TARGET_KERNEL.conf"
	if [[ $target == *+* ]]; then
		KAB_TARGET_CONFIG=${target#*+}
		IFS=+ read -r -a words <<< "$KAB_TARGET_CONFIG"
	fi
	for word in "${words[@]}"; do
		case $word in
		memory=*)
			KAB_TARGET_MEMORY=${word#memory=}
			(MEMORY_MB=$KAB_TARGET_MEMORY kab_check_number MEMORY_MB 256 1048576 "MiB of guest memory") ||
				kab_die "target '$target': memory= takes the guest's MiB" ;;
		cpus=*)
			KAB_TARGET_CPUS=${word#cpus=}
			(CPUS=$KAB_TARGET_CPUS kab_check_number CPUS 1 256 "guest CPUs") ||
				kab_die "target '$target': cpus= takes the guest's CPUs" ;;
		numa=*)
			KAB_TARGET_NUMA=${word#numa=}
			(NUMA=$KAB_TARGET_NUMA kab_check_number NUMA 1 8 "NUMA nodes") ||
				kab_die "target '$target': numa= takes the guest's NUMA nodes" ;;
		*) KAB_TARGET_BOOT_WORDS+=("$word") ;;
		esac
	done
}

# kab_check_number VAR MIN MAX WHAT: VAR, when set, is a whole number in
# [MIN, MAX].
kab_check_number() {
	local name=$1 min=$2 max=$3 what=$4 value
	value=${!name:-}
	[ -n "$value" ] || return 0
	[[ $value =~ ^[0-9]+$ ]] && [ ${#value} -le 9 ] && [ "$value" -ge "$min" ] && [ "$value" -le "$max" ] ||
		kab_die "$name=$value: expected a whole number of $what from $min to $max"
}
