#include "analysis/summary.h"

#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "output/csv.h"
#include "schema/columns.h"
#include "output/table.h"
#include "util/names.h"
#include "util/util.h"

static const char summary_usage[] =
	"usage: kallocbench summary [--landmarks] DIR\n"
	"\n"
	"Prints how many cases DIR/cases.csv and DIR/access.csv hold and how\n"
	"many ran, were refused or failed, then cases.csv as a compact table:\n"
	"allocator, size or order, gfp, pattern (and context, pressure and\n"
	"fragmentation where the run has more than one), alloc mean and p99,\n"
	"free mean (ns), failures/ops and status.\n"
	"\n"
	"  --landmarks    only a few sizes and orders, every case that did not\n"
	"                 run and every case whose operations all failed\n";

/* The cases.csv columns the table reads. */
#define USED_COLUMN_LIST(X)						\
	X(kernel) X(mode) X(config) X(allocator) X(size_bytes) X(order)	\
	X(gfp) X(pattern) X(context) X(pressure) X(frag_level) X(frag_kind) \
	X(alloc_ns_mean) X(alloc_ns_p99) X(free_ns_mean) X(failures)	\
	X(ops_done) X(status)

#define USED_IS_COLUMN(name) _Static_assert(CASES_COLUMN_##name >= 0, #name);
USED_COLUMN_LIST(USED_IS_COLUMN)
#define USED_ENUM(name) COL_##name,
#define USED_NAME(name) #name,
enum used_column { USED_COLUMN_LIST(USED_ENUM) NR_USED_COLUMNS };
static const char *const used_names[NR_USED_COLUMNS] = {
	USED_COLUMN_LIST(USED_NAME)
};

/*
 * X(title, right-aligned, shown only when its cells differ): a column that
 * is the same in every row (the context of a sweep without contexts)
 * would only widen the table.
 */
#define TABLE_COLUMN_LIST(X)						\
	X("allocator", false, false) X("size/order", true, false)	\
	X("gfp", false, false) X("pattern", false, false)		\
	X("context", false, true) X("pressure", false, true)		\
	X("frag", false, true) X("alloc mean", true, false)		\
	X("alloc p99", true, false) X("free mean", true, false)		\
	X("failures/ops", true, false) X("status", false, false)

#define TABLE_TITLE(title, right, optional) title,
#define TABLE_RIGHT(title, right, optional) right,
#define TABLE_OPTIONAL(title, right, optional) optional,
static const char *const table_titles[] = { TABLE_COLUMN_LIST(TABLE_TITLE) };
static const bool table_right[] = { TABLE_COLUMN_LIST(TABLE_RIGHT) };
static const bool table_optional[] = { TABLE_COLUMN_LIST(TABLE_OPTIONAL) };
#define TABLE_COLUMNS ARRAY_SIZE(table_titles)

struct table_row {
	char *cell[TABLE_COLUMNS];
};

struct table {
	struct table_row *row;
	size_t rows;
	size_t capacity;
};

/* Index in the CSV header of each used column; -1 for a missing one. */
static bool map_columns(const struct csv_fields *header,
			int index[NR_USED_COLUMNS], char *why, size_t why_len)
{
	for (int used = 0; used < NR_USED_COLUMNS; used++) {
		index[used] = kab_name_index((const char *const *)header->field,
					     header->count, used_names[used]);
		if (index[used] < 0) {
			snprintf(why, why_len, "cases.csv has no %s column",
				 used_names[used]);
			return false;
		}
	}
	return true;
}

static char *dash_if_empty(const char *text)
{
	return xstrdup(*text ? text : "-");
}

static char *size_cell(const char *size_bytes, const char *order)
{
	char text[32];

	if (!*size_bytes && *order)
		snprintf(text, sizeof(text), "order %s", order);
	else if (!*size_bytes)
		snprintf(text, sizeof(text), "-");
	else
		format_size(strtoull(size_bytes, NULL, 10), text);
	return xstrdup(text);
}

