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
#include "perf/perf.h"
#include "perf/tlb.h"
#include "schema/columns.h"
#include "util/names.h"
#include "util/util.h"

const struct sweep_axis sweep_size_axis = {
	"size", "kmalloc_max", true, true, UINT64_MAX,
};
const struct sweep_axis sweep_order_axis = {
	"order", "max", false, false, SWEEP_MAX_ORDER,
};

#define KIND_NAME(name) #name,
const char *const sweep_kind_names[SWEEP_NR_KINDS] = {
	SWEEP_KIND_LIST(KIND_NAME)
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

struct name_table {
	const char *const *names;
	size_t count;
	const char *what;
};

typedef bool (*token_reader)(struct parser *p, enum sweep_key key,
			     char *token);
typedef bool (*value_parser)(struct parser *p, enum sweep_key key,
			     const char *value, bool continuation);

/* A row of SWEEP_KEY_LIST, with what its type does. */
struct key_rule {
	const char *name;
	unsigned where;
	size_t offset;
	value_parser parse;
	/* list types: how many tokens the value holds */
	size_t (*count)(const void *value);
	void (*free)(void *value);
	/* how a list token is read, and the table or axis it is read with */
	token_reader read;
	struct name_table names;
	const struct sweep_axis *axis;
	/* number: its range, and its value where no section sets it */
	uint64_t min;
	uint64_t max;
	uint64_t fallback;
};

/*
 * A group kind: the keys it needs, the patterns it runs (a pattern name
 * belongs to the one kind whose table has it), and its own checks. Which
 * keys it takes is the `where` of each key's row.
 */
struct kind_rules {
	uint64_t required;
	struct name_table patterns;
	bool (*check)(const struct sweep *sweep,
		      const struct sweep_section *group,
		      struct sweep_error *err);
};

/* Both defined below, once the parsers and checks they name are. */
static const struct key_rule key_rules[SWEEP_NR_KEYS];
static const struct kind_rules kind_rules[SWEEP_NR_KINDS];

static void *value_of(struct sweep_section *section, enum sweep_key key)
{
	return (char *)section + key_rules[key].offset;
}

static const void *value_in(const struct sweep_section *section,
			    enum sweep_key key)
{
	return (const char *)section + key_rules[key].offset;
}

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
	const struct key_rule *rule = &key_rules[key];
	enum number_status status;
	uint64_t number;

	if (continuation)
		return fail(p, "'%s' takes a single number", key_rules[key].name);
	status = parse_number(value, false, &number);
	if (status != NUMBER_OK)
		return number_failed(p, status, value);
	if (number > rule->max)
		return fail(p, "%s = %llu is above the largest allowed, %llu",
			    key_rules[key].name, (unsigned long long)number,
			    (unsigned long long)rule->max);
	if (number < rule->min)
		return fail(p, "%s must be at least %llu", key_rules[key].name,
			    (unsigned long long)rule->min);
	*(uint64_t *)value_of(p->current, key) = number;
	return true;
}

