# shellcheck shell=bash
# bgp_lib.sh - the scenario of test_bgp_bird.sh and test_bgp_frr.sh (issue
# 17): a real routing daemon (the peer) in a namespace of the test's own
# announces IPv4 and IPv6 prefixes with known AS paths and next hops over
# one session to xflowd's passive speaker on that namespace's loopback;
# xflowd captures live on a veth whose peer end is in a second namespace,
# from which scapy sends flows between those prefixes (and to and from
# addresses no route covers); `xflowctl flush` exports them. Judges:
# tshark (IPFIX at a udpsink: origin ASes, first ASes as
# bgpPrev/NextAdjacentAsNumber, BGP next hops) and nfdump (the same
# records at nfcapd). Then the peer is killed (kill -9): flows within
# stale-time still carry the ASes; started again it re-establishes and
# its End-of-RIB removes none of the kept routes; killed for good, when
# stale-time ends the routes are withdrawn and the next flows carry 0.
#
# Source it after lib.sh and bpf_lib.sh; call bgp_setup, write the peer's
# configuration from $T/routes, define peer_start (the daemon in $RTR in
# the foreground, its pid in PEER_PID, added to XF_PIDS), peer_kill and
# peer_log (its log's last lines), set PEER (its name in messages), then
# bgp_run (which ends with finish). The peer's hold time must be 9 s.

