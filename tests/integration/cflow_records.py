#!/usr/bin/python3
"""cflow_records.py - decode an export capture with tshark's cflow dissector.

usage: cflow_records.py EXPORT.pcap PORT OUT.csv [--summary OUT.json]

Runs `tshark -T json -d udp.port==PORT,cflow` on the capture (udpsink.py
output), and writes every flow data record tshark decoded (NetFlow v5 "pdu",
v9/IPFIX "Flow N" trees) as CSV: src,dst,proto,sport,dport,packets,octets,
version,frame, then the other elements when the template has them:
ifindex,dir,ethertype,smac,dmac,ifname,tun_src,tun_dst,cpu,phys,user,
pppproto,template,nexthop,srcmask,dstmask,outif. tshark shows IIJ's enterprise-770 elements only as
hex bytes in template order; they are matched to the template's fields. Prints a one-line summary; exits 1 when tshark reports a
malformed packet or any expert info of severity warning or error (template
problems, bad lengths, unexpected sequence numbers, ...), listing them.
--summary writes per-message facts (version, count, sequence, data records
tshark saw) as JSON.
"""
import argparse
import ipaddress
import csv
import json
import subprocess
import sys

SEV_WARN = 0x00600000
# IIJ (PEN 770) elements, ../shared/spec/templates.md
IIJ = {6: "tun_src", 7: "tun_dst", 8: "tun_src", 9: "tun_dst", 11: "user", 13: "pppproto", 14: "cpu",
       17: "phys"}
EXTRA = ["ifindex", "dir", "ethertype", "smac", "dmac", "ifname", "tun_src", "tun_dst", "cpu", "phys", "user",
         "pppproto", "template", "nexthop", "srcmask", "dstmask", "outif"]


def pairs_hook(pairs):
    d = {}
    for k, v in pairs:
        if k in d:
            if not isinstance(d[k], list) or not getattr(d[k], "_multi", False):
                m = MultiList([d[k]])
                d[k] = m
            d[k].append(v)
        else:
            d[k] = v
    return d


class MultiList(list):
    _multi = True


def values(v):
    return list(v) if isinstance(v, MultiList) else [v]


def walk(node, path, visit):
    if isinstance(node, dict):
        visit(node, path)
        for k, v in node.items():
            for x in values(v):
                walk(x, path + [k], visit)
    elif isinstance(node, list):
        for x in node:
            walk(x, path, visit)


