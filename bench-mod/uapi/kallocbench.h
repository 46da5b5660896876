/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * kallocbench - the ABI between the kallocbench module and its runner.
 *
 * One misc device, /dev/kallocbench, answers the ioctls below. Every request
 * starts with its own size and the ABI version it was written against; the
 * module refuses a request whose size or version it does not know with
 * -EINVAL and never trusts any other field either.
 *
 * The names of allocators, GFP flags, patterns and contexts are lists in this
 * header so that the module's tables and the runner's parser are generated
 * from one place and cannot drift apart.
 */
#ifndef _UAPI_KALLOCBENCH_H
#define _UAPI_KALLOCBENCH_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define KAB_ABI_VERSION		9
#define KAB_DEVICE_NAME		"kallocbench"
#define KAB_REASON_LEN		96
#define KAB_NAME_LEN		32

/*
 * Allocators. X(name, sized_by): name is how sweeps and results spell it;
 * sized_by is KAB_BY_SIZE (the request gives size_bytes) or KAB_BY_ORDER (the
 * request gives a buddy order). The module has one row per entry in
 * bench-mod/allocators.c and its two calls in bench-mod/allocators.h. A
 * kernel without an allocator (kmalloc_nolock and alloc_pages_nolock are
 * 6.18's) refuses its cases with the reason. New entries go last: an
 * allocator's number (kab_case.allocator) keeps its meaning.
 */
#define KAB_BY_SIZE		0
#define KAB_BY_ORDER		1
#define KAB_ALLOCATOR_LIST(X)			\
	X(kmalloc, KAB_BY_SIZE)			\
	X(kzalloc, KAB_BY_SIZE)			\
	X(kmem_cache_alloc, KAB_BY_SIZE)	\
	X(krealloc, KAB_BY_SIZE)		\
	X(vmalloc, KAB_BY_SIZE)			\
	X(vzalloc, KAB_BY_SIZE)			\
	X(vmalloc_huge, KAB_BY_SIZE)		\
	X(kvmalloc, KAB_BY_SIZE)		\
	X(alloc_pages, KAB_BY_ORDER)		\
	X(__get_free_pages, KAB_BY_ORDER)	\
	X(kmalloc_nolock, KAB_BY_SIZE)		\
	X(alloc_pages_nolock, KAB_BY_ORDER)	\
	X(kmem_cache_alloc_bulk, KAB_BY_SIZE)	\
	X(kmalloc_node, KAB_BY_SIZE)		\
	X(alloc_pages_node, KAB_BY_ORDER)	\
	X(kfree_rcu, KAB_BY_SIZE)		\
	X(kvfree_rcu, KAB_BY_SIZE)		\
	X(alloc_pages_bulk, KAB_BY_ORDER)

/*
 * Allocators whose one call allocates (and frees) kab_case.bulk objects
 * at once, entries of KAB_ALLOCATOR_LIST: kmem_cache_alloc_bulk() and
 * kmem_cache_free_bulk() on a cache of size_bytes objects; the page
 * allocator's bulk call of order-0 pages into an array
 * (alloc_pages_bulk_array() up to 6.13, alloc_pages_bulk() from 6.14),
 * given back with __free_page() each. Every figure of such a case is per
 * call; the runner divides by the bulk size.
 */
#define KAB_BULK_ALLOCATOR_LIST(X)	\
	X(kmem_cache_alloc_bulk)	\
	X(alloc_pages_bulk)
/*
 * Allocators whose free only queues the object to be freed after an RCU
 * grace period, entries of KAB_ALLOCATOR_LIST: kfree_rcu(obj, rcu) of a
 * kmalloc'ed object whose struct rcu_head is its first bytes (never
 * sleeps: every context), and kvfree_rcu_mightsleep(obj) of a kvmalloc'ed
 * one (no rcu_head; may wait for a grace period: process context only).
 * Their free figures are the cost to the caller; kab_case.backlog_bytes
 * and kab_case.drain_ns what the deferred frees leave behind.
 */
#define KAB_DEFERRED_ALLOCATOR_LIST(X)	\
	X(kfree_rcu)			\
	X(kvfree_rcu)
/* How long a case waits for its deferred frees to come back, at most. */
#define KAB_DRAIN_LIMIT_NS		10000000000ULL

/* The largest kab_case.bulk. */
#define KAB_MAX_BULK			1024U

/*
 * Allocators that allocate on the NUMA node a request names
 * (kab_case.node), entries of KAB_ALLOCATOR_LIST: kmalloc and alloc_pages
 * with a node. The module's rows say so with KAB_CAP_NODE; the build
 * fails when the two disagree.
 */
#define KAB_NODE_ALLOCATOR_LIST(X)	\
	X(kmalloc_node)			\
	X(alloc_pages_node)

/*
 * Allocators that create a kmem_cache of their own for a case, entries of
 * KAB_ALLOCATOR_LIST. The module's rows say so with KAB_CAP_CACHE; the
 * build fails when the two disagree. Only they take kab_case.caches other
 * than shared.
 */
#define KAB_CACHE_ALLOCATOR_LIST(X)	\
	X(kmem_cache_alloc)		\
	X(kmem_cache_alloc_bulk)

/*
 * How a case on several CPUs (kab_case.cpus above 1) spreads its cache
 * over them, for the allocators of KAB_CACHE_ALLOCATOR_LIST: shared, one
 * cache that every CPU allocates from (as a driver's one cache is); per_cpu,
 * one cache for each CPU's thread, each created unmergeable (SLUB would
 * otherwise hand back one cache for caches of one geometry), so that no
 * two CPUs ever touch the same cache's slabs.
 */
#define KAB_CACHES_LIST(X)	\
	X(shared)		\
	X(per_cpu)

