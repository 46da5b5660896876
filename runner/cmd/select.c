/* `kallocbench select`: columns of a results CSV by name, for scripts. */
#include "cmd/select.h"

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "output/csv.h"
#include "output/table.h"
#include "util/util.h"

static const char select_usage[] =
	"usage: kallocbench select [--where COLUMN=VALUE]... [--distinct] [--csv]\n"
	"                          FILE [COLUMN...]\n"
	"       kallocbench select --columns FILE\n"
	"\n"
	"Prints the named columns of FILE's rows, in the file's order, one row a\n"
	"line, the fields separated by tabs; without a COLUMN, every column. FILE\n"
	"is a CSV with a header line (cases.csv, access.csv, breakeven.csv, ...),\n"
	"read as RFC 4180: a quoted field may hold commas and quotes. An empty\n"
	"FILE has no rows. A COLUMN that FILE lacks is an error that names FILE\n"
	"and its columns (exit 2).\n"
	"\n"
	"  --where COLUMN=VALUE   only the rows whose COLUMN is VALUE;\n"
	"                         COLUMN!=VALUE: is not (COLUMN!= : not empty);\n"
	"                         every --where must hold\n"
	"  --distinct             each line once, where it first appears\n"
	"  --csv                  CSV instead, quoted where needed, after the\n"
	"                         header line of the columns printed\n"
	"  --columns              FILE's column names, one a line\n";

/* COLUMN=VALUE or COLUMN!=VALUE as given; the column is found in the file. */
struct condition {
	const char *text;
	const char *value;
	bool negated;
	int column;
};

struct selection {
	struct condition *where;
	size_t conditions;
	int *column;
	size_t columns;
	bool distinct;
	bool csv;
};

/*
 * The column named before the @nth '=' of @text (without a '!' before it),
 * copied; NULL when there is no such '=' or the name would be empty.
 */
static char *condition_column(const char *text, size_t nth, const char **equals)
{
	const char *at = text - 1, *end;

	for (size_t i = 0; i <= nth; i++)
		if (!(at = strchr(at + 1, '=')))
			return NULL;
	end = at > text && at[-1] == '!' ? at - 1 : at;
	*equals = at;
	return end > text ? xstrndup(text, (size_t)(end - text)) : NULL;
}

static int parse_condition(const char *text, struct condition *condition)
{
	const char *equals;
	char *name = condition_column(text, 0, &equals);

	if (!name)
		return -1;
	free(name);
	condition->text = text;
	return 0;
}

static void selection_free(struct selection *s)
{
	free(s->where);
}

/* The index of @name in @table, or -1 after saying which columns it has. */
static int find_column(const struct csv_table *table, const char *path,
		       const char *name)
{
	int column = csv_table_column(table, name);
	struct strbuf known = { 0 };

	if (column >= 0)
		return column;
	for (size_t i = 0; i < table->header.count; i++)
		sb_printf(&known, "%s%s", i ? " " : "", table->header.field[i]);
	fprintf(stderr, "kallocbench select: %s has no column '%s' (columns: %s)\n",
		path, name, known.text ? known.text : "none");
	sb_free(&known);
	return -1;
}

/*
 * Splits @c at the first '=' that follows a column of @table, so that a
 * counter named with '=' (cpu/event=0x3c/) can be a COLUMN too; an unknown
 * column is said by the name before the first '='.
 */
static int resolve_condition(const struct csv_table *table, const char *path,
			     struct condition *c)
{
	const char *equals;
	char *name;

	for (size_t nth = 0; (name = condition_column(c->text, nth, &equals));
	     nth++) {
		c->column = csv_table_column(table, name);
		free(name);
		if (c->column >= 0) {
			c->negated = equals[-1] == '!';
			c->value = equals + 1;
			return 0;
		}
	}
	name = condition_column(c->text, 0, &equals);
	find_column(table, path, name);
	free(name);
	return -1;
}

static bool row_matches(const struct csv_fields *row,
			const struct selection *s)
{
	for (size_t i = 0; i < s->conditions; i++) {
		const struct condition *c = &s->where[i];

		if ((strcmp(row->field[c->column], c->value) == 0) == c->negated)
			return false;
	}
	return true;
}

