// SPDX-License-Identifier: GPL-2.0
/*
 * kallocbench - the measured loops of a case, and the case run by them.
 *
 * A case runs its warmup, then the amortized loop, which reads the clock only
 * around chunks of operations, then the per-operation loop, which reads it
 * around every allocation and every free. Each loop stops after the requested
 * operations or, checked between chunks and inside a batch (before its 2nd,
 * 3rd, 5th, 9th... allocation and every KAB_CHUNK_OPS after that; before
 * every allocation in the per-operation loop), once its time limit has passed
 * or a signal is pending.
 * Every chunk frees what it allocated, so nothing is outstanding between
 * chunks, where the loops check for a fatal signal and reschedule. In an
 * atomic context a chunk also ends early once it has run for the case's
 * atomic limit, so that no stretch without preemption or interrupts is long
 * enough for a soft lockup or an RCU stall warning.
 */
#include <linux/kernel.h>
#include <linux/limits.h>
#include <linux/list.h>
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "case.h"
#include "memory.h"

/* Operations between two looks at the time limit and at signals. */
#define KAB_CHUNK_OPS	64U
/* Empty chunks timed for a context's overhead; the median is reported. */
#define KAB_CONTEXT_SAMPLES	15

static inline u64 kab_run_elapsed(const struct kab_run *run, u64 t0, u64 t1,
				  u32 reads)
{
	return kab_elapsed(run->overhead_ns, t0, t1, reads);
}

static inline u64 kab_run_interval(const struct kab_run *run, u64 t0, u64 t1)
{
	return kab_interval(run->overhead_ns, t0, t1);
}

/* Whether the chunk in flight has reached its deadline at clock time @now. */
static inline bool kab_over(const struct kab_run *run, u64 now)
{
	return run->deadline_ns && now >= run->deadline_ns;
}

/*
 * For loops that read no clock per operation: reads it, when there is a
 * deadline, and counts the read in @reads so that it can be taken out.
 */
static inline bool kab_check_deadline(const struct kab_run *run, u32 *reads)
{
	if (!run->deadline_ns)
		return false;
	(*reads)++;
	return kab_clock() >= run->deadline_ns;
}

/*
 * Inside a batch: whether the loop's time limit has passed at clock time @now
 * or a signal is pending, so that the batch stops allocating, frees what it
 * got and the loop ends.
 */
static inline bool kab_stopping(const struct kab_run *run)
{
	return signal_pending(current) || (run->stop && READ_ONCE(*run->stop));
}

static inline bool kab_batch_stop(const struct kab_run *run, u64 now)
{
	return (run->loop_end_ns && now >= run->loop_end_ns) ||
	       kab_stopping(run);
}

/*
 * Whether the amortized batch loop looks at its time limit before allocation
 * @i (> 0): at every power of two, then every KAB_CHUNK_OPS, so that a batch
 * whose allocations take milliseconds (a debug kernel's vmalloc) overshoots
 * its limit by about the time it has already spent, not by 64 allocations.
 */
static inline bool kab_batch_check_due(u32 i)
{
	return !(i & (i - 1)) || !(i % KAB_CHUNK_OPS);
}

/* The same for loops that read no clock per operation: reads it when there
 * is a time limit, counting the read in @reads so that it can be taken out. */
static inline bool kab_batch_stop_read(const struct kab_run *run, u32 *reads)
{
	u64 now = 0;

	if (run->loop_end_ns) {
		(*reads)++;
		now = kab_clock();
	}
	return kab_batch_stop(run, now);
}

/*
 * The amortized loops, written once and generated for each allocator below
 * with its calls as constants, so that the calls in the timed loop are
 * direct. Every chunk does at least one operation, whatever its deadline.
 */
