/* `facts`: the parsers of /proc files, config and checkstack output, the
 * verdicts, and a facts stream collected back into files. */
#include "tests/testutil.h"

#include "cmd/collect.h"
#include "facts/facts.h"
#include "facts/facts_parse.h"

/* /proc/zoneinfo of a 64-bit guest with 2 GiB, shortened. */
static const char zoneinfo_64[] =
	"Node 0, zone      DMA\n"
	"  per-node stats\n"
	"      nr_inactive_anon 0\n"
	"  pages free     3840\n"
	"        min      33\n"
	"        spanned  4095\n"
	"        present  3998\n"
	"        managed  3840\n"
	"  start_pfn:           1\n"
	"Node 0, zone    DMA32\n"
	"  pages free     470000\n"
	"        spanned  520160\n"
	"        present  520160\n"
	"        managed  503776\n"
	"  start_pfn:           4096\n"
	"Node 0, zone   Normal\n"
	"  pages free     0\n"
	"        spanned  0\n"
	"        present  0\n"
	"        managed  0\n"
	"  start_pfn:           0\n"
	"Node 0, zone  Movable\n"
	"  pages free     0\n"
	"        spanned  0\n"
	"        present  0\n"
	"        managed  0\n";

static void test_zoneinfo(void **state)
{
	struct zoneinfo_zone zones[FACTS_MAX_ZONES];
	size_t count;

	(void)state;
	count = zoneinfo_parse(zoneinfo_64, zones, FACTS_MAX_ZONES);
	assert_int_equal(count, 4);
	assert_string_equal(zones[0].name, "DMA");
	assert_int_equal(zones[0].present_pages, 3998);
	assert_int_equal(zones[0].managed_pages, 3840);
	assert_int_equal(zones[0].spanned_pages, 4095);
	assert_int_equal(zones[0].start_pfn, 1);
	assert_string_equal(zones[1].name, "DMA32");
	assert_int_equal(zones[1].present_pages, 520160);
	assert_string_equal(zones[2].name, "Normal");
	assert_int_equal(zones[2].present_pages, 0);
	/* Room for two: the rest is dropped, nothing overflows. */
	assert_int_equal(zoneinfo_parse(zoneinfo_64, zones, 2), 2);
	assert_int_equal(zoneinfo_parse("garbage\n", zones, 2), 0);
}

static void test_buddyinfo(void **state)
{
	static const char buddy_61[] =
		"Node 0, zone      DMA      1      1      0      0      2      1      1      0      1      1      3 \n"
		"Node 0, zone    DMA32    135     88     41     21     12     10      5      4      3      2    450 \n";
	static const char buddy_612[] =
		"Node 0, zone      DMA      0      0      0      0      0      0      0      0      1      1      3\n";
	static const char ragged[] =
		"Node 0, zone      DMA      1      1      0\n"
		"Node 0, zone    DMA32      1      1\n";

	(void)state;
	assert_int_equal(buddyinfo_columns(buddy_61), 11);
	assert_int_equal(buddyinfo_columns(buddy_612), 11);
	assert_int_equal(buddyinfo_columns(ragged), -1);
	assert_int_equal(buddyinfo_columns(""), -1);
	assert_int_equal(buddyinfo_columns("Node 0, zone DMA 1 x 2\n"), -1);
}

static void test_meminfo(void **state)
{
	static const char meminfo[] =
		"MemTotal:        2030780 kB\n"
		"MemAvailable:    1875564 kB\n"
		"Slab:              21436 kB\n"
		"SUnreclaim:        12108 kB\n"
		"VmallocTotal:   34359738367 kB\n"
		"HugePages_Total:       0\n";
	uint64_t bytes = 7;

	(void)state;
	assert_int_equal(meminfo_bytes(meminfo, "MemAvailable", &bytes), 0);
	assert_int_equal(bytes, 1875564ULL * 1024);
	assert_int_equal(meminfo_bytes(meminfo, "SUnreclaim", &bytes), 0);
	assert_int_equal(bytes, 12108ULL * 1024);
	assert_int_equal(meminfo_bytes(meminfo, "VmallocTotal", &bytes), 0);
	assert_int_equal(bytes, 34359738367ULL * 1024);
	/* No unit: a count, not kB. */
	assert_int_equal(meminfo_bytes(meminfo, "HugePages_Total", &bytes), 0);
	assert_int_equal(bytes, 0);
	/* "Mem" is a prefix of keys, not a key. */
	assert_int_equal(meminfo_bytes(meminfo, "Mem", &bytes), -1);
	assert_int_equal(meminfo_bytes(meminfo, "Slabby", &bytes), -1);
}

