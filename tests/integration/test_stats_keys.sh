#!/usr/bin/env bash
# test_stats_keys.sh - one renderer of counters (issue 15): `--stats-file`
# and `xflowctl show statistics --json` are the same document.
# - live (libpcap on a veth into a namespace of our own, xfgen traffic with
#   malformed packets replayed into it, a UDP and a TCP collector): show
#   statistics taken once every packet is counted, then SIGTERM; the key
#   paths of the two (every key at every depth, array elements as []) are
#   identical, as are the numbers of monitors and collectors;
# - every key path of that run and of a --read run's stats file (which has
#   "file") is one README's "Counters" table lists.
. "$(dirname "$0")/lib.sh"
need_xflowd
need_xflowctl
need_scapy
need_cmd ip tcpreplay

# keys FILE.json -> its key paths, one a line, sorted ("collectors[].errors")
keys() {
	"$PY" - "$1" <<'PYEOF'
import json, sys

def walk(o, p, out):
    if isinstance(o, dict):
        for k, v in o.items():
            q = p + "." + k if p else k
            out.add(q)
            walk(v, q, out)
    elif isinstance(o, list):
        for v in o:
            walk(v, p + "[]", out)

doc = json.load(open(sys.argv[1]))
if isinstance(doc, list):
    sys.exit("%s: an array, not one object" % sys.argv[1])
out = set()
walk(doc, "", out)
print("\n".join(sorted(out)))
PYEOF
}

# documented FILE.keys -> every path is in README's "Counters" table
documented() {
	local missing
	missing=$(awk '/^### Counters/ { on = 1; next } on && /^#/ { on = 0 } on' "$XF_ROOT/README.md" |
		grep -o '`[][a-z0-9_.]*`' | tr -d '`' | LC_ALL=C sort -u | LC_ALL=C comm -13 - "$1")
	[ -z "$missing" ] || { echo "not in README's Counters: $missing"; return 1; }
}

"${XFGEN[@]}" -o "$T/m.pcap" -t "$T/m.csv" --scenario malformed --flows 60 \
	--packets 600 --seed 15 2>/dev/null || { fail "xfgen malformed"; finish; }
npk=$(pcap_count "$T/m.pcap")

# --read: the file's counters are in the stats file, and documented
sink_start rd || { fail "udpsink"; finish; }
run_xflowd rd --read "$T/m.pcap" --collector "$(addr_of rd)" --stats-file "$T/rd.json"
rc=$?
check "--read: exit 0 (rc=$rc)" [ "$rc" = 0 ] || show_err rd
keys "$T/rd.json" >"$T/rd.keys"
check "--read: the stats file has the file's counters" grep -qx 'file.unknown_interface' "$T/rd.keys"
check "--read: every key of the stats file is documented" documented "$T/rd.keys"

live_pair xfkeys
sink_start lv || { fail "udpsink"; finish; }
tport=$(free_port)
SOCK=$T/ctl.sock
"$XFLOWD" --interface "$A" --collector "$(addr_of lv)" --collector "127.0.0.1:$tport/tcp" \
	--export ipfix --inactive-timeout 3600 --active-timeout 3600 \
	--control "$SOCK" --stats-file "$T/lv.json" >"$T/lv.out" 2>"$T/lv.err" &
XP=$!
XF_PIDS+=("$XP")
for _ in $(seq 200); do
	"$XFLOWCTL" -s "$SOCK" show statistics >/dev/null 2>&1 && break
	kill -0 $XP 2>/dev/null || break
	sleep 0.05
done
kill -0 $XP 2>/dev/null || { show_err lv; fail "xflowd did not start"; finish; }
ip netns exec "$NS" tcpreplay -q -i "$B" --pps 3000 "$T/m.pcap" >"$T/tcpreplay.log" 2>&1 ||
	{ cat "$T/tcpreplay.log"; fail "tcpreplay"; finish; }
# counts settled: every packet captured
packets() {
	"$XFLOWCTL" -s "$SOCK" --json show statistics 2>/dev/null |
		"$PY" -c 'import json, sys; print(json.load(sys.stdin)["packets"])' 2>/dev/null
}
for _ in $(seq 100); do
	[ "$(packets)" = "$npk" ] && break
	sleep 0.1
done
check "show statistics: every packet counted ($(packets) of $npk)" [ "$(packets)" = "$npk" ]
"$XFLOWCTL" -s "$SOCK" --json show statistics >"$T/show.json" 2>"$T/show.err"
check "show statistics --json: one object that parses" keys "$T/show.json"
kill -TERM $XP
wait $XP
rc=$?
check "SIGTERM: exit 0 (rc=$rc)" [ "$rc" = 0 ] || show_err lv
keys "$T/show.json" >"$T/show.keys"
keys "$T/lv.json" >"$T/lv.keys"
check "the same key paths in --stats-file and show statistics --json ($(wc -l <"$T/lv.keys") paths)" \
	bash -c 'diff "$1" "$2" && [ -s "$1" ]' _ "$T/lv.keys" "$T/show.keys"
check "the same monitors and collectors, in the same order" "$PY" - "$T/lv.json" "$T/show.json" <<'PYEOF'
import json, sys
f, s = (json.load(open(p)) for p in sys.argv[1:3])
names = lambda d, k, n: [x[n] for x in d[k]]
print(names(f, "monitors", "monitor"), names(f, "collectors", "collector"))
sys.exit(0 if names(f, "monitors", "monitor") == names(s, "monitors", "monitor") and
         names(f, "collectors", "collector") == names(s, "collectors", "collector") and
         len(f["collectors"]) == 2 else 1)
PYEOF
check "live: every key of the stats file is documented" documented "$T/lv.keys"
finish
