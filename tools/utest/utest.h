/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A few lines of test harness for the native programs: CHECK() records a
 * failure with its place and goes on, each case is one KTAP result line.
 * The harness itself is utest.c, linked into each program that uses it.
 */
#ifndef _UTEST_H
#define _UTEST_H

#include <stdio.h>
#include <stdlib.h>

#include <linux/kernel.h>

#include "../shim/shim.h"

/* Set by a failed CHECK(); utest_run() clears it before each case. */
extern int utest_case_failed;

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
int utest_run(const char *suite, const struct utest_case *c, int n);

/*
 * One KTAP result line: "ok @n " or "not ok @n ", then @fmt; flushed, so
 * that a crash after it leaves the line.
 */
void __printf(3, 4) utest_result(bool ok, int n, const char *fmt, ...);

#endif /* _UTEST_H */
