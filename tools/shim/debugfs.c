// SPDX-License-Identifier: GPL-2.0
/*
 * debugfs and seq_file in user space. A tree of nodes under one lock that
 * is held only to look up, link and unlink, never while a file is read:
 * creating never waits for readers. Each node counts its readers in
 * flight; debugfs_remove_recursive() unlinks a subtree, then waits until
 * none of its nodes has a reader, as the kernel's waits for active users.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../include/linux/debugfs.h"
#include "../include/linux/fs.h"
#include "../include/linux/err.h"
#include "shim.h"

struct dentry {
	char *name;
	struct dentry *parent, *child, *sibling;
	void *data;
	const struct file_operations *fops;
	int readers;
};

static pthread_mutex_t tree_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t readers_done = PTHREAD_COND_INITIALIZER;
static struct dentry root = { .name = "" };

static struct dentry *create(const char *name, struct dentry *parent,
			     void *data, const struct file_operations *fops)
{
	struct dentry *d, *c;

	if (!parent)
		parent = &root;
	pthread_mutex_lock(&tree_lock);
	for (c = parent->child; c; c = c->sibling)
		if (!strcmp(c->name, name))
			break;
	d = c ? NULL : calloc(1, sizeof(*d));
	if (d) {
		d->name = strdup(name);
		d->parent = parent;
		d->data = data;
		d->fops = fops;
		d->sibling = parent->child;
		parent->child = d;
	}
	pthread_mutex_unlock(&tree_lock);
	/* The kernel returns an error pointer; callers here ignore it. */
	return d ? d : (struct dentry *)(long)-EEXIST;
}

struct dentry *debugfs_create_dir(const char *name, struct dentry *parent)
{
	if (IS_ERR_VALUE((unsigned long)parent))
		return parent;
	return create(name, parent, NULL, NULL);
}

struct dentry *debugfs_create_file(const char *name, umode_t mode,
				   struct dentry *parent, void *data,
				   const struct file_operations *fops)
{
	if (IS_ERR_VALUE((unsigned long)parent))
		return parent;
	return create(name, parent, data, fops);
}

static bool busy(const struct dentry *d)
{
	const struct dentry *c;

	if (d->readers)
		return true;
	for (c = d->child; c; c = c->sibling)
		if (busy(c))
			return true;
	return false;
}

static void free_tree(struct dentry *d)
{
	struct dentry *c, *next;

	for (c = d->child; c; c = next) {
		next = c->sibling;
		free_tree(c);
	}
	free(d->name);
	free(d);
}

void debugfs_remove_recursive(struct dentry *d)
{
	struct dentry **pp;

	if (!d || IS_ERR_VALUE((unsigned long)d))
		return;
	pthread_mutex_lock(&tree_lock);
	for (pp = &d->parent->child; *pp; pp = &(*pp)->sibling) {
		if (*pp == d) {
			*pp = d->sibling;
			break;
		}
	}
	while (busy(d))
		pthread_cond_wait(&readers_done, &tree_lock);
	pthread_mutex_unlock(&tree_lock);
	free_tree(d);
}

/* Looks @path up; called with tree_lock held. */
static struct dentry *lookup(const char *path)
{
	struct dentry *d = &root, *c;
	char *copy = strdup(path), *save, *part;

	for (part = strtok_r(copy, "/", &save); part && d;
	     part = strtok_r(NULL, "/", &save)) {
		for (c = d->child; c; c = c->sibling)
			if (!strcmp(c->name, part))
				break;
		d = c;
	}
	free(copy);
	return d;
}

bool shim_debugfs_exists(const char *path)
{
	bool found;

	pthread_mutex_lock(&tree_lock);
	found = lookup(path);
	pthread_mutex_unlock(&tree_lock);
	return found;
}

/* The file at @path, counted as read until put_file(); NULL if none. */
static struct dentry *get_file(const char *path)
{
	struct dentry *d;

	pthread_mutex_lock(&tree_lock);
	d = lookup(path);
	if (d && d->fops)
		d->readers++;
	else
		d = NULL;
	pthread_mutex_unlock(&tree_lock);
	return d;
}

static void put_file(struct dentry *d)
{
	pthread_mutex_lock(&tree_lock);
	d->readers--;
	pthread_cond_broadcast(&readers_done);
	pthread_mutex_unlock(&tree_lock);
}

