// SPDX-License-Identifier: GPL-2.0
/*
 * api.c - the API suite: every call, its edge cases and error codes,
 * in both modes, from one kthread
 */

/* Messages nest under the suite's subtest (KUnit's indent) in the KTAP. */
#define pr_fmt(fmt) "    " fmt

#include <linux/err.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "../atomic_arena.h"
#include "../atomic_arena_compat.h"
#include "test_compat.h"
#include "test_atomic_arena.h"

/* ---------------------------------------------------------------------- */
/* Creation and its errors                                                 */

static void create_bad_input(struct kunit *test)
{
	static const struct {
		const char *name;
		size_t size, align;
		unsigned long cap;
		int err;
	} bad[] = {
		{ NULL,		8, 8, 16, -EINVAL },
		{ "",		8, 8, 16, -EINVAL },
		{ "a/b",	8, 8, 16, -EINVAL },
		{ ".",		8, 8, 16, -EINVAL },
		{ "..",		8, 8, 16, -EINVAL },
		{ "arenas",	8, 8, 16, -EINVAL },
		/* Taken in debugfs only where fault injection is. */
		{ "fail_create", 8, 8, 16,
		  IS_ENABLED(CONFIG_FAULT_INJECTION_DEBUG_FS) ? -EINVAL : 0 },
		{ "this-name-is-thirty-two-bytes-xx", 8, 8, 16, -EINVAL },
		{ "t",		0, 8, 16, -EINVAL },
		{ "t",		8, 8, 0, -EINVAL },
		{ "t",		8, 0, 16, -EINVAL },
		{ "t",		8, 3, 16, -EINVAL },
		{ "t",		8, 24, 16, -EINVAL },
		{ "t",		8, PAGE_SIZE * 2, 16, -EINVAL },
		{ "t",		SIZE_MAX, 8, 1, -EOVERFLOW },
		{ "t",		SIZE_MAX / 2, 1, 3, -EOVERFLOW },
		{ "t",		8, 8, ULONG_MAX, -EOVERFLOW },
		{ "t",		1, 1, LONG_MAX / 2 + 1, -EOVERFLOW },
	};
	struct atomic_arena *a;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		a = atomic_arena_create(bad[i].name, bad[i].size, bad[i].align,
					bad[i].cap);
		if (!aa_check(test, PTR_ERR_OR_ZERO(a) == bad[i].err))
			kunit_info(test, "bad[%u]: got %d, want %d", i,
				   PTR_ERR_OR_ZERO(a), bad[i].err);
		atomic_arena_destroy(a);
	}

	/* Longest valid name, and the largest alignment. */
	a = new_arena(test, "this-name-is-thirty-one-bytes-x", 1, PAGE_SIZE, 2);
	atomic_arena_destroy(a);
}

/* Pages of RAM, more than are available but fewer than there are. */
static unsigned long more_than_available(void)
{
	unsigned long avail = si_mem_available(), total = totalram_pages();

	return avail + (total - min(avail, total)) / 2 + 1;
}

static void create_nomem(struct kunit *test)
{
	unsigned long sizes[] = {
		/* vmalloc's own limit: more than the RAM. */
		totalram_pages() * 2,
		/*
		 * Less than the RAM, more than is available: only the arena
		 * can refuse it, and the OOM killer must not wake (the VM
		 * runner fails the run on "invoked oom-killer").
		 */
		more_than_available(),
	};
	struct atomic_arena *a;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		a = atomic_arena_create("nomem", PAGE_SIZE, 8, sizes[i]);
		if (!aa_check(test, PTR_ERR_OR_ZERO(a) == -ENOMEM))
			kunit_info(test, "%lu pages of %lu (%ld available): got %d",
				   sizes[i], totalram_pages(), si_mem_available(),
				   PTR_ERR_OR_ZERO(a));
		atomic_arena_destroy(a);
	}
	/* The failed create left no trace: the name is free. */
	a = new_arena(test, "nomem", 8, 8, 4);
	atomic_arena_destroy(a);
}

static void create_duplicate(struct kunit *test)
{
	struct atomic_arena *a, *b;

	a = new_arena(test, "dup", 8, 8, 4);
	if (!a)
		return;
	b = atomic_arena_create("dup", 16, 8, 4);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(b), -EEXIST);
	/* The name is checked before the storage is: -EEXIST, not -ENOMEM. */
	b = atomic_arena_create("dup", PAGE_SIZE, 8, more_than_available());
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(b), -EEXIST);
	atomic_arena_destroy(a);

	/* Free again once the first one is gone. */
	b = new_arena(test, "dup", 16, 8, 4);
	atomic_arena_destroy(b);
}

