#!/usr/bin/env bash
# test_routes.sh - Cisco's v5 routing fields from the kernel's main table
# (netlink/route.c): in a namespace of our own, three veth interfaces with
# addresses and routes (a default via a gateway on up0, 172.16.0.0/16 via a
# gateway on up1 with a more specific /32 via up0, connected /24s, IPv6
# prefixes via a gateway, connected, and an address with no route).
# xflowd --read runs in that namespace on a pcap of flows into those
# prefixes; nfdump (nfcapd) and tshark (cflow) must show, per flow, the next
# hop (the destination route's gateway, 0 when connected or without a
# route), the source and destination masks (the prefix lengths of the
# routes matching each address) and the output ifindex (the destination
# route's interface, 0 without one): NetFlow v5, then v9 and IPFIX records
# with the IPv4 and IPv6 elements. --no-routes gives zeros; the five-tuple
# IPFIX templates do not even open the table.
. "$(dirname "$0")/lib.sh"
need_xflowd
need_scapy
need_cmd ip nfcapd nfdump tshark
[ "$(id -u)" = 0 ] || skip "needs root for a network namespace"

# ---- outside: build the namespace, then run this script inside it ----
if [ -z "${XF_ROUTES_NS:-}" ]; then
	NS=xfrt$$
	trap 'ip netns del "$NS" 2>/dev/null; xf_cleanup' EXIT
	ip netns add "$NS" 2>/dev/null || skip "cannot create a network namespace"
	n() { ip -n "$NS" "$@"; }
	n link set lo up
	for d in up0 up1 lan0; do
		n link add "$d" type veth peer name "$d-p" 2>/dev/null ||
			skip "cannot create a veth pair"
		n link set "$d" up
		n link set "$d-p" up
	done
	set -e
	n addr add 10.0.1.1/24 dev up0
	n addr add 10.0.2.1/24 dev up1
	n addr add 192.168.10.1/24 dev lan0
	n -6 addr add 2001:db8:1::1/64 dev up0 nodad
	n -6 addr add 2001:db8:2::1/64 dev up1 nodad
	n -6 addr add 2001:db8:10::1/64 dev lan0 nodad
	n route add default via 10.0.1.254 dev up0
	n route add 172.16.0.0/16 via 10.0.2.254 dev up1
	n route add 172.16.5.5/32 via 10.0.1.9 dev up0
	n -6 route add 2001:db8:ab00::/40 via 2001:db8:2::fe dev up1
	# another table and a blackhole: not read
	n route add 8.8.0.0/16 via 10.0.2.254 dev up1 table 100
	n route add blackhole 192.168.99.0/24
	set +e
	XF_ROUTES_NS=$NS ip netns exec "$NS" bash "$0"
	exit $?
fi

# ---- inside the namespace ----
# (it creates interfaces and changes routes: never anywhere else)
[ "$(ip netns identify $$)" = "$XF_ROUTES_NS" ] || {
	fail "not in namespace $XF_ROUTES_NS"
	finish
}
idx() { ip -o link show dev "$1" | cut -d: -f1; }
UP0=$(idx up0) UP1=$(idx up1) LAN0=$(idx lan0)
info "namespace $XF_ROUTES_NS: ifindex up0 $UP0, up1 $UP1, lan0 $LAN0"

# src dst nexthop srcmask dstmask output: what Cisco's v5 fields must say
cat >"$T/want.csv" <<EOF
src,dst,nexthop,srcmask,dstmask,outif
192.168.10.5,8.8.8.8,10.0.1.254,24,0,$UP0
192.168.10.6,172.16.3.4,10.0.2.254,24,16,$UP1
8.8.4.4,192.168.10.7,0.0.0.0,0,24,$LAN0
172.16.9.9,172.16.5.5,10.0.1.9,16,32,$UP0
192.168.10.8,10.0.2.77,0.0.0.0,24,24,$UP1
192.168.10.9,192.168.99.1,10.0.1.254,24,0,$UP0
2001:db8:10::5,2001:db8:ab12::1,2001:db8:2::fe,64,40,$UP1
2001:db8:10::6,2001:db8:1::99,::,64,64,$UP0
2001:db8:10::7,2001:db9::1,::,64,0,0
EOF

# three packets per flow, UDP, one flow per line of want.csv
"$PY" - "$T/want.csv" "$T/r.pcap" <<'PYEOF' || { fail "pcap"; finish; }
import csv, sys
from scapy.all import Ether, IP, IPv6, UDP, Raw, wrpcap
pkts, t = [], 1700000000.0
for i, r in enumerate(csv.DictReader(open(sys.argv[1]))):
    for k in range(3):
        ip = IPv6(src=r["src"], dst=r["dst"]) if ":" in r["src"] else IP(src=r["src"], dst=r["dst"])
        p = Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02") / ip / UDP(sport=10000 + i, dport=53) / Raw(b"x" * (20 + k))
        p.time = t
        t += 0.01
        pkts.append(p)
