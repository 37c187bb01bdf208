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

#define pr_fmt(fmt) fmt

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
static unsigned int hammer_irq_us = 50;
module_param(hammer_irq_us, uint, 0444);
MODULE_PARM_DESC(hammer_irq_us, "Period of the per-CPU hrtimers and NMIs, in microseconds");
static unsigned int hammer_irq_burst = 8;
module_param(hammer_irq_burst, uint, 0444);
MODULE_PARM_DESC(hammer_irq_burst, "Calls per hrtimer expiry, three times that per NMI (1..64)");

/* Calls an owner keeps making after it first found the arena full. */
#define TRIES_AFTER_FULL	64
#define TAG_MAGIC		0xa7e4ULL

enum owner_kind { KIND_THREAD, KIND_HARDIRQ, KIND_SOFTIRQ, KIND_NMI, NR_KINDS };
static const char *const kind_name[NR_KINDS] = {
	"kthread", "hardirq", "softirq", "nmi",
};

struct hammer;

struct owner {
	struct hammer *h;
	unsigned int id;
	unsigned int cpu;
	enum owner_kind kind;
	struct hrtimer timer;		/* hardirq and softirq owners */
	u64 *src;			/* bulk_max tagged elements */
	unsigned long *seen;		/* calls found by the check */
	u32 rnd;
	/* This round. */
	unsigned long round_ops;	/* calls made */
	u32 seq;			/* successful calls */
	unsigned long slots;
	unsigned long min_failed;
	unsigned int tries_after_full;
	/* Every round; the totals per mode (0 ordered, 1 per-CPU). */
	unsigned long ops, fails;
	unsigned long allocs[2], alloc_fails[2], bulk[2], bulk_fails[2];
	unsigned long violations, wrong_context, holdbacks;
};

struct hammer {
	struct atomic_arena *arenas[2];	/* ordered, per-CPU */
	struct atomic_arena *arena;	/* this round's */
	unsigned int mode;		/* this round's: 1 for per-CPU */
	bool used[2];			/* the arena has had a round */
	unsigned long cap;
	size_t elem;
	unsigned int bulk_max;
	unsigned int nr_threads;
	unsigned int nr_owners;
	struct owner *owners;
	bool armed;			/* timers and NMIs are on for the round */
	bool running;			/* kthreads started: irq owners may call */
	bool nmi;			/* NMI handler registered */
	bool nmi_used;			/* the handler was registered */
	bool nmi_stuck;			/* an NMI sent was never handled */
	unsigned long rounds;
	unsigned long resets[2];	/* reset() calls, clear() included */
	unsigned long main_bulk[2];	/* the checker's own reserve() calls */
	unsigned long churned, churn_errors;
	unsigned long bad_rounds;
	unsigned long idle_rounds[NR_KINDS];	/* rounds a kind made no call */
};

static struct hammer *hammer;		/* for the NMI handler */
static DEFINE_PER_CPU(struct owner *, nmi_owner);
static DEFINE_PER_CPU(atomic_t, nmi_pending);
static const char *nmi_skip;

bool aa_hammer_enabled(void)
{
	return hammer_rounds > 0;
}

/* Tag of part @part of a call of @n slots: every 64-bit word of the slot. */
static u64 tag_word(u64 w0, u64 w1, unsigned int k)
{
	if (k == 0)
		return w0;
	if (k == 1)
		return w1;
	return (w0 ^ (w1 * 0x9e3779b97f4a7c15ULL)) + k * 0xbf58476d1ce4e5b9ULL;
}

static void tag_fill(u64 *e, size_t words, const struct owner *o,
		     unsigned long part, unsigned long n)
{
	u64 w0 = (u64)o->id << 48 | (u64)o->seq << 16 | TAG_MAGIC;
	u64 w1 = (u64)part << 32 | n;
	unsigned int k;

	for (k = 0; k < words; k++)
		e[k] = tag_word(w0, w1, k);
}

