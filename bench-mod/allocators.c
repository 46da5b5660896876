// SPDX-License-Identifier: GPL-2.0
/*
 * kallocbench - the allocators, one row per entry of KAB_ALLOCATOR_LIST
 * (their calls are in allocators.h), and the buffer the access benchmark
 * and the probes hold from one of them.
 */
#include <linux/build_bug.h>
#include <linux/kernel.h>
#include <linux/math64.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "allocators.h"
#include "compat.h"

/* Modifiers every allocator honours. */
#define KAB_GFP_COMMON	(KAB_GFP(__GFP_ZERO) | KAB_GFP(__GFP_NORETRY) | \
			 KAB_GFP(__GFP_NOWARN) | KAB_GFP(__GFP_HIGH) | \
			 KAB_GFP(__GFP_RETRY_MAYFAIL))
/*
 * Slab: GFP_DMA32 is in GFP_SLAB_BUG_MASK, which kmalloc_fix_flags() answers
 * with dump_stack(); whether a slab page is compound is slab's business.
 */
#define KAB_GFP_SLAB	(KAB_GFP_COMMON | KAB_GFP(GFP_DMA))
#define KAB_GFP_VMALLOC	(KAB_GFP_COMMON | KAB_GFP(GFP_DMA) | \
			 KAB_GFP(GFP_DMA32))
#define KAB_GFP_PAGES	(KAB_GFP_VMALLOC | KAB_GFP(__GFP_COMP))

/* The largest block of the buddy allocator. */
#define KAB_MAX_BLOCK	(PAGE_SIZE << (KAB_NR_PAGE_ORDERS - 1))

/*
 * The cache may be merged with an existing one of the same geometry, as a
 * driver's cache would be (on 6.18 one with sheaves is never merged),
 * unless it is one CPU's own (@own_cache): then it has a name of its own
 * and is never merged, or the CPUs' caches would be one. Setup runs in
 * process context whatever the case's context, so kmem_cache_create() may
 * sleep here.
 */
static int kab_cache_setup(struct kab_alloc_args *args)
{
	slab_flags_t flags = args->gfp & __GFP_DMA ? SLAB_CACHE_DMA : 0;
	char name[40];

	if (args->own_cache)
		snprintf(name, sizeof(name), "kab-%zu-s%u-cpu%u", args->size,
			 args->sheaf_capacity, args->own_cache - 1);
	else
		snprintf(name, sizeof(name), "kab-%zu-s%u", args->size,
			 args->sheaf_capacity);
	args->cache = kab_kmem_cache_create(name, args->size, flags,
					    args->sheaf_capacity,
					    args->own_cache);
	return args->cache ? 0 : -ENOMEM;
}

static void kab_cache_teardown(struct kab_alloc_args *args)
{
	kmem_cache_destroy(args->cache);
}

/* A cache as kmem_cache_alloc's, and the array one bulk call fills. */
static int kab_bulk_setup(struct kab_alloc_args *args)
{
	args->objs = kvmalloc_array(args->bulk, sizeof(void *), GFP_KERNEL);
	if (!args->objs)
		return -ENOMEM;
	if (!kab_cache_setup(args))
		return 0;
	kvfree(args->objs);
	return -ENOMEM;
}

static void kab_bulk_teardown(struct kab_alloc_args *args)
{
	kab_cache_teardown(args);
	kvfree(args->objs);
}

/* The array alloc_pages_bulk fills: all NULL, as the kernel needs it. */
static int kab_page_array_setup(struct kab_alloc_args *args)
{
	args->objs = kvcalloc(args->bulk, sizeof(struct page *), GFP_KERNEL);
	return args->objs ? 0 : -ENOMEM;
}

static void kab_page_array_teardown(struct kab_alloc_args *args)
{
	kvfree(args->objs);
}

/* A row: its name and its calls from the list entry, then what it can do. */
#define KAB_ROW(id, ...)						\
	[KAB_ALLOC_##id] = {						\
		.name = #id,						\
		.alloc = kab_##id##_alloc,				\
		.free = kab_##id##_free,				\
		__VA_ARGS__						\
	}

