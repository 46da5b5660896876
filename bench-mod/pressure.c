// SPDX-License-Identifier: GPL-2.0
/*
 * kallocbench - memory pressure around a case.
 *
 * Pressure "low" holds order-0 pages, taken in process context with
 * GFP_KERNEL | __GFP_NORETRY | __GFP_NOMEMALLOC (never the reserves that
 * GFP_ATOMIC may dip into, never the OOM killer), until every populated zone
 * up to ZONE_NORMAL has no more usable free pages than halfway between its
 * min and low watermarks, each counted with the zone's lowmem reserve against
 * ZONE_NORMAL allocations: the watermarks an allocation of the case sees.
 * Zones are taken one by one, lowest first, each with the mask that starts
 * there: a GFP_KERNEL page would come from the highest zone until that one
 * reached its min (the slow path's watermark) before a lower one is touched,
 * leaving no room above min there for the case.
 * Usable leaves out the zone's high-order atomic reserve: once an order > 0
 * GFP_ATOMIC allocation has succeeded, the kernel may set aside pageblocks
 * (up to about 1% of the zone) that count as free but that only such
 * allocations may take, so a target on the raw count would stop short.
 * It never holds more pages than those zones had free when it started, stops
 * on a fatal signal, and the caller frees every held page on every path.
 */
#include <linux/gfp.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/percpu.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/string.h>
#include <linux/vmstat.h>

#include "memory.h"

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

/* Free pages that an allocation outside the high-order atomic reserve sees. */
static unsigned long kab_zone_usable(struct zone *zone)
{
	unsigned long free = zone_page_state(zone, NR_FREE_PAGES);
	unsigned long reserved = READ_ONCE(zone->nr_reserved_highatomic);

	return free > reserved ? free - reserved : 0;
}

/* Pages freed to the per-CPU lists are free, but not in NR_FREE_PAGES. */
static unsigned long kab_zone_pcp(struct zone *zone)
{
	unsigned long pages = 0;
	int cpu;

	for_each_online_cpu(cpu)
		pages += READ_ONCE(per_cpu_ptr(zone->per_cpu_pageset,
					       cpu)->count);
	return pages;
}

/**
 * kab_pressure_snapshot() - free pages and watermarks of the case's zones
 * @state: out: the sums over the zones
 */
void kab_pressure_snapshot(struct kab_zone_state *state)
{
	struct zone *zone;
	int nid, i;

	memset(state, 0, sizeof(*state));
	kab_for_each_zone(nid, i, zone) {
		state->free += zone_page_state(zone, NR_FREE_PAGES);
		state->pcp += kab_zone_pcp(zone);
		state->highatomic += READ_ONCE(zone->nr_reserved_highatomic);
		state->wmark_min += kab_zone_min(zone);
		state->wmark_low += kab_zone_low(zone);
	}
}

/**
 * kab_free_pages_now() - free pages of the case's zones, as MemFree counts them
 */
u64 kab_free_pages_now(void)
{
	struct kab_zone_state state;

	kab_pressure_snapshot(&state);
	return state.free;
}

/**
 * kab_pressure_headroom() - what an allocation may take above the min
 *	watermarks
 *
 * Below a zone's min watermark an allocation that may reclaim enters
 * direct reclaim; with nothing to reclaim, as under pressure, it wakes the
 * OOM killer. What each zone has above its min is what a case may hold.
 *
 * Return: usable free pages above min, summed over the case's zones.
 */
u64 kab_pressure_headroom(void)
{
	struct zone *zone;
	u64 pages = 0;
	int nid, i;

	kab_for_each_zone(nid, i, zone) {
		unsigned long usable = kab_zone_usable(zone);
		unsigned long min = kab_zone_min(zone);

		if (usable > min)
			pages += usable - min;
	}
	return pages;
}

/* Halfway between the zone's min and low watermarks. */
static unsigned long kab_zone_target(struct zone *zone)
{
	unsigned long min = kab_zone_min(zone);

	return min + (kab_zone_low(zone) - min) / 2;
}

/* The mask whose allocations start at zone @idx and fall back below it. */
static gfp_t kab_zone_gfp(int idx)
{
#ifdef CONFIG_ZONE_DMA
	if (idx == ZONE_DMA)
		return __GFP_DMA;
#endif
#ifdef CONFIG_ZONE_DMA32
	if (idx == ZONE_DMA32)
		return __GFP_DMA32;
#endif
	return 0;
}

/**
 * kab_pressure_apply() - take pages until the case's pressure is reached
 * @pressure: enum kab_pressure
 * @held: receives the pages, to kab_pressure_release()
 * @nr_held: in/out: pages on @held
 *
 * Called again on the same list it tops the pressure up, e.g. after a warmup
 * that woke kswapd or filled the atomic reserve.
 *
 * Return: 0, also when the pages the kernel would give ran out before the
 * target (the watermarks reported show how far it got), or -EINTR on a
 * fatal signal, with whatever was taken still on @held.
 */
int kab_pressure_apply(u32 pressure, struct list_head *held, u64 *nr_held)
{
	struct kab_zone_state zones;
	struct page *page;
	struct zone *zone;
	int nid, i;
	u64 cap;

	if (pressure == KAB_PRESSURE_none)
		return 0;
	/* Never more than what was free: counters that do not move stop it. */
	kab_pressure_snapshot(&zones);
	cap = *nr_held + zones.free;
	kab_for_each_zone(nid, i, zone) {
		while (*nr_held < cap &&
		       kab_zone_usable(zone) > kab_zone_target(zone)) {
			page = alloc_pages_node(nid, KAB_HOLD_GFP | __GFP_THISNODE |
						kab_zone_gfp(i), 0);
			if (!page)
				break;
			list_add(&page->lru, held);
			++*nr_held;
			/* From a zone below: this one is as low as it goes. */
			if (page_zone(page) != zone)
				break;
			if (*nr_held % KAB_PRESSURE_STEP)
				continue;
			if (fatal_signal_pending(current))
				return -EINTR;
			cond_resched();
		}
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
