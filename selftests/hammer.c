// SPDX-License-Identifier: GPL-2.0
/*
 * hammer.c - stress cases of the test module
 *
 * Each round fills one arena from every context the API promises at once:
 * kthreads (one per online CPU by default, bound, released together), a
 * hardirq hrtimer and a softirq hrtimer on every CPU and, on x86, NMIs sent
 * to every CPU. Every owner mixes alloc, alloc(NULL), append and reserve of
 * varying sizes, some too large to fit, until the arena is full and it has
 * seen it full for a while. Then, with every user stopped, the round is
 * checked:
 *
 * - every call got slots in use, at slot boundaries (atomic_arena_index());
 * - every slot holds the tag its owner wrote across the whole element
 *   (owner, call sequence number, part and size of the call), so slots of
 *   two calls that overlapped, or were torn, cannot go unnoticed;
 * - each owner's calls appear exactly once, contiguous, and the slots found
 *   equal the slots the owners counted, equal len(), equal the capacity;
 * - no call failed while room remained: after a call of n slots failed, no
 *   later call of that owner of n or more slots may succeed;
 * - alloc(NULL) gave zeroed slots, and clear left every used slot zeroed.
 *
 * Rounds alternate between an ordered arena and a per-CPU one
 * (ATOMIC_ARENA_PERCPU), and each arena is recycled before its next round,
 * alternately with reset and clear. Both are left full at the end. In the
 * per-CPU mode an NMI may fail while its own CPU's interrupted refill holds
 * slots (the mode's documented exception): such contradicted NMI failures
 * are counted apart and printed, for the script to compare with the
 * arena's holdback_fails. Meanwhile a kthread creates
 * and destroys other arenas, so that debugfs readers (selftests/
 * atomic_arena.sh keeps reading) race with debugfs teardown. The hammer's
 * arena stays alive after a successful load, and the operation totals are
 * printed, so that the script can compare them with debugfs.
 */

/* Messages nest under the suite's subtest (KUnit's indent) in the KTAP. */
#define pr_fmt(fmt) "    " fmt

#include <linux/atomic.h>
#include <linux/bitmap.h>
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/hrtimer.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/percpu.h>
#include <linux/preempt.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/string.h>

#include "../atomic_arena.h"
#include "test_compat.h"
#include "test_atomic_arena.h"
#include "hammer.h"

static unsigned int hammer_rounds = 100000;
module_param(hammer_rounds, uint, 0444);
MODULE_PARM_DESC(hammer_rounds, "Stress rounds (0: no stress cases)");
static unsigned int hammer_seconds = 30;
module_param(hammer_seconds, uint, 0444);
MODULE_PARM_DESC(hammer_seconds, "Start no round after this many seconds (0: no limit)");
static unsigned int hammer_threads;
module_param(hammer_threads, uint, 0444);
MODULE_PARM_DESC(hammer_threads, "Allocating kthreads (0: one per online CPU)");
static bool hammer_bind = true;
module_param(hammer_bind, bool, 0444);
MODULE_PARM_DESC(hammer_bind, "Bind kthread i to the i-th online CPU");
static unsigned long hammer_capacity = 16384;
module_param(hammer_capacity, ulong, 0444);
MODULE_PARM_DESC(hammer_capacity, "Slots of the stressed arena");
static unsigned int hammer_elem_size = 32;
module_param(hammer_elem_size, uint, 0444);
MODULE_PARM_DESC(hammer_elem_size, "Element size: a multiple of 8, at least 16");
static unsigned int hammer_bulk_max = 16;
module_param(hammer_bulk_max, uint, 0444);
MODULE_PARM_DESC(hammer_bulk_max, "Largest append/reserve that can fit (1..64)");
unsigned int hammer_irq_us = 50;
module_param(hammer_irq_us, uint, 0444);
MODULE_PARM_DESC(hammer_irq_us, "Period of the per-CPU hrtimers and NMIs, in microseconds");
unsigned int hammer_irq_burst = 8;
module_param(hammer_irq_burst, uint, 0444);
MODULE_PARM_DESC(hammer_irq_burst, "Calls per hrtimer expiry, three times that per NMI (1..64)");

/* The stressed arena's users, and the round checker: hammer_owners.c. */
struct hammer *nmi_hammer;		/* for the NMI handler */
DEFINE_PER_CPU(struct owner *, hammer_nmi_owner);
static const char *nmi_skip;
static const char *const kind_name[NR_KINDS] = {
	"kthread", "hardirq", "softirq", "nmi",
};

bool aa_hammer_enabled(void)
{
	return hammer_rounds > 0;
}

