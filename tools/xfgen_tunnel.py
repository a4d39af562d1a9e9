"""xfgen_tunnel - the `tunnels` scenario of xfgen.py: tunnelled traffic with ground truth.

Header layouts are written from the RFCs (GRE 2784/2890, L2TPv2 2661, L2TPv3
3931, VXLAN 7348, GENEVE 8926, PPPoE 2516, ESP 4303); outer IP and UDP headers
come from scapy so their lengths and checksums are right. Every builder returns
bytes; scen_tunnels() drives xfgen's Gen to make the flows and then wraps each
inner IP packet into its tunnel.
"""
import ipaddress
import struct

from scapy.layers.inet import IP, UDP
from scapy.layers.inet6 import IPv6
from scapy.packet import Raw

ET_IP4, ET_IP6, ET_TEB, ET_PPPOE = 0x0800, 0x86DD, 0x6558, 0x8864
PPP_IP4, PPP_IP6 = 0x0021, 0x0057
L2TP_PORT, VXLAN_PORT, GENEVE_PORT = 1701, 4789, 6081

# encap name -> outer IP protocol; ENCAP_INDEX numbers the encaps for the outer address plan
OUTER_PROTO = {"gre": 47, "ipip": 4, "6in4": 41, "4in6": 4, "6in6": 41, "l2tp": 17, "l2tpv3": 115,
               "vxlan": 17, "geneve": 17, "esp": 50}
ENCAP_INDEX = {e: j + 1 for j, e in enumerate(sorted(OUTER_PROTO))}

# GRE flag combinations (C checksum, K key, S sequence); L2TPv2 optional fields
GRE_VARIANTS = ["", "K", "S", "C", "KS", "CK", "CS", "CKS"]
L2TP_VARIANTS = ["", "L", "S", "O", "LS", "LO", "SO", "LSO"]
# GENEVE: (protocol type, option words per option list)
GENEVE_VARIANTS = [(ET_TEB, ()), (ET_TEB, (1,)), (ET_IP4, ()), (ET_IP6, (2,)), (ET_TEB, (1, 3)),
                   (ET_IP4, (4,)), (ET_IP6, ()), (ET_TEB, (0,))]


def cksum(data):
    """Internet checksum (RFC 1071) of data."""
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def mac_str(m):
    return ":".join("%02x" % b for b in m)


def mac_bytes(prefix, n):
    """Locally administered MAC: two prefix octets, then n in the last four."""
    return struct.pack("!HI", prefix, n & 0xffffffff)


def ip_version(ip):
    return ip[0] >> 4


def outer_ip(ver, src, dst, proto, payload, ident):
    if ver == 4:
        return bytes(IP(src=src, dst=dst, ttl=64, id=ident, proto=proto) / Raw(payload))
    return bytes(IPv6(src=src, dst=dst, hlim=64, nh=proto) / Raw(payload))


def outer_udp(ver, src, dst, sport, dport, payload, ident, zero_csum=False):
    udp = UDP(sport=sport, dport=dport, chksum=0) if zero_csum and ver == 4 else UDP(sport=sport, dport=dport)
    if ver == 4:
        return bytes(IP(src=src, dst=dst, ttl=64, id=ident) / udp / Raw(payload))
    return bytes(IPv6(src=src, dst=dst, hlim=64) / udp / Raw(payload))


def gre(flags, ptype, payload, key=0, seq=0):
    """GRE header (RFC 2784, keys and sequence numbers of RFC 2890) + payload."""
    word = (0x8000 if "C" in flags else 0) | (0x2000 if "K" in flags else 0) | (0x1000 if "S" in flags else 0)
    h = struct.pack("!HH", word, ptype)
    if "C" in flags:
        h += bytes(4)                       # checksum, reserved1
    if "K" in flags:
        h += struct.pack("!I", key)
    if "S" in flags:
        h += struct.pack("!I", seq)
    if "C" in flags:
        h = h[:4] + struct.pack("!H", cksum(h + payload)) + h[6:]
    return h + payload


