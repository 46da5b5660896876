/*
 * TLB capacity, associativity, large pages and the two levels, on small
 * geometries made here and on the shipped models, with exact counts.
 */
#include "test_walk_tables.h"

#define VA_4K 0xffff888000000000ull /* 4K pages here */
#define VA_2M 0xffffc90000000000ull /* 2M pages here */
#define VA_1G 0xffffea0000000000ull /* 1G pages here */

/* Fully associative everywhere, so that only capacity matters. */
static const struct sim_cpu_model tiny = {
	.name = "tiny",
	.nr_l1 = 3,
	.l1 = {
		{ "l1-4k", 4, 4, SIM_SIZE_4K },
		{ "l1-2m", 2, 2, SIM_SIZE_2M },
		{ "l1-1g", 2, 2, SIM_SIZE_1G },
	},
	.nr_l2 = 1,
	.l2 = { { "l2", 8, 8, SIM_SIZE_4K | SIM_SIZE_2M } },
};

/* Four sets at both levels: pages 4 apart share a set. */
static const struct sim_cpu_model four_sets = {
	.name = "four-sets",
	.nr_l1 = 1,
	.l1 = { { "l1", 8, 2, SIM_SIZE_4K } },
	.nr_l2 = 1,
	.l2 = { { "l2", 16, 4, SIM_SIZE_4K } },
};

/* No L1 array for 2M pages: an L2 hit has nothing to fill. */
static const struct sim_cpu_model no_l1_2m = {
	.name = "no-l1-2m",
	.nr_l1 = 1,
	.l1 = { { "l1", 4, 4, SIM_SIZE_4K } },
	.nr_l2 = 1,
	.l2 = { { "l2", 8, 8, SIM_SIZE_4K | SIM_SIZE_2M } },
};

struct fixture {
	struct fake_phys fp;
	struct sim_mmu *mmu;
	struct sim_counts c;
};

static void setup(struct fixture *f, const struct sim_cpu_model *model,
		  unsigned pages_4k)
{
	memset(f, 0, sizeof(*f));
	fake_init(&f->fp, 4);
	fake_map_range(&f->fp, VA_4K, pages_4k, 0);
	f->mmu = fake_mmu(model, &f->fp, 0);
}

static void teardown(struct fixture *f)
{
	sim_mmu_free(f->mmu);
	fake_free(&f->fp);
}

static void check_cyclic_thrash(const struct sim_cpu_model *model,
				unsigned pages)
{
	struct fixture f;

	setup(&f, model, pages);
	load_cyclic(f.mmu, VA_4K, pages, SZ_4K, 1, &f.c);
	assert_int_equal(f.c.l2_misses, pages);
	load_cyclic(f.mmu, VA_4K, pages, SZ_4K, 4, &f.c);
	assert_int_equal(f.c.loads, 5 * pages);
	assert_int_equal(f.c.stores, 0);
	assert_int_equal(f.c.l1_load_misses, 5 * pages);
	assert_int_equal(f.c.l2_misses, 5 * pages);
	assert_int_equal(f.c.walks_by_size[SIM_PAGE_4K], 5 * pages);
	assert_int_equal(f.c.walk_refs, 4 * 5 * pages);
	assert_int_equal(f.c.walk_faults, 0);
	teardown(&f);
}

/* One page more than L1 and L2 together hold: LRU evicts each page just
 * before its next touch, at both levels. */
static void test_cyclic_over_capacity(void **state)
{
	(void)state;
	check_cyclic_thrash(&tiny, 4 + 8 + 1);
}

/* On the shipped models: 16 consecutive pages per L2 set, more than its
 * 12 ways (and 2048 or 4096 pages, more than every L1 array holds). */
static void test_cyclic_over_capacity_shipped(void **state)
{
	(void)state;
	check_cyclic_thrash(sim_cpu_model_find("skylake-sp"), 16 * 1536 / 12);
	check_cyclic_thrash(sim_cpu_model_find("zen4"), 16 * 3072 / 12);
}

static void check_fits(const struct sim_cpu_model *model, unsigned pages)
{
	struct fixture f;

	setup(&f, model, pages);
	load_cyclic(f.mmu, VA_4K, pages, SZ_4K, 5, &f.c);
	assert_int_equal(f.c.loads, 5 * pages);
	assert_int_equal(f.c.l1_load_misses, pages);
	assert_int_equal(f.c.l2_misses, pages);
	teardown(&f);
}

