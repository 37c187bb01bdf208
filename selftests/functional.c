// SPDX-License-Identifier: GPL-2.0
/*
 * functional.c - the functional cases of the test module: every call of
 * the API, its edge cases and error codes, and the concurrency guarantees
 * (exact fill, no spurious failure) under many kthreads.
 */

#define pr_fmt(fmt) fmt

#include <linux/bitmap.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/hrtimer.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/preempt.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/string.h>

#include "../atomic_arena.h"
#include "../atomic_arena_compat.h"
#include "test_compat.h"
#include "test_atomic_arena.h"

/* Create an arena the case cannot go on without; a NULL fails the case. */
static struct atomic_arena *new_arena(const char *name, size_t size,
				      size_t align, unsigned long cap)
{
	struct atomic_arena *a = atomic_arena_create(name, size, align, cap);

	if (!CHECK(!IS_ERR(a))) {
		pr_info("# create(%s): %ld\n", name, PTR_ERR(a));
		return NULL;
	}
	return a;
}

/* ---------------------------------------------------------------------- */
/* Creation and its errors                                                 */

static void test_create_bad_input(void)
{
	static const struct {
		const char *name;
		size_t size, align;
		unsigned long cap;
		int err;
	} bad[] = {
		{ NULL,		8, 8, 16, -EINVAL },
		{ "",		8, 8, 16, -EINVAL },
		{ "a/b",	8, 8, 16, -EINVAL },
		{ ".",		8, 8, 16, -EINVAL },
		{ "..",		8, 8, 16, -EINVAL },
		{ "arenas",	8, 8, 16, -EINVAL },
		/* Taken in debugfs only where fault injection is. */
		{ "fail_create", 8, 8, 16,
		  IS_ENABLED(CONFIG_FAULT_INJECTION_DEBUG_FS) ? -EINVAL : 0 },
		{ "this-name-is-thirty-two-bytes-xx", 8, 8, 16, -EINVAL },
		{ "t",		0, 8, 16, -EINVAL },
		{ "t",		8, 8, 0, -EINVAL },
		{ "t",		8, 0, 16, -EINVAL },
		{ "t",		8, 3, 16, -EINVAL },
		{ "t",		8, 24, 16, -EINVAL },
		{ "t",		8, PAGE_SIZE * 2, 16, -EINVAL },
		{ "t",		SIZE_MAX, 8, 1, -EOVERFLOW },
		{ "t",		SIZE_MAX / 2, 1, 3, -EOVERFLOW },
		{ "t",		8, 8, ULONG_MAX, -EOVERFLOW },
		{ "t",		1, 1, LONG_MAX / 2 + 1, -EOVERFLOW },
	};
	struct atomic_arena *a;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		a = atomic_arena_create(bad[i].name, bad[i].size, bad[i].align,
					bad[i].cap);
		if (!CHECK(PTR_ERR_OR_ZERO(a) == bad[i].err))
			pr_info("# bad[%u]: got %d, want %d\n", i,
				PTR_ERR_OR_ZERO(a), bad[i].err);
		atomic_arena_destroy(a);
	}

	/* Longest valid name, and the largest alignment. */
	a = new_arena("this-name-is-thirty-one-bytes-x", 1, PAGE_SIZE, 2);
	atomic_arena_destroy(a);
}

/* Pages of RAM, more than are available but fewer than there are. */
static unsigned long more_than_available(void)
{
	unsigned long avail = si_mem_available(), total = totalram_pages();

	return avail + (total - min(avail, total)) / 2 + 1;
}

static void test_create_nomem(void)
{
	unsigned long sizes[] = {
		/* vmalloc's own limit: more than the RAM. */
		totalram_pages() * 2,
		/*
		 * Less than the RAM, more than is available: only the arena
		 * can refuse it, and the OOM killer must not wake (the VM
		 * runner fails the run on "invoked oom-killer").
		 */
		more_than_available(),
	};
	struct atomic_arena *a;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		a = atomic_arena_create("nomem", PAGE_SIZE, 8, sizes[i]);
		if (!CHECK(PTR_ERR_OR_ZERO(a) == -ENOMEM))
			pr_info("# %lu pages of %lu (%ld available): got %d\n",
				sizes[i], totalram_pages(), si_mem_available(),
				PTR_ERR_OR_ZERO(a));
		atomic_arena_destroy(a);
	}
	/* The failed create left no trace: the name is free. */
	a = new_arena("nomem", 8, 8, 4);
	atomic_arena_destroy(a);
}

static void test_create_duplicate(void)
{
	struct atomic_arena *a, *b;

	a = new_arena("dup", 8, 8, 4);
	if (!a)
		return;
	b = atomic_arena_create("dup", 16, 8, 4);
	CHECK(IS_ERR(b) && PTR_ERR(b) == -EEXIST);
	/* The name is checked before the storage is: -EEXIST, not -ENOMEM. */
	b = atomic_arena_create("dup", PAGE_SIZE, 8, more_than_available());
	CHECK(IS_ERR(b) && PTR_ERR(b) == -EEXIST);
	atomic_arena_destroy(a);

	/* Free again once the first one is gone. */
	b = new_arena("dup", 16, 8, 4);
	atomic_arena_destroy(b);
}

/* Kthreads create the same name at once: exactly one may win. */
static int create_race_worker(struct aa_worker *w)
{
	struct atomic_arena *a = atomic_arena_create("create-race", 64, 8,
						     4096);

	if (!IS_ERR(a))
		w->ctx = a;
	else if (PTR_ERR(a) == -EEXIST)
		w->calls_failed++;
	else
		w->violations++;
	return 0;
}

static void test_create_race(void)
{
	unsigned int n = aa_nr_workers(), i, won, round;
	struct aa_worker *w = kcalloc(n, sizeof(*w), GFP_KERNEL);

	if (!CHECK(w))
		return;
	for (round = 0; round < 20; round++) {
		CHECK(!aa_run_workers(w, n, create_race_worker, NULL, true));
		for (i = 0, won = 0; i < n; i++) {
			CHECK(!w[i].violations);
			if (w[i].ctx) {
				won++;
				atomic_arena_destroy(w[i].ctx);
			} else {
				CHECK(w[i].calls_failed == 1);
			}
		}
		if (!CHECK(won == 1))
			break;
	}
	kfree(w);
}

