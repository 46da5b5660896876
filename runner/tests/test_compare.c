/* `compare` and `report`: the statistics, the verdicts and the files. */
#include "tests/testutil.h"

#include <math.h>

#include "cli/cli.h"
#include "analysis/compare.h"
#include "stats/stats.h"
#include "util/names.h"
#include "util/util.h"
#include "output/table.h"

static void test_mean_and_extremes(void **state)
{
	const double values[] = { 2, 1, 6, 3 };

	(void)state;
	assert_true(stats_mean(values, 4) == 3.0);
	assert_true(stats_min(values, 4) == 1.0);
	assert_true(stats_max(values, 4) == 6.0);
	assert_true(stats_min(values, 1) == 2.0 && stats_max(values, 1) == 2.0);
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

/* Outside icount: repetitions, the bootstrap, the 2% floor. */
static void test_verdicts(void **state)
{
	const double base[] = { 100, 100 }, same[] = { 101, 101 };
	const double slow[] = { 110, 110 }, fast[] = { 50, 50 };
	const double noisy_base[] = { 90, 110, 100 };
	const double noisy_cand[] = { 95, 112, 99 };
	struct compare_verdict v;

	(void)state;
	compare_figure(base, 2, base, 2, false, &v);
	assert_int_equal(v.method, COMPARE_BOOTSTRAP);
	assert_true(v.ratio == 1.0);
	assert_string_equal(v.verdict, "same");
	/* the interval excludes 1, but 1% is below what is ever marked */
	compare_figure(base, 2, same, 2, false, &v);
	assert_true(v.low > 1);
	assert_string_equal(v.verdict, "same");
	compare_figure(base, 2, slow, 2, false, &v);
	assert_string_equal(v.verdict, "slower");
	compare_figure(base, 2, fast, 2, false, &v);
	assert_string_equal(v.verdict, "faster");
	assert_true(v.ratio == 0.5);
	compare_figure(noisy_base, 3, noisy_cand, 3, false, &v);
	assert_string_equal(v.verdict, "same");
	assert_true(v.low < 1 && v.high > 1);
	compare_figure(base, 1, slow, 2, false, &v);
	assert_int_equal(v.method, COMPARE_SINGLE);
	assert_string_equal(v.verdict, "unknown");
	assert_true(isnan(v.low) && isnan(v.high) && isnan(v.threshold));
}

/*
 * icount: one sample per boot. What the boot layout moves on each side is
 * not a change; a shift beyond it is, and one boot a side is no verdict.
 */
static void test_boot_spread_verdicts(void **state)
{
	/* kmalloc 1K free p50 as three seed=N boots of 6.1 measured it */
	const double layout_a[] = { 99, 101, 99 }, layout_b[] = { 101, 101, 99 };
	/* ... and a stable side beside a side that moved by 2 */
	const double stable[] = { 99, 99, 99 }, moved[] = { 101, 101, 101 };
	/* a real change: kmalloc(4K) with and without init_on_alloc */
	const double zeroing[] = { 4285, 4287, 4285 }, plain[] = { 252, 252, 253 };
	/* a 10% change next to a side whose boots spread 8% */
	const double wide[] = { 96, 104, 100 }, ten[] = { 110, 110, 110 };
	struct compare_verdict v;

	(void)state;
	compare_figure(layout_a, 3, layout_b, 3, true, &v);
	assert_int_equal(v.method, COMPARE_BOOT_SPREAD);
	assert_string_equal(v.verdict, "same");
	assert_true(fabs(v.base_spread - 2.0 / (299.0 / 3)) < 1e-9);
	assert_true(v.low < 1 && v.high > 1);
	/* 2 instructions are not 5, however exact each side is */
	compare_figure(stable, 3, moved, 3, true, &v);
	assert_true(v.base_spread == 0 && v.candidate_spread == 0);
	assert_true(v.threshold == COMPARE_MIN_CHANGE);
	assert_string_equal(v.verdict, "same");
	compare_figure(zeroing, 3, plain, 3, true, &v);
	assert_string_equal(v.verdict, "faster");
	assert_true(v.low <= v.ratio && v.ratio <= v.high && v.high < 0.06);
	compare_figure(plain, 3, zeroing, 3, true, &v);
	assert_string_equal(v.verdict, "slower");
	/* beyond the 2% floor but within twice the spread of the base */
	compare_figure(wide, 3, ten, 3, true, &v);
	assert_true(fabs(v.threshold - 0.16) < 1e-9);
	assert_string_equal(v.verdict, "same");
	compare_figure(zeroing, 1, plain, 1, true, &v);
	assert_int_equal(v.method, COMPARE_SINGLE);
	assert_string_equal(v.verdict, "unknown");
	assert_true(isnan(v.low) && isnan(v.base_spread));
}

/*
 * Rep-string iterations against the instructions of a case's work: what
 * dominates a change, and what does not.
 */
static void test_rep_share(void **state)
{
	struct compare_rep_share rep;

	(void)state;
	/*
	 * kmalloc(4K) on 6.1 as tests/tlbsim.sh's run counted it: rep stosb
	 * zeroes each buffer; a kernel that zeroes with unrolled stores
	 * executes fewer instructions, nearly all of the difference rep.
	 */
	compare_rep_share(1730164, 2606481, 400, 76969, 1100000, 400, &rep);
	assert_true(fabs(rep.base_share - 0.6638) < 1e-4);
	assert_true(fabs(rep.candidate_share - 0.0700) < 1e-4);
	assert_true(rep.of_change > 1 && rep.of_change < 1.1);
	assert_true(rep.dominated);
	/* the same rep work on both sides: the change is something else */
	compare_rep_share(76969, 942691, 400, 76969, 1200000, 400, &rep);
	assert_true(rep.of_change == 0);
	assert_false(rep.dominated);
	/* rep grew while the instructions fell: not what the change is */
	compare_rep_share(1000, 900000, 400, 50000, 800000, 400, &rep);
	assert_true(rep.of_change < 0);
	assert_false(rep.dominated);
	/* exactly half is not most */
	compare_rep_share(0, 1000, 1, 50, 1100, 1, &rep);
	assert_true(rep.of_change == COMPARE_REP_DOMINANCE);
	assert_false(rep.dominated);
	compare_rep_share(0, 1000, 1, 60, 1100, 1, &rep);
	assert_true(rep.dominated);
	/* a time limit cut the candidate's loops short: per operation the
	 * work is the same, so there is no change to explain */
	compare_rep_share(1730164, 2606481, 400, 865082, 1303240.5, 200, &rep);
	assert_true(isnan(rep.of_change));
	assert_false(rep.dominated);
	/* not counted on one side */
	compare_rep_share(NAN, NAN, NAN, 76969, 1100000, 400, &rep);
	assert_true(isnan(rep.base_share) && isnan(rep.of_change));
	assert_false(rep.dominated);
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
	"frag_level,frag_kind,pattern,pressure,batch,pair_ns_amortized," \
	"alloc_ns_p50,alloc_ns_p99,status\n"
#define ACCESS_HEADER "case,repetition,allocator,size_bytes,frag_level," \
	"pattern,passes,alloc_ns,free_ns,access_ns,status\n"

/*
 * A run folder with meta.json, cases.csv (two repetitions of two cases, a
 * refused one, and kmalloc(64K) under both kinds of heavy fragmentation:
 * unmovable @kmalloc_ns * 10, movable @kmalloc_ns * 4) and access.csv (a
 * vmalloc buffer taking @vmalloc_ns to allocate).
 */
static void write_boot(const char *dir, const char *name, const char *config,
		       const char *mode, int kmalloc_ns, int vmalloc_ns)
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
		sb_printf(&text, "1,%d,kmalloc,4096,,GFP_KERNEL,process,none,"
			  "none,pair,none,,%d,%d,%d,ok\n", rep, kmalloc_ns,
			  kmalloc_ns / 2, kmalloc_ns / 2);
		sb_printf(&text, "2,%d,vmalloc,4096,,GFP_KERNEL,process,none,"
			  "none,pair,none,,9000,4000,4000,ok\n", rep);
	}
	sb_printf(&text, "3,1,kmalloc,8388608,,GFP_KERNEL,process,none,none,"
		  "pair,none,,,,,refused\n");
	sb_printf(&text, "4,1,kmalloc,65536,,GFP_KERNEL,process,heavy,"
		  "unmovable,pair,none,,%d,,,ok\n", kmalloc_ns * 10);
	sb_printf(&text, "5,1,kmalloc,65536,,GFP_KERNEL,process,heavy,"
		  "movable,pair,none,,%d,,,ok\n", kmalloc_ns * 4);
	path.text[path.len - strlen("meta.json")] = '\0';
	path.len -= strlen("meta.json");
	sb_append(&path, "cases.csv");
	assert_int_equal(write_file(path.text, text.text, text.len), 0);
	sb_reset(&text);
	sb_printf(&text, ACCESS_HEADER "1,1,vmalloc,16777216,none,random,4,"
		  "%d,1000,50000,ok\n", vmalloc_ns);
	path.text[path.len - strlen("cases.csv")] = '\0';
	path.len -= strlen("cases.csv");
	sb_append(&path, "access.csv");
	assert_int_equal(write_file(path.text, text.text, text.len), 0);
	sb_free(&path);
	sb_free(&text);
}

