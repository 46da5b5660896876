/*
 * LD_PRELOAD stand-in for the module, so that the end-to-end test can drive
 * the real `run` path (device.c included) without a kernel: it answers the
 * two kallocbench ioctls on any fd and passes every other ioctl through.
 *
 * Like the module it refuses a request whose size or version it does not
 * speak with EINVAL, writing its own version (FAKE_ABI_VERSION, default
 * KAB_ABI_VERSION) into the request's header, and ends a case with EINTR on
 * any caught signal. The fake kernel has KMALLOC_MAX_SIZE 4 MiB and orders
 * 0..10, refuses what lies beyond, and takes FAKE_CASE_MS (default 1) per
 * case so that a signal can arrive while a case is in flight.
 */
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <kallocbench.h>

#define FAKE_KMALLOC_MAX (4ULL << 20)
#define FAKE_NR_ORDERS 11

/* The leading fields of every request, as in the module. */
struct fake_header {
	__u32 size;
	__u32 abi_version;
};

static int check_header(void *request, size_t size)
{
	const char *version = getenv("FAKE_ABI_VERSION");
	__u32 abi = version ? (__u32)atoi(version) : KAB_ABI_VERSION;
	struct fake_header *header = request;

	if (header->size == size && header->abi_version == abi)
		return 0;
	header->abi_version = abi;
	return -EINVAL;
}

static void fake_info(struct kab_info *info)
{
	memset(info, 0, sizeof(*info));
	info->size = sizeof(*info);
	info->abi_version = KAB_ABI_VERSION;
	info->page_size = 4096;
	info->nr_page_orders = FAKE_NR_ORDERS;
	info->thread_size = 16384;
	info->kmalloc_max_size = FAKE_KMALLOC_MAX;
	info->totalram_bytes = 1ULL << 30;
	info->clock_overhead_ns = 20;
	info->max_iterations = 1000000;
	snprintf(info->clock, sizeof(info->clock), "fake");
}

static void record(struct kab_op_stats *stats, uint64_t ns)
{
	uint32_t *hist = (uint32_t *)(uintptr_t)stats->hist;

	hist[kab_hist_bucket(ns)]++;
	stats->sum_ns += ns;
	if (!stats->min_ns || ns < stats->min_ns)
		stats->min_ns = ns;
	if (ns > stats->max_ns)
		stats->max_ns = ns;
}

static int fake_case(struct kab_case *request)
{
	const char *ms = getenv("FAKE_CASE_MS");
	long delay_ms = ms ? atol(ms) : 1;
	struct timespec delay = { delay_ms / 1000, delay_ms % 1000 * 1000000 };

	/* a caught signal interrupts the sleep as it would the module */
	if (nanosleep(&delay, NULL) < 0)
		return -EINTR;
	if (request->size_bytes > FAKE_KMALLOC_MAX ||
	    request->order >= FAKE_NR_ORDERS) {
		snprintf(request->reason, sizeof(request->reason),
			 "beyond what this fake kernel allocates");
		return request->order ? -EINVAL : -E2BIG;
	}
	for (uint64_t i = 0; i < request->iterations; i++) {
		record(&request->alloc, 80 + i % 100 + request->size_bytes / 1024);
		record(&request->free, 40 + i % 20);
	}
	request->ops_done = request->amortized_ops = request->iterations;
	request->amortized_failures = 0;
	request->pair_amortized_ns = 150;
	request->clock_overhead_ns = 20;
	if (request->pattern == KAB_PATTERN_batch) {
		request->alloc.amortized_ns = 100;
		request->free.amortized_ns = 50;
	}
	return 0;
}

int ioctl(int fd, unsigned long request, ...)
{
	int (*real_ioctl)(int, unsigned long, void *) =
		(int (*)(int, unsigned long, void *))dlsym(RTLD_NEXT, "ioctl");
	va_list args;
	void *arg;
	int result;

	va_start(args, request);
	arg = va_arg(args, void *);
	va_end(args);
	if (request != KAB_IOC_INFO && request != KAB_IOC_RUN_CASE)
		return real_ioctl(fd, request, arg);
	result = check_header(arg, request == KAB_IOC_INFO ?
			      sizeof(struct kab_info) : sizeof(struct kab_case));
	if (result == 0 && request == KAB_IOC_INFO)
		fake_info(arg);
	else if (result == 0)
		result = fake_case(arg);
	if (result == 0)
		return 0;
	errno = -result;
	return -1;
}
