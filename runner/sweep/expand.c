/* Expansion: a parsed sweep resolved against the kernel into cases. */
#include "sweep/sweep.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/names.h"
#include "util/util.h"

struct values {
	uint64_t *value;
	size_t count;
	size_t capacity;
};

static void push_value(struct values *values, uint64_t value)
{
	xgrow((void **)&values->value, &values->capacity, values->count + 1,
	      sizeof(*values->value));
	values->value[values->count++] = value;
}

static void format_term(const struct sweep_axis *axis,
			const struct sweep_term *term, char *buf, size_t len)
{
	if (!term->symbolic)
		snprintf(buf, len, "%llu", (unsigned long long)term->value);
	else if (term->value)
		snprintf(buf, len, "%s%c%llu", axis->symbol,
			 term->subtract ? '-' : '+',
			 (unsigned long long)term->value);
	else
		snprintf(buf, len, "%s", axis->symbol);
}

static bool resolve_term(const struct sweep_axis *axis,
			 const struct sweep_term *term, uint64_t symbol_value,
			 unsigned line, uint64_t *value, struct sweep_error *err)
{
	uint64_t base = term->symbolic ? symbol_value : 0;
	char text[64];

	if (term->subtract ? term->value <= base :
			     base <= axis->max && term->value <= axis->max - base) {
		*value = term->subtract ? base - term->value : base + term->value;
		return true;
	}
	format_term(axis, term, text, sizeof(text));
	return sweep_set_error(err, line,
			       "%s is out of range on this kernel (%s = %llu)",
			       text, axis->symbol,
			       (unsigned long long)symbol_value);
}

size_t sweep_range_values(const struct sweep_axis *axis, uint64_t from,
			  uint64_t to)
{
	size_t count = 1;

	if (!axis->doubling)
		return to - from >= SIZE_MAX ? SIZE_MAX : (size_t)(to - from) + 1;
	for (uint64_t value = from; value && value <= to / 2; value *= 2)
		count++;
	return count;
}

static bool expand_item(const struct sweep_axis *axis,
			const struct sweep_item *item, uint64_t symbol_value,
			struct values *values, struct sweep_error *err)
{
	uint64_t from, to;

	if (!resolve_term(axis, &item->from, symbol_value, item->line, &from, err) ||
	    !resolve_term(axis, &item->to, symbol_value, item->line, &to, err))
		return false;
	if (from > to)
		return sweep_set_error(err, item->line,
				       "range %llu..%llu starts above its end on this kernel",
				       (unsigned long long)from,
				       (unsigned long long)to);
	if (axis->doubling && item->range && from == 0)
		return sweep_set_error(err, item->line,
				       "range from 0 cannot double");
	if (item->range &&
	    sweep_range_values(axis, from, to) > SWEEP_MAX_RANGE_VALUES)
		return sweep_set_error(err, item->line,
				       "range %llu..%llu has more than %d values",
				       (unsigned long long)from,
				       (unsigned long long)to,
				       SWEEP_MAX_RANGE_VALUES);
	for (uint64_t value = from;;
	     value = axis->doubling ? value * 2 : value + 1) {
		push_value(values, value);
		if (!item->range || (axis->doubling ? value > to / 2 : value >= to))
			return true;
	}
}

/* With @symbol_value NULL, every kernel-dependent entry is one value. */
static bool expand_items(const struct sweep_axis *axis,
			 const struct sweep_items *items,
			 const uint64_t *symbol_value, struct values *values,
			 size_t *kernel_dependent, struct sweep_error *err)
{
	for (size_t i = 0; i < items->count; i++) {
		const struct sweep_item *item = &items->item[i];

		if (!symbol_value && (item->from.symbolic || item->to.symbolic)) {
			push_value(values, 0);
			(*kernel_dependent)++;
		} else if (!expand_item(axis, item, symbol_value ?
					*symbol_value : 0, values, err)) {
			return false;
		}
	}
	return true;
}

static void push_case(struct sweep_cases *cases, const struct sweep_case *one)
{
	xgrow((void **)&cases->item, &cases->capacity, cases->count + 1,
	      sizeof(*cases->item));
	cases->item[cases->count++] = *one;
}

/* The fragmented states a group runs at: its levels, each with its kinds. */
struct frag_states {
	const struct sweep_frag *levels;
	size_t nr_levels;
	const uint32_t *kinds;
	size_t nr_kinds;
	bool recorded;
};

