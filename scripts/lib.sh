# shellcheck shell=bash
# lib.sh - the common opening of the project's bash scripts (scripts/*.sh
# and tools/*.sh), sourced right after their `set` line:
#
#   here=$(cd "$(dirname "$0")" && pwd)
#   . "$here/lib.sh"                  (tools/: "$here/../scripts/lib.sh")
#
# It gives them:
#   top      the repository's root
#   PROG     the script's name without .sh, which starts its messages
#   CACHE    ${ATOMIC_ARENA_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/atomic-arena},
#            where kernels, sources and apt states are kept
#   log MSG  "PROG: MSG" on stderr
#   die MSG  "PROG: error: MSG" on stderr, then exit $DIE_STATUS (1)
#   usage    the script's header comment (line 2 up to the first line that
#            is not a comment, without an SPDX line) on stderr, exit 2;
#            `usage 0` prints it on stdout and exits 0. A first argument
#            of -h or --help does that before the script starts.
#   private_apt, KEYRING   an apt state of their own (below)
#   ktap_*   the KTAP writer and reader, selftests/ktap_helpers.sh
#
# private_apt, for the scripts that download Debian packages: an apt state
# of their own under the cache, so that they neither need nor change the
# host's package lists, and nothing gets installed.
#
#   [APT_ARCH=arm64] private_apt DIR "deb [signed-by=$KEYRING] URL SUITE main" ...
#   apt-get -c DIR/apt.conf update; apt-get -c DIR/apt.conf download PKG
#
# APT_ARCH (default amd64) is the architecture whose packages are looked
# up; amd64 stays known beside it (PKG:amd64), for the host's build tools.

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PROG=${0##*/}
PROG=${PROG%.sh}
# shellcheck disable=SC2034 # for the scripts that source this one
CACHE=${ATOMIC_ARENA_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/atomic-arena}
# shellcheck disable=SC2034
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg

log() { echo "$PROG: $*" >&2; }
die() { log "error: $*"; exit "${DIE_STATUS:-1}"; }

# usage [STATUS]: the header comment; on stdout for 0, else on stderr.
usage() {
	local status=${1:-2} text
	text=$(awk 'NR == 1 { next } !/^#/ { exit } /^# SPDX-/ { skip = 1; next }
		skip && /^#$/ { skip = 0; next } { skip = 0; sub(/^# ?/, ""); print }' "$0")
	if [[ $status -eq 0 ]]; then
		printf '%s\n' "$text"
	else
		printf '%s\n' "$text" >&2
	fi
	exit "$status"
}

case ${1:-} in
-h | --help) usage 0 ;;
esac

# copy_module_sources DIR: the files Kbuild builds the modules from, with
# their paths, into DIR (build-modules.sh and mutants.sh build in a copy).
copy_module_sources() {
	(cd "$top" && cp --parents Kbuild dkms.conf ./*.c ./*.h samples/*.c \
		selftests/Kbuild selftests/*.c selftests/*.h selftests/*.sh \
		bench/Kbuild bench/*.c bench/*.h "$1/")
}

# private_apt DIR SOURCE_LINE...: write DIR/sources.list and DIR/apt.conf.
private_apt() {
	local st=$1 arch=${APT_ARCH:-amd64} archs='"amd64";'
	shift
	[[ $arch == amd64 ]] || archs="\"$arch\"; $archs"
	mkdir -p "$st/lists/partial" "$st/cache/archives/partial" "$st/parts"
	printf '%s\n' "$@" >"$st/sources.list"
	cat >"$st/apt.conf" <<-EOF
		#clear APT::Update::Post-Invoke-Success;
		#clear APT::Update::Post-Invoke;
		#clear DPkg::Post-Invoke;
		Dir::Etc::sourcelist "$st/sources.list";
		Dir::Etc::sourceparts "$st/parts";
		Dir::Etc::preferences "/dev/null";
		Dir::Etc::preferencesparts "$st/parts";
		Dir::State::lists "$st/lists";
		Dir::State::status "/dev/null";
		Dir::Cache "$st/cache";
		APT::Architecture "$arch";
		APT::Architectures { $archs };
		Acquire::Languages "none";
	EOF
	if [[ $EUID -eq 0 ]]; then # no _apt sandbox: it cannot write into $HOME
		echo 'APT::Sandbox::User "root";' >>"$st/apt.conf"
	fi
}

# shellcheck source-path=SCRIPTDIR source=../selftests/ktap_helpers.sh
. "$top/selftests/ktap_helpers.sh"
