#!/bin/bash
# dkms-test.sh - test the DKMS packaging the way DKMS's own test suite
# does, with the Debian dkms package, for a kernel that is not the running
# one: dkms add, build (-k), install, status; then boot that kernel in QEMU
# with the module tree DKMS installed into, load the arena and the test
# module with modprobe and run the test suite, build the documented
# consumer module (examples/consumer/) against the DKMS-installed
# Module.symvers and load it with modprobe; then dkms remove, and check
# that no file of the project is left.
#
# Usage: scripts/dkms-test.sh [--as-installed] KERNEL
#
#   KERNEL          a name fetch-kernel.sh knows: 6.1, 6.12
#   --as-installed  show DKMS the kernel the way an installed kernel does:
#                   in a private mount namespace (unshare -m), an overlay
#                   on the parent of /lib/modules makes
#                   /lib/modules/RELEASE the test's install tree, with the
#                   stock modules' modules.dep and build -> the headers.
#                   DKMS then compresses what it installs as the kernel's
#                   own modules are (6.12: .ko.xz). Without it, DKMS sees
#                   whatever the host has at /lib/modules/RELEASE (usually
#                   nothing: plain .ko). Either way the test expects the
#                   suffix that the visible modules.dep implies, and every
#                   name check accepts .ko, .ko.xz, .ko.zst and .ko.gz.
#
# Prints one `ok ...` / `not ok ...` line per step (with its time), the
# guest's lines and the suite's KTAP (indented), and exits non-zero if a
# step failed. Logs: build/KERNEL/dkms/ (log/ per step, vm/ for the guest).
#
# Nothing on the host is touched: the DKMS source, DKMS and install trees
# live in build/KERNEL/dkms/ (dkms --sourcetree, --dkmstree, --installtree,
# --kernelsourcedir). What Debian 12's dkms 3.0.10 would otherwise do to
# the system, and how it is kept off:
#  - install/remove run `depmod -a RELEASE` on the host's /lib/modules,
#    whatever --installtree says: --no-depmod, and `depmod -b` on the test
#    tree instead;
#  - build signs the modules with /var/lib/dkms/mok.key (created if
#    missing) when it finds a sign-file: sign_file, mok_signing_key and
#    mok_certificate, which dkms takes from framework.conf and does not
#    reset, come from the environment instead (the fetched kernel's
#    sign-file, a throw-away key in build/KERNEL/dkms/);
#  - it picks the module compression from the host's
#    /lib/modules/RELEASE/modules.dep, whatever --installtree says: .ko when
#    the kernel is not installed on the host, .ko.xz for Debian's 6.12 when
#    it is (--as-installed shows it that way without installing it). Both
#    load the same.
# The install tree is lib/modules/RELEASE with the stock kernel's modules
# (kernel/, symlinked) and its modules.order/builtin files, so depmod sees
# the whole kernel; the guest gets its modules.* index, updates/ and extra/,
# and those stock modules that ours depend on (none today), not the
# ~400 MB of the rest.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$here/lib.sh"
as_installed=
if [[ ${1:-} == --as-installed ]]; then
	as_installed=1
	shift