static bool recycle(struct hammer *h)
{
	unsigned int m = h->mode;
	bool ok = true;
	void *p;

	h->resets[m]++;
	if (!((h->rounds >> 1) & 1)) {
		atomic_arena_reset(h->arena);
		return true;
	}
	atomic_arena_clear(h->arena);
	p = atomic_arena_reserve(h->arena, h->cap);
	h->main_bulk[m]++;
	if (!p || memchr_inv(p, 0, h->cap * h->elem))
		ok = false;
	atomic_arena_reset(h->arena);
	h->resets[m]++;
	return ok;
}

static void new_round(struct hammer *h)
{
	unsigned int k;

	for (k = 0; k < h->nr_owners; k++) {
		struct owner *o = &h->owners[k];

		o->round_ops = 0;
		o->seq = 0;
		o->slots = 0;
		o->min_failed = ULONG_MAX;
		o->tries_after_full = 0;
	}
}

/*
 * Marks in @idle the kinds of owner that made no call this round, and
 * returns how many. Racy while interrupts still run (a late zero only makes
 * the caller wait longer); exact once they are stopped.
 */
static unsigned int idle_kinds(struct hammer *h, bool idle[NR_KINDS])
{
	unsigned long ops[NR_KINDS] = { 0 };
	unsigned int k, n = 0;

	for (k = 0; k < h->nr_owners; k++) {
		/* Racy: interrupts may still count (see above). */
		ops[h->owners[k].kind] += data_race(h->owners[k].round_ops);
	}
	for (k = 0; k < NR_KINDS; k++) {
		idle[k] = !ops[k] && (k != KIND_NMI || h->nmi);
		n += idle[k];
	}
	return n;
}

/* One round, which leaves the arena full; returns the problems found. */
static unsigned long run_round(struct hammer *h, struct aa_worker *w)
{
	struct task_struct *sender = NULL;
	unsigned long bad = 0, deadline;
	bool idle[NR_KINDS];
	unsigned int k;

	new_round(h);
	WRITE_ONCE(h->armed, true);
	for (k = h->nr_threads; k < h->nr_owners; k++)
		if (h->owners[k].kind != KIND_NMI)
			smp_call_function_single(h->owners[k].cpu,
						 hammer_timer_start,
						 &h->owners[k], 1);
	if (h->nmi) {
		sender = kthread_run(hammer_nmi_sender, NULL, "arena_test/nmi");
		if (IS_ERR(sender))
			sender = NULL;
	}

	if (aa_run_workers(w, h->nr_threads, hammer_thread_fn, h, hammer_bind))
		bad++;
	/* A short round: give late interrupts a second to make their call. */
	deadline = jiffies + HZ;
	while (idle_kinds(h, idle) && time_before(jiffies, deadline))
		usleep_range(100, 200);

	WRITE_ONCE(h->armed, false);
	WRITE_ONCE(h->running, false);
	if (sender)
		kthread_stop(sender);
	for (k = h->nr_threads; k < h->nr_owners; k++)
		if (h->owners[k].kind != KIND_NMI)
			hrtimer_cancel(&h->owners[k].timer);
	if (h->nmi && !hammer_nmi_drain()) {
		/* An NMI sent was never handled: a failure, not a skip. */
		pr_info("# round %lu: NMIs sent were not handled within a second\n",
			h->rounds);
		h->nmi_stuck = true;
		bad++;
	}

	idle_kinds(h, idle);
	for (k = 0; k < NR_KINDS; k++)
		h->idle_rounds[k] += idle[k];
	return bad + hammer_check_round(h);
}

