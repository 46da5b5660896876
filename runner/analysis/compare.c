#include "analysis/compare.h"

#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "output/csv.h"
#include "stats/stats.h"
#include "output/table.h"
#include "util/util.h"

static const char compare_usage[] =
	"usage: kallocbench compare [--out DIR] [--command TEXT] BASELINE CANDIDATE...\n"
	"\n"
	"Compares targets case by case, cases.csv and access.csv: for each\n"
	"figure, the candidate's mean divided by the baseline's, an interval\n"
	"where one was measured, and a verdict. A target is a results folder, or\n"
	"several joined with commas: boots of the same kernel and config with\n"
	"different dummy boot words (seed=N), whose spread is the boot layout's.\n"
	"Writes DIR/compare.csv, DIR/one-sided.csv (the cases measured on one\n"
	"side only, and why they are not compared), DIR/targets.csv, each\n"
	"target's meta.json and sweep under DIR/targets/, DIR/command.txt, and\n"
	"the report (DIR/report.md, DIR/index.html; see `kallocbench report`).\n"
	"\n"
	"Verdicts: in icount mode a figure is exact for one boot but moves with\n"
	"the command line's and the initramfs's bytes, so each boot is one\n"
	"sample; a change is marked when the two targets' boots do not overlap\n"
	"and the ratio is further from 1 than twice the larger spread of the\n"
	"boots of either target, 2% and 5 ns (instructions). Otherwise each\n"
	"repetition is a sample and a change is marked when the 95% bootstrap\n"
	"interval (2000 resamples, fixed seed) excludes 1 and the change is 2%\n"
	"and 5 ns. With one sample on a side the verdict is \"unknown\".\n"
	"Where both sides carry the simulated MMU's counts (tlbsim join), a\n"
	"figure whose work they count also gets each side's share of\n"
	"rep-string iterations in its instructions and their share of the\n"
	"change per operation; the report notes a change that is more than\n"
	"half rep-string iterations.\n"
	"Exits 1 when a candidate shares no figure with the baseline.\n"
	"\n"
	"  --out DIR      where to write (default: compare-<labels> in the\n"
	"                 baseline's parent folder)\n"
	"  --command TEXT the command to record as how to reproduce it\n"
	"                 (default: this command line)\n";