def ppp(ip, acf=True):
    """PPP frame (RFC 1661) with or without address/control ff 03."""
    return (b"\xff\x03" if acf else b"") + struct.pack("!H", PPP_IP6 if ip_version(ip) == 6 else PPP_IP4) + ip


def l2tp_data(tid, sid, payload, opts, ns=0, nr=0, offset=0):
    """L2TPv2 data message (RFC 2661 §3.1): T=0, Ver 2, optional Length, Ns/Nr, Offset."""
    word = 0x0002 | (0x4000 if "L" in opts else 0) | (0x0800 if "S" in opts else 0) | (0x0200 if "O" in opts else 0)
    body = struct.pack("!HH", tid, sid)
    if "S" in opts:
        body += struct.pack("!HH", ns, nr)
    if "O" in opts:
        body += struct.pack("!H", offset) + b"\xee" * offset   # offset size, then offset pad
    if "L" in opts:
        return struct.pack("!HH", word, 4 + len(body) + len(payload)) + body + payload
    return struct.pack("!H", word) + body + payload


def l2tp_control(tid, ns, nr, hello):
    """L2TPv2 control message: T, L and S set; a Hello (message type 6) or a ZLB ack."""
    avps = struct.pack("!HHHH", 0x8000 | 8, 0, 0, 6) if hello else b""
    body = struct.pack("!HHHH", tid, 0, ns, nr) + avps
    return struct.pack("!HH", 0xC802, 4 + len(body)) + body


def l2tpv3_data(session, frame):
    """L2TPv3 over IP data message (RFC 3931 §4.1.1.2): session id, no cookie, no L2-specific sublayer."""
    return struct.pack("!I", session) + frame


def l2tpv3_control(ccid, ns, nr, hello):
    """L2TPv3 over IP control message: session id 0, then T, L, S, Ver 3."""
    avps = struct.pack("!HHHH", 0x8000 | 8, 0, 0, 6) if hello else b""
    body = struct.pack("!IHH", ccid, ns, nr) + avps
    return bytes(4) + struct.pack("!HH", 0xC803, 4 + len(body)) + body


def vxlan(vni, frame):
    """VXLAN header (RFC 7348): I flag, 24-bit VNI."""
    return struct.pack("!II", 0x08000000, vni << 8) + frame


