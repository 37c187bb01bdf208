// SPDX-License-Identifier: GPL-2.0
/*
 * atomic_arena_sample.c - a small consumer of the atomic_arena API
 *
 * Logs made-up network flow records into a typed arena, the way a driver
 * would record events from its interrupt handler and drain them in bulk.
 * Two write-only parameters drive it from user space:
 *
 *   echo 100 > /sys/module/atomic_arena_sample/parameters/log_flows
 *   echo 1   > /sys/module/atomic_arena_sample/parameters/reset
 *
 * log_flows records that many flows, one alloc each, and their ids with one
 * bulk append; a flow that does not fit is counted as dropped. reset
 * recycles both arenas in O(1). Allocation is lock-free; the rwsem only
 * keeps a reset from running while records are being logged, which is the
 * caller's duty under the arena's contract.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/err.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/rwsem.h>
#include <linux/slab.h>

#include "../atomic_arena.h"

struct flow_record {
	__be32 saddr, daddr;
	__be16 sport, dport;
	u32 bytes;
	u64 timestamp_ns;
};

DEFINE_ATOMIC_ARENA(flow, struct flow_record);
DEFINE_ATOMIC_ARENA(flow_id, u32);

#define SAMPLE_FLOWS	1024

static struct flow_arena *flows;
static struct flow_id_arena *flow_ids;
static DECLARE_RWSEM(reset_lock);
static u32 next_id;

static int log_flows_set(const char *val, const struct kernel_param *kp)
{
	unsigned int n, i, dropped = 0;
	struct flow_record rec;
	u32 *ids;
	int err;

	err = kstrtouint(val, 0, &n);
	if (err)
		return err;
	if (n > SAMPLE_FLOWS * 4)
		return -EINVAL;
	ids = kmalloc_array(n, sizeof(*ids), GFP_KERNEL);
	if (!ids)
		return -ENOMEM;

	down_read(&reset_lock);
	for (i = 0; i < n; i++) {
		ids[i] = next_id++;
		rec = (struct flow_record){
			.saddr = htonl(0x0a000001 + (ids[i] & 0xff)),
			.daddr = htonl(0xc0a80001),
			.sport = htons(40000 + (ids[i] & 0x3ff)),
			.dport = htons(443),
			.bytes = 64 + (ids[i] * 37) % 1400,
			.timestamp_ns = ktime_get_ns(),
		};
		if (!flow_arena_alloc(flows, &rec))
			dropped++;
	}
	/* All ids in one contiguous run, or none of them. */
	if (n && !flow_id_arena_append(flow_ids, ids, n))
		pr_info("id arena: no room for %u more ids\n", n);
	pr_info("logged %u flows, dropped %u (arena full); %lu of %lu slots in use\n",
		n - dropped, dropped, flow_arena_len(flows),
		flow_arena_cap(flows));
	up_read(&reset_lock);
	kfree(ids);
	return 0;
}

static int reset_set(const char *val, const struct kernel_param *kp)
{
	bool clear;
	int err = kstrtobool(val, &clear);

	if (err)
		return err;
	down_write(&reset_lock);
	flow_arena_reset(flows);
	/* Ids are zeroed too, to show clear next to reset. */
	if (clear)
		flow_id_arena_clear(flow_ids);
	else
		flow_id_arena_reset(flow_ids);
	up_write(&reset_lock);
	pr_info("arenas %s\n", clear ? "reset, ids cleared" : "reset");
	return 0;
}

static const struct kernel_param_ops log_flows_ops = { .set = log_flows_set };
static const struct kernel_param_ops reset_ops = { .set = reset_set };
module_param_cb(log_flows, &log_flows_ops, NULL, 0200);
MODULE_PARM_DESC(log_flows, "Log this many made-up flow records");
module_param_cb(reset, &reset_ops, NULL, 0200);
MODULE_PARM_DESC(reset, "Recycle both arenas (1: also zero the ids)");

static int __init atomic_arena_sample_init(void)
{
	flows = flow_arena_create("sample-flows", SAMPLE_FLOWS);
	if (IS_ERR(flows))
		return PTR_ERR(flows);
	flow_ids = flow_id_arena_create("sample-flow-ids", SAMPLE_FLOWS * 4);
	if (IS_ERR(flow_ids)) {
		flow_arena_destroy(flows);
		return PTR_ERR(flow_ids);
	}
	pr_info("created arenas sample-flows (%lu x %zu bytes) and sample-flow-ids\n",
		flow_arena_cap(flows), sizeof(struct flow_record));
	return 0;
}

static void __exit atomic_arena_sample_exit(void)
{
	flow_id_arena_destroy(flow_ids);
	flow_arena_destroy(flows);
}

module_init(atomic_arena_sample_init);
module_exit(atomic_arena_sample_exit);

MODULE_DESCRIPTION("Sample user of the atomic_arena typed API");
MODULE_AUTHOR("atomic-arena developers");
MODULE_LICENSE("GPL");
