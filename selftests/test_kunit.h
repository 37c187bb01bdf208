/* SPDX-License-Identifier: GPL-2.0 */
/*
 * test_kunit.h - the KUnit API that the test module's cases are written
 * against, on every kernel.
 *
 * Where KUnit is built in (the kernels scripts/build-kernel.sh builds, with
 * CONFIG_KUNIT=y), this is <kunit/test.h> itself: KUnit runs the suites,
 * prints their KTAP and keeps each suite's results in debugfs
 * (kunit/<suite>/results). Debian's stock kernels have KUnit off (or as a
 * module, which insmod would not load for us); there the subset of the API
 * that the cases use is defined below under the same names, with the same
 * KTAP output, on top of a small runner (test_kunit.c). The cases are one
 * source for both. What the fallback does not provide (KUNIT_ASSERT_*,
 * kunit_skip(), which ends a case from anywhere, resources, parameterised
 * cases) the cases do not use: a case that skips calls
 * kunit_mark_skipped() and returns.
 *
 * aa_kunit_run_suites() runs an array of suites and prints one KTAP report
 * with each suite as a subtest, as KUnit does for a module;
 * aa_kunit_exit_suites() undoes it at unload (KUnit's debugfs files).
 */
#ifndef _TEST_KUNIT_H
#define _TEST_KUNIT_H

#include <linux/kconfig.h>

#if IS_BUILTIN(CONFIG_KUNIT)

#include <kunit/test.h>

#define AA_KUNIT_RUNNER	"KUnit"

#else /* !IS_BUILTIN(CONFIG_KUNIT): the fallback */

#include <linux/compiler.h>
#include <linux/err.h>
#include <linux/printk.h>
#include <linux/string.h>
#include <linux/types.h>

#define AA_KUNIT_RUNNER	"test_kunit.h's fallback"

#define KUNIT_SUBTEST_INDENT		"    "
#define KUNIT_SUBSUBTEST_INDENT		"        "
#define KUNIT_STATUS_COMMENT_SIZE	256

enum kunit_status {
	KUNIT_SUCCESS,
	KUNIT_FAILURE,
	KUNIT_SKIPPED,
};

/* The running case; as KUnit's, less its resources and try-catch. */
struct kunit {
	void *priv;
	/* private: internal use only */
	const char *name;
	enum kunit_status status;
	char status_comment[KUNIT_STATUS_COMMENT_SIZE];
	bool failed;
};

struct kunit_case {
	void (*run_case)(struct kunit *test);
	const char *name;
	/* private: internal use only */
	enum kunit_status status;
};

struct kunit_suite {
	const char name[256];
	int (*suite_init)(struct kunit_suite *suite);
	void (*suite_exit)(struct kunit_suite *suite);
	int (*init)(struct kunit *test);
	void (*exit)(struct kunit *test);
	struct kunit_case *test_cases;
	/* private: internal use only */
	int suite_init_err;
};

#define KUNIT_CASE(test_name) { .run_case = test_name, .name = #test_name }
/* KUnit's attribute (over a second under emulation); nothing here. */
#define KUNIT_CASE_SLOW(test_name) KUNIT_CASE(test_name)

void aa_kunit_mark_skipped(struct kunit *test, const char *fmt, ...)
	__printf(2, 3);

