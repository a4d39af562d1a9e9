#!/usr/bin/env bash
# test_xflowctl.sh - the control socket and xflowctl against a live xflowd:
# a veth pair into a namespace of our own, xfgen traffic replayed into it,
# then while the flows sit in the cache (long timeouts):
# - `show ip cache flow` (text and --json) lists exactly the cached IPv4
#   flows with the packets and octets of the ground truth, ports in hex;
#   `show ipv6 cache flow` the IPv6 ones; the packet size distribution
#   counts every metered packet;
# - every show view answers, as text and as JSON that parses;
# - `flush` expires everything now: the cache is empty, the activity
#   summary holds every flow, and nfdump received them all, exact;
# - a cache of more flows than a slice (16384 entries, 2048 lines) is
#   listed whole; refused commands exit 1; mode 0660 and --control-group;
#   a second xflowd cannot take a socket in use;
# - twelve idle clients do not delay xflowctl (under a second), a listing
#   goes on beside them, and a request with a NUL byte gets an error at
#   once.
. "$(dirname "$0")/lib.sh"
need_xflowd
need_scapy
need_cmd nfcapd nfdump ip tcpreplay
need_xflowctl

live_pair xfctl

SOCK=$T/ctl.sock
ctl() { "$XFLOWCTL" -s "$SOCK" "$@"; }

"${XFGEN[@]}" -o "$T/m.pcap" -t "$T/m.csv" --scenario mixed --flows 120 \
	--packets 1200 --seed 44 2>/dev/null || { fail "xfgen mixed"; finish; }
npk=$(pcap_count "$T/m.pcap")
# the flows still cached at the end: those no TCP FIN or RST ended
"$PY" - "$T/m.csv" "$T/open.csv" <<'PYEOF'
import csv, sys
r = csv.DictReader(open(sys.argv[1]))
w = csv.DictWriter(open(sys.argv[2], "w", newline=""), r.fieldnames)
w.writeheader()
for row in r:
    if not (row["proto"] == "6" and int(row["tcp_flags"]) & 5):
        w.writerow(row)
PYEOF
nv4=$(awk -F, 'NR > 1 && $10 == 4' "$T/m.csv" | wc -l)

nfcapd_start ctl || { fail "nfcapd"; finish; }
grp=$(getent group nogroup >/dev/null && echo nogroup || echo daemon)
"$XFLOWD" --interface "$A" --collector "$(addr_of ctl)" --export v9 \
	--inactive-timeout 3600 --active-timeout 3600 \
	--control "$SOCK" --control-group "$grp" \
	>"$T/x.out" 2>"$T/x.err" &
XP=$!
XF_PIDS+=("$XP")
for _ in $(seq 100); do [ -S "$SOCK" ] && break; sleep 0.05; done
kill -0 $XP 2>/dev/null || { show_err x; fail "xflowd did not start"; finish; }
check "socket: mode 0660, group $grp" \
	eval '[ "$(stat -c %a:%G "$SOCK")" = "660:$grp" ]'
check "idle: show ip cache flow answers with an empty cache" \
	eval 'ctl show ip cache flow | grep -q "^  0 active, .* 0 added$"'

info "replaying $npk packets through $B -> $A"
ip netns exec "$NS" tcpreplay -q -i "$B" --pps 3000 "$T/m.pcap" \
	>"$T/tcpreplay.log" 2>&1 || { cat "$T/tcpreplay.log"; fail "tcpreplay"; finish; }
# every packet metered (the meter's counters, through the socket)
for _ in $(seq 50); do
	n=$(ctl --json show statistics | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["packets"])')
	[ "$n" = "$npk" ] && break
	sleep 0.1
done
check "show statistics: $npk packets captured (got $n)" [ "$n" = "$npk" ]

ctl show ip cache flow >"$T/cache.txt" 2>"$T/cache.err"
check "show ip cache flow: exit 0" [ $? = 0 ]
ctl --json show ip cache flow >"$T/cache.json"
ctl --json show ipv6 cache flow >"$T/cache6.json"
ctl show ipv6 cache flow >"$T/cache6.txt"

# the listed flows against the ground truth: per flow packets and octets
"$PY" - "$T/cache.json" "$T/cache4.records.csv" "$T/cache6.json" "$T/cache6.records.csv" <<'PYEOF'
import csv, json, sys
for src, dst in ((sys.argv[1], sys.argv[2]), (sys.argv[3], sys.argv[4])):
    j = json.load(open(src))
    with open(dst, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["src", "dst", "proto", "sport", "dport", "packets", "octets"])
        for fl in j["flows"]:
            w.writerow([fl["src"], fl["dst"], fl["proto"], fl["sport"], fl["dport"],
                        fl["packets"], fl["octets"]])
