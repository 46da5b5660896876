/*
 * libkabtlb.so: the QEMU TCG plugin around the simulated MMU. It feeds
 * every guest data access to the model of one CPU's TLBs (tlbsim/model),
 * follows the guest's CR3 and CR4 writes, INVLPG and INVPCID, counts the
 * iterations of rep-prefixed string instructions, and writes one row of
 * counts for every phase the guest marks (bench-mod/uapi/kallocbench_sim.h).
 *
 *   -plugin build/tlbsim/libkabtlb.so,model=NAME[:NAME...],out=SIM.CSV,info=SIM.JSON
 *
 * Several models watch the same accesses side by side (one row each per
 * phase): the callbacks, not the TLB lookups, are what costs.
 *
 * The guest's page tables are read through its direct map, whose start
 * the module's hello marker gives: in kernel mode it maps all of memory.
 */
#include <glib.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <qemu-plugin.h>

#include "../model/mmu.h"
#include "../x86/decode.h"
#include "kallocbench_sim.h"

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

/*
 * The columns of sim.csv after case, repetition, phase and model: X(name, what)
 * with @what an expression over a struct phase_counts *d. Every name says
 * it is simulated, so that none is mistaken for a hardware counter.
 */
#define SIM_COLUMN_LIST(X)						\
	X(sim_loads, d->mmu.loads)					\
	X(sim_stores, d->mmu.stores)					\
	X(sim_dtlb_load_misses, d->mmu.l1_load_misses)			\
	X(sim_dtlb_store_misses, d->mmu.l1_store_misses)		\
	X(sim_walks, d->mmu.l2_misses)					\
	X(sim_walk_refs, d->mmu.walk_refs)				\
	X(sim_walks_4k, d->mmu.walks_by_size[SIM_PAGE_4K])		\
	X(sim_walks_2m, d->mmu.walks_by_size[SIM_PAGE_2M])		\
	X(sim_walks_1g, d->mmu.walks_by_size[SIM_PAGE_1G])		\
	X(sim_walk_faults, d->mmu.walk_faults)				\
	X(sim_invlpg, d->mmu.invlpg)					\
	X(sim_invpcid, d->mmu.invpcid)					\
	X(sim_cr3_flushes, d->mmu.cr3_flushes)				\
	X(sim_cr3_noflush, d->mmu.cr3_noflush)				\
	X(sim_full_flushes, d->mmu.full_flushes)			\
	X(sim_rep_iterations, d->rep_units / 2)				\
	X(sim_instructions, d->instructions)

static const char *const phase_names[KAB_SIM_NR_PHASES] = {
#define PHASE_NAME(name) #name,
	KAB_SIM_PHASE_LIST(PHASE_NAME)
#undef PHASE_NAME
};

struct phase_counts {
	struct sim_counts mmu;
	/* two per rep-string iteration (a cmps iteration loads twice) */
	uint64_t rep_units;
	uint64_t instructions;
};

#define MAX_MODELS	KAB_SIM_MAX_MODELS

struct vcpu_state {
	struct sim_mmu *mmu[MAX_MODELS];
	bool live;		/* the hello marker ran here */
	struct phase_counts total[MAX_MODELS];
	struct phase_counts at_phase_begin[MAX_MODELS];
	bool in_case;
	uint64_t case_number, repetition;
	int phase;		/* -1 outside a phase */
	struct qemu_plugin_register *gpr[X86_NR_GPRS];
	struct qemu_plugin_register *cr3, *cr4;
	GByteArray *buf;
	/* CR3 as the model had it differed from the register at a marker */
	uint64_t cr3_resyncs;
};

static const struct sim_cpu_model *models[MAX_MODELS];
static unsigned nr_models;
static uint64_t page_offset;
static struct vcpu_state *vcpus;
static unsigned nr_vcpus;
static struct qemu_plugin_scoreboard *insn_board;
static qemu_plugin_u64 insns;
static FILE *out;
static GMutex out_lock;
static char *info_path;

static struct vcpu_state *vcpu(unsigned index)
{
	return index < nr_vcpus ? &vcpus[index] : NULL;
}

static uint64_t read_reg(struct vcpu_state *v, struct qemu_plugin_register *reg)
{
	uint64_t value = 0;
	int size;

	if (!reg)
		return 0;
	g_byte_array_set_size(v->buf, 0);
	size = qemu_plugin_read_register(reg, v->buf);
	if (size > 0)
		memcpy(&value, v->buf->data, MIN((size_t)size, sizeof(value)));
	return GUINT64_FROM_LE(value);
}

