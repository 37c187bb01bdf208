/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The functional cases (functional.c runs them), by API area in
 * functional_*.c: what they share, and each area's cases. The API's calls
 * and their results are the test module's API suite (selftests/api.c),
 * which tools/utest/kunit.c runs natively; these check what it cannot.
 */
#ifndef _FUNCTIONAL_H
#define _FUNCTIONAL_H

#include <linux/err.h>

#include "../../atomic_arena.h"
#include "utest.h"

#define ZERO_SIZE_PTR	((void *)16)

/*
 * The typed wrapper's element and arena (here, where clang does not count
 * the wrapper's functions that a case leaves unused).
 */
struct point {
	int32_t x, y;
	uint64_t weight;
};

DEFINE_ATOMIC_ARENA(point, struct point);

/* atomic_arena_create(), or NULL and the case failed. */
static inline struct atomic_arena *new_arena(const char *name, size_t size,
					     size_t align, unsigned long cap)
{
	struct atomic_arena *a = atomic_arena_create(name, size, align, cap);

	if (!CHECK(!IS_ERR(a))) {
		printf("# create(%s): %ld\n", name, PTR_ERR(a));
		return NULL;
	}
	return a;
}

/* Whether @n bytes at @p all equal @c. */
static inline bool all_bytes(const void *p, int c, size_t n)
{
	const unsigned char *b = p;

	while (n--)
		if (*b++ != (unsigned char)c)
			return false;
	return true;
}

/* The value of "key:" in an arena's debugfs stats, or -1. */
static inline long stat_of(const char *name, const char *key)
{
	return shim_arena_stat(name, key);
}

/* functional_create.c */
void test_create_longest_name(void);
void test_create_nomem(void);
void test_create_injected_failure(void);
void test_module_exit_frees_leaks(void);

/* functional_alloc.c */
void test_stats_failing_calls(void);
void test_stats_counts(void);
void test_clear_in_use_only(void);

/* functional_layout.c */
void test_stride_stats(void);
void test_typed_inline(void);

/* functional_debugfs.c */
void test_debugfs(void);
void test_debugfs_data(void);

/* functional_percpu.c */
void test_percpu_create(void);
void test_percpu_holes(void);
void test_percpu_data(void);
void test_percpu_steal(void);

#endif /* _FUNCTIONAL_H */
