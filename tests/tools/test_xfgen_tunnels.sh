#!/usr/bin/env bash
# test_xfgen_tunnels.sh - tools/xfgen.py --scenario tunnels and the seven-tuple
# truth columns, checked without xflowd: tshark recounts every flow of the pcap
# (tunneltruth.py) and must agree with the truth CSV column by column; every
# tunnel header variant must be present; the output is a pure function of the
# seed; and compare.py's --key tunnel / --key seven / --outer accept tshark's
# own view of the capture and reject records with the wrong tunnel endpoints,
# MACs or key. Takes a few seconds. Exit 0 pass, 1 fail, 77 skip.
. "$(dirname "$0")/../integration/lib.sh"
need_scapy
need_cmd tshark
HERE=$(cd "$(dirname "$0")" && pwd)
TT=$HERE/tunneltruth.py
CMP=$XF_ROOT/tests/integration/compare.py

"${XFGEN[@]}" -o "$T/tun.pcap" -t "$T/tun.csv" --scenario tunnels --seed 7 2>/dev/null ||
	{ fail "xfgen --scenario tunnels"; finish; }
check "tunnels: truth recounted by tshark, every encap and header variant present" \
	"$PY" "$TT" "$T/tun.pcap" "$T/tun.csv" --coverage \
	--write-records "$T/inner.csv"
check "tunnels: tshark's view per outer key" \
	"$PY" "$TT" "$T/tun.pcap" "$T/tun.csv" --write-records "$T/outer.csv" --outer-records
check "tunnels: control messages and ESP are rows of their own, outer = inner" \
	awk -F, 'NR > 1 && ($7 == 115 || ($7 == 17 && ($8 == 1701 || $9 == 1701)) || $7 == 50) && $10 == $4 &&
		$11 == $5 && $12 == $6 && $13 == $7 {n[$2 "/" $7]++}
		END {if (!n["none/17"] || !n["none/115"] || !n["esp/50"]) {for (k in n) print k, n[k]; exit 1}}' "$T/tun.csv"
check "tunnels: several inner flows share a tunnel's outer endpoints" \
	awk -F, 'NR > 1 && $2 != "none" && $2 != "pppoe" && $2 != "esp" {n[$5 ">" $6]++}
		END {for (k in n) if (n[k] > 1) m++; if (m < 5) {print "shared endpoint pairs: " m; exit 1}}' "$T/tun.csv"

"${XFGEN[@]}" -o "$T/a.pcap" -t "$T/a.csv" --scenario tunnels --seed 3 --flows 60 --packets 400 2>/dev/null
"${XFGEN[@]}" -o "$T/b.pcap" -t "$T/b.csv" --scenario tunnels --seed 3 --flows 60 --packets 400 2>/dev/null
if [ -s "$T/a.pcap" ] && cmp -s "$T/a.pcap" "$T/b.pcap" && cmp -s "$T/a.csv" "$T/b.csv"; then
	pass "tunnels: deterministic for a seed"
else
	fail "tunnels: --seed 3 twice gave different output"
fi
check "tunnels: a small capture (60 flows) is right too" "$PY" "$TT" "$T/a.pcap" "$T/a.csv"

# mixed: the appended smac,dmac,ethertype columns, recounted the same way
"${XFGEN[@]}" -o "$T/mixed.pcap" -t "$T/mixed.csv" --scenario mixed --seed 9 --flows 120 --packets 1200 2>/dev/null
check "mixed: header ends in smac,dmac,ethertype after the 21 pcapgen columns" \
	awk -F, 'NR == 1 {exit !(NF == 24 && $1 == "flow_id" && $21 == "tcp_flags" && $22 == "smac" &&
		$23 == "dmac" && $24 == "ethertype")}' "$T/mixed.csv"
check "mixed: smac, dmac, ethertype recounted by tshark" "$PY" "$TT" "$T/mixed.pcap" "$T/mixed.csv"
check "mixed: VLAN and QinQ flows carry a source MAC of their own" \
	awk -F, 'NR > 1 {if (($22 in src) && src[$22] != $11) d++; src[$22] = $11; if ($3 != "") n++}
		END {exit !(n > 5 && d == 0)}' "$T/mixed.csv"

