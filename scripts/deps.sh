#!/bin/bash
# deps.sh - make sure the host has the Debian packages that building the
# modules and booting test kernels in QEMU need; install the missing ones
# (as root), or print the exact command to run (as anyone else).
#
# Usage: scripts/deps.sh [EXTRA_PACKAGE...]
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$here/lib.sh"

# command:package pairs; a package is needed when its command is missing.
need=(
	qemu-system-x86_64:qemu-system-x86
	busybox:busybox-static
	cpio:cpio
	gzip:gzip
	make:make
	gcc-12:gcc-12
	flock:util-linux
	depmod:kmod
)
missing=()
for pair in "${need[@]}"; do
	cmd=${pair%%:*} pkg=${pair#*:}
	PATH=$PATH:/sbin:/usr/sbin command -v "$cmd" >/dev/null || missing+=("$pkg")
done
[[ -f /usr/share/keyrings/debian-archive-keyring.gpg ]] || missing+=(debian-archive-keyring)
[[ -f /usr/include/stdio.h ]] || missing+=(libc6-dev)
for pkg in "$@"; do
	dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'ok installed' ||
		missing+=("$pkg")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

cmd="apt-get update && apt-get install -y --no-install-recommends ${missing[*]}"
if [[ $EUID -ne 0 ]]; then
	log "missing packages; run as root: $cmd"
	exit 1
fi
log "installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >&2
apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
