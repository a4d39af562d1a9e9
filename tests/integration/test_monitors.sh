#!/usr/bin/env bash
# test_monitors.sh - several monitors in one xflowd (-f), as IOS runs
# several flow monitors:
# - --read: a v9 monitor of every packet to nfcapd, and an IPFIX monitor
#   sampling 1 in 10 (deterministic) to a udpsink, from exporter
#   source-port. Each meters the whole file: nfdump per-flow exact for the
#   first; the second's exported packets are exactly its selected IPv4
#   packets, tshark decodes every record, and every datagram comes from the
#   pinned source port. The stats file gives each monitor its packets.
# - live: two monitors on two veth ports, xflowctl shows both (text, and
#   JSON as an array). SIGHUP with the file unchanged keeps both caches;
#   a new monitor is said to need a restart; a changed second monitor
#   exports its flows and runs on changed; a removed one exports its flows
#   and stops, while the first keeps its cache throughout, until it is on
#   no interface (then a show is refused). Judged by nfdump: per-flow exact for each monitor
#   over the whole run.
. "$(dirname "$0")/lib.sh"
. "$XF_HERE/bpf_lib.sh"
bpf_need
need_xflowctl

# --- --read: two monitors meter one file --------------------------------
"${XFGEN[@]}" -o "$T/m.pcap" -t "$T/m.csv" --scenario mixed --seed 61 --flows 150 --packets 1500 \
    2>/dev/null || { fail "xfgen mixed"; finish; }
npk=$(pcap_count "$T/m.pcap")
nfcapd_start full || { fail "nfcapd"; finish; }
sink_start smp || { fail "udpsink"; finish; }
SPORT=$(free_port 4)
cat >"$T/r.conf" <<EOF
exporter to-nfcapd
    destination 127.0.0.1
    transport udp ${COLL_PORT[full]}
    export-protocol netflow-v9
exporter to-sink
    destination 127.0.0.1
    transport udp ${COLL_PORT[smp]}
    source-port $SPORT
    export-protocol ipfix
sampler every-10th
    mode deterministic 1 out-of 10
monitor full
    template ipv4-five-tuple
    template ipv6-five-tuple
    exporter to-nfcapd
monitor sampled
    template ipv4-five-tuple
    exporter to-sink
    sampler every-10th
EOF
check "--check-config: OK" "$XFLOWD" -f "$T/r.conf" --read "$T/m.pcap" --check-config
run_xflowd r -f "$T/r.conf" --read "$T/m.pcap" --stats-file "$T/r.json"
rc=$?
collector_stop full
collector_stop smp
check "xflowd -f (2 monitors) --read exits 0 (rc=$rc)" [ "$rc" = 0 ] || show_err r
nfdump_csv full "$T/full.csv"
# nfdump 1.7.1 zeroes the ICMP type/code of v9 records without ICMP_TYPE
check "monitor full: nfdump per-flow exact" \
    "$PY" "$XF_HERE/compare.py" "$T/m.csv" "$T/full.csv" --fold-ports 1,58 --label "monitor full"
check "monitor sampled: tshark decodes every record" \
    "$PY" "$XF_HERE/cflow_records.py" "$T/smp.pcap" "${COLL_PORT[smp]}" "$T/smp.csv"
check "each monitor metered the whole file ($npk packets)" \
    [ "$(stats_get "$T/r.json" '[m["monitor"] + ":" + str(m["packets"]) for m in s["monitors"]]')" = \
      "['full:$npk', 'sampled:$npk']" ]
sel=$(stats_get "$T/r.json" 's["monitors"][1]["metered"]')
check "monitor sampled: 1 in 10 selected ($npk - $(stats_get "$T/r.json" 's["monitors"][1]["sampled_out"]') sampled out)" \
    [ "$(stats_get "$T/r.json" 's["monitors"][1]["sampled_out"]')" = $((npk - npk / 10)) ]
check "monitor sampled: the exported packets are its $sel metered ones" "$PY" - "$T/smp.csv" "$sel" <<'PYEOF'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
n = sum(int(r["packets"]) for r in rows)
print("%d records, %d packets" % (len(rows), n))
sys.exit(n != int(sys.argv[2]) or any(":" in r["src"] for r in rows))
PYEOF
check "monitor sampled: every datagram from source port $SPORT" \
    bash -c '[ "$(tshark -r "$1" -T fields -e udp.srcport 2>/dev/null | sort -u)" = "$2" ]' _ "$T/smp.pcap" "$SPORT"

# --- live: two monitors, two ports, reloads -----------------------------
P=mop$$ M=mom$$
ns_add "$P" && ns_add "$M" || skip "cannot create namespaces"
addr_pair "$P" mo1p$$ "$M" mo1m$$ 10.97.1 && addr_pair "$P" mo2p$$ "$M" mo2m$$ 10.97.2 ||
    skip "cannot create the veth pairs"
