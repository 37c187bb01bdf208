// SPDX-License-Identifier: GPL-2.0
/*
 * observe.c - what the trace events and the debugfs data files show, for
 * selftests/atomic_arena.sh to check from user space (observe=1).
 *
 * With the atomic_arena events enabled in tracefs, loading the module
 * with observe=1 provokes every event once on arena selftest-trace (and a
 * failure on the per-CPU selftest-trace-pcpu): create, a failed alloc
 * (untyped and typed), append and reserve, each from a function of its
 * own whose name the event's call site must carry, then reset, clear and
 * destroy. It leaves three arenas for the data files: selftest-data
 * (ordered, elements of 12 bytes at a stride of 16), selftest-data-pcpu
 * (per-CPU, slots taken on two CPUs, so with holes) and selftest-data-race,
 * which a kthread fills slowly, once told to, while the script reads it. Every element's
 * bytes are a function of its index that the script computes too.
 */

/* Messages nest under the suite's subtest (KUnit's indent) in the KTAP. */
#define pr_fmt(fmt) "    " fmt

#include <linux/delay.h>
#include <linux/err.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/smp.h>

#include "../atomic_arena.h"
#include "test_atomic_arena.h"

#define DATA_ELEM	12	/* selftest-data: element size */
#define DATA_ALIGN	16	/* and alignment: a stride of 16 */
#define DATA_CAP	100
#define DATA_USED	77
#define RACE_ELEM	16	/* selftest-data-race */
#define RACE_CAP	1500

static struct atomic_arena *data, *data_pcpu, *data_race;
static struct task_struct *race_writer;

static bool observe_race;
module_param(observe_race, bool, 0600);
MODULE_PARM_DESC(observe_race, "Start filling selftest-data-race (observe=1)");

DEFINE_ATOMIC_ARENA(observe_u64, u64);

/* Byte @j of element @i of selftest-data and -race: never 0. */
static u8 data_byte(unsigned long i, unsigned int j)
{
	return (i * 16 + j) % 255 + 1;
}

static void fill_elem(u8 *e, unsigned long i, unsigned int size)
{
	unsigned int j;

	for (j = 0; j < size; j++)
		e[j] = data_byte(i, j);
}

/*
 * One failing call each, that the trace must name: noinline, and with a
 * check after the call, so that it is no tail call.
 */
static noinline void observe_alloc_fail(struct kunit *test, struct atomic_arena *a)
{
	u64 v = 1;

	KUNIT_EXPECT_FALSE(test, atomic_arena_alloc(a, &v));
}

static noinline void observe_typed_fail(struct kunit *test, struct atomic_arena *a)
{
	u64 v = 2;

	KUNIT_EXPECT_FALSE(test, observe_u64_arena_alloc((struct observe_u64_arena *)a, &v));
}

static noinline void observe_append_fail(struct kunit *test, struct atomic_arena *a)
{
	u64 v[3] = { 3, 3, 3 };

	KUNIT_EXPECT_FALSE(test, atomic_arena_append(a, v, ARRAY_SIZE(v)));
}

static noinline void observe_reserve_fail(struct kunit *test, struct atomic_arena *a)
{
	KUNIT_EXPECT_FALSE(test, atomic_arena_reserve(a, 2));
}

/* Every event on selftest-trace, in the order the script expects. */
static void observe_trace(struct kunit *test)
{
	struct atomic_arena *a = atomic_arena_create("selftest-trace", 8, 8, 4);
	u64 v = 0;
	int i;

	if (!aa_check(test, !IS_ERR(a)))
		return;
	for (i = 0; i < 4; i++)
		KUNIT_EXPECT_TRUE(test, atomic_arena_alloc(a, &v));
	observe_alloc_fail(test, a);
	observe_typed_fail(test, a);
	observe_append_fail(test, a);
	observe_reserve_fail(test, a);
	atomic_arena_reset(a);			/* in_use=4 */
	KUNIT_EXPECT_TRUE(test, atomic_arena_alloc(a, &v));
	atomic_arena_clear(a);			/* in_use=1 */
	atomic_arena_destroy(a);		/* in_use=0 */

	/* The per-CPU mode: its failing path is its own (steal()). */
	a = atomic_arena_create_flags("selftest-trace-pcpu", 8, 8, 2,
				      ATOMIC_ARENA_PERCPU);
	if (!aa_check(test, !IS_ERR(a)))
		return;
	KUNIT_EXPECT_TRUE(test, atomic_arena_alloc(a, &v));
	KUNIT_EXPECT_TRUE(test, atomic_arena_alloc(a, &v));
	observe_alloc_fail(test, a);
	atomic_arena_destroy(a);
}

