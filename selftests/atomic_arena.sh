#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Tests of atomic_arena, printed as one KTAP report.
#
# Loading test_atomic_arena.ko runs the in-kernel cases, KUnit suites
# (under KUnit where the kernel has it built in, else under the module's
# fallback runner): the API, other contexts, concurrency and the limits,
# then the stress rounds (kthreads, hardirq, softirq and NMI allocating at
# once), while this script keeps reading every debugfs file. Their KTAP
# (one subtest per suite) goes into this script's report as it is, and the
# script's own cases follow at the top level; one writer prints them
# (ktap_helpers.sh, installed next to this script).
# The module leaves a fixture arena and the hammer's arena alive; the
# script checks their debugfs files, then unloads the module and checks
# that the files went with it. Where the kernel has them, it also checks
# create() under fault injection, and asks kmemleak about our modules
# after loading and unloading the sample module 50 times.
# kselftest exit codes: 0 pass, 1 fail, 4 skip.
# shellcheck disable=SC2317 # check_* functions are called through ktap_test_result
#
# Modules come from the installed module tree when modprobe finds them,
# otherwise from $ATOMIC_ARENA_KO_DIR (default: the build tree this script
# sits in). $TEST_ATOMIC_ARENA_PARAMS is passed to the test module, for
# example "hammer_rounds=50 hammer_capacity=65536" (see modinfo).

DEBUGFS=/sys/kernel/debug/atomic_arena
FIXTURE=$DEBUGFS/selftest-fixture
KMEMLEAK=/sys/kernel/debug/kmemleak
LOAD_LOOPS=50

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=ktap_helpers.sh
. "$here/ktap_helpers.sh"
ko_dir=${ATOMIC_ARENA_KO_DIR:-}

skip_all() {
	ktap_print_header
	ktap_skip_all "$*"
	exit "$KSFT_SKIP"
}

find_ko() {
	for f in ${ko_dir:+"$ko_dir/$1.ko"} "$here/$1.ko" "$here/../$1.ko" \
		 "$here/../samples/$1.ko"; do
		[ -f "$f" ] && { echo "$f"; return 0; }
	done
	return 1
}

# installed MODULE: is it in the installed module tree? (busybox modinfo
# exits 0 for an unknown module; no modinfo prints a file name for one.)
installed() {
	modinfo -F filename "$1" 2>/dev/null | grep -q .
}

# load MODULE [PARAMS...]: modprobe from the installed tree, else insmod
# the built file. Returns 2 when the module is nowhere to be found.
load() {
	if [ -z "$ko_dir" ] && installed "$1"; then
		modprobe "$@"
		return
	fi
	ko=$(find_ko "$1") || return 2
	shift
	insmod "$ko" "$@"
}

unload() {
	[ ! -d "/sys/module/$1" ] || rmmod "$1"
}

# Marks the kernel log, so that ktap_since can find what came after.
mark_log() {
	marker="atomic_arena selftest $$ $(date +%s) $1"
	echo "$marker" > /dev/kmsg
}

# The first KTAP report in the kernel log after the mark, without
# timestamps and without its own header line. Only the first: busybox
# insmod retries a failed load with init_module(), which runs the cases a
# second time. The module's suites are subtests (indented, each with its
# own header and plan), as KUnit prints them: they are kept as they are.
ktap_since_mark() {
	dmesg | sed -n "/$marker/,\$p" | sed 's/^\[[^]]*\] \{0,1\}//' |
		awk '/^KTAP version 1$/ { n++; next } n == 1' |
		grep -E '^ *(KTAP version 1$|[0-9]+\.\.[0-9]+|ok |not ok |# )'
}

