#!/usr/bin/env python3
"""Expected flows of a capture, computed from tshark's dissection.

tshark dissects every frame (PDML output, which gives each field's value
and byte position); this script then applies xflowd's metering rules to the
OUTERMOST IP header of each frame:

  key      = (ip version, src, dst, protocol, sport, dport), no tunnel
             decapsulation: GRE/IPIP/6in4 are flows of the outer header,
             ports 0.  An ICMP error's embedded header is not a packet.
  link     = Ethernet / Linux cooked v1, v2 / raw IP; 802.1Q, 802.1ad and
             0x9100 tags are skipped, PPPoE session frames carrying PPP
             IPv4/IPv6 are parsed.  The IP version must be the one the link
             layer announces (a version-6 header behind ethertype 0x0800 is
             not an IPv4 packet); raw IP (DLT 12/14/101) goes by the nibble.
  ports    = TCP, UDP, SCTP; ICMP/ICMPv6: sport 0, dport type*256+code;
             anything else (UDP-Lite included) 0/0.  IPv4 fragments with
             offset > 0 and IPv6 non-first fragments: ports 0, protocol as
             announced (after the IPv6 fragment header).
  ipv6     = hop-by-hop 0, routing 43, fragment 44, destination options 60,
             AH 51 are walked; anything else (mobility 135, ESP, ...) is
             the flow's protocol.
  octets   = IPv4 total length, or IPv6 payload length + 40.
  dropped  = IP header or L4 fixed header truncated, IHL < 5, IPv4 total
             length < IHL*4 or > bytes on the wire after the link header
             (frame length, not captured length), or an IPv6 extension
             chain running past the data.

Where the rules leave room, this follows tshark's reading (and RFC 2675):
  - "the data" of a packet ends where the captured bytes end or where the
    IP packet ends (total length; 40 + payload length), whichever is
    first: a transport header lying in link-layer padding after the IP
    packet is truncated (tshark marks it malformed too);
  - an IPv6 jumbogram (payload length 0, hop-by-hop header carrying a Jumbo
    Payload option) has the option's length as its payload length;
  - like IPv4's total length, an IPv6 payload length reaching past the
    bytes on the wire makes the packet malformed.
tshark is run with its TSO guesses off, so that length fields read as sent.

Usage:
  tshark_flows.py [--dlt N] FILE            expected flows, one per line:
                                            v src dst proto sport dport packets octets
  tshark_flows.py [--dlt N] --packets FILE  one line per frame: decision and
                                            tshark's own malformed/expert notes
  tshark_flows.py [--dlt N] --json OUT FILE write flows and per-frame notes
Without --dlt the link type is read from the file header.
"""

import argparse
import ipaddress
import json
import os
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET

# Link types (as stored in the capture file, low 16 bits) whose flows are
# compared, and the tshark protocol that dissects their link header.
LINK_PROTO = {
    1: "eth",      # LINKTYPE_ETHERNET
    113: "sll",    # LINKTYPE_LINUX_SLL
    276: "sll",    # LINKTYPE_LINUX_SLL2 (tshark names it "sll" as well)
    12: "raw",     # DLT_RAW as written by some platforms
    14: "raw",
    101: "raw",    # LINKTYPE_RAW
    228: None,     # LINKTYPE_IPV4: the IP header starts the frame
    229: None,     # LINKTYPE_IPV6
}
COMPARED_LINKTYPES = frozenset(LINK_PROTO)

# Tags between the link header and IP (tshark: "vlan" covers 0x8100 and
# 0x9100, "ieee8021ad" 0x88a8).
TAG_PROTOS = ("vlan", "ieee8021ad")

# Fixed L4 header sizes: a shorter remainder is a truncated header.
L4_HEADER = {6: 20, 17: 8, 132: 12, 1: 8, 58: 4}
L4_PROTO = {6: "tcp", 17: "udp", 132: "sctp", 1: "icmp", 58: "icmpv6"}

# IPv6 extension headers walked to find the upper-layer protocol:
# next header -> tshark protocol element.
IPV6_EXT = {0: "ipv6.hopopts", 43: "ipv6.routing", 44: "ipv6.fraghdr",
            60: "ipv6.dstopts", 51: "ah"}


