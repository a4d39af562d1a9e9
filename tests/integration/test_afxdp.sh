#!/usr/bin/env bash
# test_afxdp.sh - --capture afxdp on a mirror port: a "switch" namespace
# replays xfgen traffic (VLAN/QinQ, IPv4 options, IPv6 extension headers,
# fragments; and pcapgen's when ../shared is there) into a veth whose far
# end, in the monitor namespace, xflowd reads through AF_XDP sockets.
#
# The collectors sit in the switch namespace, reached through the observed
# interface, and the switch mirrors our export datagrams back into it (as a
# SPAN port would): they must be passed, not metered. Judged by nfdump and
# tshark (per-flow packets and octets exact), and the counters: every
# packet metered, none dropped, our export seen and skipped. A second run
# with a 9000-octet MTU, which veth's native XDP refuses, checks the warned
# fallback to generic XDP.
. "$(dirname "$0")/lib.sh"
. "$XF_HERE/bpf_lib.sh"
bpf_need

P=bpfp$$ M=bpfm$$
PV=bpfvp$$ MV=bpfvm$$
ns_add "$P" && ns_add "$M" || skip "cannot create namespaces"

# the monitor port: a veth pair of $1 queues (several: one AF_XDP socket
# each, shared out among worker threads)
mkpair() {
    local port
    VETH_QUEUES=$1 addr_pair "$P" "$PV" "$M" "$MV" 10.97.1 || return 1
    IM=$(ifindex_of "$M" "$MV")
    # the SPAN: what reaches the collectors is copied back to the monitor port
    ip netns exec "$P" tc qdisc add dev "$PV" clsact
    for port in 9995 9996; do
        ip netns exec "$P" tc filter add dev "$PV" ingress protocol ip u32 match ip protocol 17 0xff \
            match ip dport "$port" 0xffff action mirred egress mirror dev "$PV" || return 2
    done
}
mkpair 1
case $? in
1) skip "cannot create a veth pair" ;;
2) fail "tc mirred"; finish ;;
esac

"${XFGEN[@]}" -o "$T/xfgen.pcap" -t "$T/xfgen.csv" --scenario mixed --flows 150 --packets 1500 --seed 32 \
    2>/dev/null || { fail "xfgen mixed"; finish; }
INPUTS=(xfgen)
pcapgen_make "$T/pcapgen.pcap" "$T/pcapgen.csv" --packets 3000 --flows 300 --duration 30 --vlan 0.2 \
    --qinq 0.1 --seed 42
case $? in
0) INPUTS+=(pcapgen) ;;
2) info "../shared absent: xfgen traffic only" ;;
*) fail "pcapgen: $(tail -2 "$T/pcapgen.make.log" "$T/pcapgen.log" 2>/dev/null)" ;;
esac

run_case() {
    local in=$1 label=$2 rc npk g
    local pcap=$T/$in.pcap truth=$T/$in.csv
    npk=$(pcap_count "$pcap")
    info "$label: $npk packets into the monitor port"
    ns_nfcapd_start "$P" "$label.nf" 10.97.1.1 9995 || { fail "$label: nfcapd"; return; }
    ns_sink_start "$P" "$label.sink" 10.97.1.1 9996 || { fail "$label: udpsink"; return; }
    # -I 1: flows are exported while the program is attached
    if ! xflowd_start "$M" "$label" --capture afxdp -i "$MV" -c 10.97.1.1:9995 -c 10.97.1.1:9996 \
        --export ipfix -I 1 --stats-file "$T/$label.stats.json"; then
        fail "$label: xflowd did not start"
        show_err "$label"
        return
    fi
    replay "$P" "$PV" "$pcap" 2000 || fail "$label: tcpreplay"
    sleep 3
    xflowd_stop
    rc=$?
    ns_collector_stop "$label.nf"
    ns_collector_stop "$label.sink"
    check "$label: SIGTERM, exit 0 (rc=$rc)" [ "$rc" = 0 ] || show_err "$label"
    if grep -q "libbpf" "$T/$label.err"; then
        fail "$label: libbpf messages without -v"
        show_err "$label"
    fi
    nfdump_csv "$label.nf" "$T/$label.nfdump.csv"
    check "$label nfdump: per-flow packets and octets exact" \
        "$PY" "$XF_HERE/compare.py" "$truth" "$T/$label.nfdump.csv" --label "$label nfdump"
    check "$label: tshark decodes every record, no malformed packet or expert warning" \
        "$PY" "$XF_HERE/cflow_records.py" "$T/$label.sink.pcap" 9996 "$T/$label.tshark.csv"
    check "$label tshark: per-flow packets and octets exact" \
        "$PY" "$XF_HERE/compare.py" "$truth" "$T/$label.tshark.csv" --format records --label "$label tshark"
    g=$(split_records "$T/$label.tshark.csv" "$T/$label.tshark" records)
    check "$label tshark: every record has ingressInterface $IM, flowDirection 0 [$g]" \
        [ "$(echo "$g" | sed 's/:[0-9]*//g')" = "$IM.0" ]
    check "$label: IPFIX sequence numbers exact, no record missing" \
        "$PY" "$XF_HERE/streamcheck.py" "$T/$label.sink.pcap" --no-gaps
    check "$label: $npk packets metered, none dropped, our export skipped ($(stats_get "$T/$label.stats.json" \
        '(s["packets"], s["capture_drops"], s["bpf"])'))" \
        [ "$(stats_get "$T/$label.stats.json" \
            's["packets"] == '"$npk"' and s["capture_drops"] == 0 and s["bpf"]["own_export"] > 0')" = True ]
}

for in in "${INPUTS[@]}"; do
    run_case "$in" "afxdp-$in"
done

# a monitor port of 4 receive queues: a socket each, worker threads (one
# per queue, at most one per CPU) each with its own cache, one exporter
ip -n "$M" link del "$MV"
if mkpair 4; then
    run_case xfgen afxdp-queues
    nq=$(ip netns exec "$M" ethtool -S "$MV" |
        awk '/rx_queue_[0-9]+_xdp_redirect:/ && $2 > 0 { n++ } END { print n + 0 }')
    check "afxdp-queues: 4 queues, a socket each (xflowd says so)" grep -q "4 queues" "$T/afxdp-queues.err"
    check "afxdp-queues: the frames came in on $nq of the 4 queues (more than one)" [ "$nq" -gt 1 ]
    if [ "$(nproc)" -gt 1 ]; then
        check "afxdp-queues: metered by worker threads ($(grep -o '[0-9]* metering threads' \
            "$T/afxdp-queues.err"))" grep -q "metering threads for 4 captures" "$T/afxdp-queues.err"
    fi
    ip -n "$M" link del "$MV"
    mkpair 1 || fail "veth pair again"
else
    fail "a veth pair of 4 queues"
fi

# veth refuses native XDP above a page of MTU: xflowd warns, goes generic
ip -n "$P" link set "$PV" mtu 9000 && ip -n "$M" link set "$MV" mtu 9000
run_case xfgen afxdp-generic
check "afxdp-generic: the fallback to generic XDP is announced" \
    grep -q "using generic XDP" "$T/afxdp-generic.err"
check "afxdp-generic: running on generic XDP" grep -q "generic XDP, copy mode" "$T/afxdp-generic.err"
finish
