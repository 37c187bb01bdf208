/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmalloc: page-aligned memory, zeroed and populated up front (as the
 * kernel's vmalloc allocates every page at once), followed by an
 * inaccessible guard page as the kernel's has. Under AddressSanitizer it
 * comes from the sanitizer's allocator instead, so that an access past the
 * end is reported to the byte.
 */
#ifndef _SHIM_LINUX_VMALLOC_H
#define _SHIM_LINUX_VMALLOC_H

#include "../shim/base.h"
#include "gfp.h"

void *__vmalloc(unsigned long size, gfp_t gfp_mask);
void vfree(const void *addr);

#endif
