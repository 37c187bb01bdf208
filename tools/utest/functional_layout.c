// SPDX-License-Identifier: GPL-2.0
/*
 * The functional cases of where slots are that the API suite (selftests/
 * api.c) does not make: the stride and storage an arena reports, and the
 * typed wrapper's (DEFINE_ATOMIC_ARENA()) inline alloc in both modes.
 */
#include <linux/err.h>

#include "functional.h"

/*
 * Packed 10-byte elements at an alignment of 8: a stride of 16, and the
 * storage that takes. Where the slots are, and at() and index() at every
 * edge, are the API suite's (selftests/api.c, natively in kunit.c).
 */
void test_stride_stats(void)
{
	struct atomic_arena *a = new_arena("stride", 10, 8, 8);

	CHECK_EQ(stat_of("stride", "elem_size"), 10);
	CHECK_EQ(stat_of("stride", "stride"), 16);
	CHECK_EQ(stat_of("stride", "storage_bytes"), 8 * 16);
	atomic_arena_destroy(a);
}

/* The typed wrapper's inline alloc, in both modes. */
void test_typed_inline(void)
{
	unsigned int flags[] = { 0, ATOMIC_ARENA_PERCPU }, f;
	struct point v = { 3, 4, 5 }, *p;
	struct point_arena *pa;
	int i, n;

	for (f = 0; f < 2; f++) {
		pa = point_arena_create_flags("typed-inline", 64, flags[f]);
		if (!CHECK(!IS_ERR(pa)))
			return;
		for (n = 0; n < 100; n++) {
			shim_set_cpu(n % 3);
			v.x = n;
			p = point_arena_alloc(pa, (n & 1) ? &v : NULL);
			if (!p)
				break;
			CHECK_EQ(p->x, (n & 1) ? n : 0);
			CHECK_EQ(p->weight, (n & 1) ? 5 : 0);
			CHECK_EQ(point_arena_index(pa, p) >= 0, 1);
		}
		CHECK_EQ(n, 64);
		CHECK_EQ(point_arena_len(pa), 64);
		CHECK_EQ(stat_of("typed-inline", "allocs"), 64);
		CHECK_EQ(stat_of("typed-inline", "alloc_fails"), 1);
		for (i = 0; i < 64; i++)
			CHECK(point_arena_at(pa, i));
		point_arena_reset(pa);
		CHECK_EQ(point_arena_len(pa), 0);
		shim_set_cpu(0);
		point_arena_destroy(pa);
	}
}
