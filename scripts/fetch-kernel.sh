#!/bin/bash
# fetch-kernel.sh - download and unpack a stock Debian kernel (image + headers)
# into a private cache, for building and booting test modules in QEMU.
#
# Usage:
#   scripts/fetch-kernel.sh NAME                # fetch (if needed), print nothing
#   scripts/fetch-kernel.sh --print VAR NAME    # fetch (if needed), print VAR
#   scripts/fetch-kernel.sh --list              # print the known NAMEs
#
#   NAME: 6.1      Debian 12 stock amd64, newest 6.1 (bookworm + bookworm-security)
#         6.12     bookworm-backports stock amd64
#         6.12-rt  bookworm-backports PREEMPT_RT (rt-amd64)
#         5.10     Debian 11 amd64 (bullseye + bullseye-security); build with CC=gcc
#         arm64-6.1   Debian 12 stock arm64 (bookworm); modules are
#                  cross-built with aarch64-linux-gnu-gcc-12 (the headers
#                  name it)
#         arm64-6.12  bookworm-backports stock arm64, the same way
#         i386-6.1 Debian 12 stock 32-bit x86 (686-pae, bookworm); gcc-12 -m32
#         7.2 kcsan kasan  built from Debian's linux-source-7.2 by
#                  scripts/build-kernel.sh (same VARs and layout; see there)
#   VAR:  kdir | vmlinuz | release | modules | dir | arch | cpu | busybox
#         arch is QEMU's name of the kernel's architecture (x86_64, aarch64,
#         i386), and cpu the QEMU CPU model it is tested on under TCG, both
#         known without fetching anything: "max", but a Cortex-A57 for
#         arm64-6.1, so that one arm64 kernel runs the LL/SC atomics of
#         ARMv8.0 and the other the LSE atomics of "max"; busybox is a static
#         busybox that runs on it: the host's /bin/busybox for x86-64
#         kernels, Debian's busybox-static of the kernel's arch otherwise.
#
# Example: make -C "$(scripts/fetch-kernel.sh --print kdir 6.1)" M="$PWD" modules
#
# Result ($CACHE/kernels/NAME/):
#   vmlinuz  -> the kernel image       kdir    -> headers dir (make -C kdir M=...)
#   release     its `uname -r`         modules -> its lib/modules/<release> tree
#   root/       the unpacked packages  .stamp     written last; present = ready
#   busybox     (foreign arch only) the static busybox for the guest
# CACHE is ${ATOMIC_ARENA_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/atomic-arena}.
# Packages are fetched with a private apt state under $CACHE/apt/NAME (the
# host's apt lists are neither needed nor changed) and unpacked with
# dpkg-deb -x: nothing goes into /boot, /lib/modules or /usr/src.
# Once the stamp exists, no network is used. To refresh: rm -rf the NAME dir.
# Progress goes to stderr; stdout carries only the --print value.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$here/lib.sh"
DEBIAN=http://deb.debian.org/debian
SECURITY=http://deb.debian.org/debian-security

print_var=
case ${1:-} in
--print) [[ $# -eq 3 ]] || usage; print_var=$2; shift 2 ;;
--list) echo "6.1 6.12 6.12-rt 5.10 arm64-6.1 arm64-6.12 i386-6.1 $("$here/build-kernel.sh" --list)"; exit 0 ;;
"") usage ;;
esac
[[ $# -eq 1 ]] || usage
name=$1
case $print_var in
"" | kdir | vmlinuz | release | modules | dir | arch | cpu | busybox) ;;
*) die "unknown --print variable '$print_var'" ;;
esac
if [[ $print_var == arch ]]; then
	case $name in
	arm64-*) echo aarch64 ;;
	i386-*) echo i386 ;;
	*) echo x86_64 ;;
	esac
	exit 0
fi
if [[ $print_var == cpu ]]; then
	case $name in
	arm64-6.1) echo cortex-a57 ;;
	*) echo max ;;
	esac
	exit 0
