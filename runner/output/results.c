#include "output/results.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "output/csv.h"
#include "device/device.h"
#include "stats/hist.h"
#include "util/names.h"
#include "util/util.h"

#define FILE_NAME(id, name) name,
const char *const results_file_names[RESULTS_NR_FILES] = {
	RESULTS_FILE_LIST(FILE_NAME)
};

#define STATUS_NAME(name) #name,
const char *const case_status_names[CASE_NR_STATUSES] = {
	CASE_STATUS_LIST(STATUS_NAME)
};

const double reported_percentiles[REPORTED_PERCENTILES] = {
	[PERCENTILE_50] = 50,
	[PERCENTILE_90] = 90,
	[PERCENTILE_99] = 99,
	[PERCENTILE_999] = 99.9,
};

static const char cases_header[] = COLUMNS_TEXT(CASES_COLUMN_LIST)
	ROW_TAIL_COLUMN_LIST(COLUMN_TEXT);
static const char cases_head[] = COLUMNS_TEXT(CASES_COLUMN_LIST);
static const char cases_tail[] = ROW_TAIL_COLUMN_LIST(COLUMN_TEXT);

const char *results_cases_header(void)
{
	return cases_header + 1;	/* past the first comma */
}

char *results_header_with_counters(const char *columns,
				   const char *const *prefixes,
				   size_t nr_prefixes,
				   const char *const *counters, size_t count)
{
	struct strbuf header = { 0 };

	sb_printf(&header, "%s", columns + 1);
	for (size_t p = 0; p < nr_prefixes; p++)
		for (size_t i = 0; i < count; i++)
			sb_printf(&header, ",%s%s%s", prefixes[p] ? prefixes[p] : "",
				  prefixes[p] ? "_" : "", counters[i]);
	sb_printf(&header, "%s", cases_tail);
	return sb_steal(&header);
}

char *results_cases_header_events(const char *const *events, size_t count)
{
	static const char *const no_prefix[] = { NULL };

	return results_header_with_counters(cases_head, no_prefix, 1, events,
					    count);
}

int results_file_index(const char *name)
{
	return kab_name_index(results_file_names, RESULTS_NR_FILES, name);
}

static int open_output(const char *path, int flags)
{
	int fd = open(path, flags | O_CLOEXEC, 0644);

	if (fd < 0)
		fprintf(stderr, "kallocbench: cannot open %s: %m\n", path);
	return fd;
}

/*
 * cases.csv first and only if new (O_EXCL), so that a previous run's
 * results are never truncated; the caller checks beforehand to say so.
 */
static int open_dir_files(struct results_sink *sink, const char *dir,
			  const enum results_file *order, size_t count)
{
	struct strbuf path = { 0 };
	int result = 0;

	if (make_dirs(dir) < 0) {
		fprintf(stderr, "kallocbench: cannot create %s: %m\n", dir);
		return -1;
	}
	for (size_t i = 0; i < count && result == 0; i++) {
		enum results_file file = order[i];

		sb_reset(&path);
		sb_printf(&path, "%s/%s", dir, results_file_names[file]);
		sink->file_fd[file] = open_output(path.text,
			O_WRONLY | O_CREAT |
			(file == RESULTS_CASES_CSV ? O_EXCL : O_TRUNC));
		if (sink->file_fd[file] < 0)
			result = -1;
	}
	sb_free(&path);
	return result;
}

bool results_dir_has_run(const char *dir)
{
	struct strbuf path = { 0 };
	struct stat st;
	bool taken;

	sb_printf(&path, "%s/%s", dir, results_file_names[RESULTS_CASES_CSV]);
	taken = lstat(path.text, &st) == 0;
	sb_free(&path);
	return taken;
}

bool results_file_is_facts(enum results_file file)
{
	return file == RESULTS_FACTS_JSON || file == RESULTS_FACTS_MD ||
	       file == RESULTS_KSIZE_CSV || file == RESULTS_ZONES_CSV;
}

