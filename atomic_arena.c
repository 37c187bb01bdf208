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

/* Per-CPU mode ----------------------------------------------------------- */

static inline s64 batch_of(unsigned long pos, unsigned long left)
{
	return (s64)pos << ATOMIC_ARENA_LEFT_BITS | left;
}

static inline unsigned long batch_pos(s64 b)
{
	return b >> ATOMIC_ARENA_LEFT_BITS;
}

static inline unsigned long batch_left(s64 b)
{
	return b & ATOMIC_ARENA_LEFT_MASK;
}

/* Take @n slots from the front of @c's batch; false if it has fewer. */
static bool batch_take(struct atomic_arena_cpu *c, unsigned long n,
		       unsigned long *idx)
{
	s64 old = atomic64_read(&c->batch);

	/* Relaxed: the batch only hands out distinct slots. */
	do {
		if (batch_left(old) < n)
			return false;
	} while (!atomic64_try_cmpxchg_relaxed(&c->batch, &old,
					       old + batch_of(n, 0) - n));
	*idx = batch_pos(old);
	return true;
}

/* Free slots sitting in CPUs' batches: a snapshot. */
static unsigned long held_slots(const struct atomic_arena *arena)
{
	unsigned long held = 0;
	int cpu;

	if (!arena->h.cpu)
		return 0;
	for_each_possible_cpu(cpu)
		held += batch_left(atomic64_read(&per_cpu_ptr(arena->h.cpu,
							     cpu)->batch));
	return held;
}

/* The end of the batch that holds slot @idx, or 0 if none does. */
static unsigned long held_until(const struct atomic_arena *arena,
				unsigned long idx)
{
	unsigned long pos, left;
	int cpu;
	s64 b;

	if (!arena->h.cpu)
		return 0;
	for_each_possible_cpu(cpu) {
		b = atomic64_read(&per_cpu_ptr(arena->h.cpu, cpu)->batch);
		pos = batch_pos(b);
		left = batch_left(b);
		if (idx - pos < left)
			return pos + left;
	}
	return 0;
}

/*
 * Refill this CPU's empty batch @c from the shared counter, with interrupts
 * off. Returns the first slot of the new batch, the caller's, or @cap when
 * the shared counter is used up. Between taking the batch and publishing
 * the rest of it, its slots are seen nowhere: the CPU's refilling flag
 * tells steal() to wait for it.
 */
static unsigned long refill(struct atomic_arena *arena,
			    struct atomic_arena_cpu *c)
{
	unsigned long cap = arena->h.cap, k;
	long old;

	WRITE_ONCE(c->refilling, true);
	/* Full barrier: flagged before the batch leaves @next (see steal()). */
	smp_mb();
	old = atomic_long_read(&arena->h.next);
	do {
		if ((unsigned long)old >= cap) {
			k = 0;
			break;
		}
		k = min(arena->batch, cap - old);
	} while (!atomic_long_try_cmpxchg_relaxed(&arena->h.next, &old,
						  old + k));
	/* Empty since the caller looked: nobody else fills a CPU's batch. */
	if (k > 1)
		atomic64_set(&c->batch, batch_of(old + 1, k - 1));
	/* Release: the batch is published before the flag drops. */
	smp_store_release(&c->refilling, false);
	return k ? old : cap;
}

/*
 * The shared counter is used up: take @n contiguous slots from any CPU's
 * batch. Before giving up, wait for the refills in flight, which publish
 * their batches in a few instructions with interrupts off; except that an
 * NMI cannot wait for the refill it interrupted on its own CPU, and fails
 * then (counted in holdback_fails). Once @next is used up no batch can
 * grow, so a failure here means fewer than @n contiguous slots remained.
 */
