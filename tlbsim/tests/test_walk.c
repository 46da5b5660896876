/* The page walk over tables in a fake physical memory. */
#include "test_walk_tables.h"

/* A kernel-half address whose index at every level is nonzero and distinct. */
#define VA 0xff11223344556789ull
#define VA_4K (VA & ~(SZ_4K - 1))
#define VA_2M (VA & ~(SZ_2M - 1))
#define VA_1G (VA & ~(SZ_1G - 1))

static const enum sim_page_size sizes[] = { SIM_PAGE_4K, SIM_PAGE_2M,
					    SIM_PAGE_1G };
static const uint64_t page_bases[] = { VA_4K, VA_2M, VA_1G };

static void check_leaf(unsigned levels, enum sim_page_size size, bool global)
{
	uint64_t bytes = 1ull << sim_page_shift(size);
	uint64_t frame = DATA_PHYS + 7 * SZ_1G;
	struct fake_phys fp;
	struct sim_walk walk;

	fake_init(&fp, levels);
	fake_map(&fp, page_bases[size], frame, size, global ? PTE_G : 0);
	assert_true(sim_walk(fp.root, levels, VA, fake_read, &fp, &walk));
	assert_true(walk.ok);
	assert_int_equal(walk.size, size);
	assert_int_equal(walk.global, global);
	/* 4K: every level; each larger size stops one level higher. */
	assert_int_equal(walk.refs, levels - (unsigned)size);
	assert_int_equal(walk.phys, frame | (VA & (bytes - 1)));
	fake_free(&fp);
}

static void test_leaves(void **state)
{
	(void)state;
	for (unsigned levels = 4; levels <= 5; levels++)
		for (size_t s = 0; s < 3; s++) {
			check_leaf(levels, sizes[s], false);
			check_leaf(levels, sizes[s], true);
		}
}

/* The figures the brief names, spelled out once. */
static void test_refs_per_size(void **state)
{
	static const unsigned refs[2][3] = { { 4, 3, 2 }, { 5, 4, 3 } };
	struct sim_walk walk;

	(void)state;
	for (unsigned levels = 4; levels <= 5; levels++)
		for (size_t s = 0; s < 3; s++) {
			struct fake_phys fp;

			fake_init(&fp, levels);
			fake_map(&fp, page_bases[s], DATA_PHYS, sizes[s], 0);
			sim_walk(fp.root, levels, VA, fake_read, &fp, &walk);
			assert_int_equal(walk.refs, refs[levels - 4][s]);
			fake_free(&fp);
		}
}

/* A cleared P bit at level k ends the walk after levels - k + 1 reads. */
static void test_not_present_at_each_level(void **state)
{
	(void)state;
	for (unsigned levels = 4; levels <= 5; levels++)
		for (unsigned level = levels; level >= 1; level--) {
			struct fake_phys fp;
			struct sim_walk walk;

			fake_init(&fp, levels);
			fake_map(&fp, VA_4K, DATA_PHYS, SIM_PAGE_4K, 0);
			*fake_entry(&fp, VA, level) &= ~PTE_P;
			assert_false(sim_walk(fp.root, levels, VA, fake_read,
					      &fp, &walk));
			assert_false(walk.ok);
			assert_int_equal(walk.refs, levels - level + 1);
			fake_free(&fp);
		}
}

/* An entry that cannot be read ends the walk and is not counted. */
static void test_unreadable(void **state)
{
	struct fake_phys fp;
	struct sim_walk walk;

	(void)state;
	fake_init(&fp, 4);
	fake_map(&fp, VA_4K, DATA_PHYS, SIM_PAGE_4K, 0);
	/* The page table (level 1) itself. */
	fp.hole = *fake_entry(&fp, VA, 2) & PTE_ADDR;
	assert_false(sim_walk(fp.root, 4, VA, fake_read, &fp, &walk));
	assert_int_equal(walk.refs, 3);
	fp.hole = fp.root;
	assert_false(sim_walk(fp.root, 4, VA, fake_read, &fp, &walk));
	assert_int_equal(walk.refs, 0);
	assert_false(sim_walk(fp.root, 4, VA, NULL, &fp, &walk));
	assert_int_equal(walk.refs, 0);
	fake_free(&fp);
}