ssize_t shim_debugfs_pread(const char *path, long long off, int whence,
			   size_t chunk, void *buf, size_t size)
{
	struct dentry *d = get_file(path);
	struct inode inode = { 0 };
	struct file file = { 0 };
	ssize_t n, done = 0;
	loff_t pos = 0;
	int err;

	if (!d)
		return -ENOENT;
	inode.i_private = d->data;
	err = d->fops->open(&inode, &file);
	if (!err && (off || whence)) {
		pos = d->fops->llseek(&file, off, whence);
		if (pos < 0)
			err = pos;
		else
			file.f_pos = pos;
	}
	while (!err && (size_t)done < size) {
		n = d->fops->read(&file, (char *)buf + done,
				  min(size - done, chunk ? chunk : size), &pos);
		if (n < 0)
			err = n;
		if (n <= 0)
			break;
		done += n;
	}
	if (file.private_data)
		d->fops->release(&inode, &file);
	put_file(d);
	return err ? err : done;
}

int shim_debugfs_read(const char *path, size_t chunk, char **out)
{
	struct inode inode = { 0 };
	struct file file = { 0 };
	size_t len = 0, cap = 256;
	char *buf;
	struct dentry *d;
	loff_t pos = 0;
	ssize_t n;
	int err;

	d = get_file(path);
	if (!d)
		return -ENOENT;
	buf = malloc(cap);

	inode.i_private = d->data;
	err = d->fops->open(&inode, &file);
	while (!err) {
		if (len + (chunk ? chunk : 4096) + 1 > cap) {
			cap = 2 * (len + (chunk ? chunk : 4096) + 1);
			buf = realloc(buf, cap);
		}
		n = d->fops->read(&file, buf + len, chunk ? chunk : cap - len - 1,
				  &pos);
		if (n < 0)
			err = n;
		if (n <= 0)
			break;
		len += n;
	}
	if (!err || file.private_data)
		d->fops->release(&inode, &file);
	put_file(d);

	buf[len] = 0;
	*out = buf;
	if (err)
		free(buf);
	return err;
}

bool shim_arena_stat_str(const char *arena, const char *key, char *val,
			 size_t len)
{
	size_t klen = strlen(key);
	char path[96], *out, *line, *end;
	bool found = false;

	if (!len)
		return false;
	snprintf(path, sizeof(path), "atomic_arena/%s/stats", arena);
	if (shim_debugfs_read(path, 0, &out))
		return false;
	for (line = out; line && *line; line = end ? end + 1 : NULL) {
		end = strchr(line, '\n');
		if (strncmp(line, key, klen) || line[klen] != ':')
			continue;
		line += klen + 1;
		line += strspn(line, " ");
		snprintf(val, len, "%.*s",
			 (int)(end ? end - line : (long)strlen(line)), line);
		found = true;
		break;
	}
	free(out);
	return found;
}

long shim_arena_stat(const char *arena, const char *key)
{
	char val[32];

	return shim_arena_stat_str(arena, key, val, sizeof(val)) ?
	       strtol(val, NULL, 10) : -1;
}

/* seq_file ------------------------------------------------------------------ */

int single_open(struct file *file, int (*show)(struct seq_file *, void *),
		void *data)
{
	struct seq_file *m = calloc(1, sizeof(*m));

	if (!m)
		return -ENOMEM;
	m->show = show;
	m->private = data;
	file->private_data = m;
	return 0;
}

int single_release(struct inode *inode, struct file *file)
{
	struct seq_file *m = file->private_data;

	if (m)
		free(m->buf);
	free(m);
	file->private_data = NULL;
	return 0;
}

static void seq_append(struct seq_file *m, const char *s, size_t n)
{
	if (m->count + n + 1 > m->size) {
		m->size = 2 * (m->count + n + 1);
		m->buf = realloc(m->buf, m->size);
		if (!m->buf)
			abort();
	}
	memcpy(m->buf + m->count, s, n);
	m->count += n;
	m->buf[m->count] = 0;
}

void seq_printf(struct seq_file *m, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		abort();
	seq_append(m, s, n);
	free(s);
}

void seq_puts(struct seq_file *m, const char *s)
{
	seq_append(m, s, strlen(s));
}

ssize_t seq_read(struct file *file, char __user *buf, size_t size,
		 loff_t *ppos)
{
	struct seq_file *m = file->private_data;
	size_t n;
	int err;

	if (!m->shown) {
		m->shown = true;
		err = m->show(m, NULL);
		if (err)
			return err;
	}
	if ((size_t)*ppos >= m->count)
		return 0;
	n = min(size, m->count - (size_t)*ppos);
	memcpy(buf, m->buf + *ppos, n);
	*ppos += n;
	return n;
}

loff_t seq_lseek(struct file *file, loff_t offset, int whence)
{
	return -EINVAL;	/* not used by the tests */
}

loff_t fixed_size_llseek(struct file *file, loff_t offset, int whence,
			 loff_t size)
{
	loff_t base = whence == SEEK_SET ? 0 :
		      whence == SEEK_CUR ? file->f_pos :
		      whence == SEEK_END ? size : -1;

	if (base < 0 || base + offset < 0)
		return -EINVAL;
	return base + offset;
}
