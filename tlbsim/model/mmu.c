/*
 * The TLB arrays. Each entry's key is its virtual page number and page
 * size, so that one comparison checks both; an access computes the key for
 * every size once and each entry compares against the key of its own
 * size. Sets are flat runs of ways in one allocation; replacement is true
 * LRU by a stamp from a clock that ticks on every hit and fill.
 */
#include "mmu.h"

#include <stdlib.h>

#define KEY_INVALID UINT64_MAX
#define CR3_ROOT_MASK 0x000ffffffffff000ull

struct tlb_entry {
	uint64_t key;   /* page_key(), KEY_INVALID when empty */
	uint64_t stamp; /* clock at the last hit or fill */
	uint16_t pcid;
	uint8_t size;   /* enum sim_page_size; 0 when empty */
	bool global;
};

struct tlb {
	struct tlb_entry *entries; /* sets * ways, set by set */
	unsigned nr_entries;
	unsigned ways;
	uint64_t set_mask;
	unsigned nr_sizes;
	enum sim_page_size sizes[SIM_NR_PAGE_SIZES]; /* held, smallest first */
};

struct sim_mmu {
	struct tlb l1[SIM_MAX_ARRAYS], l2[SIM_MAX_ARRAYS];
	unsigned nr_l1, nr_l2;
	/* The first array of each level that holds a size; NULL if none. */
	struct tlb *l1_fill[SIM_NR_PAGE_SIZES], *l2_fill[SIM_NR_PAGE_SIZES];
	uint64_t clock;
	/*
	 * The L1 entry stamped last, for an access to the same page as the
	 * one before: it would hit again and its stamp would keep it most
	 * recent, so skipping the lookup changes nothing. An invalidated or
	 * replaced entry no longer has the page's key; a change of the
	 * current PCID clears it.
	 */
	struct tlb_entry *last;
	uint64_t cr3, cr4;
	uint16_t pcid; /* current: cr3 bits 11:0 with PCIDE, else 0 */
	unsigned levels;
	sim_read_phys_fn read;
	void *read_ctx;
	struct tlb_entry *storage;
};

static uint64_t page_key(uint64_t va, enum sim_page_size size)
{
	return (va >> sim_page_shift(size)) << 2 | size;
}

static struct tlb_entry *set_of(const struct tlb *t, uint64_t va,
				enum sim_page_size size)
{
	uint64_t set = (va >> sim_page_shift(size)) & t->set_mask;

	return t->entries + set * t->ways;
}

static bool entry_matches(const struct tlb_entry *e, const uint64_t *keys,
			  uint16_t pcid)
{
	return e->key == keys[e->size] && (e->global || e->pcid == pcid);
}

static struct tlb_entry *tlb_lookup(const struct tlb *t, uint64_t va,
				    const uint64_t *keys, uint16_t pcid)
{
	const struct tlb_entry *scanned = NULL;

	for (unsigned s = 0; s < t->nr_sizes; s++) {
		struct tlb_entry *set = set_of(t, va, t->sizes[s]);

		/* A fully associative array has one set for all sizes. */
		if (set == scanned)
			continue;
		scanned = set;
		for (unsigned w = 0; w < t->ways; w++)
			if (entry_matches(&set[w], keys, pcid))
				return &set[w];
	}
	return NULL;
}

/* Replaces an empty way of @va's set, else the least recently used one. */
static struct tlb_entry *tlb_fill(struct sim_mmu *mmu, struct tlb *t,
				  uint64_t va, enum sim_page_size size,
				  uint16_t pcid, bool global)
{
	struct tlb_entry *set = set_of(t, va, size), *victim = set;

	for (unsigned w = 0; w < t->ways && victim->key != KEY_INVALID; w++)
		if (set[w].key == KEY_INVALID || set[w].stamp < victim->stamp)
			victim = &set[w];
	*victim = (struct tlb_entry){
		.key = page_key(va, size),
		.stamp = ++mmu->clock,
		.pcid = pcid,
		.size = (uint8_t)size,
		.global = global,
	};
	return victim;
}

