/* SPDX-License-Identifier: GPL-2.0 */
/* User space has no NMI: every call runs as in task context. */
#ifndef _SHIM_LINUX_PREEMPT_H
#define _SHIM_LINUX_PREEMPT_H

#include "../shim/base.h"

#define in_nmi()	0

#endif