static void write_run(const char *dir, const char *name, const char *config,
		      const char *mode, int kmalloc_ns)
{
	write_boot(dir, name, config, mode, kmalloc_ns, 20000);
}

/* "DIR/x,DIR/y" from "x,y". */
static void join_in_dir(struct strbuf *out, const char *dir, const char *list)
{
	char *copy = xstrdup(list), *save, *name;

	for (name = strtok_r(copy, ",", &save); name;
	     name = strtok_r(NULL, ",", &save))
		sb_printf(out, "%s%s/%s", out->len ? "," : "", dir, name);
	free(copy);
}

/* `compare` of @a against @b, folders in @dir (or comma-joined lists of
 * them); returns its stderr, asserting its exit status is @expected. */
static char *run_compare_status(const char *dir, const char *a, const char *b,
				int expected)
{
	struct strbuf run_a = { 0 }, run_b = { 0 }, out = { 0 };
	struct captured err_capture = capture_fd(STDERR_FILENO, dir);
	char *err;
	int status;

	join_in_dir(&run_a, dir, a);
	join_in_dir(&run_b, dir, b);
	sb_printf(&out, "%s/cmp", dir);
	status = run_command(cmd_compare, ARGV("compare", "--out", out.text,
					       "--command", "make compare X",
					       run_a.text, run_b.text));
	err = release_fd(STDERR_FILENO, &err_capture);
	assert_int_equal(status, expected);
	sb_free(&run_a);
	sb_free(&run_b);
	sb_free(&out);
	return err;
}