static void test_kconfig(void **state)
{
	static const char config[] =
		"CONFIG_FRAME_WARN=2048\n"
		"# CONFIG_VMAP_STACK is not set\n"
		"CONFIG_VMAP_STACK_EXTRA=y\n"
		"CONFIG_LOCALVERSION=\"-test\"\n";
	char value[32];

	(void)state;
	assert_int_equal(kconfig_value(config, "CONFIG_FRAME_WARN", value,
				       sizeof(value)), 0);
	assert_string_equal(value, "2048");
	assert_int_equal(kconfig_value(config, "CONFIG_VMAP_STACK", value,
				       sizeof(value)), 0);
	assert_string_equal(value, "n");
	assert_int_equal(kconfig_value(config, "CONFIG_LOCALVERSION", value,
				       sizeof(value)), 0);
	assert_string_equal(value, "\"-test\"");
	assert_int_equal(kconfig_value(config, "CONFIG_FRAME", value,
				       sizeof(value)), -1);
}

static void test_checkstack(void **state)
{
	static const char output[] =
		"0x00000000000003b0 kab_ioctl_run_case [kallocbench]:\t864\n"
		"0x0000000000001a20 kab_run_case [kallocbench]:\t\t592\n"
		"not a frame line\n"
		"0x00000000000000d0 kab_ioctl_info [kallocbench]:\t576\n";
	struct stack_frame frames[2];

	(void)state;
	assert_int_equal(checkstack_parse(output, frames, 2), 2);
	assert_string_equal(frames[0].function, "kab_ioctl_run_case");
	assert_int_equal(frames[0].bytes, 864);
	assert_string_equal(frames[1].function, "kab_run_case");
	assert_int_equal(frames[1].bytes, 592);
	assert_int_equal(checkstack_parse("", frames, 2), 0);
}

/* Measurements of a 64-bit 6.1 guest, as the module would report them. */
static struct facts *facts_64(void)
{
	struct facts *f = xcalloc(1, sizeof(*f));

	f->bits64 = true;
	f->info_read = true;
	f->info.page_size = 4096;
	f->info.nr_page_orders = 11;
	f->info.thread_size = 16384;
	f->info.kmalloc_max_size = 4 << 20;
	f->zoneinfo_read = true;
	f->nr_zones = zoneinfo_parse(zoneinfo_64, f->zones, FACTS_MAX_ZONES);
	f->buddy_columns = 11;
	f->kmalloc_max.done = true;
	f->kmalloc_max.p.ok = 1;
	f->kmalloc_max.p.largest_bytes = 4 << 20;
	f->kmalloc_max.p.next_failed = 1;
	f->kmalloc_max.p.kmalloc_max_size = 4 << 20;
	return f;
}

static const struct fact_row *find_row(const struct fact_row *rows,
				       size_t count, const char *id)
{
	for (size_t i = 0; i < count; i++)
		if (strcmp(rows[i].claim_id, id) == 0)
			return &rows[i];
	fail_msg("no row %s", id);
	return NULL;
}

static void test_verdicts_64bit(void **state)
{
	struct fact_row rows[FACTS_MAX_ROWS];
	struct facts *f = facts_64();
	const struct fact_row *row;
	size_t count;

	(void)state;
	count = facts_rows(f, rows, FACTS_MAX_ROWS);
	assert_true(count >= 13);
	row = find_row(rows, count, "1");
	assert_int_equal(row->verdict, VERDICT_DOES_NOT_HOLD);
	assert_non_null(strstr(row->value.text, "DMA32"));
	assert_non_null(strstr(row->value.text, "Normal empty"));
	assert_int_equal(find_row(rows, count, "2")->verdict, VERDICT_HOLDS);
	assert_int_equal(find_row(rows, count, "3")->verdict, VERDICT_HOLDS);
	assert_int_equal(find_row(rows, count, "12")->verdict,
			 VERDICT_DOES_NOT_HOLD);
	/* What was not measured says so, with a reason, and no figure. */
	row = find_row(rows, count, "11");
	assert_int_equal(row->verdict, VERDICT_NOT_MEASURED);
	assert_string_equal(row->value.text, "not measured");
	assert_true(row->why.len > 0);
	row = find_row(rows, count, "5");
	assert_int_equal(row->verdict, VERDICT_NOT_MEASURED);
	assert_null(strstr(row->value.text, "0x"));
	fact_rows_free(rows, count);
	free(f);
}