#define COMPARE_SOURCE_NAME(name, file, columns) #name,
#define COMPARE_SOURCE_FILE(name, file, columns) file,
#define COMPARE_NAME(name) #name,
#define COMPARE_METRIC_SOURCE(source, name, title, sim) COMPARE_SOURCE_##source,
#define COMPARE_METRIC_NAME(source, name, title, sim) #name,
#define COMPARE_METRIC_TITLE(source, name, title, sim) title,
#define COMPARE_METRIC_SIM(source, name, title, sim) sim,
/* Each metric is a column of its source: a name that is not fails here. */
#define COLUMN_OF_cases(name) CASES_COLUMN_##name
#define COLUMN_OF_access(name) ACCESS_COLUMN_##name
#define METRIC_IS_COLUMN(source, name, title, sim) \
	_Static_assert(COLUMN_OF_##source(name) >= 0, #name);
COMPARE_METRIC_LIST(METRIC_IS_COLUMN)

#define COMPARE_FILE_NAME(id, name) name,
const char *const compare_file_names[COMPARE_NR_FILES] = {
	COMPARE_FILE_LIST(COMPARE_FILE_NAME)
};
const char *const compare_side_names[COMPARE_NR_SIDES] = {
	COMPARE_SIDE_LIST(COMPARE_NAME)
};
const char *const compare_source_names[COMPARE_NR_SOURCES] = {
	COMPARE_SOURCE_LIST(COMPARE_SOURCE_NAME)
};
static const char *const compare_source_files[COMPARE_NR_SOURCES] = {
	COMPARE_SOURCE_LIST(COMPARE_SOURCE_FILE)
};
const char *const compare_key_names[COMPARE_NR_KEYS] = {
	CASE_KEY_COLUMN_LIST(COMPARE_NAME)
};
static const enum compare_source compare_metric_sources[COMPARE_NR_METRICS] = {
	COMPARE_METRIC_LIST(COMPARE_METRIC_SOURCE)
};
const char *const compare_metric_names[COMPARE_NR_METRICS] = {
	COMPARE_METRIC_LIST(COMPARE_METRIC_NAME)
};
const char *const compare_metric_titles[COMPARE_NR_METRICS] = {
	COMPARE_METRIC_LIST(COMPARE_METRIC_TITLE)
};
static const char *const compare_metric_sims[COMPARE_NR_METRICS] = {
	COMPARE_METRIC_LIST(COMPARE_METRIC_SIM)
};
const char *const compare_method_names[] = {
	[COMPARE_BOOT_SPREAD] = "boot spread (icount)",
	[COMPARE_BOOTSTRAP] = "bootstrap 95%",
	[COMPARE_SINGLE] = "no spread measured",
};

/* (max - min) / mean of @count samples; NAN with fewer than two. */
static double relative_spread(const double *values, size_t count)
{
	double mean = stats_mean(values, count);

	if (count < 2 || mean <= 0)
		return NAN;
	return (stats_max(values, count) - stats_min(values, count)) / mean;
}

void compare_figure(const double *base, size_t base_count,
		    const double *candidate, size_t candidate_count,
		    bool boot_samples, struct compare_verdict *out)
{
	double base_mean = stats_mean(base, base_count);
	double difference = stats_mean(candidate, candidate_count) - base_mean;
	bool material;

	out->ratio = stats_mean(candidate, candidate_count) / base_mean;
	out->base_spread = relative_spread(base, base_count);
	out->candidate_spread = relative_spread(candidate, candidate_count);
	out->low = out->high = out->threshold = NAN;
	if (base_count < 2 || candidate_count < 2) {
		out->method = COMPARE_SINGLE;
		out->verdict = "unknown";
		return;
	}
	if (boot_samples) {
		out->method = COMPARE_BOOT_SPREAD;
		out->low = stats_min(candidate, candidate_count) /
			   stats_max(base, base_count);
		out->high = stats_max(candidate, candidate_count) /
			    stats_min(base, base_count);
		out->threshold = fmax(COMPARE_MIN_CHANGE,
				      COMPARE_SPREAD_MARGIN *
				      fmax(out->base_spread,
					   out->candidate_spread));
	} else {
		out->method = COMPARE_BOOTSTRAP;
		stats_bootstrap_ratio(base, base_count, candidate,
				      candidate_count, COMPARE_RESAMPLES,
				      base_count * 1000003 + candidate_count,
				      &out->low, &out->high);
		out->threshold = COMPARE_MIN_CHANGE;
	}
	material = (out->low > 1 || out->high < 1) &&
		   fabs(out->ratio - 1) > out->threshold &&
		   fabs(difference) >= COMPARE_MIN_DIFFERENCE_NS;
	out->verdict = !material ? "same" : out->ratio > 1 ? "slower" :
		       "faster";
}

const char compare_rep_note[] =
	"dominated by rep-string iterations (hardware executes these as fast "
	"string ops)";

void compare_rep_share(double base_rep, double base_instructions,
		       double base_ops, double candidate_rep,
		       double candidate_instructions, double candidate_ops,
		       struct compare_rep_share *out)
{
	double rep_change = candidate_rep / candidate_ops - base_rep / base_ops;
	double instruction_change = candidate_instructions / candidate_ops -
				    base_instructions / base_ops;

	out->base_share = base_instructions > 0 ?
			  base_rep / base_instructions : NAN;
	out->candidate_share = candidate_instructions > 0 ?
			       candidate_rep / candidate_instructions : NAN;
	out->of_change = instruction_change != 0 ?
			 rep_change / instruction_change : NAN;
	out->dominated = out->of_change > COMPARE_REP_DOMINANCE;
}

/* Facts every target shows, X(column of targets.csv, path in meta.json) */
#define TARGET_FACT_LIST(X)						\
	X(kernel_release, "kernel.release")				\
	X(kernel_package, "kernel.package_version")			\
	X(config, "config")						\
	X(boot_words, "boot_words")					\
	X(mode, "mode")							\
	X(accel, "accel")						\
	X(sweep, "sweep.name")						\
	X(run_id, "run_id")						\
	X(created, "created")						\
	X(kallocbench, "tools.kallocbench")

#define FACT_ENUM(column, path) FACT_##column,
enum target_fact { TARGET_FACT_LIST(FACT_ENUM) NR_TARGET_FACTS };
#define FACT_COLUMN(column, path) #column,
#define FACT_PATH(column, path) path,
static const char *const fact_columns[] = { TARGET_FACT_LIST(FACT_COLUMN) };
static const char *const fact_paths[] = { TARGET_FACT_LIST(FACT_PATH) };

/*
 * What is read of one figure: its value, and the simulated MMU's counts of
 * its work, each after the figure's sim prefix.
 */
enum figure_part { FIGURE_VALUE, FIGURE_REP, FIGURE_INSTRUCTIONS,
		   FIGURE_OPS, NR_FIGURE_PARTS };
static const char *const figure_sim_columns[NR_FIGURE_PARTS] = {
	[FIGURE_REP] = "rep_iterations",
	[FIGURE_INSTRUCTIONS] = "instructions",
};

/*
 * A cases.csv row's sim_* count every operation of its loops (and the
 * warmup's); access.csv's phases are one buffer each.
 */
static const char *const ops_columns[] = { "ops_done", "amortized_ops" };

/* One boot: a results folder. */
struct run {
	const char *dir;
	json_t *meta;
	char *fact[NR_TARGET_FACTS];
	/* each source's file; rows == 0 when the run has none */
	struct csv_table table[COMPARE_NR_SOURCES];
	int key_column[COMPARE_NR_SOURCES][COMPARE_NR_KEYS];
	/* each figure's column, then its simulated MMU counts' (or -1) */
	int metric_column[COMPARE_NR_METRICS][NR_FIGURE_PARTS];
	/* the columns whose sum is a row's operations (or -1) */
	int ops_column[COMPARE_NR_SOURCES][ARRAY_SIZE(ops_columns)];
	int status_column[COMPARE_NR_SOURCES];
	/* why a case did not run; -1 where the file has no such column */
	int error_column[COMPARE_NR_SOURCES];
};

/* One target: the boots of one kernel and config. */
struct side {
	char *label;
	struct run *boot;
	size_t boots;
};

/* A dotted @path of string values in @meta, "" when absent. */
static char *meta_text(json_t *meta, const char *path)
{
	char *copy = xstrdup(path), *save, *part;
	json_t *node = meta;

	for (part = strtok_r(copy, ".", &save); part && node;
	     part = strtok_r(NULL, ".", &save))
		node = json_object_get(node, part);
	free(copy);
	return xstrdup(json_is_string(node) ? json_string_value(node) : "");
}

/* @source's file of @run; a missing access.csv is an empty source. */
static int load_source(struct run *run, enum compare_source source,
		       char *why, size_t why_len)
{
	struct csv_table *table = &run->table[source];
	struct strbuf path = { 0 };
	int result = 0;

	sb_printf(&path, "%s/%s", run->dir, compare_source_files[source]);
	if (source != COMPARE_SOURCE_cases && access(path.text, F_OK) != 0) {
		sb_free(&path);
		return 0;
	}
	if (csv_table_load(path.text, table, why, why_len) < 0) {
		sb_free(&path);
		return -1;
	}
	for (int k = 0; k < COMPARE_NR_KEYS; k++)
		run->key_column[source][k] = csv_table_column(
			table, compare_key_names[k]);
	for (int m = 0; m < COMPARE_NR_METRICS; m++) {
		if (compare_metric_sources[m] != source)
			continue;
		run->metric_column[m][FIGURE_VALUE] = csv_table_column(
			table, compare_metric_names[m]);
		for (int part = FIGURE_REP; part < NR_FIGURE_PARTS &&
		     compare_metric_sims[m]; part++) {
			struct strbuf name = { 0 };

			sb_printf(&name, "%s%s", compare_metric_sims[m],
				  figure_sim_columns[part]);
			run->metric_column[m][part] = csv_table_column(
				table, name.text);
			sb_free(&name);
		}
	}
	for (size_t i = 0; i < ARRAY_SIZE(ops_columns); i++)
		run->ops_column[source][i] = csv_table_column(table,
							      ops_columns[i]);
	run->status_column[source] = csv_table_column(table, "status");
	run->error_column[source] = csv_table_column(table, "error");
	if (run->status_column[source] < 0 ||
	    run->key_column[source][COMPARE_KEY_allocator] < 0) {
		snprintf(why, why_len, "%s: no %s column", path.text,
			 run->status_column[source] < 0 ? "status" :
			 compare_key_names[COMPARE_KEY_allocator]);
		result = -1;
	}
	sb_free(&path);
	return result;
}

static int load_run(const char *dir, struct run *run, char *why,
		    size_t why_len)
{
	struct strbuf path = { 0 };
	json_error_t error;

	run->dir = dir;
	sb_printf(&path, "%s/meta.json", dir);
	run->meta = json_load_file(path.text, 0, &error);
	if (!json_is_object(run->meta)) {
		snprintf(why, why_len, "%s: %s", path.text, error.text);
		sb_free(&path);
		return -1;
	}
	sb_free(&path);
	for (int f = 0; f < NR_TARGET_FACTS; f++)
		run->fact[f] = meta_text(run->meta, fact_paths[f]);
	for (int m = 0; m < COMPARE_NR_METRICS; m++)
		for (int part = 0; part < NR_FIGURE_PARTS; part++)
			run->metric_column[m][part] = -1;
	for (int source = 0; source < COMPARE_NR_SOURCES; source++)
		if (load_source(run, source, why, why_len) < 0)
			return -1;
	return 0;
}

static void free_run(struct run *run)
{
	json_decref(run->meta);
	for (int f = 0; f < NR_TARGET_FACTS; f++)
		free(run->fact[f]);
	for (int source = 0; source < COMPARE_NR_SOURCES; source++)
		csv_table_free(&run->table[source]);
}

/*
 * What the boots of one target must share: they differ only in the dummy
 * words that move the boot layout.
 */
static const enum target_fact boot_invariants[] = {
	FACT_kernel_release, FACT_kernel_package, FACT_config, FACT_mode,
	FACT_accel,
};

/* @argument: RUN[,RUN...], the boots of one target. */
static int load_side(const char *argument, struct side *side, char *why,
		     size_t why_len)
{
	char *list = xstrdup(argument), *save, *dir;
	size_t capacity = 0;
	int result = 0;

	for (dir = strtok_r(list, ",", &save); dir && result == 0;
	     dir = strtok_r(NULL, ",", &save)) {
		xgrow((void **)&side->boot, &capacity, side->boots + 1,
		      sizeof(*side->boot));
		memset(&side->boot[side->boots], 0, sizeof(*side->boot));
		result = load_run(xstrdup(dir), &side->boot[side->boots++],
				  why, why_len);
	}
	free(list);
	if (result == 0 && !side->boots) {
		snprintf(why, why_len, "'%s': no results folder", argument);
		result = -1;
	}
	for (size_t b = 1; b < side->boots && result == 0; b++)
		for (size_t i = 0; i < ARRAY_SIZE(boot_invariants); i++) {
			enum target_fact f = boot_invariants[i];

			if (strcmp(side->boot[0].fact[f],
				   side->boot[b].fact[f]) == 0)
				continue;
			snprintf(why, why_len, "%s and %s are not boots of one "
				 "target: %s '%s' against '%s'",
				 side->boot[0].dir, side->boot[b].dir,
				 fact_columns[f], side->boot[0].fact[f],
				 side->boot[b].fact[f]);
			result = -1;
			break;
		}
	return result;
}

static void free_side(struct side *side)
{
	for (size_t b = 0; b < side->boots; b++) {
		free((char *)side->boot[b].dir);
		free_run(&side->boot[b]);
	}
	free(side->boot);
	free(side->label);
}

/*
 * A run of MODE=host: its kernel is named "host" whatever the machine
 * booted, so that only its release tells two such runs' kernels apart.
 */
static bool is_host_run(const struct run *run)
{
	return strcmp(run->fact[FACT_mode], "host") == 0;
}

/*
 * The kernel's name, "+config" when not the default; "#N" if taken. A
 * host run's label carries the release: host runs are compared across
 * reboots into other kernels.
 */
static void label_sides(struct side *sides, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		const struct run *first = &sides[i].boot[0];
		char *kernel = meta_text(first->meta, "kernel.name");
		const char *config = first->fact[FACT_config];
		struct strbuf label = { 0 };
		int copies = 1;

		sb_printf(&label, "%s", *kernel ? kernel : "run");
		if (is_host_run(first) && *first->fact[FACT_kernel_release])
			sb_printf(&label, "-%s", first->fact[FACT_kernel_release]);
		if (*config && strcmp(config, "default") != 0)
			sb_printf(&label, "+%s", config);
		for (size_t j = 0; j < i; j++)
			if (strncmp(sides[j].label, label.text, label.len) == 0 &&
			    (sides[j].label[label.len] == '\0' ||
			     sides[j].label[label.len] == '#'))
				copies++;
		if (copies > 1)
			sb_printf(&label, "#%d", copies);
		sides[i].label = sb_steal(&label);
		free(kernel);
	}
}

