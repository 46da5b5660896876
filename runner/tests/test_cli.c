/* `check` and the shared command-line behaviour. */
#include "tests/testutil.h"

#include "cli/cli.h"

static int check_text(const char *dir, const char *sweep_text, char **out,
		      char **err)
{
	struct strbuf path = { 0 };
	struct captured out_capture, err_capture;
	int status;

	sb_printf(&path, "%s/s.conf", dir);
	assert_int_equal(write_file(path.text, sweep_text, strlen(sweep_text)), 0);
	out_capture = capture_fd(STDOUT_FILENO, dir);
	err_capture = capture_fd(STDERR_FILENO, dir);
	status = run_command(cmd_check, ARGV("check", path.text));
	*out = release_fd(STDOUT_FILENO, &out_capture);
	*err = release_fd(STDERR_FILENO, &err_capture);
	sb_free(&path);
	return status;
}

/*
 * Runs `check` on SWEEP_TEXT written to DIR/s.conf and asserts its exit
 * status and that it printed exactly EXPECTED (after "DIR/s.conf") on
 * stdout when it succeeds, on stderr when it fails, and nothing on the other.
 */
static void assert_check_prints(const char *sweep_text, int expected_status,
			 const char *expected)
{
	char *dir = make_temp_dir(), *out, *err;
	struct strbuf full = { 0 };

	assert_int_equal(check_text(dir, sweep_text, &out, &err),
			 expected_status);
	sb_printf(&full, "%s/s.conf%s", dir, expected);
	assert_string_equal(expected_status ? err : out, full.text);
	assert_string_equal(expected_status ? out : err, "");
	free(out);
	free(err);
	sb_free(&full);
	remove_tree(dir);
}

static void test_check_counts(void **state)
{
	(void)state;
	assert_check_prints("[g]\nallocators = kmalloc vmalloc\n"
		     "sizes = 8..64 kmalloc_max\n"
		     "gfp = GFP_KERNEL\npatterns = pair\n", 0,
		     ": 10 cases in 1 groups (10 allocation, 0 access); "
		     "kmalloc_max and max as on x86-64 (4M, order 10)\n");
	/* repetitions are runs, access groups their own kind */
	assert_check_prints("[sweep]\nrepetitions = 3\n[g]\nallocators = kmalloc\n"
		     "sizes = 64\ngfp = GFP_KERNEL\npatterns = pair\n"
		     "[b]\nkind = access\nallocators = vmalloc\nsizes = 4K, 1M\n"
		     "patterns = random\n", 0,
		     ": 3 cases in 2 groups (1 allocation, 2 access), 9 runs "
		     "with their repetitions\n");
}

static void test_check_reports_file_and_line(void **state)
{
	(void)state;
	assert_check_prints("[g]\nallocators = kmalloc\n"
		     "gfp = GFP_KERNEL|GFP_ATOMIC\n", CLI_USAGE,
		     ":3: GFP mask 'GFP_KERNEL|GFP_ATOMIC' "
		     "has more than one base mask\n");
}

/* check refuses what run would: a doubling range from 0 to a symbol. */
static void test_check_refuses_doubling_from_zero(void **state)
{
	(void)state;
	assert_check_prints("[g]\nallocators = kmalloc\n"
		     "sizes = 0..kmalloc_max\n"
		     "gfp = GFP_KERNEL\npatterns = pair\n", CLI_USAGE,
		     ":3: range '0..kmalloc_max' cannot double from 0\n");
}

static void test_usage_errors(void **state)
{
	char *dir = make_temp_dir();
	struct captured err_capture = capture_fd(STDERR_FILENO, dir);
	int status[] = {
		run_command(cmd_check, ARGV("check")),
		run_command(cmd_check, ARGV("check", "a", "b")),
		run_command(cmd_check, ARGV("check", "--bogus", "a")),
		run_command(cmd_summary, ARGV("summary", "--bogus")),
		run_command(cmd_summary, ARGV("summary")),
		run_command(cmd_info, ARGV("info", "--bogus")),
		run_command(cmd_info, ARGV("info", "extra")),
		run_command(cmd_access, ARGV("access", "--allocator", "vmaloc",
					     "--size", "4K", "--pattern",
					     "random")),
	};
	int no_device = run_command(cmd_info, ARGV("info", "--device",
						   "/nonexistent/kallocbench"));
	int no_results = run_command(cmd_summary, ARGV("summary", dir));
	/* released before asserting, so that failures are seen */
	char *err = release_fd(STDERR_FILENO, &err_capture);

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(status); i++)
		if (status[i] != CLI_USAGE)
			fail_msg("call %zu exited %d, not %d", i, status[i],
				 CLI_USAGE);
	assert_int_equal(no_device, 1);
	assert_int_equal(no_results, 1);
	assert_non_null(strstr(err, "usage: kallocbench check [--get KEY] SWEEP"));
	assert_non_null(strstr(err, "cannot open /nonexistent/kallocbench"));
	/* a misspelt allocator is answered with the ones there are */
	assert_non_null(strstr(err, "unknown allocator 'vmaloc' (known: kmalloc "
			       "kzalloc kmem_cache_alloc krealloc vmalloc "));
	free(err);
	remove_tree(dir);
}