/* Page-table entries through the direct map: physical P is PAGE_OFFSET + P. */
static bool read_phys(void *ctx, uint64_t phys, uint64_t *entry)
{
	struct vcpu_state *v = ctx;

	g_byte_array_set_size(v->buf, 0);
	if (!qemu_plugin_read_memory_vaddr(page_offset + phys, v->buf, 8))
		return false;
	memcpy(entry, v->buf->data, sizeof(*entry));
	*entry = GUINT64_FROM_LE(*entry);
	return true;
}

static void snapshot(unsigned index, struct vcpu_state *v, struct phase_counts *p)
{
	for (unsigned m = 0; m < nr_models; m++) {
		p[m] = v->total[m];
		p[m].instructions = qemu_plugin_u64_get(insns, index);
	}
}

/* Every field is a counter that only grows: subtract field by field. */
_Static_assert(sizeof(struct phase_counts) % sizeof(uint64_t) == 0,
	       "struct phase_counts holds only uint64_t counters");
static void subtract(struct phase_counts *delta, const struct phase_counts *base)
{
	uint64_t *dst = (uint64_t *)delta;
	const uint64_t *from = (const uint64_t *)base;

	for (size_t i = 0; i < sizeof(*delta) / sizeof(uint64_t); i++)
		dst[i] -= from[i];
}

static void write_rows(struct vcpu_state *v, const struct phase_counts *now)
{
	g_mutex_lock(&out_lock);
	for (unsigned m = 0; m < nr_models; m++) {
		struct phase_counts delta = now[m], *d = &delta;

		subtract(d, &v->at_phase_begin[m]);
		fprintf(out, "%" PRIu64 ",%" PRIu64 ",%s,%s", v->case_number,
			v->repetition, phase_names[v->phase], models[m]->name);
#define PRINT_COLUMN(name, what) fprintf(out, ",%" PRIu64, (uint64_t)(what));
		SIM_COLUMN_LIST(PRINT_COLUMN)
#undef PRINT_COLUMN
		fputc('\n', out);
	}
	/* A guest that dies mid-sweep keeps every finished phase's rows. */
	fflush(out);
	g_mutex_unlock(&out_lock);
}

/* Each model's MMU sees what the CPU does. */
#define FOR_EACH_MODEL(m) for (unsigned m = 0; m < nr_models; m++)

static void hello(struct vcpu_state *v, uint64_t offset)
{
	uint64_t cr3 = read_reg(v, v->cr3), cr4 = read_reg(v, v->cr4);

	page_offset = offset;
	FOR_EACH_MODEL(m) {
		sim_mmu_set_cr4(v->mmu[m], cr4, NULL);
		sim_mmu_set_cr3(v->mmu[m], cr3, NULL);
	}
	v->live = true;
	v->phase = -1;
}

static void on_marker(unsigned index, void *udata)
{
	struct vcpu_state *v = vcpu(index);
	uint64_t event, arg0, arg1, cr3;
	struct phase_counts now[MAX_MODELS];

	(void)udata;
	if (!v)
		return;
	event = read_reg(v, v->gpr[0]);
	arg0 = read_reg(v, v->gpr[2]);
	arg1 = read_reg(v, v->gpr[1]);
	if (event == KAB_SIM_EVENT_hello) {
		if (arg1 == KAB_SIM_VERSION)
			hello(v, arg0);
		return;
	}
	if (!v->live)
		return;
	/* A CR3 write the decoder missed would show here. */
	cr3 = read_reg(v, v->cr3);
	if (cr3 != sim_mmu_cr3(v->mmu[0])) {
		v->cr3_resyncs++;
		FOR_EACH_MODEL(m)
			sim_mmu_set_cr3(v->mmu[m], cr3 | SIM_CR3_NOFLUSH, NULL);
	}
	switch (event) {
	case KAB_SIM_EVENT_case_begin:
		v->in_case = true;
		v->case_number = arg0;
		v->repetition = arg1;
		break;
	case KAB_SIM_EVENT_case_end:
		v->in_case = false;
		v->phase = -1;
		break;
	case KAB_SIM_EVENT_phase_begin:
		if (arg0 < KAB_SIM_NR_PHASES) {
			v->phase = (int)arg0;
			snapshot(index, v, v->at_phase_begin);
		}
		break;
	case KAB_SIM_EVENT_phase_end:
		if (v->in_case && v->phase >= 0 && (uint64_t)v->phase == arg0) {
			snapshot(index, v, now);
			write_rows(v, now);
		}
		v->phase = -1;
		break;
	default:
		break;
	}
}

