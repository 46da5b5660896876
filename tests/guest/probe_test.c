// SPDX-License-Identifier: GPL-2.0
/*
 * Runs inside the guest against the loaded module: every malformed
 * KAB_IOC_PROBE request gets its errno and a reason, never an oops or a
 * WARN (the facts test scans the console), and valid probes answer.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cmocka.h>

#include "guest.h"

static struct kab_probe request(enum kab_probe_id id)
{
	struct kab_probe p = {
		.size = sizeof(p),
		.abi_version = KAB_ABI_VERSION,
		.probe = id,
	};
	return p;
}

/* The errno of KAB_IOC_PROBE on @p, 0 on success. */
static int run(struct kab_probe *p)
{
	return ioctl(device, KAB_IOC_PROBE, p) < 0 ? errno : 0;
}

/* @p is refused with @err and a reason containing @words. */
static void refused(struct kab_probe *p, int err, const char *words)
{
	assert_int_equal(run(p), err);
	assert_non_null(strstr(p->reason, words));
}

static struct kab_probe buffer(uint32_t allocator, uint32_t gfp,
			       uint64_t size, uint32_t order)
{
	struct kab_probe p = request(KAB_PROBE_contiguity);

	p.allocator = allocator;
	p.gfp = gfp;
	p.size_bytes = size;
	p.order = order;
	return p;
}

static void test_header_is_checked(void **state)
{
	struct kab_probe p = request(KAB_PROBE_zero_size);

	(void)state;
	p.size = sizeof(p) - 8;
	assert_int_equal(run(&p), EINVAL);
	p = request(KAB_PROBE_zero_size);
	p.abi_version = 999;
	assert_int_equal(run(&p), EINVAL);
	assert_int_equal(p.abi_version, KAB_ABI_VERSION);
}

static void test_unknown_probe_is_refused(void **state)
{
	struct kab_probe p = request(KAB_NR_PROBES);

	(void)state;
	refused(&p, EINVAL, "unknown");
}

static void test_inputs_a_probe_does_not_take_are_refused(void **state)
{
	struct kab_probe p = request(KAB_PROBE_kmalloc_max);

	(void)state;
	p.allocator = KAB_ALLOC_vmalloc;
	refused(&p, EINVAL, "takes no allocator");
	p = request(KAB_PROBE_zero_size);
	p.size_bytes = 64;
	refused(&p, EINVAL, "takes no size_bytes");
	p = request(KAB_PROBE_layout);
	p.new_size_bytes = 64;
	refused(&p, EINVAL, "takes no new_size_bytes");
	p = request(KAB_PROBE_vmalloc_max);
	p.max_classes = 4;
	refused(&p, EINVAL, "takes no classes");
}

static void test_bad_buffers_are_refused(void **state)
{
	struct kab_probe p;

	(void)state;
	p = buffer(KAB_NR_ALLOCATORS, 0, 64, 0);
	refused(&p, EINVAL, "unknown");
	p = buffer(KAB_ALLOC_kmem_cache_alloc, 0, 64, 0);
	refused(&p, EINVAL, "only kmalloc, vmalloc and alloc_pages");
	/* SLUB would WARN "Unexpected gfp": refused before it gets there. */
	p = buffer(KAB_ALLOC_kmalloc, GFP(GFP_DMA32), 64, 0);
	refused(&p, EINVAL, "GFP_DMA32");
	p = buffer(KAB_ALLOC_kmalloc, GFP(GFP_ATOMIC), 64, 0);
	refused(&p, EINVAL, "may only add");
	p = buffer(KAB_ALLOC_kmalloc, 1U << 31, 64, 0);
	refused(&p, EINVAL, "may only add");
	p = buffer(KAB_ALLOC_kmalloc, 0, 0, 0);
	refused(&p, EINVAL, "must not be 0");
	p = buffer(KAB_ALLOC_kmalloc, 0, info.kmalloc_max_size + 1, 0);
	refused(&p, E2BIG, "KMALLOC_MAX_SIZE");
	p = buffer(KAB_ALLOC_kmalloc, 0, 64, 1);
	refused(&p, EINVAL, "not an order");
	p = buffer(KAB_ALLOC_vmalloc, GFP(GFP_DMA), 4096, 0);
	refused(&p, EINVAL, "GFP_DMA32");
	p = buffer(KAB_ALLOC_vmalloc, 0, 1ULL << 62, 0);
	refused(&p, E2BIG, "available memory");
	p = buffer(KAB_ALLOC_alloc_pages, 0, 0, info.nr_page_orders);
	refused(&p, EINVAL, "maximum order");
	p = buffer(KAB_ALLOC_alloc_pages, 0, 4096, 0);
	refused(&p, EINVAL, "takes an order");
	p = buffer(KAB_ALLOC_alloc_pages, GFP(GFP_DMA) | GFP(GFP_DMA32), 0, 0);
	refused(&p, EINVAL, "different zones");
}