/*
 * Warns where a candidate is not what its label says against the
 * baseline: the same kernel name on another release, another sweep or
 * another mode of time.
 */
static void warn_mismatches(const struct side *base, const struct side *cand)
{
	const struct run *b = &base->boot[0], *c = &cand->boot[0];
	char *b_kernel = meta_text(b->meta, "kernel.name");
	char *c_kernel = meta_text(c->meta, "kernel.name");
	char *b_sweep = meta_text(b->meta, "sweep.text");
	char *c_sweep = meta_text(c->meta, "sweep.text");

	/* two host runs name the machine, not a kernel: their releases may differ */
	if (strcmp(b_kernel, c_kernel) == 0 && !(is_host_run(b) && is_host_run(c)) &&
	    strcmp(b->fact[FACT_kernel_release], c->fact[FACT_kernel_release]))
		fprintf(stderr, "kallocbench: warning: %s and %s name the same "
			"kernel but ran %s and %s\n", base->label, cand->label,
			b->fact[FACT_kernel_release],
			c->fact[FACT_kernel_release]);
	if (strcmp(b->fact[FACT_sweep], c->fact[FACT_sweep]) ||
	    strcmp(b_sweep, c_sweep))
		fprintf(stderr, "kallocbench: warning: %s ran sweep '%s' and %s "
			"sweep '%s'%s: only the cases both ran are compared\n",
			base->label, b->fact[FACT_sweep], cand->label,
			c->fact[FACT_sweep],
			strcmp(b->fact[FACT_sweep], c->fact[FACT_sweep]) ? "" :
			" with different text");
	if (strcmp(b->fact[FACT_mode], c->fact[FACT_mode]))
		fprintf(stderr, "kallocbench: warning: %s was measured in %s "
			"and %s in %s: their figures are not in the same "
			"unit\n", base->label, b->fact[FACT_mode], cand->label,
			c->fact[FACT_mode]);
	free(b_kernel);
	free(c_kernel);
	free(b_sweep);
	free(c_sweep);
}

