#!/usr/bin/env bash
# test_reload.sh - SIGHUP re-reads the configuration file. Live traffic
# replayed into a namespace while xflowd -f is sent SIGHUP three times with
# the file unchanged: no packet is lost (nfdump per-flow exact at the end),
# every reload is reported as unchanged. A changed or broken file is
# reported and xflowd runs on; SIGHUP never kills it.
. "$(dirname "$0")/lib.sh"
need_xflowd
need_scapy
need_cmd nfcapd nfdump ip tcpreplay
[ "$(id -u)" = 0 ] || skip "needs root for a network namespace"

NS=xfrl$$
A=xfra$$ B=xfrb$$
cleanup_ns() { ip netns del "$NS" 2>/dev/null; ip link del "$A" 2>/dev/null; }
trap 'cleanup_ns; xf_cleanup' EXIT
ip netns add "$NS" && ip link add "$A" type veth peer name "$B" &&
    ip link set "$B" netns "$NS" || skip "cannot create a namespace with veth"
sysctl -qw "net.ipv6.conf.$A.disable_ipv6=1"
ip netns exec "$NS" sysctl -qw "net.ipv6.conf.$B.disable_ipv6=1"
ip link set "$A" up
ip netns exec "$NS" ip link set "$B" up

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
# a broken file, then a changed one: reported, nothing applied, still running
cp "$T/x.conf" "$T/x.good"
echo "bogus line" >>"$T/x.conf"
kill -HUP $XP
sleep 0.5
sed -i 's/template ipv6-five-tuple/template ipv6-seven-tuple/' "$T/x.good"
cp "$T/x.good" "$T/x.conf"
kill -HUP $XP
sleep 0.5
check "a broken file is reported with its line, xflowd runs on" \
    bash -c 'grep -q "not loaded" "$1" && grep -q "x.conf:10:" "$1" && kill -0 "$2"' _ "$T/rl.err" $XP
check "a changed file is reported, xflowd runs on" \
    bash -c 'grep -q "changed; this build applies" "$1" && kill -0 "$2"' _ "$T/rl.err" $XP
kill -TERM $XP
wait $XP
rc=$?
check "SIGTERM: exit 0 (rc=$rc)" [ "$rc" = 0 ]
collector_stop rl
nfdump_csv rl "$T/rl.csv"
check "nfdump: per-flow packets and octets exact across the reloads" \
    "$PY" "$XF_HERE/compare.py" "$T/r.csv" "$T/rl.csv" --label "reload nfdump"
finish