const struct kab_allocator_desc kab_allocators[KAB_NR_ALLOCATORS] = {
	KAB_ROW(kmalloc, .caps = KAB_CAP_BUFFER | KAB_CAP_FAILS_ABOVE,
		.allowed_gfp = KAB_GFP_SLAB, .max_size = KMALLOC_MAX_SIZE),
	KAB_ROW(kzalloc, .caps = KAB_CAP_FAILS_ABOVE,
		.allowed_gfp = KAB_GFP_SLAB, .max_size = KMALLOC_MAX_SIZE),
	/*
	 * Half the largest kmalloc: slub_debug's red zones and tracking grow
	 * an object, and a slab above the maximum order makes
	 * kmem_cache_create() fail with dump_stack().
	 */
	KAB_ROW(kmem_cache_alloc, .caps = KAB_CAP_SHEAVES | KAB_CAP_CACHE,
		.allowed_gfp = KAB_GFP_SLAB, .min_size = 1,
		.max_size = KMALLOC_MAX_SIZE / 2, .setup = kab_cache_setup,
		.teardown = kab_cache_teardown),
	/* krealloc() to 0 bytes is a free, not a growth. */
	KAB_ROW(krealloc, .caps = KAB_CAP_FAILS_ABOVE,
		.allowed_gfp = KAB_GFP_SLAB, .min_size = 1,
		.max_size = KMALLOC_MAX_SIZE),
	/* vmalloc of 0 bytes is a WARN_ON_ONCE(). */
	KAB_ROW(vmalloc, .caps = KAB_CAP_SLEEPS | KAB_CAP_BUFFER | KAB_CAP_MAPS,
		.allowed_gfp = KAB_GFP_VMALLOC, .min_size = 1),
	KAB_ROW(vzalloc, .caps = KAB_CAP_SLEEPS | KAB_CAP_MAPS,
		.allowed_gfp = KAB_GFP_VMALLOC, .min_size = 1),
	KAB_ROW(vmalloc_huge, .caps = KAB_CAP_SLEEPS | KAB_CAP_BUFFER |
				      KAB_CAP_MAPS,
		.allowed_gfp = KAB_GFP_VMALLOC, .min_size = 1),
	/* kvmalloc tries kmalloc first, so slab's restrictions apply. */
	KAB_ROW(kvmalloc, .caps = KAB_CAP_BUFFER | KAB_CAP_MAPS,
		.allowed_gfp = KAB_GFP_SLAB),
	/* As a buffer, one block, physically contiguous like kmalloc's. */
	KAB_ROW(alloc_pages, .caps = KAB_CAP_ORDER | KAB_CAP_BUFFER |
				     KAB_CAP_POW2 | KAB_CAP_PAGE,
		.allowed_gfp = KAB_GFP_PAGES, .max_size = KAB_MAX_BLOCK),
	KAB_ROW(__get_free_pages, .caps = KAB_CAP_ORDER | KAB_CAP_POW2,
		.allowed_gfp = KAB_GFP_PAGES, .max_size = KAB_MAX_BLOCK),
	/* No larger objects than the largest kmalloc cache: NULL above. */
	KAB_ROW(kmalloc_nolock, .caps = KAB_CAP_NOWAIT | KAB_CAP_NOLOCK |
					KAB_CAP_FAILS_ABOVE,
		.unavailable = KAB_KMALLOC_NOLOCK_MISSING,
		.allowed_gfp = KAB_GFP(__GFP_ZERO) | KAB_GFP(__GFP_NOWARN),
		.max_size = KMALLOC_MAX_CACHE_SIZE),
	KAB_ROW(alloc_pages_nolock, .caps = KAB_CAP_ORDER | KAB_CAP_POW2 |
					    KAB_CAP_PAGE | KAB_CAP_NOWAIT,
		.unavailable = KAB_ALLOC_PAGES_NOLOCK_MISSING,
		.allowed_gfp = KAB_GFP(__GFP_NOWARN), .max_size = KAB_MAX_BLOCK),
	/*
	 * kmem_cache_alloc's cache and bounds, @bulk objects a call. SLUB's
	 * takes its per-CPU lock with local_lock_irq() and turns interrupts
	 * on as it leaves, inside a hard interrupt too (the fuzzer's BUG in
	 * irq_work.c).
	 */
	KAB_ROW(kmem_cache_alloc_bulk, .caps = KAB_CAP_BULK | KAB_CAP_SHEAVES |
					       KAB_CAP_IRQS_ON | KAB_CAP_CACHE,
		.allowed_gfp = KAB_GFP_SLAB, .min_size = 1,
		.max_size = KMALLOC_MAX_SIZE / 2, .setup = kab_bulk_setup,
		.teardown = kab_bulk_teardown),
	KAB_ROW(kmalloc_node, .caps = KAB_CAP_NODE | KAB_CAP_FAILS_ABOVE,
		.allowed_gfp = KAB_GFP_SLAB, .max_size = KMALLOC_MAX_SIZE),
	KAB_ROW(alloc_pages_node, .caps = KAB_CAP_ORDER | KAB_CAP_POW2 |
					  KAB_CAP_PAGE | KAB_CAP_NODE,
		.allowed_gfp = KAB_GFP_PAGES, .max_size = KAB_MAX_BLOCK),
	/* kmalloc's, with room for the rcu_head. */
	KAB_ROW(kfree_rcu, .caps = KAB_CAP_FAILS_ABOVE | KAB_CAP_DEFERRED,
		.allowed_gfp = KAB_GFP_SLAB,
		.min_size = sizeof(struct kab_rcu_obj),
		.max_size = KMALLOC_MAX_SIZE),
	/* kvmalloc's; the free may sleep whatever the mask. */
	KAB_ROW(kvfree_rcu, .caps = KAB_CAP_SLEEPS | KAB_CAP_MAPS |
				    KAB_CAP_DEFERRED,
		.allowed_gfp = KAB_GFP_SLAB, .min_size = 1),
	/*
	 * @bulk order-0 pages a call (max_size: one page, so order 0 only).
	 * Every context: the kernel's bulk call only trylocks the per-CPU
	 * list (6.1's Debian kernel included) and falls back to one page from
	 * the buddy lists under the zone lock with interrupts saved, so an
	 * interrupt over the list's holder gets a short fill, never a
	 * deadlock; it never turns interrupts on. __GFP_COMP means nothing
	 * at order 0.
	 */
	KAB_ROW(alloc_pages_bulk, .caps = KAB_CAP_ORDER | KAB_CAP_BULK,
		.allowed_gfp = KAB_GFP_VMALLOC, .max_size = PAGE_SIZE,
		.setup = kab_page_array_setup,
		.teardown = kab_page_array_teardown),
};

