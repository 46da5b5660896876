/*
 * `kallocbench report DIR`: a comparison as report.md and a self-contained
 * index.html (tables and the SVG plots inline, nothing fetched), both built
 * from the same calls so that they always say the same thing.
 */
#include <dirent.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "analysis/compare.h"
#include "output/table.h"
#include "util/util.h"

static const char report_usage[] =
	"usage: kallocbench report DIR\n"
	"\n"
	"Writes DIR/report.md and DIR/index.html from what `kallocbench compare`\n"
	"left in DIR (compare.csv, one-sided.csv, targets.csv, command.txt) and\n"
	"the SVG plots in DIR/plots, which the HTML carries inline.\n";

/* Rows of the table of changes, the largest first. */
#define REPORT_MAX_CHANGES 40

struct doc {
	struct strbuf md;
	struct strbuf html;
};

static void html_escaped(struct strbuf *out, const char *text)
{
	for (; *text; text++) {
		switch (*text) {
		case '&': sb_append(out, "&amp;"); break;
		case '<': sb_append(out, "&lt;"); break;
		case '>': sb_append(out, "&gt;"); break;
		case '"': sb_append(out, "&quot;"); break;
		default: sb_append_len(out, text, 1);
		}
	}
}

static void md_escaped(struct strbuf *out, const char *text)
{
	for (; *text; text++) {
		if (*text == '|' || *text == '*' || *text == '_')
			sb_append(out, "\\");
		sb_append_len(out, text, 1);
	}
}

static void doc_heading(struct doc *doc, int level, const char *text)
{
	sb_printf(&doc->md, "%.*s ", level, "####");
	md_escaped(&doc->md, text);
	sb_append(&doc->md, "\n\n");
	sb_printf(&doc->html, "<h%d>", level);
	html_escaped(&doc->html, text);
	sb_printf(&doc->html, "</h%d>\n", level);
}

static void doc_para(struct doc *doc, const char *text)
{
	md_escaped(&doc->md, text);
	sb_append(&doc->md, "\n\n");
	sb_append(&doc->html, "<p>");
	html_escaped(&doc->html, text);
	sb_append(&doc->html, "</p>\n");
}

static void doc_code(struct doc *doc, const char *text)
{
	sb_printf(&doc->md, "    %s\n", text);
	sb_append(&doc->html, "<pre>");
	html_escaped(&doc->html, text);
	sb_append(&doc->html, "</pre>\n");
}

/* @cells holds @rows rows of @columns cells, the titles first. */
static void doc_table(struct doc *doc, char **cells, size_t rows,
		      size_t columns)
{
	sb_append(&doc->html, "<table>\n");
	for (size_t r = 0; r <= rows; r++) {
		const char *tag = r ? "td" : "th";

		sb_append(&doc->md, "|");
		sb_append(&doc->html, "<tr>");
		for (size_t c = 0; c < columns; c++) {
			sb_append(&doc->md, " ");
			md_escaped(&doc->md, cells[r * columns + c]);
			sb_append(&doc->md, " |");
			sb_printf(&doc->html, "<%s>", tag);
			html_escaped(&doc->html, cells[r * columns + c]);
			sb_printf(&doc->html, "</%s>", tag);
		}
		sb_append(&doc->md, "\n");
		sb_append(&doc->html, "</tr>\n");
		if (r == 0) {
			sb_append(&doc->md, "|");
			for (size_t c = 0; c < columns; c++)
				sb_append(&doc->md, " --- |");
			sb_append(&doc->md, "\n");
		}
	}
	sb_append(&doc->md, "\n");
	sb_append(&doc->html, "</table>\n");
}

