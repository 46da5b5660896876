/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kallocbench - what differs between the kernels the module builds on (6.1
 * to 7.3), kept in one place.
 */
#ifndef KAB_COMPAT_H
#define KAB_COMPAT_H

#include <linux/gfp.h>
#include <linux/mmzone.h>
#include <linux/numa.h>
#include <linux/slab.h>
#include <linux/stddef.h>
#include <linux/version.h>

/*
 * KAB_NR_PAGE_ORDERS - number of buddy orders, 0 .. KAB_NR_PAGE_ORDERS - 1.
 * 6.8 renamed the inclusive maximum MAX_PAGE_ORDER; 6.4 to 6.7 call the same
 * inclusive maximum MAX_ORDER; before 6.4 MAX_ORDER was exclusive.
 */
#if defined(MAX_PAGE_ORDER)
#define KAB_NR_PAGE_ORDERS	(MAX_PAGE_ORDER + 1)
#elif LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
#define KAB_NR_PAGE_ORDERS	(MAX_ORDER + 1)
#else
#define KAB_NR_PAGE_ORDERS	MAX_ORDER
#endif

/*
 * kmalloc_nolock() and kfree_nolock(): 6.18. kmalloc from any context, NMI
 * and hard interrupts included: only trylocks, NULL when a lock is taken or
 * the size is above KMALLOC_MAX_CACHE_SIZE. The stubs below never run: the
 * row's unavailable reason refuses its cases (bench-mod/case.c).
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 18, 0)
#define KAB_KMALLOC_NOLOCK_MISSING	NULL
#define kab_kmalloc_nolock(size, gfp)	kmalloc_nolock(size, gfp, NUMA_NO_NODE)
#define kab_kfree_nolock(obj)		kfree_nolock(obj)
#else
#define KAB_KMALLOC_NOLOCK_MISSING	"kmalloc_nolock() is new in 6.18"
#define kab_kmalloc_nolock(size, gfp)	((void)(size), (void)(gfp), (void *)NULL)
#define kab_kfree_nolock(obj)		((void)(obj))
#endif

/*
 * alloc_pages_nolock(): 6.15, as alloc_pages_nolock(nid, order); 6.18 put
 * a gfp_flags argument (only __GFP_ACCOUNT) in front. The module uses
 * 6.18's form, the first the shipped kernels have (7.2, 7.3).
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 18, 0)
#define KAB_ALLOC_PAGES_NOLOCK_MISSING	NULL
#define kab_alloc_pages_nolock(order)	alloc_pages_nolock(0, NUMA_NO_NODE, order)
#else
#define KAB_ALLOC_PAGES_NOLOCK_MISSING	"alloc_pages_nolock() with gfp flags is new in 6.18"
#define kab_alloc_pages_nolock(order)	((void)(order), (struct page *)NULL)
#endif

/*
 * kmem_cache_args.sheaf_capacity, SLUB's per-CPU sheaves of a cache: 6.18,
 * where a cache has sheaves only when given a capacity. By 7.2 sheaves had
 * replaced the per-CPU slabs (struct kmem_cache_cpu is gone from 7.2's and
 * 7.3's BTF) and every cache has them: a capacity of 0 is the kernel's
 * choice there, not none, though the field's comment in slab.h still says
 * none. struct kmem_cache_args itself is 6.12's; before, kmem_cache_create()
 * took the alignment and constructor as arguments.
 */
#define KAB_HAVE_SHEAVES	(LINUX_VERSION_CODE >= KERNEL_VERSION(6, 18, 0))

static inline struct kmem_cache *kab_kmem_cache_create(const char *name,
							unsigned int size,
							slab_flags_t flags,
							unsigned int sheaf_capacity,
							bool unmergeable)
{
#if KAB_HAVE_SHEAVES
	struct kmem_cache_args args = { .sheaf_capacity = sheaf_capacity };

	return kmem_cache_create(name, size, &args,
				 flags | (unmergeable ? SLAB_NO_MERGE : 0));
#elif defined(SLAB_NO_MERGE)
	return kmem_cache_create(name, size, 0,
				 flags | (unmergeable ? SLAB_NO_MERGE : 0), NULL);
#else
	/*
	 * Before 6.5 (no SLAB_NO_MERGE): a cache with a usercopy region is
	 * never merged where CONFIG_HARDENED_USERCOPY keeps the region (as
	 * Debian's kernels do); elsewhere the kernel may still merge it, which
	 * kab_case.caches_used then shows. The region changes nothing in the
	 * allocation and free paths.
	 */
	if (unmergeable)
		return kmem_cache_create_usercopy(name, size, 0, flags, 0, size,
						  NULL);
	return kmem_cache_create(name, size, 0, flags, NULL);
#endif
}

/*
 * The page allocator's bulk call of order-0 pages into an array: 6.14
 * dropped the list form (alloc_pages_bulk_list()) and renamed the array
 * form alloc_pages_bulk_array() to alloc_pages_bulk(), with the same
 * arguments and return. Either fills only the NULL entries of the array,
 * up to nr_pages, and returns how many entries are filled.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 14, 0)
#define kab_alloc_pages_bulk(gfp, nr_pages, pages)	\
	alloc_pages_bulk(gfp, nr_pages, pages)
#else
#define kab_alloc_pages_bulk(gfp, nr_pages, pages)	\
	alloc_pages_bulk_array(gfp, nr_pages, pages)
#endif

#endif /* KAB_COMPAT_H */