fi
if [[ $print_var == busybox && $name != arm64-* && $name != i386-* ]]; then
	echo "${BUSYBOX:-/bin/busybox}"
	exit 0
fi
# Kernels built from source are build-kernel.sh's.
case $name in
7.2 | kcsan | kasan)
	exec "$here/build-kernel.sh" ${print_var:+--print "$print_var"} "$name" ;;
esac

# The table: suites, kernel version prefix, flavour, image package suffix,
# Debian architecture (the host's build tools, linux-kbuild, stay amd64).
arch=amd64
case $name in
6.1) suites=("$DEBIAN bookworm" "$SECURITY bookworm-security")
	ver=6.1 flavour=amd64 img_suffix= ;;
6.12) suites=("$DEBIAN bookworm-backports")
	ver=6.12 flavour=amd64 img_suffix= ;;
6.12-rt) suites=("$DEBIAN bookworm-backports")
	ver=6.12 flavour=rt-amd64 img_suffix= ;;
5.10) suites=("$DEBIAN bullseye" "$SECURITY bullseye-security")
	ver=5.10 flavour=amd64 img_suffix=-unsigned ;;
arm64-6.1) suites=("$DEBIAN bookworm")	# point releases carry the newest 6.1
	ver=6.1 flavour=arm64 img_suffix=-unsigned arch=arm64 ;;
arm64-6.12) suites=("$DEBIAN bookworm-backports" "$DEBIAN bookworm")
	ver=6.12 flavour=arm64 img_suffix=-unsigned arch=arm64 ;;
i386-6.1) suites=("$DEBIAN bookworm")	# point releases carry the newest 6.1
	ver=6.1 flavour=686-pae img_suffix=-unsigned arch=i386 ;;
*) die "unknown kernel '$name' (known: $("$0" --list))" ;;
esac

dir=$CACHE/kernels/$name

print_result() {
	[[ -z $print_var ]] && return 0
	case $print_var in
	release) cat "$dir/release" ;;
	busybox) echo "$dir/busybox" ;;
	dir) echo "$dir" ;;
	*) echo "$dir/$print_var" ;;
	esac
}

# Fast path: already fetched, no lock and no network.
if [[ -e $dir/.stamp ]]; then
	print_result
	exit 0
fi

mkdir -p "$CACHE/kernels"
exec 9>"$CACHE/kernels/.$name.lock"
flock 9
if [[ -e $dir/.stamp ]]; then # another run finished it while we waited
	print_result
	exit 0
fi

# Private apt state: every path apt would use points into $st.
st=$CACHE/apt/$name
sources=()
for s in "${suites[@]}"; do
	sources+=("deb [signed-by=$KEYRING] ${s% *} ${s#* } main")
done
APT_ARCH=$arch private_apt "$st" "${sources[@]}"
apt_get() { apt-get -q -c "$st/apt.conf" "$@"; }
apt_cache() { apt-cache -c "$st/apt.conf" "$@"; }

log "updating package lists for $name (${suites[*]})"
# A mirror caught mid-sync fails an index ("File has unexpected size"):
# such a failure passes within seconds, so try again before giving up.
for try in 1 2 3; do
	apt_get update >&2 && break
	[[ $try -lt 3 ]] || die "apt-get update failed three times"
	log "apt-get update failed; trying again in 20 s"
	sleep 20
done

