/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Lock-free, fixed-capacity arena of fixed-size slots: the API
 *
 * An arena hands out slots of one size from a single vmalloc'd region.
 * Slots are only ever taken, never given back one by one: the whole arena
 * is recycled at once by atomic_arena_reset() or atomic_arena_clear().
 *
 * Context rules:
 *
 * - atomic_arena_create() and atomic_arena_destroy() sleep: process
 *   context only.
 * - atomic_arena_alloc(), atomic_arena_append(), atomic_arena_reserve(),
 *   atomic_arena_len(), atomic_arena_cap(), atomic_arena_elem_size(),
 *   atomic_arena_at() and atomic_arena_index() are lock-free, never sleep
 *   and never allocate memory. They may be called from process, softirq
 *   and hardirq context, concurrently on the same arena. On architectures
 *   that select CONFIG_ARCH_HAVE_NMI_SAFE_CMPXCHG (x86, arm64, among
 *   others) they are NMI-safe as well. On the others, alloc, append and
 *   reserve called from NMI always fail (NULL) without touching the
 *   arena, as gen_pool_alloc() does.
 * - In the per-CPU mode (atomic_arena_create_flags()) the same holds, but
 *   that a call that finds the arena's shared counter used up waits for
 *   refills in flight on other CPUs (a few instructions each, with
 *   interrupts off) before it fails, and that len, at, index, for_each and
 *   reset cost O(CPUs).
 * - The per-arena statistics (debugfs) are per-CPU counters bumped with
 *   this_cpu_inc(): on architectures that use the generic per-CPU
 *   operations, a count made from NMI may be lost. The allocations
 *   themselves are exact.
 * - atomic_arena_reset() and atomic_arena_clear() never sleep either, but
 *   the caller must guarantee that no other call on the arena is in flight
 *   and that no slot handed out before is used afterwards, with
 *   happens-before (a lock, or release/acquire) from the last use of the
 *   old slots to the reset and from the reset to the next allocation.
 * - Cost: every call is O(1) except atomic_arena_append() with NULL or
 *   with many elements (it zeroes or copies n slots), atomic_arena_clear()
 *   (O(used slots)) and, on KASAN kernels, atomic_arena_reset() (it
 *   poisons the used slots): poor choices in NMI or hardirq context for
 *   large n.
 */
#ifndef _ATOMIC_ARENA_H
#define _ATOMIC_ARENA_H

#include <linux/atomic.h>
#include <linux/cache.h>
#include <linux/percpu.h>
#include <linux/preempt.h>
#include <linux/stddef.h>
#include <linux/string.h>
#include <linux/types.h>

struct atomic_arena;

/* Longest arena name, without the terminating NUL. */
#define ATOMIC_ARENA_NAME_MAX	31

/*
 * Flags of atomic_arena_create_flags().
 *
 * ATOMIC_ARENA_PERCPU: the per-CPU mode. Each CPU takes slots from the
 * shared counter in batches (at most ATOMIC_ARENA_BATCH_MAX) and hands
 * them out locally, so the shared cache line is touched once per batch and
 * allocation scales with CPUs. Slot order is no longer allocation order,
 * and until the arena fills, slots taken into a CPU's batch but not yet
 * handed out leave holes among the slots in use (atomic_arena_at() returns
 * NULL there; walk the slots in use with atomic_arena_for_each()).
 * Without it (the default), the arena is ordered: slot i is the i-th
 * allocation, and slots [0, len) are in use.
 */
#define ATOMIC_ARENA_PERCPU	0x1U
#define ATOMIC_ARENA_BATCH_MAX	256

struct atomic_arena *atomic_arena_create(const char *name, size_t elem_size,
					 size_t align,
					 unsigned long max_elems);
struct atomic_arena *atomic_arena_create_flags(const char *name,
					       size_t elem_size, size_t align,
					       unsigned long max_elems,
					       unsigned int flags);
void atomic_arena_destroy(struct atomic_arena *arena);

void *atomic_arena_alloc(struct atomic_arena *arena, const void *obj);
void *atomic_arena_append(struct atomic_arena *arena, const void *objs,
			  unsigned long n);
void *atomic_arena_reserve(struct atomic_arena *arena, unsigned long n);

void atomic_arena_reset(struct atomic_arena *arena);
void atomic_arena_clear(struct atomic_arena *arena);

unsigned long atomic_arena_len(const struct atomic_arena *arena);
unsigned long atomic_arena_cap(const struct atomic_arena *arena);
size_t atomic_arena_elem_size(const struct atomic_arena *arena);
void *atomic_arena_at(struct atomic_arena *arena, unsigned long idx);
long atomic_arena_index(const struct atomic_arena *arena, const void *ptr);
unsigned long atomic_arena_next_used(const struct atomic_arena *arena,
				     unsigned long idx);

