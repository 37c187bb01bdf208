#!/bin/bash
# mutants.sh - mutation testing: plant each fault of scripts/mutants.list,
# one at a time, in a copy of the sources, and see whether the test suite
# notices it (the mutant is killed) or not (it survived).
#
# Usage: [MUTANTS="name ..."] [MUTANT_KERNEL=6.1] [MUTANT_BASELINE=0]
#        [TEST_ATOMIC_ARENA_PARAMS="hammer_rounds=3"]
#        [MUTANT_LIST=scripts/mutants.list] [MUTANT_DIR=build/mutants]
#        scripts/mutants.sh [--plant-only]
#
# The sources (the files build-modules.sh copies) are copied once into
# build/mutants/orig. For each mutant of the list ($MUTANTS: only those):
# copy them into build/mutants/NAME/src and replace its original text, which
# must occur there exactly once, else the mutant is "stale" (the list has
# drifted from the code); then, on each of its kernels ("stock" is
# $MUTANT_KERNEL), build every module as build-modules.sh does (W=1) and
# run selftests/atomic_arena.sh in QEMU as check.sh does (vm-run.sh
# --timeout 900), with $TEST_ATOMIC_ARENA_PARAMS. Killed by: "build" (a
# compile error), the cases of its `not ok N NAME` lines (failing cases at
# any depth of the KTAP, not the summary lines of suites), "splat",
# "timeout" or "crash" (vm-run.sh's 126, 124, 125), "exit N" (another
# failure), or "plan" (fewer results than planned, at the top or in a
# suite). Mutants run one after another.
# Before them, unless MUTANT_BASELINE=0, the unmutated copy runs on every
# kernel used, and must pass: else nothing would tell a kill from a fault.
#
# Prints one line per run, then a table: mutant, kernel(s), killed or
# survived, and by what; also build/mutants/table.md. Logs of each run in
# build/mutants/NAME/KERNEL/ (build.log, output.log, vm/, vm-run.log).
# --plant-only: only plant the mutants (build/mutants/NAME/mutant.diff) and
# report the stale ones; seconds, no kernel needed.
# Exit status: 0 when every mutant was killed; 1 when one survived or was
# stale, or a run could not be made (kernel, baseline); 2 bad list or usage.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$here/lib.sh"
DIE_STATUS=2
# Its own tree per list, so that runs of two lists do not clobber each other.
work=${MUTANT_DIR:-$top/build/mutants}
list=${MUTANT_LIST:-$here/mutants.list}
stock=${MUTANT_KERNEL:-6.1}
params=${TEST_ATOMIC_ARENA_PARAMS-hammer_rounds=3}
plant_only=
case ${1:-} in
--plant-only) plant_only=1 ;;
"") ;;
*) usage ;;
esac

# --- the list: NAME -> file, kernels, original, replacement ---
[[ -r $list ]] || die "cannot read $list"
declare -A file kernels orig repl
names=()
n=0 name=
while IFS= read -r line || [[ -n $line ]]; do
	n=$((n + 1))
	case $line in
	'@ '*)
		read -r name f ks <<<"${line#@ }"
		[[ $name =~ ^[A-Za-z0-9_.-]+$ && -n $f && -z ${file[$name]+x} &&
			$name != orig ]] || die "$list:$n: a bad name, no file, or a name used twice"
		names+=("$name") file[$name]=$f
		kernels[$name]=
		for k in ${ks:-stock}; do	# each once, in order
			[[ $k != stock ]] || k=$stock
			[[ " ${kernels[$name]} " == *" $k "* ]] || kernels[$name]+="${kernels[$name]:+ }$k"
		done ;;
	-* | +*)
		[[ -n $name ]] || die "$list:$n: text before the first @ line"
		if [[ $line == -* ]]; then
			[[ -z ${repl[$name]+x} ]] || die "$list:$n: '-' line after '+' lines"
			orig[$name]+=${orig[$name]+$'\n'}${line#-}
		else
			repl[$name]+=${repl[$name]+$'\n'}${line#+}
		fi ;;
	'' | '#'*) ;;
	*) die "$list:$n: not an entry line: $line" ;;
	esac
done <"$list"
for m in "${names[@]}"; do
	[[ -n ${orig[$m]:-} && -n ${repl[$m]+x} ]] || die "$list: $m needs '-' and '+' lines"
