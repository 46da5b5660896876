#include "sweep/sweep.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <ini.h>
#include <kallocbench_sim.h>

#include "cpus.h"
#include "output/csv.h"
#include "util/names.h"
#include "perf/perf.h"
#include "perf/tlb.h"
#include "output/results.h"
#include "util/util.h"

#define KEY_NAME(key, ...) #key,
#define KEY_WHERE(key, where) where,

static const char *const key_names[SWEEP_NR_KEYS] = {
	SWEEP_KEY_LIST(KEY_NAME)
};
static const unsigned key_where[SWEEP_NR_KEYS] = {
	SWEEP_KEY_LIST(KEY_WHERE)
};

static const uint64_t builtin_defaults[SWEEP_NR_KEYS] = {
	[SWEEP_KEY_iterations] = SWEEP_DEFAULT_ITERATIONS,
	[SWEEP_KEY_warmup] = SWEEP_DEFAULT_WARMUP,
	[SWEEP_KEY_time_limit_ms] = SWEEP_DEFAULT_TIME_LIMIT_MS,
	[SWEEP_KEY_repetitions] = SWEEP_DEFAULT_REPETITIONS,
	[SWEEP_KEY_batch] = SWEEP_DEFAULT_BATCH,
	[SWEEP_KEY_passes] = SWEEP_DEFAULT_PASSES,
};

struct number_limits {
	uint64_t min;
	uint64_t max;
};

/*
 * time_limit_ms is bounded so that it still fits in nanoseconds,
 * atomic_limit_us by what the module accepts.
 */
static const struct number_limits number_limits[SWEEP_NR_KEYS] = {
	[SWEEP_KEY_iterations] = { 1, UINT64_MAX },
	[SWEEP_KEY_warmup] = { 0, UINT64_MAX },
	[SWEEP_KEY_time_limit_ms] = { 0, UINT64_MAX / 1000000 },
	[SWEEP_KEY_atomic_limit_us] = { 0, KAB_ATOMIC_LIMIT_MAX_NS / 1000 },
	[SWEEP_KEY_repetitions] = { 1, UINT32_MAX },
	[SWEEP_KEY_batch] = { 0, UINT32_MAX },
	[SWEEP_KEY_frag_cap_permille] = { 1, KAB_FRAG_CAP_MAX_PERMILLE },
	[SWEEP_KEY_memory_mb] = { SWEEP_MIN_MEMORY_MB, SWEEP_MAX_MEMORY_MB },
	[SWEEP_KEY_passes] = { 1, UINT64_MAX },
	[SWEEP_KEY_hyperfine] = { 0, 1000 },
};

const struct sweep_axis sweep_size_axis = {
	"size", "kmalloc_max", true, true, UINT64_MAX,
};
const struct sweep_axis sweep_order_axis = {
	"order", "max", false, false, SWEEP_MAX_ORDER,
};

#define KIND_NAME(name) #name,
static const char *const kind_names[SWEEP_NR_KINDS] = {
	SWEEP_KIND_LIST(KIND_NAME)
};

struct name_table {
	const char *const *names;
	size_t count;
	const char *what;
};

static const struct name_table name_tables[SWEEP_NR_KEYS] = {
	[SWEEP_KEY_allocators] = { kab_allocator_names, KAB_NR_ALLOCATORS,
				   "allocator" },
	[SWEEP_KEY_contexts] = { kab_context_names, KAB_NR_CONTEXTS,
				 "context" },
	[SWEEP_KEY_patterns] = { kab_pattern_names, KAB_NR_PATTERNS,
				 "pattern" },
	[SWEEP_KEY_pressure] = { kab_pressure_names, KAB_NR_PRESSURES,
				 "pressure" },
	[SWEEP_KEY_frag_kinds] = { kab_frag_kind_names, KAB_NR_FRAG_KINDS,
				   "fragmentation kind" },
	[SWEEP_KEY_kind] = { kind_names, SWEEP_NR_KINDS, "kind" },
};

#define BLANKS " \t\r\n\v\f"
#define LIST_SEPARATORS BLANKS ","
/* Characters that join the parts of one list item. */
#define ITEM_OPERATORS "+-|."

struct parser {
	FILE *file;
	struct sweep *sweep;
	struct sweep_section *current;
	unsigned line;
	unsigned lines_done;
	long bytes_read;
	/* libinih hands an indented line after a key to that key again. */
	bool continuation;
	bool have_prev_key;
	struct sweep_error error;
};

static bool set_error_va(struct sweep_error *err, unsigned line,
			 const char *fmt, va_list args)
{
	if (err->line)
		return false;
	err->line = line;
	vsnprintf(err->message, sizeof(err->message), fmt, args);
	return false;
}

bool sweep_set_error(struct sweep_error *err, unsigned line, const char *fmt,
		     ...)
{
	va_list args;

	va_start(args, fmt);
	set_error_va(err, line, fmt, args);
	va_end(args);
	return false;
}

/* Records an error on the line being parsed; returns false for chaining. */
__attribute__((format(printf, 2, 3)))
static bool fail(struct parser *p, const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	set_error_va(&p->error, p->line, fmt, args);
	va_end(args);
	return false;
}

enum number_status {
	NUMBER_OK,
	NUMBER_BAD,
	NUMBER_BAD_SUFFIX,
	NUMBER_OVERFLOW,
};

