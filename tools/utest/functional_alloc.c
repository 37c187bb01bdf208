// SPDX-License-Identifier: GPL-2.0
/*
 * The functional cases of taking slots: alloc() with an object or NULL,
 * append() and reserve() all or nothing, the capacity, reset() and
 * clear().
 */
#define _GNU_SOURCE
#include <string.h>

#include <linux/err.h>

#include "functional.h"

void test_alloc_int(void)
{
	struct atomic_arena *a = new_arena("ints", sizeof(int), 4, 100);
	int i, *p[100];

	if (!a)
		return;
	CHECK_EQ(atomic_arena_cap(a), 100);
	CHECK_EQ(atomic_arena_elem_size(a), sizeof(int));
	for (i = 0; i < 100; i++) {
		p[i] = atomic_arena_alloc(a, &i);
		if (!CHECK(p[i]))
			break;
		CHECK_EQ(atomic_arena_len(a), i + 1);
	}
	for (i = 0; i < 100 && p[i]; i++) {
		CHECK_EQ(*p[i], i);
		CHECK(atomic_arena_at(a, i) == p[i]);
		CHECK_EQ(atomic_arena_index(a, p[i]), i);
	}
	atomic_arena_destroy(a);
}

struct rec {
	char tag[5];
	uint64_t id;
	int16_t v;
};

void test_alloc_struct(void)
{
	struct atomic_arena *a = new_arena("structs", sizeof(struct rec),
					   __alignof__(struct rec), 3);
	struct rec r = { "abcd", 1ULL << 40, -7 }, *p;

	if (!a)
		return;
	p = atomic_arena_alloc(a, &r);
	if (CHECK(p)) {
		CHECK(!memcmp(p, &r, sizeof(r)));
		CHECK(IS_ALIGNED((unsigned long)p, __alignof__(struct rec)));
	}
	atomic_arena_destroy(a);
}

void test_alloc_past_capacity(void)
{
	struct atomic_arena *a = new_arena("full", sizeof(long), 8, 5);
	long v = 42;
	int i;

	if (!a)
		return;
	for (i = 0; i < 5; i++)
		CHECK(atomic_arena_alloc(a, &v));
	for (i = 0; i < 1000; i++)
		if (!CHECK(!atomic_arena_alloc(a, &v)))
			break;
	CHECK_EQ(atomic_arena_len(a), 5);
	CHECK(!atomic_arena_reserve(a, 1));
	CHECK(!atomic_arena_append(a, &v, 1));
	CHECK_EQ(atomic_arena_len(a), 5);
	/* A failing call on a full arena does not even move the counter. */
	CHECK_EQ(stat_of("full", "next"), 5);
	CHECK_EQ(stat_of("full", "overshoot_max"), 0);
	CHECK_EQ(stat_of("full", "alloc_fails"), 1000);
	CHECK_EQ(stat_of("full", "bulk_fails"), 2);

	atomic_arena_reset(a);
	for (i = 0; i < 5; i++)
		CHECK(atomic_arena_alloc(a, &v));
	CHECK(!atomic_arena_alloc(a, &v));
	atomic_arena_destroy(a);
}

void test_alloc_null_zeroes(void)
{
	struct atomic_arena *a = new_arena("zero", 24, 8, 3);
	unsigned char ones[24];
	unsigned char *p;
	int i;

	if (!a)
		return;
	memset(ones, 0xff, sizeof(ones));
	for (i = 0; i < 3; i++)
		CHECK(atomic_arena_alloc(a, ones));
	atomic_arena_reset(a);
	for (i = 0; i < 3; i++) {
		p = atomic_arena_alloc(a, NULL);
		if (CHECK(p))
			CHECK(all_bytes(p, 0, 24));
	}
	atomic_arena_destroy(a);
}

void test_reset_reuse(void)
{
	struct atomic_arena *a = new_arena("reset", sizeof(uint64_t), 8, 4);
	uint64_t v = 1, *first, *p;
	int i;

	if (!a)
		return;
	first = atomic_arena_alloc(a, &v);
	for (i = 1; i < 4; i++)
		atomic_arena_alloc(a, &v);
	atomic_arena_reset(a);
	CHECK_EQ(atomic_arena_len(a), 0);
	CHECK(!atomic_arena_at(a, 0));
	p = atomic_arena_reserve(a, 1);
	CHECK(p == first);
	CHECK(p && *p == 1);
	v = 2;
	for (i = 1; i < 4; i++)
		CHECK(atomic_arena_alloc(a, &v));
	CHECK(!atomic_arena_alloc(a, &v));
	CHECK_EQ(stat_of("reset", "resets"), 1);
	CHECK_EQ(stat_of("reset", "high_water"), 4);
	atomic_arena_destroy(a);
}

