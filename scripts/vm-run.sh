#!/bin/bash
# vm-run.sh - boot a test kernel in QEMU with a busybox initramfs, run a
# payload script in the guest, and fail if the payload fails or the kernel
# logs a splat (Oops, BUG, WARNING, KASAN/KCSAN/UBSAN, leak, stall, panic,
# an unknown NMI, an OOM kill). The guest boots with oops=panic, so that an
# oops ends the run at once instead of leaving a test waiting for a dead
# kthread until the timeout.
#
# Usage:
#   scripts/vm-run.sh --kernel NAME|BZIMAGE [--timeout SECONDS (600)]
#                     [--smp N (4)] [--mem MB (1024)] [--out DIR]
#                     [--append "KERNEL ARGS"] [--allow-foreign-splats]
#                     [--arch x86_64|i386|aarch64] PAYLOAD_DIR
#
#   NAME      a kernel known to scripts/fetch-kernel.sh (6.1, 6.12, ...),
#             fetched on first use; or the path of a bzImage built elsewhere.
#   --arch    the kernel's architecture, which picks QEMU, its machine and
#             consoles: x86_64 and i386 a PC (kernel console ttyS0, payload
#             ttyS1), aarch64 a GICv3 "virt" board (console ttyAMA0, the
#             payload on a PCI 16550, ttyS0). Default: fetch-kernel.sh's for
#             a NAME, x86_64 for a path. The CPU model under TCG is
#             fetch-kernel.sh's for a NAME (max, or cortex-a57), max else.
#   PAYLOAD_DIR  copied to /payload in the guest (symlinks followed); must
#             hold an executable ./run, started with cwd /payload. If it has
#             lib/modules/, the guest's /lib/modules points there (modprobe).
#   --out DIR keeps console.log (kernel console, ttyS0), output.log (payload
#             stdout+stderr, ttyS1), qemu.log and initramfs.cpio.gz.
#             Default: a new temporary dir, named on stderr.
#   --allow-foreign-splats  a splat fails the run only if its report names
#             the project's code ("atomic_arena", in every module name),
#             outside "Modules linked in:"; the others are listed as foreign.
#             A report runs from its header to the next one, or to its end:
#             the closing ==== of KASAN/KCSAN, </TASK> or "end trace" of
#             the rest. kmemleak's console line names no code: it counts.
#
# The payload's output is printed on stdout as it arrives. Exit status:
#   the payload's exit status, if the guest reported one and the console
#   shows no kernel splat; 126 kernel splat (context printed on stderr);
#   124 timeout; 125 guest ended without reporting (panic, crash, QEMU error).
# Splats are judged from the moment the payload starts; earlier ones (boot
# noise of debug kernels) are only shown. A guest that dies before the
# payload starts (a rare TCG flake) is booted once more.
# Accel: KVM if a 1-instruction probe VM runs under it, else multi-threaded
# TCG; aarch64 always TCG. A KVM guest that prints nothing on its console
# within 30 s is stopped and booted again under TCG, and KVM is not tried
# again until the host reboots ($CACHE/kvm-fails.<boot id>).
# VM_ACCEL=kvm|tcg|tcg-single skips the probe.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$here/lib.sh"
DIE_STATUS=2

kernel='' timeout=600 smp=4 mem=1024 out='' append='' foreign='' arch=''
while [[ $# -gt 0 ]]; do
	case $1 in
	--allow-foreign-splats) foreign=1; shift ;;
	--kernel | --timeout | --smp | --mem | --out | --append | --arch)
		[[ $# -ge 2 ]] || usage
		declare "${1#--}=$2"
		shift 2 ;;
	-h | --help) usage 0 ;;
	--) shift; break ;;
	-*) die "unknown option $1" ;;
	*) break ;;
	esac
