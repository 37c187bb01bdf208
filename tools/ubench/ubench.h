/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The native benchmark (ubench.c drives it) and its parts: the cases
 * (ubench_cases.c), the runner and the machine (ubench_run.c) and the
 * report (ubench_report.c).
 */
#ifndef _UBENCH_H
#define _UBENCH_H

#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <time.h>

#include <linux/cache.h>

#include "../../atomic_arena.h"
#include "../common/clock.h"
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

extern const char *const case_names[NR_CASES];

/* The per-CPU mode's cases: their arena is created with ATOMIC_ARENA_PERCPU. */
static inline bool percpu_case(enum bench_case c)
{
	return c == C_PERCPU || c == C_TYPED_PERCPU || c == C_FULL_PERCPU;
}

static inline bool full_case(enum bench_case c)
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

/* One round's result for one case. */
struct sample {
	double mops;
	double fails_mps;
	long next_excess;
	long overshoot_max;
};

/* The cases (ubench_cases.c); the counter of limit and go back at 0. */
void counter_reset(void);
/* A thread of a run: @arg is its struct worker. */
void *worker_fn(void *arg);

/* The runner and the machine (ubench_run.c). */
extern int cpus[CPU_SETSIZE];		/* to pin threads to, in order */
extern unsigned int nr_cpus;
extern char cpu_model[256];		/* no commas or quotes: for the CSV */
extern struct worker workers[MAX_THREADS];

/* "ubench: " and the message on stderr, and exit(2). */
__printf(1, 2) void die(const char *fmt, ...);
/*
 * Runs @bcase once on @nthreads threads; full keeps calling for
 * @full_seconds. Its result in *@s.
 */
void run_once(enum bench_case bcase, size_t size, size_t stride,
	      unsigned long cap, unsigned int nthreads, double full_seconds,
	      struct sample *s);
void read_cpu_model(void);
void read_cpus(void);

/* The report (ubench_report.c): the CSV's header, and a row of @rounds. */
void print_header(FILE *out);
void print_row(FILE *out, enum bench_case c, size_t size,
	       unsigned int nthreads, const struct sample *s,
	       unsigned int rounds);

#endif /* _UBENCH_H */
