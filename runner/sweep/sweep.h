/*
 * Sweep files: what to measure. An INI file whose [sweep] section holds
 * metadata and defaults and whose every other section is a group, the cross
 * product allocators x sizes-or-orders x gfp masks x contexts x patterns;
 * a group with `kind = access` is the access benchmark instead, allocators x
 * sizes x access patterns, each walked `passes` times.
 *
 * Parsing checks everything that does not depend on the kernel; expansion
 * resolves the symbols kmalloc_max and max against the module's INFO.
 */
#ifndef KAB_SWEEP_H
#define KAB_SWEEP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <kallocbench.h>

/* What a group measures: allocation cost, or the access benchmark. */
#define SWEEP_KIND_LIST(X) X(alloc) X(access)
#define SWEEP_KIND_ENUM(name) SWEEP_KIND_##name,
enum sweep_kind {
	SWEEP_KIND_LIST(SWEEP_KIND_ENUM)
	SWEEP_NR_KINDS
};

/* Where a key may be set: [sweep], and groups of which kinds. */
#define SWEEP_IN_HEADER 1U
#define SWEEP_IN_KIND(kind) (2U << (kind))
#define SWEEP_IN_ALLOC SWEEP_IN_KIND(SWEEP_KIND_alloc)
#define SWEEP_IN_ACCESS SWEEP_IN_KIND(SWEEP_KIND_access)
#define SWEEP_IN_GROUP (SWEEP_IN_ALLOC | SWEEP_IN_ACCESS)

/*
 * Every key of a sweep file, one row each:
 * X(key, field, where, type, how)
 *   field: the member of struct sweep_section that holds its value
 *   where: the sections that may set it (SWEEP_IN_*)
 *   type:  text (continuation lines joined), number, or a list of tokens
 *          stored as SWEEP_TYPE_<type> (u32s, items, frags, names, patterns)
 *   how:   NUMBER(min, max, value when unset), TEXT, or how one token is
 *          read: NAMES(table, count, what) looks it up in a table,
 *          AXIS(axis) reads a size or order term or range, READER(fn) calls
 *          fn (see sweep.c)
 * The order is the order of the "known:" lists in messages.
 */
