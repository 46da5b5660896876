/* The thin layer over /dev/kallocbench's ioctls: every ioctl the runner
 * makes is here. */
#ifndef KAB_DEVICE_H
#define KAB_DEVICE_H

#include <kallocbench.h>

#define KAB_DEVICE_PATH "/dev/" KAB_DEVICE_NAME

/*
 * X(field, kind): the struct kab_info fields the runner reports, in order,
 * for `info` and guest.json alike. kind is u32, u64, flag (a 0/1 __u32) or
 * name (a KAB_NAME_LEN char array).
 */
#define KAB_INFO_FIELD_LIST(X)			\
	X(abi_version, u32)			\
	X(page_size, u32)			\
	X(nr_page_orders, u32)			\
	X(thread_size, u32)			\
	X(preempt_rt, flag)			\
	X(kmalloc_max_size, u64)		\
	X(totalram_bytes, u64)			\
	X(clock_overhead_ns, u64)		\
	X(max_iterations, u64)			\
	X(vmalloc_table_pages, u64)		\
	X(clock, name)				\
	X(context_mechanisms, mechanisms)

/*
 * Opens @path and asks KAB_IOC_INFO. On failure prints why ("is the module
 * loaded?", or the module's ABI when it speaks another one) and returns -1;
 * else the file descriptor.
 */
int device_open_info(const char *path, struct kab_info *info);
/* KAB_IOC_RUN_CASE on a request whose size and version this fills in. */
int device_run_case(int fd, struct kab_case *request);
/* KAB_IOC_ACCESS, likewise; 0 or -errno. */
int device_access(int fd, struct kab_access *request);
/* device_access() as an access_fn: @device points to the fd. */
int device_access_fn(void *device, struct kab_access *request);
/* KAB_IOC_FRAG_APPLY, likewise; 0 or -errno (errno kept for %m). */
int device_frag_apply(int fd, struct kab_frag *plan);
/* KAB_IOC_FRAG_RELEASE, likewise; 0 or -errno (errno kept for %m). */
int device_frag_release(int fd, struct kab_frag *release);
/* KAB_IOC_PROBE, likewise; 0 or -errno (errno kept). */
int device_probe(int fd, struct kab_probe *probe);

#endif
