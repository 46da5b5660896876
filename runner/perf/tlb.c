#include "perf/tlb.h"

#include <perfmon/pfmlib_perf_event.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "util/util.h"

const char *const perf_tlb_generic[PERF_TLB_NR_ROLES] = {
	[PERF_TLB_dtlb_load] = "dTLB-load-misses",
	[PERF_TLB_dtlb_store] = "dTLB-store-misses",
	[PERF_TLB_itlb] = "iTLB-load-misses",
};

const char *const perf_tlb_role_names[PERF_TLB_NR_ROLES] = {
	[PERF_TLB_dtlb_load] = "dtlb_load",
	[PERF_TLB_dtlb_store] = "dtlb_store",
	[PERF_TLB_itlb] = "itlb",
};

struct walk_candidate {
	enum perf_tlb_role role;
	const char *event;
	const char *cpus;
};

#define CANDIDATE_ROW(role, event, cpus) { PERF_TLB_##role, event, cpus },
static const struct walk_candidate walk_candidates[] = {
	PERF_TLB_WALK_LIST(CANDIDATE_ROW)
};

/* Encoded for @pmu itself (PMU::EVENT), so that another PMU's event of the
 * same name is never taken. */
static bool pmu_encodes(const char *pmu, const char *event)
{
	struct perf_event_attr attr;
	pfm_perf_encode_arg_t arg;
	char qualified[256];

	snprintf(qualified, sizeof(qualified), "%s::%s", pmu, event);
	memset(&attr, 0, sizeof(attr));
	memset(&arg, 0, sizeof(arg));
	arg.attr = &attr;
	arg.size = sizeof(arg);
	return pfm_get_os_event_encoding(qualified, PFM_PLM0 | PFM_PLM3,
					 PFM_OS_PERF_EVENT_EXT,
					 &arg) == PFM_SUCCESS;
}

/* The first present core PMU (on a hybrid CPU, the first libpfm4 lists). */
static bool find_core_pmu(struct perf_tlb_walks *walks)
{
	pfm_pmu_info_t info;
	pfm_pmu_t pmu;

	pfm_for_all_pmus(pmu) {
		memset(&info, 0, sizeof(info));
		info.size = sizeof(info);
		if (pfm_get_pmu_info(pmu, &info) != PFM_SUCCESS ||
		    !info.is_present || info.type != PFM_PMU_TYPE_CORE)
			continue;
		snprintf(walks->pmu, sizeof(walks->pmu), "%s", info.name);
		snprintf(walks->pmu_desc, sizeof(walks->pmu_desc), "%s",
			 info.desc ? info.desc : "");
		return true;
	}
	return false;
}

void perf_tlb_walks_choose(struct perf_tlb_walks *walks)
{
	*walks = (struct perf_tlb_walks){ 0 };
	if (pfm_initialize() != PFM_SUCCESS || !find_core_pmu(walks))
		return;
	for (int role = 0; role < PERF_TLB_NR_ROLES; role++) {
		for (size_t i = 0; i < ARRAY_SIZE(walk_candidates); i++) {
			const struct walk_candidate *c = &walk_candidates[i];

			if ((int)c->role != role ||
			    !pmu_encodes(walks->pmu, c->event))
				continue;
			walks->role[walks->count] = c->role;
			walks->cpus[walks->count] = c->cpus;
			walks->event[walks->count++] = c->event;
			break;
		}
	}
}
