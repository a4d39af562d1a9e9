#!/usr/bin/env bash
# test_physif.sh - Flexible NetFlow's 'collect interface input|output
# physical' (ingress/egressPhysicalInterface, IEs 252/253) on a live router:
# client ns -> router ns -> server ns, where the router's addresses sit on
# macvlan interfaces MA and MB over the veths A and B (the kernel has no
# VLAN module here; a macvlan has its lower device as a VLAN has). xflowd
# captures MA with libpcap and exports IPFIX to udpsink; tshark reads the
# record of 6 UDP datagrams client -> server: input MA, output MB (the
# route), physical input A and physical output B (the lower devices from
# the interface table), not the upper interfaces again.
. "$(dirname "$0")/lib.sh"
. "$XF_HERE/bpf_lib.sh"
need_xflowd
need_xflowctl
need_cmd tshark

C=phc$$ R=phr$$ S=phs$$
CI=pvc$$ RA=pra$$ RB=prb$$ SV=pvs$$ MA=pma$$ MB=pmb$$
ns_add "$C" && ns_add "$R" && ns_add "$S" || skip "cannot create namespaces"
veth_pair "$C" "$CI" "$R" "$RA" && veth_pair "$R" "$RB" "$S" "$SV" || skip "cannot create veth pairs"
for m in "$MA:$RA" "$MB:$RB"; do
    ip -n "$R" link add "${m%%:*}" link "${m#*:}" type macvlan mode bridge ||
        skip "cannot create a macvlan interface"
    ip -n "$R" link set "${m%%:*}" up
done
ip -n "$C" addr add 10.97.0.2/24 dev "$CI"
ip -n "$R" addr add 10.97.0.1/24 dev "$MA"
ip -n "$R" addr add 10.96.0.1/24 dev "$MB"
ip -n "$S" addr add 10.96.0.2/24 dev "$SV"
ip -n "$C" route add default via 10.97.0.1
ip -n "$S" route add default via 10.96.0.1
ip netns exec "$R" sysctl -qw net.ipv4.ip_forward=1
# static neighbours: with ARP, the veth under a macvlan answers for the
# macvlan's address too (arp_ignore 0, "ARP flux") and the client may send
# to the veth's MAC, which the macvlan never sees
ip -n "$C" neigh add 10.97.0.1 lladdr "$(mac_of "$R" "$MA")" dev "$CI" nud permanent
ip -n "$R" neigh add 10.96.0.2 lladdr "$(mac_of "$S" "$SV")" dev "$MB" nud permanent
IA=$(ifindex_of "$R" "$RA") IB=$(ifindex_of "$R" "$RB")
IMA=$(ifindex_of "$R" "$MA") IMB=$(ifindex_of "$R" "$MB")
info "router: $MA ($IMA) on $RA ($IA), $MB ($IMB) on $RB ($IB)"

ns_sink_start "$S" phys 10.96.0.2 9996 || { fail "udpsink"; finish; }
cat >"$T/phys.conf" <<EOF
flow record PHYS
 match ipv4 source address
 match ipv4 destination address
 match transport destination-port
 match interface input
 collect interface output
 collect interface input physical
 collect interface output physical
 collect counter packets
flow exporter E
 destination 10.96.0.2
 transport udp 9996
 export-protocol ipfix
flow monitor M
 record PHYS
 exporter E
interface $MA
 ip flow monitor M input
EOF
check "--check-config: OK" ip netns exec "$R" "$XFLOWD" -f "$T/phys.conf" --check-config
if ! xflowd_start "$R" phys -f "$T/phys.conf" --control "$T/p.sock"; then
    fail "xflowd did not start"
    show_err phys
    finish
fi
# the control socket answers once the captures are open
for _ in $(seq 200); do
    ip netns exec "$R" "$XFLOWCTL" -s "$T/p.sock" show ip flow interface >/dev/null 2>&1 && break
    sleep 0.05
done
ip netns exec "$C" "$PY" -c 'import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(6):
    s.sendto(b"x" * 100, ("10.96.0.2", 7000))'
# the server received them: the router forwarded all six
for _ in $(seq 100); do
    [ "$(ip netns exec "$S" awk '/^Udp: [0-9]/ { print $3 }' /proc/net/snmp)" -ge 6 ] && break
    sleep 0.05
done
xflowd_stop
rc=$?
ns_collector_stop phys
check "SIGTERM, exit 0 (rc=$rc)" [ "$rc" = 0 ] || show_err phys

tshark -r "$T/phys.pcap" -d udp.port==9996,cflow -T fields -E separator=' ' \
    -e cflow.dstaddr -e cflow.dstport -e cflow.inputint -e cflow.outputint \
    -e cflow.ingress_physical_interface -e cflow.egress_physical_interface \
    -e cflow.packets 2>/dev/null | grep 10.96.0.2 >"$T/phys.txt"
sed 's/^/       /' "$T/phys.txt"
check "one record: in $IMA out $IMB, physical in $IA out $IB, 6 packets" \
    grep -qx "10.96.0.2 7000 $IMA $IMB $IA $IB 6" "$T/phys.txt"
finish