/* Instructions that change translations: decoded once, at translation. */
struct special {
	struct x86_insn insn;
	uint64_t pc;
};

static void read_gprs(struct vcpu_state *v, const struct x86_insn *insn,
		      uint64_t gprs[X86_NR_GPRS])
{
	for (int reg = 0; reg < X86_NR_GPRS; reg++)
		gprs[reg] = x86_mem_uses(&insn->mem, reg) ?
			read_reg(v, v->gpr[reg]) : 0;
}

static void on_special(unsigned index, void *udata)
{
	const struct special *s = udata;
	const struct x86_insn *insn = &s->insn;
	struct vcpu_state *v = vcpu(index);
	uint64_t gprs[X86_NR_GPRS], value, address, desc[2];

	if (!v || !v->live)
		return;
	switch (insn->kind) {
	case X86_MOV_TO_CR3:
		value = read_reg(v, v->gpr[insn->reg]);
		FOR_EACH_MODEL(m)
			sim_mmu_set_cr3(v->mmu[m], value, &v->total[m].mmu);
		break;
	case X86_MOV_TO_CR4:
		value = read_reg(v, v->gpr[insn->reg]);
		FOR_EACH_MODEL(m)
			sim_mmu_set_cr4(v->mmu[m], value, &v->total[m].mmu);
		break;
	case X86_INVLPG:
		read_gprs(v, insn, gprs);
		address = x86_effective_address(&insn->mem, gprs, s->pc, insn->length);
		FOR_EACH_MODEL(m)
			sim_mmu_invlpg(v->mmu[m], address, &v->total[m].mmu);
		break;
	case X86_INVPCID:
		read_gprs(v, insn, gprs);
		address = x86_effective_address(&insn->mem, gprs, s->pc, insn->length);
		g_byte_array_set_size(v->buf, 0);
		if (!qemu_plugin_read_memory_vaddr(address, v->buf, sizeof(desc)))
			break;
		memcpy(desc, v->buf->data, sizeof(desc));
		value = read_reg(v, v->gpr[insn->reg]);
		FOR_EACH_MODEL(m)
			sim_mmu_invpcid(v->mmu[m], (unsigned)value,
					GUINT64_FROM_LE(desc[0]) & 0xfff,
					GUINT64_FROM_LE(desc[1]), &v->total[m].mmu);
		break;
	default:
		break;
	}
}

static void on_access(unsigned index, qemu_plugin_meminfo_t info,
		      uint64_t vaddr, void *udata)
{
	struct vcpu_state *v = vcpu(index);

	(void)udata;
	bool store = qemu_plugin_mem_is_store(info);

	if (!v || !v->live)
		return;
	FOR_EACH_MODEL(m)
		sim_mmu_access(v->mmu[m], vaddr, store, &v->total[m].mmu);
}

/*
 * A rep-string instruction's accesses: icount charges each iteration as
 * an instruction, so count them. @udata packs the loads and stores of one
 * iteration.
 */
static void on_rep_access(unsigned index, qemu_plugin_meminfo_t info,
			  uint64_t vaddr, void *udata)
{
	struct vcpu_state *v = vcpu(index);
	uintptr_t per_iteration = (uintptr_t)udata;
	unsigned loads = per_iteration >> 4, stores = per_iteration & 15;
	bool store = qemu_plugin_mem_is_store(info);

	if (!v || !v->live)
		return;
	FOR_EACH_MODEL(m) {
		sim_mmu_access(v->mmu[m], vaddr, store, &v->total[m].mmu);
		if (stores)
			v->total[m].rep_units += store ? 2 : 0;
		else if (!store)
			v->total[m].rep_units += 2 / loads;
	}
}

