/* The verdicts of `kallocbench facts`: measurements in, table rows out. */
#include "facts/facts.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util/names.h"

#define VERDICT_NAME(id, text) text,
const char *const verdict_names[NR_VERDICTS] = { VERDICT_LIST(VERDICT_NAME) };

static const char *size_text(uint64_t bytes, char buf[static 24])
{
	format_size(bytes, buf);
	return buf;
}

/* 1.984 GiB, 32 TiB: for sizes that are not round. */
static const char *human_size(uint64_t bytes, char buf[static 24])
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB",
					     "PiB" };
	double value = (double)bytes;
	size_t unit = 0;

	while (value >= 1024 && unit + 1 < ARRAY_SIZE(units)) {
		value /= 1024;
		unit++;
	}
	snprintf(buf, 24, "%.4g %s", value, units[unit]);
	return buf;
}

/* What a cost counts: in icount a virtual ns is one guest instruction. */
static const char *cost_unit(const struct facts *f)
{
	return f->icount ? "instructions (icount)" : "ns";
}

int facts_zone_index(const struct facts *f, const char *name)
{
	for (size_t i = 0; i < f->nr_zones; i++)
		if (strcmp(f->zones[i].name, name) == 0)
			return (int)i;
	return -1;
}

static bool zone_populated(const struct facts *f, const char *name)
{
	int i = facts_zone_index(f, name);

	return i >= 0 && f->zones[i].present_pages > 0;
}

static struct fact_row *add_row(struct fact_row *rows, size_t *count,
				size_t max, const char *id, const char *claim)
{
	struct fact_row *row;

	if (*count >= max)
		return NULL;
	row = &rows[(*count)++];
	*row = (struct fact_row){ .claim_id = id, .claim = claim,
				  .verdict = VERDICT_NOT_MEASURED };
	return row;
}

