// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the arena's API, one call at a time, against a model
 *
 * Each input is a program. Its bytes, read in order by a small cursor,
 * first create an arena, then choose calls until they run out:
 *
 * - atomic_arena_create(), atomic_arena_create_flags() (0, the per-CPU
 *   mode ATOMIC_ARENA_PERCPU, or unknown flags) and the typed wrapper's
 *   fz_arena_create{,_flags}() with a name from a table of good and bad
 *   ones (NULL, "", "a/b", ".", "..", "arenas", "fail_create", 31 and 32
 *   bytes, "f0".."f3", names of live arenas), element sizes, alignments
 *   and capacities from tables of edge values (0, SIZE_MAX, LONG_MAX / 2
 *   and one more, 2^47 and around, ULONG_MAX, 3, 8192, ...) or small
 *   random ones; sometimes with little MemAvailable
 *   (shim_set_mem_available()), or with the k-th allocation of the create
 *   failing (atomic_arena/fail_create: k = 1 the arena, 2 its statistics,
 *   3 its storage, 4 the per-CPU batches, which only a per-CPU arena has);
 * - alloc() with an object or NULL, append() with objects or NULL and
 *   reserve(), with counts of 0, 1, 2, around the room left, the batch
 *   size, a CPU's batch, the capacity and ULONG_MAX, untyped or through
 *   the typed wrapper (fz_arena_alloc() is the inline fast path) on the
 *   arenas whose element is struct fz_elem; reset(), clear(), len(),
 *   cap(), elem_size(), at() at and around len(), the shared counter and
 *   the CPUs' batches, index() of slot starts, of pointers inside a slot,
 *   NULL, below and past the storage, and into another arena;
 *   next_used() and a whole atomic_arena_for_each() walk; writes into
 *   slots in use (padding included, so that the zeroing of the whole
 *   stride by append(NULL) and clear() shows); reads of
 *   atomic_arena/<name>/stats and atomic_arena/arenas in chunks of any
 *   size, and of atomic_arena/<name>/data from any offset, from the start
 *   or the end, in reads of any size; destroy and re-create; another "CPU" (0..FUZZ_CPUS - 1, the
 *   possible CPUs), for the per-CPU counters and batches.
 *
 * A sequential model of each arena says what every call must return: the
 * error of each create, in the order of atomic_arena_create_flags()'s
 * checks (-EINVAL, -EOVERFLOW, -EEXIST, -ENOMEM), every slot's index and
 * address (base + idx * stride, aligned as asked), which slots are handed
 * out, the contents of the whole storage after each call, and every field
 * of debugfs. A per-CPU arena is deterministic with one thread: the model
 * keeps the shared counter and each possible CPU's batch (first free slot,
 * slots left) and takes, refills and steals as the kernel-doc of
 * atomic_arena_create_flags() says, with the batch size of the number of
 * possible CPUs that LLVMFuzzerInitialize() sets. Any difference is
 * printed and abort()ed on, which libFuzzer reports as a crash; so is a
 * leak (shim_allocations() not back where it was once every arena of the
 * input is destroyed) or a debugfs directory left behind. ASan and UBSan
 * watch the rest: names and objects are handed over in buffers of exactly
 * their size, and a name is freed as soon as the create returns.
 *
 * Storage is kept small: MemAvailable is 16 GiB while an input runs, so
 * a larger arena is -ENOMEM before anything is allocated, and a create
 * that the model says would succeed with more than 1 MiB of storage is
 * made with fewer slots instead.
 *
 * Run it (the corpus is build/tools/fuzz/corpus):
 *
 *	make -C tools fuzz			FUZZ_SECONDS=600 by default
 *	make -C tools fuzz FUZZ_SECONDS=60
 *
 * and replay a crash with build/tools/fuzz/fuzz CRASH_FILE; FUZZ_TRACE=1
 * in the environment prints every call as it is made. An input that runs
 * for 10 s (a hang) is reported too, unless -timeout= says otherwise.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/err.h>
#include <linux/fault-inject.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/slab.h>

#include "../../atomic_arena.h"
#include "../shim/shim.h"

#define MAX_ARENAS	4
#define STORAGE_MAX	BIT(20)
#define MEM_PAGES	((long)BIT(22))	/* 16 GiB: MemAvailable in an input */
#define NAME31		"abcdefghijklmnopqrstuvwxyz01234"
#define NAME32		"abcdefghijklmnopqrstuvwxyz012345"
/* The possible CPUs (shim_set_nr_cpus()); calls are made on CPUs below. */
#define FUZZ_CPUS	4
/*
 * Largest per-CPU capacity, as the code checks it: S64_MAX >> 16, so that
 * (slot index << 16) of a batch's first slot, which reaches the capacity,
 * fits in an s64. (The kernel-doc says "at most 2^47 slots": one more.)
 */
#define PERCPU_MAX	(BIT(47) - 1)

/*
 * The typed wrapper's element: 12 bytes without padding, so that the
 * structure copy of fz_arena_alloc() writes what a memcpy() would.
 */
struct fz_elem {
	u32 a;
	u16 b;
	u8 c[6];
};

DEFINE_ATOMIC_ARENA(fz, struct fz_elem);

