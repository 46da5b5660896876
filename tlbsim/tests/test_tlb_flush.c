/*
 * What CR3 and CR4 writes, INVLPG and INVPCID flush: global pages, PCIDs,
 * one address against all (Intel SDM vol. 3A, 4.10.4).
 */
#include "test_walk_tables.h"

#define VA_GLOBAL 0xffffffff81000000ull /* kernel text: a global page */
#define VA_USER 0x00007f0000000000ull   /* three user pages from here */
#define USER(i) (VA_USER + (i) * SZ_4K)
#define PCID_A 1
#define PCID_B 2

/* Room for everything the tests touch, in both levels. */
static const struct sim_cpu_model roomy = {
	.name = "roomy",
	.nr_l1 = 1,
	.l1 = { { "l1", 8, 8, SIM_SIZE_4K } },
	.nr_l2 = 1,
	.l2 = { { "l2", 16, 16, SIM_SIZE_4K } },
};

struct fixture {
	struct fake_phys fp;
	struct sim_mmu *mmu;
	struct sim_counts c;
};

static void setup(struct fixture *f, uint64_t cr4, uint64_t pcid)
{
	memset(f, 0, sizeof(*f));
	fake_init(&f->fp, 4);
	fake_map(&f->fp, VA_GLOBAL, DATA_PHYS, SIM_PAGE_4K, PTE_G);
	fake_map_range(&f->fp, VA_USER, 3, 0);
	f->mmu = fake_mmu(&roomy, &f->fp, cr4);
	sim_mmu_set_cr3(f->mmu, f->fp.root | pcid, NULL);
}

static void teardown(struct fixture *f)
{
	sim_mmu_free(f->mmu);
	fake_free(&f->fp);
}

static bool walks(struct fixture *f, uint64_t va)
{
	return load_walks(f->mmu, va, &f->c);
}

/* Caches the global page and the user pages in the current context. */
static void warm(struct fixture *f)
{
	walks(f, VA_GLOBAL);
	for (unsigned i = 0; i < 3; i++)
		walks(f, USER(i));
}

static void switch_to(struct fixture *f, uint64_t pcid, bool noflush)
{
	sim_mmu_set_cr3(f->mmu, f->fp.root | pcid | (noflush ? SIM_CR3_NOFLUSH : 0),
			&f->c);
}

/* Without PCIDE a CR3 write keeps the global entries only. */
static void test_cr3_write_keeps_globals(void **state)
{
	struct fixture f;

	(void)state;
	setup(&f, SIM_CR4_PGE, 0);
	warm(&f);
	assert_false(walks(&f, USER(0)));
	switch_to(&f, 0, false);
	assert_int_equal(f.c.cr3_flushes, 1);
	assert_false(walks(&f, VA_GLOBAL));
	for (unsigned i = 0; i < 3; i++)
		assert_true(walks(&f, USER(i)));
	teardown(&f);
}

/* With CR4.PGE clear the G bit means nothing: a CR3 write flushes all. */
static void test_cr3_write_without_pge(void **state)
{
	struct fixture f;

	(void)state;
	setup(&f, 0, 0);
	warm(&f);
	switch_to(&f, 0, false);
	assert_true(walks(&f, VA_GLOBAL));
	assert_true(walks(&f, USER(0)));
	teardown(&f);
}

/* Switching PCID keeps the other PCID's entries; bit 63 flushes nothing. */
static void test_pcid_switch(void **state)
{
	struct fixture f;

	(void)state;
	setup(&f, SIM_CR4_PGE | SIM_CR4_PCIDE, PCID_A);
	warm(&f);
	assert_false(walks(&f, USER(0)));
	switch_to(&f, PCID_B, false);
	assert_int_equal(f.c.cr3_flushes, 1);
	assert_int_equal(sim_mmu_cr3(f.mmu), f.fp.root | PCID_B);
	/* PCID B sees the global page, not A's user entries, not even the
	 * page touched last. */
	assert_true(walks(&f, USER(0)));
	assert_false(walks(&f, VA_GLOBAL));

	switch_to(&f, PCID_A, true);
	assert_int_equal(f.c.cr3_noflush, 1);
	assert_int_equal(f.c.cr3_flushes, 1);
	assert_int_equal(sim_mmu_cr3(f.mmu), f.fp.root | PCID_A);
	for (unsigned i = 0; i < 3; i++)
		assert_false(walks(&f, USER(i)));

	/* Without bit 63 the write flushes A's own non-global entries... */
	switch_to(&f, PCID_A, false);
	assert_int_equal(f.c.cr3_flushes, 2);
	assert_true(walks(&f, USER(1)));
	assert_false(walks(&f, VA_GLOBAL));
	/* ...and B's stay. */
	switch_to(&f, PCID_B, true);
	assert_false(walks(&f, USER(0)));
	assert_int_equal(f.c.l2_misses, 4 + 1 + 1);
	teardown(&f);
}