static int open_sink(struct results_sink *sink, const char *dir,
		     const char *stream_path, const enum results_file *order,
		     size_t count)
{
	for (int file = 0; file < RESULTS_NR_FILES; file++)
		sink->file_fd[file] = -1;
	sink->stream_fd = -1;
	sink->dir = NULL;
	if (stream_path) {
		/* O_APPEND so that a regular file as stream is never clobbered. */
		sink->stream_fd = open_output(stream_path,
					      O_WRONLY | O_APPEND | O_CREAT | O_NOCTTY);
		if (sink->stream_fd < 0)
			return -1;
	}
	if (dir)
		sink->dir = xstrdup(dir);
	if (dir && open_dir_files(sink, dir, order, count) < 0) {
		results_close(sink);
		return -1;
	}
	return 0;
}

int results_open(struct results_sink *sink, const char *dir,
		 const char *stream_path)
{
	static const enum results_file order[] = {
		RESULTS_CASES_CSV, RESULTS_GUEST_JSON, RESULTS_HISTOGRAMS_CSV,
		RESULTS_ACCESS_CSV, RESULTS_HYPERFINE_CSV, RESULTS_HYPERFINE_JSON,
	};

	return open_sink(sink, dir, stream_path, order, ARRAY_SIZE(order));
}

int results_open_facts(struct results_sink *sink, const char *dir,
		       const char *stream_path)
{
	static const enum results_file order[] = {
		RESULTS_GUEST_JSON, RESULTS_FACTS_JSON, RESULTS_FACTS_MD,
		RESULTS_KSIZE_CSV, RESULTS_ZONES_CSV,
	};

	return open_sink(sink, dir, stream_path, order, ARRAY_SIZE(order));
}

int results_write_line(struct results_sink *sink, enum results_file file,
		       const char *line)
{
	struct strbuf record = { 0 };
	int result = 0;

	if (sink->file_fd[file] >= 0) {
		sb_printf(&record, "%s\n", line);
		result = write_all(sink->file_fd[file], record.text, record.len);
	}
	if (result == 0 && sink->stream_fd >= 0) {
		sb_reset(&record);
		sb_printf(&record, "%s\t%s\n", results_file_names[file], line);
		result = write_all(sink->stream_fd, record.text, record.len);
	}
	sb_free(&record);
	return result;
}

#define EXTRA_NAME_CHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz" \
			 "0123456789._:+-"

bool results_extra_name_ok(const char *name)
{
	const char *base = name;
	size_t len = strlen(name);

	if (strncmp(name, "frag/", 5) == 0)
		base = name + 5;
	else if (strncmp(name, "pressure/", 9) == 0)
		base = name + 9;
	else if (strncmp(name, "frag", 4) != 0 || len < 8 ||
		 strcmp(name + len - 4, ".csv") != 0)
		return false;
	return *base && *base != '.' && len <= RESULTS_EXTRA_NAME_MAX &&
	       base[strspn(base, EXTRA_NAME_CHARS)] == '\0';
}

static int append_to_file(const char *dir, const char *name, const char *text)
{
	struct strbuf path = { 0 };
	int fd, result = -1;

	sb_printf(&path, "%s/%s", dir, name);
	*strrchr(path.text, '/') = '\0';
	if (make_dirs(path.text) == 0) {
		path.text[strlen(path.text)] = '/';
		fd = open_output(path.text, O_WRONLY | O_CREAT | O_APPEND);
		if (fd >= 0) {
			result = write_all(fd, text, strlen(text));
			close(fd);
		}
	}
	sb_free(&path);
	return result;
}

int results_write_extra(struct results_sink *sink, const char *name,
			const char *text)
{
	struct strbuf record = { 0 };
	int result = 0;

	if (sink->dir)
		result = append_to_file(sink->dir, name, text);
	for (const char *line = text, *end; result == 0 && sink->stream_fd >= 0 &&
	     (end = strchr(line, '\n')); line = end + 1) {
		sb_reset(&record);
		sb_printf(&record, "%s\t%.*s\n", name, (int)(end - line), line);
		result = write_all(sink->stream_fd, record.text, record.len);
	}
	sb_free(&record);
	return result;
}