/* How an arena is created. */
enum create_api {
	API_CREATE,		/* atomic_arena_create() */
	API_FLAGS,		/* atomic_arena_create_flags() */
	API_TYPED,		/* fz_arena_create() */
	API_TYPED_FLAGS,	/* fz_arena_create_flags() */
};

/* The input, read from the front; zeroes once it runs out. */
struct cursor {
	const u8 *p;
	size_t left;
	bool end;
};

static u64 take(struct cursor *c, unsigned int bytes)
{
	u64 v = 0;

	while (bytes--) {
		if (!c->left) {
			c->end = true;
			return v;
		}
		v = v << 8 | *c->p++;
		c->left--;
	}
	return v;
}

static unsigned int take8(struct cursor *c)
{
	return take(c, 1);
}

/* One arena as the model sees it. */
struct model {
	struct atomic_arena *a;		/* NULL: this entry is free */
	char name[ATOMIC_ARENA_NAME_MAX + 1];
	unsigned long seq;		/* creation order: rows of "arenas" */
	size_t elem_size, align, stride;
	unsigned int flags;		/* as created */
	enum create_api api;
	bool percpu;			/* ATOMIC_ARENA_PERCPU */
	unsigned long batch;		/* per-CPU: slots a refill takes */
	unsigned long cap;
	unsigned long next;		/* the shared counter, <= cap here */
	unsigned long len;		/* slots handed out */
	/* Per-CPU: each possible CPU's batch, free slots [pos, pos + left). */
	unsigned long pos[FUZZ_CPUS], left[FUZZ_CPUS];
	unsigned long high_water, resets;
	unsigned long allocs, alloc_fails, bulk, bulk_fails;
	bool *used;			/* per slot: handed out */
	unsigned char *mem;		/* the storage: cap * stride bytes */
	bool *pad_zero;			/* per slot: padding known to be 0 */
	unsigned long pad_unknown;	/* slots whose padding is not */
	uintptr_t base;			/* slot 0, once a slot was taken */
};

static struct model arenas[MAX_ARENAS];
static unsigned long create_seq;
static long mem_pages;
static struct fault_attr *fail_create;
static unsigned int cur_cpu;		/* the calling thread's CPU */
static bool trace;
static unsigned long step;

#define TRACE(fmt, ...) do {						\
	if (trace)							\
		fprintf(stderr, "fuzz: %lu: " fmt "\n", step,		\
			##__VA_ARGS__);					\
} while (0)

/* Prints what differed and aborts: libFuzzer saves the input. */
static void __printf(2, 3) fail(const struct model *m, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "fuzz: MODEL MISMATCH at step %lu", step);
	if (m)
		fprintf(stderr, " (arena '%s': elem_size %zu align %zu",
			m->name, m->elem_size, m->align);
	if (m)
		fprintf(stderr, " stride %zu cap %lu %s batch %lu next %lu len %lu; cpu %u)",
			m->stride, m->cap, m->percpu ? "percpu" : "ordered",
			m->batch, m->next, m->len, cur_cpu);
	fputs(": ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

/* Bytes for objects: a few from the input, stretched by xorshift. */
static void fill(void *buf, size_t len, u64 seed)
{
	unsigned char *p = buf;
	u64 x = seed * 0x9e3779b97f4a7c15ULL + 1;

	while (len--) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		*p++ = x >> 56;
	}
}

/* --- the model of taking slots ---------------------------------------- */

/* Free slots sitting in CPUs' batches. */
static unsigned long m_held(const struct model *m)
{
	unsigned long held = 0;
	int cpu;

	for (cpu = 0; cpu < FUZZ_CPUS; cpu++)
		held += m->left[cpu];
	return held;
}

/* Whether slot @idx is handed out. */
static bool m_used(const struct model *m, unsigned long idx)
{
	return idx < m->cap && m->used[idx];
}

/* The first slot handed out at or after @idx, or the capacity. */
static unsigned long m_next_used(const struct model *m, unsigned long idx)
{
	for (; idx < m->next; idx++)
		if (m->used[idx])
			return idx;
	return m->cap;
}

/* Take @n slots from the front of @cpu's batch, if it has that many. */
static bool m_batch_take(struct model *m, int cpu, unsigned long n,
			 unsigned long *idx)
{
	if (m->left[cpu] < n)
		return false;
	*idx = m->pos[cpu];
	m->pos[cpu] += n;
	m->left[cpu] -= n;
	return true;
}

/* The shared counter is used up: the first CPU's batch with @n slots. */
static bool m_steal(struct model *m, unsigned long n, unsigned long *idx)
{
	int cpu;

	for (cpu = 0; cpu < FUZZ_CPUS; cpu++)
		if (m_batch_take(m, cpu, n, idx))
			return true;
	return false;
}

/*
 * Which @n contiguous slots (n >= 1) a take on the current CPU must get:
 * the first one's index, or the capacity when it must fail. Moves the
 * model's counter and batches, not yet its slots in use (m_hand_out()).
 */
