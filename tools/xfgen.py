#!/usr/bin/python3
"""xfgen - deterministic test traffic for xflowd, with ground truth.

usage: xfgen.py -o OUT.pcap -t TRUTH.csv --scenario mixed|malformed|timeouts|tunnels
                [--seed N] [--flows N] [--packets N] [--duration SEC]
                [--linktype en10mb|sll|sll2|raw|null|ppp]

Writes a nanosecond pcap (magic 0xa1b23c4d) and a truth CSV in the format of
../shared/bench/gen/pcapgen.c (one row per unidirectional flow key):

  flow_id,encap,vlan,outer_ver,outer_src,outer_dst,outer_proto,outer_sport,
  outer_dport,ver,src,dst,proto,sport,dport,packets,octets,outer_octets,
  first_ns,last_ns,tcp_flags[,smac,dmac,ethertype]

Scenarios `mixed` and `tunnels` append the seven-tuple columns smac,dmac,
ethertype (the first 21 columns and the pcap are unchanged by them):
  * smac, dmac: the innermost Ethernet header in front of the flow's IP packet
    (the inner frame of VXLAN, GENEVE 0x6558 and L2TPv3, else the captured
    frame), as aa:bb:cc:dd:ee:ff; empty for link types without Ethernet;
  * ethertype: of the flow's IP packet in decimal, 2048 (IPv4) or 34525 (IPv6),
    also behind PPP, PPPoE, GRE and IP-in-IP. Every flow has MACs of its own.

Conventions (what a correct exporter must report):
  * octets are IP-layer octets: IPv4 total length, or IPv6 payload length + 40,
    summed over the packets; never the frame length or Ethernet padding;
  * ICMP/ICMPv6: sport 0, dport type*256+code;
  * IPv4/IPv6 non-first fragments: sport 0, dport 0 and the real protocol;
    first fragments (offset 0) carry the ports of the transport header;
  * tcp_flags: OR of the TCP flags of the flow's packets.

Scenario `malformed` also writes TRUTH.malformed.csv (reason,count) listing
the packets that must not become flows; scenario `timeouts` also writes
TRUTH.records.csv, the records expected with --active-timeout 30
--inactive-timeout 15 (flowEndReason 1 idle, 2 active, 3 end of flow, 4 forced
end at end of file).

Scenario `tunnels` (Ethernet only; tools/xfgen_tunnel.py) mixes plain flows
with tunnelled ones; the inner packet is the flow and `encap` names the tunnel
(pcapgen's names where it has them):
  gre     GRE over IPv4 and IPv6 (RFC 2784/2890), every combination of the C
          (checksum), K (key) and S (sequence) bits, inner IPv4 and IPv6;
  ipip, 6in4, 4in6, 6in6   IP in IP (protocol 4 / next header 41);
  l2tp    L2TPv2 data over UDP dport 1701 (RFC 2661) carrying PPP with and
          without address/control ff03, every combination of the optional
          Length, Ns/Nr and Offset (size + padding) fields;
  l2tpv3  L2TPv3 over IP (protocol 115): session id != 0, no cookie, no
          L2-specific sublayer, Ethernet pseudowire (RFC 4719);
  vxlan   UDP dport 4789 (RFC 7348), inner Ethernet;
  geneve  UDP dport 6081 (RFC 8926), with and without options, protocol type
          0x6558 (inner Ethernet), 0x0800 and 0x86DD (inner IP directly);
  pppoe   PPPoE session frames (0x8864, RFC 2516): no outer IP, outer = inner;
  esp     ESP (protocol 50) is opaque: the flow is the outer packet, ports 0;
  none    plain flows, and the control messages: L2TPv2 (T bit set, UDP
          1701/1701) and L2TPv3 (session id 0), which are ordinary outer flows.
Some outer frames carry a VLAN tag or QinQ (vlan: outer.inner ids). outer_*
is the outermost IP header's key (ports of the outer UDP, else 0), octets the
inner IP-layer octets, outer_octets the outermost IP-layer octets. Several
inner flows share a tunnel's outer endpoints, so an exporter that does not
decapsulate sees fewer, bigger flows (tests/integration/compare.py --outer);
--key tunnel and --key seven judge the tunnel and seven-tuple templates.
tests/tools/tunneltruth.py recounts a tunnels pcap with tshark.

Output is a pure function of the options.
"""
import argparse
import csv
import ipaddress
import os
import random
import struct
import sys

try:
    from scapy.layers.inet import IP, TCP, UDP, ICMP, IPOption_NOP, IPOption_RR, \
        IPOption_Router_Alert, IPOption_Timestamp
    from scapy.layers.inet6 import IPv6, IPv6ExtHdrHopByHop, IPv6ExtHdrRouting, \
        IPv6ExtHdrDestOpt, IPv6ExtHdrFragment, ICMPv6EchoRequest, ICMPv6EchoReply
    from scapy.layers.ipsec import AH
    from scapy.layers.sctp import SCTP, SCTPChunkData, SCTPChunkInit
    from scapy.packet import Raw
