/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kallocbench - declarations shared by the module's files.
 */
#ifndef KAB_INTERNAL_H
#define KAB_INTERNAL_H

#include <linux/bits.h>
#include <linux/gfp.h>
#include <linux/list.h>
#include <linux/time64.h>
#include <linux/timekeeping.h>
#include <linux/types.h>

/* The uapi header of the same name, found through -I$(src)/uapi. */
#include <kallocbench.h>

#define KAB_MAX_ITERATIONS	10000000ULL
#define KAB_MAX_BATCH		65536U
#define KAB_MAX_TIME_LIMIT_NS	(600ULL * NSEC_PER_SEC)
#define KAB_HIST_BYTES		(KAB_HIST_BUCKETS * sizeof(__u32))
#define KAB_CLOCK_NAME		"ktime_get_ns"
/* kab_run.cpu before the first chunk has run. */
#define KAB_CPU_NONE		(KAB_CPU_MIXED - 1)

/* The clock of every measurement; safe in any context but NMI. */
static __always_inline u64 kab_clock(void)
{
	return ktime_get_ns();
}

/* The request bit of a GFP list entry, e.g. KAB_GFP(GFP_DMA32). */
#define KAB_GFP(name)		BIT(KAB_GFP_BIT_##name)
#define KAB_GFP_ALL		((u32)BIT(KAB_NR_GFP_BITS) - 1)
#define KAB_GFP_BASE_BIT(name, is_base) | ((u32)(is_base) << KAB_GFP_BIT_##name)
/* Request bits of the base masks, exactly one of which a request sets. */
#define KAB_GFP_BASES		((u32)(0 KAB_GFP_LIST(KAB_GFP_BASE_BIT)))

/**
 * struct kab_gfp_desc - one entry of KAB_GFP_LIST
 * @name: the kernel's name of the flag
 * @mask: its value
 */
struct kab_gfp_desc {
	const char *name;
	gfp_t mask;
};

extern const struct kab_gfp_desc kab_gfps[KAB_NR_GFP_BITS];
gfp_t kab_gfp_mask(u32 bits);

/**
 * struct kab_lat - per-operation samples of one kind of operation
 * @count: samples taken
 * @sum: their sum in ns
 * @min: the smallest, U64_MAX before the first
 * @max: the largest
 * @hist: KAB_HIST_BUCKETS counters, see kab_hist_bucket()
 */
struct kab_lat {
	u64 count;
	u64 sum;
	u64 min;
	u64 max;
	u32 *hist;
};

/**
 * struct kab_run - one case while it runs
 * @allocator: its row of kab_allocators
 * @context: its row of kab_contexts
 * @gfp: the mask every allocation passes, __GFP_NOWARN included
 * @size: bytes per allocation, for allocators sized by bytes
 * @order: buddy order, for allocators sized by order
 * @cache: the per-case cache of kmem_cache_alloc
 * @batch: allocations outstanding at once; 0 for the pair pattern
 * @objs: the outstanding allocations of the batch pattern
 * @overhead_ns: clock cost subtracted from every timed interval
 * @chunk: the chunk kab_context_run() is running
 * @chunk_ops: operations the chunk in flight may do; it leaves here the
 *	number it did
 * @atomic_limit_ns: how long one chunk may run, 0 for no bound
 * @deadline_ns: clock time at which the chunk in flight ends early, 0 for
 *	none
 * @cpu: the CPU the chunks ran on, KAB_CPU_NONE before the first,
 *	KAB_CPU_MIXED once two differed
 * @wrong_context: a chunk found itself outside the context of its row
 * @pair_ns: pair pattern, amortized loop: time of all alloc+free pairs
 * @alloc_ns: batch pattern, amortized loop: time of all allocations
 * @free_ns: batch pattern, amortized loop: time of all frees
 * @amortized_failures: amortized loop: allocations that returned NULL
 * @alloc_lat: per-operation loop, allocations
 * @free_lat: per-operation loop, frees
 */
struct kab_run {
	const struct kab_allocator_desc *allocator;
	const struct kab_context_desc *context;
	gfp_t gfp;
	size_t size;
	unsigned int order;
	struct kmem_cache *cache;
	u32 batch;
	void **objs;
	u64 overhead_ns;
	void (*chunk)(struct kab_run *run);
	u32 chunk_ops;
	u64 atomic_limit_ns;
	u64 deadline_ns;
	u32 cpu;
	bool wrong_context;
	u64 pair_ns;
	u64 alloc_ns;
	u64 free_ns;
	u64 amortized_failures;
	struct kab_lat alloc_lat;
	struct kab_lat free_lat;
};