static void destroy_null(struct kunit *test)
{
	struct atomic_arena *a = new_arena(test, "destroy-null", 8, 8, 2), *b;

	if (!a)
		return;
	/* Ignored: the live arena is untouched, its name still taken. */
	atomic_arena_destroy(NULL);
	atomic_arena_destroy(ERR_PTR(-EINVAL));
	atomic_arena_destroy(ERR_PTR(-ENOMEM));
	b = atomic_arena_create("destroy-null", 8, 8, 2);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(b), -EEXIST);
	atomic_arena_destroy(b);
	KUNIT_EXPECT_TRUE(test, atomic_arena_alloc(a, NULL) && atomic_arena_len(a) == 1);
	atomic_arena_destroy(a);
	a = new_arena(test, "destroy-null", 8, 8, 2);
	atomic_arena_destroy(a);
}

/* ---------------------------------------------------------------------- */
/* Single allocations                                                      */

static void alloc_int(struct kunit *test)
{
	struct atomic_arena *a = new_arena(test, "int", sizeof(int), __alignof__(int), 8);
	int i, *p, *prev = NULL;

	if (!a)
		return;
	KUNIT_EXPECT_EQ(test, atomic_arena_cap(a), 8);
	KUNIT_EXPECT_EQ(test, atomic_arena_elem_size(a), sizeof(int));
	KUNIT_EXPECT_EQ(test, atomic_arena_len(a), 0);
	for (i = 0; i < 8; i++) {
		int v = i * 11 - 3;

		p = atomic_arena_alloc(a, &v);
		if (!aa_check(test, p))
			break;
		KUNIT_EXPECT_EQ(test, *p, v);
		KUNIT_EXPECT_TRUE(test, !prev || p == prev + 1);
		KUNIT_EXPECT_EQ(test, atomic_arena_len(a), i + 1);
		KUNIT_EXPECT_EQ(test, atomic_arena_index(a, p), i);
		prev = p;
	}
	for (i = 0; i < 8; i++)
		KUNIT_EXPECT_EQ(test, *(int *)atomic_arena_at(a, i), i * 11 - 3);
	atomic_arena_destroy(a);
}

struct record {
	u8 kind;
	u64 id;
	char tag[5];
	u16 port;
};

static void alloc_struct(struct kunit *test)
{
	struct atomic_arena *a = new_arena(test, "struct", sizeof(struct record),
					   __alignof__(struct record), 4);
	struct record r = { .kind = 7, .id = 0x1122334455667788ULL,
			    .tag = "abcd", .port = 443 };
	struct record *p, *q;

	if (!a)
		return;
	p = atomic_arena_alloc(a, &r);
	r.id++;
	r.port++;
	q = atomic_arena_alloc(a, &r);
	if (!aa_check(test, p && q))
		goto out;
	KUNIT_EXPECT_TRUE(test, p->kind == 7 && p->id == 0x1122334455667788ULL && p->port == 443);
	KUNIT_EXPECT_STREQ(test, p->tag, "abcd");
	KUNIT_EXPECT_TRUE(test, q->id == 0x1122334455667789ULL && q->port == 444);
	KUNIT_EXPECT_PTR_EQ(test, q, p + 1);
	KUNIT_EXPECT_TRUE(test, IS_ALIGNED((unsigned long)p, __alignof__(struct record)));
out:
	atomic_arena_destroy(a);
}

