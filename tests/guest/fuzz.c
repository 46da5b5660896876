// SPDX-License-Identifier: GPL-2.0
/*
 * The module's ABI fuzzer, run inside the guest (tests/fuzz.sh): a fixed
 * number of seeded requests to every ioctl of bench-mod/uapi/kallocbench.h,
 * each a valid-looking request (bounded, so that a run takes minutes under
 * TCG) with boundary values and random bytes written over some of its
 * fields, some with a bad pointer for the request or its buffers, sent on
 * one of several open files that are closed and opened again between
 * requests (a file closed while it holds a level or a buffer).
 *
 * It prints the seed and count first, each request's number before it is
 * sent (on one line, so that a crash names it; `fuzz SEED N` on any machine
 * prints that request's bytes: the requests depend on the seed only), the
 * bytes of any request answered with an errno outside the ABI's, and at the
 * end the histogram of answers and the memory check: with every file
 * closed and every slab cache shrunk (as before the first request), free
 * memory (MemFree and the per-CPU lists) must be back to what it was
 * before the first request, within a stated tolerance, once deferred frees
 * have had a few seconds; where it is not, the meminfo lines and slab
 * caches that moved are printed.
 *
 *	fuzz [SEED [COUNT]]	fuzz the device (defaults: FUZZ_SEED, FUZZ_COUNT)
 *	fuzz SEED N --show	print request N's bytes, without the device
 *
 * KAB_FUZZ_COUNT=N on the kernel command line (init's environment) sets the
 * default count, and KAB_FUZZ_INJECT=N (tests/debug.sh, on the debug
 * kernel's fault injection) first sends each request with its 1st, 2nd, ...
 * Nth slab or page allocation failed (/proc/thread-self/fail-nth), until
 * one that makes fewer, then as usual: a failed allocation must be answered
 * like any request, with an errno of the ABI or a result.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kallocbench.h"

#define FUZZ_SEED	20261202ULL
#define FUZZ_COUNT	3000U
#define FUZZ_FILES	3
/*
 * What may stay missing after the run, beyond vmalloc's page tables (which
 * are counted): slab caches keep some empty slabs and the per-CPU partial
 * lists, vmalloc purges freed areas lazily. A request that leaked even one page
 * would lose FUZZ_COUNT / 10 times more than this.
 */
#define FUZZ_MEMORY_TOLERANCE_KB	2048
/*
 * Frees the kernel defers past the last close: kfree_rcu's batches wait
 * for grace periods, kmemleak frees its metadata from RCU callbacks, and a
 * debug kernel under TCG takes seconds for them. Memory that is still
 * missing after this many rounds of one second is lost.
 */
#define FUZZ_SETTLE_ROUNDS	10

#define GFP(name) (1U << KAB_GFP_BIT_##name)

static uint64_t rng_state;

/* Fault injection's settings: failures of sleeping and order-0 allocations too. */
static const char *const inject_settings[][2] = {
	{ "/sys/kernel/debug/failslab/ignore-gfp-wait", "N" },
	{ "/sys/kernel/debug/failslab/verbose", "0" },
	{ "/sys/kernel/debug/fail_page_alloc/ignore-gfp-wait", "N" },
	{ "/sys/kernel/debug/fail_page_alloc/ignore-gfp-highmem", "N" },
	{ "/sys/kernel/debug/fail_page_alloc/min-order", "0" },
	{ "/sys/kernel/debug/fail_page_alloc/verbose", "0" },
};

static uint64_t rnd(void)
{
	/* xorshift64*: seeded, the same on every machine. */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ULL;
}

static uint64_t below(uint64_t n)
{
	return n ? rnd() % n : 0;
}

static bool chance(unsigned int one_in)
{
	return below(one_in) == 0;
}

/* The kinds of request, as sent. */
#define FUZZ_KIND_LIST(X)	\
	X(info, KAB_IOC_INFO, struct kab_info)		\
	X(run_case, KAB_IOC_RUN_CASE, struct kab_case)	\
	X(frag_apply, KAB_IOC_FRAG_APPLY, struct kab_frag)	\
	X(frag_release, KAB_IOC_FRAG_RELEASE, struct kab_frag)	\
	X(access, KAB_IOC_ACCESS, struct kab_access)	\
	X(probe, KAB_IOC_PROBE, struct kab_probe)	\
	X(unknown, _IOWR(KAB_IOC_MAGIC, 99, struct kab_info), struct kab_info)

