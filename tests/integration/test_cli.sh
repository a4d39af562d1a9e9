#!/usr/bin/env bash
# test_cli.sh - command-line contract: bad values exit 2 naming the option, a
# missing --read file exits non-zero naming the file, --help exits 0, --version
# prints a version, and an IPv6 collector ([::1]:PORT) receives an exact export.
. "$(dirname "$0")/lib.sh"
need_xflowd
need_scapy

port=$(free_port 4)
"${XFGEN[@]}" -o "$T/small.pcap" -t "$T/small.csv" --scenario mixed --seed 5 --flows 60 --packets 400 2>/dev/null ||
    { fail "xfgen"; finish; }

# expect_exit LABEL WANT_RC REGEX ARGS...: exit status WANT_RC ("nonzero" for any
# but 0) and stderr (or stdout) matching REGEX (grep -E, case-insensitive)
expect_exit() {
    local label=$1 want=$2 re=$3 rc msg bad
    shift 3
    run_xflowd "$label" "$@"
    rc=$?
    msg=$(cat "$T/$label.err" "$T/$label.out" | head -3 | tr '\n' ' ')
    bad=0
    if [ "$want" = nonzero ]; then
        { [ $rc = 0 ] || [ $rc = 124 ]; } && bad=1
    else
        [ "$rc" != "$want" ] && bad=1
    fi
    if [ $bad = 1 ]; then
        fail "xflowd $* -> exit $rc, want $want; said: $msg"
    elif ! cat "$T/$label.err" "$T/$label.out" | grep -qiE -- "$re"; then
        fail "xflowd $* -> exit $rc but the message does not match /$re/: $msg"
    else
        pass "xflowd $* -> exit $rc: $(head -1 "$T/$label.err")"
    fi
}

C="--collector 127.0.0.1:$port"
# shellcheck disable=SC2086
{
    expect_exit export 2 'export' --read "$T/small.pcap" $C --export v7
    expect_exit active 2 'active-timeout' --read "$T/small.pcap" $C --active-timeout -1
    expect_exit inactive 2 'inactive-timeout' --read "$T/small.pcap" $C --inactive-timeout abc
    expect_exit cache 2 'cache-size' --read "$T/small.pcap" $C --cache-size 0
    expect_exit coll 2 'collector' --read "$T/small.pcap" --collector nohostport
    expect_exit collport 2 'collector' --read "$T/small.pcap" --collector 127.0.0.1:70000
    expect_exit unknown 2 'no-such-option' --read "$T/small.pcap" $C --no-such-option
    expect_exit missing nonzero "$T/does-not-exist.pcap" --read "$T/does-not-exist.pcap" $C
    # the file named once (libpcap's message names it already)
    check "a missing --read file is named once" \
        bash -c '[ "$(grep -o "does-not-exist.pcap" "$1" | wc -l)" = 1 ]' _ "$T/missing.err"
    expect_exit notpcap nonzero "$T/small.csv" --read "$T/small.csv" $C
}

run_xflowd help --help
rc=$?
if [ $rc = 0 ] && grep -q -- '--read' "$T/help.out" "$T/help.err"; then
    pass "--help exits 0 and lists --read"
else
    fail "--help: exit $rc, output: $(head -2 "$T/help.out")"
fi
run_xflowd version --version
rc=$?
if [ $rc = 0 ] && grep -qE '[0-9]+\.[0-9]+' "$T/version.out" "$T/version.err"; then
    pass "--version: $(head -1 "$T/version.out")"
else
    fail "--version: exit $rc, output: $(head -2 "$T/version.out" "$T/version.err")"
fi

# IPv6 collector: nfcapd and udpsink bound to ::1, xflowd --collector [::1]:PORT
if command -v nfcapd >/dev/null && command -v tshark >/dev/null && "$PY" -c 'import socket; s=socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); s.bind(("::1", 0))' 2>/dev/null; then
    XF_BIND=::1 PMACCT=0 MSGCHECK_OPTS="--need-sysinit" export_and_judge ipv6coll "$T/small.pcap" "$T/small.csv" ipfix "" ""
    XF_BIND=::1 PMACCT=0 MSGCHECK_OPTS="" export_and_judge ipv6coll-v5 "$T/small.pcap" "$T/small.csv" v5 "--v4-only" ""
else
    info "no IPv6 loopback, nfcapd or tshark: IPv6 collector not tested"
fi

finish
