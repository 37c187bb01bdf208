// SPDX-License-Identifier: GPL-2.0
/*
 * The functional cases of where slots are: stride and alignment, at() and
 * index() at their edges, and the typed wrapper (DEFINE_ATOMIC_ARENA()),
 * its inline alloc in both modes included.
 */
#define _GNU_SOURCE
#include <string.h>

#include <linux/err.h>
#include <linux/mm.h>

#include "functional.h"

void test_stride_align(void)
{
	struct atomic_arena *a = new_arena("stride", 10, 8, 8), *pg;
	unsigned char src[3][10], *p;
	int i;

	if (!a)
		return;
	for (i = 0; i < 3; i++)
		memset(src[i], 'a' + i, 10);
	p = atomic_arena_append(a, src, 3);
	if (CHECK(p)) {
		CHECK(IS_ALIGNED((unsigned long)p, 8));
		for (i = 0; i < 3; i++)
			CHECK(all_bytes(p + i * 16, 'a' + i, 10));
		CHECK(atomic_arena_at(a, 1) == p + 16);
		CHECK_EQ(atomic_arena_index(a, p + 32), 2);
	}
	CHECK_EQ(stat_of("stride", "stride"), 16);
	CHECK_EQ(stat_of("stride", "storage_bytes"), 8 * 16);
	for (i = 0; i < 5; i++) {
		p = atomic_arena_alloc(a, src[0]);
		CHECK(p && IS_ALIGNED((unsigned long)p, 8));
	}
	atomic_arena_destroy(a);

	pg = new_arena("page-aligned", 1, PAGE_SIZE, 3);
	if (!pg)
		return;
	for (i = 0; i < 3; i++) {
		p = atomic_arena_alloc(pg, NULL);
		CHECK(p && IS_ALIGNED((unsigned long)p, PAGE_SIZE));
	}
	atomic_arena_destroy(pg);
}

void test_at_index_edges(void)
{
	struct atomic_arena *a = new_arena("edges", 24, 8, 4);
	struct atomic_arena *b = new_arena("edges-other", 24, 8, 4);
	unsigned char *p0, *p2, *other;

	if (!a || !b)
		goto out;
	CHECK(!atomic_arena_at(a, 0));
	CHECK(!atomic_arena_at(a, ULONG_MAX));
	p0 = atomic_arena_reserve(a, 3);
	other = atomic_arena_alloc(b, NULL);
	if (!CHECK(p0 && other))
		goto out;
	p2 = p0 + 2 * 24;
	CHECK(atomic_arena_at(a, 0) == p0);
	CHECK(atomic_arena_at(a, 2) == p2);
	CHECK(!atomic_arena_at(a, 3));
	CHECK_EQ(atomic_arena_index(a, p0), 0);
	CHECK_EQ(atomic_arena_index(a, p2), 2);
	CHECK_EQ(atomic_arena_index(a, p0 + 1), -EINVAL);
	CHECK_EQ(atomic_arena_index(a, p2 + 23), -EINVAL);
	CHECK_EQ(atomic_arena_index(a, p2 + 24), -EINVAL);
	CHECK_EQ(atomic_arena_index(a, p0 + 4 * 24), -EINVAL);
	CHECK_EQ(atomic_arena_index(a, p0 - 24), -EINVAL);
	CHECK_EQ(atomic_arena_index(a, NULL), -EINVAL);
	CHECK_EQ(atomic_arena_index(a, other), -EINVAL);
	CHECK_EQ(atomic_arena_index(b, other), 0);
	CHECK(atomic_arena_reserve(a, 1) == p2 + 24);
	CHECK_EQ(atomic_arena_index(a, p2 + 24), 3);
	CHECK(atomic_arena_at(a, 3) == p2 + 24);
	CHECK(!atomic_arena_at(a, 4));
out:
	atomic_arena_destroy(a);
	atomic_arena_destroy(b);
}

struct point {
	int32_t x, y;
	uint64_t weight;
};

DEFINE_ATOMIC_ARENA(point, struct point);

void test_typed_wrapper(void)
{
	struct point_arena *pa = point_arena_create("points", 8);
	struct point pts[3] = { { 1, 2, 3 }, { 4, 5, 6 }, { 7, 8, 9 } };
	struct point v = { -1, -2, 100 }, *p, *q;
	int i;

	if (!CHECK(!IS_ERR(pa)))
		return;
	CHECK_EQ(point_arena_cap(pa), 8);
	CHECK_EQ(atomic_arena_elem_size(point_arena_untyped(pa)),
		 sizeof(struct point));
	p = point_arena_alloc(pa, &v);
	q = point_arena_append(pa, pts, 3);
	if (CHECK(p && q)) {
		CHECK(p->x == -1 && p->weight == 100);
		CHECK(q == p + 1);
		for (i = 0; i < 3; i++)
			CHECK_EQ(point_arena_at(pa, i + 1)->y, pts[i].y);
		CHECK_EQ(point_arena_index(pa, q + 2), 3);
		CHECK_EQ(point_arena_len(pa), 4);
		CHECK(point_arena_reserve(pa, 4) == p + 4);
		CHECK(!point_arena_alloc(pa, NULL));
		point_arena_clear(pa);
		CHECK_EQ(point_arena_len(pa), 0);
		q = point_arena_reserve(pa, 1);
		CHECK(q == p && q->x == 0 && q->weight == 0);
		point_arena_reset(pa);
		CHECK_EQ(point_arena_len(pa), 0);
	}
	point_arena_destroy(pa);
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
		shim_set_cpu(0);
		point_arena_destroy(pa);
	}
}
