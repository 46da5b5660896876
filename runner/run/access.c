#include "run/access.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "output/csv.h"
#include "util/names.h"
#include "util/util.h"

/*
 * prepare writes one word per page and walks the page tables: counting it
 * would charge that to nobody's figures, so its events are left out.
 */
const bool access_phase_counted[KAB_NR_ACCESS_PHASES] = {
	[KAB_PHASE_alloc] = true,
	[KAB_PHASE_access] = true,
	[KAB_PHASE_free] = true,
};

static const char access_head[] = COLUMNS_TEXT(ACCESS_COLUMN_LIST);
static const char access_plain[] = COLUMNS_TEXT(ACCESS_COLUMN_LIST)
	ROW_TAIL_COLUMN_LIST(COLUMN_TEXT);

const char *access_empty_header(void)
{
	return access_plain + 1;	/* past the first comma */
}

char *access_header(const char *const *events, size_t count)
{
	const char *phases[KAB_NR_ACCESS_PHASES];
	size_t counted = 0;

	for (int phase = 0; phase < KAB_NR_ACCESS_PHASES; phase++)
		if (access_phase_counted[phase])
			phases[counted++] = kab_access_phase_names[phase];
	return results_header_with_counters(access_head, phases, counted,
					    events, count);
}

void access_run(access_fn run, void *device, const struct sweep_case *spec,
		struct perf_group *group, struct access_outcome *outcome)
{
	struct kab_access *request = &outcome->result;
	int result = 0;

	*request = (struct kab_access){
		.allocator = spec->allocator,
		.size_bytes = spec->size_bytes,
		.pattern = spec->walk,
		.passes = spec->passes,
		/* one order per size, the same on every kernel and every run */
		.seed = spec->size_bytes,
	};
	for (int phase = 0; phase < KAB_NR_ACCESS_PHASES && result == 0;
	     phase++) {
		struct perf_value *values = outcome->counters[phase];
		bool counted = group && values && access_phase_counted[phase];
		bool counting = counted && perf_group_reset(group) == 0 &&
				perf_group_enable(group) == 0;

		request->phase = (uint32_t)phase;
		result = run(device, request);
		if (counted)
			counting &= perf_group_disable(group) == 0;
		outcome->counted[phase] = counting &&
					  perf_group_read(group, values) == 0;
		outcome->failed_phase = (enum kab_access_phase)phase;
	}
	outcome->error = -result;
}

static void add_u64_if(struct csv_row *row, bool present, uint64_t value)
{
	if (present)
		csv_add_u64(row, value);
	else
		csv_add_empty(row);
}

/* A page order, empty when the module had none to report. */
static void add_order(struct csv_row *row, bool ran, uint32_t order)
{
	add_u64_if(row, ran && order != KAB_ORDER_NONE, order);
}

static void add_ratio(struct csv_row *row, bool present, double value)
{
	char text[32];

	if (!present) {
		csv_add_empty(row);
		return;
	}
	snprintf(text, sizeof(text), "%.3f", value);
	csv_add(row, text);
}

static void add_figures(struct csv_row *row, const struct access_outcome *outcome)
{
	const struct kab_access *r = &outcome->result;
	bool ran = outcome->status == CASE_ok;
	uint64_t pages_walked = r->pages * r->passes;

	add_u64_if(row, ran, r->pages);
	add_u64_if(row, ran, r->touches);
	add_u64_if(row, ran, r->alloc_ns);
	add_u64_if(row, ran, r->free_ns);
	add_u64_if(row, ran, r->access_ns);
	add_ratio(row, ran && r->touches, (double)r->access_ns / (double)r->touches);
	add_ratio(row, ran && pages_walked,
		  (double)r->access_ns / (double)pages_walked);
	add_u64_if(row, ran, r->clock_overhead_ns);
	add_order(row, ran, r->map_order_min);
	add_order(row, ran, r->map_order_max);
	add_order(row, ran, r->direct_map_order_min);
	add_order(row, ran, r->direct_map_order_max);
	add_u64_if(row, ran, r->pte_tables);
	add_ratio(row, ran && r->size_bytes,
		  (double)r->pte_tables * (1 << 20) / (double)r->size_bytes);
}

