#include "breakeven.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "csv.h"
#include "names.h"
#include "util.h"

static const char breakeven_usage[] =
	"usage: kallocbench breakeven DIR\n"
	"\n"
	"Reads DIR/access.csv and writes DIR/breakeven.csv: for each size and\n"
	"access pattern, vmalloc and vmalloc_huge against kmalloc and\n"
	"alloc_pages, which buffer costs less in total (alloc + free + page\n"
	"accesses) and after how many page accesses the other takes over.\n"
	"Repetitions of a case are averaged. Prints the table too.\n";

#define BREAKEVEN_COLUMNS "size_bytes,pattern,a,b,a_fixed_ns,b_fixed_ns," \
	"a_ns_per_page,b_ns_per_page,cheaper_first,breakeven_pages,cheaper_after"

/* The buffers compared: one cheap to allocate, one cheap to access. */
static const struct {
	const char *a;
	const char *b;
} pairs[] = {
	{ "vmalloc", "kmalloc" },
	{ "vmalloc", "alloc_pages" },
	{ "vmalloc_huge", "kmalloc" },
	{ "vmalloc_huge", "alloc_pages" },
};

struct breakeven breakeven_solve(double a_fixed, double a_per_page,
				 double b_fixed, double b_per_page)
{
	struct breakeven result = { .verdict = BREAKEVEN_equal };
	double crossing;

	if (a_fixed == b_fixed && a_per_page == b_per_page)
		return result;
	if (a_fixed <= b_fixed && a_per_page <= b_per_page) {
		result.verdict = BREAKEVEN_a_always;
		return result;
	}
	if (b_fixed <= a_fixed && b_per_page <= a_per_page) {
		result.verdict = BREAKEVEN_b_always;
		return result;
	}
	/* One is cheaper to allocate, the other to access: the totals are
	 * equal after a positive number of accesses, and swap beyond it. */
	crossing = (a_fixed - b_fixed) / (b_per_page - a_per_page);
	result.verdict = a_fixed < b_fixed ? BREAKEVEN_a_then_b :
					     BREAKEVEN_b_then_a;
	result.pages = crossing >= 0x1p64 ? UINT64_MAX :
		       (uint64_t)floor(crossing) + 1;
	return result;
}

/* The mean figures of one (allocator, size, pattern) of access.csv. */
struct measured {
	char *allocator;
	char *pattern;
	uint64_t size;
	double fixed_ns;
	double per_page_ns;
	unsigned count;
};

struct measurements {
	struct measured *item;
	size_t count;
	size_t capacity;
};

#define USED_LIST(X) X(status) X(allocator) X(size_bytes) X(pattern) \
	X(alloc_ns) X(free_ns) X(access_ns_per_page)
#define USED_ENUM(name) USED_##name,
#define USED_NAME(name) #name,
enum used { USED_LIST(USED_ENUM) NR_USED };
static const char *const used_names[NR_USED] = { USED_LIST(USED_NAME) };

static struct measured *find(const struct measurements *all,
			     const char *allocator, uint64_t size,
			     const char *pattern)
{
	for (size_t i = 0; i < all->count; i++)
		if (all->item[i].size == size &&
		    strcmp(all->item[i].allocator, allocator) == 0 &&
		    strcmp(all->item[i].pattern, pattern) == 0)
			return &all->item[i];
	return NULL;
}

static void add_row(struct measurements *all, char **field,
		    const int column[NR_USED])
{
	uint64_t size = strtoull(field[column[USED_size_bytes]], NULL, 10);
	struct measured *m = find(all, field[column[USED_allocator]], size,
				  field[column[USED_pattern]]);

	if (!m) {
		xgrow((void **)&all->item, &all->capacity, all->count + 1,
		      sizeof(*all->item));
		m = &all->item[all->count++];
		*m = (struct measured){
			.allocator = xstrdup(field[column[USED_allocator]]),
			.pattern = xstrdup(field[column[USED_pattern]]),
			.size = size,
		};
	}
	m->fixed_ns += strtod(field[column[USED_alloc_ns]], NULL) +
		       strtod(field[column[USED_free_ns]], NULL);
	m->per_page_ns += strtod(field[column[USED_access_ns_per_page]], NULL);
	m->count++;
}

