// SPDX-License-Identifier: GPL-2.0
/*
 * kallocbench - KAB_IOC_RUN_CASE: the validation of a case before anything
 * is allocated for it, and its answer; timing.c runs it.
 */
#include <linux/bitops.h>
#include <linux/errno.h>
#include <linux/gfp.h>
#include <linux/kernel.h>
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/nodemask.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "case.h"
#include "compat.h"
#include "kallocbench.h"
#include "kallocbench_sim.h"

#define KAB_PATTERN_NAME(name) [KAB_PATTERN_##name] = #name,
static const char *const kab_pattern_names[KAB_NR_PATTERNS] = {
	KAB_PATTERN_LIST(KAB_PATTERN_NAME)
};

static int kab_validate_gfp(struct kab_case *c,
			    const struct kab_allocator_desc *a)
{
	u32 bases = c->gfp & KAB_GFP_BASES;
	u32 refused;

	if (c->gfp & ~KAB_GFP_ALL)
		return kab_refuse(c->reason, -EINVAL, "gfp bit %lu is unknown",
				  __ffs(c->gfp & ~KAB_GFP_ALL));
	if (!bases)
		return kab_refuse(c->reason, -EINVAL,
				  "gfp has no base mask such as GFP_KERNEL");
	if (bases & (bases - 1))
		return kab_refuse(c->reason, -EINVAL,
				  "gfp has two base masks, %s and %s",
				  kab_gfp_name(bases),
				  kab_gfp_name(bases & (bases - 1)));
	/* gfp_zone() has no zone for both. */
	if ((c->gfp & KAB_GFP(GFP_DMA)) && (c->gfp & KAB_GFP(GFP_DMA32)))
		return kab_refuse(c->reason, -EINVAL,
				  "GFP_DMA and GFP_DMA32 name different zones");
	refused = c->gfp & ~bases & ~a->allowed_gfp;
	if (refused)
		return kab_refuse(c->reason, -EINVAL, "%s is not allowed for %s",
				  kab_gfp_name(refused), a->name);
	/* vmalloc sleeps whatever its mask: one that may not would pretend. */
	if ((a->caps & KAB_CAP_SLEEPS) &&
	    !gfpflags_allow_blocking(kab_gfps[__ffs(bases)].mask))
		return kab_refuse(c->reason, -EINVAL,
				  "%s may sleep and needs a mask that may, such as GFP_KERNEL, not %s",
				  a->name, kab_gfp_name(bases));
	if ((a->caps & KAB_CAP_NOWAIT) && bases != KAB_GFP(GFP_NOWAIT))
		return kab_refuse(c->reason, -EINVAL,
				  "%s takes no reclaim flags and needs GFP_NOWAIT, not %s",
				  a->name, kab_gfp_name(bases));
	return 0;
}

/*
 * Outside process context nothing may sleep: a refused case is never run,
 * so a bad combination costs an errno, not a "sleeping function called
 * from invalid context" splat. kmem_cache_alloc's kmem_cache_create() is no
 * exception to this: it runs in setup, in process context, whatever the
 * context of the case. kmalloc_nolock() and kfree_nolock() only ever
 * trylock, so they run in every context, PREEMPT_RT's included (where they
 * fail in hardirq context rather than take a sleeping lock: counted, not
 * refused); alloc_pages_nolock()'s pages go back through __free_pages().
 */
