#include "analysis/compare.h"

#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "output/csv.h"
#include "stats/stats.h"
#include "output/table.h"
#include "util/util.h"

static const char compare_usage[] =
	"usage: kallocbench compare [--out DIR] [--command TEXT] BASELINE CANDIDATE...\n"
	"\n"
	"Compares runs (results folders) case by case: for each figure, the\n"
	"candidate's mean over repetitions divided by the baseline's, with a 95%\n"
	"interval and a verdict. Writes DIR/compare.csv, DIR/targets.csv, each\n"
	"run's meta.json and sweep under DIR/targets/, DIR/command.txt, and the\n"
	"report (DIR/report.md, DIR/index.html; see `kallocbench report`).\n"
	"\n"
	"Intervals: icount runs repeat exactly, so their ratios are exact and a\n"
	"change of 1% or more is marked; otherwise a percentile bootstrap over\n"
	"the repetitions (" "2000 resamples, fixed seed) when each side has at\n"
	"least two, and no verdict (\"unknown\") when one side has one.\n"
	"\n"
	"  --out DIR      where to write (default: compare-<labels> in the\n"
	"                 baseline's parent folder)\n"
	"  --command TEXT the command to record as how to reproduce it\n"
	"                 (default: this command line)\n";

#define COMPARE_NAME(name) #name,
#define COMPARE_TITLE(name, title) title,
#define COMPARE_METRIC_NAME(name, title) #name,
const char *const compare_key_names[COMPARE_NR_KEYS] = {
	COMPARE_KEY_LIST(COMPARE_NAME)
};
const char *const compare_metric_names[COMPARE_NR_METRICS] = {
	COMPARE_METRIC_LIST(COMPARE_METRIC_NAME)
};
const char *const compare_metric_titles[COMPARE_NR_METRICS] = {
	COMPARE_METRIC_LIST(COMPARE_TITLE)
};
const char *const compare_method_names[] = {
	[COMPARE_EXACT] = "exact (icount)",
	[COMPARE_BOOTSTRAP] = "bootstrap 95%",
	[COMPARE_SINGLE] = "single run",
};

void compare_figure(const double *base, size_t base_count,
		    const double *candidate, size_t candidate_count,
		    bool exact_mode, struct compare_verdict *out)
{
	bool material;

	out->ratio = stats_mean(candidate, candidate_count) /
		     stats_mean(base, base_count);
	if (exact_mode && stats_all_equal(base, base_count) &&
	    stats_all_equal(candidate, candidate_count)) {
		out->method = COMPARE_EXACT;
		out->low = out->high = out->ratio;
		material = fabs(out->ratio - 1) >= COMPARE_MATERIAL_CHANGE;
	} else if (base_count >= 2 && candidate_count >= 2) {
		out->method = COMPARE_BOOTSTRAP;
		stats_bootstrap_ratio(base, base_count, candidate,
				      candidate_count, COMPARE_RESAMPLES,
				      base_count * 1000003 + candidate_count,
				      &out->low, &out->high);
		material = out->low > 1 || out->high < 1;
	} else {
		out->method = COMPARE_SINGLE;
		out->low = out->high = NAN;
		out->verdict = "unknown";
		return;
	}
	out->verdict = !material ? "same" : out->ratio > 1 ? "slower" :
		       "faster";
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

struct run {
	const char *dir;
	char *label;
	json_t *meta;
	char *fact[NR_TARGET_FACTS];
	struct csv_table cases;
	int key_column[COMPARE_NR_KEYS];
	int metric_column[COMPARE_NR_METRICS];
	int status_column;
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
	for (int f = 0; f < NR_TARGET_FACTS; f++)
		run->fact[f] = meta_text(run->meta, fact_paths[f]);
	sb_reset(&path);
	sb_printf(&path, "%s/cases.csv", dir);
	if (csv_table_load(path.text, &run->cases, why, why_len) < 0) {
		sb_free(&path);
		return -1;
	}
	for (int k = 0; k < COMPARE_NR_KEYS; k++)
		run->key_column[k] = csv_table_column(&run->cases,
						      compare_key_names[k]);
	for (int m = 0; m < COMPARE_NR_METRICS; m++)
		run->metric_column[m] = csv_table_column(
			&run->cases, compare_metric_names[m]);
	run->status_column = csv_table_column(&run->cases, "status");
	if (run->status_column < 0 || run->key_column[0] < 0) {
		snprintf(why, why_len, "%s: no %s column", path.text,
			 run->status_column < 0 ? "status" :
			 compare_key_names[0]);
		sb_free(&path);
		return -1;
	}
	sb_free(&path);
	return 0;
}

static void free_run(struct run *run)
{
	json_decref(run->meta);
	for (int f = 0; f < NR_TARGET_FACTS; f++)
		free(run->fact[f]);
	free(run->label);
	csv_table_free(&run->cases);
}

/* The kernel's name, "+config" when not the default; "#N" if taken. */
static void label_runs(struct run *runs, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		char *kernel = meta_text(runs[i].meta, "kernel.name");
		const char *config = runs[i].fact[FACT_config];
		struct strbuf label = { 0 };
		int copies = 1;

		sb_printf(&label, "%s", *kernel ? kernel : "run");
		if (*config && strcmp(config, "default") != 0)
			sb_printf(&label, "+%s", config);
		for (size_t j = 0; j < i; j++)
			if (strncmp(runs[j].label, label.text, label.len) == 0 &&
			    (runs[j].label[label.len] == '\0' ||
			     runs[j].label[label.len] == '#'))
				copies++;
		if (copies > 1)
			sb_printf(&label, "#%d", copies);
		runs[i].label = sb_steal(&label);
		free(kernel);
	}
}

