#!/usr/bin/env bash
# test_timeouts.sh - timer behaviour with --active-timeout 30 --inactive-timeout 15
# on xfgen's `timeouts` pcap: a 100 s UDP flow (4 records: 30,30,30,10 packets),
# a flow with a 40 s gap (2 records), TCP flows ended by FIN / RST and resumed 1 s
# later (2 records each), 200 short flows (1 record each). Per key, the records'
# packet and octet counts must match TRUTH.records.csv, as decoded by nfdump and
# by tshark (flowEndReason is not in the default templates: splits are checked
# through the number of records and their counts).
. "$(dirname "$0")/lib.sh"
need_xflowd
need_scapy
need_cmd nfcapd nfdump tshark ss

"${XFGEN[@]}" -o "$T/to.pcap" -t "$T/to.csv" --scenario timeouts --seed 3 2>/dev/null ||
    { fail "xfgen timeouts"; finish; }
info "timeouts pcap: $(pcap_count "$T/to.pcap") packets, $(($(wc -l <"$T/to.csv") - 1)) flows, $(($(wc -l <"$T/to.records.csv") - 1)) expected records"

for ver in ipfix v9; do
    MSGCHECK_OPTS="" export_and_judge "$ver" "$T/to.pcap" "$T/to.csv" "$ver" "--records $T/to.records.csv" \
        "--active-timeout 30 --inactive-timeout 15"
done

finish
