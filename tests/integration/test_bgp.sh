#!/usr/bin/env bash
# test_bgp.sh - AS numbers and BGP next hops from BGP (issue 17): exabgp,
# a real BGP speaker from Debian, announces IPv4 and IPv6 prefixes with
# known AS paths and next hops over loopback to xflowd's passive speaker
# (the configuration's bgp block). xflowd --read waits for End-of-RIB,
# then exports a pcap of flows between those prefixes (and to and from
# addresses no route covers) three ways at once: NetFlow v5 with
# 'as origin', v5 with 'as peer', and IPFIX with bgpSourceAsNumber,
# bgpDestinationAsNumber, bgpNextHopIPv4/IPv6Address and
# bgpPrev/NextAdjacentAsNumber. tshark decodes each to exactly the
# expected ASes and next hops; no route gives 0. The same with an IOS
# running-config (v5 peer-as; v9 origin-as bgp-nexthop) and the --bgp-*
# options. A neighbor AS that differs from the configuration is refused.
. "$(dirname "$0")/lib.sh"
need_xflowd
need_scapy
need_cmd exabgp tshark ss
XFLOWCTL=${XFLOWCTL:-$(dirname "$XFLOWD")/xflowctl}

# the prefixes exabgp announces: AS path (exabgp's own AS 65010 first)
# and next hop; 4200000001 needs 4 octets (v5: AS_TRANS 23456)
cat >"$T/routes" <<'EOF2'
198.51.100.0/24 10.0.0.1 65010 65020 65030
203.0.113.0/24 10.0.0.2 65010 4200000001
203.0.113.128/25 10.0.0.3 65010 65021
2001:db8:100::/48 2001:db8::1 65010 65040
2001:db8:200::/48 2001:db8::2 65010 65041 65050
EOF2

# src dst: srcas dstas peer-src peer-dst nexthop (origin ASes, first ASes
# of the path, the destination's BGP next hop; 0 without a route)
cat >"$T/want.csv" <<'EOF2'
src,dst,srcas,dstas,psrc,pdst,nh
198.51.100.5,203.0.113.7,65030,4200000001,65010,65010,10.0.0.2
203.0.113.8,198.51.100.9,4200000001,65030,65010,65010,10.0.0.1
192.0.2.10,203.0.113.200,0,65021,0,65010,10.0.0.3
198.51.100.30,192.0.2.11,65030,0,65010,0,0.0.0.0
2001:db8:100::5,2001:db8:200::7,65040,65050,65010,65010,2001:db8::2
2001:db8:300::1,2001:db8:100::9,0,65040,0,65010,2001:db8::1
EOF2

"$PY" - "$T/want.csv" "$T/r.pcap" <<'PYEOF' || { fail "pcap"; finish; }
import csv, sys
from scapy.all import Ether, IP, IPv6, UDP, Raw, wrpcap
pkts, t = [], 1700000000.0
for i, r in enumerate(csv.DictReader(open(sys.argv[1]))):
    for k in range(2):
        ip = IPv6(src=r["src"], dst=r["dst"]) if ":" in r["src"] else IP(src=r["src"], dst=r["dst"])
        p = Ether() / ip / UDP(sport=20000 + i, dport=53) / Raw(b"x" * 20)
        p.time = t
        t += 0.01
        pkts.append(p)
wrpcap(sys.argv[2], pkts)
PYEOF

# a TCP port free right now on the loopback
BGP_PORT=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

