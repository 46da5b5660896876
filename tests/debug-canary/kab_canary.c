// SPDX-License-Identifier: GPL-2.0
/*
 * The debug kernel's console detectors, made to fire on purpose
 * (tests/debug.sh): loaded with bug=NAME, this test-only module plants one
 * bug at insmod, the kind bench-mod/ must never have, so that the debug test
 * can show that each detector it relies on reports it (kmemleak's canary
 * is kab_canary_leak.c). Never part of the benchmark.
 *
 *	sleep		an allocation that may sleep (GFP_KERNEL) under a
 *			spinlock (DEBUG_ATOMIC_SLEEP)
 *	lock_order	two mutexes taken in both orders (PROVE_LOCKING)
 *	use_after_free	a read of a freed kmalloc (KASAN)
 */
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

static char *bug = "";
module_param(bug, charp, 0444);
MODULE_PARM_DESC(bug, "the bug to plant: sleep, lock_order or use_after_free");

static DEFINE_SPINLOCK(canary_spinlock);
static DEFINE_MUTEX(canary_mutex_a);
static DEFINE_MUTEX(canary_mutex_b);

static noinline void canary_sleep(void)
{
	void *p;

	spin_lock(&canary_spinlock);
	p = kmalloc(64, GFP_KERNEL);
	spin_unlock(&canary_spinlock);
	kfree(p);
}

static noinline void canary_lock_order(void)
{
	mutex_lock(&canary_mutex_a);
	mutex_lock(&canary_mutex_b);
	mutex_unlock(&canary_mutex_b);
	mutex_unlock(&canary_mutex_a);

	mutex_lock(&canary_mutex_b);
	mutex_lock(&canary_mutex_a);
	mutex_unlock(&canary_mutex_a);
	mutex_unlock(&canary_mutex_b);
}

static noinline void canary_use_after_free(void)
{
	char *freed = kmalloc(64, GFP_KERNEL);

	if (!freed)
		return;
	kfree(freed);
	/* Hidden from the compiler, which would warn of the bug it is. */
	OPTIMIZER_HIDE_VAR(freed);
	pr_info("kab_canary: read after free: %d\n", READ_ONCE(freed[8]));
}

static const struct {
	const char *name;
	void (*plant)(void);
} canaries[] = {
	{ "sleep", canary_sleep },
	{ "lock_order", canary_lock_order },
	{ "use_after_free", canary_use_after_free },
};

static int __init canary_init(void)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(canaries); i++) {
		if (!strcmp(bug, canaries[i].name)) {
			pr_info("kab_canary: planting %s\n", bug);
			canaries[i].plant();
			return 0;
		}
	}
	pr_err("kab_canary: unknown bug '%s'\n", bug);
	return -EINVAL;
}

static void __exit canary_exit(void)
{
}

module_init(canary_init);
module_exit(canary_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kallocbench debug test: plants one bug for a console detector to report");
