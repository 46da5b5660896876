/* Sweep parsing, validation and expansion. */
#include "tests/testutil.h"

#include "util/names.h"

static const char example[] =
	"# comment\n"
	"[sweep]\n"
	"name = default\n"
	"description = kmalloc, vmalloc and the page allocator over sizes and orders\n"
	"iterations = 2000        ; per measured loop\n"
	"warmup = 100\n"
	"time_limit_ms = 300\n"
	"atomic_limit_us = 500\n"
	"repetitions = 1\n"
	"\n"
	"[small objects]\n"
	"allocators = kmalloc kzalloc\n"
	"sizes = 8..kmalloc_max           ; doubling from 8 up to KMALLOC_MAX_SIZE\n"
	"gfp = GFP_KERNEL\n"
	"patterns = pair batch\n"
	"batch = 64\n"
	"\n"
	"[edges]\n"
	"allocators = kmalloc\n"
	"sizes = 64, 4K, kmalloc_max, kmalloc_max+1\n"
	"gfp = GFP_KERNEL, GFP_KERNEL|__GFP_ZERO   ; a list of masks, each '|'-joined\n"
	"patterns = pair\n"
	"iterations = 200\n"
	"\n"
	"[pages]\n"
	"allocators = alloc_pages\n"
	"orders = 0..max, max+1          ; max = nr_page_orders - 1 from INFO\n"
	"gfp = GFP_KERNEL\n"
	"patterns = pair\n";

/* An x86-64 kernel: KMALLOC_MAX_SIZE 4 MiB, orders 0..10. */
static const struct kab_info x86_64_info = {
	.size = sizeof(struct kab_info),
	.abi_version = KAB_ABI_VERSION,
	.page_size = 4096,
	.nr_page_orders = 11,
	.kmalloc_max_size = 4 << 20,
	.max_iterations = 1000000,
};

#define GFP(name) (1U << KAB_GFP_BIT_##name)

static void expand_ok(const char *text, struct sweep_cases *cases)
{
	struct sweep_error err;
	struct sweep sweep;

	if (parse_sweep_text(text, &sweep, &err) < 0)
		fail_msg("line %u: %s", err.line, err.message);
	if (sweep_expand(&sweep, &x86_64_info, cases, &err) < 0)
		fail_msg("expand: line %u: %s", err.line, err.message);
	sweep_free(&sweep);
}

static void assert_case(const struct sweep_case *one, enum kab_allocator allocator,
			uint64_t size_bytes, uint32_t order, uint32_t gfp,
			enum kab_pattern pattern, uint32_t batch,
			uint64_t iterations)
{
	assert_int_equal(one->allocator, allocator);
	assert_int_equal(one->size_bytes, size_bytes);
	assert_int_equal(one->order, order);
	assert_int_equal(one->gfp, gfp);
	assert_int_equal(one->pattern, pattern);
	assert_int_equal(one->batch, batch);
	assert_int_equal(one->iterations, iterations);
	assert_int_equal(one->context, KAB_CONTEXT_process);
}

static void test_example_expands(void **state)
{
	struct sweep_cases cases;
	const struct sweep_case *c;
	size_t i = 0;

	(void)state;
	expand_ok(example, &cases);
	/* 2 allocators x 20 sizes x 2 patterns + 4 x 2 masks + 12 orders */
	assert_int_equal(cases.count, 80 + 8 + 12);
	c = cases.item;
	for (enum kab_allocator a = KAB_ALLOC_kmalloc; a <= KAB_ALLOC_kzalloc; a++)
		for (uint64_t size = 8; size <= 4 << 20; size *= 2) {
			assert_case(&c[i++], a, size, 0, GFP(GFP_KERNEL),
				    KAB_PATTERN_pair, 0, 2000);
			assert_case(&c[i++], a, size, 0, GFP(GFP_KERNEL),
				    KAB_PATTERN_batch, 64, 2000);
		}
	for (int s = 0; s < 4; s++) {
		static const uint64_t sizes[] = { 64, 4096, 4 << 20,
						  (4 << 20) + 1 };

		assert_case(&c[i++], KAB_ALLOC_kmalloc, sizes[s], 0,
			    GFP(GFP_KERNEL), KAB_PATTERN_pair, 0, 200);
		assert_case(&c[i++], KAB_ALLOC_kmalloc, sizes[s], 0,
			    GFP(GFP_KERNEL) | GFP(__GFP_ZERO), KAB_PATTERN_pair,
			    0, 200);
	}
	for (uint32_t order = 0; order <= 11; order++)
		assert_case(&c[i++], KAB_ALLOC_alloc_pages, 0, order,
			    GFP(GFP_KERNEL), KAB_PATTERN_pair, 0, 2000);
	assert_int_equal(i, cases.count);
	assert_int_equal(c[0].warmup, 100);
	assert_int_equal(c[0].time_limit_ns, 300000000ULL);
	assert_int_equal(c[0].atomic_limit_ns, 500000ULL);
	assert_int_equal(c[0].repetitions, 1);
	assert_int_equal(c[0].group, 0);
	assert_int_equal(c[cases.count - 1].group, 2);
	sweep_cases_free(&cases);
}

static void test_example_metadata_and_count(void **state)
{
	struct sweep_error err;
	struct sweep sweep;
	struct sweep_cases cases;
	struct sweep_count count;

	(void)state;
	assert_int_equal(parse_sweep_text(example, &sweep, &err), 0);
	assert_string_equal(sweep.header.sweep_name, "default");
	assert_string_equal(sweep.header.description,
			    "kmalloc, vmalloc and the page allocator over sizes and orders");
	assert_int_equal(sweep.groups, 3);
	assert_string_equal(sweep.group[0].name, "small objects");
	assert_int_equal(sweep.group[0].line, 11);
	/* as on x86-64: 20 sizes x 2 x 2 + 4 x 2 + 12 orders */
	assert_int_equal(sweep_expand(&sweep, &sweep_reference_kernel, &cases,
				      &err), 0);
	sweep_count(&cases, &count);
	assert_int_equal(count.cases[SWEEP_KIND_alloc], 100);
	assert_int_equal(count.cases[SWEEP_KIND_access], 0);
	assert_int_equal(count.runs, 100);
	assert_int_equal(sweep_kernel_dependent_entries(&sweep), 5);
	sweep_cases_free(&cases);
	sweep_free(&sweep);
}

