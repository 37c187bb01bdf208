/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The module's init and exit become shim_module_init()/shim_module_exit(),
 * which a test program calls as insmod and rmmod would. Exports are plain
 * global functions.
 */
#ifndef _SHIM_LINUX_MODULE_H
#define _SHIM_LINUX_MODULE_H

#include "../shim/base.h"

struct module;
#define THIS_MODULE	((struct module *)0)

#define EXPORT_SYMBOL(sym)
#define module_init(fn)	int shim_module_init(void) { return fn(); }
#define module_exit(fn)	void shim_module_exit(void) { fn(); }
#define MODULE_DESCRIPTION(s)
#define MODULE_AUTHOR(s)
#define MODULE_LICENSE(s)
#define MODULE_VERSION(s)

#endif
