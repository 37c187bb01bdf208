// SPDX-License-Identifier: GPL-2.0
/*
 * The per-CPU mode's batches: how a CPU takes
 * slots from its batch, refills it from the shared counter, and steals from
 * other CPUs' batches once the counter is used up
 *
 * Part of atomic_arena.c, which includes it (one translation unit, as
 * mm/percpu.c includes percpu-vm.c): it is not built on its own, and it
 * uses atomic_arena.c's definitions and helpers as they stand at the
 * #include.
 */

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
