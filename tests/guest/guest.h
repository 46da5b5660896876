/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the guest's cmocka tests share: the device, opened once per group
 * with the module's KAB_IOC_INFO answer at hand, and GFP request bits.
 */
#ifndef KAB_GUEST_TEST_H
#define KAB_GUEST_TEST_H

#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "kallocbench.h"

#define GFP(name) (1U << KAB_GFP_BIT_##name)

static int device = -1;
static struct kab_info info;

static int open_device(void **state)
{
	(void)state;
	device = open("/dev/" KAB_DEVICE_NAME, O_RDWR);
	if (device < 0)
		return -1;
	info.size = sizeof(info);
	info.abi_version = KAB_ABI_VERSION;
	return ioctl(device, KAB_IOC_INFO, &info);
}

static int close_device(void **state)
{
	(void)state;
	return close(device);
}

#endif