# compare.py: tshark as the reference exporter
check "compare.py --key five on tshark's inner view" "$PY" "$CMP" "$T/tun.csv" "$T/inner.csv"
check "compare.py --key tunnel on tshark's inner view" "$PY" "$CMP" "$T/tun.csv" "$T/inner.csv" --key tunnel
check "compare.py --key seven on tshark's inner view" "$PY" "$CMP" "$T/tun.csv" "$T/inner.csv" --key seven
check "compare.py --outer on tshark's outer view" "$PY" "$CMP" "$T/tun.csv" "$T/outer.csv" --outer
check "compare.py --outer --v4-only on tshark's outer view" \
	"$PY" "$CMP" "$T/tun.csv" <(awk -F, 'NR == 1 || $1 !~ /:/' "$T/outer.csv") --outer --v4-only

# wrong exports, each must be a MISMATCH: mutate NAME EXPR changes the first of tshark's records
# for which the python expression EXPR on row r is true
mutate() {
	"$PY" - "$T/inner.csv" "$T/$1.csv" "$2" <<'EOF'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
done = False
for r in rows:
    if not done:
        done = bool(eval(sys.argv[3], {"r": r}))
w = csv.DictWriter(open(sys.argv[2], "w", newline=""), rows[0].keys(), lineterminator="\n")
w.writeheader()
w.writerows(rows)
sys.exit(0 if done else 1)
EOF
}
mismatch() {
	local name=$1
	shift
	if ! mutate "$name" "$1"; then
		fail "$name: no record to change"
		return
	fi
	shift
	if "$PY" "$CMP" "$T/tun.csv" "$T/$name.csv" "$@" >"$T/$name.out" 2>&1; then
		fail "$name: compare.py $* accepted a wrong export"
	elif grep -q "MISMATCH" "$T/$name.out"; then
		pass "$name: compare.py $* reports the mismatch"
	else
		fail "$name: compare.py $* failed without a MISMATCH verdict"
		sed 's/^/       /' "$T/$name.out" | head -5
	fi
}
mismatch swapped-endpoints 'r["tun_src"] and r.update(tun_src=r["tun_dst"], tun_dst=r["tun_src"]) is None' --key tunnel
mismatch tunnel-lost 'r["tun_src"] and r.update(tun_src="", tun_dst="") is None' --key tunnel
mismatch tunnel-invented \
	'not r["tun_src"] and r.update(tun_src="192.0.2.1", tun_dst="203.0.113.1") is None' --key tunnel
mismatch outer-macs 'r["smac"].startswith("02:aa") and r.update(smac="02:00:00:00:10:00") is None' --key seven
mismatch swapped-macs 'r.update(smac=r["dmac"], dmac=r["smac"]) is None' --key seven
mismatch wrong-ethertype 'r.update(ethertype="2054") is None' --key seven
mismatch inner-as-outer 'True' --outer
# equivalent spellings are accepted: 0.0.0.0/:: for "no tunnel", hex ethertype, MACs with '-'
"$PY" - "$T/inner.csv" "$T/spelled.csv" <<'EOF'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
for r in rows:
    if not r["tun_src"]:
        r["tun_src"] = r["tun_dst"] = "::" if ":" in r["src"] else "0.0.0.0"
    r["ethertype"] = "0x%04x" % int(r["ethertype"])
    r["smac"] = r["smac"].replace(":", "-").upper()
csv.DictWriter(open(sys.argv[2], "w", newline=""), rows[0].keys(), lineterminator="\n").writeheader()
csv.DictWriter(open(sys.argv[2], "a", newline=""), rows[0].keys(), lineterminator="\n").writerows(rows)
EOF
check "compare.py --key tunnel: 0.0.0.0 and :: mean no tunnel" "$PY" "$CMP" "$T/tun.csv" "$T/spelled.csv" --key tunnel
check "compare.py --key seven: hex ethertype, MACs with '-'" "$PY" "$CMP" "$T/tun.csv" "$T/spelled.csv" --key seven
if "$PY" "$CMP" "$T/tun.csv" "$T/outer.csv" --key tunnel >/dev/null 2>&1 ||
	"$PY" "$CMP" "$T/tun.csv" "$T/inner.csv" --key seven --format nfdump >/dev/null 2>&1; then
	fail "compare.py accepted records without the key's columns, or a format without them"
else
	pass "compare.py refuses --key tunnel/seven without the columns"
fi

finish
