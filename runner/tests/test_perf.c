/* The perf layer on real software events and tracepoints; hardware events
 * only where this machine has a PMU (the test machines have none). */
#include "tests/testutil.h"

#include <errno.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/mount.h>

#include "perf/perf.h"

#define PAGES 512

/* Faults in @pages fresh 4K pages, one write each: at least one page fault
 * and one page allocation per page (no THP: MADV_NOHUGEPAGE). */
static void touch_fresh_pages(size_t pages)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	volatile char *area = mmap(NULL, pages * page, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	assert_true(area != MAP_FAILED);
	assert_int_equal(madvise((void *)area, pages * page, MADV_NOHUGEPAGE),
			 0);
	for (size_t i = 0; i < pages; i++)
		area[i * page] = 1;
	assert_int_equal(munmap((void *)area, pages * page), 0);
}

/* Opens @names for this thread, counts around touch_fresh_pages(). */
static struct perf_group *count_touching(const char *const *names,
					 size_t count,
					 struct perf_value *values)
{
	struct perf_group *group = perf_group_open(names, count, 0, -1);

	assert_non_null(group);
	assert_int_equal(group->count, count);
	assert_int_equal(perf_group_reset(group), 0);
	assert_int_equal(perf_group_enable(group), 0);
	touch_fresh_pages(PAGES);
	assert_int_equal(perf_group_disable(group), 0);
	assert_int_equal(perf_group_read(group, values), 0);
	return group;
}

static void assert_page_count(const struct perf_value *value)
{
	assert_true(value->counted);
	assert_true(value->ratio == 1.0);	/* software: never multiplexed */
	assert_true(value->scaled == (double)value->raw);
	if (value->raw < PAGES || value->raw > 4 * PAGES + 1000)
		fail_msg("%llu for %d fresh pages",
			 (unsigned long long)value->raw, PAGES);
}

static void test_scale(void **state)
{
	struct perf_value value;

	(void)state;
	value = perf_scale(10, 100, 50);
	assert_true(value.counted);
	assert_true(value.scaled == 20.0);
	assert_true(value.ratio == 0.5);
	assert_int_equal(value.raw, 10);

	value = perf_scale(7, 100, 100);
	assert_true(value.counted);
	assert_true(value.scaled == 7.0);
	assert_true(value.ratio == 1.0);

	value = perf_scale(3, 1000, 1);
	assert_true(value.scaled == 3000.0);

	value = perf_scale(10, 100, 0);	/* never scheduled: not a zero */
	assert_false(value.counted);
	value = perf_scale(0, 0, 0);
	assert_false(value.counted);
}

static void test_is_tracepoint(void **state)
{
	(void)state;
	assert_true(perf_is_tracepoint("kmem:mm_page_alloc"));
	assert_true(perf_is_tracepoint("tlb:tlb_flush"));
	assert_false(perf_is_tracepoint("page-faults"));
	assert_false(perf_is_tracepoint("perf::cycles"));
	assert_false(perf_is_tracepoint("PERF_COUNT_HW_CACHE_DTLB:READ:MISS"));
	assert_false(perf_is_tracepoint("kmem:"));
	assert_false(perf_is_tracepoint(":kmalloc"));
}

static void test_page_faults(void **state)
{
	const char *const names[] = { "page-faults", "context-switches" };
	struct perf_value values[2];
	struct perf_group *group;

	(void)state;
	group = count_touching(names, 2, values);
	assert_true(group->events[0].supported);
	assert_true(group->events[1].supported);
	assert_string_equal(group->events[0].reason, "");
	assert_page_count(&values[0]);
	assert_true(values[1].counted);
	perf_group_close(group);
}

/* Counting stops at disable and restarts from zero at reset. */
static void test_disable_and_reset(void **state)
{
	const char *const names[] = { "page-faults" };
	struct perf_group *group = perf_group_open(names, 1, 0, -1);
	struct perf_value before, after;

	(void)state;
	assert_true(group->events[0].supported);
	assert_int_equal(perf_group_enable(group), 0);
	touch_fresh_pages(PAGES);
	assert_int_equal(perf_group_disable(group), 0);
	assert_int_equal(perf_group_read(group, &before), 0);
	touch_fresh_pages(PAGES);
	assert_int_equal(perf_group_read(group, &after), 0);
	assert_int_equal(after.raw, before.raw);
	assert_int_equal(perf_group_reset(group), 0);
	assert_int_equal(perf_group_read(group, &after), 0);
	assert_int_equal(after.raw, 0);
	perf_group_close(group);
}

