/*
 * Every file the runner writes and the columns of each CSV, written once and
 * including nothing, so that the writers, the readers (compare, report,
 * summary, breakeven), the sweep's check of counter names and the tests all
 * name a column the same way.
 *
 * A column list is LIST(KEY, X): KEY(name) for a column that names the case
 * across runs (compare's key, CASE_KEY_COLUMN_LIST), X(name) for every other
 * one. Writers pass one macro for both.
 */
#ifndef KAB_COLUMNS_H
#define KAB_COLUMNS_H

/* X(id, name): the files of a run's or `facts`'s output (results.h). */
#define RESULTS_FILE_LIST(X)			\
	X(GUEST_JSON, "guest.json")		\
	X(CASES_CSV, "cases.csv")		\
	X(HISTOGRAMS_CSV, "histograms.csv")	\
	X(ACCESS_CSV, "access.csv")		\
	X(HYPERFINE_CSV, "hyperfine.csv")	\
	X(HYPERFINE_JSON, "hyperfine.json")	\
	X(FACTS_JSON, "facts.json")		\
	X(FACTS_MD, "facts.md")			\
	X(KSIZE_CSV, "ksize.csv")		\
	X(ZONES_CSV, "zones.csv")

/*
 * cases.csv: one row per allocation case and repetition. The sweep's
 * counters follow counter_scaling, one column each, named as the counter;
 * ROW_TAIL_COLUMN_LIST comes last.
 */
#define CASES_COLUMN_LIST(KEY, X)					\
	X(case) X(repetition) X(kernel) X(config) X(mode) KEY(allocator)	\
	KEY(size_bytes) KEY(order) KEY(gfp) KEY(context) KEY(frag_level)	\
	KEY(frag_kind) KEY(pattern) KEY(pressure) KEY(cpus) KEY(caches)	\
	KEY(batch) KEY(bulk) KEY(sheaf_capacity) KEY(node)		\
	X(iterations) X(ops_done) X(failures)				\
	X(alloc_ns_mean) X(alloc_ns_p50) X(alloc_ns_p90) X(alloc_ns_p99)	\
	X(alloc_ns_p999) X(alloc_ns_min) X(alloc_ns_max)			\
	X(free_ns_mean) X(free_ns_p50) X(free_ns_p90) X(free_ns_p99)	\
	X(free_ns_p999) X(free_ns_min) X(free_ns_max)			\
	X(amortized_ops) X(amortized_failures)				\
	X(pair_ns_amortized) X(alloc_ns_amortized) X(free_ns_amortized)	\
	X(pair_ns_per_object)						\
	X(clock_overhead_ns) X(context_cpu) X(context_mechanism)		\
	X(context_overhead_ns) X(atomic_limit_ns)			\
	X(pressure_pages_held) X(free_pages_start) X(free_pages_before)	\
	X(free_pages_after) X(wmark_min) X(wmark_low) X(highatomic_pages)	\
	X(pcp_pages_start) X(pcp_pages_after) X(pressure_reached)	\
	X(cpu_list) X(cpu_ops) X(pair_mops_per_cpu) X(pair_mops_total)	\
	X(overlap_ns) X(overlap_share) X(remote_frees)			\
	X(cpu_caches) X(caches_used)					\
	X(node_checked) X(node_misplaced)				\
	X(backlog_bytes) X(backlog_left_bytes) X(drain_ns) X(drained)	\
	X(counter_scaling)

/* The last columns of cases.csv, access.csv and hyperfine.csv: error
 * stays last, the free text of a case that did not run. */
#define ROW_TAIL_COLUMN_LIST(X) X(status) X(error)

/*
 * access.csv: one row per access case and repetition; each counted phase's
 * counters (PHASE_EVENT) follow counter_scaling, then the tail.
 */
#define ACCESS_COLUMN_LIST(KEY, X)					\
	X(case) X(repetition) X(kernel) X(config) X(mode) KEY(frag_level)	\
	KEY(frag_kind)							\
	KEY(allocator) KEY(size_bytes) KEY(pattern) KEY(passes) X(pages)	\
	X(touches)							\
	X(alloc_ns) X(free_ns) X(access_ns) X(access_ns_per_touch)	\
	X(access_ns_per_page) X(clock_overhead_ns) X(map_order_min)	\
	X(map_order_max) X(direct_map_order_min) X(direct_map_order_max)	\
	X(pte_tables) X(pte_tables_per_mib) X(counter_scaling)

/* The columns that name a case across runs: every KEY of cases.csv and
 * access.csv (a test holds them equal); a file without one leaves it
 * empty. */
#define CASE_KEY_COLUMN_LIST(X)						\
	X(allocator) X(size_bytes) X(order) X(gfp) X(context)		\
	X(frag_level) X(frag_kind) X(pattern) X(pressure) X(cpus)	\
	X(caches) X(batch) X(bulk) X(sheaf_capacity) X(node) X(passes)

/* compare.csv, of `kallocbench compare`: one row per pair of targets, case
 * and figure; the simulated MMU's rep-string shares where both sides have
 * them. */
#define COMPARE_COLUMN_LIST(KEY, X)					\
	X(baseline) X(candidate) X(source) CASE_KEY_COLUMN_LIST(KEY)	\
	X(metric) X(baseline_n) X(candidate_n) X(baseline_value)	\
	X(candidate_value) X(baseline_spread) X(candidate_spread)	\
	X(ratio) X(ci_low) X(ci_high) X(threshold) X(method) X(verdict)	\
	X(baseline_rep_share) X(candidate_rep_share)			\
	X(rep_share_of_change)

