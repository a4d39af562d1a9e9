#!/usr/bin/python3
"""timecheck.py - the absolute times a collector reads from NetFlow v9 / IPFIX.

usage: timecheck.py EXPORT.pcap PORT TRUTH.json [--max-lag S] [--one-record]
                    [--label L]

EXPORT.pcap is udpsink.py's capture of one exporter's datagrams; TRUTH.json
maps "SRC DST SPORT DPORT" to [first_ns, last_ns, packets] of the capture's
flows. tshark's cflow dissector decodes the messages; the absolute time of
every data record is what a collector computes from the fields tshark shows:
  v9:    header unix_secs - header sysUptime + FIRST/LAST_SWITCHED;
  IPFIX: the last systemInitTimeMilliseconds (160) announced before the
         record + flowStart/EndSysUpTime.
Checks, per record: its flow is in the truth, first <= last, both within the
flow's packets (to the millisecond); v9: FIRST <= LAST <= header sysUptime
(RFC 3954 5.1: the header is when the packet leaves), unix_secs not before the
record's end; per flow, the records' packets add up to the truth's; with
--max-lag, no record is sent more than S seconds after its end (header time);
with --one-record, every flow is in exactly one record.
Prints a summary; exit 1 listing the problems.
"""
import argparse
import calendar
import json
import subprocess
import sys
import time
from decimal import Decimal

import tshark_json
from tshark_json import one, vals




def ms_of(rel):
    """tshark's relative seconds ("12.345000000") -> integer ms"""
    return int(Decimal(rel) * 1000)


def abs_ms(text):
    """tshark's absolute time ("Jun 13, 2488 17:06:17.958000000 UTC") -> ms"""
    text = " ".join(text.split()).replace(" UTC", "")
    whole, _, frac = text.partition(".")
    t = time.strptime(whole, "%b %d, %Y %H:%M:%S")
    return calendar.timegm(t) * 1000 + int((frac + "000")[:3])


def records(node, out):
    """data records (dicts with ports and a time tree) and sysinit options, in order"""
    if isinstance(node, dict):
        if "cflow.sys_init_time" in node:
            out.append(("sysinit", abs_ms(one(node["cflow.sys_init_time"]))))
        if "cflow.srcport" in node and "cflow.timedelta_tree" in node:
            out.append(("flow", node))
            return
        for v in node.values():
            for x in vals(v):
                records(x, out)
    elif isinstance(node, list):
        for x in node:
            records(x, out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("pcap")
    ap.add_argument("port", type=int)
    ap.add_argument("truth")
    ap.add_argument("--max-lag", type=float)
    ap.add_argument("--label", default="")
    ap.add_argument("--one-record", action="store_true", help="every flow in exactly one record")
    a = ap.parse_args()
    truth = json.load(open(a.truth))
    out = subprocess.run(["tshark", "-n", "-r", a.pcap, "-d", "udp.port==%d,cflow" % a.port, "-T", "json"],
                         capture_output=True, text=True, check=True).stdout
    frames = tshark_json.loads(out)
    problems, pk, nr, nrec, sysinit, versions = [], {}, {}, 0, None, set()

    def bad(msg):
        problems.append(msg)

    for fr in frames:
        cf = fr["_source"]["layers"].get("cflow")
        if cf is None:
            continue
        ver = int(one(cf["cflow.version"]))
        versions.add(ver)
        hdr = dict(cf)
        hdr.update(cf.get("cflow.timestamp_tree", {}))
        if ver == 9:
            up = ms_of(one(hdr["cflow.sysuptime"]))
            secs = int(one(hdr["cflow.unix_secs"]))
            msg_s = secs
        else:
            msg_s = int(one(hdr["cflow.exporttime"]))
        recs = []
        records(cf, recs)
        for kind, r in recs:
            if kind == "sysinit":
                sysinit = r
                continue
            nrec += 1
            src = one(r.get("cflow.srcaddr", r.get("cflow.srcaddr_v6")))
            dst = one(r.get("cflow.dstaddr", r.get("cflow.dstaddr_v6")))
            key = "%s %s %s %s" % (src, dst, one(r["cflow.srcport"]), one(r["cflow.dstport"]))
            td = r["cflow.timedelta_tree"]
            nr[key] = nr.get(key, 0) + 1
            if "cflow.timestart" not in td or "cflow.timeend" not in td:
                bad("v%d %s: tshark shows no start and end times: %s" % (ver, key, sorted(td)))
                continue
            first, last = ms_of(one(td["cflow.timestart"])), ms_of(one(td["cflow.timeend"]))
            if ver == 9:
                if not first <= last <= up:
                    bad("v9 %s: FIRST %d LAST %d header sysUptime %d (must be FIRST <= LAST <= sysUptime)"
                        % (key, first, last, up))
                base = secs * 1000 - up
            else:
                if sysinit is None:
                    bad("IPFIX %s: no systemInitTimeMilliseconds announced before it" % key)
                    continue
                base = sysinit
            af, al = base + first, base + last
            pk[key] = pk.get(key, 0) + int(one(r.get("cflow.packets", r.get("cflow.packets64", "0"))))
            t = truth.get(key)
            if t is None:
                bad("v%d record of %s, a flow not in the capture" % (ver, key))
                continue
            lo, hi = t[0] // 10**6, t[1] // 10**6
            if not lo <= af <= al <= hi:
                bad("v%d %s: start %.3f end %.3f, outside its packets %.3f..%.3f (%s .. %s UTC)"
                    % (ver, key, af / 1e3, al / 1e3, lo / 1e3, hi / 1e3,
                       time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(af // 1000)),
                       time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(al // 1000))))
            if ver == 9 and secs * 1000 < al:
                bad("v9 %s: header unix_secs %d before the record's end %.3f" % (key, secs, al / 1e3))
            if a.max_lag is not None and msg_s - al / 1e3 > a.max_lag:
                bad("v%d %s: sent at %d, %.1f s after its end (at most %.1f)"
                    % (ver, key, msg_s, msg_s - al / 1e3, a.max_lag))
    for key, t in truth.items():
        if a.one_record and nr.get(key, 0) != 1:
            bad("flow %s: %d records, expected one" % (key, nr.get(key, 0)))
        if pk.get(key, 0) != t[2]:
            bad("flow %s: %d packets in the records, %d in the capture" % (key, pk.get(key, 0), t[2]))
    print("timecheck%s: versions %s, %d records of %d flows; %d problems"
          % (" " + a.label if a.label else "", sorted(versions), nrec, len(truth), len(problems)))
    for p in problems[:20]:
        print("  " + p)
    return 1 if problems or not nrec else 0


if __name__ == "__main__":
    sys.exit(main())