# Reads every debugfs file of the project in a loop while $1 exists, and
# leaves in $1.counts: passes, reads that failed because their arena was
# being destroyed meanwhile (the file or its directory vanished: ENOENT, or
# debugfs refused a read of a file being removed: EIO), and the messages
# of any other failure, which is a bug.
debugfs_reader() {
	passes=0 gone=0
	: > "$1.errors"
	while [ -e "$1" ]; do
		for f in "$DEBUGFS/arenas" "$DEBUGFS"/*/stats "$DEBUGFS"/*/data; do
			# No arena at all; or limits.c's, which claims a capacity
			# it has no storage for: its data would read past it.
			case $f in *"*"* | */limits-forged/data) continue ;; esac
			err=$(cat "$f" 2>&1 >/dev/null) && continue
			case $err in
			*"No such file or directory"* | *"Input/output error"*)
				gone=$((gone + 1)) ;;
			*) echo "$f: $err" >> "$1.errors" ;;
			esac
		done
		passes=$((passes + 1))
	done
	echo "$passes $gone" > "$1.counts"
}

check_debugfs_reader() {
	if [ -s "$flag.errors" ]; then
		sed 's/^/# unexpected: /' "$flag.errors"
		return 1
	fi
	# At least one read overlapped the destruction of a churned arena.
	[ "${reads:-0}" -gt 0 ] && [ "${gone:-0}" -gt 0 ]
}

stat_of() {	# stat_of FILE KEY: the value of "KEY:" in a stats file
	awk -v key="$2:" '$1 == key { print $2 }' "$1"
}

# expect_stats FILE KEY=VALUE...: every KEY of the stats FILE has VALUE.
expect_stats() {
	file=$1
	shift
	for kv in "$@"; do
		got=$(stat_of "$file" "${kv%%=*}")
		if [ "$got" != "${kv#*=}" ]; then
			echo "# $file: ${kv%%=*} is '$got', expected '${kv#*=}'; the file:"
			sed 's/^/#   /' "$file"
			return 1
		fi
	done
}

check_fixture_stats() {
	expect_stats "$FIXTURE/stats" name=selftest-fixture elem_size=8 \
		stride=8 align=8 capacity=6 in_use=2 high_water=6 \
		storage_bytes=48 allocs=3 alloc_fails=2 bulk=2 bulk_fails=1 \
		resets=1 next=2 overshoot_max=0
}

# The raw counter after storms of failing calls (len() clamps, debugfs
# does not): selftest-storm was full before every failing call, so no call
# may have moved it; the hammer's arena filled while every context raced,
# so its counter may have passed the capacity by at most the calls in
# flight (the bound the module printed), and must be back at it.
check_counter_bound() {
	storm=$DEBUGFS/selftest-storm/stats
	expect_stats "$storm" capacity=64 in_use=64 next=64 overshoot_max=0 || return 1
	bound=$(echo "$module_ktap" | sed -n 's/^ *# hammer: overshoot bound //p')
	for hstats in "$DEBUGFS"/selftest-hammer/stats \
		      "$DEBUGFS"/selftest-hammer-percpu/stats; do
		cap=$(stat_of "$hstats" capacity)
		over=$(stat_of "$hstats" overshoot_max)
		echo "# $(basename "$(dirname "$hstats")"): next $(stat_of "$hstats" next) of capacity $cap, overshoot_max $over (bound ${bound:-?}), held $(stat_of "$hstats" held)"
		[ -n "$bound" ] && [ -n "$over" ] && [ "$over" -le "$bound" ] &&
			expect_stats "$hstats" in_use="$cap" next="$cap" held=0 ||
			return 1
	done
}

# The one-slot arenas of len_within_capacity, left full after many callers
# raced for each slot: every raw counter is back at 1, and some races took
# one past it (else the check above could not tell a missing pull-back).
check_raced_counters() {
	n_race=0 over_sum=0
	for f in "$DEBUGFS"/selftest-race-*/stats; do
		[ -f "$f" ] || return 1
		expect_stats "$f" capacity=1 next=1 || return 1
		n_race=$((n_race + 1))
		over_sum=$((over_sum + $(stat_of "$f" overshoot_max)))
	done
	echo "# $n_race raced arenas: every next back at 1; their overshoots add up to $over_sum"
	[ "$n_race" -gt 0 ]
}