static void on_translate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	size_t n = qemu_plugin_tb_n_insns(tb);
	uint8_t bytes[16];

	(void)id;
	qemu_plugin_register_vcpu_tb_exec_inline_per_vcpu(
		tb, QEMU_PLUGIN_INLINE_ADD_U64, insns, n);
	for (size_t i = 0; i < n; i++) {
		struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
		size_t len = qemu_plugin_insn_data(insn, bytes, sizeof(bytes));
		struct special *s;
		struct x86_insn decoded;

		x86_decode(bytes, len, &decoded);
		switch (decoded.kind) {
		case X86_OTHER:
			qemu_plugin_register_vcpu_mem_cb(insn, on_access,
				QEMU_PLUGIN_CB_NO_REGS, QEMU_PLUGIN_MEM_RW, NULL);
			break;
		case X86_REP_STRING:
			qemu_plugin_register_vcpu_mem_cb(insn, on_rep_access,
				QEMU_PLUGIN_CB_NO_REGS, QEMU_PLUGIN_MEM_RW,
				(void *)(uintptr_t)(decoded.rep_loads << 4 |
						    decoded.rep_stores));
			break;
		case X86_MARKER:
			qemu_plugin_register_vcpu_insn_exec_cb(insn, on_marker,
				QEMU_PLUGIN_CB_R_REGS, NULL);
			break;
		default:
			/*
			 * Kept for the life of QEMU: a translation may run
			 * any number of times, and these instructions are few.
			 */
			s = g_new(struct special, 1);
			s->insn = decoded;
			s->pc = qemu_plugin_insn_vaddr(insn);
			qemu_plugin_register_vcpu_insn_exec_cb(insn, on_special,
				QEMU_PLUGIN_CB_R_REGS, s);
			/* INVPCID reads its descriptor from memory. */
			qemu_plugin_register_vcpu_mem_cb(insn, on_access,
				QEMU_PLUGIN_CB_NO_REGS, QEMU_PLUGIN_MEM_RW, NULL);
			break;
		}
	}
}

static void on_vcpu_init(qemu_plugin_id_t id, unsigned index)
{
	struct vcpu_state *v = vcpu(index);
	GArray *regs = qemu_plugin_get_registers();

	(void)id;
	if (!v)
		return;
	for (guint i = 0; i < regs->len; i++) {
		qemu_plugin_reg_descriptor *r =
			&g_array_index(regs, qemu_plugin_reg_descriptor, i);

		for (int reg = 0; reg < X86_NR_GPRS; reg++)
			if (strcmp(r->name, x86_gpr_names[reg]) == 0)
				v->gpr[reg] = r->handle;
		if (strcmp(r->name, "cr3") == 0)
			v->cr3 = r->handle;
		else if (strcmp(r->name, "cr4") == 0)
			v->cr4 = r->handle;
	}
	g_array_free(regs, TRUE);
	v->buf = g_byte_array_new();
	FOR_EACH_MODEL(m) {
		v->mmu[m] = sim_mmu_new(models[m]);
		sim_mmu_set_reader(v->mmu[m], read_phys, v);
	}
	v->phase = -1;
	if (!v->cr3 || !v->cr4 || !v->gpr[0])
		fprintf(stderr, "tlbsim: vCPU %u has no cr3/cr4/rax registers\n",
			index);
}

/* @text as a JSON string: the model table's ASCII, escaped like C. */
static void write_json_string(FILE *f, const char *text)
{
	char *escaped = g_strescape(text, NULL);

	fprintf(f, "\"%s\"", escaped);
	g_free(escaped);
}

static void write_arrays_json(FILE *f, const char *level,
			      const struct sim_tlb_array *arrays, unsigned count)
{
	fprintf(f, ",\"%s\":[", level);
	for (unsigned i = 0; i < count; i++) {
		const struct sim_tlb_array *a = &arrays[i];
		bool first = true;

		fprintf(f, "%s{\"name\":", i ? "," : "");
		write_json_string(f, a->name);
		fprintf(f, ",\"entries\":%u,\"ways\":%u,\"sizes\":[",
			a->entries, a->ways);
		for (int size = 0; size < SIM_NR_PAGE_SIZES; size++)
			if (a->sizes & (1u << size)) {
				fprintf(f, "%s\"%s\"", first ? "" : ",",
					sim_page_size_names[size]);
				first = false;
			}
		fprintf(f, "]}");
	}
	fprintf(f, "]");
}

static void write_model_json(FILE *f, const struct sim_cpu_model *model)
{
	fprintf(f, "{\"name\":");
	write_json_string(f, model->name);
	fprintf(f, ",\"cpu\":");
	write_json_string(f, model->cpu);
	fprintf(f, ",\"source\":");
	write_json_string(f, model->source);
	write_arrays_json(f, "l1", model->l1, model->nr_l1);
	write_arrays_json(f, "l2", model->l2, model->nr_l2);
	fprintf(f, ",\"walk_penalty_cycles\":%u,\"walk_penalty_source\":",
		model->walk_penalty_cycles);
	write_json_string(f, model->walk_penalty_source);
	fprintf(f, ",\"not_modelled\":");
	write_json_string(f, model->not_modelled);
	fprintf(f, ",\"replacement\":\"LRU\",\"paging_structure_caches\":false}");
}