done
[[ $# -eq 1 && -n $kernel ]] || usage
payload=$1
for n in "$timeout" "$smp" "$mem"; do
	[[ $n =~ ^[1-9][0-9]*$ ]] || die "not a positive number: $n"
done
[[ -f $payload/run && -x $payload/run ]] || die "$payload/run is missing or not executable"
if [[ -f $kernel ]]; then
	vmlinuz=$kernel
	arch=${arch:-x86_64}
else
	vmlinuz=$("$here/fetch-kernel.sh" --print vmlinuz "$kernel") ||
		die "cannot get kernel '$kernel'"
	arch=${arch:-$("$here/fetch-kernel.sh" --print arch "$kernel")}
	BUSYBOX=$("$here/fetch-kernel.sh" --print busybox "$kernel")
	model=$("$here/fetch-kernel.sh" --print cpu "$kernel")
fi
model=${model:-max}
# The machine, the kernel's console and the payload's tty, per architecture.
case $arch in
x86_64) machine=() cpu=$model console=ttyS0 payload_tty=ttyS1 ;;
# 32-bit kernels warn at boot of an AMD "max" CPU that it is not for SMP.
i386) machine=() cpu=$model,vendor=GenuineIntel console=ttyS0 payload_tty=ttyS1 ;;
aarch64)
	"$here/deps.sh" qemu-system-arm || die "no qemu-system-aarch64"
	# pauth-impdef: QEMU's own pointer-auth hash, much faster under TCG
	# than the architected QARMA5.
	# shellcheck disable=SC2054 # one QEMU option value, commas and all
	machine=(-M virt,gic-version=3) cpu=$model
	[[ $model != max ]] || cpu=max,pauth-impdef=on
	console=ttyAMA0 payload_tty=ttyS0 ;;
*) die "--arch must be x86_64, i386 or aarch64, not '$arch'" ;;
esac
busybox=${BUSYBOX:-/bin/busybox}
[[ -x $busybox ]] || die "no $busybox (apt-get install busybox-static)"
if readelf -l "$busybox" 2>/dev/null | grep -q 'program interpreter'; then
	die "$busybox is dynamically linked (apt-get install busybox-static)"
fi

if [[ -n $out ]]; then
	mkdir -p "$out"
else
	out=$(mktemp -d "${TMPDIR:-/tmp}/vm-run.XXXXXX")
	log "logs in $out"
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vm-run-stage.XXXXXX")
qpid=''
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
	if [[ -n $qpid ]]; then kill "$qpid" 2>/dev/null || true; fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- initramfs: busybox, /init, /payload ---
mkdir -p "$tmp/root/bin" "$tmp/root/payload"
cp "$busybox" "$tmp/root/bin/busybox"
tar -C "$payload" -ch --exclude='./lib/modules/*/build' \
	--exclude='./lib/modules/*/source' . | tar -C "$tmp/root/payload" -x
cat >"$tmp/root/init" <<'EOF'
#!/bin/busybox sh
# Guest init generated by vm-run.sh. Payload output goes to its own tty,
# kernel messages to the console, so the two never interleave.
/bin/busybox mkdir -p /proc /sys /dev /tmp /sbin /usr/bin /usr/sbin /lib /root
/bin/busybox --install -s
export PATH=/sbin:/bin:/usr/sbin:/usr/bin HOME=/root
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t debugfs debugfs /sys/kernel/debug
mount -t tmpfs tmpfs /tmp
[ -d /payload/lib/modules ] && ln -s /payload/lib/modules /lib/modules
stty -F /dev/@TTY@ raw -echo
leaks=/sys/kernel/debug/kmemleak  # debug kernels: report only new leaks
[ -w $leaks ] && echo clear >$leaks
echo "@@VM-PAYLOAD-START@@" >/dev/kmsg
cd /payload
rc=0
./run </dev/null >/dev/@TTY@ 2>&1 || rc=$?
kill -9 -1 2>/dev/null  # leftovers may hold the tty open; spares init itself
[ -w $leaks ] && sleep 6 && echo scan >$leaks  # leaks must be 5 s old
sleep 0.1
echo "@@VM-EXIT@@ $rc" >/dev/@TTY@  # its last close waits for the drain
poweroff -f || reboot -f
EOF
sed -i "s/@TTY@/$payload_tty/g" "$tmp/root/init"
chmod +x "$tmp/root/init"
(cd "$tmp/root" && find . -print0 | cpio --null -o -H newc -R 0:0 --quiet) |
	gzip -1 >"$out/initramfs.cpio.gz"

