#!/usr/bin/env bash
# test_malformed.sh - good flows interleaved with malformed packets (truncated
# headers, IHL < 5, bad IPv4 total length, IPv6 extension chains running past the
# payload, bad IP version) and ARP: the good flows exact, nothing extra exported,
# and xflowd's --stats-file counters equal the truth per reason.
. "$(dirname "$0")/lib.sh"
need_xflowd
need_scapy
need_cmd nfcapd nfdump tshark ss

"${XFGEN[@]}" -o "$T/bad.pcap" -t "$T/bad.csv" --scenario malformed --seed 11 2>/dev/null ||
    { fail "xfgen malformed"; finish; }
info "malformed pcap: $(pcap_count "$T/bad.pcap") packets; truth: $(tail -n +2 "$T/bad.malformed.csv" | tr '\n' ' ')"

MSGCHECK_OPTS="--need-sysinit" export_and_judge ipfix "$T/bad.pcap" "$T/bad.csv" ipfix "" "--stats-file $T/stats.json"
if [ -s "$T/stats.json" ]; then
    nrec=$(grep -c . "$T/ipfix.nfdump.csv")
    check "stats-file counters equal the truth per reason; packets; flows_exported" \
        "$PY" "$XF_HERE/statscheck.py" "$T/stats.json" "$T/bad.malformed.csv" \
        --packets "$(pcap_count "$T/bad.pcap")" --flows-exported "$nrec"
else
    fail "xflowd wrote no stats file ($T/stats.json)"
fi

# the same through NetFlow v9 and v5: no malformed packet may turn into a record
MSGCHECK_OPTS="" export_and_judge v9 "$T/bad.pcap" "$T/bad.csv" v9 "" ""
MSGCHECK_OPTS="" export_and_judge v5 "$T/bad.pcap" "$T/bad.csv" v5 "--v4-only" ""

finish
