#!/bin/bash
# build-kernel.sh - build a test kernel from Debian's linux-source-7.2
# package (suite sid) with the host's gcc, into the same cache layout that
# fetch-kernel.sh gives stock kernels, so that vm-run.sh and
# build-modules.sh use it the same way (fetch-kernel.sh hands these NAMEs
# over to this script).
#
# Usage:
#   scripts/build-kernel.sh NAME                # build (if needed), print nothing
#   scripts/build-kernel.sh --print VAR NAME    # build (if needed), print VAR
#   scripts/build-kernel.sh --print src NAME    # only download + unpack the source
#   scripts/build-kernel.sh --list              # print the known NAMEs
#
#   NAME: 7.2    plain newest kernel
#         kcsan  7.2 + KCSAN, PROVE_LOCKING, DEBUG_ATOMIC_SLEEP
#         kasan  7.2 + generic KASAN (+VMALLOC), kmemleak (no auto scan),
#                PROVE_LOCKING, DEBUG_ATOMIC_SLEEP, GCOV_KERNEL, failslab
#                and fail_page_alloc (debugfs)
#   VAR:  kdir | vmlinuz | release | modules | dir | src
#
# Config: `make tinyconfig`, then scripts/kconfig/base.config and
# scripts/kconfig/NAME.config merged with merge_config.sh, then
# olddefconfig; every option the fragments set (or unset) must come out
# as asked, else the build fails listing the ones that did not. Then a
# plain `make` (vmlinux, bzImage and Module.symvers, which modpost needs
# for out-of-tree modules).
#
# Result ($CACHE/kernels/NAME/):
#   vmlinuz -> the bzImage              kdir    -> the build tree (O=)
#   release    its `uname -r`           modules -> its lib/modules/<release>
#   build/     the O= tree              .stamp     written last; ready
#   config.log, build.log               the make output of each step
# The source is unpacked once into $CACHE/src/linux-source-7.2 and shared
# by every NAME (the build trees need it; lint.sh uses its checkpatch.pl).
# CACHE is ${ATOMIC_ARENA_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/atomic-arena}.
# The .stamp holds a hash of the fragments, the source version and the
# compiler: when one changes, the next call rebuilds (incrementally, in the
# same tree). Once built, no network is used. To start over: rm -rf the
# NAME dir (or $CACHE/src for a newer source, which rebuilds all three).
# Progress goes to stderr; stdout carries only the --print value.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$here/lib.sh"
DEBIAN=http://deb.debian.org/debian
SUITE=sid
SRC_PKG=linux-source-7.2
NAMES="7.2 kcsan kasan"

print_var=
case ${1:-} in
--print) [[ $# -eq 3 ]] || usage; print_var=$2; shift 2 ;;
--list) echo "$NAMES"; exit 0 ;;
"") usage ;;
esac
[[ $# -eq 1 ]] || usage
name=$1
case $print_var in
"" | kdir | vmlinuz | release | modules | dir | src) ;;
*) die "unknown --print variable '$print_var'" ;;
esac
case " $NAMES " in
*" $name "*) ;;
*) die "unknown kernel '$name' (known: $NAMES)" ;;
esac
frags=("$here/kconfig/base.config" "$here/kconfig/$name.config")
for f in "${frags[@]}"; do [[ -f $f ]] || die "no config fragment $f"; done

srcroot=$CACHE/src
src=$srcroot/$SRC_PKG
dir=$CACHE/kernels/$name
obj=$dir/build

# The hash that a build's .stamp must carry to be current.
want_hash() {
	{
		cat "${frags[@]}"
		cat "$src/.stamp"
		gcc --version | head -n1
	} | sha256sum | cut -d' ' -f1
}
stamp_ok() {
	[[ -e $dir/.stamp && -e $src/.stamp ]] &&
		[[ $(sed -n 's/^hash=//p' "$dir/.stamp") == "$(want_hash)" ]]
}
print_result() {
	case $print_var in
	"") ;;
	release) cat "$dir/release" ;;
	dir) echo "$dir" ;;
	src) echo "$src" ;;
	*) echo "$dir/$print_var" ;;
	esac
}

