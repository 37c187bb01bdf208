#!/bin/bash
# bench.sh - what `make bench` runs: boot each test kernel in QEMU, load
# bench/atomic_arena_bench.ko there (it measures everything while it
# loads), and turn its kernel-log lines into a CSV, a PNG plot and a table.
# The benchmark is not part of the test suite.
#
# Usage:
#   [KERNELS="6.1 6.12"] [BENCH_PARAMS="ops=... reps=..."] scripts/bench.sh
#   scripts/bench.sh --report        # redo plot and table from the CSV
#   scripts/bench.sh --log FILE [NAME]
#   scripts/bench.sh --smoke KERNEL
#   scripts/bench.sh --docs          # figures of docs/benchmarks.md from the CSV
#
# Full run, for each kernel of $KERNELS: fetch it, build every module with
# W=1 (scripts/build-modules.sh), boot it (4 CPUs, $BENCH_MEM MB, default
# 1024) and run the benchmark with its default parameters plus
# $BENCH_PARAMS (module parameters; see modinfo atomic_arena_bench.ko).
# Results, under build/bench/:
#   bench.csv    kernel,release,op,elem_size,threads,median_ns,min_ns,max_ns,
#                mops,ratio_to_limit,note (one row per case; ns per operation
#                per thread, Mops/s aggregate, both of the median run; the
#                ratio is to limit, or for workloads to wl_limit)
#   bench.png    aggregate Mops/s against threads per operation; for each
#                kernel a row of operations and a row of workloads, one
#                panel per element size
#   table.txt    the table printed at the end, and the headline figures
#   KERNEL.log   the guest's details and the module's raw result lines
# and the VM logs under build/KERNEL/bench-vm/.
#
# --log FILE [NAME] makes the same CSV, plot and table from a kernel log
# saved on another machine (dmesg >FILE after loading the module there;
# see docs/benchmarks.md), under the kernel name NAME (default: the release the
# log names).
#
# --docs rewrites what lies between the <!-- bench:begin --> and
# <!-- bench:end --> lines of docs/benchmarks.md (or $BENCH_DOC) from
# build/bench/bench.csv, of the last run or --log: the 8-byte table of
# every kernel of the CSV side by side, then reset and clear.
#
# --smoke KERNEL runs the benchmark once with tiny parameters (smoke=1) to
# prove it still works, and prints one line, "ok bench smoke KERNEL" or
# "not ok bench smoke KERNEL # why"; exits non-zero on failure. It reuses
# the modules in build/KERNEL/src when they are newer than the sources.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$here/lib.sh"
out=$top/build/bench
csv=$out/bench.csv
mem=${BENCH_MEM:-1024}

# payload KERNEL DIR PARAMS: a vm-run payload that loads the benchmark with
# PARAMS and streams its result lines (and a few facts about the guest).
payload() {
	local src=$top/build/$1/src
	rm -rf "$2" && mkdir -p "$2"
	cp "$src/atomic_arena.ko" "$src/bench/atomic_arena_bench.ko" "$2/"
	printf '#!/bin/sh\nPARAMS="%s"\n' "$3" >"$2/run"
	cat >>"$2/run" <<'GUEST'
echo "# guest: $(uname -r), $(nproc) CPUs, $(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -n 1)"
echo "# clocksource: $(cat /sys/devices/system/clocksource/clocksource0/current_clocksource)"
for f in /sys/devices/system/cpu/vulnerabilities/*; do
	case $(cat "$f") in "Not affected" | "") ;;
	*) echo "# mitigation ${f##*/}: $(cat "$f")" ;;
	esac
done
insmod atomic_arena.ko || exit 1
marker="atomic_arena_bench run $$"
echo "$marker" >/dev/kmsg
# shellcheck disable=SC2086 # the parameters are words on purpose
insmod atomic_arena_bench.ko $PARAMS &
pid=$!
# Print the result lines as they come: the load takes minutes.
shown=0
flush() {
	dmesg | sed -n "/$marker/,\$p" |
		sed -n 's/^\[[^]]*\] *\(atomic_arena_bench: \)/\1/p' >/tmp/lines
	tail -n "+$((shown + 1))" /tmp/lines
	shown=$(wc -l </tmp/lines)
}
while kill -0 "$pid" 2>/dev/null; do
	sleep 2
	flush
