#!/usr/bin/env bash
# test_source.sh - the exporter's source address (IOS's "ip flow-export
# source INTERFACE"): an exporter namespace with two addresses, its veth's
# 10.78.0.1 (where the route to the collector leaves) and a loopback-like
# second interface's 192.0.2.1; udpsink.py in a collector namespace records
# the source address of every datagram it receives.
# - without a source the datagrams come from 10.78.0.1;
# - --export-source IF, --export-source 192.0.2.1 and an exporter block's
#   'source IF' (-f) send every datagram from 192.0.2.1; --export-source lo
#   from the address given to lo, not 127.0.0.1;
# - live, the interface's address replaced by 192.0.2.9: the datagrams follow;
# - an unknown interface, an address of the other IP version, and a bad
#   'source' line are refused naming them.
. "$(dirname "$0")/lib.sh"
. "$XF_HERE/bpf_lib.sh"
bpf_need
E=sre$$ C=src$$ EV=sev$$ CV=scv$$ LB=slb$$
ns_add "$E" && ns_add "$C" || skip "cannot create namespaces"
addr_pair "$E" "$EV" "$C" "$CV" 10.78.0 || skip "cannot create the veth pair"
# (no dummy module here: a veth whose peer stays in the namespace)
ip -n "$E" link add "$LB" type veth peer name "${LB}p" && ip -n "$E" link set "$LB" up ||
    skip "cannot create the source interface"
ip -n "$E" addr add 192.0.2.1/32 dev "$LB"
ip -n "$C" route add 192.0.2.0/24 via 10.78.0.1

PCAP=$XF_ROOT/tests/data/demo.pcap

# sources PCAP: the distinct source addresses of a sink's datagrams
sources() { tshark -r "$1" -T fields -e ip.src 2>/dev/null | sort -u | tr '\n' ' '; }
# only_from PCAP ADDR: there are datagrams, and all are from ADDR
only_from() {
    local s
    s=$(sources "$1")
    echo "datagrams from: ${s:-none}"
    [ "$s" = "$2 " ]
}

# run_file LABEL PORT ARGS...: export the demo capture to a new sink on PORT
run_file() {
    local label=$1 port=$2
    shift 2
    ns_sink_start "$C" "$label" 10.78.0.2 "$port" || { fail "udpsink $label"; return 1; }
    ip netns exec "$E" "$XFLOWD" --read "$PCAP" "$@" >"$T/$label.out" 2>"$T/$label.err"
    RC=$?
    ns_collector_stop "$label"
}

run_file any 2055 -c 10.78.0.2:2055
check "no source: from the veth's address (rc=$RC)" only_from "$T/any.pcap" 10.78.0.1
run_file byif 2056 -c 10.78.0.2:2056 --export-source "$LB"
check "--export-source $LB: every datagram from 192.0.2.1 (rc=$RC)" only_from "$T/byif.pcap" 192.0.2.1
# lo: the router's own address on it, not 127.0.0.1
ip -n "$E" addr add 192.0.2.77/32 dev lo
run_file bylo 2061 -c 10.78.0.2:2061 --export-source lo
check "--export-source lo: from lo's 192.0.2.77, not 127.0.0.1 (rc=$RC)" only_from "$T/bylo.pcap" 192.0.2.77
run_file byaddr 2057 -c 10.78.0.2:2057 -e v9 --export-source 192.0.2.1
check "--export-source 192.0.2.1 (v9): every datagram from it (rc=$RC)" \
    only_from "$T/byaddr.pcap" 192.0.2.1

cat >"$T/s.conf" <<EOF2
exporter lab
    destination 10.78.0.2
    transport udp 2058
    export-protocol netflow-v5
    source $LB
monitor m
    template ipv4-five-tuple
    exporter lab
EOF2
check "--check-config prints 'source $LB' back" \
    bash -c '"$1" -f "$2" --check-config -v 2>&1 | grep -q "^ *source $3\$"' _ "$XFLOWD" "$T/s.conf" "$LB"
run_file conf 2058 -f "$T/s.conf"
check "exporter block 'source $LB' (v5): every datagram from 192.0.2.1 (rc=$RC)" \
    only_from "$T/conf.pcap" 192.0.2.1

# refusals: exit 2, the value named
ip netns exec "$E" "$XFLOWD" --read "$PCAP" -c 10.78.0.2:2059 --export-source nosuch$$ \
    >/dev/null 2>"$T/bad1.err"
rc=$?
check "an unknown interface: exit 2 naming it (rc=$rc)" \
    bash -c '[ "$1" = 2 ] && grep -q "source .nosuch$2.: no such interface" "$3"' _ "$rc" "$$" "$T/bad1.err"
ip netns exec "$E" "$XFLOWD" --read "$PCAP" -c 10.78.0.2:2059 --export-source 2001:db8::1 \
    >/dev/null 2>"$T/bad2.err"
rc=$?
check "an IPv6 source for an IPv4 collector: exit 2 (rc=$rc)" \
    bash -c '[ "$1" = 2 ] && grep -q "source .2001:db8::1.: an address of the other IP version" "$2"' \
    _ "$rc" "$T/bad2.err"
sed -i "s|source $LB|source 2001:db8::1|" "$T/s.conf"
"$XFLOWD" -f "$T/s.conf" --check-config >/dev/null 2>"$T/bad3.err"
rc=$?
check "-f: an IPv6 source for an IPv4 destination refused at its line (rc=$rc)" \
    bash -c '[ "$1" != 0 ] && grep -q "s.conf:5: source 2001:db8::1" "$2"' _ "$rc" "$T/bad3.err"
sed -i "s|source 2001:db8::1|source bad/name|" "$T/s.conf"
"$XFLOWD" -f "$T/s.conf" --check-config >/dev/null 2>"$T/bad4.err"
rc=$?
check "-f: 'source bad/name' refused at its line (rc=$rc)" \
    bash -c '[ "$1" != 0 ] && grep -q "s.conf:5: source .bad/name.: expected an interface name" "$2"' \
    _ "$rc" "$T/bad4.err"

# live: the interface's address changes, the export follows
ns_sink_start "$C" live 10.78.0.2 2060 || { fail "udpsink live"; finish; }
ip netns exec "$E" "$XFLOWD" -i "$EV" -c 10.78.0.2:2060 --export-source "$LB" -A 1 -I 1 \
    --control none >"$T/live.out" 2>"$T/live.err" &
XP=$!
XF_PIDS+=("$XP")
# traffic to meter: a datagram every 0.1 s for up to 30 s
ip netns exec "$C" "$PY" -c 'import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(300):
    s.sendto(b"x" * 64, ("10.78.0.1", 9))
    time.sleep(0.1)' &
XF_PIDS+=("$!")
# wait_from ADDR: up to 10 s until a datagram from ADDR arrived
wait_from() {
    for _ in $(seq 50); do
        sources "$T/live.pcap" | grep -qw "$1" && return 0
        sleep 0.2
    done
    return 1
}
check "live: datagrams from 192.0.2.1" wait_from 192.0.2.1
ip -n "$E" addr add 192.0.2.9/32 dev "$LB"
ip -n "$E" addr del 192.0.2.1/32 dev "$LB"
check "live: the address replaced by 192.0.2.9, the datagrams follow" wait_from 192.0.2.9
xflowd_stop
rc=$?
check "live xflowd exits 0 (rc=$rc)" [ "$rc" = 0 ]
ns_collector_stop live
check "live: never from the veth's address" \
    bash -c '! tshark -r "$1" -T fields -e ip.src 2>/dev/null | grep -qx 10.78.0.1' _ "$T/live.pcap"
finish
