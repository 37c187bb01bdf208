#!/bin/bash
# demo.sh - what `make demo` runs: boot Debian's stock kernel in QEMU, load
# atomic_arena.ko and the sample consumer, and show the arenas in debugfs
# before and after the sample does some work, the failed allocations of a
# full arena in trace_pipe with the sample's call site, the bytes of the
# records in the data file, and a reset.
#
# Usage: scripts/demo.sh [KERNEL (default 6.1, Debian 12's own)]
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$here/lib.sh"
[[ $# -le 1 ]] || usage
kernel=${1:-6.1}

"$here/deps.sh"
"$here/fetch-kernel.sh" "$kernel"
"$here/build-modules.sh" "$kernel"
src=$top/build/$kernel/src
payload=$top/build/$kernel/demo
rm -rf "$payload" && mkdir -p "$payload"
cp "$src/atomic_arena.ko" "$src/samples/atomic_arena_sample.ko" "$payload/"

cat >"$payload/run" <<'GUEST'
#!/bin/sh
set -e
D=/sys/kernel/debug/atomic_arena
P=/sys/module/atomic_arena_sample/parameters
T=/sys/kernel/tracing
say() { printf '\n$ %s\n' "$*"; }
run() { say "$*"; sh -c "$*"; }
# Kernel messages from the sample, without timestamps.
sample_log() { dmesg | sed -n 's/^\[[^]]*\] atomic_arena_sample: /  kernel: /p' | tail -n "$1"; }

echo "Kernel $(uname -r), $(nproc) CPUs"
run "insmod atomic_arena.ko && insmod atomic_arena_sample.ko"
sample_log 1
run "ls $D $D/sample-flows"
run "cat $D/arenas"
run "echo 300 > $P/log_flows"
sample_log 1
run "cat $D/sample-flows/stats"
mount -t tracefs nodev $T
run "echo 1 > $T/events/atomic_arena/enable"
run "echo 900 > $P/log_flows"
sample_log 2
run "cat $D/arenas"
# What a full arena looks like to ftrace: which call site failed, how often.
say "timeout -s INT 2 cat $T/trace_pipe > /tmp/events"
timeout -s INT 2 cat $T/trace_pipe > /tmp/events || true
run "grep -c atomic_arena_alloc_fail: /tmp/events"
run "grep -m 2 atomic_arena_alloc_fail: /tmp/events | sed 's/^ *//'"
# The first two records, 24 bytes each: one a line.
run "od -A d -t x1 -w24 -N 48 $D/sample-flows/data"
run "echo 1 > $P/reset"
sample_log 1
run "cat $D/sample-flows/stats"
run "rmmod atomic_arena_sample"
run "ls $D"
GUEST
chmod +x "$payload/run"
exec "$here/vm-run.sh" --kernel "$kernel" --timeout 300 --out "$top/build/$kernel/demo-vm" "$payload"
