/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kallocbench - the allocator layer: the GFP flags a request may combine,
 * one descriptor per entry of KAB_ALLOCATOR_LIST with what the allocator
 * can do, its two calls, and a buffer held from one of them. The cases
 * (case.c, timing.c), the access benchmark (access.c) and the probes
 * (probes.c) all go through it.
 *
 * Adding an allocator: its name in KAB_ALLOCATOR_LIST (uapi), its two
 * calls below, its row in allocators.c. The amortized loops in timing.c
 * are generated from the list and call the two directly.
 */
#ifndef KAB_ALLOCATORS_H
#define KAB_ALLOCATORS_H

#include <linux/bits.h>
#include <linux/gfp.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/types.h>
#include <linux/vmalloc.h>

#include "compat.h"
#include "core.h"

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
const char *kab_gfp_name(u32 bits);

/* What an allocator can do: flags of kab_allocator.caps. */
/* Sized by a buddy order (KAB_BY_ORDER), not by bytes. */
#define KAB_CAP_ORDER		BIT(0)
/* Sleeps whatever the mask says: needs GFP_KERNEL and process context. */
#define KAB_CAP_SLEEPS		BIT(1)
/* Serves one buffer: the access benchmark and the probes may use it. */
#define KAB_CAP_BUFFER		BIT(2)
/* Serves power-of-two numbers of pages only. */
#define KAB_CAP_POW2		BIT(3)
/* Returns a struct page, not the address of the memory. */
#define KAB_CAP_PAGE		BIT(4)
/*
 * Returns NULL, cleanly, for more than its max_size: a case may ask for
 * more and measure the failure; a buffer may not.
 */
#define KAB_CAP_FAILS_ABOVE	BIT(5)
/*
 * Maps each object through vmalloc's page tables, or may (kvmalloc): an
 * object also costs page-table pages and an array of its pages.
 */
#define KAB_CAP_MAPS		BIT(6)
/*
 * Never reclaims and takes no base mask (the _nolock allocators): the
 * request says GFP_NOWAIT.
 */
#define KAB_CAP_NOWAIT		BIT(7)
/*
 * Its allocation and its free only ever trylock: runs in every context,
 * PREEMPT_RT's included.
 */
#define KAB_CAP_NOLOCK		BIT(8)
/* Its cache may have sheaves (struct kab_case.sheaf_capacity). */
#define KAB_CAP_SHEAVES		BIT(9)
/* One call allocates kab_alloc_args.bulk objects (KAB_BULK_ALLOCATOR_LIST). */
#define KAB_CAP_BULK		BIT(10)
/* Allocates on the node of struct kab_alloc_args.node. */
#define KAB_CAP_NODE		BIT(11)
/*
 * Its free queues the object for after an RCU grace period
 * (KAB_DEFERRED_ALLOCATOR_LIST): a case measures the backlog it leaves.
 */
#define KAB_CAP_DEFERRED	BIT(12)
/*
 * Needs interrupts on: its calls turn them on as they leave (SLUB's
 * kmem_cache_alloc_bulk()), so no context that runs with them off.
 */
#define KAB_CAP_IRQS_ON		BIT(13)
/*
 * Its setup creates a kmem_cache of its own (KAB_CACHE_ALLOCATOR_LIST):
 * a case on several CPUs may give each CPU one (kab_case.caches).
 */
#define KAB_CAP_CACHE		BIT(14)

/**
 * struct kab_alloc_args - what one call of an allocator gets
 * @size: bytes, for allocators sized by bytes
 * @order: buddy order, for allocators sized by order
 * @gfp: the mask, __GFP_NOWARN included
 * @sheaf_capacity: the sheaf capacity the row's setup gives the cache, 0
 *	for none asked (struct kab_case.sheaf_capacity: what 0 is per kernel)
 * @cache: kmem_cache_alloc's cache, made by the row's setup
 * @own_cache: 0: the setup's cache may be merged with one of the same
 *	geometry; N: the cache is the Nth CPU's own (kab_case.caches
 *	per_cpu), named after it and created unmergeable
 * @bulk: objects per call of a bulk allocator
 * @objs: a bulk allocator's @bulk objects, the array made by its setup
 *	(alloc_pages_bulk's: @bulk struct page pointers, NULL between calls)
 * @node: the NUMA node, for the rows with KAB_CAP_NODE
 */
