// SPDX-License-Identifier: GPL-2.0
/*
 * limits.c - the cases at the limits of the arena's arithmetic, where a
 * 32-bit kernel differs from a 64-bit one: the largest capacity, a storage
 * size that overflows size_t, and indices and the shared counter near
 * LONG_MAX / 2. Each case computes what it expects from BITS_PER_LONG, so
 * that the same case passes on both and a size computed in 64 bits but
 * kept in a 32-bit size_t fails on i386.
 */

/* Messages nest under the suite's subtest (KUnit's indent) in the KTAP. */
#define pr_fmt(fmt) "    " fmt

#include <linux/atomic.h>
#include <linux/err.h>
#include <linux/kernel.h>
#include <linux/limits.h>
#include <linux/mm.h>
#include <linux/sizes.h>
#include <linux/slab.h>

#include "../atomic_arena.h"
#include "test_atomic_arena.h"

/* The largest capacity of atomic_arena_create(), and of the per-CPU mode. */
#define MAX_ELEMS		(LONG_MAX / 2)
#define PERCPU_MAX_ELEMS	((unsigned long)min_t(u64, MAX_ELEMS, \
						      BIT_ULL(47) - 1))

/* create_flags(@size, @align, @cap, @flags) must give @want (0: an arena). */
static void expect_create(struct kunit *test, size_t size, size_t align, unsigned long cap,
			  unsigned int flags, int want)
{
	struct atomic_arena *a;
	int got;

	a = atomic_arena_create_flags("limits", size, align, cap, flags);
	got = PTR_ERR_OR_ZERO(a);
	if (!aa_check(test, got == want))
		kunit_info(test, "create(%zu, %zu, %lu, %#x): got %d, want %d",
			   size, align, cap, flags, got, want);
	atomic_arena_destroy(a);
}

/*
 * The largest capacity is accepted (and then refused for want of memory:
 * no machine has it), one more is -EOVERFLOW, in both modes. On 32-bit
 * LONG_MAX / 2 binds the per-CPU mode too, below its own 2^47.
 */
static void create_largest_capacity(struct kunit *test)
{
	kunit_info(test, "long is %d bits: capacity at most %lu, per-CPU %lu",
		   BITS_PER_LONG, (unsigned long)MAX_ELEMS, PERCPU_MAX_ELEMS);
	expect_create(test, 1, 1, MAX_ELEMS, 0, -ENOMEM);
	expect_create(test, 1, 1, MAX_ELEMS + 1UL, 0, -EOVERFLOW);
	expect_create(test, 1, 1, PERCPU_MAX_ELEMS, ATOMIC_ARENA_PERCPU, -ENOMEM);
	expect_create(test, 1, 1, PERCPU_MAX_ELEMS + 1, ATOMIC_ARENA_PERCPU,
		      -EOVERFLOW);
}

/*
 * elem_size * max_elems past size_t is -EOVERFLOW; just below it, -ENOMEM.
 * 64 KiB slots times 64 Ki + 1 cross 32 bits: -EOVERFLOW on 32-bit, a
 * mere 4 GiB that the test machine does not have on 64-bit.
 */
static void create_size_overflow(struct kunit *test)
{
	unsigned long pages = SIZE_MAX / PAGE_SIZE;

	expect_create(test, SZ_64K, 8, SZ_64K + 1, 0,
		      BITS_PER_LONG == 32 ? -EOVERFLOW : -ENOMEM);
	expect_create(test, SZ_64K, 8, SZ_64K + 1, ATOMIC_ARENA_PERCPU,
		      BITS_PER_LONG == 32 ? -EOVERFLOW : -ENOMEM);
	/* Rounding the element up to the alignment overflows the same way. */
	expect_create(test, SZ_64K - 1, 8, SZ_64K + 1, 0,
		      BITS_PER_LONG == 32 ? -EOVERFLOW : -ENOMEM);
	/* The exact edge of size_t, with page-sized slots. */
	expect_create(test, PAGE_SIZE, PAGE_SIZE, pages, 0, -ENOMEM);
	expect_create(test, PAGE_SIZE, PAGE_SIZE, pages + 1, 0, -EOVERFLOW);
}

/*
 * An arena of 1-byte slots made to claim the largest capacity through the
 * public head, with its counter moved near the top: no test machine has
 * the memory for a real one (a GiB on 32-bit, far more on 64-bit). Only
 * reserve(), at(), index() and failing calls are made on it, none of which
 * touches a slot; 1-byte slots are never KASAN-poisoned. Its debugfs data
 * file would read far past the storage: selftests/atomic_arena.sh's reader
 * loop leaves it alone. Restored to its real capacity before it is
 * destroyed.
 */
static struct atomic_arena *forge_largest(struct kunit *test,
					  struct atomic_arena_head **h)
{
	struct atomic_arena *a = atomic_arena_create("limits-forged", 1, 1, 1);

	if (!aa_check(test, !IS_ERR(a)))
		return NULL;
	*h = (struct atomic_arena_head *)a;
	(*h)->cap = MAX_ELEMS;
	return a;
}

