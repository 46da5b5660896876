/* The access benchmark's runner side: its phases, access.csv rows and the
 * break-even math. */
#include "testutil.h"

#include <errno.h>
#include <sys/stat.h>

#include "access.h"
#include "breakeven.h"
#include "csv.h"
#include "spread.h"

static void assert_solved(double af, double ap, double bf, double bp,
			  enum breakeven_verdict verdict, uint64_t pages)
{
	struct breakeven r = breakeven_solve(af, ap, bf, bp);

	assert_int_equal(r.verdict, verdict);
	assert_int_equal(r.pages, pages);
}

/* total(n) = fixed + n * per_page, for a and b */
static void test_breakeven_math(void **state)
{
	(void)state;
	/* equal after exactly 200 accesses: a costs more from the 201st */
	assert_solved(100, 3, 500, 1, BREAKEVEN_a_then_b, 201);
	assert_solved(500, 1, 100, 3, BREAKEVEN_b_then_a, 201);
	/* 10 / 3 = 3.33: a is cheaper at 3 accesses (9 < 10), dearer at 4 */
	assert_solved(0, 3, 10, 0, BREAKEVEN_a_then_b, 4);
	assert_solved(100, 1, 200, 2, BREAKEVEN_a_always, 0);
	assert_solved(300, 2, 200, 2, BREAKEVEN_b_always, 0);
	assert_solved(200, 2, 200, 3, BREAKEVEN_a_always, 0);
	assert_solved(7, 4, 7, 4, BREAKEVEN_equal, 0);
	/* a crossing beyond 2^64 accesses saturates */
	assert_solved(0, 1e-30, 1e30, 0, BREAKEVEN_a_then_b, UINT64_MAX);
}

static const char *const events[] = { "page-faults", "tlb:tlb_flush" };

static void test_header_has_a_column_per_phase_and_event(void **state)
{
	char *header = access_header(events, ARRAY_SIZE(events));

	(void)state;
	assert_non_null(strstr(header, "case,repetition,kernel,config,mode,"
			       "frag_level,allocator,size_bytes,pattern,"));
	assert_non_null(strstr(header, ",counter_scaling,alloc_page-faults,"
			       "alloc_tlb:tlb_flush,access_page-faults,"
			       "access_tlb:tlb_flush,free_page-faults,"
			       "free_tlb:tlb_flush,status,error"));
	assert_null(strstr(header, "prepare_"));
	free(header);
	assert_non_null(strstr(access_empty_header(),
			       ",counter_scaling,status,error"));
}

struct fake_module {
	enum kab_access_phase seen[8];
	unsigned calls;
	/* refuse this phase with E2BIG, or KAB_NR_ACCESS_PHASES for none */
	enum kab_access_phase refuse;
};

/* Each phase fills in its own outputs only, as the module does. */
static int fake_access(void *device, struct kab_access *request)
{
	struct fake_module *fake = device;

	fake->seen[fake->calls++] = request->phase;
	if (request->phase == fake->refuse) {
		snprintf(request->reason, sizeof(request->reason),
			 "kmalloc serves at most 4194304 bytes");
		return -E2BIG;
	}
	request->pages = request->size_bytes / 4096;
	switch (request->phase) {
	case KAB_PHASE_alloc: request->alloc_ns = 1000; break;
	case KAB_PHASE_prepare:
		request->map_order_min = 0;
		request->map_order_max = 9;
		request->direct_map_order_min = KAB_ORDER_NONE;
		request->direct_map_order_max = KAB_ORDER_NONE;
		request->pte_tables = 3;
		break;
	case KAB_PHASE_access:
		request->touches = request->pages * request->passes;
		request->access_ns = 5 * request->touches;
		break;
	default: request->free_ns = 300; break;
	}
	return 0;
}

static const struct sweep_case spec = {
	.kind = SWEEP_KIND_access, .allocator = KAB_ALLOC_vmalloc,
	.size_bytes = 4 << 20, .walk = KAB_ACCESS_random, .passes = 2,
	.repetitions = 1, .frag = { .label = "none" },
};
static const struct run_labels labels = {
	.kernel = "6.1.0", .config = "default", .mode = "qemu-icount",
};

/* The row's fields, named by the header built for the same events. */
static const char *cell(const struct csv_fields *header,
			const struct csv_fields *row, const char *name)
{
	for (size_t i = 0; i < header->count; i++)
		if (strcmp(header->field[i], name) == 0)
			return row->field[i];
	fail_msg("no column %s", name);
	return NULL;
}

