// SPDX-License-Identifier: GPL-2.0
/*
 * kallocbench - the misc device /dev/kallocbench, its ioctls, and the
 * validation of every request before anything is allocated for it.
 *
 * A request the module refuses gets a distinct errno and, once its size and
 * version are known to be right, a human reason in kab_case.reason; no input
 * may make the module or the allocators it calls WARN, BUG or oops.
 */
#include <linux/bitops.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/stdarg.h>
#include <linux/string.h>
#include <linux/thread_info.h>
#include <linux/uaccess.h>

#include "compat.h"
#include "kallocbench.h"
#include "kallocbench_sim.h"

/* One case at a time: two would measure each other. */
static DEFINE_MUTEX(kab_lock);

/* The leading fields of every request. */
struct kab_header {
	__u32 size;
	__u32 abi_version;
};

static bool kab_header_ok(const struct kab_header *h, size_t size)
{
	return h->size == size && h->abi_version == KAB_ABI_VERSION;
}

/**
 * kab_copy_request() - copy a request in, checking its size and version
 * @dst: where to copy it
 * @src: the request
 * @size: the size of the request's struct
 *
 * Anything but this module's size and version, including a header that
 * changes while it is copied, is refused, and the caller learns this
 * module's version through its header.
 *
 * Return: 0, -EINVAL or -EFAULT.
 */
int kab_copy_request(void *dst, void __user *src, size_t size)
{
	struct kab_header __user *user_header = src;
	struct kab_header h;

	if (copy_from_user(&h, src, sizeof(h)))
		return -EFAULT;
	if (!kab_header_ok(&h, size)) {
		/* The header never changes shape: tell the caller our version. */
		if (put_user(KAB_ABI_VERSION, &user_header->abi_version))
			return -EFAULT;
		return -EINVAL;
	}
	if (copy_from_user(dst, src, size))
		return -EFAULT;
	return kab_header_ok(dst, size) ? 0 : -EINVAL;
}

static u64 kab_totalram_bytes(void)
{
	return (u64)totalram_pages() << PAGE_SHIFT;
}

/**
 * kab_memory_limit() - the most one case may hold at once
 *
 * Return: half of what the kernel could hand out without swapping, so that
 * a valid request never wakes the OOM killer.
 */
u64 kab_memory_limit(void)
{
	return min_t(u64, ((u64)si_mem_available() << PAGE_SHIFT) / 2,
		     SIZE_MAX);
}

static long kab_ioctl_info(void __user *uarg)
{
	struct kab_info info;
	unsigned int i;
	int err;

	err = kab_copy_request(&info, uarg, sizeof(info));
	if (err)
		return err;
	memset(&info, 0, sizeof(info));
	info.size = sizeof(info);
	info.abi_version = KAB_ABI_VERSION;
	info.page_size = PAGE_SIZE;
	info.nr_page_orders = KAB_NR_PAGE_ORDERS;
	info.thread_size = THREAD_SIZE;
	info.preempt_rt = IS_ENABLED(CONFIG_PREEMPT_RT);
	info.kmalloc_max_size = KMALLOC_MAX_SIZE;
	info.totalram_bytes = kab_totalram_bytes();
	info.clock_overhead_ns = kab_boot_clock_overhead_ns;
	info.max_iterations = KAB_MAX_ITERATIONS;
	strscpy(info.clock, KAB_CLOCK_NAME, sizeof(info.clock));
	for (i = 0; i < KAB_NR_CONTEXTS; i++)
		strscpy(info.context_mechanisms[i], kab_contexts[i].mechanism,
			sizeof(info.context_mechanisms[i]));
	return copy_to_user(uarg, &info, sizeof(info)) ? -EFAULT : 0;
}

static __printf(3, 4) int kab_refuse(struct kab_case *c, int err,
				     const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	vsnprintf(c->reason, sizeof(c->reason), fmt, args);
	va_end(args);
	return err;
}

static const char *kab_gfp_name(unsigned long bits)
{
	return kab_gfps[__ffs(bits)].name;
}