static void invalidate(struct tlb_entry *e)
{
	*e = (struct tlb_entry){ .key = KEY_INVALID };
}

/* What a flush spares: global entries, other PCIDs, or (with ALL) nothing. */
enum keep {
	KEEP_GLOBAL = 1,
	KEEP_OTHER_PCIDS = 2,
};

static bool flushed(const struct tlb_entry *e, unsigned keep, uint16_t pcid)
{
	if ((keep & KEEP_GLOBAL) && e->global)
		return false;
	if ((keep & KEEP_OTHER_PCIDS) && !e->global && e->pcid != pcid)
		return false;
	return e->key != KEY_INVALID;
}

static void flush_arrays(struct sim_mmu *mmu, unsigned keep, uint16_t pcid)
{
	struct tlb *levels[] = { mmu->l1, mmu->l2 };
	unsigned counts[] = { mmu->nr_l1, mmu->nr_l2 };

	for (unsigned l = 0; l < 2; l++)
		for (unsigned a = 0; a < counts[l]; a++)
			for (unsigned i = 0; i < levels[l][a].nr_entries; i++) {
				struct tlb_entry *e = &levels[l][a].entries[i];

				if (flushed(e, keep, pcid))
					invalidate(e);
			}
}

/*
 * Invalidates the entries that translate @va and belong to @pcid; global
 * ones too when @with_global.
 */
static void flush_address(struct sim_mmu *mmu, uint64_t va, uint16_t pcid,
			  bool with_global)
{
	struct tlb *levels[] = { mmu->l1, mmu->l2 };
	unsigned counts[] = { mmu->nr_l1, mmu->nr_l2 };
	uint64_t keys[SIM_NR_PAGE_SIZES];

	for (unsigned s = 0; s < SIM_NR_PAGE_SIZES; s++)
		keys[s] = page_key(va, (enum sim_page_size)s);
	for (unsigned l = 0; l < 2; l++)
		for (unsigned a = 0; a < counts[l]; a++) {
			struct tlb *t = &levels[l][a];

			for (unsigned s = 0; s < t->nr_sizes; s++) {
				struct tlb_entry *set = set_of(t, va, t->sizes[s]);

				for (unsigned w = 0; w < t->ways; w++) {
					struct tlb_entry *e = &set[w];

					if (e->key == keys[e->size] &&
					    (e->global ? with_global :
							 e->pcid == pcid))
						invalidate(e);
				}
			}
		}
}

static bool setup_tlb(struct tlb *t, const struct sim_tlb_array *array)
{
	unsigned sets;

	if (!array->ways || !array->entries || array->entries % array->ways)
		return false;
	sets = array->entries / array->ways;
	if (sets & (sets - 1))
		return false;
	if (!array->sizes || array->sizes >> SIM_NR_PAGE_SIZES)
		return false;
	t->nr_entries = array->entries;
	t->ways = array->ways;
	t->set_mask = sets - 1;
	t->nr_sizes = 0;
	for (unsigned s = 0; s < SIM_NR_PAGE_SIZES; s++)
		if (array->sizes & SIM_SIZE_BIT(s))
			t->sizes[t->nr_sizes++] = (enum sim_page_size)s;
	return true;
}

static bool setup_level(struct tlb *tlbs, struct tlb **fill,
			const struct sim_tlb_array *arrays, unsigned nr)
{
	if (nr > SIM_MAX_ARRAYS)
		return false;
	for (unsigned a = 0; a < nr; a++) {
		if (!setup_tlb(&tlbs[a], &arrays[a]))
			return false;
		for (unsigned s = 0; s < SIM_NR_PAGE_SIZES; s++)
			if (!fill[s] && (arrays[a].sizes & SIM_SIZE_BIT(s)))
				fill[s] = &tlbs[a];
	}
	return true;
}

