/* `kallocbench facts`: measure the claims, judge them, write the table. */
#include "facts/facts.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <jansson.h>

#include "cli/cli.h"
#include "device/device.h"
#include "util/names.h"
#include "output/results.h"

static const char facts_usage[] =
	"usage: kallocbench facts [--out DIR] [--stream DEV] [--device PATH]\n"
	"                         [--leak-module PATH] [--leak-bytes N]\n"
	"                         [--kernel-config PATH] [--checkstack PATH]\n"
	"                         [--vmalloc-max BYTES]\n"
	"\n"
	"Measures textbook claims about kernel memory on the running kernel\n"
	"(zones, buddy orders, KMALLOC_MAX_SIZE, ksize classes, ZERO_SIZE_PTR,\n"
	"init_on_alloc, krealloc, contiguity, zones of pages, vmalloc's limit,\n"
	"a leak outliving its module, kernel stacks, the address layout),\n"
	"prints the table and writes facts.json, facts.md, ksize.csv and\n"
	"zones.csv (plus guest.json) into DIR and/or as FILE<TAB>LINE records\n"
	"to DEV, as `run` does. A claim that cannot be measured says why.\n"
	"\n"
	"  --out DIR             write the files into DIR\n"
	"  --stream DEV          stream them to DEV (e.g. /dev/ttyS1)\n"
	"  --device PATH         the module's device (default " KAB_DEVICE_PATH ")\n"
	"  --leak-module PATH    kallocbench_leak.ko (default /kallocbench_leak.ko);\n"
	"                        loaded only in a guest (KAB_MODE= on /proc/cmdline)\n"
	"  --leak-bytes N        bytes it leaks (default 16 MiB)\n"
	"  --kernel-config PATH  the kernel's .config (default /kernel.config)\n"
	"  --checkstack PATH     checkstack.pl output for bench-mod\n"
	"                        (default /checkstack.txt)\n"
	"  --vmalloc-max BYTES   first size the vmalloc limit probe tries, then\n"
	"                        doubles until one fails (default: 64 MiB)\n";

struct facts_options {
	const char *out_dir;
	const char *stream;
	const char *device;
	const char *leak_module;
	uint64_t leak_bytes;
	const char *kernel_config;
	const char *checkstack;
	uint64_t vmalloc_max;
};

static int probe(int fd, enum kab_probe_id id, struct probe_result *r)
{
	r->p.size = sizeof(r->p);
	r->p.abi_version = KAB_ABI_VERSION;
	r->p.probe = id;
	r->done = false;
	r->error = fd < 0 ? ENODEV : 0;
	if (fd < 0) {
		snprintf(r->p.reason, sizeof(r->p.reason), "the module's device "
			 "is not open");
		return -1;
	}
	if (device_probe(fd, &r->p) < 0) {
		r->error = errno;
		return -1;
	}
	r->done = true;
	return 0;
}

static uint64_t parse_u64(const char *text, const char *what)
{
	char *end;
	unsigned long long value;

	errno = 0;
	value = strtoull(text, &end, 0);
	if (errno || end == text || *end) {
		fprintf(stderr, "kallocbench: %s: '%s' is not a number\n", what,
			text);
		exit(CLI_USAGE);
	}
	return value;
}

static void read_proc(struct facts *f)
{
	char *text;

	text = read_file("/proc/zoneinfo", NULL);
	if (text) {
		f->zoneinfo_read = true;
		f->nr_zones = zoneinfo_parse(text, f->zones, FACTS_MAX_ZONES);
		free(text);
	}
	text = read_file("/proc/buddyinfo", NULL);
	f->buddy_columns = text ? buddyinfo_columns(text) : -1;
	free(text);
	text = read_file("/proc/meminfo", NULL);
	if (text)
		f->vmalloc_total_read = meminfo_bytes(text, "VmallocTotal",
						      &f->vmalloc_total) == 0;
	free(text);
}

static void probe_ksize(int fd, struct facts *f)
{
	f->ksize.p.classes = (uintptr_t)f->classes;
	f->ksize.p.max_classes = KAB_MAX_KSIZE_CLASSES;
	if (probe(fd, KAB_PROBE_ksize_classes, &f->ksize) == 0)
		f->nr_classes = f->ksize.p.nr_classes;
}

