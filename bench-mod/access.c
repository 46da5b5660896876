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
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <asm/pgtable.h>

#include "compat.h"
#include "kallocbench.h"
#include "kallocbench_sim.h"

/* Bytes of buffer walked between two looks at signals and the scheduler. */
#define KAB_ACCESS_CHUNK	(2UL << 20)
/* Words of one page the per-page walks may touch: one per cache line. */
#define KAB_LINES_PER_PAGE	(PAGE_SIZE / L1_CACHE_BYTES)

/* Writes the reason of a refusal and evaluates to the errno. */
#define kab_access_refuse(req, err, ...)				\
	(snprintf((req)->reason, sizeof((req)->reason), __VA_ARGS__), (err))

/**
 * struct kab_buffer - the buffer an open file holds between phases
 * @allocator: its row of kab_access_allocators
 * @addr: its first byte
 * @size: its size in bytes
 * @order: the buddy order of an alloc_pages block
 * @phase: the last phase done
 * @overhead_ns: clock cost subtracted from every timed interval
 */
struct kab_buffer {
	const struct kab_access_allocator *allocator;
	void *addr;
	size_t size;
	unsigned int order;
	enum kab_access_phase phase;
	u64 overhead_ns;
};

/**
 * struct kab_access_allocator - an allocator the access benchmark measures
 * @name: as in KAB_ALLOCATOR_LIST
 * @max_size: the largest buffer it can serve, 0 for no limit of its own
 * @power_of_two: serves only power-of-two numbers of pages
 * @alloc: allocates @buf->size bytes, NULL on failure
 * @free: frees @buf->addr
 */
struct kab_access_allocator {
	const char *name;
	u64 max_size;
	bool power_of_two;
	void *(*alloc)(struct kab_buffer *buf);
	void (*free)(struct kab_buffer *buf);
};

/* __GFP_NOWARN: a buffer the allocator cannot serve is a result, not a splat. */
#define KAB_ACCESS_GFP	(GFP_KERNEL | __GFP_NOWARN)

static void *kab_access_kmalloc(struct kab_buffer *buf)
{
	return kmalloc(buf->size, KAB_ACCESS_GFP);
}

static void kab_access_kfree(struct kab_buffer *buf)
{
	kfree(buf->addr);
}

/* One block, so that the buffer is physically contiguous like kmalloc's. */
static void *kab_access_alloc_pages(struct kab_buffer *buf)
{
	struct page *page = alloc_pages(KAB_ACCESS_GFP, buf->order);

	return page ? page_address(page) : NULL;
}

static void kab_access_free_pages(struct kab_buffer *buf)
{
	__free_pages(virt_to_page(buf->addr), buf->order);
}

static void *kab_access_vmalloc(struct kab_buffer *buf)
{
	return __vmalloc(buf->size, KAB_ACCESS_GFP);
}

static void *kab_access_vmalloc_huge(struct kab_buffer *buf)
{
	return vmalloc_huge(buf->size, KAB_ACCESS_GFP);
}

static void kab_access_vfree(struct kab_buffer *buf)
{
	vfree(buf->addr);
}

static void *kab_access_kvmalloc(struct kab_buffer *buf)
{
	return kvmalloc(buf->size, KAB_ACCESS_GFP);
}

static void kab_access_kvfree(struct kab_buffer *buf)
{
	kvfree(buf->addr);
}

/* Rows for the allocators of KAB_ALLOCATOR_LIST that hand out a buffer. */
static const struct kab_access_allocator kab_access_allocators[KAB_NR_ALLOCATORS] = {
	[KAB_ALLOC_kmalloc] = {
		.name = "kmalloc",
		.max_size = KMALLOC_MAX_SIZE,
		.alloc = kab_access_kmalloc,
		.free = kab_access_kfree,
	},
	[KAB_ALLOC_alloc_pages] = {
		.name = "alloc_pages",
		.max_size = PAGE_SIZE << (KAB_NR_PAGE_ORDERS - 1),
		.power_of_two = true,
		.alloc = kab_access_alloc_pages,
		.free = kab_access_free_pages,
	},
	[KAB_ALLOC_vmalloc] = {
		.name = "vmalloc",
		.alloc = kab_access_vmalloc,
		.free = kab_access_vfree,
	},
	[KAB_ALLOC_vmalloc_huge] = {
		.name = "vmalloc_huge",
		.alloc = kab_access_vmalloc_huge,
		.free = kab_access_vfree,
	},
	[KAB_ALLOC_kvmalloc] = {
		.name = "kvmalloc",
		.alloc = kab_access_kvmalloc,
		.free = kab_access_kvfree,
	},
};

