/* RFC 4180 CSV: building rows field by field and splitting them again. */
#ifndef KAB_CSV_H
#define KAB_CSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/util.h"

struct csv_row {
	struct strbuf line;
	size_t fields;
};

/* Appends @text as the next field, quoted when it needs to be; control
 * characters (newlines too) become spaces. */
void csv_add(struct csv_row *row, const char *text);
void csv_add_empty(struct csv_row *row);
void csv_add_u64(struct csv_row *row, uint64_t value);
/* One decimal, the precision percentiles and means are reported with. */
void csv_add_tenths(struct csv_row *row, double value);
/* The row's text without a newline; the row is empty afterwards. */
char *csv_finish(struct csv_row *row);

struct csv_fields {
	char **field;
	size_t count;
	size_t capacity;
};

/* Splits one line (no newline) into @fields; false on an unterminated quote. */
bool csv_split(const char *line, struct csv_fields *fields);
void csv_fields_free(struct csv_fields *fields);

#endif