#define SWEEP_KEY_LIST(X)							\
	X(name, sweep_name, SWEEP_IN_HEADER, text, TEXT)			\
	X(description, description, SWEEP_IN_HEADER, text, TEXT)		\
	X(iterations, iterations, SWEEP_IN_HEADER | SWEEP_IN_ALLOC, number,	\
	  NUMBER(1, UINT64_MAX, SWEEP_DEFAULT_ITERATIONS))			\
	X(warmup, warmup, SWEEP_IN_HEADER | SWEEP_IN_ALLOC, number,		\
	  NUMBER(0, UINT64_MAX, SWEEP_DEFAULT_WARMUP))				\
	/* bounded so that it still fits in nanoseconds */			\
	X(time_limit_ms, time_limit_ms, SWEEP_IN_HEADER | SWEEP_IN_ALLOC,	\
	  number, NUMBER(0, UINT64_MAX / 1000000, SWEEP_DEFAULT_TIME_LIMIT_MS))	\
	/* bounded by what the module accepts; 0: the module's default */	\
	X(atomic_limit_us, atomic_limit_us, SWEEP_IN_HEADER | SWEEP_IN_ALLOC,	\
	  number, NUMBER(0, KAB_ATOMIC_LIMIT_MAX_NS / 1000, 0))			\
	X(repetitions, repetitions, SWEEP_IN_HEADER | SWEEP_IN_GROUP, number,	\
	  NUMBER(1, UINT32_MAX, SWEEP_DEFAULT_REPETITIONS))			\
	X(batch, batch, SWEEP_IN_HEADER | SWEEP_IN_ALLOC, number,		\
	  NUMBER(0, UINT32_MAX, SWEEP_DEFAULT_BATCH))				\
	/* objects per call of a bulk allocator, a list (default 1) */	\
	X(bulk, bulk, SWEEP_IN_ALLOC, u32s, READER(read_bulk))		\
	X(events, events, SWEEP_IN_HEADER, names, READER(read_event))		\
	X(allocators, allocators, SWEEP_IN_GROUP, u32s,			\
	  NAMES(kab_allocator_names, KAB_NR_ALLOCATORS, "allocator"))		\
	X(sizes, sizes, SWEEP_IN_GROUP, items, AXIS(&sweep_size_axis))		\
	X(orders, orders, SWEEP_IN_ALLOC, items, AXIS(&sweep_order_axis))	\
	X(gfp, gfp, SWEEP_IN_ALLOC, u32s, READER(read_gfp_mask))		\
	X(contexts, contexts, SWEEP_IN_ALLOC, u32s,				\
	  NAMES(kab_context_names, KAB_NR_CONTEXTS, "context"))			\
	/* each kind's own patterns (kind_rules in sweep.c) */		\
	X(patterns, patterns, SWEEP_IN_GROUP, patterns, READER(read_pattern))	\
	/* numbers of CPUs, or all (SWEEP_CPUS_ALL) */			\
	X(cpus, cpus, SWEEP_IN_ALLOC, u32s, READER(read_cpus))		\
	/* a cache's allocators on several CPUs: one cache, or one each */ \
	X(caches, caches, SWEEP_IN_ALLOC, u32s,				\
	  NAMES(kab_caches_names, KAB_NR_CACHES, "caches"))			\
	X(pressure, pressure, SWEEP_IN_ALLOC, u32s,				\
	  NAMES(kab_pressure_names, KAB_NR_PRESSURES, "pressure"))		\
	X(frag_levels, frag_levels, SWEEP_IN_GROUP, frags,			\
	  READER(read_frag_level))						\
	X(frag_kinds, frag_kinds, SWEEP_IN_GROUP, u32s,			\
	  NAMES(kab_frag_kind_names, KAB_NR_FRAG_KINDS, "fragmentation kind"))	\
	/* 0: the module's default */						\
	X(frag_cap_permille, frag_cap_permille, SWEEP_IN_HEADER, number,	\
	  NUMBER(1, KAB_FRAG_CAP_MAX_PERMILLE, 0))				\
	X(memory_mb, memory_mb, SWEEP_IN_HEADER, number,			\
	  NUMBER(SWEEP_MIN_MEMORY_MB, SWEEP_MAX_MEMORY_MB, 0))			\
	X(kind, kind, SWEEP_IN_GROUP, u32s,					\
	  NAMES(sweep_kind_names, SWEEP_NR_KINDS, "kind"))			\
	X(passes, passes, SWEEP_IN_HEADER | SWEEP_IN_ACCESS, number,		\
	  NUMBER(1, UINT64_MAX, SWEEP_DEFAULT_PASSES))				\
	X(hyperfine, hyperfine, SWEEP_IN_ACCESS, number, NUMBER(0, 1000, 0))	\
	X(tlb_model, tlb_models, SWEEP_IN_HEADER, names,			\
	  READER(read_tlb_model))						\
	/* kmem_cache_alloc's cache: SLUB's sheaves (6.18); 0: none asked, */ \
	/* no sheaves on 6.18, the kernel's own capacity on 7.2 and later */ \
	X(sheaf_capacity, sheaf_capacity, SWEEP_IN_HEADER | SWEEP_IN_ALLOC,	\
	  number, NUMBER(0, UINT32_MAX, 0))					\
	/* the NUMA node of kmalloc_node and alloc_pages_node (x86's most) */ \
	X(node, node, SWEEP_IN_HEADER | SWEEP_IN_ALLOC, number,		\
	  NUMBER(0, 1023, 0))

#define SWEEP_KEY_ENUM(key, ...) SWEEP_KEY_##key,
enum sweep_key {
	SWEEP_KEY_LIST(SWEEP_KEY_ENUM)
	SWEEP_NR_KEYS
};

/* A set of keys, as a kind's required keys are named. */
#define SWEEP_KEY_BIT(key) (UINT64_C(1) << SWEEP_KEY_##key)
_Static_assert(SWEEP_NR_KEYS <= 64, "a key set is a uint64_t");

extern const char *const sweep_kind_names[SWEEP_NR_KINDS];

/* Values a group gets when neither it nor [sweep] sets them. */
#define SWEEP_DEFAULT_ITERATIONS	1000
#define SWEEP_DEFAULT_WARMUP		100
#define SWEEP_DEFAULT_TIME_LIMIT_MS	0
#define SWEEP_DEFAULT_REPETITIONS	1
#define SWEEP_DEFAULT_BATCH		0
#define SWEEP_DEFAULT_PASSES		4
/* cpus = all: every online CPU of the target, counted where it runs. */
#define SWEEP_CPUS_ALL			0
#define SWEEP_CPUS_ALL_NAME		"all"
/* Contexts of a group without a contexts key. */
#define SWEEP_DEFAULT_CONTEXT		KAB_CONTEXT_process

/* The largest sweep file read: far more than any sweep needs. */
#define SWEEP_MAX_FILE_BYTES (1 << 20)