/* Per-CPU data: the element of slot i is i * 3 + 7, written on the CPU. */
static void pcpu_alloc_fn(void *arg)
{
	struct atomic_arena *a = arg;
	u64 *p = atomic_arena_alloc(a, NULL);

	if (p)
		*p = atomic_arena_index(a, p) * 3 + 7;
}

static int alloc_on(int cpu, struct atomic_arena *a, int n)
{
	int err = 0;

	while (n-- && !err)
		err = smp_call_function_single(cpu, pcpu_alloc_fn, a, 1);
	return err;
}

/*
 * Fills selftest-data-race one element every millisecond or so, once the
 * script says so (observe_race), so that its reads race the fill.
 */
static int race_writer_fn(void *arg)
{
	u8 e[RACE_ELEM];
	unsigned long i;

	while (!READ_ONCE(observe_race) && !kthread_should_stop())
		msleep(20);
	for (i = 0; i < RACE_CAP && !kthread_should_stop(); i++) {
		fill_elem(e, i, sizeof(e));
		if (!atomic_arena_alloc(data_race, e))
			break;
		usleep_range(500, 1500);
	}
	while (!kthread_should_stop())
		msleep(20);
	return 0;
}

void aa_observe_cleanup(void)
{
	if (race_writer)
		kthread_stop(race_writer);
	race_writer = NULL;
	atomic_arena_destroy(data_race);
	atomic_arena_destroy(data_pcpu);
	atomic_arena_destroy(data);
	data_race = NULL;
	data_pcpu = NULL;
	data = NULL;
}

/* The one case of observe=1: sets everything up, or says why not. */
static void observe(struct kunit *test)
{
	int cpu_a = cpumask_first(cpu_online_mask);
	int cpu_b = cpumask_next(cpu_a, cpu_online_mask);
	u8 e[DATA_ELEM];
	unsigned long i;
	int err;

	observe_trace(test);

	data = atomic_arena_create("selftest-data", DATA_ELEM, DATA_ALIGN,
				   DATA_CAP);
	data_pcpu = atomic_arena_create_flags("selftest-data-pcpu", 8, 8,
					      256 * num_possible_cpus(),
					      ATOMIC_ARENA_PERCPU);
	data_race = atomic_arena_create("selftest-data-race", RACE_ELEM, 8,
					RACE_CAP);
	err = PTR_ERR_OR_ZERO(data) ?: PTR_ERR_OR_ZERO(data_pcpu) ?:
	      PTR_ERR_OR_ZERO(data_race);
	if (err)
		goto fail;
	for (i = 0; i < DATA_USED; i++) {
		fill_elem(e, i, sizeof(e));
		KUNIT_EXPECT_TRUE(test, atomic_arena_alloc(data, e));
	}
	/*
	 * Batches of 64: slots 0-3 on the second CPU, 64-65 on the first, so
	 * that the batches are not in CPU order.
	 */
	err = -ENODEV;
	if (cpu_b >= nr_cpu_ids)
		goto fail;
	err = alloc_on(cpu_b, data_pcpu, 3) ?: alloc_on(cpu_a, data_pcpu, 2) ?:
	      alloc_on(cpu_b, data_pcpu, 1);
	if (err)
		goto fail;
	race_writer = kthread_run(race_writer_fn, NULL, "aa-data-race");
	err = PTR_ERR_OR_ZERO(race_writer);
	if (err) {
		race_writer = NULL;
		goto fail;
	}
	return;

fail:
	KUNIT_EXPECT_EQ(test, err, 0);
	kunit_info(test, "cannot set up the data arenas: %d", err);
	aa_observe_cleanup();
}

static struct kunit_case aa_observe_cases[] = {
	KUNIT_CASE(observe),
	{}
};

/* Run alone, with observe=1 (main.c). */
struct kunit_suite aa_observe_suite = {
	.name = "atomic_arena_observe",
	.test_cases = aa_observe_cases,
};