static int suffix_shift(char suffix)
{
	switch (suffix) {
	case 'K': case 'k': return 10;
	case 'M': case 'm': return 20;
	case 'G': case 'g': return 30;
	default: return -1;
	}
}

static enum number_status parse_number(const char *text, bool suffixes,
				       uint64_t *value)
{
	const char *c = text;
	uint64_t number = 0;
	int shift;

	if (!isdigit((unsigned char)*c))
		return NUMBER_BAD;
	for (; isdigit((unsigned char)*c); c++) {
		unsigned digit = (unsigned)(*c - '0');

		if (number > (UINT64_MAX - digit) / 10)
			return NUMBER_OVERFLOW;
		number = number * 10 + digit;
	}
	if (suffixes && isalpha((unsigned char)*c)) {
		shift = suffix_shift(*c);
		if (shift < 0 || c[1] != '\0')
			return NUMBER_BAD_SUFFIX;
		if (number > UINT64_MAX >> shift)
			return NUMBER_OVERFLOW;
		number <<= shift;
		c++;
	}
	if (*c != '\0')
		return NUMBER_BAD;
	*value = number;
	return NUMBER_OK;
}

bool sweep_parse_size(const char *text, uint64_t *value)
{
	return parse_number(text, true, value) == NUMBER_OK;
}

static bool number_failed(struct parser *p, enum number_status status,
			  const char *text)
{
	switch (status) {
	case NUMBER_BAD_SUFFIX:
		return fail(p, "bad size suffix in '%s' (K, M or G)", text);
	case NUMBER_OVERFLOW:
		return fail(p, "'%s' does not fit in 64 bits", text);
	default:
		return fail(p, "bad number '%s'", text);
	}
}

static bool parse_number_key(struct parser *p, enum sweep_key key,
			     const char *value, bool continuation)
{
	const struct number_limits *limits = &number_limits[key];
	enum number_status status;
	uint64_t number;

	if (continuation)
		return fail(p, "'%s' takes a single number", key_names[key]);
	status = parse_number(value, false, &number);
	if (status != NUMBER_OK)
		return number_failed(p, status, value);
	if (number > limits->max)
		return fail(p, "%s = %llu is above the largest allowed, %llu",
			    key_names[key], (unsigned long long)number,
			    (unsigned long long)limits->max);
	if (number < limits->min)
		return fail(p, "%s must be at least %llu", key_names[key],
			    (unsigned long long)limits->min);
	p->current->number[key] = number;
	return true;
}

static bool parse_text_key(struct parser *p, enum sweep_key key,
			   const char *value, bool continuation)
{
	char **text = key == SWEEP_KEY_name ? &p->sweep->name :
					      &p->sweep->description;
	struct strbuf joined = { 0 };

	if (!continuation) {
		free(*text);
		*text = xstrdup(value);
		return true;
	}
	sb_printf(&joined, "%s %s", *text, value);
	free(*text);
	*text = sb_steal(&joined);
	return true;
}

static struct sweep_u32s *u32_list(struct sweep_section *section,
				   enum sweep_key key)
{
	switch (key) {
	case SWEEP_KEY_allocators: return &section->allocators;
	case SWEEP_KEY_contexts: return &section->contexts;
	case SWEEP_KEY_patterns: return &section->patterns;
	case SWEEP_KEY_pressure: return &section->pressure;
	case SWEEP_KEY_frag_kinds: return &section->frag_kinds;
	case SWEEP_KEY_kind: return &section->kind;
	default: return &section->gfp;
	}
}

static void push_u32(struct sweep_u32s *list, uint32_t value)
{
	xgrow((void **)&list->value, &list->capacity, list->count + 1,
	      sizeof(*list->value));
	list->value[list->count++] = value;
}

static bool parse_name_token(struct parser *p, enum sweep_key key,
			     char *token)
{
	const struct name_table *table = &name_tables[key];
	int index = kab_name_index(table->names, table->count, token);
	char known[256];

	if (index < 0) {
		kab_names_join(table->names, table->count, known,
			       sizeof(known));
		return fail(p, "unknown %s '%s' (known: %s)", table->what,
			    token, known);
	}
	push_u32(u32_list(p->current, key), (uint32_t)index);
	return true;
}

/*
 * The allocation patterns and the access patterns share the patterns key;
 * their names differ, and check_sweep() matches them with the group's kind.
 */
static bool parse_pattern_token(struct parser *p, enum sweep_key key,
				char *token)
{
	int walk = kab_name_index(kab_access_pattern_names,
				  KAB_NR_ACCESS_PATTERNS, token);
	char known[128], walks[128];

	if (walk >= 0) {
		push_u32(&p->current->walks, (uint32_t)walk);
		return true;
	}
	if (kab_name_index(kab_pattern_names, KAB_NR_PATTERNS, token) >= 0)
		return parse_name_token(p, key, token);
	kab_names_join(kab_pattern_names, KAB_NR_PATTERNS, known, sizeof(known));
	kab_names_join(kab_access_pattern_names, KAB_NR_ACCESS_PATTERNS, walks,
		       sizeof(walks));
	return fail(p, "unknown pattern '%s' (known: %s; with kind = access: %s)",
		    token, known, walks);
}

