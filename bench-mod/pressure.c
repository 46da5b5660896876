// SPDX-License-Identifier: GPL-2.0
/*
 * kallocbench - memory pressure around a case.
 *
 * Pressure "low" holds order-0 pages, taken in process context with
 * GFP_KERNEL | __GFP_NORETRY | __GFP_NOMEMALLOC (never the reserves that
 * GFP_ATOMIC may dip into, never the OOM killer), until every populated zone
 * up to ZONE_NORMAL has no more free pages than halfway between its min and
 * low watermarks, each counted with the zone's lowmem reserve against
 * ZONE_NORMAL allocations: the watermarks an allocation of the case sees.
 * It never holds more pages than those zones had free when it started, stops
 * on a fatal signal, and the caller frees every held page on every path.
 */
#include <linux/gfp.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/vmstat.h>

#include "kallocbench.h"

/* Pages taken between two looks at signals and the scheduler. */
#define KAB_PRESSURE_STEP	256

/*
 * Each populated zone up to ZONE_NORMAL of each online node; by hand, as
 * for_each_populated_zone() needs helpers modules cannot call.
 */
#define kab_for_each_zone(nid, i, zone)					\
	for_each_online_node(nid)					\
		for (i = 0; i <= ZONE_NORMAL; i++)			\
			if (zone = &NODE_DATA(nid)->node_zones[i],	\
			    !populated_zone(zone)) {} else

static unsigned long kab_zone_min(struct zone *zone)
{
	return min_wmark_pages(zone) + zone->lowmem_reserve[ZONE_NORMAL];
}

static unsigned long kab_zone_low(struct zone *zone)
{
	return low_wmark_pages(zone) + zone->lowmem_reserve[ZONE_NORMAL];
}

/**
 * kab_pressure_snapshot() - free pages and watermarks of the case's zones
 * @free: out: free pages
 * @wmark_min: out, optional: min watermarks, lowmem reserves included
 * @wmark_low: out, optional: low watermarks, lowmem reserves included
 */
void kab_pressure_snapshot(u64 *free, u64 *wmark_min, u64 *wmark_low)
{
	u64 f = 0, lo = 0, mi = 0;
	struct zone *zone;
	int nid, i;

	kab_for_each_zone(nid, i, zone) {
		f += zone_page_state(zone, NR_FREE_PAGES);
		mi += kab_zone_min(zone);
		lo += kab_zone_low(zone);
	}
	*free = f;
	if (wmark_min)
		*wmark_min = mi;
	if (wmark_low)
		*wmark_low = lo;
}

/* True while some zone has more free pages than the target. */
static bool kab_pressure_above_target(void)
{
	struct zone *zone;
	int nid, i;

	kab_for_each_zone(nid, i, zone) {
		unsigned long min, target;

		min = kab_zone_min(zone);
		target = min + (kab_zone_low(zone) - min) / 2;
		if (zone_page_state(zone, NR_FREE_PAGES) > target)
			return true;
	}
	return false;
}

/**
 * kab_pressure_apply() - take pages until the case's pressure is reached
 * @pressure: enum kab_pressure
 * @held: an empty list; receives the pages, to kab_pressure_release()
 * @nr_held: out: pages on @held
 *
 * Return: 0, also when the pages the kernel would give ran out before the
 * target (the watermarks reported show how far it got), or -EINTR on a
 * fatal signal, with whatever was taken still on @held.
 */
int kab_pressure_apply(u32 pressure, struct list_head *held, u64 *nr_held)
{
	struct page *page;
	u64 cap;

	*nr_held = 0;
	if (pressure == KAB_PRESSURE_none)
		return 0;
	/* Never more than what was free: counters that do not move stop it. */
	kab_pressure_snapshot(&cap, NULL, NULL);
	while (*nr_held < cap && kab_pressure_above_target()) {
		page = alloc_page(KAB_HOLD_GFP);
		if (!page)
			break;
		list_add(&page->lru, held);
		if (++*nr_held % KAB_PRESSURE_STEP)
			continue;
		if (fatal_signal_pending(current))
			return -EINTR;
		cond_resched();
	}
	return 0;
}

/**
 * kab_pressure_release() - free every page kab_pressure_apply() took
 * @held: the list it filled; empty afterwards
 */
void kab_pressure_release(struct list_head *held)
{
	struct page *page, *next;
	unsigned long n = 0;

	list_for_each_entry_safe(page, next, held, lru) {
		list_del(&page->lru);
		__free_page(page);
		if (!(++n % KAB_PRESSURE_STEP))
			cond_resched();
	}
}
