/* `kallocbench collect`: the host side of a results stream. */
#ifndef KAB_COLLECT_H
#define KAB_COLLECT_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "output/results.h"
#include "util/util.h"

/* A file beside the fixed ones, see results_extra_name_ok(). */
struct collect_extra {
	char *name;
	struct strbuf text;
};

struct collect_output {
	/* each file's lines, newline-terminated */
	struct strbuf text[RESULTS_NR_FILES];
	size_t lines[RESULTS_NR_FILES];
	/* the extra files, in order of first appearance */
	struct collect_extra *extra;
	size_t extras;
	size_t extra_capacity;
	/* lines that are not records of a known file */
	size_t noise;
	/* the stream ended inside a line: the case in flight */
	bool partial;
	/* histogram rows dropped by collect_drop_orphans() */
	size_t orphans;
};

/* Sorts the records of a stream into the files they belong to. */
void collect_demux(const char *data, size_t len, struct collect_output *out);
/*
 * Drops the histograms.csv rows whose (case, repetition) has no cases.csv
 * row: `run` writes a case's cases.csv row last, so those belong to a case
 * that never finished. Counts them in @out->orphans.
 */
void collect_drop_orphans(struct collect_output *out);
void collect_output_free(struct collect_output *out);
/* The stream came from `facts`, not from `run`. */
bool collect_is_facts(const struct collect_output *out);
/* The header line of @file when a run wrote no line into it (a CSV then
 * holds its header only; counters, unknown after the fact, are left out);
 * NULL for a file that is then empty. */
const char *results_empty_header(enum results_file file);

/*
 * Sets @value at the dotted @key of @meta ("kernel.release" ->
 * {"kernel": {"release": value}}), taking the reference to @value. 0, or -1
 * with @why set when the key is empty, taken or runs into a value.
 */
int meta_add_fact(json_t *meta, const char *key, json_t *value,
		  char *why, size_t why_len);

int cmd_collect(int argc, char **argv);

#endif
