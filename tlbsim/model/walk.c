/* The x86-64 page walk: Intel SDM vol. 3A, 4.5 (4-level and 5-level paging). */
#include "walk.h"

#include <stddef.h>

#define PTE_PRESENT (1ull << 0)
#define PTE_PS (1ull << 7)
#define PTE_GLOBAL (1ull << 8)
/* Bits 51:12: the next table, or a 4K frame. NX and the protection key
 * (bits 63, 62:59) and the software-available bits fall outside it. */
#define PTE_ADDR_MASK 0x000ffffffffff000ull

const char *const sim_page_size_names[SIM_NR_PAGE_SIZES] = {
	[SIM_PAGE_4K] = "4K",
	[SIM_PAGE_2M] = "2M",
	[SIM_PAGE_1G] = "1G",
};

/* Level 1 (the PTE) indexes va[20:12], level 5 va[56:48]. */
static unsigned level_index(uint64_t va, unsigned level)
{
	return (unsigned)(va >> (12 + 9 * (level - 1))) & 511;
}

bool sim_walk(uint64_t cr3, unsigned levels, uint64_t va, sim_read_phys_fn read,
	      void *ctx, struct sim_walk *out)
{
	uint64_t table = cr3 & PTE_ADDR_MASK;

	*out = (struct sim_walk){ .ok = false };
	if ((levels != 4 && levels != 5) || !read)
		return false;
	for (unsigned level = levels; level >= 1; level--) {
		uint64_t entry;

		if (!read(ctx, table + 8 * level_index(va, level), &entry))
			return false;
		out->refs++;
		if (!(entry & PTE_PRESENT))
			return false;
		/* In a PTE bit 7 is PAT, not PS; above level 3 PS is reserved. */
		if (level == 1 || (level <= 3 && (entry & PTE_PS))) {
			enum sim_page_size size = (enum sim_page_size)(level - 1);
			uint64_t offset_mask = (1ull << sim_page_shift(size)) - 1;

			out->ok = true;
			out->size = size;
			out->global = entry & PTE_GLOBAL;
			out->phys = (entry & PTE_ADDR_MASK & ~offset_mask) |
				    (va & offset_mask);
			return true;
		}
		if (entry & PTE_PS)
			return false;
		table = entry & PTE_ADDR_MASK;
	}
	return false;
}