# Whether the races took a counter past the capacity at all: without one,
# the check above cannot tell a missing pull-back. Whether two emulated
# CPUs meet in those few instructions is up to the host's scheduling, so
# none is a skip, not a pass (the other kernels, and the mutants' 6.1,
# see plenty).
check_raced_overshoot() {
	if [ "${over_sum:-0}" -gt 0 ]; then
		ktap_test_pass debugfs_raced_overshoot
	else
		ktap_test_skip debugfs_raced_overshoot \
			"no race took a counter past the capacity on this run: the pull-back went unexercised"
	fi
}

check_arenas_file() {
	head -n 1 "$DEBUGFS/arenas" | grep -q '^# name ' || return 1
	# name elem_size stride capacity in_use high_water storage_bytes ...
	awk '$1 == "selftest-fixture" && $2 == 8 && $4 == 6 && $5 == 2 &&
	     $6 == 6 && $7 == 48 { found = 1 } END { exit !found }' \
		"$DEBUGFS/arenas"
}

# KUnit keeps each suite's results in debugfs (kunit/SUITE/results) while
# the module is loaded: where KUnit ran the suites, every suite the kernel
# log reports has its file, with the same case results as the log.
check_kunit_results() {
	suites=$(echo "$module_ktap" |
		sed -n 's/^\(not \)\{0,1\}ok [0-9]* \([a-z_]*\).*/\2/p')
	[ -n "$suites" ] || return 1
	for s in $suites; do
		f=/sys/kernel/debug/kunit/$s/results
		[ -r "$f" ] || { echo "# no $f"; return 1; }
		want=$(echo "$module_ktap" | awk -v s="$s" '
			/^    # Subtest: / { cur = $3; next }
			/^(not )?ok / { cur = "" }
			cur == s && /^    (not )?ok /')
		got=$(grep -E '^    (not )?ok ' "$f")
		if [ -z "$want" ] || [ "$want" != "$got" ]; then
			echo "# $f does not match the kernel log:"
			echo "$got" | sed 's/^/# /'
			return 1
		fi
	done
}

check_root_only() {
	[ "$(stat -c %a "$FIXTURE/stats")" = 400 ] &&
	[ "$(stat -c %a "$DEBUGFS/arenas")" = 400 ]
}

# The hammer's totals, as the module printed them, against its debugfs.
check_hammer_counters() {
	# shellcheck disable=SC2046 # one KEY=VALUE word each
	expect_stats "$DEBUGFS/selftest-hammer/stats" \
		$(echo "$module_ktap" | sed -n 's/^ *# hammer totals: //p') \
		mode=ordered || return 1
	# shellcheck disable=SC2046
	expect_stats "$DEBUGFS/selftest-hammer-percpu/stats" \
		$(echo "$module_ktap" | sed -n 's/^ *# hammer totals percpu: //p') \
		mode=percpu || return 1
	# The per-CPU mode's NMI exception: every contradicted NMI failure
	# the hammer saw was one the arena counted as such.
	seen=$(echo "$module_ktap" | sed -n 's/^ *# hammer: per-CPU NMI failures contradicted later: //p')
	counted=$(stat_of "$DEBUGFS/selftest-hammer-percpu/stats" holdback_fails)
	echo "# per-CPU NMI failures contradicted later: $seen; counted by the arena: $counted"
	[ -n "$seen" ] && [ -n "$counted" ] && [ "$seen" -le "$counted" ]
}

# Holds the stats and data files open while the module destroys their
# arena: a read afterwards must fail cleanly (splats are caught by whoever
# reads the log; KASAN's would be a use after free).
check_read_after_destroy() {
	exec 3< "$FIXTURE/stats" 4< "$FIXTURE/data"
	unload test_atomic_arena
	ok=0
	if cat <&3 >/dev/null 2>&1; then
		echo "# a read of stats succeeded after the arena was destroyed"
		ok=1
	fi
	if cat <&4 >/dev/null 2>&1; then
		echo "# a read of data succeeded after the arena was destroyed"
		ok=1
	fi
	exec 3<&- 4<&-
	return "$ok"
}

check_removed_with_arena() {
	[ ! -e "$FIXTURE" ] && [ ! -e "$DEBUGFS/selftest-hammer" ] &&
	[ ! -e "$DEBUGFS/selftest-hammer-percpu" ] &&
	! grep -qE '^selftest-' "$DEBUGFS/arenas"
}

# fault_case NAME N WHAT: arm fail_create to fail the N-th allocation of
# the next create() (should_fail() lets calls through while space > size,
# and create asks with size 1: space N fails the N-th), run the module's
# fault case, and check that the allocation that failed was WHAT.
fault_case() {
	f=$DEBUGFS/fail_create
	echo 0 > "$f/verbose"
	echo 100 > "$f/probability"
	echo 1 > "$f/interval"
	echo "$2" > "$f/space"
	echo 1 > "$f/times"
	mark_log "$1"
	load test_atomic_arena fault_injection=1
	unload test_atomic_arena
	echo 0 > "$f/times"
	echo 0 > "$f/probability"
	out=$(ktap_since_mark)
	failed_what=$(dmesg | sed -n "/$marker/,\$p" |
		sed -n 's/.*fail_create: failing the \([a-z]*\) allocation.*/\1/p')
	if echo "$out" | grep -q '^ok 1 ' && [ "$failed_what" = "$3" ]; then
		ktap_test_pass "$1"
	else
		echo "$out" | grep '^ *#'
		echo "# injected: '${failed_what}', expected '$3'"
		ktap_test_fail "$1"
	fi
}

# Holds a process that the OOM killer would pick first while the test
# module runs (create_nomem asks for more than is available).
start_oom_bait() {
	sleep 100000 &
	bait=$!
	echo 1000 > "/proc/$bait/oom_score_adj"
}

check_no_oom_kill() {
	alive=0
	kill -0 "$bait" 2>/dev/null && alive=1
	kill "$bait" 2>/dev/null
	wait "$bait" 2>/dev/null
	if dmesg | sed -n "/$main_marker/,\$p" | grep -E 'invoked oom-killer|Out of memory'; then
		return 1
	fi
	[ "$alive" -eq 1 ]
}

# --- trace events and data files (the module's observe=1, observe.c) ---

TRACEFS=/sys/kernel/tracing
OBSERVE_CASES="trace_event_files trace_events debugfs_data debugfs_data_percpu
	debugfs_data_race debugfs_data_removed"

# Mounts tracefs where it belongs, if the kernel has it; fails if not.
mount_tracefs() {
	[ -d "$TRACEFS/events" ] ||
		mount -t tracefs nodev "$TRACEFS" 2>/dev/null
	[ -d "$TRACEFS/events" ]
}

# Every event of the atomic_arena system, each with its format.
check_trace_event_files() {
	for e in create destroy reset clear alloc_fail append_fail reserve_fail; do
		f=$TRACEFS/events/atomic_arena/atomic_arena_$e/format
		[ -f "$f" ] || { echo "# no $f"; return 1; }
	done
}

# The events of one arena as `trace` prints them, less the task, CPU and
# time columns: "event: fields".
trace_of() {
	sed -n "s/^.* \(atomic_arena_[a-z_]*: name=$1 .*\)$/\1/p" "$TRACEFS/trace"
}

# expect_lines NAME PATTERN...: the lines of stdin match the extended
# regular expressions, one each, in order, and there are no others.
expect_lines() {
	what=$1
	shift
	got=$(cat)
	i=0
	for pat in "$@"; do
		i=$((i + 1))
		line=$(echo "$got" | sed -n "${i}p")
		if ! echo "$line" | grep -qxE "$pat"; then
			echo "# $what, event $i: '$line'"
			echo "#   expected: '$pat'"
			echo "$got" | sed 's/^/#   trace: /'
			return 1
		fi
	done
	[ "$(echo "$got" | grep -c .)" -eq "$i" ] || {
		echo "$got" | sed 's/^/#   trace: /'
		echo "# $what: $(echo "$got" | grep -c .) events, expected $i"
		return 1
	}
}

# The call site, as %pS prints a function of the test module.
site() {
	echo "call_site=$1(\.[a-z]+\.[0-9]+)?\+0x[0-9a-f]+/0x[0-9a-f]+ \[test_atomic_arena\]"
}

check_trace_events() {
	t=selftest-trace
	trace_of "$t" | expect_lines "$t" \
		"atomic_arena_create: name=$t elem_size=8 stride=8 cap=4 mode=ordered" \
		"atomic_arena_alloc_fail: name=$t n=1 len=4 cap=4 $(site observe_alloc_fail)" \
		"atomic_arena_alloc_fail: name=$t n=1 len=4 cap=4 $(site observe_typed_fail)" \
		"atomic_arena_append_fail: name=$t n=3 len=4 cap=4 $(site observe_append_fail)" \
		"atomic_arena_reserve_fail: name=$t n=2 len=4 cap=4 $(site observe_reserve_fail)" \
		"atomic_arena_reset: name=$t in_use=4 cap=4" \
		"atomic_arena_clear: name=$t in_use=1 cap=4" \
		"atomic_arena_destroy: name=$t in_use=0 cap=4" || return 1
	t=selftest-trace-pcpu
	trace_of "$t" | expect_lines "$t" \
		"atomic_arena_create: name=$t elem_size=8 stride=8 cap=2 mode=percpu" \
		"atomic_arena_alloc_fail: name=$t n=1 len=2 cap=2 $(site observe_alloc_fail)" \
		"atomic_arena_destroy: name=$t in_use=2 cap=2"
}

# data_bytes ELEM START COUNT: stdin, as od prints it a byte a line, is
# bytes [START, START + COUNT) of the data file of an arena whose element
# i has byte j = (i * 16 + j) % 255 + 1 (observe.c). With ZERO_TAIL=1 the
# last element may also be partly zero: one still being written.
data_bytes() {
	od -An -v -tx1 -w1 | awk -v elem="$1" -v start="$2" -v want="$3" \
		-v tail="${ZERO_TAIL:-0}" '
		{
			p = start + NR - 1
			e = sprintf("%02x", (int(p / elem) * 16 + p % elem) % 255 + 1)
			if ($1 == e)
				next
			if (tail && $1 == "00" && int(p / elem) == int((start + want - 1) / elem))
				next
			printf "# byte %d: %s, expected %s\n", p, $1, e
			bad = 1
			exit
		}
		END {
			if (bad)
				exit 1
			if (NR != want) {
				printf "# %d bytes from %d, expected %d\n", NR, start, want
				exit 1
			}
		}'
}

# selftest-data: 77 elements of 12 bytes (stride 16), read whole, in odd
# pieces, from odd offsets (dd's skip seeks), and past the end.
check_data() {
	f=$DEBUGFS/selftest-data/data
	expect_stats "$DEBUGFS/selftest-data/stats" stride=16 in_use=77 || return 1
	[ "$(stat -c %a "$f")" = 400 ] || return 1
	data_bytes 12 0 924 < "$f" || return 1
	dd if="$f" bs=7 2>/dev/null | data_bytes 12 0 924 || return 1
	dd if="$f" iflag=skip_bytes skip=13 bs=5 2>/dev/null |
		data_bytes 12 13 911 || return 1
	dd if="$f" iflag=skip_bytes,count_bytes skip=500 count=37 bs=3 2>/dev/null |
		data_bytes 12 500 37 || return 1
	dd if="$f" iflag=skip_bytes skip=923 bs=64 2>/dev/null | data_bytes 12 923 1 || return 1
	[ "$(dd if="$f" iflag=skip_bytes skip=924 2>/dev/null | wc -c)" -eq 0 ] &&
	[ "$(dd if="$f" iflag=skip_bytes skip=4096 2>/dev/null | wc -c)" -eq 0 ]
}

# selftest-data-pcpu: slots 0-3 and 64-65 handed out, the rest of two
# batches held: six records of index and element (index * 3 + 7), in
# index order; also read from the middle of a record.
check_data_percpu() {
	f=$DEBUGFS/selftest-data-pcpu/data
	expect_stats "$DEBUGFS/selftest-data-pcpu/stats" in_use=6 || return 1
	got=$(od -An -v -tu8 -w16 "$f" | awk '{ printf "%s:%s ", $1, $2 }')
	[ "$got" = "0:7 1:10 2:13 3:16 64:199 65:202 " ] || {
		echo "# records: $got"
		return 1
	}
	got=$(dd if="$f" iflag=skip_bytes skip=72 bs=5 2>/dev/null |
		od -An -v -tu8 -w8 | awk '{ printf "%s ", $1 }')
	[ "$got" = "199 65 202 " ] || { echo "# from byte 72: $got"; return 1; }
}

# selftest-data-race fills while it is read (the script starts its
# writer): each read is a prefix of the elements, never shorter than the
# one before, whole but for the last, which may be being written.
check_data_race() {
	f=$DEBUGFS/selftest-data-race/data
	cap=$(stat_of "$DEBUGFS/selftest-data-race/stats" capacity)
	prev=0 partial=0 copy=$(mktemp) deadline=$(($(date +%s) + 120))
	echo 1 > /sys/module/test_atomic_arena/parameters/observe_race
	while cat "$f" > "$copy"; do
		bytes=$(wc -c < "$copy")
		# The writer needs a few seconds; a stuck one is a failure.
		if [ "$(date +%s)" -gt "$deadline" ]; then
			echo "# still $bytes bytes after 120 s, in_use $(stat_of "$DEBUGFS/selftest-data-race/stats" in_use)"
			break
		fi
		if [ $((bytes % 16)) -ne 0 ] || [ "$bytes" -lt "$prev" ]; then
			echo "# a read of $bytes bytes after one of $prev"
			break
		fi
		if [ "$bytes" -eq $((cap * 16)) ]; then
			data_bytes 16 0 "$bytes" < "$copy" && rm -f "$copy" &&
				echo "# $partial reads of selftest-data-race while it filled" &&
				[ "$partial" -gt 0 ]
			return
		fi
		ZERO_TAIL=1 data_bytes 16 0 "$bytes" < "$copy" || break
		[ "$bytes" -eq 0 ] || partial=$((partial + 1))
		prev=$bytes
	done
	rm -f "$copy"
	return 1
}

check_data_removed() {
	for d in "$DEBUGFS"/selftest-data* "$DEBUGFS"/selftest-trace*; do
		[ ! -e "$d" ] || { echo "# $d is still there"; return 1; }
	done
}

observe_cases() {
	if ! mount_tracefs; then
		for t in $OBSERVE_CASES; do
			ktap_test_fail "$t" "no tracefs"
		done
		return
	fi
	echo 0 > "$TRACEFS/tracing_on"
	echo > "$TRACEFS/trace"
	echo 1 > "$TRACEFS/events/atomic_arena/enable" 2>/dev/null
	echo 1 > "$TRACEFS/tracing_on"
	mark_log observe
	load test_atomic_arena observe=1
	rc=$?
	echo 0 > "$TRACEFS/events/atomic_arena/enable" 2>/dev/null
	out=$(ktap_since_mark)
	if [ "$rc" -ne 0 ] || ! echo "$out" | grep -q '^ok 1 '; then
		echo "$out" | grep '^ *#'
		for t in $OBSERVE_CASES; do
			ktap_test_fail "$t" "observe=1 did not load (exit $rc)"
		done
		unload test_atomic_arena
		return
	fi
	ktap_test_result trace_event_files check_trace_event_files
	# The call sites are symbols of the module: read while it is loaded.
	ktap_test_result trace_events check_trace_events
	ktap_test_result debugfs_data check_data
	ktap_test_result debugfs_data_percpu check_data_percpu
	ktap_test_result debugfs_data_race check_data_race
	unload test_atomic_arena
	ktap_test_result debugfs_data_removed check_data_removed
}

# 50 loads and unloads of the sample module: they must leave no arena.
check_load_loop() {
	i=0
	while [ "$i" -lt "$LOAD_LOOPS" ]; do
		load atomic_arena_sample || return 1
		unload atomic_arena_sample || return 1
		i=$((i + 1))
	done
	! grep -q '^sample-' "$DEBUGFS/arenas"
}

# An arena its user never destroyed is freed, with a message, when
# atomic_arena is unloaded (kmemleak, below, checks that nothing is left).
check_unload_frees_leaked() {
	load test_atomic_arena leak_arena=1 || return 1
	grep -q '^selftest-leaked ' "$DEBUGFS/arenas" || return 1
	unload test_atomic_arena
	mark_log unload
	unload atomic_arena || return 1
	loaded_arena=0
	dmesg | sed -n "/$marker/,\$p" |
		grep -q "arena 'selftest-leaked' was never destroyed; freeing it"
}

# Objects leaked by our modules, if kmemleak finds any (it reports
# objects at least 5 s old, after a scan). Our modules may be unloaded by
# now: frames in module space then show as bare addresses, and count too
# (the VM loads no other module).
check_kmemleak() {
	sleep 6
	echo scan > "$KMEMLEAK"
	leaks=$(grep -E -B 2 -A 20 'unreferenced object' "$KMEMLEAK")
	ours=$(echo "$leaks" |
		grep -E 'atomic_arena|\[<ffffffffc[0-9a-f]+>\] 0xffffffffc')
	if [ -n "$ours" ]; then
		echo "$leaks" | sed 's/^/# /'
		return 1
	fi
	if [ -n "$leaks" ]; then
		echo "# kmemleak reports leaks that are not ours:"
		echo "$leaks" | grep -E '^\s+\[<' | head -n 20 | sed 's/^/# /'
	fi
}

# ---------------------------------------------------------------------

[ "$(id -u)" -eq 0 ] || skip_all "must be run as root"

if [ ! -d /sys/kernel/debug/atomic_arena ] && ! grep -q ' debugfs ' /proc/mounts; then
	mount -t debugfs none /sys/kernel/debug 2>/dev/null
fi
# Leaks from before our tests are not ours to judge.
[ ! -w "$KMEMLEAK" ] || echo clear > "$KMEMLEAK"

loaded_arena=0
if [ ! -d /sys/module/atomic_arena ]; then
	load atomic_arena
	case $? in
	0) loaded_arena=1 ;;
	2) skip_all "atomic_arena.ko not found: build it first" ;;
	*) echo "# FAIL: cannot load atomic_arena"; exit $KSFT_FAIL ;;
	esac
