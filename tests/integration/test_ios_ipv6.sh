#!/usr/bin/env bash
# test_ios_ipv6.sh - traditional NetFlow for IPv6 in the IOS dialect,
# `-f --read` of a scapy pcap with two IPv6 flows (UDP and TCP with a
# traffic class) and one IPv4 flow, packets and octets known:
# - `ipv6 flow-export version 9` + `ipv6 flow-export destination`: tshark
#   decodes NetFlow v9 with exactly the two IPv6 flows (addresses, ports,
#   protocol, ToS, packets, octets), no IPv4 record, no malformed packet
#   or expert warning; xflowd says the IPv4 packets fit no template.
# - IPv4's and IPv6's traditional NetFlow both v9 to one nfcapd: two
#   monitors (IOS's two caches), the IPv6 one with source ID 2, so nfcapd
#   keeps their templates (each numbered from 256) apart: nfdump shows
#   all three flows exact.
# - `ipv6 flow-export version 5` refused with the line.
. "$(dirname "$0")/lib.sh"
need_xflowd
need_scapy
need_cmd tshark nfcapd nfdump

"$PY" - "$T/m.pcap" <<'PYEOF' || { fail "scapy pcap"; finish; }
import sys
from scapy.all import Ether, IP, IPv6, TCP, UDP, wrpcap
t, pk = 1700000000.0, []
def add(p, at):
    p.time = at
    pk.append(p)
for i in range(3):  # 3 x (40 + 8 + 100) = 444 octets
    add(Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02") /
        IPv6(src="2001:db8::1", dst="2001:db8::2") /
        UDP(sport=1234, dport=53) / (b"x" * 100), t + i)
for i in range(4):  # 4 x (40 + 20 + 200) = 1040 octets, ToS 0x20
    add(Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02") /
        IPv6(src="2001:db8::3", dst="2001:db8::4", tc=0x20) /
        TCP(sport=40000, dport=443, flags="A") / (b"y" * 200), t + i + 0.5)
for i in range(2):  # 2 x (20 + 8 + 50) = 156 octets
    add(Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02") /
        IP(src="10.0.0.1", dst="10.0.0.2") /
        UDP(sport=5000, dport=6000) / (b"z" * 50), t + i + 0.2)
wrpcap(sys.argv[1], pk)
PYEOF

# the truth: src dst sport dport proto tos packets octets
cat >"$T/want6" <<'EOF'
2001:db8::1 2001:db8::2 1234 53 17 0 3 444
2001:db8::3 2001:db8::4 40000 443 6 32 4 1040
EOF
{ cat "$T/want6"; echo "10.0.0.1 10.0.0.2 5000 6000 17 0 2 156"; } >"$T/want46"

# --- IPv6 only, to a udpsink read by tshark
sink_start v6 || { fail "udpsink"; finish; }
cat >"$T/v6.conf" <<EOF
r1#configure terminal
Enter configuration commands, one per line.  End with CNTL/Z.
r1(config)#ipv6 flow-export version 9
r1(config)#ipv6 flow-export destination 127.0.0.1 ${COLL_PORT[v6]}
r1(config)#ipv6 flow-cache timeout inactive 60
r1(config)#end
r1#
EOF
run_xflowd v6 -f "$T/v6.conf" --read "$T/m.pcap"
rc=$?
collector_stop v6
check "ipv6 flow-export version 9: --read exits 0 (rc=$rc)" [ "$rc" = 0 ] ||
	show_err v6
check "the IPv4 packets fit no template of IPv6's monitor, and are said" \
	grep -q "2 IPv4 .*packets (156 octets) fit no configured template" "$T/v6.err"