static void test_verdicts_disagreeing(void **state)
{
	struct fact_row rows[FACTS_MAX_ROWS];
	struct facts *f = facts_64();
	size_t count;

	(void)state;
	f->buddy_columns = 12;
	f->kmalloc_max.p.largest_bytes = 2 << 20;
	count = facts_rows(f, rows, FACTS_MAX_ROWS);
	assert_int_equal(find_row(rows, count, "2")->verdict,
			 VERDICT_DOES_NOT_HOLD);
	assert_int_equal(find_row(rows, count, "3")->verdict,
			 VERDICT_DOES_NOT_HOLD);
	fact_rows_free(rows, count);
	f->buddy_columns = -1;
	count = facts_rows(f, rows, FACTS_MAX_ROWS);
	assert_int_equal(find_row(rows, count, "2")->verdict,
			 VERDICT_NOT_MEASURED);
	fact_rows_free(rows, count);
	free(f);
}

static void test_verdicts_32bit_highmem(void **state)
{
	static const char zoneinfo_32[] =
		"Node 0, zone      DMA\n        present  3998\n"
		"Node 0, zone   Normal\n        present  225280\n"
		"Node 0, zone  HighMem\n        present  294912\n";
	struct fact_row rows[FACTS_MAX_ROWS];
	struct facts *f = facts_64();
	struct facts_buffer *b;
	size_t count;

	(void)state;
	f->bits64 = false;
	f->info.thread_size = 8192;
	f->nr_zones = zoneinfo_parse(zoneinfo_32, f->zones, FACTS_MAX_ZONES);
	b = &f->buffers[f->nr_buffers++];
	b->allocator = KAB_ALLOC_vmalloc;
	b->result.done = true;
	b->result.p.pages = 16;
	b->result.p.nr_zones = 4;
	strcpy(b->result.p.zone_names[2], "HighMem");
	b->result.p.zone_pages[2] = 16;
	count = facts_rows(f, rows, FACTS_MAX_ROWS);
	assert_int_equal(find_row(rows, count, "1")->verdict, VERDICT_HOLDS);
	assert_int_equal(find_row(rows, count, "9")->verdict, VERDICT_HOLDS);
	assert_int_equal(find_row(rows, count, "12")->verdict, VERDICT_HOLDS);
	fact_rows_free(rows, count);
	/* HighMem configured but empty (512 MiB): it depends. */
	f->zones[2].present_pages = 0;
	b->result.p.zone_pages[2] = 0;
	b->result.p.zone_pages[1] = 16;
	strcpy(b->result.p.zone_names[1], "Normal");
	count = facts_rows(f, rows, FACTS_MAX_ROWS);
	assert_int_equal(find_row(rows, count, "1")->verdict, VERDICT_DEPENDS);
	assert_int_equal(find_row(rows, count, "9")->verdict,
			 VERDICT_DOES_NOT_HOLD);
	fact_rows_free(rows, count);
	free(f);
}

static void test_verdict_leak(void **state)
{
	struct fact_row rows[FACTS_MAX_ROWS];
	struct facts *f = facts_64();
	size_t count;

	(void)state;
	f->leak.measured = true;
	f->leak.bytes = 16 << 20;
	f->leak.before.sunreclaim = 10 << 20;
	f->leak.loaded.sunreclaim = 26 << 20;
	f->leak.unloaded.sunreclaim = 26 << 20;
	count = facts_rows(f, rows, FACTS_MAX_ROWS);
	assert_int_equal(find_row(rows, count, "11")->verdict, VERDICT_HOLDS);
	fact_rows_free(rows, count);
	f->leak.unloaded.sunreclaim = 10 << 20;
	count = facts_rows(f, rows, FACTS_MAX_ROWS);
	assert_int_equal(find_row(rows, count, "11")->verdict,
			 VERDICT_DOES_NOT_HOLD);
	fact_rows_free(rows, count);
	free(f);
}

