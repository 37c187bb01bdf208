/* SPDX-License-Identifier: GPL-2.0 */
/* The kernel's overflow checks are the compiler's builtins too. */
#ifndef _SHIM_LINUX_OVERFLOW_H
#define _SHIM_LINUX_OVERFLOW_H

#include "../shim/base.h"

#define check_add_overflow(a, b, d)	__builtin_add_overflow(a, b, d)
#define check_mul_overflow(a, b, d)	__builtin_mul_overflow(a, b, d)
/* Without the kernel's saturation: the tests' sizes are small. */
#define struct_size(p, member, n) \
	(sizeof(*(p)) + sizeof(*(p)->member) * (size_t)(n))

#endif
