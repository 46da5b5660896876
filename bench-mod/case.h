/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kallocbench - the case layer: one KAB_IOC_RUN_CASE request while it runs
 * (timing.c: the loops; contexts.c: where their chunks run; case.c: the
 * request's validation).
 */
#ifndef KAB_CASE_H
#define KAB_CASE_H

#include <linux/atomic.h>
#include <linux/minmax.h>
#include <linux/smp.h>
#include <linux/time64.h>
#include <linux/types.h>

#include "allocators.h"
#include "core.h"

#define KAB_MAX_BATCH		65536U
#define KAB_MAX_TIME_LIMIT_NS	(600ULL * NSEC_PER_SEC)
#define KAB_HIST_BYTES		(KAB_HIST_BUCKETS * sizeof(__u32))
/* kab_run.cpu before the first chunk has run. */
#define KAB_CPU_NONE		(KAB_CPU_MIXED - 1)

/**
 * struct kab_lat - per-operation samples of one kind of operation
 * @count: samples taken
 * @sum: their sum in ns
 * @min: the smallest, U64_MAX before the first
 * @max: the largest
 * @hist: KAB_HIST_BUCKETS counters, see kab_hist_bucket()
 */
struct kab_lat {
	u64 count;
	u64 sum;
	u64 min;
	u64 max;
	u32 *hist;
};

static inline void kab_record(struct kab_lat *lat, u64 ns)
{
	lat->count++;
	lat->sum += ns;
	lat->min = min(lat->min, ns);
	lat->max = max(lat->max, ns);
	lat->hist[kab_hist_bucket(ns)]++;
}

/**
 * struct kab_run - one case while it runs
 * @args: what every allocation gets; first, so that passing it costs
 *	nothing more than passing the run
 * @allocator: its row of kab_allocators
 * @context: its row of kab_contexts
 * @batch: allocations outstanding at once; 0 for the pair pattern
 * @objs: the outstanding allocations of the batch pattern
 * @overhead_ns: clock cost subtracted from every timed interval
 * @chunk: the chunk kab_context_run() is running
 * @chunk_ops: operations the chunk in flight may do; it leaves here the
 *	number it did
 * @atomic_limit_ns: how long one chunk may run, 0 for no bound
 * @deadline_ns: clock time at which the chunk in flight ends early, 0 for
 *	none
 * @loop_end_ns: clock time at which the loop in flight reaches its time
 *	limit, 0 for none; a batch checks it, and signals, inside too
 *	(timing.c says when), since one batch may take minutes
 * @cpu: the CPU the chunks ran on, KAB_CPU_NONE before the first,
 *	KAB_CPU_MIXED once two differed
 * @wrong_context: a chunk found itself outside the context of its row
 * @pair_ns: pair pattern, amortized loop: time of all alloc+free pairs
 * @alloc_ns: batch pattern, amortized loop: time of all allocations
 * @free_ns: batch pattern, amortized loop: time of all frees
 * @amortized_failures: amortized loop: allocations that returned NULL
 * @alloc_lat: per-operation loop, allocations
 * @free_lat: per-operation loop, frees
 * @amortized: the amortized loop's chunk, generated for the allocator
 * @stop: when not NULL, set once the loops must end early with -EINTR:
 *	a thread of a case on several CPUs gets no signals (cpus.c)
 * @finished: when not NULL, how many CPUs of the case have left their
 *	measured loops; a chunk that ends while none has counts in
 *	@overlapped_ops
 * @overlapped_ops: operations of chunks done while every CPU was in its
 *	measured loops
 */
struct kab_run {
	struct kab_alloc_args args;
	const struct kab_allocator_desc *allocator;
	const struct kab_context_desc *context;
	u32 batch;
	void **objs;
	u64 overhead_ns;
	void (*chunk)(struct kab_run *run);
	u32 chunk_ops;
	u64 atomic_limit_ns;
	u64 deadline_ns;
	u64 loop_end_ns;
	u32 cpu;
	bool wrong_context;
	u64 pair_ns;
	u64 alloc_ns;
	u64 free_ns;
	u64 amortized_failures;
	struct kab_lat alloc_lat;
	struct kab_lat free_lat;
	void (*amortized)(struct kab_run *run);
	const bool *stop;
	const atomic_t *finished;
	u64 overlapped_ops;
};

/**
 * struct kab_context_desc - one entry of KAB_CONTEXT_LIST
 * @name: as in the list
 * @mechanism: how the row enters the context, reported with every case
 * @atomic: may not sleep: refuses what may, and bounds every chunk by
 *	kab_case.atomic_limit_ns
 * @not_on_rt: PREEMPT_RT forbids allocating here at all
 * @one_at_a_time: one chunk runs here at a time, whichever CPU asks (one
 *	lock, one tasklet, one irq_work): a case on several CPUs refuses it
 * @irqs_off: interrupts are off while a chunk runs
 * @in_context: optional, true when called in the context the row promises;
 *	a case whose chunk finds otherwise fails with -EPROTO
 * @run: runs @run->chunk in the context and returns once it is done
 */
struct kab_context_desc {
	const char *name;
	const char *mechanism;
	bool atomic;
	bool not_on_rt;
	bool one_at_a_time;
	bool irqs_off;
	bool (*in_context)(void);
	void (*run)(struct kab_run *run);
};

extern const struct kab_context_desc kab_contexts[KAB_NR_CONTEXTS];

/* Notes in @run->cpu the CPU its work runs on now (KAB_CPU_MIXED once two
 * differed). */
static inline void kab_note_cpu(struct kab_run *run)
{
	u32 cpu = raw_smp_processor_id();

	if (run->cpu == KAB_CPU_NONE)
		run->cpu = cpu;
	else if (run->cpu != cpu)
		run->cpu = KAB_CPU_MIXED;
}
void kab_context_run(struct kab_run *run, void (*chunk)(struct kab_run *run));

int kab_run_init(struct kab_run *run, const struct kab_case *c,
		 u32 *alloc_hist, u32 *free_hist);
void kab_run_exit(struct kab_run *run);
u64 kab_context_overhead(struct kab_run *run);
int kab_run_warmup(struct kab_run *run, const struct kab_case *c);
int kab_run_measured(struct kab_run *run, struct kab_case *c);
void kab_results(struct kab_case *c, const struct kab_run *run);
int kab_run_case(struct kab_case *c, u32 *alloc_hist, u32 *free_hist);

int kab_validate_cpus(struct kab_case *c);
u64 kab_slab_bytes(void);
void kab_deferred_drain(struct kab_case *c, u64 start_bytes);
struct kab_ring;
struct kab_ring *kab_rings_new(u32 pairs);
struct kab_ring *kab_ring_of(struct kab_ring *rings, u32 pair);
int kab_remote_alloc(struct kab_run *run, struct kab_ring *ring, u64 ops,
		     u64 *failed);
void kab_remote_free(struct kab_run *run, struct kab_ring *ring, u64 *remote);
/*
 * What kab_case.per_cpu receives: kab_case.cpus struct kab_cpu_result,
 * then each CPU's allocation and free histograms in that order.
 */
static inline size_t kab_per_cpu_bytes(u32 cpus)
{
	return cpus * (sizeof(struct kab_cpu_result) + 2 * KAB_HIST_BYTES);
}
int kab_run_cpus(struct kab_case *c, u32 *alloc_hist, u32 *free_hist,
		 void *per_cpu);

#endif /* KAB_CASE_H */
