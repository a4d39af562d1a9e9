#!/usr/bin/python3
"""pcap2ng - copy a pcap into a pcapng whose one interface has a name and a
description (if_name, if_description), nanosecond timestamps (if_tsresol 9).

usage: pcap2ng.py IN.pcap OUT.pcapng NAME [DESCRIPTION]

xflowd reads interfaceName from if_name and, for a PPP session interface
(a name starting with "ppp"), the session from if_description (see the
README: pppac). Pure Python, no dependency.
"""
import struct
import sys


def blk(btype, body):
    body += bytes(-len(body) % 4)
    return struct.pack("<II", btype, len(body) + 12) + body + struct.pack("<I", len(body) + 12)


def opt(code, val):
    return struct.pack("<HH", code, len(val)) + val + bytes(-len(val) % 4)


def main():
    if len(sys.argv) not in (4, 5):
        sys.exit(__doc__)
    src, dst, name = sys.argv[1:4]
    descr = sys.argv[4] if len(sys.argv) == 5 else ""
    d = open(src, "rb").read()
    magic = struct.unpack("<I", d[:4])[0]
    e = "<" if magic in (0xa1b2c3d4, 0xa1b23c4d) else ">"
    nano = struct.unpack(e + "I", d[:4])[0] == 0xa1b23c4d
    linktype = struct.unpack(e + "I", d[20:24])[0] & 0x0fffffff
    out = [blk(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))]
    opts = opt(2, name.encode()) + opt(9, b"\x09")
    if descr:
        opts += opt(3, descr.encode())
    out.append(blk(1, struct.pack("<HHI", linktype, 0, 0) + opts + opt(0, b"")))
    pos = 24
    while pos + 16 <= len(d):
        s, frac, cl, ol = struct.unpack(e + "IIII", d[pos:pos + 16])
        ts = s * 10**9 + (frac if nano else frac * 1000)
        data = d[pos + 16:pos + 16 + cl]
        out.append(blk(6, struct.pack("<IIIII", 0, ts >> 32, ts & 0xffffffff, cl, ol) + data))
        pos += 16 + cl
    open(dst, "wb").write(b"".join(out))


if __name__ == "__main__":
    main()
