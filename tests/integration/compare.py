#!/usr/bin/python3
"""compare.py - compare exported flow records with xfgen/pcapgen ground truth.

usage: compare.py TRUTH.csv EXPORTED [--format auto|nfdump|records|pmacct]
                  [--v4-only | --v6-only] [--label NAME] [--time-slack SEC]
                  [--records TRUTH.records.csv] [--json OUT.json]
                  [--key five|tunnel|seven] [--outer]

EXPORTED is one of
  nfdump   `nfdump -R DIR -q -N -o csv` output (header line optional);
  records  CSV with a header naming at least src,dst,proto,sport,dport,packets,
           octets (written by cflow_records.py from tshark's cflow dissector,
           and by msgcheck.py), optional first_ms,last_ms;
  pmacct   nfacctd print plugin CSV (SRC_IP,DST_IP,SRC_PORT,DST_PORT,PROTOCOL,
           PACKETS,BYTES; print_num_protos: true).
Records are summed per key (src, dst, proto, sport, dport; ICMP: sport 0,
dport type*256+code) and compared with the truth: per-key packets and octets
must be EXACT, no key missing, no key extra, totals conserved.

--records: compare record by record instead (timer tests): per key, the
multiset of (packets, octets) of the exported records must equal the one of
TRUTH.records.csv (xfgen --scenario timeouts).
--time-slack: also require every record's start/end (when the input has them)
to lie within the truth's first..last packet time, +- SEC. Records without
times (nfdump prints the epoch when flowStartSysUpTime is 0) are counted apart.
End before start is
only counted (nfdump 1.7.1 swaps IPFIX flowStart/EndSysUpTime when it applies
systemInitTimeMilliseconds) unless --strict-order; msgcheck.py checks the order.
--fold-ports P,..: set sport and dport to 0 for these protocols on both sides,
for collector quirks: nfcapd 1.7.1 drops the ICMP type/code a NetFlow v9
record carries in L4_DST_PORT (no ICMP_TYPE field), and nfacctd drops the
ports of SCTP flows in NetFlow v5.
--key tunnel: the key is the 5-tuple plus the tunnel endpoints: exported
columns tun_src,tun_dst (records format; empty, 0.0.0.0 or :: for a flow
outside any tunnel) against the truth's outer_src,outer_dst for the tunnelled
encaps (gre ipip 6in4 4in6 6in6 l2tp l2tpv3 vxlan geneve) and no endpoints for
the others (none, pppoe, esp, control messages).
--key seven: the key is the 5-tuple plus smac,dmac,ethertype (records format;
MACs as aa:bb:cc:dd:ee:ff, '-' or no separators accepted; ethertype decimal or
0x hex) against the truth's smac,dmac,ethertype columns (xfgen mixed/tunnels).
--outer: judge an export made without decapsulation (no tunnel template): the
truth is summed per outer key (outer_src, outer_dst, outer_proto, outer_sport,
outer_dport; ports 0 when the outer protocol has none) with outer_octets.
Exit 0 on a match, 1 otherwise; a readable diff is printed on mismatch.
"""
import argparse
import calendar
import csv
import ipaddress
import json
import sys
import time
from collections import defaultdict

NF_COLS = ["ts", "te", "td", "sa", "da", "sp", "dp", "pr", "flg", "fwd", "stos", "ipkt", "ibyt", "opkt", "obyt"]
# nfdump 1.7 prints protocol names from its own table (not /etc/protocols)
NF_PROTO = {"ICMP": 1, "IGMP": 2, "GGP": 3, "IPIP": 4, "ST": 5, "TCP": 6, "CBT": 7, "EGP": 8, "IGP": 9, "UDP": 17,
            "IPV6": 41, "SDRP": 42, "RTE6": 43, "FRAG6": 44, "IDRP": 45, "RSVP": 46, "GRE": 47, "ESP": 50,
            "AH": 51, "ICMP6": 58, "NOHE6": 59, "OPTS6": 60, "EIGRP": 88, "OSPF": 89, "PIM": 103,
            "VRRP": 112, "L2TP": 115, "SCTP": 132, "UDP-L": 136, "MPLS": 137, "DCCP": 33}
# truth encaps whose outer header is a tunnel (tunnelSource/DestinationIPv4/IPv6Address)
TUNNEL_ENCAPS = {"gre", "ipip", "6in4", "4in6", "6in6", "l2tp", "l2tpv3", "vxlan", "geneve"}
PORT_PROTOS = {1, 6, 17, 58, 132}


def addr(a, cache={}):
    r = cache.get(a)
    if r is None:
        r = cache[a] = ipaddress.ip_address(a.strip())
    return r


def proto_num(p):
    p = p.strip()
    if p.isdigit():
        return int(p)
    if p.upper() in NF_PROTO:
        return NF_PROTO[p.upper()]
    raise ValueError("unknown protocol name %r" % p)