#define FUZZ_KIND_ENUM(name, ...) FUZZ_##name,
enum fuzz_kind { FUZZ_KIND_LIST(FUZZ_KIND_ENUM) FUZZ_NR_KINDS };
#define FUZZ_KIND_CMD(name, cmd, type) [FUZZ_##name] = cmd,
static const unsigned long fuzz_cmds[] = { FUZZ_KIND_LIST(FUZZ_KIND_CMD) };
#define FUZZ_KIND_SIZE(name, cmd, type) [FUZZ_##name] = sizeof(type),
static const size_t fuzz_sizes[] = { FUZZ_KIND_LIST(FUZZ_KIND_SIZE) };
#define FUZZ_KIND_NAME(name, ...) [FUZZ_##name] = #name,
static const char *const fuzz_names[] = { FUZZ_KIND_LIST(FUZZ_KIND_NAME) };

/* Where a request's pointer fields point. */
enum fuzz_target { TARGET_GOOD, TARGET_NULL, TARGET_READ_ONLY, TARGET_KERNEL };

union fuzz_request {
	struct kab_info info;
	struct kab_case c;
	struct kab_frag frag;
	struct kab_access access;
	struct kab_probe probe;
	unsigned char bytes[1];
};

/* One request, all that sending it needs; a function of the seed only. */
struct fuzz_step {
	unsigned int file;
	bool reopen;
	enum fuzz_kind kind;
	enum fuzz_target request_at;
	union fuzz_request req;
};

/*
 * The good buffers a request may point to, in the middle of an arena of
 * their own: a mutation of a pointer's low three bytes moves it at most
 * 16 MiB, so that the module then writes into the arena, never over the
 * fuzzer's own data; further, mostly unmapped memory (EFAULT). What such
 * writes touch is given back before memory is compared.
 */
#define FUZZ_ARENA_BYTES	(64UL << 20)
/* kab_case.per_cpu of a case on up to FUZZ_CPUS CPUs: results, histograms. */
#define FUZZ_CPUS 2
struct fuzz_buffers {
	uint32_t hist[2][KAB_HIST_BUCKETS];
	unsigned char per_cpu[FUZZ_CPUS * (sizeof(struct kab_cpu_result) +
					   2 * KAB_HIST_BUCKETS *
					   sizeof(uint32_t))];
	struct kab_ksize_class classes[KAB_MAX_KSIZE_CLASSES];
};
static void *arena;
static struct fuzz_buffers *buffers;
static void *read_only_page;
static union fuzz_request sent;

static uint64_t pointer_to(enum fuzz_target t, void *good)
{
	switch (t) {
	case TARGET_NULL: return 0;
	case TARGET_READ_ONLY: return (uintptr_t)read_only_page;
	case TARGET_KERNEL: return 0xffff888000000000ULL;
	default: return (uintptr_t)good;
	}
}

static enum fuzz_target some_target(void)
{
	return chance(12) ? (enum fuzz_target)(1 + below(3)) : TARGET_GOOD;
}

/* A size a case may hold in TCG without a long wait, from 1 byte to 1 MiB. */
static uint64_t small_size(void)
{
	return 1 + below(1ULL << (1 + below(20)));
}

