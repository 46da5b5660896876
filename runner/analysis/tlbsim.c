/*
 * `kallocbench tlbsim`: the host side of the simulated MMU (tlbsim/). The
 * plugin writes sim.csv beside the run, one row per (case, repetition,
 * phase, model); `join` copies the first model's counts into cases.csv
 * (the case phase) and access.csv (one set of columns per phase) and its
 * parameters into meta.json, so that every row carries what that CPU's
 * MMU would have done.
 */
#include "analysis/tlbsim.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <kallocbench_sim.h>

#include "cli/cli.h"
#include "cpus.h"
#include "output/csv.h"
#include "util/names.h"
#include "util/util.h"

static const char tlbsim_usage[] =
	"usage: kallocbench tlbsim models [NAME...]\n"
	"       kallocbench tlbsim join DIR\n"
	"\n"
	"models: lists the CPU models the simulated MMU knows (name, core,\n"
	"source); with NAMEs, exits 2 unless each is one of them (or none).\n"
	"join: adds DIR/sim.csv's counts of the first model to DIR/cases.csv\n"
	"(columns sim_*, of the whole case) and DIR/access.csv (PHASE_sim_*,\n"
	"for alloc, prepare, access and free), empty where a case or phase has\n"
	"no row, and DIR/sim.json to DIR/meta.json under \"tlbsim\", beside\n"
	"what the run recorded there. A file that already has the columns is\n"
	"left as it is.\n";

/* sim.csv's leading columns; the counts follow. */
#define SIM_KEY_COLUMNS 4

static const char *const phase_names[KAB_SIM_NR_PHASES] = {
#define PHASE_NAME(name) #name,
	KAB_SIM_PHASE_LIST(PHASE_NAME)
#undef PHASE_NAME
};

struct sim_row {
	char *key;		/* "CASE,REPETITION,PHASE" */
	struct csv_fields fields;
};

struct sim_table {
	struct csv_fields header;
	struct sim_row *row;
	size_t count;
	size_t capacity;
	char *model;		/* the first model's name */
};

static void sim_table_free(struct sim_table *t)
{
	csv_fields_free(&t->header);
	for (size_t i = 0; i < t->count; i++) {
		free(t->row[i].key);
		csv_fields_free(&t->row[i].fields);
	}
	free(t->row);
	free(t->model);
}

static char *row_key(const char *number, const char *repetition,
		     const char *phase)
{
	struct strbuf key = { 0 };

	sb_printf(&key, "%s,%s,%s", number, repetition, phase);
	return sb_steal(&key);
}

static const struct sim_row *sim_find(const struct sim_table *t,
				      const char *key)
{
	for (size_t i = t->count; i-- > 0;)
		if (strcmp(t->row[i].key, key) == 0)
			return &t->row[i];
	return NULL;
}

