/* The page-walk events of this machine's CPU, for the sweep counter
 * `tlb-walks`: perf's generic dTLB-load-misses, dTLB-store-misses and
 * iTLB-load-misses count TLB misses the way the kernel maps them, a vendor's
 * own events count the walks. Which ones exist depends on the core PMU
 * libpfm4 detects (LIBPFM_FORCE_PMU=NAME pretends another). */
#ifndef KAB_PERF_TLB_H
#define KAB_PERF_TLB_H

#include <stddef.h>

/* The sweep counter that stands for the walk events chosen at run time. */
#define PERF_TLB_WALKS "tlb-walks"

/*
 * The candidates, one row each, X(role, event, cpus): for each role the
 * first that libpfm4 encodes on the core PMU is chosen. Intel's
 * WALK_COMPLETED counts walks that ended (any page size); AMD's reloads
 * after an L2 TLB miss are its walks. A core PMU with none of a role's
 * events (Atom's glm, say) gets no event for it.
 */
#define PERF_TLB_WALK_LIST(X)                                                  \
	X(dtlb_load, "DTLB_LOAD_MISSES:WALK_COMPLETED",                         \
	  "Intel Nehalem and later")                                           \
	X(dtlb_load, "L1_DTLB_MISS:TLB_RELOAD_4K_L2_MISS:TLB_RELOAD_2M_L2_MISS" \
		     ":TLB_RELOAD_1G_L2_MISS:TLB_RELOAD_COALESCED_PAGE_MISS",  \
	  "AMD Zen (family 17h and later)")                                    \
	X(dtlb_load, "L1_DTLB_AND_L2_DTLB_MISS:ALL", "AMD family 10h")          \
	X(dtlb_store, "DTLB_STORE_MISSES:WALK_COMPLETED",                       \
	  "Intel Sandy Bridge and later")                                      \
	X(itlb, "ITLB_MISSES:WALK_COMPLETED", "Intel Nehalem and later")        \
	X(itlb, "L1_ITLB_MISS_L2_ITLB_MISS:IF4K:IF2M:IF1G",                     \
	  "AMD Zen (family 17h and later)")                                    \
	X(itlb, "L1_ITLB_MISS_AND_L2_ITLB_MISS:ALL", "AMD family 10h")

enum perf_tlb_role { PERF_TLB_dtlb_load, PERF_TLB_dtlb_store, PERF_TLB_itlb,
		     PERF_TLB_NR_ROLES };

/* perf's generic TLB events (misses as the kernel maps them), one per role. */
extern const char *const perf_tlb_generic[PERF_TLB_NR_ROLES];
extern const char *const perf_tlb_role_names[PERF_TLB_NR_ROLES];

struct perf_tlb_walks {
	/* libpfm4's name and description of the core PMU; "" when none */
	char pmu[64];
	char pmu_desc[128];
	size_t count;
	/* the chosen events, in role order; roles without one left out */
	enum perf_tlb_role role[PERF_TLB_NR_ROLES];
	const char *event[PERF_TLB_NR_ROLES];
	/* the CPUs the candidate's row names */
	const char *cpus[PERF_TLB_NR_ROLES];
};

/* Chooses the walk events of the core PMU libpfm4 reports as present. */
void perf_tlb_walks_choose(struct perf_tlb_walks *walks);

#endif
