#!/usr/bin/env bash
# test_tcp.sh - IPFIX over TCP (RFC 7011 §10.4) and IPv6 collectors, from a
# pcap file (--read):
#  1. four collectors in one run, each with its own template and sequence
#     state: TCP over IPv4 and IPv6 (tcpsink.py), UDP over IPv4 (udpsink.py)
#     and IPv6 (nfcapd). Judged per collector: templates and options first,
#     sequence from 0 without a gap, per-flow exact against the truth by our
#     message checker, by tshark on each message and by tshark reassembling
#     the real TCP stream (dumpcap on lo, -d tcp.port==N,cflow), by nfdump.
#  2. the TCP collector absent at start: xflowd (which waits for it when
#     reading a file) connects once it listens; every record arrives.
#  3. a TCP collector that never reads: the buffer bound is reached, the
#     overflow is counted exactly (received + dropped = exported), the
#     sequence shows the gap, no busy loop (CPU time), bounded memory.
#  4. the command line: /tcp with v9, a bad --tcp-buffer.
. "$(dirname "$0")/lib.sh"
. "$XF_HERE/tcp_lib.sh"
need_xflowd
need_scapy
need_cmd tshark dumpcap nfcapd nfdump ss
[ "$(id -u)" = 0 ] || skip "needs root to capture on lo"

"${XFGEN[@]}" -o "$T/m.pcap" -t "$T/m.csv" --scenario mixed --flows 400 --packets 4000 --seed 61 \
	2>/dev/null || { fail "xfgen mixed"; finish; }
nflows=$(($(wc -l <"$T/m.csv") - 1))
# more records than the TCP buffers of sections 2 and 3 hold (~100 kB)
"${XFGEN[@]}" -o "$T/big.pcap" -t "$T/big.csv" --scenario mixed --flows 1500 --packets 2500 --seed 63 \
	2>/dev/null || { fail "xfgen 1500 flows"; finish; }
nbig=$(($(wc -l <"$T/big.csv") - 1))
range=$(pcap_range "$T/m.pcap")

# ---------------------------------------------------------------- 1
info "1. TCP v4 + TCP v6 + UDP v4 + UDP v6 collectors in one run"
tcpsink_start t4 127.0.0.1 || { fail "tcpsink v4"; finish; }
tcpsink_start t6 ::1 || { fail "tcpsink v6"; finish; }
sink_start u4 127.0.0.1 || { fail "udpsink"; finish; }
nfcapd_start n6 ::1 || { fail "nfcapd on ::1"; finish; }
capture_start tcp4 lo "tcp port ${COLL_PORT[t4]}" || { fail "dumpcap on lo"; finish; }
run_xflowd mixed --read "$T/m.pcap" --collector "127.0.0.1:${COLL_PORT[t4]}/tcp" \
	--collector "[::1]:${COLL_PORT[t6]}/tcp" --collector "127.0.0.1:${COLL_PORT[u4]}/udp" \
	--collector "$(addr_of n6)" --template-refresh-packets 5 --stats-file "$T/mixed.json"
rc=$?
check "xflowd exits 0 (rc=$rc)" [ $rc = 0 ] || show_err mixed
capture_stop tcp4
tcpsink_stop t4
tcpsink_stop t6
collector_stop u4
collector_stop n6
for s in t4 t6; do
	pcaps=$(tcpsink_pcaps $s)
	check "$s: one connection" [ "$(echo "$pcaps" | wc -l)" = 1 ]
	# shellcheck disable=SC2086
	check "$s: templates and options first, sequence from 0, no gap" \
		"$PY" "$XF_HERE/streamcheck.py" $pcaps --templates-first --no-gaps --seq-from-zero
	# shellcheck disable=SC2086
	check "$s: message layer (lengths, sequence, systemInitTime, flow times)" \
		"$PY" "$XF_HERE/msgcheck.py" $pcaps --version 10 --need-sysinit --time-range $range \
		--records "$T/$s.msg.csv"
	check "$s: per-flow exact" "$PY" "$XF_HERE/compare.py" "$T/m.csv" "$T/$s.msg.csv" --label "$s"
	check "$s: tshark on each message: per-flow exact" \
		"$PY" "$XF_HERE/cflow_records.py" "$pcaps" "${COLL_PORT[$s]}" "$T/$s.tshark.csv"
	check "$s: tshark records per-flow exact" "$PY" "$XF_HERE/compare.py" "$T/m.csv" "$T/$s.tshark.csv" \
		--label "$s tshark"