/*
 * fsync(2) pushes a file to its disk. A tty (the serial port of a guest)
 * has no disk and answers EINVAL: there tcdrain(3) waits until the port has
 * sent every byte. EINVAL from tcdrain too (ENOTTY: a pipe or socket) or
 * EROFS leave nothing to wait for. Both are retried on EINTR, since the
 * stop signals are caught without SA_RESTART.
 */
static int sync_fd(int fd)
{
	int result;

	if (fd < 0)
		return 0;
	while ((result = fsync(fd)) < 0 && errno == EINTR)
		;
	if (result == 0 || errno == EROFS)
		return 0;
	if (errno != EINVAL)
		return -1;
	while ((result = tcdrain(fd)) < 0 && errno == EINTR)
		;
	return result == 0 || errno == ENOTTY || errno == EINVAL ? 0 : -1;
}

int results_sync(struct results_sink *sink)
{
	int result = sync_fd(sink->stream_fd);

	for (int file = 0; file < RESULTS_NR_FILES; file++)
		result |= sync_fd(sink->file_fd[file]);
	return result;
}

void results_close(struct results_sink *sink)
{
	for (int file = 0; file < RESULTS_NR_FILES; file++) {
		if (sink->file_fd[file] >= 0)
			close(sink->file_fd[file]);
		sink->file_fd[file] = -1;
	}
	if (sink->stream_fd >= 0)
		close(sink->stream_fd);
	sink->stream_fd = -1;
	free(sink->dir);
	sink->dir = NULL;
}

/*
 * Percentiles are clamped into [min_ns, max_ns]: a bucket's midpoint can
 * exceed the true maximum (100 samples of 1024 ns sit in a 16 ns bucket).
 *
 * The histogram holds exactly the samples sum_ns adds up (every attempted
 * allocation; only the frees of successful ones), so its total is the count
 * to divide by, whatever ops_done and failures say about the other loop.
 */
void op_figures_compute(const struct kab_op_stats *stats, const uint32_t *hist,
			struct op_figures *figures)
{
	*figures = (struct op_figures){ .count = hist_total(hist) };
	if (figures->count == 0)
		return;
	figures->mean_ns = (double)stats->sum_ns / (double)figures->count;
	figures->min_ns = stats->min_ns;
	figures->max_ns = stats->max_ns;
	for (int i = 0; i < REPORTED_PERCENTILES; i++) {
		double value = hist_percentile(hist, reported_percentiles[i]);

		/* A bucket's midpoint can lie beyond the exact extremes. */
		if (figures->min_ns <= figures->max_ns) {
			if (value > (double)figures->max_ns)
				value = (double)figures->max_ns;
			if (value < (double)figures->min_ns)
				value = (double)figures->min_ns;
		}
		figures->percentile_ns[i] = value;
	}
}

/* mean, the percentiles, min and max */
#define OP_FIGURE_COLUMNS (REPORTED_PERCENTILES + 3)

static void add_op_figures(struct csv_row *row, const struct op_figures *figures)
{
	if (figures->count == 0) {
		for (int i = 0; i < OP_FIGURE_COLUMNS; i++)
			csv_add_empty(row);
		return;
	}
	csv_add_tenths(row, figures->mean_ns);
	for (int i = 0; i < REPORTED_PERCENTILES; i++)
		csv_add_tenths(row, figures->percentile_ns[i]);
	csv_add_u64(row, figures->min_ns);
	csv_add_u64(row, figures->max_ns);
}

static void add_u64_if(struct csv_row *row, bool present, uint64_t value)
{
	if (present)
		csv_add_u64(row, value);
	else
		csv_add_empty(row);
}

/* @text, at most @len bytes, with control characters as spaces. */
static void add_printable(struct csv_row *row, const char *text, size_t len)
{
	char clean[KAB_REASON_LEN + 1];

	len = strnlen(text, len < KAB_REASON_LEN ? len : KAB_REASON_LEN);
	for (size_t i = 0; i < len; i++)
		clean[i] = isprint((unsigned char)text[i]) ? text[i] : ' ';
	clean[len] = '\0';
	csv_add(row, clean);
}

