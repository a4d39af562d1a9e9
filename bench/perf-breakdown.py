#!/usr/bin/env python3
"""perf-breakdown.py PERF.DATA - split an xflowd `perf record -g` profile into cost classes.

Each sample is classed by its stack (kernel part: syscall / page fault) or its leaf
function (user part); prints samples and share per class. Used for bench/RESULTS.md:

  perf record -F 4999 -g -o B.data -- build/bench/xflowd.under-test --read B.pcap \\
      --collector 127.0.0.1:PORT --export ipfix --active-timeout 3600 \\
      --inactive-timeout 3600 --cache-size 4000000      # nfcapd listening on PORT
  bench/perf-breakdown.py B.data
"""
import collections, subprocess, sys

CLASSES = [  # (name, test on the stack); first match wins
    ("page faults (first touch of the flow pool)", lambda st: any("exc_page_fault" in f for f in st)),
    ("export: sendto (incl. loopback delivery to the collector)",
     lambda st: any("sys_sendto" in f for f in st) or st[0] in ("__send", "send")),
    ("kernel read() of the pcap", lambda st: any("ksys_read" in f for f in st)),
    ("flow end + record encoding (user)", lambda st: st[0] in ("flow_remove", "flowcache_flush")
     or st[0].startswith(("exporter", "record_", "setmsg", "template_record", "collector_", "msg_", "export_"))),
    ("flow lookup/update (user)", lambda st: st[0].startswith(("flowcache_update", "flowcache_prefetch", "flow_alloc",
                                                               "lru_", "age_"))),
    ("parse + hash + batching (user)", lambda st: st[0] in ("meter_packet", "meter_flush", "flowcache_hash",
                                                            "pcap_handler_cb", "on_packet") or st[0].startswith("link_")),
    ("libpcap/stdio file reading (user)", lambda st: "fread" in st[0] or st[0].startswith(("_IO_", "__memmove", "pcap"))
     or st[0] in ("read", "__underflow")),
]


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    out = subprocess.run(["perf", "script", "-i", sys.argv[1], "-F", "ip,sym"], capture_output=True,
                         text=True, check=True).stdout
    cnt, other, n = collections.Counter(), collections.Counter(), 0
    for block in out.split("\n\n"):
        st = [(l.split() + ["?", "?"])[1] for l in block.strip().splitlines() if l.strip()]
        if not st:
            continue
        n += 1
        for name, test in CLASSES:
            if test(st):
                cnt[name] += 1
                break
        else:
            other[st[0]] += 1
    print(f"{sys.argv[1]}: {n} samples")
    for name, v in cnt.most_common():
        print(f"  {v:7d} {100 * v / n:5.1f}%  {name}")
    o = sum(other.values())
    print(f"  {o:7d} {100 * o / max(n, 1):5.1f}%  other: " + ", ".join(f"{k} {v}" for k, v in other.most_common(8)))


if __name__ == "__main__":
    main()
