// SPDX-License-Identifier: GPL-2.0
/*
 * The native benchmark: how many elements per second the arena hands out
 * to threads that all allocate from it at once, against what one shared
 * counter can do at best, against the Go original's scheme, against glibc
 * malloc and against no sharing at all.
 *
 * Method
 * ------
 * For each element size, each thread count and each round, every case
 * runs once, in turn, so that drift (frequency, other load) spreads over
 * all of them alike. One run:
 *
 * - Set up, untimed: the shared object the case allocates from, sized for
 *   the run (capacity elements of the size's stride, the size rounded up
 *   to 8 bytes): an arena created now, or for the cases that bump a
 *   counter of their own, a buffer mapped and populated as the shim's
 *   vmalloc maps the arena's storage, so that neither takes page faults.
 * - One thread per CPU, pinned (distinct physical cores first, then SMT
 *   siblings, wrapping round when there are more threads than CPUs), each
 *   its own shim "CPU" for the per-CPU statistics. They meet at a spinning
 *   start barrier; the last to arrive reads CLOCK_MONOTONIC and releases
 *   the others. Each then allocates, copying an element into every slot it
 *   gets, until it gets nothing, and reads the clock again.
 * - Wall time is from the release to the last thread done; throughput is
 *   the elements allocated by all threads over the wall time, in Mops/s.
 *   The arena is destroyed (the buffer unmapped, malloc's blocks freed)
 *   after the timing.
 *
 * Cases:
 *   limit       a relaxed fetch-add on a counter alone on its cache line,
 *               the bounds check and the copy, inlined in the loop: the
 *               floor for anything built on one shared counter.
 *   alloc       atomic_arena_alloc(a, &elem).
 *   alloc_null  atomic_arena_alloc(a, NULL): the slot zeroed instead.
 *   append16    atomic_arena_append(a, elems, 16): 16 elements a call.
 *   go          the Go original's scheme, inlined: fetch-add, and on an
 *               index past the end a fetch-sub and failure; the copy.
 *   malloc      glibc malloc() and the copy, each thread its share of the
 *               capacity; the blocks are freed after the timing.
 *   private     no sharing: each thread bumps a pointer of its own through
 *               its own contiguous part of one buffer, with the copy.
 *   full        threads fill an empty arena with atomic_arena_alloc(), then
 *               keep calling it on the full arena until -T seconds after
 *               the first failure: the failed calls per second, all threads
 *               together, from the first failure to the last thread done;
 *               and, read from debugfs after the threads stop, the
 *               counter's final and highest excess over the capacity
 *               (final must be 0). Filling first is what makes the counter
 *               overshoot, as callers race for the last slots.
 *
 * The copy in limit, go, malloc and private is __builtin_memcpy() with the
 * size a compile-time constant (a switch on the size picks the loop), the
 * fastest honest inline copy; the arena copies as the kernel does, with
 * its own memcpy()/memset() (tools/shim/string.c).
 *
 * Each (case, size, threads) is one CSV row: the median over the rounds,
 * and the lowest and the highest; for full, the median failed calls per
 * second, and next_final and overshoot_max, the counter's final and
 * highest excess over the capacity in the worst round. Every run also
 * checks that the threads got exactly the capacity between them (append16:
 * rounded down to 16), and full that no call succeeded after a failure; a
 * warning goes to stderr otherwise.
 *
 * Usage: ubench [-t threads] [-s sizes] [-r rounds] [-c cases] [-o csv]
 *               [-n capacity] [-T seconds] [-q]
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <linux/cache.h>
#include <linux/err.h>

#include "../../atomic_arena.h"
#include "../shim/shim.h"

/* Shim "CPU" 0 is the main thread; workers are 1..MAX_THREADS. */
#define MAX_THREADS	255
#define MAX_SIZES	32
#define ELEM_ALIGN	8
#define APPEND_N	16
#define ARENA_NAME	"ubench"
#define CACHELINE	SMP_CACHE_BYTES