static void split_row(const struct access_outcome *outcome,
		      struct csv_fields *header, struct csv_fields *row)
{
	char *head = access_header(events, ARRAY_SIZE(events));
	char *line = access_row(&labels, 7, 1, &spec, outcome);

	assert_true(csv_split(head, header));
	assert_true(csv_split(line, row));
	assert_int_equal(header->count, row->count);
	free(head);
	free(line);
}

static void test_phases_run_in_order_and_fill_one_row(void **state)
{
	struct fake_module fake = { .refuse = KAB_NR_ACCESS_PHASES };
	struct perf_value values[KAB_NR_ACCESS_PHASES][ARRAY_SIZE(events)];
	struct access_outcome outcome = { .counter_count = ARRAY_SIZE(events) };
	struct csv_fields header = { 0 }, row = { 0 };

	(void)state;
	for (int phase = 0; phase < KAB_NR_ACCESS_PHASES; phase++)
		outcome.counters[phase] = values[phase];
	/* no perf group: nothing is counted, every counter cell is empty */
	access_run(fake_access, &fake, &spec, NULL, &outcome);
	assert_int_equal(fake.calls, 4);
	for (unsigned i = 0; i < 4; i++)
		assert_int_equal(fake.seen[i], i);
	assert_int_equal(outcome.error, 0);
	outcome.status = CASE_ok;
	split_row(&outcome, &header, &row);
	assert_string_equal(cell(&header, &row, "case"), "7");
	assert_string_equal(cell(&header, &row, "allocator"), "vmalloc");
	assert_string_equal(cell(&header, &row, "pattern"), "random");
	assert_string_equal(cell(&header, &row, "pages"), "1024");
	assert_string_equal(cell(&header, &row, "alloc_ns"), "1000");
	assert_string_equal(cell(&header, &row, "free_ns"), "300");
	assert_string_equal(cell(&header, &row, "access_ns_per_page"), "5.000");
	assert_string_equal(cell(&header, &row, "map_order_max"), "9");
	assert_string_equal(cell(&header, &row, "direct_map_order_min"), "");
	assert_string_equal(cell(&header, &row, "pte_tables_per_mib"), "0.750");
	assert_string_equal(cell(&header, &row, "access_page-faults"), "");
	assert_string_equal(cell(&header, &row, "counter_scaling"), "");
	assert_string_equal(cell(&header, &row, "status"), "ok");
	assert_string_equal(cell(&header, &row, "error"), "");
	csv_fields_free(&header);
	csv_fields_free(&row);
}

static void test_a_refused_phase_stops_the_case(void **state)
{
	struct fake_module fake = { .refuse = KAB_PHASE_alloc };
	struct access_outcome outcome = { .counter_count = ARRAY_SIZE(events) };
	struct csv_fields header = { 0 }, row = { 0 };

	(void)state;
	access_run(fake_access, &fake, &spec, NULL, &outcome);
	assert_int_equal(fake.calls, 1);
	assert_int_equal(outcome.error, E2BIG);
	outcome.status = CASE_refused;
	split_row(&outcome, &header, &row);
	assert_string_equal(cell(&header, &row, "alloc_ns"), "");
	assert_string_equal(cell(&header, &row, "free_ns"), "");
	assert_string_equal(cell(&header, &row, "status"), "refused");
	assert_string_equal(cell(&header, &row, "error"),
			    "E2BIG in alloc: kmalloc serves at most 4194304 bytes");
	csv_fields_free(&header);
	csv_fields_free(&row);
}

/* access.csv in, breakeven.csv out; repetitions averaged, refused rows and
 * sizes only one side of a pair measured left out. */