/* Marks the case skipped (unless it failed); the case then returns. */
#define kunit_mark_skipped(test, fmt, ...) \
	aa_kunit_mark_skipped(test, fmt, ##__VA_ARGS__)

void aa_kunit_info(const struct kunit *test, const char *fmt, ...)
	__printf(2, 3);

/* "    # <case>: <message>", as KUnit prints it, whatever the pr_fmt. */
#define kunit_info(test, fmt, ...) aa_kunit_info(test, fmt, ##__VA_ARGS__)

void aa_kunit_fail(struct kunit *test, const char *file, int line,
		   const char *fmt, ...) __printf(4, 5);

#define KUNIT_FAIL(test, fmt, ...) \
	aa_kunit_fail(test, __FILE__, __LINE__, fmt, ##__VA_ARGS__)

#define KUNIT_EXPECT_TRUE_MSG(test, cond, fmt, ...)			\
	do {								\
		if (!(cond))						\
			aa_kunit_fail(test, __FILE__, __LINE__,		\
				KUNIT_SUBTEST_INDENT "Expected %s to be true, but is false\n" \
				KUNIT_SUBTEST_INDENT fmt, #cond, ##__VA_ARGS__); \
	} while (0)

#define KUNIT_EXPECT_TRUE(test, cond)					\
	do {								\
		if (!(cond))						\
			aa_kunit_fail(test, __FILE__, __LINE__,		\
				KUNIT_SUBTEST_INDENT "Expected %s to be true, but is false", \
				#cond);					\
	} while (0)

#define KUNIT_EXPECT_FALSE(test, cond)					\
	do {								\
		if (cond)						\
			aa_kunit_fail(test, __FILE__, __LINE__,		\
				KUNIT_SUBTEST_INDENT "Expected %s to be false, but is true", \
				#cond);					\
	} while (0)

/* Integer comparisons in their own types, printed as KUnit does. */
#define AA_KUNIT_BINARY(test, left, op, right)				\
	do {								\
		const typeof(left) __left = (left);			\
		const typeof(right) __right = (right);			\
									\
		if (!(__left op __right))				\
			aa_kunit_fail(test, __FILE__, __LINE__,		\
				KUNIT_SUBTEST_INDENT "Expected %s %s %s, but\n" \
				KUNIT_SUBSUBTEST_INDENT "%s == %lld (0x%llx)\n" \
				KUNIT_SUBSUBTEST_INDENT "%s == %lld (0x%llx)", \
				#left, #op, #right,			\
				#left, (long long)__left, (long long)__left, \
				#right, (long long)__right, (long long)__right); \
	} while (0)

#define KUNIT_EXPECT_EQ(test, left, right) AA_KUNIT_BINARY(test, left, ==, right)
#define KUNIT_EXPECT_NE(test, left, right) AA_KUNIT_BINARY(test, left, !=, right)
#define KUNIT_EXPECT_LT(test, left, right) AA_KUNIT_BINARY(test, left, <, right)
#define KUNIT_EXPECT_LE(test, left, right) AA_KUNIT_BINARY(test, left, <=, right)
#define KUNIT_EXPECT_GT(test, left, right) AA_KUNIT_BINARY(test, left, >, right)
#define KUNIT_EXPECT_GE(test, left, right) AA_KUNIT_BINARY(test, left, >=, right)

#define AA_KUNIT_PTR(test, left, op, right)				\
	do {								\
		const void *__left = (left);				\
		const void *__right = (right);				\
									\
		if (!(__left op __right))				\
			aa_kunit_fail(test, __FILE__, __LINE__,		\
				KUNIT_SUBTEST_INDENT "Expected %s %s %s, but\n" \
				KUNIT_SUBSUBTEST_INDENT "%s == %p\n"	\
				KUNIT_SUBSUBTEST_INDENT "%s == %p",	\
				#left, #op, #right, #left, __left,	\
				#right, __right);			\
	} while (0)

#define KUNIT_EXPECT_PTR_EQ(test, left, right) AA_KUNIT_PTR(test, left, ==, right)
#define KUNIT_EXPECT_PTR_NE(test, left, right) AA_KUNIT_PTR(test, left, !=, right)
#define KUNIT_EXPECT_NULL(test, ptr) AA_KUNIT_PTR(test, ptr, ==, NULL)
#define KUNIT_EXPECT_NOT_NULL(test, ptr) AA_KUNIT_PTR(test, ptr, !=, NULL)

#define KUNIT_EXPECT_NOT_ERR_OR_NULL(test, ptr)				\
	do {								\
		const void *__ptr = (ptr);				\
									\
		if (IS_ERR_OR_NULL(__ptr))				\
			aa_kunit_fail(test, __FILE__, __LINE__,		\
				KUNIT_SUBTEST_INDENT "Expected %s is not error, but is: %ld", \
				#ptr, PTR_ERR(__ptr));			\
	} while (0)

#define KUNIT_EXPECT_STREQ(test, left, right)				\
	do {								\
		const char *__left = (left);				\
		const char *__right = (right);				\
									\
		if (strcmp(__left, __right))				\
			aa_kunit_fail(test, __FILE__, __LINE__,		\
				KUNIT_SUBTEST_INDENT "Expected %s == %s, but\n" \
				KUNIT_SUBSUBTEST_INDENT "%s == \"%s\"\n" \
				KUNIT_SUBSUBTEST_INDENT "%s == \"%s\"",	\
				#left, #right, #left, __left, #right, __right); \
	} while (0)

enum kunit_status kunit_suite_has_succeeded(struct kunit_suite *suite);

#endif /* IS_BUILTIN(CONFIG_KUNIT) */

/*
 * aa_check() - KUNIT_EXPECT_TRUE() that also yields the condition, for a
 * case that goes on only when a check passed: if (!aa_check(test, p)) ...
 */
#define aa_check(test, cond)						\
	({								\
		bool __aa_ok = !!(cond);				\
									\
		KUNIT_EXPECT_TRUE_MSG(test, __aa_ok, "%s", #cond);	\
		__aa_ok;						\
	})

int aa_kunit_run_suites(struct kunit_suite **suites, int n);
void aa_kunit_exit_suites(struct kunit_suite **suites, int n);

#endif /* _TEST_KUNIT_H */
