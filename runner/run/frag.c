#include "run/frag.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "device/device.h"
#include "output/csv.h"
#include "util/names.h"
#include "run/run.h"

struct frag_source_desc {
	const char *path;
	const char *suffix;
};

#define FRAG_SOURCE_DESC(id, path, suffix) { path, suffix },
static const struct frag_source_desc frag_sources[FRAG_NR_SOURCES] = {
	FRAG_SOURCE_LIST(FRAG_SOURCE_DESC)
};

/* The vmstat counters of compaction, reclaim and migration, by prefix. */
static const char *const vmstat_prefixes[] = {
	"compact_", "pgscan_", "pgsteal_", "allocstall_", "pgmigrate_",
};

/* Orders a zone line may list: more than any kernel has. */
#define FRAG_MAX_ORDERS 32

/* One "Node N, zone NAME v0 v1 ..." line of buddyinfo and the indexes. */
struct zone_line {
	int node;
	char zone[32];
	char value[FRAG_MAX_ORDERS][24];
	size_t orders;
};

static bool parse_zone_line(const char *text, struct zone_line *z)
{
	char copy[1024];
	const char *line = copy;
	int used = 0;

	/* One line only: sscanf() would read on past its newline. */
	snprintf(copy, sizeof(copy), "%.*s", (int)strcspn(text, "\n"), text);
	*z = (struct zone_line){ 0 };
	if (sscanf(line, "Node %d, zone %31s%n", &z->node, z->zone, &used) != 2)
		return false;
	for (line += used; z->orders < FRAG_MAX_ORDERS; z->orders++) {
		if (sscanf(line, " %23s%n", z->value[z->orders], &used) != 1)
			break;
		line += used;
	}
	return true;
}

/* The line of @text for @node and @zone, if any. */
static bool find_zone(const char *text, int node, const char *zone,
		      struct zone_line *z)
{
	for (const char *line = text; line && *line;
	     line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL)
		if (parse_zone_line(line, z) && z->node == node &&
		    strcmp(z->zone, zone) == 0)
			return true;
	return false;
}

void frag_zone_rows(const char *prefix, const char *buddyinfo,
		    const char *unusable, const char *extfrag,
		    struct strbuf *csv)
{
	struct zone_line blocks, u, e;

	for (const char *line = buddyinfo; line && *line;
	     line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		bool have_u, have_e;

		if (!parse_zone_line(line, &blocks))
			continue;
		have_u = unusable && find_zone(unusable, blocks.node,
					       blocks.zone, &u);
		have_e = extfrag && find_zone(extfrag, blocks.node,
					      blocks.zone, &e);
		for (size_t order = 0; order < blocks.orders; order++)
			sb_printf(csv, "%s,%d,%s,%zu,%s,%s,%s\n", prefix,
				  blocks.node, blocks.zone, order,
				  blocks.value[order],
				  have_u && order < u.orders ? u.value[order] : "",
				  have_e && order < e.orders ? e.value[order] : "");
	}
}

static bool tracked_counter(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(vmstat_prefixes); i++)
		if (strncmp(name, vmstat_prefixes[i],
			    strlen(vmstat_prefixes[i])) == 0)
			return true;
	return false;
}

/* The value of counter @name in vmstat or meminfo text, or -1. */
static long long counter_value(const char *text, const char *name)
{
	size_t len = strlen(name);

	for (const char *line = text; line && *line;
	     line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL)
		if (strncmp(line, name, len) == 0 &&
		    (line[len] == ' ' || line[len] == ':'))
			return strtoll(line + len + 1 + strspn(line + len + 1, " "),
				       NULL, 10);
	return -1;
}

void frag_vmstat_rows(const char *prefix, const char *before,
		      const char *after, struct strbuf *csv)
{
	char name[64];

	for (const char *line = after; line && *line;
	     line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		long long then, now;

		if (sscanf(line, "%63s %lld", name, &now) != 2 ||
		    !tracked_counter(name))
			continue;
		then = before ? counter_value(before, name) : -1;
		if (then >= 0)
			sb_printf(csv, "%s,%s,%lld\n", prefix, name, now - then);
	}
}

long long frag_meminfo_kb(const char *meminfo, const char *key)
{
	return meminfo ? counter_value(meminfo, key) : -1;
}

long long frag_pcp_pages(const char *zoneinfo)
{
	long long total = -1, count;

	for (const char *line = zoneinfo; line && *line;
	     line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL)
		if (sscanf(line, " count: %lld", &count) == 1)
			total = (total < 0 ? 0 : total) + count;
	return total;
}

static void snapshot_free(struct frag_snapshot *snap)
{
	for (int i = 0; i < FRAG_NR_SOURCES; i++)
		free(snap->text[i]);
	*snap = (struct frag_snapshot){ 0 };
}

static const char *kind_name(const struct sweep_case *spec)
{
	return spec->frag_kind == SWEEP_NO_FRAG_KIND ? "" :
	       kab_frag_kind_names[spec->frag_kind];
}

