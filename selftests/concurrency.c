// SPDX-License-Identifier: GPL-2.0
/*
 * concurrency.c - the concurrency suite: exact fill, no spurious failure
 * and the counter's bounds, with many kthreads at once
 */

/* Messages nest under the suite's subtest (KUnit's indent) in the KTAP. */
#define pr_fmt(fmt) "    " fmt

#include <linux/atomic.h>
#include <linux/bitmap.h>
#include <linux/err.h>
#include <linux/kernel.h>
#include <linux/sched.h>
#include <linux/slab.h>

#include "../atomic_arena.h"
#include "test_atomic_arena.h"
#include "../bench/go_scheme.h"

/* Kthreads create the same name at once: exactly one may win. */
static int create_race_worker(struct aa_worker *w)
{
	struct atomic_arena *a = atomic_arena_create("create-race", 64, 8,
						     4096);

	if (!IS_ERR(a))
		w->ctx = a;
	else if (PTR_ERR(a) == -EEXIST)
		w->calls_failed++;
	else
		w->violations++;
	return 0;
}

static void create_race(struct kunit *test)
{
	unsigned int n = aa_nr_workers(), i, won, round;
	struct aa_worker *w = kcalloc(n, sizeof(*w), GFP_KERNEL);

	if (!aa_check(test, w))
		return;
	for (round = 0; round < 20; round++) {
		KUNIT_EXPECT_EQ(test, aa_run_workers(w, n, create_race_worker, NULL, true), 0);
		for (i = 0, won = 0; i < n; i++) {
			KUNIT_EXPECT_FALSE(test, w[i].violations);
			if (w[i].ctx) {
				won++;
				atomic_arena_destroy(w[i].ctx);
			} else {
				KUNIT_EXPECT_EQ(test, w[i].calls_failed, 1);
			}
		}
		if (!aa_check(test, won == 1))
			break;
	}
	kfree(w);
}

/* ---------------------------------------------------------------------- */
/* Concurrency                                                             */

struct tag {
	u32 owner;
	u32 seq;
	u64 check;
};

static u64 tag_check(u32 owner, u32 seq)
{
	return ((u64)owner << 32 | seq) ^ 0x9e3779b97f4a7c15ULL;
}

static int fill_worker(struct aa_worker *w)
{
	struct atomic_arena *a = w->ctx;
	struct tag t = { .owner = w->id };

	for (;;) {
		t.check = tag_check(t.owner, t.seq);
		if (!atomic_arena_alloc(a, &t))
			break;
		t.seq++;
		if (!(t.seq & 63))
			cond_resched();
	}
	w->slots = t.seq;
	return 0;
}

static void concurrent_fill(struct kunit *test)
{
	const unsigned long cap = 20000;
	unsigned int n = aa_nr_workers(), i;
	unsigned long total = 0, **seen = NULL;
	struct atomic_arena *a;
	struct aa_worker *w;
	struct tag *t;
	bool ok;
	int round;

	w = kcalloc(n, sizeof(*w), GFP_KERNEL);
	seen = kcalloc(n, sizeof(*seen), GFP_KERNEL);
	a = new_arena(test, "fill", sizeof(struct tag), 8, cap);
	if (!aa_check(test, w && seen) || !a)
		goto out;
	for (i = 0; i < n; i++) {
		seen[i] = bitmap_zalloc(cap, GFP_KERNEL);
		if (!aa_check(test, seen[i]))
			goto out;
	}

	for (round = 0; round < 3; round++) {
		KUNIT_EXPECT_EQ(test, aa_run_workers(w, n, fill_worker, a, false), 0);
		total = 0;
		for (i = 0; i < n; i++) {
			total += w[i].slots;
			bitmap_zero(seen[i], cap);
		}
		KUNIT_EXPECT_EQ(test, total, cap);
		KUNIT_EXPECT_EQ(test, atomic_arena_len(a), cap);

		/* Each slot holds one tag; each owner's tags are 0..slots-1. */
		for (i = 0; i < cap; i++) {
			t = atomic_arena_at(a, i);
			ok = t && t->owner < n && t->seq < w[t->owner].slots &&
			     t->check == tag_check(t->owner, t->seq) &&
			     !__test_and_set_bit(t->seq, seen[t->owner]);
			if (!aa_check(test, ok))
				break;
		}
		kunit_info(test, "round %d: %u threads filled %lu slots", round, n,
			   total);
		if (round & 1)
			atomic_arena_clear(a);
		else
			atomic_arena_reset(a);
	}
out:
	if (seen)
		for (i = 0; i < n; i++)
			bitmap_free(seen[i]);
	kfree(seen);
	kfree(w);
	atomic_arena_destroy(a);
}

