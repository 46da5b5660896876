/* `summary`: reading cases.csv back and printing the table. */
#include "tests/testutil.h"

#include <errno.h>

#include "output/results.h"
#include "analysis/summary.h"

static void test_format_size(void **state)
{
	static const struct {
		uint64_t bytes;
		const char *text;
	} sizes[] = {
		{ 0, "0" }, { 64, "64" }, { 1000, "1000" }, { 1024, "1K" },
		{ 4096, "4K" }, { 6144, "6K" }, { 1536, "1536" },
		{ 64 << 20, "64M" }, { (4 << 20) + 1, "4194305" },
		{ 1ULL << 30, "1G" }, { 1ULL << 40, "1T" },
	};
	char text[24];

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		format_size(sizes[i].bytes, text);
		assert_string_equal(text, sizes[i].text);
	}
}

/* cases.csv as `run` writes it: an ok pair row and a refused order row. */
static char *sample_cases_csv(void)
{
	static const struct run_labels labels = {
		.kernel = "6.1.0-test", .config = "default", .mode = "qemu-icount",
		};
	uint32_t *alloc_hist = xcalloc(KAB_HIST_BUCKETS, sizeof(uint32_t));
	uint32_t *free_hist = xcalloc(KAB_HIST_BUCKETS, sizeof(uint32_t));
	struct sweep_case kmalloc_case = {
		.allocator = KAB_ALLOC_kmalloc, .pattern = KAB_PATTERN_pair,
		.gfp = 1U << KAB_GFP_BIT_GFP_KERNEL, .size_bytes = 4096,
		.iterations = 2000, .frag = { .label = "none" },
		.frag_kind = SWEEP_NO_FRAG_KIND,
	};
	struct sweep_case pages_case = {
		.allocator = KAB_ALLOC_alloc_pages, .pattern = KAB_PATTERN_pair,
		.gfp = 1U << KAB_GFP_BIT_GFP_ATOMIC, .order = 11,
		.iterations = 2000, .frag = { .label = "none" },
		.frag_kind = SWEEP_NO_FRAG_KIND,
	};
	struct kab_case result = {
		.ops_done = 2000, .amortized_ops = 2000, .failures = 3,
		.alloc = { .sum_ns = 250000, .min_ns = 120, .max_ns = 120 },
		.free = { .sum_ns = 100000, .min_ns = 50, .max_ns = 50 },
		.reason = "order above MAX_ORDER, see dmesg",
	};
	struct case_outcome ok = {
		.status = CASE_ok, .result = &result, .alloc_hist = alloc_hist,
		.free_hist = free_hist,
	};
	struct case_outcome refused = {
		.status = CASE_refused, .error = EINVAL, .result = &result,
	};
	struct strbuf csv = { 0 };
	char *row;

	alloc_hist[kab_hist_bucket(120)] = 2000;
	free_hist[kab_hist_bucket(50)] = 2000;
	sb_printf(&csv, "%s\n", results_cases_header());
	row = results_case_row(&labels, 1, 1, &kmalloc_case, &ok);
	sb_printf(&csv, "%s\n", row);
	free(row);
	row = results_case_row(&labels, 2, 1, &pages_case, &refused);
	sb_printf(&csv, "%s\n", row);
	free(row);
	free(alloc_hist);
	free(free_hist);
	return sb_steal(&csv);
}

static char *summary_of_input(const struct summary_input *in,
			      int expected_result, char *why)
{
	char *text = NULL;
	size_t len;
	FILE *out = open_memstream(&text, &len);

	assert_int_equal(summary_print(out, in, why, 256), expected_result);
	fclose(out);
	return text;
}

static char *summary_of(const char *csv, int expected_result, char *why)
{
	const struct summary_input in = { .cases_csv = csv };

	return summary_of_input(&in, expected_result, why);
}

static void test_table(void **state)
{
	char *csv = sample_cases_csv(), why[256];
	char *text = summary_of(csv, 0, why);
	struct strbuf expected = { 0 };

	(void)state;
	sb_printf(&expected, "%s%s",
		"kernel 6.1.0-test, mode qemu-icount, config default: "
		"2 allocation cases; 1 ran, 1 refused, 0 failed\n"
		"figures in guest instructions (icount: one virtual ns each), "
		"not time on any CPU\n\n"
		"allocator    size/order  gfp         pattern  alloc mean  "
		"alloc p99  free mean  failures/ops  status\n"
		"kmalloc              4K  GFP_KERNEL  pair          125.0  "
		"    120.0       50.0        3/2000  ok\n"
		"alloc_pages    order 11  GFP_ATOMIC  pair              -  "
		"        -          -             -  refused\n",
		summary_percentile_note);
	assert_string_equal(text, expected.text);
	assert_non_null(strstr(summary_percentile_note, "midpoint of its bucket"));
	sb_free(&expected);
	free(text);
	free(csv);
}

