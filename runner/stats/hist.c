#include "stats/hist.h"

#include <math.h>

uint64_t hist_total(const uint32_t *hist)
{
	uint64_t total = 0;

	for (uint32_t bucket = 0; bucket < KAB_HIST_BUCKETS; bucket++)
		total += hist[bucket];
	return total;
}

/*
 * Latencies are whole nanoseconds, so a bucket holds the integers
 * low .. low + width - 1 and their midpoint is what we report: exact for
 * the one-value buckets below KAB_HIST_SUB_COUNT.
 */
static double bucket_midpoint(uint32_t bucket)
{
	return (double)kab_hist_bucket_low(bucket) +
	       (double)(kab_hist_bucket_width(bucket) - 1) / 2.0;
}

double hist_percentile(const uint32_t *hist, double pct)
{
	uint64_t total = hist_total(hist);
	/* In hundredths of a percent, so that 99.9% of 1000 samples is
	 * rank 999 rather than whatever the double rounding makes of it. */
	uint64_t basis_points = (uint64_t)llround(pct * 100.0);
	uint64_t rank, seen = 0;

	if (total == 0)
		return -1;
	rank = (basis_points * total + 9999) / 10000;
	if (rank < 1)
		rank = 1;
	for (uint32_t bucket = 0; bucket < KAB_HIST_BUCKETS; bucket++) {
		seen += hist[bucket];
		if (seen >= rank)
			return bucket_midpoint(bucket);
	}
	return bucket_midpoint(KAB_HIST_BUCKETS - 1);
}
