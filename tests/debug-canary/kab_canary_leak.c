// SPDX-License-Identifier: GPL-2.0
/*
 * kmemleak made to fire on purpose (tests/debug.sh): at insmod this
 * test-only module allocates and drops the pointer, and stays loaded, so
 * that the leak check that the debug test's other boots pass, the scan
 * after the benchmark module's rmmod, finds it with its backtrace named
 * (canary_leak in [kab_canary_leak]). Never part of the benchmark.
 */
#include <linux/module.h>
#include <linux/slab.h>

static noinline void canary_leak(void)
{
	void *lost = kmalloc(128, GFP_KERNEL);

	/* Not a tail call, so that the backtrace names this function. */
	pr_info("kab_canary_leak: dropped a kmalloc of %zu bytes\n", lost ? ksize(lost) : 0);
}

static int __init canary_leak_init(void)
{
	canary_leak();
	return 0;
}

static void __exit canary_leak_exit(void)
{
}

module_init(canary_leak_init);
module_exit(canary_leak_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kallocbench debug test: a kmalloc leaked for kmemleak to report");
