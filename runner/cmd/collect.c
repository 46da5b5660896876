#include "cmd/collect.h"

#include <ctype.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "run/access.h"
#include "run/spread.h"

static const char collect_usage[] =
	"usage: kallocbench collect --serial FILE --out DIR\n"
	"                           [--fact KEY=VALUE]... [--fact-file KEY=PATH]...\n"
	"\n"
	"Sorts the FILENAME<TAB>LINE records a `run --stream` or `facts --stream`\n"
	"wrote (e.g. to a guest's serial port) into DIR's files, skipping noise\n"
	"and a partial last line, and writes DIR/meta.json: the guest's\n"
	"guest.json under \"guest\" plus the facts. Every file of the stream's\n"
	"kind is always written, a CSV without rows as its header only: for a\n"
	"run guest.json, cases.csv, histograms.csv, access.csv, hyperfine.csv\n"
	"and hyperfine.json, for facts guest.json, facts.json, facts.md,\n"
	"ksize.csv and zones.csv; the fragmentation and pressure records\n"
	"(frag*.csv, frag/NAME, pressure/NAME) as the stream holds them.\n"
	"Histogram rows of a case without a cases.csv row (the case in flight\n"
	"when the guest died) are dropped.\n"
	"\n"
	"  --serial FILE         the captured stream\n"
	"  --out DIR             where to write (created if missing)\n"
	"  --fact KEY=VALUE      a fact; dots in KEY nest: kernel.release=6.1\n"
	"  --fact-file KEY=PATH  a fact whose value is the text of PATH\n"
	"\n"
	"Exits 1 when the stream holds no guest.json header.\n";

static struct strbuf *extra_text(struct collect_output *out, const char *name)
{
	for (size_t i = 0; i < out->extras; i++)
		if (strcmp(out->extra[i].name, name) == 0)
			return &out->extra[i].text;
	xgrow((void **)&out->extra, &out->extra_capacity, out->extras + 1,
	      sizeof(*out->extra));
	out->extra[out->extras] = (struct collect_extra){ .name = xstrdup(name) };
	return &out->extra[out->extras++].text;
}

static void demux_line(const char *line, size_t len, struct collect_output *out)
{
	const char *tab = memchr(line, '\t', len);
	char name[RESULTS_EXTRA_NAME_MAX + 1];
	struct strbuf *text;
	int file;

	if (len && line[len - 1] == '\r')
		len--;
	if (!tab || (size_t)(tab - line) >= sizeof(name)) {
		out->noise++;
		return;
	}
	snprintf(name, sizeof(name), "%.*s", (int)(tab - line), line);
	file = results_file_index(name);
	if (file < 0 && !results_extra_name_ok(name)) {
		out->noise++;
		return;
	}
	text = file < 0 ? extra_text(out, name) : &out->text[file];
	tab++;
	sb_append_len(text, tab, len - (size_t)(tab - line));
	sb_append(text, "\n");
	if (file >= 0)
		out->lines[file]++;
}

void collect_demux(const char *data, size_t len, struct collect_output *out)
{
	const char *end = data + len;

	*out = (struct collect_output){ 0 };
	while (data < end) {
		const char *newline = memchr(data, '\n', (size_t)(end - data));

		if (!newline) {
			out->partial = true;
			return;
		}
		demux_line(data, (size_t)(newline - data), out);
		data = newline + 1;
	}
}

struct case_key {
	uint64_t number;
	uint64_t repetition;
};

/* The leading "CASE,REPETITION," of a data row; false for a header. */
static bool parse_case_key(const char *line, struct case_key *key)
{
	char *end;

	if (!isdigit((unsigned char)*line))
		return false;
	key->number = strtoull(line, &end, 10);
	if (*end != ',' || !isdigit((unsigned char)end[1]))
		return false;
	key->repetition = strtoull(end + 1, &end, 10);
	return *end == ',';
}