def file_linktype(path):
    """Link type of a pcap file or of the first interface of a pcapng file."""
    with open(path, "rb") as f:
        head = f.read(1 << 16)
    if len(head) < 24:
        return None
    magic = head[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1", b"\x34\xcd\xb2\xa1"):
        return struct.unpack("<I", head[20:24])[0] & 0xFFFF
    if magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d", b"\xa1\xb2\xcd\x34"):
        return struct.unpack(">I", head[20:24])[0] & 0xFFFF
    if magic == b"\x0a\x0d\x0d\x0a":
        end = "<" if head[8:12] == b"\x4d\x3c\x2b\x1a" else ">"
        off = 0
        while off + 12 <= len(head):
            btype, blen = struct.unpack(end + "II", head[off:off + 8])
            if btype == 1:  # interface description block
                return struct.unpack(end + "H", head[off + 8:off + 10])[0]
            if blen < 12:
                break
            off += blen
    return None


def tshark_pdml(path, tshark="tshark"):
    cmd = [tshark, "-n", "-r", path,
           "-o", "ip.defragment:FALSE", "-o", "ipv6.defragment:FALSE",
           "-o", "ip.tso_support:FALSE", "-o", "ipv6.tso_support:FALSE",
           "-T", "pdml"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL)
    try:
        for _, el in ET.iterparse(proc.stdout):
            if el.tag == "packet":
                yield el
                el.clear()
    finally:
        proc.stdout.close()
        proc.wait()


def field(el, name):
    """First field called name below el (document order), or None."""
    for f in el.iter("field"):
        if f.get("name") == name:
            return f
    return None


def fint(el, name):
    f = field(el, name)
    if f is None:
        return None
    s = f.get("show", "")
    try:
        return int(s, 0)
    except ValueError:
        return None


def fhex(el, name):
    """A whole-octet field as sent (its raw bytes), e.g. a length field
    that tshark's show= might have replaced by a guess."""
    f = field(el, name)
    if f is None:
        return None
    try:
        return int(f.get("value", ""), 16)
    except ValueError:
        return None


def fstr(el, name):
    f = field(el, name)
    return None if f is None else f.get("show")


def tshark_notes(pkt):
    """tshark's own verdict: malformed/short markers and expert messages
    of the IP and transport layers, for diagnostics only."""
    notes = []
    for p in pkt.iter("proto"):
        if p.get("name") == "_ws.malformed":
            notes.append("malformed:" + (p.get("showname") or ""))
        elif p.get("name") == "_ws.short":
            notes.append("short")
    for p in pkt.findall("proto"):
        if p.get("name") in ("ip", "ipv6", "tcp", "udp", "sctp", "icmp",
                             "icmpv6"):
            for f in p.iter("field"):
                if f.get("name") == "_ws.expert":
                    m = field(f, "_ws.expert.message")
                    if m is not None:
                        notes.append("%s:%s" % (p.get("name"), m.get("show")))
    return notes


def norm_addr(s):
    return str(ipaddress.ip_address(s))


class Skip(Exception):
    """The frame yields no flow; the message says why."""


def find_ip(protos, linktype):
    """Index of the outermost IP element if the link path is one xflowd
    parses, else raise Skip."""
    names = [p.get("name") for p in protos]
    i = 0
    link = LINK_PROTO[linktype]
    if link is not None:
        if not names or names[0] != link:
            raise Skip("link header not dissected")
        i = 1
    if linktype in (228, 229):
        want = "ip" if linktype == 228 else "ipv6"
        if not names or names[0] != want:
            raise Skip("link type %d, tshark found %s" % (
                linktype, names[0] if names else "nothing"))
        return 0
    if link == "raw":
        if i < len(names) and names[i] in ("ip", "ipv6"):
            return i
        raise Skip("raw frame is not IPv4/IPv6")
    while i < len(names) and names[i] in TAG_PROTOS:
        i += 1
    if i + 1 < len(names) and names[i] == "pppoes" and names[i + 1] == "ppp":
        i += 2
    if i < len(names) and names[i] in ("ip", "ipv6"):
        return i
    raise Skip("not IP: " + ":".join(names[:i + 1]))


class RawFrames:
    """Frame bytes from a second tshark pass (JSON with -x), fetched only
    for a frame where tshark's dissection stopped before a header that is
    inside both the captured bytes and the IP packet (tshark gives up on a
    layer for reasons of its own, e.g. an exception in an earlier option),
    so that such a frame is still judged by the rules."""

    def __init__(self, path, tshark):
        self.path, self.tshark, self.frames = path, tshark, None

    def get(self, num):
        if self.frames is None:
            self.frames = {}
            out = subprocess.run(
                [self.tshark, "-n", "-r", self.path, "-T", "json", "-x",
                 "-j", "frame"], stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL).stdout
            try:
                for pkt in json.loads(out or b"[]"):
                    layers = pkt["_source"]["layers"]
                    n = int(layers["frame"]["frame.number"])
                    self.frames[n] = bytes.fromhex(layers["frame_raw"][0])
            except (ValueError, KeyError, TypeError, IndexError):
                pass
        return self.frames.get(num)


class Frame:
    def __init__(self, pkt, raw):
        gen = pkt.find("proto[@name='geninfo']")
        self.num = fint(gen, "num")
        self.wire = fint(gen, "len")
        self.cap = fint(gen, "caplen")
        self.protos = [p for p in pkt.findall("proto")
                       if p.get("name") not in ("geninfo", "frame")]
        self.raw = raw
        self.fallback = []  # headers read from raw bytes, for the notes

    def rawbytes(self, what):
        b = self.raw.get(self.num) if self.raw else None
        if b is None or len(b) != self.cap:
            raise Skip("tshark did not dissect %s and no raw bytes" % what)
        self.fallback.append(what)
        return b


def l4_ports(fr, idx, l4pos, proto, end):
    """Ports of the transport header at l4pos: tshark's dissection, or the
    raw bytes where tshark stopped short of it."""
    need = L4_HEADER.get(proto)
    if need is None:
        return 0, 0
    if end - l4pos < need:
        raise Skip("L4 header truncated (%d < %d)" % (end - l4pos, need))
    name = L4_PROTO[proto]
    el = None
    for p in fr.protos[idx + 1:]:
        if p.get("name") == name and int(p.get("pos", -1)) == l4pos:
            el = p
            break
    if proto in (1, 58):
        t = c = None
        if el is not None:
            t, c = fint(el, name + ".type"), fint(el, name + ".code")
        if t is None or c is None:
            b = fr.rawbytes(name)
            t, c = b[l4pos], b[l4pos + 1]
        return 0, t * 256 + c
    s = d = None
    if el is not None:
        s, d = fint(el, name + ".srcport"), fint(el, name + ".dstport")
    if s is None or d is None:
        b = fr.rawbytes(name)
        s, d = struct.unpack(">HH", b[l4pos:l4pos + 4])
    return s, d


def ipv6_ext(fr, ext, nh, off):
    """(next header, size, fragment offset) of the extension header nh at
    off, from tshark's element or else the raw bytes."""
    name = IPV6_EXT[nh]
    vals = None
    if ext is not None and ext.get("name") == name:
        if nh == 44:
            vals = fint(ext, name + ".nxt"), fint(ext, name + ".offset")
        elif nh == 51:
            vals = fint(ext, "ah.next_header"), fint(ext, "ah.length")
        else:
            vals = fint(ext, name + ".nxt"), fint(ext, name + ".len")
    if vals is None or None in vals:
        b = fr.rawbytes(name)
        if nh == 44:
            vals = b[off], struct.unpack(">H", b[off + 2:off + 4])[0] >> 3
        else:
            vals = b[off], b[off + 1]
    nxt, v = vals
    if nh == 44:
        return nxt, 8, v
    if nh == 51:
        return nxt, (v + 2) * 4, 0
    return nxt, (v + 1) * 8, 0


def flow_of(fr, linktype):
    """(key, octets) of one frame, or raise Skip."""
    protos = fr.protos
    idx = find_ip(protos, linktype)
    ip = protos[idx]
    pos = int(ip.get("pos"))
    cap_after = fr.cap - pos
    wire_after = fr.wire - pos
    if ip.get("name") == "ip":
        if fint(ip, "ip.version") != 4:
            raise Skip("IPv4 link type, IP version %s" % fint(ip, "ip.version"))
        if cap_after < 20:
            raise Skip("IPv4 header truncated")
        hl, tl = fint(ip, "ip.hdr_len"), fhex(ip, "ip.len")
        proto, frag = fint(ip, "ip.proto"), fint(ip, "ip.frag_offset")
        src, dst = fstr(ip, "ip.src"), fstr(ip, "ip.dst")
        if hl is not None and hl < 20:
            raise Skip("IHL < 5")
        if hl is not None and tl is not None and tl < hl:
            raise Skip("total length %d < header length %d" % (tl, hl))
        if None in (hl, tl, proto, frag, src, dst):
            raise Skip("tshark gave no IPv4 header fields")
        if cap_after < hl:
            raise Skip("IPv4 options truncated")
        if tl > wire_after:
            raise Skip("total length %d > %d bytes on the wire"
                       % (tl, wire_after))
        end = min(fr.cap, pos + tl)
        key = (4, norm_addr(src), norm_addr(dst), proto)
        if frag > 0:
            return key + (0, 0), tl
        return key + l4_ports(fr, idx, pos + hl, proto, end), tl

    # IPv6
    if fint(ip, "ipv6.version") != 6:
        raise Skip("IPv6 version %s" % fint(ip, "ipv6.version"))
    if cap_after < 40:
        raise Skip("IPv6 header truncated")
    plen, nh = fhex(ip, "ipv6.plen"), fint(ip, "ipv6.nxt")
    src, dst = fstr(ip, "ipv6.src"), fstr(ip, "ipv6.dst")
    if None in (plen, nh, src, dst):
        raise Skip("tshark gave no IPv6 header fields")
    exts = {}
    for p in ip.iter("proto"):
        if p is not ip and p.get("name") in IPV6_EXT.values():
            exts.setdefault(int(p.get("pos", -1)), p)
    if plen == 0 and nh == 0 and exts.get(pos + 40) is not None:
        # RFC 2675 jumbogram: the Jumbo Payload option has the length
        jumbo = fint(exts[pos + 40], "ipv6.opt.jumbo")
        if jumbo is not None:
            plen = jumbo
    if plen + 40 > wire_after:
        raise Skip("payload length %d + 40 > %d bytes on the wire"
                   % (plen, wire_after))
    octets = plen + 40
    end = min(fr.cap, pos + 40 + plen)
    key = (6, norm_addr(src), norm_addr(dst))
    off = pos + 40
    while nh in IPV6_EXT:
        # every extension header is at least 8 octets long
        if off + 8 > end:
            raise Skip("IPv6 extension chain runs past the data")
        nxt, size, fragoff = ipv6_ext(fr, exts.get(off), nh, off)
        if nh == 44 and fragoff > 0:
            return key + (nxt, 0, 0), octets
        if off + size > end:
            raise Skip("IPv6 extension chain runs past the data")
        off += size
        nh = nxt
    return key + (nh,) + l4_ports(fr, idx, off, nh, end), octets


def expected_flows(path, linktype=None, tshark="tshark"):
    """Return (flows, frames): flows maps key -> [packets, octets, [frame
    numbers]]; frames is a list of (frame number, key or None, reason,
    notes), notes being tshark's malformed/expert verdicts plus the headers
    read from raw bytes."""
    if linktype is None:
        linktype = file_linktype(path)
    if linktype not in COMPARED_LINKTYPES:
        raise ValueError("link type %s is not compared" % linktype)
    flows, frames = {}, []
    raw = RawFrames(path, tshark)
    for pkt in tshark_pdml(path, tshark):
        fr = Frame(pkt, raw)
        try:
            key, octets = flow_of(fr, linktype)
        except Skip as e:
            key, reason = None, str(e)
        else:
            reason = ""
            fl = flows.setdefault(key, [0, 0, []])
            fl[0] += 1
            fl[1] += octets
            fl[2].append(fr.num)
        notes = tshark_notes(pkt) + ["raw bytes for " + w
                                     for w in fr.fallback]
        frames.append((fr.num, key, reason, notes))
    return flows, frames


def key_str(key):
    return " ".join(str(k) for k in key)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("file")
    ap.add_argument("--dlt", type=int, help="link type (default: from file)")
    ap.add_argument("--packets", action="store_true",
                    help="print the decision for every frame")
    ap.add_argument("--json", metavar="OUT",
                    help="write flows and frame notes as JSON to OUT")
    ap.add_argument("--tshark", default=os.environ.get("TSHARK", "tshark"))
    a = ap.parse_args()
    flows, frames = expected_flows(a.file, a.dlt, a.tshark)
    if a.json:
        out = {
            "flows": [[list(k), v[0], v[1], v[2]] for k, v in flows.items()],
            "skipped": [[n, r, notes] for n, k, r, notes in frames
                        if k is None],
            "notes": {str(n): notes for n, k, r, notes in frames if notes},
        }
        tmp = a.json + ".tmp"
        with open(tmp, "w") as f:
            json.dump(out, f)
        os.replace(tmp, a.json)
    elif a.packets:
        for n, k, r, notes in frames:
            what = key_str(k) if k else "skip: " + r
            print("%s\t%s%s" % (n, what,
                                "\t[" + "; ".join(notes) + "]" if notes else ""))
    else:
        for k in sorted(flows, key=lambda k: [str(x) for x in k]):
            print("%s %d %d" % (key_str(k), flows[k][0], flows[k][1]))


if __name__ == "__main__":
    main()
