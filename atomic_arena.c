// SPDX-License-Identifier: GPL-2.0
/*
 * Lock-free, fixed-capacity arena of fixed-size slots
 *
 * Data structure
 * --------------
 * An arena is one vmalloc'd region of @cap slots. Slot i starts at
 * base + i * stride, where stride is elem_size rounded up to the arena's
 * alignment. A single counter, @next, says how many slots have been taken
 * since the last reset: slots [0, min(next, cap)) are in use, the rest are
 * free. Taking slots is the only operation that moves @next forward; the
 * whole arena is recycled at once by atomic_arena_reset() (O(1)) or
 * atomic_arena_clear() (zeroes the used slots first, O(used)).
 *
 * The per-CPU mode (ATOMIC_ARENA_PERCPU) adds a batch per CPU: one 64-bit
 * word, pos << 16 | left, for free slots [pos, pos + left) that the CPU
 * took from @next at once (refill()) and hands out one by one with a
 * cmpxchg on the word. Slots in batches are taken from @next but not in
 * use. The part of the arena that the inline fast path reads (the counter,
 * base, stride, capacity, statistics and batches) is struct
 * atomic_arena_head, public in atomic_arena.h; the rest is private here.
 *
 * Concurrency contract
 * --------------------
 * - One slot is taken with a read of @next, then a single
 *   atomic_long_fetch_add() and a bounds check. A caller that reads @next
 *   >= cap fails at once and writes nothing, so callers that keep failing
 *   on a full arena neither move @next nor bounce its cache line. A caller
 *   that read less than cap but draws an index >= cap (others took the last
 *   slots meanwhile) fails too; the arena was full at that moment, so no
 *   failure is spurious. It then tries once to pull @next back to @cap with
 *   a cmpxchg from the value it made; the last of several such callers
 *   always succeeds, so @next is back at @cap once they are done.
 * - The bound: @next only passes @cap through callers that read it below
 *   @cap, that is, that were between their read and their fetch-add when
 *   the arena filled, and each adds once. So @next <= cap + the number of
 *   calls in flight at that moment (at most the tasks in the arena plus
 *   three interrupt levels per CPU), whatever happens afterwards; the
 *   highest excess is shown in debugfs (overshoot_max). ATOMIC_ARENA_MAX_ELEMS
 *   keeps that far from LONG_MAX.
 * - Several slots (append, reserve) are taken with a cmpxchg loop that
 *   checks the room left before it moves @next. A bulk request that does not
 *   fit fails without ever touching @next, so it cannot make a concurrent
 *   small request fail while room remains (the fetch-add-then-roll-back
 *   scheme can), and there is no roll-back for a reset to race with.
 * - Reservations are relaxed: the counter only hands out distinct indices.
 *   Publishing a slot's contents to another CPU is the caller's business,
 *   as with any allocator.
 * - Reset and clear store the empty count with a release; the caller
 *   guarantees that nothing else runs on the arena meanwhile, and orders
 *   the last use of the old slots before the reset, and the reset before
 *   the next allocation (a lock, or release/acquire): allocators read
 *   @next relaxed, so that ordering is the caller's.
 * - Per-CPU mode: every change of a CPU's batch is a cmpxchg on its word,
 *   so a call that migrated, an interrupt on the same CPU, or another CPU
 *   stealing from it, can only make it fail and retry, never hand a slot
 *   out twice. Only the CPU itself, with interrupts off, fills its empty
 *   batch (refill()), and only there: NMIs never refill (they take one
 *   slot from @next), so nothing else can fill that word meanwhile. Once
 *   @next is used up, a call takes from any CPU's batch (steal()); no batch
 *   can grow any more, and each CPU's refilling flag marks a refill
 *   between taking a batch from @next and publishing it, so that steal()
 *   waits for it (full barriers order the flag and @next, release and
 *   acquire the flag and the batch) before it concludes that no slot is
 *   left. An NMI cannot wait for the refill it
 *   interrupted: it fails then, counted in holdback_fails. A single call
 *   that found nothing anywhere marks the arena drained, and later calls
 *   fail at once, reading only.
 * - Statistics are per-CPU counters bumped with this_cpu_inc(), so the hot
 *   path touches no shared cache line besides @next; they are summed, racily
 *   by design, only when debugfs is read.
 * - debugfs <name>/data decides which slots are in use when it is opened
 *   (as len does, waiting for refills in flight as steal() does), then
 *   copies their bytes when read, synchronising with nobody: bytes may be
 *   torn or stale, indices are always below @cap.
 * - Trace events (atomic_arena_trace.h) sit on the failing, slow and
 *   control paths; a disabled one is a static branch.
 *
 * All paths that take slots are lock-free, never sleep and never allocate:
 * they are safe in process, softirq and hardirq context, and in NMI context
 * on architectures with NMI-safe cmpxchg (CONFIG_ARCH_HAVE_NMI_SAFE_CMPXCHG).
 * Elsewhere a call from NMI fails cleanly (NULL, counted as a failure), as
 * lib/genalloc.c does.
 *
 * Limits
 * ------
 * - Capacity is fixed at creation and at most ATOMIC_ARENA_MAX_ELEMS slots
 *   (below 2^47 in the per-CPU mode);
 *   the storage is allocated and zeroed up front, and only if it fits in the
 *   memory available: a too-large arena is -ENOMEM, never an OOM kill.
 * - Slots cannot be freed one by one.
 * - Alignment is a power of two no larger than PAGE_SIZE (vmalloc memory is
 *   page aligned).
 * - Names are unique among live arenas, 1..31 bytes, without '/'; they name
 *   the arena's debugfs directory.
 * - Under generic KASAN (with KASAN_VMALLOC) free slots are poisoned when the
 *   stride is a multiple of 8, so that a use after reset is reported; reset
 *   then costs O(used) too.
 *
 * Files
 * -----
 * This file is the one translation unit of the module. It includes three
 * parts where their code belongs, as mm/percpu.c includes percpu-vm.c:
 * atomic_arena_percpu.c (the per-CPU mode's batches), atomic_arena_create.c
 * (creation, destruction and the list of live arenas) and
 * atomic_arena_debugfs.c (the debugfs files).
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/cache.h>
#include <linux/cpumask.h>
#include <linux/debugfs.h>
#include <linux/err.h>
#include <linux/fault-inject.h>
#include <linux/fs.h>
#include <linux/irqflags.h>
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/log2.h>
#include <linux/math64.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/overflow.h>
#include <linux/percpu.h>
#include <linux/preempt.h>
#include <linux/processor.h>
#include <linux/sched/signal.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include "atomic_arena.h"
#include "atomic_arena_compat.h"

/*
 * Largest capacity: keeps @next, which may exceed @cap by the number of calls
 * in flight when the arena filled, far from LONG_MAX.
 */
