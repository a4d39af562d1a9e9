#!/usr/bin/python3
"""tunneltruth.py - recount an xfgen `tunnels` (or `mixed`) pcap with tshark and compare with its truth.

usage: tunneltruth.py FILE.pcap TRUTH.csv [--coverage]

An independent check of tools/xfgen.py's tunnel truth: tshark decodes every
frame (GRE, IP-in-IP, L2TPv2 on UDP 1701 with PPP, L2TPv3 over IP with an
Ethernet pseudowire, VXLAN, GENEVE, PPPoE, ESP), the outermost IP header gives
the outer key and outer_octets, the innermost IP header and its transport give
the flow key and octets, the last Ethernet header gives smac/dmac, and the
encap name follows from the protocols between the two IP headers. Per flow key
every truth column is compared: encap, vlan, outer_ver..outer_dport, packets,
octets, outer_octets, first_ns, last_ns, tcp_flags and, when the truth has them,
smac, dmac, ethertype. --coverage also requires every encap, every GRE flag
combination (C, K, S), every L2TPv2 data option combination (L, S, O) with and
without PPP address/control, L2TP control messages of both versions, GENEVE
with and without options and with each protocol type, and VLAN and QinQ outer
frames. --write-records OUT.csv writes what tshark saw as a records CSV for
compare.py (src,dst,proto,sport,dport,packets,octets,tun_src,tun_dst,smac,dmac,
ethertype; --outer-records: per outer key with outer octets), i.e. what a
correct exporter with the tunnel or seven-tuple template (or without
decapsulation) reports. Exit 0 when everything matches.
"""
import argparse
import csv
import ipaddress
import subprocess
import sys
from collections import defaultdict

FIELDS = ["frame.protocols", "frame.time_epoch", "eth.src", "eth.dst", "vlan.id", "ieee8021ad.id",
          "ip.src", "ip.dst", "ip.proto", "ip.len", "ip.frag_offset",
          "ipv6.src", "ipv6.dst", "ipv6.nxt", "ipv6.plen", "ipv6.fraghdr.offset", "ipv6.fraghdr.nxt",
          "tcp.srcport", "tcp.dstport", "tcp.flags", "udp.srcport", "udp.dstport", "sctp.srcport", "sctp.dstport",
          "icmp.type", "icmp.code", "icmpv6.type", "icmpv6.code",
          "gre.flags_and_version", "l2tp.type", "l2tp.version", "l2tp.length_bit", "l2tp.seq_bit",
          "l2tp.offset_bit", "ppp.address", "geneve.proto_type", "geneve.option.class"]
TSHARK_OPTS = ["-o", "ip.defragment:FALSE", "-o", "ipv6.defragment:FALSE", "-o", "ip.check_checksum:FALSE",
               # L2TPv3 data: no cookie, no L2-specific sublayer, Ethernet pseudowire (RFC 4719)
               "-o", "l2tp.cookie_size:None", "-o", "l2tp.l2_specific:None", "-d", "l2tp.pw_type==0,eth",
               "-d", "udp.port==4789,vxlan"]
L4 = {"tcp": 6, "udp": 17, "sctp": 132, "icmp": 1, "icmpv6": 58}
TUNNELS = {"gre", "ipip", "6in4", "4in6", "6in6", "l2tp", "l2tpv3", "vxlan", "geneve"}
ENCAPS = ["none", "gre", "ipip", "6in4", "4in6", "6in6", "l2tp", "l2tpv3", "vxlan", "geneve", "pppoe", "esp"]


def ns_of(epoch):
    sec, _, frac = epoch.partition(".")
    return int(sec) * 10**9 + int((frac + "000000000")[:9])


def occ(v, name):
    return v[name].split(";") if v.get(name) else []