static char *run_compare(const char *dir, const char *a, const char *b)
{
	return run_compare_status(dir, a, b, 0);
}

/* One boot a side in icount: the ratio, but no spread, so no verdict. */
static void test_compare_run_with_itself(void **state)
{
	char *dir = make_temp_dir(), *err, *csv, *md;

	(void)state;
	write_run(dir, "a", "default", "qemu-icount", 500);
	err = run_compare(dir, "a", "a");
	csv = read_in_dir(dir, "cmp/compare.csv");
	assert_non_null(csv);
	assert_non_null(strstr(csv, "debian-6.1,debian-6.1#2,cases,kmalloc,"
			       "4096,,GFP_KERNEL,process,none,none,pair,none,"
			       ",,,,,,,pair_ns_amortized,1,1,500.0000,500.0000,,,"
			       "1.0000,,,,no spread measured,unknown,,,\n"));
	assert_null(strstr(csv, "slower"));
	assert_null(strstr(csv, "faster"));
	/* the refused case has no figures and is not compared */
	assert_null(strstr(csv, "8388608"));
	md = read_in_dir(dir, "cmp/report.md");
	/* 6 cases.csv figures and 3 access.csv ones; p99 == p50 twice */
	assert_non_null(strstr(md, "9 distinct figures compared, in "
			       "instructions (2 more repeat another figure"));
	assert_non_null(strstr(md, "0 slower, 0 faster, 0 the same, 9 "
			       "unknown"));
	assert_non_null(strstr(md, "no spread was measured"));
	assert_non_null(strstr(md, "    make compare X\n"));
	free(md);
	free(csv);
	free(err);
	remove_tree(dir);
}

