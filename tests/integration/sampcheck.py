#!/usr/bin/python3
"""sampcheck.py - judge a sampled export (xflowd --sample N).

usage: sampcheck.py EXPORT.pcap --version 5|9|10 --mode random|deterministic
                    --interval N --truth TRUTH.csv [--v4-only]
                    [--stats STATS.json] [--nfdump NFDUMP_I.txt]
                    [--tshark-records CFLOW.csv] [--domain-id D]
                    [--sigma 4] [--max-pct P] [--max-size OCTETS]

EXPORT.pcap is what one collector received (udpsink.py). A decoder of our
own, written from RFC 3954, RFC 7011, RFC 5477 and Cisco's v5 layout,
checks how the sampling is announced:
  v5:    every header's sampling_interval is mode << 14 | N (01 deterministic,
         10 random);
  v9:    an options record of the sampler table (scope System:
         FLOW_SAMPLER_ID 48 = 1, FLOW_SAMPLER_MODE 49, FLOW_SAMPLER_RANDOM_
         INTERVAL 50 = N, SAMPLING_ALGORITHM 35) and one of SAMPLING_INTERVAL
         34 = N alone, in every message that carries templates, before any
         data record; every data template ends with FLOW_SAMPLER_ID and every
         data record carries 1;
  IPFIX: the same with RFC 5477's elements (scope selectorId 302 = 1,
         selectorAlgorithm 304 = 1 with samplingPacketInterval 305 = 1 and
         samplingPacketSpace 306 = N - 1, or 304 = 3 with samplingSize 309 = 1
         and samplingPopulation 310 = N; samplingAlgorithm 35, and for random
         samplerRandomInterval 50 = N), the interval record scoped by
         observationDomainId, data records ending with selectorId = 1.
Then the counts, with T the true packets (IPv4 only with --v4-only) and O
their IP octets from TRUTH.csv (outer headers: the default templates do not
open tunnels), E and EO the packets and octets exported:
  - E within --sigma standard deviations of T/N (binomial, p = 1/N);
  - --tshark-records: tshark's per-record CSV (cflow_records.py) sums to E, EO;
  - --stats: packets = sampled_out + metered + non_ip + malformed +
    no_template_packets exactly, and (v9/IPFIX) metered = E;
  - --nfdump: nfdump -I's Packets and Bytes are N*E and N*EO exactly (nfdump
    scaled by the announced N) and within --sigma of T and O (octets: the
    variance (N-1)*sum(s^2) bounded with s <= --max-size), and with --max-pct
    within P% of T and O.
Prints one line per check; exits 1 when any failed.
"""
import argparse
import csv
import json
import math
import struct
import sys

IE_PACKETS, IE_OCTETS = 2, 1


def read_pcap(path):
    """-> list of UDP payloads (udpsink.py writes raw IPv4/IPv6 or Ethernet)."""
    out = []
    with open(path, "rb") as f:
        gh = f.read(24)
        e = "<" if struct.unpack("<I", gh[:4])[0] in (0xa1b2c3d4, 0xa1b23c4d) else ">"
        linktype = struct.unpack(e + "I", gh[20:24])[0]
        while True:
            h = f.read(16)
            if len(h) < 16:
                break
            caplen = struct.unpack(e + "IIII", h)[2]
            data = f.read(caplen)
            if linktype == 1:
                data = data[14:]
            udp = data[(data[0] & 15) * 4:] if data[0] >> 4 == 4 else data[40:]
            ulen = struct.unpack("!H", udp[4:6])[0]
            out.append(udp[8:ulen])
    return out


class Judge:
    def __init__(self, a):
        self.a = a
        self.fails = 0

    def check(self, ok, what):
        print(("  ok   " if ok else "  FAIL ") + what)
        if not ok:
            self.fails += 1
        return ok


def uint(b):
    return int.from_bytes(b, "big")


def expect_table(a, ver):
    """Expected (element id -> value) of the sampler table and interval records."""
    n, det = a.interval, a.mode == "deterministic"
    if ver == 9:
        table = {48: 1, 49: 1 if det else 2, 50: n, 35: 1 if det else 2}
        interval = {34: n}
    elif det:
        table = {302: 1, 304: 1, 305: 1, 306: n - 1, 35: 1}
        interval = {149: a.domain_id, 34: n}
    else:
        table = {302: 1, 304: 3, 309: 1, 310: n, 35: 2, 50: n}
        interval = {149: a.domain_id, 34: n}
    return table, interval