static void test_defaults_without_sweep_section(void **state)
{
	struct sweep_cases cases;

	(void)state;
	expand_ok("[g]\nallocators = vmalloc\nsizes = 1M\ngfp = GFP_KERNEL\n"
		  "patterns = pair\n", &cases);
	assert_int_equal(cases.count, 1);
	assert_int_equal(cases.item[0].size_bytes, 1 << 20);
	assert_int_equal(cases.item[0].iterations, SWEEP_DEFAULT_ITERATIONS);
	assert_int_equal(cases.item[0].warmup, SWEEP_DEFAULT_WARMUP);
	assert_int_equal(cases.item[0].time_limit_ns, 0);
	assert_int_equal(cases.item[0].repetitions, SWEEP_DEFAULT_REPETITIONS);
	sweep_cases_free(&cases);
}

static void test_group_overrides_and_inherits(void **state)
{
	struct sweep_cases cases;

	(void)state;
	expand_ok("[sweep]\nbatch = 8\nrepetitions = 3\nwarmup = 5\n"
		  "[g]\nallocators = kmalloc\nsizes = 64\ngfp = GFP_ATOMIC\n"
		  "patterns = batch\nwarmup = 7\n", &cases);
	assert_int_equal(cases.count, 1);
	assert_int_equal(cases.item[0].batch, 8);
	assert_int_equal(cases.item[0].repetitions, 3);
	assert_int_equal(cases.item[0].warmup, 7);
	sweep_cases_free(&cases);
}

/* sheaf_capacity: 0 unless set, a group's own over [sweep]'s. */
static void test_sheaf_capacity_overrides_and_inherits(void **state)
{
	struct sweep_cases cases;

	(void)state;
	expand_ok("[sweep]\nsheaf_capacity = 16\n"
		  "[g]\nallocators = kmem_cache_alloc\nsizes = 64\n"
		  "gfp = GFP_KERNEL\npatterns = pair\n"
		  "[h]\nallocators = kmem_cache_alloc\nsizes = 64\n"
		  "gfp = GFP_KERNEL\npatterns = pair\nsheaf_capacity = 0\n",
		  &cases);
	assert_int_equal(cases.count, 2);
	assert_int_equal(cases.item[0].sheaf_capacity, 16);
	assert_int_equal(cases.item[1].sheaf_capacity, 0);
	sweep_cases_free(&cases);
	expand_ok("[g]\nallocators = kmem_cache_alloc\nsizes = 64\n"
		  "gfp = GFP_KERNEL\npatterns = pair\n", &cases);
	assert_int_equal(cases.item[0].sheaf_capacity, 0);
	sweep_cases_free(&cases);
}

/* node: only the allocators that take one get it; the others run as ever. */
static void test_node_is_for_node_allocators(void **state)
{
	struct sweep_cases cases;

	(void)state;
	expand_ok("[sweep]\nnode = 1\n"
		  "[g]\nallocators = kmalloc_node, kmalloc\nsizes = 64\n"
		  "gfp = GFP_KERNEL\npatterns = pair\n"
		  "[h]\nallocators = alloc_pages_node\norders = 0\n"
		  "gfp = GFP_KERNEL\npatterns = pair\nnode = 0\n", &cases);
	assert_int_equal(cases.count, 3);
	assert_int_equal(cases.item[0].node, 1);
	assert_int_equal(cases.item[1].node, 0);
	assert_int_equal(cases.item[2].node, 0);
	sweep_cases_free(&cases);
}

static void test_sizes_syntax(void **state)
{
	static const uint64_t expected[] = {
		1024, 2 << 20, 1ULL << 30, 3072, (4 << 20) - 1024,
		(4 << 20) + 1, 100, 200, 400, 0,
	};
	struct sweep_cases cases;

	(void)state;
	/* suffixes either case, blanks around operators, a continued list */
	expand_ok("[g]\nallocators = kvmalloc\n"
		  "sizes = 1K 2M, 1g 3k kmalloc_max - 1K,\n"
		  "  kmalloc_max + 1 100..799 0\n"
		  "gfp = GFP_KERNEL | __GFP_NOWARN\npatterns = pair\n", &cases);
	assert_int_equal(cases.count, ARRAY_SIZE(expected));
	for (size_t i = 0; i < ARRAY_SIZE(expected); i++)
		assert_int_equal(cases.item[i].size_bytes, expected[i]);
	assert_int_equal(cases.item[0].gfp, GFP(GFP_KERNEL) | GFP(__GFP_NOWARN));
	sweep_cases_free(&cases);
}

static void test_orders_syntax(void **state)
{
	static const uint32_t expected[] = { 3, 4, 5, 9, 10, 10, 12 };
	struct sweep_cases cases;

	(void)state;
	expand_ok("[g]\nallocators = __get_free_pages alloc_pages\n"
		  "orders = 3..5 max-1..max, max max+2\ngfp = GFP_NOWAIT\n"
		  "patterns = pair\n", &cases);
	assert_int_equal(cases.count, 2 * ARRAY_SIZE(expected));
	for (size_t i = 0; i < ARRAY_SIZE(expected); i++) {
		assert_int_equal(cases.item[i].order, expected[i]);
		assert_int_equal(cases.item[i].allocator,
				 KAB_ALLOC___get_free_pages);
		assert_int_equal(cases.item[i].size_bytes, 0);
	}
	sweep_cases_free(&cases);
}

static void test_contexts_and_cross_product_order(void **state)
{
	struct sweep_cases cases;

	(void)state;
	expand_ok("[g]\nallocators = kmalloc vmalloc\nsizes = 8 16\n"
		  "gfp = GFP_KERNEL GFP_ATOMIC\ncontexts = process\n"
		  "patterns = pair batch\nbatch = 2\n", &cases);
	assert_int_equal(cases.count, 16);
	/* allocator outermost, then size, gfp, context, pattern */
	assert_case(&cases.item[1], KAB_ALLOC_kmalloc, 8, 0, GFP(GFP_KERNEL),
		    KAB_PATTERN_batch, 2, SWEEP_DEFAULT_ITERATIONS);
	assert_case(&cases.item[2], KAB_ALLOC_kmalloc, 8, 0, GFP(GFP_ATOMIC),
		    KAB_PATTERN_pair, 0, SWEEP_DEFAULT_ITERATIONS);
	assert_case(&cases.item[4], KAB_ALLOC_kmalloc, 16, 0, GFP(GFP_KERNEL),
		    KAB_PATTERN_pair, 0, SWEEP_DEFAULT_ITERATIONS);
	assert_case(&cases.item[8], KAB_ALLOC_vmalloc, 8, 0, GFP(GFP_KERNEL),
		    KAB_PATTERN_pair, 0, SWEEP_DEFAULT_ITERATIONS);
	sweep_cases_free(&cases);
}