# bgp_setup: the checks, the namespaces RTR and HOST with the veth A (in
# RTR, where xflowd captures) and B; $T/routes (prefix, next hop, AS path
# before the peer's own AS), $T/want.csv and $T/want0.csv (each flow's
# ASes and next hop with and without the routes); BGP_PORT
bgp_setup() {
	need_xflowd
	need_xflowctl
	need_scapy
	need_cmd ip ss tshark nfcapd nfdump
	[ "$(id -u)" = 0 ] || skip "needs root for network namespaces"
	ip netns add "bgpprobe$$" 2>/dev/null || skip "cannot create a network namespace"
	ip netns del "bgpprobe$$"

	RTR=bgpr$$ HOST=bgph$$ A=bgpa$$ B=bgpb$$
	if ! ns_add "$RTR" || ! ns_add "$HOST" || ! veth_pair "$RTR" "$A" "$HOST" "$B"; then
		fail "namespaces and veth"
		finish
	fi

	# the peer's routes: prefix, next hop, AS path before its own AS 65010
	# (which eBGP puts first); 4200000001 needs 4 octets (v5: AS_TRANS)
	cat >"$T/routes" <<'EOF2'
198.51.100.0/24 10.0.0.1 65020 65030
203.0.113.0/24 10.0.0.2 4200000001
203.0.113.128/25 10.0.0.3 65021
2001:db8:100::/48 2001:db8::1 65040
2001:db8:200::/48 2001:db8::2 65041 65050
EOF2

	# src dst: origin ASes, first ASes, the destination's BGP next hop (0
	# without a route)
	cat >"$T/want.csv" <<'EOF2'
src,dst,srcas,dstas,psrc,pdst,nh
198.51.100.5,203.0.113.7,65030,4200000001,65010,65010,10.0.0.2
203.0.113.8,198.51.100.9,4200000001,65030,65010,65010,10.0.0.1
192.0.2.10,203.0.113.200,0,65021,0,65010,10.0.0.3
198.51.100.30,192.0.2.11,65030,0,65010,0,0.0.0.0
2001:db8:100::5,2001:db8:200::7,65040,65050,65010,65010,2001:db8::2
2001:db8:300::1,2001:db8:100::9,0,65040,0,65010,2001:db8::1
EOF2
	# after stale-time with no session: no route for anything
	awk -F, 'NR == 1 { print; next }
		{ nh = $1 ~ /:/ ? "::" : "0.0.0.0"; print $1 "," $2 ",0,0,0,0," nh }' \
		"$T/want.csv" >"$T/want0.csv"

	BGP_PORT=$(inrtr "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
}

# inrtr CMD...: CMD in the router namespace
inrtr() { ip netns exec "$RTR" "$@"; }

# wait_log FILE PATTERN [N] [SECONDS]: until N (1) lines of FILE have
# PATTERN, at most SECONDS (20)
wait_log() {
	for _ in $(seq $((${4:-20} * 20))); do
		[ "$(grep -c "$2" "$1" 2>/dev/null)" -ge "${3:-1}" ] && return 0
		sleep 0.05
	done
	return 1
}

# send_flows BASE: two packets of each want.csv flow from the host
# namespace into xflowd's interface, source port BASE + line, then
# `xflowctl flush`; prints what flush says
send_flows() {
	ip netns exec "$HOST" "$PY" - "$B" "$T/want.csv" "$1" "$XFLOWCTL" "$SOCK" <<'PYEOF'
import csv, subprocess, sys
from scapy.all import Ether, IP, IPv6, UDP, Raw, conf
iface, want, base, ctl, sock = sys.argv[1:6]
s = conf.L2socket(iface=iface)
for i, r in enumerate(csv.DictReader(open(want))):
    ip = IPv6(src=r["src"], dst=r["dst"]) if ":" in r["src"] else IP(src=r["src"], dst=r["dst"])
    p = Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02") / ip / \
        UDP(sport=int(base) + i, dport=53) / Raw(b"x" * 20)
    for _ in range(2):
        s.send(p)
s.close()
r = subprocess.run([ctl, "-s", sock, "flush"], capture_output=True, text=True)
print(r.stdout.strip())
PYEOF
}

# judge_ipfix BASE WANT: tshark's decoding of every IPFIX record of source
# port BASE + line (its JSON: every dict with cflow.srcas) against WANT
judge_ipfix() {
	"$PY" - "$2" "$T/fix.json" "$1" <<'PYEOF'
import csv, ipaddress, json, sys
want_path, got_path, base = sys.argv[1], sys.argv[2], int(sys.argv[3])
got = {}
def walk(n):
    if isinstance(n, dict):
        if "cflow.srcas" in n:
            src = n.get("cflow.srcaddr") or n.get("cflow.srcaddrv6")
            dst = n.get("cflow.dstaddr") or n.get("cflow.dstaddrv6")
            key = (str(ipaddress.ip_address(src)), str(ipaddress.ip_address(dst)), int(n.get("cflow.srcport")))
            got.setdefault(key, []).append(dict(
                srcas=n.get("cflow.srcas"), dstas=n.get("cflow.dstas"),
                psrc=n.get("cflow.peer_srcas"), pdst=n.get("cflow.peer_dstas"),
                nh=n.get("cflow.bgpnexthop") or n.get("cflow.bgpnexthopv6")))
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
errs, n = [], 0
for i, w in enumerate(csv.DictReader(open(want_path))):
    key = (w["src"], w["dst"], base + i)
    n += 1
    g = got.get(key, [])
    if len(g) != 1:
        errs.append("%s -> %s port %d: %d records" % (key + (len(g),)))
        continue
    g = g[0]
    if ipaddress.ip_address(g["nh"] or "0.0.0.0") != ipaddress.ip_address(w["nh"]):
        errs.append("%s -> %s port %d: BGP next hop %s, want %s" % (key + (g["nh"], w["nh"])))
    for k in ("srcas", "dstas", "psrc", "pdst"):
        if g[k] is None or int(g[k]) != int(w[k]):
            errs.append("%s -> %s port %d: %s %s, want %s" % (key + (k, g[k], w[k])))
print("%d flows checked, %d differences" % (n, len(errs)))
for e in errs:
    print("  " + e)
sys.exit(1 if errs or n == 0 else 0)
PYEOF
}

# judge_nfdump BASE WANT: nfdump's origin ASes and BGP next hop of every
# record of source port BASE + line. nfcapd 1.7.1 keeps no
# bgpPrev/NextAdjacentAsNumber of IPFIX (nfdump's %pas and %nas print 0
# where tshark decodes them from the same records): tshark judges those.
judge_nfdump() {
	"$PY" - "$2" "$T/nfc.txt" "$1" <<'PYEOF'
import csv, ipaddress, sys
want_path, got_path, base = sys.argv[1], sys.argv[2], int(sys.argv[3])
got = {}
for line in open(got_path):
    f = line.split()
    if len(f) == 6 and f[2].isdigit():
        key = (str(ipaddress.ip_address(f[0])), str(ipaddress.ip_address(f[1])), int(f[2]))
        got.setdefault(key, []).append((int(f[3]), int(f[4]), ipaddress.ip_address(f[5])))
errs, n = [], 0
for i, w in enumerate(csv.DictReader(open(want_path))):
    n += 1
    key = (w["src"], w["dst"], base + i)
    exp = (int(w["srcas"]), int(w["dstas"]), ipaddress.ip_address(w["nh"]))
    g = got.get(key, [])
    if g != [exp]:
        errs.append("%s -> %s port %d: %s, want %s" % (key + (g, exp)))
print("%d flows checked, %d differences" % (n, len(errs)))
for e in errs:
    print("  " + e)
sys.exit(1 if errs or n == 0 else 0)
PYEOF
}

# bgp_run: xflowd, the collectors, the session, the flows, the restart
bgp_run() {
	ns_sink_start "$RTR" fix 127.0.0.1 "$(free_port)" || { fail "udpsink"; finish; }
	ns_nfcapd_start "$RTR" nfc 127.0.0.1 "$(free_port)" || { fail "nfcapd"; finish; }
	# stale-time 20: long enough for the peer to be started again and resend
	# its table (BIRD waits about 3 s after Established before its first
	# UPDATE)
	cat >"$T/x.conf" <<EOF2
exporter fix
    destination 127.0.0.1
    transport udp ${COLL_PORT[fix]}
    export-protocol ipfix
exporter nfc
    destination 127.0.0.1
    transport udp ${COLL_PORT[nfc]}
    export-protocol ipfix
record bgp4
    match sourceIPv4Address destinationIPv4Address sourceTransportPort
    collect packetDeltaCount bgpSourceAsNumber bgpDestinationAsNumber
    collect bgpNextHopIPv4Address bgpPrevAdjacentAsNumber
    collect bgpNextAdjacentAsNumber
record bgp6
    match sourceIPv6Address destinationIPv6Address sourceTransportPort
    collect packetDeltaCount bgpSourceAsNumber bgpDestinationAsNumber
    collect bgpNextHopIPv6Address bgpPrevAdjacentAsNumber
    collect bgpNextAdjacentAsNumber
monitor bgp
    record bgp4
    record bgp6
    exporter fix
    exporter nfc
interface $A
    monitor bgp input
bgp
    local-as 64512
    router-id 192.0.2.1
    listen 127.0.0.1 port $BGP_PORT
    neighbor 127.0.0.1 remote-as 65010
    stale-time 20
EOF2
	SOCK=$T/ctl.sock
	ctl() { "$XFLOWCTL" -s "$SOCK" "$@"; }
	ip netns exec "$RTR" "$XFLOWD" -f "$T/x.conf" --control "$SOCK" --no-drop >"$T/live.out" 2>"$T/live.err" &
	XF=$!
	XF_PIDS+=("$XF")
	for _ in $(seq 200); do
		ctl show statistics >/dev/null 2>&1 && break
		kill -0 "$XF" 2>/dev/null || break
		sleep 0.05
	done
	ctl show statistics >/dev/null 2>&1 || { fail "xflowd did not start"; show_err live 20; finish; }

	peer_start
	check "$PEER's session comes up, both End-of-RIBs in" \
		wait_log "$T/live.err" "End-of-RIB IPv6, 2 prefixes" 1 30 ||
		{ show_err live 20; peer_log; }
	check "... with the peer's hold time of 9 s, not xflowd's 90" \
		grep -q "AS 65010: established (hold 9 s)" "$T/live.err"
	ctl show bgp summary >"$T/sum.txt" 2>&1
	check "xflowctl show bgp summary: $PEER, AS 65010, 3/2 prefixes" \
		grep -Eq '^127\.0\.0\.1 +4 +65010 +[0-9]+ [0-9:]+ +3/2$' "$T/sum.txt"
	check "xflowctl show ip bgp 203.0.113.200: $PEER's /25, its path and next hop" \
		bash -c '"$1" -s "$2" show ip bgp 203.0.113.200 | grep -qzE "203\.0\.113\.128/25.*65010 65021.*10\.0\.0\.3"' \
		_ "$XFLOWCTL" "$SOCK"
	check "... and 2001:db8:200::7: the /48, 65010 65041 65050, via 2001:db8::2" \
		bash -c '"$1" -s "$2" show ip bgp 2001:db8:200::7 | grep -qzE "2001:db8:200::/48.*65010 65041 65050.*2001:db8::2"' \
		_ "$XFLOWCTL" "$SOCK"
	out=$(send_flows 20000)
	check "session up: 6 flows sent and flushed ($out)" [ "$out" = "6 flows expired and exported" ]

	# the restart: kill -9, flows within stale-time, the peer back, its
	# End-of-RIB removes nothing
	peer_kill
	check "$PEER killed: the routes are kept 20 s" wait_log "$T/live.err" "its routes are kept 20 s"
	out=$(send_flows 21000)
	check "within stale-time: 6 flows sent and flushed ($out)" [ "$out" = "6 flows expired and exported" ]
	peer_start
	check "$PEER started again within stale-time: established again" \
		wait_log "$T/live.err" "AS 65010: established" 2 15
	check "... its End-of-RIBs remove none of the kept routes" \
		wait_log "$T/live.err" "End-of-RIB IPv6, 2 prefixes (0 stale removed)" 2 15
	check "... which were never withdrawn" bash -c '! grep -q "stale time over" "$1"' _ "$T/live.err"
	out=$(send_flows 22000)
	check "after the restart: 6 flows sent and flushed ($out)" [ "$out" = "6 flows expired and exported" ]

	# killed for good: after stale-time, no route
	peer_kill
	check "$PEER killed for good: when stale-time ends its 5 routes go" \
		wait_log "$T/live.err" "stale time over, 5 routes withdrawn" 1 40
	out=$(send_flows 23000)
	check "after stale-time: 6 flows sent and flushed ($out)" [ "$out" = "6 flows expired and exported" ]

	kill -TERM "$XF" 2>/dev/null
	wait "$XF"
	check "xflowd exits 0 on SIGTERM" [ "$?" = 0 ]
	ns_collector_stop fix
	ns_collector_stop nfc

	tshark -n -r "$T/fix.pcap" -d "udp.port==${COLL_PORT[fix]},cflow" -T json \
		>"$T/fix.json" 2>"$T/fix.tshark.err"
	nfdump -R "$T/nfc.nfc" -q -N -o "fmt:%sa %da %sp %sas %das %nhb" >"$T/nfc.txt" 2>&1
	check "IPFIX, session up: tshark shows $PEER's ASes and next hops, 0 without a route" \
		judge_ipfix 20000 "$T/want.csv"
	check "IPFIX, $PEER killed, within stale-time: still the same" judge_ipfix 21000 "$T/want.csv"
	check "IPFIX, $PEER back: the same" judge_ipfix 22000 "$T/want.csv"
	check "IPFIX, after stale-time with no session: every AS and next hop 0" \
		judge_ipfix 23000 "$T/want0.csv"
	check "nfcapd, session up: nfdump shows the same origin ASes and next hops" \
		judge_nfdump 20000 "$T/want.csv"
	check "nfcapd, within stale-time: the same" judge_nfdump 21000 "$T/want.csv"
	check "nfcapd, $PEER back: the same" judge_nfdump 22000 "$T/want.csv"
	check "nfcapd, after stale-time: 0" judge_nfdump 23000 "$T/want0.csv"
	finish
}
