// SPDX-License-Identifier: GPL-2.0
/*
 * kallocbench - the allocators a case can measure, one row per entry of
 * KAB_ALLOCATOR_LIST.
 *
 * Each kernel allocator is wrapped in a function of its own rather than
 * pointed at: on newer kernels most of them are macros (kmalloc() wraps
 * kmalloc_noprof() for allocation profiling), and the wrapper's indirect
 * call costs the same for every row.
 */
#include <linux/build_bug.h>
#include <linux/gfp.h>
#include <linux/kernel.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "kallocbench.h"

/* Modifiers every allocator honours. */
#define KAB_GFP_COMMON	(KAB_GFP(__GFP_ZERO) | KAB_GFP(__GFP_NORETRY) | \
			 KAB_GFP(__GFP_NOWARN) | KAB_GFP(__GFP_HIGH))
/*
 * Slab: GFP_DMA32 is in GFP_SLAB_BUG_MASK, which kmalloc_fix_flags() answers
 * with dump_stack(); whether a slab page is compound is slab's business.
 */
#define KAB_GFP_SLAB	(KAB_GFP_COMMON | KAB_GFP(GFP_DMA))
#define KAB_GFP_VMALLOC	(KAB_GFP_COMMON | KAB_GFP(GFP_DMA) | \
			 KAB_GFP(GFP_DMA32))
#define KAB_GFP_PAGES	(KAB_GFP_VMALLOC | KAB_GFP(__GFP_COMP))

static void *kab_kmalloc(struct kab_run *run)
{
	return kmalloc(run->size, run->gfp);
}

static void *kab_kzalloc(struct kab_run *run)
{
	return kzalloc(run->size, run->gfp);
}

/* kmalloc(0) gives ZERO_SIZE_PTR, which kfree() accepts. */
static void kab_kfree(struct kab_run *run, void *obj)
{
	kfree(obj);
}

/*
 * The cache may be merged with an existing one of the same geometry, as a
 * driver's cache would be. Setup runs in process context whatever the
 * case's context, so kmem_cache_create() may sleep here.
 */
static int kab_cache_setup(struct kab_run *run)
{
	slab_flags_t flags = run->gfp & __GFP_DMA ? SLAB_CACHE_DMA : 0;
	char name[32];

	snprintf(name, sizeof(name), "kab-%zu", run->size);
	run->cache = kmem_cache_create(name, run->size, 0, flags, NULL);
	return run->cache ? 0 : -ENOMEM;
}

static void kab_cache_teardown(struct kab_run *run)
{
	kmem_cache_destroy(run->cache);
}

static void *kab_cache_alloc(struct kab_run *run)
{
	return kmem_cache_alloc(run->cache, run->gfp);
}

static void kab_cache_free(struct kab_run *run, void *obj)
{
	kmem_cache_free(run->cache, obj);
}

/* The cost of growing a buffer by doubling: half the size, then all of it. */
static void *kab_krealloc(struct kab_run *run)
{
	void *half = kmalloc(max_t(size_t, run->size / 2, 1), run->gfp);
	void *obj;

	if (!half)
		return NULL;
	obj = krealloc(half, run->size, run->gfp);
	if (!obj)
		kfree(half);
	return obj;
}

static void *kab_vmalloc(struct kab_run *run)
{
	return __vmalloc(run->size, run->gfp);
}

/*
 * vzalloc() is __vmalloc(size, GFP_KERNEL | __GFP_ZERO); calling that directly
 * keeps the request's modifiers, which vzalloc() would drop.
 */
static void *kab_vzalloc(struct kab_run *run)
{
	return __vmalloc(run->size, run->gfp | __GFP_ZERO);
}

static void *kab_vmalloc_huge(struct kab_run *run)
{
	return vmalloc_huge(run->size, run->gfp);
}

static void kab_vfree(struct kab_run *run, void *obj)
{
	vfree(obj);
}

static void *kab_kvmalloc(struct kab_run *run)
{
	return kvmalloc(run->size, run->gfp);
}

static void kab_kvfree(struct kab_run *run, void *obj)
{
	kvfree(obj);
}

static void *kab_alloc_pages(struct kab_run *run)
{
	return alloc_pages(run->gfp, run->order);
}

static void kab_free_pages(struct kab_run *run, void *obj)
{
	__free_pages(obj, run->order);
}

static void *kab_get_free_pages(struct kab_run *run)
{
	return (void *)__get_free_pages(run->gfp, run->order);
}

static void kab_free_pages_addr(struct kab_run *run, void *obj)
{
	free_pages((unsigned long)obj, run->order);
}