/*
 * A/A in icount: three boots a side whose figures move with the layout;
 * nothing is marked and the report shows the spread.
 */
static void test_compare_aa_marks_nothing(void **state)
{
	char *dir = make_temp_dir(), *err, *csv, *md;

	(void)state;
	write_boot(dir, "a1", "default", "qemu-icount", 500, 20000);
	write_boot(dir, "a2", "default", "qemu-icount", 510, 20100);
	write_boot(dir, "a3", "default", "qemu-icount", 500, 20000);
	write_boot(dir, "b1", "init_on_alloc=1", "qemu-icount", 510, 20100);
	write_boot(dir, "b2", "init_on_alloc=1", "qemu-icount", 510, 20000);
	write_boot(dir, "b3", "init_on_alloc=1", "qemu-icount", 500, 20100);
	err = run_compare(dir, "a1,a2,a3", "b1,b2,b3");
	csv = read_in_dir(dir, "cmp/compare.csv");
	assert_non_null(strstr(csv, ",pair_ns_amortized,3,3,503.3333,506.6667,"
			       "0.0199,0.0197,1.0066,0.9804,1.0200,0.0397,"
			       "boot spread (icount),same,,,\n"));
	assert_null(strstr(csv, "slower"));
	assert_null(strstr(csv, "faster"));
	md = read_in_dir(dir, "cmp/report.md");
	assert_non_null(strstr(md, "0 slower, 0 faster, 9 the same, 0 "
			       "unknown"));
	assert_non_null(strstr(md, "## Boot-layout spread (A/A)"));
	assert_non_null(strstr(md, "| debian-6.1 | 3 | 5 of 9 |"));
	free(md);
	free(csv);
	free(err);
	remove_tree(dir);
}

/* A real change beyond the boots' spread is marked; the report says so. */
static void test_compare_marks_change(void **state)
{
	char *dir = make_temp_dir(), *err, *csv, *html, *meta, *targets;

	(void)state;
	write_boot(dir, "a1", "init_on_alloc=0", "qemu-icount", 500, 20000);
	write_boot(dir, "a2", "init_on_alloc=0", "qemu-icount", 502, 20000);
	write_boot(dir, "b1", "init_on_alloc=1", "qemu-icount", 800, 20000);
	write_boot(dir, "b2", "init_on_alloc=1", "qemu-icount", 804, 20000);
	err = run_compare(dir, "a1,a2", "b1,b2");
	csv = read_in_dir(dir, "cmp/compare.csv");
	assert_non_null(strstr(csv, "debian-6.1+init_on_alloc=0,"
			       "debian-6.1+init_on_alloc=1,cases,kmalloc,4096,"));
	assert_non_null(strstr(csv, ",pair_ns_amortized,2,2,501.0000,"
			       "802.0000,0.0040,0.0050,1.6008,1.5936,1.6080,"
			       "0.0200,boot spread (icount),slower,,,\n"));
	/* the access benchmark's buffer did not change */
	assert_non_null(strstr(csv, ",access,vmalloc,16777216,,,,none,,random,"
			       ",,,,,,,4,alloc_ns,2,2,20000.0000,20000.0000,"));
	html = read_in_dir(dir, "cmp/index.html");
	assert_non_null(strstr(html, "<td>kmalloc 4K GFP_KERNEL process pair</td>"
			       "<td>amortized alloc+free</td><td>501.0</td>"
			       "<td>802.0</td><td>1.601</td><td>1.594 .. 1.608"
			       "</td><td>2.0%</td><td>slower</td></tr>"));
	assert_non_null(strstr(html, "<th>figure (instructions)</th>"));
	/* no simulated MMU counts: no rep-string columns, and it says so */
	assert_non_null(strstr(html, "Rep-string share was not measured"));
	assert_null(strstr(html, "<th>note</th>"));
	assert_null(strstr(html, "src="));
	assert_null(strstr(html, "<link"));
	meta = read_in_dir(dir, "cmp/targets/debian-6.1+init_on_alloc=1/meta.json");
	assert_non_null(meta);
	targets = read_in_dir(dir, "cmp/targets.csv");
	assert_non_null(strstr(targets, "debian-6.1+init_on_alloc=1,2,"));
	free(targets);
	free(meta);
	free(html);
	free(csv);
	free(err);
	remove_tree(dir);
}

