/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The errno values, as the uapi header has them: libc's <errno.h> (which
 * shim/base.h includes) comes here through <bits/errno.h> too.
 */
#include <asm/errno.h>