static int kab_validate_gfp(struct kab_case *c,
			    const struct kab_allocator_desc *a)
{
	u32 bases = c->gfp & KAB_GFP_BASES;
	u32 refused;

	if (c->gfp & ~KAB_GFP_ALL)
		return kab_refuse(c, -EINVAL, "gfp bit %lu is unknown",
				  __ffs(c->gfp & ~KAB_GFP_ALL));
	if (!bases)
		return kab_refuse(c, -EINVAL,
				  "gfp has no base mask such as GFP_KERNEL");
	if (bases & (bases - 1))
		return kab_refuse(c, -EINVAL,
				  "gfp has two base masks, %s and %s",
				  kab_gfp_name(bases),
				  kab_gfp_name(bases & (bases - 1)));
	/* gfp_zone() has no zone for both. */
	if ((c->gfp & KAB_GFP(GFP_DMA)) && (c->gfp & KAB_GFP(GFP_DMA32)))
		return kab_refuse(c, -EINVAL,
				  "GFP_DMA and GFP_DMA32 name different zones");
	refused = c->gfp & ~bases & ~a->allowed_gfp;
	if (refused)
		return kab_refuse(c, -EINVAL, "%s is not allowed for %s",
				  kab_gfp_name(refused), a->name);
	if (a->may_sleep && bases != KAB_GFP(GFP_KERNEL))
		return kab_refuse(c, -EINVAL,
				  "%s may sleep and needs GFP_KERNEL, not %s",
				  a->name, kab_gfp_name(bases));
	return 0;
}

/*
 * Outside process context nothing may sleep: a refused case is never run,
 * so a bad combination costs an errno, not a "sleeping function called
 * from invalid context" splat. kmem_cache_alloc's kmem_cache_create() is no
 * exception to this: it runs in setup, in process context, whatever the
 * context of the case.
 */
static int kab_validate_context(struct kab_case *c,
				const struct kab_allocator_desc *a)
{
	const struct kab_context_desc *ctx = &kab_contexts[c->context];

	if (c->reserved)
		return kab_refuse(c, -EINVAL, "reserved must be 0");
	if (c->pressure >= KAB_NR_PRESSURES)
		return kab_refuse(c, -EINVAL, "pressure %u is unknown",
				  c->pressure);
	if (c->pressure_reserved)
		return kab_refuse(c, -EINVAL, "pressure_reserved must be 0");
	if (c->atomic_limit_ns > KAB_ATOMIC_LIMIT_MAX_NS)
		return kab_refuse(c, -EINVAL,
				  "atomic_limit_ns %llu exceeds %llu",
				  c->atomic_limit_ns, KAB_ATOMIC_LIMIT_MAX_NS);
	if (!ctx->atomic)
		return 0;
	if (IS_ENABLED(CONFIG_PREEMPT_RT) && ctx->not_on_rt)
		return kab_refuse(c, -EINVAL,
				  "PREEMPT_RT forbids allocating in %s context",
				  ctx->name);
	if (a->may_sleep)
		return kab_refuse(c, -EINVAL,
				  "%s may sleep: not allowed in %s context",
				  a->name, ctx->name);
	if (gfpflags_allow_blocking(kab_gfp_mask(c->gfp)))
		return kab_refuse(c, -EINVAL,
				  "%s may sleep in direct reclaim: not allowed in %s context",
				  kab_gfp_name(c->gfp & KAB_GFP_BASES), ctx->name);
	return 0;
}