static void alloc_past_capacity(struct kunit *test)
{
	struct atomic_arena *a = new_arena(test, "full", sizeof(long), 8, 5);
	long v = 42;
	int i;

	if (!a)
		return;
	for (i = 0; i < 5; i++)
		KUNIT_EXPECT_TRUE(test, atomic_arena_alloc(a, &v));
	/* Past capacity: NULL every time, and the count stays put. */
	for (i = 0; i < 1000; i++)
		if (!aa_check(test, !atomic_arena_alloc(a, &v)))
			break;
	KUNIT_EXPECT_EQ(test, atomic_arena_len(a), 5);
	KUNIT_EXPECT_FALSE(test, atomic_arena_reserve(a, 1));
	KUNIT_EXPECT_FALSE(test, atomic_arena_append(a, &v, 1));
	KUNIT_EXPECT_EQ(test, atomic_arena_len(a), 5);
	/*
	 * Failing single calls in flight leave next past the capacity until
	 * they pull it back: a bulk call meeting that must fail too (cap -
	 * next would wrap to a huge room). Made so through the public head.
	 */
	atomic_long_add(3, &((struct atomic_arena_head *)a)->next);
	KUNIT_EXPECT_FALSE(test, atomic_arena_reserve(a, 2));
	KUNIT_EXPECT_FALSE(test, atomic_arena_append(a, NULL, 2));
	atomic_long_sub(3, &((struct atomic_arena_head *)a)->next);
	KUNIT_EXPECT_EQ(test, atomic_arena_len(a), 5);

	/* The failures consumed nothing: a reset gives the full capacity. */
	atomic_arena_reset(a);
	for (i = 0; i < 5; i++)
		KUNIT_EXPECT_TRUE(test, atomic_arena_alloc(a, &v));
	KUNIT_EXPECT_FALSE(test, atomic_arena_alloc(a, &v));
	atomic_arena_destroy(a);
}

static void alloc_null_zeroes(struct kunit *test)
{
	struct atomic_arena *a = new_arena(test, "zero", 24, 8, 3);
	u8 ones[24], zero[24] = { 0 };
	u8 *p;
	int i;

	if (!a)
		return;
	memset(ones, 0xff, sizeof(ones));
	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_TRUE(test, atomic_arena_alloc(a, ones));
	atomic_arena_reset(a);
	for (i = 0; i < 3; i++) {
		p = atomic_arena_alloc(a, NULL);
		if (aa_check(test, p))
			KUNIT_EXPECT_FALSE(test, memcmp(p, zero, sizeof(zero)));
	}
	atomic_arena_destroy(a);
}

static void reset_reuse(struct kunit *test)
{
	struct atomic_arena *a = new_arena(test, "reset", sizeof(u64), 8, 4);
	u64 v = 1, *first, *p;
	int i;

	if (!a)
		return;
	first = atomic_arena_alloc(a, &v);
	for (i = 1; i < 4; i++)
		atomic_arena_alloc(a, &v);
	KUNIT_EXPECT_EQ(test, atomic_arena_len(a), 4);

	atomic_arena_reset(a);
	KUNIT_EXPECT_EQ(test, atomic_arena_len(a), 0);
	KUNIT_EXPECT_FALSE(test, atomic_arena_at(a, 0));
	/* Slots come back from the start, and keep their old contents. */
	p = atomic_arena_reserve(a, 1);
	KUNIT_EXPECT_PTR_EQ(test, p, first);
	KUNIT_EXPECT_TRUE(test, p && *p == 1);
	v = 2;
	for (i = 1; i < 4; i++)
		KUNIT_EXPECT_TRUE(test, atomic_arena_alloc(a, &v));
	KUNIT_EXPECT_FALSE(test, atomic_arena_alloc(a, &v));
	KUNIT_EXPECT_EQ(test, atomic_arena_len(a), 4);
	atomic_arena_destroy(a);
}

static void clear(struct kunit *test)
{
	struct atomic_arena *a = new_arena(test, "clear", 12, 4, 16);
	u8 pattern[12], *p;
	int i;

	if (!a)
		return;
	memset(pattern, 0x5a, sizeof(pattern));
	for (i = 0; i < 10; i++)
		atomic_arena_alloc(a, pattern);
	atomic_arena_clear(a);
	KUNIT_EXPECT_EQ(test, atomic_arena_len(a), 0);
	p = atomic_arena_reserve(a, 16);
	if (aa_check(test, p))
		KUNIT_EXPECT_FALSE(test, memchr_inv(p, 0, 16 * 12));
	atomic_arena_destroy(a);
}

/* ---------------------------------------------------------------------- */
/* Bulk calls                                                              */

static void append_order(struct kunit *test)
{
	struct atomic_arena *a = new_arena(test, "append", sizeof(u32), 4, 64);
	u32 src[20], *p, *q;
	int i;

	if (!a)
		return;
	for (i = 0; i < 20; i++)
		src[i] = 1000 + i;
	q = atomic_arena_alloc(a, &src[0]);
	p = atomic_arena_append(a, src, 20);
	if (!aa_check(test, p && q))
		goto out;
	KUNIT_EXPECT_PTR_EQ(test, p, q + 1);
	for (i = 0; i < 20; i++) {
		KUNIT_EXPECT_EQ(test, p[i], 1000 + i);
		KUNIT_EXPECT_PTR_EQ(test, atomic_arena_at(a, i + 1), &p[i]);
	}
	KUNIT_EXPECT_EQ(test, atomic_arena_len(a), 21);
out:
	atomic_arena_destroy(a);
}