#define SIM_CASES_HEADER "case,repetition,allocator,size_bytes,order,gfp," \
	"context,frag_level,frag_kind,pattern,pressure,batch,ops_done," \
	"amortized_ops,pair_ns_amortized,sim_rep_iterations," \
	"sim_instructions,status\n"

/* DIR/NAME/FILE holds @text. */
static void write_in_run(const char *dir, const char *name,
			 const char *file, const struct strbuf *text)
{
	struct strbuf path = { 0 };

	sb_printf(&path, "%s/%s", dir, name);
	assert_int_equal(make_dirs(path.text), 0);
	sb_printf(&path, "/%s", file);
	assert_int_equal(write_file(path.text, text->text, text->len), 0);
	sb_free(&path);
}

/*
 * A boot whose cases.csv carries the simulated MMU's counts: kmalloc(4K)
 * taking @kmalloc_ns a pair, its case @rep rep-string iterations of
 * @instructions, and kmalloc(64) taking @kmalloc64_ns, its rep work a constant.
 */
static void write_sim_boot(const char *dir, const char *name,
			   const char *config, int kmalloc_ns, long rep,
			   long instructions, int kmalloc64_ns)
{
	struct strbuf text = { 0 };

	sb_printf(&text, "{\"mode\": \"qemu-icount\", \"config\": \"%s\", "
		  "\"kernel\": {\"name\": \"debian-6.1\"}}\n", config);
	write_in_run(dir, name, "meta.json", &text);
	sb_reset(&text);
	sb_printf(&text, SIM_CASES_HEADER
		  "1,1,kmalloc,4096,,GFP_KERNEL,process,none,,pair,none,,200,"
		  "200,%d,%ld,%ld,ok\n"
		  "2,1,kmalloc,64,,GFP_KERNEL,process,none,,pair,none,,200,"
		  "200,%d,76969,%d,ok\n", kmalloc_ns, rep, instructions,
		  kmalloc64_ns, kmalloc64_ns * 400 + 800000);
	write_in_run(dir, name, "cases.csv", &text);
	sb_free(&text);
}

/*
 * With the simulated MMU's counts, a change that rep-string iterations
 * make is noted as such; one they do not make is not.
 */
static void test_compare_notes_rep_string(void **state)
{
	char *dir = make_temp_dir(), *err, *csv, *md, *html;

	(void)state;
	/* 6.1's rep stosb against unrolled stores, and a slower kmalloc(64) */
	write_sim_boot(dir, "a1", "x", 4403, 1730164, 2606481, 250);
	write_sim_boot(dir, "a2", "x", 4405, 1730170, 2606490, 250);
	write_sim_boot(dir, "b1", "y", 560, 76969, 1100000, 300);
	write_sim_boot(dir, "b2", "y", 562, 76969, 1100010, 300);
	err = run_compare(dir, "a1,a2", "b1,b2");
	csv = read_in_dir(dir, "cmp/compare.csv");
	assert_non_null(strstr(csv, "boot spread (icount),faster,0.6638,"
			       "0.0700,1.0974\n"));
	assert_non_null(strstr(csv, "boot spread (icount),slower,0.0855,"
			       "0.0837,0.0000\n"));
	md = read_in_dir(dir, "cmp/report.md");
	assert_non_null(strstr(md, "| kmalloc 4K GFP\\_KERNEL process pair | "
			       "amortized alloc+free | 4404.0 | 561.0 | 0.127 "
			       "| 0.127 .. 0.128 | 2.0% | faster | 66.4% -> "
			       "7.0% | dominated by rep-string iterations "
			       "(hardware executes these as fast string ops) |"));
	assert_non_null(strstr(md, "| kmalloc 64 GFP\\_KERNEL process pair | "
			       "amortized alloc+free | 250.0 | 300.0 | 1.200 "
			       "| 1.200 .. 1.200 | 2.0% | slower | 8.6% -> "
			       "8.4% |  |"));
	assert_non_null(strstr(md, "1 of the 2 changes here are so noted."));
	html = read_in_dir(dir, "cmp/index.html");
	assert_non_null(strstr(html, "<th>rep-string share of instructions"
			       "</th><th>note</th>"));
	assert_null(strstr(html, "not measured"));
	free(html);
	free(md);
	free(csv);
	free(err);
	remove_tree(dir);
}

