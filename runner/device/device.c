#include "device/device.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

/* KAB_IOC_INFO; 0 or -errno. */
static int device_info(int fd, struct kab_info *info)
{
	memset(info, 0, sizeof(*info));
	info->size = sizeof(*info);
	info->abi_version = KAB_ABI_VERSION;
	return ioctl(fd, KAB_IOC_INFO, info) < 0 ? -errno : 0;
}

int device_run_case(int fd, struct kab_case *request)
{
	request->size = sizeof(*request);
	request->abi_version = KAB_ABI_VERSION;
	return ioctl(fd, KAB_IOC_RUN_CASE, request) < 0 ? -errno : 0;
}

int device_access(int fd, struct kab_access *request)
{
	request->size = sizeof(*request);
	request->abi_version = KAB_ABI_VERSION;
	return ioctl(fd, KAB_IOC_ACCESS, request) < 0 ? -errno : 0;
}

int device_access_fn(void *device, struct kab_access *request)
{
	return device_access(*(int *)device, request);
}

int device_frag_apply(int fd, struct kab_frag *plan)
{
	plan->size = sizeof(*plan);
	plan->abi_version = KAB_ABI_VERSION;
	return ioctl(fd, KAB_IOC_FRAG_APPLY, plan) < 0 ? -errno : 0;
}

int device_frag_release(int fd, struct kab_frag *release)
{
	release->size = sizeof(*release);
	release->abi_version = KAB_ABI_VERSION;
	return ioctl(fd, KAB_IOC_FRAG_RELEASE, release) < 0 ? -errno : 0;
}

int device_probe(int fd, struct kab_probe *probe)
{
	probe->size = sizeof(*probe);
	probe->abi_version = KAB_ABI_VERSION;
	return ioctl(fd, KAB_IOC_PROBE, probe) < 0 ? -errno : 0;
}

int device_open_info(const char *path, struct kab_info *info)
{
	int fd = open(path, O_RDWR | O_CLOEXEC);
	int result;

	if (fd < 0) {
		fprintf(stderr, "kallocbench: cannot open %s: %m "
			"(is the module loaded?)\n", path);
		return -1;
	}
	result = device_info(fd, info);
	if (result == 0)
		return fd;
	/* The module answers a version it does not speak with its own. */
	if (result == -EINVAL && info->abi_version != KAB_ABI_VERSION)
		fprintf(stderr, "kallocbench: %s: the loaded module speaks ABI "
			"%u, this runner ABI %u: rebuild and reload the "
			"module\n", path, info->abi_version, KAB_ABI_VERSION);
	else
		fprintf(stderr, "kallocbench: %s: INFO failed: %s\n", path,
			strerror(-result));
	close(fd);
	return -1;
}