/* tlb_model's word for running without the simulated MMU. */
#define SWEEP_NO_TLB_MODEL "none"

/* Guest memory a sweep may ask for (memory_mb). */
#define SWEEP_MIN_MEMORY_MB 256
#define SWEEP_MAX_MEMORY_MB (1024 * 1024)

/* The largest buddy order a sweep may name: 2^63 pages is beyond any kernel. */
#define SWEEP_MAX_ORDER 63
/* The most values one range may expand to, whatever the axis. */
#define SWEEP_MAX_RANGE_VALUES 4096

/* How sizes and orders are written and expanded. */
struct sweep_axis {
	/* "size" or "order", for messages */
	const char *what;
	/* the kernel-dependent value a term may be relative to */
	const char *symbol;
	bool suffixes;
	/* ranges double (sizes) or step by one (orders) */
	bool doubling;
	uint64_t max;
};

extern const struct sweep_axis sweep_size_axis;
extern const struct sweep_axis sweep_order_axis;

/* A size or order as written: a number, or the kernel's symbol +/- value. */
struct sweep_term {
	bool symbolic;
	bool subtract;
	uint64_t value;
};

/* One list entry: a term or a range of terms, and the line it came from. */
struct sweep_item {
	struct sweep_term from;
	struct sweep_term to;
	bool range;
	unsigned line;
};

struct sweep_items {
	struct sweep_item *item;
	size_t count;
	size_t capacity;
};

struct sweep_u32s {
	uint32_t *value;
	size_t count;
	size_t capacity;
};

/* The most counters one sweep may name, and the longest name. */
#define SWEEP_MAX_EVENTS 32
#define SWEEP_MAX_EVENT_LEN 64

struct sweep_names {
	char **name;
	size_t count;
	size_t capacity;
};

/*
 * A fragmentation level: a row of KAB_FRAG_LEVEL_LIST by name, or the
 * numeric form P:K (touch P% of the free memory, keep every K-th page),
 * labelled as written.
 */
#define SWEEP_FRAG_LABEL_MAX 16
struct sweep_frag {
	char label[SWEEP_FRAG_LABEL_MAX];
	uint32_t touch_permille;
	uint32_t keep_every;
};

struct sweep_frags {
	struct sweep_frag *item;
	size_t count;
	size_t capacity;
};

/* sweep_case.frag_kind of a level that touches nothing. */
#define SWEEP_NO_FRAG_KIND (-1)
/* The kinds of a group with frag_levels but no frag_kinds. */
#define SWEEP_DEFAULT_FRAG_KIND KAB_FRAG_unmovable

/*
 * The patterns of a group, each stored under the kind whose table names it
 * (a pattern name belongs to one kind); a group runs its own kind's.
 */
struct sweep_patterns {
	struct sweep_u32s of_kind[SWEEP_NR_KINDS];
};

/* How each type of SWEEP_KEY_LIST is stored. */
#define SWEEP_TYPE_text char *
#define SWEEP_TYPE_number uint64_t
#define SWEEP_TYPE_u32s struct sweep_u32s
#define SWEEP_TYPE_items struct sweep_items
#define SWEEP_TYPE_frags struct sweep_frags
#define SWEEP_TYPE_names struct sweep_names
#define SWEEP_TYPE_patterns struct sweep_patterns
#define SWEEP_KEY_FIELD(key, field, where, type, ...) SWEEP_TYPE_##type field;

struct sweep_section {
	char *name;
	unsigned line;
	/* Line each key was set on; 0 when the section does not set it. */
	unsigned key_line[SWEEP_NR_KEYS];
	/* The value of each key, empty or 0 when not set. */
	SWEEP_KEY_LIST(SWEEP_KEY_FIELD)
};

struct sweep {
	char *path;
	/* The [sweep] section; line 0 when the file has none. */
	struct sweep_section header;
	struct sweep_section *group;
	size_t groups;
	size_t capacity;
};

struct sweep_error {
	unsigned line;
	char message[512];
};

