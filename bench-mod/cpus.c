// SPDX-License-Identifier: GPL-2.0
/*
 * kallocbench - a case on several CPUs at once (kab_case.cpus above 1).
 *
 * One kernel thread bound to each of the first kab_case.cpus online CPUs
 * runs the whole case there (timing.c's loops, each thread with its own
 * run and histograms) on one allocator set up once, so that a
 * kmem_cache_alloc case shares its cache between the CPUs, unless the case
 * asks for caches per_cpu: then each thread's allocator is set up on its
 * own, one unmergeable cache per thread, before any thread starts, and
 * torn down after every thread has stopped. Which cache each CPU's loops
 * used is reported from the addresses they used, not from what was asked.
 * The threads
 * warm up, wait for each other at a barrier and then start their measured
 * loops together; each notes when it began and ended them, and counts the
 * operations of every chunk that ended while no CPU had left its loops yet,
 * which is how much of the work really overlapped.
 *
 * Threads get no signals: the caller waits interruptibly and, on a signal,
 * sets the flag the loops look at between chunks, then stops every thread
 * before anything is freed, so that a Ctrl-C of the runner in the middle
 * of a case leaves nothing behind and the module can be unloaded.
 */
#include <linux/completion.h>
#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/err.h>
#include <linux/kthread.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "case.h"
#include "memory.h"

/**
 * struct kab_cpus - what the threads of one case share
 * @nr: threads
 * @arrived: threads done with their warmup (the barrier)
 * @finished: threads out of their measured loops
 * @running: threads not done yet; the last completes @done
 * @stop: set by the caller on a signal: every loop ends early
 * @done: completed by the last thread
 */
struct kab_cpus {
	u32 nr;
	atomic_t arrived;
	atomic_t finished;
	atomic_t running;
	bool stop;
	struct completion done;
};

/**
 * struct kab_cpu_work - one thread of the case
 * @run: its loops and samples
 * @c: its own copy of the case, where its figures go
 * @shared: what the threads share
 * @task: the thread, NULL until created
 * @cpu: the CPU it is bound to
 * @start_ns: clock time at which it began its measured loops
 * @end_ns: clock time at which it ended them
 * @err: how its loops ended
 * @ring: remote_free: the ring it shares with the other CPU of its pair
 * @frees: remote_free: it is the freeing side of its pair
 * @remote_frees: remote_free, freeing side: frees on another CPU than
 *	the allocation's
 * @failed: remote_free, allocating side: allocations that returned NULL
 * @own: caches per_cpu: its own allocator's arguments, its own cache
 * @own_set_up: @own was set up and must be torn down
 */
struct kab_cpu_work {
	struct kab_run run;
	struct kab_case c;
	struct kab_cpus *shared;
	struct task_struct *task;
	u32 cpu;
	u64 start_ns;
	u64 end_ns;
	int err;
	struct kab_ring *ring;
	bool frees;
	u64 remote_frees;
	u64 failed;
	struct kab_alloc_args own;
	bool own_set_up;
};

/*
 * remote_free: one side of a ring. Only the per-operation figures exist:
 * the allocating side's ops_done are its allocations, the freeing side's
 * its frees.
 */
static int kab_cpu_remote(struct kab_cpu_work *w)
{
	int err = 0;

	if (w->frees)
		kab_remote_free(&w->run, w->ring, &w->remote_frees);
	else
		err = kab_remote_alloc(&w->run, w->ring, w->c.iterations,
				       &w->failed);
	return err;
}

/**
 * kab_validate_cpus() - the checks of kab_case.cpus and what it combines with
 * @c: the case
 *
 * Return: 0, or -EINVAL or -E2BIG with the reason in @c->reason.
 */
