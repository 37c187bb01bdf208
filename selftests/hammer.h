/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hammer.h - what the hammer's two halves share: the round's state
 * (hammer.c: setup, rounds, report, the suite) and its users and checker
 * (hammer_owners.c: the calls of every kind of owner, the NMI handler, the
 * churn kthread and the walk of the full arena).
 */
#ifndef _HAMMER_H
#define _HAMMER_H

#include <linux/hrtimer.h>
#include <linux/percpu.h>
#include <linux/types.h>

struct aa_worker;
struct pt_regs;

/* Calls an owner keeps making after it first found the arena full. */
#define TRIES_AFTER_FULL	64
#define TAG_MAGIC		0xa7e4ULL

enum owner_kind { KIND_THREAD, KIND_HARDIRQ, KIND_SOFTIRQ, KIND_NMI, NR_KINDS };

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
	/* What the suite's cases check, once every round ran. */
	int setup_err;			/* no round ran: -ENOMEM or create's */
	bool churn_started;
	unsigned long violations, wrong_context;
};

extern unsigned int hammer_irq_us;
extern unsigned int hammer_irq_burst;
extern struct hammer *nmi_hammer;
DECLARE_PER_CPU(struct owner *, hammer_nmi_owner);

int hammer_thread_fn(struct aa_worker *w);
enum hrtimer_restart hammer_timer_fn(struct hrtimer *t);
enum hrtimer_mode hammer_timer_mode(const struct owner *o);
void hammer_timer_start(void *data);
int hammer_nmi_handler(unsigned int type, struct pt_regs *regs);
int hammer_nmi_sender(void *unused);
bool hammer_nmi_drain(void);
int hammer_churn_fn(void *data);
unsigned long hammer_check_round(struct hammer *h);

#endif /* _HAMMER_H */
