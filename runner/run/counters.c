#include "run/counters.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output/results.h"
#include "util/names.h"
#include "util/util.h"

/* The uapi's outside_task column: such contexts are counted CPU-wide. */
#define OUTSIDE_TASK_OF(name, outside_task) outside_task,
static const bool context_outside_task[KAB_NR_CONTEXTS] = {
	KAB_CONTEXT_LIST(OUTSIDE_TASK_OF)
};

enum counter_scope counter_scope_of(enum kab_context context)
{
	return context_outside_task[context] ? COUNTER_SCOPE_cpu
					     : COUNTER_SCOPE_task;
}

/* "a, b and c": the contexts counted in @scope, in list order. */
static void scope_contexts(struct strbuf *text, enum counter_scope scope)
{
	int count = 0, done = 0;

	for (int i = 0; i < KAB_NR_CONTEXTS; i++)
		count += counter_scope_of(i) == scope;
	for (int i = 0; i < KAB_NR_CONTEXTS; i++) {
		if (counter_scope_of(i) != scope)
			continue;
		done++;
		sb_printf(text, "%s%s", done == 1 ? "" :
			  done == count ? " and " : ", ", kab_context_names[i]);
	}
}

/* A name of @names, or none. */
static bool names_hold(const char *const *names, size_t count,
		       const char *name)
{
	for (size_t i = 0; i < count; i++)
		if (strcmp(names[i], name) == 0)
			return true;
	return false;
}

/* The sweep's events with tlb-walks replaced by the chosen walk events the
 * sweep does not name itself; kept as it is when none was chosen. */
static void expand_walks(struct run_counters *counters,
			 const struct sweep_names *events)
{
	const char *const *sweep_names = (const char *const *)events->name;

	counters->names = xcalloc(events->count + PERF_TLB_NR_ROLES + 1,
				  sizeof(*counters->names));
	for (size_t i = 0; i < events->count; i++) {
		if (strcmp(sweep_names[i], PERF_TLB_WALKS) != 0 ||
		    !counters->walks.count) {
			counters->names[counters->count++] = sweep_names[i];
			continue;
		}
		for (size_t w = 0; w < counters->walks.count; w++)
			if (!names_hold(sweep_names, events->count,
					counters->walks.event[w]))
				counters->names[counters->count++] =
					counters->walks.event[w];
	}
}

/* Why tlb-walks itself does not count, in place of libpfm4's word. */
static void explain_walks(struct run_counters *counters,
			  struct perf_group *group)
{
	for (size_t i = 0; group && i < group->count; i++)
		if (strcmp(group->events[i].name, PERF_TLB_WALKS) == 0)
			snprintf(group->events[i].reason,
				 sizeof(group->events[i].reason),
				 "libpfm4 knows no page-walk event for %s%s",
				 *counters->walks.pmu ? "core PMU " :
							"this CPU (no core PMU)",
				 counters->walks.pmu);
}

void run_counters_open(struct run_counters *counters, const struct sweep *sweep,
		       const struct sweep_cases *cases, int pinned_cpu)
{
	const struct sweep_names *events = &sweep->header.events;

	*counters = (struct run_counters){ .cpu = pinned_cpu };
	perf_tlb_walks_choose(&counters->walks);
	counters->walks_asked =
		names_hold((const char *const *)events->name, events->count,
			   PERF_TLB_WALKS);
	expand_walks(counters, events);
	counters->values = xcalloc(counters->count ? counters->count : 1,
				   sizeof(*counters->values));
	if (!counters->count)
		return;
	for (size_t i = 0; i < cases->count; i++)
		counters->needed[counter_scope_of(cases->item[i].context)] = true;
	if (counters->needed[COUNTER_SCOPE_task])
		counters->group[COUNTER_SCOPE_task] =
			perf_group_open(counters->names, counters->count, 0, -1);
	if (counters->needed[COUNTER_SCOPE_cpu] && pinned_cpu >= 0)
		counters->group[COUNTER_SCOPE_cpu] =
			perf_group_open(counters->names, counters->count, -1,
					pinned_cpu);
	for (int scope = 0; scope < COUNTER_NR_SCOPES; scope++)
		explain_walks(counters, counters->group[scope]);
}

void run_counters_close(struct run_counters *counters)
{
	for (int scope = 0; scope < COUNTER_NR_SCOPES; scope++)
		perf_group_close(counters->group[scope]);
	free(counters->names);
	free(counters->values);
	*counters = (struct run_counters){ 0 };
}

