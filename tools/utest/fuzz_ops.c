// SPDX-License-Identifier: GPL-2.0
/*
 * The fuzzer's calls on a live arena (fuzz.h), each against the model:
 * alloc(), append() and reserve() (untyped or through the typed wrapper),
 * reset() and clear(), writes into slots in use, at(), next_used(), a
 * whole atomic_arena_for_each() walk and index().
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/err.h>
#include <linux/slab.h>

#include "fuzz.h"

/* --- calls on an arena ------------------------------------------------ */

/* alloc(obj or NULL); fz_arena_alloc(), inline, when @typed_call. */
void op_alloc(struct cursor *c, struct model *m, bool null, bool typed_call)
{
	bool tc = typed_call && m_typed(m);
	unsigned long idx = m_take(m, 1);
	unsigned char *obj = NULL;
	void *p;

	if (!null) {
		obj = malloc(m->elem_size);
		if (!obj)
			abort();
		fill(obj, m->elem_size, take(c, 2));
	}
	TRACE("%salloc('%s', %s) on cpu %u: want %s%lu", tc ? "fz_arena_" : "",
	      m->name, null ? "NULL" : "obj", cur_cpu,
	      idx < m->cap ? "slot " : "NULL, ", idx);
	if (tc)
		p = fz_arena_alloc(typed(m), (const struct fz_elem *)obj);
	else
		p = atomic_arena_alloc(m->a, obj);
	if (idx == m->cap) {
		if (p)
			fail(m, "alloc() = %p (slot %ld) on a full arena", p,
			     m->base ? (long)(((uintptr_t)p - m->base) /
					      m->stride) : -1L);
		m->alloc_fails++;
	} else {
		check_slot_ptr(m, tc ? "fz_arena_alloc()" : "alloc()", p,
			       idx);
		if (obj)
			memcpy(m->mem + idx * m->stride, obj, m->elem_size);
		else
			memset(m->mem + idx * m->stride, 0, m->elem_size);
		m_hand_out(m, idx, 1);
		m->allocs++;
	}
	free(obj);
}

static unsigned long pick_n(struct cursor *c, const struct model *m)
{
	unsigned long room = m->cap - m->next;

	switch (take8(c) % 16) {
	case 0:
		return 0;
	case 1:
		return 1;
	case 2:
		return 2;
	case 3:
		return room;
	case 4:
		return room + 1;
	case 5:
		return room - 1;	/* ULONG_MAX when full */
	case 6:
		return m->cap;
	case 7:
		return m->cap + 1;
	case 8:
		return ULONG_MAX;
	case 9:
		return LONG_MAX / 2 + 1;
	case 10:
		return m->batch;		/* 0 for an ordered arena */
	case 11:
		return m->batch + 1;
	case 12:
		return m->left[take8(c) % FUZZ_CPUS];
	case 13:
		return m->left[take8(c) % FUZZ_CPUS] + 1;
	default:
		return take8(c) % 70;
	}
}

/*
 * append(objs or NULL, n), or reserve(n) when @reserve; through the typed
 * wrapper when @typed_call.
 */
void op_bulk(struct cursor *c, struct model *m, bool null, bool reserve,
	     bool typed_call)
{
	bool tc = typed_call && m_typed(m);
	unsigned long n = pick_n(c, m);
	unsigned long idx = n ? m_take(m, n) : m->cap;
	bool ok = idx < m->cap;
	unsigned char *objs = NULL, *slot0;
	size_t size = m->elem_size, len;
	unsigned long i;
	void *p;

	if (!reserve && !null) {
		/* Exactly n objects where they fit in memory, else one. */
		if (__builtin_mul_overflow(n, size, &len) || len > STORAGE_MAX)
			len = size;
		objs = malloc(len ? len : 1);
		if (!objs)
			abort();
		fill(objs, len, take(c, 2));
	}
	TRACE("%s%s('%s', %s, %lu) on cpu %u: want %s %lu",
	      tc ? "fz_arena_" : "", reserve ? "reserve" : "append",
	      m->name, reserve ? "-" : null ? "NULL" : "objs", n, cur_cpu,
	      !n ? "ZERO_SIZE_PTR" : ok ? "slots from" : "NULL", idx);
	if (tc)
		p = reserve ? fz_arena_reserve(typed(m), n) :
			      fz_arena_append(typed(m),
					      (const struct fz_elem *)objs, n);
	else
		p = reserve ? atomic_arena_reserve(m->a, n) :
			      atomic_arena_append(m->a, objs, n);
	if (!n) {
		if (p != ZERO_SIZE_PTR)
			fail(m, "%s(0) = %p, want ZERO_SIZE_PTR",
			     reserve ? "reserve" : "append", p);
	} else if (!ok) {
		if (p)
			fail(m, "%s(%lu) = %p with %lu slots free",
			     reserve ? "reserve" : "append", n, p,
			     m->cap - m->next);
		m->bulk_fails++;
	} else {
		check_slot_ptr(m, reserve ? "reserve()" : "append()", p, idx);
		slot0 = m->mem + idx * m->stride;
		if (reserve) {
			/* The slots keep what they held. */
		} else if (null) {
			/* The code zeroes whole strides, padding included. */
			memset(slot0, 0, n * m->stride);
			for (i = idx; i < idx + n; i++) {
				m->pad_unknown -= !m->pad_zero[i];
				m->pad_zero[i] = true;
			}
		} else {
			for (i = 0; i < n; i++)
				memcpy(slot0 + i * m->stride, objs + i * size,
				       size);
		}
		m_hand_out(m, idx, n);
		m->bulk++;
	}
	free(objs);
}