def decode(v):
    """One tshark line -> dict of the packet's flow attributes, or None (not IP)."""
    protos = v["frame.protocols"].split(":")
    layers = []     # (version, occurrence index, position in protos)
    n4 = n6 = 0
    for pos, p in enumerate(protos):
        if p == "ip":
            layers.append((4, n4, pos))
            n4 += 1
        elif p == "ipv6":
            layers.append((6, n6, pos))
            n6 += 1
    if not layers:
        return None

    def ipl(layer):
        ver, j, _ = layer
        if ver == 4:
            return (ver, occ(v, "ip.src")[j], occ(v, "ip.dst")[j], int(occ(v, "ip.proto")[j]),
                    int(occ(v, "ip.len")[j]), int(occ(v, "ip.frag_offset")[j] or 0) > 0)
        offs = occ(v, "ipv6.fraghdr.offset")
        nonfirst = bool(offs) and int(offs[-1]) > 0 and layer is layers[-1]
        nxt = int(occ(v, "ipv6.fraghdr.nxt")[-1]) if nonfirst else int(occ(v, "ipv6.nxt")[j])
        return (ver, occ(v, "ipv6.src")[j], occ(v, "ipv6.dst")[j], nxt, int(occ(v, "ipv6.plen")[j]) + 40, nonfirst)

    iver, isrc, idst, iproto, ilen, nonfirst = ipl(layers[-1])
    sport = dport = 0
    after = protos[layers[-1][2] + 1:]
    l4 = next((p for p in after if p in L4), None)
    if nonfirst:
        pass
    elif l4 in ("tcp", "udp", "sctp"):
        sport, dport = int(occ(v, l4 + ".srcport")[-1]), int(occ(v, l4 + ".dstport")[-1])
        iproto = L4[l4]
    elif l4 in ("icmp", "icmpv6"):
        dport = int(occ(v, l4 + ".type")[-1]) * 256 + int(occ(v, l4 + ".code")[-1])
        iproto = L4[l4]
    flags = int(occ(v, "tcp.flags")[-1], 16) & 0xff if l4 == "tcp" and not nonfirst else 0
    if len(layers) == 1:
        outer = (iver, isrc, idst, iproto, sport, dport)
        olen = ilen
        encap = "pppoe" if "pppoes" in protos else "esp" if "esp" in after else "none"
    else:
        over, osrc, odst, oproto, olen, _ = ipl(layers[0])
        mid = protos[layers[0][2] + 1:layers[-1][2]]
        osp = odp = 0
        if mid and mid[0] == "udp":
            osp, odp = int(occ(v, "udp.srcport")[0]), int(occ(v, "udp.dstport")[0])
        outer = (over, osrc, odst, oproto, osp, odp)
        if "gre" in mid:
            encap = "gre"
        elif "vxlan" in mid:
            encap = "vxlan"
        elif "geneve" in mid:
            encap = "geneve"
        elif "l2tp" in mid:
            encap = "l2tp" if "udp" in mid else "l2tpv3"
        elif not mid:
            encap = {(4, 4): "ipip", (4, 6): "6in4", (6, 4): "4in6", (6, 6): "6in6"}[(over, iver)]
        else:
            encap = "?" + "+".join(mid)
    vlan = ".".join(occ(v, "ieee8021ad.id") + occ(v, "vlan.id"))
    macs = (occ(v, "eth.src")[-1], occ(v, "eth.dst")[-1]) if v.get("eth.src") else ("", "")
    return dict(key=(ipaddress.ip_address(isrc), ipaddress.ip_address(idst), iproto, sport, dport), ver=iver,
                okey=(ipaddress.ip_address(outer[1]), ipaddress.ip_address(outer[2])) + outer[3:],
                octets=ilen, olen=olen, flags=flags, ts=ns_of(v["frame.time_epoch"]),
                attrs=(encap, vlan) + tuple(str(x) for x in outer) + macs + (str(0x0800 if iver == 4 else 0x86DD),))