done
rc=0
wait "$pid" || rc=$?
flush
rmmod atomic_arena_bench 2>/dev/null
[ "$rc" -eq 0 ] || echo "# insmod atomic_arena_bench.ko failed: $rc"
exit "$rc"
GUEST
	chmod +x "$2/run"
}

# check_log LOG: the run reported its end without errors.
check_log() {
	grep -qE '^atomic_arena_bench: done cases=[1-9][0-9]* skipped=[0-9]+ errors=0 ' "$1"
}

# to_csv KERNEL RELEASE < LOG: the CSV rows of the result lines.
to_csv() {
	awk -v k="$1" -v rel="$2" '
	/^atomic_arena_bench: op=/ {
		delete f
		for (i = 2; i <= NF; i++) {
			eq = index($i, "=")
			f[substr($i, 1, eq - 1)] = substr($i, eq + 1)
		}
		if ("skipped" in f)
			printf "%s,%s,%s,%s,%s,,,,,,skipped: %s\n", k, rel, f["op"],
			       f["size"], f["threads"], f["skipped"]
		else
			printf "%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,\n", k, rel, f["op"],
			       f["size"], f["threads"], f["median_ns"], f["min_ns"],
			       f["max_ns"], f["mops"], f["ratio"] == "-" ? "" : f["ratio"]
	}'
}

