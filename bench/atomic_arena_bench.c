// SPDX-License-Identifier: GPL-2.0
/*
 * atomic_arena_bench.c - the arena measured against the limit of one
 * contended atomic and against the kernel's own allocators
 *
 * Everything runs from module init, in one boot, and the results go to the
 * kernel log; scripts/bench.sh (make bench) collects them into a CSV, a
 * plot and a table. This module is not part of the test suite.
 *
 * Method
 * ------
 * For every element size (sizes=) and thread count (threads=, 0 meaning
 * every online CPU) the operations below run in rounds: one warm-up round,
 * then reps= rounds, each running every operation once (forwards, then
 * backwards), so that a slow spell of the host hits them all alike. A run
 * starts one kthread per thread, each bound to its own online CPU. They
 * are released together (a completion, then a spin until all of them are
 * running) and each times its own loop with ktime_get_ns(); the
 * timed loop holds nothing but the operation and a check of its result.
 * The run's time is the slowest thread's. Each run yields ns per operation
 * (run time / operations per thread) and aggregate operations per second
 * (threads * operations per thread / run time). A case reports the median,
 * min and max ns per operation over its runs, the aggregate Mops/s of the
 * median, and the median's ratio to the limit loop's median at the same
 * element size, thread count and number of operations.
 *
 * Operations, ops= per thread (bulk operations count elements, not calls):
 *   limit            atomic_long_add_return() on one shared counter, then a
 *                    memcpy() of the element to its place in a preallocated
 *                    buffer: what any arena must at least do
 *   limit_call       the same work in a function of its own, called once
 *                    per element: the limit for a call that is not inlined
 *   alloc            atomic_arena_alloc()
 *   alloc_percpu     the same on a per-CPU arena (ATOMIC_ARENA_PERCPU)
 *   alloc_nostats    a copy of atomic_arena_alloc() in this module, without
 *                    the per-CPU statistics that debugfs shows
 *   alloc_stats      the same copy with the arena's per-CPU statistics: the
 *                    arena has no switch for them, so alloc_stats -
 *                    alloc_nostats is their cost, and alloc - alloc_stats
 *                    the cost of calling into another module
 *   go_alloc         the Go original's scheme, built the same way: fetch-add,
 *                    roll back on failure
 *   append16         atomic_arena_append() of 16 elements
 *   append16_nostats a copy of append's bulk reservation (cmpxchg loop that
 *                    checks the room first), without statistics
 *   go_append16      the Go scheme for 16: fetch-add 16, roll back on failure
 *   reserve          atomic_arena_reserve() of 1 slot (no copy)
 *   reserve16        atomic_arena_reserve() of 16 slots (no copy)
 *
 * Workloads, allocate wl_n= objects per thread, fill each with the element,
 * then drop them all; the whole is timed, and compared with wl_limit:
 *   wl_limit         the limit loop over wl_n= elements per thread (the
 *                    footprint of a run changes its cost, so the workloads
 *                    are compared with the limit over the same number)
 *   wl_arena         atomic_arena_alloc() each, then one atomic_arena_reset()
 *   wl_arena_percpu  the same on a per-CPU arena
 *                    (after every thread finished; its time is added)
 *   wl_kmem          kmem_cache_alloc() each, then kmem_cache_free() each
 *   wl_kmem_bulk     kmem_cache_alloc_bulk() and kmem_cache_free_bulk() by 16
 *   wl_genpool       gen_pool_alloc() and gen_pool_free() on a pool whose
 *                    granule is the element size
 *   wl_objpool       objpool_pop() and objpool_push() (where the kernel has
 *                    objpool; reported as skipped elsewhere)
 *
 * Then, with 8-byte slots and one thread, at capacities of 1K, 64K, 1M and
 * 16M slots (up to max_cap=):
 *   reset_<cap>      atomic_arena_reserve() of every slot, then
 *                    atomic_arena_reset(); reset_loops= pairs per run
 *   clear_<cap>      atomic_arena_clear() of a full arena, per slot
 *
 * Output: one line per case,
 *   atomic_arena_bench: op=alloc size=8 threads=4 median_ns=.. min_ns=..
 *                       max_ns=.. mops=.. ratio=.. n=.. reps=..
 * or "... skipped=REASON", and finally
 *   atomic_arena_bench: done cases=N skipped=N errors=N seconds=N
 * The init always returns 0 (a failed init would be run twice by busybox
 * insmod); errors= says whether every run did what it should. Unload the
 * module afterwards.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/cache.h>
#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/err.h>
#include <linux/genalloc.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/log2.h>
#include <linux/math64.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mm.h>
#include <linux/numa.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <linux/utsname.h>
#include <linux/vmalloc.h>
#ifdef ATOMIC_ARENA_BENCH_OBJPOOL
#include <linux/objpool.h>
#define HAVE_OBJPOOL "yes"
#else
#define HAVE_OBJPOOL "no"
#endif

#include "../atomic_arena.h"

#define BULK		16	/* elements per bulk call */
#define MAX_SIZE	1024	/* largest element size */
#define MAX_REPS	101
#define MAX_LIST	8	/* entries of the sizes= and threads= lists */

/* Parameters. */
static unsigned long ops = 100000;
module_param(ops, ulong, 0444);
MODULE_PARM_DESC(ops, "operations per thread per run (rounded down to a multiple of 16)");

