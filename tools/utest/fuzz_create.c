// SPDX-License-Identifier: GPL-2.0
/*
 * The fuzzer's creates and destroys (fuzz.h): names, element sizes,
 * alignments, capacities and flags from tables of edge values, what each
 * create must return in the order of atomic_arena_create_flags()'s checks,
 * with little MemAvailable or an allocation failed by fault injection;
 * destroy, re-create under the same name, destroy of no arena.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/err.h>
#include <linux/fault-inject.h>
#include <linux/mm.h>

#include "fuzz.h"

static const struct name_case names[] = {
	{ NULL, false },	{ "", false },		{ "a/b", false },
	{ "/", false },		{ "f0/", false },	{ ".", false },
	{ "..", false },	{ "...", true },	{ "arenas", false },
	{ "arena", true },	{ "fail_create", false },
	{ "fail_create0", true }, { NAME32, false },	{ NAME31, true },
	{ "f0", true },		{ "f1", true },		{ "f2", true },
	{ "f3", true },
};

static const size_t elem_sizes[] = {
	0, 1, 3, 8, 16, 24, 100, 4096, 5000, SIZE_MAX, SIZE_MAX / 2,
	SIZE_MAX / 2 + 1, SIZE_MAX - 7, SIZE_MAX - 4095,
};

static const size_t aligns[] = {
	0, 1, 2, 3, 4, 8, 16, 24, 64, 2048, 4096, 8192, SIZE_MAX / 2 + 1,
};

static const unsigned long max_elems[] = {
	0, 1, 2, 3, 64, 1000, 4096, LONG_MAX / 2, LONG_MAX / 2 + 1,
	LONG_MAX, ULONG_MAX, ULONG_MAX / 4096, PERCPU_MAX, PERCPU_MAX + 1,
	PERCPU_MAX + 2, 4 * FUZZ_CPUS - 1, 4 * FUZZ_CPUS,
	4 * FUZZ_CPUS * ATOMIC_ARENA_BATCH_MAX,
	4 * FUZZ_CPUS * ATOMIC_ARENA_BATCH_MAX + 4 * FUZZ_CPUS,
};

/* Unknown flags: -EINVAL, with or without ATOMIC_ARENA_PERCPU. */
static const unsigned int bad_flags[] = {
	0x2, 0x3, 0x4, 0x100, 0x80000000U, 0x80000001U, ~0U,
};

static const long low_mem_pages[] = { 0, 1, 2, 3, 16, 255 };

static size_t pick_elem_size(struct cursor *c)
{
	unsigned int v = take8(c);

	if (v % 4 == 0)
		return elem_sizes[(v / 4) % ARRAY_SIZE(elem_sizes)];
	return take8(c) % 100 + 1;
}

static unsigned long pick_max_elems(struct cursor *c)
{
	unsigned int v = take8(c);

	if (v % 4 == 0)
		return max_elems[(v / 4) % ARRAY_SIZE(max_elems)];
	/* Sometimes large enough for batches of ATOMIC_ARENA_BATCH_MAX. */
	if (v % 4 == 1)
		return take(c, 2) % 4200 + 1;
	return take8(c) % 64 + 1;
}

static unsigned int pick_flags(struct cursor *c)
{
	unsigned int v = take8(c);

	if (v % 8 < 3)
		return 0;
	if (v % 8 < 7)
		return ATOMIC_ARENA_PERCPU;
	return bad_flags[(v / 8) % ARRAY_SIZE(bad_flags)];
}

struct model *find_live(const char *name)
{
	int i;

	for (i = 0; i < MAX_ARENAS; i++)
		if (arenas[i].a && !strcmp(arenas[i].name, name))
			return &arenas[i];
	return NULL;
}

/*
 * What atomic_arena_create_flags() must return, from its kernel-doc, when
 * no allocation fails: 0 or an error. Sizes in 128 bits, so that the model
 * needs no overflow checks.
 */
static int create_expect(const struct name_case *nc, size_t elem_size,
			 size_t align, unsigned long max, unsigned int flags,
			 __uint128_t *stride, __uint128_t *bytes)
{
	bool align_ok = false;
	int k;

	for (k = 0; k <= PAGE_SHIFT; k++)
		align_ok |= align == 1UL << k;
	*stride = 0;
	*bytes = 0;
	if (!nc->valid || !elem_size || !max || !align_ok ||
	    (flags & ~ATOMIC_ARENA_PERCPU))
		return -EINVAL;
	*stride = ((__uint128_t)elem_size + align - 1) / align * align;
	*bytes = *stride * max;
	if (max > LONG_MAX / 2 ||
	    ((flags & ATOMIC_ARENA_PERCPU) && max > PERCPU_MAX) ||
	    *stride > SIZE_MAX || *bytes > SIZE_MAX)
		return -EOVERFLOW;
	if (find_live(nc->name))
		return -EEXIST;
	/* Whole pages of storage, rounded up, against MemAvailable. */
	if ((*bytes + PAGE_SIZE - 1) / PAGE_SIZE > (unsigned long)mem_pages)
		return -ENOMEM;
	return 0;
}