PYEOF
check "show ip cache flow --json: the IPv4 flows no FIN/RST ended, exact" \
	"$PY" "$XF_HERE/compare.py" "$T/open.csv" "$T/cache4.records.csv" \
	--format records --v4-only --label "ip cache"
check "show ipv6 cache flow --json: the IPv6 flows no FIN/RST ended, exact" \
	"$PY" "$XF_HERE/compare.py" "$T/open.csv" "$T/cache6.records.csv" \
	--format records --v6-only --label "ipv6 cache"

# the text view: IOS layout, the same flows (ports and protocol in hex)
check "show ip cache flow: IOS layout, the JSON's flows and counters" \
	"$PY" - "$T/cache.txt" "$T/cache.json" "$T/cache6.json" "$T/m.csv" "$A" <<'PYEOF'
import csv, json, re, sys
text = open(sys.argv[1]).read()
j = json.load(open(sys.argv[2]))
j6 = json.load(open(sys.argv[3]))
ifname = sys.argv[5]
lines = text.split("\n")
errors = []
want_head = [
    "Protocol         Total    Flows   Packets Bytes  Packets Active(Sec) Idle(Sec)",
    "--------         Flows     /Sec     /Flow  /Pkt     /Sec     /Flow     /Flow",
]
for h in want_head:
    if h not in lines:
        errors.append("missing header line: " + h)
hdr = "SrcIf         SrcIPaddress    DstIf         DstIPaddress    Pr SrcP DstP  Pkts"
if hdr not in lines:
    errors.append("missing flow header")
    flows_txt = []
else:
    flows_txt = [l for l in lines[lines.index(hdr) + 1:] if l]
got = {}
for l in flows_txt:
    m = re.match(r"^(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+([0-9A-F]{2}) ([0-9A-F]{4}) ([0-9A-F]{4})\s+(\d+)$", l)
    if not m:
        errors.append("bad flow line: " + l)
        continue
    if m.group(1) != ifname:
        errors.append("SrcIf %s, not %s" % (m.group(1), ifname))
    k = (m.group(2), m.group(4), int(m.group(5), 16), int(m.group(6), 16), int(m.group(7), 16))
    got[k] = got.get(k, 0) + int(m.group(8))
want = {}
for f in j["flows"]:
    k = (f["src"], f["dst"], f["proto"], f["sport"], f["dport"])
    want[k] = want.get(k, 0) + f["packets"]
if got != want:
    errors.append("text flows differ from JSON: %d vs %d" % (len(got), len(want)))
m = re.search(r"^  (\d+) active, (\d+) inactive, (\d+) added$", text, re.M)
nflows = len(j["flows"]) + len(j6["flows"])
if not m or int(m.group(1)) != nflows or int(m.group(1)) != j["cache"]["active"]:
    errors.append("active line %s, want %d active" % (m and m.group(0), nflows))
# the size distribution counts every metered IPv4 packet
truth4 = sum(int(r["packets"]) for r in csv.DictReader(open(sys.argv[4])) if r["ver"] == "4")
m = re.search(r"^IP packet size distribution \((\d+) total packets\):$", text, re.M)
if not m or int(m.group(1)) != truth4 or j["packet_sizes"]["total"] != truth4:
    errors.append("size distribution total %s, want %d" % (m and m.group(1), truth4))
if sum(b["packets"] for b in j["packet_sizes"]["bins"]) != truth4:
    errors.append("size bins do not sum to the total")
print("%d IPv4 flow lines, %d flows cached, %d IPv4 packets in the distribution"
      % (len(flows_txt), nflows, truth4))
for e in errors:
    print(e)
sys.exit(1 if errors else 0)
PYEOF

# every view answers, in text and in JSON
for v in "show ip cache flow" "show ipv6 cache flow" "show ip flow export" \
	"show flow exporter" "show flow exporter statistics" \
	"show flow exporter templates" "show flow monitor" \
	"show flow monitor statistics" "show flow interface" "show flow record" \
	"show templates" "show statistics"; do
	# shellcheck disable=SC2086
	ctl $v >"$T/view.txt" 2>&1 && [ -s "$T/view.txt" ] ||
		{ fail "$v: text"; sed 's/^/       /' "$T/view.txt"; continue; }
	# shellcheck disable=SC2086
	ctl --json $v >"$T/view.json" 2>&1 &&
		"$PY" -c 'import json,sys; json.load(open(sys.argv[1]))' "$T/view.json" ||
		{ fail "$v: --json does not parse"; head -c 400 "$T/view.json"; continue; }
	pass "$v: text and --json"
