/* The run loop against a fake device: rows, refusals and interruption. */
#include "tests/testutil.h"

#include <errno.h>
#include <signal.h>
#include <sys/mman.h>

#include "cli/cli.h"
#include "output/csv.h"
#include "run/run.h"

struct fake_device {
	unsigned calls;
	unsigned refuse_call;
	unsigned interrupt_call;
	unsigned fail_call;
	/* EINTR without a stop signal (SIGSTOP/SIGCONT, a debugger) */
	unsigned stray_signal_calls;
	/* pages each successful case touches for the first time */
	unsigned touch_pages;
};

/* @pages fresh pages, each faulted in once (no THP to fold them). */
static void touch_fresh_pages(unsigned pages)
{
	size_t len = (size_t)pages * 4096;
	char *area = mmap(NULL, len, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	assert_true(area != MAP_FAILED);
	madvise(area, len, MADV_NOHUGEPAGE);
	for (size_t i = 0; i < len; i += 4096)
		((volatile char *)area)[i] = 1;
	munmap(area, len);
}

static int fake_run_case(void *device, struct kab_case *request)
{
	struct fake_device *fake = device;
	uint32_t *alloc_hist = (uint32_t *)(uintptr_t)request->alloc.hist;
	uint32_t *free_hist = (uint32_t *)(uintptr_t)request->free.hist;

	fake->calls++;
	assert_int_equal(request->size, sizeof(*request));
	assert_int_equal(request->abi_version, KAB_ABI_VERSION);
	assert_non_null(alloc_hist);
	assert_non_null(free_hist);
	if (fake->calls == fake->refuse_call) {
		snprintf(request->reason, sizeof(request->reason),
			 "size above KMALLOC_MAX_SIZE");
		return -E2BIG;
	}
	if (fake->calls == fake->interrupt_call) {
		run_stop_signal = SIGINT;
		return -EINTR;
	}
	if (fake->calls == fake->fail_call)
		return -ENOMEM;
	if (fake->stray_signal_calls) {
		fake->stray_signal_calls--;
		return -EINTR;
	}
	if (fake->touch_pages)
		touch_fresh_pages(fake->touch_pages);
	request->ops_done = request->amortized_ops = request->iterations;
	request->pair_amortized_ns = 150;
	request->alloc.sum_ns = 100 * request->iterations;
	request->alloc.min_ns = request->alloc.max_ns = 100;
	request->free.sum_ns = 50 * request->iterations;
	request->free.min_ns = request->free.max_ns = 50;
	alloc_hist[kab_hist_bucket(100)] = (uint32_t)request->iterations;
	free_hist[kab_hist_bucket(50)] = (uint32_t)request->iterations;
	return 0;
}

static const char sweep_text[] =
	"[sweep]\nrepetitions = 2\niterations = 10\n"
	"[g]\nallocators = kmalloc\nsizes = 64 4K kmalloc_max+1\n"
	"gfp = GFP_KERNEL\npatterns = pair\n";

static const struct kab_info info = { .kmalloc_max_size = 4 << 20,
				      .nr_page_orders = 11,
				      .max_iterations = 1000000 };

static const struct run_labels labels = {
	.kernel = "6.1.0-test", .config = "default", .mode = "qemu-tcg",
};

struct run_fixture {
	char *dir;
	struct sweep_cases cases;
	struct results_sink sink;
	struct fake_device fake;
	char *progress_text;
	size_t progress_len;
	FILE *progress;
	struct run_totals totals;
	struct sweep sweep;
};

static int setup_run(void **state)
{
	struct run_fixture *f = xcalloc(1, sizeof(*f));
	struct strbuf stream = { 0 };
	struct sweep_error err;

	assert_int_equal(parse_sweep_text(sweep_text, &f->sweep, &err), 0);
	assert_int_equal(sweep_expand(&f->sweep, &info, &f->cases, &err), 0);
	f->dir = make_temp_dir();
	sb_printf(&stream, "%s/stream", f->dir);
	assert_int_equal(results_open(&f->sink, f->dir, stream.text), 0);
	sb_free(&stream);
	f->progress = open_memstream(&f->progress_text, &f->progress_len);
	run_stop_signal = 0;
	*state = f;
	return 0;
}

static int teardown_run(void **state)
{
	struct run_fixture *f = *state;

	results_close(&f->sink);
	fclose(f->progress);
	free(f->progress_text);
	sweep_cases_free(&f->cases);
	sweep_free(&f->sweep);
	remove_tree(f->dir);
	free(f);
	run_stop_signal = 0;
	return 0;
}

static void run_counting(struct run_fixture *f, struct run_counters *counters)
{
	struct run_context context = {
		.sink = &f->sink, .labels = &labels, .run_case = fake_run_case,
		.device = &f->fake, .progress = f->progress, .sweep = &f->sweep,
		.counters = counters,
	};

	run_cases(&context, &f->cases, &f->totals);
	fflush(f->progress);
}

static void run(struct run_fixture *f)
{
	struct run_context context = {
		.sink = &f->sink, .labels = &labels, .run_case = fake_run_case,
		.device = &f->fake, .progress = f->progress, .sweep = &f->sweep,
	};

	run_cases(&context, &f->cases, &f->totals);
	fflush(f->progress);
}

/* Field @index of each row of cases.csv, joined with spaces. */
static char *cases_column(const struct run_fixture *f, size_t index)
{
	char *text = read_in_dir(f->dir, "cases.csv"), *save = NULL;
	struct strbuf joined = { 0 };
	bool first = true;

	for (char *line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		struct csv_fields fields = { 0 };

		assert_true(csv_split(line, &fields));
		sb_printf(&joined, "%s%s", first ? "" : " ", fields.field[index]);
		first = false;
		csv_fields_free(&fields);
	}
	free(text);
	return sb_steal(&joined);
}


static void assert_column(const struct run_fixture *f, size_t index,
			  const char *expected)
{
	char *column = cases_column(f, index);

	assert_string_equal(column, expected);
	free(column);
}

static void test_every_repetition_of_every_case(void **state)
{
	struct run_fixture *f = *state;
	char *hist;

	f->fake.refuse_call = 5;
	run(f);
	assert_int_equal(f->fake.calls, 6);
	assert_int_equal(f->totals.ok, 5);
	assert_int_equal(f->totals.refused, 1);
	assert_false(f->totals.interrupted);
	assert_column(f, CASES_COLUMN_case, "1 1 2 2 3 3");
	assert_column(f, CASES_COLUMN_repetition, "1 2 1 2 1 2");
	assert_column(f, CASES_COLUMN_status, "ok ok ok ok refused ok");
	assert_column(f, CASES_COLUMN_error, "    E2BIG: size above KMALLOC_MAX_SIZE ");
	hist = read_in_dir(f->dir, "histograms.csv");
	/* one alloc and one free bucket per case that ran */
	assert_int_equal(count_lines(hist), 10);
	assert_non_null(strstr(hist, "1,2,free,50,1,10\n"));
	free(hist);
	assert_non_null(strstr(f->progress_text,
			       "[1/6] [g] kmalloc 64 GFP_KERNEL pair: alloc p50 100.0 ns"));
	assert_non_null(strstr(f->progress_text,
			       "[5/6] [g] kmalloc 4194305 GFP_KERNEL pair: refused "
			       "(E2BIG: size above KMALLOC_MAX_SIZE)"));
	assert_non_null(strstr(f->progress_text, "eta"));
}

/* The progress line tells apart cases that differ only in context,
 * pressure or fragmentation. */
static void test_progress_names_context_pressure_frag(void **state)
{
	struct run_fixture *f = *state;
	struct sweep_error err;

	sweep_cases_free(&f->cases);
	sweep_free(&f->sweep);
	assert_int_equal(parse_sweep_text(
		"[g]\nallocators = kmalloc\nsizes = 64\ngfp = GFP_ATOMIC\n"
		"patterns = pair\ncontexts = process softirq\n"
		"pressure = none low\nfrag_levels = heavy\n"
		"frag_kinds = unmovable\n", &f->sweep, &err), 0);
	assert_int_equal(sweep_expand(&f->sweep, &info, &f->cases, &err), 0);
	run(f);
	assert_non_null(strstr(f->progress_text, "[1/4] [g] kmalloc 64 "
			       "GFP_ATOMIC pair frag heavy unmovable: "));
	assert_non_null(strstr(f->progress_text, "kmalloc 64 GFP_ATOMIC pair "
			       "in softirq pressure low frag heavy unmovable: "));
}

/* Under a memory cap no machine meets (1/1000 of MemTotal free at most),
 * a pressure case is refused before it reaches the module, with the reason
 * in its row; the case without pressure runs. */
static void test_pressure_refused_under_a_cap(void **state)
{
	struct run_fixture *f = *state;
	struct sweep_error err;
	struct run_context context = {
		.sink = &f->sink, .labels = &labels, .run_case = fake_run_case,
		.device = &f->fake, .progress = f->progress, .sweep = &f->sweep,
		.pressure_cap_permille = 1,
	};
	char *cases;

	sweep_cases_free(&f->cases);
	sweep_free(&f->sweep);
	assert_int_equal(parse_sweep_text(
		"[g]\nallocators = kmalloc\nsizes = 64\ngfp = GFP_KERNEL\n"
		"patterns = pair\npressure = none low\n", &f->sweep, &err), 0);
	assert_int_equal(sweep_expand(&f->sweep, &info, &f->cases, &err), 0);
	run_cases(&context, &f->cases, &f->totals);
	assert_int_equal(f->fake.calls, 1);
	assert_int_equal(f->totals.ok, 1);
	assert_int_equal(f->totals.refused, 1);
	cases = read_in_dir(f->dir, "cases.csv");
	assert_non_null(strstr(cases, ",refused,\"E2BIG: pressure would hold "
			       "about "));
	free(cases);
}

/*
 * Counters around each case: page faults of the pages the fake touches
 * (each at least 32), an unknown event empty, counter_scaling 1.000; the
 * refused case has empty cells; the progress line is as without counters.
 */
static void test_counters_around_each_case(void **state)
{
	struct run_fixture *f = *state;
	struct run_counters counters;
	struct sweep sweep;
	struct sweep_error err;
	char *column;
	json_t *json;
	char *text;

	struct sweep_names *events = &sweep.header.events;

	assert_int_equal(parse_sweep_text(
		"[sweep]\nevents = page-faults\n"
		"[g]\nallocators = kmalloc\nsizes = 64\n"
		"gfp = GFP_KERNEL\npatterns = pair\n", &sweep, &err), 0);
	/* check refuses what libpfm4 cannot encode; a sweep checked on
	 * another machine may still name one */
	xgrow((void **)&events->name, &events->capacity, events->count + 1,
	      sizeof(*events->name));
	events->name[events->count++] = xstrdup("nosuch-event-x");
	run_counters_open(&counters, &sweep, &f->cases, -1);
	assert_non_null(counters.group[COUNTER_SCOPE_task]);
	assert_null(counters.group[COUNTER_SCOPE_cpu]);
	f->fake.touch_pages = 32;
	f->fake.refuse_call = 5;
	run_counting(f, &counters);
	assert_int_equal(f->totals.ok, 5);
	assert_column(f, CASES_COLUMN_status + 2, "ok ok ok ok refused ok");
	assert_column(f, CASES_COLUMN_status - 1, "1.000 1.000 1.000 1.000  1.000");
	assert_column(f, CASES_COLUMN_status + 1, "     ");
	column = cases_column(f, CASES_COLUMN_status);
	{
		unsigned long faults[6] = { 0 };
		int n = sscanf(column, "%lu %lu %lu %lu %lu", &faults[0],
			       &faults[1], &faults[2], &faults[3], &faults[5]);

		assert_int_equal(n, 5);
		for (int i = 0; i < 6; i++)
			if (i != 4 && faults[i] < 32)
				fail_msg("case %d: %lu page faults", i, faults[i]);
	}
	free(column);
	json = run_counters_json(&counters);
	text = json_dumps(json, JSON_COMPACT | JSON_SORT_KEYS);
	assert_non_null(strstr(text, "{\"kind\":\"software\",\"name\":"
			       "\"page-faults\",\"reason\":null,\"supported\":true}"));
	assert_non_null(strstr(text, "\"name\":\"nosuch-event-x\",\"reason\":"
			       "\"per task: unknown event"));
	assert_non_null(strstr(text, "\"supported\":false"));
	assert_non_null(strstr(text, "\"scope\":\"the whole RUN_CASE ioctl"));
	free(text);
	json_decref(json);
	assert_non_null(strstr(f->progress_text,
			       "[1/6] [g] kmalloc 64 GFP_KERNEL pair: alloc p50 100.0 ns"));
	run_counters_close(&counters);
	sweep_free(&sweep);
}

/* A case's cases.csv row comes after its histogram rows: it marks it done. */
static void test_histograms_before_case_row(void **state)
{
	struct run_fixture *f = *state;
	char *stream;
	const char *bucket, *row;

	run(f);
	stream = read_in_dir(f->dir, "stream");
	for (unsigned rep = 1; rep <= 2; rep++) {
		char bucket_text[64], row_text[64];

		snprintf(bucket_text, sizeof(bucket_text),
			 "histograms.csv\t2,%u,free,", rep);
		snprintf(row_text, sizeof(row_text), "cases.csv\t2,%u,", rep);
		bucket = strstr(stream, bucket_text);
		row = strstr(stream, row_text);
		assert_non_null(bucket);
		assert_non_null(row);
		assert_true(bucket < row);
	}
	free(stream);
}

static void test_stray_eintr_is_retried(void **state)
{
	struct run_fixture *f = *state;

	f->fake.stray_signal_calls = 2;
	run(f);
	assert_int_equal(f->fake.calls, 8);
	assert_false(f->totals.interrupted);
	assert_int_equal(f->totals.ok, 6);
	assert_column(f, CASES_COLUMN_status, "ok ok ok ok ok ok");
}

static void test_interrupt_stops_after_writing(void **state)
{
	struct run_fixture *f = *state;

	f->fake.interrupt_call = 3;
	run(f);
	assert_int_equal(f->fake.calls, 3);
	assert_true(f->totals.interrupted);
	assert_column(f, CASES_COLUMN_status, "ok ok interrupted");
	assert_column(f, CASES_COLUMN_error, "  EINTR");
}

static void test_signal_between_cases_stops(void **state)
{
	struct run_fixture *f = *state;

	run_stop_signal = SIGTERM;
	run(f);
	assert_int_equal(f->fake.calls, 0);
	assert_true(f->totals.interrupted);
}

static void test_other_errors_are_failures(void **state)
{
	struct run_fixture *f = *state;

	f->fake.fail_call = 2;
	run(f);
	assert_int_equal(f->fake.calls, 6);
	assert_int_equal(f->totals.failed, 1);
	assert_column(f, CASES_COLUMN_status, "ok failed ok ok ok ok");
	assert_column(f, CASES_COLUMN_error, " ENOMEM    ");
}

static void test_usage_errors(void **state)
{
	char *dir = make_temp_dir();
	struct captured out = capture_fd(STDOUT_FILENO, dir);
	struct captured err = capture_fd(STDERR_FILENO, dir);
	int status[] = {
		run_command(cmd_run, ARGV("run", "--bogus")),
		run_command(cmd_run, ARGV("run", "--sweep", "x")),
		run_command(cmd_run, ARGV("run", "--out", "y")),
		run_command(cmd_run, ARGV("run", "--sweep", "x", "--out", "y",
					  "--mode", "qemu")),
		run_command(cmd_run, ARGV("run", "--sweep", "x", "--out", "y",
					  "extra")),
		run_command(cmd_run, ARGV("run", "--sweep", "/nonexistent.conf",
					  "--out", "y")),
		run_command(cmd_run, ARGV("run", "--sweep", "x", "--out", "y",
					  "--memory-cap-permille", "0")),
		run_command(cmd_run, ARGV("run", "--sweep", "x", "--out", "y",
					  "--memory-cap-permille", "501")),
		run_command(cmd_run, ARGV("run", "--sweep", "x", "--out", "y",
					  "--memory-cap-permille", "10%")),
	};
	int labels[] = {
		run_command(cmd_run, ARGV("run", "--sweep", "x", "--out", "y",
					  "--config", "a,b")),
		run_command(cmd_run, ARGV("run", "--sweep", "x", "--out", "y",
					  "--config", "two\nlines")),
		run_command(cmd_run, ARGV("run", "--sweep", "x", "--out", "y",
					  "--config", "")),
		run_command(cmd_run, ARGV("run", "--sweep", "x", "--out", "y",
					  "--config", "caf\xc3\xa9")),
	};
	int safe_label = run_command(cmd_run, ARGV(
		"run", "--sweep", "/nonexistent-safe.conf", "--out", "y",
		"--config", "init_on_alloc=1+slub:debug/A@x-1.2_Z"));
	int help = run_command(cmd_run, ARGV("run", "--help"));
	char *out_text = release_fd(STDOUT_FILENO, &out);
	char *err_text = release_fd(STDERR_FILENO, &err);

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(status); i++)
		assert_int_equal(status[i], CLI_USAGE);
	for (size_t i = 0; i < ARRAY_SIZE(labels); i++)
		assert_int_equal(labels[i], CLI_USAGE);
	/* a label made of every allowed kind of character gets to the sweep */
	assert_int_equal(safe_label, CLI_USAGE);
	assert_non_null(strstr(err_text, "/nonexistent-safe.conf: cannot open"));
	assert_non_null(strstr(err_text, "--config must be one or more of "
			       "A-Z a-z 0-9 and . _ + = : / @ -"));
	assert_int_equal(help, 0);
	assert_non_null(strstr(out_text, "usage: kallocbench run"));
	assert_non_null(strstr(out_text, "A-Z a-z 0-9 and . _ + = : / @ -"));
	assert_non_null(strstr(err_text, "unknown --mode"));
	assert_non_null(strstr(err_text, "/nonexistent.conf: cannot open"));
	assert_non_null(strstr(err_text,
			       "--memory-cap-permille takes 1 to 500"));
	free(out_text);
	free(err_text);
	remove_tree(dir);
}