static bool parse_text_key(struct parser *p, enum sweep_key key,
			   const char *value, bool continuation)
{
	char **text = value_of(p->current, key);
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

static void push_u32(struct sweep_u32s *list, uint32_t value)
{
	xgrow((void **)&list->value, &list->capacity, list->count + 1,
	      sizeof(*list->value));
	list->value[list->count++] = value;
}

static bool read_name(struct parser *p, enum sweep_key key, char *token)
{
	const struct name_table *table = &key_rules[key].names;
	int index = kab_name_index(table->names, table->count, token);
	char known[256];

	if (index < 0) {
		kab_names_join(table->names, table->count, known,
			       sizeof(known));
		return fail(p, "unknown %s '%s' (known: %s)", table->what,
			    token, known);
	}
	push_u32(value_of(p->current, key), (uint32_t)index);
	return true;
}

static bool read_cpus(struct parser *p, enum sweep_key key, char *token)
{
	uint64_t number;

	if (strcmp(token, SWEEP_CPUS_ALL_NAME) == 0) {
		push_u32(value_of(p->current, key), SWEEP_CPUS_ALL);
		return true;
	}
	if (parse_number(token, false, &number) != NUMBER_OK || number < 1 ||
	    number > KAB_MAX_CPUS)
		return fail(p, "cpus takes numbers of CPUs from 1 to %u or %s, not '%s'",
			    KAB_MAX_CPUS, SWEEP_CPUS_ALL_NAME, token);
	push_u32(value_of(p->current, key), (uint32_t)number);
	return true;
}

static bool read_bulk(struct parser *p, enum sweep_key key, char *token)
{
	uint64_t number;

	if (parse_number(token, false, &number) != NUMBER_OK || number < 1 ||
	    number > KAB_MAX_BULK)
		return fail(p, "bulk takes objects per call from 1 to %u, not '%s'",
			    KAB_MAX_BULK, token);
	push_u32(value_of(p->current, key), (uint32_t)number);
	return true;
}

/* Under the kind whose table names it; the group's kind is checked later. */
static bool read_pattern(struct parser *p, enum sweep_key key, char *token)
{
	struct sweep_patterns *patterns = value_of(p->current, key);
	struct strbuf known = { 0 };
	char names[128];
	bool ok;

	for (unsigned k = 0; k < SWEEP_NR_KINDS; k++) {
		const struct name_table *table = &kind_rules[k].patterns;
		int index = kab_name_index(table->names, table->count, token);

		if (index >= 0) {
			push_u32(&patterns->of_kind[k], (uint32_t)index);
			return true;
		}
	}
	for (unsigned k = 0; k < SWEEP_NR_KINDS; k++) {
		const struct name_table *table = &kind_rules[k].patterns;

		kab_names_join(table->names, table->count, names, sizeof(names));
		if (k == 0)
			sb_printf(&known, "known: %s", names);
		else
			sb_printf(&known, "; with kind = %s: %s",
				  sweep_kind_names[k], names);
	}
	ok = fail(p, "unknown pattern '%s' (%s)", token, known.text);
	free(sb_steal(&known));
	return ok;
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

static bool read_gfp_mask(struct parser *p, enum sweep_key key, char *token)
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
	if (ok && base_flags(mask) == 0) {
		struct strbuf bases = { 0 };

		for (unsigned bit = 0; bit < KAB_NR_GFP_BITS; bit++)
			if (kab_gfp_is_base[bit])
				sb_printf(&bases, "%s%s", bases.len ? ", " : "",
					  kab_gfp_names[bit]);
		ok = fail(p, "GFP mask '%s' has no base mask (one of %s)",
			  mask_text, bases.text);
		sb_free(&bases);
	}
	if (ok && base_flags(mask) > 1)
		ok = fail(p, "GFP mask '%s' has more than one base mask",
			  mask_text);
	free(mask_text);
	if (ok)
		push_u32(value_of(p->current, key), mask);
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

static bool read_item(struct parser *p, enum sweep_key key, char *token)
{
	const struct sweep_axis *axis = key_rules[key].axis;
	struct sweep_items *list = value_of(p->current, key);
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
static bool read_frag_level(struct parser *p, enum sweep_key key,
			    char *token)
{
	struct sweep_frags *list = value_of(p->current, key);
	struct sweep_frag level = { 0 };
	uint64_t percent, keep;
	char *colon = strchr(token, ':');
	size_t row = 0;

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
#define FIXED_COLUMN(column) #column,
	static const char *const fixed[] = {
		CASES_COLUMN_LIST(FIXED_COLUMN, FIXED_COLUMN)
		ROW_TAIL_COLUMN_LIST(FIXED_COLUMN)
	};
#undef FIXED_COLUMN

	return kab_name_index(fixed, ARRAY_SIZE(fixed), name) >= 0;
}

static bool read_event(struct parser *p, enum sweep_key key, char *token)
{
	struct sweep_names *events = value_of(p->current, key);
	const char *problem = sweep_event_name_problem(token);
	char why[PERF_REASON_LEN];

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
static bool read_tlb_model(struct parser *p, enum sweep_key key,
			   char *token)
{
	struct sweep_names *models = value_of(p->current, key);
	bool none = strcmp(token, SWEEP_NO_TLB_MODEL) == 0;
	char known[256];

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
		ok = key_rules[key].read(p, key, token);
	free(list);
	(void)continuation;	/* an empty list is checked at section end */
	return ok;
}

static size_t count_u32s(const void *value)
{
	return ((const struct sweep_u32s *)value)->count;
}

static size_t count_items(const void *value)
{
	return ((const struct sweep_items *)value)->count;
}

static size_t count_frags(const void *value)
{
	return ((const struct sweep_frags *)value)->count;
}

static size_t count_names(const void *value)
{
	return ((const struct sweep_names *)value)->count;
}

static size_t count_patterns(const void *value)
{
	const struct sweep_patterns *patterns = value;
	size_t count = 0;

	for (unsigned k = 0; k < SWEEP_NR_KINDS; k++)
		count += patterns->of_kind[k].count;
	return count;
}

static void free_text(void *value)
{
	free(*(char **)value);
}

static void free_u32s(void *value)
{
	free(((struct sweep_u32s *)value)->value);
}

static void free_items(void *value)
{
	free(((struct sweep_items *)value)->item);
}

static void free_frags(void *value)
{
	free(((struct sweep_frags *)value)->item);
}

static void free_names(void *value)
{
	struct sweep_names *names = value;

	for (size_t i = 0; i < names->count; i++)
		free(names->name[i]);
	free(names->name);
}

static void free_patterns(void *value)
{
	struct sweep_patterns *patterns = value;

	for (unsigned k = 0; k < SWEEP_NR_KINDS; k++)
		free(patterns->of_kind[k].value);
}

/* What each type of SWEEP_KEY_LIST does, and its `how` column. */
#define TYPE_text .parse = parse_text_key, .free = free_text
#define TYPE_number .parse = parse_number_key
#define LIST_OF(type) .parse = parse_list_key, .count = count_##type, \
		      .free = free_##type
#define TYPE_u32s LIST_OF(u32s)
#define TYPE_items LIST_OF(items)
#define TYPE_frags LIST_OF(frags)
#define TYPE_names LIST_OF(names)
#define TYPE_patterns LIST_OF(patterns)
#define TEXT
#define NUMBER(lowest, highest, unset) \
	.min = (lowest), .max = (highest), .fallback = (unset)
#define NAMES(table, nr, what_it_is) \
	.read = read_name, .names = { (table), (nr), (what_it_is) }
#define AXIS(which) .read = read_item, .axis = (which)
#define READER(reader) .read = (reader)
#define KEY_RULE(key, field, in, type, how)				\
	[SWEEP_KEY_##key] = {						\
		.name = #key, .where = (in),				\
		.offset = offsetof(struct sweep_section, field),	\
		TYPE_##type, how					\
	},

static const struct key_rule key_rules[SWEEP_NR_KEYS] = {
	SWEEP_KEY_LIST(KEY_RULE)
};

static unsigned where_current(const struct parser *p)
{
	return p->current == &p->sweep->header ? SWEEP_IN_HEADER :
						 SWEEP_IN_GROUP;
}

static bool unknown_key(struct parser *p, const char *key)
{
	bool in_header = p->current == &p->sweep->header;
	unsigned where = where_current(p);
	const char *known[SWEEP_NR_KEYS];
	size_t count = 0;
	char list[256];

	for (unsigned k = 0; k < SWEEP_NR_KEYS; k++)
		if (key_rules[k].where & where)
			known[count++] = key_rules[k].name;
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
	int index = -1;

	(void)section;	/* the reader tracks sections, with their lines */
	if (p->error.line)
		return 1;	/* report the first error only */
	if (!current)
		return fail(p, "'%s' comes before any [section]", key);
	for (unsigned k = 0; k < SWEEP_NR_KEYS && index < 0; k++)
		if (strcmp(key_rules[k].name, key) == 0)
			index = (int)k;
	if (index < 0 || !(key_rules[index].where & where_current(p)))
		return unknown_key(p, key);
	if (!p->continuation && current->key_line[index])
		return fail(p, "duplicate key '%s' (first set on line %u)",
			    key, current->key_line[index]);
	if (!p->continuation)
		current->key_line[index] = p->line;
	p->have_prev_key = true;
	return key_rules[index].parse(p, (enum sweep_key)index, value,
				      p->continuation);
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
		if (key_rules[k].count && section->key_line[k] &&
		    key_rules[k].count(value_in(section, (enum sweep_key)k)) == 0)
			sweep_set_error(&p->error, section->key_line[k],
					"empty list for '%s'", key_rules[k].name);
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
	return from ? *(const uint64_t *)value_in(from, key) :
		      key_rules[key].fallback;
}

static bool has_pattern(const struct sweep_section *group,
			enum kab_pattern pattern)
{
	const struct sweep_u32s *patterns =
		&group->patterns.of_kind[SWEEP_KIND_alloc];

	for (size_t i = 0; i < patterns->count; i++)
		if (patterns->value[i] == (uint32_t)pattern)
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
				       key_rules[unwanted].name,
				       kab_allocator_names[allocators[0]],
				       key_rules[wanted].name);
	if (!group->key_line[wanted])
		return sweep_set_error(err, group->line, "group [%s] has no %s",
				       group->name, key_rules[wanted].name);
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

const struct sweep_u32s *sweep_group_patterns(const struct sweep_section *group)
{
	return &group->patterns.of_kind[sweep_group_kind(group)];
}

static bool check_alloc_group(const struct sweep *sweep,
			      const struct sweep_section *group,
			      struct sweep_error *err)
{
	return check_axis(group, err) && check_batch(sweep, group, err) &&
	       check_frag(group, err);
}

static bool check_access_allocators(const struct sweep *sweep,
				    const struct sweep_section *group,
				    struct sweep_error *err)
{
	const char *names[KAB_NR_ALLOCATORS];
	size_t count = 0;
	char known[256];

	(void)sweep;
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

static const struct kind_rules kind_rules[SWEEP_NR_KINDS] = {
	[SWEEP_KIND_alloc] = {
		/* and sizes or orders, as its allocators take (check_axis) */
		.required = SWEEP_KEY_BIT(allocators) | SWEEP_KEY_BIT(gfp) |
			    SWEEP_KEY_BIT(patterns),
		.patterns = { kab_pattern_names, KAB_NR_PATTERNS, "pattern" },
		.check = check_alloc_group,
	},
	[SWEEP_KIND_access] = {
		.required = SWEEP_KEY_BIT(allocators) | SWEEP_KEY_BIT(sizes) |
			    SWEEP_KEY_BIT(patterns),
		.patterns = { kab_access_pattern_names, KAB_NR_ACCESS_PATTERNS,
			      "access pattern" },
		.check = check_access_allocators,
	},
};

/*
 * A group sets only keys its kind takes, the earliest other one reported.
 * A group of the default kind is told which kind takes the key; one that
 * chose its kind, that the key does not apply to it.
 */
static bool check_keys_apply(const struct sweep_section *group,
			     enum sweep_kind kind, struct sweep_error *err)
{
	const char *kinds[SWEEP_NR_KINDS];
	size_t count = 0;
	int refused = -1;
	char taking[64];

	for (unsigned k = 0; k < SWEEP_NR_KEYS; k++)
		if (group->key_line[k] &&
		    !(key_rules[k].where & SWEEP_IN_KIND(kind)) &&
		    (refused < 0 || group->key_line[k] < group->key_line[refused]))
			refused = (int)k;
	if (refused < 0)
		return true;
	if (kind != SWEEP_KIND_alloc)
		return sweep_set_error(err, group->key_line[refused],
				       "'%s' does not apply to kind = %s",
				       key_rules[refused].name,
				       sweep_kind_names[kind]);
	for (unsigned k = 0; k < SWEEP_NR_KINDS; k++)
		if (key_rules[refused].where & SWEEP_IN_KIND(k))
			kinds[count++] = sweep_kind_names[k];
	kab_names_join(kinds, count, taking, sizeof(taking));
	return sweep_set_error(err, group->key_line[refused],
			       "%s applies to kind = %s only",
			       key_rules[refused].name, taking);
}

static bool check_required(const struct sweep_section *group,
			   enum sweep_kind kind, struct sweep_error *err)
{
	for (unsigned k = 0; k < SWEEP_NR_KEYS; k++)
		if ((kind_rules[kind].required >> k & 1U) && !group->key_line[k])
			return sweep_set_error(err, group->line,
					       "group [%s] has no %s", group->name,
					       key_rules[k].name);
	return true;
}

/* Told as check_keys_apply() tells a key. */
static bool check_own_patterns(const struct sweep_section *group,
			       enum sweep_kind kind, struct sweep_error *err)
{
	unsigned line = group->key_line[SWEEP_KEY_patterns];

	for (unsigned k = 0; k < SWEEP_NR_KINDS; k++) {
		const struct sweep_u32s *other = &group->patterns.of_kind[k];
		const char *name;

		if (k == kind || !other->count)
			continue;
		name = kind_rules[k].patterns.names[other->value[0]];
		if (kind != SWEEP_KIND_alloc)
			return sweep_set_error(err, line,
					       "pattern %s is not an %s pattern",
					       name, sweep_kind_names[kind]);
		return sweep_set_error(err, line, "pattern %s needs kind = %s",
				       name, sweep_kind_names[k]);
	}
	return true;
}

static bool check_group(const struct sweep *sweep,
			const struct sweep_section *group,
			struct sweep_error *err)
{
	enum sweep_kind kind = sweep_group_kind(group);

	if (group->kind.count > 1)
		return sweep_set_error(err, group->key_line[SWEEP_KEY_kind],
				       "kind takes one value");
	return check_keys_apply(group, kind, err) &&
	       check_required(group, kind, err) &&
	       check_own_patterns(group, kind, err) &&
	       kind_rules[kind].check(sweep, group, err);
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
	for (unsigned k = 0; k < SWEEP_NR_KEYS; k++)
		if (key_rules[k].free)
			key_rules[k].free(value_of(section, (enum sweep_key)k));
}

void sweep_free(struct sweep *sweep)
{
	for (size_t i = 0; i < sweep->groups; i++)
		section_free(&sweep->group[i]);
	section_free(&sweep->header);
	free(sweep->group);
	free(sweep->path);
	*sweep = (struct sweep){ 0 };
}