"${XFGEN[@]}" -o "$T/a.pcap" -t "$T/a.csv" --scenario mixed --seed 62 --flows 100 --packets 800 \
    2>/dev/null || { fail "xfgen a"; finish; }
"${XFGEN[@]}" -o "$T/b.pcap" -t "$T/b.csv" --scenario mixed --seed 63 --flows 100 --packets 800 \
    2>/dev/null || { fail "xfgen b"; finish; }
"${XFGEN[@]}" -o "$T/c.pcap" -t "$T/c.csv" --scenario mixed --seed 64 --flows 100 --packets 800 \
    2>/dev/null || { fail "xfgen c"; finish; }
ns_nfcapd_start "$P" mo.a 10.97.1.1 9995 || { fail "nfcapd a"; finish; }
ns_nfcapd_start "$P" mo.b 10.97.2.1 9996 || { fail "nfcapd b"; finish; }

# conf B_INACTIVE [gone|none]: monitor m2 with its inactive timeout, or
# none; none: m1 on no interface either
conf() {
    {
        cat <<EOF
exporter ea
    destination 10.97.1.1
    transport udp 9995
    export-protocol ipfix
exporter eb
    destination 10.97.2.1
    transport udp 9996
    source-port 4739
    export-protocol netflow-v9
monitor m1
    description "first port"
    template ipv4-five-tuple
    template ipv6-five-tuple
    cache timeout inactive 3600
    exporter ea
EOF
        [ "${2:-}" = none ] && return
        printf 'interface mo1m%s\n    monitor m1 input\n' $$
        # new: a third monitor, on m1's port's output
        [ "${2:-}" = new ] && printf '    monitor m3 output\nmonitor m3\n    exporter ea\n'
        [ "${2:-}" = gone ] && return
        cat <<EOF
monitor m2
    template ipv4-five-tuple
    template ipv6-five-tuple
    cache timeout inactive $1
    exporter eb
interface mo2m$$
    monitor m2 input
EOF
    } >"$T/l.conf"
}
conf 3600
SOCK=$T/mo.sock
ctl() { ip netns exec "$M" "$XFLOWCTL" -s "$SOCK" "$@"; }
if ! xflowd_start "$M" lv -f "$T/l.conf" --no-drop --control "$SOCK" --stats-file "$T/lv.json"; then
    fail "xflowd did not start"
    show_err lv
    finish
fi
check "two monitors, each metering its port in a thread of its own" wait_threads lv 2 || show_err lv
replay "$P" mo1p$$ "$T/a.pcap" 2000 || fail "tcpreplay a"
replay "$P" mo2p$$ "$T/b.pcap" 2000 || fail "tcpreplay b"
sleep 0.5
ctl show flow monitor >"$T/fm.txt"
check "show flow monitor: both monitors" \
    bash -c 'grep -q "Flow Monitor m1:" "$1" && grep -q "Flow Monitor m2:" "$1"' _ "$T/fm.txt" ||
    sed 's/^/       /' "$T/fm.txt"
ctl show flow monitor m2 >"$T/fm-m2.txt"
check "show flow monitor m2: that monitor only" \
    bash -c 'grep -q "Flow Monitor m2:" "$1" && ! grep -q "Flow Monitor m1" "$1"' _ "$T/fm-m2.txt"
ctl --json show flow monitor name m1 cache >"$T/m1cache.json"
check "show flow monitor name m1 cache | json: m1's cache alone (one object)" \
    "$PY" -c 'import json, sys; v = json.load(open(sys.argv[1])); sys.exit(not isinstance(v, dict) or not v["flows"])' \
    "$T/m1cache.json"
check "show flow monitor bogus: refused, naming it" \
    bash -c '! "$@" show flow monitor bogus 2>"$0" && grep -qx "% Flow Monitor bogus does not exist" "$0"' \
    "$T/bogus.err" ip netns exec "$M" "$XFLOWCTL" -s "$SOCK"
ctl --json show ip cache flow >"$T/cache.json"
check "show ip cache flow --json: an array of 2 monitors, each caching its port's open IPv4 flows" \
    "$PY" - "$T/cache.json" "$T/a.csv" "$T/b.csv" <<'PYEOF'
import csv, json, sys
v = json.load(open(sys.argv[1]))
# cached: the flows no TCP FIN or RST ended
want = [sum(int(r["packets"]) for r in csv.DictReader(open(f))
            if r["ver"] == "4" and not (r["proto"] == "6" and int(r["tcp_flags"]) & 5))
        for f in sys.argv[2:4]]
