#!/usr/bin/env bash
# test_cisco_lab.sh - examples/cisco-lab.conf as shipped: xflowd stands in
# for a Cisco router with two Flexible NetFlow monitors on one interface.
# A namespace has veth-lab0 (the example's interface) and the lab's
# collectors are reached through it: 198.51.100.5 (nfcapd, v9 from source
# port 2055) and 198.51.100.6 (udpsink, v5).
# - packets received on veth-lab0 go to LAB-V9-MON (record LAB-IPV4 and
#   ipv6-five-tuple): nfdump per-flow exact, every datagram from port 2055;
# - packets sent out of veth-lab0 go to LAB-V5-MON, sampled every 100th:
#   the v5 headers announce deterministic 1 in 100 (tshark), and the
#   exported packets are exactly the selected IPv4 ones.
. "$(dirname "$0")/lib.sh"
. "$XF_HERE/bpf_lib.sh"
bpf_need
CONF=$XF_ROOT/examples/cisco-lab.conf
[ -r "$CONF" ] || { fail "$CONF missing"; finish; }

P=clp$$ L=cll$$ PV=clpv$$
ns_add "$P" && ns_add "$L" || skip "cannot create namespaces"
ip link add veth-lab0 netns "$L" type veth peer name "$PV" netns "$P" ||
    skip "cannot create the veth pair"
for e in "$L:veth-lab0" "$P:$PV"; do
    ip netns exec "${e%%:*}" sysctl -qw "net.ipv6.conf.${e#*:}.disable_ipv6=1"
    ip netns exec "${e%%:*}" ethtool -K "${e#*:}" tso off gso off >/dev/null 2>&1
    # QinQ frames of 1500-octet packets are 1522 octets
    ip -n "${e%%:*}" link set "${e#*:}" mtu 1600 up
done
ip -n "$L" addr add 198.51.100.1/24 dev veth-lab0
ip -n "$P" addr add 198.51.100.5/24 dev "$PV"
ip -n "$P" addr add 198.51.100.6/24 dev "$PV"
for a in 198.51.100.5 198.51.100.6; do
    ip -n "$L" neigh add "$a" lladdr "$(mac_of "$P" "$PV")" dev veth-lab0 nud permanent
done
ip -n "$P" neigh add 198.51.100.1 lladdr "$(mac_of "$L" veth-lab0)" dev "$PV" nud permanent

"${XFGEN[@]}" -o "$T/in.pcap" -t "$T/in.csv" --scenario mixed --seed 91 --flows 120 --packets 1200 \
    2>/dev/null || { fail "xfgen in"; finish; }
"${XFGEN[@]}" -o "$T/out.pcap" -t "$T/out.csv" --scenario mixed --seed 92 --flows 120 --packets 2000 \
    2>/dev/null || { fail "xfgen out"; finish; }
nout=$(pcap_count "$T/out.pcap")
ns_nfcapd_start "$P" lab.v9 198.51.100.5 2055 || { fail "nfcapd"; finish; }
ns_sink_start "$P" lab.v5 198.51.100.6 9995 || { fail "udpsink"; finish; }
# the v9 datagrams' source port, seen on the collector's side
ip netns exec "$P" dumpcap -q -i "$PV" -f "udp and dst host 198.51.100.5" -w "$T/v9.cap" \
    >"$T/dumpcap.log" 2>&1 &
DP=$!
XF_PIDS+=("$DP")
# dumpcap writes the file header once its capture (and filter) is in place
for _ in $(seq 200); do
    [ -s "$T/v9.cap" ] && break
    kill -0 "$DP" 2>/dev/null || break
    sleep 0.05
done
[ -s "$T/v9.cap" ] || { fail "dumpcap did not start"; cat "$T/dumpcap.log"; finish; }

check "--check-config: OK" "$XFLOWD" -f "$CONF" --check-config
if ! xflowd_start "$L" lab -f "$CONF" --control none --stats-file "$T/lab.json"; then
    fail "xflowd did not start"
    show_err lab
    finish
fi
check "two monitors on veth-lab0, each metering in a thread" wait_threads lab 2 || show_err lab
replay "$P" "$PV" "$T/in.pcap" 2000 || fail "tcpreplay into veth-lab0"
replay "$L" veth-lab0 "$T/out.pcap" 2000 || fail "tcpreplay out of veth-lab0"
sleep 0.5
xflowd_stop
rc=$?
sleep 0.3
kill -INT "$DP" 2>/dev/null
wait "$DP" 2>/dev/null
ns_collector_stop lab.v9
ns_collector_stop lab.v5
check "SIGTERM, exit 0 (rc=$rc)" [ "$rc" = 0 ] || show_err lab

nfdump_csv lab.v9 "$T/v9.csv"
# nfdump 1.7.1 zeroes the ICMP type/code of v9 records without ICMP_TYPE
check "LAB-V9-MON (input): nfdump per-flow exact, IPv4 and IPv6" \
    "$PY" "$XF_HERE/compare.py" "$T/in.csv" "$T/v9.csv" --fold-ports 1,58 --label "LAB-V9-MON"
check "LAB-V9-MON: every datagram from source port 2055" \
    bash -c '[ "$(tshark -r "$1" -T fields -e udp.srcport 2>/dev/null | sort -u)" = 2055 ]' _ "$T/v9.cap"
check "LAB-V5-MON (output): tshark decodes every v5 record" \
    "$PY" "$XF_HERE/cflow_records.py" "$T/lab.v5.pcap" 9995 "$T/v5.csv"
check "LAB-V5-MON: every v5 header announces deterministic 1 in 100" \
    bash -c '[ "$(tshark -r "$1" -d udp.port==9995,cflow -T fields -e cflow.samplingmode -e cflow.samplerate 2>/dev/null |
        sort -u | tr "\t" " ")" = "1 100" ]' _ "$T/lab.v5.pcap"
check "LAB-V5-MON: every 100th of the $nout packets sent selected" \
    [ "$(stats_get "$T/lab.json" 's["monitors"][1]["sampled_out"]')" = $((nout - nout / 100)) ]
sel=$(stats_get "$T/lab.json" 's["monitors"][1]["metered"]')
check "LAB-V5-MON: the exported packets are its $sel selected IPv4 ones" "$PY" - "$T/v5.csv" "$sel" <<'PYEOF'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
n = sum(int(r["packets"]) for r in rows)
print("%d records, %d packets" % (len(rows), n))
sys.exit(n != int(sys.argv[2]) or n == 0)
PYEOF
finish
