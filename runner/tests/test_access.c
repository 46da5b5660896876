/* The access benchmark's runner side: its phases, access.csv rows and the
 * break-even math. */
#include "tests/testutil.h"

#include <errno.h>
#include <sys/stat.h>

#include "run/access.h"
#include "analysis/breakeven.h"
#include "util/util.h"
#include "output/csv.h"
#include "run/spread.h"

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
			       "frag_level,frag_kind,allocator,size_bytes,pattern,"));
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


static void write_in(const char *dir, const char *name, const char *text)
{
	struct strbuf path = { 0 };

	sb_printf(&path, "%s/%s", dir, name);
	assert_int_equal(write_file(path.text, text, strlen(text)), 0);
	sb_free(&path);
}

#define ACCESS_HEAD "case,repetition,mode,status,allocator,size_bytes,pattern," \
	"frag_level,frag_kind,passes,pages,alloc_ns,free_ns,access_ns,map_order_min," \
	"direct_map_order_min,error\n"

/*
 * access.csv and sim.csv in, breakeven.csv and tradeoff.csv out: repetitions
 * pooled, refused rows and sizes only one side of a pair measured left
 * out, the walks of the simulated MMU charged at the model's penalty.
 */
static void test_breakeven_command(void **state)
{
	static const char access_csv[] = ACCESS_HEAD
		"1,1,qemu-icount,ok,vmalloc,65536,random,none,,1,16,900,100,64,0,9,\n"
		"1,2,qemu-icount,ok,vmalloc,65536,random,none,,1,16,1100,100,64,0,9,\n"
		"2,1,qemu-icount,ok,kmalloc,65536,random,none,,1,16,400,100,32,9,9,\n"
		"3,1,qemu-icount,ok,alloc_pages,65536,random,none,,1,16,300,100,80,9,9,\n"
		"4,1,qemu-icount,refused,kmalloc,8388608,random,none,,1,,,,,,,\"E2BIG in alloc: too big\"\n"
		"5,1,qemu-icount,ok,vmalloc,8388608,random,none,,1,2048,9000,1000,8192,0,9,\n"
		"6,1,qemu-icount,ok,vmalloc,131072,random,none,,1,32,150,50,128,0,9,\n"
		"7,1,qemu-icount,ok,kmalloc,131072,random,none,,1,32,900,100,64,9,9,\n"
		"8,1,qemu-icount,ok,vmalloc,262144,random,heavy,unmovable,1,64,300,100,256,0,9,\n"
		"9,1,qemu-icount,failed,kmalloc,262144,random,heavy,unmovable,1,,,,,,,ENOMEM in alloc\n";
	/* one walk per page for vmalloc at 128K, none for the others */
	static const char sim_csv[] =
		"case,repetition,phase,model,sim_loads,sim_walks,sim_dtlb_load_misses,"
		"sim_walk_refs,sim_walks_4k,sim_walks_2m,sim_walks_1g\n"
		"6,1,alloc,skylake-sp,1,99,99,99,99,0,0\n"
		"6,1,access,skylake-sp,32,32,32,160,32,0,0\n"
		"7,1,access,skylake-sp,32,0,0,0,0,0,0\n";
	char *dir = make_temp_dir(), *text;
	char *argv[] = { "breakeven", dir, NULL };

	(void)state;
	write_in(dir, "access.csv", access_csv);
	assert_int_equal(cmd_breakeven(2, argv), 0);
	text = read_in_dir(dir, "breakeven.csv");
	assert_non_null(text);
	/* vmalloc 1100 + 4/page vs kmalloc 500 + 2/page: kmalloc always; vs
	 * alloc_pages 400 + 5/page (its one size: no intercept): vmalloc
	 * cheaper to access; at 128K vmalloc 200 + 4/page vs kmalloc 1000 +
	 * 2/page: equal after 400 accesses */
	assert_int_equal(strncmp(text, BREAKEVEN_HEADER,
				 strlen(BREAKEVEN_HEADER)), 0);
	assert_string_equal(text + strlen(BREAKEVEN_HEADER),
		"65536,none,,random,vmalloc,kmalloc,none,0,1100.0,500.0,4.000,2.000,,,4.000,2.000,kmalloc,,kmalloc,exact (icount)\n"
		"65536,none,,random,vmalloc,alloc_pages,none,0,1100.0,400.0,4.000,5.000,,,4.000,5.000,alloc_pages,701,vmalloc,exact (icount)\n"
		"131072,none,,random,vmalloc,kmalloc,none,0,200.0,1000.0,4.000,2.000,,,4.000,2.000,vmalloc,401,kmalloc,exact (icount)\n"
		/* where kmalloc cannot get its buffer, vmalloc wins outright */
		"262144,heavy,unmovable,random,vmalloc,kmalloc,none,,,,,,,,,,vmalloc,,vmalloc,kmalloc failed\n");
	free(text);

	/* with the model: 30 per walk makes vmalloc's page 34 at 128K */
	write_in(dir, "sim.csv", sim_csv);
	assert_int_equal(cmd_breakeven(2, argv), 0);
	text = read_in_dir(dir, "breakeven.csv");
	assert_non_null(strstr(text,
		"131072,none,,random,vmalloc,kmalloc,skylake-sp,30,200.0,1000.0,4.000,2.000,"
		"1.0000,0.0000,34.000,2.000,vmalloc,26,kmalloc,exact (icount)\n"));
	assert_null(strstr(text, "65536,none,,random,vmalloc,kmalloc,skylake-sp"));
	free(text);
	text = read_in_dir(dir, "tradeoff.csv");
	assert_non_null(strstr(text,
		"6,1,vmalloc,131072,random,none,,skylake-sp,32,4.0000,4.0000,32,1.0000,32,1.0000,5.0000,32,0,0,0,9\n"));
	free(text);

	/* a walk's fixed cost (TCG translating the loop on its first run)
	 * stays out of the cost per page: the slope to the next size */
	write_in(dir, "access.csv", ACCESS_HEAD
		 "1,1,qemu-icount,ok,kmalloc,4096,random,none,,1,1,10,10,1000,9,9,\n"
		 "2,1,qemu-icount,ok,kmalloc,16384,random,none,,1,4,10,10,1024,9,9,\n");
	assert_int_equal(cmd_breakeven(2, argv), 0);
	text = read_in_dir(dir, "tradeoff.csv");
	assert_non_null(strstr(text, "1,1,kmalloc,4096,random,none,,skylake-sp,1,1000.0000,8.0000,"));
	assert_non_null(strstr(text, "2,1,kmalloc,16384,random,none,,skylake-sp,4,256.0000,8.0000,"));
	free(text);

	/* one run under plain TCG, no model: no verdict from noise */
	write_in(dir, "sim.csv", "case,repetition,phase,model,sim_walks,"
		 "sim_dtlb_load_misses,sim_walk_refs,sim_walks_4k,sim_walks_2m,"
		 "sim_walks_1g\n");
	write_in(dir, "access.csv", ACCESS_HEAD
		 "1,1,qemu-tcg,ok,vmalloc,65536,random,none,,1,16,900,100,64,0,9,\n"
		 "2,1,qemu-tcg,ok,kmalloc,65536,random,none,,1,16,400,100,32,9,9,\n");
	assert_int_equal(cmd_breakeven(2, argv), 0);
	text = read_in_dir(dir, "breakeven.csv");
	assert_non_null(strstr(text, ",,,,not significant\n"));
	free(text);
	remove_tree(dir);
}

