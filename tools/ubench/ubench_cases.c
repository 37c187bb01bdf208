// SPDX-License-Identifier: GPL-2.0
/*
 * The benchmark's cases (ubench.h): the loop that each thread of a run
 * spins in, for every case, and the start barrier that releases them.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <stdlib.h>

#include "ubench.h"

const char *const case_names[NR_CASES] = {
	[C_LIMIT] = "limit",
	[C_ALLOC] = "alloc",
	[C_ALLOC_NULL] = "alloc_null",
	[C_APPEND16] = "append16",
	[C_GO] = "go",
	[C_MALLOC] = "malloc",
	[C_PRIVATE] = "private",
	[C_FULL] = "full",
	[C_PERCPU] = "percpu",
	[C_TYPED] = "typed",
	[C_TYPED_PERCPU] = "typed_percpu",
	[C_FULL_PERCPU] = "full_percpu",
};

/* The shared counter of limit and go: alone on its cache line. */
static struct {
	unsigned long v;
} counter ____cacheline_aligned_in_smp;

void counter_reset(void)
{
	__atomic_store_n(&counter.v, 0, __ATOMIC_RELAXED);
}

/* --- the loops ----------------------------------------------------------- */

/*
 * Each loop is always inlined into a switch on the element size, so that
 * the copy is a __builtin_memcpy() of a constant size for the usual sizes.
 */
static __always_inline void copy_elem(void *dst, const void *src,
				      size_t size)
{
	__builtin_memcpy(dst, src, size);
}

static __always_inline unsigned long limit_loop(struct worker *w,
						size_t size, size_t stride)
{
	const struct run *r = w->run;
	const char *src = w->src;
	char *base = r->buf;
	unsigned long cap = r->cap, idx, n = 0;

	for (;;) {
		idx = __atomic_fetch_add(&counter.v, 1, __ATOMIC_RELAXED);
		if (idx >= cap)
			break;
		copy_elem(base + idx * stride, src, size);
		n++;
	}
	return n;
}

static __always_inline unsigned long go_loop(struct worker *w, size_t size,
					     size_t stride)
{
	const struct run *r = w->run;
	const char *src = w->src;
	char *base = r->buf;
	unsigned long cap = r->cap, idx, n = 0;

	for (;;) {
		idx = __atomic_fetch_add(&counter.v, 1, __ATOMIC_RELAXED);
		if (idx >= cap) {
			__atomic_fetch_sub(&counter.v, 1, __ATOMIC_RELAXED);
			break;
		}
		copy_elem(base + idx * stride, src, size);
		n++;
	}
	return n;
}

static __always_inline unsigned long private_loop(struct worker *w,
						  size_t size, size_t stride)
{
	const struct run *r = w->run;
	const char *src = w->src;
	unsigned long lo = r->cap * w->id / r->nthreads;
	unsigned long hi = r->cap * (w->id + 1) / r->nthreads;
	char *p = r->buf + lo * stride, *end = r->buf + hi * stride, *slot;
	unsigned long n = 0;

	for (;;) {
		slot = p;
		if (slot >= end)
			break;
		p += stride;
		copy_elem(slot, src, size);
		n++;
	}
	return n;
}

static __always_inline unsigned long malloc_loop(struct worker *w,
						 size_t size, size_t stride)
{
	const char *src = w->src;
	void **ptrs = w->ptrs;
	unsigned long i, share = w->share;
	void *p;

	for (i = 0; i < share; i++) {
		p = malloc(size);
		if (!p)
			break;
		copy_elem(p, src, size);
		ptrs[i] = p;
	}
	return i;
}

/*
 * run_NAME(): NAME_loop() specialised for the element size, so that the
 * copy has a constant size for the usual sizes.
 */
#define DEFINE_SIZED_RUN(name)						\
static noinline unsigned long run_##name(struct worker *w)		\
{									\
	switch (w->run->size) {						\
	case 8:								\
		return name##_loop(w, 8, 8);				\
	case 16:							\
		return name##_loop(w, 16, 16);				\
	case 32:							\
		return name##_loop(w, 32, 32);				\
	case 64:							\
		return name##_loop(w, 64, 64);				\
	case 128:							\
		return name##_loop(w, 128, 128);			\
	case 256:							\
		return name##_loop(w, 256, 256);			\
	default:							\
		return name##_loop(w, w->run->size, w->run->stride);	\
	}								\
}

DEFINE_SIZED_RUN(limit)
DEFINE_SIZED_RUN(go)
DEFINE_SIZED_RUN(private)
DEFINE_SIZED_RUN(malloc)

static noinline unsigned long run_alloc(struct worker *w)
{
	struct atomic_arena *a = w->run->arena;
	const char *src = w->src;
	unsigned long n = 0;

	while (atomic_arena_alloc(a, src))
		n++;
	return n;
}

/*
 * The typed wrapper: prefix_arena_alloc() is inline, and copies the element
 * with its size known to the compiler. One element type per size.
 */
