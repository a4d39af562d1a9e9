#!/usr/bin/python3
"""capcheck - which IPFIX datagrams of a capture a closed port refused.

usage: capcheck.py CAPTURE.pcap PORT [--json OUT.json]

CAPTURE is a libpcap capture (dumpcap -F pcap; Ethernet, Linux cooked or raw
IP) on the path to a UDP collector on PORT, with ICMP. Every IPv4/IPv6 UDP
datagram to PORT is an export message; an ICMP/ICMPv6 port unreachable that
quotes a datagram to PORT marks the message with the quoted sequence number
(RFC 7011 §3.1 header, offset 8) as refused: the collector was not running.
Templates are learnt from the whole capture. The delivered messages fall into
runs, one per life of the collector, separated by refused ones.

--json writes {"messages": N, "refused_messages", "refused_records" (flow
records, options excepted), "data_records", "runs": [{"messages",
"data_records", "before_templates" (messages of the run before the first
with a template set: options templates alone, as in a message of statistics,
let no flow record be decoded), "after_templates_records" (flow records from that message
on)}]}. Written from RFC 7011 and RFC 792/4443; independent of xflowd.
"""
import argparse
import json
import struct
import sys


def packets(path):
    with open(path, "rb") as f:
        gh = f.read(24)
        e = "<" if struct.unpack("<I", gh[:4])[0] in (0xa1b2c3d4, 0xa1b23c4d) else ">"
        lt = struct.unpack(e + "I", gh[20:24])[0]
        while True:
            h = f.read(16)
            if len(h) < 16:
                return
            _, _, cl, _ = struct.unpack(e + "IIII", h)
            d = f.read(cl)
            if lt == 1:
                et, d = struct.unpack("!H", d[12:14])[0], d[14:]
            elif lt == 113:
                et, d = struct.unpack("!H", d[14:16])[0], d[16:]
            else:
                et = 0x86dd if d and d[0] >> 4 == 6 else 0x800
            yield et, d


def ip_split(et, d):
    """-> (proto, payload) of an IPv4/IPv6 packet without extension headers."""
    if et == 0x800 and len(d) >= 20:
        return d[9], d[(d[0] & 15) * 4:]
    if et == 0x86dd and len(d) >= 40:
        return d[6], d[40:]
    return None, b""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("capture")
    ap.add_argument("port", type=int)
    ap.add_argument("--json")
    a = ap.parse_args()
    msgs = []  # [payload, refused]
    for et, d in packets(a.capture):
        proto, l4 = ip_split(et, d)
        if proto == 17 and len(l4) >= 8 and struct.unpack("!H", l4[2:4])[0] == a.port:
            msgs.append([l4[8:], False])
        elif proto in (1, 58) and len(l4) >= 8 and l4[0] == (3 if proto == 1 else 1) and \
                l4[1] == (3 if proto == 1 else 4):
            q_et = 0x800 if proto == 1 else 0x86dd
            qp, ql4 = ip_split(q_et, l4[8:])
            if qp == 17 and len(ql4) >= 8 + 12 and struct.unpack("!H", ql4[2:4])[0] == a.port:
                seq = struct.unpack("!I", ql4[16:20])[0]
                for m in reversed(msgs):
                    if not m[1] and len(m[0]) >= 12 and struct.unpack("!I", m[0][8:12])[0] == seq:
                        m[1] = True
                        break
    tmpl = {}
    for m, _ in msgs:
        for sid, body in sets(m):
            if sid in (2, 3):
                tmpl.update(parse_templates(sid, body))
    out = {"messages": len(msgs), "refused_messages": 0, "refused_records": 0, "data_records": 0, "runs": []}
    run = None
    for m, refused in msgs:
        nflows, has_t = 0, False
        for sid, body in sets(m):
            if sid == 2:
                has_t = True
            elif sid >= 256 and sid in tmpl:
                rl, opt = tmpl[sid]
                if rl and not opt:
                    nflows += len(body) // rl
        out["data_records"] += nflows
        if refused:
            out["refused_messages"] += 1
            out["refused_records"] += nflows
            run = None
            continue
        if run is None:
            run = {"messages": 0, "data_records": 0, "before_templates": None, "after_templates_records": 0}
            out["runs"].append(run)
        if has_t and run["before_templates"] is None:
            run["before_templates"] = run["messages"]
        if run["before_templates"] is not None:
            run["after_templates_records"] += nflows
        run["messages"] += 1
        run["data_records"] += nflows
    if a.json:
        json.dump(out, open(a.json, "w"), indent=1)
    print("capcheck: %d messages (%d refused, %d flow records in them), %d flow records; runs: %s"
          % (out["messages"], out["refused_messages"], out["refused_records"], out["data_records"],
             ", ".join("%d msgs/%d records (templates after %s)" % (r["messages"], r["data_records"],
                                                                   r["before_templates"]) for r in out["runs"])))
    return 0 if msgs else 1


def sets(m):
    if len(m) < 16 or struct.unpack("!H", m[:2])[0] != 10:
        return
    off, end = 16, min(len(m), struct.unpack("!H", m[2:4])[0])
    while off + 4 <= end:
        sid, slen = struct.unpack("!HH", m[off:off + 4])
        if slen < 4 or off + slen > end:
            return
        yield sid, m[off + 4:off + slen]
        off += slen


def parse_templates(sid, body):
    out, p = {}, 0
    while p + 4 <= len(body):
        tid, fc = struct.unpack("!HH", body[p:p + 4])
        if tid == 0:
            break
        q, rl = p + 4 + (2 if sid == 3 else 0), 0
        for _ in range(fc):
            ie, ln = struct.unpack("!HH", body[q:q + 4])
            q += 8 if ie & 0x8000 else 4
            rl += ln
        out[tid] = (rl, sid == 3)
        p = q
    return out


if __name__ == "__main__":
    sys.exit(main())
