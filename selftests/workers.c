// SPDX-License-Identifier: GPL-2.0
/*
 * workers.c - a pool of kthreads, released together, for the concurrent
 * cases of the test module.
 */

#include <linux/cpumask.h>
#include <linux/err.h>
#include <linux/kthread.h>
#include <linux/kernel.h>
#include <linux/sched/task.h>
#include <linux/string.h>

#include "test_atomic_arena.h"

static int worker_main(void *data)
{
	struct aa_worker *w = data;
	int ret;

	wait_for_completion(w->start);
	ret = w->fn(w);
	complete(&w->done);
	return ret;
}

/* Twice the CPUs, so that workers are preempted mid-call too. */
unsigned int aa_nr_workers(void)
{
	return clamp(2 * num_online_cpus(), 4U, 16U);
}

/* The @i-th online CPU, wrapping around. */
static unsigned int nth_online_cpu(unsigned int i)
{
	unsigned int cpu;

	i %= num_online_cpus();
	for_each_online_cpu(cpu)
		if (!i--)
			return cpu;
	return cpumask_first(cpu_online_mask);
}

/**
 * aa_run_workers() - run @fn in @n kthreads released at the same moment
 * @w: array of @n workers; reset here
 * @n: number of workers
 * @fn: work of one worker; its return value is collected
 * @ctx: shared by all workers (w->ctx)
 * @bind: bind worker i to the i-th online CPU (wrapping around)
 *
 * Return: 0, or the first error from creating a worker or from @fn.
 */
int aa_run_workers(struct aa_worker *w, unsigned int n,
		   int (*fn)(struct aa_worker *), void *ctx, bool bind)
{
	DECLARE_COMPLETION_ONSTACK(start);
	unsigned int i, started;
	int err = 0, ret;

	for (started = 0; started < n; started++) {
		struct aa_worker *cur = &w[started];

		memset(cur, 0, sizeof(*cur));
		cur->start = &start;
		cur->fn = fn;
		cur->ctx = ctx;
		cur->id = started;
		init_completion(&cur->done);
		cur->task = kthread_create(worker_main, cur, "arena_test/%u",
					   started);
		if (IS_ERR(cur->task)) {
			err = PTR_ERR(cur->task);
			break;
		}
		if (bind)
			kthread_bind(cur->task, nth_online_cpu(started));
		get_task_struct(cur->task);
		wake_up_process(cur->task);
	}
	complete_all(&start);
	/* A worker stopped before it first ran would skip its work: wait. */
	for (i = 0; i < started; i++)
		wait_for_completion(&w[i].done);
	for (i = 0; i < started; i++) {
		ret = kthread_stop(w[i].task);
		put_task_struct(w[i].task);
		if (ret && !err)
			err = ret;
	}
	return err;
}