static bool add_gfp_flag(struct parser *p, const char *mask_text,
			 const char *flag, uint32_t *mask)
{
	int bit = kab_name_index(kab_gfp_names, KAB_NR_GFP_BITS, flag);
	char known[256];

	if (!*flag)
		return fail(p, "empty flag in GFP mask '%s'", mask_text);
	if (bit < 0) {
		kab_names_join(kab_gfp_names, KAB_NR_GFP_BITS, known,
			       sizeof(known));
		return fail(p, "unknown GFP flag '%s' (known: %s)", flag,
			    known);
	}
	if (*mask & (1U << bit))
		return fail(p, "GFP flag %s twice in '%s'", flag, mask_text);
	*mask |= 1U << bit;
	return true;
}

static unsigned base_flags(uint32_t mask)
{
	unsigned count = 0;

	for (unsigned bit = 0; bit < KAB_NR_GFP_BITS; bit++)
		count += (mask >> bit & 1U) && kab_gfp_is_base[bit];
	return count;
}

static bool parse_gfp_token(struct parser *p, enum sweep_key key,
			    char *token)
{
	char *mask_text = xstrdup(token), *save = NULL;
	uint32_t mask = 0;
	bool ok = true;

	/* strtok_r would skip empty flags, which are an error here. */
	for (char *flag = token; ok && flag; flag = save) {
		save = strchr(flag, '|');
		if (save)
			*save++ = '\0';
		ok = add_gfp_flag(p, mask_text, flag, &mask);
	}
	if (ok && base_flags(mask) == 0)
		ok = fail(p, "GFP mask '%s' has no base mask "
			  "(GFP_KERNEL, GFP_NOWAIT or GFP_ATOMIC)", mask_text);
	if (ok && base_flags(mask) > 1)
		ok = fail(p, "GFP mask '%s' has more than one base mask",
			  mask_text);
	free(mask_text);
	if (ok)
		push_u32(u32_list(p->current, key), mask);
	return ok;
}

static bool parse_term(struct parser *p, const struct sweep_axis *axis,
		       const char *text, struct sweep_term *term)
{
	size_t symbol_len = strlen(axis->symbol);
	const char *number = text;
	enum number_status status;

	*term = (struct sweep_term){ 0 };
	if (strncmp(text, axis->symbol, symbol_len) == 0 &&
	    strchr("+-", text[symbol_len])) {
		term->symbolic = true;
		if (text[symbol_len] == '\0')
			return true;
		term->subtract = text[symbol_len] == '-';
		number = text + symbol_len + 1;
	}
	status = parse_number(number, axis->suffixes, &term->value);
	if (status != NUMBER_OK)
		return number_failed(p, status, text);
	if (term->value > axis->max)
		return fail(p, "'%s' is above %llu, the largest %s", text,
			    (unsigned long long)axis->max, axis->what);
	return true;
}

/* <0, 0, >0 as @a is below, at or above @b; both relative to one base. */
static int compare_terms(const struct sweep_term *a, const struct sweep_term *b)
{
	bool a_below = a->subtract && a->value;
	bool b_below = b->subtract && b->value;

	if (a_below != b_below)
		return a_below ? -1 : 1;
	if (a->value == b->value)
		return 0;
	return (a->value > b->value) != a_below ? 1 : -1;
}

static bool check_range(struct parser *p, const struct sweep_axis *axis,
			const char *text, const struct sweep_item *item)
{
	if (axis->doubling && !item->from.symbolic && item->from.value == 0)
		return fail(p, "range '%s' cannot double from 0", text);
	if (item->from.symbolic != item->to.symbolic)
		return true;
	if (compare_terms(&item->from, &item->to) > 0)
		return fail(p, "range '%s' starts above its end", text);
	return true;
}

static struct sweep_items *item_list(struct sweep_section *section,
				     enum sweep_key key)
{
	return key == SWEEP_KEY_sizes ? &section->sizes : &section->orders;
}

static bool parse_item_token(struct parser *p, enum sweep_key key,
			     char *token)
{
	const struct sweep_axis *axis = key == SWEEP_KEY_sizes ? &sweep_size_axis :
							   &sweep_order_axis;
	struct sweep_items *list = item_list(p->current, key);
	char *text = xstrdup(token), *dots = strstr(token, "..");
	struct sweep_item item = { .line = p->line, .range = dots != NULL };
	bool ok;

	if (dots)
		*dots = '\0';
	ok = parse_term(p, axis, token, &item.from);
	item.to = item.from;
	if (ok && dots)
		ok = parse_term(p, axis, dots + 2, &item.to) &&
		     check_range(p, axis, text, &item);
	free(text);
	if (!ok)
		return false;
	xgrow((void **)&list->item, &list->capacity, list->count + 1,
	      sizeof(*list->item));
	list->item[list->count++] = item;
	return true;
}

static bool frag_level_known(struct parser *p, const char *token)
{
	const char *names[KAB_NR_FRAG_LEVELS];
	char known[256];

	for (size_t i = 0; i < KAB_NR_FRAG_LEVELS; i++)
		names[i] = kab_frag_levels[i].name;
	kab_names_join(names, KAB_NR_FRAG_LEVELS, known, sizeof(known));
	return fail(p, "unknown fragmentation level '%s' (known: %s, or P:K "
		    "to touch P%% of the free memory and keep every K-th page)",
		    token, known);
}

