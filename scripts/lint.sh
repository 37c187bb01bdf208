#!/bin/bash
# lint.sh - static checks of the project's C sources, the kernel's way:
#   checkpatch.pl --strict --no-tree -f   every .c/.h of ours
#   kernel-doc -none -Wall                atomic_arena*.c, atomic_arena.h
#   sparse (make C=2)                     against each kernel in LINT_KERNELS
# checkpatch.pl and kernel-doc come from the linux-source-7.2 tree that
# build-kernel.sh unpacks into the cache; sparse is Debian's (installed by
# deps.sh). Kernels from 6.15 on refuse a sparse without __typeof_unqual__
# (Debian 12 has 0.6.4): for those, sparse is built once (about 10 s) from
# sid's Debian source package into $CACHE/tools/sparse. Every finding is
# printed; any finding fails the run.
#
# Usage: scripts/lint.sh            (also: make lint)
#   LINT_KERNELS  kernels for sparse (default "6.12 7.2 arm64-6.12 i386-6.1"; names known to
#                 fetch-kernel.sh; 7.2 is built from source on first use)
# Sparse logs: build/lint/KERNEL/sparse.log. Exit status 1 on any finding.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$here/lib.sh"
[[ $# -eq 0 ]] || usage
kernels=${LINT_KERNELS:-6.12 7.2 arm64-6.12 i386-6.1}

# new_sparse: print the path of a sparse built from sid's source package,
# building it first if needed (private apt state, as in fetch-kernel.sh).
new_sparse() {
	local t=$CACHE/tools/sparse st=$CACHE/apt/src-sid-source
	if [[ ! -x $t/sparse ]]; then
		log "building sparse from Debian sid's source package into $t"
		private_apt "$st" \
			"deb-src [signed-by=$KEYRING] http://deb.debian.org/debian sid main"
		apt-get -q -c "$st/apt.conf" update >&2
		rm -rf "$t.tmp"
		mkdir -p "$t.tmp"
		(cd "$t.tmp" && apt-get -q -c "$st/apt.conf" source --download-only sparse) >&2
		tar -C "$t.tmp" -xf "$(echo "$t.tmp"/sparse_*.orig.tar.*)"
		make -C "$(echo "$t.tmp"/sparse-*/)" -j"$(nproc)" sparse >&2
		mkdir -p "$t"
		cp "$(echo "$t.tmp"/sparse-*/)sparse" "$t/sparse.new"
		mv "$t/sparse.new" "$t/sparse"
		rm -rf "$t.tmp"
	fi
	echo "$t/sparse"
}

cd "$top"
"$here/deps.sh" sparse python3 perl

# Our sources: everything but generated module glue.
files=()
for f in atomic_arena*.c atomic_arena*.h samples/*.c \
	 selftests/*.c selftests/*.h bench/*.c bench/*.h; do
	[[ -f $f && $f != *.mod.c ]] && files+=("$f")
done
[[ ${#files[@]} -gt 0 ]] || { log "no sources found in $top"; exit 1; }
src=$("$here/build-kernel.sh" --print src 7.2)
fail=0

# --- checkpatch ---
log "checkpatch.pl --strict on ${#files[@]} files"
out=$("$src/scripts/checkpatch.pl" --strict --no-tree --show-types --color=never --quiet \
	--no-summary -f "${files[@]}" 2>&1) || rc=$?
# A for_each macro reuses its cursor and container, as list_for_each_entry()
# does: that finding, for atomic_arena_for_each() alone, is not one.
out=$(printf '%s\n' "$out" | awk 'BEGIN { RS = ""; ORS = "\n\n" }
	!(/^CHECK:MACRO_ARG_REUSE/ && /#define atomic_arena_for_each\(/)')
[[ -n ${out//[$'\n']/} ]] || { out=; rc=0; }
if [[ ${rc:-0} -ne 0 || -n $out ]]; then
	echo "$out"
	log "FAIL: checkpatch findings (above)"
	fail=1
fi
unset rc

# --- kernel-doc ---
log "kernel-doc -none -Wall on atomic_arena*.c atomic_arena.h"
out=$("$src/scripts/kernel-doc" -none -Wall atomic_arena*.c atomic_arena.h 2>&1) || rc=$?
if [[ ${rc:-0} -ne 0 || -n $out ]]; then
	echo "$out"
	log "FAIL: kernel-doc findings (above)"
	fail=1
fi
unset rc

# --- sparse, in a copy of the sources per kernel (like build-modules.sh) ---
for k in $kernels; do
	kdir=$("$here/fetch-kernel.sh" --print kdir "$k")
	out=$top/build/lint/$k
	copy=$out/src
	rm -rf "$copy"
	mkdir -p "$copy"
	find . \( -path ./build -o -path ./.git \) -prune -o -type f \
		\( -name '*.[ch]' -o -name Kbuild -o -name dkms.conf \) \
		! -name '*.mod.c' -print0 | xargs -0 cp --parents -t "$copy"
	log "sparse (make C=2) against $k"
	rc=0
	make -C "$kdir" M="$copy" C=2 modules >"$out/sparse.log" 2>&1 || rc=$?
	if [[ $rc -eq 0 ]] && grep -q 'not available or not up to date' "$out/sparse.log"; then
		sparse=$(new_sparse)
		log "sparse (make C=2 CHECK=$sparse) against $k"
		make -C "$kdir" M="$copy" C=2 CHECK="$sparse" modules >"$out/sparse.log" 2>&1 || rc=$?
	fi
	if [[ $rc -ne 0 ]]; then
		cat "$out/sparse.log"
		log "FAIL: the build with sparse failed for $k"
		fail=1
		continue
	fi
	# Findings in our files: absolute paths into the copy (kbuild before
	# 6.13 runs in the kernel tree), or relative ones that exist in the copy
	# (6.13+ runs in M=); the kernel's own headers are neither.
	found=$(grep -aE "^[^ :]+:[0-9]+(:[0-9]+)?: (warning|error)" "$out/sparse.log" |
		while IFS= read -r line; do
			f=${line%%:*}
			f=${f#"$copy/"}
			if [[ $f != /* && -f $copy/$f ]]; then echo "[$k] $f:${line#*:}"; fi
		done) || true
	if [[ -n $found ]]; then
		echo "$found"
		log "FAIL: sparse or compiler findings against $k (log: $out/sparse.log)"
		fail=1
	fi
done

if [[ $fail -eq 0 ]]; then log "clean"; fi
exit "$fail"
