#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run.sh - run the native benchmark and make its table and plot
#
# Usage: ubench/run.sh BINARY OUTDIR [UBENCH_OPTION...]
#        ubench/run.sh --report CSV OUTDIR
#
# The first form runs BINARY (tools/ubench/ubench.c, static) with the
# options given, and those in $UBENCH_ARGS, writing OUTDIR/ubench.csv,
# then makes the report from it. The second makes the report alone from a
# CSV made elsewhere (the binary runs on machines without gnuplot; bring
# its CSV back here). The report:
#
#   OUTDIR/ubench.txt   for each element size, aggregate Mops/s per case and
#                       thread count, and each case's time per element
#                       relative to limit's at the same thread count
#                       (limit's Mops/s over the case's: 1.27x is 27%
#                       slower than the floor); printed too
#   OUTDIR/ubench.png   one log-log panel per element size, Mops/s against
#                       threads, one line per case, limit in black (needs
#                       gnuplot with pngcairo; skipped with a warning
#                       without it)
set -euo pipefail

usage() {
	echo "usage: $0 BINARY OUTDIR [UBENCH_OPTION...]" >&2
	echo "       $0 --report CSV OUTDIR" >&2
	exit 2
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# table CSV: the plain-text report on stdout.
table() {
	awk -F, '
	# Insertion into a numerically sorted list, for mawk (no asort).
	function add_num(list, n, v,    i) {
		for (i = 1; i <= n; i++)
			if (list[i] == v)
				return n
		for (i = n; i >= 1 && list[i] > v; i--)
			list[i + 1] = list[i]
		list[i + 1] = v
		return n + 1
	}
	# A row: the Mops/s of case a over those of case b at element size
	# s, per thread count, when the run has both.
	function quotient_row(a, b, fmt,    ti, t, v) {
		if (!(a in seen_case) || !(b in seen_case))
			return
		printf "%-14s", a "/" b
		for (ti = 1; ti <= nt; ti++) {
			t = threads[ti]
			v = "-"
			if (mops[b, s, t] > 0)
				v = sprintf(fmt, mops[a, s, t] / mops[b, s, t])
			printf " %16s", v
		}
		printf "\n"
	}
	function ratio(floor, v) {
		if (floor == "" || v == "" || v <= 0)
			return ""
		return sprintf("%.2fx", floor / v)
	}
	NR == 1 {
		for (i = 1; i <= NF; i++)
			col[$i] = i
		if (!("case" in col) || !("mops" in col) ||
		    !("fails_mps" in col)) {
			print "ubench: not a ubench CSV" > "/dev/stderr"
			bad = 1
			exit 1
		}
		next
	}
	{
		c = $col["case"]; s = $col["elem_size"] + 0
		t = $col["threads"] + 0
		if (!(c in seen_case)) {
			seen_case[c] = 1
			cases[++nc] = c
		}
		ns = add_num(sizes, ns, s)
		nt = add_num(threads, nt, t)
		have[c, s, t] = 1
		mops[c, s, t] = $col["mops"]
		lo[c, s, t] = $col["mops_min"]
		hi[c, s, t] = $col["mops_max"]
		fails[c, s, t] = $col["fails_mps"]
		nextx[c, s, t] = $col["next_final"]
		over[c, s, t] = $col["overshoot_max"]
		rounds = $col["rounds"]
		cpu = $col["cpu"]
	}
	END {
		if (bad)
			exit 1
		printf "atomic-arena native benchmark: %s, median of %s rounds\n",
			cpu, rounds
		print "Aggregate Mops/s; x: time per element relative to limit " \
		      "at the same thread count (limit Mops/s / case Mops/s)."
		print "full: failed calls per second on the full arena (M/s, " \
		      "all threads); by how much the counter"
		print "exceeds the capacity at the end (must be 0) and at " \
		      "most (overshoot_max)."
		for (si = 1; si <= ns; si++) {
			s = sizes[si]
			printf "\nelement size %d bytes\n", s
			printf "%-14s", "threads"
			for (ti = 1; ti <= nt; ti++)
				printf " %16d", threads[ti]
			printf "\n"
			for (ci = 1; ci <= nc; ci++) {
				c = cases[ci]
				if (c ~ /^full/)
					continue
				printf "%-14s", c
				for (ti = 1; ti <= nt; ti++) {
					t = threads[ti]
					if (!have[c, s, t] || mops[c, s, t] == "") {
						printf " %16s", "-"
						continue
					}
					printf " %9.1f %6s", mops[c, s, t],
						ratio(mops["limit", s, t], mops[c, s, t])
				}
				printf "\n"
			}
			# The per-CPU mode against the ordered one, and as a
			# fraction of the no-sharing reference.
			quotient_row("percpu", "alloc", "%.2fx")
			quotient_row("percpu", "private", "%.2f")
			for (ci = 1; ci <= nc; ci++) {
				c = cases[ci]
				if (c !~ /^full/)
					continue
				printf "%-14s", c " fails"
				for (ti = 1; ti <= nt; ti++) {
					t = threads[ti]
					if (have[c, s, t])
						printf " %9.1f %6s", fails[c, s, t], "M/s"
					else
						printf " %16s", "-"
				}
				printf "\n%-14s", c " next-cap"
				for (ti = 1; ti <= nt; ti++) {
					t = threads[ti]
					printf " %16s", have[c, s, t] ? nextx[c, s, t] : "-"
				}
				printf "\n%-14s", c " oversh."
				for (ti = 1; ti <= nt; ti++) {
					t = threads[ti]
					printf " %16s", have[c, s, t] ? over[c, s, t] : "-"
				}
				printf "\n"
			}
		}
	}' "$1"
}

# plot CSV OUTDIR: OUTDIR/ubench.png, one panel per element size.
plot() {
	local csv=$1 out=$2 dir=$tmp sizes xtics ns cols rows s c f sep
	local style title cpu
	local -a cases

	if ! command -v gnuplot >/dev/null; then
		echo "ubench: no gnuplot here: no $out/ubench.png" \
			"(run.sh --report $csv $out where there is one)" >&2
		return 0
	fi
	sizes=$(awk -F, 'NR > 1 { print $2 }' "$csv" | sort -nu)
	xtics=$(awk -F, 'NR > 1 { print $3 }' "$csv" | sort -nu | paste -sd, -)
	read -ra cases <<<"$(awk -F, 'NR > 1 && !seen[$1]++ { print $1 }' "$csv" |
		paste -sd' ' -)"
	cpu=$(awk -F, 'NR == 2 { print $NF }' "$csv" | tr -d "'")
	ns=$(wc -w <<<"$sizes")
	cols=$((ns < 2 ? ns : 2))
	rows=$(((ns + cols - 1) / cols))
	{
		echo "set terminal pngcairo size $((620 * cols)),$((440 * rows + 40))" \
			"font 'sans,9' noenhanced"
		echo "set output '$out/ubench.png'"
		echo "set multiplot layout $rows,$cols title" \
			"'atomic-arena native benchmark: $cpu, median of the rounds'"
		echo "set logscale xy"
		echo "set xtics ($xtics)"
		echo "set xrange [0.8:${xtics##*,}*1.25]"
		echo "set grid"
		echo "set xlabel 'threads'"
		echo "set ylabel 'aggregate Mops/s'"
		echo "set key outside right top Left reverse samplen 2 width -4"
		for s in $sizes; do
			echo "set title '$s-byte elements'"
			printf "plot"
			sep=""
			for c in "${cases[@]}"; do
				f=$dir/$s-$c.dat
				# threads and Mops/s (full: failed calls M/s)
				awk -F, -v s="$s" -v c="$c" '
				NR > 1 && $1 == c && $2 == s {
					v = c ~ /^full/ ? $8 : $4
					if (v != "" && v > 0)
						print $3, v
				}' "$csv" | sort -n >"$f"
				[[ -s $f ]] || continue
				case $c in
				limit) style="lc rgb 'black' lw 2.5 pt 7" ;;
				alloc) style="lc rgb '#d62728' lw 2 pt 5" ;;
				alloc_null) style="lc rgb '#ff7f0e' lw 1.5 pt 4" ;;
				append16) style="lc rgb '#2ca02c' lw 1.5 pt 9" ;;
				go) style="lc rgb '#1f77b4' lw 1.5 pt 11" ;;
				malloc) style="lc rgb '#9467bd' lw 1.5 pt 13" ;;
				private) style="lc rgb '#8c564b' lw 1.5 pt 3" ;;
				full*) style="lc rgb '#7f7f7f' lw 1.5 dt 2 pt 1" ;;
				*) style="lw 1.5" ;;
				esac
				title=$c
				[[ $c == full* ]] && title="$c: failed calls"
				printf "%s '%s' using 1:2 with linespoints %s title '%s'" \
					"$sep" "$f" "$style" "$title"
				sep=", \\
	"
			done
			echo
		done
		echo "unset multiplot"
	} >"$dir/ubench.gp"
	gnuplot "$dir/ubench.gp"
	echo "ubench: plot in $out/ubench.png" >&2
}

report() {
	local csv=$1 out=$2

	[[ -s $csv ]] || { echo "ubench: no CSV at $csv" >&2; exit 1; }
	mkdir -p "$out"
	table "$csv" >"$out/ubench.txt.tmp"
	mv "$out/ubench.txt.tmp" "$out/ubench.txt"
	cat "$out/ubench.txt"
	plot "$csv" "$out"
}

[[ $# -ge 2 ]] || usage
if [[ $1 == --report ]]; then
	[[ $# -eq 3 ]] || usage
	report "$2" "$3"
	exit 0
fi

bin=$1 out=$2
shift 2
[[ -x $bin ]] || { echo "ubench: no binary at $bin" >&2; exit 1; }
mkdir -p "$out"
read -ra extra <<<"${UBENCH_ARGS:-}"
start=$(date +%s.%N)
"$bin" -o "$out/ubench.csv" "$@" ${extra[@]+"${extra[@]}"}
end=$(date +%s.%N)
awk -v a="$start" -v b="$end" \
	'BEGIN { printf "ubench: ran in %.1f s\n", b - a > "/dev/stderr" }'
report "$out/ubench.csv" "$out"