/* A level by name, or P:K with P a percentage and K the spacing. */
static bool parse_frag_level_token(struct parser *p, enum sweep_key key,
				   char *token)
{
	struct sweep_frags *list = &p->current->frag_levels;
	struct sweep_frag level = { 0 };
	uint64_t percent, keep;
	char *colon = strchr(token, ':');
	size_t row = 0;

	(void)key;
	while (row < KAB_NR_FRAG_LEVELS &&
	       strcmp(token, kab_frag_levels[row].name) != 0)
		row++;
	if (row < KAB_NR_FRAG_LEVELS) {
		level.touch_permille = kab_frag_levels[row].touch_permille;
		level.keep_every = kab_frag_levels[row].keep_every;
	} else {
		if (!colon)
			return frag_level_known(p, token);
		*colon = '\0';
		if (parse_number(token, false, &percent) != NUMBER_OK ||
		    parse_number(colon + 1, false, &keep) != NUMBER_OK) {
			*colon = ':';
			return frag_level_known(p, token);
		}
		*colon = ':';
		if (percent < 1 || percent > 100)
			return fail(p, "fragmentation level '%s': touch 1 to 100%% "
				    "of the free memory (none touches nothing)",
				    token);
		if (keep < 2 || keep > KAB_FRAG_KEEP_EVERY_MAX ||
		    (keep & (keep - 1)))
			return fail(p, "fragmentation level '%s': keep every K-th "
				    "page, K a power of two from 2 to %u", token,
				    KAB_FRAG_KEEP_EVERY_MAX);
		level.touch_permille = (uint32_t)percent * 10;
		level.keep_every = (uint32_t)keep;
	}
	/* Both numbers are bounded: "100:1024" fits, as does any name. */
	if (row < KAB_NR_FRAG_LEVELS)
		snprintf(level.label, sizeof(level.label), "%s", token);
	else
		snprintf(level.label, sizeof(level.label), "%u:%u",
			 level.touch_permille / 10, level.keep_every);
	xgrow((void **)&list->item, &list->capacity, list->count + 1,
	      sizeof(*list->item));
	list->item[list->count++] = level;
	return true;
}

/* The characters of a counter name after its first, a letter. */
#define EVENT_CHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz" \
		    "0123456789_.:=-"

const char *sweep_event_name_problem(const char *name)
{
	size_t len = strlen(name), head = strcspn(name, ":");
	bool lower_head = true;

	if (len == 0)
		return "is empty";
	if (len > SWEEP_MAX_EVENT_LEN)
		return "is longer than 64 characters";
	if (!isalpha((unsigned char)name[0]))
		return "must start with a letter";
	if (name[strspn(name, EVENT_CHARS)] != '\0')
		return "may hold only letters, digits and _ . : = -";
	for (size_t i = 0; i < head; i++)
		if (isupper((unsigned char)name[i]))
			lower_head = false;
	if (head < len && lower_head && !perf_is_tracepoint(name))
		return "is not a tracepoint: subsystem:event, both lower case "
		       "(a-z 0-9 _ -), one colon";
	return NULL;
}

/* Fixed cases.csv columns a counter must not take the name of. */
static bool is_fixed_column(const char *name)
{
	struct csv_fields columns = { 0 };
	bool found = false;

	if (csv_split(results_cases_header(), &columns))
		found = kab_name_index((const char *const *)columns.field,
				       columns.count, name) >= 0;
	csv_fields_free(&columns);
	return found;
}

static bool parse_event_token(struct parser *p, enum sweep_key key,
			      char *token)
{
	struct sweep_names *events = &p->current->events;
	const char *problem = sweep_event_name_problem(token);
	char why[PERF_REASON_LEN];

	(void)key;
	if (problem)
		return fail(p, "bad counter '%s': %s", token, problem);
	if (is_fixed_column(token))
		return fail(p, "counter '%s' has the name of a cases.csv column",
			    token);
	for (size_t i = 0; i < events->count; i++)
		if (strcmp(events->name[i], token) == 0)
			return fail(p, "counter '%s' listed twice", token);
	/* tlb-walks stands for events chosen at run time, on the CPU. */
	if (strcmp(token, PERF_TLB_WALKS) != 0 &&
	    !perf_event_encodable(token, why, sizeof(why)))
		return fail(p, "counter '%s': %s; `kallocbench events` lists "
			    "what this machine counts", token, why);
	if (events->count == SWEEP_MAX_EVENTS)
		return fail(p, "more than %d counters", SWEEP_MAX_EVENTS);
	xgrow((void **)&events->name, &events->capacity, events->count + 1,
	      sizeof(*events->name));
	events->name[events->count++] = xstrdup(token);
	return true;
}

static void tlb_model_names(char *text, size_t size)
{
	const char *names[16];
	size_t count = 0;

	for (size_t i = 0; i < sim_nr_cpu_models && count < ARRAY_SIZE(names); i++)
		names[count++] = sim_cpu_models[i].name;
	kab_names_join(names, count, text, size);
}