static int kab_validate_context(struct kab_case *c,
				const struct kab_allocator_desc *a)
{
	const struct kab_context_desc *ctx = &kab_contexts[c->context];

	if (c->pressure >= KAB_NR_PRESSURES)
		return kab_refuse(c->reason, -EINVAL, "pressure %u is unknown",
				  c->pressure);
	if (c->pressure_reserved)
		return kab_refuse(c->reason, -EINVAL, "pressure_reserved must be 0");
	if (c->atomic_limit_ns > KAB_ATOMIC_LIMIT_MAX_NS)
		return kab_refuse(c->reason, -EINVAL,
				  "atomic_limit_ns %llu exceeds %llu",
				  c->atomic_limit_ns, KAB_ATOMIC_LIMIT_MAX_NS);
	if (!ctx->atomic)
		return 0;
	if (IS_ENABLED(CONFIG_PREEMPT_RT) && ctx->not_on_rt &&
	    !(a->caps & KAB_CAP_NOLOCK))
		return kab_refuse(c->reason, -EINVAL,
				  "PREEMPT_RT forbids allocating in %s context",
				  ctx->name);
	if (a->caps & KAB_CAP_SLEEPS)
		return kab_refuse(c->reason, -EINVAL,
				  "%s may sleep: not allowed in %s context",
				  a->name, ctx->name);
	if ((a->caps & KAB_CAP_IRQS_ON) && ctx->irqs_off)
		return kab_refuse(c->reason, -EINVAL,
				  "%s needs interrupts on: not in %s context",
				  a->name, ctx->name);
	if (gfpflags_allow_blocking(kab_gfp_mask(c->gfp)))
		return kab_refuse(c->reason, -EINVAL,
				  "%s may sleep in direct reclaim: not allowed in %s context",
				  kab_gfp_name(c->gfp & KAB_GFP_BASES), ctx->name);
	return 0;
}

/*
 * What the kernel lacks: an allocator newer than it, or the sheaves of a
 * cache (kmem_cache_args.sheaf_capacity), which only the setup of a
 * cache's allocators (KAB_CAP_SHEAVES) creates a cache for.
 */
static int kab_validate_kernel(struct kab_case *c,
			       const struct kab_allocator_desc *a)
{
	if (a->unavailable)
		return kab_refuse(c->reason, -EINVAL, "%s: %s", a->name,
				  a->unavailable);
	if (!c->sheaf_capacity)
		return 0;
	if (!(a->caps & KAB_CAP_SHEAVES))
		return kab_refuse(c->reason, -EINVAL,
				  "sheaf_capacity is for kmem_cache_alloc and kmem_cache_alloc_bulk, not %s",
				  a->name);
	if (!KAB_HAVE_SHEAVES)
		return kab_refuse(c->reason, -EINVAL,
				  "sheaf_capacity needs cache sheaves (new in 6.18)");
	return 0;
}

/* A node is for the rows that take one, and must be online. */
static int kab_validate_node(struct kab_case *c,
			     const struct kab_allocator_desc *a)
{
	if (!(a->caps & KAB_CAP_NODE)) {
		if (c->node)
			return kab_refuse(c->reason, -EINVAL,
					  "node is for kmalloc_node and alloc_pages_node, not %s",
					  a->name);
		return 0;
	}
	if (c->node >= MAX_NUMNODES || !node_online(c->node))
		return kab_refuse(c->reason, -EINVAL,
				  "node %u is not online (online: %*pbl)",
				  c->node, nodemask_pr_args(&node_states[N_ONLINE]));
	return 0;
}

static int kab_validate_size(struct kab_case *c,
			     const struct kab_allocator_desc *a, u64 *bytes)
{
	if (a->caps & KAB_CAP_ORDER) {
		if (c->size_bytes)
			return kab_refuse(c->reason, -EINVAL,
					  "%s takes an order, not size_bytes",
					  a->name);
		if (c->order >= KAB_NR_PAGE_ORDERS)
			return kab_refuse(c->reason, -EINVAL,
					  "order %u exceeds the kernel's maximum order %u",
					  c->order, KAB_NR_PAGE_ORDERS - 1);
		*bytes = (u64)PAGE_SIZE << c->order;
		if (a->max_size && *bytes > a->max_size)
			return kab_refuse(c->reason, -EINVAL,
					  "%s takes orders of at most %u, not %u",
					  a->name, ilog2(a->max_size >> PAGE_SHIFT),
					  c->order);
		return 0;
	}
	if (c->order)
		return kab_refuse(c->reason, -EINVAL,
				  "%s takes size_bytes, not an order",
				  a->name);
	if (c->size_bytes < a->min_size)
		return kab_refuse(c->reason, -EINVAL,
				  "%s needs size_bytes of at least %llu",
				  a->name, a->min_size);
	if (a->max_size && c->size_bytes > a->max_size &&
	    !(a->caps & KAB_CAP_FAILS_ABOVE))
		return kab_refuse(c->reason, -E2BIG,
				  "%s takes size_bytes of at most %llu",
				  a->name, a->max_size);
	*bytes = c->size_bytes;
	return kab_check_memory(c->reason, "size_bytes", c->size_bytes);
}

