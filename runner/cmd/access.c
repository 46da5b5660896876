/* `kallocbench access`: one case of the access benchmark as a whole
 * command, so that hyperfine can time it across separate invocations. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "run/access.h"
#include "cli/cli.h"
#include "device/device.h"
#include "util/names.h"
#include "run/run.h"
#include "util/util.h"

static const char access_usage[] =
	"usage: kallocbench access --allocator NAME --size BYTES --pattern NAME\n"
	"                          [--passes N] [--device PATH]\n"
	"\n"
	"Runs one case of the access benchmark through " KAB_DEVICE_PATH ":\n"
	"allocates a buffer, walks it N times (default 4) and frees it, and\n"
	"prints the figures on one line. BYTES may end in K, M or G. Exits 0\n"
	"when the case ran, 1 when the module refused or failed it, 2 on bad\n"
	"usage.\n";

struct one_options {
	struct sweep_case spec;
	const char *device_path;
};

/* Index of @name among @names, or a usage error naming what it is. */
static int name_option(const char *const *names, size_t count,
		       const char *what, const char *name, uint32_t *value)
{
	int index = kab_name_index(names, count, name);
	struct strbuf message = { 0 };
	int status;

	if (index >= 0) {
		*value = (uint32_t)index;
		return CLI_CONTINUE;
	}
	sb_printf(&message, "unknown %s '%s' (known:", what, name);
	for (size_t i = 0; i < count; i++)
		sb_printf(&message, " %s", names[i]);
	sb_append(&message, ")");
	status = cli_usage_error(access_usage, message.text);
	sb_free(&message);
	return status;
}

static int parse_one_options(int argc, char **argv, struct one_options *options)
{
	static const struct option long_options[] = {
		{ "allocator", required_argument, NULL, 'a' },
		{ "size", required_argument, NULL, 's' },
		{ "pattern", required_argument, NULL, 'p' },
		{ "passes", required_argument, NULL, 'n' },
		{ "device", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	uint32_t allocator = KAB_NR_ALLOCATORS, walk = KAB_NR_ACCESS_PATTERNS;
	int option, status = CLI_CONTINUE;

	optind = 0;
	*options = (struct one_options){
		.spec = { .kind = SWEEP_KIND_access,
			  .passes = SWEEP_DEFAULT_PASSES, .repetitions = 1 },
		.device_path = KAB_DEVICE_PATH,
	};
	while (status == CLI_CONTINUE &&
	       (option = getopt_long(argc, argv, "h", long_options, NULL)) != -1) {
		switch (option) {
		case 'a':
			status = name_option(kab_allocator_names,
					     KAB_NR_ALLOCATORS, "allocator",
					     optarg, &allocator);
			break;
		case 's':
			if (!sweep_parse_size(optarg, &options->spec.size_bytes))
				status = cli_usage_error(access_usage,
							 "bad --size");
			break;
		case 'p':
			status = name_option(kab_access_pattern_names,
					     KAB_NR_ACCESS_PATTERNS, "pattern",
					     optarg, &walk);
			break;
		case 'n':
			if (!sweep_parse_size(optarg, &options->spec.passes) ||
			    !options->spec.passes)
				status = cli_usage_error(access_usage,
							 "bad --passes");
			break;
		case 'd': options->device_path = optarg; break;
		case 'h': return cli_help(access_usage);
		default: return cli_usage_error(access_usage, NULL);
		}
	}
	if (status != CLI_CONTINUE)
		return status;
	if (optind != argc)
		return cli_usage_error(access_usage, "unexpected argument");
	if (allocator == KAB_NR_ALLOCATORS || walk == KAB_NR_ACCESS_PATTERNS ||
	    !options->spec.size_bytes)
		return cli_usage_error(access_usage,
				       "--allocator, --size and --pattern are required");
	options->spec.allocator = (enum kab_allocator)allocator;
	options->spec.walk = (enum kab_access_pattern)walk;
	return CLI_CONTINUE;
}

int cmd_access(int argc, char **argv)
{
	struct one_options options;
	struct access_outcome outcome = { 0 };
	struct strbuf text = { 0 };
	struct kab_info info;
	int status = parse_one_options(argc, argv, &options);
	int fd;

	if (status != CLI_CONTINUE)
		return status;
	fd = device_open_info(options.device_path, &info);
	if (fd < 0)
		return 1;
	access_run(device_access_fn, &fd, &options.spec, NULL, &outcome);
	outcome.status = run_status_of(-outcome.error);
	access_describe(&options.spec, &text);
	sb_append(&text, ": ");
	access_print_outcome(&outcome, &text);
	printf("%s\n", text.text);
	sb_free(&text);
	close(fd);
	return outcome.error ? 1 : 0;
}
