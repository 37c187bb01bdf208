/* SPDX-License-Identifier: GPL-2.0 */
/*
 * User-space threads take no interrupts, and a thread never changes CPU
 * number: with nothing to mask, local_irq_save() is empty. (What it
 * protects against in the kernel, an interrupt on the same CPU, has no
 * counterpart here; the stress tests race other threads instead.)
 */
#ifndef _SHIM_LINUX_IRQFLAGS_H
#define _SHIM_LINUX_IRQFLAGS_H

#define local_irq_save(flags)		do { (flags) = 0; } while (0)
#define local_irq_restore(flags)	do { (void)(flags); } while (0)

#endif