done
if [[ -n ${MUTANTS:-} ]]; then
	read -ra names <<<"$MUTANTS"
	for m in "${names[@]}"; do
		[[ -n ${file[$m]+x} ]] || die "no mutant '$m' in $list"
	done
fi

# plant NAME DIR: the mutant in DIR's copy of its file; fails, saying why,
# unless the original text is there exactly once.
plant() {
	local f=$2/${file[$1]} text rest count
	[[ -f $f ]] || { echo "no file ${file[$1]}"; return 1; }
	text=$(cat "$f"; echo .) && text=${text%.}	# keep trailing newlines
	rest=${text//"${orig[$1]}"/}
	count=$(((${#text} - ${#rest}) / ${#orig[$1]}))
	[[ $count -eq 1 ]] || { echo "original text found $count times in ${file[$1]}"; return 1; }
	printf '%s' "${text/"${orig[$1]}"/"${repl[$1]}"}" >"$f"
}

# build KDIR SRC: every module, as build-modules.sh does (W=1; the arena
# for coverage on a gcov kernel), into SRC/../build.log.
build() {
	local args=()
	! grep -q '^CONFIG_GCOV_KERNEL=y' "$1/.config" || args+=(ATOMIC_ARENA_GCOV=1)
	make -C "$1" M="$2" W=1 "${args[@]}" modules >"$2/../build.log" 2>&1
}

# suite KERNEL DIR: DIR/src's modules in the guest, as check.sh's run_suite;
# sets $by to what killed it ("" if nothing), or returns 1 on a broken run.
suite() {
	local payload=$2/payload rc fail bad
	rm -rf "$payload" "$2/vm" && mkdir -p "$payload"
	cp "$2/src/atomic_arena.ko" "$2/src/selftests/test_atomic_arena.ko" \
		"$2/src/samples/atomic_arena_sample.ko" \
		"$2/src/selftests/atomic_arena.sh" "$2/src/selftests/ktap_helpers.sh" \
		"$payload/" || return 1
	printf '%s\n' "$params" >"$payload/params"
	cat >"$payload/run" <<-'GUEST'
	#!/bin/sh
	TEST_ATOMIC_ARENA_PARAMS=$(cat params) ATOMIC_ARENA_KO_DIR=/payload ./atomic_arena.sh
	GUEST
	chmod +x "$payload/run"
	# As check.sh: kernels built here count every report after the payload
	# starts; on Debian's, reports that do not name our code are not counted.
	local foreign=(--allow-foreign-splats)
	[[ ! -d $("$here/fetch-kernel.sh" --print dir "$1")/build ]] || foreign=()
	"$here/vm-run.sh" --kernel "$1" --timeout 900 --out "$2/vm" \
		"${foreign[@]}" "$payload" >"$2/output.log" 2>"$2/vm-run.log"
	rc=$?
	read -r _ fail _ _ _ bad < <(ktap_count "$2/output.log")
	{
		# Not the cases that only failed because the module did not load.
		grep -v '# test module did not load' "$2/output.log" | ktap_failed_cases -
		case $rc in
		0) [[ $bad -eq 0 ]] || echo plan ;;
		1) [[ $fail -gt 0 ]] || echo "exit 1" ;;
		124) echo timeout ;;
		125) echo crash ;;
		126) echo splat ;;
		*) log "vm-run.sh or the suite could not run (exit $rc):" \
			"see $2/vm-run.log"
		   return 1 ;;
		esac
	} >"$2/killed-by" || return 1
	by=$(paste -sd, "$2/killed-by" | sed 's/,/, /g')
}

# run NAME KERNEL: build and test build/mutants/NAME/src on KERNEL; sets
# $by, or returns 1 when the run could not be made.
run() {
	local dir=$work/$1/$2 kdir
	rm -rf "$dir" && mkdir -p "$dir" && cp -a "$work/$1/src" "$dir/src" || return 1
	kdir=$("$here/fetch-kernel.sh" --print kdir "$2") ||
		{ log "cannot fetch kernel $2"; return 1; }
	if build "$kdir" "$dir/src"; then
		suite "$2" "$dir"
	else
		by=build
	fi
}

# --- the sources, once: the other mutants' base and the baseline ---
rm -rf "$work/orig" && mkdir -p "$work/orig/src" || exit 1
copy_module_sources "$work/orig/src" || exit 1

