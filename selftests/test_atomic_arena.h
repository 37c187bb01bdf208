/* SPDX-License-Identifier: GPL-2.0 */
/*
 * test_atomic_arena.h - what the parts of the test module share: the
 * KTAP case runner's CHECK(), and a pool of kthreads released together.
 */
#ifndef _TEST_ATOMIC_ARENA_H
#define _TEST_ATOMIC_ARENA_H

#include <linux/completion.h>
#include <linux/types.h>

struct aa_test_case {
	const char *name;
	void (*fn)(void);
};

extern const struct aa_test_case aa_functional_cases[];
extern const unsigned int aa_functional_count;
extern const struct aa_test_case aa_limits_cases[];
extern const unsigned int aa_limits_count;
extern const struct aa_test_case aa_fault_cases[];
extern const unsigned int aa_fault_count;
extern const struct aa_test_case aa_observe_cases[];
extern const unsigned int aa_observe_count;
void aa_observe_cleanup(void);
extern const struct aa_test_case aa_hammer_cases[];
extern const unsigned int aa_hammer_count;
bool aa_hammer_enabled(void);
void aa_hammer_cleanup(void);

/* The arena left for selftests/atomic_arena.sh to inspect in debugfs. */
int aa_make_fixture(void);
void aa_destroy_fixture(void);

/* Results of the case being run (main.c). */
bool aa_test_check(bool ok, const char *what, const char *fn, int line);
void aa_test_skip(const char *why);

/* Fails the running case, with the condition and line, when @cond is false. */
#define CHECK(cond) aa_test_check((cond), #cond, __func__, __LINE__)

/* A kthread of a pool run by aa_run_workers() (workers.c). */
struct aa_worker {
	struct task_struct *task;
	struct completion *start;
	struct completion done;
	int (*fn)(struct aa_worker *w);
	void *ctx;
	unsigned int id;
	/* Results, read after the worker stopped. */
	unsigned long slots;		/* slots taken */
	unsigned long calls_ok;
	unsigned long calls_failed;
	unsigned long violations;
};

unsigned int aa_nr_workers(void);
int aa_run_workers(struct aa_worker *w, unsigned int n,
		   int (*fn)(struct aa_worker *), void *ctx, bool bind);

#endif /* _TEST_ATOMIC_ARENA_H */