/* vmalloc against vmalloc_huge, and differences within the 1% margin. */
static void test_breakeven_margin(void **state)
{
	char *dir = make_temp_dir(), *text;
	char *argv[] = { "breakeven", dir, NULL };

	(void)state;
	/* 1005 against 1000 is within 1%: the same cost; at 2M vmalloc is
	 * 100 cheaper to get and 3 per page dearer: dearer from the 34th */
	write_in(dir, "access.csv", ACCESS_HEAD
		 "1,1,qemu-icount,ok,vmalloc,1048576,per_page,none,,1,256,905,100,1024,0,0,\n"
		 "2,1,qemu-icount,ok,vmalloc_huge,1048576,per_page,none,,1,256,900,100,1024,0,0,\n"
		 "3,1,qemu-icount,ok,vmalloc,2097152,random,none,,1,512,900,100,3584,0,0,\n"
		 "4,1,qemu-icount,ok,vmalloc_huge,2097152,random,none,,1,512,1000,100,2048,9,0,\n");
	assert_int_equal(cmd_breakeven(2, argv), 0);
	text = read_in_dir(dir, "breakeven.csv");
	assert_non_null(strstr(text, "1048576,none,,per_page,vmalloc,vmalloc_huge,none,0,1005.0,1000.0,"
			       "4.000,4.000,,,4.000,4.000,,,,exact (icount)\n"));
	assert_non_null(strstr(text, "2097152,none,,random,vmalloc,vmalloc_huge,none,0,1000.0,1100.0,"
			       "7.000,4.000,,,7.000,4.000,vmalloc,34,vmalloc_huge,exact (icount)\n"));
	free(text);
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
		cmocka_unit_test(test_breakeven_margin),
		cmocka_unit_test(test_spread_from_hyperfine_export),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
