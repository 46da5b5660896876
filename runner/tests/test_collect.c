/* The host side: demultiplexing a stream and building meta.json. */
#include "tests/testutil.h"

#include "cli/cli.h"
#include "cmd/collect.h"

static const char stream[] =
	"SeaBIOS noise without a tab\n"
	"guest.json\t{\"kernel\":{\"release\":\"6.1.0-test\"},\"mode\":\"qemu-tcg\"}\n"
	"cases.csv\tcase,repetition,status\n"
	"histograms.csv\tcase,repetition,op,bucket_low_ns,bucket_width_ns,count\n"
	"[    2.345678] random: crng init done\n"
	"cases.csv\t1,1,ok\r\n"
	"histograms.csv\t1,1,alloc,70,1,5\n"
	"notes.txt\tnot one of ours\n"
	"cases.csv\t2,1,\"refused\"\n"
	"cases.csv\t3,1,o";

static void test_demux(void **state)
{
	struct collect_output out;

	(void)state;
	collect_demux(stream, strlen(stream), &out);
	assert_string_equal(out.text[RESULTS_GUEST_JSON].text,
			    "{\"kernel\":{\"release\":\"6.1.0-test\"},\"mode\":\"qemu-tcg\"}\n");
	assert_string_equal(out.text[RESULTS_CASES_CSV].text,
			    "case,repetition,status\n1,1,ok\n2,1,\"refused\"\n");
	assert_string_equal(out.text[RESULTS_HISTOGRAMS_CSV].text,
			    "case,repetition,op,bucket_low_ns,bucket_width_ns,count\n"
			    "1,1,alloc,70,1,5\n");
	assert_int_equal(out.lines[RESULTS_CASES_CSV], 3);
	assert_int_equal(out.noise, 3);
	assert_true(out.partial);
	collect_output_free(&out);
}

static void test_demux_complete_stream(void **state)
{
	static const char complete[] = "cases.csv\ta\n\n";
	struct collect_output out;

	(void)state;
	collect_demux(complete, strlen(complete), &out);
	assert_false(out.partial);
	assert_int_equal(out.noise, 1);	/* the empty line */
	assert_int_equal(out.lines[RESULTS_CASES_CSV], 1);
	collect_output_free(&out);
}

/* run writes a case's histogram rows first and its cases.csv row last. */
static void test_drop_orphan_histograms(void **state)
{
	static const char died[] =
		"cases.csv\tcase,repetition,status\n"
		"histograms.csv\tcase,repetition,op,bucket_low_ns,bucket_width_ns,count\n"
		"histograms.csv\t1,1,alloc,70,1,5\n"
		"cases.csv\t1,1,ok\n"
		"histograms.csv\t1,2,alloc,70,1,5\n"
		"histograms.csv\t1,2,free,40,1,5\n"
		"histograms.csv\t11,1,alloc,70,1,5\n"
		"histograms.csv\t1,21,alloc,70,1,5\n"
		"histograms.csv\t1,2,free,41,1,5\n"
		"cases.csv\t1,2,ok\n"
		"histograms.csv\t2,1,alloc,70,1,5\n"
		"histograms.csv\t2,1,fr";
	struct collect_output out;

	(void)state;
	collect_demux(died, strlen(died), &out);
	collect_drop_orphans(&out);
	assert_string_equal(out.text[RESULTS_HISTOGRAMS_CSV].text,
			    "case,repetition,op,bucket_low_ns,bucket_width_ns,count\n"
			    "1,1,alloc,70,1,5\n1,2,alloc,70,1,5\n"
			    "1,2,free,40,1,5\n1,2,free,41,1,5\n");
	assert_int_equal(out.lines[RESULTS_HISTOGRAMS_CSV], 5);
	assert_int_equal(out.orphans, 3);
	collect_output_free(&out);
}

