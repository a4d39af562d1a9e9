#!/usr/bin/env bash
# test_direction.sh - Cisco's input and output interfaces, metered at both
# ends of a router: client ns -> router ns (xflowd --capture ebpf, TC on
# its client-side interface A and server-side interface B) -> server ns.
# A record with ingressInterface, flowDirection and egressInterface goes
# as IPFIX to udpsink (tshark decodes it); a second xflowd on the same
# interfaces exports NetFlow v5 to nfcapd (nfdump's input and output).
# - a forwarded UDP flow client -> server: at A's ingress and at B's
#   egress, both with input A, output B; flowDirection 0 and 1;
# - a UDP flow to the router's own address on A: output 0 (IOS's Local),
#   not the connected route's A;
# - the router's own answer to it (ICMP port unreachable, sent out of A):
#   input 0.
. "$(dirname "$0")/lib.sh"
. "$XF_HERE/bpf_lib.sh"
bpf_need
need_xflowctl

C=dic$$ R=dir$$ S=dis$$
CI=dvc$$ RA=dra$$ RB=drb$$ SV=dvs$$
ns_add "$C" && ns_add "$R" && ns_add "$S" || skip "cannot create namespaces"
veth_pair "$C" "$CI" "$R" "$RA" && veth_pair "$R" "$RB" "$S" "$SV" || skip "cannot create veth pairs"
ip -n "$C" addr add 10.98.0.2/24 dev "$CI"
ip -n "$R" addr add 10.98.0.1/24 dev "$RA"
ip -n "$R" addr add 10.99.1.1/24 dev "$RB"
ip -n "$S" addr add 10.99.1.2/24 dev "$SV"
ip -n "$C" route add default via 10.98.0.1
ip -n "$S" route add default via 10.99.1.1
ip netns exec "$R" sysctl -qw net.ipv4.ip_forward=1 net.ipv4.conf.all.send_redirects=0
IA=$(ifindex_of "$R" "$RA") IB=$(ifindex_of "$R" "$RB")
info "router: A = $RA (ifindex $IA), B = $RB (ifindex $IB)"

ns_sink_start "$S" ipfix 10.99.1.2 9996 || { fail "udpsink"; finish; }
ns_nfcapd_start "$S" v5 10.99.1.2 9995 || { fail "nfcapd"; finish; }
REC='dir:ingressInterface,flowDirection,sourceIPv4Address,destinationIPv4Address,protocolIdentifier'
REC+=',sourceTransportPort,destinationTransportPort/egressInterface,packetDeltaCount,octetDeltaCount'
if ! xflowd_start "$R" ipfix --capture ebpf -i "$RA" -i "$RB" -c 10.99.1.2:9996 --record "$REC" \
    --template dir --control "$T/d.sock"; then
    fail "xflowd (IPFIX) did not start"
    show_err ipfix
    finish
fi
XP1=$XP
if ! xflowd_start "$R" v5 --capture ebpf -i "$RA" -i "$RB" -e v5 -c 10.99.1.2:9995 \
    --control none; then
    fail "xflowd (v5) did not start"
    show_err v5
    finish
fi
XP2=$XP

# send N DST PORT: N UDP datagrams from the client
send() {
    ip netns exec "$C" "$PY" -c 'import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("10.98.0.2", 40000 + int(sys.argv[3]) % 1000))
for i in range(int(sys.argv[1])):
    s.sendto(b"x" * 100, (sys.argv[2], int(sys.argv[3])))' "$@"
}
# noports NS: UDP datagrams NS received for a port nobody listens on
noports() { ip netns exec "$1" awk '/^Udp: [0-9]/ { print $3 }' /proc/net/snmp; }
send 10 10.99.1.2 7000
send 5 10.98.0.1 7001
for _ in $(seq 100); do
    [ "$(noports "$S")" -ge 10 ] && [ "$(noports "$R")" -ge 5 ] && break
    sleep 0.05