def first(d, *names):
    for n in names:
        if n in d:
            v = d[n]
            return values(v)[0]
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("pcap")
    ap.add_argument("port", type=int)
    ap.add_argument("out")
    ap.add_argument("--summary")
    a = ap.parse_args()
    cmd = ["tshark", "-n", "-r", a.pcap, "-d", "udp.port==%d,cflow" % a.port, "-T", "json"]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        print("cflow_records: tshark failed (%d): %s" % (p.returncode, p.stderr.strip()[-500:]))
        return 1
    pkts = json.loads(p.stdout or "[]", object_pairs_hook=pairs_hook)
    rows, problems, msgs = [], [], []
    templates = {}  # template id -> [(pen, id)] of its enterprise fields
    for pk in pkts:
        layers = pk["_source"]["layers"]
        frame = int(first(layers.get("frame", {}), "frame.number") or 0)
        cf = layers.get("cflow")
        if "_ws.malformed" in layers:
            problems.append("frame %d: malformed: %s" % (frame, json.dumps(layers["_ws.malformed"])[:300]))
        if cf is None:
            problems.append("frame %d: not decoded as cflow" % frame)
            continue
        cf = values(cf)[0]
        ver = int(first(cf, "cflow.version") or 0)
        info = dict(frame=frame, version=ver, count=first(cf, "cflow.count"), sequence=first(cf, "cflow.sequence"),
                    length=first(cf, "cflow.len"), records=0)

        def visit(d, path):
            last = path[-1] if path else ""
            if last.startswith("Template (Id = "):
                tid = int(first(d, "cflow.template_id"))
                ent = []
                for k in d:
                    if k.startswith("Field ("):
                        f = values(d[k])[0]
                        if first(f, "cflow.template_ipfix_pen_provided") == "1":
                            ent.append((int(first(f, "cflow.template_ipfix_field_pen")),
                                        int(first(f, "cflow.template_ipfix_field_type_enterprise"))))
                templates[tid] = ent
            if last.startswith("Set ") or "FlowSet" in last:
                cur_set[0] = int(first(d, "cflow.flowset_id") or 0)
            if "_ws.expert" in d:
                for e in values(d["_ws.expert"]):
                    sev = int(e.get("_ws.expert.severity", "0"))
                    if sev >= SEV_WARN:
                        problems.append("frame %d: expert %s: %s" % (
                            frame, "error" if sev >= 0x00800000 else "warning", e.get("_ws.expert.message")))
            if "_ws.malformed" in d:
                problems.append("frame %d: malformed: %s" % (frame, json.dumps(d["_ws.malformed"])[:300]))
            if last.startswith("Flow ") or last.startswith("pdu "):
                info["records"] += 1
                src = first(d, "cflow.srcaddr", "cflow.srcaddrv6")
                dst = first(d, "cflow.dstaddr", "cflow.dstaddrv6")
                pkts_ = first(d, "cflow.packets", "cflow.packets64")
                octs = first(d, "cflow.octets", "cflow.octets64")
                if src is None or pkts_ is None:
                    return          # options data record (no flow key)
                dport = first(d, "cflow.dstport")
                if dport is None:
                    dport = first(d, "cflow.icmp_type_code_ipv4", "cflow.icmp_type_code_ipv6")
                num = lambda x: int(x, 0) if x not in (None, "") else 0
                row = dict(src=src, dst=dst, proto=num(first(d, "cflow.protocol")),
                           sport=num(first(d, "cflow.srcport")), dport=num(dport),
                           packets=num(pkts_), octets=num(octs), version=ver, frame=frame,
                           ifindex=first(d, "cflow.inputint"), dir=first(d, "cflow.direction"),
                           ethertype=first(d, "cflow.ethernet_type"), smac=first(d, "cflow.srcmac"),
                           dmac=first(d, "cflow.dstmac"), ifname=first(d, "cflow.if_name"),
                           template=cur_set[0], nexthop=first(d, "cflow.nexthop", "cflow.nexthopv6"),
                           srcmask=first(d, "cflow.srcmask", "cflow.srcmaskv6"),
                           dstmask=first(d, "cflow.dstmask", "cflow.dstmaskv6"), outif=first(d, "cflow.outputint"))
                ents = values(d["cflow.enterprise_private_entry"]) if "cflow.enterprise_private_entry" in d else []
                for (pen, eid), hexv in zip(templates.get(cur_set[0], []), ents):
                    if pen != 770:
                        continue
                    raw = bytes.fromhex(hexv.replace(":", ""))
                    name = IIJ.get(eid)
                    if name in ("tun_src", "tun_dst"):
                        row[name] = str(ipaddress.ip_address(raw))
                    elif name == "cpu":
                        row[name] = int.from_bytes(raw, "big")
                    elif name:
                        row[name] = raw.split(b"\0")[0].decode("utf-8", "replace")
                rows.append(row)

        cur_set = [0]
        walk(cf, [], visit)
        msgs.append(info)
    with open(a.out, "w", newline="") as f:
        w = csv.DictWriter(f, ["src", "dst", "proto", "sport", "dport", "packets", "octets", "version", "frame"]
                           + EXTRA, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    if a.summary:
        json.dump(dict(messages=msgs, problems=problems), open(a.summary, "w"), indent=1)
    print("tshark cflow: %d messages, %d flow records, %d data records in all, %d malformed/expert problems"
          % (len(msgs), len(rows), sum(m["records"] for m in msgs), len(problems)))
    for pr in problems[:20]:
        print("  " + pr)
    if len(problems) > 20:
        print("  ... %d more" % (len(problems) - 20))
    if not msgs:
        print("  no export message in the capture")
        return 1
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