void op_reset(struct model *m, bool clear, bool typed_call)
{
	bool tc = typed_call && m_typed(m);
	unsigned long i;

	TRACE("%s%s('%s') with %lu in use, %lu taken", tc ? "fz_arena_" : "",
	      clear ? "clear" : "reset", m->name, m->len, m->next);
	if (clear) {
		if (tc)
			fz_arena_clear(typed(m));
		else
			atomic_arena_clear(m->a);
		/* Every slot taken from the counter, held ones too. */
		memset(m->mem, 0, m->next * m->stride);
		for (i = 0; i < m->next; i++) {
			m->pad_unknown -= !m->pad_zero[i];
			m->pad_zero[i] = true;
		}
	} else if (tc) {
		fz_arena_reset(typed(m));
	} else {
		atomic_arena_reset(m->a);
	}
	m_reset(m);
}

/* The owner of a slot in use writes into it, padding too sometimes. */
void op_write(struct cursor *c, struct model *m)
{
	unsigned long idx;
	bool pad;
	size_t len;
	void *p;

	if (!m->len)
		return;
	/* A slot in use at or after a random one below the counter. */
	idx = m_next_used(m, take8(c) % m->next);
	if (idx == m->cap)
		idx = m_next_used(m, 0);
	pad = take8(c) & 1 && m->stride > m->elem_size;
	len = pad ? m->stride : m->elem_size;
	p = atomic_arena_at(m->a, idx);
	TRACE("write('%s', slot %lu, %zu bytes)", m->name, idx, len);
	check_slot_ptr(m, "at()", p, idx);
	fill(m->mem + idx * m->stride, len, take(c, 2));
	memcpy(p, m->mem + idx * m->stride, len);
	if (pad && m->pad_zero[idx]) {
		m->pad_zero[idx] = false;
		m->pad_unknown++;
	}
}

void op_at(struct cursor *c, struct model *m, bool typed_call)
{
	bool tc = typed_call && m_typed(m);
	unsigned long idx;
	int cpu;
	void *p;

	switch (take8(c) % 11) {
	case 0:
	case 1:
		idx = m->next ? take8(c) % m->next : 0;
		break;
	case 2:
		idx = m->next;
		break;
	case 3:
		idx = m->next - 1;	/* ULONG_MAX when empty */
		break;
	case 4:
		idx = m->next + 1;
		break;
	case 5:
		idx = m->cap;
		break;
	case 6:
		idx = ULONG_MAX;
		break;
	case 7:
		/* In a CPU's batch, or its first slot when empty. */
		cpu = take8(c) % FUZZ_CPUS;
		idx = m->pos[cpu] + take8(c) % (m->left[cpu] + 1);
		break;
	case 8:
		/* Just before a CPU's batch. */
		idx = m->pos[take8(c) % FUZZ_CPUS] - 1;
		break;
	case 9:
		idx = m->len;
		break;
	default:
		idx = take(c, 2);
		break;
	}
	TRACE("%sat('%s', %lu)", tc ? "fz_arena_" : "", m->name, idx);
	if (tc)
		p = fz_arena_at(typed(m), idx);
	else
		p = atomic_arena_at(m->a, idx);
	if (m_used(m, idx))
		check_slot_ptr(m, "at()", p, idx);
	else if (p)
		fail(m, "at(%lu) = %p, want NULL (%s)", idx, p,
		     idx < m->next ? "in a batch" : "not taken");
}

