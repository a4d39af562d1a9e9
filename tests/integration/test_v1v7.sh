#!/usr/bin/env bash
# test_v1v7.sh - NetFlow v1 and v7 (issue 16 item 3, 'ip flow-export version
# 1|7'): xflowd --read on xfgen's `mixed` pcap exported as v1 and as v7 to
# nfcapd and udpsink (tshark, msgcheck) at once. Every judge sees every
# IPv4 flow with exact packets and octets; tshark decodes without a
# malformed packet or expert warning; msgcheck: at most 24 (v1) / 28 (v7)
# records per message, v7's flow_sequence, flags and router_sc 0, no Last
# after the header's sysUptime, one time base in every header, absolute
# times within the pcap's. IPv6 flows are counted as skipped; sampling is
# refused (neither header can announce it).
. "$(dirname "$0")/lib.sh"
need_xflowd
need_scapy
need_cmd nfcapd nfdump tshark ss
# pmacct's nfacctd (Debian's 1.7.8) accounts no v1 or v7 record: its print
# plugin purges 0 entries; it cannot judge here
PMACCT=0
XF_STRICT_TIME=1

"${XFGEN[@]}" -o "$T/mixed.pcap" -t "$T/mixed.csv" --scenario mixed --seed 7 --flows 400 --packets 4000 2>/dev/null ||
    { fail "xfgen mixed"; finish; }
v6=$(awk -F, 'NR > 1 && $10 == 6' "$T/mixed.csv" | wc -l)
info "mixed pcap: $(pcap_count "$T/mixed.pcap") packets, $(($(wc -l <"$T/mixed.csv") - 1)) flows ($v6 IPv6)"

# every flow expires at the end of the file (-I 3600), so messages fill up;
# v7 at --mtu 9000: its 28 records of 52 octets do not fit 1500 (27 do)
declare -A MTU=([v1]=1500 [v7]=9000) MOST=([v1]=24 [v7]=28)
for v in v1 v7; do
    MSGCHECK_OPTS="--check-header-base --mtu ${MTU[$v]}" export_and_judge "$v" "$T/mixed.pcap" "$T/mixed.csv" "$v" \
        "--v4-only" "--stats-file $T/$v.stats.json --mtu ${MTU[$v]} -I 3600"
    check "$v: the IPv6 flows counted as skipped (${v}_skipped_ipv6 = $v6)" \
        grep -q "\"${v}_skipped_ipv6\": $v6," "$T/$v.stats.json"
    check "$v: full messages hold ${MOST[$v]} records" \
        env PYTHONPATH="$XF_HERE" "$PY" -c 'import sys, struct
from msgcheck import read_pcap
n = [struct.unpack("!H", m[2:4])[0] for _, _, m in read_pcap(sys.argv[1])]
sys.exit(0 if n and max(n) == int(sys.argv[2]) else "counts %s" % sorted(set(n)))' "$T/$v.sink.pcap" "${MOST[$v]}"
done

# the configuration file's words: one monitor to a v7 and a v1 exporter
sink_start cf7 || fail "udpsink"
sink_start cf1 || fail "udpsink"
cat >"$T/x.conf" <<EOF2
exporter cat5k
    destination 127.0.0.1
    transport udp ${COLL_PORT[cf7]}
    export-protocol netflow-v7
exporter old
    destination 127.0.0.1
    transport udp ${COLL_PORT[cf1]}
    export-protocol netflow-v1
monitor m
    template ipv4-five-tuple
    exporter cat5k
    exporter old
EOF2
run_xflowd conf -f "$T/x.conf" --read "$T/mixed.pcap"
rc=$?
collector_stop cf7
collector_stop cf1
check "-f with export-protocol netflow-v7 and netflow-v1: exits 0 (rc=$rc)" [ "$rc" = 0 ]
for v in 7 1; do
    check "export-protocol netflow-v$v: tshark decodes v$v, per-flow exact" sh -c "
        '$PY' '$XF_HERE/cflow_records.py' '$T/cf$v.pcap' '${COLL_PORT[cf$v]}' '$T/cf$v.csv' &&
        awk -F, 'NR > 1 && \$8 != $v {exit 1}' '$T/cf$v.csv' &&
        '$PY' '$XF_HERE/compare.py' '$T/mixed.csv' '$T/cf$v.csv' --v4-only --label 'conf v$v tshark'"
done

# a monitor without templates written, to fixed formats: IPv6 flows are
# metered and counted skipped, as the command line's -e v1|v5|v7 (the
# model's rule, xflowd.conf(5)), not packets no template describes
sink_start cfd || fail "udpsink"
cat >"$T/d.conf" <<EOF2
exporter old
    destination 127.0.0.1
    transport udp ${COLL_PORT[cfd]}
    export-protocol netflow-v5
monitor m
    exporter old
EOF2
run_xflowd dflt -f "$T/d.conf" --read "$T/mixed.pcap" --stats-file "$T/d.stats.json" -I 3600
rc=$?
collector_stop cfd
check "-f, v5 monitor without templates: IPv6 flows counted skipped (v5_skipped_ipv6 = $v6, rc=$rc)" \
    grep -q "\"v5_skipped_ipv6\": $v6," "$T/d.stats.json"
check "-f, v5 monitor without templates: no packet lacks a template" "$PY" -c '
import json, sys
s = json.load(open(sys.argv[1]))
print("no_template_packets %s" % s["no_template_packets"])
sys.exit(sum(s["no_template_packets"].values()) != 0)' "$T/d.stats.json"

# neither header has a sampling field: collectors would take sampled counts
# for all the traffic
for v in v1 v7; do
    run_xflowd "$v.sampled" --read "$T/mixed.pcap" --collector 127.0.0.1:9 --export "$v" --sample 10
    rc=$?
    check "$v --sample 10 refused (exit 2, says what to use)" \
        sh -c "[ $rc = 2 ] && grep -q 'cannot announce sampling.*v5' '$T/$v.sampled.err'"
done

finish
