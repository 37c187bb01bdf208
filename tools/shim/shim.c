// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel services the arena calls, in user space: printk, BUG, mutex,
 * kzalloc, vmalloc, per-CPU memory, MemAvailable and MemTotal, strscpy
 * and fault injection. Built with ordinary user-space flags; only the
 * arena object gets the kernel's.
 */
#define _GNU_SOURCE
#include <asm/prctl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../include/linux/debugfs.h"
#include "../include/linux/fault-inject.h"
#include "../include/linux/mm.h"
#include "../include/linux/mutex.h"
#include "../include/linux/percpu.h"
#include "../include/linux/printk.h"
#include "shim.h"

/* printk ---------------------------------------------------------------- */

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static char *log_buf;
static size_t log_len;
static bool console;

void shim_printk_console(bool on)
{
	console = on;
}

void shim_printk(const char *fmt, ...)
{
	char line[512];
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	n = strlen(line);
	pthread_mutex_lock(&log_lock);
	log_buf = realloc(log_buf, log_len + n + 1);
	if (!log_buf)
		abort();
	memcpy(log_buf + log_len, line, n + 1);
	log_len += n;
	if (console) {
		/* As dmesg shows it: without its KERN_<level> prefix. */
		fputs(line[0] == '<' && line[1] && line[2] == '>' ? line + 3 : line,
		      stdout);
		fflush(stdout);
	}
	pthread_mutex_unlock(&log_lock);
	if (getenv("SHIM_PRINTK"))
		fputs(line, stderr);
}

int vscnprintf(char *buf, size_t size, const char *fmt, va_list args)
{
	int n = vsnprintf(buf, size, fmt, args);

	if (n < 0 || !size)
		return 0;
	return (size_t)n < size ? n : (int)size - 1;
}

bool shim_log_contains(const char *s)
{
	bool found;

	pthread_mutex_lock(&log_lock);
	found = log_buf && strstr(log_buf, s);
	pthread_mutex_unlock(&log_lock);
	return found;
}

void shim_log_clear(void)
{
	pthread_mutex_lock(&log_lock);
	log_len = 0;
	if (log_buf)
		log_buf[0] = 0;
	pthread_mutex_unlock(&log_lock);
}

void shim_bug(const char *file, int line, const char *what)
{
	fprintf(stderr, "BUG at %s:%d: %s\n", file, line, what);
	abort();
}

/* mutex ------------------------------------------------------------------ */

void mutex_lock(struct mutex *m)
{
	pthread_mutex_lock(&m->lock);
	m->owner = pthread_self();
	m->held = true;
}

void mutex_unlock(struct mutex *m)
{
	BUG_ON(!shim_mutex_held(m));
	m->held = false;
	pthread_mutex_unlock(&m->lock);
}

/* Only meaningful for the calling thread, which is all lockdep asks. */
bool shim_mutex_held(struct mutex *m)
{
	return m->held && pthread_equal(m->owner, pthread_self());
}

/* Memory ------------------------------------------------------------------ */

static long allocations;

long shim_allocations(void)
{
	return __atomic_load_n(&allocations, __ATOMIC_RELAXED);
}

void *kzalloc(size_t size, gfp_t flags)
{
	void *p;

	if (posix_memalign(&p, 64, size ? size : 1))
		return NULL;
	return memset(p, 0, size);
}

void kfree(const void *p)
{
	free((void *)p);
}

#if defined(__SANITIZE_ADDRESS__) || defined(SHIM_ASAN)
void *__vmalloc(unsigned long size, gfp_t gfp_mask)
{
	void *p;

	if (!size || posix_memalign(&p, PAGE_SIZE, size))
		return NULL;
	__atomic_fetch_add(&allocations, 1, __ATOMIC_RELAXED);
	return memset(p, 0, size);
}

void vfree(const void *addr)
{
	if (addr)
		__atomic_fetch_sub(&allocations, 1, __ATOMIC_RELAXED);
	free((void *)addr);
}
#else
/* Sizes of the live mappings, to unmap them whole. */
struct vm_area {
	void *addr;
	size_t size;
	struct vm_area *next;
};

static pthread_mutex_t vm_lock = PTHREAD_MUTEX_INITIALIZER;
static struct vm_area *vm_areas;