#define ATOMIC_ARENA_MAX_ELEMS	(LONG_MAX / 2)

struct atomic_arena {
	/* What the inline fast path reads (atomic_arena.h): first. */
	struct atomic_arena_head h;

	/* Read-mostly after creation. */
	size_t elem_size;
	unsigned long batch;		/* per-CPU mode: slots per refill */
	bool poison;			/* KASAN poisons free slots */

	/* Control path, and the failing path's rare overshoot. */
	size_t align;
	unsigned long high_water;
	atomic_long_t resets;
	atomic_long_t overshoot_max;	/* highest @next - @cap seen */
	struct list_head node;
	struct dentry *dir;
	char name[ATOMIC_ARENA_NAME_MAX + 1];
};

#define CREATE_TRACE_POINTS
#include "atomic_arena_trace.h"

/* Serialises creation and destruction, and guards the list of live arenas. */
static DEFINE_MUTEX(atomic_arena_lock);
static LIST_HEAD(atomic_arena_list);
static struct dentry *atomic_arena_debugfs_root;

static void atomic_arena_debugfs_add(struct atomic_arena *arena);

/*
 * Fault injection for tests: debugfs atomic_arena/fail_create, with the
 * kernel's usual knobs (probability, interval, times, space, ...), makes
 * the allocations of atomic_arena_create() fail. should_fail() is called
 * once per allocation, in order: the arena, its statistics, its storage.
 */
