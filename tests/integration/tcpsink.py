#!/usr/bin/python3
"""tcpsink - a small IPFIX-over-TCP collector (RFC 7011 §10.4) for the tests.

usage: tcpsink.py --out PREFIX --port-file FILE [--bind ADDR] [--port N]
                  [--rcvbuf BYTES] [--paused] [--pid-file FILE]

Listens on ADDR (default 127.0.0.1; an IPv6 address listens AF_INET6) port N
(0: the kernel picks one; SO_REUSEADDR, so a restarted sink gets the same
port), writes the port to --port-file once listening, and accepts any number
of connections. Each connection's byte stream is cut into IPFIX messages by
their length field; every message is written, as it is read, to
PREFIX.connK.pcap (K = 1, 2, ... in accept order; LINKTYPE_RAW, nanosecond
times, an IPv4/IPv6 + UDP packet from the exporter's address and port to
ADDR:port), the format of udpsink.py, so msgcheck.py and tshark read it.
PREFIX.events has one JSON object a line: listen, accept, close (with the
messages and octets of that connection, and why it closed), exit.

Signals:
  SIGTERM, SIGINT  graceful stop: each connection is half-closed (our FIN), and
                   read until the exporter closes it (at most 10 s), then exit;
                   nothing the exporter wrote is lost.
  SIGUSR2          crash: every connection is reset (SO_LINGER 0) without
                   reading what waits; the unread octets are in the events.
  SIGUSR1          --paused: start reading (until then connections are
                   accepted and nothing is read: the exporter's window fills).
--rcvbuf sets SO_RCVBUF before listen (small: the window fills sooner).
--pid-file: our pid, written before the port file (`ip netns exec` forks).
"""
import argparse
import fcntl
import ipaddress
import json
import os
import selectors
import signal
import socket
import struct
import sys
import termios
import time

state = {"stop": None, "paused": False}


def on_signal(signum, frame):
    if signum == signal.SIGUSR1:
        state["paused"] = False
    elif signum == signal.SIGUSR2:
        state["stop"] = "crash"
    elif state["stop"] is None:
        state["stop"] = "graceful"