static void valid_case(struct kab_case *c)
{
	c->allocator = below(KAB_NR_ALLOCATORS);
	c->context = chance(3) ? below(KAB_NR_CONTEXTS) : KAB_CONTEXT_process;
	c->pattern = below(KAB_NR_PATTERNS);
	c->gfp = GFP(GFP_KERNEL);
	if (c->context != KAB_CONTEXT_process || chance(4))
		c->gfp = chance(2) ? GFP(GFP_ATOMIC) : GFP(GFP_NOWAIT);
	if (chance(4))
		c->gfp |= 1U << (KAB_GFP_BIT_GFP_ATOMIC + 1 +
				 below(KAB_NR_GFP_BITS - KAB_GFP_BIT_GFP_ATOMIC - 1));
	if (c->allocator == KAB_ALLOC_alloc_pages ||
	    c->allocator == KAB_ALLOC___get_free_pages)
		c->order = below(5);
	/* Order 0 only: now and then 1, which is refused. */
	else if (c->allocator == KAB_ALLOC_alloc_pages_bulk)
		c->order = chance(8);
	else
		c->size_bytes = small_size();
	c->batch = c->pattern == KAB_PATTERN_batch ? 1 + below(64) : 0;
	/* A bulk call takes the pair pattern on one CPU. */
	if (c->allocator == KAB_ALLOC_kmem_cache_alloc_bulk ||
	    c->allocator == KAB_ALLOC_alloc_pages_bulk) {
		c->pattern = KAB_PATTERN_pair;
		c->batch = 0;
		c->bulk = 1 + below(64);
	}
	c->cpus = chance(4) ? FUZZ_CPUS : below(2);
	/* One cache per CPU: now and then where it is refused, too. */
	c->caches = chance(3) ? below(KAB_NR_CACHES + 1) : 0;
	/* remote_free pairs the CPUs up, in process context. */
	if (c->pattern == KAB_PATTERN_remote_free) {
		c->cpus = FUZZ_CPUS;
		c->context = KAB_CONTEXT_process;
		c->gfp = GFP(GFP_KERNEL);
	}
	c->iterations = 1 + below(256);
	c->warmup = below(16);
	c->time_limit_ns = 1000000 + below(20000000);
	c->atomic_limit_ns = below(2) ? 0 : 100000 + below(1000000);
	/* Rare: holding free memory at the watermarks takes TCG seconds. */
	c->pressure = chance(300) ? KAB_PRESSURE_low : KAB_PRESSURE_none;
}

static void valid_frag(struct kab_frag *f)
{
	f->kind = below(KAB_NR_FRAG_KINDS);
	f->touch_permille = below(101);
	f->keep_every = f->touch_permille ? 2U << below(6) : 0;
	f->cap_permille = below(101);
}

/*
 * The access phases of each file in their order, most of the time: the
 * generator's own record, so that the requests still depend on the seed
 * only.
 */
static unsigned int next_phase[FUZZ_FILES];

static void valid_access(struct kab_access *a, unsigned int file)
{
	static const enum kab_allocator buffers[] = {
		KAB_ALLOC_kmalloc, KAB_ALLOC_alloc_pages, KAB_ALLOC_vmalloc,
		KAB_ALLOC_vmalloc_huge, KAB_ALLOC_kvmalloc,
	};

	a->phase = chance(5) ? below(KAB_NR_ACCESS_PHASES) : next_phase[file];
	next_phase[file] = (a->phase + 1) % KAB_NR_ACCESS_PHASES;
	a->allocator = buffers[below(sizeof(buffers) / sizeof(buffers[0]))];
	a->size_bytes = 4096ULL << below(8);
	a->pattern = below(KAB_NR_ACCESS_PATTERNS);
	a->passes = 1 + below(4);
	a->seed = rnd();
}

/* Each probe with the inputs it takes (bench-mod/probes.c), the rest 0. */
static void valid_probe(struct kab_probe *p, enum fuzz_target classes_at)
{
	p->probe = below(KAB_NR_PROBES);
	switch (p->probe) {
	case KAB_PROBE_ksize_classes:
		p->classes = pointer_to(classes_at, buffers->classes);
		p->max_classes = 1 + below(KAB_MAX_KSIZE_CLASSES);
		break;
	case KAB_PROBE_krealloc:
		p->size_bytes = small_size();
		p->new_size_bytes = small_size();
		break;
	case KAB_PROBE_contiguity:
	case KAB_PROBE_zones:
		p->allocator = below(KAB_NR_ALLOCATORS);
		if (p->allocator == KAB_ALLOC_alloc_pages ||
		    p->allocator == KAB_ALLOC___get_free_pages)
			p->order = below(5);
		else
			p->size_bytes = small_size();
		if (chance(4))
			p->gfp = chance(2) ? GFP(GFP_DMA32) : GFP(__GFP_ZERO);
		break;
	case KAB_PROBE_vmalloc_max:
		p->size_bytes = small_size();
		break;
	default:
		break;
	}
}

