// SPDX-License-Identifier: GPL-2.0
/*
 * main.c - the benchmark module: the arena measured against the limit of
 * one contended atomic and against the kernel's own allocators
 *
 * Everything runs from module init, in one boot, and the results go to the
 * kernel log; scripts/bench.sh (make bench) collects them into a CSV, a
 * plot and a table. This module is not part of the test suite.
 *
 * Method
 * ------
 * For every element size (sizes=) and thread count (threads=, 0 meaning
 * every online CPU) the operations run in rounds: one warm-up round,
 * then reps= rounds, each running every operation once (forwards, then
 * backwards), so that a slow spell of the host hits them all alike. A run
 * starts one kthread per thread, each bound to its own online CPU. They
 * are released together (a completion, then a spin until all of them are
 * running) and each times its own loop with ktime_get_ns(); the
 * timed loop holds nothing but the operation and a check of its result.
 * The run's time is the slowest thread's. Each run yields ns per operation
 * (run time / operations per thread) and aggregate operations per second
 * (threads * operations per thread / run time). A case reports the median,
 * min and max ns per operation over its runs, the aggregate Mops/s of the
 * median, and the median's ratio to the limit loop's median at the same
 * element size, thread count and number of operations.
 *
 * The operations, the workloads and the reset and clear cases are
 * described in ops.c; setup.c sets up what they run on.
 *
 * Output: one line per case,
 *   atomic_arena_bench: op=alloc size=8 threads=4 median_ns=.. min_ns=..
 *                       max_ns=.. mops=.. ratio=.. n=.. reps=..
 * or "... skipped=REASON", and finally
 *   atomic_arena_bench: done cases=N skipped=N errors=N seconds=N
 * The init always returns 0 (a failed init would be run twice by busybox
 * insmod); errors= says whether every run did what it should. Unload the
 * module afterwards.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/err.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <linux/utsname.h>

#include "bench.h"

#ifdef ATOMIC_ARENA_BENCH_OBJPOOL
#define HAVE_OBJPOOL "yes"
#else
#define HAVE_OBJPOOL "no"
#endif

#define MAX_REPS	101
#define MAX_LIST	8	/* entries of the sizes= and threads= lists */

/* Parameters. */
static unsigned long ops = 100000;
module_param(ops, ulong, 0444);
MODULE_PARM_DESC(ops, "operations per thread per run (rounded down to a multiple of 16)");

static unsigned int wl_n = 8192;
module_param(wl_n, uint, 0444);
MODULE_PARM_DESC(wl_n, "objects per thread in the allocate-then-drop workloads");

static unsigned int reps = 21;
module_param(reps, uint, 0444);
MODULE_PARM_DESC(reps, "timed runs per case, after one warm-up run");

static unsigned int sizes[MAX_LIST] = { 8, 64, 256 };
static unsigned int nr_sizes = 3;
module_param_array(sizes, uint, &nr_sizes, 0444);
MODULE_PARM_DESC(sizes, "element sizes in bytes (1..1024)");

static unsigned int threads[MAX_LIST] = { 1, 2, 0 };
static unsigned int nr_threads = 3;
module_param_array(threads, uint, &nr_threads, 0444);
MODULE_PARM_DESC(threads, "thread counts; 0 means every online CPU");

static unsigned long max_cap = 16UL << 20;
module_param(max_cap, ulong, 0444);
MODULE_PARM_DESC(max_cap, "largest capacity of the reset/clear cases (1K, 64K, 1M, 16M slots)");

static unsigned int reset_loops = 10000;
module_param(reset_loops, uint, 0444);
MODULE_PARM_DESC(reset_loops, "reserve-all + reset pairs per run of the reset cases");

static char *only;
module_param(only, charp, 0444);
MODULE_PARM_DESC(only, "comma-separated operations to run (default: all)");

static bool smoke;
module_param(smoke, bool, 0444);
MODULE_PARM_DESC(smoke, "run every case once with tiny parameters");

