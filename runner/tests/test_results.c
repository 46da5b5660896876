/* cases.csv rows, histograms.csv, guest.json and the output sink. */
#include "tests/testutil.h"

#include <errno.h>

#include "output/csv.h"
#include "stats/hist.h"
#include "util/names.h"
#include "output/results.h"

static const struct run_labels labels = {
	.kernel = "6.1.0-test", .config = "default", .mode = "qemu-icount",
};

struct row_fixture {
	struct sweep_case spec;
	struct kab_case result;
	uint32_t alloc_hist[KAB_HIST_BUCKETS];
	uint32_t free_hist[KAB_HIST_BUCKETS];
	struct case_outcome outcome;
	struct csv_fields header;
	struct csv_fields row;
};

/* kmalloc(64) pair: 100 allocs, 10 at 50 ns and 90 at 100 ns; 90 frees. */
static int setup_row(void **state)
{
	struct row_fixture *f = xcalloc(1, sizeof(*f));

	f->spec = (struct sweep_case){
		.allocator = KAB_ALLOC_kmalloc, .context = KAB_CONTEXT_process,
		.pattern = KAB_PATTERN_pair,
		.gfp = 1U << KAB_GFP_BIT_GFP_KERNEL | 1U << KAB_GFP_BIT___GFP_ZERO,
		.size_bytes = 64, .iterations = 100, .repetitions = 1,
		.frag = { .label = "heavy", .touch_permille = 1000,
			  .keep_every = 16 },
		.frag_kind = KAB_FRAG_movable,
	};
	f->result = (struct kab_case){
		.ops_done = 100, .amortized_ops = 100, .failures = 10,
		.pair_amortized_ns = 140, .clock_overhead_ns = 20,
		.context_overhead_ns = 7, .context_mechanism = "ioctl",
		.alloc = { .amortized_ns = 0, .sum_ns = 9500, .min_ns = 50,
			   .max_ns = 100 },
		.free = { .sum_ns = 2700, .min_ns = 30, .max_ns = 30 },
	};
	f->alloc_hist[kab_hist_bucket(50)] = 10;
	f->alloc_hist[kab_hist_bucket(100)] = 90;
	f->free_hist[kab_hist_bucket(30)] = 90;
	f->outcome = (struct case_outcome){
		.status = CASE_ok, .result = &f->result,
		.alloc_hist = f->alloc_hist, .free_hist = f->free_hist,
	};
	assert_true(csv_split(results_cases_header(), &f->header));
	*state = f;
	return 0;
}

static int teardown_row(void **state)
{
	struct row_fixture *f = *state;

	csv_fields_free(&f->header);
	csv_fields_free(&f->row);
	free(f);
	return 0;
}

static void make_row(struct row_fixture *f)
{
	char *line = results_case_row(&labels, 3, 2, &f->spec, &f->outcome);

	csv_fields_free(&f->row);
	assert_true(csv_split(line, &f->row));
	assert_int_equal(f->row.count, f->header.count);
	free(line);
}

static const char *column(const struct row_fixture *f, const char *name)
{
	int index = kab_name_index((const char *const *)f->header.field,
				   f->header.count, name);

	if (index < 0)
		fail_msg("no column %s", name);
	return f->row.field[index];
}