int kab_validate_cpus(struct kab_case *c)
{
	const struct kab_context_desc *ctx = &kab_contexts[c->context];
	const struct kab_allocator_desc *a = &kab_allocators[c->allocator];

	if (c->caches_reserved)
		return kab_refuse(c->reason, -EINVAL, "caches_reserved must be 0");
	if (c->caches >= KAB_NR_CACHES)
		return kab_refuse(c->reason, -EINVAL, "caches %u is unknown",
				  c->caches);
	if (c->caches == KAB_CACHES_per_cpu && !(a->caps & KAB_CAP_CACHE))
		return kab_refuse(c->reason, -EINVAL,
				  "%s has no cache of its own: caches per_cpu is for kmem_cache_alloc",
				  a->name);
	/* One CPU's one cache is both: refused rather than measured twice. */
	if (c->caches == KAB_CACHES_per_cpu && c->cpus <= 1)
		return kab_refuse(c->reason, -EINVAL,
				  "caches per_cpu needs cpus of 2 or more, not %u",
				  c->cpus);
	/* The freeing CPU would give an object back to a cache not its own. */
	if (c->caches == KAB_CACHES_per_cpu &&
	    c->pattern == KAB_PATTERN_remote_free)
		return kab_refuse(c->reason, -EINVAL,
				  "remote_free frees on another CPU than the allocation's: not with caches per_cpu");
	if (c->pattern == KAB_PATTERN_remote_free &&
	    (c->cpus < 2 || c->cpus % 2))
		return kab_refuse(c->reason, -EINVAL,
				  "remote_free pairs CPUs up: needs an even cpus, not %u",
				  c->cpus);
	/* Each side waits for the other: neither may keep its CPU for it. */
	if (c->pattern == KAB_PATTERN_remote_free &&
	    c->context != KAB_CONTEXT_process)
		return kab_refuse(c->reason, -EINVAL,
				  "remote_free runs in process context only, not %s",
				  ctx->name);
	if (c->cpus <= 1) {
		if (c->per_cpu)
			return kab_refuse(c->reason, -EINVAL,
					  "per_cpu needs cpus of 2 or more");
		return 0;
	}
	if (c->cpus > num_online_cpus())
		return kab_refuse(c->reason, -E2BIG,
				  "cpus %u exceeds the %u online CPUs",
				  c->cpus, num_online_cpus());
	/* Its answer is one reply buffer, kab_per_cpu_bytes() of them all. */
	if (c->cpus > KAB_MAX_CPUS)
		return kab_refuse(c->reason, -E2BIG,
				  "cpus %u exceeds the %u whose results one answer holds",
				  c->cpus, KAB_MAX_CPUS);
	if (c->per_cpu &&
	    !access_ok(u64_to_user_ptr(c->per_cpu), kab_per_cpu_bytes(c->cpus)))
		return kab_refuse(c->reason, -EFAULT,
				  "per_cpu is not a user buffer");
	/* The CPUs would take turns, never overlap. */
	if (ctx->one_at_a_time)
		return kab_refuse(c->reason, -EINVAL,
				  "%s context runs one chunk at a time: not with cpus %u",
				  ctx->name, c->cpus);
	if (c->pressure != KAB_PRESSURE_none)
		return kab_refuse(c->reason, -EINVAL,
				  "pressure is topped up between one CPU's warmup and loops: not with cpus %u",
				  c->cpus);
	return 0;
}

static int kab_cpu_thread(void *data)
{
	struct kab_cpu_work *w = data;
	struct kab_cpus *shared = w->shared;

	w->err = kab_run_warmup(&w->run, &w->c);
	atomic_inc(&shared->arrived);
	while (atomic_read(&shared->arrived) < shared->nr &&
	       !READ_ONCE(shared->stop))
		cpu_relax();
	if (!w->err) {
		w->run.finished = &shared->finished;
		w->start_ns = kab_clock();
		w->err = w->ring ? kab_cpu_remote(w) :
			 kab_run_measured(&w->run, &w->c);
		w->end_ns = kab_clock();
	}
	atomic_inc(&shared->finished);
	if (atomic_dec_and_test(&shared->running))
		complete(&shared->done);
	/* kthread_stop() is what ends the thread, after the caller is done. */
	set_current_state(TASK_INTERRUPTIBLE);
	while (!kthread_should_stop()) {
		schedule();
		set_current_state(TASK_INTERRUPTIBLE);
	}
	__set_current_state(TASK_RUNNING);
	return 0;
}