/* context_cpu to atomic_limit_ns; the limit is empty in process context. */
static void add_context(struct csv_row *row, bool ran,
			const struct kab_case *result)
{
	if (!ran) {
		for (int i = 0; i < 4; i++)
			csv_add_empty(row);
		return;
	}
	if (result->context_cpu == KAB_CPU_MIXED)
		csv_add(row, "mixed");
	else
		csv_add_u64(row, result->context_cpu);
	add_printable(row, result->context_mechanism, KAB_NAME_LEN);
	csv_add_u64(row, result->context_overhead_ns);
	add_u64_if(row, result->atomic_limit_ns, result->atomic_limit_ns);
}

/*
 * Whether a pressure case started its measured loops with fewer usable free
 * pages (the atomic reserve left out, as the module's target does) than the
 * low watermark: "no" marks a row whose pressure the module could not reach.
 */
static void add_pressure_reached(struct csv_row *row, bool applies,
				 const struct kab_case *result)
{
	uint64_t usable;

	if (!applies) {
		csv_add_empty(row);
		return;
	}
	usable = result->free_pages_before > result->highatomic_pages ?
		 result->free_pages_before - result->highatomic_pages : 0;
	csv_add(row, usable < result->wmark_low ? "yes" : "no");
}

/* A bulk allocator's amortized alloc+free pair, per object of the bulk. */
static void add_per_object(struct csv_row *row, const struct sweep_case *spec,
			   uint64_t pair_ns)
{
	char text[32];

	snprintf(text, sizeof(text), "%.2f",
		 spec->bulk ? (double)pair_ns / spec->bulk : 0);
	csv_add(row, spec->bulk && pair_ns ? text : "");
}

/*
 * cpu_caches and caches_used, for an allocator with a cache of its own:
 * which cache (the module's number, by address) each CPU's loops used, in
 * cpu_list's order, and how many distinct caches the case used.
 */
static void add_caches(struct csv_row *row, const struct sweep_case *spec,
		       const struct case_outcome *outcome)
{
	bool ran = outcome->status == CASE_ok &&
		   kab_allocator_has_cache[spec->allocator];
	struct strbuf caches = { 0 };

	for (uint32_t i = 0; ran && spec->cpus > 1 && i < spec->cpus; i++)
		sb_printf(&caches, "%s%u", i ? " " : "",
			  outcome->cpu_results[i].cache);
	if (ran && spec->cpus <= 1)
		sb_printf(&caches, "0");
	csv_add(row, ran ? caches.text : "");
	add_u64_if(row, ran, ran ? outcome->result->caches_used : 0);
	sb_free(&caches);
}

/*
 * cpu_list to overlap_share: the CPUs the case ran on and the operations of
 * each one's per-operation loop (blank-separated, in the same order); the
 * alloc+free pairs a second of the amortized loop did on one CPU (their
 * mean) and on all together; how long all were in their measured loops at
 * once, and the share of the measured operations done then; for the
 * remote_free pattern, the frees that ran on another CPU than their
 * allocation.
 */
