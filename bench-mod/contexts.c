// SPDX-License-Identifier: GPL-2.0
/*
 * kallocbench - the contexts measured operations run in, one row per entry of
 * KAB_CONTEXT_LIST. A row runs one chunk of operations; the loops in timing.c
 * check for signals and reschedule between chunks, back in process context.
 */
#include <linux/build_bug.h>

#include "kallocbench.h"

static void kab_in_process(void (*chunk)(struct kab_run *run),
			   struct kab_run *run)
{
	chunk(run);
}

const struct kab_context_desc kab_contexts[KAB_NR_CONTEXTS] = {
	[KAB_CONTEXT_process] = {
		.name = "process",
		.run = kab_in_process,
	},
};

#define KAB_CONTEXT_FILLED(id)					\
	BUILD_BUG_ON(!kab_contexts[KAB_CONTEXT_##id].run ||	\
		     __builtin_strcmp(#id,			\
				      kab_contexts[KAB_CONTEXT_##id].name));

/**
 * kab_context_run() - run one chunk of a case in the case's context
 * @run: the case
 * @chunk: the operations, bounded by @run->chunk_ops
 */
void kab_context_run(struct kab_run *run, void (*chunk)(struct kab_run *run))
{
	KAB_CONTEXT_LIST(KAB_CONTEXT_FILLED)
	run->context->run(chunk, run);
}
