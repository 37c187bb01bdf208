/* SPDX-License-Identifier: GPL-2.0 */
/*
 * debugfs as a small tree in memory (tools/shim/debugfs.c). As in the
 * kernel, creating never waits for readers, and debugfs_remove_recursive()
 * waits for the reads in flight in the files it removes, after which
 * opening them fails. Tests read a file by path with shim_debugfs_read().
 */
#ifndef _SHIM_LINUX_DEBUGFS_H
#define _SHIM_LINUX_DEBUGFS_H

#include "../shim/base.h"
#include "seq_file.h"

struct dentry;

struct dentry *debugfs_create_dir(const char *name, struct dentry *parent);
struct dentry *debugfs_create_file(const char *name, umode_t mode,
				   struct dentry *parent, void *data,
				   const struct file_operations *fops);
void debugfs_remove_recursive(struct dentry *dentry);

#endif