static int kab_validate_loops(struct kab_case *c, u64 bytes)
{
	if (!c->iterations)
		return kab_refuse(c->reason, -EINVAL, "iterations must not be 0");
	if (c->iterations > KAB_MAX_ITERATIONS)
		return kab_refuse(c->reason, -E2BIG,
				  "iterations %llu exceed %llu",
				  c->iterations, KAB_MAX_ITERATIONS);
	if (c->warmup > KAB_MAX_ITERATIONS)
		return kab_refuse(c->reason, -E2BIG,
				  "warmup %llu exceeds %llu",
				  c->warmup, KAB_MAX_ITERATIONS);
	if (c->time_limit_ns > KAB_MAX_TIME_LIMIT_NS)
		return kab_refuse(c->reason, -EINVAL,
				  "time_limit_ns %llu exceeds 600 s",
				  c->time_limit_ns);
	if (c->pattern != KAB_PATTERN_batch) {
		if (c->batch)
			return kab_refuse(c->reason, -EINVAL,
					  "the %s pattern needs batch 0",
					  kab_pattern_names[c->pattern]);
		return 0;
	}
	if (!c->batch)
		return kab_refuse(c->reason, -EINVAL,
				  "the batch pattern needs batch >= 1");
	if (c->batch > KAB_MAX_BATCH)
		return kab_refuse(c->reason, -E2BIG, "batch %u exceeds the maximum %u",
				  c->batch, KAB_MAX_BATCH);
	/* Cannot overflow: bytes is at most half of RAM, batch 2^16. */
	if (c->batch * bytes > kab_memory_limit())
		return kab_refuse(c->reason, -E2BIG,
				  "batch %u of %llu bytes exceeds half the available memory, %llu",
				  c->batch, bytes, kab_memory_limit());
	return 0;
}

/* A bulk call holds its objects in one array: one CPU, the pair pattern. */
static int kab_validate_bulk(struct kab_case *c,
			     const struct kab_allocator_desc *a, u64 bytes)
{
	if (c->bulk_reserved)
		return kab_refuse(c->reason, -EINVAL, "bulk_reserved must be 0");
	if (!(a->caps & KAB_CAP_BULK)) {
		if (c->bulk)
			return kab_refuse(c->reason, -EINVAL,
					  "%s takes no bulk", a->name);
		return 0;
	}
	if (!c->bulk)
		return kab_refuse(c->reason, -EINVAL, "%s needs bulk >= 1",
				  a->name);
	if (c->bulk > KAB_MAX_BULK)
		return kab_refuse(c->reason, -E2BIG, "bulk %u exceeds %u",
				  c->bulk, KAB_MAX_BULK);
	if (c->pattern != KAB_PATTERN_pair)
		return kab_refuse(c->reason, -EINVAL,
				  "%s takes the pair pattern only", a->name);
	if (c->cpus > 1)
		return kab_refuse(c->reason, -EINVAL,
				  "%s runs on one CPU, not %u", a->name, c->cpus);
	/* Cannot overflow: bytes is at most half of RAM, bulk 2^10. */
	return kab_check_memory(c->reason, "bulk x bytes", c->bulk * bytes);
}

/*
 * A deferred free holds its object until a grace period has passed: every
 * object of the warmup and the two loops may be held at once, more than
 * the batch that bounds what the pressure check and one CPU's figures
 * assume, and the backlog is read machine-wide, where other CPUs' cases
 * would blur it.
 */
