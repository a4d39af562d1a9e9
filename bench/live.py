#!/usr/bin/python3
"""live.py BUILD_DIR - the live section of `make bench` (issue 5), on veth.

One run measures, on the same veth pair and the same generator:
  - the raw limits: an XDP program counting and dropping, an AF_XDP rx-drop
    loop, a bare libpcap count loop (BUILD_DIR/bench/bpfbench);
  - xflowd in each mode: --capture afxdp, pcap, ebpf (XDP and TC);
  - softflowd on the same interface;
and, through a router namespace (generator -> router -> sink), the
forwarding rate without any observer and with xflowd --capture ebpf (TC on
the ingress interface, TC on both, XDP), with the in-kernel aggregation
alternative (bpfbench agg) and with other ring layouts.

Method (DESIGN: "Facts about this kernel and machine"): 60-octet UDP frames,
4096 flows, from a BPF_PROG_RUN live-frame generator (bpfbench gen, paced in
batches of 64 frames) pinned to CPU 0; the receiving veth's NAPI in a thread pinned to CPU 1 with the
consumer ("one receive core"). For each consumer: the rate it takes when
offered the generator's maximum ("sat"), the CPU it spends per packet on
CPU 1 (NAPI thread + consumer process: robust against other load), and the
highest loss-free rate (received >= offered - 0.01%), by bisection between
0.3x sat and the paced generator's limit. The machine is shared: every trial
records the CPU 1 time others used ("noise"); ratios of the same run are
what counts.

Then the same consumers with NAPI in softirq, the kernel's default: veth
receives on the sending CPU, so the generator and the receive work share
CPU 0 and the consumer has CPU 1 to itself ("softirq" in LIVE_ONLY; rounds
interleaved, medians). (The router path is not measured this way: with the
live generator's bursts and the forwarding in one softirq on CPU 0 it
forwarded ~15 kpps, a measure of the generator, not of the path.)

Environment: LIVE_STEPS (bisection steps, default 5), LIVE_DUR (seconds per
trial, default 2), LIVE_REPS (router repetitions, default 3), LIVE_ONLY
(comma list of consumers/sections to run). Prints a markdown report, also
written to BUILD_DIR/bench/live.md. Exit 0; "SKIP:" when not root.
"""
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import threading
import time

GEN_CPU, RX_CPU = 0, 1
NSG, NSR, NSRT, NSS = "bpfLg", "bpfLr", "bpfLR", "bpfLs"
G0, R0 = "bpfLg0", "bpfLr0"          # generator -> receiver
G1, RA, RB, SV = "bpfLg1", "bpfLa", "bpfLb", "bpfLs0"  # generator -> router -> sink
MAC_G, MAC_R, MAC_A, MAC_S = "02:00:00:00:00:01", "02:00:00:00:00:02", "02:00:00:00:00:0a", "02:00:00:00:00:0b"
OTHER_MAC = "02:00:00:00:00:99"      # frames the receiver's stack drops at once (a mirror port)
STEPS = int(os.environ.get("LIVE_STEPS", "5"))
DUR = int(os.environ.get("LIVE_DUR", "2"))
REPS = int(os.environ.get("LIVE_REPS", "3"))
ONLY = [x for x in os.environ.get("LIVE_ONLY", "").split(",") if x]


def sh(cmd, check=False):
    r = subprocess.run(cmd, shell=isinstance(cmd, str), capture_output=True, text=True)
    if check and r.returncode:
        raise RuntimeError("%s: %s" % (cmd, r.stderr.strip()))
    return r.stdout


def nsx(ns):
    return ["ip", "netns", "exec", ns]


