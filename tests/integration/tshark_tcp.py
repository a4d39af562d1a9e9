#!/usr/bin/python3
"""tshark_tcp - decode IPFIX over TCP in a capture with tshark's cflow dissector.

usage: tshark_tcp.py CAPTURE PORT OUT.csv

Runs `tshark -T json -d tcp.port==PORT,cflow` (tshark reassembles the TCP
stream and cuts it into IPFIX messages by their length; one segment may hold
several messages, each its own cflow layer) and writes every flow record as
CSV (src,dst,proto,sport,dport,packets,octets) for compare.py. Exits 1 when
tshark reports a malformed packet or an expert warning/error of the cflow
dissector (template missing, bad lengths, unexpected sequence number), or
decodes nothing. TCP's own notes (a reset, a retransmission) are not looked
at: only what is inside the cflow layers.
"""
import csv
import subprocess
import sys

import tshark_json
from tshark_json import vals

SEV_WARN = 0x00600000




def first(d, *names):
    for n in names:
        if n in d:
            return vals(d[n])[0]
    return None


def main():
    cap, port, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    p = subprocess.run(["tshark", "-n", "-r", cap, "-d", "tcp.port==%d,cflow" % port, "-T", "json"],
                       capture_output=True, text=True)
    if p.returncode:
        print("tshark_tcp: tshark failed: %s" % p.stderr.strip()[-300:])
        return 1
    rows, problems, nmsg = [], [], 0

    def walk(node, path, frame):
        nonlocal nmsg
        if isinstance(node, dict):
            if "cflow.version" in node:
                nmsg += 1
            for e in vals(node.get("_ws.expert", [])):
                if isinstance(e, dict) and int(e.get("_ws.expert.severity", "0")) >= SEV_WARN:
                    problems.append("frame %d: %s" % (frame, e.get("_ws.expert.message", "")))
            if "_ws.malformed" in node:
                problems.append("frame %d: malformed" % frame)
            last = path[-1] if path else ""
            if last.startswith("Flow "):
                src = first(node, "cflow.srcaddr", "cflow.srcaddrv6")
                pk = first(node, "cflow.packets", "cflow.packets64")
                if src is not None and pk is not None:
                    num = lambda x: int(x, 0) if x not in (None, "") else 0
                    dport = first(node, "cflow.dstport")
                    if dport is None:
                        dport = first(node, "cflow.icmp_type_code_ipv4", "cflow.icmp_type_code_ipv6")
                    rows.append(dict(src=src, dst=first(node, "cflow.dstaddr", "cflow.dstaddrv6"),
                                     proto=num(first(node, "cflow.protocol")),
                                     sport=num(first(node, "cflow.srcport")), dport=num(dport),
                                     packets=num(pk), octets=num(first(node, "cflow.octets", "cflow.octets64"))))
            for k, v in node.items():
                for x in vals(v):
                    walk(x, path + [k], frame)
        elif isinstance(node, list):
            for x in node:
                walk(x, path, frame)

    for pk in tshark_json.loads(p.stdout or "[]"):
        layers = pk["_source"]["layers"]
        frame = int(first(layers.get("frame", {}), "frame.number") or 0)
        if "_ws.malformed" in layers:
            problems.append("frame %d: malformed" % frame)
        for cf in vals(layers.get("cflow", [])):
            walk(cf, [], frame)
    with open(out, "w", newline="") as f:
        w = csv.DictWriter(f, ["src", "dst", "proto", "sport", "dport", "packets", "octets"], lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    print("tshark over TCP: %d IPFIX messages, %d flow records, %d problems" % (nmsg, len(rows), len(problems)))
    for x in problems[:20]:
        print("  " + x)
    return 1 if problems or not nmsg else 0


if __name__ == "__main__":
    sys.exit(main())