static unsigned long steal(struct atomic_arena *arena, unsigned long n)
{
	struct atomic_arena_cpu *own = raw_cpu_ptr(arena->h.cpu), *c;
	bool nmi = in_nmi(), busy, own_busy;
	unsigned long idx;
	int cpu;

	for (;;) {
		busy = false;
		own_busy = false;
		/* Full barrier: the used-up counter, then the flags. */
		smp_mb();
		for_each_possible_cpu(cpu) {
			c = per_cpu_ptr(arena->h.cpu, cpu);
			/* Acquire: a refill seen done has published its batch. */
			if (!smp_load_acquire(&c->refilling))
				continue;
			if (nmi && c == own)
				own_busy = true;
			else
				busy = true;
		}
		for_each_possible_cpu(cpu)
			if (batch_take(per_cpu_ptr(arena->h.cpu, cpu), n, &idx))
				return idx;
		if (busy) {
			cpu_relax();
			continue;
		}
		if (own_busy) {
			this_cpu_inc(arena->h.stats->holdback_fails);
			return arena->h.cap;
		}
		/*
		 * Not a slot anywhere (for a single one), and none can come
		 * back before a reset: later calls may fail at once (plain: it
		 * only goes from false to true between resets).
		 */
		if (n == 1)
			WRITE_ONCE(arena->h.drained, true);
		return arena->h.cap;
	}
}

/* Take one slot in the per-CPU mode: the CPU's batch, a refill, a steal. */
static unsigned long take_one_percpu(struct atomic_arena *arena)
{
	struct atomic_arena_cpu *c;
	unsigned long idx, flags;

	if (unlikely(nmi_refused()))
		return arena->h.cap;
	if (batch_take(raw_cpu_ptr(arena->h.cpu), 1, &idx))
		return idx;
	/* Full, proven so: fail without touching a shared line. */
	if (READ_ONCE(arena->h.drained))
		return arena->h.cap;
	/* Used up: no refill, which would write to the shared line. */
	if ((unsigned long)atomic_long_read(&arena->h.next) >= arena->h.cap)
		return steal(arena, 1);
	if (in_nmi()) {
		/* It may have interrupted a refill here: no batch, one slot. */
		idx = take_one(arena);
	} else {
		local_irq_save(flags);
		c = this_cpu_ptr(arena->h.cpu);
		if (!batch_take(c, 1, &idx))
			idx = refill(arena, c);
		local_irq_restore(flags);
	}
	return idx < arena->h.cap ? idx : steal(arena, 1);
}

/* Take @n contiguous slots in the per-CPU mode: the shared counter first. */
static unsigned long take_many_percpu(struct atomic_arena *arena,
				      unsigned long n)
{
	unsigned long idx = take_many(arena, n);

	if (idx < arena->h.cap || nmi_refused() || n > arena->batch ||
	    READ_ONCE(arena->h.drained))
		return idx;
	return steal(arena, n);
}

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

static bool valid_name(const char *name)
{
	size_t len;

	if (!name)
		return false;
	len = strnlen(name, ATOMIC_ARENA_NAME_MAX + 1);
	if (!len || len > ATOMIC_ARENA_NAME_MAX || strchr(name, '/'))
		return false;
	/* Names that cannot be, or already are, in atomic_arena/ in debugfs. */
	return strcmp(name, ".") && strcmp(name, "..") &&
	       strcmp(name, "arenas") &&
	       (!IS_ENABLED(CONFIG_FAULT_INJECTION_DEBUG_FS) ||
		strcmp(name, "fail_create"));
}

static struct atomic_arena *find_arena(const char *name)
{
	struct atomic_arena *arena;

	lockdep_assert_held(&atomic_arena_lock);
	list_for_each_entry(arena, &atomic_arena_list, node)
		if (!strcmp(arena->name, name))
			return arena;
	return NULL;
}

static bool name_taken(const char *name)
{
	bool taken;

	mutex_lock(&atomic_arena_lock);
	taken = find_arena(name);
	mutex_unlock(&atomic_arena_lock);
	return taken;
}

static void free_arena(struct atomic_arena *arena)
{
	/* Hand the storage back to vmalloc as it gave it. */
	if (arena->h.base)
		unpoison_slots(arena, arena->h.base, arena->h.cap);
	vfree(arena->h.base);
	free_percpu(arena->h.cpu);
	free_percpu(arena->h.stats);
	kfree(arena);
}