/*
 * No spurious failure. The count of taken slots only grows between resets,
 * so once a request of n slots failed, every later request of n or more
 * must fail too, and once a single slot failed, nothing may succeed.
 * Workers mix single allocs with bulk calls of random sizes (many too large
 * to fit near the end) and each checks that rule on its own history.
 * The checker must see a violation when there is one: it runs once more on
 * the arena with one spurious failure planted, and must report it. The Go
 * original's scheme (fetch-add, roll back on failure) is run through it
 * too, for its count of spurious failures (a diagnostic: it is racy).
 */
struct take_ops {
	unsigned long (*take)(void *ctx, unsigned long n);	/* slots or 0 */
	void (*reset)(void *ctx);
	unsigned long (*len)(void *ctx);
	unsigned long cap;
	void *ctx;
};

static unsigned long arena_take(void *ctx, unsigned long n)
{
	static const u8 src[16 * 16];

	if (n == 1)
		return atomic_arena_alloc(ctx, src) ? 1 : 0;
	if (n & 1 || n > 16)
		return atomic_arena_reserve(ctx, n) ? n : 0;
	return atomic_arena_append(ctx, src, n) ? n : 0;
}

/* The first single alloc on the empty arena fails, once. */
static atomic_t planted;

static unsigned long planted_take(void *ctx, unsigned long n)
{
	if (n == 1 && atomic_arena_len(ctx) == 0 &&
	    atomic_cmpxchg(&planted, 0, 1) == 0)
		return 0;
	return arena_take(ctx, n);
}

static void arena_reset_op(void *ctx)
{
	atomic_arena_reset(ctx);
}

static unsigned long arena_len_op(void *ctx)
{
	return atomic_arena_len(ctx);
}

struct rollback_counter {
	atomic_long_t next;
	unsigned long cap;
};

/* The Go original's scheme (bench/go_scheme.h), with an interrupt in it. */
static unsigned long rollback_take(void *ctx, unsigned long n)
{
	struct rollback_counter *c = ctx;

	return go_scheme_take(&c->next, c->cap, n, 2) < 0 ? 0 : n;
}

static void rollback_reset(void *ctx)
{
	struct rollback_counter *c = ctx;

	atomic_long_set(&c->next, 0);
}

static unsigned long rollback_len(void *ctx)
{
	struct rollback_counter *c = ctx;

	return min_t(unsigned long, atomic_long_read(&c->next), c->cap);
}

/* One call of @n slots, checked against the worker's history. */
static bool mixed_take(struct aa_worker *w, const struct take_ops *ops,
		       unsigned long n, unsigned long *min_failed)
{
	unsigned long got = ops->take(ops->ctx, n);

	if (got) {
		w->calls_ok++;
		w->slots += got;
		if (n >= *min_failed)
			w->violations++;
	} else {
		w->calls_failed++;
		*min_failed = min(*min_failed, n);
	}
	return got;
}

static int mixed_worker(struct aa_worker *w)
{
	const struct take_ops *ops = w->ctx;
	unsigned long min_failed = ULONG_MAX, n;
	unsigned int tries_after_full = 0;
	u32 rnd = 0x12345 + w->id * 7919;

	while (tries_after_full < 200) {
		rnd = rnd * 1103515245 + 12345;
		if (!(w->id & 1))
			n = 1;
		else if ((rnd >> 16) & 1)
			n = ops->cap / 2 + 1;	/* cannot fit past half full */
		else
			n = 1 + (rnd >> 16) % 16;

		/* After a bulk failure, a single alloc tells whether it is full. */
		if (!mixed_take(w, ops, n, &min_failed) && n > 1)
			mixed_take(w, ops, 1, &min_failed);
		if (min_failed == 1)
			tries_after_full++;
		if (!((w->calls_ok + w->calls_failed) & 63))
			cond_resched();
	}
	return 0;
}

/* Runs @rounds rounds; returns the violations seen, reports the rest. */
static unsigned long run_mixed(struct kunit *test, const struct take_ops *ops,
			       unsigned int n, int rounds, unsigned long *lost)
{
	unsigned int i;
	unsigned long violations = 0, slots;
	struct aa_worker *w;
	int r;

	*lost = 0;
	w = kcalloc(n, sizeof(*w), GFP_KERNEL);
	if (!aa_check(test, w))
		return 0;
	for (r = 0; r < rounds; r++) {
		KUNIT_EXPECT_EQ(test, aa_run_workers(w, n, mixed_worker, (void *)ops, false), 0);
		slots = 0;
		for (i = 0; i < n; i++) {
			violations += w[i].violations;
			slots += w[i].slots;
		}
		if (slots != ops->cap || ops->len(ops->ctx) != ops->cap)
			(*lost)++;
		ops->reset(ops->ctx);
	}
	kfree(w);
	return violations;
}

