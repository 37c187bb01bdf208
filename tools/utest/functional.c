// SPDX-License-Identifier: GPL-2.0
/*
 * The API's rules, natively, beyond the test module's API suite (selftests/
 * api.c, which tools/utest/kunit.c runs here unmodified): what only user
 * space reads back (the counters in debugfs, the bytes clear() leaves,
 * MemAvailable's edge), debugfs, fault injection, the per-CPU mode, the
 * typed wrapper's inline alloc and the module's exit, against the
 * unmodified atomic_arena.c. Single-threaded; tools/utest/stress.c races
 * it.
 *
 * The cases are in functional_*.c, by API area (functional.h); this is
 * their order, which the KTAP report numbers.
 */
#include "functional.h"

int main(void)
{
	static const struct utest_case cases[] = {
		UTEST_CASE(test_create_longest_name),
		UTEST_CASE(test_create_nomem),
		UTEST_CASE(test_stats_failing_calls),
		UTEST_CASE(test_stats_counts),
		UTEST_CASE(test_clear_in_use_only),
		UTEST_CASE(test_stride_stats),
		UTEST_CASE(test_debugfs),
		UTEST_CASE(test_debugfs_data),
		UTEST_CASE(test_create_injected_failure),
		UTEST_CASE(test_percpu_create),
		UTEST_CASE(test_percpu_holes),
		UTEST_CASE(test_percpu_data),
		UTEST_CASE(test_percpu_steal),
		UTEST_CASE(test_typed_inline),
		UTEST_CASE(test_module_exit_frees_leaks),
	};

	shim_set_nr_cpus(4);
	if (shim_module_init())
		return 1;
	shim_set_cpu(0);
	return utest_run("functional", cases, ARRAY_SIZE(cases)) ? 1 : 0;
}
