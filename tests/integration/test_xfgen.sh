#!/usr/bin/env bash
# test_xfgen.sh - the generator's ground truth, checked without xflowd: every
# scenario and link type of tools/xfgen.py recounted by tshark (pcaptruth.py)
# must match its truth CSV, and the same seed must give the same bytes.
. "$(dirname "$0")/lib.sh"
need_scapy
need_cmd tshark

for sc in mixed malformed timeouts; do
    "${XFGEN[@]}" -o "$T/$sc.pcap" -t "$T/$sc.csv" --scenario "$sc" --seed 9 --flows 120 --packets 1200 2>/dev/null ||
        { fail "xfgen --scenario $sc"; continue; }
    check "xfgen $sc: truth recounted by tshark" "$PY" "$XF_HERE/pcaptruth.py" "$T/$sc.pcap" "$T/$sc.csv"
done
for lt in sll sll2 raw null ppp; do
    "${XFGEN[@]}" -o "$T/$lt.pcap" -t "$T/$lt.csv" --linktype "$lt" --seed 9 --flows 60 --packets 500 2>/dev/null ||
        { fail "xfgen --linktype $lt"; continue; }
    check "xfgen --linktype $lt: truth recounted by tshark" "$PY" "$XF_HERE/pcaptruth.py" "$T/$lt.pcap" "$T/$lt.csv"
done
"${XFGEN[@]}" -o "$T/again.pcap" -t "$T/again.csv" --scenario mixed --seed 9 --flows 120 --packets 1200 2>/dev/null
if cmp -s "$T/again.pcap" "$T/mixed.pcap" && cmp -s "$T/again.csv" "$T/mixed.csv"; then
    pass "xfgen is deterministic for a seed"
else
    fail "xfgen --seed 9 twice gave different output"
fi
# the timeouts scenario's expected records: the 100 s flow splits 30/30/30/10
check "timeouts: the 100 s flow expects records of 30, 30, 30, 10 packets" \
    awk -F, '$1 == "10.1.0.1" && $4 == 5000 {s = s $6 " "} END {if (s != "30 30 30 10 ") {print "got " s; exit 1}}' "$T/timeouts.records.csv"
check "timeouts: the flow with a 40 s gap expects 2 records" \
    awk -F, '$1 == "10.1.0.2" {n++} END {if (n != 2) {print "got " n; exit 1}}' "$T/timeouts.records.csv"

finish