/**
 * atomic_arena_create() - create an arena
 * @name: unique name of the arena, 1 to 31 bytes, without '/'; also the
 *        name of its debugfs directory. Copied.
 * @elem_size: size of one element in bytes
 * @align: alignment of every slot: a power of two, at most PAGE_SIZE
 * @max_elems: capacity in elements
 *
 * Slots are @elem_size bytes at a stride of @elem_size rounded up to
 * @align, in one zeroed vmalloc'd region allocated now for all @max_elems
 * slots. An arena larger than the memory available (MemAvailable) is
 * refused, and the storage is allocated with __GFP_RETRY_MAYFAIL, so that
 * asking for too much never invokes the OOM killer.
 *
 * Context: Process context; may sleep.
 *
 * Return: the arena, or an ERR_PTR():
 * -EINVAL for a NULL or empty @name, a @name with '/', longer than 31
 * bytes, or one of ".", ".." and "arenas" (taken in debugfs), and
 * "fail_create" on kernels with CONFIG_FAULT_INJECTION_DEBUG_FS; @elem_size
 * or @max_elems of 0; an @align that is not a power of two or is larger
 * than PAGE_SIZE.
 * -EOVERFLOW when the storage size overflows or @max_elems exceeds
 * LONG_MAX / 2.
 * -EEXIST when a live arena already has @name (checked before any memory
 * is allocated).
 * -ENOMEM when the memory is not available (no allocation-failure warning
 * is printed, and no process is OOM-killed).
 */
struct atomic_arena *atomic_arena_create(const char *name, size_t elem_size,
					 size_t align,
					 unsigned long max_elems)
{
	return atomic_arena_create_flags(name, elem_size, align, max_elems, 0);
}
EXPORT_SYMBOL(atomic_arena_create);

/**
 * atomic_arena_create_flags() - create an arena, choosing its mode
 * @name: as for atomic_arena_create()
 * @elem_size: as for atomic_arena_create()
 * @align: as for atomic_arena_create()
 * @max_elems: as for atomic_arena_create()
 * @flags: 0 for an ordered arena (what atomic_arena_create() makes), or
 *         ATOMIC_ARENA_PERCPU
 *
 * The per-CPU mode: each CPU takes up to ATOMIC_ARENA_BATCH_MAX slots at
 * a time from the shared counter (fewer for a small arena: about a quarter
 * of the capacity per CPU at most), and hands them out one by one to the
 * calls made on it, so that the shared cache line is touched once per
 * batch. Its contract, beyond the ordered arena's:
 *
 * - A single allocation (alloc, or append/reserve of one) fails only when
 *   no free slot remains anywhere: once the shared counter is used up, it
 *   takes a slot from another CPU's batch, after waiting for refills in
 *   flight (a few instructions with interrupts off on another CPU; so a
 *   call on a full per-CPU arena is not lock-free in the strict sense).
 *   The one exception is an NMI that interrupts a refill on its own CPU:
 *   it cannot wait for it, and may fail while up to batch - 1 slots are
 *   about to be published there (such failures are counted in debugfs,
 *   holdback_fails).
 * - append and reserve of @n > 1 slots stay all or nothing and contiguous:
 *   they take from the shared counter, else, @n being at most the batch
 *   size, from a single CPU's batch; they fail only when the shared
 *   counter has fewer than @n slots left and no CPU's batch holds @n,
 *   with the same wait and the same NMI exception.
 * - Slot order is not allocation order, and slots in batches are not in
 *   use: len() counts slots handed out; at() and index() refuse a slot in
 *   a batch; atomic_arena_for_each() skips them. These and reset cost
 *   O(CPUs); clear stays O(used).
 * - The capacity is below 2^47 slots (batches are packed in 64 bits).
 *
 * Context: Process context; may sleep.
 *
 * Return: as atomic_arena_create(); also -EINVAL for an unknown flag, and
 * -EOVERFLOW for a per-CPU arena of 2^47 slots or more.
 */
