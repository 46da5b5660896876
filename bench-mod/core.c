// SPDX-License-Identifier: GPL-2.0
/*
 * kallocbench - the measurement core; see core.h.
 *
 * In the spirit of prototype-kernel's time_bench: one clock, whose read is
 * calibrated once and taken out of every interval, and one way for every
 * request to be copied in, refused and bounded, so that the benchmarks
 * above it only say what they measure.
 */
#include <linux/kernel.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <linux/stdarg.h>
#include <linux/uaccess.h>

#include "core.h"

#define KAB_CAL_SAMPLES	1001

u64 kab_boot_clock_overhead_ns;

/* Used at module load, before the device exists, and under the case lock. */
static u64 kab_cal_deltas[KAB_CAL_SAMPLES];

static int kab_cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/**
 * kab_median() - the median of some samples
 * @samples: the samples, sorted in place
 * @count: how many, at least one
 *
 * Return: the middle sample: an interrupt or a preemption lengthens a few
 * samples, which the median ignores.
 */
u64 kab_median(u64 *samples, unsigned int count)
{
	sort(samples, count, sizeof(*samples), kab_cmp_u64, NULL);
	return samples[count / 2];
}

/**
 * kab_clock_calibrate() - the cost of one clock read
 *
 * Each sample is two reads back to back, so that the interval between them
 * holds one read and nothing else: what an interval of the benchmarks
 * holds beside what it measures. Deltas of consecutive reads in a loop
 * would also count the loop.
 *
 * Return: the median cost in ns.
 */
u64 kab_clock_calibrate(void)
{
	unsigned int i;
	u64 t0;

	for (i = 0; i < KAB_CAL_SAMPLES; i++) {
		t0 = kab_clock();
		kab_cal_deltas[i] = kab_clock() - t0;
	}
	return kab_median(kab_cal_deltas, KAB_CAL_SAMPLES);
}

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
 * @reason: optional, the copy's reason field, cleared for the answer
 *
 * Anything but this module's size and version, including a header that
 * changes while it is copied, is refused, and the caller learns this
 * module's version through its header.
 *
 * Return: 0, -EINVAL or -EFAULT.
 */
int kab_copy_request(void *dst, void __user *src, size_t size,
		     char reason[KAB_REASON_LEN])
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
	if (!kab_header_ok(dst, size))
		return -EINVAL;
	if (reason)
		memset(reason, 0, KAB_REASON_LEN);
	return 0;
}

/**
 * kab_refuse() - say why a request is refused
 * @reason: the request's reason field
 * @err: the errno to return
 * @fmt: the reason, printf-style
 *
 * A function, not a macro around snprintf(): vsnprintf() cuts a long reason
 * short without the -Wformat-truncation that snprintf() into a fixed array
 * draws with W=1.
 *
 * Return: @err.
 */
int kab_refuse(char reason[KAB_REASON_LEN], int err, const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	vsnprintf(reason, KAB_REASON_LEN, fmt, args);
	va_end(args);
	return err;
}

/**
 * kab_reply_buffer() - a zeroed kernel buffer, copied out with the answer
 * @reply: the answer's reply
 * @uptr: the user memory it goes to on success, 0 for none
 * @len: its size
 *
 * Return: the buffer, freed by kab_reply_free(), or NULL without memory.
 */
void *kab_reply_buffer(struct kab_reply *reply, u64 uptr, size_t len)
{
	void *from;

	if (reply->nr == KAB_REPLY_BUFFERS)
		return NULL;
	from = kvzalloc(len, GFP_KERNEL);
	if (!from)
		return NULL;
	reply->buf[reply->nr].to = u64_to_user_ptr(uptr);
	reply->buf[reply->nr].from = from;
	reply->buf[reply->nr].len = len;
	reply->nr++;
	return from;
}

/**
 * kab_reply_trim() - copy out only the first @len bytes of a buffer
 * @reply: the answer's reply
 * @from: a buffer of kab_reply_buffer()
 * @len: what of it holds the answer
 */
void kab_reply_trim(struct kab_reply *reply, const void *from, size_t len)
{
	unsigned int i;

	for (i = 0; i < reply->nr; i++)
		if (reply->buf[i].from == from)
			reply->buf[i].len = min(len, reply->buf[i].len);
}

/**
 * kab_reply_send() - copy a successful answer's buffers out; no lock held
 * @reply: the reply
 *
 * Return: 0 or -EFAULT.
 */
int kab_reply_send(const struct kab_reply *reply)
{
	unsigned int i;

	for (i = 0; i < reply->nr; i++)
		if (reply->buf[i].to &&
		    copy_to_user(reply->buf[i].to, reply->buf[i].from,
				 reply->buf[i].len))
			return -EFAULT;
	return 0;
}

/**
 * kab_reply_free() - free a reply's buffers
 * @reply: the reply, empty afterwards
 */
void kab_reply_free(struct kab_reply *reply)
{
	while (reply->nr)
		kvfree(reply->buf[--reply->nr].from);
}

/**
 * kab_memory_limit() - the most one case may hold at once
 *
 * Return: half of what the kernel could hand out without swapping, so that
 * a valid request never wakes the OOM killer; under pressure the case
 * must also fit above the min watermarks (timing.c).
 */
u64 kab_memory_limit(void)
{
	return min_t(u64, ((u64)si_mem_available() << PAGE_SHIFT) / 2,
		     SIZE_MAX);
}

/**
 * kab_check_memory() - refuse a size above kab_memory_limit()
 * @reason: the request's reason field
 * @what: the request field that asks for @bytes
 * @bytes: the size asked for
 *
 * Return: 0, or -E2BIG with a reason.
 */
int kab_check_memory(char reason[KAB_REASON_LEN], const char *what,
		     u64 bytes)
{
	u64 limit = kab_memory_limit();

	if (bytes > limit)
		return kab_refuse(reason, -E2BIG,
				  "%s %llu exceeds half the available memory, %llu",
				  what, bytes, limit);
	return 0;
}
