#!/usr/bin/env bash
# test_flush.sh - `xflowctl flush` right after traffic ends each flow once.
# A veth pair into a namespace of our own; 5 ICMP echo requests sent from
# the namespace into xflowd's interface (libpcap live, then --capture
# ebpf), `xflowctl flush` at once after the last one. libpcap hands packets
# over in blocks, up to its read timeout later: flush must meter what the
# capture holds before it expires the cache (regression: the last packet
# went out as a record of its own, 4 + 1). Judged by tshark at a udpsink
# collector: one record of the flow, 5 packets, 5 * 84 octets.
. "$(dirname "$0")/lib.sh"
need_xflowd
need_scapy
need_cmd ip tshark
need_xflowctl

live_pair xffl

# flush_case LABEL XFLOWD-ARGS...: 5 pings, flush at once, one record
flush_case() {
	local label=$1 sock=$T/$1.sock out n
	shift
	sink_start "$label" || { fail "$label: udpsink"; return; }
	"$XFLOWD" --interface "$A" --collector "$(addr_of "$label")" \
		--export ipfix --inactive-timeout 3600 --active-timeout 3600 \
		--control "$sock" --no-drop "$@" >"$T/$label.out" 2>"$T/$label.err" &
	XP=$!
	XF_PIDS+=("$XP")
	# the socket is served once the captures are open
	for _ in $(seq 100); do
		"$XFLOWCTL" -s "$sock" show statistics >/dev/null 2>&1 && break
		kill -0 $XP 2>/dev/null || break
		sleep 0.05
	done
	kill -0 $XP 2>/dev/null || { show_err "$label"; fail "$label: xflowd did not start"; return; }
	# the flush from the sender, at once after its last packet
	out=$(ip netns exec "$NS" "$PY" - "$B" "$XFLOWCTL" "$sock" <<'PYEOF'
import subprocess, sys, time
from scapy.all import Ether, IP, ICMP, Raw, conf
p = Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02") / \
    IP(src="198.18.7.1", dst="198.18.7.2") / ICMP(id=7) / Raw(b"x" * 56)
s = conf.L2socket(iface=sys.argv[1])
for i in range(5):
    if i:
        time.sleep(0.2)  # as ping does: the first ones are handed over
    p[ICMP].seq = i
    s.send(p)
r = subprocess.run([sys.argv[2], "-s", sys.argv[3], "flush"], capture_output=True, text=True)
s.close()
print(r.stdout.strip())
PYEOF
)
	check "$label: flush right after the 5th packet: 1 flow expired ($out)" \
		[ "$out" = "1 flows expired and exported" ]
	kill -TERM $XP
	wait $XP
	check "$label: SIGTERM: exit 0" [ $? = 0 ]
	collector_stop "$label"
	"$PY" "$XF_HERE/cflow_records.py" "$T/$label.pcap" "${COLL_PORT[$label]}" \
		"$T/$label.csv" >"$T/$label.dec" 2>&1 || { cat "$T/$label.dec"; fail "$label: tshark"; return; }
	n=$(awk -F, 'NR > 1 && $1 == "198.18.7.1" && $3 == 1 { print $6 ":" $7 }' "$T/$label.csv" | tr '\n' ' ')
	check "$label: tshark: one record of the ping, 5 packets, 420 octets (got $n)" \
		[ "$n" = "5:420 " ]
}

flush_case pcap
if "$XFLOWD" --help 2>&1 | grep -q ebpf; then
	flush_case ebpf --capture ebpf
fi
finish
