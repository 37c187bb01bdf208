// SPDX-License-Identifier: GPL-2.0
/*
 * main.c - entry point of test_atomic_arena.ko: runs every case at load
 * time and prints one KTAP line per case to the kernel log; the load fails
 * with -EINVAL when any case failed, as kselftest test modules do.
 *
 * The functional cases (functional.c) and those at the limits of the
 * arithmetic (limits.c) always run; the stress cases
 * (hammer.c) run unless hammer_rounds=0. When everything passed, the
 * module keeps a fixture arena (and the hammer's arena) alive until it is
 * unloaded, so that selftests/atomic_arena.sh can check their debugfs
 * files against the figures printed here; so are the storm arena of
 * failures_do_not_accumulate and the hammer's, both left full, whose raw
 * counters only debugfs shows.
 *
 * With fault_injection=1 only the fault-injection case runs, and the load
 * succeeds whatever its result (the KTAP line tells): the script that armed
 * the fault unloads the module again. observe=1 is run the same way: it
 * provokes every trace event and leaves the arenas of the data files
 * (observe.c). With leak_arena=1 the module only
 * creates an arena that it never destroys, so that the script can check
 * that unloading atomic_arena frees it.
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

/* State of the case being run. */
static unsigned int case_checks_failed;
static const char *case_skip;

bool aa_test_check(bool ok, const char *what, const char *fn, int line)
{
	if (!ok) {
		pr_info("# %s:%d: check failed: %s\n", fn, line, what);
		case_checks_failed++;
	}
	return ok;
}

/* Reports the running case as skipped, unless one of its checks failed. */
void aa_test_skip(const char *why)
{
	case_skip = why;
}

/* Runs @n cases numbered from @first; returns the number that failed. */
static unsigned int run_cases(const struct aa_test_case *cases,
			      unsigned int n, unsigned int first,
			      unsigned int *skipped)
{
	unsigned int i, failed = 0;

	for (i = 0; i < n; i++) {
		case_checks_failed = 0;
		case_skip = NULL;
		cases[i].fn();
		if (case_checks_failed) {
			failed++;
			pr_info("not ok %u %s\n", first + i, cases[i].name);
		} else if (case_skip) {
			(*skipped)++;
			pr_info("ok %u %s # SKIP %s\n", first + i,
				cases[i].name, case_skip);
		} else {
			pr_info("ok %u %s\n", first + i, cases[i].name);
		}
	}
	return failed;
}

static int __init test_atomic_arena_init(void)
{
	unsigned int hammer = aa_hammer_enabled() ? aa_hammer_count : 0;
	unsigned int first_hammer = aa_functional_count + aa_limits_count + 1;
	unsigned int total = first_hammer - 1 + hammer;
	unsigned int failed, skipped = 0;

	if (leak_arena)
		return PTR_ERR_OR_ZERO(atomic_arena_create("selftest-leaked", 8,
							   8, 16));
	if (fault_injection || observe) {
		const struct aa_test_case *only = observe ? aa_observe_cases :
							    aa_fault_cases;
		unsigned int n = observe ? aa_observe_count : aa_fault_count;

		pr_info("KTAP version 1\n");
		pr_info("1..%u\n", n);
		run_cases(only, n, 1, &skipped);
		return 0;
	}

	pr_info("KTAP version 1\n");
	pr_info("1..%u\n", total);
	failed = run_cases(aa_functional_cases, aa_functional_count, 1,
			   &skipped);
	failed += run_cases(aa_limits_cases, aa_limits_count,
			    aa_functional_count + 1, &skipped);
	failed += run_cases(aa_hammer_cases, hammer, first_hammer, &skipped);
	pr_info("# atomic_arena: pass:%u fail:%u skip:%u\n",
		total - failed - skipped, failed, skipped);
	if (failed) {
		aa_destroy_fixture();
		aa_hammer_cleanup();
		return -EINVAL;
	}
	return aa_make_fixture();
}

static void __exit test_atomic_arena_exit(void)
{
	aa_observe_cleanup();
	aa_destroy_fixture();
	aa_hammer_cleanup();
}

module_init(test_atomic_arena_init);
module_exit(test_atomic_arena_exit);

MODULE_DESCRIPTION("Functional and stress tests of atomic_arena (KTAP)");
MODULE_AUTHOR("atomic-arena developers");
MODULE_LICENSE("GPL");
