// SPDX-License-Identifier: GPL-2.0
/*
 * Many threads on one arena, for ThreadSanitizer (and ASan/UBSan, and
 * natively): more threads than CPUs, each its own "CPU", mixing alloc,
 * alloc(NULL), append, reserve, len, at, index and debugfs reads, with the
 * hammer's checks after every round:
 *
 * - every slot is owned once: each call writes its owner's tags into the
 *   slots it got, and after the round every slot holds exactly one tag
 *   that some thread recorded as its own, intact;
 * - no failure while room remained: slots only come back at a reset, so
 *   once a request of n slots failed, a later request of n or more that
 *   succeeds in the same round means the failure was spurious;
 * - counters exact: the slots handed out add up to the capacity, and the
 *   debugfs statistics match the threads' own counts; the raw counter is
 *   back at the capacity once the failing calls are done, and never went
 *   past it by more than the calls in flight.
 *
 * Rounds alternate between an ordered and a per-CPU arena. Meanwhile one
 * more thread creates and destroys arenas, and another reads their debugfs
 * files and the list of arenas, racing with both.
 *
 * Usage: stress [-s seconds] [-t threads]   (defaults: 2, CPUs * 2 + 2)
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <linux/err.h>

#include "../../atomic_arena.h"
#include "../common/clock.h"
#include "utest.h"

#define CAP		8192
#define MAX_THREADS	200

struct tag {
	uint32_t owner;
	uint32_t seq;
	uint64_t check;
};

struct worker {
	pthread_t thread;
	unsigned int id;
	unsigned long ok_calls[3];	/* alloc, append, reserve */
	unsigned long failed_calls[3];
	unsigned long slots;
	unsigned long violations;
	unsigned long seq, seq_at_start;
	unsigned long bad_lookups;
};

static struct atomic_arena *arena;
static bool percpu;	/* this round's arena is per-CPU */
static struct worker workers[MAX_THREADS];
static unsigned int nr_workers;
static pthread_barrier_t start, done;
static bool stop_all;

static uint64_t check_of(uint32_t owner, uint32_t seq)
{
	return ((uint64_t)owner << 32 | seq) * 0x9e3779b97f4a7c15ULL;
}

static struct tag next_tag(struct worker *w)
{
	struct tag t = { w->id, (uint32_t)++w->seq, 0 };

	t.check = check_of(t.owner, t.seq);
	return t;
}

static uint32_t rnd(uint32_t *s)
{
	*s = *s * 1103515245 + 12345;
	return *s >> 16;
}

/* One call of @n slots, with its kind; returns whether it got them. */
static bool take(struct worker *w, unsigned long n, uint32_t r,
		 unsigned long *min_failed)
{
	struct tag tags[16], *p;
	unsigned long i;
	int kind;

	if (n == 1 && (r & 1)) {
		kind = 0;
		tags[0] = next_tag(w);
		p = atomic_arena_alloc(arena, (r & 2) ? &tags[0] : NULL);
		if (p && !(r & 2))
			*p = tags[0];
	} else if (n <= 16 && (r & 4)) {
		kind = 1;
		for (i = 0; i < n; i++)
			tags[i] = next_tag(w);
		p = atomic_arena_append(arena, tags, n);
	} else {
		kind = 2;
		p = atomic_arena_reserve(arena, n);
		for (i = 0; p && i < n; i++)
			p[i] = next_tag(w);
	}
	if (!p) {
		w->failed_calls[kind]++;
		*min_failed = min(*min_failed, n);
		return false;
	}
	w->ok_calls[kind]++;
	w->slots += n;
	if (n >= *min_failed)
		w->violations++;
	/* Lookups of what we own: the slot is handed out, so both work. */
	if (atomic_arena_at(arena, atomic_arena_index(arena, p)) != p ||
	    atomic_arena_index(arena, p + n - 1) < 0)
		w->bad_lookups++;
	return true;
}