/* The class @request falls in, 0 when the table does not say. */
static uint64_t class_of(const struct facts *f, uint64_t request)
{
	for (size_t i = 0; i < f->nr_classes; i++)
		if (request >= f->classes[i].first_request &&
		    request <= f->classes[i].class_size)
			return f->classes[i].class_size;
	return 0;
}

static void probe_krealloc(int fd, struct facts *f)
{
	uint64_t from = 100, class = class_of(f, from);

	if (!class) {
		f->krealloc_within.error = f->krealloc_across.error = ENODATA;
		f->krealloc_within.p.probe = KAB_PROBE_krealloc;
		snprintf(f->krealloc_within.p.reason, KAB_REASON_LEN,
			 "the ksize classes are not known");
		f->krealloc_across.p = f->krealloc_within.p;
		return;
	}
	f->krealloc_within.p.size_bytes = from;
	f->krealloc_within.p.new_size_bytes = class;
	probe(fd, KAB_PROBE_krealloc, &f->krealloc_within);
	f->krealloc_across.p.size_bytes = from;
	f->krealloc_across.p.new_size_bytes = class + 1;
	probe(fd, KAB_PROBE_krealloc, &f->krealloc_across);
}

#define GFP_BIT(name) (1U << KAB_GFP_BIT_##name)

static void add_buffer(int fd, struct facts *f, const char *label,
		       uint32_t allocator, uint32_t gfp, uint64_t size,
		       uint32_t order)
{
	struct facts_buffer *b;

	if (f->nr_buffers >= FACTS_MAX_BUFFERS)
		return;
	b = &f->buffers[f->nr_buffers++];
	*b = (struct facts_buffer){ .allocator = allocator, .gfp = gfp,
				    .size_bytes = size, .order = order };
	snprintf(b->label, sizeof(b->label), "%s", label);
	b->result.p.allocator = allocator;
	b->result.p.gfp = gfp;
	b->result.p.size_bytes = size;
	b->result.p.order = order;
	probe(fd, KAB_PROBE_zones, &b->result);
}

static void probe_buffers(int fd, struct facts *f)
{
	uint64_t kmax = f->info_read ? f->info.kmalloc_max_size : 4 << 20;
	uint32_t top = f->info_read ? f->info.nr_page_orders - 1 : 10;
	char label[48], size[24];

	add_buffer(fd, f, "kmalloc 4K", KAB_ALLOC_kmalloc, 0, 4096, 0);
	add_buffer(fd, f, "kmalloc 1M", KAB_ALLOC_kmalloc, 0, 1 << 20, 0);
	format_size(kmax, size);
	snprintf(label, sizeof(label), "kmalloc %s", size);
	add_buffer(fd, f, label, KAB_ALLOC_kmalloc, 0, kmax, 0);
	add_buffer(fd, f, "alloc_pages order 0", KAB_ALLOC_alloc_pages, 0, 0, 0);
	add_buffer(fd, f, "alloc_pages order 4", KAB_ALLOC_alloc_pages, 0, 0, 4);
	snprintf(label, sizeof(label), "alloc_pages order %u", top);
	add_buffer(fd, f, label, KAB_ALLOC_alloc_pages, 0, 0, top);
	add_buffer(fd, f, "vmalloc 64K", KAB_ALLOC_vmalloc, 0, 64 << 10, 0);
	add_buffer(fd, f, "vmalloc 1M", KAB_ALLOC_vmalloc, 0, 1 << 20, 0);
	add_buffer(fd, f, "vmalloc 4M", KAB_ALLOC_vmalloc, 0, 4 << 20, 0);
	add_buffer(fd, f, "vmalloc 16M", KAB_ALLOC_vmalloc, 0, 16 << 20, 0);
	add_buffer(fd, f, "kmalloc 4K GFP_DMA", KAB_ALLOC_kmalloc,
		   GFP_BIT(GFP_DMA), 4096, 0);
	add_buffer(fd, f, "alloc_pages order 0 GFP_DMA", KAB_ALLOC_alloc_pages,
		   GFP_BIT(GFP_DMA), 0, 0);
	add_buffer(fd, f, "alloc_pages order 4 GFP_DMA32", KAB_ALLOC_alloc_pages,
		   GFP_BIT(GFP_DMA32), 0, 4);
	add_buffer(fd, f, "vmalloc_32 1M", KAB_ALLOC_vmalloc, GFP_BIT(GFP_DMA32),
		   1 << 20, 0);
}