def geneve(vni, ptype, opt_words, payload):
    """GENEVE header (RFC 8926) with one option per entry of opt_words (option data length in words)."""
    opts = b""
    for j, w in enumerate(opt_words):
        opts += struct.pack("!HBB", 0x0101 + j, 0x10 + j, w) + bytes([0x40 + j]) * (4 * w)
    if len(opts) > 63 * 4:
        raise ValueError("geneve options too long")
    return struct.pack("!BBHI", len(opts) // 4, 0, ptype, vni << 8) + opts + payload


def pppoe_session(session, ip):
    """PPPoE session stage payload (RFC 2516): ver 1, type 1, code 0, length of the PPP payload."""
    body = struct.pack("!H", PPP_IP6 if ip_version(ip) == 6 else PPP_IP4) + ip
    return struct.pack("!BBHH", 0x11, 0, session, len(body)) + body


def eth_frame(dmac, smac, ip, pad):
    f = dmac + smac + struct.pack("!H", ET_IP6 if ip_version(ip) == 6 else ET_IP4) + ip
    if pad and len(f) < 60:
        f += bytes(60 - len(f))
    return f


class Tunnel:
    """One tunnel: encap, outer addresses and the per-tunnel identifiers."""

    def __init__(self, encap, over, ep, r):
        self.encap, self.over, self.ep = encap, over, ep
        e = ENCAP_INDEX[encap]
        if over == 4:   # 192.0.2.0/24 -> 203.0.113.0/24, 8 addresses per encap
            self.src = str(ipaddress.IPv4Address(0xc0000200 + e * 8 + ep + 1 - 8))
            self.dst = str(ipaddress.IPv4Address(0xcb007100 + e * 8 + ep + 1 - 8))
        else:           # 2001:db8:7e00:E::N -> 2001:db8:7f00:E::N
            self.src = str(ipaddress.IPv6Address((0x20010db87e000000 + e) << 64 | (ep + 1)))
            self.dst = str(ipaddress.IPv6Address((0x20010db87f000000 + e) << 64 | (ep + 1)))
        self.proto = OUTER_PROTO[encap]
        self.tid = r.randrange(1, 65536)          # L2TP tunnel id, GRE key base
        self.vni = r.randrange(1, 1 << 24)
        self.ns = 0
        self.sport = L2TP_PORT if encap == "l2tp" else 0
        self.dport = {"l2tp": L2TP_PORT, "vxlan": VXLAN_PORT, "geneve": GENEVE_PORT}.get(encap, 0)
        if encap == "geneve":
            self.sport = 49152 + r.randrange(0, 16384)


KINDS = ["none4", "none6", "gre4", "gre6", "ipip", "6in4", "4in6", "6in6", "l2tp", "l2tpv3", "vxlan",
         "geneve", "pppoe", "esp"]
WEIGHTS = [8, 5, 8, 4, 4, 4, 4, 4, 9, 6, 7, 8, 6, 3]
EPS = 3   # endpoint pairs per (encap, outer version)


def scen_tunnels(g, nflows, npackets, duration):
    """Fill Gen g with the `tunnels` scenario: returns nothing, g.flowinfo describes the encaps."""
    r = g.r
    tunnels = {}
    # the largest tunnel overhead is 94 octets (IPv6, UDP, GENEVE with 24 octets of options,
    # Ethernet) and the inner headers 60: outer IP packets stay below 1492 octets, frames
    # (with QinQ) within 1514, so the capture can be replayed through an MTU 1500 link
    g.max_payload = 1320

    def tunnel(encap, over):
        ep = r.randrange(EPS)
        t = tunnels.get((encap, over, ep))
        if t is None:
            t = tunnels[(encap, over, ep)] = Tunnel(encap, over, ep, r)
        return t

    # control flows: one per L2TPv2 / L2TPv3 tunnel pair, planned up front so they count in --flows
    nctl = 0
    if nflows >= 2 * len(KINDS) + 4:
        nctl = 4
    plan = KINDS[:] if nflows - nctl >= len(KINDS) else []
    plan += r.choices(KINDS, WEIGHTS, k=max(0, nflows - nctl - len(plan)))
    r.shuffle(plan)
    mins = [2 for _ in plan]
    extra = npackets - sum(mins) - 3 * nctl
    if extra < 0:
        raise SystemExit("xfgen: --packets too small for --flows (need at least %d)" % (sum(mins) + 3 * nctl))
    w = [r.paretovariate(1.2) for _ in plan]
    tot = sum(w)
    alloc = [int(extra * x / tot) for x in w]
    for j in r.sample(range(len(plan)), extra - sum(alloc)):
        alloc[j] += 1
    seen = {}
    span_t = duration * 0.95
    for kind, m, a in zip(plan, mins, alloc):
        n = m + a
        t0 = r.uniform(0, duration * 0.6)
        span = min(span_t - t0, 14.0 * n)
        tags = g.pick_tags(True)
        v = seen.get(kind, 0)
        seen[kind] = v + 1
        one_flow(g, kind, v, tunnel, t0, n, span, tags)
    # control messages of L2TPv2 (over UDP) and L2TPv3 (over IP): ordinary outer flows
    for j in range(nctl):
        encap, over = [("l2tp", 4), ("l2tpv3", 4), ("l2tpv3", 6), ("l2tp", 6)][j]
        # L2TPv2: the endpoints of a data tunnel. L2TPv3: endpoints of their own (a control
        # connection with no session yet), as tshark stops decoding a tunnel's data sessions
        # once it has seen its control connection without the session's pseudowire type
        used = sorted(k for k in tunnels if k[:2] == (encap, over))
        if encap == "l2tp" and used:
            t = tunnels[used[0]]
        else:
            t = Tunnel(encap, over, EPS, r)
        control_flow(g, t, r.uniform(0, duration * 0.5), 3, duration * 0.4, g.pick_tags(True))


def inner_flow(g, ver, t0, n, span, tags):
    """An ordinary TCP, UDP or ICMP flow; returns (key, first index into g.pkts)."""
    start = len(g.pkts)
    x = g.r.random()
    if x < 0.5:
        key = g.tcp_flow(ver, t0, n, span, tags)
    elif x < 0.9:
        # no source port a decoder could take for a tunnel (tshark decodes by either port)
        sport = g.r.randrange(1024, 65536)
        while sport in (L2TP_PORT, VXLAN_PORT, GENEVE_PORT):
            sport = g.r.randrange(1024, 65536)
        key = g.udp_flow(ver, t0, n, span, tags, sport=sport)
    else:
        key = g.icmp_flow(ver, t0, n, span, tags, reply=g.r.random() < 0.3)
    return key, start


def one_flow(g, kind, variant, tunnel, t0, n, span, tags):
    r = g.r
    if kind in ("none4", "none6"):
        inner_flow(g, 4 if kind == "none4" else 6, t0, n, span, tags)
        return
    if kind == "esp":
        # opaque: the flow is the outer packet; one SPI and one address pair per ESP flow
        over = 4 if variant % 3 != 2 else 6
        i = g.nflow
        g.nflow += 1
        j = variant % 127 + 1
        if over == 4:   # 198.51.100.0/25 -> 198.51.100.128/25
            src, dst = "198.51.100.%d" % j, "198.51.100.%d" % (128 + j)
        else:
            src, dst = "2001:db8:7e00:ff::%x" % j, "2001:db8:7f00:ff::%x" % j
        key = (over, src, dst, 50, 0, 0)
        spi, seq = r.randrange(256, 1 << 32), r.randrange(1, 1000)
        lo, hi = g.size_range()
        for k, tt in enumerate(g.gaps(t0, n, span)):
            body = struct.pack("!II", spi, seq + k) + g.payload(max(lo, 24), max(hi, 24))
            g.add(tt, key, outer_ip(over, src, dst, 50, body, g.next_id()), 0, tags, mac=i)
        g.flowinfo[key] = ("esp", over, src, dst, 50, 0, 0)
        return
    if kind == "pppoe":
        ver = 4 if variant % 2 == 0 else 6
        key, start = inner_flow(g, ver, t0, n, span, tags)
        session = r.randrange(1, 0xffff)
        for p in g.pkts[start:]:
            p.frame = g.eth(pppoe_session(session, p.ip), ET_PPPOE, p.tags, p.mac)
            p.olen = p.iplen
        g.flowinfo[key] = ("pppoe", ver, key[1], key[2], key[3], key[4], key[5])
        return
    # IP tunnels: choose outer version, inner version, encapsulation details
    if kind in ("gre4", "gre6"):
        encap, over, ver = "gre", 4 if kind == "gre4" else 6, 4 if variant % 2 == 0 else 6
    elif kind in ("ipip", "6in4", "4in6", "6in6"):
        encap = kind
        over = 4 if kind in ("ipip", "6in4") else 6
        ver = 4 if kind in ("ipip", "4in6") else 6
    else:
        encap = kind
        over = 6 if variant % 4 == 3 else 4
        ver = 4 if (variant // 2) % 2 == 0 else 6
    if encap == "geneve":
        ptype, opt_words = GENEVE_VARIANTS[variant % len(GENEVE_VARIANTS)]
        if ptype == ET_IP4:
            ver = 4
        elif ptype == ET_IP6:
            ver = 6
    t = tunnel(encap, over)
    key, start = inner_flow(g, ver, t0, n, span, tags)
    i = g.pkts[start].mac
    inner_dmac, inner_smac = mac_bytes(0x02bb, t.vni), mac_bytes(0x02aa, i)
    pad_inner = r.random() < 0.5
    sport, dport = t.sport, t.dport
    if encap == "vxlan":       # source port from a hash of the inner flow (RFC 7348 §5)
        sport = 49152 + (hash_key(key) & 0x3fff)
    elif encap == "l2tp" and variant % 3 == 2:
        sport = 1024 + (hash_key(key) % 60000)
    gre_flags = GRE_VARIANTS[variant % len(GRE_VARIANTS)]
    l2tp_opts = L2TP_VARIANTS[variant % len(L2TP_VARIANTS)]
    acf = (variant // len(L2TP_VARIANTS)) % 2 == 0
    session = r.randrange(1, 1 << 32)
    l2tp_sid = r.randrange(1, 65536)
    offset = r.choice([0, 1, 2, 5, 8])
    zero_csum = r.random() < 0.5
    gre_key = (t.tid << 8 | (variant & 0xff)) & 0xffffffff
    gre_seq = r.randrange(0, 1 << 31)
    inner_eth = False
    for k, p in enumerate(g.pkts[start:]):
        ip = p.ip
        ident = g.next_id()
        if encap == "gre":
            o = outer_ip(over, t.src, t.dst, 47, gre(gre_flags, ET_IP6 if ver == 6 else ET_IP4, ip, gre_key,
                                                     gre_seq + k), ident)
        elif encap in ("ipip", "6in4", "4in6", "6in6"):
            o = outer_ip(over, t.src, t.dst, 4 if ver == 4 else 41, ip, ident)
        elif encap == "l2tp":
            t.ns = (t.ns + 1) & 0xffff
            o = outer_udp(over, t.src, t.dst, sport, dport,
                          l2tp_data(t.tid, l2tp_sid, ppp(ip, acf), l2tp_opts, k & 0xffff, t.ns, offset), ident)
        elif encap == "l2tpv3":
            inner_eth = True
            o = outer_ip(over, t.src, t.dst, 115, l2tpv3_data(session, eth_frame(inner_dmac, inner_smac, ip,
                                                                                 pad_inner)), ident)
        elif encap == "vxlan":
            inner_eth = True
            o = outer_udp(over, t.src, t.dst, sport, dport, vxlan(t.vni, eth_frame(inner_dmac, inner_smac, ip,
                                                                                   pad_inner)), ident, zero_csum)
        elif encap == "geneve":
            inner_eth = ptype == ET_TEB
            pl = eth_frame(inner_dmac, inner_smac, ip, pad_inner) if inner_eth else ip
            o = outer_udp(over, t.src, t.dst, sport, dport, geneve(t.vni, ptype, opt_words, pl), ident)
        else:
            raise ValueError(encap)
        p.frame = g.eth(o, ET_IP6 if over == 6 else ET_IP4, p.tags, p.mac)
        p.olen = len(o)
        if inner_eth:
            p.l2 = (mac_str(inner_smac), mac_str(inner_dmac))
    osp, odp = (sport, dport) if t.proto == 17 else (0, 0)
    g.flowinfo[key] = (encap, over, t.src, t.dst, t.proto, osp, odp)


def control_flow(g, t, t0, n, span, tags):
    """L2TPv2 or L2TPv3 control messages between a tunnel's endpoints (Hello, then ZLB acks)."""
    i = g.nflow
    g.nflow += 1
    if t.encap == "l2tp":
        key = (t.over, t.src, t.dst, 17, L2TP_PORT, L2TP_PORT)
    else:
        key = (t.over, t.src, t.dst, 115, 0, 0)
    for k, tt in enumerate(g.gaps(t0, n, span)):
        if t.encap == "l2tp":
            ip = outer_udp(t.over, t.src, t.dst, L2TP_PORT, L2TP_PORT, l2tp_control(t.tid, k, k, k % 2 == 0),
                           g.next_id())
        else:
            ip = outer_ip(t.over, t.src, t.dst, 115, l2tpv3_control(t.tid << 8 | 1, k, k, k % 2 == 0), g.next_id())
        g.add(tt, key, ip, 0, tags, mac=i)
    g.flowinfo[key] = ("none",) + key


def hash_key(key):
    """A stable 32-bit hash of a flow key (Python's hash() of str is salted per run)."""
    h = 2166136261
    for b in repr(key).encode():
        h = ((h ^ b) * 16777619) & 0xffffffff
    return h