/*
 * GFP flags a request may combine. X(name, is_base): name is the kernel's own
 * macro, so the module maps it by token pasting; exactly one base mask must be
 * set in a request, the others modify it. __GFP_NOWARN is always added by the
 * module so that requested failures do not flood the console. New rows go
 * last: a request's bits keep their meaning.
 *
 * The masks drivers use besides GFP_KERNEL: GFP_KERNEL_ACCOUNT charges the
 * allocation to the caller's memory cgroup (the guest runs the runner in
 * one of its own: the root cgroup charges nothing); GFP_NOFS and GFP_NOIO
 * keep reclaim out of filesystems and block I/O; __GFP_RETRY_MAYFAIL
 * retries reclaim and compaction hard, but fails rather than wake the OOM
 * killer.
 */
#define KAB_GFP_LIST(X)			\
	X(GFP_KERNEL, 1)		\
	X(GFP_NOWAIT, 1)		\
	X(GFP_ATOMIC, 1)		\
	X(GFP_DMA, 0)			\
	X(GFP_DMA32, 0)			\
	X(__GFP_ZERO, 0)		\
	X(__GFP_NORETRY, 0)		\
	X(__GFP_NOWARN, 0)		\
	X(__GFP_HIGH, 0)		\
	X(__GFP_COMP, 0)		\
	X(GFP_KERNEL_ACCOUNT, 1)	\
	X(GFP_NOFS, 1)			\
	X(GFP_NOIO, 1)			\
	X(__GFP_RETRY_MAYFAIL, 0)

/*
 * Patterns: pair is alloc then free, repeated; batch is @batch allocations
 * followed by their @batch frees, repeated; remote_free (on an even number
 * of CPUs, kab_case.cpus) pairs the CPUs up, the first of each pair
 * allocating @iterations objects and handing each through a bounded ring
 * to the second, which frees it (per-operation figures only: alloc from
 * the allocating CPUs, free from the freeing ones).
 */
#define KAB_PATTERN_LIST(X)	\
	X(pair)			\
	X(batch)		\
	X(remote_free)

/*
 * Contexts the measured operations run in; see bench-mod/contexts.c. Only
 * process may sleep: the others refuse allocators and GFP masks that may.
 * X(name, outside_task): outside_task is 1 where the operations run outside
 * the task that made the ioctl (handed to a tasklet or a hard irq_work and
 * waited for), so that per-task counters miss them and a caller counts
 * CPU-wide instead.
 */
#define KAB_CONTEXT_LIST(X)	\
	X(process, 0)		\
	X(preempt_off, 0)	\
	X(spinlock, 0)		\
	X(irq_off, 0)		\
	X(softirq, 1)		\
	X(hardirq, 1)

/*
 * Memory pressure a case runs under; see bench-mod/pressure.c. none: as the
 * machine is. low: before the measured loops the module holds order-0 pages
 * (GFP_KERNEL | __GFP_NORETRY, never the atomic reserves) until every zone
 * a GFP_KERNEL allocation may use is between its min and low watermarks,
 * and frees them all after the case. A case whose mask may reclaim and
 * that would hold more at once than what is left above the min watermarks
 * is refused with -E2BIG: below min it would wake the OOM killer.
 */
#define KAB_PRESSURE_LIST(X)	\
	X(none)			\
	X(low)

/*
 * Access patterns of the access benchmark (KAB_IOC_ACCESS), walking a held
 * buffer: sequential touches every cache line in address order; per_page
 * touches one word of each page in address order; random touches one word
 * of each page in a seeded random order, as a pointer chase (each touch
 * loads the address of the next), so that neither a prefetcher nor
 * out-of-order execution can overlap the misses.
 */
#define KAB_ACCESS_PATTERN_LIST(X)	\
	X(sequential)			\
	X(per_page)			\
	X(random)

/*
 * Allocators the access benchmark measures, entries of KAB_ALLOCATOR_LIST:
 * those that hand out one buffer of any size they serve, from the direct
 * map (kmalloc, alloc_pages as one block) or through vmalloc's mappings.
 * The module's rows say so with KAB_CAP_BUFFER; the build fails when the
 * two disagree.
 */
#define KAB_ACCESS_ALLOCATOR_LIST(X)	\
	X(kmalloc)			\
	X(alloc_pages)			\
	X(vmalloc)			\
	X(vmalloc_huge)			\
	X(kvmalloc)

/*
 * Phases of the access benchmark, one KAB_IOC_ACCESS each, in this order on
 * one open file: alloc takes the buffer, which the file then holds; prepare
 * writes the pointer chase into it and inspects its mappings (untimed, so
 * that a caller counting events around each phase can leave it out);
 * access walks it; free gives it back. Closing the file frees a buffer it
 * still holds.
 */
#define KAB_ACCESS_PHASE_LIST(X)	\
	X(alloc)			\
	X(prepare)			\
	X(access)			\
	X(free)

/* Bound on one stretch of work in an atomic context, kab_case.atomic_limit_ns. */
#define KAB_ATOMIC_LIMIT_DEFAULT_NS	1000000ULL
#define KAB_ATOMIC_LIMIT_MAX_NS		10000000ULL
/* kab_case.context_cpu when the chunks of a case ran on several CPUs. */
#define KAB_CPU_MIXED			0xffffffffU
/* The most CPUs one case may run on at once, kab_case.cpus. */
#define KAB_MAX_CPUS			256U

#define KAB_ALLOCATOR_ENUM(name, ...)	KAB_ALLOC_##name,
#define KAB_GFP_ENUM(name, ...)		KAB_GFP_BIT_##name,
#define KAB_PATTERN_ENUM(name)		KAB_PATTERN_##name,
#define KAB_CONTEXT_ENUM(name, ...)	KAB_CONTEXT_##name,
#define KAB_PRESSURE_ENUM(name)		KAB_PRESSURE_##name,
#define KAB_ACCESS_PATTERN_ENUM(name)	KAB_ACCESS_##name,
#define KAB_ACCESS_PHASE_ENUM(name)	KAB_PHASE_##name,
#define KAB_CACHES_ENUM(name)		KAB_CACHES_##name,

enum kab_allocator {
	KAB_ALLOCATOR_LIST(KAB_ALLOCATOR_ENUM)
	KAB_NR_ALLOCATORS
};