static int compare_keys(const void *a, const void *b)
{
	const struct case_key *x = a, *y = b;

	if (x->number != y->number)
		return x->number < y->number ? -1 : 1;
	return (x->repetition > y->repetition) - (x->repetition < y->repetition);
}

/* The next newline-terminated line at *@cursor (may be NULL), or NULL. */
static const char *next_line(const char **cursor, size_t *len)
{
	const char *line = *cursor;
	const char *newline = line ? strchr(line, '\n') : NULL;

	if (!newline)
		return NULL;
	*len = (size_t)(newline - line);
	*cursor = newline + 1;
	return line;
}

void collect_drop_orphans(struct collect_output *out)
{
	const char *cases = out->text[RESULTS_CASES_CSV].text;
	const char *buckets = out->text[RESULTS_HISTOGRAMS_CSV].text;
	struct case_key *keys = NULL, key;
	size_t nr_keys = 0, capacity = 0, len, kept_lines = 0;
	struct strbuf kept = { 0 };
	const char *line;

	while ((line = next_line(&cases, &len))) {
		if (!parse_case_key(line, &key))
			continue;
		xgrow((void **)&keys, &capacity, nr_keys + 1, sizeof(*keys));
		keys[nr_keys++] = key;
	}
	if (nr_keys)
		qsort(keys, nr_keys, sizeof(*keys), compare_keys);
	while ((line = next_line(&buckets, &len))) {
		if (parse_case_key(line, &key) &&
		    !(nr_keys && bsearch(&key, keys, nr_keys, sizeof(*keys),
					 compare_keys))) {
			out->orphans++;
			continue;
		}
		sb_append_len(&kept, line, len + 1);
		kept_lines++;
	}
	sb_free(&out->text[RESULTS_HISTOGRAMS_CSV]);
	out->text[RESULTS_HISTOGRAMS_CSV] = kept;
	out->lines[RESULTS_HISTOGRAMS_CSV] = kept_lines;
	free(keys);
}

void collect_output_free(struct collect_output *out)
{
	for (int file = 0; file < RESULTS_NR_FILES; file++)
		sb_free(&out->text[file]);
	for (size_t i = 0; i < out->extras; i++) {
		free(out->extra[i].name);
		sb_free(&out->extra[i].text);
	}
	free(out->extra);
}

static json_t *child_object(json_t *parent, const char *name)
{
	json_t *child = json_object_get(parent, name);

	if (!child) {
		child = json_object();
		json_object_set_new(parent, name, child);
	}
	return json_is_object(child) ? child : NULL;
}

int meta_add_fact(json_t *meta, const char *key, json_t *value,
		  char *why, size_t why_len)
{
	char *path = xstrdup(key), *save = NULL, *part, *next;
	json_t *node = meta;
	int result = 0;

	if (!*key || key[0] == '.' || key[strlen(key) - 1] == '.' ||
	    strstr(key, "..")) {
		snprintf(why, why_len, "fact key '%s' has an empty part", key);
		result = -1;
	}
	for (part = strtok_r(path, ".", &save); result == 0 && part; part = next) {
		next = strtok_r(NULL, ".", &save);
		if (next && !(node = child_object(node, part))) {
			snprintf(why, why_len, "fact '%s': '%s' is already a value",
				 key, part);
			result = -1;
		} else if (!next && json_object_get(node, part)) {
			snprintf(why, why_len, "fact '%s' is already set", key);
			result = -1;
		} else if (!next) {
			json_object_set(node, part, value);
		}
	}
	json_decref(value);
	free(path);
	return result;
}

struct fact_arg {
	const char *arg;
	bool from_file;
};

struct collect_options {
	const char *serial;
	const char *out_dir;
	struct fact_arg *facts;
	size_t nr_facts;
	size_t capacity;
};