static void assert_frag(const struct sweep_case *one, const char *label,
			int kind, bool recorded, enum kab_allocator allocator)
{
	assert_string_equal(one->frag.label, label);
	assert_int_equal(one->frag_kind, kind);
	assert_int_equal(one->frag_recorded, recorded);
	assert_int_equal(one->allocator, allocator);
}

/*
 * Levels and kinds cross like the other lists, none once without a kind;
 * the cases of one state are adjacent, those without recorded levels
 * first, then each state in the order it first appears.
 */
static void test_frag_levels_expand_and_group(void **state)
{
	struct sweep_cases cases;

	(void)state;
	expand_ok("[sweep]\nfrag_cap_permille = 300\nmemory_mb = 4096\n"
		  "[pages]\nallocators = alloc_pages\norders = 9\ngfp = GFP_KERNEL\npatterns = pair\n"
		  "frag_levels = none heavy 50:8\nfrag_kinds = unmovable movable\n"
		  "[plain]\nallocators = kmalloc\nsizes = 64\ngfp = GFP_KERNEL\npatterns = pair\n"
		  "[slab]\nallocators = vmalloc\nsizes = 64K\ngfp = GFP_KERNEL\npatterns = pair\n"
		  "frag_levels = heavy\n", &cases);
	assert_int_equal(cases.count, 7);
	assert_frag(&cases.item[0], "none", SWEEP_NO_FRAG_KIND, false,
		    KAB_ALLOC_kmalloc);
	assert_frag(&cases.item[1], "none", SWEEP_NO_FRAG_KIND, true,
		    KAB_ALLOC_alloc_pages);
	assert_frag(&cases.item[2], "heavy", KAB_FRAG_unmovable, true,
		    KAB_ALLOC_alloc_pages);
	/* the default kind is unmovable: vmalloc joins the same state */
	assert_frag(&cases.item[3], "heavy", KAB_FRAG_unmovable, true,
		    KAB_ALLOC_vmalloc);
	assert_frag(&cases.item[4], "heavy", KAB_FRAG_movable, true,
		    KAB_ALLOC_alloc_pages);
	assert_frag(&cases.item[5], "50:8", KAB_FRAG_unmovable, true,
		    KAB_ALLOC_alloc_pages);
	assert_int_equal(cases.item[5].frag.touch_permille, 500);
	assert_int_equal(cases.item[5].frag.keep_every, 8);
	assert_frag(&cases.item[6], "50:8", KAB_FRAG_movable, true,
		    KAB_ALLOC_alloc_pages);
	assert_int_equal(cases.item[2].frag.touch_permille,
			 kab_frag_levels[KAB_NR_FRAG_LEVELS - 1].touch_permille);
	assert_true(sweep_same_frag(&cases.item[2], &cases.item[3]));
	assert_false(sweep_same_frag(&cases.item[3], &cases.item[4]));
	assert_false(sweep_same_frag(&cases.item[0], &cases.item[1]));
	sweep_cases_free(&cases);
}

static void test_frag_settings(void **state)
{
	struct sweep_error err;
	struct sweep sweep;

	(void)state;
	assert_int_equal(parse_sweep_text("[sweep]\nfrag_cap_permille = 500\n"
					  "memory_mb = 4096\n[g]\nallocators = kmalloc\n"
					  "sizes = 64\ngfp = GFP_KERNEL\npatterns = pair\n", &sweep, &err), 0);
	assert_int_equal(sweep_setting(&sweep, &sweep.group[0],
				       SWEEP_KEY_frag_cap_permille, NULL), 500);
	assert_int_equal(sweep_setting(&sweep, &sweep.group[0],
				       SWEEP_KEY_memory_mb, NULL), 4096);
	sweep_free(&sweep);
}

static void test_description_continues(void **state)
{
	struct sweep_error err;
	struct sweep sweep;

	(void)state;
	assert_int_equal(parse_sweep_text("[sweep]\ndescription = one\n  two\n"
					  "[g]\nallocators = kmalloc\nsizes = 8\n"
					  "gfp = GFP_KERNEL\npatterns = pair\n",
					  &sweep, &err), 0);
	assert_string_equal(sweep.header.description, "one two");
	sweep_free(&sweep);
}

/* A sweep that parses but cannot be resolved against x86_64_info. */
struct expand_error_case {
	const char *text;
	unsigned line;
	const char *message;
};

static const struct expand_error_case expand_errors[] = {
	{ "[g]\nkind = access\nallocators = vmalloc\nsizes = 4K\n"
	  "patterns = random\npasses = 99999999999\n", 6,
	  "passes = 99999999999 is above this kernel's max_iterations" },
	{ "[g]\nallocators = kmalloc\ngfp = GFP_KERNEL\npatterns = pair\n"
	  "sizes = 64 kmalloc_max-8M\n", 5, "kmalloc_max-8388608 is out of range" },
	{ "[g]\nallocators = kmalloc\ngfp = GFP_KERNEL\npatterns = pair\n"
	  "sizes = 8M..kmalloc_max\n", 5, "starts above its end on this kernel" },
	{ "[g]\nallocators = alloc_pages\ngfp = GFP_KERNEL\npatterns = pair\n\n"
	  "orders = max+60\n", 6, "max+60 is out of range" },
	{ "[g]\nallocators = alloc_pages\ngfp = GFP_KERNEL\npatterns = pair\n"
	  "orders = 12..max\n", 5, "starts above its end" },
	{ "[g]\nallocators = kmalloc\ngfp = GFP_KERNEL\npatterns = pair\n"
	  "sizes = kmalloc_max-4M..8\n", 5, "range from 0 cannot double" },
	{ "[sweep]\niterations = 1000001\n[g]\nallocators = kmalloc\n"
	  "gfp = GFP_KERNEL\npatterns = pair\nsizes = 8\n", 2,
	  "iterations = 1000001 is above this kernel's max_iterations, 1000000" },
	{ "[g]\nallocators = kmalloc\ngfp = GFP_KERNEL\npatterns = pair\n"
	  "sizes = 8\nwarmup = 2000000\n", 6,
	  "warmup = 2000000 is above this kernel's max_iterations" },
};

