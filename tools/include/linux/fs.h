/* SPDX-License-Identifier: GPL-2.0 */
/* struct file and its operations (seq_file.h), and fixed_size_llseek(). */
#ifndef _SHIM_LINUX_FS_H
#define _SHIM_LINUX_FS_H

#include "../shim/base.h"
#include "seq_file.h"

#ifndef SEEK_SET
#define SEEK_SET	0
#define SEEK_CUR	1
#define SEEK_END	2
#endif

loff_t fixed_size_llseek(struct file *file, loff_t offset, int whence,
			 loff_t size);

#endif
