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
#include <linux/ioctl.h>
#include <linux/kernel.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/stddef.h>
#include <linux/uaccess.h>

#include "kallocbench.h"
#include "kallocbench_sim.h"

/*
 * One case at a time: two would measure each other. Nothing under it
 * touches user memory (main.c copies in and out around it), so waiting for
 * it is waiting for a case, never for a user page fault.
 */
static DEFINE_MUTEX(kab_lock);

/**
 * struct kab_ioctl_desc - one ioctl
 * @cmd: its number; _IOC_SIZE(@cmd) is the size of its request
 * @exclusive: runs under the case lock, so that nothing runs beside it
 * @whole_on_error: a failed request goes back whole (it shows the plan it
 *	was refused for), not only its reason
 * @reason: offset of its reason field, 0 for none
 * @handler: answers the request, copied into kernel memory; may add
 *	buffers to the reply
 */
struct kab_ioctl_desc {
	unsigned int cmd;
	bool exclusive;
	bool whole_on_error;
	size_t reason;
	long (*handler)(struct kab_file *kf, void *req,
			struct kab_reply *reply);
};

#define KAB_REASON(type)	offsetof(struct type, reason)

static const struct kab_ioctl_desc kab_ioctls[] = {
	{ KAB_IOC_INFO, false, false, 0, kab_info_ioctl },
	{ KAB_IOC_RUN_CASE, true, false, KAB_REASON(kab_case),
	  kab_case_ioctl },
	{ KAB_IOC_FRAG_APPLY, true, true, KAB_REASON(kab_frag),
	  kab_frag_apply_ioctl },
	{ KAB_IOC_FRAG_RELEASE, true, true, KAB_REASON(kab_frag),
	  kab_frag_release_ioctl },
	{ KAB_IOC_ACCESS, true, true, KAB_REASON(kab_access),
	  kab_access_ioctl },
	{ KAB_IOC_PROBE, true, false, KAB_REASON(kab_probe),
	  kab_probe_ioctl },
};

/* Copies the answer out, no lock held. Return: @err, or -EFAULT. */
static long kab_answer(const struct kab_ioctl_desc *d, void __user *uarg,
		       const void *req, const struct kab_reply *reply, long err)
{
	size_t size = _IOC_SIZE(d->cmd);

	if (!err || d->whole_on_error) {
		if (copy_to_user(uarg, req, size))
			return -EFAULT;
	} else if (d->reason) {
		if (copy_to_user(uarg + d->reason, req + d->reason,
				 KAB_REASON_LEN))
			return -EFAULT;
	}
	if (!err)
		err = kab_reply_send(reply);
	return err;
}

static long kab_dispatch(const struct kab_ioctl_desc *d, struct kab_file *kf,
			 void __user *uarg)
{
	size_t size = _IOC_SIZE(d->cmd);
	struct kab_reply reply = {};
	void *req;
	long err;

	/* On the heap: some requests are too big for a stack frame. */
	req = kmalloc(size, GFP_KERNEL);
	if (!req)
		return -ENOMEM;
	err = kab_copy_request(req, uarg, size,
			       d->reason ? req + d->reason : NULL);
	if (err)
		goto out;
	if (d->exclusive && mutex_lock_interruptible(&kab_lock)) {
		err = -EINTR;
		goto out;
	}
	err = d->handler(kf, req, &reply);
	if (d->exclusive)
		mutex_unlock(&kab_lock);
	err = kab_answer(d, uarg, req, &reply, err);
out:
	kab_reply_free(&reply);
	kfree(req);
	return err;
}

static long kab_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	const struct kab_ioctl_desc *d;

	for (d = kab_ioctls; d < kab_ioctls + ARRAY_SIZE(kab_ioctls); d++)
		if (d->cmd == cmd)
			return kab_dispatch(d, file->private_data,
					    (void __user *)arg);
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

/*
 * The last close: an interrupted or crashed runner leaves nothing held.
 * Freeing what the file holds waits for a case in flight, which it would
 * disturb; a file that holds nothing (no ioctl of its own can be running)
 * closes at once.
 */
static int kab_release(struct inode *inode, struct file *file)
{
	struct kab_file *kf = file->private_data;

	if (kf->frag.nr_pinned || kf->held) {
		mutex_lock(&kab_lock);
		kab_frag_release(&kf->frag, NULL);
		kab_access_release(kf);
		mutex_unlock(&kab_lock);
	}
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
