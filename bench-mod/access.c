// SPDX-License-Identifier: GPL-2.0
/*
 * kallocbench - the access benchmark: what a buffer costs to allocate, to
 * walk and to free, depending on where it came from.
 *
 * A buffer from the direct map (kmalloc, one alloc_pages block) is reached
 * through the kernel's large direct-map pages; one from vmalloc through 4
 * KiB page-table entries, unless vmalloc_huge got PMD mappings. The walks
 * show what that costs in TLB misses; the phases are separate ioctls
 * (KAB_IOC_ACCESS, enum kab_access_phase) so that the runner can count
 * events around each of them. The open file holds the buffer between
 * phases, and closing it frees the buffer.
 */
#include <linux/build_bug.h>
#include <linux/cache.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/prandom.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <asm/pgtable.h>

#include "allocators.h"
#include "kallocbench.h"
#include "kallocbench_sim.h"

/* Bytes of buffer walked between two looks at signals and the scheduler. */
#define KAB_ACCESS_CHUNK	(2UL << 20)
/* Words of one page the per-page walks may touch: one per cache line. */
#define KAB_LINES_PER_PAGE	(PAGE_SIZE / L1_CACHE_BYTES)

/**
 * struct kab_access_held - what an open file holds between phases
 * @buf: the buffer
 * @phase: the last phase done
 * @overhead_ns: clock cost subtracted from every timed interval
 */
struct kab_access_held {
	struct kab_buffer buf;
	enum kab_access_phase phase;
	u64 overhead_ns;
};

/* __GFP_NOWARN: a buffer the allocator cannot serve is a result, not a splat. */
#define KAB_ACCESS_GFP	(GFP_KERNEL | __GFP_NOWARN)

static int kab_access_validate_alloc(struct kab_access *req)
{
	const struct kab_allocator_desc *a;

	if (req->allocator >= KAB_NR_ALLOCATORS ||
	    !(kab_allocators[req->allocator].caps & KAB_CAP_BUFFER))
		return kab_refuse(req->reason, -EINVAL,
				  "allocator %u has no access benchmark",
				  req->allocator);
	a = &kab_allocators[req->allocator];
	if (!req->size_bytes || !PAGE_ALIGNED(req->size_bytes))
		return kab_refuse(req->reason, -EINVAL,
				  "size_bytes %llu is not a whole number of pages",
				  req->size_bytes);
	if ((a->caps & KAB_CAP_POW2) && !is_power_of_2(req->size_bytes))
		return kab_refuse(req->reason, -EINVAL,
				  "%s serves power-of-two numbers of pages, not %llu bytes",
				  a->name, req->size_bytes);
	if (a->max_size && req->size_bytes > a->max_size)
		return kab_refuse(req->reason, -E2BIG,
				  "%s serves at most %llu bytes",
				  a->name, a->max_size);
	return kab_check_memory(req->reason, "size_bytes", req->size_bytes);
}

static int kab_access_alloc(struct kab_access_held **held,
			    struct kab_access *req)
{
	struct kab_access_held *h;
	int err;

	if (*held)
		return kab_refuse(req->reason, -EINVAL,
				  "this file already holds a buffer: free it first");
	err = kab_access_validate_alloc(req);
	if (err)
		return err;
	h = kzalloc(sizeof(*h), GFP_KERNEL);
	if (!h)
		return -ENOMEM;
	h->buf.allocator = &kab_allocators[req->allocator];
	h->buf.args.size = req->size_bytes;
	h->buf.args.order = get_order(req->size_bytes);
	h->buf.args.gfp = KAB_ACCESS_GFP;
	h->overhead_ns = kab_clock_calibrate();
	if (!kab_buffer_alloc(&h->buf, h->overhead_ns, &req->alloc_ns)) {
		kfree(h);
		return kab_refuse(req->reason, -ENOMEM,
				  "%s of %llu bytes failed",
				  kab_allocators[req->allocator].name,
				  req->size_bytes);
	}
	h->phase = KAB_PHASE_alloc;
	*held = h;
	return 0;
}

/* Where page @i is touched: one cache line per page, a different one on
 * each page, so that the touches do not all compete for one cache set. */
static inline u64 *kab_slot(const struct kab_buffer *buf, u64 i)
{
	return buf->addr + i * PAGE_SIZE +
	       (i % KAB_LINES_PER_PAGE) * L1_CACHE_BYTES;
}

/*
 * Sattolo's shuffle of the page indices, written in the pages themselves,
 * makes one cycle through every page; each slot then gets the address of
 * the next page's slot in place of its index. Deterministic for a seed.
 */
