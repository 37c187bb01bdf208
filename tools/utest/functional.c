// SPDX-License-Identifier: GPL-2.0
/*
 * The API's rules, natively: every error code and rule of the in-kernel
 * functional suite that needs no kernel (creation errors, capacity, bulk
 * all-or-nothing, reset and clear, layout, lookups, the typed wrapper,
 * debugfs, fault injection, the module's exit), against the unmodified
 * atomic_arena.c. Single-threaded; tools/utest/stress.c races it.
 */
#define _GNU_SOURCE
#include <string.h>

#include <linux/err.h>
#include <linux/fault-inject.h>
#include <linux/mm.h>

#include "../../atomic_arena.h"
#include "utest.h"

#define ZERO_SIZE_PTR	((void *)16)

static struct atomic_arena *new_arena(const char *name, size_t size,
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
static bool all_bytes(const void *p, int c, size_t n)
{
	const unsigned char *b = p;

	while (n--)
		if (*b++ != (unsigned char)c)
			return false;
	return true;
}

/* The value of "key:" in an arena's debugfs stats, or -1. */
static long stat_of(const char *name, const char *key)
{
	return shim_arena_stat(name, key);
}

/* The text of "key:" in an arena's debugfs stats ("" if none); static. */
static const char *stat_str(const char *name, const char *key)
{
	static char val[64];

	if (!shim_arena_stat_str(name, key, val, sizeof(val)))
		val[0] = 0;
	return val;
}

static void test_create_bad_input(void)
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
		{ "fail_create", 8, 8, 16, -EINVAL },
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
	long before = shim_allocations();
	struct atomic_arena *a;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		a = atomic_arena_create(bad[i].name, bad[i].size, bad[i].align,
					bad[i].cap);
		if (!CHECK_EQ(PTR_ERR_OR_ZERO(a), bad[i].err))
			printf("# bad[%u]\n", i);
		atomic_arena_destroy(a);
	}
	CHECK_EQ(shim_allocations(), before);

	/* Longest valid name, and the largest alignment. */
	a = new_arena("this-name-is-thirty-one-bytes-x", 1, PAGE_SIZE, 2);
	CHECK(shim_debugfs_exists("atomic_arena/this-name-is-thirty-one-bytes-x/stats"));
	atomic_arena_destroy(a);
}

static void test_create_nomem(void)
{
	long before = shim_allocations();
	struct atomic_arena *a;

	/* 100 pages available: 101 pages of storage are refused. */
	shim_set_mem_available(100);
	a = atomic_arena_create("nomem", PAGE_SIZE, 8, 101);
	CHECK_EQ(PTR_ERR_OR_ZERO(a), -ENOMEM);
	atomic_arena_destroy(a);
	a = new_arena("nomem", PAGE_SIZE, 8, 100);
	atomic_arena_destroy(a);
	/* A page and a byte need two pages, not one. */
	shim_set_mem_available(1);
	a = atomic_arena_create("nomem", 1, 1, PAGE_SIZE + 1);
	CHECK_EQ(PTR_ERR_OR_ZERO(a), -ENOMEM);
	atomic_arena_destroy(a);
	a = new_arena("nomem", 1, 1, PAGE_SIZE);
	atomic_arena_destroy(a);
	shim_set_mem_available(-1);
	CHECK_EQ(shim_allocations(), before);
	CHECK(!shim_debugfs_exists("atomic_arena/nomem"));
}

static void test_create_duplicate(void)
{
	struct atomic_arena *a = new_arena("dup", 8, 8, 4), *b;
	long before = shim_allocations();

	/* Refused before any allocation, however large the second one. */
	b = atomic_arena_create("dup", PAGE_SIZE, 8, LONG_MAX / 2 / PAGE_SIZE);
	CHECK_EQ(PTR_ERR_OR_ZERO(b), -EEXIST);
	CHECK_EQ(shim_allocations(), before);
	atomic_arena_destroy(a);
	b = new_arena("dup", 8, 8, 4);
	atomic_arena_destroy(b);
}