fi
unload test_atomic_arena

mark_log main
main_marker=$marker
start_oom_bait
flag=$(mktemp)
debugfs_reader "$flag" &
reader=$!
# shellcheck disable=SC2086 # the parameters are words on purpose
load test_atomic_arena ${TEST_ATOMIC_ARENA_PARAMS:-}
rc=$?
rm -f "$flag"
wait "$reader"
read -r reads gone < "$flag.counts"

module_ktap=$(ktap_since_mark)
plan=$(echo "$module_ktap" | sed -n 's/^1\.\.\([0-9]*\)$/\1/p' | head -n 1)
ran=$(echo "$module_ktap" | grep -cE '^(ok|not ok) ')

debugfs_cases="kunit_debugfs_results debugfs_stats debugfs_arenas debugfs_root_only
	debugfs_hammer_counters debugfs_counter_bound debugfs_raced_counters
	debugfs_raced_overshoot
	debugfs_read_after_destroy
	debugfs_removed_with_arena"
reader_cases="debugfs_reader no_oom_kill"
fault_cases="fault_create_arena fault_create_stats fault_create_storage"
other_cases="load_unload_loop unload_frees_leaked_arena kmemleak"
count=0
for t in $reader_cases $debugfs_cases $OBSERVE_CASES $fault_cases $other_cases; do
	count=$((count + 1))
