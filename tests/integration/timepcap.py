#!/usr/bin/python3
"""timepcap.py - captures whose packet times stress the export clock.

usage: timepcap.py SCENARIO OUT.pcap TRUTH.json

Writes OUT.pcap (nanosecond pcap; "end": pcapng) of UDP flows 10.0.0.1 ->
10.0.0.2, one source port per flow, and TRUTH.json mapping "SRC DST SPORT
DPORT" to [first_ns, last_ns, packets]. Scenarios:
  edge     flows ending in the last millisecond of a second (.9995), many of
           them in the capture's last second: exported right after their end
  gap60    a flow, then flows 60 days later (past 2^32 ms of sysUpTime)
  y2040    flows in 2040 (pcap seconds >= 2^31)
  silence  a flow, 120 days of silence, flows again
  older    a flow, then one 3 days older than the first packet, then more
  end      pcapng: one flow of 5 packets in the last 10 s of 64-bit ns
"""
import json
import struct
import sys

NS = 10**9
T0 = 1700000000 * NS
DAY = 86400 * NS


def frame(sport, n):
    payload = bytes(n % 50)
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 28 + len(payload), 1, 0, 64, 17, 0,
                     bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2]))
    udp = struct.pack("!HHHH", sport, 2000, 8 + len(payload), 0)
    return b"\x02" * 6 + b"\x04" * 6 + b"\x08\x00" + ip + udp + payload


def scenario(name):
    """[(ts_ns, sport)] in file order"""
    p = []
    if name == "edge":
        for k in range(12):
            s = T0 + k * NS
            p += [(s + 100 * 10**6, 1000 + k), (s + 600 * 10**6, 1000 + k), (s + 999500000, 1000 + k)]
        last = T0 + 11 * NS
        for k in range(6):
            p += [(last + (200 + 100 * k) * 10**6, 1100 + k), (last + 999000000 + k * 150000, 1100 + k)]
        p.sort()
    elif name == "gap60":
        p = [(T0 + 100, 1000), (T0 + 700 * 10**6, 1000), (T0 + 1500 * 10**6, 1000)]
        p += [(T0 + 60 * DAY + 250 * 10**6, 1001), (T0 + 60 * DAY + 2700 * 10**6, 1001),
              (T0 + 60 * DAY + 5 * NS, 1002), (T0 + 60 * DAY + 5999 * 10**6, 1002)]
    elif name == "y2040":
        t = 2208988800 * NS + 123456789
        p = [(t + i * 400 * 10**6, 1000 + i % 3) for i in range(12)]
        p += [(t + DAY + 5 * 10**6, 1003), (t + DAY + NS, 1003)]
    elif name == "silence":
        p = [(T0 + 300 * 10**6, 1000), (T0 + 2300 * 10**6, 1000)]
        p += [(T0 + 120 * DAY + 10**6, 1001), (T0 + 120 * DAY + 1800 * 10**6, 1001),
              (T0 + 120 * DAY + 2 * NS, 1002)]
    elif name == "older":
        p = [(T0 + 500 * 10**6, 1000), (T0 - 3 * DAY + 40 * 10**6, 1001), (T0 + 1500 * 10**6, 1000),
             (T0 + 2 * NS, 1002), (T0 + 2600 * 10**6, 1002)]
    elif name == "end":
        e = 2**64 - 10 * NS
        e -= e % 1000
        p = [(e + i * 500 * 10**6, 1000) for i in range(5)]
    else:
        raise SystemExit("unknown scenario " + name)
    return p


def write_pcap(path, pkts):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b23c4d, 2, 4, 0, 0, 65535, 1))
        for n, (ts, sport) in enumerate(pkts):
            fr = frame(sport, n)
            f.write(struct.pack("<IIII", ts // NS, ts % NS, len(fr), len(fr)) + fr)


def block(btype, body):
    body += bytes(-len(body) % 4)
    n = 12 + len(body)
    return struct.pack("<II", btype, n) + body + struct.pack("<I", n)


def write_pcapng(path, pkts):
    with open(path, "wb") as f:
        f.write(block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1)))
        f.write(block(1, struct.pack("<HHI", 1, 0, 65535)))  # Ethernet, microseconds
        for n, (ts, sport) in enumerate(pkts):
            fr = frame(sport, n)
            us = ts // 1000
            f.write(block(6, struct.pack("<IIIII", 0, us >> 32, us & 0xffffffff, len(fr), len(fr)) + fr))


def main():
    name, out, truth_path = sys.argv[1:4]
    pkts = scenario(name)
    (write_pcapng if name == "end" else write_pcap)(out, pkts)
    truth = {}
    for ts, sport in pkts:
        k = "10.0.0.1 10.0.0.2 %d 2000" % sport
        t = truth.setdefault(k, [ts, ts, 0])
        t[0], t[1], t[2] = min(t[0], ts), max(t[1], ts), t[2] + 1
    json.dump(truth, open(truth_path, "w"))


if __name__ == "__main__":
    main()