def setup():
    teardown()
    for n in (NSG, NSR, NSRT, NSS):
        sh(["ip", "netns", "add", n], check=True)
        sh(["ip", "-n", n, "link", "set", "lo", "up"])
    for a, na, b, nb in ((G0, NSG, R0, NSR), (G1, NSG, RA, NSRT), (RB, NSRT, SV, NSS)):
        sh(["ip", "link", "add", a, "netns", na, "type", "veth", "peer", "name", b, "netns", nb], check=True)
        for d, n in ((a, na), (b, nb)):
            sh(nsx(n) + ["sysctl", "-qw", "net.ipv6.conf.%s.disable_ipv6=1" % d])
            sh(nsx(n) + ["ethtool", "-K", d, "tso", "off"])
    for d, n, m in ((G0, NSG, MAC_G), (R0, NSR, MAC_R), (G1, NSG, MAC_G), (RA, NSRT, MAC_A), (SV, NSS, MAC_S)):
        sh(["ip", "-n", n, "link", "set", d, "address", m])
    for d, n in ((G0, NSG), (R0, NSR), (G1, NSG), (RA, NSRT), (RB, NSRT), (SV, NSS)):
        sh(["ip", "-n", n, "link", "set", d, "up"], check=True)
    # the router: 10.77.8.2 (generator) -> 10.77.9.2 (sink), static neighbours
    sh(["ip", "-n", NSRT, "addr", "add", "10.77.8.1/24", "dev", RA])
    sh(["ip", "-n", NSRT, "addr", "add", "10.77.9.1/24", "dev", RB])
    sh(["ip", "-n", NSS, "addr", "add", "10.77.9.2/24", "dev", SV])
    sh(["ip", "-n", NSRT, "neigh", "replace", "10.77.9.2", "lladdr", MAC_S, "dev", RB, "nud", "permanent"])
    sh(nsx(NSRT) + ["sysctl", "-qw", "net.ipv4.ip_forward=1", "net.ipv4.conf.all.rp_filter=0",
                    "net.ipv4.conf.%s.rp_filter=0" % RA, "net.ipv4.conf.default.rp_filter=0"])
    # threaded NAPI (the flag can only be set while NAPI exists: GRO on)
    for d, n in ((R0, NSR), (RA, NSRT)):
        sh(nsx(n) + ["ethtool", "-K", d, "gro", "on"])
        sh(nsx(n) + ["sh", "-c", "echo 1 > /sys/class/net/%s/threaded" % d])
        sh(nsx(n) + ["ethtool", "-K", d, "gro", "off"])


def teardown():
    for n in (NSG, NSR, NSRT, NSS):
        for p in sh(["ip", "netns", "pids", n]).split():
            try:
                os.kill(int(p), signal.SIGKILL)
            except (ProcessLookupError, ValueError):
                pass
        sh(["ip", "netns", "del", n])


def tasks_named(prefix):
    out = []
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                if open("/proc/%s/comm" % pid).read().strip().startswith(prefix):
                    out.append(int(pid))
            except OSError:
                pass
    return out


def cpu_ns(pids):
    """on-CPU ns of every thread of pids (schedstat)"""
    tot = 0
    for p in pids:
        try:
            for t in os.listdir("/proc/%d/task" % p):
                tot += int(open("/proc/%d/task/%s/schedstat" % (p, t)).read().split()[0])
        except OSError:
            pass
    return tot


def cpu1_busy_ns():
    for line in open("/proc/stat"):
        if line.startswith("cpu%d " % RX_CPU):
            v = list(map(int, line.split()[1:9]))
            return (sum(v) - v[3] - v[4]) * 1e9 / os.sysconf("SC_CLK_TCK")
    return 0


class Proc:
    def __init__(self, cmd):
        self.lines = []
        self.p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                  start_new_session=True)
        self.t = threading.Thread(target=self._rd, daemon=True)
        self.t.start()

    def _rd(self):
        for ln in self.p.stdout:
            self.lines.append(ln.rstrip("\n"))

    def wait_for(self, pat, timeout=15):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if any(re.search(pat, x) for x in self.lines):
                return True
            if self.p.poll() is not None:
                return False
            time.sleep(0.02)
        return False

    def stop(self, sig=signal.SIGTERM, timeout=30):
        if self.p.poll() is None:
            os.kill(self.p.pid, sig)
            try:
                self.p.wait(timeout)
            except subprocess.TimeoutExpired:
                os.kill(self.p.pid, signal.SIGKILL)
                self.p.wait()
        self.t.join(2)
        return "\n".join(self.lines)


class Env:
    def __init__(self, build):
        self.build = os.path.abspath(build)
        self.xflowd = os.path.join(self.build, "xflowd")
        self.bb = os.path.join(self.build, "bench", "bpfbench")
        self.tmp = os.path.join(self.build, "bench", "live")


