#include "analysis/breakeven.h"

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kallocbench_sim.h>

#include "cli/cli.h"
#include "cpus.h"
#include "output/csv.h"
#include "util/names.h"
#include "util/util.h"

static const char breakeven_usage[] =
	"usage: kallocbench breakeven [--walk-penalty N] DIR\n"
	"\n"
	"Reads DIR/access.csv (and DIR/sim.csv, the simulated MMU's counts, when\n"
	"there) and writes DIR/breakeven.csv: for each size, fragmentation level,\n"
	"access pattern and TLB model, vmalloc and vmalloc_huge against kmalloc\n"
	"and alloc_pages, and vmalloc against vmalloc_huge, which buffer costs less in total (alloc + free + page\n"
	"accesses) and after how many page accesses the other takes over. A page\n"
	"access costs the slope of the walk's time against the pages it touched\n"
	"(to the next smaller size), plus the simulated page walks per page\n"
	"times the walk penalty. Writes DIR/tradeoff.csv\n"
	"too: per case and model, the cost per page (as measured, and the\n"
	"slope to the next smaller size, which leaves the walk's fixed cost out)\n"
	"and the simulated walks and dTLB misses per page touched.\n"
	"A verdict is given where it is exact (icount) or significant (at least\n"
	"two repetitions, the differences beyond twice their standard errors);\n"
	"elsewhere it says \"not significant\". Differences below 1% of the\n"
	"larger figure count as none. Prints the table.\n"
	"\n"
	"  --walk-penalty N  cost of one page walk in the figures' unit (ns; under\n"
	"                    icount, instructions); default: the model's\n"
	"                    walk_penalty_cycles, one unit per cycle\n";

/* The model name of rows measured without the simulated MMU. */
#define NO_MODEL "none"

