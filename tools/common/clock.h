/* SPDX-License-Identifier: GPL-2.0 */
/*
 * CLOCK_MONOTONIC for the native programs that time themselves (the
 * stress test's rounds, the benchmark's runs).
 */
#ifndef _COMMON_CLOCK_H
#define _COMMON_CLOCK_H

#include <time.h>

static inline void now(struct timespec *ts)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
}

/* Seconds from @a to @b. */
static inline double ts_diff(const struct timespec *a,
			     const struct timespec *b)
{
	return (b->tv_sec - a->tv_sec) + (b->tv_nsec - a->tv_nsec) / 1e9;
}

/* @ts in nanoseconds. */
static inline long ts_ns(const struct timespec *ts)
{
	return ts->tv_sec * 1000000000L + ts->tv_nsec;
}

#endif /* _COMMON_CLOCK_H */
