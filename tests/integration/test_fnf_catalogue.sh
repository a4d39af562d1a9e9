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

"$PY" "$XF_HERE/fnf_catalogue.py" gen "$T/in.pcap" "$T/truth.json" "$T/meas.pcap" "$T/meas.json" ||
    { fail "crafting the packets"; finish; }

# family 4|6, the record's lines, then what to read and check with
run_family() {
    local fam=$1 rec=$2 input=${3:-in.pcap} how=${4:-check} truth=${5:-truth.json} rc
    local l="IPv${fam#m}"
    [ "$fam" = "${fam#m}" ] || l="$l measured"
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
    check "$l: --check-config accepts every field" "$XFLOWD" -f "$T/c$fam.conf" --check-config
    run_xflowd "run$fam" -f "$T/c$fam.conf" --read "$T/$input"
    rc=$?
    collector_stop "v9-$fam"
    collector_stop "ipfix-$fam"
    check "$l: xflowd -f FILE --read exits 0 (rc=$rc)" [ "$rc" = 0 ]
    check "$l: v9, tshark: every field as the crafted packets" \
        "$PY" "$XF_HERE/fnf_catalogue.py" "$how" "$T/$truth" "$T/v9-$fam.pcap" \
        "${COLL_PORT[v9-$fam]}" 9 "${fam#m}"
    check "$l: IPFIX, tshark: every field as the crafted packets" \
        "$PY" "$XF_HERE/fnf_catalogue.py" "$how" "$T/$truth" "$T/ipfix-$fam.pcap" \
        "${COLL_PORT[ipfix-$fam]}" 10 "${fam#m}"
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

# the measured fields, over packets whose TTL, length and fragments vary
run_family m4 " match ipv4 source address
 match ipv4 destination address
 match ipv4 protocol
 collect ipv4 ttl minimum
 collect ipv4 ttl maximum
 collect ipv4 total-length minimum
 collect ipv4 total-length maximum
 collect ipv4 fragmentation flags
 collect counter bytes
 collect counter packets" meas.pcap measured meas.json

run_family m6 " match ipv6 source address
 match ipv6 destination address
 match ipv6 protocol
 collect ipv6 hop-limit minimum
 collect ipv6 hop-limit maximum
 collect ipv6 total-length minimum
 collect ipv6 total-length maximum
 collect ipv6 fragmentation flags
 collect counter bytes long
 collect counter packets long" meas.pcap measured meas.json

# what a Linux router cannot know is refused with the line and why
printf 'flow record r\n match ipv4 source address\n collect datalink mac source address output\n' >"$T/bad.conf"
"$XFLOWD" -f "$T/bad.conf" --check-config >"$T/bad.out" 2>&1
rc=$?
check "datalink mac source address output: refused at line 3, saying why (rc=$rc)" \
    bash -c '[ "$1" = 2 ] && grep -q "bad.conf:3: .*cannot be filled truthfully" "$2"' _ "$rc" "$T/bad.out"
finish
