#!/usr/bin/python3
"""fnf_catalogue.py - the packets and the truth of test_fnf_catalogue.sh.

usage: fnf_catalogue.py gen OUT.pcap TRUTH.json MEAS.pcap MEAS.json
       fnf_catalogue.py check TRUTH.json EXPORT.pcap PORT VERSION FAMILY
       fnf_catalogue.py measured MEAS.json EXPORT.pcap PORT VERSION FAMILY

gen crafts IPv4 and IPv6 ICMP flows with known, distinct values of every
Flexible NetFlow catalogue field (DSCP with ECN varying inside a flow, TTL,
802.1Q id and priority, flow label, hop limit, ICMP type and code) and
writes the truth computed from those parameters: the values each flow's
record must carry.

check decodes the export with tshark (-d udp.port==PORT,cflow) and compares
every data record of the FAMILY's flows (4 or 6) of NetFlow VERSION (9 or
10) with the truth, field by field. The routing fields' truth is the
kernel's main table as `ip route show match` lists it (the longest unicast
prefix; 64 "forwarded" with a route, 131 "unroutable" without); the BGP
fields are 0, no bgp block being configured.

The measured fields have their own capture (MEAS.pcap): per protocol, TTL
(hop limit) and length varying over a flow's packets, DF on an ICMP flow,
a UDP datagram in two fragments (MF in the first; in IPv6 the fragment
header's M); measured checks TTL and total length minimum and maximum and
the fragment flags' OR of each flow, records keyed by address and
protocol.
"""
import ipaddress
import json
import subprocess
import sys

from tshark_json import loads, vals

T0 = 1700000000.0
MAC = dict(src="02:00:00:00:00:01", dst="02:00:00:00:00:02")
SRC4, DST4 = "192.0.2.1", "198.51.100.7"
SRC6, DST6 = "2001:db8::1", "2001:db8:ff::7"


def gen(out, truth_path):
    from scapy.all import (ICMP, IP, Dot1Q, Ether, ICMPv6DestUnreach,
                           ICMPv6EchoRequest, IPv6, Raw, wrpcap)
    pkts, truth = [], []

    def add(p):
        p.time = T0 + len(pkts) * 0.01
        pkts.append(p)

    # IPv4: (tos values of its packets, ttl, vlan, priority, type, code,
    # payload octets)
    for toss, ttl, vid, prio, typ, code, pay in (
            ((0xb8, 0xb9, 0xba), 64, 100, 5, 8, 0, 10),
            ((0x28, 0x28), 17, 200, 3, 11, 1, 30)):
        octets = 0
        for tos in toss:
            p = (Ether(**MAC) / Dot1Q(vlan=vid, prio=prio) /
                 IP(src=SRC4, dst=DST4, tos=tos, ttl=ttl) /
                 ICMP(type=typ, code=code) / Raw(b"x" * pay))
            add(p)
            octets += len(p[IP])
        truth.append(dict(family=4, src=SRC4, dst=DST4, proto=1,
                          dscp=toss[0] >> 2, prec=toss[0] >> 5, ttl=ttl,
                          vlan=vid, prio=prio, type=typ, code=code,
                          packets=len(toss), octets=octets))
    # IPv6: (traffic class, flow label, hop limit, ICMPv6 message, packets)
    for tc, fl, hlim, msg, typ, code, n in (
            (0xb8, 0x12345, 33, ICMPv6EchoRequest(id=1), 128, 0, 2),
            (0x20, 0xabcde, 255, ICMPv6DestUnreach(code=4), 1, 4, 1)):
        octets = 0
        for i in range(n):
            p = (Ether(**MAC) /
                 IPv6(src=SRC6, dst=DST6, tc=tc, fl=fl, hlim=hlim) /
                 msg.copy() / Raw(b"z" * (20 + 8 * i)))
            add(p)
            octets += len(p[IPv6])
        truth.append(dict(family=6, src=SRC6, dst=DST6, proto=58,
                          dscp=tc >> 2, prec=tc >> 5, ttl=hlim,
                          flow_label=fl, type=typ, code=code, packets=n,
                          octets=octets))
    wrpcap(out, pkts)
    json.dump(truth, open(truth_path, "w"), indent=1)


