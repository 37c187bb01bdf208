// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the arena's API, one call at a time, against a model
 *
 * Each input is a program. Its bytes, read in order by a small cursor,
 * first create an arena, then choose calls until they run out:
 *
 * - atomic_arena_create(), atomic_arena_create_flags() (0, the per-CPU
 *   mode ATOMIC_ARENA_PERCPU, or unknown flags) and the typed wrapper's
 *   fz_arena_create{,_flags}() with a name from a table of good and bad
 *   ones (NULL, "", "a/b", ".", "..", "arenas", "fail_create", 31 and 32
 *   bytes, "f0".."f3", names of live arenas), element sizes, alignments
 *   and capacities from tables of edge values (0, SIZE_MAX, LONG_MAX / 2
 *   and one more, 2^47 and around, ULONG_MAX, 3, 8192, ...) or small
 *   random ones; sometimes with little MemAvailable
 *   (shim_set_mem_available()), or with the k-th allocation of the create
 *   failing (atomic_arena/fail_create: k = 1 the arena, 2 its statistics,
 *   3 its storage, 4 the per-CPU batches, which only a per-CPU arena has);
 * - alloc() with an object or NULL, append() with objects or NULL and
 *   reserve(), with counts of 0, 1, 2, around the room left, the batch
 *   size, a CPU's batch, the capacity and ULONG_MAX, untyped or through
 *   the typed wrapper (fz_arena_alloc() is the inline fast path) on the
 *   arenas whose element is struct fz_elem; reset(), clear(), len(),
 *   cap(), elem_size(), at() at and around len(), the shared counter and
 *   the CPUs' batches, index() of slot starts, of pointers inside a slot,
 *   NULL, below and past the storage, and into another arena;
 *   next_used() and a whole atomic_arena_for_each() walk; writes into
 *   slots in use (padding included, so that the zeroing of the whole
 *   stride by append(NULL) and clear() shows); reads of
 *   atomic_arena/<name>/stats and atomic_arena/arenas in chunks of any
 *   size, and of atomic_arena/<name>/data from any offset, from the start
 *   or the end, in reads of any size; destroy and re-create; another "CPU" (0..FUZZ_CPUS - 1, the
 *   possible CPUs), for the per-CPU counters and batches.
 *
 * A sequential model of each arena says what every call must return: the
 * error of each create, in the order of atomic_arena_create_flags()'s
 * checks (-EINVAL, -EOVERFLOW, -EEXIST, -ENOMEM), every slot's index and
 * address (base + idx * stride, aligned as asked), which slots are handed
 * out, the contents of the whole storage after each call, and every field
 * of debugfs. A per-CPU arena is deterministic with one thread: the model
 * keeps the shared counter and each possible CPU's batch (first free slot,
 * slots left) and takes, refills and steals as the kernel-doc of
 * atomic_arena_create_flags() says, with the batch size of the number of
 * possible CPUs that LLVMFuzzerInitialize() sets. Any difference is
 * printed and abort()ed on, which libFuzzer reports as a crash; so is a
 * leak (shim_allocations() not back where it was once every arena of the
 * input is destroyed) or a debugfs directory left behind. ASan and UBSan
 * watch the rest: names and objects are handed over in buffers of exactly
 * their size, and a name is freed as soon as the create returns.
 *
 * Storage is kept small: MemAvailable is 16 GiB while an input runs, so
 * a larger arena is -ENOMEM before anything is allocated, and a create
 * that the model says would succeed with more than 1 MiB of storage is
 * made with fewer slots instead.
 *
 * This file reads the input and dispatches each call; the model, its
 * invariants and the calls are in the parts that fuzz.h lists.
 *
 * Run it (the corpus is build/tools/fuzz/corpus):
 *
 *	make -C tools fuzz			FUZZ_SECONDS=600 by default
 *	make -C tools fuzz FUZZ_SECONDS=60
 *
 * and replay a crash with build/tools/fuzz/fuzz CRASH_FILE; FUZZ_TRACE=1
 * in the environment prints every call as it is made. An input that runs
 * for 10 s (a hang) is reported too, unless -timeout= says otherwise.
 */
#include <stdlib.h>
#include <string.h>

#include <linux/fault-inject.h>

#include "fuzz.h"

/* --- one input ------------------------------------------------------ */

static struct model *pick_live(struct cursor *c)
{
	int i, n = take8(c);

	for (i = 0; i < MAX_ARENAS; i++) {
		struct model *m = &arenas[(n + i) % MAX_ARENAS];

		if (m->a)
			return m;
	}
	return NULL;
}

