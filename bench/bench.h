/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bench.h - what the parts of the benchmark module share
 *
 * main.c runs the cases (threads, rounds, results), ops.c holds the
 * operations and their timed loops, setup.c builds what they run on: the
 * arenas, the counter and the kernel's allocators of one element size.
 * main.c uses the other two; ops.c reads setup.c's context; neither of
 * them calls back into main.c.
 */
#ifndef ATOMIC_ARENA_BENCH_H
#define ATOMIC_ARENA_BENCH_H

#include <linux/atomic.h>
#include <linux/cache.h>
#include <linux/completion.h>
#include <linux/genalloc.h>
#include <linux/percpu.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/types.h>
#ifdef ATOMIC_ARENA_BENCH_OBJPOOL
#include <linux/objpool.h>
#endif

#include "../atomic_arena.h"

#define BULK		16	/* elements per bulk call */
#define MAX_SIZE	1024	/* largest element size */
/* Cases of one group: every operation of bench_ops, or reset and clear. */
#define BENCH_MAX_CASES	20

/* Per-CPU counters like the arena's, for alloc_stats. */
struct bench_stats {
	unsigned long allocs;
	unsigned long alloc_fails;
};

/*
 * A counter with storage, laid out like the arena: the counter alone on
 * its cache line, the read-mostly fields on another. The limit loops and
 * the copies of the two reservation schemes run on it.
 */
struct bench_ctr {
	atomic_long_t next ____cacheline_aligned_in_smp;
	void *base ____cacheline_aligned_in_smp;
	size_t size;
	size_t stride;
	unsigned long cap;
	struct bench_stats __percpu *stats;	/* as the arena's */
};

/* What the operations of the current element size run on. */
struct bench_ctx {
	size_t size;
	size_t stride;
	struct atomic_arena *arena;	/* alloc, append, reserve, wl_arena */
	struct atomic_arena *parena;	/* the same, per-CPU: *_percpu */
	struct bench_ctr ctr;		/* limit*, alloc_*stats, go_* */
	struct kmem_cache *cache;
	char cache_name[32];
	struct gen_pool *pool;
	void *pool_mem;
#ifdef ATOMIC_ARENA_BENCH_OBJPOOL
	struct objpool_head objpool;
	bool objpool_ok;
#endif
	struct atomic_arena *rarena;	/* reset and clear cases */
	unsigned long rcap;
};

/* setup.c */
extern struct bench_ctx ctx;
int bench_ctx_init(size_t size, unsigned long slots, unsigned long objs);
void bench_ctx_free(void);

struct bench_run;

struct bench_thread {
	struct task_struct *task;
	struct bench_run *run;
	unsigned long n;	/* elements to take */
	void *obj;		/* BULK source elements of MAX_SIZE bytes */
	void **ptrs;		/* workload: the objects taken */
	u64 ns;			/* time of the timed part */
	bool failed;
	struct completion done;
};

struct bench_run {
	const struct bench_op *op;
	unsigned int nthreads;
	struct completion start;
	atomic_t ready;
};

enum bench_check {
	CHECK_ARENA,	/* the arena must hold threads * n slots */
	CHECK_CTR,	/* the counter must be threads * n */
	CHECK_NONE,	/* only the threads' own failure flags */
};

struct bench_op {
	const char *name;
	void (*loop)(struct bench_thread *t);	/* times itself */
	enum bench_check check;
	bool limit;		/* the reference of the ratios */
	bool timed_reset;	/* the arena reset after the run is timed */
	bool percpu;		/* on the per-CPU arena (ATOMIC_ARENA_PERCPU) */
	const char *loop_missing; /* why loop is NULL on this kernel */
};

/* ops.c */
extern const struct bench_op bench_ops[];
extern const unsigned int bench_nr_ops;
extern const struct bench_op bench_op_reset, bench_op_clear;

/* The arena an operation runs on: ordered, or per-CPU. */
static inline struct atomic_arena *bench_op_arena(const struct bench_op *op)
{
	return op->percpu ? ctx.parena : ctx.arena;
}

#endif /* ATOMIC_ARENA_BENCH_H */
