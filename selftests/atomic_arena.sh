#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Functional tests of atomic_arena, printed as one KTAP report.
#
# Loading test_atomic_arena.ko runs the in-kernel cases and leaves one
# fixture arena alive; this script then checks that arena's debugfs files
# from user space, unloads the module and checks that they went with it.
# kselftest exit codes: 0 pass, 1 fail, 4 skip.
#
# The module also runs the stress cases (kthreads, hardirq, softirq and
# NMI allocating at once); meanwhile this script keeps reading every
# debugfs file, and afterwards compares the hammer's totals with debugfs.
#
# Modules come from the installed module tree when modprobe finds them,
# otherwise from $ATOMIC_ARENA_KO_DIR (default: the build tree this script
# sits in: ../atomic_arena.ko and ./test_atomic_arena.ko).
# $TEST_ATOMIC_ARENA_PARAMS is passed to the test module, for example
# "hammer_rounds=50 hammer_capacity=65536" (modinfo lists them all).

KSFT_PASS=0
KSFT_FAIL=1
KSFT_SKIP=4
DEBUGFS=/sys/kernel/debug/atomic_arena
FIXTURE=$DEBUGFS/selftest-fixture

here=$(cd "$(dirname "$0")" && pwd)
ko_dir=${ATOMIC_ARENA_KO_DIR:-}

skip_all() {
	echo "KTAP version 1"
	echo "1..0 # SKIP $*"
	exit $KSFT_SKIP
}

find_ko() {
	for f in ${ko_dir:+"$ko_dir/$1.ko"} "$here/$1.ko" "$here/../$1.ko"; do
		[ -f "$f" ] && { echo "$f"; return 0; }
	done
	return 1
}

# load MODULE [PARAMS...]: modprobe from the installed tree, else insmod
# the built file. Returns 2 when the module is nowhere to be found.
load() {
	if [ -z "$ko_dir" ] && modinfo "$1" >/dev/null 2>&1; then
		modprobe "$@"
		return
	fi
	ko=$(find_ko "$1") || return 2
	shift
	insmod "$ko" "$@"
}