static char *ratio_cell(const char *failures, const char *ops)
{
	struct strbuf text = { 0 };

	if (!*failures || !*ops)
		return xstrdup("-");
	sb_printf(&text, "%s/%s", failures, ops);
	return sb_steal(&text);
}

/* "heavy unmovable", "none" without fragmentation. */
static char *frag_cell(const char *level, const char *kind)
{
	struct strbuf text = { 0 };

	sb_printf(&text, "%s", *level ? level : "none");
	if (*kind && strcmp(kind, "none") != 0)
		sb_printf(&text, " %s", kind);
	return sb_steal(&text);
}

static void add_row(struct table *table, const struct csv_fields *fields,
		    const int index[NR_USED_COLUMNS])
{
	char *const *f = fields->field;
	struct table_row *row;

	xgrow((void **)&table->row, &table->capacity, table->rows + 1,
	      sizeof(*table->row));
	row = &table->row[table->rows++];
	*row = (struct table_row){ {
		xstrdup(f[index[COL_allocator]]),
		size_cell(f[index[COL_size_bytes]], f[index[COL_order]]),
		xstrdup(f[index[COL_gfp]]),
		xstrdup(f[index[COL_pattern]]),
		xstrdup(f[index[COL_context]]),
		xstrdup(f[index[COL_pressure]]),
		frag_cell(f[index[COL_frag_level]], f[index[COL_frag_kind]]),
		dash_if_empty(f[index[COL_alloc_ns_mean]]),
		dash_if_empty(f[index[COL_alloc_ns_p99]]),
		dash_if_empty(f[index[COL_free_ns_mean]]),
		ratio_cell(f[index[COL_failures]], f[index[COL_ops_done]]),
		xstrdup(f[index[COL_status]]),
	} };
}

/*
 * Pads every cell but the last, so that lines carry no trailing blanks;
 * a column of width 0 is not shown.
 */
static void print_cells(FILE *out, const char *const *cell,
			const size_t width[TABLE_COLUMNS])
{
	bool first = true;

	for (size_t c = 0; c < TABLE_COLUMNS; c++) {
		bool last = c + 1 == TABLE_COLUMNS;
		int pad = last && !table_right[c] ? 0 : (int)width[c];

		if (!width[c])
			continue;
		fprintf(out, "%s%*s", first ? "" : "  ",
			table_right[c] ? pad : -pad, cell[c]);
		first = false;
	}
	fprintf(out, "\n");
}

static bool column_varies(const struct table *table, size_t c)
{
	for (size_t r = 1; r < table->rows; r++)
		if (strcmp(table->row[r].cell[c], table->row[0].cell[c]) != 0)
			return true;
	return false;
}

static void print_table(FILE *out, const struct table *table)
{
	size_t width[TABLE_COLUMNS];

	for (size_t c = 0; c < TABLE_COLUMNS; c++) {
		width[c] = strlen(table_titles[c]);
		for (size_t r = 0; r < table->rows; r++)
			if (strlen(table->row[r].cell[c]) > width[c])
				width[c] = strlen(table->row[r].cell[c]);
		if (table_optional[c] && !column_varies(table, c))
			width[c] = 0;
	}
	print_cells(out, table_titles, width);
	for (size_t r = 0; r < table->rows; r++)
		print_cells(out, (const char *const *)table->row[r].cell, width);
}

static void table_free(struct table *table)
{
	for (size_t r = 0; r < table->rows; r++)
		for (size_t c = 0; c < TABLE_COLUMNS; c++)
			free(table->row[r].cell[c]);
	free(table->row);
}

/* Splits the next line off *@text, in place. */
static char *next_line(char **text)
{
	char *line = *text, *newline;

	if (!*line)
		return NULL;
	newline = strchr(line, '\n');
	*text = newline ? newline + 1 : line + strlen(line);
	if (newline)
		*newline = '\0';
	return line;
}

static void set_title(struct strbuf *title, const struct csv_fields *fields,
		      const int index[NR_USED_COLUMNS])
{
	char *const *f = fields->field;

	sb_printf(title, "kernel %s, mode %s, config %s", f[index[COL_kernel]],
		  f[index[COL_mode]], f[index[COL_config]]);
}