static void test_header_is_the_contract(void **state)
{
	(void)state;
	assert_string_equal(results_cases_header(),
		"case,repetition,kernel,config,mode,allocator,size_bytes,order,"
		"gfp,context,frag_level,frag_kind,pattern,pressure,cpus,caches,batch,bulk,sheaf_capacity,node,iterations,ops_done,failures,"
		"alloc_ns_mean,alloc_ns_p50,alloc_ns_p90,alloc_ns_p99,alloc_ns_p999,"
		"alloc_ns_min,alloc_ns_max,free_ns_mean,free_ns_p50,free_ns_p90,"
		"free_ns_p99,free_ns_p999,free_ns_min,free_ns_max,amortized_ops,"
		"amortized_failures,pair_ns_amortized,alloc_ns_amortized,"
		"free_ns_amortized,pair_ns_per_object,clock_overhead_ns,context_cpu,"
		"context_mechanism,context_overhead_ns,atomic_limit_ns,"
		"pressure_pages_held,free_pages_start,free_pages_before,"
		"free_pages_after,wmark_min,wmark_low,highatomic_pages,"
		"pcp_pages_start,pcp_pages_after,pressure_reached,cpu_list,cpu_ops,"
		"pair_mops_per_cpu,pair_mops_total,overlap_ns,overlap_share,"
		"remote_frees,cpu_caches,caches_used,node_checked,node_misplaced,backlog_bytes,"
		"backlog_left_bytes,drain_ns,drained,counter_scaling,status,"
		"error");
}

static void test_ok_pair_row(void **state)
{
	struct row_fixture *f = *state;

	make_row(f);
	assert_string_equal(column(f, "case"), "3");
	assert_string_equal(column(f, "repetition"), "2");
	assert_string_equal(column(f, "kernel"), "6.1.0-test");
	assert_string_equal(column(f, "mode"), "qemu-icount");
	assert_string_equal(column(f, "allocator"), "kmalloc");
	assert_string_equal(column(f, "size_bytes"), "64");
	assert_string_equal(column(f, "order"), "");
	assert_string_equal(column(f, "gfp"), "GFP_KERNEL|__GFP_ZERO");
	assert_string_equal(column(f, "context"), "process");
	assert_string_equal(column(f, "frag_level"), "heavy");
	assert_string_equal(column(f, "frag_kind"), "movable");
	assert_string_equal(column(f, "pattern"), "pair");
	assert_string_equal(column(f, "batch"), "");
	assert_string_equal(column(f, "iterations"), "100");
	assert_string_equal(column(f, "ops_done"), "100");
	assert_string_equal(column(f, "failures"), "10");
	/* every attempted allocation is a sample; only successful frees are */
	assert_string_equal(column(f, "alloc_ns_mean"), "95.0");
	assert_string_equal(column(f, "alloc_ns_p50"), "100.0");
	assert_string_equal(column(f, "alloc_ns_p90"), "100.0");
	assert_string_equal(column(f, "alloc_ns_min"), "50");
	assert_string_equal(column(f, "alloc_ns_max"), "100");
	assert_string_equal(column(f, "free_ns_mean"), "30.0");
	assert_string_equal(column(f, "free_ns_p999"), "30.0");
	assert_string_equal(column(f, "amortized_ops"), "100");
	assert_string_equal(column(f, "amortized_failures"), "0");
	assert_string_equal(column(f, "pair_ns_amortized"), "140");
	assert_string_equal(column(f, "alloc_ns_amortized"), "");
	assert_string_equal(column(f, "free_ns_amortized"), "");
	assert_string_equal(column(f, "clock_overhead_ns"), "20");
	assert_string_equal(column(f, "context_cpu"), "0");
	assert_string_equal(column(f, "context_mechanism"), "ioctl");
	assert_string_equal(column(f, "context_overhead_ns"), "7");
	/* process context has no atomic bound */
	assert_string_equal(column(f, "atomic_limit_ns"), "");
	assert_string_equal(column(f, "status"), "ok");
	assert_string_equal(column(f, "error"), "");
}

