// SPDX-License-Identifier: GPL-2.0
/*
 * The API's rules, natively: every error code and rule of the in-kernel
 * functional suite that needs no kernel (creation errors, capacity, bulk
 * all-or-nothing, reset and clear, layout, lookups, the typed wrapper,
 * debugfs, fault injection, the module's exit), against the unmodified
 * atomic_arena.c. Single-threaded; tools/utest/stress.c races it.
 *
 * The cases are in functional_*.c, by API area (functional.h); this is
 * their order, which the KTAP report numbers.
 */
#include "functional.h"

int main(void)
{
	static const struct utest_case cases[] = {
		UTEST_CASE(test_create_bad_input),
		UTEST_CASE(test_create_nomem),
		UTEST_CASE(test_create_duplicate),
		UTEST_CASE(test_destroy_null),
		UTEST_CASE(test_alloc_int),
		UTEST_CASE(test_alloc_struct),
		UTEST_CASE(test_alloc_past_capacity),
		UTEST_CASE(test_alloc_null_zeroes),
		UTEST_CASE(test_reset_reuse),
		UTEST_CASE(test_clear),
		UTEST_CASE(test_append_order),
		UTEST_CASE(test_append_past_capacity),
		UTEST_CASE(test_bulk_zero_and_null),
		UTEST_CASE(test_reserve),
		UTEST_CASE(test_stride_align),
		UTEST_CASE(test_at_index_edges),
		UTEST_CASE(test_typed_wrapper),
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