static bool side_is_icount(const struct side *side)
{
	return strcmp(side->boot[0].fact[FACT_mode], "qemu-icount") == 0;
}

/* A case's value of key @k; files without a key's column have "". */
static const char *key_value(const struct run *run, enum compare_source source,
			     const struct csv_fields *row, int k)
{
	int column = run->key_column[source][k];

	return column < 0 ? "" : row->field[column];
}

static bool same_key(const struct run *a, const struct csv_fields *row_a,
		     const struct run *b, const struct csv_fields *row_b,
		     enum compare_source source)
{
	for (int k = 0; k < COMPARE_NR_KEYS; k++)
		if (strcmp(key_value(a, source, row_a, k),
			   key_value(b, source, row_b, k)) != 0)
			return false;
	return true;
}

/*
 * @part of @metric in @row, false when empty or not counted; FIGURE_OPS
 * sums the ops columns of the rows that have the simulated MMU's counts
 * (1 without such columns).
 */
static bool row_value(const struct run *run, const struct csv_fields *row,
		      int metric, enum figure_part part, double *value)
{
	enum compare_source source = compare_metric_sources[metric];
	int column = run->metric_column[metric][part];

	if (part != FIGURE_OPS) {
		if (column < 0 || !*row->field[column])
			return false;
		*value = strtod(row->field[column], NULL);
		return true;
	}
	if (!row_value(run, row, metric, FIGURE_INSTRUCTIONS, value))
		return false;
	*value = 0;
	for (size_t i = 0; i < ARRAY_SIZE(ops_columns); i++)
		if (run->ops_column[source][i] >= 0)
			*value += strtod(row->field[run->ops_column[source][i]],
					 NULL);
	if (*value <= 0)
		*value = 1;
	return true;
}