done

ktap_print_header
ktap_set_plan $(( ${plan:-0} + count ))
echo "$module_ktap" | grep -v '^[0-9]*\.\.[0-9]*$'
echo "# debugfs reader: ${reads:-0} passes over every file during the load, ${gone:-0} reads of an arena being destroyed"
KTAP_TESTNO=${plan:-0}

ktap_test_result debugfs_reader check_debugfs_reader
rm -f "$flag.counts" "$flag.errors"
ktap_test_result no_oom_kill check_no_oom_kill

hammer_ran=
echo "$module_ktap" | grep -q '^ *# hammer totals: ' && hammer_ran=1
if [ "$rc" -ne 0 ] || [ ! -d /sys/module/test_atomic_arena ]; then
	for t in $debugfs_cases; do
		ktap_test_fail "$t" "test module did not load"
	done
elif ! grep -q ' /sys/kernel/debug debugfs ' /proc/mounts; then
	for t in $debugfs_cases; do
		ktap_test_skip "$t" "debugfs is not mounted"
	done
else
	# debugfs is there: a missing file is a failure from here on.
	if [ -d /sys/kernel/debug/kunit ]; then
		ktap_test_result kunit_debugfs_results check_kunit_results
	else
		ktap_test_skip kunit_debugfs_results "kernel without KUnit: the suites ran under the module's fallback runner"
	fi
	ktap_test_result debugfs_stats check_fixture_stats
	ktap_test_result debugfs_arenas check_arenas_file
	ktap_test_result debugfs_root_only check_root_only
	if [ -z "$hammer_ran" ] && [ "${TEST_ATOMIC_ARENA_PARAMS#*hammer_rounds=0}" != "${TEST_ATOMIC_ARENA_PARAMS:-}" ]; then
		ktap_test_skip debugfs_hammer_counters "hammer_rounds=0"
		ktap_test_skip debugfs_counter_bound "hammer_rounds=0"
	else
		ktap_test_result debugfs_hammer_counters check_hammer_counters
		ktap_test_result debugfs_counter_bound check_counter_bound
	fi
	ktap_test_result debugfs_raced_counters check_raced_counters
	check_raced_overshoot
	ktap_test_result debugfs_read_after_destroy check_read_after_destroy
	ktap_test_result debugfs_removed_with_arena check_removed_with_arena
