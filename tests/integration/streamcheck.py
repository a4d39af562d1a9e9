#!/usr/bin/python3
"""streamcheck - IPFIX sequence numbers, gaps and record counts of an export.

usage: streamcheck.py PCAP [PCAP ...] [--records OUT.csv] [--json OUT.json]
                      [--templates-first] [--no-gaps] [--seq-from-zero]

Each PCAP (udpsink.py / tcpsink.py output) is one transport session: one UDP
collector, or one TCP connection. Written from RFC 7011, independent of
xflowd's code. Templates are learnt from the whole session first, so records
that arrived before any template (a collector started late) are counted too
("offline"), apart from those a collector could decode as they came
("online": after their template), and the messages that came before the
first one with templates ("before_templates"). Per session it reports messages, data and
options records, the sequence gaps (RFC 7011 §3.1: the sequence number is
the data records sent before the message; a message whose number is higher
than the previous one plus its records follows lost records) and whether the
first message carries the templates.

Checks (exit 1 on a failure): sequence numbers never go back; with
--no-gaps none is missing; with --seq-from-zero each session starts at 0;
with --templates-first the first message of each session holds every
template its data sets use, and an options record.
--json also sums the packets and octets of the flow records.
--records writes every flow record (src,dst,proto,sport,dport,packets,octets)
for compare.py. --json writes the totals and the per-session facts.
"""
import argparse
import csv
import ipaddress
import json
import struct
import sys

# the IEs a flow key and counters are read from
IE_NAMES = {8: "src", 12: "dst", 27: "src", 28: "dst", 4: "proto", 7: "sport", 11: "dport",
            2: "packets", 1: "octets", 86: "packets", 85: "octets"}


def read_pcap(path):
    out = []
    with open(path, "rb") as f:
        gh = f.read(24)
        if len(gh) < 24:
            return out
        e = "<" if struct.unpack("<I", gh[:4])[0] in (0xa1b2c3d4, 0xa1b23c4d) else ">"
        while True:
            h = f.read(16)
            if len(h) < 16:
                break
            _, _, caplen, _ = struct.unpack(e + "IIII", h)
            d = f.read(caplen)
            hl = 40 if d[0] >> 4 == 6 else (d[0] & 15) * 4
            out.append(d[hl + 8:])
    return out


def sets(m):
    off, end = 16, min(len(m), struct.unpack("!H", m[2:4])[0])
    while off + 4 <= end:
        sid, slen = struct.unpack("!HH", m[off:off + 4])
        if slen < 4 or off + slen > end:
            raise ValueError("set %d length %d runs past the message" % (sid, slen))
        yield sid, m[off + 4:off + slen]
        off += slen


def templates_of(m):
    """-> {tid: (fields, is_options)} defined in message m."""
    out = {}
    for sid, body in sets(m):
        if sid not in (2, 3):
            continue
        p = 0
        while p + 4 <= len(body):
            tid, fc = struct.unpack("!HH", body[p:p + 4])
            if tid == 0:
                break
            q = p + 4 + (2 if sid == 3 else 0)
            fl = []
            for _ in range(fc):
                ie, ln = struct.unpack("!HH", body[q:q + 4])
                q += 4
                if ie & 0x8000:
                    q += 4
                fl.append((ie & 0x7fff, ln))
            out[tid] = (fl, sid == 3)
            p = q
    return out


def decode(fl, b):
    rec, p = {}, 0
    for ie, ln in fl:
        v = b[p:p + ln]
        p += ln
        name = IE_NAMES.get(ie)
        if name in ("src", "dst"):
            rec[name] = str(ipaddress.ip_address(v))
        elif name:
            rec[name] = int.from_bytes(v, "big")
    return rec


