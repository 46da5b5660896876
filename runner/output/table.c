#include "output/table.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/names.h"
#include "util/util.h"

int csv_table_parse(const char *text, const char *name,
		    struct csv_table *table, char *why, size_t why_len)
{
	unsigned number = 0;

	*table = (struct csv_table){ 0 };
	while (*text) {
		const char *newline = strchr(text, '\n');
		size_t len = newline ? (size_t)(newline - text) : strlen(text);
		char *line = xstrndup(text, len);
		struct csv_fields fields = { 0 };
		bool ok = csv_split(line, &fields);

		free(line);
		number++;
		text += len + (newline != NULL);
		if (ok && number > 1 && fields.count != table->header.count)
			ok = false;
		if (!ok) {
			snprintf(why, why_len, "%s:%u: malformed row", name,
				 number);
			csv_fields_free(&fields);
			csv_table_free(table);
			return -1;
		}
		if (number == 1) {
			table->header = fields;
			continue;
		}
		xgrow((void **)&table->row, &table->capacity, table->rows + 1,
		      sizeof(*table->row));
		table->row[table->rows++] = fields;
	}
	if (number == 0) {
		snprintf(why, why_len, "%s: no header line", name);
		return -1;
	}
	return 0;
}

int csv_table_load(const char *path, struct csv_table *table, char *why,
		   size_t why_len)
{
	char *text = read_file(path, NULL);
	int result;

	if (!text) {
		snprintf(why, why_len, "cannot read %s: %s", path,
			 strerror(errno));
		return -1;
	}
	result = csv_table_parse(text, path, table, why, why_len);
	free(text);
	return result;
}

int csv_table_column(const struct csv_table *table, const char *name)
{
	return kab_name_index((const char *const *)table->header.field,
			      table->header.count, name);
}

void csv_table_free(struct csv_table *table)
{
	csv_fields_free(&table->header);
	for (size_t r = 0; r < table->rows; r++)
		csv_fields_free(&table->row[r]);
	free(table->row);
	*table = (struct csv_table){ 0 };
}