except ImportError as e:  # pragma: no cover
    sys.exit("xfgen: python3-scapy is required (apt-get install python3-scapy): %s" % e)

LINKTYPES = {"en10mb": 1, "sll": 113, "sll2": 276, "raw": 101, "null": 0, "ppp": 9}
START_NS = 1700000000 * 10**9
TRUTH_HEADER = ["flow_id", "encap", "vlan", "outer_ver", "outer_src", "outer_dst", "outer_proto",
                "outer_sport", "outer_dport", "ver", "src", "dst", "proto", "sport", "dport",
                "packets", "octets", "outer_octets", "first_ns", "last_ns", "tcp_flags"]
RECORD_HEADER = ["src", "dst", "proto", "sport", "dport", "packets", "octets", "first_ns", "last_ns",
                 "flowEndReason"]
L2_HEADER = ["smac", "dmac", "ethertype"]
MALFORMED_REASONS = ["truncated", "bad_ihl", "bad_total_length", "ipv6_ext_chain", "bad_version", "non_ip"]

FIN, SYN, RST, PSH, ACK = 0x01, 0x02, 0x04, 0x08, 0x10


class Pkt:
    """One pcap record before timestamps are final.

    key: (ver, src, dst, proto, sport, dport) of the flow the packet belongs to, or None
    for packets that must not become flows. ip: IP-layer bytes (None when `frame` is set).
    """
    __slots__ = ("t", "order", "key", "iplen", "flags", "ip", "tags", "frame", "origlen", "mac", "olen", "l2")

    def __init__(self, t, order, key, ip, flags=0, tags=(), mac=0, frame=None, origlen=None):
        self.t, self.order, self.key, self.ip, self.flags = t, order, key, ip, flags
        self.iplen = len(ip) if ip is not None else 0
        self.tags, self.mac, self.frame, self.origlen = tags, mac, frame, origlen
        self.olen = None      # outermost IP-layer length when tunnelled (None: iplen)
        self.l2 = None        # (smac, dmac) of an inner Ethernet header (None: the frame's)