/* The non-empty @part of @metric of every ok repetition of @key's case. */
static size_t gather_run(const struct run *run, const struct run *key_run,
			 const struct csv_fields *key, int metric,
			 enum figure_part part, double **values, size_t *count,
			 size_t *capacity)
{
	enum compare_source source = compare_metric_sources[metric];
	size_t found = 0;
	double value;

	for (size_t r = 0; r < run->table[source].rows; r++) {
		const struct csv_fields *row = &run->table[source].row[r];

		if (strcmp(row->field[run->status_column[source]], "ok") != 0 ||
		    !row_value(run, row, metric, part, &value) ||
		    !same_key(key_run, key, run, row, source))
			continue;
		xgrow((void **)values, capacity, *count + 1, sizeof(**values));
		(*values)[(*count)++] = value;
		found++;
	}
	return found;
}

/*
 * The samples of @part of @metric for @key's case on @side: with @per_boot
 * one per boot (the mean of its repetitions), else every repetition of
 * every boot.
 */
static size_t gather(const struct side *side, const struct run *key_run,
		     const struct csv_fields *key, int metric,
		     enum figure_part part, bool per_boot, double **samples)
{
	size_t count = 0, capacity = 0;

	*samples = NULL;
	for (size_t b = 0; b < side->boots; b++) {
		size_t before = count;
		size_t found = gather_run(&side->boot[b], key_run, key, metric,
					  part, samples, &count, &capacity);

		if (per_boot && found) {
			(*samples)[before] = stats_mean(*samples + before, found);
			count = before + 1;
		}
	}
	return count;
}

/* The mean of @part over every ok repetition on @side, NAN if none. */
static double side_mean(const struct side *side, const struct run *key_run,
			const struct csv_fields *key, int metric,
			enum figure_part part)
{
	double *samples, mean = NAN;
	size_t count = gather(side, key_run, key, metric, part, false,
			      &samples);

	if (count)
		mean = stats_mean(samples, count);
	free(samples);
	return mean;
}

/* What rep-string iterations make of @metric's change, both sides. */
static void rep_share_of(const struct side *base, const struct side *cand,
			 const struct run *key_run,
			 const struct csv_fields *key, int metric,
			 struct compare_rep_share *out)
{
	double part[2][NR_FIGURE_PARTS];
	const struct side *sides[2] = { base, cand };

	for (int s = 0; s < 2; s++)
		for (int p = FIGURE_REP; p < NR_FIGURE_PARTS; p++)
			part[s][p] = side_mean(sides[s], key_run, key, metric,
					       p);
	compare_rep_share(part[0][FIGURE_REP], part[0][FIGURE_INSTRUCTIONS],
			  part[0][FIGURE_OPS], part[1][FIGURE_REP],
			  part[1][FIGURE_INSTRUCTIONS], part[1][FIGURE_OPS],
			  out);
}

/* Whether an earlier row of @run's @source names the same case as row @r. */
static bool seen_before(const struct run *run, enum compare_source source,
			size_t r)
{
	const struct csv_table *table = &run->table[source];

	for (size_t i = 0; i < r; i++)
		if (same_key(run, &table->row[i], run, &table->row[r], source))
			return true;
	return false;
}

static void add_double(struct csv_row *row, double value)
{
	char text[32];

	if (isnan(value)) {
		csv_add_empty(row);
		return;
	}
	snprintf(text, sizeof(text), "%.4f", value);
	csv_add(row, text);
}

static void write_header(struct strbuf *out)
{
	sb_append(out, COLUMNS_LINE(COMPARE_COLUMN_LIST));
}

/* The columns a row of compare.csv and one-sided.csv begin with. */
static void add_case_columns(struct csv_row *row, const struct side *base,
			     const struct side *cand,
			     enum compare_source source,
			     const struct run *key_run,
			     const struct csv_fields *key)
{
	csv_add(row, base->label);
	csv_add(row, cand->label);
	csv_add(row, compare_source_names[source]);
	for (int k = 0; k < COMPARE_NR_KEYS; k++)
		csv_add(row, key_value(key_run, source, key, k));
}

static void add_figure_row(const struct side *base, const struct side *cand,
			   const struct csv_fields *key, int metric,
			   const double *b, size_t nb, const double *c,
			   size_t nc, const struct compare_verdict *v,
			   const struct compare_rep_share *rep,
			   struct strbuf *out)
{
	enum compare_source source = compare_metric_sources[metric];
	struct csv_row row = { 0 };
	char *line;

	add_case_columns(&row, base, cand, source, &base->boot[0], key);
	csv_add(&row, compare_metric_names[metric]);
	csv_add_u64(&row, nb);
	csv_add_u64(&row, nc);
	add_double(&row, stats_mean(b, nb));
	add_double(&row, stats_mean(c, nc));
	add_double(&row, v->base_spread);
	add_double(&row, v->candidate_spread);
	add_double(&row, v->ratio);
	add_double(&row, v->low);
	add_double(&row, v->high);
	add_double(&row, v->threshold);
	csv_add(&row, compare_method_names[v->method]);
	csv_add(&row, v->verdict);
	add_double(&row, rep->base_share);
	add_double(&row, rep->candidate_share);
	add_double(&row, rep->of_change);
	line = csv_finish(&row);
	sb_printf(out, "%s\n", line);
	free(line);
}

static const char *row_status(const struct run *run,
			      enum compare_source source,
			      const struct csv_fields *row)
{
	return row->field[run->status_column[source]];
}

/*
 * A row of @key's case on @side, an ok one where some boot has one; NULL
 * when no boot ran the case. *@row_run: the boot of the row.
 */
