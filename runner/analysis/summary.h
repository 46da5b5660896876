/* `kallocbench summary`: a run's cases.csv as an aligned table. */
#ifndef KAB_SUMMARY_H
#define KAB_SUMMARY_H

#include <stdbool.h>
#include <stdio.h>

struct summary_input {
	/* cases.csv's text */
	const char *cases_csv;
	/* access.csv's text, NULL when the run has none */
	const char *access_csv;
	/* only the landmark cases in the table */
	bool landmarks;
};

/* The footnote under the table: how a percentile is read from a bucket. */
extern const char summary_percentile_note[];

/* Prints the counts and the table; 0, or -1 with @why. */
int summary_print(FILE *out, const struct summary_input *in, char *why,
		  size_t why_len);

int cmd_summary(int argc, char **argv);

#endif
