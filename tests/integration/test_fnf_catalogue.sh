#!/usr/bin/env bash
# test_fnf_catalogue.sh - the Flexible NetFlow field catalogue (issue 16):
# an IOS configuration whose records name every catalogue field in IOS's
# words (match ipv4 dscp, match ipv4 ttl, match transport icmp ipv4 type,
# match datalink dot1q priority, match ipv6 flow-label, collect ipv4
# source prefix, collect routing forwarding-status, ...) exports, as
# NetFlow v9 and IPFIX, crafted IPv4 and IPv6 packets of known values;
# tshark decodes the records and each field equals the truth computed from
# the crafted packets (fnf_catalogue.py). The fields that cannot be filled
# truthfully are refused with the line.
. "$(dirname "$0")/lib.sh"
need_xflowd
need_scapy
need_cmd tshark ip

"$PY" "$XF_HERE/fnf_catalogue.py" gen "$T/in.pcap" "$T/truth.json" ||
    { fail "crafting the packets"; finish; }

# family 4|6, then the record's lines
run_family() {
    local fam=$1 rec=$2 rc
    sink_start "v9-$fam" || { fail "udpsink"; return; }
    sink_start "ipfix-$fam" || { fail "udpsink"; return; }
    cat >"$T/c$fam.conf" <<EOF2
flow record cat$fam
$rec
!
flow exporter v9
 destination 127.0.0.1
 transport udp ${COLL_PORT[v9-$fam]}
 export-protocol netflow-v9
!
flow exporter ipfix
 destination 127.0.0.1
 transport udp ${COLL_PORT[ipfix-$fam]}
 export-protocol ipfix
!
flow monitor m$fam
 record cat$fam
 exporter v9
 exporter ipfix
!
EOF2
    check "IPv$fam: --check-config accepts every field" "$XFLOWD" -f "$T/c$fam.conf" --check-config
    run_xflowd "run$fam" -f "$T/c$fam.conf" --read "$T/in.pcap"
    rc=$?
    collector_stop "v9-$fam"
    collector_stop "ipfix-$fam"
    check "IPv$fam: xflowd -f FILE --read exits 0 (rc=$rc)" [ "$rc" = 0 ]
    check "IPv$fam: v9, tshark: every field as the crafted packets" \
        "$PY" "$XF_HERE/fnf_catalogue.py" check "$T/truth.json" "$T/v9-$fam.pcap" \
        "${COLL_PORT[v9-$fam]}" 9 "$fam"
    check "IPv$fam: IPFIX, tshark: every field as the crafted packets" \
        "$PY" "$XF_HERE/fnf_catalogue.py" check "$T/truth.json" "$T/ipfix-$fam.pcap" \
        "${COLL_PORT[ipfix-$fam]}" 10 "$fam"
}

run_family 4 " match ipv4 source address
 match ipv4 destination address
 match ipv4 protocol
 match ipv4 dscp
 match ipv4 ttl
 match transport icmp ipv4 type
 match transport icmp ipv4 code
 match datalink vlan input
 match datalink dot1q vlan input
 match datalink dot1q priority
 collect ipv4 precedence
 collect ipv4 source mask
 collect ipv4 destination mask
 collect ipv4 source prefix
 collect ipv4 destination prefix
 collect routing forwarding-status
 collect routing source as
 collect routing destination as
 collect routing source as peer
 collect routing destination as peer
 collect routing next-hop address ipv4 bgp
 collect counter bytes
 collect counter packets"

run_family 6 " match ipv6 source address
 match ipv6 destination address
 match ipv6 next-header
 match ipv6 flow-label
 match ipv6 hop-limit
 match ipv6 dscp
 match transport icmp ipv6 type
 match transport icmp ipv6 code
 collect ipv6 precedence
 collect ipv6 source mask
 collect ipv6 destination mask
 collect ipv6 source prefix
 collect ipv6 destination prefix
 collect routing forwarding-status
 collect routing next-hop address ipv6 bgp
 collect counter bytes long
 collect counter packets long"

# what a Linux router cannot know is refused with the line and why
printf 'flow record r\n match ipv4 source address\n collect datalink mac source address output\n' >"$T/bad.conf"
"$XFLOWD" -f "$T/bad.conf" --check-config >"$T/bad.out" 2>&1
rc=$?
check "datalink mac source address output: refused at line 3, saying why (rc=$rc)" \
    bash -c '[ "$1" = 2 ] && grep -q "bad.conf:3: .*cannot be filled truthfully" "$2"' _ "$rc" "$T/bad.out"
finish