static unsigned int wl_n = 8192;
module_param(wl_n, uint, 0444);
MODULE_PARM_DESC(wl_n, "objects per thread in the allocate-then-drop workloads");

static unsigned int reps = 21;
module_param(reps, uint, 0444);
MODULE_PARM_DESC(reps, "timed runs per case, after one warm-up run");

static unsigned int sizes[MAX_LIST] = { 8, 64, 256 };
static unsigned int nr_sizes = 3;
module_param_array(sizes, uint, &nr_sizes, 0444);
MODULE_PARM_DESC(sizes, "element sizes in bytes (1..1024)");

static unsigned int threads[MAX_LIST] = { 1, 2, 0 };
static unsigned int nr_threads = 3;
module_param_array(threads, uint, &nr_threads, 0444);
MODULE_PARM_DESC(threads, "thread counts; 0 means every online CPU");

static unsigned long max_cap = 16UL << 20;
module_param(max_cap, ulong, 0444);
MODULE_PARM_DESC(max_cap, "largest capacity of the reset/clear cases (1K, 64K, 1M, 16M slots)");

static unsigned int reset_loops = 10000;
module_param(reset_loops, uint, 0444);
MODULE_PARM_DESC(reset_loops, "reserve-all + reset pairs per run of the reset cases");

static char *only;
module_param(only, charp, 0444);
MODULE_PARM_DESC(only, "comma-separated operations to run (default: all)");

static bool smoke;
module_param(smoke, bool, 0444);
MODULE_PARM_DESC(smoke, "run every case once with tiny parameters");

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

static struct bench_ctx ctx;

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
	void (*loop)(struct bench_thread *t);
	enum bench_check check;
	bool timed_reset;	/* the arena reset after the run is timed */
	bool percpu;		/* on the per-CPU arena (ATOMIC_ARENA_PERCPU) */
	const char *loop_missing; /* why loop is NULL on this kernel */
};

static struct bench_thread *workers;
static unsigned int *cpu_of;		/* online CPU of each thread */
static unsigned int nr_cpus;		/* online CPUs at load */
static unsigned int max_threads;	/* largest thread count to run */
static unsigned int counts[MAX_LIST];	/* thread counts to run */
static unsigned int nr_counts;
static unsigned long wl_cap;		/* objects per thread in workloads */
static unsigned int nr_cases, nr_skipped, nr_errors;

/* Timed loops. Each times itself so that its setup stays outside. */

static void loop_limit(struct bench_thread *t)
{
	struct bench_ctr *c = &ctx.ctr;
	void *base = c->base;
	size_t size = c->size, stride = c->stride;
	const void *obj = t->obj;
	unsigned long i, n = t->n;
	u64 t0;

	t0 = ktime_get_ns();
	for (i = 0; i < n; i++) {
		long idx = atomic_long_add_return(1, &c->next) - 1;

		memcpy(base + idx * stride, obj, size);
	}
	t->ns = ktime_get_ns() - t0;
}

/* The limit's work behind a function call, as every arena call has one. */
static noinline void *limit_call(struct bench_ctr *c, const void *obj)
{
	long idx = atomic_long_add_return(1, &c->next) - 1;
	void *p = c->base + idx * c->stride;

	memcpy(p, obj, c->size);
	/* No tail call into memcpy(): the arena's calls return through us. */
	barrier();
	return p;
}

static void loop_limit_call(struct bench_thread *t)
{
	struct bench_ctr *c = &ctx.ctr;
	const void *obj = t->obj;
	unsigned long i, n = t->n;
	u64 t0;

	t0 = ktime_get_ns();
	for (i = 0; i < n; i++)
		limit_call(c, obj);
	t->ns = ktime_get_ns() - t0;
}

/* The arena an operation runs on: ordered, or per-CPU. */
static struct atomic_arena *op_arena(const struct bench_op *op)
{
	return op->percpu ? ctx.parena : ctx.arena;
}

static void loop_alloc(struct bench_thread *t)
{
	struct atomic_arena *a = op_arena(t->run->op);
	const void *obj = t->obj;
	unsigned long i, n = t->n;
	u64 t0;

	t0 = ktime_get_ns();
	for (i = 0; i < n; i++)
		if (unlikely(!atomic_arena_alloc(a, obj)))
			break;
	t->ns = ktime_get_ns() - t0;
	t->failed = i < n;
}

/*
 * atomic_arena_alloc() as the arena implements it (fetch-add; on failure
 * pull the counter back to the capacity), minus the statistics.
 */
static noinline void *ours_alloc(struct bench_ctr *c, const void *obj)
{
	unsigned long cap = c->cap;
	unsigned long idx;
	void *p;

	idx = atomic_long_fetch_add_relaxed(1, &c->next);
	if (unlikely(idx >= cap)) {
		atomic_long_cmpxchg_relaxed(&c->next, idx + 1, cap);
		return NULL;
	}
	p = c->base + idx * c->stride;
	memcpy(p, obj, c->size);
	return p;
}

