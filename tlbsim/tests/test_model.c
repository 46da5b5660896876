/* The shipped CPU model table, and which geometries sim_mmu_new() takes. */
#include "test_walk_tables.h"

static void check_array(const struct sim_tlb_array *array)
{
	unsigned sets;

	assert_non_null(array->name);
	assert_true(array->ways > 0);
	assert_int_equal(array->entries % array->ways, 0);
	sets = array->entries / array->ways;
	assert_true(sets > 0 && (sets & (sets - 1)) == 0);
	assert_true(array->sizes != 0);
	assert_int_equal(array->sizes >> SIM_NR_PAGE_SIZES, 0);
}

/* The sizes held by @nr arrays together. */
static unsigned sizes_held(const struct sim_tlb_array *arrays, unsigned nr)
{
	unsigned sizes = 0;

	for (unsigned a = 0; a < nr; a++)
		sizes |= arrays[a].sizes;
	return sizes;
}

static void test_shipped_rows(void **state)
{
	unsigned all = SIM_SIZE_4K | SIM_SIZE_2M | SIM_SIZE_1G;

	(void)state;
	assert_true(sim_nr_cpu_models >= 2);
	for (size_t i = 0; i < sim_nr_cpu_models; i++) {
		const struct sim_cpu_model *m = &sim_cpu_models[i];
		struct sim_mmu *mmu;

		assert_true(m->name && *m->name);
		assert_true(m->cpu && *m->cpu);
		assert_true(m->source && *m->source);
		assert_true(m->walk_penalty_source && *m->walk_penalty_source);
		assert_true(m->not_modelled && *m->not_modelled);
		assert_true(m->walk_penalty_cycles > 0);
		assert_true(m->nr_l1 >= 1 && m->nr_l1 <= SIM_MAX_ARRAYS);
		assert_true(m->nr_l2 >= 1 && m->nr_l2 <= SIM_MAX_ARRAYS);
		for (unsigned a = 0; a < m->nr_l1; a++)
			check_array(&m->l1[a]);
		for (unsigned a = 0; a < m->nr_l2; a++)
			check_array(&m->l2[a]);
		/* Real cores cache every size at both levels. */
		assert_int_equal(sizes_held(m->l1, m->nr_l1), all);
		assert_int_equal(sizes_held(m->l2, m->nr_l2), all);
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(sim_cpu_models[j].name, m->name);
		assert_ptr_equal(sim_cpu_model_find(m->name), m);
		mmu = sim_mmu_new(m);
		assert_non_null(mmu);
		sim_mmu_free(mmu);
	}
}

/* The names the sweep and the make line use; one Intel, one AMD. */
static void test_find(void **state)
{
	(void)state;
	assert_non_null(sim_cpu_model_find("skylake-sp"));
	assert_non_null(sim_cpu_model_find("zen4"));
	assert_null(sim_cpu_model_find("none"));
	assert_null(sim_cpu_model_find("Zen4"));
	assert_null(sim_cpu_model_find(""));
	assert_null(sim_cpu_model_find(NULL));
}

static void check_rejected(struct sim_tlb_array array)
{
	struct sim_cpu_model model = {
		.name = "bad",
		.nr_l1 = 1,
		.l1 = { { "good", 4, 4, SIM_SIZE_4K } },
		.nr_l2 = 1,
		.l2 = { array },
	};

	assert_null(sim_mmu_new(&model));
	model.l1[0] = array;
	model.l2[0] = (struct sim_tlb_array){ "good", 4, 4, SIM_SIZE_4K };
	assert_null(sim_mmu_new(&model));
}

static void test_geometry_checks(void **state)
{
	struct sim_cpu_model model = {
		.name = "too-many",
		.nr_l1 = SIM_MAX_ARRAYS + 1,
	};
	struct sim_mmu *mmu;

	(void)state;
	check_rejected((struct sim_tlb_array){ "uneven", 10, 4, SIM_SIZE_4K });
	check_rejected((struct sim_tlb_array){ "3 sets", 12, 4, SIM_SIZE_4K });
	check_rejected((struct sim_tlb_array){ "no ways", 4, 0, SIM_SIZE_4K });
	check_rejected((struct sim_tlb_array){ "empty", 0, 4, SIM_SIZE_4K });
	check_rejected((struct sim_tlb_array){ "no sizes", 4, 4, 0 });
	check_rejected((struct sim_tlb_array){ "512G", 4, 4, 1u << 3 });
	assert_null(sim_mmu_new(&model));
	/* No arrays at all is a machine that walks on every access. */
	model = (struct sim_cpu_model){ .name = "none" };
	mmu = sim_mmu_new(&model);
	assert_non_null(mmu);
	sim_mmu_free(mmu);
	sim_mmu_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shipped_rows),
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_geometry_checks),
	};

	return cmocka_run_group_tests_name("model", tests, NULL, NULL);
}