static const char *const fault_what[] = {
	NULL, "arena", "stats", "storage", "batches",
};

static struct atomic_arena *call_create(const char *name, size_t elem_size,
					size_t align, unsigned long max,
					unsigned int flags,
					enum create_api api)
{
	switch (api) {
	case API_CREATE:
		return atomic_arena_create(name, elem_size, align, max);
	case API_FLAGS:
		return atomic_arena_create_flags(name, elem_size, align, max,
						 flags);
	case API_TYPED:
		return fz_arena_untyped(fz_arena_create(name, max));
	default:
		return fz_arena_untyped(fz_arena_create_flags(name, max,
							      flags));
	}
}

/* @api API_CREATE and API_TYPED take no flags: @flags is 0 then. */
static void create_one(const struct name_case *nc, size_t elem_size,
		       size_t align, unsigned long max, unsigned int flags,
		       enum create_api api, int fault)
{
	bool percpu = flags & ATOMIC_ARENA_PERCPU, fires;
	int nallocs = 2 + percpu;	/* statistics, storage, batches */
	__uint128_t stride, bytes;
	struct atomic_arena *a;
	struct model *m = NULL;
	long before = shim_allocations();
	char *name = NULL, what[64];
	int i, want;

	for (i = 0; i < MAX_ARENAS && !m; i++)
		if (!arenas[i].a)
			m = &arenas[i];
	want = create_expect(nc, elem_size, align, max, flags, &stride,
			     &bytes);
	if (!want && bytes > STORAGE_MAX) {
		/* Too big for the fuzzer: fewer slots, or none at all. */
		if (stride > STORAGE_MAX)
			return;
		max = STORAGE_MAX / stride;
		want = create_expect(nc, elem_size, align, max, flags,
				     &stride, &bytes);
	}
	/*
	 * The fault fires only once the cheap checks have passed, and only
	 * for an allocation that the create makes: the batches are the
	 * per-CPU mode's.
	 */
	fires = !want && fault && (fault <= 3 || percpu);
	if (fires)
		want = -ENOMEM;
	if (!want && !m)
		return;		/* every entry in use */

	TRACE("create(\"%s\", %zu, %zu, %lu, %#x) api %d mem_pages %ld fault %d: want %d",
	      nc->name ? nc->name : "(null)", elem_size, align, max, flags,
	      api, mem_pages, fault, want);
	if (fault) {
		fail_create->probability = 100;
		fail_create->space = fault;
		fail_create->times = 1;
	}
	shim_log_clear();
	if (nc->name) {
		/* Its own buffer, freed at once: the arena must copy it. */
		name = strdup(nc->name);
		if (!name)
			abort();
	}
	a = call_create(name, elem_size, align, max, flags, api);
	free(name);
	if (fault) {
		long times = fail_create->times;

		fail_create->times = 0;
		fail_create->space = 0;
		snprintf(what, sizeof(what), "failing the %s allocation",
			 fault_what[fault]);
		if (fires) {
			if (times != 0 || !shim_log_contains(what))
				fail(NULL, "create(\"%s\"): no \"%s\" (times %ld)",
				     nc->name, what, times);
		} else if (times != 1 || shim_log_contains("fail_create")) {
			fail(NULL, "create(\"%s\") = %d, fail_create fired",
			     nc->name ? nc->name : "(null)", want);
		}
	}

	if (want) {
		if (!IS_ERR(a))
			fail(find_live(nc->name ? nc->name : ""),
			     "create(\"%s\", %zu, %zu, %lu) = %p, want error %d",
			     nc->name ? nc->name : "(null)", elem_size, align,
			     max, a, want);
		if (PTR_ERR(a) != want)
			fail(NULL, "create(\"%s\", %zu, %zu, %lu) = %ld, want %d",
			     nc->name ? nc->name : "(null)", elem_size, align,
			     max, PTR_ERR(a), want);
		if (shim_allocations() != before)
			fail(NULL, "create(\"%s\", %zu, %zu, %lu) = %d: leak %ld",
			     nc->name ? nc->name : "(null)", elem_size, align,
			     max, want, shim_allocations() - before);
		return;
	}

