#include "run/run.h"

#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <kallocbench_sim.h>

#include "cli/cli.h"
#include "device/device.h"
#include "util/names.h"
#include "util/util.h"

volatile sig_atomic_t run_stop_signal;

/*
 * What a label may hold, so that it can never break a CSV row (no comma:
 * shell tools split rows on commas), a stream record or guest.json.
 */
#define LABEL_CHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz" \
		    "0123456789._+=:/@-"
#define LABEL_CHARS_TEXT "A-Z a-z 0-9 and . _ + = : / @ -"
/* Times a case is retried after EINTR that no stop signal explains. */
#define RUN_EINTR_RETRIES 3

static const char run_usage[] =
	"usage: kallocbench run --sweep FILE [--out DIR] [--stream PATH]\n"
	"                       [--mode NAME] [--config NAME]\n"
	"                       [--device PATH] [--memory-cap-permille N]\n"
	"\n"
	"Runs every case of the sweep through " KAB_DEVICE_PATH " and writes\n"
	"cases.csv, histograms.csv and guest.json as each case finishes.\n"
	"\n"
	"  --sweep FILE       the sweep to run\n"
	"  --out DIR          write the result files into DIR (created if missing)\n"
	"  --stream PATH      also write every line as FILENAME<TAB>LINE to PATH,\n"
	"                     e.g. a serial port the host collects from\n"
	"  --mode NAME        host, qemu-kvm, qemu-tcg or qemu-icount (default host)\n"
	"  --config NAME      label of the kernel configuration (default \"default\")\n"
	"  --device PATH      the module's device (default " KAB_DEVICE_PATH ")\n"
	"  --memory-cap-permille N\n"
	"                     the most of MemTotal, in thousandths (1-500), a\n"
	"                     fragmentation level may pin and pressure low may\n"
	"                     hold; above it their cases are refused (a host's\n"
	"                     run: make bench MODE=host)\n"
	"\n"
	"Labels (--mode, --config) are made of " LABEL_CHARS_TEXT ".\n"
	"At least one of --out and --stream is needed; DIR must not hold a\n"
	"cases.csv already. Exits 0 when every case ran (refused cases\n"
	"included), 2 on bad usage or a bad sweep, 128+N on signal N.\n";

static const char *const run_modes[] = {
	"host", "qemu-kvm", "qemu-tcg", "qemu-icount",
};

