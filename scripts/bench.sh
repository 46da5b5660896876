#!/usr/bin/env bash
# bench.sh: one run, end to end: set up, fetch the kernel, build the module
# and the runner, boot the guest on the sweep, collect the streamed results
# into results/RUN_ID, plot them and print a summary.
#
# Environment: KERNEL (configs/kernels/KERNEL.conf), SWEEP (configs/sweeps/
# SWEEP.conf or a path), MODE (auto|kvm|tcg|icount, or host: the running
# kernel, with HOST_OK=1 as root; scripts/host.sh), RUN_ID, TIMEOUT (s),
# BOOT_WORDS (extra kernel command-line words, e.g. seed=2), MEMORY_MB
# (guest memory; else the sweep's memory_mb, else the kernel file's), CPUS
# (guest CPUs, default 1), NUMA (guest NUMA nodes, default 1), TLB_MODEL (the simulated MMU's CPU models, or
# none; else the sweep's tlb_model; under KVM its counts come from a second
# boot, in icount: KAB_TLBSIM_SECOND_BOOT=1 asks for that boot under TCG too,
# for tests/tlbsim-boot.sh on machines without KVM), RESULTS (default
# results/).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

kab_check_make_line
kernel=${KERNEL:-debian-6.1}
sweep=${SWEEP:-default}
[ -f "$sweep" ] || sweep=$KAB_ROOT/configs/sweeps/$sweep.conf
[ -f "$sweep" ] || kab_die "no sweep '${SWEEP:-default}' (looked for $sweep)"
mode=${MODE:-auto}
results=${RESULTS:-$KAB_ROOT/results}
runner=$KAB_BUILD/runner/kallocbench
started=$(date +%s)
config=${CONFIG:-default}
# The label lands in every CSV row and on the kernel command line.
[[ $config =~ ^[A-Za-z0-9._+=:/@-]+$ ]] ||
	kab_die "CONFIG='$config': use only letters, digits and . _ + = : / @ -"