static const struct csv_fields *side_case(const struct side *side,
					  enum compare_source source,
					  const struct run *key_run,
					  const struct csv_fields *key,
					  const struct run **row_run)
{
	const struct csv_fields *found = NULL;

	for (size_t b = 0; b < side->boots; b++) {
		const struct run *run = &side->boot[b];

		for (size_t r = 0; r < run->table[source].rows; r++) {
			const struct csv_fields *row = &run->table[source].row[r];
			bool ok;

			if (!same_key(key_run, key, run, row, source))
				continue;
			ok = strcmp(row_status(run, source, row), "ok") == 0;
			if (!found || ok) {
				found = row;
				*row_run = run;
			}
			if (ok)
				return found;
		}
	}
	return found;
}

/* "=VALUE", or " unset" for an empty key. */
static void key_setting(struct strbuf *out, int k, const char *value)
{
	if (*value)
		sb_printf(out, "%s=%s", compare_key_names[k], value);
	else
		sb_printf(out, "%s unset", compare_key_names[k]);
}

/*
 * Why @key's case, measured on one side and not on @lacks, is not
 * compared: @lacks refused or failed it (@other, its row in @other_run),
 * ran it with another value of one key, ran no case of its allocator, or
 * none such.
 */
static void one_sided_reason(const struct side *lacks,
			     enum compare_source source,
			     const struct run *key_run,
			     const struct csv_fields *key,
			     const struct run *other_run,
			     const struct csv_fields *other,
			     struct strbuf *why)
{
	const char *allocator = key_value(key_run, source, key,
					  COMPARE_KEY_allocator);
	bool same_allocator = false;

	if (other) {
		int error = other_run->error_column[source];

		sb_printf(why, "%s on %s", row_status(other_run, source, other),
			  lacks->label);
		if (error >= 0 && *other->field[error])
			sb_printf(why, ": %s", other->field[error]);
		return;
	}
	for (size_t b = 0; b < lacks->boots; b++) {
		const struct run *run = &lacks->boot[b];

		for (size_t r = 0; r < run->table[source].rows; r++) {
			const struct csv_fields *row = &run->table[source].row[r];
			int differs = -1, count = 0;

			for (int k = 0; k < COMPARE_NR_KEYS; k++)
				if (strcmp(key_value(key_run, source, key, k),
					   key_value(run, source, row, k))) {
					differs = k;
					count++;
				}
			same_allocator |= strcmp(allocator, key_value(
				run, source, row, COMPARE_KEY_allocator)) == 0;
			if (count != 1)
				continue;
			sb_printf(why, "%s ran it with ", lacks->label);
			key_setting(why, differs,
				    key_value(run, source, row, differs));
			sb_append(why, " instead of ");
			key_setting(why, differs,
				    key_value(key_run, source, key, differs));
			sb_append(why, ": another case");
			return;
		}
	}
	if (!same_allocator)
		sb_printf(why, "%s ran no %s case (its kernel lacks it or its "
			  "sweep has none)", lacks->label, allocator);
	else
		sb_printf(why, "%s ran no such case (its sweep has none)",
			  lacks->label);
}

static void add_one_sided_row(const struct side *base,
			      const struct side *cand,
			      enum compare_source source,
			      const struct run *key_run,
			      const struct csv_fields *key,
			      enum compare_side side, const char *other_status,
			      const char *reason, struct strbuf *out)
{
	struct csv_row row = { 0 };
	char *line;

	add_case_columns(&row, base, cand, source, key_run, key);
	csv_add(&row, compare_side_names[side]);
	csv_add(&row, other_status);
	csv_add(&row, reason);
	line = csv_finish(&row);
	sb_printf(out, "%s\n", line);
	free(line);
}

struct pair_counts {
	size_t figures;
	/* the cases measured on one side only, by side */
	size_t one_sided[COMPARE_NR_SIDES];
};

/*
 * A row of one-sided.csv for @key's case of @base's first boot, which
 * gave no figure against @cand, unless neither side measured it.
 */
static void baseline_case_not_compared(const struct side *base,
				       const struct side *cand,
				       enum compare_source source,
				       const struct csv_fields *key,
				       struct strbuf *one_sided,
				       struct pair_counts *counts)
{
	const struct run *key_run = &base->boot[0], *base_run, *cand_run;
	const struct csv_fields *base_row, *cand_row;
	struct strbuf why = { 0 };
	enum compare_side side;
	bool base_ok, cand_ok;

	base_row = side_case(base, source, key_run, key, &base_run);
	cand_row = side_case(cand, source, key_run, key, &cand_run);
	base_ok = strcmp(row_status(base_run, source, base_row), "ok") == 0;
	cand_ok = cand_row &&
		  strcmp(row_status(cand_run, source, cand_row), "ok") == 0;
	if (!base_ok && !cand_ok)
		return;
	if (base_ok && cand_ok) {
		side = COMPARE_SIDE_both;
		sb_append(&why, "no figure has a value on both sides");
	} else if (base_ok) {
		side = COMPARE_SIDE_baseline;
		one_sided_reason(cand, source, key_run, key, cand_run,
				 cand_row, &why);
	} else {
		side = COMPARE_SIDE_candidate;
		one_sided_reason(base, source, key_run, key, base_run,
				 base_row, &why);
	}
	add_one_sided_row(base, cand, source, key_run, key, side,
			  side == COMPARE_SIDE_candidate ?
			  row_status(base_run, source, base_row) :
			  cand_row ? row_status(cand_run, source, cand_row) :
			  "absent", why.text, one_sided);
	counts->one_sided[side]++;
	sb_free(&why);
}

