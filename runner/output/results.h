/*
 * The run's output: cases.csv, histograms.csv, access.csv and guest.json,
 * written line by line into a directory, a stream of "FILENAME<TAB>LINE"
 * records, or both; `facts` writes guest.json and the facts files the same
 * way.
 */
#ifndef KAB_RESULTS_H
#define KAB_RESULTS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/utsname.h>

#include <jansson.h>
#include <kallocbench.h>

#include "perf/perf.h"
#include "sweep/sweep.h"
#include "util/util.h"

#define RESULTS_FILE_LIST(X)			\
	X(GUEST_JSON, "guest.json")		\
	X(CASES_CSV, "cases.csv")		\
	X(HISTOGRAMS_CSV, "histograms.csv")	\
	X(ACCESS_CSV, "access.csv")		\
	X(HYPERFINE_CSV, "hyperfine.csv")	\
	X(HYPERFINE_JSON, "hyperfine.json")	\
	X(FACTS_JSON, "facts.json")		\
	X(FACTS_MD, "facts.md")			\
	X(KSIZE_CSV, "ksize.csv")		\
	X(ZONES_CSV, "zones.csv")

#define RESULTS_FILE_ENUM(id, name) RESULTS_##id,
enum results_file {
	RESULTS_FILE_LIST(RESULTS_FILE_ENUM)
	RESULTS_NR_FILES
};

extern const char *const results_file_names[RESULTS_NR_FILES];
/* The file called @name, or -1 for names the runner never writes. */
int results_file_index(const char *name);

#define CASES_COLUMN_LIST(X)						\
	X(case) X(repetition) X(kernel) X(config) X(mode) X(allocator)	\
	X(size_bytes) X(order) X(gfp) X(context) X(frag_level) X(frag_kind) \
	X(pattern) X(pressure)							\
	X(batch) X(sheaf_capacity) X(iterations) X(ops_done) X(failures)	\
	X(alloc_ns_mean) X(alloc_ns_p50) X(alloc_ns_p90) X(alloc_ns_p99)	\
	X(alloc_ns_p999) X(alloc_ns_min) X(alloc_ns_max)			\
	X(free_ns_mean) X(free_ns_p50) X(free_ns_p90) X(free_ns_p99)	\
	X(free_ns_p999) X(free_ns_min) X(free_ns_max)			\
	X(amortized_ops) X(amortized_failures)				\
	X(pair_ns_amortized) X(alloc_ns_amortized) X(free_ns_amortized)	\
	X(clock_overhead_ns) X(context_cpu) X(context_mechanism)		\
	X(context_overhead_ns) X(atomic_limit_ns)			\
	X(pressure_pages_held) X(free_pages_start) X(free_pages_before)	\
	X(free_pages_after) X(wmark_min) X(wmark_low) X(highatomic_pages)	\
	X(pcp_pages_start) X(pcp_pages_after) X(pressure_reached)	\
	X(counter_scaling)
/* After the counters, one column per event; error stays last. */
#define CASES_TAIL_COLUMN_LIST(X) X(status) X(error)

#define HISTOGRAMS_COLUMNS "case,repetition,op,bucket_low_ns,bucket_width_ns,count"

/* The header line of cases.csv for a sweep without counters. */
const char *results_cases_header(void);
/* The header line with one column per counter, named as the counter is,
 * between counter_scaling and status; to free. */
char *results_cases_header_events(const char *const *events, size_t count);

struct results_sink {
	int file_fd[RESULTS_NR_FILES];
	int stream_fd;
	/* the directory of the files, NULL for a stream only */
	char *dir;
};

/*
 * Opens the outputs: the files in @dir (created if missing) and/or the
 * stream @stream_path; either may be NULL. Prints what failed; 0 or -1.
 */
int results_open(struct results_sink *sink, const char *dir,
		 const char *stream_path);
/* Like results_open() for `facts`: guest.json and the facts files only. */
int results_open_facts(struct results_sink *sink, const char *dir,
		       const char *stream_path);
/* True for the files of `facts` (not of `run`). */
bool results_file_is_facts(enum results_file file);
/* True when @dir already holds a run's cases.csv. */
bool results_dir_has_run(const char *dir);
/* Writes @line (no newline) to @file everywhere; 0 or -1 with errno. */
int results_write_line(struct results_sink *sink, enum results_file file,
		       const char *line);
