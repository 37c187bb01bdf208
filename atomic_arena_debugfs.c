// SPDX-License-Identifier: GPL-2.0
/*
 * The debugfs files of every live arena:
 * /sys/kernel/debug/atomic_arena/{arenas,<name>/{stats,data}}
 *
 * Part of atomic_arena.c, which includes it (one translation unit, as
 * mm/percpu.c includes percpu-vm.c): it is not built on its own, and it
 * uses atomic_arena.c's definitions and helpers as they stand at the
 * #include.
 */

struct atomic_arena_snapshot {
	unsigned long next;
	unsigned long held;
	unsigned long overshoot_max;
	unsigned long in_use;
	unsigned long high_water;
	unsigned long resets;
	struct atomic_arena_stats sum;
};

static unsigned long racy_read(const unsigned long *counter)
{
	/* Statistics: another CPU's counter, read while it counts. */
	return data_race(*counter);
}

static void snapshot(const struct atomic_arena *arena,
		     struct atomic_arena_snapshot *s)
{
	const struct atomic_arena_stats *c;
	int cpu;

	memset(s, 0, sizeof(*s));
	s->next = atomic_long_read(&arena->h.next);
	s->overshoot_max = atomic_long_read(&arena->overshoot_max);
	s->held = held_slots(arena);
	s->in_use = min(s->next, arena->h.cap);
	s->in_use = s->in_use > s->held ? s->in_use - s->held : 0;
	/* Only written by reset, which may run concurrently: a racy peek. */
	s->high_water = max(READ_ONCE(arena->high_water), s->in_use);
	s->resets = atomic_long_read(&arena->resets);
	for_each_possible_cpu(cpu) {
		c = per_cpu_ptr(arena->h.stats, cpu);
		s->sum.allocs += racy_read(&c->allocs);
		s->sum.alloc_fails += racy_read(&c->alloc_fails);
		s->sum.bulk += racy_read(&c->bulk);
		s->sum.bulk_fails += racy_read(&c->bulk_fails);
		s->sum.holdback_fails += racy_read(&c->holdback_fails);
	}
}

/* The storage's size, which atomic_arena_create() checked fits a size_t. */
static size_t storage_bytes(const struct atomic_arena *arena)
{
	return (size_t)arena->h.cap * arena->h.stride;
}

