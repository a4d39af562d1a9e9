#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Write the seeds of fuzz_route.c: rtnetlink route datagrams.

  tests/fuzz/mkrtseeds.py OUTDIR [--live]

OUTDIR/rt-*.bin    hand-made messages: IPv4 and IPv6 routes (default,
                   gateway, connected, host), a multipath route with a dead
                   first hop, an IPv4 route via an IPv6 gateway (RTA_VIA),
                   routes of other tables and types, deletes, a link going
                   down and one deleted, an address deleted, NLMSG_ERROR
                   and a small dump ending in NLMSG_DONE
OUTDIR/real-*.bin  with --live: the replies of an RTM_GETROUTE dump of the
                   namespace this runs in (real kernel output), cut at
                   message boundaries into pieces of at most 4096 octets
                   (tests/fuzz/run.sh's -max_len)
"""
import os
import socket
import struct
import sys

RTM_NEWLINK, RTM_DELLINK, RTM_DELADDR = 16, 17, 21
RTM_NEWROUTE, RTM_DELROUTE, RTM_GETROUTE = 24, 25, 26
NLMSG_ERROR, NLMSG_DONE = 2, 3
NLM_F_REQUEST, NLM_F_MULTI, NLM_F_DUMP = 1, 2, 0x300
NLM_F_REPLACE, NLM_F_APPEND = 0x100, 0x800
RTA_DST, RTA_OIF, RTA_GATEWAY, RTA_PRIORITY = 1, 4, 5, 6
RTA_PREFSRC, RTA_MULTIPATH, RTA_TABLE, RTA_VIA = 7, 9, 15, 18
RTN_UNICAST, RTN_LOCAL, RTN_BLACKHOLE = 1, 2, 6
RT_TABLE_MAIN, RT_TABLE_LOCAL = 254, 255
RTNH_F_DEAD = 1
IFLA_IFNAME = 3
IFA_ADDRESS, IFA_LOCAL = 1, 2
AF_INET, AF_INET6 = socket.AF_INET, socket.AF_INET6


def align(b):
    return b + b"\0" * (-len(b) % 4)


def attr(t, payload):
    return align(struct.pack("=HH", 4 + len(payload), t) + payload)


def u32(t, v):
    return attr(t, struct.pack("=I", v))


def inaddr(a):
    return socket.inet_pton(AF_INET6 if ":" in a else AF_INET, a)


def msg(mtype, payload, flags=0, seq=0, pid=0):
    return align(struct.pack("=IHHII", 16 + len(payload), mtype, flags, seq,
                             pid) + payload)


def route(dst=None, gw=None, oif=0, family=None, mtype=RTM_NEWROUTE,
          table=RT_TABLE_MAIN, rtype=RTN_UNICAST, metric=None, extra=b"",
          **kw):
    """dst "10.0.0.0/8" or None (default route)"""
    if family is None:
        family = AF_INET6 if ":" in (dst or gw or "") else AF_INET
    plen, a = 0, b""
    if dst:
        addr, plen = dst.split("/")
        plen = int(plen)
        a += attr(RTA_DST, inaddr(addr))
    if metric is not None:
        a += u32(RTA_PRIORITY, metric)
    if gw:
        a += attr(RTA_GATEWAY, inaddr(gw))
    if oif:
        a += u32(RTA_OIF, oif)
    a += u32(RTA_TABLE, table) + extra
    rtm = struct.pack("=BBBBBBBBI", family, plen, 0, 0, min(table, 255), 4,
                      0, rtype, 0)
    return msg(mtype, rtm + a, **kw)


def multipath(hops):
    """hops: (ifindex, gateway or None, flags)"""
    out = b""
    for oif, gw, flags in hops:
        a = attr(RTA_GATEWAY, inaddr(gw)) if gw else b""
        out += align(struct.pack("=HBBi", 8 + len(a), flags, 0, oif) + a)
    return attr(RTA_MULTIPATH, out)


def link(mtype, index, up):
    ifi = struct.pack("=BxHiII", 0, 1, index, 1 if up else 0, 0)
    return msg(mtype, ifi + attr(IFLA_IFNAME, b"eth%d\0" % index))


def deladdr(index, local):
    ifa = struct.pack("=BBBBI", AF_INET, 24, 0, 0, index)
    return msg(RTM_DELADDR, ifa + attr(IFA_ADDRESS, inaddr(local)) +
               attr(IFA_LOCAL, inaddr(local)))


SEEDS = {
    "v4-basic": route(gw="192.0.2.1", oif=2, metric=100) +
    route("198.51.0.0/16", "10.1.0.1", 3) + route("198.51.100.0/24", oif=4) +
    route("198.51.100.77/32", "10.2.0.1", 5),
    "v6-basic": route(gw="fe80::1", oif=2, family=AF_INET6, metric=1024) +
    route("2001:db8::/32", "fe80::2", 3) + route("2001:db8:1::/48", oif=4) +
    route("2001:db8:1::42/128", "2001:db8:1::1", 5),
    "multipath": route("10.20.0.0/16", extra=multipath(
        [(7, "10.7.0.1", RTNH_F_DEAD), (8, "10.8.0.1", 0), (9, None, 0)])) +
    route("2001:db8:7::/48", extra=multipath(
        [(7, "fe80::7", 0), (8, "fe80::8", 0)])),
    "via": route("10.30.0.0/16", oif=3, extra=attr(
        RTA_VIA, struct.pack("=H", AF_INET6) + inaddr("fe80::30"))),
    "not-main": route("10.40.0.0/16", oif=2, table=RT_TABLE_LOCAL,
                      rtype=RTN_LOCAL) +
    route("10.41.0.0/16", oif=2, table=100) +
    route("10.43.0.0/16", rtype=RTN_BLACKHOLE),
    "replace-append-del": route("10.50.0.0/16", "10.5.0.1", 5) +
    route("10.50.0.0/16", "10.5.0.9", 5, flags=NLM_F_REPLACE) +
    route("10.50.0.0/16", "10.5.0.8", 5, flags=NLM_F_APPEND) +
    route("10.50.0.0/16", "10.5.0.9", 5, mtype=RTM_DELROUTE) +
    route("10.1.0.0/16", oif=3, mtype=RTM_DELROUTE),
    "flushes": route("10.60.0.0/16", "10.5.0.1", 5, extra=attr(
        RTA_PREFSRC, inaddr("10.5.0.2"))) + link(RTM_NEWLINK, 3, False) +
    link(RTM_NEWLINK, 5, True) + link(RTM_DELLINK, 2, False) +
    deladdr(4, "10.1.2.1") + deladdr(5, "10.5.0.2"),
    "error": msg(NLMSG_ERROR, struct.pack("=i", -16) + bytes(16), seq=7),
    "dump": route("10.70.0.0/16", oif=2, flags=NLM_F_MULTI, seq=9) +
    route("2001:db8:70::/48", oif=2, flags=NLM_F_MULTI, seq=9) +
    msg(NLMSG_DONE, struct.pack("=i", 0), flags=NLM_F_MULTI, seq=9),
}


def live_dump():
    """The datagrams of an RTM_GETROUTE dump of this namespace."""
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0)
    s.bind((0, 0))
    req = msg(RTM_GETROUTE, struct.pack("=BBBBBBBBI", 0, 0, 0, 0, 0, 0, 0,
                                        0, 0),
              flags=NLM_F_REQUEST | NLM_F_DUMP, seq=1)
    s.send(req)
    out, done = [], False
    while not done:
        d = s.recv(65536)
        out.append(d)
        off = 0
        while off + 16 <= len(d):
            mlen, mtype = struct.unpack_from("=IH", d, off)
            if mtype in (NLMSG_DONE, NLMSG_ERROR) or mlen < 16:
                done = True
                break
            off += (mlen + 3) // 4 * 4
    s.close()
    return out


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)

    def write(name, data):
        with open(os.path.join(out, name + ".bin"), "wb") as f:
            f.write(data)

    for k, m in SEEDS.items():
        write("rt-" + k, m)
    if "--live" not in sys.argv[2:]:
        return
    # real datagrams, cut at message boundaries
    for i, data in enumerate(live_dump()):
        piece, off, n = b"", 0, 0
        while off + 16 <= len(data):
            mlen = struct.unpack_from("=I", data, off)[0]
            if mlen < 16 or off + mlen > len(data):
                break
            m = data[off:off + (mlen + 3) // 4 * 4]
            if piece and len(piece) + len(m) > 4096:
                write("real-%d-%d" % (i, n), piece)
                piece, n = b"", n + 1
            piece += m
            off += (mlen + 3) // 4 * 4
        if piece:
            write("real-%d-%d" % (i, n), piece)


if __name__ == "__main__":
    main()
