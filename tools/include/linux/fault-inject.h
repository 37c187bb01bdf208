/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Fault injection with the kernel's should_fail() rules for the knobs
 * tests use: probability (percent), times, space (a budget that calls
 * spend by their size before failures start). Each attribute created with
 * fault_create_debugfs_attr() gets a debugfs directory, and tests find it
 * by name with shim_fault_attr().
 */
#ifndef _SHIM_LINUX_FAULT_INJECT_H
#define _SHIM_LINUX_FAULT_INJECT_H

#include "../shim/base.h"

struct dentry;

struct fault_attr {
	long probability;
	long times;
	long space;
	const char *name;
};

#define DECLARE_FAULT_ATTR(name) \
	struct fault_attr name = { .times = 1 }

bool should_fail(struct fault_attr *attr, ssize_t size);
struct dentry *fault_create_debugfs_attr(const char *name,
					 struct dentry *parent,
					 struct fault_attr *attr);

#endif
