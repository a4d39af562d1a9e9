#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Write crafted pcapng seeds for fuzz_pcapng.

  tests/fuzz/pcapng_seeds.py OUTDIR

crafted-le.pcapng, crafted-be.pcapng: a section in one byte order with an
Ethernet interface (if_name, if_description) and a raw-IP one (if_tsresol
10^-9, if_tsoffset), a name resolution block, EPBs on both, an SPB, an
obsolete Packet Block, an interface statistics and a custom block; then a
section in the other byte order with an IEEE 802.11 interface (not
meterable) and an Ethernet one with if_tsresol 2^-20.
"""
import struct
import sys

SHB, IDB, PB, SPB, NRB, ISB, EPB, CUSTOM = (0x0A0D0D0A, 1, 2, 3, 4, 5, 6,
                                            0xBAD)


def blk(e, btype, body):
    body += bytes(-len(body) % 4)
    n = len(body) + 12
    return struct.pack(e + "II", btype, n) + body + struct.pack(e + "I", n)


def opt(e, code, val):
    return struct.pack(e + "HH", code, len(val)) + val + bytes(-len(val) % 4)


def shb(e):
    return blk(e, SHB, struct.pack(e + "IHHq", 0x1A2B3C4D, 1, 0, -1))


def idb(e, linktype, name, opts=b""):
    return blk(e, IDB, struct.pack(e + "HHI", linktype, 0, 0) +
               opt(e, 2, name) + opts + opt(e, 0, b""))


def epb(e, ifid, units, data):
    return blk(e, EPB, struct.pack(e + "IIIII", ifid, units >> 32,
                                   units & 0xffffffff, len(data), len(data))
               + data)


def section_pair(e):
    o = "<" if e == ">" else ">"
    ip = bytes.fromhex("4500001c00010000401100000a0000010a000002"
                       "03e807d000080000")
    eth = bytes.fromhex("0200000000020200000000010800") + ip
    t = 1700000000 * 10**6
    f = shb(e)
    f += idb(e, 1, b"ge0", opt(e, 3, b"uplink"))
    f += idb(e, 101, b"vlan100", opt(e, 9, b"\x09") +
             opt(e, 14, struct.pack(e + "q", -3600)))
    f += blk(e, NRB, bytes(8))
    f += epb(e, 0, t, eth) + epb(e, 1, t * 1000, ip)
    f += blk(e, SPB, struct.pack(e + "I", len(eth)) + eth)
    f += blk(e, PB, struct.pack(e + "HHIIII", 1, 0, 0, 5, len(ip), len(ip))
             + ip)
    f += blk(e, ISB, bytes(16)) + blk(e, CUSTOM, bytes(4))
    f += shb(o) + idb(o, 105, b"wlan0")
    f += idb(o, 1, b"eth1", opt(o, 9, b"\x94"))
    f += epb(o, 1, (t // 10**6) << 20, eth) + epb(o, 0, t, eth)
    return f


def main():
    out = sys.argv[1]
    for e, name in (("<", "le"), (">", "be")):
        with open("%s/crafted-%s.pcapng" % (out, name), "wb") as f:
            f.write(section_pair(e))


if __name__ == "__main__":
    main()