/* Writes a boundary value or random bytes over part of the request. */
static void mutate(union fuzz_request *r, size_t size)
{
	static const uint64_t values[] = {
		0, 1, 2, 7, 8, 63, 64, 4095, 4096, 4097, 65536, 1U << 21,
		0x7fffffff, 0x80000000, 0xffffffff, 1ULL << 32, 1ULL << 40,
		INT64_MAX, UINT64_MAX, UINT64_MAX - 1,
	};
	size_t width = (size_t)1 << below(4);
	size_t at = below(size / width) * width;
	uint64_t v = chance(3) ? rnd() : values[below(sizeof(values) / sizeof(values[0]))];

	if (chance(10))
		at = below(2) * 4;	/* the header: size or version */
	memcpy(r->bytes + at, &v, width);
}

/*
 * Valid-looking requests stay bounded where a mutation made them long:
 * a case's time limit stays below 20 ms (a case runs its loops for at
 * least a chunk each), sizes above 1 MiB that the module would accept are
 * cut to 1 MiB, and so are the probes that allocate what they are given.
 */
static void bound(enum fuzz_kind kind, union fuzz_request *r)
{
	struct kab_case *c = &r->c;

	if (kind == FUZZ_run_case) {
		if (c->time_limit_ns == 0 || (c->time_limit_ns > 20000000 &&
					      c->time_limit_ns <= 600ULL * 1000000000))
			c->time_limit_ns = 20000000;
		if (c->size_bytes > (1 << 20) && c->size_bytes <= (1ULL << 40))
			c->size_bytes = 1 << 20;
		if (c->warmup > 1000 && c->warmup <= 10000000)
			c->warmup = 1000;
	} else if (kind == FUZZ_probe) {
		/* vmalloc_max of 0 tries half of memory. */
		if ((r->probe.size_bytes == 0 &&
		     r->probe.probe == KAB_PROBE_vmalloc_max) ||
		    r->probe.size_bytes > (1 << 20))
			r->probe.size_bytes = 1 << 20;
		if (r->probe.new_size_bytes > (1 << 20))
			r->probe.new_size_bytes = 1 << 20;
	} else if (kind == FUZZ_access) {
		if (r->access.size_bytes > (1 << 20) &&
		    r->access.size_bytes <= (1ULL << 40))
			r->access.size_bytes = 1 << 20;
		if (r->access.passes > 8 && r->access.passes <= (1ULL << 40))
			r->access.passes = 8;
	} else if (kind == FUZZ_frag_apply) {
		/* A level pins at most a tenth of memory. */
		if (r->frag.cap_permille > 100 && r->frag.cap_permille <= 250)
			r->frag.cap_permille = 100;
	}
}

static void next_step(struct fuzz_step *s)
{
	static const unsigned int weights[FUZZ_NR_KINDS] = {
		[FUZZ_info] = 2, [FUZZ_run_case] = 10, [FUZZ_frag_apply] = 1,
		[FUZZ_frag_release] = 1, [FUZZ_access] = 5, [FUZZ_probe] = 3,
		[FUZZ_unknown] = 1,
	};
	unsigned int total = 0, pick, k, mutations;

	memset(s, 0, sizeof(*s));
	for (k = 0; k < FUZZ_NR_KINDS; k++)
		total += weights[k];
	pick = below(total);
	for (k = 0; pick >= weights[k]; k++)
		pick -= weights[k];
	s->kind = k;
	s->file = below(FUZZ_FILES);
	s->reopen = chance(40);
	if (s->reopen)
		next_phase[s->file] = 0;
	s->request_at = chance(40) ? (enum fuzz_target)(1 + below(3)) : TARGET_GOOD;
	s->req.info.size = fuzz_sizes[k];
	s->req.info.abi_version = KAB_ABI_VERSION;
	switch (s->kind) {
	case FUZZ_run_case:
		valid_case(&s->req.c);
		s->req.c.alloc.hist = pointer_to(some_target(), buffers->hist[0]);
		s->req.c.free.hist = pointer_to(some_target(), buffers->hist[1]);
		if (s->req.c.cpus > 1)
			s->req.c.per_cpu = pointer_to(some_target(),
						      buffers->per_cpu);
		break;
	case FUZZ_frag_apply:
		valid_frag(&s->req.frag);
		break;
	case FUZZ_access:
		valid_access(&s->req.access, s->file);
		break;
	case FUZZ_probe:
		valid_probe(&s->req.probe, some_target());
		break;
	default:
		break;
	}
	for (mutations = below(4); mutations; mutations--)
		mutate(&s->req, fuzz_sizes[k]);
	bound(s->kind, &s->req);
}