done
check "show flow interface: $A, Input" \
	eval 'ctl show flow interface | tr -s " " | grep -A2 "^Interface $A$" | grep -q "direction: Input"'
check "show flow exporter: the collector, NetFlow Version 9" \
	eval 'ctl show flow exporter | grep -q "Export protocol:          NetFlow Version 9"'
check "abbreviated: sh ip ca fl = show ip cache flow" \
	eval 'ctl sh ip ca fl | grep -q "^IP Flow Switching Cache"'

# refused commands: IOS-style message on stderr, exit 1
# (xrc, msg: check() has an rc and an out of its own)
msg=$(ctl show bogus 2>&1 >/dev/null)
xrc=$?
check "show bogus: exit 1 with '% Invalid input' (rc=$xrc: $msg)" \
	eval '[ $xrc = 1 ] && [ "$msg" = "% Invalid input detected at '"'"'bogus'"'"'" ]'
msg=$(ctl --json fl 2>&1 >/dev/null)
xrc=$?
check "--json fl (flush is never abbreviated): exit 1, JSON error" \
	eval '[ $xrc = 1 ] && printf "%s" "$msg" | "$PY" -c "import json,sys; assert \"error\" in json.load(sys.stdin)"'
"$XFLOWCTL" -s "$T/none.sock" show statistics >/dev/null 2>"$T/nosock.err"
xrc=$?
check "no daemon: exit 1 naming the socket (rc=$xrc)" \
	eval '[ $xrc = 1 ] && grep -q "none.sock" "$T/nosock.err"'
check "reload: requested" eval 'ctl reload | grep -qx "reload requested"'

# a second xflowd cannot take the socket
run_xflowd second --read "$T/m.pcap" --collector "$(addr_of ctl)" --control "$SOCK"
xrc=$?
check "a second xflowd on the same --control: exit 1, socket in use (rc=$xrc)" \
	eval '[ $xrc = 1 ] && grep -q "in use by another xflowd" "$T/second.err"'
check "... and the first still answers" eval 'ctl show statistics >/dev/null'

# flush: expire everything now; the collector gets every flow
nf4=$("$PY" -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["flows"]))' "$T/cache.json")
nf6=$("$PY" -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["flows"]))' "$T/cache6.json")
out=$(ctl flush)
check "flush: $((nf4 + nf6)) flows expired and exported ($out)" \
	[ "$out" = "$((nf4 + nf6)) flows expired and exported" ]
ctl show ip cache flow >"$T/after.txt"
check "after flush: the cache is empty" \
	eval 'grep -q "^  0 active, " "$T/after.txt" && [ "$(sed -n "/^SrcIf/,\$p" "$T/after.txt" | wc -l)" = 1 ]'
check "after flush: the activity summary totals all $nv4 IPv4 flows" \
	eval 'grep -Eq "^Total: +$nv4 " "$T/after.txt"'
check "show flow monitor statistics: forced $((nf4 + nf6))" \
	eval 'ctl --json show flow monitor statistics | "$PY" -c "import json,sys; assert json.load(sys.stdin)[\"aged\"][\"forced\"] == $((nf4 + nf6))"'
sleep 0.5
collector_stop ctl
nfdump_csv ctl "$T/ctl.nfdump.csv"
# (nfcapd drops the ICMP type/code of v9 records: --fold-ports)
check "nfdump: every flow, the flushed ones too, exact (xflowd still running)" \
	"$PY" "$XF_HERE/compare.py" "$T/m.csv" "$T/ctl.nfdump.csv" \
	--fold-ports 1,58 --label "flush nfdump"
kill -TERM $XP
wait $XP
rc=$?
check "SIGTERM: xflowd exits 0 (rc=$rc)" [ "$rc" = 0 ]

# -f: the views name the configuration's monitor and exporter
cat >"$T/e.conf" <<EOF
exporter nfc
    description "the lab's nfcapd"
    destination 127.0.0.1
    transport udp 9
    export-protocol netflow-v9
monitor edge
    exporter nfc
interface $A
    monitor edge input
EOF
SOCK=$T/conf.sock
"$XFLOWD" -f "$T/e.conf" --control "$SOCK" >"$T/conf.out" 2>"$T/conf.err" &
XP=$!
XF_PIDS+=("$XP")
for _ in $(seq 100); do [ -S "$SOCK" ] && break; sleep 0.05; done
check "-f: show flow monitor names monitor edge, exporter nfc" \
	eval 'ctl show flow monitor | tr -s " " | grep -qz "^Flow Monitor edge:.*Flow Exporter: nfc"'
