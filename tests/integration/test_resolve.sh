#!/usr/bin/env bash
# test_resolve.sh - a collector named by DNS while the resolver is not
# reachable (a boot where the network comes up late). In a namespace of our
# own whose resolv.conf names a nameserver it has no route to (timeout:1
# attempts:1) and whose hosts file does not know the name yet:
# - live, xflowd keeps running (it exited 2 before), says so, counts the
#   failed lookups and the records it could not send (xflowctl);
# - once the name is in the hosts file it is looked up again (backoff), and
#   the collector receives the flows of traffic replayed after that (our
#   message decoder: data records with the replayed packets);
# - SIGHUP looks the name up again: a new address is taken; so does
#   resolve-interval in the exporter block, without a reload, and a TCP
#   collector that moves loses nothing queued (a second connection);
# - --read exits 1 naming the failure; --resolve-interval with -f is
#   refused naming the exporter block's setting.
. "$(dirname "$0")/lib.sh"
need_xflowd
need_scapy
need_cmd ip tcpreplay
[ "$(id -u)" = 0 ] || skip "needs root for a network namespace"
need_xflowctl

NS=xfres$$
A=xfra$$ B=xfrb$$
NAME=collector-$$.test
ETC=/etc/netns/$NS
cleanup_ns() {
	ip netns pids "$NS" 2>/dev/null | xargs -r kill -KILL 2>/dev/null
	ip netns del "$NS" 2>/dev/null
	rm -rf "$ETC"
}
trap 'xf_cleanup; cleanup_ns' EXIT
ip netns add "$NS" || skip "cannot create a network namespace"
ip -n "$NS" link set lo up
ip -n "$NS" link add "$A" type veth peer name "$B" || skip "cannot create a veth pair"
for e in "$A" "$B"; do
	ip netns exec "$NS" sysctl -qw "net.ipv6.conf.$e.disable_ipv6=1"
	ip -n "$NS" link set "$e" up
done
# a nameserver the namespace has no route to: every lookup fails at once
# with EAI_AGAIN, as when the network is not up yet
mkdir -p "$ETC"
printf 'nameserver 192.0.2.53\noptions timeout:1 attempts:1\n' >"$ETC/resolv.conf"
printf '127.0.0.1 localhost\n' >"$ETC/hosts"
inns() { ip netns exec "$NS" "$@"; }

"${XFGEN[@]}" -o "$T/r.pcap" -t "$T/r.csv" --scenario mixed --flows 40 \
	--packets 300 --seed 31 2>/dev/null || { fail "xfgen"; finish; }

# --read: a temporary failure is exit 1, with the resolver's words
inns "$XFLOWD" --read "$T/r.pcap" --collector "$NAME:2055" \
	>"$T/read.out" 2>"$T/read.err"
rrc=$?
check "--read: a name the resolver cannot look up yet exits 1 (rc=$rrc)" \
	eval '[ $rrc = 1 ] && grep -q "Temporary failure in name resolution" "$T/read.err"'

# the collector, in the namespace (port picked there)
ip netns exec "$NS" "$PY" "$XF_HERE/udpsink.py" --pcap "$T/sink.pcap" --port-file "$T/sink.port" \
	>"$T/sink.log" 2>&1 &
XF_PIDS+=("$!")
for _ in $(seq 100); do [ -s "$T/sink.port" ] && break; sleep 0.05; done
port=$(cat "$T/sink.port")
[ -n "$port" ] || { fail "udpsink did not start"; finish; }

SOCK=$T/ctl.sock
ctl() { "$XFLOWCTL" -s "$SOCK" "$@"; }
ip netns exec "$NS" "$XFLOWD" --interface "$A" --collector "$NAME:$port" --export ipfix \
	--inactive-timeout 1 --active-timeout 2 --control "$SOCK" \
	>"$T/x.out" 2>"$T/x.err" &
XP=$!
XF_PIDS+=("$XP")
for _ in $(seq 100); do [ -S "$SOCK" ] && break; sleep 0.05; done
sleep 0.5 # would it exit? (it did at once, status 2)
check "live: xflowd keeps running while $NAME does not resolve" kill -0 $XP
check "live: the log says why and that it looks again" \
	grep -E "collector '$NAME:$port': Temporary failure in name resolution.*looking it up again" "$T/x.err"

# traffic meanwhile: its records are counted as not sent
inns tcpreplay -q -i "$B" --pps 2000 "$T/r.pcap" >"$T/tcpreplay.log" 2>&1 ||
	{ cat "$T/tcpreplay.log"; fail "tcpreplay"; finish; }
stat_ok() {
	ctl --json show statistics | "$PY" -c '
import json, sys
c = json.load(sys.stdin)["collectors"][0]
print("unresolved", c["errors"]["unresolved"], "dropped_records", c["dropped_records"],
      "resolve_failures", c["resolve_failures"], "resolved", c["resolved"])
sys.exit(0 if eval(sys.argv[1]) else 1)' "$1"
}
for _ in $(seq 100); do stat_ok 'c["dropped_records"] > 0' >/dev/null && break; sleep 0.1; done
check "unresolved: records counted as not sent, failed lookups counted" \
	stat_ok 'c["errors"]["unresolved"] > 0 and c["dropped_records"] > 0 and c["resolve_failures"] >= 1'
check "xflowctl show statistics names the counters" \
	eval 'ctl show statistics | grep -E "name not resolved yet|Name lookups failed"'

