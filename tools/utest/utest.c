// SPDX-License-Identifier: GPL-2.0
/*
 * The native programs' test harness (utest.h): the KTAP result lines of
 * the functional cases and of the stress test's checks.
 */
#include <stdarg.h>

#include "utest.h"

int utest_case_failed;

void utest_result(bool ok, int n, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d ", ok ? "" : "not ", n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

int utest_run(const char *suite, const struct utest_case *c, int n)
{
	int i, failed = 0;

	printf("KTAP version 1\n# suite: %s\n1..%d\n", suite, n);
	for (i = 0; i < n; i++) {
		utest_case_failed = 0;
		c[i].fn();
		utest_result(!utest_case_failed, i + 1, "%s", c[i].name);
		failed += utest_case_failed;
	}
	printf("# %s: %d passed, %d failed\n", suite, n - failed, failed);
	return failed;
}