static int hammer_setup(struct hammer *h)
{
	unsigned int cpus = num_online_cpus(), k = 0, cpu, kind;

	h->cap = hammer_capacity;
	h->elem = hammer_elem_size;
	h->bulk_max = hammer_bulk_max;
	h->nr_threads = hammer_threads ?: cpus;
	if (h->elem < 16 || h->elem % 8 || !h->bulk_max || h->bulk_max > 64 ||
	    h->cap < 2 * h->bulk_max || h->cap > U32_MAX || !hammer_irq_us ||
	    !hammer_irq_burst || hammer_irq_burst > 64 || h->nr_threads > 256) {
		pr_info("# hammer: bad parameters\n");
		return -EINVAL;
	}
	h->nr_owners = h->nr_threads + 3 * cpus;
	h->owners = kcalloc(h->nr_owners, sizeof(*h->owners), GFP_KERNEL);
	if (!h->owners)
		return -ENOMEM;
	for (k = 0; k < h->nr_owners; k++) {
		struct owner *o = &h->owners[k];

		o->h = h;
		o->id = k;
		o->rnd = 0x2545f491 + k * 7919;
		o->src = kcalloc(h->bulk_max, h->elem, GFP_KERNEL);
		o->seen = bitmap_zalloc(h->cap, GFP_KERNEL);
		if (!o->src || !o->seen)
			return -ENOMEM;
	}

	/* Owners after the kthreads: hardirq, softirq and NMI, per CPU. */
	k = h->nr_threads;
	for (kind = KIND_HARDIRQ; kind < NR_KINDS; kind++) {
		for_each_online_cpu(cpu) {
			struct owner *o = &h->owners[k++];

			o->kind = kind;
			o->cpu = cpu;
			if (kind == KIND_NMI)
				per_cpu(hammer_nmi_owner, cpu) = o;
			else
				hrtimer_setup(&o->timer, hammer_timer_fn,
					      CLOCK_MONOTONIC, hammer_timer_mode(o));
		}
	}

	h->arenas[0] = atomic_arena_create("selftest-hammer", h->elem, 8,
					   h->cap);
	h->arenas[1] = atomic_arena_create_flags("selftest-hammer-percpu",
						 h->elem, 8, h->cap,
						 ATOMIC_ARENA_PERCPU);
	for (k = 0; k < 2; k++) {
		if (IS_ERR(h->arenas[k])) {
			int err = PTR_ERR(h->arenas[k]);

			h->arenas[k] = NULL;
			return err;
		}
	}

	nmi_hammer = h;
	/* Only a kernel without an NMI source skips; x86 must work. */
	nmi_skip = AA_NMI_NONE;
	if (!aa_nmi_register(hammer_nmi_handler)) {
		h->nmi = true;
		h->nmi_used = true;
	}
	return 0;
}

/* Frees everything but the arena, which stays for debugfs checks. */
static void hammer_teardown(struct hammer *h)
{
	unsigned int k, cpu;

	if (h->nmi) {
		aa_nmi_unregister();
		h->nmi = false;
	}
	for_each_possible_cpu(cpu)
		per_cpu(hammer_nmi_owner, cpu) = NULL;
	for (k = 0; h->owners && k < h->nr_owners; k++) {
		kfree(h->owners[k].src);
		bitmap_free(h->owners[k].seen);
	}
	kfree(h->owners);
	h->owners = NULL;
}

static struct hammer state;
static unsigned long kind_ops[NR_KINDS], kind_fails[NR_KINDS];

static void report(struct hammer *h)
{
	static const char *const totals[2] = { "", " percpu" };
	unsigned long allocs, alloc_fails, bulk, bulk_fails, holdbacks = 0;
	unsigned int k, kind, m;

	memset(kind_ops, 0, sizeof(kind_ops));
	memset(kind_fails, 0, sizeof(kind_fails));
	for (k = 0; k < h->nr_owners; k++) {
		kind_ops[h->owners[k].kind] += h->owners[k].ops;
		kind_fails[h->owners[k].kind] += h->owners[k].fails;
		holdbacks += h->owners[k].holdbacks;
	}
	for (kind = 0; kind < NR_KINDS; kind++)
		pr_info("# hammer: %s calls %lu (failed %lu)\n",
			kind_name[kind], kind_ops[kind], kind_fails[kind]);
	/* Per arena, for the script to compare with its debugfs stats. */
	for (m = 0; m < 2; m++) {
		allocs = 0;
		alloc_fails = 0;
		bulk_fails = 0;
		bulk = h->main_bulk[m];
		for (k = 0; k < h->nr_owners; k++) {
			struct owner *o = &h->owners[k];

			allocs += o->allocs[m];
			alloc_fails += o->alloc_fails[m];
			bulk += o->bulk[m];
			bulk_fails += o->bulk_fails[m];
		}
		pr_info("# hammer totals%s: allocs=%lu alloc_fails=%lu bulk=%lu bulk_fails=%lu resets=%lu\n",
			totals[m], allocs, alloc_fails, bulk, bulk_fails,
			h->resets[m]);
	}
	pr_info("# hammer: per-CPU NMI failures contradicted later: %lu\n",
		holdbacks);
}

/*
 * The suite's fixture: runs every round, then reports. The cases below
 * check what it left in @state; none of them runs a round of its own.
 */
