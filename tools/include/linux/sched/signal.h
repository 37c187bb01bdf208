/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A user-space thread is never sent a fatal signal that the code must
 * notice, and is preempted without asking: both are no-ops.
 */
#ifndef _SHIM_LINUX_SCHED_SIGNAL_H
#define _SHIM_LINUX_SCHED_SIGNAL_H

#include "../../shim/base.h"

#define current				NULL
#define fatal_signal_pending(task)	((void)(task), false)
#define cond_resched()			do { } while (0)

#endif