enum bench_case {
	C_LIMIT,
	C_ALLOC,
	C_ALLOC_NULL,
	C_APPEND16,
	C_GO,
	C_MALLOC,
	C_PRIVATE,
	C_FULL,
	C_PERCPU,
	C_TYPED,
	C_TYPED_PERCPU,
	C_FULL_PERCPU,
	NR_CASES
};

static const char *const case_names[NR_CASES] = {
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

/* The per-CPU mode's cases: their arena is created with ATOMIC_ARENA_PERCPU. */
static bool percpu_case(enum bench_case c)
{
	return c == C_PERCPU || c == C_TYPED_PERCPU || c == C_FULL_PERCPU;
}

static bool full_case(enum bench_case c)
{
	return c == C_FULL || c == C_FULL_PERCPU;
}

/* One timed run: what the threads share. */
struct run {
	enum bench_case bcase;
	size_t size;
	size_t stride;
	unsigned long cap;
	unsigned int nthreads;
	double full_seconds;
	struct atomic_arena *arena;
	char *buf;		/* limit, go, private */
	size_t buf_len;
	struct timespec t0;	/* release */
	long full_start;	/* full: first failure, in ns */

	/* The start barrier, on lines of its own. */
	unsigned int ready ____cacheline_aligned_in_smp;
	unsigned int go ____cacheline_aligned_in_smp;
	unsigned int done ____cacheline_aligned_in_smp;
};

struct worker {
	pthread_t thread;
	struct run *run;
	unsigned int id;		/* 0 .. nthreads - 1 */
	int cpu;
	char *src;			/* APPEND_N elements to copy */
	void **ptrs;			/* malloc's blocks */
	unsigned long share;		/* malloc: blocks to allocate */
	unsigned long count;		/* elements allocated */
	unsigned long fails;		/* full: failed calls */
	unsigned long late;		/* full: successes after a failure */
	struct timespec t_end;
} ____cacheline_aligned_in_smp;

/* The shared counter of limit and go: alone on its cache line. */
static struct {
	unsigned long v;
} counter ____cacheline_aligned_in_smp;

/* One round's result for one case. */
struct sample {
	double mops;
	double fails_mps;
	long next_excess;
	long overshoot_max;
};

/* Options. */
static unsigned int threads_list[MAX_THREADS];
static unsigned int nr_threads_list;
static size_t sizes[MAX_SIZES];
static unsigned int nr_sizes;
static bool run_case[NR_CASES];
static unsigned int rounds;
static double full_seconds = -1;
static unsigned long cap_opt;
static bool quick;

static int cpus[CPU_SETSIZE];
static unsigned int nr_cpus;
static char cpu_model[256] = "unknown";

static struct worker workers[MAX_THREADS];

static __printf(1, 2) void die(const char *fmt, ...)
{
	va_list ap;

	fputs("ubench: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

static double ts_diff(const struct timespec *a, const struct timespec *b)
{
	return (b->tv_sec - a->tv_sec) + (b->tv_nsec - a->tv_nsec) / 1e9;
}

static void now(struct timespec *ts)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
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

static long ts_ns(const struct timespec *ts)
{
	return ts->tv_sec * 1000000000L + ts->tv_nsec;
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

static void *worker_fn(void *arg)
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

/* The storage of limit, go and private: mapped as the shim's vmalloc. */
static void *map_buffer(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE |
		       MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED)
		die("mmap of %zu bytes: %s", len, strerror(errno));
	return p;
}

/* "key: value" from the arena's debugfs stats. */
static long stat_field(const char *key)
{
	long v = shim_arena_stat(ARENA_NAME, key);

	if (v < 0)
		die("no '%s' in the arena's stats", key);
	return v;
}

static void run_once(enum bench_case bcase, size_t size, size_t stride,
		     unsigned long cap, unsigned int nthreads,
		     struct sample *s)
{
	static struct run run;
	struct run *r = &run;
	unsigned long total = 0, expect = cap, late = 0, fails = 0;
	long end_ns = 0;
	double wall = 0;
	pthread_attr_t attr;
	cpu_set_t set;
	unsigned int i;
	int err;

	memset(r, 0, sizeof(*r));
	r->bcase = bcase;
	r->size = size;
	r->stride = stride;
	r->cap = cap;
	r->nthreads = nthreads;
	r->full_seconds = full_seconds;

	switch (bcase) {
	case C_ALLOC:
	case C_ALLOC_NULL:
	case C_APPEND16:
	case C_FULL:
	case C_PERCPU:
	case C_TYPED:
	case C_TYPED_PERCPU:
	case C_FULL_PERCPU:
		r->arena = atomic_arena_create_flags(ARENA_NAME, size,
			ELEM_ALIGN, cap,
			percpu_case(bcase) ? ATOMIC_ARENA_PERCPU : 0);
		if (IS_ERR(r->arena))
			die("atomic_arena_create(%zu, %lu): %ld", size, cap,
			    PTR_ERR(r->arena));
		if (bcase == C_APPEND16)
			expect = cap / APPEND_N * APPEND_N;
		break;
	case C_LIMIT:
	case C_GO:
	case C_PRIVATE:
		r->buf_len = cap * stride;
		r->buf = map_buffer(r->buf_len);
		__atomic_store_n(&counter.v, 0, __ATOMIC_RELAXED);
		break;
	case C_MALLOC:
		break;
	default:
		abort();
	}

	for (i = 0; i < nthreads; i++) {
		struct worker *w = &workers[i];

		w->run = r;
		w->id = i;
		w->cpu = cpus[i % nr_cpus];
		w->count = 0;
		w->fails = 0;
		w->late = 0;
		if (bcase == C_MALLOC) {
			w->share = cap * (i + 1) / nthreads - cap * i / nthreads;
			/* Touched now, so that the timing takes no faults. */
			w->ptrs = malloc((w->share + 1) * sizeof(*w->ptrs));
			if (!w->ptrs)
				die("out of memory");
			memset(w->ptrs, 0, (w->share + 1) * sizeof(*w->ptrs));
		}
	}

	for (i = 0; i < nthreads; i++) {
		struct worker *w = &workers[i];

		pthread_attr_init(&attr);
		CPU_ZERO(&set);
		CPU_SET(w->cpu, &set);
		pthread_attr_setaffinity_np(&attr, sizeof(set), &set);
		err = pthread_create(&w->thread, &attr, worker_fn, w);
		if (err)
			die("pthread_create: %s", strerror(err));
		pthread_attr_destroy(&attr);
	}
	for (i = 0; i < nthreads; i++) {
		struct worker *w = &workers[i];
		double t;

		pthread_join(w->thread, NULL);
		t = ts_diff(&r->t0, &w->t_end);
		if (t > wall)
			wall = t;
		total += w->count;
		late += w->late;
		fails += w->fails;
		if (ts_ns(&w->t_end) > end_ns)
			end_ns = ts_ns(&w->t_end);
	}

	memset(s, 0, sizeof(*s));
	/* A run too short for the clock counts as 1 ns. */
	if (wall <= 0)
		wall = 1 / 1e9;
	s->mops = total / wall / 1e6;
	if (total != expect)
		fprintf(stderr,
			"ubench: WARNING: %s, size %zu, %u threads: %lu elements allocated, expected %lu\n",
			case_names[bcase], size, nthreads, total, expect);

	if (full_case(bcase)) {
		wall = (end_ns - r->full_start) / 1e9;
		s->fails_mps = fails / wall / 1e6;
		if (late)
			fprintf(stderr,
				"ubench: WARNING: full, size %zu, %u threads: %lu calls succeeded after a failure\n",
				size, nthreads, late);
		s->next_excess = stat_field("next") - (long)cap;
		s->overshoot_max = stat_field("overshoot_max");
		if (s->next_excess)
			fprintf(stderr,
				"ubench: WARNING: full, size %zu, %u threads: next is %ld, not the capacity %lu\n",
				size, nthreads, (long)cap + s->next_excess,
				cap);
	}

	atomic_arena_destroy(r->arena);
	if (r->buf)
		munmap(r->buf, r->buf_len);
	if (bcase == C_MALLOC)
		for (i = 0; i < nthreads; i++) {
			free(workers[i].ptrs);
			workers[i].ptrs = NULL;
		}
}

/* --- the machine --------------------------------------------------------- */

static void read_cpu_model(void)
{
	char line[512], *p, *q;
	FILE *f = fopen("/proc/cpuinfo", "r");

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "model name", 10))
			continue;
		p = strchr(line, ':');
		if (!p)
			continue;
		for (p++; isspace((unsigned char)*p); p++)
			;
		/* Commas and quotes would break the CSV: dropped. */
		for (q = cpu_model; *p && *p != '\n' &&
		     q < cpu_model + sizeof(cpu_model) - 1; p++)
			if (*p != ',' && *p != '"')
				*q++ = *p;
		while (q > cpu_model && isspace((unsigned char)q[-1]))
			q--;
		*q = 0;
		break;
	}
	fclose(f);
}

