#!/usr/bin/python3
"""udpsink - receive UDP datagrams and write each one to a pcap, for tshark.

usage: udpsink.py --pcap OUT.pcap --port-file FILE [--bind ADDR] [--port N]

Binds ADDR (default 127.0.0.1; an IPv6 address binds AF_INET6) on port N
(default 0: the kernel picks a free one), writes the port number to
--port-file once the socket is bound, then writes every datagram received to
OUT.pcap (LINKTYPE_RAW, nanosecond timestamps) as an IPv4 or IPv6 + UDP packet
from the sender's address and port to ADDR:port, flushing after each one.
Stops on SIGTERM or SIGINT. No capture races: what the socket got is what the
pcap holds.
"""
import argparse
import ipaddress
import os
import signal
import socket
import struct
import sys
import time

stop = False


def on_signal(signum, frame):
    global stop
    stop = True


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pcap", required=True)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--bind", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=0)
    a = ap.parse_args()
    v6 = ipaddress.ip_address(a.bind).version == 6
    s = socket.socket(socket.AF_INET6 if v6 else socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 32 << 20)
    s.bind((a.bind, a.port))
    port = s.getsockname()[1]
    s.settimeout(0.1)
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    out = open(a.pcap, "wb")
    out.write(struct.pack("<IHHiIII", 0xa1b23c4d, 2, 4, 0, 0, 262144, 101))
    out.flush()
    tmp = a.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % port)
    os.rename(tmp, a.port_file)
    dst = ipaddress.ip_address(a.bind).packed
    n = 0
    while not stop:
        try:
            data, peer = s.recvfrom(65535)
        except socket.timeout:
            continue
        except InterruptedError:
            continue
        ns = time.time_ns()
        src = ipaddress.ip_address(peer[0].split("%")[0]).packed
        udp = struct.pack("!HHHH", peer[1], port, 8 + len(data), 0)
        if v6:
            ip = struct.pack("!IHBB", 0x60000000, 8 + len(data), 17, 64) + src + dst
        else:
            tot = 28 + len(data)
            hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, tot, n & 0xffff, 0, 64, 17, 0, src, dst)
            c = sum(struct.unpack("!10H", hdr))
            while c >> 16:
                c = (c & 0xffff) + (c >> 16)
            ip = hdr[:10] + struct.pack("!H", ~c & 0xffff) + hdr[12:]
        pkt = ip + udp + data
        out.write(struct.pack("<IIII", ns // 10**9, ns % 10**9, len(pkt), len(pkt)) + pkt)
        out.flush()
        n += 1
    out.close()
    print("udpsink: %d datagrams on port %d" % (n, port), file=sys.stderr)


if __name__ == "__main__":
    main()
