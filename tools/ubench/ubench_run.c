// SPDX-License-Identifier: GPL-2.0
/*
 * The benchmark's runner (ubench.h): one timed run of a case, from the
 * shared object it allocates from to the threads' counts and the
 * arena's statistics; and the machine: its CPU model, and the CPUs to pin
 * threads to, first threads of cores first.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <linux/err.h>

#include "ubench.h"

int cpus[CPU_SETSIZE];
unsigned int nr_cpus;
char cpu_model[256] = "unknown";

struct worker workers[MAX_THREADS];

void die(const char *fmt, ...)
{
	va_list ap;

	fputs("ubench: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
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

void run_once(enum bench_case bcase, size_t size, size_t stride,
	      unsigned long cap, unsigned int nthreads, double full_seconds,
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
		counter_reset();
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

void read_cpu_model(void)
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
void read_cpus(void)
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