static void test_alloc_percentile_split(void **state)
{
	struct row_fixture *f = *state;
	struct op_figures figures;

	/* 10% at 50 ns: p10 is still 50, p11 is 100 (exact: buckets below 128 ns are 1 ns wide) */
	op_figures_compute(&f->result.alloc, f->alloc_hist, &figures);
	assert_int_equal(figures.count, 100);
	assert_true(figures.mean_ns == 95.0);
	assert_true(figures.percentile_ns[PERCENTILE_50] == 100.0);
	assert_true(figures.percentile_ns[PERCENTILE_90] == 100.0);
	assert_true(figures.percentile_ns[PERCENTILE_99] == 100.0);
	assert_true(figures.percentile_ns[PERCENTILE_999] == 100.0);
	assert_int_equal(figures.min_ns, 50);
	assert_int_equal(figures.max_ns, 100);
	assert_true(hist_percentile(f->alloc_hist, 10) == 50.0);
	assert_true(hist_percentile(f->alloc_hist, 11) == 100.0);
}

/* 1024 ns sits in a 16 ns bucket whose midpoint, 1031.5, is above the max. */
static void test_percentiles_within_min_and_max(void **state)
{
	struct row_fixture *f = *state;
	struct kab_op_stats stats = { .sum_ns = 100 * 1024, .min_ns = 1024,
				      .max_ns = 1024 };
	struct op_figures figures;

	memset(f->alloc_hist, 0, sizeof(f->alloc_hist));
	f->alloc_hist[kab_hist_bucket(1024)] = 100;
	assert_true(hist_percentile(f->alloc_hist, 50) > 1024.0);
	op_figures_compute(&stats, f->alloc_hist, &figures);
	assert_int_equal(figures.count, 100);
	assert_int_equal(figures.max_ns, 1024);
	for (int i = 0; i < REPORTED_PERCENTILES; i++)
		assert_true(figures.percentile_ns[i] == 1024.0);
	f->result.alloc = stats;
	make_row(f);
	assert_string_equal(column(f, "alloc_ns_p50"), "1024.0");
	assert_string_equal(column(f, "alloc_ns_p99"), "1024.0");
	assert_string_equal(column(f, "alloc_ns_max"), "1024");
}

/* The atomic reserve is free but not usable: it does not count as above. */
static void test_pressure_reached(void **state)
{
	struct row_fixture *f = *state;

	make_row(f);
	assert_string_equal(column(f, "pressure_reached"), "");
	f->spec.pressure = KAB_PRESSURE_low;
	f->result.wmark_low = 16000;
	f->result.free_pages_before = 18000;
	f->result.highatomic_pages = 2001;
	f->result.pcp_pages_after = 12;
	make_row(f);
	assert_string_equal(column(f, "pressure_reached"), "yes");
	assert_string_equal(column(f, "highatomic_pages"), "2001");
	assert_string_equal(column(f, "pcp_pages_after"), "12");
	f->result.highatomic_pages = 2000;
	make_row(f);
	assert_string_equal(column(f, "pressure_reached"), "no");
}

static void test_batch_and_order_row(void **state)
{
	struct row_fixture *f = *state;

	f->spec.allocator = KAB_ALLOC_alloc_pages;
	f->spec.size_bytes = 0;
	f->spec.order = 3;
	f->spec.pattern = KAB_PATTERN_batch;
	f->spec.batch = 64;
	f->result.alloc.amortized_ns = 70;
	f->result.free.amortized_ns = 60;
	make_row(f);
	assert_string_equal(column(f, "size_bytes"), "");
	assert_string_equal(column(f, "order"), "3");
	assert_string_equal(column(f, "batch"), "64");
	assert_string_equal(column(f, "alloc_ns_amortized"), "70");
	assert_string_equal(column(f, "free_ns_amortized"), "60");
}

/* Every allocation failed: nothing was freed, so no free or pair figure. */
static void test_no_samples_leaves_figures_empty(void **state)
{
	struct row_fixture *f = *state;

	memset(f->free_hist, 0, sizeof(f->free_hist));
	f->result.failures = 100;
	f->result.amortized_failures = f->result.amortized_ops;
	make_row(f);
	assert_string_equal(column(f, "alloc_ns_mean"), "95.0");
	assert_string_equal(column(f, "free_ns_mean"), "");
	assert_string_equal(column(f, "free_ns_p50"), "");
	assert_string_equal(column(f, "free_ns_min"), "");
	assert_string_equal(column(f, "amortized_ops"), "100");
	assert_string_equal(column(f, "amortized_failures"), "100");
	assert_string_equal(column(f, "pair_ns_amortized"), "");
	assert_string_equal(column(f, "alloc_ns_amortized"), "");
	assert_string_equal(column(f, "free_ns_amortized"), "");
}

