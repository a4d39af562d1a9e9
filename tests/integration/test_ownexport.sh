#!/usr/bin/env bash
# test_ownexport.sh - xflowd never meters its own export: capturing on lo
# while exporting to a collector on lo, the export datagrams cross the very
# interface observed. 200 UDP datagrams of our own to another port must come
# out exact, and no flow towards the collector port may appear. Short frames
# towards the collector are counted malformed, not dropped by the filter.
. "$(dirname "$0")/lib.sh"
need_xflowd
need_cmd nfcapd nfdump ss
[ "$(id -u)" = 0 ] || skip "live capture on lo needs root"

nfcapd_start own || { fail "nfcapd"; finish; }
cport=${COLL_PORT[own]}
dport=$(free_port 4)
"$XFLOWD" --interface lo --collector "$(addr_of own)" --export ipfix \
	--inactive-timeout 1 --stats-file "$T/own.stats.json" \
	>"$T/own.out" 2>"$T/own.err" &
XP=$!
sleep 1
kill -0 $XP 2>/dev/null || { show_err own; fail "xflowd did not start"; finish; }
# our traffic: 200 datagrams of 100 octets (128 IP octets), one source port
"$PY" - "$dport" <<'PYEOF'
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
for _ in range(200):
    s.sendto(b"x" * 100, ("127.0.0.1", int(sys.argv[1])))
    time.sleep(0.002)
PYEOF
# short frames, three of them UDP towards the collector: the filter that
# keeps our export out must not reject them for reading past their end
# (counted malformed); regression: the soak test lost them
"$PY" - "$cport" <<'PYEOF2' || fail "scapy sendp on lo"
import sys
from scapy.all import Ether, IP, UDP, Raw, sendp
f = bytes(Ether(dst="00:00:00:00:00:00", src="00:00:00:00:00:00") /
          IP(src="127.0.0.1", dst="127.0.0.1") / UDP(sport=9, dport=int(sys.argv[1])) / Raw(b"q" * 30))
sendp([Ether(f[:n]) for n in (15, 30, 37, 40)], iface="lo", verbose=False)
PYEOF2
# idle flows (inactive 1 s) are exported while xflowd runs: its export
# datagrams pass lo during the capture
sleep 3
kill -TERM $XP
wait $XP
check "SIGTERM: exit 0" [ $? = 0 ]
collector_stop own
nfdump_csv own "$T/own.csv"
check "our 200 datagrams to port $dport: one flow, 200 packets, 25600 octets" \
	awk -F, -v p="$dport" '$7 == p && $8 ~ /UDP/ {n++; k += $12; o += $13}
		END {exit !(n >= 1 && k == 200 && o == 25600)}' "$T/own.csv"
check "no flow towards the collector port $cport (our own export)" \
	awk -F, -v p="$cport" '$7 == p {bad++} END {exit bad > 0}' "$T/own.csv"
check "4 short frames on lo counted malformed, not lost to the filter" "$PY" - "$T/own.stats.json" <<'PYEOF2'
import json, sys
st = json.load(open(sys.argv[1]))
m = st["malformed"]
print("truncated %d, bad_total_length %d, packets %d, capture drops %d"
      % (m["truncated"], m["bad_total_length"], st["packets"], st["capture_drops"]))
sys.exit(0 if m["truncated"] == 2 and m["bad_total_length"] == 2 else 1)
PYEOF2
finish
