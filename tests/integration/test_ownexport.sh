#!/usr/bin/env bash
# test_ownexport.sh - xflowd never meters its own export: capturing on lo
# while exporting to a collector on lo, the export datagrams cross the very
# interface observed. 200 UDP datagrams of our own to another port must come
# out exact, and no flow towards the collector port may appear.
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
finish