static void no_spurious_failure(struct kunit *test)
{
	const unsigned long cap = 4096;
	const int rounds = 20;
	struct rollback_counter rc = { .cap = cap };
	struct take_ops ops = {
		.take = arena_take, .reset = arena_reset_op,
		.len = arena_len_op, .cap = cap,
	};
	unsigned long violations, lost;

	ops.ctx = new_arena(test, "mixed", 16, 8, cap);
	if (!ops.ctx)
		return;
	violations = run_mixed(test, &ops, aa_nr_workers(), rounds, &lost);
	kunit_info(test, "arena: %lu spurious failures, %lu rounds not filled exactly, in %d rounds",
		   violations, lost, rounds);
	KUNIT_EXPECT_EQ(test, violations, 0);
	KUNIT_EXPECT_EQ(test, lost, 0);

	/*
	 * One planted spurious failure: the checker must catch it. One worker
	 * (id 0: single allocs only), so that its first call is the planted
	 * one and the calls after it find room, whatever the scheduling.
	 */
	atomic_set(&planted, 0);
	ops.take = planted_take;
	violations = run_mixed(test, &ops, 1, 1, &lost);
	kunit_info(test, "planted: the checker saw %lu violations of 1 planted failure",
		   violations);
	KUNIT_EXPECT_EQ(test, atomic_read(&planted), 1);
	KUNIT_EXPECT_GT(test, violations, 0);
	atomic_arena_destroy(ops.ctx);

	/* The per-CPU mode, through the same checker. */
	ops.take = arena_take;
	ops.ctx = atomic_arena_create_flags("mixed-percpu", 16, 8, cap,
					    ATOMIC_ARENA_PERCPU);
	if (aa_check(test, !IS_ERR(ops.ctx))) {
		violations = run_mixed(test, &ops, aa_nr_workers(), rounds, &lost);
		kunit_info(test, "per-CPU arena: %lu spurious failures, %lu rounds not filled exactly, in %d rounds",
			   violations, lost, rounds);
		KUNIT_EXPECT_EQ(test, violations, 0);
		KUNIT_EXPECT_EQ(test, lost, 0);
		atomic_arena_destroy(ops.ctx);
	}

	/* The same checker on the Go scheme: diagnostic only, it is racy. */
	atomic_long_set(&rc.next, 0);
	ops = (struct take_ops){
		.take = rollback_take, .reset = rollback_reset,
		.len = rollback_len, .cap = cap, .ctx = &rc,
	};
	violations = run_mixed(test, &ops, aa_nr_workers(), rounds, &lost);
	kunit_info(test, "fetch-add-then-roll-back scheme: %lu spurious failures in %d rounds",
		   violations, rounds);
}

static int hammer_failures_worker(struct aa_worker *w)
{
	struct atomic_arena *a = w->ctx;
	int i;

	for (i = 0; i < 20000; i++) {
		if (atomic_arena_alloc(a, NULL) || atomic_arena_reserve(a, 2) ||
		    atomic_arena_append(a, NULL, 1))
			w->violations++;
		if (!(i & 255))
			cond_resched();
	}
	return 0;
}

/*
 * A storm of failing calls on a full arena. len() clamps, so the raw
 * counter is what tells whether failures moved it: the arena is left alive
 * as "selftest-storm" (destroyed at unload), and
 * selftests/atomic_arena.sh checks in debugfs that @next is 64, after the
 * storm, a reset, a refill and one more failure, and that no failing call
 * ever took it past the capacity (overshoot_max 0: the arena was full
 * before each storm began).
 */
static struct atomic_arena *storm;

static void failures_do_not_accumulate(struct kunit *test)
{
	unsigned int n = aa_nr_workers(), i;
	unsigned long violations = 0;
	struct aa_worker *w;

	w = kcalloc(n, sizeof(*w), GFP_KERNEL);
	storm = new_arena(test, "selftest-storm", 8, 8, 64);
	if (!aa_check(test, w) || !storm)
		goto out;
	KUNIT_EXPECT_TRUE(test, atomic_arena_reserve(storm, 64));
	KUNIT_EXPECT_EQ(test, aa_run_workers(w, n, hammer_failures_worker, storm, false), 0);
	for (i = 0; i < n; i++)
		violations += w[i].violations;
	KUNIT_EXPECT_EQ(test, violations, 0);
	KUNIT_EXPECT_EQ(test, atomic_arena_len(storm), 64);
	/* After a reset the whole capacity is there, and no more. */
	atomic_arena_reset(storm);
	KUNIT_EXPECT_EQ(test, atomic_arena_len(storm), 0);
	for (i = 0; i < 64; i++)
		KUNIT_EXPECT_TRUE(test, atomic_arena_alloc(storm, NULL));
	KUNIT_EXPECT_FALSE(test, atomic_arena_alloc(storm, NULL));
out:
	kfree(w);
}