/* Picks and makes one call, and checks what can be checked at once. */
static void owner_op(struct hammer *h, struct owner *o)
{
	struct atomic_arena *a = h->arena;
	size_t words = h->elem / 8;
	unsigned long n = 1, i;
	unsigned int op;
	long idx;
	u8 *p = NULL;
	u32 r;

	o->rnd = o->rnd * 1103515245 + 12345;
	r = o->rnd;
	op = (r >> 8) & 3;		/* alloc, alloc(NULL), append, reserve */
	if (op >= 2)
		n = ((r >> 12) & 7) == 0 ? h->cap / 2 + 1 :
					   1 + (r >> 16) % h->bulk_max;
	if (op == 2 && n > h->bulk_max)
		op = 3;			/* the source holds bulk_max elements */

	switch (op) {
	case 0:
		tag_fill(o->src, words, o, 0, 1);
		p = atomic_arena_alloc(a, o->src);
		break;
	case 1:
		p = atomic_arena_alloc(a, NULL);
		break;
	case 2:
		for (i = 0; i < n; i++)
			tag_fill(o->src + i * words, words, o, i, n);
		p = atomic_arena_append(a, o->src, n);
		break;
	default:
		p = atomic_arena_reserve(a, n);
		break;
	}

	o->ops++;
	o->round_ops++;
	if (!p) {
		o->fails++;
		if (op < 2)
			o->alloc_fails[h->mode]++;
		else
			o->bulk_fails[h->mode]++;
		o->min_failed = min(o->min_failed, n);
		if (o->min_failed == 1)
			o->tries_after_full++;
		return;
	}
	if (op < 2)
		o->allocs[h->mode]++;
	else
		o->bulk[h->mode]++;

	/*
	 * Taken slots never come back within a round: no spurious failure.
	 * But for the per-CPU mode's NMI exception: counted apart, once per
	 * contradicted failure.
	 */
	if (n >= o->min_failed) {
		if (h->mode && o->kind == KIND_NMI) {
			o->holdbacks++;
			o->min_failed = ULONG_MAX;
		} else {
			o->violations++;
		}
	}
	/*
	 * Slots in use, at a slot boundary; on an ordered arena, below len(),
	 * which only grows meanwhile.
	 */
	idx = atomic_arena_index(a, p);
	if (idx < 0 || (!h->mode && idx + n > atomic_arena_len(a)) ||
	    !atomic_arena_at(a, idx + n - 1))
		o->violations++;
	if (op == 1 && memchr_inv(p, 0, h->elem))
		o->violations++;
	if (op == 1 || op == 3)
		for (i = 0; i < n; i++)
			tag_fill((u64 *)(p + i * h->elem), words, o, i, n);
	o->seq++;
	o->slots += n;
}

static bool owner_done(const struct owner *o)
{
	return o->tries_after_full >= TRIES_AFTER_FULL;
}

static int thread_owner_fn(struct aa_worker *w)
{
	struct hammer *h = w->ctx;
	struct owner *o = &h->owners[w->id];

	WRITE_ONCE(h->running, true);
	while (!owner_done(o)) {
		owner_op(h, o);
		if (!(o->ops & 63))
			cond_resched();
	}
	return 0;
}

static bool in_kind_context(enum owner_kind kind)
{
	switch (kind) {
	case KIND_HARDIRQ:
		return hardirq_count();
	case KIND_SOFTIRQ:
		return in_serving_softirq();
	case KIND_NMI:
		return in_nmi();
	default:
		return !in_interrupt();
	}
}

/*
 * A burst of calls from an interrupt owner. NMIs come less often (one in
 * flight per CPU, sent from a sleeping kthread): they make three times as
 * many, so that each context makes at least 5% of the calls.
 */
static void owner_burst(struct hammer *h, struct owner *o)
{
	unsigned int i, n = hammer_irq_burst;

	if (o->kind == KIND_NMI)
		n *= 3;
	if (!in_kind_context(o->kind))
		o->wrong_context++;
	for (i = 0; i < n && !owner_done(o); i++)
		owner_op(h, o);
}

static enum hrtimer_restart timer_owner_fn(struct hrtimer *t)
{
	struct owner *o = container_of(t, struct owner, timer);

	if (!READ_ONCE(o->h->armed) || owner_done(o))
		return HRTIMER_NORESTART;
	/* Wait for the kthreads, so that the interrupts do not fill it alone. */
	if (READ_ONCE(o->h->running))
		owner_burst(o->h, o);
	hrtimer_forward_now(t, ns_to_ktime(hammer_irq_us * NSEC_PER_USEC));
	return HRTIMER_RESTART;
}

static enum hrtimer_mode timer_mode(const struct owner *o)
{
	return o->kind == KIND_HARDIRQ ? HRTIMER_MODE_REL_PINNED_HARD :
					 HRTIMER_MODE_REL_PINNED_SOFT;
}