/* ours_alloc() with the arena's per-CPU statistics: the same as the arena. */
static noinline void *ours_alloc_stats(struct bench_ctr *c, const void *obj)
{
	unsigned long cap = c->cap;
	unsigned long idx;
	void *p;

	idx = atomic_long_fetch_add_relaxed(1, &c->next);
	if (unlikely(idx >= cap)) {
		atomic_long_cmpxchg_relaxed(&c->next, idx + 1, cap);
		this_cpu_inc(c->stats->alloc_fails);
		return NULL;
	}
	this_cpu_inc(c->stats->allocs);
	p = c->base + idx * c->stride;
	memcpy(p, obj, c->size);
	return p;
}

/* The Go original: add, and take the addition back if it overshot. */
static noinline void *go_alloc(struct bench_ctr *c, const void *obj)
{
	unsigned long end = atomic_long_add_return(1, &c->next);
	void *p;

	if (unlikely(end > c->cap)) {
		atomic_long_sub(1, &c->next);
		return NULL;
	}
	p = c->base + (end - 1) * c->stride;
	memcpy(p, obj, c->size);
	return p;
}

/* atomic_arena_append()'s reservation (room checked first), no stats. */
static noinline void *ours_append(struct bench_ctr *c, const void *objs,
				  unsigned long n)
{
	unsigned long cap = c->cap;
	long old = atomic_long_read(&c->next);
	void *p;

	do {
		if ((unsigned long)old >= cap || cap - (unsigned long)old < n)
			return NULL;
	} while (!atomic_long_try_cmpxchg_relaxed(&c->next, &old, old + n));
	p = c->base + old * c->stride;
	memcpy(p, objs, n * c->size);
	return p;
}

/* The Go original for n elements: add n, take them back on overshoot. */
static noinline void *go_append(struct bench_ctr *c, const void *objs,
				unsigned long n)
{
	unsigned long end = atomic_long_add_return(n, &c->next);
	void *p;

	if (unlikely(end > c->cap)) {
		atomic_long_sub(n, &c->next);
		return NULL;
	}
	p = c->base + (end - n) * c->stride;
	memcpy(p, objs, n * c->size);
	return p;
}

static void loop_alloc_nostats(struct bench_thread *t)
{
	struct bench_ctr *c = &ctx.ctr;
	const void *obj = t->obj;
	unsigned long i, n = t->n;
	u64 t0;

	t0 = ktime_get_ns();
	for (i = 0; i < n; i++)
		if (unlikely(!ours_alloc(c, obj)))
			break;
	t->ns = ktime_get_ns() - t0;
	t->failed = i < n;
}

static void loop_alloc_stats(struct bench_thread *t)
{
	struct bench_ctr *c = &ctx.ctr;
	const void *obj = t->obj;
	unsigned long i, n = t->n;
	u64 t0;

	t0 = ktime_get_ns();
	for (i = 0; i < n; i++)
		if (unlikely(!ours_alloc_stats(c, obj)))
			break;
	t->ns = ktime_get_ns() - t0;
	t->failed = i < n;
}

static void loop_go_alloc(struct bench_thread *t)
{
	struct bench_ctr *c = &ctx.ctr;
	const void *obj = t->obj;
	unsigned long i, n = t->n;
	u64 t0;

	t0 = ktime_get_ns();
	for (i = 0; i < n; i++)
		if (unlikely(!go_alloc(c, obj)))
			break;
	t->ns = ktime_get_ns() - t0;
	t->failed = i < n;
}

static void loop_append16(struct bench_thread *t)
{
	struct atomic_arena *a = ctx.arena;
	const void *objs = t->obj;
	unsigned long i, n = t->n;
	u64 t0;

	t0 = ktime_get_ns();
	for (i = 0; i < n; i += BULK)
		if (unlikely(!atomic_arena_append(a, objs, BULK)))
			break;
	t->ns = ktime_get_ns() - t0;
	t->failed = i < n;
}

static void loop_append16_nostats(struct bench_thread *t)
{
	struct bench_ctr *c = &ctx.ctr;
	const void *objs = t->obj;
	unsigned long i, n = t->n;
	u64 t0;

	t0 = ktime_get_ns();
	for (i = 0; i < n; i += BULK)
		if (unlikely(!ours_append(c, objs, BULK)))
			break;
	t->ns = ktime_get_ns() - t0;
	t->failed = i < n;
}

static void loop_go_append16(struct bench_thread *t)
{
	struct bench_ctr *c = &ctx.ctr;
	const void *objs = t->obj;
	unsigned long i, n = t->n;
	u64 t0;

	t0 = ktime_get_ns();
	for (i = 0; i < n; i += BULK)
		if (unlikely(!go_append(c, objs, BULK)))
			break;
	t->ns = ktime_get_ns() - t0;
	t->failed = i < n;
}

static void loop_reserve(struct bench_thread *t)
{
	struct atomic_arena *a = ctx.arena;
	unsigned long i, n = t->n;
	u64 t0;

	t0 = ktime_get_ns();
	for (i = 0; i < n; i++)
		if (unlikely(!atomic_arena_reserve(a, 1)))
			break;
	t->ns = ktime_get_ns() - t0;
	t->failed = i < n;
}

static void loop_reserve16(struct bench_thread *t)
{
	struct atomic_arena *a = ctx.arena;
	unsigned long i, n = t->n;
	u64 t0;

	t0 = ktime_get_ns();
	for (i = 0; i < n; i += BULK)
		if (unlikely(!atomic_arena_reserve(a, BULK)))
			break;
	t->ns = ktime_get_ns() - t0;
	t->failed = i < n;
}