def consumers(env):
    x = [env.xflowd, "-i", R0, "-c", "127.0.0.1:9", "--stats-file", env.tmp + "/stats.json"]
    sfd = ["softflowd", "-d", "-i", R0, "-n", "127.0.0.1:9995", "-v", "9", "-m", "65536", "-B", str(256 << 20),
           "-c", env.tmp + "/sfd.ctl"]
    return [
        dict(name="raw XDP_DROP", key="raw-xdp", cmd=[env.bb, "drop", "-i", R0], kind="bench"),
        dict(name="raw AF_XDP rx-drop", key="raw-afxdp", cmd=[env.bb, "xsk", "-i", R0], kind="bench"),
        dict(name="raw libpcap loop", key="raw-pcap", cmd=[env.bb, "pcap", "-i", R0], kind="bench", gro=True),
        dict(name="xflowd afxdp", key="afxdp", cmd=x + ["--capture", "afxdp"], kind="xflowd"),
        dict(name="xflowd pcap", key="pcap", cmd=x + ["--capture", "pcap"], kind="xflowd", gro=True, ready=1.0),
        dict(name="xflowd ebpf (XDP)", key="ebpf-xdp", cmd=x + ["--capture", "ebpf", "--ebpf-hook", "xdp"],
             kind="xflowd"),
        dict(name="xflowd ebpf (TC)", key="ebpf-tc", cmd=x + ["--capture", "ebpf"], kind="xflowd", gro=True),
        dict(name="softflowd", key="softflowd", cmd=sfd, kind="softflowd", gro=True, ready=1.5),
    ]


def livegen(env, dev, rate, dur, dmac, src="10.77.0.1", dst="10.77.0.2"):
    cmd = nsx(NSG) + ["nice", "-n", "-20", "taskset", "-c", str(GEN_CPU), env.bb, "gen", "-i", dev, "-d",
                      str(dur), "-m", dmac, "-s", MAC_G, "-a", src, "-A", dst]
    if rate:
        cmd += ["-r", str(int(rate))]
    m = re.search(r"END sent (\d+) secs ([\d.]+)", sh(cmd))
    return (int(m.group(1)), float(m.group(2))) if m else (0, 1.0)


def set_gro(ns, dev, on):
    sh(nsx(ns) + ["ethtool", "-K", dev, "gro", "on" if on else "off"])


def start(c, ns, dev, extra_env=None):
    set_gro(ns, dev, c.get("gro", False))
    # nice -20: the receive core's work outweighs other load on the machine
    cmd = nsx(ns) + ["nice", "-n", "-20", "taskset", "-c", str(RX_CPU)]
    if extra_env:
        cmd += ["env"] + ["%s=%s" % kv for kv in extra_env.items()]
    p = Proc(cmd + c["cmd"])
    if c.get("ready"):
        time.sleep(c["ready"])
        ok = p.p.poll() is None
    else:
        ok = p.wait_for(r"READY|: afxdp: |: ebpf: ")
    if not ok:
        raise RuntimeError("%s did not start: %s" % (c["name"], p.stop(signal.SIGKILL)[-400:]))
    return p, pin_napi(dev)


def pin_napi(dev):
    napi = tasks_named("napi/" + dev)
    for t in napi:
        sh(["taskset", "-p", "-c", str(RX_CPU), str(t)])
        sh(["renice", "-n", "-20", "-p", str(t)])
    return napi


def finish(env, c, p):
    """received count of a consumer, stopping it"""
    if c["kind"] == "softflowd":
        out = sh(nsx(NSR) + ["softflowctl", "-c", env.tmp + "/sfd.ctl", "statistics"])
        p.stop()
        # softflowd leaves the last libpcap block of a burst unprocessed
        # until more traffic comes: a trial is loss-free when its socket
        # took every packet and it processed all but that block's worth
        m = [re.search(r"%s:\s*(\d+)" % k, out) for k in ("Packets processed", "Packets received by libpcap",
                                                           "Packets dropped by libpcap",
                                                           "Packets dropped by interface")]
        if not all(m):
            return 0
        v = [int(x.group(1)) for x in m]
        took = v[1] - v[2] - v[3]
        return took if v[0] >= took - 8192 else v[0]
    if c["kind"] == "xflowd":
        # (xflowd opens --stats-file at start: it is fresh for each run)
        p.stop()
        try:
            return json.load(open(env.tmp + "/stats.json"))["packets"]
        except (OSError, ValueError, KeyError):
            return 0
    out = p.stop(signal.SIGINT)
    m = re.search(r"END pkts (\d+)", out)
    return int(m.group(1)) if m else 0


