#!/bin/bash
# check.sh - the project's test suite (what `make check` and CI run).
#
# For each kernel in $KERNELS (default: all): fetch it into the cache (Debian packages, or
# a build from Debian's kernel source for 7.2 and the sanitizer kernels),
# build every module with W=1, check that the typed wrapper rejects a wrong
# pointer type at compile time, boot the kernel in QEMU and run
# selftests/atomic_arena.sh there (the KUnit suites, debugfs, fault
# injection, load loop, kmemleak), printing its KTAP; on a gcov kernel,
# report the coverage of atomic_arena.c. Then, where their kernel is in
# $KERNELS: the DKMS test ($DKMS_KERNELS; again with the kernel shown to
# DKMS as installed, $DKMS_INSTALLED_KERNELS) and one tiny benchmark run
# ($BENCH_KERNEL); where i386-6.1 and 6.1 are, a planted 32-bit overflow
# that only i386 may catch; and the static checks (make lint, and make docs
# with its check that every exported function has a page) unless NO_LINT=1.
# Ends with a table and the line "N passed, N failed[, N skipped]"; exits
# non-zero when anything failed.
#
# Usage: [KERNELS="6.1 6.12"] [NO_LINT=1] scripts/check.sh
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$here/lib.sh"
[[ $# -eq 0 ]] || usage
# Default: every kernel scripts/fetch-kernel.sh knows.
read -ra kernels <<<"${KERNELS:-$("$here/fetch-kernel.sh" --list)}"
dkms_kernels=${DKMS_KERNELS:-6.1 6.12}
dkms_installed_kernels=${DKMS_INSTALLED_KERNELS:-6.12}
bench_kernel=${BENCH_KERNEL:-6.12}
total_pass=0 total_fail=0 total_skip=0
table=()
extra=()
started=$SECONDS

"$here/deps.sh" || exit 1

# count FILE: pass/fail/skip of the KTAP report in FILE, each case once:
# its leaf results at any depth (a suite's summary line is not a case);
# plan and results, its top-level plan ("" if none) and results; bad, 0
# when every plan in it, at any depth, got as many results.
count() {
	read -r pass fail skip plan results bad < <(ktap_count "$1")
	[[ $plan != - ]] || plan=
}

# row NAME BUILD PASS FAIL SKIP: one line of the summary table.
row() {
	table+=("$(printf '%-18s %-6s %7d %7d %8d %6ss' "$1" "$2" "$3" "$4" "$5" "$6")")
	total_pass=$((total_pass + $3))
	total_fail=$((total_fail + $4))
	total_skip=$((total_skip + $5))
}

in_list() {	# in_list WORD LIST...
	local w=$1
	shift
	for x in "$@"; do [[ $x == "$w" ]] && return 0; done
	return 1
}

# typecheck KERNEL: the typed wrapper must turn a wrong type into an error.
typecheck() {
	local kdir dir
	kdir=$("$here/fetch-kernel.sh" --print kdir "$1") || return 1
	dir=$top/build/$1/typecheck
	rm -rf "$dir" && mkdir -p "$dir"
	cp "$top/atomic_arena.h" "$top/selftests/typed_wrong_type.c" "$dir/"
	echo 'obj-m := typed_wrong_type.o' >"$dir/Kbuild"
	if make -C "$kdir" M="$dir" modules >"$dir/build.log" 2>&1; then
		echo "# typed_wrong_type.c compiled, but must not"
		return 1
	fi
	grep -q 'incompatible-pointer-types' "$dir/build.log" || {
		echo "# typed_wrong_type.c failed for another reason:"
		sed 's/^/# /' "$dir/build.log"
		return 1
	}
}

# run_suite KERNEL: the selftest in the VM; adds to pass/fail/skip.
run_suite() {
	local k=$1 out=$top/build/$1 src=$top/build/$1/src payload rc
	local plan results bad
	payload=$out/payload
	rm -rf "$payload" && mkdir -p "$payload"
	cp "$src/atomic_arena.ko" "$src/selftests/test_atomic_arena.ko" \
		"$src/samples/atomic_arena_sample.ko" \
		"$src/selftests/atomic_arena.sh" "$src/selftests/ktap_helpers.sh" \
		"$payload/"
	cat >"$payload/run" <<-'GUEST'
	#!/bin/sh
	ATOMIC_ARENA_KO_DIR=/payload ./atomic_arena.sh
	rc=$?
	# On a gcov kernel, hand the arena's coverage data back out.
	gcda=$(find /sys/kernel/debug/gcov -name atomic_arena.gcda 2>/dev/null)
	if [ -n "$gcda" ]; then
		echo @@GCDA-BEGIN
		base64 "$gcda"
		echo @@GCDA-END
	fi
	exit $rc
	GUEST
	chmod +x "$payload/run"
	# Kernels built here count every report after the payload starts; on
	# Debian's, reports that do not name our code are listed, not counted.
	local foreign=(--allow-foreign-splats)
	[[ ! -d $("$here/fetch-kernel.sh" --print dir "$k")/build ]] || foreign=()
	"$here/vm-run.sh" --kernel "$k" --timeout 1800 --out "$out/vm" \
		"${foreign[@]}" "$payload" >"$out/output.log"
	rc=$?
	sed '/^@@GCDA-BEGIN/,/^@@GCDA-END/d' "$out/output.log" | tee "$out/ktap.log"
	count "$out/ktap.log"
	# Fewer results than planned, at the top or in a suite, fail the run.
	if [[ $rc -ne 0 && $fail -eq 0 ]] || [[ $bad -ne 0 ]]; then
		ktap_print_result "not ok" "" "vm run $k (exit $rc, ${plan:-no} plan, $results results$(
			[[ -z $plan || $results -ne $plan ]] || echo ", a suite short of its plan"))"
		fail=$((fail + 1))
	fi
	if grep -q '^@@GCDA-BEGIN' "$out/output.log"; then
		echo "# coverage of atomic_arena.c on $k:"
		if "$here/coverage.sh" "$src" "$out/output.log" >"$out/coverage.txt"; then
			sed 's/^/# /' "$out/coverage.txt"
		else
			ktap_print_result "not ok" "" "coverage $k"
			fail=$((fail + 1))
		fi
	fi
}

