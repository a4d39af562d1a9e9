#!/usr/bin/env bash
# test_pcapng.sh - --read of a pcapng file with several interfaces: two
# xfgen captures, one Ethernet ("ge0", if_tsresol 10^-9) and one raw IP
# ("vlan100", microseconds shifted by if_tsoffset), merged by time into one
# pcapng with an IEEE 802.11 interface ("wlan0", not meterable), a name
# resolution and an interface statistics block. tshark's cflow dissector
# must find every flow of ge0 with ingressInterface 1 and interfaceName
# "ge0", of vlan100 with 2 and "vlan100", per-flow packets and octets
# exact against each capture's truth; msgcheck puts every flow inside the
# file's time range (so if_tsoffset was applied). A file of wlan0 alone is
# refused naming link type 105; a file cut inside a block exports what came
# before it and exits 1 saying it is truncated.
. "$(dirname "$0")/lib.sh"
need_xflowd
need_scapy
need_cmd tshark ss

"${XFGEN[@]}" -o "$T/a.pcap" -t "$T/a.csv" --scenario mixed --seed 41 --flows 120 --packets 1200 \
    2>"$T/a.gen.err" || { fail "xfgen (Ethernet)"; cat "$T/a.gen.err"; finish; }
"${XFGEN[@]}" -o "$T/b.pcap" -t "$T/b.csv" --scenario mixed --linktype raw --seed 42 --flows 120 \
    --packets 1200 2>"$T/b.gen.err" || { fail "xfgen (raw IP)"; cat "$T/b.gen.err"; finish; }

# mkpcapng OUTDIR A.pcap B.pcap: writes OUTDIR/two.pcapng (and .range:
# first and last ns, .count: packets of ge0 and vlan100), OUTDIR/wifi.pcapng,
# OUTDIR/trunc.pcapng (and .count: packets before the cut)
"$PY" - "$T" "$T/a.pcap" "$T/b.pcap" <<'PYEOF' || { fail "building the pcapng files"; finish; }
import struct, sys

out, pa, pb = sys.argv[1:4]
OFFSET = 1000  # vlan100's if_tsoffset, seconds


def read_pcap(path):
    with open(path, "rb") as f:
        d = f.read()
    magic = struct.unpack("<I", d[:4])[0]
    e = "<" if magic in (0xa1b2c3d4, 0xa1b23c4d) else ">"
    nano = struct.unpack(e + "I", d[:4])[0] == 0xa1b23c4d
    pos, pkts = 24, []
    while pos + 16 <= len(d):
        s, frac, cl, ol = struct.unpack(e + "IIII", d[pos:pos + 16])
        pkts.append((s * 10**9 + (frac if nano else frac * 1000), d[pos + 16:pos + 16 + cl], ol))
        pos += 16 + cl
    return pkts


def blk(btype, body):
    body += bytes(-len(body) % 4)
    return struct.pack("<II", btype, len(body) + 12) + body + struct.pack("<I", len(body) + 12)


def opt(code, val):
    return struct.pack("<HH", code, len(val)) + val + bytes(-len(val) % 4)


def idb(linktype, opts):
    return blk(1, struct.pack("<HHI", linktype, 0, 0) + opts + opt(0, b""))


def epb(ifid, units, data, orig):
    return blk(6, struct.pack("<IIIII", ifid, units >> 32, units & 0xffffffff, len(data), orig) + data)


SHB = blk(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))
IDBS = (idb(1, opt(2, b"ge0") + opt(3, b"uplink to the core") + opt(9, b"\x09")) +
        idb(101, opt(2, b"vlan100") + opt(14, struct.pack("<q", OFFSET))) +
        idb(105, opt(2, b"wlan0")))
WIFI = bytes([0x08, 0x02, 0, 0]) + bytes(18) + bytes(2) + bytes([0xaa, 0xaa, 3, 0, 0, 0, 8, 0]) + bytes(40)

