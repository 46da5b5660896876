// SPDX-License-Identifier: GPL-2.0
/*
 * kallocbench - the remote_free pattern: one CPU allocates, another frees.
 *
 * The threads of a case on several CPUs (cpus.c) pair up: the first of each
 * pair allocates and hands every object through a bounded ring to the
 * second, which frees it, the way a driver's completion frees on another
 * CPU what its submission path allocated. Each side times only its own
 * calls, never its waits for the ring. The ring carries the CPU each
 * object was allocated on, and the freeing side counts the frees that ran
 * on another one, so that remote frees are checked rather than assumed.
 *
 * The allocating side ends early on the case's stop flag; the freeing side
 * always drains the ring until the allocating side has closed it, so that
 * every object is freed on every path.
 */
#include <linux/compiler.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/smp.h>

#include "case.h"

/* Objects in flight between the two CPUs of a pair at most. */
#define KAB_RING_SLOTS	256U
/* Operations between two looks at the stop flag and reschedules. */
#define KAB_RING_CHECK_OPS	64U

/**
 * struct kab_ring - the objects one CPU hands to another
 * @obj: the objects, NULL for an allocation that failed
 * @cpu: the CPU each was allocated on
 * @head: slots filled, written by the allocating side only
 * @tail: slots freed, written by the freeing side only (both words, for
 *	smp_load_acquire() on 32-bit too; a case has at most
 *	KAB_MAX_ITERATIONS operations)
 * @closed: the allocating side is done: @head is final
 */
struct kab_ring {
	void *obj[KAB_RING_SLOTS];
	u32 cpu[KAB_RING_SLOTS];
	unsigned long head ____cacheline_aligned;
	unsigned long tail ____cacheline_aligned;
	bool closed;
};

/* kab_rings_new() - @pairs empty rings, to kvfree() */
struct kab_ring *kab_rings_new(u32 pairs)
{
	return kvcalloc(pairs, sizeof(struct kab_ring), GFP_KERNEL);
}

/* kab_ring_of() - the ring of pair @pair of kab_rings_new()'s */
struct kab_ring *kab_ring_of(struct kab_ring *rings, u32 pair)
{
	return &rings[pair];
}

static void kab_ring_record(struct kab_run *run, struct kab_lat *lat,
			    u64 t0, u64 t1)
{
	kab_record(lat, kab_interval(run->overhead_ns, t0, t1));
	if (run->finished && !atomic_read(run->finished))
		run->overlapped_ops++;
}

static bool kab_ring_stopping(const struct kab_run *run)
{
	return run->stop && READ_ONCE(*run->stop);
}

/**
 * kab_remote_alloc() - the allocating side: @ops allocations into @ring
 * @run: this CPU's run
 * @ring: the pair's ring
 * @ops: allocations to make
 * @failed: out: allocations that returned NULL
 *
 * Return: 0, or -EINTR when the case's stop flag ended it early. The ring
 * is closed either way.
 */
int kab_remote_alloc(struct kab_run *run, struct kab_ring *ring, u64 ops,
		     u64 *failed)
{
	const struct kab_allocator_desc *a = run->allocator;
	unsigned long head = 0;
	u64 t0, t1;
	int err = 0;
	void *obj;

	*failed = 0;
	for (; head < ops; head++) {
		if (!(head % KAB_RING_CHECK_OPS)) {
			if (kab_ring_stopping(run)) {
				err = -EINTR;
				break;
			}
			cond_resched();
			kab_note_cpu(run);
		}
		while (head - smp_load_acquire(&ring->tail) == KAB_RING_SLOTS)
			cpu_relax();
		t0 = kab_clock();
		obj = a->alloc(&run->args);
		t1 = kab_clock();
		kab_ring_record(run, &run->alloc_lat, t0, t1);
		if (!obj)
			(*failed)++;
		ring->obj[head % KAB_RING_SLOTS] = obj;
		ring->cpu[head % KAB_RING_SLOTS] = raw_smp_processor_id();
		smp_store_release(&ring->head, head + 1);
	}
	smp_store_release(&ring->closed, true);
	return err;
}

/**
 * kab_remote_free() - the freeing side: frees what @ring brings until the
 *	allocating side has closed it and it is empty
 * @run: this CPU's run
 * @ring: the pair's ring
 * @remote: out: frees that ran on a CPU other than their allocation's
 */
void kab_remote_free(struct kab_run *run, struct kab_ring *ring, u64 *remote)
{
	const struct kab_allocator_desc *a = run->allocator;
	unsigned long tail = 0;
	u64 t0, t1;
	bool closed;
	void *obj;
	u32 slot;

	*remote = 0;
	kab_note_cpu(run);
	for (;;) {
		/* Read before head: a closed ring's head is then final. */
		closed = smp_load_acquire(&ring->closed);
		if (tail == smp_load_acquire(&ring->head)) {
			if (closed)
				return;
			cpu_relax();
			continue;
		}
		slot = tail % KAB_RING_SLOTS;
		obj = ring->obj[slot];
		if (obj) {
			t0 = kab_clock();
			a->free(&run->args, obj);
			t1 = kab_clock();
			kab_ring_record(run, &run->free_lat, t0, t1);
			if (raw_smp_processor_id() != ring->cpu[slot])
				(*remote)++;
		}
		smp_store_release(&ring->tail, ++tail);
		if (!(tail % KAB_RING_CHECK_OPS)) {
			cond_resched();
			kab_note_cpu(run);
		}
	}
}