/*
 * A column that differs between rows is shown (context here), and
 * --landmarks keeps landmark sizes and cases that did not run.
 */
static void test_varying_columns_and_landmarks(void **state)
{
	char *csv = sample_cases_csv(), why[256], *text, *line;
	struct strbuf more = { 0 };
	struct summary_input in = { .landmarks = true };

	(void)state;
	/* kmalloc(4K) again in softirq, and a 1K case that is no landmark */
	line = strstr(csv, "\n") + 1;
	sb_append(&more, csv);
	sb_append_len(&more, line, strcspn(line, "\n") + 1);
	line = strstr(more.text + strlen(csv), ",process,");
	memcpy(line, ",softirq,", strlen(",softirq,"));
	sb_append_len(&more, strstr(csv, "\n") + 1,
		      strcspn(strstr(csv, "\n") + 1, "\n") + 1);
	line = strstr(more.text + strlen(csv), ",4096,");
	line = strstr(line + 1, ",4096,");
	memcpy(line, ",1024,", strlen(",1024,"));
	in.cases_csv = more.text;
	text = summary_of_input(&in, 0, why);
	assert_non_null(strstr(text, ": 4 allocation cases; 3 ran, 1 refused, "
			       "0 failed\nfigures in guest instructions"));
	assert_non_null(strstr(text, "CPU\n\nlandmark cases, 3 of 4:\n"));
	assert_non_null(strstr(text, "pattern  context  alloc mean"));
	assert_non_null(strstr(text, "pair     softirq       125.0"));
	assert_null(strstr(text, " 1K "));
	free(text);
	sb_free(&more);
	free(csv);
}

/* An access-only run is not "no cases". */
static void test_access_only(void **state)
{
	char why[256], *text;
	struct strbuf csv = { 0 };
	const struct summary_input in = {
		.cases_csv = csv.text,
		.access_csv = "case,kernel,config,mode,allocator,status\n"
			      "1,6.1.0-test,default,qemu-icount,vmalloc,ok\n"
			      "2,6.1.0-test,default,qemu-icount,kmalloc,refused\n",
	};
	struct summary_input with_cases = in;

	(void)state;
	sb_printf(&csv, "%s\n", results_cases_header());
	with_cases.cases_csv = csv.text;
	text = summary_of_input(&with_cases, 0, why);
	assert_string_equal(text, "kernel 6.1.0-test, mode qemu-icount, config "
			    "default: 0 allocation cases, 2 access cases "
			    "(access.csv); 1 ran, 1 refused, 0 failed\n"
			    "figures in guest instructions (icount: one virtual "
			    "ns each), not time on any CPU\n\n"
			    "no allocation cases: the access benchmark's are "
			    "in access.csv, breakeven.txt and the tradeoff-* "
			    "plots\n");
	free(text);
	sb_free(&csv);
}

static void test_no_rows(void **state)
{
	char why[256], *text;
	struct strbuf csv = { 0 };

	(void)state;
	sb_printf(&csv, "%s\n", results_cases_header());
	text = summary_of(csv.text, 0, why);
	assert_string_equal(text, "no cases\n");
	free(text);
	sb_free(&csv);
}

static void test_bad_input(void **state)
{
	char why[256], *text;
	struct strbuf csv = { 0 };

	(void)state;
	text = summary_of("", -1, why);
	assert_string_equal(why, "cases.csv has no header line");
	free(text);
	text = summary_of("case,kernel\n1,x\n", -1, why);
	assert_string_equal(why, "cases.csv has no mode column");
	free(text);
	sb_printf(&csv, "%s\n1,2\n", results_cases_header());
	text = summary_of(csv.text, -1, why);
	assert_string_equal(why, "cases.csv:2: malformed row");
	free(text);
	sb_free(&csv);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format_size),
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_varying_columns_and_landmarks),
		cmocka_unit_test(test_access_only),
		cmocka_unit_test(test_no_rows),
		cmocka_unit_test(test_bad_input),
	};

	return cmocka_run_group_tests_name("summary", tests, NULL, NULL);
}
