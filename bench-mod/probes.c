// SPDX-License-Identifier: GPL-2.0
/*
 * kallocbench - probes: one question about the running kernel's memory per
 * KAB_IOC_PROBE call, the measurements behind `kallocbench facts`.
 *
 * Every probe validates its whole request first; whatever it allocates it
 * frees before it returns, with __GFP_NOWARN so that a probed failure is an
 * answer, not a splat. Nothing here may WARN: kmalloc is never asked for
 * GFP_DMA32 (SLUB has no such caches and warns "Unexpected gfp"). The
 * buffers of contiguity and zones are the allocator layer's struct
 * kab_buffer, walked page by page with kab_buffer_page().
 */
#include <linux/capability.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include "allocators.h"
#include "compat.h"
#include "kallocbench.h"

#define KAB_PROBE_GFP		(GFP_KERNEL | __GFP_NOWARN)
/* vmalloc_max: a vmalloc memory cannot serve fails, never the OOM killer. */
#define KAB_VMALLOC_PROBE_GFP	(GFP_KERNEL | __GFP_NORETRY | __GFP_NOWARN)
#define KAB_VMALLOC_PROBE_FIRST	(64ULL << 20)
#define KAB_VMALLOC_PROBE_RESERVE	(64ULL << 20)
/* Bisection steps after the first failure: the gap ends at 1/16 of it. */
#define KAB_VMALLOC_PROBE_STEPS	4
/* The probe's budget: a TCG guest maps about 1 GiB a second. */
#define KAB_VMALLOC_PROBE_NS	(30ULL * NSEC_PER_SEC)
/* init_on_alloc: the object the probe fills, frees and allocates again. */
#define KAB_INIT_PROBE_SIZE	256
/* kmalloc_max bisects up to this multiple of KMALLOC_MAX_SIZE. */
#define KAB_KMALLOC_MAX_SPAN	4

/* Inputs a probe takes; every other input field must be 0. */
#define KAB_IN_BUFFER		BIT(0)	/* allocator, gfp, order, size_bytes */
#define KAB_IN_SIZE		BIT(1)	/* size_bytes */
#define KAB_IN_NEW_SIZE		BIT(2)	/* new_size_bytes */
#define KAB_IN_CLASSES		BIT(3)	/* classes, max_classes */

static const u32 kab_probe_inputs[KAB_NR_PROBES] = {
	[KAB_PROBE_ksize_classes] = KAB_IN_CLASSES,
	[KAB_PROBE_krealloc] = KAB_IN_SIZE | KAB_IN_NEW_SIZE,
	[KAB_PROBE_contiguity] = KAB_IN_BUFFER,
	[KAB_PROBE_zones] = KAB_IN_BUFFER,
	[KAB_PROBE_vmalloc_max] = KAB_IN_SIZE,
};

#define KAB_PROBE_NAME(name)	#name,
static const char *const kab_probe_names[KAB_NR_PROBES] = {
	KAB_PROBE_LIST(KAB_PROBE_NAME)
};

static int kab_validate_unused(struct kab_probe *p)
{
	const char *name = kab_probe_names[p->probe];
	u32 in = kab_probe_inputs[p->probe];

	if (!(in & KAB_IN_BUFFER) && (p->allocator || p->gfp || p->order))
		return kab_refuse(p->reason, -EINVAL,
				  "%s takes no allocator, gfp or order",
				  name);
	if (!(in & (KAB_IN_BUFFER | KAB_IN_SIZE)) && p->size_bytes)
		return kab_refuse(p->reason, -EINVAL, "%s takes no size_bytes",
				  name);
	if (!(in & KAB_IN_NEW_SIZE) && p->new_size_bytes)
		return kab_refuse(p->reason, -EINVAL,
				  "%s takes no new_size_bytes", name);
	if (!(in & KAB_IN_CLASSES) && (p->classes || p->max_classes))
		return kab_refuse(p->reason, -EINVAL,
				  "%s takes no classes buffer", name);
	return 0;
}

