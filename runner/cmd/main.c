/* kallocbench: the userspace runner of the kallocbench module. */
#include <stdio.h>
#include <string.h>

#include "analysis/breakeven.h"
#include "cli/cli.h"
#include "analysis/compare.h"
#include "cmd/events.h"
#include "cmd/select.h"
#include "facts/facts.h"
#include "analysis/tlbsim.h"
#include "util/util.h"

#include <kallocbench.h>

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

static const struct command commands[] = {
	{ "info", cmd_info, "print what the module reports about the kernel" },
	{ "check", cmd_check, "validate a sweep file and count its cases" },
	{ "run", cmd_run, "run a sweep through the module, writing results" },
	{ "collect", cmd_collect, "demultiplex a results stream on the host" },
	{ "summary", cmd_summary, "print a table of a run's cases.csv" },
	{ "select", cmd_select,
	  "print columns of a results CSV by name, rows chosen by value" },
	{ "events", cmd_events, "list the perf events this machine can count" },
	{ "compare", cmd_compare, "compare runs case by case, with a report" },
	{ "report", cmd_report, "rewrite a comparison's report.md and index.html" },
	{ "access", cmd_access,
	  "run one access-benchmark case, e.g. for hyperfine" },
	{ "breakeven", cmd_breakeven,
	  "when vmalloc's total cost overtakes kmalloc's, from access.csv" },
	{ "facts", cmd_facts, "measure textbook claims about kernel memory" },
	{ "tlbsim", cmd_tlbsim,
	  "the simulated MMU's CPU models; join its counts to a run" },
};

static void print_usage(FILE *out)
{
	int width = 0;

	/* as wide as the longest command, so every summary has its space */
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		if ((int)strlen(commands[i].name) > width)
			width = (int)strlen(commands[i].name);
	fputs("usage: kallocbench COMMAND [OPTIONS]   (COMMAND --help for more)\n"
	      "       kallocbench --version\n\ncommands:\n", out);
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		fprintf(out, "  %-*s  %s\n", width, commands[i].name,
			commands[i].summary);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		print_usage(stderr);
		return CLI_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		print_usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("kallocbench %s (ABI %d)\n", runner_version,
		       KAB_ABI_VERSION);
		return 0;
	}
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "kallocbench: unknown command '%s'\n", argv[1]);
	print_usage(stderr);
	return CLI_USAGE;
}
