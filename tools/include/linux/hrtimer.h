/* SPDX-License-Identifier: GPL-2.0 */
/*
 * No timers here: the test module's headers include this, but the cases
 * that run natively (tools/utest/kunit.c) arm none. Its programs are built
 * with -DATOMIC_ARENA_HAVE_HRTIMER_SETUP, as Kbuild builds the modules for
 * a kernel with hrtimer_setup(), so selftests/test_compat.h defines no
 * hrtimer_init() wrapper.
 */
#include "../shim/base.h"
