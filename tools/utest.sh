#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# utest.sh - the native proving ground's test run (make -C tools utest, and
# the first stage of make check): the unmodified atomic_arena.c in user
# space, as one KTAP report of these stages:
#
#   functional and stress, natively (the arena with the kernel's flags)
#   functional and stress under ThreadSanitizer (zero reports)
#   functional and stress under AddressSanitizer + UBSan
#   (functional: the functional cases, then the test module's API suite,
#   selftests/api.c, through test_kunit.c's fallback runner: utest/kunit.c)
#   the fuzzer against its model, for UTEST_FUZZ_SECONDS (20)
#   line and branch coverage of atomic_arena.c from all of the above
#   ubench -q: the native benchmark's smoke run (figures not judged)
#   planted faults (tools/planted.list): a data race, an off-by-one and a
#   use past the storage, each caught by the stage meant for it
#
# Usage: tools/utest.sh [OUTDIR]    (default build/tools)
#        STRESS_SECONDS=2 UTEST_FUZZ_SECONDS=20
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../scripts/lib.sh
. "$here/../scripts/lib.sh"
[[ $# -le 1 ]] || usage
out=$(realpath -m "${1:-$top/build/tools}")
stress_s=${STRESS_SECONDS:-2}
fuzz_s=${UTEST_FUZZ_SECONDS:-20}

mk() {
	make -s -C "$here" O="$out" "${@/#/$out/}" >"$out/make.log" 2>&1 ||
		{ cat "$out/make.log"; return 1; }
	# Warnings are errors here too.
	! grep -i 'warning:' "$out/make.log"
}

# stage NAME COMMAND...: one KTAP result; output indented as diagnostics.
stage() {
	local name=$1 log rc
	shift
	log=$out/log/$((KTAP_TESTNO + 1)).log
	"$@" >"$log" 2>&1
	rc=$?
	# Passed cases, at any depth, are counted; the rest is shown.
	sed 's/^/# /' "$log" | grep -Ev '^# *ok [0-9]+ [^#]*$' | tail -n 40
	if [[ $rc -eq 0 ]]; then
		ktap_test_pass "$name"
	else
		ktap_test_fail "$name (exit $rc)"
	fi
}

export TSAN_OPTIONS="halt_on_error=1 exitcode=66 second_deadlock_stack=1"
export ASAN_OPTIONS="halt_on_error=1 detect_leaks=1 abort_on_error=0"
export UBSAN_OPTIONS="halt_on_error=1 print_stacktrace=1"
export LLVM_PROFILE_FILE="$out/cov/%p-%m.profraw"

# clang for the sanitizers and the fuzzer, llvm for coverage, gnuplot
# for the benchmark's plot.
"$top/scripts/deps.sh" clang llvm libclang-rt-14-dev gnuplot-nox || exit 1
mkdir -p "$out/log" "$out/fuzz/corpus"
rm -rf "$out/cov" && mkdir -p "$out/cov"
ktap_print_header
ktap_set_plan 10
ktap_print_msg "native proving ground: atomic_arena.c in user space, $(nproc) CPUs"

build_all() {
	mk native/functional native/kunit native/stress tsan/functional \
		tsan/kunit tsan/stress asan/functional asan/kunit asan/stress \
		cov/functional cov/kunit cov/stress fuzz/fuzz cov/fuzz
}
if ! build_all; then
	ktap_test_fail build
	ktap_print_msg "utest: $KTAP_CNT_PASS passed, $KTAP_CNT_FAIL failed"
	exit 1
fi

# functional DIR: the functional cases and the API suite, both run.
functional() {
	local rc=0

	"$1/functional" || rc=$?
	"$1/kunit" || rc=$?
	return $rc
}
stage "functional (native, kernel code generation)" functional "$out/native"
stage "stress (native)" "$out/native/stress" -s "$stress_s"
stage "functional (ThreadSanitizer)" functional "$out/tsan"
stage "stress (ThreadSanitizer)" "$out/tsan/stress" -s "$stress_s"
stage "functional (ASan + UBSan)" functional "$out/asan"
stage "stress (ASan + UBSan)" "$out/asan/stress" -s "$stress_s"
stage "fuzz against the model (${fuzz_s}s)" "$out/fuzz/fuzz" \
	-max_total_time="$fuzz_s" -print_final_stats=1 \
	-artifact_prefix="$out/fuzz/" "$out/fuzz/corpus"

# Coverage: the instrumented functional, API suite and stress runs, and
# the fuzz corpus replayed.
coverage() {
	"$out/cov/functional" >/dev/null &&
		"$out/cov/kunit" >/dev/null &&
		"$out/cov/stress" -s 1 >/dev/null &&
		"$out/cov/fuzz" -runs=0 "$out/fuzz/corpus" >/dev/null 2>&1 &&
		llvm-profdata merge -o "$out/cov/all.profdata" "$out"/cov/*.profraw &&
		(cd "$here" && llvm-cov report -show-branch-summary \
			-instr-profile "$out/cov/all.profdata" \
			"$out/cov/functional" -object "$out/cov/kunit" \
			-object "$out/cov/stress" -object "$out/cov/fuzz" \
			>"$out/coverage.txt" &&
		 llvm-cov show -instr-profile "$out/cov/all.profdata" \
			"$out/cov/functional" -object "$out/cov/kunit" \
			-object "$out/cov/stress" -object "$out/cov/fuzz" \
			>"$out/coverage-lines.txt") &&
		awk -v d="$(realpath "$here/..")/" \
			'index($0, d "atomic_arena") == 1 && /\.c:$/ { on = 1; print; next }
			 /^[^ ].*:$/ { on = 0 }
			 on && /^ *[0-9]+\| +0\|/' "$out/coverage-lines.txt" |
			cut -c1-100 >"$out/coverage-missed.txt" &&
		awk '/^Filename/ { $0 = "file regions missed cover functions missed executed lines missed cover branches missed cover"; print } /^\.\.\/atomic_arena[a-z_]*\.c / { print }' "$out/coverage.txt" | column -t &&
		echo "lines never run: $out/coverage-missed.txt"
}
stage "coverage of atomic_arena.c" coverage
# The benchmark still runs, and its report is made (the figures of so
# short a run mean nothing; make ubench gives real ones).
ubench_smoke() {
	mk native/ubench &&
		"$here/ubench/run.sh" "$out/native/ubench" "$out/ubench-smoke" -q &&
		[[ $(grep -c '^alloc,' "$out/ubench-smoke/ubench.csv") -gt 0 ]]
}
stage "ubench smoke (-q)" ubench_smoke
stage "planted faults are caught" "$here/planted.sh" "$out"

ktap_print_msg "utest: $KTAP_CNT_PASS passed, $KTAP_CNT_FAIL failed"
[[ $KTAP_CNT_FAIL -eq 0 ]]
