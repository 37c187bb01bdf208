/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Only for atomic_arena_compat.h's test helper, which the arena never
 * calls: declarations, no timers.
 */
#ifndef _SHIM_LINUX_HRTIMER_H
#define _SHIM_LINUX_HRTIMER_H

#include "../shim/base.h"

#define ATOMIC_ARENA_HAVE_HRTIMER_SETUP 1

enum hrtimer_restart { HRTIMER_NORESTART, HRTIMER_RESTART };
enum hrtimer_mode { HRTIMER_MODE_REL };
struct hrtimer {
	enum hrtimer_restart (*function)(struct hrtimer *);
};
void hrtimer_setup(struct hrtimer *timer,
		   enum hrtimer_restart (*fn)(struct hrtimer *),
		   clockid_t clock, enum hrtimer_mode mode);

#endif