static void *worker_fn(void *arg)
{
	struct worker *w = arg;
	uint32_t s = 0x1234 + w->id * 7919, r;
	unsigned long min_failed, n, len, last_len;
	unsigned int after_full;
	char *out, data[512];

	shim_set_cpu(w->id + 1);
	for (;;) {
		pthread_barrier_wait(&start);
		if (__atomic_load_n(&stop_all, __ATOMIC_RELAXED))
			break;
		min_failed = ULONG_MAX;
		after_full = 0;
		last_len = 0;
		while (after_full < 100) {
			r = rnd(&s);
			if (!(w->id & 1))
				n = 1;
			else if (r % 8 == 0)
				n = CAP / 2 + 1;	/* never fits past half */
			else
				n = 1 + (r >> 3) % 16;
			if (!take(w, n, r, &min_failed) && n > 1)
				take(w, 1, r, &min_failed);
			if (min_failed == 1)
				after_full++;
			/*
			 * Ordered: len only grows, and every slot below it is
			 * in use. Per-CPU: len is a sum of snapshots, and
			 * batches leave holes below it.
			 */
			len = atomic_arena_len(arena);
			if (len > CAP || (!percpu && len < last_len))
				w->bad_lookups++;
			last_len = len;
			if (!percpu && len && !atomic_arena_at(arena, r % len))
				w->bad_lookups++;
			if (r % 512 == 0 &&
			    !shim_debugfs_read("atomic_arena/stress/stats", 0,
					       &out))
				free(out);
			/* The contents, racing the other workers' writes. */
			if (r % 512 == 256 &&
			    shim_debugfs_pread("atomic_arena/stress/data",
					       r % 4096, SEEK_SET, 0, data,
					       sizeof(data)) < 0)
				w->bad_lookups++;
		}
		pthread_barrier_wait(&done);
	}
	return NULL;
}

/* Creates and destroys arenas while another thread reads their files. */
static void *churn_fn(void *arg)
{
	unsigned long i = 0;
	struct atomic_arena *a;
	char name[32];

	shim_set_cpu(nr_workers + 1);
	while (!__atomic_load_n(&stop_all, __ATOMIC_RELAXED)) {
		snprintf(name, sizeof(name), "churn-%lu", i++ % 4);
		a = atomic_arena_create(name, 32, 8, 64);
		if (IS_ERR(a))
			continue;
		atomic_arena_alloc(a, NULL);
		atomic_arena_destroy(a);
	}
	return NULL;
}

static void *reader_fn(void *arg)
{
	unsigned long *reads = arg, i = 0;
	char path[64], *out, data[256];

	shim_set_cpu(nr_workers + 2);
	while (!__atomic_load_n(&stop_all, __ATOMIC_RELAXED)) {
		snprintf(path, sizeof(path), "atomic_arena/churn-%lu/stats",
			 i++ % 4);
		if (!shim_debugfs_read(path, 5, &out)) {
			if (!strstr(out, "capacity:      64\n"))
				abort();
			free(out);
			(*reads)++;
		}
		if (!shim_debugfs_read("atomic_arena/arenas", 0, &out))
			free(out);
		snprintf(path, sizeof(path), "atomic_arena/churn-%lu/data",
			 i % 4);
		shim_debugfs_pread(path, 0, 0, 7, data, sizeof(data));
	}
	return NULL;
}