/*
 * len() never exceeds the capacity, although @next does, briefly, when
 * callers race for the last slot. Many one-slot arenas, raced for in the
 * same order by every worker: after each of its calls a worker reads len()
 * a few times, while others may be between their add and their pull-back.
 * The arenas of the last round stay alive, full, until the module is
 * unloaded: len() clamps, so only debugfs shows that every raw counter was
 * pulled back to the capacity (selftests/atomic_arena.sh checks it, and
 * that some of the races did take a counter past it).
 */
#define RACE_ARENAS	128
#define RACE_ROUNDS	64

static struct atomic_arena *race_arenas[RACE_ARENAS];
static atomic_t race_arrived[RACE_ARENAS];

static int len_race_worker(struct aa_worker *w)
{
	struct atomic_arena **arenas = w->ctx;
	unsigned int j, k;

	for (j = 0; j < RACE_ARENAS; j++) {
		/* Meet another worker at arena j (briefly), then race it. */
		atomic_inc(&race_arrived[j]);
		for (k = 0; atomic_read(&race_arrived[j]) < 2 && k < 2000; k++)
			cpu_relax();
		/* Both ways in: the inline fast path, and take_one(). */
		if (j & 1 ? atomic_arena_reserve(arenas[j], 1) :
			    atomic_arena_alloc(arenas[j], NULL))
			w->slots++;
		for (k = 0; k < 4; k++)
			if (atomic_arena_len(arenas[j]) > 1)
				w->violations++;
	}
	return 0;
}

static void len_within_capacity(struct kunit *test)
{
	unsigned int n = aa_nr_workers(), i, round;
	unsigned long slots, violations = 0;
	char name[ATOMIC_ARENA_NAME_MAX + 1];
	struct aa_worker *w;

	w = kcalloc(n, sizeof(*w), GFP_KERNEL);
	if (!aa_check(test, w))
		return;
	for (i = 0; i < RACE_ARENAS; i++) {
		snprintf(name, sizeof(name), "selftest-race-%u", i);
		race_arenas[i] = new_arena(test, name, 8, 8, 1);
		if (!race_arenas[i])
			goto out;
	}
	for (round = 0; round < RACE_ROUNDS; round++) {
		for (i = 0; i < RACE_ARENAS; i++) {
			if (round)
				atomic_arena_reset(race_arenas[i]);
			atomic_set(&race_arrived[i], 0);
		}
		KUNIT_EXPECT_EQ(test, aa_run_workers(w, n, len_race_worker,
						     race_arenas, true), 0);
		for (i = 0, slots = 0; i < n; i++) {
			slots += w[i].slots;
			violations += w[i].violations;
		}
		/* Each arena gave its one slot to exactly one worker. */
		KUNIT_EXPECT_EQ(test, slots, RACE_ARENAS);
		for (i = 0; i < RACE_ARENAS; i++)
			KUNIT_EXPECT_EQ(test, atomic_arena_len(race_arenas[i]), 1);
	}
	kunit_info(test, "len() above the capacity: seen %lu times", violations);
	KUNIT_EXPECT_EQ(test, violations, 0);
out:
	kfree(w);
}

/* Destroys the arenas left full for debugfs (storm, race), at unload. */
void aa_concurrency_cleanup(void)
{
	unsigned int i;

	atomic_arena_destroy(storm);
	storm = NULL;
	for (i = 0; i < RACE_ARENAS; i++) {
		atomic_arena_destroy(race_arenas[i]);
		race_arenas[i] = NULL;
	}
}

static struct kunit_case aa_concurrency_cases[] = {
	KUNIT_CASE(create_race),
	KUNIT_CASE_SLOW(concurrent_fill),
	KUNIT_CASE_SLOW(no_spurious_failure),
	KUNIT_CASE_SLOW(failures_do_not_accumulate),
	KUNIT_CASE_SLOW(len_within_capacity),
	{}
};

struct kunit_suite aa_concurrency_suite = {
	.name = "atomic_arena_concurrency",
	.test_cases = aa_concurrency_cases,
};