/* batch: the alloc figure of a loop that only failed exists, free does not. */
static void test_batch_that_freed_nothing(void **state)
{
	struct row_fixture *f = *state;

	f->spec.pattern = KAB_PATTERN_batch;
	f->spec.batch = 8;
	f->result.amortized_failures = f->result.amortized_ops;
	f->result.alloc.amortized_ns = 70;
	f->result.free.amortized_ns = 0;
	make_row(f);
	assert_string_equal(column(f, "alloc_ns_amortized"), "70");
	assert_string_equal(column(f, "free_ns_amortized"), "");
	assert_string_equal(column(f, "pair_ns_amortized"), "");
}

/* A time limit hit before the amortized loop's first operation. */
static void test_no_amortized_ops(void **state)
{
	struct row_fixture *f = *state;

	f->spec.pattern = KAB_PATTERN_batch;
	f->spec.batch = 8;
	f->result.amortized_ops = 0;
	f->result.alloc.amortized_ns = 0;
	make_row(f);
	assert_string_equal(column(f, "amortized_ops"), "0");
	assert_string_equal(column(f, "amortized_failures"), "0");
	assert_string_equal(column(f, "pair_ns_amortized"), "");
	assert_string_equal(column(f, "alloc_ns_amortized"), "");
	assert_string_equal(column(f, "free_ns_amortized"), "");
}

static void assert_figures_empty(const struct row_fixture *f)
{
	size_t first = (size_t)kab_name_index((const char *const *)f->header.field,
					      f->header.count, "ops_done");
	size_t last = (size_t)kab_name_index((const char *const *)f->header.field,
					     f->header.count, "atomic_limit_ns");

	for (size_t i = first; i <= last; i++)
		if (*f->row.field[i])
			fail_msg("%s is '%s', not empty", f->header.field[i],
				 f->row.field[i]);
}

/* A deferred allocator's backlog; the other allocators' is empty, not 0. */
static void test_backlog_columns(void **state)
{
	struct row_fixture *f = *state;

	f->result.backlog_bytes = 655360;
	f->result.backlog_left_bytes = 8192;
	f->result.drain_ns = 31000000;
	f->result.drained = 1;
	make_row(f);
	assert_string_equal(column(f, "backlog_bytes"), "");
	assert_string_equal(column(f, "backlog_left_bytes"), "");
	assert_string_equal(column(f, "drain_ns"), "");
	assert_string_equal(column(f, "drained"), "");
	f->spec.allocator = KAB_ALLOC_kfree_rcu;
	make_row(f);
	assert_string_equal(column(f, "backlog_bytes"), "655360");
	assert_string_equal(column(f, "backlog_left_bytes"), "8192");
	assert_string_equal(column(f, "drain_ns"), "31000000");
	assert_string_equal(column(f, "drained"), "yes");
	/* the wait ran out: how long it waited, and what was left */
	f->spec.allocator = KAB_ALLOC_kvfree_rcu;
	f->result.backlog_bytes = 0;
	f->result.drained = 0;
	make_row(f);
	assert_string_equal(column(f, "backlog_bytes"), "0");
	assert_string_equal(column(f, "drained"), "no");
	f->outcome.status = CASE_refused;
	make_row(f);
	assert_string_equal(column(f, "backlog_bytes"), "");
	assert_string_equal(column(f, "drained"), "");
}

