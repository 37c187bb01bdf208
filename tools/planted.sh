#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# planted.sh OUTDIR: plants each fault of tools/planted.list in a copy of
# the sources (scripts/mutants.sh --plant-only) and runs the native stage
# that must catch it, built from that copy; passes when every one is
# caught, with the report it was caught by.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../scripts/lib.sh
. "$here/../scripts/lib.sh"
[[ $# -le 1 ]] || usage
out=$(realpath -m "${1:-$top/build/tools}")/planted
# NAME -> binary (under the build) and what its output must say
declare -A bin=(
	[utest_plain_store]="tsan/stress"
	[utest_at_off_by_one]="native/kunit"
	[utest_clear_past_storage]="asan/functional"
)
declare -A says=(
	[utest_plain_store]="WARNING: ThreadSanitizer: data race"
	[utest_at_off_by_one]="Expected atomic_arena_at(a, "
	[utest_clear_past_storage]="ERROR: AddressSanitizer: heap-buffer-overflow"
)

mkdir -p "$out"
MUTANT_DIR=$out/mutants MUTANT_LIST=$here/planted.list MUTANTS="${!bin[*]}" \
	"$top/scripts/mutants.sh" --plant-only >"$out/plant.log" 2>&1 ||
	{ cat "$out/plant.log"; exit 1; }
missed=0
for m in "${!bin[@]}"; do
	b=${bin[$m]}
	if ! make -s -C "$here" SRC="$out/mutants/$m/src" O="$out/$m" \
		"$out/$m/$b" >"$out/$m.log" 2>&1; then
		echo "$m: did not build:"
		cat "$out/$m.log"
		missed=$((missed + 1))
		continue
	fi
	"$out/$m/$b" -s 2 >>"$out/$m.log" 2>&1
	rc=$?
	if [[ $rc -ne 0 ]] && grep -qF "${says[$m]}" "$out/$m.log"; then
		echo "$m caught by $b (exit $rc): $(grep -m1 -F "${says[$m]}" "$out/$m.log" | sed 's/^ *//')"
	else
		echo "$m NOT caught by $b (exit $rc); its output ends:"
		tail -n 5 "$out/$m.log"
		missed=$((missed + 1))
	fi
done
[[ $missed -eq 0 ]]
