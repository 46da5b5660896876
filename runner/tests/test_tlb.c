/* The choice of page-walk events per CPU: libpfm4 is made to report each
 * core PMU in turn (LIBPFM_FORCE_PMU), as it would on that CPU. libpfm4
 * reads the variable once per process, so each model is chosen in a child
 * and its choice compared there. */
#include "tests/testutil.h"

#include <sys/wait.h>

#include "perf/tlb.h"
#include "run/counters.h"

struct expected_walks {
	const char *pmu;	/* as forced; libpfm4 reports the same name */
	const char *event[PERF_TLB_NR_ROLES];	/* NULL: no event for the role */
};

#define ZEN_DTLB "L1_DTLB_MISS:TLB_RELOAD_4K_L2_MISS:TLB_RELOAD_2M_L2_MISS" \
		 ":TLB_RELOAD_1G_L2_MISS:TLB_RELOAD_COALESCED_PAGE_MISS"
#define ZEN_ITLB "L1_ITLB_MISS_L2_ITLB_MISS:IF4K:IF2M:IF1G"
#define INTEL_WALKS { "DTLB_LOAD_MISSES:WALK_COMPLETED", \
		      "DTLB_STORE_MISSES:WALK_COMPLETED", \
		      "ITLB_MISSES:WALK_COMPLETED" }

static const struct expected_walks models[] = {
	{ "skl", INTEL_WALKS },
	{ "icl", INTEL_WALKS },
	{ "spr", INTEL_WALKS },
	{ "snb", INTEL_WALKS },
	/* Nehalem counts store misses only with loads (DTLB_MISSES) */
	{ "nhm", { "DTLB_LOAD_MISSES:WALK_COMPLETED", NULL,
		   "ITLB_MISSES:WALK_COMPLETED" } },
	/* AMD has no store-only walk event */
	{ "amd64_fam17h_zen2", { ZEN_DTLB, NULL, ZEN_ITLB } },
	{ "amd64_fam19h_zen3", { ZEN_DTLB, NULL, ZEN_ITLB } },
	{ "amd64_fam19h_zen4", { ZEN_DTLB, NULL, ZEN_ITLB } },
	{ "amd64_fam10h_barcelona", { "L1_DTLB_AND_L2_DTLB_MISS:ALL", NULL,
				      "L1_ITLB_MISS_AND_L2_ITLB_MISS:ALL" } },
	/* Goldmont: libpfm4 has no walk-count event of these kinds */
	{ "glm", { NULL, NULL, NULL } },
};

/* In the child: 0 when the choice for @want->pmu is @want's, else 1 with
 * the difference on stderr. @core_pmu is the PMU libpfm4 should report. */
static int check_choice(const struct expected_walks *want, const char *core_pmu)
{
	struct perf_tlb_walks walks;
	size_t chosen = 0;

	setenv("LIBPFM_FORCE_PMU", want->pmu, 1);
	perf_tlb_walks_choose(&walks);
	if (strcmp(walks.pmu, core_pmu) != 0) {
		fprintf(stderr, "%s: core PMU '%s', expected '%s'\n",
			want->pmu, walks.pmu, core_pmu);
		return 1;
	}
	if (*core_pmu && !*walks.pmu_desc) {
		fprintf(stderr, "%s: no description\n", want->pmu);
		return 1;
	}
	for (int role = 0; role < PERF_TLB_NR_ROLES; role++) {
		if (!want->event[role])
			continue;
		if (chosen >= walks.count || (int)walks.role[chosen] != role ||
		    strcmp(walks.event[chosen], want->event[role]) != 0 ||
		    !walks.cpus[chosen]) {
			fprintf(stderr, "%s: %s event '%s', expected '%s'\n",
				want->pmu, perf_tlb_role_names[role],
				chosen < walks.count ? walks.event[chosen] :
						       "(none)",
				want->event[role]);
			return 1;
		}
		chosen++;
	}
	if (walks.count != chosen) {
		fprintf(stderr, "%s: %zu events chosen, expected %zu\n",
			want->pmu, walks.count, chosen);
		return 1;
	}
	return 0;
}

static void assert_choice(const struct expected_walks *want,
			  const char *core_pmu)
{
	pid_t child = fork();
	int status;

	assert_true(child >= 0);
	if (child == 0)
		_exit(check_choice(want, core_pmu));
	assert_int_equal(waitpid(child, &status, 0), child);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		fail_msg("the choice for %s is wrong (see above)", want->pmu);
}

static void test_walks_per_cpu_model(void **state)
{
	(void)state;
	for (size_t m = 0; m < ARRAY_SIZE(models); m++)
		assert_choice(&models[m], models[m].pmu);
}

