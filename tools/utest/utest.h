/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A few lines of test harness for the native programs: CHECK() records a
 * failure with its place and goes on, each case is one KTAP result line.
 */
#ifndef _UTEST_H
#define _UTEST_H

#include <stdio.h>
#include <stdlib.h>

#include "../shim/shim.h"

static int utest_case_failed;

#define CHECK(cond) ({							\
	bool __ok = (cond);						\
	if (!__ok) {							\
		utest_case_failed = 1;					\
		printf("# %s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, \
		       #cond);						\
	}								\
	__ok; })

/* CHECK_EQ(a, b): both values printed when they differ. */
#define CHECK_EQ(a, b) ({						\
	long long __a = (long long)(a), __b = (long long)(b);		\
	bool __ok = __a == __b;						\
	if (!__ok) {							\
		utest_case_failed = 1;					\
		printf("# %s:%d: %s == %lld, want %s == %lld\n",	\
		       __FILE__, __LINE__, #a, __a, #b, __b);		\
	}								\
	__ok; })

struct utest_case {
	const char *name;
	void (*fn)(void);
};

#define UTEST_CASE(fn)	{ #fn, fn }

/* Runs @n cases as a KTAP report; returns the number that failed. */
static inline int utest_run(const char *suite, const struct utest_case *c,
			    int n)
{
	int i, failed = 0;

	printf("KTAP version 1\n# suite: %s\n1..%d\n", suite, n);
	for (i = 0; i < n; i++) {
		utest_case_failed = 0;
		c[i].fn();
		printf("%sok %d %s\n", utest_case_failed ? "not " : "", i + 1,
		       c[i].name);
		fflush(stdout);
		failed += utest_case_failed;
	}
	printf("# %s: %d passed, %d failed\n", suite, n - failed, failed);
	return failed;
}

#endif /* _UTEST_H */
