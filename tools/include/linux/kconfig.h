/* SPDX-License-Identifier: GPL-2.0 */
/*
 * IS_BUILTIN() and IS_MODULE(), as include/linux/kconfig.h spells them
 * (IS_ENABLED() is in shim/base.h). Nothing is a module here, and
 * CONFIG_KUNIT is not set: the test module's cases run under
 * selftests/test_kunit.h's fallback (tools/utest/kunit.c).
 */
#ifndef _SHIM_LINUX_KCONFIG_H
#define _SHIM_LINUX_KCONFIG_H

#include "../shim/base.h"

#define IS_BUILTIN(option)	__is_defined(option)
#define IS_MODULE(option)	__is_defined(option##_MODULE)

#endif
