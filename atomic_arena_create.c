// SPDX-License-Identifier: GPL-2.0
/*
 * Creation and destruction of arenas: names, the list of
 * live arenas, atomic_arena_create() and atomic_arena_destroy()
 *
 * Part of atomic_arena.c, which includes it (one translation unit, as
 * mm/percpu.c includes percpu-vm.c): it is not built on its own, and it
 * uses atomic_arena.c's definitions and helpers as they stand at the
 * #include.
 */

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