static void kab_build_chase(const struct kab_buffer *buf, u64 seed)
{
	u64 pages = buf->args.size >> PAGE_SHIFT, i, j;
	struct rnd_state rnd;

	prandom_seed_state(&rnd, seed);
	for (i = 0; i < pages; i++)
		*kab_slot(buf, i) = i;
	for (i = pages - 1; i > 0; i--) {
		j = ((u64)prandom_u32_state(&rnd) * i) >> 32;
		swap(*kab_slot(buf, i), *kab_slot(buf, j));
	}
	for (i = 0; i < pages; i++)
		*kab_slot(buf, i) = (uintptr_t)kab_slot(buf, *kab_slot(buf, i));
}

/* The page order with which @level maps, e.g. 9 for PG_LEVEL_2M. */
static u32 kab_level_order(unsigned int level)
{
	return page_level_shift(level) - PAGE_SHIFT;
}

static void kab_order_span(u32 order, u32 *min_order, u32 *max_order)
{
	if (*min_order == KAB_ORDER_NONE || order < *min_order)
		*min_order = order;
	if (*max_order == KAB_ORDER_NONE || order > *max_order)
		*max_order = order;
}

/*
 * The buffer's mappings, by lookup_address() on each page: the page size of
 * the addresses the walks use, the page size of the direct map behind them,
 * and the PTE pages of the 2 MiB regions mapped with 4 KiB pages.
 */
static void kab_inspect_mappings(const struct kab_buffer *buf,
				 struct kab_access *req)
{
	unsigned long region = ULONG_MAX, pages = kab_buffer_pages(buf), i;
	unsigned int level;
	struct page *page;
	void *addr;

	req->map_order_min = KAB_ORDER_NONE;
	req->map_order_max = KAB_ORDER_NONE;
	req->direct_map_order_min = KAB_ORDER_NONE;
	req->direct_map_order_max = KAB_ORDER_NONE;
	req->pte_tables = 0;
	for (i = 0; i < pages; i++) {
		addr = buf->addr + i * PAGE_SIZE;
		if (lookup_address((unsigned long)addr, &level)) {
			kab_order_span(kab_level_order(level),
				       &req->map_order_min,
				       &req->map_order_max);
			if (level == PG_LEVEL_4K &&
			    (unsigned long)addr >> PMD_SHIFT != region) {
				region = (unsigned long)addr >> PMD_SHIFT;
				req->pte_tables++;
			}
		}
		page = kab_buffer_page(buf, i);
		if (page && lookup_address((unsigned long)page_address(page),
					   &level))
			kab_order_span(kab_level_order(level),
				       &req->direct_map_order_min,
				       &req->direct_map_order_max);
		if (IS_ALIGNED((unsigned long)addr + PAGE_SIZE, KAB_ACCESS_CHUNK))
			cond_resched();
	}
}

static int kab_access_prepare(struct kab_access_held *h,
			      struct kab_access *req)
{
	if (h->phase != KAB_PHASE_alloc)
		return kab_refuse(req->reason, -EINVAL,
				  "prepare comes once, right after alloc");
	kab_build_chase(&h->buf, req->seed);
	kab_inspect_mappings(&h->buf, req);
	h->phase = KAB_PHASE_prepare;
	return 0;
}

/*
 * The walks, one chunk at a time: @from and @to are touch indices within
 * one pass; the random walk carries its place in the chase in *@cursor.
 * READ_ONCE keeps every load, whose value nothing else uses.
 */
static void kab_walk_sequential(const struct kab_buffer *buf, u64 from, u64 to,
				u64 **cursor)
{
	const u64 *line = buf->addr + from * L1_CACHE_BYTES;
	u64 i;

	for (i = from; i < to; i++, line += L1_CACHE_BYTES / sizeof(*line))
		READ_ONCE(*line);
}

static void kab_walk_per_page(const struct kab_buffer *buf, u64 from, u64 to,
			      u64 **cursor)
{
	u64 i;

	for (i = from; i < to; i++)
		READ_ONCE(*kab_slot(buf, i));
}

static void kab_walk_random(const struct kab_buffer *buf, u64 from, u64 to,
			    u64 **cursor)
{
	u64 *p = *cursor;
	u64 i;

	for (i = from; i < to; i++)
		p = (u64 *)(uintptr_t)READ_ONCE(*p);
	*cursor = p;
}

/**
 * struct kab_walk - one access pattern
 * @unit: bytes of buffer per touch
 * @walk: touches @from to @to (exclusive) of one pass
 */
struct kab_walk {
	size_t unit;
	void (*walk)(const struct kab_buffer *buf, u64 from, u64 to,
		     u64 **cursor);
};

static const struct kab_walk kab_walks[KAB_NR_ACCESS_PATTERNS] = {
	[KAB_ACCESS_sequential] = { L1_CACHE_BYTES, kab_walk_sequential },
	[KAB_ACCESS_per_page] = { PAGE_SIZE, kab_walk_per_page },
	[KAB_ACCESS_random] = { PAGE_SIZE, kab_walk_random },
};

