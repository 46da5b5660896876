// SPDX-License-Identifier: GPL-2.0
/*
 * Runs inside the guest against the loaded module: every malformed request
 * gets its errno (and a reason where the ABI promises one), a valid one is
 * measured and accounted for completely.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "guest.h"

static struct kab_case valid_case(void)
{
	struct kab_case c = {
		.size = sizeof(c),
		.abi_version = KAB_ABI_VERSION,
		.allocator = KAB_ALLOC_kmalloc,
		.context = KAB_CONTEXT_process,
		.pattern = KAB_PATTERN_pair,
		.gfp = GFP(GFP_KERNEL),
		.size_bytes = 64,
		.iterations = 100,
	};
	return c;
}

/* Sends @c and returns the errno of a failure, 0 on success. */
static int run_case(struct kab_case *c)
{
	return ioctl(device, KAB_IOC_RUN_CASE, c) ? errno : 0;
}

static void assert_refused(struct kab_case c, int expected_errno)
{
	assert_int_equal(run_case(&c), expected_errno);
	assert_true(c.reason[0] != '\0');
	print_message("refused with %s: %s\n", strerrorname_np(expected_errno),
		      c.reason);
}

static void test_info_describes_the_kernel(void **state)
{
	(void)state;
	assert_int_equal(info.abi_version, KAB_ABI_VERSION);
	assert_int_equal(info.page_size, sysconf(_SC_PAGESIZE));
	assert_true(info.nr_page_orders >= 10);
	assert_true(info.kmalloc_max_size >= 2 * info.page_size);
	assert_true(info.max_iterations > 0);
	assert_true(info.thread_size >= info.page_size);
}

static void test_info_with_wrong_size_is_refused(void **state)
{
	struct kab_info short_info = { .size = sizeof(short_info) - 8,
				       .abi_version = KAB_ABI_VERSION };

	(void)state;
	assert_int_equal(ioctl(device, KAB_IOC_INFO, &short_info), -1);
	assert_int_equal(errno, EINVAL);
}

static void test_wrong_abi_version_is_refused(void **state)
{
	struct kab_case c = valid_case();

	(void)state;
	c.abi_version = KAB_ABI_VERSION + 1;
	assert_int_equal(run_case(&c), EINVAL);
}