const char summary_percentile_note[] =
	"\np99 is the nearest-rank percentile read off the latency histogram as\n"
	"the midpoint of its bucket (buckets up to 0.8% wide); the mean is exact,\n"
	"so where nearly every sample shares a bucket the p99 may sit below it.\n";

/* How the cases of both files ended, by their status column. */
struct status_counts {
	size_t ran, refused, failed, interrupted;
};

static void count_status(struct status_counts *counts, const char *status)
{
	if (strcmp(status, "ok") == 0)
		counts->ran++;
	else if (strcmp(status, "refused") == 0)
		counts->refused++;
	else if (strcmp(status, "interrupted") == 0)
		counts->interrupted++;
	else
		counts->failed++;
}

/* The sizes and orders --landmarks shows, as cases.csv writes them. */
static const char *const landmark_sizes[] = {
	"64", "4096", "65536", "4194304", "67108864",
};
static const char *const landmark_orders[] = { "0", "3", "9" };

static bool listed(const char *value, const char *const *list, size_t count)
{
	for (size_t i = 0; i < count; i++)
		if (strcmp(value, list[i]) == 0)
			return true;
	return false;
}

/* A landmark size or order, a case that did not run, or one that never
 * got memory. */
static bool is_landmark(const struct csv_fields *fields,
			const int index[NR_USED_COLUMNS])
{
	char *const *f = fields->field;
	const char *failures = f[index[COL_failures]];

	return listed(f[index[COL_size_bytes]], landmark_sizes,
		      ARRAY_SIZE(landmark_sizes)) ||
	       listed(f[index[COL_order]], landmark_orders,
		      ARRAY_SIZE(landmark_orders)) ||
	       strcmp(f[index[COL_status]], "ok") != 0 ||
	       (*failures && strcmp(failures, f[index[COL_ops_done]]) == 0);
}

struct summary_rows {
	struct table table;
	struct strbuf title;
	struct status_counts status;
	size_t cases;
	size_t access_cases;
};

static bool read_rows(char *text, bool landmarks, struct summary_rows *rows,
		      char *why, size_t why_len)
{
	struct csv_fields header = { 0 };
	int index[NR_USED_COLUMNS];
	char *line = next_line(&text);
	unsigned number = 1;
	bool ok;

	if (!line || !csv_split(line, &header)) {
		snprintf(why, why_len, "cases.csv has no header line");
		return false;
	}
	ok = map_columns(&header, index, why, why_len);
	while (ok && (line = next_line(&text))) {
		struct csv_fields fields = { 0 };

		number++;
		ok = csv_split(line, &fields) && fields.count == header.count;
		if (!ok)
			snprintf(why, why_len, "cases.csv:%u: malformed row",
				 number);
		else if (rows->cases++ == 0)
			set_title(&rows->title, &fields, index);
		if (ok)
			count_status(&rows->status, fields.field[index[COL_status]]);
		if (ok && (!landmarks || is_landmark(&fields, index)))
			add_row(&rows->table, &fields, index);
		csv_fields_free(&fields);
	}
	csv_fields_free(&header);
	return ok;
}

/* access.csv's cases into @rows: their status and, alone, the title. */
static bool read_access(const char *text, struct summary_rows *rows,
			char *why, size_t why_len)
{
	struct csv_table table;
	int status, kernel, mode, config;

	if (csv_table_parse(text, "access.csv", &table, why, why_len) < 0)
		return false;
	status = csv_table_column(&table, "status");
	kernel = csv_table_column(&table, "kernel");
	mode = csv_table_column(&table, "mode");
	config = csv_table_column(&table, "config");
	if (status < 0 || kernel < 0 || mode < 0 || config < 0) {
		snprintf(why, why_len, "access.csv has no %s column",
			 status < 0 ? "status" : kernel < 0 ? "kernel" :
			 mode < 0 ? "mode" : "config");
		csv_table_free(&table);
		return false;
	}
	for (size_t r = 0; r < table.rows; r++)
		count_status(&rows->status, table.row[r].field[status]);
	if (table.rows && !rows->cases)
		sb_printf(&rows->title, "kernel %s, mode %s, config %s",
			  table.row[0].field[kernel], table.row[0].field[mode],
			  table.row[0].field[config]);
	rows->access_cases = table.rows;
	csv_table_free(&table);
	return true;
}