def gen_measured(out, truth_path):
    from scapy.all import (ICMP, IP, UDP, Ether, ICMPv6EchoRequest, IPv6,
                           IPv6ExtHdrFragment, Raw, raw, wrpcap)
    pkts, truth = [], []

    def add(p):
        p.time = T0 + len(pkts) * 0.01
        pkts.append(p)
        return len(p[IPv6 if IPv6 in p else IP])

    def flow(fam, proto, ttls, lens, frag):
        truth.append(dict(family=fam, proto=proto, packets=len(lens),
                          octets=sum(lens), ttl_min=min(ttls),
                          ttl_max=max(ttls), len_min=min(lens),
                          len_max=max(lens), frag=frag))

    # IPv4 ICMP, DF on every packet: fragmentFlags 0x40
    ttls, lens = (64, 9, 200), []
    for i, ttl in enumerate(ttls):
        lens.append(add(Ether(**MAC) /
                        IP(src=SRC4, dst=DST4, ttl=ttl, flags="DF") /
                        ICMP(type=8) / Raw(b"m" * (10 + 100 * i))))
    flow(4, 1, ttls, lens, 0x40)
    # IPv4 UDP in two fragments: MF in the first, 0x20
    dgram = raw(UDP(sport=4000, dport=5000) / Raw(b"f" * 40))
    lens = [add(Ether(**MAC) / IP(src=SRC4, dst=DST4, proto=17, ttl=30,
                                  id=7, flags="MF", frag=0) /
                Raw(dgram[:32])),
            add(Ether(**MAC) / IP(src=SRC4, dst=DST4, proto=17, ttl=31,
                                  id=7, frag=4) / Raw(dgram[32:]))]
    flow(4, 17, (30, 31), lens, 0x20)
    # IPv6 ICMPv6, hop limits 10 and 250, no fragment
    ttls, lens = (250, 10), []
    for i, hl in enumerate(ttls):
        lens.append(add(Ether(**MAC) / IPv6(src=SRC6, dst=DST6, hlim=hl) /
                        ICMPv6EchoRequest(seq=i) / Raw(b"s" * (8 + 64 * i))))
    flow(6, 58, ttls, lens, 0)
    # IPv6 UDP in two fragments (fragment header M in the first): 0x20
    lens = [add(Ether(**MAC) / IPv6(src=SRC6, dst=DST6, hlim=7) /
                IPv6ExtHdrFragment(nh=17, offset=0, m=1, id=9) /
                Raw(dgram[:32])),
            add(Ether(**MAC) / IPv6(src=SRC6, dst=DST6, hlim=7) /
                IPv6ExtHdrFragment(nh=17, offset=4, m=0, id=9) /
                Raw(dgram[32:]))]
    flow(6, 17, (7, 7), lens, 0x20)
    wrpcap(out, pkts)
    json.dump(truth, open(truth_path, "w"), indent=1)


def records(pcap, port, version, bad):
    out = subprocess.run(["tshark", "-r", pcap, "-T", "json", "-d",
                          "udp.port==%s,cflow" % port], capture_output=True,
                         text=True, check=True).stdout
    got = []
    for frame in loads(out):
        cf = frame["_source"]["layers"].get("cflow")
        for c in vals(cf) if cf is not None else []:
            if c.get("cflow.version") != str(version):
                bad.append("a message of version %s" % c.get("cflow.version"))
            got.extend(flows(c))
    return got


def measured(truth_path, pcap, port, version, family):
    family = int(family)
    truth = [t for t in json.load(open(truth_path)) if t["family"] == family]
    bad = []
    got = records(pcap, port, version, bad)
    for t in truth:
        recs = [r for r in got if r.get("cflow.protocol") == str(t["proto"])]
        if len(recs) != 1:
            bad.append("protocol %d: %d records, expected 1" %
                       (t["proto"], len(recs)))
            continue
        r = recs[0]
        want = {"cflow.ttl_min": t["ttl_min"], "cflow.ttl_max": t["ttl_max"],
                "cflow.length_min": t["len_min"],
                "cflow.length_max": t["len_max"],
                "cflow.ip_fragment_flags": "0x%02x" % t["frag"],
                "cflow.packets": t["packets"], "cflow.octets": t["octets"]}
        for k, v in want.items():
            if k not in r:
                bad.append("protocol %d: no %s" % (t["proto"], k))
            elif str(r[k]) != str(v):
                bad.append("protocol %d: %s %s, truth %s" %
                           (t["proto"], k, r[k], v))
    if len(got) != len(truth):
        bad.append("%d records, expected %d" % (len(got), len(truth)))
    for b in bad:
        print(b)
    if not bad:
        print("IPv%d v%s: %d records, TTL, length and fragment flags as the "
              "truth" % (family, version, len(got)))
    return 1 if bad else 0


def route(addr):
    """(prefix length, routed) of the main table's longest match."""
    fam = "-6" if ":" in addr else "-4"
    out = subprocess.run(["ip", "-j", fam, "route", "show", "table", "main",
                          "match", addr], capture_output=True, text=True,
                         check=True).stdout
    best = None
    for r in json.loads(out or "[]"):
        if r.get("type", "unicast") != "unicast":
            continue
        dst = r["dst"]
        plen = 0 if dst == "default" else (
            int(dst.split("/")[1]) if "/" in dst else
            (128 if ":" in addr else 32))
        best = plen if best is None else max(best, plen)
    return (best or 0), best is not None


