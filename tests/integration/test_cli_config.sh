#!/usr/bin/env bash
# test_cli_config.sh - a command line is a shorthand for a configuration
# file (issue 15 item 3): `xflowd OPTIONS --check-config -v` prints the
# file the options mean, and that file run with -f on the same pcap sends
# every collector the same datagrams, byte for byte, as the options did.
# IPFIX (a --record and a predefined --template, deterministic sampling,
# timeouts, domain id, MTU, template refresh, two collectors), v9 (random
# sampling with the file's fixed seed, a pinned source port and address)
# and v5 (engine id, sampling) on tests/data/demo.pcap; the bgp block
# (--bgp-*, --as) too.
. "$(dirname "$0")/lib.sh"
. "$XF_HERE/tcp_lib.sh"
need_xflowd

PCAP=$XF_ROOT/tests/data/demo.pcap

# payloads SINK.pcap -> the UDP payloads udpsink received, hex, one a line
payloads() {
    "$PY" - "$1" <<'EOF'
import struct, sys
d = open(sys.argv[1], "rb").read()
off = 24
while off + 16 <= len(d):
    n = struct.unpack_from("<I", d, off + 8)[0]
    pkt = d[off + 16:off + 16 + n]
    off += 16 + n
    ihl = (pkt[0] & 15) * 4 if pkt[0] >> 4 == 4 else 40
    print(pkt[ihl + 8:].hex())
EOF
}

# same LABEL NCOLL OPTIONS... : run OPTIONS (with --collector to NCOLL
# fresh sinks), print their configuration, run it with -f; the sinks of
# both runs must hold the same datagrams
same() {
    local label=$1 ncoll=$2 i coll=() rc
    shift 2
    for i in $(seq "$ncoll"); do
        sink_start "$label-a$i" || { fail "$label: udpsink"; return; }
        coll+=(-c "127.0.0.1:${COLL_PORT[$label-a$i]}")
    done
    run_xflowd "$label-cli" --read "$PCAP" "${coll[@]}" "$@"
    rc=$?
    for i in $(seq "$ncoll"); do collector_stop "$label-a$i"; done
    check "$label: the command line runs (rc=$rc)" [ "$rc" = 0 ] || show_err "$label-cli"
    "$XFLOWD" --read "$PCAP" "${coll[@]}" "$@" --check-config -v \
        >"$T/$label.out" 2>"$T/$label.check.err"
    rc=$?
    check "$label: --check-config -v prints its configuration (rc=$rc)" \
        [ "$rc" = 0 ] || show_err "$label.check"
    sed 1d "$T/$label.out" >"$T/$label.conf"
    # the second run's sinks take the ports of the first's
    for i in $(seq "$ncoll"); do
        sink_start "$label-b$i" || { fail "$label: udpsink"; return; }
        sed -i "s/^    transport udp ${COLL_PORT[$label-a$i]}\$/    transport udp ${COLL_PORT[$label-b$i]}/" \
            "$T/$label.conf"
    done
    run_xflowd "$label-file" -f "$T/$label.conf" --read "$PCAP"
    rc=$?
    for i in $(seq "$ncoll"); do collector_stop "$label-b$i"; done
    check "$label: the printed file runs with -f (rc=$rc)" [ "$rc" = 0 ] || show_err "$label-file"
    for i in $(seq "$ncoll"); do
        payloads "$T/$label-a$i.pcap" >"$T/$label-a$i.hex"
        payloads "$T/$label-b$i.pcap" >"$T/$label-b$i.hex"
        check "$label: collector $i got $(wc -l <"$T/$label-a$i.hex") datagrams, the same bytes from -f" \
            bash -c '[ -s "$1" ] && cmp -s "$1" "$2"' _ "$T/$label-a$i.hex" "$T/$label-b$i.hex"
    done
}

