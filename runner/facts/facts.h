/*
 * `kallocbench facts`: textbook claims about kernel memory, each measured on
 * the running kernel and judged. facts.c measures (module probes, /proc
 * files, the kernel's config and checkstack.pl output shipped in the
 * initramfs) and writes; facts_rows() turns the measurements into the table
 * and is pure, for unit tests.
 */
#ifndef KAB_FACTS_H
#define KAB_FACTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kallocbench.h>

#include "facts/facts_parse.h"
#include "util/util.h"

#define VERDICT_LIST(X)					\
	X(HOLDS, "holds")				\
	X(DOES_NOT_HOLD, "does not hold here")		\
	X(DEPENDS, "depends")				\
	X(NOT_MEASURED, "not measured")

#define VERDICT_ENUM(id, text) VERDICT_##id,
enum verdict {
	VERDICT_LIST(VERDICT_ENUM)
	NR_VERDICTS
};
extern const char *const verdict_names[NR_VERDICTS];

/* One KAB_IOC_PROBE call: done (the module answered), or why not. */
struct probe_result {
	bool done;
	/* the errno of the ioctl, 0 when done */
	int error;
	struct kab_probe p;
};

/* One buffer whose pages the contiguity/zones probe walked. */
struct facts_buffer {
	char label[48];
	uint32_t allocator;
	uint32_t gfp;
	uint32_t order;
	uint64_t size_bytes;
	struct probe_result result;
};

#define FACTS_MAX_BUFFERS 16
#define FACTS_COST_SIZES 3
#define FACTS_MAX_FRAMES 8

/* kmalloc vs kzalloc cost (amortized alloc+free pair) at one size. */
struct facts_cost {
	uint64_t size_bytes;
	/* 0 when not measured */
	bool measured;
	uint64_t kmalloc_ns;
	uint64_t kzalloc_ns;
};

/* Slab, SUnreclaim and MemAvailable, bytes. */
struct meminfo_snapshot {
	bool read;
	uint64_t slab;
	uint64_t sunreclaim;
	uint64_t available;
};

struct facts_leak {
	bool measured;
	/* why not, when !measured */
	char why[160];
	uint64_t bytes;
	struct meminfo_snapshot before, loaded, unloaded;
};

struct facts {
	bool bits64;
	/* KAB_MODE=qemu-icount on /proc/cmdline: costs count instructions */
	bool icount;
	char release[65];
	char machine[65];
	bool info_read;
	struct kab_info info;

	bool zoneinfo_read;
	size_t nr_zones;
	struct zoneinfo_zone zones[FACTS_MAX_ZONES];
	/* -1 when /proc/buddyinfo was unreadable or malformed */
	int buddy_columns;

	struct probe_result kmalloc_max;
	struct probe_result ksize;
	size_t nr_classes;
	struct kab_ksize_class classes[KAB_MAX_KSIZE_CLASSES];
	struct probe_result zero_size;
	struct probe_result init;
	struct facts_cost costs[FACTS_COST_SIZES];
	struct probe_result krealloc_within;
	struct probe_result krealloc_across;
	size_t nr_buffers;
	struct facts_buffer buffers[FACTS_MAX_BUFFERS];
	/* VmallocTotal from /proc/meminfo, valid when vmalloc_total_read */
	bool vmalloc_total_read;
	uint64_t vmalloc_total;
	struct probe_result vmalloc_max;
	struct facts_leak leak;
	/* "y", "n" or "" when the config was not available */
	char vmap_stack[16];
	char frame_warn[16];
	/* why the config or checkstack output is missing, "" when present */
	char config_missing[96];
	char checkstack_missing[96];
	size_t nr_frames;
	struct stack_frame frames[FACTS_MAX_FRAMES];
	struct probe_result layout;
};

struct fact_row {
	const char *claim_id;
	const char *claim;
	struct strbuf how;
	struct strbuf value;
	enum verdict verdict;
	struct strbuf why;
};

#define FACTS_MAX_ROWS 16

/* The table for @f: fills @rows, returns how many. */
size_t facts_rows(const struct facts *f, struct fact_row *rows, size_t max);
void fact_rows_free(struct fact_row *rows, size_t count);

/* Index of the zone called @name in @f's zoneinfo, -1 when absent. */
int facts_zone_index(const struct facts *f, const char *name);

int cmd_facts(int argc, char **argv);

#endif
