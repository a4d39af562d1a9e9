#!/usr/bin/python3
"""statscheck.py - check xflowd's --stats-file JSON against xfgen's malformed truth.

usage: statscheck.py STATS.json TRUTH.malformed.csv [--packets N] [--flows-exported N]

Requires stats["malformed"][reason] == count for every reason of the truth
(non_ip excepted: it is the top-level stats["non_ip"]), no other malformed
reason with a non-zero count, and, when given, stats["packets"] == N (packets
in the pcap) and stats["flows_exported"] == N (records the collector got).
"""
import argparse
import csv
import json
import sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("stats")
    ap.add_argument("truth")
    ap.add_argument("--packets", type=int)
    ap.add_argument("--flows-exported", type=int)
    a = ap.parse_args()
    try:
        st = json.load(open(a.stats))
    except (OSError, ValueError) as e:
        print("statscheck: cannot read the stats file: %s" % e)
        return 1
    want = {r["reason"]: int(r["count"]) for r in csv.DictReader(open(a.truth))}
    errs = []
    mal = st.get("malformed")
    if not isinstance(mal, dict):
        errs.append("stats has no \"malformed\" object (keys: %s)" % sorted(st))
        mal = {}
    for reason, n in want.items():
        if reason == "non_ip":
            got = st.get("non_ip")
            where = "non_ip"
        else:
            got = mal.get(reason)
            where = "malformed.%s" % reason
        if got != n:
            errs.append("%s = %s, truth %d" % (where, got, n))
    for reason, n in mal.items():
        if reason not in want and n:
            errs.append("malformed.%s = %s, truth has no such packet" % (reason, n))
    if a.packets is not None and st.get("packets") != a.packets:
        errs.append("packets = %s, the pcap holds %d" % (st.get("packets"), a.packets))
    if a.flows_exported is not None and st.get("flows_exported") != a.flows_exported:
        errs.append("flows_exported = %s, the collector received %d records" % (st.get("flows_exported"),
                                                                                 a.flows_exported))
    print("statscheck: malformed %s, non_ip %s, packets %s, flows_exported %s; %s"
          % (json.dumps(mal, sort_keys=True), st.get("non_ip"), st.get("packets"), st.get("flows_exported"),
             "OK" if not errs else "%d problems" % len(errs)))
    for e in errs:
        print("  " + e)
    return 1 if errs else 0


if __name__ == "__main__":
    sys.exit(main())
