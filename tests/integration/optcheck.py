#!/usr/bin/python3
"""optcheck.py - which options records an export capture holds, by tshark.

usage: optcheck.py EXPORT.pcap PORT OUT.json

Decodes the capture (udpsink.py output) with `tshark -T json -d
udp.port==PORT,cflow` and sorts every options template (v9 flowset 1, IPFIX
set 3) by what its fields say it is:
  iftable  interfaceName (82)
  stats    RFC 7011 §4 statistics (40-42, 163-168)
  sampler  Cisco's sampler table or RFC 5477 (34, 48-50, 302-310)
  sysinit  systemInitTimeMilliseconds (160)
then counts, per kind, the templates and the options data records (and the
messages holding those records). It also collects every absolute time tshark
shows (flowStart/EndMilliseconds as abstimestart/abstimeend, and
systemInitTimeMilliseconds) and lists the ones before 2000 as "old_times".
Writes the counts as JSON to OUT.json and prints them.
"""
import json
import re
import subprocess
import sys

KINDS = (("iftable", {82}), ("stats", {40, 41, 42, 163, 164, 165, 166, 167, 168}),
         ("sampler", {34, 48, 49, 50, 302, 304, 305, 306, 309, 310}), ("sysinit", {160}))
TIMES = ("cflow.abstimestart", "cflow.abstimeend", "cflow.sys_init_time")


def kind_of(types):
    for name, ies in KINDS:
        if types & ies:
            return name
    return "other"


def main():
    pcap, port, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    p = subprocess.run(["tshark", "-n", "-r", pcap, "-d", "udp.port==%d,cflow" % port, "-T", "json"],
                       capture_output=True, text=True)
    if p.returncode != 0:
        print("optcheck: tshark failed: %s" % p.stderr.strip()[-300:])
        return 1
    res = {k: {"templates": 0, "records": 0, "messages": 0} for k, _ in KINDS}
    res["other"] = {"templates": 0, "records": 0, "messages": 0}
    kinds = {}  # template id -> kind (options templates only)
    times, old = [], []

    def walk_times(d):
        if isinstance(d, dict):
            for k, v in d.items():
                if k in TIMES and isinstance(v, str):
                    times.append(v)
                    m = re.search(r"\b(\d{4}) \d\d:\d\d", v)
                    if not m or int(m.group(1)) < 2000:
                        old.append(v)
                else:
                    walk_times(v)
        elif isinstance(d, list):
            for v in d:
                walk_times(v)

    def field_types(d, acc):
        for k, v in d.items():
            if k.endswith("field_type") and isinstance(v, str) and v.isdigit():
                acc.add(int(v))
            elif isinstance(v, dict):
                field_types(v, acc)

    for pk in json.loads(p.stdout or "[]"):
        cf = pk["_source"]["layers"].get("cflow")
        if not cf:
            continue
        walk_times(cf)
        seen = set()
        for key, st in cf.items():
            if not key.startswith(("Set ", "FlowSet ")) or not isinstance(st, dict):
                continue
            sid = int(st.get("cflow.flowset_id", "0"))
            if sid in (1, 3):
                for tkey, t in st.items():
                    if isinstance(t, dict) and "cflow.template_id" in t:
                        types = set()
                        field_types(t, types)
                        k = kind_of(types)
                        kinds[int(t["cflow.template_id"])] = k
                        res[k]["templates"] += 1
            elif sid >= 256 and sid in kinds:
                n = sum(1 for k in st if k.startswith("Flow "))
                res[kinds[sid]]["records"] += n
                seen.add(kinds[sid])
        for k in seen:
            res[k]["messages"] += 1
    res["times"] = len(times)
    res["old_times"] = old[:10]
    json.dump(res, open(out, "w"), indent=1)
    print(json.dumps(res))
    return 0


if __name__ == "__main__":
    sys.exit(main())