def session(path, a, rows, errs):
    msgs = read_pcap(path)
    known = {}
    for m in msgs:
        known.update(templates_of(m))
    s = {"pcap": path, "messages": len(msgs), "data_records": 0, "options_records": 0, "online_records": 0,
         "gap_records": 0, "gaps": 0, "first_seq": None, "templates_first": False, "template_messages": 0,
         "before_templates": None, "packets": 0, "octets": 0}
    seen = {}
    expect = None
    for i, m in enumerate(msgs):
        if len(m) < 16 or struct.unpack("!H", m[:2])[0] != 10:
            errs.append("%s message %d: not IPFIX" % (path, i))
            continue
        seq = struct.unpack("!I", m[8:12])[0]
        if s["first_seq"] is None:
            s["first_seq"] = seq
        if expect is not None and seq != expect:
            d = (seq - expect) & 0xffffffff
            if d >= 1 << 31:
                errs.append("%s message %d: sequence %d goes back (expected %d)" % (path, i, seq, expect))
            else:
                s["gaps"] += 1
                s["gap_records"] += d
        here = templates_of(m)
        if here:
            s["template_messages"] += 1
            if s["before_templates"] is None:
                s["before_templates"] = i
        used, nrec = set(), 0
        for sid, body in sets(m):
            if sid < 256:
                continue
            used.add(sid)
            t = known.get(sid)
            if t is None:
                errs.append("%s message %d: data set %d has no template in the session" % (path, i, sid))
                continue
            fl, opt = t
            rl = sum(x[1] for x in fl)
            online = sid in seen or sid in here
            for p in range(0, len(body) - rl + 1, rl):
                nrec += 1
                if opt:
                    s["options_records"] += 1
                    continue
                s["data_records"] += 1
                if online:
                    s["online_records"] += 1
                r = decode(fl, body[p:p + rl])
                r.setdefault("sport", 0)
                r.setdefault("dport", 0)
                s["packets"] += r.get("packets", 0)
                s["octets"] += r.get("octets", 0)
                rows.append(r)
        if i == 0:
            s["templates_first"] = bool(here) and used <= set(here) and any(o for _, o in here.values())
        seen.update(here)
        expect = (seq + nrec) & 0xffffffff
    if a.templates_first and msgs and not s["templates_first"]:
        errs.append("%s: the first message does not carry the templates and options" % path)
    if a.no_gaps and s["gaps"]:
        errs.append("%s: %d sequence gaps, %d records missing" % (path, s["gaps"], s["gap_records"]))
    if a.seq_from_zero and s["first_seq"] not in (None, 0):
        errs.append("%s: the session starts at sequence %d, not 0" % (path, s["first_seq"]))
    return s


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("pcaps", nargs="+")
    ap.add_argument("--records")
    ap.add_argument("--json")
    ap.add_argument("--templates-first", action="store_true")
    ap.add_argument("--no-gaps", action="store_true")
    ap.add_argument("--seq-from-zero", action="store_true")
    a = ap.parse_args()
    rows, errs, sess = [], [], []
    for p in a.pcaps:
        try:
            sess.append(session(p, a, rows, errs))
        except (ValueError, struct.error, IndexError) as e:
            errs.append("%s: %s" % (p, e))
    tot = {k: sum(s[k] for s in sess) for k in ("messages", "data_records", "options_records",
                                                 "online_records", "gap_records", "gaps", "packets",
                                                 "octets")}
    tot["sessions"] = sess
    if a.records:
        with open(a.records, "w", newline="") as f:
            w = csv.DictWriter(f, ["src", "dst", "proto", "sport", "dport", "packets", "octets"],
                               extrasaction="ignore", lineterminator="\n")
            w.writeheader()
            w.writerows(rows)
    if a.json:
        with open(a.json, "w") as f:
            json.dump(tot, f, indent=1)
    print("streamcheck: %d sessions, %d messages, %d data records (%d decodable as they came), "
          "%d options records, %d gaps of %d records; %d problems"
          % (len(sess), tot["messages"], tot["data_records"], tot["online_records"], tot["options_records"],
             tot["gaps"], tot["gap_records"], len(errs)))
    for e in errs[:20]:
        print("  " + e)
    return 1 if errs else 0


if __name__ == "__main__":
    sys.exit(main())