/* The SVG inline in the HTML, a link to the file in the Markdown. */
static void doc_svg(struct doc *doc, const char *dir, const char *name)
{
	struct strbuf path = { 0 };
	char *svg, *start;

	sb_printf(&path, "%s/plots/%s", dir, name);
	svg = read_file(path.text, NULL);
	start = svg ? strstr(svg, "<svg") : NULL;
	if (start) {
		sb_printf(&doc->md, "![%s](plots/%s)\n\n", name, name);
		sb_printf(&doc->html, "<figure>%s<figcaption>", start);
		html_escaped(&doc->html, name);
		sb_append(&doc->html, "</figcaption></figure>\n");
	}
	free(svg);
	sb_free(&path);
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void doc_plots(struct doc *doc, const char *dir)
{
	struct strbuf path = { 0 };
	char **names = NULL;
	size_t count = 0, capacity = 0;
	struct dirent *entry;
	DIR *plots;

	sb_printf(&path, "%s/plots", dir);
	plots = opendir(path.text);
	sb_free(&path);
	if (!plots) {
		doc_para(doc, "No plots: run scripts/compare.sh (or make "
			 "compare) to draw them, then kallocbench report.");
		return;
	}
	while ((entry = readdir(plots))) {
		size_t len = strlen(entry->d_name);

		if (len < 5 || strcmp(entry->d_name + len - 4, ".svg") != 0)
			continue;
		xgrow((void **)&names, &capacity, count + 1, sizeof(*names));
		names[count++] = xstrdup(entry->d_name);
	}
	closedir(plots);
	qsort(names, count, sizeof(*names), compare_names);
	for (size_t i = 0; i < count; i++) {
		doc_svg(doc, dir, names[i]);
		free(names[i]);
	}
	free(names);
}

/* Column indexes of compare.csv the report reads. */
struct compare_columns {
	int key[COMPARE_NR_KEYS];
	int baseline, candidate, source, metric, baseline_value;
	int candidate_value, baseline_spread, candidate_spread, ratio;
	int ci_low, ci_high, threshold, method, verdict, baseline_n;
	int candidate_n, baseline_rep_share, candidate_rep_share;
	int rep_share_of_change;
};

/*
 * The indexes of @count columns @names into @index, and of the compare
 * keys into @key; -1 when @table lacks one.
 */
static int map_columns(const struct csv_table *table,
		       const char *const *names, int *const *index,
		       size_t count, int key[COMPARE_NR_KEYS])
{
	for (size_t i = 0; i < count; i++)
		if ((*index[i] = csv_table_column(table, names[i])) < 0)
			return -1;
	for (int k = 0; k < COMPARE_NR_KEYS; k++)
		if ((key[k] = csv_table_column(table,
					       compare_key_names[k])) < 0)
			return -1;
	return 0;
}

static int map_compare_columns(const struct csv_table *table,
			       struct compare_columns *col)
{
	int *all[] = { &col->baseline, &col->candidate, &col->source,
		       &col->metric, &col->baseline_value,
		       &col->candidate_value, &col->baseline_spread,
		       &col->candidate_spread, &col->ratio, &col->ci_low,
		       &col->ci_high, &col->threshold, &col->method,
		       &col->verdict, &col->baseline_n, &col->candidate_n,
		       &col->baseline_rep_share, &col->candidate_rep_share,
		       &col->rep_share_of_change };
	static const char *const names[] = {
		"baseline", "candidate", "source", "metric", "baseline_value",
		"candidate_value", "baseline_spread", "candidate_spread",
		"ratio", "ci_low", "ci_high", "threshold", "method",
		"verdict", "baseline_n", "candidate_n", "baseline_rep_share",
		"candidate_rep_share", "rep_share_of_change",
	};

	return map_columns(table, names, all, ARRAY_SIZE(names), col->key);
}

/* How a key's value reads in a case's name: "frag " before frag_level. */
static const char *const key_prefixes[COMPARE_NR_KEYS] = {
	[COMPARE_KEY_order] = "order ",
	[COMPARE_KEY_batch] = "batch ",
	[COMPARE_KEY_bulk] = "bulk ",
	[COMPARE_KEY_cpus] = "on ",
	[COMPARE_KEY_caches] = "caches ",
	[COMPARE_KEY_sheaf_capacity] = "sheaves ",
	[COMPARE_KEY_node] = "node ",
	[COMPARE_KEY_frag_level] = "frag ",
	[COMPARE_KEY_pressure] = "pressure ",
};
static const char *const key_suffixes[COMPARE_NR_KEYS] = {
	[COMPARE_KEY_passes] = " passes",
	[COMPARE_KEY_cpus] = " CPUs",
};

/*
 * A key whose value names no difference: frag and pressure "none", one
 * CPU (cases.csv writes cpus for every case), a cache's rows' caches
 * "shared".
 */
static bool key_is_default(int k, const char *value)
{
	if (k == COMPARE_KEY_cpus)
		return strcmp(value, "1") == 0;
	if (k == COMPARE_KEY_caches)
		return strcmp(value, "shared") == 0;
	return (k == COMPARE_KEY_frag_level || k == COMPARE_KEY_frag_kind ||
		k == COMPARE_KEY_pressure) && strcmp(value, "none") == 0;
}

/*
 * "kmalloc 4K GFP_KERNEL process pair", the parts that are set; @key: the
 * columns of the compare keys.
 */
static char *case_name(const struct csv_fields *row,
		       const int key[COMPARE_NR_KEYS])
{
	struct strbuf name = { 0 };

	for (int k = 0; k < COMPARE_NR_KEYS; k++) {
		const char *value = row->field[key[k]];
		char size[24];

		if (!*value || key_is_default(k, value))
			continue;
		if (k == COMPARE_KEY_size_bytes) {
			format_size(strtoull(value, NULL, 10), size);
			value = size;
		}
		sb_printf(&name, "%s%s%s%s", name.len ? " " : "",
			  key_prefixes[k] ? key_prefixes[k] : "", value,
			  key_suffixes[k] ? key_suffixes[k] : "");
	}
	return sb_steal(&name);
}

/* Whether rows @a and @b are figures of the same case and candidate. */
static bool same_case(const struct csv_fields *a, const struct csv_fields *b,
		      const struct compare_columns *col)
{
	if (strcmp(a->field[col->candidate], b->field[col->candidate]) ||
	    strcmp(a->field[col->source], b->field[col->source]))
		return false;
	for (int k = 0; k < COMPARE_NR_KEYS; k++)
		if (strcmp(a->field[col->key[k]], b->field[col->key[k]]))
			return false;
	return true;
}

/*
 * Whether row @r repeats an earlier figure of its case with the same
 * values on both sides (in icount p50 often equals p99): such a figure is
 * counted once. compare.csv writes a case's figures next to each other.
 */
static bool repeats_earlier_figure(const struct csv_table *table, size_t r,
				   const struct compare_columns *col)
{
	const struct csv_fields *row = &table->row[r];

	for (size_t i = r; i-- > 0 && same_case(&table->row[i], row, col);)
		if (strcmp(table->row[i].field[col->baseline_value],
			   row->field[col->baseline_value]) == 0 &&
		    strcmp(table->row[i].field[col->candidate_value],
			   row->field[col->candidate_value]) == 0)
			return true;
	return false;
}

static const char *metric_title(const char *name)
{
	for (int m = 0; m < COMPARE_NR_METRICS; m++)
		if (strcmp(name, compare_metric_names[m]) == 0)
			return compare_metric_titles[m];
	return name;
}

/* The columns of a table of figures; the last two where rep was counted. */
#define CHANGE_COLUMNS 10
#define CHANGE_COLUMNS_WITHOUT_REP 8

/* "%": a fraction of compare.csv as a percentage, "-" when empty. */
static char *percent_cell(const char *fraction)
{
	struct strbuf text = { 0 };

	if (!*fraction)
		sb_append(&text, "-");
	else
		sb_printf(&text, "%.1f%%", 100 * strtod(fraction, NULL));
	return sb_steal(&text);
}

/* The interval where one was measured, "-" (none) otherwise. */
static char *interval_cell(const struct csv_fields *row,
			   const struct compare_columns *col)
{
	struct strbuf text = { 0 };

	if (!*row->field[col->ci_low])
		sb_append(&text, "-");
	else
		sb_printf(&text, "%.3f .. %.3f",
			  strtod(row->field[col->ci_low], NULL),
			  strtod(row->field[col->ci_high], NULL));
	return sb_steal(&text);
}

static bool is_change(const struct csv_fields *row,
		      const struct compare_columns *col)
{
	const char *verdict = row->field[col->verdict];

	return strcmp(verdict, "slower") == 0 || strcmp(verdict, "faster") == 0;
}

/* Whether @row's figure has the simulated MMU's counts on both sides. */
static bool rep_counted(const struct csv_fields *row,
			const struct compare_columns *col)
{
	return *row->field[col->baseline_rep_share] &&
	       *row->field[col->candidate_rep_share];
}

/* Whether @row is a change that rep-string iterations dominate. */
static bool rep_dominated(const struct csv_fields *row,
			  const struct compare_columns *col)
{
	const char *of_change = row->field[col->rep_share_of_change];

	return is_change(row, col) && *of_change &&
	       strtod(of_change, NULL) > COMPARE_REP_DOMINANCE;
}

/* One row of a table of figures, @columns of its cells. */
static void change_cells(char **cells, const struct csv_fields *row,
			 const struct compare_columns *col, size_t columns)
{
	struct strbuf text = { 0 };
	char *base, *cand;

	cells[0] = case_name(row, col->key);
	cells[1] = xstrdup(metric_title(row->field[col->metric]));
	sb_printf(&text, "%.1f", strtod(row->field[col->baseline_value], NULL));
	cells[2] = sb_steal(&text);
	sb_printf(&text, "%.1f", strtod(row->field[col->candidate_value], NULL));
	cells[3] = sb_steal(&text);
	sb_printf(&text, "%.3f", strtod(row->field[col->ratio], NULL));
	cells[4] = sb_steal(&text);
	cells[5] = interval_cell(row, col);
	cells[6] = percent_cell(row->field[col->threshold]);
	cells[7] = xstrdup(row->field[col->verdict]);
	if (columns == CHANGE_COLUMNS_WITHOUT_REP)
		return;
	base = percent_cell(row->field[col->baseline_rep_share]);
	cand = percent_cell(row->field[col->candidate_rep_share]);
	sb_printf(&text, "%s -> %s", base, cand);
	cells[8] = rep_counted(row, col) ? sb_steal(&text) : xstrdup("-");
	cells[9] = xstrdup(rep_dominated(row, col) ? compare_rep_note : "");
	sb_free(&text);
	free(base);
	free(cand);
}

static double change_size(const struct csv_fields *row,
			  const struct compare_columns *col)
{
	return fabs(log(strtod(row->field[col->ratio], NULL)));
}

static const struct compare_columns *sort_columns;

static int compare_changes(const void *a, const void *b)
{
	double x = change_size(*(struct csv_fields *const *)a, sort_columns);
	double y = change_size(*(struct csv_fields *const *)b, sort_columns);

	return x < y ? 1 : x > y ? -1 : 0;
}

/*
 * @unit: what the figures count, "instructions" in icount, else "ns";
 * @rep: whether the rep-string columns are shown.
 */
static void table_of_rows(struct doc *doc, struct csv_fields **rows,
			  size_t count, const struct compare_columns *col,
			  const char *unit, bool rep)
{
	static const char *const titles[CHANGE_COLUMNS] = {
		"case", "figure", "baseline", "candidate", "ratio",
		"interval", "marked beyond", "verdict",
		"rep-string share of instructions", "note",
	};
	size_t columns = rep ? CHANGE_COLUMNS : CHANGE_COLUMNS_WITHOUT_REP;
	char **cells = xcalloc((count + 1) * columns, sizeof(*cells));
	struct strbuf title = { 0 };

	for (size_t c = 0; c < columns; c++)
		cells[c] = xstrdup(titles[c]);
	sb_printf(&title, "figure (%s)", unit);
	free(cells[1]);
	cells[1] = sb_steal(&title);
	for (size_t r = 0; r < count; r++)
		change_cells(&cells[(r + 1) * columns], rows[r], col, columns);
	doc_table(doc, cells, count, columns);
	for (size_t i = 0; i < (count + 1) * columns; i++)
		free(cells[i]);
	free(cells);
}

static bool is_headline(const struct csv_fields *row,
			const struct compare_columns *col)
{
	const char *metric = row->field[col->metric];

	return strcmp(metric, "pair_ns_amortized") == 0 ||
	       strcmp(metric, "alloc_ns") == 0;
}

/* How the verdicts of @method were reached, for the pair's paragraph;
 * the thresholds are compare.h's. */
static void method_rule(struct strbuf *text, const char *method)
{
	if (strcmp(method, compare_method_names[COMPARE_BOOT_SPREAD]) == 0)
		sb_printf(text, "Each boot of a target is one sample: icount "
			  "repeats a boot to the instruction, but another "
			  "command line or initramfs moves the layout and with "
			  "it the figures. A change is marked when the two "
			  "targets' boots do not overlap and the ratio is "
			  "further from 1 than %g times the larger spread "
			  "((max - min) / mean) of either target's boots, and "
			  "at least %g%% and %g instructions (\"marked beyond\" "
			  "gives each figure's threshold). The interval is the "
			  "range between the boots' extremes, not a confidence "
			  "interval.", COMPARE_SPREAD_MARGIN,
			  100 * COMPARE_MIN_CHANGE, COMPARE_MIN_DIFFERENCE_NS);
	else if (strcmp(method, compare_method_names[COMPARE_BOOTSTRAP]) == 0)
		sb_printf(text, "Each repetition is one sample. A change is "
			  "marked when the 95%% percentile bootstrap interval "
			  "of the ratio of means (%d resamples) excludes 1 and "
			  "the change is at least %g%% and %g ns.",
			  COMPARE_RESAMPLES, 100 * COMPARE_MIN_CHANGE,
			  COMPARE_MIN_DIFFERENCE_NS);
	else
		sb_append(text, "A side has one sample (one boot in icount, one "
			  "repetition otherwise): no spread was measured, so "
			  "there is no interval and no verdict. Boot each target "
			  "several times (make compare BOOTS=3) or set "
			  "repetitions >= 2.");
}

/*
 * What the rep-string columns say, or that they were not measured:
 * @counted when some figure has the simulated MMU's counts on both sides,
 * @dominated of the pair's @changes are dominated by rep-string iterations.
 */
static void rep_rule(struct strbuf *text, bool counted, size_t dominated,
		     size_t changes)
{
	if (!counted) {
		sb_append(text, "Rep-string share was not measured: the runs "
			  "carry no counts of the simulated MMU (a sweep's "
			  "tlb_model, or TLB_MODEL=skylake-sp on the make "
			  "line), so a change made of rep-string iterations "
			  "(a memset or memcpy done with rep stos or rep movs, "
			  "which icount counts one instruction per iteration) "
			  "is not told apart here.");
		return;
	}
	sb_printf(text, "Rep-string share: the iterations of rep-prefixed "
		  "string instructions among the instructions of the figure's "
		  "work, as the simulated MMU counted them (for amortized "
		  "alloc+free the whole case, every alloc+free of its loops; "
		  "for a buffer its phase), baseline -> candidate. A change is "
		  "noted as %s when the rep iterations' difference is more "
		  "than %g%% of the instructions' difference per operation: "
		  "icount counts each iteration as an instruction, so such a "
		  "change overstates what it costs on a real CPU. %zu of the "
		  "%zu changes here are so noted.", compare_rep_note,
		  100 * COMPARE_REP_DOMINANCE, dominated, changes);
}

static int compare_fractions(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/*
 * The boot-layout spread of each target, the A/A noise the verdicts are
 * calibrated against: the baseline's from its rows against the first
 * candidate, each candidate's from its own.
 */
static void doc_spreads(struct doc *doc, const struct csv_table *table,
			const struct compare_columns *col,
			const struct csv_table *targets)
{
	int label = csv_table_column(targets, "label");
	int boots = csv_table_column(targets, "boots");
	const char *first = NULL;
	char **cells = xcalloc((targets->rows + 1) * 6, sizeof(*cells));
	static const char *const titles[6] = {
		"target", "boots", "figures that moved", "median spread",
		"largest spread", "largest in",
	};

	if (label < 0 || boots < 0 || !targets->rows) {
		free(cells);
		return;
	}
	for (size_t c = 0; c < 6; c++)
		cells[c] = xstrdup(titles[c]);
	if (table->rows)
		first = table->row[0].field[col->candidate];
	for (size_t t = 0; t < targets->rows; t++) {
		const char *name = targets->row[t].field[label];
		double *spread = xcalloc(table->rows + 1, sizeof(*spread));
		size_t count = 0, moved = 0, widest = 0;
		double widest_spread = -1;
		struct strbuf text = { 0 };
		char **row = &cells[(t + 1) * 6];
		char *widest_name;

		for (size_t r = 0; r < table->rows; r++) {
			const struct csv_fields *f = &table->row[r];
			const char *value = t == 0 ?
				f->field[col->baseline_spread] :
				f->field[col->candidate_spread];

			if (strcmp(f->field[col->candidate],
				   t == 0 ? (first ? first : "") : name) ||
			    !*value || repeats_earlier_figure(table, r, col))
				continue;
			spread[count] = strtod(value, NULL);
			moved += spread[count] > 0;
			if (spread[count] > widest_spread) {
				widest_spread = spread[count];
				widest = r;
			}
			count++;
		}
		row[0] = xstrdup(name);
		row[1] = xstrdup(targets->row[t].field[boots]);
		qsort(spread, count, sizeof(*spread), compare_fractions);
		if (count) {
			sb_printf(&text, "%zu of %zu", moved, count);
			row[2] = sb_steal(&text);
			sb_printf(&text, "%.2f%%", 100 * spread[count / 2]);
			row[3] = sb_steal(&text);
			sb_printf(&text, "%.2f%%", 100 * spread[count - 1]);
			row[4] = sb_steal(&text);
			widest_name = case_name(&table->row[widest], col->key);
			sb_printf(&text, "%s, %s", widest_name,
				  metric_title(table->row[widest].field[col->metric]));
			row[5] = sb_steal(&text);
			free(widest_name);
		} else {
			for (int c = 2; c < 6; c++)
				row[c] = xstrdup("-");
		}
		free(spread);
	}
	doc_heading(doc, 2, "Boot-layout spread (A/A)");
	doc_para(doc, "How far each figure moved between boots of the same "
		 "target that differ only in a dummy boot word (seed=N): "
		 "(max - min) / mean over the boots, each distinct figure "
		 "counted once. This is the noise the verdicts are calibrated "
		 "against; \"-\" where a target was booted once.");
	doc_table(doc, cells, targets->rows, 6);
	for (size_t i = 0; i < (targets->rows + 1) * 6; i++)
		free(cells[i]);
	free(cells);
}

/* One candidate against the baseline: counts, the changes, every case. */
static void doc_pair(struct doc *doc, const struct csv_table *table,
		     const struct compare_columns *col, const char *candidate,
		     const char *unit)
{
	struct csv_fields **rows = xcalloc(table->rows + 1, sizeof(*rows));
	size_t count = 0, verdicts[4] = { 0 }, repeats = 0, dominated = 0;
	bool rep = false;
	static const char *const names[4] = {
		"slower", "faster", "same", "unknown",
	};
	const char *baseline = "";
	const char *method = "";
	struct strbuf text = { 0 };

	for (size_t r = 0; r < table->rows; r++) {
		const struct csv_fields *row = &table->row[r];

		if (strcmp(row->field[col->candidate], candidate) != 0)
			continue;
		baseline = row->field[col->baseline];
		method = row->field[col->method];
		if (repeats_earlier_figure(table, r, col)) {
			repeats++;
			continue;
		}
		for (int v = 0; v < 4; v++)
			verdicts[v] += strcmp(row->field[col->verdict],
					      names[v]) == 0;
		if (is_change(row, col))
			rows[count++] = (struct csv_fields *)row;
		rep |= rep_counted(row, col);
		dominated += rep_dominated(row, col);
	}
	sb_printf(&text, "%s against %s", candidate, baseline);
	doc_heading(doc, 2, text.text);
	sb_reset(&text);
	sb_printf(&text, "%zu distinct figures compared, in %s (%zu more "
		  "repeat another figure of their case on both sides, e.g. "
		  "p99 equal to p50, and are not counted): %zu slower, %zu "
		  "faster, %zu the same, %zu unknown. A ratio above 1 means "
		  "the candidate takes more %s.",
		  verdicts[0] + verdicts[1] + verdicts[2] + verdicts[3],
		  unit, repeats, verdicts[0], verdicts[1], verdicts[2],
		  verdicts[3], unit);
	doc_para(doc, text.text);
	sb_reset(&text);
	method_rule(&text, method);
	doc_para(doc, text.text);
	sb_reset(&text);
	rep_rule(&text, rep, dominated, count);
	doc_para(doc, text.text);
	sort_columns = col;
	qsort(rows, count, sizeof(*rows), compare_changes);
	if (count) {
		sb_reset(&text);
		sb_printf(&text, "Largest changes (%zu of %zu)",
			  count < REPORT_MAX_CHANGES ? count :
			  REPORT_MAX_CHANGES, count);
		doc_heading(doc, 3, text.text);
		table_of_rows(doc, rows,
			      count < REPORT_MAX_CHANGES ? count :
			      REPORT_MAX_CHANGES, col, unit, rep);
	}
	count = 0;
	for (size_t r = 0; r < table->rows; r++)
		if (strcmp(table->row[r].field[col->candidate], candidate) == 0 &&
		    is_headline(&table->row[r], col))
			rows[count++] = &table->row[r];
	doc_heading(doc, 3, "Every case, amortized alloc+free (buffers: alloc)");
	table_of_rows(doc, rows, count, col, unit, rep);
	free(rows);
	sb_free(&text);
}

/* The columns of one-sided.csv the report reads. */
struct one_sided_columns {
	int key[COMPARE_NR_KEYS];
	int candidate, source, side, other_status, reason;
};

static int map_one_sided_columns(const struct csv_table *table,
				 struct one_sided_columns *col)
{
	int *all[] = { &col->candidate, &col->source, &col->side,
		       &col->other_status, &col->reason };
	static const char *const names[] = {
		"candidate", "source", "side", "other_status", "reason",
	};

	return map_columns(table, names, all, ARRAY_SIZE(names), col->key);
}

#define ONE_SIDED_COLUMNS 5

/*
 * The cases of @candidate's pair that only one side measured: named, with
 * the side that has them and why they have no ratio, never left out.
 */
static void doc_one_sided(struct doc *doc, const struct csv_table *table,
			  const struct one_sided_columns *col,
			  const char *baseline, const char *candidate)
{
	static const char *const titles[ONE_SIDED_COLUMNS] = {
		"case", "file", "measured on", "other side", "why not compared",
	};
	char **cells = xcalloc((table->rows + 1) * ONE_SIDED_COLUMNS,
			       sizeof(*cells));
	struct strbuf text = { 0 };
	size_t count = 0;

	for (size_t c = 0; c < ONE_SIDED_COLUMNS; c++)
		cells[c] = xstrdup(titles[c]);
	for (size_t r = 0; r < table->rows; r++) {
		const struct csv_fields *row = &table->row[r];
		const char *side = row->field[col->side];
		char **cell = &cells[(count + 1) * ONE_SIDED_COLUMNS];

		if (strcmp(row->field[col->candidate], candidate) != 0)
			continue;
		cell[0] = case_name(row, col->key);
		cell[1] = xstrdup(row->field[col->source]);
		cell[2] = xstrdup(
			strcmp(side, compare_side_names[COMPARE_SIDE_baseline]) == 0 ?
			baseline :
			strcmp(side, compare_side_names[COMPARE_SIDE_candidate]) == 0 ?
			candidate : "both, no figure in common");
		cell[3] = xstrdup(row->field[col->other_status]);
		cell[4] = xstrdup(row->field[col->reason]);
		count++;
	}
	sb_printf(&text, "Cases measured on one side only (%zu)", count);
	doc_heading(doc, 3, text.text);
	sb_reset(&text);
	if (!count) {
		doc_para(doc, "Every case measured on either side was measured "
			 "on both.");
	} else {
		sb_printf(&text, "These cases have figures on one target and "
			  "none on the other, so they have no ratio and are not "
			  "in the counts above: an allocator only one kernel "
			  "has, a key that differs (such as sheaf_capacity), a "
			  "case the other side refused or a sweep that differs. "
			  "\"other side\" is the status of the case there, "
			  "\"absent\" where it has no such case; they are in %s.",
			  compare_file_names[COMPARE_FILE_ONE_SIDED_CSV]);
		doc_para(doc, text.text);
		doc_table(doc, cells, count, ONE_SIDED_COLUMNS);
	}
	for (size_t i = 0; i < (count + 1) * ONE_SIDED_COLUMNS; i++)
		free(cells[i]);
	free(cells);
	sb_free(&text);
}

static void doc_targets(struct doc *doc, const struct csv_table *targets)
{
	size_t columns = targets->header.count;
	char **cells = xcalloc((targets->rows + 1) * columns, sizeof(*cells));

	for (size_t c = 0; c < columns; c++)
		cells[c] = targets->header.field[c];
	for (size_t r = 0; r < targets->rows; r++)
		for (size_t c = 0; c < columns; c++)
			cells[(r + 1) * columns + c] = targets->row[r].field[c];
	doc_table(doc, cells, targets->rows, columns);
	free(cells);
}

static const char html_head[] =
	"<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	"<title>kallocbench comparison</title>\n<style>\n"
	"body{font-family:sans-serif;margin:2em;max-width:80em}\n"
	"table{border-collapse:collapse;margin:1em 0}\n"
	"td,th{border:1px solid #bbb;padding:.2em .5em;text-align:left}\n"
	"th{background:#eee}\npre{background:#f4f4f4;padding:.5em}\n"
	"figure{margin:1em 0}\nfigure svg{max-width:100%;height:auto}\n"
	"</style>\n</head>\n<body>\n";

/* Whether every target was measured in icount mode. */
static bool all_icount(const struct csv_table *targets)
{
	int mode = csv_table_column(targets, "mode");

	for (size_t r = 0; r < targets->rows; r++)
		if (mode < 0 ||
		    strcmp(targets->row[r].field[mode], "qemu-icount") != 0)
			return false;
	return targets->rows > 0;
}

static void doc_body(struct doc *doc, const char *dir,
		     const struct csv_table *table,
		     const struct compare_columns *col,
		     const struct csv_table *one_sided,
		     const struct one_sided_columns *one_sided_col,
		     const struct csv_table *targets, const char *command)
{
	struct strbuf text = { 0 };
	int label = csv_table_column(targets, "label");

	sb_append(&text, "kallocbench comparison:");
	for (size_t r = 0; r < targets->rows && label >= 0; r++)
		sb_printf(&text, "%s %s", r ? " vs" : "",
			  targets->row[r].field[label]);
	doc_heading(doc, 1, text.text);
	sb_reset(&text);
	sb_printf(&text, "Each row of a table is one figure of a case measured "
		  "on every target: the mean over the target's boots and "
		  "repetitions, in nanoseconds of the target's mode of time. "
		  "In icount mode one ns is one guest instruction, so a change "
		  "is a change in instructions executed, not in time on any "
		  "real CPU. Ratio is candidate / baseline. How each pair was "
		  "judged is said above its tables; no change smaller than %g%% "
		  "or %g ns (instructions) is ever marked.",
		  100 * COMPARE_MIN_CHANGE, COMPARE_MIN_DIFFERENCE_NS);
	doc_para(doc, text.text);
	doc_heading(doc, 2, "Targets");
	doc_targets(doc, targets);
	doc_spreads(doc, table, col, targets);
	for (size_t r = 1; r < targets->rows && label >= 0; r++) {
		doc_pair(doc, table, col, targets->row[r].field[label],
			 all_icount(targets) ? "instructions" : "ns");
		doc_one_sided(doc, one_sided, one_sided_col,
			      targets->row[0].field[label],
			      targets->row[r].field[label]);
	}
	doc_heading(doc, 2, "Plots");
	doc_plots(doc, dir);
	doc_heading(doc, 2, "Reproduce");
	doc_para(doc, "Every figure is in compare.csv, every case measured on "
		 "one side only in one-sided.csv; each target's "
		 "meta.json (kernel, config, mode of time, accel, counters "
		 "unsupported) and sweep are under targets/. The command:");
	doc_code(doc, command);
	sb_free(&text);
}

static int write_doc(const char *dir, const struct doc *doc)
{
	struct strbuf path = { 0 }, html = { 0 };
	int result;

	sb_printf(&path, "%s/%s", dir, compare_file_names[COMPARE_FILE_REPORT_MD]);
	result = write_file(path.text, doc->md.text, doc->md.len);
	if (result == 0) {
		sb_reset(&path);
		sb_printf(&path, "%s/%s", dir,
			  compare_file_names[COMPARE_FILE_INDEX_HTML]);
		sb_printf(&html, "%s%s</body>\n</html>\n", html_head,
			  doc->html.text);
		result = write_file(path.text, html.text, html.len);
	}
	if (result < 0)
		fprintf(stderr, "kallocbench: cannot write %s: %m\n", path.text);
	sb_free(&path);
	sb_free(&html);
	return result;
}

/* DIR/@file into @table; 0, or -1 with @why. */
static int load_compare_file(const char *dir, enum compare_file file,
			     struct csv_table *table, char *why, size_t why_len)
{
	struct strbuf path = { 0 };
	int result;

	sb_printf(&path, "%s/%s", dir, compare_file_names[file]);
	result = csv_table_load(path.text, table, why, why_len);
	sb_free(&path);
	return result;
}

int report_write(const char *dir)
{
	struct csv_table table = { 0 }, targets = { 0 }, one_sided = { 0 };
	struct compare_columns col;
	struct one_sided_columns one_sided_col;
	struct strbuf path = { 0 };
	struct doc doc = { 0 };
	char why[512], *command = NULL;
	int result = -1;

	if (load_compare_file(dir, COMPARE_FILE_COMPARE_CSV, &table, why,
			      sizeof(why)) < 0 ||
	    load_compare_file(dir, COMPARE_FILE_ONE_SIDED_CSV, &one_sided, why,
			      sizeof(why)) < 0 ||
	    load_compare_file(dir, COMPARE_FILE_TARGETS_CSV, &targets, why,
			      sizeof(why)) < 0)
		goto out;
	if (map_compare_columns(&table, &col) < 0 ||
	    map_one_sided_columns(&one_sided, &one_sided_col) < 0) {
		snprintf(why, sizeof(why), "%s: not what kallocbench compare "
			 "writes", dir);
		goto out;
	}
	sb_printf(&path, "%s/%s", dir,
		  compare_file_names[COMPARE_FILE_COMMAND_TXT]);
	command = read_file(path.text, NULL);
	if (command)
		command[strcspn(command, "\n")] = '\0';
	doc_body(&doc, dir, &table, &col, &one_sided, &one_sided_col, &targets,
		 command ? command : "(not recorded)");
	result = write_doc(dir, &doc);
	why[0] = '\0';
out:
	if (result < 0 && why[0])
		fprintf(stderr, "kallocbench: %s\n", why);
	csv_table_free(&table);
	csv_table_free(&targets);
	csv_table_free(&one_sided);
	sb_free(&doc.md);
	sb_free(&doc.html);
	sb_free(&path);
	free(command);
	return result;
}

int cmd_report(int argc, char **argv)
{
	const char *dir;
	int status = cli_one_argument(argc, argv, report_usage, &dir);

	if (status != CLI_CONTINUE)
		return status;
	return report_write(dir) == 0 ? 0 : 1;
}
