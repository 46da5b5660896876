#include "device.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>

int device_open(const char *path)
{
	return open(path, O_RDWR | O_CLOEXEC);
}

int device_info(int fd, struct kab_info *info)
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