/* The built-in default above a (tiny) limit names the group's line. */
static void test_default_iterations_above_limit(void **state)
{
	struct kab_info small = x86_64_info;
	struct sweep_cases cases;
	struct sweep_error err;
	struct sweep sweep;

	(void)state;
	small.max_iterations = 500;
	assert_int_equal(parse_sweep_text("[sweep]\n[g]\nallocators = kmalloc\n"
					  "gfp = GFP_KERNEL\npatterns = pair\n"
					  "sizes = 8\n", &sweep, &err), 0);
	assert_int_equal(sweep_expand(&sweep, &small, &cases, &err), -1);
	assert_int_equal(err.line, 2);
	assert_string_equal(err.message, "group [g]: the default iterations, "
			    "1000, is above this kernel's max_iterations, 500");
	assert_int_equal(cases.count, 0);
	sweep_cases_free(&cases);
	sweep_free(&sweep);
}

static void test_range_values(void **state)
{
	static const struct sweep_axis unbounded = {
		"order", "max", false, false, UINT64_MAX,
	};

	(void)state;
	assert_int_equal(sweep_range_values(&sweep_order_axis, 0, 63), 64);
	assert_int_equal(sweep_range_values(&sweep_size_axis, 8, 4 << 20), 20);
	assert_int_equal(sweep_range_values(&sweep_size_axis, 1, UINT64_MAX), 64);
	/* counted, never expanded: no billions of values */
	assert_int_equal(sweep_range_values(&unbounded, 0, 4000000000ULL),
			 4000000001ULL);
	assert_int_equal(sweep_range_values(&unbounded, 0, UINT64_MAX), SIZE_MAX);
	assert_true(sweep_range_values(&unbounded, 0, SWEEP_MAX_RANGE_VALUES) >
		    SWEEP_MAX_RANGE_VALUES);
}

/* "sizes =" alone, the list on the indented lines below it. */
static void test_list_on_continuation_lines(void **state)
{
	static const uint64_t expected[] = { 64, 128, 4096 };
	struct sweep_cases cases;

	(void)state;
	expand_ok("[g]\nallocators = kmalloc\nsizes =\n  64 128\n\t4K\n"
		  "gfp =\n  GFP_KERNEL\npatterns = pair\n", &cases);
	assert_int_equal(cases.count, ARRAY_SIZE(expected));
	for (size_t i = 0; i < ARRAY_SIZE(expected); i++)
		assert_int_equal(cases.item[i].size_bytes, expected[i]);
	assert_int_equal(cases.item[0].gfp, GFP(GFP_KERNEL));
	sweep_cases_free(&cases);
}

static void test_expand_errors(void **state)
{
	struct sweep_cases cases;
	struct sweep_error err;
	struct sweep sweep;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(expand_errors); i++) {
		const struct expand_error_case *e = &expand_errors[i];

		assert_int_equal(parse_sweep_text(e->text, &sweep, &err), 0);
		assert_int_equal(sweep_expand(&sweep, &x86_64_info, &cases, &err), -1);
		assert_int_equal(err.line, e->line);
		if (!strstr(err.message, e->message))
			fail_msg("'%s' lacks '%s'", err.message, e->message);
		sweep_cases_free(&cases);
		sweep_free(&sweep);
	}
}

/* An access group: allocators x sizes x access patterns, passes from
 * [sweep] unless the group sets its own, beside an allocation group. */
static void test_access_group_expands(void **state)
{
	struct sweep_cases cases;

	(void)state;
	expand_ok("[sweep]\npasses = 3\nrepetitions = 2\n"
		  "[a]\nkind = access\nallocators = vmalloc alloc_pages\n"
		  "sizes = 4K..16K, kmalloc_max\npatterns = random sequential\n"
		  "[b]\nallocators = kmalloc\nsizes = 64\ngfp = GFP_KERNEL\n"
		  "patterns = pair\n"
		  "[c]\nkind = access\nallocators = kmalloc\nsizes = 4K\n"
		  "patterns = per_page\npasses = 7\nhyperfine = 10\n", &cases);
	assert_int_equal(cases.count, 2 * 4 * 2 + 1 + 1);
	assert_int_equal(cases.item[0].kind, SWEEP_KIND_access);
	assert_int_equal(cases.item[0].allocator, KAB_ALLOC_vmalloc);
	assert_int_equal(cases.item[0].size_bytes, 4096);
	assert_int_equal(cases.item[0].walk, KAB_ACCESS_random);
	assert_int_equal(cases.item[1].walk, KAB_ACCESS_sequential);
	assert_int_equal(cases.item[0].passes, 3);
	assert_int_equal(cases.item[0].repetitions, 2);
	assert_int_equal(cases.item[6].size_bytes, x86_64_info.kmalloc_max_size);
	assert_int_equal(cases.item[8].allocator, KAB_ALLOC_alloc_pages);
	assert_int_equal(cases.item[16].kind, SWEEP_KIND_alloc);
	assert_int_equal(cases.item[17].kind, SWEEP_KIND_access);
	assert_int_equal(cases.item[17].walk, KAB_ACCESS_per_page);
	assert_int_equal(cases.item[17].passes, 7);
	assert_int_equal(cases.item[17].hyperfine_runs, 10);
	assert_int_equal(cases.item[0].hyperfine_runs, 0);
	sweep_cases_free(&cases);
}

/* Every parse error: the sweep text, the line reported, part of the text. */
struct parse_error_case {
	const char *name;
	const char *text;
	unsigned line;
	const char *message;
};

#define GROUP_TAIL "gfp = GFP_KERNEL\npatterns = pair\n"