/* Ends early with -EINTR on any signal, after the chunk in flight. */
static int kab_access_walk(struct kab_access_held *h, struct kab_access *req)
{
	const struct kab_buffer *buf = &h->buf;
	const struct kab_walk *w;
	u64 per_pass, per_chunk, pass, from, to, t0;
	u64 *cursor = kab_slot(buf, 0);

	if (h->phase != KAB_PHASE_prepare && h->phase != KAB_PHASE_access)
		return kab_refuse(req->reason, -EINVAL,
				  "access needs a prepared buffer");
	if (req->pattern >= KAB_NR_ACCESS_PATTERNS)
		return kab_refuse(req->reason, -EINVAL, "pattern %u is unknown",
				  req->pattern);
	if (!req->passes || req->passes > KAB_MAX_ITERATIONS)
		return kab_refuse(req->reason, -EINVAL,
				  "passes %llu is not between 1 and %llu",
				  req->passes, KAB_MAX_ITERATIONS);
	w = &kab_walks[req->pattern];
	per_pass = buf->args.size / w->unit;
	per_chunk = max_t(u64, KAB_ACCESS_CHUNK / w->unit, 1);
	req->access_ns = 0;
	req->touches = 0;
	for (pass = 0; pass < req->passes; pass++) {
		for (from = 0; from < per_pass; from = to) {
			to = min(from + per_chunk, per_pass);
			t0 = kab_clock();
			w->walk(buf, from, to, &cursor);
			req->access_ns += kab_interval(h->overhead_ns, t0,
						       kab_clock());
			req->touches += to - from;
			if (signal_pending(current))
				return -EINTR;
			cond_resched();
		}
	}
	h->phase = KAB_PHASE_access;
	return 0;
}

/* Gives the buffer back; the time of its free, for the free phase. */
static u64 kab_access_drop(struct kab_access_held **held)
{
	struct kab_access_held *h = *held;
	u64 ns = kab_buffer_free(&h->buf, h->overhead_ns);

	kfree(h);
	*held = NULL;
	return ns;
}

/* What every answer says about the buffer the phase acted on. */
static void kab_access_describe(const struct kab_access_held *h,
				struct kab_access *req)
{
	req->allocator = h->buf.allocator - kab_allocators;
	req->size_bytes = h->buf.args.size;
	req->pages = h->buf.args.size >> PAGE_SHIFT;
	req->clock_overhead_ns = h->overhead_ns;
}

static int kab_access_phase(struct kab_access_held **held,
			    struct kab_access *req)
{
	int err;

	if (req->reserved)
		return kab_refuse(req->reason, -EINVAL, "reserved must be 0");
	if (req->phase >= KAB_NR_ACCESS_PHASES)
		return kab_refuse(req->reason, -EINVAL, "phase %u is unknown",
				  req->phase);
	if (req->phase == KAB_PHASE_alloc) {
		err = kab_access_alloc(held, req);
		if (!err)
			kab_access_describe(*held, req);
		return err;
	}
	if (!*held)
		return kab_refuse(req->reason, -EINVAL,
				  "no buffer held: alloc comes first");
	kab_access_describe(*held, req);
	switch (req->phase) {
	case KAB_PHASE_prepare:
		return kab_access_prepare(*held, req);
	case KAB_PHASE_access:
		err = kab_access_walk(*held, req);
		/* An interrupted walk gives the buffer back. */
		if (err == -EINTR)
			kab_access_drop(held);
		return err;
	default:
		req->free_ns = kab_access_drop(held);
		return 0;
	}
}

/**
 * kab_access_ioctl() - one KAB_IOC_ACCESS request; the caller holds the
 *	case lock
 * @kf: the open file, which holds the buffer between phases
 * @req: the request, which goes back whole
 * @reply: unused
 *
 * Return: 0, or a negative errno, with a reason in the request's reason.
 */
long kab_access_ioctl(struct kab_file *kf, void *req, struct kab_reply *reply)
{
	struct kab_access *a = req;
	int err;

	/* The same numbers: a simulated MMU counts each phase apart. */
	BUILD_BUG_ON((int)KAB_SIM_PHASE_free != (int)KAB_PHASE_free);
	kab_sim_mark(KAB_SIM_EVENT_phase_begin, a->phase, 0);
	err = kab_access_phase(&kf->held, a);
	kab_sim_mark(KAB_SIM_EVENT_phase_end, a->phase, 0);
	return err;
}

/**
 * kab_access_release() - free what a closing file still holds; the caller
 *	holds the case lock
 * @kf: the file
 */
void kab_access_release(struct kab_file *kf)
{
	if (kf->held)
		kab_access_drop(&kf->held);
}