struct kab_alloc_args {
	size_t size;
	unsigned int order;
	gfp_t gfp;
	unsigned int sheaf_capacity;
	struct kmem_cache *cache;
	unsigned int own_cache;
	unsigned int bulk;
	void **objs;
	int node;
};

/**
 * struct kab_allocator_desc - one entry of KAB_ALLOCATOR_LIST
 * @name: as in the list
 * @caps: KAB_CAP_* flags
 * @unavailable: NULL where this kernel has the allocator, else why not
 *	(from compat.h); its cases are refused with it
 * @allowed_gfp: modifier bits (KAB_GFP()) a request may add to its base
 * @min_size: smallest size_bytes (sized by bytes)
 * @max_size: largest size it serves, 0 for no limit of its own; sized by
 *	bytes, a case above it is refused unless KAB_CAP_FAILS_ABOVE
 * @setup: optional, prepares @args before anything is timed, in process
 *	context whatever the case's context
 * @teardown: optional, undoes @setup after everything is freed
 * @alloc: one allocation; NULL is a failure
 * @free: frees what @alloc returned
 */
struct kab_allocator_desc {
	const char *name;
	u32 caps;
	const char *unavailable;
	u32 allowed_gfp;
	u64 min_size;
	u64 max_size;
	int (*setup)(struct kab_alloc_args *args);
	void (*teardown)(struct kab_alloc_args *args);
	void *(*alloc)(const struct kab_alloc_args *args);
	void (*free)(const struct kab_alloc_args *args, void *obj);
};

extern const struct kab_allocator_desc kab_allocators[KAB_NR_ALLOCATORS];
int kab_allocator_setup(const struct kab_allocator_desc *a,
			struct kab_alloc_args *args);
void kab_allocator_teardown(const struct kab_allocator_desc *a,
			    struct kab_alloc_args *args);
u64 kab_allocator_peak_pages(const struct kab_allocator_desc *a,
			     const struct kab_alloc_args *args, u32 objects);
u32 kab_allocator_misplaced(const struct kab_allocator_desc *a,
			    const struct kab_alloc_args *args, u32 *checked);

/*
 * The calls, kab_<name>_alloc() and kab_<name>_free() for each entry of
 * KAB_ALLOCATOR_LIST: the rows point at them and timing.c's amortized
 * loops call them directly, since an indirect call in a timed loop costs
 * a retpoline thunk. Each wraps the kernel's call rather than naming it:
 * on newer kernels most allocators are macros (kmalloc() wraps
 * kmalloc_noprof() for allocation profiling).
 */
static inline void *kab_kmalloc_alloc(const struct kab_alloc_args *a)
{
	return kmalloc(a->size, a->gfp);
}

/* kmalloc(0) gives ZERO_SIZE_PTR, which kfree() accepts. */
static inline void kab_kmalloc_free(const struct kab_alloc_args *a, void *obj)
{
	kfree(obj);
}

static inline void *kab_kzalloc_alloc(const struct kab_alloc_args *a)
{
	return kzalloc(a->size, a->gfp);
}

#define kab_kzalloc_free	kab_kmalloc_free

static inline void *kab_kmem_cache_alloc_alloc(const struct kab_alloc_args *a)
{
	return kmem_cache_alloc(a->cache, a->gfp);
}

static inline void kab_kmem_cache_alloc_free(const struct kab_alloc_args *a,
					     void *obj)
{
	kmem_cache_free(a->cache, obj);
}