def trial(env, c, rate, dur=DUR):
    p, napi = start(c, NSR, R0)
    b0, t0, k0, u0 = cpu1_busy_ns(), time.monotonic(), cpu_ns(napi), cpu_ns([p.p.pid])
    sent, secs = livegen(env, G0, rate, dur, OTHER_MAC)
    # libpcap hands over blocks on a timer: xflowd's 100 ms, softflowd's 1 s
    time.sleep(2.5 if c["kind"] == "softflowd" else 1.2 if c.get("gro") else 0.3)
    k1, u1, b1, t1 = cpu_ns(napi), cpu_ns([p.p.pid]), cpu1_busy_ns(), time.monotonic()
    got = finish(env, c, p)
    ours = k1 - k0 + u1 - u0
    return dict(sent=sent, got=got, secs=secs, rate=got / secs, offered=sent / secs,
                loss=(sent - got) / sent if sent else 1, ns=ours / got if got else 0,
                kns=(k1 - k0) / got if got else 0, uns=(u1 - u0) / got if got else 0,
                noise=max(0.0, (b1 - b0 - ours) / ((t1 - t0) * 1e9)))


def measure(env, c, log, gen_max):
    """sat rate and CPU per packet at the live generator's maximum; the
    highest loss-free rate with the paced generator, by bisection up to
    what that generator can offer (gen_max)"""
    sat = trial(env, c, None)
    log("  %-20s sat %7.0f kpps of %7.0f offered, %4.0f ns/pkt on CPU %d (kernel %.0f + process %.0f), noise %3.0f%%"
        % (c["name"], sat["rate"] / 1e3, sat["offered"] / 1e3, sat["ns"], RX_CPU, sat["kns"], sat["uns"],
           100 * sat["noise"]))
    # up to the generator's limit, not a multiple of sat: a consumer that
    # shares the receive core with NAPI may take far less when flooded
    # than it takes without loss at a lower rate
    lo, hi, best, noise = 0.3 * min(sat["rate"], gen_max), gen_max, 0.0, [sat["noise"]]
    capped = False
    for i in range(STEPS + 1):
        # first at the top of the range: loss-free there means the
        # generator, not the consumer, is the limit
        r = hi if i == 0 else (lo + hi) / 2
        t = trial(env, c, r)
        noise.append(t["noise"])
        ok = t["loss"] <= 1e-4
        log("    %8.0f pps: offered %8.0f, got %8.0f, loss %7.3f%% %s"
            % (r, t["offered"], t["rate"], 100 * t["loss"], "ok" if ok else "LOSS"))
        if ok:
            best = max(best, t["offered"])
            lo = r
            if i == 0:
                capped = hi >= gen_max
                break
        else:
            hi = r
    return dict(sat=sat["rate"], ns=sat["ns"], kns=sat["kns"], uns=sat["uns"], lossfree=best, capped=capped,
                noise=statistics.median(noise))


def set_threaded(on):
    """receive NAPI in a thread pinned to the receive core (on), or in
    softirq on the CPU that sends into the veth (the kernel's default)"""
    for d, n in ((R0, NSR), (RA, NSRT)):
        sh(nsx(n) + ["ethtool", "-K", d, "gro", "on"])
        sh(nsx(n) + ["sh", "-c", "echo %d > /sys/class/net/%s/threaded" % (1 if on else 0, d)])
        sh(nsx(n) + ["ethtool", "-K", d, "gro", "off"])


SOFTIRQ_KEYS = ("raw-afxdp", "afxdp", "raw-pcap", "pcap", "ebpf-xdp", "ebpf-tc", "softflowd")