# step NAME COMMAND...: a check outside the kernel loop, as one table row.
step() {
	local name=$1 t0=$SECONDS
	shift
	echo "=== $name ==="
	if "$@"; then
		ktap_print_result ok "" "$name"
		row "$name" - 1 0 0 $((SECONDS - t0))
	else
		ktap_print_result "not ok" "" "$name"
		row "$name" - 0 1 0 $((SECONDS - t0))
	fi
}

# The native proving ground first: seconds, and no kernel needed.
t0=$SECONDS
echo "=== utest (tools/: atomic_arena.c in user space) ==="
mkdir -p "$top/build"
"$top/tools/utest.sh" "$top/build/tools" | tee "$top/build/utest.log"
rc=${PIPESTATUS[0]}
count "$top/build/utest.log"
if [[ $rc -ne 0 && $fail -eq 0 ]]; then
	ktap_print_result "not ok" "" "utest (exit $rc)"
	fail=1
fi
row utest - "$pass" "$fail" "$skip" $((SECONDS - t0))

for k in "${kernels[@]}"; do
	t0=$SECONDS
	echo "=== kernel $k ==="
	build=fail pass=0 fail=0 skip=0
	if "$here/fetch-kernel.sh" "$k" && "$here/build-modules.sh" "$k"; then
		build=ok
		ktap_print_result ok "" "build $k ($("$here/fetch-kernel.sh" --print release "$k"), W=1)"
		run_suite "$k"
		pass=$((pass + 1))
		if typecheck "$k"; then
			ktap_print_result ok "" "typed wrapper rejects a wrong pointer type ($k)"
			pass=$((pass + 1))
		else
			ktap_print_result "not ok" "" "typed wrapper rejects a wrong pointer type ($k)"
			fail=$((fail + 1))
		fi
	else
		ktap_print_result "not ok" "" "build $k"
		fail=$((fail + 1))
	fi
	row "$k" "$build" "$pass" "$fail" "$skip" $((SECONDS - t0))
	# Calls the hammer made from each context, and coverage, for the end.
	[[ $build == ok ]] && extra+=("$(printf '%-10s %s%s' "$k" \
		"$(sed -n 's/^ *# hammer: \([a-z]*\) calls \([0-9]*\).*/\1 \2/p' \
			"$top/build/$k/ktap.log" | paste -sd, | sed 's/,/, /g')" \
		"$(sed -n 's/^ *Lines executed:\(.*\)/; coverage: lines \1/p' \
			"$top/build/$k/coverage.txt" 2>/dev/null)")")
