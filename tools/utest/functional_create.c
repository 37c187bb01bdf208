// SPDX-License-Identifier: GPL-2.0
/*
 * The functional cases of creating and destroying arenas: every error of
 * create, in order; -ENOMEM, -EEXIST; destroy of NULL and error pointers;
 * each allocation of create failed by fault injection; the module's exit.
 */
#define _GNU_SOURCE
#include <string.h>

#include <linux/err.h>
#include <linux/fault-inject.h>
#include <linux/mm.h>

#include "functional.h"

void test_create_bad_input(void)
{
	static const struct {
		const char *name;
		size_t size, align;
		unsigned long cap;
		int err;
	} bad[] = {
		{ NULL,		8, 8, 16, -EINVAL },
		{ "",		8, 8, 16, -EINVAL },
		{ "a/b",	8, 8, 16, -EINVAL },
		{ ".",		8, 8, 16, -EINVAL },
		{ "..",		8, 8, 16, -EINVAL },
		{ "arenas",	8, 8, 16, -EINVAL },
		{ "fail_create", 8, 8, 16, -EINVAL },
		{ "this-name-is-thirty-two-bytes-xx", 8, 8, 16, -EINVAL },
		{ "t",		0, 8, 16, -EINVAL },
		{ "t",		8, 8, 0, -EINVAL },
		{ "t",		8, 0, 16, -EINVAL },
		{ "t",		8, 3, 16, -EINVAL },
		{ "t",		8, 24, 16, -EINVAL },
		{ "t",		8, PAGE_SIZE * 2, 16, -EINVAL },
		{ "t",		SIZE_MAX, 8, 1, -EOVERFLOW },
		{ "t",		SIZE_MAX / 2, 1, 3, -EOVERFLOW },
		{ "t",		8, 8, ULONG_MAX, -EOVERFLOW },
		{ "t",		1, 1, LONG_MAX / 2 + 1, -EOVERFLOW },
	};
	long before = shim_allocations();
	struct atomic_arena *a;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		a = atomic_arena_create(bad[i].name, bad[i].size, bad[i].align,
					bad[i].cap);
		if (!CHECK_EQ(PTR_ERR_OR_ZERO(a), bad[i].err))
			printf("# bad[%u]\n", i);
		atomic_arena_destroy(a);
	}
	CHECK_EQ(shim_allocations(), before);

	/* Longest valid name, and the largest alignment. */
	a = new_arena("this-name-is-thirty-one-bytes-x", 1, PAGE_SIZE, 2);
	CHECK(shim_debugfs_exists("atomic_arena/this-name-is-thirty-one-bytes-x/stats"));
	atomic_arena_destroy(a);
}

void test_create_nomem(void)
{
	long before = shim_allocations();
	struct atomic_arena *a;

	/* 100 pages available: 101 pages of storage are refused. */
	shim_set_mem_available(100);
	a = atomic_arena_create("nomem", PAGE_SIZE, 8, 101);
	CHECK_EQ(PTR_ERR_OR_ZERO(a), -ENOMEM);
	atomic_arena_destroy(a);
	a = new_arena("nomem", PAGE_SIZE, 8, 100);
	atomic_arena_destroy(a);
	/* A page and a byte need two pages, not one. */
	shim_set_mem_available(1);
	a = atomic_arena_create("nomem", 1, 1, PAGE_SIZE + 1);
	CHECK_EQ(PTR_ERR_OR_ZERO(a), -ENOMEM);
	atomic_arena_destroy(a);
	a = new_arena("nomem", 1, 1, PAGE_SIZE);
	atomic_arena_destroy(a);
	shim_set_mem_available(-1);
	CHECK_EQ(shim_allocations(), before);
	CHECK(!shim_debugfs_exists("atomic_arena/nomem"));
}

void test_create_duplicate(void)
{
	struct atomic_arena *a = new_arena("dup", 8, 8, 4), *b;
	long before = shim_allocations();

	/* Refused before any allocation, however large the second one. */
	b = atomic_arena_create("dup", PAGE_SIZE, 8, LONG_MAX / 2 / PAGE_SIZE);
	CHECK_EQ(PTR_ERR_OR_ZERO(b), -EEXIST);
	CHECK_EQ(shim_allocations(), before);
	atomic_arena_destroy(a);
	b = new_arena("dup", 8, 8, 4);
	atomic_arena_destroy(b);
}

void test_destroy_null(void)
{
	long before = shim_allocations();

	atomic_arena_destroy(NULL);
	atomic_arena_destroy(ERR_PTR(-EINVAL));
	atomic_arena_destroy(ERR_PTR(-ENOMEM));
	CHECK_EQ(shim_allocations(), before);
}

/* Each of create's three allocations fails in turn: -ENOMEM, no leak. */
void test_create_injected_failure(void)
{
	static const char *const what[] = { "arena", "stats", "storage" };
	struct fault_attr *attr = shim_fault_attr("fail_create");
	long before = shim_allocations();
	struct atomic_arena *a;
	char line[64];
	int space;

	if (!CHECK(attr) || !CHECK(shim_debugfs_exists("atomic_arena/fail_create")))
		return;
	for (space = 1; space <= 3; space++) {
		shim_log_clear();
		attr->probability = 100;
		attr->times = 1;
		attr->space = space;
		a = atomic_arena_create("inject", 16, 8, 64);
		CHECK_EQ(PTR_ERR_OR_ZERO(a), -ENOMEM);
		snprintf(line, sizeof(line), "fail_create: failing the %s allocation",
			 what[space - 1]);
		if (!CHECK(shim_log_contains(line)))
			printf("# space %d: no \"%s\"\n", space, line);
		atomic_arena_destroy(a);
		CHECK_EQ(shim_allocations(), before);
		CHECK(!shim_debugfs_exists("atomic_arena/inject"));
	}
	/* A per-CPU arena's fourth allocation: its batches. */
	shim_log_clear();
	attr->probability = 100;
	attr->times = 1;
	attr->space = 4;
	a = atomic_arena_create_flags("inject", 16, 8, 64, ATOMIC_ARENA_PERCPU);
	CHECK_EQ(PTR_ERR_OR_ZERO(a), -ENOMEM);
	CHECK(shim_log_contains("fail_create: failing the batches allocation"));
	CHECK_EQ(shim_allocations(), before);
	attr->times = 0;
	a = new_arena("inject", 16, 8, 64);
	atomic_arena_destroy(a);
}

/* The module's exit frees an arena a user leaked, and says so. */
void test_module_exit_frees_leaks(void)
{
	struct atomic_arena *a = new_arena("leaked", 8, 8, 4);

	if (!a)
		return;
	shim_log_clear();
	shim_module_exit();
	CHECK(shim_log_contains("arena 'leaked' was never destroyed"));
	CHECK_EQ(shim_allocations(), 0);
	CHECK(!shim_debugfs_exists("atomic_arena"));
	CHECK_EQ(shim_module_init(), 0);
}
