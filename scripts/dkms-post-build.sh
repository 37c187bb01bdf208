#!/bin/sh
# dkms-post-build.sh - POST_BUILD of dkms.conf: DKMS runs it after a
# successful build, in the build directory ($dkms_tree/<package>/<version>/build),
# as `scripts/dkms-post-build.sh KERNELVER ARCH`.
#
# Copies the build's Module.symvers to ../KERNELVER/ARCH/module/, next to
# the built modules, where modules that use the arena's symbols point
# KBUILD_EXTRA_SYMBOLS (README: "Using it from another module"). DKMS
# 3.1.3 and later keep it there themselves; DKMS 3.0 (Debian 12) drops it
# with the build directory.
set -eu

[ $# -eq 2 ] || { echo "usage: $0 KERNELVER ARCH" >&2; exit 2; }
dest=../$1/$2/module
[ -f Module.symvers ] || { echo "dkms-post-build: no Module.symvers in $(pwd)" >&2; exit 1; }
[ -d "$dest" ] || { echo "dkms-post-build: no $dest" >&2; exit 1; }
cp -f Module.symvers "$dest/Module.symvers"
echo "dkms-post-build: kept Module.symvers in $(cd "$dest" && pwd)"