static void test_destroy_null(void)
{
	long before = shim_allocations();

	atomic_arena_destroy(NULL);
	atomic_arena_destroy(ERR_PTR(-EINVAL));
	atomic_arena_destroy(ERR_PTR(-ENOMEM));
	CHECK_EQ(shim_allocations(), before);
}

static void test_alloc_int(void)
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

static void test_alloc_struct(void)
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

static void test_alloc_past_capacity(void)
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

static void test_alloc_null_zeroes(void)
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

static void test_reset_reuse(void)
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

static void test_clear(void)
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

static void test_append_order(void)
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

static void test_append_past_capacity(void)
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

static void test_bulk_zero_and_null(void)
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

static void test_reserve(void)
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

static void test_stride_align(void)
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

static void test_at_index_edges(void)
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

static void test_typed_wrapper(void)
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

static void test_debugfs(void)
{
	struct atomic_arena *a = new_arena("dbg", 8, 8, 7);
	char *whole, *chunked;
	uint64_t v = 3;

	if (!a)
		return;
	atomic_arena_alloc(a, &v);
	atomic_arena_append(a, NULL, 2);
	CHECK(!atomic_arena_reserve(a, 5));
	CHECK_EQ(stat_of("dbg", "capacity"), 7);
	CHECK_EQ(stat_of("dbg", "in_use"), 3);
	CHECK_EQ(stat_of("dbg", "allocs"), 1);
	CHECK_EQ(stat_of("dbg", "bulk"), 1);
	CHECK_EQ(stat_of("dbg", "bulk_fails"), 1);
	CHECK_EQ(stat_of("dbg", "elem_size"), 8);
	/* Read in 7-byte pieces, it is the same text. */
	if (CHECK(!shim_debugfs_read("atomic_arena/dbg/stats", 0, &whole))) {
		if (CHECK(!shim_debugfs_read("atomic_arena/dbg/stats", 7,
					     &chunked))) {
			CHECK(!strcmp(whole, chunked));
			free(chunked);
		}
		CHECK(strstr(whole, "name:          dbg\n"));
		free(whole);
	}
	if (CHECK(!shim_debugfs_read("atomic_arena/arenas", 0, &whole))) {
		CHECK(strstr(whole, "\ndbg "));
		free(whole);
	}
	atomic_arena_destroy(a);
	CHECK(!shim_debugfs_exists("atomic_arena/dbg"));
	CHECK_EQ(shim_debugfs_read("atomic_arena/dbg/stats", 0, &whole),
		 -ENOENT);
	if (CHECK(!shim_debugfs_read("atomic_arena/arenas", 0, &whole))) {
		CHECK(!strstr(whole, "\ndbg "));
		free(whole);
	}
}

/* Byte @j of element @i in the data cases: never 0. */
static unsigned char data_byte(unsigned long i, size_t j)
{
	return (i * 16 + j) % 255 + 1;
}

/*
 * <name>/data of an ordered arena: elem_size bytes a slot in use (no
 * stride padding), in index order; any offset, any read size, lseek.
 */