/* Rows of one-sided.csv for the ok cases of @cand the baseline never ran. */
static void candidate_only_cases(const struct side *base,
				 const struct side *cand,
				 enum compare_source source,
				 struct strbuf *one_sided,
				 struct pair_counts *counts)
{
	const struct run *key_run = &cand->boot[0], *unused;

	for (size_t r = 0; r < key_run->table[source].rows; r++) {
		const struct csv_fields *key = &key_run->table[source].row[r];
		const struct csv_fields *row;
		struct strbuf why = { 0 };

		if (seen_before(key_run, source, r) ||
		    side_case(base, source, key_run, key, &unused))
			continue;
		row = side_case(cand, source, key_run, key, &unused);
		if (strcmp(row_status(unused, source, row), "ok") != 0)
			continue;
		one_sided_reason(base, source, key_run, key, NULL, NULL, &why);
		add_one_sided_row(base, cand, source, key_run, key,
				  COMPARE_SIDE_candidate, "absent", why.text,
				  one_sided);
		counts->one_sided[COMPARE_SIDE_candidate]++;
		sb_free(&why);
	}
}

/*
 * Rows of one candidate against the baseline, case by case: its figures
 * in @out, the cases measured on one side only in @one_sided.
 */
static void compare_pair(const struct side *base, const struct side *cand,
			 struct strbuf *out, struct strbuf *one_sided,
			 struct pair_counts *counts)
{
	bool per_boot = side_is_icount(base) && side_is_icount(cand);
	const struct run *key_run = &base->boot[0];

	*counts = (struct pair_counts){ 0 };
	for (int source = 0; source < COMPARE_NR_SOURCES; source++) {
		for (size_t r = 0; r < key_run->table[source].rows; r++) {
			const struct csv_fields *key =
				&key_run->table[source].row[r];
			bool matched = false;

			if (seen_before(key_run, source, r))
				continue;
			for (int m = 0; m < COMPARE_NR_METRICS; m++) {
				double *b, *c;
				size_t nb, nc;
				struct compare_verdict v;
				struct compare_rep_share rep;

				if (compare_metric_sources[m] != (enum compare_source)source)
					continue;
				nb = gather(base, key_run, key, m, FIGURE_VALUE,
					    per_boot, &b);
				nc = gather(cand, key_run, key, m, FIGURE_VALUE,
					    per_boot, &c);
				if (nb && nc && stats_mean(b, nb) > 0) {
					matched = true;
					counts->figures++;
					compare_figure(b, nb, c, nc, per_boot, &v);
					rep_share_of(base, cand, key_run, key, m,
						     &rep);
					add_figure_row(base, cand, key, m, b, nb,
						       c, nc, &v, &rep, out);
				}
				free(b);
				free(c);
			}
			if (!matched)
				baseline_case_not_compared(base, cand, source,
							   key, one_sided,
							   counts);
		}
		candidate_only_cases(base, cand, source, one_sided, counts);
	}
}

/* Writes @text to DIR/@file; 0, or -1 with a message. */
static int write_compare_file(const char *dir, enum compare_file file,
			      const struct strbuf *text)
{
	struct strbuf path = { 0 };
	int result;

	sb_printf(&path, "%s/%s", dir, compare_file_names[file]);
	result = write_file(path.text, text->text, text->len);
	if (result < 0)
		fprintf(stderr, "kallocbench: cannot write %s: %m\n", path.text);
	sb_free(&path);
	return result;
}

static int write_targets(const char *dir, struct side *sides, size_t count)
{
	struct strbuf text = { 0 }, path = { 0 };
	int result = 0;

	sb_append(&text, "label,boots,dir");
	for (int f = 0; f < NR_TARGET_FACTS; f++)
		sb_printf(&text, ",%s", fact_columns[f]);
	sb_append(&text, "\n");
	for (size_t i = 0; i < count && result == 0; i++) {
		const struct run *first = &sides[i].boot[0];
		struct csv_row row = { 0 };
		struct strbuf joined = { 0 };
		char *line, *sweep;

		csv_add(&row, sides[i].label);
		csv_add_u64(&row, sides[i].boots);
		for (size_t b = 0; b < sides[i].boots; b++)
			sb_printf(&joined, "%s%s", b ? " " : "",
				  sides[i].boot[b].dir);
		csv_add(&row, joined.text);
		sb_free(&joined);
		for (int f = 0; f < NR_TARGET_FACTS; f++) {
			/* the dummy words of every boot, one boot per "; " */
			for (size_t b = 0; f == FACT_boot_words &&
			     b < sides[i].boots; b++)
				sb_printf(&joined, "%s%s", b ? "; " : "",
					  sides[i].boot[b].fact[f]);
			csv_add(&row, f == FACT_boot_words && joined.text ?
				joined.text : first->fact[f]);
			sb_free(&joined);
		}
		line = csv_finish(&row);
		sb_printf(&text, "%s\n", line);
		free(line);

		sb_reset(&path);
		sb_printf(&path, "%s/targets/%s", dir, sides[i].label);
		result = make_dirs(path.text);
		sb_append(&path, "/meta.json");
		if (result == 0)
			result = json_dump_file(first->meta, path.text,
						JSON_INDENT(2) | JSON_SORT_KEYS);
		sweep = meta_text(first->meta, "sweep.text");
		sb_reset(&path);
		sb_printf(&path, "%s/targets/%s/sweep.conf", dir,
			  sides[i].label);
		if (result == 0 && *sweep)
			result = write_file(path.text, sweep, strlen(sweep));
		free(sweep);
	}
	if (result < 0)
		fprintf(stderr, "kallocbench: cannot write %s: %m\n",
			path.text);
	else
		result = write_compare_file(dir, COMPARE_FILE_TARGETS_CSV,
					    &text);
	sb_free(&text);
	sb_free(&path);
	return result;
}