static struct bench_thread *workers;
static unsigned int *cpu_of;		/* online CPU of each thread */
static unsigned int nr_cpus;		/* online CPUs at load */
static unsigned int max_threads;	/* largest thread count to run */
static unsigned int counts[MAX_LIST];	/* thread counts to run */
static unsigned int nr_counts;
static unsigned long wl_cap;		/* objects per thread in workloads */
static unsigned int nr_cases, nr_skipped, nr_errors;

/* Is @name in the only= list (or is the list empty)? */
static bool selected(const char *name)
{
	size_t len = strlen(name);
	const char *s = only;

	if (!s || !*s)
		return true;
	while (s) {
		if (!strncmp(s, name, len) && (s[len] == ',' || !s[len]))
			return true;
		s = strchr(s, ',');
		if (s)
			s++;
	}
	return false;
}

static int bench_thread_fn(void *data)
{
	struct bench_thread *t = data;
	struct bench_run *run = t->run;

	wait_for_completion(&run->start);
	/* Start together: the threads contend from their first operation. */
	atomic_inc(&run->ready);
	while (atomic_read(&run->ready) < run->nthreads)
		cpu_relax();
	run->op->loop(t);
	complete(&t->done);
	return 0;
}

/*
 * One run of @op on @nthreads threads taking @n elements each. Returns
 * the run's time in ns (slowest thread, plus the timed reset if any), or
 * 0 when a thread failed or the result is not what it should be.
 */
static u64 run_once(const struct bench_op *op, unsigned int nthreads,
		    unsigned long n)
{
	struct bench_run run = { .op = op, .nthreads = nthreads };
	unsigned int i, started;
	bool failed = false;
	u64 ns = 0, t0;
	long got;

	init_completion(&run.start);
	atomic_set(&run.ready, 0);
	atomic_long_set(&ctx.ctr.next, 0);
	if (ctx.arena)
		atomic_arena_reset(ctx.arena);
	if (ctx.parena)
		atomic_arena_reset(ctx.parena);

	for (started = 0; started < nthreads; started++) {
		struct bench_thread *t = &workers[started];

		t->run = &run;
		t->n = n;
		t->ns = 0;
		t->failed = false;
		init_completion(&t->done);
		t->task = kthread_create(bench_thread_fn, t, "arena_bench/%u",
					 started);
		if (IS_ERR(t->task))
			break;
		get_task_struct(t->task);
		kthread_bind(t->task, cpu_of[started]);
		wake_up_process(t->task);
	}
	if (started < nthreads) {
		pr_err("cannot start thread %u\n", started);
		/* Let the started threads through the spin, then fail. */
		run.nthreads = started;
		failed = true;
	}
	complete_all(&run.start);
	for (i = 0; i < started; i++)
		wait_for_completion(&workers[i].done);
	for (i = 0; i < started; i++) {
		kthread_stop(workers[i].task);
		put_task_struct(workers[i].task);
		ns = max(ns, workers[i].ns);
		failed |= workers[i].failed;
	}

	if (op->timed_reset) {
		got = atomic_arena_len(bench_op_arena(op));
		t0 = ktime_get_ns();
		atomic_arena_reset(bench_op_arena(op));
		ns += ktime_get_ns() - t0;
	} else if (op->check == CHECK_ARENA) {
		got = atomic_arena_len(bench_op_arena(op));
	} else if (op->check == CHECK_CTR) {
		got = atomic_long_read(&ctx.ctr.next);
	} else {
		got = (long)nthreads * n;
	}
	if (got != (long)nthreads * n) {
		pr_err("op=%s threads=%u: %ld elements taken, %lu expected\n",
		       op->name, nthreads, got, nthreads * n);
		failed = true;
	}
	return failed ? 0 : max_t(u64, ns, 1);
}

static int cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/*
 * @v / @div with @digits decimals, where @div is 10^@digits: "q.ddd".
 * div_u64_rem(), as a u64 divided with '/' needs libgcc on 32-bit kernels.
 */
static const char *fmt_fixed(char *buf, size_t len, u64 v, u32 div,
			     int digits)
{
	u32 rem;
	u64 q = div_u64_rem(v, div, &rem);

	snprintf(buf, len, "%llu.%0*u", q, digits, rem);
	return buf;
}