struct atomic_arena *atomic_arena_create_flags(const char *name,
					       size_t elem_size, size_t align,
					       unsigned long max_elems,
					       unsigned int flags)
{
	struct atomic_arena *arena;
	size_t stride, bytes;
	int err;

	if (!valid_name(name) || !elem_size || !max_elems ||
	    !is_power_of_2(align) || align > PAGE_SIZE ||
	    (flags & ~ATOMIC_ARENA_PERCPU))
		return ERR_PTR(-EINVAL);
	if (max_elems > ATOMIC_ARENA_MAX_ELEMS ||
	    ((flags & ATOMIC_ARENA_PERCPU) &&
	     (u64)max_elems > (S64_MAX >> ATOMIC_ARENA_LEFT_BITS)) ||
	    check_add_overflow(elem_size, align - 1, &stride))
		return ERR_PTR(-EOVERFLOW);
	stride &= ~(align - 1);
	if (check_mul_overflow(stride, (size_t)max_elems, &bytes))
		return ERR_PTR(-EOVERFLOW);
	/* Cheap checks first; the name is checked again once it is added. */
	if (name_taken(name))
		return ERR_PTR(-EEXIST);
	/* Whole pages, rounded up (without the overflow of adding first). */
	if ((bytes >> PAGE_SHIFT) + !!(bytes & (PAGE_SIZE - 1)) >
	    si_mem_available())
		return ERR_PTR(-ENOMEM);

	arena = NULL;
	if (!create_alloc_fails("arena"))
		arena = kzalloc(sizeof(*arena), GFP_KERNEL);
	if (!arena)
		return ERR_PTR(-ENOMEM);
	strscpy(arena->name, name, sizeof(arena->name));
	arena->elem_size = elem_size;
	arena->h.stride = stride;
	arena->align = align;
	arena->h.cap = max_elems;
	atomic_long_set(&arena->h.next, 0);
	atomic_long_set(&arena->resets, 0);
	atomic_long_set(&arena->overshoot_max, 0);

	err = -ENOMEM;
	if (!create_alloc_fails("stats"))
		arena->h.stats = alloc_percpu(struct atomic_arena_stats);
	if (!arena->h.stats)
		goto fail;
	if (!create_alloc_fails("storage"))
		arena->h.base = atomic_arena_vmalloc(bytes);
	if (!arena->h.base)
		goto fail;
	/* Slots sharing a shadow byte could not be poisoned independently. */
	arena->poison = ATOMIC_ARENA_KASAN_GRANULE &&
			IS_ALIGNED(stride, ATOMIC_ARENA_KASAN_GRANULE);
	poison_slots(arena, max_elems);
	/* Every take out of line, where it can unpoison the slot. */
	arena->h.slow = arena->poison;
	if (flags & ATOMIC_ARENA_PERCPU) {
		if (!create_alloc_fails("batches"))
			arena->h.cpu = alloc_percpu(struct atomic_arena_cpu);
		if (!arena->h.cpu)
			goto fail;
		arena->batch = clamp(max_elems / (4 * num_possible_cpus()),
				     1UL, (unsigned long)ATOMIC_ARENA_BATCH_MAX);
	}

	mutex_lock(&atomic_arena_lock);
	if (find_arena(name)) {
		mutex_unlock(&atomic_arena_lock);
		err = -EEXIST;
		goto fail;
	}
	list_add_tail(&arena->node, &atomic_arena_list);
	atomic_arena_debugfs_add(arena);
	mutex_unlock(&atomic_arena_lock);
	trace_atomic_arena_create(arena);
	return arena;

fail:
	free_arena(arena);
	return ERR_PTR(err);
}
EXPORT_SYMBOL(atomic_arena_create_flags);

/**
 * atomic_arena_destroy() - destroy an arena and free its storage
 * @arena: the arena; NULL and ERR_PTR() values are ignored
 *
 * Waits for readers of the arena's debugfs files to finish, without
 * holding up the creation or destruction of other arenas meanwhile. Until
 * it returns, an arena created under the same name may come without
 * debugfs files (its directory name is still taken).
 *
 * Context: Process context; may sleep. No other call on @arena may be in
 * flight or made afterwards, and no slot may be used afterwards.
 */
