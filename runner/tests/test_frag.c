/* The fragmentation records: buddyinfo and the indexes as frag.csv rows,
 * vmstat deltas, MemFree, and the names of the extra files. */
#include "tests/testutil.h"

#include "run/frag.h"
#include "output/results.h"

static const char buddyinfo[] =
	"Node 0, zone      DMA      1      0      2 \n"
	"Node 0, zone    DMA32     10      4      0 \n";
static const char unusable[] =
	"Node 0, zone      DMA 0.000 0.100 0.200 \n"
	"Node 0, zone    DMA32 0.000 0.500 1.000 \n";
static const char extfrag[] =
	"Node 0, zone    DMA32 -1.000 -1.000 0.950 \n";

static void test_zone_rows(void **state)
{
	struct strbuf csv = { 0 };

	(void)state;
	frag_zone_rows("heavy,unmovable,fragmented", buddyinfo, unusable,
		       extfrag, &csv);
	assert_string_equal(csv.text,
		"heavy,unmovable,fragmented,0,DMA,0,1,0.000,\n"
		"heavy,unmovable,fragmented,0,DMA,1,0,0.100,\n"
		"heavy,unmovable,fragmented,0,DMA,2,2,0.200,\n"
		"heavy,unmovable,fragmented,0,DMA32,0,10,0.000,-1.000\n"
		"heavy,unmovable,fragmented,0,DMA32,1,4,0.500,-1.000\n"
		"heavy,unmovable,fragmented,0,DMA32,2,0,1.000,0.950\n");
	sb_free(&csv);
}

/* Without debugfs the indexes are empty cells, never zeros. */
static void test_zone_rows_without_indexes(void **state)
{
	struct strbuf csv = { 0 };

	(void)state;
	frag_zone_rows("none,,before", "garbage\n"
		       "Node 0, zone   Normal 7 3\n", NULL, NULL, &csv);
	assert_string_equal(csv.text, "none,,before,0,Normal,0,7,,\n"
				      "none,,before,0,Normal,1,3,,\n");
	sb_free(&csv);
}

static void test_vmstat_rows(void **state)
{
	struct strbuf csv = { 0 };

	(void)state;
	frag_vmstat_rows("heavy,movable,released",
			 "nr_free_pages 100\ncompact_stall 2\npgscan_direct 5\n"
			 "allocstall_dma32 0\n",
			 "nr_free_pages 50\ncompact_stall 7\npgscan_direct 5\n"
			 "allocstall_dma32 3\npgmigrate_success 9\n", &csv);
	/* a counter missing before (a kernel without it) gets no row */
	assert_string_equal(csv.text, "heavy,movable,released,compact_stall,5\n"
				      "heavy,movable,released,pgscan_direct,0\n"
				      "heavy,movable,released,allocstall_dma32,3\n");
	sb_free(&csv);
}

static void test_meminfo(void **state)
{
	(void)state;
	assert_int_equal(frag_meminfo_kb("MemTotal:  2000 kB\nMemFree:     1500 kB\n",
					 "MemFree"), 1500);
	assert_int_equal(frag_meminfo_kb("MemFreeX: 3 kB\n", "MemFree"), -1);
	assert_int_equal(frag_meminfo_kb(NULL, "MemFree"), -1);
	assert_int_equal(frag_pcp_pages("Node 0, zone DMA32\n  pagesets\n"
					"    cpu: 0\n              count: 12\n"
					"              high:  40\n    cpu: 1\n"
					"              count: 3\n"), 15);
	assert_int_equal(frag_pcp_pages("Node 0\n"), -1);
}

static void test_extra_names(void **state)
{
	(void)state;
	assert_true(results_extra_name_ok("frag.csv"));
	assert_true(results_extra_name_ok("frag-vmstat.csv"));
	assert_true(results_extra_name_ok("frag/heavy-movable-before.buddyinfo"));
	assert_true(results_extra_name_ok("frag/90:16-unmovable-released.vmstat"));
	assert_false(results_extra_name_ok("cases.csv"));
	assert_false(results_extra_name_ok("frag.txt"));
	assert_false(results_extra_name_ok("frag/../meta.json"));
	assert_false(results_extra_name_ok("frag/.hidden"));
	assert_false(results_extra_name_ok("frag/a/b"));
	assert_true(results_extra_name_ok("pressure/case-3-rep-1-before.zoneinfo"));
	assert_false(results_extra_name_ok("pressure/../cases.csv"));
	assert_false(results_extra_name_ok("pressure/"));
	assert_false(results_extra_name_ok("frag/"));
	assert_false(results_extra_name_ok("meta.json"));
}

/* Extra files reach the directory and the stream, one record per line. */
static void test_write_extra(void **state)
{
	struct results_sink sink;
	struct strbuf stream = { 0 };
	char *dir = make_temp_dir(), *text;

	(void)state;
	sb_printf(&stream, "%s/stream", dir);
	assert_int_equal(results_open(&sink, dir, stream.text), 0);
	assert_int_equal(results_write_extra(&sink, "frag/none-before.buddyinfo",
					     "a\nb\n"), 0);
	assert_int_equal(results_write_extra(&sink, "frag.csv", "h\n"), 0);
	assert_int_equal(results_write_extra(&sink, "frag.csv", "r\n"), 0);
	results_close(&sink);
	text = read_in_dir(dir, "frag/none-before.buddyinfo");
	assert_string_equal(text, "a\nb\n");
	free(text);
	text = read_in_dir(dir, "frag.csv");
	assert_string_equal(text, "h\nr\n");
	free(text);
	text = read_in_dir(dir, "stream");
	assert_string_equal(text, "frag/none-before.buddyinfo\ta\n"
				  "frag/none-before.buddyinfo\tb\n"
				  "frag.csv\th\nfrag.csv\tr\n");
	free(text);
	sb_free(&stream);
	remove_tree(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_zone_rows),
		cmocka_unit_test(test_zone_rows_without_indexes),
		cmocka_unit_test(test_vmstat_rows),
		cmocka_unit_test(test_meminfo),
		cmocka_unit_test(test_extra_names),
		cmocka_unit_test(test_write_extra),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