enum kab_gfp_bit {
	KAB_GFP_LIST(KAB_GFP_ENUM)
	KAB_NR_GFP_BITS
};

enum kab_pattern {
	KAB_PATTERN_LIST(KAB_PATTERN_ENUM)
	KAB_NR_PATTERNS
};

enum kab_context {
	KAB_CONTEXT_LIST(KAB_CONTEXT_ENUM)
	KAB_NR_CONTEXTS
};

enum kab_pressure {
	KAB_PRESSURE_LIST(KAB_PRESSURE_ENUM)
	KAB_NR_PRESSURES
};

enum kab_access_pattern {
	KAB_ACCESS_PATTERN_LIST(KAB_ACCESS_PATTERN_ENUM)
	KAB_NR_ACCESS_PATTERNS
};

enum kab_access_phase {
	KAB_ACCESS_PHASE_LIST(KAB_ACCESS_PHASE_ENUM)
	KAB_NR_ACCESS_PHASES
};

enum kab_caches {
	KAB_CACHES_LIST(KAB_CACHES_ENUM)
	KAB_NR_CACHES
};

/*
 * Per-operation latencies are counted in log-linear buckets: values below
 * 2^KAB_HIST_SUB_BITS ns have a bucket each, every power of two above is split
 * into 2^KAB_HIST_SUB_BITS equal buckets. A bucket is at most 1/64 of its
 * lower bound wide, so a percentile read at a bucket's midpoint is within
 * 0.8% of the truth. Values of 2^KAB_HIST_MAX_SHIFT ns or more land in the
 * last bucket; the exact maximum is reported separately.
 */
#define KAB_HIST_SUB_BITS	6
#define KAB_HIST_SUB_COUNT	(1U << KAB_HIST_SUB_BITS)
#define KAB_HIST_MAX_SHIFT	40
#define KAB_HIST_BUCKETS	\
	((KAB_HIST_MAX_SHIFT - KAB_HIST_SUB_BITS + 1) * KAB_HIST_SUB_COUNT)

/**
 * kab_hist_bucket() - histogram bucket of a latency
 * @ns: latency in nanoseconds
 *
 * Return: index in [0, KAB_HIST_BUCKETS).
 */
static inline __u32 kab_hist_bucket(__u64 ns)
{
	__u32 msb;

	if (ns < KAB_HIST_SUB_COUNT)
		return (__u32)ns;
	if (ns >> KAB_HIST_MAX_SHIFT)
		return KAB_HIST_BUCKETS - 1;
	msb = 63 - (__u32)__builtin_clzll(ns);
	return (msb - KAB_HIST_SUB_BITS + 1) * KAB_HIST_SUB_COUNT +
	       (__u32)((ns >> (msb - KAB_HIST_SUB_BITS)) &
		       (KAB_HIST_SUB_COUNT - 1));
}

/**
 * kab_hist_bucket_low() - smallest latency counted in a bucket
 * @bucket: index in [0, KAB_HIST_BUCKETS)
 *
 * Return: the lower bound in nanoseconds; the bucket spans
 * kab_hist_bucket_width(@bucket) nanoseconds from there.
 */
static inline __u64 kab_hist_bucket_low(__u32 bucket)
{
	__u32 group = bucket / KAB_HIST_SUB_COUNT;
	__u64 sub = bucket % KAB_HIST_SUB_COUNT;

	if (group == 0)
		return sub;
	return (KAB_HIST_SUB_COUNT + sub) << (group - 1);
}

/**
 * kab_hist_bucket_width() - number of nanoseconds a bucket spans
 * @bucket: index in [0, KAB_HIST_BUCKETS)
 */
static inline __u64 kab_hist_bucket_width(__u32 bucket)
{
	__u32 group = bucket / KAB_HIST_SUB_COUNT;

	return group == 0 ? 1 : 1ULL << (group - 1);
}

/**
 * struct kab_info - what the module and the running kernel are
 * @size: in: sizeof(struct kab_info)
 * @abi_version: in: KAB_ABI_VERSION; out: the module's version, also when
 *	the request is refused for a version or size mismatch
 * @page_size: PAGE_SIZE
 * @nr_page_orders: number of buddy orders (orders 0 .. nr_page_orders - 1)
 * @thread_size: THREAD_SIZE, the size of a kernel stack
 * @preempt_rt: 1 when the kernel is built with CONFIG_PREEMPT_RT
 * @online_cpus: CPUs online, the most a case may run on at once
 * @info_reserved: 0
 * @kmalloc_max_size: KMALLOC_MAX_SIZE
 * @totalram_bytes: memory the buddy allocator manages
 * @clock_overhead_ns: calibrated cost of one clock read, the median of
 *	back-to-back reads; subtracted from every per-operation sample
 * @max_iterations: the largest @iterations a case may ask for
 * @vmalloc_table_pages: page-table pages (PMD and PTE tables) that map
 *	vmalloc space now: vmalloc leaves them in place when it unmaps, so
 *	they only grow, and no /proc/meminfo line counts them
 * @clock: name of the clock the module reads
 * @context_mechanisms: for each enum kab_context, how the module enters it,
 *	e.g. "tasklet" for softirq or "irq_work-hard" for hardirq; the same
 *	name every case run there reports
 */
struct kab_info {
	__u32 size;
	__u32 abi_version;
	__u32 page_size;
	__u32 nr_page_orders;
	__u32 thread_size;
	__u32 preempt_rt;
	__u32 online_cpus;
	__u32 info_reserved;
	__u64 kmalloc_max_size;
	__u64 totalram_bytes;
	__u64 clock_overhead_ns;
	__u64 max_iterations;
	__u64 vmalloc_table_pages;
	char clock[KAB_NAME_LEN];
	char context_mechanisms[KAB_NR_CONTEXTS][KAB_NAME_LEN];
};