#define MEMINFO(total_kb, free_kb) \
	"MemTotal:       " #total_kb " kB\nMemFree:        " #free_kb " kB\n" \
	"MemAvailable:   " #free_kb " kB\n"

/* Pressure holds about MemFree: refused when that is above the cap. */
static void test_pressure_cap(void **state)
{
	char reason[KAB_REASON_LEN];

	(void)state;
	assert_int_equal(run_pressure_refusal(100, MEMINFO(1000000, 100000),
					      reason), 0);
	assert_int_equal(run_pressure_refusal(100, MEMINFO(1000000, 100001),
					      reason), -E2BIG);
	assert_string_equal(reason, "pressure would hold about 97 MiB "
			    "(MemFree), above the cap of 100/1000 of MemTotal");
	assert_int_equal(run_pressure_refusal(500, "MemFree: 1 kB\n", reason),
			 -E2BIG);
	assert_non_null(strstr(reason, "no MemTotal"));
}

/* A host's cap lowers the sweep's, never raises it. */
static void test_frag_cap(void **state)
{
	(void)state;
	assert_int_equal(run_frag_cap(0, 0), KAB_FRAG_CAP_DEFAULT_PERMILLE);
	assert_int_equal(run_frag_cap(0, 100), 100);
	assert_int_equal(run_frag_cap(50, 100), 50);
	assert_int_equal(run_frag_cap(400, 100), 100);
	assert_int_equal(run_frag_cap(400, 0), 400);
}

