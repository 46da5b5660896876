# kallocbench: `make bench` measures, `make test` runs every test.
#
#   make bench [KERNEL=debian-6.1] [SWEEP=default] [MODE=auto|kvm|tcg|icount]
#              [BOOT_WORDS="seed=2 init_on_alloc=0"] [CONFIG=label]
#   make test            unit tests of the runner and of the simulated MMU's
#                        model (also under ASan/UBSan), module W=1 and
#                        sparse builds on every kernel file, the QEMU
#                        integration test, the fragmentation
#                        test, the access benchmark under TCG, the
#                        simulated MMU in QEMU (icount, skylake-sp and
#                        zen4), the PREEMPT_RT
#                        boot, the 32-bit 686-pae (HighMem) boot, a
#                        three-target comparison, an A/A comparison, the
#                        facts, a Ctrl-C of a real run, the ABI fuzzer
#                        with the OOM-prone pressure cases, KVM's command
#                        line and probe against a stand-in QEMU,
#                        MODE=host's refusals and cases on two CPUs at
#                        once (icount); beside them, the debug kernel
#                        (debug-test) and MODE=host in a QEMU "host"
#                        (host-test)
#   make bench MODE=host HOST_OK=1 [HOST_CPU=N] [HOST_MEMORY_PERMILLE=100]
#                        the running kernel itself, as root (README, Host)
#   make compare TARGETS="debian-6.1 debian-6.12"   (or debian-6.1+init_on_alloc=0)
#   make compare RUNS="results/A results/B"
#   make facts [TARGETS="debian-6.1 debian-6.12 debian-6.1+memory=8192"]
#                        textbook claims measured on each target, side by side
#   make check-sweeps    validate every sweep in configs/sweeps
#   make plots RUN=results/<run-id>
#   make clean           remove build/ (the kernel cache included)

# SWEEP and MODE default in the scripts: bench.sh (default, auto) and
# compare.sh (compare, icount) want different ones.
KERNEL ?= debian-6.1
BUILD := $(CURDIR)/build
RUNNER := $(BUILD)/runner/kallocbench
export KERNEL SWEEP MODE BOOT_WORDS CONFIG RUN_ID TIMEOUT TARGETS RUNS JOBS BOOTS \
	COMPARE_ID MEMORY_MB CPUS NUMA FACTS_ID TLB_MODEL HOST_OK HOST_CPU \
	HOST_MEMORY_PERMILLE

.PHONY: bench test setup runner module unit-test module-test config-test \
	integration-test frag-test access-test tlbsim-test rt-test i386-test \
	compare-test aa-test test-setup check-sweeps compare plots reference clean \
	facts facts-test interrupt-test fuzz-test kvm-test host-refusal-test \
	host-test cpus-test numa-test debug-test integration-7.3-test \
	tlbsim-boot-test

bench:
	@scripts/bench.sh

setup:
	@scripts/setup.sh

runner: setup
	@$(MAKE) -s -C runner BUILD=$(BUILD)/runner

module: setup
	@scripts/fetch-kernel.sh $(KERNEL)
	@scripts/build-module.sh $(KERNEL)

# make test: TESTS one after the other and, beside them on the machine's
# second core, SIDE_TESTS, long boots of one vCPU (tests/lanes.sh).
TESTS := unit-test kvm-test host-refusal-test module-test config-test \
	integration-test frag-test access-test tlbsim-test rt-test i386-test \
	compare-test aa-test facts-test interrupt-test fuzz-test cpus-test \
	numa-test
SIDE_TESTS := debug-test integration-7.3-test host-test tlbsim-boot-test
test: test-setup runner
	@tests/lanes.sh "$(TESTS)" "$(SIDE_TESTS)"

# Everything any test installs, before two lanes could run apt at once.
test-setup:
	@scripts/setup.sh --tests --debug-kernel --arch i386

# The runner's unit tests, then the simulated MMU's model (tlbsim/) on
# synthetic address streams, without QEMU or glib; plain and under ASan/UBSan.
unit-test: setup
	@$(MAKE) -s -C runner BUILD=$(BUILD)/runner test
	@$(MAKE) -s -C tlbsim BUILD=$(BUILD)/tlbsim test