static void test_destroy_null(void)
{
	struct atomic_arena *a = new_arena("destroy-null", 8, 8, 2), *b;

	if (!a)
		return;
	/* Ignored: the live arena is untouched, its name still taken. */
	atomic_arena_destroy(NULL);
	atomic_arena_destroy(ERR_PTR(-EINVAL));
	atomic_arena_destroy(ERR_PTR(-ENOMEM));
	b = atomic_arena_create("destroy-null", 8, 8, 2);
	CHECK(PTR_ERR_OR_ZERO(b) == -EEXIST);
	atomic_arena_destroy(b);
	CHECK(atomic_arena_alloc(a, NULL) && atomic_arena_len(a) == 1);
	atomic_arena_destroy(a);
	a = new_arena("destroy-null", 8, 8, 2);
	atomic_arena_destroy(a);
}

/* ---------------------------------------------------------------------- */
/* Single allocations                                                      */

static void test_alloc_int(void)
{
	struct atomic_arena *a = new_arena("int", sizeof(int), __alignof__(int), 8);
	int i, *p, *prev = NULL;

	if (!a)
		return;
	CHECK(atomic_arena_cap(a) == 8);
	CHECK(atomic_arena_elem_size(a) == sizeof(int));
	CHECK(atomic_arena_len(a) == 0);
	for (i = 0; i < 8; i++) {
		int v = i * 11 - 3;

		p = atomic_arena_alloc(a, &v);
		if (!CHECK(p))
			break;
		CHECK(*p == v);
		CHECK(!prev || p == prev + 1);
		CHECK(atomic_arena_len(a) == i + 1);
		prev = p;
	}
	for (i = 0; i < 8; i++)
		CHECK(*(int *)atomic_arena_at(a, i) == i * 11 - 3);
	atomic_arena_destroy(a);
}

struct record {
	u8 kind;
	u64 id;
	char tag[5];
	u16 port;
};

static void test_alloc_struct(void)
{
	struct atomic_arena *a = new_arena("struct", sizeof(struct record),
					   __alignof__(struct record), 4);
	struct record r = { .kind = 7, .id = 0x1122334455667788ULL,
			    .tag = "abcd", .port = 443 };
	struct record *p, *q;

	if (!a)
		return;
	p = atomic_arena_alloc(a, &r);
	r.id++;
	r.port++;
	q = atomic_arena_alloc(a, &r);
	if (!CHECK(p && q))
		goto out;
	CHECK(p->kind == 7 && p->id == 0x1122334455667788ULL && p->port == 443);
	CHECK(!strcmp(p->tag, "abcd"));
	CHECK(q->id == 0x1122334455667789ULL && q->port == 444);
	CHECK(q == p + 1);
	CHECK(IS_ALIGNED((unsigned long)p, __alignof__(struct record)));
out:
	atomic_arena_destroy(a);
}

static void test_alloc_past_capacity(void)
{
	struct atomic_arena *a = new_arena("full", sizeof(long), 8, 5);
	long v = 42;
	int i;

	if (!a)
		return;
	for (i = 0; i < 5; i++)
		CHECK(atomic_arena_alloc(a, &v));
	/* Past capacity: NULL every time, and the count stays put. */
	for (i = 0; i < 1000; i++)
		if (!CHECK(!atomic_arena_alloc(a, &v)))
			break;
	CHECK(atomic_arena_len(a) == 5);
	CHECK(!atomic_arena_reserve(a, 1));
	CHECK(!atomic_arena_append(a, &v, 1));
	CHECK(atomic_arena_len(a) == 5);
	/*
	 * Failing single calls in flight leave next past the capacity until
	 * they pull it back: a bulk call meeting that must fail too (cap -
	 * next would wrap to a huge room). Made so through the public head.
	 */
	atomic_long_add(3, &((struct atomic_arena_head *)a)->next);
	CHECK(!atomic_arena_reserve(a, 2));
	CHECK(!atomic_arena_append(a, NULL, 2));
	atomic_long_sub(3, &((struct atomic_arena_head *)a)->next);
	CHECK(atomic_arena_len(a) == 5);

	/* The failures consumed nothing: a reset gives the full capacity. */
	atomic_arena_reset(a);
	for (i = 0; i < 5; i++)
		CHECK(atomic_arena_alloc(a, &v));
	CHECK(!atomic_arena_alloc(a, &v));
	atomic_arena_destroy(a);
}

static void test_alloc_null_zeroes(void)
{
	struct atomic_arena *a = new_arena("zero", 24, 8, 3);
	u8 ones[24], zero[24] = { 0 };
	u8 *p;
	int i;

	if (!a)
		return;
	memset(ones, 0xff, sizeof(ones));
	for (i = 0; i < 3; i++)
		CHECK(atomic_arena_alloc(a, ones));
	atomic_arena_reset(a);
	for (i = 0; i < 3; i++) {
		p = atomic_arena_alloc(a, NULL);
		if (CHECK(p))
			CHECK(!memcmp(p, zero, sizeof(zero)));
	}
	atomic_arena_destroy(a);
}

static void test_reset_reuse(void)
{
	struct atomic_arena *a = new_arena("reset", sizeof(u64), 8, 4);
	u64 v = 1, *first, *p;
	int i;

	if (!a)
		return;
	first = atomic_arena_alloc(a, &v);
	for (i = 1; i < 4; i++)
		atomic_arena_alloc(a, &v);
	CHECK(atomic_arena_len(a) == 4);

	atomic_arena_reset(a);
	CHECK(atomic_arena_len(a) == 0);
	CHECK(!atomic_arena_at(a, 0));
	/* Slots come back from the start, and keep their old contents. */
	p = atomic_arena_reserve(a, 1);
	CHECK(p == first);
	CHECK(p && *p == 1);
	v = 2;
	for (i = 1; i < 4; i++)
		CHECK(atomic_arena_alloc(a, &v));
	CHECK(!atomic_arena_alloc(a, &v));
	CHECK(atomic_arena_len(a) == 4);
	atomic_arena_destroy(a);
}

