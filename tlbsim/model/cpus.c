/*
 * The shipped CPU models. Every figure comes from the vendor document its
 * row names; where this project could not check a figure against that
 * document, the source string says so.
 */
#include "cpus.h"

#include <string.h>

const struct sim_cpu_model sim_cpu_models[] = {
	{
		.name = "skylake-sp",
		.cpu = "Intel Xeon Scalable 1st gen (Skylake-SP) core",
		.source = "Intel 64 and IA-32 Architectures Optimization "
			  "Reference Manual (248966-045, February 2022), "
			  "Table 2-15 'TLB Parameters of the Skylake "
			  "Microarchitecture' (Skylake Server has the client "
			  "core's TLBs, per J. McCalpin, Intel community forum "
			  "thread 1371605): DTLB 4K 64 entries 4-way, 2M/4M 32 "
			  "4-way, 1G 4 4-way; STLB 4K+2M 1536 12-way, 1G 16 "
			  "4-way. CPUID leaf 2 on Skylake-SP reports the STLB "
			  "as 6-way (descriptor C3h); the manual's 12 ways are "
			  "used. The 1G STLB's 4 ways were not confirmed "
			  "against the manual's text by this project",
		.nr_l1 = 3,
		.l1 = {
			{ "dtlb-4k", 64, 4, SIM_SIZE_4K },
			{ "dtlb-2m", 32, 4, SIM_SIZE_2M },
			{ "dtlb-1g", 4, 4, SIM_SIZE_1G },
		},
		.nr_l2 = 2,
		.l2 = {
			{ "stlb", 1536, 12, SIM_SIZE_4K | SIM_SIZE_2M },
			{ "stlb-1g", 16, 4, SIM_SIZE_1G },
		},
		.walk_penalty_cycles = 30,
		.walk_penalty_source =
			"estimate, not a Skylake-SP measurement: a walk whose "
			"upper levels hit the paging-structure caches and whose "
			"PTE is in the data caches costs about 20 cycles beyond "
			"an STLB hit on Haswell (RightMark D-TLB measurement, "
			"Mynavi News 2013-06-21, Haswell review p.15, seen at "
			"prod-news.global.ssl.fastly.net/article/"
			"20130621-s_haswell2/015.html), plus "
			"the STLB lookup; a walk that goes to DRAM costs "
			"hundreds of cycles",
		.not_modelled =
			"paging-structure caches (each walk is charged every "
			"entry it reads), pseudo-LRU (modelled as true LRU), "
			"how the STLB indexes 4K and 2M pages together, SMT "
			"sharing, instruction TLBs, parallel walks",
	},
	{
		.name = "zen4",
		.cpu = "AMD EPYC 9004 (Genoa, Zen 4) core",
		.source = "Software Optimization Guide for the AMD Zen4 "
			  "Microarchitecture (pub. 57647), section on memory "
			  "address translation / translation lookaside buffers: "
			  "L1 DTLB 72 entries fully associative holding 4K, 2M "
			  "and 1G pages; L2 DTLB 3072 entries 12-way. This "
			  "project confirmed 72 and 3072 only from secondary "
			  "sources; the 12 ways and 1G pages in the L2 DTLB are "
			  "as read from the guide, not re-checked (Zen 3/4 IBS "
			  "reports L2 DTLB hits on 1G pages, IbsDcL2TlbHit1G, "
			  "Linux perf/amd/ibs)",
		.nr_l1 = 1,
		.l1 = {
			{ "l1-dtlb", 72, 72,
			  SIM_SIZE_4K | SIM_SIZE_2M | SIM_SIZE_1G },
		},
		.nr_l2 = 1,
		.l2 = {
			{ "l2-dtlb", 3072, 12,
			  SIM_SIZE_4K | SIM_SIZE_2M | SIM_SIZE_1G },
		},
		.walk_penalty_cycles = 30,
		.walk_penalty_source =
			"estimate, not a Zen 4 measurement (none found): the "
			"same cached-walk figure as skylake-sp, about 20 cycles "
			"beyond a second-level hit (RightMark on Haswell, "
			"Mynavi News 2013-06-21, Haswell review p.15, seen at "
			"prod-news.global.ssl.fastly.net/article/"
			"20130621-s_haswell2/015.html) plus "
			"the L2 DTLB lookup; a walk that goes to DRAM costs "
			"hundreds of cycles",
		.not_modelled =
			"page walk caches and the page directory entries the "
			"L2 DTLB also caches, PTE coalescing of contiguous 4K "
			"pages into one entry, 1G page smashing, the L2 DTLB's "
			"skewed associativity, pseudo-LRU (modelled as true "
			"LRU), instruction TLBs, parallel walks",
	},
};

const size_t sim_nr_cpu_models =
	sizeof(sim_cpu_models) / sizeof(sim_cpu_models[0]);

const struct sim_cpu_model *sim_cpu_model_find(const char *name)
{
	if (!name)
		return NULL;
	for (size_t i = 0; i < sim_nr_cpu_models; i++)
		if (!strcmp(sim_cpu_models[i].name, name))
			return &sim_cpu_models[i];
	return NULL;
}