/* sim.csv, the first model's rows only; a partial last line is dropped. */
static int sim_table_read(const char *path, struct sim_table *t)
{
	size_t len;
	char *text = read_file(path, &len), *save = NULL;
	bool first = true;

	*t = (struct sim_table){ 0 };
	if (!text) {
		fprintf(stderr, "kallocbench: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (len && text[len - 1] != '\n') {
		char *last = strrchr(text, '\n');

		*(last ? last + 1 : text) = '\0';
	}
	for (char *line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		struct csv_fields fields = { 0 };

		if (!csv_split(line, &fields) || fields.count < SIM_KEY_COLUMNS ||
		    (!first && fields.count != t->header.count)) {
			csv_fields_free(&fields);
			continue;
		}
		if (first) {
			t->header = fields;
			first = false;
			continue;
		}
		if (!t->model)
			t->model = xstrdup(fields.field[3]);
		if (strcmp(fields.field[3], t->model) != 0) {
			csv_fields_free(&fields);
			continue;
		}
		xgrow((void **)&t->row, &t->capacity, t->count + 1,
		      sizeof(*t->row));
		t->row[t->count].key = row_key(fields.field[0], fields.field[1],
					       fields.field[2]);
		t->row[t->count++].fields = fields;
	}
	free(text);
	if (first) {
		fprintf(stderr, "kallocbench: %s has no header\n", path);
		return -1;
	}
	return 0;
}

static int column_index(const struct csv_fields *header, const char *name)
{
	for (size_t i = 0; i < header->count; i++)
		if (strcmp(header->field[i], name) == 0)
			return (int)i;
	return -1;
}

/* The sim column names, each PREFIX_ when @prefix is given. */
static void add_header(struct csv_row *row, const struct sim_table *t,
		       const char *prefix)
{
	for (size_t i = SIM_KEY_COLUMNS; i < t->header.count; i++) {
		struct strbuf name = { 0 };

		sb_printf(&name, "%s%s%s", prefix ? prefix : "",
			  prefix ? "_" : "", t->header.field[i]);
		csv_add(row, name.text);
		sb_free(&name);
	}
}

static void add_values(struct csv_row *row, const struct sim_table *t,
		       const struct csv_fields *fields, const char *phase)
{
	int number = 0, repetition = 1;
	const struct sim_row *sim = NULL;
	char *key;

	if (fields->count > 1) {
		key = row_key(fields->field[number], fields->field[repetition],
			      phase);
		sim = sim_find(t, key);
		free(key);
	}
	for (size_t i = SIM_KEY_COLUMNS; i < t->header.count; i++)
		if (sim)
			csv_add(row, sim->fields.field[i]);
		else
			csv_add_empty(row);
}

static char *dir_file(const char *dir, const char *name)
{
	struct strbuf path = { 0 };

	sb_printf(&path, "%s/%s", dir, name);
	return sb_steal(&path);
}

/* The sim columns of one line: the header's names, or a row's values. */
static void add_sim_columns(struct csv_row *row, const struct sim_table *t,
			    const struct csv_fields *fields, bool is_header,
			    bool per_phase)
{
	for (int p = 0; p < KAB_SIM_NR_PHASES; p++) {
		if (per_phase != (p != KAB_SIM_PHASE_case))
			continue;
		if (is_header)
			add_header(row, t, per_phase ? phase_names[p] : NULL);
		else
			add_values(row, t, fields, phase_names[p]);
	}
}

/*
 * Rewrites the CSV DIR/@name with the sim columns before its status
 * column: the case phase's (@per_phase false) or each access phase's,
 * prefixed with the phase. 0; 1 when the file is missing or already has
 * them; -1 on errors.
 */
static int join_file(const char *dir, const char *name,
		     const struct sim_table *t, bool per_phase)
{
	char *path = dir_file(dir, name), *tmp = NULL, *text, *save = NULL;
	struct strbuf out = { 0 };
	int status_column = -1, result = -1;
	size_t len;

	text = read_file(path, &len);
	if (!text) {
		result = errno == ENOENT ? 1 : -1;
		if (result < 0)
			fprintf(stderr, "kallocbench: %s: %s\n", path, strerror(errno));
		goto out;
	}
	for (char *line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		struct csv_fields fields = { 0 };
		struct csv_row row = { 0 };
		bool is_header = status_column < 0;
		char *joined;

		if (!csv_split(line, &fields)) {
			csv_fields_free(&fields);
			continue;
		}
		if (is_header) {
			status_column = column_index(&fields, "status");
			if (status_column < 0 ||
			    column_index(&fields, per_phase ? "alloc_sim_loads" :
							      "sim_loads") >= 0) {
				csv_fields_free(&fields);
				result = 1;
				goto out;
			}
		}
		for (size_t i = 0; i < fields.count; i++) {
			if ((int)i == status_column)
				add_sim_columns(&row, t, &fields, is_header,
						per_phase);
			csv_add(&row, fields.field[i]);
		}
		joined = csv_finish(&row);
		sb_printf(&out, "%s\n", joined);
		free(joined);
		csv_fields_free(&fields);
	}
	tmp = dir_file(dir, "sim-join.tmp");
	if (write_file(tmp, out.text ? out.text : "", out.len) < 0 ||
	    rename(tmp, path) < 0) {
		fprintf(stderr, "kallocbench: cannot rewrite %s: %s\n", path,
			strerror(errno));
		goto out;
	}
	result = 0;
out:
	sb_free(&out);
	free(text);
	free(tmp);
	free(path);
	return result;
}

/* DIR/sim.json into DIR/meta.json as "tlbsim", with the joined model. */
static int join_meta(const char *dir, const struct sim_table *t)
{
	char *meta_path = dir_file(dir, "meta.json");
	char *info_path = dir_file(dir, "sim.json");
	json_t *meta = json_load_file(meta_path, 0, NULL);
	json_t *info = json_load_file(info_path, 0, NULL);
	int result = -1;

	if (!meta || !info) {
		fprintf(stderr, "kallocbench: cannot read %s and %s\n", meta_path,
			info_path);
		goto out;
	}
	json_object_set_new(info, "joined_model", json_string(t->model ? t->model : ""));
	/* The run's own facts about the model (which boot counted) stay. */
	if (json_is_object(json_object_get(meta, "tlbsim")))
		json_object_update_missing(info, json_object_get(meta, "tlbsim"));
	json_object_set(meta, "tlbsim", info);
	if (json_dump_file(meta, meta_path, JSON_INDENT(2) | JSON_SORT_KEYS) < 0) {
		fprintf(stderr, "kallocbench: cannot write %s\n", meta_path);
		goto out;
	}
	result = 0;
out:
	json_decref(meta);
	json_decref(info);
	free(meta_path);
	free(info_path);
	return result;
}

static int join(const char *dir)
{
	char *sim_path = dir_file(dir, "sim.csv");
	struct sim_table t;
	int result = sim_table_read(sim_path, &t);

	free(sim_path);
	if (result == 0 && (join_file(dir, "cases.csv", &t, false) < 0 ||
			    join_file(dir, "access.csv", &t, true) < 0 ||
			    join_meta(dir, &t) < 0))
		result = -1;
	sim_table_free(&t);
	return result < 0 ? 1 : 0;
}

static int models(int argc, char **argv)
{
	int status = 0;
	char known[256];
	const char *names[16];
	size_t count = 0;

	if (argc == 0) {
		for (size_t i = 0; i < sim_nr_cpu_models; i++)
			printf("%-12s %s\n", sim_cpu_models[i].name,
			       sim_cpu_models[i].cpu);
		return 0;
	}
	for (size_t i = 0; i < sim_nr_cpu_models && count < ARRAY_SIZE(names); i++)
		names[count++] = sim_cpu_models[i].name;
	kab_names_join(names, count, known, sizeof(known));
	for (int i = 0; i < argc; i++)
		if (strcmp(argv[i], "none") != 0 && !sim_cpu_model_find(argv[i])) {
			fprintf(stderr, "kallocbench: unknown TLB model '%s' (known: %s, or none)\n",
				argv[i], known);
			status = CLI_USAGE;
		}
	if (argc > KAB_SIM_MAX_MODELS) {
		fprintf(stderr, "kallocbench: at most %d TLB models\n",
			KAB_SIM_MAX_MODELS);
		status = CLI_USAGE;
	}
	return status;
}

int cmd_tlbsim(int argc, char **argv)
{
	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 ||
			  strcmp(argv[1], "-h") == 0))
		return cli_help(tlbsim_usage);
	if (argc >= 2 && strcmp(argv[1], "models") == 0)
		return models(argc - 2, argv + 2);
	if (argc == 3 && strcmp(argv[1], "join") == 0)
		return join(argv[2]);
	return cli_usage_error(tlbsim_usage, NULL);
}