/* Runs on the owner's CPU, so that the pinned timer fires there. */
static void timer_start_on_cpu(void *data)
{
	struct owner *o = data;

	hrtimer_start(&o->timer, ns_to_ktime(hammer_irq_us * NSEC_PER_USEC),
		      timer_mode(o));
}

static int hammer_nmi_handler(unsigned int type, struct pt_regs *regs)
{
	atomic_t *pending = this_cpu_ptr(&nmi_pending);
	struct owner *o;

	if (!atomic_read(pending))
		return AA_NMI_DONE;
	o = this_cpu_read(nmi_owner);
	if (o && READ_ONCE(hammer->running) && !owner_done(o))
		owner_burst(hammer, o);
	/* Release: the call is done before the sender sees the flag clear. */
	atomic_set_release(pending, 0);
	return AA_NMI_HANDLED;
}

/* Sends an NMI to every CPU whose previous one was handled, until stopped. */
static int nmi_sender_fn(void *unused)
{
	unsigned int cpu;

	while (!kthread_should_stop()) {
		for_each_online_cpu(cpu)
			if (!atomic_cmpxchg(per_cpu_ptr(&nmi_pending, cpu), 0, 1))
				aa_nmi_send(cpu);
		usleep_range(hammer_irq_us, 2 * hammer_irq_us);
	}
	return 0;
}

/* Waits for every NMI sent to be handled; false after a second. */
static bool nmi_drain(void)
{
	unsigned long deadline = jiffies + HZ;
	unsigned int cpu;

	for_each_online_cpu(cpu) {
		/* Acquire: pairs with the handler's release. */
		while (atomic_read_acquire(per_cpu_ptr(&nmi_pending, cpu))) {
			if (time_after(jiffies, deadline))
				return false;
			usleep_range(1000, 2000);
		}
	}
	return true;
}

/* Creates and destroys small arenas until stopped. */
static int churn_fn(void *data)
{
	struct hammer *h = data;
	struct atomic_arena *a;
	char name[ATOMIC_ARENA_NAME_MAX + 1];
	int i;

	while (!kthread_should_stop()) {
		snprintf(name, sizeof(name), "hammer-churn-%lu", h->churned % 8);
		a = atomic_arena_create(name, 16, 8, 64);
		if (IS_ERR(a)) {
			h->churn_errors++;
			usleep_range(1000, 2000);
			continue;
		}
		for (i = 0; i < 80; i++)
			atomic_arena_alloc(a, NULL);
		usleep_range(200, 400);
		atomic_arena_destroy(a);
		h->churned++;
	}
	return 0;
}

/* Walks the full arena with every user stopped; returns problems found. */
static unsigned long check_round(struct hammer *h)
{
	unsigned long len = atomic_arena_len(h->arena), i, part = 0, n = 0;
	unsigned long bad = 0, slots = 0, calls = 0;
	size_t words = h->elem / 8;
	struct owner *o = NULL;
	unsigned int k;
	u64 w0 = 0, w1;
	u64 *e;

	for (k = 0; k < h->nr_owners; k++) {
		bitmap_zero(h->owners[k].seen, h->cap);
		slots += h->owners[k].slots;
		calls += h->owners[k].seq;
	}
	if (slots != h->cap || len != h->cap) {
		pr_info("# round %lu: owners took %lu slots, len %lu, capacity %lu\n",
			h->rounds, slots, len, h->cap);
		bad++;
	}

	for (i = 0; i < len; i++) {
		e = atomic_arena_at(h->arena, i);
		if (part == 0) {
			/* First slot of a call: who made it, and how big? */
			w0 = e[0];
			n = e[1] & 0xffffffff;
			k = w0 >> 48;
			if ((w0 & 0xffff) != TAG_MAGIC || k >= h->nr_owners ||
			    (e[1] >> 32) != 0 || !n || n > len - i) {
				bad++;
				break;
			}
			o = &h->owners[k];
			if ((u32)(w0 >> 16) >= o->seq ||
			    __test_and_set_bit((u32)(w0 >> 16), o->seen))
				bad++;
			calls--;
		}
		w1 = (u64)part << 32 | n;
		for (k = 0; k < words; k++)
			if (e[k] != tag_word(w0, w1, k)) {
				bad++;
				break;
			}
		if (++part == n)
			part = 0;
	}
	if (calls)
		bad++;		/* calls made but not found in the arena */
	return bad;
}

