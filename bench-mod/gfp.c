// SPDX-License-Identifier: GPL-2.0
/*
 * kallocbench - the GFP flags a request may combine, generated from
 * KAB_GFP_LIST so that a request's bit and the kernel's flag cannot drift.
 */
#include <linux/bitops.h>

#include "allocators.h"

#define KAB_GFP_ROW(name, is_base) \
	[KAB_GFP_BIT_##name] = { #name, name },

const struct kab_gfp_desc kab_gfps[KAB_NR_GFP_BITS] = {
	KAB_GFP_LIST(KAB_GFP_ROW)
};

/**
 * kab_gfp_mask() - the gfp_t of a request's GFP bits
 * @bits: validated request bits
 *
 * __GFP_NOWARN is always added: a failure the request asks for (an order
 * above the maximum, an exhausted zone) must not print a splat.
 *
 * Return: the mask to pass to the allocator.
 */
gfp_t kab_gfp_mask(u32 bits)
{
	unsigned long rest = bits;
	gfp_t gfp = __GFP_NOWARN;
	unsigned int bit;

	for_each_set_bit(bit, &rest, KAB_NR_GFP_BITS)
		gfp |= kab_gfps[bit].mask;
	return gfp;
}

/**
 * kab_gfp_name() - the name of the lowest of some request bits
 * @bits: request bits, at least one set
 */
const char *kab_gfp_name(u32 bits)
{
	return kab_gfps[__ffs(bits)].name;
}