/* "level,kind" of the state in force, for the CSV rows. */
static void state_prefix(const struct frag_recorder *r, const char *phase,
			 struct strbuf *prefix)
{
	sb_reset(prefix);
	sb_printf(prefix, "%s,%s", r->spec->frag.label, kind_name(r->spec));
	if (phase)
		sb_printf(prefix, ",%s", phase);
}

static void write_extra(struct frag_recorder *r, const char *name,
			const char *text)
{
	/* A lost record costs a figure, not the run: the cases go on. */
	if (results_write_extra(r->sink, name, text) < 0)
		fprintf(stderr, "kallocbench: cannot write %s: %m\n", name);
}

static void write_headers(struct frag_recorder *r)
{
	if (r->headers_written)
		return;
	write_extra(r, "frag.csv", COLUMNS_LINE(FRAG_COLUMN_LIST));
	write_extra(r, "frag-vmstat.csv", COLUMNS_LINE(FRAG_VMSTAT_COLUMN_LIST));
	write_extra(r, "frag-levels.csv", COLUMNS_LINE(FRAG_LEVELS_COLUMN_LIST));
	r->headers_written = true;
}

/*
 * Reads every source, streams each as frag/LEVEL[-KIND]-PHASE.SUFFIX and
 * the blocks per order as frag.csv rows.
 */
static void take_snapshot(struct frag_recorder *r, const char *phase,
			  struct frag_snapshot *snap)
{
	struct strbuf name = { 0 }, prefix = { 0 }, rows = { 0 };
	const char *kind = kind_name(r->spec);

	for (int i = 0; i < FRAG_NR_SOURCES; i++) {
		snap->text[i] = read_file(frag_sources[i].path, NULL);
		if (!snap->text[i])
			continue;
		sb_reset(&name);
		sb_printf(&name, "frag/%s%s%s-%s.%s", r->spec->frag.label,
			  *kind ? "-" : "", kind, phase, frag_sources[i].suffix);
		write_extra(r, name.text, snap->text[i]);
	}
	state_prefix(r, phase, &prefix);
	frag_zone_rows(prefix.text, snap->text[FRAG_BUDDYINFO],
		       snap->text[FRAG_UNUSABLE], snap->text[FRAG_EXTFRAG],
		       &rows);
	if (rows.len)
		write_extra(r, "frag.csv", rows.text);
	sb_free(&name);
	sb_free(&prefix);
	sb_free(&rows);
}

static void write_vmstat_deltas(struct frag_recorder *r, const char *phase,
				const struct frag_snapshot *from,
				const struct frag_snapshot *to)
{
	struct strbuf prefix = { 0 }, rows = { 0 };

	state_prefix(r, phase, &prefix);
	frag_vmstat_rows(prefix.text, from->text[FRAG_VMSTAT],
			 to->text[FRAG_VMSTAT], &rows);
	if (rows.len)
		write_extra(r, "frag-vmstat.csv", rows.text);
	sb_free(&prefix);
	sb_free(&rows);
}

/* Pages touched between two looks at MemFree. */
#define FRAG_TOUCH_STEP 4096

/* MemFree in pages, or 0 when it cannot be read (which stops the touching). */
static uint64_t mem_free_pages(size_t page)
{
	char *meminfo = read_file("/proc/meminfo", NULL);
	long long kb = frag_meminfo_kb(meminfo, "MemFree");

	free(meminfo);
	return kb > 0 ? (uint64_t)kb * 1024 / page : 0;
}

/*
 * The movable kind: anonymous memory, base pages only (THP would make the
 * kept pages huge, and freeing part of a huge page only queues it for a
 * split), every page touched, then all but every keep_every-th given back
 * with MADV_DONTNEED, which keeps one mapping (munmap of each hole would
 * make a mapping per kept page and run into vm.max_map_count). A page fault
 * below the watermarks would reclaim and, with nothing to reclaim, call the
 * OOM killer: the touching also stops at the module's floor, whatever
 * others took since the plan, and the plan says how far it got. A stop
 * signal ends it with -EINTR, like the module's half of the work.
 */
static int apply_movable(struct frag_recorder *r)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t pages = (size_t)r->plan.pages_touched, keep = r->plan.keep_every;
	char *map;

	if (!pages)
		return 0;
	map = mmap(NULL, pages * page, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (map == MAP_FAILED)
		return -errno;
	r->map = map;
	r->map_len = pages * page;
	madvise(map, r->map_len, MADV_NOHUGEPAGE);
	for (size_t i = 0; i < pages; i++) {
		if (i % FRAG_TOUCH_STEP == 0 && run_stop_signal)
			return -EINTR;
		if (i % FRAG_TOUCH_STEP == 0 &&
		    mem_free_pages(page) <= r->plan.floor_pages + FRAG_TOUCH_STEP) {
			pages = i;
			break;
		}
		map[i * page] = 1;
	}
	r->plan.pages_touched = pages;
	r->plan.pages_pinned = (pages + keep - 1) / keep;
	for (size_t i = 0; i + 1 < pages; i += keep) {
		size_t hole = keep - 1 < pages - i - 1 ? keep - 1 : pages - i - 1;

		if (madvise(map + (i + 1) * page, hole * page, MADV_DONTNEED) < 0)
			return -errno;
	}
	return 0;
}

