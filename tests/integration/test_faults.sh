#!/usr/bin/env bash
# test_faults.sh - faults xflowd must survive, live (--interface on a veth,
# xfgen traffic replayed into it from a second namespace with tcpreplay).
# xflowd and its collectors run in a namespace of their own, so the kernel's
# counters there (Udp NoPorts, Tcp AttemptFails) are ours to wait on, and
# TCP socket buffers there are small (the send buffer fills with little
# traffic). Each case asserts the exported totals are exact, or the loss is
# exactly what the counters say:
#  1. UDP collector absent at start: port unreachable counted with the
#     records of each refused datagram; the collector started later gets
#     the rest, decodes after at most one template refresh;
#     received + refused = exported.
#  2. nfcapd restarted mid-stream: the refused datagrams in a capture are
#     exactly what xflowd counted; the restarted nfcapd decodes everything
#     from the first template refresh on, which comes within the refresh
#     interval (--template-refresh-packets).
#  3. TCP collector absent at start: reconnect with backoff, everything
#     buffered arrives: per-flow exact against the truth.
#  4. TCP collector restarted mid-stream (closing gracefully): the new
#     connection starts with the templates, sequence from 0; both
#     connections together per-flow exact, also by tshark reassembling the
#     TCP stream on lo.
#  5. TCP collector crashing (reset) mid-stream: templates first on the new
#     connection; a loss only where octets were in flight.
#  6. TCP collector that stops reading: the buffer bound holds, overflow
#     counted (received + dropped = exported), xflowd idle meanwhile (CPU
#     time), resident memory bounded.
#  7. SIGINT and SIGTERM at any moment while packets flow, from before the
#     capture is open to the end of the replay: exit 0, and the records at
#     the collector hold every packet xflowd metered.
#  8. A flood of new flows into a small cache: evictions counted (lack of
#     resources), per-flow exact at nfdump, every packet in a record; the
#     exit statistics options records (RFC 7011 §4) agree, read by tshark.
#  9. UDP send buffer full (a slow token bucket on lo): back-pressure
#     counted, no busy loop (CPU time), received + dropped = exported in
#     records and in packets; tshark reads the same in the notSent* and
#     exported* statistics of the exit message.
. "$(dirname "$0")/lib.sh"
. "$XF_HERE/tcp_lib.sh"
need_xflowd
need_xflowctl
need_scapy
need_cmd ip tcpreplay nfcapd nfdump tshark dumpcap ss
[ "$(id -u)" = 0 ] || skip "needs root for network namespaces"

if [ -z "${XF_FAULTS_NSX:-}" ]; then
	NSX=xffx$$ NSY=xffy$$ A=xffa$$ B=xffb$$
	cleanup_ns() { ip netns del "$NSX" 2>/dev/null; ip netns del "$NSY" 2>/dev/null; }
	trap 'cleanup_ns; xf_cleanup' EXIT
	ip netns add "$NSX" && ip netns add "$NSY" && ip link add "$A" type veth peer name "$B" &&
		ip link set "$A" netns "$NSX" && ip link set "$B" netns "$NSY" ||
		skip "cannot create namespaces with a veth pair"
	# no IPv6 on the pair: its neighbour discovery would be traffic of its own
	ip netns exec "$NSX" sh -e -c "ip link set lo up; sysctl -qw net.ipv6.conf.$A.disable_ipv6=1;
		ip link set $A up; sysctl -qw net.ipv4.tcp_wmem='4096 4096 8192' net.ipv4.tcp_rmem='4096 4096 8192'"
	ip netns exec "$NSY" sh -e -c "sysctl -qw net.ipv6.conf.$B.disable_ipv6=1; ip link set $B up"
	XF_FAULTS_NSX=$NSX XF_FAULTS_NSY=$NSY XF_FAULTS_A=$A XF_FAULTS_B=$B \
		XFLOWD=$XFLOWD ip netns exec "$NSX" bash "$0"
	exit $?
