#include "analysis/summary.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "output/csv.h"
#include "util/names.h"
#include "util/util.h"

static const char summary_usage[] =
	"usage: kallocbench summary DIR\n"
	"\n"
	"Prints DIR/cases.csv as a compact table: allocator, size or order, gfp,\n"
	"pattern, alloc mean and p99, free mean (ns), failures/ops and status.\n";

/* The cases.csv columns the table reads. */
#define USED_COLUMN_LIST(X)						\
	X(kernel) X(mode) X(config) X(allocator) X(size_bytes) X(order)	\
	X(gfp) X(pattern) X(alloc_ns_mean) X(alloc_ns_p99) X(free_ns_mean) \
	X(failures) X(ops_done) X(status)

#define USED_ENUM(name) COL_##name,
#define USED_NAME(name) #name,
enum used_column { USED_COLUMN_LIST(USED_ENUM) NR_USED_COLUMNS };
static const char *const used_names[NR_USED_COLUMNS] = {
	USED_COLUMN_LIST(USED_NAME)
};

/* X(title, right-aligned) */
#define TABLE_COLUMN_LIST(X)						\
	X("allocator", false) X("size/order", true) X("gfp", false)		\
	X("pattern", false) X("alloc mean", true) X("alloc p99", true)	\
	X("free mean", true) X("failures/ops", true) X("status", false)

#define TABLE_TITLE(title, right) title,
#define TABLE_RIGHT(title, right) right,
static const char *const table_titles[] = { TABLE_COLUMN_LIST(TABLE_TITLE) };
static const bool table_right[] = { TABLE_COLUMN_LIST(TABLE_RIGHT) };
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
		dash_if_empty(f[index[COL_alloc_ns_mean]]),
		dash_if_empty(f[index[COL_alloc_ns_p99]]),
		dash_if_empty(f[index[COL_free_ns_mean]]),
		ratio_cell(f[index[COL_failures]], f[index[COL_ops_done]]),
		xstrdup(f[index[COL_status]]),
	} };
}

/* Pads every cell but the last, so that lines carry no trailing blanks. */
static void print_cells(FILE *out, const char *const *cell,
			const size_t width[TABLE_COLUMNS])
{
	for (size_t c = 0; c < TABLE_COLUMNS; c++) {
		bool last = c + 1 == TABLE_COLUMNS;
		int pad = last && !table_right[c] ? 0 : (int)width[c];

		fprintf(out, "%s%*s", c ? "  " : "",
			table_right[c] ? pad : -pad, cell[c]);
	}
	fprintf(out, "\n");
}

static void print_table(FILE *out, const struct table *table)
{
	size_t width[TABLE_COLUMNS];

	for (size_t c = 0; c < TABLE_COLUMNS; c++) {
		width[c] = strlen(table_titles[c]);
		for (size_t r = 0; r < table->rows; r++)
			if (strlen(table->row[r].cell[c]) > width[c])
				width[c] = strlen(table->row[r].cell[c]);
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

static bool read_rows(char *text, struct table *table, struct strbuf *title,
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
		else if (table->rows == 0)
			set_title(title, &fields, index);
		if (ok)
			add_row(table, &fields, index);
		csv_fields_free(&fields);
	}
	csv_fields_free(&header);
	return ok;
}

int summary_print(FILE *out, const char *cases_csv, char *why, size_t why_len)
{
	char *text = xstrdup(cases_csv);
	struct strbuf title = { 0 };
	struct table table = { 0 };
	bool ok = read_rows(text, &table, &title, why, why_len);

	if (ok && table.rows == 0)
		fprintf(out, "no cases\n");
	if (ok && table.rows) {
		fprintf(out, "%s: %zu cases\n\n", title.text, table.rows);
		print_table(out, &table);
	}
	table_free(&table);
	sb_free(&title);
	free(text);
	return ok ? 0 : -1;
}

int cmd_summary(int argc, char **argv)
{
	struct strbuf path = { 0 };
	const char *dir;
	char why[256], *text;
	int status = cli_one_argument(argc, argv, summary_usage, &dir);

	if (status != CLI_CONTINUE)
		return status;
	sb_printf(&path, "%s/cases.csv", dir);
	text = read_file(path.text, NULL);
	if (!text) {
		fprintf(stderr, "kallocbench: cannot read %s: %m\n", path.text);
		status = 1;
	} else if (summary_print(stdout, text, why, sizeof(why)) < 0) {
		fprintf(stderr, "kallocbench: %s: %s\n", path.text, why);
		status = 1;
	} else {
		status = 0;
	}
	free(text);
	sb_free(&path);
	return status;
}
