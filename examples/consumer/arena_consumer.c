// SPDX-License-Identifier: GPL-2.0
/*
 * arena_consumer.c - a module outside this project that uses atomic-arena,
 * written only from the docs: README.md's API tour and typed wrapper, and
 * docs/api.md's "Using it from another module" for the build.
 *
 * At load it fills a typed arena to capacity with single allocs and a bulk
 * append, checks what it reads back, resets and reuses it, and logs one
 * line. Any mismatch fails the load with -EINVAL, so a successful
 * `modprobe arena_consumer` means the arena's symbols resolved and worked.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/err.h>
#include <linux/module.h>

#include "atomic_arena.h"

struct sample {
	u32 seq;
	u16 cpu;
	u8 kind;
};

DEFINE_ATOMIC_ARENA(sample, struct sample);

#define CONSUMER_CAP	64
#define CONSUMER_BULK	16

static struct sample_arena *samples;

static int consumer_exercise(void)
{
	struct sample batch[CONSUMER_BULK], one = { .kind = 1 }, *p, *first;
	unsigned long i;

	for (i = 0; i < CONSUMER_CAP - CONSUMER_BULK; i++) {
		one.seq = i;
		p = sample_arena_alloc(samples, &one);
		if (!p || p->seq != i || sample_arena_index(samples, p) != (long)i)
			return -EINVAL;
	}
	for (i = 0; i < CONSUMER_BULK; i++)
		batch[i] = (struct sample){ .seq = 1000 + i, .kind = 2 };
	first = sample_arena_append(samples, batch, CONSUMER_BULK);
	if (!first || first[CONSUMER_BULK - 1].seq != 1000 + CONSUMER_BULK - 1)
		return -EINVAL;

	/* Full: a single alloc and a bulk call both fail, taking nothing. */
	if (sample_arena_alloc(samples, NULL) ||
	    sample_arena_append(samples, batch, 2) ||
	    sample_arena_len(samples) != CONSUMER_CAP ||
	    sample_arena_cap(samples) != CONSUMER_CAP)
		return -EINVAL;
	p = sample_arena_at(samples, CONSUMER_CAP - CONSUMER_BULK);
	if (p != first || sample_arena_at(samples, CONSUMER_CAP))
		return -EINVAL;

	/* Reset recycles every slot; alloc(NULL) hands out a zeroed one. */
	sample_arena_clear(samples);
	p = sample_arena_alloc(samples, NULL);
	if (sample_arena_len(samples) != 1 || !p || p->seq || p->kind)
		return -EINVAL;
	sample_arena_reset(samples);
	return sample_arena_len(samples) == 0 ? 0 : -EINVAL;
}

static int __init consumer_init(void)
{
	int err;

	samples = sample_arena_create("consumer-samples", CONSUMER_CAP);
	if (IS_ERR(samples))
		return PTR_ERR(samples);
	err = consumer_exercise();
	if (err) {
		pr_err("the arena did not behave as documented\n");
		sample_arena_destroy(samples);
		return err;
	}
	pr_info("arena of %lu samples: filled, checked, reset\n",
		sample_arena_cap(samples));
	return 0;
}

static void __exit consumer_exit(void)
{
	sample_arena_destroy(samples);
	pr_info("arena destroyed\n");
}

module_init(consumer_init);
module_exit(consumer_exit);

MODULE_DESCRIPTION("Example user of atomic-arena, built against its DKMS install");
MODULE_LICENSE("GPL");