fi
[[ $# -eq 1 ]] || usage
kernel=$1
export PATH=$PATH:/usr/sbin:/sbin

name=$(sed -n 's/^PACKAGE_NAME="\(.*\)"$/\1/p' "$top/dkms.conf")
version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$top/dkms.conf")
mapfile -t modules < <(sed -n 's/^BUILT_MODULE_NAME\[[0-9]*\]="\(.*\)"$/\1/p' "$top/dkms.conf")

failed=0
ok() { ktap_print_result ok "" "$*"; }
not_ok() { ktap_print_result "not ok" "" "$*"; failed=$((failed + 1)); }
bail() { not_ok "$@"; echo "# $failed step(s) failed"; exit 1; }
# step NAME CMD...: runs CMD, output to log/NAME.log; prints ok/not ok with
# the time it took, and the log's tail on failure.
nlog=0
step() {
	local what=$1 start=$SECONDS rc=0 log
	shift
	nlog=$((nlog + 1))
	log=$out/log/$(printf '%02d' $nlog)-$1.log
	step_bad=0
	"$@" >"$log" 2>&1 || rc=$?
	[[ $rc -ne 0 || $step_bad -eq 0 ]] || rc=1
	if [[ $rc -eq 0 ]]; then
		ok "$what ($((SECONDS - start))s)"
	else
		not_ok "$what ($((SECONDS - start))s; $log)"
		tail -n 25 "$log" | sed 's/^/# /'
	fi
	return $rc
}
# check MESSAGE: inside a step, marks it failed (and goes on).
check() {
	echo "check failed: $*" >&2
	step_bad=1
}

"$here/deps.sh" dkms xz-utils >&2 || bail "deps: dkms and the build tools"
"$here/fetch-kernel.sh" "$kernel" >&2 || bail "fetch kernel $kernel"
kdir=$(readlink -f "$("$here/fetch-kernel.sh" --print kdir "$kernel")")
release=$("$here/fetch-kernel.sh" --print release "$kernel")
stock=$(readlink -f "$("$here/fetch-kernel.sh" --print modules "$kernel")")
arch=$(uname -m)
# Every module file name the checks accept: kbuild and DKMS may compress.
ko='\.ko(\.xz|\.zst|\.gz)?'

# --as-installed: the rest of the script runs in a mount namespace of its own.
if [[ -n $as_installed && -z ${ATOMIC_ARENA_DKMS_NS:-} ]]; then
	ATOMIC_ARENA_DKMS_NS=1 exec unshare --mount --propagation private \
		"$0" --as-installed "$kernel" || bail "unshare --mount: $?"
fi

out=$top/build/$kernel/dkms
rm -rf "$out"
mkdir -p "$out/log" "$out/src" "$out/dkms" "$out/root/lib/modules"
srctree=$out/src dkmstree=$out/dkms root=$out/root
lib=$root/lib/modules/$release
trees=(--sourcetree "$srctree" --dkmstree "$dkmstree" --installtree "$root/lib/modules")
export sign_file=$kdir/scripts/sign-file mok_signing_key=$out/mok.key mok_certificate=$out/mok.pub
built=$dkmstree/$name/$version/$release/$arch/module

# What the host has where dkms would write by default; compared at the end.
host_state() {
	find /usr/src /var/lib/dkms -maxdepth 1 2>/dev/null
	find "/lib/modules/$release" 2>/dev/null
}
host_state | sort >"$out/host.before"

# suffix_of FILE: the compression suffix of a module file name ("" for .ko).
suffix_of() {
	[[ $1 =~ \.ko(\.[a-z]+)?$ ]] && echo "${BASH_REMATCH[1]}"
}
# The install tree is the kernel's module tree as its package installed it.
mkdir -p "$lib"
ln -s "$stock/kernel" "$lib/kernel"
cp "$stock"/modules.order "$stock"/modules.builtin "$stock"/modules.builtin.modinfo "$lib/"
if [[ -n $as_installed ]]; then
	# An installed kernel, as DKMS sees one: /lib/modules/RELEASE with
	# its modules.dep (what the kernel package's depmod writes) and build.
	depmod -b "$root" -e "$release" 2>/dev/null ||
		bail "depmod -b for the stock modules.dep"
	ln -s "$kdir" "$lib/build"
	moddir=$(readlink -m /lib/modules)
	parent=${moddir%/*}
	mkdir -p "$out/overlay/upper/${moddir##*/}" "$out/overlay/work"
	ln -s "$lib" "$out/overlay/upper/${moddir##*/}/$release"
	mount -t overlay overlay -o "lowerdir=$parent,upperdir=$out/overlay/upper,workdir=$out/overlay/work" "$parent" ||
		bail "overlay on $parent (the kernel needs overlayfs)"
	[[ $(readlink -f "/lib/modules/$release") == "$lib" ]] || bail "/lib/modules/$release is not the test tree"
	# What the kernel's own modules are: DKMS must install ours alike.
	want=$(suffix_of "$(find -L "$lib/kernel" -name '*.ko*' -print -quit)")
	seen="the installed kernel ($release) as DKMS sees it"
elif [[ -f /lib/modules/$release/modules.dep ]]; then
	want=$(suffix_of "$(grep -m 1 -o '^[^:]*' "/lib/modules/$release/modules.dep")")
	seen="the host's /lib/modules/$release"
else
	want='' seen="a host without $release installed"
fi
echo "# dkms $(dkms --version 2>/dev/null | sed 's/^dkms-//'), $name $version, kernel $kernel ($release), trees in $out"
echo "# expected module files: *.ko$want ($seen)"


# --- add, build, install, status: the DKMS steps ---
do_add() {
	"$here/dkms-install.sh" stage "$srctree/$name-$version" || return
	dkms add "$name/$version" "${trees[@]}" || return
	[[ -L $dkmstree/$name/$version/source ]] || check "no source link in the DKMS tree"
}
do_build() {
	dkms build "$name/$version" -k "$release" --kernelsourcedir "$kdir" "${trees[@]}" || return
	local m ver
	for m in "${modules[@]}"; do
		[[ -f $built/$m.ko$want ]] || check "$m.ko$want not in $built: $(ls "$built")"
		echo "$m: signer: $(modinfo -F signer "$built/$m".ko*)"
	done
	ver=$(modinfo -F version "$built"/atomic_arena.ko*)
	[[ $ver == "$version" ]] || check "atomic_arena reports version '$ver', dkms.conf says $version"
	grep -q '[[:space:]]atomic_arena_create[[:space:]]' "$built/Module.symvers" ||
		check "no atomic_arena_create in $built/Module.symvers"
}
do_install() {
	dkms install "$name/$version" -k "$release" --no-depmod "${trees[@]}" || return
	local m
	for m in "${modules[@]}"; do
		ls "$lib/updates/dkms/$m".ko* || check "$m not installed in $lib/updates/dkms"
		[[ -f $lib/updates/dkms/$m.ko$want ]] || check "$m is not installed as $m.ko$want"
	done
}
do_status() {
	local s
	s=$(dkms status "$name/$version" -k "$release" "${trees[@]}") || return
	echo "$s"
	[[ $s == "$name/$version, $release, $arch: installed" ]] || check "status is '$s'"
}
# depmod -b on the test tree, with the kernel's Module.symvers: every
# symbol must resolve, with matching CRCs.
run_depmod() {
	local warn
	depmod -b "$root" -E "$kdir/Module.symvers" -e "$release" 2>"$out/depmod.err" || return
	warn=$(grep -vc 'kernel/' "$out/depmod.err")
	cat "$out/depmod.err"
	[[ $warn -eq 0 ]] || check "depmod warnings about our modules"
	grep -v '^kernel/' "$lib/modules.dep" || true
}
do_depmod() {
	run_depmod || return
	grep -qxE "updates/dkms/test_atomic_arena$ko: updates/dkms/atomic_arena$ko" "$lib/modules.dep" ||
		check "modules.dep: test_atomic_arena does not depend on updates/dkms/atomic_arena.ko"
}
step "dkms add $name/$version" do_add || bail "cannot go on without the source in DKMS"
# BUILD_EXCLUSIVE: dkms refuses, with status 77, a kernel older than 5.10.
do_exclusive() {
	local rc=0
	dkms build "$name/$version" -k 5.4.0-1-amd64 --kernelsourcedir "$kdir" "${trees[@]}" || rc=$?
	[[ $rc -eq 77 ]] || check "dkms build for 5.4 exited $rc, not 77"
	[[ ! -e $dkmstree/$name/$version/5.4.0-1-amd64 ]] || check "something was built for 5.4"
}
step "dkms build -k 5.4.0-1-amd64 is refused (BUILD_EXCLUSIVE: 5.10 or later)" do_exclusive
step "dkms build -k $release (Module.symvers kept, version $version)" do_build ||
	bail "cannot go on without a build"
step "dkms install -k $release into the test tree (updates/dkms)" do_install
step "dkms status: installed for $release" do_status
step "depmod -b: test_atomic_arena needs updates/dkms/atomic_arena.ko, all symbols resolve" do_depmod

# --- a module outside the tree, built only from the docs ---
consumer=$out/consumer
do_consumer() {
	cp -r "$top/examples/consumer" "$consumer" &&
	make -C "$consumer" KVER="$release" KDIR="$kdir" ARENA_DKMS="$dkmstree/$name/$version" || return
	[[ $(modinfo -F depends "$consumer/arena_consumer.ko") == atomic_arena ]] ||
		check "arena_consumer.ko does not depend on atomic_arena"
	make -C "$consumer" KVER="$release" KDIR="$kdir" ARENA_DKMS="$dkmstree/$name/$version" \
		INSTALL_MOD_PATH="$root" install || return
	run_depmod || return
	grep -qE "^(extra|updates)/arena_consumer$ko: updates/dkms/atomic_arena$ko\$" "$lib/modules.dep" ||
		check "modules.dep: arena_consumer does not depend on updates/dkms/atomic_arena.ko"
}
step "consumer (examples/consumer) builds against the DKMS Module.symvers, make install" do_consumer

# --- the guest: the installed tree, modprobe, the suite, the consumer ---
payload=$out/payload
make_payload() {
	local f
	mkdir -p "$payload/lib/modules/$release"
	for f in "$lib"/*; do
		[[ ${f##*/} == kernel || ${f##*/} == build ]] || cp -a "$f" "$payload/lib/modules/$release/"
	done
	# Stock modules that ours need (modules.dep lists them transitively).
	for f in $(awk -F': *' '$1 !~ /^kernel\// { print $2 }' "$lib/modules.dep" | tr ' ' '\n' | grep '^kernel/' | sort -u); do
		(cd "$lib" && cp -L --parents "$f" "$payload/lib/modules/$release/") || return
		echo "stock dependency: $f"
	done
	cp "$srctree/$name-$version/selftests/atomic_arena.sh" \
		"$srctree/$name-$version/selftests/ktap_helpers.sh" "$payload/"
	sed "s/@VERSION@/$version/" >"$payload/run" <<'GUEST'
#!/bin/sh
# Guest side of scripts/dkms-test.sh: no .ko in /payload; everything comes
# from /lib/modules/$(uname -r) as DKMS installed it, through modprobe.
version=@VERSION@
dir=/lib/modules/$(uname -r)
fail=0
. ./ktap_helpers.sh
ok() { ktap_print_result ok "" "guest: $*"; }
not_ok() { ktap_print_result "not ok" "" "guest: $*"; fail=1; }

bad=
for m in atomic_arena test_atomic_arena; do
	f=$(modinfo -F filename $m 2>/dev/null)
	case $f in
	$dir/updates/dkms/$m.ko*) ;;
	*) bad="$bad $m:${f:-not-found}" ;;
	esac
done
v=$(modinfo -F version atomic_arena 2>/dev/null)
[ "$v" = "$version" ] || bad="$bad atomic_arena:version=$v"
if [ -z "$bad" ]; then
	ok "modinfo finds atomic_arena and test_atomic_arena $version in updates/dkms"
else
	not_ok "modinfo:$bad"
fi

TEST_ATOMIC_ARENA_PARAMS="hammer_rounds=2" ./atomic_arena.sh >/tmp/ktap 2>&1
rc=$?
sed 's/^/    /' /tmp/ktap
# Every case once, at any depth (passed: ok, skipped or not); and as many
# results as planned, at the top and in each suite.
set -- $(ktap_count /tmp/ktap)
pass=$(($1 + $3)) nfail=$2 plan=$4 incomplete=$6
if [ "$rc" -eq 0 ] && [ "$incomplete" -eq 0 ] && [ "$nfail" -eq 0 ]; then
	ok "test suite, both modules loaded by modprobe: $pass/$((pass + nfail)) passed"
else
	not_ok "test suite: exit $rc, $pass/$((pass + nfail)) passed, $nfail failed, $5 of $plan planned results"
fi

if [ -d /sys/module/atomic_arena ]; then
	not_ok "atomic_arena still loaded after the suite"
	rmmod atomic_arena
fi
if modprobe arena_consumer; then
	if [ -e /sys/module/atomic_arena/holders/arena_consumer ] &&
	   dmesg | grep -q 'arena_consumer: arena of 64 samples: filled, checked, reset'; then
		ok "modprobe arena_consumer loads atomic_arena first; the consumer's checks pass"
	else
		not_ok "arena_consumer loaded, but atomic_arena is not its dependency or it did not report"
	fi
	modprobe -r arena_consumer
	[ -d /sys/module/atomic_arena ] && rmmod atomic_arena
	if [ ! -d /sys/module/arena_consumer ] && [ ! -d /sys/module/atomic_arena ]; then
		ok "both unload"
	else
		not_ok "unloading arena_consumer and atomic_arena"
	fi
else
	not_ok "modprobe arena_consumer failed"
	dmesg | tail -n 5
fi
exit $fail
GUEST
	chmod +x "$payload/run"
	du -sh "$payload"
}
step "guest payload: the installed module tree without the stock modules" make_payload

