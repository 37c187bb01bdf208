// SPDX-License-Identifier: GPL-2.0
/*
 * main.c - entry point of test_atomic_arena.ko: runs the suites at load
 * time, under KUnit where it is built in and under test_kunit.h's fallback
 * elsewhere, which print the same KTAP report (one subtest per suite) to
 * the kernel log; the load fails with -EINVAL when any case failed, as
 * kselftest test modules do.
 *
 * The suites: the API (api.c), calls from other contexts (contexts.c),
 * many kthreads at once (concurrency.c), the limits of the arithmetic
 * (limits.c), and the stress rounds (hammer.c), which run unless
 * hammer_rounds=0. When everything passed, the module keeps a fixture
 * arena (fixture.c) alive until it is unloaded, so that
 * selftests/atomic_arena.sh can check its debugfs files against the
 * figures printed here; so are the storm and race arenas of the
 * concurrency suite and the hammer's, all left full, whose raw counters
 * only debugfs shows.
 *
 * With fault_injection=1 only the fault-injection suite runs, and the load
 * succeeds whatever its result (the KTAP tells): the script that armed the
 * fault unloads the module again. observe=1 is run the same way: it
 * provokes every trace event and leaves the arenas of the data files
 * (observe.c). With leak_arena=1 the module only creates an arena that it
 * never destroys, so that the script can check that unloading atomic_arena
 * frees it. Registration goes one way: main.c names the suites; the
 * suites' files know nothing of main.c.
 */

#define pr_fmt(fmt) fmt

#include <linux/err.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/printk.h>

#include "../atomic_arena.h"
#include "test_atomic_arena.h"

static bool fault_injection;
module_param(fault_injection, bool, 0444);
MODULE_PARM_DESC(fault_injection, "Only run the case for an armed atomic_arena/fail_create");

static bool observe;
module_param(observe, bool, 0444);
MODULE_PARM_DESC(observe, "Only provoke every trace event, and leave the arenas that the data files show");

static bool leak_arena;
module_param(leak_arena, bool, 0444);
MODULE_PARM_DESC(leak_arena, "Only leave an arena behind, on purpose, at unload");

static struct kunit_suite *main_suites[] = {
	&aa_api_suite,
	&aa_contexts_suite,
	&aa_concurrency_suite,
	&aa_limits_suite,
	&aa_hammer_suite,	/* last: left out when hammer_rounds=0 */
};

static struct kunit_suite *fault_suites[] = { &aa_fault_suite };
static struct kunit_suite *observe_suites[] = { &aa_observe_suite };

/* The suites this load ran, for aa_kunit_exit_suites() at unload. */
static struct kunit_suite **ran;
static int nr_ran;

static int __init test_atomic_arena_init(void)
{
	int failed;

	if (leak_arena)
		return PTR_ERR_OR_ZERO(atomic_arena_create("selftest-leaked", 8,
							   8, 16));
	if (fault_injection || observe) {
		ran = observe ? observe_suites : fault_suites;
		nr_ran = 1;
		failed = aa_kunit_run_suites(ran, nr_ran);
		/* The script that asked reads the result from the KTAP. */
		return failed < 0 ? failed : 0;
	}

	ran = main_suites;
	nr_ran = ARRAY_SIZE(main_suites) - !aa_hammer_enabled();
	failed = aa_kunit_run_suites(ran, nr_ran);
	pr_info("# test_atomic_arena: %s ran %d suites, %d failed\n",
		AA_KUNIT_RUNNER, nr_ran, max(failed, 0));
	if (failed) {
		aa_kunit_exit_suites(ran, nr_ran);
		aa_concurrency_cleanup();
		aa_hammer_cleanup();
		return failed < 0 ? failed : -EINVAL;
	}
	return aa_make_fixture();
}

static void __exit test_atomic_arena_exit(void)
{
	aa_kunit_exit_suites(ran, nr_ran);
	aa_observe_cleanup();
	aa_destroy_fixture();
	aa_concurrency_cleanup();
	aa_hammer_cleanup();
}

module_init(test_atomic_arena_init);
module_exit(test_atomic_arena_exit);

MODULE_DESCRIPTION("Functional and stress tests of atomic_arena (KTAP)");
MODULE_AUTHOR("atomic-arena developers");
MODULE_LICENSE("GPL");