class Gen:
    def __init__(self, seed, linktype="en10mb"):
        self.r = random.Random(seed)
        self.linktype = linktype
        self.pkts = []
        self.order = 0
        self.nflow = 0
        self.vlan_of = {}     # key -> vlan string of the truth row
        self.ipid = 1
        self.flowinfo = {}    # key -> (encap, outer_ver, outer_src, outer_dst, outer_proto, sport, dport)
        self.l2cols = False   # append smac,dmac,ethertype to the truth
        self.max_payload = 1400

    # ---------------------------------------------------------------- helpers
    def add(self, t, key, ip, flags=0, tags=(), mac=0, **kw):
        self.pkts.append(Pkt(t, self.order, key, ip, flags, tags, mac, **kw))
        self.order += 1
        if key is not None and key not in self.vlan_of:
            self.vlan_of[key] = ".".join(str(v) for _, v in tags)

    def next_id(self):
        self.ipid = (self.ipid + 1) & 0xffff
        return self.ipid

    def addr(self, ver, side, i):
        """Unique source per flow (side 0) and random destination (side 1)."""
        if ver == 4:
            if side == 0:
                return str(ipaddress.IPv4Address(0x0a000000 + i + 1))                 # 10.0.0.0/8
            return str(ipaddress.IPv4Address((0xc6120000 | self.r.randrange(1, 0x1ffff))))  # 198.18.0.0/15
        if side == 0:
            return str(ipaddress.IPv6Address((0x20010db8000100000000000000000000) + i + 1))
        return str(ipaddress.IPv6Address(0x20010db8000200000000000000000000 + self.r.randrange(1, 1 << 32)))

    def pick_tags(self, allow_vlan):
        if not allow_vlan or self.linktype != "en10mb":
            return ()
        x = self.r.random()
        v1, v2 = self.r.randrange(1, 4095), self.r.randrange(1, 4095)
        if x < 0.15:
            return ((0x8100, v1),)
        if x < 0.23:
            return ((0x88a8, v1), (0x8100, v2))
        if x < 0.30:
            return ((0x9100, v1), (0x8100, v2))
        return ()

    def payload(self, lo, hi):
        n = self.r.randrange(lo, hi + 1)
        return bytes(self.r.getrandbits(8) for _ in range(min(n, 16))) + b"\xab" * max(0, n - 16)

    def size_range(self):
        x = self.r.random()
        if x < 0.3:
            return 0, 6          # tiny: Ethernet-padded frames
        if x < 0.7:
            return 20, 400
        return 400, self.max_payload

    def ip4(self, src, dst, l4, proto=None, options=None, **kw):
        kw.setdefault("id", self.next_id())
        if options:
            kw["options"] = options
        if proto is not None:
            kw["proto"] = proto
        return bytes(IP(src=src, dst=dst, ttl=64, **kw) / l4)

    def ip6(self, src, dst, l4):
        return bytes(IPv6(src=src, dst=dst, hlim=64) / l4)

    # ------------------------------------------------------------- flow kinds
    def gaps(self, t0, n, span_max, gap_max=2.0):
        """n increasing times from t0; gaps log-uniform, total span <= span_max."""
        ts, t = [], t0
        for k in range(n):
            ts.append(t)
            g = 10 ** self.r.uniform(-4, 0.3)
            t += min(g, gap_max)
        if n > 1 and ts[-1] - t0 > span_max:
            scale = span_max / (ts[-1] - t0)
            ts = [t0 + (x - t0) * scale for x in ts]
        return ts

    def tcp_flow(self, ver, t0, n, span, tags=(), ext=False, opts=False, end=None, times=None,
                 src=None, dst=None, sport=None, dport=None, syn=None):
        i = self.nflow
        self.nflow += 1
        src = src or self.addr(ver, 0, i)
        dst = dst or self.addr(ver, 1, i)
        sport = sport or self.r.randrange(1024, 65536)
        dport = dport or self.r.choice([80, 443, 22, 25, 8080, 3306, 5432])
        key = (ver, src, dst, 6, sport, dport)
        ts = times or self.gaps(t0, n, span)
        n = len(ts)
        if end is None:
            end = self.r.choices(["fin", "rst", "rstack", "none"], [0.55, 0.2, 0.1, 0.15])[0]
        if syn is None:
            syn = self.r.random() < 0.85
        chain = self.ext_chain() if ext else None
        ip_opts = self.ip_options() if opts else None
        lo, hi = self.size_range()
        seq = self.r.getrandbits(32)
        for k, t in enumerate(ts):
            if k == 0 and syn:
                fl, pl = SYN, b""
            elif k == n - 1 and end == "fin":
                fl, pl = FIN | ACK, b""
            elif k == n - 1 and end == "rst":
                fl, pl = RST, b""
            elif k == n - 1 and end == "rstack":
                fl, pl = RST | ACK, b""
            else:
                pl = self.payload(lo, hi)
                fl = ACK | (PSH if pl else 0)
            l4 = TCP(sport=sport, dport=dport, flags=fl, seq=seq, ack=(1 if fl & ACK else 0), window=65535) / Raw(pl)
            seq = (seq + len(pl) + (1 if fl & (SYN | FIN) else 0)) & 0xffffffff
            self.add(t, key, self.build(ver, src, dst, l4, 6, chain, ip_opts), fl, tags, mac=i)
        return key

    def udp_flow(self, ver, t0, n, span, tags=(), ext=False, opts=False, frag=False, times=None,
                 src=None, dst=None, sport=None, dport=None, sizes=None):
        i = self.nflow
        self.nflow += 1
        src = src or self.addr(ver, 0, i)
        dst = dst or self.addr(ver, 1, i)
        sport = sport or self.r.randrange(1024, 65536)
        dport = dport or self.r.choice([53, 123, 161, 514, 5353, 33434])
        key = (ver, src, dst, 17, sport, dport)
        fkey = (ver, src, dst, 17, 0, 0)
        chain = self.ext_chain() if ext else None
        ip_opts = self.ip_options() if opts else None
        lo, hi = sizes or self.size_range()
        ts = times or self.gaps(t0, n, span)
        k = 0
        while k < len(ts):
            left = len(ts) - k
            if frag and left >= 2:
                nfr = min(left, self.r.randrange(2, 5))
                k += self.udp_fragmented(ver, ts[k:k + nfr], key, fkey, src, dst, sport, dport, tags, i)
                continue
            l4 = UDP(sport=sport, dport=dport) / Raw(self.payload(lo, hi))
            self.add(ts[k], key, self.build(ver, src, dst, l4, 17, chain, ip_opts), 0, tags, mac=i)
            k += 1
        return key

    def udp_fragmented(self, ver, ts, key, fkey, src, dst, sport, dport, tags, i):
        """One UDP datagram cut into len(ts) fragments (first carries the UDP header)."""
        nfr = len(ts)
        chunk = self.r.choice([8, 16, 64, 256, 512, 1232])
        plen = chunk * nfr - 8 - self.r.randrange(0, min(chunk, 8))   # last fragment may be short
        data = bytes(UDP(sport=sport, dport=dport) / Raw(self.payload(plen, plen)))
        if ver == 4:
            # scapy's checksum needs the pseudo header: build the whole datagram first
            whole = IP(src=src, dst=dst) / UDP(sport=sport, dport=dport) / Raw(data[8:])
            data = bytes(whole)[20:]
        else:
            whole = IPv6(src=src, dst=dst) / UDP(sport=sport, dport=dport) / Raw(data[8:])
            data = bytes(whole)[40:]
        ident = self.r.getrandbits(16 if ver == 4 else 32)
        for f in range(nfr):
            part = data[f * chunk:(f + 1) * chunk]
            more = f < nfr - 1
            if ver == 4:
                ip = bytes(IP(src=src, dst=dst, id=ident, proto=17, flags="MF" if more else 0,
                              frag=f * chunk // 8, ttl=64) / Raw(part))
            else:
                ip = bytes(IPv6(src=src, dst=dst, hlim=64) /
                           IPv6ExtHdrFragment(nh=17, offset=f * chunk // 8, m=1 if more else 0, id=ident) /
                           Raw(part))
            self.add(ts[f], key if f == 0 else fkey, ip, 0, tags, mac=i)
        return nfr

    def icmp_flow(self, ver, t0, n, span, tags=(), reply=False, times=None, src=None, dst=None):
        i = self.nflow
        self.nflow += 1
        src = src or self.addr(ver, 0, i)
        dst = dst or self.addr(ver, 1, i)
        ident = self.r.randrange(1, 65536)
        if ver == 4:
            typ = 0 if reply else 8
        else:
            typ = 129 if reply else 128
        key = (ver, src, dst, 1 if ver == 4 else 58, 0, typ * 256)
        lo, hi = self.size_range()
        for k, t in enumerate(times or self.gaps(t0, n, span)):
            pl = Raw(self.payload(lo, hi))
            if ver == 4:
                ip = self.ip4(src, dst, ICMP(type=typ, code=0, id=ident, seq=k) / pl)
            else:
                cls = ICMPv6EchoReply if reply else ICMPv6EchoRequest
                ip = self.ip6(src, dst, cls(id=ident, seq=k) / pl)
            self.add(t, key, ip, 0, tags, mac=i)
        return key

    def sctp_flow(self, ver, t0, n, span, tags=()):
        i = self.nflow
        self.nflow += 1
        src, dst = self.addr(ver, 0, i), self.addr(ver, 1, i)
        sport, dport = self.r.randrange(1024, 65536), self.r.choice([2905, 3868, 36412, 9899])
        key = (ver, src, dst, 132, sport, dport)
        tag = self.r.getrandbits(32)
        for k, t in enumerate(self.gaps(t0, n, span)):
            if k == 0:
                ch = SCTPChunkInit(init_tag=tag or 1, a_rwnd=65535, n_out_streams=1, n_in_streams=1, init_tsn=1)
                l4 = SCTP(sport=sport, dport=dport, tag=0) / ch
            else:
                l4 = SCTP(sport=sport, dport=dport, tag=tag) / SCTPChunkData(tsn=k, stream_id=0, stream_seq=k,
                                                                              data=self.payload(1, 300))
            self.add(t, key, self.build(ver, src, dst, l4, 132, None, None), 0, tags, mac=i)
        return key

    def ext_chain(self):
        """A random IPv6 extension header chain in RFC 8200 order (as scapy layer factories)."""
        chain = []
        if self.r.random() < 0.5:
            chain.append("hbh")
        if self.r.random() < 0.4:
            chain.append("dst")
        if self.r.random() < 0.4:
            chain.append("rt")
        if self.r.random() < 0.3:
            chain.append("frag")      # atomic fragment: offset 0, M=0, ports present
        if self.r.random() < 0.4:
            chain.append("ah")
        if self.r.random() < 0.3 or not chain:
            chain.append("dst")
        return chain

    def ip_options(self):
        return self.r.choice([
            [IPOption_Router_Alert()],
            [IPOption_NOP(), IPOption_NOP(), IPOption_NOP(), IPOption_NOP()],
            [IPOption_RR(routers=["192.0.2.1", "192.0.2.2"])],
            [IPOption_Timestamp(flg=0, timestamp=self.r.getrandbits(31))],
        ])

    def build(self, ver, src, dst, l4, proto, chain, ip_opts):
        if ver == 4:
            return self.ip4(src, dst, l4, options=ip_opts)
        if not chain:
            return self.ip6(src, dst, l4)
        # scapy fills next-header fields except for AH: build innermost first
        layers = []
        for j, h in enumerate(chain):
            nxt_name = chain[j + 1] if j + 1 < len(chain) else None
            nxt = {"hbh": 0, "dst": 60, "rt": 43, "frag": 44, "ah": 51, None: proto}[nxt_name]
            if h == "hbh":
                layers.append(IPv6ExtHdrHopByHop(nh=nxt))
            elif h == "dst":
                layers.append(IPv6ExtHdrDestOpt(nh=nxt))
            elif h == "rt":
                layers.append(IPv6ExtHdrRouting(nh=nxt, type=0, segleft=0, addresses=["2001:db8:ffff::1"]))
            elif h == "frag":
                layers.append(IPv6ExtHdrFragment(nh=nxt, offset=0, m=0, id=self.r.getrandbits(32)))
            elif h == "ah":   # 12-byte ICV: 24 bytes in all, payloadlen = 24/4 - 2
                layers.append(AH(nh=nxt, payloadlen=4, spi=self.r.randrange(256, 1 << 31), seq=1,
                                 icv=bytes(12)))
        pkt = IPv6(src=src, dst=dst, hlim=64, nh={"hbh": 0, "dst": 60, "rt": 43, "frag": 44, "ah": 51}[chain[0]])
        for layer in layers:
            pkt = pkt / layer
        return bytes(pkt / l4)

    # ---------------------------------------------------------------- scenarios
    def scen_mixed(self, nflows, npackets, duration, vlans=True):
        kinds = ["tcp4", "tcp6", "udp4", "udp6", "icmp4", "icmp6", "sctp4", "sctp6",
                 "ext6tcp", "ext6udp", "opt4tcp", "opt4udp", "frag4", "frag6"]
        weights = [20, 10, 14, 7, 6, 4, 2, 2, 5, 5, 4, 4, 6, 5]
        # every kind at least once when there is room
        plan = kinds[:] if nflows >= len(kinds) else []
        plan += self.r.choices(kinds, weights, k=nflows - len(plan))
        self.r.shuffle(plan)
        mins = [2 if k in ("tcp4", "tcp6", "ext6tcp", "opt4tcp", "frag4", "frag6") else 1 for k in plan]
        extra = npackets - sum(mins)
        if extra < 0:
            sys.exit("xfgen: --packets too small for --flows (need at least %d)" % sum(mins))
        # heavy-tailed split of the remaining packets
        w = [self.r.paretovariate(1.2) for _ in plan]
        tot = sum(w)
        alloc = [int(extra * x / tot) for x in w]
        for j in self.r.sample(range(len(plan)), extra - sum(alloc)):
            alloc[j] += 1
        span_t = duration * 0.95
        for kind, m, a in zip(plan, mins, alloc):
            n = m + a
            t0 = self.r.uniform(0, duration * 0.6)
            span = min(span_t - t0, 14.0 * n)
            tags = self.pick_tags(vlans)
            if kind in ("tcp4", "tcp6"):
                self.tcp_flow(4 if kind == "tcp4" else 6, t0, n, span, tags)
            elif kind in ("udp4", "udp6"):
                self.udp_flow(4 if kind == "udp4" else 6, t0, n, span, tags)
            elif kind in ("icmp4", "icmp6"):
                self.icmp_flow(4 if kind == "icmp4" else 6, t0, n, span, tags, reply=self.r.random() < 0.3)
            elif kind in ("sctp4", "sctp6"):
                self.sctp_flow(4 if kind == "sctp4" else 6, t0, n, span, tags)
            elif kind == "ext6tcp":
                self.tcp_flow(6, t0, n, span, tags, ext=True)
            elif kind == "ext6udp":
                self.udp_flow(6, t0, n, span, tags, ext=True)
            elif kind == "opt4tcp":
                self.tcp_flow(4, t0, n, span, tags, opts=True)
            elif kind == "opt4udp":
                self.udp_flow(4, t0, n, span, tags, opts=True)
            elif kind in ("frag4", "frag6"):
                self.udp_flow(4 if kind == "frag4" else 6, t0, n, span, tags, frag=True)

    def scen_malformed(self, nflows, npackets, duration):
        self.scen_mixed(nflows, npackets, duration)
        # good packets whose capture is cut after complete headers (snaplen): still flows
        for j in range(4):
            t = self.r.uniform(0, duration * 0.9)
            ver = 4 if j % 2 == 0 else 6
            i = self.nflow
            self.nflow += 1
            src, dst = self.addr(ver, 0, i), self.addr(ver, 1, i)
            sport, dport = 40000 + j, 80
            l4 = TCP(sport=sport, dport=dport, flags=ACK | PSH, seq=1, ack=1) / Raw(self.payload(600, 900))
            ip = self.ip4(src, dst, l4) if ver == 4 else self.ip6(src, dst, l4)
            hdr = 20 if ver == 4 else 40
            self.add(t, (ver, src, dst, 6, sport, dport), ip, ACK | PSH, (), mac=i,
                     frame=self.eth(ip[:hdr + 20 + self.r.randrange(0, 40)], 0x0800 if ver == 4 else 0x86DD, ()),
                     origlen=14 + len(ip))
        counts = {r: 0 for r in MALFORMED_REASONS}
        bad4 = lambda: str(ipaddress.IPv4Address(0x64400000 + self.r.randrange(1, 1 << 16)))   # 100.64/10
        bad6 = lambda: str(ipaddress.IPv6Address(0x20010db80bad00000000000000000000 + self.r.randrange(1, 1 << 32)))

        def emit(reason, frame, origlen=None):
            counts[reason] += 1
            self.add(self.r.uniform(0, duration * 0.95), None, None, frame=frame,
                     origlen=origlen if origlen is not None else max(len(frame), 60))

        def good4(pl=40):
            return bytearray(self.ip4(bad4(), bad4(), TCP(sport=self.r.randrange(1024, 65536), dport=443, flags=ACK)
                                      / Raw(self.payload(pl, pl))))

        def good6(pl=40, l4=None):
            return bytearray(self.ip6(bad6(), bad6(), l4 or (UDP(sport=self.r.randrange(1024, 65536), dport=53)
                                                             / Raw(self.payload(pl, pl)))))

        # truncated: the capture (caplen < wire length) ends inside the IP or transport header
        for cut in (1, 12, 19):
            ip = good4()
            emit("truncated", self.eth(bytes(ip[:cut]), 0x0800, (), pad=False), 14 + len(ip))
        for cut in (22, 23):
            ip = good4()
            emit("truncated", self.eth(bytes(ip[:cut]), 0x0800, (), pad=False), 14 + len(ip))
        for cut in (7, 39, 42):
            ip = good6()
            emit("truncated", self.eth(bytes(ip[:cut]), 0x86DD, (), pad=False), 14 + len(ip))
        ip = good4()
        emit("truncated", self.eth(bytes(ip[:16]), 0x0800, ((0x8100, 77),), pad=False), 18 + len(ip))
        # bad_ihl: IHL < 5 with otherwise sane lengths
        for ihl in (0, 1, 3, 4, 4, 2):
            ip = good4()
            ip[0] = 0x40 | ihl
            emit("bad_ihl", self.eth(bytes(ip), 0x0800, ()))
        # bad_total_length: below the header length, or beyond what the frame carries
        for tl in (0, 12, 19):
            ip = good4()
            ip[2:4] = struct.pack("!H", tl)
            emit("bad_total_length", self.eth(bytes(ip), 0x0800, ()))
        for extra in (1, 100, 1400, 65535):
            ip = good4()
            tl = min(len(ip) + extra, 65535) if extra != 65535 else 65535
            ip[2:4] = struct.pack("!H", tl)
            tags = ((0x8100, 10),) if extra == 100 else ()
            emit("bad_total_length", self.eth(bytes(ip), 0x0800, tags))
        # IPv4 options claiming more than IHL leaves (header length > total length)
        ip = good4()
        ip[0] = 0x4f            # IHL 15 = 60 bytes, total length 20+20+40 = 80 is fine ...
        ip[2:4] = struct.pack("!H", 40)   # ... but total length 40 < 60
        emit("bad_total_length", self.eth(bytes(ip), 0x0800, ()))
        # ipv6_ext_chain: the extension header chain runs past the IPv6 payload
        for variant in range(6):
            if variant == 0:      # hop-by-hop header claiming 24 bytes in an 8-byte payload
                body = bytes([17, 2]) + bytes(6)
            elif variant == 1:    # hop-by-hop then destination options claiming 2048 bytes
                body = bytes([60, 0]) + bytes([1, 4, 0, 0, 0, 0]) + bytes([6, 255]) + bytes(6)
            elif variant == 2:    # routing header cut in the middle
                body = bytes([6, 4, 0, 0]) + bytes(4)
                body = body[:6]
            elif variant == 3:    # hop-by-hop, destination options twice, then one cut short
                body = bytes([60, 0, 1, 4, 0, 0, 0, 0]) + bytes([60, 0, 1, 4, 0, 0, 0, 0]) * 2 \
                    + bytes([6, 0, 1, 4, 0, 0, 0, 0])[:4]
            elif variant == 4:    # AH whose length points past the payload
                body = bytes([17, 40, 0, 0]) + struct.pack("!II", 1234, 1) + bytes(4)
            else:                 # fragment header (8 bytes) cut after 5
                body = bytes([17, 0, 0, 0, 0])
            nh = {0: 0, 1: 0, 2: 43, 3: 0, 4: 51, 5: 44}[variant]
            hdr = struct.pack("!IHBB", 0x60000000, len(body), nh, 64) + ipaddress.IPv6Address(bad6()).packed \
                + ipaddress.IPv6Address(bad6()).packed
            emit("ipv6_ext_chain", self.eth(hdr + body, 0x86DD, ((0x88a8, 5), (0x8100, 6)) if variant == 1 else ()))
        # bad_version: neither 4 nor 6 in the version nibble
        for v, et in ((5, 0x0800), (0, 0x0800), (7, 0x0800), (15, 0x0800), (0, 0x86DD), (5, 0x86DD)):
            ip = good4() if et == 0x0800 else good6()
            ip[0] = (v << 4) | (ip[0] & 15)
            emit("bad_version", self.eth(bytes(ip), et, ()))
        # non-IP: ARP requests and replies (one VLAN-tagged)
        for j in range(7):
            arp = struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 1 if j % 2 == 0 else 2,
                              bytes([2, 0, 0, 0, 0, j]), bytes([192, 0, 2, j + 1]), bytes(6), bytes([192, 0, 2, 254]))
            emit("non_ip", self.eth(arp, 0x0806, ((0x8100, 20),) if j == 3 else ()))
        return counts

    def scen_timeouts(self):
        """Flows for the timer tests; returns the expected records (active 30 s, inactive 15 s)."""
        # 1. long UDP flow: a packet every 1.01 s for ~100 s (no packet within 0.3 s of a
        #    30 s boundary, so '>' and '>=' implementations agree): records of 30,30,30,10
        self.udp_flow(4, 0, 100, 0, times=[k * 1.01 for k in range(100)], sizes=(100, 100),
                      src="10.1.0.1", dst="10.2.0.1", sport=5000, dport=5001)
        # 2. UDP flow with a 40 s gap in the middle: 10 packets, 40 s of silence, 10 packets
        self.udp_flow(4, 0, 20, 0, times=[2 + k for k in range(10)] + [51 + k for k in range(10)],
                      sizes=(50, 50), src="10.1.0.2", dst="10.2.0.2", sport=6000, dport=6001)
        # 3. TCP ended by FIN, and by RST; more packets of the same 5-tuple 1 s later
        self.tcp_flow(4, 0, 5, 0, end="fin", times=[5, 5.1, 5.2, 5.3, 5.4],
                      src="10.1.0.3", dst="10.2.0.3", sport=7000, dport=80)
        self.tcp_flow(4, 0, 2, 0, end="none", syn=False, times=[6.4, 6.5], src="10.1.0.3", dst="10.2.0.3", sport=7000, dport=80)
        self.tcp_flow(4, 0, 4, 0, end="rst", times=[8, 8.1, 8.2, 8.3],
                      src="10.1.0.4", dst="10.2.0.4", sport=7001, dport=443)
        self.tcp_flow(4, 0, 3, 0, end="none", syn=False, times=[9.3, 9.4, 9.5], src="10.1.0.4", dst="10.2.0.4", sport=7001, dport=443)
        self.tcp_flow(6, 0, 4, 0, end="fin", times=[12, 12.2, 12.4, 12.6],
                      src="2001:db8:1::5", dst="2001:db8:2::5", sport=7002, dport=80)
        self.tcp_flow(6, 0, 1, 0, end="none", syn=False, times=[13.6], src="2001:db8:1::5", dst="2001:db8:2::5", sport=7002, dport=80)
        self.tcp_flow(6, 0, 3, 0, end="rstack", times=[20, 20.5, 21],
                      src="2001:db8:1::6", dst="2001:db8:2::6", sport=7003, dport=22)
        self.tcp_flow(6, 0, 2, 0, end="none", syn=False, times=[22, 22.1], src="2001:db8:1::6", dst="2001:db8:2::6", sport=7003, dport=22)
        # 4. 200 short flows (each shorter than 5 s, gaps below 2 s: one record each)
        for j in range(200):
            t0 = self.r.uniform(1, 95)
            n = self.r.randrange(1, 5)
            times = [t0 + x for x in sorted(self.r.uniform(0, 4.5) for _ in range(n - 1))]
            times = [t0] + times
            ver = 4 if j % 3 else 6
            kind = j % 4
            if kind == 0:
                self.udp_flow(ver, t0, n, 0, times=times)
            elif kind == 1:
                self.tcp_flow(ver, t0, n, 0, end="none", times=times)
            elif kind == 2:
                self.icmp_flow(ver, t0, n, 0, times=times)
            else:
                self.tcp_flow(ver, t0, max(n, 2), 0, end="fin", times=times if n >= 2 else [t0, t0 + 0.5])

    # ------------------------------------------------------------- output
    def eth(self, payload, ethertype, tags, mac=0, pad=True):
        hdr = b"\x02\x00\x00\x00\x00\x01" + struct.pack("!HI", 0x0200, 0x1000 + (mac & 0xfffffff))
        for tpid, vid in tags:
            hdr += struct.pack("!HH", tpid, vid)
        f = hdr + struct.pack("!H", ethertype) + payload
        if pad and len(f) < 60:
            f += bytes(60 - len(f))
        return f

    def frame_l2(self, p):
        """(smac, dmac) in front of the flow's IP packet, ('', '') without Ethernet."""
        if p.l2 is not None:
            return p.l2
        if self.linktype != "en10mb":
            return ("", "")
        n = 0x1000 + (p.mac & 0xfffffff)
        return ("02:00:%02x:%02x:%02x:%02x" % (n >> 24, (n >> 16) & 255, (n >> 8) & 255, n & 255),
                "02:00:00:00:00:01")

    def link(self, p):
        ip = p.ip
        v6 = (ip[0] >> 4) == 6
        lt = self.linktype
        if lt == "en10mb":
            return self.eth(ip, 0x86DD if v6 else 0x0800, p.tags, p.mac)
        proto = 0x86DD if v6 else 0x0800
        mac = struct.pack("!HI", 0x0200, 0x1000 + (p.mac & 0xfffffff))
        if lt == "sll":
            return struct.pack("!HHH8sH", (0, 4)[p.mac % 2], 1, 6, mac + b"\0\0", proto) + ip
        if lt == "sll2":
            return struct.pack("!HHIHBB8s", proto, 0, 1 + p.mac % 3, 1, (0, 4)[p.mac % 2], 6, mac + b"\0\0") + ip
        if lt == "raw":
            return ip
        if lt == "null":
            af = (24, 28, 30)[p.mac % 3] if v6 else 2
            return struct.pack("<I", af) + ip
        if lt == "ppp":
            return (b"\xff\x03" if p.mac % 2 else b"") + struct.pack("!H", 0x0057 if v6 else 0x0021) + ip
        raise ValueError(lt)

    def finish(self, out, truth, start_ns=START_NS):
        # final timestamps: sorted, strictly increasing nanoseconds
        self.pkts.sort(key=lambda p: (p.t, p.order))
        last = None
        for p in self.pkts:
            ns = start_ns + int(round(p.t * 1e9))
            if last is not None and ns <= last:
                ns = last + 1
            p.t = ns
            last = ns
        flows = {}
        with open(out, "wb") as f:
            f.write(struct.pack("<IHHiIII", 0xa1b23c4d, 2, 4, 0, 0, 262144, LINKTYPES[self.linktype]))
            for p in self.pkts:
                frame = p.frame if p.frame is not None else self.link(p)
                origlen = p.origlen if p.origlen is not None else len(frame)
                f.write(struct.pack("<IIII", p.t // 10**9, p.t % 10**9, len(frame), origlen))
                f.write(frame)
                if p.key is None:
                    continue
                e = flows.get(p.key)
                if e is None:
                    e = flows[p.key] = [len(flows), 0, 0, p.t, p.t, 0, 0, self.frame_l2(p) if self.l2cols else None]
                elif self.l2cols and e[7] != self.frame_l2(p):
                    raise SystemExit("xfgen: internal error: flow %s changes MAC addresses" % (p.key,))
                e[1] += 1
                e[2] += p.iplen
                e[4] = p.t
                e[5] |= p.flags
                e[6] += p.iplen if p.olen is None else p.olen
        with open(truth, "w", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(TRUTH_HEADER + (L2_HEADER if self.l2cols else []))
            for key, (fid, n, octets, first, lst, flags, ooct, l2) in sorted(flows.items(), key=lambda kv: kv[1][0]):
                ver, src, dst, proto, sport, dport = key
                outer = self.flowinfo.get(key, ("none",) + key)
                row = [fid, outer[0], self.vlan_of.get(key, ""), *outer[1:], ver, src, dst, proto, sport, dport,
                       n, octets, ooct, first, lst, flags]
                if self.l2cols:
                    row += [l2[0], l2[1], 0x0800 if ver == 4 else 0x86DD]
                w.writerow(row)
        return flows


def expected_records(pkts, active_s=30, inactive_s=15):
    """Reference metering: a record covers packets with t < first + active and gaps < inactive;
    TCP FIN or RST ends the record after that packet; what is left at end of file is forced."""
    act, ina = active_s * 10**9, inactive_s * 10**9
    live, out = {}, []

    def close(key, reason):
        e = live.pop(key)
        out.append((key, e[0], e[1], e[2], e[3], reason))

    for p in pkts:
        if p.key is None:
            continue
        now = p.t
        for key in [k for k, e in live.items() if now - e[3] >= ina]:
            close(key, 1)
        for key in [k for k, e in live.items() if now - e[2] >= act]:
            close(key, 2)
        e = live.get(p.key)
        if e is None:
            e = live[p.key] = [0, 0, now, now]
        e[0] += 1
        e[1] += p.iplen
        e[3] = now
        if p.key[3] == 6 and p.flags & (FIN | RST):
            close(p.key, 3)
    for key in sorted(live, key=lambda k: live[k][2]):
        close(key, 4)
    return sorted(out, key=lambda r: (r[3], r[0]))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-o", "--out", required=True, help="output pcap")
    ap.add_argument("-t", "--truth", required=True, help="truth CSV")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--scenario", default="mixed", choices=["mixed", "malformed", "timeouts", "tunnels"])
    ap.add_argument("--linktype", default="en10mb", choices=sorted(LINKTYPES))
    ap.add_argument("--flows", type=int, default=200, help="mixed/malformed/tunnels: number of flows (default 200)")
    ap.add_argument("--packets", type=int, default=2000, help="mixed/malformed/tunnels: packets (default 2000)")
    ap.add_argument("--duration", type=float, default=60.0,
                    help="mixed/malformed/tunnels: capture span in s (default 60)")
    a = ap.parse_args()
    if a.scenario in ("malformed", "tunnels") and a.linktype != "en10mb":
        ap.error("the %s scenario is Ethernet only" % a.scenario)
    if a.flows < 1 or a.packets < 1 or a.duration <= 0:
        ap.error("--flows, --packets and --duration must be positive")
    g = Gen(a.seed, a.linktype)
    base = os.path.splitext(a.truth)[0]
    g.l2cols = a.scenario in ("mixed", "tunnels")
    if a.scenario == "mixed":
        g.scen_mixed(a.flows, a.packets, a.duration)
    elif a.scenario == "tunnels":
        sys.dont_write_bytecode = True
        from xfgen_tunnel import scen_tunnels
        scen_tunnels(g, a.flows, a.packets, a.duration)
    elif a.scenario == "malformed":
        nf = max(14, a.flows // 4)
        counts = g.scen_malformed(nf, max(3 * nf, a.packets // 4), a.duration)
        with open(base + ".malformed.csv", "w", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(["reason", "count"])
            for r in MALFORMED_REASONS:
                w.writerow([r, counts[r]])
    else:
        g.scen_timeouts()
    flows = g.finish(a.out, a.truth)
    if a.scenario == "timeouts":
        with open(base + ".records.csv", "w", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(RECORD_HEADER)
            for key, n, octets, first, lst, reason in expected_records(g.pkts):
                w.writerow([key[1], key[2], key[3], key[4], key[5], n, octets, first, lst, reason])
    print("xfgen: %s: %d packets, %d flows, linktype %s -> %s, %s"
          % (a.scenario, len(g.pkts), len(flows), a.linktype, a.out, a.truth), file=sys.stderr)


if __name__ == "__main__":
    main()
