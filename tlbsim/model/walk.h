/*
 * The x86-64 long-mode page walk (4-level, or 5-level with LA57) over a
 * reader of guest-physical memory, and the page sizes its leaves have.
 */
#ifndef SIM_WALK_H
#define SIM_WALK_H

#include <stdbool.h>
#include <stdint.h>

enum sim_page_size { SIM_PAGE_4K, SIM_PAGE_2M, SIM_PAGE_1G, SIM_NR_PAGE_SIZES };

/* "4K", "2M", "1G" */
extern const char *const sim_page_size_names[SIM_NR_PAGE_SIZES];

/* Each size is 512 times the one below it: 12, 21, 30. */
static inline unsigned sim_page_shift(enum sim_page_size size)
{
	return 12 + 9 * (unsigned)size;
}

/*
 * Reads the 8 bytes of guest-physical memory at @phys_addr into @entry;
 * false when that memory cannot be read.
 */
typedef bool (*sim_read_phys_fn)(void *ctx, uint64_t phys_addr,
				 uint64_t *entry);

struct sim_walk {
	bool ok;                 /* a present leaf was found */
	enum sim_page_size size; /* of the leaf */
	bool global;             /* G bit (bit 8) of the leaf */
	unsigned refs;           /* page-table entries read: the memory
				  * references of this walk, with no
				  * paging-structure caches */
	uint64_t phys;           /* physical address @va translates to */
};

/*
 * Translates @va from the top table that @cr3 names (bits 51:12; the PCID
 * in bits 11:0 and the no-flush bit 63 are ignored) through @levels (4 or
 * 5) levels. A non-present entry, a reserved PS bit (in a level-5 or
 * level-4 entry) or an unreadable entry ends the walk with ok false; refs
 * counts the entries that were read. Returns out->ok.
 */
bool sim_walk(uint64_t cr3, unsigned levels, uint64_t va, sim_read_phys_fn read,
	      void *ctx, struct sim_walk *out);

#endif