static int kab_validate_deferred(struct kab_case *c,
				 const struct kab_allocator_desc *a)
{
	u64 objects = c->warmup + 2 * c->iterations;

	if (c->drain_reserved)
		return kab_refuse(c->reason, -EINVAL, "drain_reserved must be 0");
	if (!(a->caps & KAB_CAP_DEFERRED))
		return 0;
	if (c->cpus > 1)
		return kab_refuse(c->reason, -EINVAL,
				  "%s runs on one CPU, not %u", a->name, c->cpus);
	if (c->pressure != KAB_PRESSURE_none)
		return kab_refuse(c->reason, -EINVAL,
				  "%s holds what it frees for a grace period: no pressure",
				  a->name);
	/* Cannot overflow: each count is at most KAB_MAX_ITERATIONS. */
	if (objects > div64_u64(kab_memory_limit(), max(c->size_bytes, 1ULL)))
		return kab_refuse(c->reason, -E2BIG,
				  "%llu objects of %llu bytes held until a grace period exceed half the available memory, %llu",
				  objects, c->size_bytes, kab_memory_limit());
	return 0;
}

static int kab_validate_hist(struct kab_case *c, u64 uptr, const char *what)
{
	if (uptr && !access_ok(u64_to_user_ptr(uptr), KAB_HIST_BYTES))
		return kab_refuse(c->reason, -EFAULT, "%s.hist is not a user buffer",
				  what);
	return 0;
}

static int kab_validate(struct kab_case *c)
{
	const struct kab_allocator_desc *a;
	u64 bytes;
	int err;

	if (c->allocator >= KAB_NR_ALLOCATORS)
		return kab_refuse(c->reason, -EINVAL, "allocator %u is unknown",
				  c->allocator);
	if (c->context >= KAB_NR_CONTEXTS)
		return kab_refuse(c->reason, -EINVAL, "context %u is unknown",
				  c->context);
	if (c->pattern >= KAB_NR_PATTERNS)
		return kab_refuse(c->reason, -EINVAL, "pattern %u is unknown",
				  c->pattern);
	a = &kab_allocators[c->allocator];
	err = kab_validate_kernel(c, a);
	if (!err)
		err = kab_validate_gfp(c, a);
	if (!err)
		err = kab_validate_context(c, a);
	if (!err)
		err = kab_validate_node(c, a);
	if (!err)
		err = kab_validate_size(c, a, &bytes);
	if (!err)
		err = kab_validate_loops(c, bytes);
	if (!err)
		err = kab_validate_cpus(c);
	if (!err)
		err = kab_validate_bulk(c, a, bytes);
	if (!err)
		err = kab_validate_deferred(c, a);
	if (!err)
		err = kab_validate_hist(c, c->alloc.hist, "alloc");
	if (!err)
		err = kab_validate_hist(c, c->free.hist, "free");
	return err;
}

/**
 * kab_case_ioctl() - KAB_IOC_RUN_CASE: validate a case and run it
 * @kf: the open file
 * @req: the request; on refusal only its reason goes back
 * @reply: receives the histograms, copied to @c->alloc.hist and
 *	@c->free.hist on success, and on several CPUs what goes to @c->per_cpu
 *
 * Return: 0, or a negative errno.
 */
long kab_case_ioctl(struct kab_file *kf, void *req, struct kab_reply *reply)
{
	struct kab_case *c = req;
	u32 *alloc_hist, *free_hist;
	void *per_cpu = NULL;
	int err;

	err = kab_validate(c);
	if (err)
		return err;
	/* Only a deferred allocator's case fills them in. */
	c->backlog_bytes = 0;
	c->drain_ns = 0;
	c->backlog_left_bytes = 0;
	c->drained = 0;
	alloc_hist = kab_reply_buffer(reply, c->alloc.hist, KAB_HIST_BYTES);
	free_hist = kab_reply_buffer(reply, c->free.hist, KAB_HIST_BYTES);
	if (!alloc_hist || !free_hist)
		return -ENOMEM;
	/* The threads' histograms live there even when per_cpu is 0. */
	if (c->cpus > 1) {
		per_cpu = kab_reply_buffer(reply, c->per_cpu,
					   kab_per_cpu_bytes(c->cpus));
		if (!per_cpu)
			return -ENOMEM;
	}
	kab_sim_mark(KAB_SIM_EVENT_phase_begin, KAB_SIM_PHASE_case, 0);
	if (c->cpus > 1)
		err = kab_run_cpus(c, alloc_hist, free_hist, per_cpu);
	else
		err = kab_run_case(c, alloc_hist, free_hist);
	kab_sim_mark(KAB_SIM_EVENT_phase_end, KAB_SIM_PHASE_case, 0);
	return err;
}

