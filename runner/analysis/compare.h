/* `kallocbench compare` and `kallocbench report`: A/B tables of runs. */
#ifndef KAB_COMPARE_H
#define KAB_COMPARE_H

#include <stdbool.h>
#include <stddef.h>

/* X(name, file): the result files of a run that are compared. */
#define COMPARE_SOURCE_LIST(X)						\
	X(cases, "cases.csv")						\
	X(access, "access.csv")

/*
 * The columns that name a case across runs; a file without one of them
 * (access.csv has no gfp, cases.csv no passes) leaves it empty.
 */
#define COMPARE_KEY_LIST(X)						\
	X(allocator) X(size_bytes) X(order) X(gfp) X(context)		\
	X(frag_level) X(frag_kind) X(pattern) X(pressure) X(batch)	\
	X(sheaf_capacity) X(passes)

/* X(source, column, title): the figures compared, lower is better. */
#define COMPARE_METRIC_LIST(X)						\
	X(cases, pair_ns_amortized, "amortized alloc+free")		\
	X(cases, alloc_ns_amortized, "amortized alloc")			\
	X(cases, free_ns_amortized, "amortized free")			\
	X(cases, alloc_ns_p50, "alloc p50")				\
	X(cases, alloc_ns_p99, "alloc p99")				\
	X(cases, free_ns_p50, "free p50")				\
	X(cases, free_ns_p99, "free p99")				\
	X(access, alloc_ns, "buffer alloc")				\
	X(access, free_ns, "buffer free")				\
	X(access, access_ns, "buffer access")

#define COMPARE_SOURCE_ENUM(name, file) COMPARE_SOURCE_##name,
enum compare_source {
	COMPARE_SOURCE_LIST(COMPARE_SOURCE_ENUM) COMPARE_NR_SOURCES
};
#define COMPARE_KEY_ENUM(name) COMPARE_KEY_##name,
enum compare_key { COMPARE_KEY_LIST(COMPARE_KEY_ENUM) COMPARE_NR_KEYS };
#define COMPARE_METRIC_ENUM(source, name, title) COMPARE_METRIC_##name,
enum compare_metric {
	COMPARE_METRIC_LIST(COMPARE_METRIC_ENUM) COMPARE_NR_METRICS
};

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

int cmd_compare(int argc, char **argv);
int cmd_report(int argc, char **argv);
/* Writes DIR/report.md and DIR/index.html from DIR/compare.csv,
 * DIR/targets.csv and the SVGs in DIR/plots; 0 or -1 with a message. */
int report_write(const char *dir);

#endif
