#!/usr/bin/python3
"""msgcheck.py - check the message layer of a NetFlow v1 / v5 / v7 / v9 / IPFIX
export.

usage: msgcheck.py EXPORT.pcap --version 1|5|7|9|10 [--records OUT.csv]
                   [--domain-id N] [--mtu 1500] [--time-range FIRST_NS LAST_NS]
                   [--need-sysinit]

EXPORT.pcap is a capture of one exporter's datagrams to one collector
(udpsink.py output: raw IPv4/IPv6 + UDP). This is a small decoder of our own,
written from RFC 3954 / RFC 7011 and Cisco's v1, v5 and v7 layouts,
independent of xflowd's code. It checks, in the order the messages were
received:
  v5:    version 5, count 1..30, length 24 + 48*count, flow_sequence = flows
         sent before this datagram, no record's Last after sysUptime;
  v7:    the same with count 1..28, length 24 + 52*count, reserved octets,
         flags and router_sc 0;
  v1:    count 1..24, length 16 + 48*count (no sequence number);
  v9:    version 9, count = template + options template + data + options data
         records in the packet, sequence = export packets sent before (0,1,..),
         source id = --domain-id, template ids >= 256, data only after its
         template, flowset lengths consistent;
  IPFIX: version 10, length = datagram length, sequence = data records
         (options data included) sent before, starting at 0, observation
         domain = --domain-id, template ids >= 256, sets consistent, data only
         after its template, an options record with systemInitTimeMilliseconds
         (160) when --need-sysinit;
  all:   UDP payload <= MTU - 28 (IPv4) or MTU - 48 (IPv6), and with
         --time-range every flow's absolute start/end (from sysUptime and the
         header's UNIX time, or from systemInitTimeMilliseconds) within the
         pcap's first..last packet time (1 s of slack: v9 headers carry seconds).
--records writes the decoded flow records (src,dst,proto,sport,dport,packets,
octets,first_ms,last_ms,reason) for compare.py. Exit 0 when every check passed.
"""
import argparse
import csv
import ipaddress
import struct
import sys

# Cisco's fixed-record formats: header octets, record octets, records at
# most, flow_sequence in the header, then the record after its first 36
# octets (addresses, next hop, interfaces, counters, times, ports) as a
# struct format and the names of its fields
FIXED = {
    1: (16, 48, 24, False, "!2xBBB3x4x", ("proto", "tos", "flags")),
    5: (24, 48, 30, True, "!xBBBHHBBxx", ("flags", "proto", "tos", "src_as", "dst_as", "src_mask", "dst_mask")),
    7: (24, 52, 28, True, "!BBBBHHBBHI", ("flags1", "flags", "proto", "tos", "src_as", "dst_as", "src_mask",
                                          "dst_mask", "flags2", "router_sc")),
}


def read_pcap(path):
    """-> list of (ts_ns, src_is_v6, udp_payload)."""
    out = []
    with open(path, "rb") as f:
        gh = f.read(24)
        magic = struct.unpack("<I", gh[:4])[0]
        if magic in (0xa1b2c3d4, 0xa1b23c4d):
            e = "<"
        else:
            e = ">"
            magic = struct.unpack(">I", gh[:4])[0]
        nano = magic == 0xa1b23c4d
        linktype = struct.unpack(e + "I", gh[20:24])[0]
        while True:
            h = f.read(16)
            if len(h) < 16:
                break
            s, frac, caplen, _ = struct.unpack(e + "IIII", h)
            data = f.read(caplen)
            if linktype == 1:
                data = data[14:]
            ver = data[0] >> 4
            if ver == 4:
                ihl = (data[0] & 15) * 4
                udp = data[ihl:]
            else:
                udp = data[40:]
            ulen = struct.unpack("!H", udp[4:6])[0]
            out.append((s * 10**9 + (frac if nano else frac * 1000), ver == 6, udp[8:ulen]))
    return out