#define ONE_SIDED_HEADER "case,repetition,allocator,size_bytes," \
	"sheaf_capacity,pair_ns_amortized,status,error\n"

/* A boot of kernel @kernel whose cases.csv is ONE_SIDED_HEADER, @rows. */
static void write_kernel_boot(const char *dir, const char *name,
			      const char *kernel, const char *rows)
{
	struct strbuf text = { 0 };

	sb_printf(&text, "{\"mode\": \"qemu-tcg\", \"config\": \"default\", "
		  "\"kernel\": {\"name\": \"%s\"}}\n", kernel);
	write_in_run(dir, name, "meta.json", &text);
	sb_reset(&text);
	sb_printf(&text, ONE_SIDED_HEADER "%s", rows);
	write_in_run(dir, name, "cases.csv", &text);
	sb_free(&text);
}

/* A host run of release @release whose cases.csv is ONE_SIDED_HEADER, @rows. */
static void write_host_run(const char *dir, const char *name,
			   const char *release, const char *rows)
{
	struct strbuf text = { 0 };

	sb_printf(&text, "{\"mode\": \"host\", \"config\": \"default\", "
		  "\"kernel\": {\"name\": \"host\", \"release\": \"%s\"}}\n",
		  release);
	write_in_run(dir, name, "meta.json", &text);
	sb_reset(&text);
	sb_printf(&text, ONE_SIDED_HEADER "%s", rows);
	write_in_run(dir, name, "cases.csv", &text);
	sb_free(&text);
}

/*
 * Host runs are compared across a reboot into another kernel: each side is
 * labelled with the release it ran, and their kernel name ("host") being
 * the same is no reason to warn that the releases differ.
 */
static void test_compare_labels_host_runs_by_release(void **state)
{
	char *dir = make_temp_dir(), *err, *csv;

	(void)state;
	write_host_run(dir, "a", "6.1.0-57-amd64", "1,1,kmalloc,64,,500,ok,\n");
	write_host_run(dir, "b", "6.12.48-amd64", "1,1,kmalloc,64,,450,ok,\n");
	err = run_compare(dir, "a", "b");
	assert_null(strstr(err, "name the same kernel"));
	csv = read_in_dir(dir, "cmp/compare.csv");
	assert_non_null(strstr(csv, "\nhost-6.1.0-57-amd64,host-6.12.48-amd64,"
			       "cases,kmalloc,64,"));
	free(csv);
	free(err);
	remove_tree(dir);
	dir = make_temp_dir();
	write_host_run(dir, "a", "6.1.0-57-amd64", "1,1,kmalloc,64,,500,ok,\n");
	write_host_run(dir, "c", "6.1.0-57-amd64", "1,1,kmalloc,64,,510,ok,\n");
	err = run_compare(dir, "a", "c");
	csv = read_in_dir(dir, "cmp/compare.csv");
	assert_non_null(strstr(csv, "\nhost-6.1.0-57-amd64,host-6.1.0-57-amd64#2,"
			       "cases,kmalloc,64,"));
	free(csv);
	free(err);
	remove_tree(dir);
}

/*
 * A case measured on one side only is listed, with the side that has it
 * and why it has no ratio, in one-sided.csv and both reports: an allocator
 * only the candidate's kernel has, a sheaf_capacity that differs, a case
 * either side refused. Only the case both measured is compared.
 */