def prefix(addr, plen):
    return str(ipaddress.ip_network("%s/%d" % (addr, plen), strict=False)
               .network_address)


def flows(tree):
    """Every data record: a dict with packets in it."""
    if isinstance(tree, dict):
        if "cflow.packets" in tree:
            yield tree
        for v in tree.values():
            for x in vals(v):
                yield from flows(x)
    elif isinstance(tree, list):
        for x in tree:
            yield from flows(x)


def fwd(rec):
    fs = rec.get("Forwarding Status")
    if fs is None:
        return None
    code = 0
    for k, v in fs.items():
        if k.endswith("_code"):
            code = int(v)
    return int(fs["cflow.forwarding_status"]) << 6 | code


def check(truth_path, pcap, port, version, family):
    family = int(family)
    truth = [t for t in json.load(open(truth_path)) if t["family"] == family]
    out = subprocess.run(["tshark", "-r", pcap, "-T", "json", "-d",
                          "udp.port==%s,cflow" % port], capture_output=True,
                         text=True, check=True).stdout
    got, bad = [], []
    for frame in loads(out):
        cf = frame["_source"]["layers"].get("cflow")
        for c in vals(cf) if cf is not None else []:
            if c.get("cflow.version") != str(version):
                bad.append("a message of version %s" % c.get("cflow.version"))
            got.extend(flows(c))
    sm, routed_s = route(truth[0]["src"])
    dm, routed_d = route(truth[0]["dst"])
    a = "" if family == 4 else "v6"
    for t in truth:
        tkey = "cflow.icmp_ipv%d_type" % family
        ckey = "cflow.icmp_ipv%d_code" % family
        recs = [r for r in got if r.get(tkey) == str(t["type"]) and
                r.get(ckey) == str(t["code"])]
        if len(recs) != 1:
            bad.append("ICMP %d/%d: %d records, expected 1" %
                       (t["type"], t["code"], len(recs)))
            continue
        r = recs[0]
        want = {
            "cflow.srcaddr" + a: t["src"], "cflow.dstaddr" + a: t["dst"],
            "cflow.protocol": t["proto"], "cflow.ip_dscp": t["dscp"],
            "cflow.ip_precedence": t["prec"], "cflow.ip_ttl": t["ttl"],
            "cflow.packets": t["packets"], "cflow.octets": t["octets"],
        }
        if family == 4:
            want.update({
                "cflow.vlanid": t["vlan"], "cflow.dot1q_vlan_id": t["vlan"],
                "cflow.dot1q_priority": t["prio"],
                "cflow.srcmask": sm, "cflow.dstmask": dm,
                "cflow.srcprefix": prefix(t["src"], sm),
                "cflow.dstprefix": prefix(t["dst"], dm),
                "cflow.srcas": 0, "cflow.dstas": 0,
                "cflow.peer_srcas": 0, "cflow.peer_dstas": 0,
                "cflow.bgpnexthop": "0.0.0.0",
            })
        else:
            want.update({
                "cflow.ipv6flowlabel": t["flow_label"],
                "cflow.srcmaskv6": sm, "cflow.dstmaskv6": dm,
                "cflow.srcnetv6": prefix(t["src"], sm),
                "cflow.dstnetv6": prefix(t["dst"], dm),
                "cflow.bgpnexthopv6": "::",
            })
        for k, v in want.items():
            if k not in r:
                bad.append("ICMP %d/%d: no %s" % (t["type"], t["code"], k))
            elif str(r[k]) != str(v):
                bad.append("ICMP %d/%d: %s %s, truth %s" %
                           (t["type"], t["code"], k, r[k], v))
        status = 64 if routed_d else 131
        if fwd(r) != status:
            bad.append("ICMP %d/%d: forwarding status %s, truth %d" %
                       (t["type"], t["code"], fwd(r), status))
    if len(got) != len(truth):
        bad.append("%d records, expected %d" % (len(got), len(truth)))
    for b in bad:
        print(b)
    print("IPv%d v%s: %d records, every catalogue field as the truth"
          % (family, version, len(got)) if not bad else "")
    return 1 if bad else 0


if __name__ == "__main__":
    if sys.argv[1] == "gen":
        gen(sys.argv[2], sys.argv[3])
        gen_measured(sys.argv[4], sys.argv[5])
        sys.exit(0)
    if sys.argv[1] == "measured":
        sys.exit(measured(*sys.argv[2:7]))
    sys.exit(check(*sys.argv[2:7]))
