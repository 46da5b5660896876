/* What the subcommands share: exit codes, usage and error printing. */
#ifndef KAB_CLI_H
#define KAB_CLI_H

#include "sweep/sweep.h"

/* Exit status for bad usage or a bad sweep. */
#define CLI_USAGE 2
/* Returned by option parsers when the command should go on. */
#define CLI_CONTINUE (-1)

extern const char runner_version[];

/* Prints @usage to stdout; returns 0. */
int cli_help(const char *usage);
/* Prints @problem (may be NULL) and @usage to stderr; returns CLI_USAGE. */
int cli_usage_error(const char *usage, const char *problem);
/* Prints "FILE:LINE: message" to stderr; returns CLI_USAGE. */
int cli_sweep_error(const struct sweep *sweep, const struct sweep_error *err);
/* Parses options that are only --help, then one positional argument. */
int cli_one_argument(int argc, char **argv, const char *usage,
		     const char **argument);

int cmd_info(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_collect(int argc, char **argv);
int cmd_summary(int argc, char **argv);
int cmd_access(int argc, char **argv);

#endif