static int parse_collect_options(int argc, char **argv,
				 struct collect_options *options)
{
	static const struct option long_options[] = {
		{ "serial", required_argument, NULL, 's' },
		{ "out", required_argument, NULL, 'o' },
		{ "fact", required_argument, NULL, 'f' },
		{ "fact-file", required_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int option;

	optind = 0;
	while ((option = getopt_long(argc, argv, "h", long_options, NULL)) != -1) {
		switch (option) {
		case 's': options->serial = optarg; break;
		case 'o': options->out_dir = optarg; break;
		case 'f': case 'F':
			xgrow((void **)&options->facts, &options->capacity,
			      options->nr_facts + 1, sizeof(*options->facts));
			options->facts[options->nr_facts++] = (struct fact_arg){
				optarg, option == 'F' };
			if (!strchr(optarg, '='))
				return cli_usage_error(collect_usage,
						       "a fact is KEY=VALUE");
			break;
		case 'h': return cli_help(collect_usage);
		default: return cli_usage_error(collect_usage, NULL);
		}
	}
	if (optind != argc)
		return cli_usage_error(collect_usage, "unexpected argument");
	if (!options->serial || !options->out_dir)
		return cli_usage_error(collect_usage,
				       "--serial and --out are required");
	return CLI_CONTINUE;
}

static json_t *fact_value(const struct fact_arg *fact, const char *value)
{
	char *text;
	json_t *json;

	if (!fact->from_file)
		return json_text(value);
	text = read_file(value, NULL);
	if (!text) {
		fprintf(stderr, "kallocbench: cannot read %s: %m\n", value);
		return NULL;
	}
	json = json_text(text);
	free(text);
	return json;
}

static int add_facts(json_t *meta, const struct collect_options *options)
{
	char why[256];

	for (size_t i = 0; i < options->nr_facts; i++) {
		const struct fact_arg *fact = &options->facts[i];
		const char *equals = strchr(fact->arg, '=');
		char *key = xstrndup(fact->arg, (size_t)(equals - fact->arg));
		json_t *value = fact_value(fact, equals + 1);
		int result = value ? meta_add_fact(meta, key, value, why,
						   sizeof(why)) : -1;

		if (value && result < 0)
			fprintf(stderr, "kallocbench: %s\n", why);
		free(key);
		if (result < 0)
			return -1;
	}
	return 0;
}

static json_t *build_meta(const struct collect_output *out,
			  const struct collect_options *options)
{
	json_error_t error;
	json_t *guest = json_loads(out->text[RESULTS_GUEST_JSON].text, 0, &error);
	json_t *meta;

	if (!json_is_object(guest)) {
		fprintf(stderr, "kallocbench: %s: guest.json is not a JSON object: %s\n",
			options->serial, error.text);
		json_decref(guest);
		return NULL;
	}
	meta = json_pack("{s:o}", "guest", guest);
	if (add_facts(meta, options) < 0) {
		json_decref(meta);
		return NULL;
	}
	return meta;
}

const char *results_empty_header(enum results_file file)
{
	switch (file) {
	case RESULTS_CASES_CSV: return results_cases_header();
	case RESULTS_HISTOGRAMS_CSV: return COLUMNS_HEADER(HISTOGRAMS_COLUMN_LIST);
	case RESULTS_ACCESS_CSV: return access_empty_header();
	case RESULTS_HYPERFINE_CSV: return spread_header();
	default: return NULL;
	}
}

static int write_outputs(const struct collect_output *out, const json_t *meta,
			 const char *dir)
{
	struct strbuf path = { 0 }, meta_text = { 0 }, header = { 0 };
	char *json = json_dumps(meta, JSON_INDENT(2));
	int result = json ? make_dirs(dir) : -1;

	for (int file = 0; file < RESULTS_NR_FILES && result == 0; file++) {
		const char *text = out->text[file].text;
		size_t len = out->text[file].len;

		/* A facts stream has no cases; a run stream no facts. */
		if (!out->lines[file] && file != RESULTS_GUEST_JSON &&
		    collect_is_facts(out) != results_file_is_facts(file))
			continue;
		/* Every file, so that no stale one from before survives. */
		sb_reset(&header);
		if (!out->lines[file] && file != RESULTS_GUEST_JSON) {
			const char *line =
				results_empty_header((enum results_file)file);

			if (line)
				sb_printf(&header, "%s\n", line);
			text = header.text;
			len = header.len;
		}
		sb_reset(&path);
		sb_printf(&path, "%s/%s", dir, results_file_names[file]);
		result = write_file(path.text, text ? text : "", len);
	}
	for (size_t i = 0; i < out->extras && result == 0; i++) {
		sb_reset(&path);
		sb_printf(&path, "%s/%s", dir, out->extra[i].name);
		*strrchr(path.text, '/') = '\0';
		result = make_dirs(path.text);
		path.text[strlen(path.text)] = '/';
		if (result == 0)
			result = write_file(path.text, out->extra[i].text.text,
					    out->extra[i].text.len);
	}
	if (result == 0) {
		sb_reset(&path);
		sb_printf(&path, "%s/meta.json", dir);
		sb_printf(&meta_text, "%s\n", json);
		result = write_file(path.text, meta_text.text, meta_text.len);
	}
	if (result < 0)
		fprintf(stderr, "kallocbench: cannot write %s: %m\n",
			path.text ? path.text : dir);
	free(json);
	sb_free(&header);
	sb_free(&meta_text);
	sb_free(&path);
	return result;
}

static int check_stream(const struct collect_output *out, const char *serial)
{
	if (out->lines[RESULTS_GUEST_JSON] == 0) {
		fprintf(stderr, "kallocbench: %s: no guest.json header: "
			"the run never started\n", serial);
		return -1;
	}
	if (out->lines[RESULTS_GUEST_JSON] > 1) {
		fprintf(stderr, "kallocbench: %s holds %zu runs; collect one "
			"stream per run\n", serial, out->lines[RESULTS_GUEST_JSON]);
		return -1;
	}
	return 0;
}

bool collect_is_facts(const struct collect_output *out)
{
	return out->lines[RESULTS_FACTS_JSON] || out->lines[RESULTS_FACTS_MD];
}

static void print_collected(const struct collect_output *out, const char *dir)
{
	size_t cases = out->lines[RESULTS_CASES_CSV];
	size_t buckets = out->lines[RESULTS_HISTOGRAMS_CSV];

	if (collect_is_facts(out)) {
		printf("collected the facts (%zu facts.json lines, %zu ksize "
		       "classes) into %s\n", out->lines[RESULTS_FACTS_JSON],
		       out->lines[RESULTS_KSIZE_CSV] ?
		       out->lines[RESULTS_KSIZE_CSV] - 1 : 0, dir);
		return;
	}
	printf("collected %zu case rows and %zu histogram rows into %s",
	       cases ? cases - 1 : 0, buckets ? buckets - 1 : 0, dir);
	if (out->noise)
		printf("; skipped %zu noise lines", out->noise);
	if (out->partial)
		printf("; dropped a partial last line");
	if (out->orphans)
		printf("; dropped %zu histogram rows of unfinished cases",
		       out->orphans);
	if (out->extras)
		printf("; %zu fragmentation records", out->extras);
	printf("\n");
}

static int collect(const struct collect_options *options)
{
	struct collect_output out;
	json_t *meta = NULL;
	size_t len;
	char *data = read_file(options->serial, &len);
	int status = 1;

	if (!data) {
		fprintf(stderr, "kallocbench: cannot read %s: %m\n",
			options->serial);
		return 1;
	}
	collect_demux(data, len, &out);
	collect_drop_orphans(&out);
	if (check_stream(&out, options->serial) == 0)
		meta = build_meta(&out, options);
	if (meta && write_outputs(&out, meta, options->out_dir) == 0) {
		print_collected(&out, options->out_dir);
		status = 0;
	}
	json_decref(meta);
	collect_output_free(&out);
	free(data);
	return status;
}

int cmd_collect(int argc, char **argv)
{
	struct collect_options options = { 0 };
	int status = parse_collect_options(argc, argv, &options);

	if (status == CLI_CONTINUE)
		status = collect(&options);
	free(options.facts);
	return status;
}
