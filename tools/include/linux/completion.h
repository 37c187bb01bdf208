/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The type only: the test module's worker pool (selftests/
 * test_atomic_arena.h) embeds one in each worker. No native program runs
 * that pool, so nothing waits on a completion here.
 */
#ifndef _SHIM_LINUX_COMPLETION_H
#define _SHIM_LINUX_COMPLETION_H

#include "../shim/base.h"

struct completion {
	unsigned int done;
};

#endif