def softirq(env, log):
    """The kernel's default: veth's receive NAPI runs in softirq on the
    sending CPU (the generator's), so the consumer has the receive core to
    itself and the rate is what CPU 0 can generate and receive. Every
    consumer's flooded rate, rounds interleaved, medians."""
    set_threaded(False)
    runs = {k: [] for k in SOFTIRQ_KEYS}
    cs = [c for c in consumers(env) if c["key"] in SOFTIRQ_KEYS and (not ONLY or c["key"] in ONLY)]
    for rep in range(REPS):
        for c in cs:
            t = trial(env, c, None)
            runs[c["key"]].append(t)
            log("  rep %d %-20s %7.0f kpps of %7.0f offered, loss %6.3f%%, consumer %4.0f ns/pkt on CPU %d"
                % (rep + 1, c["name"], t["rate"] / 1e3, t["offered"] / 1e3, 100 * t["loss"], t["uns"], RX_CPU))
    out = {}
    for c in cs:
        r = runs[c["key"]]
        out[c["key"]] = dict(name=c["name"], rate=statistics.median([t["rate"] for t in r]),
                             lo=min(t["rate"] for t in r), hi=max(t["rate"] for t in r),
                             loss=statistics.median([t["loss"] for t in r]),
                             uns=statistics.median([t["uns"] for t in r]))
    return out


def gen_limit(env, log):
    """what the paced generator offers at most (into an XDP_DROP sink)"""
    c = dict(name="gen", cmd=[env.bb, "drop", "-i", R0], kind="bench")
    t = trial(env, c, 5e6)
    log("  paced generator: %.0f kpps at most (%.0f received by XDP_DROP)" % (t["offered"] / 1e3, t["rate"] / 1e3))
    return 0.97 * t["offered"]


