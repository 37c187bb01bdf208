/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHIM_LINUX_PROCESSOR_H
#define _SHIM_LINUX_PROCESSOR_H

/* x86's pause, as the kernel's cpu_relax(). */
#define cpu_relax()	asm volatile("pause" ::: "memory")

#endif