void test_clear(void)
{
	struct atomic_arena *a = new_arena("clear", 12, 4, 16);
	unsigned char pattern[12], *p;
	int i;

	if (!a)
		return;
	memset(pattern, 0x5a, sizeof(pattern));
	for (i = 0; i < 16; i++)
		atomic_arena_alloc(a, pattern);
	atomic_arena_reset(a);
	for (i = 0; i < 10; i++)
		atomic_arena_alloc(a, pattern);
	atomic_arena_clear(a);
	CHECK_EQ(atomic_arena_len(a), 0);
	/* The 10 used slots are zero; the 6 beyond keep their bytes. */
	p = atomic_arena_reserve(a, 16);
	if (CHECK(p)) {
		CHECK(all_bytes(p, 0, 10 * 12));
		CHECK(all_bytes(p + 10 * 12, 0x5a, 6 * 12));
	}
	atomic_arena_destroy(a);
}

void test_append_order(void)
{
	struct atomic_arena *a = new_arena("append", sizeof(uint32_t), 4, 64);
	uint32_t src[20], *p, *q;
	int i;

	if (!a)
		return;
	for (i = 0; i < 20; i++)
		src[i] = 1000 + i;
	q = atomic_arena_alloc(a, &src[0]);
	p = atomic_arena_append(a, src, 20);
	if (CHECK(p && q)) {
		CHECK(p == q + 1);
		for (i = 0; i < 20; i++) {
			CHECK_EQ(p[i], 1000 + i);
			CHECK(atomic_arena_at(a, i + 1) == &p[i]);
		}
	}
	CHECK_EQ(atomic_arena_len(a), 21);
	CHECK_EQ(stat_of("append", "bulk"), 1);
	CHECK_EQ(stat_of("append", "allocs"), 1);
	atomic_arena_destroy(a);
}

void test_append_past_capacity(void)
{
	struct atomic_arena *a = new_arena("append-full", sizeof(uint32_t), 4,
					   32);
	uint32_t src[32], mark = 0xdeadbeef, *p;
	int i;

	if (!a)
		return;
	for (i = 0; i < 32; i++)
		atomic_arena_alloc(a, &mark);
	atomic_arena_reset(a);
	for (i = 0; i < 32; i++)
		src[i] = i;
	for (i = 0; i < 10; i++)
		atomic_arena_alloc(a, &src[i]);
	CHECK(!atomic_arena_append(a, src, 23));
	CHECK(!atomic_arena_append(a, src, ULONG_MAX));
	CHECK(!atomic_arena_reserve(a, 23));
	CHECK(!atomic_arena_reserve(a, ULONG_MAX));
	CHECK_EQ(atomic_arena_len(a), 10);
	/* A bulk request that does not fit never moves the counter. */
	CHECK_EQ(stat_of("append-full", "next"), 10);
	p = atomic_arena_reserve(a, 22);
	if (CHECK(p))
		for (i = 0; i < 22; i++)
			CHECK_EQ(p[i], mark);
	CHECK_EQ(atomic_arena_len(a), 32);
	atomic_arena_reset(a);
	CHECK(atomic_arena_append(a, src, 32));
	CHECK(!atomic_arena_append(a, src, 1));
	atomic_arena_destroy(a);
}

void test_bulk_zero_and_null(void)
{
	struct atomic_arena *a = new_arena("bulk-zero", sizeof(uint64_t), 8, 4);
	uint64_t ones = ~0ULL, *p;
	int i;

	if (!a)
		return;
	CHECK(atomic_arena_append(a, &ones, 0) == ZERO_SIZE_PTR);
	CHECK(atomic_arena_reserve(a, 0) == ZERO_SIZE_PTR);
	CHECK_EQ(atomic_arena_len(a), 0);
	for (i = 0; i < 4; i++)
		atomic_arena_alloc(a, &ones);
	CHECK(atomic_arena_append(a, NULL, 0) == ZERO_SIZE_PTR);
	CHECK_EQ(atomic_arena_len(a), 4);
	CHECK_EQ(stat_of("bulk-zero", "bulk"), 0);
	CHECK_EQ(stat_of("bulk-zero", "bulk_fails"), 0);
	atomic_arena_reset(a);
	p = atomic_arena_append(a, NULL, 4);
	if (CHECK(p))
		for (i = 0; i < 4; i++)
			CHECK_EQ(p[i], 0);
	atomic_arena_destroy(a);
}

void test_reserve(void)
{
	struct atomic_arena *a = new_arena("reserve", 16, 16, 10);
	unsigned char *p, *q;

	if (!a)
		return;
	p = atomic_arena_reserve(a, 3);
	q = atomic_arena_reserve(a, 7);
	if (CHECK(p && q))
		CHECK(q == p + 3 * 16);
	CHECK_EQ(atomic_arena_len(a), 10);
	CHECK(!atomic_arena_reserve(a, 1));
	atomic_arena_reset(a);
	CHECK(!atomic_arena_reserve(a, 11));
	CHECK(atomic_arena_reserve(a, 10) == p);
	atomic_arena_destroy(a);
}