wrpcap(sys.argv[2], pkts)
PYEOF

# judge CSV LABEL FIELDS [zeros]: per flow of want.csv, the routing fields
# (FIELDS: "all" or some of nexthop,srcmask,dstmask,outif) a collector
# decoded (CSV with a header: nfdump's sa,da,nh,smk,dmk,out or
# cflow_records.py's) are the wanted ones, or all zero
judge() {
	"$PY" - "$T/want.csv" "$@" <<'PYEOF'
import csv, ipaddress, sys
want_path, got_path, label, fields = sys.argv[1:5]
zeros = len(sys.argv) > 5
names = {"nexthop": ("nexthop", "nh"), "srcmask": ("srcmask", "smk"),
         "dstmask": ("dstmask", "dmk"), "outif": ("outif", "out")}
if fields != "all":
    names = {k: v for k, v in names.items() if k in fields.split(",")}
got = {}
for r in csv.DictReader(open(got_path)):
    src, dst = r.get("src") or r.get("sa"), r.get("dst") or r.get("da")
    try:
        src, dst = ipaddress.ip_address(src), ipaddress.ip_address(dst)
    except ValueError:
        continue  # nfdump's summary lines
    vals = {}
    for k, alts in names.items():
        v = next((r[a] for a in alts if a in r and r[a] not in (None, "")), None)
        vals[k] = v
    got[(str(src), str(dst))] = vals
errs, n = [], 0
for w in csv.DictReader(open(want_path)):
    key = (w["src"], w["dst"])
    if key not in got:
        errs.append("%s -> %s: no record" % key)
        continue
    g = got[key]
    v6 = ":" in w["src"]
    if zeros:
        w = dict(w, nexthop="::" if v6 else "0.0.0.0", srcmask="0", dstmask="0", outif="0")
    for k in names:
        gv = g[k]
        if gv is None:
            errs.append("%s -> %s: no %s" % (key + (k,)))
            continue
        if k == "nexthop":
            ok = ipaddress.ip_address(gv) == ipaddress.ip_address(w[k])
        else:
            ok = int(gv, 0) == int(w[k])
        if not ok:
            errs.append("%s -> %s: %s %s, want %s" % (key + (k, gv, w[k])))
    n += 1
print("%s: %d flows checked, %d differences" % (label, n, len(errs)))
for e in errs:
    print("  " + e)
sys.exit(1 if errs or n == 0 else 0)
PYEOF
}

# run LABEL ARGS...: xflowd --read to nfcapd and udpsink; leaves
# $T/LABEL.nfdump.csv and $T/LABEL.tshark.csv
run() {
	local label=$1 rc
	shift
	nfcapd_start "$label.nf" || { fail "$label: nfcapd did not start"; return 1; }
	sink_start "$label.sink" || { fail "$label: udpsink did not start"; return 1; }
	run_xflowd "$label" --read "$T/r.pcap" --collector "$(addr_of "$label.nf")" \
		--collector "$(addr_of "$label.sink")" -v "$@"
	rc=$?
	collector_stop "$label.nf"
	collector_stop "$label.sink"
	check "$label: xflowd exits 0 (rc=$rc)" [ "$rc" = 0 ] || { show_err "$label"; return 1; }
	TZ=UTC nfdump -R "${COLL_DIR[$label.nf]}" -N -o csv >"$T/$label.nfdump.csv" 2>"$T/$label.nfdump.err"
	check "$label: tshark decodes every record, no malformed packet or expert warning" \
		"$PY" "$XF_HERE/cflow_records.py" "$T/$label.sink.pcap" "${COLL_PORT[$label.sink]}" \
		"$T/$label.tshark.csv"
}

V4='sourceIPv4Address,destinationIPv4Address/packetDeltaCount,octetDeltaCount,ipNextHopIPv4Address,sourceIPv4PrefixLength,destinationIPv4PrefixLength,egressInterface'
V6='sourceIPv6Address,destinationIPv6Address/packetDeltaCount,octetDeltaCount,ipNextHopIPv6Address,sourceIPv6PrefixLength,destinationIPv6PrefixLength,egressInterface'

# NetFlow v5: the IPv4 flows (v5 cannot carry IPv6)
grep -v : "$T/want.csv" >"$T/want4.csv"
if run v5 --export v5; then
	check "v5: the routing table was read" grep -q "routing table: .* routes" "$T/v5.err"
	cp "$T/want.csv" "$T/want.all" && cp "$T/want4.csv" "$T/want.csv"
	# nfdump's v5 reader keeps no masks (only v9/IPFIX ones): tshark judges them
	check "v5: nfdump shows next hop and output per flow" \
		judge "$T/v5.nfdump.csv" "v5 nfdump" nexthop,outif
	check "v5: tshark shows next hop, masks, output per flow" judge "$T/v5.tshark.csv" "v5 tshark" all
	cp "$T/want.all" "$T/want.csv"