# the name resolves now: looked up again within the backoff
echo "127.0.0.1 $NAME" >>"$ETC/hosts"
for _ in $(seq 200); do grep -q "resolved to 127.0.0.1" "$T/x.err" && break; sleep 0.1; done
check "the name is looked up again and resolves" grep "'$NAME:$port': resolved to 127.0.0.1" "$T/x.err"
inns tcpreplay -q -i "$B" --pps 2000 "$T/r.pcap" >"$T/tcpreplay.log" 2>&1 ||
	{ cat "$T/tcpreplay.log"; fail "tcpreplay"; finish; }
npk=$(pcap_count "$T/r.pcap")
got_all() {
	"$PY" "$XF_HERE/msgcheck.py" "$T/sink.pcap" --version 10 --records "$T/recs.csv" >/dev/null 2>&1
	"$PY" - "$T/recs.csv" "$1" <<'PYEOF'
import csv, sys
n = sum(int(r["packets"]) for r in csv.DictReader(open(sys.argv[1])))
print("packets in the collector's records", n, "replayed", sys.argv[2])
sys.exit(0 if n >= int(sys.argv[2]) else 1)
PYEOF
}
for _ in $(seq 100); do got_all "$npk" >/dev/null 2>&1 && break; sleep 0.1; done
check "the collector receives the flows of the traffic after that" got_all "$npk"
check "still running" kill -0 $XP

# reload: the name is looked up again, a new address taken
echo "127.0.0.2 $NAME" >"$T/hosts.new" && cat "$T/hosts.new" >"$ETC/hosts"
kill -HUP $XP
for _ in $(seq 100); do grep -q "moved to 127.0.0.2" "$T/x.err" && break; sleep 0.1; done
check "SIGHUP: the name is looked up again (moved to 127.0.0.2)" \
	grep "'$NAME:$port': moved to 127.0.0.2" "$T/x.err"
kill -TERM $XP
wait $XP
xrc=$?
check "SIGTERM: exit 0 (rc=$xrc)" [ "$xrc" = 0 ]

# resolve-interval in the exporter block: looked up again periodically; a
# TCP collector that moves keeps what is queued (a sink on every address)
ip netns exec "$NS" "$PY" "$XF_HERE/tcpsink.py" --out "$T/tsink" --bind 0.0.0.0 \
	--port-file "$T/tsink.port" >"$T/tsink.log" 2>&1 &
XF_PIDS+=("$!")
for _ in $(seq 100); do [ -s "$T/tsink.port" ] && break; sleep 0.05; done
tport=$(cat "$T/tsink.port")
cat >"$T/r.conf" <<EOF2
exporter moving
    destination $NAME
    transport udp $port
    resolve-interval 1
exporter movingtcp
    destination $NAME
    transport tcp $tport
    resolve-interval 1
monitor m
    exporter moving
    exporter movingtcp
interface $A
    monitor m input
EOF2
check "--check-config -v prints resolve-interval back" \
	eval '"$XFLOWD" -f "$T/r.conf" --check-config -v 2>&1 | grep -q "resolve-interval 1"'
ip netns exec "$NS" "$XFLOWD" -f "$T/r.conf" --control none \
	--stats-file "$T/p.json" >"$T/p.out" 2>"$T/p.err" &
XP=$!
XF_PIDS+=("$XP")
sleep 0.5
echo "127.0.0.3 $NAME" >"$T/hosts.new" && cat "$T/hosts.new" >"$ETC/hosts"
for _ in $(seq 50); do [ "$(grep -c "moved to 127.0.0.3" "$T/p.err")" = 2 ] && break; sleep 0.1; done
check "resolve-interval 1: the new address is taken without a reload" \
	grep "'$NAME:$port/udp': moved to 127.0.0.3" "$T/p.err"
check "... by the TCP collector too" grep "'$NAME:$tport/tcp': moved to 127.0.0.3" "$T/p.err"
ip netns exec "$NS" tcpreplay -q -i "$B" --pps 2000 "$T/r.pcap" >"$T/tcpreplay.log" 2>&1
kill -TERM $XP
wait $XP
check "TCP: a second connection (to the new address), nothing dropped" "$PY" - "$T/p.json" "$tport" <<'PYEOF'
import json, sys
for c in json.load(open(sys.argv[1]))["collectors"]:
    if c["collector"].endswith("%s/tcp" % sys.argv[2]):
        print("connects", c["connects"], "dropped_records", c["dropped_records"], "data_records", c["data_records"])
        sys.exit(0 if c["connects"] >= 2 and c["dropped_records"] == 0 and c["data_records"] > 0 else 1)
sys.exit(1)
PYEOF
# a collector of the configuration file is named by its exporter block
sed -e "s/destination .*/destination other-$$.test/" -e '/^interface/,$d' "$T/r.conf" >"$T/o.conf"
ip netns exec "$NS" "$XFLOWD" -f "$T/o.conf" --read "$T/r.pcap" >"$T/o.out" 2>"$T/o.err"
orc=$?
check "-f --read: the message names the exporter block, FILE:LINE (rc=$orc)" \
	eval '[ $orc = 1 ] && grep -E "o.conf:1: exporter moving: collector .other-$$.test:$port/udp.: Temporary failure" "$T/o.err"'
check "--resolve-interval with -f is refused naming the block's setting" \
	eval '"$XFLOWD" -f "$T/r.conf" --resolve-interval 5 --check-config 2>&1 | grep -q "exporter block (resolve-interval SEC)"'

finish