static void kab_lat_merge(struct kab_lat *sum, const struct kab_lat *lat)
{
	u32 i;

	sum->count += lat->count;
	sum->sum += lat->sum;
	sum->min = min(sum->min, lat->min);
	sum->max = max(sum->max, lat->max);
	for (i = 0; i < KAB_HIST_BUCKETS; i++)
		sum->hist[i] += lat->hist[i];
}

static void kab_cpu_result(struct kab_cpu_result *r,
			   const struct kab_cpu_work *w, u64 origin,
			   u64 alloc_hist, u64 free_hist)
{
	const struct kab_case *c = &w->c;

	r->cpu = w->run.cpu;
	r->ops_done = c->ops_done;
	r->amortized_ops = c->amortized_ops;
	r->failures = c->failures;
	r->amortized_failures = c->amortized_failures;
	r->pair_amortized_ns = c->pair_amortized_ns;
	r->overlapped_ops = w->run.overlapped_ops;
	r->start_ns = w->start_ns - origin;
	r->end_ns = w->end_ns - origin;
	r->remote_frees = w->remote_frees;
	r->alloc = c->alloc;
	r->alloc.hist = alloc_hist;
	r->free = c->free;
	r->free.hist = free_hist;
}

/* Where CPU @i's histogram @which (0 alloc, 1 free) of @per_cpu lies. */
static u32 *kab_cpu_hist(void *per_cpu, u32 cpus, u32 i, u32 which)
{
	struct kab_cpu_result *results = per_cpu;
	u32 *hists = (u32 *)&results[cpus];

	return hists + (2 * i + which) * KAB_HIST_BUCKETS;
}

/* The user address the answer copies a histogram of kab_cpu_hist() to. */
static u64 kab_cpu_hist_uptr(const struct kab_case *c, void *per_cpu,
			     const u32 *hist)
{
	if (!c->per_cpu)
		return 0;
	return c->per_cpu + ((const char *)hist - (const char *)per_cpu);
}

/*
 * Numbers the caches the threads' loops used (run.args.cache, what every
 * one of their calls got) in the CPUs' order, the same number for the
 * same address, into @results; returns how many distinct caches there
 * were, 0 for an allocator without one.
 */
static u32 kab_cpus_caches(const struct kab_cpu_work *works, u32 n,
			   struct kab_cpu_result *results)
{
	u32 i, j, used = 0;

	for (i = 0; i < n; i++) {
		const struct kmem_cache *cache = works[i].run.args.cache;

		results[i].cache = 0;
		if (!cache)
			continue;
		for (j = 0; j < i; j++)
			if (works[j].run.args.cache == cache)
				break;
		results[i].cache = j < i ? results[j].cache : used++;
	}
	return used;
}

/*
 * The case's figures from its threads': counts summed, amortized costs
 * averaged over the CPUs, the samples merged into @sum's two kab_lat.
 */
static int kab_cpus_results(struct kab_case *c, struct kab_cpu_work *works,
			    struct kab_run *sum, void *per_cpu)
{
	struct kab_cpu_result *results = per_cpu;
	u64 origin = U64_MAX, last_start = 0, first_end = U64_MAX;
	u64 pair = 0, alloc = 0, free = 0;
	u32 i, n = c->cpus;

