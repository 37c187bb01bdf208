#!/bin/bash
# soak.sh - the hammer (the stress cases of test_atomic_arena.ko) for a long
# time on the sanitizer kernels, for the races and memory errors that a
# minute of the test suite does not hit.
#
# Usage: [SOAK_MINUTES=30] [SOAK_KERNELS="kcsan kasan"] [SOAK_MARGIN=900]
#        scripts/soak.sh
#
# For each kernel: fetch it and build the modules (build-modules.sh), boot
# it in QEMU (vm-run.sh, timeout SOAK_MINUTES*60 + SOAK_MARGIN seconds) and
# run the whole suite, selftests/atomic_arena.sh with its debugfs reader,
# with TEST_ATOMIC_ARENA_PARAMS="hammer_rounds=4000000000
# hammer_seconds=SOAK_MINUTES*60": the hammer starts rounds until that time
# is up. Any kernel report fails the run, foreign or not.
#
# Prints the suite's KTAP, then per kernel: its verdict, the hammer's rounds,
# its calls per context (and how many failed, as full), the wall time and
# the kernel reports (splat headers on the console after the payload
# started). Ends with "soak: N calls on K kernels, R kernel reports, F
# failed". Logs: build/soak/KERNEL/ (output.log, vm/console.log).
# Exit status: 0 when every kernel passed without a kernel report, 1 else.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$here/lib.sh"
minutes=${SOAK_MINUTES:-30}
margin=${SOAK_MARGIN:-900}
read -ra kernels <<<"${SOAK_KERNELS:-kcsan kasan}"
[[ $# -eq 0 && $minutes =~ ^[1-9][0-9]*$ && $margin =~ ^[0-9]+$ && ${#kernels[@]} -gt 0 ]] ||
	usage
# Headers of kernel reports, one per report (vm-run.sh's list, less the
# lines that only continue one: Call Trace, Oops after a BUG).
report='BUG:|kernel BUG at|WARNING:|Kernel panic|general protection fault'
report+='|UBSAN:|suspected memory leak|RCU stall|detected stall|soft lockup'
report+='|hard LOCKUP|blocked for more than|NMI received for unknown reason'
report+='|invoked oom-killer'
total_calls=0 total_reports=0 failed=0 lines=()

"$here/deps.sh" || exit 1

# soak KERNEL: one long run; appends its line to $lines.
soak() {
	local k=$1 out=$top/build/soak/$1 src payload rc t0 wall rounds calls
	local reports fail plan results bad verdict sum
	rm -rf "$out" && mkdir -p "$out/payload" && payload=$out/payload
	if ! "$here/fetch-kernel.sh" "$k" || ! src=$("$here/build-modules.sh" --print-dir "$k"); then
		lines+=("$k: not ok, no kernel or no build")
		failed=$((failed + 1))
		return
	fi
	cp "$src/atomic_arena.ko" "$src/selftests/test_atomic_arena.ko" \
		"$src/samples/atomic_arena_sample.ko" "$src/selftests/atomic_arena.sh" \
		"$src/selftests/ktap_helpers.sh" "$payload/"
	echo "hammer_rounds=4000000000 hammer_seconds=$((minutes * 60))" >"$payload/params"
	cat >"$payload/run" <<-'GUEST'
	#!/bin/sh
	TEST_ATOMIC_ARENA_PARAMS=$(cat params) ATOMIC_ARENA_KO_DIR=/payload ./atomic_arena.sh
	GUEST
	chmod +x "$payload/run"
	echo "=== soak $k: $minutes min of hammer ==="
	t0=$SECONDS
	"$here/vm-run.sh" --kernel "$k" --timeout $((minutes * 60 + margin)) \
		--out "$out/vm" "$payload" | tee "$out/output.log"
	rc=${PIPESTATUS[0]}
	wall=$((SECONDS - t0))

	read -r _ fail _ plan results bad < <(ktap_count "$out/output.log")
	[[ $plan != - ]] || plan=
	rounds=$(sed -n 's/^ *# hammer: \([0-9][0-9]*\) rounds.*/\1/p' "$out/output.log")
	calls=$(sed -n 's/^ *# hammer: \([a-z]*\) calls \([0-9]*\) (failed \([0-9]*\)).*/\1 \2 (\3 failed)/p' \
		"$out/output.log" | paste -sd, | sed 's/,/, /g')
	sum=$(sed -n 's/^ *# hammer: [a-z]* calls \([0-9]*\) .*/\1/p' "$out/output.log" |
		awk '{ s += $1 } END { print s + 0 }')
	reports=$(sed -n '/@@VM-PAYLOAD-START@@/,$p' "$out/vm/console.log" 2>/dev/null |
		grep -acE "$report")
	[[ $rc -ne 126 || $reports -gt 0 ]] || reports=1	# one it did not match
	# What went wrong: failed cases, vm-run.sh's verdict, missing results.
	verdict=$({
		ktap_failed_cases "$out/output.log"
		case $rc in
		0 | 126) ;;
		1) [[ $fail -gt 0 ]] || echo "suite exit 1" ;;
		124) echo timeout ;;
		125) echo "the guest crashed" ;;
		*) echo "vm-run exit $rc" ;;
		esac
		[[ $reports -eq 0 ]] || echo "kernel report"
		[[ $bad -eq 0 ]] || echo "$results of ${plan:-?} results$(
			[[ -z $plan || $results -ne $plan ]] || echo ", a suite short of its plan")"
		[[ -n $rounds ]] || echo "the hammer did not run"
	} | paste -sd, | sed 's/,/, /g')
	verdict=${verdict:+not ok ($verdict)}
	verdict=${verdict:-ok}
	[[ $verdict == ok ]] || failed=$((failed + 1))
	total_calls=$((total_calls + sum))
	total_reports=$((total_reports + reports))
	lines+=("$k: $verdict; ${rounds:-no} rounds in ${wall}s; calls ${calls:-none}; $reports kernel reports")
}

for k in "${kernels[@]}"; do
	soak "$k"
done
echo
printf 'soak %s\n' "${lines[@]}"
echo "soak: $total_calls calls on ${#kernels[@]} kernels, $total_reports kernel reports, $failed failed"
[[ $failed -eq 0 && $total_reports -eq 0 ]]