/* A valid sweep, so that the run reaches the device and fails there. */
static void test_missing_device(void **state)
{
	char *dir = make_temp_dir();
	struct strbuf sweep_path = { 0 }, out = { 0 };
	struct captured err;
	char *err_text;
	int status[2];

	(void)state;
	sb_printf(&sweep_path, "%s/s.conf", dir);
	sb_printf(&out, "%s/out", dir);
	assert_int_equal(write_file(sweep_path.text, sweep_text,
				    strlen(sweep_text)), 0);
	err = capture_fd(STDERR_FILENO, dir);
	status[0] = run_command(cmd_run, ARGV("run", "--sweep", sweep_path.text,
					      "--out", out.text, "--device",
					      "/nonexistent/kallocbench"));
	status[1] = run_command(cmd_run, ARGV("run", "--sweep", sweep_path.text,
					      "--stream", "/dev/null",
					      "--device", "/nonexistent"));
	err_text = release_fd(STDERR_FILENO, &err);
	assert_int_equal(status[0], 1);
	assert_int_equal(status[1], 1);
	assert_non_null(strstr(err_text, "cannot open /nonexistent/kallocbench: "
			       "No such file or directory (is the module loaded?)"));
	assert_non_null(strstr(err_text, "cannot open /nonexistent: "));
	free(err_text);
	sb_free(&sweep_path);
	sb_free(&out);
	remove_tree(dir);
}