static void test_debugfs_data(void)
{
	struct atomic_arena *a = new_arena("data", 12, 8, 8);	/* stride 16 */
	unsigned char e[12], whole[128], part[128];
	unsigned long i;
	size_t j;

	if (!a)
		return;
	CHECK_EQ(shim_debugfs_pread("atomic_arena/data/data", 0, 0, 0, whole,
				    sizeof(whole)), 0);
	for (i = 0; i < 5; i++) {
		for (j = 0; j < sizeof(e); j++)
			e[j] = data_byte(i, j);
		CHECK(atomic_arena_alloc(a, e));
	}
	if (!CHECK_EQ(shim_debugfs_pread("atomic_arena/data/data", 0, 0, 0,
					 whole, sizeof(whole)), 60))
		goto out;
	for (i = 0; i < 60; i++)
		if (!CHECK_EQ(whole[i], data_byte(i / 12, i % 12)))
			break;
	/* From an odd offset in 5-byte reads, from the end, past the end. */
	CHECK_EQ(shim_debugfs_pread("atomic_arena/data/data", 7, SEEK_SET, 5,
				    part, sizeof(part)), 53);
	CHECK(!memcmp(part, whole + 7, 53));
	CHECK_EQ(shim_debugfs_pread("atomic_arena/data/data", -13, SEEK_END, 3,
				    part, sizeof(part)), 13);
	CHECK(!memcmp(part, whole + 47, 13));
	CHECK_EQ(shim_debugfs_pread("atomic_arena/data/data", 61, SEEK_SET, 0,
				    part, sizeof(part)), 0);
	CHECK_EQ(shim_debugfs_pread("atomic_arena/data/data", -61, SEEK_END, 0,
				    part, sizeof(part)), -EINVAL);
out:
	atomic_arena_destroy(a);
	CHECK_EQ(shim_debugfs_pread("atomic_arena/data/data", 0, 0, 0, whole,
				    sizeof(whole)), -ENOENT);
}

/* Each of create's three allocations fails in turn: -ENOMEM, no leak. */
static void test_create_injected_failure(void)
{
	static const char *const what[] = { "arena", "stats", "storage" };
	struct fault_attr *attr = shim_fault_attr("fail_create");
	long before = shim_allocations();
	struct atomic_arena *a;
	char line[64];
	int space;

	if (!CHECK(attr) || !CHECK(shim_debugfs_exists("atomic_arena/fail_create")))
		return;
	for (space = 1; space <= 3; space++) {
		shim_log_clear();
		attr->probability = 100;
		attr->times = 1;
		attr->space = space;
		a = atomic_arena_create("inject", 16, 8, 64);
		CHECK_EQ(PTR_ERR_OR_ZERO(a), -ENOMEM);
		snprintf(line, sizeof(line), "fail_create: failing the %s allocation",
			 what[space - 1]);
		if (!CHECK(shim_log_contains(line)))
			printf("# space %d: no \"%s\"\n", space, line);
		atomic_arena_destroy(a);
		CHECK_EQ(shim_allocations(), before);
		CHECK(!shim_debugfs_exists("atomic_arena/inject"));
	}
	/* A per-CPU arena's fourth allocation: its batches. */
	shim_log_clear();
	attr->probability = 100;
	attr->times = 1;
	attr->space = 4;
	a = atomic_arena_create_flags("inject", 16, 8, 64, ATOMIC_ARENA_PERCPU);
	CHECK_EQ(PTR_ERR_OR_ZERO(a), -ENOMEM);
	CHECK(shim_log_contains("fail_create: failing the batches allocation"));
	CHECK_EQ(shim_allocations(), before);
	attr->times = 0;
	a = new_arena("inject", 16, 8, 64);
	atomic_arena_destroy(a);
}

/* ---------------------------------------------------------------------- */
/* The per-CPU mode: batch 4 of 64 slots on 4 CPUs (cap / (4 * CPUs))     */

static struct atomic_arena *new_percpu(const char *name, size_t size,
				       unsigned long cap)
{
	struct atomic_arena *a = atomic_arena_create_flags(name, size, 8, cap,
							   ATOMIC_ARENA_PERCPU);

	if (!CHECK(!IS_ERR(a))) {
		printf("# create_flags(%s): %ld\n", name, PTR_ERR(a));
		return NULL;
	}
	return a;
}

