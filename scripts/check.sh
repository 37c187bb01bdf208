#!/bin/bash
# check.sh - the project's test suite (what `make check` and CI run).
#
# For each kernel in $KERNELS (default "6.1 6.12"): fetch the Debian kernel
# into the cache, build every module with W=1, boot the kernel in QEMU,
# run selftests/atomic_arena.sh there and print its KTAP. Also checks once
# that the typed wrapper rejects a wrong pointer type at compile time.
# Ends with a table per kernel and the line "N passed, N failed, N skipped";
# exits non-zero when anything failed.
#
# Usage: KERNELS="6.1 6.12" scripts/check.sh
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
kernels=${KERNELS:-6.1 6.12}
total_pass=0 total_fail=0 total_skip=0
table=()

"$here/deps.sh" || exit 1

# count KTAP_FILE: sets pass/fail/skip from its top-level result lines.
count() {
	pass=$(grep -cE '^ok [0-9]+ ' "$1" | tr -d '\n')
	skip=$(grep -cE '^ok [0-9]+ .*# SKIP' "$1" | tr -d '\n')
	fail=$(grep -cE '^not ok [0-9]+ ' "$1" | tr -d '\n')
	pass=$((pass - skip))
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

for k in $kernels; do
	out=$top/build/$k
	mkdir -p "$out"
	echo "=== kernel $k ==="
	build=fail pass=0 fail=0 skip=0
	if "$here/fetch-kernel.sh" "$k" && "$here/build-modules.sh" "$k"; then
		build=ok
		echo "ok build $k ($(cat "$("$here/fetch-kernel.sh" --print dir "$k")/release"), W=1)"
	else
		echo "not ok build $k"
	fi

	if [[ $build == ok ]]; then
		src=$out/src payload=$out/payload
		rm -rf "$payload" && mkdir -p "$payload"
		cp "$src/atomic_arena.ko" "$src/selftests/test_atomic_arena.ko" \
			"$src/samples/atomic_arena_sample.ko" \
			"$src/selftests/atomic_arena.sh" "$payload/"
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
		"$here/vm-run.sh" --kernel "$k" --timeout 900 --out "$out/vm" \
			"$payload" >"$out/output.log"
		rc=$?
		sed '/^@@GCDA-BEGIN/,/^@@GCDA-END/d' "$out/output.log" | tee "$out/ktap.log"
		if grep -q '^@@GCDA-BEGIN' "$out/output.log"; then
			echo "# coverage of atomic_arena.c on $k:"
			"$here/coverage.sh" "$src" "$out/output.log" | tee "$out/coverage.txt"
		fi
		count "$out/ktap.log"
		plan=$(sed -n 's/^1\.\.\([0-9]*\).*/\1/p' "$out/ktap.log" | head -n 1)
		if [[ $rc -ne 0 && $fail -eq 0 ]] ||
		   [[ -z $plan || $((pass + fail + skip)) -ne $plan ]]; then
			echo "not ok vm run $k (exit $rc, ${plan:-no} plan, $((pass + fail + skip)) results)"
			fail=$((fail + 1))
		fi
	fi
	[[ $build == ok ]] && pass=$((pass + 1)) || fail=$((fail + 1))

	if typecheck "$k"; then
		echo "ok typed wrapper rejects a wrong pointer type ($k)"
		pass=$((pass + 1))
	else
		echo "not ok typed wrapper rejects a wrong pointer type ($k)"
		fail=$((fail + 1))
	fi
	table+=("$(printf '%-10s %-6s %7d %7d %8d' "$k" "$build" "$pass" "$fail" "$skip")")
	total_pass=$((total_pass + pass))
	total_fail=$((total_fail + fail))
	total_skip=$((total_skip + skip))
done

echo
echo "kernel     build   passed  failed  skipped"
printf '%s\n' "${table[@]}"
echo
if [[ $total_skip -gt 0 ]]; then
	echo "$total_pass passed, $total_fail failed, $total_skip skipped"
else
	echo "$total_pass passed, $total_fail failed"
fi
[[ $total_fail -eq 0 ]]
