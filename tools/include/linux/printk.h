/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pr_info() and pr_err() are in shim/base.h, into the shim's log (and onto
 * the console, shim_printk_console()); the kernel's bounded formatting.
 */
#ifndef _SHIM_LINUX_PRINTK_H
#define _SHIM_LINUX_PRINTK_H

#include "../shim/base.h"

/* vsnprintf(), but returns the length written (without the NUL). */
int vscnprintf(char *buf, size_t size, const char *fmt, va_list args)
	__printf(3, 0);

#endif