#ifdef CONFIG_FAULT_INJECTION_DEBUG_FS
static DECLARE_FAULT_ATTR(fail_create);

/* Says which allocation failed, so that a test can tell. */
static bool create_alloc_fails(const char *what)
{
	if (!should_fail(&fail_create, 1))
		return false;
	pr_info("fail_create: failing the %s allocation\n", what);
	return true;
}

static void fail_create_debugfs_add(void)
{
	fault_create_debugfs_attr("fail_create", atomic_arena_debugfs_root,
				  &fail_create);
}
#else
static bool create_alloc_fails(const char *what)
{
	return false;
}

static void fail_create_debugfs_add(void)
{
}
#endif

static inline void *slot(const struct atomic_arena *arena, unsigned long idx)
{
	return arena->h.base + idx * arena->h.stride;
}

/* KASAN: @n slots from @p are handed out; nothing without KASAN. */
static inline void unpoison_slots(const struct atomic_arena *arena, void *p,
				  unsigned long n)
{
	if (ATOMIC_ARENA_KASAN_GRANULE && arena->poison)
		atomic_arena_kasan_unpoison(p, n * arena->h.stride);
}

/* KASAN: the first @n slots are free again. */
static inline void poison_slots(const struct atomic_arena *arena,
				unsigned long n)
{
	if (ATOMIC_ARENA_KASAN_GRANULE && arena->poison)
		atomic_arena_kasan_poison(arena->h.base, n * arena->h.stride);
}

/*
 * Where cmpxchg is not NMI-safe, atomics may be built on locks: a call from
 * NMI must not touch @next at all.
 */
static __always_inline bool nmi_refused(void)
{
	return !IS_ENABLED(CONFIG_ARCH_HAVE_NMI_SAFE_CMPXCHG) && in_nmi();
}

/* Records how far past @cap a failing fetch-add took @next (debugfs). */
static noinline void note_overshoot(struct atomic_arena *arena,
				    unsigned long next)
{
	long over = next - arena->h.cap;
	long seen = atomic_long_read(&arena->overshoot_max);

	/* Relaxed: a statistic, ordered with nothing. */
	while (over > seen &&
	       !atomic_long_try_cmpxchg_relaxed(&arena->overshoot_max, &seen,
						over))
		;
}

/*
 * The failing path of a fetch-add that drew @idx >= @cap: undo our own
 * increment if nobody moved @next since; if somebody did, they are failing
 * too and the last of us restores @cap. Relaxed: any value >= @cap means
 * full, whoever reads it.
 */
static noinline void undo_overshoot(struct atomic_arena *arena,
				    unsigned long idx)
{
	note_overshoot(arena, idx + 1);
	atomic_long_cmpxchg_relaxed(&arena->h.next, idx + 1, arena->h.cap);
}

/*
 * Take one slot from the shared counter. Returns the slot's index, or @cap
 * when the counter is used up.
 */
static __always_inline unsigned long take_one(struct atomic_arena *arena)
{
	unsigned long cap = arena->h.cap;
	unsigned long idx;

	/* Relaxed: a stale value below @cap only costs the fetch-add below. */
	if (unlikely((unsigned long)atomic_long_read(&arena->h.next) >= cap ||
		     nmi_refused()))
		return cap;

	/* Relaxed: it only has to hand out distinct indices. */
	idx = atomic_long_fetch_add_relaxed(1, &arena->h.next);
	if (likely(idx < cap))
		return idx;
	undo_overshoot(arena, idx);
	return cap;
}

/*
 * Take @n contiguous slots from the shared counter, 0 < @n, or none. The
 * room left is checked before @next moves, so a request that does not fit
 * changes nothing. Relaxed, as in take_one().
 */