static __always_inline void
kab_pair_amortized(struct kab_run *run,
		   void *(*alloc_fn)(const struct kab_alloc_args *args),
		   void (*free_fn)(const struct kab_alloc_args *args, void *obj))
{
	u64 t0 = kab_clock();
	u32 i, reads = 1;
	void *obj;

	for (i = 0; i < run->chunk_ops; i++) {
		if (i && kab_check_deadline(run, &reads))
			break;
		obj = alloc_fn(&run->args);
		if (likely(obj))
			free_fn(&run->args, obj);
		else
			run->amortized_failures++;
	}
	run->chunk_ops = i;
	run->pair_ns += kab_run_elapsed(run, t0, kab_clock(), reads);
}

/*
 * A chunk of the batch pattern is whole batches, the last maybe partial: a
 * deadline cuts the allocations of a batch short, then frees what it got.
 */
static __always_inline void
kab_batch_amortized(struct kab_run *run,
		    void *(*alloc_fn)(const struct kab_alloc_args *args),
		    void (*free_fn)(const struct kab_alloc_args *args, void *obj))
{
	u64 t0, t1, t2 = 0;
	u32 done, n, i, reads;

	for (done = 0; done < run->chunk_ops; done += n) {
		if (done && (kab_over(run, t2) || kab_batch_stop(run, t2)))
			break;
		n = min(run->batch, run->chunk_ops - done);
		reads = 1;
		t0 = kab_clock();
		for (i = 0; i < n; i++) {
			if (i && kab_check_deadline(run, &reads))
				break;
			if (i && kab_batch_check_due(i) &&
			    kab_batch_stop_read(run, &reads))
				break;
			run->objs[i] = alloc_fn(&run->args);
		}
		n = i;
		t1 = kab_clock();
		for (i = 0; i < n; i++)
			if (likely(run->objs[i]))
				free_fn(&run->args, run->objs[i]);
		t2 = kab_clock();
		run->alloc_ns += kab_run_elapsed(run, t0, t1, reads);
		run->free_ns += kab_run_interval(run, t1, t2);
		for (i = 0; i < n; i++)
			if (!run->objs[i])
				run->amortized_failures++;
	}
	run->chunk_ops = done;
}

/**
 * struct kab_amortized - the amortized loops of one allocator
 * @pair: the pair pattern's chunk
 * @batch: the batch pattern's chunk
 */
struct kab_amortized {
	void (*pair)(struct kab_run *run);
	void (*batch)(struct kab_run *run);
};

