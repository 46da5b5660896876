/* `kallocbench compare` and `kallocbench report`: A/B tables of runs. */
#ifndef KAB_COMPARE_H
#define KAB_COMPARE_H

#include <stdbool.h>
#include <stddef.h>

/* The cases.csv columns that name a case across runs. */
#define COMPARE_KEY_LIST(X)						\
	X(allocator) X(size_bytes) X(order) X(gfp) X(context)		\
	X(frag_level) X(pattern) X(pressure) X(batch)

/* X(column, title): the figures compared, lower is better for each. */
#define COMPARE_METRIC_LIST(X)						\
	X(pair_ns_amortized, "amortized alloc+free")			\
	X(alloc_ns_amortized, "amortized alloc")			\
	X(free_ns_amortized, "amortized free")				\
	X(alloc_ns_p50, "alloc p50")					\
	X(alloc_ns_p99, "alloc p99")					\
	X(free_ns_p50, "free p50")					\
	X(free_ns_p99, "free p99")

#define COMPARE_KEY_ENUM(name) COMPARE_KEY_##name,
enum compare_key { COMPARE_KEY_LIST(COMPARE_KEY_ENUM) COMPARE_NR_KEYS };
#define COMPARE_METRIC_ENUM(name, title) COMPARE_METRIC_##name,
enum compare_metric {
	COMPARE_METRIC_LIST(COMPARE_METRIC_ENUM) COMPARE_NR_METRICS
};

extern const char *const compare_key_names[COMPARE_NR_KEYS];
extern const char *const compare_metric_names[COMPARE_NR_METRICS];
extern const char *const compare_metric_titles[COMPARE_NR_METRICS];

/* A change smaller than this is "same" even when it is exact (icount). */
#define COMPARE_MATERIAL_CHANGE 0.01
#define COMPARE_RESAMPLES 2000

/* How the interval of a ratio was found. */
enum compare_method {
	COMPARE_EXACT,		/* icount, every repetition identical */
	COMPARE_BOOTSTRAP,	/* >= 2 repetitions on each side */
	COMPARE_SINGLE,		/* one side has one repetition: no interval */
};

struct compare_verdict {
	double ratio;
	double low;
	double high;
	enum compare_method method;
	/* "slower", "faster", "same" or "unknown" */
	const char *verdict;
};

/*
 * Compares the repetitions of one figure: @exact_mode when both runs were
 * measured in icount mode, where reruns repeat exactly. The base values
 * must be positive.
 */
void compare_figure(const double *base, size_t base_count,
		    const double *candidate, size_t candidate_count,
		    bool exact_mode, struct compare_verdict *out);

extern const char *const compare_method_names[];

int cmd_compare(int argc, char **argv);
int cmd_report(int argc, char **argv);
/* Writes DIR/report.md and DIR/index.html from DIR/compare.csv,
 * DIR/targets.csv and the SVGs in DIR/plots; 0 or -1 with a message. */
int report_write(const char *dir);

#endif
