#!/usr/bin/env bash
# test_records.sh - user-defined templates (--record NAME:MATCH,.../COLLECT,...,
# Flexible NetFlow's match/collect): the match elements are the flow key, so
# a record of source and destination address aggregates every flow between
# two hosts. tshark decodes the records; per host pair, packets and octets
# equal the truth summed over the pair. Bad records are refused with the
# closest element names.
. "$(dirname "$0")/lib.sh"
need_xflowd
need_scapy
need_cmd tshark

"${XFGEN[@]}" -o "$T/m.pcap" -t "$T/m.csv" --scenario mixed --seed 31 --flows 150 --packets 1500 \
    2>/dev/null || { fail "xfgen"; finish; }
sink_start rec || { fail "udpsink"; finish; }
run_xflowd rec --read "$T/m.pcap" --collector "$(addr_of rec)" \
    --record 'hosts4:sourceIPv4Address,destinationIPv4Address/packetDeltaCount,octetDeltaCount,tcpControlBits,flowStartMilliseconds,flowEndMilliseconds' \
    --record 'proto6:protocolIdentifier,sourceIPv6Address/octetDeltaCount,packetDeltaCount,ipClassOfService' \
    -t hosts4 -t proto6
rc=$?
collector_stop rec
check "xflowd exits 0 (rc=$rc)" [ "$rc" = 0 ]
check "tshark decodes every record" "$PY" "$XF_HERE/cflow_records.py" "$T/rec.pcap" "${COLL_PORT[rec]}" "$T/rec.csv"
check "hosts4: one record per host pair, packets and octets summed exactly" "$PY" - "$T/m.csv" "$T/rec.csv" <<'PYEOF'
import csv, sys
from collections import Counter
truth_p, truth_o = Counter(), Counter()
for r in csv.DictReader(open(sys.argv[1])):
    if r["ver"] == "4":
        truth_p[(r["src"], r["dst"])] += int(r["packets"])
        truth_o[(r["src"], r["dst"])] += int(r["octets"])
got_p, got_o = Counter(), Counter()
for r in csv.DictReader(open(sys.argv[2])):
    if r["src"] and ":" not in r["src"]:
        got_p[(r["src"], r["dst"])] += int(r["packets"])
        got_o[(r["src"], r["dst"])] += int(r["octets"])
print("%d host pairs exported, %d in the truth" % (len(got_p), len(truth_p)))
sys.exit(got_p != truth_p or got_o != truth_o)
PYEOF

bad() {
    run_xflowd "bad$1" --read "$T/m.pcap" --collector 127.0.0.1:9 --record "$2" -t "${2%%:*}"
    local rc=$?
    check "--record '$2': exit 2 naming the problem ($3)" \
        bash -c '[ "$1" = 2 ] && grep -q -- "$2" "$3"' _ "$rc" "$3" "$T/bad$1.err"
}
bad 1 'r:sourceIPv4Adress' "closest: sourceIPv4Address"
bad 2 'r:octetDeltaCount' "cannot be a match"
bad 3 'r:sourceIPv4Address,sourceIPv6Address' "one address family"
bad 4 'r:exportingProcessId' "options records only"
bad 5 'ipv4-five-tuple:sourceIPv4Address' "predefined template"
bad 6 'r:protocolIdentifier/sourceIPv4Address' "can only be a match"
finish