fi

# v9 and IPFIX: records with the IPv4 and IPv6 routing elements
for ver in v9 ipfix; do
	run "$ver" --export "$ver" --record "rt4:$V4" --record "rt6:$V6" -t rt4 -t rt6 || continue
	check "$ver: nfdump shows next hop, masks, output per flow (IPv4, IPv6)" \
		judge "$T/$ver.nfdump.csv" "$ver nfdump" all
	check "$ver: tshark shows next hop, masks, output per flow (IPv4, IPv6)" \
		judge "$T/$ver.tshark.csv" "$ver tshark" all
done

# --no-routes: the same fields, all zero, and no table read
cp "$T/want.csv" "$T/want.all" && cp "$T/want4.csv" "$T/want.csv"
if run nor5 --export v5 --no-routes; then
	check "--no-routes v5: nfdump shows zeros" \
		judge "$T/nor5.nfdump.csv" "no-routes v5 nfdump" nexthop,outif zeros
	check "--no-routes v5: tshark shows zeros" \
		judge "$T/nor5.tshark.csv" "no-routes v5 tshark" all zeros
	check "--no-routes v5: the routing table was not read" bash -c '! grep -q "routing table" "$1"' _ "$T/nor5.err"
fi
cp "$T/want.all" "$T/want.csv"
if run norfix --export ipfix --no-routes --record "rt4:$V4" --record "rt6:$V6" -t rt4 -t rt6; then
	check "--no-routes ipfix: tshark shows zeros (IPv4, IPv6)" \
		judge "$T/norfix.tshark.csv" "no-routes ipfix tshark" all zeros
	check "--no-routes ipfix: nfdump shows zeros (IPv4, IPv6)" \
		judge "$T/norfix.nfdump.csv" "no-routes ipfix nfdump" all zeros
fi

# the five-tuple templates have no routing element: no table at all
if run five --export ipfix; then
	check "ipfix five-tuple: the routing table was not read" \
		bash -c '! grep -q "routing table" "$1"' _ "$T/five.err"
fi

# live: a route added while xflowd runs reaches it (a notification), and
# the IPv4 routes of an interface that goes down, which the kernel flushes
# without a word per route, are gone. The lookup is at export time: each
# flow is exported (inactive timeout 1 s) before the next change.
ip link add lv0 type veth peer name lv1 && ip link set lv0 up && ip link set lv1 up &&
	ip addr add 10.0.3.1/24 dev lv0 || { fail "live: interfaces"; finish; }
cat >"$T/want.csv" <<EOF
src,dst,nexthop,srcmask,dstmask,outif
10.0.3.5,203.0.113.1,10.0.1.254,24,0,$UP0
10.0.3.5,203.0.113.2,10.0.2.9,24,24,$UP1
10.0.3.5,203.0.113.3,10.0.1.254,24,0,$UP0
EOF
send() {
	"$PY" -c "
from scapy.all import Ether, IP, UDP, sendp
sendp([Ether(src='02:00:00:00:00:01', dst='02:00:00:00:00:02') / IP(src='10.0.3.5', dst='$1') / UDP(sport=1000, dport=53)] * 3, iface='lv1', verbose=0)"
}
sink_start live.sink || { fail "live: udpsink"; finish; }
timeout -k 5 60 "$XFLOWD" -i lv0 --export v5 --collector "$(addr_of live.sink)" -I 1 -A 5 \
	--control none -v >"$T/live.out" 2>"$T/live.err" &
XP=$!
XF_PIDS+=("$XP")
for _ in $(seq 50); do grep -q "running as" "$T/live.err" 2>/dev/null && break; sleep 0.1; done
kill -0 "$XP" 2>/dev/null || { show_err live; fail "live: xflowd did not start"; finish; }
sleep 0.5
send 203.0.113.1 && sleep 3
ip route add 203.0.113.0/24 via 10.0.2.9 dev up1 && sleep 0.3
send 203.0.113.2 && sleep 3
ip link set up1 down && sleep 0.3
send 203.0.113.3 && sleep 3
kill -TERM "$XP"
wait "$XP"
rc=$?
collector_stop live.sink
check "live: xflowd exits 0 on SIGTERM (rc=$rc)" [ "$rc" = 0 ] || show_err live
check "live: tshark decodes every record" \
	"$PY" "$XF_HERE/cflow_records.py" "$T/live.sink.pcap" "${COLL_PORT[live.sink]}" "$T/live.tshark.csv"
check "live: a route added, then flushed by a link down, as tshark shows" \
	judge "$T/live.tshark.csv" "live v5 tshark" all
finish