static const struct parse_error_case parse_errors[] = {
	{ "cpus of 0", "[g]\nallocators = kmalloc\ncpus = 1 0\n", 3,
	  "cpus takes numbers of CPUs from 1 to 256 or all, not '0'" },
	{ "cpus beyond the module's bound", "[g]\nallocators = kmalloc\ncpus = 257\n",
	  3, "not '257'" },
	{ "cpus by a bad word", "[g]\nallocators = kmalloc\ncpus = every\n", 3,
	  "not 'every'" },
	{ "bulk of 0", "[g]\nallocators = kmem_cache_alloc_bulk\nbulk = 8 0\n",
	  3, "bulk takes objects per call from 1 to 1024, not '0'" },
	{ "bulk beyond the module's bound",
	  "[g]\nallocators = kmem_cache_alloc_bulk\nbulk = 1025\n", 3,
	  "not '1025'" },
	{ "bulk in [sweep]", "[sweep]\nbulk = 8\n", 2,
	  "unknown key 'bulk' in [sweep]" },
	{ "unknown caches", "[g]\nallocators = kmem_cache_alloc\ncaches = mine\n",
	  3, "unknown caches 'mine' (known: shared per_cpu)" },
	{ "unknown group key", "[g]\nallocators = kmalloc\nsizez = 64\n",
	  3, "unknown key 'sizez' in group [g] (known: iterations" },
	{ "unknown [sweep] key", "[sweep]\nname = x\nallocators = kmalloc\n",
	  3, "unknown key 'allocators' in [sweep] (known: name description" },
	{ "group-only metadata", "[g]\nname = x\n", 2,
	  "unknown key 'name' in group [g]" },
	{ "key before any section", "iterations = 5\n[g]\n", 1,
	  "'iterations' comes before any [section]" },
	{ "unknown allocator", "[g]\nallocators = kmalloc kmallok\n", 2,
	  "unknown allocator 'kmallok' (known: kmalloc kzalloc" },
	{ "unknown GFP flag", "[g]\ngfp = GFP_KERNEL|__GFP_ZER0\n", 2,
	  "unknown GFP flag '__GFP_ZER0' (known: GFP_KERNEL" },
	{ "no base mask", "[g]\ngfp = GFP_KERNEL, __GFP_ZERO|__GFP_NOWARN\n", 2,
	  "GFP mask '__GFP_ZERO|__GFP_NOWARN' has no base mask" },
	{ "two base masks", "[g]\ngfp = GFP_KERNEL|GFP_ATOMIC\n", 2,
	  "GFP mask 'GFP_KERNEL|GFP_ATOMIC' has more than one base mask" },
	{ "empty flag", "[g]\ngfp = GFP_KERNEL||__GFP_ZERO\n", 2,
	  "empty flag in GFP mask" },
	{ "repeated flag", "[g]\ngfp = GFP_KERNEL|__GFP_ZERO|__GFP_ZERO\n", 2,
	  "GFP flag __GFP_ZERO twice" },
	{ "unknown pattern", "[g]\npatterns = pair bunch\n", 2,
	  "unknown pattern 'bunch' (known: pair batch remote_free; with kind = access: "
	  "sequential per_page random)" },
	{ "access pattern in an allocation group",
	  "[g]\nallocators = kmalloc\nsizes = 4K\ngfp = GFP_KERNEL\n"
	  "patterns = pair random\n", 5, "pattern random needs kind = access" },
	{ "passes in an allocation group",
	  "[g]\nallocators = kmalloc\nsizes = 4K\ngfp = GFP_KERNEL\n"
	  "patterns = pair\npasses = 2\n", 6,
	  "passes applies to kind = access only" },
	{ "unknown kind", "[g]\nkind = walk\n", 2,
	  "unknown kind 'walk' (known: alloc access)" },
	{ "two kinds", "[g]\nkind = access alloc\nallocators = kmalloc\n",
	  2, "kind takes one value" },
	{ "allocation pattern in an access group",
	  "[g]\nkind = access\nallocators = vmalloc\nsizes = 4K\n"
	  "patterns = random pair\n", 5, "pattern pair is not an access pattern" },
	{ "allocator without an access benchmark",
	  "[g]\nkind = access\nallocators = vmalloc kzalloc\nsizes = 4K\n"
	  "patterns = random\n", 3, "kzalloc has no access benchmark (known: "
	  "kmalloc vmalloc vmalloc_huge kvmalloc alloc_pages)" },
	{ "gfp in an access group",
	  "[g]\nkind = access\nallocators = vmalloc\nsizes = 4K\n"
	  "patterns = random\ngfp = GFP_KERNEL\n", 6,
	  "'gfp' does not apply to kind = access" },
	{ "two keys an access group does not take: the earlier named",
	  "[g]\nkind = access\nallocators = vmalloc\nwarmup = 5\nsizes = 4K\n"
	  "gfp = GFP_KERNEL\npatterns = random\n", 4,
	  "'warmup' does not apply to kind = access" },
	{ "access group without sizes",
	  "[g]\nkind = access\nallocators = alloc_pages\npatterns = random\n",
	  1, "group [g] has no sizes" },
	{ "zero passes", "[sweep]\npasses = 0\n", 2,
	  "passes must be at least 1" },
	{ "hyperfine in an allocation group",
	  "[g]\nallocators = kmalloc\nsizes = 4K\ngfp = GFP_KERNEL\n"
	  "patterns = pair\nhyperfine = 5\n", 6,
	  "hyperfine applies to kind = access only" },
	{ "hyperfine in [sweep]", "[sweep]\nhyperfine = 5\n", 2,
	  "unknown key 'hyperfine' in [sweep]" },
	{ "unknown context", "[g]\ncontexts = nmi\n", 2,
	  "unknown context 'nmi' (known: process preempt_off spinlock irq_off "
	  "softirq hardirq)" },
	{ "atomic limit above the module's", "[sweep]\natomic_limit_us = 10001\n",
	  2, "" },
	{ "bad size", "[g]\n\nsizes = 64 big\n", 3, "bad number 'big'" },
	{ "bad size suffix", "[g]\nsizes = 4Q\n", 2,
	  "bad size suffix in '4Q'" },
	{ "two suffix letters", "[g]\nsizes = 4KB\n", 2,
	  "bad size suffix in '4KB'" },
	{ "bad symbol offset", "[g]\nsizes = kmalloc_max+x\n", 2,
	  "bad number 'kmalloc_max+x'" },
	{ "suffix on an order", "[g]\norders = max-1K\n", 2,
	  "bad number 'max-1K'" },
	{ "bad number", "[sweep]\niterations = 12abc\n", 2,
	  "bad number '12abc'" },
	{ "negative number", "[sweep]\nwarmup = -1\n", 2, "bad number '-1'" },
	{ "size overflow", "[g]\nsizes = 18446744073709551616\n", 2,
	  "'18446744073709551616' does not fit in 64 bits" },
	{ "suffix overflow", "[g]\nsizes = 17179869184G\n", 2,
	  "'17179869184G' does not fit in 64 bits" },
	{ "order above 63", "[g]\norders = 64\n", 2,
	  "'64' is above 63, the largest order" },
	{ "order range typo", "[g]\n\norders = 0..4000000000\n", 3,
	  "'4000000000' is above 63, the largest order" },
	{ "symbolic order above 63", "[g]\norders = max+64\n", 2,
	  "'max+64' is above 63" },
	{ "order overflow", "[g]\norders = 18446744073709551616\n", 2,
	  "'18446744073709551616' does not fit in 64 bits" },
	{ "iterations overflow", "[g]\niterations = 99999999999999999999\n", 2,
	  "'99999999999999999999' does not fit in 64 bits" },
	{ "time limit above its largest", "[sweep]\ntime_limit_ms = 18446744073710\n", 2,
	  "time_limit_ms = 18446744073710 is above the largest allowed, 18446744073709" },
	{ "batch above its largest", "[g]\nbatch = 4294967296\n", 2,
	  "batch = 4294967296 is above the largest allowed, 4294967295" },
	{ "atomic limit above its largest", "[sweep]\natomic_limit_us = 10001\n", 2,
	  "atomic_limit_us = 10001 is above the largest allowed, 10000" },
	{ "empty list", "[g]\nallocators = kmalloc\nsizes =\n", 3,
	  "empty list for 'sizes'" },
	{ "list of separators", "[g]\npatterns = , ,\n", 2,
	  "empty list for 'patterns'" },
	{ "range going down", "[g]\nsizes = 64..8\n", 2,
	  "range '64..8' starts above its end" },
	{ "symbolic range going down", "[g]\norders = max..max-1\n", 2,
	  "range 'max..max-1' starts above its end" },
	{ "doubling from 0", "[g]\nsizes = 0..64\n", 2,
	  "range '0..64' cannot double from 0" },
	{ "doubling from 0 to the kernel's maximum",
	  "[g]\nsizes = 8 0..kmalloc_max\n", 2,
	  "range '0..kmalloc_max' cannot double from 0" },
	{ "empty list at the end of the file",
	  "[g]\nallocators = kmalloc\ngfp = GFP_KERNEL\npatterns = pair\n"
	  "sizes =\n", 5, "empty list for 'sizes'" },
	{ "empty list, next key unindented",
	  "[g]\nallocators =\ngfp = GFP_KERNEL\n[h]\n", 2,
	  "empty list for 'allocators'" },
	{ "empty list in a group before a later error",
	  "[g]\ngfp =\n[h]\nallocators = bogus\n", 2,
	  "empty list for 'gfp'" },
	{ "batch pattern without batch",
	  "[g]\nallocators = kmalloc\nsizes = 8\ngfp = GFP_KERNEL\n"
	  "patterns = pair batch\n", 5,
	  "the batch pattern needs batch = N, in group [g] or [sweep]" },
	{ "batch 0 in the group",
	  "[g]\nallocators = kmalloc\nsizes = 8\ngfp = GFP_KERNEL\n"
	  "patterns = batch\nbatch = 0\n", 6,
	  "batch must be at least 1 for the batch pattern (group [g])" },
	{ "batch 0 from [sweep]",
	  "[sweep]\nbatch = 0\n[g]\nallocators = kmalloc\nsizes = 8\n"
	  "gfp = GFP_KERNEL\npatterns = batch\n", 2,
	  "batch must be at least 1" },
	{ "duplicate key", "[g]\nsizes = 8\nallocators = kmalloc\nsizes = 16\n",
	  4, "duplicate key 'sizes' (first set on line 2)" },
	{ "group without allocators", "[g]\nsizes = 8\n" GROUP_TAIL, 1,
	  "group [g] has no allocators" },
	{ "group without gfp",
	  "[sweep]\n[g]\nallocators = kmalloc\nsizes = 8\npatterns = pair\n", 2,
	  "group [g] has no gfp" },
	{ "group without patterns",
	  "[g]\nallocators = kmalloc\nsizes = 8\ngfp = GFP_KERNEL\n", 1,
	  "group [g] has no patterns" },
	{ "empty group", "[g]\n[h]\nallocators = kmalloc\n", 1,
	  "group [g] has no allocators" },
	{ "group without sizes", "[a]\nallocators = kmalloc\nsizes = 8\n"
	  GROUP_TAIL "[b]\nallocators = kzalloc\n" GROUP_TAIL, 6,
	  "group [b] has no sizes" },
	{ "group without orders", "[g]\nallocators = alloc_pages\n" GROUP_TAIL,
	  1, "group [g] has no orders" },
	{ "orders for size-based allocators",
	  "[g]\nallocators = kmalloc\nsizes = 8\norders = 0\n" GROUP_TAIL, 4,
	  "orders given for kmalloc, which take sizes" },
	{ "sizes for order-based allocators",
	  "[g]\nallocators = alloc_pages\nsizes = 8\norders = 0\n" GROUP_TAIL,
	  3, "sizes given for alloc_pages, which take orders" },
	{ "mixed allocator kinds",
	  "[g]\nallocators = kmalloc alloc_pages\nsizes = 8\n" GROUP_TAIL, 2,
	  "mixes size-based and order-based allocators (kmalloc and alloc_pages)" },
	{ "iterations 0", "[sweep]\niterations = 0\n", 2,
	  "iterations must be at least 1" },
	{ "repetitions 0", "[g]\nrepetitions = 0\n", 2,
	  "repetitions must be at least 1" },
	{ "number continued", "[sweep]\niterations = 5\n  6\n", 3,
	  "'iterations' takes a single number" },
	{ "malformed line", "[g]\nallocators = kmalloc\nsizes 8\n", 3,
	  "malformed line" },
	{ "unclosed section", "[sweep]\nname = x\n[g\n", 3, "malformed line" },
	{ "malformed line before a handler error",
	  "[g]\njunk\nallocators = bogus\n", 2, "malformed line" },
	{ "duplicate group", "[g]\n" "allocators = kmalloc\n[g]\n", 3,
	  "duplicate group [g] (first on line 1)" },
	{ "duplicate [sweep]", "[sweep]\n[g]\n[sweep]\n", 3,
	  "duplicate section [sweep] (first on line 1)" },
	{ "empty section name", "[]\n", 1, "empty section name" },
	{ "no groups", "[sweep]\nname = x\n", 1,
	  "the sweep has no groups to measure" },
	{ "tracepoint in upper case", "[sweep]\nevents = page-faults kmem:MM_page_alloc\n",
	  2, "bad counter 'kmem:MM_page_alloc': is not a tracepoint" },
	{ "tracepoint without event", "[sweep]\nevents = page-faults\n  kmem:\n",
	  3, "bad counter 'kmem:': is not a tracepoint" },
	{ "tracepoint with two colons", "[sweep]\nevents = a:b:c\n",
	  2, "bad counter 'a:b:c'" },
	{ "counter not a token", "[sweep]\nevents = cycles page*faults\n",
	  2, "bad counter 'page*faults': may hold only" },
	{ "counter from a digit", "[sweep]\nevents = 1cycles\n",
	  2, "bad counter '1cycles': must start with a letter" },
	{ "misspelt perf event", "[sweep]\nevents = cycles\n  cycels\n",
	  3, "counter 'cycels': unknown event (libpfm4: event not found); "
	  "`kallocbench events` lists what this machine counts" },
	{ "counter twice", "[sweep]\nevents = cycles, cycles\n",
	  2, "counter 'cycles' listed twice" },
	{ "counter named as a column", "[sweep]\nevents = status\n",
	  2, "counter 'status' has the name of a cases.csv column" },
	{ "empty events", "[sweep]\nevents =\n[g]\n",
	  2, "empty list for 'events'" },
	{ "events in a group", "[g]\nevents = cycles\n",
	  2, "unknown key 'events' in group [g]" },
	{ "unknown fragmentation level",
	  "[g]\nallocators = kmalloc\nsizes = 64\nfrag_levels = none severe\n",
	  4, "unknown fragmentation level 'severe' (known: none light medium heavy, or P:K" },
	{ "numeric level touching nothing", "[g]\nfrag_levels = 0:16\n",
	  2, "fragmentation level '0:16': touch 1 to 100%" },
	{ "numeric level above 100%", "[g]\nfrag_levels = 101:16\n",
	  2, "fragmentation level '101:16': touch 1 to 100%" },
	{ "numeric level keeping every page", "[g]\nfrag_levels = 50:1\n",
	  2, "fragmentation level '50:1': keep every K-th page, K a power of two from 2 to 1024" },
	{ "numeric level keeping too few", "[g]\nfrag_levels = 50:2048\n",
	  2, "K a power of two from 2 to 1024" },
	{ "numeric level, spacing not a power of two", "[g]\nfrag_levels = 50:12\n",
	  2, "K a power of two" },
	{ "numeric level, not numbers", "[g]\nfrag_levels = half:16\n",
	  2, "unknown fragmentation level 'half:16'" },
	{ "unknown fragmentation kind",
	  "[g]\nfrag_levels = heavy\nfrag_kinds = movable pinned\n",
	  3, "unknown fragmentation kind 'pinned' (known: unmovable movable)" },
	{ "empty frag_levels", "[g]\nfrag_levels =\n[h]\n",
	  2, "empty list for 'frag_levels'" },
	{ "frag_kinds without frag_levels",
	  "[g]\nallocators = kmalloc\nsizes = 64\n" GROUP_TAIL
	  "frag_kinds = movable\n", 6, "frag_kinds needs frag_levels in group [g]" },
	{ "frag_levels in [sweep]", "[sweep]\nfrag_levels = heavy\n",
	  2, "unknown key 'frag_levels' in [sweep]" },
	{ "cap above the hard maximum", "[sweep]\nfrag_cap_permille = 501\n",
	  2, "frag_cap_permille = 501 is above the largest allowed, 500" },
	{ "cap of 0", "[sweep]\nfrag_cap_permille = 0\n",
	  2, "frag_cap_permille must be at least 1" },
	{ "memory_mb too small", "[sweep]\nmemory_mb = 128\n",
	  2, "memory_mb must be at least 256" },
	{ "memory_mb in a group", "[g]\nmemory_mb = 2048\n",
	  2, "unknown key 'memory_mb' in group [g]" },
	{ "line too long",
	  "[g]\nallocators = kmalloc kmalloc kmalloc kmalloc kmalloc kmalloc "
	  "kmalloc kmalloc kmalloc kmalloc kmalloc kmalloc kmalloc kmalloc "
	  "kmalloc kmalloc kmalloc kmalloc kmalloc kmalloc kmalloc kmalloc "
	  "kmalloc kmalloc\n", 2, "line longer than 198 characters" },
};

