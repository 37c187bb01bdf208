// SPDX-License-Identifier: GPL-2.0
/*
 * The functional cases of creating and destroying arenas that the API
 * suite (selftests/api.c) cannot make: the longest name in debugfs,
 * -ENOMEM at MemAvailable's edge, each allocation of create failed by
 * fault injection, the module's exit.
 */
#define _GNU_SOURCE
#include <string.h>

#include <linux/err.h>
#include <linux/fault-inject.h>
#include <linux/mm.h>

#include "functional.h"

/*
 * The longest valid name is whole in debugfs too. Every error of create,
 * -EEXIST and destroy of NULL and error pointers are the API suite's
 * (selftests/api.c, natively in kunit.c, which checks after each case
 * that it left no storage allocated).
 */
void test_create_longest_name(void)
{
	struct atomic_arena *a = new_arena("this-name-is-thirty-one-bytes-x",
					   1, 1, 2);

	CHECK(shim_debugfs_exists("atomic_arena/this-name-is-thirty-one-bytes-x/stats"));
	atomic_arena_destroy(a);
}

/* MemAvailable's edge: a page more is refused, a page and a byte is two. */
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