# --- the source: download and unpack once, shared by all NAMEs ---
ensure_source() {
	[[ -e $src/.stamp ]] && return 0
	mkdir -p "$srcroot"
	exec 8>"$srcroot/.lock"
	flock 8
	if [[ -e $src/.stamp ]]; then exec 8>&-; return 0; fi
	"$here/deps.sh" xz-utils
	# Private apt state, as in fetch-kernel.sh: the host's lists are
	# neither needed nor changed.
	local st=$CACHE/apt/src-$SUITE
	private_apt "$st" "deb [signed-by=$KEYRING] $DEBIAN $SUITE main"
	log "updating package lists ($SUITE)"
	apt-get -q -c "$st/apt.conf" update >&2
	local tmp=$srcroot/tmp
	rm -rf "$tmp" "$src"
	mkdir -p "$tmp"
	log "downloading $SRC_PKG"
	(cd "$tmp" && apt-get -q -c "$st/apt.conf" download "$SRC_PKG") >&2
	local deb
	deb=$(echo "$tmp"/"$SRC_PKG"_*.deb)
	[[ -f $deb ]] || die "no $SRC_PKG .deb downloaded"
	local version
	version=$(dpkg-deb -f "$deb" Version)
	log "unpacking $SRC_PKG $version"
	dpkg-deb --fsys-tarfile "$deb" |
		tar -C "$tmp" -x "./usr/src/$SRC_PKG.tar.xz"
	rm -f "$deb"
	tar -C "$tmp" -xJf "$tmp/usr/src/$SRC_PKG.tar.xz"
	[[ -f $tmp/$SRC_PKG/Makefile ]] || die "no $SRC_PKG/Makefile in the tarball"
	mv "$tmp/$SRC_PKG" "$src"
	rm -rf "$tmp"
	echo "$SRC_PKG $version" >"$src/.stamp"
	exec 8>&-
}

if [[ $print_var == src ]]; then
	ensure_source
	print_result
	exit 0
fi

# Fast path: built from the current fragments; no lock and no network.
if stamp_ok; then
	print_result
	exit 0
fi

mkdir -p "$CACHE/kernels"
exec 9>"$CACHE/kernels/.$name.lock"
flock 9
if stamp_ok; then # another run finished it while we waited
	print_result
	exit 0
fi

ensure_source
"$here/deps.sh" flex bison bc libelf-dev
hash=$(want_hash)
rm -f "$dir/.stamp"
mkdir -p "$obj"
start=$SECONDS

# --- config ---
log "configuring $name: tinyconfig + ${frags[*]##*/}"
kmake() { make -C "$src" O="$obj" "$@"; }
kmake -s tinyconfig >"$dir/config.log" 2>&1 ||
	{ cat "$dir/config.log" >&2; die "make tinyconfig failed"; }
"$src/scripts/kconfig/merge_config.sh" -m -O "$obj" "$obj/.config" "${frags[@]}" \
	>>"$dir/config.log" 2>&1 ||
	{ cat "$dir/config.log" >&2; die "merge_config.sh failed"; }
kmake -s olddefconfig >>"$dir/config.log" 2>&1 ||
	{ cat "$dir/config.log" >&2; die "make olddefconfig failed"; }
bad=0
while IFS='=' read -r opt val; do
	got=$(sed -n "s/^$opt=//p" "$obj/.config")
	[[ -n $got ]] || got=n
	if [[ $got != "$val" ]]; then
		log "config: $opt=$val was asked for, olddefconfig made it $got"
		bad=1
	fi
done < <(sed -nE -e 's/^(CONFIG_[A-Za-z0-9_]+=.*)$/\1/p' \
	-e 's/^# (CONFIG_[A-Za-z0-9_]+) is not set$/\1=n/p' "${frags[@]}")
[[ $bad -eq 0 ]] || die "config for $name lost options (see above; a missing dependency?)"

# --- build: a plain make, so that Module.symvers exists ---
jobs=${BUILD_KERNEL_JOBS:-$(nproc)}
log "building $name in $obj with make -j$jobs (log: $dir/build.log)"
if ! kmake -j"$jobs" >"$dir/build.log" 2>&1; then
	tail -n 60 "$dir/build.log" >&2
	die "kernel build failed for $name (log: $dir/build.log)"
fi
[[ -f $obj/Module.symvers && -f $obj/arch/x86/boot/bzImage ]] ||
	die "no Module.symvers or bzImage after the build"
release=$(kmake -s kernelrelease)
# An empty lib/modules/<release> with its modules.* files, as for stock
# kernels (modules.builtin lets modprobe find built-in ones).
rm -rf "$dir/root"
PATH=$PATH:/sbin:/usr/sbin kmake -s INSTALL_MOD_PATH="$dir/root" modules_install \
	>>"$dir/build.log" 2>&1 || die "modules_install failed (log: $dir/build.log)"
rm -f "$dir/root/lib/modules/$release/build" "$dir/root/lib/modules/$release/source"

ln -sfn build/arch/x86/boot/bzImage "$dir/vmlinuz"
ln -sfn build "$dir/kdir"
ln -sfn "root/lib/modules/$release" "$dir/modules"
echo "$release" >"$dir/release"
{
	echo "hash=$hash"
	echo "source=$(cat "$src/.stamp")"
	echo "built=$(date -u +%FT%TZ) in $((SECONDS - start))s"
} >"$dir/.stamp"
log "ready: $dir ($release, $((SECONDS - start))s)"
print_result