/*
 * cpus: innermost but for caches, in its order; all is the INFO's online
 * CPUs. caches: a list for a cache's rows on several CPUs; kmalloc, and
 * one CPU, run once, shared, as does a group without it.
 */
static void test_cpus_expand(void **state)
{
	static const char text[] =
		"[g]\nallocators = kmalloc\nsizes = 64\n" GROUP_TAIL
		"cpus = 2 all 1\ncaches = per_cpu shared\n\n"
		"[h]\nallocators = kmalloc\nsizes = 64\n" GROUP_TAIL "\n"
		"[c]\nallocators = kmem_cache_alloc\nsizes = 64\n" GROUP_TAIL
		"cpus = 1 2\ncaches = per_cpu shared\n";
	static const uint32_t caches[] = {
		KAB_CACHES_shared, KAB_CACHES_shared, KAB_CACHES_shared,
		KAB_CACHES_shared, KAB_CACHES_shared, KAB_CACHES_per_cpu,
		KAB_CACHES_shared,
	};
	struct kab_info info = x86_64_info;
	struct sweep_cases cases;
	struct sweep_error err;
	struct sweep sweep;

	(void)state;
	info.online_cpus = 4;
	assert_int_equal(parse_sweep_text(text, &sweep, &err), 0);
	assert_int_equal(sweep_expand(&sweep, &info, &cases, &err), 0);
	assert_int_equal(cases.count, 7);
	assert_int_equal(cases.item[0].cpus, 2);
	assert_int_equal(cases.item[1].cpus, 4);
	assert_int_equal(cases.item[2].cpus, 1);
	/* A group without cpus runs on one. */
	assert_int_equal(cases.item[3].cpus, 1);
	assert_int_equal(cases.item[4].cpus, 1);
	assert_int_equal(cases.item[5].cpus, 2);
	assert_int_equal(cases.item[6].cpus, 2);
	for (size_t i = 0; i < cases.count; i++)
		assert_int_equal(cases.item[i].caches, caches[i]);
	sweep_cases_free(&cases);
	sweep_free(&sweep);
}