static void unforge(struct atomic_arena *a, struct atomic_arena_head *h)
{
	atomic_long_set(&h->next, 0);
	h->cap = 1;
	atomic_arena_destroy(a);
}

/* The last indices: handed out, found again, and never negative as long. */
static void index_near_long_max(struct kunit *test)
{
	unsigned long last = MAX_ELEMS - 1;
	struct atomic_arena_head *h;
	struct atomic_arena *a = forge_largest(test, &h);
	void *p, *q;

	if (!a)
		return;
	atomic_long_set(&h->next, last - 1);
	p = atomic_arena_reserve(a, 1);
	q = atomic_arena_reserve(a, 1);
	KUNIT_EXPECT_PTR_EQ(test, p, h->base + (last - 1));
	KUNIT_EXPECT_PTR_EQ(test, q, h->base + last);
	KUNIT_EXPECT_EQ(test, atomic_arena_index(a, p), (long)(last - 1));
	KUNIT_EXPECT_EQ(test, atomic_arena_index(a, q), (long)last);
	KUNIT_EXPECT_GT(test, atomic_arena_index(a, q), 0);
	KUNIT_EXPECT_PTR_EQ(test, atomic_arena_at(a, last), q);
	KUNIT_EXPECT_FALSE(test, atomic_arena_at(a, last + 1));
	KUNIT_EXPECT_FALSE(test, atomic_arena_at(a, LONG_MAX));
	KUNIT_EXPECT_FALSE(test, atomic_arena_at(a, (unsigned long)LONG_MAX + 1));
	KUNIT_EXPECT_EQ(test, atomic_arena_len(a), MAX_ELEMS);
	/* Full: every call fails, and the counter stays at the capacity. */
	KUNIT_EXPECT_FALSE(test, atomic_arena_reserve(a, 1));
	KUNIT_EXPECT_FALSE(test, atomic_arena_alloc(a, NULL));
	KUNIT_EXPECT_FALSE(test, atomic_arena_append(a, NULL, 2));
	KUNIT_EXPECT_EQ(test, atomic_long_read(&h->next), MAX_ELEMS);

	/* Bulk requests as large as the capacity, with one slot left. */
	atomic_long_set(&h->next, last);
	KUNIT_EXPECT_FALSE(test, atomic_arena_reserve(a, 2));
	KUNIT_EXPECT_FALSE(test, atomic_arena_reserve(a, MAX_ELEMS));
	KUNIT_EXPECT_FALSE(test, atomic_arena_reserve(a, LONG_MAX));
	KUNIT_EXPECT_FALSE(test, atomic_arena_reserve(a, ULONG_MAX));
	KUNIT_EXPECT_EQ(test, atomic_long_read(&h->next), last);
	KUNIT_EXPECT_PTR_EQ(test, atomic_arena_reserve(a, 1), q);
	unforge(a, h);
}

/* Racers for the last slot below LONG_MAX / 2, met as len_race does. */
static atomic_t top_arrived;

static int top_race_worker(struct aa_worker *w)
{
	unsigned int k;

	atomic_inc(&top_arrived);
	for (k = 0; atomic_read(&top_arrived) < 2 && k < 2000; k++)
		cpu_relax();
	if (atomic_arena_reserve(w->ctx, 1))
		w->slots++;
	return 0;
}

#define TOP_ROUNDS	64

/*
 * The pull-back at the top: the failing racers' fetch-adds take the counter
 * past the largest capacity, by at most one each, and the last of them
 * brings it back to the capacity; with a 32-bit long that is where an
 * excess would first turn the counter negative.
 */
static void pullback_near_long_max(struct kunit *test)
{
	unsigned int n = aa_nr_workers(), i, round;
	struct atomic_arena_head *h;
	struct atomic_arena *a;
	unsigned long slots;
	struct aa_worker *w;
	long next;

	w = kcalloc(n, sizeof(*w), GFP_KERNEL);
	if (!aa_check(test, w))
		return;
	a = forge_largest(test, &h);
	if (!a)
		goto out;
	for (round = 0; round < TOP_ROUNDS; round++) {
		atomic_long_set(&h->next, MAX_ELEMS - 1);
		atomic_set(&top_arrived, 0);
		KUNIT_EXPECT_EQ(test, aa_run_workers(w, n, top_race_worker, a, true), 0);
		for (i = 0, slots = 0; i < n; i++)
			slots += w[i].slots;
		next = atomic_long_read(&h->next);
		if (!aa_check(test, slots == 1 && next == MAX_ELEMS)) {
			kunit_info(test, "round %u: %lu slots, next %ld", round,
				   slots, next);
			break;
		}
	}
	unforge(a, h);
out:
	kfree(w);
}

static struct kunit_case aa_limits_cases[] = {
	KUNIT_CASE(create_largest_capacity),
	KUNIT_CASE(create_size_overflow),
	KUNIT_CASE(index_near_long_max),
	KUNIT_CASE_SLOW(pullback_near_long_max),
	{}
};

struct kunit_suite aa_limits_suite = {
	.name = "atomic_arena_limits",
	.test_cases = aa_limits_cases,
};