pkts = [(t, 0, d, o) for t, d, o in read_pcap(pa)] + [(t, 1, d, o) for t, d, o in read_pcap(pb)]
pkts.sort(key=lambda p: (p[0], p[1]))
blocks, times = [], []
for i, (t, ifid, d, o) in enumerate(pkts):
    if ifid == 0:
        blocks.append((1, epb(0, t, d, o)))
        times.append(t)
    else:
        us = t // 1000
        blocks.append((1, epb(1, us - OFFSET * 10**6, d, o)))
        times.append(us * 1000)
    if i in (5, 500, 1000):
        blocks.append((0, epb(2, t // 1000, WIFI, len(WIFI))))
    if i == 10:
        blocks.append((0, blk(4, opt(0, b""))))  # name resolution: no records
with open(out + "/two.pcapng", "wb") as f:
    f.write(SHB + IDBS)
    for _, b in blocks:
        f.write(b)
    f.write(blk(5, struct.pack("<III", 0, 0, 0)))  # interface statistics
with open(out + "/two.range", "w") as f:
    f.write("%d %d\n" % (min(times), max(times)))
with open(out + "/two.count", "w") as f:
    f.write("%d\n" % len(pkts))
with open(out + "/wifi.pcapng", "wb") as f:
    f.write(SHB + idb(105, opt(2, b"wlan0")) + epb(0, 1700000000 * 10**6, WIFI, len(WIFI)))
# cut 10 octets into the block of packet #half: the packets before it count
half = len(blocks) // 2
with open(out + "/trunc.pcapng", "wb") as f:
    f.write(SHB + IDBS + b"".join(b for _, b in blocks[:half]) + blocks[half][1][:10])
with open(out + "/trunc.count", "w") as f:
    f.write("%d\n" % sum(n for n, _ in blocks[:half]))
PYEOF
info "two.pcapng: $(cat "$T/two.count") packets of ge0 and vlan100, 3 of wlan0"

# records.py SINK.pcap PORT OUTDIR: tshark's cflow records split by
# interface: OUTDIR/if1.records.csv, OUTDIR/if2.records.csv (compare.py's
# records format); fails on a record of another interface or whose
# interfaceName does not belong to its ingressInterface. The interface
# options records go to OUTDIR/iftable.txt (ifindex, name, description).
cat >"$T/records.py" <<'PYEOF'
import csv, json, subprocess, sys

sys.dont_write_bytecode = True  # no __pycache__ in the work tree

sys.path.insert(0, sys.argv[4])
from cflow_records import first, pairs_hook, walk  # noqa: E402

pcap, port, out = sys.argv[1], sys.argv[2], sys.argv[3]
NAMES = {1: "ge0", 2: "vlan100"}
p = subprocess.run(["tshark", "-n", "-r", pcap, "-d", "udp.port==%s,cflow" % port, "-T", "json"],
                   capture_output=True, text=True, check=True)
rows, bad, iftable = {1: [], 2: []}, [], set()


def num(x):
    return int(x, 0) if x not in (None, "") else 0


def visit(d, path):
    if not path or not path[-1].startswith("Flow "):
        return
    src = first(d, "cflow.srcaddr", "cflow.srcaddrv6")
    if src is None:
        if first(d, "cflow.if_name") is not None:
            iftable.add("%s\t%s\t%s" % (first(d, "cflow.inputint"), first(d, "cflow.if_name"),
                                          first(d, "cflow.if_descr")))
        return  # options record
    ifindex, name = num(first(d, "cflow.inputint")), first(d, "cflow.if_name")
    if NAMES.get(ifindex) != name:
        bad.append("ingressInterface %d with interfaceName %r" % (ifindex, name))
        return
    dport = first(d, "cflow.dstport")
    if dport is None:
        dport = first(d, "cflow.icmp_type_code_ipv4", "cflow.icmp_type_code_ipv6")
    rows[ifindex].append(dict(src=src, dst=first(d, "cflow.dstaddr", "cflow.dstaddrv6"),
                              proto=num(first(d, "cflow.protocol")), sport=num(first(d, "cflow.srcport")),
                              dport=num(dport), packets=num(first(d, "cflow.packets", "cflow.packets64")),
                              octets=num(first(d, "cflow.octets", "cflow.octets64"))))


for pk in json.loads(p.stdout or "[]", object_pairs_hook=pairs_hook):
    walk(pk["_source"]["layers"].get("cflow", {}), [], visit)
for i in (1, 2):
    with open("%s/if%d.records.csv" % (out, i), "w", newline="") as f:
        w = csv.DictWriter(f, ["src", "dst", "proto", "sport", "dport", "packets", "octets"])
        w.writeheader()
        w.writerows(rows[i])
with open(out + "/iftable.txt", "w") as f:
    f.write("".join(line + "\n" for line in sorted(iftable)))
print("flow records: %d of ge0 (ingressInterface 1), %d of vlan100 (2), %d wrong"
      % (len(rows[1]), len(rows[2]), len(bad)))
for b in bad[:10]:
    print("  " + b)
sys.exit(1 if bad or not rows[1] or not rows[2] else 0)
PYEOF

sink_start two.sink || { fail "udpsink did not start"; finish; }
run_xflowd two --read "$T/two.pcapng" --collector "$(addr_of two.sink)" --export ipfix \
    --stats-file "$T/two.stats.json"
rc=$?
collector_stop two.sink
if [ $rc = 0 ]; then
    pass "two interfaces: xflowd exited 0"
else
    fail "two interfaces: xflowd exited $rc"
    show_err two
fi
check "tshark cflow decodes, no malformed packet, no expert warning/error" \
    "$PY" "$XF_HERE/cflow_records.py" "$T/two.sink.pcap" "${COLL_PORT[two.sink]}" "$T/two.tshark.csv"
check "every flow record names its interface: ingressInterface 1 'ge0', 2 'vlan100'" \
    "$PY" "$T/records.py" "$T/two.sink.pcap" "${COLL_PORT[two.sink]}" "$T" "$XF_HERE"
check "interface options records: 1 'ge0' 'uplink to the core', 2 'vlan100'" \
    sh -c "grep -q '^1	ge0	uplink to the core$' '$T/iftable.txt' && grep -q '^2	vlan100	' '$T/iftable.txt'"
check "ge0: per-flow packets and octets exact (tshark)" \
    "$PY" "$XF_HERE/compare.py" "$T/a.csv" "$T/if1.records.csv" --format records --label ge0
check "vlan100: per-flow packets and octets exact (tshark)" \
    "$PY" "$XF_HERE/compare.py" "$T/b.csv" "$T/if2.records.csv" --format records --label vlan100
# shellcheck disable=SC2046 # FIRST LAST
check "flow times inside the file's time range (if_tsresol, if_tsoffset applied)" \
    "$PY" "$XF_HERE/msgcheck.py" "$T/two.sink.pcap" --version 10 --need-sysinit \
    --time-range $(cat "$T/two.range")
check "stats: every packet of ge0 and vlan100 metered, wlan0's not" \
    grep -q "\"packets\": $(cat "$T/two.count")," "$T/two.stats.json"
check "a warning names wlan0's link type 105 and its 3 packets" \
    sh -c "grep -q 'link type 105' '$T/two.err' && grep -q '3 packets of unsupported' '$T/two.err'"

# no interface xflowd can meter: refused, naming the link type
port=$(free_port 4)
run_xflowd wifi --read "$T/wifi.pcapng" --collector 127.0.0.1:"$port" --export ipfix
rc=$?
if [ $rc = 1 ] && grep -q 'link type 105 (IEEE802_11)' "$T/wifi.err"; then
    pass "only IEEE 802.11: refused, '$(head -1 "$T/wifi.err")'"
else
    fail "only IEEE 802.11: exit $rc, stderr: $(head -3 "$T/wifi.err")"
fi

# cut inside a block: what came before is exported, then exit 1
run_xflowd trunc --read "$T/trunc.pcapng" --collector 127.0.0.1:"$port" --export ipfix \
    --stats-file "$T/trunc.stats.json"
rc=$?
if [ $rc = 1 ] && grep -q 'truncated' "$T/trunc.err" &&
    grep -q "\"packets\": $(cat "$T/trunc.count")," "$T/trunc.stats.json"; then
    pass "truncated file: exit 1 after the $(cat "$T/trunc.count") packets before the cut"
else
    fail "truncated file: exit $rc, want 1 after $(cat "$T/trunc.count") packets; stderr: $(head -2 "$T/trunc.err")"
    grep '"packets"' "$T/trunc.stats.json" 2>/dev/null
fi

# regression: the exporter's last flush names interfaces; it once ran after
# the captures were closed (a use-after-free the sanitizer build shows)
run_xflowd uaf --read "$XF_ROOT/tests/data/uaf-ts2554.pcapng" --collector 127.0.0.1:9
rc=$?
check "a file ending in the year 2554 exports at exit without touching closed captures (rc=$rc)" [ "$rc" = 0 ]
finish
