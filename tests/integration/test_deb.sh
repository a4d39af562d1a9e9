#!/usr/bin/env bash
# test_deb.sh - the Debian package (`make deb`, debian/): built in a copy
# of the tree (nothing written beside it), lintian without error, the
# files, the conffile and the maintainer scripts in it; installed with
# apt-get on this machine: the system user xflowd created, the shipped
# /etc/xflowd/xflowd.conf checks out with the installed xflowd, which
# meters the loopback as that user; purged: nothing of it left.
#
# It installs into the system's paths: it runs only as root, only when no
# xflowd package or /usr/sbin/xflowd is there already, and it removes the
# package (and the user xflowd, when it made it) whatever happens. The
# other tests run build/xflowd and install into a DESTDIR of their own.
. "$(dirname "$0")/lib.sh"
need_xflowd
for c in dpkg-buildpackage dh lintian apt-get; do
	command -v "$c" >/dev/null 2>&1 || skip "$c not installed (devscripts, debhelper, lintian)"
done
[ "$(id -u)" = 0 ] || skip "needs root to install the package"
dpkg-query -W -f '${Status}' xflowd 2>/dev/null | grep -q installed &&
	skip "an xflowd package is installed: not touching it"
[ -e /usr/sbin/xflowd ] && skip "/usr/sbin/xflowd exists: not touching it"
# the package's build directory: the Makefile's, under the tree
B=$(dirname "$XFLOWD")
case $B in
*-san | *-tsan) skip "the package builds its own xflowd: checked with the normal build only" ;;
esac
VERSION=$(sed -n 's/^VERSION := //p' "$XF_ROOT/Makefile")
ARCH=$(dpkg --print-architecture)
DEB=$B/xflowd_${VERSION}_$ARCH.deb
APT=(env DEBIAN_FRONTEND=noninteractive apt-get -y -q -o DPkg::Lock::Timeout=300)

had_user=0
id xflowd >/dev/null 2>&1 && had_user=1
installed=0
deb_cleanup() {
	local p
	# the xflowd it ran as the user xflowd first: userdel refuses a user
	# with a process, which left the user (and its group) behind
	for p in "${XF_PIDS[@]}"; do
		kill -TERM "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	if [ $installed = 1 ]; then
		"${APT[@]}" purge xflowd >>"$T/purge.log" 2>&1 || dpkg --purge xflowd >>"$T/purge.log" 2>&1
	fi
	if [ $had_user = 0 ] && id xflowd >/dev/null 2>&1; then
		userdel xflowd 2>/dev/null
		getent group xflowd >/dev/null && groupdel xflowd 2>/dev/null
	fi
}
trap 'deb_cleanup; xf_cleanup' EXIT

# the unit tests run in make check: not again in the package build
# what dpkg-buildpackage writes into the parent of its source tree; the
# parent may hold other trees that change meanwhile (a developer's)
beside() { ls -A "$XF_ROOT/.." | grep -E '^xflowd[-_].*\.(deb|ddeb|changes|buildinfo|dsc|tar\.[a-z]+)$' | sort; }
parent_before=$(beside)
check "make deb (DEB_BUILD_OPTIONS=nocheck): the package, lintian without error" \
	env DEB_BUILD_OPTIONS=nocheck make -C "$XF_ROOT" --no-print-directory B="$B" deb
[ -f "$DEB" ] || { fail "no $DEB"; finish; }
check "nothing written beside the tree" \
	[ "$(beside)" = "$parent_before" ]
check "debian/changelog at the Makefile's version $VERSION" \
	[ "$(dpkg-parsechangelog -l "$XF_ROOT/debian/changelog" -S Version)" = "$VERSION" ]
lintian "$DEB" >"$T/lintian.txt" 2>&1
check "lintian: no error ($(grep -c '^E:' "$T/lintian.txt") errors, $(grep -c '^W:' "$T/lintian.txt") warnings)" \
	bash -c '! grep "^E:" "$1"' _ "$T/lintian.txt"

# what is in it
dpkg-deb -c "$DEB" | awk '{print $6}' | sed 's|^\./||' | grep -v -e '/$' -e '^$' | sort >"$T/files.txt"
want=(etc/xflowd/xflowd.conf usr/sbin/xflowd usr/lib/systemd/system/xflowd.service
	usr/lib/sysusers.d/xflowd.conf usr/share/doc/xflowd/copyright usr/share/doc/xflowd/changelog.gz
	usr/share/doc/xflowd/README.md.gz)
