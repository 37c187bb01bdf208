#!/bin/bash
# dkms-install.sh - install atomic-arena with DKMS, or remove it again
# (what `make dkms-install` and `make dkms-uninstall` run; as root).
#
# Usage:
#   scripts/dkms-install.sh install   [-k RELEASE] [--kernelsourcedir KDIR] [TREES]
#   scripts/dkms-install.sh uninstall [TREES]
#   scripts/dkms-install.sh stage DIR     copy the DKMS source into DIR only
#
#   install    copies the source to SOURCETREE/atomic-arena-<version>
#              (default /usr/src), then dkms add, build and install, for
#              RELEASE (default: the running kernel; with --kernelsourcedir
#              alone, the release of that tree). A version already added is
#              removed first, so installing again replaces it.
#   uninstall  dkms remove --all (every kernel it was built for), deletes
#              the source, and checks that no file of it is left in the
#              trees; fails, listing them, if one is.
#   TREES      --sourcetree DIR, --dkmstree DIR, --installtree DIR and
#              --no-depmod are handed to dkms (see dkms(8)); the test,
#              scripts/dkms-test.sh, uses them to stay off the system.
#
# <version> is PACKAGE_VERSION in dkms.conf. Needs the dkms package.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$here/lib.sh"

name=$(sed -n 's/^PACKAGE_NAME="\(.*\)"$/\1/p' "$top/dkms.conf")
version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$top/dkms.conf")
[[ -n $name && -n $version ]] || die "no PACKAGE_NAME or PACKAGE_VERSION in $top/dkms.conf"

# stage DIR: the files DKMS builds from (what Kbuild needs for the modules
# DKMS installs: not the sample nor the benchmark), the header that users
# of the arena include, and the functional test script with the KTAP
# helpers it sources. The test module also includes the Go scheme's model,
# which lives with the benchmark (bench/go_scheme.h).
stage() {
	local dst=$1 f
	rm -rf "$dst"
	mkdir -p "$dst"
	(
		cd "$top"
		files=(dkms.conf scripts/dkms-post-build.sh
			selftests/atomic_arena.sh selftests/ktap_helpers.sh
			selftests/settings bench/go_scheme.h)
		for f in . selftests; do
			files+=("$f"/Kbuild "$f"/Makefile "$f"/*.[ch])
		done
		for f in "${!files[@]}"; do
			case ${files[f]} in
			*.mod.c | */typed_wrong_type.c) unset "files[f]" ;;
			*) [[ -f ${files[f]} ]] || unset "files[f]" ;;
			esac
		done
		cp --parents "${files[@]}" "$dst/"
	)
}

action=${1:-}
[[ $# -gt 0 ]] && shift
case $action in
stage)
	[[ $# -eq 1 ]] || usage
	stage "$1"
	exit 0 ;;
install | uninstall) ;;
*) usage ;;
esac

release='' kdir='' sourcetree=/usr/src dkmstree=/var/lib/dkms installtree=/lib/modules
trees=()
while [[ $# -gt 0 ]]; do
	case $1 in
	-k) [[ $action == install && $# -ge 2 ]] || usage; release=$2; shift 2 ;;
	--kernelsourcedir) [[ $action == install && $# -ge 2 ]] || usage; kdir=$2; shift 2 ;;
	--sourcetree) [[ $# -ge 2 ]] || usage; sourcetree=$2; trees+=("$1" "$2"); shift 2 ;;
	--dkmstree) [[ $# -ge 2 ]] || usage; dkmstree=$2; trees+=("$1" "$2"); shift 2 ;;
	--installtree) [[ $# -ge 2 ]] || usage; installtree=$2; trees+=("$1" "$2"); shift 2 ;;
	--no-depmod) trees+=("$1"); shift ;;
	*) usage ;;
	esac
done

export PATH=$PATH:/usr/sbin:/sbin
command -v dkms >/dev/null ||
	die "dkms is not installed (Debian/Ubuntu: apt-get install dkms; Fedora: dnf install dkms)"
if [[ $EUID -ne 0 ]]; then
	for d in "$sourcetree" "$dkmstree" "$installtree"; do
		[[ -w $d ]] || die "cannot write to $d: run as root (sudo make dkms-${action})"
	done
fi
dkms() { command dkms "$@" "${trees[@]}"; }
src=$sourcetree/$name-$version
added() { [[ -d $dkmstree/$name/$version ]]; }

if [[ $action == install ]]; then
	kargs=()
	if [[ -n $kdir ]]; then
		[[ -f $kdir/Makefile ]] || die "no kernel build tree at $kdir"
		if [[ -z $release ]]; then # the release that tree builds modules for
			release=$(sed -n 's/^#define UTS_RELEASE "\(.*\)"$/\1/p' \
				"$kdir/include/generated/utsrelease.h" 2>/dev/null) ||
				true
			[[ -n $release ]] || die "cannot tell the release of $kdir: pass -k RELEASE (make KERNELRELEASE=...)"
		fi
		kargs+=(--kernelsourcedir "$kdir")
	fi
	[[ -n $release ]] && kargs=(-k "$release" "${kargs[@]}")
	if added; then
		log "$name/$version is already in DKMS: removing it first"
		dkms remove "$name/$version" --all
	fi
	log "copying the source to $src"
	stage "$src"
	dkms add "$name/$version"
	rc=0
	dkms build "$name/$version" "${kargs[@]}" || rc=$?
	if [[ $rc -eq 77 ]]; then # BUILD_EXCLUSIVE: a kernel older than 5.10
		dkms remove "$name/$version" --all >/dev/null
		rm -rf "$src"
		die "$name needs Linux 5.10 or later, not ${release:-$(uname -r)}: nothing installed"
	fi
	if [[ $rc -ne 0 ]] || ! dkms install "$name/$version" "${kargs[@]}"; then
		log "failed; the build log is under $dkmstree/$name/$version/;" \
			"\`make dkms-uninstall\` removes everything"
		exit 1
	fi
	dkms status "$name/$version"
	rel=${release:-$(uname -r)}
	log "installed for $rel; users of the arena build with"
	log "  ccflags-y += -I$dkmstree/$name/$version/source"
	log "  KBUILD_EXTRA_SYMBOLS := $dkmstree/$name/$version/$rel/$(uname -m)/module/Module.symvers"
	exit 0
fi

# --- uninstall ---
if added; then
	dkms remove "$name/$version" --all
else
	log "$name/$version is not in DKMS"
fi
rm -rf "$src"
# What must be gone: the source, the DKMS tree of this version, and the
# modules in any kernel's install tree (DEST_MODULE_LOCATION).
left=()
[[ ! -e $src ]] || left+=("$src")
[[ ! -e $dkmstree/$name/$version ]] || left+=("$dkmstree/$name/$version")
mapfile -t modules < <(sed -n 's/^BUILT_MODULE_NAME\[[0-9]*\]="\(.*\)"$/\1/p' "$top/dkms.conf")
for m in "${modules[@]}"; do
	for f in "$installtree"/*/updates/dkms/"$m".ko*; do
		[[ -e $f ]] && left+=("$f")
	done
done
if [[ ${#left[@]} -gt 0 ]]; then
	log "error: still there after uninstalling:"
	printf '  %s\n' "${left[@]}" >&2
	exit 1
fi
shopt -s nullglob
others=("$dkmstree/$name"/*/ "$sourcetree/$name"-*/)
if [[ ${#others[@]} -gt 0 ]]; then
	log "note: other versions are still there (dkms remove $name/VERSION --all):"
	printf '  %s\n' "${others[@]}" >&2
fi
log "$name/$version removed"