declare -A stale=()	# NAME -> why
rows=() failed=0 summary=
row() {	# row NAME KERNELS VERDICT BY
	rows+=("$1|$2|$3|$4")
	[[ $3 == killed ]] || failed=1
}

# Plant every mutant first: stale ones are known at once.
used=()
for m in "${names[@]}"; do
	rm -rf "${work:?}/$m" && mkdir -p "$work/$m" && cp -a "$work/orig/src" "$work/$m/src"
	if ! why=$(plant "$m" "$work/$m/src"); then
		echo "STALE $m: $why:" >&2
		echo "    ${orig[$m]//$'\n'/$'\n'    }" >&2
		stale[$m]=$why
		continue
	fi
	diff -u --label "a/${file[$m]}" --label "b/${file[$m]}" \
		"$work/orig/src/${file[$m]}" "$work/$m/src/${file[$m]}" >"$work/$m/mutant.diff"
	[[ -z $plant_only ]] || echo "planted $m (${kernels[$m]})"
	for k in ${kernels[$m]}; do
		[[ " ${used[*]} " == *" $k "* ]] || used+=("$k")
	done
done

if [[ -n $plant_only ]]; then
	echo "${#names[@]} mutants planted in $work, ${#stale[@]} stale"
	[[ ${#stale[@]} -eq 0 ]]
	exit
fi
"$here/deps.sh" || exit 1
if [[ ${MUTANT_BASELINE:-1} != 0 ]]; then
	for k in "${used[@]}"; do
		echo "=== baseline on $k (no mutant) ==="
		t0=$SECONDS by=
		run orig "$k" || { log "baseline on $k could not run"; exit 1; }
		if [[ -n $by ]]; then
			log "the suite fails on $k without any mutant ($by):" \
				"see $work/orig/$k; nothing to compare with"
			exit 1
		fi
		echo "baseline $k: passed ($((SECONDS - t0))s)"
	done
fi

i=0
for m in "${names[@]}"; do
	i=$((i + 1))
	if [[ -n ${stale[$m]:-} ]]; then
		row "$m" "${kernels[$m]}" stale "${stale[$m]}"
		continue
	fi
	echo "=== mutant $m ($i/${#names[@]}) ==="
	grep -E '^[-+]([^-+]|$)' "$work/$m/mutant.diff"
	all_by=() v=survived
	for k in ${kernels[$m]}; do
		t0=$SECONDS by=
		if ! run "$m" "$k"; then
			echo "ERROR $m on $k: the run could not be made" >&2
			all_by+=("$k: could not run") v=error
		elif [[ -n $by ]]; then
			[[ $v == error ]] || v=killed
			all_by+=("$k: $by")
			echo "killed $m on $k by: $by ($((SECONDS - t0))s)"
		else
			all_by+=("$k: survived")
			echo "SURVIVED $m on $k ($((SECONDS - t0))s)"
		fi
	done
	if [[ $(wc -w <<<"${kernels[$m]}") -eq 1 ]]; then
		all_by=("${all_by[0]#*: }")
	fi
	[[ $v == survived ]] && all_by=(-)
	row "$m" "${kernels[$m]}" "$v" "$(printf '%s; ' "${all_by[@]}" | sed 's/; $//')"
done

# --- the table, plain and Markdown ---
{
	echo "| mutant | kernel(s) | result | killed by |"
	echo "| --- | --- | --- | --- |"
	for r in "${rows[@]}"; do
		IFS='|' read -r m ks v b <<<"$r"
		echo "| $m | $ks | $v | $b |"
	done
} >"$work/table.md"
echo
printf '%-26s %-12s %-9s %s\n' mutant "kernel(s)" result "killed by"
for r in "${rows[@]}"; do
	IFS='|' read -r m ks v b <<<"$r"
	printf '%-26s %-12s %-9s %s\n' "$m" "$ks" "$v" "$b"
done
echo
for v in killed survived stale error; do
	c=$(printf '%s\n' "${rows[@]}" | awk -F'|' -v v="$v" '$3 == v' | wc -l)
	summary+="${summary:+, }$c ${v/#error/not run}"
done
echo "${#rows[@]} mutants: $summary (table: $work/table.md)"
exit "$failed"