/* A change of CR4.PGE or CR4.PCIDE flushes everything, globals too. */
static void test_cr4_toggles(void **state)
{
	struct fixture f;

	(void)state;
	setup(&f, SIM_CR4_PGE, 0);
	warm(&f);
	sim_mmu_set_cr4(f.mmu, 0, &f.c);
	assert_int_equal(f.c.full_flushes, 1);
	assert_true(walks(&f, VA_GLOBAL));
	assert_true(walks(&f, USER(0)));
	sim_mmu_set_cr4(f.mmu, SIM_CR4_PGE, &f.c);
	assert_int_equal(f.c.full_flushes, 2);
	warm(&f);
	sim_mmu_set_cr4(f.mmu, SIM_CR4_PGE | SIM_CR4_PCIDE, &f.c);
	assert_int_equal(f.c.full_flushes, 3);
	assert_true(walks(&f, VA_GLOBAL));
	/* A write that changes neither flushes nothing. */
	sim_mmu_set_cr4(f.mmu, SIM_CR4_PGE | SIM_CR4_PCIDE, &f.c);
	assert_int_equal(f.c.full_flushes, 3);
	assert_false(walks(&f, VA_GLOBAL));
	teardown(&f);
}

/* LA57 in CR4 chooses the levels the walks read. */
static void test_cr4_la57(void **state)
{
	struct sim_counts c = { 0 };
	struct fake_phys fp;
	struct sim_mmu *mmu;

	(void)state;
	fake_init(&fp, 5);
	fake_map_range(&fp, VA_USER, 1, 0);
	mmu = fake_mmu(&roomy, &fp, 0);
	/* Read as 4-level tables, the 5-level root leads nowhere mapped. */
	load_walks(mmu, VA_USER, &c);
	assert_int_equal(c.walk_faults, 1);
	sim_mmu_set_cr4(mmu, SIM_CR4_LA57, &c);
	load_walks(mmu, VA_USER, &c);
	assert_int_equal(c.walk_faults, 1);
	assert_int_equal(c.walks_by_size[SIM_PAGE_4K], 1);
	sim_mmu_free(mmu);
	fake_free(&fp);
}

/* INVLPG removes the named page (current PCID's, or a global one) from
 * both levels and nothing else. */
static void test_invlpg(void **state)
{
	struct fixture f;

	(void)state;
	setup(&f, SIM_CR4_PGE | SIM_CR4_PCIDE, PCID_A);
	warm(&f);
	switch_to(&f, PCID_B, true);
	walks(&f, USER(1));
	switch_to(&f, PCID_A, true);
	/* Right after a hit on the very page. */
	assert_false(walks(&f, USER(1)));
	sim_mmu_invlpg(f.mmu, USER(1) + 0x123, &f.c);
	assert_int_equal(f.c.invlpg, 1);
	assert_true(walks(&f, USER(1)));
	assert_false(walks(&f, USER(0)));
	assert_false(walks(&f, USER(2)));
	assert_false(walks(&f, VA_GLOBAL));
	/* PCID B's entry for the same address survived. */
	switch_to(&f, PCID_B, true);
	assert_false(walks(&f, USER(1)));
	/* A global page goes whatever the current PCID. */
	sim_mmu_invlpg(f.mmu, VA_GLOBAL, &f.c);
	assert_true(walks(&f, VA_GLOBAL));
	switch_to(&f, PCID_A, true);
	assert_false(walks(&f, USER(0)));
	assert_false(walks(&f, VA_GLOBAL));
	/* An address nothing maps flushes nothing. */
	sim_mmu_invlpg(f.mmu, USER(7), &f.c);
	assert_false(walks(&f, USER(0)));
	assert_int_equal(f.c.invlpg, 3);
	teardown(&f);
}

/* A and B each cache the user pages; A also the global page. */
static void setup_two_contexts(struct fixture *f)
{
	setup(f, SIM_CR4_PGE | SIM_CR4_PCIDE, PCID_A);
	warm(f);
	switch_to(f, PCID_B, true);
	for (unsigned i = 0; i < 3; i++)
		walks(f, USER(i));
	switch_to(f, PCID_A, true);
	f->c = (struct sim_counts){ 0 };
}

/* Which of the user pages (bits 0..2) and the global page (bit 3) walk in
 * @pcid, touched in that order. */
