#!/bin/bash
# Tests for tools/xfdecode: hand-built NetFlow v5, v9 and IPFIX messages are
# decoded with --file (and one live over UDP) and the JSON lines checked.
#
# usage: tests/tools/test_xfdecode.sh [path/to/xfdecode]   (default
# build/xfdecode).  Builds nothing.  Exit 0 on pass, 1 on fail.
set -eu

BIN=${1:-build/xfdecode}
if [ ! -x "$BIN" ]; then
	echo "FAIL: test_xfdecode: $BIN is not an executable"
	exit 1
fi
command -v python3 >/dev/null || { echo "FAIL: test_xfdecode: no python3"; exit 1; }

TMP=$(mktemp -d)
LIVE_PID=
cleanup() {
	[ -n "$LIVE_PID" ] && kill "$LIVE_PID" 2>/dev/null || true
	rm -rf "$TMP"
}
trap cleanup EXIT

pass=0
fail=0
failed=""

ok() {
	pass=$((pass + 1))
}

bad() {
	fail=$((fail + 1))
	failed="$failed $1"
	echo "  not ok: $1${2:+: $2}" >&2
}

# ---------------------------------------------------------------------------
# Message builder: writes one raw message per file into $TMP.
cat >"$TMP/gen.py" <<'EOF'
import random
import struct
import sys

out = sys.argv[1]


def w(name, data):
    with open(f"{out}/{name}", "wb") as f:
        f.write(data)


def ip4(s):
    return bytes(int(x) for x in s.split("."))


# --- NetFlow v5: 24-byte header, 48-byte records -------------------------
def v5_rec(src, dst, nh, inp, outp, pkts, octs, first, last, sp, dp, flags,
           proto, tos, sas, das, smask, dmask):
    return (ip4(src) + ip4(dst) + ip4(nh) +
            struct.pack("!HHIIIIHHBBBBHHBBH", inp, outp, pkts, octs, first,
                        last, sp, dp, 0, flags, proto, tos, sas, das, smask,
                        dmask, 0))


def v5(recs, count=None, seq=42):
    n = len(recs) if count is None else count
    return struct.pack("!HHIIIIBBH", 5, n, 123456, 1700000000, 500, seq, 1,
                       2, 0) + b"".join(recs)


r1 = v5_rec("10.0.0.1", "10.0.0.2", "10.0.0.254", 3, 4, 10, 1500, 1000, 2000,
            12345, 80, 0x1b, 6, 0, 64512, 64513, 24, 16)
r2 = v5_rec("192.168.1.10", "8.8.8.8", "0.0.0.0", 5, 6, 1, 76, 3000, 3000,
            53000, 53, 0, 17, 0xb8, 0, 15169, 32, 8)
w("v5.bin", v5([r1, r2]))
w("v5_trunc.bin", v5([r1, r2])[:24 + 48 + 20])


# --- IPFIX (RFC 7011) -------------------------------------------------------
def ipfix(sets, domain=7, seq=1, length=None):
    body = b"".join(sets)
    n = 16 + len(body) if length is None else length
    return struct.pack("!HHIII", 10, n, 1700000000, seq, domain) + body


def ipfix_set(set_id, payload, pad=0):
    payload += b"\0" * pad
    return struct.pack("!HH", set_id, 4 + len(payload)) + payload


def fspec(ie, length, pen=0):
    if pen:
        return struct.pack("!HHI", ie | 0x8000, length, pen)
    return struct.pack("!HH", ie, length)


def varlen(b):
    # RFC 7011 section 7: short form below 255, else 255 + 2-byte length.
    if len(b) < 255:
        return bytes([len(b)]) + b
    return b"\xff" + struct.pack("!H", len(b)) + b


ipfix_fields = [(8, 4, 0), (12, 4, 0), (7, 2, 0), (11, 2, 0), (4, 1, 0),
                (1, 8, 0), (2, 4, 0), (82, 65535, 0), (11, 65535, 770),
                (56, 6, 0), (27, 16, 0), (9999, 2, 0), (99, 3, 770),
                (6, 4, 770)]
tmpl = struct.pack("!HH", 256, len(ipfix_fields)) + b"".join(
    fspec(i, l, p) for i, l, p in ipfix_fields)
d1 = (ip4("10.1.2.3") + ip4("10.4.5.6") + struct.pack("!HHB", 40000, 443, 6) +
      struct.pack("!QI", 123456789012, 1000) + varlen(b"eth0\0\0") +
      varlen("us\u00e9r\"\\".encode()) + bytes.fromhex("0002b3aabbcc") +
      bytes.fromhex("20010db8000000000000000000000001") + b"\xbe\xef" +
      b"\x01\x02\x03" + ip4("172.16.0.1"))
