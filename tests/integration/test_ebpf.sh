#!/usr/bin/env bash
# test_ebpf.sh - --capture ebpf inline on a router: client ns -> router ns
# (xflowd, ip_forward on) -> server ns, with the collectors in the server ns,
# reached through the observed interfaces.
#
# xfgen traffic (and pcapgen's when ../shared is there), the frames a router
# forwards, is replayed from the client at a rate below capacity, with the
# programs on XDP and on TC. Judged by nfdump and tshark: per-flow packets
# and octets exact at the router's client-side interface (flowDirection 0)
# and, on TC, at its server-side interface's egress (flowDirection 1); no
# other record (xflowd's own export is never metered, also when its
# datagrams come back into an XDP-observed interface); every packet arrives
# at the server byte for byte; no ring-buffer loss.
. "$(dirname "$0")/lib.sh"
. "$XF_HERE/bpf_lib.sh"
need_xflowctl
bpf_need
need_cmd dumpcap ethtool

C=bpfc$$ R=bpfr$$ S=bpfs$$
CI=bpfvc$$ RA=bpfra$$ RB=bpfrb$$ SV=bpfvs$$
ns_add "$C" && ns_add "$R" && ns_add "$S" || skip "cannot create namespaces"
BPF_V6=1 veth_pair "$C" "$CI" "$R" "$RA" && BPF_V6=1 veth_pair "$R" "$RB" "$S" "$SV" ||
    skip "cannot create veth pairs"
# the router: xfgen/pcapgen frames are addressed to 02:00:00:00:00:01
ip -n "$R" link set "$RA" address 02:00:00:00:00:01
ip -n "$R" addr add 10.98.0.1/24 dev "$RA"
ip -n "$R" addr add 10.99.1.1/24 dev "$RB"
ip -n "$S" addr add 10.99.1.2/24 dev "$SV"
ip netns exec "$R" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 \
    net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0 "net.ipv4.conf.$RA.rp_filter=0" \
    net.ipv4.conf.all.send_redirects=0
# static neighbours: no ARP or neighbour discovery on the observed links
ip -n "$R" neigh add 10.99.1.2 lladdr "$(mac_of "$S" "$SV")" dev "$RB" nud permanent
ip -n "$R" -6 neigh add fe80::2 lladdr "$(mac_of "$S" "$SV")" dev "$RB" nud permanent
ip -n "$S" neigh add 10.99.1.1 lladdr "$(mac_of "$R" "$RB")" dev "$SV" nud permanent
ip -n "$R" route add default via 10.99.1.2 dev "$RB"
ip -n "$R" -6 route add default via fe80::2 dev "$RB"
IA=$(ifindex_of "$R" "$RA") IB=$(ifindex_of "$R" "$RB")

"${XFGEN[@]}" -o "$T/mixed.pcap" -t "$T/mixed.csv" --scenario mixed --flows 150 --packets 1500 --seed 31 \
    2>/dev/null || { fail "xfgen mixed"; finish; }
"$PY" "$XF_HERE/bpf_pcap.py" route "$T/mixed.pcap" "$T/mixed.csv" "$T/xfgen.pcap" "$T/xfgen.csv" \
    02:00:00:00:00:01 || { fail "routable subset of xfgen"; finish; }
INPUTS=(xfgen)
pcapgen_make "$T/pg.pcap" "$T/pg.csv" --packets 3000 --flows 300 --duration 30 --vlan 0 --qinq 0 --seed 41
case $? in
0)
    "$PY" "$XF_HERE/bpf_pcap.py" route "$T/pg.pcap" "$T/pg.csv" "$T/pcapgen.pcap" "$T/pcapgen.csv" \
        02:00:00:00:00:01 && INPUTS+=(pcapgen)
    ;;
2) info "../shared absent: xfgen traffic only" ;;
*) fail "pcapgen: $(tail -2 "$T/pcapgen.make.log" "$T/pcapgen.log" 2>/dev/null)" ;;
esac

# mirror our export datagrams back out of the server's interface: an XDP
# program on the router's side then sees them arriving
mirror_export() {
    local p
    ip netns exec "$S" tc qdisc add dev "$SV" clsact || return 1
    for p in 9995 9996; do
        ip netns exec "$S" tc filter add dev "$SV" ingress protocol ip u32 match ip protocol 17 0xff \
            match ip dport "$p" 0xffff action mirred egress mirror dev "$SV" || return 1
    done
}