/*
 * True for the name of a file beside the fixed ones: the fragmentation
 * records, frag*.csv and frag/NAME, and the zoneinfo snapshots around
 * pressure cases, pressure/NAME; NAME made of letters, digits and . _ : + -
 * and not starting with a dot.
 */
#define RESULTS_EXTRA_NAME_MAX 96
bool results_extra_name_ok(const char *name);
/*
 * Appends @text (whole lines, each ending in a newline) to the extra file
 * @name everywhere: DIR/@name, and one record per line on the stream.
 * 0 or -1 with errno.
 */
int results_write_extra(struct results_sink *sink, const char *name,
			const char *text);
/*
 * Pushes everything written so far to stable storage: fsync for files,
 * tcdrain for a tty stream (a serial port); 0 or -1.
 */
int results_sync(struct results_sink *sink);
void results_close(struct results_sink *sink);

/* What every row of a run shares. */
struct run_labels {
	const char *kernel;
	const char *config;
	const char *mode;
};

#define CASE_STATUS_LIST(X) X(ok) X(refused) X(interrupted) X(failed)
#define CASE_STATUS_ENUM(name) CASE_##name,
enum case_status {
	CASE_STATUS_LIST(CASE_STATUS_ENUM)
	CASE_NR_STATUSES
};
extern const char *const case_status_names[CASE_NR_STATUSES];

struct case_outcome {
	enum case_status status;
	/* errno of the refusal or failure */
	int error;
	const struct kab_case *result;
	const uint32_t *alloc_hist;
	const uint32_t *free_hist;
	/* The counters of the sweep, one per counter column; @counters NULL
	 * when nothing was counted. Cells are empty unless the case ran and
	 * the event counted. */
	size_t counter_count;
	const struct perf_value *counters;
};

/* The percentiles in cases.csv, in column order. */
enum reported_percentile {
	PERCENTILE_50,
	PERCENTILE_90,
	PERCENTILE_99,
	PERCENTILE_999,
	REPORTED_PERCENTILES
};
extern const double reported_percentiles[REPORTED_PERCENTILES];

/* Per-operation figures of one kind of operation; count 0: none. */
struct op_figures {
	uint64_t count;
	double mean_ns;
	double percentile_ns[REPORTED_PERCENTILES];
	uint64_t min_ns;
	uint64_t max_ns;
};

void op_figures_compute(const struct kab_op_stats *stats, const uint32_t *hist,
			struct op_figures *figures);

/*
 * Appends "ERRNO: reason" for a case that did not run, the module's reason
 * made safe for one line (it ends up in a CSV field and a stream record).
 */
void case_error_text(const struct case_outcome *outcome, struct strbuf *text);
/* One cases.csv line (no newline), to free. */
char *results_case_row(const struct run_labels *labels, size_t case_number,
		       uint64_t repetition, const struct sweep_case *spec,
		       const struct case_outcome *outcome);
/* The non-empty buckets of @hist as histograms.csv lines. */
int results_write_histogram(struct results_sink *sink, size_t case_number,
			    uint64_t repetition, const char *op,
			    const uint32_t *hist);

/* What the runner learns about the machine it runs on. */
struct guest_facts {
	struct utsname uts;
	/* NULL when unreadable */
	char *cmdline;
	char *clocksource;
	char *started_utc;
	/* the CPU the runner pinned itself to, -1 when it could not */
	int pinned_cpu;
};

/* Everything but pinned_cpu, which is -1 until the caller pins itself. */
void guest_facts_read(struct guest_facts *facts);
void guest_facts_free(struct guest_facts *facts);
/* @text as a JSON string, bytes that are not UTF-8 replaced by '?'. */
json_t *json_text(const char *text);
/* The KAB_INFO_FIELD_LIST fields of @info as a JSON object. */
json_t *info_to_json(const struct kab_info *info);
json_t *guest_json_build(const struct guest_facts *facts,
			 const struct kab_info *info,
			 const struct run_labels *labels,
			 const struct sweep *sweep, const char *runner_version);
/* Writes @guest as guest.json's one line. 0 or -1. */
int results_write_guest(struct results_sink *sink, const json_t *guest);

#endif