static unsigned long take_many(struct atomic_arena *arena, unsigned long n)
{
	unsigned long cap = arena->h.cap;
	long old = atomic_long_read(&arena->h.next);

	if (unlikely(nmi_refused()))
		return cap;
	do {
		if ((unsigned long)old >= cap || cap - (unsigned long)old < n)
			return cap;
	} while (!atomic_long_try_cmpxchg_relaxed(&arena->h.next, &old, old + n));

	return old;
}

/* Per-CPU mode: the CPUs' batches. */
#include "atomic_arena_percpu.c"

/* Take @n contiguous slots, 0 < @n, in either mode; @cap when it cannot. */
static __always_inline unsigned long take(struct atomic_arena *arena,
					  unsigned long n)
{
	if (arena->h.cpu)
		return n == 1 ? take_one_percpu(arena) :
				take_many_percpu(arena, n);
	return n == 1 ? take_one(arena) : take_many(arena, n);
}

/**
 * atomic_arena_take_slow() - the out-of-line part of the inline fast path
 * @arena: the arena
 * @drawn: ATOMIC_ARENA_NONE when the fast path took nothing; or the index
 *         its fetch-add drew, at or past the capacity
 * @call_site: the address that the atomic_arena_alloc_fail trace event
 *             names, or 0 for this function's caller (the typed wrapper's
 *             call site, where the fast path is inlined)
 *
 * For atomic_arena.h's inline fast path only: takes one slot the slow way
 * (per-CPU refill and steal, KASAN, the full arena), or undoes the fast
 * path's overshoot, and counts the allocation or its failure.
 *
 * Context: as atomic_arena_alloc().
 *
 * Return: the slot, or NULL when the arena is full.
 */
void *atomic_arena_take_slow(struct atomic_arena *arena, unsigned long drawn,
			     unsigned long call_site)
{
	unsigned long idx;
	void *p;

	if (drawn != ATOMIC_ARENA_NONE) {
		undo_overshoot(arena, drawn);
		idx = arena->h.cap;
	} else {
		idx = take(arena, 1);
	}
	if (unlikely(idx == arena->h.cap)) {
		this_cpu_inc(arena->h.stats->alloc_fails);
		trace_atomic_arena_alloc_fail(arena, 1, call_site ?: _RET_IP_);
		return NULL;
	}
	this_cpu_inc(arena->h.stats->allocs);
	p = slot(arena, idx);
	unpoison_slots(arena, p, 1);
	return p;
}
EXPORT_SYMBOL(atomic_arena_take_slow);

/* Bulk reservation behind append and reserve, with its statistics. */
static void *reserve_many(struct atomic_arena *arena, unsigned long n)
{
	unsigned long idx;
	void *p;

	idx = take(arena, n);
	if (unlikely(idx == arena->h.cap)) {
		this_cpu_inc(arena->h.stats->bulk_fails);
		return NULL;
	}
	this_cpu_inc(arena->h.stats->bulk);
	p = slot(arena, idx);
	unpoison_slots(arena, p, n);
	return p;
}

/*
 * Copy one element: sizes a caller is likely to use get a copy of a size
 * known to the compiler (a few moves), the rest memcpy().
 */
static __always_inline void copy_elem(void *p, const void *obj, size_t size)
{
	switch (size) {
	case 8:
		memcpy(p, obj, 8);
		break;
	case 16:
		memcpy(p, obj, 16);
		break;
	case 32:
		memcpy(p, obj, 32);
		break;
	case 64:
		memcpy(p, obj, 64);
		break;
	default:
		memcpy(p, obj, size);
	}
}

/**
 * atomic_arena_alloc() - take the next free slot and fill it
 * @arena: the arena
 * @obj: elem_size bytes to copy into the slot, or NULL to zero it
 *
 * Context: Any context; lock-free, never sleeps (but see
 * atomic_arena_create_flags() for the per-CPU mode's full arena). NMI-safe
 * where the architecture has NMI-safe cmpxchg. @arena must be a live
 * arena.
 *
 * Return: the slot, aligned as asked at creation, or NULL when the arena
 * was full at the moment of the call. A failed call takes no slot; it
 * emits the atomic_arena_alloc_fail trace event, which names its caller.
 */
