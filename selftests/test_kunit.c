// SPDX-License-Identifier: GPL-2.0
/*
 * test_kunit.c - runs the test module's suites: under KUnit where it is
 * built in, else under test_kunit.h's fallback, which prints the same
 * KTAP as KUnit does for a module's suites:
 *
 *	KTAP version 1
 *	1..<suites>
 *	    KTAP version 1
 *	    # Subtest: <suite>
 *	    1..<cases>
 *	    ok 1 <case>
 *	    not ok 2 <case>
 *	# <suite>: pass:1 fail:1 skip:0 total:2
 *	not ok 1 <suite>
 */

#define pr_fmt(fmt) fmt

#include <linux/kernel.h>
#include <linux/printk.h>

#include "test_kunit.h"

#if IS_BUILTIN(CONFIG_KUNIT)

/*
 * KUnit runs a module's own suites from its module notifier; these are run
 * on request instead (the module's parameters choose them), through the
 * same entry point. Booted with kunit.enable=0, KUnit runs nothing and
 * prints no result: the report then falls short of its plan, which its
 * readers count as a failure.
 */
static int run_all(struct kunit_suite **suites, int n)
{
	return __kunit_test_suites_init(suites, n, true);
}

void aa_kunit_exit_suites(struct kunit_suite **suites, int n)
{
	__kunit_test_suites_exit(suites, n);
}

#else /* the fallback runner */

void aa_kunit_fail(struct kunit *test, const char *file, int line,
		   const char *fmt, ...)
{
	char msg[512], *rest = msg, *l;
	va_list args;

	test->failed = true;
	va_start(args, fmt);
	vscnprintf(msg, sizeof(msg), fmt, args);
	va_end(args);
	pr_info(KUNIT_SUBTEST_INDENT "# %s: EXPECTATION FAILED at %s:%d\n",
		test->name, file, line);
	/* One record per line, as KUnit prints its string stream. */
	while ((l = strsep(&rest, "\n")))
		pr_info(KUNIT_SUBTEST_INDENT "%s\n", l);
}

void aa_kunit_mark_skipped(struct kunit *test, const char *fmt, ...)
{
	va_list args;

	WRITE_ONCE(test->status, KUNIT_SKIPPED);
	va_start(args, fmt);
	vscnprintf(test->status_comment, sizeof(test->status_comment), fmt,
		   args);
	va_end(args);
}

void aa_kunit_info(const struct kunit *test, const char *fmt, ...)
{
	char msg[256];
	va_list args;

	va_start(args, fmt);
	vscnprintf(msg, sizeof(msg), fmt, args);
	va_end(args);
	pr_info(KUNIT_SUBTEST_INDENT "# %s: %s\n", test->name, msg);
}

enum kunit_status kunit_suite_has_succeeded(struct kunit_suite *suite)
{
	enum kunit_status status = KUNIT_SKIPPED;
	struct kunit_case *c;

	if (suite->suite_init_err)
		return KUNIT_FAILURE;
	for (c = suite->test_cases; c->run_case; c++) {
		if (c->status == KUNIT_FAILURE)
			return KUNIT_FAILURE;
		if (c->status == KUNIT_SUCCESS)
			status = KUNIT_SUCCESS;
	}
	return status;
}

static void print_result(const char *indent, enum kunit_status status,
			 unsigned int nr, const char *name, const char *skip)
{
	if (status == KUNIT_SKIPPED)
		pr_info("%sok %u %s # SKIP %s\n", indent, nr, name, skip);
	else
		pr_info("%s%s %u %s\n", indent,
			status == KUNIT_FAILURE ? "not ok" : "ok", nr, name);
}

static void run_case(struct kunit_suite *suite, struct kunit_case *c,
		     unsigned int nr, unsigned int stats[3])
{
	struct kunit test = { .name = c->name, .status = KUNIT_SUCCESS };
	enum kunit_status status;

	if (suite->init && suite->init(&test)) {
		KUNIT_FAIL(&test, "failed to initialize");
	} else {
		c->run_case(&test);
		if (suite->exit)
			suite->exit(&test);
	}
	/* A failed expectation stands, even in a case that then skipped. */
	status = test.failed ? KUNIT_FAILURE : test.status;
	c->status = status;
	stats[status]++;
	print_result(KUNIT_SUBTEST_INDENT, status, nr, c->name,
		     test.status_comment);
}

static void run_suite(struct kunit_suite *suite, unsigned int nr)
{
	unsigned int stats[3] = { 0 }, n = 0, i;
	struct kunit_case *c;

	for (c = suite->test_cases; c->run_case; c++)
		n++;
	pr_info(KUNIT_SUBTEST_INDENT "KTAP version 1\n");
	pr_info(KUNIT_SUBTEST_INDENT "# Subtest: %s\n", suite->name);
	pr_info(KUNIT_SUBTEST_INDENT "1..%u\n", n);
	suite->suite_init_err = suite->suite_init ?
				suite->suite_init(suite) : 0;
	if (suite->suite_init_err) {
		pr_info(KUNIT_SUBTEST_INDENT "# failed to initialize (%d)\n",
			suite->suite_init_err);
	} else {
		for (i = 0; i < n; i++)
			run_case(suite, &suite->test_cases[i], i + 1, stats);
		if (suite->suite_exit)
			suite->suite_exit(suite);
	}
	pr_info("# %s: pass:%u fail:%u skip:%u total:%u\n", suite->name,
		stats[KUNIT_SUCCESS], stats[KUNIT_FAILURE],
		stats[KUNIT_SKIPPED], n);
	print_result("", kunit_suite_has_succeeded(suite), nr, suite->name,
		     "");
}

static int run_all(struct kunit_suite **suites, int n)
{
	int i;

	for (i = 0; i < n; i++)
		run_suite(suites[i], i + 1);
	return 0;
}

void aa_kunit_exit_suites(struct kunit_suite **suites, int n)
{
}

#endif /* IS_BUILTIN(CONFIG_KUNIT) */

int aa_kunit_run_suites(struct kunit_suite **suites, int n)
{
	int i, err, failed = 0;

	/* The header kunit_exec_run_tests() prints before a module's suites. */
	pr_info("KTAP version 1\n");
	pr_info("1..%d\n", n);
	err = run_all(suites, n);
	if (err)
		return err;
	for (i = 0; i < n; i++)
		if (kunit_suite_has_succeeded(suites[i]) == KUNIT_FAILURE)
			failed++;
	return failed;
}