	for (i = 0; i < n; i++) {
		struct kab_cpu_work *w = &works[i];

		if (w->run.wrong_context || w->run.cpu != w->cpu)
			return -EPROTO;
		kab_results(&w->c, &w->run);
		if (w->ring) {
			w->c.ops_done = w->frees ? w->run.free_lat.count :
						   w->run.alloc_lat.count;
			w->c.failures = w->failed;
		}
		kab_lat_merge(&sum->alloc_lat, &w->run.alloc_lat);
		kab_lat_merge(&sum->free_lat, &w->run.free_lat);
		origin = min(origin, w->start_ns);
		last_start = max(last_start, w->start_ns);
		first_end = min(first_end, w->end_ns);
	}
	kab_results(c, sum);
	c->context_cpu = KAB_CPU_MIXED;
	c->ops_done = 0;
	c->amortized_ops = 0;
	c->amortized_failures = 0;
	c->overlapped_ops = 0;
	c->remote_frees = 0;
	c->overlap_ns = first_end > last_start ? first_end - last_start : 0;
	for (i = 0; i < n; i++) {
		struct kab_cpu_work *w = &works[i];

		if (!w->frees)
			c->ops_done += w->c.ops_done;
		c->amortized_ops += w->c.amortized_ops;
		c->amortized_failures += w->c.amortized_failures;
		c->overlapped_ops += w->run.overlapped_ops;
		c->remote_frees += w->remote_frees;
		pair += w->c.pair_amortized_ns;
		alloc += w->c.alloc.amortized_ns;
		free += w->c.free.amortized_ns;
		kab_cpu_result(&results[i], w, origin,
			       kab_cpu_hist_uptr(c, per_cpu, w->run.alloc_lat.hist),
			       kab_cpu_hist_uptr(c, per_cpu, w->run.free_lat.hist));
	}
	c->caches_used = kab_cpus_caches(works, n, results);
	c->pair_amortized_ns = div_u64(pair, n);
	c->alloc.amortized_ns = div_u64(alloc, n);
	c->free.amortized_ns = div_u64(free, n);
	return 0;
}

/* Each thread's copy of the case, its histograms in @per_cpu. */
static int kab_cpus_prepare(struct kab_case *c, struct kab_cpu_work *works,
			    struct kab_cpus *shared, struct kab_ring *rings,
			    u64 overhead_ns, void *per_cpu)
{
	u32 i = 0, cpu;
	int err;

	for_each_online_cpu(cpu) {
		struct kab_cpu_work *w = &works[i];

		if (i == c->cpus)
			break;
		w->c = *c;
		err = kab_run_init(&w->run, c,
				   kab_cpu_hist(per_cpu, c->cpus, i, 0),
				   kab_cpu_hist(per_cpu, c->cpus, i, 1));
		if (err)
			return err;
		w->run.overhead_ns = overhead_ns;
		w->run.stop = &shared->stop;
		w->shared = shared;
		w->cpu = cpu;
		if (rings) {
			w->ring = kab_ring_of(rings, i / 2);
			w->frees = i % 2;
		}
		i++;
	}
	/* The CPUs counted in validation went offline since. */
	return i == c->cpus ? 0 : -EAGAIN;
}

/*
 * caches per_cpu: each thread's allocator set up on its own, in process
 * context before any thread starts, its cache named after the thread and
 * made unmergeable (kab_alloc_args.own_cache). Whatever was set up is torn
 * down by kab_cpus_teardown(), also when this fails part way.
 */
static int kab_cpus_setup(const struct kab_allocator_desc *a,
			  struct kab_cpu_work *works, u32 n,
			  const struct kab_alloc_args *args)
{
	u32 i;
	int err;

	for (i = 0; i < n; i++) {
		works[i].own = *args;
		works[i].own.own_cache = i + 1;
		err = kab_allocator_setup(a, &works[i].own);
		if (err)
			return err;
		works[i].own_set_up = true;
	}
	return 0;
}

/* Tears down what kab_cpus_setup() set up, once. */
static void kab_cpus_teardown(const struct kab_allocator_desc *a,
			      struct kab_cpu_work *works, u32 n)
{
	u32 i;

	for (i = 0; i < n; i++) {
		if (works[i].own_set_up)
			kab_allocator_teardown(a, &works[i].own);
		works[i].own_set_up = false;
	}
}

static int kab_cpus_start(struct kab_cpu_work *works, u32 n,
			  const struct kab_alloc_args *args)
{
	u32 i;

	for (i = 0; i < n; i++) {
		struct task_struct *task;

		works[i].run.args = works[i].own_set_up ? works[i].own : *args;
		task = kthread_create(kab_cpu_thread, &works[i], "kallocbench/%u",
				      works[i].cpu);
		if (IS_ERR(task))
			return PTR_ERR(task);
		kthread_bind(task, works[i].cpu);
		works[i].task = task;
	}
	for (i = 0; i < n; i++)
		wake_up_process(works[i].task);
	return 0;
}