/* A hardware leader this machine lacks: reported, and the next event
 * leads the group instead. */
static void test_hardware_event(void **state)
{
	const char *const names[] = { "cycles", "page-faults",
				      "dTLB-load-misses", "cpu-migrations" };
	struct perf_value values[4];
	struct perf_group *group;

	(void)state;
	group = count_touching(names, 4, values);
	assert_true(group->events[1].supported);
	assert_true(group->events[3].supported);
	assert_page_count(&values[1]);
	assert_true(values[3].counted);
	if (group->events[0].supported) {
		perf_group_close(group);
		skip();
	}
	assert_false(values[0].counted);
	assert_string_equal(perf_type_name(group->events[0].type), "hardware");
	if (!strstr(group->events[0].reason, "PMU"))
		fail_msg("reason: '%s'", group->events[0].reason);
	if (!group->events[2].supported) {
		assert_false(values[2].counted);
		assert_true(strlen(group->events[2].reason) > 0);
	}
	perf_group_close(group);
}

static void test_unknown_event(void **state)
{
	const char *const names[] = { "no-such-event", "page-faults" };
	struct perf_value values[2];
	struct perf_group *group;

	(void)state;
	group = count_touching(names, 2, values);
	assert_false(group->events[0].supported);
	assert_false(values[0].counted);
	if (!strstr(group->events[0].reason, "unknown event"))
		fail_msg("reason: '%s'", group->events[0].reason);
	assert_page_count(&values[1]);
	perf_group_close(group);
}

/* Nothing supported: every call succeeds and nothing is counted. */
static void test_nothing_supported(void **state)
{
	const char *const names[] = { "no-such-event", "nosuch:tracepoint" };
	struct perf_value values[2];
	struct perf_group *group;

	(void)state;
	group = count_touching(names, 2, values);
	assert_int_equal(group->leader_fd, -1);
	assert_false(values[0].counted);
	assert_false(values[1].counted);
	assert_true(strlen(group->events[1].reason) > 0);
	perf_group_close(group);
	perf_group_close(NULL);
}

/* Runs before tracefs_mounted() can mount it for this process. */
static void test_tracepoint_without_tracefs(void **state)
{
	const char *const names[] = { "kmem:mm_page_alloc", "page-faults" };
	struct perf_value values[2];
	struct perf_group *group;

	(void)state;
	if (perf_tracefs_root())
		skip();
	group = count_touching(names, 2, values);
	assert_false(group->events[0].supported);
	assert_false(values[0].counted);
	if (!strstr(group->events[0].reason, "tracefs is not mounted"))
		fail_msg("reason: '%s'", group->events[0].reason);
	assert_page_count(&values[1]);
	perf_group_close(group);
}

/* Mounts tracefs in a mount namespace of this process's own when root and
 * it is not mounted, leaving the machine's mounts alone. */
static bool tracefs_mounted(void)
{
	if (perf_tracefs_root())
		return true;
	if (geteuid() != 0 || unshare(CLONE_NEWNS) != 0 ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0 ||
	    mount("nodev", "/sys/kernel/tracing", "tracefs", 0, NULL) != 0)
		return false;
	return perf_tracefs_root() != NULL;
}

static void test_tracepoints(void **state)
{
	const char *const names[] = { "kmem:mm_page_alloc", "page-faults",
				      "kmem:no_such_event",
				      "kmem:mm_page_free" };
	struct perf_value values[4];
	struct perf_group *group;

	(void)state;
	if (!tracefs_mounted())
		skip();
	group = count_touching(names, 4, values);
	for (size_t i = 0; i < 4; i++)
		if (i != 2 && !group->events[i].supported)
			fail_msg("%s: %s", names[i], group->events[i].reason);
	assert_string_equal(perf_type_name(group->events[0].type),
			    "tracepoint");
	/* One page allocated per fresh page, freed again by munmap. */
	assert_true(values[0].counted);
	if (values[0].raw < PAGES)
		fail_msg("kmem:mm_page_alloc %llu for %d fresh pages",
			 (unsigned long long)values[0].raw, PAGES);
	assert_true(values[3].counted);
	assert_true(values[3].raw > 0);
	assert_page_count(&values[1]);
	assert_false(group->events[2].supported);
	if (!strstr(group->events[2].reason, "tracepoint not found in"))
		fail_msg("reason: '%s'", group->events[2].reason);
	perf_group_close(group);
}