static void test_percpu_create(void)
{
	struct atomic_arena *a;

	a = atomic_arena_create_flags("flags", 8, 8, 4, 0x2);
	CHECK_EQ(PTR_ERR_OR_ZERO(a), -EINVAL);
	a = atomic_arena_create_flags("flags", 8, 8, 4, ~0U);
	CHECK_EQ(PTR_ERR_OR_ZERO(a), -EINVAL);
	/* Batches pack a slot index in 48 bits: at most 2^47 slots. */
	a = atomic_arena_create_flags("flags", 1, 1, (1UL << 47) + 1,
				      ATOMIC_ARENA_PERCPU);
	CHECK_EQ(PTR_ERR_OR_ZERO(a), -EOVERFLOW);
	a = new_percpu("flags", 8, 64);
	if (!a)
		return;
	CHECK(!strcmp(stat_str("flags", "mode"), "percpu"));
	CHECK_EQ(stat_of("flags", "batch"), 4);
	atomic_arena_destroy(a);
	a = new_arena("flags", 8, 8, 64);
	CHECK(!strcmp(stat_str("flags", "mode"), "ordered"));
	CHECK_EQ(stat_of("flags", "batch"), 0);
	atomic_arena_destroy(a);
}

/* Slots in a CPU's batch are not in use: len, at, index, for_each. */
static void test_percpu_holes(void)
{
	struct atomic_arena *a = new_percpu("holes", 8, 64);
	unsigned long idx, seen = 0;
	uint64_t v = 7, *p0, *p1, *pos;

	if (!a)
		return;
	shim_set_cpu(0);
	p0 = atomic_arena_alloc(a, &v);		/* CPU 0: slot 0, holds 1..3 */
	shim_set_cpu(1);
	p1 = atomic_arena_alloc(a, &v);		/* CPU 1: slot 4, holds 5..7 */
	if (!CHECK(p0 && p1))
		goto out;
	CHECK(p1 == p0 + 4);
	CHECK_EQ(atomic_arena_len(a), 2);
	CHECK_EQ(stat_of("holes", "held"), 6);
	CHECK_EQ(stat_of("holes", "in_use"), 2);
	CHECK_EQ(stat_of("holes", "next"), 8);
	CHECK(atomic_arena_at(a, 0) == p0 && atomic_arena_at(a, 4) == p1);
	CHECK(!atomic_arena_at(a, 1) && !atomic_arena_at(a, 7));
	CHECK(!atomic_arena_at(a, 8));
	CHECK_EQ(atomic_arena_index(a, p0 + 1), -EINVAL);
	CHECK_EQ(atomic_arena_index(a, p1), 4);
	CHECK_EQ(atomic_arena_next_used(a, 1), 4);
	CHECK_EQ(atomic_arena_next_used(a, 5), 64);
	atomic_arena_for_each(a, pos, idx) {
		CHECK(idx == 0 || idx == 4);
		CHECK(pos == p0 + idx);
		seen++;
	}
	CHECK_EQ(seen, 2);
	/* CPU 0 goes on from its batch: slot 1. */
	shim_set_cpu(0);
	CHECK(atomic_arena_alloc(a, &v) == p0 + 1);
	CHECK_EQ(atomic_arena_next_used(a, 1), 1);
	/* reset empties the batches: slot 0 again, from a new batch. */
	atomic_arena_reset(a);
	CHECK_EQ(atomic_arena_len(a), 0);
	CHECK_EQ(stat_of("holes", "held"), 0);
	CHECK_EQ(stat_of("holes", "high_water"), 3);
	shim_set_cpu(1);
	CHECK(atomic_arena_alloc(a, NULL) == p0);
out:
	shim_set_cpu(0);
	atomic_arena_destroy(a);
}

/*
 * <name>/data of a per-CPU arena: only the slots handed out, each record
 * its index (u64) then the element, in index order.
 */
