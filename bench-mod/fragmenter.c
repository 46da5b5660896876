// SPDX-License-Identifier: GPL-2.0
/*
 * kallocbench - the fragmenter: brings the buddy lists to a fragmentation
 * level and gives everything back afterwards.
 *
 * A level touches touch_permille thousandths of the free memory and keeps
 * one page in keep_every (a power of two, k) pinned, so that the free memory
 * it touched is left in blocks of fewer than k pages.
 *
 * Unmovable, done here: blocks of k pages are taken with a mask that never
 * reclaims, compacts or goes below the low watermark, split, and all but
 * their first page given back at once. A block of order log2(k) is never
 * served from the fragments freed before, so the walk goes on through every
 * larger free block while free memory drops by one page per block only;
 * taking order-0 pages instead would take the smallest blocks first and
 * leave the largest ones whole in the free memory that must stay free. The
 * pages are GFP_KERNEL allocations, unmovable: compaction cannot undo this.
 *
 * Movable, done by the runner with anonymous memory that compaction can
 * migrate: page faults take order-0 pages, so the runner must hold all it
 * touches at once before it unmaps the pages between the kept ones, and
 * touches at most the free memory above the floor. The module only plans it.
 *
 * Safety: the floor is twice the high watermarks plus the most that
 * watermark boosting adds to them by default (150%), 3.5 times the high
 * watermarks, lowmem reserves included: well above the min watermark even
 * once a fragmenting fallback has boosted the watermarks, where page faults
 * would otherwise stall in reclaim and, with nothing to reclaim, wake the
 * OOM killer; a level that would pin more than its cap (a share of
 * MemTotal) is refused before anything is taken; a fatal signal
 * ends the taking with everything given back; the pinned pages belong to
 * the open file and are freed by RELEASE or when the file is closed (which
 * rmmod waits for, since an open file holds a reference on the module).
 */
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/log2.h>
#include <linux/math64.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>

#include "compat.h"
#include "kallocbench.h"
#include "memory.h"

/* Pages taken between two looks at signals, the floor and the scheduler. */
#define KAB_FRAG_STEP	256

static int kab_frag_validate(const struct kab_frag_state *state,
			     struct kab_frag *f)
{
	/* Blocks of keep_every pages are taken: the largest block is a bound. */
	unsigned long max_keep = min_t(unsigned long,
				       1UL << (KAB_NR_PAGE_ORDERS - 1),
				       KAB_FRAG_KEEP_EVERY_MAX);

	if (f->kind >= KAB_NR_FRAG_KINDS)
		return kab_refuse(f->reason, -EINVAL,
				  "fragmentation kind %u is unknown",
				  f->kind);
	if (f->reserved[0] || f->reserved[1])
		return kab_refuse(f->reason, -EINVAL, "reserved must be 0");
	if (f->touch_permille > 1000)
		return kab_refuse(f->reason, -EINVAL,
				  "touch_permille %u exceeds 1000",
				  f->touch_permille);
	if (!f->touch_permille && f->keep_every)
		return kab_refuse(f->reason, -EINVAL,
				  "keep_every must be 0 when nothing is touched");
	if (f->touch_permille &&
	    (f->keep_every < 2 || !is_power_of_2(f->keep_every) ||
	     f->keep_every > max_keep))
		return kab_refuse(f->reason, -EINVAL,
				  "keep_every %u is not a power of two from 2 to %lu",
				  f->keep_every, max_keep);
	if (f->cap_permille > KAB_FRAG_CAP_MAX_PERMILLE)
		return kab_refuse(f->reason, -EINVAL,
				  "cap_permille %u exceeds the hard maximum %u",
				  f->cap_permille, KAB_FRAG_CAP_MAX_PERMILLE);
	if (state->nr_pinned)
		return kab_refuse(f->reason, -EBUSY,
				  "this file holds a level already: release it first");
	return 0;
}

/*
 * Takes the planned blocks, pinning the first page of each: 0, also when
 * the floor or the free blocks run out first (pages_touched says how far it
 * got), or -EINTR on a fatal signal, with nothing held.
 */