static unsigned walked_in(struct fixture *f, uint64_t pcid)
{
	unsigned walked = 0;

	switch_to(f, pcid, true);
	for (unsigned i = 0; i < 3; i++)
		walked |= walks(f, USER(i)) << i;
	walked |= walks(f, VA_GLOBAL) << 3;
	return walked;
}

static void test_invpcid_address(void **state)
{
	struct fixture f;

	(void)state;
	setup_two_contexts(&f);
	/* For PCID B while A is current; a global page is never named. */
	sim_mmu_invpcid(f.mmu, SIM_INVPCID_ADDRESS, PCID_B, USER(2), &f.c);
	sim_mmu_invpcid(f.mmu, SIM_INVPCID_ADDRESS, PCID_B, VA_GLOBAL, &f.c);
	assert_int_equal(f.c.invpcid, 2);
	assert_int_equal(walked_in(&f, PCID_A), 0);
	assert_int_equal(walked_in(&f, PCID_B), 1u << 2);
	teardown(&f);
}

static void test_invpcid_context(void **state)
{
	struct fixture f;

	(void)state;
	setup_two_contexts(&f);
	sim_mmu_invpcid(f.mmu, SIM_INVPCID_CONTEXT, PCID_A, 0, &f.c);
	assert_int_equal(walked_in(&f, PCID_B), 0);
	assert_int_equal(walked_in(&f, PCID_A), 7);
	assert_int_equal(f.c.full_flushes, 0);
	teardown(&f);
}

static void test_invpcid_all(void **state)
{
	struct fixture f;

	(void)state;
	setup_two_contexts(&f);
	sim_mmu_invpcid(f.mmu, SIM_INVPCID_ALL, 0, 0, &f.c);
	assert_int_equal(f.c.full_flushes, 1);
	assert_int_equal(walked_in(&f, PCID_A), 15);
	assert_int_equal(walked_in(&f, PCID_B), 7);
	teardown(&f);
}

static void test_invpcid_all_non_global(void **state)
{
	struct fixture f;

	(void)state;
	setup_two_contexts(&f);
	sim_mmu_invpcid(f.mmu, SIM_INVPCID_ALL_NON_GLOBAL, 0, 0, &f.c);
	assert_int_equal(f.c.full_flushes, 0);
	assert_int_equal(walked_in(&f, PCID_A), 7);
	assert_int_equal(walked_in(&f, PCID_B), 7);
	/* An undefined type is counted and flushes nothing. */
	sim_mmu_invpcid(f.mmu, 4, 0, 0, &f.c);
	assert_int_equal(f.c.invpcid, 2);
	assert_int_equal(walked_in(&f, PCID_A), 0);
	teardown(&f);
}

static void test_flush_all(void **state)
{
	struct fixture f;

	(void)state;
	setup_two_contexts(&f);
	sim_mmu_flush_all(f.mmu, false, &f.c);
	assert_int_equal(f.c.full_flushes, 0);
	assert_int_equal(walked_in(&f, PCID_A), 7);
	assert_int_equal(walked_in(&f, PCID_B), 7);
	sim_mmu_flush_all(f.mmu, true, &f.c);
	assert_int_equal(f.c.full_flushes, 1);
	assert_int_equal(walked_in(&f, PCID_B), 15);
	teardown(&f);
}

/* Control writes may count nowhere: the initial register values. */
static void test_null_counts(void **state)
{
	struct fixture f;

	(void)state;
	setup(&f, SIM_CR4_PGE, 0);
	warm(&f);
	sim_mmu_set_cr3(f.mmu, f.fp.root, NULL);
	sim_mmu_invlpg(f.mmu, VA_GLOBAL, NULL);
	sim_mmu_invpcid(f.mmu, SIM_INVPCID_ALL, 0, 0, NULL);
	sim_mmu_flush_all(f.mmu, true, NULL);
	sim_mmu_set_cr4(f.mmu, 0, NULL);
	assert_true(walks(&f, VA_GLOBAL));
	assert_int_equal(f.c.cr3_flushes + f.c.invlpg + f.c.invpcid +
				 f.c.full_flushes,
			 0);
	teardown(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cr3_write_keeps_globals),
		cmocka_unit_test(test_cr3_write_without_pge),
		cmocka_unit_test(test_pcid_switch),
		cmocka_unit_test(test_cr4_toggles),
		cmocka_unit_test(test_cr4_la57),
		cmocka_unit_test(test_invlpg),
		cmocka_unit_test(test_invpcid_address),
		cmocka_unit_test(test_invpcid_context),
		cmocka_unit_test(test_invpcid_all),
		cmocka_unit_test(test_invpcid_all_non_global),
		cmocka_unit_test(test_flush_all),
		cmocka_unit_test(test_null_counts),
	};

	return cmocka_run_group_tests_name("tlb_flush", tests, NULL, NULL);
}