/* --out never truncates an earlier run's results. */
static void test_out_dir_with_a_run_is_refused(void **state)
{
	char *dir = make_temp_dir(), *err_text, *kept;
	struct strbuf sweep_path = { 0 }, cases = { 0 };
	struct captured err;
	int status;

	(void)state;
	sb_printf(&sweep_path, "%s/s.conf", dir);
	sb_printf(&cases, "%s/cases.csv", dir);
	assert_int_equal(write_file(sweep_path.text, sweep_text,
				    strlen(sweep_text)), 0);
	assert_int_equal(write_file(cases.text, "earlier\n", 8), 0);
	err = capture_fd(STDERR_FILENO, dir);
	status = run_command(cmd_run, ARGV("run", "--sweep", sweep_path.text,
					   "--out", dir, "--device",
					   "/nonexistent/kallocbench"));
	err_text = release_fd(STDERR_FILENO, &err);
	assert_int_equal(status, CLI_USAGE);
	assert_non_null(strstr(err_text, "already holds a run's cases.csv"));
	kept = read_in_dir(dir, "cases.csv");
	assert_string_equal(kept, "earlier\n");
	free(kept);
	free(err_text);
	sb_free(&sweep_path);
	sb_free(&cases);
	remove_tree(dir);
}

/* Records what run_cases() asks of the fragmenter; refuses "100:2". */
struct fake_frag {
	struct strbuf log;
	struct fake_device *device;
};

