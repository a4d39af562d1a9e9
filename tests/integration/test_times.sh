#!/usr/bin/env bash
# test_times.sh - the times collectors read are the packets' times, for years.
#  - v9 headers never before a record's end (RFC 3954 5.1): flows ending in
#    the last fraction of a second before export; pmacct nfacctd (which reads
#    sysUptime differences modulo 2^32, 49.7 days back when a record ends after
#    its header) dates every flow within its packets; FIRST <= LAST <= header
#    sysUptime in every record;
#  - flows 60 days apart (past 2^32 ms of sysUpTime: the time base moves and
#    IPFIX announces it), in 2040 (pcap seconds >= 2^31), a 120-day silence
#    (an idle flow leaves when its timer fires, not at the next packet),
#    a packet older than the capture's first one, and the last seconds of
#    64-bit nanoseconds: tshark's v9 and IPFIX times (timecheck.py) within the
#    packets, each flow in one record; v5 (msgcheck.py) within the capture;
#    nfdump's times of v5, v9 and IPFIX within the packets.
. "$(dirname "$0")/lib.sh"
need_xflowd
need_cmd tshark
need_cmd nfacctd

# pmacct_times CSV TRUTH -> every flow's TIMESTAMP_START/END within its
# packets, to the second: nfacctd computes v9 times as unix_secs - (sysUptime
# - FIRST) / 1000 in whole seconds (with the header on a whole second, the
# record's second rounded up)
pmacct_times() {
    "$PY" - "$1" "$2" <<'EOF'
import calendar, csv, json, sys, time
truth = json.load(open(sys.argv[2]))
def ms(s):
    whole, _, frac = s.partition(".")
    return calendar.timegm(time.strptime(whole, "%Y-%m-%d %H:%M:%S")) * 1000 + int((frac + "000")[:3])
bad, seen = [], {}
for r in csv.DictReader(open(sys.argv[1])):
    if r.get("SRC_IP") == "SRC_IP":
        continue  # the header of a later purge
    k = "%s %s %s %s" % (r["SRC_IP"], r["DST_IP"], r["SRC_PORT"], r["DST_PORT"])
    seen[k] = seen.get(k, 0) + int(r["PACKETS"])
    t = truth.get(k)
    if t is None:
        bad.append("flow %s not in the capture" % k)
        continue
    s, e = ms(r["TIMESTAMP_START"]), ms(r["TIMESTAMP_END"])
    if not t[0] // 10**9 * 1000 <= s <= e <= -(-t[1] // 10**9) * 1000:
        bad.append("flow %s: %s .. %s, packets %.3f .. %.3f" % (k, r["TIMESTAMP_START"], r["TIMESTAMP_END"],
                                                               t[0] / 1e9, t[1] / 1e9))
for k, t in truth.items():
    if seen.get(k, 0) != t[2]:
        bad.append("flow %s: %d packets at nfacctd, %d in the capture" % (k, seen.get(k, 0), t[2]))
print("pmacct: %d flows; %d problems" % (len(seen), len(bad)))
for b in bad[:10]:
    print("  " + b)
sys.exit(1 if bad else 0)
EOF
}

# nfdump_times NAME TRUTH -> every record nfcapd stored within its flow's
# packets, to the millisecond (nfdump 1.7.1 swaps IPFIX start and end: the
# earlier of the two is the start)
nfdump_times() {
    TZ=UTC nfdump -R "${COLL_DIR[$1]}" -q -N -o "fmt:%ts,%te,%sa,%da,%sp,%dp,%pkt" >"$T/$1.times" 2>&1 ||
        { cat "$T/$1.times"; return 1; }
    "$PY" - "$T/$1.times" "$2" <<'EOF'
import calendar, json, sys, time
truth = json.load(open(sys.argv[2]))
def ms(s):
    whole, _, frac = s.strip().partition(".")
    return calendar.timegm(time.strptime(whole, "%Y-%m-%d %H:%M:%S")) * 1000 + int((frac + "000")[:3])
bad, seen = [], {}
for line in open(sys.argv[1]):
    f = [x.strip() for x in line.split(",")]
    if len(f) < 7:
        continue
    k = "%s %s %s %s" % tuple(f[2:6])
    seen[k] = seen.get(k, 0) + int(f[6])
    t = truth.get(k)
    if t is None:
        bad.append("flow %s not in the capture" % k)
        continue
    s, e = sorted((ms(f[0]), ms(f[1])))
    if not t[0] // 10**6 <= s <= e <= t[1] // 10**6:
        bad.append("flow %s: %s .. %s, packets %.3f .. %.3f" % (k, f[0], f[1], t[0] / 1e9, t[1] / 1e9))
for k, t in truth.items():
    if seen.get(k, 0) != t[2]:
        bad.append("flow %s: %d packets at nfdump, %d in the capture" % (k, seen.get(k, 0), t[2]))
print("nfdump: %d flows; %d problems" % (len(seen), len(bad)))
for b in bad[:10]:
    print("  " + b)
sys.exit(1 if bad else 0)
EOF
}