static void print_counts(FILE *out, const struct summary_rows *rows)
{
	const struct status_counts *s = &rows->status;

	fprintf(out, "%s: %zu allocation cases", rows->title.text, rows->cases);
	if (rows->access_cases)
		fprintf(out, ", %zu access cases (access.csv)",
			rows->access_cases);
	fprintf(out, "; %zu ran, %zu refused, %zu failed", s->ran, s->refused,
		s->failed);
	if (s->interrupted)
		fprintf(out, ", %zu interrupted", s->interrupted);
	fprintf(out, "\n%s\n\n", strstr(rows->title.text, "mode qemu-icount") ?
		"figures in guest instructions (icount: one virtual ns each), "
		"not time on any CPU" : "figures in ns");
}

int summary_print(FILE *out, const struct summary_input *in, char *why,
		  size_t why_len)
{
	char *text = xstrdup(in->cases_csv);
	struct summary_rows rows = { 0 };
	bool ok = read_rows(text, in->landmarks, &rows, why, why_len) &&
		  (!in->access_csv ||
		   read_access(in->access_csv, &rows, why, why_len));

	if (ok && !rows.cases && !rows.access_cases)
		fprintf(out, "no cases\n");
	else if (ok)
		print_counts(out, &rows);
	if (ok && rows.cases && in->landmarks)
		fprintf(out, "landmark cases, %zu of %zu:\n", rows.table.rows,
			rows.cases);
	if (ok && rows.cases) {
		print_table(out, &rows.table);
		fputs(summary_percentile_note, out);
	}
	if (ok && !rows.cases && rows.access_cases)
		fprintf(out, "no allocation cases: the access benchmark's are "
			"in access.csv, breakeven.txt and the tradeoff-* "
			"plots\n");
	table_free(&rows.table);
	sb_free(&rows.title);
	free(text);
	return ok ? 0 : -1;
}

/* DIR/NAME's text; NULL when @optional and it does not exist. */
static char *read_result(const char *dir, const char *name, bool optional,
			 bool *failed)
{
	struct strbuf path = { 0 };
	char *text;

	sb_printf(&path, "%s/%s", dir, name);
	text = read_file(path.text, NULL);
	if (!text && !(optional && errno == ENOENT)) {
		fprintf(stderr, "kallocbench: cannot read %s: %m\n", path.text);
		*failed = true;
	}
	sb_free(&path);
	return text;
}

int cmd_summary(int argc, char **argv)
{
	static const struct option long_options[] = {
		{ "landmarks", no_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct summary_input in = { 0 };
	char why[256], *cases, *access;
	bool failed = false;
	int option, status;

	optind = 0;
	while ((option = getopt_long(argc, argv, "h", long_options, NULL)) != -1) {
		switch (option) {
		case 'l': in.landmarks = true; break;
		case 'h': return cli_help(summary_usage);
		default: return cli_usage_error(summary_usage, NULL);
		}
	}
	if (argc - optind != 1)
		return cli_usage_error(summary_usage, "give one results folder");
	cases = read_result(argv[optind], "cases.csv", false, &failed);
	access = read_result(argv[optind], "access.csv", true, &failed);
	in.cases_csv = cases;
	in.access_csv = access;
	if (failed) {
		status = 1;
	} else if (summary_print(stdout, &in, why, sizeof(why)) < 0) {
		fprintf(stderr, "kallocbench: %s: %s\n", argv[optind], why);
		status = 1;
	} else {
		status = 0;
	}
	free(cases);
	free(access);
	return status;
}