static double seconds_since(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - start->tv_sec) +
	       (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

static void describe_case(const struct sweep_case *spec, struct strbuf *text)
{
	char gfp[KAB_GFP_TEXT_MAX], size[24];

	kab_gfp_format(spec->gfp, gfp);
	if (kab_allocator_sized_by[spec->allocator] == KAB_BY_SIZE)
		format_size(spec->size_bytes, size);
	else
		snprintf(size, sizeof(size), "order %u", spec->order);
	sb_printf(text, "%s %s %s %s", kab_allocator_names[spec->allocator],
		  size, gfp, kab_pattern_names[spec->pattern]);
	/* what tells apart cases of the same allocator, size and mask */
	if (spec->context != KAB_CONTEXT_process)
		sb_printf(text, " in %s", kab_context_names[spec->context]);
	if (spec->pressure != KAB_PRESSURE_none)
		sb_printf(text, " pressure %s",
			  kab_pressure_names[spec->pressure]);
	if (spec->bulk)
		sb_printf(text, " bulk %u", spec->bulk);
	if (spec->cpus > 1)
		sb_printf(text, " on %u CPUs", spec->cpus);
	if (spec->caches != KAB_CACHES_shared)
		sb_printf(text, " caches %s", kab_caches_names[spec->caches]);
	if (spec->frag_kind != SWEEP_NO_FRAG_KIND)
		sb_printf(text, " frag %s %s", spec->frag.label,
			  kab_frag_kind_names[spec->frag_kind]);
}

/* A percentile for the progress line: "-" when there were no samples. */
static const char *format_ns(const struct op_figures *figures,
			     enum reported_percentile index, char buf[static 32])
{
	if (!figures->count)
		return "-";
	snprintf(buf, 32, "%.1f ns", figures->percentile_ns[index]);
	return buf;
}

static void print_outcome(const struct case_outcome *outcome,
			  struct strbuf *text)
{
	struct op_figures alloc, free_ops;
	char p50[32], p99[32], free_p50[32];
	struct strbuf error = { 0 };

	if (outcome->status != CASE_ok) {
		case_error_text(outcome, &error);
		sb_printf(text, "%s (%s)", case_status_names[outcome->status],
			  error.text);
		sb_free(&error);
		return;
	}
	op_figures_compute(&outcome->result->alloc, outcome->alloc_hist, &alloc);
	op_figures_compute(&outcome->result->free, outcome->free_hist, &free_ops);
	sb_printf(text, "alloc p50 %s p99 %s, free p50 %s, failures %llu/%llu",
		  format_ns(&alloc, PERCENTILE_50, p50),
		  format_ns(&alloc, PERCENTILE_99, p99),
		  format_ns(&free_ops, PERCENTILE_50, free_p50),
		  (unsigned long long)outcome->result->failures,
		  (unsigned long long)outcome->result->ops_done);
}

void run_costs_plan(struct run_costs *costs, const struct sweep_cases *cases)
{
	size_t groups = 0;

	for (size_t i = 0; i < cases->count; i++)
		if (cases->item[i].group + 1 > groups)
			groups = cases->item[i].group + 1;
	costs->groups = groups;
	costs->planned = xcalloc(groups + 1, sizeof(*costs->planned));
	costs->done = xcalloc(groups + 1, sizeof(*costs->done));
	costs->spent = xcalloc(groups + 1, sizeof(*costs->spent));
	for (size_t i = 0; i < cases->count; i++)
		costs->planned[cases->item[i].group] +=
			cases->item[i].repetitions;
}

void run_costs_add(struct run_costs *costs, size_t group, double seconds)
{
	if (group >= costs->groups)
		return;
	costs->done[group]++;
	costs->spent[group] += seconds;
}

double run_costs_remaining(const struct run_costs *costs)
{
	size_t done = 0;
	double spent = 0, remaining = 0;

	for (size_t g = 0; g < costs->groups; g++) {
		done += costs->done[g];
		spent += costs->spent[g];
	}
	if (!done)
		return 0;
	for (size_t g = 0; g < costs->groups; g++) {
		double each = costs->done[g] ?
			      costs->spent[g] / (double)costs->done[g] :
			      spent / (double)done;

		if (costs->planned[g] > costs->done[g])
			remaining += each * (double)(costs->planned[g] -
						     costs->done[g]);
	}
	return remaining;
}

void run_costs_free(struct run_costs *costs)
{
	free(costs->planned);
	free(costs->done);
	free(costs->spent);
	*costs = (struct run_costs){ 0 };
}

/*
 * @what: the case and its figures, "kmalloc 64 GFP_KERNEL pair: ...";
 * @case_seconds what it took. Elapsed and eta keep milliseconds, so that a
 * host watching an icount guest can scale them to its own time.
 */
static void print_progress(const struct run_context *context,
			   struct run_costs *costs, size_t done, size_t total,
			   const struct sweep_case *spec, const char *what,
			   const struct timespec *start, double case_seconds)
{
	FILE *out = context->progress;

	run_costs_add(costs, spec->group, case_seconds);
	if (!out)
		return;
	fprintf(out, "[%zu/%zu] ", done, total);
	if (context->sweep && spec->group < context->sweep->groups)
		fprintf(out, "[%s] ", context->sweep->group[spec->group].name);
	fprintf(out, "%s, elapsed %.3fs, eta %.3fs\n", what,
		seconds_since(start), run_costs_remaining(costs));
	fflush(out);
}

enum case_status run_status_of(int result)
{
	switch (result) {
	case 0: return CASE_ok;
	case -EINVAL: case -E2BIG: return CASE_refused;
	case -EINTR: return run_stop_signal ? CASE_interrupted : CASE_failed;
	default: return CASE_failed;
	}
}

/*
 * @cpu_results: room for KAB_MAX_CPUS results and their histograms
 * (cpu_results_new()), which the module fills for a case on several CPUs,
 * each result pointing at its histograms.
 */
static void fill_request(const struct sweep_case *spec, uint32_t *alloc_hist,
			 uint32_t *free_hist, struct kab_cpu_result *cpu_results,
			 struct kab_case *request)
{
	*request = (struct kab_case){
		.size = sizeof(*request),
		.abi_version = KAB_ABI_VERSION,
		.allocator = spec->allocator,
		.context = spec->context,
		.pattern = spec->pattern,
		.pressure = spec->pressure,
		.gfp = spec->gfp,
		.size_bytes = spec->size_bytes,
		.order = spec->order,
		.batch = spec->batch,
		.bulk = spec->bulk,
		.sheaf_capacity = spec->sheaf_capacity,
		.node = spec->node,
		.iterations = spec->iterations,
		.warmup = spec->warmup,
		.time_limit_ns = spec->time_limit_ns,
		.atomic_limit_ns = spec->atomic_limit_ns,
		.alloc.hist = (uintptr_t)alloc_hist,
		.free.hist = (uintptr_t)free_hist,
		.cpus = spec->cpus,
		.caches = spec->caches,
		.per_cpu = spec->cpus > 1 ? (uintptr_t)cpu_results : 0,
	};
	memset(alloc_hist, 0, KAB_HIST_BUCKETS * sizeof(*alloc_hist));
	memset(free_hist, 0, KAB_HIST_BUCKETS * sizeof(*free_hist));
}

/*
 * The histogram rows first, the cases.csv row last: a case is complete
 * exactly when its cases.csv row exists, and `collect` drops histogram rows
 * without one (a crash between the two).
 */
static int write_outcome(const struct run_context *context, size_t number,
			 uint64_t repetition, const struct sweep_case *spec,
			 const struct case_outcome *outcome)
{
	char *row;
	int result = 0;

	if (outcome->status == CASE_ok)
		result = results_write_histogram(context->sink, number,
						 repetition, "alloc",
						 outcome->alloc_hist);
	if (result == 0 && outcome->status == CASE_ok)
		result = results_write_histogram(context->sink, number,
						 repetition, "free",
						 outcome->free_hist);
	for (uint32_t i = 0; outcome->status == CASE_ok && i < spec->cpus &&
			     spec->cpus > 1 && result == 0; i++) {
		const struct kab_cpu_result *cpu = &outcome->cpu_results[i];
		char op[32];

		snprintf(op, sizeof(op), "alloc.cpu%u", cpu->cpu);
		result = results_write_histogram(context->sink, number,
						 repetition, op,
						 (const uint32_t *)(uintptr_t)cpu->alloc.hist);
		snprintf(op, sizeof(op), "free.cpu%u", cpu->cpu);
		if (result == 0)
			result = results_write_histogram(context->sink, number,
							 repetition, op,
							 (const uint32_t *)(uintptr_t)cpu->free.hist);
	}
	if (result == 0) {
		row = results_case_row(context->labels, number, repetition,
				       spec, outcome);
		result = results_write_line(context->sink, RESULTS_CASES_CSV,
					    row);
		free(row);
	}
	if (result == 0)
		result = results_sync(context->sink);
	return result;
}

static void tally(struct run_totals *totals, enum case_status status)
{
	switch (status) {
	case CASE_ok: totals->ok++; break;
	case CASE_refused: totals->refused++; break;
	case CASE_interrupted: totals->interrupted = true; break;
	default: totals->failed++; break;
	}
}

/*
 * The module ends a case with EINTR on any pending signal. A stop signal
 * (SIGINT, SIGTERM) sets run_stop_signal and the case is recorded as
 * interrupted; any other (a stop and continue, a debugger) does not, and
 * the case is run again from scratch.
 */
static int run_one(const struct run_context *context,
		   const struct sweep_case *spec, uint32_t *alloc_hist,
		   uint32_t *free_hist, struct kab_cpu_result *cpu_results,
		   struct kab_case *request, struct case_outcome *outcome)
{
	struct run_counters *counters = context->counters;
	struct perf_group *group =
		counters ? run_counters_group(counters, spec->context) : NULL;
	bool counting = false;
	int result;

	for (int attempt = 0;; attempt++) {
		fill_request(spec, alloc_hist, free_hist, cpu_results, request);
		/* Around the ioctl only, from scratch on each attempt. */
		counting = group && perf_group_reset(group) == 0 &&
			   perf_group_enable(group) == 0;
		result = context->run_case(context->device, request);
		if (group)
			counting &= perf_group_disable(group) == 0;
		if (result != -EINTR || run_stop_signal ||
		    attempt == RUN_EINTR_RETRIES)
			break;
	}
	outcome->counter_count = counters ? counters->count : 0;
	outcome->counters = counting &&
			    perf_group_read(group, counters->values) == 0 ?
				    counters->values : NULL;
	return result;
}

/*
 * Brings the fragmented state to that of @spec when it differs from the one
 * in force (*@applied, NULL when none): the old one released, the new one,
 * if its level is recorded, applied. Returns the result of the apply (0 when
 * nothing changed), which every case of the state then reports.
 */
static int switch_frag(const struct run_context *context,
		       const struct sweep_case *spec,
		       const struct sweep_case **applied, int result,
		       char reason[static KAB_REASON_LEN])
{
	const struct frag_ops *frag = context->frag;

	if (!frag || (*applied ? sweep_same_frag(*applied, spec) :
				 !spec->frag_recorded))
		return result;
	if (*applied)
		frag->release(frag->data);
	*applied = spec->frag_recorded ? spec : NULL;
	if (!*applied)
		return 0;
	reason[0] = '\0';
	return frag->apply(frag->data, spec, reason);
}

/*
 * /proc/zoneinfo around a case under memory pressure, as
 * pressure/case-N-rep-R-PHASE.zoneinfo: the module reports the summed
 * figures in the row, this the whole per-zone picture.
 */
static void snapshot_zoneinfo(const struct run_context *context,
			      const struct sweep_case *spec, size_t number,
			      uint64_t repetition, const char *phase)
{
	struct strbuf name = { 0 };
	char *text;

	if (spec->pressure == KAB_PRESSURE_none ||
	    !(text = read_file("/proc/zoneinfo", NULL)))
		return;
	sb_printf(&name, "pressure/case-%zu-rep-%llu-%s.zoneinfo", number,
		  (unsigned long long)repetition, phase);
	/* A lost snapshot costs a file, not the case. */
	if (results_write_extra(context->sink, name.text, text) < 0)
		fprintf(stderr, "kallocbench: cannot write %s: %m\n",
			name.text);
	free(text);
	sb_free(&name);
}

/* One case of the access benchmark: its access.csv row, and the progress
 * text into @what. */
static enum case_status run_access_case(const struct run_context *context,
					size_t number, uint64_t repetition,
					const struct sweep_case *spec,
					int frag_result, const char *frag_reason,
					struct access_outcome *outcome,
					bool *write_failed, struct strbuf *what)
{
	struct run_counters *counters = context->counters;
	char *row;

	outcome->counter_count = counters ? counters->count : 0;
	if (frag_result) {
		/* The level never came about: nor does the case at it. */
		memset(outcome->counted, 0, sizeof(outcome->counted));
		outcome->error = -frag_result;
		outcome->failed_phase = KAB_PHASE_alloc;
		memcpy(outcome->result.reason, frag_reason,
		       sizeof(outcome->result.reason));
	} else {
		access_run(context->run_access, context->device, spec,
			   counters ? run_counters_group(counters, spec->context) : NULL,
			   outcome);
	}
	outcome->status = run_status_of(-outcome->error);
	row = access_row(context->labels, number, repetition, spec, outcome);
	if (results_write_line(context->sink, RESULTS_ACCESS_CSV, row) < 0 ||
	    results_sync(context->sink) < 0)
		*write_failed = true;
	free(row);
	access_describe(spec, what);
	sb_append(what, ": ");
	access_print_outcome(outcome, what);
	return outcome->status;
}

/* hyperfine on the case, once for all its repetitions; the progress line
 * gets the mean and spread. */
static void run_spread(const struct run_context *context, size_t number,
		       const struct sweep_case *spec, bool *write_failed,
		       struct strbuf *what)
{
	struct spread_plan plan = *context->spread;
	struct spread_result result;

	plan.runs = spec->hyperfine_runs;
	spread_measure(&plan, context->labels, number, spec, &result);
	if (results_write_line(context->sink, RESULTS_HYPERFINE_CSV,
			       result.csv_row) < 0 ||
	    (result.json_line &&
	     results_write_line(context->sink, RESULTS_HYPERFINE_JSON,
				result.json_line) < 0) ||
	    results_sync(context->sink) < 0)
		*write_failed = true;
	if (result.ok)
		sb_printf(what, "; hyperfine, %llu runs: %.0f us +- %.0f",
			  (unsigned long long)plan.runs, result.mean_us,
			  result.stddev_us);
	else
		sb_append(what, "; hyperfine failed (see hyperfine.csv)");
	free(result.csv_row);
	free(result.json_line);
}

int run_pressure_refusal(uint32_t cap_permille, const char *meminfo,
			 char reason[static KAB_REASON_LEN])
{
	long long total = frag_meminfo_kb(meminfo, "MemTotal");
	long long free = frag_meminfo_kb(meminfo, "MemFree");

	if (total <= 0 || free < 0) {
		snprintf(reason, KAB_REASON_LEN, "pressure: /proc/meminfo has "
			 "no MemTotal or MemFree, so no cap can be kept");
		return -E2BIG;
	}
	if (free * 1000 <= total * (long long)cap_permille)
		return 0;
	snprintf(reason, KAB_REASON_LEN, "pressure would hold about %lld MiB "
		 "(MemFree), above the cap of %u/1000 of MemTotal",
		 free / 1024, cap_permille);
	return -E2BIG;
}

/* The refusal of @spec before it reaches the module: its level never came
 * about (@frag_result), or its pressure would hold more than the cap. */
static int refusal_of(const struct run_context *context,
		      const struct sweep_case *spec, int frag_result,
		      const char *frag_reason, char reason[static KAB_REASON_LEN])
{
	char *meminfo;
	int result;

	if (frag_result) {
		memcpy(reason, frag_reason, KAB_REASON_LEN);
		return frag_result;
	}
	if (spec->pressure == KAB_PRESSURE_none ||
	    !context->pressure_cap_permille)
		return 0;
	meminfo = read_file("/proc/meminfo", NULL);
	result = run_pressure_refusal(context->pressure_cap_permille, meminfo,
				      reason);
	free(meminfo);
	return result;
}

/* KAB_MAX_CPUS results and each CPU's two histograms after them all, the
 * most kab_case.per_cpu receives; the module says where each histogram is. */
static struct kab_cpu_result *cpu_results_new(void)
{
	size_t hists = 2 * (size_t)KAB_HIST_BUCKETS * sizeof(uint32_t);

	return xcalloc(KAB_MAX_CPUS, sizeof(struct kab_cpu_result) + hists);
}

void run_cases(const struct run_context *context,
	       const struct sweep_cases *cases, struct run_totals *totals)
{
	uint32_t *alloc_hist = xcalloc(KAB_HIST_BUCKETS, sizeof(*alloc_hist));
	uint32_t *free_hist = xcalloc(KAB_HIST_BUCKETS, sizeof(*free_hist));
	struct kab_cpu_result *cpu_results = cpu_results_new();
	struct sweep_count count;
	struct run_costs costs;
	size_t total, done = 0;
	size_t nr_counters = context->counters ? context->counters->count : 0;
	struct kab_case request;
	struct case_outcome outcome = {
		.result = &request, .alloc_hist = alloc_hist,
		.free_hist = free_hist, .cpu_results = cpu_results,
	};
	struct access_outcome access = { 0 };
	struct strbuf what = { 0 };
	struct timespec start, case_start;
	const struct sweep_case *applied = NULL;
	char frag_reason[KAB_REASON_LEN], refusal_reason[KAB_REASON_LEN];
	int frag_result = 0;

	for (int phase = 0; phase < KAB_NR_ACCESS_PHASES; phase++)
		access.counters[phase] = xcalloc(nr_counters ? nr_counters : 1,
						 sizeof(struct perf_value));
	*totals = (struct run_totals){ 0 };
	sweep_count(cases, &count);
	total = count.runs;
	run_costs_plan(&costs, cases);
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (size_t i = 0; i < cases->count; i++) {
		const struct sweep_case *spec = &cases->item[i];

		for (uint64_t rep = 1; rep <= spec->repetitions; rep++) {
			int result;

			if (run_stop_signal || totals->interrupted ||
			    totals->write_failed)
				goto out;
			sb_reset(&what);
			clock_gettime(CLOCK_MONOTONIC, &case_start);
			frag_result = switch_frag(context, spec, &applied,
						  frag_result, frag_reason);
			if (spec->kind == SWEEP_KIND_access) {
				kab_sim_mark(KAB_SIM_EVENT_case_begin, i + 1, rep);
				tally(totals, run_access_case(context, i + 1,
							      rep, spec, frag_result,
							      frag_reason, &access,
							      &totals->write_failed,
							      &what));
				kab_sim_mark(KAB_SIM_EVENT_case_end, 0, 0);
				if (rep == 1 && spec->hyperfine_runs &&
				    context->spread)
					run_spread(context, i + 1, spec,
						   &totals->write_failed, &what);
				print_progress(context, &costs, ++done, total,
					       spec, what.text, &start,
					       seconds_since(&case_start));
				continue;
			}
			result = refusal_of(context, spec, frag_result,
					    frag_reason, refusal_reason);
			if (result) {
				/* Refused before the module saw it. */
				fill_request(spec, alloc_hist, free_hist,
					     cpu_results, &request);
				memcpy(request.reason, refusal_reason,
				       sizeof(request.reason));
				outcome.counter_count = context->counters ?
							context->counters->count : 0;
				outcome.counters = NULL;
			} else {
				snapshot_zoneinfo(context, spec, i + 1, rep,
						  "before");
				kab_sim_mark(KAB_SIM_EVENT_case_begin, i + 1, rep);
				result = run_one(context, spec, alloc_hist,
						 free_hist, cpu_results,
						 &request, &outcome);
				kab_sim_mark(KAB_SIM_EVENT_case_end, 0, 0);
				snapshot_zoneinfo(context, spec, i + 1, rep,
						  "after");
			}
			outcome.status = run_status_of(result);
			outcome.error = -result;
			tally(totals, outcome.status);
			if (write_outcome(context, i + 1, rep, spec, &outcome) < 0)
				totals->write_failed = true;
			describe_case(spec, &what);
			sb_append(&what, ": ");
			print_outcome(&outcome, &what);
			print_progress(context, &costs, ++done, total, spec,
				       what.text, &start,
				       seconds_since(&case_start));
		}
	}
out:
	if (applied)
		context->frag->release(context->frag->data);
	totals->interrupted |= run_stop_signal != 0;
	run_costs_free(&costs);
	for (int phase = 0; phase < KAB_NR_ACCESS_PHASES; phase++)
		free(access.counters[phase]);
	sb_free(&what);
	free(alloc_hist);
	free(free_hist);
	free(cpu_results);
}

static void on_stop_signal(int signo)
{
	run_stop_signal = signo;
}

/*
 * Without SA_RESTART, so that the ioctl in flight returns EINTR: the module
 * ends a case on any pending signal. The case in flight then gets an
 * interrupted row, results are synced and the run exits 128+N.
 */
static void catch_stop_signals(void)
{
	struct sigaction action = { .sa_handler = on_stop_signal };

	sigemptyset(&action.sa_mask);
	sigaction(SIGINT, &action, NULL);
	sigaction(SIGTERM, &action, NULL);
}

static int device_run_case_fn(void *device, struct kab_case *request)
{
	return device_run_case(*(int *)device, request);
}


struct run_options {
	const char *sweep_path;
	const char *out_dir;
	const char *stream_path;
	const char *device_path;
	struct run_labels labels;
	/* --memory-cap-permille; 0: the sweep's frag cap, pressure uncapped */
	uint32_t memory_cap_permille;
};

static bool label_ok(const char *option, const char *label)
{
	if (*label && label[strspn(label, LABEL_CHARS)] == '\0')
		return true;
	fprintf(stderr, "kallocbench: %s must be one or more of "
		LABEL_CHARS_TEXT "\n", option);
	return false;
}

/* The usage text and its error name the maximum. */
_Static_assert(KAB_FRAG_CAP_MAX_PERMILLE == 500, "run_usage says 1-500");

static bool parse_memory_cap(const char *text, uint32_t *permille)
{
	char *end;
	unsigned long value;

	errno = 0;
	value = strtoul(text, &end, 10);
	if (errno || end == text || *end || *text == '-' || value < 1 ||
	    value > KAB_FRAG_CAP_MAX_PERMILLE)
		return false;
	*permille = (uint32_t)value;
	return true;
}

static int parse_run_options(int argc, char **argv, struct run_options *options)
{
	static const struct option long_options[] = {
		{ "sweep", required_argument, NULL, 's' },
		{ "out", required_argument, NULL, 'o' },
		{ "stream", required_argument, NULL, 't' },
		{ "mode", required_argument, NULL, 'm' },
		{ "config", required_argument, NULL, 'c' },
		{ "device", required_argument, NULL, 'd' },
		{ "memory-cap-permille", required_argument, NULL, 'M' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int option;

	optind = 0;
	*options = (struct run_options){
		.device_path = KAB_DEVICE_PATH,
		.labels = { .config = "default", .mode = "host" },
	};
	while ((option = getopt_long(argc, argv, "h", long_options, NULL)) != -1) {
		switch (option) {
		case 's': options->sweep_path = optarg; break;
		case 'o': options->out_dir = optarg; break;
		case 't': options->stream_path = optarg; break;
		case 'm': options->labels.mode = optarg; break;
		case 'c': options->labels.config = optarg; break;
		case 'd': options->device_path = optarg; break;
		case 'M':
			if (!parse_memory_cap(optarg,
					      &options->memory_cap_permille))
				return cli_usage_error(run_usage,
					"--memory-cap-permille takes 1 to 500");
			break;
		case 'h': return cli_help(run_usage);
		default: return cli_usage_error(run_usage, NULL);
		}
	}
	if (optind != argc)
		return cli_usage_error(run_usage, "unexpected argument");
	if (!options->sweep_path)
		return cli_usage_error(run_usage, "--sweep is required");
	if (!options->out_dir && !options->stream_path)
		return cli_usage_error(run_usage, "give --out, --stream or both");
	if (kab_name_index(run_modes, ARRAY_SIZE(run_modes),
			   options->labels.mode) < 0)
		return cli_usage_error(run_usage, "unknown --mode");
	if (!label_ok("--config", options->labels.config))
		return CLI_USAGE;
	if (options->out_dir && results_dir_has_run(options->out_dir)) {
		fprintf(stderr, "kallocbench: %s already holds a run's cases.csv; "
			"choose a new --out directory\n", options->out_dir);
		return CLI_USAGE;
	}
	return CLI_CONTINUE;
}

static int start_results(struct results_sink *sink,
			 const struct run_options *options,
			 const struct guest_facts *facts,
			 const struct kab_info *info, const struct sweep *sweep,
			 const struct run_counters *counters)
{
	json_t *guest = guest_json_build(facts, info, &options->labels, sweep,
					 runner_version);
	char *header = results_cases_header_events(counters->names,
						   counters->count);
	char *access = access_header(counters->names, counters->count);
	int result;

	if (guest)
		json_object_set_new(guest, "counters",
				    run_counters_json(counters));

	if (results_open(sink, options->out_dir, options->stream_path) < 0) {
		json_decref(guest);
		free(header);
		free(access);
		return -1;
	}
	result = guest ? results_write_guest(sink, guest) : -1;
	json_decref(guest);
	if (result == 0)
		result = results_write_line(sink, RESULTS_CASES_CSV, header);
	free(header);
	if (result == 0)
		result = results_write_line(sink, RESULTS_HISTOGRAMS_CSV,
					    COLUMNS_HEADER(HISTOGRAMS_COLUMN_LIST));
	if (result == 0)
		result = results_write_line(sink, RESULTS_ACCESS_CSV, access);
	free(access);
	if (result == 0)
		result = results_write_line(sink, RESULTS_HYPERFINE_CSV,
					    spread_header());
	if (result == 0)
		result = results_sync(sink);
	if (result < 0) {
		fprintf(stderr, "kallocbench: cannot write results: %m\n");
		results_close(sink);
	}
	return result;
}

/*
 * Pins the runner to the CPU it runs on, so that every case, the work it
 * hands to softirq and hardirq context included, runs on one CPU; the CPU,
 * or -1 when pinning failed (the run goes on, unpinned, and says so).
 */
static int pin_to_current_cpu(void)
{
	int cpu = sched_getcpu();
	cpu_set_t set;

	if (cpu >= 0) {
		CPU_ZERO(&set);
		CPU_SET(cpu, &set);
		if (sched_setaffinity(0, sizeof(set), &set) == 0)
			return cpu;
	}
	fprintf(stderr, "kallocbench: cannot pin to one CPU: %m\n");
	return -1;
}

static int exit_status(const struct run_totals *totals)
{
	if (totals->interrupted)
		return 128 + (run_stop_signal ? run_stop_signal : SIGINT);
	return totals->failed || totals->write_failed ? 1 : 0;
}

uint32_t run_frag_cap(uint32_t sweep_cap, uint32_t memory_cap)
{
	uint32_t cap = sweep_cap ? sweep_cap : KAB_FRAG_CAP_DEFAULT_PERMILLE;

	return memory_cap && memory_cap < cap ? memory_cap : cap;
}

static int run_with_device(int fd, const struct run_options *options,
			   const struct kab_info *info,
			   const struct sweep *sweep,
			   const struct sweep_cases *cases)
{
	struct guest_facts facts;
	struct results_sink sink;
	struct run_labels labels = options->labels;
	struct run_context context = {
		.sink = &sink, .labels = &labels,
		.run_case = device_run_case_fn,
		.run_access = device_access_fn, .device = &fd,
		.progress = stderr, .sweep = sweep,
		.pressure_cap_permille = options->memory_cap_permille,
	};
	struct run_counters counters;
	struct run_totals totals;
	uint32_t sweep_cap = (uint32_t)sweep_setting(sweep, &sweep->header,
						     SWEEP_KEY_frag_cap_permille,
						     NULL);
	struct frag_recorder recorder = {
		.fd = fd, .sink = &sink,
		.cap_permille = run_frag_cap(sweep_cap,
					     options->memory_cap_permille),
	};
	struct frag_ops frag;

	frag_recorder_ops(&recorder, &frag);
	context.frag = &frag;
	char self[4096];
	ssize_t len = readlink("/proc/self/exe", self, sizeof(self) - 1);
	/* hyperfine runs this very binary, by its path */
	struct spread_plan spread = {
		.hyperfine = "hyperfine", .runner = self,
		.device = options->device_path, .warmup = SPREAD_WARMUP,
	};

	self[len > 0 ? len : 0] = '\0';
	if (len > 0)
		context.spread = &spread;
	guest_facts_read(&facts);
	facts.pinned_cpu = pin_to_current_cpu();
	labels.kernel = facts.uts.release;
	run_counters_open(&counters, sweep, cases, facts.pinned_cpu);
	context.counters = &counters;
	if (start_results(&sink, options, &facts, info, sweep, &counters) < 0) {
		run_counters_close(&counters);
		guest_facts_free(&facts);
		return 1;
	}
	catch_stop_signals();
	run_cases(&context, cases, &totals);
	results_close(&sink);
	run_counters_close(&counters);
	guest_facts_free(&facts);
	fprintf(stderr, "kallocbench: %zu ran, %zu refused, %zu failed%s%s\n",
		totals.ok, totals.refused, totals.failed,
		totals.interrupted ? ", interrupted" : "",
		totals.write_failed ? ", writing results failed" : "");
	return exit_status(&totals);
}

int cmd_run(int argc, char **argv)
{
	struct run_options options;
	struct sweep_cases cases = { 0 };
	struct sweep_error err;
	struct sweep sweep;
	struct kab_info info;
	int status = parse_run_options(argc, argv, &options);
	int fd;

	if (status != CLI_CONTINUE)
		return status;
	if (sweep_parse_file(options.sweep_path, &sweep, &err) < 0) {
		status = cli_sweep_error(&sweep, &err);
		sweep_free(&sweep);
		return status;
	}
	fd = device_open_info(options.device_path, &info);
	if (fd < 0)
		status = 1;
	else if (sweep_expand(&sweep, &info, &cases, &err) < 0)
		status = cli_sweep_error(&sweep, &err);
	else
		status = run_with_device(fd, &options, &info, &sweep, &cases);
	if (fd >= 0)
		close(fd);
	sweep_cases_free(&cases);
	sweep_free(&sweep);
	return status;
}