/*
 * A call that never returns is a bug too (a next_used() that does not
 * advance loops for ever), and an input runs in well under a second: so,
 * unless the command line says otherwise, one that runs for 10 s is
 * reported, not libFuzzer's default 1200 s. libFuzzer reads its flags
 * after LLVMFuzzerInitialize().
 */
static void default_timeout(int *argc, char ***argv)
{
	char **args;
	int i;

	for (i = 1; i < *argc; i++)
		if (!strncmp((*argv)[i], "-timeout=", 9))
			return;
	/* Kept for the life of the process, as libFuzzer keeps argv. */
	args = calloc(*argc + 2, sizeof(*args));
	if (!args)
		abort();
	args[0] = (*argv)[0];
	args[1] = strdup("-timeout=10");
	if (!args[1])
		abort();
	memcpy(args + 2, *argv + 1, (*argc - 1) * sizeof(*args));
	*argv = args;
	(*argc)++;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	default_timeout(argc, argv);
	/* Before any arena: the batch size depends on it. */
	shim_set_nr_cpus(FUZZ_CPUS);
	shim_module_init();
	fail_create = shim_fault_attr("fail_create");
	if (!fail_create) {
		fprintf(stderr, "fuzz: no fail_create fault attribute\n");
		abort();
	}
	fail_create->times = 0;
	trace = getenv("FUZZ_TRACE");
	return 0;
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct cursor c = { data, size, false };
	long before = shim_allocations();
	struct model *m;
	unsigned int op;
	int i;

	cur_step = 0;
	mem_pages = MEM_PAGES;
	shim_set_mem_available(mem_pages);
	cur_cpu = 0;
	shim_set_cpu(0);
	shim_log_clear();

	op_create(&c, take8(&c) % 3);
	while (!c.end) {
		cur_step++;
		op = take8(&c);
		if (c.end)
			break;
		op %= 32;
		if (op < 3) {
			op_create(&c, op);
			continue;
		}
		if (op < 5) {
			/* Another CPU: another batch, and steals from it. */
			cur_cpu = take8(&c) % FUZZ_CPUS;
			TRACE("cpu %u", cur_cpu);
			shim_set_cpu(cur_cpu);
			continue;
		}
		if (op == 5) {
			op_arenas(&c);
			continue;
		}
		if (op == 6) {
			op_destroy_nothing();
			continue;
		}
		m = pick_live(&c);
		if (!m)
			continue;
		switch (op) {
		case 7:
			op_destroy(&c, m);
			continue;
		case 8:
		case 9:
			op_alloc(&c, m, false, false);
			break;
		case 10:
			op_alloc(&c, m, true, false);
			break;
		case 11:
		case 12:
			op_bulk(&c, m, false, false, false);
			break;
		case 13:
			op_bulk(&c, m, true, false, false);
			break;
		case 14:
		case 15:
			op_bulk(&c, m, false, true, false);
			break;
		case 16:
			op_reset(m, false, false);
			break;
		case 17:
			op_reset(m, true, false);
			break;
		case 18:
		case 19:
			op_at(&c, m, false);
			break;
		case 20:
			op_index(&c, m, false);
			break;
		case 21:
			op_write(&c, m);
			break;
		case 22:
		case 23:
			op_stats(&c, m);
			break;
		case 24:
			op_next_used(&c, m);
			break;
		case 25:
			op_for_each(m, false);
			break;
		case 26:
			/* The typed wrapper, where the element fits. */
			op_alloc(&c, m, take8(&c) & 1, true);
			break;
		case 27:
			i = take8(&c) % 3;
			op_bulk(&c, m, i == 1, i == 2, true);
			break;
		case 28:
			i = take8(&c) % 5;
			switch (i) {
			case 0:
				op_at(&c, m, true);
				break;
			case 1:
				op_index(&c, m, true);
				break;
			case 2:
				op_for_each(m, true);
				break;
			default:
				op_reset(m, i == 4, true);
				break;
			}
			break;
		case 29:
			op_data(&c, m);
			break;
		default:
			/* len(), cap() and elem_size(), below. */
			if (m_typed(m) &&
			    (fz_arena_len(typed(m)) != m->len ||
			     fz_arena_cap(typed(m)) != m->cap))
				fail(m, "fz_arena_len() = %lu, fz_arena_cap() = %lu",
				     fz_arena_len(typed(m)),
				     fz_arena_cap(typed(m)));
			break;
		}
		check_arena(m);
	}

	for (i = 0; i < MAX_ARENAS; i++)
		if (arenas[i].a)
			destroy_one(&arenas[i]);
	if (shim_allocations() != before)
		fail(NULL, "leak: %ld allocations after the input, %ld before",
		     shim_allocations(), before);
	op_arenas(&c);
	shim_set_mem_available(-1);
	shim_set_cpu(0);
	return 0;
}
