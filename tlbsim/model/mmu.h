/*
 * A simulated MMU: the data TLBs of one CPU model, filled by page walks of
 * the guest's own page tables and flushed the way CR3 and CR4 writes,
 * INVLPG and INVPCID flush them on real hardware, with counts of what the
 * hardware would have done.
 */
#ifndef SIM_MMU_H
#define SIM_MMU_H

#include <stdbool.h>
#include <stdint.h>

#include "cpus.h"
#include "walk.h"

struct sim_counts {
	uint64_t loads, stores;
	uint64_t l1_load_misses, l1_store_misses;  /* missed every L1 array */
	uint64_t l2_misses;                        /* missed L1 and L2: a walk */
	uint64_t walk_refs;                        /* sum of sim_walk.refs */
	uint64_t walks_by_size[SIM_NR_PAGE_SIZES]; /* leaf size of each
						    * successful walk */
	uint64_t walk_faults;  /* walks without a present leaf or with an
				* unreadable entry */
	uint64_t invlpg;       /* INVLPG executed */
	uint64_t invpcid;      /* INVPCID executed */
	uint64_t cr3_flushes;  /* CR3 writes that flushed (bit 63 clear or
				* PCIDE off) */
	uint64_t cr3_noflush;  /* CR3 writes with PCIDE and bit 63 set */
	uint64_t full_flushes; /* flushes of everything, global entries
				* included (CR4.PGE/PCIDE changes, INVPCID
				* type 2, sim_mmu_flush_all with globals) */
};

#define SIM_CR3_NOFLUSH (1ull << 63)
#define SIM_CR3_PCID_MASK 0xfffull
#define SIM_CR4_PGE (1ull << 7)
#define SIM_CR4_LA57 (1ull << 12)
#define SIM_CR4_PCIDE (1ull << 17)

enum sim_invpcid_type {
	SIM_INVPCID_ADDRESS = 0,        /* one address, non-global, one PCID */
	SIM_INVPCID_CONTEXT = 1,        /* non-global entries of one PCID */
	SIM_INVPCID_ALL = 2,            /* everything, global included */
	SIM_INVPCID_ALL_NON_GLOBAL = 3, /* non-global entries of every PCID */
};

struct sim_mmu;

/*
 * An MMU with @model's TLBs, all empty, CR3 and CR4 zero and 4-level
 * paging. Any geometry works where every array holds some page size and
 * has a power-of-two number of sets (entries a multiple of ways); NULL
 * otherwise or when out of memory.
 */
struct sim_mmu *sim_mmu_new(const struct sim_cpu_model *model);
void sim_mmu_free(struct sim_mmu *mmu);

/* Where walks read the page tables; without a reader every walk faults. */
void sim_mmu_set_reader(struct sim_mmu *mmu, sim_read_phys_fn read, void *ctx);
void sim_mmu_set_levels(struct sim_mmu *mmu, unsigned levels); /* 4 or 5 */

/*
 * In the functions below @c receives the counts and may be NULL, which
 * counts nothing (an initial register value, say). sim_mmu_access()
 * alone requires it.
 */

/*
 * A CR4 write. LA57 sets the levels; a change of PGE or PCIDE flushes
 * everything, global entries included (Intel SDM vol. 3A, 4.10.4.1). With
 * PGE clear, the G bit of a leaf is ignored.
 */
void sim_mmu_set_cr4(struct sim_mmu *mmu, uint64_t cr4, struct sim_counts *c);

/*
 * A CR3 write of @cr3 as the instruction's source operand. With PCIDE the
 * current PCID becomes bits 11:0 and, unless bit 63 is set, the non-global
 * entries of that PCID are flushed; without PCIDE every non-global entry
 * is. The walk root becomes bits 51:12.
 */
void sim_mmu_set_cr3(struct sim_mmu *mmu, uint64_t cr3, struct sim_counts *c);

/* CR3 as the CPU holds it: the last value written, bit 63 clear. */
uint64_t sim_mmu_cr3(const struct sim_mmu *mmu);

/* Invalidates the entries mapping @va of the current PCID and the global
 * ones, in every array of both levels. */
void sim_mmu_invlpg(struct sim_mmu *mmu, uint64_t va, struct sim_counts *c);

/*
 * INVPCID of @type (enum sim_invpcid_type) for @pcid and, for type 0,
 * @va. Other types fault on a CPU; here they are counted and do nothing.
 */
void sim_mmu_invpcid(struct sim_mmu *mmu, unsigned type, uint64_t pcid,
		     uint64_t va, struct sim_counts *c);

/* Every entry of every PCID, the global ones only if @include_global. */
void sim_mmu_flush_all(struct sim_mmu *mmu, bool include_global,
		       struct sim_counts *c);

/*
 * One data access at @va: an L1 lookup, on a miss an L2 lookup, on a miss
 * a walk, filling the first L2 and the first L1 array that hold the
 * leaf's size (an L2 hit fills that L1 array alone). The plugin splits an
 * access that straddles two pages.
 */
void sim_mmu_access(struct sim_mmu *mmu, uint64_t va, bool store,
		    struct sim_counts *c);

#endif