/**
 * struct kab_op_stats - figures for one kind of operation (alloc or free)
 * @amortized_ns: time of the untimed-per-operation loop divided by its
 *	operations; for the pair pattern only kab_case.pair_amortized_ns is
 *	meaningful and this is 0
 * @sum_ns: sum of the per-operation samples, clock overhead subtracted
 * @min_ns: smallest per-operation sample
 * @max_ns: largest per-operation sample
 * @hist: user pointer to KAB_HIST_BUCKETS __u32 counts, filled by the module;
 *	0 when the caller does not want the histogram
 */
struct kab_op_stats {
	__u64 amortized_ns;
	__u64 sum_ns;
	__u64 min_ns;
	__u64 max_ns;
	__u64 hist;
};

/**
 * struct kab_cpu_result - one CPU of a case run on several at once
 * @cpu: out: the CPU its thread ran every chunk on
 * @cache: out: the cache this CPU's loops allocated from, numbered by
 *	the module in the CPUs' order from 0 by the cache's address (two CPUs
 *	with one number used one cache); 0 for allocators without a cache
 * @ops_done: out: as kab_case.ops_done, on this CPU
 * @amortized_ops: out: as kab_case.amortized_ops, on this CPU
 * @failures: out: as kab_case.failures, on this CPU
 * @amortized_failures: out: as kab_case.amortized_failures, on this CPU
 * @pair_amortized_ns: out: as kab_case.pair_amortized_ns, on this CPU
 * @overlapped_ops: out: operations of its two measured loops (of
 *	@amortized_ops + @ops_done) done while every CPU of the case was in
 *	its measured loops, counted per chunk of at most 64 operations
 * @start_ns: out: when this CPU began its measured loops, in ns after the
 *	first CPU of the case began its own
 * @end_ns: out: when it ended them, from the same origin
 * @remote_frees: out: remote_free pattern, a freeing CPU: frees that ran
 *	on a CPU other than the one the object was allocated on (both
 *	read with smp_processor_id()); 0 otherwise
 * @alloc: out: as kab_case.alloc, on this CPU; @hist is where in
 *	kab_case.per_cpu its histogram was written
 * @free: out: as kab_case.free, on this CPU
 */
struct kab_cpu_result {
	__u32 cpu;
	__u32 cache;
	__u64 ops_done;
	__u64 amortized_ops;
	__u64 failures;
	__u64 amortized_failures;
	__u64 pair_amortized_ns;
	__u64 overlapped_ops;
	__u64 start_ns;
	__u64 end_ns;
	__u64 remote_frees;
	struct kab_op_stats alloc;
	struct kab_op_stats free;
};

