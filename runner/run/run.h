/* `kallocbench run`: every case of a sweep through the module. */
#ifndef KAB_RUN_H
#define KAB_RUN_H

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>

#include "run/access.h"
#include "run/counters.h"
#include "run/frag.h"
#include "run/spread.h"
#include "output/results.h"
#include "sweep/sweep.h"

/* Set by SIGINT/SIGTERM: the run stops after writing the case in flight. */
extern volatile sig_atomic_t run_stop_signal;

/* Runs one request; 0 or -errno, like device_run_case(). */
typedef int (*run_case_fn)(void *device, struct kab_case *request);

struct run_context {
	struct results_sink *sink;
	const struct run_labels *labels;
	run_case_fn run_case;
	/* the phases of the access benchmark's cases */
	access_fn run_access;
	void *device;
	/* where progress lines go; NULL for none */
	FILE *progress;
	/* names the group of each case in progress lines; may be NULL */
	const struct sweep *sweep;
	/* the sweep's counters around each case; NULL for none */
	struct run_counters *counters;
	/* applies and releases the fragmentation levels; NULL: cases run
	 * as the machine is, whatever their level says */
	const struct frag_ops *frag;
	/* how hyperfine times access cases that ask for it; NULL: never */
	const struct spread_plan *spread;
	/* the most of MemTotal (thousandths) pressure may hold; 0: no cap */
	uint32_t pressure_cap_permille;
};

struct run_totals {
	size_t ok;
	size_t refused;
	size_t failed;
	bool interrupted;
	bool write_failed;
};

/*
 * What the cases of each group of a sweep have cost so far: the estimate
 * of the time left takes each group's own mean cost per run, and for a
 * group not started yet the mean of every run so far.
 */
struct run_costs {
	size_t groups;
	/* per group: runs in the sweep, runs done, seconds they took */
	size_t *planned;
	size_t *done;
	double *spent;
};

/* @cases' runs counted by group; all of them still to do. */
void run_costs_plan(struct run_costs *costs, const struct sweep_cases *cases);
void run_costs_add(struct run_costs *costs, size_t group, double seconds);
/* Seconds the runs not done yet will take; 0 before any is done. */
double run_costs_remaining(const struct run_costs *costs);
void run_costs_free(struct run_costs *costs);

/* The status of a case from its result: 0 or -errno. */
enum case_status run_status_of(int result);

/*
 * -E2BIG with @reason when a pressure case would hold more than
 * @cap_permille of MemTotal: pressure low takes the free pages down to the
 * watermarks, about MemFree of @meminfo (the text of /proc/meminfo); 0
 * when it stays within the cap.
 */
int run_pressure_refusal(uint32_t cap_permille, const char *meminfo,
			 char reason[static KAB_REASON_LEN]);

/* The module's cap for a fragmentation level: the sweep's frag_cap_permille
 * (0: the module's default), lowered to @memory_cap when that is set and
 * smaller. */
uint32_t run_frag_cap(uint32_t sweep_cap, uint32_t memory_cap);

/* Runs each repetition of each case, writing results as each finishes. */
void run_cases(const struct run_context *context,
	       const struct sweep_cases *cases, struct run_totals *totals);

int cmd_run(int argc, char **argv);

#endif