check "-f: show flow exporter: nfc, its description" \
	eval 'ctl show flow exporter | tr -s " " | grep -Pzq "^Flow Exporter nfc:\n Description: the lab.s nfcapd\n"'
check "-f: show flow interface: $A with monitor edge" \
	eval 'ctl show flow interface | tr -s " " | grep -Pzq "^Interface $A\n FNF: monitor: edge\n"'
kill -TERM $XP
wait $XP

# a cache larger than one slice of the server's work: listed whole
"$PY" - "$T/big.pcap" <<'PYEOF' || { fail "big pcap"; finish; }
import struct, sys
# 20000 one-packet UDP flows, written directly (scapy is slow at this)
with open(sys.argv[1], "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
    for i in range(20000):
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 28, i & 0xffff, 0, 64, 17, 0,
                         bytes([10, 9, i // 250, i % 250 + 1]), bytes([10, 8, 0, 1]))
        s = 0
        for k in range(0, 20, 2):
            s += ip[k] << 8 | ip[k + 1]
        s = (s & 0xffff) + (s >> 16)
        ip = ip[:10] + struct.pack("!H", ~s & 0xffff) + ip[12:]
        udp = struct.pack("!HHHH", 1024 + i, 9, 8, 0)
        fr = b"\x02\0\0\0\0\x01\x02\0\0\0\0\x02\x08\x00" + ip + udp
        f.write(struct.pack("<IIII", 1700000000, i, len(fr), len(fr)) + fr)
PYEOF
SOCK=$T/big.sock
"$XFLOWD" --interface "$A" --collector 127.0.0.1:9 --inactive-timeout 3600 \
	--cache-size 65536 --control "$SOCK" >"$T/big.out" 2>"$T/big.err" &
XP=$!
XF_PIDS+=("$XP")
for _ in $(seq 100); do [ -S "$SOCK" ] && break; sleep 0.05; done
ip netns exec "$NS" tcpreplay -q -i "$B" --pps 20000 "$T/big.pcap" >"$T/tcpreplay.log" 2>&1
sleep 1
ctl show ip cache flow >"$T/big.txt"
ctl --json show ip cache flow >"$T/big.json"
check "20000 flows: as many flow lines as active flows, JSON alike" \
	"$PY" - "$T/big.txt" "$T/big.json" <<'PYEOF'
import json, re, sys
t = open(sys.argv[1]).read()
j = json.load(open(sys.argv[2]))
active = int(re.search(r"^  (\d+) active,", t, re.M).group(1))
lines = t[t.index("\nSrcIf"):].strip("\n").split("\n")[1:]
print("active", active, "lines", len(lines), "json", len(j["flows"]))
sys.exit(0 if active == len(lines) == len(j["flows"]) and active > 16384 else 1)
PYEOF

# twelve clients connected and silent (the socket served one at a time
# with a backlog of 8 before: xflowctl waited for their idle cut)
"$PY" - "$SOCK" "$T/idle.ready" <<'PYEOF' &
import socket, sys, time
held = []
for _ in range(12):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(sys.argv[1])
    held.append(s)
open(sys.argv[2], "w").close()
time.sleep(8)
PYEOF
IP=$!
for _ in $(seq 100); do [ -e "$T/idle.ready" ] && break; sleep 0.05; done
t0=$(date +%s%N)
ctl show statistics >"$T/idle.txt" 2>&1
src=$?
ms=$((($(date +%s%N) - t0) / 1000000))
check "12 idle clients: show statistics answers in ${ms} ms (< 1000, exit $src)" \
	eval '[ $src = 0 ] && [ $ms -lt 1000 ] && grep -q packets "$T/idle.txt"'
check "12 idle clients: a listing of 20000 flows still completes" \
	eval 'ctl --json show ip cache flow | "$PY" -c "import json,sys; sys.exit(len(json.load(sys.stdin)[\"flows\"]) < 16384)"'
# a NUL byte before the newline: an error at once, not the idle cut
check "a request with a NUL byte is answered with an error at once" \
	"$PY" - "$SOCK" <<'PYEOF'
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.settimeout(2)
s.connect(sys.argv[1])
s.sendall(b"show\0statistics\n")
r = b""
while True:
    d = s.recv(4096)
    if not d:
        break
    r += d
print(r.decode().strip())
sys.exit(0 if r.startswith(b"%") and b"NUL" in r else 1)
PYEOF
kill "$IP" 2>/dev/null
wait "$IP" 2>/dev/null

kill -TERM $XP
wait $XP
rc=$?
check "SIGTERM: xflowd exits 0 (rc=$rc)" [ "$rc" = 0 ]
finish
