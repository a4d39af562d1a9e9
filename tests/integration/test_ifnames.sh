#!/usr/bin/env bash
# test_ifnames.sh - interface elements from the kernel's interface table
# (rtnetlink): two namespaces joined by a veth pair, a VXLAN tunnel between
# them, xflowd capturing on the far end's vxlan interface with the
# tun4-ipv4-five-tuple-iij template. Packets arrive on vx0 already
# decapsulated, so the tunnel elements are vx0's configured endpoints
# (source: the remote end, destination: the local one); interfaceName is
# vx0, ingressPhysicalInterfaceName the veth it rides on. vx0 is then
# renamed while xflowd runs and the next flow carries the new name.
. "$(dirname "$0")/lib.sh"
need_xflowd
need_cmd ip tshark ss
[ "$(id -u)" = 0 ] || skip "needs root for network namespaces"

NA=xfifa$$ NB=xfifb$$
cleanup_ns() { ip netns del "$NA" 2>/dev/null; ip netns del "$NB" 2>/dev/null; }
trap 'cleanup_ns; xf_cleanup' EXIT
ip netns add "$NA" && ip netns add "$NB" || skip "cannot create network namespaces"
ip -n "$NA" link add vxa type veth peer name vxb netns "$NB" || skip "cannot create a veth pair"
for ns in "$NA" "$NB"; do
    ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
    ip netns exec "$ns" sysctl -qw net.ipv6.conf.default.disable_ipv6=1
    ip -n "$ns" link set lo up
done
ip -n "$NA" addr add 10.99.0.1/24 dev vxa && ip -n "$NA" link set vxa up
ip -n "$NB" addr add 10.99.0.2/24 dev vxb && ip -n "$NB" link set vxb up
ip -n "$NA" link add vx0 type vxlan id 42 local 10.99.0.1 remote 10.99.0.2 dstport 4789 dev vxa ||
    skip "no vxlan support"
ip -n "$NB" link add vx0 type vxlan id 42 local 10.99.0.2 remote 10.99.0.1 dstport 4789 dev vxb
ip -n "$NA" addr add 10.98.0.1/24 dev vx0 && ip -n "$NA" link set vx0 up
ip -n "$NB" addr add 10.98.0.2/24 dev vx0 && ip -n "$NB" link set vx0 up
ip -n "$NB" link set vx0 alias "tunnel to site A"
IFX=$(ip -n "$NB" -o link show vx0 | cut -d: -f1)

rm -f "$T/sink.port"
ip netns exec "$NB" "$PY" "$XF_HERE/udpsink.py" --bind 127.0.0.1 --pcap "$T/sink.pcap" \
    --port-file "$T/sink.port" 2>"$T/sink.log" &
SINK=$!
XF_PIDS+=("$SINK")
for _ in $(seq 100); do [ -s "$T/sink.port" ] && break; sleep 0.05; done
PORT=$(cat "$T/sink.port")

ip netns exec "$NB" "$XFLOWD" --interface vx0 --collector "127.0.0.1:$PORT" -t tun4-ipv4-five-tuple-iij \
    --inactive-timeout 1 --stats-file "$T/x.stats.json" >"$T/x.out" 2>"$T/x.err" &
XP=$!
sleep 1
kill -0 $XP 2>/dev/null || { cat "$T/x.err"; fail "xflowd did not start"; finish; }

# send N datagrams from A to B's tunnel address, port P
send() {
    ip netns exec "$NA" "$PY" -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(int(sys.argv[2])):
    s.sendto(b"x" * 100, ("10.98.0.2", int(sys.argv[1])))' "$1" "$2"
}
send 5001 5
sleep 3 # past the inactive timeout and the export tick
ip -n "$NB" link set vx0 down && ip -n "$NB" link set vx0 name vxr0 && ip -n "$NB" link set vxr0 up
sleep 1
send 5002 7
sleep 3
kill -TERM $XP
wait $XP
rc=$?
kill -INT "$SINK" 2>/dev/null
wait "$SINK" 2>/dev/null
check "xflowd exits 0 on SIGTERM (rc=$rc)" [ "$rc" = 0 ]
check "tshark decodes every record" "$PY" "$XF_HERE/cflow_records.py" "$T/sink.pcap" "$PORT" "$T/recs.csv"
check "interface and tunnel elements from the kernel, the rename picked up" "$PY" - "$T/recs.csv" "$IFX" <<'PYEOF'
import csv, sys
rows = {int(r["dport"]): r for r in csv.DictReader(open(sys.argv[1])) if r["proto"] == "17"}
ifx = sys.argv[2]
want = {5001: ("vx0", 5), 5002: ("vxr0", 7)}
bad = 0
for port, (name, n) in want.items():
    r = rows.get(port)
    got = r and (r["ifname"], int(r["packets"]), r["phys"], r["tun_src"], r["tun_dst"], r["ifindex"], r["src"])
    exp = (name, n, "vxb", "10.99.0.1", "10.99.0.2", ifx, "10.98.0.1")
    print("port %d: %s%s" % (port, got, "" if got == exp else "  want %s" % (exp,)))
    bad += got != exp
sys.exit(bad)
PYEOF
# the port-unreachable replies vx0 sends are egress: not metered as ingress
check "only packets received on vx0 are metered (no flow from 10.98.0.2)" \
    bash -c '! grep -q "^10\.98\.0\.2," "$1"' _ "$T/recs.csv"
finish