# Newest ABI name, e.g. 6.1.0-41, 6.12.95+deb12, 5.10.0-38.
re="^linux-image-(${ver//./\\.}\\.[0-9]+(-[0-9]+)?(\\+[a-z0-9.]+)?)-$flavour$img_suffix\$"
abi=$(apt_cache pkgnames linux-image- | sed -En "s/$re/\\1/p" | sort -V | tail -n1)
[[ -n $abi ]] || die "no linux-image-$ver*-$flavour$img_suffix package found"
headers=linux-headers-$abi-$flavour
# Its -common (arch all; "<...:i386>" when i386 sees it as virtual) and
# linux-kbuild, whose programs (fixdep, modpost) must run here: amd64's.
mapfile -t deps < <(apt_cache depends "$headers" |
	awk '$1 == "Depends:" { gsub(/[<>]|:[a-z0-9]+$/, "", $2) }
	$1 == "Depends:" && $2 ~ /^linux-headers-.*-common/ { print $2 }
	$1 == "Depends:" && $2 ~ /^linux-kbuild-/ { print $2 ":amd64" }')
[[ ${#deps[@]} -eq 2 ]] || die "cannot find -common and linux-kbuild for $headers: ${deps[*]}"
pkgs=("linux-image-$abi-$flavour$img_suffix" "$headers" "${deps[@]}")
# A guest of another architecture needs a busybox of its own.
[[ $arch == amd64 ]] || pkgs+=("busybox-static:$arch")

rm -rf "$dir"
mkdir -p "$dir/debs" "$dir/root"
log "downloading ${pkgs[*]}"
(cd "$dir/debs" && apt_get download "${pkgs[@]}") >&2
for deb in "$dir"/debs/*.deb; do
	log "unpacking ${deb##*/}"
	dpkg-deb -x "$deb" "$dir/root"
done
rm -rf "$dir/debs"

release=$abi-$flavour
root=$dir/root
[[ -d $root/lib/modules/$release && -f $root/boot/vmlinuz-$release ]] ||
	die "unexpected image layout (no lib/modules/$release or boot/vmlinuz-$release)"
kdir=$root/usr/src/linux-headers-$release
[[ -f $kdir/Makefile ]] || die "no $kdir/Makefile"
# The arch headers point at /usr/src/linux-headers-*-common: use our copy.
sed -i "s#/usr/src/#$root/usr/src/#g" "$kdir/Makefile"
# 6.12+ headers ship vmlinux, which makes every module build run pahole
# (package dwarves) for BTF. Test modules need no BTF: hide vmlinux so kbuild
# prints "Skipping BTF generation" instead of failing without pahole.
if [[ -f $kdir/vmlinux ]]; then mv "$kdir/vmlinux" "$kdir/vmlinux.btf-base"; fi
# Headers name their compiler (5.10: gcc-10). If the host lacks it, use gcc.
cc=$(grep -o 'gcc-[0-9][0-9]*' "$kdir/.kernelvariables" | head -n1 || true)
if [[ -n $cc ]] && ! command -v "$cc" >/dev/null; then
	log "no $cc on this host: $release modules will build with gcc"
	sed -i "s/$cc\\b/gcc/" "$kdir/.kernelvariables"
fi
# arm64 6.12's headers name the cross compiler; 6.1's only when dpkg says
# the build is a cross one (DEB_HOST_ARCH): name it for them too.
if [[ $arch == arm64 ]] && ! grep -q '^override CROSS_COMPILE = aarch64' "$kdir/.kernelvariables"; then
	echo 'override CROSS_COMPILE = aarch64-linux-gnu-' >>"$kdir/.kernelvariables"
fi
# Absolute symlinks (lib/modules/*/build, source) -> relative, inside root.
find "$root" -lname '/*' -print0 | while IFS= read -r -d '' l; do
	ln -sfn "$(realpath -m --relative-to="${l%/*}" "$root$(readlink "$l")")" "$l"
done
# The package's postinst would run depmod; do it so modprobe works in a guest.
if command -v depmod >/dev/null || [[ -x /sbin/depmod ]]; then
	PATH=$PATH:/sbin:/usr/sbin depmod -b "$root" "$release" ||
		log "warning: depmod failed, no modules.dep"
fi

[[ $arch == amd64 ]] || ln -sfn root/bin/busybox "$dir/busybox"
ln -sfn "root/boot/vmlinuz-$release" "$dir/vmlinuz"
ln -sfn "root/usr/src/linux-headers-$release" "$dir/kdir"
ln -sfn "root/lib/modules/$release" "$dir/modules"
echo "$release" >"$dir/release"
date -u +%FT%TZ >"$dir/.stamp"
log "ready: $dir ($release)"
print_result