static unsigned long m_take(struct model *m, unsigned long n)
{
	unsigned long idx, k;

	if (!m->percpu || n > 1) {
		/* The shared counter first, all or nothing. */
		if (n <= m->cap - m->next) {
			idx = m->next;
			m->next += n;
			return idx;
		}
		if (m->percpu && n <= m->batch && m_steal(m, n, &idx))
			return idx;
		return m->cap;
	}
	if (m_batch_take(m, cur_cpu, 1, &idx))
		return idx;
	/* Refill: the caller gets the batch's first slot. */
	k = min(m->batch, m->cap - m->next);
	if (k) {
		idx = m->next;
		m->next += k;
		if (k > 1) {
			m->pos[cur_cpu] = idx + 1;
			m->left[cur_cpu] = k - 1;
		}
		return idx;
	}
	return m_steal(m, 1, &idx) ? idx : m->cap;
}

/* Slots [@idx, @idx + @n) are handed out. */
static void m_hand_out(struct model *m, unsigned long idx, unsigned long n)
{
	unsigned long i;

	for (i = idx; i < idx + n; i++) {
		if (m->used[i])
			fail(m, "model: slot %lu handed out twice", i);
		m->used[i] = true;
	}
	m->len += n;
}

/* Every slot free again and every batch empty; @high_water first. */
static void m_reset(struct model *m)
{
	if (m->len > m->high_water)
		m->high_water = m->len;
	memset(m->used, 0, m->next * sizeof(*m->used));
	memset(m->pos, 0, sizeof(m->pos));
	memset(m->left, 0, sizeof(m->left));
	m->next = 0;
	m->len = 0;
	m->resets++;
}

/* The arenas whose element is struct fz_elem: typed calls too. */
static bool m_typed(const struct model *m)
{
	return m->elem_size == sizeof(struct fz_elem) &&
	       m->align == __alignof__(struct fz_elem);
}

static struct fz_arena *typed(const struct model *m)
{
	return (struct fz_arena *)m->a;
}

/* --- create ------------------------------------------------------------ */

struct name_case {
	const char *name;
	bool valid;
};

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

static struct model *find_live(const char *name)
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

static void op_create(struct cursor *c, int mode)
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

/* --- checks --------------------------------------------------------- */

/* The whole storage, slot by slot, against the model. */
static void check_storage(struct model *m)
{
	const unsigned char *p = (const unsigned char *)m->base;
	size_t size = m->elem_size, stride = m->stride;
	unsigned long i;
	size_t j;

	if (!m->base)
		return;		/* no slot handed out yet: no address */
	/* Fast path: no padding, or all of it known. */
	if ((size == stride || !m->pad_unknown) &&
	    !memcmp(p, m->mem, m->cap * stride))
		return;
	for (i = 0; i < m->cap; i++) {
		size_t n = m->pad_zero[i] ? stride : size;

		if (!memcmp(p + i * stride, m->mem + i * stride, n))
			continue;
		for (j = 0; j < n; j++) {
			if (p[i * stride + j] == m->mem[i * stride + j])
				continue;
			fail(m, "slot %lu (%s) byte %zu is 0x%02x, want 0x%02x",
			     i, m->used[i] ? "in use" : "free", j,
			     p[i * stride + j], m->mem[i * stride + j]);
		}
	}
}

static void check_arena(struct model *m)
{
	unsigned long len = atomic_arena_len(m->a);

	/* The model's own books: taken from the counter, less held. */
	if (m->len != m->next - m_held(m))
		fail(m, "model: %lu handed out, %lu held", m->len, m_held(m));
	if (len != m->len)
		fail(m, "len() = %lu, want %lu", len, m->len);
	if (atomic_arena_cap(m->a) != m->cap)
		fail(m, "cap() = %lu", atomic_arena_cap(m->a));
	if (atomic_arena_elem_size(m->a) != m->elem_size)
		fail(m, "elem_size() = %zu", atomic_arena_elem_size(m->a));
	check_storage(m);
}

/*
 * A slot taken at model index @idx came back at @p: learn the base from
 * the first one, check every other against it.
 */
static void check_slot_ptr(struct model *m, const char *what, void *p,
			   unsigned long idx)
{
	uintptr_t want = m->base + idx * m->stride;

	if (!p || IS_ERR(p) || p == ZERO_SIZE_PTR)
		fail(m, "%s = %p, want slot %lu", what, p, idx);
	if ((uintptr_t)p % m->align)
		fail(m, "%s = %p, slot %lu, not aligned to %zu", what, p, idx,
		     m->align);
	if (!m->base) {
		m->base = (uintptr_t)p - idx * m->stride;
		return;
	}
	if ((uintptr_t)p != want)
		fail(m, "%s = %p, want slot %lu at %#lx (base %#lx)", what, p,
		     idx, (unsigned long)want, (unsigned long)m->base);
}

/* --- calls on an arena ------------------------------------------------ */