static void add_cpus(struct csv_row *row, const struct sweep_case *spec,
		     const struct case_outcome *outcome)
{
	const struct kab_case *result = outcome->result;
	bool ran = outcome->status == CASE_ok;
	bool several = ran && spec->cpus > 1;
	uint32_t n = several ? spec->cpus : 1;
	struct strbuf cpus = { 0 }, ops = { 0 };
	double total = 0;
	uint64_t measured = 0;
	char text[32];

	for (uint32_t i = 0; several && i < n; i++) {
		const struct kab_cpu_result *cpu = &outcome->cpu_results[i];

		sb_printf(&cpus, "%s%u", i ? " " : "", cpu->cpu);
		sb_printf(&ops, "%s%llu", i ? " " : "",
			  (unsigned long long)cpu->ops_done);
		if (cpu->pair_amortized_ns)
			total += 1e3 / (double)cpu->pair_amortized_ns;
		measured += cpu->ops_done + cpu->amortized_ops;
	}
	if (ran && !several) {
		sb_printf(&cpus, "%u", result->context_cpu);
		sb_printf(&ops, "%llu", (unsigned long long)result->ops_done);
		if (result->pair_amortized_ns)
			total = 1e3 / (double)result->pair_amortized_ns;
	}
	csv_add(row, ran && (several || result->context_cpu != KAB_CPU_MIXED) ?
		     cpus.text : "");
	csv_add(row, ran ? ops.text : "");
	snprintf(text, sizeof(text), "%.4f", total / n);
	csv_add(row, total > 0 ? text : "");
	snprintf(text, sizeof(text), "%.4f", total);
	csv_add(row, total > 0 ? text : "");
	add_u64_if(row, several, several ? result->overlap_ns : 0);
	snprintf(text, sizeof(text), "%.4f",
		 measured ? (double)result->overlapped_ops / (double)measured : 0);
	csv_add(row, several && measured ? text : "");
	add_u64_if(row, several && spec->pattern == KAB_PATTERN_remote_free,
		   several ? result->remote_frees : 0);
	sb_free(&cpus);
	sb_free(&ops);
	add_caches(row, spec, outcome);
}

/*
 * backlog_bytes to drained, for a deferred allocator (kfree_rcu): what its
 * frees still held after the measured loops, what was left when the wait
 * for them ended, how long it waited, and whether they came back.
 */
static void add_backlog(struct csv_row *row, const struct sweep_case *spec,
			const struct case_outcome *outcome)
{
	const struct kab_case *result = outcome->result;
	bool deferred = outcome->status == CASE_ok &&
			kab_allocator_is_deferred[spec->allocator];

	add_u64_if(row, deferred, deferred ? result->backlog_bytes : 0);
	add_u64_if(row, deferred, deferred ? result->backlog_left_bytes : 0);
	add_u64_if(row, deferred, deferred ? result->drain_ns : 0);
	csv_add(row, !deferred ? "" : result->drained ? "yes" : "no");
}

/*
 * Everything from ops_done to drained. The amortized loop's figures
 * include its failed allocations: the alloc figure exists when it made any
 * attempt, the free and pair figures only when it freed something.
 */
static void add_figures(struct csv_row *row, const struct sweep_case *spec,
			const struct case_outcome *outcome)
{
	const struct kab_case *result = outcome->result;
	bool ran = outcome->status == CASE_ok;
	bool attempted = ran && result->amortized_ops > 0;
	bool freed = attempted &&
		     result->amortized_failures < result->amortized_ops;
	bool per_op = spec->pattern != KAB_PATTERN_pair;
	struct op_figures figures = { 0 };

	add_u64_if(row, ran, ran ? result->ops_done : 0);
	add_u64_if(row, ran, ran ? result->failures : 0);
	if (ran)
		op_figures_compute(&result->alloc, outcome->alloc_hist, &figures);
	add_op_figures(row, &figures);
	if (ran)
		op_figures_compute(&result->free, outcome->free_hist, &figures);
	add_op_figures(row, &figures);
	add_u64_if(row, ran, ran ? result->amortized_ops : 0);
	add_u64_if(row, ran, ran ? result->amortized_failures : 0);
	add_u64_if(row, freed, freed ? result->pair_amortized_ns : 0);
	add_u64_if(row, per_op && attempted,
		   attempted ? result->alloc.amortized_ns : 0);
	add_u64_if(row, per_op && freed, freed ? result->free.amortized_ns : 0);
	add_per_object(row, spec, freed ? result->pair_amortized_ns : 0);
	add_u64_if(row, ran, ran ? result->clock_overhead_ns : 0);
	add_context(row, ran, result);
	add_u64_if(row, ran, ran ? result->pressure_pages_held : 0);
	add_u64_if(row, ran, ran ? result->free_pages_start : 0);
	add_u64_if(row, ran, ran ? result->free_pages_before : 0);
	add_u64_if(row, ran, ran ? result->free_pages_after : 0);
	add_u64_if(row, ran, ran ? result->wmark_min : 0);
	add_u64_if(row, ran, ran ? result->wmark_low : 0);
	add_u64_if(row, ran, ran ? result->highatomic_pages : 0);
	add_u64_if(row, ran, ran ? result->pcp_pages_start : 0);
	add_u64_if(row, ran, ran ? result->pcp_pages_after : 0);
	add_pressure_reached(row, ran && spec->pressure != KAB_PRESSURE_none,
			     result);
	add_cpus(row, spec, outcome);
	ran = ran && kab_allocator_takes_node[spec->allocator];
	add_u64_if(row, ran, ran ? result->node_checked : 0);
	add_u64_if(row, ran, ran ? result->node_misplaced : 0);
	add_backlog(row, spec, outcome);
}