# The module must build cleanly on every shipped kernel (configs/kernels),
# those of Debian 13 and later in their release's build root; the debug
# kernel, built from source, is debug-test's (tests/debug.sh checks it).
module-test: setup
	@for conf in configs/kernels/*.conf; do \
		! grep -qx 'source = debian-source' "$$conf" || continue; \
		tests/module-build.sh "$$(basename "$$conf" .conf)" || exit 1; \
	done

# KVM where there is none: the command line of each mode of time, and the
# probe of MODE=auto against a QEMU that hangs, boots or is missing.
kvm-test:
	@tests/kvm.sh

# MODE=host refuses before anything is built or loaded: no HOST_OK=1, not
# root, a guest's make-line values; and what it records about the machine.
host-refusal-test:
	@tests/host-refusal.sh

# MODE=host end to end inside a QEMU "host": a debootstrapped Debian 12
# (cached) on the default kernel runs make bench MODE=host HOST_OK=1 twice
# and once interrupted (see README, Host).
host-test: test-setup runner
	@tests/host.sh

config-test: runner
	@tests/config-errors.sh
	@tests/console-check.sh

# On the default kernel, where the allocators of 6.18 and later are refused
# saying since when.
integration-test: runner
	@tests/integration.sh

# The simulated MMU beside a run it cannot watch (KVM's): a TCG run with
# its models counted in a second boot, in icount, joined to its rows, and
# the plots of hardware counts with the simulated ones beside them.
tlbsim-boot-test: runner
	@tests/tlbsim-boot.sh

# The same on the newest kernel (debian-7.3), where they run: one icount
# boot; determinism and a guest killed mid-sweep are integration-test's.
integration-7.3-test: runner
	@KERNEL=debian-7.3 INTEGRATION_BOOTS=1 tests/integration.sh

# Fragmentation levels: high orders fail, release and compaction recover.
frag-test: runner
	@tests/frag.sh

# Three targets side by side: init_on_alloc=1 vs 0 on 6.1, and 6.12.
compare-test: test-setup runner
	@tests/compare.sh

# A/A: 6.1 against 6.1 with a redundant boot word, three boots each: no
# change may be marked.
aa-test: test-setup runner
	@tests/aa.sh

# The access benchmark where time is the host's (TCG without icount).
access-test: runner
	@tests/access.sh

# The simulated MMU in QEMU (icount, both CPU models): walks per page of
# 4 KiB, 2 MiB and direct-map buffers, vfree's flushes, rep-string work,
# two identical boots, and the model's QEMU with and without the plugin.
tlbsim-test: runner
	@tests/tlbsim.sh

# `kallocbench facts` on the default kernel: each claim's measurement, the
# guest probe ABI test, a clean console.
facts-test: runner
	@tests/facts.sh

# Atomic contexts on PREEMPT_RT: what RT forbids is refused, the rest runs
# (kmalloc_nolock too, on 6.18 and later). RT_KERNEL=debian-7.3-rt tests/rt.sh
# runs it on 7.3-rt, where every case check passes but not yet the guest ABI
# test: its pressure test saw GFP_ATOMIC fail 5160 of 7720 and GFP_NOWAIT 0,
# the min watermark having risen from 3362 to 6950 pages between the two.
rt-test: runner
	@tests/rt.sh

# The 32-bit 686-pae kernel with HighMem: kmalloc pages low, vmalloc high.
i386-test: runner
	@tests/i386.sh

# Two NUMA nodes: kmalloc_node and alloc_pages_node local and remote.
numa-test: runner
	@tests/numa.sh

# Ctrl-C mid-sweep: the guest shut down, every finished case collected.
interrupt-test: runner
	@tests/interrupt.sh

# The ABI under attack: cases that would wake the OOM killer under pressure
# are refused, then the seeded fuzzer; one TCG boot of one CPU, about 8
# minutes here. Free memory must be back after rmmod, but for what the
# kernel keeps and says it keeps (vmalloc's page tables included).
fuzz-test: runner
	@tests/fuzz.sh

# Cases on two CPUs at once in an icount guest of two: per-CPU histograms
# and operations, overlapping loops, remote frees on the other CPU, the
# refused combinations, a SIGINT mid-case and rmmod after it.
cpus-test: runner
	@tests/cpus.sh

# The debug kernel (built once from Debian's linux-source with KASAN,
# lockdep, kmemleak and fault injection, then cached): the integration and
# atomic sweeps, the ABI test and the fuzzer with allocations failed on
# purpose, kmemleak after rmmod, and planted bugs each detector must catch.
debug-test: runner
	@tests/debug.sh

check-sweeps: runner
	@for f in configs/sweeps/*.conf; do $(RUNNER) check $$f || exit 2; done

# TARGETS="debian-6.1 debian-6.12" or "debian-6.1 debian-6.1+init_on_alloc=0",
# or RUNS="results/A results/B": see scripts/compare.sh.
compare:
	@scripts/compare.sh

# TARGETS="debian-6.1 debian-6.12" (default: KERNEL): see scripts/facts.sh.
facts:
	@scripts/facts.sh

plots:
	@test -n "$(RUN)" || { echo "usage: make plots RUN=results/<run-id>" >&2; exit 2; }
	@scripts/plot.sh $(RUN)

# The small run shown in the README; committed on purpose.
reference:
	@RUN_ID=reference MODE=icount SWEEP=reference scripts/bench.sh

clean:
	rm -rf $(BUILD)
