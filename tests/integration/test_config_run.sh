#!/usr/bin/env bash
# test_config_run.sh - xflowd -f FILE: the configuration's exporter,
# monitor (templates, a user-defined record, cache timeouts) and direction
# drive the export. A capture read with -f and --read is exported to nfcapd
# and to udpsink as the file says; nfdump and tshark match the truth.
# Mixing -f with --collector is refused.
. "$(dirname "$0")/lib.sh"
need_xflowd
need_scapy
need_cmd nfcapd nfdump tshark

"${XFGEN[@]}" -o "$T/m.pcap" -t "$T/m.csv" --scenario mixed --seed 51 --flows 120 --packets 1200 \
    2>/dev/null || { fail "xfgen"; finish; }
nfcapd_start cf || { fail "nfcapd"; finish; }
sink_start cs || { fail "udpsink"; finish; }
cat >"$T/x.conf" <<EOF2
exporter nf
    destination 127.0.0.1
    transport udp ${COLL_PORT[cf]}
    export-protocol ipfix
exporter sink
    destination 127.0.0.1
    transport udp ${COLL_PORT[cs]}
    export-protocol ipfix
record pairs6
    match sourceIPv6Address
    match destinationIPv6Address
    collect packetDeltaCount
    collect octetDeltaCount
monitor m
    template ipv4-five-tuple
    record pairs6
    cache entries 65536
    cache timeout active 30
    cache timeout inactive 15
    exporter nf
    exporter sink
EOF2
check "--check-config accepts it" "$XFLOWD" -f "$T/x.conf" --check-config
run_xflowd run -f "$T/x.conf" --read "$T/m.pcap"
rc=$?
collector_stop cf
collector_stop cs
check "xflowd -f FILE --read exits 0 (rc=$rc)" [ "$rc" = 0 ]
TZ=UTC nfdump -R "${COLL_DIR[cf]}" -q -N -o csv 'ipv4' >"$T/cf.csv" 2>"$T/cf.err"
check "nfdump: the IPv4 flows exact (template ipv4-five-tuple)" \
    "$PY" "$XF_HERE/compare.py" "$T/m.csv" "$T/cf.csv" --v4-only --label "config nfdump"
check "tshark decodes every record" "$PY" "$XF_HERE/cflow_records.py" "$T/cs.pcap" "${COLL_PORT[cs]}" "$T/cs.csv"
check "record pairs6: IPv6 traffic summed per address pair" "$PY" - "$T/m.csv" "$T/cs.csv" <<'PYEOF'
import csv, sys
from collections import Counter
want, got = Counter(), Counter()
for r in csv.DictReader(open(sys.argv[1])):
    if r["ver"] == "6":
        want[(r["src"], r["dst"])] += int(r["packets"])
for r in csv.DictReader(open(sys.argv[2])):
    if ":" in r["src"]:
        got[(r["src"], r["dst"])] += int(r["packets"])
print("%d pairs, %d packets exported; truth %d pairs, %d packets" % (len(got), sum(got.values()), len(want), sum(want.values())))
sys.exit(got != want)
PYEOF
# a monitor's sampler samples and is announced (nfdump scales by it)
sed -e 's/^    record pairs6$/    sampler s10/' -e '$a sampler s10\n    mode deterministic 1 out-of 10' \
    "$T/x.conf" >"$T/s.conf"
run_xflowd samp -f "$T/s.conf" --read "$T/m.pcap" --stats-file "$T/s.stats.json"
rc=$?
check "a monitor's 'sampler' meters 1 in 10 (rc=$rc)" "$PY" -c '
import json, sys
s = json.load(open(sys.argv[1]))
print("packets %d, sampled out %d, metered %d" % (s["packets"], s["sampled_out"], s["metered"]))
nofit = sum(s["no_template_packets"].values())
sys.exit(not (s["packets"] == 1200 and s["sampled_out"] == 1080
              and s["metered"] + nofit + s["non_ip"] + s["sampled_out"] == 1200))' "$T/s.stats.json"

run_xflowd mix -f "$T/x.conf" --read "$T/m.pcap" --collector 127.0.0.1:9
rc=$?
check "-f with --collector: refused (exit 2) saying where collectors go" \
    bash -c '[ "$1" = 2 ] && grep -q "configuration file describes" "$2"' _ "$rc" "$T/mix.err"
finish