static int fake_frag_apply(void *data, const struct sweep_case *spec,
			   char reason[static KAB_REASON_LEN])
{
	struct fake_frag *frag = data;

	sb_printf(&frag->log, "apply %s/%d@%u ", spec->frag.label,
		  spec->frag_kind, frag->device->calls);
	if (strcmp(spec->frag.label, "100:2") != 0)
		return 0;
	snprintf(reason, KAB_REASON_LEN, "would pin too much");
	return -E2BIG;
}

static void fake_frag_release(void *data)
{
	struct fake_frag *frag = data;

	sb_printf(&frag->log, "release@%u ", frag->device->calls);
}

/*
 * Each fragmented state is applied once before its cases and released
 * after them, the cases without a recorded level run first without any,
 * and the cases of a refused level are refused with its reason, unrun.
 */
static void test_frag_states_applied_once(void **state)
{
	struct run_fixture *f = *state;
	struct fake_frag frag = { .device = &f->fake };
	struct frag_ops ops = {
		.apply = fake_frag_apply, .release = fake_frag_release,
		.data = &frag,
	};
	struct run_context context = {
		.sink = &f->sink, .labels = &labels, .run_case = fake_run_case,
		.device = &f->fake, .progress = f->progress, .sweep = &f->sweep,
		.frag = &ops,
	};
	struct sweep_error err;
	char *text;

	sweep_cases_free(&f->cases);
	sweep_free(&f->sweep);
	assert_int_equal(parse_sweep_text(
		"[p]\nallocators = alloc_pages\norders = 0 9\ngfp = GFP_KERNEL\n"
		"patterns = pair\nfrag_levels = none heavy 100:2\n"
		"frag_kinds = unmovable movable\n"
		"[plain]\nallocators = kmalloc\nsizes = 64\ngfp = GFP_KERNEL\n"
		"patterns = pair\n", &f->sweep, &err), 0);
	assert_int_equal(sweep_expand(&f->sweep, &info, &f->cases, &err), 0);
	assert_int_equal(f->cases.count, 11);
	run_cases(&context, &f->cases, &f->totals);
	assert_string_equal(frag.log.text,
			    "apply none/-1@1 release@3 apply heavy/0@3 "
			    "release@5 apply heavy/1@5 release@7 "
			    "apply 100:2/0@7 release@7 apply 100:2/1@7 release@7 ");
	assert_int_equal(f->fake.calls, 7);
	assert_int_equal(f->totals.ok, 7);
	assert_int_equal(f->totals.refused, 4);
	assert_column(f, CASES_COLUMN_status,
		      "ok ok ok ok ok ok ok refused refused refused refused");
	text = cases_column(f, CASES_COLUMN_error);
	assert_non_null(strstr(text, "E2BIG: would pin too much"));
	free(text);
	sb_free(&frag.log);
}