static void test_clear(void)
{
	struct atomic_arena *a = new_arena("clear", 12, 4, 16);
	u8 pattern[12], *p;
	int i;

	if (!a)
		return;
	memset(pattern, 0x5a, sizeof(pattern));
	for (i = 0; i < 10; i++)
		atomic_arena_alloc(a, pattern);
	atomic_arena_clear(a);
	CHECK(atomic_arena_len(a) == 0);
	p = atomic_arena_reserve(a, 16);
	if (CHECK(p))
		CHECK(!memchr_inv(p, 0, 16 * 12));
	atomic_arena_destroy(a);
}

/* ---------------------------------------------------------------------- */
/* Bulk calls                                                              */

static void test_append_order(void)
{
	struct atomic_arena *a = new_arena("append", sizeof(u32), 4, 64);
	u32 src[20], *p, *q;
	int i;

	if (!a)
		return;
	for (i = 0; i < 20; i++)
		src[i] = 1000 + i;
	q = atomic_arena_alloc(a, &src[0]);
	p = atomic_arena_append(a, src, 20);
	if (!CHECK(p && q))
		goto out;
	CHECK(p == q + 1);
	for (i = 0; i < 20; i++) {
		CHECK(p[i] == 1000 + i);
		CHECK(atomic_arena_at(a, i + 1) == &p[i]);
	}
	CHECK(atomic_arena_len(a) == 21);
out:
	atomic_arena_destroy(a);
}

static void test_append_past_capacity(void)
{
	struct atomic_arena *a = new_arena("append-full", sizeof(u32), 4, 32);
	u32 src[32], mark = 0xdeadbeef, *p;
	int i;

	if (!a)
		return;
	/* Mark every slot, then recycle them without clearing. */
	for (i = 0; i < 32; i++)
		atomic_arena_alloc(a, &mark);
	atomic_arena_reset(a);
	for (i = 0; i < 32; i++)
		src[i] = i;

	for (i = 0; i < 10; i++)
		atomic_arena_alloc(a, &src[i]);
	CHECK(!atomic_arena_append(a, src, 23));
	CHECK(!atomic_arena_append(a, src, ULONG_MAX));
	CHECK(!atomic_arena_reserve(a, 23));
	CHECK(!atomic_arena_reserve(a, ULONG_MAX));
	CHECK(atomic_arena_len(a) == 10);

	/* Nothing was stored: the 22 free slots still hold the mark. */
	p = atomic_arena_reserve(a, 22);
	if (CHECK(p))
		for (i = 0; i < 22; i++)
			CHECK(p[i] == mark);
	CHECK(atomic_arena_len(a) == 32);

	/* An append that fits exactly succeeds. */
	atomic_arena_reset(a);
	CHECK(atomic_arena_append(a, src, 32));
	CHECK(!atomic_arena_append(a, src, 1));
	atomic_arena_destroy(a);
}

static void test_bulk_zero_and_null(void)
{
	struct atomic_arena *a = new_arena("bulk-zero", sizeof(u64), 8, 4);
	u64 ones = ~0ULL, *p;
	int i;

	if (!a)
		return;
	CHECK(atomic_arena_append(a, &ones, 0) == ZERO_SIZE_PTR);
	CHECK(atomic_arena_reserve(a, 0) == ZERO_SIZE_PTR);
	CHECK(atomic_arena_len(a) == 0);

	for (i = 0; i < 4; i++)
		atomic_arena_alloc(a, &ones);
	/* n == 0 succeeds even on a full arena, and takes nothing. */
	CHECK(atomic_arena_append(a, NULL, 0) == ZERO_SIZE_PTR);
	CHECK(atomic_arena_len(a) == 4);

	atomic_arena_reset(a);
	p = atomic_arena_append(a, NULL, 4);
	if (CHECK(p))
		for (i = 0; i < 4; i++)
			CHECK(p[i] == 0);
	atomic_arena_destroy(a);
}

static void test_reserve(void)
{
	struct atomic_arena *a = new_arena("reserve", 16, 16, 10);
	u8 *p, *q;

	if (!a)
		return;
	p = atomic_arena_reserve(a, 3);
	q = atomic_arena_reserve(a, 7);
	if (CHECK(p && q))
		CHECK(q == p + 3 * 16);
	CHECK(atomic_arena_len(a) == 10);
	CHECK(!atomic_arena_reserve(a, 1));
	atomic_arena_reset(a);
	CHECK(!atomic_arena_reserve(a, 11));
	CHECK(atomic_arena_reserve(a, 10) == p);
	atomic_arena_destroy(a);
}

/* ---------------------------------------------------------------------- */
/* Layout and lookups                                                      */

static void test_stride_align(void)
{
	struct atomic_arena *a = new_arena("stride", 10, 8, 8);
	struct atomic_arena *pg;
	u8 src[3][10], *p;
	int i;

	if (!a)
		return;
	for (i = 0; i < 3; i++)
		memset(src[i], 'a' + i, 10);
	/* Packed 10-byte sources land at a stride of 16. */
	p = atomic_arena_append(a, src, 3);
	if (CHECK(p)) {
		CHECK(IS_ALIGNED((unsigned long)p, 8));
		for (i = 0; i < 3; i++)
			CHECK(!memchr_inv(p + i * 16, 'a' + i, 10));
		CHECK(atomic_arena_at(a, 1) == p + 16);
		CHECK(atomic_arena_index(a, p + 32) == 2);
	}
	for (i = 0; i < 5; i++) {
		p = atomic_arena_alloc(a, src[0]);
		CHECK(p && IS_ALIGNED((unsigned long)p, 8));
	}
	atomic_arena_destroy(a);

	pg = new_arena("page-aligned", 1, PAGE_SIZE, 3);
	if (!pg)
		return;
	for (i = 0; i < 3; i++) {
		p = atomic_arena_alloc(pg, NULL);
		CHECK(p && IS_ALIGNED((unsigned long)p, PAGE_SIZE));
	}
	atomic_arena_destroy(pg);
}

