/* The names of allocators, GFP flags, patterns and contexts, generated from
 * the uapi lists so that sweeps, results and the module always agree. */
#ifndef KAB_NAMES_H
#define KAB_NAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kallocbench.h>

/* Room for every GFP flag name joined with '|'. */
#define KAB_GFP_TEXT_MAX 256

extern const char *const kab_allocator_names[KAB_NR_ALLOCATORS];
extern const unsigned kab_allocator_sized_by[KAB_NR_ALLOCATORS];
extern const char *const kab_gfp_names[KAB_NR_GFP_BITS];
extern const bool kab_gfp_is_base[KAB_NR_GFP_BITS];
extern const char *const kab_pattern_names[KAB_NR_PATTERNS];
extern const char *const kab_context_names[KAB_NR_CONTEXTS];
extern const char *const kab_pressure_names[KAB_NR_PRESSURES];
extern const char *const kab_frag_kind_names[KAB_NR_FRAG_KINDS];

/* One row of KAB_FRAG_LEVEL_LIST. */
struct kab_frag_level {
	const char *name;
	uint32_t touch_permille;
	uint32_t keep_every;
};

#define KAB_FRAG_LEVEL_COUNT(...) + 1
#define KAB_NR_FRAG_LEVELS (0 KAB_FRAG_LEVEL_LIST(KAB_FRAG_LEVEL_COUNT))
extern const struct kab_frag_level kab_frag_levels[KAB_NR_FRAG_LEVELS];
extern const char *const kab_access_pattern_names[KAB_NR_ACCESS_PATTERNS];
extern const char *const kab_access_phase_names[KAB_NR_ACCESS_PHASES];
/* Whether the access benchmark measures the allocator. */
extern const bool kab_allocator_has_access[KAB_NR_ALLOCATORS];
/* One call allocates kab_case.bulk objects (KAB_BULK_ALLOCATOR_LIST). */
extern const bool kab_allocator_is_bulk[KAB_NR_ALLOCATORS];
/* Whether the allocator allocates on a NUMA node a case names. */
extern const bool kab_allocator_takes_node[KAB_NR_ALLOCATORS];
/* Frees after an RCU grace period (KAB_DEFERRED_ALLOCATOR_LIST). */
extern const bool kab_allocator_is_deferred[KAB_NR_ALLOCATORS];
/* Creates a kmem_cache of its own (KAB_CACHE_ALLOCATOR_LIST). */
extern const bool kab_allocator_has_cache[KAB_NR_ALLOCATORS];
extern const char *const kab_caches_names[KAB_NR_CACHES];
extern const char *const kab_probe_names[KAB_NR_PROBES];

/* Index of @name in @names, or -1. */
int kab_name_index(const char *const *names, size_t count, const char *name);
/* @names joined with single spaces, for "known: ..." messages. */
void kab_names_join(const char *const *names, size_t count, char *buf,
		    size_t len);
/* The flags of @mask joined with '|' in uapi order. */
void kab_gfp_format(uint32_t mask, char buf[static KAB_GFP_TEXT_MAX]);

#endif
