/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kallocbench - the state of memory around a measurement: the zones'
 * free pages and watermarks, pressure (pressure.c) and fragmentation
 * (fragmenter.c), which hold pages to shape it, and the page tables
 * vmalloc keeps (pagetables.c).
 */
#ifndef KAB_MEMORY_H
#define KAB_MEMORY_H

#include <linux/gfp.h>
#include <linux/list.h>
#include <linux/types.h>

#include "core.h"

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
u64 kab_pressure_headroom(void);
int kab_pressure_apply(u32 pressure, struct list_head *held, u64 *nr_held);
void kab_pressure_release(struct list_head *held);
u64 kab_vmalloc_table_pages(void);

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
void kab_frag_release(struct kab_frag_state *state, struct kab_frag *f);

#endif /* KAB_MEMORY_H */
