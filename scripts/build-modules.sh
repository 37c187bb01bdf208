#!/bin/bash
# build-modules.sh - build every module of the project against a fetched
# test kernel, with W=1, in a copy of the sources of its own, so that
# several kernels' builds never mix. Fails on any compiler warning from
# the project's files.
#
# Usage: scripts/build-modules.sh [--print-dir] KERNEL
#   KERNEL   a name known to scripts/fetch-kernel.sh (6.1, 6.12, ...)
# Result: build/KERNEL/src/{atomic_arena.ko,samples/*.ko,selftests/*.ko},
# and build/KERNEL/build.log. --print-dir prints build/KERNEL/src.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$here/lib.sh"
print=
[[ ${1:-} != --print-dir ]] || { print=1; shift; }
[[ $# -eq 1 ]] || usage
kernel=$1

kdir=$("$here/fetch-kernel.sh" --print kdir "$kernel")
# arm64 headers name aarch64-linux-gnu-gcc-12 (their .kernelvariables).
if [[ $("$here/fetch-kernel.sh" --print arch "$kernel") == aarch64 ]]; then
	"$here/deps.sh" gcc-12-aarch64-linux-gnu
fi
out=$top/build/$kernel
src=$out/src
rm -rf "$src"
mkdir -p "$src"
copy_module_sources "$src"

args=()
# On a gcov kernel, the arena is built for coverage.
! grep -q '^CONFIG_GCOV_KERNEL=y' "$kdir/.config" || args+=(ATOMIC_ARENA_GCOV=1)
if ! make -C "$kdir" M="$src" W=1 "${args[@]}" modules >"$out/build.log" 2>&1; then
	cat "$out/build.log" >&2
	log "build for $kernel failed"
	exit 1
fi
# Diagnostics in our files: kernels before 6.13 print absolute paths,
# later ones paths relative to $src.
ours=$({ grep -E '^[^ :]+:[0-9]+:([0-9]+:)? (warning|error):' "$out/build.log" || true; } |
	while IFS= read -r line; do
		f=${line%%:*}
		[[ $f == /* ]] || f=$src/$f
		[[ $(realpath -m "$f") != "$src"/* ]] || echo "$line"
	done)
if [[ -n $ours ]]; then
	echo "$ours" >&2
	log "warnings in our files for $kernel (W=1)"
	exit 1
fi
[[ -z $print ]] || echo "$src"