static void test_wrong_version_learns_the_module_version(void **state)
{
	struct kab_info old = { .size = sizeof(old), .abi_version = 0 };

	(void)state;
	assert_int_equal(ioctl(device, KAB_IOC_INFO, &old), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(old.abi_version, KAB_ABI_VERSION);
}

static void test_wrong_request_size_is_refused(void **state)
{
	struct kab_case c = valid_case();

	(void)state;
	c.size = sizeof(c) - 8;
	assert_int_equal(run_case(&c), EINVAL);
}

static void test_unknown_allocator_is_refused(void **state)
{
	struct kab_case c = valid_case();

	(void)state;
	c.allocator = KAB_NR_ALLOCATORS;
	assert_refused(c, EINVAL);
}

static void test_unknown_gfp_flag_is_refused(void **state)
{
	struct kab_case c = valid_case();

	(void)state;
	c.gfp |= 1U << KAB_NR_GFP_BITS;
	assert_refused(c, EINVAL);
}

static void test_two_base_gfp_masks_are_refused(void **state)
{
	struct kab_case c = valid_case();

	(void)state;
	c.gfp = GFP(GFP_KERNEL) | GFP(GFP_ATOMIC);
	assert_refused(c, EINVAL);
}

static void test_missing_base_gfp_mask_is_refused(void **state)
{
	struct kab_case c = valid_case();

	(void)state;
	c.gfp = GFP(__GFP_ZERO);
	assert_refused(c, EINVAL);
}

static void test_unknown_context_and_pattern_are_refused(void **state)
{
	struct kab_case c = valid_case();

	(void)state;
	c.context = KAB_NR_CONTEXTS;
	assert_refused(c, EINVAL);
	c = valid_case();
	c.pattern = KAB_NR_PATTERNS;
	assert_refused(c, EINVAL);
}

static void test_order_beyond_maximum_is_refused(void **state)
{
	struct kab_case c = valid_case();

	(void)state;
	c.allocator = KAB_ALLOC_alloc_pages;
	c.size_bytes = 0;
	c.order = info.nr_page_orders;
	assert_refused(c, EINVAL);
	c.order = UINT32_MAX;
	assert_refused(c, EINVAL);
}

static void test_absurd_iteration_counts_are_refused(void **state)
{
	struct kab_case c = valid_case();

	(void)state;
	c.iterations = info.max_iterations + 1;
	assert_refused(c, E2BIG);
	c.iterations = 0;
	assert_refused(c, EINVAL);
}

static void test_absurd_sizes_are_refused(void **state)
{
	struct kab_case c = valid_case();

	(void)state;
	c.allocator = KAB_ALLOC_vmalloc;
	c.size_bytes = UINT64_MAX;
	assert_refused(c, E2BIG);
	c = valid_case();
	c.pattern = KAB_PATTERN_batch;
	c.batch = 65536;
	c.size_bytes = 1 << 20;
	assert_refused(c, E2BIG);
}

static void test_bad_histogram_pointer_faults(void **state)
{
	struct kab_case c = valid_case();

	(void)state;
	c.alloc.hist = 8; /* an address no process maps */
	assert_int_equal(run_case(&c), EFAULT);
}

static void on_alarm(int signo)
{
	(void)signo;
}

/* A case of minutes ends within about a chunk once a signal arrives. */
static void test_a_signal_interrupts_a_long_case(void **state)
{
	struct sigaction action = { .sa_handler = on_alarm };
	struct kab_case c = valid_case();
	struct timespec start, end;

	(void)state;
	c.allocator = KAB_ALLOC_vmalloc;
	c.size_bytes = 1 << 20;
	c.iterations = 100000;
	assert_int_equal(sigaction(SIGALRM, &action, NULL), 0);
	clock_gettime(CLOCK_MONOTONIC, &start);
	alarm(1);
	assert_int_equal(run_case(&c), EINTR);
	clock_gettime(CLOCK_MONOTONIC, &end);
	assert_true(end.tv_sec - start.tv_sec < 5);
}

/* A batch that takes far longer than the case may run: about 0.3 s of
 * vmalloc(256K) in icount, and minutes where allocations fail slowly. */
static struct kab_case long_batch_case(void)
{
	struct kab_case c = valid_case();

	c.allocator = KAB_ALLOC_vmalloc;
	c.size_bytes = 256 << 10;
	c.pattern = KAB_PATTERN_batch;
	c.batch = 1024;
	c.iterations = 1 << 20;
	return c;
}

static double seconds_since(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - start->tv_sec) +
	       (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

/*
 * The whole of long_batch_case()'s batch, run to the end (nothing failed,
 * nothing left over from a case cut short before it); how long it took.
 * A batch cut part way must take well under it: a case that looked at its
 * limit and signals only between batches would take all of it. Relative,
 * so that a slow kernel (KASAN, lockdep) on a busy machine is no failure.
 */
static double whole_batch_seconds(void)
{
	struct kab_case c = long_batch_case();
	struct timespec start;

	c.iterations = c.batch;
	clock_gettime(CLOCK_MONOTONIC, &start);
	assert_int_equal(run_case(&c), 0);
	assert_int_equal(c.ops_done, c.batch);
	assert_int_equal(c.failures, 0);
	return seconds_since(&start);
}

/* The time limit ends a batch part way, not only between batches. */
static void test_time_limit_cuts_a_batch_short(void **state)
{
	struct kab_case c = long_batch_case();
	struct timespec start;
	double took, whole;

	(void)state;
	c.time_limit_ns = 20 * 1000 * 1000;
	clock_gettime(CLOCK_MONOTONIC, &start);
	assert_int_equal(run_case(&c), 0);
	took = seconds_since(&start);
	whole = whole_batch_seconds();
	print_message("batch of %u under a 20 ms limit: %llu operations, %.3f s (the whole batch: %.3f s)\n",
		      c.batch, (unsigned long long)c.ops_done, took, whole);
	assert_true(c.ops_done > 0);
	assert_true(c.ops_done < c.batch);
	assert_true(c.amortized_ops < c.batch);
	assert_true(took < whole / 2);
}

/* A signal ends a batch part way too, and nothing is left allocated. */
static void test_a_signal_interrupts_a_batch(void **state)
{
	struct sigaction action = { .sa_handler = on_alarm };
	struct itimerval timer = { .it_value = { .tv_usec = 50 * 1000 } };
	struct kab_case c = long_batch_case();
	struct timespec start;
	double took, whole;

	(void)state;
	assert_int_equal(sigaction(SIGALRM, &action, NULL), 0);
	clock_gettime(CLOCK_MONOTONIC, &start);
	assert_int_equal(setitimer(ITIMER_REAL, &timer, NULL), 0);
	assert_int_equal(run_case(&c), EINTR);
	took = seconds_since(&start);
	/* the module freed the batch: the same case runs again in full */
	whole = whole_batch_seconds();
	print_message("batch of %u interrupted after %.3f s (the whole batch: %.3f s)\n",
		      c.batch, took, whole);
	assert_true(took < whole / 2);
}

/*
 * A request whose user page stalls (userfaultfd) while the module copies it
 * in: the first half of a kab_case on an ordinary page, the rest on a page
 * userfaultfd holds missing for STALL_SECONDS, so that the module reads a
 * valid header and then waits in its copy. Meanwhile another file's case
 * and a third file's close must complete: the module holds its lock across
 * no user page fault.
 */
#define STALL_SECONDS 5

struct stall {
	int uffd;
	long page;
	char *area;
	struct kab_case *request;
	int err;
	volatile bool stalled;
	volatile bool released;
};

static void *stalled_ioctl(void *arg)
{
	struct stall *s = arg;
	int fd = open("/dev/" KAB_DEVICE_NAME, O_RDWR);

	s->err = ioctl(fd, KAB_IOC_RUN_CASE, s->request) ? errno : 0;
	close(fd);
	return NULL;
}

/* Waits for the module's fault on the missing page, holds it, fills it. */
static void *fault_holder(void *arg)
{
	struct stall *s = arg;
	struct pollfd pfd = { .fd = s->uffd, .events = POLLIN };
	struct uffd_msg msg;
	struct uffdio_zeropage zero = {
		.range = { .start = (uintptr_t)s->area + s->page,
			   .len = s->page },
	};

	if (poll(&pfd, 1, 30 * 1000) != 1 ||
	    read(s->uffd, &msg, sizeof(msg)) != sizeof(msg) ||
	    msg.event != UFFD_EVENT_PAGEFAULT)
		return NULL;
	s->stalled = true;
	sleep(STALL_SECONDS);
	s->released = true;
	ioctl(s->uffd, UFFDIO_ZEROPAGE, &zero);
	return NULL;
}

static void test_a_stalled_request_blocks_no_other_file(void **state)
{
	struct stall s = { .page = sysconf(_SC_PAGESIZE) };
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg = { .mode = UFFDIO_REGISTER_MODE_MISSING };
	struct kab_case c = valid_case(), header = valid_case();
	pthread_t caller, holder;
	bool case_done_in_stall, close_done_in_stall;
	int fd;

	(void)state;
	s.uffd = syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	assert_true(s.uffd >= 0);
	assert_int_equal(ioctl(s.uffd, UFFDIO_API, &api), 0);
	s.area = mmap(NULL, 2 * s.page, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(s.area != MAP_FAILED);
	reg.range.start = (uintptr_t)s.area + s.page;
	reg.range.len = s.page;
	assert_int_equal(ioctl(s.uffd, UFFDIO_REGISTER, &reg), 0);
	/* The header on the ordinary page, the rest on the missing one. */
	s.request = (struct kab_case *)(s.area + s.page - 8);
	memcpy(s.request, &header, 8);
	assert_int_equal(pthread_create(&holder, NULL, fault_holder, &s), 0);
	assert_int_equal(pthread_create(&caller, NULL, stalled_ioctl, &s), 0);
	while (!s.stalled)
		usleep(10 * 1000);

	assert_int_equal(run_case(&c), 0);
	case_done_in_stall = !s.released;
	fd = open("/dev/" KAB_DEVICE_NAME, O_RDWR);
	assert_true(fd >= 0);
	assert_int_equal(close(fd), 0);
	close_done_in_stall = !s.released;

	pthread_join(caller, NULL);
	pthread_join(holder, NULL);
	print_message("during a %d s stall of another file's request: case %s, close %s; the stalled request: %s\n",
		      STALL_SECONDS,
		      case_done_in_stall ? "completed" : "waited",
		      close_done_in_stall ? "completed" : "waited",
		      strerrorname_np(s.err));
	/* The zero page behind the header asks for 0 iterations. */
	assert_int_equal(s.err, EINVAL);
	assert_true(case_done_in_stall);
	assert_true(close_done_in_stall);
	munmap(s.area, 2 * s.page);
	close(s.uffd);
}

static void test_unknown_ioctl_is_not_a_tty_ioctl(void **state)
{
	(void)state;
	assert_int_equal(ioctl(device, _IO(KAB_IOC_MAGIC, 99)), -1);
	assert_int_equal(errno, ENOTTY);
}

static void test_valid_case_accounts_for_every_operation(void **state)
{
	static uint32_t alloc_hist[KAB_HIST_BUCKETS], free_hist[KAB_HIST_BUCKETS];
	struct kab_case c = valid_case();
	uint64_t alloc_count = 0, free_count = 0;

	(void)state;
	c.iterations = 1000;
	c.alloc.hist = (uintptr_t)alloc_hist;
	c.free.hist = (uintptr_t)free_hist;
	assert_int_equal(run_case(&c), 0);
	assert_int_equal(c.ops_done, 1000);
	assert_int_equal(c.amortized_ops, 1000);
	assert_int_equal(c.failures, 0);
	for (unsigned int i = 0; i < KAB_HIST_BUCKETS; i++) {
		alloc_count += alloc_hist[i];
		free_count += free_hist[i];
	}
	assert_int_equal(alloc_count, 1000);
	assert_int_equal(free_count, 1000);
	assert_true(c.alloc.min_ns <= c.alloc.max_ns);
	assert_true(c.pair_amortized_ns > 0);
}

/* Every context but process, in list order. */
static const enum kab_context atomic_contexts[] = {
	KAB_CONTEXT_preempt_off, KAB_CONTEXT_spinlock, KAB_CONTEXT_irq_off,
	KAB_CONTEXT_softirq, KAB_CONTEXT_hardirq,
};
#define NR_ATOMIC_CONTEXTS (sizeof(atomic_contexts) / sizeof(atomic_contexts[0]))

/* The contexts PREEMPT_RT forbids allocating in. */
static bool forbidden_on_rt(enum kab_context context)
{
	return context == KAB_CONTEXT_preempt_off ||
	       context == KAB_CONTEXT_irq_off || context == KAB_CONTEXT_hardirq;
}

static void assert_refused_saying(struct kab_case c, const char *words)
{
	assert_int_equal(run_case(&c), EINVAL);
	print_message("context %u: %s\n", c.context, c.reason);
	assert_non_null(strstr(c.reason, words));
}

static void test_sleeping_requests_are_refused_outside_process(void **state)
{
	(void)state;
	for (size_t i = 0; i < NR_ATOMIC_CONTEXTS; i++) {
		struct kab_case c = valid_case();
		bool rt = info.preempt_rt && forbidden_on_rt(atomic_contexts[i]);

		c.context = atomic_contexts[i];
		assert_refused_saying(c, rt ? "PREEMPT_RT" : "direct reclaim");
		c.allocator = KAB_ALLOC_kvmalloc;
		assert_refused_saying(c, rt ? "PREEMPT_RT" : "direct reclaim");
		c.allocator = KAB_ALLOC_vmalloc;
		c.size_bytes = 65536;
		assert_refused_saying(c, rt ? "PREEMPT_RT" : "may sleep");
	}
}

static void test_atomic_limit_beyond_maximum_is_refused(void **state)
{
	struct kab_case c = valid_case();

	(void)state;
	c.atomic_limit_ns = KAB_ATOMIC_LIMIT_MAX_NS + 1;
	assert_refused(c, EINVAL);
}

static void test_unknown_pressure_is_refused(void **state)
{
	struct kab_case c = valid_case();

	(void)state;
	c.pressure = KAB_NR_PRESSURES;
	assert_refused_saying(c, "pressure");
	c = valid_case();
	c.pressure_reserved = 1;
	assert_refused(c, EINVAL);
}

/*
 * Under pressure "low" the module holds pages until free memory is below
 * the low watermarks, runs a batch of order-0 pages as large as the low
 * watermarks, and gives everything back. GFP_ATOMIC may dip below the min
 * watermark where GFP_NOWAIT may not: it never fails more often.
 */
static void test_pressure_low_shows_what_gfp_atomic_buys(void **state)
{
	static const enum kab_context contexts[] = {
		KAB_CONTEXT_process, KAB_CONTEXT_spinlock, KAB_CONTEXT_softirq,
	};
	struct kab_case probe = valid_case();
	uint64_t batch;

	(void)state;
	assert_int_equal(run_case(&probe), 0);
	assert_int_equal(probe.pressure_pages_held, 0);
	assert_true(probe.wmark_min > 0 && probe.wmark_low > probe.wmark_min);
	batch = probe.wmark_low;
	for (size_t i = 0; i < sizeof(contexts) / sizeof(contexts[0]); i++) {
		struct kab_case result[2];

		for (int atomic = 0; atomic < 2; atomic++) {
			struct kab_case c = valid_case();

			c.allocator = KAB_ALLOC_alloc_pages;
			c.size_bytes = 0;
			c.order = 0;
			c.context = contexts[i];
			c.gfp = atomic ? GFP(GFP_ATOMIC) : GFP(GFP_NOWAIT);
			c.pattern = KAB_PATTERN_batch;
			c.batch = (uint32_t)batch;
			c.iterations = 2 * batch;
			c.pressure = KAB_PRESSURE_low;
			assert_int_equal(run_case(&c), 0);
			print_message("pressure low, %s, %s: held %llu, free %llu -> %llu -> %llu, per-cpu %llu -> %llu, atomic reserve %llu, min %llu, low %llu, failures %llu of %llu\n",
				      atomic ? "GFP_ATOMIC" : "GFP_NOWAIT",
				      c.context_mechanism,
				      (unsigned long long)c.pressure_pages_held,
				      (unsigned long long)c.free_pages_start,
				      (unsigned long long)c.free_pages_before,
				      (unsigned long long)c.free_pages_after,
				      (unsigned long long)c.pcp_pages_start,
				      (unsigned long long)c.pcp_pages_after,
				      (unsigned long long)c.highatomic_pages,
				      (unsigned long long)c.wmark_min,
				      (unsigned long long)c.wmark_low,
				      (unsigned long long)c.failures,
				      (unsigned long long)c.ops_done);
			assert_true(c.pressure_pages_held > 0);
			assert_true(c.free_pages_before - c.highatomic_pages <
				    c.wmark_low);
			/* Back within 1%, the per-CPU free lists counted. */
			assert_true((c.free_pages_after + c.pcp_pages_after) *
				    100 >= (c.free_pages_start +
					    c.pcp_pages_start) * 99);
			assert_true(c.ops_done > 0);
			result[atomic] = c;
		}
		/* failures / ops_done: GFP_ATOMIC's is at most GFP_NOWAIT's */
		assert_true(result[1].failures * result[0].ops_done <=
			    result[0].failures * result[1].ops_done);
	}
}

/*
 * kmalloc(256, GFP_ATOMIC) in every atomic context: every operation is
 * counted, none fails, and the module says how it got there. A chunk that
 * ran outside its context (say, the hardirq one outside in_hardirq()) would
 * have failed the case with EPROTO. With an atomic limit of 1 ns every chunk
 * is cut after its first operation, which must not lose any either.
 */
static void test_atomic_contexts_count_every_operation(void **state)
{
	(void)state;
	for (size_t i = 0; i < NR_ATOMIC_CONTEXTS; i++) {
		for (uint64_t limit = 0; limit <= 1; limit++) {
			struct kab_case c = valid_case();

			c.context = atomic_contexts[i];
			c.gfp = GFP(GFP_ATOMIC);
			c.size_bytes = 256;
			c.warmup = 10;
			c.atomic_limit_ns = limit;
			if (info.preempt_rt && forbidden_on_rt(c.context)) {
				assert_refused_saying(c, "PREEMPT_RT");
				continue;
			}
			assert_int_equal(run_case(&c), 0);
			print_message("context %u via %s on CPU %u: overhead %llu ns\n",
				      c.context, c.context_mechanism,
				      c.context_cpu,
				      (unsigned long long)c.context_overhead_ns);
			assert_int_equal(c.ops_done, c.iterations);
			assert_int_equal(c.amortized_ops, c.iterations);
			assert_int_equal(c.failures, 0);
			assert_int_equal(c.amortized_failures, 0);
			assert_int_equal(c.atomic_limit_ns,
					 limit ? limit : KAB_ATOMIC_LIMIT_DEFAULT_NS);
			assert_true(c.context_cpu != KAB_CPU_MIXED);
			assert_true(c.context_mechanism[0] != '\0');
			if (c.context == KAB_CONTEXT_hardirq)
				assert_string_equal(c.context_mechanism,
						    "irq_work-hard");
		}
	}
}

/*
 * Whether the running kernel is 6.18 or later, the first with
 * kmalloc_nolock(), alloc_pages_nolock(gfp, nid, order) and cache sheaves
 * (bench-mod/compat.h).
 */
static bool kernel_has_nolock_and_sheaves(void)
{
	struct utsname u;
	unsigned int major = 0, minor = 0;

	assert_int_equal(uname(&u), 0);
	assert_int_equal(sscanf(u.release, "%u.%u", &major, &minor), 2);
	return major > 6 || (major == 6 && minor >= 18);
}

/*
 * kmalloc_nolock and alloc_pages_nolock: only GFP_NOWAIT, and then every
 * context; kmalloc_nolock on PREEMPT_RT too (its free only trylocks as
 * well), alloc_pages_nolock there only where __free_pages() may run. An
 * older kernel refuses both, saying since when they exist.
 */
static void test_nolock_allocators_run_in_every_context(void **state)
{
	static const enum kab_allocator nolock[] = {
		KAB_ALLOC_kmalloc_nolock, KAB_ALLOC_alloc_pages_nolock,
	};
	bool have = kernel_has_nolock_and_sheaves();

	(void)state;
	for (size_t a = 0; a < sizeof(nolock) / sizeof(nolock[0]); a++) {
		struct kab_case c = valid_case();

		c.allocator = nolock[a];
		if (nolock[a] == KAB_ALLOC_alloc_pages_nolock)
			c.size_bytes = 0;
		assert_refused_saying(c, have ? "GFP_NOWAIT" : "new in 6.18");
		c.gfp = GFP(GFP_NOWAIT);
		for (size_t i = 0; i <= NR_ATOMIC_CONTEXTS; i++) {
			c.context = i ? atomic_contexts[i - 1] : KAB_CONTEXT_process;
			if (!have) {
				assert_refused_saying(c, "new in 6.18");
				continue;
			}
			if (info.preempt_rt && forbidden_on_rt(c.context) &&
			    nolock[a] == KAB_ALLOC_alloc_pages_nolock) {
				assert_refused_saying(c, "PREEMPT_RT");
				continue;
			}
			assert_int_equal(run_case(&c), 0);
			print_message("allocator %u in context %u: %llu of %llu failed\n",
				      c.allocator, c.context,
				      (unsigned long long)c.failures,
				      (unsigned long long)c.ops_done);
			assert_int_equal(c.ops_done, c.iterations);
			if (!info.preempt_rt)
				assert_int_equal(c.failures, 0);
		}
	}
}

/* A cache with sheaves where the kernel has them; only kmem_cache_alloc's. */
static void test_sheaf_capacity_is_for_kmem_cache_alloc(void **state)
{
	struct kab_case c = valid_case();

	(void)state;
	c.sheaf_capacity = 32;
	assert_refused_saying(c, "kmem_cache_alloc");
	c.allocator = KAB_ALLOC_kmem_cache_alloc;
	if (!kernel_has_nolock_and_sheaves()) {
		assert_refused_saying(c, "new in 6.18");
		return;
	}
	assert_int_equal(run_case(&c), 0);
	assert_int_equal(c.ops_done, c.iterations);
	assert_int_equal(c.failures, 0);
}

/*
 * caches per_cpu: only for a row with a cache of its own, on 2 CPUs or
 * more; caches_used says how many caches the loops used (0 without one).
 */
static void test_caches_per_cpu_is_for_a_cache_on_several_cpus(void **state)
{
	struct kab_cpu_result results[2];
	struct kab_case c = valid_case();
	char buf[2 * (sizeof(struct kab_cpu_result) + 8 * KAB_HIST_BUCKETS)];

	(void)state;
	c.caches = KAB_CACHES_per_cpu;
	assert_refused_saying(c, "kmalloc has no cache of its own");
	c.allocator = KAB_ALLOC_kmem_cache_alloc;
	assert_refused_saying(c, "caches per_cpu needs cpus of 2 or more");
	c.caches = KAB_NR_CACHES;
	assert_refused_saying(c, "caches 2 is unknown");
	c.caches = KAB_CACHES_shared;
	c.caches_reserved = 1;
	assert_refused_saying(c, "caches_reserved");
	c.caches_reserved = 0;
	assert_int_equal(run_case(&c), 0);
	assert_int_equal(c.caches_used, 1);
	c = valid_case();
	assert_int_equal(run_case(&c), 0);
	assert_int_equal(c.caches_used, 0);
	if (info.online_cpus < 2)
		return;
	c.allocator = KAB_ALLOC_kmem_cache_alloc;
	c.cpus = 2;
	c.caches = KAB_CACHES_per_cpu;
	c.per_cpu = (uintptr_t)buf;
	assert_int_equal(run_case(&c), 0);
	memcpy(results, buf, sizeof(results));
	assert_int_equal(c.caches_used, 2);
	assert_int_not_equal(results[0].cache, results[1].cache);
}

static struct kab_frag frag_request(uint32_t kind, uint32_t touch_permille,
				     uint32_t keep_every)
{
	struct kab_frag f = {
		.size = sizeof(f),
		.abi_version = KAB_ABI_VERSION,
		.kind = kind,
		.touch_permille = touch_permille,
		.keep_every = keep_every,
	};
	return f;
}

/* Sends @f to FRAG_APPLY on @fd; the errno of a failure, 0 on success. */
static int frag_apply(int fd, struct kab_frag *f)
{
	return ioctl(fd, KAB_IOC_FRAG_APPLY, f) ? errno : 0;
}

/* The refused request comes back whole: plan, cap and reason. */
static void assert_frag_refused(struct kab_frag *f, int expected_errno,
				const char *words)
{
	assert_int_equal(frag_apply(device, f), expected_errno);
	print_message("fragmenter refused with %s: %s\n",
		      strerrorname_np(expected_errno), f->reason);
	assert_non_null(strstr(f->reason, words));
}

static void test_bad_fragmentation_requests_are_refused(void **state)
{
	struct kab_frag f = frag_request(KAB_FRAG_unmovable, 100, 16);

	(void)state;
	f.kind = KAB_NR_FRAG_KINDS;
	assert_frag_refused(&f, EINVAL, "kind");
	f = frag_request(KAB_FRAG_unmovable, 1001, 16);
	assert_frag_refused(&f, EINVAL, "touch_permille");
	f = frag_request(KAB_FRAG_movable, 100, 12);
	assert_frag_refused(&f, EINVAL, "power of two");
	f = frag_request(KAB_FRAG_unmovable, 100, 1);
	assert_frag_refused(&f, EINVAL, "power of two");
	f = frag_request(KAB_FRAG_unmovable, 0, 16);
	assert_frag_refused(&f, EINVAL, "keep_every must be 0");
	f = frag_request(KAB_FRAG_unmovable, 100, 16);
	f.reserved[1] = 1;
	assert_frag_refused(&f, EINVAL, "reserved");
	f = frag_request(KAB_FRAG_unmovable, 100, 16);
	f.cap_permille = KAB_FRAG_CAP_MAX_PERMILLE + 1;
	assert_frag_refused(&f, EINVAL, "hard maximum");
	f = frag_request(KAB_FRAG_unmovable, 100, 16);
	f.size--;
	assert_int_equal(frag_apply(device, &f), EINVAL);
}

/* Pinning every other page of all free memory is over any cap, both kinds. */
static void test_fragmentation_over_the_cap_is_refused(void **state)
{
	(void)state;
	for (uint32_t kind = 0; kind < KAB_NR_FRAG_KINDS; kind++) {
		struct kab_frag f = frag_request(kind, 1000, 2);

		f.cap_permille = 100;
		assert_frag_refused(&f, E2BIG, "above the cap");
		assert_true(f.pages_pinned > f.cap_pages);
	}
}

/*
 * MemFree plus the free pages waiting on the per-CPU lists (every "count:"
 * of /proc/zoneinfo), which MemFree leaves out: freed pages go there first.
 */
static long long mem_free_kb(void)
{
	char line[256];
	long long kb = -1, count, pcp = 0;
	FILE *meminfo = fopen("/proc/meminfo", "r");
	FILE *zoneinfo = fopen("/proc/zoneinfo", "r");

	assert_non_null(meminfo);
	assert_non_null(zoneinfo);
	while (fgets(line, sizeof(line), meminfo))
		if (sscanf(line, "MemFree: %lld kB", &kb) == 1)
			break;
	while (fgets(line, sizeof(line), zoneinfo))
		if (sscanf(line, " count: %lld", &count) == 1)
			pcp += count;
	fclose(meminfo);
	fclose(zoneinfo);
	return kb + pcp * (sysconf(_SC_PAGESIZE) / 1024);
}

/*
 * An unmovable level holds its pages in the open file: a second level on
 * the same file is refused, RELEASE gives them back, and so does closing a
 * file that never released them.
 */
static void test_unmovable_level_is_released_on_release_and_close(void **state)
{
	long long start = mem_free_kb(), held, after;
	struct kab_frag f = frag_request(KAB_FRAG_unmovable, 500, 64);
	int fd = open("/dev/" KAB_DEVICE_NAME, O_RDWR);

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(frag_apply(fd, &f), 0);
	print_message("touched %llu pages, pinned %llu, free %llu -> %llu\n",
		      (unsigned long long)f.pages_touched,
		      (unsigned long long)f.pages_pinned,
		      (unsigned long long)f.free_pages_before,
		      (unsigned long long)f.free_pages_after);
	assert_true(f.pages_pinned > 0);
	assert_int_equal(f.pages_pinned * 64, f.pages_touched);
	assert_true(f.free_pages_after > f.floor_pages);
	held = mem_free_kb();
	assert_true(held < start);
	f = frag_request(KAB_FRAG_unmovable, 500, 64);
	assert_int_equal(frag_apply(fd, &f), EBUSY);
	f = frag_request(0, 0, 0);
	assert_int_equal(ioctl(fd, KAB_IOC_FRAG_RELEASE, &f), 0);
	assert_true(f.pages_pinned > 0);
	f = frag_request(KAB_FRAG_unmovable, 500, 64);
	assert_int_equal(frag_apply(fd, &f), 0);
	assert_int_equal(close(fd), 0);
	after = mem_free_kb();
	print_message("free (MemFree and per-CPU lists) %lld kB, %lld held, "
		      "%lld after close\n", start, held, after);
	/* within 1% of where it started */
	assert_true(after * 100 >= start * 99);
}

/* The access benchmark, on a file of its own: the buffer is per file. */
static int access_device(void)
{
	int fd = open("/dev/" KAB_DEVICE_NAME, O_RDWR);

	assert_true(fd >= 0);
	return fd;
}

static int access_phase(int fd, struct kab_access *a, enum kab_access_phase phase)
{
	a->size = sizeof(*a);
	a->abi_version = KAB_ABI_VERSION;
	a->phase = phase;
	memset(a->reason, 0, sizeof(a->reason));
	return ioctl(fd, KAB_IOC_ACCESS, a) ? errno : 0;
}

static struct kab_access access_request(enum kab_allocator allocator,
					uint64_t size)
{
	struct kab_access a = {
		.allocator = allocator,
		.size_bytes = size,
		.pattern = KAB_ACCESS_random,
		.passes = 1,
	};
	return a;
}

static void assert_access_refused(int fd, struct kab_access a,
				  enum kab_access_phase phase, int expected)
{
	assert_int_equal(access_phase(fd, &a, phase), expected);
	assert_true(a.reason[0] != '\0');
	print_message("access refused with %s: %s\n",
		      strerrorname_np(expected), a.reason);
}

static void test_bad_access_requests_are_refused(void **state)
{
	struct kab_access a = access_request(KAB_ALLOC_vmalloc, 1 << 20);
	int fd = access_device();

	(void)state;
	a.size = sizeof(a) - 8;
	assert_int_equal(ioctl(fd, KAB_IOC_ACCESS, &a), -1);
	assert_int_equal(errno, EINVAL);
	assert_access_refused(fd, a, KAB_NR_ACCESS_PHASES, EINVAL);
	for (int phase = KAB_PHASE_prepare; phase < KAB_NR_ACCESS_PHASES; phase++)
		assert_access_refused(fd, a, phase, EINVAL);
	assert_access_refused(fd, access_request(KAB_ALLOC_kzalloc, 4096),
			      KAB_PHASE_alloc, EINVAL);
	assert_access_refused(fd, access_request(99, 4096), KAB_PHASE_alloc,
			      EINVAL);
	assert_access_refused(fd, access_request(KAB_ALLOC_vmalloc, 0),
			      KAB_PHASE_alloc, EINVAL);
	assert_access_refused(fd, access_request(KAB_ALLOC_vmalloc, 4097),
			      KAB_PHASE_alloc, EINVAL);
	assert_access_refused(fd, access_request(KAB_ALLOC_alloc_pages, 3 * 4096),
			      KAB_PHASE_alloc, EINVAL);
	assert_access_refused(fd, access_request(KAB_ALLOC_kmalloc,
						 info.kmalloc_max_size * 2),
			      KAB_PHASE_alloc, E2BIG);
	assert_access_refused(fd, access_request(KAB_ALLOC_vmalloc, 1ULL << 50),
			      KAB_PHASE_alloc, E2BIG);
	a.reserved = 1;
	assert_access_refused(fd, a, KAB_PHASE_alloc, EINVAL);
	a.reserved = 0;
	/* the phases in order, each refused out of turn */
	assert_int_equal(access_phase(fd, &a, KAB_PHASE_alloc), 0);
	assert_access_refused(fd, a, KAB_PHASE_alloc, EINVAL);
	assert_access_refused(fd, a, KAB_PHASE_access, EINVAL);
	assert_int_equal(access_phase(fd, &a, KAB_PHASE_prepare), 0);
	assert_access_refused(fd, a, KAB_PHASE_prepare, EINVAL);
	a.pattern = KAB_NR_ACCESS_PATTERNS;
	assert_access_refused(fd, a, KAB_PHASE_access, EINVAL);
	a.pattern = KAB_ACCESS_random;
	a.passes = 0;
	assert_access_refused(fd, a, KAB_PHASE_access, EINVAL);
	a.passes = info.max_iterations + 1;
	assert_access_refused(fd, a, KAB_PHASE_access, EINVAL);
	assert_int_equal(access_phase(fd, &a, KAB_PHASE_free), 0);
	assert_access_refused(fd, a, KAB_PHASE_free, EINVAL);
	close(fd);
}

/* Every touch of every pass is counted, whatever the allocator. */
static void test_access_walks_every_page(void **state)
{
	static const enum kab_allocator allocators[] = {
		KAB_ALLOC_kmalloc, KAB_ALLOC_alloc_pages, KAB_ALLOC_vmalloc,
		KAB_ALLOC_vmalloc_huge, KAB_ALLOC_kvmalloc,
	};
	const uint64_t size = 1 << 20, pages = size / info.page_size;
	int fd = access_device();

	(void)state;
	for (size_t i = 0; i < sizeof(allocators) / sizeof(*allocators); i++) {
		struct kab_access a = access_request(allocators[i], size);

		assert_int_equal(access_phase(fd, &a, KAB_PHASE_alloc), 0);
		assert_int_equal(a.pages, pages);
		assert_int_equal(access_phase(fd, &a, KAB_PHASE_prepare), 0);
		assert_true(a.map_order_min != KAB_ORDER_NONE);
		assert_true(a.map_order_min <= a.map_order_max);
		for (int p = 0; p < KAB_NR_ACCESS_PATTERNS; p++) {
			a.pattern = p;
			a.passes = 3;
			assert_int_equal(access_phase(fd, &a, KAB_PHASE_access), 0);
			assert_int_equal(a.touches, p == KAB_ACCESS_sequential ?
						    size / 64 * 3 : pages * 3);
		}
		assert_int_equal(access_phase(fd, &a, KAB_PHASE_free), 0);
	}
	close(fd);
}

/* A walk of hours ends within a chunk on a signal and gives the buffer back. */
static void test_a_signal_interrupts_a_long_walk(void **state)
{
	struct sigaction action = { .sa_handler = on_alarm };
	struct kab_access a = access_request(KAB_ALLOC_vmalloc, 16 << 20);
	struct timespec start, end;
	int fd = access_device();

	(void)state;
	assert_int_equal(access_phase(fd, &a, KAB_PHASE_alloc), 0);
	assert_int_equal(access_phase(fd, &a, KAB_PHASE_prepare), 0);
	a.pattern = KAB_ACCESS_sequential;
	a.passes = info.max_iterations;
	assert_int_equal(sigaction(SIGALRM, &action, NULL), 0);
	clock_gettime(CLOCK_MONOTONIC, &start);
	alarm(1);
	assert_int_equal(access_phase(fd, &a, KAB_PHASE_access), EINTR);
	clock_gettime(CLOCK_MONOTONIC, &end);
	assert_true(end.tv_sec - start.tv_sec < 5);
	assert_access_refused(fd, a, KAB_PHASE_free, EINVAL);
	close(fd);
}

/* As much as the guest has in total, each buffer left to close(): a leak
 * would hit the limit of half the available memory halfway. */
static void test_closing_the_file_frees_its_buffer(void **state)
{
	const uint64_t size = 64 << 20;

	(void)state;
	for (uint64_t held = 0; held < info.totalram_bytes; held += size) {
		struct kab_access a = access_request(KAB_ALLOC_vmalloc, size);
		int fd = access_device();

		assert_int_equal(access_phase(fd, &a, KAB_PHASE_alloc), 0);
		close(fd);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_info_describes_the_kernel),
		cmocka_unit_test(test_info_with_wrong_size_is_refused),
		cmocka_unit_test(test_wrong_abi_version_is_refused),
		cmocka_unit_test(test_wrong_version_learns_the_module_version),
		cmocka_unit_test(test_wrong_request_size_is_refused),
		cmocka_unit_test(test_unknown_allocator_is_refused),
		cmocka_unit_test(test_unknown_gfp_flag_is_refused),
		cmocka_unit_test(test_two_base_gfp_masks_are_refused),
		cmocka_unit_test(test_missing_base_gfp_mask_is_refused),
		cmocka_unit_test(test_unknown_context_and_pattern_are_refused),
		cmocka_unit_test(test_order_beyond_maximum_is_refused),
		cmocka_unit_test(test_absurd_iteration_counts_are_refused),
		cmocka_unit_test(test_absurd_sizes_are_refused),
		cmocka_unit_test(test_bad_histogram_pointer_faults),
		cmocka_unit_test(test_a_signal_interrupts_a_long_case),
		cmocka_unit_test(test_time_limit_cuts_a_batch_short),
		cmocka_unit_test(test_a_signal_interrupts_a_batch),
		cmocka_unit_test(test_a_stalled_request_blocks_no_other_file),
		cmocka_unit_test(test_unknown_ioctl_is_not_a_tty_ioctl),
		cmocka_unit_test(test_valid_case_accounts_for_every_operation),
		cmocka_unit_test(test_sleeping_requests_are_refused_outside_process),
		cmocka_unit_test(test_atomic_limit_beyond_maximum_is_refused),
		cmocka_unit_test(test_unknown_pressure_is_refused),
		cmocka_unit_test(test_pressure_low_shows_what_gfp_atomic_buys),
		cmocka_unit_test(test_atomic_contexts_count_every_operation),
		cmocka_unit_test(test_nolock_allocators_run_in_every_context),
		cmocka_unit_test(test_sheaf_capacity_is_for_kmem_cache_alloc),
		cmocka_unit_test(test_caches_per_cpu_is_for_a_cache_on_several_cpus),
		cmocka_unit_test(test_bad_fragmentation_requests_are_refused),
		cmocka_unit_test(test_fragmentation_over_the_cap_is_refused),
		cmocka_unit_test(test_unmovable_level_is_released_on_release_and_close),
		cmocka_unit_test(test_bad_access_requests_are_refused),
		cmocka_unit_test(test_access_walks_every_page),
		cmocka_unit_test(test_a_signal_interrupts_a_long_walk),
		cmocka_unit_test(test_closing_the_file_frees_its_buffer),
	};

	return cmocka_run_group_tests_name("guest ABI", tests, open_device,
					   close_device);
}