static int hammer_suite_init(struct kunit_suite *suite)
{
	struct hammer *h = &state;
	unsigned long deadline = jiffies + hammer_seconds * HZ;
	unsigned long bad;
	struct task_struct *churn;
	struct aa_worker *w;
	unsigned int k;

	memset(h, 0, sizeof(*h));
	w = kcalloc(max(hammer_threads, num_online_cpus()), sizeof(*w),
		    GFP_KERNEL);
	h->setup_err = w ? hammer_setup(h) : -ENOMEM;
	if (h->setup_err)
		goto out;

	churn = kthread_run(hammer_churn_fn, h, "arena_test/churn");
	h->churn_started = !IS_ERR(churn);
	for (;;) {
		/* Even rounds on the ordered arena, odd on the per-CPU one. */
		h->mode = h->rounds & 1;
		h->arena = h->arenas[h->mode];
		bad = 0;
		if (h->used[h->mode] && !recycle(h)) {
			pr_info("# round %lu: clear left used slots non-zero\n",
				h->rounds);
			bad++;
		}
		h->used[h->mode] = true;
		bad += run_round(h, w);
		h->rounds++;
		if (bad)
			h->bad_rounds++;
		/* Both arenas are left full (debugfs): stop after a pair. */
		if (h->mode && (h->rounds >= hammer_rounds ||
				(hammer_seconds && time_after(jiffies, deadline))))
			break;
		cond_resched();
	}
	if (h->churn_started)
		kthread_stop(churn);

	for (k = 0; k < h->nr_owners; k++) {
		h->violations += h->owners[k].violations;
		h->wrong_context += h->owners[k].wrong_context;
	}
	pr_info("# hammer: %lu rounds (ordered and per-CPU in turn), %u kthreads%s, capacity %lu, element %zu bytes, bulk up to %u\n",
		h->rounds, h->nr_threads, hammer_bind ? " (bound)" : "",
		h->cap, h->elem, h->bulk_max);
	report(h);
	pr_info("# hammer: %lu arenas created and destroyed meanwhile\n",
		h->churned);
	/* Calls that can be between their read of @next and their add. */
	pr_info("# hammer: overshoot bound %u\n", h->nr_owners);
out:
	hammer_teardown(h);
	kfree(w);
	/* Failures are the cases' to report: the suite always runs them. */
	return 0;
}

/* Every round's slots checked out, and every kthread made calls. */
static void hammer(struct kunit *test)
{
	struct hammer *h = &state;

	KUNIT_EXPECT_EQ(test, h->setup_err, 0);
	KUNIT_EXPECT_GT(test, h->rounds, 0);
	KUNIT_EXPECT_EQ(test, h->bad_rounds, 0);
	KUNIT_EXPECT_EQ(test, h->violations, 0);
	KUNIT_EXPECT_EQ(test, h->wrong_context, 0);
	KUNIT_EXPECT_GT(test, kind_ops[KIND_THREAD], 0);
	KUNIT_EXPECT_TRUE(test, h->churn_started);
	KUNIT_EXPECT_EQ(test, h->churn_errors, 0);
}

/* The hardirq and softirq owners made calls in every round. */
static void hammer_hardirq_softirq(struct kunit *test)
{
	KUNIT_EXPECT_GT(test, state.rounds, 0);
	KUNIT_EXPECT_EQ(test, state.idle_rounds[KIND_THREAD], 0);
	KUNIT_EXPECT_EQ(test, state.idle_rounds[KIND_HARDIRQ], 0);
	KUNIT_EXPECT_EQ(test, state.idle_rounds[KIND_SOFTIRQ], 0);
	kunit_info(test, "rounds without calls: hardirq %lu, softirq %lu",
		   state.idle_rounds[KIND_HARDIRQ],
		   state.idle_rounds[KIND_SOFTIRQ]);
}

/* Every NMI sent was handled, and NMIs made calls in every round. */
static void hammer_nmi(struct kunit *test)
{
	if (nmi_skip) {
		kunit_mark_skipped(test, "%s", nmi_skip);
		return;
	}
	KUNIT_EXPECT_GT(test, state.rounds, 0);
	KUNIT_EXPECT_TRUE(test, state.nmi_used);
	KUNIT_EXPECT_FALSE(test, state.nmi_stuck);
	KUNIT_EXPECT_EQ(test, state.idle_rounds[KIND_NMI], 0);
	kunit_info(test, "rounds without NMI calls: %lu",
		   state.idle_rounds[KIND_NMI]);
}

void aa_hammer_cleanup(void)
{
	atomic_arena_destroy(state.arenas[0]);
	atomic_arena_destroy(state.arenas[1]);
	state.arenas[0] = NULL;
	state.arenas[1] = NULL;
	state.arena = NULL;
}

static struct kunit_case aa_hammer_cases[] = {
	KUNIT_CASE(hammer),
	KUNIT_CASE(hammer_hardirq_softirq),
	KUNIT_CASE(hammer_nmi),
	{}
};

/* Registered (main.c) unless hammer_rounds=0. */
struct kunit_suite aa_hammer_suite = {
	.name = "atomic_arena_hammer",
	.suite_init = hammer_suite_init,
	.test_cases = aa_hammer_cases,
};