/* alloc(obj or NULL); fz_arena_alloc(), inline, when @typed_call. */
static void op_alloc(struct cursor *c, struct model *m, bool null,
		     bool typed_call)
{
	bool tc = typed_call && m_typed(m);
	unsigned long idx = m_take(m, 1);
	unsigned char *obj = NULL;
	void *p;

	if (!null) {
		obj = malloc(m->elem_size);
		if (!obj)
			abort();
		fill(obj, m->elem_size, take(c, 2));
	}
	TRACE("%salloc('%s', %s) on cpu %u: want %s%lu", tc ? "fz_arena_" : "",
	      m->name, null ? "NULL" : "obj", cur_cpu,
	      idx < m->cap ? "slot " : "NULL, ", idx);
	if (tc)
		p = fz_arena_alloc(typed(m), (const struct fz_elem *)obj);
	else
		p = atomic_arena_alloc(m->a, obj);
	if (idx == m->cap) {
		if (p)
			fail(m, "alloc() = %p (slot %ld) on a full arena", p,
			     m->base ? (long)(((uintptr_t)p - m->base) /
					      m->stride) : -1L);
		m->alloc_fails++;
	} else {
		check_slot_ptr(m, tc ? "fz_arena_alloc()" : "alloc()", p,
			       idx);
		if (obj)
			memcpy(m->mem + idx * m->stride, obj, m->elem_size);
		else
			memset(m->mem + idx * m->stride, 0, m->elem_size);
		m_hand_out(m, idx, 1);
		m->allocs++;
	}
	free(obj);
}

static unsigned long pick_n(struct cursor *c, const struct model *m)
{
	unsigned long room = m->cap - m->next;

	switch (take8(c) % 16) {
	case 0:
		return 0;
	case 1:
		return 1;
	case 2:
		return 2;
	case 3:
		return room;
	case 4:
		return room + 1;
	case 5:
		return room - 1;	/* ULONG_MAX when full */
	case 6:
		return m->cap;
	case 7:
		return m->cap + 1;
	case 8:
		return ULONG_MAX;
	case 9:
		return LONG_MAX / 2 + 1;
	case 10:
		return m->batch;		/* 0 for an ordered arena */
	case 11:
		return m->batch + 1;
	case 12:
		return m->left[take8(c) % FUZZ_CPUS];
	case 13:
		return m->left[take8(c) % FUZZ_CPUS] + 1;
	default:
		return take8(c) % 70;
	}
}

/*
 * append(objs or NULL, n), or reserve(n) when @reserve; through the typed
 * wrapper when @typed_call.
 */
static void op_bulk(struct cursor *c, struct model *m, bool null,
		    bool reserve, bool typed_call)
{
	bool tc = typed_call && m_typed(m);
	unsigned long n = pick_n(c, m);
	unsigned long idx = n ? m_take(m, n) : m->cap;
	bool ok = idx < m->cap;
	unsigned char *objs = NULL, *slot0;
	size_t size = m->elem_size, len;
	unsigned long i;
	void *p;

	if (!reserve && !null) {
		/* Exactly n objects where they fit in memory, else one. */
		if (__builtin_mul_overflow(n, size, &len) || len > STORAGE_MAX)
			len = size;
		objs = malloc(len ? len : 1);
		if (!objs)
			abort();
		fill(objs, len, take(c, 2));
	}
	TRACE("%s%s('%s', %s, %lu) on cpu %u: want %s %lu",
	      tc ? "fz_arena_" : "", reserve ? "reserve" : "append",
	      m->name, reserve ? "-" : null ? "NULL" : "objs", n, cur_cpu,
	      !n ? "ZERO_SIZE_PTR" : ok ? "slots from" : "NULL", idx);
	if (tc)
		p = reserve ? fz_arena_reserve(typed(m), n) :
			      fz_arena_append(typed(m),
					      (const struct fz_elem *)objs, n);
	else
		p = reserve ? atomic_arena_reserve(m->a, n) :
			      atomic_arena_append(m->a, objs, n);
	if (!n) {
		if (p != ZERO_SIZE_PTR)
			fail(m, "%s(0) = %p, want ZERO_SIZE_PTR",
			     reserve ? "reserve" : "append", p);
	} else if (!ok) {
		if (p)
			fail(m, "%s(%lu) = %p with %lu slots free",
			     reserve ? "reserve" : "append", n, p,
			     m->cap - m->next);
		m->bulk_fails++;
	} else {
		check_slot_ptr(m, reserve ? "reserve()" : "append()", p, idx);
		slot0 = m->mem + idx * m->stride;
		if (reserve) {
			/* The slots keep what they held. */
		} else if (null) {
			/* The code zeroes whole strides, padding included. */
			memset(slot0, 0, n * m->stride);
			for (i = idx; i < idx + n; i++) {
				m->pad_unknown -= !m->pad_zero[i];
				m->pad_zero[i] = true;
			}
		} else {
			for (i = 0; i < n; i++)
				memcpy(slot0 + i * m->stride, objs + i * size,
				       size);
		}
		m_hand_out(m, idx, n);
		m->bulk++;
	}
	free(objs);
}

static void op_reset(struct model *m, bool clear, bool typed_call)
{
	bool tc = typed_call && m_typed(m);
	unsigned long i;

	TRACE("%s%s('%s') with %lu in use, %lu taken", tc ? "fz_arena_" : "",
	      clear ? "clear" : "reset", m->name, m->len, m->next);
	if (clear) {
		if (tc)
			fz_arena_clear(typed(m));
		else
			atomic_arena_clear(m->a);
		/* Every slot taken from the counter, held ones too. */
		memset(m->mem, 0, m->next * m->stride);
		for (i = 0; i < m->next; i++) {
			m->pad_unknown -= !m->pad_zero[i];
			m->pad_zero[i] = true;
		}
	} else if (tc) {
		fz_arena_reset(typed(m));
	} else {
		atomic_arena_reset(m->a);
	}
	m_reset(m);
}

