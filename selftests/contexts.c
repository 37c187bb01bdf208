// SPDX-License-Identifier: GPL-2.0
/*
 * contexts.c - the contexts suite: calls from a hardirq, and the per-CPU
 * mode's batches as each CPU sees them (calls made from IPIs)
 */

/* Messages nest under the suite's subtest (KUnit's indent) in the KTAP. */
#define pr_fmt(fmt) "    " fmt

#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/hrtimer.h>
#include <linux/kernel.h>
#include <linux/preempt.h>
#include <linux/smp.h>

#include "../atomic_arena.h"
#include "test_compat.h"
#include "test_atomic_arena.h"

/* ---------------------------------------------------------------------- */
/* Interrupt context                                                       */

struct irq_alloc {
	struct hrtimer timer;
	struct atomic_arena *arena;
	void *slot;
	bool in_hardirq;
	bool done;
};

static enum hrtimer_restart irq_alloc_fn(struct hrtimer *t)
{
	struct irq_alloc *ia = container_of(t, struct irq_alloc, timer);
	u64 v = 0xabcdef;

	ia->in_hardirq = hardirq_count() != 0;
	ia->slot = atomic_arena_alloc(ia->arena, &v);
	/* Release: the results are written before the waiter sees done. */
	smp_store_release(&ia->done, true);
	return HRTIMER_NORESTART;
}

static void alloc_hardirq(struct kunit *test)
{
	struct irq_alloc ia = { .arena = new_arena(test, "hardirq", 8, 8, 2) };
	int waited;

	if (!ia.arena)
		return;
	/* A hard hrtimer runs in hardirq context, PREEMPT_RT included. */
	hrtimer_setup(&ia.timer, irq_alloc_fn, CLOCK_MONOTONIC,
		      HRTIMER_MODE_REL_HARD);
	hrtimer_start(&ia.timer, ns_to_ktime(10 * NSEC_PER_USEC),
		      HRTIMER_MODE_REL_HARD);
	/* Acquire: pairs with the release in the callback. */
	for (waited = 0; !smp_load_acquire(&ia.done) && waited < 1000; waited++)
		usleep_range(1000, 2000);
	hrtimer_cancel(&ia.timer);
	if (aa_check(test, ia.done)) {
		KUNIT_EXPECT_TRUE(test, ia.in_hardirq);
		KUNIT_EXPECT_TRUE(test, ia.slot && *(u64 *)ia.slot == 0xabcdef);
		KUNIT_EXPECT_EQ(test, atomic_arena_index(ia.arena, ia.slot), 0);
	}
	atomic_arena_destroy(ia.arena);
}

/* ---------------------------------------------------------------------- */
/* The per-CPU mode                                                        */

struct on_cpu {
	struct atomic_arena *a;
	unsigned long n;	/* 0: alloc(NULL); else reserve(n) */
	void *p;
};

static void on_cpu_fn(void *data)
{
	struct on_cpu *c = data;

	c->p = c->n ? atomic_arena_reserve(c->a, c->n) :
		      atomic_arena_alloc(c->a, NULL);
}

/* One call made on @cpu (from its IPI: hardirq context). */
static void *take_on(int cpu, struct atomic_arena *a, unsigned long n)
{
	struct on_cpu c = { .a = a, .n = n };

	if (smp_call_function_single(cpu, on_cpu_fn, &c, 1))
		return NULL;
	return c.p;
}

/*
 * Batches of 64 (the capacity is 256 per possible CPU): slots in one CPU's
 * batch are holes for len, at, index and for_each; once the shared counter
 * is used up, bulk calls take one batch's slots and single calls steal the
 * rest, so that no call fails while a slot is free.
 */
static void percpu_batches(struct kunit *test)
{
	unsigned long cap = 256 * num_possible_cpus(), idx, n = 0, i;
	int cpu_a = cpumask_first(cpu_online_mask), cpu_b;
	struct atomic_arena *a;
	u8 *p, *q, *pos;

	cpu_b = cpumask_next(cpu_a, cpu_online_mask);
	if (cpu_b >= nr_cpu_ids) {
		kunit_mark_skipped(test, "one online CPU: nothing to steal from");
		return;
	}
	a = atomic_arena_create_flags("percpu", 8, 8, cap, ATOMIC_ARENA_PERCPU);
	if (!aa_check(test, !IS_ERR(a)))
		return;
	/* A reset empties the batches: CPU A starts again from slot 0. */
	p = take_on(cpu_a, a, 0);
	atomic_arena_reset(a);
	KUNIT_EXPECT_EQ(test, atomic_arena_len(a), 0);
	KUNIT_EXPECT_PTR_EQ(test, take_on(cpu_a, a, 0), p);
	atomic_arena_reset(a);

	p = take_on(cpu_a, a, 0);		/* slot 0; CPU A holds 1..63 */
	q = take_on(cpu_b, a, cap - 64);	/* the shared counter's rest */
	if (!aa_check(test, p && q))
		goto out;
	KUNIT_EXPECT_PTR_EQ(test, q, p + 64 * 8);
	KUNIT_EXPECT_EQ(test, atomic_arena_len(a), cap - 63);
	KUNIT_EXPECT_TRUE(test, !atomic_arena_at(a, 1) && atomic_arena_index(a, p + 8) == -EINVAL);
	KUNIT_EXPECT_EQ(test, atomic_arena_next_used(a, 1), 64);
	atomic_arena_for_each(a, pos, idx) {
		/* One report, not one per slot, if it goes wrong. */
		if (!aa_check(test, pos == p + idx * 8 && (idx == 0 || idx >= 64)))
			break;
		n++;
	}
	KUNIT_EXPECT_EQ(test, n, cap - 63);

	KUNIT_EXPECT_FALSE(test, take_on(cpu_b, a, 64));		/* 63 left, in one batch */
	KUNIT_EXPECT_PTR_EQ(test, take_on(cpu_b, a, 40), p + 8);	/* CPU A's, in order */
	KUNIT_EXPECT_FALSE(test, take_on(cpu_b, a, 24));
	for (i = 0; i < 23; i++)
		KUNIT_EXPECT_PTR_EQ(test, take_on(cpu_b, a, 0), p + (41 + i) * 8);
	KUNIT_EXPECT_FALSE(test, take_on(cpu_b, a, 0));
	KUNIT_EXPECT_FALSE(test, take_on(cpu_a, a, 0));
	KUNIT_EXPECT_EQ(test, atomic_arena_len(a), cap);
	for (i = 0; i < cap; i++)
		if (!aa_check(test, atomic_arena_at(a, i) == p + i * 8))
			break;
	atomic_arena_reset(a);
	KUNIT_EXPECT_EQ(test, atomic_arena_len(a), 0);
	KUNIT_EXPECT_PTR_EQ(test, take_on(cpu_b, a, 0), p);
out:
	atomic_arena_destroy(a);
}

static struct kunit_case aa_contexts_cases[] = {
	KUNIT_CASE(alloc_hardirq),
	KUNIT_CASE(percpu_batches),
	{}
};

struct kunit_suite aa_contexts_suite = {
	.name = "atomic_arena_contexts",
	.test_cases = aa_contexts_cases,
};