#define DEFINE_TYPED(n)							\
struct elem##n {							\
	char b[n];							\
};									\
DEFINE_ATOMIC_ARENA(e##n, struct elem##n)				\
									\
static noinline unsigned long typed_loop_##n(struct worker *w)		\
{									\
	struct e##n##_arena *a = (struct e##n##_arena *)w->run->arena;	\
	const struct elem##n *src = (const struct elem##n *)w->src;	\
	unsigned long k = 0;						\
									\
	while (e##n##_arena_alloc(a, src))				\
		k++;							\
	return k;							\
}

DEFINE_TYPED(8)
DEFINE_TYPED(16)
DEFINE_TYPED(32)
DEFINE_TYPED(64)
DEFINE_TYPED(128)
DEFINE_TYPED(256)

static unsigned long run_typed(struct worker *w)
{
	switch (w->run->size) {
	case 8:
		return typed_loop_8(w);
	case 16:
		return typed_loop_16(w);
	case 32:
		return typed_loop_32(w);
	case 64:
		return typed_loop_64(w);
	case 128:
		return typed_loop_128(w);
	case 256:
		return typed_loop_256(w);
	default:
		/* No type of that size: the untyped call. */
		return run_alloc(w);
	}
}

static noinline unsigned long run_alloc_null(struct worker *w)
{
	struct atomic_arena *a = w->run->arena;
	unsigned long n = 0;

	while (atomic_arena_alloc(a, NULL))
		n++;
	return n;
}

static noinline unsigned long run_append16(struct worker *w)
{
	struct atomic_arena *a = w->run->arena;
	const char *src = w->src;
	unsigned long n = 0;

	while (atomic_arena_append(a, src, APPEND_N))
		n += APPEND_N;
	return n;
}

/*
 * Fills the arena with the others, then keeps calling on the full arena.
 * The first thread to fail sets the deadline, full_seconds later, for all;
 * each looks at the clock every 256 calls.
 */
static noinline unsigned long run_full(struct worker *w)
{
	struct run *r = w->run;
	struct atomic_arena *a = r->arena;
	const char *src = w->src;
	unsigned long n = 0, fails = 1, late = 0;
	long deadline = 0;
	struct timespec t;
	int i;

	while (atomic_arena_alloc(a, src))
		n++;
	now(&t);
	__atomic_compare_exchange_n(&r->full_start, &deadline, ts_ns(&t),
				    false, __ATOMIC_RELAXED,
				    __ATOMIC_RELAXED);
	deadline = __atomic_load_n(&r->full_start, __ATOMIC_RELAXED) +
		   (long)(r->full_seconds * 1e9);
	do {
		for (i = 0; i < 256; i++) {
			if (unlikely(atomic_arena_alloc(a, src)))
				late++;
			else
				fails++;
		}
		now(&t);
	} while (ts_ns(&t) < deadline);
	w->fails = fails;
	w->late = late;
	return n + late;
}

/* --- threads ------------------------------------------------------------- */

static inline void cpu_relax(void)
{
	__builtin_ia32_pause();
}

/*
 * The last thread to arrive reads the clock and releases the others.
 * While some are still missing, the spinners yield now and then, in case
 * the one they wait for (or the main thread creating it) shares their CPU.
 */
static void start_barrier(struct run *r)
{
	unsigned long spins = 0;

	if (__atomic_add_fetch(&r->ready, 1, __ATOMIC_ACQ_REL) ==
	    r->nthreads) {
		now(&r->t0);
		__atomic_store_n(&r->go, 1, __ATOMIC_RELEASE);
		return;
	}
	while (!__atomic_load_n(&r->go, __ATOMIC_ACQUIRE)) {
		cpu_relax();
		if (!(++spins & 1023) &&
		    __atomic_load_n(&r->ready, __ATOMIC_RELAXED) < r->nthreads)
			sched_yield();
	}
}

/* Everybody has stopped the clock: frees may begin. */
static void end_barrier(struct run *r)
{
	__atomic_add_fetch(&r->done, 1, __ATOMIC_ACQ_REL);
	while (__atomic_load_n(&r->done, __ATOMIC_ACQUIRE) < r->nthreads)
		sched_yield();
}

void *worker_fn(void *arg)
{
	struct worker *w = arg;
	struct run *r = w->run;
	unsigned long i;

	shim_set_cpu(w->id + 1);
	start_barrier(r);
	switch (r->bcase) {
	case C_LIMIT:
		w->count = run_limit(w);
		break;
	case C_ALLOC:
	case C_PERCPU:
		w->count = run_alloc(w);
		break;
	case C_ALLOC_NULL:
		w->count = run_alloc_null(w);
		break;
	case C_APPEND16:
		w->count = run_append16(w);
		break;
	case C_GO:
		w->count = run_go(w);
		break;
	case C_MALLOC:
		w->count = run_malloc(w);
		break;
	case C_PRIVATE:
		w->count = run_private(w);
		break;
	case C_FULL:
	case C_FULL_PERCPU:
		w->count = run_full(w);
		break;
	case C_TYPED:
	case C_TYPED_PERCPU:
		w->count = run_typed(w);
		break;
	default:
		abort();
	}
	now(&w->t_end);
	if (r->bcase == C_MALLOC) {
		end_barrier(r);
		for (i = 0; i < w->count; i++)
			free(w->ptrs[i]);
	}
	return NULL;
}