# A guest's kernel, runners, module, mode of time and simulated MMU.
prepare_guest() {
	"$KAB_ROOT/scripts/fetch-kernel.sh" "$kernel"
	. "$KAB_BUILD/kernels/$kernel.env"
	make -s -C "$KAB_ROOT/runner" BUILD="$KAB_BUILD/runner" >&2
	# A 32-bit guest runs its own runner; the host's collects the results.
	export KAB_GUEST_ARCH=${KAB_KERNEL_ARCH:-amd64}
	"$KAB_ROOT/scripts/build-guest-runner.sh" "$KAB_GUEST_ARCH"
	"$runner" check "$sweep" >&2 || exit 2
	export KAB_MEMORY_MB=${MEMORY_MB:-$("$runner" check --get memory_mb "$sweep")}
	# The simulated MMU's CPU models: TLB_MODEL (blanks or commas between
	# them), else the sweep's tlb_model, else none.
	tlb_models=${TLB_MODEL:-$("$runner" check --get tlb_model "$sweep")}
	tlb_models=${tlb_models//,/ }
	export KAB_TLB_MODELS=${tlb_models:-none}
	"$runner" tlbsim models $KAB_TLB_MODELS || exit 2
	module=$("$KAB_ROOT/scripts/build-module.sh" "$kernel")
	time_mode=$("$KAB_ROOT/scripts/accel.sh" "$mode" "$kernel")
	# The plugin models x86-64 paging: asked for on the make line for another
	# guest, it is an error; asked for by the sweep, it is left out with a
	# word why.
	if [ "$KAB_TLB_MODELS" != none ]; then
		no_model=
		[ "$KAB_GUEST_ARCH" = amd64 ] ||
			no_model="the simulated MMU models x86-64 paging; kernel $kernel is $KAB_GUEST_ARCH"
		if [ -n "$no_model" ] && [ -n "${TLB_MODEL:-}" ]; then
			kab_die "TLB_MODEL=$TLB_MODEL: $no_model (TLB_MODEL=none runs without it)"
		elif [ -n "$no_model" ]; then
			kab_say "$no_model: running without the sweep's tlb_model"
			KAB_TLB_MODELS=none
		else
			"$KAB_ROOT/scripts/build-tlbsim.sh"
		fi
	fi
	# The plugin watches TCG's translation, which a KVM guest does not go
	# through: there the hardware's counters count in the run's boot, and
	# the models count in a second boot of the same guest, in icount.
	if [ "$KAB_TLB_MODELS" != none ] &&
		{ [ "$time_mode" = qemu-kvm ] || [ "${KAB_TLBSIM_SECOND_BOOT:-}" = 1 ]; }; then
		tlbsim_boot_models=$KAB_TLB_MODELS KAB_TLB_MODELS=none
	fi
}
tlbsim_boot_models=

# tlbsim_boot: the simulated MMU's counts for a run whose guest it could not
# watch: the same initramfs booted again in icount with the plugin, into
# RUN/tlbsim-boot/ (its console, stream and QEMU command line kept); its
# sim.csv and sim.json come up to the run, whose rows `tlbsim join` then
# matches by case and repetition.
tlbsim_boot() {
	local dir=$run_dir/tlbsim-boot
	kab_say "run $run_id: the simulated MMU ($tlbsim_boot_models) in a second boot, in icount: the plugin cannot watch a $time_mode guest"
	KAB_TLB_MODELS=$tlbsim_boot_models "$KAB_ROOT/scripts/run-guest.sh" "$kernel" qemu-icount \
		"$initramfs" "$dir" "${TIMEOUT:-1200}" "KAB_CONFIG=$config" ${BOOT_WORDS:-} || return 1
	cp "$dir/sim.csv" "$dir/sim.json" "$run_dir/"
}

if [ "$mode" = host ]; then
	. "$KAB_ROOT/scripts/host.sh"
	host_check_request
fi

# Guests of one `make compare` start side by side: one prepares at a time,
# the others then find everything built.
mkdir -p "$KAB_BUILD"
exec 9> "$KAB_BUILD/.prepare.lock"
flock 9
if [ "$mode" = host ]; then
	"$KAB_ROOT/scripts/setup.sh" --host
	host_prepare
	"$runner" check "$sweep" >&2 || exit 2
	kernel=host time_mode=host
	[ -z "$("$runner" check --get tlb_model "$sweep")" ] ||
		kab_say "the simulated MMU needs QEMU's TCG; on the host the hardware's own TLB counters count: running without the sweep's tlb_model"
	KAB_TLB_MODELS=none
else
	"$KAB_ROOT/scripts/setup.sh"
	prepare_guest
fi
# Several CPUs under icount boot QEMU 10 (kab_guest_qemu).
! kab_icount_smp "$time_mode" || "$KAB_ROOT/scripts/fetch-qemu.sh"
flock -u 9

sweep_name=$(basename "$sweep" .conf)
run_id=${RUN_ID:-$(date -u +%Y%m%d-%H%M%S)-$kernel-$sweep_name-${time_mode#qemu-}}
run_dir=$results/$run_id
mkdir -p "$run_dir"
cp "$sweep" "$run_dir/sweep.conf"
if [ "$mode" != host ]; then
	initramfs=$KAB_BUILD/initramfs-${run_id//\//-}.cpio.gz
	KERNEL_BUILD=$KAB_KERNEL_BUILD \
		"$KAB_ROOT/scripts/build-initramfs.sh" "$initramfs" "$module" "$sweep" ${GUEST_TESTS:-}
	trap 'rm -f "$initramfs"' EXIT
fi

kab_say "run $run_id: kernel $KAB_KERNEL_RELEASE, sweep $sweep_name, mode $time_mode"
guest_ok=1
# Ctrl-C (or a TERM) stops the guest (run-guest.sh shuts it down) or the
# host's runner (run-host.sh unloads the module), and this script goes on
# to collect every case that finished before it exits 130.
interrupted=
trap 'interrupted=1' INT TERM
mode_facts=()
if [ "$mode" = host ]; then
	host_cpu=$(host_choose_cpu)
	host_facts "$host_cpu"
	mode_facts=(--fact accel=none "${host_fact_args[@]}")
	"$KAB_ROOT/scripts/run-host.sh" "$module" "$sweep" "$run_dir" "$host_cpu" \
		"$host_memory_permille" "$config" || guest_ok=0
else
	"$KAB_ROOT/scripts/run-guest.sh" "$kernel" "$time_mode" "$initramfs" "$run_dir" \
		"${TIMEOUT:-1200}" "KAB_CONFIG=$config" ${BOOT_WORDS:-} || guest_ok=0
	tlbsim_boot_fact=
	if [ -n "$tlbsim_boot_models" ] && { [ "$guest_ok" = 0 ] || [ -n "$interrupted" ]; }; then
		tlbsim_boot_fact="none: the run's boot did not finish, so no second boot counted the models"
	elif [ -n "$tlbsim_boot_models" ]; then
		tlbsim_boot_fact="a second boot, in qemu-icount (tlbsim-boot/)"
		tlbsim_boot || {
			guest_ok=0
			tlbsim_boot_fact="$tlbsim_boot_fact, which did not finish: no simulated counts"
		}
	elif [ "$KAB_TLB_MODELS" != none ]; then
		tlbsim_boot_fact="the run's boot"
	fi
	accel=tcg
	[ "$time_mode" = qemu-kvm ] && accel=kvm
	mode_facts=(
		--fact "accel=$accel"
		--fact "boot_words=${BOOT_WORDS:-}"
		--fact "memory_mb=${KAB_MEMORY_MB:-$KAB_KERNEL_MEMORY_MB}"
		--fact-file "qemu.command=$run_dir/qemu-command"
		--fact "qemu.version=$(KAB_SIM_OUTDIR=$run_dir kab_guest_qemu "$KAB_KERNEL_QEMU" "$time_mode" && "$KAB_QEMU" --version | head -n 1)"
		--fact "tlbsim.models=${tlbsim_boot_models:-$KAB_TLB_MODELS}"
		--fact "qemu.cpus=${CPUS:-1}"
		--fact "qemu.numa_nodes=${NUMA:-1}"
		--fact "memcg=$(sed -n 's/^KAB-MEMCG \([^\r]*\).*/\1/p' "$run_dir/console.log" | head -n 1)"
		--fact "host.kernel=$(uname -r)"
		--fact "host.cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
		--fact "host.cores=$(nproc)"
	)
	# Which boot counted the simulated MMU, in a run that asked for it.
	[ -z "$tlbsim_boot_fact" ] || mode_facts+=(--fact "tlbsim.boot=$tlbsim_boot_fact")
fi

# Collect whatever the guest streamed, even after a failure: every finished
# case is kept.
config_facts=()
while IFS= read -r line; do
	config_facts+=(--fact "kernel.config.$line")
done < <(grep -E '^CONFIG_(SLUB|SLAB|SLOB|SLUB_DEBUG_ON|INIT_ON_ALLOC_DEFAULT_ON|INIT_ON_FREE_DEFAULT_ON|PREEMPT|PREEMPT_RT|PREEMPT_VOLUNTARY|PREEMPT_DYNAMIC|PREEMPT_LAZY|SLAB_FREELIST_HARDENED|SLAB_FREELIST_RANDOM|SLAB_BUCKETS|RANDOM_KMALLOC_CACHES|MEM_ALLOC_PROFILING|HZ|VMAP_STACK|FRAME_WARN|TRANSPARENT_HUGEPAGE|HAVE_ARCH_HUGE_VMALLOC|NUMA|KFENCE|KASAN|MEMCG|ZONE_DMA|ZONE_DMA32|HIGHMEM|HIGHMEM4G|HIGHMEM64G|X86_PAE|VMSPLIT_3G)=' \
	"$KAB_KERNEL_BUILD/.config" 2>/dev/null || true)
"$runner" collect --serial "$run_dir/stream.raw" --out "$run_dir" \
	--fact "run_id=$run_id" \
	--fact "created=$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
	--fact "mode=$time_mode" \
	--fact "icount=$([ "$time_mode" = qemu-icount ] && echo true || echo false)" \
	--fact "config=$config" \
	--fact "kernel.name=$kernel" \
	--fact "kernel.release=$KAB_KERNEL_RELEASE" \
	--fact "kernel.arch=${KAB_GUEST_ARCH:-$KAB_KERNEL_ARCH}" \
	--fact "kernel.package_version=$KAB_KERNEL_VERSION" \
	--fact "kernel.suite=${KAB_KERNEL_SUITE:-$(. /etc/os-release && echo "$VERSION_CODENAME")}" \
	--fact "sweep.name=$sweep_name" \
	--fact-file "sweep.text=$sweep" \
	"${mode_facts[@]}" \
	--fact "tools.gcc=$(gcc --version | head -n 1)" \
	--fact "tools.gnuplot=$(gnuplot --version)" \
	--fact "tools.kallocbench=$(git -C "$KAB_ROOT" describe --always --dirty 2>/dev/null || echo unknown)" \
	"${config_facts[@]}" >&2 || guest_ok=0

# The terminal gets the counts (ran, refused, failed), a few landmark sizes
# and orders, every refused case and every case that failed every time;
# summary.txt has the whole table.
print_brief_summary() {
	"$runner" summary --landmarks "$run_dir"
	! rows "$run_dir/cases.csv" || echo "(every case: $run_dir/summary.txt)"
}

# The simulated MMU's counts beside every row, and its model in meta.json.
if [ -f "$run_dir/sim.csv" ]; then
	"$runner" tlbsim join "$run_dir" >&2 || guest_ok=0
fi

ln -sfn "$run_id" "$results/latest"
rows() { [ -f "$1" ] && [ "$(wc -l < "$1")" -gt 1 ]; }
if [ -n "$interrupted" ]; then
	finished=0
	for file in cases.csv access.csv; do
		rows "$run_dir/$file" && finished=$((finished + $(wc -l < "$run_dir/$file") - 1))
	done
	kab_say "interrupted: the $finished cases that finished are in $run_dir (cases.csv, access.csv); make plots RUN=$run_dir draws them"
	exit 130
fi
# A plot that cannot be drawn fails the run, after the summary.
plots_ok=1
if rows "$run_dir/cases.csv" || rows "$run_dir/access.csv"; then
	"$KAB_ROOT/scripts/plot.sh" "$run_dir" || plots_ok=0
fi
if rows "$run_dir/cases.csv" || rows "$run_dir/access.csv"; then
	"$runner" summary "$run_dir" > "$run_dir/summary.txt"
	print_brief_summary
fi
# The tradeoff in brief: the random pattern's break-even, unfragmented, at
# a few sizes, vmalloc against kmalloc and against vmalloc_huge.
if [ -s "$run_dir/breakeven.txt" ]; then
	echo "break-even, random pattern (every size, pattern, state and pair: $run_dir/breakeven.csv):"
	grep -E '^(64K|1M|4M|16M|64M) +random +none +- +vmalloc +vs (kmalloc|vmalloc_huge) ' \
		"$run_dir/breakeven.txt" || true
fi
kab_say "results: $run_dir ($(($(date +%s) - started)) s)"
[ "$guest_ok" -eq 1 ] || kab_die "the run did not complete; the finished cases are in $run_dir"
[ "$plots_ok" -eq 1 ] || kab_die "plotting failed (see above); the results are in $run_dir"
