#!/usr/bin/env bash
# test_pacing.sh - export pacing (issue 18): an exporter's "rate-limit N
# [burst N] [queue N]" (and --rate-limit/--rate-burst/--rate-queue) lets
# records leave at N a second, waiting in a bounded queue in arrival order;
# what finds the queue full is counted as not sent, never silently lost.
#   paced  -f, exporter "rate-limit 5000" to nfcapd and a udpsink: a file of
#          20,000 one-packet flows (all expire at its end) reaches nfcapd
#          whole (nfdump: 20,000 flows of one packet each), and the
#          datagrams arrive over at least (20,000 - burst) / 5000 s; the
#          configuration prints back with the defaults filled in
#   over   --rate-limit 2000 --rate-burst 100 --rate-queue 1000 to nfcapd and
#          a udpsink: the overrun is counted exactly: paced_records in
#          --stats-file = offered - what nfcapd stored, and the IPFIX
#          reliability record at exit (tshark: notSentFlowTotalCount) says
#          the same; the queue's wait does not lose the records it holds
#   term   --rate-limit 2000 --tcp-linger 1 and SIGTERM once the first
#          datagrams arrived (the file's 20,000 flows would take 10 s):
#          exit 0 within the linger time, and delivered + paced_records =
#          20,000 exactly (the rest counted as not sent, nothing silent)
. "$(dirname "$0")/lib.sh"
need_xflowd
need_cmd tshark nfcapd nfdump

N=20000
# 20,000 UDP flows of one packet, 10 us apart, raw IP
"$PY" - "$T/f.pcap" "$N" <<'EOF' || { fail "pcap"; finish; }
import struct, sys
n = int(sys.argv[2])
with open(sys.argv[1], "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 101))
    for i in range(n):
        udp = struct.pack(">HHHH", 10000, 53, 12, 0) + b"abcd"
        ip = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), i & 0xffff,
                         0, 64, 17, 0, bytes([10, 1, i >> 8 & 255, i & 255]),
                         bytes([10, 2, 0, 1]))
        us = i * 10
        f.write(struct.pack("<IIII", 1700000000 + us // 1000000, us % 1000000,
                            len(ip + udp), len(ip + udp)))
        f.write(ip + udp)
EOF

# datagrams_spread PCAP -> seconds between the first and the last datagram
datagrams_spread() {
    "$PY" - "$1" <<'EOF'
import struct, sys
f = open(sys.argv[1], "rb")
f.read(24)
ts = []
while True:
    r = f.read(16)
    if len(r) < 16:
        break
    s, ns, cl, _ = struct.unpack("<IIII", r)
    f.seek(cl, 1)
    ts.append(s + ns / 1e9)
print("%.3f" % (max(ts) - min(ts)) if ts else "0")
EOF
}

# json_sum FILE KEY -> the sum of every "KEY": N in the stats file
json_sum() {
    grep -o "\"$2\": [0-9]*" "$1" | awk '{s += $2} END {print s + 0}'
}

# --- paced: everything arrives, over the time the rate takes ---
nfcapd_start pa || { fail "nfcapd"; finish; }
sink_start ps || { fail "udpsink"; finish; }
cat >"$T/p.conf" <<EOF
exporter nf
    destination 127.0.0.1
    transport udp ${COLL_PORT[pa]}
    rate-limit 5000
exporter sink
    destination 127.0.0.1
    transport udp ${COLL_PORT[ps]}
    rate-limit 5000
monitor m
    template ipv4-five-tuple
    exporter nf
    exporter sink
EOF
"$XFLOWD" -f "$T/p.conf" --check-config -v >"$T/p.dump" 2>&1
check "the configuration prints rate-limit with its defaults" \
	grep -q "rate-limit 5000 burst 250 queue 65536" "$T/p.dump"