void case_error_text(const struct case_outcome *outcome, struct strbuf *text)
{
	const struct kab_case *result = outcome->result;
	char name_buf[16], reason[KAB_REASON_LEN + 1];
	size_t len = 0;

	if (result && outcome->status == CASE_refused) {
		len = strnlen(result->reason, KAB_REASON_LEN);
		for (size_t i = 0; i < len; i++)
			reason[i] = isprint((unsigned char)result->reason[i]) ?
				    result->reason[i] : ' ';
	}
	reason[len] = '\0';
	sb_printf(text, "%s%s%s", errno_name(outcome->error, name_buf),
		  len ? ": " : "", reason);
}

/*
 * counter_scaling, the smallest running/enabled ratio of the events that
 * counted, then one cell per counter: the scaled count, or empty when the
 * case did not run or the event is unsupported or never ran.
 */
static void add_counters(struct csv_row *row, const struct case_outcome *outcome)
{
	bool ran = outcome->status == CASE_ok && outcome->counters;
	double scaling = 2;
	char text[32];

	for (size_t i = 0; ran && i < outcome->counter_count; i++)
		if (outcome->counters[i].counted &&
		    outcome->counters[i].ratio < scaling)
			scaling = outcome->counters[i].ratio;
	if (scaling <= 1) {
		snprintf(text, sizeof(text), "%.3f", scaling);
		csv_add(row, text);
	} else {
		csv_add_empty(row);
	}
	for (size_t i = 0; i < outcome->counter_count; i++) {
		const struct perf_value *value =
			ran ? &outcome->counters[i] : NULL;

		add_u64_if(row, value && value->counted,
			   value ? (uint64_t)llround(value->scaled) : 0);
	}
}

static void add_error(struct csv_row *row, const struct case_outcome *outcome)
{
	struct strbuf text = { 0 };

	if (outcome->status == CASE_ok) {
		csv_add_empty(row);
		return;
	}
	case_error_text(outcome, &text);
	csv_add(row, text.text);
	sb_free(&text);
}

char *results_case_row(const struct run_labels *labels, size_t case_number,
		       uint64_t repetition, const struct sweep_case *spec,
		       const struct case_outcome *outcome)
{
	bool by_size = kab_allocator_sized_by[spec->allocator] == KAB_BY_SIZE;
	bool batched = spec->pattern == KAB_PATTERN_batch;
	char gfp[KAB_GFP_TEXT_MAX];
	struct csv_row row = { 0 };

	kab_gfp_format(spec->gfp, gfp);
	csv_add_u64(&row, case_number);
	csv_add_u64(&row, repetition);
	csv_add(&row, labels->kernel);
	csv_add(&row, labels->config);
	csv_add(&row, labels->mode);
	csv_add(&row, kab_allocator_names[spec->allocator]);
	add_u64_if(&row, by_size, spec->size_bytes);
	add_u64_if(&row, !by_size, spec->order);
	csv_add(&row, gfp);
	csv_add(&row, kab_context_names[spec->context]);
	csv_add(&row, spec->frag.label);
	csv_add(&row, spec->frag_kind == SWEEP_NO_FRAG_KIND ? "" :
		      kab_frag_kind_names[spec->frag_kind]);
	csv_add(&row, kab_pattern_names[spec->pattern]);
	csv_add(&row, kab_pressure_names[spec->pressure]);
	csv_add_u64(&row, spec->cpus > 1 ? spec->cpus : 1);
	csv_add(&row, kab_allocator_has_cache[spec->allocator] ?
		      kab_caches_names[spec->caches] : "");
	add_u64_if(&row, batched, spec->batch);
	add_u64_if(&row, spec->bulk, spec->bulk);
	add_u64_if(&row, spec->sheaf_capacity, spec->sheaf_capacity);
	add_u64_if(&row, kab_allocator_takes_node[spec->allocator], spec->node);
	csv_add_u64(&row, spec->iterations);
	add_figures(&row, spec, outcome);
	add_counters(&row, outcome);
	csv_add(&row, case_status_names[outcome->status]);
	add_error(&row, outcome);
	return csv_finish(&row);
}

