#!/usr/bin/env bash
# test_export.sh - xflowd --read on xfgen's `mixed` pcap, exported as NetFlow v5,
# v9 and IPFIX to nfcapd, udpsink (tshark, msgcheck) and nfacctd at once; every
# judge must see every flow with exact packets and octets (v5: the IPv4 flows),
# and the message layer must follow RFC 3954 / RFC 7011 (see msgcheck.py).
. "$(dirname "$0")/lib.sh"
need_xflowd
need_scapy
need_cmd nfcapd nfdump tshark ss
command -v nfacctd >/dev/null && PMACCT=1
# flow times exact to the second in nfdump, and v5/v9 headers consistent with one time base
XF_STRICT_TIME=1

"${XFGEN[@]}" -o "$T/mixed.pcap" -t "$T/mixed.csv" --scenario mixed --seed 7 --flows 400 --packets 4000 2>/dev/null ||
    { fail "xfgen mixed"; finish; }
info "mixed pcap: $(pcap_count "$T/mixed.pcap") packets, $(($(wc -l <"$T/mixed.csv") - 1)) flows"

MSGCHECK_OPTS="--check-header-base" export_and_judge v5 "$T/mixed.pcap" "$T/mixed.csv" v5 "--v4-only" ""
MSGCHECK_OPTS="--domain-id 42 --check-header-base" export_and_judge v9 "$T/mixed.pcap" "$T/mixed.csv" v9 "" "--domain-id 42"
MSGCHECK_OPTS="--domain-id 42 --need-sysinit" export_and_judge ipfix "$T/mixed.pcap" "$T/mixed.csv" ipfix "" "--domain-id 42"
# default export format is IPFIX, default domain id: only the message layer is checked
MSGCHECK_OPTS="--need-sysinit" export_and_judge default "$T/mixed.pcap" "$T/mixed.csv" ipfix "" ""

finish