d2 = (ip4("10.9.9.9") + ip4("10.8.8.8") + struct.pack("!HHB", 53, 5353, 17) +
      struct.pack("!QI", 1, 1) + varlen(b"x" * 300) + varlen(b"") +
      bytes(6) + bytes(16) + b"\0\0" + b"\0\0\0" + bytes(4))
opt_fields = [(149, 4), (40, 8), (160, 8)]
otmpl = struct.pack("!HHH", 257, len(opt_fields), 1) + b"".join(
    fspec(i, l) for i, l in opt_fields)
odata = struct.pack("!IQQ", 7, 999999, 1699999999000)
w("ipfix.bin", ipfix([ipfix_set(2, tmpl), ipfix_set(256, d1 + d2, pad=3),
                      ipfix_set(3, otmpl), ipfix_set(257, odata)]))
# Withdraw template 256 (field count 0), then send data for it again.
w("ipfix_withdraw.bin", ipfix([ipfix_set(2, struct.pack("!HH", 256, 0)),
                               ipfix_set(256, d1)], seq=2))
# Data set before any template for it.
w("ipfix_unknown.bin", ipfix([ipfix_set(260, b"\1\2\3\4")], domain=11))
good = ipfix([ipfix_set(2, tmpl), ipfix_set(256, d1)])
w("ipfix_trunc.bin", good[:-10])
# Set length claims 40 bytes more than the message holds.
bad = bytearray(good)
struct.pack_into("!H", bad, 16 + 2, len(good) - 16 + 40)
w("ipfix_setpast.bin", bytes(bad))
# Set length below the 4-byte set header.
w("ipfix_setshort.bin", ipfix([struct.pack("!HH", 256, 2) + b"\0" * 8]))
# Template with a zero-length field.
w("ipfix_zerolen.bin", ipfix([ipfix_set(2, struct.pack("!HH", 258, 2) +
                                        fspec(8, 4) + fspec(12, 0))]))
# Field count far larger than the set.
w("ipfix_overflow.bin", ipfix([ipfix_set(2, struct.pack("!HH", 259, 5000) +
                                         fspec(8, 4))]))
# Variable-length field whose length runs past the set.
vt = struct.pack("!HH", 261, 1) + fspec(82, 65535)
w("ipfix_varpast.bin", ipfix([ipfix_set(2, vt),
                              ipfix_set(261, b"\xff\x01\x00abc")]))


# --- NetFlow v9 (RFC 3954) ------------------------------------------------
def v9(flowsets, source_id=99, count=2):
    return struct.pack("!HHIIII", 9, count, 654321, 1700000000, 5,
                       source_id) + b"".join(flowsets)


def v9_set(set_id, payload):
    pad = (4 - len(payload) % 4) % 4      # RFC 3954 5.3: 32-bit padding
    payload += b"\0" * pad
    return struct.pack("!HH", set_id, 4 + len(payload)) + payload


v9_fields = [(8, 4), (12, 4), (7, 2), (11, 2), (4, 1), (1, 4), (2, 4),
             (22, 4), (21, 4), (10, 2), (14, 2), (61, 1)]
v9t = struct.pack("!HH", 300, len(v9_fields)) + b"".join(
    struct.pack("!HH", i, l) for i, l in v9_fields)
v9d = (ip4("192.0.2.1") + ip4("198.51.100.2") +
       struct.pack("!HHBIIIIHHB", 1234, 22, 6, 5000, 7, 100, 200, 2, 3, 1))
v9ot = struct.pack("!HHH", 301, 4, 8) + struct.pack("!HHHHHH", 1, 4, 34, 4,
                                                    35, 1)
v9od = struct.pack("!IIB", 0x0a000001, 1000, 2)
w("v9.bin", v9([v9_set(0, v9t), v9_set(300, v9d), v9_set(1, v9ot),
                v9_set(301, v9od)]))
w("v9_nofields.bin", v9([v9_set(0, struct.pack("!HH", 302, 0))]))

# --- Random mutations of the good messages (fixed seed) -----------------
rnd = random.Random(20240607)
seeds = [v5([r1, r2]), good, v9([v9_set(0, v9t), v9_set(300, v9d)]),
         ipfix([ipfix_set(3, otmpl), ipfix_set(257, odata)]),
         ipfix([ipfix_set(2, vt), ipfix_set(261, varlen(b"abc") * 3)])]
for n in range(400):
    m = bytearray(rnd.choice(seeds))
    for _ in range(rnd.randint(1, 6)):
        op = rnd.randint(0, 3)
        if op == 0 and m:
            m[rnd.randrange(len(m))] = rnd.randrange(256)
        elif op == 1 and len(m) > 2:
            m = m[:rnd.randrange(len(m))]
        elif op == 2 and len(m) > 4:
            i = rnd.randrange(len(m) - 1)
            m[i:i + 2] = bytes([rnd.choice([0, 0xff]), rnd.randrange(256)])
        else:
            m += bytes(rnd.randrange(256) for _ in range(rnd.randint(1, 9)))
    w(f"fuzz_{n:03d}.bin", bytes(m))