run_case() {
    local hook=$1 in=$2 label=$3 rc npk groups g dp want
    local pcap=$T/$in.pcap truth=$T/$in.csv
    npk=$(pcap_count "$pcap")
    info "$label: $npk packets through the router, programs on $hook"
    ns_nfcapd_start "$S" "$label.nf" 10.99.1.2 9995 || { fail "$label: nfcapd"; return; }
    ns_sink_start "$S" "$label.sink" 10.99.1.2 9996 || { fail "$label: udpsink"; return; }
    ip netns exec "$S" tc qdisc del dev "$SV" clsact 2>/dev/null
    [ "$hook" = xdp ] && { mirror_export || { fail "$label: tc mirred"; return; }; }
    ip netns exec "$S" dumpcap -q -P -i "$SV" -f "ip or ip6" -w "$T/$label.server.pcap" \
        >"$T/$label.dumpcap.log" 2>&1 &
    dp=$!
    XF_PIDS+=("$dp")
    for _ in $(seq 100); do
        [ -s "$T/$label.server.pcap" ] && break
        sleep 0.05
    done
    sleep 0.3
    # -I 1: flows expire (and are exported) while the programs are
    # attached, so the own-export check sees our datagrams
    if ! xflowd_start "$R" "$label" --capture ebpf --ebpf-hook "$hook" -i "$RA" -i "$RB" \
        -c 10.99.1.2:9995 -c 10.99.1.2:9996 --export ipfix -I 1 --stats-file "$T/$label.stats.json" \
        --control "$T/$label.sock"; then
        fail "$label: xflowd did not start"
        show_err "$label"
        kill -INT "$dp"
        return
    fi
    replay "$C" "$CI" "$pcap" 2000 || fail "$label: tcpreplay"
    n=$([ "$hook" = tc ] && echo $((2 * npk)) || echo "$npk")
    sleep 0.5
    if [ -x "$XFLOWCTL" ]; then
        # a worker thread per ring: the views read every worker's cache
        # and counters (the workers wait between rounds meanwhile)
        "$XFLOWCTL" -s "$T/$label.sock" --json show statistics >"$T/$label.ctl.json" 2>&1
        check "$label: xflowctl show statistics, summed over the workers: $n metered ($(grep -o \
            '"metered": *[0-9]*' "$T/$label.ctl.json"))" \
            [ "$(stats_get "$T/$label.ctl.json" 's["metered"]')" = "$n" ]
        check "$label: xflowctl show ip cache flow --json parses" eval \
            '"$XFLOWCTL" -s "$T/$label.sock" --json show ip cache flow | "$PY" -c "import json,sys; json.load(sys.stdin)"'
        check "$label: xflowctl flush (every worker's cache)" \
            "$XFLOWCTL" -s "$T/$label.sock" flush
    fi
    sleep 2.5
    xflowd_stop
    rc=$?
    sleep 0.5
    kill -INT "$dp"
    wait "$dp" 2>/dev/null
    ns_collector_stop "$label.nf"
    ns_collector_stop "$label.sink"
    check "$label: SIGTERM, exit 0 (rc=$rc)" [ "$rc" = 0 ] || show_err "$label"
    if grep -q "libbpf" "$T/$label.err"; then
        fail "$label: libbpf messages without -v"
        show_err "$label"
    fi

    nfdump_csv "$label.nf" "$T/$label.nfdump.csv"
    check "tshark decodes every record, no malformed packet or expert warning" \
        "$PY" "$XF_HERE/cflow_records.py" "$T/$label.sink.pcap" 9996 "$T/$label.tshark.csv"
    want="$IA.0"
    # Cisco: at B's egress a forwarded flow's input is A, where it came in
    [ "$hook" = tc ] && want="$IA.0 $IA.1"
    for how in nfdump tshark; do
        local fmt=nfdump
        [ $how = tshark ] && fmt=records
        groups=$(split_records "$T/$label.$how.csv" "$T/$label.$how" $fmt)
        check "$label $how: records only of ($want) = (ingressInterface.flowDirection) [$groups]" \
            [ "$(echo "$groups" | sed 's/:[0-9]*//g')" = "$want" ]
        for g in $want; do
            check "$label $how: input ${g%.*} flowDirection ${g#*.}: per-flow packets and octets exact" \
                "$PY" "$XF_HERE/compare.py" "$truth" "$T/$label.$how.$g.csv" --format $fmt \
                --label "$label $how ${g}"
        done
    done
    check "$label: every packet arrived at the server" \
        "$PY" "$XF_HERE/bpf_pcap.py" arrived "$pcap" "$T/$label.server.pcap"
    check "$label: no ring-buffer loss, our export seen and skipped ($(stats_get "$T/$label.stats.json" 's["bpf"]'))" \
        [ "$(stats_get "$T/$label.stats.json" 's["bpf"]["ring_full"] == 0 and s["bpf"]["own_export"] > 0')" = True ]
    check "$label: $n packets metered (stats)" \
        [ "$(stats_get "$T/$label.stats.json" 's["metered"]')" = "$n" ]
}