static int kab_validate_size(struct kab_case *c,
			     const struct kab_allocator_desc *a, u64 *bytes)
{
	u64 limit = kab_memory_limit();

	if (a->sized_by == KAB_BY_ORDER) {
		if (c->size_bytes)
			return kab_refuse(c, -EINVAL,
					  "%s takes an order, not size_bytes",
					  a->name);
		if (c->order >= KAB_NR_PAGE_ORDERS)
			return kab_refuse(c, -EINVAL,
					  "order %u exceeds the kernel's maximum order %u",
					  c->order, KAB_NR_PAGE_ORDERS - 1);
		*bytes = (u64)PAGE_SIZE << c->order;
		return 0;
	}
	if (c->order)
		return kab_refuse(c, -EINVAL,
				  "%s takes size_bytes, not an order",
				  a->name);
	if (c->size_bytes < a->min_size)
		return kab_refuse(c, -EINVAL,
				  "%s needs size_bytes of at least %llu",
				  a->name, a->min_size);
	if (a->max_size && c->size_bytes > a->max_size)
		return kab_refuse(c, -E2BIG,
				  "%s takes size_bytes of at most %llu",
				  a->name, a->max_size);
	if (c->size_bytes > limit)
		return kab_refuse(c, -E2BIG,
				  "size_bytes %llu exceeds half the available memory, %llu",
				  c->size_bytes, limit);
	*bytes = c->size_bytes;
	return 0;
}

static int kab_validate_loops(struct kab_case *c, u64 bytes)
{
	if (!c->iterations)
		return kab_refuse(c, -EINVAL, "iterations must not be 0");
	if (c->iterations > KAB_MAX_ITERATIONS)
		return kab_refuse(c, -E2BIG,
				  "iterations %llu exceed %llu",
				  c->iterations, KAB_MAX_ITERATIONS);
	if (c->warmup > KAB_MAX_ITERATIONS)
		return kab_refuse(c, -E2BIG,
				  "warmup %llu exceeds %llu",
				  c->warmup, KAB_MAX_ITERATIONS);
	if (c->time_limit_ns > KAB_MAX_TIME_LIMIT_NS)
		return kab_refuse(c, -EINVAL,
				  "time_limit_ns %llu exceeds 600 s",
				  c->time_limit_ns);
	if (c->pattern == KAB_PATTERN_pair) {
		if (c->batch)
			return kab_refuse(c, -EINVAL,
					  "the pair pattern needs batch 0");
		return 0;
	}
	if (!c->batch)
		return kab_refuse(c, -EINVAL,
				  "the batch pattern needs batch >= 1");
	if (c->batch > KAB_MAX_BATCH)
		return kab_refuse(c, -E2BIG, "batch %u exceeds the maximum %u",
				  c->batch, KAB_MAX_BATCH);
	/* Cannot overflow: bytes is at most half of RAM, batch 2^16. */
	if (c->batch * bytes > kab_memory_limit())
		return kab_refuse(c, -E2BIG,
				  "batch %u of %llu bytes exceeds half the available memory, %llu",
				  c->batch, bytes, kab_memory_limit());
	return 0;
}

static int kab_validate_hist(struct kab_case *c, u64 uptr, const char *what)
{
	if (uptr && !access_ok(u64_to_user_ptr(uptr), KAB_HIST_BYTES))
		return kab_refuse(c, -EFAULT, "%s.hist is not a user buffer",
				  what);
	return 0;
}

static int kab_validate(struct kab_case *c)
{
	const struct kab_allocator_desc *a;
	u64 bytes;
	int err;

	if (c->allocator >= KAB_NR_ALLOCATORS)
		return kab_refuse(c, -EINVAL, "allocator %u is unknown",
				  c->allocator);
	if (c->context >= KAB_NR_CONTEXTS)
		return kab_refuse(c, -EINVAL, "context %u is unknown",
				  c->context);
	if (c->pattern >= KAB_NR_PATTERNS)
		return kab_refuse(c, -EINVAL, "pattern %u is unknown",
				  c->pattern);
	a = &kab_allocators[c->allocator];
	err = kab_validate_gfp(c, a);
	if (!err)
		err = kab_validate_context(c, a);
	if (!err)
		err = kab_validate_size(c, a, &bytes);
	if (!err)
		err = kab_validate_loops(c, bytes);
	if (!err)
		err = kab_validate_hist(c, c->alloc.hist, "alloc");
	if (!err)
		err = kab_validate_hist(c, c->free.hist, "free");
	return err;
}