static char *command_line(int argc, char **argv)
{
	struct strbuf text = { 0 };

	sb_append(&text, "kallocbench");
	for (int i = 0; i < argc; i++)
		sb_printf(&text, " %s", argv[i]);
	return sb_steal(&text);
}

static char *default_out(const struct side *sides, size_t count)
{
	const char *dir = sides[0].boot[0].dir, *slash = strrchr(dir, '/');
	struct strbuf out = { 0 };

	if (slash)
		sb_append_len(&out, dir, (size_t)(slash - dir) + 1);
	sb_append(&out, "compare");
	for (size_t i = 0; i < count; i++)
		sb_printf(&out, "-%s", sides[i].label);
	return sb_steal(&out);
}

/*
 * compare.csv, one-sided.csv, command.txt and the targets; @disjoint
 * counts the candidates that share no figure with the baseline.
 */
static int write_comparison(const char *out, struct side *sides,
			    size_t count, const char *command,
			    size_t *disjoint)
{
	struct strbuf text = { 0 }, one_sided = { 0 }, line = { 0 };
	int result = make_dirs(out);

	if (result < 0)
		fprintf(stderr, "kallocbench: cannot create %s: %m\n", out);
	*disjoint = 0;
	write_header(&text);
	sb_append(&one_sided, COLUMNS_LINE(ONE_SIDED_COLUMN_LIST));
	for (size_t i = 1; i < count; i++) {
		struct pair_counts counts;

		warn_mismatches(&sides[0], &sides[i]);
		compare_pair(&sides[0], &sides[i], &text, &one_sided, &counts);
		if (!counts.figures) {
			fprintf(stderr, "kallocbench: %s and %s have no case "
				"in common: nothing to compare\n",
				sides[0].label, sides[i].label);
			(*disjoint)++;
		}
		if (counts.one_sided[COMPARE_SIDE_baseline] ||
		    counts.one_sided[COMPARE_SIDE_candidate] ||
		    counts.one_sided[COMPARE_SIDE_both])
			fprintf(stderr, "kallocbench: not compared: %zu cases "
				"measured on %s only, %zu on %s only, %zu "
				"without a figure on both (%s and the report "
				"say why)\n",
				counts.one_sided[COMPARE_SIDE_baseline],
				sides[0].label,
				counts.one_sided[COMPARE_SIDE_candidate],
				sides[i].label,
				counts.one_sided[COMPARE_SIDE_both],
				compare_file_names[COMPARE_FILE_ONE_SIDED_CSV]);
	}
	sb_printf(&line, "%s\n", command);
	if (result == 0)
		result = write_compare_file(out, COMPARE_FILE_COMPARE_CSV, &text);
	if (result == 0)
		result = write_compare_file(out, COMPARE_FILE_ONE_SIDED_CSV,
					    &one_sided);
	if (result == 0)
		result = write_compare_file(out, COMPARE_FILE_COMMAND_TXT, &line);
	if (result == 0)
		result = write_targets(out, sides, count);
	sb_free(&text);
	sb_free(&one_sided);
	sb_free(&line);
	return result;
}

int cmd_compare(int argc, char **argv)
{
	static const struct option long_options[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "command", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *out = NULL, *command = NULL;
	char *default_command = command_line(argc, argv), *out_default = NULL;
	struct side *sides;
	size_t count, disjoint;
	int option, status = 1;
	char why[1024];

	optind = 0;
	while ((option = getopt_long(argc, argv, "h", long_options, NULL)) != -1) {
		switch (option) {
		case 'o': out = optarg; break;
		case 'c': command = optarg; break;
		case 'h':
			free(default_command);
			return cli_help(compare_usage);
		default:
			free(default_command);
			return cli_usage_error(compare_usage, NULL);
		}
	}
	if (argc - optind < 2) {
		free(default_command);
		return cli_usage_error(compare_usage,
				       "give a baseline and at least one candidate");
	}
	count = (size_t)(argc - optind);
	sides = xcalloc(count, sizeof(*sides));
	for (size_t i = 0; i < count; i++)
		if (load_side(argv[optind + (int)i], &sides[i], why,
			      sizeof(why)) < 0) {
			fprintf(stderr, "kallocbench: %s\n", why);
			goto out;
		}
	label_sides(sides, count);
	if (!out)
		out = out_default = default_out(sides, count);
	if (write_comparison(out, sides, count,
			     command ? command : default_command,
			     &disjoint) == 0 &&
	    report_write(out) == 0) {
		fprintf(stderr, "kallocbench: comparison in %s\n", out);
		status = disjoint ? 1 : 0;
	}
out:
	for (size_t i = 0; i < count; i++)
		free_side(&sides[i]);
	free(sides);
	free(out_default);
	free(default_command);
	return status;
}