/* One case to run, everything resolved. */
struct sweep_case {
	/* index in sweep->group, named in progress lines */
	size_t group;
	enum sweep_kind kind;
	/* kind access: the walk and how many passes over the buffer */
	enum kab_access_pattern walk;
	uint64_t passes;
	/* kind access: hyperfine's timed runs of the case, 0 for none */
	uint64_t hyperfine_runs;
	enum kab_allocator allocator;
	enum kab_context context;
	enum kab_pattern pattern;
	enum kab_pressure pressure;
	/* CPUs the case runs on at once (1: the runner's own, as always) */
	uint32_t cpus;
	/* enum kab_caches: shared, or per_cpu (several CPUs, a cache's rows) */
	uint32_t caches;
	/*
	 * The fragmentation level and kind (SWEEP_NO_FRAG_KIND when the level
	 * touches nothing). frag_recorded: the group names its levels, so the
	 * level is applied, recorded and released around its cases; a group
	 * without frag_levels runs at "none" with nothing recorded.
	 */
	struct sweep_frag frag;
	int frag_kind;
	bool frag_recorded;
	uint32_t gfp;
	uint64_t size_bytes;
	uint32_t order;
	uint32_t batch;
	/* objects per call of a bulk allocator, 0 for the others */
	uint32_t bulk;
	uint32_t sheaf_capacity;
	/* for the allocators that take a node, else 0 */
	uint32_t node;
	uint64_t iterations;
	uint64_t warmup;
	uint64_t time_limit_ns;
	/* 0: the module's default */
	uint64_t atomic_limit_ns;
	uint64_t repetitions;
};

struct sweep_cases {
	struct sweep_case *item;
	size_t count;
	size_t capacity;
};

/* 0, or -1 with @err set; @path names the file in @sweep and messages. */
int sweep_parse_file(const char *path, struct sweep *sweep,
		     struct sweep_error *err);
int sweep_parse_stream(FILE *file, const char *path, struct sweep *sweep,
		       struct sweep_error *err);
void sweep_free(struct sweep *sweep);

/*
 * NULL when @name is a well-formed counter name: a perf-like token (a letter,
 * then letters, digits and _ . : = -) where a name whose part before the
 * first colon is lower case is a tracepoint, `subsystem:event`, all lower
 * case. Otherwise what is wrong with it, for a message.
 */
const char *sweep_event_name_problem(const char *name);

/* A number with an optional K, M or G suffix, as sizes are written. */
bool sweep_parse_size(const char *text, uint64_t *value);

/* SWEEP_KIND_alloc unless the group says kind = access. */
enum sweep_kind sweep_group_kind(const struct sweep_section *group);
/* The patterns @group runs: those of its kind. */
const struct sweep_u32s *sweep_group_patterns(const struct sweep_section *group);

/*
 * The value of numeric @key for @group: its own, else [sweep]'s, else the
 * built-in default. *@line (if given) is where it was set, or 0.
 */
uint64_t sweep_setting(const struct sweep *sweep,
		       const struct sweep_section *group, enum sweep_key key,
		       unsigned *line);
/* Records the first error only; returns false for chaining. */
bool sweep_set_error(struct sweep_error *err, unsigned line, const char *fmt,
		     ...) __attribute__((format(printf, 3, 4)));

/*
 * Values the range @from..@to has on @axis (from <= to), saturating at
 * SIZE_MAX; expansion refuses more than SWEEP_MAX_RANGE_VALUES.
 */
size_t sweep_range_values(const struct sweep_axis *axis, uint64_t from,
			  uint64_t to);

/* True when @a and @b run in the same fragmented state. */
bool sweep_same_frag(const struct sweep_case *a, const struct sweep_case *b);

/*
 * Expands @sweep into @cases against @info. Returns 0, or -1 with @err set
 * when a symbolic size or order resolves to nothing sensible, a range is too
 * long, or iterations or warmup exceed @info's max_iterations. The cases
 * of one fragmented state are adjacent, in the order the states first
 * appear, the cases without a recorded level first, so that each state is
 * applied once.
 */
int sweep_expand(const struct sweep *sweep, const struct kab_info *info,
		 struct sweep_cases *cases, struct sweep_error *err);
/*
 * What a kernel-dependent size or order (kmalloc_max, max) resolves to
 * where no kernel says: Debian's x86-64 kernels' values.
 */
extern const struct kab_info sweep_reference_kernel;
/* How many list entries of @sweep depend on the kernel. */
size_t sweep_kernel_dependent_entries(const struct sweep *sweep);

/*
 * The one count of a sweep, from its expansion: `check`, the progress
 * line's [i/n], the summary and the README all use it.
 */
struct sweep_count {
	/* cases of each kind: one row of cases.csv or access.csv each */
	size_t cases[SWEEP_NR_KINDS];
	/* the cases times their repetitions: the rows a run writes */
	size_t runs;
};
void sweep_count(const struct sweep_cases *cases, struct sweep_count *count);
void sweep_cases_free(struct sweep_cases *cases);

#endif
