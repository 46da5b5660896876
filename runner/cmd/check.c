/* `kallocbench check`: validate a sweep without a kernel. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "sweep/sweep.h"

static const char check_usage[] =
	"usage: kallocbench check [--get KEY] SWEEP\n"
	"\n"
	"Parses and validates the sweep file without running it and prints how\n"
	"many cases it has, counted as `run` expands it: the rows of cases.csv\n"
	"and access.csv and the n of the progress line's [i/n]. Sizes and\n"
	"orders that depend on the kernel (kmalloc_max, max) are resolved as on\n"
	"Debian's x86-64 kernels (KMALLOC_MAX_SIZE 4M, orders 0..10); another\n"
	"kernel may give another count. On an error prints FILE:LINE: what is\n"
	"wrong and exits 2.\n"
	"\n"
	"  --get KEY   print the value [sweep] gives KEY (memory_mb, tlb_model),\n"
	"              nothing when it gives none, instead of the count\n";

/* Keys of [sweep] the scripts read before anything boots. */
static int print_setting(const struct sweep *sweep, const char *key)
{
	const struct sweep_section *header = &sweep->header;

	if (strcmp(key, "memory_mb") == 0) {
		if (header->key_line[SWEEP_KEY_memory_mb])
			printf("%llu\n", (unsigned long long)
			       header->memory_mb);
		return 0;
	}
	if (strcmp(key, "tlb_model") == 0) {
		for (size_t i = 0; i < header->tlb_models.count; i++)
			printf("%s%s", i ? " " : "", header->tlb_models.name[i]);
		if (header->tlb_models.count)
			printf("\n");
		return 0;
	}
	return cli_usage_error(check_usage, "--get knows memory_mb and tlb_model");
}

int cmd_check(int argc, char **argv)
{
	static const struct option long_options[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "get", required_argument, NULL, 'g' },
		{ 0 },
	};
	const char *path, *get = NULL;
	struct sweep_error err;
	struct sweep_cases cases = { 0 };
	struct sweep_count count;
	struct sweep sweep;
	int option, status;

	optind = 0;
	while ((option = getopt_long(argc, argv, "h", long_options, NULL)) != -1) {
		if (option == 'h')
			return cli_help(check_usage);
		if (option != 'g')
			return cli_usage_error(check_usage, NULL);
		get = optarg;
	}
	if (argc - optind != 1)
		return cli_usage_error(check_usage, "expected one sweep");
	path = argv[optind];
	if (sweep_parse_file(path, &sweep, &err) < 0) {
		status = cli_sweep_error(&sweep, &err);
		sweep_free(&sweep);
		return status;
	}
	if (get) {
		status = print_setting(&sweep, get);
		sweep_free(&sweep);
		return status;
	}
	if (sweep_expand(&sweep, &sweep_reference_kernel, &cases, &err) < 0) {
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