void *atomic_arena_alloc(struct atomic_arena *arena, const void *obj)
{
	void *p = __atomic_arena_take(arena, _RET_IP_);

	if (unlikely(!p))
		return NULL;
	if (obj)
		copy_elem(p, obj, arena->elem_size);
	else
		memset(p, 0, arena->elem_size);
	return p;
}
EXPORT_SYMBOL(atomic_arena_alloc);

/**
 * atomic_arena_append() - store @n elements in @n contiguous slots
 * @arena: the arena
 * @objs: @n elements of elem_size bytes each, packed; or NULL to zero the
 *        slots
 * @n: number of elements
 *
 * All or nothing: either every element is stored, in order, in consecutive
 * slots, or nothing is stored and no slot is taken.
 *
 * Context: Any context; lock-free, never sleeps. NMI-safe where the
 * architecture has NMI-safe cmpxchg. @arena must be a live arena.
 *
 * Return: the first slot; ZERO_SIZE_PTR when @n is 0 (nothing is taken);
 * NULL when fewer than @n slots were free at the moment of the call (the
 * atomic_arena_append_fail trace event names the caller).
 */
void *atomic_arena_append(struct atomic_arena *arena, const void *objs,
			  unsigned long n)
{
	size_t size = arena->elem_size;
	unsigned long i;
	void *first;

	if (unlikely(!n))
		return ZERO_SIZE_PTR;

	first = reserve_many(arena, n);
	if (unlikely(!first)) {
		trace_atomic_arena_append_fail(arena, n, _RET_IP_);
		return NULL;
	}

	/* n <= cap here, so n * stride cannot overflow (checked at create). */
	if (!objs)
		memset(first, 0, n * arena->h.stride);
	else if (size == arena->h.stride)
		memcpy(first, objs, n * size);
	else
		for (i = 0; i < n; i++)
			memcpy(first + i * arena->h.stride, objs + i * size, size);
	return first;
}
EXPORT_SYMBOL(atomic_arena_append);

/**
 * atomic_arena_reserve() - take @n contiguous slots without filling them
 * @arena: the arena
 * @n: number of slots
 *
 * All or nothing, like atomic_arena_append(). The slots' contents are
 * unspecified: zero on a fresh or cleared arena, whatever the last user
 * left after atomic_arena_reset().
 *
 * Context: Any context; lock-free, never sleeps. NMI-safe where the
 * architecture has NMI-safe cmpxchg. @arena must be a live arena.
 *
 * Return: the first slot; ZERO_SIZE_PTR when @n is 0 (nothing is taken);
 * NULL when fewer than @n slots were free at the moment of the call (the
 * atomic_arena_reserve_fail trace event names the caller).
 */
void *atomic_arena_reserve(struct atomic_arena *arena, unsigned long n)
{
	void *first;

	if (unlikely(!n))
		return ZERO_SIZE_PTR;
	first = reserve_many(arena, n);
	if (unlikely(!first))
		trace_atomic_arena_reserve_fail(arena, n, _RET_IP_);
	return first;
}
EXPORT_SYMBOL(atomic_arena_reserve);

/* Slots taken from the shared counter: @next may exceed @cap meanwhile. */
static unsigned long taken(const struct atomic_arena *arena)
{
	return min_t(unsigned long, atomic_long_read(&arena->h.next),
		     arena->h.cap);
}

/**
 * atomic_arena_len() - number of slots in use
 * @arena: the arena
 *
 * In the per-CPU mode, slots that sit in a CPU's batch are not in use; the
 * count costs O(CPUs) there.
 *
 * Context: Any context; lock-free. @arena must be a live arena. With
 * concurrent allocators the value is a snapshot, and a slot counted here
 * may still be being filled by its owner.
 *
 * Return: slots handed out since creation or the last reset, at most the
 * capacity.
 */
unsigned long atomic_arena_len(const struct atomic_arena *arena)
{
	unsigned long n = taken(arena), held = held_slots(arena);

	/* A refill between the two reads can make @held look larger. */
	return n > held ? n - held : 0;
}
EXPORT_SYMBOL(atomic_arena_len);