static void append_past_capacity(struct kunit *test)
{
	struct atomic_arena *a = new_arena(test, "append-full", sizeof(u32), 4, 32);
	u32 src[32], mark = 0xdeadbeef, *p;
	int i;

	if (!a)
		return;
	/* Mark every slot, then recycle them without clearing. */
	for (i = 0; i < 32; i++)
		atomic_arena_alloc(a, &mark);
	atomic_arena_reset(a);
	for (i = 0; i < 32; i++)
		src[i] = i;

	for (i = 0; i < 10; i++)
		atomic_arena_alloc(a, &src[i]);
	KUNIT_EXPECT_FALSE(test, atomic_arena_append(a, src, 23));
	KUNIT_EXPECT_FALSE(test, atomic_arena_append(a, src, ULONG_MAX));
	KUNIT_EXPECT_FALSE(test, atomic_arena_reserve(a, 23));
	KUNIT_EXPECT_FALSE(test, atomic_arena_reserve(a, ULONG_MAX));
	KUNIT_EXPECT_EQ(test, atomic_arena_len(a), 10);

	/* Nothing was stored: the 22 free slots still hold the mark. */
	p = atomic_arena_reserve(a, 22);
	if (aa_check(test, p))
		for (i = 0; i < 22; i++)
			KUNIT_EXPECT_EQ(test, p[i], mark);
	KUNIT_EXPECT_EQ(test, atomic_arena_len(a), 32);

	/* An append that fits exactly succeeds. */
	atomic_arena_reset(a);
	KUNIT_EXPECT_TRUE(test, atomic_arena_append(a, src, 32));
	KUNIT_EXPECT_FALSE(test, atomic_arena_append(a, src, 1));
	atomic_arena_destroy(a);
}

static void bulk_zero_and_null(struct kunit *test)
{
	struct atomic_arena *a = new_arena(test, "bulk-zero", sizeof(u64), 8, 4);
	u64 ones = ~0ULL, *p;
	int i;

	if (!a)
		return;
	KUNIT_EXPECT_PTR_EQ(test, atomic_arena_append(a, &ones, 0), ZERO_SIZE_PTR);
	KUNIT_EXPECT_PTR_EQ(test, atomic_arena_reserve(a, 0), ZERO_SIZE_PTR);
	KUNIT_EXPECT_EQ(test, atomic_arena_len(a), 0);

	for (i = 0; i < 4; i++)
		atomic_arena_alloc(a, &ones);
	/* n == 0 succeeds even on a full arena, and takes nothing. */
	KUNIT_EXPECT_PTR_EQ(test, atomic_arena_append(a, NULL, 0), ZERO_SIZE_PTR);
	KUNIT_EXPECT_EQ(test, atomic_arena_len(a), 4);

	atomic_arena_reset(a);
	p = atomic_arena_append(a, NULL, 4);
	if (aa_check(test, p))
		for (i = 0; i < 4; i++)
			KUNIT_EXPECT_EQ(test, p[i], 0);
	atomic_arena_destroy(a);
}

static void reserve(struct kunit *test)
{
	struct atomic_arena *a = new_arena(test, "reserve", 16, 16, 10);
	u8 *p, *q;

	if (!a)
		return;
	p = atomic_arena_reserve(a, 3);
	q = atomic_arena_reserve(a, 7);
	if (aa_check(test, p && q))
		KUNIT_EXPECT_PTR_EQ(test, q, p + 3 * 16);
	KUNIT_EXPECT_EQ(test, atomic_arena_len(a), 10);
	KUNIT_EXPECT_FALSE(test, atomic_arena_reserve(a, 1));
	atomic_arena_reset(a);
	KUNIT_EXPECT_FALSE(test, atomic_arena_reserve(a, 11));
	KUNIT_EXPECT_PTR_EQ(test, atomic_arena_reserve(a, 10), p);
	atomic_arena_destroy(a);
}

/* ---------------------------------------------------------------------- */
/* Layout and lookups                                                      */