/* The row's cells of caches, cpu_caches and caches_used, in that order. */
static void assert_caches_cells(const struct row_fixture *f,
				const char *caches, const char *cpu_caches,
				const char *caches_used)
{
	assert_string_equal(column(f, "caches"), caches);
	assert_string_equal(column(f, "cpu_caches"), cpu_caches);
	assert_string_equal(column(f, "caches_used"), caches_used);
}

/*
 * caches, cpu_caches and caches_used: a cache's rows only (kmalloc's are
 * empty), each CPU's cache number in cpu_list's order, the module's count.
 */
static void test_caches_columns(void **state)
{
	struct row_fixture *f = *state;
	struct kab_cpu_result cpus[2] = { { .cpu = 0, .cache = 0 },
					  { .cpu = 1, .cache = 1 } };

	f->result.caches_used = 2;
	make_row(f);
	assert_caches_cells(f, "", "", "");
	f->spec.allocator = KAB_ALLOC_kmem_cache_alloc;
	f->result.caches_used = 1;
	make_row(f);
	assert_caches_cells(f, "shared", "0", "1");
	f->spec.cpus = 2;
	f->spec.caches = KAB_CACHES_per_cpu;
	f->outcome.cpu_results = cpus;
	f->result.caches_used = 2;
	make_row(f);
	assert_string_equal(column(f, "cpu_list"), "0 1");
	assert_caches_cells(f, "per_cpu", "0 1", "2");
	f->outcome.status = CASE_refused;
	make_row(f);
	assert_caches_cells(f, "per_cpu", "", "");
}

static void test_refused_row(void **state)
{
	struct row_fixture *f = *state;

	f->outcome.status = CASE_refused;
	f->outcome.error = E2BIG;
	snprintf(f->result.reason, sizeof(f->result.reason),
		 "iterations above max_iterations, \"1000\"\n");
	make_row(f);
	assert_figures_empty(f);
	assert_string_equal(column(f, "size_bytes"), "64");
	assert_string_equal(column(f, "status"), "refused");
	assert_string_equal(column(f, "error"),
			    "E2BIG: iterations above max_iterations, \"1000\" ");
}

static void test_interrupted_row(void **state)
{
	struct row_fixture *f = *state;

	f->outcome.status = CASE_interrupted;
	f->outcome.error = EINTR;
	make_row(f);
	assert_figures_empty(f);
	assert_string_equal(column(f, "status"), "interrupted");
	assert_string_equal(column(f, "error"), "EINTR");
}

static void test_sink_writes_files_and_stream(void **state)
{
	char *dir = make_temp_dir(), *out_dir, *text;
	struct results_sink sink;
	struct strbuf path = { 0 };
	struct captured capture;
	uint32_t *hist = xcalloc(KAB_HIST_BUCKETS, sizeof(*hist));

	(void)state;
	sb_printf(&path, "%s/out/run", dir);
	out_dir = xstrdup(path.text);
	sb_reset(&path);
	sb_printf(&path, "%s/stream", dir);
	hist[kab_hist_bucket(70)] = 5;
	hist[kab_hist_bucket(1000)] = 2;
	assert_int_equal(results_open(&sink, out_dir, path.text), 0);
	assert_int_equal(results_write_line(&sink, RESULTS_GUEST_JSON, "{}"), 0);
	assert_int_equal(results_write_line(&sink, RESULTS_CASES_CSV, "a,b"), 0);
	assert_int_equal(results_write_histogram(&sink, 4, 1, "free", hist), 0);
	assert_int_equal(results_sync(&sink), 0);
	results_close(&sink);

	text = read_in_dir(out_dir, "cases.csv");
	assert_string_equal(text, "a,b\n");
	free(text);
	text = read_in_dir(out_dir, "histograms.csv");
	assert_string_equal(text, "4,1,free,70,1,5\n4,1,free,1000,8,2\n");
	free(text);
	text = read_in_dir(dir, "stream");
	assert_string_equal(text, "guest.json\t{}\ncases.csv\ta,b\n"
			    "histograms.csv\t4,1,free,70,1,5\n"
			    "histograms.csv\t4,1,free,1000,8,2\n");
	free(text);
	free(hist);

	/* a second run never truncates the first */
	assert_true(results_dir_has_run(out_dir));
	text = xstrdup(dir);
	assert_false(results_dir_has_run(text));
	free(text);
	capture = capture_fd(STDERR_FILENO, dir);
	assert_int_equal(results_open(&sink, out_dir, NULL), -1);
	text = release_fd(STDERR_FILENO, &capture);
	assert_non_null(strstr(text, "File exists"));
	free(text);
	text = read_in_dir(out_dir, "cases.csv");
	assert_string_equal(text, "a,b\n");
	free(text);
	free(out_dir);
	sb_free(&path);
	remove_tree(dir);
}