/**
 * atomic_arena_cap() - capacity of the arena
 * @arena: the arena
 *
 * Context: Any context. @arena must be a live arena.
 *
 * Return: the number of slots, as given at creation.
 */
unsigned long atomic_arena_cap(const struct atomic_arena *arena)
{
	return arena->h.cap;
}
EXPORT_SYMBOL(atomic_arena_cap);

/**
 * atomic_arena_elem_size() - size of one element
 * @arena: the arena
 *
 * Context: Any context. @arena must be a live arena.
 *
 * Return: the element size given at creation (not the stride).
 */
size_t atomic_arena_elem_size(const struct atomic_arena *arena)
{
	return arena->elem_size;
}
EXPORT_SYMBOL(atomic_arena_elem_size);

/* Whether slot @idx has been handed out (a snapshot, as len). */
static bool in_use(const struct atomic_arena *arena, unsigned long idx)
{
	return idx < taken(arena) && !held_until(arena, idx);
}

/**
 * atomic_arena_at() - slot at an index
 * @arena: the arena
 * @idx: index of the slot, counted from the first slot of the storage
 *
 * On an ordered arena the slots in use are [0, atomic_arena_len()). In the
 * per-CPU mode a slot below the highest one handed out may still sit in a
 * CPU's batch, not handed out: NULL then (this costs O(CPUs)).
 *
 * Context: Any context; lock-free. @arena must be a live arena. The
 * caller must synchronise with the slot's owner before reading what it
 * wrote: a slot handed out may still be being filled.
 *
 * Return: the slot, or NULL when slot @idx is not in use.
 */
void *atomic_arena_at(struct atomic_arena *arena, unsigned long idx)
{
	if (!in_use(arena, idx))
		return NULL;
	return slot(arena, idx);
}
EXPORT_SYMBOL(atomic_arena_at);

/**
 * atomic_arena_index() - index of the slot that starts at @ptr
 * @arena: the arena
 * @ptr: a pointer into the arena's storage
 *
 * The inverse of atomic_arena_at(): for a slot in use,
 * atomic_arena_at(arena, atomic_arena_index(arena, p)) == p.
 *
 * Context: Any context; lock-free. @arena must be a live arena.
 *
 * Return: the index, or -EINVAL when @ptr is not the start of a slot in use
 * in this arena (NULL, outside the storage, inside a slot, or a slot not
 * handed out).
 */
long atomic_arena_index(const struct atomic_arena *arena, const void *ptr)
{
	/* Unsigned: a pointer below base wraps to a huge offset. */
	unsigned long off = (unsigned long)ptr - (unsigned long)arena->h.base;
	unsigned long idx = off / arena->h.stride;

	if (off % arena->h.stride || !in_use(arena, idx))
		return -EINVAL;
	return idx;
}
EXPORT_SYMBOL(atomic_arena_index);

/**
 * atomic_arena_next_used() - the first slot in use at or after an index
 * @arena: the arena
 * @idx: where to start
 *
 * The step of atomic_arena_for_each(): O(1) on an ordered arena, O(CPUs)
 * per batch skipped in the per-CPU mode.
 *
 * Context: Any context; lock-free. @arena must be a live arena. With
 * concurrent allocators the answer is a snapshot.
 *
 * Return: the index of the first slot in use at or after @idx, or the
 * capacity when there is none.
 */
unsigned long atomic_arena_next_used(const struct atomic_arena *arena,
				     unsigned long idx)
{
	unsigned long end = taken(arena), skip;

	while (idx < end) {
		skip = held_until(arena, idx);
		if (!skip)
			return idx;
		idx = skip;
	}
	return arena->h.cap;
}
EXPORT_SYMBOL(atomic_arena_next_used);