same ipfix 2 -e ipfix \
    --record 'pairs:sourceIPv4Address,destinationIPv4Address/packetDeltaCount,octetDeltaCount' \
    -t pairs -t ipv6-five-tuple -s 3 --sample-mode deterministic \
    -A 20 -I 5 -D 7 --mtu 1200 --template-refresh 30 --template-refresh-packets 4
grep -q "^    record pairs$" "$T/ipfix.conf" &&
    grep -q "^    match destinationIPv4Address$" "$T/ipfix.conf" &&
    grep -q "^    mode deterministic 1 out-of 3$" "$T/ipfix.conf"
check "ipfix: the file has the record, its elements and the sampler" [ $? = 0 ]

SPORT=$(free_port 4)
same v9 2 -e v9 -t ipv4-five-tuple -t ipv6-five-tuple -s 2 -A 60 -I 10 \
    --source-port "$SPORT" --export-source 127.0.0.1 -C 4096
grep -q "^    source-port $SPORT$" "$T/v9.conf"
check "v9: the file pins the source port" [ $? = 0 ]

# v5 carries IPv4 only: the file names ipv4-five-tuple alone. (Without
# -t, the command line also meters IPv6 flows that v5 skips, and the last
# of them moves the clock of the last message: not the same bytes.)
same v5 1 -e v5 -t ipv4-five-tuple -D 258 -s 5 --sample-mode deterministic \
    -A 30 -I 15
"$XFLOWD" --read "$PCAP" -c 127.0.0.1:9 -e v5 --check-config -v >"$T/v5d.out" 2>&1
check "v5 with the default templates: the file keeps ipv4-five-tuple" \
    bash -c 'grep -q "^    template ipv4-five-tuple$" "$1" && ! grep -q ipv6 "$1"' _ "$T/v5d.out"

# the bgp block (issue 17): --bgp-* and --as are the bgp block and the
# exporter's 'as' setting; both runs listen (no neighbor comes, nothing is
# awaited: every AS is 0) and send the same bytes
BGPPORT=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
same bgp 1 -e v5 -t ipv4-five-tuple --as peer --bgp-local-as 64512 \
    --bgp-router-id 192.0.2.1 --bgp-listen "127.0.0.1,$BGPPORT" \
    --bgp-neighbor 127.0.0.1:65010 --bgp-neighbor '[2001:db8::1]:4200000001' \
    --bgp-hold-time 30 --bgp-stale-time 20 --bgp-wait-end-of-rib 0
grep -q "^    as peer$" "$T/bgp.conf" &&
    grep -q "^bgp # line" "$T/bgp.conf" &&
    grep -q "^    local-as 64512$" "$T/bgp.conf" &&
    grep -q "^    router-id 192.0.2.1$" "$T/bgp.conf" &&
    grep -q "^    listen 127.0.0.1 port $BGPPORT$" "$T/bgp.conf" &&
    grep -q "^    neighbor 127.0.0.1 remote-as 65010$" "$T/bgp.conf" &&
    grep -q "^    neighbor 2001:db8::1 remote-as 4200000001$" "$T/bgp.conf" &&
    grep -q "^    hold-time 30$" "$T/bgp.conf" &&
    grep -q "^    stale-time 20$" "$T/bgp.conf" &&
    grep -q "^    wait-end-of-rib 0$" "$T/bgp.conf"
check "bgp: the file has the bgp block and the exporter's 'as peer'" [ $? = 0 ]
sed 1d "$T/bgp.out" >"$T/bgp.orig.conf" # the collector's port as printed
"$XFLOWD" -f "$T/bgp.orig.conf" --check-config -v >"$T/bgp2.out" 2>&1
sed 1,2d "$T/bgp.out" >"$T/bgp.a"
sed 1,2d "$T/bgp2.out" >"$T/bgp.b"
check "bgp: -f reads it as the same configuration" cmp -s "$T/bgp.a" "$T/bgp.b"
# the listen address the other ways, IPv6 in brackets; the defaults
"$XFLOWD" --read "$PCAP" -c 127.0.0.1:9 --bgp-local-as 1 --bgp-router-id 10.0.0.1 \
    --bgp-neighbor '[::1]:2' --bgp-listen '[::1]:1179' --check-config -v >"$T/bgp6.out" 2>&1
