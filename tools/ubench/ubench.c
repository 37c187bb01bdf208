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
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ubench.h"

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

/* --- options -------------------------------------------------------------- */

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
	print_header(out);
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
							 nthreads, full_seconds,
							 &samples[c][r]);
			for (c = 0; c < NR_CASES; c++)
				if (run_case[c])
					print_row(out, c, size, nthreads,
						  samples[c], rounds);
		}
	}
	now(&t_stop);
	fprintf(stderr, "ubench: done in %.1f s\n", ts_diff(&t_start, &t_stop));
	if (out != stdout && fclose(out))
		die("%s: %s", csv, strerror(errno));
	shim_module_exit();
	return 0;
}