/* next_used() from a random, edge or batch index. */
void op_next_used(struct cursor *c, struct model *m)
{
	unsigned long idx, got, want;
	int cpu;

	switch (take8(c) % 8) {
	case 0:
		idx = 0;
		break;
	case 1:
	case 2:
		idx = take8(c) % (m->next + 2);
		break;
	case 3:
		cpu = take8(c) % FUZZ_CPUS;
		idx = m->pos[cpu] + take8(c) % (m->left[cpu] + 1);
		break;
	case 4:
		idx = m->next;
		break;
	case 5:
		idx = m->cap - 1;
		break;
	case 6:
		idx = m->cap;
		break;
	default:
		idx = ULONG_MAX;
		break;
	}
	want = m_next_used(m, idx);
	TRACE("next_used('%s', %lu): want %lu", m->name, idx, want);
	check_in_use(m);
	got = atomic_arena_next_used(m->a, idx);
	if (got != want)
		fail(m, "next_used(%lu) = %lu, want %lu", idx, got, want);
}

/* A whole atomic_arena_for_each() walk: the slots in use, in order. */
void op_for_each(struct model *m, bool typed_call)
{
	struct atomic_arena *a = typed_call && m_typed(m) ?
				 fz_arena_untyped(typed(m)) : m->a;
	unsigned long idx, want = m_next_used(m, 0), seen = 0;
	void *pos;

	TRACE("for_each('%s'): want %lu slots", m->name, m->len);
	check_in_use(m);
	atomic_arena_for_each(a, pos, idx) {
		if (idx != want)
			fail(m, "for_each: slot %lu after %lu slots, want %lu",
			     idx, seen, want);
		check_slot_ptr(m, "for_each", pos, idx);
		if (++seen > m->len)
			fail(m, "for_each: more than %lu slots", m->len);
		want = m_next_used(m, idx + 1);
	}
	if (idx < m->cap || want != m->cap || seen != m->len)
		fail(m, "for_each: ended at %lu after %lu slots, want %lu slots (next %lu)",
		     idx, seen, m->len, want);
}

/* The index that the kernel-doc promises for @p, or -EINVAL. */
static long index_expect(const struct model *m, uintptr_t p)
{
	if (!m->base || p < m->base || p - m->base >= m->next * m->stride ||
	    (p - m->base) % m->stride ||
	    !m_used(m, (p - m->base) / m->stride))
		return -EINVAL;
	return (p - m->base) / m->stride;
}

void op_index(struct cursor *c, struct model *m, bool typed_call)
{
	bool tc = typed_call && m_typed(m);
	uintptr_t base = m->base, p;
	unsigned long i = m->next ? take8(c) % m->next : 0;
	struct model *o;
	long got, want;
	int k;

	switch (take8(c) % 11) {
	case 0:
	case 1:
		p = base + i * m->stride;
		break;
	case 2:
		p = base + i * m->stride + 1 + take8(c) % m->stride;
		break;
	case 3:
		p = 0;
		break;
	case 4:
		p = base - m->stride;
		break;
	case 5:
		p = base + m->next * m->stride;
		break;
	case 6:
		p = base + m->cap * m->stride;
		break;
	case 7:
		/* Into another arena, at one of its slots. */
		o = &arenas[take8(c) % MAX_ARENAS];
		p = o->base + (o->cap ? take8(c) % o->cap : 0) * o->stride;
		break;
	case 8:
		p = base + (int16_t)take(c, 2);
		break;
	case 10:
		/* In a CPU's batch, or its end. */
		k = take8(c) % FUZZ_CPUS;
		p = base + (m->pos[k] + take8(c) % (m->left[k] + 1)) *
			   m->stride;
		break;
	default:
		p = (uintptr_t)&k;
		break;
	}
	want = index_expect(m, p);
	TRACE("%sindex('%s', base + %ld): want %ld", tc ? "fz_arena_" : "",
	      m->name, (long)(p - base), want);
	if (tc)
		got = fz_arena_index(typed(m), (const struct fz_elem *)p);
	else
		got = atomic_arena_index(m->a, (const void *)p);
	if (got != want)
		fail(m, "index(%#lx = base %#lx + %ld) = %ld, want %ld",
		     (unsigned long)p, (unsigned long)base, (long)(p - base),
		     got, want);
	if (want >= 0 && atomic_arena_at(m->a, want) != (void *)p)
		fail(m, "at(index(p)) != p for slot %ld", want);
}