static int kab_validate_kmalloc_size(struct kab_probe *p, const char *what,
				     u64 bytes)
{
	if (!bytes)
		return kab_refuse(p->reason, -EINVAL, "%s must not be 0", what);
	if (bytes > KMALLOC_MAX_SIZE)
		return kab_refuse(p->reason, -E2BIG,
				  "%s %llu exceeds KMALLOC_MAX_SIZE %lu",
				  what, bytes, (unsigned long)KMALLOC_MAX_SIZE);
	return kab_check_memory(p->reason, what, bytes);
}

/* The buffer of contiguity and zones: allocator, gfp modifiers, size. */
static int kab_validate_buffer(struct kab_probe *p)
{
	u32 dma = KAB_GFP(GFP_DMA), dma32 = KAB_GFP(GFP_DMA32);

	if (p->allocator >= KAB_NR_ALLOCATORS)
		return kab_refuse(p->reason, -EINVAL, "allocator %u is unknown",
				  p->allocator);
	if (p->gfp & ~(dma | dma32))
		return kab_refuse(p->reason, -EINVAL,
				  "gfp may only add GFP_DMA or GFP_DMA32 to GFP_KERNEL");
	if ((p->gfp & dma) && !IS_ENABLED(CONFIG_ZONE_DMA))
		return kab_refuse(p->reason, -EOPNOTSUPP,
				  "this kernel has no ZONE_DMA");
	switch (p->allocator) {
	case KAB_ALLOC_kmalloc:
		if (p->gfp & dma32)
			return kab_refuse(p->reason, -EINVAL,
					  "kmalloc has no GFP_DMA32 caches (SLUB would warn); use alloc_pages");
		if (p->order)
			return kab_refuse(p->reason, -EINVAL,
					  "kmalloc takes size_bytes, not an order");
		return kab_validate_kmalloc_size(p, "size_bytes",
						 p->size_bytes);
	case KAB_ALLOC_vmalloc:
		if (p->gfp & dma)
			return kab_refuse(p->reason, -EINVAL,
					  "vmalloc takes GFP_DMA32 (vmalloc_32), not GFP_DMA");
		if (p->order)
			return kab_refuse(p->reason, -EINVAL,
					  "vmalloc takes size_bytes, not an order");
		if (!p->size_bytes)
			return kab_refuse(p->reason, -EINVAL,
					  "size_bytes must not be 0");
		return kab_check_memory(p->reason, "size_bytes",
					p->size_bytes);
	case KAB_ALLOC_alloc_pages:
		if ((p->gfp & dma) && (p->gfp & dma32))
			return kab_refuse(p->reason, -EINVAL,
					  "GFP_DMA and GFP_DMA32 name different zones");
		if (p->size_bytes)
			return kab_refuse(p->reason, -EINVAL,
					  "alloc_pages takes an order, not size_bytes");
		if (p->order >= KAB_NR_PAGE_ORDERS)
			return kab_refuse(p->reason, -EINVAL,
					  "order %u exceeds the kernel's maximum order %u",
					  p->order, KAB_NR_PAGE_ORDERS - 1);
		if (((u64)PAGE_SIZE << p->order) > kab_memory_limit())
			return kab_refuse(p->reason, -E2BIG,
					  "order %u exceeds half the available memory",
					  p->order);
		return 0;
	default:
		return kab_refuse(p->reason, -EINVAL,
				  "%s: only kmalloc, vmalloc and alloc_pages buffers are probed",
				  kab_allocators[p->allocator].name);
	}
}

/*
 * The largest vmalloc the probe tries: what the kernel could hand out less
 * an eighth of it and 64 MiB, so that the page tables mapping a buffer
 * that took everything else still find pages, and nothing sees the OOM
 * killer.
 */
static u64 kab_vmalloc_probe_limit(void)
{
	u64 available = (u64)si_mem_available() << PAGE_SHIFT;
	u64 reserve = available / 8 + KAB_VMALLOC_PROBE_RESERVE;

	return available > reserve ?
	       round_down(available - reserve, PAGE_SIZE) : 0;
}

