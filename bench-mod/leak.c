// SPDX-License-Identifier: GPL-2.0
/*
 * kallocbench_leak - leaks on purpose, for `kallocbench facts` (claim: a
 * kmalloc that is never freed outlives the module that made it).
 *
 * At load it kmallocs @bytes in KAB_LEAK_CHUNK-byte objects and forgets
 * every pointer; unloading frees nothing. The runner loads it only inside
 * a kallocbench guest, reads /proc/meminfo before the load and after the
 * unload, and shows that Slab and MemAvailable did not recover.
 */
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/sched.h>
#include <linux/slab.h>

/* One page: a kmalloc slab cache, counted in Slab and SUnreclaim. */
#define KAB_LEAK_CHUNK		4096UL
#define KAB_LEAK_DEFAULT	(16UL << 20)

static unsigned long bytes = KAB_LEAK_DEFAULT;
module_param(bytes, ulong, 0444);
MODULE_PARM_DESC(bytes, "bytes to kmalloc and never free (default 16 MiB)");

static int __init kab_leak_init(void)
{
	u64 limit = ((u64)si_mem_available() << PAGE_SHIFT) / 2;
	unsigned long i, chunks = DIV_ROUND_UP(bytes, KAB_LEAK_CHUNK);

	if (!bytes || bytes > limit) {
		pr_err("kallocbench_leak: bytes must be 1 to %llu (half the available memory)\n",
		       limit);
		return -E2BIG;
	}
	for (i = 0; i < chunks; i++) {
		/* The pointer is dropped on purpose: this is the leak. */
		if (!kmalloc(KAB_LEAK_CHUNK, GFP_KERNEL | __GFP_NOWARN)) {
			pr_err("kallocbench_leak: leaked %lu bytes, then kmalloc failed\n",
			       i * KAB_LEAK_CHUNK);
			return -ENOMEM;
		}
		if (!(i % 1024))
			cond_resched();
	}
	pr_info("kallocbench_leak: leaked %lu bytes in %lu kmalloc(%lu) objects\n",
		chunks * KAB_LEAK_CHUNK, chunks, KAB_LEAK_CHUNK);
	return 0;
}

static void __exit kab_leak_exit(void)
{
	/* Nothing to free: nothing was kept. */
}

module_init(kab_leak_init);
module_exit(kab_leak_exit);
MODULE_DESCRIPTION("kallocbench_leak: leaks kmalloc memory on purpose");
MODULE_LICENSE("GPL");