static void test_percpu_data(void)
{
	struct atomic_arena *a = new_percpu("pdata", 8, 64);	/* batch 4 */
	static const unsigned long want[] = { 0, 1, 4 };
	uint64_t v, rec[8];
	unsigned int i;

	if (!a)
		return;
	/* CPU 1 first: the batches are not in CPU order. */
	shim_set_cpu(1);
	v = 100;
	atomic_arena_alloc(a, &v);	/* slot 0; CPU 1 holds 1..3 */
	shim_set_cpu(0);
	v = 104;
	atomic_arena_alloc(a, &v);	/* slot 4; CPU 0 holds 5..7 */
	shim_set_cpu(1);
	v = 101;
	atomic_arena_alloc(a, &v);	/* slot 1 */
	shim_set_cpu(0);
	if (CHECK_EQ(shim_debugfs_pread("atomic_arena/pdata/data", 0, 0, 0,
					rec, sizeof(rec)), 48))
		for (i = 0; i < 3; i++) {
			CHECK_EQ(rec[2 * i], want[i]);
			CHECK_EQ(rec[2 * i + 1], 100 + want[i]);
		}
	/* From the middle of the second record: the third one's element at 20. */
	CHECK_EQ(shim_debugfs_pread("atomic_arena/pdata/data", 20, SEEK_SET, 3,
				    rec, sizeof(rec)), 28);
	CHECK(!memcmp((char *)rec + 20, &(uint64_t){ 104 }, 8));
	atomic_arena_destroy(a);
}

/*
 * No spurious failure: once the shared counter is used up, a CPU takes the
 * slots left in other CPUs' batches, and bulk calls one batch's.
 */
static void test_percpu_steal(void)
{
	struct atomic_arena *a = new_percpu("steal", 8, 256);	/* batch 16 */
	unsigned long got = 0;
	uint64_t *p, *q;
	int i;

	if (!a)
		return;
	CHECK_EQ(stat_of("steal", "batch"), 16);
	shim_set_cpu(0);
	p = atomic_arena_alloc(a, NULL);		/* CPU 0 holds 1..15 */
	shim_set_cpu(1);
	q = atomic_arena_reserve(a, 240);		/* the shared rest */
	if (!CHECK(p && q))
		goto out;
	CHECK(q == p + 16);
	CHECK(!atomic_arena_reserve(a, 16));		/* 15 left, in one batch */
	q = atomic_arena_reserve(a, 10);		/* from CPU 0's batch */
	CHECK(q == p + 1);
	CHECK(!atomic_arena_append(a, NULL, 6));
	CHECK_EQ(stat_of("steal", "held"), 5);
	for (i = 0; i < 10; i++)
		if (atomic_arena_alloc(a, NULL))
			got++;
	CHECK_EQ(got, 5);
	CHECK_EQ(atomic_arena_len(a), 256);
	CHECK_EQ(stat_of("steal", "next"), 256);
	CHECK_EQ(stat_of("steal", "alloc_fails"), 5);
	CHECK_EQ(stat_of("steal", "held"), 0);
	for (i = 0; i < 256; i++)
		if (!CHECK(atomic_arena_at(a, i) == p + i))
			break;
	/* clear zeroes every slot taken, held ones included. */
	shim_set_cpu(2);
	atomic_arena_clear(a);
	p = atomic_arena_reserve(a, 256);
	if (CHECK(p))
		CHECK(all_bytes(p, 0, 256 * 8));
out:
	shim_set_cpu(0);
	atomic_arena_destroy(a);
}

/* The typed wrapper's inline alloc, in both modes. */
static void test_typed_inline(void)
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

/* The module's exit frees an arena a user leaked, and says so. */
static void test_module_exit_frees_leaks(void)
{
	struct atomic_arena *a = new_arena("leaked", 8, 8, 4);

	if (!a)
		return;
	shim_log_clear();
	shim_module_exit();
	CHECK(shim_log_contains("arena 'leaked' was never destroyed"));
	CHECK_EQ(shim_allocations(), 0);
	CHECK(!shim_debugfs_exists("atomic_arena"));
	CHECK_EQ(shim_module_init(), 0);
}

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