def router(env, log, paced, keys=None):
    """forwarding through the router namespace: at the live generator's
    maximum (the saturated forwarding rate) and paced at a rate the path
    takes without loss (CPU per forwarded packet on the receive core:
    NAPI thread, sink, observer), without and with an observer"""
    x = [env.xflowd, "-c", "127.0.0.1:9", "--stats-file", env.tmp + "/stats.json"]
    xdp = x + ["-i", RA, "--capture", "ebpf", "--ebpf-hook", "xdp"]
    cfgs = [
        ("none", "forwarding alone", None, {}),
        ("tc", "xflowd ebpf, TC on the ingress interface", x + ["-i", RA, "--capture", "ebpf"], {}),
        ("tc2", "xflowd ebpf, TC on both interfaces", x + ["-i", RA, "-i", RB, "--capture", "ebpf"], {}),
        ("xdp", "xflowd ebpf, XDP on the ingress interface", xdp, {}),
        ("xdp1", "  the same, one shared ring", xdp, {"XFLOWD_EBPF_RINGS": "1"}),
        ("xdpcpu", "  the same, a ring per CPU", xdp, {"XFLOWD_EBPF_RING_BY_CPU": "1"}),
        ("xdpwake", "  the same, no wake-up at half full", xdp, {"XFLOWD_EBPF_WAKE_BYTES": "0"}),
        ("agg", "in-kernel per-CPU hash instead (bpfbench agg)", [env.bb, "agg", "-i", RA], {}),
    ]
    if ONLY and "router" not in ONLY:
        cfgs = [c for c in cfgs if c[0] in ONLY or c[0] == "none"]
    if keys:
        cfgs = [c for c in cfgs if c[0] in keys]
    res = {k: [] for k, *_ in cfgs}
    for rep in range(REPS):
        for key, name, cmd, xenv in cfgs:
            row = {}
            for mode, rate in (("sat", None), ("paced", paced)):
                sp = Proc(nsx(NSS) + ["nice", "-n", "-20", "taskset", "-c", str(RX_CPU), env.bb, "drop", "-i", SV])
                if not sp.wait_for("READY"):
                    raise RuntimeError("sink: " + sp.stop(signal.SIGKILL))
                c = dict(name=name, cmd=cmd or [], gro=True,
                         kind="xflowd" if cmd and cmd[0] == env.xflowd else "bench")
                set_gro(NSRT, RA, True)
                p = start(c, NSRT, RA, xenv)[0] if cmd else None
                napi = pin_napi(RA)
                pids = napi + [sp.p.pid] + ([p.p.pid] if p else [])
                b0, t0, n0 = cpu1_busy_ns(), time.monotonic(), cpu_ns(pids)
                sent, secs = livegen(env, G1, rate, DUR, MAC_A, "10.77.8.2", "10.77.9.2")
                time.sleep(0.3)
                n1, b1, t1 = cpu_ns(pids), cpu1_busy_ns(), time.monotonic()
                if p:
                    p.stop(signal.SIGTERM if c["kind"] == "xflowd" else signal.SIGINT)
                m = re.search(r"END pkts (\d+)", sp.stop(signal.SIGINT))
                fwd = int(m.group(1)) if m else 0
                row[mode] = dict(rate=fwd / secs, ns=(n1 - n0) / fwd if fwd else 0, loss=1 - fwd / sent if sent else 1,
                                 noise=max(0.0, (b1 - b0 - (n1 - n0)) / ((t1 - t0) * 1e9)))
            res[key].append(row)
            log("  rep %d %-46s sat %6.0f kpps %5.0f ns/pkt; at %.0f kpps: %5.0f ns/pkt, loss %.3f%%; noise %2.0f%%"
                % (rep + 1, name, row["sat"]["rate"] / 1e3, row["sat"]["ns"], paced / 1e3, row["paced"]["ns"],
                   100 * row["paced"]["loss"], 100 * row["sat"]["noise"]))
    out = []
    for key, name, *_ in cfgs:
        rates = [r["sat"]["rate"] for r in res[key]]
        out.append(dict(key=key, name=name, rate=statistics.median(rates), lo=min(rates), hi=max(rates),
                        ns=statistics.median([r["sat"]["ns"] for r in res[key]]),
                        pns=statistics.median([r["paced"]["ns"] for r in res[key]]),
                        ploss=max(r["paced"]["loss"] for r in res[key]),
                        noise=statistics.median([r["sat"]["noise"] for r in res[key]])))
    return out


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    env = Env(sys.argv[1])
    if os.geteuid() != 0:
        print("SKIP: live section: needs root (namespaces, BPF)")
        return 0
    for f in (env.xflowd, env.bb):
        if not os.access(f, os.X_OK):
            print("SKIP: live section: %s not built" % f)
            return 0
    os.makedirs(env.tmp, exist_ok=True)
    lines = []

    def log(s):
        print(s, flush=True)
        lines.append(s)

    setup()
    try:
        log("## Live capture on veth (bench/live.sh %s)" % sys.argv[1])
        log("")
        log("Measured %s UTC, kernel %s, %d CPUs; load average before: %s"
            % (time.strftime("%Y-%m-%d %H:%M", time.gmtime()), os.uname().release, os.cpu_count(),
               open("/proc/loadavg").read().split()[0]))
        log("")
        r = {}
        gmax = gen_limit(env, log)
        for c in consumers(env):
            if ONLY and c["key"] not in ONLY:
                continue
            r[c["key"]] = dict(measure(env, c, log, gmax), name=c["name"])
        rkeys = ("router", "tc", "tc2", "xdp", "xdp1", "xdpcpu", "xdpwake", "agg")
        fw = router(env, log, min(300e3, 0.8 * gmax)) if not ONLY or set(ONLY) & set(rkeys) else []
        sq, sfw = {}, []
        if not ONLY or "softirq" in ONLY:
            log("")
            log("NAPI in softirq (the kernel's default) on the generator's CPU %d:" % GEN_CPU)
            sq = softirq(env, log)
    finally:
        teardown()

    log("")
    log("| consumer | loss-free kpps | sat kpps | CPU %d ns/pkt (NAPI + process) | kpps/core (1e6/ns) | noise |"
        % RX_CPU)
    log("|---|---|---|---|---|---|")
    for k, v in r.items():
        log("| %s | %s%.0f | %.0f | %.0f (%.0f + %.0f) | %.0f | %.0f%% |"
            % (v["name"], ">= " if v["capped"] else "", v["lossfree"] / 1e3, v["sat"] / 1e3, v["ns"], v["kns"],
               v["uns"], 1e6 / v["ns"] if v["ns"] else 0, 100 * v["noise"]))

    def ratio(a, b, f):
        return r[a][f] / r[b][f] if a in r and b in r and r[b][f] else float("nan")

    def cap(k):
        return 1e9 / r[k]["ns"] if k in r and r[k]["ns"] else float("nan")

    log("")
    log("| target | loss-free | sat | CPU per packet | met (loss-free where both are below the generator's limit, "
        "else sat) |")
    log("|---|---|---|---|---|")
    for what, a, b, goal in (("afxdp >= 0.80x raw AF_XDP", "afxdp", "raw-afxdp", 0.8),
                             ("afxdp >= 2.5x softflowd", "afxdp", "softflowd", 2.5),
                             ("pcap >= 0.90x raw libpcap", "pcap", "raw-pcap", 0.9)):
        if a not in r or b not in r:
            continue
        lf, st = ratio(a, b, "lossfree"), ratio(a, b, "sat")
        cp = cap(a) / cap(b)
        use = st if r[a]["capped"] or r[b]["capped"] else lf
        log("| %s | %.2f%s | %.2f | %.2f | %s |" % (what, lf, " (capped)" if r[a]["capped"] or r[b]["capped"] else "",
                                                 st, cp, "yes" if use >= goal else "no"))
    if fw:
        base = fw[0]
        log("")
        log("| router path | forwarded at saturation, kpps (median, min-max) | cost | CPU %d ns/pkt at saturation "
            "| ns/pkt paced (no loss) | cost in CPU | noise |" % RX_CPU)
        log("|---|---|---|---|---|---|---|")
        for f in fw:
            log("| %s | %.0f (%.0f-%.0f) | %s | %.0f | %.0f%s | %s | %.0f%% |"
                % (f["name"], f["rate"] / 1e3, f["lo"] / 1e3, f["hi"] / 1e3,
                   "-" if f is base else "%.0f%%" % (100 * (1 - f["rate"] / base["rate"])), f["ns"], f["pns"],
                   "" if f["ploss"] <= 1e-4 else " (loss %.2f%%)" % (100 * f["ploss"]),
                   "-" if f is base else "%.0f%%" % (100 * (1 - base["pns"] / f["pns"])) if f["pns"] else "?",
                   100 * f["noise"]))
        tc = next((f for f in fw if f["key"] == "tc"), None)
        if tc:
            log("")
            log("Target: ebpf mode costs <= 20%% of the forwarding rate (TC on the ingress interface): %.0f%% of the "
                "saturated rate, %.0f%% in CPU per packet (%s)"
                % (100 * (1 - tc["rate"] / base["rate"]), 100 * (1 - base["pns"] / tc["pns"]) if tc["pns"] else 0,
                   "met" if tc["rate"] >= 0.8 * base["rate"] else "missed"))
    if sq:
        log("")
        log("NAPI in softirq on CPU %d with the generator (the kernel's default; the consumer has CPU %d to "
            "itself): rate taken when flooded, median of %d rounds (min-max)" % (GEN_CPU, RX_CPU, REPS))
        log("")
        log("| consumer | kpps (min-max) | loss | consumer CPU ns/pkt |")
        log("|---|---|---|---|")
        for k, v in sq.items():
            log("| %s | %.0f (%.0f-%.0f) | %.2f%% | %.0f |" % (v["name"], v["rate"] / 1e3, v["lo"] / 1e3,
                                                         v["hi"] / 1e3, 100 * v["loss"], v["uns"]))

        def sratio(a, b):
            return sq[a]["rate"] / sq[b]["rate"] if a in sq and b in sq and sq[b]["rate"] else float("nan")
        log("")
        log("| target (softirq) | ratio of medians | met |")
        log("|---|---|---|")
        for what, a, b, goal in (("afxdp >= 0.80x raw AF_XDP", "afxdp", "raw-afxdp", 0.8),
                                 ("afxdp >= 2.5x softflowd", "afxdp", "softflowd", 2.5),
                                 ("pcap >= 0.90x raw libpcap", "pcap", "raw-pcap", 0.9)):
            if a in sq and b in sq:
                log("| %s | %.2f | %s |" % (what, sratio(a, b), "yes" if sratio(a, b) >= goal else "no"))
    if sfw:
        base = sfw[0]
        log("")
        log("| router path, softirq | forwarded at saturation, kpps (median, min-max) | cost |")
        log("|---|---|---|")
        for f in sfw:
            log("| %s | %.0f (%.0f-%.0f) | %s |" % (f["name"], f["rate"] / 1e3, f["lo"] / 1e3, f["hi"] / 1e3,
                                                 "-" if f is base else "%.0f%%" % (100 * (1 - f["rate"] / base["rate"]))))
        tc = next((f for f in sfw if f["key"] == "tc"), None)
        if tc:
            log("")
            log("Target (softirq): ebpf mode costs <= 20%% of the forwarding rate (TC on the ingress interface): "
                "%.0f%% (%s)" % (100 * (1 - tc["rate"] / base["rate"]),
                               "met" if tc["rate"] >= 0.8 * base["rate"] else "missed"))
    with open(os.path.join(env.tmp, "..", "live.md"), "w") as f:
        f.write("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