static void test_breakeven_command(void **state)
{
	static const char access_csv[] =
		"status,allocator,size_bytes,pattern,alloc_ns,free_ns,access_ns_per_page,error\n"
		"ok,vmalloc,65536,random,900,100,6.000,\n"
		"ok,vmalloc,65536,random,1100,100,4.000,\n"
		"ok,kmalloc,65536,random,400,100,2.000,\n"
		"ok,alloc_pages,65536,random,300,100,5.000,\n"
		"refused,kmalloc,8388608,random,,,,\"E2BIG in alloc: too big\"\n"
		"ok,vmalloc,8388608,random,9000,1000,4.000,\n"
		"ok,vmalloc,131072,random,150,50,4.000,\n"
		"ok,kmalloc,131072,random,900,100,2.000,\n";
	char *dir = make_temp_dir(), *text;
	char *argv[] = { "breakeven", dir, NULL };
	struct strbuf path = { 0 };

	(void)state;
	sb_printf(&path, "%s/access.csv", dir);
	assert_int_equal(write_file(path.text, access_csv, strlen(access_csv)), 0);
	assert_int_equal(cmd_breakeven(2, argv), 0);
	sb_reset(&path);
	sb_printf(&path, "%s/breakeven.csv", dir);
	text = read_file(path.text, NULL);
	assert_non_null(text);
	/* vmalloc 1100 + 5/page vs kmalloc 500 + 2/page: kmalloc always;
	 * vs alloc_pages 400 + 5/page: alloc_pages always; at 128K vmalloc
	 * 200 + 4/page vs kmalloc 1000 + 2/page: equal after 400 accesses */
	assert_string_equal(text,
		"size_bytes,pattern,a,b,a_fixed_ns,b_fixed_ns,a_ns_per_page,"
		"b_ns_per_page,cheaper_first,breakeven_pages,cheaper_after\n"
		"65536,random,vmalloc,kmalloc,1100.0,500.0,5.000,2.000,kmalloc,,kmalloc\n"
		"65536,random,vmalloc,alloc_pages,1100.0,400.0,5.000,5.000,alloc_pages,,alloc_pages\n"
		"131072,random,vmalloc,kmalloc,200.0,1000.0,4.000,2.000,vmalloc,401,kmalloc\n");
	free(text);
	sb_free(&path);
	remove_tree(dir);
}

/* A stand-in for hyperfine: writes the export hyperfine would, for the
 * command it was given, after checking the options the runner passes. */
static const char fake_hyperfine[] =
	"#!/bin/sh\n"
	"[ \"$1 $2 $3 $4 $5 $6 $7 $8\" = '--shell=none --style none --warmup 2 --runs 5 --export-json' ] || exit 3\n"
	"case \"${10}\" in *' access --allocator vmalloc --size 4194304 --pattern random --passes 2 --device /dev/x') ;; *) exit 4 ;; esac\n"
	"printf '{\"results\":[{\"command\":\"%s\",\"mean\":0.0015,\"stddev\":0.0002,"
	"\"median\":0.0014,\"min\":0.0012,\"max\":0.002,\"times\":[0.0012,0.0014,0.0014,0.0015,0.002]}]}' \"${10}\" > \"$9\"\n";

static void test_spread_from_hyperfine_export(void **state)
{
	char *dir = make_temp_dir(), *script;
	struct strbuf path = { 0 };
	struct spread_plan plan = {
		.runner = "/bin/kallocbench", .device = "/dev/x",
		.warmup = SPREAD_WARMUP, .runs = 5,
	};
	struct spread_result result;
	struct sweep_case one = spec;

	(void)state;
	sb_printf(&path, "%s/hyperfine", dir);
	script = xstrdup(path.text);
	assert_int_equal(write_file(script, fake_hyperfine,
				    strlen(fake_hyperfine)), 0);
	assert_int_equal(chmod(script, 0755), 0);
	plan.hyperfine = script;
	spread_measure(&plan, &labels, 3, &one, &result);
	assert_true(result.ok);
	assert_string_equal(result.csv_row,
		"3,6.1.0,default,qemu-icount,vmalloc,4194304,random,2,2,5,"
		"1500.0,200.0,1400.0,1200.0,2000.0,ok,");
	assert_non_null(strstr(result.json_line, "\"case\":3"));
	assert_non_null(strstr(result.json_line, "\"times\":[0.0012,"));
	assert_true(result.mean_us > 1499.9 && result.mean_us < 1500.1);
	free(result.csv_row);
	free(result.json_line);

	/* a hyperfine that fails leaves a failed row with empty figures */
	one.passes = 3;
	spread_measure(&plan, &labels, 4, &one, &result);
	assert_false(result.ok);
	assert_string_equal(result.csv_row,
		"4,6.1.0,default,qemu-icount,vmalloc,4194304,random,3,2,5,"
		",,,,,failed,hyperfine exited 4");
	assert_null(result.json_line);
	free(result.csv_row);
	plan.hyperfine = "/nonexistent/hyperfine";
	spread_measure(&plan, &labels, 4, &spec, &result);
	assert_false(result.ok);
	assert_non_null(strstr(result.csv_row, ",failed,cannot run /nonexistent/hyperfine: "));
	free(result.csv_row);
	free(script);
	sb_free(&path);
	remove_tree(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_breakeven_math),
		cmocka_unit_test(test_header_has_a_column_per_phase_and_event),
		cmocka_unit_test(test_phases_run_in_order_and_fill_one_row),
		cmocka_unit_test(test_a_refused_phase_stops_the_case),
		cmocka_unit_test(test_breakeven_command),
		cmocka_unit_test(test_spread_from_hyperfine_export),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
