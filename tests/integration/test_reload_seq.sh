#!/usr/bin/env bash
# test_reload_seq.sh - a reload that changes a monitor keeps each unchanged
# domain's transport session: the same UDP socket (source port) and the
# sequence numbers going on. Live on a veth pair into a namespace of our
# own, one monitor exporting NetFlow v9 and IPFIX to two udpsink
# collectors; flows sent with scapy and flushed, the monitor's cache
# timeout changed and reloaded (xflowctl reload), more flows, SIGTERM.
# Judged by tshark: no sequence warning, v9 sequence +1 per packet, IPFIX
# sequence + the data records of each message, one source port, and
# messages on both sides of the reload (regression: the sequence restarted
# at 0 from a new port).
. "$(dirname "$0")/lib.sh"
need_xflowd
need_scapy
need_cmd ip tshark
need_xflowctl

live_pair xfrs

SOCK=$T/ctl.sock
ctl() { "$XFLOWCTL" -s "$SOCK" "$@"; }
sink_start v9 || { fail "udpsink"; finish; }
sink_start ipfix || { fail "udpsink"; finish; }

# conf INACTIVE: the configuration, with the monitor's inactive timeout
conf() {
	cat >"$T/x.conf" <<EOF
exporter e9
    destination 127.0.0.1
    transport udp ${COLL_PORT[v9]}
    export-protocol netflow-v9
exporter e10
    destination 127.0.0.1
    transport udp ${COLL_PORT[ipfix]}
    export-protocol ipfix
monitor m
    template ipv4-five-tuple
    exporter e9
    exporter e10
    cache timeout active 3600
    cache timeout inactive $1
interface $A
    monitor m input
EOF
}

# send FIRST: 30 UDP flows of one packet (ports FIRST..), then a flush
send() {
	ip netns exec "$NS" "$PY" - "$B" "$1" <<'PYEOF' || return 1
import sys
from scapy.all import Ether, IP, UDP, Raw, conf
s = conf.L2socket(iface=sys.argv[1])
for i in range(30):
    s.send(Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02") /
           IP(src="198.18.9.1", dst="198.18.9.2") /
           UDP(sport=int(sys.argv[2]) + i, dport=53) / Raw(b"q" * 20))
s.close()
PYEOF
	ctl flush >/dev/null
}

conf 3600
"$XFLOWD" -f "$T/x.conf" --no-drop --control "$SOCK" >"$T/x.out" 2>"$T/x.err" &
XP=$!
XF_PIDS+=("$XP")
for _ in $(seq 100); do
	ctl show statistics >/dev/null 2>&1 && break
	kill -0 $XP 2>/dev/null || break
	sleep 0.05
done
kill -0 $XP 2>/dev/null || { show_err x; fail "xflowd did not start"; finish; }
send 10000 && send 11000 || { fail "scapy"; finish; }

conf 1800
ctl reload >/dev/null
for _ in $(seq 100); do
	grep -q "applied; the flows cached before were exported" "$T/x.err" && break
	sleep 0.05
done
check "the changed monitor is applied" \
	grep -q "applied; the flows cached before were exported" "$T/x.err"
send 12000 && send 13000 || { fail "scapy"; finish; }
kill -TERM $XP
wait $XP
check "SIGTERM: exit 0" [ $? = 0 ]
collector_stop v9
collector_stop ipfix

for c in v9 ipfix; do
	check "$c: tshark decodes every message, no sequence or other warning" \
		"$PY" "$XF_HERE/cflow_records.py" "$T/$c.pcap" "${COLL_PORT[$c]}" \
		"$T/$c.csv" --summary "$T/$c.json"
	tshark -n -r "$T/$c.pcap" -T fields -e udp.srcport >"$T/$c.ports"
	check "$c: one source port across the reload ($(sort -u "$T/$c.ports" | tr '\n' ' '))" \
		[ "$(sort -u "$T/$c.ports" | wc -l)" = 1 ]
	check "$c: 120 flows, the sequence continuous across the reload" \
		"$PY" - "$T/$c.json" "$T/$c.csv" "$c" <<'PYEOF'
import csv, json, sys
msgs = json.load(open(sys.argv[1]))["messages"]
flows = sum(1 for r in csv.DictReader(open(sys.argv[2])) if r["src"] == "198.18.9.1")
v9 = sys.argv[3] == "v9"
bad = []
for a, b in zip(msgs, msgs[1:]):
    want = int(a["sequence"]) + (1 if v9 else a["records"])
    if int(b["sequence"]) != want:
        bad.append("frame %d: sequence %s, expected %d" % (b["frame"], b["sequence"], want))
print("%d messages, sequence %s..%s, %d flows; %s"
      % (len(msgs), msgs[0]["sequence"], msgs[-1]["sequence"], flows, bad[:5] or "continuous"))
sys.exit(0 if flows == 120 and not bad and int(msgs[0]["sequence"]) == 0 else 1)
PYEOF
done
finish