/**
 * struct kab_allocator_desc - one entry of KAB_ALLOCATOR_LIST
 * @name: as in the list
 * @sized_by: KAB_BY_SIZE or KAB_BY_ORDER, as in the list
 * @allowed_gfp: modifier bits (KAB_GFP()) a request may add to its base
 * @may_sleep: sleeps whatever the GFP mask says, so needs GFP_KERNEL and
 *	process context
 * @min_size: smallest size_bytes (sized by bytes)
 * @max_size: largest size_bytes beyond the general limit, 0 for none
 * @setup: optional, prepares a case before anything is timed
 * @teardown: optional, undoes @setup after everything is freed
 * @alloc: one allocation; NULL is a failure
 * @free: frees what @alloc returned
 */
struct kab_allocator_desc {
	const char *name;
	u32 sized_by;
	u32 allowed_gfp;
	bool may_sleep;
	u64 min_size;
	u64 max_size;
	int (*setup)(struct kab_run *run);
	void (*teardown)(struct kab_run *run);
	void *(*alloc)(struct kab_run *run);
	void (*free)(struct kab_run *run, void *obj);
};

extern const struct kab_allocator_desc kab_allocators[KAB_NR_ALLOCATORS];
int kab_allocator_setup(struct kab_run *run);
void kab_allocator_teardown(struct kab_run *run);

/**
 * struct kab_context_desc - one entry of KAB_CONTEXT_LIST
 * @name: as in the list
 * @mechanism: how the row enters the context, reported with every case
 * @atomic: may not sleep: refuses what may, and bounds every chunk by
 *	kab_case.atomic_limit_ns
 * @not_on_rt: PREEMPT_RT forbids allocating here at all
 * @in_context: optional, true when called in the context the row promises;
 *	a case whose chunk finds otherwise fails with -EPROTO
 * @run: runs @run->chunk in the context and returns once it is done
 */
struct kab_context_desc {
	const char *name;
	const char *mechanism;
	bool atomic;
	bool not_on_rt;
	bool (*in_context)(void);
	void (*run)(struct kab_run *run);
};

extern const struct kab_context_desc kab_contexts[KAB_NR_CONTEXTS];
void kab_context_run(struct kab_run *run, void (*chunk)(struct kab_run *run));

int kab_copy_request(void *dst, void __user *src, size_t size);
u64 kab_memory_limit(void);

extern u64 kab_boot_clock_overhead_ns;
u64 kab_clock_overhead(void);
int kab_run_case(struct kab_case *c);

/**
 * struct kab_zone_state - pages of the zones a case allocates from, summed
 * @free: free pages (NR_FREE_PAGES, what MemFree shows)
 * @pcp: free pages parked on the per-CPU lists, not in @free
 * @highatomic: pages of @free in the high-order atomic reserve
 * @wmark_min: min watermarks, lowmem reserves against ZONE_NORMAL included
 * @wmark_low: low watermarks, the same way
 */
struct kab_zone_state {
	u64 free;
	u64 pcp;
	u64 highatomic;
	u64 wmark_min;
	u64 wmark_low;
};

/*
 * How the module takes pages it holds to shape memory (pressure, the
 * fragmenter): in process context, never from the reserves GFP_ATOMIC may
 * use, never waking kswapd or the OOM killer.
 */
#define KAB_HOLD_GFP	((GFP_KERNEL & ~__GFP_KSWAPD_RECLAIM) | \
			 __GFP_NORETRY | __GFP_NOWARN | __GFP_NOMEMALLOC)

void kab_pressure_snapshot(struct kab_zone_state *state);
u64 kab_free_pages_now(void);
int kab_pressure_apply(u32 pressure, struct list_head *held, u64 *nr_held);
void kab_pressure_release(struct list_head *held);

/**
 * struct kab_frag_state - the unmovable level an open file holds
 * @pinned: the kept pages, linked by page->lru
 * @nr_pinned: pages on @pinned
 */
struct kab_frag_state {
	struct list_head pinned;
	u64 nr_pinned;
};

void kab_frag_init(struct kab_frag_state *state);
int kab_frag_apply(struct kab_frag_state *state, struct kab_frag *f);
void kab_frag_release(struct kab_frag_state *state, struct kab_frag *f);

struct kab_buffer;

/**
 * struct kab_file - what one open file of the device holds
 * @frag: the fragmentation level it applied, see fragmenter.c
 * @buffer: the access benchmark's buffer between phases, see access.c
 */
struct kab_file {
	struct kab_frag_state frag;
	struct kab_buffer *buffer;
};

long kab_access_ioctl(struct kab_file *kf, struct kab_access __user *uarg);
void kab_access_release(struct kab_file *kf);

/* Validates and runs one KAB_IOC_PROBE request; see probes.c. */
int kab_probe_run(struct kab_probe *p);

#endif /* KAB_INTERNAL_H */