void *__vmalloc(unsigned long size, gfp_t gfp_mask)
{
	size_t len = (size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	struct vm_area *vm;
	char *p;

	if (!size || len + PAGE_SIZE < len)
		return NULL;
	vm = malloc(sizeof(*vm));
	if (!vm)
		return NULL;
	/* Populated now, as vmalloc allocates every page; zero from mmap. */
	p = mmap(NULL, len + PAGE_SIZE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE | MAP_NORESERVE,
		 -1, 0);
	if (p == MAP_FAILED) {
		free(vm);
		return NULL;
	}
	mprotect(p + len, PAGE_SIZE, PROT_NONE);	/* the guard page */
	vm->addr = p;
	vm->size = len + PAGE_SIZE;
	pthread_mutex_lock(&vm_lock);
	vm->next = vm_areas;
	vm_areas = vm;
	pthread_mutex_unlock(&vm_lock);
	__atomic_fetch_add(&allocations, 1, __ATOMIC_RELAXED);
	return p;
}

void vfree(const void *addr)
{
	struct vm_area **pp, *vm = NULL;

	if (!addr)
		return;
	pthread_mutex_lock(&vm_lock);
	for (pp = &vm_areas; *pp; pp = &(*pp)->next) {
		if ((*pp)->addr == addr) {
			vm = *pp;
			*pp = vm->next;
			break;
		}
	}
	pthread_mutex_unlock(&vm_lock);
	BUG_ON(!vm);
	munmap(vm->addr, vm->size);
	free(vm);
	__atomic_fetch_sub(&allocations, 1, __ATOMIC_RELAXED);
}
#endif

void *shim_alloc_percpu(size_t size, size_t align)
{
	void *p;

	BUG_ON(size > SHIM_PERCPU_UNIT || align > SHIM_PERCPU_UNIT);
	if (posix_memalign(&p, SHIM_PERCPU_UNIT,
			   (size_t)SHIM_NR_CPUS * SHIM_PERCPU_UNIT))
		return NULL;
	__atomic_fetch_add(&allocations, 1, __ATOMIC_RELAXED);
	return memset(p, 0, (size_t)SHIM_NR_CPUS * SHIM_PERCPU_UNIT);
}

void free_percpu(void *p)
{
	if (p)
		__atomic_fetch_sub(&allocations, 1, __ATOMIC_RELAXED);
	free(p);
}

__thread unsigned long shim_cpu_off;
unsigned int nr_cpu_ids = SHIM_NR_CPUS;

void shim_set_nr_cpus(unsigned int n)
{
	BUG_ON(!n || n > SHIM_NR_CPUS);
	nr_cpu_ids = n;
}

void shim_set_cpu(unsigned int cpu)
{
	BUG_ON(cpu >= SHIM_NR_CPUS);
	shim_cpu_off = (unsigned long)cpu * SHIM_PERCPU_UNIT;
	/* %gs:x is then x + cpu * unit: CPU @cpu's copy of x. */
	if (syscall(SYS_arch_prctl, ARCH_SET_GS,
		    (unsigned long)cpu * SHIM_PERCPU_UNIT)) {
		perror("arch_prctl(ARCH_SET_GS)");
		abort();
	}
}

/* Every thread starts as CPU 0: %gs base 0, as a new thread has. */

static long mem_available_override = -1;

void shim_set_mem_available(long pages)
{
	mem_available_override = pages;
}

long si_mem_available(void)
{
	long kb = -1;
	char line[128];
	FILE *f;

	if (mem_available_override >= 0)
		return mem_available_override;
	f = fopen("/proc/meminfo", "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "MemAvailable: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb < 0 ? 0 : kb / (PAGE_SIZE / 1024);
}

unsigned long totalram_pages(void)
{
	long pages = sysconf(_SC_PHYS_PAGES);

	return pages < 0 ? 0 : pages * (sysconf(_SC_PAGESIZE) / PAGE_SIZE);
}

ssize_t strscpy(char *dst, const char *src, size_t count)
{
	size_t len;

	if (!count)
		return -E2BIG;
	len = strnlen(src, count);
	if (len == count) {
		memcpy(dst, src, count - 1);
		dst[count - 1] = 0;
		return -E2BIG;
	}
	memcpy(dst, src, len + 1);
	return len;
}

/* Fault injection ---------------------------------------------------------- */

static struct fault_attr *fault_attrs[8];

bool should_fail(struct fault_attr *attr, ssize_t size)
{
	/* The rules of lib/fault-inject.c for these knobs. */
	if (__atomic_load_n(&attr->times, __ATOMIC_RELAXED) == 0)
		return false;
	if (__atomic_load_n(&attr->space, __ATOMIC_RELAXED) > size) {
		__atomic_fetch_sub(&attr->space, size, __ATOMIC_RELAXED);
		return false;
	}
	if (attr->probability <= random() % 100)
		return false;
	if (__atomic_load_n(&attr->times, __ATOMIC_RELAXED) != -1)
		__atomic_fetch_sub(&attr->times, 1, __ATOMIC_RELAXED);
	return true;
}

struct dentry *fault_create_debugfs_attr(const char *name,
					 struct dentry *parent,
					 struct fault_attr *attr)
{
	unsigned int i;

	attr->name = name;
	for (i = 0; i < ARRAY_SIZE(fault_attrs); i++) {
		if (!fault_attrs[i] || fault_attrs[i] == attr) {
			fault_attrs[i] = attr;
			break;
		}
	}
	return debugfs_create_dir(name, parent);
}

struct fault_attr *shim_fault_attr(const char *name)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(fault_attrs); i++)
		if (fault_attrs[i] && !strcmp(fault_attrs[i]->name, name))
			return fault_attrs[i];
	return NULL;
}