void atomic_arena_destroy(struct atomic_arena *arena)
{
	if (IS_ERR_OR_NULL(arena))
		return;

	trace_atomic_arena_destroy(arena);
	mutex_lock(&atomic_arena_lock);
	list_del(&arena->node);
	mutex_unlock(&atomic_arena_lock);
	/* Waits for in-flight reads of the stats file; later ones fail. */
	debugfs_remove_recursive(arena->dir);
	free_arena(arena);
}
EXPORT_SYMBOL(atomic_arena_destroy);

/* debugfs: /sys/kernel/debug/atomic_arena/{arenas,<name>/{stats,data}} */

struct atomic_arena_snapshot {
	unsigned long next;
	unsigned long held;
	unsigned long overshoot_max;
	unsigned long in_use;
	unsigned long high_water;
	unsigned long resets;
	struct atomic_arena_stats sum;
};

static unsigned long racy_read(const unsigned long *counter)
{
	/* Statistics: another CPU's counter, read while it counts. */
	return data_race(*counter);
}

static void snapshot(const struct atomic_arena *arena,
		     struct atomic_arena_snapshot *s)
{
	const struct atomic_arena_stats *c;
	int cpu;

	memset(s, 0, sizeof(*s));
	s->next = atomic_long_read(&arena->h.next);
	s->overshoot_max = atomic_long_read(&arena->overshoot_max);
	s->held = held_slots(arena);
	s->in_use = min(s->next, arena->h.cap);
	s->in_use = s->in_use > s->held ? s->in_use - s->held : 0;
	/* Only written by reset, which may run concurrently: a racy peek. */
	s->high_water = max(READ_ONCE(arena->high_water), s->in_use);
	s->resets = atomic_long_read(&arena->resets);
	for_each_possible_cpu(cpu) {
		c = per_cpu_ptr(arena->h.stats, cpu);
		s->sum.allocs += racy_read(&c->allocs);
		s->sum.alloc_fails += racy_read(&c->alloc_fails);
		s->sum.bulk += racy_read(&c->bulk);
		s->sum.bulk_fails += racy_read(&c->bulk_fails);
		s->sum.holdback_fails += racy_read(&c->holdback_fails);
	}
}

/* The storage's size, which atomic_arena_create() checked fits a size_t. */
static size_t storage_bytes(const struct atomic_arena *arena)
{
	return (size_t)arena->h.cap * arena->h.stride;
}