/* The owner of a slot in use writes into it, padding too sometimes. */
static void op_write(struct cursor *c, struct model *m)
{
	unsigned long idx;
	bool pad;
	size_t len;
	void *p;

	if (!m->len)
		return;
	/* A slot in use at or after a random one below the counter. */
	idx = m_next_used(m, take8(c) % m->next);
	if (idx == m->cap)
		idx = m_next_used(m, 0);
	pad = take8(c) & 1 && m->stride > m->elem_size;
	len = pad ? m->stride : m->elem_size;
	p = atomic_arena_at(m->a, idx);
	TRACE("write('%s', slot %lu, %zu bytes)", m->name, idx, len);
	check_slot_ptr(m, "at()", p, idx);
	fill(m->mem + idx * m->stride, len, take(c, 2));
	memcpy(p, m->mem + idx * m->stride, len);
	if (pad && m->pad_zero[idx]) {
		m->pad_zero[idx] = false;
		m->pad_unknown++;
	}
}

static void op_at(struct cursor *c, struct model *m, bool typed_call)
{
	bool tc = typed_call && m_typed(m);
	unsigned long idx;
	int cpu;
	void *p;

	switch (take8(c) % 11) {
	case 0:
	case 1:
		idx = m->next ? take8(c) % m->next : 0;
		break;
	case 2:
		idx = m->next;
		break;
	case 3:
		idx = m->next - 1;	/* ULONG_MAX when empty */
		break;
	case 4:
		idx = m->next + 1;
		break;
	case 5:
		idx = m->cap;
		break;
	case 6:
		idx = ULONG_MAX;
		break;
	case 7:
		/* In a CPU's batch, or its first slot when empty. */
		cpu = take8(c) % FUZZ_CPUS;
		idx = m->pos[cpu] + take8(c) % (m->left[cpu] + 1);
		break;
	case 8:
		/* Just before a CPU's batch. */
		idx = m->pos[take8(c) % FUZZ_CPUS] - 1;
		break;
	case 9:
		idx = m->len;
		break;
	default:
		idx = take(c, 2);
		break;
	}
	TRACE("%sat('%s', %lu)", tc ? "fz_arena_" : "", m->name, idx);
	if (tc)
		p = fz_arena_at(typed(m), idx);
	else
		p = atomic_arena_at(m->a, idx);
	if (m_used(m, idx))
		check_slot_ptr(m, "at()", p, idx);
	else if (p)
		fail(m, "at(%lu) = %p, want NULL (%s)", idx, p,
		     idx < m->next ? "in a batch" : "not taken");
}

/*
 * at() of every slot taken from the counter: which are in use. Before a
 * walk, so that a wrong answer is a mismatch here rather than a walk that
 * never ends (next_used() jumps to where the batch holding a slot ends).
 */
static void check_in_use(struct model *m)
{
	unsigned long i;
	void *p;

	for (i = 0; i < m->next; i++) {
		p = atomic_arena_at(m->a, i);
		if (m->used[i])
			check_slot_ptr(m, "at()", p, i);
		else if (p)
			fail(m, "at(%lu) = %p, want NULL (in a batch)", i, p);
	}
}

/* next_used() from a random, edge or batch index. */
static void op_next_used(struct cursor *c, struct model *m)
{
	unsigned long idx, got, want;
	int cpu;

	switch (take8(c) % 8) {
	case 0:
		idx = 0;
		break;
	case 1:
	case 2:
		idx = take8(c) % (m->next + 2);
		break;
	case 3:
		cpu = take8(c) % FUZZ_CPUS;
		idx = m->pos[cpu] + take8(c) % (m->left[cpu] + 1);
		break;
	case 4:
		idx = m->next;
		break;
	case 5:
		idx = m->cap - 1;
		break;
	case 6:
		idx = m->cap;
		break;
	default:
		idx = ULONG_MAX;
		break;
	}
	want = m_next_used(m, idx);
	TRACE("next_used('%s', %lu): want %lu", m->name, idx, want);
	check_in_use(m);
	got = atomic_arena_next_used(m->a, idx);
	if (got != want)
		fail(m, "next_used(%lu) = %lu, want %lu", idx, got, want);
}

/* A whole atomic_arena_for_each() walk: the slots in use, in order. */
static void op_for_each(struct model *m, bool typed_call)
{
	struct atomic_arena *a = typed_call && m_typed(m) ?
				 fz_arena_untyped(typed(m)) : m->a;
	unsigned long idx, want = m_next_used(m, 0), seen = 0;
	void *pos;

	TRACE("for_each('%s'): want %lu slots", m->name, m->len);
	check_in_use(m);
	atomic_arena_for_each(a, pos, idx) {
		if (idx != want)
			fail(m, "for_each: slot %lu after %lu slots, want %lu",
			     idx, seen, want);
		check_slot_ptr(m, "for_each", pos, idx);
		if (++seen > m->len)
			fail(m, "for_each: more than %lu slots", m->len);
		want = m_next_used(m, idx + 1);
	}
	if (idx < m->cap || want != m->cap || seen != m->len)
		fail(m, "for_each: ended at %lu after %lu slots, want %lu slots (next %lu)",
		     idx, seen, m->len, want);
}