static void test_facts_nest(void **state)
{
	json_t *meta = json_object();
	char why[256];
	char *text;

	(void)state;
	assert_int_equal(meta_add_fact(meta, "kernel.release", json_string("6.1"),
				       why, sizeof(why)), 0);
	assert_int_equal(meta_add_fact(meta, "kernel.config.preempt",
				       json_string("rt"), why, sizeof(why)), 0);
	assert_int_equal(meta_add_fact(meta, "accel", json_string("tcg"), why,
				       sizeof(why)), 0);
	text = json_dumps(meta, JSON_COMPACT | JSON_SORT_KEYS);
	assert_string_equal(text, "{\"accel\":\"tcg\",\"kernel\":{\"config\":"
			    "{\"preempt\":\"rt\"},\"release\":\"6.1\"}}");
	free(text);
	json_decref(meta);
}

static void test_fact_errors(void **state)
{
	json_t *meta = json_pack("{s:s}", "kernel", "6.1");
	char why[256];

	(void)state;
	assert_int_equal(meta_add_fact(meta, "kernel.release", json_string("x"),
				       why, sizeof(why)), -1);
	assert_string_equal(why, "fact 'kernel.release': 'kernel' is already a value");
	assert_int_equal(meta_add_fact(meta, "kernel", json_string("x"), why,
				       sizeof(why)), -1);
	assert_string_equal(why, "fact 'kernel' is already set");
	assert_int_equal(meta_add_fact(meta, "a..b", json_string("x"), why,
				       sizeof(why)), -1);
	assert_string_equal(why, "fact key 'a..b' has an empty part");
	assert_int_equal(meta_add_fact(meta, "", json_string("x"), why,
				       sizeof(why)), -1);
	assert_int_equal(meta_add_fact(meta, "x.", json_string("x"), why,
				       sizeof(why)), -1);
	json_decref(meta);
}

static char *in_dir(const char *dir, const char *name)
{
	struct strbuf path = { 0 };

	sb_printf(&path, "%s/%s", dir, name);
	return sb_steal(&path);
}

static void test_collect_command(void **state)
{
	char *dir = make_temp_dir(), *serial = in_dir(dir, "serial.log");
	char *sweep = in_dir(dir, "x.conf"), *out = in_dir(dir, "out");
	char *fact_file, *text;
	struct strbuf arg = { 0 };
	struct captured captured;
	json_t *meta;
	int status;

	(void)state;
	assert_int_equal(write_file(serial, stream, strlen(stream)), 0);
	assert_int_equal(write_file(sweep, "[sweep]\nname = x\n", 17), 0);
	sb_printf(&arg, "sweep=%s", sweep);
	fact_file = sb_steal(&arg);
	captured = capture_fd(STDOUT_FILENO, dir);
	status = run_command(cmd_collect, ARGV(
		"collect", "--serial", serial, "--out", out,
		"--fact", "kernel.release=6.1.0-host", "--fact", "accel=tcg",
		"--fact-file", fact_file));
	text = release_fd(STDOUT_FILENO, &captured);
	assert_int_equal(status, 0);
	sb_printf(&arg, "collected 2 case rows and 1 histogram rows into %s; "
		  "skipped 3 noise lines; dropped a partial last line\n", out);
	assert_string_equal(text, arg.text);
	sb_free(&arg);
	free(text);
	text = read_in_dir(out, "cases.csv");
	assert_string_equal(text, "case,repetition,status\n1,1,ok\n2,1,\"refused\"\n");
	free(text);
	text = read_in_dir(out, "histograms.csv");
	assert_int_equal(count_lines(text), 2);
	free(text);
	text = read_in_dir(out, "guest.json");
	assert_non_null(strstr(text, "qemu-tcg"));
	free(text);
	text = read_in_dir(out, "meta.json");
	meta = json_loads(text, 0, NULL);
	assert_non_null(meta);
	assert_string_equal(json_string_value(json_object_get(
		json_object_get(json_object_get(meta, "guest"), "kernel"),
		"release")), "6.1.0-test");
	assert_string_equal(json_string_value(json_object_get(
		json_object_get(meta, "kernel"), "release")), "6.1.0-host");
	assert_string_equal(json_string_value(json_object_get(meta, "sweep")),
			    "[sweep]\nname = x\n");
	json_decref(meta);
	free(text);
	free(fact_file);
	free(serial);
	free(sweep);
	free(out);
	remove_tree(dir);
}

