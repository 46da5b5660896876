/* `kallocbench compare` and `kallocbench report`: A/B tables of runs. */
#ifndef KAB_COMPARE_H
#define KAB_COMPARE_H

#include <stdbool.h>
#include <stddef.h>

#include "schema/columns.h"

/* X(name, file, columns): the result files of a run that are compared. */
#define COMPARE_SOURCE_LIST(X)						\
	X(cases, "cases.csv", CASES_COLUMN_LIST)			\
	X(access, "access.csv", ACCESS_COLUMN_LIST)

/*
 * The columns that name a case across runs, CASE_KEY_COLUMN_LIST; a file
 * without one of them (access.csv has no gfp, cases.csv no passes) leaves
 * it empty.
 */

/*
 * X(source, column, title, sim): the figures compared, lower is better.
 * sim: the prefix of the simulated MMU's columns (tlbsim join) that count
 * exactly the figure's work, whose rep-string iterations can explain its
 * change: a cases.csv row's sim_* count the whole case, the pairs of
 * alloc+free; access.csv has one set per phase. NULL where none does.
 */
#define COMPARE_METRIC_LIST(X)						\
	X(cases, pair_ns_amortized, "amortized alloc+free", "sim_")	\
	X(cases, alloc_ns_amortized, "amortized alloc", NULL)		\
	X(cases, free_ns_amortized, "amortized free", NULL)		\
	X(cases, alloc_ns_p50, "alloc p50", NULL)			\
	X(cases, alloc_ns_p99, "alloc p99", NULL)			\
	X(cases, free_ns_p50, "free p50", NULL)				\
	X(cases, free_ns_p99, "free p99", NULL)				\
	X(access, alloc_ns, "buffer alloc", "alloc_sim_")		\
	X(access, free_ns, "buffer free", "free_sim_")			\
	X(access, access_ns, "buffer access", "access_sim_")

#define COMPARE_SOURCE_ENUM(name, file, columns) COMPARE_SOURCE_##name,
enum compare_source {
	COMPARE_SOURCE_LIST(COMPARE_SOURCE_ENUM) COMPARE_NR_SOURCES
};
#define COMPARE_KEY_ENUM(name) COMPARE_KEY_##name,
enum compare_key { CASE_KEY_COLUMN_LIST(COMPARE_KEY_ENUM) COMPARE_NR_KEYS };
#define COMPARE_METRIC_ENUM(source, name, title, sim) COMPARE_METRIC_##name,
enum compare_metric {
	COMPARE_METRIC_LIST(COMPARE_METRIC_ENUM) COMPARE_NR_METRICS
};

#define COMPARE_FILE_ENUM(id, name) COMPARE_FILE_##id,
enum compare_file { COMPARE_FILE_LIST(COMPARE_FILE_ENUM) COMPARE_NR_FILES };
extern const char *const compare_file_names[COMPARE_NR_FILES];

/* The sides of one-sided.csv: where a case was measured. */
#define COMPARE_SIDE_LIST(X) X(baseline) X(candidate) X(both)
#define COMPARE_SIDE_ENUM(name) COMPARE_SIDE_##name,
enum compare_side { COMPARE_SIDE_LIST(COMPARE_SIDE_ENUM) COMPARE_NR_SIDES };
extern const char *const compare_side_names[COMPARE_NR_SIDES];

extern const char *const compare_source_names[COMPARE_NR_SOURCES];
extern const char *const compare_key_names[COMPARE_NR_KEYS];
extern const char *const compare_metric_names[COMPARE_NR_METRICS];
extern const char *const compare_metric_titles[COMPARE_NR_METRICS];

/*
 * The smallest change that is ever marked: below it a ratio says "same"
 * however stable both sides are (in icount, 2 instructions of a 100
 * instruction free already move a figure 2% between boots).
 */
#define COMPARE_MIN_CHANGE 0.02
/* Nor is a difference of fewer ns (instructions in icount) than this. */
#define COMPARE_MIN_DIFFERENCE_NS 5.0
/*
 * In icount a change must exceed this many times the larger boot-layout
 * spread of the two sides: three boots sample the layout's effect, they do
 * not bound it.
 */
#define COMPARE_SPREAD_MARGIN 2.0
#define COMPARE_RESAMPLES 2000

/* How a ratio was judged. */
enum compare_method {
	/* icount, >= 2 boots a side: one sample per boot */
	COMPARE_BOOT_SPREAD,
	/* otherwise, >= 2 repetitions a side: bootstrap of the ratio */
	COMPARE_BOOTSTRAP,
	/* fewer samples on a side: no spread measured, no verdict */
	COMPARE_SINGLE,
};

struct compare_verdict {
	double ratio;
	/*
	 * The interval of the ratio: the range between the boots' extremes
	 * (boot spread) or the 95% bootstrap interval; NAN when none was
	 * measured.
	 */
	double low;
	double high;
	/* (max - min) / mean of each side's samples; NAN for one sample */
	double base_spread;
	double candidate_spread;
	/* how far from 1 the ratio must be to be marked; NAN if never */
	double threshold;
	enum compare_method method;
	/* "slower", "faster", "same" or "unknown" */
	const char *verdict;
};

/*
 * Compares the samples of one figure on two sides. @boot_samples when both
 * sides were measured in icount mode: each sample is one boot's mean, and
 * a change is marked only when the boots' ranges do not overlap and the
 * ratio is further from 1 than COMPARE_SPREAD_MARGIN times the larger
 * spread and COMPARE_MIN_CHANGE. Otherwise each sample is a repetition and
 * a change is marked when the bootstrap interval excludes 1 and the ratio
 * is COMPARE_MIN_CHANGE from it. The base values must be positive.
 */
void compare_figure(const double *base, size_t base_count,
		    const double *candidate, size_t candidate_count,
		    bool boot_samples, struct compare_verdict *out);

extern const char *const compare_method_names[];

/*
 * A change is said to be dominated by rep-string iterations when their
 * difference is more than this share of the difference in instructions:
 * icount (and the simulated MMU) count each iteration as an instruction,
 * while hardware runs `rep stos`/`rep movs` as fast string operations, so
 * such a change says little about time on a real CPU.
 */
#define COMPARE_REP_DOMINANCE 0.5

/* What rep-string iterations make of one figure's work on two sides. */
struct compare_rep_share {
	/* rep iterations / instructions on each side; NAN if not measured */
	double base_share;
	double candidate_share;
	/*
	 * The difference in rep iterations per operation over the
	 * difference in instructions per operation; NAN when not measured
	 * or the instructions did not change.
	 */
	double of_change;
	/* of_change above COMPARE_REP_DOMINANCE */
	bool dominated;
};

/*
 * From each side's mean rep iterations, instructions and operations of
 * the figure's work (NAN where the simulated MMU did not count).
 */
void compare_rep_share(double base_rep, double base_instructions,
		       double base_ops, double candidate_rep,
		       double candidate_instructions, double candidate_ops,
		       struct compare_rep_share *out);

/* What report.md and index.html say of a dominated change. */
extern const char compare_rep_note[];

int cmd_compare(int argc, char **argv);
int cmd_report(int argc, char **argv);
/* Writes DIR/report.md and DIR/index.html from DIR/compare.csv,
 * DIR/one-sided.csv, DIR/targets.csv and the SVGs in DIR/plots; 0 or -1
 * with a message. */
int report_write(const char *dir);

#endif