/*
 * The estimate of the time left: each group at its own cost per run, a
 * group not started at the mean of all runs so far.
 */
static void test_costs_estimate_per_group(void **state)
{
	struct sweep_case item[3] = {
		{ .group = 0, .repetitions = 2 },
		{ .group = 1, .repetitions = 3 },
		{ .group = 2, .repetitions = 1 },
	};
	const struct sweep_cases cases = { .item = item, .count = 3 };
	struct run_costs costs;

	(void)state;
	run_costs_plan(&costs, &cases);
	assert_true(run_costs_remaining(&costs) == 0);
	run_costs_add(&costs, 0, 1);
	run_costs_add(&costs, 0, 1);
	/* group 0 done; 1 and 2 unknown: 4 runs at 1 s */
	assert_true(run_costs_remaining(&costs) == 4);
	run_costs_add(&costs, 1, 10);
	/* 2 more of group 1 at 10 s, group 2 at the mean 12 / 3 = 4 s */
	assert_true(run_costs_remaining(&costs) == 24);
	run_costs_free(&costs);
}

#define RUN_TEST(fn) cmocka_unit_test_setup_teardown(fn, setup_run, teardown_run)

int main(void)
{
	const struct CMUnitTest tests[] = {
		RUN_TEST(test_every_repetition_of_every_case),
		RUN_TEST(test_counters_around_each_case),
		RUN_TEST(test_histograms_before_case_row),
		RUN_TEST(test_stray_eintr_is_retried),
		RUN_TEST(test_interrupt_stops_after_writing),
		RUN_TEST(test_signal_between_cases_stops),
		RUN_TEST(test_other_errors_are_failures),
		RUN_TEST(test_frag_states_applied_once),
		cmocka_unit_test(test_costs_estimate_per_group),
		RUN_TEST(test_progress_names_context_pressure_frag),
		RUN_TEST(test_pressure_refused_under_a_cap),
		cmocka_unit_test(test_usage_errors),
		cmocka_unit_test(test_pressure_cap),
		cmocka_unit_test(test_frag_cap),
		cmocka_unit_test(test_missing_device),
		cmocka_unit_test(test_out_dir_with_a_run_is_refused),
	};

	return cmocka_run_group_tests_name("run", tests, NULL, NULL);
}