static long kab_ioctl_run_case(struct kab_case __user *uarg)
{
	struct kab_case c;
	int err;

	err = kab_copy_request(&c, uarg, sizeof(c));
	if (err)
		return err;
	memset(c.reason, 0, sizeof(c.reason));
	err = kab_validate(&c);
	if (err) {
		if (copy_to_user(uarg->reason, c.reason, sizeof(c.reason)))
			return -EFAULT;
		return err;
	}

	if (mutex_lock_interruptible(&kab_lock))
		return -EINTR;
	kab_sim_mark(KAB_SIM_EVENT_phase_begin, KAB_SIM_PHASE_case, 0);
	err = kab_run_case(&c);
	kab_sim_mark(KAB_SIM_EVENT_phase_end, KAB_SIM_PHASE_case, 0);
	mutex_unlock(&kab_lock);
	if (err)
		return err;
	return copy_to_user(uarg, &c, sizeof(c)) ? -EFAULT : 0;
}

/*
 * APPLY and RELEASE of a fragmentation level. The whole request goes back,
 * refused or not, so that the caller sees the plan and the cap it was
 * measured against.
 */
static long kab_ioctl_frag(struct kab_frag_state *state,
			   struct kab_frag __user *uarg, bool apply)
{
	struct kab_frag f;
	int err;

	err = kab_copy_request(&f, uarg, sizeof(f));
	if (err)
		return err;
	memset(f.reason, 0, sizeof(f.reason));
	if (mutex_lock_interruptible(&kab_lock))
		return -EINTR;
	if (apply)
		err = kab_frag_apply(state, &f);
	else
		kab_frag_release(state, &f);
	mutex_unlock(&kab_lock);
	if (copy_to_user(uarg, &f, sizeof(f)))
		return -EFAULT;
	return err;
}

/* Each phase under the case lock, so that no case runs beside it. */
static long kab_ioctl_access(struct kab_file *kf,
			     struct kab_access __user *uarg)
{
	long err;

	if (mutex_lock_interruptible(&kab_lock))
		return -EINTR;
	err = kab_access_ioctl(kf, uarg);
	mutex_unlock(&kab_lock);
	return err;
}

/*
 * A probe refused or failed says why in its reason; see probes.c. The
 * request lives on the heap: it is too big for a stack frame.
 */
static long kab_ioctl_probe(struct kab_probe __user *uarg)
{
	struct kab_probe *p = kmalloc(sizeof(*p), GFP_KERNEL);
	long err;

	if (!p)
		return -ENOMEM;
	err = kab_copy_request(p, uarg, sizeof(*p));
	if (err)
		goto out;
	if (mutex_lock_interruptible(&kab_lock)) {
		err = -EINTR;
		goto out;
	}
	err = kab_probe_run(p);
	mutex_unlock(&kab_lock);
	if (err) {
		if (copy_to_user(uarg->reason, p->reason, sizeof(p->reason)))
			err = -EFAULT;
		goto out;
	}
	if (copy_to_user(uarg, p, sizeof(*p)))
		err = -EFAULT;
out:
	kfree(p);
	return err;
}

static long kab_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct kab_file *kf = file->private_data;
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case KAB_IOC_INFO:
		return kab_ioctl_info(uarg);
	case KAB_IOC_RUN_CASE:
		return kab_ioctl_run_case(uarg);
	case KAB_IOC_FRAG_APPLY:
		return kab_ioctl_frag(&kf->frag, uarg, true);
	case KAB_IOC_FRAG_RELEASE:
		return kab_ioctl_frag(&kf->frag, uarg, false);
	case KAB_IOC_ACCESS:
		return kab_ioctl_access(kf, uarg);
	case KAB_IOC_PROBE:
		return kab_ioctl_probe(uarg);
	default:
		return -ENOTTY;
	}
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
	kab_boot_clock_overhead_ns = kab_clock_overhead();
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