[ -x "$B/xflowctl" ] && want+=(usr/bin/xflowctl)
for f in "$XF_ROOT"/doc/*.5; do want+=("usr/share/man/man5/$(basename "$f").gz"); done
for f in "$XF_ROOT"/doc/*.8; do want+=("usr/share/man/man8/$(basename "$f").gz"); done
for f in "$XF_ROOT"/examples/*.conf; do want+=("usr/share/doc/xflowd/examples/$(basename "$f")"); done
printf '%s\n' "${want[@]}" | sort >"$T/want.txt"
check "the package holds the programs, pages, examples, unit, sysusers file and configuration" \
	diff "$T/want.txt" "$T/files.txt"
check "conffile: /etc/xflowd/xflowd.conf" \
	bash -c '[ "$(dpkg-deb -I "$1" conffiles)" = /etc/xflowd/xflowd.conf ]' _ "$DEB"
check "postinst creates the user from the sysusers file" \
	bash -c 'dpkg-deb -I "$1" postinst | grep -q "systemd-sysusers .*xflowd.conf"' _ "$DEB"

# installed, as an operator would
check "apt-get install ./$(basename "$DEB")" "${APT[@]}" install "$DEB"
dpkg-query -W -f '${Status}' xflowd 2>/dev/null | grep -q installed && installed=1
check "dpkg: xflowd installed" [ $installed = 1 ]
uid=$(id -u xflowd 2>/dev/null)
check "the system user xflowd exists (uid $uid), group xflowd, no login shell" bash -c \
	'[ -n "$1" ] && [ "$1" -lt 1000 ] && getent group xflowd >/dev/null &&
	 case $(getent passwd xflowd | cut -d: -f7) in */nologin | */false) true ;; *) false ;; esac' _ "$uid"
check "xflowd --check-config -f /etc/xflowd/xflowd.conf" \
	/usr/sbin/xflowd --check-config -f /etc/xflowd/xflowd.conf
check "man -w xflowd finds the installed page" bash -c 'man -w xflowd | grep -q "^/usr/share/man/man8/xflowd.8"'
# the unit's command (no systemd here to start it): it meters the loopback
# and becomes the user xflowd, the control socket root:xflowd 0660
exe=$(sed -n 's/^ExecStart=//p' /usr/lib/systemd/system/xflowd.service)
check "unit: ExecStart=$exe" [ "$exe" = "/usr/sbin/xflowd -f /etc/xflowd/xflowd.conf" ]
SOCK=$T/deb.sock
# shellcheck disable=SC2086  # the unit's command line, split as systemd does
$exe --control "$SOCK" >"$T/run.out" 2>"$T/run.err" &
XP=$!
XF_PIDS+=("$XP")
for _ in $(seq 200); do
	[ "$(sed -n 's/^Uid:[[:space:]]*\([0-9]*\).*/\1/p' /proc/$XP/status 2>/dev/null)" = "$uid" ] &&
		[ -S "$SOCK" ] && break
	kill -0 $XP 2>/dev/null || break
	sleep 0.05
done
check "the shipped configuration runs as the user xflowd" \
	bash -c '[ "$(sed -n "s/^Uid:[[:space:]]*\([0-9]*\).*/\1/p" /proc/$1/status)" = "$2" ]' _ $XP "$uid" ||
	show_err run
check "its control socket: 0660 root:xflowd" [ "$(stat -c '%a %U %G' "$SOCK")" = "660 root xflowd" ]
if [ -x /usr/bin/xflowctl ]; then
	check "xflowctl show statistics through it" /usr/bin/xflowctl -s "$SOCK" show statistics
fi
kill -TERM $XP
wait $XP
rc=$?
check "SIGTERM: exit 0 (rc=$rc)" [ "$rc" = 0 ]

# purged: nothing of it left
check "apt-get purge xflowd" "${APT[@]}" purge xflowd
dpkg-query -W -f '${Status}' xflowd 2>/dev/null | grep -q installed || installed=0
check "dpkg: xflowd gone (not even config-files)" bash -c '! dpkg-query -W xflowd >/dev/null 2>&1'
left=
for f in "${want[@]}"; do
	[ -e "/$f" ] && left+=" /$f"
done
for d in /etc/xflowd /usr/share/doc/xflowd; do
	[ -e "$d" ] && left+=" $d"
done
check "purge: no file left${left:+:$left}" [ -z "$left" ]
finish