static void stride_align(struct kunit *test)
{
	struct atomic_arena *a = new_arena(test, "stride", 10, 8, 8);
	struct atomic_arena *pg;
	u8 src[3][10], *p;
	int i;

	if (!a)
		return;
	for (i = 0; i < 3; i++)
		memset(src[i], 'a' + i, 10);
	/* Packed 10-byte sources land at a stride of 16. */
	p = atomic_arena_append(a, src, 3);
	if (aa_check(test, p)) {
		KUNIT_EXPECT_TRUE(test, IS_ALIGNED((unsigned long)p, 8));
		for (i = 0; i < 3; i++)
			KUNIT_EXPECT_FALSE(test, memchr_inv(p + i * 16, 'a' + i, 10));
		KUNIT_EXPECT_PTR_EQ(test, atomic_arena_at(a, 1), p + 16);
		KUNIT_EXPECT_EQ(test, atomic_arena_index(a, p + 32), 2);
	}
	for (i = 0; i < 5; i++) {
		p = atomic_arena_alloc(a, src[0]);
		KUNIT_EXPECT_TRUE(test, p && IS_ALIGNED((unsigned long)p, 8));
	}
	atomic_arena_destroy(a);

	pg = new_arena(test, "page-aligned", 1, PAGE_SIZE, 3);
	if (!pg)
		return;
	for (i = 0; i < 3; i++) {
		p = atomic_arena_alloc(pg, NULL);
		KUNIT_EXPECT_TRUE(test, p && IS_ALIGNED((unsigned long)p, PAGE_SIZE));
	}
	atomic_arena_destroy(pg);
}

