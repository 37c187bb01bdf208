// SPDX-License-Identifier: GPL-2.0
/*
 * The functional cases of the per-CPU mode (ATOMIC_ARENA_PERCPU): its
 * flags and batch size, the holes that batches leave, its data file, and
 * the steals that keep a full counter from failing calls spuriously.
 * Their arenas: batches of 4 of 64 slots on 4 CPUs (cap / (4 * CPUs)).
 */
#define _GNU_SOURCE
#include <string.h>

#include <linux/err.h>

#include "functional.h"

/* The text of "key:" in an arena's debugfs stats ("" if none); static. */
static const char *stat_str(const char *name, const char *key)
{
	static char val[64];

	if (!shim_arena_stat_str(name, key, val, sizeof(val)))
		val[0] = 0;
	return val;
}

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

void test_percpu_create(void)
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
void test_percpu_holes(void)
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
void test_percpu_data(void)
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
void test_percpu_steal(void)
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