# build KERNEL [reuse]: fetch and build, unless reuse finds fresh modules.
build() {
	local src=$top/build/$1/src
	if [[ -n ${2:-} && -f $src/atomic_arena.ko && -f $src/bench/atomic_arena_bench.ko ]] &&
	   [[ -z $(find "$top"/*.c "$top"/*.h "$top/bench" "$top/Kbuild" -newer \
		   "$src/bench/atomic_arena_bench.ko" 2>/dev/null) ]]; then
		return 0
	fi
	"$here/fetch-kernel.sh" "$1" && "$here/build-modules.sh" "$1"
}

smoke() {
	local k=$1 dir=$top/build/$1/bench-smoke why=''
	mkdir -p "$dir"
	if ! "$here/deps.sh" >"$dir/log" 2>&1; then
		why="missing host packages, see $dir/log"
	elif ! build "$k" reuse >>"$dir/log" 2>&1; then
		why="build failed, see $dir/log"
	else
		payload "$k" "$dir/payload" "smoke=1"
		if ! "$here/vm-run.sh" --kernel "$k" --timeout 300 --mem "$mem" \
			--out "$dir/vm" "$dir/payload" >"$dir/output" 2>>"$dir/log"; then
			why="VM run failed, see $dir/log and $dir/vm/"
		elif ! check_log "$dir/output"; then
			why="no clean end of run in $dir/output"
		elif grep -q '^atomic_arena_bench: op=.* median_ns=0\.000 ' "$dir/output"; then
			why="a case measured nothing, see $dir/output"
		fi
	fi
	if [[ -n $why ]]; then
		ktap_print_result "not ok" "" "bench smoke $k" "$why"
		tail -n 20 "$dir/log" >&2
		return 1
	fi
	ktap_print_result ok "" "bench smoke $k"
}

# plot_cmd FILE GROUP OPS...: the plot command of one panel. GROUP ops
# shows every operation but the workloads, with the limit loop in black;
# GROUP wl the workloads, with wl_limit in black.
plot_cmd() {
	local f=$1 group=$2 i=1 n=0 op cmd='' style
	shift 2
	for op in "$@"; do
		i=$((i + 1))
		case $group:$op in
		ops:limit | wl:wl_limit) style="lw 3 lc rgb 'black' pt 7" ;;
		ops:wl_*) continue ;;
		ops:* | wl:wl_*)
			# seven colours (the eighth is black), then dashed
			n=$((n + 1))
			style="lw 1.5 lc $(((n - 1) % 7 + 1)) dt $(((n - 1) / 7 + 1)) pt $n" ;;
		*) continue ;;
		esac
		# an operation this kernel skipped has no point to draw
		awk -v c="$i" '$c != "NaN" { found = 1 } END { exit !found }' "$f" || continue
		cmd+="${cmd:+, }'$f' using 1:$i with linespoints $style title '$op'"
	done
	echo "plot $cmd"
}

# plot: build/bench/bench.png from the CSV.
plot() {
	local plotdir=$out/plot k s f group kernels sizes nk ns xtics
	local -a ops
	rm -rf "$plotdir" && mkdir -p "$plotdir"
	read -ra ops <<<"$(awk -F, 'NR > 1 && $9 != "" && $3 !~ /^(reset|clear)_/ && !seen[$3]++ { printf "%s ", $3 }' "$csv")"
	kernels=$(awk -F, 'NR > 1 && !seen[$1]++ { print $1 }' "$csv")
	sizes=$(awk -F, 'NR > 1 && $3 !~ /^(reset|clear)_/ { print $4 }' "$csv" | sort -nu)
	[[ ${#ops[@]} -gt 0 ]] || return 0
	nk=$(wc -w <<<"$kernels")
	ns=$(wc -w <<<"$sizes")
	xtics=$(awk -F, 'NR > 1 && !seen[$5]++ { print $5 }' "$csv" | sort -n | paste -sd, -)
	{
		echo "set terminal pngcairo size $((460 * ns + 160)),$((2 * 340 * nk + 40)) font 'sans,9' noenhanced"
		echo "set output '$out/bench.png'"
		echo "set multiplot layout $((2 * nk)),$ns title 'atomic-arena: aggregate Mops/s of the median run against threads. QEMU TCG figures: compare within a panel'"
		echo "set logscale xy"
		echo "set xtics ($xtics)"
		echo "set xrange [0.8:${xtics##*,}*1.25]"
		echo "set grid"
		echo "set xlabel 'threads'"
		echo "set ylabel 'Mops/s'"
		echo "set key outside right top samplen 2 spacing 0.9"
		echo "set datafile missing 'NaN'"
		for k in $kernels; do
			for group in ops wl; do
				for s in $sizes; do
					f=$plotdir/$k-$s.dat
					if [[ ! -f $f ]]; then
						# threads, then one column per operation
						awk -F, -v k="$k" -v s="$s" -v ops="${ops[*]}" '
						BEGIN { n = split(ops, o, " ") }
						NR > 1 && $1 == k && $4 == s && $9 != "" { v[$5, $3] = $9; t[$5] = 1 }
						END {
							for (th in t) {
								printf "%s", th
								for (i = 1; i <= n; i++)
									printf " %s", ((th, o[i]) in v) ? v[th, o[i]] : "NaN"
								printf "\n"
							}
						}' "$csv" | sort -n >"$f"
					fi
					if [[ $group == ops ]]; then
						echo "set title 'kernel $k, $s-byte elements: operations'"
					else
						echo "set title 'kernel $k, $s-byte elements: allocate, fill, drop all'"
					fi
					plot_cmd "$f" "$group" "${ops[@]}"
				done
			done
		done
		echo "unset multiplot"
	} >"$plotdir/bench.gp"
	gnuplot "$plotdir/bench.gp"
}

# The CSV's reader, shared by table() and docs_figures(): per kernel (ks,
# rel), operation, element size and threads, the median, min, ratio and
# note; the 8-byte operations in CSV order (order) and the thread counts
# (thr, ascending once sort_threads() ran).
# shellcheck disable=SC2016 # awk's $1..., not the shell's
CSV_READER='
	NR > 1 {
		if (!($1 in rel)) { ks[++nk] = $1; rel[$1] = $2 }
		med[$1, $3, $4, $5] = $6; lo[$1, $3, $4, $5] = $7
		ratio[$1, $3, $4, $5] = $10; note[$1, $3, $4, $5] = $11
		if ($4 == 8 && $3 !~ /^(reset|clear)_/) {
			if (!($3 in seenop)) { seenop[$3] = 1; order[++nops] = $3 }
			if (!($5 in seent)) { seent[$5] = 1; thr[++nt] = $5 }
		}
	}
	function sort_threads(	i, j, x) {
		for (i = 1; i <= nt; i++)
			for (j = i + 1; j <= nt; j++)
				if (thr[j] + 0 < thr[i] + 0) { x = thr[i]; thr[i] = thr[j]; thr[j] = x }
	}'

# table: the 8-byte table per kernel and the headline figures, from the CSV.
table() {
	awk -F, "$CSV_READER"'
	function fig(k, op, s, t) { return med[k, op, s, t] }
	function times(a, b) { return (a != "" && b != "" && b > 0) ? sprintf("%.2fx", a / b) : "n/a" }
	function both(k, a, ta, b, tb) {
		if (note[k, a, 8, ta] ~ /^skipped/ || note[k, b, 8, tb] ~ /^skipped/) return "skipped"
		return times(med[k, a, 8, ta], med[k, b, 8, tb]) " (" times(lo[k, a, 8, ta], lo[k, b, 8, tb]) ")"
	}
	END {
		sort_threads()
		split("1K 64K 1M 16M", caps, " ")
		for (q = 1; q <= nk; q++) {
			k = ks[q]
			printf "\nkernel %s (%s), 8-byte elements: median ns per operation per thread [ratio to limit; workloads: to wl_limit]\n", k, rel[k]
			printf "%-17s", "op"
			for (i = 1; i <= nt; i++) printf "  %-16s", thr[i] " thread" (thr[i] > 1 ? "s" : "")
			printf "\n"
			for (o = 1; o <= nops; o++) {
				printf "%-17s", order[o]
				for (i = 1; i <= nt; i++) {
					m = fig(k, order[o], 8, thr[i])
					r = ratio[k, order[o], 8, thr[i]]
					if (note[k, order[o], 8, thr[i]] ~ /^skipped/) c = "skipped"
					else if (m == "") c = "-"
					else if (r == "") c = sprintf("%.1f", m)
					else c = sprintf("%.1f [%s]", m, r)
					printf "  %-16s", c
				}
				printf "\n"
			}
			line = ""
			for (c = 1; c <= 4; c++)
				if (fig(k, "reset_" caps[c], 8, 1) != "")
					line = line sprintf("  %s: %.1f", caps[c], fig(k, "reset_" caps[c], 8, 1))
			if (line != "") printf "reset of a full arena (with its reserve), ns:%s\n", line
			line = ""
			for (c = 1; c <= 4; c++)
				if (fig(k, "clear_" caps[c], 8, 1) != "")
					line = line sprintf("  %s: %.3f", caps[c], fig(k, "clear_" caps[c], 8, 1))
			if (line != "") printf "clear of a full arena, ns per slot:%s\n", line

			t1 = thr[1]; tn = thr[nt]
			printf "headline, kernel %s, 8-byte elements: ratio of the medians (ratio of the mins)\n", k
			printf "  alloc / limit, %d thread: %s; limit_call / limit %s, alloc_nostats / limit %s\n", t1,
				both(k, "alloc", t1, "limit", t1), both(k, "limit_call", t1, "limit", t1),
				both(k, "alloc_nostats", t1, "limit", t1)
			printf "  statistics, alloc_stats / alloc_nostats: %s at %d thread, %s at %d threads\n",
				both(k, "alloc_stats", t1, "alloc_nostats", t1), t1,
				both(k, "alloc_stats", tn, "alloc_nostats", tn), tn
			printf "  call into another module, alloc / alloc_stats: %s at %d thread\n",
				both(k, "alloc", t1, "alloc_stats", t1), t1
			for (i = 1; i <= nt; i++) {
				t = thr[i]
				printf "  workload, %d thread%s: arena / wl_limit %s; against the arena: kmem_cache %s, bulk %s, gen_pool %s, objpool %s\n",
					t, (t > 1 ? "s" : ""), both(k, "wl_arena", t, "wl_limit", t),
					both(k, "wl_kmem", t, "wl_arena", t),
					both(k, "wl_kmem_bulk", t, "wl_arena", t),
					both(k, "wl_genpool", t, "wl_arena", t),
					both(k, "wl_objpool", t, "wl_arena", t)
			}
			printf "  ours / Go scheme, %d threads: alloc_nostats / go_alloc %s, append16_nostats / go_append16 %s\n", tn,
				both(k, "alloc_nostats", tn, "go_alloc", tn),
				both(k, "append16_nostats", tn, "go_append16", tn)
			printf "  reset, 16M / 1K slots: %s\n", both(k, "reset_16M", 1, "reset_1K", 1)
		}
	}' "$csv"
}

report() {
	[[ -f $csv ]] || die "no $csv; run make bench first"
	plot
	table | sed "s/ *$//" | tee "$out/table.txt"
}

# docs_figures: the figures of docs/benchmarks.md, in Markdown, from the CSV.
docs_figures() {
	awk -F, "$CSV_READER"'
	function cell(k, op, t, m) {
		if (note[k, op, 8, t] ~ /^skipped/) return "skipped"
		m = med[k, op, 8, t]
		if (m == "") return "-"
		if (ratio[k, op, 8, t] == "") return sprintf("%.1f", m)
		return sprintf("%.1f [%s]", m, ratio[k, op, 8, t])
	}
	END {
		sort_threads()
		print "8-byte elements, median ns per operation per thread, [ratio to `limit`; workloads: to `wl_limit`]:"
		print ""
		line = "| op |"; sep = "| --- |"
		for (q = 1; q <= nk; q++)
			for (i = 1; i <= nt; i++) {
				line = line " " (i == 1 ? ks[q] ", " thr[i] " thread" (thr[i] > 1 ? "s" : "") : thr[i]) " |"
				sep = sep " ---: |"
			}
		print line; print sep
		for (o = 1; o <= nops; o++) {
			line = "| `" order[o] "` |"
			for (q = 1; q <= nk; q++)
				for (i = 1; i <= nt; i++)
					line = line " " cell(ks[q], order[o], thr[i]) " |"
			print line
		}
		split("1K 64K 1M 16M", caps, " ")
		line = ""; sep = ""; rows = ""
		for (c = 1; c <= 4; c++)
			for (q = 1; q <= nk; q++)
				if (med[ks[q], "reset_" caps[c], 8, 1] != "" || med[ks[q], "clear_" caps[c], 8, 1] != "")
					have[c] = 1
		for (c = 1; c <= 4; c++)
			if (have[c]) { line = line " " caps[c] " |"; sep = sep " ---: |" }
		if (line == "") exit
		print ""
		print "Reset of a full arena (with the reserve of all its slots), ns, and clear of one, ns per slot; 8-byte slots, 1 thread:"
		print ""
		print "| kernel, case |" line
		print "| --- |" sep
		for (q = 1; q <= nk; q++)
			for (r = 1; r <= 2; r++) {
				what = r == 1 ? "reset" : "clear"
				line = "| " ks[q] ", " what " |"
				for (c = 1; c <= 4; c++) {
					if (!have[c]) continue
					m = med[ks[q], what "_" caps[c], 8, 1]
					line = line " " (m == "" ? "-" : sprintf(r == 1 ? "%.1f" : "%.3f", m)) " |"
				}
				print line
			}
	}' "$csv"
}

# write_docs FILE: FILE with docs_figures between its bench markers.
write_docs() {
	local doc=$1 fig new
	[[ -f $csv ]] || die "no $csv; run make bench first"
	[[ $(grep -c '^<!-- bench:begin' "$doc") -eq 1 && $(grep -c '^<!-- bench:end' "$doc") -eq 1 ]] ||
		die "$doc needs one <!-- bench:begin --> and one <!-- bench:end --> line"
	fig=$(mktemp) new=$(mktemp)
	{ echo; docs_figures; echo; } >"$fig"
	awk -v fig="$fig" '
	/^<!-- bench:begin/ { print; while ((getline l < fig) > 0) print l; skip = 1; next }
	/^<!-- bench:end/ { skip = 0 }
	!skip' "$doc" >"$new"
	cat "$new" >"$doc"
	rm -f "$fig" "$new"
	log "figures of $doc written from $csv"
}

# from_log FILE [NAME]: the CSV from a kernel log of a run elsewhere.
from_log() {
	local lines release
	[[ -r $1 ]] || die "cannot read $1"
	mkdir -p "$out"
	lines=$(sed -n 's/^\(\[[^]]*\] *\)\{0,1\}\(atomic_arena_bench: \)/\2/p' "$1")
	release=$(sed -n 's/^atomic_arena_bench: start kernel=\([^ ]*\) .*/\1/p' <<<"$lines" | tail -n 1)
	# only the last run of the log
	lines=$(awk '/^atomic_arena_bench: start / { n = 0 } { l[++n] = $0 } END { for (i = 1; i <= n; i++) print l[i] }' <<<"$lines")
	check_log <(echo "$lines") || { echo "bench: no complete run without errors in $1" >&2; exit 1; }
	{
		echo "kernel,release,op,elem_size,threads,median_ns,min_ns,max_ns,mops,ratio_to_limit,note"
		to_csv "${2:-${release:-unknown}}" "${release:-unknown}" <<<"$lines"
	} >"$csv"
}

case ${1:-} in
--log)
	[[ $# -eq 2 || $# -eq 3 ]] || usage
	"$here/deps.sh" gnuplot-nox
	from_log "$2" "${3:-}"
	report
	exit ;;
--smoke)
	[[ $# -eq 2 ]] || usage
	smoke "$2"
	exit ;;
--report)
	[[ $# -eq 1 ]] || usage
	report
	exit ;;
--docs)
	[[ $# -eq 1 ]] || usage
	write_docs "${BENCH_DOC:-$top/docs/benchmarks.md}"
	exit ;;
"") ;;
*) usage ;;
esac

kernels=${KERNELS:-6.1 6.12}
"$here/deps.sh" gnuplot-nox
mkdir -p "$out"
start=$SECONDS
rows=()
failed=()
for k in $kernels; do
	echo "=== kernel $k ==="
	if ! "$here/fetch-kernel.sh" "$k" || ! "$here/build-modules.sh" "$k"; then
		failed+=("$k (build)")
		continue
	fi
	release=$(cat "$("$here/fetch-kernel.sh" --print dir "$k")/release")
	payload "$k" "$top/build/$k/bench" "${BENCH_PARAMS:-}"
	echo "# host: $(nproc) CPUs, $(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -n 1), load average $(cut -d' ' -f1-3 /proc/loadavg)" |
		tee "$out/$k.log"
	rc=0
	"$here/vm-run.sh" --kernel "$k" --timeout 1200 --mem "$mem" \
		--out "$top/build/$k/bench-vm" "$top/build/$k/bench" |
		tee -a "$out/$k.log" |
		sed -u -n -e 's/^atomic_arena_bench: op=\([^ ]*\) size=\([0-9]*\) threads=\([0-9]*\) median_ns=\([^ ]*\) .* ratio=\([^ ]*\) .*/  \1, \2 bytes, \3 threads: \4 ns\/op, ratio \5/p' \
			-e 's/^atomic_arena_bench: op=\([^ ]*\) size=\([0-9]*\) threads=\([0-9]*\) skipped=\(.*\)/  \1, \2 bytes, \3 threads: skipped (\4)/p' \
			-e '/^atomic_arena_bench: \(start\|done\)/p' -e '/^# /p' || rc=$?
	echo "# host load average after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/$k.log"
	if [[ $rc -ne 0 ]] || ! check_log "$out/$k.log"; then
		failed+=("$k (run, exit $rc; see build/$k/bench-vm/)")
		continue
	fi
	mapfile -t -O "${#rows[@]}" rows < <(to_csv "$k" "$release" <"$out/$k.log")
done

{
	echo "kernel,release,op,elem_size,threads,median_ns,min_ns,max_ns,mops,ratio_to_limit,note"
	[[ ${#rows[@]} -eq 0 ]] || printf '%s\n' "${rows[@]}"
} >"$csv"
report

echo
echo "CSV: build/bench/bench.csv  plot: build/bench/bench.png  table: build/bench/table.txt"
echo "make bench took $((SECONDS - start)) s. Under QEMU's software CPU (TCG) absolute figures are distorted: read the ratios within one run."
if [[ ${#failed[@]} -gt 0 ]]; then
	echo "bench: failed: ${failed[*]}" >&2
	exit 1
fi