def nf_time(s):
    s = s.strip()
    if not s or s.startswith("1970-01-01"):
        # nfcapd 1.7.1 computes no time for a record whose flowStartSysUpTime is 0
        # (a flow starting in the exporter's first millisecond): it prints the epoch
        return None
    frac = 0.0
    if "." in s:
        s, f = s.split(".", 1)
        frac = float("0." + f)
    try:
        return calendar.timegm(time.strptime(s, "%Y-%m-%d %H:%M:%S")) + frac
    except ValueError:
        return None


def fold(k, protos):
    return (k[0], k[1], k[2], 0, 0) + k[5:] if k[2] in protos else k


def tun_addr(a):
    """Exported tunnel endpoint -> address, or None for no tunnel (empty or unspecified)."""
    a = (a or "").strip()
    if not a:
        return None
    r = addr(a)
    return None if r.is_unspecified else r


def mac(m):
    m = (m or "").strip().lower().replace("-", ":")
    if m and ":" not in m and len(m) == 12:
        m = ":".join(m[j:j + 2] for j in range(0, 12, 2))
    return ":".join("%02x" % int(x, 16) for x in m.split(":")) if m else ""


def key_extra(r, mode, truth):
    """The columns --key adds to the 5-tuple, from a truth row or an exported record."""
    if mode == "tunnel":
        if truth:
            if r.get("encap", "none") not in TUNNEL_ENCAPS:
                return (None, None)
            return (addr(r["outer_src"]), addr(r["outer_dst"]))
        return (tun_addr(r.get("tun_src")), tun_addr(r.get("tun_dst")))
    if mode == "seven":
        return (mac(r["smac"]), mac(r["dmac"]), int(str(r["ethertype"]).strip(), 0))
    return ()


def read_truth(path, v4_only, v6_only, protos=(), mode="five", outer=False):
    flows, meta = {}, {}
    for r in csv.DictReader(open(path)):
        ver = r.get("outer_ver") or r.get("ver")
        if v4_only and ver != "4" or v6_only and ver != "6":
            continue
        if outer:
            op = int(r["outer_proto"])
            ports = (int(r["outer_sport"]), int(r["outer_dport"])) if op in PORT_PROTOS else (0, 0)
            k = (addr(r["outer_src"]), addr(r["outer_dst"]), op) + ports
            octets = int(r["outer_octets"])
        else:
            k = (addr(r["src"]), addr(r["dst"]), int(r["proto"]), int(r["sport"]), int(r["dport"]))
            octets = int(r["octets"])
        try:
            k = fold(k + key_extra(r, mode, True), protos)
        except (KeyError, TypeError):
            raise SystemExit("compare.py: --key %s needs truth columns the truth %s lacks" % (mode, path))
        e = flows.setdefault(k, [0, 0, None, None])
        e[0] += int(r["packets"])
        e[1] += octets
        f, l = int(r["first_ns"]) / 1e9, int(r["last_ns"]) / 1e9
        e[2] = f if e[2] is None else min(e[2], f)
        e[3] = l if e[3] is None else max(e[3], l)
        kind = r.get("encap", "none")
        if r.get("vlan"):
            kind += "+qinq" if "." in r["vlan"] else "+vlan"
        if outer and k in meta and kind not in meta[k].split(","):
            kind = meta[k] + "," + kind       # an outer key aggregates several inner flows
        meta[k] = kind
    return flows, meta


