// SPDX-License-Identifier: GPL-2.0
/*
 * kallocbench - the backlog of the deferred allocators (kfree_rcu,
 * kvfree_rcu): what their frees still hold after the measured loops, read
 * from the machine's unreclaimable slab memory, and how long it takes to
 * come back.
 *
 * The counter is global: whatever else the machine allocates meanwhile is
 * in it too, which an idle guest keeps small. It lags by the deltas each
 * CPU has not yet folded in (vmstat's thresholds, tens of pages per CPU),
 * so the drain bound leaves room for them.
 */
#include <linux/delay.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/sched/signal.h>
#include <linux/vmstat.h>

#include "case.h"

/* How often the drain is polled. */
#define KAB_DRAIN_POLL_MS	5
/* The least slack of the drain bound, for SLUB's empty slabs and vmstat. */
#define KAB_DRAIN_SLACK_BYTES	(256ULL << 10)

/* Bytes of unreclaimable slab memory, large kmallocs included. */
u64 kab_slab_bytes(void)
{
	return (u64)global_node_page_state_pages(NR_SLAB_UNRECLAIMABLE_B)
	       << PAGE_SHIFT;
}

/**
 * kab_deferred_drain() - wait, from process context, for a backlog to come back
 * @c: the case: @c->backlog_bytes and the other drain fields are filled in
 * @start_bytes: kab_slab_bytes() when the measured loops started
 *
 * RCU's kfree batches wait up to KFREE_DRAIN_JIFFIES (5 s since 6.2) for
 * more objects before they ask for a grace period, hence a bound of twice
 * that, KAB_DRAIN_LIMIT_NS.
 */
void kab_deferred_drain(struct kab_case *c, u64 start_bytes)
{
	u64 now = kab_slab_bytes(), t0 = kab_clock(), bound;

	c->backlog_bytes = now > start_bytes ? now - start_bytes : 0;
	bound = start_bytes + max(c->backlog_bytes / 8, KAB_DRAIN_SLACK_BYTES);
	c->drained = 0;
	for (;;) {
		c->drain_ns = kab_clock() - t0;
		if (now <= bound) {
			c->drained = 1;
			break;
		}
		if (c->drain_ns >= KAB_DRAIN_LIMIT_NS || signal_pending(current))
			break;
		msleep(KAB_DRAIN_POLL_MS);
		now = kab_slab_bytes();
	}
	c->backlog_left_bytes = now > start_bytes ? now - start_bytes : 0;
}
