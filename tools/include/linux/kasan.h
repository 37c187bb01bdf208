/* SPDX-License-Identifier: GPL-2.0 */
/*
 * No KASAN (CONFIG_KASAN is not set): AddressSanitizer checks the native
 * programs instead, and the KASAN case of the test module skips.
 */
#include "../shim/base.h"
