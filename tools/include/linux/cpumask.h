/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The possible CPUs: SHIM_NR_CPUS (the threads that may claim a CPU
 * number), or fewer once a program says how many it uses
 * (shim_set_nr_cpus()), as a kernel's possible CPUs are those it has.
 */
#ifndef _SHIM_LINUX_CPUMASK_H
#define _SHIM_LINUX_CPUMASK_H

#include "../shim/base.h"

extern unsigned int nr_cpu_ids;

#define num_possible_cpus()	nr_cpu_ids
#define for_each_possible_cpu(cpu) \
	for ((cpu) = 0; (cpu) < (int)nr_cpu_ids; (cpu)++)

#endif
