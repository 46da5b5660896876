#include "output/csv.h"

#include <stdlib.h>
#include <string.h>

static void add_separator(struct csv_row *row)
{
	if (row->fields++)
		sb_append(&row->line, ",");
}

/*
 * A row is one line of a file and one record of the stream, so control
 * characters (newlines included) become spaces: never a raw newline in a row.
 */
void csv_add(struct csv_row *row, const char *text)
{
	bool quote = strpbrk(text, ",\"") != NULL;

	add_separator(row);
	if (quote)
		sb_append(&row->line, "\"");
	for (const char *c = text; *c; c++) {
		unsigned char byte = (unsigned char)*c;

		if (byte < 0x20 || byte == 0x7f)
			sb_append(&row->line, " ");
		else if (byte == '"')
			sb_append(&row->line, "\"\"");
		else
			sb_append_len(&row->line, c, 1);
	}
	if (quote)
		sb_append(&row->line, "\"");
}

void csv_add_empty(struct csv_row *row)
{
	add_separator(row);
}

void csv_add_u64(struct csv_row *row, uint64_t value)
{
	add_separator(row);
	sb_printf(&row->line, "%llu", (unsigned long long)value);
}

void csv_add_tenths(struct csv_row *row, double value)
{
	add_separator(row);
	sb_printf(&row->line, "%.1f", value);
}

char *csv_finish(struct csv_row *row)
{
	row->fields = 0;
	return sb_steal(&row->line);
}

static void push_field(struct csv_fields *fields, struct strbuf *field)
{
	xgrow((void **)&fields->field, &fields->capacity, fields->count + 1,
	      sizeof(*fields->field));
	fields->field[fields->count++] = sb_steal(field);
}

bool csv_split(const char *line, struct csv_fields *fields)
{
	struct strbuf field = { 0 };
	bool quoted = false;

	for (const char *c = line;; c++) {
		if (quoted && *c == '"' && c[1] == '"') {
			sb_append_len(&field, c++, 1);
		} else if (*c == '"') {
			quoted = !quoted;
		} else if (*c == '\0' || (!quoted && *c == ',')) {
			if (*c == '\0' && quoted) {
				sb_free(&field);
				return false;
			}
			push_field(fields, &field);
			if (*c == '\0')
				return true;
		} else {
			sb_append_len(&field, c, 1);
		}
	}
}

void csv_fields_free(struct csv_fields *fields)
{
	for (size_t i = 0; i < fields->count; i++)
		free(fields->field[i]);
	free(fields->field);
	*fields = (struct csv_fields){ 0 };
}
