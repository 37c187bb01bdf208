/* SPDX-License-Identifier: GPL-2.0 */
/*
 * seq_file with single_open() and DEFINE_SHOW_ATTRIBUTE(), enough for the
 * arena's show functions to run unchanged: the show function prints into
 * a buffer that grows as needed, and read() copies from it.
 */
#ifndef _SHIM_LINUX_SEQ_FILE_H
#define _SHIM_LINUX_SEQ_FILE_H

#include "../shim/base.h"
#include "module.h"

struct inode {
	void *i_private;
};

struct file {
	void *private_data;
	loff_t f_pos;
};

struct file_operations {
	struct module *owner;
	int (*open)(struct inode *inode, struct file *file);
	ssize_t (*read)(struct file *file, char __user *buf, size_t size,
			loff_t *ppos);
	loff_t (*llseek)(struct file *file, loff_t offset, int whence);
	int (*release)(struct inode *inode, struct file *file);
};

struct seq_file {
	char *buf;
	size_t size;
	size_t count;
	bool shown;
	int (*show)(struct seq_file *m, void *v);
	void *private;
};

int single_open(struct file *file, int (*show)(struct seq_file *, void *),
		void *data);
int single_release(struct inode *inode, struct file *file);
ssize_t seq_read(struct file *file, char __user *buf, size_t size,
		 loff_t *ppos);
loff_t seq_lseek(struct file *file, loff_t offset, int whence);
void seq_printf(struct seq_file *m, const char *fmt, ...) __printf(2, 3);
void seq_puts(struct seq_file *m, const char *s);

#define DEFINE_SHOW_ATTRIBUTE(__name)					\
static int __name ## _open(struct inode *inode, struct file *file)	\
{									\
	return single_open(file, __name ## _show, inode->i_private);	\
}									\
									\
static const struct file_operations __name ## _fops = {		\
	.owner		= THIS_MODULE,					\
	.open		= __name ## _open,				\
	.read		= seq_read,					\
	.llseek		= seq_lseek,					\
	.release	= single_release,				\
}

#endif