static bool is_icount(const struct run *run)
{
	return strcmp(run->fact[FACT_mode], "qemu-icount") == 0;
}

/* A case's value of key @k; runs older than a key's column have "". */
static const char *key_value(const struct run *run,
			     const struct csv_fields *row, int k)
{
	return run->key_column[k] < 0 ? "" : row->field[run->key_column[k]];
}

static bool same_key(const struct run *a, const struct csv_fields *row_a,
		     const struct run *b, const struct csv_fields *row_b)
{
	for (int k = 0; k < COMPARE_NR_KEYS; k++)
		if (strcmp(key_value(a, row_a, k), key_value(b, row_b, k)) != 0)
			return false;
	return true;
}

/* The non-empty @metric of every ok repetition of the case of @key. */
static size_t gather(const struct run *run, const struct run *key_run,
		     const struct csv_fields *key, int metric, double **values)
{
	size_t count = 0, capacity = 0;

	*values = NULL;
	if (run->metric_column[metric] < 0)
		return 0;
	for (size_t r = 0; r < run->cases.rows; r++) {
		const struct csv_fields *row = &run->cases.row[r];
		const char *text = row->field[run->metric_column[metric]];

		if (strcmp(row->field[run->status_column], "ok") != 0 ||
		    !*text || !same_key(key_run, key, run, row))
			continue;
		xgrow((void **)values, &capacity, count + 1, sizeof(**values));
		(*values)[count++] = strtod(text, NULL);
	}
	return count;
}

