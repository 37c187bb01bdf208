/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A sleeping lock on pthreads. It records its owner, so that
 * lockdep_assert_held() checks what lockdep checks: that this thread holds
 * it.
 */
#ifndef _SHIM_LINUX_MUTEX_H
#define _SHIM_LINUX_MUTEX_H

#include <pthread.h>

#include "../shim/base.h"

struct mutex {
	pthread_mutex_t lock;
	pthread_t owner;
	bool held;
};

#define DEFINE_MUTEX(name) \
	struct mutex name = { .lock = PTHREAD_MUTEX_INITIALIZER }

void mutex_lock(struct mutex *m);
void mutex_unlock(struct mutex *m);
bool shim_mutex_held(struct mutex *m);

#define lockdep_assert_held(m)	BUG_ON(!shim_mutex_held(m))

#endif