static void test_at_index_edges(void)
{
	struct atomic_arena *a = new_arena("edges", 24, 8, 4);
	struct atomic_arena *b = new_arena("edges-other", 24, 8, 4);
	u8 *p0, *p2, *other;

	if (!a || !b)
		goto out;
	CHECK(!atomic_arena_at(a, 0));
	CHECK(!atomic_arena_at(a, ULONG_MAX));
	p0 = atomic_arena_reserve(a, 3);
	other = atomic_arena_alloc(b, NULL);
	if (!CHECK(p0 && other))
		goto out;
	p2 = p0 + 2 * 24;

	CHECK(atomic_arena_at(a, 0) == p0);
	CHECK(atomic_arena_at(a, 2) == p2);
	CHECK(!atomic_arena_at(a, 3));
	CHECK(!atomic_arena_at(a, ULONG_MAX));

	CHECK(atomic_arena_index(a, p0) == 0);
	CHECK(atomic_arena_index(a, p2) == 2);
	CHECK(atomic_arena_index(a, p0 + 1) == -EINVAL);
	CHECK(atomic_arena_index(a, p2 + 23) == -EINVAL);
	CHECK(atomic_arena_index(a, p2 + 24) == -EINVAL);	/* slot 3: free */
	CHECK(atomic_arena_index(a, p0 + 4 * 24) == -EINVAL);	/* past end */
	CHECK(atomic_arena_index(a, p0 - 24) == -EINVAL);
	CHECK(atomic_arena_index(a, NULL) == -EINVAL);
	CHECK(atomic_arena_index(a, other) == -EINVAL);
	CHECK(atomic_arena_index(b, other) == 0);

	/* Full arena: the last slot is found both ways. */
	CHECK(atomic_arena_reserve(a, 1) == p2 + 24);
	CHECK(atomic_arena_index(a, p2 + 24) == 3);
	CHECK(atomic_arena_at(a, 3) == p2 + 24);
	CHECK(!atomic_arena_at(a, 4));
out:
	atomic_arena_destroy(a);
	atomic_arena_destroy(b);
}

/* ---------------------------------------------------------------------- */
/* Typed wrapper                                                           */

struct point {
	s32 x, y;
	u64 weight;
};

DEFINE_ATOMIC_ARENA(point, struct point);

static void test_typed_wrapper(void)
{
	struct point_arena *pa = point_arena_create("points", 8);
	struct point pts[3] = { { 1, 2, 3 }, { 4, 5, 6 }, { 7, 8, 9 } };
	struct point v = { -1, -2, 100 }, *p, *q;
	int i;

	if (!CHECK(!IS_ERR(pa)))
		return;
	CHECK(point_arena_cap(pa) == 8);
	CHECK(atomic_arena_elem_size(point_arena_untyped(pa)) ==
	      sizeof(struct point));
	p = point_arena_alloc(pa, &v);
	q = point_arena_append(pa, pts, 3);
	if (!CHECK(p && q))
		goto out;
	CHECK(p->x == -1 && p->weight == 100);
	CHECK(q == p + 1);
	for (i = 0; i < 3; i++)
		CHECK(point_arena_at(pa, i + 1)->y == pts[i].y);
	CHECK(point_arena_index(pa, q + 2) == 3);
	CHECK(point_arena_len(pa) == 4);
	CHECK(point_arena_reserve(pa, 4) == p + 4);
	CHECK(!point_arena_alloc(pa, NULL));
	point_arena_clear(pa);
	CHECK(point_arena_len(pa) == 0);
	/* Read through a new reservation: the old pointer is dead. */
	q = point_arena_reserve(pa, 1);
	CHECK(q == p && q->x == 0 && q->weight == 0);
	point_arena_reset(pa);
out:
	point_arena_destroy(pa);
}

/* ---------------------------------------------------------------------- */
/* Interrupt context                                                       */

struct irq_alloc {
	struct hrtimer timer;
	struct atomic_arena *arena;
	void *slot;
	bool in_hardirq;
	bool done;
};

static enum hrtimer_restart irq_alloc_fn(struct hrtimer *t)
{
	struct irq_alloc *ia = container_of(t, struct irq_alloc, timer);
	u64 v = 0xabcdef;

	ia->in_hardirq = hardirq_count() != 0;
	ia->slot = atomic_arena_alloc(ia->arena, &v);
	/* Release: the results are written before the waiter sees done. */
	smp_store_release(&ia->done, true);
	return HRTIMER_NORESTART;
}

static void test_alloc_hardirq(void)
{
	struct irq_alloc ia = { .arena = new_arena("hardirq", 8, 8, 2) };
	int waited;

	if (!ia.arena)
		return;
	/* A hard hrtimer runs in hardirq context, PREEMPT_RT included. */
	hrtimer_setup(&ia.timer, irq_alloc_fn, CLOCK_MONOTONIC,
		      HRTIMER_MODE_REL_HARD);
	hrtimer_start(&ia.timer, ns_to_ktime(10 * NSEC_PER_USEC),
		      HRTIMER_MODE_REL_HARD);
	/* Acquire: pairs with the release in the callback. */
	for (waited = 0; !smp_load_acquire(&ia.done) && waited < 1000; waited++)
		usleep_range(1000, 2000);
	hrtimer_cancel(&ia.timer);
	if (CHECK(ia.done)) {
		CHECK(ia.in_hardirq);
		CHECK(ia.slot && *(u64 *)ia.slot == 0xabcdef);
		CHECK(atomic_arena_index(ia.arena, ia.slot) == 0);
	}
	atomic_arena_destroy(ia.arena);
}