/* The index that the kernel-doc promises for @p, or -EINVAL. */
static long index_expect(const struct model *m, uintptr_t p)
{
	if (!m->base || p < m->base || p - m->base >= m->next * m->stride ||
	    (p - m->base) % m->stride ||
	    !m_used(m, (p - m->base) / m->stride))
		return -EINVAL;
	return (p - m->base) / m->stride;
}

static void op_index(struct cursor *c, struct model *m, bool typed_call)
{
	bool tc = typed_call && m_typed(m);
	uintptr_t base = m->base, p;
	unsigned long i = m->next ? take8(c) % m->next : 0;
	struct model *o;
	long got, want;
	int k;

	switch (take8(c) % 11) {
	case 0:
	case 1:
		p = base + i * m->stride;
		break;
	case 2:
		p = base + i * m->stride + 1 + take8(c) % m->stride;
		break;
	case 3:
		p = 0;
		break;
	case 4:
		p = base - m->stride;
		break;
	case 5:
		p = base + m->next * m->stride;
		break;
	case 6:
		p = base + m->cap * m->stride;
		break;
	case 7:
		/* Into another arena, at one of its slots. */
		o = &arenas[take8(c) % MAX_ARENAS];
		p = o->base + (o->cap ? take8(c) % o->cap : 0) * o->stride;
		break;
	case 8:
		p = base + (int16_t)take(c, 2);
		break;
	case 10:
		/* In a CPU's batch, or its end. */
		k = take8(c) % FUZZ_CPUS;
		p = base + (m->pos[k] + take8(c) % (m->left[k] + 1)) *
			   m->stride;
		break;
	default:
		p = (uintptr_t)&k;
		break;
	}
	want = index_expect(m, p);
	TRACE("%sindex('%s', base + %ld): want %ld", tc ? "fz_arena_" : "",
	      m->name, (long)(p - base), want);
	if (tc)
		got = fz_arena_index(typed(m), (const struct fz_elem *)p);
	else
		got = atomic_arena_index(m->a, (const void *)p);
	if (got != want)
		fail(m, "index(%#lx = base %#lx + %ld) = %ld, want %ld",
		     (unsigned long)p, (unsigned long)base, (long)(p - base),
		     got, want);
	if (want >= 0 && atomic_arena_at(m->a, want) != (void *)p)
		fail(m, "at(index(p)) != p for slot %ld", want);
}

/* --- debugfs -------------------------------------------------------- */

static size_t pick_chunk(struct cursor *c)
{
	unsigned int v = take8(c);

	return v % 4 == 0 ? 0 : v % 61 + 1;
}