/* kmalloc vs kzalloc: the amortized alloc+free pair of a short case. */
static void measure_costs(int fd, struct facts *f)
{
	static const uint64_t sizes[FACTS_COST_SIZES] = { 64, 4096, 65536 };

	for (int i = 0; i < FACTS_COST_SIZES; i++) {
		struct facts_cost *c = &f->costs[i];
		uint64_t ns[2];
		bool ok = fd >= 0;

		c->size_bytes = sizes[i];
		for (int k = 0; k < 2 && ok; k++) {
			struct kab_case request = {
				.allocator = k ? KAB_ALLOC_kzalloc : KAB_ALLOC_kmalloc,
				.context = KAB_CONTEXT_process,
				.pattern = KAB_PATTERN_pair,
				.gfp = GFP_BIT(GFP_KERNEL),
				.size_bytes = sizes[i],
				.iterations = 2000,
				.warmup = 200,
			};

			ok = device_run_case(fd, &request) == 0 &&
			     request.failures == 0;
			ns[k] = request.pair_amortized_ns;
		}
		c->measured = ok;
		if (ok) {
			c->kmalloc_ns = ns[0];
			c->kzalloc_ns = ns[1];
		}
	}
}

static void meminfo_snapshot(struct meminfo_snapshot *s)
{
	char *text = read_file("/proc/meminfo", NULL);

	s->read = text && meminfo_bytes(text, "Slab", &s->slab) == 0 &&
		  meminfo_bytes(text, "SUnreclaim", &s->sunreclaim) == 0 &&
		  meminfo_bytes(text, "MemAvailable", &s->available) == 0;
	free(text);
}

/* Only in a kallocbench guest: the leak lasts until the next boot. */
static void measure_leak(struct facts *f, const struct facts_options *o)
{
	struct facts_leak *l = &f->leak;
	char *cmdline = read_file("/proc/cmdline", NULL);
	char params[48];
	int fd;

	l->bytes = o->leak_bytes;
	if (!cmdline || !strstr(cmdline, "KAB_MODE=")) {
		snprintf(l->why, sizeof(l->why), "refused outside a kallocbench "
			 "guest (no KAB_MODE= on /proc/cmdline): the leak would "
			 "last until reboot");
		free(cmdline);
		return;
	}
	free(cmdline);
	fd = open(o->leak_module, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(l->why, sizeof(l->why), "cannot open %s: %s",
			 o->leak_module, strerror(errno));
		return;
	}
	snprintf(params, sizeof(params), "bytes=%" PRIu64, o->leak_bytes);
	meminfo_snapshot(&l->before);
	if (syscall(SYS_finit_module, fd, params, 0) < 0) {
		snprintf(l->why, sizeof(l->why), "loading %s failed: %s",
			 o->leak_module, strerror(errno));
		close(fd);
		return;
	}
	close(fd);
	meminfo_snapshot(&l->loaded);
	if (syscall(SYS_delete_module, "kallocbench_leak", O_NONBLOCK) < 0) {
		snprintf(l->why, sizeof(l->why), "unloading kallocbench_leak "
			 "failed: %s", strerror(errno));
		return;
	}
	meminfo_snapshot(&l->unloaded);
	if (!l->before.read || !l->loaded.read || !l->unloaded.read) {
		snprintf(l->why, sizeof(l->why), "/proc/meminfo lacks Slab, "
			 "SUnreclaim or MemAvailable");
		return;
	}
	l->measured = true;
}

