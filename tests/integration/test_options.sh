#!/usr/bin/env bash
# test_options.sh - which options records an exporter sends is its own
# setting (Cisco FNF's exporter "option interface-table | exporter-stats |
# sampler-table [timeout SEC]" and "no option ..."), and no options record
# carries a 1970 time. One xflowd -f reads a pcapng (interface ge0 "uplink",
# malformed packets among the flows, so some are ignored) with a sampled
# monitor exporting to four udpsinks and an unsampled one to nfcapd:
#   all   IPFIX, the defaults: interface table, statistics, sampler, sysinit
#   off   IPFIX, every option off: only systemInitTimeMilliseconds
#   v9    NetFlow v9 without exporter-stats: interface table and sampler
#   tmo   IPFIX, statistics and interface table with timeout 10: sent again
#         every 10 s of the file's 44 s, not only with the templates
#   nf    nfcapd, the defaults: nfdump names every flow's input interface
# Judged by tshark (optcheck.py: templates and records by kind, every
# absolute time of every message after 2000; cflow_records.py: no warning).
# The reliability statistics with nothing dropped carried first/last times
# of 0 (1970-01-01) before.
. "$(dirname "$0")/lib.sh"
need_xflowd
need_scapy
need_cmd tshark nfcapd nfdump

"${XFGEN[@]}" -o "$T/m.pcap" -t "$T/m.csv" --scenario malformed --flows 60 --packets 600 --seed 5 \
	2>/dev/null || { fail "xfgen"; finish; }
"$PY" "$XF_ROOT/tools/pcap2ng.py" "$T/m.pcap" "$T/m.pcapng" ge0 uplink || { fail "pcap2ng"; finish; }
for s in all off v9 tmo; do
	sink_start $s || { fail "udpsink"; finish; }
done
nfcapd_start nf || { fail "nfcapd"; finish; }
cat >"$T/x.conf" <<EOF
exporter all
    destination 127.0.0.1
    transport udp ${COLL_PORT[all]}
exporter off
    destination 127.0.0.1
    transport udp ${COLL_PORT[off]}
    no option interface-table
    no option exporter-stats
    no option sampler-table
exporter v9
    destination 127.0.0.1
    transport udp ${COLL_PORT[v9]}
    export-protocol netflow-v9
    no option exporter-stats
exporter tmo
    destination 127.0.0.1
    transport udp ${COLL_PORT[tmo]}
    option exporter-stats timeout 10
    option interface-table timeout 10
exporter nf
    destination 127.0.0.1
    transport udp ${COLL_PORT[nf]}
sampler half
    mode deterministic 1 out-of 2
monitor m
    template ipv4-five-tuple
    template ipv6-five-tuple
    sampler half
    exporter all
    exporter off
    exporter v9
    exporter tmo
monitor n
    template ipv4-five-tuple
    template ipv6-five-tuple
    exporter nf
EOF
check "--check-config -v spells the options out" \
	bash -c '"$1" -f "$2" --check-config -v | grep -A20 "^exporter off" | grep -q "no option sampler-table"' \
	_ "$XFLOWD" "$T/x.conf"
run_xflowd x -f "$T/x.conf" --read "$T/m.pcapng"
check "xflowd exits 0" [ $? = 0 ]
for s in all off v9 tmo nf; do
	collector_stop $s
done

# kind WHICH FIELD: a number of optcheck's summary of sink WHICH
kind() { "$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval("d" + sys.argv[2]))' \
	"$T/$1.opt.json" "$2"; }
for s in all off v9 tmo; do
	check "$s: tshark decodes every message without a warning" \
		"$PY" "$XF_HERE/cflow_records.py" "$T/$s.pcap" "${COLL_PORT[$s]}" "$T/$s.csv"
	"$PY" "$XF_HERE/optcheck.py" "$T/$s.pcap" "${COLL_PORT[$s]}" "$T/$s.opt.json" >"$T/$s.opt.log" 2>&1
	check "$s: no options record with a time before 2000 ($(kind $s '["times"]') times: $(kind $s '["old_times"]'))" \
		[ "$(kind $s '["old_times"]')" = "[]" ]
done
for k in iftable stats sampler sysinit; do
	check "all (defaults): $k options template and records sent" \
		[ "$(kind all "[\"$k\"][\"templates\"]")" -gt 0 -a "$(kind all "[\"$k\"][\"records\"]")" -gt 0 ]
done
check "all: the reliability records carry real times (ignored packets)" [ "$(kind all '["times"]')" -ge 3 ]
for k in iftable stats sampler; do
	check "off: no $k options template or record" \
		[ "$(kind off "[\"$k\"][\"templates\"]")" = 0 -a "$(kind off "[\"$k\"][\"records\"]")" = 0 ]
done
check "off: systemInitTimeMilliseconds still sent" [ "$(kind off '["sysinit"]["records"]')" -gt 0 ]
check "off: the flows still go out" [ "$(grep -c . "$T/off.csv")" -gt 1 ]
check "v9 without exporter-stats: no statistics template or record" \
	[ "$(kind v9 '["stats"]["templates"]')" = 0 -a "$(kind v9 '["stats"]["records"]')" = 0 ]
check "v9: the interface table and the sampler still sent" \
	[ "$(kind v9 '["iftable"]["records"]')" -gt 0 -a "$(kind v9 '["sampler"]["records"]')" -gt 0 ]
check "tmo (timeout 10 over 44 s, one template refresh): statistics in $(kind tmo '["stats"]["messages"]') messages, interface table in $(kind tmo '["iftable"]["messages"]')" \
	[ "$(kind tmo '["stats"]["messages"]')" -ge 4 -a "$(kind tmo '["iftable"]["messages"]')" -ge 4 ]
check "all (no timeout, one template refresh): statistics only at exit, interface table once" \
	[ "$(kind all '["stats"]["messages"]')" = 1 -a "$(kind all '["iftable"]["messages"]')" = 1 ]
# nfdump names the input interface from the interface table
check "nfdump: every flow names its input interface (interface-table on)" \
	bash -c 'out=$(TZ=UTC nfdump -R "$1" -o raw 2>&1 | grep -E "^ +input +=") || exit 1
		n=$(grep -c . <<<"$out"); named=$(grep -cE "= +1 uplink$" <<<"$out")
		echo "$named of $n flow records name their input interface"
		[ "$n" -gt 0 ] && [ "$n" = "$named" ]' _ "${COLL_DIR[nf]}"
finish
