// SPDX-License-Identifier: GPL-2.0
/*
 * kallocbench - the fragmenter: brings the buddy lists to a fragmentation
 * level and gives everything back afterwards.
 *
 * A level takes touch_permille thousandths of the free memory above a floor
 * in order-0 pages, keeps one page in keep_every and frees the others only
 * once all are taken: order-0 allocations split free blocks in address
 * order, so the kept pages end up spread through the memory touched and the
 * pages freed between them can merge into blocks of fewer than keep_every
 * pages only. The unmovable kind does this here with KAB_HOLD_GFP (an
 * unmovable allocation compaction cannot migrate); the movable kind is done
 * by the runner with anonymous memory, which compaction can migrate, and
 * the module only computes its plan, so that both kinds touch and keep the
 * same number of pages and obey the same cap.
 *
 * Safety: the floor is twice the low watermarks (lowmem reserves included),
 * so taking never wakes kswapd and stays well above the min watermark; a
 * level that would pin more than its cap (a share of MemTotal) is refused
 * before anything is taken; a fatal signal ends the taking with everything
 * given back; the pinned pages belong to the open file and are freed by
 * RELEASE or when the file is closed (which rmmod waits for, since the open
 * file holds a reference on the module).
 */
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/math64.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/stdarg.h>

#include "kallocbench.h"

/* Pages taken between two looks at signals, the floor and the scheduler. */
#define KAB_FRAG_STEP	256

static __printf(3, 4) int kab_frag_refuse(struct kab_frag *f, int err,
					  const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	vsnprintf(f->reason, sizeof(f->reason), fmt, args);
	va_end(args);
	return err;
}

static int kab_frag_validate(const struct kab_frag_state *state,
			     struct kab_frag *f)
{
	if (f->kind >= KAB_NR_FRAG_KINDS)
		return kab_frag_refuse(f, -EINVAL, "fragmentation kind %u is unknown",
				       f->kind);
	if (f->reserved[0] || f->reserved[1])
		return kab_frag_refuse(f, -EINVAL, "reserved must be 0");
	if (f->touch_permille > 1000)
		return kab_frag_refuse(f, -EINVAL,
				       "touch_permille %u exceeds 1000",
				       f->touch_permille);
	if (!f->touch_permille && f->keep_every)
		return kab_frag_refuse(f, -EINVAL,
				       "keep_every must be 0 when nothing is touched");
	if (f->touch_permille &&
	    (f->keep_every < 2 || f->keep_every > KAB_FRAG_KEEP_EVERY_MAX))
		return kab_frag_refuse(f, -EINVAL,
				       "keep_every %u is outside 2..%u",
				       f->keep_every, KAB_FRAG_KEEP_EVERY_MAX);
	if (f->cap_permille > KAB_FRAG_CAP_MAX_PERMILLE)
		return kab_frag_refuse(f, -EINVAL,
				       "cap_permille %u exceeds the hard maximum %u",
				       f->cap_permille, KAB_FRAG_CAP_MAX_PERMILLE);
	if (state->nr_pinned)
		return kab_frag_refuse(f, -EBUSY,
				       "this file holds a level already: release it first");
	return 0;
}

/* Pages of the plan: touched, and of those the kept ones, i % keep == 0. */
static u64 kab_frag_kept(u64 touched, u32 keep_every)
{
	return keep_every ? div_u64(touched + keep_every - 1, keep_every) : 0;
}

/*
 * Takes the planned pages, keeping one in keep_every on @state: 0, also when
 * the floor or the allocator stops it early (pages_touched says where), or
 * -EINTR on a fatal signal, with nothing held.
 */
static int kab_frag_take(struct kab_frag_state *state, struct kab_frag *f)
{
	LIST_HEAD(freed);
	struct page *page;
	u64 free, n;
	int err = 0;

	for (n = 0; n < f->pages_touched; n++) {
		if (!(n % KAB_FRAG_STEP)) {
			if (fatal_signal_pending(current)) {
				err = -EINTR;
				break;
			}
			cond_resched();
			/* Others allocate too: the floor holds whatever they do. */
			kab_pressure_snapshot(&free, NULL, NULL);
			if (free <= f->floor_pages)
				break;
		}
		page = alloc_page(KAB_HOLD_GFP);
		if (!page)
			break;
		if (n % f->keep_every) {
			list_add_tail(&page->lru, &freed);
		} else {
			list_add_tail(&page->lru, &state->pinned);
			state->nr_pinned++;
		}
	}
	f->pages_touched = n;
	/* Only now: freed earlier, a page would be taken again at once. */
	kab_pressure_release(&freed);
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
int kab_frag_apply(struct kab_frag_state *state, struct kab_frag *f)
{
	u32 cap_permille = f->cap_permille ? f->cap_permille :
			   KAB_FRAG_CAP_DEFAULT_PERMILLE;
	u64 free, wmark_low, above;
	int err;

	err = kab_frag_validate(state, f);
	if (err)
		return err;
	kab_pressure_snapshot(&free, NULL, &wmark_low);
	f->free_pages_before = free;
	f->floor_pages = 2 * wmark_low;
	f->cap_pages = div_u64((u64)totalram_pages() * cap_permille, 1000);
	above = free > f->floor_pages ? free - f->floor_pages : 0;
	f->pages_touched = div_u64(above * f->touch_permille, 1000);
	f->pages_pinned = kab_frag_kept(f->pages_touched, f->keep_every);
	if (f->pages_pinned > f->cap_pages)
		return kab_frag_refuse(f, -E2BIG,
				       "would pin %llu pages, above the cap of %u/1000 of MemTotal, %llu pages",
				       f->pages_pinned, cap_permille,
				       f->cap_pages);
	if (f->kind == KAB_FRAG_unmovable && f->pages_touched) {
		err = kab_frag_take(state, f);
		f->pages_pinned = state->nr_pinned;
	}
	kab_pressure_snapshot(&f->free_pages_after, NULL, NULL);
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
	kab_pressure_snapshot(&f->free_pages_after, NULL, NULL);
}
