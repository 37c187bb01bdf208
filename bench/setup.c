// SPDX-License-Identifier: GPL-2.0
/*
 * setup.c - what the benchmark's operations run on, for one element size:
 * the ordered and the per-CPU arena, the counter with its storage, and the
 * kernel's allocators they are compared with (a kmem_cache, a gen_pool
 * whose granule is the element size, an objpool where the kernel has one)
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/err.h>
#include <linux/genalloc.h>
#include <linux/kernel.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/numa.h>
#include <linux/overflow.h>
#include <linux/percpu.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include "bench.h"

struct bench_ctx ctx;

/* Free what bench_ctx_init() set up, and clear the context. */
void bench_ctx_free(void)
{
	atomic_arena_destroy(ctx.arena);
	atomic_arena_destroy(ctx.parena);
	vfree(ctx.ctr.base);
	free_percpu(ctx.ctr.stats);
	kmem_cache_destroy(ctx.cache);
#if IS_ENABLED(CONFIG_GENERIC_ALLOCATOR)
	if (ctx.pool)
		gen_pool_destroy(ctx.pool);
#endif
	vfree(ctx.pool_mem);
#ifdef ATOMIC_ARENA_BENCH_OBJPOOL
	if (ctx.objpool_ok)
		objpool_fini(&ctx.objpool);
#endif
	memset(&ctx, 0, sizeof(ctx));
}

/*
 * Set up everything the operations need for element size @size: arenas and
 * a counter of @slots slots, allocators of @objs objects. On failure, the
 * caller frees what was set up with bench_ctx_free().
 */
int bench_ctx_init(size_t size, unsigned long slots, unsigned long objs)
{
	size_t align = min_t(size_t, size & -size, sizeof(long));
	char name[ATOMIC_ARENA_NAME_MAX + 1];

	memset(&ctx, 0, sizeof(ctx));
	ctx.size = size;
	ctx.stride = ALIGN(size, align);

	snprintf(name, sizeof(name), "bench-%zu", size);
	ctx.arena = atomic_arena_create(name, size, align, slots);
	if (IS_ERR(ctx.arena)) {
		pr_err("cannot create arena of %lu slots: %ld\n", slots,
		       PTR_ERR(ctx.arena));
		ctx.arena = NULL;
		return -ENOMEM;
	}
	snprintf(name, sizeof(name), "bench-percpu-%zu", size);
	ctx.parena = atomic_arena_create_flags(name, size, align, slots,
					       ATOMIC_ARENA_PERCPU);
	if (IS_ERR(ctx.parena)) {
		pr_err("cannot create per-CPU arena of %lu slots: %ld\n", slots,
		       PTR_ERR(ctx.parena));
		ctx.parena = NULL;
		return -ENOMEM;
	}

	ctx.ctr.base = vzalloc(array_size(slots, ctx.stride));
	ctx.ctr.size = size;
	ctx.ctr.stride = ctx.stride;
	ctx.ctr.cap = slots;
	ctx.ctr.stats = alloc_percpu(struct bench_stats);

	snprintf(ctx.cache_name, sizeof(ctx.cache_name), "arena_bench_%zu",
		 size);
	ctx.cache = kmem_cache_create(ctx.cache_name, size, align, 0, NULL);

	if (!ctx.ctr.base || !ctx.ctr.stats || !ctx.cache)
		return -ENOMEM;

#if IS_ENABLED(CONFIG_GENERIC_ALLOCATOR)
	/* A pool whose granule is the element size (rounded up to 2^k). */
	ctx.pool = gen_pool_create(order_base_2(size), NUMA_NO_NODE);
	ctx.pool_mem = vzalloc(array_size(objs, roundup_pow_of_two(size)));
	if (!ctx.pool || !ctx.pool_mem ||
	    gen_pool_add(ctx.pool, (unsigned long)ctx.pool_mem,
			 objs * roundup_pow_of_two(size), NUMA_NO_NODE))
		return -ENOMEM;
#endif

#ifdef ATOMIC_ARENA_BENCH_OBJPOOL
	if (objpool_init(&ctx.objpool, objs, size, GFP_KERNEL, NULL, NULL,
			 NULL))
		return -ENOMEM;
	ctx.objpool_ok = true;
#endif
	return 0;
}