static void read_kernel_files(struct facts *f, const struct facts_options *o)
{
	char *text = read_file(o->kernel_config, NULL);

	if (!text) {
		snprintf(f->config_missing, sizeof(f->config_missing),
			 "%s: %s", o->kernel_config, strerror(errno));
	} else {
		if (kconfig_value(text, "CONFIG_VMAP_STACK", f->vmap_stack,
				  sizeof(f->vmap_stack)) < 0)
			snprintf(f->vmap_stack, sizeof(f->vmap_stack), "n");
		if (kconfig_value(text, "CONFIG_FRAME_WARN", f->frame_warn,
				  sizeof(f->frame_warn)) < 0)
			snprintf(f->frame_warn, sizeof(f->frame_warn), "unset");
		free(text);
	}
	text = read_file(o->checkstack, NULL);
	if (!text) {
		snprintf(f->checkstack_missing, sizeof(f->checkstack_missing),
			 "%s: %s", o->checkstack, strerror(errno));
		return;
	}
	f->nr_frames = checkstack_parse(text, f->frames, FACTS_MAX_FRAMES);
	if (!f->nr_frames)
		snprintf(f->checkstack_missing, sizeof(f->checkstack_missing),
			 "%s lists no frame", o->checkstack);
	free(text);
}

static void measure(struct facts *f, const struct facts_options *o, int fd)
{
	struct utsname uts;
	char *cmdline;

	if (uname(&uts) == 0) {
		snprintf(f->release, sizeof(f->release), "%s", uts.release);
		snprintf(f->machine, sizeof(f->machine), "%s", uts.machine);
	}
	f->bits64 = strstr(f->machine, "64") != NULL;
	cmdline = read_file("/proc/cmdline", NULL);
	f->icount = cmdline && strstr(cmdline, "KAB_MODE=qemu-icount");
	free(cmdline);
	read_proc(f);
	probe(fd, KAB_PROBE_kmalloc_max, &f->kmalloc_max);
	probe_ksize(fd, f);
	probe(fd, KAB_PROBE_zero_size, &f->zero_size);
	probe(fd, KAB_PROBE_init_on_alloc, &f->init);
	measure_costs(fd, f);
	probe_krealloc(fd, f);
	probe_buffers(fd, f);
	f->vmalloc_max.p.size_bytes = o->vmalloc_max;
	probe(fd, KAB_PROBE_vmalloc_max, &f->vmalloc_max);
	probe(fd, KAB_PROBE_layout, &f->layout);
	measure_leak(f, o);
	read_kernel_files(f, o);
}

/* @text with '|' and newlines made safe for a markdown table cell. */
static void md_cell(struct strbuf *sb, const char *text)
{
	for (; *text; text++) {
		if (*text == '|')
			sb_append(sb, "\\|");
		else if (*text == '\n')
			sb_append(sb, " ");
		else
			sb_append_len(sb, text, 1);
	}
}

static int write_md(struct results_sink *sink, const struct facts *f,
		    const struct fact_row *rows, size_t count)
{
	struct strbuf line = { 0 };
	int result = 0;

	sb_printf(&line, "# kallocbench facts: %s (%s)", f->release, f->machine);
	result |= results_write_line(sink, RESULTS_FACTS_MD, line.text);
	result |= results_write_line(sink, RESULTS_FACTS_MD, "");
	result |= results_write_line(sink, RESULTS_FACTS_MD,
		"| # | claim | how measured | measured value | verdict | why |");
	result |= results_write_line(sink, RESULTS_FACTS_MD,
		"|---|---|---|---|---|---|");
	for (size_t i = 0; i < count && result == 0; i++) {
		const struct fact_row *r = &rows[i];

		sb_reset(&line);
		sb_printf(&line, "| %s | ", r->claim_id);
		md_cell(&line, r->claim);
		sb_append(&line, " | ");
		md_cell(&line, r->how.text ? r->how.text : "");
		sb_append(&line, " | ");
		md_cell(&line, r->value.text ? r->value.text : "");
		sb_printf(&line, " | %s | ", verdict_names[r->verdict]);
		md_cell(&line, r->why.text ? r->why.text : "");
		sb_append(&line, " |");
		result |= results_write_line(sink, RESULTS_FACTS_MD, line.text);
	}
	sb_free(&line);
	return result;
}