/* A CPU model of the simulated MMU, or none (which stands alone). */
static bool parse_tlb_model_token(struct parser *p, enum sweep_key key,
				  char *token)
{
	struct sweep_names *models = &p->current->tlb_models;
	bool none = strcmp(token, SWEEP_NO_TLB_MODEL) == 0;
	char known[256];

	(void)key;
	if (!none && !sim_cpu_model_find(token)) {
		tlb_model_names(known, sizeof(known));
		return fail(p, "unknown TLB model '%s' (known: %s, or %s)", token,
			    known, SWEEP_NO_TLB_MODEL);
	}
	for (size_t i = 0; i < models->count; i++)
		if (strcmp(models->name[i], token) == 0)
			return fail(p, "TLB model '%s' listed twice", token);
	if (models->count && (none || strcmp(models->name[0],
					     SWEEP_NO_TLB_MODEL) == 0))
		return fail(p, "'%s' cannot be combined with other TLB models",
			    SWEEP_NO_TLB_MODEL);
	if (models->count == KAB_SIM_MAX_MODELS)
		return fail(p, "more than %d TLB models", KAB_SIM_MAX_MODELS);
	xgrow((void **)&models->name, &models->capacity, models->count + 1,
	      sizeof(*models->name));
	models->name[models->count++] = xstrdup(token);
	return true;
}

typedef bool (*token_parser)(struct parser *p, enum sweep_key key,
			     char *token);

static const token_parser token_parsers[SWEEP_NR_KEYS] = {
	[SWEEP_KEY_allocators] = parse_name_token,
	[SWEEP_KEY_contexts] = parse_name_token,
	[SWEEP_KEY_patterns] = parse_pattern_token,
	[SWEEP_KEY_pressure] = parse_name_token,
	[SWEEP_KEY_frag_kinds] = parse_name_token,
	[SWEEP_KEY_frag_levels] = parse_frag_level_token,
	[SWEEP_KEY_kind] = parse_name_token,
	[SWEEP_KEY_gfp] = parse_gfp_token,
	[SWEEP_KEY_sizes] = parse_item_token,
	[SWEEP_KEY_orders] = parse_item_token,
	[SWEEP_KEY_events] = parse_event_token,
	[SWEEP_KEY_tlb_model] = parse_tlb_model_token,
};

/*
 * Drops the blanks around operators, so that "GFP_KERNEL | __GFP_ZERO" and
 * "kmalloc_max + 1" stay one item each.
 */
static char *join_operators(const char *value)
{
	char *joined = xmalloc(strlen(value) + 1);
	size_t len = 0;

	for (const char *c = value; *c; c++) {
		const char *next = c + strspn(c, BLANKS);

		if (next > c && ((len && strchr(ITEM_OPERATORS, joined[len - 1])) ||
				 (*next && strchr(ITEM_OPERATORS, *next)))) {
			c = next - 1;
			continue;
		}
		joined[len++] = *c;
	}
	joined[len] = '\0';
	return joined;
}

static bool parse_list_key(struct parser *p, enum sweep_key key,
			   const char *value, bool continuation)
{
	char *list = join_operators(value), *save = NULL;
	bool ok = true;

	for (char *token = strtok_r(list, LIST_SEPARATORS, &save);
	     ok && token; token = strtok_r(NULL, LIST_SEPARATORS, &save))
		ok = token_parsers[key](p, key, token);
	free(list);
	(void)continuation;	/* an empty list is checked at section end */
	return ok;
}

typedef bool (*key_parser)(struct parser *p, enum sweep_key key,
			   const char *value, bool continuation);

static const key_parser key_parsers[SWEEP_NR_KEYS] = {
	[SWEEP_KEY_name] = parse_text_key,
	[SWEEP_KEY_description] = parse_text_key,
	[SWEEP_KEY_iterations] = parse_number_key,
	[SWEEP_KEY_warmup] = parse_number_key,
	[SWEEP_KEY_time_limit_ms] = parse_number_key,
	[SWEEP_KEY_atomic_limit_us] = parse_number_key,
	[SWEEP_KEY_repetitions] = parse_number_key,
	[SWEEP_KEY_batch] = parse_number_key,
	[SWEEP_KEY_allocators] = parse_list_key,
	[SWEEP_KEY_sizes] = parse_list_key,
	[SWEEP_KEY_orders] = parse_list_key,
	[SWEEP_KEY_gfp] = parse_list_key,
	[SWEEP_KEY_contexts] = parse_list_key,
	[SWEEP_KEY_patterns] = parse_list_key,
	[SWEEP_KEY_pressure] = parse_list_key,
	[SWEEP_KEY_frag_levels] = parse_list_key,
	[SWEEP_KEY_frag_kinds] = parse_list_key,
	[SWEEP_KEY_events] = parse_list_key,
	[SWEEP_KEY_frag_cap_permille] = parse_number_key,
	[SWEEP_KEY_memory_mb] = parse_number_key,
	[SWEEP_KEY_kind] = parse_list_key,
	[SWEEP_KEY_passes] = parse_number_key,
	[SWEEP_KEY_hyperfine] = parse_number_key,
	[SWEEP_KEY_tlb_model] = parse_list_key,
};

static bool unknown_key(struct parser *p, const char *key)
{
	bool in_header = p->current == &p->sweep->header;
	unsigned where = in_header ? SWEEP_IN_HEADER : SWEEP_IN_GROUP;
	const char *known[SWEEP_NR_KEYS];
	size_t count = 0;
	char list[256];

	for (unsigned k = 0; k < SWEEP_NR_KEYS; k++)
		if (key_where[k] & where)
			known[count++] = key_names[k];
	kab_names_join(known, count, list, sizeof(list));
	if (in_header)
		return fail(p, "unknown key '%s' in [sweep] (known: %s)", key,
			    list);
	return fail(p, "unknown key '%s' in group [%s] (known: %s)", key,
		    p->current->name, list);
}