/*
 * Rank of @cpu among its SMT siblings (0 for the first thread of a core),
 * from sysfs; 0 when unknown.
 */
static int smt_rank(int cpu)
{
	char path[128], list[256], *p = list, *end;
	long a, b;
	int rank = 0;
	FILE *f;

	snprintf(path, sizeof(path),
		 "/sys/devices/system/cpu/cpu%d/topology/thread_siblings_list",
		 cpu);
	f = fopen(path, "r");
	if (!f)
		return 0;
	if (!fgets(list, sizeof(list), f))
		list[0] = 0;
	fclose(f);
	while (*p) {
		a = strtol(p, &end, 10);
		if (end == p)
			break;
		b = a;
		p = end;
		if (*p == '-') {
			b = strtol(p + 1, &end, 10);
			p = end;
		}
		for (; a <= b; a++)
			if (a < cpu)
				rank++;
		if (*p == ',')
			p++;
	}
	return rank;
}

/* The CPUs we may run on, first threads of cores first. */
static void read_cpus(void)
{
	int rank[CPU_SETSIZE], cpu, r, max_rank = 0;
	cpu_set_t set;

	if (sched_getaffinity(0, sizeof(set), &set))
		die("sched_getaffinity: %s", strerror(errno));
	for (cpu = 0; cpu < CPU_SETSIZE; cpu++) {
		if (!CPU_ISSET(cpu, &set))
			continue;
		rank[cpu] = smt_rank(cpu);
		if (rank[cpu] > max_rank)
			max_rank = rank[cpu];
	}
	for (r = 0; r <= max_rank; r++)
		for (cpu = 0; cpu < CPU_SETSIZE; cpu++)
			if (CPU_ISSET(cpu, &set) && rank[cpu] == r)
				cpus[nr_cpus++] = cpu;
	if (!nr_cpus)
		die("no CPU to run on");
}