/*
 * SIM.JSON, for meta.json: the models and their parameters, and at exit
 * the plugin's own health (CR3 values it had to correct at a marker, where
 * the direct map was).
 */
static void write_info(bool at_exit)
{
	FILE *f = fopen(info_path, "w");
	uint64_t resyncs = 0;

	if (!f) {
		perror(info_path);
		return;
	}
	fprintf(f, "{\"models\":[");
	for (unsigned m = 0; m < nr_models; m++) {
		fprintf(f, "%s", m ? "," : "");
		write_model_json(f, models[m]);
	}
	fprintf(f, "]");
	for (unsigned i = 0; i < nr_vcpus; i++)
		resyncs += vcpus[i].cr3_resyncs;
	if (at_exit)
		fprintf(f, ",\"cr3_resyncs\":%" PRIu64 ",\"direct_map\":\"0x%" PRIx64 "\"",
			resyncs, page_offset);
	fprintf(f, ",\"finished\":%s}\n", at_exit ? "true" : "false");
	fclose(f);
}

static void on_exit_cb(qemu_plugin_id_t id, void *p)
{
	(void)id;
	(void)p;
	write_info(true);
	fclose(out);
}

/* NAME[:NAME...] into models[]. */
static int parse_models(const char *names)
{
	gchar **list = g_strsplit(names, ":", -1);
	int result = 0;

	for (gchar **name = list; *name && result == 0; name++) {
		const struct sim_cpu_model *model = sim_cpu_model_find(*name);

		if (!model) {
			fprintf(stderr, "tlbsim: unknown model '%s'\n", *name);
			result = -1;
		} else if (nr_models == MAX_MODELS) {
			fprintf(stderr, "tlbsim: at most %d models\n", MAX_MODELS);
			result = -1;
		} else {
			models[nr_models++] = model;
		}
	}
	g_strfreev(list);
	if (result == 0 && nr_models == 0) {
		fprintf(stderr, "tlbsim: model= names no model\n");
		result = -1;
	}
	return result;
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id,
					   const qemu_info_t *info,
					   int argc, char **argv)
{
	const char *model_name = NULL, *out_path = NULL;

	for (int i = 0; i < argc; i++) {
		if (g_str_has_prefix(argv[i], "model="))
			model_name = argv[i] + 6;
		else if (g_str_has_prefix(argv[i], "out="))
			out_path = argv[i] + 4;
		else if (g_str_has_prefix(argv[i], "info="))
			info_path = g_strdup(argv[i] + 5);
		else {
			fprintf(stderr, "tlbsim: unknown argument '%s' (model=, out=, info=)\n",
				argv[i]);
			return -1;
		}
	}
	if (!model_name || !out_path || !info_path) {
		fprintf(stderr, "tlbsim: needs model=NAME,out=FILE,info=FILE\n");
		return -1;
	}
	if (parse_models(model_name) < 0)
		return -1;
	if (!info->system_emulation || strcmp(info->target_name, "x86_64") != 0) {
		fprintf(stderr, "tlbsim: needs qemu-system-x86_64, not %s\n",
			info->target_name);
		return -1;
	}
	out = fopen(out_path, "w");
	if (!out) {
		perror(out_path);
		return -1;
	}
	fprintf(out, "case,repetition,phase,model");
#define PRINT_NAME(name, what) fprintf(out, ",%s", #name);
	SIM_COLUMN_LIST(PRINT_NAME)
#undef PRINT_NAME
	fputc('\n', out);
	fflush(out);
	nr_vcpus = (unsigned)info->system.max_vcpus;
	vcpus = g_new0(struct vcpu_state, nr_vcpus);
	insn_board = qemu_plugin_scoreboard_new(sizeof(uint64_t));
	insns = qemu_plugin_scoreboard_u64(insn_board);
	write_info(false);
	qemu_plugin_register_vcpu_init_cb(id, on_vcpu_init);
	qemu_plugin_register_vcpu_tb_trans_cb(id, on_translate);
	qemu_plugin_register_atexit_cb(id, on_exit_cb, NULL);
	return 0;
}