static int kab_probe_validate(struct kab_probe *p)
{
	u64 span = (u64)KAB_KMALLOC_MAX_SPAN * KMALLOC_MAX_SIZE + 1;
	int err;

	if (p->probe >= KAB_NR_PROBES)
		return kab_refuse(p->reason, -EINVAL, "probe %u is unknown",
				  p->probe);
	err = kab_validate_unused(p);
	if (err)
		return err;
	switch (p->probe) {
	case KAB_PROBE_kmalloc_max:
	case KAB_PROBE_ksize_classes:
		if (span > kab_memory_limit())
			return kab_refuse(p->reason, -E2BIG,
					  "%s needs %llu bytes, more than half the available memory",
					  kab_probe_names[p->probe], span);
		if (p->probe == KAB_PROBE_kmalloc_max)
			return 0;
		if (!p->max_classes || p->max_classes > KAB_MAX_KSIZE_CLASSES)
			return kab_refuse(p->reason, -EINVAL,
					  "max_classes must be 1 to %u",
					  KAB_MAX_KSIZE_CLASSES);
		if (!access_ok(u64_to_user_ptr(p->classes),
			       (size_t)p->max_classes * sizeof(struct kab_ksize_class)))
			return kab_refuse(p->reason, -EFAULT,
					  "classes is not a user buffer");
		return 0;
	case KAB_PROBE_krealloc:
		err = kab_validate_kmalloc_size(p, "size_bytes", p->size_bytes);
		if (!err)
			err = kab_validate_kmalloc_size(p, "new_size_bytes",
							p->new_size_bytes);
		return err;
	case KAB_PROBE_contiguity:
	case KAB_PROBE_zones:
		return kab_validate_buffer(p);
	case KAB_PROBE_vmalloc_max:
		if (p->size_bytes > kab_vmalloc_probe_limit())
			return kab_refuse(p->reason, -E2BIG,
					  "size_bytes %llu exceeds the available memory less a reserve, %llu",
					  p->size_bytes, kab_vmalloc_probe_limit());
		return 0;
	case KAB_PROBE_layout:
		if (!capable(CAP_SYSLOG))
			return kab_refuse(p->reason, -EPERM,
					  "kernel addresses need CAP_SYSLOG");
		return 0;
	default:
		return 0;
	}
}

static bool kab_kmalloc_succeeds(size_t size)
{
	void *obj = kmalloc(size, KAB_PROBE_GFP);

	kfree(obj);
	return obj;
}

/*
 * Bisects between 1 byte, which must succeed, and KAB_KMALLOC_MAX_SPAN
 * times KMALLOC_MAX_SIZE, which must fail, then checks the edge once more.
 */
static int kab_probe_kmalloc_max(struct kab_probe *p)
{
	u64 lo = 1, hi = (u64)KAB_KMALLOC_MAX_SPAN * KMALLOC_MAX_SIZE;

	p->kmalloc_max_size = KMALLOC_MAX_SIZE;
	p->attempts = 2;
	if (!kab_kmalloc_succeeds(lo))
		return kab_refuse(p->reason, -ENOMEM, "kmalloc(1) failed");
	if (kab_kmalloc_succeeds(hi)) {
		p->ok = 1;
		p->largest_bytes = hi;
		return 0;
	}
	while (hi - lo > 1) {
		u64 mid = lo + (hi - lo) / 2;

		if (fatal_signal_pending(current))
			return -EINTR;
		p->attempts++;
		if (kab_kmalloc_succeeds(mid))
			lo = mid;
		else
			hi = mid;
		cond_resched();
	}
	p->attempts += 2;
	p->largest_bytes = lo;
	p->ok = kab_kmalloc_succeeds(lo);
	p->next_failed = !kab_kmalloc_succeeds(lo + 1);
	return 0;
}

/* ksize() of kmalloc(@size), 0 when the allocation failed. */
static size_t kab_ksize_of(size_t size)
{
	void *obj = kmalloc(size, KAB_PROBE_GFP);
	size_t got = obj ? ksize(obj) : 0;

	kfree(obj);
	return got;
}