/* --- options and output --------------------------------------------------- */

static unsigned long parse_num(const char *s, const char *what,
			       unsigned long lo, unsigned long hi)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		die("bad %s '%s' (%lu..%lu)", what, s, lo, hi);
	return v;
}

/* Splits a comma-separated list, calling @fn on each item. */
static void parse_list(const char *arg, void (*fn)(const char *item))
{
	char *copy = strdup(arg), *item, *save = NULL;

	if (!copy)
		die("out of memory");
	for (item = strtok_r(copy, ",", &save); item;
	     item = strtok_r(NULL, ",", &save))
		fn(item);
	free(copy);
}

static void add_threads(const char *item)
{
	if (nr_threads_list == MAX_THREADS)
		die("too many thread counts");
	threads_list[nr_threads_list++] =
		parse_num(item, "thread count", 1, MAX_THREADS);
}

static void add_size(const char *item)
{
	if (nr_sizes == MAX_SIZES)
		die("too many element sizes");
	sizes[nr_sizes++] = parse_num(item, "element size", 1, 1 << 20);
}

static void add_case(const char *item)
{
	int c;

	if (!strcmp(item, "all")) {
		for (c = 0; c < NR_CASES; c++)
			run_case[c] = true;
		return;
	}
	for (c = 0; c < NR_CASES; c++) {
		if (!strcmp(item, case_names[c])) {
			run_case[c] = true;
			return;
		}
	}
	die("unknown case '%s'", item);
}

