#!/bin/bash
# coverage.sh - line and branch coverage of atomic_arena.c (and the parts
# it includes) from a VM run.
#
# Usage: scripts/coverage.sh BUILD_SRC VM_OUTPUT
#   BUILD_SRC  the build dir of a gcov kernel (build/KERNEL/src), holding
#              atomic_arena.gcno from a build with ATOMIC_ARENA_GCOV=1
#   VM_OUTPUT  the payload output, with the guest's atomic_arena.gcda
#              base64-encoded between @@GCDA-BEGIN and @@GCDA-END lines
# Prints the figures and the lines never run; writes atomic_arena.c.gcov
# in BUILD_SRC. Exits 1 when there is no coverage data.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$here/lib.sh"
[[ $# -eq 2 ]] || usage
src=$1 output=$2
[[ -f $src/atomic_arena.gcno ]] || { log "no $src/atomic_arena.gcno"; exit 1; }
sed -n '/^@@GCDA-BEGIN/,/^@@GCDA-END/{/^@@/d;p}' "$output" | base64 -d >"$src/atomic_arena.gcda"
[[ -s $src/atomic_arena.gcda ]] || { log "no gcda in $output"; exit 1; }

cd "$src"
gcov="gcov-12"
command -v "$gcov" >/dev/null || gcov=gcov
"$gcov" -b -c -o . atomic_arena.c >gcov.log 2>&1 || { cat gcov.log >&2; exit 1; }
# The summaries of atomic_arena.c and the parts it includes, not of the
# headers.
for f in atomic_arena*.c; do
	sed -n "/^File '$f'/,/^$/p" gcov.log | sed 's/^/  /'
done
for f in atomic_arena*.c; do
	echo "  lines never run ($f.gcov):"
	grep -E '^ +#####:' "$f.gcov" | sed 's/^ *#####: */    /' || echo "    none"
done