# Reads every debugfs file of the project in a loop while $1 exists, and
# leaves the number of passes in $1.passes.
debugfs_reader() {
	passes=0
	while [ -e "$1" ]; do
		cat "$DEBUGFS/arenas" "$DEBUGFS"/*/stats >/dev/null 2>&1
		passes=$((passes + 1))
	done
	echo "$passes" > "$1.passes"
}

[ "$(id -u)" -eq 0 ] || skip_all "must be run as root"

if [ ! -d /sys/kernel/debug/atomic_arena ] && ! grep -q ' debugfs ' /proc/mounts; then
	mount -t debugfs none /sys/kernel/debug 2>/dev/null
fi

loaded_arena=0
if [ ! -d /sys/module/atomic_arena ]; then
	load atomic_arena
	case $? in
	0) loaded_arena=1 ;;
	2) skip_all "atomic_arena.ko not found: build it first" ;;
	*) echo "# FAIL: cannot load atomic_arena"; exit $KSFT_FAIL ;;
	esac
fi
[ ! -d /sys/module/test_atomic_arena ] || rmmod test_atomic_arena

marker="atomic_arena selftest $$ $(date +%s)"
echo "$marker" > /dev/kmsg
flag=$(mktemp)
debugfs_reader "$flag" &
reader=$!
# shellcheck disable=SC2086 # the parameters are words on purpose
load test_atomic_arena ${TEST_ATOMIC_ARENA_PARAMS:-}
rc=$?
rm -f "$flag"
wait "$reader"
reads=$(cat "$flag.passes" 2>/dev/null)
rm -f "$flag.passes"

# The module's KTAP, from the kernel log after our marker, without the
# timestamp prefix.
# Only the first report: busybox insmod retries a failed load with
# init_module(), which runs the suite a second time.
module_ktap=$(dmesg | sed -n "/$marker/,\$p" | sed 's/^\[[^]]*\] \{0,1\}//' |
	awk '/^KTAP version 1$/ { n++; next } n == 1' |
	grep -E '^([0-9]+\.\.[0-9]+|ok |not ok |# )')
plan=$(echo "$module_ktap" | sed -n 's/^1\.\.\([0-9]*\)$/\1/p' | head -n 1)
ran=$(echo "$module_ktap" | grep -cE '^(ok|not ok) ')

# User-space cases, numbered after the module's.
n=${plan:-0}
failed=0
result() {	# result STATUS NAME [DETAIL]: STATUS is ok, fail or skip
	n=$((n + 1))
	case $1 in
	ok) echo "ok $n $2" ;;
	skip) echo "ok $n $2 # SKIP $3" ;;
	*) echo "not ok $n $2${3:+ # $3}"; failed=1 ;;
	esac
}

# stat_value KEY: the value of "KEY:" in the fixture's stats file.
stat_value() {
	awk -v key="$1:" '$1 == key { print $2 }' "$FIXTURE/stats"
}

check_stats() {
	for kv in name=selftest-fixture elem_size=8 stride=8 align=8 \
		  capacity=6 in_use=2 high_water=6 storage_bytes=48 allocs=3 \
		  alloc_fails=2 bulk=2 bulk_fails=1 resets=1; do
		got=$(stat_value "${kv%%=*}")
		if [ "$got" != "${kv#*=}" ]; then
			echo "# stats: ${kv%%=*} is '$got', expected '${kv#*=}'"
			return 1
		fi
	done
}

check_arenas() {
	head -n 1 "$DEBUGFS/arenas" | grep -q '^# name ' || return 1
	# name elem_size stride capacity in_use high_water storage_bytes ...
	awk '$1 == "selftest-fixture" && $2 == 8 && $4 == 6 && $5 == 2 &&
	     $6 == 6 && $7 == 48 { found = 1 } END { exit !found }' \
		"$DEBUGFS/arenas"
}

# The hammer's totals, as the module printed them, against its debugfs.
check_hammer_counters() {
	totals=$(echo "$module_ktap" | sed -n 's/^# hammer totals: //p')
	for kv in $totals; do
		got=$(awk -v key="${kv%%=*}:" '$1 == key { print $2 }' \
			"$DEBUGFS/selftest-hammer/stats")
		if [ "$got" != "${kv#*=}" ]; then
			echo "# hammer stats: ${kv%%=*} is '$got', module counted '${kv#*=}'"
			return 1
		fi
	done
}

check_modes() {
	[ "$(stat -c %a "$FIXTURE/stats")" = 400 ] &&
	[ "$(stat -c %a "$DEBUGFS/arenas")" = 400 ]
}

script_cases="debugfs_stats debugfs_arenas debugfs_root_only
	debugfs_hammer_counters debugfs_read_after_destroy
	debugfs_removed_with_arena"
echo "KTAP version 1"
echo "1..$(( ${plan:-0} + 6 ))"
echo "$module_ktap" | grep -v '^[0-9]*\.\.[0-9]*$'
echo "# debugfs reader: ${reads:-0} passes over every file during the load"

if [ "$rc" -ne 0 ] || [ ! -d /sys/module/test_atomic_arena ]; then
	why="test module did not load"
	for t in $script_cases; do
		result fail "$t" "$why"
	done
elif [ ! -d "$FIXTURE" ]; then
	why="no $FIXTURE: debugfs unavailable"
	for t in $script_cases; do
		result skip "$t" "$why"
	done
	rmmod test_atomic_arena
else
	if check_stats; then result ok debugfs_stats; else result fail debugfs_stats; fi
	if check_arenas; then result ok debugfs_arenas; else result fail debugfs_arenas; fi
	if check_modes; then result ok debugfs_root_only; else result fail debugfs_root_only; fi
	if ! echo "$module_ktap" | grep -q '^# hammer totals: '; then
		result skip debugfs_hammer_counters "the hammer did not run"
	elif check_hammer_counters; then
		result ok debugfs_hammer_counters
	else
		result fail debugfs_hammer_counters
	fi

	# Hold the stats file open while its arena is destroyed: a read
	# afterwards must fail cleanly (the kernel log is checked for splats
	# by whoever runs us).
	exec 3< "$FIXTURE/stats"
	rmmod test_atomic_arena
	if cat <&3 >/dev/null 2>&1; then
		result fail debugfs_read_after_destroy "read succeeded after destroy"
	else
		result ok debugfs_read_after_destroy
	fi
	exec 3<&-
	if [ ! -e "$FIXTURE" ] && [ ! -e "$DEBUGFS/selftest-hammer" ] &&
	   ! grep -qE '^selftest-(fixture|hammer) ' "$DEBUGFS/arenas"; then
		result ok debugfs_removed_with_arena
	else
		result fail debugfs_removed_with_arena
	fi
fi
[ "$loaded_arena" -eq 0 ] || rmmod atomic_arena

if [ -z "$plan" ] || [ "$ran" != "$plan" ]; then
	echo "# FAIL: the module reported $ran of ${plan:-?} planned cases (load returned $rc)"
	exit $KSFT_FAIL
fi
if [ "$rc" -ne 0 ] || [ "$failed" -ne 0 ] || echo "$module_ktap" | grep -q '^not ok '; then
	exit $KSFT_FAIL
fi
exit $KSFT_PASS