static struct frag_states frag_states_of(const struct sweep_section *group)
{
	static const struct sweep_frag no_frag = { .label = "none" };
	static const uint32_t default_kind = SWEEP_DEFAULT_FRAG_KIND;

	return (struct frag_states){
		.levels = group->frag_levels.count ? group->frag_levels.item :
						     &no_frag,
		.nr_levels = group->frag_levels.count ? group->frag_levels.count : 1,
		.kinds = group->frag_kinds.count ? group->frag_kinds.value :
						   &default_kind,
		.nr_kinds = group->frag_kinds.count ? group->frag_kinds.count : 1,
		.recorded = group->frag_levels.count > 0,
	};
}

/* A level that touches nothing has no kind: it runs once, not per kind. */
static size_t frag_kinds_at(const struct frag_states *frag, size_t level)
{
	return frag->levels[level].touch_permille ? frag->nr_kinds : 1;
}

static void frag_state_set(const struct frag_states *frag, size_t level,
			   size_t kind, struct sweep_case *one)
{
	one->frag = frag->levels[level];
	one->frag_kind = frag->levels[level].touch_permille ?
			 (int)frag->kinds[kind] : SWEEP_NO_FRAG_KIND;
	one->frag_recorded = frag->recorded;
}

/* Cross product of the group's lists, allocators outermost. */
static void expand_cross(const struct sweep *sweep, size_t index,
			 const struct values *values, uint32_t online_cpus,
			 struct sweep_cases *cases)
{
	const struct sweep_section *group = &sweep->group[index];
	static const uint32_t default_context = SWEEP_DEFAULT_CONTEXT;
	const uint32_t *contexts = group->contexts.count ?
				   group->contexts.value : &default_context;
	size_t nr_contexts = group->contexts.count ? group->contexts.count : 1;
	static const uint32_t default_pressure = KAB_PRESSURE_none;
	const uint32_t *pressures = group->pressure.count ?
				    group->pressure.value : &default_pressure;
	size_t nr_pressures = group->pressure.count ? group->pressure.count : 1;
	static const uint32_t default_cpus = 1;
	const uint32_t *cpus = group->cpus.count ? group->cpus.value :
						   &default_cpus;
	size_t nr_cpus = group->cpus.count ? group->cpus.count : 1;
	static const uint32_t default_caches = KAB_CACHES_shared;
	const uint32_t *caches = group->caches.count ? group->caches.value :
						       &default_caches;
	size_t nr_caches = group->caches.count ? group->caches.count : 1;
	const struct sweep_u32s *patterns = sweep_group_patterns(group);
	struct frag_states frag = frag_states_of(group);
	struct sweep_case one = {
		.group = index,
		.iterations = sweep_setting(sweep, group, SWEEP_KEY_iterations,
					    NULL),
		.warmup = sweep_setting(sweep, group, SWEEP_KEY_warmup, NULL),
		.time_limit_ns = sweep_setting(sweep, group,
					       SWEEP_KEY_time_limit_ms, NULL) *
				 1000000,
		.atomic_limit_ns = sweep_setting(sweep, group,
						 SWEEP_KEY_atomic_limit_us,
						 NULL) * 1000,
		.repetitions = sweep_setting(sweep, group,
					     SWEEP_KEY_repetitions, NULL),
		.sheaf_capacity = (uint32_t)sweep_setting(
			sweep, group, SWEEP_KEY_sheaf_capacity, NULL),
	};
	uint32_t batch = (uint32_t)sweep_setting(sweep, group, SWEEP_KEY_batch,
						 NULL);
	static const uint32_t default_bulk = 1;
	const uint32_t *bulks = group->bulk.count ? group->bulk.value :
						    &default_bulk;
	size_t nr_bulks = group->bulk.count ? group->bulk.count : 1;
	uint32_t node = (uint32_t)sweep_setting(sweep, group, SWEEP_KEY_node,
						NULL);