/* The cost of growing a buffer by doubling: half the size, then all of it. */
static inline void *kab_krealloc_alloc(const struct kab_alloc_args *a)
{
	void *half = kmalloc(max_t(size_t, a->size / 2, 1), a->gfp);
	void *obj;

	if (!half)
		return NULL;
	obj = krealloc(half, a->size, a->gfp);
	if (!obj)
		kfree(half);
	return obj;
}

#define kab_krealloc_free	kab_kmalloc_free

static inline void *kab_vmalloc_alloc(const struct kab_alloc_args *a)
{
	return __vmalloc(a->size, a->gfp);
}

static inline void kab_vmalloc_free(const struct kab_alloc_args *a, void *obj)
{
	vfree(obj);
}

/*
 * vzalloc() is __vmalloc(size, GFP_KERNEL | __GFP_ZERO); calling that directly
 * keeps the request's modifiers, which vzalloc() would drop.
 */
static inline void *kab_vzalloc_alloc(const struct kab_alloc_args *a)
{
	return __vmalloc(a->size, a->gfp | __GFP_ZERO);
}

#define kab_vzalloc_free	kab_vmalloc_free

static inline void *kab_vmalloc_huge_alloc(const struct kab_alloc_args *a)
{
	return vmalloc_huge(a->size, a->gfp);
}

#define kab_vmalloc_huge_free	kab_vmalloc_free

static inline void *kab_kvmalloc_alloc(const struct kab_alloc_args *a)
{
	return kvmalloc(a->size, a->gfp);
}

static inline void kab_kvmalloc_free(const struct kab_alloc_args *a, void *obj)
{
	kvfree(obj);
}

static inline void *kab_alloc_pages_alloc(const struct kab_alloc_args *a)
{
	return alloc_pages(a->gfp, a->order);
}

static inline void kab_alloc_pages_free(const struct kab_alloc_args *a,
					void *obj)
{
	__free_pages(obj, a->order);
}

static inline void *kab___get_free_pages_alloc(const struct kab_alloc_args *a)
{
	return (void *)__get_free_pages(a->gfp, a->order);
}

static inline void kab___get_free_pages_free(const struct kab_alloc_args *a,
					     void *obj)
{
	free_pages((unsigned long)obj, a->order);
}

/*
 * The _nolock calls take only the modifiers they accept (kmalloc_nolock:
 * __GFP_ZERO; alloc_pages_nolock: none); __GFP_NOWARN they add themselves.
 * free_pages_nolock() is not exported: __free_pages() frees the pages
 * (free_pages_nolock() is it with trylocks only).
 */
static inline void *kab_kmalloc_nolock_alloc(const struct kab_alloc_args *a)
{
	return kab_kmalloc_nolock(a->size, a->gfp & __GFP_ZERO);
}

static inline void kab_kmalloc_nolock_free(const struct kab_alloc_args *a,
					   void *obj)
{
	kab_kfree_nolock(obj);
}

static inline void *kab_alloc_pages_nolock_alloc(const struct kab_alloc_args *a)
{
	return kab_alloc_pages_nolock(a->order);
}

#define kab_alloc_pages_nolock_free	kab_alloc_pages_free

/* The array of objects stands for the bulk: NULL when none came. */
static inline void *kab_kmem_cache_alloc_bulk_alloc(const struct kab_alloc_args *a)
{
	return kmem_cache_alloc_bulk(a->cache, a->gfp, a->bulk, a->objs) ?
	       a->objs : NULL;
}

static inline void kab_kmem_cache_alloc_bulk_free(const struct kab_alloc_args *a,
						   void *objs)
{
	kmem_cache_free_bulk(a->cache, a->bulk, objs);
}

