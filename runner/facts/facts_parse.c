#include "facts/facts_parse.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The start of the line after @line, or NULL at the end. */
static const char *next_line(const char *line)
{
	const char *newline = strchr(line, '\n');

	return newline ? newline + 1 : NULL;
}

int meminfo_bytes(const char *text, const char *key, uint64_t *bytes)
{
	size_t key_len = strlen(key);

	for (const char *line = text; line && *line; line = next_line(line)) {
		unsigned long long value;
		char unit[8] = "";
		int fields;

		if (strncmp(line, key, key_len) != 0 || line[key_len] != ':')
			continue;
		fields = sscanf(line + key_len + 1, "%llu %7s", &value, unit);
		if (fields < 1)
			return -1;
		*bytes = fields == 2 && strcmp(unit, "kB") == 0 ?
			 (uint64_t)value * 1024 : (uint64_t)value;
		return 0;
	}
	return -1;
}

size_t zoneinfo_parse(const char *text, struct zoneinfo_zone *zones,
		      size_t max)
{
	struct zoneinfo_zone *zone = NULL;
	size_t count = 0;

	for (const char *line = text; line && *line; line = next_line(line)) {
		char name[FACTS_ZONE_NAME_LEN];
		unsigned long long value;
		int node;

		if (sscanf(line, "Node %d, zone %15s", &node, name) == 2) {
			zone = count < max ? &zones[count++] : NULL;
			if (zone) {
				*zone = (struct zoneinfo_zone){ .node = node };
				snprintf(zone->name, sizeof(zone->name), "%s",
					 name);
			}
			continue;
		}
		if (!zone)
			continue;
		while (*line == ' ' || *line == '\t')
			line++;
		if (sscanf(line, "present %llu", &value) == 1)
			zone->present_pages = value;
		else if (sscanf(line, "managed %llu", &value) == 1)
			zone->managed_pages = value;
		else if (sscanf(line, "spanned %llu", &value) == 1)
			zone->spanned_pages = value;
		else if (sscanf(line, "start_pfn: %llu", &value) == 1)
			zone->start_pfn = value;
	}
	return count;
}

int buddyinfo_columns(const char *text)
{
	int columns = -1;

	for (const char *line = text; line && *line; line = next_line(line)) {
		const char *end = strchr(line, '\n');
		char name[FACTS_ZONE_NAME_LEN];
		int node, offset = 0, count = 0;
		const char *p;

		if (sscanf(line, "Node %d, zone %15s%n", &node, name, &offset) != 2)
			continue;
		p = line + offset;
		if (!end)
			end = p + strlen(p);
		while (p < end) {
			char *after;

			while (p < end && isspace((unsigned char)*p))
				p++;
			if (p >= end)
				break;
			strtoull(p, &after, 10);
			if (after == p)
				return -1;
			count++;
			p = after;
		}
		if (columns >= 0 && columns != count)
			return -1;
		columns = count;
	}
	return columns;
}

int kconfig_value(const char *text, const char *name, char *value, size_t len)
{
	size_t name_len = strlen(name);

	for (const char *line = text; line && *line; line = next_line(line)) {
		const char *end = strchr(line, '\n');
		size_t line_len = end ? (size_t)(end - line) : strlen(line);

		if (line_len > name_len && strncmp(line, name, name_len) == 0 &&
		    line[name_len] == '=') {
			snprintf(value, len, "%.*s", (int)(line_len - name_len - 1),
				 line + name_len + 1);
			return 0;
		}
		if (strncmp(line, "# ", 2) == 0 &&
		    strncmp(line + 2, name, name_len) == 0 &&
		    strncmp(line + 2 + name_len, " is not set", 11) == 0) {
			snprintf(value, len, "n");
			return 0;
		}
	}
	return -1;
}

size_t checkstack_parse(const char *text, struct stack_frame *frames,
			size_t max)
{
	size_t count = 0;

	for (const char *line = text; line && *line && count < max;
	     line = next_line(line)) {
		const char *end = strchr(line, '\n');
		size_t line_len = end ? (size_t)(end - line) : strlen(line);
		char copy[256], *colon, *function;
		unsigned long long bytes;

		if (line_len >= sizeof(copy))
			continue;
		memcpy(copy, line, line_len);
		copy[line_len] = '\0';
		colon = strrchr(copy, ':');
		if (strncmp(copy, "0x", 2) != 0 || !colon ||
		    sscanf(colon + 1, "%llu", &bytes) != 1)
			continue;
		*colon = '\0';
		function = copy + strcspn(copy, " \t");
		function += strspn(function, " \t");
		function[strcspn(function, " \t")] = '\0';
		if (!*function)
			continue;
		snprintf(frames[count].function, sizeof(frames[count].function),
			 "%s", function);
		frames[count].bytes = bytes;
		count++;
	}
	return count;
}