fi
NSY=$XF_FAULTS_NSY A=$XF_FAULTS_A B=$XF_FAULTS_B

"${XFGEN[@]}" -o "$T/t.pcap" -t "$T/t.csv" --scenario mixed --flows 300 --packets 3000 --seed 71 \
	2>/dev/null || { fail "xfgen"; finish; }
nfl=$(($(wc -l <"$T/t.csv") - 1))
# more records than the TCP buffers of case 6 hold (~100 kB)
"${XFGEN[@]}" -o "$T/big.pcap" -t "$T/big.csv" --scenario mixed --flows 1500 --packets 2500 --seed 72 \
	2>/dev/null || { fail "xfgen 1500 flows"; finish; }

# snmp GROUP FIELD -> a counter of /proc/net/snmp in this namespace
snmp() {
	awk -v g="$1:" -v f="$2" '$1 == g && !h {for (i = 2; i <= NF; i++) k[i] = $i; h = 1; next}
		$1 == g && h {for (i = 2; i <= NF; i++) if (k[i] == f) print $i}' /proc/net/snmp
}
rx_packets() { cat "/sys/class/net/$A/statistics/rx_packets"; }
# wait_for SECONDS CMD...: until CMD succeeds
wait_for() {
	local n=$(($1 * 20))
	shift
	while [ $n -gt 0 ]; do
		"$@" && return 0
		sleep 0.05
		n=$((n - 1))
	done
	return 1
}
ge() { [ "$("$1" "${@:2:$#-2}")" -ge "${*: -1}" ]; }
# capture_ready PID: its packet socket has its filter (libpcap first puts a
# one-instruction filter that rejects all, drains the socket, then the real
# one: the capture starts only then)
capture_ready() {
	ss -0 -b -p 2>/dev/null | awk -v p="pid=$1," 'f && match($0, /bpf filter \([0-9]+\)/) &&
		substr($0, RSTART + 12, RLENGTH - 13) + 0 > 1 {ok = 1} {f = index($0, p) > 0} END {exit !ok}'
}
# xflowd_start LABEL ARGS... -> xflowd on $A in the background (XP); returns
# once its capture is open
xflowd_start() {
	local label=$1
	shift
	echo "$XFLOWD --interface $A $*" >"$T/$label.cmd"
	"$XFLOWD" --interface "$A" --stats-file "$T/$label.json" "$@" >"$T/$label.out" 2>"$T/$label.err" &
	XP=$!
	XF_PIDS+=("$XP")
	wait_for 10 capture_ready "$XP" && return 0
	show_err "$label"
	return 1
}
# replay PCAP PPS -> tcpreplay from the other namespace, in the background (RP)
replay() {
	ip netns exec "$NSY" tcpreplay -q -i "$B" --pps "$2" "$1" >"$T/tcpreplay.log" 2>&1 &
	RP=$!
}
# xflowd_stop [SIG]: signal it, wait (at most 60 s) -> XRC
xflowd_stop() {
	local sig=${1:-TERM}
	kill -"$sig" "$XP"
	for _ in $(seq 1200); do
		kill -0 "$XP" 2>/dev/null || break
		sleep 0.05
	done
	kill -KILL "$XP" 2>/dev/null && echo "xflowd did not exit in 60 s" >>"$T/hang.log"
	wait "$XP"
	XRC=$?
}
# handlers_set PID: SIGINT and SIGTERM caught (/proc/PID/status SigCgt)
handlers_set() {
	local m
	m=$(awk '$1 == "SigCgt:" {print $2}' "/proc/$1/status" 2>/dev/null)
	[ -n "$m" ] && [ $(((0x$m >> 1) & 1)) = 1 ] && [ $(((0x$m >> 14) & 1)) = 1 ]
}
udp_port() { "$PY" -c 'import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
tcp_port() { "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
# has_records N PCAP...: the collector's messages hold N flow records (the
# last packets of a replay are metered and exported only after -I 1: then
# everything replayed is in; xflowd stopped earlier would not have read
# the packets still in its capture ring)
has_records() {
	local n=$1 got
	shift
	rm -f "$T/has.json"
	"$PY" "$XF_HERE/streamcheck.py" "$@" --json "$T/has.json" >/dev/null 2>&1
	got=$(json_of "$T/has.json" 'j["data_records"]' 2>/dev/null)
	[ "${got:-0}" -ge "$n" ]
}
# seen SOCK N: xflowd (--control SOCK) has taken N packets from its capture
seen() {
	[ "$("$XFLOWCTL" -s "$1" --json show statistics 2>/dev/null |
		"$PY" -c 'import json, sys; print(json.load(sys.stdin)["packets"])' 2>/dev/null)" = "$2" ]
}
# bigger FILE N: FILE holds more than N octets
bigger() { [ "$(stat -c %s "$1" 2>/dev/null || echo 0)" -gt "$2" ]; }

# ---------------------------------------------------------------- 1
info "1. UDP collector absent at start"
port=$(udp_port)
noports0=$(snmp Udp NoPorts)
xflowd_start f1 --collector "127.0.0.1:$port" -I 1 --template-refresh-packets 4 || { fail "xflowd"; finish; }
replay "$T/t.pcap" 1000
check "port unreachable while nobody listens" wait_for 20 ge snmp Udp NoPorts $((noports0 + 2))
"$PY" "$XF_HERE/udpsink.py" --port "$port" --pcap "$T/f1.pcap" --port-file "$T/f1.port" 2>"$T/f1.sink.log" &
SINK=$!
XF_PIDS+=("$SINK")
wait_for 10 test -s "$T/f1.port"
wait $RP
xflowd_stop TERM
check "SIGTERM: exit 0 (rc=$XRC)" [ $XRC = 0 ]
wait_drained "$port"
kill -TERM $SINK
wait $SINK
"$PY" "$XF_HERE/streamcheck.py" "$T/f1.pcap" --json "$T/f1.stream.json" >"$T/f1.stream.out"
check "received + refused = exported; refused counted; decoded again within one refresh" \
	"$PY" - "$T/f1.json" "$T/f1.stream.json" <<'EOF'
import json, sys
st = json.load(open(sys.argv[1]))
c = st["collectors"][0]
r = json.load(open(sys.argv[2]))
s = r["sessions"][0]
print("exported %d, received %d, refused %d datagrams with %d records, dropped %d; first templates "
      "after %s messages" % (c["data_records"], r["data_records"], c["refused"], c["refused_records"],
                             c["dropped_records"], s["before_templates"]))
ok = c["refused"] >= 2 and c["refused_records"] > 0 and c["dropped_records"] == 0 and \
    r["data_records"] + c["refused_records"] == c["data_records"] == st["flows_exported"] and \
    s["before_templates"] is not None and s["before_templates"] <= 4
sys.exit(0 if ok else 1)
EOF

# ---------------------------------------------------------------- 2
info "2. nfcapd restarted mid-stream (UDP)"
nfcapd_start f2a || { fail "nfcapd"; finish; }
port=${COLL_PORT[f2a]}
capture_start f2 lo "udp port $port or icmp" || { fail "dumpcap"; finish; }
in0=$(snmp Udp InDatagrams)
xflowd_start f2 --collector "127.0.0.1:$port" -I 1 --template-refresh-packets 4 || { fail "xflowd"; finish; }
replay "$T/t.pcap" 1000
check "nfcapd receives" wait_for 20 ge snmp Udp InDatagrams $((in0 + 4))
noports0=$(snmp Udp NoPorts)
collector_stop f2a
check "port unreachable while nfcapd is down" wait_for 20 ge snmp Udp NoPorts $((noports0 + 2))
mkdir -p "$T/f2b.nfc"
nfcapd -b 127.0.0.1 -p "$port" -w "$T/f2b.nfc" -t 3600 -B 8388608 >"$T/f2b.nfcapd.log" 2>&1 &
COLL_PID[f2b]=$! COLL_PORT[f2b]=$port COLL_DIR[f2b]=$T/f2b.nfc COLL_KIND[f2b]=nfcapd COLL_BIND[f2b]=127.0.0.1
XF_PIDS+=("${COLL_PID[f2b]}")
wait_bound "$port" || fail "nfcapd restart"
wait $RP
xflowd_stop TERM
check "SIGTERM: exit 0 (rc=$XRC)" [ $XRC = 0 ]
collector_stop f2b
capture_stop f2
nfdump_csv f2a "$T/f2a.csv"
nfdump_csv f2b "$T/f2b.csv"
"$PY" "$XF_HERE/capcheck.py" "$T/f2.cap" "$port" --json "$T/f2.cap.json" >"$T/f2.cap.out"
check "refused exactly as captured; restarted nfcapd decodes all from the first refresh, within 4 messages" \
	"$PY" - "$T/f2.json" "$T/f2.cap.json" "$T/f2a.csv" "$T/f2b.csv" <<'EOF'
import json, sys
c = json.load(open(sys.argv[1]))["collectors"][0]
cap = json.load(open(sys.argv[2]))
n = [sum(1 for ln in open(f) if ln.strip() and not ln.startswith("ts,")) for f in sys.argv[3:5]]
runs = cap["runs"]
print("captured %d messages, %d refused (%d records); xflowd: refused %d (%d records); runs %s; nfcapd "
      "decoded %d then %d" % (cap["messages"], cap["refused_messages"], cap["refused_records"], c["refused"],
      c["refused_records"], [(x["messages"], x["data_records"], x["before_templates"]) for x in runs], *n))
ok = cap["refused_messages"] == c["refused"] and cap["refused_records"] == c["refused_records"] and \
    cap["data_records"] == c["data_records"] and len(runs) == 2 and n[0] <= runs[0]["data_records"] and \
    runs[1]["before_templates"] is not None and runs[1]["before_templates"] <= 4 and \
    n[1] == runs[1]["after_templates_records"]
sys.exit(0 if ok else 1)
EOF

# ---------------------------------------------------------------- 3
info "3. TCP collector absent at start"
port=$(tcp_port)
fails0=$(snmp Tcp AttemptFails)
xflowd_start f3 --collector "127.0.0.1:$port/tcp" -I 1 || { fail "xflowd"; finish; }
replay "$T/t.pcap" 1000
check "connect refused twice (backoff)" wait_for 20 ge snmp Tcp AttemptFails $((fails0 + 2))
tcpsink_start f3 127.0.0.1 "$port" || { fail "tcpsink"; finish; }
wait $RP
check "all $nfl records at the collector" wait_for 20 has_records "$nfl" "$T/f3.conn1.pcap"
xflowd_stop TERM
check "SIGTERM: exit 0 (rc=$XRC)" [ $XRC = 0 ]
tcpsink_stop f3
# shellcheck disable=SC2046
check "one connection: templates first, no gap" "$PY" "$XF_HERE/streamcheck.py" $(tcpsink_pcaps f3) \
	--templates-first --no-gaps --seq-from-zero --records "$T/f3.csv"
check "everything buffered arrived: per-flow exact" "$PY" "$XF_HERE/compare.py" "$T/t.csv" "$T/f3.csv" --label f3
check "stats: attempts, one connect, nothing dropped" "$PY" - "$T/f3.json" <<'EOF'
import json, sys
c = json.load(open(sys.argv[1]))["collectors"][0]
print({k: c[k] for k in ("connect_attempts", "connect_failures", "connects", "buffered_peak", "dropped_records")})
sys.exit(0 if c["connect_failures"] >= 2 and c["connects"] == 1 and c["dropped_records"] == 0 else 1)
EOF

# ---------------------------------------------------------------- 4, 5
for how in graceful crash; do
	if [ $how = graceful ]; then L=f4 sig=TERM; else L=f5 sig=USR2; fi
	info "$([ $how = graceful ] && echo 4 || echo 5). TCP collector restarted mid-stream ($how)"
	tcpsink_start $L 127.0.0.1 0 || { fail "tcpsink"; finish; }
	port=${COLL_PORT[$L]}
	capture_start $L lo "tcp port $port" || { fail "dumpcap"; finish; }
	xflowd_start $L --collector "127.0.0.1:$port/tcp" -I 1 || { fail "xflowd"; finish; }
	replay "$T/t.pcap" 1000
	check "the collector receives" wait_for 20 bigger "$T/$L.conn1.pcap" 3000
	tcpsink_stop $L $sig
	tcpsink_start $L 127.0.0.1 "$port" || { fail "tcpsink restart"; finish; }
	wait $RP
	check "reconnected" wait_for 20 bigger "$T/$L.conn2.pcap" 24
	[ $how = graceful ] && check "all $nfl records at the collector" \
		wait_for 20 has_records "$nfl" "$T/$L.conn1.pcap" "$T/$L.conn2.pcap"
	xflowd_stop TERM
	check "SIGTERM: exit 0 (rc=$XRC)" [ $XRC = 0 ]
	tcpsink_stop $L
	capture_stop $L
	check "second connection: templates and options first, sequence from 0, no gap" \
		"$PY" "$XF_HERE/streamcheck.py" "$T/$L.conn2.pcap" --templates-first --no-gaps --seq-from-zero
	"$PY" "$XF_HERE/streamcheck.py" "$T/$L.conn1.pcap" "$T/$L.conn2.pcap" --records "$T/$L.csv" \
		--json "$T/$L.stream.json" >"$T/$L.stream.out"
	if [ $how = graceful ]; then
		check "both connections: per-flow exact" "$PY" "$XF_HERE/compare.py" "$T/t.csv" "$T/$L.csv" --label $L
		check "tshark reassembling the TCP stream on lo: decodes both connections" \
			"$PY" "$XF_HERE/tshark_tcp.py" "$T/$L.cap" "$port" "$T/$L.tshark.csv"
		check "tshark over TCP: per-flow exact" "$PY" "$XF_HERE/compare.py" "$T/t.csv" "$T/$L.tshark.csv" \
			--label "$L tshark"
	fi
	check "stats: one disconnect, two connects; a loss only with octets in flight" \
		"$PY" - "$T/$L.json" "$T/$L.stream.json" "$T/$L.events" <<'EOF'
import json, sys
c = json.load(open(sys.argv[1]))["collectors"][0]
r = json.load(open(sys.argv[2]))
ev = [json.loads(x) for x in open(sys.argv[3])]
inflight = c["unacked_octets"] + sum(e.get("unread", 0) + e.get("partial", 0) for e in ev if e["event"] == "close")
lost = c["data_records"] - r["data_records"] - c["dropped_records"]
print("exported %d, received %d, dropped %d, lost %d; in flight at the loss: %d octets; connects %d, "
      "disconnects %d" % (c["data_records"], r["data_records"], c["dropped_records"], lost, inflight,
                          c["connects"], c["disconnects"]))
ok = c["connects"] == 2 and c["disconnects"] == 1 and lost >= 0 and (lost == 0 or inflight > 0)
sys.exit(0 if ok else 1)
EOF
done

# ---------------------------------------------------------------- 6
info "6. TCP collector that stops reading"
tcpsink_start f6 127.0.0.1 0 --paused --rcvbuf 4096 || { fail "tcpsink"; finish; }
xflowd_start f6 --collector "127.0.0.1:${COLL_PORT[f6]}/tcp" -I 1 --tcp-buffer 16384 \
	--cache-size 65536 || { fail "xflowd"; finish; }
rss0=$(rss_kb "$XP" VmRSS)
replay "$T/big.pcap" 2500
wait $RP
# the flows expire (-I 1) and their records meet the full buffer; then
# xflowd has nothing to do but wait: its CPU time over 3 s
sleep 2
t0=$(cpu_ticks "$XP")
sleep 3
t1=$(cpu_ticks "$XP")
hwm=$(rss_kb "$XP" VmHWM)
hz=$(getconf CLK_TCK)
check "idle while blocked: $((t1 - t0)) ticks of CPU in 3 s (busy loop: $((3 * hz)))" [ $((t1 - t0)) -le $((3 * hz / 10)) ]
# the exact bound is buffered_peak below; RSS only must not run away
check "memory bounded: peak RSS $hwm kB (at start $rss0 kB)" [ "$hwm" -le 65536 ]
kill -USR1 "${COLL_PID[f6]}"
xflowd_stop TERM
check "SIGTERM: exit 0 (rc=$XRC)" [ $XRC = 0 ]
tcpsink_stop f6
# shellcheck disable=SC2046
"$PY" "$XF_HERE/streamcheck.py" $(tcpsink_pcaps f6) --json "$T/f6.stream.json" >"$T/f6.stream.out"
check "overflow counted: received + dropped = exported, the gap in the sequence" \
	"$PY" - "$T/f6.json" "$T/f6.stream.json" <<'EOF'
import json, sys
c = json.load(open(sys.argv[1]))["collectors"][0]
r = json.load(open(sys.argv[2]))
print("exported %d, received %d, dropped %d in %d messages, sequence gaps %d records, peak buffer %d"
      % (c["data_records"], r["data_records"], c["dropped_records"], c["dropped_messages"], r["gap_records"],
         c["buffered_peak"]))
ok = c["dropped_records"] > 0 and r["data_records"] + c["dropped_records"] == c["data_records"] and \
    r["gap_records"] <= c["dropped_records"] and c["buffered_peak"] <= 16384 + 1500
sys.exit(0 if ok else 1)
EOF

# ---------------------------------------------------------------- 7
info "7. SIGINT and SIGTERM at any moment"
round=0
for spec in INT:0:udp TERM:1:udp INT:300:udp TERM:1500:tcp INT:2900:udp TERM:end:tcp; do
	IFS=: read -r sig at tr <<<"$spec"
	round=$((round + 1))
	L=f7r$round
	if [ "$tr" = tcp ]; then
		tcpsink_start $L 127.0.0.1 0 || { fail "tcpsink"; finish; }
		coll="127.0.0.1:${COLL_PORT[$L]}/tcp"
	else
		sink_start $L 127.0.0.1 || { fail "udpsink"; finish; }
		coll="127.0.0.1:${COLL_PORT[$L]}"
	fi
	if [ "$at" = 0 ]; then
		# before the capture is even open
		"$XFLOWD" --interface "$A" --collector "$coll" --stats-file "$T/$L.json" >"$T/$L.out" 2>"$T/$L.err" &
		XP=$!
		XF_PIDS+=("$XP")
		wait_for 10 handlers_set "$XP" || fail "$L: no signal handlers"
		xflowd_stop "$sig"
	else
		xflowd_start $L --collector "$coll" -I 1 || { fail "xflowd"; finish; }
		rx0=$(rx_packets)
		replay "$T/t.pcap" 1500
		if [ "$at" = end ]; then
			wait $RP
		else
			wait_for 20 ge rx_packets $((rx0 + at)) || fail "$L: $at packets did not arrive"
		fi
		xflowd_stop "$sig"
		wait $RP
	fi
	if [ "$tr" = tcp ]; then tcpsink_stop $L; else collector_stop $L; fi
	check "SIG$sig after ${at} packets ($tr): exit 0 (rc=$XRC)" [ $XRC = 0 ] || show_err $L
	if [ "$tr" = tcp ]; then pc=$(tcpsink_pcaps $L); else pc=$T/$L.pcap; fi
	# shellcheck disable=SC2086
	[ -n "$pc" ] && "$PY" "$XF_HERE/streamcheck.py" $pc --json "$T/$L.stream.json" >"$T/$L.stream.out" 2>&1
	check "SIG$sig after ${at} packets: every metered packet in a record at the collector" \
		"$PY" - "$T/$L.json" "$T/$L.stream.json" <<'EOF'
import json, os, sys
if not os.path.exists(sys.argv[1]):
    print("no stats file")
    sys.exit(1)
st = json.load(open(sys.argv[1]))
r = {"packets": 0, "data_records": 0}
if os.path.exists(sys.argv[2]):
    r = json.load(open(sys.argv[2]))
print("metered %d packets in %d flows; the collector got %d packets in %d records"
      % (st["metered"], st["flows_exported"], r["packets"], r["data_records"]))
ok = r["packets"] == st["metered"] and r["data_records"] == st["flows_exported"]
sys.exit(0 if ok else 1)
EOF
done
# ---------------------------------------------------------------- 8
info "8. Cache full during a flood of new flows (UDP)"
nfcapd_start f8 || { fail "nfcapd"; finish; }
sink_start f8s 127.0.0.1 || { fail "udpsink"; finish; }
# 1500 flows in 0.6 s, inactive timeout 5 s: most of them are alive at
# once, in a cache of 256 entries
xflowd_start f8 --collector "127.0.0.1:${COLL_PORT[f8]}" --collector "127.0.0.1:${COLL_PORT[f8s]}" \
	-I 5 --cache-size 256 --control "$T/f8.sock" || { fail "xflowd"; finish; }
replay "$T/big.pcap" 2500
wait $RP
# stopped before it read the last packets, it would not meter them
check "xflowd read all 2500 packets" wait_for 20 seen "$T/f8.sock" 2500
xflowd_stop TERM
check "SIGTERM: exit 0 (rc=$XRC)" [ $XRC = 0 ]
collector_stop f8
collector_stop f8s
nfdump_csv f8 "$T/f8.csv"
check "nfdump: per-flow exact although flows were evicted" \
	"$PY" "$XF_HERE/compare.py" "$T/big.csv" "$T/f8.csv" --label f8
"$PY" "$XF_HERE/streamcheck.py" "$T/f8s.pcap" --json "$T/f8s.stream.json" >"$T/f8s.stream.out"
tshark -r "$T/f8s.pcap" -d "udp.port==${COLL_PORT[f8s]},cflow" -Y cflow.flowsexp -T fields \
	-e cflow.flowsexp -e cflow.flows -e cflow.ignore_packets >"$T/f8.tshark" 2>"$T/f8.tshark.err"
check "evictions counted as lack of resources; every packet in a record; statistics records agree" \
	"$PY" - "$T/f8.json" "$T/f8s.stream.json" "$T/big.csv" "$T/f8.tshark" <<'EOF'
import csv, json, sys
st = json.load(open(sys.argv[1]))
r = json.load(open(sys.argv[2]))
truth = sum(int(row["packets"]) for row in csv.DictReader(open(sys.argv[3])))
rows = [ln.split("\t") for ln in open(sys.argv[4]).read().splitlines() if ln.strip()]
last = rows[-1] if rows else []
ex = st["expired"]
print("truth %d packets; metered %d in %d flows, %d evicted; the collector got %d packets in %d records; "
      "the exit statistics (flows exported, observed, ignored packets): %s"
      % (truth, st["metered"], st["flows_exported"], ex["lack_of_resources"], r["packets"], r["data_records"],
         last))
ok = ex["lack_of_resources"] > 0 and st["metered"] == truth == r["packets"] and \
    r["data_records"] == st["flows_exported"] and st["capture_drops"] == 0
ok = ok and last == [str(st["flows_exported"]), str(st["flows_created"]), "0"]
sys.exit(0 if ok else 1)
EOF

# ---------------------------------------------------------------- 9
info "9. Send buffer full (UDP): back-pressure"
sink_start f9 127.0.0.1 || { fail "udpsink"; finish; }
port=${COLL_PORT[f9]}
xflowd_start f9 --collector "127.0.0.1:$port" -I 1 --cache-size 65536 || { fail "xflowd"; finish; }
# loopback slower than the export: the queue and then the socket's send
# buffer fill (ENOBUFS, EAGAIN), and messages are dropped, counted
tc qdisc add dev lo root tbf rate 100kbit burst 1600 limit 3200 || { fail "tc tbf on lo"; finish; }
t0=$(cpu_ticks "$XP")
s0=$(date +%s%N)
replay "$T/big.pcap" 2500
wait $RP
sleep 2
t1=$(cpu_ticks "$XP")
s1=$(date +%s%N)
hz=$(getconf CLK_TCK)
wall=$(((s1 - s0) * hz / 1000000000))
check "no busy loop: $((t1 - t0)) ticks of CPU in $wall" [ $((t1 - t0)) -le $((wall / 2)) ]
# what is queued goes out; then the exit statistics at full speed
wait_for 30 sh -c "tc -s qdisc show dev lo | grep -q 'backlog 0b'" || fail "qdisc did not drain"
tc qdisc del dev lo root
xflowd_stop TERM
check "SIGTERM: exit 0 (rc=$XRC)" [ $XRC = 0 ]
collector_stop f9
"$PY" "$XF_HERE/streamcheck.py" "$T/f9.pcap" --json "$T/f9.stream.json" >"$T/f9.stream.out"
tshark -r "$T/f9.pcap" -d "udp.port==$port,cflow" -Y cflow.notsent_flows -T fields -e cflow.packetsexp \
	-e cflow.flowsexp -e cflow.octetsexp -e cflow.notsent_flows -e cflow.notsent_packets \
	-e cflow.notsent_octets >"$T/f9.tshark" 2>"$T/f9.tshark.err"
check "back-pressure counted: received + dropped = exported, in records and packets; the statistics say so" \
	"$PY" - "$T/f9.json" "$T/f9.stream.json" "$T/f9.tshark" <<'EOF'
import json, sys
st = json.load(open(sys.argv[1]))
c = st["collectors"][0]
r = json.load(open(sys.argv[2]))
rows = [ln.split("\t") for ln in open(sys.argv[3]).read().splitlines() if ln.strip()]
last = [int(x) for x in rows[-1]] if rows else []
print("exported %d records (%d packets) in %d messages; back-pressure %d; dropped %d messages, %d records, "
      "%d packets; received %d records, %d packets; the last statistics record: %s"
      % (c["data_records"], st["metered"], c["messages"], c["errors"]["backpressure"], c["dropped_messages"],
         c["dropped_records"], c["dropped_packets"], r["data_records"], r["packets"], last))
ok = c["errors"]["backpressure"] > 0 and c["dropped_records"] > 0 and c["refused_records"] == 0 and \
    r["data_records"] + c["dropped_records"] == c["data_records"] == st["flows_exported"] and \
    r["packets"] + c["dropped_packets"] == st["metered"]
# RFC 7011 §4: what went before the statistics message, and what did not
want = [c["messages"] - 1 - c["dropped_messages"], c["data_records"] - c["dropped_records"],
        None, c["dropped_records"], c["dropped_packets"], c["dropped_octets"]]
ok = ok and len(last) == 6 and all(w is None or w == g for w, g in zip(want, last))
sys.exit(0 if ok else 1)
EOF
finish