check "bgp: --bgp-listen [::1]:1179, hold, stale and End-of-RIB wait by default" \
    bash -c 'grep -q "^    listen ::1 port 1179$" "$1" && grep -q "^    neighbor ::1 remote-as 2$" "$1" &&
        grep -q "^    hold-time 90$" "$1" && grep -q "^    stale-time 360$" "$1" &&
        grep -q "^    wait-end-of-rib 30$" "$1"' _ "$T/bgp6.out"
"$XFLOWD" --read "$PCAP" -c 127.0.0.1:9 --bgp-local-as 1 --bgp-router-id 10.0.0.1 \
    --bgp-neighbor 127.0.0.1:2 --bgp-listen 127.0.0.2:1180 --check-config -v >"$T/bgpc.out" 2>&1
check "bgp: --bgp-listen ADDRESS:PORT" grep -q "^    listen 127.0.0.2 port 1180$" "$T/bgpc.out"
"$XFLOWD" --read "$PCAP" -c 127.0.0.1:9 --bgp-local-as 1 --bgp-router-id 10.0.0.1 \
    --check-config >"$T/bgpn.out" 2>&1
rc=$?
check "bgp: no --bgp-neighbor: exit 2 naming it (rc=$rc)" \
    bash -c '[ "$1" = 2 ] && grep -q -- "--bgp-neighbor ADDRESS:AS missing" "$2"' _ "$rc" "$T/bgpn.out"
"$XFLOWD" --read "$PCAP" -c 127.0.0.1:9 --bgp-local-as 1 --bgp-router-id 10.0.0.1 \
    --bgp-neighbor 2001:db8::1:65010 --check-config >"$T/bgpv6.out" 2>&1
rc=$?
check "bgp: an IPv6 neighbor without brackets: exit 2 (rc=$rc)" \
    bash -c '[ "$1" = 2 ] && grep -q -- "IPv6 as \[ADDRESS\]:AS" "$2"' _ "$rc" "$T/bgpv6.out"

# a UDP and a TCP collector of one command line: one exporting process.
# The printed file's exporters differ in template refresh (UDP's alone)
# and are one exporting process too: both collectors get the same bytes
# from -f, and the same statistics
mixed() {
    local label=$1 rc
    shift
    sink_start "$label-a" || { fail "$label: udpsink"; return; }
    tcpsink_start "$label-ta" || { fail "$label: tcpsink"; return; }
    run_xflowd "$label-cli" --read "$PCAP" -c "127.0.0.1:${COLL_PORT[$label-a]}" \
        -c "127.0.0.1:${COLL_PORT[$label-ta]}/tcp" --stats-file "$T/$label-cli.json" "$@"
    rc=$?
    collector_stop "$label-a"
    tcpsink_stop "$label-ta"
    check "$label: the command line runs (rc=$rc)" [ "$rc" = 0 ] || show_err "$label-cli"
    "$XFLOWD" --read "$PCAP" -c "127.0.0.1:${COLL_PORT[$label-a]}" \
        -c "127.0.0.1:${COLL_PORT[$label-ta]}/tcp" "$@" --check-config -v >"$T/$label.out" 2>&1
    sed 1d "$T/$label.out" >"$T/$label.conf"
    sink_start "$label-b" || { fail "$label: udpsink"; return; }
    tcpsink_start "$label-tb" || { fail "$label: tcpsink"; return; }
    sed -i -e "s/^    transport udp ${COLL_PORT[$label-a]}\$/    transport udp ${COLL_PORT[$label-b]}/" \
        -e "s/^    transport tcp ${COLL_PORT[$label-ta]}\$/    transport tcp ${COLL_PORT[$label-tb]}/" \
        "$T/$label.conf"
    run_xflowd "$label-file" -f "$T/$label.conf" --read "$PCAP" --stats-file "$T/$label-file.json"
    rc=$?
    collector_stop "$label-b"
    tcpsink_stop "$label-tb"
    check "$label: the printed file runs with -f (rc=$rc)" [ "$rc" = 0 ] || show_err "$label-file"
    payloads "$T/$label-a.pcap" >"$T/$label-a.hex"
    payloads "$T/$label-b.pcap" >"$T/$label-b.hex"
    check "$label: the UDP collector got $(wc -l <"$T/$label-a.hex") datagrams, the same bytes from -f" \
        bash -c '[ -s "$1" ] && cmp -s "$1" "$2"' _ "$T/$label-a.hex" "$T/$label-b.hex"
    payloads "$T/$label-ta.conn1.pcap" >"$T/$label-ta.hex"
    payloads "$T/$label-tb.conn1.pcap" >"$T/$label-tb.hex"
    check "$label: the TCP collector got $(wc -l <"$T/$label-ta.hex") messages, the same bytes from -f" \
        bash -c '[ -s "$1" ] && cmp -s "$1" "$2"' _ "$T/$label-ta.hex" "$T/$label-tb.hex"
    check "$label: the statistics alike but for the collectors' names" \
        "$PY" -c 'import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:])
for s in a, b:
    for c in s["collectors"]:
        c.pop("collector"); c.pop("exporter", None)
sys.exit(a != b)' "$T/$label-cli.json" "$T/$label-file.json"
}
mixed mixed -e ipfix
mixed mixed-refresh -e ipfix -D 9 --template-refresh 20 --template-refresh-packets 3 -s 4

