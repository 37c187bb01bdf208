# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh disable=SC2034 # the variables are for its users
#
# ktap_helpers.sh - the project's one KTAP writer and reader, sourced by
# selftests/atomic_arena.sh (POSIX sh: it runs under busybox sh in the
# guest, installed next to this file) and by the bash scripts of scripts/
# and tools/ (through scripts/lib.sh). The writer follows the kernel's
# tools/testing/selftests/kselftest/ktap_helpers.sh; the reader counts
# KUnit-shaped (nested) output as well as flat output.
#
# Writing, with counters:
#   ktap_print_header            KTAP version 1
#   ktap_set_plan N              1..N (and remembers N for ktap_finished)
#   ktap_skip_all REASON         1..0 # SKIP REASON
#   ktap_print_msg TEXT...       # TEXT
#   ktap_test_pass NAME          ok N NAME
#   ktap_test_skip NAME [REASON] ok N NAME # SKIP REASON
#   ktap_test_fail NAME [DETAIL] not ok N NAME # DETAIL
#   ktap_test_result NAME CMD... pass or fail NAME as CMD succeeds or not
#   ktap_print_totals            # Totals: pass:P fail:F skip:S
#   ktap_finished                the totals, then exit: KSFT_FAIL on a
#                                failure or a count other than the plan,
#                                KSFT_SKIP when no case passed (all
#                                skipped, or none), else KSFT_PASS
# N is KTAP_TESTNO + 1; KTAP_TESTNO is the number of the last result
# printed (0 at first): a script that printed results of its own, or
# another report's, sets it to go on from there. KTAP_CNT_PASS,
# KTAP_CNT_FAIL and KTAP_CNT_SKIP count what the ktap_test_* functions
# printed. ktap_print_result RESULT NUMBER DESCRIPTION [DIRECTIVE] formats
# every result line; an empty NUMBER gives the unnumbered "ok STEP" lines
# of the scripts' progress reports, which KTAP readers do not count.
#
# Reading (FILE, or standard input when it is - or missing):
#   ktap_count [FILE]   prints "PASS FAIL SKIP PLAN RESULTS BAD":
#       PASS FAIL SKIP  the leaf results at any depth: every result line
#                       but the summary line of a subtest with results of
#                       its own; SKIP is an "ok" with a "# SKIP" directive
#       PLAN RESULTS    the first top-level plan (- if none) and the
#                       number of top-level results
#       BAD             0 when the report is complete: a top-level plan
#                       exists and every plan, at any depth, is followed by
#                       as many results at its depth as it announced
#                       (a FILE that cannot be read: "0 0 0 - 0 1")
#   ktap_failed_cases [FILE]  the names of the failing leaf cases, one a
#                       line (the first word of the description)
# The depth of a line is its indent (KUnit: 4 spaces a level); the top
# level is the indent of the first "KTAP version" or plan line. A summary
# line is a result whose previous result line was deeper.

KSFT_PASS=0
KSFT_FAIL=1
KSFT_XFAIL=2
KSFT_XPASS=3
KSFT_SKIP=4

KTAP_TESTNO=0
KTAP_PLAN=
KTAP_CNT_PASS=0
KTAP_CNT_FAIL=0
KTAP_CNT_SKIP=0

ktap_print_header() {
	echo "KTAP version 1"
}

ktap_set_plan() {
	KTAP_PLAN=$1
	echo "1..$1"
}

ktap_skip_all() {
	KTAP_PLAN=0
	printf '1..0 # SKIP %s\n' "$*"
}

ktap_print_msg() {
	printf '# %s\n' "$*"
}

# ktap_print_result RESULT NUMBER DESCRIPTION [DIRECTIVE]
ktap_print_result() {
	printf '%s\n' "$1${2:+ $2} $3${4:+ # $4}"
}

ktap_test_pass() {
	KTAP_TESTNO=$((KTAP_TESTNO + 1))
	KTAP_CNT_PASS=$((KTAP_CNT_PASS + 1))
	ktap_print_result ok "$KTAP_TESTNO" "$1"
}