static void at_index_edges(struct kunit *test)
{
	struct atomic_arena *a = new_arena(test, "edges", 24, 8, 4);
	struct atomic_arena *b = new_arena(test, "edges-other", 24, 8, 4);
	u8 *p0, *p2, *other;

	if (!a || !b)
		goto out;
	KUNIT_EXPECT_FALSE(test, atomic_arena_at(a, 0));
	KUNIT_EXPECT_FALSE(test, atomic_arena_at(a, ULONG_MAX));
	p0 = atomic_arena_reserve(a, 3);
	other = atomic_arena_alloc(b, NULL);
	if (!aa_check(test, p0 && other))
		goto out;
	p2 = p0 + 2 * 24;

	KUNIT_EXPECT_PTR_EQ(test, atomic_arena_at(a, 0), p0);
	KUNIT_EXPECT_PTR_EQ(test, atomic_arena_at(a, 2), p2);
	KUNIT_EXPECT_FALSE(test, atomic_arena_at(a, 3));
	KUNIT_EXPECT_FALSE(test, atomic_arena_at(a, ULONG_MAX));

	KUNIT_EXPECT_EQ(test, atomic_arena_index(a, p0), 0);
	KUNIT_EXPECT_EQ(test, atomic_arena_index(a, p2), 2);
	KUNIT_EXPECT_EQ(test, atomic_arena_index(a, p0 + 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, atomic_arena_index(a, p2 + 23), -EINVAL);
	KUNIT_EXPECT_EQ(test, atomic_arena_index(a, p2 + 24), -EINVAL);	/* slot 3: free */
	KUNIT_EXPECT_EQ(test, atomic_arena_index(a, p0 + 4 * 24), -EINVAL);	/* past end */
	KUNIT_EXPECT_EQ(test, atomic_arena_index(a, p0 - 24), -EINVAL);
	KUNIT_EXPECT_EQ(test, atomic_arena_index(a, NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, atomic_arena_index(a, other), -EINVAL);
	KUNIT_EXPECT_EQ(test, atomic_arena_index(b, other), 0);

	/* Full arena: the last slot is found both ways. */
	KUNIT_EXPECT_PTR_EQ(test, atomic_arena_reserve(a, 1), p2 + 24);
	KUNIT_EXPECT_EQ(test, atomic_arena_index(a, p2 + 24), 3);
	KUNIT_EXPECT_PTR_EQ(test, atomic_arena_at(a, 3), p2 + 24);
	KUNIT_EXPECT_FALSE(test, atomic_arena_at(a, 4));
out:
	atomic_arena_destroy(a);
	atomic_arena_destroy(b);
}

/* ---------------------------------------------------------------------- */
/* Typed wrapper                                                           */

struct point {
	s32 x, y;
	u64 weight;
};

DEFINE_ATOMIC_ARENA(point, struct point);

static void typed_wrapper(struct kunit *test)
{
	struct point_arena *pa = point_arena_create("points", 8);
	struct point pts[3] = { { 1, 2, 3 }, { 4, 5, 6 }, { 7, 8, 9 } };
	struct point v = { -1, -2, 100 }, *p, *q;
	int i;

	if (!aa_check(test, !IS_ERR(pa)))
		return;
	KUNIT_EXPECT_EQ(test, point_arena_cap(pa), 8);
	KUNIT_EXPECT_EQ(test, atomic_arena_elem_size(point_arena_untyped(pa)),
			sizeof(struct point));
	p = point_arena_alloc(pa, &v);
	q = point_arena_append(pa, pts, 3);
	if (!aa_check(test, p && q))
		goto out;
	KUNIT_EXPECT_TRUE(test, p->x == -1 && p->weight == 100);
	KUNIT_EXPECT_PTR_EQ(test, q, p + 1);
	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_EQ(test, point_arena_at(pa, i + 1)->y, pts[i].y);
	KUNIT_EXPECT_EQ(test, point_arena_index(pa, q + 2), 3);
	KUNIT_EXPECT_EQ(test, point_arena_len(pa), 4);
	KUNIT_EXPECT_PTR_EQ(test, point_arena_reserve(pa, 4), p + 4);
	KUNIT_EXPECT_FALSE(test, point_arena_alloc(pa, NULL));
	point_arena_clear(pa);
	KUNIT_EXPECT_EQ(test, point_arena_len(pa), 0);
	/* Read through a new reservation: the old pointer is dead. */
	q = point_arena_reserve(pa, 1);
	KUNIT_EXPECT_TRUE(test, q == p && q->x == 0 && q->weight == 0);
	point_arena_reset(pa);
out:
	point_arena_destroy(pa);
}

static void kasan_poisons_free_slots(struct kunit *test)
{
	struct atomic_arena *a;
	u8 *p;

	if (!ATOMIC_ARENA_KASAN_GRANULE) {
		kunit_mark_skipped(test, "kernel without generic KASAN and KASAN_VMALLOC");
		return;
	}
	a = new_arena(test, "kasan", 16, 8, 4);
	if (!a)
		return;
	p = atomic_arena_alloc(a, NULL);
	if (aa_check(test, p)) {
		KUNIT_EXPECT_EQ(test, aa_kasan_shadow(p), 0);
		KUNIT_EXPECT_EQ(test, aa_kasan_shadow(p + 8), 0);
		KUNIT_EXPECT_EQ(test, aa_kasan_shadow(p + 16), 0xf8);	/* free slot */
		atomic_arena_reset(a);
		KUNIT_EXPECT_EQ(test, aa_kasan_shadow(p), 0xf8);
		KUNIT_EXPECT_EQ(test, aa_kasan_shadow(p + 8), 0xf8);
		KUNIT_EXPECT_PTR_EQ(test, atomic_arena_reserve(a, 2), p);
		KUNIT_EXPECT_EQ(test, aa_kasan_shadow(p + 16), 0);
		KUNIT_EXPECT_EQ(test, aa_kasan_shadow(p + 24), 0);
		KUNIT_EXPECT_EQ(test, aa_kasan_shadow(p + 32), 0xf8);
	}
	atomic_arena_destroy(a);
}

/*
 * Run alone (fault_injection=1) after selftests/atomic_arena.sh armed
 * debugfs atomic_arena/fail_create to fail one of create's allocations.
 */

static struct kunit_case aa_api_cases[] = {
	KUNIT_CASE(create_bad_input),
	KUNIT_CASE(create_nomem),
	KUNIT_CASE(create_duplicate),
	KUNIT_CASE(destroy_null),
	KUNIT_CASE(alloc_int),
	KUNIT_CASE(alloc_struct),
	KUNIT_CASE(alloc_past_capacity),
	KUNIT_CASE(alloc_null_zeroes),
	KUNIT_CASE(reset_reuse),
	KUNIT_CASE(clear),
	KUNIT_CASE(append_order),
	KUNIT_CASE(append_past_capacity),
	KUNIT_CASE(bulk_zero_and_null),
	KUNIT_CASE(reserve),
	KUNIT_CASE(stride_align),
	KUNIT_CASE(at_index_edges),
	KUNIT_CASE(typed_wrapper),
	KUNIT_CASE(kasan_poisons_free_slots),
	{}
};

struct kunit_suite aa_api_suite = {
	.name = "atomic_arena_api",
	.test_cases = aa_api_cases,
};
