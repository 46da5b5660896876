/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kallocbench - what differs between the kernels the module builds on (6.1
 * to 6.12), kept in one place.
 */
#ifndef KAB_COMPAT_H
#define KAB_COMPAT_H

#include <linux/mmzone.h>
#include <linux/version.h>

/*
 * KAB_NR_PAGE_ORDERS - number of buddy orders, 0 .. KAB_NR_PAGE_ORDERS - 1.
 * 6.8 renamed the inclusive maximum MAX_PAGE_ORDER; 6.4 to 6.7 call the same
 * inclusive maximum MAX_ORDER; before 6.4 MAX_ORDER was exclusive.
 */
#if defined(MAX_PAGE_ORDER)
#define KAB_NR_PAGE_ORDERS	(MAX_PAGE_ORDER + 1)
#elif LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
#define KAB_NR_PAGE_ORDERS	(MAX_ORDER + 1)
#else
#define KAB_NR_PAGE_ORDERS	MAX_ORDER
#endif

#endif /* KAB_COMPAT_H */