/* ---------------------------------------------------------------------- */
/* debugfs fixture                                                         */

/*
 * An arena left alive while the module is loaded, with a known history, so
 * that selftests/atomic_arena.sh can check its debugfs files from user
 * space (the kernel cannot read debugfs files itself: kernel_read() needs
 * ->read_iter). Expected figures: capacity 6, elem_size/stride/align 8,
 * in_use 2, high_water 6, storage_bytes 48, allocs 3, alloc_fails 2,
 * bulk 2, bulk_fails 1, resets 1. The script checks them; keep both in step.
 */
static struct atomic_arena *fixture;

/* Creates the fixture arena; destroyed by aa_destroy_fixture(). */
int aa_make_fixture(void)
{
	u64 v = 5, src[3] = { 0 };

	fixture = atomic_arena_create("selftest-fixture", 8, 8, 6);
	if (IS_ERR(fixture))
		return PTR_ERR(fixture);
	atomic_arena_alloc(fixture, &v);
	atomic_arena_alloc(fixture, &v);
	atomic_arena_append(fixture, src, 3);	/* bulk ok */
	atomic_arena_reserve(fixture, 2);	/* bulk fail: 1 left */
	atomic_arena_alloc(fixture, &v);	/* last slot */
	atomic_arena_alloc(fixture, &v);	/* fail */
	atomic_arena_alloc(fixture, &v);	/* fail */
	atomic_arena_reset(fixture);
	atomic_arena_reserve(fixture, 2);	/* bulk ok */
	return 0;
}

/* ---------------------------------------------------------------------- */
/* Concurrency                                                             */

struct tag {
	u32 owner;
	u32 seq;
	u64 check;
};

static u64 tag_check(u32 owner, u32 seq)
{
	return ((u64)owner << 32 | seq) ^ 0x9e3779b97f4a7c15ULL;
}

static int fill_worker(struct aa_worker *w)
{
	struct atomic_arena *a = w->ctx;
	struct tag t = { .owner = w->id };

	for (;;) {
		t.check = tag_check(t.owner, t.seq);
		if (!atomic_arena_alloc(a, &t))
			break;
		t.seq++;
		if (!(t.seq & 63))
			cond_resched();
	}
	w->slots = t.seq;
	return 0;
}

static void test_concurrent_fill(void)
{
	const unsigned long cap = 20000;
	unsigned int n = aa_nr_workers(), i;
	unsigned long total = 0, **seen = NULL;
	struct atomic_arena *a;
	struct aa_worker *w;
	struct tag *t;
	int round;

	w = kcalloc(n, sizeof(*w), GFP_KERNEL);
	seen = kcalloc(n, sizeof(*seen), GFP_KERNEL);
	a = new_arena("fill", sizeof(struct tag), 8, cap);
	if (!CHECK(w && seen) || !a)
		goto out;
	for (i = 0; i < n; i++) {
		seen[i] = bitmap_zalloc(cap, GFP_KERNEL);
		if (!CHECK(seen[i]))
			goto out;
	}

	for (round = 0; round < 3; round++) {
		CHECK(!aa_run_workers(w, n, fill_worker, a, false));
		total = 0;
		for (i = 0; i < n; i++) {
			total += w[i].slots;
			bitmap_zero(seen[i], cap);
		}
		CHECK(total == cap);
		CHECK(atomic_arena_len(a) == cap);

		/* Each slot holds one tag; each owner's tags are 0..slots-1. */
		for (i = 0; i < cap; i++) {
			t = atomic_arena_at(a, i);
			if (!CHECK(t && t->owner < n && t->seq < w[t->owner].slots &&
				   t->check == tag_check(t->owner, t->seq) &&
				   !__test_and_set_bit(t->seq, seen[t->owner])))
				break;
		}
		pr_info("# round %d: %u threads filled %lu slots\n", round, n,
			total);
		if (round & 1)
			atomic_arena_clear(a);
		else
			atomic_arena_reset(a);
	}
out:
	if (seen)
		for (i = 0; i < n; i++)
			bitmap_free(seen[i]);
	kfree(seen);
	kfree(w);
	atomic_arena_destroy(a);
}

/*
 * No spurious failure. The count of taken slots only grows between resets,
 * so once a request of n slots failed, every later request of n or more
 * must fail too, and once a single slot failed, nothing may succeed.
 * Workers mix single allocs with bulk calls of random sizes (many too large
 * to fit near the end) and each checks that rule on its own history.
 * The checker must see a violation when there is one: it runs once more on
 * the arena with one spurious failure planted, and must report it. The Go
 * original's scheme (fetch-add, roll back on failure) is run through it
 * too, for its count of spurious failures (a diagnostic: it is racy).
 */
struct take_ops {
	unsigned long (*take)(void *ctx, unsigned long n);	/* slots or 0 */
	void (*reset)(void *ctx);
	unsigned long (*len)(void *ctx);
	unsigned long cap;
	void *ctx;
};

static unsigned long arena_take(void *ctx, unsigned long n)
{
	static const u8 src[16 * 16];

	if (n == 1)
		return atomic_arena_alloc(ctx, src) ? 1 : 0;
	if (n & 1 || n > 16)
		return atomic_arena_reserve(ctx, n) ? n : 0;
	return atomic_arena_append(ctx, src, n) ? n : 0;
}

/* The first single alloc on the empty arena fails, once. */
static atomic_t planted;

static unsigned long planted_take(void *ctx, unsigned long n)
{
	if (n == 1 && atomic_arena_len(ctx) == 0 &&
	    atomic_cmpxchg(&planted, 0, 1) == 0)
		return 0;
	return arena_take(ctx, n);
}

static void arena_reset_op(void *ctx)
{
	atomic_arena_reset(ctx);
}

static unsigned long arena_len_op(void *ctx)
{
	return atomic_arena_len(ctx);
}

struct rollback_counter {
	atomic_long_t next;
	unsigned long cap;
};

