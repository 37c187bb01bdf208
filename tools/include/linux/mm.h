/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHIM_LINUX_MM_H
#define _SHIM_LINUX_MM_H

#include "../shim/base.h"

#define PAGE_SHIFT	12
#define PAGE_SIZE	(1UL << PAGE_SHIFT)

/* MemAvailable from /proc/meminfo, in pages; tests may override it. */
long si_mem_available(void);
/* MemTotal, in pages. */
unsigned long totalram_pages(void);

#endif