static int on_key(void *user, const char *section, const char *key,
		  const char *value)
{
	struct parser *p = user;
	struct sweep_section *current = p->current;
	int index;

	(void)section;	/* the reader tracks sections, with their lines */
	if (p->error.line)
		return 1;	/* report the first error only */
	if (!current)
		return fail(p, "'%s' comes before any [section]", key);
	index = kab_name_index(key_names, SWEEP_NR_KEYS, key);
	if (index < 0 || !(key_where[index] &
			   (current == &p->sweep->header ? SWEEP_IN_HEADER :
							   SWEEP_IN_GROUP)))
		return unknown_key(p, key);
	if (!p->continuation && current->key_line[index])
		return fail(p, "duplicate key '%s' (first set on line %u)",
			    key, current->key_line[index]);
	if (!p->continuation)
		current->key_line[index] = p->line;
	p->have_prev_key = true;
	return key_parsers[index](p, (enum sweep_key)index, value,
				  p->continuation);
}

static size_t list_length(const struct sweep_section *section,
			  enum sweep_key key)
{
	switch (key) {
	case SWEEP_KEY_sizes: return section->sizes.count;
	case SWEEP_KEY_orders: return section->orders.count;
	case SWEEP_KEY_allocators: return section->allocators.count;
	case SWEEP_KEY_contexts: return section->contexts.count;
	case SWEEP_KEY_patterns:
		return section->patterns.count + section->walks.count;
	case SWEEP_KEY_kind: return section->kind.count;
	case SWEEP_KEY_pressure: return section->pressure.count;
	case SWEEP_KEY_frag_levels: return section->frag_levels.count;
	case SWEEP_KEY_frag_kinds: return section->frag_kinds.count;
	case SWEEP_KEY_events: return section->events.count;
	case SWEEP_KEY_tlb_model: return section->tlb_models.count;
	default: return section->gfp.count;
	}
}

/*
 * A list key may be empty on its own line and continue on indented lines,
 * so emptiness is known only once its section ends.
 */
static void check_lists(struct parser *p, const struct sweep_section *section)
{
	if (!section)
		return;
	for (unsigned k = 0; k < SWEEP_NR_KEYS; k++)
		if (key_parsers[k] == parse_list_key && section->key_line[k] &&
		    list_length(section, (enum sweep_key)k) == 0)
			sweep_set_error(&p->error, section->key_line[k],
					"empty list for '%s'", key_names[k]);
}

static void start_section(struct parser *p, const char *name, size_t len)
{
	struct sweep *sweep = p->sweep;
	struct sweep_section *section = NULL;
	char *copy;

	check_lists(p, p->current);
	copy = xstrndup(name, len);
	p->have_prev_key = false;
	if (strcmp(copy, "sweep") == 0) {
		if (sweep->header.line)
			fail(p, "duplicate section [sweep] (first on line %u)",
			     sweep->header.line);
		free(sweep->header.name);
		section = &sweep->header;
	} else {
		if (!*copy)
			fail(p, "empty section name");
		for (size_t i = 0; i < sweep->groups; i++)
			if (strcmp(sweep->group[i].name, copy) == 0)
				fail(p, "duplicate group [%s] (first on line %u)",
				     copy, sweep->group[i].line);
		xgrow((void **)&sweep->group, &sweep->capacity,
		      sweep->groups + 1, sizeof(*sweep->group));
		section = &sweep->group[sweep->groups++];
		*section = (struct sweep_section){ 0 };
	}
	section->name = copy;
	section->line = p->line;
	p->current = section;
}

/* Sees each line before libinih does, to know line numbers and sections. */
static void classify_line(struct parser *p, const char *line)
{
	const char *text, *end;

	if (p->line == 1 && strncmp(line, "\xEF\xBB\xBF", 3) == 0)
		line += 3;
	text = line + strspn(line, BLANKS);
	p->continuation = false;
	if (!*text || *text == ';' || *text == '#')
		return;
	if (text > line && p->have_prev_key) {
		p->continuation = true;
		return;
	}
	end = strchr(text, ']');
	if (*text == '[' && end)
		start_section(p, text + 1, (size_t)(end - text - 1));
}

/*
 * One line for libinih, read byte by byte: a NUL byte (a binary file) and
 * an endless input (/dev/zero, say) are errors of their own, not a line too
 * long or a parser that never returns.
 */
static char *read_line(char *line, int size, void *user)
{
	struct parser *p = user;
	int len = 0, c = EOF;

	if (p->error.line)
		return NULL;	/* the first error is the one reported */
	p->line = p->lines_done + 1;
	while (len < size - 1 && (c = getc(p->file)) != EOF) {
		if (c == '\0') {
			fail(p, "holds a NUL byte: not a text file");
			return NULL;
		}
		if (++p->bytes_read > SWEEP_MAX_FILE_BYTES) {
			fail(p, "more than %d bytes: not a sweep file",
			     SWEEP_MAX_FILE_BYTES);
			return NULL;
		}
		line[len++] = (char)c;
		if (c == '\n')
			break;
	}
	if (len == 0)
		return NULL;
	line[len] = '\0';
	if (c == '\n') {
		p->lines_done++;
	} else if (c != EOF && (c = getc(p->file)) != EOF) {
		ungetc(c, p->file);
		fail(p, "line longer than %d characters", size - 2);
	}
	classify_line(p, line);
	return line;
}