/* @ps picoseconds as nanoseconds, "n.nnn". */
static const char *fmt_ns(char *buf, size_t len, u64 ps)
{
	return fmt_fixed(buf, len, ps, 1000, 3);
}

/* One line of results: an operation at one element size and thread count. */
struct bench_case {
	const struct bench_op *op;
	char name[24];
	unsigned long n;		/* elements per thread per run */
	struct atomic_arena *rarena;	/* reset and clear cases */
	unsigned long rcap;
	const char *skip;		/* why it is not run, or NULL */
	bool failed;
	u64 ps[MAX_REPS];		/* ps per element, one per run */
};

/* At most every operation of bench_ops, or reset and clear at 4 sizes. */
static struct bench_case cases[BENCH_MAX_CASES];

static void report(struct bench_case *c, size_t size, unsigned int nthreads,
		   u64 ratio_to)
{
	char med[24], lo[24], hi[24], ratio[24], mops_s[24];
	u64 median, mops;

	if (c->skip) {
		nr_skipped++;
		pr_info("op=%s size=%zu threads=%u skipped=%s\n", c->name,
			size, nthreads, c->skip);
		return;
	}
	nr_cases++;
	if (c->failed) {
		nr_errors++;
		pr_err("op=%s size=%zu threads=%u failed\n", c->name, size,
		       nthreads);
		return;
	}
	median = max_t(u64, c->ps[reps / 2], 1);
	/* Mops/s, times 100: threads * 1e6 / (ps per op). */
	mops = div64_u64((u64)nthreads * 100000000ULL, median);
	if (ratio_to)
		fmt_fixed(ratio, sizeof(ratio),
			  div64_u64(median * 100, ratio_to), 100, 2);
	else
		strscpy(ratio, "-", sizeof(ratio));
	pr_info("op=%s size=%zu threads=%u median_ns=%s min_ns=%s max_ns=%s mops=%s ratio=%s n=%lu reps=%u\n",
		c->name, size, nthreads, fmt_ns(med, sizeof(med), median),
		fmt_ns(lo, sizeof(lo), c->ps[0]),
		fmt_ns(hi, sizeof(hi), c->ps[reps - 1]),
		fmt_fixed(mops_s, sizeof(mops_s), mops, 100, 2), ratio, c->n, reps);
}

/*
 * Run @nr cases on @nthreads threads: one warm-up round, then reps=
 * rounds, each running every case once, forwards and backwards in turn.
 * Interleaved that way, a slow spell of the host (or of anything else)
 * hits every case alike instead of one case's runs.
 */
static void run_group(unsigned int nr, unsigned int nthreads)
{
	struct bench_case *c;
	unsigned int r, j, i;
	u64 ns;

	for (r = 0; r <= reps; r++) {
		for (j = 0; j < nr; j++) {
			/* Odd rounds run backwards. */
			i = r % 2 ? nr - 1 - j : j;
			c = &cases[i];
			if (c->skip || c->failed)
				continue;
			ctx.rarena = c->rarena;
			ctx.rcap = c->rcap;
			ns = run_once(c->op, nthreads, c->n);
			if (!ns)
				c->failed = true;
			else if (r)	/* round 0 is the warm-up */
				c->ps[r - 1] = div64_u64(ns * 1000, c->n);
		}
	}
	/* Sorted: ps[0] is the min, ps[reps / 2] the median. */
	for (c = cases; c < cases + nr; c++)
		sort(c->ps, reps, sizeof(c->ps[0]), cmp_u64, NULL);
}

/* Workloads run wl_n= elements per thread, the other operations ops=. */
static bool is_workload(const struct bench_op *op)
{
	return !strncmp(op->name, "wl_", 3);
}

