/* `kallocbench info`: what the module reports about the kernel. */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "device.h"
#include "results.h"

static const char info_usage[] =
	"usage: kallocbench info [--json] [--device PATH]\n"
	"\n"
	"Prints what the module reports (KAB_IOC_INFO).\n"
	"\n"
	"  --json         print a JSON object instead of a table\n"
	"  --device PATH  the module's device (default " KAB_DEVICE_PATH ")\n";

static void print_info(const struct kab_info *info)
{
	printf("abi_version        %u\n", info->abi_version);
	printf("page_size          %u\n", info->page_size);
	printf("nr_page_orders     %u\n", info->nr_page_orders);
	printf("thread_size        %u\n", info->thread_size);
	printf("preempt_rt         %s\n", info->preempt_rt ? "yes" : "no");
	printf("kmalloc_max_size   %llu\n",
	       (unsigned long long)info->kmalloc_max_size);
	printf("totalram_bytes     %llu\n",
	       (unsigned long long)info->totalram_bytes);
	printf("clock_overhead_ns  %llu\n",
	       (unsigned long long)info->clock_overhead_ns);
	printf("max_iterations     %llu\n",
	       (unsigned long long)info->max_iterations);
	printf("clock              %.*s\n", KAB_NAME_LEN, info->clock);
}

static int print_info_json(const struct kab_info *info)
{
	json_t *json = info_to_json(info);
	int result = json ? json_dumpf(json, stdout, JSON_INDENT(2)) : -1;

	json_decref(json);
	putchar('\n');
	return result;
}

int cmd_info(int argc, char **argv)
{
	static const struct option long_options[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "device", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *device_path = KAB_DEVICE_PATH;
	struct kab_info info;
	bool json = false;
	int option, fd, result;

	optind = 0;
	while ((option = getopt_long(argc, argv, "h", long_options, NULL)) != -1) {
		switch (option) {
		case 'j': json = true; break;
		case 'd': device_path = optarg; break;
		case 'h': return cli_help(info_usage);
		default: return cli_usage_error(info_usage, NULL);
		}
	}
	if (optind != argc)
		return cli_usage_error(info_usage, "unexpected argument");
	fd = device_open(device_path);
	if (fd < 0) {
		fprintf(stderr, "kallocbench: cannot open %s: %m "
			"(is the module loaded?)\n", device_path);
		return 1;
	}
	result = device_info(fd, &info);
	close(fd);
	if (result < 0) {
		fprintf(stderr, "kallocbench: %s: INFO failed: %s\n",
			device_path, strerror(-result));
		return 1;
	}
	if (json)
		return print_info_json(&info) < 0 ? 1 : 0;
	print_info(&info);
	return 0;
}