static void op_stats(struct cursor *c, struct model *m)
{
	size_t chunk = pick_chunk(c);
	char path[64], *out, *line, *save, key[32], val[64];
	struct {
		const char *key;
		unsigned long want;
		const char *str;	/* or this string */
		bool seen;
	} f[] = {
		{ "name", 0, m->name },
		{ "elem_size", m->elem_size },
		{ "stride", m->stride },
		{ "align", m->align },
		{ "capacity", m->cap },
		{ "in_use", m->len },
		{ "high_water", m->high_water > m->len ?
				m->high_water : m->len },
		{ "storage_bytes", m->cap * m->stride },
		{ "allocs", m->allocs },
		{ "alloc_fails", m->alloc_fails },
		{ "bulk", m->bulk },
		{ "bulk_fails", m->bulk_fails },
		{ "resets", m->resets },
		{ "next", m->next },
		{ "overshoot_max", 0 },
		{ "mode", 0, m->percpu ? "percpu" : "ordered" },
		{ "batch", m->batch },
		{ "held", m_held(m) },
		{ "holdback_fails", 0 },	/* no NMI here */
	};
	unsigned int i;
	int err;

	snprintf(path, sizeof(path), "atomic_arena/%s/stats", m->name);
	TRACE("read %s in chunks of %zu", path, chunk);
	err = shim_debugfs_read(path, chunk, &out);
	if (err)
		fail(m, "reading %s: %d", path, err);
	for (line = strtok_r(out, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (sscanf(line, "%31[^:]: %63s", key, val) != 2)
			fail(m, "stats line \"%s\"", line);
		for (i = 0; i < ARRAY_SIZE(f); i++)
			if (!strcmp(f[i].key, key))
				break;
		if (i == ARRAY_SIZE(f) || f[i].seen)
			fail(m, "stats line \"%s\": unknown or repeated", line);
		f[i].seen = true;
		if (f[i].str ? strcmp(val, f[i].str) :
			       strtoul(val, NULL, 10) != f[i].want ||
			       strspn(val, "0123456789") != strlen(val))
			fail(m, "stats: %s is \"%s\", want %s%lu", key, val,
			     f[i].str ? f[i].str : "", f[i].want);
	}
	for (i = 0; i < ARRAY_SIZE(f); i++)
		if (!f[i].seen)
			fail(m, "stats: no %s line", f[i].key);
	free(out);
}

/*
 * atomic_arena/<name>/data from an offset (from the start, or from the
 * end) in reads of any size: the elements of the slots handed out, in
 * index order, each after its index in the per-CPU mode.
 */
static void op_data(struct cursor *c, struct model *m)
{
	size_t hdr = m->percpu ? sizeof(u64) : 0, size = 0, n, chunk;
	unsigned char *want, *got;
	char path[64];
	long long off;
	unsigned long idx;
	ssize_t r;
	int whence = SEEK_SET;
	u64 i64;

	want = malloc(m->len * (hdr + m->elem_size) + 1);
	for (idx = 0; idx < m->cap; idx++) {
		if (!m->used[idx])
			continue;
		i64 = idx;
		memcpy(want + size, &i64, hdr);
		memcpy(want + size + hdr, m->mem + idx * m->stride,
		       m->elem_size);
		size += hdr + m->elem_size;
	}
	switch (take8(c) % 6) {
	case 0:
		off = 0;
		break;
	case 1:
		off = size;
		break;
	case 2:
		off = size + 1 + take8(c);
		break;
	case 3:
		/* From the end: the last bytes, or before the start. */
		whence = SEEK_END;
		off = -(long long)(take8(c) % (size + 2));
		break;
	default:
		off = size ? take(c, 4) % size : 0;
		break;
	}
	chunk = pick_chunk(c);
	got = malloc(size + 64);
	snprintf(path, sizeof(path), "atomic_arena/%s/data", m->name);
	TRACE("read %s from %lld (whence %d) in chunks of %zu", path, off,
	      whence, chunk);
	r = shim_debugfs_pread(path, off, whence, chunk, got, size + 64);
	if (whence == SEEK_END)
		off += size;
	if (off < 0) {
		if (r != -EINVAL)
			fail(m, "data: a seek to %lld gave %zd, want -EINVAL",
			     off, r);
	} else {
		n = (size_t)off < size ? size - off : 0;
		if (r != (ssize_t)n || memcmp(got, want + off, n))
			fail(m, "data: %zd bytes from %lld, want %zu%s", r, off,
			     n, r == (ssize_t)n ? ", and other bytes" : "");
	}
	free(got);
	free(want);
}

static void op_arenas(struct cursor *c)
{
	size_t chunk = pick_chunk(c);
	unsigned long v[11], want[11], last_seq = 0;
	char *out, *line, *save, name[64];
	bool seen[MAX_ARENAS] = { false }, first = true;
	int i, live = 0, rows = 0;
	struct model *m;

	TRACE("read atomic_arena/arenas in chunks of %zu", chunk);
	if (shim_debugfs_read("atomic_arena/arenas", chunk, &out))
		fail(NULL, "cannot read atomic_arena/arenas");
	line = strtok_r(out, "\n", &save);
	if (!line || strncmp(line, "# name ", 7))
		fail(NULL, "arenas: header \"%s\"", line ? line : "");
	while ((line = strtok_r(NULL, "\n", &save))) {
		if (sscanf(line, "%63s %lu %lu %lu %lu %lu %lu %lu %lu %lu %lu %lu",
			   name, &v[0], &v[1], &v[2], &v[3], &v[4], &v[5],
			   &v[6], &v[7], &v[8], &v[9], &v[10]) != 12)
			fail(NULL, "arenas: row \"%s\"", line);
		m = find_live(name);
		if (!m || seen[m - arenas])
			fail(NULL, "arenas: row \"%s\": no such arena, or twice",
			     line);
		if (!first && m->seq < last_seq)
			fail(m, "arenas: not in creation order");
		first = false;
		last_seq = m->seq;
		seen[m - arenas] = true;
		rows++;
		want[0] = m->elem_size;
		want[1] = m->stride;
		want[2] = m->cap;
		want[3] = m->len;
		want[4] = m->high_water > m->len ? m->high_water : m->len;
		want[5] = m->cap * m->stride;
		want[6] = m->allocs;
		want[7] = m->alloc_fails;
		want[8] = m->bulk;
		want[9] = m->bulk_fails;
		want[10] = m->resets;
		for (i = 0; i < 11; i++)
			if (v[i] != want[i])
				fail(m, "arenas: column %d is %lu, want %lu in \"%s\"",
				     i + 2, v[i], want[i], line);
	}
	for (i = 0; i < MAX_ARENAS; i++)
		live += !!arenas[i].a;
	if (rows != live)
		fail(NULL, "arenas: %d rows, %d live arenas", rows, live);
	free(out);
}

/* --- destroy ---------------------------------------------------------- */

static void destroy_one(struct model *m)
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

static void op_destroy(struct cursor *c, struct model *m)
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
static void op_destroy_nothing(void)
{
	long before = shim_allocations();

	TRACE("destroy(NULL), destroy(ERR_PTR(-EINVAL))");
	atomic_arena_destroy(NULL);
	atomic_arena_destroy(ERR_PTR(-EINVAL));
	if (shim_allocations() != before)
		fail(NULL, "destroy(NULL or error): %ld allocations, %ld before",
		     shim_allocations(), before);
}

/* --- one input ------------------------------------------------------ */

static struct model *pick_live(struct cursor *c)
{
	int i, n = take8(c);

	for (i = 0; i < MAX_ARENAS; i++) {
		struct model *m = &arenas[(n + i) % MAX_ARENAS];

		if (m->a)
			return m;
	}
	return NULL;
}

/*
 * A call that never returns is a bug too (a next_used() that does not
 * advance loops for ever), and an input runs in well under a second: so,
 * unless the command line says otherwise, one that runs for 10 s is
 * reported, not libFuzzer's default 1200 s. libFuzzer reads its flags
 * after LLVMFuzzerInitialize().
 */
static void default_timeout(int *argc, char ***argv)
{
	char **args;
	int i;

	for (i = 1; i < *argc; i++)
		if (!strncmp((*argv)[i], "-timeout=", 9))
			return;
	/* Kept for the life of the process, as libFuzzer keeps argv. */
	args = calloc(*argc + 2, sizeof(*args));
	if (!args)
		abort();
	args[0] = (*argv)[0];
	args[1] = strdup("-timeout=10");
	if (!args[1])
		abort();
	memcpy(args + 2, *argv + 1, (*argc - 1) * sizeof(*args));
	*argv = args;
	(*argc)++;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	default_timeout(argc, argv);
	/* Before any arena: the batch size depends on it. */
	shim_set_nr_cpus(FUZZ_CPUS);
	shim_module_init();
	fail_create = shim_fault_attr("fail_create");
	if (!fail_create) {
		fprintf(stderr, "fuzz: no fail_create fault attribute\n");
		abort();
	}
	fail_create->times = 0;
	trace = getenv("FUZZ_TRACE");
	return 0;
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct cursor c = { data, size, false };
	long before = shim_allocations();
	struct model *m;
	unsigned int op;
	int i;

	step = 0;
	mem_pages = MEM_PAGES;
	shim_set_mem_available(mem_pages);
	cur_cpu = 0;
	shim_set_cpu(0);
	shim_log_clear();

	op_create(&c, take8(&c) % 3);
	while (!c.end) {
		step++;
		op = take8(&c);
		if (c.end)
			break;
		op %= 32;
		if (op < 3) {
			op_create(&c, op);
			continue;
		}
		if (op < 5) {
			/* Another CPU: another batch, and steals from it. */
			cur_cpu = take8(&c) % FUZZ_CPUS;
			TRACE("cpu %u", cur_cpu);
			shim_set_cpu(cur_cpu);
			continue;
		}
		if (op == 5) {
			op_arenas(&c);
			continue;
		}
		if (op == 6) {
			op_destroy_nothing();
			continue;
		}
		m = pick_live(&c);
		if (!m)
			continue;
		switch (op) {
		case 7:
			op_destroy(&c, m);
			continue;
		case 8:
		case 9:
			op_alloc(&c, m, false, false);
			break;
		case 10:
			op_alloc(&c, m, true, false);
			break;
		case 11:
		case 12:
			op_bulk(&c, m, false, false, false);
			break;
		case 13:
			op_bulk(&c, m, true, false, false);
			break;
		case 14:
		case 15:
			op_bulk(&c, m, false, true, false);
			break;
		case 16:
			op_reset(m, false, false);
			break;
		case 17:
			op_reset(m, true, false);
			break;
		case 18:
		case 19:
			op_at(&c, m, false);
			break;
		case 20:
			op_index(&c, m, false);
			break;
		case 21:
			op_write(&c, m);
			break;
		case 22:
		case 23:
			op_stats(&c, m);
			break;
		case 24:
			op_next_used(&c, m);
			break;
		case 25:
			op_for_each(m, false);
			break;
		case 26:
			/* The typed wrapper, where the element fits. */
			op_alloc(&c, m, take8(&c) & 1, true);
			break;
		case 27:
			i = take8(&c) % 3;
			op_bulk(&c, m, i == 1, i == 2, true);
			break;
		case 28:
			i = take8(&c) % 5;
			switch (i) {
			case 0:
				op_at(&c, m, true);
				break;
			case 1:
				op_index(&c, m, true);
				break;
			case 2:
				op_for_each(m, true);
				break;
			default:
				op_reset(m, i == 4, true);
				break;
			}
			break;
		case 29:
			op_data(&c, m);
			break;
		default:
			/* len(), cap() and elem_size(), below. */
			if (m_typed(m) &&
			    (fz_arena_len(typed(m)) != m->len ||
			     fz_arena_cap(typed(m)) != m->cap))
				fail(m, "fz_arena_len() = %lu, fz_arena_cap() = %lu",
				     fz_arena_len(typed(m)),
				     fz_arena_cap(typed(m)));
			break;
		}
		check_arena(m);
	}

	for (i = 0; i < MAX_ARENAS; i++)
		if (arenas[i].a)
			destroy_one(&arenas[i]);
	if (shim_allocations() != before)
		fail(NULL, "leak: %ld allocations after the input, %ld before",
		     shim_allocations(), before);
	op_arenas(&c);
	shim_set_mem_available(-1);
	shim_set_cpu(0);
	return 0;
}