struct sim_mmu *sim_mmu_new(const struct sim_cpu_model *model)
{
	struct sim_mmu *mmu = calloc(1, sizeof(*mmu));
	size_t total = 0;
	struct tlb_entry *next;

	if (!mmu)
		return NULL;
	if (!setup_level(mmu->l1, mmu->l1_fill, model->l1, model->nr_l1) ||
	    !setup_level(mmu->l2, mmu->l2_fill, model->l2, model->nr_l2))
		goto fail;
	mmu->nr_l1 = model->nr_l1;
	mmu->nr_l2 = model->nr_l2;
	for (unsigned a = 0; a < mmu->nr_l1; a++)
		total += mmu->l1[a].nr_entries;
	for (unsigned a = 0; a < mmu->nr_l2; a++)
		total += mmu->l2[a].nr_entries;
	mmu->storage = calloc(total ? total : 1, sizeof(*mmu->storage));
	if (!mmu->storage)
		goto fail;
	next = mmu->storage;
	for (unsigned a = 0; a < mmu->nr_l1; a++) {
		mmu->l1[a].entries = next;
		next += mmu->l1[a].nr_entries;
	}
	for (unsigned a = 0; a < mmu->nr_l2; a++) {
		mmu->l2[a].entries = next;
		next += mmu->l2[a].nr_entries;
	}
	for (size_t i = 0; i < total; i++)
		invalidate(&mmu->storage[i]);
	mmu->levels = 4;
	return mmu;
fail:
	free(mmu);
	return NULL;
}

void sim_mmu_free(struct sim_mmu *mmu)
{
	if (!mmu)
		return;
	free(mmu->storage);
	free(mmu);
}

void sim_mmu_set_reader(struct sim_mmu *mmu, sim_read_phys_fn read, void *ctx)
{
	mmu->read = read;
	mmu->read_ctx = ctx;
}

void sim_mmu_set_levels(struct sim_mmu *mmu, unsigned levels)
{
	mmu->levels = levels;
}

static uint16_t current_pcid(const struct sim_mmu *mmu)
{
	return mmu->cr4 & SIM_CR4_PCIDE ? mmu->cr3 & SIM_CR3_PCID_MASK : 0;
}

void sim_mmu_set_cr4(struct sim_mmu *mmu, uint64_t cr4, struct sim_counts *c)
{
	uint64_t changed = mmu->cr4 ^ cr4;

	mmu->cr4 = cr4;
	mmu->levels = cr4 & SIM_CR4_LA57 ? 5 : 4;
	mmu->pcid = current_pcid(mmu);
	if (changed & (SIM_CR4_PGE | SIM_CR4_PCIDE)) {
		flush_arrays(mmu, 0, 0);
		if (c)
			c->full_flushes++;
	}
	mmu->last = NULL;
}

void sim_mmu_set_cr3(struct sim_mmu *mmu, uint64_t cr3, struct sim_counts *c)
{
	bool pcide = mmu->cr4 & SIM_CR4_PCIDE;

	mmu->cr3 = cr3 & ~SIM_CR3_NOFLUSH;
	mmu->pcid = current_pcid(mmu);
	if (pcide && (cr3 & SIM_CR3_NOFLUSH)) {
		if (c)
			c->cr3_noflush++;
	} else {
		/* Without PCIDE every entry is PCID 0's, the current one. */
		flush_arrays(mmu, KEEP_GLOBAL | KEEP_OTHER_PCIDS, mmu->pcid);
		if (c)
			c->cr3_flushes++;
	}
	mmu->last = NULL;
}

uint64_t sim_mmu_cr3(const struct sim_mmu *mmu)
{
	return mmu->cr3;
}