const struct kab_allocator_desc kab_allocators[KAB_NR_ALLOCATORS] = {
	[KAB_ALLOC_kmalloc] = {
		.name = "kmalloc",
		.sized_by = KAB_BY_SIZE,
		.allowed_gfp = KAB_GFP_SLAB,
		.alloc = kab_kmalloc,
		.free = kab_kfree,
	},
	[KAB_ALLOC_kzalloc] = {
		.name = "kzalloc",
		.sized_by = KAB_BY_SIZE,
		.allowed_gfp = KAB_GFP_SLAB,
		.alloc = kab_kzalloc,
		.free = kab_kfree,
	},
	/*
	 * Half the largest kmalloc: slub_debug's red zones and tracking grow
	 * an object, and a slab above the maximum order makes
	 * kmem_cache_create() fail with dump_stack().
	 */
	[KAB_ALLOC_kmem_cache_alloc] = {
		.name = "kmem_cache_alloc",
		.sized_by = KAB_BY_SIZE,
		.allowed_gfp = KAB_GFP_SLAB,
		.min_size = 1,
		.max_size = KMALLOC_MAX_SIZE / 2,
		.setup = kab_cache_setup,
		.teardown = kab_cache_teardown,
		.alloc = kab_cache_alloc,
		.free = kab_cache_free,
	},
	/* krealloc() to 0 bytes is a free, not a growth. */
	[KAB_ALLOC_krealloc] = {
		.name = "krealloc",
		.sized_by = KAB_BY_SIZE,
		.allowed_gfp = KAB_GFP_SLAB,
		.min_size = 1,
		.alloc = kab_krealloc,
		.free = kab_kfree,
	},
	/* vmalloc of 0 bytes is a WARN_ON_ONCE(). */
	[KAB_ALLOC_vmalloc] = {
		.name = "vmalloc",
		.sized_by = KAB_BY_SIZE,
		.allowed_gfp = KAB_GFP_VMALLOC,
		.may_sleep = true,
		.min_size = 1,
		.alloc = kab_vmalloc,
		.free = kab_vfree,
	},
	[KAB_ALLOC_vzalloc] = {
		.name = "vzalloc",
		.sized_by = KAB_BY_SIZE,
		.allowed_gfp = KAB_GFP_VMALLOC,
		.may_sleep = true,
		.min_size = 1,
		.alloc = kab_vzalloc,
		.free = kab_vfree,
	},
	[KAB_ALLOC_vmalloc_huge] = {
		.name = "vmalloc_huge",
		.sized_by = KAB_BY_SIZE,
		.allowed_gfp = KAB_GFP_VMALLOC,
		.may_sleep = true,
		.min_size = 1,
		.alloc = kab_vmalloc_huge,
		.free = kab_vfree,
	},
	/* kvmalloc tries kmalloc first, so slab's restrictions apply. */
	[KAB_ALLOC_kvmalloc] = {
		.name = "kvmalloc",
		.sized_by = KAB_BY_SIZE,
		.allowed_gfp = KAB_GFP_SLAB,
		.alloc = kab_kvmalloc,
		.free = kab_kvfree,
	},
	[KAB_ALLOC_alloc_pages] = {
		.name = "alloc_pages",
		.sized_by = KAB_BY_ORDER,
		.allowed_gfp = KAB_GFP_PAGES,
		.alloc = kab_alloc_pages,
		.free = kab_free_pages,
	},
	[KAB_ALLOC___get_free_pages] = {
		.name = "__get_free_pages",
		.sized_by = KAB_BY_ORDER,
		.allowed_gfp = KAB_GFP_PAGES,
		.alloc = kab_get_free_pages,
		.free = kab_free_pages_addr,
	},
};

/* Fails the build when a list entry has no row or a row disagrees with it. */
#define KAB_ALLOCATOR_FILLED(id, by)					\
	BUILD_BUG_ON(!kab_allocators[KAB_ALLOC_##id].alloc ||		\
		     !kab_allocators[KAB_ALLOC_##id].free ||		\
		     kab_allocators[KAB_ALLOC_##id].sized_by != (by) ||	\
		     __builtin_strcmp(#id,				\
				      kab_allocators[KAB_ALLOC_##id].name));

/**
 * kab_allocator_setup() - prepare a validated case's allocator
 * @run: the case
 *
 * Return: 0, or a negative errno when the case cannot run.
 */
int kab_allocator_setup(struct kab_run *run)
{
	KAB_ALLOCATOR_LIST(KAB_ALLOCATOR_FILLED)
	return run->allocator->setup ? run->allocator->setup(run) : 0;
}

/**
 * kab_allocator_teardown() - undo kab_allocator_setup()
 * @run: the case, with nothing left allocated
 */
void kab_allocator_teardown(struct kab_run *run)
{
	if (run->allocator->teardown)
		run->allocator->teardown(run);
}