#define KAB_IS_LISTED(id)	| BIT(KAB_ALLOC_##id)
/* The allocators KAB_IOC_ACCESS serves, as the uapi lists them. */
#define KAB_BUFFER_ALLOCATORS	(0 KAB_ACCESS_ALLOCATOR_LIST(KAB_IS_LISTED))
/* The bulk allocators, as the uapi lists them. */
#define KAB_BULK_ALLOCATORS	(0 KAB_BULK_ALLOCATOR_LIST(KAB_IS_LISTED))
/* The allocators that take a node, as the uapi lists them. */
#define KAB_NODE_ALLOCATORS	(0 KAB_NODE_ALLOCATOR_LIST(KAB_IS_LISTED))
/* The deferred ones, the same way. */
#define KAB_DEFERRED_ALLOCATORS	(0 KAB_DEFERRED_ALLOCATOR_LIST(KAB_IS_LISTED))
/* Those with a cache of their own. */
#define KAB_CACHE_ALLOCATORS	(0 KAB_CACHE_ALLOCATOR_LIST(KAB_IS_LISTED))

/* Fails the build when a row disagrees with the uapi lists. */
#define KAB_ROW_AGREES(id, by)						\
	BUILD_BUG_ON(!!(kab_allocators[KAB_ALLOC_##id].caps &		\
			KAB_CAP_ORDER) != ((by) == KAB_BY_ORDER));	\
	BUILD_BUG_ON(!!(kab_allocators[KAB_ALLOC_##id].caps &		\
			KAB_CAP_BUFFER) !=				\
		     !!(KAB_BUFFER_ALLOCATORS & BIT(KAB_ALLOC_##id)));	\
	BUILD_BUG_ON(!!(kab_allocators[KAB_ALLOC_##id].caps &		\
			KAB_CAP_BULK) !=				\
		     !!(KAB_BULK_ALLOCATORS & BIT(KAB_ALLOC_##id)));	\
	BUILD_BUG_ON(!!(kab_allocators[KAB_ALLOC_##id].caps &		\
			KAB_CAP_NODE) !=				\
		     !!(KAB_NODE_ALLOCATORS & BIT(KAB_ALLOC_##id)));	\
	BUILD_BUG_ON(!!(kab_allocators[KAB_ALLOC_##id].caps &		\
			KAB_CAP_DEFERRED) !=				\
		     !!(KAB_DEFERRED_ALLOCATORS & BIT(KAB_ALLOC_##id)));	\
	BUILD_BUG_ON(!!(kab_allocators[KAB_ALLOC_##id].caps &		\
			KAB_CAP_CACHE) !=				\
		     !!(KAB_CACHE_ALLOCATORS & BIT(KAB_ALLOC_##id)));

/**
 * kab_allocator_setup() - prepare a validated case's allocator
 * @a: its row
 * @args: the case's arguments, which the row's setup may complete
 *
 * Return: 0, or a negative errno when the case cannot run.
 */
int kab_allocator_setup(const struct kab_allocator_desc *a,
			struct kab_alloc_args *args)
{
	KAB_ALLOCATOR_LIST(KAB_ROW_AGREES)
	return a->setup ? a->setup(args) : 0;
}

/**
 * kab_allocator_teardown() - undo kab_allocator_setup()
 * @a: its row
 * @args: the case's arguments, with nothing left allocated
 */
void kab_allocator_teardown(const struct kab_allocator_desc *a,
			    struct kab_alloc_args *args)
{
	if (a->teardown)
		a->teardown(args);
}

/* A slab's largest order on the kernels we build for: slub's default. */
#define KAB_SLAB_PAGES	8

/**
 * kab_allocator_peak_pages() - the most pages a case may hold at once
 * @a: its row
 * @args: what every allocation gets
 * @objects: allocations outstanding at once (the batch, or 1 for a pair)
 *
 * An upper bound, from what each allocator rounds to, of @objects
 * allocations (@objects x @args->bulk objects for a bulk allocator, whose
 * one allocation is a bulk): slab objects and
 * large kmallocs to a power of two (plus one new slab), buddy
 * blocks to their order, vmalloc's mappings to pages, each with its page
 * tables and page array. A size an allocator with KAB_CAP_FAILS_ABOVE
 * does not serve holds nothing: it returns NULL.
 *
 * Return: pages.
 */
u64 kab_allocator_peak_pages(const struct kab_allocator_desc *a,
			     const struct kab_alloc_args *args, u32 objects)
{
	u64 size = args->size, n = objects, pages, slab = 0, mapped = 0;

	if (a->caps & KAB_CAP_BULK)
		n *= args->bulk;
	if (a->caps & KAB_CAP_ORDER)
		return n << args->order;
	if (a->max_size && size > a->max_size)
		return 0;
	/* vmalloc's own rows (those that sleep) never take a slab object. */
	if (size <= KMALLOC_MAX_SIZE &&
	    (a->caps & (KAB_CAP_MAPS | KAB_CAP_SLEEPS)) !=
	    (KAB_CAP_MAPS | KAB_CAP_SLEEPS))
		slab = DIV_ROUND_UP(n * roundup_pow_of_two(size),
				    PAGE_SIZE) + KAB_SLAB_PAGES;
	if (a->caps & KAB_CAP_MAPS) {
		pages = PAGE_ALIGN(size) >> PAGE_SHIFT;
		mapped = n * (pages + DIV_ROUND_UP(pages, PTRS_PER_PTE) + 1 +
			      DIV_ROUND_UP(pages * sizeof(void *), PAGE_SIZE));
	}
	return max(slab, mapped);
}

/* Allocations kab_allocator_misplaced() holds at once, and their pages. */
#define KAB_PLACEMENT_OBJECTS	32
#define KAB_PLACEMENT_PAGES	1024

/**
 * kab_allocator_misplaced() - how many allocations miss the requested node
 * @a: a row with KAB_CAP_NODE
 * @args: what every allocation gets, @args->node among it
 * @checked: out: the allocations looked at
 *
 * Holds up to KAB_PLACEMENT_OBJECTS allocations at once (fewer when they
 * would hold more than KAB_PLACEMENT_PAGES pages), so that each is a new
 * object rather than the last one freed, and looks up the node of each
 * one's memory. In process context, after the measured loops, untimed.
 *
 * Return: the allocations whose memory is on another node.
 */
u32 kab_allocator_misplaced(const struct kab_allocator_desc *a,
			    const struct kab_alloc_args *args, u32 *checked)
{
	u64 pages = max_t(u64, kab_allocator_peak_pages(a, args, 1), 1);
	u32 n = min_t(u64, KAB_PLACEMENT_OBJECTS,
		      max_t(u64, div64_u64(KAB_PLACEMENT_PAGES, pages), 1));
	void *objs[KAB_PLACEMENT_OBJECTS];
	u32 i, misplaced = 0;
	struct page *page;

	for (i = 0; i < n; i++) {
		objs[i] = a->alloc(args);
		if (!objs[i])
			break;
		page = a->caps & KAB_CAP_PAGE ? objs[i] : virt_to_page(objs[i]);
		misplaced += page_to_nid(page) != args->node;
	}
	*checked = i;
	while (i--)
		a->free(args, objs[i]);
	return misplaced;
}

static void *kab_buffer_addr(const struct kab_buffer *buf)
{
	if (buf->allocator->caps & KAB_CAP_PAGE)
		return page_address(buf->obj);
	return buf->obj;
}

/**
 * kab_buffer_alloc() - allocate a buffer, timing the allocator's call
 * @buf: the buffer: @buf->allocator and @buf->args set, the rest filled in
 * @overhead_ns: the clock cost to take out of the time
 * @ns: out: the time of the call
 *
 * Return: true when the allocator gave the buffer.
 */
bool kab_buffer_alloc(struct kab_buffer *buf, u64 overhead_ns, u64 *ns)
{
	u64 t0 = kab_clock();

	buf->obj = buf->allocator->alloc(&buf->args);
	*ns = kab_interval(overhead_ns, t0, kab_clock());
	buf->addr = buf->obj ? kab_buffer_addr(buf) : NULL;
	return buf->obj;
}

/**
 * kab_buffer_free() - free a buffer kab_buffer_alloc() gave
 * @buf: the buffer; holds nothing afterwards
 * @overhead_ns: the clock cost to take out of the time
 *
 * Return: the time of the allocator's free.
 */
u64 kab_buffer_free(struct kab_buffer *buf, u64 overhead_ns)
{
	u64 t0 = kab_clock();

	buf->allocator->free(&buf->args, buf->obj);
	t0 = kab_interval(overhead_ns, t0, kab_clock());
	buf->obj = NULL;
	buf->addr = NULL;
	return t0;
}

/* Pages the buffer spans, from the page of its first byte. */
unsigned long kab_buffer_pages(const struct kab_buffer *buf)
{
	return DIV_ROUND_UP(offset_in_page(buf->addr) + buf->args.size,
			    PAGE_SIZE);
}

/**
 * kab_buffer_page() - the struct page behind a page of a buffer
 * @buf: the buffer
 * @i: the page, counted from the page of its first byte
 *
 * vmalloc_to_page() follows huge mappings too (vmalloc_huge, kvmalloc's
 * fallback); the rest is in the direct map.
 *
 * Return: the page, NULL when a vmalloc address has none.
 */
struct page *kab_buffer_page(const struct kab_buffer *buf, unsigned long i)
{
	void *addr = (void *)(((unsigned long)buf->addr & PAGE_MASK) +
			      i * PAGE_SIZE);

	return is_vmalloc_addr(addr) ? vmalloc_to_page(addr) :
				       virt_to_page(addr);
}