start=$SECONDS
"$here/vm-run.sh" --kernel "$kernel" --timeout 600 --out "$out/vm" "$payload" | tee "$out/vm.log"
rc=${PIPESTATUS[0]}
guest_ok=$(grep -c '^ok guest: ' "$out/vm.log")
if [[ $rc -eq 0 ]] && ! grep -q '^not ok ' "$out/vm.log" && [[ $guest_ok -eq 4 ]]; then
	ok "vm: $release booted, modprobe'd from the DKMS tree, suite and consumer pass ($((SECONDS - start))s)"
else
	not_ok "vm: exit $rc, $guest_ok of 4 guest checks ok ($((SECONDS - start))s; $out/vm)"
fi

# --- remove, and nothing of ours is left ---
do_remove() {
	dkms remove "$name/$version" -k "$release" --no-depmod "${trees[@]}" || return
	local s
	s=$(dkms status "${trees[@]}")
	[[ -z $s ]] || check "dkms status after remove: $s"
	[[ ! -e $dkmstree/$name ]] || check "$dkmstree/$name is still there"
	[[ ! -e $lib/updates/dkms ]] || check "$lib/updates/dkms is still there"
	ls -A "$dkmstree"
}
do_uninstall() {
	# What `make dkms-uninstall` does after dkms remove: the source goes,
	# and the script checks the trees.
	"$here/dkms-install.sh" uninstall "${trees[@]}" --no-depmod || return
	# The consumer was ours too (the test installed it).
	rm -f "$lib"/extra/arena_consumer.ko* "$lib"/updates/arena_consumer.ko*
	rmdir "$lib/extra" "$lib/updates" 2>/dev/null || true
	run_depmod || return
	! grep -q 'atomic_arena\|arena_consumer' "$lib/modules.dep" ||
		check "modules.dep still names our modules"
	local left
	left=$(find "$srctree" "$dkmstree" "$root" \( -name '*atomic*arena*' -o -name 'arena_consumer*' \) -print)
	[[ -z $left ]] || check "left behind: $left"
	find "$srctree" "$dkmstree" "$root" -path "$lib/kernel" -prune -o -print
}
step "dkms remove -k $release: DKMS tree and updates/dkms empty, status empty" do_remove
step "uninstall (scripts/dkms-install.sh): no file of ours left in any tree" do_uninstall

if [[ -n $as_installed ]]; then
	# Whatever went to the host's module tree went to the overlay instead.
	ups=$(cd "$out/overlay/upper" && find . -mindepth 1 | sort | paste -sd ' ')
	if [[ $ups == "./${moddir##*/} ./${moddir##*/}/$release" ]]; then
		ok "nothing written to $parent but the test's own link"
	else
		not_ok "written to $parent during the test: $ups"
	fi
	umount -l "$parent" || not_ok "umount $parent"
fi
host_state | sort >"$out/host.after"
if diff -u "$out/host.before" "$out/host.after" >"$out/host.diff"; then
	ok "host untouched (/usr/src, /var/lib/dkms, /lib/modules/$release)"
else
	not_ok "host changed while the test ran:"
	sed 's/^/# /' "$out/host.diff"
fi

if [[ $failed -eq 0 ]]; then
	echo "# dkms $kernel: all steps passed"
else
	echo "# dkms $kernel: $failed step(s) failed"
fi
[[ $failed -eq 0 ]]