/*
 * Private from here to DEFINE_ATOMIC_ARENA(): the part of an arena that the
 * inline fast path of the typed wrapper reads. Use the functions.
 */
struct atomic_arena_stats {
	unsigned long allocs;
	unsigned long alloc_fails;
	unsigned long bulk;
	unsigned long bulk_fails;
	unsigned long holdback_fails;	/* see atomic_arena_create_flags() */
};

/* A CPU's batch (per-CPU mode): free slots [pos, pos + left). */
struct atomic_arena_cpu {
	atomic64_t batch;		/* pos << 16 | left */
	bool refilling;			/* between taking and publishing one */
};

#define ATOMIC_ARENA_LEFT_BITS	16
#define ATOMIC_ARENA_LEFT_MASK	((1LL << ATOMIC_ARENA_LEFT_BITS) - 1)
/* No slot taken yet: the slow path takes one itself. */
#define ATOMIC_ARENA_NONE	(~0UL)

struct atomic_arena_head {
	/* Written by every reservation: alone on its cache line. */
	atomic_long_t next ____cacheline_aligned_in_smp;
	bool drained;			/* per-CPU mode: no free slot anywhere */

	/* Read-mostly after creation: stays shared in every CPU's cache. */
	void *base ____cacheline_aligned_in_smp;
	size_t stride;
	unsigned long cap;
	struct atomic_arena_stats __percpu *stats;
	struct atomic_arena_cpu __percpu *cpu;	/* per-CPU mode, else NULL */
	bool slow;			/* every take out of line (KASAN) */
};

void *atomic_arena_take_slow(struct atomic_arena *arena, unsigned long drawn,
			     unsigned long call_site);

/*
 * Take one slot, counted as an allocation: the inline fast path, for
 * the typed wrapper and atomic_arena_alloc(). NULL when the arena is full.
 * @call_site is what a failure's trace event names: 0 for the caller of
 * the function this is inlined into.
 */
static __always_inline void *__atomic_arena_take(struct atomic_arena *arena,
						 unsigned long call_site)
{
	struct atomic_arena_head *h = (struct atomic_arena_head *)arena;
	unsigned long idx;
	s64 old;

	if (unlikely(h->slow ||
		     (!IS_ENABLED(CONFIG_ARCH_HAVE_NMI_SAFE_CMPXCHG) &&
		      in_nmi())))
		goto slow;

	if (h->cpu) {
		atomic64_t *batch = &raw_cpu_ptr(h->cpu)->batch;

		/*
		 * Relaxed: a CPU's batch only hands out distinct slots. After
		 * a migration this is another CPU's batch: still atomic.
		 */
		old = atomic64_read(batch);
		if (unlikely(!(old & ATOMIC_ARENA_LEFT_MASK) ||
			     !atomic64_try_cmpxchg_relaxed(batch, &old,
				old + ATOMIC_ARENA_LEFT_MASK)))
			goto slow;
		idx = old >> ATOMIC_ARENA_LEFT_BITS;
	} else {
		/* Relaxed: a stale value below cap only costs the fetch-add. */
		if (unlikely((unsigned long)atomic_long_read(&h->next) >=
			     h->cap))
			goto slow;
		/* Relaxed: it only has to hand out distinct indices. */
		idx = atomic_long_fetch_add_relaxed(1, &h->next);
		if (unlikely(idx >= h->cap))
			return atomic_arena_take_slow(arena, idx, call_site);
	}
	this_cpu_inc(h->stats->allocs);
	return h->base + idx * h->stride;

slow:
	return atomic_arena_take_slow(arena, ATOMIC_ARENA_NONE, call_site);
}

static __always_inline void *__atomic_arena_slot(struct atomic_arena *arena,
						 unsigned long idx)
{
	struct atomic_arena_head *h = (struct atomic_arena_head *)arena;

	return h->base + idx * h->stride;
}

/**
 * atomic_arena_for_each() - walk the slots in use
 * @arena: the arena (untyped: prefix_arena_untyped() of a typed one)
 * @pos: a pointer (of any type) set to each slot in turn
 * @idx: an unsigned long set to each slot's index
 *
 * Visits the slots handed out, in index order, skipping the per-CPU mode's
 * slots that sit in a CPU's batch. Each step costs O(1) on an ordered
 * arena and O(CPUs) on a per-CPU one. With concurrent allocators it is a
 * snapshot, as atomic_arena_len() is. Like list_for_each_entry(), it
 * evaluates @arena and @idx more than once.
 */
