/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kallocbench - what main.c dispatches to: the open file and one handler
 * per ioctl, each in the file of its domain. main.c copies the request in
 * (kab_copy_request()), holds the case lock around every handler but
 * KAB_IOC_INFO's, and copies the answer and its reply buffers out after
 * it; a handler touches kernel memory only.
 *
 * The layers, each using only those below it:
 *
 *	main.c                 the device: open, release, ioctl dispatch
 *	info.c case.c access.c probes.c fragmenter.c   one handler each
 *	cpus.c remote.c        a case on several CPUs at once, the ring
 *	                       of the remote_free pattern
 *	timing.c contexts.c    a case's loops and the contexts they run in
 *	allocators.c gfp.c     the allocators, their calls and held buffers
 *	pressure.c             zones, watermarks, pages held to shape memory
 *	core.c                 clock, calibration, request in/out, limits
 */
#ifndef KAB_INTERNAL_H
#define KAB_INTERNAL_H

#include <linux/compiler.h>

#include "memory.h"

struct kab_access_held;

/**
 * struct kab_file - what one open file of the device holds
 * @frag: the fragmentation level it applied, see fragmenter.c
 * @held: the access benchmark's buffer between phases, see access.c
 */
struct kab_file {
	struct kab_frag_state frag;
	struct kab_access_held *held;
};

long kab_info_ioctl(struct kab_file *kf, void *req, struct kab_reply *reply);
long kab_case_ioctl(struct kab_file *kf, void *req, struct kab_reply *reply);
long kab_frag_apply_ioctl(struct kab_file *kf, void *req,
			  struct kab_reply *reply);
long kab_frag_release_ioctl(struct kab_file *kf, void *req,
			    struct kab_reply *reply);
long kab_access_ioctl(struct kab_file *kf, void *req, struct kab_reply *reply);
long kab_probe_ioctl(struct kab_file *kf, void *req, struct kab_reply *reply);

void kab_access_release(struct kab_file *kf);

#endif /* KAB_INTERNAL_H */
