// SPDX-License-Identifier: GPL-2.0
/*
 * kallocbench - the misc device /dev/kallocbench: opening and closing it,
 * and dispatching each ioctl to its handler (see kallocbench.h for the
 * layers below).
 *
 * A request the module refuses gets a distinct errno and, once its size and
 * version are known to be right, a human reason in its reason field; no
 * input may make the module or the allocators it calls WARN, BUG or oops.
 */
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/smp.h>

#include "kallocbench.h"
#include "kallocbench_sim.h"

/* One case at a time: two would measure each other. */
static DEFINE_MUTEX(kab_lock);

/**
 * struct kab_ioctl_desc - one ioctl
 * @cmd: its number
 * @exclusive: runs under the case lock, so that nothing runs beside it
 * @handler: copies the request in, answers it and copies it out
 */
struct kab_ioctl_desc {
	unsigned int cmd;
	bool exclusive;
	long (*handler)(struct kab_file *kf, void __user *uarg);
};

static const struct kab_ioctl_desc kab_ioctls[] = {
	{ KAB_IOC_INFO, false, kab_info_ioctl },
	{ KAB_IOC_RUN_CASE, true, kab_case_ioctl },
	{ KAB_IOC_FRAG_APPLY, true, kab_frag_apply_ioctl },
	{ KAB_IOC_FRAG_RELEASE, true, kab_frag_release_ioctl },
	{ KAB_IOC_ACCESS, true, kab_access_ioctl },
	{ KAB_IOC_PROBE, true, kab_probe_ioctl },
};

static long kab_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct kab_file *kf = file->private_data;
	void __user *uarg = (void __user *)arg;
	const struct kab_ioctl_desc *d;
	long err;

	for (d = kab_ioctls; d < kab_ioctls + ARRAY_SIZE(kab_ioctls); d++) {
		if (d->cmd != cmd)
			continue;
		if (!d->exclusive)
			return d->handler(kf, uarg);
		if (mutex_lock_interruptible(&kab_lock))
			return -EINTR;
		err = d->handler(kf, uarg);
		mutex_unlock(&kab_lock);
		return err;
	}
	return -ENOTTY;
}

/*
 * Each open file may hold a fragmentation level (fragmenter.c) and the
 * access benchmark's buffer between its phases (access.c).
 */
static int kab_open(struct inode *inode, struct file *file)
{
	struct kab_file *kf = kzalloc(sizeof(*kf), GFP_KERNEL);

	if (!kf)
		return -ENOMEM;
	kab_frag_init(&kf->frag);
	file->private_data = kf;
	return 0;
}

/* The last close: an interrupted or crashed runner leaves nothing held. */
static int kab_release(struct inode *inode, struct file *file)
{
	struct kab_file *kf = file->private_data;

	mutex_lock(&kab_lock);
	kab_frag_release(&kf->frag, NULL);
	kab_access_release(kf);
	mutex_unlock(&kab_lock);
	kfree(kf);
	return 0;
}

static const struct file_operations kab_fops = {
	.owner = THIS_MODULE,
	.open = kab_open,
	.release = kab_release,
	.unlocked_ioctl = kab_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};

static struct miscdevice kab_dev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = KAB_DEVICE_NAME,
	.fops = &kab_fops,
	.mode = 0600,
};

/* Tells a simulated MMU, on this CPU, where the direct map starts. */
static void kab_sim_hello(void *unused)
{
	kab_sim_mark(KAB_SIM_EVENT_hello, PAGE_OFFSET, KAB_SIM_VERSION);
}

static int __init kab_init(void)
{
	kab_boot_clock_overhead_ns = kab_clock_calibrate();
	on_each_cpu(kab_sim_hello, NULL, 1);
	return misc_register(&kab_dev);
}

static void __exit kab_exit(void)
{
	misc_deregister(&kab_dev);
}

module_init(kab_init);
module_exit(kab_exit);
MODULE_DESCRIPTION("kallocbench: measures the kernel's allocators");
MODULE_LICENSE("GPL");