/* Fewer pages than L1 entries: misses on the first pass only. */
static void test_fits_in_l1(void **state)
{
	(void)state;
	check_fits(&tiny, 3);
	check_fits(&tiny, 4);
	/* 64 consecutive pages fill the 16 sets of 4 ways exactly. */
	check_fits(sim_cpu_model_find("skylake-sp"), 64);
	check_fits(sim_cpu_model_find("zen4"), 72);
}

/* A touch makes a page most recent: the fifth page evicts B, not A. */
static void test_lru_order(void **state)
{
	static const unsigned order[] = { 0, 1, 2, 3, 0, 4 };
	struct fixture f;

	(void)state;
	setup(&f, &tiny, 5);
	for (size_t i = 0; i < ARRAY_SIZE(order); i++)
		sim_mmu_access(f.mmu, VA_4K + order[i] * SZ_4K, false, &f.c);
	assert_int_equal(f.c.l1_load_misses, 5);
	sim_mmu_access(f.mmu, VA_4K, false, &f.c);
	assert_int_equal(f.c.l1_load_misses, 5);
	sim_mmu_access(f.mmu, VA_4K + SZ_4K, false, &f.c);
	assert_int_equal(f.c.l1_load_misses, 6);
	/* B was still in L2. */
	assert_int_equal(f.c.l2_misses, 5);
	teardown(&f);
}

/* Six pages: too many for L1's four, so every touch misses L1 and hits
 * L2, which holds eight. L1 misses, one walk per page. */
static void test_l1_miss_l2_hit(void **state)
{
	struct fixture f;

	(void)state;
	setup(&f, &tiny, 6);
	load_cyclic(f.mmu, VA_4K, 6, SZ_4K, 5, &f.c);
	assert_int_equal(f.c.l1_load_misses, 30);
	assert_int_equal(f.c.l2_misses, 6);
	assert_int_equal(f.c.walk_refs, 24);
	teardown(&f);
}

static void test_loads_and_stores(void **state)
{
	struct fixture f;

	(void)state;
	setup(&f, &tiny, 6);
	for (unsigned i = 0; i < 6; i++)
		sim_mmu_access(f.mmu, VA_4K + i * SZ_4K, true, &f.c);
	assert_int_equal(f.c.stores, 6);
	assert_int_equal(f.c.l1_store_misses, 6);
	assert_int_equal(f.c.loads, 0);
	assert_int_equal(f.c.l1_load_misses, 0);
	load_cyclic(f.mmu, VA_4K, 6, SZ_4K, 1, &f.c);
	assert_int_equal(f.c.loads, 6);
	assert_int_equal(f.c.l1_load_misses, 6);
	assert_int_equal(f.c.stores, 6);
	assert_int_equal(f.c.l1_store_misses, 6);
	assert_int_equal(f.c.l2_misses, 6);
	/* A hit counts the access and no miss. */
	sim_mmu_access(f.mmu, VA_4K + 5 * SZ_4K, true, &f.c);
	assert_int_equal(f.c.stores, 7);
	assert_int_equal(f.c.l1_store_misses, 6);
	teardown(&f);
}

/*
 * Five pages 4 apart share set 0 of four-sets: one more than L2's 4 ways,
 * so they thrash while a page in set 1 keeps hitting and 3 of 4 sets
 * stay empty. The same five pages side by side all fit.
 */
static void test_set_conflicts(void **state)
{
	struct fixture f;

	(void)state;
	setup(&f, &four_sets, 32);
	for (unsigned p = 0; p < 4; p++) {
		load_cyclic(f.mmu, VA_4K, 5, 4 * SZ_4K, 1, &f.c);
		sim_mmu_access(f.mmu, VA_4K + SZ_4K, false, &f.c);
	}
	assert_int_equal(f.c.l2_misses, 4 * 5 + 1);
	assert_int_equal(f.c.l1_load_misses, 4 * 5 + 1);
	teardown(&f);

	/* Four conflicting pages fit L2's 4 ways but not L1's 2. */
	setup(&f, &four_sets, 32);
	load_cyclic(f.mmu, VA_4K, 4, 4 * SZ_4K, 4, &f.c);
	assert_int_equal(f.c.l2_misses, 4);
	assert_int_equal(f.c.l1_load_misses, 16);
	teardown(&f);

	setup(&f, &four_sets, 32);
	load_cyclic(f.mmu, VA_4K, 5, SZ_4K, 4, &f.c);
	assert_int_equal(f.c.l2_misses, 5);
	assert_int_equal(f.c.l1_load_misses, 5);
	teardown(&f);
}