def read_exported(path, fmt, mode="five"):
    """-> list of records (key, packets, octets, start_s or None, end_s or None), format, problems."""
    recs, problems = [], []
    with open(path, newline="") as fh:
        lines = fh.read().splitlines()
    first = next((l for l in lines if l.strip()), "")
    if fmt == "auto":
        h = first.lower()
        if h.startswith("src_ip") or "src_ip," in h:
            fmt = "pmacct"
        elif h.startswith("src,") or ",packets," in h and ",octets" in h:
            fmt = "records"
        else:
            fmt = "nfdump"
    if mode != "five" and fmt != "records":
        raise SystemExit("compare.py: --key %s needs the records format (%s given)" % (mode, fmt))
    if fmt == "nfdump":
        for row in csv.reader(lines):
            if not row or row[0] == "ts" or len(row) < 15 or row[0].startswith("Summary") or row[0] == "flows":
                continue
            d = dict(zip(NF_COLS, row))
            try:
                k = (addr(d["sa"]), addr(d["da"]), proto_num(d["pr"]), int(float(d["sp"])), int(float(d["dp"])))
                pk = int(d["ipkt"]) + int(d["opkt"] or 0)
                by = int(d["ibyt"]) + int(d["obyt"] or 0)
            except ValueError as e:
                problems.append("unparsed nfdump line (%s): %s" % (e, ",".join(row[:15])))
                continue
            recs.append((k, pk, by, nf_time(d["ts"]), nf_time(d["te"])))
    elif fmt == "records":
        for d in csv.DictReader(lines):
            try:
                k = (addr(d["src"]), addr(d["dst"]), int(d["proto"]), int(d["sport"]), int(d["dport"]))
                k += key_extra(d, mode, False)
                ts = float(d["first_ms"]) / 1000 if d.get("first_ms") not in (None, "") else None
                te = float(d["last_ms"]) / 1000 if d.get("last_ms") not in (None, "") else None
                recs.append((k, int(d["packets"]), int(d["octets"]), ts, te))
            except (ValueError, KeyError, TypeError) as e:
                problems.append("unparsed record (%s): %s" % (e, d))
    elif fmt == "pmacct":
        rows = [r for r in csv.reader(lines) if r]
        header = None
        for row in rows:
            if row[0].upper() == "SRC_IP" or "SRC_IP" in [c.upper() for c in row]:
                header = [c.upper() for c in row]
                continue
            if header is None:
                problems.append("pmacct output without header")
                break
            d = dict(zip(header, row))
            try:
                k = (addr(d["SRC_IP"]), addr(d["DST_IP"]), proto_num(d["PROTOCOL"]), int(d["SRC_PORT"]),
                     int(d["DST_PORT"]))
                recs.append((k, int(d["PACKETS"]), int(d["BYTES"]), None, None))
            except (ValueError, KeyError) as e:
                problems.append("unparsed pmacct line (%s): %s" % (e, ",".join(row)))
    else:
        raise SystemExit("compare.py: unknown format %s" % fmt)
    return recs, fmt, problems


def fmt_key(k):
    s = "%s -> %s proto %d %d/%d" % (k[0], k[1], k[2], k[3], k[4])
    if len(k) == 7:
        s += " tunnel %s -> %s" % (k[5], k[6]) if k[5] or k[6] else " no tunnel"
    elif len(k) == 8:
        s += " mac %s -> %s type 0x%04x" % (k[5] or "-", k[6] or "-", k[7])
    return s


def sort_key(k):
    return (str(k[0]), str(k[1]), k[2], k[3], k[4]) + tuple(str(x) for x in k[5:])


