// SPDX-License-Identifier: GPL-2.0
/*
 * The fuzzer's invariants (fuzz.h), checked after every call: the
 * arena's len(), cap() and elem_size(), the whole storage against the
 * model's, every slot's address against the first one's, and which slots
 * at() says are in use.
 */
#include <stdint.h>
#include <string.h>

#include <linux/err.h>
#include <linux/slab.h>

#include "fuzz.h"

/* The whole storage, slot by slot, against the model. */
static void check_storage(struct model *m)
{
	const unsigned char *p = (const unsigned char *)m->base;
	size_t size = m->elem_size, stride = m->stride;
	unsigned long i;
	size_t j;

	if (!m->base)
		return;		/* no slot handed out yet: no address */
	/* Fast path: no padding, or all of it known. */
	if ((size == stride || !m->pad_unknown) &&
	    !memcmp(p, m->mem, m->cap * stride))
		return;
	for (i = 0; i < m->cap; i++) {
		size_t n = m->pad_zero[i] ? stride : size;

		if (!memcmp(p + i * stride, m->mem + i * stride, n))
			continue;
		for (j = 0; j < n; j++) {
			if (p[i * stride + j] == m->mem[i * stride + j])
				continue;
			fail(m, "slot %lu (%s) byte %zu is 0x%02x, want 0x%02x",
			     i, m->used[i] ? "in use" : "free", j,
			     p[i * stride + j], m->mem[i * stride + j]);
		}
	}
}

void check_arena(struct model *m)
{
	unsigned long len = atomic_arena_len(m->a);

	/* The model's own books: taken from the counter, less held. */
	if (m->len != m->next - m_held(m))
		fail(m, "model: %lu handed out, %lu held", m->len, m_held(m));
	if (len != m->len)
		fail(m, "len() = %lu, want %lu", len, m->len);
	if (atomic_arena_cap(m->a) != m->cap)
		fail(m, "cap() = %lu", atomic_arena_cap(m->a));
	if (atomic_arena_elem_size(m->a) != m->elem_size)
		fail(m, "elem_size() = %zu", atomic_arena_elem_size(m->a));
	check_storage(m);
}

/*
 * A slot taken at model index @idx came back at @p: learn the base from
 * the first one, check every other against it.
 */
void check_slot_ptr(struct model *m, const char *what, void *p,
		    unsigned long idx)
{
	uintptr_t want = m->base + idx * m->stride;

	if (!p || IS_ERR(p) || p == ZERO_SIZE_PTR)
		fail(m, "%s = %p, want slot %lu", what, p, idx);
	if ((uintptr_t)p % m->align)
		fail(m, "%s = %p, slot %lu, not aligned to %zu", what, p, idx,
		     m->align);
	if (!m->base) {
		m->base = (uintptr_t)p - idx * m->stride;
		return;
	}
	if ((uintptr_t)p != want)
		fail(m, "%s = %p, want slot %lu at %#lx (base %#lx)", what, p,
		     idx, (unsigned long)want, (unsigned long)m->base);
}

/*
 * at() of every slot taken from the counter: which are in use. Before a
 * walk, so that a wrong answer is a mismatch here rather than a walk that
 * never ends (next_used() jumps to where the batch holding a slot ends).
 */
void check_in_use(struct model *m)
{
	unsigned long i;
	void *p;

	for (i = 0; i < m->next; i++) {
		p = atomic_arena_at(m->a, i);
		if (m->used[i])
			check_slot_ptr(m, "at()", p, i);
		else if (p)
			fail(m, "at(%lu) = %p, want NULL (in a batch)", i, p);
	}
}