/* The rows that ran, averaged per case; -1 with a message on bad input. */
static int read_access(const char *text, struct measurements *all)
{
	struct csv_fields fields = { 0 };
	int column[NR_USED];
	bool header = true;
	int result = 0;

	for (const char *line = text; result == 0 && *line;) {
		size_t len = strcspn(line, "\n");
		char *copy = xstrndup(line, len);

		line += len + (line[len] == '\n');
		if (!csv_split(copy, &fields)) {
			result = -1;
		} else if (header) {
			for (int u = 0; u < NR_USED && result == 0; u++) {
				column[u] = kab_name_index(
					(const char *const *)fields.field,
					fields.count, used_names[u]);
				if (column[u] < 0) {
					fprintf(stderr, "kallocbench: access.csv has no %s column\n",
						used_names[u]);
					result = -1;
				}
			}
			header = false;
		} else if (fields.count > (size_t)column[USED_access_ns_per_page] &&
			   strcmp(fields.field[column[USED_status]], "ok") == 0) {
			add_row(all, fields.field, column);
		}
		csv_fields_free(&fields);
		free(copy);
	}
	for (size_t i = 0; i < all->count; i++) {
		all->item[i].fixed_ns /= all->item[i].count;
		all->item[i].per_page_ns /= all->item[i].count;
	}
	return result;
}

static const char *cheaper(enum breakeven_verdict verdict, bool after,
			   const char *a, const char *b)
{
	switch (verdict) {
	case BREAKEVEN_a_always: return a;
	case BREAKEVEN_b_always: return b;
	case BREAKEVEN_a_then_b: return after ? b : a;
	case BREAKEVEN_b_then_a: return after ? a : b;
	default: return "";
	}
}

static void compare(const struct measured *a, const struct measured *b,
		    struct strbuf *csv, FILE *out)
{
	struct breakeven r = breakeven_solve(a->fixed_ns, a->per_page_ns,
					     b->fixed_ns, b->per_page_ns);
	const char *first = cheaper(r.verdict, false, a->allocator, b->allocator);
	const char *after = cheaper(r.verdict, true, a->allocator, b->allocator);
	char size[24], pages[24] = "";

	if (r.pages)
		snprintf(pages, sizeof(pages), "%llu", (unsigned long long)r.pages);
	sb_printf(csv, "%llu,%s,%s,%s,%.1f,%.1f,%.3f,%.3f,%s,%s,%s\n",
		  (unsigned long long)a->size, a->pattern, a->allocator,
		  b->allocator, a->fixed_ns, b->fixed_ns, a->per_page_ns,
		  b->per_page_ns, first, pages, after);
	format_size(a->size, size);
	fprintf(out, "%-6s %-10s %-12s vs %-11s ", size, a->pattern,
		a->allocator, b->allocator);
	if (r.pages)
		fprintf(out, "%s cheaper up to %s page accesses, then %s\n",
			first, pages, after);
	else if (*first)
		fprintf(out, "%s always cheaper\n", first);
	else
		fprintf(out, "the same cost\n");
}

static int breakeven(const char *dir)
{
	struct measurements all = { 0 };
	struct strbuf path = { 0 }, csv = { 0 };
	char *text;
	int status = 1;

	sb_printf(&path, "%s/access.csv", dir);
	text = read_file(path.text, NULL);
	if (!text)
		fprintf(stderr, "kallocbench: cannot read %s: %m\n", path.text);
	else if (read_access(text, &all) < 0)
		fprintf(stderr, "kallocbench: %s: malformed\n", path.text);
	else
		status = 0;
	sb_printf(&csv, "%s\n", BREAKEVEN_COLUMNS);
	for (size_t i = 0; status == 0 && i < all.count; i++)
		for (size_t p = 0; p < ARRAY_SIZE(pairs); p++) {
			const struct measured *a = &all.item[i], *b;

			if (strcmp(a->allocator, pairs[p].a) != 0)
				continue;
			b = find(&all, pairs[p].b, a->size, a->pattern);
			if (b)
				compare(a, b, &csv, stdout);
		}
	sb_reset(&path);
	sb_printf(&path, "%s/breakeven.csv", dir);
	if (status == 0 && write_file(path.text, csv.text, csv.len) < 0) {
		fprintf(stderr, "kallocbench: cannot write %s: %m\n", path.text);
		status = 1;
	}
	for (size_t i = 0; i < all.count; i++) {
		free(all.item[i].allocator);
		free(all.item[i].pattern);
	}
	free(all.item);
	free(text);
	sb_free(&csv);
	sb_free(&path);
	return status;
}

int cmd_breakeven(int argc, char **argv)
{
	const char *dir;
	int status = cli_one_argument(argc, argv, breakeven_usage, &dir);

	return status == CLI_CONTINUE ? breakeven(dir) : status;
}