static unsigned long rollback_take(void *ctx, unsigned long n)
{
	struct rollback_counter *c = ctx;
	unsigned long end = atomic_long_add_return(n, &c->next);

	if (end <= c->cap)
		return n;
	/* Models an interrupt arriving before the roll-back. */
	udelay(2);
	atomic_long_sub(n, &c->next);
	return 0;
}

static void rollback_reset(void *ctx)
{
	struct rollback_counter *c = ctx;

	atomic_long_set(&c->next, 0);
}

static unsigned long rollback_len(void *ctx)
{
	struct rollback_counter *c = ctx;

	return min_t(unsigned long, atomic_long_read(&c->next), c->cap);
}

/* One call of @n slots, checked against the worker's history. */
static bool mixed_take(struct aa_worker *w, const struct take_ops *ops,
		       unsigned long n, unsigned long *min_failed)
{
	unsigned long got = ops->take(ops->ctx, n);

	if (got) {
		w->calls_ok++;
		w->slots += got;
		if (n >= *min_failed)
			w->violations++;
	} else {
		w->calls_failed++;
		*min_failed = min(*min_failed, n);
	}
	return got;
}

static int mixed_worker(struct aa_worker *w)
{
	const struct take_ops *ops = w->ctx;
	unsigned long min_failed = ULONG_MAX, n;
	unsigned int tries_after_full = 0;
	u32 rnd = 0x12345 + w->id * 7919;

	while (tries_after_full < 200) {
		rnd = rnd * 1103515245 + 12345;
		if (!(w->id & 1))
			n = 1;
		else if ((rnd >> 16) & 1)
			n = ops->cap / 2 + 1;	/* cannot fit past half full */
		else
			n = 1 + (rnd >> 16) % 16;

		/* After a bulk failure, a single alloc tells whether it is full. */
		if (!mixed_take(w, ops, n, &min_failed) && n > 1)
			mixed_take(w, ops, 1, &min_failed);
		if (min_failed == 1)
			tries_after_full++;
		if (!((w->calls_ok + w->calls_failed) & 63))
			cond_resched();
	}
	return 0;
}

/* Runs @rounds rounds; returns the violations seen, reports the rest. */
static unsigned long run_mixed(const struct take_ops *ops, unsigned int n,
			       int rounds, unsigned long *lost)
{
	unsigned int i;
	unsigned long violations = 0, slots;
	struct aa_worker *w;
	int r;

	*lost = 0;
	w = kcalloc(n, sizeof(*w), GFP_KERNEL);
	if (!CHECK(w))
		return 0;
	for (r = 0; r < rounds; r++) {
		CHECK(!aa_run_workers(w, n, mixed_worker, (void *)ops, false));
		slots = 0;
		for (i = 0; i < n; i++) {
			violations += w[i].violations;
			slots += w[i].slots;
		}
		if (slots != ops->cap || ops->len(ops->ctx) != ops->cap)
			(*lost)++;
		ops->reset(ops->ctx);
	}
	kfree(w);
	return violations;
}

static void test_no_spurious_failure(void)
{
	const unsigned long cap = 4096;
	const int rounds = 20;
	struct rollback_counter rc = { .cap = cap };
	struct take_ops ops = {
		.take = arena_take, .reset = arena_reset_op,
		.len = arena_len_op, .cap = cap,
	};
	unsigned long violations, lost;

	ops.ctx = new_arena("mixed", 16, 8, cap);
	if (!ops.ctx)
		return;
	violations = run_mixed(&ops, aa_nr_workers(), rounds, &lost);
	pr_info("# arena: %lu spurious failures, %lu rounds not filled exactly, in %d rounds\n",
		violations, lost, rounds);
	CHECK(violations == 0);
	CHECK(lost == 0);

	/*
	 * One planted spurious failure: the checker must catch it. One worker
	 * (id 0: single allocs only), so that its first call is the planted
	 * one and the calls after it find room, whatever the scheduling.
	 */
	atomic_set(&planted, 0);
	ops.take = planted_take;
	violations = run_mixed(&ops, 1, 1, &lost);
	pr_info("# planted: the checker saw %lu violations of 1 planted failure\n",
		violations);
	CHECK(atomic_read(&planted) == 1);
	CHECK(violations > 0);
	atomic_arena_destroy(ops.ctx);

	/* The per-CPU mode, through the same checker. */
	ops.take = arena_take;
	ops.ctx = atomic_arena_create_flags("mixed-percpu", 16, 8, cap,
					    ATOMIC_ARENA_PERCPU);
	if (CHECK(!IS_ERR(ops.ctx))) {
		violations = run_mixed(&ops, aa_nr_workers(), rounds, &lost);
		pr_info("# per-CPU arena: %lu spurious failures, %lu rounds not filled exactly, in %d rounds\n",
			violations, lost, rounds);
		CHECK(violations == 0);
		CHECK(lost == 0);
		atomic_arena_destroy(ops.ctx);
	}

	/* The same checker on the Go scheme: diagnostic only, it is racy. */
	atomic_long_set(&rc.next, 0);
	ops = (struct take_ops){
		.take = rollback_take, .reset = rollback_reset,
		.len = rollback_len, .cap = cap, .ctx = &rc,
	};
	violations = run_mixed(&ops, aa_nr_workers(), rounds, &lost);
	pr_info("# fetch-add-then-roll-back scheme: %lu spurious failures in %d rounds\n",
		violations, rounds);
}

static int hammer_failures_worker(struct aa_worker *w)
{
	struct atomic_arena *a = w->ctx;
	int i;

	for (i = 0; i < 20000; i++) {
		if (atomic_arena_alloc(a, NULL) || atomic_arena_reserve(a, 2) ||
		    atomic_arena_append(a, NULL, 1))
			w->violations++;
		if (!(i & 255))
			cond_resched();
	}
	return 0;
}