def decode_sets(msgs, a, j):
    """v9/IPFIX: walk every set; -> (exported packets, octets)."""
    ver = a.version
    hdr = 20 if ver == 9 else 16
    tset, oset = (0, 1) if ver == 9 else (2, 3)
    sid_ie, sid_len = (48, 1) if ver == 9 else (302, 8)
    want_table, want_int = expect_table(a, ver)
    templates = {}   # id -> [(ie, len)]
    options = {}     # id -> [(ie, len)], v9 scope included as ie 0x10000+type
    seen = {"table": 0, "interval": 0}
    refreshes = 0
    packets = octets = records = 0
    errors = []
    for m, msg in enumerate(msgs):
        if uint(msg[0:2]) != ver:
            errors.append(f"message {m}: version {uint(msg[0:2])}")
            continue
        off = hdr
        has_tmpl = False
        got = {"table": 0, "interval": 0}
        while off + 4 <= len(msg):
            sid, slen = uint(msg[off:off + 2]), uint(msg[off + 2:off + 4])
            if slen < 4 or off + slen > len(msg):
                errors.append(f"message {m}: bad set length {slen}")
                break
            body = msg[off + 4:off + slen]
            if sid == tset:
                has_tmpl = True
                p = 0
                while p + 4 <= len(body):
                    tid, cnt = uint(body[p:p + 2]), uint(body[p + 2:p + 4])
                    p += 4
                    fl = []
                    for _ in range(cnt):
                        ie, ln = uint(body[p:p + 2]), uint(body[p + 2:p + 4])
                        p += 4
                        if ie & 0x8000:
                            ie &= 0x7fff
                            p += 4  # enterprise number
                            ie = -ie  # not an IANA element
                        fl.append((ie, ln))
                    templates[tid] = fl
                    if not fl or fl[-1] != (sid_ie, sid_len):
                        errors.append(f"message {m}: data template {tid} does not end with the sampler id "
                                      f"({sid_ie}, {sid_len} octets): {fl[-1:]}")
            elif sid == oset:
                p = 0
                while p + 6 <= len(body):
                    tid = uint(body[p:p + 2])
                    fl = []
                    if ver == 9:
                        slen_, olen = uint(body[p + 2:p + 4]), uint(body[p + 4:p + 6])
                        p += 6
                        for k in range((slen_ + olen) // 4):
                            ie, ln = uint(body[p:p + 2]), uint(body[p + 2:p + 4])
                            p += 4
                            fl.append((ie + 0x10000 if k < slen_ // 4 else ie, ln))
                        p = len(body)  # one options template per set, then padding
                    else:
                        cnt = uint(body[p + 2:p + 4])
                        p += 6
                        for _ in range(cnt):
                            ie, ln = uint(body[p:p + 2]), uint(body[p + 2:p + 4])
                            p += 4
                            if ie & 0x8000:
                                ie, p = -(ie & 0x7fff), p + 4
                            fl.append((ie, ln))
                    options[tid] = fl
            elif sid >= 256 and sid in options:
                fl = options[sid]
                rl = sum(ln for _, ln in fl)
                p = 0
                while p + rl <= len(body):
                    vals, q = {}, p
                    for ie, ln in fl:
                        vals[ie] = uint(body[q:q + ln])
                        q += ln
                    p += rl
                    kind = None
                    if 34 in vals and len(vals) <= 3:
                        kind, want = "interval", want_int
                    elif 35 in vals:
                        kind, want = "table", want_table
                    if kind:
                        got[kind] += 1
                        seen[kind] += 1
                        for ie, v in want.items():
                            if vals.get(ie) != v:
                                errors.append(f"message {m}: {kind} record: element {ie} = {vals.get(ie)}, "
                                              f"want {v}")
                        if ver == 9 and vals.get(0x10001) != a.domain_id:
                            errors.append(f"message {m}: {kind} record: scope System = {vals.get(0x10001)}")
            elif sid >= 256 and sid in templates:
                fl = templates[sid]
                rl = sum(ln for _, ln in fl)
                p = 0
                if not (seen["table"] and seen["interval"]):
                    errors.append(f"message {m}: a data record before the sampler options records")
                while p + rl <= len(body):
                    q = p
                    for ie, ln in fl:
                        v = uint(body[q:q + ln])
                        if ie == IE_PACKETS:
                            packets += v
                        elif ie == IE_OCTETS:
                            octets += v
                        elif ie == sid_ie and v != 1:
                            errors.append(f"message {m}: a data record with sampler id {v}, want 1")
                        q += ln
                    p += rl
                    records += 1
            elif sid >= 256:
                errors.append(f"message {m}: set {sid} without a template")
            off += slen
        if has_tmpl:
            refreshes += 1
            if got["table"] != 1 or got["interval"] != 1:
                errors.append(f"message {m}: templates without the sampler records "
                              f"(table {got['table']}, interval {got['interval']})")
    j.check(not errors, f"sampler announced in all {refreshes} template messages ({seen['table']} table and "
            f"{seen['interval']} interval records), before the first of {records} data records, sampler id "
            f"in every data record" + ("" if not errors else ": " + "; ".join(errors[:5])))
    j.check(refreshes >= 1, f"{refreshes} template messages")
    return packets, octets


def decode_v5(msgs, a, j):
    want = (1 if a.mode == "deterministic" else 2) << 14 | a.interval
    bad = [m for m, msg in enumerate(msgs) if uint(msg[22:24]) != want]
    j.check(not bad and msgs, f"v5: sampling_interval 0x{want:04x} in all {len(msgs)} headers"
            + (f" (not in messages {bad[:5]})" if bad else ""))
    packets = octets = 0
    for msg in msgs:
        for i in range(uint(msg[2:4])):
            r = msg[24 + 48 * i:72 + 48 * i]
            packets += uint(r[16:20])
            octets += uint(r[20:24])
    return packets, octets


def truth_totals(path, v4_only):
    """Packets and outer IP octets (all, or IPv4 only) of a truth CSV (xfgen's
    or pcapgen's: no quoted fields; a million rows)."""
    t = o = 0
    with open(path) as f:
        head = f.readline().rstrip("\n").split(",")
        iv, ip = head.index("outer_ver"), head.index("packets")
        io = head.index("outer_octets") if "outer_octets" in head else head.index("octets")
        for line in f:
            r = line.split(",")
            if v4_only and r[iv] != "4":
                continue
            t += int(r[ip])
            o += int(r[io])
    return t, o


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("pcap")
    ap.add_argument("--version", type=int, required=True, choices=(5, 9, 10))
    ap.add_argument("--mode", required=True, choices=("random", "deterministic"))
    ap.add_argument("--interval", type=int, required=True)
    ap.add_argument("--truth", required=True)
    ap.add_argument("--v4-only", action="store_true")
    ap.add_argument("--stats")
    ap.add_argument("--nfdump")
    ap.add_argument("--tshark-records")
    ap.add_argument("--domain-id", type=int, default=1)
    ap.add_argument("--sigma", type=float, default=4.0)
    ap.add_argument("--max-pct", type=float)
    ap.add_argument("--max-size", type=int, default=1600)
    a = ap.parse_args()
    j = Judge(a)
    n = a.interval
    msgs = read_pcap(a.pcap)
    if a.version == 5:
        e, eo = decode_v5(msgs, a, j)
    else:
        e, eo = decode_sets(msgs, a, j)
    t, o = truth_totals(a.truth, a.v4_only)
    p = 1.0 / n
    sd = math.sqrt(t * p * (1 - p))
    j.check(abs(e - t / n) <= a.sigma * sd,
            f"exported packets {e} vs truth/N {t / n:.1f}: {(e - t / n) / sd if sd else 0:+.2f} sigma "
            f"(sigma {sd:.1f}, {a.mode} 1 in {n})")
    if a.tshark_records:
        tp = to = 0
        with open(a.tshark_records) as f:
            for r in csv.DictReader(f):
                tp += int(r["packets"])
                to += int(r["octets"])
        j.check((tp, to) == (e, eo), f"tshark's records sum to the same: {tp} packets, {to} octets "
                f"(ours {e}, {eo})")
    if a.stats:
        s = json.load(open(a.stats))
        parts = (s["sampled_out"] + s["metered"] + s["non_ip"] + sum(s["malformed"].values())
                 + sum(s["no_template_packets"].values()))
        j.check(parts == s["packets"], f"stats: packets {s['packets']} = sampled_out {s['sampled_out']} + "
                f"metered {s['metered']} + non_ip + malformed + no template ({parts})")
        if a.version != 5:
            j.check(s["metered"] == e, f"stats: metered {s['metered']} = exported packets {e}")
    if a.nfdump:
        tot = {}
        for line in open(a.nfdump):
            k, _, v = line.partition(":")
            tot[k.strip()] = v.strip()
        np_, no = int(tot.get("Packets", -1)), int(tot.get("Bytes", -1))
        j.check((np_, no) == (n * e, n * eo), f"nfdump scaled by the announced N: {np_} packets, {no} bytes "
                f"= {n} x ({e}, {eo})")
        so = math.sqrt((n - 1) * a.max_size * o)
        j.check(abs(np_ - t) <= a.sigma * n * sd and abs(no - o) <= a.sigma * so,
                f"nfdump totals vs truth: packets {np_} / {t} ({(np_ - t) / (n * sd) if sd else 0:+.2f} sigma), "
                f"bytes {no} / {o} (within {(no - o) / so if so else 0:+.2f} sigma bound)")
        if a.max_pct is not None:
            dp, do = 100.0 * (np_ - t) / t, 100.0 * (no - o) / o
            j.check(abs(dp) <= a.max_pct and abs(do) <= a.max_pct,
                    f"nfdump totals within {a.max_pct}% of the truth: packets {dp:+.3f}%, bytes {do:+.3f}%")
    return 1 if j.fails else 0


if __name__ == "__main__":
    sys.exit(main())