/*
 * bulk: a list, each value a case of a bulk allocator only (the others in
 * the group run once, with none); a bulk allocator without it takes 1.
 * By order too: alloc_pages_bulk takes the list, alloc_pages runs once.
 */
static void test_bulk_expand(void **state)
{
	static const char text[] =
		"[g]\nallocators = kmalloc kmem_cache_alloc_bulk\n"
		"sizes = 64 256\n" GROUP_TAIL "bulk = 16 1 250\n\n"
		"[h]\nallocators = kmem_cache_alloc_bulk\nsizes = 64\n"
		GROUP_TAIL "\n[p]\nallocators = alloc_pages alloc_pages_bulk\n"
		"orders = 0\n" GROUP_TAIL "bulk = 8 64\n";
	static const struct {
		uint32_t allocator;
		uint64_t size_bytes;
		uint32_t bulk;
	} expected[] = {
		{ KAB_ALLOC_kmalloc, 64, 0 },
		{ KAB_ALLOC_kmalloc, 256, 0 },
		{ KAB_ALLOC_kmem_cache_alloc_bulk, 64, 16 },
		{ KAB_ALLOC_kmem_cache_alloc_bulk, 256, 16 },
		{ KAB_ALLOC_kmem_cache_alloc_bulk, 64, 1 },
		{ KAB_ALLOC_kmem_cache_alloc_bulk, 256, 1 },
		{ KAB_ALLOC_kmem_cache_alloc_bulk, 64, 250 },
		{ KAB_ALLOC_kmem_cache_alloc_bulk, 256, 250 },
		{ KAB_ALLOC_kmem_cache_alloc_bulk, 64, 1 },
		{ KAB_ALLOC_alloc_pages, 0, 0 },
		{ KAB_ALLOC_alloc_pages_bulk, 0, 8 },
		{ KAB_ALLOC_alloc_pages_bulk, 0, 64 },
	};
	struct sweep_cases cases;
	struct sweep_error err;
	struct sweep sweep;

	(void)state;
	assert_int_equal(parse_sweep_text(text, &sweep, &err), 0);
	assert_int_equal(sweep_expand(&sweep, &x86_64_info, &cases, &err), 0);
	assert_int_equal(cases.count, sizeof(expected) / sizeof(expected[0]));
	for (size_t i = 0; i < cases.count; i++) {
		assert_int_equal(cases.item[i].allocator, expected[i].allocator);
		assert_int_equal(cases.item[i].size_bytes,
				 expected[i].size_bytes);
		assert_int_equal(cases.item[i].bulk, expected[i].bulk);
	}
	sweep_cases_free(&cases);
	sweep_free(&sweep);
}

