/*
 * Fragmentation levels around the cases that run at them: apply a level
 * (through the module, or here for the movable kind), record the buddy
 * lists, the fragmentation indexes and the vmstat counters before, once
 * fragmented and after the release, and release it.
 */
#ifndef KAB_FRAG_H
#define KAB_FRAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kallocbench.h>

#include "output/results.h"
#include "sweep/sweep.h"
#include "util/util.h"

/* What run_cases() calls when the fragmented state changes. */
struct frag_ops {
	/*
	 * Applies the level and kind of @spec (frag_recorded set); 0, or
	 * -errno with @reason set when the module refused or it failed.
	 */
	int (*apply)(void *data, const struct sweep_case *spec,
		     char reason[static KAB_REASON_LEN]);
	/* Releases what the last apply() applied, refused or not. */
	void (*release)(void *data);
	void *data;
};

/* Files read around a level; snapshots keep their text. */
#define FRAG_SOURCE_LIST(X)						\
	X(BUDDYINFO, "/proc/buddyinfo", "buddyinfo")			\
	X(PAGETYPEINFO, "/proc/pagetypeinfo", "pagetypeinfo")		\
	X(UNUSABLE, "/sys/kernel/debug/extfrag/unusable_index",		\
	  "unusable_index")						\
	X(EXTFRAG, "/sys/kernel/debug/extfrag/extfrag_index",		\
	  "extfrag_index")						\
	X(VMSTAT, "/proc/vmstat", "vmstat")				\
	X(MEMINFO, "/proc/meminfo", "meminfo")				\
	X(ZONEINFO, "/proc/zoneinfo", "zoneinfo")

#define FRAG_SOURCE_ENUM(id, ...) FRAG_##id,
enum frag_source {
	FRAG_SOURCE_LIST(FRAG_SOURCE_ENUM)
	FRAG_NR_SOURCES
};

/* The text of each source, NULL when it could not be read. */
struct frag_snapshot {
	char *text[FRAG_NR_SOURCES];
};

/* The recorder behind frag_ops: the module's device and the results. */
struct frag_recorder {
	int fd;
	struct results_sink *sink;
	/* kab_frag.cap_permille: 0 for the module's default */
	uint32_t cap_permille;
	/* the state of the last apply() */
	const struct sweep_case *spec;
	struct kab_frag plan;
	int error;
	char reason[KAB_REASON_LEN];
	/* the movable kind's mapping */
	void *map;
	size_t map_len;
	struct frag_snapshot before;
	struct frag_snapshot fragmented;
	bool headers_written;
};

/* frag_ops over @recorder, which the caller set up. */
void frag_recorder_ops(struct frag_recorder *recorder, struct frag_ops *ops);

/*
 * Appends to @csv one frag.csv line per node, zone and order of
 * @buddyinfo, with the indexes of the same zone and order from
 * @unusable and @extfrag (either may be NULL: empty cells). @prefix is
 * "level,kind,phase".
 */
void frag_zone_rows(const char *prefix, const char *buddyinfo,
		    const char *unusable, const char *extfrag,
		    struct strbuf *csv);
/*
 * Appends to @csv one frag-vmstat.csv line per compaction, reclaim and
 * migration counter of /proc/vmstat, the change from @before to @after.
 */
void frag_vmstat_rows(const char *prefix, const char *before,
		      const char *after, struct strbuf *csv);
/* The value of @key ("MemFree") in /proc/meminfo text, or -1. */
long long frag_meminfo_kb(const char *meminfo, const char *key);
/*
 * Pages on the per-CPU free lists in /proc/zoneinfo text (every pageset's
 * "count:"), or -1: free pages MemFree does not count.
 */
long long frag_pcp_pages(const char *zoneinfo);

#endif