	/* One loop level per list, unindented to keep the body readable. */
	for (size_t l = 0; l < frag.nr_levels; l++)
	for (size_t k = 0; k < frag_kinds_at(&frag, l); k++)
	for (size_t a = 0; a < group->allocators.count; a++)
	for (size_t b = 0; b < (kab_allocator_is_bulk[group->allocators.value[a]] ?
				nr_bulks : 1); b++)
	for (size_t v = 0; v < values->count; v++)
	for (size_t g = 0; g < group->gfp.count; g++)
	for (size_t c = 0; c < nr_contexts; c++)
	for (size_t p = 0; p < patterns->count; p++)
	for (size_t m = 0; m < nr_pressures; m++)
	for (size_t n = 0; n < nr_cpus; n++)
	for (size_t h = 0; h < nr_caches; h++) {
		frag_state_set(&frag, l, k, &one);
		one.pressure = pressures[m];
		one.cpus = cpus[n] == SWEEP_CPUS_ALL ? online_cpus : cpus[n];
		one.allocator = group->allocators.value[a];
		/*
		 * Like bulk: only a cache's rows take the list, and per_cpu
		 * only on several CPUs (one CPU's one cache is both); the
		 * others run once, shared.
		 */
		if (!kab_allocator_has_cache[one.allocator] || one.cpus <= 1) {
			if (h > 0)
				continue;
			one.caches = KAB_CACHES_shared;
		} else {
			one.caches = caches[h];
		}
		one.gfp = group->gfp.value[g];
		one.context = contexts[c];
		one.pattern = patterns->value[p];
		one.batch = one.pattern == KAB_PATTERN_batch ? batch : 0;
		one.bulk = kab_allocator_is_bulk[one.allocator] ? bulks[b] : 0;
		one.node = kab_allocator_takes_node[one.allocator] ? node : 0;
		if (kab_allocator_sized_by[one.allocator] == KAB_BY_SIZE)
			one.size_bytes = values->value[v];
		else
			one.order = (uint32_t)values->value[v];
		push_case(cases, &one);
	}
}

bool sweep_same_frag(const struct sweep_case *a, const struct sweep_case *b)
{
	return a->frag_recorded == b->frag_recorded &&
	       a->frag_kind == b->frag_kind &&
	       a->frag.touch_permille == b->frag.touch_permille &&
	       a->frag.keep_every == b->frag.keep_every &&
	       strcmp(a->frag.label, b->frag.label) == 0;
}

/*
 * Makes the cases of each fragmented state adjacent, keeping their order:
 * first those without a recorded level, then each state in the order it
 * first appears.
 */
static void order_by_frag(struct sweep_cases *cases)
{
	struct sweep_case *ordered = xcalloc(cases->count + 1, sizeof(*ordered));
	bool *taken = xcalloc(cases->count + 1, sizeof(*taken));
	size_t n = 0;

	for (int recorded = 0; recorded < 2; recorded++)
		for (size_t i = 0; i < cases->count; i++) {
			if (taken[i] || cases->item[i].frag_recorded != recorded)
				continue;
			for (size_t j = i; j < cases->count; j++)
				if (!taken[j] && sweep_same_frag(&cases->item[i],
								 &cases->item[j])) {
					ordered[n++] = cases->item[j];
					taken[j] = true;
				}
		}
	free(cases->item);
	free(taken);
	cases->item = ordered;
	cases->capacity = cases->count + 1;
}

/*
 * The access benchmark: fragmented states x allocators x sizes x access
 * patterns; how a buffer's cost survives fragmentation is the tradeoff.
 */
static void expand_access(const struct sweep *sweep, size_t index,
			  const struct values *values, struct sweep_cases *cases)
{
	const struct sweep_section *group = &sweep->group[index];
	const struct sweep_u32s *walks = sweep_group_patterns(group);
	struct frag_states frag = frag_states_of(group);
	struct sweep_case one = {
		.group = index,
		.kind = SWEEP_KIND_access,
		.passes = sweep_setting(sweep, group, SWEEP_KEY_passes, NULL),
		.hyperfine_runs = sweep_setting(sweep, group,
						SWEEP_KEY_hyperfine, NULL),
		.repetitions = sweep_setting(sweep, group,
					     SWEEP_KEY_repetitions, NULL),
	};

	for (size_t l = 0; l < frag.nr_levels; l++)
	for (size_t k = 0; k < frag_kinds_at(&frag, l); k++)
	for (size_t a = 0; a < group->allocators.count; a++)
	for (size_t v = 0; v < values->count; v++)
	for (size_t w = 0; w < walks->count; w++) {
		frag_state_set(&frag, l, k, &one);
		one.allocator = group->allocators.value[a];
		one.size_bytes = values->value[v];
		one.walk = walks->value[w];
		push_case(cases, &one);
	}
}