static void print_bytes(const char *what, unsigned long n,
			const struct fuzz_step *s)
{
	size_t i;

	printf("fuzz: %s request %lu: %s on file %u%s, request at %d, %zu bytes:",
	       what, n, fuzz_names[s->kind], s->file,
	       s->reopen ? " (reopened)" : "", s->request_at, fuzz_sizes[s->kind]);
	for (i = 0; i < fuzz_sizes[s->kind]; i++)
		printf("%s%02x", i % 32 ? "" : "\n  ", s->req.bytes[i]);
	printf("\n");
}

/* Errnos the ABI gives a bad or refused request. */
static bool known_errno(int e)
{
	switch (e) {
	case 0: case EINVAL: case E2BIG: case EFAULT: case ENOTTY:
	case ENOMEM: case EBUSY: case EOPNOTSUPP:
		return true;
	default:
		return false;
	}
}

/*
 * kB of MemFree plus the per-CPU lists' pages, a few other lines, and the
 * page tables vmalloc keeps (KAB_IOC_INFO): a vmalloc_max probe reaches
 * gigabytes into vmalloc space, whose tables (about 2 MiB per GiB) the
 * kernel never frees and no meminfo line shows.
 */
struct memory {
	long free_kb, pcp_kb, slab_kb, vmalloc_kb, page_tables_kb,
	     direct_map_4k_kb, vmalloc_tables_kb;
};

static long meminfo_kb(const char *key)
{
	char line[256];
	long kb = -1;
	size_t n = strlen(key);
	FILE *f = fopen("/proc/meminfo", "r");

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, key, n) && line[n] == ':')
			kb = strtol(line + n + 1, NULL, 10);
	if (f)
		fclose(f);
	return kb;
}

/*
 * Where memory went when it did not come back: every /proc/meminfo line
 * that moved by more than FUZZ_MEMORY_MOVED_KB, in the before text and now.
 */
#define FUZZ_MEMORY_MOVED_KB	256
#define FUZZ_MEMINFO_BYTES	8192

/* The text of the file at PATH in TEXT, BYTES long with its '\0'. */
static void file_text(const char *path, char *text, size_t bytes)
{
	FILE *f = fopen(path, "r");
	size_t n = f ? fread(text, 1, bytes - 1, f) : 0;

	text[n] = '\0';
	if (f)
		fclose(f);
}

static void print_meminfo_moves(char *before)
{
	char key[64], *line, *saved;
	long was, is;

	for (line = strtok_r(before, "\n", &saved); line;
	     line = strtok_r(NULL, "\n", &saved)) {
		if (sscanf(line, "%63[^:]: %ld", key, &was) != 2)
			continue;
		is = meminfo_kb(key);
		if (labs(is - was) > FUZZ_MEMORY_MOVED_KB)
			printf("fuzz: moved: %s %ld -> %ld kB\n", key, was, is);
	}
}

/*
 * Free slab memory the caches have not given back: SLUB's empty slabs on
 * its partial lists and, on a KASAN kernel, its quarantine of freed objects
 * (up to 1/32 of memory, drained only by a shrink or under pressure).
 * Writing to a cache's shrink file (kmem_cache_shrink()) gives both back;
 * done before either measure, so that both count the same.
 */
static void shrink_slab_caches(void)
{
	char path[512];
	struct dirent *cache;
	DIR *caches = opendir("/sys/kernel/slab");
	int file;

	while (caches && (cache = readdir(caches))) {
		if (cache->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/sys/kernel/slab/%s/shrink",
			 cache->d_name);
		file = open(path, O_WRONLY);
		if (file >= 0 && write(file, "1", 1) != 1)
			perror(path);
		if (file >= 0)
			close(file);
	}
	if (caches)
		closedir(caches);
}

/*
 * Where slab memory went when it did not come back: each cache of
 * /proc/slabinfo (a SLUB_DEBUG kernel's) whose slabs grew by more than
 * FUZZ_MEMORY_MOVED_KB, in the before text and now.
 */
#define FUZZ_SLABINFO_BYTES	(256 * 1024)