/**
 * struct kab_case - one measured case
 * @size: in: sizeof(struct kab_case)
 * @abi_version: in: KAB_ABI_VERSION; out, when refused for a size or
 *	version mismatch: the module's version
 * @allocator: in: enum kab_allocator
 * @context: in: enum kab_context
 * @pattern: in: enum kab_pattern
 * @gfp: in: bit mask of (1 << enum kab_gfp_bit); exactly one base mask
 * @size_bytes: in: allocation size, for size-based allocators (must be 0 for
 *	order-based ones)
 * @order: in: buddy order, for order-based allocators (must be 0 for the
 *	others)
 * @batch: in: allocations outstanding at once in the batch pattern; must be
 *	0 for the pair pattern
 * @iterations: in: operations in each of the two measured loops (amortized,
 *	then per-operation); at most kab_info.max_iterations
 * @warmup: in: untimed operations before the measured loops
 * @time_limit_ns: in: stop a loop early once it has run this long (0: no
 *	limit); @ops_done says how far it got
 * @atomic_limit_ns: in: in a context other than process, end a chunk of
 *	operations early once it has run this long, so that interrupts or
 *	preemption are never off for longer (0: KAB_ATOMIC_LIMIT_DEFAULT_NS;
 *	at most KAB_ATOMIC_LIMIT_MAX_NS); out: the bound used, 0 in process
 *	context, which needs none
 * @ops_done: out: operations done in the per-operation loop
 * @amortized_ops: out: operations done in the amortized loop
 * @amortized_failures: out: allocations of the amortized loop that returned
 *	NULL; the amortized figures include their (failed) attempts
 * @failures: out: allocations of the per-operation loop (of @ops_done) that
 *	returned NULL
 * @pair_amortized_ns: out: amortized cost of one alloc plus one free
 * @clock_overhead_ns: out: the clock cost subtracted from each sample
 * @context_overhead_ns: out: median time, seen from process context, of
 *	running an empty chunk in the case's context (entering it, leaving it
 *	and, for softirq and hardirq, waiting for it); reported, never
 *	subtracted
 * @context_cpu: out: the CPU that ran the chunks, KAB_CPU_MIXED when they
 *	ran on more than one
 * @context_mechanism: out: how the module entered the context, e.g.
 *	"tasklet" or "irq_work-hard"
 * @sheaf_capacity: in: kmem_cache_alloc and kmem_cache_alloc_bulk only:
 *	the sheaf capacity their cache is created with (SLUB's per-CPU
 *	sheaves, 6.18 and later); 0 asks for none, which on 6.18 is a cache
 *	without sheaves and on 7.2 and later, where every cache has sheaves,
 *	the capacity the kernel chooses
 * @pressure: in: enum kab_pressure
 * @pressure_reserved: in: must be 0
 * @pressure_pages_held: out: order-0 pages the module held during the
 *	measured loops to create the pressure
 * @free_pages_start: out: free pages before the pressure was applied
 * @free_pages_before: out: free pages when the measured loops started
 *	(after the warmup, the pressure topped up again)
 * @free_pages_after: out: free pages after the case, its held pages
 *	released
 * @wmark_min: out: the min watermarks, each plus the zone's lowmem reserve
 *	against ZONE_NORMAL allocations, when the measured loops started
 * @wmark_low: out: the same for the low watermarks
 *	(the free pages and watermarks are summed over every populated zone
 *	up to ZONE_NORMAL, the zones a GFP_KERNEL or GFP_ATOMIC allocation
 *	may come from)
 * @highatomic_pages: out: pages of @free_pages_before in the zones'
 *	high-order atomic reserve, which only GFP_ATOMIC allocations of
 *	order > 0 may take; the pressure target leaves them out
 * @pcp_pages_start: out: free pages on the per-CPU lists, which
 *	@free_pages_start does not count, before the pressure was applied
 * @pcp_pages_after: out: the same after the case; released pages go
 *	there first, so @free_pages_after + @pcp_pages_after is what
 *	compares with @free_pages_start + @pcp_pages_start
 * @cpus: in: CPUs the case runs on at once, each the loops of a whole
 *	case (one thread bound to each of the first @cpus online CPUs,
 *	measured loops started together after their warmups); 0 or 1: in
 *	the calling task, as before. With more, the figures of @alloc and
 *	@free, the operation counts and failures are those of all CPUs
 *	together (@alloc.hist and @free.hist sum their histograms),
 *	@pair_amortized_ns and the amortized means are the means of the
 *	CPUs' own, and @context_cpu is KAB_CPU_MIXED
 * @caches: in: enum kab_caches; per_cpu only for the allocators of
 *	KAB_CACHE_ALLOCATOR_LIST with @cpus above 1, else shared (0)
 * @bulk: in: objects per call of an allocator of KAB_BULK_ALLOCATOR_LIST,
 *	1 to KAB_MAX_BULK (pair pattern, one CPU); 0 for the others
 * @bulk_reserved: in: must be 0
 * @per_cpu: in: with @cpus above 1, a user pointer or 0; 0 with @cpus 0
 *	or 1. Written only: @cpus struct kab_cpu_result, then each CPU's
 *	allocation and free histograms (KAB_HIST_BUCKETS __u32 each) in the
 *	CPUs' order, @cpus * (sizeof(struct kab_cpu_result) +
 *	8 * KAB_HIST_BUCKETS) bytes in all
 * @overlap_ns: out: how long every CPU was in its measured loops at once
 *	(the intersection of their [start_ns, end_ns]); 0 for one CPU
 * @overlapped_ops: out: the sum of the CPUs' overlapped_ops; 0 for one
 * @remote_frees: out: the sum of the CPUs' remote_frees
 * @alloc: in/out: allocation figures
 * @free: in/out: free figures
 * @reason: out: why the module refused the request, when it returns -EINVAL
 *	or -E2BIG after a valid size and version
 * @node: in: the NUMA node the allocators of KAB_NODE_ALLOCATOR_LIST
 *	allocate on, which must be online (else -EINVAL with a reason); must
 *	be 0 for the others
 * @node_checked: out: allocations, held together after the measured loops
 *	(at most 32, and 4 MiB), whose node the module looked up; 0 for
 *	allocators that take no node
 * @node_misplaced: out: those of @node_checked whose memory is on another
 *	node than @node (the allocator fell back)
 * @backlog_bytes: out: allocators of KAB_DEFERRED_ALLOCATOR_LIST: how much
 *	the machine's unreclaimable slab memory (NR_SLAB_UNRECLAIMABLE_B,
 *	large kmallocs included, what /proc/meminfo's SUnreclaim shows) grew
 *	from the start to the end of the measured loops, 0 when it shrank:
 *	the objects freed but not yet back, less what came back meanwhile;
 *	0 for the other allocators
 * @drain_ns: out: deferred allocators: how long after the measured loops,
 *	polled from process context every few ms, until that memory was
 *	back within an eighth of @backlog_bytes or 256 KiB of where it
 *	started, whichever is more (SLUB keeps some empty slabs, and the
 *	counter lags by the CPUs' unfolded deltas); at most
 *	KAB_DRAIN_LIMIT_NS, a signal ends the wait too
 * @backlog_left_bytes: out: deferred allocators: how far above its start
 *	the memory still was when the wait ended
 * @drained: out: deferred allocators: 1 when the memory came back within
 *	the bound, 0 when the wait ended first (@drain_ns is then how long
 *	it waited)
 * @drain_reserved: in: must be 0
 * @caches_used: out: allocators of KAB_CACHE_ALLOCATOR_LIST: how many
 *	distinct caches (by address) the CPUs' loops allocated from, 1 on
 *	one CPU; 0 for the other allocators
 * @caches_reserved: in: must be 0
 */
struct kab_case {
	__u32 size;
	__u32 abi_version;
	__u32 allocator;
	__u32 context;
	__u32 pattern;
	__u32 gfp;
	__u64 size_bytes;
	__u32 order;
	__u32 batch;
	__u64 iterations;
	__u64 warmup;
	__u64 time_limit_ns;
	__u64 atomic_limit_ns;
	__u64 ops_done;
	__u64 amortized_ops;
	__u64 amortized_failures;
	__u64 failures;
	__u64 pair_amortized_ns;
	__u64 clock_overhead_ns;
	__u64 context_overhead_ns;
	__u32 context_cpu;
	__u32 sheaf_capacity;
	__u32 pressure;
	__u32 pressure_reserved;
	__u64 pressure_pages_held;
	__u64 free_pages_start;
	__u64 free_pages_before;
	__u64 free_pages_after;
	__u64 wmark_min;
	__u64 wmark_low;
	__u64 highatomic_pages;
	__u64 pcp_pages_start;
	__u64 pcp_pages_after;
	__u32 cpus;
	__u32 caches;
	__u32 bulk;
	__u32 bulk_reserved;
	__u64 per_cpu;
	__u64 overlap_ns;
	__u64 overlapped_ops;
	__u64 remote_frees;
	struct kab_op_stats alloc;
	struct kab_op_stats free;
	char context_mechanism[KAB_NAME_LEN];
	char reason[KAB_REASON_LEN];
	__u32 node;
	__u32 node_checked;
	__u64 node_misplaced;
	__u64 backlog_bytes;
	__u64 drain_ns;
	__u64 backlog_left_bytes;
	__u32 drained;
	__u32 drain_reserved;
	__u32 caches_used;
	__u32 caches_reserved;
};

