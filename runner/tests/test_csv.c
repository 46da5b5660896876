/* CSV fields: quoting on the way out, splitting on the way back. */
#include "tests/testutil.h"

#include "output/csv.h"

static void test_plain_and_quoted_fields(void **state)
{
	struct csv_row row = { 0 };
	char *line;

	(void)state;
	csv_add(&row, "kmalloc");
	csv_add(&row, "EINVAL: size, too \"big\"");
	csv_add_empty(&row);
	csv_add_u64(&row, 18446744073709551615ULL);
	csv_add_tenths(&row, 85.25);
	csv_add(&row, "");
	line = csv_finish(&row);
	assert_string_equal(line, "kmalloc,\"EINVAL: size, too \"\"big\"\"\",,"
			    "18446744073709551615,85.2,");
	free(line);
}

/* A row never holds a raw newline: control characters become spaces. */
static void test_control_characters_become_spaces(void **state)
{
	struct csv_row row = { 0 };
	char *line;

	(void)state;
	csv_add(&row, "two\nlines");
	csv_add(&row, "tab\there\r\x7f, \x01\"q\"");
	line = csv_finish(&row);
	assert_string_equal(line, "two lines,\"tab here  ,  \"\"q\"\"\"");
	assert_null(strpbrk(line, "\r\n\t"));
	free(line);
}

static void test_round_trip(void **state)
{
	static const char *const fields[] = {
		"a", "", "with,comma", "\"quoted\"", "x\"y", "GFP_KERNEL|__GFP_ZERO",
	};
	struct csv_fields split = { 0 };
	struct csv_row row = { 0 };
	char *line;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(fields); i++)
		csv_add(&row, fields[i]);
	line = csv_finish(&row);
	assert_true(csv_split(line, &split));
	assert_int_equal(split.count, ARRAY_SIZE(fields));
	for (size_t i = 0; i < ARRAY_SIZE(fields); i++)
		assert_string_equal(split.field[i], fields[i]);
	csv_fields_free(&split);
	free(line);
}

static void test_split_edge_cases(void **state)
{
	struct csv_fields split = { 0 };

	(void)state;
	assert_true(csv_split("", &split));
	assert_int_equal(split.count, 1);
	assert_string_equal(split.field[0], "");
	csv_fields_free(&split);
	assert_true(csv_split(",", &split));
	assert_int_equal(split.count, 2);
	csv_fields_free(&split);
	assert_false(csv_split("a,\"unterminated", &split));
	csv_fields_free(&split);
}

static void test_row_reuse(void **state)
{
	struct csv_row row = { 0 };
	char *first, *second;

	(void)state;
	csv_add(&row, "a");
	first = csv_finish(&row);
	csv_add(&row, "b");
	second = csv_finish(&row);
	assert_string_equal(first, "a");
	assert_string_equal(second, "b");
	free(first);
	free(second);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_and_quoted_fields),
		cmocka_unit_test(test_control_characters_become_spaces),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_split_edge_cases),
		cmocka_unit_test(test_row_reuse),
	};

	return cmocka_run_group_tests_name("csv", tests, NULL, NULL);
}
