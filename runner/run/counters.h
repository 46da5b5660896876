/*
 * The counters of a run: the sweep's events as perf groups around each
 * case's RUN_CASE ioctl. Cases that run in the ioctl's task (process,
 * preempt_off, spinlock, irq_off) are counted per task (pid 0, cpu -1);
 * softirq and hardirq cases, whose work runs outside that task, CPU-wide on
 * the CPU the runner is pinned to (pid -1, cpu N). Each group a sweep's
 * cases need is opened once, before the first case, so that guest.json can
 * say which events this machine supports.
 */
#ifndef KAB_COUNTERS_H
#define KAB_COUNTERS_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>
#include <kallocbench.h>

#include "perf/perf.h"
#include "perf/tlb.h"
#include "sweep/sweep.h"

enum counter_scope {
	COUNTER_SCOPE_task,
	COUNTER_SCOPE_cpu,
	COUNTER_NR_SCOPES
};

struct run_counters {
	/* the sweep's events, tlb-walks replaced by the walk events chosen */
	const char **names;
	size_t count;
	/* the choice for this CPU; whether the sweep asked for it */
	struct perf_tlb_walks walks;
	bool walks_asked;
	/* NULL when no case needs the scope, or (cpu) the runner is unpinned */
	struct perf_group *group[COUNTER_NR_SCOPES];
	/* whether some case needs the scope */
	bool needed[COUNTER_NR_SCOPES];
	int cpu;
	/* the last case's values, count of them */
	struct perf_value *values;
};

/* Where a case in @context is counted. */
enum counter_scope counter_scope_of(enum kab_context context);

/*
 * Opens a group per scope the @cases need, for the events of @sweep
 * (tlb-walks: the CPU's walk events, or the name itself, unsupported, on a
 * CPU without any);
 * @pinned_cpu is the CPU for CPU-wide groups, -1 when unpinned (softirq and
 * hardirq cases are then not counted).
 */
void run_counters_open(struct run_counters *counters, const struct sweep *sweep,
		       const struct sweep_cases *cases, int pinned_cpu);
void run_counters_close(struct run_counters *counters);
/* The group for a case in @context, or NULL. */
struct perf_group *run_counters_group(const struct run_counters *counters,
				      enum kab_context context);
/* guest.json's "counters": {"scope", "cpu", "events": [{"name",
 * "supported", "reason", "kind"}], "tlb_walks": {"asked", "pmu",
 * "pmu_desc", "events": [{"role", "event", "generic", "cpus"}]}}. */
json_t *run_counters_json(const struct run_counters *counters);

#endif