# exabgp_start AS: exabgp as AS 65010 or another, connecting to xflowd
exabgp_start() {
	local as=$1
	{
		cat <<EOF2
neighbor 127.0.0.1 {
	router-id 10.0.0.254;
	local-address 127.0.0.1;
	local-as $as;
	peer-as 64512;
	connect $BGP_PORT;
	passive false;
	family {
		ipv4 unicast;
		ipv6 unicast;
	}
	static {
EOF2
		while read -r pfx nh path; do
			echo "		route $pfx next-hop $nh as-path [ $path ];"
		done <"$T/routes"
		echo "	}"
		echo "}"
	} >"$T/exabgp.conf"
	env exabgp.daemon.drop=false exabgp.daemon.user="$(id -un)" \
		exabgp.tcp.bind='' exabgp.log.destination=stdout \
		exabgp.api.cli=false \
		exabgp "$T/exabgp.conf" >"$T/exabgp.log" 2>&1 &
	XF_PIDS+=("$!")
	EXABGP=$!
}

exabgp_stop() {
	kill -TERM "$EXABGP" 2>/dev/null
	wait "$EXABGP" 2>/dev/null
}

# wait_listen PORT PID: until something listens on TCP PORT (or PID ends)
wait_listen() {
	local i
	for i in $(seq 200); do
		[ -n "$(ss -Hltn "sport = :$1" 2>/dev/null)" ] && return 0
		kill -0 "$2" 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
}

sink_start v5o || { fail "udpsink"; finish; }
sink_start v5p || { fail "udpsink"; finish; }
sink_start fix || { fail "udpsink"; finish; }
cat >"$T/x.conf" <<EOF2
exporter v5o
    destination 127.0.0.1
    transport udp ${COLL_PORT[v5o]}
    export-protocol netflow-v5
    as origin
exporter v5p
    destination 127.0.0.1
    transport udp ${COLL_PORT[v5p]}
    export-protocol netflow-v5
    as peer
exporter fix
    destination 127.0.0.1
    transport udp ${COLL_PORT[fix]}
    export-protocol ipfix
record bgp4
    match sourceIPv4Address destinationIPv4Address
    collect packetDeltaCount bgpSourceAsNumber bgpDestinationAsNumber
    collect bgpNextHopIPv4Address bgpPrevAdjacentAsNumber
    collect bgpNextAdjacentAsNumber
record bgp6
    match sourceIPv6Address destinationIPv6Address
    collect packetDeltaCount bgpSourceAsNumber bgpDestinationAsNumber
    collect bgpNextHopIPv6Address bgpPrevAdjacentAsNumber
    collect bgpNextAdjacentAsNumber
monitor v5
    template ipv4-five-tuple
    exporter v5o
    exporter v5p
monitor bgp
    record bgp4
    record bgp6
    exporter fix
bgp
    local-as 64512
    router-id 192.0.2.1
    listen 127.0.0.1 port $BGP_PORT
    neighbor 127.0.0.1 remote-as 65010
    wait-end-of-rib 60
EOF2
check "--check-config accepts the bgp block" "$XFLOWD" -f "$T/x.conf" --check-config

# xflowd first (it waits for the table), then exabgp connects to it
"$XFLOWD" -f "$T/x.conf" --read "$T/r.pcap" >"$T/run.out" 2>"$T/run.err" &
XF=$!
XF_PIDS+=("$XF")
wait_listen "$BGP_PORT" "$XF" || { fail "xflowd does not listen on $BGP_PORT"; show_err run; finish; }
exabgp_start 65010
for _ in $(seq 1200); do
	kill -0 "$XF" 2>/dev/null || break
	sleep 0.05
done
kill -0 "$XF" 2>/dev/null && { fail "xflowd still running after 60 s"; kill "$XF"; }
wait "$XF"
rc=$?
exabgp_stop
for s in v5o v5p fix; do collector_stop "$s"; done
check "xflowd --read with BGP exits 0 (rc=$rc)" [ "$rc" = 0 ] || { show_err run 20; tail -20 "$T/exabgp.log"; }
check "the session came up and End-of-RIB came before metering" \
	grep -q "every neighbor's table is in" "$T/run.err"

# judge NAME MODE: each record tshark decodes (its JSON: every dict with
# cflow.srcas is a flow record) against want.csv; MODE origin or peer
# (v5: the AS fields per the setting, 4-octet ones as 23456) or ipfix
# (every element)
judge() {
	tshark -n -r "$T/$1.pcap" -d "udp.port==${COLL_PORT[$1]},cflow" -T json \
		>"$T/$1.json" 2>"$T/$1.tshark.err"
	"$PY" - "$T/want.csv" "$T/$1.json" "$2" <<'PYEOF'
import csv, ipaddress, json, sys
want_path, got_path, mode = sys.argv[1:4]
got = {}
def walk(n):
    if isinstance(n, dict):
        if "cflow.srcas" in n:
            src = n.get("cflow.srcaddr") or n.get("cflow.srcaddrv6")
            dst = n.get("cflow.dstaddr") or n.get("cflow.dstaddrv6")
            got[(str(ipaddress.ip_address(src)), str(ipaddress.ip_address(dst)))] = dict(
                srcas=n.get("cflow.srcas"), dstas=n.get("cflow.dstas"),
                psrc=n.get("cflow.peer_srcas"), pdst=n.get("cflow.peer_dstas"),
                nh=n.get("cflow.bgpnexthop") or n.get("cflow.bgpnexthopv6"))
        for v in n.values():
            walk(v)
    elif isinstance(n, list):
        for v in n:
            walk(v)
text = open(got_path).read()
walk(json.loads(text))
if "_ws.malformed" in text or "_ws.expert" in text:
    print("tshark reports a malformed packet or an expert warning")
    sys.exit(1)
def v5(a):
    a = int(a)
    return 23456 if a > 65535 else a
errs, n = [], 0
for w in csv.DictReader(open(want_path)):
    key = (w["src"], w["dst"])
    if mode != "ipfix" and ":" in w["src"]:
        continue
    n += 1
    g = got.get(key)
    if g is None:
        errs.append("%s -> %s: no record" % key)
        continue
    if mode == "ipfix":
        exp = dict(srcas=int(w["srcas"]), dstas=int(w["dstas"]), psrc=int(w["psrc"]), pdst=int(w["pdst"]))
        if ipaddress.ip_address(g["nh"] or "0.0.0.0") != ipaddress.ip_address(w["nh"]):
            errs.append("%s -> %s: BGP next hop %s, want %s" % (key + (g["nh"], w["nh"])))
    elif mode == "v9":
        # IOS's v9 record with origin-as bgp-nexthop: IPv4, origin ASes
        exp = dict(srcas=int(w["srcas"]), dstas=int(w["dstas"]))
        if ipaddress.ip_address(g["nh"] or "0.0.0.0") != ipaddress.ip_address(w["nh"]):
            errs.append("%s -> %s: BGP next hop %s, want %s" % (key + (g["nh"], w["nh"])))
    elif mode == "origin":
        exp = dict(srcas=v5(w["srcas"]), dstas=v5(w["dstas"]))
    else:
        exp = dict(srcas=v5(w["psrc"]), dstas=v5(w["pdst"]))
    for k, v in exp.items():
        if g[k] is None or int(g[k]) != v:
            errs.append("%s -> %s: %s %s, want %s" % (key + (k, g[k], v)))
print("%s: %d flows checked, %d differences" % (mode, n, len(errs)))
for e in errs:
    print("  " + e)
sys.exit(1 if errs or n == 0 else 0)
PYEOF
}

check "v5 'as origin': tshark shows each flow's origin ASes (0 without a route)" judge v5o origin
check "v5 'as peer': tshark shows each flow's peer ASes (0 without a route)" judge v5p peer
check "IPFIX: tshark shows the BGP ASes and next hops of every flow, IPv4 and IPv6" judge fix ipfix

# The IOS dialect and the command line's bgp block: a running-config
# pasted with its prompts has no place for xflowd's passive speaker, so
# --bgp-* add it. `ip flow-export version 5 peer-as`, then (IOS has one
# version at a time) `version 9 origin-as bgp-nexthop`, each run --read
# waiting for exabgp's End-of-RIB. With --read the configuration names no
# interface (a file replaces them; tests/config binds IOS names through
# aliases with XFLOWD_SYSFS_NET).
# ios_run NAME VERSION-LINE: the run; its collector is sink NAME
ios_run() {
	local name=$1 rc
	sink_start "$name" || { fail "$name: udpsink"; return 1; }
	cat >"$T/$name.conf" <<EOF2
r1#configure terminal
Enter configuration commands, one per line.  End with CNTL/Z.
r1(config)#$2
r1(config)#ip flow-export destination 127.0.0.1 ${COLL_PORT[$name]}
r1(config)#end
r1#
EOF2
	"$XFLOWD" -f "$T/$name.conf" --read "$T/r.pcap" --bgp-local-as 64512 \
		--bgp-router-id 192.0.2.1 --bgp-listen "127.0.0.1,$BGP_PORT" \
		--bgp-neighbor 127.0.0.1:65010 --bgp-wait-end-of-rib 60 \
		>"$T/$name.out" 2>"$T/$name.err" &
	XF=$!
	XF_PIDS+=("$XF")
	wait_listen "$BGP_PORT" "$XF" || {
		fail "$name: xflowd does not listen on $BGP_PORT"
		show_err "$name"
		collector_stop "$name"
		return 1
	}
	exabgp_start 65010
	for _ in $(seq 1200); do
		kill -0 "$XF" 2>/dev/null || break
		sleep 0.05
	done
	kill -0 "$XF" 2>/dev/null && { fail "$name: xflowd still running after 60 s"; kill "$XF"; }
	wait "$XF"
	rc=$?
	exabgp_stop
	collector_stop "$name"
	check "$name: IOS file and --bgp-*: --read exits 0 (rc=$rc)" [ "$rc" = 0 ] ||
		{ show_err "$name" 20; tail -20 "$T/exabgp.log"; }
	check "$name: End-of-RIB came before metering" \
		grep -q "every neighbor's table is in" "$T/$name.err"
}
ios_run ios5 "ip flow-export version 5 peer-as" &&
	check "IOS v5 peer-as with --bgp-*: tshark shows each flow's peer ASes (0 without a route)" \
		judge ios5 peer
ios_run ios9 "ip flow-export version 9 origin-as bgp-nexthop" &&
	check "IOS v9 origin-as bgp-nexthop with --bgp-*: tshark shows SRC_AS, DST_AS and BGP_IPV4_NEXT_HOP (0 without a route)" \
		judge ios9 v9

# live: a lost session's routes are kept for stale-time; a session back
# in time keeps them (its End-of-RIB removes none), one that stays away
# loses them when stale-time ends
wait_log() { # FILE PATTERN [N]: until N (1) lines of FILE have PATTERN, 20 s
	local i
	for i in $(seq 400); do
		[ "$(grep -c "$2" "$1" 2>/dev/null)" -ge "${3:-1}" ] && return 0
		sleep 0.05
	done
	return 1
}
if [ "$(id -u)" = 0 ]; then
	cat >"$T/live.conf" <<EOF2
exporter fix
    destination 127.0.0.1
    transport udp ${COLL_PORT[fix]}
    export-protocol ipfix
monitor m
    exporter fix
interface lo
    monitor m input
bgp
    local-as 64512
    router-id 192.0.2.1
    listen 127.0.0.1 port $BGP_PORT
    neighbor 127.0.0.1 remote-as 65010
    stale-time 10
EOF2
	"$XFLOWD" -f "$T/live.conf" --control "$T/ctl.sock" >"$T/live.out" 2>"$T/live.err" &
	XF=$!
	XF_PIDS+=("$XF")
	if wait_listen "$BGP_PORT" "$XF"; then
		exabgp_start 65010
		check "live: the session comes up with both End-of-RIBs" \
			wait_log "$T/live.err" "End-of-RIB IPv6, 2 prefixes"
		ctl() { "$XFLOWCTL" -s "$T/ctl.sock" "$@"; }
		ctl show bgp summary >"$T/sum.txt" 2>&1
		check "xflowctl show bgp summary: the neighbor, AS 65010, 3/2 prefixes" \
			grep -Eq '^127\.0\.0\.1 +4 +65010 +[0-9]+ [0-9:]+ +3/2$' "$T/sum.txt"
		check "... and its JSON says Established with both End-of-RIBs" "$PY" -c '
import json, sys
n = json.load(open(sys.argv[1]))["neighbors"][0]
sys.exit(not (n["state"] == "Established" and n["end_of_rib_ipv4"] and n["end_of_rib_ipv6"]
              and n["prefixes_ipv4"] == 3 and n["prefixes_ipv6"] == 2 and n["remote_as"] == 65010))
' <(ctl show bgp summary '|' json)
		ctl show ip bgp 203.0.113.200 >"$T/route.txt" 2>&1
		check "xflowctl show ip bgp 203.0.113.200: the /25, its path and next hop" \
			grep -qzE 'entry for 203\.0\.113\.128/25.*AS path: 65010 65021.*Next hop 10\.0\.0\.3' \
			"$T/route.txt"
		check "... and 2001:db8:200::7 the /48 via 2001:db8::2" bash -c \
			'"$1" -s "$2" sh ip bgp 2001:db8:200::7 | grep -qzE "2001:db8:200::/48.*65010 65041 65050.*2001:db8::2"' \
			_ "$XFLOWCTL" "$T/ctl.sock"
		check "... and 192.0.2.1 is not in the table" bash -c \
			'"$1" -s "$2" show ip bgp 192.0.2.1 2>&1 | grep -q "Network not in table"' _ "$XFLOWCTL" "$T/ctl.sock"
		exabgp_stop
		check "live: a lost session's routes are kept for stale-time" \
			wait_log "$T/live.err" "its routes are kept 10 s"
		check "... show bgp summary: Idle, the routes kept" bash -c \
			'"$1" -s "$2" show bgp summary | grep -q "Idle (3/2 kept)"' _ "$XFLOWCTL" "$T/ctl.sock"
		exabgp_start 65010
		check "live: back within stale-time: established again" \
			wait_log "$T/live.err" "AS 65010: established" 2
		check "... its End-of-RIBs remove none of the kept routes" \
			wait_log "$T/live.err" "End-of-RIB IPv6, 2 prefixes (0 stale removed)" 2
		check "... which were never withdrawn" bash -c '! grep -q "stale time over" "$1"' \
			_ "$T/live.err"
		exabgp_stop
		check "live: lost for good, its 5 routes go when stale-time ends" \
			wait_log "$T/live.err" "stale time over, 5 routes withdrawn"
	else
		fail "live: xflowd does not listen on $BGP_PORT"
		show_err live 10
	fi
	kill -TERM "$XF" 2>/dev/null
	wait "$XF"
	check "live: xflowd exits 0 on SIGTERM, BGP included" [ "$?" = 0 ]
fi

# a neighbor whose AS is not the configured remote-as is refused
sed -i 's/remote-as 65010/remote-as 65011/' "$T/x.conf"
sed -i 's/wait-end-of-rib 60/wait-end-of-rib 3/' "$T/x.conf"
"$XFLOWD" -f "$T/x.conf" --read "$T/r.pcap" >"$T/bad.out" 2>"$T/bad.err" &
XF=$!
XF_PIDS+=("$XF")
wait_listen "$BGP_PORT" "$XF" || fail "xflowd does not listen on $BGP_PORT"
exabgp_start 65010
wait "$XF"
rc=$?
exabgp_stop
check "a wrong remote AS: refused, and --read goes on after wait-end-of-rib (rc=$rc)" \
	grep -q "says AS 65010, configured remote-as 65011: refused" "$T/bad.err"
check "... saying it meters without the table" grep -q "not every neighbor sent End-of-RIB" "$T/bad.err"
finish
