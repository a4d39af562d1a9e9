#!/usr/bin/env python3
"""Record every UDP datagram sent to a loopback port into a pcap file.

One collector serves a whole corpus run: each xflowd run exports with its
own observation domain id, so the records are split by domain afterwards
(tshark's cflow dissector decodes the recording; cflow.od_id tells the
domain).  Each datagram is stored as an IPv4/UDP packet (LINKTYPE_RAW)
with the sender's real source port, so tshark keys templates as a
collector would: by exporter address and port and domain.

  collector.py --out REC.pcap --port-file FILE

binds 127.0.0.1 on a free port, writes the port number to FILE and records
until a datagram equal to STOP arrives (or SIGTERM), then exits 0.
"""

import argparse
import os
import signal
import socket
import struct
import sys
import time

STOP = b"xflowd-corpus-collector-stop"


def ip_udp(payload, sport, dport):
    udp = struct.pack(">HHHH", sport, dport, 8 + len(payload), 0)
    total = 20 + 8 + len(payload)
    hdr = struct.pack(">BBHHHBBH4s4s", 0x45, 0, total & 0xFFFF, 0, 0, 64,
                      17, 0, b"\x7f\x00\x00\x01", b"\x7f\x00\x00\x01")
    return hdr + udp + payload


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--port-file", required=True)
    a = ap.parse_args()

    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    # A deep receive queue: two exporters may burst while we write.
    for opt in (getattr(socket, "SO_RCVBUFFORCE", None), socket.SO_RCVBUF):
        if opt is None:
            continue
        try:
            sock.setsockopt(socket.SOL_SOCKET, opt, 32 << 20)
            break
        except OSError:
            continue
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]

    out = open(a.out, "wb")
    out.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 101))

    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(1))
    sock.settimeout(0.5)

    tmp = a.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % port)
    os.replace(tmp, a.port_file)

    n = 0
    while not stopping:
        try:
            data, (_, sport) = sock.recvfrom(65535)
        except socket.timeout:
            continue
        except InterruptedError:
            continue
        if data == STOP:
            break
        pkt = ip_udp(data, sport, port)
        now = time.time()
        out.write(struct.pack("<IIII", int(now), int(now % 1 * 1e6),
                              len(pkt), len(pkt)))
        out.write(pkt)
        n += 1
    out.close()


if __name__ == "__main__":
    main()
