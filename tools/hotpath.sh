#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# hotpath.sh KERNEL_OBJ NATIVE_OBJ [FUNCTION]: does FUNCTION (default
# atomic_arena_alloc) compile to the same instructions in the kernel
# module's atomic_arena.o and in the native build's? Both are disassembled
# and normalised, then compared as multisets of instructions:
#
# - addresses and jump targets are dropped (the functions sit at different
#   offsets), and so are the padding nops after the last instruction;
# - the kernel's `call __fentry__` and the native build's 5-byte nop are
#   the same thing (ftrace patches the call into that nop at boot);
# - registers are one name, and moves from register to register are left
#   out: which registers the allocator picks, and the moves between them
#   that follow, are not a difference in memory traffic or atomics;
# - the per-CPU offset is added from %gs:this_cpu_off in the kernel and
#   from the thread pointer (%fs) here: one add either way;
# - the order is not compared (a scheduling difference is reported, not
#   failed): the atomics here are compiler builtins, the kernel's are asm
#   with memory clobbers, which pins a mov or two in place.
#
# Prints both listings side by side; exits 1 when the multisets differ.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../scripts/lib.sh
. "$here/../scripts/lib.sh"
[[ $# -eq 2 || $# -eq 3 ]] || usage
kobj=$1 nobj=$2
fn=${3:-atomic_arena_alloc}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

listing() {
	objdump -dr --no-show-raw-insn "$1" |
		awk -v fn="<$fn>:" '
		$2 == fn { on = 1; next }
		on && /^$/ { on = 0; done = 1 }
		done { next }
		!on { next }
		# A relocation names the target of the call before it.
		/R_X86_64_/ { sym = $3; sub(/-0x[0-9a-f]+$/, "", sym)
			      if (prev ~ /^call/) prev = "call " sym
			      else if (prev ~ /^jmp/) prev = "jmp " sym
			      next }
		{ if (have) print prev; sub(/^ *[0-9a-f]+:\t/, ""); prev = $0; have = 1 }
		END { if (have) print prev }' |
		sed -E 's/[[:space:]]+/ /g; s/ +# .*$//; s/ +$//;
			s/^call __fentry__$/FENTRY/;
			s/^nopl 0x0\(%rax,%rax,1\)$/FENTRY/;
			s/^call shim_(memcpy|memset)$/call \1/;
			s/^jmp __x86_return_thunk$/RET/;
			s/ [0-9a-f]+ <[^>]*\+0x[0-9a-f]+>$/ TARGET/;
			s/ [0-9a-f]+ <([a-z_]+)>$/ \1/;
			s/^add %[fg]s:0x0(\(%rip\))?( # TARGET)?,/add PERCPU_OFFSET,/;
			s/%(r[a-z0-9]+|e[a-z]+|[a-d]x|[sd]i|[a-d]l|[sd]il)\b/%R/g' |
		grep -vE '^(nop|int3|nopl .*|nopw .*|xchg %ax,%ax|cs nopw .*|data16 .*|mov %R,%R)$'
}

# The hot path: from the entry to the first return (a successful call
# with an object to copy).
hot() {
	awk '!done { print } /^RET$/ { done = 1 }' "$1"
}

listing "$kobj" >"$tmp/kernel"
listing "$nobj" >"$tmp/native"
[[ -s $tmp/kernel && -s $tmp/native ]] || {
	log "$fn not found in both objects"
	exit 1
}
echo "# $fn: kernel build ($kobj) | native build ($nobj)"
pr -m -t -w 100 "$tmp/kernel" "$tmp/native" | sed 's/^/# /'
rc=0
if diff <(hot "$tmp/kernel" | sort) <(hot "$tmp/native" | sort) >"$tmp/diff"; then
	echo "# hot path (entry to the first return): the same $(hot "$tmp/kernel" | wc -l) instructions"
else
	echo "# hot path: the instructions differ (< kernel, > native):"
	rc=1
fi
{ grep '^[<>]' "$tmp/diff" || true; } | sed 's/^/#   /'
if ! diff <(sort "$tmp/kernel") <(sort "$tmp/native") >"$tmp/diff"; then
	echo "# elsewhere in $fn (< kernel, > native):"
	{ grep '^[<>]' "$tmp/diff" || true; } | sed 's/^/#   /'
fi
hot "$tmp/kernel" >"$tmp/k.hot"
hot "$tmp/native" >"$tmp/n.hot"
cmp -s "$tmp/k.hot" "$tmp/n.hot" ||
	echo "# hot path order differs in $(diff "$tmp/k.hot" "$tmp/n.hot" | grep -c '^<') place(s): scheduling only"
exit $rc
