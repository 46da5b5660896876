#include "stats/stats.h"

#include <stdlib.h>

#include "util/util.h"

double stats_mean(const double *values, size_t count)
{
	double sum = 0;

	for (size_t i = 0; i < count; i++)
		sum += values[i];
	return count ? sum / (double)count : 0;
}

double stats_min(const double *values, size_t count)
{
	double least = values[0];

	for (size_t i = 1; i < count; i++)
		if (values[i] < least)
			least = values[i];
	return least;
}

double stats_max(const double *values, size_t count)
{
	double most = values[0];

	for (size_t i = 1; i < count; i++)
		if (values[i] > most)
			most = values[i];
	return most;
}

/* xorshift64*: small, fast, and the same sequence on every machine. */
static uint64_t next_random(uint64_t *state)
{
	*state ^= *state >> 12;
	*state ^= *state << 25;
	*state ^= *state >> 27;
	return *state * 2685821657736338717ULL;
}

static double resampled_mean(const double *values, size_t count,
			     uint64_t *state)
{
	double sum = 0;

	for (size_t i = 0; i < count; i++)
		sum += values[next_random(state) % count];
	return sum / (double)count;
}

static int compare_doubles(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

void stats_bootstrap_ratio(const double *base, size_t base_count,
			   const double *candidate, size_t candidate_count,
			   unsigned resamples, uint64_t seed, double *low,
			   double *high)
{
	double *ratio = xcalloc(resamples, sizeof(*ratio));
	uint64_t state = seed ? seed : 1;

	for (unsigned r = 0; r < resamples; r++) {
		double b = resampled_mean(base, base_count, &state);

		ratio[r] = resampled_mean(candidate, candidate_count, &state) /
			   b;
	}
	qsort(ratio, resamples, sizeof(*ratio), compare_doubles);
	*low = ratio[(size_t)(0.025 * (resamples - 1) + 0.5)];
	*high = ratio[(size_t)(0.975 * (resamples - 1) + 0.5)];
	free(ratio);
}
