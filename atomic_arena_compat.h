/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every difference between kernels that the library sees, in one place
 *
 * The project supports Linux 5.10 and later (Kbuild refuses older ones).
 * The library calls the helpers below instead of testing kernels itself;
 * the test modules' own differences are in selftests/test_compat.h.
 * Where an API changed, Kbuild probes the kernel's headers for it
 * (ATOMIC_ARENA_HAVE_*): distributions backport, so a version number
 * alone would be wrong.
 */
#ifndef _ATOMIC_ARENA_COMPAT_H
#define _ATOMIC_ARENA_COMPAT_H

#include <linux/bits.h>
#include <linux/gfp.h>
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
#else
#define ATOMIC_ARENA_KASAN_GRANULE	0UL

static inline void atomic_arena_kasan_poison(const void *p, size_t size)
{
}

static inline void atomic_arena_kasan_unpoison(const void *p, size_t size)
{
}
#endif

#endif /* _ATOMIC_ARENA_COMPAT_H */
