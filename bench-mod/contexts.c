// SPDX-License-Identifier: GPL-2.0
/*
 * kallocbench - the contexts measured operations run in, one row per entry of
 * KAB_CONTEXT_LIST. A row runs one chunk of operations; the loops in timing.c
 * check for signals and reschedule between chunks, back in process context.
 *
 * softirq and hardirq chunks are handed to the kernel and waited for, which
 * works on a single CPU too: the tasklet runs when the bottom halves that
 * were disabled around its scheduling are enabled again, the irq_work from
 * the self-IPI it raises as soon as interrupts are on. A tasklet rather than
 * a BH workqueue because 6.1 has no system_bh_wq; irq_work rather than an
 * IPI because smp_call_function_single() to the own CPU just calls the
 * function with interrupts off, which is not hard interrupt context.
 */
#include <linux/build_bug.h>
#include <linux/completion.h>
#include <linux/hardirq.h>
#include <linux/interrupt.h>
#include <linux/irq_work.h>
#include <linux/irqflags.h>
#include <linux/preempt.h>
#include <linux/smp.h>
#include <linux/spinlock.h>

#include "case.h"

/*
 * kab_chunk() - run the case's chunk, from inside its context
 *
 * Notes the CPU, ends the chunk early past the atomic bound and flags a
 * chunk that finds itself outside the context its row promises.
 */
static void kab_chunk(struct kab_run *run)
{
	const struct kab_context_desc *ctx = run->context;

	kab_note_cpu(run);
	if (ctx->in_context && !ctx->in_context())
		run->wrong_context = true;
	run->deadline_ns = run->atomic_limit_ns ?
			   kab_clock() + run->atomic_limit_ns : 0;
	run->chunk(run);
}

static bool kab_check_process(void)
{
	return in_task();
}

static bool kab_check_irq_off(void)
{
	return irqs_disabled();
}

static bool kab_check_softirq(void)
{
	return in_serving_softirq();
}

static bool kab_check_hardirq(void)
{
	return in_hardirq();
}

static void kab_in_process(struct kab_run *run)
{
	kab_chunk(run);
}

static void kab_in_preempt_off(struct kab_run *run)
{
	preempt_disable();
	kab_chunk(run);
	preempt_enable();
}

/* The case lock makes sure one chunk at a time holds it. */
static DEFINE_SPINLOCK(kab_chunk_lock);

static void kab_in_spinlock(struct kab_run *run)
{
	spin_lock(&kab_chunk_lock);
	kab_chunk(run);
	spin_unlock(&kab_chunk_lock);
}

static void kab_in_irq_off(struct kab_run *run)
{
	unsigned long flags;

	local_irq_save(flags);
	kab_chunk(run);
	local_irq_restore(flags);
}

/*
 * The chunk handed to the tasklet or the irq_work: one case runs at a time,
 * under the case lock, and waits for its chunk, so one of each is enough.
 */
static struct kab_run *kab_deferred_run;
static DECLARE_COMPLETION(kab_deferred_done);

static void kab_deferred_tasklet(struct tasklet_struct *t)
{
	kab_chunk(kab_deferred_run);
	complete(&kab_deferred_done);
}

static DECLARE_TASKLET(kab_tasklet, kab_deferred_tasklet);

static void kab_deferred_irq_work(struct irq_work *work)
{
	kab_chunk(kab_deferred_run);
	complete(&kab_deferred_done);
}

static struct irq_work kab_irq_work = IRQ_WORK_INIT_HARD(kab_deferred_irq_work);

static void kab_in_softirq(struct kab_run *run)
{
	kab_deferred_run = run;
	reinit_completion(&kab_deferred_done);
	local_bh_disable();
	tasklet_schedule(&kab_tasklet);
	local_bh_enable();
	wait_for_completion(&kab_deferred_done);
	/* complete() ran inside the tasklet: let it finish before reuse. */
	tasklet_unlock_wait(&kab_tasklet);
}

static void kab_in_hardirq(struct kab_run *run)
{
	kab_deferred_run = run;
	reinit_completion(&kab_deferred_done);
	irq_work_queue(&kab_irq_work);
	wait_for_completion(&kab_deferred_done);
	/* Likewise: the irq_work is busy until its function has returned. */
	irq_work_sync(&kab_irq_work);
}

const struct kab_context_desc kab_contexts[KAB_NR_CONTEXTS] = {
	[KAB_CONTEXT_process] = {
		.name = "process",
		.mechanism = "ioctl",
		.in_context = kab_check_process,
		.run = kab_in_process,
	},
	/* On PREEMPT_RT the allocators' own locks sleep. */
	[KAB_CONTEXT_preempt_off] = {
		.name = "preempt_off",
		.mechanism = "preempt_disable",
		.atomic = true,
		.not_on_rt = true,
		.run = kab_in_preempt_off,
	},
	/* spinlock_t is a sleeping lock on PREEMPT_RT, so allowed there. */
	[KAB_CONTEXT_spinlock] = {
		.name = "spinlock",
		.mechanism = "spin_lock",
		.atomic = true,
		.one_at_a_time = true,
		.run = kab_in_spinlock,
	},
	[KAB_CONTEXT_irq_off] = {
		.name = "irq_off",
		.irqs_off = true,
		.mechanism = "local_irq_save",
		.atomic = true,
		.not_on_rt = true,
		.in_context = kab_check_irq_off,
		.run = kab_in_irq_off,
	},
	[KAB_CONTEXT_softirq] = {
		.name = "softirq",
		.mechanism = "tasklet",
		.atomic = true,
		.one_at_a_time = true,
		.in_context = kab_check_softirq,
		.run = kab_in_softirq,
	},
	[KAB_CONTEXT_hardirq] = {
		.name = "hardirq",
		.mechanism = "irq_work-hard",
		.atomic = true,
		.one_at_a_time = true,
		.irqs_off = true,
		.not_on_rt = true,
		.in_context = kab_check_hardirq,
		.run = kab_in_hardirq,
	},
};

#define KAB_CONTEXT_FILLED(id, ...)				\
	BUILD_BUG_ON(!kab_contexts[KAB_CONTEXT_##id].run ||	\
		     !kab_contexts[KAB_CONTEXT_##id].mechanism ||	\
		     __builtin_strcmp(#id,			\
				      kab_contexts[KAB_CONTEXT_##id].name));

/**
 * kab_context_run() - run one chunk of a case in the case's context
 * @run: the case
 * @chunk: the operations, at most @run->chunk_ops of them; the chunk sets
 *	@run->chunk_ops to the number it did
 */
void kab_context_run(struct kab_run *run, void (*chunk)(struct kab_run *run))
{
	KAB_CONTEXT_LIST(KAB_CONTEXT_FILLED)
	run->chunk = chunk;
	run->context->run(run);
}
