#!/usr/bin/env bash
# test_live.sh - --interface (libpcap live): a veth pair into a namespace of
# our own, xfgen traffic (VLAN/QinQ, IPv4 options, IPv6 extension headers,
# fragments, ICMP, SCTP) replayed into it with tcpreplay, xflowd capturing on
# the near end and stopped with SIGTERM. Judged by nfdump: per-flow packets
# and octets exact, SIGTERM exits 0 with every cached flow exported, and the
# capture counters say nothing was dropped.
. "$(dirname "$0")/lib.sh"
need_xflowd
need_scapy
need_cmd nfcapd nfdump ip tcpreplay ss

live_pair xflive

"${XFGEN[@]}" -o "$T/live.pcap" -t "$T/live.csv" --scenario mixed --flows 150 \
	--packets 1500 --seed 21 2>/dev/null || { fail "xfgen mixed"; finish; }
npk=$(pcap_count "$T/live.pcap")
info "replaying $npk packets through $B -> $A"

nfcapd_start live || { fail "nfcapd"; finish; }
need_xflowctl
"$XFLOWD" --interface "$A" --collector "$(addr_of live)" --export ipfix \
	--control "$T/live.sock" --stats-file "$T/live.stats.json" \
	>"$T/live.out" 2>"$T/live.err" &
XP=$!
# the control socket answers once the capture is open
for _ in $(seq 200); do
	"$XFLOWCTL" -s "$T/live.sock" show statistics >/dev/null 2>&1 && break
	kill -0 $XP 2>/dev/null || break
	sleep 0.05
done
kill -0 $XP 2>/dev/null || { show_err live; fail "xflowd did not start"; finish; }
ip netns exec "$NS" tcpreplay -q -i "$B" --pps 3000 "$T/live.pcap" \
	>"$T/tcpreplay.log" 2>&1 || { cat "$T/tcpreplay.log"; fail "tcpreplay"; finish; }
# at once: what the capture holds when SIGTERM comes is metered too
kill -TERM $XP
wait $XP
rc=$?
check "SIGTERM: xflowd exits 0 (rc=$rc)" [ "$rc" = 0 ]
collector_stop live
nfdump_csv live "$T/live.nfdump.csv"
check "nfdump: per-flow packets and octets exact" \
	"$PY" "$XF_HERE/compare.py" "$T/live.csv" "$T/live.nfdump.csv" --label "live nfdump"
check "stats: $npk packets seen, none dropped by the kernel" "$PY" - "$T/live.stats.json" "$npk" <<'PYEOF'
import json, sys
s = json.load(open(sys.argv[1]))
ok = s["packets"] == int(sys.argv[2]) and s["capture_drops"] == 0 and s["expired"]["forced"] > 0
print("packets", s["packets"], "capture_drops", s["capture_drops"], "forced", s["expired"]["forced"])
sys.exit(0 if ok else 1)
PYEOF
finish