/* What is not a sweep file is refused at once, not read forever. */
static void test_check_refuses_what_is_no_sweep(void **state)
{
	char *dir = make_temp_dir(), *err;
	struct captured err_capture;
	struct strbuf path = { 0 };
	static const char nul_line[] = "[sweep]\nname = a\0b\n";
	FILE *big;

	(void)state;
	sb_printf(&path, "%s/nul.conf", dir);
	assert_int_equal(write_file(path.text, nul_line, sizeof(nul_line) - 1), 0);
	sb_reset(&path);
	sb_printf(&path, "%s/big.conf", dir);
	big = fopen(path.text, "w");
	assert_non_null(big);
	for (int i = 0; i < 20000; i++)
		fprintf(big, "# %070d\n", i);
	fclose(big);
	err_capture = capture_fd(STDERR_FILENO, dir);
	assert_int_equal(run_command(cmd_check, ARGV("check", "/dev/zero")), CLI_USAGE);
	assert_int_equal(run_command(cmd_check, ARGV("check", dir)), CLI_USAGE);
	sb_reset(&path);
	sb_printf(&path, "%s/nul.conf", dir);
	assert_int_equal(run_command(cmd_check, ARGV("check", path.text)), CLI_USAGE);
	sb_reset(&path);
	sb_printf(&path, "%s/big.conf", dir);
	assert_int_equal(run_command(cmd_check, ARGV("check", path.text)), CLI_USAGE);
	err = release_fd(STDERR_FILENO, &err_capture);
	assert_non_null(strstr(err, "/dev/zero: is a device, not a sweep file"));
	assert_non_null(strstr(err, ": is a directory, not a sweep file"));
	assert_non_null(strstr(err, "nul.conf:2: holds a NUL byte: not a text file"));
	assert_non_null(strstr(err, "big.conf:14365: more than 1048576 bytes: not a sweep file"));
	free(err);
	sb_free(&path);
	remove_tree(dir);
}

/* The access benchmark at fragmentation levels: none once, heavy per kind. */
static void test_check_access_at_levels(void **state)
{
	(void)state;
	assert_check_prints("[b]\nkind = access\nallocators = kmalloc vmalloc\n"
			    "sizes = 1M\npatterns = random\nfrag_levels = none heavy\n"
			    "frag_kinds = unmovable movable\n", 0,
			    ": 6 cases in 1 groups (0 allocation, 6 access)\n");
}

/* The simulated MMU's models: known ones read back, others refused. */
static void test_check_tlb_model(void **state)
{
	char *dir = make_temp_dir(), *out, *err;
	struct captured out_capture;
	struct strbuf path = { 0 };

	(void)state;
	assert_check_prints("[sweep]\ntlb_model = zen5\n", CLI_USAGE,
			    ":2: unknown TLB model 'zen5' (known: skylake-sp zen4, or none)\n");
	assert_check_prints("[sweep]\ntlb_model = none zen4\n", CLI_USAGE,
			    ":2: 'none' cannot be combined with other TLB models\n");
	assert_int_equal(check_text(dir, "[sweep]\ntlb_model = zen4 skylake-sp\n"
				    "memory_mb = 512\n[g]\nallocators = kmalloc\n"
				    "sizes = 64\ngfp = GFP_KERNEL\npatterns = pair\n",
				    &out, &err), 0);
	free(out);
	free(err);
	sb_printf(&path, "%s/s.conf", dir);
	out_capture = capture_fd(STDOUT_FILENO, dir);
	assert_int_equal(run_command(cmd_check, ARGV("check", "--get", "tlb_model",
						     path.text)), 0);
	assert_int_equal(run_command(cmd_check, ARGV("check", "--get", "memory_mb",
						     path.text)), 0);
	out = release_fd(STDOUT_FILENO, &out_capture);
	assert_string_equal(out, "zen4 skylake-sp\n512\n");
	free(out);
	sb_free(&path);
	remove_tree(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check_counts),
		cmocka_unit_test(test_check_reports_file_and_line),
		cmocka_unit_test(test_check_refuses_doubling_from_zero),
		cmocka_unit_test(test_usage_errors),
		cmocka_unit_test(test_check_tlb_model),
		cmocka_unit_test(test_check_access_at_levels),
		cmocka_unit_test(test_check_refuses_what_is_no_sweep),
	};

	return cmocka_run_group_tests_name("cli", tests, NULL, NULL);
}