/* kab_access.map_order_min and friends when there is nothing to report. */
#define KAB_ORDER_NONE			0xffffffffU

/**
 * struct kab_access - one phase of the access benchmark
 * @size: in: sizeof(struct kab_access)
 * @abi_version: in: KAB_ABI_VERSION; out, when refused for a size or
 *	version mismatch: the module's version
 * @phase: in: enum kab_access_phase; each phase needs the one before it to
 *	have succeeded on the same open file, else -EINVAL with a reason
 * @allocator: in (alloc): enum kab_allocator, one of kmalloc, alloc_pages
 *	(one block of the order that fits), vmalloc, vmalloc_huge, kvmalloc;
 *	out (every phase): the allocator of the held buffer
 * @size_bytes: in (alloc): a multiple of the page size, at least one page;
 *	for alloc_pages a power of two pages; at most what the allocator can
 *	serve and half the available memory (-E2BIG beyond); out: the
 *	buffer's size
 * @pattern: in (access): enum kab_access_pattern
 * @passes: in (access): walks over the whole buffer, 1 to
 *	kab_info.max_iterations
 * @seed: in (prepare): seed of the random order; the same seed gives the
 *	same order
 * @alloc_ns: out (alloc): time of the allocation
 * @free_ns: out (free): time of the free
 * @access_ns: out (access): time of the walk, summed over its chunks (the
 *	module looks at signals and may reschedule between chunks, untimed)
 * @touches: out (access): words the walk loaded
 * @pages: out: pages of the buffer
 * @clock_overhead_ns: out: the clock cost subtracted from each interval
 * @map_order_min: out (prepare): smallest page order of the mappings the
 *	buffer's addresses go through (0: 4 KiB pages, 9: 2 MiB on x86-64)
 * @map_order_max: out (prepare): the largest
 * @direct_map_order_min: out (prepare): smallest page order with which the
 *	kernel's direct map maps the buffer's memory (for a vmalloc buffer the
 *	direct-map alias of each page); KAB_ORDER_NONE when a page has none
 * @direct_map_order_max: out (prepare): the largest
 * @pte_tables: out (prepare): page-table pages of the lowest level (PTE
 *	pages) that map the buffer's addresses: one per 2 MiB region mapped
 *	with 4 KiB pages, shared with a neighbour at the region's edges
 * @reserved: in: must be 0
 * @reason: out: why the module refused the request, when it returns an
 *	errno after a valid size and version
 *
 * Times are in ns of the module's clock, clock overhead subtracted.
 */
struct kab_access {
	__u32 size;
	__u32 abi_version;
	__u32 phase;
	__u32 allocator;
	__u64 size_bytes;
	__u32 pattern;
	__u32 reserved;
	__u64 passes;
	__u64 seed;
	__u64 alloc_ns;
	__u64 free_ns;
	__u64 access_ns;
	__u64 touches;
	__u64 pages;
	__u64 clock_overhead_ns;
	__u32 map_order_min;
	__u32 map_order_max;
	__u32 direct_map_order_min;
	__u32 direct_map_order_max;
	__u64 pte_tables;
	char reason[KAB_REASON_LEN];
};

#define KAB_IOC_MAGIC		'K'
#define KAB_IOC_INFO		_IOWR(KAB_IOC_MAGIC, 1, struct kab_info)
#define KAB_IOC_RUN_CASE	_IOWR(KAB_IOC_MAGIC, 2, struct kab_case)
/* Numbers 3 and 4 are taken by the fragmenter's ioctls. */
#define KAB_IOC_ACCESS		_IOWR(KAB_IOC_MAGIC, 5, struct kab_access)

/*
 * Fragmentation levels; see bench-mod/fragmenter.c. X(name, touch_permille,
 * keep_every): the fragmenter touches touch_permille thousandths of the free
 * memory, keeps one page in keep_every (a power of two) and gives the others
 * back, so that the free memory it touched is left in blocks of fewer than
 * keep_every pages. A sweep may also give the two numbers directly (P:K,
 * see the README). none leaves memory as it is.
 */
#define KAB_FRAG_LEVEL_LIST(X)	\
	X(none, 0, 0)		\
	X(light, 300, 64)	\
	X(medium, 600, 32)	\
	X(heavy, 1000, 16)

/*
 * Kinds of fragmentation. unmovable: the module allocates the pages and pins
 * the kept ones (compaction cannot move them). movable: the runner maps and
 * touches anonymous memory and unmaps all but the kept pages (compaction can
 * migrate them); the module only plans how many pages that is.
 */
#define KAB_FRAG_KIND_LIST(X)	\
	X(unmovable)		\
	X(movable)

/*
 * Most memory one level may pin, in thousandths of MemTotal:
 * kab_frag.cap_permille 0 asks for the default; more than the maximum is
 * refused.
 */
#define KAB_FRAG_CAP_DEFAULT_PERMILLE	250
#define KAB_FRAG_CAP_MAX_PERMILLE	500
/*
 * The widest spacing of kept pages: the largest buddy block of x86-64 (a
 * kernel with fewer orders refuses more than its largest block).
 */
#define KAB_FRAG_KEEP_EVERY_MAX		1024

#define KAB_FRAG_KIND_ENUM(name)	KAB_FRAG_##name,

enum kab_frag_kind {
	KAB_FRAG_KIND_LIST(KAB_FRAG_KIND_ENUM)
	KAB_NR_FRAG_KINDS
};