/* kB of slabs of the slabinfo LINE's cache, its name in NAME; -1 if none. */
static long slab_line_kb(const char *line, char *name)
{
	unsigned long pages_per_slab, slabs;

	if (sscanf(line, "%63s %*u %*u %*u %*u %lu : tunables %*u %*u %*u : slabdata %*u %lu",
		   name, &pages_per_slab, &slabs) != 3)
		return -1;
	return pages_per_slab * slabs * (sysconf(_SC_PAGESIZE) / 1024);
}

static const char *next_line(const char *line)
{
	const char *end = strchr(line, '\n');

	return end && end[1] ? end + 1 : NULL;
}

/* kB of slabs of cache NAME in slabinfo TEXT; 0 where it has none. */
static long slab_kb_in(const char *text, const char *name)
{
	char other[64];
	const char *line;
	long kb;

	for (line = text; line && *line; line = next_line(line)) {
		kb = slab_line_kb(line, other);
		if (kb >= 0 && !strcmp(name, other))
			return kb;
	}
	return 0;
}

static void print_slab_moves(const char *before)
{
	static char now[FUZZ_SLABINFO_BYTES];
	char name[64];
	const char *line;
	long was, is;

	file_text("/proc/slabinfo", now, sizeof(now));
	for (line = now; line && *line; line = next_line(line)) {
		is = slab_line_kb(line, name);
		was = slab_kb_in(before, name);
		if (is >= 0 && is - was > FUZZ_MEMORY_MOVED_KB)
			printf("fuzz: slab grew: %s %ld -> %ld kB\n", name, was, is);
	}
}

static long vmalloc_tables_kb(void)
{
	struct kab_info info = {
		.size = sizeof(info), .abi_version = KAB_ABI_VERSION,
	};
	int file = open("/dev/" KAB_DEVICE_NAME, O_RDWR);
	long kb = -1;

	if (file >= 0 && !ioctl(file, KAB_IOC_INFO, &info))
		kb = info.vmalloc_table_pages * (sysconf(_SC_PAGESIZE) / 1024);
	if (file >= 0)
		close(file);
	return kb;
}

static struct memory memory_now(void)
{
	struct memory m;
	char line[256];
	long pages = 0;
	FILE *f = fopen("/proc/zoneinfo", "r");

	while (f && fgets(line, sizeof(line), f))
		if (strstr(line, " count: "))
			pages += strtol(strstr(line, "count:") + 6, NULL, 10);
	if (f)
		fclose(f);
	m.free_kb = meminfo_kb("MemFree");
	m.pcp_kb = pages * (sysconf(_SC_PAGESIZE) / 1024);
	m.slab_kb = meminfo_kb("Slab");
	m.vmalloc_kb = meminfo_kb("VmallocUsed");
	m.page_tables_kb = meminfo_kb("PageTables");
	m.direct_map_4k_kb = meminfo_kb("DirectMap4k");
	m.vmalloc_tables_kb = vmalloc_tables_kb();
	return m;
}

/* kB of free memory lost since BEFORE, vmalloc's tables aside. */
static long memory_lost_kb(const struct memory *before, const struct memory *after)
{
	/* vmalloc's tables are the kernel's to keep, not a leak. */
	return (before->free_kb + before->pcp_kb) - (after->free_kb + after->pcp_kb) -
	       (after->vmalloc_tables_kb - before->vmalloc_tables_kb);
}

/*
 * The memory lost since BEFORE once the caches are shrunk, measured again
 * each second for deferred frees until it is within the tolerance or
 * FUZZ_SETTLE_ROUNDS are over; the measure in AFTER, the seconds waited in
 * SECONDS.
 */
static long settled_loss(const struct memory *before, struct memory *after,
			 unsigned int *seconds)
{
	long lost_kb;

	for (*seconds = 0;; ++*seconds) {
		shrink_slab_caches();
		*after = memory_now();
		lost_kb = memory_lost_kb(before, after);
		if (lost_kb <= FUZZ_MEMORY_TOLERANCE_KB || *seconds == FUZZ_SETTLE_ROUNDS)
			return lost_kb;
		sleep(1);
	}
}

static int show(uint64_t seed, unsigned long n)
{
	struct fuzz_step s;
	unsigned long i;

	rng_state = seed ? seed : 1;
	memset(next_phase, 0, sizeof(next_phase));
	for (i = 0; i <= n; i++)
		next_step(&s);
	print_bytes("", n, &s);
	return 0;
}

