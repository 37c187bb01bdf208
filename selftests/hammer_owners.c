// SPDX-License-Identifier: GPL-2.0
/*
 * hammer_owners.c - the users of the hammer's arena and its checker: every
 * owner (kthread, hardirq and softirq hrtimer, NMI) makes tagged calls of
 * random kinds and sizes and checks what it can at once; the churn kthread
 * creates and destroys other arenas meanwhile; and hammer_check_round()
 * walks the full arena once every user stopped (hammer.c says what a
 * round checks).
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

/* An NMI sent to the CPU and not handled yet (hammer_nmi_sender()). */
static DEFINE_PER_CPU(atomic_t, hammer_nmi_pending);

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

int hammer_thread_fn(struct aa_worker *w)
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

enum hrtimer_restart hammer_timer_fn(struct hrtimer *t)
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

enum hrtimer_mode hammer_timer_mode(const struct owner *o)
{
	return o->kind == KIND_HARDIRQ ? HRTIMER_MODE_REL_PINNED_HARD :
					 HRTIMER_MODE_REL_PINNED_SOFT;
}

/* Runs on the owner's CPU, so that the pinned timer fires there. */
void hammer_timer_start(void *data)
{
	struct owner *o = data;

	hrtimer_start(&o->timer, ns_to_ktime(hammer_irq_us * NSEC_PER_USEC),
		      hammer_timer_mode(o));
}

int hammer_nmi_handler(unsigned int type, struct pt_regs *regs)
{
	atomic_t *pending = this_cpu_ptr(&hammer_nmi_pending);
	struct owner *o;

	if (!atomic_read(pending))
		return AA_NMI_DONE;
	o = this_cpu_read(hammer_nmi_owner);
	if (o && READ_ONCE(nmi_hammer->running) && !owner_done(o))
		owner_burst(nmi_hammer, o);
	/* Release: the call is done before the sender sees the flag clear. */
	atomic_set_release(pending, 0);
	return AA_NMI_HANDLED;
}

/* Sends an NMI to every CPU whose previous one was handled, until stopped. */
int hammer_nmi_sender(void *unused)
{
	unsigned int cpu;

	while (!kthread_should_stop()) {
		for_each_online_cpu(cpu)
			if (!atomic_cmpxchg(per_cpu_ptr(&hammer_nmi_pending, cpu), 0, 1))
				aa_nmi_send(cpu);
		usleep_range(hammer_irq_us, 2 * hammer_irq_us);
	}
	return 0;
}

/* Waits for every NMI sent to be handled; false after a second. */
bool hammer_nmi_drain(void)
{
	unsigned long deadline = jiffies + HZ;
	unsigned int cpu;

	for_each_online_cpu(cpu) {
		/* Acquire: pairs with the handler's release. */
		while (atomic_read_acquire(per_cpu_ptr(&hammer_nmi_pending, cpu))) {
			if (time_after(jiffies, deadline))
				return false;
			usleep_range(1000, 2000);
		}
	}
	return true;
}

/* Creates and destroys small arenas until stopped. */
int hammer_churn_fn(void *data)
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
unsigned long hammer_check_round(struct hammer *h)
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
