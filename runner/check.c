/* `kallocbench check`: validate a sweep without a kernel. */
#include <stdio.h>

#include "cli.h"
#include "sweep.h"

static const char check_usage[] =
	"usage: kallocbench check SWEEP\n"
	"\n"
	"Parses and validates the sweep file without running it and prints how\n"
	"many cases it has. Sizes and orders that depend on the kernel\n"
	"(kmalloc_max, max, ranges ending there) count as one value each until\n"
	"`run` resolves them. On an error prints FILE:LINE: what is wrong and\n"
	"exits 2.\n";

int cmd_check(int argc, char **argv)
{
	const char *path;
	struct sweep_error err;
	struct sweep sweep;
	size_t cases, kernel_dependent;
	int status = cli_one_argument(argc, argv, check_usage, &path);

	if (status != CLI_CONTINUE)
		return status;
	if (sweep_parse_file(path, &sweep, &err) < 0) {
		status = cli_sweep_error(&sweep, &err);
		sweep_free(&sweep);
		return status;
	}
	cases = sweep_count_cases(&sweep, &kernel_dependent);
	printf("%s: %zu cases in %zu groups", path, cases, sweep.groups);
	if (kernel_dependent)
		printf(" (%zu kernel-dependent size or order entries counted "
		       "as one value each)", kernel_dependent);
	printf("\n");
	sweep_free(&sweep);
	return 0;
}