/* Whether an earlier row of @run names the same case as row @r. */
static bool seen_before(const struct run *run, size_t r)
{
	for (size_t i = 0; i < r; i++)
		if (same_key(run, &run->cases.row[i], run, &run->cases.row[r]))
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

#define COMPARE_COLUMNS_TAIL							\
	"metric,baseline_n,candidate_n,baseline_value,candidate_value,"	\
	"ratio,ci_low,ci_high,method,verdict"

static void write_header(struct strbuf *out)
{
	sb_append(out, "baseline,candidate");
	for (int k = 0; k < COMPARE_NR_KEYS; k++)
		sb_printf(out, ",%s", compare_key_names[k]);
	sb_append(out, "," COMPARE_COLUMNS_TAIL "\n");
}

/* Rows of one candidate against the baseline; returns cases not in both. */
static size_t compare_pair(const struct run *base, const struct run *cand,
			   struct strbuf *out)
{
	bool exact = is_icount(base) && is_icount(cand);
	size_t unmatched = 0;

	for (size_t r = 0; r < base->cases.rows; r++) {
		const struct csv_fields *key = &base->cases.row[r];
		bool matched = false;

		if (seen_before(base, r))
			continue;
		for (int m = 0; m < COMPARE_NR_METRICS; m++) {
			double *b, *c;
			size_t nb = gather(base, base, key, m, &b);
			size_t nc = gather(cand, base, key, m, &c);
			struct compare_verdict v;
			struct csv_row row = { 0 };
			char *line;

			if (nb && nc && stats_mean(b, nb) > 0) {
				matched = true;
				compare_figure(b, nb, c, nc, exact, &v);
				csv_add(&row, base->label);
				csv_add(&row, cand->label);
				for (int k = 0; k < COMPARE_NR_KEYS; k++)
					csv_add(&row, key_value(base, key, k));
				csv_add(&row, compare_metric_names[m]);
				csv_add_u64(&row, nb);
				csv_add_u64(&row, nc);
				add_double(&row, stats_mean(b, nb));
				add_double(&row, stats_mean(c, nc));
				add_double(&row, v.ratio);
				add_double(&row, v.low);
				add_double(&row, v.high);
				csv_add(&row, compare_method_names[v.method]);
				csv_add(&row, v.verdict);
				line = csv_finish(&row);
				sb_printf(out, "%s\n", line);
				free(line);
			}
			free(b);
			free(c);
		}
		unmatched += !matched;
	}
	return unmatched;
}

static int write_targets(const char *dir, struct run *runs, size_t count)
{
	struct strbuf text = { 0 }, path = { 0 };
	int result = 0;

	sb_append(&text, "label,dir");
	for (int f = 0; f < NR_TARGET_FACTS; f++)
		sb_printf(&text, ",%s", fact_columns[f]);
	sb_append(&text, "\n");
	for (size_t i = 0; i < count && result == 0; i++) {
		struct csv_row row = { 0 };
		char *line, *sweep;

		csv_add(&row, runs[i].label);
		csv_add(&row, runs[i].dir);
		for (int f = 0; f < NR_TARGET_FACTS; f++)
			csv_add(&row, runs[i].fact[f]);
		line = csv_finish(&row);
		sb_printf(&text, "%s\n", line);
		free(line);

		sb_reset(&path);
		sb_printf(&path, "%s/targets/%s", dir, runs[i].label);
		result = make_dirs(path.text);
		sb_append(&path, "/meta.json");
		if (result == 0)
			result = json_dump_file(runs[i].meta, path.text,
						JSON_INDENT(2) | JSON_SORT_KEYS);
		sweep = meta_text(runs[i].meta, "sweep.text");
		sb_reset(&path);
		sb_printf(&path, "%s/targets/%s/sweep.conf", dir,
			  runs[i].label);
		if (result == 0 && *sweep)
			result = write_file(path.text, sweep, strlen(sweep));
		free(sweep);
	}
	sb_reset(&path);
	sb_printf(&path, "%s/targets.csv", dir);
	if (result == 0)
		result = write_file(path.text, text.text, text.len);
	if (result < 0)
		fprintf(stderr, "kallocbench: cannot write %s: %m\n",
			path.text);
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

static char *default_out(const struct run *runs, size_t count)
{
	const char *slash = strrchr(runs[0].dir, '/');
	struct strbuf out = { 0 };

	if (slash)
		sb_append_len(&out, runs[0].dir, (size_t)(slash - runs[0].dir) + 1);
	sb_append(&out, "compare");
	for (size_t i = 0; i < count; i++)
		sb_printf(&out, "-%s", runs[i].label);
	return sb_steal(&out);
}

static int write_comparison(const char *out, struct run *runs, size_t count,
			    const char *command)
{
	struct strbuf text = { 0 }, path = { 0 };
	int result = make_dirs(out);

	write_header(&text);
	for (size_t i = 1; i < count; i++) {
		size_t unmatched = compare_pair(&runs[0], &runs[i], &text);

		if (unmatched)
			fprintf(stderr, "kallocbench: %zu cases of %s have no "
				"ok counterpart in %s\n", unmatched,
				runs[0].label, runs[i].label);
	}
	sb_printf(&path, "%s/compare.csv", out);
	if (result == 0)
		result = write_file(path.text, text.text, text.len);
	sb_reset(&path);
	sb_printf(&path, "%s/command.txt", out);
	if (result == 0) {
		sb_reset(&text);
		sb_printf(&text, "%s\n", command);
		result = write_file(path.text, text.text, text.len);
	}
	if (result < 0)
		fprintf(stderr, "kallocbench: cannot write %s: %m\n", path.text);
	if (result == 0)
		result = write_targets(out, runs, count);
	sb_free(&text);
	sb_free(&path);
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
	struct run *runs;
	size_t count;
	int option, status = 1;
	char why[512];

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
	runs = xcalloc(count, sizeof(*runs));
	for (size_t i = 0; i < count; i++)
		if (load_run(argv[optind + (int)i], &runs[i], why,
			     sizeof(why)) < 0) {
			fprintf(stderr, "kallocbench: %s\n", why);
			goto out;
		}
	label_runs(runs, count);
	if (!out)
		out = out_default = default_out(runs, count);
	if (write_comparison(out, runs, count,
			     command ? command : default_command) == 0 &&
	    report_write(out) == 0) {
		fprintf(stderr, "kallocbench: comparison in %s\n", out);
		status = 0;
	}
out:
	for (size_t i = 0; i < count; i++)
		free_run(&runs[i]);
	free(runs);
	free(out_default);
	free(default_command);
	return status;
}
