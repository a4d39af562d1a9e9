#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Write the hand-made seeds of the fuzz harnesses.

  tests/fuzz/mkseeds.py [OUTDIR]   (default: tests/fuzz/corpus)

OUTDIR/parse/*.bin     one selector octet (index into the DLT list of
                       fuzz_parse.c), then a frame of that link type
OUTDIR/xfdecode/*.bin  messages for fuzz_xfdecode.c, each prefixed by a
                       2-octet big-endian length
"""
import os
import struct
import sys

# index of each DLT in fuzz_parse.c's dlts[]
SEL = {1: 0, 0: 1, 9: 2, 12: 3, 50: 4, 51: 5, 101: 6, 104: 7, 108: 8,
       113: 9, 228: 10, 229: 11, 276: 12}

SRC4, DST4 = bytes([192, 0, 2, 1]), bytes([198, 51, 100, 7])
SRC6 = bytes.fromhex("20010db8000000000000000000000001")
DST6 = bytes.fromhex("20010db8ff0000000000000000001234")
MACS = bytes.fromhex("001122334455") + bytes.fromhex("02aabbccddee")


def eth(ethertype, payload):
    return MACS + struct.pack(">H", ethertype) + payload


def vlan(tci, ethertype, payload):
    return struct.pack(">HH", tci, ethertype) + payload


def ipv4(proto, l4, ihl=5, frag=0, tos=0):
    opts = b"\x01" * ((ihl - 5) * 4)
    total = ihl * 4 + len(l4)
    hdr = struct.pack(">BBHHHBBH4s4s", 0x40 | ihl, tos, total, 0x1234,
                      frag, 64, proto, 0, SRC4, DST4)
    return hdr + opts + l4


def ipv6(nh, payload):
    return struct.pack(">IHBB16s16s", 0x60000000, len(payload), nh, 64,
                       SRC6, DST6) + payload


def ext(nh, length=8):
    return bytes([nh, length // 8 - 1]) + bytes(length - 2)


def tcp(sport=1234, dport=80, flags=0x18, data=b"hello"):
    return struct.pack(">HHIIBBHHH", sport, dport, 1, 0, 0x50, flags,
                       65535, 0, 0) + data


def udp(sport=5353, dport=53, data=b"\x00" * 12):
    return struct.pack(">HHHH", sport, dport, 8 + len(data), 0) + data


def icmp(t=8, c=0):
    return struct.pack(">BBHI", t, c, 0, 0x10002)


def parse_seeds():
    s = {}
    s["eth_ipv4_tcp"] = (1, eth(0x0800, ipv4(6, tcp())))
    s["eth_ipv4_udp_pad"] = (1, eth(0x0800, ipv4(17, udp(data=b""))) +
                             bytes(18))
    s["eth_ipv4_icmp"] = (1, eth(0x0800, ipv4(1, icmp())))
    s["eth_ipv4_sctp"] = (1, eth(0x0800, ipv4(132, bytes(12))))
    s["eth_ipv4_opts"] = (1, eth(0x0800, ipv4(6, tcp(), ihl=15)))
    s["eth_ipv4_frag2"] = (1, eth(0x0800, ipv4(17, b"xxxxxxxx", frag=185)))
    s["eth_qinq_ipv6"] = (1, eth(0x88a8, vlan(100, 0x8100, vlan(
        200, 0x86dd, ipv6(17, udp())))))
    s["eth_9100_stack"] = (1, eth(0x9100, vlan(1, 0x8100, vlan(
        2, 0x8100, vlan(3, 0x8100, vlan(4, 0x0800, ipv4(6, tcp())))))))
    s["eth_ipv6_exts"] = (1, eth(0x86dd, ipv6(0, ext(43) + ext(60, 16) +
                                              ext(51, 8) + ext(6, 8) +
                                              tcp())))
    s["eth_ipv6_frag"] = (1, eth(0x86dd, ipv6(44, bytes([17, 0, 0, 1]) +
                                              b"abcd" + udp())))
    s["eth_ipv6_frag2"] = (1, eth(0x86dd, ipv6(44, bytes([6, 0, 5, 0x90]) +
                                               b"abcd" + b"payload!")))
    s["eth_icmpv6"] = (1, eth(0x86dd, ipv6(58, icmp(128, 0))))
    ip = ipv4(6, tcp())
    s["eth_pppoe_ipv4"] = (1, eth(0x8864, struct.pack(
        ">BBHHH", 0x11, 0, 7, len(ip) + 2, 0x21) + ip))
    ip6 = ipv6(17, udp())
    s["eth_pppoe_ipv6"] = (1, eth(0x8864, struct.pack(
        ">BBHHH", 0x11, 0, 7, len(ip6) + 2, 0x57) + ip6))
    s["eth_arp"] = (1, eth(0x0806, bytes(28)))
    s["null_le_ipv4"] = (0, struct.pack("<I", 2) + ipv4(17, udp()))
    s["null_be_ipv6"] = (0, struct.pack(">I", 30) + ipv6(6, tcp()))
    s["loop_ipv6"] = (108, struct.pack(">I", 24) + ipv6(17, udp()))
    s["ppp_ff03"] = (9, b"\xff\x03\x00\x21" + ipv4(6, tcp()))
    s["ppp_pfc_v6"] = (9, b"\x57" + ipv6(17, udp()))
    s["ppp_ether"] = (51, struct.pack(">BBHHH", 0x11, 0, 7, 0, 0x21) +
                      ipv4(1, icmp()))
    s["raw_ipv4"] = (12, ipv4(17, udp()))
    s["raw101_ipv6"] = (101, ipv6(6, tcp()))
    s["chdlc"] = (104, b"\x0f\x00\x08\x00" + ipv4(6, tcp()))
    s["sll_ipv4"] = (113, struct.pack(">HHH8sH", 0, 1, 6, bytes(8), 0x0800) +
                     ipv4(6, tcp(flags=0x11)))
    s["sll2_ipv6"] = (276, struct.pack(">HHIHBB8s", 0x86dd, 0, 2, 1, 0, 6,
                                       bytes(8)) + ipv6(58, icmp(129)))
    s["ipv4_dlt"] = (228, ipv4(6, tcp(flags=0x04)))
    s["ipv6_dlt"] = (229, ipv6(60, ext(17) + udp()))
    return s


def ipfix_msg(sets, seq=0):
    body = b"".join(sets)
    return struct.pack(">HHIII", 10, 16 + len(body), 1700000000, seq,
                       1) + body


def v9_msg(sets, count, seq=0):
    body = b"".join(sets)
    return struct.pack(">HHIIII", 9, count, 1000, 1700000000, seq, 1) + body


def set_(sid, content, pad=False):
    if pad:
        content += bytes((4 - (4 + len(content)) % 4) % 4)
    return struct.pack(">HH", sid, 4 + len(content)) + content


# ipv4-five-tuple plus one enterprise element
FIELDS = [(10, 4), (61, 1), (8, 4), (12, 4), (4, 1), (7, 2), (11, 2),
          (22, 4), (21, 4), (1, 8), (2, 8), (82, 16)]


def tmpl_rec(tid, fields, pen_fields=()):
    b = struct.pack(">HH", tid, len(fields) + len(pen_fields))
    for i, l in fields:
        b += struct.pack(">HH", i, l)
    for i, l, pen in pen_fields:
        b += struct.pack(">HHI", i | 0x8000, l, pen)
    return b


def data_rec():
    return (struct.pack(">IB4s4sBHHIIQQ", 3, 0, SRC4, DST4, 6, 1234, 80,
                        1500, 3250, 1234, 5) + b"eth0".ljust(16, b"\0"))


def framed(*msgs):
    return b"".join(struct.pack(">H", len(m)) + m for m in msgs)


def xfdecode_seeds():
    s = {}
    t = set_(2, tmpl_rec(256, FIELDS, [(14, 4, 770)]))
    d = set_(256, data_rec() + b"\x00\x00\x00\x01")
    opt = set_(3, struct.pack(">HHH", 257, 2, 1) +
               struct.pack(">HHHH", 149, 4, 160, 8))
    optd = set_(257, struct.pack(">IQ", 1, 1700000000000))
    varlen = set_(2, tmpl_rec(258, [(82, 0xffff), (1, 8)]))
    vard = set_(258, b"\x04eth0" + bytes(8) + b"\xff\x00\x03abc" + bytes(8))
    withdraw = set_(2, struct.pack(">HH", 256, 0))
    s["ipfix_one"] = framed(ipfix_msg([t, opt, optd, d]))
    s["ipfix_split"] = framed(ipfix_msg([t]), ipfix_msg([d], 0),
                              ipfix_msg([withdraw, d], 1))
    s["ipfix_varlen"] = framed(ipfix_msg([varlen, vard]))
    t9 = set_(0, tmpl_rec(256, FIELDS), pad=True)
    d9 = set_(256, data_rec(), pad=True)
    o9 = set_(1, struct.pack(">HHH", 257, 4, 4) +
              struct.pack(">HHHH", 1, 4, 34, 4), pad=True)
    s["v9_one"] = framed(v9_msg([t9, d9], 2))
    s["v9_split"] = framed(v9_msg([t9, o9], 2), v9_msg([d9, d9], 2, 1))
    rec5 = (SRC4 + DST4 + bytes(4) + struct.pack(
        ">HHIIIIHHBBBBHHBBH", 3, 0, 5, 1234, 1500, 3250, 1234, 80, 0, 0x1b,
        6, 0, 0, 0, 0, 0, 0))
    v5 = struct.pack(">HHIIIIBBH", 5, 2, 3250, 1700000003, 0, 0, 0, 1,
                     0) + rec5 + rec5
    s["v5_two"] = framed(v5)
    return s


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "corpus")
    for sub, seeds in (("parse", parse_seeds()),
                       ("xfdecode", xfdecode_seeds())):
        os.makedirs(os.path.join(out, sub), exist_ok=True)
        for name, v in seeds.items():
            data = bytes([SEL[v[0]]]) + v[1] if sub == "parse" else v
            with open(os.path.join(out, sub, name + ".bin"), "wb") as f:
                f.write(data)


if __name__ == "__main__":
    main()