static void test_sink_stream_only(void **state)
{
	char *dir = make_temp_dir(), *text;
	struct results_sink sink;
	struct strbuf path = { 0 };

	(void)state;
	sb_printf(&path, "%s/ttyS1", dir);
	assert_int_equal(results_open(&sink, NULL, path.text), 0);
	assert_int_equal(results_write_line(&sink, RESULTS_CASES_CSV, "x"), 0);
	results_close(&sink);
	text = read_in_dir(dir, "ttyS1");
	assert_string_equal(text, "cases.csv\tx\n");
	free(text);
	assert_null(read_in_dir(dir, "cases.csv"));
	sb_free(&path);
	remove_tree(dir);
}

/* A serial port is a tty: fsync says EINVAL there, tcdrain waits instead. */
static void test_sink_syncs_a_tty(void **state)
{
	struct results_sink sink;
	int master = posix_openpt(O_RDWR | O_NOCTTY);
	char line[64];
	ssize_t got;

	(void)state;
	assert_true(master >= 0);
	assert_int_equal(grantpt(master), 0);
	assert_int_equal(unlockpt(master), 0);
	assert_int_equal(results_open(&sink, NULL, ptsname(master)), 0);
	assert_int_equal(fsync(sink.stream_fd), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(results_write_line(&sink, RESULTS_CASES_CSV, "x"), 0);
	assert_int_equal(results_sync(&sink), 0);
	got = read(master, line, sizeof(line) - 1);
	assert_true(got > 0);
	line[got] = '\0';
	assert_non_null(strstr(line, "cases.csv\tx"));
	results_close(&sink);
	close(master);
}

static void test_sink_open_failure(void **state)
{
	char *dir = make_temp_dir(), *err_text;
	struct captured err = capture_fd(STDERR_FILENO, dir);
	struct results_sink sink;
	int result = results_open(&sink, "/proc/kallocbench-no/such", NULL);

	(void)state;
	err_text = release_fd(STDERR_FILENO, &err);
	assert_int_equal(result, -1);
	assert_string_equal(err_text, "kallocbench: cannot create "
			    "/proc/kallocbench-no/such: No such file or directory\n");
	free(err_text);
	remove_tree(dir);
}

static void test_guest_json(void **state)
{
	struct guest_facts facts = { .cmdline = "console=ttyS0 nokaslr",
				     .clocksource = NULL };
	struct kab_info info = {
		.abi_version = KAB_ABI_VERSION, .page_size = 4096,
		.nr_page_orders = 11, .thread_size = 16384,
		.kmalloc_max_size = 4 << 20, .totalram_bytes = 1ULL << 30,
		.clock_overhead_ns = 21, .max_iterations = UINT64_MAX,
		.clock = "ktime_get_ns",
		.context_mechanisms[KAB_CONTEXT_softirq] = "tasklet",
	};
	struct sweep sweep = { .path = "configs/sweeps/x\xff.conf",
			       .header.sweep_name = "x" };
	json_t *guest, *module, *sweep_json;
	char *line;

	(void)state;
	strcpy(facts.uts.release, "6.1.0-test");
	strcpy(facts.uts.machine, "x86_64");
	guest = guest_json_build(&facts, &info, &labels, &sweep, "v1-test");
	assert_non_null(guest);
	assert_string_equal(json_string_value(json_object_get(
		json_object_get(guest, "kernel"), "release")), "6.1.0-test");
	assert_string_equal(json_string_value(json_object_get(guest, "cmdline")),
			    "console=ttyS0 nokaslr");
	assert_true(json_is_null(json_object_get(guest, "clocksource")));
	/* a path that is not UTF-8 cannot break the JSON */
	sweep_json = json_object_get(guest, "sweep");
	assert_string_equal(json_string_value(json_object_get(sweep_json, "path")),
			    "configs/sweeps/x?.conf");
	assert_string_equal(json_string_value(json_object_get(sweep_json, "name")),
			    "x");
	assert_true(json_is_null(json_object_get(sweep_json, "description")));
	assert_string_equal(json_string_value(json_object_get(guest, "mode")),
			    "qemu-icount");
	assert_string_equal(json_string_value(json_object_get(
		json_object_get(guest, "runner"), "version")), "v1-test");
	module = json_object_get(guest, "module");
	assert_int_equal(json_integer_value(json_object_get(module, "nr_page_orders")), 11);
	assert_int_equal(json_integer_value(json_object_get(module, "kmalloc_max_size")),
			 4 << 20);
	assert_true(json_is_false(json_object_get(module, "preempt_rt")));
	assert_string_equal(json_string_value(json_object_get(module, "max_iterations")),
			    "18446744073709551615");
	assert_string_equal(json_string_value(json_object_get(module, "clock")),
			    "ktime_get_ns");
	assert_string_equal(json_string_value(json_object_get(json_object_get(
		module, "context_mechanisms"), "softirq")), "tasklet");
	assert_int_equal(json_object_size(json_object_get(module,
		"context_mechanisms")), KAB_NR_CONTEXTS);
	assert_true(json_is_integer(json_object_get(module, "vmalloc_table_pages")));
	assert_int_equal(json_object_size(module), 12);
	line = json_dumps(guest, JSON_COMPACT);
	assert_null(strchr(line, '\n'));
	free(line);
	json_decref(guest);
}

static void test_json_text_keeps_bad_utf8(void **state)
{
	json_t *text = json_text("root=/dev/vda \xff\xfe x");

	(void)state;
	assert_string_equal(json_string_value(text), "root=/dev/vda ?? x");
	json_decref(text);
}

static void test_guest_facts_read(void **state)
{
	struct guest_facts facts;

	(void)state;
	guest_facts_read(&facts);
	assert_true(facts.uts.release[0] != '\0');
	assert_non_null(facts.started_utc);
	if (facts.cmdline)
		assert_null(strchr(facts.cmdline, '\n'));
	guest_facts_free(&facts);
}

static const char *const counter_names[] = {
	"page-faults", "cycles", "kmem:mm_page_alloc", "context-switches",
};

static void test_header_with_counters(void **state)
{
	char *header = results_cases_header_events(counter_names, 2);

	(void)state;
	assert_non_null(strstr(header, ",drained,counter_scaling,"
			       "page-faults,cycles,status,error"));
	assert_int_equal(strncmp(header, "case,repetition,", 16), 0);
	free(header);
	header = results_cases_header_events(NULL, 0);
	assert_string_equal(header, results_cases_header());
	free(header);
}

/* page-faults counted, cycles unsupported, mm_page_alloc multiplexed and
 * scaled, context-switches counted zero times. */
static void use_counters(struct row_fixture *f, struct perf_value *values)
{
	char *header = results_cases_header_events(counter_names, 4);

	values[0] = perf_scale(12, 1000, 1000);
	values[1] = (struct perf_value){ 0 };
	values[2] = perf_scale(301, 1000, 500);
	values[3] = perf_scale(0, 1000, 1000);
	f->outcome.counter_count = 4;
	f->outcome.counters = values;
	csv_fields_free(&f->header);
	assert_true(csv_split(header, &f->header));
	free(header);
}

static void test_counters_row(void **state)
{
	struct row_fixture *f = *state;
	struct perf_value values[4];

	use_counters(f, values);
	make_row(f);
	assert_string_equal(column(f, "page-faults"), "12");
	assert_string_equal(column(f, "cycles"), "");
	assert_string_equal(column(f, "kmem:mm_page_alloc"), "602");
	assert_string_equal(column(f, "context-switches"), "0");
	assert_string_equal(column(f, "counter_scaling"), "0.500");
	assert_string_equal(column(f, "status"), "ok");
	assert_string_equal(f->row.field[f->row.count - 1], "");
}

static void test_counters_unscaled_and_none_counted(void **state)
{
	struct row_fixture *f = *state;
	struct perf_value values[4];

	use_counters(f, values);
	values[2] = perf_scale(301, 1000, 1000);
	make_row(f);
	assert_string_equal(column(f, "counter_scaling"), "1.000");
	assert_string_equal(column(f, "kmem:mm_page_alloc"), "301");
	/* Every event unsupported: nothing counted, nothing to scale. */
	for (int i = 0; i < 4; i++)
		values[i] = (struct perf_value){ 0 };
	make_row(f);
	assert_string_equal(column(f, "counter_scaling"), "");
	assert_string_equal(column(f, "page-faults"), "");
	assert_string_equal(column(f, "context-switches"), "");
	/* A group that could not be read. */
	f->outcome.counters = NULL;
	make_row(f);
	assert_string_equal(column(f, "page-faults"), "");
}

static void test_counters_of_a_refused_case_are_empty(void **state)
{
	struct row_fixture *f = *state;
	struct perf_value values[4];

	use_counters(f, values);
	f->outcome.status = CASE_refused;
	f->outcome.error = EINVAL;
	make_row(f);
	assert_string_equal(column(f, "counter_scaling"), "");
	assert_string_equal(column(f, "page-faults"), "");
	assert_string_equal(column(f, "context-switches"), "");
	assert_string_equal(column(f, "status"), "refused");
	assert_string_equal(column(f, "error"), "EINVAL");
}

#define ROW_TEST(fn) cmocka_unit_test_setup_teardown(fn, setup_row, teardown_row)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header_is_the_contract),
		ROW_TEST(test_ok_pair_row),
		ROW_TEST(test_alloc_percentile_split),
		ROW_TEST(test_pressure_reached),
		ROW_TEST(test_batch_and_order_row),
		ROW_TEST(test_percentiles_within_min_and_max),
		ROW_TEST(test_no_samples_leaves_figures_empty),
		ROW_TEST(test_batch_that_freed_nothing),
		ROW_TEST(test_no_amortized_ops),
		ROW_TEST(test_backlog_columns),
		ROW_TEST(test_caches_columns),
		ROW_TEST(test_refused_row),
		ROW_TEST(test_interrupted_row),
		cmocka_unit_test(test_header_with_counters),
		ROW_TEST(test_counters_row),
		ROW_TEST(test_counters_unscaled_and_none_counted),
		ROW_TEST(test_counters_of_a_refused_case_are_empty),
		cmocka_unit_test(test_sink_writes_files_and_stream),
		cmocka_unit_test(test_sink_stream_only),
		cmocka_unit_test(test_sink_syncs_a_tty),
		cmocka_unit_test(test_sink_open_failure),
		cmocka_unit_test(test_guest_json),
		cmocka_unit_test(test_json_text_keeps_bad_utf8),
		cmocka_unit_test(test_guest_facts_read),
	};

	return cmocka_run_group_tests_name("results", tests, NULL, NULL);
}