/* Workloads: n objects, each filled with the element, then all dropped. */

static void loop_wl_arena(struct bench_thread *t)
{
	struct atomic_arena *a = op_arena(t->run->op);
	const void *obj = t->obj;
	unsigned long i, n = t->n;
	u64 t0;

	/* The reset comes after every thread is done (timed_reset). */
	t0 = ktime_get_ns();
	for (i = 0; i < n; i++)
		if (unlikely(!atomic_arena_alloc(a, obj)))
			break;
	t->ns = ktime_get_ns() - t0;
	t->failed = i < n;
}

static void loop_wl_kmem(struct bench_thread *t)
{
	struct kmem_cache *cache = ctx.cache;
	size_t size = ctx.size;
	const void *obj = t->obj;
	void **p = t->ptrs;
	unsigned long i, j, n = t->n;
	u64 t0;

	t0 = ktime_get_ns();
	for (i = 0; i < n; i++) {
		p[i] = kmem_cache_alloc(cache, GFP_KERNEL);
		if (unlikely(!p[i]))
			break;
		memcpy(p[i], obj, size);
	}
	for (j = 0; j < i; j++)
		kmem_cache_free(cache, p[j]);
	t->ns = ktime_get_ns() - t0;
	t->failed = i < n;
}

static void loop_wl_kmem_bulk(struct bench_thread *t)
{
	struct kmem_cache *cache = ctx.cache;
	size_t size = ctx.size;
	const void *obj = t->obj;
	void **p = t->ptrs;
	unsigned long i, j, n = t->n;
	u64 t0;

	t0 = ktime_get_ns();
	for (i = 0; i < n; i += BULK) {
		if (unlikely(!kmem_cache_alloc_bulk(cache, GFP_KERNEL, BULK,
						    p + i)))
			break;
		for (j = i; j < i + BULK; j++)
			memcpy(p[j], obj, size);
	}
	for (j = 0; j < i; j += BULK)
		kmem_cache_free_bulk(cache, BULK, p + j);
	t->ns = ktime_get_ns() - t0;
	t->failed = i < n;
}

#if IS_ENABLED(CONFIG_GENERIC_ALLOCATOR)
static void loop_wl_genpool(struct bench_thread *t)
{
	struct gen_pool *pool = ctx.pool;
	size_t size = ctx.size;
	const void *obj = t->obj;
	void **p = t->ptrs;
	unsigned long i, j, n = t->n;
	u64 t0;

	t0 = ktime_get_ns();
	for (i = 0; i < n; i++) {
		p[i] = (void *)gen_pool_alloc(pool, size);
		if (unlikely(!p[i]))
			break;
		memcpy(p[i], obj, size);
	}
	for (j = 0; j < i; j++)
		gen_pool_free(pool, (unsigned long)p[j], size);
	t->ns = ktime_get_ns() - t0;
	t->failed = i < n;
}

#else
#define loop_wl_genpool NULL
#endif

#ifdef ATOMIC_ARENA_BENCH_OBJPOOL
static void loop_wl_objpool(struct bench_thread *t)
{
	struct objpool_head *pool = &ctx.objpool;
	size_t size = ctx.size;
	const void *obj = t->obj;
	void **p = t->ptrs;
	unsigned long i, j, n = t->n;
	u64 t0;

	t0 = ktime_get_ns();
	for (i = 0; i < n; i++) {
		p[i] = objpool_pop(pool);
		if (unlikely(!p[i]))
			break;
		memcpy(p[i], obj, size);
	}
	for (j = 0; j < i; j++)
		objpool_push(p[j], pool);
	t->ns = ktime_get_ns() - t0;
	t->failed = i < n;
}
#else
#define loop_wl_objpool NULL
#endif

/* Reset and clear cases: one thread, the arena ctx.rarena. */

static void loop_reset(struct bench_thread *t)
{
	struct atomic_arena *a = ctx.rarena;
	unsigned long cap = ctx.rcap;
	unsigned long i, n = t->n;
	u64 t0;

	t0 = ktime_get_ns();
	for (i = 0; i < n; i++) {
		if (unlikely(!atomic_arena_reserve(a, cap)))
			break;
		atomic_arena_reset(a);
	}
	t->ns = ktime_get_ns() - t0;
	t->failed = i < n;
}

/* n is the capacity: the time is per slot cleared. */
static void loop_clear(struct bench_thread *t)
{
	struct atomic_arena *a = ctx.rarena;
	u64 t0;

	t->failed = !atomic_arena_reserve(a, t->n);
	t0 = ktime_get_ns();
	atomic_arena_clear(a);
	t->ns = ktime_get_ns() - t0;
}