static void test_compare_lists_one_sided_cases(void **state)
{
	char *dir = make_temp_dir(), *err, *csv, *one_sided, *md, *html;

	(void)state;
	write_kernel_boot(dir, "a", "debian-6.1",
			  "1,1,kmalloc,4096,,500,ok,\n"
			  "2,1,vmalloc,4096,,9000,ok,\n"
			  "3,1,kmalloc,8388608,,7000,ok,\n"
			  "4,1,kvmalloc,1048576,,,refused,no memory\n");
	write_kernel_boot(dir, "b", "debian-7.3",
			  "1,1,kmalloc,4096,32,400,ok,\n"
			  "2,1,vmalloc,4096,,9000,ok,\n"
			  "3,1,kmalloc,8388608,,,refused,above the limit\n"
			  "4,1,kvmalloc,1048576,,30000,ok,\n"
			  "5,1,kmalloc_nolock,64,,100,ok,\n");
	err = run_compare(dir, "a", "b");
	assert_non_null(strstr(err, "not compared: 2 cases measured on "
			       "debian-6.1 only, 3 on debian-7.3 only"));
	csv = read_in_dir(dir, "cmp/compare.csv");
	assert_non_null(strstr(csv, ",cases,vmalloc,4096,"));
	assert_null(strstr(csv, "kvmalloc"));
	assert_null(strstr(csv, "kmalloc_nolock"));
	one_sided = read_in_dir(dir, "cmp/one-sided.csv");
	assert_non_null(one_sided);
	assert_non_null(strstr(one_sided, COLUMNS_LINE(ONE_SIDED_COLUMN_LIST)));
	assert_non_null(strstr(one_sided, "debian-6.1,debian-7.3,cases,kmalloc,"
			       "4096,,,,,,,,,,,,,,,baseline,absent,debian-7.3 ran "
			       "it with sheaf_capacity=32 instead of "
			       "sheaf_capacity "
			       "unset: another case\n"));
	assert_non_null(strstr(one_sided, ",kmalloc,8388608,,,,,,,,,,,,,,,baseline,"
			       "refused,refused on debian-7.3: above the "
			       "limit\n"));
	assert_non_null(strstr(one_sided, ",kvmalloc,1048576,,,,,,,,,,,,,,,"
			       "candidate,refused,refused on debian-6.1: no "
			       "memory\n"));
	assert_non_null(strstr(one_sided, ",kmalloc,4096,,,,,,,,,,,,32,,,candidate,"
			       "absent,debian-6.1 ran it with sheaf_capacity "
			       "unset instead of sheaf_capacity=32: another "
			       "case\n"));
	assert_non_null(strstr(one_sided, ",kmalloc_nolock,64,,,,,,,,,,,,,,,"
			       "candidate,absent,debian-6.1 ran no "
			       "kmalloc_nolock case (its kernel lacks it or "
			       "its sweep has none)\n"));
	md = read_in_dir(dir, "cmp/report.md");
	assert_non_null(strstr(md, "### Cases measured on one side only (5)"));
	assert_non_null(strstr(md, "| kmalloc 4K sheaves 32 | cases | "
			       "debian-7.3 | absent | debian-6.1 ran it with "
			       "sheaf\\_capacity unset instead of sheaf\\_capacity=32: "
			       "another case |"));
	html = read_in_dir(dir, "cmp/index.html");
	assert_non_null(strstr(html, "<tr><td>kmalloc_nolock 64</td>"
			       "<td>cases</td><td>debian-7.3</td><td>absent"
			       "</td><td>debian-6.1 ran no kmalloc_nolock case "
			       "(its kernel lacks it or its sweep has none)"
			       "</td></tr>"));
	assert_non_null(strstr(html, "<td>kmalloc 8M</td><td>cases</td>"
			       "<td>debian-6.1</td><td>refused</td>"));
	free(html);
	free(md);
	free(one_sided);
	free(csv);
	free(err);
	remove_tree(dir);
}

/*
 * The compare key is every column that cases.csv or access.csv marks as
 * naming a case, no more and no less: a KEY column left out of
 * CASE_KEY_COLUMN_LIST would pool different cases as repetitions.
 */