uint64_t sweep_setting(const struct sweep *sweep,
		      const struct sweep_section *group, enum sweep_key key,
		      unsigned *line)
{
	const struct sweep_section *from =
		group->key_line[key] ? group :
		sweep->header.key_line[key] ? &sweep->header : NULL;

	if (line)
		*line = from ? from->key_line[key] : 0;
	return from ? from->number[key] : builtin_defaults[key];
}

static bool has_pattern(const struct sweep_section *group,
			enum kab_pattern pattern)
{
	for (size_t i = 0; i < group->patterns.count; i++)
		if (group->patterns.value[i] == (uint32_t)pattern)
			return true;
	return false;
}

static bool check_batch(const struct sweep *sweep,
			const struct sweep_section *group,
			struct sweep_error *err)
{
	unsigned line;

	if (!has_pattern(group, KAB_PATTERN_batch) ||
	    sweep_setting(sweep, group, SWEEP_KEY_batch, &line) > 0)
		return true;
	if (line)
		return sweep_set_error(err, line,
				       "batch must be at least 1 for the batch pattern (group [%s])",
				       group->name);
	return sweep_set_error(err, group->key_line[SWEEP_KEY_patterns],
			       "the batch pattern needs batch = N, in group [%s] or [sweep]",
			       group->name);
}

static bool check_required(const struct sweep_section *group,
			   struct sweep_error *err)
{
	static const enum sweep_key required[] = {
		SWEEP_KEY_allocators, SWEEP_KEY_gfp, SWEEP_KEY_patterns,
	};

	for (size_t i = 0; i < ARRAY_SIZE(required); i++)
		if (!group->key_line[required[i]])
			return sweep_set_error(err, group->line,
					       "group [%s] has no %s", group->name,
					       key_names[required[i]]);
	return true;
}

/* One group measures one axis: sizes or orders, never both. */
static bool check_axis(const struct sweep_section *group,
		       struct sweep_error *err)
{
	const uint32_t *allocators = group->allocators.value;
	unsigned sized_by = kab_allocator_sized_by[allocators[0]];
	bool by_size = sized_by == KAB_BY_SIZE;
	enum sweep_key wanted = by_size ? SWEEP_KEY_sizes : SWEEP_KEY_orders;
	enum sweep_key unwanted = by_size ? SWEEP_KEY_orders : SWEEP_KEY_sizes;

	for (size_t i = 1; i < group->allocators.count; i++)
		if (kab_allocator_sized_by[allocators[i]] != sized_by)
			return sweep_set_error(err,
					       group->key_line[SWEEP_KEY_allocators],
					       "group [%s] mixes size-based and order-based allocators (%s and %s)",
					       group->name,
					       kab_allocator_names[allocators[0]],
					       kab_allocator_names[allocators[i]]);
	if (group->key_line[unwanted])
		return sweep_set_error(err, group->key_line[unwanted],
				       "%s given for %s, which take %s",
				       key_names[unwanted],
				       kab_allocator_names[allocators[0]],
				       key_names[wanted]);
	if (!group->key_line[wanted])
		return sweep_set_error(err, group->line, "group [%s] has no %s",
				       group->name, key_names[wanted]);
	return true;
}

static bool check_frag(const struct sweep_section *group,
		       struct sweep_error *err)
{
	if (group->key_line[SWEEP_KEY_frag_kinds] &&
	    !group->key_line[SWEEP_KEY_frag_levels])
		return sweep_set_error(err, group->key_line[SWEEP_KEY_frag_kinds],
				       "frag_kinds needs frag_levels in group [%s]",
				       group->name);
	return true;
}

enum sweep_kind sweep_group_kind(const struct sweep_section *group)
{
	return group->kind.count ? (enum sweep_kind)group->kind.value[0] :
				   SWEEP_KIND_alloc;
}

/* Keys of an allocation group that mean nothing to the access benchmark. */
static const enum sweep_key alloc_only_keys[] = {
	SWEEP_KEY_orders, SWEEP_KEY_gfp, SWEEP_KEY_contexts, SWEEP_KEY_pressure,
	SWEEP_KEY_batch, SWEEP_KEY_iterations, SWEEP_KEY_warmup,
	SWEEP_KEY_time_limit_ms, SWEEP_KEY_atomic_limit_us,
};

static bool check_access_group(const struct sweep_section *group,
			       struct sweep_error *err)
{
	static const enum sweep_key required[] = {
		SWEEP_KEY_allocators, SWEEP_KEY_sizes, SWEEP_KEY_patterns,
	};
	const char *names[KAB_NR_ALLOCATORS];
	size_t count = 0;
	char known[256];