static const struct bench_op bench_ops[] = {
	{ "limit", loop_limit, CHECK_CTR },
	{ "limit_call", loop_limit_call, CHECK_CTR },
	{ "alloc", loop_alloc, CHECK_ARENA },
	{ "alloc_percpu", loop_alloc, CHECK_ARENA, .percpu = true },
	{ "alloc_nostats", loop_alloc_nostats, CHECK_CTR },
	{ "alloc_stats", loop_alloc_stats, CHECK_CTR },
	{ "go_alloc", loop_go_alloc, CHECK_CTR },
	{ "append16", loop_append16, CHECK_ARENA },
	{ "append16_nostats", loop_append16_nostats, CHECK_CTR },
	{ "go_append16", loop_go_append16, CHECK_CTR },
	{ "reserve", loop_reserve, CHECK_ARENA },
	{ "reserve16", loop_reserve16, CHECK_ARENA },
	{ "wl_limit", loop_limit, CHECK_CTR },
	{ "wl_arena", loop_wl_arena, CHECK_ARENA, .timed_reset = true },
	{ "wl_arena_percpu", loop_wl_arena, CHECK_ARENA, .timed_reset = true,
	  .percpu = true },
	{ "wl_kmem", loop_wl_kmem, CHECK_NONE },
	{ "wl_kmem_bulk", loop_wl_kmem_bulk, CHECK_NONE },
	{ "wl_genpool", loop_wl_genpool, CHECK_NONE,
	  .loop_missing = "no-gen_pool-in-this-kernel" },
	{ "wl_objpool", loop_wl_objpool, CHECK_NONE,
	  .loop_missing = "no-objpool-in-this-kernel" },
};

static const struct bench_op op_reset = { "reset", loop_reset, CHECK_NONE };
static const struct bench_op op_clear = { "clear", loop_clear, CHECK_NONE };

/* Is @name in the only= list (or is the list empty)? */
static bool selected(const char *name)
{
	size_t len = strlen(name);
	const char *s = only;

	if (!s || !*s)
		return true;
	while (s) {
		if (!strncmp(s, name, len) && (s[len] == ',' || !s[len]))
			return true;
		s = strchr(s, ',');
		if (s)
			s++;
	}
	return false;
}

static int bench_thread_fn(void *data)
{
	struct bench_thread *t = data;
	struct bench_run *run = t->run;

	wait_for_completion(&run->start);
	/* Start together: the threads contend from their first operation. */
	atomic_inc(&run->ready);
	while (atomic_read(&run->ready) < run->nthreads)
		cpu_relax();
	run->op->loop(t);
	complete(&t->done);
	return 0;
}

/*
 * One run of @op on @nthreads threads taking @n elements each. Returns
 * the run's time in ns (slowest thread, plus the timed reset if any), or
 * 0 when a thread failed or the result is not what it should be.
 */
static u64 run_once(const struct bench_op *op, unsigned int nthreads,
		    unsigned long n)
{
	struct bench_run run = { .op = op, .nthreads = nthreads };
	unsigned int i, started;
	bool failed = false;
	u64 ns = 0, t0;
	long got;

	init_completion(&run.start);
	atomic_set(&run.ready, 0);
	atomic_long_set(&ctx.ctr.next, 0);
	if (ctx.arena)
		atomic_arena_reset(ctx.arena);
	if (ctx.parena)
		atomic_arena_reset(ctx.parena);

	for (started = 0; started < nthreads; started++) {
		struct bench_thread *t = &workers[started];

		t->run = &run;
		t->n = n;
		t->ns = 0;
		t->failed = false;
		init_completion(&t->done);
		t->task = kthread_create(bench_thread_fn, t, "arena_bench/%u",
					 started);
		if (IS_ERR(t->task))
			break;
		get_task_struct(t->task);
		kthread_bind(t->task, cpu_of[started]);
		wake_up_process(t->task);
	}
	if (started < nthreads) {
		pr_err("cannot start thread %u\n", started);
		/* Let the started threads through the spin, then fail. */
		run.nthreads = started;
		failed = true;
	}
	complete_all(&run.start);
	for (i = 0; i < started; i++)
		wait_for_completion(&workers[i].done);
	for (i = 0; i < started; i++) {
		kthread_stop(workers[i].task);
		put_task_struct(workers[i].task);
		ns = max(ns, workers[i].ns);
		failed |= workers[i].failed;
	}

	if (op->timed_reset) {
		got = atomic_arena_len(op_arena(op));
		t0 = ktime_get_ns();
		atomic_arena_reset(op_arena(op));
		ns += ktime_get_ns() - t0;
	} else if (op->check == CHECK_ARENA) {
		got = atomic_arena_len(op_arena(op));
	} else if (op->check == CHECK_CTR) {
		got = atomic_long_read(&ctx.ctr.next);
	} else {
		got = (long)nthreads * n;
	}
	if (got != (long)nthreads * n) {
		pr_err("op=%s threads=%u: %ld elements taken, %lu expected\n",
		       op->name, nthreads, got, nthreads * n);
		failed = true;
	}
	return failed ? 0 : max_t(u64, ns, 1);
}

static int cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/*
 * @v / @div with @digits decimals, where @div is 10^@digits: "q.ddd".
 * div_u64_rem(), as a u64 divided with '/' needs libgcc on 32-bit kernels.
 */
static const char *fmt_fixed(char *buf, size_t len, u64 v, u32 div,
			     int digits)
{
	u32 rem;
	u64 q = div_u64_rem(v, div, &rem);

	snprintf(buf, len, "%llu.%0*u", q, digits, rem);
	return buf;
}