static char *format_line(const struct csv_fields *fields, const int *column,
			 size_t columns, bool csv)
{
	struct csv_row row = { 0 };
	struct strbuf line = { 0 };

	if (csv) {
		for (size_t i = 0; i < columns; i++)
			csv_add(&row, fields->field[column[i]]);
		return csv_finish(&row);
	}
	for (size_t i = 0; i < columns; i++)
		sb_printf(&line, "%s%s", i ? "\t" : "", fields->field[column[i]]);
	return line.text ? sb_steal(&line) : xstrdup("");
}

static bool seen_before(char **lines, size_t count, const char *line)
{
	for (size_t i = 0; i < count; i++)
		if (strcmp(lines[i], line) == 0)
			return true;
	return false;
}

static void print_rows(const struct csv_table *table,
		       const struct selection *s)
{
	char **printed = xcalloc(table->rows + 1, sizeof(*printed));
	size_t count = 0;
	char *line;

	if (s->csv) {
		line = format_line(&table->header, s->column, s->columns, true);
		printf("%s\n", line);
		free(line);
	}
	for (size_t r = 0; r < table->rows; r++) {
		if (!row_matches(&table->row[r], s))
			continue;
		line = format_line(&table->row[r], s->column, s->columns,
				   s->csv);
		if (s->distinct && seen_before(printed, count, line)) {
			free(line);
			continue;
		}
		printf("%s\n", line);
		printed[count++] = line;
	}
	for (size_t i = 0; i < count; i++)
		free(printed[i]);
	free(printed);
}

static int select_from(const char *path, char **names, size_t nr_names,
		       struct selection *s, bool list_columns)
{
	struct csv_table table = { 0 };
	char *text = read_file(path, NULL);
	char why[512];
	int status = 0;

	if (!text) {
		fprintf(stderr, "kallocbench select: cannot read %s: %m\n", path);
		return 1;
	}
	if (!*text) {
		free(text);
		return 0;
	}
	if (csv_table_parse(text, path, &table, why, sizeof(why)) < 0) {
		fprintf(stderr, "kallocbench select: %s\n", why);
		free(text);
		return 1;
	}
	free(text);
	if (list_columns) {
		for (size_t i = 0; i < table.header.count; i++)
			printf("%s\n", table.header.field[i]);
		csv_table_free(&table);
		return 0;
	}
	s->columns = nr_names ? nr_names : table.header.count;
	s->column = xcalloc(s->columns, sizeof(*s->column));
	for (size_t i = 0; i < s->columns && status == 0; i++) {
		s->column[i] = nr_names ? find_column(&table, path, names[i]) :
					  (int)i;
		if (s->column[i] < 0)
			status = CLI_USAGE;
	}
	for (size_t i = 0; i < s->conditions && status == 0; i++)
		if (resolve_condition(&table, path, &s->where[i]) < 0)
			status = CLI_USAGE;
	if (status == 0)
		print_rows(&table, s);
	free(s->column);
	csv_table_free(&table);
	return status;
}

int cmd_select(int argc, char **argv)
{
	static const struct option long_options[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "where", required_argument, NULL, 'w' },
		{ "distinct", no_argument, NULL, 'd' },
		{ "csv", no_argument, NULL, 'c' },
		{ "columns", no_argument, NULL, 'l' },
		{ 0 },
	};
	struct selection s = { .where = xcalloc((size_t)argc, sizeof(*s.where)) };
	bool list_columns = false;
	int option, status;

	optind = 0;
	while ((option = getopt_long(argc, argv, "h", long_options, NULL)) != -1) {
		switch (option) {
		case 'h':
			selection_free(&s);
			return cli_help(select_usage);
		case 'w':
			if (parse_condition(optarg, &s.where[s.conditions]) == 0) {
				s.conditions++;
				break;
			}
			selection_free(&s);
			return cli_usage_error(select_usage,
					       "--where takes COLUMN=VALUE or COLUMN!=VALUE");
		case 'd':
			s.distinct = true;
			break;
		case 'c':
			s.csv = true;
			break;
		case 'l':
			list_columns = true;
			break;
		default:
			selection_free(&s);
			return cli_usage_error(select_usage, NULL);
		}
	}
	if (argc - optind < 1 || (list_columns && argc - optind != 1)) {
		selection_free(&s);
		return cli_usage_error(select_usage, list_columns ?
				       "--columns takes one FILE" : "expected a FILE");
	}
	status = select_from(argv[optind], argv + optind + 1,
			     (size_t)(argc - optind - 1), &s, list_columns);
	selection_free(&s);
	return status;
}
