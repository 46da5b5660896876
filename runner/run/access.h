/*
 * The access benchmark's cases: one buffer per case, allocated, prepared,
 * walked and freed by the module in four KAB_IOC_ACCESS phases on one open
 * file, the sweep's counters read around the alloc, access and free phases
 * separately (prepare, which writes the pointer chase and inspects the
 * mappings, is not counted). One access.csv row per case.
 */
#ifndef KAB_ACCESS_H
#define KAB_ACCESS_H

#include <stdbool.h>
#include <stddef.h>

#include <kallocbench.h>

#include "perf/perf.h"
#include "output/results.h"
#include "sweep/sweep.h"

/* Whether the counters are read around a phase; its columns are then
 * PHASE_EVENT, e.g. access_dTLB-load-misses. */
extern const bool access_phase_counted[KAB_NR_ACCESS_PHASES];

/* The header of access.csv: ACCESS_COLUMN_LIST, then each counted phase's
 * counters, then status and error; to free. */
char *access_header(const char *const *events, size_t count);
/* The header without counters. */
const char *access_empty_header(void);

struct access_outcome {
	enum case_status status;
	/* errno of the refusal or failure, and the phase it came from */
	int error;
	enum kab_access_phase failed_phase;
	/* every phase's answers: the module fills in each phase's own */
	struct kab_access result;
	size_t counter_count;
	/* per phase, room for counter_count values, given by the caller;
	 * NULL for none */
	struct perf_value *counters[KAB_NR_ACCESS_PHASES];
	/* whether counters[phase] holds this case's counts */
	bool counted[KAB_NR_ACCESS_PHASES];
};

/* Runs one request; 0 or -errno, like device_access(). */
typedef int (*access_fn)(void *device, struct kab_access *request);

struct perf_group;

/*
 * Runs the four phases of @spec in order, stopping at the first that
 * fails; @group (may be NULL) is counted around each counted phase into
 * @outcome->counters, which the caller allocated.
 */
void access_run(access_fn run, void *device, const struct sweep_case *spec,
		struct perf_group *group, struct access_outcome *outcome);

/* One access.csv line (no newline), to free. */
char *access_row(const struct run_labels *labels, size_t case_number,
		 uint64_t repetition, const struct sweep_case *spec,
		 const struct access_outcome *outcome);

/* "vmalloc 16M random x4" */
void access_describe(const struct sweep_case *spec, struct strbuf *text);
/* The figures of a progress line, or the status and error. */
void access_print_outcome(const struct access_outcome *outcome,
			  struct strbuf *text);

#endif