start=$(date +%s.%N)
run_xflowd paced -f "$T/p.conf" -r "$T/f.pcap" --stats-file "$T/p.json"
rc=$?
took=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN {printf "%.2f", b - a}')
check "paced run exits 0" [ "$rc" = 0 ] || show_err paced
collector_stop pa
collector_stop ps
nfdump_csv pa "$T/pa.csv"
got=$(awk -F, 'NF > 10 && $1 ~ /^[0-9]/' "$T/pa.csv" | wc -l)
pk=$(awk -F, 'NF > 10 && $1 ~ /^[0-9]/ {p += $12} END {print p + 0}' "$T/pa.csv")
info "paced: $got flows ($pk packets) at nfcapd in ${took}s"
check "nfcapd has all $N flows" [ "$got" = "$N" ]
check "... of one packet each" [ "$pk" = "$N" ]
check "nothing counted as not sent" [ "$(json_sum "$T/p.json" paced_records)" = 0 ]
spread=$(datagrams_spread "$T/ps.pcap")
info "paced: datagrams over ${spread}s (at least $(((N - 250) / 5000)).9 expected)"
check "the datagrams arrive over >= (N - burst) / rate = 3.95 s" \
	awk -v s="$spread" 'BEGIN {exit !(s >= 3.9)}'
check "... and not much longer (the rate is kept, not undershot)" \
	awk -v s="$spread" 'BEGIN {exit !(s < 6)}'

# --- over: a queue bound overrun is counted exactly ---
nfcapd_start oa || { fail "nfcapd"; finish; }
sink_start os || { fail "udpsink"; finish; }
run_xflowd over -r "$T/f.pcap" -c "127.0.0.1:${COLL_PORT[oa]}" \
	-c "127.0.0.1:${COLL_PORT[os]}" --rate-limit 2000 --rate-burst 100 \
	--rate-queue 1000 --stats-file "$T/o.json"
check "overrun run exits 0" [ "$?" = 0 ] || show_err over
collector_stop oa
collector_stop os
nfdump_csv oa "$T/oa.csv"
got=$(awk -F, 'NF > 10 && $1 ~ /^[0-9]/' "$T/oa.csv" | wc -l)
# per collector, the same for both
notsent=$(grep -o '"paced_records": [0-9]*' "$T/o.json" | head -1 | awk '{print $2}')
sent=$(grep -o '"data_records": [0-9]*' "$T/o.json" | head -1 | awk '{print $2}')
info "over: $got flows at nfcapd, paced_records $notsent, data_records $sent"
check "some records overran the queue" [ "${notsent:-0}" -gt 0 ]
check "at least the burst and the queue arrived" [ "$got" -ge 1100 ]
check "counted = offered - delivered at nfcapd" [ "$((N - got))" = "$notsent" ]
check "the stats file's records sent = delivered" [ "$sent" = "$got" ]
tshark -r "$T/os.pcap" -d "udp.port==${COLL_PORT[os]},cflow" -Y cflow.notsent_flows \
	-T fields -e cflow.notsent_flows 2>/dev/null >"$T/os.notsent"
last=$(tr ',' '\n' <"$T/os.notsent" | tail -1)
info "over: the last reliability record says notSentFlowTotalCount $last"
check "the reliability record at exit counts them (RFC 7011 4.3)" \
	[ "$last" = "$notsent" ]

# --- term: SIGTERM while the queue drains at the end of the file ---
nfcapd_start ta || { fail "nfcapd"; finish; }
sink_start ts || { fail "udpsink"; finish; }
"$XFLOWD" -r "$T/f.pcap" -c "127.0.0.1:${COLL_PORT[ta]}" \
	-c "127.0.0.1:${COLL_PORT[ts]}" --rate-limit 2000 --tcp-linger 1 \
	--stats-file "$T/t.json" >"$T/term.out" 2>"$T/term.err" &
xp=$!
XF_PIDS+=("$xp")
for _ in $(seq 200); do
	[ "$(stat -c %s "$T/ts.pcap" 2>/dev/null || echo 0)" -gt 24 ] && break
	sleep 0.05
done
kill -TERM "$xp"
t0=$(date +%s.%N)
wait "$xp"
rc=$?
took=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN {printf "%.2f", b - a}')
check "SIGTERM: exit 0" [ "$rc" = 0 ] || show_err term
check "SIGTERM: gone within the linger time (${took}s)" \
	awk -v s="$took" 'BEGIN {exit !(s < 3)}'
collector_stop ta
collector_stop ts
nfdump_csv ta "$T/ta.csv"
got=$(awk -F, 'NF > 10 && $1 ~ /^[0-9]/' "$T/ta.csv" | wc -l)
notsent=$(grep -o '"paced_records": [0-9]*' "$T/t.json" | head -1 | awk '{print $2}')
info "term: $got flows at nfcapd, paced_records $notsent"
check "SIGTERM: some were left and counted" [ "${notsent:-0}" -gt 0 ]
check "SIGTERM: delivered + counted = offered" [ "$((got + notsent))" = "$N" ]
finish
