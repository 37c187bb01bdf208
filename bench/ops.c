// SPDX-License-Identifier: GPL-2.0
/*
 * ops.c - the benchmark's operations and their timed loops
 *
 * An operation is a row of bench_ops[] and a timed loop, which BENCH_LOOP()
 * makes from the operation's take_<op>(): the loop calls it directly, with
 * nothing but that call and a check of its result between the two readings
 * of the clock (no function pointer inside the timing). A workload's loop
 * gives its objects back with a drop_<op>(), timed too.
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
 */

#include <linux/atomic.h>
#include <linux/build_bug.h>
#include <linux/compiler.h>
#include <linux/genalloc.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "bench.h"
#include "go_scheme.h"

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

/*
 * atomic_arena_alloc() as the arena implements it (fetch-add; on failure
 * pull the counter back to the capacity), with or without the arena's
 * per-CPU statistics (@stats is a constant: each caller is its own copy).
 */
static __always_inline void *ours_alloc_body(struct bench_ctr *c,
					     const void *obj, bool stats)
{
	unsigned long cap = c->cap;
	unsigned long idx;
	void *p;

	idx = atomic_long_fetch_add_relaxed(1, &c->next);
	if (unlikely(idx >= cap)) {
		atomic_long_cmpxchg_relaxed(&c->next, idx + 1, cap);
		if (stats)
			this_cpu_inc(c->stats->alloc_fails);
		return NULL;
	}
	if (stats)
		this_cpu_inc(c->stats->allocs);
	p = c->base + idx * c->stride;
	memcpy(p, obj, c->size);
	return p;
}

static noinline void *ours_alloc(struct bench_ctr *c, const void *obj)
{
	return ours_alloc_body(c, obj, false);
}