/* A row that could not be measured says why, never a made-up value. */
static void not_measured(struct fact_row *row, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void not_measured(struct fact_row *row, const char *fmt, ...)
{
	char why[256];
	va_list args;

	va_start(args, fmt);
	vsnprintf(why, sizeof(why), fmt, args);
	va_end(args);
	sb_reset(&row->value);
	sb_append(&row->value, "not measured");
	sb_reset(&row->why);
	sb_append(&row->why, why);
	row->verdict = VERDICT_NOT_MEASURED;
}

static void probe_failed(struct fact_row *row, const char *what,
			 const struct probe_result *r)
{
	char name[16];

	if (!r->error)
		not_measured(row, "the %s probe did not run", what);
	else
		not_measured(row, "the %s probe failed: %s%s%.*s", what,
			     errno_name(r->error, name),
			     r->p.reason[0] ? ": " : "", KAB_REASON_LEN,
			     r->p.reason);
}

static void row_zones(const struct facts *f, struct fact_row *row)
{
	char size[24];

	sb_append(&row->how, "/proc/zoneinfo: every zone of node 0 and its "
		  "present pages");
	if (!f->zoneinfo_read || f->nr_zones == 0) {
		not_measured(row, "/proc/zoneinfo was unreadable");
		return;
	}
	for (size_t i = 0; i < f->nr_zones; i++) {
		const struct zoneinfo_zone *z = &f->zones[i];

		if (z->node != 0)
			continue;
		sb_printf(&row->value, "%s%s %s", row->value.len ? ", " : "",
			  z->name, z->present_pages ?
			  human_size(z->present_pages * (f->info.page_size ? f->info.page_size : 4096), size) :
			  "empty");
	}
	if (zone_populated(f, "HighMem")) {
		row->verdict = VERDICT_HOLDS;
		sb_append(&row->why, "a 32-bit kernel with memory above what "
			  "the direct map covers (about 896 MiB) puts it in "
			  "HighMem");
	} else if (facts_zone_index(f, "HighMem") >= 0) {
		row->verdict = VERDICT_DEPENDS;
		sb_printf(&row->why, "this kernel has a HighMem zone but no "
			  "memory in it: with %s of RAM everything fits the "
			  "direct map", human_size(f->info.totalram_bytes, size));
	} else if (f->bits64) {
		row->verdict = VERDICT_DOES_NOT_HOLD;
		sb_printf(&row->why, "a 64-bit kernel maps all memory directly: "
			  "no HighMem; DMA32 covers the first 4 GiB, Normal "
			  "the rest (%s)", zone_populated(f, "Normal") ?
			  "present here" : "empty or absent with this much RAM");
	} else {
		row->verdict = VERDICT_DEPENDS;
		sb_append(&row->why, "this kernel was built without HighMem");
	}
}

static void row_buddy(const struct facts *f, struct fact_row *row)
{
	char size[24];

	sb_append(&row->how, "columns of /proc/buddyinfo vs the module's "
		  "number of orders (MAX_ORDER before 6.4, where it was "
		  "exclusive; MAX_ORDER + 1 on 6.4-6.7, where it became "
		  "inclusive; NR_PAGE_ORDERS = MAX_PAGE_ORDER + 1 from 6.8)");
	if (f->buddy_columns < 0) {
		not_measured(row, "/proc/buddyinfo was unreadable or its lines "
			     "disagree");
		return;
	}
	if (!f->info_read) {
		not_measured(row, "the module's INFO was not available");
		return;
	}
	sb_printf(&row->value, "%d columns; %u orders (0..%u); largest block "
		  "%s", f->buddy_columns, f->info.nr_page_orders,
		  f->info.nr_page_orders - 1,
		  size_text((uint64_t)f->info.page_size <<
			    (f->info.nr_page_orders - 1), size));
	if ((uint32_t)f->buddy_columns == f->info.nr_page_orders) {
		row->verdict = VERDICT_HOLDS;
		sb_append(&row->why, "one column per order, as the kernel's "
			  "constant says");
	} else {
		row->verdict = VERDICT_DOES_NOT_HOLD;
		sb_append(&row->why, "buddyinfo and the kernel's constant "
			  "disagree");
	}
}

static void row_kmalloc_max(const struct facts *f, struct fact_row *row)
{
	const struct kab_probe *p = &f->kmalloc_max.p;
	char size[24];
	uint64_t formula;

	sb_append(&row->how, "bisection of kmalloc(GFP_KERNEL) sizes in the "
		  "module, then kmalloc(largest + 1); vs KMALLOC_MAX_SIZE and "
		  "PAGE_SIZE << (orders - 1)");
	if (!f->kmalloc_max.done) {
		probe_failed(row, "kmalloc_max", &f->kmalloc_max);
		return;
	}
	formula = f->info_read ? (uint64_t)f->info.page_size <<
		  (f->info.nr_page_orders - 1) : 0;
	sb_printf(&row->value, "largest kmalloc %" PRIu64 " (%s)%s; "
		  "KMALLOC_MAX_SIZE %" PRIu64, (uint64_t)p->largest_bytes,
		  size_text(p->largest_bytes, size),
		  p->next_failed ? ", one byte more fails" :
		  ", one byte more SUCCEEDS", (uint64_t)p->kmalloc_max_size);
	if (formula)
		sb_printf(&row->value, "; PAGE_SIZE << (orders - 1) = %" PRIu64,
			  formula);
	if (!p->ok || !p->next_failed ||
	    p->largest_bytes != p->kmalloc_max_size) {
		row->verdict = VERDICT_DOES_NOT_HOLD;
		sb_append(&row->why, "the probed limit differs from the "
			  "kernel's KMALLOC_MAX_SIZE");
	} else if (p->kmalloc_max_size == 4ULL << 20) {
		row->verdict = VERDICT_HOLDS;
		sb_append(&row->why, "the probed limit is KMALLOC_MAX_SIZE, the "
			  "largest buddy block (4 KiB pages, 11 orders)");
	} else {
		row->verdict = VERDICT_DOES_NOT_HOLD;
		sb_printf(&row->why, "the probed limit is KMALLOC_MAX_SIZE, but "
			  "that is %s here: it is the largest buddy block",
			  size_text(p->kmalloc_max_size, size));
	}
}

static bool power_of_two(uint64_t v)
{
	return v && !(v & (v - 1));
}

static void row_ksize(const struct facts *f, struct fact_row *row)
{
	uint64_t worst_from = 0, worst_class = 0;
	size_t odd = 0;
	char size[24];

	sb_append(&row->how, "ksize(kmalloc(s)) for every s from 1 to "
		  "KMALLOC_MAX_SIZE, class by class (ksize.csv)");
	if (!f->ksize.done) {
		probe_failed(row, "ksize_classes", &f->ksize);
		return;
	}
	sb_printf(&row->value, "%zu classes:", f->nr_classes);
	for (size_t i = 0; i < f->nr_classes; i++) {
		const struct kab_ksize_class *c = &f->classes[i];

		sb_printf(&row->value, " %s", size_text(c->class_size, size));
		if (!power_of_two(c->class_size))
			odd++;
		/* Waste relative to the request, from 64 bytes up. */
		if (c->first_request >= 64 &&
		    (worst_from == 0 || (c->class_size - c->first_request) *
		     worst_from > (worst_class - worst_from) * c->first_request)) {
			worst_from = c->first_request;
			worst_class = c->class_size;
		}
	}
	if (worst_from)
		sb_printf(&row->value, "; worst waste from 64 B up: %" PRIu64
			  " B gets %" PRIu64 " B (%.0f%% wasted)", worst_from,
			  worst_class, 100.0 * (double)(worst_class - worst_from) /
			  (double)worst_class);
	if (odd) {
		row->verdict = VERDICT_DOES_NOT_HOLD;
		sb_printf(&row->why, "%zu classes are not powers of two "
			  "(kmalloc's generic caches include kmalloc-96 and "
			  "kmalloc-192; above the largest cache, 8 KiB with "
			  "SLUB, a request is a page allocation and its class "
			  "a page order)", odd);
	} else {
		row->verdict = VERDICT_HOLDS;
		sb_append(&row->why, "every class is a power of two");
	}
}

static void row_zero_size(const struct facts *f, struct fact_row *row)
{
	const struct kab_probe *p = &f->zero_size.p;

	sb_append(&row->how, "kmalloc(0) in the module; ksize() and kfree() "
		  "of the result");
	if (!f->zero_size.done) {
		probe_failed(row, "zero_size", &f->zero_size);
		return;
	}
	sb_printf(&row->value, "kmalloc(0) = 0x%" PRIx64 ", ZERO_SIZE_PTR = "
		  "0x%" PRIx64 ", ksize = %" PRIu64 ", kfree returned",
		  (uint64_t)p->zero_size_ptr, (uint64_t)p->zero_size_const,
		  (uint64_t)p->zero_ksize);
	if (p->zero_size_ptr == p->zero_size_const && p->zero_size_ptr) {
		row->verdict = VERDICT_HOLDS;
		sb_append(&row->why, "not NULL: a pointer that faults when "
			  "used, that kfree() and ksize() accept");
	} else {
		row->verdict = VERDICT_DOES_NOT_HOLD;
		sb_append(&row->why, "kmalloc(0) did not return ZERO_SIZE_PTR");
	}
}

static void row_init(const struct facts *f, struct fact_row *row)
{
	const struct kab_probe *p = &f->init.p;

	sb_append(&row->how, "init_on_alloc/init_on_free static keys; a "
		  "256-byte object filled, freed and allocated again; "
		  "kmalloc vs kzalloc amortized alloc+free");
	if (!f->init.done) {
		probe_failed(row, "init_on_alloc", &f->init);
		return;
	}
	sb_printf(&row->value, "init_on_alloc %s, init_on_free %s; the %s "
		  "object arrived %s", p->init_on_alloc ? "on" : "off",
		  p->init_on_free ? "on" : "off",
		  p->same_object ? "same" : "a different",
		  p->arrived_zeroed ? "zeroed" : "with old bytes");
	for (int i = 0; i < FACTS_COST_SIZES; i++) {
		const struct facts_cost *c = &f->costs[i];
		char size[24];

		if (c->measured)
			sb_printf(&row->value, "; %s: kmalloc %" PRIu64
				  " %s, kzalloc %" PRIu64 " %s",
				  size_text(c->size_bytes, size),
				  c->kmalloc_ns, cost_unit(f), c->kzalloc_ns,
				  cost_unit(f));
	}
	if (p->init_on_alloc) {
		row->verdict = VERDICT_DOES_NOT_HOLD;
		sb_append(&row->why, "init_on_alloc is on "
			  "(CONFIG_INIT_ON_ALLOC_DEFAULT_ON or init_on_alloc=1): "
			  "every kmalloc is zeroed, as every kzalloc is");
	} else if (!p->arrived_zeroed) {
		row->verdict = VERDICT_HOLDS;
		sb_append(&row->why, "init_on_alloc is off and the reused object "
			  "still held its old bytes");
	} else {
		row->verdict = VERDICT_DEPENDS;
		sb_append(&row->why, "init_on_alloc is off, yet this object "
			  "happened to read zero");
	}
}

static void row_krealloc(const struct facts *f, struct fact_row *row)
{
	const struct kab_probe *in = &f->krealloc_within.p;
	const struct kab_probe *across = &f->krealloc_across.p;

	sb_printf(&row->how, "%u krealloc calls each: up to the end of the "
		  "object's ksize class, and one byte beyond", KAB_KREALLOC_ROUNDS);
	if (!f->krealloc_within.done || !f->krealloc_across.done) {
		probe_failed(row, "krealloc", f->krealloc_within.done ?
			     &f->krealloc_across : &f->krealloc_within);
		return;
	}
	sb_printf(&row->value, "%" PRIu64 " -> %" PRIu64 " (class %" PRIu64
		  "): moved %" PRIu64 "/%u, %" PRIu64 " %s; %" PRIu64 " -> %"
		  PRIu64 ": moved %" PRIu64 "/%u, %" PRIu64 " %s",
		  (uint64_t)in->size_bytes, (uint64_t)in->new_size_bytes,
		  (uint64_t)in->old_ksize, (uint64_t)in->moved,
		  KAB_KREALLOC_ROUNDS, (uint64_t)in->krealloc_ns, cost_unit(f),
		  (uint64_t)across->size_bytes, (uint64_t)across->new_size_bytes,
		  (uint64_t)across->moved, KAB_KREALLOC_ROUNDS,
		  (uint64_t)across->krealloc_ns, cost_unit(f));
	if (in->moved == 0 && across->moved == KAB_KREALLOC_ROUNDS) {
		row->verdict = VERDICT_HOLDS;
		sb_append(&row->why, "within the class krealloc returns the "
			  "same object; beyond it allocates, copies and frees");
	} else {
		row->verdict = VERDICT_DOES_NOT_HOLD;
		sb_append(&row->why, "the pointer did not behave as claimed");
	}
}

static bool buffer_is(const struct facts_buffer *b, uint32_t allocator)
{
	return b->allocator == allocator && b->gfp == 0;
}

static void row_contiguity(const struct facts *f, struct fact_row *row)
{
	bool physical_ok = true, vmalloc_broken = false, any = false;

	sb_append(&row->how, "page_to_pfn of every page (virt_to_page, "
		  "vmalloc_to_page), counting frames that do not follow the "
		  "previous one");
	for (size_t i = 0; i < f->nr_buffers; i++) {
		const struct facts_buffer *b = &f->buffers[i];
		const struct kab_probe *p = &b->result.p;

		if (b->gfp)
			continue;
		if (!b->result.done) {
			sb_printf(&row->value, "%s%s: failed", row->value.len ?
				  "; " : "", b->label);
			continue;
		}
		any = true;
		sb_printf(&row->value, "%s%s: %" PRIu64 " pages, %" PRIu64
			  " breaks", row->value.len ? "; " : "", b->label,
			  (uint64_t)p->pages, (uint64_t)p->discontinuities);
		if (!buffer_is(b, KAB_ALLOC_vmalloc) && p->discontinuities)
			physical_ok = false;
		if (buffer_is(b, KAB_ALLOC_vmalloc) && p->discontinuities)
			vmalloc_broken = true;
	}
	if (!any) {
		not_measured(row, "no buffer probe ran");
		return;
	}
	if (physical_ok && vmalloc_broken) {
		row->verdict = VERDICT_HOLDS;
		sb_append(&row->why, "kmalloc and alloc_pages buffers are one "
			  "run of frames; vmalloc maps pages from anywhere");
	} else if (physical_ok) {
		row->verdict = VERDICT_DEPENDS;
		sb_append(&row->why, "the vmalloc buffers happened to get "
			  "consecutive frames: vmalloc does not promise either");
	} else {
		row->verdict = VERDICT_DOES_NOT_HOLD;
		sb_append(&row->why, "a kmalloc or alloc_pages buffer was not "
			  "physically contiguous");
	}
}

/* Pages of @b in the zone called @name. */
static uint64_t buffer_zone_pages(const struct facts_buffer *b,
				  const char *name)
{
	const struct kab_probe *p = &b->result.p;

	for (uint32_t z = 0; z < p->nr_zones && z < KAB_MAX_ZONES; z++)
		if (strncmp(p->zone_names[z], name, KAB_ZONE_NAME_LEN) == 0)
			return p->zone_pages[z];
	return 0;
}

static void append_histogram(struct strbuf *sb, const struct facts_buffer *b)
{
	const struct kab_probe *p = &b->result.p;
	bool first = true;

	sb_printf(sb, "%s%s:", sb->len ? "; " : "", b->label);
	if (!b->result.done) {
		sb_append(sb, " failed");
		return;
	}
	for (uint32_t z = 0; z < p->nr_zones && z < KAB_MAX_ZONES; z++) {
		if (!p->zone_pages[z])
			continue;
		sb_printf(sb, "%s %.*s %" PRIu64, first ? "" : ",",
			  KAB_ZONE_NAME_LEN, p->zone_names[z],
			  (uint64_t)p->zone_pages[z]);
		first = false;
	}
}

static void row_vmalloc_highmem(const struct facts *f, struct fact_row *row)
{
	uint64_t pages = 0, high = 0;

	sb_append(&row->how, "page_zonenum() of every page of kmalloc, "
		  "alloc_pages and vmalloc buffers (zones.csv)");
	for (size_t i = 0; i < f->nr_buffers; i++) {
		const struct facts_buffer *b = &f->buffers[i];

		if (b->gfp)
			continue;
		append_histogram(&row->value, b);
		if (buffer_is(b, KAB_ALLOC_vmalloc) && b->result.done) {
			pages += b->result.p.pages;
			high += buffer_zone_pages(b, "HighMem");
		}
	}
	if (!pages) {
		not_measured(row, "no vmalloc buffer probe ran");
		return;
	}
	if (high) {
		row->verdict = high == pages ? VERDICT_HOLDS : VERDICT_DEPENDS;
		sb_printf(&row->why, "%" PRIu64 " of %" PRIu64 " vmalloc pages "
			  "came from HighMem: vmalloc asks for __GFP_HIGHMEM",
			  high, pages);
	} else if (!zone_populated(f, "HighMem")) {
		row->verdict = VERDICT_DOES_NOT_HOLD;
		sb_printf(&row->why, "vmalloc asks for __GFP_HIGHMEM, but there "
			  "is no HighMem here%s",
			  f->bits64 ? " (64-bit: all memory is in the direct map)" :
			  " (too little RAM)");
	} else {
		row->verdict = VERDICT_DEPENDS;
		sb_append(&row->why, "HighMem exists, but these vmalloc pages "
			  "came from lower zones");
	}
}

/* Whether ZONE_NORMAL ends below 4 GiB (a 32-bit kernel's lowmem). */
static bool normal_below_4g(const struct facts *f)
{
	int i = facts_zone_index(f, "Normal");
	uint64_t end_pfn;

	if (i < 0 || !f->info_read || !f->info.page_size)
		return false;
	end_pfn = f->zones[i].start_pfn + f->zones[i].spanned_pages;
	return end_pfn * f->info.page_size <= (1ULL << 32);
}

static void row_dma_zones(const struct facts *f, struct fact_row *row)
{
	bool any = false, ok = true;

	sb_append(&row->how, "zones of the pages of GFP_DMA and GFP_DMA32 "
		  "buffers (kmalloc, alloc_pages, vmalloc_32)");
	for (size_t i = 0; i < f->nr_buffers; i++) {
		const struct facts_buffer *b = &f->buffers[i];
		uint64_t low;

		if (!b->gfp)
			continue;
		append_histogram(&row->value, b);
		if (!b->result.done)
			continue;
		any = true;
		low = buffer_zone_pages(b, "DMA");
		if (b->gfp & (1U << KAB_GFP_BIT_GFP_DMA32))
			low += buffer_zone_pages(b, "DMA32");
		if (low != b->result.p.pages)
			ok = false;
	}
	if (!any) {
		not_measured(row, "no GFP_DMA or GFP_DMA32 buffer probe ran");
		return;
	}
	if (ok) {
		row->verdict = VERDICT_HOLDS;
		sb_append(&row->why, "every page came from the zone asked for "
			  "or a lower one");
	} else if (facts_zone_index(f, "DMA32") < 0 && normal_below_4g(f)) {
		row->verdict = VERDICT_HOLDS;
		sb_append(&row->why, "this kernel has no DMA32 zone: GFP_DMA32 "
			  "falls back to Normal, which lies below 4 GiB here, so "
			  "the pages are 32-bit addressable as asked");
	} else if (facts_zone_index(f, "DMA32") < 0) {
		row->verdict = VERDICT_DOES_NOT_HOLD;
		sb_append(&row->why, "this kernel has no DMA32 zone: GFP_DMA32 "
			  "falls back to Normal, which reaches above 4 GiB");
	} else {
		row->verdict = VERDICT_DOES_NOT_HOLD;
		sb_append(&row->why, "some pages came from a higher zone");
	}
}

/* What the vmalloc probe found, for the row's value. */
static void vmalloc_probe_value(const struct facts *f, struct strbuf *value)
{
	const struct kab_probe *p = &f->vmalloc_max.p;
	char size[24], name[16];

	if (!f->vmalloc_max.done) {
		sb_printf(value, "; largest vmalloc not probed (%s)",
			  errno_name(f->vmalloc_max.error, name));
		return;
	}
	sb_printf(value, "; largest vmalloc that succeeded %s",
		  human_size(p->largest_bytes, size));
	if (p->vmalloc_failed_bytes)
		sb_printf(value, ", %s failed", human_size(
				  p->vmalloc_failed_bytes, size));
	else
		sb_printf(value, ", nothing failed up to the probe's limit "
			  "%s", human_size(p->vmalloc_limit_bytes, size));
	sb_printf(value, " (%" PRIu64 " %s%s)", (uint64_t)p->attempts,
		  p->attempts == 1 ? "try" : "tries",
		  p->vmalloc_timed_out ? ", stopped by the time budget" : "");
}

static void row_vmalloc_limit(const struct facts *f, struct fact_row *row)
{
	const struct kab_probe *p = &f->vmalloc_max.p;
	char size[24], memory[24], failed[24];

	sb_append(&row->how, "VmallocTotal of /proc/meminfo; vmallocs in the "
		  "module with __GFP_NORETRY (a size memory cannot serve "
		  "fails, the OOM killer stays asleep), doubling from 64 MiB "
		  "until one fails or reaches the available memory less an "
		  "eighth and 64 MiB, then bisecting 4 steps; each freed at "
		  "once");
	if (!f->vmalloc_total_read) {
		not_measured(row, "/proc/meminfo has no VmallocTotal");
		return;
	}
	sb_printf(&row->value, "VmallocTotal %s",
		  human_size(f->vmalloc_total, size));
	vmalloc_probe_value(f, &row->value);
	human_size(f->info.totalram_bytes, memory);
	if (f->vmalloc_total <= (1ULL << 30)) {
		row->verdict = VERDICT_HOLDS;
		sb_append(&row->why, "the vmalloc area is small: a 32-bit "
			  "kernel shares 1 GiB of kernel addresses with the "
			  "direct map");
	} else {
		row->verdict = VERDICT_DOES_NOT_HOLD;
		sb_printf(&row->why, "the vmalloc area is huge on 64-bit: %s "
			  "of addresses against %s of memory", size, memory);
	}
	if (!f->vmalloc_max.done)
		return;
	human_size(p->vmalloc_failed_bytes, failed);
	if (p->vmalloc_failed_bytes &&
	    p->vmalloc_failed_bytes <= f->vmalloc_total / 2)
		sb_printf(&row->why, "; %s failed with the area %s, at least "
			  "twice that, and %s of memory: what ran short is "
			  "memory, or the area's free space, which the probe "
			  "cannot tell apart", failed, size, memory);
	else if (p->vmalloc_failed_bytes)
		sb_printf(&row->why, "; %s failed, more than half the area: "
			  "its size bounds vmalloc", failed);
	else
		sb_printf(&row->why, "; nothing failed up to the probe's limit, "
			  "which memory sets, not the area");
}

static void row_leak(const struct facts *f, struct fact_row *row)
{
	const struct facts_leak *l = &f->leak;
	char size[24];
	int64_t slab, available;

	sb_append(&row->how, "Slab (SUnreclaim) and MemAvailable of "
		  "/proc/meminfo before loading kallocbench_leak.ko (which "
		  "kmallocs and forgets the bytes) and after unloading it");
	if (!l->measured) {
		not_measured(row, "%s", l->why[0] ? l->why :
			     "the leak was not attempted");
		return;
	}
	slab = (int64_t)(l->unloaded.sunreclaim - l->before.sunreclaim);
	available = (int64_t)(l->before.available - l->unloaded.available);
	sb_printf(&row->value, "leaked %s: SUnreclaim %+" PRId64 " KiB after "
		  "the load, %+" PRId64 " KiB after the unload; MemAvailable "
		  "%+" PRId64 " KiB after the unload",
		  size_text(l->bytes, size),
		  (int64_t)(l->loaded.sunreclaim - l->before.sunreclaim) / 1024,
		  slab / 1024, -available / 1024);
	if (slab >= (int64_t)l->bytes / 2) {
		row->verdict = VERDICT_HOLDS;
		sb_append(&row->why, "unloading frees the module's code, not "
			  "its allocations: the slab memory stays taken until "
			  "reboot");
	} else {
		row->verdict = VERDICT_DOES_NOT_HOLD;
		sb_append(&row->why, "SUnreclaim recovered after the unload");
	}
}

static void row_stack(const struct facts *f, struct fact_row *row)
{
	char size[24];

	sb_append(&row->how, "THREAD_SIZE from the module; CONFIG_VMAP_STACK "
		  "and CONFIG_FRAME_WARN from the kernel's .config; the "
		  "kernel's scripts/checkstack.pl over bench-mod's objects");
	if (!f->info_read) {
		not_measured(row, "the module's INFO was not available");
		return;
	}
	sb_printf(&row->value, "THREAD_SIZE %s", size_text(f->info.thread_size,
							    size));
	if (f->config_missing[0])
		sb_printf(&row->value, "; config not available (%s)",
			  f->config_missing);
	else
		sb_printf(&row->value, "; CONFIG_VMAP_STACK=%s; "
			  "CONFIG_FRAME_WARN=%s", f->vmap_stack, f->frame_warn);
	if (f->checkstack_missing[0]) {
		sb_printf(&row->value, "; checkstack not available (%s)",
			  f->checkstack_missing);
	} else {
		sb_append(&row->value, "; largest frames of bench-mod:");
		for (size_t i = 0; i < f->nr_frames && i < 3; i++)
			sb_printf(&row->value, "%s %s %" PRIu64 " B",
				  i ? "," : "", f->frames[i].function,
				  f->frames[i].bytes);
	}
	if (f->info.thread_size == 8192) {
		row->verdict = VERDICT_HOLDS;
		sb_append(&row->why, "two 4 KiB pages, as on 32-bit x86");
	} else {
		row->verdict = VERDICT_DOES_NOT_HOLD;
		sb_printf(&row->why, "THREAD_SIZE is %s here (x86-64 has used "
			  "16 KiB since 3.15)", size_text(f->info.thread_size,
							 size));
	}
	if (strcmp(f->vmap_stack, "y") == 0)
		sb_append(&row->why, "; stacks are vmalloc-mapped with guard "
			  "pages, so an overflow faults instead of corrupting");
}

static bool in_range(uint64_t addr, uint64_t start, uint64_t end)
{
	return addr >= start && addr < end;
}

static void row_layout(const struct facts *f, struct fact_row *row)
{
	const struct kab_probe *p = &f->layout.p;
	bool kmalloc_ok, vmalloc_ok;

	sb_append(&row->how, "PAGE_OFFSET, high_memory, VMALLOC_START/END, "
		  "MODULES_VADDR/END and live addresses, from the module");
	if (!f->layout.done) {
		probe_failed(row, "layout", &f->layout);
		return;
	}
	sb_printf(&row->value, "direct map 0x%" PRIx64 "-0x%" PRIx64
		  ", vmalloc 0x%" PRIx64 "-0x%" PRIx64,
		  (uint64_t)p->page_offset, (uint64_t)p->direct_map_end,
		  (uint64_t)p->vmalloc_start, (uint64_t)p->vmalloc_end);
	if (p->modules_start)
		sb_printf(&row->value, ", modules 0x%" PRIx64 "-0x%" PRIx64,
			  (uint64_t)p->modules_start, (uint64_t)p->modules_end);
	sb_printf(&row->value, "; kmalloc at 0x%" PRIx64 ", vmalloc at 0x%"
		  PRIx64 ", this module at 0x%" PRIx64,
		  (uint64_t)p->kmalloc_addr, (uint64_t)p->vmalloc_addr,
		  (uint64_t)p->module_addr);
	kmalloc_ok = in_range(p->kmalloc_addr, p->page_offset,
			      p->direct_map_end);
	vmalloc_ok = in_range(p->vmalloc_addr, p->vmalloc_start,
			      p->vmalloc_end);
	if (kmalloc_ok && vmalloc_ok) {
		row->verdict = VERDICT_HOLDS;
		sb_append(&row->why, "the kmalloc address is in the direct map, "
			  "the vmalloc address in the vmalloc area");
	} else {
		row->verdict = VERDICT_DOES_NOT_HOLD;
		sb_printf(&row->why, "the %s address is outside its range",
			  kmalloc_ok ? "vmalloc" : "kmalloc");
	}
}

size_t facts_rows(const struct facts *f, struct fact_row *rows, size_t max)
{
	static const struct {
		const char *id;
		const char *claim;
		void (*fill)(const struct facts *f, struct fact_row *row);
	} claims[] = {
		{ "1", "Memory is split into zones DMA, Normal and HighMem "
		  "(above 896 MiB)", row_zones },
		{ "2", "/proc/buddyinfo has one column per buddy order",
		  row_buddy },
		{ "3", "KMALLOC_MAX_SIZE, the largest kmalloc, is 4 MiB",
		  row_kmalloc_max },
		{ "4", "kmalloc rounds every request up to a power of two",
		  row_ksize },
		{ "5", "kmalloc(0) returns ZERO_SIZE_PTR, and kfree of it is "
		  "harmless", row_zero_size },
		{ "6", "kmalloc memory is not zeroed: use kzalloc for zeros",
		  row_init },
		{ "7", "krealloc keeps the pointer within the size class and "
		  "moves it across classes", row_krealloc },
		{ "8", "kmalloc and alloc_pages memory is physically contiguous, "
		  "vmalloc memory is not", row_contiguity },
		{ "9", "vmalloc memory comes from HighMem", row_vmalloc_highmem },
		{ "9b", "GFP_DMA and GFP_DMA32 memory comes from ZONE_DMA and "
		  "ZONE_DMA32", row_dma_zones },
		{ "10", "vmalloc space is small (VmallocTotal, about 128 MiB)",
		  row_vmalloc_limit },
		{ "11", "A kmalloc never freed outlives the module that made it",
		  row_leak },
		{ "12", "The kernel stack is 8 KiB (THREAD_SIZE)", row_stack },
		{ "13", "kmalloc memory lies in the direct map, vmalloc memory "
		  "in the vmalloc area", row_layout },
	};
	size_t count = 0;

	for (size_t i = 0; i < ARRAY_SIZE(claims); i++) {
		struct fact_row *row = add_row(rows, &count, max, claims[i].id,
					       claims[i].claim);

		if (row)
			claims[i].fill(f, row);
	}
	return count;
}

void fact_rows_free(struct fact_row *rows, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		sb_free(&rows[i].how);
		sb_free(&rows[i].value);
		sb_free(&rows[i].why);
	}
}
