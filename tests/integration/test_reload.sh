#!/usr/bin/env bash
# test_reload.sh - SIGHUP re-reads the configuration file. Live traffic
# replayed into a namespace while xflowd -f is sent SIGHUP three times with
# the file unchanged: no packet is lost, every reload is reported as
# unchanged. A broken file, and one with other interfaces, are reported and
# xflowd runs on. A changed monitor and exporter (another collector, v9,
# other cache settings) are applied while packets flow: the flows cached
# before go to the old collector, the rest to the new one, and both nfcapd
# together are per-flow exact. SIGHUP never kills it.
. "$(dirname "$0")/lib.sh"
need_xflowd
need_scapy
need_cmd nfcapd nfdump ip tcpreplay

live_pair xfrl

"${XFGEN[@]}" -o "$T/r.pcap" -t "$T/r.csv" --scenario mixed --flows 150 --packets 1500 --seed 61 \
    2>/dev/null || { fail "xfgen"; finish; }
nfcapd_start rl || { fail "nfcapd"; finish; }
cat >"$T/x.conf" <<EOF2
exporter nf
    destination 127.0.0.1
    transport udp ${COLL_PORT[rl]}
monitor m
    template ipv4-five-tuple
    template ipv6-five-tuple
    exporter nf
interface $A
    monitor m input
EOF2
"$XFLOWD" -f "$T/x.conf" --no-drop --stats-file "$T/rl.stats.json" >"$T/rl.out" 2>"$T/rl.err" &
XP=$!
sleep 1
kill -0 $XP 2>/dev/null || { cat "$T/rl.err"; fail "xflowd did not start"; finish; }
ip netns exec "$NS" tcpreplay -q -i "$B" --pps 1000 "$T/r.pcap" >"$T/tcpreplay.log" 2>&1 &
RP=$!
for _ in 1 2 3; do
    sleep 0.4
    kill -HUP $XP
done
wait $RP
sleep 0.5
check "three SIGHUPs with the file unchanged: xflowd runs on" kill -0 $XP
check "each reload reported as unchanged" \
    bash -c '[ "$(grep -c "unchanged; flows stay cached" "$1")" = 3 ]' _ "$T/rl.err"
# a broken file: reported with its line, nothing applied, still running
cp "$T/x.conf" "$T/x.good"
echo "bogus line" >>"$T/x.conf"
kill -HUP $XP
sleep 0.5
check "a broken file is reported with its line, xflowd runs on" \
    bash -c 'grep -q "not loaded" "$1" && grep -q "x.conf:10:" "$1" && kill -0 "$2"' _ "$T/rl.err" $XP
# another interface: needs a restart (the capture was opened as root)
sed "s/^interface $A/interface lo/" "$T/x.good" >"$T/x.conf"
kill -HUP $XP
sleep 0.5
check "a file with other interfaces is reported as needing a restart, xflowd runs on" \
    bash -c 'grep -q "restart xflowd to apply" "$1" && kill -0 "$2"' _ "$T/rl.err" $XP
# a changed monitor and exporter, applied while packets flow: the flows
# cached before go to the old collector (IPFIX), the rest to the new one
# (NetFlow v9, other timeouts and cache size)
"${XFGEN[@]}" -o "$T/r2.pcap" -t "$T/r2.csv" --scenario mixed --flows 150 --packets 1500 --seed 62 \
    2>/dev/null || { fail "xfgen"; finish; }
nfcapd_start rl2 || { fail "nfcapd"; finish; }
cat >"$T/x.conf" <<EOF2
exporter nf9
    destination 127.0.0.1
    transport udp ${COLL_PORT[rl2]}
    export-protocol netflow-v9
monitor m
    template ipv4-five-tuple
    template ipv6-five-tuple
    exporter nf9
    cache entries 4096
    cache timeout inactive 30
interface $A
    monitor m input
EOF2
ip netns exec "$NS" tcpreplay -q -i "$B" --pps 1000 "$T/r2.pcap" >"$T/tcpreplay2.log" 2>&1 &
RP=$!
sleep 0.7
kill -HUP $XP
wait $RP
sleep 0.5
check "the changed file is applied, the cached flows exported first" \
    bash -c 'grep -q "x.conf applied; the flows cached before were exported" "$1" && kill -0 "$2"' \
    _ "$T/rl.err" $XP
kill -TERM $XP
wait $XP
rc=$?
check "SIGTERM: exit 0 (rc=$rc)" [ "$rc" = 0 ]
collector_stop rl
collector_stop rl2
nfdump_csv rl "$T/rl.csv"
nfdump_csv rl2 "$T/rl2.csv"
{ cat "$T/r.csv"; tail -n +2 "$T/r2.csv"; } >"$T/all.csv"
{ cat "$T/rl.csv"; grep -v '^ts,' "$T/rl2.csv"; } >"$T/both.csv"
check "both collectors got records" [ "$(grep -vc '^ts,' "$T/rl2.csv")" -gt 0 ]
# (nfcapd 1.7.1 drops the ICMP type and code of NetFlow v9 records)
check "nfdump: per-flow packets and octets exact across the reloads, both collectors together" \
    "$PY" "$XF_HERE/compare.py" "$T/all.csv" "$T/both.csv" --label "reload nfdump" --fold-ports 1,58
check "stats: the counters went on across the reload" "$PY" - "$T/rl.stats.json" "$T/all.csv" <<'EOF'
import csv, json, sys
st = json.load(open(sys.argv[1]))
truth = sum(int(r["packets"]) for r in csv.DictReader(open(sys.argv[2])))
print("metered %d packets (truth %d), %d flows exported; collectors %s"
      % (st["metered"], truth, st["flows_exported"], [c["collector"] for c in st["collectors"]]))
sys.exit(0 if st["metered"] == truth and len(st["collectors"]) == 1 else 1)
EOF
finish