/*
 * __free_page() of each page, as vfree() gives back the pages vmalloc
 * took in bulk: it frees in every context the allocation runs in (the
 * per-CPU list only trylocked; behind it the zone lock, interrupts saved).
 * Not release_pages(), the one batched free modules have: its reference
 * drops, folio checks and list cost more than the per-CPU lock it takes
 * once per bulk saves on one CPU (6.1 in icount, bulk 64: 355 instructions
 * a page against __free_page()'s 270, and more than alloc_pages' own pair
 * at bulk 1). 7.3's gfp.h declares free_pages_bulk(), but no shipped
 * kernel exports it to modules. The first @n entries go back and are left
 * NULL for the next call.
 */
static inline void kab_release_page_array(struct page **pages,
					  unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		__free_page(pages[i]);
		pages[i] = NULL;
	}
}

static inline void kab_alloc_pages_bulk_free(const struct kab_alloc_args *a,
					     void *pages)
{
	kab_release_page_array(pages, a->bulk);
}

/*
 * alloc_pages_bulk: @bulk order-0 pages into the array, whose entries are
 * all NULL before the call (the kernel fills only NULL entries, so a
 * stale one would be counted as allocated). The kernel may fill fewer:
 * when memory is short, or when its per-CPU list's trylock fails (an
 * interrupt that came in over the list's holder) it gives one page from
 * the buddy lists and returns. A short fill is a failure, as a whole
 * bulk of kmem_cache_alloc_bulk() is: what came, the head of the array,
 * is given back.
 */
static inline void *kab_alloc_pages_bulk_alloc(const struct kab_alloc_args *a)
{
	struct page **pages = (struct page **)a->objs;
	unsigned long filled = kab_alloc_pages_bulk(a->gfp, a->bulk, pages);

	if (filled == a->bulk)
		return pages;
	kab_release_page_array(pages, filled);
	return NULL;
}

static inline void *kab_kmalloc_node_alloc(const struct kab_alloc_args *a)
{
	return kmalloc_node(a->size, a->gfp, a->node);
}

#define kab_kmalloc_node_free	kab_kmalloc_free

static inline void *kab_alloc_pages_node_alloc(const struct kab_alloc_args *a)
{
	return alloc_pages_node(a->node, a->gfp, a->order);
}

#define kab_alloc_pages_node_free	kab_alloc_pages_free

/* kfree_rcu()'s object: its rcu_head first, the rest of the size after. */
struct kab_rcu_obj {
	struct rcu_head rcu;
};

#define kab_kfree_rcu_alloc	kab_kmalloc_alloc

/* The two-argument form never sleeps: it falls back to the rcu_head. */
static inline void kab_kfree_rcu_free(const struct kab_alloc_args *a,
				      void *obj)
{
	struct kab_rcu_obj *rcu_obj = obj;

	kfree_rcu(rcu_obj, rcu);
}

#define kab_kvfree_rcu_alloc	kab_kvmalloc_alloc

/*
 * The headless form (6.1's kvfree_rcu(ptr), the name every shipped kernel
 * also has): when it cannot get a page for its pointer array it waits for
 * a grace period itself.
 */
static inline void kab_kvfree_rcu_free(const struct kab_alloc_args *a,
				       void *obj)
{
	kvfree_rcu_mightsleep(obj);
}

/**
 * struct kab_buffer - one buffer held from an allocator with KAB_CAP_BUFFER
 * @allocator: its row of kab_allocators
 * @args: what it was allocated with; @args.size is its size in bytes
 * @obj: what the allocator returned (a struct page for KAB_CAP_PAGE)
 * @addr: its first byte
 */
struct kab_buffer {
	const struct kab_allocator_desc *allocator;
	struct kab_alloc_args args;
	void *obj;
	void *addr;
};

bool kab_buffer_alloc(struct kab_buffer *buf, u64 overhead_ns, u64 *ns);
u64 kab_buffer_free(struct kab_buffer *buf, u64 overhead_ns);
unsigned long kab_buffer_pages(const struct kab_buffer *buf);
struct page *kab_buffer_page(const struct kab_buffer *buf, unsigned long i);

#endif /* KAB_ALLOCATORS_H */