static int stats_show(struct seq_file *m, void *v)
{
	struct atomic_arena *arena = m->private;
	struct atomic_arena_snapshot s;

	snapshot(arena, &s);
	seq_printf(m, "name:          %s\n", arena->name);
	seq_printf(m, "elem_size:     %zu\n", arena->elem_size);
	seq_printf(m, "stride:        %zu\n", arena->h.stride);
	seq_printf(m, "align:         %zu\n", arena->align);
	seq_printf(m, "capacity:      %lu\n", arena->h.cap);
	seq_printf(m, "in_use:        %lu\n", s.in_use);
	seq_printf(m, "high_water:    %lu\n", s.high_water);
	seq_printf(m, "storage_bytes: %zu\n", storage_bytes(arena));
	seq_printf(m, "allocs:        %lu\n", s.sum.allocs);
	seq_printf(m, "alloc_fails:   %lu\n", s.sum.alloc_fails);
	seq_printf(m, "bulk:          %lu\n", s.sum.bulk);
	seq_printf(m, "bulk_fails:    %lu\n", s.sum.bulk_fails);
	seq_printf(m, "resets:        %lu\n", s.resets);
	seq_printf(m, "next:          %lu\n", s.next);
	seq_printf(m, "overshoot_max: %lu\n", s.overshoot_max);
	seq_printf(m, "mode:          %s\n", arena->h.cpu ? "percpu" : "ordered");
	seq_printf(m, "batch:         %lu\n", arena->h.cpu ? arena->batch : 0);
	seq_printf(m, "held:          %lu\n", s.held);
	seq_printf(m, "holdback_fails: %lu\n", s.sum.holdback_fails);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(stats);

static int arenas_show(struct seq_file *m, void *v)
{
	struct atomic_arena *arena;
	struct atomic_arena_snapshot s;

	seq_puts(m, "# name                            elem_size stride  capacity    in_use high_water storage_bytes     allocs alloc_fails       bulk bulk_fails resets\n");
	mutex_lock(&atomic_arena_lock);
	list_for_each_entry(arena, &atomic_arena_list, node) {
		snapshot(arena, &s);
		seq_printf(m, "%-33s %9zu %6zu %9lu %9lu %10lu %13zu %10lu %11lu %10lu %10lu %6lu\n",
			   arena->name, arena->elem_size, arena->h.stride,
			   arena->h.cap, s.in_use, s.high_water,
			   storage_bytes(arena), s.sum.allocs,
			   s.sum.alloc_fails, s.sum.bulk, s.sum.bulk_fails,
			   s.resets);
	}
	mutex_unlock(&atomic_arena_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(arenas);

/*
 * debugfs <name>/data: the bytes of the slots in use, elem_size a slot, in
 * index order. In the per-CPU mode the slots in CPUs' batches are left
 * out, and each record starts with its slot's index, a native-endian u64.
 * Which slots are in use is taken at open (a snapshot, as len); their
 * bytes are read at read time.
 */
struct data_hole {
	unsigned long start, end;	/* slots [start, end) in a batch */
};

struct data_view {
	struct atomic_arena *arena;
	size_t hdr;			/* bytes of index before each record */
	size_t rec;			/* bytes of each record */
	loff_t size;
	unsigned int nholes;
	struct data_hole holes[];	/* sorted, disjoint, within the slots taken */
};

/*
 * Slots [0, *end) were taken from @next; the batches' free slots among
 * them, sorted and merged, go to @holes (one per CPU at most). Waits for
 * refills in flight, as steal() does, so that no slot taken for a batch
 * but not yet published in it passes for a slot in use.
 */
static unsigned int snapshot_holes(const struct atomic_arena *arena,
				   unsigned long *end, struct data_hole *holes)
{
	unsigned long start, stop;
	unsigned int n, i, m;
	int cpu;
	s64 b;

retry:
	*end = taken(arena);
	/* Full barrier: the counter, then the flags (see refill()). */
	smp_mb();
	for_each_possible_cpu(cpu) {
		/* Acquire: a refill seen done has published its batch. */
		if (smp_load_acquire(&per_cpu_ptr(arena->h.cpu, cpu)->refilling)) {
			cpu_relax();
			goto retry;
		}
	}
	n = 0;
	for_each_possible_cpu(cpu) {
		b = atomic64_read(&per_cpu_ptr(arena->h.cpu, cpu)->batch);
		start = batch_pos(b);
		stop = min(start + batch_left(b), *end);
		if (start >= stop)
			continue;
		/* Insertion sort: one batch per CPU. */
		for (i = n++; i && holes[i - 1].start > start; i--)
			holes[i] = holes[i - 1];
		holes[i] = (struct data_hole){ start, stop };
	}
	/* A reset in between could make batches overlap: merge them. */
	for (i = 1, m = 0; i < n; i++) {
		if (holes[i].start <= holes[m].end)
			holes[m].end = max(holes[m].end, holes[i].end);
		else
			holes[++m] = holes[i];
	}
	return n ? m + 1 : 0;
}

/* The index of the @k-th slot in use of the snapshot. */
static unsigned long record_index(const struct data_view *v, u64 k)
{
	unsigned long idx = k;
	unsigned int i;

	for (i = 0; i < v->nholes && v->holes[i].start <= idx; i++)
		idx += v->holes[i].end - v->holes[i].start;
	return idx;
}

/*
 * A debugfs reader synchronises with nobody: the slot's owner may be
 * writing it, a reset poisoning it (KASAN). The bytes may be stale or
 * torn, never from outside the storage; so neither sanitizer is told
 * (and the caller marks the copy a data_race()). READ_ONCE(): a byte
 * loop that the compiler cannot turn into a call of memcpy(), which
 * KASAN checks.
 */
static __no_kcsan __no_sanitize_address void *copy_racy(void *dst,
							const void *src,
							size_t n)
{
	const unsigned char *s = src;
	unsigned char *d = dst;

	while (n--)
		*d++ = READ_ONCE(*s++);
	return dst;
}

static int data_open(struct inode *inode, struct file *file)
{
	struct atomic_arena *arena = inode->i_private;
	unsigned int nr = arena->h.cpu ? num_possible_cpus() : 0;
	struct data_view *v;
	unsigned long used;
	unsigned int i;

	v = kzalloc(struct_size(v, holes, nr), GFP_KERNEL);
	if (!v)
		return -ENOMEM;
	v->arena = arena;
	if (arena->h.cpu) {
		v->hdr = sizeof(u64);
		v->nholes = snapshot_holes(arena, &used, v->holes);
	} else {
		used = taken(arena);
	}
	/* Slots taken, less those still in batches: the records. */
	for (i = 0; i < v->nholes; i++)
		used -= v->holes[i].end - v->holes[i].start;
	v->rec = v->hdr + arena->elem_size;
	/* At most the storage, plus the indices: no overflow. */
	v->size = (loff_t)used * v->rec;
	file->private_data = v;
	return 0;
}

/* Fills @buf with the snapshot's bytes [@pos, @pos + @n). */
static void data_fill(const struct data_view *v, char *buf, loff_t pos,
		      size_t n)
{
	size_t off, len;
	u64 k, rem, idx;

	while (n) {
		k = div64_u64_rem(pos, v->rec, &rem);
		off = rem;
		len = min(n, v->rec - off);
		idx = record_index(v, k);
		if (off < v->hdr) {
			len = min(len, v->hdr - off);
			memcpy(buf, (char *)&idx + off, len);
		} else {
			/* Racing the slot's owner, by design. */
			data_race(copy_racy(buf, slot(v->arena, idx) + off -
					    v->hdr, len));
		}
		buf += len;
		pos += len;
		n -= len;
	}
}

static ssize_t data_read(struct file *file, char __user *ubuf, size_t count,
			 loff_t *ppos)
{
	const struct data_view *v = file->private_data;
	size_t done = 0, n;
	ssize_t err = 0;
	char *buf;

	if (*ppos < 0)
		return -EINVAL;
	if (*ppos >= v->size)
		return 0;
	count = min_t(loff_t, count, v->size - *ppos);
	buf = kmalloc(min_t(size_t, count, PAGE_SIZE), GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	while (done < count) {
		n = min_t(size_t, count - done, PAGE_SIZE);
		data_fill(v, buf, *ppos + done, n);
		if (copy_to_user(ubuf + done, buf, n)) {
			err = -EFAULT;
			break;
		}
		done += n;
		if (fatal_signal_pending(current))
			break;
		cond_resched();
	}
	kfree(buf);
	*ppos += done;
	return done ? done : err;
}

static loff_t data_llseek(struct file *file, loff_t offset, int whence)
{
	const struct data_view *v = file->private_data;

	return fixed_size_llseek(file, offset, whence, v->size);
}

static int data_release(struct inode *inode, struct file *file)
{
	kfree(file->private_data);
	return 0;
}

static const struct file_operations data_fops = {
	.owner		= THIS_MODULE,
	.open		= data_open,
	.read		= data_read,
	.llseek		= data_llseek,
	.release	= data_release,
};

/* Called with atomic_arena_lock held, so that names are still unique. */
static void atomic_arena_debugfs_add(struct atomic_arena *arena)
{
	/* Failures are harmless: the arena works without its debugfs files. */
	arena->dir = debugfs_create_dir(arena->name, atomic_arena_debugfs_root);
	debugfs_create_file("stats", 0400, arena->dir, arena, &stats_fops);
	debugfs_create_file("data", 0400, arena->dir, arena, &data_fops);
}

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