static json_t *u64_json(uint64_t value)
{
	return json_integer((json_int_t)value);
}

static json_t *probe_json(const struct probe_result *r)
{
	char name[16];

	if (!r->done)
		return json_pack("{s:s, s:b, s:s, s:s#}", "probe",
				 kab_probe_names[r->p.probe], "done", 0, "error",
				 errno_name(r->error, name), "reason",
				 r->p.reason, strnlen(r->p.reason, KAB_REASON_LEN));
	return json_pack("{s:s, s:b}", "probe", kab_probe_names[r->p.probe],
			 "done", 1);
}

/* The raw figures the tests and `make facts` read. */
static json_t *measured_json(const struct facts *f)
{
	json_t *m = json_object(), *buffers = json_array();

	json_object_set_new(m, "bits64", json_boolean(f->bits64));
	if (f->info_read) {
		json_object_set_new(m, "nr_page_orders",
				    u64_json(f->info.nr_page_orders));
		json_object_set_new(m, "thread_size",
				    u64_json(f->info.thread_size));
		json_object_set_new(m, "page_size", u64_json(f->info.page_size));
	}
	json_object_set_new(m, "buddy_columns", f->buddy_columns < 0 ?
			    json_null() : json_integer(f->buddy_columns));
	json_object_set_new(m, "kmalloc_max", probe_json(&f->kmalloc_max));
	if (f->kmalloc_max.done) {
		const struct kab_probe *p = &f->kmalloc_max.p;

		json_object_set_new(m, "kmalloc_max_probed",
				    u64_json(p->largest_bytes));
		json_object_set_new(m, "kmalloc_max_next_failed",
				    json_boolean(p->next_failed));
		json_object_set_new(m, "kmalloc_max_size",
				    u64_json(p->kmalloc_max_size));
	}
	json_object_set_new(m, "ksize", probe_json(&f->ksize));
	json_object_set_new(m, "zero_size", probe_json(&f->zero_size));
	if (f->zero_size.done) {
		json_object_set_new(m, "zero_size_ptr",
				    u64_json(f->zero_size.p.zero_size_ptr));
		json_object_set_new(m, "zero_size_const",
				    u64_json(f->zero_size.p.zero_size_const));
	}
	json_object_set_new(m, "init_on_alloc", probe_json(&f->init));
	if (f->init.done) {
		json_object_set_new(m, "init_on_alloc_on",
				    json_boolean(f->init.p.init_on_alloc));
		json_object_set_new(m, "arrived_zeroed",
				    json_boolean(f->init.p.arrived_zeroed));
	}
	for (size_t i = 0; i < f->nr_buffers; i++) {
		const struct facts_buffer *b = &f->buffers[i];
		json_t *buffer = json_pack("{s:s, s:s, s:I, s:I, s:o}",
			"label", b->label,
			"allocator", kab_allocator_names[b->allocator],
			"size_bytes", (json_int_t)b->size_bytes,
			"order", (json_int_t)b->order,
			"probe", probe_json(&b->result));

		if (b->result.done) {
			json_object_set_new(buffer, "pages",
					    u64_json(b->result.p.pages));
			json_object_set_new(buffer, "discontinuities",
					    u64_json(b->result.p.discontinuities));
		}
		json_array_append_new(buffers, buffer);
	}
	json_object_set_new(m, "buffers", buffers);
	if (f->vmalloc_total_read)
		json_object_set_new(m, "vmalloc_total", u64_json(f->vmalloc_total));
	if (f->vmalloc_max.done) {
		const struct kab_probe *v = &f->vmalloc_max.p;

		json_object_set_new(m, "vmalloc_max", u64_json(v->largest_bytes));
		json_object_set_new(m, "vmalloc_failed",
				    u64_json(v->vmalloc_failed_bytes));
		json_object_set_new(m, "vmalloc_probe_limit",
				    u64_json(v->vmalloc_limit_bytes));
		json_object_set_new(m, "vmalloc_tries", u64_json(v->attempts));
		json_object_set_new(m, "vmalloc_timed_out",
				    json_boolean(v->vmalloc_timed_out));
	}
	if (f->leak.measured)
		json_object_set_new(m, "leak", json_pack(
			"{s:I, s:I, s:I, s:I, s:I, s:I}",
			"bytes", (json_int_t)f->leak.bytes,
			"sunreclaim_before", (json_int_t)f->leak.before.sunreclaim,
			"sunreclaim_loaded", (json_int_t)f->leak.loaded.sunreclaim,
			"sunreclaim_unloaded", (json_int_t)f->leak.unloaded.sunreclaim,
			"available_before", (json_int_t)f->leak.before.available,
			"available_unloaded", (json_int_t)f->leak.unloaded.available));
	return m;
}

