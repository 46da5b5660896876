// SPDX-License-Identifier: GPL-2.0
/*
 * kallocbench - the page tables the kernel keeps for vmalloc space.
 *
 * vmalloc allocates PTE and PMD tables as it maps an area and leaves them
 * in place when it unmaps one, so each reach further into vmalloc space
 * than before costs pages for good (4 KiB of PTE table per 2 MiB mapped
 * with small pages) that no /proc/meminfo line shows: PageTables counts
 * user page tables only, and MemFree is simply lower.
 */
#include <linux/mm.h>
#include <linux/pgtable.h>
#include <linux/vmalloc.h>
#include <asm/pgtable_types.h>

#include "memory.h"

/*
 * How far the walk may skip when lookup_address() stopped at @level
 * without a table below it.
 */
static unsigned long kab_table_gap(unsigned int level)
{
	switch (level) {
	case PG_LEVEL_NONE:
		return P4D_SIZE;
	case PG_LEVEL_512G:
		return PUD_SIZE;
	default:
		return PMD_SIZE;
	}
}

/**
 * kab_vmalloc_table_pages() - page-table pages that map vmalloc space now
 *
 * The PMD tables (one per PUD entry that points to one) and PTE tables
 * (one per PMD entry that does) between VMALLOC_START and VMALLOC_END, as
 * lookup_address() finds them in the kernel's page tables; the levels
 * above, which x86-64 preallocates for the whole range at boot, are
 * skipped where empty and not counted. Read without the kernel's lock:
 * vmalloc frees a PTE table only where a huge mapping replaces it, so a
 * walk racing vmalloc_huge() may be off by that table.
 *
 * Return: pages.
 */
u64 kab_vmalloc_table_pages(void)
{
	unsigned long addr = VMALLOC_START, last_pud = 0;
	unsigned int level;
	u64 pages = 0;
	pte_t *entry;

	while (addr >= VMALLOC_START && addr < VMALLOC_END) {
		entry = lookup_address(addr, &level);
		if (!entry && level != PG_LEVEL_1G) {
			addr = ALIGN(addr + 1, kab_table_gap(level));
			continue;
		}
		/* A huge PUD leaf: no PMD table under it. */
		if (entry && level == PG_LEVEL_1G) {
			addr = ALIGN(addr + 1, PUD_SIZE);
			continue;
		}
		/* Reached a PMD entry: its table, once per PUD entry. */
		if ((addr & PUD_MASK) != last_pud) {
			last_pud = addr & PUD_MASK;
			pages++;
		}
		pages += entry && level == PG_LEVEL_4K;
		addr = ALIGN(addr + 1, PMD_SIZE);
		cond_resched();
	}
	return pages;
}