static void test_bad_sizes_are_refused(void **state)
{
	struct kab_probe p = request(KAB_PROBE_krealloc);

	(void)state;
	p.size_bytes = 64;
	refused(&p, EINVAL, "new_size_bytes must not be 0");
	p.new_size_bytes = info.kmalloc_max_size + 1;
	refused(&p, E2BIG, "KMALLOC_MAX_SIZE");
	p = request(KAB_PROBE_vmalloc_max);
	p.size_bytes = 1ULL << 62;
	refused(&p, E2BIG, "available memory");
}

static void test_bad_class_buffers_are_refused(void **state)
{
	struct kab_ksize_class classes[2];
	struct kab_probe p = request(KAB_PROBE_ksize_classes);

	(void)state;
	p.classes = (uintptr_t)classes;
	refused(&p, EINVAL, "max_classes");
	p.max_classes = KAB_MAX_KSIZE_CLASSES + 1;
	refused(&p, EINVAL, "max_classes");
	/* Too small for every class: says so, never writes past the end. */
	p.max_classes = 2;
	refused(&p, E2BIG, "more than 2");
	/* A kernel address is not a user buffer. */
	p.classes = (uint64_t)-4096;
	refused(&p, EFAULT, "not a user buffer");
	/*
	 * An unmapped user address faults when the classes are copied out,
	 * after the lock, once the probe has found them all.
	 */
	p.classes = 4096;
	p.max_classes = KAB_MAX_KSIZE_CLASSES;
	assert_int_equal(run(&p), EFAULT);
}

static void test_valid_probes_answer(void **state)
{
	struct kab_probe p = request(KAB_PROBE_zero_size);

	(void)state;
	/* Output fields are the module's, whatever came in. */
	p.pages = 12345;
	assert_int_equal(run(&p), 0);
	assert_int_equal(p.pages, 0);
	assert_true(p.ok);
	assert_int_equal(p.zero_size_ptr, p.zero_size_const);
	assert_int_equal(p.zero_ksize, 0);
	p = buffer(KAB_ALLOC_kmalloc, 0, 65536, 0);
	assert_int_equal(run(&p), 0);
	assert_int_equal(p.pages, 16);
	assert_int_equal(p.discontinuities, 0);
	p = buffer(KAB_ALLOC_alloc_pages, GFP(GFP_DMA32), 0, 2);
	p.probe = KAB_PROBE_zones;
	assert_int_equal(run(&p), 0);
	assert_int_equal(p.pages, 4);
	p = request(KAB_PROBE_kmalloc_max);
	assert_int_equal(run(&p), 0);
	assert_int_equal(p.largest_bytes, info.kmalloc_max_size);
	assert_true(p.next_failed);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header_is_checked),
		cmocka_unit_test(test_unknown_probe_is_refused),
		cmocka_unit_test(test_inputs_a_probe_does_not_take_are_refused),
		cmocka_unit_test(test_bad_buffers_are_refused),
		cmocka_unit_test(test_bad_sizes_are_refused),
		cmocka_unit_test(test_bad_class_buffers_are_refused),
		cmocka_unit_test(test_valid_probes_answer),
	};

	return cmocka_run_group_tests_name("probe", tests, open_device,
					   close_device);
}