static int stats_show(struct seq_file *m, void *v)
{
	struct atomic_arena *arena = m->private;
	struct atomic_arena_snapshot s;

	snapshot(arena, &s);
	seq_printf(m, "name:          %s\n", arena->name);
	seq_printf(m, "elem_size:     %zu\n", arena->elem_size);
	seq_printf(m, "stride:        %zu\n", arena->h.stride);
	seq_printf(m, "align:         %zu\n", arena->align);
	seq_printf(m, "capacity:      %lu\n", arena->h.cap);
	seq_printf(m, "in_use:        %lu\n", s.in_use);
	seq_printf(m, "high_water:    %lu\n", s.high_water);
	seq_printf(m, "storage_bytes: %zu\n", storage_bytes(arena));
	seq_printf(m, "allocs:        %lu\n", s.sum.allocs);
	seq_printf(m, "alloc_fails:   %lu\n", s.sum.alloc_fails);
	seq_printf(m, "bulk:          %lu\n", s.sum.bulk);
	seq_printf(m, "bulk_fails:    %lu\n", s.sum.bulk_fails);
	seq_printf(m, "resets:        %lu\n", s.resets);
	seq_printf(m, "next:          %lu\n", s.next);
	seq_printf(m, "overshoot_max: %lu\n", s.overshoot_max);
	seq_printf(m, "mode:          %s\n", arena->h.cpu ? "percpu" : "ordered");
	seq_printf(m, "batch:         %lu\n", arena->h.cpu ? arena->batch : 0);
	seq_printf(m, "held:          %lu\n", s.held);
	seq_printf(m, "holdback_fails: %lu\n", s.sum.holdback_fails);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(stats);

static int arenas_show(struct seq_file *m, void *v)
{
	struct atomic_arena *arena;
	struct atomic_arena_snapshot s;

	seq_puts(m, "# name                            elem_size stride  capacity    in_use high_water storage_bytes     allocs alloc_fails       bulk bulk_fails resets\n");
	mutex_lock(&atomic_arena_lock);
	list_for_each_entry(arena, &atomic_arena_list, node) {
		snapshot(arena, &s);
		seq_printf(m, "%-33s %9zu %6zu %9lu %9lu %10lu %13zu %10lu %11lu %10lu %10lu %6lu\n",
			   arena->name, arena->elem_size, arena->h.stride,
			   arena->h.cap, s.in_use, s.high_water,
			   storage_bytes(arena), s.sum.allocs,
			   s.sum.alloc_fails, s.sum.bulk, s.sum.bulk_fails,
			   s.resets);
	}
	mutex_unlock(&atomic_arena_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(arenas);

/*
 * debugfs <name>/data: the bytes of the slots in use, elem_size a slot, in
 * index order. In the per-CPU mode the slots in CPUs' batches are left
 * out, and each record starts with its slot's index, a native-endian u64.
 * Which slots are in use is taken at open (a snapshot, as len); their
 * bytes are read at read time.
 */
struct data_hole {
	unsigned long start, end;	/* slots [start, end) in a batch */
};

struct data_view {
	struct atomic_arena *arena;
	size_t hdr;			/* bytes of index before each record */
	size_t rec;			/* bytes of each record */
	loff_t size;
	unsigned int nholes;
	struct data_hole holes[];	/* sorted, disjoint, within the slots taken */
};

/*
 * Slots [0, *end) were taken from @next; the batches' free slots among
 * them, sorted and merged, go to @holes (one per CPU at most). Waits for
 * refills in flight, as steal() does, so that no slot taken for a batch
 * but not yet published in it passes for a slot in use.
 */
static unsigned int snapshot_holes(const struct atomic_arena *arena,
				   unsigned long *end, struct data_hole *holes)
{
	unsigned long start, stop;
	unsigned int n, i, m;
	int cpu;
	s64 b;

retry:
	*end = taken(arena);
	/* Full barrier: the counter, then the flags (see refill()). */
	smp_mb();
	for_each_possible_cpu(cpu) {
		/* Acquire: a refill seen done has published its batch. */
		if (smp_load_acquire(&per_cpu_ptr(arena->h.cpu, cpu)->refilling)) {
			cpu_relax();
			goto retry;
		}
	}
	n = 0;
	for_each_possible_cpu(cpu) {
		b = atomic64_read(&per_cpu_ptr(arena->h.cpu, cpu)->batch);
		start = batch_pos(b);
		stop = min(start + batch_left(b), *end);
		if (start >= stop)
			continue;
		/* Insertion sort: one batch per CPU. */
		for (i = n++; i && holes[i - 1].start > start; i--)
			holes[i] = holes[i - 1];
		holes[i] = (struct data_hole){ start, stop };
	}
	/* A reset in between could make batches overlap: merge them. */
	for (i = 1, m = 0; i < n; i++) {
		if (holes[i].start <= holes[m].end)
			holes[m].end = max(holes[m].end, holes[i].end);
		else
			holes[++m] = holes[i];
	}
	return n ? m + 1 : 0;
}

/* The index of the @k-th slot in use of the snapshot. */
static unsigned long record_index(const struct data_view *v, u64 k)
{
	unsigned long idx = k;
	unsigned int i;

	for (i = 0; i < v->nholes && v->holes[i].start <= idx; i++)
		idx += v->holes[i].end - v->holes[i].start;
	return idx;
}

/*
 * A debugfs reader synchronises with nobody: the slot's owner may be
 * writing it, a reset poisoning it (KASAN). The bytes may be stale or
 * torn, never from outside the storage; so neither sanitizer is told
 * (and the caller marks the copy a data_race()). READ_ONCE(): a byte
 * loop that the compiler cannot turn into a call of memcpy(), which
 * KASAN checks.
 */
static __no_kcsan __no_sanitize_address void *copy_racy(void *dst,
							const void *src,
							size_t n)
{
	const unsigned char *s = src;
	unsigned char *d = dst;

	while (n--)
		*d++ = READ_ONCE(*s++);
	return dst;
}

static int data_open(struct inode *inode, struct file *file)
{
	struct atomic_arena *arena = inode->i_private;
	unsigned int nr = arena->h.cpu ? num_possible_cpus() : 0;
	struct data_view *v;
	unsigned long used;
	unsigned int i;

	v = kzalloc(struct_size(v, holes, nr), GFP_KERNEL);
	if (!v)
		return -ENOMEM;
	v->arena = arena;
	if (arena->h.cpu) {
		v->hdr = sizeof(u64);
		v->nholes = snapshot_holes(arena, &used, v->holes);
	} else {
		used = taken(arena);
	}
	/* Slots taken, less those still in batches: the records. */
	for (i = 0; i < v->nholes; i++)
		used -= v->holes[i].end - v->holes[i].start;
	v->rec = v->hdr + arena->elem_size;
	/* At most the storage, plus the indices: no overflow. */
	v->size = (loff_t)used * v->rec;
	file->private_data = v;
	return 0;
}

/* Fills @buf with the snapshot's bytes [@pos, @pos + @n). */
static void data_fill(const struct data_view *v, char *buf, loff_t pos,
		      size_t n)
{
	size_t off, len;
	u64 k, rem, idx;

	while (n) {
		k = div64_u64_rem(pos, v->rec, &rem);
		off = rem;
		len = min(n, v->rec - off);
		idx = record_index(v, k);
		if (off < v->hdr) {
			len = min(len, v->hdr - off);
			memcpy(buf, (char *)&idx + off, len);
		} else {
			/* Racing the slot's owner, by design. */
			data_race(copy_racy(buf, slot(v->arena, idx) + off -
					    v->hdr, len));
		}
		buf += len;
		pos += len;
		n -= len;
	}
}

static ssize_t data_read(struct file *file, char __user *ubuf, size_t count,
			 loff_t *ppos)
{
	const struct data_view *v = file->private_data;
	size_t done = 0, n;
	ssize_t err = 0;
	char *buf;

	if (*ppos < 0)
		return -EINVAL;
	if (*ppos >= v->size)
		return 0;
	count = min_t(loff_t, count, v->size - *ppos);
	buf = kmalloc(min_t(size_t, count, PAGE_SIZE), GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	while (done < count) {
		n = min_t(size_t, count - done, PAGE_SIZE);
		data_fill(v, buf, *ppos + done, n);
		if (copy_to_user(ubuf + done, buf, n)) {
			err = -EFAULT;
			break;
		}
		done += n;
		if (fatal_signal_pending(current))
			break;
		cond_resched();
	}
	kfree(buf);
	*ppos += done;
	return done ? done : err;
}

static loff_t data_llseek(struct file *file, loff_t offset, int whence)
{
	const struct data_view *v = file->private_data;

	return fixed_size_llseek(file, offset, whence, v->size);
}

static int data_release(struct inode *inode, struct file *file)
{
	kfree(file->private_data);
	return 0;
}

static const struct file_operations data_fops = {
	.owner		= THIS_MODULE,
	.open		= data_open,
	.read		= data_read,
	.llseek		= data_llseek,
	.release	= data_release,
};

/* Called with atomic_arena_lock held, so that names are still unique. */
static void atomic_arena_debugfs_add(struct atomic_arena *arena)
{
	/* Failures are harmless: the arena works without its debugfs files. */
	arena->dir = debugfs_create_dir(arena->name, atomic_arena_debugfs_root);
	debugfs_create_file("stats", 0400, arena->dir, arena, &stats_fops);
	debugfs_create_file("data", 0400, arena->dir, arena, &data_fops);
}
