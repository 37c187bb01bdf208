// SPDX-License-Identifier: GPL-2.0
/*
 * The test module's API suite, natively: selftests/api.c, unmodified, run
 * by selftests/test_kunit.c's fallback runner (CONFIG_KUNIT is not set
 * here), against the unmodified atomic_arena.c. Its KTAP goes to stdout,
 * as the kernel's log shows it; the exit status is 1 when a case failed.
 *
 * The cases are the kernel's; this adds to each what only user space can
 * check: that it left no arena storage allocated, nor any arena in
 * debugfs (shim_allocations(), the "arenas" file).
 */
#include <stdio.h>
#include <stdlib.h>

#include <linux/kernel.h>

#include "../../selftests/test_atomic_arena.h"
#include "../shim/shim.h"

/* The "arenas" file lists one arena a line under its header. */
static int arenas_listed(void)
{
	char *text, *c;
	int lines = 0;

	if (shim_debugfs_read("atomic_arena/arenas", 0, &text))
		return -1;
	for (c = text; *c; c++)
		lines += *c == '\n';
	free(text);
	return lines - 1;
}

static int no_leak_init(struct kunit *test)
{
	test->priv = (void *)shim_allocations();
	return 0;
}

static void no_leak_exit(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, shim_allocations(), (long)test->priv);
	KUNIT_EXPECT_EQ(test, arenas_listed(), 0);
}

int main(int argc, char **argv)
{
	struct kunit_suite *suites[] = { &aa_api_suite };
	int failed;

	shim_set_nr_cpus(4);
	if (shim_module_init())
		return 1;
	shim_set_cpu(0);
	aa_api_suite.init = no_leak_init;
	aa_api_suite.exit = no_leak_exit;
	shim_printk_console(true);
	failed = aa_kunit_run_suites(suites, ARRAY_SIZE(suites));
	aa_kunit_exit_suites(suites, ARRAY_SIZE(suites));
	shim_printk_console(false);
	shim_module_exit();
	return failed ? 1 : 0;
}