static void test_collect_without_header_fails(void **state)
{
	static const char headless[] = "cases.csv\t1,1,ok\nnoise\n";
	char *dir = make_temp_dir(), *serial = in_dir(dir, "serial.log");
	char *out = in_dir(dir, "out"), *err;
	struct captured captured;
	int status;

	(void)state;
	assert_int_equal(write_file(serial, headless, strlen(headless)), 0);
	captured = capture_fd(STDERR_FILENO, dir);
	status = run_command(cmd_collect, ARGV("collect", "--serial", serial,
					       "--out", out));
	err = release_fd(STDERR_FILENO, &captured);
	assert_int_equal(status, 1);
	assert_non_null(strstr(err, "no guest.json header"));
	free(err);
	assert_null(read_in_dir(out, "meta.json"));
	free(serial);
	free(out);
	remove_tree(dir);
}

/* A stream without rows still replaces every file of an earlier collect. */
static void test_collect_writes_every_file(void **state)
{
	static const char header_only[] = "guest.json\t{\"mode\":\"qemu-tcg\"}\n";
	char *dir = make_temp_dir(), *serial = in_dir(dir, "serial.log");
	char *cases = in_dir(dir, "cases.csv"), *text;
	struct captured captured;
	int status;

	(void)state;
	assert_int_equal(write_file(serial, header_only, strlen(header_only)), 0);
	assert_int_equal(write_file(cases, "stale\n", 6), 0);
	captured = capture_fd(STDOUT_FILENO, dir);
	status = run_command(cmd_collect, ARGV("collect", "--serial", serial,
					       "--out", dir));
	text = release_fd(STDOUT_FILENO, &captured);
	assert_int_equal(status, 0);
	free(text);
	text = read_in_dir(dir, "cases.csv");
	assert_int_equal(strncmp(text, results_cases_header(),
				 strlen(results_cases_header())), 0);
	assert_string_equal(text + strlen(results_cases_header()), "\n");
	free(text);
	text = read_in_dir(dir, "histograms.csv");
	assert_string_equal(text, COLUMNS_LINE(HISTOGRAMS_COLUMN_LIST));
	free(text);
	text = read_in_dir(dir, "guest.json");
	assert_string_equal(text, "{\"mode\":\"qemu-tcg\"}\n");
	free(text);
	text = read_in_dir(dir, "meta.json");
	assert_non_null(text);
	free(text);
	free(serial);
	free(cases);
	remove_tree(dir);
}

static void test_collect_usage_errors(void **state)
{
	char *dir = make_temp_dir();
	struct captured out = capture_fd(STDOUT_FILENO, dir);
	struct captured err = capture_fd(STDERR_FILENO, dir);
	int status[] = {
		run_command(cmd_collect, ARGV("collect", "--serial", "x")),
		run_command(cmd_collect, ARGV("collect", "--serial", "x",
					      "--out", "y", "--fact", "novalue")),
		run_command(cmd_collect, ARGV("collect", "--bogus")),
		run_command(cmd_collect, ARGV("collect", "--serial", "x",
					      "--out", "y", "extra")),
	};
	int help = run_command(cmd_collect, ARGV("collect", "--help"));
	char *out_text = release_fd(STDOUT_FILENO, &out);
	char *err_text = release_fd(STDERR_FILENO, &err);

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(status); i++)
		assert_int_equal(status[i], CLI_USAGE);
	assert_int_equal(help, 0);
	assert_non_null(strstr(out_text, "usage: kallocbench collect"));
	assert_non_null(strstr(err_text, "a fact is KEY=VALUE"));
	free(out_text);
	free(err_text);
	remove_tree(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_demux),
		cmocka_unit_test(test_demux_complete_stream),
		cmocka_unit_test(test_drop_orphan_histograms),
		cmocka_unit_test(test_facts_nest),
		cmocka_unit_test(test_fact_errors),
		cmocka_unit_test(test_collect_command),
		cmocka_unit_test(test_collect_without_header_fails),
		cmocka_unit_test(test_collect_writes_every_file),
		cmocka_unit_test(test_collect_usage_errors),
	};

	return cmocka_run_group_tests_name("collect", tests, NULL, NULL);
}
