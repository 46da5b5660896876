/* `kallocbench summary`: a run's cases.csv as an aligned table. */
#ifndef KAB_SUMMARY_H
#define KAB_SUMMARY_H

#include <stdio.h>

/* Prints the table of @cases_csv (the file's text); 0, or -1 with @why. */
int summary_print(FILE *out, const char *cases_csv, char *why, size_t why_len);

int cmd_summary(int argc, char **argv);

#endif