/* @ps picoseconds as nanoseconds, "n.nnn". */
static const char *fmt_ns(char *buf, size_t len, u64 ps)
{
	return fmt_fixed(buf, len, ps, 1000, 3);
}

/* One line of results: an operation at one element size and thread count. */
struct bench_case {
	const struct bench_op *op;
	char name[24];
	unsigned long n;		/* elements per thread per run */
	struct atomic_arena *rarena;	/* reset and clear cases */
	unsigned long rcap;
	const char *skip;		/* why it is not run, or NULL */
	bool failed;
	u64 ps[MAX_REPS];		/* ps per element, one per run */
};

/* At most every operation of bench_ops, or reset and clear at 4 sizes. */
static struct bench_case cases[20];

static void report(struct bench_case *c, size_t size, unsigned int nthreads,
		   u64 ratio_to)
{
	char med[24], lo[24], hi[24], ratio[24], mops_s[24];
	u64 median, mops;

	if (c->skip) {
		nr_skipped++;
		pr_info("op=%s size=%zu threads=%u skipped=%s\n", c->name,
			size, nthreads, c->skip);
		return;
	}
	nr_cases++;
	if (c->failed) {
		nr_errors++;
		pr_err("op=%s size=%zu threads=%u failed\n", c->name, size,
		       nthreads);
		return;
	}
	median = max_t(u64, c->ps[reps / 2], 1);
	/* Mops/s, times 100: threads * 1e6 / (ps per op). */
	mops = div64_u64((u64)nthreads * 100000000ULL, median);
	if (ratio_to)
		fmt_fixed(ratio, sizeof(ratio),
			  div64_u64(median * 100, ratio_to), 100, 2);
	else
		strscpy(ratio, "-", sizeof(ratio));
	pr_info("op=%s size=%zu threads=%u median_ns=%s min_ns=%s max_ns=%s mops=%s ratio=%s n=%lu reps=%u\n",
		c->name, size, nthreads, fmt_ns(med, sizeof(med), median),
		fmt_ns(lo, sizeof(lo), c->ps[0]),
		fmt_ns(hi, sizeof(hi), c->ps[reps - 1]),
		fmt_fixed(mops_s, sizeof(mops_s), mops, 100, 2), ratio, c->n, reps);
}

/*
 * Run @nr cases on @nthreads threads: one warm-up round, then reps=
 * rounds, each running every case once, forwards and backwards in turn.
 * Interleaved that way, a slow spell of the host (or of anything else)
 * hits every case alike instead of one case's runs.
 */
static void run_group(unsigned int nr, unsigned int nthreads)
{
	struct bench_case *c;
	unsigned int r, j, i;
	u64 ns;

	for (r = 0; r <= reps; r++) {
		for (j = 0; j < nr; j++) {
			/* Odd rounds run backwards. */
			i = r % 2 ? nr - 1 - j : j;
			c = &cases[i];
			if (c->skip || c->failed)
				continue;
			ctx.rarena = c->rarena;
			ctx.rcap = c->rcap;
			ns = run_once(c->op, nthreads, c->n);
			if (!ns)
				c->failed = true;
			else if (r)	/* round 0 is the warm-up */
				c->ps[r - 1] = div64_u64(ns * 1000, c->n);
		}
	}
	/* Sorted: ps[0] is the min, ps[reps / 2] the median. */
	for (c = cases; c < cases + nr; c++)
		sort(c->ps, reps, sizeof(c->ps[0]), cmp_u64, NULL);
}

static void ctx_free(void)
{
	atomic_arena_destroy(ctx.arena);
	atomic_arena_destroy(ctx.parena);
	vfree(ctx.ctr.base);
	free_percpu(ctx.ctr.stats);
	kmem_cache_destroy(ctx.cache);
#if IS_ENABLED(CONFIG_GENERIC_ALLOCATOR)
	if (ctx.pool)
		gen_pool_destroy(ctx.pool);
#endif
	vfree(ctx.pool_mem);
#ifdef ATOMIC_ARENA_BENCH_OBJPOOL
	if (ctx.objpool_ok)
		objpool_fini(&ctx.objpool);
#endif
	memset(&ctx, 0, sizeof(ctx));
}