static int write_json(struct results_sink *sink, const struct facts *f,
		      const struct fact_row *rows, size_t count)
{
	json_t *json = json_object(), *array = json_array();
	char *line;
	int result;

	for (size_t i = 0; i < count; i++)
		json_array_append_new(array, json_pack(
			"{s:s, s:s, s:s, s:s, s:s, s:s}",
			"claim", rows[i].claim_id, "text", rows[i].claim,
			"how", rows[i].how.text ? rows[i].how.text : "",
			"value", rows[i].value.text ? rows[i].value.text : "",
			"verdict", verdict_names[rows[i].verdict],
			"why", rows[i].why.text ? rows[i].why.text : ""));
	json_object_set_new(json, "release", json_string(f->release));
	json_object_set_new(json, "machine", json_string(f->machine));
	json_object_set_new(json, "rows", array);
	json_object_set_new(json, "measured", measured_json(f));
	line = json_dumps(json, JSON_COMPACT);
	result = line ? results_write_line(sink, RESULTS_FACTS_JSON, line) : -1;
	free(line);
	json_decref(json);
	return result;
}

static int write_ksize(struct results_sink *sink, const struct facts *f)
{
	struct strbuf line = { 0 };
	int result = results_write_line(sink, RESULTS_KSIZE_CSV,
					COLUMNS_HEADER(KSIZE_COLUMN_LIST));

	for (size_t i = 0; i < f->nr_classes && result == 0; i++) {
		const struct kab_ksize_class *c = &f->classes[i];
		uint64_t waste = c->class_size - c->first_request;

		sb_reset(&line);
		sb_printf(&line, "%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",0,%" PRIu64
			  ",%.1f,%s", (uint64_t)c->first_request,
			  (uint64_t)c->class_size, (uint64_t)c->class_size, waste,
			  100.0 * (double)waste / (double)c->class_size,
			  c->verified ? "yes" : "no");
		result = results_write_line(sink, RESULTS_KSIZE_CSV, line.text);
	}
	sb_free(&line);
	return result;
}

static int write_zones(struct results_sink *sink, const struct facts *f)
{
	struct strbuf line = { 0 };
	int result = results_write_line(sink, RESULTS_ZONES_CSV,
					COLUMNS_HEADER(ZONES_COLUMN_LIST));

	for (size_t i = 0; i < f->nr_buffers && result == 0; i++) {
		const struct kab_probe *p = &f->buffers[i].result.p;

		if (!f->buffers[i].result.done)
			continue;
		for (uint32_t z = 0; z < p->nr_zones && z < KAB_MAX_ZONES &&
		     result == 0; z++) {
			if (!p->zone_names[z][0])
				continue;
			sb_reset(&line);
			sb_printf(&line, "%s,%.*s,%" PRIu64, f->buffers[i].label,
				  KAB_ZONE_NAME_LEN, p->zone_names[z],
				  (uint64_t)p->zone_pages[z]);
			result = results_write_line(sink, RESULTS_ZONES_CSV,
						    line.text);
		}
	}
	sb_free(&line);
	return result;
}

static int write_guest(struct results_sink *sink, const struct facts *f)
{
	struct guest_facts g;
	json_t *json;
	int result;

	guest_facts_read(&g);
	json = json_pack("{s:{s:s, s:o}, s:{s:o, s:o, s:o, s:o}, s:o, s:o, "
			 "s:s}",
			 "runner", "name", "kallocbench", "version",
			 json_text(runner_version),
			 "kernel", "sysname", json_text(g.uts.sysname),
			 "release", json_text(g.uts.release),
			 "version", json_text(g.uts.version),
			 "machine", json_text(g.uts.machine),
			 "cmdline", g.cmdline ? json_text(g.cmdline) : json_null(),
			 "module", f->info_read ? info_to_json(&f->info) :
				   json_null(),
			 "command", "facts");
	result = json ? results_write_guest(sink, json) : -1;
	json_decref(json);
	guest_facts_free(&g);
	return result;
}