/* counter_scaling over every counted phase, then each phase's cells. */
static void add_counters(struct csv_row *row, const struct access_outcome *outcome)
{
	bool ran = outcome->status == CASE_ok;
	double scaling = 2;

	for (int phase = 0; ran && phase < KAB_NR_ACCESS_PHASES; phase++)
		for (size_t i = 0; outcome->counted[phase] &&
				   i < outcome->counter_count; i++) {
			const struct perf_value *value = &outcome->counters[phase][i];

			if (value->counted && value->ratio < scaling)
				scaling = value->ratio;
		}
	add_ratio(row, scaling <= 1, scaling);
	for (int phase = 0; phase < KAB_NR_ACCESS_PHASES; phase++) {
		const struct perf_value *values =
			ran && outcome->counted[phase] ?
				outcome->counters[phase] : NULL;

		for (size_t i = 0; access_phase_counted[phase] &&
				   i < outcome->counter_count; i++)
			add_u64_if(row, values && values[i].counted,
				   values ? (uint64_t)llround(values[i].scaled) : 0);
	}
}

/* "EINVAL in alloc: reason", the reason made safe for one CSV field. */
static void error_text(const struct access_outcome *outcome, struct strbuf *text)
{
	const char *reason = outcome->result.reason;
	size_t len = strnlen(reason, KAB_REASON_LEN);
	char name[16];

	sb_printf(text, "%s in %s", errno_name(outcome->error, name),
		  kab_access_phase_names[outcome->failed_phase]);
	if (len)
		sb_append(text, ": ");
	for (size_t i = 0; i < len; i++) {
		char c = isprint((unsigned char)reason[i]) ? reason[i] : ' ';

		sb_append_len(text, &c, 1);
	}
}

char *access_row(const struct run_labels *labels, size_t case_number,
		 uint64_t repetition, const struct sweep_case *spec,
		 const struct access_outcome *outcome)
{
	struct csv_row row = { 0 };
	struct strbuf error = { 0 };

	csv_add_u64(&row, case_number);
	csv_add_u64(&row, repetition);
	csv_add(&row, labels->kernel);
	csv_add(&row, labels->config);
	csv_add(&row, labels->mode);
	csv_add(&row, spec->frag.label);
	csv_add(&row, spec->frag_kind == SWEEP_NO_FRAG_KIND ? "" :
		      kab_frag_kind_names[spec->frag_kind]);
	csv_add(&row, kab_allocator_names[spec->allocator]);
	csv_add_u64(&row, spec->size_bytes);
	csv_add(&row, kab_access_pattern_names[spec->walk]);
	csv_add_u64(&row, spec->passes);
	add_figures(&row, outcome);
	add_counters(&row, outcome);
	csv_add(&row, case_status_names[outcome->status]);
	if (outcome->status != CASE_ok)
		error_text(outcome, &error);
	csv_add(&row, error.text ? error.text : "");
	sb_free(&error);
	return csv_finish(&row);
}

void access_describe(const struct sweep_case *spec, struct strbuf *text)
{
	char size[24];

	format_size(spec->size_bytes, size);
	sb_printf(text, "%s %s %s x%llu", kab_allocator_names[spec->allocator],
		  size, kab_access_pattern_names[spec->walk],
		  (unsigned long long)spec->passes);
}

void access_print_outcome(const struct access_outcome *outcome,
			  struct strbuf *text)
{
	const struct kab_access *r = &outcome->result;
	uint64_t pages_walked = r->pages * r->passes;

	if (outcome->status != CASE_ok) {
		sb_printf(text, "%s (", case_status_names[outcome->status]);
		error_text(outcome, text);
		sb_append(text, ")");
		return;
	}
	sb_printf(text, "alloc %llu ns, access %.1f ns/page, free %llu ns",
		  (unsigned long long)r->alloc_ns,
		  pages_walked ? (double)r->access_ns / (double)pages_walked : 0.0,
		  (unsigned long long)r->free_ns);
}
