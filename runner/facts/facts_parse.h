/*
 * Parsers of what `kallocbench facts` reads besides the module: /proc/meminfo,
 * /proc/zoneinfo, /proc/buddyinfo, a kernel .config and the output of the
 * kernel's scripts/checkstack.pl. Pure functions on text, for unit tests.
 */
#ifndef KAB_FACTS_PARSE_H
#define KAB_FACTS_PARSE_H

#include <stddef.h>
#include <stdint.h>

#define FACTS_ZONE_NAME_LEN 16
#define FACTS_MAX_ZONES 32

/* "Key:   123 kB" of /proc/meminfo, in bytes; 0, or -1 when absent. */
int meminfo_bytes(const char *text, const char *key, uint64_t *bytes);

/* One zone of /proc/zoneinfo. */
struct zoneinfo_zone {
	int node;
	char name[FACTS_ZONE_NAME_LEN];
	uint64_t present_pages;
	uint64_t managed_pages;
	uint64_t spanned_pages;
	uint64_t start_pfn;
};

/* The zones of /proc/zoneinfo in order, at most @max; returns how many. */
size_t zoneinfo_parse(const char *text, struct zoneinfo_zone *zones,
		      size_t max);

/*
 * The number of order columns of /proc/buddyinfo ("Node 0, zone DMA  1 2
 * ..."); -1 when there is no zone line or two lines disagree.
 */
int buddyinfo_columns(const char *text);

/*
 * The value of @name (e.g. "CONFIG_VMAP_STACK") in a .config: "y", "m", a
 * number or a string (quotes kept), "n" for "# CONFIG_X is not set". 0, or
 * -1 when the option is absent. @value has room for @len bytes.
 */
int kconfig_value(const char *text, const char *name, char *value, size_t len);

/* One line of checkstack.pl output: "0x1234 func [module]:  176". */
struct stack_frame {
	char function[64];
	uint64_t bytes;
};

/* The frames of checkstack.pl output, largest first as it prints them. */
size_t checkstack_parse(const char *text, struct stack_frame *frames,
			size_t max);

#endif
