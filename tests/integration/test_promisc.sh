#!/usr/bin/env bash
# test_promisc.sh - promiscuous mode by the capture's role.
# - A bridge in a namespace of its own, two hosts on two of its ports,
#   libpcap on the bridge interface (the default, promiscuous off): the
#   hosts' traffic to each other is bridged, not metered; their traffic to
#   the bridge's own address is (nfdump: exactly those packets). The bridge
#   is not PROMISC while xflowd runs.
# - The same with 'promiscuous on' in its interface block: the bridged
#   frames are metered too.
# - examples/mirror-port.conf (afxdp), its interface and collectors
#   renamed: the port is PROMISC while xflowd runs (a mirror port receives
#   frames for other hosts), not after; every replayed frame is metered
#   (nfdump per-flow exact).
. "$(dirname "$0")/lib.sh"
. "$XF_HERE/bpf_lib.sh"
bpf_need
B=prb$$ H1=prh$$ H2=prk$$ BR=pbr$$
ns_add "$B" && ns_add "$H1" && ns_add "$H2" || skip "cannot create namespaces"
veth_pair "$B" pb1$$ "$H1" ph1$$ && veth_pair "$B" pb2$$ "$H2" ph2$$ ||
    skip "cannot create veth pairs"
ip -n "$B" link add "$BR" type bridge || skip "cannot create a bridge"
ip netns exec "$B" sysctl -qw "net.ipv6.conf.$BR.disable_ipv6=1"
ip -n "$B" link set pb1$$ master "$BR"
ip -n "$B" link set pb2$$ master "$BR"
ip -n "$B" link set "$BR" up
ip -n "$B" addr add 10.79.0.254/24 dev "$BR"
ip -n "$H1" addr add 10.79.0.1/24 dev ph1$$
ip -n "$H2" addr add 10.79.0.2/24 dev ph2$$

# promisc NS DEV: is DEV in promiscuous mode?
promisc() { ip -n "$1" -d link show "$2" | grep -q 'promiscuity [1-9]'; }

# send N DST PORT: N UDP datagrams from H1
send() {
    ip netns exec "$H1" "$PY" -c 'import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(int(sys.argv[1])):
    s.sendto(b"x" * 100, (sys.argv[2], int(sys.argv[3])))' "$@"
}

# noports NS: UDP datagrams NS received for a port nobody listens on
noports() { ip netns exec "$1" awk '/^Udp: [0-9]/ { print $4 }' /proc/net/snmp; }

# flows LABEL: "DST:DPORT PACKETS" per UDP flow nfcapd stored (the ICMP
# errors the receivers answer with are rate-limited: not counted on)
flows() {
    nfdump_csv "$1" "$T/$1.csv"
    awk -F, '$1 ~ /^[0-9]/ && $8 == "UDP" { print $5 ":" $7, $12 }' "$T/$1.csv" | LC_ALL=C sort | paste -sd';'
}

# bridge_run LABEL CONF: xflowd -f CONF in the bridge's namespace; 20
# datagrams H1 -> H2 (bridged), 10 H1 -> the bridge's address
bridge_run() {
    local label=$1 conf=$2 rc h2 br
    ns_nfcapd_start "$B" "$label" 127.0.0.1 2055 || { fail "$label: nfcapd"; return 1; }
    ip netns exec "$B" "$XFLOWD" -f "$conf" -v --control none >"$T/$label.out" 2>"$T/$label.err" &
    XP=$!
    XF_PIDS+=("$XP")
    for _ in $(seq 100); do
        grep -q "running as" "$T/$label.err" && break
        sleep 0.05
    done
    if promisc "$B" "$BR"; then BRP=on; else BRP=off; fi
    h2=$(noports "$H2") br=$(noports "$B")
    send 20 10.79.0.2 5001
    send 10 10.79.0.254 5002
    # received: once H2 and the bridge's stack counted them (no listener)
    for _ in $(seq 100); do
        [ "$(noports "$H2")" -ge $((h2 + 20)) ] && [ "$(noports "$B")" -ge $((br + 10)) ] && break
        sleep 0.05
    done
    xflowd_stop
    rc=$?
    ns_collector_stop "$label"
    check "$label: xflowd exits 0 (rc=$rc)" [ "$rc" = 0 ] || show_err "$label"
}

cat >"$T/br.conf" <<EOF2
exporter nf
    destination 127.0.0.1
    transport udp 2055
monitor m
    template ipv4-five-tuple
    exporter nf
interface $BR
    monitor m input
    capture pcap
