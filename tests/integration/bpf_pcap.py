#!/usr/bin/python3
"""bpf_pcap.py - pcap helpers for the AF_XDP/eBPF live tests.

usage:
  bpf_pcap.py route IN.pcap TRUTH.csv OUT.pcap OUT.csv DMAC
      keep the untagged IPv4/IPv6 Ethernet frames (what a router forwards),
      set their destination MAC to DMAC (the router's), and keep the truth
      rows of untagged flows
  bpf_pcap.py arrived SENT.pcap GOT.pcap
      every IP packet of SENT arrived in GOT byte for byte, but for what a
      router changes (TTL / hop limit, IPv4 header checksum, the IPv4
      options it fills in: record route, timestamp) and the link header; GOT's other packets (not from SENT's sources) are ignored.
      Exit 0 when the multisets are equal.
"""
import csv
import struct
import sys
from collections import Counter


def read_pcap(path):
    """(header, [(rec_header, frame)]) of a classic pcap, any byte order."""
    data = open(path, "rb").read()
    magic = struct.unpack("<I", data[:4])[0]
    e = "<" if magic in (0xa1b2c3d4, 0xa1b23c4d) else ">"
    link = struct.unpack(e + "I", data[20:24])[0]
    out, off = [], 24
    while off + 16 <= len(data):
        rec = data[off:off + 16]
        incl = struct.unpack(e + "IIII", rec)[2]
        out.append((rec, data[off + 16:off + 16 + incl]))
        off += 16 + incl
    return data[:24], e, link, out


def ip_of(frame, link):
    """The IP packet in a frame (Ethernet, or raw/LINUX_SLL from dumpcap)."""
    if link == 1:
        if len(frame) < 14 or frame[12:14] not in (b"\x08\x00", b"\x86\xdd"):
            return None
        p = frame[14:]
    elif link == 113:
        p = frame[16:]
    elif link in (12, 101):
        p = frame
    else:
        return None
    if len(p) >= 20 and p[0] >> 4 == 4:
        return p[:struct.unpack(">H", p[2:4])[0]]
    if len(p) >= 40 and p[0] >> 4 == 6:
        return p[:40 + struct.unpack(">H", p[4:6])[0]]
    return None


def normal(ip):
    b = bytearray(ip)
    if b[0] >> 4 == 4:
        b[8] = 0
        b[10:12] = b"\0\0"
        # options a router fills in (record route, timestamp)
        b[20:(b[0] & 15) * 4] = bytes(max(0, (b[0] & 15) * 4 - 20))
    else:
        b[7] = 0
    return bytes(b)


def source(ip):
    return ip[12:16] if ip[0] >> 4 == 4 else ip[8:24]


def route(a):
    src, truth, out, out_truth, dmac = a
    mac = bytes(int(x, 16) for x in dmac.split(":"))
    hdr, _, link, recs = read_pcap(src)
    if link != 1:
        sys.exit("route: %s is not Ethernet" % src)
    kept = 0
    with open(out, "wb") as f:
        f.write(hdr)
        for rec, fr in recs:
            if len(fr) >= 14 and fr[12:14] in (b"\x08\x00", b"\x86\xdd"):
                f.write(rec + mac + fr[6:])
                kept += 1
    rows = list(csv.DictReader(open(truth)))
    with open(out_truth, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0].keys()))
        w.writeheader()
        w.writerows(r for r in rows if not r.get("vlan"))
    print("route: %d of %d frames, %d of %d flows" % (kept, len(recs), sum(1 for r in rows if not r.get("vlan")),
                                                      len(rows)))


def arrived(a):
    _, _, ls, sent = read_pcap(a[0])
    _, _, lg, got = read_pcap(a[1])
    want = Counter()
    srcs = set()
    for _, fr in sent:
        ip = ip_of(fr, ls)
        if ip is not None:
            want[normal(ip)] += 1
            srcs.add(source(ip))
    have = Counter()
    other = 0
    for _, fr in got:
        ip = ip_of(fr, lg)
        if ip is None or source(ip) not in srcs:
            other += 1
            continue
        have[normal(ip)] += 1
    missing = want - have
    extra = have - want
    print("arrived: %d of %d IP packets (%d octets) byte for byte; missing %d, altered/extra %d; other traffic %d"
          % (sum((want & have).values()), sum(want.values()), sum(len(k) * n for k, n in (want & have).items()),
             sum(missing.values()), sum(extra.values()), other))
    return 1 if missing or extra else 0


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "route" and len(sys.argv) == 7:
        route(sys.argv[2:])
        sys.exit(0)
    if len(sys.argv) == 4 and sys.argv[1] == "arrived":
        sys.exit(arrived(sys.argv[2:]))
    sys.exit(__doc__)
