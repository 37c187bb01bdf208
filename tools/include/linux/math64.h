/* SPDX-License-Identifier: GPL-2.0 */
/* 64-bit division: one instruction on x86-64, as in the kernel there. */
#ifndef _SHIM_LINUX_MATH64_H
#define _SHIM_LINUX_MATH64_H

#include "../shim/base.h"

static inline u64 div64_u64_rem(u64 dividend, u64 divisor, u64 *remainder)
{
	*remainder = dividend % divisor;
	return dividend / divisor;
}

#endif