/*
 * Request s gets class ksize(kmalloc(s)) = k; since ksize never decreases
 * with the request, every request up to k gets k too (checked at k), and
 * the next class starts at k + 1.
 */
static int kab_probe_ksize_classes(struct kab_probe *p,
				   struct kab_reply *reply)
{
	struct kab_ksize_class *out;
	u64 request = 1;

	out = kab_reply_buffer(reply, p->classes,
			       p->max_classes * sizeof(*out));
	if (!out)
		return -ENOMEM;
	p->kmalloc_max_size = KMALLOC_MAX_SIZE;
	while (request <= KMALLOC_MAX_SIZE) {
		struct kab_ksize_class class = { .first_request = request };
		size_t got = kab_ksize_of(request);

		if (!got)
			return kab_refuse(p->reason, -ENOMEM,
					  "kmalloc(%llu) failed", request);
		if (got < request)
			return kab_refuse(p->reason, -EPROTO,
					  "ksize(kmalloc(%llu)) is %zu, less than asked",
					  request, got);
		if (p->nr_classes == p->max_classes)
			return kab_refuse(p->reason, -E2BIG,
					  "more than %u size classes",
					  p->max_classes);
		class.class_size = got;
		class.verified = kab_ksize_of(got) == got;
		out[p->nr_classes++] = class;
		request = (u64)got + 1;
		if (fatal_signal_pending(current))
			return -EINTR;
		cond_resched();
	}
	kab_reply_trim(reply, out, p->nr_classes * sizeof(*out));
	p->ok = 1;
	return 0;
}

static int kab_probe_zero_size(struct kab_probe *p)
{
	void *obj = kmalloc(0, KAB_PROBE_GFP);

	p->zero_size_ptr = (unsigned long)obj;
	p->zero_size_const = (unsigned long)ZERO_SIZE_PTR;
	p->zero_ksize = ksize(obj);
	kfree(obj);
	p->ok = 1;
	return 0;
}

/*
 * Fills an object with a pattern, frees it and allocates the same size
 * again: SLUB hands the object just freed back first, so whether its
 * bytes read 0 shows whether kmalloc zeroes on its own.
 */
static int kab_probe_init_on_alloc(struct kab_probe *p)
{
	unsigned long first;
	void *obj;

	p->init_on_alloc = want_init_on_alloc(GFP_KERNEL);
	p->init_on_free = want_init_on_free();
	obj = kmalloc(KAB_INIT_PROBE_SIZE, KAB_PROBE_GFP);
	if (!obj)
		return kab_refuse(p->reason, -ENOMEM, "kmalloc(%u) failed",
				  KAB_INIT_PROBE_SIZE);
	memset(obj, 0xa5, KAB_INIT_PROBE_SIZE);
	first = (unsigned long)obj;
	kfree(obj);
	obj = kmalloc(KAB_INIT_PROBE_SIZE, KAB_PROBE_GFP);
	if (!obj)
		return kab_refuse(p->reason, -ENOMEM, "kmalloc(%u) failed",
				  KAB_INIT_PROBE_SIZE);
	p->same_object = (unsigned long)obj == first;
	p->arrived_zeroed = !memchr_inv(obj, 0, KAB_INIT_PROBE_SIZE);
	kfree(obj);
	p->ok = 1;
	return 0;
}

static int kab_probe_krealloc(struct kab_probe *p)
{
	u64 overhead_ns = kab_clock_calibrate(), total_ns = 0;
	unsigned int i;

	for (i = 0; i < KAB_KREALLOC_ROUNDS; i++) {
		void *obj = kmalloc(p->size_bytes, KAB_PROBE_GFP);
		unsigned long before;
		void *grown;
		u64 start;

		if (!obj)
			return kab_refuse(p->reason, -ENOMEM, "kmalloc(%llu) failed",
					  p->size_bytes);
		p->old_ksize = ksize(obj);
		before = (unsigned long)obj;
		start = kab_clock();
		grown = krealloc(obj, p->new_size_bytes, KAB_PROBE_GFP);
		total_ns += kab_interval(overhead_ns, start, kab_clock());
		if (!grown) {
			kfree(obj);
			return kab_refuse(p->reason, -ENOMEM,
					  "krealloc to %llu failed",
					  p->new_size_bytes);
		}
		p->moved += (unsigned long)grown != before;
		p->new_ksize = ksize(grown);
		kfree(grown);
		cond_resched();
	}
	p->krealloc_ns = div_u64(total_ns, KAB_KREALLOC_ROUNDS);
	p->ok = 1;
	return 0;
}

