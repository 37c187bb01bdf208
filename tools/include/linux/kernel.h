/* SPDX-License-Identifier: GPL-2.0 */
/* min(), max(), clamp(): see shim/base.h; and the caller's address. */
#ifndef _SHIM_LINUX_KERNEL_H
#define _SHIM_LINUX_KERNEL_H

#include "../shim/base.h"

#define _RET_IP_	((unsigned long)__builtin_return_address(0))

#endif
