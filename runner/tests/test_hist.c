/* Percentiles read off the log-linear histogram, against the exact ones. */
#include "tests/testutil.h"

#include <math.h>

#include "stats/hist.h"

#define SAMPLES 100000

static const double percentiles[] = { 1, 50, 90, 99, 99.9, 100 };

static int compare_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* Nearest rank: the smallest sample with at least pct% of all at or below. */
static double exact_percentile(const uint64_t *sorted, size_t count, double pct)
{
	size_t rank = (size_t)ceil(pct / 100.0 * (double)count - 1e-9);

	return (double)sorted[rank ? rank - 1 : 0];
}

/* Checks every percentile of @samples against its histogram within 3%. */
static void check_distribution(uint64_t *samples, size_t count)
{
	uint32_t *hist = xcalloc(KAB_HIST_BUCKETS, sizeof(*hist));

	for (size_t i = 0; i < count; i++)
		hist[kab_hist_bucket(samples[i])]++;
	qsort(samples, count, sizeof(*samples), compare_u64);
	assert_int_equal(hist_total(hist), count);
	for (size_t i = 0; i < ARRAY_SIZE(percentiles); i++) {
		double exact = exact_percentile(samples, count, percentiles[i]);
		double read = hist_percentile(hist, percentiles[i]);
		double error = exact ? fabs(read - exact) / exact : read;

		if (error > 0.03)
			fail_msg("p%g: histogram %.1f, exact %.1f", percentiles[i],
				 read, exact);
	}
	free(hist);
}

static void test_uniform(void **state)
{
	uint64_t *samples = xcalloc(SAMPLES, sizeof(*samples));

	(void)state;
	for (size_t i = 0; i < SAMPLES; i++)
		samples[i] = (i * 7919) % SAMPLES + 1;
	check_distribution(samples, SAMPLES);
	free(samples);
}

static void test_constant(void **state)
{
	static const uint64_t values[] = { 0, 5, 63, 64, 1000, 123456789 };
	uint64_t *samples = xcalloc(1000, sizeof(*samples));

	(void)state;
	for (size_t v = 0; v < ARRAY_SIZE(values); v++) {
		for (size_t i = 0; i < 1000; i++)
			samples[i] = values[v];
		check_distribution(samples, 1000);
	}
	free(samples);
}

static void test_two_point(void **state)
{
	uint64_t samples[1000];
	uint32_t *hist = xcalloc(KAB_HIST_BUCKETS, sizeof(*hist));

	(void)state;
	for (size_t i = 0; i < 1000; i++)
		samples[i] = i < 990 ? 100 : 10000;
	for (size_t i = 0; i < 1000; i++)
		hist[kab_hist_bucket(samples[i])]++;
	/* rank 990 is still the fast value, rank 991 the slow one */
	assert_true(fabs(hist_percentile(hist, 99) - 100) <= 3);
	assert_true(fabs(hist_percentile(hist, 99.1) - 10000) <= 300);
	assert_true(fabs(hist_percentile(hist, 99.9) - 10000) <= 300);
	check_distribution(samples, 1000);
	free(hist);
}

static void test_exponential(void **state)
{
	uint64_t *samples = xcalloc(SAMPLES, sizeof(*samples));

	(void)state;
	/* inverse CDF at evenly spaced quantiles: deterministic, heavy tail */
	for (size_t i = 0; i < SAMPLES; i++)
		samples[i] = (uint64_t)llround(
			80 - 500 * log(1 - ((double)i + 0.5) / SAMPLES));
	check_distribution(samples, SAMPLES);
	free(samples);
}

static void test_exact_small_values(void **state)
{
	uint32_t *hist = xcalloc(KAB_HIST_BUCKETS, sizeof(*hist));

	(void)state;
	hist[kab_hist_bucket(7)] = 1;
	hist[kab_hist_bucket(9)] = 1;
	assert_true(hist_percentile(hist, 50) == 7.0);
	assert_true(hist_percentile(hist, 100) == 9.0);
	free(hist);
}

static void test_empty(void **state)
{
	uint32_t *hist = xcalloc(KAB_HIST_BUCKETS, sizeof(*hist));

	(void)state;
	assert_int_equal(hist_total(hist), 0);
	assert_true(hist_percentile(hist, 50) < 0);
	free(hist);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_uniform),
		cmocka_unit_test(test_constant),
		cmocka_unit_test(test_two_point),
		cmocka_unit_test(test_exponential),
		cmocka_unit_test(test_exact_small_values),
		cmocka_unit_test(test_empty),
	};

	return cmocka_run_group_tests_name("hist", tests, NULL, NULL);
}
