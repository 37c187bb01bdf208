/* SPDX-License-Identifier: GPL-2.0 */
/*
 * atomic_arena_compat.h - every kernel-version difference, in one place
 *
 * The project supports Linux 5.10 and later. Code elsewhere calls the
 * helpers below instead of testing kernel versions itself.
 */
#ifndef _ATOMIC_ARENA_COMPAT_H
#define _ATOMIC_ARENA_COMPAT_H

#include <linux/gfp.h>
#include <linux/vmalloc.h>
#include <linux/version.h>

#if LINUX_VERSION_CODE < KERNEL_VERSION(5, 10, 0)
#error "atomic-arena needs Linux 5.10 or later"
#endif

/*
 * Zeroed vmalloc that fails quietly: a too-large arena is a caller error
 * reported as -ENOMEM, not an allocation-failure splat. __vmalloc() has
 * taken (size, gfp) since 5.8.
 */
static inline void *atomic_arena_vmalloc(size_t size)
{
	return __vmalloc(size, GFP_KERNEL | __GFP_ZERO | __GFP_NOWARN);
}

#endif /* _ATOMIC_ARENA_COMPAT_H */