static int kab_frag_take(struct kab_frag_state *state, struct kab_frag *f)
{
	/* Only what is free above the low watermark: no reclaim, no kswapd. */
	const gfp_t gfp = (GFP_KERNEL & ~__GFP_RECLAIM) | __GFP_NOWARN |
			  __GFP_NOMEMALLOC;
	unsigned int order = ilog2(f->keep_every);
	u64 blocks = div_u64(f->pages_touched, f->keep_every), n;
	struct page *page;
	u32 i;
	int err = 0;

	for (n = 0; n < blocks; n++) {
		if (!(n % KAB_FRAG_STEP)) {
			if (fatal_signal_pending(current)) {
				err = -EINTR;
				break;
			}
			cond_resched();
			/* Others allocate too: the floor holds whatever they do. */
			if (kab_free_pages_now() <= f->floor_pages)
				break;
		}
		page = alloc_pages(gfp, order);
		if (!page)
			break;
		split_page(page, order);
		list_add_tail(&page->lru, &state->pinned);
		state->nr_pinned++;
		for (i = 1; i < f->keep_every; i++)
			__free_page(page + i);
	}
	f->pages_touched = n * f->keep_every;
	if (err)
		kab_frag_release(state, f);
	return err;
}

/**
 * kab_frag_init() - an open file's state, holding nothing
 * @state: the state to set up
 */
void kab_frag_init(struct kab_frag_state *state)
{
	INIT_LIST_HEAD(&state->pinned);
	state->nr_pinned = 0;
}

/**
 * kab_frag_apply() - validate and apply (or, movable, plan) a level
 * @state: the open file's state; receives the pinned pages
 * @f: the request; its out fields are filled, @f->reason on refusal
 *
 * Return: 0; -EINVAL, -E2BIG or -EBUSY with a reason; -EINTR on a fatal
 * signal, with nothing held.
 */
static int kab_frag_apply(struct kab_frag_state *state, struct kab_frag *f)
{
	u32 cap_permille = f->cap_permille ? f->cap_permille :
			   KAB_FRAG_CAP_DEFAULT_PERMILLE;
	struct kab_zone_state zones;
	u64 free, wmark_high, above;
	int err;

	err = kab_frag_validate(state, f);
	if (err)
		return err;
	kab_pressure_snapshot(&zones);
	free = zones.free;
	f->free_pages_before = free;
	/* The high watermark is as far above low as low is above min. */
	wmark_high = 2 * zones.wmark_low - zones.wmark_min;
	f->floor_pages = 2 * wmark_high + wmark_high * 3 / 2;
	f->cap_pages = div_u64((u64)totalram_pages() * cap_permille, 1000);
	/* Taking whole blocks, unmovable holds only the pinned pages. */
	above = free > f->floor_pages ? free - f->floor_pages : 0;
	if (f->kind == KAB_FRAG_unmovable)
		above = free;
	/* Whole blocks of keep_every pages, one pinned in each. */
	f->pages_pinned = f->keep_every ?
			  div_u64(div_u64(above * f->touch_permille, 1000),
				  f->keep_every) : 0;
	f->pages_touched = f->pages_pinned * f->keep_every;
	if (f->pages_pinned > f->cap_pages)
		return kab_refuse(f->reason, -E2BIG,
				  "would pin %llu pages, above the cap of %u/1000 of MemTotal, %llu pages",
				  f->pages_pinned, cap_permille,
				  f->cap_pages);
	if (f->kind == KAB_FRAG_unmovable && f->pages_touched) {
		err = kab_frag_take(state, f);
		f->pages_pinned = state->nr_pinned;
	}
	f->free_pages_after = kab_free_pages_now();
	return err;
}

/**
 * kab_frag_release() - free the pages an open file holds
 * @state: the open file's state; holds nothing afterwards
 * @f: optional, receives the pages given back and the free pages after
 */
void kab_frag_release(struct kab_frag_state *state, struct kab_frag *f)
{
	u64 released = state->nr_pinned;

	kab_pressure_release(&state->pinned);
	state->nr_pinned = 0;
	if (!f)
		return;
	f->pages_touched = 0;
	f->pages_pinned = released;
	f->free_pages_after = kab_free_pages_now();
}

/*
 * APPLY and RELEASE of a fragmentation level. The whole request goes back,
 * refused or not (main.c), so that the caller sees the plan and the cap it
 * was measured against.
 */
long kab_frag_apply_ioctl(struct kab_file *kf, void *req,
			  struct kab_reply *reply)
{
	return kab_frag_apply(&kf->frag, req);
}

long kab_frag_release_ioctl(struct kab_file *kf, void *req,
			    struct kab_reply *reply)
{
	kab_frag_release(&kf->frag, req);
	return 0;
}
