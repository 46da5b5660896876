/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kallocbench - the measurement core, the bottom layer every other file
 * stands on: the clock and the calibration of one read of it, timed
 * intervals and medians, and the way a request comes in and goes out
 * (copied in with its size and version checked, refused with a reason,
 * answered through kernel buffers copied out after the case lock,
 * bounded by the memory a case may hold). It knows no allocator, context
 * or ioctl.
 */
#ifndef KAB_CORE_H
#define KAB_CORE_H

#include <linux/compiler.h>
#include <linux/time64.h>
#include <linux/timekeeping.h>
#include <linux/types.h>

/* The uapi header, found through -I$(src)/uapi. */
#include <kallocbench.h>

#define KAB_MAX_ITERATIONS	10000000ULL
#define KAB_CLOCK_NAME		"ktime_get_ns"

/* The clock of every measurement; safe in any context but NMI. */
static __always_inline u64 kab_clock(void)
{
	return ktime_get_ns();
}

/* The calibrated read cost at module load, reported by KAB_IOC_INFO. */
extern u64 kab_boot_clock_overhead_ns;
u64 kab_clock_calibrate(void);

/**
 * kab_elapsed() - an interval between two clock reads, reads taken out
 * @overhead_ns: the calibrated cost of one read
 * @t0: the read that started the interval
 * @t1: the read that ended it
 * @reads: reads the interval contains: its end, and any read in between
 *
 * Return: @t1 - @t0 less @reads reads, 0 rather than below.
 */
static inline u64 kab_elapsed(u64 overhead_ns, u64 t0, u64 t1, u32 reads)
{
	u64 ns = t1 - t0, cost = (u64)reads * overhead_ns;

	return ns > cost ? ns - cost : 0;
}

/* An interval with no read in between. */
static inline u64 kab_interval(u64 overhead_ns, u64 t0, u64 t1)
{
	return kab_elapsed(overhead_ns, t0, t1, 1);
}

u64 kab_median(u64 *samples, unsigned int count);

int kab_copy_request(void *dst, void __user *src, size_t size,
		     char reason[KAB_REASON_LEN]);
__printf(3, 4) int kab_refuse(char reason[KAB_REASON_LEN], int err,
			      const char *fmt, ...);
/* Buffers beside the request that one answer may copy out: a case on
 * several CPUs has its two histograms and its per-CPU block. */
#define KAB_REPLY_BUFFERS	3

/**
 * struct kab_reply - what an answer copies out beside its request
 * @buf: kernel buffers and the user memory they go to
 * @buf.to: user destination, NULL for a buffer only used in the kernel
 * @buf.from: the kernel buffer, freed with the reply
 * @buf.len: bytes to copy
 * @nr: buffers in use
 *
 * A handler runs under the case lock and fills kernel memory only; main.c
 * copies the request and these buffers out once it has dropped the lock,
 * so that a user page that faults slowly (userfaultfd, a slow mapping)
 * never holds the lock.
 */
struct kab_reply {
	struct {
		void __user *to;
		void *from;
		size_t len;
	} buf[KAB_REPLY_BUFFERS];
	unsigned int nr;
};

void *kab_reply_buffer(struct kab_reply *reply, u64 uptr, size_t len);
void kab_reply_trim(struct kab_reply *reply, const void *from, size_t len);
int kab_reply_send(const struct kab_reply *reply);
void kab_reply_free(struct kab_reply *reply);

u64 kab_memory_limit(void);
int kab_check_memory(char reason[KAB_REASON_LEN], const char *what,
		     u64 bytes);

#endif /* KAB_CORE_H */