/* The PCID (bits 11:0) and the no-flush bit 63 of CR3 are not the root. */
static void test_cr3_flag_bits_ignored(void **state)
{
	struct fake_phys fp;
	struct sim_walk walk;

	(void)state;
	fake_init(&fp, 5);
	fake_map(&fp, VA_4K, DATA_PHYS, SIM_PAGE_4K, 0);
	assert_true(sim_walk(fp.root | 0xabc | (1ull << 63), 5, VA, fake_read,
			     &fp, &walk));
	assert_int_equal(walk.refs, 5);
	assert_int_equal(walk.phys, DATA_PHYS | (VA & (SZ_4K - 1)));
	fake_free(&fp);
}

/* NX and protection keys sit above the address; bit 7 of a PTE is PAT. */
static void test_attribute_bits(void **state)
{
	struct fake_phys fp;
	struct sim_walk walk;

	(void)state;
	fake_init(&fp, 4);
	fake_map(&fp, VA_4K, DATA_PHYS, SIM_PAGE_4K, PTE_NX | PTE_PKEY | PTE_PS);
	for (unsigned level = 4; level >= 2; level--)
		*fake_entry(&fp, VA, level) |= PTE_NX;
	assert_true(sim_walk(fp.root, 4, VA, fake_read, &fp, &walk));
	assert_int_equal(walk.size, SIM_PAGE_4K);
	assert_int_equal(walk.refs, 4);
	assert_int_equal(walk.phys, DATA_PHYS | (VA & (SZ_4K - 1)));
	fake_free(&fp);
}

/* PS is reserved above level 3: a fault, not a 512 GiB page. */
static void test_reserved_ps(void **state)
{
	struct fake_phys fp;
	struct sim_walk walk;

	(void)state;
	fake_init(&fp, 4);
	fake_map(&fp, VA_4K, DATA_PHYS, SIM_PAGE_4K, 0);
	*fake_entry(&fp, VA, 4) |= PTE_PS;
	assert_false(sim_walk(fp.root, 4, VA, fake_read, &fp, &walk));
	assert_int_equal(walk.refs, 1);
	fake_free(&fp);
}

static void test_bad_levels(void **state)
{
	struct fake_phys fp;
	struct sim_walk walk;

	(void)state;
	fake_init(&fp, 4);
	fake_map(&fp, VA_4K, DATA_PHYS, SIM_PAGE_4K, 0);
	assert_false(sim_walk(fp.root, 3, VA, fake_read, &fp, &walk));
	assert_int_equal(walk.refs, 0);
	assert_false(sim_walk(fp.root, 6, VA, fake_read, &fp, &walk));
	fake_free(&fp);
}

static void test_size_names(void **state)
{
	(void)state;
	assert_string_equal(sim_page_size_names[SIM_PAGE_4K], "4K");
	assert_string_equal(sim_page_size_names[SIM_PAGE_2M], "2M");
	assert_string_equal(sim_page_size_names[SIM_PAGE_1G], "1G");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_leaves),
		cmocka_unit_test(test_refs_per_size),
		cmocka_unit_test(test_not_present_at_each_level),
		cmocka_unit_test(test_unreadable),
		cmocka_unit_test(test_cr3_flag_bits_ignored),
		cmocka_unit_test(test_attribute_bits),
		cmocka_unit_test(test_reserved_ps),
		cmocka_unit_test(test_bad_levels),
		cmocka_unit_test(test_size_names),
	};

	return cmocka_run_group_tests_name("walk", tests, NULL, NULL);
}
