/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The fuzzer (fuzz.c drives it) and its parts: the model (fuzz_model.c),
 * the invariants (fuzz_check.c), creates and destroys (fuzz_create.c),
 * calls on an arena (fuzz_ops.c) and debugfs reads (fuzz_debugfs.c).
 */
#ifndef _FUZZ_H
#define _FUZZ_H

#include <stdint.h>
#include <stdio.h>

#include <linux/percpu.h>

#include "../../atomic_arena.h"
#include "../shim/shim.h"

#define MAX_ARENAS	4
#define STORAGE_MAX	BIT(20)
#define MEM_PAGES	((long)BIT(22))	/* 16 GiB: MemAvailable in an input */
#define NAME31		"abcdefghijklmnopqrstuvwxyz01234"
#define NAME32		"abcdefghijklmnopqrstuvwxyz012345"
/* The possible CPUs (shim_set_nr_cpus()); calls are made on CPUs below. */
#define FUZZ_CPUS	4
/*
 * Largest per-CPU capacity, as the code checks it: S64_MAX >> 16, so that
 * (slot index << 16) of a batch's first slot, which reaches the capacity,
 * fits in an s64. (The kernel-doc says "at most 2^47 slots": one more.)
 */
#define PERCPU_MAX	(BIT(47) - 1)

/*
 * The typed wrapper's element: 12 bytes without padding, so that the
 * structure copy of fz_arena_alloc() writes what a memcpy() would.
 */
struct fz_elem {
	u32 a;
	u16 b;
	u8 c[6];
};

DEFINE_ATOMIC_ARENA(fz, struct fz_elem);

/* How an arena is created. */
enum create_api {
	API_CREATE,		/* atomic_arena_create() */
	API_FLAGS,		/* atomic_arena_create_flags() */
	API_TYPED,		/* fz_arena_create() */
	API_TYPED_FLAGS,	/* fz_arena_create_flags() */
};

/* The input, read from the front; zeroes once it runs out. */
struct cursor {
	const u8 *p;
	size_t left;
	bool end;
};

static inline u64 take(struct cursor *c, unsigned int bytes)
{
	u64 v = 0;

	while (bytes--) {
		if (!c->left) {
			c->end = true;
			return v;
		}
		v = v << 8 | *c->p++;
		c->left--;
	}
	return v;
}

static inline unsigned int take8(struct cursor *c)
{
	return take(c, 1);
}

/* One arena as the model sees it. */
struct model {
	struct atomic_arena *a;		/* NULL: this entry is free */
	char name[ATOMIC_ARENA_NAME_MAX + 1];
	unsigned long seq;		/* creation order: rows of "arenas" */
	size_t elem_size, align, stride;
	unsigned int flags;		/* as created */
	enum create_api api;
	bool percpu;			/* ATOMIC_ARENA_PERCPU */
	unsigned long batch;		/* per-CPU: slots a refill takes */
	unsigned long cap;
	unsigned long next;		/* the shared counter, <= cap here */
	unsigned long len;		/* slots handed out */
	/* Per-CPU: each possible CPU's batch, free slots [pos, pos + left). */
	unsigned long pos[FUZZ_CPUS], left[FUZZ_CPUS];
	unsigned long high_water, resets;
	unsigned long allocs, alloc_fails, bulk, bulk_fails;
	bool *used;			/* per slot: handed out */
	unsigned char *mem;		/* the storage: cap * stride bytes */
	bool *pad_zero;			/* per slot: padding known to be 0 */
	unsigned long pad_unknown;	/* slots whose padding is not */
	uintptr_t base;			/* slot 0, once a slot was taken */
};

/* A name for create: one that it must accept, or refuse. */
struct name_case {
	const char *name;
	bool valid;
};

/* The model's state (fuzz_model.c): the arenas, and the input's. */
extern struct model arenas[MAX_ARENAS];
extern unsigned long create_seq;
extern long mem_pages;			/* MemAvailable now */
extern struct fault_attr *fail_create;
extern unsigned int cur_cpu;		/* the calling thread's CPU */
extern bool trace;			/* FUZZ_TRACE */
extern unsigned long cur_step;		/* the input's call */

#define TRACE(fmt, ...) do {						\
	if (trace)							\
		fprintf(stderr, "fuzz: %lu: " fmt "\n", cur_step,	\
			##__VA_ARGS__);					\
} while (0)

/* Prints what differed and aborts: libFuzzer saves the input. */
void __printf(2, 3) fail(const struct model *m, const char *fmt, ...);
/* Bytes for objects: a few from the input, stretched by xorshift. */
void fill(void *buf, size_t len, u64 seed);

/* The model of taking slots (fuzz_model.c). */
unsigned long m_held(const struct model *m);
bool m_used(const struct model *m, unsigned long idx);
unsigned long m_next_used(const struct model *m, unsigned long idx);
unsigned long m_take(struct model *m, unsigned long n);
void m_hand_out(struct model *m, unsigned long idx, unsigned long n);
void m_reset(struct model *m);

/* The arenas whose element is struct fz_elem: typed calls too. */
static inline bool m_typed(const struct model *m)
{
	return m->elem_size == sizeof(struct fz_elem) &&
	       m->align == __alignof__(struct fz_elem);
}

static inline struct fz_arena *typed(const struct model *m)
{
	return (struct fz_arena *)m->a;
}

/* The invariants (fuzz_check.c). */
void check_arena(struct model *m);
void check_slot_ptr(struct model *m, const char *what, void *p,
		    unsigned long idx);
void check_in_use(struct model *m);

/* Creates and destroys (fuzz_create.c). */
void op_create(struct cursor *c, int mode);
struct model *find_live(const char *name);
void destroy_one(struct model *m);
void op_destroy(struct cursor *c, struct model *m);
void op_destroy_nothing(void);

/* Calls on an arena (fuzz_ops.c). */
void op_alloc(struct cursor *c, struct model *m, bool null, bool typed_call);
void op_bulk(struct cursor *c, struct model *m, bool null, bool reserve,
	     bool typed_call);
void op_reset(struct model *m, bool clear, bool typed_call);
void op_write(struct cursor *c, struct model *m);
void op_at(struct cursor *c, struct model *m, bool typed_call);
void op_next_used(struct cursor *c, struct model *m);
void op_for_each(struct model *m, bool typed_call);
void op_index(struct cursor *c, struct model *m, bool typed_call);

/* debugfs reads (fuzz_debugfs.c). */
void op_stats(struct cursor *c, struct model *m);
void op_data(struct cursor *c, struct model *m);
void op_arenas(struct cursor *c);

#endif /* _FUZZ_H */