done

# A storage size computed in 64 bits but kept in a 32-bit size_t (the
# mutant create_size_u64 of mutants.list): the suite must catch it on i386,
# and cannot on x86-64, where the two are the same code.
planted32() {
	local log=$top/build/planted32.log
	MUTANTS=create_size_u64 MUTANT_BASELINE=0 MUTANT_DIR=$top/build/planted32 \
		TEST_ATOMIC_ARENA_PARAMS=hammer_rounds=0 "$here/mutants.sh" >"$log" 2>&1
	grep -E '^(killed|SURVIVED|ERROR) ' "$log"
	grep -q '^killed create_size_u64 on i386-6.1 by: .*create_size_overflow' "$log" &&
		grep -q '^SURVIVED create_size_u64 on 6.1 ' "$log"
}
if in_list i386-6.1 "${kernels[@]}" && in_list 6.1 "${kernels[@]}"; then
	step "planted 32-bit overflow" planted32
fi

# The native build's hot path against Debian's 6.12 build of the module.
if in_list 6.12 "${kernels[@]}" && [[ -f $top/build/6.12/src/atomic_arena.o ]]; then
	step "hotpath 6.12" make -s -C "$top/tools" \
		O="$top/build/tools" hotpath KOBJ="$top/build/6.12/src/atomic_arena.o"
fi

for k in $dkms_kernels; do
	in_list "$k" "${kernels[@]}" || continue
	[[ -x $here/dkms-test.sh ]] && step "dkms $k" "$here/dkms-test.sh" "$k"
done
# The same with the kernel shown to DKMS as installed: compressed modules.
for k in $dkms_installed_kernels; do
	in_list "$k" "${kernels[@]}" || continue
	[[ -x $here/dkms-test.sh ]] &&
		step "dkms $k installed" "$here/dkms-test.sh" --as-installed "$k"
done
if in_list "$bench_kernel" "${kernels[@]}" && [[ -x $here/bench.sh ]]; then
	step "bench smoke $bench_kernel" "$here/bench.sh" --smoke "$bench_kernel"
fi
if [[ ${NO_LINT:-0} != 1 && -x $here/lint.sh ]]; then
	step lint "$here/lint.sh"
	step docs "$here/docs.sh"
fi

echo
echo "check                build   passed  failed  skipped   time"
printf '%s\n' "${table[@]}"
echo "# total time $((SECONDS - started))s"
if [[ ${#extra[@]} -gt 0 ]]; then
	echo "# hammer calls per context:"
	printf '#   %s\n' "${extra[@]}"
fi
echo
if [[ $total_skip -gt 0 ]]; then
	echo "$total_pass passed, $total_fail failed, $total_skip skipped"
else
	echo "$total_pass passed, $total_fail failed"
fi
[[ $total_fail -eq 0 ]]
