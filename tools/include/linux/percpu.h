/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-CPU data becomes per-thread data with the kernel's cost. Each thread
 * that calls the arena is a "CPU": it calls shim_set_cpu(n) with a number
 * of its own below SHIM_NR_CPUS, which points the thread's %gs base at
 * CPU n's copy, as the kernel's %gs points at the CPU's per-CPU area. So
 * this_cpu_inc() is the kernel's single, unlocked `incq %gs:(...)`.
 *
 * A __percpu pointer is the address of CPU 0's copy; CPU n's copy lies
 * n * SHIM_PERCPU_UNIT bytes after it. Copies never share a cache line.
 * Unlike the kernel, nothing stops two threads from claiming one CPU
 * number: they would race on the counters (and ThreadSanitizer says so).
 */
#ifndef _SHIM_LINUX_PERCPU_H
#define _SHIM_LINUX_PERCPU_H

#include "../shim/base.h"

#define SHIM_NR_CPUS		256
#define SHIM_PERCPU_UNIT	128

void *shim_alloc_percpu(size_t size, size_t align);
void free_percpu(void *p);
void shim_set_cpu(unsigned int cpu);

#define alloc_percpu(type) \
	((type *)shim_alloc_percpu(sizeof(type), __alignof__(type)))

#define per_cpu_ptr(ptr, cpu) \
	((typeof(ptr))((char *)(ptr) + (size_t)(cpu) * SHIM_PERCPU_UNIT))

/*
 * This thread's offset to its copies: the kernel's this_cpu_off, added
 * with one instruction as the kernel adds %gs:this_cpu_off (here the
 * thread pointer, %fs, finds it).
 */
extern __thread unsigned long shim_cpu_off;

#define raw_cpu_ptr(ptr) ({						\
	unsigned long __p = (unsigned long)(ptr);			\
	asm("add %%fs:shim_cpu_off@tpoff, %0" : "+r" (__p));		\
	(typeof(ptr))__p; })
#define this_cpu_ptr(ptr)	raw_cpu_ptr(ptr)

#include "cpumask.h"

#define this_cpu_inc(pcp) do {						\
	_Static_assert(sizeof(pcp) == 8, "this_cpu_inc: 8 bytes only");	\
	asm volatile("incq %%gs:%0" : "+m" (pcp));			\
} while (0)

#endif