/* The same as the arena, statistics included. */
static noinline void *ours_alloc_stats(struct bench_ctr *c, const void *obj)
{
	return ours_alloc_body(c, obj, true);
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

/* The Go original for @n elements (go_scheme.h): add n, undo on overshoot. */
static noinline void *go_append(struct bench_ctr *c, const void *objs,
				unsigned long n)
{
	long idx = go_scheme_take(&c->next, c->cap, n, 0);
	void *p;

	if (unlikely(idx < 0))
		return NULL;
	p = c->base + idx * c->stride;
	memcpy(p, objs, n * c->size);
	return p;
}

/* The same for one element, built the same way as ours_alloc(). */
static noinline void *go_alloc(struct bench_ctr *c, const void *obj)
{
	long idx = go_scheme_take(&c->next, c->cap, 1, 0);
	void *p;

	if (unlikely(idx < 0))
		return NULL;
	p = c->base + idx * c->stride;
	memcpy(p, obj, c->size);
	return p;
}

/*
 * What a timed loop works on, read before its clock starts: the fields
 * an operation does not use cost nothing, as the loops are inlined whole.
 */
struct bench_env {
	struct atomic_arena *a;		/* bench_op_arena() of the run's op */
	struct bench_ctr *c;
	void *base;			/* c's storage and its layout */
	size_t size;
	size_t stride;
	const void *obj;		/* the thread's BULK elements */
	void **ptrs;			/* workloads: the objects taken */
	struct kmem_cache *cache;
	struct gen_pool *pool;
#ifdef ATOMIC_ARENA_BENCH_OBJPOOL
	struct objpool_head *objpool;
#endif
	struct atomic_arena *rarena;	/* reset: its arena and capacity */
	unsigned long rcap;
};

static __always_inline struct bench_env bench_env(struct bench_thread *t)
{
	return (struct bench_env){
		.a = bench_op_arena(t->run->op),
		.c = &ctx.ctr,
		.base = ctx.ctr.base,
		.size = ctx.ctr.size,
		.stride = ctx.ctr.stride,
		.obj = t->obj,
		.ptrs = t->ptrs,
		.cache = ctx.cache,
		.pool = ctx.pool,
#ifdef ATOMIC_ARENA_BENCH_OBJPOOL
		.objpool = &ctx.objpool,
#endif
		.rarena = ctx.rarena,
		.rcap = ctx.rcap,
	};
}

/*
 * The timed loop of an operation, loop_<op>(): take_<op>() from element 0
 * to t->n by @step elements, stopping at the first failure, then the
 * drop_<@drop>() of what was taken, all timed; the setup (bench_env()) is
 * not. take_<op>() and drop_<@drop>() are inlined, so that the loop holds
 * a direct call of the operation and a check of its result.
 */
#define BENCH_LOOP(op, step, drop)					\
static void loop_##op(struct bench_thread *t)				\
{									\
	const struct bench_env e = bench_env(t);			\
	unsigned long i, n = t->n;					\
	u64 t0;								\
									\
	t0 = ktime_get_ns();						\
	for (i = 0; i < n; i += (step))					\
		if (unlikely(!take_##op(&e, i)))			\
			break;						\
	drop_##drop(&e, i);						\
	t->ns = ktime_get_ns() - t0;					\
	t->failed = i < n;						\
}

/*
 * One operation each: take_<op>(@e, @i) takes the elements @i.. (one, or
 * BULK of them) and says whether it got them; drop_<op>(@e, @taken) gives
 * back the @taken objects of a workload, in the timing too.
 */

static __always_inline bool take_limit(const struct bench_env *e,
				       unsigned long i)
{
	long idx = atomic_long_add_return(1, &e->c->next) - 1;

	memcpy(e->base + idx * e->stride, e->obj, e->size);
	return true;
}

static __always_inline bool take_limit_call(const struct bench_env *e,
					    unsigned long i)
{
	limit_call(e->c, e->obj);
	return true;
}

static __always_inline bool take_alloc(const struct bench_env *e,
				       unsigned long i)
{
	return atomic_arena_alloc(e->a, e->obj);
}

static __always_inline bool take_alloc_nostats(const struct bench_env *e,
					       unsigned long i)
{
	return ours_alloc(e->c, e->obj);
}

static __always_inline bool take_alloc_stats(const struct bench_env *e,
					     unsigned long i)
{
	return ours_alloc_stats(e->c, e->obj);
}

static __always_inline bool take_go_alloc(const struct bench_env *e,
					  unsigned long i)
{
	return go_alloc(e->c, e->obj);
}

static __always_inline bool take_append16(const struct bench_env *e,
					  unsigned long i)
{
	return atomic_arena_append(e->a, e->obj, BULK);
}

static __always_inline bool take_append16_nostats(const struct bench_env *e,
						  unsigned long i)
{
	return ours_append(e->c, e->obj, BULK);
}

static __always_inline bool take_go_append16(const struct bench_env *e,
					     unsigned long i)
{
	return go_append(e->c, e->obj, BULK);
}

static __always_inline bool take_reserve(const struct bench_env *e,
					 unsigned long i)
{
	return atomic_arena_reserve(e->a, 1);
}

static __always_inline bool take_reserve16(const struct bench_env *e,
					   unsigned long i)
{
	return atomic_arena_reserve(e->a, BULK);
}

/* Reset cases: one thread, the arena ctx.rarena, reserved whole. */
static __always_inline bool take_reset(const struct bench_env *e,
				       unsigned long i)
{
	if (unlikely(!atomic_arena_reserve(e->rarena, e->rcap)))
		return false;
	atomic_arena_reset(e->rarena);
	return true;
}

/* Workloads: n objects, each filled with the element, then all dropped. */

static __always_inline bool take_wl_kmem(const struct bench_env *e,
					 unsigned long i)
{
	void *p = kmem_cache_alloc(e->cache, GFP_KERNEL);

	e->ptrs[i] = p;
	if (unlikely(!p))
		return false;
	memcpy(p, e->obj, e->size);
	return true;
}

static __always_inline void drop_wl_kmem(const struct bench_env *e,
					 unsigned long taken)
{
	unsigned long j;

	for (j = 0; j < taken; j++)
		kmem_cache_free(e->cache, e->ptrs[j]);
}

static __always_inline bool take_wl_kmem_bulk(const struct bench_env *e,
					      unsigned long i)
{
	unsigned long j;

	if (unlikely(!kmem_cache_alloc_bulk(e->cache, GFP_KERNEL, BULK,
					    e->ptrs + i)))
		return false;
	for (j = i; j < i + BULK; j++)
		memcpy(e->ptrs[j], e->obj, e->size);
	return true;
}

static __always_inline void drop_wl_kmem_bulk(const struct bench_env *e,
					      unsigned long taken)
{
	unsigned long j;

	for (j = 0; j < taken; j += BULK)
		kmem_cache_free_bulk(e->cache, BULK, e->ptrs + j);
}

#if IS_ENABLED(CONFIG_GENERIC_ALLOCATOR)
static __always_inline bool take_wl_genpool(const struct bench_env *e,
					    unsigned long i)
{
	void *p = (void *)gen_pool_alloc(e->pool, e->size);

	e->ptrs[i] = p;
	if (unlikely(!p))
		return false;
	memcpy(p, e->obj, e->size);
	return true;
}

static __always_inline void drop_wl_genpool(const struct bench_env *e,
					    unsigned long taken)
{
	unsigned long j;

	for (j = 0; j < taken; j++)
		gen_pool_free(e->pool, (unsigned long)e->ptrs[j], e->size);
}
#endif

#ifdef ATOMIC_ARENA_BENCH_OBJPOOL
static __always_inline bool take_wl_objpool(const struct bench_env *e,
					    unsigned long i)
{
	void *p = objpool_pop(e->objpool);

	e->ptrs[i] = p;
	if (unlikely(!p))
		return false;
	memcpy(p, e->obj, e->size);
	return true;
}

static __always_inline void drop_wl_objpool(const struct bench_env *e,
					    unsigned long taken)
{
	unsigned long j;

	for (j = 0; j < taken; j++)
		objpool_push(e->ptrs[j], e->objpool);
}
#endif

/* The operations that leave nothing to drop. */
static __always_inline void drop_none(const struct bench_env *e,
				      unsigned long taken)
{
}

/* The timed loops, in the order of bench_ops[]. */
BENCH_LOOP(limit, 1, none)
BENCH_LOOP(limit_call, 1, none)
BENCH_LOOP(alloc, 1, none)
BENCH_LOOP(alloc_nostats, 1, none)
BENCH_LOOP(alloc_stats, 1, none)
BENCH_LOOP(go_alloc, 1, none)
BENCH_LOOP(append16, BULK, none)
BENCH_LOOP(append16_nostats, BULK, none)
BENCH_LOOP(go_append16, BULK, none)
BENCH_LOOP(reserve, 1, none)
BENCH_LOOP(reserve16, BULK, none)
/* wl_arena's reset comes after every thread is done (timed_reset). */
BENCH_LOOP(wl_kmem, 1, wl_kmem)
BENCH_LOOP(wl_kmem_bulk, BULK, wl_kmem_bulk)
#if IS_ENABLED(CONFIG_GENERIC_ALLOCATOR)
BENCH_LOOP(wl_genpool, 1, wl_genpool)
#else
#define loop_wl_genpool NULL
#endif
#ifdef ATOMIC_ARENA_BENCH_OBJPOOL
BENCH_LOOP(wl_objpool, 1, wl_objpool)
#else
#define loop_wl_objpool NULL
#endif
BENCH_LOOP(reset, 1, none)

/*
 * Operations of the same loop differ in what they run on (percpu) or in
 * how the run is timed and checked.
 */
const struct bench_op bench_ops[] = {
	{ "limit", loop_limit, CHECK_CTR, .limit = true },
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
	{ "wl_limit", loop_limit, CHECK_CTR, .limit = true },
	{ "wl_arena", loop_alloc, CHECK_ARENA, .timed_reset = true },
	{ "wl_arena_percpu", loop_alloc, CHECK_ARENA, .timed_reset = true,
	  .percpu = true },
	{ "wl_kmem", loop_wl_kmem, CHECK_NONE },
	{ "wl_kmem_bulk", loop_wl_kmem_bulk, CHECK_NONE },
	{ "wl_genpool", loop_wl_genpool, CHECK_NONE,
	  .loop_missing = "no-gen_pool-in-this-kernel" },
	{ "wl_objpool", loop_wl_objpool, CHECK_NONE,
	  .loop_missing = "no-objpool-in-this-kernel" },
};

const unsigned int bench_nr_ops = ARRAY_SIZE(bench_ops);
static_assert(ARRAY_SIZE(bench_ops) <= BENCH_MAX_CASES);

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

const struct bench_op bench_op_reset = { "reset", loop_reset, CHECK_NONE };
const struct bench_op bench_op_clear = { "clear", loop_clear, CHECK_NONE };