int results_write_histogram(struct results_sink *sink, size_t case_number,
			    uint64_t repetition, const char *op,
			    const uint32_t *hist)
{
	struct csv_row row = { 0 };
	int result = 0;

	for (uint32_t bucket = 0; bucket < KAB_HIST_BUCKETS && result == 0;
	     bucket++) {
		char *line;

		if (!hist[bucket])
			continue;
		csv_add_u64(&row, case_number);
		csv_add_u64(&row, repetition);
		csv_add(&row, op);
		csv_add_u64(&row, kab_hist_bucket_low(bucket));
		csv_add_u64(&row, kab_hist_bucket_width(bucket));
		csv_add_u64(&row, hist[bucket]);
		line = csv_finish(&row);
		result = results_write_line(sink, RESULTS_HISTOGRAMS_CSV, line);
		free(line);
	}
	return result;
}

/* The first line of a small file such as /proc/cmdline, or NULL. */
static char *read_first_line(const char *path)
{
	char *text = read_file(path, NULL);

	if (text)
		text[strcspn(text, "\n")] = '\0';
	return text;
}

void guest_facts_read(struct guest_facts *facts)
{
	char started[32];
	time_t now = time(NULL);
	struct tm utc;

	*facts = (struct guest_facts){ .pinned_cpu = -1 };
	if (uname(&facts->uts) < 0)
		memset(&facts->uts, 0, sizeof(facts->uts));
	facts->cmdline = read_first_line("/proc/cmdline");
	facts->clocksource = read_first_line(
		"/sys/devices/system/clocksource/clocksource0/current_clocksource");
	if (gmtime_r(&now, &utc) &&
	    strftime(started, sizeof(started), "%Y-%m-%dT%H:%M:%SZ", &utc))
		facts->started_utc = xstrdup(started);
}

void guest_facts_free(struct guest_facts *facts)
{
	free(facts->cmdline);
	free(facts->clocksource);
	free(facts->started_utc);
	*facts = (struct guest_facts){ 0 };
}

/* JSON integers are signed: a larger value is kept exact as a string. */
static json_t *json_u64(uint64_t value)
{
	char text[24];

	if (value <= INT64_MAX)
		return json_integer((json_int_t)value);
	snprintf(text, sizeof(text), "%llu", (unsigned long long)value);
	return json_string(text);
}

json_t *json_text(const char *text)
{
	json_t *string = json_string(text);
	char *ascii;

	if (string)
		return string;
	/* Not UTF-8: keep what can be kept rather than lose the fact. */
	ascii = xstrdup(text);
	for (char *c = ascii; *c; c++)
		if ((unsigned char)*c >= 0x80)
			*c = '?';
	string = json_string(ascii);
	free(ascii);
	return string;
}

/* A string, or null for a fact that could not be read (never a fake ""). */
static json_t *json_text_or_null(const char *text)
{
	return text ? json_text(text) : json_null();
}

static json_t *json_u32(uint32_t value)
{
	return json_integer((json_int_t)value);
}

static json_t *json_flag(uint32_t value)
{
	return json_boolean(value != 0);
}

/* A fixed-size name field, not necessarily NUL-terminated. */
static json_t *json_name(const char name[static KAB_NAME_LEN])
{
	char text[KAB_NAME_LEN + 1];

	snprintf(text, sizeof(text), "%.*s", KAB_NAME_LEN, name);
	return json_text(text);
}