EOF2
bridge_run brdef "$T/br.conf"
check "pcap on a bridge (default): the bridge is not promiscuous" [ "$BRP" = off ]
check "pcap on a bridge (default): only the traffic to the bridge itself, exact" \
    bash -c '[ "$1" = "10.79.0.254:5002 10" ]' _ "$(flows brdef)"

sed 's/    capture pcap/    capture pcap\n    promiscuous on/' "$T/br.conf" >"$T/brp.conf"
check "--check-config -v prints 'promiscuous on' back" \
    bash -c '"$1" -f "$2" --check-config -v 2>&1 | grep -q "^ *promiscuous on$"' _ "$XFLOWD" "$T/brp.conf"
bridge_run bron "$T/brp.conf"
check "promiscuous on: the bridge is promiscuous" [ "$BRP" = on ]
check "promiscuous on: the bridged frames are metered too" \
    bash -c '[ "$1" = "10.79.0.254:5002 10;10.79.0.2:5001 20" ]' _ "$(flows bron)"
check "after xflowd: the bridge is not promiscuous" bash -c "! ip -n $B -d link show $BR | grep -q 'promiscuity [1-9]'"

# the command line: --promiscuous on|off for the -i interfaces
"$XFLOWD" -i lo -c 127.0.0.1:9 --promiscuous maybe >/dev/null 2>"$T/cli1.err"
rc=$?
check "--promiscuous maybe: exit 2 naming it (rc=$rc)" \
    bash -c '[ "$1" = 2 ] && grep -q "promiscuous .maybe.: expected on or off" "$2"' _ "$rc" "$T/cli1.err"
"$XFLOWD" -f "$T/br.conf" --promiscuous on >/dev/null 2>"$T/cli2.err"
rc=$?
check "--promiscuous with -f: exit 2, pointing to the interface block (rc=$rc)" \
    bash -c '[ "$1" = 2 ] && grep -q "promiscuous on|off" "$2"' _ "$rc" "$T/cli2.err"

# the mirror port, as examples/mirror-port.conf has it
M=prm$$ G=prg$$ MV=pmv$$ GV=pgv$$
ns_add "$M" && ns_add "$G" || skip "cannot create namespaces"
veth_pair "$G" "$GV" "$M" "$MV" || skip "cannot create the mirror port"
sed -e "s/ens1f0/$MV/" -e '/^interface ens1f1/,$d' \
    -e 's/destination collector-a.example.net/destination 127.0.0.1/' \
    -e 's/destination 203.0.113.20/destination 127.0.0.1/' \
    -e 's/transport udp 4739/transport udp 2056/' -e 's/transport tcp 4739/transport udp 2055/' \
    -e 's/cache timeout inactive 30/cache timeout inactive 1/' \
    "$XF_ROOT/examples/mirror-port.conf" >"$T/mirror.conf"
"${XFGEN[@]}" -o "$T/m.pcap" -t "$T/m.csv" --scenario mixed --flows 100 --packets 1000 --seed 71 \
    2>/dev/null || { fail "xfgen"; finish; }
ns_nfcapd_start "$M" mirror 127.0.0.1 2055 || { fail "mirror: nfcapd"; finish; }
ns_sink_start "$M" mirror.b 127.0.0.1 2056 || { fail "mirror: udpsink"; finish; }
xflowd_start "$M" mirror -f "$T/mirror.conf" --control none
# (-f: xflowd_start counts no -i) until the port says it is attached
for _ in $(seq 100); do
    grep -q ": afxdp: " "$T/mirror.err" && break
    sleep 0.05
done
if ! grep -q ": afxdp: " "$T/mirror.err"; then
    fail "mirror: xflowd did not start"
    show_err mirror
    finish
fi
check "mirror-port.conf (afxdp): the port is promiscuous while xflowd runs" promisc "$M" "$MV"
replay "$G" "$GV" "$T/m.pcap" 2000 || fail "mirror: tcpreplay"
xflowd_stop
rc=$?
check "mirror: xflowd exits 0 (rc=$rc)" [ "$rc" = 0 ] || show_err mirror
ns_collector_stop mirror
ns_collector_stop mirror.b
check "mirror: not promiscuous once xflowd is gone" bash -c "! ip -n $M -d link show $MV | grep -q 'promiscuity [1-9]'"
nfdump_csv mirror "$T/mirror.nfdump.csv"
check "mirror-port.conf: every frame metered, per-flow exact (nfdump)" \
    "$PY" "$XF_HERE/compare.py" "$T/m.csv" "$T/mirror.nfdump.csv" --label "mirror nfdump"
finish