class Conn:
    def __init__(self, sink, sock, peer, k):
        self.sink, self.sock, self.peer, self.k = sink, sock, peer, k
        self.buf = b""
        self.msgs = self.octets = 0
        self.out = open("%s.conn%d.pcap" % (sink.prefix, k), "wb")
        self.out.write(struct.pack("<IHHiIII", 0xa1b23c4d, 2, 4, 0, 0, 262144, 101))
        self.out.flush()
        self.error = None

    def feed(self, data):
        self.buf += data
        while len(self.buf) >= 16:
            ver, length = struct.unpack("!HH", self.buf[:4])
            if ver != 10 or length < 16:
                self.error = "not IPFIX: version %d length %d" % (ver, length)
                return False
            if len(self.buf) < length:
                break
            self.write(self.buf[:length])
            self.buf = self.buf[length:]
        return True

    def write(self, m):
        s = self.sink
        ns = time.time_ns()
        src = ipaddress.ip_address(self.peer[0].split("%")[0]).packed
        udp = struct.pack("!HHHH", self.peer[1], s.port, 8 + len(m), 0)
        if s.v6:
            ip = struct.pack("!IHBB", 0x60000000, 8 + len(m), 17, 64) + src + s.dst
        else:
            hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 28 + len(m), self.msgs & 0xffff, 0, 64, 17, 0,
                              src, s.dst)
            c = sum(struct.unpack("!10H", hdr))
            while c >> 16:
                c = (c & 0xffff) + (c >> 16)
            ip = hdr[:10] + struct.pack("!H", ~c & 0xffff) + hdr[12:]
        pkt = ip + udp + m
        self.out.write(struct.pack("<IIII", ns // 10**9, ns % 10**9, len(pkt), len(pkt)) + pkt)
        self.out.flush()
        self.msgs += 1
        self.octets += len(m)

    def close(self, why, unread=0):
        self.out.close()
        self.sink.event("close", conn=self.k, peer=self.peer[0], messages=self.msgs, octets=self.octets,
                        partial=len(self.buf), why=why, unread=unread, error=self.error)
        try:
            self.sock.close()
        except OSError:
            pass


class Sink:
    def __init__(self, a):
        self.prefix = a.out
        self.v6 = ipaddress.ip_address(a.bind).version == 6
        self.dst = ipaddress.ip_address(a.bind).packed
        self.ev = open(a.out + ".events", "a")
        self.ls = socket.socket(socket.AF_INET6 if self.v6 else socket.AF_INET, socket.SOCK_STREAM)
        self.ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if a.rcvbuf:
            self.ls.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, a.rcvbuf)
        self.ls.bind((a.bind, a.port))
        self.ls.listen(16)
        self.port = self.ls.getsockname()[1]
        self.sel = selectors.DefaultSelector()
        self.sel.register(self.ls, selectors.EVENT_READ, None)
        self.conns = []
        # connection numbers go on across restarts of the sink on one prefix
        self.nconn = sum(1 for f in os.listdir(os.path.dirname(os.path.abspath(a.out)) or ".")
                         if f.startswith(os.path.basename(a.out) + ".conn") and f.endswith(".pcap"))

    def event(self, what, **kw):
        kw.update(event=what, t=time.time())
        self.ev.write(json.dumps(kw) + "\n")
        self.ev.flush()

    def accept(self):
        s, peer = self.ls.accept()
        self.nconn += 1
        c = Conn(self, s, peer, self.nconn)
        self.conns.append(c)
        self.event("accept", conn=c.k, peer=peer[0], port=peer[1])
        if not state["paused"]:
            self.sel.register(s, selectors.EVENT_READ, c)

    def read(self, c):
        try:
            d = c.sock.recv(1 << 16)
        except (ConnectionResetError, OSError) as e:
            d, why = None, "error: %s" % e
        else:
            why = "eof"
        if d:
            if c.feed(d):
                return
            why = "framing"
        self.sel.unregister(c.sock)
        self.conns.remove(c)
        c.close(why)

    def run(self):
        registered_paused = state["paused"]
        while state["stop"] is None:
            if registered_paused and not state["paused"]:
                registered_paused = False
                for c in self.conns:
                    self.sel.register(c.sock, selectors.EVENT_READ, c)
                self.event("resume")
            for key, _ in self.sel.select(0.1):
                if key.data is None:
                    self.accept()
                else:
                    self.read(key.data)
        self.sel.unregister(self.ls)
        self.ls.close()
        if state["stop"] == "crash":
            for c in list(self.conns):
                unread = struct.unpack("i", fcntl.ioctl(c.sock, termios.FIONREAD, b"\0\0\0\0"))[0]
                c.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                c.close("crash", unread)
            self.conns = []
        else:
            for c in self.conns:
                try:
                    c.sock.shutdown(socket.SHUT_WR)
                except OSError:
                    pass
                if registered_paused:
                    self.sel.register(c.sock, selectors.EVENT_READ, c)
            end = time.time() + 10
            while self.conns and time.time() < end:
                for key, _ in self.sel.select(0.1):
                    self.read(key.data)
            for c in list(self.conns):
                c.close("timeout")
        self.event("exit")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--bind", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--rcvbuf", type=int, default=0)
    ap.add_argument("--paused", action="store_true")
    ap.add_argument("--pid-file")
    a = ap.parse_args()
    state["paused"] = a.paused
    for s in (signal.SIGTERM, signal.SIGINT, signal.SIGUSR1, signal.SIGUSR2):
        signal.signal(s, on_signal)
    sink = Sink(a)
    sink.event("listen", port=sink.port)
    if a.pid_file:
        with open(a.pid_file + ".tmp", "w") as f:
            f.write("%d\n" % os.getpid())
        os.rename(a.pid_file + ".tmp", a.pid_file)
    tmp = a.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % sink.port)
    os.rename(tmp, a.port_file)
    sink.run()


if __name__ == "__main__":
    main()