static void print_usage(void)
{
	int c;

	fprintf(stderr,
		"usage: ubench [-t threads] [-s sizes] [-r rounds] [-c cases] [-o csv]\n"
		"              [-n capacity] [-T seconds] [-q]\n"
		"  -t LIST  thread counts (default 1,2,4,... and the CPU count)\n"
		"  -s LIST  element sizes in bytes (default 8,16,64,256)\n"
		"  -r N     rounds, the median is reported (default 5; -q: 3)\n"
		"  -c LIST  cases (default all):");
	for (c = 0; c < NR_CASES; c++)
		fprintf(stderr, " %s", case_names[c]);
	fprintf(stderr,
		"\n"
		"  -o PATH  CSV output (default stdout)\n"
		"  -n N     capacity in elements (default min(2^20, 64 MiB / stride);\n"
		"           -q: min(2^16, 4 MiB / stride))\n"
		"  -T SECS  how long full keeps calling on the full arena\n"
		"           (default 0.2; -q: 0.02)\n"
		"  -q       quick: small arenas, fewer rounds (a smoke run)\n");
	exit(2);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, unsigned int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void print_row(FILE *out, enum bench_case c, size_t size,
		      unsigned int nthreads, const struct sample *s)
{
	double v[rounds];
	long next = 0, over = 0;
	unsigned int i;

	fprintf(out, "%s,%zu,%u,", case_names[c], size, nthreads);
	if (!full_case(c)) {
		for (i = 0; i < rounds; i++)
			v[i] = s[i].mops;
		fprintf(out, "%.3f,", median(v, rounds));
		fprintf(out, "%.3f,%.3f,%u,,,,", v[0], v[rounds - 1], rounds);
	} else {
		/* The worst round for the counter's excess. */
		for (i = 0; i < rounds; i++) {
			v[i] = s[i].fails_mps;
			if (labs(s[i].next_excess) > labs(next))
				next = s[i].next_excess;
			if (s[i].overshoot_max > over)
				over = s[i].overshoot_max;
		}
		fprintf(out, ",,,%u,%.3f,%ld,%ld,", rounds, median(v, rounds),
			next, over);
	}
	fprintf(out, "%s\n", cpu_model);
	fflush(out);
}

static unsigned int max_threads(void)
{
	unsigned int i, m = 1;

	for (i = 0; i < nr_threads_list; i++)
		m = max(m, threads_list[i]);
	return m;
}

static unsigned long default_cap(size_t stride)
{
	unsigned long elems = quick ? 1UL << 16 : 1UL << 20;
	unsigned long bytes = quick ? 4UL << 20 : 64UL << 20;

	if (cap_opt)
		return cap_opt;
	return bytes / stride < elems ? bytes / stride : elems;
}

int main(int argc, char **argv)
{
	static struct sample samples[NR_CASES][1000];
	const char *csv = NULL;
	struct timespec t_start, t_stop;
	unsigned int ti, si, r, n;
	FILE *out = stdout;
	int opt, c;
	char *end;

	while ((opt = getopt(argc, argv, "t:s:r:c:o:n:T:qh")) != -1) {
		switch (opt) {
		case 't':
			nr_threads_list = 0;
			parse_list(optarg, add_threads);
			break;
		case 's':
			nr_sizes = 0;
			parse_list(optarg, add_size);
			break;
		case 'r':
			rounds = parse_num(optarg, "rounds", 1, 999);
			break;
		case 'c':
			memset(run_case, 0, sizeof(run_case));
			parse_list(optarg, add_case);
			break;
		case 'o':
			csv = optarg;
			break;
		case 'n':
			cap_opt = parse_num(optarg, "capacity", 1, 1UL << 40);
			break;
		case 'T':
			full_seconds = strtod(optarg, &end);
			if (end == optarg || *end || !(full_seconds > 0))
				die("bad -T '%s'", optarg);
			break;
		case 'q':
			quick = true;
			break;
		default:
			print_usage();
		}
	}
	if (optind != argc)
		print_usage();

	read_cpu_model();
	read_cpus();
	fprintf(stderr, "ubench: CPU: %s; %u CPUs allowed (%ld online)\n",
		cpu_model, nr_cpus, sysconf(_SC_NPROCESSORS_ONLN));

	if (!nr_threads_list) {
		for (n = 1; n <= nr_cpus && n <= MAX_THREADS; n *= 2)
			threads_list[nr_threads_list++] = n;
		n = nr_cpus < MAX_THREADS ? nr_cpus : MAX_THREADS;
		if (threads_list[nr_threads_list - 1] != n)
			threads_list[nr_threads_list++] = n;
	}
	if (!nr_sizes) {
		sizes[nr_sizes++] = 8;
		sizes[nr_sizes++] = 16;
		sizes[nr_sizes++] = 64;
		sizes[nr_sizes++] = 256;
	}
	for (c = 0; c < NR_CASES; c++)
		if (run_case[c])
			break;
	if (c == NR_CASES)
		for (c = 0; c < NR_CASES; c++)
			run_case[c] = true;
	if (!rounds)
		rounds = quick ? 3 : 5;
	if (full_seconds < 0)
		full_seconds = quick ? 0.02 : 0.2;

	if (csv) {
		out = fopen(csv, "w");
		if (!out)
			die("%s: %s", csv, strerror(errno));
	}

	/* Possible CPUs: the main thread's and one per worker, as a kernel's. */
	shim_set_nr_cpus(min(max_threads() + 1, (unsigned int)SHIM_NR_CPUS));
	if (shim_module_init())
		die("module init failed");
	shim_set_cpu(0);

	now(&t_start);
	fprintf(out,
		"case,elem_size,threads,mops,mops_min,mops_max,rounds,fails_mps,next_final,overshoot_max,cpu\n");
	for (si = 0; si < nr_sizes; si++) {
		size_t size = sizes[si];
		size_t stride = (size + ELEM_ALIGN - 1) & ~(size_t)(ELEM_ALIGN - 1);
		unsigned long cap = default_cap(stride);
		/* APPEND_N elements, rounded up as aligned_alloc() asks */
		size_t src_len = (APPEND_N * stride + CACHELINE - 1) &
				 ~(size_t)(CACHELINE - 1);

		for (ti = 0; ti < nr_threads_list; ti++) {
			unsigned int nthreads = threads_list[ti];

			for (n = 0; n < nthreads; n++) {
				free(workers[n].src);
				workers[n].src = aligned_alloc(CACHELINE,
							       src_len);
				if (!workers[n].src)
					die("out of memory");
				memset(workers[n].src, 'A' + n % 26, src_len);
			}
			fprintf(stderr,
				"ubench: size %zu (capacity %lu), %u threads\n",
				size, cap, nthreads);
			for (r = 0; r < rounds; r++)
				for (c = 0; c < NR_CASES; c++)
					if (run_case[c])
						run_once(c, size, stride, cap,
							 nthreads,
							 &samples[c][r]);
			for (c = 0; c < NR_CASES; c++)
				if (run_case[c])
					print_row(out, c, size, nthreads,
						  samples[c]);
		}
	}
	now(&t_stop);
	fprintf(stderr, "ubench: done in %.1f s\n", ts_diff(&t_start, &t_stop));
	if (out != stdout && fclose(out))
		die("%s: %s", csv, strerror(errno));
	shim_module_exit();
	return 0;
}
