#include "cli/cli.h"

#include <getopt.h>
#include <stdio.h>

int cli_help(const char *usage)
{
	fputs(usage, stdout);
	return 0;
}

int cli_usage_error(const char *usage, const char *problem)
{
	if (problem)
		fprintf(stderr, "kallocbench: %s\n", problem);
	fputs(usage, stderr);
	return CLI_USAGE;
}

int cli_sweep_error(const struct sweep *sweep, const struct sweep_error *err)
{
	if (err->line)
		fprintf(stderr, "%s:%u: %s\n", sweep->path, err->line,
			err->message);
	else
		fprintf(stderr, "%s: %s\n", sweep->path, err->message);
	return CLI_USAGE;
}

int cli_one_argument(int argc, char **argv, const char *usage,
		     const char **argument)
{
	static const struct option long_options[] = {
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int option;

	optind = 0;
	while ((option = getopt_long(argc, argv, "h", long_options, NULL)) != -1)
		return option == 'h' ? cli_help(usage) :
				       cli_usage_error(usage, NULL);
	if (argc - optind != 1)
		return cli_usage_error(usage, "expected one argument");
	*argument = argv[optind];
	return CLI_CONTINUE;
}
