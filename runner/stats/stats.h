/* The little statistics comparisons need: means, extremes and bootstrap
 * intervals. */
#ifndef KAB_STATS_H
#define KAB_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

double stats_mean(const double *values, size_t count);
/* The smallest and largest of @count >= 1 values. */
double stats_min(const double *values, size_t count);
double stats_max(const double *values, size_t count);

/*
 * The 95% percentile-bootstrap interval of mean(@candidate) / mean(@base):
 * @resamples times, both samples are drawn again with replacement and the
 * ratio of their means taken. The generator is seeded with @seed, so the
 * same inputs always give the same interval. Both counts must be >= 1 and
 * the base values positive.
 */
void stats_bootstrap_ratio(const double *base, size_t base_count,
			   const double *candidate, size_t candidate_count,
			   unsigned resamples, uint64_t seed, double *low,
			   double *high);

#endif
