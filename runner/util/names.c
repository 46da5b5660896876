#include "util/names.h"

#include <stdio.h>
#include <string.h>

#define NAME_OF(name, ...) #name,
#define SECOND_OF(name, value) value,

const char *const kab_allocator_names[KAB_NR_ALLOCATORS] = {
	KAB_ALLOCATOR_LIST(NAME_OF)
};
const unsigned kab_allocator_sized_by[KAB_NR_ALLOCATORS] = {
	KAB_ALLOCATOR_LIST(SECOND_OF)
};
const char *const kab_gfp_names[KAB_NR_GFP_BITS] = { KAB_GFP_LIST(NAME_OF) };
const bool kab_gfp_is_base[KAB_NR_GFP_BITS] = { KAB_GFP_LIST(SECOND_OF) };
const char *const kab_pattern_names[KAB_NR_PATTERNS] = {
	KAB_PATTERN_LIST(NAME_OF)
};
const char *const kab_context_names[KAB_NR_CONTEXTS] = {
	KAB_CONTEXT_LIST(NAME_OF)
};

const char *const kab_pressure_names[KAB_NR_PRESSURES] = {
	KAB_PRESSURE_LIST(NAME_OF)
};
const char *const kab_frag_kind_names[KAB_NR_FRAG_KINDS] = {
	KAB_FRAG_KIND_LIST(NAME_OF)
};

#define FRAG_LEVEL_ROW(name, touch, keep) { #name, touch, keep },
const struct kab_frag_level kab_frag_levels[KAB_NR_FRAG_LEVELS] = {
	KAB_FRAG_LEVEL_LIST(FRAG_LEVEL_ROW)
};

const char *const kab_access_pattern_names[KAB_NR_ACCESS_PATTERNS] = {
	KAB_ACCESS_PATTERN_LIST(NAME_OF)
};
const char *const kab_access_phase_names[KAB_NR_ACCESS_PHASES] = {
	KAB_ACCESS_PHASE_LIST(NAME_OF)
};

#define LISTED(name) [KAB_ALLOC_##name] = true,
const bool kab_allocator_has_access[KAB_NR_ALLOCATORS] = {
	KAB_ACCESS_ALLOCATOR_LIST(LISTED)
};

const bool kab_allocator_is_bulk[KAB_NR_ALLOCATORS] = {
	KAB_BULK_ALLOCATOR_LIST(LISTED)
};

const bool kab_allocator_takes_node[KAB_NR_ALLOCATORS] = {
	KAB_NODE_ALLOCATOR_LIST(LISTED)
};

const bool kab_allocator_is_deferred[KAB_NR_ALLOCATORS] = {
	KAB_DEFERRED_ALLOCATOR_LIST(LISTED)
};

const bool kab_allocator_has_cache[KAB_NR_ALLOCATORS] = {
	KAB_CACHE_ALLOCATOR_LIST(LISTED)
};

const char *const kab_caches_names[KAB_NR_CACHES] = {
	KAB_CACHES_LIST(NAME_OF)
};

const char *const kab_probe_names[KAB_NR_PROBES] = {
	KAB_PROBE_LIST(NAME_OF)
};

int kab_name_index(const char *const *names, size_t count, const char *name)
{
	for (size_t i = 0; i < count; i++)
		if (strcmp(names[i], name) == 0)
			return (int)i;
	return -1;
}

void kab_names_join(const char *const *names, size_t count, char *buf,
		    size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < count && used < len; i++) {
		int n = snprintf(buf + used, len - used, "%s%s",
				 i ? " " : "", names[i]);

		if (n < 0)
			break;
		used += (size_t)n;
	}
}

void kab_gfp_format(uint32_t mask, char buf[static KAB_GFP_TEXT_MAX])
{
	size_t used = 0;

	buf[0] = '\0';
	for (unsigned bit = 0; bit < KAB_NR_GFP_BITS; bit++) {
		if (!(mask & (1U << bit)))
			continue;
		used += (size_t)snprintf(buf + used, KAB_GFP_TEXT_MAX - used,
					 "%s%s", used ? "|" : "",
					 kab_gfp_names[bit]);
	}
}