/*
 * A storm of failing calls on a full arena. len() clamps, so the raw
 * counter is what tells whether failures moved it: the arena is left alive
 * as "selftest-storm" (destroyed with the fixture), and
 * selftests/atomic_arena.sh checks in debugfs that @next is 64, after the
 * storm, a reset, a refill and one more failure, and that no failing call
 * ever took it past the capacity (overshoot_max 0: the arena was full
 * before each storm began).
 */
static struct atomic_arena *storm;

static void test_failures_do_not_accumulate(void)
{
	unsigned int n = aa_nr_workers(), i;
	unsigned long violations = 0;
	struct aa_worker *w;

	w = kcalloc(n, sizeof(*w), GFP_KERNEL);
	storm = new_arena("selftest-storm", 8, 8, 64);
	if (!CHECK(w) || !storm)
		goto out;
	CHECK(atomic_arena_reserve(storm, 64));
	CHECK(!aa_run_workers(w, n, hammer_failures_worker, storm, false));
	for (i = 0; i < n; i++)
		violations += w[i].violations;
	CHECK(violations == 0);
	CHECK(atomic_arena_len(storm) == 64);
	/* After a reset the whole capacity is there, and no more. */
	atomic_arena_reset(storm);
	CHECK(atomic_arena_len(storm) == 0);
	for (i = 0; i < 64; i++)
		CHECK(atomic_arena_alloc(storm, NULL));
	CHECK(!atomic_arena_alloc(storm, NULL));
out:
	kfree(w);
}

/*
 * len() never exceeds the capacity, although @next does, briefly, when
 * callers race for the last slot. Many one-slot arenas, raced for in the
 * same order by every worker: after each of its calls a worker reads len()
 * a few times, while others may be between their add and their pull-back.
 * The arenas of the last round stay alive, full, until the module is
 * unloaded: len() clamps, so only debugfs shows that every raw counter was
 * pulled back to the capacity (selftests/atomic_arena.sh checks it, and
 * that some of the races did take a counter past it).
 */
#define RACE_ARENAS	128
#define RACE_ROUNDS	64

static struct atomic_arena *race_arenas[RACE_ARENAS];
static atomic_t race_arrived[RACE_ARENAS];

static int len_race_worker(struct aa_worker *w)
{
	struct atomic_arena **arenas = w->ctx;
	unsigned int j, k;

	for (j = 0; j < RACE_ARENAS; j++) {
		/* Meet another worker at arena j (briefly), then race it. */
		atomic_inc(&race_arrived[j]);
		for (k = 0; atomic_read(&race_arrived[j]) < 2 && k < 2000; k++)
			cpu_relax();
		/* Both ways in: the inline fast path, and take_one(). */
		if (j & 1 ? atomic_arena_reserve(arenas[j], 1) :
			    atomic_arena_alloc(arenas[j], NULL))
			w->slots++;
		for (k = 0; k < 4; k++)
			if (atomic_arena_len(arenas[j]) > 1)
				w->violations++;
	}
	return 0;
}

static void test_len_within_capacity(void)
{
	unsigned int n = aa_nr_workers(), i, round;
	unsigned long slots, violations = 0;
	char name[ATOMIC_ARENA_NAME_MAX + 1];
	struct aa_worker *w;

	w = kcalloc(n, sizeof(*w), GFP_KERNEL);
	if (!CHECK(w))
		return;
	for (i = 0; i < RACE_ARENAS; i++) {
		snprintf(name, sizeof(name), "selftest-race-%u", i);
		race_arenas[i] = new_arena(name, 8, 8, 1);
		if (!race_arenas[i])
			goto out;
	}
	for (round = 0; round < RACE_ROUNDS; round++) {
		for (i = 0; i < RACE_ARENAS; i++) {
			if (round)
				atomic_arena_reset(race_arenas[i]);
			atomic_set(&race_arrived[i], 0);
		}
		CHECK(!aa_run_workers(w, n, len_race_worker, race_arenas,
				      true));
		for (i = 0, slots = 0; i < n; i++) {
			slots += w[i].slots;
			violations += w[i].violations;
		}
		/* Each arena gave its one slot to exactly one worker. */
		CHECK(slots == RACE_ARENAS);
		for (i = 0; i < RACE_ARENAS; i++)
			CHECK(atomic_arena_len(race_arenas[i]) == 1);
	}
	pr_info("# len() above the capacity: seen %lu times\n", violations);
	CHECK(violations == 0);
out:
	kfree(w);
}

/* ---------------------------------------------------------------------- */

void aa_destroy_fixture(void)
{
	unsigned int i;

	atomic_arena_destroy(fixture);
	fixture = NULL;
	atomic_arena_destroy(storm);
	storm = NULL;
	for (i = 0; i < RACE_ARENAS; i++) {
		atomic_arena_destroy(race_arenas[i]);
		race_arenas[i] = NULL;
	}
}

static void test_kasan_poisons_free_slots(void)
{
	struct atomic_arena *a;
	u8 *p;

	if (!ATOMIC_ARENA_KASAN_GRANULE) {
		aa_test_skip("kernel without generic KASAN and KASAN_VMALLOC");
		return;
	}
	a = new_arena("kasan", 16, 8, 4);
	if (!a)
		return;
	p = atomic_arena_alloc(a, NULL);
	if (CHECK(p)) {
		CHECK(aa_kasan_shadow(p) == 0 && aa_kasan_shadow(p + 8) == 0);
		CHECK(aa_kasan_shadow(p + 16) == 0xf8);	/* free slot */
		atomic_arena_reset(a);
		CHECK(aa_kasan_shadow(p) == 0xf8 && aa_kasan_shadow(p + 8) == 0xf8);
		CHECK(atomic_arena_reserve(a, 2) == p);
		CHECK(aa_kasan_shadow(p + 16) == 0 && aa_kasan_shadow(p + 24) == 0);
		CHECK(aa_kasan_shadow(p + 32) == 0xf8);
	}
	atomic_arena_destroy(a);
}

/*
 * Run alone (fault_injection=1) after selftests/atomic_arena.sh armed
 * debugfs atomic_arena/fail_create to fail one of create's allocations.
 */
