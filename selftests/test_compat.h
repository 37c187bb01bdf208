/* SPDX-License-Identifier: GPL-2.0 */
/*
 * test_compat.h - what the test modules need that some kernels lack, or
 * that differs between architectures; the library's own differences are
 * in ../atomic_arena_compat.h. What is missing is provided under its
 * upstream name, so that the tests read like code for the newest kernel
 * and this file shrinks as the oldest supported kernel moves on.
 */
#ifndef _TEST_ATOMIC_ARENA_COMPAT_H
#define _TEST_ATOMIC_ARENA_COMPAT_H

#include <linux/cpumask.h>
#include <linux/errno.h>
#include <linux/hrtimer.h>
#include <linux/kasan.h>
#include <linux/types.h>

/* hrtimer_setup() replaced hrtimer_init() plus ->function in 6.13. */
#ifndef ATOMIC_ARENA_HAVE_HRTIMER_SETUP
static inline void hrtimer_setup(struct hrtimer *timer,
				 enum hrtimer_restart (*function)(struct hrtimer *),
				 clockid_t clock_id, enum hrtimer_mode mode)
{
	hrtimer_init(timer, clock_id, mode);
	timer->function = function;
}
#endif

#if defined(CONFIG_KASAN_GENERIC) && defined(CONFIG_KASAN_VMALLOC)
/* The KASAN shadow byte of @p, read without instrumentation. */
static noinline __no_sanitize_address __maybe_unused u8
aa_kasan_shadow(const void *p)
{
	return *(u8 *)kasan_mem_to_shadow(p);
}
#else
static inline u8 aa_kasan_shadow(const void *p)
{
	return 0;
}
#endif

/*
 * Sending an NMI to one CPU, for the stress test: only on x86, through the
 * local APIC, with a handler on the NMI_LOCAL chain.
 */
#ifdef CONFIG_X86_LOCAL_APIC
#include <asm/apic.h>
#include <asm/nmi.h>

#define AA_NMI_NONE		NULL
#define AA_NMI_HANDLED		NMI_HANDLED
#define AA_NMI_DONE		NMI_DONE
#define aa_nmi_register(fn) \
	register_nmi_handler(NMI_LOCAL, fn, 0, "atomic_arena_test")
#define aa_nmi_unregister() \
	unregister_nmi_handler(NMI_LOCAL, "atomic_arena_test")

static inline void aa_nmi_send(unsigned int cpu)
{
	apic->send_IPI_mask(cpumask_of(cpu), NMI_VECTOR);
}
#else
/*
 * No NMI source for modules: registering fails, so nothing is sent; why,
 * from this kernel's own configuration. arm64 takes NMIs only as GICv3
 * pseudo-NMIs (CONFIG_ARM64_PSEUDO_NMI, off in Debian's kernels), and even
 * with them no NMI IPI is exported to modules.
 */
#if defined(CONFIG_ARM64) && !defined(CONFIG_ARM64_PSEUDO_NMI)
#define AA_NMI_NONE \
	"arm64 kernel without CONFIG_ARM64_PSEUDO_NMI: it never takes an NMI"
#elif defined(CONFIG_ARM64)
#define AA_NMI_NONE \
	"arm64 pseudo-NMIs are built in, but no NMI IPI is exported to modules"
#else
#define AA_NMI_NONE	"no NMI source for modules on this architecture"
#endif
#define AA_NMI_HANDLED		1
#define AA_NMI_DONE		0
#define aa_nmi_register(fn)	((void)(fn), -EOPNOTSUPP)
#define aa_nmi_unregister()	do { } while (0)

static inline void aa_nmi_send(unsigned int cpu)
{
}
#endif

#endif /* _TEST_ATOMIC_ARENA_COMPAT_H */
