// SPDX-License-Identifier: GPL-2.0
/*
 * The fuzzer's model (fuzz.h): the arenas as it sees them, what a take of
 * slots must get on the current CPU, in the ordered mode and the per-CPU
 * one (the counter, each possible CPU's batch, refills and steals), and
 * fail(), which reports a difference.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

struct model arenas[MAX_ARENAS];
unsigned long create_seq;
long mem_pages;
struct fault_attr *fail_create;
unsigned int cur_cpu;
bool trace;
unsigned long cur_step;

/* Prints what differed and aborts: libFuzzer saves the input. */
void fail(const struct model *m, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "fuzz: MODEL MISMATCH at step %lu", cur_step);
	if (m)
		fprintf(stderr, " (arena '%s': elem_size %zu align %zu",
			m->name, m->elem_size, m->align);
	if (m)
		fprintf(stderr, " stride %zu cap %lu %s batch %lu next %lu len %lu; cpu %u)",
			m->stride, m->cap, m->percpu ? "percpu" : "ordered",
			m->batch, m->next, m->len, cur_cpu);
	fputs(": ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

/* Bytes for objects: a few from the input, stretched by xorshift. */
void fill(void *buf, size_t len, u64 seed)
{
	unsigned char *p = buf;
	u64 x = seed * 0x9e3779b97f4a7c15ULL + 1;

	while (len--) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		*p++ = x >> 56;
	}
}

/* Free slots sitting in CPUs' batches. */
unsigned long m_held(const struct model *m)
{
	unsigned long held = 0;
	int cpu;

	for (cpu = 0; cpu < FUZZ_CPUS; cpu++)
		held += m->left[cpu];
	return held;
}

/* Whether slot @idx is handed out. */
bool m_used(const struct model *m, unsigned long idx)
{
	return idx < m->cap && m->used[idx];
}

/* The first slot handed out at or after @idx, or the capacity. */
unsigned long m_next_used(const struct model *m, unsigned long idx)
{
	for (; idx < m->next; idx++)
		if (m->used[idx])
			return idx;
	return m->cap;
}

/* Take @n slots from the front of @cpu's batch, if it has that many. */
static bool m_batch_take(struct model *m, int cpu, unsigned long n,
			 unsigned long *idx)
{
	if (m->left[cpu] < n)
		return false;
	*idx = m->pos[cpu];
	m->pos[cpu] += n;
	m->left[cpu] -= n;
	return true;
}

/* The shared counter is used up: the first CPU's batch with @n slots. */
static bool m_steal(struct model *m, unsigned long n, unsigned long *idx)
{
	int cpu;

	for (cpu = 0; cpu < FUZZ_CPUS; cpu++)
		if (m_batch_take(m, cpu, n, idx))
			return true;
	return false;
}

/*
 * Which @n contiguous slots (n >= 1) a take on the current CPU must get:
 * the first one's index, or the capacity when it must fail. Moves the
 * model's counter and batches, not yet its slots in use (m_hand_out()).
 */
unsigned long m_take(struct model *m, unsigned long n)
{
	unsigned long idx, k;

	if (!m->percpu || n > 1) {
		/* The shared counter first, all or nothing. */
		if (n <= m->cap - m->next) {
			idx = m->next;
			m->next += n;
			return idx;
		}
		if (m->percpu && n <= m->batch && m_steal(m, n, &idx))
			return idx;
		return m->cap;
	}
	if (m_batch_take(m, cur_cpu, 1, &idx))
		return idx;
	/* Refill: the caller gets the batch's first slot. */
	k = min(m->batch, m->cap - m->next);
	if (k) {
		idx = m->next;
		m->next += k;
		if (k > 1) {
			m->pos[cur_cpu] = idx + 1;
			m->left[cur_cpu] = k - 1;
		}
		return idx;
	}
	return m_steal(m, 1, &idx) ? idx : m->cap;
}

/* Slots [@idx, @idx + @n) are handed out. */
void m_hand_out(struct model *m, unsigned long idx, unsigned long n)
{
	unsigned long i;

	for (i = idx; i < idx + n; i++) {
		if (m->used[i])
			fail(m, "model: slot %lu handed out twice", i);
		m->used[i] = true;
	}
	m->len += n;
}

/* Every slot free again and every batch empty; @high_water first. */
void m_reset(struct model *m)
{
	if (m->len > m->high_water)
		m->high_water = m->len;
	memset(m->used, 0, m->next * sizeof(*m->used));
	memset(m->pos, 0, sizeof(m->pos));
	memset(m->left, 0, sizeof(m->left));
	m->next = 0;
	m->len = 0;
	m->resets++;
}
