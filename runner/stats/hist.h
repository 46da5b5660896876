/* Figures read off the module's log-linear latency histograms. */
#ifndef KAB_HIST_H
#define KAB_HIST_H

#include <stdint.h>

#include <kallocbench.h>

/* Samples counted in a histogram of KAB_HIST_BUCKETS buckets. */
uint64_t hist_total(const uint32_t *hist);

/*
 * Nearest-rank percentile @pct (0 < pct <= 100) of the samples in @hist,
 * reported as the midpoint of the bucket holding that rank. Returns -1 when
 * the histogram is empty.
 */
double hist_percentile(const uint32_t *hist, double pct);

#endif
