/* The TLB hierarchies of named CPU cores: one row of sim_cpu_models each. */
#ifndef SIM_CPUS_H
#define SIM_CPUS_H

#include <stddef.h>

#include "walk.h"

/*
 * One TLB array of @entries in @ways ways (entries / ways sets; ways ==
 * entries is fully associative) holding the page sizes in @sizes, a mask
 * of (1u << enum sim_page_size).
 */
struct sim_tlb_array {
	const char *name;
	unsigned entries;
	unsigned ways;
	unsigned sizes;
};

#define SIM_SIZE_BIT(size) (1u << (size))
#define SIM_SIZE_4K SIM_SIZE_BIT(SIM_PAGE_4K)
#define SIM_SIZE_2M SIM_SIZE_BIT(SIM_PAGE_2M)
#define SIM_SIZE_1G SIM_SIZE_BIT(SIM_PAGE_1G)

#define SIM_MAX_ARRAYS 4

struct sim_cpu_model {
	const char *name;   /* as TLB_MODEL= and a sweep's tlb_model spell it */
	const char *cpu;    /* the core, in words */
	const char *source; /* document and table or section behind every
			     * figure below */
	unsigned nr_l1, nr_l2;
	struct sim_tlb_array l1[SIM_MAX_ARRAYS]; /* first-level data TLBs
						  * (loads and stores) */
	struct sim_tlb_array l2[SIM_MAX_ARRAYS]; /* second-level TLBs */
	/* A typical cost of one walk (a second-level miss) in core cycles,
	 * for break-even estimates; an estimate, as its source says. */
	unsigned walk_penalty_cycles;
	const char *walk_penalty_source;
	const char *not_modelled; /* what this model leaves out, one line */
};

extern const struct sim_cpu_model sim_cpu_models[];
extern const size_t sim_nr_cpu_models;

/* The row called @name, or NULL. */
const struct sim_cpu_model *sim_cpu_model_find(const char *name);

#endif