#define atomic_arena_for_each(arena, pos, idx)				\
	for ((idx) = atomic_arena_next_used(arena, 0);			\
	     (idx) < atomic_arena_cap(arena) &&				\
	     ((pos) = __atomic_arena_slot(arena, idx), true);		\
	     (idx) = atomic_arena_next_used(arena, (idx) + 1))

/**
 * DEFINE_ATOMIC_ARENA() - define a typed arena holding objects of one type
 * @prefix: prefix of the generated type and functions
 * @type: element type
 *
 * Defines the opaque handle type &struct prefix_arena and static inline
 * wrappers prefix_arena_create(name, max_elems),
 * prefix_arena_create_flags(name, max_elems, flags), prefix_arena_destroy(),
 * prefix_arena_alloc(), prefix_arena_append(), prefix_arena_reserve(),
 * prefix_arena_reset(), prefix_arena_clear(), prefix_arena_len(),
 * prefix_arena_cap(), prefix_arena_at() and prefix_arena_index(), which
 * take and return @type pointers. Element size and alignment come from
 * @type. Each wrapper has the semantics and context rules of the untyped
 * function it calls; passing a pointer of another type is a compile error
 * (Kbuild builds with -Werror=incompatible-pointer-types).
 * prefix_arena_alloc() is atomic_arena_alloc() inlined: the slot is taken
 * on an inline fast path, and the element copied with its size known to
 * the compiler, rather than by a memcpy() of a run-time size.
 *
 * The handle is never dereferenced: it is the untyped arena under a
 * distinct pointer type, so that the compiler tells typed arenas apart.
 */
#define DEFINE_ATOMIC_ARENA(prefix, type)				\
struct prefix##_arena;							\
									\
static inline struct atomic_arena *					\
prefix##_arena_untyped(struct prefix##_arena *a)			\
{									\
	return (struct atomic_arena *)a;				\
}									\
									\
static inline struct prefix##_arena *					\
prefix##_arena_create_flags(const char *name, unsigned long max_elems,	\
			    unsigned int flags)				\
{									\
	return (struct prefix##_arena *)				\
		atomic_arena_create_flags(name, sizeof(type),		\
					  __alignof__(type), max_elems,	\
					  flags);			\
}									\
									\
static inline struct prefix##_arena *					\
prefix##_arena_create(const char *name, unsigned long max_elems)	\
{									\
	return prefix##_arena_create_flags(name, max_elems, 0);		\
}									\
									\
static inline void prefix##_arena_destroy(struct prefix##_arena *a)	\
{									\
	atomic_arena_destroy(prefix##_arena_untyped(a));		\
}									\
									\
/* Inline, with a copy of the type's size known to the compiler. */	\
static __always_inline type *						\
prefix##_arena_alloc(struct prefix##_arena *a, const type *obj)		\
{									\
	type *p = __atomic_arena_take(prefix##_arena_untyped(a), 0);	\
									\
	if (likely(p)) {						\
		if (obj)						\
			*p = *obj;					\
		else							\
			memset(p, 0, sizeof(*p));			\
	}								\
	return p;							\
}									\
									\
static inline type *prefix##_arena_append(struct prefix##_arena *a,	\
					  const type *objs,		\
					  unsigned long n)		\
{									\
	return atomic_arena_append(prefix##_arena_untyped(a), objs, n);	\
}									\
									\
static inline type *prefix##_arena_reserve(struct prefix##_arena *a,	\
					   unsigned long n)		\
{									\
	return atomic_arena_reserve(prefix##_arena_untyped(a), n);	\
}									\
									\
static inline void prefix##_arena_reset(struct prefix##_arena *a)	\
{									\
	atomic_arena_reset(prefix##_arena_untyped(a));			\
}									\
									\
static inline void prefix##_arena_clear(struct prefix##_arena *a)	\
{									\
	atomic_arena_clear(prefix##_arena_untyped(a));			\
}									\
									\
static inline unsigned long prefix##_arena_len(struct prefix##_arena *a) \
{									\
	return atomic_arena_len(prefix##_arena_untyped(a));		\
}									\
									\
static inline unsigned long prefix##_arena_cap(struct prefix##_arena *a) \
{									\
	return atomic_arena_cap(prefix##_arena_untyped(a));		\
}									\
									\
static inline type *prefix##_arena_at(struct prefix##_arena *a,		\
				      unsigned long idx)		\
{									\
	return atomic_arena_at(prefix##_arena_untyped(a), idx);		\
}									\
									\
static inline long prefix##_arena_index(struct prefix##_arena *a,	\
					const type *ptr)		\
{									\
	return atomic_arena_index(prefix##_arena_untyped(a), ptr);	\
}

#endif /* _ATOMIC_ARENA_H */