struct perf_group *run_counters_group(const struct run_counters *counters,
				      enum kab_context context)
{
	return counters->group[counter_scope_of(context)];
}

static const char scope_whole_ioctl[] =
	"the whole RUN_CASE ioctl of each case (warmup, amortized and per-op "
	"loops), kernel side included; for access.csv the alloc, access and "
	"free phases' ioctls each (prepare is not counted)";

static json_t *scope_json(const struct run_counters *counters)
{
	struct strbuf text = { 0 };
	json_t *json;

	if (!counters->count)
		return json_string("none: the sweep names no events");
	sb_printf(&text, "%s", scope_whole_ioctl);
	if (counters->needed[COUNTER_SCOPE_task]) {
		sb_printf(&text, "; per task (pid 0, cpu -1) for ");
		scope_contexts(&text, COUNTER_SCOPE_task);
		sb_printf(&text, " cases");
	}
	if (counters->group[COUNTER_SCOPE_cpu]) {
		sb_printf(&text, "; CPU-wide on the pinned CPU %d (pid -1, "
			  "cpu %d) for ", counters->cpu, counters->cpu);
		scope_contexts(&text, COUNTER_SCOPE_cpu);
		sb_printf(&text, " cases");
	} else if (counters->needed[COUNTER_SCOPE_cpu]) {
		sb_printf(&text, "; ");
		scope_contexts(&text, COUNTER_SCOPE_cpu);
		sb_printf(&text, " cases not counted: "
			  "the runner could not pin itself to a CPU");
	}
	json = json_text(text.text);
	sb_free(&text);
	return json;
}

/* An event is supported when every group that was opened counts it. */
static json_t *event_json(const struct run_counters *counters, size_t index)
{
	static const char *const scope_names[COUNTER_NR_SCOPES] = {
		"per task", "CPU-wide",
	};
	const struct perf_event *known = NULL;
	struct strbuf reason = { 0 };
	bool supported = true, opened = false;
	json_t *json;

	for (int scope = 0; scope < COUNTER_NR_SCOPES; scope++) {
		const struct perf_group *group = counters->group[scope];
		const struct perf_event *event;

		if (!group)
			continue;
		event = &group->events[index];
		if (!known || event->supported)
			known = event;
		opened = true;
		if (event->supported)
			continue;
		supported = false;
		sb_printf(&reason, "%s%s: %s", reason.len ? "; " : "",
			  scope_names[scope], event->reason);
	}
	if (!opened)
		sb_printf(&reason, "not opened: no case needs it counted");
	json = json_pack("{s:o, s:b, s:o, s:s}",
			 "name", json_text(counters->names[index]),
			 "supported", opened && supported,
			 "reason", opened && supported ? json_null() :
							 json_text(reason.text),
			 "kind", known ? perf_type_name(known->type) : "other");
	sb_free(&reason);
	return json;
}

/* The walk events chosen for this CPU, each beside perf's generic event
 * of its role, whether or not the sweep counts them. */
static json_t *walks_json(const struct run_counters *counters)
{
	const struct perf_tlb_walks *walks = &counters->walks;
	json_t *events = json_array();

	for (size_t i = 0; i < walks->count; i++)
		json_array_append_new(events, json_pack(
			"{s:s, s:s, s:s, s:s}",
			"role", perf_tlb_role_names[walks->role[i]],
			"event", walks->event[i],
			"generic", perf_tlb_generic[walks->role[i]],
			"cpus", walks->cpus[i]));
	return json_pack("{s:b, s:o, s:o, s:o}", "asked", counters->walks_asked,
			 "pmu", *walks->pmu ? json_text(walks->pmu) : json_null(),
			 "pmu_desc", *walks->pmu ? json_text(walks->pmu_desc) :
						   json_null(),
			 "events", events);
}

json_t *run_counters_json(const struct run_counters *counters)
{
	json_t *events = json_array();

	for (size_t i = 0; i < counters->count; i++)
		json_array_append_new(events, event_json(counters, i));
	return json_pack("{s:o, s:o, s:o, s:o}", "scope", scope_json(counters),
			 "cpu", counters->group[COUNTER_SCOPE_cpu] ?
				json_integer(counters->cpu) : json_null(),
			 "events", events, "tlb_walks", walks_json(counters));
}
