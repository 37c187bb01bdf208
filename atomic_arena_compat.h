/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every difference between kernels, in one place
 *
 * The project supports Linux 5.10 and later (Kbuild refuses older ones).
 * Code elsewhere calls the helpers below instead of testing kernels
 * itself. Where an API changed, Kbuild probes the kernel's headers for it
 * (ATOMIC_ARENA_HAVE_*): distributions backport, so a version number
 * alone would be wrong.
 */
#ifndef _ATOMIC_ARENA_COMPAT_H
#define _ATOMIC_ARENA_COMPAT_H

#include <linux/bits.h>
#include <linux/gfp.h>
#include <linux/hrtimer.h>
#include <linux/vmalloc.h>

/*
 * Zeroed vmalloc that fails quietly: a too-large arena is a caller error
 * reported as -ENOMEM, not an allocation-failure splat, nor an OOM kill of
 * an unrelated process. __vmalloc() has taken (size, gfp) since 5.8 and
 * hands the flags to its page allocations on every kernel supported (5.10
 * and later), so __GFP_RETRY_MAYFAIL keeps the OOM killer out of them; the
 * page tables it maps them with are small and allocated with the kernel's
 * own flags. atomic_arena_create() also refuses, before this, an arena
 * larger than the memory available.
 */
static inline void *atomic_arena_vmalloc(size_t size)
{
	return __vmalloc(size, GFP_KERNEL | __GFP_ZERO | __GFP_NOWARN |
			 __GFP_RETRY_MAYFAIL);
}

/*
 * KASAN: free slots are poisoned so that a slot used after the reset that
 * freed it is reported. No poisoning helper is exported to modules, but
 * generic KASAN exports the shadow setters that compiler-emitted code
 * calls, __asan_set_shadow_xx(shadow address, shadow bytes), and the
 * shadow of vmalloc memory is writable with KASAN_VMALLOC. Sizes are whole
 * granules (8 bytes): 0xf8 marks an inaccessible vmalloc granule.
 */
#if defined(CONFIG_KASAN_GENERIC) && defined(CONFIG_KASAN_VMALLOC)
#include <linux/kasan.h>

#define ATOMIC_ARENA_KASAN_GRANULE	BIT(KASAN_SHADOW_SCALE_SHIFT)

void __asan_set_shadow_00(const void *addr, ssize_t size);
void __asan_set_shadow_f8(const void *addr, ssize_t size);

static inline void atomic_arena_kasan_poison(const void *p, size_t size)
{
	__asan_set_shadow_f8(kasan_mem_to_shadow(p),
			     size / ATOMIC_ARENA_KASAN_GRANULE);
}

static inline void atomic_arena_kasan_unpoison(const void *p, size_t size)
{
	__asan_set_shadow_00(kasan_mem_to_shadow(p),
			     size / ATOMIC_ARENA_KASAN_GRANULE);
}

/* The shadow byte of @p, read without instrumentation (for tests). */
static noinline __no_sanitize_address __maybe_unused u8
atomic_arena_kasan_shadow(const void *p)
{
	return *(u8 *)kasan_mem_to_shadow(p);
}
#else
#define ATOMIC_ARENA_KASAN_GRANULE	0UL

static inline void atomic_arena_kasan_poison(const void *p, size_t size)
{
}

static inline void atomic_arena_kasan_unpoison(const void *p, size_t size)
{
}
#endif

/* Helpers for the test and benchmark modules. */

/* hrtimer_setup() replaced hrtimer_init() plus ->function in 6.13. */
static inline void atomic_arena_hrtimer_setup(struct hrtimer *timer,
					      enum hrtimer_restart (*fn)(struct hrtimer *),
					      clockid_t clock,
					      enum hrtimer_mode mode)
{
#ifdef ATOMIC_ARENA_HAVE_HRTIMER_SETUP
	hrtimer_setup(timer, fn, clock, mode);
#else
	hrtimer_init(timer, clock, mode);
	timer->function = fn;
#endif
}

/*
 * Sending an NMI to one CPU, for the stress test: only on x86, through the
 * local APIC, with a handler on the NMI_LOCAL chain.
 */
#ifdef CONFIG_X86_LOCAL_APIC
#include <asm/apic.h>
#include <asm/nmi.h>

#define ATOMIC_ARENA_NMI_NONE		NULL
#define ATOMIC_ARENA_NMI_HANDLED	NMI_HANDLED
#define ATOMIC_ARENA_NMI_DONE		NMI_DONE
#define atomic_arena_nmi_register(fn) \
	register_nmi_handler(NMI_LOCAL, fn, 0, "atomic_arena_test")
#define atomic_arena_nmi_unregister() \
	unregister_nmi_handler(NMI_LOCAL, "atomic_arena_test")

static inline void atomic_arena_nmi_send(unsigned int cpu)
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
#define ATOMIC_ARENA_NMI_NONE \
	"arm64 kernel without CONFIG_ARM64_PSEUDO_NMI: it never takes an NMI"
#elif defined(CONFIG_ARM64)
#define ATOMIC_ARENA_NMI_NONE \
	"arm64 pseudo-NMIs are built in, but no NMI IPI is exported to modules"
#else
#define ATOMIC_ARENA_NMI_NONE \
	"no NMI source for modules on this architecture"
#endif
#define ATOMIC_ARENA_NMI_HANDLED	1
#define ATOMIC_ARENA_NMI_DONE		0
#define atomic_arena_nmi_register(fn)	((void)(fn), -EOPNOTSUPP)
#define atomic_arena_nmi_unregister()	do { } while (0)

static inline void atomic_arena_nmi_send(unsigned int cpu)
{
}
#endif

#endif /* _ATOMIC_ARENA_COMPAT_H */