done
check "tshark reassembling the TCP stream on lo decodes every message" \
	"$PY" "$XF_HERE/tshark_tcp.py" "$T/tcp4.cap" "${COLL_PORT[t4]}" "$T/tcp4.tshark.csv"
check "tshark over TCP: per-flow exact" "$PY" "$XF_HERE/compare.py" "$T/m.csv" "$T/tcp4.tshark.csv" \
	--label "tshark tcp"
# shellcheck disable=SC2086
check "udp v4: message layer, sequence numbers of its own" \
	"$PY" "$XF_HERE/msgcheck.py" "$T/u4.pcap" --version 10 --need-sysinit --time-range $range \
	--records "$T/u4.msg.csv"
check "udp v4: per-flow exact" "$PY" "$XF_HERE/compare.py" "$T/m.csv" "$T/u4.msg.csv" --label u4
nfdump_csv n6 "$T/n6.csv"
check "udp v6 (nfcapd on ::1): per-flow exact" "$PY" "$XF_HERE/compare.py" "$T/m.csv" "$T/n6.csv" \
	--label "nfcapd v6" --time-slack 1
check "stats: transports, one connect each, nothing dropped or buffered" "$PY" - "$T/mixed.json" "$nflows" <<'EOF'
import json, sys
s = json.load(open(sys.argv[1]))
n = int(sys.argv[2])
want = ["tcp", "tcp", "udp", "udp"]
c = s["collectors"]
errs = []
for i, x in enumerate(c):
    if x["transport"] != want[i]:
        errs.append("%s: transport %s" % (x["collector"], x["transport"]))
    if x["data_records"] != n or x["dropped_records"] or x["buffered_octets"] or x["send_errors"]:
        errs.append("%s: %s" % (x["collector"], x))
    # TCP: the templates once, the same for both connections
    if want[i] == "tcp" and (x["connects"] != 1 or x["disconnects"] or x["templates"] != c[0]["templates"]):
        errs.append("%s: connects %d disconnects %d templates %d (once per connection)"
                    % (x["collector"], x["connects"], x["disconnects"], x["templates"]))
# UDP refreshes every 5 messages: more template records than TCP
if not c[2]["templates"] > c[0]["templates"]:
    errs.append("UDP sent no template refresh")
print("; ".join(errs) or "%d collectors, %d records each" % (len(c), n))
sys.exit(1 if errs else 0)
EOF

# ---------------------------------------------------------------- 2
info "2. TCP collector absent at start"
port=$(free_port 4)
"$XFLOWD" --read "$T/big.pcap" --collector "127.0.0.1:$port/tcp" --tcp-buffer 16384 --tcp-linger 30 \
	--stats-file "$T/absent.json" >"$T/absent.out" 2>"$T/absent.err" &
XP=$!
XF_PIDS+=("$XP")
# xflowd has tried and failed once before the collector exists; reading
# a file, it waits for the collector rather than drop what does not fit
sleep 1
tcpsink_start late 127.0.0.1 "$port" || { fail "tcpsink on port $port"; finish; }
wait $XP
rc=$?
tcpsink_stop late
check "xflowd exits 0 (rc=$rc)" [ $rc = 0 ] || show_err absent
check "stats: refused first, then one connection; buffer full, nothing dropped" "$PY" - "$T/absent.json" \
	"$nbig" <<'EOF'
import json, sys
c = json.load(open(sys.argv[1]))["collectors"][0]
ok = c["connect_failures"] >= 1 and c["connects"] == 1 and c["dropped_records"] == 0 and \
    c["data_records"] == int(sys.argv[2]) and c["buffered_octets"] == 0 and c["buffered_peak"] > 12000
print({k: c[k] for k in ("connect_attempts", "connect_failures", "connects", "buffered_peak",
                         "dropped_records", "data_records")})
sys.exit(0 if ok else 1)
EOF
# shellcheck disable=SC2046
check "late collector: templates first, no gap" \
	"$PY" "$XF_HERE/streamcheck.py" $(tcpsink_pcaps late) --templates-first --no-gaps --seq-from-zero \
	--records "$T/late.csv"
check "late collector: per-flow exact" "$PY" "$XF_HERE/compare.py" "$T/big.csv" "$T/late.csv" --label late