/* One walk covers a whole 2 MiB page: every 4K part of it, twice. */
static void test_2m_page(void **state)
{
	struct fixture f;

	(void)state;
	setup(&f, &tiny, 0);
	fake_map(&f.fp, VA_2M, DATA_PHYS, SIM_PAGE_2M, 0);
	load_cyclic(f.mmu, VA_2M + 123, 512, SZ_4K, 2, &f.c);
	assert_int_equal(f.c.loads, 1024);
	assert_int_equal(f.c.l1_load_misses, 1);
	assert_int_equal(f.c.l2_misses, 1);
	assert_int_equal(f.c.walks_by_size[SIM_PAGE_2M], 1);
	assert_int_equal(f.c.walks_by_size[SIM_PAGE_4K], 0);
	assert_int_equal(f.c.walk_refs, 3);
	teardown(&f);

	/* Five 2M pages: over L1's 2 entries, within L2's 8. */
	setup(&f, &tiny, 0);
	for (unsigned i = 0; i < 5; i++)
		fake_map(&f.fp, VA_2M + i * SZ_2M, DATA_PHYS + i * SZ_2M,
			 SIM_PAGE_2M, 0);
	load_cyclic(f.mmu, VA_2M, 5, SZ_2M, 3, &f.c);
	assert_int_equal(f.c.l1_load_misses, 15);
	assert_int_equal(f.c.l2_misses, 5);
	assert_int_equal(f.c.walks_by_size[SIM_PAGE_2M], 5);
	teardown(&f);
}

/* Without an L1 array for 2M pages every touch misses L1, hits L2. */
static void test_no_l1_array_for_size(void **state)
{
	struct fixture f;

	(void)state;
	setup(&f, &no_l1_2m, 0);
	fake_map(&f.fp, VA_2M, DATA_PHYS, SIM_PAGE_2M, 0);
	load_cyclic(f.mmu, VA_2M, 8, SZ_4K, 2, &f.c);
	assert_int_equal(f.c.l1_load_misses, 16);
	assert_int_equal(f.c.l2_misses, 1);
	teardown(&f);
}

/* One walk of two references covers a whole 1 GiB page. */
static void test_1g_page(void **state)
{
	struct fixture f;

	(void)state;
	setup(&f, &tiny, 0);
	fake_map(&f.fp, VA_1G, DATA_PHYS, SIM_PAGE_1G, 0);
	load_cyclic(f.mmu, VA_1G + 8, 512, SZ_2M, 2, &f.c);
	assert_int_equal(f.c.loads, 1024);
	assert_int_equal(f.c.l1_load_misses, 1);
	assert_int_equal(f.c.l2_misses, 1);
	assert_int_equal(f.c.walks_by_size[SIM_PAGE_1G], 1);
	assert_int_equal(f.c.walk_refs, 2);
	teardown(&f);

	/* Three 1G pages over L1's 2 entries, and tiny's L2 holds no 1G:
	 * every touch walks. */
	setup(&f, &tiny, 0);
	for (unsigned i = 0; i < 3; i++)
		fake_map(&f.fp, VA_1G + i * SZ_1G, DATA_PHYS + i * SZ_1G,
			 SIM_PAGE_1G, 0);
	load_cyclic(f.mmu, VA_1G, 3, SZ_1G, 4, &f.c);
	assert_int_equal(f.c.l2_misses, 12);
	assert_int_equal(f.c.walks_by_size[SIM_PAGE_1G], 12);
	assert_int_equal(f.c.walk_refs, 24);
	teardown(&f);
}

/* skylake-sp's STLB holds 2M pages too: forty of them thrash the 2M
 * DTLB's 8 sets of 4 ways (5 to a set) and all hit the STLB. */
static void test_shared_stlb(void **state)
{
	struct fixture f;

	(void)state;
	setup(&f, sim_cpu_model_find("skylake-sp"), 0);
	for (unsigned i = 0; i < 40; i++)
		fake_map(&f.fp, VA_2M + i * SZ_2M, DATA_PHYS + i * SZ_2M,
			 SIM_PAGE_2M, 0);
	load_cyclic(f.mmu, VA_2M, 40, SZ_2M, 3, &f.c);
	assert_int_equal(f.c.l1_load_misses, 120);
	assert_int_equal(f.c.l2_misses, 40);
	assert_int_equal(f.c.walks_by_size[SIM_PAGE_2M], 40);
	teardown(&f);
}

