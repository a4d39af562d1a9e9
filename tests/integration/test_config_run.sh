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

# exporters of one monitor that differ in protocol, domain id and MTU: an
# exporting process each (Flexible NetFlow allows it), fed the same flows
nfcapd_start gn || { fail "nfcapd gn"; finish; }
sink_start g9 || { fail "udpsink g9"; finish; }
sink_start gj || { fail "udpsink gj"; finish; }
cat >"$T/g.conf" <<EOF2
exporter ipfix-nf
    destination 127.0.0.1
    transport udp ${COLL_PORT[gn]}
    export-protocol ipfix
exporter v9
    destination 127.0.0.1
    transport udp ${COLL_PORT[g9]}
    export-protocol netflow-v9
    domain-id 7
exporter jumbo
    destination 127.0.0.1
    transport udp ${COLL_PORT[gj]}
    export-protocol ipfix
    domain-id 9
    mtu 9000
monitor m
    template ipv4-five-tuple
    template ipv6-five-tuple
    ! flows end together at the end of the file: messages fill up
    cache timeout active 3600
    cache timeout inactive 3600
    exporter ipfix-nf
    exporter v9
    exporter jumbo
EOF2
run_xflowd groups -f "$T/g.conf" --read "$T/m.pcap" --stats-file "$T/g.stats.json"
rc=$?
collector_stop gn
collector_stop g9
collector_stop gj
check "exporters of different protocol, domain and MTU in one monitor: runs (rc=$rc)" [ "$rc" = 0 ] ||
    show_err groups
nfdump_csv gn "$T/gn.csv"
check "ipfix-nf (nfdump): per-flow exact" "$PY" "$XF_HERE/compare.py" "$T/m.csv" "$T/gn.csv" --label "groups nfdump"
for c in g9 gj; do
    check "$c (tshark): every record decoded" \
        "$PY" "$XF_HERE/cflow_records.py" "$T/$c.pcap" "${COLL_PORT[$c]}" "$T/$c.csv"
    check "$c (tshark): per-flow exact" \
        "$PY" "$XF_HERE/compare.py" "$T/m.csv" "$T/$c.csv" --format records --label "groups $c"
done
check "IPFIX to jumbo: sequence numbers without a gap" "$PY" "$XF_HERE/streamcheck.py" "$T/gj.pcap" --no-gaps
for c in g9 gj; do
    tshark -r "$T/$c.pcap" -d "udp.port==${COLL_PORT[$c]},cflow" -T fields -E occurrence=f -e cflow.version \
        -e cflow.source_id -e cflow.od_id -e udp.length >"$T/$c.msgs" 2>/dev/null
done
check "v9: every message version 9, source id 7 ($(sort -u "$T/g9.msgs" | awk '{print $1"/"$2}' | sort -u | xargs))" \
    bash -c '[ -s "$1" ] && [ "$(awk "{print \$1, \$2}" "$1" | sort -u)" = "9 7" ]' _ "$T/g9.msgs"
check "jumbo: IPFIX, domain 9, messages past 1500 octets up to 9000 (largest $(awk '{print $3}' "$T/gj.msgs" |
    sort -n | tail -1))" bash -c '[ "$(awk "{print \$1, \$2}" "$1" | sort -u)" = "10 9" ] &&
    awk "\$3 > 1500 { big++ } \$3 > 9000 - 28 { over++ } END { exit !(big > 0 && !over) }" "$1"' _ "$T/gj.msgs"
check "the stats file lists the three collectors" "$PY" -c '
import json, sys
s = json.load(open(sys.argv[1]))
print([c["collector"] for c in s["collectors"]])
sys.exit(len(s["collectors"]) != 3)' "$T/g.stats.json"

run_xflowd mix -f "$T/x.conf" --read "$T/m.pcap" --collector 127.0.0.1:9
rc=$?
check "-f with --collector: refused (exit 2) saying where collectors go" \
    bash -c '[ "$1" = 2 ] && grep -q "configuration file describes" "$2"' _ "$rc" "$T/mix.err"
finish
