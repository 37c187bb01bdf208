// SPDX-License-Identifier: GPL-2.0
/*
 * The fuzzer's debugfs reads (fuzz.h), against the model: an arena's
 * stats and the list of arenas in chunks of any size, and its data file
 * from any offset, from the start or the end, in reads of any size.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

/* --- debugfs -------------------------------------------------------- */

static size_t pick_chunk(struct cursor *c)
{
	unsigned int v = take8(c);

	return v % 4 == 0 ? 0 : v % 61 + 1;
}

void op_stats(struct cursor *c, struct model *m)
{
	size_t chunk = pick_chunk(c);
	char path[64], *out, *line, *save, key[32], val[64];
	struct {
		const char *key;
		unsigned long want;
		const char *str;	/* or this string */
		bool seen;
	} f[] = {
		{ "name", 0, m->name },
		{ "elem_size", m->elem_size },
		{ "stride", m->stride },
		{ "align", m->align },
		{ "capacity", m->cap },
		{ "in_use", m->len },
		{ "high_water", m->high_water > m->len ?
				m->high_water : m->len },
		{ "storage_bytes", m->cap * m->stride },
		{ "allocs", m->allocs },
		{ "alloc_fails", m->alloc_fails },
		{ "bulk", m->bulk },
		{ "bulk_fails", m->bulk_fails },
		{ "resets", m->resets },
		{ "next", m->next },
		{ "overshoot_max", 0 },
		{ "mode", 0, m->percpu ? "percpu" : "ordered" },
		{ "batch", m->batch },
		{ "held", m_held(m) },
		{ "holdback_fails", 0 },	/* no NMI here */
	};
	unsigned int i;
	int err;

	snprintf(path, sizeof(path), "atomic_arena/%s/stats", m->name);
	TRACE("read %s in chunks of %zu", path, chunk);
	err = shim_debugfs_read(path, chunk, &out);
	if (err)
		fail(m, "reading %s: %d", path, err);
	for (line = strtok_r(out, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (sscanf(line, "%31[^:]: %63s", key, val) != 2)
			fail(m, "stats line \"%s\"", line);
		for (i = 0; i < ARRAY_SIZE(f); i++)
			if (!strcmp(f[i].key, key))
				break;
		if (i == ARRAY_SIZE(f) || f[i].seen)
			fail(m, "stats line \"%s\": unknown or repeated", line);
		f[i].seen = true;
		if (f[i].str ? strcmp(val, f[i].str) :
			       strtoul(val, NULL, 10) != f[i].want ||
			       strspn(val, "0123456789") != strlen(val))
			fail(m, "stats: %s is \"%s\", want %s%lu", key, val,
			     f[i].str ? f[i].str : "", f[i].want);
	}
	for (i = 0; i < ARRAY_SIZE(f); i++)
		if (!f[i].seen)
			fail(m, "stats: no %s line", f[i].key);
	free(out);
}

/*
 * atomic_arena/<name>/data from an offset (from the start, or from the
 * end) in reads of any size: the elements of the slots handed out, in
 * index order, each after its index in the per-CPU mode.
 */
void op_data(struct cursor *c, struct model *m)
{
	size_t hdr = m->percpu ? sizeof(u64) : 0, size = 0, n, chunk;
	unsigned char *want, *got;
	char path[64];
	long long off;
	unsigned long idx;
	ssize_t r;
	int whence = SEEK_SET;
	u64 i64;

	want = malloc(m->len * (hdr + m->elem_size) + 1);
	for (idx = 0; idx < m->cap; idx++) {
		if (!m->used[idx])
			continue;
		i64 = idx;
		memcpy(want + size, &i64, hdr);
		memcpy(want + size + hdr, m->mem + idx * m->stride,
		       m->elem_size);
		size += hdr + m->elem_size;
	}
	switch (take8(c) % 6) {
	case 0:
		off = 0;
		break;
	case 1:
		off = size;
		break;
	case 2:
		off = size + 1 + take8(c);
		break;
	case 3:
		/* From the end: the last bytes, or before the start. */
		whence = SEEK_END;
		off = -(long long)(take8(c) % (size + 2));
		break;
	default:
		off = size ? take(c, 4) % size : 0;
		break;
	}
	chunk = pick_chunk(c);
	got = malloc(size + 64);
	snprintf(path, sizeof(path), "atomic_arena/%s/data", m->name);
	TRACE("read %s from %lld (whence %d) in chunks of %zu", path, off,
	      whence, chunk);
	r = shim_debugfs_pread(path, off, whence, chunk, got, size + 64);
	if (whence == SEEK_END)
		off += size;
	if (off < 0) {
		if (r != -EINVAL)
			fail(m, "data: a seek to %lld gave %zd, want -EINVAL",
			     off, r);
	} else {
		n = (size_t)off < size ? size - off : 0;
		if (r != (ssize_t)n || memcmp(got, want + off, n))
			fail(m, "data: %zd bytes from %lld, want %zu%s", r, off,
			     n, r == (ssize_t)n ? ", and other bytes" : "");
	}
	free(got);
	free(want);
}

void op_arenas(struct cursor *c)
{
	size_t chunk = pick_chunk(c);
	unsigned long v[11], want[11], last_seq = 0;
	char *out, *line, *save, name[64];
	bool seen[MAX_ARENAS] = { false }, first = true;
	int i, live = 0, rows = 0;
	struct model *m;

	TRACE("read atomic_arena/arenas in chunks of %zu", chunk);
	if (shim_debugfs_read("atomic_arena/arenas", chunk, &out))
		fail(NULL, "cannot read atomic_arena/arenas");
	line = strtok_r(out, "\n", &save);
	if (!line || strncmp(line, "# name ", 7))
		fail(NULL, "arenas: header \"%s\"", line ? line : "");
	while ((line = strtok_r(NULL, "\n", &save))) {
		if (sscanf(line, "%63s %lu %lu %lu %lu %lu %lu %lu %lu %lu %lu %lu",
			   name, &v[0], &v[1], &v[2], &v[3], &v[4], &v[5],
			   &v[6], &v[7], &v[8], &v[9], &v[10]) != 12)
			fail(NULL, "arenas: row \"%s\"", line);
		m = find_live(name);
		if (!m || seen[m - arenas])
			fail(NULL, "arenas: row \"%s\": no such arena, or twice",
			     line);
		if (!first && m->seq < last_seq)
			fail(m, "arenas: not in creation order");
		first = false;
		last_seq = m->seq;
		seen[m - arenas] = true;
		rows++;
		want[0] = m->elem_size;
		want[1] = m->stride;
		want[2] = m->cap;
		want[3] = m->len;
		want[4] = m->high_water > m->len ? m->high_water : m->len;
		want[5] = m->cap * m->stride;
		want[6] = m->allocs;
		want[7] = m->alloc_fails;
		want[8] = m->bulk;
		want[9] = m->bulk_fails;
		want[10] = m->resets;
		for (i = 0; i < 11; i++)
			if (v[i] != want[i])
				fail(m, "arenas: column %d is %lu, want %lu in \"%s\"",
				     i + 2, v[i], want[i], line);
	}
	for (i = 0; i < MAX_ARENAS; i++)
		live += !!arenas[i].a;
	if (rows != live)
		fail(NULL, "arenas: %d rows, %d live arenas", rows, live);
	free(out);
}