/* Set up everything the operations need for element size @size. */
static int ctx_init(size_t size)
{
	size_t align = min_t(size_t, size & -size, sizeof(long));
	unsigned long slots = max_threads * max(ops, wl_cap);
	unsigned long objs = max_threads * wl_cap;
	char name[ATOMIC_ARENA_NAME_MAX + 1];

	memset(&ctx, 0, sizeof(ctx));
	ctx.size = size;
	ctx.stride = ALIGN(size, align);

	snprintf(name, sizeof(name), "bench-%zu", size);
	ctx.arena = atomic_arena_create(name, size, align, slots);
	if (IS_ERR(ctx.arena)) {
		pr_err("cannot create arena of %lu slots: %ld\n", slots,
		       PTR_ERR(ctx.arena));
		ctx.arena = NULL;
		return -ENOMEM;
	}
	snprintf(name, sizeof(name), "bench-percpu-%zu", size);
	ctx.parena = atomic_arena_create_flags(name, size, align, slots,
					       ATOMIC_ARENA_PERCPU);
	if (IS_ERR(ctx.parena)) {
		pr_err("cannot create per-CPU arena of %lu slots: %ld\n", slots,
		       PTR_ERR(ctx.parena));
		ctx.parena = NULL;
		return -ENOMEM;
	}

	ctx.ctr.base = vzalloc(array_size(slots, ctx.stride));
	ctx.ctr.size = size;
	ctx.ctr.stride = ctx.stride;
	ctx.ctr.cap = slots;
	ctx.ctr.stats = alloc_percpu(struct bench_stats);

	snprintf(ctx.cache_name, sizeof(ctx.cache_name), "arena_bench_%zu",
		 size);
	ctx.cache = kmem_cache_create(ctx.cache_name, size, align, 0, NULL);

	if (!ctx.ctr.base || !ctx.ctr.stats || !ctx.cache)
		return -ENOMEM;

#if IS_ENABLED(CONFIG_GENERIC_ALLOCATOR)
	/* A pool whose granule is the element size (rounded up to 2^k). */
	ctx.pool = gen_pool_create(order_base_2(size), NUMA_NO_NODE);
	ctx.pool_mem = vzalloc(array_size(objs, roundup_pow_of_two(size)));
	if (!ctx.pool || !ctx.pool_mem ||
	    gen_pool_add(ctx.pool, (unsigned long)ctx.pool_mem,
			 objs * roundup_pow_of_two(size), NUMA_NO_NODE))
		return -ENOMEM;
#endif

#ifdef ATOMIC_ARENA_BENCH_OBJPOOL
	if (objpool_init(&ctx.objpool, objs, size, GFP_KERNEL, NULL, NULL,
			 NULL))
		return -ENOMEM;
	ctx.objpool_ok = true;
#endif
	return 0;
}

/* Workloads run wl_n= elements per thread, the other operations ops=. */
static bool is_workload(const struct bench_op *op)
{
	return !strncmp(op->name, "wl_", 3);
}

/* Every operation at element size @size, at every thread count. */
static void bench_size(size_t size)
{
	const struct bench_op *op;
	struct bench_case *c;
	unsigned int i, nr;
	u64 limit, wl_limit;

	BUILD_BUG_ON(ARRAY_SIZE(bench_ops) > ARRAY_SIZE(cases));
	if (ctx_init(size)) {
		pr_err("size=%zu: setup failed\n", size);
		nr_errors++;
		ctx_free();
		return;
	}
	for (i = 0; i < nr_counts; i++) {
		nr = 0;
		for (op = bench_ops; op < bench_ops + ARRAY_SIZE(bench_ops); op++) {
			if (!selected(op->name))
				continue;
			c = &cases[nr++];
			memset(c, 0, sizeof(*c));
			c->op = op;
			strscpy(c->name, op->name, sizeof(c->name));
			c->n = is_workload(op) ? wl_cap : ops;
			if (!op->loop)
				c->skip = op->loop_missing;
		}
		run_group(nr, counts[i]);
		/* Operations against limit, workloads against wl_limit. */
		limit = 0;
		wl_limit = 0;
		for (c = cases; c < cases + nr; c++) {
			if (c->op->loop != loop_limit || c->failed)
				continue;
			if (is_workload(c->op))
				wl_limit = max_t(u64, c->ps[reps / 2], 1);
			else
				limit = max_t(u64, c->ps[reps / 2], 1);
		}
		for (c = cases; c < cases + nr; c++) {
			if (c->op->loop == loop_limit)
				report(c, size, counts[i], 0);
			else
				report(c, size, counts[i],
				       is_workload(c->op) ? wl_limit : limit);
		}
	}
	ctx_free();
}

#define NR_CAPS	4
static const unsigned long caps[NR_CAPS] = { 1UL << 10, 1UL << 16, 1UL << 20,
					     1UL << 24 };
static const char * const cap_tags[NR_CAPS] = { "1K", "64K", "1M", "16M" };

/*
 * Run @op (reset or clear) on every arena of @arenas, interleaved, and
 * report them. Resets and clears run apart: a clear sweeps a lot of memory,
 * which would slow down whatever runs next.
 */
static void bench_caps(const struct bench_op *op,
		       struct atomic_arena **arenas)
{
	struct bench_case *c;
	unsigned int i, nr = 0;
	char name[24];

	for (i = 0; i < NR_CAPS; i++) {
		snprintf(name, sizeof(name), "%s_%s", op->name, cap_tags[i]);
		if (!arenas[i] || (!selected(name) && !selected(op->name)))
			continue;
		c = &cases[nr++];
		memset(c, 0, sizeof(*c));
		c->op = op;
		strscpy(c->name, name, sizeof(c->name));
		/* A clear is timed per slot, a reset per reserve + reset. */
		c->n = op == &op_clear ? caps[i] : reset_loops;
		c->rarena = arenas[i];
		c->rcap = caps[i];
	}
	run_group(nr, 1);
	for (c = cases; c < cases + nr; c++)
		report(c, 8, 1, 0);
}