static void print_table(const struct fact_row *rows, size_t count,
			const struct facts *f)
{
	printf("kallocbench facts: %s (%s)\n\n", f->release, f->machine);
	for (size_t i = 0; i < count; i++) {
		const struct fact_row *r = &rows[i];

		printf("%-3s %s\n    how:     %s\n    value:   %s\n"
		       "    verdict: %s: %s\n\n", r->claim_id, r->claim,
		       r->how.text ? r->how.text : "",
		       r->value.text ? r->value.text : "",
		       verdict_names[r->verdict],
		       r->why.text ? r->why.text : "");
	}
}

static int parse_options(int argc, char **argv, struct facts_options *o)
{
	static const struct option long_options[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "stream", required_argument, NULL, 's' },
		{ "device", required_argument, NULL, 'd' },
		{ "leak-module", required_argument, NULL, 'l' },
		{ "leak-bytes", required_argument, NULL, 'b' },
		{ "kernel-config", required_argument, NULL, 'c' },
		{ "checkstack", required_argument, NULL, 'k' },
		{ "vmalloc-max", required_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int option;

	*o = (struct facts_options){
		.device = KAB_DEVICE_PATH,
		.leak_module = "/kallocbench_leak.ko",
		.leak_bytes = 16 << 20,
		.kernel_config = "/kernel.config",
		.checkstack = "/checkstack.txt",
	};
	optind = 0;
	while ((option = getopt_long(argc, argv, "h", long_options, NULL)) != -1) {
		switch (option) {
		case 'o': o->out_dir = optarg; break;
		case 's': o->stream = optarg; break;
		case 'd': o->device = optarg; break;
		case 'l': o->leak_module = optarg; break;
		case 'b': o->leak_bytes = parse_u64(optarg, "--leak-bytes"); break;
		case 'c': o->kernel_config = optarg; break;
		case 'k': o->checkstack = optarg; break;
		case 'v': o->vmalloc_max = parse_u64(optarg, "--vmalloc-max"); break;
		case 'h': return cli_help(facts_usage);
		default: return cli_usage_error(facts_usage, NULL);
		}
	}
	if (optind != argc)
		return cli_usage_error(facts_usage, "unexpected argument");
	if (!o->leak_bytes)
		return cli_usage_error(facts_usage, "--leak-bytes must not be 0");
	return CLI_CONTINUE;
}

int cmd_facts(int argc, char **argv)
{
	struct fact_row rows[FACTS_MAX_ROWS];
	struct results_sink sink;
	struct facts_options o;
	struct facts *f;
	size_t count;
	int status = parse_options(argc, argv, &o), fd, result = 0;

	if (status != CLI_CONTINUE)
		return status;
	f = xcalloc(1, sizeof(*f));
	fd = device_open_info(o.device, &f->info);
	f->info_read = fd >= 0;
	if (results_open_facts(&sink, o.out_dir, o.stream) < 0) {
		if (fd >= 0)
			close(fd);
		free(f);
		return 1;
	}
	measure(f, &o, fd);
	if (fd >= 0)
		close(fd);
	count = facts_rows(f, rows, FACTS_MAX_ROWS);
	print_table(rows, count, f);
	result |= write_guest(&sink, f);
	result |= write_json(&sink, f, rows, count);
	result |= write_md(&sink, f, rows, count);
	result |= write_ksize(&sink, f);
	result |= write_zones(&sink, f);
	result |= results_sync(&sink);
	results_close(&sink);
	if (result)
		fprintf(stderr, "kallocbench: writing the facts failed: %m\n");
	fact_rows_free(rows, count);
	status = result || !f->info_read ? 1 : 0;
	free(f);
	return status;
}