class Checker:
    def __init__(self, a):
        self.a = a
        self.errors = []
        self.templates = {}        # id -> list of (ie, length, enterprise)
        self.options = set()       # ids of options templates
        self.records = []
        self.sysinit = []          # systemInitTimeMilliseconds values seen
        self.opt_records = 0
        self.data_records = 0
        self.tmpl_records = 0
        self.msgs = 0
        self.max_payload = 0
        self.bases = []            # v5/v9: UNIX time minus sysUptime of each header (ms)

    def err(self, i, msg):
        if len(self.errors) < 200:
            self.errors.append("message %d: %s" % (i, msg))

    # ---------------------------------------------------------- field decoding
    def decode_record(self, fields, buf, off):
        """-> (dict ie->value, new offset) or (None, off) if it does not fit."""
        rec = {}
        for ie, ln, pen in fields:
            if ln == 0xffff:
                if off >= len(buf):
                    return None, off
                ln = buf[off]
                off += 1
                if ln == 255:
                    if off + 2 > len(buf):
                        return None, off
                    ln = struct.unpack("!H", buf[off:off + 2])[0]
                    off += 2
            if off + ln > len(buf):
                return None, off
            v = buf[off:off + ln]
            off += ln
            if pen:
                continue
            if ie in (8, 12, 15):
                rec[ie] = str(ipaddress.IPv4Address(v)) if ln == 4 else v
            elif ie in (27, 28, 62):
                rec[ie] = str(ipaddress.IPv6Address(v)) if ln == 16 else v
            elif ie in (82, 83):
                rec[ie] = v
            else:
                rec[ie] = int.from_bytes(v, "big")
        return rec, off

    def flow_from(self, rec, hdr_ms_base, i):
        """Turn a decoded data record into a flow row; hdr_ms_base(sysuptime_ms) -> abs ms."""
        src = rec.get(8, rec.get(27))
        dst = rec.get(12, rec.get(28))
        if src is None or dst is None:
            return
        pk = rec.get(2, rec.get(3))
        oc = rec.get(1, rec.get(85))
        if pk is None or oc is None:
            self.err(i, "flow record without packet or octet counter: %s" % sorted(rec))
            return
        first = last = None
        if 152 in rec and 153 in rec:
            first, last = rec[152], rec[153]
        elif 150 in rec and 151 in rec:
            first, last = rec[150] * 1000, rec[151] * 1000
        elif 22 in rec and 21 in rec:
            base = hdr_ms_base()
            if base is not None:
                first, last = base + rec[22], base + rec[21]
        dport = rec.get(11, 0)
        if rec.get(4) in (1, 58) and not dport:
            dport = rec.get(32, rec.get(139, 0))
        self.records.append(dict(src=src, dst=dst, proto=rec.get(4, 0), sport=rec.get(7, 0), dport=dport,
                                 packets=pk, octets=oc, first_ms=first, last_ms=last, reason=rec.get(136, "")))

    # ------------------------------------------------------- v1, v5, v7
    def fixed(self, i, m):
        ver = struct.unpack("!H", m[:2])[0]
        hl, rl, most, has_seq, tail, names = FIXED[ver]
        if len(m) < hl:
            return self.err(i, "v%d datagram of %d bytes" % (ver, len(m)))
        _, count, uptime, secs, nsecs = struct.unpack("!HHIII", m[:16])
        if not 1 <= count <= most:
            self.err(i, "v%d count %d outside 1..%d" % (ver, count, most))
        if len(m) != hl + rl * count:
            self.err(i, "v%d length %d != %d + %d * count %d" % (ver, len(m), hl, rl, count))
        if has_seq:
            seq = struct.unpack("!I", m[16:20])[0]
            if seq != self.data_records:
                self.err(i, "v%d flow_sequence %d, expected %d (flows sent before)" % (ver, seq, self.data_records))
        if ver == 7 and m[20:24] != bytes(4):
            self.err(i, "v7 reserved header octets %s, expected 0" % m[20:24].hex())
        base = lambda: secs * 1000 + nsecs // 10**6 - uptime
        self.bases.append((i, secs * 1000 + nsecs / 1e6 - uptime))
        for r in range(min(count, (len(m) - hl) // rl)):
            o = hl + rl * r
            (sa, da, nh, inp, outp, pk, oc, first, last, sp, dp), rest = \
                struct.unpack("!4s4s4sHHIIIIHH", m[o:o + 36]), struct.unpack(tail, m[o + 36:o + rl])
            f = dict(zip(names, rest))
            # v7: every field valid (flags 0), no router bypassed
            for k in ("flags1", "flags2", "router_sc"):
                if f.get(k, 0):
                    self.err(i, "v7 record %d: %s %d, expected 0" % (r, k, f[k]))
            if last > uptime:
                self.err(i, "v%d record %d: Last %d after the header's sysUptime %d" % (ver, r, last, uptime))
            self.records.append(dict(src=str(ipaddress.IPv4Address(sa)), dst=str(ipaddress.IPv4Address(da)),
                                     proto=f["proto"], sport=sp, dport=dp, packets=pk, octets=oc,
                                     first_ms=base() + first,
                                     last_ms=base() + last, reason=""))
        self.data_records += count

    # ------------------------------------------------------------------- v9
    def v9(self, i, m):
        if len(m) < 20:
            return self.err(i, "v9 datagram of %d bytes" % len(m))
        ver, count, uptime, secs, seq, srcid = struct.unpack("!HHIIII", m[:20])
        if seq != self.msgs:
            self.err(i, "v9 sequence %d, expected %d (export packets sent before)" % (seq, self.msgs))
        if self.a.domain_id is not None and srcid != self.a.domain_id:
            self.err(i, "v9 source id %d, expected %d" % (srcid, self.a.domain_id))
        base = lambda: secs * 1000 - uptime
        self.bases.append((i, secs * 1000 - uptime))
        n, off = 0, 20
        while off + 4 <= len(m):
            fsid, fslen = struct.unpack("!HH", m[off:off + 4])
            if fslen < 4 or off + fslen > len(m):
                self.err(i, "v9 flowset id %d length %d runs past the datagram (%d left)" % (fsid, fslen, len(m) - off))
                break
            body, off = m[off + 4:off + fslen], off + fslen
            if fsid == 0:
                p = 0
                while p + 4 <= len(body):
                    tid, fc = struct.unpack("!HH", body[p:p + 4])
                    if tid == 0 and fc == 0:
                        break          # padding
                    if p + 4 + 4 * fc > len(body):
                        self.err(i, "v9 template %d truncated" % tid)
                        break
                    if tid < 256:
                        self.err(i, "v9 template id %d < 256" % tid)
                    self.templates[tid] = [struct.unpack("!HH", body[p + 4 + 4 * j:p + 8 + 4 * j]) + (False,)
                                           for j in range(fc)]
                    self.options.discard(tid)
                    p += 4 + 4 * fc
                    n += 1
                    self.tmpl_records += 1
            elif fsid == 1:
                p = 0
                while p + 6 <= len(body):
                    tid, slen, olen = struct.unpack("!HHH", body[p:p + 6])
                    if tid == 0:
                        break
                    if slen % 4 or olen % 4 or p + 6 + slen + olen > len(body):
                        self.err(i, "v9 options template %d: bad scope/option lengths %d/%d" % (tid, slen, olen))
                        break
                    if tid < 256:
                        self.err(i, "v9 options template id %d < 256" % tid)
                    fl = [struct.unpack("!HH", body[p + 6 + 4 * j:p + 10 + 4 * j]) + (False,)
                          for j in range((slen + olen) // 4)]
                    # scope field types (1 system, 2 interface, ...) must not be read as IEs
                    nscope = slen // 4
                    self.templates[tid] = [(-1 - f[0], f[1], False) if j < nscope else f for j, f in enumerate(fl)]
                    self.options.add(tid)
                    p += 6 + slen + olen
                    n += 1
                    self.tmpl_records += 1
            elif fsid >= 256:
                fl = self.templates.get(fsid)
                if fl is None:
                    self.err(i, "v9 data flowset %d before its template" % fsid)
                    continue
                rl = sum(x[1] for x in fl)
                p = 0
                while rl > 0 and p + rl <= len(body):
                    rec, p = self.decode_record(fl, body, p)
                    n += 1
                    if fsid in self.options:
                        self.opt_records += 1
                        if 160 in rec:
                            self.sysinit.append(rec[160])
                    else:
                        self.data_records += 1
                        self.flow_from(rec, base, i)
                if len(body) - p >= 4 and rl > 0:
                    self.err(i, "v9 flowset %d: %d bytes left after the records (padding must be < 4)"
                             % (fsid, len(body) - p))
            else:
                self.err(i, "v9 reserved flowset id %d" % fsid)
        if off != len(m):
            self.err(i, "v9 %d trailing bytes" % (len(m) - off))
        if n != count:
            self.err(i, "v9 header count %d, but the packet holds %d records" % (count, n))

    # ---------------------------------------------------------------- IPFIX
    def ipfix(self, i, m):
        if len(m) < 16:
            return self.err(i, "IPFIX datagram of %d bytes" % len(m))
        ver, length, export, seq, odid = struct.unpack("!HHIII", m[:16])
        if length != len(m):
            self.err(i, "IPFIX length field %d != datagram %d" % (length, len(m)))
        expected_seq = self.data_records + self.opt_records
        if seq != expected_seq & 0xffffffff:
            self.err(i, "IPFIX sequence %d, expected %d (data records sent before)" % (seq, expected_seq))
        if self.a.domain_id is not None and odid != self.a.domain_id:
            self.err(i, "IPFIX observation domain %d, expected %d" % (odid, self.a.domain_id))
        base = lambda: self.sysinit[-1] if self.sysinit else None
        off = 16
        end = min(length, len(m))
        while off + 4 <= end:
            sid, slen = struct.unpack("!HH", m[off:off + 4])
            if slen < 4 or off + slen > end:
                self.err(i, "IPFIX set id %d length %d runs past the message (%d left)" % (sid, slen, end - off))
                break
            body, off = m[off + 4:off + slen], off + slen
            if sid in (2, 3):
                p = 0
                while p + 4 <= len(body):
                    tid, fc = struct.unpack("!HH", body[p:p + 4])
                    if tid == 0 and fc == 0:
                        break
                    q = p + 4
                    scope = 0
                    if sid == 3:
                        if q + 2 > len(body):
                            self.err(i, "IPFIX options template %d truncated" % tid)
                            break
                        scope = struct.unpack("!H", body[q:q + 2])[0]
                        q += 2
                        if fc and not 1 <= scope <= fc:
                            self.err(i, "IPFIX options template %d: scope count %d of %d fields" % (tid, scope, fc))
                    fl = []
                    for j in range(fc):
                        if q + 4 > len(body):
                            break
                        ie, ln = struct.unpack("!HH", body[q:q + 4])
                        q += 4
                        pen = bool(ie & 0x8000)
                        if pen:
                            q += 4
                        fl.append((ie & 0x7fff, ln, pen))
                    if len(fl) != fc or q > len(body):
                        self.err(i, "IPFIX template %d truncated" % tid)
                        break
                    if tid < 256:
                        self.err(i, "IPFIX template id %d < 256" % tid)
                    self.templates[tid] = fl
                    (self.options.add if sid == 3 else self.options.discard)(tid)
                    self.tmpl_records += 1
                    p = q
            elif sid >= 256:
                fl = self.templates.get(sid)
                if fl is None:
                    self.err(i, "IPFIX data set %d before its template" % sid)
                    continue
                minlen = sum(1 if x[1] == 0xffff else x[1] for x in fl)
                p = 0
                while minlen > 0 and len(body) - p >= minlen:
                    rec, np_ = self.decode_record(fl, body, p)
                    if rec is None:
                        self.err(i, "IPFIX data set %d: record overruns the set" % sid)
                        break
                    p = np_
                    if sid in self.options:
                        self.opt_records += 1
                        if 160 in rec:
                            self.sysinit.append(rec[160])
                    else:
                        self.data_records += 1
                        self.flow_from(rec, base, i)
                if any(body[p:]):
                    self.err(i, "IPFIX data set %d: %d non-zero bytes after the records" % (sid, len(body) - p))
            else:
                self.err(i, "IPFIX reserved set id %d" % sid)
        if off != end:
            self.err(i, "IPFIX %d bytes after the last set" % (end - off))

    def run(self, pkts):
        for i, (ts, v6, m) in enumerate(pkts):
            limit = self.a.mtu - (48 if v6 else 28)
            self.max_payload = max(self.max_payload, len(m))
            if len(m) > limit:
                self.err(i, "UDP payload of %d bytes > %d (MTU %d)" % (len(m), limit, self.a.mtu))
            if len(m) < 2:
                self.err(i, "empty datagram")
                continue
            ver = struct.unpack("!H", m[:2])[0]
            if ver != self.a.version:
                self.err(i, "version %d, expected %d" % (ver, self.a.version))
                continue
            {1: self.fixed, 5: self.fixed, 7: self.fixed, 9: self.v9, 10: self.ipfix}[ver](i, m)
            self.msgs += 1


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("pcap")
    ap.add_argument("--version", type=int, required=True, choices=[1, 5, 7, 9, 10])
    ap.add_argument("--records")
    ap.add_argument("--domain-id", type=int)
    ap.add_argument("--mtu", type=int, default=1500)
    ap.add_argument("--time-range", nargs=2, type=int, metavar=("FIRST_NS", "LAST_NS"))
    ap.add_argument("--need-sysinit", action="store_true")
    ap.add_argument("--check-header-base", action="store_true",
                    help="v1/v5/v7/v9: UNIX time - sysUptime must be the same in every header (within 1.5 ms)")
    a = ap.parse_args()
    pkts = read_pcap(a.pcap)
    c = Checker(a)
    c.run(pkts)
    if not pkts:
        c.errors.append("no datagram received")
    if a.check_header_base and len(c.bases) > 1:
        # the sysUptime base a collector derives from each header (UNIX time - sysUptime)
        # must not move: else flow times shift by up to 1 s from message to message
        lo_b, hi_b = min(c.bases, key=lambda x: x[1]), max(c.bases, key=lambda x: x[1])
        if hi_b[1] - lo_b[1] > 1.5:
            c.errors.append("header UNIX time - sysUptime (the time base collectors derive) varies by %.0f ms "
                            "across messages (message %d: %.3f, message %d: %.3f): sysUptime and UNIX seconds "
                            "are not consistent with one base" % (hi_b[1] - lo_b[1], lo_b[0], lo_b[1] / 1e3,
                                                                 hi_b[0], hi_b[1] / 1e3))
    if a.need_sysinit and not c.sysinit:
        c.errors.append("no options record with systemInitTimeMilliseconds (160)")
    if a.time_range:
        lo, hi = a.time_range[0] / 1e6 - 1000, a.time_range[1] / 1e6 + 1000
        nt = 0
        for r in c.records:
            if r["first_ms"] is None:
                c.errors.append("flow %s -> %s has no absolute time" % (r["src"], r["dst"]))
                break
            if not (lo <= r["first_ms"] <= r["last_ms"] <= hi):
                nt += 1
                if nt <= 5:
                    c.errors.append("flow %s -> %s proto %s %s/%s: start %.3f end %.3f s outside the pcap %.3f..%.3f"
                                    % (r["src"], r["dst"], r["proto"], r["sport"], r["dport"], r["first_ms"] / 1e3,
                                       r["last_ms"] / 1e3, lo / 1e3 + 1, hi / 1e3 - 1))
        if nt > 5:
            c.errors.append("... %d flows in all outside the pcap's time range" % nt)
    if a.records:
        with open(a.records, "w", newline="") as f:
            w = csv.DictWriter(f, ["src", "dst", "proto", "sport", "dport", "packets", "octets", "first_ms",
                                   "last_ms", "reason"], lineterminator="\n")
            w.writeheader()
            w.writerows(c.records)
    print("msgcheck v%d: %d messages (largest UDP payload %d), %d template records, %d data records, "
          "%d options data records, systemInitTimeMilliseconds %s; %d problems"
          % (a.version, c.msgs, c.max_payload, c.tmpl_records, c.data_records, c.opt_records,
             c.sysinit[:1] if c.sysinit else "absent", len(c.errors)))
    for e in c.errors[:30]:
        print("  " + e)
    if len(c.errors) > 30:
        print("  ... %d more" % (len(c.errors) - 30))
    return 1 if c.errors else 0


if __name__ == "__main__":
    sys.exit(main())
