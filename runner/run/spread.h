/*
 * Between-run spread with hyperfine: `kallocbench run` has hyperfine time
 * `kallocbench access` for an access case across separate invocations
 * (warmup, then runs), which shows the spread that a loop inside the module
 * hides. Each case gives a hyperfine.csv row (microseconds) and a line of
 * hyperfine.json, hyperfine's own export of it.
 */
#ifndef KAB_SPREAD_H
#define KAB_SPREAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "output/results.h"
#include "sweep/sweep.h"

/* Invocations hyperfine runs untimed before the timed ones. */
#define SPREAD_WARMUP 2

/* hyperfine.csv's header: HYPERFINE_COLUMN_LIST, then status and error. */
const char *spread_header(void);

struct spread_plan {
	/* the hyperfine program, found in PATH */
	const char *hyperfine;
	/* this runner, which hyperfine runs as `RUNNER access ...` */
	const char *runner;
	const char *device;
	unsigned warmup;
	uint64_t runs;
};

struct spread_result {
	bool ok;
	/* hyperfine's mean and standard deviation, when ok */
	double mean_us;
	double stddev_us;
	/* the hyperfine.csv row, to free */
	char *csv_row;
	/* hyperfine's result with the case number, one line; NULL unless ok */
	char *json_line;
};

void spread_measure(const struct spread_plan *plan,
		    const struct run_labels *labels, size_t case_number,
		    const struct sweep_case *spec, struct spread_result *out);

#endif