static long stat_of(const char *key)
{
	return shim_arena_stat("stress", key);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * Checks one round's slots and counts; returns the problems found. Each
 * call wrote one fresh tag per slot it got, and the slots handed out add
 * up to the capacity: so CAP distinct tags of this round, intact, in the
 * CAP slots mean that no slot went to two owners.
 */
static unsigned long check_round(unsigned long *sum_calls)
{
	static uint64_t found[CAP];
	unsigned long problems = 0, slots = 0, i;
	struct worker *o;
	struct tag *t;
	unsigned int k;

	for (k = 0; k < nr_workers; k++)
		slots += workers[k].slots;
	if (slots != CAP || atomic_arena_len(arena) != CAP)
		problems++;
	for (i = 0; i < CAP; i++) {
		t = atomic_arena_at(arena, i);
		found[i] = 0;
		if (!t || t->owner >= nr_workers ||
		    t->check != check_of(t->owner, t->seq)) {
			problems++;
			continue;
		}
		o = &workers[t->owner];
		if (t->seq <= (uint32_t)o->seq_at_start ||
		    t->seq > (uint32_t)o->seq)
			problems++;
		found[i] = (uint64_t)t->owner << 32 | t->seq;
	}
	qsort(found, CAP, sizeof(found[0]), cmp_u64);
	for (i = 1; i < CAP; i++)
		if (found[i] == found[i - 1])
			problems++;
	/* The raw counter: back at the capacity, bounded on the way. */
	if (stat_of("next") != CAP)
		problems++;
	if (stat_of("overshoot_max") > (long)nr_workers)
		problems++;
	for (k = 0; k < nr_workers; k++)
		for (i = 0; i < 3; i++)
			sum_calls[i] += workers[k].ok_calls[i] +
					(i ? 0 : workers[k].failed_calls[i]);
	return problems;
}

int main(int argc, char **argv)
{
	unsigned long problems = 0, violations = 0, bad = 0, rounds = 0;
	unsigned long reads = 0, sum[3] = { 0 }, fails_bulk = 0, tags;
	double seconds = 2;
	pthread_t churn, reader;
	struct timespec t0, t;
	unsigned int k;
	int opt;

	nr_workers = sysconf(_SC_NPROCESSORS_ONLN) * 2 + 2;
	while ((opt = getopt(argc, argv, "s:t:")) != -1) {
		if (opt == 's')
			seconds = atof(optarg);
		else if (opt == 't')
			nr_workers = atoi(optarg);
	}
	nr_workers = min(max(nr_workers, 2u), (unsigned int)MAX_THREADS);
	/* CPU 0, the workers', the churning thread's and the reader's. */
	shim_set_nr_cpus(nr_workers + 3);
	if (shim_module_init())
		return 1;
	shim_set_cpu(0);
	arena = atomic_arena_create("stress", sizeof(struct tag), 8, CAP);
	if (IS_ERR(arena))
		return 1;
	printf("# stress: %u threads on %ld CPUs for %.1f s\n", nr_workers,
	       sysconf(_SC_NPROCESSORS_ONLN), seconds);
	pthread_barrier_init(&start, NULL, nr_workers + 1);
	pthread_barrier_init(&done, NULL, nr_workers + 1);
	for (k = 0; k < nr_workers; k++) {
		workers[k].id = k;
		pthread_create(&workers[k].thread, NULL, worker_fn, &workers[k]);
	}
	pthread_create(&churn, NULL, churn_fn, NULL);
	pthread_create(&reader, NULL, reader_fn, &reads);

	now(&t0);
	do {
		for (k = 0; k < nr_workers; k++) {
			memset(workers[k].ok_calls, 0, sizeof(workers[k].ok_calls));
			memset(workers[k].failed_calls, 0,
			       sizeof(workers[k].failed_calls));
			workers[k].slots = 0;
			workers[k].violations = 0;
			workers[k].bad_lookups = 0;
			workers[k].seq_at_start = workers[k].seq;
		}
		memset(sum, 0, sizeof(sum));
		pthread_barrier_wait(&start);
		pthread_barrier_wait(&done);
		problems += check_round(sum);
		fails_bulk = 0;
		for (k = 0; k < nr_workers; k++) {
			violations += workers[k].violations;
			bad += workers[k].bad_lookups;
			fails_bulk += workers[k].failed_calls[1] +
				      workers[k].failed_calls[2];
		}
		/* Statistics are exact once the round is over. */
		if (stat_of("allocs") + stat_of("alloc_fails") != (long)sum[0] ||
		    stat_of("bulk") != (long)(sum[1] + sum[2]) ||
		    stat_of("bulk_fails") != (long)fails_bulk)
			problems++;
		rounds++;
		/* A new arena for each round, ordered and per-CPU in turn. */
		atomic_arena_destroy(arena);
		percpu = !percpu;
		arena = atomic_arena_create_flags("stress", sizeof(struct tag),
						  8, CAP,
						  percpu ? ATOMIC_ARENA_PERCPU : 0);
		if (IS_ERR(arena))
			return 1;
		now(&t);
	} while (ts_diff(&t0, &t) < seconds);

	__atomic_store_n(&stop_all, true, __ATOMIC_RELAXED);
	pthread_barrier_wait(&start);
	for (k = 0; k < nr_workers; k++)
		pthread_join(workers[k].thread, NULL);
	pthread_join(churn, NULL);
	pthread_join(reader, NULL);
	atomic_arena_destroy(arena);
	tags = 0;
	for (k = 0; k < nr_workers; k++)
		tags += workers[k].seq;

	printf("KTAP version 1\n1..4\n");
	printf("# %lu rounds of %d slots (ordered and per-CPU in turn), %lu tags written, %lu debugfs reads of churned arenas\n",
	       rounds, CAP, tags, reads);
	utest_result(!problems, 1,
		     "every slot owned once, tags intact, counts exact (%lu problems)",
		     problems);
	utest_result(!violations, 2,
		     "no failure while room remained (%lu violations)",
		     violations);
	utest_result(!bad, 3,
		     "len, at and index agree with what was handed out (%lu bad)",
		     bad);
	utest_result(!shim_allocations(), 4, "no leak (%ld allocations left)",
		     shim_allocations());
	return problems || violations || bad || shim_allocations();
}