# --- accel: KVM only if a tiny BIOS (out 0x2a to isa-debug-exit) runs ---
accel=${VM_ACCEL:-}
[[ $arch != aarch64 ]] || accel=${accel:-tcg}	# no arm64 host to run KVM on
# A KVM that failed a kernel once is not tried again until the host reboots.
kvm_verdict=$CACHE/kvm-fails.$(
	cat /proc/sys/kernel/random/boot_id 2>/dev/null || echo unknown)
[[ ! -e $kvm_verdict ]] || accel=${accel:-tcg}
if [[ -z $accel ]]; then
	accel=tcg
	if [[ -r /dev/kvm && -w /dev/kvm ]]; then
		{ head -c 65520 /dev/zero; printf '\xb0\x2a\xe6\xf4\xf4'; head -c 11 /dev/zero; } >"$tmp/probe.bin"
		rc=0 # the subshell keeps bash's "Aborted" notice off the terminal
		(timeout -k 2 10 qemu-system-x86_64 -accel kvm -cpu host -m 16 -nodefaults \
			-display none -bios "$tmp/probe.bin" \
			-device isa-debug-exit,iobase=0xf4,iosize=4 >/dev/null 2>&1; exit $?) 2>/dev/null || rc=$?
		if [[ $rc -eq 85 ]]; then accel=kvm; fi # exit status (0x2a << 1) | 1
	fi
fi
case $accel in
kvm) accel_args=(-accel kvm -cpu host) ;;
tcg) accel_args=(-accel 'tcg,thread=multi' -cpu "$cpu") ;;
tcg-single) accel_args=(-accel 'tcg,thread=single' -cpu "$cpu") ;;
*) die "VM_ACCEL must be kvm, tcg or tcg-single, not '$accel'" ;;
esac

# --- boot ---
boot() {
	rm -f "$out/console.log" "$out/qemu.log"
	: >"$out/output.log"
	log "booting $vmlinuz ($accel, smp $smp, ${mem}M, timeout ${timeout}s)"
	local start=$SECONDS
	local port=(-serial "file:$out/output.log")
	# shellcheck disable=SC2054 # QEMU option values, commas and all
	[[ $arch != aarch64 ]] || port=(-chardev "file,id=payload,path=$out/output.log"
		-device pci-serial,chardev=payload)
	timeout -k 5 "$timeout" "qemu-system-$arch" "${machine[@]}" "${accel_args[@]}" \
		-smp "$smp" -m "$mem" -nodefaults -no-user-config -display none -nic none \
		-no-reboot -kernel "$vmlinuz" -initrd "$out/initramfs.cpio.gz" \
		-append "console=$console,115200 rdinit=/init panic=-1 oops=panic loglevel=7 $append" \
		-serial "file:$out/console.log" "${port[@]}" \
		</dev/null >"$out/qemu.log" 2>&1 &
	qpid=$!
	if [[ $accel == kvm ]] && ! kvm_boots; then
		kill "$qpid" 2>/dev/null || true
		wait "$qpid" 2>/dev/null || true
		qpid='' kvm_failed=1
		return
	fi
	tail -s 0.2 -n +1 -f --pid="$qpid" "$out/output.log" |
		sed -u -e 's/\r$//' -e '/^@@VM-EXIT@@ [0-9]*$/d' -e 's/@@VM-EXIT@@ [0-9]*$//' &
	local tpid=$!
	qrc=0
	wait "$qpid" || qrc=$?
	qpid=''
	wait "$tpid" || true
	: >>"$out/console.log"
	log "guest finished in $((SECONDS - start))s"
}
# kvm_boots: the kernel printed on its console within 30 s. A host whose
# KVM runs the probe may still fail a whole kernel: seen here, a guest that
# printed nothing for 10 minutes, and "KVM internal error ... emulation
# failure" (QEMU then sits paused until the timeout).
kvm_boots() {
	local i
	for ((i = 0; i < 150; i++)); do
		[[ ! -s $out/console.log ]] || return 0
		kill -0 "$qpid" 2>/dev/null || return 1
		sleep 0.2
	done
	return 1
}
started() { grep -aq '@@VM-PAYLOAD-START@@' "$out/console.log"; }
kvm_failed=''
boot
if [[ -n $kvm_failed ]]; then
	log "KVM guest printed nothing in 30 s (qemu.log: $(head -c 300 "$out/qemu.log" |
		tr '\n' ' ')); falling back to TCG"
	accel=tcg accel_args=(-accel 'tcg,thread=multi' -cpu "$cpu")
	mkdir -p "${kvm_verdict%/*}" && date >"$kvm_verdict"
	boot
