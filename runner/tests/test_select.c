/* `select`: columns by name, rows by value, RFC 4180 fields. */
#include "tests/testutil.h"

#include "cli/cli.h"
#include "cmd/select.h"

/* error holds a comma and a quote: only a CSV reader keeps its columns. */
static const char results[] =
	"case,allocator,size_bytes,pattern,status,error\n"
	"1,kmalloc,64,pair,ok,\n"
	"2,kmalloc,128,batch,ok,\n"
	"3,vmalloc,64,pair,refused,\"E2BIG: size, \"\"too\"\" big\"\n"
	"4,vmalloc,128,pair,ok,\n"
	"5,kmalloc,256,pair,ok,\n";

struct output {
	int status;
	char *out;
	char *err;
};

/* Runs `select` with @argv on @text written to DIR/r.csv ("FILE" in argv). */
static struct output run_select(const char *text, char **argv)
{
	char *dir = make_temp_dir();
	struct strbuf path = { 0 };
	struct captured out, err;
	struct output result;

	sb_printf(&path, "%s/r.csv", dir);
	assert_int_equal(write_file(path.text, text, strlen(text)), 0);
	for (size_t i = 0; argv[i]; i++)
		if (strcmp(argv[i], "FILE") == 0)
			argv[i] = path.text;
	out = capture_fd(STDOUT_FILENO, dir);
	err = capture_fd(STDERR_FILENO, dir);
	result.status = run_command(cmd_select, argv);
	result.out = release_fd(STDOUT_FILENO, &out);
	result.err = release_fd(STDERR_FILENO, &err);
	sb_free(&path);
	remove_tree(dir);
	return result;
}

static void output_free(struct output *o)
{
	free(o->out);
	free(o->err);
}

static void test_columns_by_name_rows_by_value(void **state)
{
	struct output o = run_select(results, ARGV("select", "FILE",
		"size_bytes", "allocator", "--where", "pattern=pair",
		"--where", "status=ok"));

	(void)state;
	assert_int_equal(o.status, 0);
	assert_string_equal(o.out, "64\tkmalloc\n128\tvmalloc\n256\tkmalloc\n");
	assert_string_equal(o.err, "");
	output_free(&o);
}

static void test_quoted_fields(void **state)
{
	struct output o = run_select(results, ARGV("select", "FILE", "error",
		"case", "--where", "status!=ok"));

	(void)state;
	assert_int_equal(o.status, 0);
	assert_string_equal(o.out, "E2BIG: size, \"too\" big\t3\n");
	output_free(&o);
	o = run_select(results, ARGV("select", "--csv", "FILE", "case",
		"error", "--where", "error!="));
	assert_int_equal(o.status, 0);
	assert_string_equal(o.out, "case,error\n"
			    "3,\"E2BIG: size, \"\"too\"\" big\"\n");
	output_free(&o);
}

/* A column whose name holds '=' (a counter such as cpu/event=0x3c/). */
static void test_column_named_with_equals(void **state)
{
	struct output o = run_select("case,cpu/event=0x3c/,status\n"
		"1,5,ok\n2,,ok\n3,7,ok\n", ARGV("select", "FILE", "case",
		"--where", "cpu/event=0x3c/!="));

	(void)state;
	assert_int_equal(o.status, 0);
	assert_string_equal(o.out, "1\n3\n");
	output_free(&o);
}

static void test_distinct_and_every_column(void **state)
{
	struct output o = run_select(results, ARGV("select", "--distinct",
		"FILE", "allocator"));

	(void)state;
	assert_int_equal(o.status, 0);
	assert_string_equal(o.out, "kmalloc\nvmalloc\n");
	output_free(&o);
	o = run_select(results, ARGV("select", "--csv", "--where",
		"size_bytes=128", "FILE"));
	assert_int_equal(o.status, 0);
	assert_string_equal(o.out, "case,allocator,size_bytes,pattern,status,error\n"
			    "2,kmalloc,128,batch,ok,\n"
			    "4,vmalloc,128,pair,ok,\n");
	output_free(&o);
	o = run_select(results, ARGV("select", "--columns", "FILE"));
	assert_string_equal(o.out, "case\nallocator\nsize_bytes\npattern\n"
			    "status\nerror\n");
	output_free(&o);
}

static void test_unknown_column(void **state)
{
	struct output o = run_select(results, ARGV("select", "FILE",
		"allocator", "--where", "patern=pair"));

	(void)state;
	assert_int_equal(o.status, CLI_USAGE);
	assert_string_equal(o.out, "");
	if (!strstr(o.err, "/r.csv has no column 'patern' (columns: case "
		    "allocator size_bytes pattern status error)\n"))
		fail_msg("stderr: %s", o.err);
	output_free(&o);
	o = run_select(results, ARGV("select", "FILE", "p50_ns"));
	assert_int_equal(o.status, CLI_USAGE);
	assert_non_null(strstr(o.err, "has no column 'p50_ns'"));
	output_free(&o);
}

static void test_empty_and_malformed_files(void **state)
{
	struct output o = run_select("", ARGV("select", "FILE", "allocator"));

	(void)state;
	assert_int_equal(o.status, 0);
	assert_string_equal(o.out, "");
	output_free(&o);
	o = run_select("a,b\n1,2,3\n", ARGV("select", "FILE", "a"));
	assert_int_equal(o.status, 1);
	assert_non_null(strstr(o.err, "/r.csv:2: malformed row"));
	output_free(&o);
	o = run_select(results, ARGV("select", "--where", "pattern", "FILE"));
	assert_int_equal(o.status, CLI_USAGE);
	assert_non_null(strstr(o.err, "--where takes COLUMN=VALUE"));
	output_free(&o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_columns_by_name_rows_by_value),
		cmocka_unit_test(test_quoted_fields),
		cmocka_unit_test(test_column_named_with_equals),
		cmocka_unit_test(test_distinct_and_every_column),
		cmocka_unit_test(test_unknown_column),
		cmocka_unit_test(test_empty_and_malformed_files),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