static int send(int file, const struct fuzz_step *s)
{
	memcpy(&sent, &s->req, fuzz_sizes[s->kind]);
	return ioctl(file, fuzz_cmds[s->kind],
		     (void *)(uintptr_t)pointer_to(s->request_at, &sent)) ? errno : 0;
}

static bool write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	bool ok = f && fputs(text, f) >= 0;

	if (f && fclose(f))
		ok = false;
	if (!ok)
		printf("fuzz: cannot write %s to %s: %s\n", text, path, strerror(errno));
	return ok;
}

/* The thread's fail-nth file, open for the whole run; -1 without injection. */
static int fail_nth = -1;

static bool inject_start(void)
{
	size_t i;

	for (i = 0; i < sizeof(inject_settings) / sizeof(inject_settings[0]); i++)
		if (!write_text(inject_settings[i][0], inject_settings[i][1]))
			return false;
	fail_nth = open("/proc/thread-self/fail-nth", O_RDWR);
	if (fail_nth < 0)
		printf("fuzz: cannot open /proc/thread-self/fail-nth: %s\n", strerror(errno));
	return fail_nth >= 0;
}

static void fail_nth_set(unsigned int nth)
{
	char text[16];
	int n = snprintf(text, sizeof(text), "%u", nth);

	if (pwrite(fail_nth, text, n, 0) != n)
		printf("fuzz: cannot write fail-nth: %s\n", strerror(errno));
}

/* True when the failure set up was injected (the count ran out). */
static bool fail_nth_used(void)
{
	char text[16] = "";

	if (pread(fail_nth, text, sizeof(text) - 1, 0) <= 0)
		printf("fuzz: cannot read fail-nth: %s\n", strerror(errno));
	fail_nth_set(0);
	return strtoul(text, NULL, 10) == 0;
}

/* How the injected failures were answered, and the unexpected answers. */
struct injected {
	unsigned long count, answers[FUZZ_NR_KINDS][256];
	int unknown;
};

/* Request n sent with each of its first `max` allocations failed in turn. */
static void send_injected(int file, const struct fuzz_step *s, unsigned long n,
			  unsigned int max, struct injected *inj)
{
	unsigned int nth;
	int e;

	for (nth = 1; nth <= max; nth++) {
		fail_nth_set(nth);
		e = send(file, s);
		if (!fail_nth_used())
			return;
		inj->count++;
		inj->answers[s->kind][e & 255]++;
		if (!known_errno(e)) {
			inj->unknown++;
			printf("fuzz: request %lu with allocation %u failed answered %s, not an errno of the ABI\n",
			       n, nth, strerrorname_np(e) ? strerrorname_np(e) : "?");
			print_bytes("unexpected", n, s);
		}
	}
}

static unsigned long env_number(const char *name, unsigned long otherwise)
{
	const char *value = getenv(name);

	return value && *value ? strtoul(value, NULL, 0) : otherwise;
}

static void print_answers(const char *what, unsigned long answers[][256])
{
	unsigned int k;
	int e;

	for (k = 0; k < FUZZ_NR_KINDS; k++)
		for (e = 0; e < 256; e++)
			if (answers[k][e])
				printf("fuzz: %s %-12s %-10s %lu\n", what, fuzz_names[k],
				       e ? strerrorname_np(e) : "ok", answers[k][e]);
}