/* Reset and clear, after their trace events: every slot free again. */
static void recycle(struct atomic_arena *arena)
{
	unsigned long used = atomic_arena_len(arena);
	int cpu;

	/* Plain stores: the caller excludes every other user (see below). */
	if (used > arena->high_water)
		WRITE_ONCE(arena->high_water, used);
	poison_slots(arena, taken(arena));
	atomic_long_inc(&arena->resets);
	if (arena->h.cpu) {
		for_each_possible_cpu(cpu)
			atomic64_set(&per_cpu_ptr(arena->h.cpu, cpu)->batch, 0);
		WRITE_ONCE(arena->h.drained, false);
	}
	/* Release: the zeroing and poisoning above come before the new count. */
	atomic_long_set_release(&arena->h.next, 0);
}

/**
 * atomic_arena_reset() - make every slot free again, in O(1)
 * @arena: the arena
 *
 * The slots keep their contents until they are handed out again. On a
 * kernel with generic KASAN (and KASAN_VMALLOC) the freed slots are
 * poisoned, when the stride is a multiple of 8, so that a slot used after
 * the reset is reported; the reset then costs O(used slots).
 *
 * In the per-CPU mode it empties every CPU's batch too: O(CPUs).
 *
 * Context: Any context; never sleeps. Costs O(used slots) under KASAN, so
 * it is a poor choice in NMI or hardirq context there. The caller must
 * guarantee that no other call on @arena runs concurrently, and that no
 * slot handed out before the reset is used after it: it must establish
 * happens-before (a lock, or a release/acquire pair) from the last use of
 * the old slots to the reset, and from the reset to the next allocation on
 * another CPU. Allocators read the counter relaxed: that happens-before is
 * what orders them after the reset. The reset stores the empty counter
 * with a release all the same, so that whoever reads it with an acquire
 * also sees the zeroing of atomic_arena_clear() and the poisoning.
 */
void atomic_arena_reset(struct atomic_arena *arena)
{
	trace_atomic_arena_reset(arena);
	recycle(arena);
}
EXPORT_SYMBOL(atomic_arena_reset);

/**
 * atomic_arena_clear() - zero the slots in use, then reset the arena
 * @arena: the arena
 *
 * Costs O(used slots), unlike atomic_arena_reset(): a poor choice in NMI
 * or hardirq context for a large arena.
 *
 * Context: Any context; never sleeps. The caller must guarantee what
 * atomic_arena_reset() asks: no other call on @arena concurrently, and
 * happens-before from the last use of the old slots to the clear, and from
 * the clear to the next allocation.
 */
void atomic_arena_clear(struct atomic_arena *arena)
{
	trace_atomic_arena_clear(arena);
	/* Slots in CPUs' batches too: zeroing a free slot does no harm. */
	memset(arena->h.base, 0, taken(arena) * arena->h.stride);
	recycle(arena);
}
EXPORT_SYMBOL(atomic_arena_clear);

/* Creation and destruction. */
#include "atomic_arena_create.c"

/* debugfs: /sys/kernel/debug/atomic_arena/{arenas,<name>/{stats,data}} */
#include "atomic_arena_debugfs.c"

static int __init atomic_arena_init(void)
{
	atomic_arena_debugfs_root = debugfs_create_dir("atomic_arena", NULL);
	debugfs_create_file("arenas", 0400, atomic_arena_debugfs_root, NULL,
			    &arenas_fops);
	fail_create_debugfs_add();
	return 0;
}

static void __exit atomic_arena_exit(void)
{
	/* Every user module is gone: an arena left now was leaked by one. */
	struct atomic_arena *arena, *tmp;

	list_for_each_entry_safe(arena, tmp, &atomic_arena_list, node) {
		pr_err("arena '%s' was never destroyed; freeing it\n",
		       arena->name);
		atomic_arena_destroy(arena);
	}
	debugfs_remove_recursive(atomic_arena_debugfs_root);
}

module_init(atomic_arena_init);
module_exit(atomic_arena_exit);

MODULE_DESCRIPTION("Lock-free fixed-capacity arena allocator");
MODULE_AUTHOR("atomic-arena developers");
MODULE_LICENSE("GPL");
MODULE_VERSION(ATOMIC_ARENA_VERSION);
