/* A whole CSV file in memory, its columns found by name. */
#ifndef KAB_TABLE_H
#define KAB_TABLE_H

#include <stddef.h>

#include "output/csv.h"

struct csv_table {
	struct csv_fields header;
	struct csv_fields *row;
	size_t rows;
	size_t capacity;
};

/*
 * Splits @text (a header line, then rows) into @table. A row with another
 * number of fields than the header, or an unterminated quote, is an error
 * naming @name and the line; returns 0 or -1 with @why filled.
 */
int csv_table_parse(const char *text, const char *name,
		    struct csv_table *table, char *why, size_t why_len);
/* Reads and parses @path the same way. */
int csv_table_load(const char *path, struct csv_table *table, char *why,
		   size_t why_len);
/* Index of column @name, or -1. */
int csv_table_column(const struct csv_table *table, const char *name);
void csv_table_free(struct csv_table *table);

#endif
