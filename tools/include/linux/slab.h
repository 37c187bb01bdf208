/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kzalloc() aligns to the cache line at least, as the kernel's kmalloc
 * caches do for objects that ask for it (the arena's counter relies on it).
 */
#ifndef _SHIM_LINUX_SLAB_H
#define _SHIM_LINUX_SLAB_H

#include "../shim/base.h"
#include "gfp.h"

#define ZERO_SIZE_PTR	((void *)16)

void *kzalloc(size_t size, gfp_t flags);
void kfree(const void *p);
/* Zeroed all the same: nothing relies on kmalloc()'s garbage. */
#define kmalloc(size, flags)	kzalloc(size, flags)

#endif