# the last fraction of a second: nfacctd and the message layer
"$PY" "$XF_HERE/timepcap.py" edge "$T/edge.pcap" "$T/edge.json" || fail "timepcap.py edge"
nfacctd_start edge.pm "timestamp_start, timestamp_end" 1 || fail "nfacctd did not start"
sink_start edge.sink || fail "udpsink did not start"
run_xflowd edge --read "$T/edge.pcap" --export v9 -I 2 \
    --collector "$(addr_of edge.pm)" --collector "$(addr_of edge.sink)"
check "edge: xflowd exits 0" [ $? = 0 ]
# the plugin writes what it accounted every second: wait for every flow
nflows=$("$PY" -c 'import json, sys; print(len(json.load(open(sys.argv[1]))))' "$T/edge.json")
for _ in $(seq 100); do
    [ "$(grep -c '^10\.0\.0\.1,' "$T/edge.pm.pmacct.csv")" -ge "$nflows" ] && break
    sleep 0.1
done
collector_stop edge.pm
collector_stop edge.sink
check "edge: pmacct nfacctd dates every v9 flow within its packets" \
    pmacct_times "$T/edge.pm.pmacct.csv" "$T/edge.json"
check "edge: v9 FIRST <= LAST <= header sysUptime, tshark's times within the packets" \
    "$PY" "$XF_HERE/timecheck.py" "$T/edge.sink.pcap" "${COLL_PORT[edge.sink]}" "$T/edge.json" \
    --one-record --max-lag 4 --label "edge v9"

# long spans of time: v9 and IPFIX at tshark, v5 by msgcheck, all at nfdump
for sc in gap60 y2040 silence older end; do
    "$PY" "$XF_HERE/timepcap.py" $sc "$T/$sc.pcap" "$T/$sc.json" || fail "timepcap.py $sc"
    lag=(--max-lag 20)
    # the older packet is exported when the clock has passed its timer
    [ $sc = older ] && lag=()
    for v in v9 ipfix v5; do
        # v5/v9 headers hold 32-bit UNIX seconds: nothing past 2106
        [ $sc = end ] && [ $v != ipfix ] && continue
        coll=()
        sink_start $sc.$v || fail "udpsink did not start"
        coll+=(--collector "$(addr_of $sc.$v)")
        if [ $sc != end ]; then
            nfcapd_start $sc.$v.nf || fail "nfcapd did not start"
            coll+=(--collector "$(addr_of $sc.$v.nf)")
        fi
        run_xflowd $sc.$v --read "$T/$sc.pcap" --export $v "${coll[@]}"
        check "$sc $v: xflowd exits 0" [ $? = 0 ]
        collector_stop $sc.$v
        if [ $v = v5 ]; then
            # unix_nsecs keeps v5 exact (msgcheck: within the capture)
            # shellcheck disable=SC2046
            check "$sc v5: every flow's times within the capture" \
                "$PY" "$XF_HERE/msgcheck.py" "$T/$sc.v5.pcap" --version 5 \
                --time-range $(pcap_range "$T/$sc.pcap")
        else
            check "$sc $v: tshark's times within the packets, one record a flow" \
                "$PY" "$XF_HERE/timecheck.py" "$T/$sc.$v.pcap" "${COLL_PORT[$sc.$v]}" \
                "$T/$sc.json" --one-record "${lag[@]}" --label "$sc $v"
        fi
        [ $sc = end ] && continue
        collector_stop $sc.$v.nf
        check "$sc $v: nfdump's times within the packets" nfdump_times $sc.$v.nf "$T/$sc.json"
    done
done
finish