done
# cache_dirs: the flows to the server in xflowctl's cache, by direction:
# A's ingress names A as SrcIf, B's egress B as DstIf
cache_dirs() {
    "$XFLOWCTL" -s "$T/d.sock" --json show ip cache flow >"$T/cache.json" 2>&1 &&
        "$PY" - "$T/cache.json" "$RA" "$RB" <<'EOF'
import json, sys
j = json.load(open(sys.argv[1]))
def walk(o):
    if isinstance(o, dict):
        if "direction" in o and o.get("dst") == "10.99.1.2":
            yield o
        for v in o.values():
            yield from walk(v)
    elif isinstance(o, list):
        for v in o:
            yield from walk(v)
seen = {(f["direction"], f["src_if"], f["dst_if"]) for f in walk(j)}
print(sorted(seen, key=str))
sys.exit(0 if seen == {("ingress", sys.argv[2], ""), ("egress", "", sys.argv[3])} else 1)
EOF
}
# the two points' records come through the ring on its own timer: wait
# (bounded) until both are metered
for _ in $(seq 100); do
    cache_dirs >/dev/null 2>&1 && break
    sleep 0.05
done
check "xflowctl show ip cache flow: at A's ingress SrcIf $RA, at B's egress DstIf $RB" cache_dirs
XP=$XP1
xflowd_stop
rc=$?
check "IPFIX xflowd exits 0 (rc=$rc)" [ "$rc" = 0 ] || show_err ipfix
XP=$XP2
xflowd_stop
rc=$?
check "v5 xflowd exits 0 (rc=$rc)" [ "$rc" = 0 ] || show_err v5
ns_collector_stop ipfix
ns_collector_stop v5

check "tshark decodes every record" "$PY" "$XF_HERE/cflow_records.py" "$T/ipfix.pcap" 9996 "$T/ipfix.csv"
# the records as "SRC>DST:DPORT/PROTO in IN out OUT dir DIR packets N"
"$PY" - "$T/ipfix.csv" >"$T/ipfix.txt" <<'EOF'
import csv, sys
for r in csv.DictReader(open(sys.argv[1])):
    print("%s>%s:%s/%s in %s out %s dir %s packets %s" % (r["src"], r["dst"], r["dport"], r["proto"],
          r["ifindex"], r["outif"], r["dir"], r["packets"]))
EOF
sed 's/^/       /' "$T/ipfix.txt"
has() { grep -qxF "$1" "$T/ipfix.txt"; }
check "forwarded flow at A's ingress: in $IA out $IB dir 0, 10 packets" \
    has "10.98.0.2>10.99.1.2:7000/17 in $IA out $IB dir 0 packets 10"
check "the same flow at B's egress: in $IA out $IB dir 1, 10 packets" \
    has "10.98.0.2>10.99.1.2:7000/17 in $IA out $IB dir 1 packets 10"
check "no other record of the forwarded flow" \
    [ "$(grep -c '^10.98.0.2>10.99.1.2:7000/17 ' "$T/ipfix.txt")" = 2 ]
check "to the router itself: in $IA out 0 dir 0, 5 packets" \
    has "10.98.0.2>10.98.0.1:7001/17 in $IA out 0 dir 0 packets 5"
check "the router's own ICMP answer out of A: input 0, output $IA, dir 1" \
    grep -q "^10.98.0.1>10.98.0.2:[0-9]*/1 in 0 out $IA dir 1 " "$T/ipfix.txt"

# NetFlow v5 (a second xflowd, TC on the same interfaces): no direction,
# the same input and output at both points
nfdump_csv v5 "$T/v5.csv"
awk -F, '$1 ~ /^[0-9]/ { print $4 ">" $5 ":" $7 "/" $8, "in", $16, "out", $17, "packets", $12 }' \
    "$T/v5.csv" | sort >"$T/v5.txt"
sed 's/^/       /' "$T/v5.txt"
check "v5 (nfdump): the forwarded flow twice (A's ingress, B's egress), input $IA output $IB" \
    [ "$(grep -cxF "10.98.0.2>10.99.1.2:7000/UDP in $IA out $IB packets 10" "$T/v5.txt")" = 2 ]
check "v5 (nfdump): to the router itself: input $IA output 0" \
    grep -qxF "10.98.0.2>10.98.0.1:7001/UDP in $IA out 0 packets 5" "$T/v5.txt"
finish