	for (size_t i = 0; i < ARRAY_SIZE(alloc_only_keys); i++)
		if (group->key_line[alloc_only_keys[i]])
			return sweep_set_error(err,
					       group->key_line[alloc_only_keys[i]],
					       "'%s' does not apply to kind = access",
					       key_names[alloc_only_keys[i]]);
	for (size_t i = 0; i < ARRAY_SIZE(required); i++)
		if (!group->key_line[required[i]])
			return sweep_set_error(err, group->line,
					       "group [%s] has no %s", group->name,
					       key_names[required[i]]);
	if (group->patterns.count)
		return sweep_set_error(err, group->key_line[SWEEP_KEY_patterns],
				       "pattern %s is not an access pattern",
				       kab_pattern_names[group->patterns.value[0]]);
	for (unsigned a = 0; a < KAB_NR_ALLOCATORS; a++)
		if (kab_allocator_has_access[a])
			names[count++] = kab_allocator_names[a];
	kab_names_join(names, count, known, sizeof(known));
	for (size_t i = 0; i < group->allocators.count; i++)
		if (!kab_allocator_has_access[group->allocators.value[i]])
			return sweep_set_error(err,
					       group->key_line[SWEEP_KEY_allocators],
					       "%s has no access benchmark (known: %s)",
					       kab_allocator_names[group->allocators.value[i]],
					       known);
	return true;
}

/* An allocation group names no access pattern and no passes. */
static bool check_alloc_only(const struct sweep_section *group,
			     struct sweep_error *err)
{
	static const enum sweep_key access_only[] = {
		SWEEP_KEY_passes, SWEEP_KEY_hyperfine,
	};

	if (group->walks.count)
		return sweep_set_error(err, group->key_line[SWEEP_KEY_patterns],
				       "pattern %s needs kind = access",
				       kab_access_pattern_names[group->walks.value[0]]);
	for (size_t i = 0; i < ARRAY_SIZE(access_only); i++)
		if (group->key_line[access_only[i]])
			return sweep_set_error(err,
					       group->key_line[access_only[i]],
					       "%s applies to kind = access only",
					       key_names[access_only[i]]);
	return true;
}

static bool check_group(const struct sweep *sweep,
			const struct sweep_section *group,
			struct sweep_error *err)
{
	if (group->kind.count > 1)
		return sweep_set_error(err, group->key_line[SWEEP_KEY_kind],
				       "kind takes one value");
	if (sweep_group_kind(group) == SWEEP_KIND_access)
		return check_access_group(group, err);
	return check_alloc_only(group, err) && check_required(group, err) &&
	       check_axis(group, err) && check_batch(sweep, group, err) &&
	       check_frag(group, err);
}

static int check_sweep(const struct sweep *sweep, struct sweep_error *err)
{
	if (sweep->groups == 0) {
		sweep_set_error(err, sweep->header.line ? sweep->header.line : 1,
				"the sweep has no groups to measure");
		return -1;
	}
	for (size_t i = 0; i < sweep->groups; i++) {
		if (!check_group(sweep, &sweep->group[i], err))
			return -1;
	}
	return 0;
}

int sweep_parse_stream(FILE *file, const char *path, struct sweep *sweep,
		       struct sweep_error *err)
{
	struct parser p = { .file = file, .sweep = sweep };
	int ini_line;

	*sweep = (struct sweep){ .path = xstrdup(path) };
	*err = (struct sweep_error){ 0 };
	ini_line = ini_parse_stream(read_line, &p, on_key, &p);
	check_lists(&p, p.current);
	/* Built with INI_USE_STACK, ini_parse_stream() fails only by line. */
	if (ini_line > 0 &&
	    (!p.error.line || (unsigned)ini_line < p.error.line))
		sweep_set_error(err, (unsigned)ini_line,
				"malformed line: expected [section], key = value or a comment");
	else if (p.error.line)
		*err = p.error;
	return err->line ? -1 : check_sweep(sweep, err);
}

int sweep_parse_file(const char *path, struct sweep *sweep,
		     struct sweep_error *err)
{
	FILE *file = fopen(path, "r");
	struct stat st;
	const char *problem = NULL;
	int result;

	if (!file)
		problem = strerror(errno);
	else if (fstat(fileno(file), &st) == 0 && S_ISDIR(st.st_mode))
		problem = "is a directory, not a sweep file";
	else if (fstat(fileno(file), &st) == 0 &&
		 (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)))
		problem = "is a device, not a sweep file";
	if (problem) {
		*sweep = (struct sweep){ .path = xstrdup(path) };
		*err = (struct sweep_error){ 0 };
		snprintf(err->message, sizeof(err->message), "%s%s",
			 file ? "" : "cannot open: ", problem);
		if (file)
			fclose(file);
		return -1;
	}
	result = sweep_parse_stream(file, path, sweep, err);
	fclose(file);
	return result;
}

static void section_free(struct sweep_section *section)
{
	free(section->name);
	free(section->allocators.value);
	free(section->gfp.value);
	free(section->contexts.value);
	free(section->patterns.value);
	free(section->pressure.value);
	free(section->frag_levels.item);
	free(section->frag_kinds.value);
	free(section->kind.value);
	free(section->walks.value);
	free(section->sizes.item);
	free(section->orders.item);
	for (size_t i = 0; i < section->events.count; i++)
		free(section->events.name[i]);
	free(section->events.name);
	for (size_t i = 0; i < section->tlb_models.count; i++)
		free(section->tlb_models.name[i]);
	free(section->tlb_models.name);
}

void sweep_free(struct sweep *sweep)
{
	for (size_t i = 0; i < sweep->groups; i++)
		section_free(&sweep->group[i]);
	section_free(&sweep->header);
	free(sweep->group);
	free(sweep->path);
	free(sweep->name);
	free(sweep->description);
	*sweep = (struct sweep){ 0 };
}
