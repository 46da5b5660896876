/* `kallocbench info`: what the module reports about the kernel. */
#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

#include "cli/cli.h"
#include "device/device.h"
#include "util/names.h"
#include "output/results.h"

static const char info_usage[] =
	"usage: kallocbench info [--json] [--device PATH]\n"
	"\n"
	"Prints what the module reports (KAB_IOC_INFO).\n"
	"\n"
	"  --json         print a JSON object instead of a table\n"
	"  --device PATH  the module's device (default " KAB_DEVICE_PATH ")\n";

#define INFO_LABEL "%-18s "

static void print_u32(const char *label, uint32_t value)
{
	printf(INFO_LABEL "%u\n", label, value);
}

static void print_u64(const char *label, uint64_t value)
{
	printf(INFO_LABEL "%llu\n", label, (unsigned long long)value);
}

static void print_flag(const char *label, uint32_t value)
{
	printf(INFO_LABEL "%s\n", label, value ? "yes" : "no");
}

static void print_name(const char *label, const char name[static KAB_NAME_LEN])
{
	printf(INFO_LABEL "%.*s\n", label, KAB_NAME_LEN, name);
}

static void print_mechanisms(const char *label,
			     const char names[KAB_NR_CONTEXTS][KAB_NAME_LEN])
{
	printf(INFO_LABEL, label);
	for (int i = 0; i < KAB_NR_CONTEXTS; i++)
		printf("%s%s=%.*s", i ? " " : "", kab_context_names[i],
		       KAB_NAME_LEN, names[i]);
	putchar('\n');
}

#define PRINT_INFO_FIELD(field, kind) print_##kind(#field, info->field);

static void print_info(const struct kab_info *info)
{
	KAB_INFO_FIELD_LIST(PRINT_INFO_FIELD)
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
	int option, fd;

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
	fd = device_open_info(device_path, &info);
	if (fd < 0)
		return 1;
	close(fd);
	if (json)
		return print_info_json(&info) < 0 ? 1 : 0;
	print_info(&info);
	return 0;
}