# live: interface blocks (capture, hook, promiscuous), a TCP collector
# and a named one; -f reads the printed file back as the same model
"$XFLOWD" -i lo -i xf$$ --capture ebpf --ebpf-hook xdp --promiscuous on \
    -c '[::1]:4739/tcp' -c localhost:2055 --resolve-interval 30 -e ipfix \
    --check-config -v >"$T/live.out" 2>&1
rc=$?
check "live: --check-config -v (rc=$rc)" [ "$rc" = 0 ] || sed 's/^/       /' "$T/live.out"
sed 1d "$T/live.out" >"$T/live.conf"
"$XFLOWD" -f "$T/live.conf" --check-config -v >"$T/live2.out" 2>&1
rc=$?
check "live: the printed file passes -f --check-config (rc=$rc)" [ "$rc" = 0 ] ||
    sed 's/^/       /' "$T/live2.out"
sed 1,2d "$T/live.out" >"$T/live.a"
sed 1,2d "$T/live2.out" >"$T/live.b"
check "live: -f reads it as the same configuration" cmp -s "$T/live.a" "$T/live.b"
grep -q "^    capture ebpf xdp$" "$T/live.conf" &&
    grep -q "^    promiscuous on$" "$T/live.conf" &&
    grep -q "^    transport tcp 4739$" "$T/live.conf" &&
    grep -q "^    destination localhost$" "$T/live.conf" &&
    grep -q "^    resolve-interval 30$" "$T/live.conf" &&
    grep -q "^interface xf$$ # line" "$T/live.conf"
check "live: interfaces, transport and names as given" [ $? = 0 ]

# the command line alone still needs -f for --check-config
# (tests/config/run.sh keeps that)
"$XFLOWD" --read "$PCAP" -c 127.0.0.1:9 --check-config >"$T/short.out" 2>&1
check "--check-config without -v: one line" \
    [ "$(cat "$T/short.out")" = "command line: configuration OK" ]
"$XFLOWD" --read "$PCAP" -c 127.0.0.1:9 -s 0 --check-config >"$T/bad.out" 2>&1
rc=$?
check "--check-config of a wrong command line: exit 2 naming the option (rc=$rc)" \
    bash -c '[ "$1" = 2 ] && grep -q -- "--sample" "$2"' _ "$rc" "$T/bad.out"
finish
