// SPDX-License-Identifier: GPL-2.0
/*
 * typed_wrong_type.c - must NOT compile.
 *
 * scripts/check.sh builds this file on its own and expects the compiler to
 * reject it: a typed arena of u32 is handed a u64 and asked for a u16.
 * Kbuild builds with -Werror=incompatible-pointer-types, so that mistake
 * is a compile error, not a silent memory corruption.
 */
#include <linux/module.h>
#include "atomic_arena.h"

DEFINE_ATOMIC_ARENA(u32s, u32);

static int __init wrong_type_init(void)
{
	struct u32s_arena *a = u32s_arena_create("wrong-type", 4);
	u64 wide = 1;
	u16 *narrow;

	narrow = u32s_arena_alloc(a, &wide);
	u32s_arena_destroy(a);
	return narrow ? 0 : -ENOMEM;
}
module_init(wrong_type_init);
MODULE_LICENSE("GPL");