def coverage(lines):
    """Variants of the tunnel headers seen by tshark -> list of what is missing."""
    seen = set()
    for v in lines:
        protos = v["frame.protocols"].split(":")
        for f in occ(v, "gre.flags_and_version"):
            x = int(f, 16)
            seen.add("gre:" + "".join(c for c, b in (("C", 0x8000), ("K", 0x2000), ("S", 0x1000)) if x & b))
        if "l2tp" in protos:
            ver = occ(v, "l2tp.version")[:1]
            typ = occ(v, "l2tp.type")[:1]
            if typ == ["1"]:
                seen.add("l2tp-control:v" + ver[0])
            elif ver == ["2"]:
                opts = "".join(c for c, f in (("L", "l2tp.length_bit"), ("S", "l2tp.seq_bit"), ("O", "l2tp.offset_bit"))
                               if occ(v, f)[:1] == ["1"])
                seen.add("l2tp:" + opts)
                seen.add("ppp-acf:" + ("yes" if v.get("ppp.address") else "no"))
        if "geneve" in protos:
            seen.add("geneve:%s:%s" % (occ(v, "geneve.proto_type")[0], "opts" if v.get("geneve.option.class") else "-"))
        if "ieee8021ad" in protos:
            seen.add("qinq")
        elif protos.count("vlan") == 2:
            seen.add("qinq-9100")
        elif "vlan" in protos:
            seen.add("vlan")
    want = {"gre:" + x for x in ("", "K", "S", "C", "KS", "CK", "CS", "CKS")}
    want |= {"l2tp:" + x for x in ("", "L", "S", "O", "LS", "LO", "SO", "LSO")}
    want |= {"ppp-acf:yes", "ppp-acf:no", "l2tp-control:v2", "l2tp-control:v3", "vlan", "qinq"}
    want |= {"geneve:0x6558:opts", "geneve:0x6558:-", "geneve:0x0800:opts", "geneve:0x0800:-",
             "geneve:0x86dd:opts", "geneve:0x86dd:-"}
    return sorted(want - seen), sorted(seen)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("pcap")
    ap.add_argument("truth")
    ap.add_argument("--coverage", action="store_true", help="require every tunnel header variant")
    ap.add_argument("--write-records", metavar="OUT", help="write tshark's flows as a compare.py records CSV")
    ap.add_argument("--outer-records", action="store_true", help="--write-records per outer key (no decapsulation)")
    a = ap.parse_args()
    cmd = ["tshark", "-n", "-r", a.pcap] + TSHARK_OPTS + ["-T", "fields", "-E", "separator=/t", "-E",
                                                           "occurrence=a", "-E", "aggregator=;"]
    for f in FIELDS:
        cmd += ["-e", f]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    lines = [dict(zip(FIELDS, line.split("\t"))) for line in out.splitlines()]
    got = {}
    nonip = 0
    recs = defaultdict(lambda: [0, 0])
    for v in lines:
        d = decode(v)
        if d is None:
            nonip += 1
            continue
        if a.outer_records:
            rk = d["okey"]
            recs[rk][1] += d["olen"]
        else:
            at = d["attrs"]
            tun = (at[3], at[4]) if at[0] in TUNNELS else ("", "")
            rk = d["key"] + tun + at[8:11]
            recs[rk][1] += d["octets"]
        recs[rk][0] += 1
        e = got.get(d["key"])
        if e is None:
            e = got[d["key"]] = dict(packets=0, octets=0, outer_octets=0, first=d["ts"], last=d["ts"], flags=0,
                                     attrs=d["attrs"])
        elif e["attrs"] != d["attrs"]:
            e["mixed"] = "packets of one key differ: %s and %s" % (e["attrs"], d["attrs"])
        e["packets"] += 1
        e["octets"] += d["octets"]
        e["outer_octets"] += d["olen"]
        e["first"] = min(e["first"], d["ts"])
        e["last"] = max(e["last"], d["ts"])
        e["flags"] |= d["flags"]
    if a.write_records:
        with open(a.write_records, "w", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(["src", "dst", "proto", "sport", "dport", "packets", "octets"] +
                       ([] if a.outer_records else ["tun_src", "tun_dst", "smac", "dmac", "ethertype"]))
            for rk in sorted(recs, key=str):
                w.writerow(list(rk[:5]) + recs[rk] + list(rk[5:]))
    rows = list(csv.DictReader(open(a.truth)))
    has_l2 = bool(rows) and "smac" in rows[0]
    bad, want, by_encap = [], {}, defaultdict(int)
    for r in rows:
        k = (ipaddress.ip_address(r["src"]), ipaddress.ip_address(r["dst"]), int(r["proto"]), int(r["sport"]),
             int(r["dport"]))
        if k in want:
            bad.append("duplicate truth key %s" % (k,))
        want[k] = r
        by_encap[r["encap"]] += 1
        e = got.get(k)
        if e is None:
            bad.append("truth flow %s (%s) not seen by tshark" % (r["flow_id"], r["encap"]))
            continue
        osrc = str(ipaddress.ip_address(r["outer_src"]))
        odst = str(ipaddress.ip_address(r["outer_dst"]))
        t_attrs = (r["encap"], r["vlan"], r["outer_ver"], osrc, odst, r["outer_proto"], r["outer_sport"],
                   r["outer_dport"])
        g_attrs = e["attrs"][:3] + tuple(str(ipaddress.ip_address(x)) for x in e["attrs"][3:5]) + e["attrs"][5:8]
        if has_l2:
            t_attrs += (r["smac"], r["dmac"], r["ethertype"])
            g_attrs += e["attrs"][8:11]
        t_cnt = tuple(int(r[c]) for c in ("packets", "octets", "outer_octets", "first_ns", "last_ns", "tcp_flags"))
        g_cnt = (e["packets"], e["octets"], e["outer_octets"], e["first"], e["last"], e["flags"])
        if "mixed" in e:
            bad.append("flow %s %s: %s" % (r["flow_id"], tuple(map(str, k)), e["mixed"]))
        elif t_attrs != g_attrs or t_cnt != g_cnt:
            bad.append("flow %s %s: truth %s %s, tshark %s %s" % (r["flow_id"], tuple(map(str, k)), t_attrs, t_cnt,
                                                                  e["attrs"], g_cnt))
    for k in sorted(set(got) - set(want), key=str):
        bad.append("tshark flow %s %s not in the truth" % (tuple(map(str, k)), got[k]["attrs"]))
    print("tunneltruth: tshark %d keys, truth %d keys (%s), mismatching %d; packets %d vs %d; non-IP frames %d"
          % (len(got), len(want), ", ".join("%s %d" % (x, by_encap[x]) for x in ENCAPS if by_encap[x]), len(bad),
             sum(e["packets"] for e in got.values()), sum(int(r["packets"]) for r in rows), nonip))
    for b in bad[:20]:
        print("   ", b)
    if a.coverage:
        missing, seen = coverage(lines)
        absent = [x for x in ENCAPS if not by_encap[x]]
        print("tunneltruth: header variants seen: %s" % " ".join(seen))
        if missing or absent:
            print("tunneltruth: MISSING variants: %s; encaps without flows: %s" % (" ".join(missing), " ".join(absent)))
            return 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