fi
if ! started && [[ $qrc -ne 124 ]]; then
	cp "$out/console.log" "$out/console.failed-boot.log"
	log "guest died before the payload started (QEMU status $qrc; see" \
		"$out/console.failed-boot.log); booting once more"
	boot
fi

# --- verdict ---
splat='Oops|BUG:|kernel BUG at|WARNING:|Call Trace:|Kernel panic|KASAN:|KCSAN:'
splat+='|UBSAN:|suspected memory leak|general protection fault|RCU stall'
splat+='|detected stall|soft lockup|hard LOCKUP|blocked for more than'
splat+='|NMI received for unknown reason|Dazed and confused|invoked oom-killer'
show() { grep -aE -B 10 -A 40 "$splat" "$1" | head -n 200 >&2; }
# judge LOG: one line per report, "own: HEADER" or "foreign: HEADER".
judge() {
	awk -v hdr="${splat/|Call Trace:/}" -v own=atomic_arena '
	function flush() { if (n) print (mine ? "own: " : "foreign: ") head; n = 0 }
	$0 ~ hdr || (!n && /Call Trace:/) {
		flush(); n = 1; head = $0; san = /KASAN:|KCSAN:/
		mine = /suspected memory leak/
	}
	n {	if ($0 ~ own && $0 !~ /Modules linked in:/) mine = 1
		if (++n > 400 || (san ? /==========/ : /<\/TASK>|---\[ end trace/)) flush()
	}
	END { flush() }' "$1"
}
# Split the console at the payload start (all of it counts if never started).
awk -v b="$tmp/boot.log" -v r="$tmp/run.log" \
	'/@@VM-PAYLOAD-START@@/ { f = 1 } { print > (f ? r : b) }' "$out/console.log"
touch "$tmp/boot.log" "$tmp/run.log"
if ! started; then mv "$tmp/boot.log" "$tmp/run.log"; touch "$tmp/boot.log"; fi

rc=$(sed -n 's/.*@@VM-EXIT@@ \([0-9]*\)\r*$/\1/p' "$out/output.log" | tail -n1)
if [[ -z $rc ]]; then
	if [[ $qrc -eq 124 ]]; then
		log "FAIL: timed out after ${timeout}s"
		rc=124
	else
		log "FAIL: guest ended without an exit marker (QEMU status $qrc)"
		rc=125
	fi
	if [[ -s $out/qemu.log ]]; then log "qemu.log:"; cat "$out/qemu.log" >&2; fi
	if ! grep -aqE "$splat" "$tmp/run.log"; then
		log "last lines of $out/console.log:"
		tail -n 30 "$out/console.log" >&2
	fi
elif [[ $rc -ne 0 ]]; then
	log "FAIL: payload exited with status $rc"
fi
if grep -aqE "$splat" "$tmp/boot.log"; then
	log "warning: kernel splat during boot, before the payload (not counted):"
	show "$tmp/boot.log"
fi
own=''
if [[ -n $foreign ]]; then
	verdicts=$(judge "$tmp/run.log")
	sed -n 's/^foreign: /vm-run: foreign splat (not counted): /p' <<<"$verdicts" >&2
	if grep -q '^own: ' <<<"$verdicts"; then own=1; fi
elif grep -aqE "$splat" "$tmp/run.log"; then
	own=1
fi
if [[ -n $own ]]; then
	log "FAIL: kernel splat in $out/console.log:"
	show "$tmp/run.log"
	if [[ $rc -lt 124 ]]; then rc=126; fi
fi
exit "$rc"