# tshark's v9 flow records as "src dst sport dport proto tos packets octets"
v9_records() {
	tshark -n -r "$T/$1.pcap" -d "udp.port==${COLL_PORT[$1]},cflow" -T json \
		>"$T/$1.json" 2>"$T/$1.tshark.err"
	"$PY" - "$T/$1.json" <<'PYEOF'
import ipaddress, json, sys
text = open(sys.argv[1]).read()
if "_ws.malformed" in text or "_ws.expert" in text:
    print("tshark reports a malformed packet or an expert warning")
    sys.exit(1)
def one(v):
    return v[0] if isinstance(v, list) else v
versions = set()
def walk(n):
    if isinstance(n, dict):
        if "cflow.version" in n:
            versions.add(int(one(n["cflow.version"])))
        if "cflow.packets" in n and "cflow.srcport" in n:
            src = n.get("cflow.srcaddrv6") or n.get("cflow.srcaddr")
            dst = n.get("cflow.dstaddrv6") or n.get("cflow.dstaddr")
            print(ipaddress.ip_address(one(src)), ipaddress.ip_address(one(dst)),
                  int(one(n["cflow.srcport"])), int(one(n["cflow.dstport"])),
                  int(one(n["cflow.protocol"])), int(one(n["cflow.tos"]), 0),
                  int(one(n["cflow.packets"])), int(one(n["cflow.octets"])))
        for v in n.values():
            walk(v)
    elif isinstance(n, list):
        for v in n:
            walk(v)
walk(json.loads(text))
if versions != {9}:
    print("NetFlow versions %s, want only 9" % sorted(versions))
    sys.exit(1)
PYEOF
}
same() { # WANT GOT: the same lines in any order
	diff <(sort "$1") <(sort "$2")
}
v9_records v6 >"$T/v6.got"
check "tshark: NetFlow v9 with exactly the two IPv6 flows (addresses, ports, protocol, ToS, packets, octets)" \
	same "$T/want6" "$T/v6.got"

# --- IPv4 and IPv6 traditional NetFlow, both v9 to one nfcapd
nfcapd_start both || { fail "nfcapd"; finish; }
cat >"$T/both.conf" <<EOF
ip flow-export version 9
ip flow-export destination 127.0.0.1 ${COLL_PORT[both]}
ipv6 flow-export version 9
ipv6 flow-export destination 127.0.0.1 ${COLL_PORT[both]}
EOF
run_xflowd both -f "$T/both.conf" --read "$T/m.pcap"
rc=$?
collector_stop both
check "ip and ipv6 flow-export to one collector: --read exits 0 (rc=$rc)" [ "$rc" = 0 ] ||
	show_err both
nfdump_csv both "$T/both.csv"
# nfdump -o csv -q: ts,te,td,sa,da,sp,dp,pr,flg,fwd,stos,ipkt,ibyt,...,
# and third from the end the engine (type/id: the v9 source ID's halves)
"$PY" - "$T/both.csv" >"$T/both.got" <<'PYEOF'
import csv, ipaddress, sys
proto = {"UDP": 17, "TCP": 6}
for r in csv.reader(open(sys.argv[1])):
    if len(r) < 20:
        continue
    print(ipaddress.ip_address(r[3]), ipaddress.ip_address(r[4]), r[5], r[6],
          proto.get(r[7], r[7]), r[10], r[11], r[12], r[-3])
PYEOF
sed -e '1,2s|$| 0/2|' -e '3s|$| 0/1|' "$T/want46" >"$T/want46e"
check "nfdump: the IPv4 flow (source ID 1) and both IPv6 flows (source ID 2) exact" \
	same "$T/want46e" "$T/both.got"

# --- refused
printf 'ipv6 flow-export version 5\nipv6 flow-export destination 127.0.0.1 9\n' >"$T/bad.conf"
run_xflowd bad -f "$T/bad.conf" --read "$T/m.pcap"
rc=$?
check "ipv6 flow-export version 5: refused with its line (rc=$rc)" \
	[ "$rc" = 2 ] && check "  ... and why" \
	grep -q "bad.conf:1: 'ipv6 flow-export version 5': IOS exports IPv6 flows in NetFlow version 9 only" "$T/bad.err"

finish