/* reset_<cap> and clear_<cap> on 8-byte slots, one thread. */
static void bench_reset(void)
{
	struct atomic_arena *arenas[NR_CAPS] = { NULL };
	char name[ATOMIC_ARENA_NAME_MAX + 1];
	unsigned int i;

	memset(&ctx, 0, sizeof(ctx));
	for (i = 0; i < NR_CAPS && caps[i] <= max_cap; i++) {
		/* All of them at once, so that their runs interleave. */
		snprintf(name, sizeof(name), "bench-reset-%s", cap_tags[i]);
		arenas[i] = atomic_arena_create(name, 8, 8, caps[i]);
		if (IS_ERR(arenas[i])) {
			pr_err("cannot create an arena of %lu slots: %ld\n",
			       caps[i], PTR_ERR(arenas[i]));
			arenas[i] = NULL;
			nr_errors++;
		}
	}
	bench_caps(&op_reset, arenas);
	bench_caps(&op_clear, arenas);
	for (i = 0; i < NR_CAPS; i++)
		atomic_arena_destroy(arenas[i]);
	memset(&ctx, 0, sizeof(ctx));
}

/* The thread counts to run: threads= with 0 as every CPU, sorted, unique. */
static void pick_counts(void)
{
	unsigned int i, j, v;

	nr_counts = 0;
	for (i = 0; i < nr_threads; i++) {
		v = threads[i] ? min(threads[i], nr_cpus) : nr_cpus;
		for (j = 0; j < nr_counts && counts[j] != v; j++)
			;
		if (j == nr_counts)
			counts[nr_counts++] = v;
	}
	for (i = 1; i < nr_counts; i++)
		for (j = i; j > 0 && counts[j - 1] > counts[j]; j--)
			swap(counts[j - 1], counts[j]);
	max_threads = counts[nr_counts - 1];
}

static void free_workers(void)
{
	unsigned int i;

	for (i = 0; workers && i < max_threads; i++) {
		kfree(workers[i].obj);
		kvfree(workers[i].ptrs);
	}
	kfree(workers);
	kfree(cpu_of);
	workers = NULL;
	cpu_of = NULL;
}

static int alloc_workers(void)
{
	unsigned int i = 0, cpu, b;

	workers = kcalloc(max_threads, sizeof(*workers), GFP_KERNEL);
	cpu_of = kcalloc(max_threads, sizeof(*cpu_of), GFP_KERNEL);
	if (!workers || !cpu_of)
		return -ENOMEM;
	for_each_online_cpu(cpu) {
		if (i == max_threads)
			break;
		cpu_of[i++] = cpu;
	}
	for (i = 0; i < max_threads; i++) {
		struct bench_thread *t = &workers[i];

		t->obj = kmalloc(BULK * MAX_SIZE, GFP_KERNEL);
		t->ptrs = kvmalloc_array(wl_cap, sizeof(void *), GFP_KERNEL);
		if (!t->obj || !t->ptrs)
			return -ENOMEM;
		/* A recognisable element: its byte b is its index. */
		for (b = 0; b < BULK * MAX_SIZE; b++)
			((u8 *)t->obj)[b] = b;
	}
	return 0;
}

/* Check and fix the parameters; false if they cannot be used. */
static bool check_params(void)
{
	unsigned int i;

	if (smoke) {
		ops = 1024;
		wl_n = 256;
		reps = 1;
		max_cap = 1UL << 16;
		reset_loops = 64;
	}
	ops = rounddown(ops, BULK);
	wl_cap = rounddown(wl_n, BULK);
	if (!ops || !wl_cap || !reps || reps > MAX_REPS || !reset_loops ||
	    !nr_sizes || !nr_threads) {
		pr_err("ops, wl_n (at least 16 each), reps (1..%d), reset_loops, sizes and threads must not be 0\n",
		       MAX_REPS);
		return false;
	}
	for (i = 0; i < nr_sizes; i++) {
		if (!sizes[i] || sizes[i] > MAX_SIZE) {
			pr_err("sizes: %u is not in 1..%d\n", sizes[i],
			       MAX_SIZE);
			return false;
		}
	}
	return true;
}

static int __init atomic_arena_bench_init(void)
{
	u64 start = ktime_get_ns();
	unsigned int i;

	nr_cases = 0;
	nr_skipped = 0;
	nr_errors = 0;
	nr_cpus = num_online_cpus();
	if (!check_params()) {
		nr_errors++;
		goto out;
	}
	pick_counts();
	pr_info("start kernel=%s cpus=%u max_threads=%u ops=%lu wl_n=%lu reps=%u max_cap=%lu reset_loops=%u objpool=%s\n",
		init_utsname()->release, nr_cpus, max_threads, ops, wl_cap, reps,
		max_cap, reset_loops, HAVE_OBJPOOL);
	if (alloc_workers()) {
		pr_err("cannot allocate the threads' buffers\n");
		nr_errors++;
		goto out;
	}
	for (i = 0; i < nr_sizes; i++)
		bench_size(sizes[i]);
	bench_reset();
out:
	free_workers();
	pr_info("done cases=%u skipped=%u errors=%u seconds=%llu\n", nr_cases,
		nr_skipped, nr_errors,
		div64_u64(ktime_get_ns() - start, NSEC_PER_SEC));
	return 0;
}

static void __exit atomic_arena_bench_exit(void)
{
}

module_init(atomic_arena_bench_init);
module_exit(atomic_arena_bench_exit);

MODULE_DESCRIPTION("Benchmarks of atomic_arena against the kernel's allocators");
MODULE_AUTHOR("atomic-arena developers");
MODULE_LICENSE("GPL");