/* iterations and warmup within what the module accepts, else file:line. */
static bool check_loop_limit(const struct sweep *sweep,
			     const struct sweep_section *group,
			     enum sweep_key key, const char *name,
			     const struct kab_info *info,
			     struct sweep_error *err)
{
	unsigned line;
	uint64_t value = sweep_setting(sweep, group, key, &line);

	if (value <= info->max_iterations)
		return true;
	if (line)
		return sweep_set_error(err, line,
				       "%s = %llu is above this kernel's max_iterations, %llu",
				       name, (unsigned long long)value,
				       (unsigned long long)info->max_iterations);
	return sweep_set_error(err, group->line,
			       "group [%s]: the default %s, %llu, is above this kernel's max_iterations, %llu",
			       group->name, name, (unsigned long long)value,
			       (unsigned long long)info->max_iterations);
}

static int expand(const struct sweep *sweep, const struct kab_info *info,
		  struct sweep_cases *cases, size_t *kernel_dependent,
		  struct sweep_error *err)
{
	struct values values = { 0 };
	int result = 0;

	*cases = (struct sweep_cases){ 0 };
	*err = (struct sweep_error){ 0 };
	for (size_t i = 0; i < sweep->groups && result == 0; i++) {
		const struct sweep_section *group = &sweep->group[i];
		bool by_size = group->sizes.count > 0;
		bool access = sweep_group_kind(group) == SWEEP_KIND_access;
		uint64_t symbol_value = 0;

		if (info)
			symbol_value = by_size ? info->kmalloc_max_size :
						 (uint64_t)info->nr_page_orders - 1;
		values.count = 0;
		if (info && access &&
		    !check_loop_limit(sweep, group, SWEEP_KEY_passes, "passes",
				      info, err))
			result = -1;
		else if (info && !access &&
			 (!check_loop_limit(sweep, group, SWEEP_KEY_iterations,
					    "iterations", info, err) ||
			  !check_loop_limit(sweep, group, SWEEP_KEY_warmup,
					    "warmup", info, err)))
			result = -1;
		else if (!expand_items(by_size ? &sweep_size_axis : &sweep_order_axis,
				       by_size ? &group->sizes : &group->orders,
				       info ? &symbol_value : NULL, &values,
				       kernel_dependent, err))
			result = -1;
		else if (access)
			expand_access(sweep, i, &values, cases);
		else
			expand_cross(sweep, i, &values,
				     info ? info->online_cpus : 1, cases);
	}
	free(values.value);
	if (result == 0)
		order_by_frag(cases);
	return result;
}

int sweep_expand(const struct sweep *sweep, const struct kab_info *info,
		 struct sweep_cases *cases, struct sweep_error *err)
{
	size_t kernel_dependent = 0;

	return expand(sweep, info, cases, &kernel_dependent, err);
}

/*
 * KMALLOC_MAX_SIZE and the buddy orders of Debian's x86-64 kernels, 6.1 and
 * 6.12 alike. The loop limits are the module's to enforce at run time.
 */
const struct kab_info sweep_reference_kernel = {
	.size = sizeof(struct kab_info),
	.page_size = 4096,
	.nr_page_orders = 11,
	.kmalloc_max_size = 4 << 20,
	.max_iterations = UINT64_MAX,
	.online_cpus = 1,
};

size_t sweep_kernel_dependent_entries(const struct sweep *sweep)
{
	struct sweep_cases cases;
	struct sweep_error err;
	size_t kernel_dependent = 0;

	expand(sweep, NULL, &cases, &kernel_dependent, &err);
	sweep_cases_free(&cases);
	return kernel_dependent;
}

void sweep_count(const struct sweep_cases *cases, struct sweep_count *count)
{
	*count = (struct sweep_count){ 0 };
	for (size_t i = 0; i < cases->count; i++) {
		count->cases[cases->item[i].kind]++;
		count->runs += cases->item[i].repetitions;
	}
}

void sweep_cases_free(struct sweep_cases *cases)
{
	free(cases->item);
	*cases = (struct sweep_cases){ 0 };
}