/**
 * kab_run_cpus() - run a validated case on c->cpus CPUs at once
 * @c: the case; the caller holds the case lock
 * @alloc_hist: KAB_HIST_BUCKETS zeroed counters, all CPUs' allocations
 * @free_hist: the same for the frees
 * @per_cpu: kab_per_cpu_bytes(@c->cpus) zeroed bytes, the CPUs' results
 *	and histograms (a reply buffer, copied to @c->per_cpu after the lock)
 *
 * Every thread is stopped and everything the case allocated is freed
 * before this returns, on every path.
 *
 * Return: as kab_run_case(), and -EAGAIN when CPUs went offline since the
 * case was validated.
 */
int kab_run_cpus(struct kab_case *c, u32 *alloc_hist, u32 *free_hist,
		 void *per_cpu)
{
	struct kab_cpus shared = { .nr = c->cpus };
	const struct kab_allocator_desc *a = &kab_allocators[c->allocator];
	struct kab_alloc_args args;
	struct kab_ring *rings = NULL;
	struct kab_cpu_work *works;
	struct kab_zone_state zones;
	struct kab_run sum = {};
	bool per_cpu_caches = c->caches == KAB_CACHES_per_cpu;
	u32 i, n = c->cpus;
	u64 overhead_ns;
	int err;

	works = kvcalloc(n, sizeof(*works), GFP_KERNEL);
	if (!works)
		return -ENOMEM;
	err = -ENOMEM;
	if (c->pattern == KAB_PATTERN_remote_free) {
		rings = kab_rings_new(n / 2);
		if (!rings)
			goto out_free;
	}
	atomic_set(&shared.arrived, 0);
	atomic_set(&shared.finished, 0);
	atomic_set(&shared.running, n);
	init_completion(&shared.done);
	err = kab_run_init(&sum, c, alloc_hist, free_hist);
	if (err)
		goto out_free;
	args = sum.args;
	/* Per CPU, no allocator is set up for the case as a whole. */
	err = per_cpu_caches ? kab_cpus_setup(a, works, n, &args) :
			       kab_allocator_setup(a, &args);
	if (err)
		goto out_free;
	overhead_ns = kab_clock_calibrate();
	sum.overhead_ns = overhead_ns;
	sum.args = args;
	c->context_overhead_ns = kab_context_overhead(&sum);
	/* Hot-plugging waits: each thread's CPU stays online until it is done. */
	cpus_read_lock();
	err = kab_cpus_prepare(c, works, &shared, rings, overhead_ns,
			       per_cpu);
	kab_pressure_snapshot(&zones);
	c->free_pages_start = zones.free;
	c->pcp_pages_start = zones.pcp;
	c->free_pages_before = zones.free;
	c->highatomic_pages = zones.highatomic;
	c->wmark_min = zones.wmark_min;
	c->wmark_low = zones.wmark_low;
	if (!err)
		err = kab_cpus_start(works, n, &args);
	if (!err && wait_for_completion_interruptible(&shared.done))
		err = -EINTR;
	if (err)
		WRITE_ONCE(shared.stop, true);
	/* A thread never woken exits here without running its function. */
	for (i = 0; i < n && works[i].task; i++)
		kthread_stop(works[i].task);
	cpus_read_unlock();
	for (i = 0; i < n && !err; i++)
		err = works[i].err;
	if (!per_cpu_caches)
		kab_allocator_teardown(a, &args);
	kab_cpus_teardown(a, works, n);
	kab_pressure_snapshot(&zones);
	c->free_pages_after = zones.free;
	c->pcp_pages_after = zones.pcp;
	if (!err)
		err = kab_cpus_results(c, works, &sum, per_cpu);
out_free:
	/* A setup that failed part way leaves its first caches here. */
	kab_cpus_teardown(a, works, n);
	for (i = 0; i < n; i++)
		kab_run_exit(&works[i].run);
	kab_run_exit(&sum);
	kvfree(rings);
	kvfree(works);
	return err;
}