/* zen4's one L1 array shares its 72 entries among all sizes: 70 4K
 * pages, a 2M and a 1G page fit; one more 4K page and every touch
 * misses L1 (and hits L2). */
static void test_fully_associative_all_sizes(void **state)
{
	(void)state;
	for (unsigned pages = 70; pages <= 71; pages++) {
		unsigned passes = 4, touched = pages + 2;
		struct fixture f;

		setup(&f, sim_cpu_model_find("zen4"), pages);
		fake_map(&f.fp, VA_2M, DATA_PHYS, SIM_PAGE_2M, 0);
		fake_map(&f.fp, VA_1G, DATA_PHYS, SIM_PAGE_1G, 0);
		for (unsigned p = 0; p < passes; p++) {
			load_cyclic(f.mmu, VA_4K, pages, SZ_4K, 1, &f.c);
			sim_mmu_access(f.mmu, VA_2M, false, &f.c);
			sim_mmu_access(f.mmu, VA_1G, false, &f.c);
		}
		assert_int_equal(f.c.l2_misses, touched);
		assert_int_equal(f.c.l1_load_misses,
				 pages == 70 ? touched : passes * touched);
		teardown(&f);
	}
}

/* With CR4.LA57 a walk reads five levels. */
static void test_5level_access(void **state)
{
	struct sim_counts c = { 0 };
	struct fake_phys fp;
	struct sim_mmu *mmu;

	(void)state;
	fake_init(&fp, 5);
	fake_map_range(&fp, VA_4K, 2, 0);
	fake_map(&fp, VA_2M, DATA_PHYS, SIM_PAGE_2M, 0);
	mmu = fake_mmu(&tiny, &fp, SIM_CR4_LA57);
	load_cyclic(mmu, VA_4K, 2, SZ_4K, 2, &c);
	sim_mmu_access(mmu, VA_2M, false, &c);
	assert_int_equal(c.l2_misses, 3);
	assert_int_equal(c.walk_refs, 5 + 5 + 4);
	sim_mmu_free(mmu);
	fake_free(&fp);
}

/* A walk that finds no page is counted, cached nowhere, and repeated. */
static void test_walk_faults(void **state)
{
	struct fixture f;

	(void)state;
	setup(&f, &tiny, 1);
	/* Another top-level slot, not present: one read. */
	sim_mmu_access(f.mmu, VA_2M, false, &f.c);
	sim_mmu_access(f.mmu, VA_2M, true, &f.c);
	assert_int_equal(f.c.l2_misses, 2);
	assert_int_equal(f.c.walk_faults, 2);
	assert_int_equal(f.c.walk_refs, 2);
	/* The next 4K page: all four levels read, the PTE not present. */
	sim_mmu_access(f.mmu, VA_4K + SZ_4K, false, &f.c);
	assert_int_equal(f.c.walk_faults, 3);
	assert_int_equal(f.c.walk_refs, 6);
	assert_int_equal(f.c.walks_by_size[SIM_PAGE_4K], 0);
	/* No reader: every walk faults without a read. */
	sim_mmu_set_reader(f.mmu, NULL, NULL);
	sim_mmu_access(f.mmu, VA_4K, false, &f.c);
	assert_int_equal(f.c.walk_faults, 4);
	assert_int_equal(f.c.walk_refs, 6);
	teardown(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cyclic_over_capacity),
		cmocka_unit_test(test_cyclic_over_capacity_shipped),
		cmocka_unit_test(test_fits_in_l1),
		cmocka_unit_test(test_lru_order),
		cmocka_unit_test(test_l1_miss_l2_hit),
		cmocka_unit_test(test_loads_and_stores),
		cmocka_unit_test(test_set_conflicts),
		cmocka_unit_test(test_2m_page),
		cmocka_unit_test(test_no_l1_array_for_size),
		cmocka_unit_test(test_1g_page),
		cmocka_unit_test(test_shared_stlb),
		cmocka_unit_test(test_fully_associative_all_sizes),
		cmocka_unit_test(test_5level_access),
		cmocka_unit_test(test_walk_faults),
	};

	return cmocka_run_group_tests_name("tlb", tests, NULL, NULL);
}
