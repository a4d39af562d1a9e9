#!/usr/bin/env bash
# test_workers.sh - worker threads through a reload: xflowd -f on a mirror
# port of 4 receive queues (--capture afxdp: a socket per queue, a worker
# thread per queue up to one per CPU, each with its own cache) while xfgen
# traffic is replayed into it. SIGHUP twice with the file unchanged (every
# worker keeps its cache), then with the monitor's cache entries and
# timeouts changed (every worker's cache is flushed to the exporter and
# replaced while packets flow). Judged by nfdump: per-flow packets and
# octets exact over the whole run, every packet metered, none dropped.
. "$(dirname "$0")/lib.sh"
. "$XF_HERE/bpf_lib.sh"
bpf_need
[ "$(nproc)" -gt 1 ] || skip "one CPU: one worker, no threads to test"

P=wkp$$ M=wkm$$
PV=wkvp$$ MV=wkvm$$
ns_add "$P" && ns_add "$M" || skip "cannot create namespaces"
VETH_QUEUES=4 addr_pair "$P" "$PV" "$M" "$MV" 10.96.1 || skip "cannot create a veth pair of 4 queues"

"${XFGEN[@]}" -o "$T/w.pcap" -t "$T/w.csv" --scenario mixed --flows 200 --packets 3000 --seed 71 \
    2>/dev/null || { fail "xfgen mixed"; finish; }
npk=$(pcap_count "$T/w.pcap")
ns_nfcapd_start "$P" wk.nf 10.96.1.1 9995 || { fail "nfcapd"; finish; }

conf() {
    cat >"$T/w.conf" <<EOF
exporter nf
    destination 10.96.1.1
    transport udp 9995
    export-protocol ipfix
monitor m
    template ipv4-five-tuple
    template ipv6-five-tuple
    cache entries $1
    cache timeout active 1800
    cache timeout inactive $2
    exporter nf
interface $MV
    monitor m input
    capture afxdp
EOF
}
conf 4096 30
# --no-drop: the file is read again on SIGHUP from the test's directory
if ! xflowd_start "$M" wk -f "$T/w.conf" --no-drop --stats-file "$T/wk.stats.json"; then
    fail "xflowd did not start"
    show_err wk
    finish
fi
for _ in $(seq 40); do
    grep -q "metering threads" "$T/wk.err" && break
    sleep 0.05
done
check "4 queues metered by worker threads ($(grep -o '[0-9]* metering threads for [0-9]* captures' \
    "$T/wk.err"))" grep -q "metering threads for 4 captures" "$T/wk.err"
info "$npk packets into the monitor port, reloads while they flow"
ip netns exec "$P" tcpreplay -q -i "$PV" --pps 1000 "$T/w.pcap" >"$T/tcpreplay.log" 2>&1 &
RP=$!
XF_PIDS+=("$RP")
sleep 0.6
kill -HUP "$XP"
sleep 0.6
kill -HUP "$XP"
sleep 0.6
conf 8192 5
kill -HUP "$XP"
wait "$RP" || fail "tcpreplay"
sleep 1
check "SIGHUPs: xflowd runs on" kill -0 "$XP"
xflowd_stop
rc=$?
ns_collector_stop wk.nf
check "SIGTERM, exit 0 (rc=$rc)" [ "$rc" = 0 ] || show_err wk
check "the unchanged file twice reported as such" \
    bash -c '[ "$(grep -c "unchanged; flows stay cached" "$1")" = 2 ]' _ "$T/wk.err"
check "the changed cache applied" grep -q "applied; the flows cached before were exported" "$T/wk.err" ||
    show_err wk
nfdump_csv wk.nf "$T/wk.nfdump.csv"
check "nfdump: per-flow packets and octets exact across the reloads" \
    "$PY" "$XF_HERE/compare.py" "$T/w.csv" "$T/wk.nfdump.csv" --label "workers nfdump"
check "$npk packets metered, none dropped ($(stats_get "$T/wk.stats.json" \
    '(s["packets"], s["metered"], s["capture_drops"])'))" \
    [ "$(stats_get "$T/wk.stats.json" 's["packets"] == '"$npk"' and s["capture_drops"] == 0')" = True ]
finish
