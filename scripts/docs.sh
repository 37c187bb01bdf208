#!/bin/bash
# docs.sh - the API reference, rendered from the kernel-doc comments of
# atomic_arena*.c and atomic_arena.h by the kernel's own scripts/kernel-doc
# (from the linux-source-7.2 tree that build-kernel.sh unpacks into the
# cache), as man pages of section 9, one per function, struct or macro.
#
# Usage: scripts/docs.sh [OUT]        (also: make docs)
#   OUT   where the pages go (default build/docs); OUT/man9/NAME.9, and
#         OUT/index.txt listing each page with its one-line summary.
# Read one with: man -l build/docs/man9/atomic_arena_alloc.9
# Fails when kernel-doc fails, or when an exported function has no page.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$here/lib.sh"
[[ $# -le 1 ]] || usage
out=${1:-$top/build/docs}

src=$("$here/build-kernel.sh" --print src 7.2)
rm -rf "$out/man9"
mkdir -p "$out/man9"
cd "$top"
"$src/scripts/kernel-doc" -man atomic_arena*.c atomic_arena.h >"$out/all.9"
# One page per .TH: the stream kernel-doc prints holds them all.
awk -v dir="$out/man9" '
	/^\.TH / { name = $2; gsub(/"/, "", name); file = dir "/" name ".9" }
	file { print > file }' "$out/all.9"
rm -f "$out/all.9"

# index.txt: NAME - summary, from each page's NAME section.
for f in "$out"/man9/*.9; do
	sed -n '/^\.SH NAME/{n;s/ \\- / - /;p;q}' "$f"
done >"$out/index.txt"

missing=0
# shellcheck disable=SC2013 # symbol names: one word each
for sym in $(sed -n 's/^EXPORT_SYMBOL(\(.*\));$/\1/p' atomic_arena*.c); do
	if [[ ! -f $out/man9/$sym.9 ]]; then
		log "no page for the exported $sym"
		missing=1
	fi
done
log "$(wc -l <"$out/index.txt") pages in $out/man9 (index: $out/index.txt)"
exit "$missing"