/**
 * struct kab_frag - KAB_IOC_FRAG_APPLY and KAB_IOC_FRAG_RELEASE
 * @size: in: sizeof(struct kab_frag)
 * @abi_version: in: KAB_ABI_VERSION; out, when refused for a size or
 *	version mismatch: the module's version
 * @kind: in (APPLY): enum kab_frag_kind
 * @touch_permille: in (APPLY): thousandths, 0 to 1000, of the free memory
 *	to touch: unmovable, of all free memory, taken in blocks of
 *	@keep_every pages; movable, of the free memory above @floor_pages,
 *	which the runner holds at once before it unmaps
 * @keep_every: in (APPLY): keep one touched page in this many, a power of
 *	two from 2 to KAB_FRAG_KEEP_EVERY_MAX; 0 when @touch_permille is 0
 * @cap_permille: in (APPLY): most memory to pin, in thousandths of MemTotal
 *	(0: KAB_FRAG_CAP_DEFAULT_PERMILLE; at most KAB_FRAG_CAP_MAX_PERMILLE);
 *	a level that would pin more is refused with -E2BIG before anything
 *	is taken
 * @reserved: in: must be 0
 * @cap_pages: out: the cap in pages
 * @floor_pages: out: free pages the fragmenter never takes: twice the high
 *	watermarks plus the 150% watermark boosting may add by default
 *	(lowmem reserves included), well above the min watermark
 * @pages_touched: out: unmovable: pages taken; movable: pages the runner is
 *	to touch. RELEASE: 0
 * @pages_pinned: out: unmovable: pages kept, held by the open file until
 *	RELEASE or close; movable: pages the runner is to keep. RELEASE: pages
 *	given back
 * @free_pages_before: out: free pages (zones up to ZONE_NORMAL) before
 * @free_pages_after: out: free pages after
 * @reason: out: why the module refused the request, when it returns
 *	-EINVAL, -E2BIG or -EBUSY after a valid size and version
 *
 * The file that applied an unmovable level holds its pages: one level per
 * open file at a time (-EBUSY otherwise). RELEASE ignores the in fields but
 * the header, and closing the file releases too; a fatal signal ends APPLY
 * with -EINTR and nothing held.
 */
struct kab_frag {
	__u32 size;
	__u32 abi_version;
	__u32 kind;
	__u32 touch_permille;
	__u32 keep_every;
	__u32 cap_permille;
	__u32 reserved[2];
	__u64 cap_pages;
	__u64 floor_pages;
	__u64 pages_touched;
	__u64 pages_pinned;
	__u64 free_pages_before;
	__u64 free_pages_after;
	char reason[KAB_REASON_LEN];
};

#define KAB_IOC_FRAG_APPLY	_IOWR(KAB_IOC_MAGIC, 3, struct kab_frag)
#define KAB_IOC_FRAG_RELEASE	_IOWR(KAB_IOC_MAGIC, 4, struct kab_frag)

/*
 * Probes: `kallocbench facts` asks the module one question per
 * KAB_IOC_PROBE call; see bench-mod/probes.c. X(name): the probe's name as
 * the runner spells it.
 *
 * kmalloc_max: largest size kmalloc(GFP_KERNEL) gives, found by bisection,
 *	and whether one byte more fails.
 * ksize_classes: the size classes kmalloc rounds requests up to, walked
 *	from 1 byte to KMALLOC_MAX_SIZE (fills @classes).
 * zero_size: what kmalloc(0) returns and whether ksize/kfree accept it.
 * init_on_alloc: the kernel's init_on_alloc/init_on_free state, and
 *	whether a kmalloc'ed object that last held a pattern arrives zeroed.
 * krealloc: whether krealloc from @size_bytes to @new_size_bytes moves the
 *	object, and what it costs.
 * contiguity: physical discontinuities of a buffer (@allocator, @gfp,
 *	@size_bytes or @order), page by page.
 * zones: the zone of each page of such a buffer.
 * vmalloc_max: how large a vmalloc succeeds: doubling from @size_bytes
 *	until one fails or reaches @vmalloc_limit_bytes, then bisecting
 *	between the largest success and the smallest failure a few steps,
 *	each buffer freed at once, with __GFP_NORETRY so that memory that
 *	runs short fails the vmalloc rather than wake the OOM killer; the
 *	whole probe stops after a time budget. The page tables of the
 *	vmalloc space it reached stay (about 2 MiB per GiB; see
 *	kab_info.vmalloc_table_pages).
 * layout: the kernel's direct map, vmalloc and module ranges and where a
 *	kmalloc, a vmalloc and the module itself are; needs CAP_SYSLOG.
 */
#define KAB_PROBE_LIST(X)	\
	X(kmalloc_max)		\
	X(ksize_classes)	\
	X(zero_size)		\
	X(init_on_alloc)	\
	X(krealloc)		\
	X(contiguity)		\
	X(zones)		\
	X(vmalloc_max)		\
	X(layout)

#define KAB_PROBE_ENUM(name)	KAB_PROBE_##name,
enum kab_probe_id {
	KAB_PROBE_LIST(KAB_PROBE_ENUM)
	KAB_NR_PROBES
};

/* Zones a buffer's pages are counted in; more than any kernel has. */
#define KAB_MAX_ZONES		8
#define KAB_ZONE_NAME_LEN	16
/* Most classes ksize_classes may report; more than any kernel has. */
#define KAB_MAX_KSIZE_CLASSES	256
/* krealloc: objects reallocated (and timed) per probe. */
#define KAB_KREALLOC_ROUNDS	64

/**
 * struct kab_ksize_class - one size class kmalloc rounds requests up to
 * @first_request: smallest request size that gets this class
 * @class_size: what ksize() says every request from @first_request up to
 *	@class_size gets
 * @verified: 1 when ksize(kmalloc(@class_size)) was @class_size too, so
 *	that the class holds for every request in the range
 * @reserved: 0
 */
struct kab_ksize_class {
	__u64 first_request;
	__u64 class_size;
	__u32 verified;
	__u32 reserved;
};

