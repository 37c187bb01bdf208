/* SPDX-License-Identifier: GPL-2.0 */
/*
 * atomic_long_t on the compiler's __atomic builtins, with the kernel's
 * orderings: the _relaxed variants are relaxed, atomic_long_set_release()
 * is a release store, atomic_long_read()/atomic_long_set() are relaxed
 * (READ_ONCE/WRITE_ONCE in the kernel). On x86-64 each compiles to the
 * instruction the kernel uses: mov, lock xadd, lock cmpxchg, lock inc.
 */
#ifndef _SHIM_LINUX_ATOMIC_H
#define _SHIM_LINUX_ATOMIC_H

#include "../shim/base.h"

typedef struct {
	long counter;
} atomic_long_t;

#define ATOMIC_LONG_INIT(i)	{ (i) }

static __always_inline long atomic_long_read(const atomic_long_t *v)
{
	return __atomic_load_n(&v->counter, __ATOMIC_RELAXED);
}

static __always_inline void atomic_long_set(atomic_long_t *v, long i)
{
	__atomic_store_n(&v->counter, i, __ATOMIC_RELAXED);
}

static __always_inline void atomic_long_set_release(atomic_long_t *v, long i)
{
	__atomic_store_n(&v->counter, i, __ATOMIC_RELEASE);
}

/* Void RMW operations are unordered in the kernel. */
static __always_inline void atomic_long_inc(atomic_long_t *v)
{
	__atomic_fetch_add(&v->counter, 1, __ATOMIC_RELAXED);
}

static __always_inline void atomic_long_add(long i, atomic_long_t *v)
{
	__atomic_fetch_add(&v->counter, i, __ATOMIC_RELAXED);
}

static __always_inline void atomic_long_sub(long i, atomic_long_t *v)
{
	__atomic_fetch_sub(&v->counter, i, __ATOMIC_RELAXED);
}

static __always_inline long atomic_long_fetch_add_relaxed(long i,
							  atomic_long_t *v)
{
	return __atomic_fetch_add(&v->counter, i, __ATOMIC_RELAXED);
}

static __always_inline long atomic_long_cmpxchg_relaxed(atomic_long_t *v,
							long old, long new)
{
	__atomic_compare_exchange_n(&v->counter, &old, new, false,
				    __ATOMIC_RELAXED, __ATOMIC_RELAXED);
	return old;
}

static __always_inline bool atomic_long_try_cmpxchg_relaxed(atomic_long_t *v,
							    long *old,
							    long new)
{
	return __atomic_compare_exchange_n(&v->counter, old, new, false,
					   __ATOMIC_RELAXED, __ATOMIC_RELAXED);
}

/* atomic_t, for the count of refills in flight: the same rules. */
typedef struct {
	int counter;
} atomic_t;

static __always_inline int atomic_read(const atomic_t *v)
{
	return __atomic_load_n(&v->counter, __ATOMIC_RELAXED);
}

static __always_inline void atomic_set(atomic_t *v, int i)
{
	__atomic_store_n(&v->counter, i, __ATOMIC_RELAXED);
}

static __always_inline void atomic_inc(atomic_t *v)
{
	__atomic_fetch_add(&v->counter, 1, __ATOMIC_RELAXED);
}

static __always_inline void atomic_dec(atomic_t *v)
{
	__atomic_fetch_sub(&v->counter, 1, __ATOMIC_RELAXED);
}

/* atomic64_t: a per-CPU batch, packed. */
typedef struct {
	s64 counter;
} atomic64_t;

static __always_inline s64 atomic64_read(const atomic64_t *v)
{
	return __atomic_load_n(&v->counter, __ATOMIC_RELAXED);
}

static __always_inline void atomic64_set(atomic64_t *v, s64 i)
{
	__atomic_store_n(&v->counter, i, __ATOMIC_RELAXED);
}

static __always_inline bool atomic64_try_cmpxchg_relaxed(atomic64_t *v,
							 s64 *old, s64 new)
{
	return __atomic_compare_exchange_n(&v->counter, old, new, false,
					   __ATOMIC_RELAXED, __ATOMIC_RELAXED);
}

/*
 * Barriers, as x86-64 kernels have them: smp_mb() is a locked add to the
 * stack (the arena object has no red zone, as the kernel has none), and
 * smp_mb__{before,after}_atomic() are compiler barriers, because the
 * atomic RMW next to them is a locked instruction, itself a full barrier
 * on x86 (the relaxed builtins above compile to the same lock-prefixed
 * instructions). Under ThreadSanitizer they are full fences instead, the
 * nearest it understands.
 */
/* Release and acquire: the builtins, which are plain moves on x86. */
#define smp_store_release(p, v)	__atomic_store_n(p, v, __ATOMIC_RELEASE)
#define smp_load_acquire(p)	__atomic_load_n(p, __ATOMIC_ACQUIRE)

#ifdef SHIM_TSAN
#define smp_mb()		__atomic_thread_fence(__ATOMIC_SEQ_CST)
#define smp_mb__before_atomic()	smp_mb()
#define smp_mb__after_atomic()	smp_mb()
#else
#define smp_mb()	asm volatile("lock addl $0,-4(%%rsp)" ::: "memory", "cc")
#define smp_mb__before_atomic()	asm volatile("" ::: "memory")
#define smp_mb__after_atomic()	asm volatile("" ::: "memory")
#endif

#endif