/* Fails the build when an entry of the list has no row. */
#define KAB_ACCESS_ROW_FILLED(id)					\
	BUILD_BUG_ON(!kab_access_allocators[KAB_ALLOC_##id].alloc ||	\
		     __builtin_strcmp(#id,				\
				      kab_access_allocators[KAB_ALLOC_##id].name));

static u64 kab_access_interval(const struct kab_buffer *buf, u64 t0, u64 t1)
{
	return t1 - t0 > buf->overhead_ns ? t1 - t0 - buf->overhead_ns : 0;
}

static int kab_access_validate_alloc(struct kab_access *req)
{
	const struct kab_access_allocator *a;
	u64 limit = kab_memory_limit();

	KAB_ACCESS_ALLOCATOR_LIST(KAB_ACCESS_ROW_FILLED)
	if (req->allocator >= KAB_NR_ALLOCATORS ||
	    !kab_access_allocators[req->allocator].alloc)
		return kab_access_refuse(req, -EINVAL,
					 "allocator %u has no access benchmark",
					 req->allocator);
	a = &kab_access_allocators[req->allocator];
	if (!req->size_bytes || !PAGE_ALIGNED(req->size_bytes))
		return kab_access_refuse(req, -EINVAL,
					 "size_bytes %llu is not a whole number of pages",
					 req->size_bytes);
	if (a->power_of_two && !is_power_of_2(req->size_bytes))
		return kab_access_refuse(req, -EINVAL,
					 "%s serves power-of-two numbers of pages, not %llu bytes",
					 a->name, req->size_bytes);
	if (a->max_size && req->size_bytes > a->max_size)
		return kab_access_refuse(req, -E2BIG,
					 "%s serves at most %llu bytes",
					 a->name, a->max_size);
	if (req->size_bytes > limit)
		return kab_access_refuse(req, -E2BIG,
					 "size_bytes %llu exceeds half the available memory, %llu",
					 req->size_bytes, limit);
	return 0;
}

static int kab_access_alloc(struct kab_buffer **held, struct kab_access *req)
{
	struct kab_buffer *buf;
	u64 t0, t1;
	int err;

	if (*held)
		return kab_access_refuse(req, -EINVAL,
					 "this file already holds a buffer: free it first");
	err = kab_access_validate_alloc(req);
	if (err)
		return err;
	buf = kzalloc(sizeof(*buf), GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	buf->allocator = &kab_access_allocators[req->allocator];
	buf->size = req->size_bytes;
	buf->order = get_order(buf->size);
	buf->overhead_ns = kab_clock_overhead();
	t0 = kab_clock();
	buf->addr = buf->allocator->alloc(buf);
	t1 = kab_clock();
	if (!buf->addr) {
		kfree(buf);
		return kab_access_refuse(req, -ENOMEM, "%s of %llu bytes failed",
					 kab_access_allocators[req->allocator].name,
					 req->size_bytes);
	}
	req->alloc_ns = kab_access_interval(buf, t0, t1);
	buf->phase = KAB_PHASE_alloc;
	*held = buf;
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
	u64 pages = buf->size >> PAGE_SHIFT, i, j;
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
	unsigned long region = ULONG_MAX;
	unsigned int level;
	struct page *page;
	void *addr;

	req->map_order_min = KAB_ORDER_NONE;
	req->map_order_max = KAB_ORDER_NONE;
	req->direct_map_order_min = KAB_ORDER_NONE;
	req->direct_map_order_max = KAB_ORDER_NONE;
	req->pte_tables = 0;
	for (addr = buf->addr; addr < buf->addr + buf->size; addr += PAGE_SIZE) {
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
		page = is_vmalloc_addr(addr) ? vmalloc_to_page(addr) :
					       virt_to_page(addr);
		if (page && lookup_address((unsigned long)page_address(page),
					   &level))
			kab_order_span(kab_level_order(level),
				       &req->direct_map_order_min,
				       &req->direct_map_order_max);
		if (IS_ALIGNED((unsigned long)addr + PAGE_SIZE, KAB_ACCESS_CHUNK))
			cond_resched();
	}
}

static int kab_access_prepare(struct kab_buffer *buf, struct kab_access *req)
{
	if (buf->phase != KAB_PHASE_alloc)
		return kab_access_refuse(req, -EINVAL,
					 "prepare comes once, right after alloc");
	kab_build_chase(buf, req->seed);
	kab_inspect_mappings(buf, req);
	buf->phase = KAB_PHASE_prepare;
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
static int kab_access_walk(struct kab_buffer *buf, struct kab_access *req)
{
	const struct kab_walk *w;
	u64 per_pass, per_chunk, pass, from, to, t0;
	u64 *cursor = kab_slot(buf, 0);

	if (buf->phase != KAB_PHASE_prepare && buf->phase != KAB_PHASE_access)
		return kab_access_refuse(req, -EINVAL,
					 "access needs a prepared buffer");
	if (req->pattern >= KAB_NR_ACCESS_PATTERNS)
		return kab_access_refuse(req, -EINVAL, "pattern %u is unknown",
					 req->pattern);
	if (!req->passes || req->passes > KAB_MAX_ITERATIONS)
		return kab_access_refuse(req, -EINVAL,
					 "passes %llu is not between 1 and %llu",
					 req->passes, KAB_MAX_ITERATIONS);
	w = &kab_walks[req->pattern];
	per_pass = buf->size / w->unit;
	per_chunk = max_t(u64, KAB_ACCESS_CHUNK / w->unit, 1);
	req->access_ns = 0;
	req->touches = 0;
	for (pass = 0; pass < req->passes; pass++) {
		for (from = 0; from < per_pass; from = to) {
			to = min(from + per_chunk, per_pass);
			t0 = kab_clock();
			w->walk(buf, from, to, &cursor);
			req->access_ns += kab_access_interval(buf, t0,
							      kab_clock());
			req->touches += to - from;
			if (signal_pending(current))
				return -EINTR;
			cond_resched();
		}
	}
	buf->phase = KAB_PHASE_access;
	return 0;
}

static void kab_access_drop(struct kab_buffer **held)
{
	(*held)->allocator->free(*held);
	kfree(*held);
	*held = NULL;
}

static void kab_access_free(struct kab_buffer **held, struct kab_access *req)
{
	struct kab_buffer *buf = *held;
	u64 t0 = kab_clock();

	buf->allocator->free(buf);
	req->free_ns = kab_access_interval(buf, t0, kab_clock());
	kfree(buf);
	*held = NULL;
}

/* What every answer says about the buffer the phase acted on. */
static void kab_access_describe(const struct kab_buffer *buf,
				struct kab_access *req)
{
	req->allocator = buf->allocator - kab_access_allocators;
	req->size_bytes = buf->size;
	req->pages = buf->size >> PAGE_SHIFT;
	req->clock_overhead_ns = buf->overhead_ns;
}

static int kab_access_phase(struct kab_buffer **held, struct kab_access *req)
{
	int err;

	if (req->reserved)
		return kab_access_refuse(req, -EINVAL, "reserved must be 0");
	if (req->phase >= KAB_NR_ACCESS_PHASES)
		return kab_access_refuse(req, -EINVAL, "phase %u is unknown",
					 req->phase);
	if (req->phase == KAB_PHASE_alloc) {
		err = kab_access_alloc(held, req);
		if (!err)
			kab_access_describe(*held, req);
		return err;
	}
	if (!*held)
		return kab_access_refuse(req, -EINVAL,
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
		kab_access_free(held, req);
		return 0;
	}
}

/**
 * kab_access_ioctl() - one KAB_IOC_ACCESS request; the caller holds the
 *	case lock
 * @kf: the open file, which holds the buffer between phases
 * @uarg: the request
 *
 * Return: 0, or a negative errno, with a reason in @uarg->reason once the
 * request's size and version are right.
 */
long kab_access_ioctl(struct kab_file *kf, struct kab_access __user *uarg)
{
	struct kab_buffer **held = &kf->buffer;
	struct kab_access req;
	int err;

	err = kab_copy_request(&req, uarg, sizeof(req));
	if (err)
		return err;
	memset(req.reason, 0, sizeof(req.reason));
	/* The same numbers: a simulated MMU counts each phase apart. */
	BUILD_BUG_ON((int)KAB_SIM_PHASE_free != (int)KAB_PHASE_free);
	kab_sim_mark(KAB_SIM_EVENT_phase_begin, req.phase, 0);
	err = kab_access_phase(held, &req);
	kab_sim_mark(KAB_SIM_EVENT_phase_end, req.phase, 0);
	if (copy_to_user(uarg, &req, sizeof(req)))
		return -EFAULT;
	return err;
}

/**
 * kab_access_release() - free what a closing file still holds; the caller
 *	holds the case lock
 * @kf: the file
 */
void kab_access_release(struct kab_file *kf)
{
	struct kab_buffer **held = &kf->buffer;

	if (*held)
		kab_access_drop(held);
}