ktap_test_skip() {
	KTAP_TESTNO=$((KTAP_TESTNO + 1))
	KTAP_CNT_SKIP=$((KTAP_CNT_SKIP + 1))
	ktap_print_result ok "$KTAP_TESTNO" "$1" "SKIP${2:+ $2}"
}

ktap_test_fail() {
	KTAP_TESTNO=$((KTAP_TESTNO + 1))
	KTAP_CNT_FAIL=$((KTAP_CNT_FAIL + 1))
	ktap_print_result "not ok" "$KTAP_TESTNO" "$1" "${2:-}"
}

# ktap_test_result NAME COMMAND...: one case, passed when COMMAND succeeds.
ktap_test_result() {
	_ktap_name=$1
	shift
	if "$@"; then
		ktap_test_pass "$_ktap_name"
	else
		ktap_test_fail "$_ktap_name"
	fi
}

ktap_print_totals() {
	echo "# Totals: pass:$KTAP_CNT_PASS fail:$KTAP_CNT_FAIL skip:$KTAP_CNT_SKIP"
}

ktap_finished() {
	ktap_print_totals
	if [ "$KTAP_CNT_FAIL" -gt 0 ] ||
	   [ "$KTAP_TESTNO" -ne "${KTAP_PLAN:-$KTAP_TESTNO}" ]; then
		exit "$KSFT_FAIL"
	fi
	if [ "$KTAP_CNT_PASS" -eq 0 ]; then	# all skipped, or ktap_skip_all
		exit "$KSFT_SKIP"
	fi
	exit "$KSFT_PASS"
}

# _ktap_read MODE FILE: the reader behind ktap_count (MODE count) and
# ktap_failed_cases (MODE failed).
_ktap_read() {
	awk -v mode="$1" '
	function close_deeper(d,	k, n, i, ks) {	# blocks deeper than d end
		n = 0
		for (k in plan)
			if (k + 0 > d)
				ks[++n] = k
		for (i = 1; i <= n; i++) {
			if (got[ks[i]] != plan[ks[i]])
				bad++
			delete plan[ks[i]]
			delete got[ks[i]]
		}
	}
	BEGIN { top = -1; prev = -1 }
	{
		sub(/\r$/, "")
		match($0, /^ */)
		d = RLENGTH
		line = substr($0, d + 1)
	}
	line ~ /^KTAP version / || line ~ /^1\.\.[0-9]+/ {
		if (top < 0)
			top = d
	}
	line ~ /^1\.\.[0-9]+/ {
		close_deeper(d - 1)	# a second plan at one depth: a new report
		n = substr(line, 4)
		sub(/[^0-9].*/, "", n)
		plan[d] = n + 0
		got[d] = 0
		if (d == top && toplan == "")
			toplan = n + 0
		next
	}
	line ~ /^(not )?ok [0-9]+( |$)/ {
		close_deeper(d)
		got[d]++
		if (d == (top < 0 ? 0 : top))
			results++
		summary = prev > d
		prev = d
		if (summary)
			next
		if (line ~ /^not /) {
			fail++
			if (mode == "failed") {
				name = line
				sub(/^not ok [0-9]+ */, "", name)
				sub(/[ #].*/, "", name)
				print name
			}
		} else if (line ~ /# SKIP/) {
			skip++
		} else {
			pass++
		}
	}
	END {
		close_deeper(-1)
		if (toplan == "")
			bad++
		if (mode == "count")
			printf "%d %d %d %s %d %d\n", pass, fail, skip,
				toplan == "" ? "-" : toplan, results, bad
	}' "${2:--}"
}

ktap_count() {
	if [ "${1:--}" != - ] && [ ! -r "$1" ]; then
		echo "ktap_count: cannot read $1" >&2
		echo "0 0 0 - 0 1"
		return 1
	fi
	_ktap_read count "${1:--}"
}

ktap_failed_cases() {
	_ktap_read failed "${1:--}"
}
