// SPDX-License-Identifier: GPL-2.0
/*
 * The functional cases of taking slots that the API suite (selftests/
 * api.c, natively in kunit.c) does not make: what the calls leave in an
 * arena's counters (debugfs stats), and the bytes past what clear()
 * touches. The calls' own results, every one, are that suite's.
 */
#define _GNU_SOURCE
#include <string.h>

#include <linux/err.h>

#include "functional.h"

/*
 * Failing calls are counted, and move the shared counter (next) neither
 * past the capacity, nor at all where they do not fit.
 */
void test_stats_failing_calls(void)
{
	struct atomic_arena *a = new_arena("fails", sizeof(long), 8, 5);
	long v = 42;
	int i;

	if (!a)
		return;
	atomic_arena_alloc(a, &v);
	atomic_arena_alloc(a, &v);
	CHECK(!atomic_arena_append(a, NULL, 4));
	CHECK(!atomic_arena_append(a, &v, ULONG_MAX));
	CHECK(!atomic_arena_reserve(a, 4));
	CHECK(!atomic_arena_reserve(a, ULONG_MAX));
	CHECK_EQ(stat_of("fails", "next"), 2);
	CHECK_EQ(stat_of("fails", "bulk_fails"), 4);

	/* Full: not even a failing single call moves it. */
	CHECK(atomic_arena_reserve(a, 3));
	for (i = 0; i < 1000; i++)
		atomic_arena_alloc(a, NULL);
	CHECK(!atomic_arena_append(a, &v, 1));
	CHECK(!atomic_arena_reserve(a, 1));
	CHECK_EQ(stat_of("fails", "next"), 5);
	CHECK_EQ(stat_of("fails", "overshoot_max"), 0);
	CHECK_EQ(stat_of("fails", "allocs"), 2);
	CHECK_EQ(stat_of("fails", "alloc_fails"), 1000);
	CHECK_EQ(stat_of("fails", "bulk"), 1);
	CHECK_EQ(stat_of("fails", "bulk_fails"), 6);
	atomic_arena_destroy(a);
}

/*
 * Calls that succeed are counted by kind, those of n == 0 not at all
 * (even on a full arena); a reset is counted and keeps the high water.
 */
void test_stats_counts(void)
{
	struct atomic_arena *a = new_arena("counts", sizeof(uint32_t), 4, 21);
	uint32_t src[20] = { 0 };

	if (!a)
		return;
	CHECK(atomic_arena_alloc(a, src));
	CHECK(atomic_arena_append(a, src, 20));
	CHECK(atomic_arena_append(a, NULL, 0) == ZERO_SIZE_PTR);
	CHECK(atomic_arena_reserve(a, 0) == ZERO_SIZE_PTR);
	CHECK_EQ(stat_of("counts", "allocs"), 1);
	CHECK_EQ(stat_of("counts", "bulk"), 1);
	CHECK_EQ(stat_of("counts", "bulk_fails"), 0);
	CHECK_EQ(stat_of("counts", "resets"), 0);
	atomic_arena_reset(a);
	CHECK(atomic_arena_reserve(a, 2));
	CHECK_EQ(stat_of("counts", "resets"), 1);
	CHECK_EQ(stat_of("counts", "in_use"), 2);
	CHECK_EQ(stat_of("counts", "high_water"), 21);
	atomic_arena_destroy(a);
}

/* clear() zeroes the slots in use; those past them keep their bytes. */
void test_clear_in_use_only(void)
{
	struct atomic_arena *a = new_arena("clear", 12, 4, 16);
	unsigned char *p;

	if (!a)
		return;
	p = atomic_arena_reserve(a, 16);
	if (!CHECK(p))
		goto out;
	memset(p, 0x5a, 16 * 12);
	atomic_arena_reset(a);
	CHECK(atomic_arena_reserve(a, 10) == p);
	atomic_arena_clear(a);
	/* Read through a new reservation, as a user would. */
	if (CHECK(atomic_arena_reserve(a, 16) == p)) {
		CHECK(all_bytes(p, 0, 10 * 12));
		CHECK(all_bytes(p + 10 * 12, 0x5a, 6 * 12));
	}
out:
	atomic_arena_destroy(a);
}