/* Every operation at element size @size, at every thread count. */
static void bench_size(size_t size)
{
	const struct bench_op *op;
	struct bench_case *c;
	unsigned int i, nr;
	u64 limit, wl_limit;

	if (bench_ctx_init(size, max_threads * max(ops, wl_cap),
			   max_threads * wl_cap)) {
		pr_err("size=%zu: setup failed\n", size);
		nr_errors++;
		bench_ctx_free();
		return;
	}
	for (i = 0; i < nr_counts; i++) {
		nr = 0;
		for (op = bench_ops; op < bench_ops + bench_nr_ops; op++) {
			if (!selected(op->name))
				continue;
			c = &cases[nr++];
			memset(c, 0, sizeof(*c));
			c->op = op;
			strscpy(c->name, op->name, sizeof(c->name));
			c->n = is_workload(op) ? wl_cap : ops;
			if (!op->loop)
				c->skip = op->loop_missing;
		}
		run_group(nr, counts[i]);
		/* Operations against limit, workloads against wl_limit. */
		limit = 0;
		wl_limit = 0;
		for (c = cases; c < cases + nr; c++) {
			if (!c->op->limit || c->failed)
				continue;
			if (is_workload(c->op))
				wl_limit = max_t(u64, c->ps[reps / 2], 1);
			else
				limit = max_t(u64, c->ps[reps / 2], 1);
		}
		for (c = cases; c < cases + nr; c++) {
			if (c->op->limit)
				report(c, size, counts[i], 0);
			else
				report(c, size, counts[i],
				       is_workload(c->op) ? wl_limit : limit);
		}
	}
	bench_ctx_free();
}

#define NR_CAPS	4
static const unsigned long caps[NR_CAPS] = { 1UL << 10, 1UL << 16, 1UL << 20,
					     1UL << 24 };
static const char * const cap_tags[NR_CAPS] = { "1K", "64K", "1M", "16M" };

/*
 * Run @op (reset or clear) on every arena of @arenas, interleaved, and
 * report them. Resets and clears run apart: a clear sweeps a lot of memory,
 * which would slow down whatever runs next.
 */
static void bench_caps(const struct bench_op *op,
		       struct atomic_arena **arenas)
{
	struct bench_case *c;
	unsigned int i, nr = 0;
	char name[24];

	for (i = 0; i < NR_CAPS; i++) {
		snprintf(name, sizeof(name), "%s_%s", op->name, cap_tags[i]);
		if (!arenas[i] || (!selected(name) && !selected(op->name)))
			continue;
		c = &cases[nr++];
		memset(c, 0, sizeof(*c));
		c->op = op;
		strscpy(c->name, name, sizeof(c->name));
		/* A clear is timed per slot, a reset per reserve + reset. */
		c->n = op == &bench_op_clear ? caps[i] : reset_loops;
		c->rarena = arenas[i];
		c->rcap = caps[i];
	}
	run_group(nr, 1);
	for (c = cases; c < cases + nr; c++)
		report(c, 8, 1, 0);
}

/* reset_<cap> and clear_<cap> on 8-byte slots, one thread. */
static void bench_reset(void)
{
	struct atomic_arena *arenas[NR_CAPS] = { NULL };
	char name[ATOMIC_ARENA_NAME_MAX + 1];
	unsigned int i;

	memset(&ctx, 0, sizeof(ctx));
	for (i = 0; i < NR_CAPS && caps[i] <= max_cap; i++) {
		/* All of them at once, so that their runs interleave. */
		snprintf(name, sizeof(name), "bench-reset-%s", cap_tags[i]);
		arenas[i] = atomic_arena_create(name, 8, 8, caps[i]);
		if (IS_ERR(arenas[i])) {
			pr_err("cannot create an arena of %lu slots: %ld\n",
			       caps[i], PTR_ERR(arenas[i]));
			arenas[i] = NULL;
			nr_errors++;
		}
	}
	bench_caps(&bench_op_reset, arenas);
	bench_caps(&bench_op_clear, arenas);
	for (i = 0; i < NR_CAPS; i++)
		atomic_arena_destroy(arenas[i]);
	memset(&ctx, 0, sizeof(ctx));
}

/* The thread counts to run: threads= with 0 as every CPU, sorted, unique. */
static void pick_counts(void)
{
	unsigned int i, j, v;

	nr_counts = 0;
	for (i = 0; i < nr_threads; i++) {
		v = threads[i] ? min(threads[i], nr_cpus) : nr_cpus;
		for (j = 0; j < nr_counts && counts[j] != v; j++)
			;
		if (j == nr_counts)
			counts[nr_counts++] = v;
	}
	for (i = 1; i < nr_counts; i++)
		for (j = i; j > 0 && counts[j - 1] > counts[j]; j--)
			swap(counts[j - 1], counts[j]);
	max_threads = counts[nr_counts - 1];
}

