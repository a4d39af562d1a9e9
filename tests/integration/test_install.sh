#!/usr/bin/env bash
# test_install.sh - `make install` and what it installs: every file where
# PREFIX and DESTDIR say (and nothing else), the unit's paths those of
# PREFIX, the man pages rendered without a warning and documenting every
# option of --help, the installed examples checking out with the installed
# xflowd, the unit accepted by systemd-analyze verify (its Documentation=
# pages found among the installed ones), and `make uninstall` leaving nothing.
. "$(dirname "$0")/lib.sh"
need_xflowd
need_cmd make man install
# the build directory of the binary under test (the Makefile adds -san)
B=$(dirname "$XFLOWD")
MK=(make -C "$XF_ROOT" --no-print-directory)
case $B in
*-san) MK+=(B="${B%-san}" SANITIZE=1) ;;
*) MK+=(B="$B") ;;
esac

# expected FILE... (relative to the install root, PREFIX /usr)
want=(usr/sbin/xflowd usr/lib/systemd/system/xflowd.service usr/lib/sysusers.d/xflowd.conf)
[ -x "$B/xflowctl" ] && want+=(usr/bin/xflowctl)
for f in "$XF_ROOT"/doc/*.5; do want+=("usr/share/man/man5/$(basename "$f")"); done
for f in "$XF_ROOT"/doc/*.8; do want+=("usr/share/man/man8/$(basename "$f")"); done
for f in "$XF_ROOT"/examples/*.conf; do want+=("usr/share/doc/xflowd/examples/$(basename "$f")"); done
printf '%s\n' "${want[@]}" | sort >"$T/want.txt"

R=$T/root
check "make install DESTDIR=\$T/root PREFIX=/usr" "${MK[@]}" install DESTDIR="$R" PREFIX=/usr
(cd "$R" && find . -type f -o -type l | sed 's|^\./||' | sort) >"$T/got.txt"
check "every file installed, nothing else (${#want[@]} files)" diff "$T/want.txt" "$T/got.txt"
bad=
for f in "${want[@]}"; do
	case $f in
	usr/sbin/* | usr/bin/*) m=755 ;;
	*) m=644 ;;
	esac
	[ "$(stat -c %a "$R/$f" 2>/dev/null)" = $m ] || bad+=" $f($(stat -c %a "$R/$f" 2>/dev/null))"
	case $f in
	*/man5/* | */man8/*) cmp -s "$R/$f" "$XF_ROOT/doc/$(basename "$f")" || bad+=" $f(differs)" ;;
	*/examples/*) cmp -s "$R/$f" "$XF_ROOT/examples/$(basename "$f")" || bad+=" $f(differs)" ;;
	*/sysusers.d/*) cmp -s "$R/$f" "$XF_ROOT/dist/xflowd.sysusers" || bad+=" $f(differs)" ;;
	esac
done
check "modes 0755 for programs, 0644 for the rest; pages and examples as in the tree${bad:+:$bad}" [ -z "$bad" ]
v=$("$R/usr/sbin/xflowd" --version 2>&1)
check "the installed xflowd runs: $v" [ "${v#xflowd }" != "$v" ]
if [ -x "$R/usr/bin/xflowctl" ]; then
	check "the installed xflowctl runs (--help)" "$R/usr/bin/xflowctl" --help
fi
for f in "$R"/usr/share/doc/xflowd/examples/*.conf; do
	check "example $(basename "$f"): --check-config with the installed xflowd" \
		"$R/usr/sbin/xflowd" -f "$f" --check-config
done

U=$R/usr/lib/systemd/system/xflowd.service
check "unit: no @...@ left" bash -c "! grep -n '@[A-Z]*@' '$U'"
check "unit: ExecStart is /usr/sbin/xflowd" grep -q '^ExecStart=/usr/sbin/xflowd ' "$U"
check "unit: ExecReload sends SIGHUP" grep -q '^ExecReload=/bin/kill -HUP \$MAINPID$' "$U"
for s in 'CapabilityBoundingSet=CAP_NET_RAW CAP_NET_ADMIN CAP_BPF CAP_PERFMON' NoNewPrivileges=yes \
	ProtectSystem=strict ProtectHome=yes PrivateTmp=yes RuntimeDirectory=xflowd \
	'RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6 AF_NETLINK AF_PACKET AF_XDP' SystemCallFilter=; do
	grep -q "^$s" "$U" || fail "unit: no $s"
done
if command -v systemd-analyze >/dev/null; then
	# the unit as installed, its programs at their staged place; man finds
	# the Documentation= pages among the installed ones
	mkdir -p "$T/verify"
	sed "s|/usr/sbin/xflowd|$R/usr/sbin/xflowd|g" "$U" >"$T/verify/xflowd.service"
	man=--man=yes
	grep -q 'man:xflowctl(8)' "$U" && [ ! -f "$XF_ROOT/doc/xflowctl.8" ] && man=--man=no
	check "systemd-analyze verify $man: no complaint" \
		bash -c "out=\$(cd '$T' && MANPATH='$R/usr/share/man' systemd-analyze verify $man \
			'$T/verify/xflowd.service' 2>&1); echo \"\$out\"; [ -z \"\$out\" ]"
	score=$(systemd-analyze security --offline=true "$T/verify/xflowd.service" 2>/dev/null |
		sed -n 's/.*Overall exposure level for xflowd.service: \([0-9.]*\).*/\1/p')
	check "systemd-analyze security: exposure $score (at most 4.0)" \
		awk -v s="$score" 'BEGIN { exit !(s != "" && s + 0 <= 4.0) }'
