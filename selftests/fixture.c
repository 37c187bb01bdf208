// SPDX-License-Identifier: GPL-2.0
/*
 * fixture.c - the arena left for the script's debugfs checks, and the
 * fault-injection suite
 */

/* Messages nest under the suite's subtest (KUnit's indent) in the KTAP. */
#define pr_fmt(fmt) "    " fmt

#include <linux/err.h>

#include "../atomic_arena.h"
#include "test_atomic_arena.h"

/* ---------------------------------------------------------------------- */
/* debugfs fixture                                                         */

/*
 * An arena left alive while the module is loaded, with a known history, so
 * that selftests/atomic_arena.sh can check its debugfs files from user
 * space (the kernel cannot read debugfs files itself: kernel_read() needs
 * ->read_iter). Expected figures: capacity 6, elem_size/stride/align 8,
 * in_use 2, high_water 6, storage_bytes 48, allocs 3, alloc_fails 2,
 * bulk 2, bulk_fails 1, resets 1. The script checks them; keep both in step.
 */
static struct atomic_arena *fixture;

/* Creates the fixture arena; destroyed by aa_destroy_fixture(). */
int aa_make_fixture(void)
{
	u64 v = 5, src[3] = { 0 };

	fixture = atomic_arena_create("selftest-fixture", 8, 8, 6);
	if (IS_ERR(fixture))
		return PTR_ERR(fixture);
	atomic_arena_alloc(fixture, &v);
	atomic_arena_alloc(fixture, &v);
	atomic_arena_append(fixture, src, 3);	/* bulk ok */
	atomic_arena_reserve(fixture, 2);	/* bulk fail: 1 left */
	atomic_arena_alloc(fixture, &v);	/* last slot */
	atomic_arena_alloc(fixture, &v);	/* fail */
	atomic_arena_alloc(fixture, &v);	/* fail */
	atomic_arena_reset(fixture);
	atomic_arena_reserve(fixture, 2);	/* bulk ok */
	return 0;
}

void aa_destroy_fixture(void)
{
	atomic_arena_destroy(fixture);
	fixture = NULL;
}

static void create_injected_failure(struct kunit *test)
{
	struct atomic_arena *a;

	a = atomic_arena_create("fault-injected", 8, 8, 16);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(a), -ENOMEM);
	if (!IS_ERR(a))
		atomic_arena_destroy(a);
	/* The failure left nothing behind: the same create now succeeds. */
	a = new_arena(test, "fault-injected", 8, 8, 16);
	if (a)
		KUNIT_EXPECT_TRUE(test, atomic_arena_alloc(a, NULL));
	atomic_arena_destroy(a);
}

static struct kunit_case aa_fault_cases[] = {
	KUNIT_CASE(create_injected_failure),
	{}
};

struct kunit_suite aa_fault_suite = {
	.name = "atomic_arena_fault",
	.test_cases = aa_fault_cases,
};