/*
 * A software leader with tracepoint siblings, as a sweep's events make it
 * ("page-faults" first), counted twice like two cases: the second count
 * must see the second round's pages too. Enabling each event of the group
 * (PERF_IOC_FLAG_GROUP, the leader first) left the tracepoint off until
 * this task was next switched in on 6.12, 6.18 and 7.3: 0 here.
 */
static void test_tracepoints_counted_again(void **state)
{
	const char *const names[] = { "page-faults", "kmem:mm_page_alloc" };
	struct perf_value values[2];
	struct perf_group *group;

	(void)state;
	if (!tracefs_mounted())
		skip();
	group = count_touching(names, 2, values);
	assert_true(group->events[1].supported);
	for (int round = 1; round <= 2; round++) {
		if (round == 2) {
			assert_int_equal(perf_group_reset(group), 0);
			assert_int_equal(perf_group_enable(group), 0);
			touch_fresh_pages(PAGES);
			assert_int_equal(perf_group_disable(group), 0);
			assert_int_equal(perf_group_read(group, values), 0);
		}
		assert_page_count(&values[0]);
		assert_true(values[1].counted);
		if (values[1].raw < PAGES)
			fail_msg("count %d: kmem:mm_page_alloc %llu for %d fresh pages",
				 round, (unsigned long long)values[1].raw,
				 PAGES);
	}
	perf_group_close(group);
}

/* CPU-wide on the CPU this thread is pinned to: needs root at
 * perf_event_paranoid > 0, and says so otherwise. */
static void test_cpu_wide(void **state)
{
	const char *const names[] = { "page-faults" };
	cpu_set_t saved, one;
	struct perf_value value;
	struct perf_group *group;
	int cpu = sched_getcpu();

	(void)state;
	assert_true(cpu >= 0);
	assert_int_equal(sched_getaffinity(0, sizeof(saved), &saved), 0);
	CPU_ZERO(&one);
	CPU_SET(cpu, &one);
	assert_int_equal(sched_setaffinity(0, sizeof(one), &one), 0);
	group = perf_group_open(names, 1, -1, cpu);
	if (!group->events[0].supported) {
		int paranoid;

		assert_int_not_equal(geteuid(), 0);
		assert_true(perf_event_paranoid(&paranoid) && paranoid > 0);
		if (!strstr(group->events[0].reason, "perf_event_paranoid="))
			fail_msg("reason: '%s'", group->events[0].reason);
	} else {
		assert_int_equal(perf_group_enable(group), 0);
		touch_fresh_pages(PAGES);
		assert_int_equal(perf_group_disable(group), 0);
		assert_int_equal(perf_group_read(group, &value), 0);
		assert_true(value.counted);
		if (value.raw < PAGES)
			fail_msg("%llu page faults on CPU %d for %d pages",
				 (unsigned long long)value.raw, cpu, PAGES);
	}
	perf_group_close(group);
	assert_int_equal(sched_setaffinity(0, sizeof(saved), &saved), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scale),
		cmocka_unit_test(test_is_tracepoint),
		cmocka_unit_test(test_page_faults),
		cmocka_unit_test(test_disable_and_reset),
		cmocka_unit_test(test_hardware_event),
		cmocka_unit_test(test_unknown_event),
		cmocka_unit_test(test_nothing_supported),
		cmocka_unit_test(test_tracepoint_without_tracefs),
		cmocka_unit_test(test_tracepoints),
		cmocka_unit_test(test_tracepoints_counted_again),
		cmocka_unit_test(test_cpu_wide),
	};

	return cmocka_run_group_tests_name("perf", tests, NULL, NULL);
}