EOF

# ---------------------------------------------------------------------------
# Checker: python3 chk.py OUTFILE NAME runs the assertions for NAME.
cat >"$TMP/chk.py" <<'EOF'
import json
import sys

path, name = sys.argv[1], sys.argv[2]
with open(path, encoding="utf-8") as f:
    lines = [json.loads(l) for l in f if l.strip()]


def where(**kv):
    return [l for l in lines if all(l.get(k) == v for k, v in kv.items())]


def expect(rec, **kv):
    for k, v in kv.items():
        assert rec.get(k) == v, f"{k}: got {rec.get(k)!r}, want {v!r}"


def errors():
    return [l for l in lines if "error" in l]


if name == "v5":
    recs = where(version=5)
    assert len(recs) == 2, f"{len(recs)} records"
    expect(recs[0], exporter="file", seq=42, srcaddr="10.0.0.1",
           dstaddr="10.0.0.2", nexthop="10.0.0.254", input=3, output=4,
           packets=10, octets=1500, first=1000, last=2000, srcport=12345,
           dstport=80, tcp_flags=27, proto=6, tos=0, src_as=64512,
           dst_as=64513, src_mask=24, dst_mask=16)
    expect(recs[1], srcaddr="192.168.1.10", dstaddr="8.8.8.8",
           nexthop="0.0.0.0", srcport=53000, dstport=53, proto=17, tos=184,
           dst_as=15169, src_mask=32, dst_mask=8, packets=1, octets=76)
    assert not errors()
elif name == "v5_headers":
    h = where(header=True)
    assert len(h) == 1
    expect(h[0], version=5, count=2, seq=42, sys_uptime=123456,
           unix_secs=1700000000, engine_type=1, engine_id=2)
    assert len(lines) == 3
elif name == "live":
    recs = where(version=5)
    assert len(recs) == 2, f"{len(recs)} records"
    expect(recs[0], exporter="127.0.0.1", srcaddr="10.0.0.1", dstport=80)
elif name == "ipfix":
    assert lines[0]["template"] == 256 and lines[0]["version"] == 10
    assert [770, 11, 65535] in lines[0]["fields"], lines[0]["fields"]
    assert "scope_count" not in lines[0]
    recs = [l for l in where(template=256) if "fields" not in l]
    assert len(recs) == 2, f"{len(recs)} data records"
    expect(recs[0], version=10, exporter="file", domain=7,
           sourceIPv4Address="10.1.2.3", destinationIPv4Address="10.4.5.6",
           sourceTransportPort=40000, destinationTransportPort=443,
           protocolIdentifier=6, octetDeltaCount=123456789012,
           packetDeltaCount=1000, interfaceName="eth0",
           pppacUserName="us\u00e9r\"\\", sourceMacAddress="00:02:b3:aa:bb:cc",
           sourceIPv6Address="2001:db8::1", tunnelSourceIPv4Address="172.16.0.1")
    expect(recs[0], **{"9999": "beef", "e770.99": "010203"})
    assert "options" not in recs[0]
    expect(recs[1], sourceIPv4Address="10.9.9.9", protocolIdentifier=17,
           interfaceName="x" * 300, pppacUserName="",
           sourceIPv6Address="::")
    ot = where(template=257, scope_count=1)
    assert len(ot) == 1 and ot[0]["fields"] == [[0, 149, 4], [0, 40, 8],
                                                 [0, 160, 8]]
    od = where(template=257, options=True)
    assert len(od) == 1
    expect(od[0], observationDomainId=7, exportedOctetTotalCount=999999,
           systemInitTimeMilliseconds=1699999999000)
    assert not errors()
elif name == "withdraw":
    assert where(template_withdrawn=256), "no withdrawal line"
    u = where(unknown_template=256)
    assert len(u) == 1 and u[0]["domain"] == 7 and u[0]["version"] == 10
elif name == "unknown":
    assert lines == [{"version": 10, "unknown_template": 260, "domain": 11}], lines
elif name.startswith("error"):
    e = errors()
    assert len(e) == 1, f"{len(e)} error lines"
    assert e[0]["exporter"] == "file"
    word = name.split(":", 1)[1] if ":" in name else ""
    assert word in e[0]["error"], e[0]["error"]
