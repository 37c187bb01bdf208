/* SPDX-License-Identifier: GPL-2.0 */
/*
 * go_scheme.h - the Go original's reservation scheme, for comparison
 *
 * The arena this project grew from reserved slots with one fetch-add and,
 * when the new end overshot the capacity, a second atomic that took the
 * addition back. The benchmark module measures that scheme against the
 * arena's (go_alloc, go_append16), and the test module counts the spurious
 * failures it causes: between the overshoot and the roll-back the counter
 * stands past the capacity, so a concurrent caller that would have found
 * room fails too. Both use this one implementation.
 */
#ifndef ATOMIC_ARENA_GO_SCHEME_H
#define ATOMIC_ARENA_GO_SCHEME_H

#include <linux/atomic.h>
#include <linux/compiler.h>
#include <linux/delay.h>

/**
 * go_scheme_take() - reserve slots the Go original's way
 * @next: the shared counter: the index of the first free slot
 * @cap: the capacity, in slots
 * @n: the number of slots to take, at least 1
 * @rollback_delay_us: if not 0, udelay() this many microseconds between
 *	the overshoot and the roll-back, to model an interrupt arriving
 *	there; a compile-time 0 costs nothing
 *
 * Adds @n to @next; if the new end is past @cap, subtracts @n again and
 * fails. A failed call leaves @next where it was, but only once its
 * roll-back is done: until then, concurrent calls see less room than there
 * is. No statistics; the ordering is atomic_long_add_return()'s (full)
 * and, on failure, atomic_long_sub()'s (none).
 *
 * Return: the index of the first of the @n slots, or -1 when they do not
 * fit.
 */
static __always_inline long go_scheme_take(atomic_long_t *next,
					   unsigned long cap, unsigned long n,
					   unsigned int rollback_delay_us)
{
	unsigned long end = atomic_long_add_return(n, next);

	if (likely(end <= cap))
		return end - n;
	if (rollback_delay_us)
		udelay(rollback_delay_us);
	atomic_long_sub(n, next);
	return -1;
}

#endif /* ATOMIC_ARENA_GO_SCHEME_H */