/* The buffers compared: one cheap to allocate, one cheap to access. */
static const struct {
	const char *a;
	const char *b;
} pairs[] = {
	{ "vmalloc", "kmalloc" },
	{ "vmalloc", "alloc_pages" },
	{ "vmalloc_huge", "kmalloc" },
	{ "vmalloc_huge", "alloc_pages" },
	/* above KMALLOC_MAX_SIZE: 4 KiB mappings against 2 MiB ones */
	{ "vmalloc", "vmalloc_huge" },
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

/* Running mean and variance (Welford). */
struct moments {
	unsigned n;
	double mean, m2;
};

static void moments_add(struct moments *m, double x)
{
	double delta = x - m->mean;

	m->n++;
	m->mean += delta / m->n;
	m->m2 += delta * (x - m->mean);
}

/* The squared standard error of the mean; 0 for fewer than two values. */
static double moments_se2(const struct moments *m)
{
	return m->n < 2 ? 0 : m->m2 / (m->n - 1) / m->n;
}

#define USED_LIST(X) X(case) X(repetition) X(mode) X(status) X(allocator) \
	X(size_bytes) X(pattern) X(frag_level) X(frag_kind) X(passes) X(pages) X(alloc_ns) \
	X(free_ns) X(access_ns) X(map_order_min) X(direct_map_order_min)
#define USED_IS_COLUMN(name) _Static_assert(ACCESS_COLUMN_##name >= 0, #name);
USED_LIST(USED_IS_COLUMN)
#define USED_ENUM(name) USED_##name,
#define USED_NAME(name) #name,
enum used { USED_LIST(USED_ENUM) NR_USED };
static const char *const used_names[NR_USED] = { USED_LIST(USED_NAME) };

/* What the simulated MMU counted in one access phase, per model. */
#define SIM_USED_LIST(X) X(case) X(repetition) X(phase) X(model) X(sim_walks) \
	X(sim_dtlb_load_misses) X(sim_walk_refs) X(sim_walks_4k) X(sim_walks_2m) \
	X(sim_walks_1g)
#define SIM_USED_ENUM(name) SIM_USED_##name,
enum sim_used { SIM_USED_LIST(SIM_USED_ENUM) NR_SIM_USED };
static const char *const sim_used_names[NR_SIM_USED] = {
	SIM_USED_LIST(USED_NAME)
};

struct table {
	struct csv_fields *row;
	size_t count;
	size_t capacity;
	/* the columns of the names asked for: USED_* or SIM_USED_* */
	int column[(int)NR_USED > (int)NR_SIM_USED ? (int)NR_USED : (int)NR_SIM_USED];
};

/* One (allocator, size, pattern, level, model) of the run, repetitions
 * pooled. */
struct measured {
	const char *allocator, *pattern, *frag_level, *frag_kind, *model;
	uint64_t size;
	struct moments fixed;		/* alloc + free */
	struct moments access;		/* access_ns */
	struct moments walks;		/* simulated walks per page touched */
	double pages_walked;
	double per_page;		/* access per page, overhead out */
	unsigned failed;		/* rows that could not get the buffer */
};

struct measurements {
	struct measured *item;
	size_t count;
	size_t capacity;
	bool exact;			/* icount: every figure exact */
	unsigned min_repetitions;
};

static void table_free(struct table *t)
{
	for (size_t i = 0; i < t->count; i++)
		csv_fields_free(&t->row[i]);
	free(t->row);
}

/*
 * The rows of DIR/@name; the header's columns @names[0..@nr) found, else -1
 * with a message (or 1 for a file that is not there, when @optional). A
 * column named @may_lack may be missing (runs older than it): its cells
 * read empty.
 */
static int table_read(const char *dir, const char *name, bool optional,
		      const char *const *names, int nr, const char *may_lack,
		      struct table *t)
{
	struct strbuf path = { 0 };
	char *text, *save = NULL;
	bool header = true;
	int result = 0;

	*t = (struct table){ 0 };
	sb_printf(&path, "%s/%s", dir, name);
	text = read_file(path.text, NULL);
	if (!text) {
		if (!optional)
			fprintf(stderr, "kallocbench: cannot read %s: %m\n", path.text);
		sb_free(&path);
		return optional ? 1 : -1;
	}
	for (char *line = strtok_r(text, "\n", &save); line && result == 0;
	     line = strtok_r(NULL, "\n", &save)) {
		struct csv_fields fields = { 0 };

		if (!csv_split(line, &fields)) {
			csv_fields_free(&fields);
			continue;	/* a partial last line */
		}
		if (header) {
			for (int u = 0; u < nr && result == 0; u++) {
				t->column[u] = kab_name_index(
					(const char *const *)fields.field,
					fields.count, names[u]);
				if (t->column[u] < 0 && may_lack &&
				    strcmp(names[u], may_lack) == 0)
					continue;
				if (t->column[u] < 0) {
					fprintf(stderr, "kallocbench: %s has no %s column\n",
						path.text, names[u]);
					result = -1;
				}
			}
			csv_fields_free(&fields);
			header = false;
			continue;
		}
		xgrow((void **)&t->row, &t->capacity, t->count + 1,
		      sizeof(*t->row));
		t->row[t->count++] = fields;
	}
	free(text);
	sb_free(&path);
	return result;
}

static const char *cell(const struct table *t, size_t row, int used)
{
	const struct csv_fields *f = &t->row[row];
	int column = t->column[used];

	return column >= 0 && (size_t)column < f->count ? f->field[column] : "";
}

/* Two figures of the same state of memory, walk and TLB model. */
static bool alike(const struct measured *m, const char *pattern,
		  const char *frag_level, const char *frag_kind,
		  const char *model)
{
	return strcmp(m->pattern, pattern) == 0 &&
	       strcmp(m->frag_level, frag_level) == 0 &&
	       strcmp(m->frag_kind, frag_kind) == 0 &&
	       strcmp(m->model, model) == 0;
}

static struct measured *find(const struct measurements *all,
			     const char *allocator, uint64_t size,
			     const char *pattern, const char *frag_level,
			     const char *frag_kind, const char *model)
{
	for (size_t i = 0; i < all->count; i++) {
		struct measured *m = &all->item[i];

		if (m->size == size && strcmp(m->allocator, allocator) == 0 &&
		    alike(m, pattern, frag_level, frag_kind, model))
			return m;
	}
	return NULL;
}

static struct measured *find_or_add(struct measurements *all,
				    const struct table *access, size_t row,
				    const char *model)
{
	uint64_t size = strtoull(cell(access, row, USED_size_bytes), NULL, 10);
	struct measured *m = find(all, cell(access, row, USED_allocator), size,
				  cell(access, row, USED_pattern),
				  cell(access, row, USED_frag_level),
				  cell(access, row, USED_frag_kind), model);

	if (m)
		return m;
	xgrow((void **)&all->item, &all->capacity, all->count + 1,
	      sizeof(*all->item));
	m = &all->item[all->count++];
	*m = (struct measured){
		.allocator = cell(access, row, USED_allocator),
		.pattern = cell(access, row, USED_pattern),
		.frag_level = cell(access, row, USED_frag_level),
		.frag_kind = cell(access, row, USED_frag_kind),
		.model = model,
		.size = size,
	};
	return m;
}

/* The access phase's sim.csv row of @model for the access.csv row. */
static size_t sim_row(const struct table *sim, const struct table *access,
		      size_t row, const char *model)
{
	for (size_t i = 0; i < sim->count; i++)
		if (strcmp(cell(sim, i, SIM_USED_phase), "access") == 0 &&
		    strcmp(cell(sim, i, SIM_USED_model), model) == 0 &&
		    strcmp(cell(sim, i, SIM_USED_case), cell(access, row, USED_case)) == 0 &&
		    strcmp(cell(sim, i, SIM_USED_repetition),
			   cell(access, row, USED_repetition)) == 0)
			return i;
	return SIZE_MAX;
}

/* The models sim.csv names, in order of appearance; "none" without it. */
static size_t list_models(const struct table *sim, const char **models,
			  size_t max)
{
	size_t count = 0;

	for (size_t i = 0; sim && i < sim->count && count < max; i++) {
		const char *model = cell(sim, i, SIM_USED_model);
		bool seen = false;

		for (size_t m = 0; m < count; m++)
			seen |= strcmp(models[m], model) == 0;
		if (!seen)
			models[count++] = model;
	}
	if (count == 0)
		models[count++] = NO_MODEL;
	return count;
}

static double number(const char *text)
{
	return strtod(text, NULL);
}

/* One row of tradeoff.csv: an access.csv row seen through one model. */
struct case_row {
	size_t access_row;
	size_t sim_row;		/* SIZE_MAX: no simulated counts */
	const char *model;
	double pages;
	size_t group;		/* its entry of measurements */
};

struct case_rows {
	struct case_row *item;
	size_t count;
	size_t capacity;
};

/* A count of the simulated MMU per page touched, empty without one. */
static void add_per_page(struct strbuf *out, const struct table *sim,
			 const struct case_row *r, int used)
{
	if (r->sim_row == SIZE_MAX)
		sb_append(out, ",");
	else
		sb_printf(out, ",%.4f", number(cell(sim, r->sim_row, used)) / r->pages);
}

static void add_sim_cell(struct strbuf *out, const struct table *sim,
			 const struct case_row *r, int used)
{
	sb_printf(out, ",%s", r->sim_row == SIZE_MAX ? "" : cell(sim, r->sim_row, used));
}

static void write_case_row(struct strbuf *out, const struct table *access,
			   const struct table *sim, const struct case_row *r,
			   const struct measured *group)
{
	size_t row = r->access_row;

	sb_printf(out, "%s,%s,%s,%s,%s,%s,%s,%s,%.0f,%.4f,%.4f",
		  cell(access, row, USED_case), cell(access, row, USED_repetition),
		  cell(access, row, USED_allocator), cell(access, row, USED_size_bytes),
		  cell(access, row, USED_pattern), cell(access, row, USED_frag_level),
		  cell(access, row, USED_frag_kind), r->model, r->pages,
		  number(cell(access, row, USED_access_ns)) / r->pages,
		  group->per_page);
	add_sim_cell(out, sim, r, SIM_USED_sim_walks);
	add_per_page(out, sim, r, SIM_USED_sim_walks);
	add_sim_cell(out, sim, r, SIM_USED_sim_dtlb_load_misses);
	add_per_page(out, sim, r, SIM_USED_sim_dtlb_load_misses);
	add_per_page(out, sim, r, SIM_USED_sim_walk_refs);
	add_sim_cell(out, sim, r, SIM_USED_sim_walks_4k);
	add_sim_cell(out, sim, r, SIM_USED_sim_walks_2m);
	add_sim_cell(out, sim, r, SIM_USED_sim_walks_1g);
	sb_printf(out, ",%s,%s\n", cell(access, row, USED_map_order_min),
		  cell(access, row, USED_direct_map_order_min));
}

/* Pools the rows that ran by case, for each model, remembering each. */
static void measure(const struct table *access, const struct table *sim,
		    struct measurements *all, struct case_rows *rows)
{
	const char *models[KAB_SIM_MAX_MODELS];
	size_t nr_models = list_models(sim, models, KAB_SIM_MAX_MODELS);

	all->exact = access->count > 0;
	for (size_t row = 0; row < access->count; row++) {
		double pages = number(cell(access, row, USED_pages)) *
			       number(cell(access, row, USED_passes));

		if (strcmp(cell(access, row, USED_status), "failed") == 0) {
			for (size_t k = 0; k < nr_models; k++)
				find_or_add(all, access, row, models[k])->failed++;
			continue;
		}
		if (strcmp(cell(access, row, USED_status), "ok") != 0 || pages <= 0)
			continue;
		all->exact &= strcmp(cell(access, row, USED_mode), "qemu-icount") == 0;
		for (size_t k = 0; k < nr_models; k++) {
			struct measured *m = find_or_add(all, access, row, models[k]);
			size_t s = sim ? sim_row(sim, access, row, models[k]) : SIZE_MAX;

			moments_add(&m->fixed, number(cell(access, row, USED_alloc_ns)) +
					       number(cell(access, row, USED_free_ns)));
			moments_add(&m->access, number(cell(access, row, USED_access_ns)));
			m->pages_walked = pages;
			if (s != SIZE_MAX)
				moments_add(&m->walks,
					    number(cell(sim, s, SIM_USED_sim_walks)) / pages);
			xgrow((void **)&rows->item, &rows->capacity, rows->count + 1,
			      sizeof(*rows->item));
			rows->item[rows->count++] = (struct case_row){
				.access_row = row, .sim_row = s, .model = models[k],
				.pages = pages, .group = (size_t)(m - all->item),
			};
		}
	}
	all->min_repetitions = UINT32_MAX;
	for (size_t i = 0; i < all->count; i++)
		if (all->item[i].fixed.n && all->item[i].fixed.n < all->min_repetitions)
			all->min_repetitions = all->item[i].fixed.n;
}

/*
 * The cost of one more page access: the slope between this size and the
 * next smaller one of the same allocator, pattern, state and model (the
 * next larger for the smallest). A walk has a fixed cost, entering the
 * loop and, under TCG, translating its code the first time it runs, that
 * a small buffer would otherwise show as a cost per page.
 */
static void per_page_costs(struct measurements *all)
{
	for (size_t i = 0; i < all->count; i++) {
		struct measured *m = &all->item[i], *below = NULL, *above = NULL;
		const struct measured *other;

		if (!m->fixed.n)
			continue;
		for (size_t j = 0; j < all->count; j++) {
			struct measured *o = &all->item[j];

			if (!o->fixed.n || o == m ||
			    strcmp(o->allocator, m->allocator) != 0 ||
			    !alike(o, m->pattern, m->frag_level, m->frag_kind,
				   m->model))
				continue;
			if (o->pages_walked < m->pages_walked &&
			    (!below || o->pages_walked > below->pages_walked))
				below = o;
			if (o->pages_walked > m->pages_walked &&
			    (!above || o->pages_walked < above->pages_walked))
				above = o;
		}
		other = below ? below : above;
		m->per_page = other ?
			(m->access.mean - other->access.mean) /
			(m->pages_walked - other->pages_walked) :
			m->access.mean / m->pages_walked;
		if (m->per_page < 0)
			m->per_page = 0;
	}
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

/* Beyond twice the combined standard error, with two runs or more a side. */
static bool differs(const struct moments *a, const struct moments *b,
		    double scale)
{
	double se = sqrt(moments_se2(a) + moments_se2(b)) * scale;

	return a->n >= 2 && b->n >= 2 && fabs(a->mean - b->mean) * scale > 2 * se;
}

/*
 * Differences below BREAKEVEN_MARGIN of the larger figure count as none:
 * icount's figures are exact for one layout of memory, and a case run
 * after another (a lazy vfree purge pending or not) moves them that much.
 */
static bool same_within(double x, double y)
{
	double larger = fmax(fabs(x), fabs(y));

	return fabs(x - y) <= BREAKEVEN_MARGIN * larger;
}

static double penalty_of(const char *model, double walk_penalty)
{
	const struct sim_cpu_model *cpu;

	if (walk_penalty >= 0)
		return walk_penalty;
	cpu = sim_cpu_model_find(model);
	return cpu ? cpu->walk_penalty_cycles : 0;
}

static void compare(const struct measurements *all, const struct measured *a,
		    const struct measured *b, double walk_penalty,
		    struct strbuf *csv, FILE *out)
{
	double penalty = penalty_of(a->model, walk_penalty);
	double a_cost = a->per_page + penalty * a->walks.mean;
	double b_cost = b->per_page + penalty * b->walks.mean;
	/* a difference within the margin is none: the verdict says so */
	double a_fixed = same_within(a->fixed.mean, b->fixed.mean) ?
			 b->fixed.mean : a->fixed.mean;
	struct breakeven r = breakeven_solve(a_fixed,
					     same_within(a_cost, b_cost) ? b_cost : a_cost,
					     b->fixed.mean, b_cost);
	bool significant = all->exact ||
		(differs(&a->fixed, &b->fixed, 1) &&
		 differs(&a->access, &b->access, 1.0 / a->pages_walked));
	const char *basis = all->exact ? "exact (icount)" :
			    significant ? "significant" : "not significant";
	const char *first = significant ? cheaper(r.verdict, false, a->allocator,
						  b->allocator) : "";
	const char *after = significant ? cheaper(r.verdict, true, a->allocator,
						  b->allocator) : "";
	char size[24], pages[24] = "", walks[2][24] = { "", "" };

	if (significant && r.pages)
		snprintf(pages, sizeof(pages), "%llu", (unsigned long long)r.pages);
	if (a->walks.n)
		snprintf(walks[0], sizeof(walks[0]), "%.4f", a->walks.mean);
	if (b->walks.n)
		snprintf(walks[1], sizeof(walks[1]), "%.4f", b->walks.mean);
	sb_printf(csv, "%llu,%s,%s,%s,%s,%s,%s,%.0f,%.1f,%.1f,%.3f,%.3f,%s,%s,%.3f,%.3f,%s,%s,%s,%s\n",
		  (unsigned long long)a->size, a->frag_level, a->frag_kind, a->pattern,
		  a->allocator, b->allocator, a->model, penalty, a->fixed.mean,
		  b->fixed.mean, a->per_page, b->per_page, walks[0], walks[1],
		  a_cost, b_cost, first, pages, after, basis);
	format_size(a->size, size);
	fprintf(out, "%-6s %-10s %-8s %-9s %-12s vs %-11s %-11s ", size, a->pattern,
		a->frag_level, *a->frag_kind ? a->frag_kind : "-", a->allocator,
		b->allocator, a->model);
	if (!significant)
		fprintf(out, "not significant (repetitions = 2 or more give intervals)\n");
	else if (r.pages)
		fprintf(out, "%s cheaper up to %s page accesses, then %s\n",
			first, pages, after);
	else if (*first)
		fprintf(out, "%s always cheaper\n", first);
	else
		fprintf(out, "the same cost (within %.0f%%)\n", BREAKEVEN_MARGIN * 100);
}

/* One side never got its buffer in this state: the other wins outright. */
static void compare_failed(const struct measured *a, const struct measured *b,
			   struct strbuf *csv, FILE *out)
{
	const struct measured *got = a->fixed.n ? a : b;
	const struct measured *lost = got == a ? b : a;
	char size[24];

	sb_printf(csv, "%llu,%s,%s,%s,%s,%s,%s,,,,,,,,,,%s,,%s,%s failed\n",
		  (unsigned long long)a->size, a->frag_level, a->frag_kind,
		  a->pattern, a->allocator, b->allocator, a->model, got->allocator,
		  got->allocator, lost->allocator);
	format_size(a->size, size);
	fprintf(out, "%-6s %-10s %-8s %-9s %-12s vs %-11s %-11s %s only: %s failed to allocate\n",
		size, a->pattern, a->frag_level, *a->frag_kind ? a->frag_kind : "-",
		a->allocator, b->allocator, a->model, got->allocator, lost->allocator);
}

static int write_text(const char *dir, const char *name, const struct strbuf *text)
{
	struct strbuf path = { 0 };
	int result;

	sb_printf(&path, "%s/%s", dir, name);
	result = write_file(path.text, text->text ? text->text : "", text->len);
	if (result < 0)
		fprintf(stderr, "kallocbench: cannot write %s: %m\n", path.text);
	sb_free(&path);
	return result;
}

static int breakeven(const char *dir, double walk_penalty)
{
	struct measurements all = { 0 };
	struct table access, sim;
	struct strbuf csv = { 0 }, tradeoff = { 0 };
	struct case_rows rows = { 0 };
	int status = 1, have_sim;

	if (table_read(dir, "access.csv", false, used_names, NR_USED,
		       "frag_kind", &access) < 0) {
		table_free(&access);
		return 1;
	}
	have_sim = table_read(dir, "sim.csv", true, sim_used_names, NR_SIM_USED,
			      NULL, &sim);
	if (have_sim < 0)
		goto out;
	sb_append(&csv, BREAKEVEN_HEADER);
	sb_append(&tradeoff, COLUMNS_LINE(TRADEOFF_COLUMN_LIST));
	measure(&access, have_sim == 0 ? &sim : NULL, &all, &rows);
	per_page_costs(&all);
	for (size_t i = 0; i < rows.count; i++)
		write_case_row(&tradeoff, &access, have_sim == 0 ? &sim : NULL,
			       &rows.item[i], &all.item[rows.item[i].group]);
	for (size_t i = 0; i < all.count; i++)
		for (size_t p = 0; p < ARRAY_SIZE(pairs); p++) {
			const struct measured *a = &all.item[i], *b;

			if (strcmp(a->allocator, pairs[p].a) != 0)
				continue;
			b = find(&all, pairs[p].b, a->size, a->pattern,
				 a->frag_level, a->frag_kind, a->model);
			if (!b || (!a->fixed.n && !b->fixed.n))
				continue;
			if (!a->fixed.n || !b->fixed.n) {
				if ((a->fixed.n ? b : a)->failed)
					compare_failed(a, b, &csv, stdout);
				continue;
			}
			/* A model's verdict needs its counts on both sides. */
			if (strcmp(a->model, NO_MODEL) == 0 ||
			    (a->walks.n && b->walks.n))
				compare(&all, a, b, walk_penalty, &csv, stdout);
		}
	if (write_text(dir, "breakeven.csv", &csv) == 0 &&
	    write_text(dir, "tradeoff.csv", &tradeoff) == 0)
		status = 0;
out:
	free(all.item);
	table_free(&access);
	if (have_sim == 0)
		table_free(&sim);
	sb_free(&csv);
	sb_free(&tradeoff);
	free(rows.item);
	return status;
}

int cmd_breakeven(int argc, char **argv)
{
	static const struct option long_options[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "walk-penalty", required_argument, NULL, 'w' },
		{ 0 },
	};
	double walk_penalty = -1;
	char *end;
	int option;

	optind = 0;
	while ((option = getopt_long(argc, argv, "h", long_options, NULL)) != -1) {
		if (option == 'h')
			return cli_help(breakeven_usage);
		if (option != 'w')
			return cli_usage_error(breakeven_usage, NULL);
		walk_penalty = strtod(optarg, &end);
		if (*end || end == optarg || walk_penalty < 0 || walk_penalty > 1e6)
			return cli_usage_error(breakeven_usage,
					       "--walk-penalty takes a number from 0 to 1000000");
	}
	if (argc - optind != 1)
		return cli_usage_error(breakeven_usage, "expected one directory");
	return breakeven(argv[optind], walk_penalty);
}