/**
 * struct kab_probe - one probe of the running kernel
 * @size: in: sizeof(struct kab_probe)
 * @abi_version: in: KAB_ABI_VERSION; out, when refused for a size or
 *	version mismatch: the module's version
 * @probe: in: enum kab_probe_id
 * @allocator: in: contiguity, zones: enum kab_allocator, one of kmalloc,
 *	vmalloc and alloc_pages; must be 0 for the other probes
 * @gfp: in: contiguity, zones: modifier bits (1 << enum kab_gfp_bit) added
 *	to GFP_KERNEL: GFP_DMA for kmalloc and alloc_pages, GFP_DMA32 for
 *	alloc_pages and vmalloc (vmalloc_32); must be 0 otherwise
 * @order: in: contiguity, zones with alloc_pages: the buddy order; 0
 *	otherwise
 * @size_bytes: in: contiguity, zones: the buffer's size (kmalloc, vmalloc);
 *	krealloc: the original size; vmalloc_max: the first size tried (0:
 *	64 MiB); 0 for the other probes
 * @new_size_bytes: in: krealloc: the size to reallocate to; 0 otherwise
 * @classes: in: ksize_classes: user pointer to @max_classes struct
 *	kab_ksize_class, written only when the probe succeeds (@nr_classes
 *	of them); 0 otherwise
 * @max_classes: in: ksize_classes: room at @classes, at most
 *	KAB_MAX_KSIZE_CLASSES; 0 otherwise
 * @nr_classes: out: ksize_classes: classes found
 * @ok: out: the probe's main allocation succeeded (kmalloc_max:
 *	kmalloc(@largest_bytes); contiguity, zones: the buffer; vmalloc_max:
 *	some vmalloc)
 * @next_failed: out: kmalloc_max: kmalloc(@largest_bytes + 1) returned NULL
 * @largest_bytes: out: kmalloc_max: the largest size kmalloc gave;
 *	vmalloc_max: the largest size vmalloc gave
 * @attempts: out: kmalloc_max, vmalloc_max: allocations tried
 * @kmalloc_max_size: out: kmalloc_max, ksize_classes: KMALLOC_MAX_SIZE
 * @zero_size_ptr: out: zero_size: what kmalloc(0) returned
 * @zero_size_const: out: zero_size: the kernel's ZERO_SIZE_PTR
 * @zero_ksize: out: zero_size: ksize() of what kmalloc(0) returned
 * @init_on_alloc: out: init_on_alloc: 1 when the kernel zeroes every
 *	allocation (want_init_on_alloc(GFP_KERNEL))
 * @init_on_free: out: init_on_alloc: 1 when the kernel zeroes on free
 * @same_object: out: init_on_alloc: the second kmalloc returned the object
 *	the first one filled and freed
 * @arrived_zeroed: out: init_on_alloc: every byte of it read 0 again
 * @moved: out: krealloc: rounds in which krealloc returned a new address
 * @old_ksize: out: krealloc: ksize() of the original object
 * @new_ksize: out: krealloc: ksize() of the reallocated object
 * @krealloc_ns: out: krealloc: mean time of one krealloc call, the cost of
 *	one clock read taken out of each
 * @pages: out: contiguity, zones: pages the buffer spans
 * @discontinuities: out: contiguity, zones: pages whose frame does not
 *	follow the previous page's
 * @nr_zones: out: zones: MAX_NR_ZONES, entries of @zone_pages in use
 * @zones_reserved: 0
 * @zone_pages: out: zones: pages of the buffer in each zone, by zone number
 * @zone_names: out: zones: the name of each zone number
 * @page_offset: out: layout: start of the direct map (PAGE_OFFSET)
 * @direct_map_end: out: layout: end of the direct map of low memory
 *	(high_memory)
 * @vmalloc_start: out: layout: VMALLOC_START
 * @vmalloc_end: out: layout: VMALLOC_END
 * @modules_start: out: layout: MODULES_VADDR (0 where the kernel has none)
 * @modules_end: out: layout: MODULES_END (0 where the kernel has none)
 * @kmalloc_addr: out: layout: address of a kmalloc(64) object
 * @vmalloc_addr: out: layout: address of a vmalloc(PAGE_SIZE) buffer
 * @module_addr: out: layout: address of this module's struct module
 * @vmalloc_failed_bytes: out: vmalloc_max: the smallest size that failed;
 *	0 when none did
 * @vmalloc_limit_bytes: out: vmalloc_max: the largest size the probe
 *	tries: the available memory less an eighth of it and 64 MiB, the
 *	room the vmalloc's page tables and everything else need
 * @vmalloc_timed_out: out: vmalloc_max: 1 when the time budget ended the
 *	probe
 * @vmalloc_reserved: 0
 * @reason: out: why the module refused the request or the probe failed
 */
struct kab_probe {
	__u32 size;
	__u32 abi_version;
	__u32 probe;
	__u32 allocator;
	__u32 gfp;
	__u32 order;
	__u64 size_bytes;
	__u64 new_size_bytes;
	__u64 classes;
	__u32 max_classes;
	__u32 nr_classes;
	__u32 ok;
	__u32 next_failed;
	__u64 largest_bytes;
	__u64 attempts;
	__u64 kmalloc_max_size;
	__u64 zero_size_ptr;
	__u64 zero_size_const;
	__u64 zero_ksize;
	__u32 init_on_alloc;
	__u32 init_on_free;
	__u32 same_object;
	__u32 arrived_zeroed;
	__u64 moved;
	__u64 old_ksize;
	__u64 new_ksize;
	__u64 krealloc_ns;
	__u64 pages;
	__u64 discontinuities;
	__u32 nr_zones;
	__u32 zones_reserved;
	__u64 zone_pages[KAB_MAX_ZONES];
	char zone_names[KAB_MAX_ZONES][KAB_ZONE_NAME_LEN];
	__u64 page_offset;
	__u64 direct_map_end;
	__u64 vmalloc_start;
	__u64 vmalloc_end;
	__u64 modules_start;
	__u64 modules_end;
	__u64 kmalloc_addr;
	__u64 vmalloc_addr;
	__u64 module_addr;
	__u64 vmalloc_failed_bytes;
	__u64 vmalloc_limit_bytes;
	__u32 vmalloc_timed_out;
	__u32 vmalloc_reserved;
	char reason[KAB_REASON_LEN];
};

#define KAB_IOC_PROBE		_IOWR(KAB_IOC_MAGIC, 6, struct kab_probe)

#endif /* _UAPI_KALLOCBENCH_H */