/* ---------------------------------------------------------------------- */
/* The per-CPU mode                                                        */

struct on_cpu {
	struct atomic_arena *a;
	unsigned long n;	/* 0: alloc(NULL); else reserve(n) */
	void *p;
};

static void on_cpu_fn(void *data)
{
	struct on_cpu *c = data;

	c->p = c->n ? atomic_arena_reserve(c->a, c->n) :
		      atomic_arena_alloc(c->a, NULL);
}

/* One call made on @cpu (from its IPI: hardirq context). */
static void *take_on(int cpu, struct atomic_arena *a, unsigned long n)
{
	struct on_cpu c = { .a = a, .n = n };

	if (smp_call_function_single(cpu, on_cpu_fn, &c, 1))
		return NULL;
	return c.p;
}

/*
 * Batches of 64 (the capacity is 256 per possible CPU): slots in one CPU's
 * batch are holes for len, at, index and for_each; once the shared counter
 * is used up, bulk calls take one batch's slots and single calls steal the
 * rest, so that no call fails while a slot is free.
 */
static void test_percpu_batches(void)
{
	unsigned long cap = 256 * num_possible_cpus(), idx, n = 0, i;
	int cpu_a = cpumask_first(cpu_online_mask), cpu_b;
	struct atomic_arena *a;
	u8 *p, *q, *pos;

	cpu_b = cpumask_next(cpu_a, cpu_online_mask);
	if (cpu_b >= nr_cpu_ids) {
		aa_test_skip("one online CPU: nothing to steal from");
		return;
	}
	a = atomic_arena_create_flags("percpu", 8, 8, cap, ATOMIC_ARENA_PERCPU);
	if (!CHECK(!IS_ERR(a)))
		return;
	/* A reset empties the batches: CPU A starts again from slot 0. */
	p = take_on(cpu_a, a, 0);
	atomic_arena_reset(a);
	CHECK(atomic_arena_len(a) == 0);
	CHECK(take_on(cpu_a, a, 0) == p);
	atomic_arena_reset(a);

	p = take_on(cpu_a, a, 0);		/* slot 0; CPU A holds 1..63 */
	q = take_on(cpu_b, a, cap - 64);	/* the shared counter's rest */
	if (!CHECK(p && q))
		goto out;
	CHECK(q == p + 64 * 8);
	CHECK(atomic_arena_len(a) == cap - 63);
	CHECK(!atomic_arena_at(a, 1) && atomic_arena_index(a, p + 8) == -EINVAL);
	CHECK(atomic_arena_next_used(a, 1) == 64);
	atomic_arena_for_each(a, pos, idx) {
		/* One report, not one per slot, if it goes wrong. */
		if (!CHECK(pos == p + idx * 8 && (idx == 0 || idx >= 64)))
			break;
		n++;
	}
	CHECK(n == cap - 63);

	CHECK(!take_on(cpu_b, a, 64));		/* 63 left, in one batch */
	CHECK(take_on(cpu_b, a, 40) == p + 8);	/* CPU A's, in order */
	CHECK(!take_on(cpu_b, a, 24));
	for (i = 0; i < 23; i++)
		CHECK(take_on(cpu_b, a, 0) == p + (41 + i) * 8);
	CHECK(!take_on(cpu_b, a, 0));
	CHECK(!take_on(cpu_a, a, 0));
	CHECK(atomic_arena_len(a) == cap);
	for (i = 0; i < cap; i++)
		if (!CHECK(atomic_arena_at(a, i) == p + i * 8))
			break;
	atomic_arena_reset(a);
	CHECK(atomic_arena_len(a) == 0);
	CHECK(take_on(cpu_b, a, 0) == p);
out:
	atomic_arena_destroy(a);
}

static void test_create_injected_failure(void)
{
	struct atomic_arena *a;

	a = atomic_arena_create("fault-injected", 8, 8, 16);
	CHECK(IS_ERR(a) && PTR_ERR(a) == -ENOMEM);
	if (!IS_ERR(a))
		atomic_arena_destroy(a);
	/* The failure left nothing behind: the same create now succeeds. */
	a = new_arena("fault-injected", 8, 8, 16);
	if (a)
		CHECK(atomic_arena_alloc(a, NULL));
	atomic_arena_destroy(a);
}

const struct aa_test_case aa_fault_cases[] = {
	{ "create_injected_failure", test_create_injected_failure },
};

const unsigned int aa_fault_count = ARRAY_SIZE(aa_fault_cases);

const struct aa_test_case aa_functional_cases[] = {
	{ "create_bad_input", test_create_bad_input },
	{ "create_nomem", test_create_nomem },
	{ "create_duplicate", test_create_duplicate },
	{ "create_race", test_create_race },
	{ "destroy_null", test_destroy_null },
	{ "alloc_int", test_alloc_int },
	{ "alloc_struct", test_alloc_struct },
	{ "alloc_past_capacity", test_alloc_past_capacity },
	{ "alloc_null_zeroes", test_alloc_null_zeroes },
	{ "reset_reuse", test_reset_reuse },
	{ "clear", test_clear },
	{ "append_order", test_append_order },
	{ "append_past_capacity", test_append_past_capacity },
	{ "bulk_zero_and_null", test_bulk_zero_and_null },
	{ "reserve", test_reserve },
	{ "stride_align", test_stride_align },
	{ "at_index_edges", test_at_index_edges },
	{ "typed_wrapper", test_typed_wrapper },
	{ "percpu_batches", test_percpu_batches },
	{ "kasan_poisons_free_slots", test_kasan_poisons_free_slots },
	{ "alloc_hardirq", test_alloc_hardirq },
	{ "concurrent_fill", test_concurrent_fill },
	{ "no_spurious_failure", test_no_spurious_failure },
	{ "failures_do_not_accumulate", test_failures_do_not_accumulate },
	{ "len_within_capacity", test_len_within_capacity },
};

const unsigned int aa_functional_count = ARRAY_SIZE(aa_functional_cases);
