/* SPDX-License-Identifier: GPL-2.0 */
/* Cache-line alignment is real: 64 bytes on x86-64; kzalloc() honours it. */
#ifndef _SHIM_LINUX_CACHE_H
#define _SHIM_LINUX_CACHE_H

#include "../shim/base.h"

#define L1_CACHE_BYTES			64
#define SMP_CACHE_BYTES			L1_CACHE_BYTES
#define ____cacheline_aligned_in_smp	__attribute__((__aligned__(SMP_CACHE_BYTES)))

#endif