elif name == "v9":
    t = where(template=300)
    assert t[0]["fields"][0] == [0, 8, 4] and len(t[0]["fields"]) == 12
    recs = [l for l in t if "fields" not in l]
    assert len(recs) == 1, f"{len(recs)} records"
    expect(recs[0], version=9, domain=99, sourceIPv4Address="192.0.2.1",
           destinationIPv4Address="198.51.100.2", sourceTransportPort=1234,
           destinationTransportPort=22, protocolIdentifier=6,
           octetDeltaCount=5000, packetDeltaCount=7, flowStartSysUpTime=100,
           flowEndSysUpTime=200, ingressInterface=2, egressInterface=3,
           flowDirection=1)
    o = [l for l in where(template=301) if "fields" not in l]
    assert len(o) == 1
    expect(o[0], options=True, scopeSystem=0x0a000001, samplingInterval=1000,
           samplingAlgorithm=2)
    assert where(template=301, scope_count=1)
    assert not errors()
elif name == "fuzz":
    pass    # every line parsed as JSON above
else:
    raise SystemExit(f"unknown check {name}")
EOF

python3 "$TMP/gen.py" "$TMP"

# run NAME CHECK ARGS...: run xfdecode with ARGS, expect exit 0, then CHECK.
run() {
	local name=$1 check=$2 rc=0
	shift 2
	"$BIN" "$@" >"$TMP/$name.out" 2>"$TMP/$name.err" || rc=$?
	if [ "$rc" -ne 0 ]; then
		bad "$name" "exit status $rc: $(head -c 300 "$TMP/$name.err")"
		return 0
	fi
	if python3 "$TMP/chk.py" "$TMP/$name.out" "$check" 2>"$TMP/$name.chk"; then
		ok
	else
		bad "$name" "$(tail -n 1 "$TMP/$name.chk")"
	fi
}

run v5 v5 --file "$TMP/v5.bin"
run v5_headers v5_headers --headers --file "$TMP/v5.bin"
run ipfix ipfix --file "$TMP/ipfix.bin"
run withdraw withdraw --file "$TMP/ipfix.bin" --file "$TMP/ipfix_withdraw.bin"
run unknown unknown --file "$TMP/ipfix_unknown.bin"
run v9 v9 --file "$TMP/v9.bin"
run v5_trunc "error:exceeds" --file "$TMP/v5_trunc.bin"
run ipfix_trunc "error:exceeds datagram" --file "$TMP/ipfix_trunc.bin"
run ipfix_setpast "error:past end" --file "$TMP/ipfix_setpast.bin"
run ipfix_setshort "error:< 4" --file "$TMP/ipfix_setshort.bin"
run ipfix_zerolen "error:length 0" --file "$TMP/ipfix_zerolen.bin"
run ipfix_overflow "error:overflows" --file "$TMP/ipfix_overflow.bin"
run ipfix_varpast "error:overruns" --file "$TMP/ipfix_varpast.bin"
run v9_nofields "error:no fields" --file "$TMP/v9_nofields.bin"

# Mutated messages: must exit 0 and print only valid JSON lines (a sanitizer
# build of xfdecode turns memory errors into a non-zero exit here).
fuzz_args=()
for f in "$TMP"/fuzz_*.bin; do
	fuzz_args+=(--file "$f")
done
run fuzz fuzz "${fuzz_args[@]}"

# Live: one v5 datagram over UDP to 127.0.0.1 on a random high port.
live_ok=0
for attempt in 1 2 3; do
	port=$((20000 + RANDOM % 40000))
	: >"$TMP/live.out"
	"$BIN" -l 127.0.0.1 -p "$port" --count 1 --timeout 10 \
		>"$TMP/live.out" 2>"$TMP/live.err" &
	LIVE_PID=$!
	# Keep sending until the listener has printed something (it may not
	# have bound yet) or has exited (e.g. the port was taken).
	python3 - "$TMP/v5.bin" "$port" "$TMP/live.out" "$LIVE_PID" <<'EOF' || true
import os, socket, sys, time
data = open(sys.argv[1], "rb").read()
port, outp, pid = int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
end = time.time() + 5
while time.time() < end and os.path.getsize(outp) == 0:
    try:
        s.sendto(data, ("127.0.0.1", port))
    except OSError:
        pass
    time.sleep(0.1)
    if not os.path.exists(f"/proc/{pid}") or \
            open(f"/proc/{pid}/stat").read().split()[2] == "Z":
        break
EOF
	rc=0
	wait "$LIVE_PID" || rc=$?
	LIVE_PID=
	if [ "$rc" -eq 0 ] && [ -s "$TMP/live.out" ]; then
		live_ok=1
		break
	fi
done
if [ "$live_ok" -eq 1 ] &&
   python3 "$TMP/chk.py" "$TMP/live.out" live 2>"$TMP/live.chk"; then
	ok
else
	bad live "$(cat "$TMP/live.err" "$TMP/live.chk" 2>/dev/null | tail -n 1)"
fi

if [ "$fail" -eq 0 ]; then
	echo "PASS: test_xfdecode: $pass checks"
	exit 0
fi
echo "FAIL: test_xfdecode: $fail of $((pass + fail)) checks failed:$failed"
exit 1
