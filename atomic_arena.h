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

#include <linux/stddef.h>
#include <linux/types.h>

struct atomic_arena;

/* Longest arena name, without the terminating NUL. */
#define ATOMIC_ARENA_NAME_MAX	31

struct atomic_arena *atomic_arena_create(const char *name, size_t elem_size,
					 size_t align,
					 unsigned long max_elems);
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

/**
 * DEFINE_ATOMIC_ARENA() - define a typed arena holding objects of one type
 * @prefix: prefix of the generated type and functions
 * @type: element type
 *
 * Defines the opaque handle type &struct prefix_arena and static inline
 * wrappers prefix_arena_create(name, max_elems), prefix_arena_destroy(),
 * prefix_arena_alloc(), prefix_arena_append(), prefix_arena_reserve(),
 * prefix_arena_reset(), prefix_arena_clear(), prefix_arena_len(),
 * prefix_arena_cap(), prefix_arena_at() and prefix_arena_index(), which
 * take and return @type pointers. Element size and alignment come from
 * @type. Each wrapper has the semantics and context rules of the untyped
 * function it calls; passing a pointer of another type is a compile error
 * (Kbuild builds with -Werror=incompatible-pointer-types).
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
prefix##_arena_create(const char *name, unsigned long max_elems)	\
{									\
	return (struct prefix##_arena *)				\
		atomic_arena_create(name, sizeof(type),			\
				    __alignof__(type), max_elems);	\
}									\
									\
static inline void prefix##_arena_destroy(struct prefix##_arena *a)	\
{									\
	atomic_arena_destroy(prefix##_arena_untyped(a));		\
}									\
									\
static inline type *prefix##_arena_alloc(struct prefix##_arena *a,	\
					 const type *obj)		\
{									\
	return atomic_arena_alloc(prefix##_arena_untyped(a), obj);	\
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