/* How the module enters each context, keyed by the context's name. */
static json_t *json_mechanisms(const char names[KAB_NR_CONTEXTS][KAB_NAME_LEN])
{
	json_t *json = json_object();

	for (int i = 0; i < KAB_NR_CONTEXTS; i++)
		json_object_set_new(json, kab_context_names[i],
				    json_name(names[i]));
	return json;
}

#define INFO_JSON_FIELD(field, kind) \
	json_object_set_new(json, #field, json_##kind(info->field));

json_t *info_to_json(const struct kab_info *info)
{
	json_t *json = json_object();

	KAB_INFO_FIELD_LIST(INFO_JSON_FIELD)
	return json;
}

static json_t *sweep_json(const struct sweep *sweep)
{
	return json_pack("{s:o, s:o, s:o}",
			 "path", json_text(sweep->path),
			 "name", json_text_or_null(sweep->header.sweep_name),
			 "description", json_text_or_null(sweep->header.description));
}

/*
 * The table of named levels, the kinds and the cap on pinned memory, so that
 * a run says what its frag_level and frag_kind columns meant.
 */
static json_t *frag_json(const struct sweep *sweep)
{
	json_t *levels = json_array(), *kinds = json_array();
	uint64_t cap = sweep_setting(sweep, &sweep->header,
				     SWEEP_KEY_frag_cap_permille, NULL);

	for (size_t i = 0; i < KAB_NR_FRAG_LEVELS; i++)
		json_array_append_new(levels, json_pack("{s:s, s:i, s:i}",
			"name", kab_frag_levels[i].name,
			"touch_permille", (json_int_t)kab_frag_levels[i].touch_permille,
			"keep_every", (json_int_t)kab_frag_levels[i].keep_every));
	for (size_t i = 0; i < KAB_NR_FRAG_KINDS; i++)
		json_array_append_new(kinds, json_string(kab_frag_kind_names[i]));
	return json_pack("{s:o, s:o, s:I, s:i, s:s}", "levels", levels,
			 "kinds", kinds, "cap_permille",
			 (json_int_t)(cap ? cap : KAB_FRAG_CAP_DEFAULT_PERMILLE),
			 "cap_max_permille", KAB_FRAG_CAP_MAX_PERMILLE,
			 "floor", "3.5 times the high watermarks (twice them plus the 150% "
			 "watermark boosting adds by default), each zone's high as "
			 "2 low - min, lowmem reserves included");
}

json_t *guest_json_build(const struct guest_facts *facts,
			 const struct kab_info *info,
			 const struct run_labels *labels,
			 const struct sweep *sweep, const char *runner_version)
{
	const struct utsname *uts = &facts->uts;

	return json_pack("{s:{s:s, s:o}, s:{s:o, s:o, s:o, s:o}, s:o, s:o, "
			 "s:o, s:o, s:o, s:o, s:o, s:o, s:o}",
			 "runner", "name", "kallocbench", "version",
			 json_text(runner_version),
			 "kernel", "sysname", json_text(uts->sysname),
			 "release", json_text(uts->release),
			 "version", json_text(uts->version),
			 "machine", json_text(uts->machine),
			 "cmdline", json_text_or_null(facts->cmdline),
			 "clocksource", json_text_or_null(facts->clocksource),
			 "started_utc", json_text_or_null(facts->started_utc),
			 "pinned_cpu", facts->pinned_cpu < 0 ? json_null() :
				       json_integer(facts->pinned_cpu),
			 "module", info_to_json(info),
			 "mode", json_text(labels->mode),
			 "config", json_text(labels->config),
			 "fragmentation", frag_json(sweep),
			 "sweep", sweep_json(sweep));
}

int results_write_guest(struct results_sink *sink, const json_t *guest)
{
	char *line = json_dumps(guest, JSON_COMPACT | JSON_SORT_KEYS);
	int result;

	if (!line)
		return -1;
	result = results_write_line(sink, RESULTS_GUEST_JSON, line);
	free(line);
	return result;
}
