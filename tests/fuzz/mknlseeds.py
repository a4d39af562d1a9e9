#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Write the seeds of fuzz_netlink.c: rtnetlink datagrams.

  tests/fuzz/mknlseeds.py OUTDIR [SAVED.bin...]

OUTDIR/kind-*.bin  hand-made RTM_NEWLINK messages for the kinds this
                   machine's kernel cannot create (vlan, gre, ip6gre, ipip,
                   sit, ip6tnl, geneve, vti, ppp) plus a DELLINK, a bridge
                   port notification, NLMSG_ERROR and a small dump
OUTDIR/real-*.bin  datagrams written by `ifinfo_watch --save DIR` (real
                   kernel output), cut at message boundaries into pieces
                   of at most 4096 octets (run.sh's -max_len)
"""
import os
import socket
import struct
import sys

RTM_NEWLINK, RTM_DELLINK = 16, 17
NLMSG_ERROR, NLMSG_DONE = 2, 3
NLM_F_MULTI = 2
AF_BRIDGE = 7
IFLA_IFNAME, IFLA_MTU, IFLA_LINK, IFLA_OPERSTATE = 3, 4, 5, 16
IFLA_LINKINFO, IFLA_IFALIAS, IFLA_LINK_NETNSID = 18, 20, 37
IFLA_INFO_KIND, IFLA_INFO_DATA = 1, 2
ARPHRD_ETHER, ARPHRD_PPP = 1, 512


def align(b):
    return b + b"\0" * (-len(b) % 4)


def attr(t, payload):
    return align(struct.pack("=HH", 4 + len(payload), t) + payload)


def u32(t, v):
    return attr(t, struct.pack("=I", v))


def strz(t, s):
    return attr(t, s.encode() + b"\0")


def in4(a):
    return socket.inet_pton(socket.AF_INET, a)


def in6(a):
    return socket.inet_pton(socket.AF_INET6, a)


def msg(mtype, payload, flags=0, seq=0, pid=0):
    return struct.pack("=IHHII", 16 + len(payload), mtype, flags, seq,
                       pid) + payload


def link(mtype, index, attrs=b"", family=0, arphrd=ARPHRD_ETHER, **kw):
    ifi = struct.pack("=BxHiII", family, arphrd, index, 1, 0)
    return msg(mtype, ifi + attrs, **kw)


def newlink(index, name, kind=None, data=b"", extra=b"", **kw):
    a = strz(IFLA_IFNAME, name) + u32(IFLA_MTU, 1500) + extra
    if kind:
        info = strz(IFLA_INFO_KIND, kind)
        if data:
            info += attr(IFLA_INFO_DATA, data)
        a += attr(IFLA_LINKINFO, info)
    return link(RTM_NEWLINK, index, a, **kw)


# IFLA_GRE_LINK 1, LOCAL 6, REMOTE 7; IFLA_IPTUN_LINK 1, LOCAL 2, REMOTE 3;
# IFLA_VTI_LINK 1, LOCAL 4, REMOTE 5; IFLA_GENEVE_REMOTE 2, REMOTE6 7
def gre(local, remote):
    return u32(1, 2) + attr(6, local) + attr(7, remote)


def iptun(local, remote):
    return u32(1, 2) + attr(2, local) + attr(3, remote)


def vti(local, remote):
    return u32(1, 2) + attr(4, local) + attr(5, remote)


PHYS = newlink(2, "ge0")
KINDS = {
    "vlan": newlink(10, "ge0.100", "vlan", u32(1, 100) + b"",
                    u32(IFLA_LINK, 2)),
    "gre": newlink(11, "gre1", "gre", gre(in4("192.0.2.1"),
                                          in4("198.51.100.1")),
                   u32(IFLA_LINK, 2)),
    "gretap": newlink(12, "gt1", "gretap", gre(in4("192.0.2.2"),
                                               in4("198.51.100.2"))),
    "ip6gre": newlink(13, "g6", "ip6gre", gre(in6("2001:db8::1"),
                                              in6("2001:db8::2"))),
    "ipip": newlink(14, "ipip1", "ipip", iptun(in4("192.0.2.3"),
                                               in4("198.51.100.3"))),
    "sit": newlink(15, "sit1", "sit", iptun(in4("192.0.2.4"),
                                            in4("198.51.100.4"))),
    "ip6tnl": newlink(16, "t6", "ip6tnl", iptun(in6("2001:db8::3"),
                                                in6("2001:db8::4"))),
    "geneve4": newlink(17, "gnv4", "geneve", attr(2, in4("203.0.113.9"))),
    "geneve6": newlink(18, "gnv6", "geneve", attr(7, in6("2001:db8::9"))),
    "vti": newlink(19, "vti1", "vti", vti(in4("192.0.2.5"),
                                          in4("198.51.100.5"))),
    "vti6": newlink(20, "vti6", "vti6", vti(in6("2001:db8::5"),
                                            in6("2001:db8::6"))),
    "ppp": newlink(21, "ppp0", "ppp", extra=strz(
        IFLA_IFALIAS, "customer 42 \u00e9t\u00e9"), arphrd=ARPHRD_PPP),
    "veth-netns": newlink(22, "veth9", "veth", extra=u32(IFLA_LINK, 2) +
                          u32(IFLA_LINK_NETNSID, 0)),
    "macvlan": newlink(23, "mv0", "macvlan", extra=u32(IFLA_LINK, 2)),
}


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)

    def write(name, data):
        with open(os.path.join(out, name + ".bin"), "wb") as f:
            f.write(data)

    for k, m in KINDS.items():
        write("kind-" + k, align(PHYS) + align(m))
    write("kind-del-rename", align(PHYS) + align(newlink(2, "wan0")) +
          align(link(RTM_DELLINK, 2)) +
          align(link(RTM_DELLINK, 2, family=AF_BRIDGE)) +
          align(newlink(2, "br-port", family=AF_BRIDGE)))
    write("kind-error", msg(NLMSG_ERROR, struct.pack("=i", -16) +
                            bytes(16), seq=7))
    dump = b"".join(align(newlink(i, "d%d" % i, flags=NLM_F_MULTI, seq=9))
                    for i in (1, 2, 5))
    write("kind-dump", dump + msg(NLMSG_DONE, struct.pack("=i", 0),
                                  flags=NLM_F_MULTI, seq=9))

    # real datagrams, cut at message boundaries
    for path in sys.argv[2:]:
        data = open(path, "rb").read()
        base = "real-" + os.path.basename(path).rsplit(".", 1)[0]
        piece, off, n = b"", 0, 0
        while off + 16 <= len(data):
            mlen = struct.unpack_from("=I", data, off)[0]
            if mlen < 16 or off + mlen > len(data):
                break
            m = data[off:off + (mlen + 3) // 4 * 4]
            if piece and len(piece) + len(m) > 4096:
                write("%s-%d" % (base, n), piece)
                piece, n = b"", n + 1
            piece += m
            off += (mlen + 3) // 4 * 4
        if piece:
            write("%s-%d" % (base, n) if n else base, piece)


if __name__ == "__main__":
    main()