#define KAB_AMORTIZED_LOOPS(id, ...)					\
static void kab_pair_##id(struct kab_run *run)				\
{									\
	kab_pair_amortized(run, kab_##id##_alloc, kab_##id##_free);	\
}									\
static void kab_batch_##id(struct kab_run *run)				\
{									\
	kab_batch_amortized(run, kab_##id##_alloc, kab_##id##_free);	\
}

KAB_ALLOCATOR_LIST(KAB_AMORTIZED_LOOPS)

#define KAB_AMORTIZED_ROW(id, ...)					\
	[KAB_ALLOC_##id] = { kab_pair_##id, kab_batch_##id },

static const struct kab_amortized kab_amortized[KAB_NR_ALLOCATORS] = {
	KAB_ALLOCATOR_LIST(KAB_AMORTIZED_ROW)
};

/* The per-operation loops time each call, so they call through the row. */
static void kab_pair_per_op(struct kab_run *run)
{
	const struct kab_allocator_desc *a = run->allocator;
	u64 t0, t1 = 0;
	void *obj;
	u32 i;

	for (i = 0; i < run->chunk_ops; i++) {
		if (i && kab_over(run, t1))
			break;
		t0 = kab_clock();
		obj = a->alloc(&run->args);
		t1 = kab_clock();
		kab_record(&run->alloc_lat, kab_run_interval(run, t0, t1));
		if (unlikely(!obj))
			continue;
		t0 = kab_clock();
		a->free(&run->args, obj);
		t1 = kab_clock();
		kab_record(&run->free_lat, kab_run_interval(run, t0, t1));
	}
	run->chunk_ops = i;
}

static void kab_batch_per_op(struct kab_run *run)
{
	const struct kab_allocator_desc *a = run->allocator;
	u32 done, n, i;
	u64 t0, t1 = 0;

	for (done = 0; done < run->chunk_ops; done += n) {
		if (done && (kab_over(run, t1) || kab_batch_stop(run, t1)))
			break;
		n = min(run->batch, run->chunk_ops - done);
		for (i = 0; i < n; i++) {
			if (i && (kab_over(run, t1) || kab_batch_stop(run, t1)))
				break;
			t0 = kab_clock();
			run->objs[i] = a->alloc(&run->args);
			t1 = kab_clock();
			kab_record(&run->alloc_lat, kab_run_interval(run, t0, t1));
		}
		n = i;
		for (i = 0; i < n; i++) {
			if (unlikely(!run->objs[i]))
				continue;
			t0 = kab_clock();
			a->free(&run->args, run->objs[i]);
			t1 = kab_clock();
			kab_record(&run->free_lat, kab_run_interval(run, t0, t1));
		}
	}
	run->chunk_ops = done;
}

/*
 * Runs @ops operations in chunks, at least one chunk even under a tiny time
 * limit, and reports in @done how many it did.
 */
static int kab_loop(struct kab_run *run, void (*chunk)(struct kab_run *run),
		    u64 ops, u64 limit_ns, u64 *done)
{
	u32 unit = run->batch ? run->batch : 1;
	u32 max_chunk_ops = unit * max(1U, KAB_CHUNK_OPS / unit);
	u32 chunk_ops = unit;
	u64 start = kab_clock();

	run->loop_end_ns = limit_ns ? start + limit_ns : 0;
	/*
	 * Chunks start at one operation (one batch) and double, so that a
	 * case whose operations take milliseconds overshoots its time limit
	 * by at most about the time it has already spent.
	 */
	for (*done = 0; *done < ops; *done += run->chunk_ops) {
		run->chunk_ops = min_t(u64, chunk_ops, ops - *done);
		kab_context_run(run, chunk);
		if (run->finished && !atomic_read(run->finished))
			run->overlapped_ops += run->chunk_ops;
		if (limit_ns && kab_clock() - start >= limit_ns) {
			*done += run->chunk_ops;
			break;
		}
		/* Nothing is outstanding: any signal may end the case. */
		if (kab_stopping(run))
			return -EINTR;
		cond_resched();
		chunk_ops = min(chunk_ops * 2, max_chunk_ops);
	}
	return 0;
}

static void kab_empty_chunk(struct kab_run *run)
{
	run->chunk_ops = 0;
}

/*
 * The median cost, seen from process context, of entering the case's
 * context, running nothing there and coming back.
 */
u64 kab_context_overhead(struct kab_run *run)
{
	u64 samples[KAB_CONTEXT_SAMPLES], t0;
	unsigned int i;

	for (i = 0; i < KAB_CONTEXT_SAMPLES; i++) {
		t0 = kab_clock();
		kab_context_run(run, kab_empty_chunk);
		samples[i] = kab_run_interval(run, t0, kab_clock());
	}
	return kab_median(samples, KAB_CONTEXT_SAMPLES);
}

static u64 kab_div(u64 ns, u64 ops)
{
	return ops ? div64_u64(ns, ops) : 0;
}

static void kab_lat_result(struct kab_op_stats *stats,
			   const struct kab_lat *lat)
{
	stats->sum_ns = lat->sum;
	stats->min_ns = lat->count ? lat->min : 0;
	stats->max_ns = lat->max;
}

void kab_results(struct kab_case *c, const struct kab_run *run)
{
	c->clock_overhead_ns = run->overhead_ns;
	c->atomic_limit_ns = run->atomic_limit_ns;
	c->context_cpu = run->cpu;
	strscpy(c->context_mechanism, run->context->mechanism,
		sizeof(c->context_mechanism));
	/* Every allocation is timed, only the successful ones are freed. */
	c->failures = run->alloc_lat.count - run->free_lat.count;
	c->amortized_failures = run->amortized_failures;
	if (run->batch) {
		c->alloc.amortized_ns = kab_div(run->alloc_ns,
						c->amortized_ops);
		c->free.amortized_ns =
			kab_div(run->free_ns,
				c->amortized_ops - run->amortized_failures);
		c->pair_amortized_ns = c->alloc.amortized_ns +
				       c->free.amortized_ns;
	} else {
		c->alloc.amortized_ns = 0;
		c->free.amortized_ns = 0;
		c->pair_amortized_ns = kab_div(run->pair_ns, c->amortized_ops);
	}
	kab_lat_result(&c->alloc, &run->alloc_lat);
	kab_lat_result(&c->free, &run->free_lat);
}

/*
 * Under pressure a case that may reclaim must fit in what is left above the
 * min watermarks: beyond it its allocation enters direct reclaim, finds
 * nothing to reclaim and wakes the OOM killer, which kills the caller. The
 * headroom is known only once the pressure is applied, so the case is
 * refused then, before anything of it is allocated. A mask that cannot
 * reclaim fails instead below min, which is what such a case measures.
 */
static int kab_pressure_fits(struct kab_case *c, const struct kab_run *run)
{
	u64 peak, room;

	if (c->pressure == KAB_PRESSURE_none ||
	    !gfpflags_allow_blocking(run->args.gfp))
		return 0;
	peak = kab_allocator_peak_pages(run->allocator, &run->args,
					max(run->batch, 1U));
	room = kab_pressure_headroom();
	if (peak <= room)
		return 0;
	return kab_refuse(c->reason, -E2BIG,
			  "holds up to %llu KiB at once; pressure leaves %llu KiB above the min watermark",
			  peak << (PAGE_SHIFT - 10), room << (PAGE_SHIFT - 10));
}

/**
 * kab_run_init() - a case's run, before its allocator is set up
 * @run: filled in from @c
 * @c: the validated case
 * @alloc_hist: KAB_HIST_BUCKETS zeroed counters, the allocations' histogram
 * @free_hist: the same for the frees
 *
 * The histograms are the caller's (reply buffers, never user memory).
 *
 * Return: 0, or -ENOMEM when the batch array cannot be had; kab_run_exit()
 * frees it either way.
 */
int kab_run_init(struct kab_run *run, const struct kab_case *c,
		 u32 *alloc_hist, u32 *free_hist)
{
	bool batch = c->pattern == KAB_PATTERN_batch;
	const struct kab_context_desc *ctx = &kab_contexts[c->context];
	const struct kab_amortized *loops = &kab_amortized[c->allocator];

	*run = (struct kab_run) {
		.args = {
			.size = c->size_bytes,
			.order = c->order,
			.gfp = kab_gfp_mask(c->gfp),
			.bulk = c->bulk,
			.sheaf_capacity = c->sheaf_capacity,
			.node = c->node,
		},
		.allocator = &kab_allocators[c->allocator],
		.context = ctx,
		.atomic_limit_ns = !ctx->atomic ? 0 :
				   c->atomic_limit_ns ?: KAB_ATOMIC_LIMIT_DEFAULT_NS,
		.cpu = KAB_CPU_NONE,
		.batch = batch ? c->batch : 0,
		.alloc_lat = { .min = U64_MAX, .hist = alloc_hist },
		.free_lat = { .min = U64_MAX, .hist = free_hist },
		.amortized = batch ? loops->batch : loops->pair,
	};
	if (batch)
		run->objs = kvmalloc_array(run->batch, sizeof(void *),
					   GFP_KERNEL);
	if (batch && !run->objs)
		return -ENOMEM;
	return 0;
}

/* kab_run_exit() - free what kab_run_init() allocated */
void kab_run_exit(struct kab_run *run)
{
	kvfree(run->objs);
}

/* kab_run_warmup() - the case's untimed operations before its loops */
int kab_run_warmup(struct kab_run *run, const struct kab_case *c)
{
	u64 warm;

	return kab_loop(run, run->amortized, c->warmup, c->time_limit_ns,
			&warm);
}

/**
 * kab_run_measured() - the amortized loop, then the per-operation loop
 * @run: the case's run, warmed up
 * @c: where the loops' operation counts go
 *
 * Return: 0, or -EINTR when a signal (or @run->stop) ended them early.
 */
int kab_run_measured(struct kab_run *run, struct kab_case *c)
{
	int err;

	run->pair_ns = 0;
	run->alloc_ns = 0;
	run->free_ns = 0;
	run->amortized_failures = 0;
	err = kab_loop(run, run->amortized, c->iterations, c->time_limit_ns,
		       &c->amortized_ops);
	if (err)
		return err;
	return kab_loop(run, run->batch ? kab_batch_per_op : kab_pair_per_op,
			c->iterations, c->time_limit_ns, &c->ops_done);
}

/**
 * kab_run_case() - run a validated case on one CPU and fill in its results
 * @c: the case; the caller holds the case lock
 * @alloc_hist: KAB_HIST_BUCKETS zeroed counters, the allocations' histogram
 * @free_hist: the same for the frees
 *
 * Everything the case allocates is freed before this returns, on every path.
 * A case on several CPUs is run by kab_run_cpus().
 *
 * Return: 0, -ENOMEM when the harness cannot get its own buffers, -E2BIG
 * with a reason when the case does not fit under its pressure, -EINTR on a
 * fatal signal, -EPROTO when a chunk did not run in the context the case
 * asked for.
 */
int kab_run_case(struct kab_case *c, u32 *alloc_hist, u32 *free_hist)
{
	struct kab_zone_state zones;
	struct kab_run run;
	u64 slab_start;
	LIST_HEAD(held);
	int err;

	err = kab_run_init(&run, c, alloc_hist, free_hist);
	if (err)
		goto out_free;
	err = kab_allocator_setup(run.allocator, &run.args);
	if (err)
		goto out_free;

	run.overhead_ns = kab_clock_calibrate();
	c->context_overhead_ns = kab_context_overhead(&run);
	kab_pressure_snapshot(&zones);
	c->free_pages_start = zones.free;
	c->pcp_pages_start = zones.pcp;
	err = kab_pressure_apply(c->pressure, &held, &c->pressure_pages_held);
	if (!err)
		err = kab_pressure_fits(c, &run);
	if (err)
		goto out_release;
	err = kab_run_warmup(&run, c);
	if (!err)
		err = kab_pressure_apply(c->pressure, &held,
					 &c->pressure_pages_held);
	if (!err)
		err = kab_pressure_fits(c, &run);
	if (err)
		goto out_release;
	kab_pressure_snapshot(&zones);
	c->free_pages_before = zones.free;
	c->highatomic_pages = zones.highatomic;
	c->wmark_min = zones.wmark_min;
	c->wmark_low = zones.wmark_low;
	slab_start = kab_slab_bytes();

	err = kab_run_measured(&run, c);
	if (!err && (run.allocator->caps & KAB_CAP_DEFERRED))
		kab_deferred_drain(c, slab_start);
	kab_pressure_release(&held);
	kab_pressure_snapshot(&zones);
	c->free_pages_after = zones.free;
	c->pcp_pages_after = zones.pcp;
	if (err)
		goto out_teardown;

	if (run.wrong_context) {
		err = -EPROTO;
		goto out_teardown;
	}
	c->node_checked = 0;
	c->node_misplaced = !(run.allocator->caps & KAB_CAP_NODE) ? 0 :
		kab_allocator_misplaced(run.allocator, &run.args,
					&c->node_checked);
	kab_results(c, &run);
	/* One CPU: its cache, if its row made one, is the only one. */
	c->caches_used = run.args.cache ? 1 : 0;
out_release:
	kab_pressure_release(&held);
out_teardown:
	kab_allocator_teardown(run.allocator, &run.args);
out_free:
	kab_run_exit(&run);
	return err;
}
