#!/usr/bin/python3
"""Recount a (small) pcap with tshark and compare it with a truth CSV.

usage: pcaptruth.py FILE.pcap TRUTH.csv [--malformed TRUTH.malformed.csv]

An independent check of tools/xfgen.py: tshark decodes every packet (IP
reassembly off), the flows are rebuilt per key (src, dst, proto, sport, dport)
with the truth conventions (IP-layer octets; ICMP dport = type*256+code;
non-first fragments with ports 0), and packets, octets, first/last ns, TCP
flags and VLAN tags are compared with the truth CSV. Packets of the truth's
malformed list (addresses in 100.64.0.0/10 and 2001:db8:bad::/48, or frames
without IP) are counted apart. Exit 0 when everything matches.
"""
import argparse
import csv
import ipaddress
import subprocess
import sys
from collections import defaultdict

FIELDS = ["frame.protocols", "frame.time_epoch", "ip.len", "ip.src", "ip.dst", "ip.proto", "ip.frag_offset",
          "ipv6.src", "ipv6.dst", "ipv6.plen", "ipv6.fraghdr.offset", "ipv6.fraghdr.nxt",
          "tcp.srcport", "tcp.dstport", "tcp.flags", "udp.srcport", "udp.dstport", "sctp.srcport",
          "sctp.dstport", "icmp.type", "icmp.code", "icmpv6.type", "icmpv6.code", "vlan.id", "ieee8021ad.id",
          "ip.version", "frame.cap_len", "frame.len"]
BAD_NETS = [ipaddress.ip_network("100.64.0.0/10"), ipaddress.ip_network("2001:db8:bad::/48")]


def ns_of(epoch):
    sec, _, frac = epoch.partition(".")
    return int(sec) * 10**9 + int((frac + "000000000")[:9])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("pcap")
    ap.add_argument("truth")
    a = ap.parse_args()
    cmd = ["tshark", "-n", "-r", a.pcap, "-o", "ip.defragment:FALSE", "-o", "ipv6.defragment:FALSE",
           "-o", "ip.check_checksum:FALSE", "-T", "fields", "-E", "separator=/t", "-E", "occurrence=a",
           "-E", "aggregator=;"]
    for f in FIELDS:
        cmd += ["-e", f]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    got = defaultdict(lambda: [0, 0, None, None, 0, None])
    other = defaultdict(int)
    for line in out.splitlines():
        v = dict(zip(FIELDS, line.split("\t")))
        protos = v["frame.protocols"].split(":")
        ts = ns_of(v["frame.time_epoch"])
        if "ip" in protos and ("ipv6" not in protos or protos.index("ip") < protos.index("ipv6")):
            ver = 4
        elif "ipv6" in protos:
            ver = 6
        else:
            other["non_ip"] += 1
            continue
        try:
            if ver == 4:
                src, dst = v["ip.src"].split(";")[0], v["ip.dst"].split(";")[0]
                proto, octets = int(v["ip.proto"].split(";")[0]), int(v["ip.len"].split(";")[0])
                nonfirst = int(v["ip.frag_offset"].split(";")[0] or 0) > 0
            else:
                src, dst = v["ipv6.src"].split(";")[0], v["ipv6.dst"].split(";")[0]
                octets = int(v["ipv6.plen"].split(";")[0]) + 40
                nonfirst = bool(v["ipv6.fraghdr.offset"]) and int(v["ipv6.fraghdr.offset"].split(";")[0]) > 0
                proto = int(v["ipv6.fraghdr.nxt"].split(";")[0]) if nonfirst else None
        except ValueError:
            other["undecodable"] += 1
            continue
        try:
            bad_src = any(ipaddress.ip_address(src) in n for n in BAD_NETS)
        except ValueError:
            other["undecodable"] += 1
            continue
        if bad_src:
            other["malformed_marked"] += 1
            continue
        sport = dport = flags = 0
        if not nonfirst:
            l4 = [p for p in protos if p in ("tcp", "udp", "sctp", "icmp", "icmpv6")]
            l4 = l4[0] if l4 else None
            if l4 in ("tcp", "udp", "sctp"):
                sport, dport = int(v[l4 + ".srcport"].split(";")[0]), int(v[l4 + ".dstport"].split(";")[0])
                if l4 == "tcp":
                    flags = int(v["tcp.flags"].split(";")[0], 16) & 0xff
            elif l4 in ("icmp", "icmpv6"):
                dport = int(v[l4 + ".type"].split(";")[0]) * 256 + int(v[l4 + ".code"].split(";")[0])
            if proto is None:
                proto = {"tcp": 6, "udp": 17, "sctp": 132, "icmpv6": 58, "icmp": 1}.get(l4)
                if proto is None:
                    other["v6_unknown_transport"] += 1
                    continue
        outer = v["ieee8021ad.id"].split(";") if v["ieee8021ad.id"] else []
        inner = v["vlan.id"].split(";") if v["vlan.id"] else []
        vlan = ".".join(outer + inner)
        k = (ipaddress.ip_address(src), ipaddress.ip_address(dst), proto, sport, dport)
        e = got[k]
        e[0] += 1
        e[1] += octets
        e[2] = ts if e[2] is None else min(e[2], ts)
        e[3] = ts if e[3] is None else max(e[3], ts)
        e[4] |= flags
        if e[5] is None:
            e[5] = vlan
        elif e[5] != vlan:
            e[5] = "MIXED"
    want = {}
    for r in csv.DictReader(open(a.truth)):
        k = (ipaddress.ip_address(r["src"]), ipaddress.ip_address(r["dst"]), int(r["proto"]), int(r["sport"]),
             int(r["dport"]))
        if k in want:
            print("duplicate truth key", k)
            return 1
        want[k] = [int(r["packets"]), int(r["octets"]), int(r["first_ns"]), int(r["last_ns"]), int(r["tcp_flags"]),
                   r["vlan"]]
    bad = sorted((k for k in set(want) | set(got) if want.get(k) != (list(got[k]) if k in got else None)), key=str)
    print("pcaptruth: tshark %d keys, truth %d keys, mismatching %d; packets %d vs %d; other: %s"
          % (len(got), len(want), len(bad), sum(x[0] for x in got.values()), sum(x[0] for x in want.values()),
             dict(other)))
    for k in bad[:20]:
        print("   ", tuple(map(str, k)), "tshark", got.get(k), "truth", want.get(k))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