static void free_workers(void)
{
	unsigned int i;

	for (i = 0; workers && i < max_threads; i++) {
		kfree(workers[i].obj);
		kvfree(workers[i].ptrs);
	}
	kfree(workers);
	kfree(cpu_of);
	workers = NULL;
	cpu_of = NULL;
}

static int alloc_workers(void)
{
	unsigned int i = 0, cpu, b;

	workers = kcalloc(max_threads, sizeof(*workers), GFP_KERNEL);
	cpu_of = kcalloc(max_threads, sizeof(*cpu_of), GFP_KERNEL);
	if (!workers || !cpu_of)
		return -ENOMEM;
	for_each_online_cpu(cpu) {
		if (i == max_threads)
			break;
		cpu_of[i++] = cpu;
	}
	for (i = 0; i < max_threads; i++) {
		struct bench_thread *t = &workers[i];

		t->obj = kmalloc(BULK * MAX_SIZE, GFP_KERNEL);
		t->ptrs = kvmalloc_array(wl_cap, sizeof(void *), GFP_KERNEL);
		if (!t->obj || !t->ptrs)
			return -ENOMEM;
		/* A recognisable element: its byte b is its index. */
		for (b = 0; b < BULK * MAX_SIZE; b++)
			((u8 *)t->obj)[b] = b;
	}
	return 0;
}

/* Check and fix the parameters; false if they cannot be used. */
static bool check_params(void)
{
	unsigned int i;

	if (smoke) {
		ops = 1024;
		wl_n = 256;
		reps = 1;
		max_cap = 1UL << 16;
		reset_loops = 64;
	}
	ops = rounddown(ops, BULK);
	wl_cap = rounddown(wl_n, BULK);
	if (!ops || !wl_cap || !reps || reps > MAX_REPS || !reset_loops ||
	    !nr_sizes || !nr_threads) {
		pr_err("ops, wl_n (at least 16 each), reps (1..%d), reset_loops, sizes and threads must not be 0\n",
		       MAX_REPS);
		return false;
	}
	for (i = 0; i < nr_sizes; i++) {
		if (!sizes[i] || sizes[i] > MAX_SIZE) {
			pr_err("sizes: %u is not in 1..%d\n", sizes[i],
			       MAX_SIZE);
			return false;
		}
	}
	return true;
}

static int __init atomic_arena_bench_init(void)
{
	u64 start = ktime_get_ns();
	unsigned int i;

	nr_cases = 0;
	nr_skipped = 0;
	nr_errors = 0;
	nr_cpus = num_online_cpus();
	if (!check_params()) {
		nr_errors++;
		goto out;
	}
	pick_counts();
	pr_info("start kernel=%s cpus=%u max_threads=%u ops=%lu wl_n=%lu reps=%u max_cap=%lu reset_loops=%u objpool=%s\n",
		init_utsname()->release, nr_cpus, max_threads, ops, wl_cap, reps,
		max_cap, reset_loops, HAVE_OBJPOOL);
	if (alloc_workers()) {
		pr_err("cannot allocate the threads' buffers\n");
		nr_errors++;
		goto out;
	}
	for (i = 0; i < nr_sizes; i++)
		bench_size(sizes[i]);
	bench_reset();
out:
	free_workers();
	pr_info("done cases=%u skipped=%u errors=%u seconds=%llu\n", nr_cases,
		nr_skipped, nr_errors,
		div64_u64(ktime_get_ns() - start, NSEC_PER_SEC));
	return 0;
}

static void __exit atomic_arena_bench_exit(void)
{
}

module_init(atomic_arena_bench_init);
module_exit(atomic_arena_bench_exit);

MODULE_DESCRIPTION("Benchmarks of atomic_arena against the kernel's allocators");
MODULE_AUTHOR("atomic-arena developers");
MODULE_LICENSE("GPL");
