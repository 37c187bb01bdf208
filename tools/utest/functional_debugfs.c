// SPDX-License-Identifier: GPL-2.0
/*
 * The functional cases of debugfs: an arena's stats and the list of
 * arenas, read whole and in pieces, and gone after destroy; an ordered
 * arena's data file.
 */
#define _GNU_SOURCE
#include <string.h>

#include <linux/err.h>

#include "functional.h"

void test_debugfs(void)
{
	struct atomic_arena *a = new_arena("dbg", 8, 8, 7);
	char *whole, *chunked;
	uint64_t v = 3;

	if (!a)
		return;
	atomic_arena_alloc(a, &v);
	atomic_arena_append(a, NULL, 2);
	CHECK(!atomic_arena_reserve(a, 5));
	CHECK_EQ(stat_of("dbg", "capacity"), 7);
	CHECK_EQ(stat_of("dbg", "in_use"), 3);
	CHECK_EQ(stat_of("dbg", "allocs"), 1);
	CHECK_EQ(stat_of("dbg", "bulk"), 1);
	CHECK_EQ(stat_of("dbg", "bulk_fails"), 1);
	CHECK_EQ(stat_of("dbg", "elem_size"), 8);
	/* Read in 7-byte pieces, it is the same text. */
	if (CHECK(!shim_debugfs_read("atomic_arena/dbg/stats", 0, &whole))) {
		if (CHECK(!shim_debugfs_read("atomic_arena/dbg/stats", 7,
					     &chunked))) {
			CHECK(!strcmp(whole, chunked));
			free(chunked);
		}
		CHECK(strstr(whole, "name:          dbg\n"));
		free(whole);
	}
	if (CHECK(!shim_debugfs_read("atomic_arena/arenas", 0, &whole))) {
		CHECK(strstr(whole, "\ndbg "));
		free(whole);
	}
	atomic_arena_destroy(a);
	CHECK(!shim_debugfs_exists("atomic_arena/dbg"));
	CHECK_EQ(shim_debugfs_read("atomic_arena/dbg/stats", 0, &whole),
		 -ENOENT);
	if (CHECK(!shim_debugfs_read("atomic_arena/arenas", 0, &whole))) {
		CHECK(!strstr(whole, "\ndbg "));
		free(whole);
	}
}

/* Byte @j of element @i in the data cases: never 0. */
static unsigned char data_byte(unsigned long i, size_t j)
{
	return (i * 16 + j) % 255 + 1;
}

/*
 * <name>/data of an ordered arena: elem_size bytes a slot in use (no
 * stride padding), in index order; any offset, any read size, lseek.
 */
void test_debugfs_data(void)
{
	struct atomic_arena *a = new_arena("data", 12, 8, 8);	/* stride 16 */
	unsigned char e[12], whole[128], part[128];
	unsigned long i;
	size_t j;

	if (!a)
		return;
	CHECK_EQ(shim_debugfs_pread("atomic_arena/data/data", 0, 0, 0, whole,
				    sizeof(whole)), 0);
	for (i = 0; i < 5; i++) {
		for (j = 0; j < sizeof(e); j++)
			e[j] = data_byte(i, j);
		CHECK(atomic_arena_alloc(a, e));
	}
	if (!CHECK_EQ(shim_debugfs_pread("atomic_arena/data/data", 0, 0, 0,
					 whole, sizeof(whole)), 60))
		goto out;
	for (i = 0; i < 60; i++)
		if (!CHECK_EQ(whole[i], data_byte(i / 12, i % 12)))
			break;
	/* From an odd offset in 5-byte reads, from the end, past the end. */
	CHECK_EQ(shim_debugfs_pread("atomic_arena/data/data", 7, SEEK_SET, 5,
				    part, sizeof(part)), 53);
	CHECK(!memcmp(part, whole + 7, 53));
	CHECK_EQ(shim_debugfs_pread("atomic_arena/data/data", -13, SEEK_END, 3,
				    part, sizeof(part)), 13);
	CHECK(!memcmp(part, whole + 47, 13));
	CHECK_EQ(shim_debugfs_pread("atomic_arena/data/data", 61, SEEK_SET, 0,
				    part, sizeof(part)), 0);
	CHECK_EQ(shim_debugfs_pread("atomic_arena/data/data", -61, SEEK_END, 0,
				    part, sizeof(part)), -EINVAL);
out:
	atomic_arena_destroy(a);
	CHECK_EQ(shim_debugfs_pread("atomic_arena/data/data", 0, 0, 0, whole,
				    sizeof(whole)), -ENOENT);
}
