#!/usr/bin/env bash
# test_cli.sh - command-line contract: bad values exit 2 naming the option, a
# missing --read file exits non-zero naming the file, --help exits 0, --version
# prints a version, and an IPv6 collector ([::1]:PORT) receives an exact export.
# Honest exits and messages: --stats-file /dev/full exits non-zero, a
# truncated pcap says libpcap's reason, -r - and -r /dev/stdin read a pipe
# (several monitors refuse one), -f with interface blocks and --read names
# the conflict, 16 collectors at most, file records not metered as they say
# are counted by name in --stats-file.
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
    expect_exit export 2 'export' --read "$T/small.pcap" $C --export v8
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

# --- honest exits and messages (issue 14) ---
npk=$(pcap_count "$T/small.pcap")
# stats_get FILE EXPR: EXPR (python, s the JSON) of a --stats-file
stats_get() { "$PY" -c 'import json,sys; s=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"; }
# shellcheck disable=SC2086
{
    # /dev/full is a device: refused at start like any non-regular file
    expect_exit statsfull nonzero 'stats-file.*/dev/full' \
        --read "$T/small.pcap" $C --stats-file /dev/full
    # the counters cannot be written at exit (a full file system): not a
    # success. A tmpfs of its own, filled up, needs root.
    if [ "$(id -u)" = 0 ] && mkdir -p "$T/full" && mount -t tmpfs -o size=16k tmpfs "$T/full"; then
        dd if=/dev/zero of="$T/full/fill" bs=4k count=64 2>/dev/null
        expect_exit statsnospace nonzero 'full/stats.json.*No space left' \
            --read "$T/small.pcap" $C --stats-file "$T/full/stats.json"
        umount "$T/full"
    fi
    # libpcap's reason for a read error is said, with what came before
    head -c 3000 "$T/small.pcap" >"$T/trunc.pcap"
    expect_exit trunc 1 'trunc.pcap: truncated dump file; tried to read [0-9]+ captured bytes, only got [0-9]+' \
        --read "$T/trunc.pcap" $C
    # a pipe on -r - and -r /dev/stdin: read once, whole
    for src in - /dev/stdin; do
        lbl=pipe$(echo "$src" | tr -dc a-z)
        cat "$T/small.pcap" | timeout 60 "$XFLOWD" --read "$src" $C \
            --stats-file "$T/$lbl.json" >"$T/$lbl.out" 2>"$T/$lbl.err"
        prc=$?
        check "--read $src from a pipe: exit $prc, $npk packets" \
            eval '[ $prc = 0 ] && [ "$(stats_get "$T/$lbl.json" "s[\"packets\"]")" = "$npk" ]'
    done
    "$PY" "$XF_ROOT/tools/pcap2ng.py" "$T/small.pcap" "$T/small.pcapng" eth0 >/dev/null 2>&1 &&
        cat "$T/small.pcapng" | timeout 60 "$XFLOWD" --read - $C \
            --stats-file "$T/pipeng.json" >"$T/pipeng.out" 2>"$T/pipeng.err"
    prc=$?
    check "--read - of a pcapng from a pipe: exit $prc, $npk packets" \
        eval '[ $prc = 0 ] && [ "$(stats_get "$T/pipeng.json" "s[\"packets\"]")" = "$npk" ]'
    # interface blocks and --read: the message names what conflicts
    cat >"$T/ifc.conf" <<EOF2
exporter e
    destination 127.0.0.1
    transport udp $port
monitor m
    exporter e
interface lo
    monitor m input
EOF2
    expect_exit ifcread 2 'ifc.conf:6: interface lo: a file replaces the interfaces' \
        -f "$T/ifc.conf" --read "$T/small.pcap"
    check "... and does not speak of an --interface never given" \
        eval '! grep -q -- "--read and --interface" "$T/ifcread.err"'
    # several monitors read the file each: a pipe is refused, saying why
    cat >"$T/two.conf" <<EOF2
exporter e
    destination 127.0.0.1
    transport udp $port
monitor a
    exporter e
monitor b
    exporter e
EOF2
    cat "$T/small.pcap" | timeout 60 "$XFLOWD" -f "$T/two.conf" --read - \
        >"$T/twopipe.out" 2>"$T/twopipe.err"
    prc=$?
    check "-f with 2 monitors, --read - from a pipe: refused (exit $prc), saying why" \
        eval '[ $prc = 2 ] && grep -q "2 monitors each read the file from its start" "$T/twopipe.err"'
    # one collector limit, 16, as documented
    many=()
    for i in $(seq 16); do many+=(--collector "127.0.0.1:$((port + i % 2))"); done
    run_xflowd coll16 --read "$T/small.pcap" "${many[@]}"
    c16=$?
    check "16 collectors are taken (exit $c16)" [ "$c16" = 0 ]
    expect_exit coll17 2 'at most 16 collectors' --read "$T/small.pcap" "${many[@]}" $C
    check "xflowd(8) says 16 collectors" grep -q 'repeatable (up to 16' "$XF_ROOT/doc/xflowd.8"
}

# file records not metered as they say, under named counters
"$PY" - "$T/small.pcap" "$T/odd.pcap" "$T/odd.pcapng" <<'PYEOF'
import struct, sys
# classic: the first record's captured length raised above its wire length
d = bytearray(open(sys.argv[1], "rb").read())
e = "<" if d[:4] in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
incl, orig = struct.unpack_from(e + "II", d, 24 + 8)
struct.pack_into(e + "I", d, 24 + 12, incl - 4)
open(sys.argv[2], "wb").write(d)
# pcapng: an Ethernet interface, a DLT 105 (802.11) one, packets on each
# and one naming interface 7 that no block describes
def blk(t, body):
    body += b"\0" * (-len(body) % 4)
    n = len(body) + 12
    return struct.pack("<II", t, n) + body + struct.pack("<I", n)
recs, off = [], 24
while off + 16 <= len(d):
    i, o = struct.unpack_from(e + "II", d, off + 8)
    recs.append(bytes(d[off + 16:off + 16 + i]))
    off += 16 + i
out = blk(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))
out += blk(1, struct.pack("<HHI", 1, 0, 65535)) + blk(1, struct.pack("<HHI", 105, 0, 65535))
def epb(ifc, p, ts):
    return blk(6, struct.pack("<IIIII", ifc, 0, ts, len(p), len(p)) + p)
for k, p in enumerate(recs[:10]):
    out += epb(0, p, k)
out += epb(1, recs[0], 11) + epb(1, recs[1], 12) + epb(7, recs[2], 13)
open(sys.argv[3], "wb").write(out)
PYEOF
# shellcheck disable=SC2086
run_xflowd odd --read "$T/odd.pcap" $C --stats-file "$T/odd.json"
check "a record captured beyond its wire length: counted (file.caplen_over_wire 1)" \
    eval '[ "$(stats_get "$T/odd.json" "s[\"file\"][\"caplen_over_wire\"]")" = 1 ]'
# shellcheck disable=SC2086
run_xflowd oddng --read "$T/odd.pcapng" $C --stats-file "$T/oddng.json"
check "pcapng: packets of an unsupported link type and of an unknown interface counted" \
    eval '[ "$(stats_get "$T/oddng.json" "(s[\"file\"][\"unsupported_link\"], s[\"file\"][\"unknown_interface\"], s[\"packets\"])")" = "(2, 1, 10)" ]'

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