/* The buffer of contiguity and zones, with the probe's mask. */
static void kab_probe_buffer_args(const struct kab_probe *p,
				  struct kab_buffer *b)
{
	b->allocator = &kab_allocators[p->allocator];
	b->args.gfp = KAB_PROBE_GFP;
	if (p->gfp & KAB_GFP(GFP_DMA))
		b->args.gfp |= GFP_DMA;
	if (p->gfp & KAB_GFP(GFP_DMA32))
		b->args.gfp |= GFP_DMA32;
	if (b->allocator->caps & KAB_CAP_ORDER) {
		b->args.order = p->order;
		b->args.size = PAGE_SIZE << p->order;
	} else {
		b->args.size = p->size_bytes;
	}
}

/* Counts the buffer's physical discontinuities and the zones of its pages. */
static int kab_probe_buffer(struct kab_probe *p)
{
	struct kab_buffer b = { };
	unsigned long i, prev_pfn = 0;
	int err = 0;
	u64 ns;

	BUILD_BUG_ON(MAX_NR_ZONES > KAB_MAX_ZONES);
	kab_probe_buffer_args(p, &b);
	if (!kab_buffer_alloc(&b, 0, &ns))
		return kab_refuse(p->reason, -ENOMEM, "the %s buffer failed",
				  kab_allocators[p->allocator].name);
	p->ok = 1;
	p->pages = kab_buffer_pages(&b);
	p->nr_zones = MAX_NR_ZONES;
	for (i = 0; i < p->pages; i++) {
		struct page *page = kab_buffer_page(&b, i);
		unsigned long pfn;
		struct zone *zone;

		if (!page) {
			err = kab_refuse(p->reason, -EPROTO,
					 "page %lu of the buffer has no struct page",
					 i);
			break;
		}
		pfn = page_to_pfn(page);
		if (i && pfn != prev_pfn + 1)
			p->discontinuities++;
		prev_pfn = pfn;
		p->zone_pages[page_zonenum(page)]++;
		if (i == 0) {
			int z;

			zone = page_zone(page);
			for (z = 0; z < MAX_NR_ZONES; z++)
				strscpy(p->zone_names[z],
					zone->zone_pgdat->node_zones[z].name,
					KAB_ZONE_NAME_LEN);
		}
		if (!(i % 1024)) {
			if (fatal_signal_pending(current)) {
				err = -EINTR;
				break;
			}
			cond_resched();
		}
	}
	kab_buffer_free(&b, 0);
	return err;
}

/* One vmalloc of @size, freed at once; records what it taught. */
static bool kab_vmalloc_fits(struct kab_probe *p, u64 size)
{
	void *buf;

	p->attempts++;
	buf = __vmalloc(size, KAB_VMALLOC_PROBE_GFP);
	if (!buf) {
		if (!p->vmalloc_failed_bytes || size < p->vmalloc_failed_bytes)
			p->vmalloc_failed_bytes = size;
		return false;
	}
	vfree(buf);
	p->ok = 1;
	p->largest_bytes = max(p->largest_bytes, size);
	return true;
}

/* Whether the probe must stop: a fatal signal (-EINTR) or the budget. */
static int kab_vmalloc_probe_over(struct kab_probe *p, u64 deadline)
{
	cond_resched();
	if (fatal_signal_pending(current))
		return -EINTR;
	if (ktime_get_ns() > deadline) {
		p->vmalloc_timed_out = 1;
		return 1;
	}
	return 0;
}

