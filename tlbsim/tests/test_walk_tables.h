/*
 * Page tables for the tests, built in a fake guest-physical memory: tables
 * are 4 KiB frames of a buffer placed at FAKE_PHYS_BASE, leaves point
 * wherever a test says (nothing is read there).
 */
#ifndef SIM_TEST_WALK_TABLES_H
#define SIM_TEST_WALK_TABLES_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mmu.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define FAKE_PHYS_BASE 0x100000ull
#define FAKE_PHYS_FRAMES 256
#define FAKE_NO_HOLE UINT64_MAX

#define PTE_P (1ull << 0)
#define PTE_RW (1ull << 1)
#define PTE_PS (1ull << 7)
#define PTE_G (1ull << 8)
#define PTE_NX (1ull << 63)
#define PTE_PKEY (0xfull << 59)
#define PTE_ADDR 0x000ffffffffff000ull

#define SZ_4K (1ull << 12)
#define SZ_2M (1ull << 21)
#define SZ_1G (1ull << 30)

/* Where leaves point: far above the tables, so no test reads them. */
#define DATA_PHYS 0x4000000000ull

struct fake_phys {
	uint64_t *mem;
	unsigned used_frames;
	unsigned levels;
	uint64_t root;
	uint64_t hole; /* a frame the reader refuses, or FAKE_NO_HOLE */
};

static inline uint64_t fake_alloc_table(struct fake_phys *fp)
{
	assert_true(fp->used_frames < FAKE_PHYS_FRAMES);
	return FAKE_PHYS_BASE + SZ_4K * fp->used_frames++;
}

static inline void fake_init(struct fake_phys *fp, unsigned levels)
{
	*fp = (struct fake_phys){ .levels = levels, .hole = FAKE_NO_HOLE };
	fp->mem = calloc(FAKE_PHYS_FRAMES, SZ_4K);
	assert_non_null(fp->mem);
	fp->root = fake_alloc_table(fp);
}

static inline void fake_free(struct fake_phys *fp)
{
	free(fp->mem);
}

static inline uint64_t *fake_slot(struct fake_phys *fp, uint64_t table,
				  uint64_t va, unsigned level)
{
	unsigned index = (va >> (12 + 9 * (level - 1))) & 511;

	return &fp->mem[(table - FAKE_PHYS_BASE) / 8 + index];
}

/* The entry at @level (5..1) on @va's path; the path above must exist. */
static inline uint64_t *fake_entry(struct fake_phys *fp, uint64_t va,
				   unsigned level)
{
	uint64_t table = fp->root;

	for (unsigned l = fp->levels; l > level; l--)
		table = *fake_slot(fp, table, va, l) & PTE_ADDR;
	return fake_slot(fp, table, va, level);
}

/* Maps the @size page at @va to @phys, with @flags beyond P and RW. */
static inline void fake_map(struct fake_phys *fp, uint64_t va, uint64_t phys,
			    enum sim_page_size size, uint64_t flags)
{
	unsigned leaf_level = (unsigned)size + 1;
	uint64_t table = fp->root;

	for (unsigned l = fp->levels; l > leaf_level; l--) {
		uint64_t *slot = fake_slot(fp, table, va, l);

		if (!(*slot & PTE_P))
			*slot = fake_alloc_table(fp) | PTE_P | PTE_RW;
		table = *slot & PTE_ADDR;
	}
	*fake_slot(fp, table, va, leaf_level) =
		phys | PTE_P | PTE_RW | (size ? PTE_PS : 0) | flags;
}

/* Maps @count consecutive 4K pages from @va to consecutive frames. */
static inline void fake_map_range(struct fake_phys *fp, uint64_t va,
				  unsigned count, uint64_t flags)
{
	for (unsigned i = 0; i < count; i++)
		fake_map(fp, va + i * SZ_4K, DATA_PHYS + i * SZ_4K, SIM_PAGE_4K,
			 flags);
}

static inline bool fake_read(void *ctx, uint64_t phys_addr, uint64_t *entry)
{
	struct fake_phys *fp = ctx;

	if (phys_addr < FAKE_PHYS_BASE ||
	    phys_addr + 8 > FAKE_PHYS_BASE + SZ_4K * FAKE_PHYS_FRAMES ||
	    (phys_addr & ~(SZ_4K - 1)) == fp->hole)
		return false;
	*entry = fp->mem[(phys_addr - FAKE_PHYS_BASE) / 8];
	return true;
}

/* An MMU for @model walking @fp's tables from CR3 = its root. */
static inline struct sim_mmu *fake_mmu(const struct sim_cpu_model *model,
				       struct fake_phys *fp, uint64_t cr4)
{
	struct sim_mmu *mmu = sim_mmu_new(model);

	assert_non_null(mmu);
	sim_mmu_set_reader(mmu, fake_read, fp);
	sim_mmu_set_cr4(mmu, cr4, NULL);
	sim_mmu_set_cr3(mmu, fp->root, NULL);
	return mmu;
}

/* One load at @va; true if it took a walk. */
static inline bool load_walks(struct sim_mmu *mmu, uint64_t va,
			      struct sim_counts *c)
{
	uint64_t walks = c->l2_misses;

	sim_mmu_access(mmu, va, false, c);
	return c->l2_misses != walks;
}

/* @passes loads of each of @count pages @stride apart from @va in turn. */
static inline void load_cyclic(struct sim_mmu *mmu, uint64_t va,
			       unsigned count, uint64_t stride, unsigned passes,
			       struct sim_counts *c)
{
	for (unsigned p = 0; p < passes; p++)
		for (unsigned i = 0; i < count; i++)
			sim_mmu_access(mmu, va + i * stride, false, c);
}

#endif