/*
 * Recycles this round's arena before its next round, by reset and by clear
 * in turn; false if clear did not zero.
 */
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
						 timer_start_on_cpu,
						 &h->owners[k], 1);
	if (h->nmi) {
		sender = kthread_run(nmi_sender_fn, NULL, "arena_test/nmi");
		if (IS_ERR(sender))
			sender = NULL;
	}

	if (aa_run_workers(w, h->nr_threads, thread_owner_fn, h, hammer_bind))
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
	if (h->nmi && !nmi_drain()) {
		/* An NMI sent was never handled: a failure, not a skip. */
		pr_info("# round %lu: NMIs sent were not handled within a second\n",
			h->rounds);
		h->nmi_stuck = true;
		bad++;
	}

	idle_kinds(h, idle);
	for (k = 0; k < NR_KINDS; k++)
		h->idle_rounds[k] += idle[k];
	return bad + check_round(h);
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
				per_cpu(nmi_owner, cpu) = o;
			else
				hrtimer_setup(&o->timer, timer_owner_fn,
					      CLOCK_MONOTONIC, timer_mode(o));
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

	hammer = h;
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
		per_cpu(nmi_owner, cpu) = NULL;
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

static void test_hammer(void)
{
	struct hammer *h = &state;
	unsigned long deadline = jiffies + hammer_seconds * HZ;
	unsigned long violations = 0, wrong_context = 0, bad;
	struct task_struct *churn;
	struct aa_worker *w;
	unsigned int k;

	memset(h, 0, sizeof(*h));
	w = kcalloc(max(hammer_threads, num_online_cpus()), sizeof(*w),
		    GFP_KERNEL);
	if (!CHECK(w) || !CHECK(!hammer_setup(h)))
		goto out;

	churn = kthread_run(churn_fn, h, "arena_test/churn");
	CHECK(!IS_ERR(churn));
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
	if (!IS_ERR(churn))
		kthread_stop(churn);

	for (k = 0; k < h->nr_owners; k++) {
		violations += h->owners[k].violations;
		wrong_context += h->owners[k].wrong_context;
	}
	pr_info("# hammer: %lu rounds (ordered and per-CPU in turn), %u kthreads%s, capacity %lu, element %zu bytes, bulk up to %u\n",
		h->rounds, h->nr_threads, hammer_bind ? " (bound)" : "",
		h->cap, h->elem, h->bulk_max);
	report(h);
	pr_info("# hammer: %lu arenas created and destroyed meanwhile\n",
		h->churned);
	/* Calls that can be between their read of @next and their add. */
	pr_info("# hammer: overshoot bound %u\n", h->nr_owners);
	CHECK(h->rounds > 0);
	CHECK(h->bad_rounds == 0);
	CHECK(violations == 0);
	CHECK(wrong_context == 0);
	CHECK(kind_ops[KIND_THREAD] > 0);
	CHECK(h->churn_errors == 0);
out:
	hammer_teardown(h);
	kfree(w);
}

/* The hardirq and softirq owners made calls in every round. */
static void test_hammer_interrupts(void)
{
	CHECK(state.rounds > 0);
	CHECK(state.idle_rounds[KIND_THREAD] == 0);
	CHECK(state.idle_rounds[KIND_HARDIRQ] == 0);
	CHECK(state.idle_rounds[KIND_SOFTIRQ] == 0);
	pr_info("# hammer: rounds without calls: hardirq %lu, softirq %lu\n",
		state.idle_rounds[KIND_HARDIRQ],
		state.idle_rounds[KIND_SOFTIRQ]);
}

/* Every NMI sent was handled, and NMIs made calls in every round. */
static void test_hammer_nmi(void)
{
	if (nmi_skip) {
		aa_test_skip(nmi_skip);
		return;
	}
	CHECK(state.rounds > 0);
	CHECK(state.nmi_used);
	CHECK(!state.nmi_stuck);
	CHECK(state.idle_rounds[KIND_NMI] == 0);
	pr_info("# hammer: rounds without NMI calls: %lu\n",
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

const struct aa_test_case aa_hammer_cases[] = {
	{ "hammer", test_hammer },
	{ "hammer_hardirq_softirq", test_hammer_interrupts },
	{ "hammer_nmi", test_hammer_nmi },
};

const unsigned int aa_hammer_count = ARRAY_SIZE(aa_hammer_cases);