/* Only perf's generic PMU: no core PMU, nothing chosen. */
static void test_no_core_pmu(void **state)
{
	static const struct expected_walks generic_only = { "perf", { 0 } };

	(void)state;
	assert_choice(&generic_only, "");
}

/* In the child, as on core PMU @pmu: a sweep counting kmem:kfree and
 * tlb-walks (and @extra, when not NULL) gets @want_names as its counters,
 * and guest.json's tlb_walks names @pmu. */
static int check_counters(const char *pmu, const char *extra,
			  const char *const *want_names, size_t want_count)
{
	struct sweep_case process_case = { .context = KAB_CONTEXT_process };
	struct sweep_cases cases = { .item = &process_case, .count = 1 };
	struct run_counters counters;
	struct sweep_error err;
	struct sweep sweep;
	char text[256];
	json_t *json;
	int bad = 0;

	setenv("LIBPFM_FORCE_PMU", pmu, 1);
	snprintf(text, sizeof(text),
		 "[sweep]\nevents = kmem:kfree tlb-walks %s\n"
		 "[g]\nallocators = kmalloc\nsizes = 64\ngfp = GFP_KERNEL\n"
		 "patterns = pair\n", extra ? extra : "");
	if (parse_sweep_text(text, &sweep, &err) != 0) {
		fprintf(stderr, "%s: sweep: %s\n", pmu, err.message);
		return 1;
	}
	run_counters_open(&counters, &sweep, &cases, -1);
	bad |= counters.count != want_count;
	for (size_t i = 0; !bad && i < want_count; i++)
		bad |= strcmp(counters.names[i], want_names[i]) != 0;
	for (size_t i = 0; bad && i < counters.count; i++)
		fprintf(stderr, "%s: counter %zu: %s\n", pmu, i,
			counters.names[i]);
	json = json_object_get(run_counters_json(&counters), "tlb_walks");
	if (!json_is_true(json_object_get(json, "asked")) ||
	    strcmp(json_string_value(json_object_get(json, "pmu")), pmu) != 0) {
		fprintf(stderr, "%s: tlb_walks: %s\n", pmu,
			json_dumps(json, 0));
		bad = 1;
	}
	if (strcmp(counters.names[counters.count - 1], PERF_TLB_WALKS) == 0 &&
	    !strstr(counters.group[COUNTER_SCOPE_task]->events[1].reason, pmu)) {
		fprintf(stderr, "%s: reason '%s'\n", pmu,
			counters.group[COUNTER_SCOPE_task]->events[1].reason);
		bad = 1;
	}
	return bad;
}

static void assert_counters(const char *pmu, const char *extra,
			    const char *const *want_names, size_t want_count)
{
	pid_t child = fork();
	int status;

	assert_true(child >= 0);
	if (child == 0)
		_exit(check_counters(pmu, extra, want_names, want_count));
	assert_int_equal(waitpid(child, &status, 0), child);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		fail_msg("the counters on %s are wrong (see above)", pmu);
}

/* tlb-walks becomes the CPU's walk events, once each. A forced PMU hides
 * perf's generic one (cycles, page-faults...): the sweep counts a
 * tracepoint beside them. */
static void test_sweep_tlb_walks(void **state)
{
	static const char *const skylake[] = {
		"kmem:kfree", "DTLB_LOAD_MISSES:WALK_COMPLETED",
		"DTLB_STORE_MISSES:WALK_COMPLETED", "ITLB_MISSES:WALK_COMPLETED",
	};
	static const char *const skylake_named[] = {
		"kmem:kfree", "DTLB_LOAD_MISSES:WALK_COMPLETED",
		"ITLB_MISSES:WALK_COMPLETED", "DTLB_STORE_MISSES:WALK_COMPLETED",
	};
	static const char *const zen[] = { "kmem:kfree", ZEN_DTLB, ZEN_ITLB };
	static const char *const goldmont[] = { "kmem:kfree", PERF_TLB_WALKS };

	(void)state;
	assert_counters("skl", NULL, skylake, ARRAY_SIZE(skylake));
	assert_counters("skl", "DTLB_STORE_MISSES:WALK_COMPLETED",
			skylake_named, ARRAY_SIZE(skylake_named));
	assert_counters("amd64_fam19h_zen3", NULL, zen, ARRAY_SIZE(zen));
	assert_counters("glm", NULL, goldmont, ARRAY_SIZE(goldmont));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_walks_per_cpu_model),
		cmocka_unit_test(test_no_core_pmu),
		cmocka_unit_test(test_sweep_tlb_walks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