	if (IS_ERR_OR_NULL(a))
		fail(NULL, "create(\"%s\", %zu, %zu, %lu, %#x) = %ld, want an arena",
		     nc->name, elem_size, align, max, flags, PTR_ERR(a));
	if (shim_allocations() != before + nallocs)
		fail(NULL, "create(\"%s\"): %ld allocations, want %ld (storage, statistics%s)",
		     nc->name, shim_allocations(), before + nallocs,
		     percpu ? ", batches" : "");
	memset(m, 0, sizeof(*m));
	m->a = a;
	snprintf(m->name, sizeof(m->name), "%s", nc->name);
	m->seq = create_seq++;
	m->elem_size = elem_size;
	m->align = align;
	m->stride = stride;
	m->flags = flags;
	m->api = api;
	m->percpu = percpu;
	/* A quarter of the capacity per possible CPU, at most the max. */
	if (percpu) {
		m->batch = max / (4 * FUZZ_CPUS);
		if (m->batch < 1)
			m->batch = 1;
		if (m->batch > ATOMIC_ARENA_BATCH_MAX)
			m->batch = ATOMIC_ARENA_BATCH_MAX;
	}
	m->cap = max;
	m->mem = calloc(bytes, 1);
	m->pad_zero = malloc(max * sizeof(*m->pad_zero));
	m->used = calloc(max, sizeof(*m->used));
	if (!m->mem || !m->pad_zero || !m->used)
		abort();
	memset(m->pad_zero, 1, max * sizeof(*m->pad_zero));
	snprintf(what, sizeof(what), "atomic_arena/%s/stats", m->name);
	if (!shim_debugfs_exists(what))
		fail(m, "no %s after create", what);
}

void op_create(struct cursor *c, int mode)
{
	const struct name_case *nc = &names[take8(c) % ARRAY_SIZE(names)];
	unsigned int flags = pick_flags(c), v = take8(c) % 8;
	enum create_api api = v == 0 ? API_CREATE : v == 1 ? API_TYPED :
			      v < 6 ? API_FLAGS : API_TYPED_FLAGS;
	size_t elem_size = sizeof(struct fz_elem);
	size_t align = __alignof__(struct fz_elem);
	unsigned long max;
	int fault = 0, i;

	if (api == API_CREATE || api == API_FLAGS) {
		elem_size = pick_elem_size(c);
		align = aligns[take8(c) % ARRAY_SIZE(aligns)];
	}
	if (api == API_CREATE || api == API_TYPED)
		flags = 0;
	max = pick_max_elems(c);

	/* All entries taken: try a live name, for -EEXIST. */
	for (i = 0; i < MAX_ARENAS && arenas[i].a; i++)
		;
	if (i == MAX_ARENAS) {
		static struct name_case live;

		live.name = arenas[take8(c) % MAX_ARENAS].name;
		live.valid = true;
		nc = &live;
	}
	if (mode == 1) {
		fault = take8(c) % 4 + 1;
	} else if (mode == 2) {
		mem_pages = low_mem_pages[take8(c) % ARRAY_SIZE(low_mem_pages)];
		shim_set_mem_available(mem_pages);
	}
	create_one(nc, elem_size, align, max, flags, api, fault);
	if (mode == 2) {
		mem_pages = MEM_PAGES;
		shim_set_mem_available(mem_pages);
	}
}

/* --- destroy ---------------------------------------------------------- */

void destroy_one(struct model *m)
{
	long before = shim_allocations(), after = before - 2 - m->percpu;
	char path[64], *out;

	TRACE("destroy('%s')", m->name);
	check_arena(m);
	if (m->api >= API_TYPED)
		fz_arena_destroy(typed(m));
	else
		atomic_arena_destroy(m->a);
	if (shim_allocations() != after)
		fail(m, "destroy: %ld allocations, want %ld",
		     shim_allocations(), after);
	snprintf(path, sizeof(path), "atomic_arena/%s", m->name);
	if (shim_debugfs_exists(path))
		fail(m, "%s still there after destroy", path);
	strcat(path, "/stats");
	if (shim_debugfs_read(path, 0, &out) != -ENOENT)
		fail(m, "%s still readable after destroy", path);
	free(m->mem);
	free(m->pad_zero);
	free(m->used);
	memset(m, 0, sizeof(*m));
}

void op_destroy(struct cursor *c, struct model *m)
{
	struct name_case nc = { NULL, true };
	size_t elem_size = m->elem_size, align = m->align;
	unsigned long cap = m->cap;
	unsigned int flags = m->flags;
	enum create_api api = m->api;
	char name[ATOMIC_ARENA_NAME_MAX + 1];

	snprintf(name, sizeof(name), "%s", m->name);
	destroy_one(m);
	if (take8(c) & 1) {
		/* The name is free again: the same arena once more. */
		nc.name = name;
		create_one(&nc, elem_size, align, cap, flags, api, 0);
		if (!find_live(name))
			fail(NULL, "re-create of '%s' failed", name);
	}
}

/* NULL and error pointers are no arena: nothing happens. */
void op_destroy_nothing(void)
{
	long before = shim_allocations();

	TRACE("destroy(NULL), destroy(ERR_PTR(-EINVAL))");
	atomic_arena_destroy(NULL);
	atomic_arena_destroy(ERR_PTR(-EINVAL));
	if (shim_allocations() != before)
		fail(NULL, "destroy(NULL or error): %ld allocations, %ld before",
		     shim_allocations(), before);
}