#define KEY_NAME(name) #name,
#define NOT_KEY(name)
#define SOURCE_KEYS(name, file, columns) columns(KEY_NAME, NOT_KEY)
static void test_compare_keys_are_the_key_columns(void **state)
{
	static const char *const marked[] = {
		COMPARE_SOURCE_LIST(SOURCE_KEYS)
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(marked); i++)
		if (kab_name_index(compare_key_names, COMPARE_NR_KEYS,
				   marked[i]) < 0)
			fail_msg("%s is a KEY column but not a compare key",
				 marked[i]);
	for (size_t k = 0; k < COMPARE_NR_KEYS; k++)
		if (kab_name_index(marked, ARRAY_SIZE(marked),
				   compare_key_names[k]) < 0)
			fail_msg("compare key %s is no file's KEY column",
				 compare_key_names[k]);
}

/*
 * frag_kind names a case: heavy unmovable and heavy movable fragmentation
 * are two cases, not the repetitions of one.
 */
static void test_compare_keys_frag_kind(void **state)
{
	char *dir = make_temp_dir(), *err, *csv;

	(void)state;
	write_run(dir, "a", "x", "qemu-tcg", 500);
	write_run(dir, "b", "y", "qemu-tcg", 500);
	err = run_compare(dir, "a", "b");
	csv = read_in_dir(dir, "cmp/compare.csv");
	assert_non_null(strstr(csv, ",kmalloc,65536,,GFP_KERNEL,process,heavy,"
			       "unmovable,pair,none,,,,,,,,pair_ns_amortized,1,1,"
			       "5000.0000,5000.0000,"));
	assert_non_null(strstr(csv, ",kmalloc,65536,,GFP_KERNEL,process,heavy,"
			       "movable,pair,none,,,,,,,,pair_ns_amortized,1,1,"
			       "2000.0000,2000.0000,"));
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
	assert_non_null(strstr(csv, ",1.6000,1.6000,1.6000,0.0200,"
			       "bootstrap 95%,slower,,,\n"));
	free(csv);
	free(err);
	remove_tree(dir);
}

/* Targets with no case in common, boots of different targets, labels. */
static void test_compare_refuses_what_does_not_match(void **state)
{
	char *dir = make_temp_dir(), *err, *path;

	(void)state;
	write_run(dir, "a", "x", "qemu-icount", 500);
	write_run(dir, "other", "y", "qemu-icount", 500);
	path = xcalloc(1, strlen(dir) + 32);
	sprintf(path, "%s/other/cases.csv", dir);
	assert_int_equal(write_file(path, CASES_HEADER, strlen(CASES_HEADER)), 0);
	sprintf(path, "%s/other/access.csv", dir);
	assert_int_equal(unlink(path), 0);
	err = run_compare_status(dir, "a", "other", 1);
	assert_non_null(strstr(err, "debian-6.1+x and debian-6.1+y have no "
			       "case in common: nothing to compare"));
	free(err);
	err = run_compare_status(dir, "a,other", "a", 1);
	assert_non_null(strstr(err, "are not boots of one target: config 'x' "
			       "against 'y'"));
	free(err);
	write_run(dir, "tcg", "x", "qemu-tcg", 500);
	err = run_compare(dir, "a", "tcg");
	assert_non_null(strstr(err, "warning: debian-6.1+x was measured in "
			       "qemu-icount and debian-6.1+x#2 in qemu-tcg"));
	free(err);
	free(path);
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
		cmocka_unit_test(test_mean_and_extremes),
		cmocka_unit_test(test_bootstrap_is_repeatable),
		cmocka_unit_test(test_verdicts),
		cmocka_unit_test(test_boot_spread_verdicts),
		cmocka_unit_test(test_rep_share),
		cmocka_unit_test(test_table_names_bad_line),
		cmocka_unit_test(test_compare_run_with_itself),
		cmocka_unit_test(test_compare_aa_marks_nothing),
		cmocka_unit_test(test_compare_marks_change),
		cmocka_unit_test(test_compare_keys_are_the_key_columns),
		cmocka_unit_test(test_compare_notes_rep_string),
		cmocka_unit_test(test_compare_keys_frag_kind),
		cmocka_unit_test(test_compare_lists_one_sided_cases),
		cmocka_unit_test(test_compare_labels_host_runs_by_release),
		cmocka_unit_test(test_compare_bootstrap_outside_icount),
		cmocka_unit_test(test_compare_refuses_what_does_not_match),
		cmocka_unit_test(test_compare_usage),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
