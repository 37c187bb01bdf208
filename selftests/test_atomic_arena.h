/* SPDX-License-Identifier: GPL-2.0 */
/*
 * test_atomic_arena.h - what the parts of the test module share: the
 * suites, the arenas left for debugfs, and a pool of kthreads released
 * together. The cases are written against the KUnit API (test_kunit.h).
 */
#ifndef _TEST_ATOMIC_ARENA_H
#define _TEST_ATOMIC_ARENA_H

#include <linux/completion.h>
#include <linux/err.h>
#include <linux/types.h>

#include "../atomic_arena.h"
#include "test_kunit.h"

/*
 * The suites (one file each), run by main.c, which chooses them from the
 * module's parameters. Arenas some cases leave alive for the script's
 * debugfs checks are destroyed by their file's cleanup, at unload.
 */
extern struct kunit_suite aa_api_suite;
extern struct kunit_suite aa_contexts_suite;
extern struct kunit_suite aa_concurrency_suite;
extern struct kunit_suite aa_limits_suite;
extern struct kunit_suite aa_hammer_suite;
extern struct kunit_suite aa_fault_suite;
extern struct kunit_suite aa_observe_suite;
bool aa_hammer_enabled(void);
void aa_concurrency_cleanup(void);
void aa_hammer_cleanup(void);
void aa_observe_cleanup(void);

/* The arena left for selftests/atomic_arena.sh to inspect in debugfs. */
int aa_make_fixture(void);
void aa_destroy_fixture(void);

/* Creates an arena the case cannot go on without; NULL fails the case. */
static inline struct atomic_arena *new_arena(struct kunit *test,
					     const char *name, size_t size,
					     size_t align, unsigned long cap)
{
	struct atomic_arena *a = atomic_arena_create(name, size, align, cap);

	if (!aa_check(test, !IS_ERR(a))) {
		kunit_info(test, "create(%s): %ld", name, PTR_ERR(a));
		return NULL;
	}
	return a;
}

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
