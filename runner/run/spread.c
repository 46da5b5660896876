#include "run/spread.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "output/csv.h"
#include "util/names.h"
#include "util/util.h"

extern char **environ;

static const char spread_columns[] = COLUMNS_TEXT(HYPERFINE_COLUMN_LIST)
	ROW_TAIL_COLUMN_LIST(COLUMN_TEXT);

const char *spread_header(void)
{
	return spread_columns + 1;	/* past the first comma */
}

/*
 * hyperfine's own figures, in seconds, for the one command it timed: mean,
 * stddev, median, min, max. NULL unless the export holds them all.
 */
static const char *const figure_names[] = {
	"mean", "stddev", "median", "min", "max",
};

static json_t *first_result(json_t *export)
{
	json_t *results = json_object_get(export, "results");
	json_t *result = json_array_get(results, 0);

	for (size_t i = 0; result && i < ARRAY_SIZE(figure_names); i++)
		if (!json_is_number(json_object_get(result, figure_names[i])))
			return NULL;
	return result;
}

/* Runs hyperfine on @command; its exit status, or -1 when it did not run. */
static int run_hyperfine(const struct spread_plan *plan, const char *command,
			 const char *json_path)
{
	char warmup[24], runs[24];
	char *argv[] = {
		(char *)plan->hyperfine, "--shell=none", "--style", "none",
		"--warmup", warmup, "--runs", runs, "--export-json",
		(char *)json_path, (char *)command, NULL,
	};
	posix_spawn_file_actions_t actions;
	int status = -1, spawned;
	pid_t pid;

	snprintf(warmup, sizeof(warmup), "%u", plan->warmup);
	snprintf(runs, sizeof(runs), "%llu", (unsigned long long)plan->runs);
	/* Its progress would land among the runner's: keep its output out. */
	posix_spawn_file_actions_init(&actions);
	posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null",
					 O_WRONLY, 0);
	posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
	spawned = posix_spawnp(&pid, plan->hyperfine, &actions, NULL, argv,
			       environ);
	posix_spawn_file_actions_destroy(&actions);
	if (spawned) {
		errno = spawned;
		return -1;
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

void spread_measure(const struct spread_plan *plan,
		    const struct run_labels *labels, size_t case_number,
		    const struct sweep_case *spec, struct spread_result *out)
{
	char json_path[] = "/tmp/kallocbench-hyperfine-XXXXXX";
	struct strbuf command = { 0 };
	json_error_t error;
	json_t *export = NULL, *result = NULL;
	struct csv_row row = { 0 };
	char why[96] = "";
	int fd = mkstemp(json_path), status;

	sb_printf(&command, "%s access --allocator %s --size %llu --pattern %s "
		  "--passes %llu --device %s", plan->runner,
		  kab_allocator_names[spec->allocator],
		  (unsigned long long)spec->size_bytes,
		  kab_access_pattern_names[spec->walk],
		  (unsigned long long)spec->passes, plan->device);
	status = fd < 0 ? -1 : run_hyperfine(plan, command.text, json_path);
	if (fd >= 0)
		close(fd);
	if (status == 0) {
		export = json_load_file(json_path, 0, &error);
		result = first_result(export);
	}
	if (fd < 0)
		snprintf(why, sizeof(why), "no temporary file: %s", strerror(errno));
	else if (status < 0)
		snprintf(why, sizeof(why), "cannot run %s: %s", plan->hyperfine,
			 strerror(errno));
	else if (status)
		snprintf(why, sizeof(why), "hyperfine exited %d", status);
	else if (!result)
		snprintf(why, sizeof(why), "hyperfine's export has no results");
	if (fd >= 0)
		unlink(json_path);

	csv_add_u64(&row, case_number);
	csv_add(&row, labels->kernel);
	csv_add(&row, labels->config);
	csv_add(&row, labels->mode);
	csv_add(&row, kab_allocator_names[spec->allocator]);
	csv_add_u64(&row, spec->size_bytes);
	csv_add(&row, kab_access_pattern_names[spec->walk]);
	csv_add_u64(&row, spec->passes);
	csv_add_u64(&row, plan->warmup);
	csv_add_u64(&row, plan->runs);
	for (size_t i = 0; i < ARRAY_SIZE(figure_names); i++) {
		char text[32];

		if (!result) {
			csv_add_empty(&row);
			continue;
		}
		/* seconds to microseconds, the scale of one invocation */
		snprintf(text, sizeof(text), "%.1f", 1e6 *
			 json_number_value(json_object_get(result, figure_names[i])));
		csv_add(&row, text);
	}
	csv_add(&row, result ? "ok" : "failed");
	csv_add(&row, why);
	out->csv_row = csv_finish(&row);
	out->json_line = NULL;
	if (result) {
		json_object_set_new(result, "case", json_integer((json_int_t)case_number));
		out->json_line = json_dumps(result, JSON_COMPACT | JSON_SORT_KEYS |
					    JSON_REAL_PRECISION(12));
	}
	out->ok = result != NULL;
	out->mean_us = 1e6 * json_number_value(json_object_get(result, "mean"));
	out->stddev_us = 1e6 * json_number_value(json_object_get(result, "stddev"));
	json_decref(export);
	sb_free(&command);
}