def main():
    ap = argparse.ArgumentParser(description="compare exported flows with ground truth")
    ap.add_argument("truth")
    ap.add_argument("exported")
    ap.add_argument("--format", default="auto", choices=["auto", "nfdump", "records", "pmacct"])
    g = ap.add_mutually_exclusive_group()
    g.add_argument("--v4-only", action="store_true", help="compare with the IPv4 truth rows only (NetFlow v5)")
    g.add_argument("--v6-only", action="store_true")
    ap.add_argument("--label", default="")
    ap.add_argument("--records", help="TRUTH.records.csv: compare record by record (timer tests)")
    ap.add_argument("--time-slack", type=float, default=None,
                    help="require record times within the truth's time range +- SEC")
    ap.add_argument("--strict-order", action="store_true", help="fail records whose end is before their start")
    ap.add_argument("--fold-ports", default="", help="protocols whose ports are zeroed on both sides (collector quirks)")
    ap.add_argument("--key", default="five", choices=["five", "tunnel", "seven"],
                    help="five: 5-tuple (default); tunnel: + tun_src,tun_dst; seven: + smac,dmac,ethertype")
    ap.add_argument("--outer", action="store_true", help="truth by outer key with outer_octets (no decapsulation)")
    ap.add_argument("--max-diff", type=int, default=25, help="diff lines to print (default 25)")
    ap.add_argument("--json")
    a = ap.parse_args()

    protos = {int(x) for x in a.fold_ports.split(",") if x.strip()}
    if a.outer and a.key != "five":
        ap.error("--outer judges an export without decapsulation: only with --key five")
    if a.records and a.key != "five":
        ap.error("--records compares 5-tuple records: only with --key five")
    truth, meta = read_truth(a.truth, a.v4_only, a.v6_only, protos, a.key, a.outer)
    recs, fmt, problems = read_exported(a.exported, a.format, a.key)
    if protos:
        recs = [(fold(r[0], protos),) + tuple(r[1:]) for r in recs]
    label = "[%s] " % a.label if a.label else ""
    ok = not problems
    out = []
    for p in problems[:10]:
        out.append("  PROBLEM " + p)

    X = defaultdict(lambda: [0, 0, 0])
    for k, p, b, ts, te in recs:
        e = X[k]
        e[0] += p
        e[1] += b
        e[2] += 1
    tp = sum(v[0] for v in truth.values())
    to = sum(v[1] for v in truth.values())
    xp = sum(v[0] for v in X.values())
    xo = sum(v[1] for v in X.values())
    exact = missing = extra = off = 0
    diff = []
    for k in sorted(truth, key=sort_key):
        p, b = truth[k][0], truth[k][1]
        x = X.get(k)
        if x is None:
            missing += 1
            diff.append("  MISSING %-60s truth %d pkts %d octets (%s)" % (fmt_key(k), p, b, meta[k]))
        elif x[0] == p and x[1] == b:
            exact += 1
        else:
            off += 1
            diff.append("  WRONG   %-60s truth %d pkts %d octets, exported %d pkts %d octets in %d records (%s)"
                        % (fmt_key(k), p, b, x[0], x[1], x[2], meta[k]))
    for k in sorted(set(X) - set(truth), key=sort_key):
        extra += 1
        diff.append("  EXTRA   %-60s exported %d pkts %d octets in %d records" % (fmt_key(k), X[k][0], X[k][1],
                                                                                   X[k][2]))
    flows_ok = missing == 0 and extra == 0 and off == 0 and tp == xp and to == xo
    ok = ok and flows_ok

    # record-by-record comparison (timeouts)
    rec_summary = ""
    if a.records:
        want = defaultdict(list)
        for r in csv.DictReader(open(a.records)):
            k = (addr(r["src"]), addr(r["dst"]), int(r["proto"]), int(r["sport"]), int(r["dport"]))
            if a.v4_only and k[0].version != 4 or a.v6_only and k[0].version != 6:
                continue
            want[k].append((int(r["packets"]), int(r["octets"])))
        got = defaultdict(list)
        for k, p, b, ts, te in recs:
            got[k].append((p, b))
        if protos:
            w2 = defaultdict(list)
            for k, v in want.items():
                w2[fold(k, protos)] += v
            want = w2
        bad_keys = 0
        for k in sorted(set(want) | set(got), key=sort_key):
            w, g2 = sorted(want.get(k, [])), sorted(got.get(k, []))
            if w != g2:
                bad_keys += 1
                diff.append("  RECORDS %-60s expected %d records %s, exported %d records %s"
                            % (fmt_key(k), len(w), [x[0] for x in w], len(g2), [x[0] for x in g2]))
        nwant = sum(len(v) for v in want.values())
        rec_summary = "; records: expected %d, exported %d, keys with wrong split %d" % (nwant, len(recs), bad_keys)
        ok = ok and bad_keys == 0

    # time range
    time_summary = ""
    if a.time_slack is not None and truth:
        lo = min(v[2] for v in truth.values()) - a.time_slack
        hi = max(v[3] for v in truth.values()) + a.time_slack
        with_t = [r for r in recs if r[3] is not None and r[4] is not None]
        bad_t = [r for r in with_t if min(r[3], r[4]) < lo or max(r[3], r[4]) > hi]
        swapped = [r for r in with_t if r[4] < r[3]]
        time_summary = "; times checked on %d records (%d without), outside %.3f..%.3f: %d, end before start: %d" % (
            len(with_t), len(recs) - len(with_t), lo, hi, len(bad_t), len(swapped))
        for r in bad_t[:5]:
            diff.append("  TIME    %-60s start %.3f end %.3f outside %.3f..%.3f" % (fmt_key(r[0]), r[3], r[4], lo, hi))
        if a.strict_order:
            bad_t += swapped
            for r in swapped[:5]:
                diff.append("  ORDER   %-60s start %.3f after end %.3f" % (fmt_key(r[0]), r[3], r[4]))
        if not with_t:
            diff.append("  TIME    no record carries start/end times")
        ok = ok and not bad_t and bool(with_t)

    if a.key != "five" or a.outer:
        fmt += " (key %s%s)" % (a.key, ", outer" if a.outer else "")
    print("%s%s: %d records, %d keys (truth %d keys%s); packets %d vs truth %d (%+d); octets %d vs truth %d (%+d); "
          "keys exact %d, wrong %d, missing %d, extra %d%s%s; %s"
          % (label, fmt, len(recs), len(X), len(truth), ", IPv4 only" if a.v4_only else "", xp, tp, xp - tp, xo, to,
             xo - to, exact, off, missing, extra, rec_summary, time_summary, "EXACT" if ok else "MISMATCH"))
    if not ok:
        for line in out + diff[:a.max_diff]:
            print(line)
        if len(diff) > a.max_diff:
            print("  ... %d more differences" % (len(diff) - a.max_diff))
    if a.json:
        json.dump(dict(label=a.label, ok=ok, records=len(recs), keys=len(X), truth_keys=len(truth), packets=xp,
                       truth_packets=tp, octets=xo, truth_octets=to, exact=exact, wrong=off, missing=missing,
                       extra=extra, diff=diff), open(a.json, "w"), indent=1)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