int main(int argc, char **argv)
{
	uint64_t seed = argc > 1 ? strtoull(argv[1], NULL, 0) : FUZZ_SEED;
	unsigned long count = argc > 2 ? strtoul(argv[2], NULL, 0) :
		env_number("KAB_FUZZ_COUNT", FUZZ_COUNT);
	unsigned int inject = env_number("KAB_FUZZ_INJECT", 0);
	static struct injected injected;
	unsigned long answers[FUZZ_NR_KINDS][256] = { { 0 } };
	int files[FUZZ_FILES], e, unknown = 0;
	struct memory before, after;
	long lost_kb, unshrunk_slab_kb;
	static char meminfo_before[FUZZ_MEMINFO_BYTES];
	static char slabinfo_before[FUZZ_SLABINFO_BYTES];
	unsigned int settle;
	struct fuzz_step s;
	unsigned long n;
	unsigned int f;

	arena = mmap(NULL, FUZZ_ARENA_BYTES, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (arena == MAP_FAILED) {
		perror("fuzz: mmap of the arena");
		return 2;
	}
	buffers = (struct fuzz_buffers *)((char *)arena + FUZZ_ARENA_BYTES / 2);
	if (argc > 3 && !strcmp(argv[3], "--show"))
		return show(seed, count);
	read_only_page = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS,
			      -1, 0);
	printf("fuzz: seed %llu, %lu requests on %d files\n",
	       (unsigned long long)seed, count, FUZZ_FILES);
	if (inject) {
		printf("fuzz: each request also with each of its first %u allocations failed\n",
		       inject);
		if (!inject_start())
			return 1;
	}
	shrink_slab_caches();
	before = memory_now();
	file_text("/proc/meminfo", meminfo_before, sizeof(meminfo_before));
	file_text("/proc/slabinfo", slabinfo_before, sizeof(slabinfo_before));
	for (f = 0; f < FUZZ_FILES; f++)
		files[f] = open("/dev/" KAB_DEVICE_NAME, O_RDWR);
	rng_state = seed ? seed : 1;
	for (n = 0; n < count; n++) {
		next_step(&s);
		if (s.reopen) {
			close(files[s.file]);
			files[s.file] = open("/dev/" KAB_DEVICE_NAME, O_RDWR);
		}
		/* Its number before it is sent: a crash names it. */
		printf("fuzz: #%lu\n", n);
		fflush(stdout);
		if (inject)
			send_injected(files[s.file], &s, n, inject, &injected);
		e = send(files[s.file], &s);
		answers[s.kind][e & 255]++;
		if (!known_errno(e)) {
			unknown++;
			printf("fuzz: request %lu answered %s, not an errno of the ABI\n",
			       n, strerrorname_np(e) ? strerrorname_np(e) : "?");
			print_bytes("unexpected", n, &s);
		}
	}
	for (f = 0; f < FUZZ_FILES; f++)
		close(files[f]);
	madvise(arena, FUZZ_ARENA_BYTES, MADV_DONTNEED);
	unshrunk_slab_kb = meminfo_kb("Slab");
	lost_kb = settled_loss(&before, &after, &settle);

	printf("fuzz: answers by ioctl and errno (seed %llu, %lu requests):\n",
	       (unsigned long long)seed, count);
	print_answers(" ", answers);
	if (inject) {
		printf("fuzz: %lu allocations failed on purpose, answered by ioctl and errno:\n",
		       injected.count);
		print_answers("  injected", injected.answers);
		printf("fuzz: %d requests with an allocation failed answered outside the ABI's errnos\n",
		       injected.unknown);
	}
	if (before.vmalloc_tables_kb < 0 || after.vmalloc_tables_kb < 0) {
		perror("fuzz: KAB_IOC_INFO for vmalloc's page tables");
		return 1;
	}
	printf("fuzz: memory with every file closed, before -> after (kB): "
	       "MemFree+per-CPU %ld -> %ld, vmalloc's page tables %ld -> %ld "
	       "(lost less those %ld, tolerance %d, after %u s of deferred frees), "
	       "Slab %ld -> %ld (%ld before the shrink), "
	       "VmallocUsed %ld -> %ld, PageTables %ld -> %ld, DirectMap4k %ld -> %ld\n",
	       before.free_kb + before.pcp_kb, after.free_kb + after.pcp_kb,
	       before.vmalloc_tables_kb, after.vmalloc_tables_kb,
	       lost_kb, FUZZ_MEMORY_TOLERANCE_KB, settle,
	       before.slab_kb, after.slab_kb, unshrunk_slab_kb,
	       before.vmalloc_kb, after.vmalloc_kb, before.page_tables_kb,
	       after.page_tables_kb, before.direct_map_4k_kb,
	       after.direct_map_4k_kb);
	printf("fuzz: %d requests answered outside the ABI's errnos; memory %s\n",
	       unknown, lost_kb <= FUZZ_MEMORY_TOLERANCE_KB ? "back" : "NOT back");
	if (lost_kb > FUZZ_MEMORY_TOLERANCE_KB) {
		print_meminfo_moves(meminfo_before);
		print_slab_moves(slabinfo_before);
	}
	return unknown || injected.unknown || lost_kb > FUZZ_MEMORY_TOLERANCE_KB;
}