static void release_movable(struct frag_recorder *r)
{
	if (r->map)
		munmap(r->map, r->map_len);
	r->map = NULL;
	r->map_len = 0;
}

static int frag_apply(void *data, const struct sweep_case *spec,
		      char reason[static KAB_REASON_LEN])
{
	struct frag_recorder *r = data;

	r->spec = spec;
	r->plan = (struct kab_frag){
		.size = sizeof(r->plan),
		.abi_version = KAB_ABI_VERSION,
		.kind = spec->frag_kind == SWEEP_NO_FRAG_KIND ?
			KAB_FRAG_unmovable : (uint32_t)spec->frag_kind,
		.touch_permille = spec->frag.touch_permille,
		.keep_every = spec->frag.keep_every,
		.cap_permille = r->cap_permille,
	};
	write_headers(r);
	take_snapshot(r, "before", &r->before);
	r->error = device_frag_apply(r->fd, &r->plan);
	snprintf(r->reason, sizeof(r->reason), "%.*s", KAB_REASON_LEN - 1,
		 r->plan.reason);
	if (!r->error && r->plan.kind == KAB_FRAG_movable) {
		r->error = apply_movable(r);
		if (r->error && r->error != -EINTR)
			snprintf(r->reason, sizeof(r->reason),
				 "the movable memory could not be mapped: %s",
				 strerror(-r->error));
	}
	take_snapshot(r, "fragmented", &r->fragmented);
	memcpy(reason, r->reason, KAB_REASON_LEN);
	return r->error;
}

static void add_kb(struct csv_row *row, const struct frag_snapshot *snap,
		   bool pcp)
{
	long long kb = pcp ? frag_pcp_pages(snap->text[FRAG_ZONEINFO]) :
			     frag_meminfo_kb(snap->text[FRAG_MEMINFO], "MemFree");

	if (pcp && kb >= 0)
		kb *= sysconf(_SC_PAGESIZE) / 1024;
	if (kb >= 0)
		csv_add_u64(row, (uint64_t)kb);
	else
		csv_add_empty(row);
}

/*
 * frag-levels.csv: the plan, what it did, and MemFree and the pages on the
 * per-CPU lists at each phase.
 */
static void write_level_row(struct frag_recorder *r,
			    const struct frag_snapshot *released)
{
	const struct kab_frag *p = &r->plan;
	bool planned = !r->error || r->error == -E2BIG;
	struct csv_row row = { 0 };
	struct strbuf error = { 0 }, text = { 0 };
	char errno_text[16], *line;

	csv_add(&row, r->spec->frag.label);
	csv_add(&row, kind_name(r->spec));
	csv_add_u64(&row, p->touch_permille);
	csv_add_u64(&row, p->keep_every);
	/* A refused plan still says what it would have done. */
	if (planned) {
		csv_add_u64(&row, p->cap_pages);
		csv_add_u64(&row, p->floor_pages);
	} else {
		csv_add_empty(&row);
		csv_add_empty(&row);
	}
	if (!r->error) {
		csv_add_u64(&row, p->pages_touched);
		csv_add_u64(&row, p->pages_pinned);
	} else {
		csv_add_empty(&row);
		csv_add_empty(&row);
	}
	/* Freed pages may wait on the per-CPU lists, which MemFree omits. */
	for (int pcp = 0; pcp < 2; pcp++) {
		add_kb(&row, &r->before, pcp);
		add_kb(&row, &r->fragmented, pcp);
		add_kb(&row, released, pcp);
	}
	csv_add(&row, r->error ? (r->error == -EINTR ? "interrupted" :
				  r->error == -EINVAL || r->error == -E2BIG ?
				  "refused" : "failed") : "ok");
	if (r->error)
		sb_printf(&error, "%s%s%s", errno_name(-r->error, errno_text),
			  *r->reason ? ": " : "", r->reason);
	csv_add(&row, r->error ? error.text : "");
	line = csv_finish(&row);
	sb_printf(&text, "%s\n", line);
	write_extra(r, "frag-levels.csv", text.text);
	free(line);
	sb_free(&error);
	sb_free(&text);
}

static void frag_release(void *data)
{
	struct frag_recorder *r = data;
	struct kab_frag release = {
		.size = sizeof(release), .abi_version = KAB_ABI_VERSION,
	};
	struct frag_snapshot released = { 0 };

	if (device_frag_release(r->fd, &release) < 0)
		fprintf(stderr, "kallocbench: releasing fragmentation level %s "
			"failed: %m (closing the device releases it)\n",
			r->spec->frag.label);
	release_movable(r);
	take_snapshot(r, "released", &released);
	write_vmstat_deltas(r, "fragmented", &r->before, &r->fragmented);
	write_vmstat_deltas(r, "released", &r->fragmented, &released);
	write_level_row(r, &released);
	snapshot_free(&r->before);
	snapshot_free(&r->fragmented);
	snapshot_free(&released);
}

void frag_recorder_ops(struct frag_recorder *recorder, struct frag_ops *ops)
{
	*ops = (struct frag_ops){
		.apply = frag_apply, .release = frag_release, .data = recorder,
	};
}