# ---------------------------------------------------------------- 3
info "3. a TCP collector that never reads"
# in a namespace of our own with small TCP socket buffers: the kernel holds
# little, so xflowd's own bound is what fills
NS=xftcp$$
ip netns add "$NS" || skip "cannot create a network namespace"
trap 'ip netns del "$NS" 2>/dev/null; xf_cleanup' EXIT
ip netns exec "$NS" ip link set lo up
ip netns exec "$NS" sysctl -qw net.ipv4.tcp_wmem="4096 4096 8192" net.ipv4.tcp_rmem="4096 4096 8192"
nsx() { ip netns exec "$NS" "$@"; }
port=$(nsx "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
nsx "$PY" "$XF_HERE/tcpsink.py" --out "$T/stuck" --port "$port" --port-file "$T/stuck.port" --paused \
	--pid-file "$T/stuck.pid" 2>"$T/stuck.sink.log" &
for _ in $(seq 200); do [ -s "$T/stuck.port" ] && break; sleep 0.05; done
SP=$(cat "$T/stuck.pid")
XF_PIDS+=("$SP")
nsx /usr/bin/time -f "%e %U %S %M" -o "$T/stuck.time" "$XFLOWD" --read "$T/big.pcap" \
	--collector "127.0.0.1:$port/tcp" --tcp-buffer 16384 --tcp-linger 2 \
	--cache-size 65536 --stats-file "$T/stuck.json" >"$T/stuck.out" 2>"$T/stuck.err"
rc=$?
check "xflowd exits 0 (rc=$rc)" [ $rc = 0 ] || show_err stuck
# now the collector reads what the kernel kept for it, to the end
kill -USR1 "$SP"
for _ in $(seq 100); do grep -q '"close"' "$T/stuck.events" 2>/dev/null && break; sleep 0.05; done
kill -TERM "$SP"
for _ in $(seq 300); do kill -0 "$SP" 2>/dev/null || break; sleep 0.05; done
# shellcheck disable=SC2046
"$PY" "$XF_HERE/streamcheck.py" $(tcpsink_pcaps stuck) --json "$T/stuck.stream.json" >"$T/stuck.stream.out"
check "buffer bound reached, overflow counted: received + dropped = exported" "$PY" - "$T/stuck.json" \
	"$T/stuck.stream.json" "$nbig" <<'EOF'
import json, sys
c = json.load(open(sys.argv[1]))["collectors"][0]
r = json.load(open(sys.argv[2]))
n = int(sys.argv[3])
got, drop = r["data_records"], c["dropped_records"]
print("exported %d, received %d, dropped %d (%d messages), gaps %d records, peak buffer %d"
      % (c["data_records"], got, drop, c["dropped_messages"], r["gap_records"], c["buffered_peak"]))
ok = c["data_records"] == n and got + drop == n and drop > 0 and r["gap_records"] <= drop \
    and 0 < c["buffered_peak"] <= 16384 + 1500
sys.exit(0 if ok else 1)
EOF
check "no busy loop while blocked (CPU time), bounded memory" "$PY" - "$T/stuck.time" <<'EOF'
import sys
wall, user, sys_, rss = open(sys.argv[1]).read().split()[-4:]
cpu = float(user) + float(sys_)
print("wall %.1f s (two waits of --tcp-linger 2), CPU %.2f s, max RSS %d kB" % (float(wall), cpu, int(rss)))
sys.exit(0 if float(wall) >= 2 and cpu < 0.5 * float(wall) and int(rss) < 256 * 1024 else 1)
EOF

# ---------------------------------------------------------------- 4
info "4. command line"
run_xflowd v9tcp --read "$T/m.pcap" --collector 127.0.0.1:9/tcp --export v9
rc=$?
check "/tcp with --export v9: exit 2, says IPFIX only" \
	sh -c "[ $rc = 2 ] && grep -q 'IPFIX only' '$T/v9tcp.err'"
run_xflowd smallbuf --read "$T/m.pcap" --collector 127.0.0.1:9/tcp --tcp-buffer 1000
rc=$?
check "--tcp-buffer 1000: exit 2" [ $rc = 2 ]
run_xflowd mtubuf --read "$T/m.pcap" --collector 127.0.0.1:9/tcp --tcp-buffer 4096 --mtu 9000
rc=$?
check "--tcp-buffer 4096 --mtu 9000: exit 2, no message fits the buffer" \
	sh -c "[ $rc = 2 ] && grep -q 'holds no message' '$T/mtubuf.err'"
finish
