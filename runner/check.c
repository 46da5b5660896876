/* `kallocbench check`: validate a sweep without a kernel. */
#include <stdio.h>

#include "cli.h"
#include "sweep.h"

static const char check_usage[] =
	"usage: kallocbench check SWEEP\n"
	"\n"
	"Parses and validates the sweep file without running it and prints how\n"
	"many cases it has, counted as `run` expands it: the rows of cases.csv\n"
	"and access.csv and the n of the progress line's [i/n]. Sizes and\n"
	"orders that depend on the kernel (kmalloc_max, max) are resolved as on\n"
	"Debian's x86-64 kernels (KMALLOC_MAX_SIZE 4M, orders 0..10); another\n"
	"kernel may give another count. On an error prints FILE:LINE: what is\n"
	"wrong and exits 2.\n";

int cmd_check(int argc, char **argv)
{
	const char *path;
	struct sweep_error err;
	struct sweep_cases cases = { 0 };
	struct sweep_count count;
	struct sweep sweep;
	int status = cli_one_argument(argc, argv, check_usage, &path);

	if (status != CLI_CONTINUE)
		return status;
	if (sweep_parse_file(path, &sweep, &err) < 0 ||
	    sweep_expand(&sweep, &sweep_reference_kernel, &cases, &err) < 0) {
		status = cli_sweep_error(&sweep, &err);
		sweep_free(&sweep);
		return status;
	}
	sweep_count(&cases, &count);
	printf("%s: %zu cases in %zu groups (%zu allocation, %zu access)",
	       path, count.cases[SWEEP_KIND_alloc] + count.cases[SWEEP_KIND_access],
	       sweep.groups, count.cases[SWEEP_KIND_alloc],
	       count.cases[SWEEP_KIND_access]);
	if (count.runs != cases.count)
		printf(", %zu runs with their repetitions", count.runs);
	if (sweep_kernel_dependent_entries(&sweep))
		printf("; kmalloc_max and max as on x86-64 (4M, order 10)");
	printf("\n");
	sweep_cases_free(&cases);
	sweep_free(&sweep);
	return 0;
}