got = [sum(f["packets"] for f in m["flows"]) for m in v] if isinstance(v, list) else None
print("cached IPv4 packets per monitor", got, "truth", want)
sys.exit(got != want)
PYEOF
kill -HUP "$XP"
sleep 0.5
check "SIGHUP, file unchanged: both monitors keep their caches" \
    bash -c 'grep -q "monitor m1 unchanged; flows stay cached" "$1" && grep -q "monitor m2 unchanged; flows stay cached" "$1"' \
    _ "$T/lv.err" || show_err lv
conf 3600 new
kill -HUP "$XP"
sleep 0.5
check "SIGHUP, a monitor added: it needs a restart, said so; m1 and m2 unchanged" \
    bash -c 'grep -q "monitor m3 is new: restart xflowd to start it" "$1" &&
        [ "$(grep -c "monitor m1 unchanged" "$1")" = 2 ] &&
        [ "$(grep -c "monitor m2 unchanged" "$1")" = 2 ]' _ "$T/lv.err" || show_err lv
conf 1800
kill -HUP "$XP"
sleep 0.5
check "SIGHUP, m2 changed: m2 applied, m1 unchanged" \
    bash -c 'grep -q "monitor m2 applied; the flows cached before were exported" "$1" &&
        [ "$(grep -c "monitor m1 unchanged" "$1")" = 3 ]' _ "$T/lv.err" || show_err lv
replay "$P" mo2p$$ "$T/c.pcap" 2000 || fail "tcpreplay c"
sleep 0.5
conf 1800 gone
kill -HUP "$XP"
sleep 0.5
check "SIGHUP, m2 removed: its flows exported, it stops" \
    grep -q "monitor m2 removed; its flows were exported" "$T/lv.err" || show_err lv
ctl show flow monitor >"$T/fm2.txt"
check "show flow monitor: m1 only now" \
    bash -c 'grep -q "Flow Monitor m1:" "$1" && ! grep -q "Flow Monitor m2" "$1"' _ "$T/fm2.txt"
ctl --json show ip cache flow >"$T/cache2.json"
check "m1's cache kept through the four reloads (one monitor now: a JSON object)" \
    "$PY" - "$T/cache2.json" "$T/a.csv" <<'PYEOF'
import csv, json, sys
v = json.load(open(sys.argv[1]))
want = sum(int(r["packets"]) for r in csv.DictReader(open(sys.argv[2]))
           if r["ver"] == "4" and not (r["proto"] == "6" and int(r["tcp_flags"]) & 5))
got = sum(f["packets"] for f in v["flows"]) if isinstance(v, dict) else None
print("cached IPv4 packets", got, "truth", want)
sys.exit(got != want)
PYEOF
conf 1800 none
kill -HUP "$XP"
sleep 0.5
check "SIGHUP, m1 on no interface: its flows exported, it stops" \
    grep -q "monitor m1 is on no interface now; its flows were exported" "$T/lv.err" || show_err lv
check "show with no monitor left: refused, saying so" \
    bash -c '! "$@" show flow monitor 2>"$0" && grep -qx "% No flow monitor runs" "$0"' \
    "$T/none.err" ip netns exec "$M" "$XFLOWCTL" -s "$SOCK"
check "xflowd runs on" kill -0 "$XP"
xflowd_stop
rc=$?
ns_collector_stop mo.a
ns_collector_stop mo.b
check "SIGTERM, exit 0 (rc=$rc)" [ "$rc" = 0 ] || show_err lv
np=$(( $(pcap_count "$T/a.pcap") + $(pcap_count "$T/b.pcap") + $(pcap_count "$T/c.pcap") ))
check "stats file: both monitors removed by reloads, their counts kept ($np packets in all)" \
    [ "$(stats_get "$T/lv.json" '(s["packets"], [(m["monitor"], m["packets"], m["removed"]) for m in s["monitors"]])')" = \
      "($np, [('m2', $(( $(pcap_count "$T/b.pcap") + $(pcap_count "$T/c.pcap") )), True), ('m1', $(pcap_count "$T/a.pcap"), True)])" ] ||
    stats_get "$T/lv.json" '(s["packets"], s["monitors"])'
nfdump_csv mo.a "$T/a.nf.csv"
check "m1: nfdump per-flow exact (its cache kept through four reloads, exported at the fifth)" \
    "$PY" "$XF_HERE/compare.py" "$T/a.csv" "$T/a.nf.csv" --label "monitor m1"
"$PY" - "$T/b.csv" "$T/c.csv" "$T/bc.csv" <<'PYEOF'
import sys
out = open(sys.argv[3], "w")
for i, f in enumerate(sys.argv[1:3]):
    lines = open(f).readlines()
    out.writelines(lines if i == 0 else lines[1:])
PYEOF
nfdump_csv mo.b "$T/b.nf.csv"
check "m2: nfdump per-flow exact (flows exported at the change and at the removal)" \
    "$PY" "$XF_HERE/compare.py" "$T/bc.csv" "$T/b.nf.csv" --fold-ports 1,58 --label "monitor m2"
finish