else
	info "no systemd-analyze: the unit is not verified"
fi

S=$R/usr/lib/sysusers.d/xflowd.conf
check "sysusers: the system user xflowd" grep -q '^u xflowd - ' "$S"
check "unit: no --user (xflowd's own user when it exists)" bash -c "! grep -q -- '--user' <(grep '^Exec' '$U')"
if command -v systemd-sysusers >/dev/null; then
	mkdir -p "$T/sysroot"
	check "systemd-sysusers --dry-run: it would create the user xflowd" \
		bash -c "systemd-sysusers --root='$T/sysroot' --dry-run '$S' 2>&1 | grep \"user 'xflowd'\""
fi

# the man pages: rendered without a warning, whatis can parse their NAME
for f in "$XF_ROOT"/doc/*.[58]; do
	check "man --warnings -l $(basename "$f"): no warning" \
		bash -c "out=\$(MANWIDTH=80 man --warnings -l '$f' 2>&1 >/dev/null); echo \"\$out\"; [ -z \"\$out\" ]"
	if command -v lexgrog >/dev/null; then
		check "lexgrog $(basename "$f"): NAME section parses" lexgrog "$f"
	fi
done
check "installed pages found by name (man -w xflowd, xflowd.conf)" \
	bash -c "MANPATH='$R/usr/share/man' man -w xflowd && MANPATH='$R/usr/share/man' man -w 5 xflowd.conf"
# every long option --help lists is in xflowd(8)
MANWIDTH=200 man -l "$XF_ROOT/doc/xflowd.8" 2>/dev/null >"$T/xflowd.8.txt"
missing=
for o in $("$XFLOWD" --help | grep -o -- '--[a-z][a-z-]*' | sort -u); do
	grep -q -- "$o\\b" "$T/xflowd.8.txt" || missing+=" $o"
done
check "xflowd(8) documents every option of --help${missing:+; missing:$missing}" [ -z "$missing" ]
for s in "CAPTURE MODES" "LEAST PRIVILEGE" SIGNALS FILES "EXIT STATUS" EXAMPLES; do
	grep -q "^$s" "$T/xflowd.8.txt" || fail "xflowd(8): no $s section"
done
check "xflowd(8): afxdp consumes the packets, never on a forwarding interface" \
	grep -q "afxdp consumes the packets" "$T/xflowd.8.txt"

# PREFIX defaults to /usr/local
R2=$T/root2
check "make install DESTDIR=\$T/root2 (PREFIX default /usr/local)" "${MK[@]}" install DESTDIR="$R2"
n=$(cd "$R2" && find . -type f | grep -vc '^\./usr/local/')
check "everything under /usr/local ($n elsewhere)" [ "$n" = 0 ]
check "unit: ExecStart is /usr/local/sbin/xflowd" \
	grep -q '^ExecStart=/usr/local/sbin/xflowd ' "$R2/usr/local/lib/systemd/system/xflowd.service"

check "make uninstall DESTDIR=\$T/root PREFIX=/usr" "${MK[@]}" uninstall DESTDIR="$R" PREFIX=/usr
left=$(cd "$R" && find . -type f | sed 's|^\./||' | tr '\n' ' ')
check "uninstall: no file left${left:+: $left}" [ -z "$left" ]
finish