# TC sees a router's own TCP traffic as GSO packets (TSO on): they must be
# metered as the segments they are on the wire. The judge is TCP itself:
# each end's TCP_INFO segs_out and bytes_sent (payload), plus 52 octets of
# IP + TCP (timestamps) header a segment and 8 more for the SYN's options
# (SACK is off, so no ACK carries a longer header);
# the passive end's segs_out leaves out its SYN-ACK (sent by the listener).
tcp_gso() {
    local label=tc-gso rc
    ip netns exec "$R" ethtool -K "$RB" tso on gso on >/dev/null 2>&1
    ip netns exec "$S" ethtool -K "$SV" tso on gso on >/dev/null 2>&1
    # every segment's header is then 52 octets: without SACK blocks, which
    # ACKs carry after a loss on a loaded machine (the judge's arithmetic)
    ip netns exec "$R" sysctl -qw net.ipv4.tcp_sack=0
    ip netns exec "$S" sysctl -qw net.ipv4.tcp_sack=0
    ns_nfcapd_start "$S" "$label.nf" 10.99.1.2 9995 || { fail "$label: nfcapd"; return; }
    ip netns exec "$S" "$PY" - "$T/gso.server" <<'PYEOF' &
import socket, struct, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("10.99.1.2", 5001))
s.listen(1)
open(sys.argv[1] + ".ready", "w").close()
c, _ = s.accept()
while c.recv(1 << 16):
    pass
c.shutdown(socket.SHUT_WR)
import time; time.sleep(0.3)
i = c.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 232)
print(struct.unpack_from("I", i, 136)[0], struct.unpack_from("Q", i, 200)[0], file=open(sys.argv[1], "w"))
PYEOF
    local sp=$!
    XF_PIDS+=("$sp")
    for _ in $(seq 100); do [ -e "$T/gso.server.ready" ] && break; sleep 0.05; done
    if ! xflowd_start "$R" "$label" --capture ebpf -i "$RB" -c 10.99.1.2:9995 --export ipfix \
        --stats-file "$T/$label.stats.json"; then
        fail "$label: xflowd did not start"
        show_err "$label"
        return
    fi
    ip netns exec "$R" "$PY" - "$T/gso.client" <<'PYEOF' || fail "$label: TCP transfer"
import socket, struct, sys, time
c = socket.create_connection(("10.99.1.2", 5001))
buf = b"x" * (1 << 20)
for _ in range(8):
    c.sendall(buf)
c.shutdown(socket.SHUT_WR)
while c.recv(1 << 16):
    pass
time.sleep(0.3)
i = c.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 232)
print(struct.unpack_from("I", i, 136)[0], struct.unpack_from("Q", i, 200)[0], file=open(sys.argv[1], "w"))
PYEOF
    wait "$sp"
    sleep 1
    xflowd_stop
    rc=$?
    ns_collector_stop "$label.nf"
    check "$label: SIGTERM, exit 0 (rc=$rc)" [ "$rc" = 0 ] || show_err "$label"
    nfdump_csv "$label.nf" "$T/$label.nfdump.csv"
    check "$label: GSO packets seen ($(stats_get "$T/$label.stats.json" 's["bpf"]["gso"]'))" \
        [ "$(stats_get "$T/$label.stats.json" 's["bpf"]["gso"] > 0')" = True ]
    check "$label: each direction's packets and octets are TCP's segments" \
        "$PY" - "$T/$label.nfdump.csv" "$T/gso.client" "$T/gso.server" "$IB" <<'PYEOF'
import sys
rows = [l.split(",") for l in open(sys.argv[1]) if l[:1].isdigit()]
ok = True
# the router's own segments leave B with input 0; the server's come in at B
for name, src, dst, f, d, synack, inif in (
        ("client->server", "10.99.1.1", "10.99.1.2", sys.argv[2], "1", 0, "0"),
        ("server->client", "10.99.1.2", "10.99.1.1", sys.argv[3], "0", 1, sys.argv[4])):
    segs, payload = map(int, open(f).read().split())
    segs += synack
    want = (segs, payload + 52 * segs + 8)
    got = [0, 0]
    for r in rows:
        if r[3] == src and r[4] == dst and r[7] == "TCP" and r[15] == inif and r[22] == d:
            got[0] += int(r[11])
            got[1] += int(r[12])
    print("%s: exported %d packets %d octets; TCP says %d segments, %d octets" % (name, got[0], got[1], *want))
    ok &= tuple(got) == want
sys.exit(0 if ok else 1)
PYEOF
}

for in in "${INPUTS[@]}"; do
    run_case tc "$in" "tc-$in"
    run_case xdp "$in" "xdp-$in"
done
tcp_gso
finish
