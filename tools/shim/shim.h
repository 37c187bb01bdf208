/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the native test programs use besides the arena's API: the module's
 * init and exit, the thread's "CPU", debugfs reads, fault injection and
 * the printk log.
 */
#ifndef _SHIM_SHIM_H
#define _SHIM_SHIM_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct fault_attr;

int shim_module_init(void);
void shim_module_exit(void);

/* Makes this thread CPU @cpu (< SHIM_NR_CPUS) for per-CPU data. */
void shim_set_cpu(unsigned int cpu);
/* The possible CPUs are 0..@n-1 (default: SHIM_NR_CPUS); before any arena. */
void shim_set_nr_cpus(unsigned int n);

/*
 * Reads a debugfs file whole, through its file_operations, as cat would
 * (in reads of @chunk bytes; 0 for one read). Returns 0 and a malloc'd,
 * NUL-terminated *@out, or -ENOENT when the file does not exist (or is
 * being removed).
 */
int shim_debugfs_read(const char *path, size_t chunk, char **out);
/*
 * Opens a debugfs file, seeks (llseek) to @off from @whence (SEEK_SET,
 * SEEK_CUR, SEEK_END) unless both are 0, and reads up to @size bytes into
 * @buf in reads of @chunk (0: one read). Returns the bytes read, or -errno.
 */
ssize_t shim_debugfs_pread(const char *path, long long off, int whence,
			   size_t chunk, void *buf, size_t size);
bool shim_debugfs_exists(const char *path);

/*
 * The value of "@key:" in arena @arena's debugfs stats: its text, at most
 * @len - 1 bytes, in @val (false when the file or the key is missing); or
 * as a number (-1 when missing).
 */
bool shim_arena_stat_str(const char *arena, const char *key, char *val,
			 size_t len);
long shim_arena_stat(const char *arena, const char *key);

/* The fault attribute created under @name, or NULL. */
struct fault_attr *shim_fault_attr(const char *name);

/* printk log: whether a line containing @s was printed; clear it. */
bool shim_log_contains(const char *s);
void shim_log_clear(void);
/* Whether printk also writes each line to stdout, as dmesg shows it. */
void shim_printk_console(bool on);

/* Overrides MemAvailable (pages) for tests; -1 restores the real one. */
void shim_set_mem_available(long pages);

/* Storage allocations alive (vmalloc and per-CPU), for leak checks. */
long shim_allocations(void);

#endif
