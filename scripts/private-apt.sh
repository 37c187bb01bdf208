#!/bin/bash
# private-apt.sh - sourced by the scripts that download Debian packages:
# an apt state of their own under the cache, so that they neither need nor
# change the host's package lists, and nothing gets installed.
#
#   . scripts/private-apt.sh
#   [APT_ARCH=arm64] private_apt DIR "deb [signed-by=$KEYRING] URL SUITE main" ...
#   apt-get -c DIR/apt.conf update; apt-get -c DIR/apt.conf download PKG
#
# APT_ARCH (default amd64) is the architecture whose packages are looked
# up; amd64 stays known beside it (PKG:amd64), for the host's build tools.

# shellcheck disable=SC2034 # for the scripts that source this one
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg

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
