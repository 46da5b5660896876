/* `compare` and `report`: the statistics, the verdicts and the files. */
#include "tests/testutil.h"

#include <math.h>

#include "cli/cli.h"
#include "analysis/compare.h"
#include "stats/stats.h"
#include "output/table.h"

static void test_mean_and_equal(void **state)
{
	const double values[] = { 1, 2, 3, 6 };

	(void)state;
	assert_true(stats_mean(values, 4) == 3.0);
	assert_false(stats_all_equal(values, 4));
	assert_true(stats_all_equal(values, 1));
}

/* The same inputs give the same interval; it holds the observed ratio. */
static void test_bootstrap_is_repeatable(void **state)
{
	const double base[] = { 100, 104, 98, 101, 97 };
	const double cand[] = { 120, 118, 125, 119, 121 };
	double low1, high1, low2, high2, ratio;

	(void)state;
	stats_bootstrap_ratio(base, 5, cand, 5, 2000, 7, &low1, &high1);
	stats_bootstrap_ratio(base, 5, cand, 5, 2000, 7, &low2, &high2);
	assert_true(low1 == low2 && high1 == high2);
	ratio = stats_mean(cand, 5) / stats_mean(base, 5);
	assert_true(low1 < ratio && ratio < high1);
	assert_true(low1 > 1.1 && high1 < 1.3);
}

static void test_verdicts(void **state)
{
	const double base[] = { 100, 100 }, same[] = { 100.5, 100.5 };
	const double slow[] = { 102, 102 }, fast[] = { 50, 50 };
	const double noisy_base[] = { 90, 110, 100 };
	const double noisy_cand[] = { 95, 112, 99 };
	struct compare_verdict v;

	(void)state;
	compare_figure(base, 2, base, 2, true, &v);
	assert_int_equal(v.method, COMPARE_EXACT);
	assert_true(v.ratio == 1.0 && v.low == 1.0 && v.high == 1.0);
	assert_string_equal(v.verdict, "same");
	/* exact, but below the 1% that is marked */
	compare_figure(base, 2, same, 2, true, &v);
	assert_string_equal(v.verdict, "same");
	compare_figure(base, 2, slow, 2, true, &v);
	assert_string_equal(v.verdict, "slower");
	compare_figure(base, 1, fast, 1, true, &v);
	assert_string_equal(v.verdict, "faster");
	assert_true(v.ratio == 0.5);
	/* reruns that differ are not exact, even in icount mode */
	compare_figure(noisy_base, 3, noisy_cand, 3, true, &v);
	assert_int_equal(v.method, COMPARE_BOOTSTRAP);
	assert_string_equal(v.verdict, "same");
	assert_true(v.low < 1 && v.high > 1);
	compare_figure(base, 1, slow, 2, false, &v);
	assert_int_equal(v.method, COMPARE_SINGLE);
	assert_string_equal(v.verdict, "unknown");
	assert_true(isnan(v.low) && isnan(v.high));
}

static void test_table_names_bad_line(void **state)
{
	struct csv_table table;
	char why[128];

	(void)state;
	assert_int_equal(csv_table_parse("a,b\n1,2\n3\n", "x.csv", &table, why,
					 sizeof(why)), -1);
	assert_string_equal(why, "x.csv:3: malformed row");
	assert_int_equal(csv_table_parse("a,b\n1,2\n", "x.csv", &table, why,
					 sizeof(why)), 0);
	assert_int_equal(table.rows, 1);
	assert_int_equal(csv_table_column(&table, "b"), 1);
	assert_int_equal(csv_table_column(&table, "c"), -1);
	csv_table_free(&table);
	assert_int_equal(csv_table_parse("", "x.csv", &table, why,
					 sizeof(why)), -1);
	assert_string_equal(why, "x.csv: no header line");
}

#define CASES_HEADER "case,repetition,allocator,size_bytes,order,gfp,context," \
	"frag_level,pattern,pressure,batch,pair_ns_amortized,alloc_ns_p50,status\n"

/* A run folder with meta.json and two repetitions of two cases. */
static void write_run(const char *dir, const char *name, const char *config,
		      const char *mode, int kmalloc_ns)
{
	struct strbuf path = { 0 }, text = { 0 };

	sb_printf(&path, "%s/%s", dir, name);
	assert_int_equal(make_dirs(path.text), 0);
	sb_printf(&text, "{\"mode\": \"%s\", \"config\": \"%s\", "
		  "\"kernel\": {\"name\": \"debian-6.1\", \"release\": \"6.1.0-x\"}, "
		  "\"sweep\": {\"name\": \"t\", \"text\": \"[sweep]\\n\"}}\n",
		  mode, config);
	sb_append(&path, "/meta.json");
	assert_int_equal(write_file(path.text, text.text, text.len), 0);
	sb_reset(&text);
	sb_append(&text, CASES_HEADER);
	for (int rep = 1; rep <= 2; rep++) {
		sb_printf(&text, "1,%d,kmalloc,4096,,GFP_KERNEL,process,none,pair,"
			  "none,,%d,%d,ok\n", rep, kmalloc_ns, kmalloc_ns / 2);
		sb_printf(&text, "2,%d,vmalloc,4096,,GFP_KERNEL,process,none,pair,"
			  "none,,9000,4000,ok\n", rep);
	}
	sb_printf(&text, "3,1,kmalloc,8388608,,GFP_KERNEL,process,none,pair,"
		  "none,,,,refused\n");
	path.text[path.len - strlen("meta.json")] = '\0';
	path.len -= strlen("meta.json");
	sb_append(&path, "cases.csv");
	assert_int_equal(write_file(path.text, text.text, text.len), 0);
	sb_free(&path);
	sb_free(&text);
}