/*
 * Doubles from @size_bytes until a size fails or the limit is reached, then
 * bisects between the largest success and the smallest failure.
 */
static int kab_probe_vmalloc_max(struct kab_probe *p)
{
	u64 deadline = ktime_get_ns() + KAB_VMALLOC_PROBE_NS;
	u64 limit = kab_vmalloc_probe_limit();
	u64 size = p->size_bytes ? p->size_bytes : KAB_VMALLOC_PROBE_FIRST;
	unsigned int step;
	int over = 0;

	p->vmalloc_limit_bytes = limit;
	if (limit < PAGE_SIZE)
		return kab_refuse(p->reason, -ENOMEM,
				  "too little memory is available to probe");
	size = max_t(u64, round_down(min(size, limit), PAGE_SIZE), PAGE_SIZE);
	for (;;) {
		over = kab_vmalloc_probe_over(p, deadline);
		if (over || !kab_vmalloc_fits(p, size) || size == limit)
			break;
		size = min(size * 2, limit);
	}
	for (step = 0; !over && p->vmalloc_failed_bytes &&
	     step < KAB_VMALLOC_PROBE_STEPS; step++) {
		u64 low = p->largest_bytes, high = p->vmalloc_failed_bytes;

		size = round_down(low + (high - low) / 2, PAGE_SIZE);
		if (size <= low)
			break;
		over = kab_vmalloc_probe_over(p, deadline);
		if (!over)
			kab_vmalloc_fits(p, size);
	}
	if (over < 0)
		return over;
	if (!p->ok)
		return kab_refuse(p->reason, -ENOMEM,
				  "no vmalloc of %llu bytes or less succeeded",
				  size);
	return 0;
}

static int kab_probe_layout(struct kab_probe *p)
{
	void *obj = kmalloc(64, KAB_PROBE_GFP);
	void *buf = __vmalloc(PAGE_SIZE, KAB_PROBE_GFP);

	p->page_offset = PAGE_OFFSET;
	p->direct_map_end = (unsigned long)high_memory;
	p->vmalloc_start = VMALLOC_START;
	p->vmalloc_end = VMALLOC_END;
#ifdef MODULES_VADDR
	p->modules_start = MODULES_VADDR;
	p->modules_end = MODULES_END;
#endif
	p->kmalloc_addr = (unsigned long)obj;
	p->vmalloc_addr = (unsigned long)buf;
	p->module_addr = (unsigned long)THIS_MODULE;
	p->ok = obj && buf;
	kfree(obj);
	vfree(buf);
	return 0;
}

static int kab_probe_run(struct kab_probe *p, struct kab_reply *reply)
{
	int err;

	/* Everything from nr_classes on is output. */
	memset_startat(p, 0, nr_classes);
	err = kab_probe_validate(p);
	if (err)
		return err;
	switch (p->probe) {
	case KAB_PROBE_kmalloc_max:
		return kab_probe_kmalloc_max(p);
	case KAB_PROBE_ksize_classes:
		return kab_probe_ksize_classes(p, reply);
	case KAB_PROBE_zero_size:
		return kab_probe_zero_size(p);
	case KAB_PROBE_init_on_alloc:
		return kab_probe_init_on_alloc(p);
	case KAB_PROBE_krealloc:
		return kab_probe_krealloc(p);
	case KAB_PROBE_contiguity:
	case KAB_PROBE_zones:
		return kab_probe_buffer(p);
	case KAB_PROBE_vmalloc_max:
		return kab_probe_vmalloc_max(p);
	case KAB_PROBE_layout:
		return kab_probe_layout(p);
	default:
		return -EINVAL;
	}
}

/**
 * kab_probe_ioctl() - KAB_IOC_PROBE: one probe
 * @kf: the open file
 * @req: the request; a probe refused or failed says why in its reason,
 *	the only field that goes back then
 * @reply: receives ksize_classes' classes
 *
 * Return: 0, or a negative errno.
 */
long kab_probe_ioctl(struct kab_file *kf, void *req, struct kab_reply *reply)
{
	return kab_probe_run(req, reply);
}