void sim_mmu_invlpg(struct sim_mmu *mmu, uint64_t va, struct sim_counts *c)
{
	flush_address(mmu, va, mmu->pcid, true);
	if (c)
		c->invlpg++;
}

void sim_mmu_invpcid(struct sim_mmu *mmu, unsigned type, uint64_t pcid,
		     uint64_t va, struct sim_counts *c)
{
	uint16_t id = pcid & SIM_CR3_PCID_MASK;

	if (c)
		c->invpcid++;
	switch (type) {
	case SIM_INVPCID_ADDRESS:
		flush_address(mmu, va, id, false);
		break;
	case SIM_INVPCID_CONTEXT:
		flush_arrays(mmu, KEEP_GLOBAL | KEEP_OTHER_PCIDS, id);
		break;
	case SIM_INVPCID_ALL:
		flush_arrays(mmu, 0, 0);
		if (c)
			c->full_flushes++;
		break;
	case SIM_INVPCID_ALL_NON_GLOBAL:
		flush_arrays(mmu, KEEP_GLOBAL, 0);
		break;
	}
}

void sim_mmu_flush_all(struct sim_mmu *mmu, bool include_global,
		       struct sim_counts *c)
{
	flush_arrays(mmu, include_global ? 0 : KEEP_GLOBAL, 0);
	if (c && include_global)
		c->full_flushes++;
}

/* Looks @va up in each array of a level in turn; the first hit wins. */
static struct tlb_entry *level_lookup(struct tlb *tlbs, unsigned nr,
				      uint64_t va, const uint64_t *keys,
				      uint16_t pcid)
{
	for (unsigned a = 0; a < nr; a++) {
		struct tlb_entry *e = tlb_lookup(&tlbs[a], va, keys, pcid);

		if (e)
			return e;
	}
	return NULL;
}

void sim_mmu_access(struct sim_mmu *mmu, uint64_t va, bool store,
		    struct sim_counts *c)
{
	uint64_t keys[SIM_NR_PAGE_SIZES];
	struct tlb_entry *e;
	struct sim_walk walk;
	struct tlb *l1;

	if (store)
		c->stores++;
	else
		c->loads++;
	if (mmu->last &&
	    mmu->last->key == page_key(va, (enum sim_page_size)mmu->last->size))
		return;
	for (unsigned s = 0; s < SIM_NR_PAGE_SIZES; s++)
		keys[s] = page_key(va, (enum sim_page_size)s);

	e = level_lookup(mmu->l1, mmu->nr_l1, va, keys, mmu->pcid);
	if (e) {
		e->stamp = ++mmu->clock;
		mmu->last = e;
		return;
	}
	if (store)
		c->l1_store_misses++;
	else
		c->l1_load_misses++;

	mmu->last = NULL;
	e = level_lookup(mmu->l2, mmu->nr_l2, va, keys, mmu->pcid);
	if (e) {
		e->stamp = ++mmu->clock;
		l1 = mmu->l1_fill[e->size];
		if (l1)
			mmu->last = tlb_fill(mmu, l1, va, e->size, e->pcid,
					     e->global);
		return;
	}

	c->l2_misses++;
	sim_walk(mmu->cr3, mmu->levels, va, mmu->read, mmu->read_ctx, &walk);
	c->walk_refs += walk.refs;
	if (!walk.ok) {
		c->walk_faults++;
		return;
	}
	c->walks_by_size[walk.size]++;
	/* With CR4.PGE clear the G bit means nothing (SDM vol. 3A, 4.10.2.4). */
	walk.global = walk.global && (mmu->cr4 & SIM_CR4_PGE);
	if (mmu->l2_fill[walk.size])
		tlb_fill(mmu, mmu->l2_fill[walk.size], va, walk.size, mmu->pcid,
			 walk.global);
	l1 = mmu->l1_fill[walk.size];
	if (l1)
		mmu->last = tlb_fill(mmu, l1, va, walk.size, mmu->pcid,
				     walk.global);
}