static char *run_compare(const char *dir, const char *a, const char *b)
{
	struct strbuf run_a = { 0 }, run_b = { 0 }, out = { 0 };
	struct captured err_capture = capture_fd(STDERR_FILENO, dir);
	char *err;
	int status;

	sb_printf(&run_a, "%s/%s", dir, a);
	sb_printf(&run_b, "%s/%s", dir, b);
	sb_printf(&out, "%s/cmp", dir);
	status = run_command(cmd_compare, ARGV("compare", "--out", out.text,
					       "--command", "make compare X",
					       run_a.text, run_b.text));
	err = release_fd(STDERR_FILENO, &err_capture);
	assert_int_equal(status, 0);
	sb_free(&run_a);
	sb_free(&run_b);
	sb_free(&out);
	return err;
}

/* A run against itself: ratio 1 everywhere, nothing marked. */
static void test_compare_run_with_itself(void **state)
{
	char *dir = make_temp_dir(), *err, *csv, *md;

	(void)state;
	write_run(dir, "a", "default", "qemu-icount", 500);
	err = run_compare(dir, "a", "a");
	csv = read_in_dir(dir, "cmp/compare.csv");
	assert_non_null(csv);
	assert_non_null(strstr(csv, "debian-6.1,debian-6.1#2,kmalloc,4096,,"
			       "GFP_KERNEL,process,none,pair,none,,"
			       "pair_ns_amortized,2,2,500.0000,500.0000,"
			       "1.0000,1.0000,1.0000,exact (icount),same\n"));
	assert_null(strstr(csv, "slower"));
	assert_null(strstr(csv, "faster"));
	/* the refused case has no figures and is not compared */
	assert_null(strstr(csv, "8388608"));
	md = read_in_dir(dir, "cmp/report.md");
	assert_non_null(strstr(md, "4 figures compared, exact (icount): "
			       "0 slower, 0 faster, 4 the same, 0 unknown"));
	assert_non_null(strstr(md, "    make compare X\n"));
	free(md);
	free(csv);
	free(err);
	remove_tree(dir);
}

/* A slower candidate is marked, and the report is self-contained. */
static void test_compare_marks_change(void **state)
{
	char *dir = make_temp_dir(), *err, *csv, *html, *meta, *targets;

	(void)state;
	write_run(dir, "a", "init_on_alloc=0", "qemu-icount", 500);
	write_run(dir, "b", "init_on_alloc=1", "qemu-icount", 800);
	err = run_compare(dir, "a", "b");
	csv = read_in_dir(dir, "cmp/compare.csv");
	assert_non_null(strstr(csv, "debian-6.1+init_on_alloc=0,"
			       "debian-6.1+init_on_alloc=1,kmalloc,4096,"));
	assert_non_null(strstr(csv, ",pair_ns_amortized,2,2,500.0000,"
			       "800.0000,1.6000,1.6000,1.6000,exact (icount),"
			       "slower\n"));
	assert_non_null(strstr(csv, ",alloc_ns_p50,2,2,250.0000,400.0000,"
			       "1.6000,"));
	html = read_in_dir(dir, "cmp/index.html");
	assert_non_null(strstr(html, "<td>kmalloc 4K GFP_KERNEL process pair</td>"
			       "<td>amortized alloc+free</td><td>500.0</td>"
			       "<td>800.0</td><td>1.600</td>"));
	assert_null(strstr(html, "src="));
	assert_null(strstr(html, "<link"));
	meta = read_in_dir(dir, "cmp/targets/debian-6.1+init_on_alloc=1/meta.json");
	assert_non_null(meta);
	targets = read_in_dir(dir, "cmp/targets.csv");
	assert_non_null(strstr(targets, "debian-6.1+init_on_alloc=1,"));
	free(targets);
	free(meta);
	free(html);
	free(csv);
	free(err);
	remove_tree(dir);
}

/* Outside icount, repetitions give a bootstrap interval. */
static void test_compare_bootstrap_outside_icount(void **state)
{
	char *dir = make_temp_dir(), *err, *csv;

	(void)state;
	write_run(dir, "a", "x", "qemu-tcg", 500);
	write_run(dir, "b", "y", "qemu-tcg", 800);
	err = run_compare(dir, "a", "b");
	csv = read_in_dir(dir, "cmp/compare.csv");
	assert_non_null(strstr(csv, ",1.6000,1.6000,1.6000,bootstrap 95%,slower\n"));
	free(csv);
	free(err);
	remove_tree(dir);
}

static void test_compare_usage(void **state)
{
	char *dir = make_temp_dir();
	struct captured err_capture = capture_fd(STDERR_FILENO, dir);
	char *err;

	(void)state;
	assert_int_equal(run_command(cmd_compare, ARGV("compare", "only-one")),
			 CLI_USAGE);
	assert_int_equal(run_command(cmd_compare, ARGV("compare", "/no/such",
						       "/no/such")), 1);
	err = release_fd(STDERR_FILENO, &err_capture);
	assert_non_null(strstr(err, "give a baseline and at least one candidate"));
	assert_non_null(strstr(err, "kallocbench: /no/such/meta.json: "));
	free(err);
	remove_tree(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mean_and_equal),
		cmocka_unit_test(test_bootstrap_is_repeatable),
		cmocka_unit_test(test_verdicts),
		cmocka_unit_test(test_table_names_bad_line),
		cmocka_unit_test(test_compare_run_with_itself),
		cmocka_unit_test(test_compare_marks_change),
		cmocka_unit_test(test_compare_bootstrap_outside_icount),
		cmocka_unit_test(test_compare_usage),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