static void test_parse_error(void **state)
{
	const struct parse_error_case *e = *state;
	struct sweep_error err;
	struct sweep sweep;

	assert_int_equal(parse_sweep_text(e->text, &sweep, &err), -1);
	if (err.line != e->line || !strstr(err.message, e->message))
		fail_msg("%s: got line %u '%s', want line %u '%s'", e->name,
			 err.line, err.message, e->line, e->message);
	sweep_free(&sweep);
}

static void test_events(void **state)
{
	struct sweep_error err;
	struct sweep sweep;
	const struct sweep_names *events;

	(void)state;
	assert_int_equal(parse_sweep_text(
		"[sweep]\n"
		"events = page-faults, context-switches cycles\n"
		"  dTLB-load-misses PERF_COUNT_HW_CACHE_DTLB:READ:MISS\n"
		"  kmem:mm_page_alloc tlb:tlb_flush\n"
		"[g]\nallocators = kmalloc\nsizes = 64\n" GROUP_TAIL,
		&sweep, &err), 0);
	events = &sweep.header.events;
	assert_int_equal(events->count, 7);
	assert_string_equal(events->name[0], "page-faults");
	assert_string_equal(events->name[1], "context-switches");
	assert_string_equal(events->name[3], "dTLB-load-misses");
	assert_string_equal(events->name[4], "PERF_COUNT_HW_CACHE_DTLB:READ:MISS");
	assert_string_equal(events->name[6], "tlb:tlb_flush");
	sweep_free(&sweep);
	/* Absent: none. */
	assert_int_equal(parse_sweep_text(
		"[g]\nallocators = kmalloc\nsizes = 64\n" GROUP_TAIL,
		&sweep, &err), 0);
	assert_int_equal(sweep.header.events.count, 0);
	sweep_free(&sweep);
	assert_null(sweep_event_name_problem("kmem:mm_page_alloc"));
	assert_null(sweep_event_name_problem("L1-dcache-load-misses"));
	assert_non_null(sweep_event_name_problem(""));
	assert_non_null(sweep_event_name_problem("kmem:mm_page_alloc,"));
}

static void test_missing_file(void **state)
{
	struct sweep_error err;
	struct sweep sweep;

	(void)state;
	assert_int_equal(sweep_parse_file("/nonexistent/x.conf", &sweep, &err), -1);
	assert_int_equal(err.line, 0);
	assert_non_null(strstr(err.message, "cannot open"));
	assert_string_equal(sweep.path, "/nonexistent/x.conf");
	sweep_free(&sweep);
}

int main(void)
{
	const struct CMUnitTest fixed[] = {
		cmocka_unit_test(test_example_expands),
		cmocka_unit_test(test_example_metadata_and_count),
		cmocka_unit_test(test_defaults_without_sweep_section),
		cmocka_unit_test(test_group_overrides_and_inherits),
		cmocka_unit_test(test_sheaf_capacity_overrides_and_inherits),
		cmocka_unit_test(test_node_is_for_node_allocators),
		cmocka_unit_test(test_sizes_syntax),
		cmocka_unit_test(test_orders_syntax),
		cmocka_unit_test(test_contexts_and_cross_product_order),
		cmocka_unit_test(test_frag_levels_expand_and_group),
		cmocka_unit_test(test_frag_settings),
		cmocka_unit_test(test_description_continues),
		cmocka_unit_test(test_expand_errors),
		cmocka_unit_test(test_default_iterations_above_limit),
		cmocka_unit_test(test_range_values),
		cmocka_unit_test(test_list_on_continuation_lines),
		cmocka_unit_test(test_events),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_access_group_expands),
		cmocka_unit_test(test_cpus_expand),
		cmocka_unit_test(test_bulk_expand),
	};
	struct CMUnitTest tests[ARRAY_SIZE(fixed) + ARRAY_SIZE(parse_errors)];
	size_t count = 0;

	for (size_t i = 0; i < ARRAY_SIZE(fixed); i++)
		tests[count++] = fixed[i];
	for (size_t i = 0; i < ARRAY_SIZE(parse_errors); i++)
		tests[count++] = (struct CMUnitTest){
			.name = parse_errors[i].name,
			.test_func = test_parse_error,
			.initial_state = (void *)&parse_errors[i],
		};
	return _cmocka_run_group_tests("sweep", tests, count, NULL, NULL);
}