static void test_verdict_ksize_and_contiguity(void **state)
{
	struct fact_row rows[FACTS_MAX_ROWS];
	struct facts *f = facts_64();
	struct facts_buffer *k, *v;
	size_t count;

	(void)state;
	f->ksize.done = true;
	f->nr_classes = 2;
	f->classes[0] = (struct kab_ksize_class){ 1, 64, 1, 0 };
	f->classes[1] = (struct kab_ksize_class){ 65, 128, 1, 0 };
	k = &f->buffers[f->nr_buffers++];
	k->allocator = KAB_ALLOC_kmalloc;
	k->result.done = true;
	k->result.p.pages = 256;
	v = &f->buffers[f->nr_buffers++];
	v->allocator = KAB_ALLOC_vmalloc;
	v->result.done = true;
	v->result.p.pages = 1024;
	v->result.p.discontinuities = 3;
	count = facts_rows(f, rows, FACTS_MAX_ROWS);
	assert_int_equal(find_row(rows, count, "4")->verdict, VERDICT_HOLDS);
	assert_int_equal(find_row(rows, count, "8")->verdict, VERDICT_HOLDS);
	fact_rows_free(rows, count);
	f->classes[1].class_size = 96;
	v->result.p.discontinuities = 0;
	count = facts_rows(f, rows, FACTS_MAX_ROWS);
	assert_int_equal(find_row(rows, count, "4")->verdict,
			 VERDICT_DOES_NOT_HOLD);
	assert_int_equal(find_row(rows, count, "8")->verdict, VERDICT_DEPENDS);
	fact_rows_free(rows, count);
	k->result.p.discontinuities = 1;
	count = facts_rows(f, rows, FACTS_MAX_ROWS);
	assert_int_equal(find_row(rows, count, "8")->verdict,
			 VERDICT_DOES_NOT_HOLD);
	fact_rows_free(rows, count);
	free(f);
}

/* A facts stream collects into the facts files, without cases.csv. */
static void test_collect_facts_stream(void **state)
{
	static const char stream[] =
		"guest.json\t{\"kernel\":{\"release\":\"6.1.0-test\"},\"command\":\"facts\"}\n"
		"facts.json\t{\"rows\":[]}\n"
		"facts.md\t# kallocbench facts\n"
		"facts.md\t| # | claim |\n"
		"ksize.csv\trequest_from,request_to,class_bytes\n"
		"ksize.csv\t1,8,8\n";
	char *dir = make_temp_dir();
	char serial[256], out[256], path[300];
	char *argv[] = { "collect", "--serial", serial, "--out", out, NULL };
	char *text;

	(void)state;
	snprintf(serial, sizeof(serial), "%s/stream", dir);
	snprintf(out, sizeof(out), "%s/out", dir);
	assert_int_equal(write_file(serial, stream, strlen(stream)), 0);
	assert_int_equal(cmd_collect(5, argv), 0);
	snprintf(path, sizeof(path), "%s/facts.md", out);
	text = read_file(path, NULL);
	assert_non_null(text);
	assert_string_equal(text, "# kallocbench facts\n| # | claim |\n");
	free(text);
	snprintf(path, sizeof(path), "%s/ksize.csv", out);
	assert_int_equal(access(path, F_OK), 0);
	snprintf(path, sizeof(path), "%s/meta.json", out);
	assert_int_equal(access(path, F_OK), 0);
	snprintf(path, sizeof(path), "%s/cases.csv", out);
	assert_int_equal(access(path, F_OK), -1);
	/* Every facts file, so that no stale one survives. */
	snprintf(path, sizeof(path), "%s/zones.csv", out);
	assert_int_equal(access(path, F_OK), 0);
	remove_tree(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_zoneinfo),
		cmocka_unit_test(test_buddyinfo),
		cmocka_unit_test(test_meminfo),
		cmocka_unit_test(test_kconfig),
		cmocka_unit_test(test_checkstack),
		cmocka_unit_test(test_verdicts_64bit),
		cmocka_unit_test(test_verdicts_disagreeing),
		cmocka_unit_test(test_verdicts_32bit_highmem),
		cmocka_unit_test(test_verdict_leak),
		cmocka_unit_test(test_verdict_ksize_and_contiguity),
		cmocka_unit_test(test_collect_facts_stream),
	};

	return cmocka_run_group_tests_name("facts", tests, NULL, NULL);
}
