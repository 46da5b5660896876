// SPDX-License-Identifier: GPL-2.0
/*
 * kallocbench - KAB_IOC_INFO: what the module and the running kernel are.
 */
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/thread_info.h>

#include "case.h"
#include "compat.h"
#include "kallocbench.h"
#include "memory.h"

long kab_info_ioctl(struct kab_file *kf, void *req, struct kab_reply *reply)
{
	struct kab_info *info = req;
	unsigned int i;

	memset(info, 0, sizeof(*info));
	info->size = sizeof(*info);
	info->abi_version = KAB_ABI_VERSION;
	info->page_size = PAGE_SIZE;
	info->nr_page_orders = KAB_NR_PAGE_ORDERS;
	info->thread_size = THREAD_SIZE;
	info->preempt_rt = IS_ENABLED(CONFIG_PREEMPT_RT);
	info->online_cpus = num_online_cpus();
	info->kmalloc_max_size = KMALLOC_MAX_SIZE;
	info->totalram_bytes = (u64)totalram_pages() << PAGE_SHIFT;
	info->clock_overhead_ns = kab_boot_clock_overhead_ns;
	info->max_iterations = KAB_MAX_ITERATIONS;
	info->vmalloc_table_pages = kab_vmalloc_table_pages();
	strscpy(info->clock, KAB_CLOCK_NAME, sizeof(info->clock));
	for (i = 0; i < KAB_NR_CONTEXTS; i++)
		strscpy(info->context_mechanisms[i], kab_contexts[i].mechanism,
			sizeof(info->context_mechanisms[i]));
	return 0;
}
