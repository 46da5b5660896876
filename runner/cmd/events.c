/* `kallocbench events`: tries each event alone, for the calling task, and
 * says whether this machine can count it and why not. */
#include "cmd/events.h"

#include <getopt.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "perf/perf.h"
#include "util/util.h"

static const char events_usage[] =
	"usage: kallocbench events [--json] [EVENT...]\n"
	"\n"
	"Lists which perf events this machine can count, by opening each for\n"
	"the calling task with kernel-side counts included (exclude_kernel=0),\n"
	"and why not when it cannot. EVENTs are perf names (cycles,\n"
	"dTLB-load-misses, page-faults, ...; encoded by libpfm4) or tracepoints\n"
	"subsystem:event (resolved through tracefs); without any, a default\n"
	"catalogue. Also prints kernel.perf_event_paranoid: above 1, only root\n"
	"(CAP_PERFMON) may count kernel-side events.\n"
	"\n"
	"  --json  print a JSON object instead of a table\n";

static void paranoid_text(FILE *out)
{
	int paranoid;

	if (!perf_event_paranoid(&paranoid)) {
		fputs("unknown (/proc/sys/kernel/perf_event_paranoid unreadable)",
		      out);
		return;
	}
	fprintf(out, "%d", paranoid);
	if (paranoid > 1)
		fputs(" (kernel-side counts need root or CAP_PERFMON)", out);
}

static json_t *event_json(const struct perf_event *event)
{
	json_t *json = json_object();

	json_object_set_new(json, "name", json_string(event->name));
	json_object_set_new(json, "kind",
			    event->type == UINT32_MAX ?
				    json_null() :
				    json_string(perf_type_name(event->type)));
	json_object_set_new(json, "supported", json_boolean(event->supported));
	json_object_set_new(json, "reason",
			    event->supported ? json_null() :
					       json_string(event->reason));
	return json;
}

static int print_json(struct perf_group **groups, size_t count)
{
	json_t *json = json_object(), *events = json_array();
	const char *tracefs = perf_tracefs_root();
	int paranoid, result;

	json_object_set_new(json, "perf_event_paranoid",
			    perf_event_paranoid(&paranoid) ?
				    json_integer(paranoid) :
				    json_null());
	json_object_set_new(json, "tracefs",
			    tracefs ? json_string(tracefs) : json_null());
	for (size_t i = 0; i < count; i++)
		json_array_append_new(events, event_json(&groups[i]->events[0]));
	json_object_set_new(json, "events", events);
	result = json_dumpf(json, stdout, JSON_INDENT(2));
	putchar('\n');
	json_decref(json);
	return result < 0 ? 1 : 0;
}

static void print_table(struct perf_group **groups, size_t count)
{
	const char *tracefs = perf_tracefs_root();

	fputs("perf_event_paranoid: ", stdout);
	paranoid_text(stdout);
	printf("\ntracefs: %s\n\n", tracefs ? tracefs : "not mounted");
	printf("%-32s %-10s %-9s %s\n", "EVENT", "KIND", "SUPPORTED",
	       "REASON");
	for (size_t i = 0; i < count; i++) {
		const struct perf_event *event = &groups[i]->events[0];

		printf("%-32s %-10s %-9s %s\n", event->name,
		       event->type == UINT32_MAX ? "-" :
						   perf_type_name(event->type),
		       event->supported ? "yes" : "no", event->reason);
	}
}

int cmd_events(int argc, char **argv)
{
	static const struct option long_options[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *const *names = perf_default_events;
	size_t count = perf_default_event_count;
	struct perf_group **groups;
	bool json = false;
	int option, result = 0;

	optind = 0;
	while ((option = getopt_long(argc, argv, "h", long_options, NULL)) != -1) {
		switch (option) {
		case 'j': json = true; break;
		case 'h': return cli_help(events_usage);
		default: return cli_usage_error(events_usage, NULL);
		}
	}
	if (optind < argc) {
		names = (const char *const *)argv + optind;
		count = (size_t)(argc - optind);
	}
	groups = xcalloc(count, sizeof(*groups));
	/* One group per event: each is tried on its own. */
	for (size_t i = 0; i < count; i++)
		groups[i] = perf_group_open(&names[i], 1, 0, -1);
	if (json)
		result = print_json(groups, count);
	else
		print_table(groups, count);
	for (size_t i = 0; i < count; i++)
		perf_group_close(groups[i]);
	free(groups);
	return result;
}
