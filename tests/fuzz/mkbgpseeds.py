#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Write the seeds of fuzz_bgp.c: streams of BGP messages.

  tests/fuzz/mkbgpseeds.py OUTDIR

Each seed is one octet (bit 0: the session speaks 4-octet ASes) and a
sequence of messages: an OPEN with capabilities, IPv4 UPDATEs with
NEXT_HOP, AS_PATH (2- and 4-octet, AS_SET, confederations) and AS4_PATH,
MP_REACH/MP_UNREACH for IPv6, End-of-RIB for both families, withdrawals,
ROUTE-REFRESH, KEEPALIVE and NOTIFICATION.
"""
import os
import struct
import sys


def msg(typ, body):
    return b"\xff" * 16 + struct.pack("!HB", 19 + len(body), typ) + body


def attr(flags, typ, val):
    if len(val) > 255:
        return struct.pack("!BBH", flags | 0x10, typ, len(val)) + val
    return struct.pack("!BBB", flags, typ, len(val)) + val


def path(asns, four, seg=2):
    fmt = "!I" if four else "!H"
    return struct.pack("!BB", seg, len(asns)) + b"".join(
        struct.pack(fmt, a) for a in asns)


def prefix(length, addr):
    return bytes([length]) + addr[:(length + 7) // 8]


def update(withdrawn=b"", attrs=b"", nlri=b""):
    return msg(2, struct.pack("!H", len(withdrawn)) + withdrawn +
               struct.pack("!H", len(attrs)) + attrs + nlri)


def open_msg(as4):
    caps = b"\x01\x04\x00\x01\x00\x01" + b"\x01\x04\x00\x02\x00\x01"
    caps += b"\x02\x00" + b"\x40\x02\x00\x78"
    if as4:
        caps += b"\x41\x04" + struct.pack("!I", 4200000000)
    params = b"\x02" + bytes([len(caps)]) + caps
    return msg(1, struct.pack("!BHHIB", 4, 23456 if as4 else 65010, 90,
                              0x0a000001, len(params)) + params)


V6 = bytes.fromhex("20010db8000000000000000000000001")


def seeds():
    for four in (False, True):
        base = attr(0x40, 1, b"\x00") + attr(
            0x40, 2, path([65010, 65020, 65030], four)) + attr(
                0x40, 3, bytes([10, 0, 0, 1]))
        n4 = prefix(24, bytes([198, 51, 100])) + prefix(
            16, bytes([10, 1])) + prefix(32, bytes([192, 0, 2, 7]))
        mp = attr(0x80, 14, struct.pack("!HBB", 2, 1, 16) + V6 + b"\x00" +
                  prefix(48, V6) + prefix(64, V6))
        v6 = attr(0x40, 1, b"\x00") + attr(
            0x40, 2, path([65010], four)) + mp
        eor6 = attr(0x80, 15, struct.pack("!HB", 2, 1))
        unreach6 = attr(0x80, 15, struct.pack("!HB", 2, 1) + prefix(48, V6))
        s = open_msg(four) + msg(4, b"") + update(attrs=base, nlri=n4)
        s += update(attrs=v6) + update() + update(attrs=eor6)
        s += update(withdrawn=prefix(16, bytes([10, 1]))) + update(
            attrs=unreach6)
        s += msg(5, b"\x00\x02\x00\x01") + msg(3, b"\x06\x02")
        yield ("stream%d" % four, bytes([four]) + s)
        sets = attr(0x40, 1, b"\x01") + attr(
            0x40, 2, path([65010], four) + path([1, 2, 3], four, 1) +
            path([64512], four, 3)) + attr(0x40, 3, bytes([10, 0, 0, 2]))
        sets += attr(0xc0, 7, b"\x00" * (8 if four else 6))
        yield ("sets%d" % four, bytes([four]) + update(attrs=sets, nlri=n4))
    as4 = attr(0x40, 1, b"\x00") + attr(
        0x40, 2, path([65010, 23456], False)) + attr(
            0x40, 3, bytes([10, 0, 0, 1])) + attr(
                0xc0, 17, path([4200000000], True))
    yield ("as4path", b"\x00" + update(attrs=as4, nlri=prefix(8, b"\x0b")))
    bad = attr(0x40, 1, b"\x05") + attr(0x40, 3, bytes([10, 0, 0, 1]))
    yield ("withdraw", b"\x01" + update(attrs=bad, nlri=prefix(8, b"\x0b")))


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for name, data in seeds():
        with open(os.path.join(out, "bgp-%s.bin" % name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
