/* The thin layer over /dev/kallocbench's ioctls. */
#ifndef KAB_DEVICE_H
#define KAB_DEVICE_H

#include <kallocbench.h>

#define KAB_DEVICE_PATH "/dev/" KAB_DEVICE_NAME

/* A file descriptor, or -1 with errno set. */
int device_open(const char *path);
/* KAB_IOC_INFO; 0 or -errno. */
int device_info(int fd, struct kab_info *info);
/* KAB_IOC_RUN_CASE on a request whose size and version this fills in. */
int device_run_case(int fd, struct kab_case *request);

#endif
