# kallocbench: `make bench` measures, `make test` runs every test.
#
#   make bench [KERNEL=debian-6.1] [SWEEP=default] [MODE=auto|kvm|tcg|icount]
#              [BOOT_WORDS="seed=2 init_on_alloc=0"] [CONFIG=label]
#   make test            unit tests (also under ASan/UBSan), module W=1 and
#                        sparse builds on 6.1, 6.1-rt and 6.12, the QEMU
#                        integration test, the access benchmark under TCG
#                        and the PREEMPT_RT boot
#   make check-sweeps    validate every sweep in configs/sweeps
#   make plots RUN=results/<run-id>
#   make clean           remove build/ (the kernel cache included)

KERNEL ?= debian-6.1
SWEEP ?= default
MODE ?= auto
BUILD := $(CURDIR)/build
RUNNER := $(BUILD)/runner/kallocbench
export KERNEL SWEEP MODE BOOT_WORDS CONFIG RUN_ID TIMEOUT

.PHONY: bench test setup runner module unit-test module-test config-test \
	integration-test access-test rt-test check-sweeps plots reference clean

bench:
	@scripts/bench.sh

setup:
	@scripts/setup.sh

runner: setup
	@$(MAKE) -s -C runner BUILD=$(BUILD)/runner

module: setup
	@scripts/fetch-kernel.sh $(KERNEL)
	@scripts/build-module.sh $(KERNEL)

test: unit-test module-test config-test integration-test access-test rt-test

unit-test: setup
	@$(MAKE) -s -C runner BUILD=$(BUILD)/runner test

# The module must build cleanly on the kernels Debian 12 ships.
module-test: setup
	@tests/module-build.sh debian-6.1
	@tests/module-build.sh debian-6.1-rt
	@tests/module-build.sh debian-6.12

config-test: runner
	@tests/config-errors.sh

integration-test: runner
	@tests/integration.sh

# The access benchmark where time is the host's (TCG without icount).
access-test: runner
	@tests/access.sh

# Atomic contexts on PREEMPT_RT: what RT forbids is refused, the rest runs.
rt-test: runner
	@tests/rt.sh

check-sweeps: runner
	@for f in configs/sweeps/*.conf; do $(RUNNER) check $$f || exit 2; done

plots:
	@test -n "$(RUN)" || { echo "usage: make plots RUN=results/<run-id>" >&2; exit 2; }
	@scripts/plot.sh $(RUN)

# The small run shown in the README; committed on purpose.
reference:
	@RUN_ID=reference MODE=icount SWEEP=reference scripts/bench.sh

clean:
	rm -rf $(BUILD)