fi
unload test_atomic_arena
observe_cases

if [ -d "$DEBUGFS/fail_create" ]; then
	fault_case fault_create_arena 1 arena
	fault_case fault_create_stats 2 stats
	fault_case fault_create_storage 3 storage
elif [ -d /sys/kernel/debug/fail_page_alloc ] || [ -d /sys/kernel/debug/failslab ]; then
	for t in $fault_cases; do
		ktap_test_fail "$t" "the kernel has fault injection, atomic_arena has no fail_create"
	done
else
	for t in $fault_cases; do
		ktap_test_skip "$t" "kernel without CONFIG_FAULT_INJECTION_DEBUG_FS"
	done
fi

if find_ko atomic_arena_sample >/dev/null || installed atomic_arena_sample; then
	ktap_test_result load_unload_loop check_load_loop
else
	ktap_test_skip load_unload_loop "atomic_arena_sample.ko not found"
fi

if [ "$loaded_arena" -eq 1 ]; then
	ktap_test_result unload_frees_leaked_arena check_unload_frees_leaked
else
	ktap_test_skip unload_frees_leaked_arena "atomic_arena was loaded before this script"
fi

if [ -w "$KMEMLEAK" ]; then
	ktap_test_result kmemleak check_kmemleak
else
	ktap_test_skip kmemleak "kernel without kmemleak"
fi
[ "$loaded_arena" -eq 0 ] || unload atomic_arena

if [ -z "$plan" ] || [ "$ran" != "$plan" ]; then
	echo "# FAIL: the module reported $ran of ${plan:-?} planned cases (load returned $rc)"
	exit $KSFT_FAIL
fi
if [ "$rc" -ne 0 ] || [ "$KTAP_CNT_FAIL" -ne 0 ] || echo "$module_ktap" | grep -q '^not ok '; then
	exit $KSFT_FAIL
fi
exit $KSFT_PASS