/*
 * one-sided.csv, of `kallocbench compare`: one row per pair of targets and
 * case measured on one side only (side: the target that has it), with
 * the other side's status ("absent" where it has no such case) and why
 * the case is not compared.
 */
#define ONE_SIDED_COLUMN_LIST(KEY, X)					\
	X(baseline) X(candidate) X(source) CASE_KEY_COLUMN_LIST(KEY)	\
	X(side) X(other_status) X(reason)

/* X(id, name): the files `kallocbench compare` writes and its report
 * reads. */
#define COMPARE_FILE_LIST(X)			\
	X(COMPARE_CSV, "compare.csv")		\
	X(ONE_SIDED_CSV, "one-sided.csv")	\
	X(TARGETS_CSV, "targets.csv")		\
	X(COMMAND_TXT, "command.txt")		\
	X(REPORT_MD, "report.md")		\
	X(INDEX_HTML, "index.html")

/* hyperfine.csv: one row per access case timed by hyperfine, then the tail. */
#define HYPERFINE_COLUMN_LIST(KEY, X)					\
	X(case) X(kernel) X(config) X(mode) X(allocator) X(size_bytes)	\
	X(pattern) X(passes) X(warmup) X(runs) X(mean_us) X(stddev_us)	\
	X(median_us) X(min_us) X(max_us)

#define HISTOGRAMS_COLUMN_LIST(KEY, X)					\
	X(case) X(repetition) X(op) X(bucket_low_ns) X(bucket_width_ns)	\
	X(count)

/* ksize.csv and zones.csv, of `kallocbench facts`. */
#define KSIZE_COLUMN_LIST(KEY, X)					\
	X(request_from) X(request_to) X(class_bytes) X(waste_min_bytes)	\
	X(waste_max_bytes) X(waste_max_percent) X(verified)
#define ZONES_COLUMN_LIST(KEY, X) X(buffer) X(zone) X(pages)

/* frag.csv, frag-vmstat.csv and frag-levels.csv: the fragmented states. */
#define FRAG_COLUMN_LIST(KEY, X)					\
	X(level) X(kind) X(phase) X(node) X(zone) X(order) X(free_blocks)	\
	X(unusable_index) X(extfrag_index)
#define FRAG_VMSTAT_COLUMN_LIST(KEY, X)					\
	X(level) X(kind) X(phase) X(counter) X(delta)
#define FRAG_LEVELS_COLUMN_LIST(KEY, X)					\
	X(level) X(kind) X(touch_permille) X(keep_every) X(cap_pages)	\
	X(floor_pages) X(pages_touched) X(pages_pinned)			\
	X(mem_free_kb_before) X(mem_free_kb_fragmented)			\
	X(mem_free_kb_released) X(pcp_kb_before) X(pcp_kb_fragmented)	\
	X(pcp_kb_released) X(status) X(error)

/* breakeven.csv and tradeoff.csv, of `kallocbench breakeven`. */
#define BREAKEVEN_COLUMN_LIST(KEY, X)					\
	X(size_bytes) X(frag_level) X(frag_kind) X(pattern) X(a) X(b)	\
	X(model) X(walk_penalty) X(a_fixed_ns) X(b_fixed_ns)		\
	X(a_ns_per_page) X(b_ns_per_page) X(a_walks_per_page)		\
	X(b_walks_per_page) X(a_cost_per_page) X(b_cost_per_page)	\
	X(cheaper_first) X(breakeven_pages) X(cheaper_after) X(basis)
#define TRADEOFF_COLUMN_LIST(KEY, X)					\
	X(case) X(repetition) X(allocator) X(size_bytes) X(pattern)	\
	X(frag_level) X(frag_kind) X(model) X(pages_touched)		\
	X(access_ns_per_page) X(marginal_ns_per_page) X(sim_walks)	\
	X(walks_per_page) X(sim_dtlb_load_misses)			\
	X(dtlb_load_misses_per_page) X(walk_refs_per_page) X(sim_walks_4k)	\
	X(sim_walks_2m) X(sim_walks_1g) X(map_order_min)		\
	X(direct_map_order_min)

/*
 * COLUMNS_TEXT(LIST) is ",a,b,c", a string literal; COLUMNS_HEADER(LIST) the
 * header "a,b,c" and COLUMNS_LINE(LIST) "a,b,c\n", past the first comma.
 */
#define COLUMN_TEXT(name) "," #name
#define COLUMNS_TEXT(list) list(COLUMN_TEXT, COLUMN_TEXT)
#define COLUMNS_HEADER(list) (COLUMNS_TEXT(list) + 1)
#define COLUMNS_LINE(list) (COLUMNS_TEXT(list) "\n" + 1)

/*
 * The columns' indexes where a file has no counters, and a compile-time
 * name check: CASES_COLUMN_alloc_ns_p99 exists only if the column does.
 */
#define CASES_COLUMN_ENUM(name) CASES_COLUMN_##name,
enum cases_column {
	CASES_COLUMN_LIST(CASES_COLUMN_ENUM, CASES_COLUMN_ENUM)
	ROW_TAIL_COLUMN_LIST(CASES_COLUMN_ENUM)
	CASES_NR_COLUMNS
};
#define ACCESS_COLUMN_ENUM(name) ACCESS_COLUMN_##name,
enum access_column {
	ACCESS_COLUMN_LIST(ACCESS_COLUMN_ENUM, ACCESS_COLUMN_ENUM)
	ROW_TAIL_COLUMN_LIST(ACCESS_COLUMN_ENUM)
	ACCESS_NR_COLUMNS
};

#endif
