#!/usr/bin/env python3
"""Run every capture of the corpus through xflowd and check the outcome.

Called by run.sh (see there for the contract).  For each file:
  - xflowd --read FILE ... --domain-id N (N distinct per file), 20 s limit;
  - outcome: processed (exit 0), refused (exit 1, a message naming the
    "link type"), crash (killed by a signal, exit > 128, or a sanitizer
    report), hang (time limit), error (anything else);
  - for Ethernet, Linux cooked and raw-IP captures: the flows exported to
    the collector (decoded by tshark's cflow dissector, split by
    observation domain) must equal tshark_flows.py's expected flows, key
    by key, packets and octets; differences listed in known_differences.txt
    are tolerated.
"""

import argparse
import concurrent.futures
import ipaddress
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True   # leave no __pycache__ in the work tree
import tshark_flows  # noqa: E402
from collector import STOP  # noqa: E402

TIME_LIMIT = 20
# The contract's timeouts: long enough that no flow of a capture expires
# before the end of the file (records of one key are summed anyway).
FLOW_TIMEOUT = "100000000"
SANITIZER = re.compile(r"ERROR: \w*Sanitizer|runtime error:")
MAX_DETAIL = 6


class Result:
    def __init__(self, name, path, od):
        self.name, self.path, self.od = name, path, od
        self.linktype = tshark_flows.file_linktype(path)
        self.compared = self.linktype in tshark_flows.COMPARED_LINKTYPES
        self.outcome = None       # processed|refused|crash|hang|error
        self.detail = ""
        self.rc = None
        self.seconds = 0.0
        self.expected = None      # key -> [packets, octets, frames]
        self.skipped = []
        self.notes = {}
        self.exp_error = None
        self.verdict = None       # agree|allowed|disagree (compared files)
        self.diff_lines = []


def run_xflowd(r, args, port, work):
    stats = os.path.join(work, "stats", "%d.json" % r.od)
    cmd = [args.xflowd, "--read", r.path,
           "--collector", "127.0.0.1:%d" % port, "--export", "ipfix",
           "--active-timeout", FLOW_TIMEOUT, "--inactive-timeout", FLOW_TIMEOUT,
           "--stats-file", stats, "--domain-id", str(r.od)]
    errpath = os.path.join(work, "stderr", "%d.txt" % r.od)
    t0 = time.monotonic()
    with open(errpath, "wb") as err:
        p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=err,
                             stderr=subprocess.STDOUT, start_new_session=True)
        try:
            rc = p.wait(TIME_LIMIT)
        except subprocess.TimeoutExpired:
            rc = None
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            p.wait()
    r.seconds = time.monotonic() - t0
    with open(errpath, "rb") as f:
        text = f.read().decode("utf-8", "replace")
    r.rc = rc
    first = next((l for l in text.splitlines() if l.strip()), "")
    if rc is None:
        r.outcome, r.detail = "hang", "no exit after %d s" % TIME_LIMIT
    elif rc < 0 or rc > 128:
        sig = -rc if rc < 0 else rc - 128
        r.outcome = "crash"
        r.detail = "killed by signal %d" % sig
        m = SANITIZER.search(text)
        if m:
            r.detail += "; " + text[m.start():].splitlines()[0]
    elif SANITIZER.search(text):
        m = SANITIZER.search(text)
        r.outcome = "crash"
        r.detail = "exit %d; %s" % (rc, text[m.start():].splitlines()[0])
    elif rc == 0:
        r.outcome = "processed"
    elif rc == 1 and "link type" in text.lower():
        r.outcome = "refused"
        r.detail = first.strip()
    else:
        r.outcome = "error"
        r.detail = "exit %d: %s" % (rc, first.strip()[:200])


def run_expected(r, args, work):
    out = os.path.join(work, "expected", "%d.json" % r.od)
    cmd = [sys.executable, os.path.join(HERE, "tshark_flows.py"),
           "--dlt", str(r.linktype), "--json", out, "--tshark", args.tshark,
           r.path]
    try:
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                           timeout=300)
    except subprocess.TimeoutExpired:
        r.exp_error = "tshark_flows.py timed out"
        return
    if p.returncode != 0:
        err = p.stderr.decode("utf-8", "replace").strip().splitlines()
        r.exp_error = "tshark_flows.py exit %d%s" % (
            p.returncode, ": " + err[-1] if err else "")
        return
    with open(out) as f:
        d = json.load(f)
    r.expected = {tuple(k): [pk, oc, fr] for k, pk, oc, fr in d["flows"]}
    r.skipped = d["skipped"]
    r.notes = d["notes"]


def decode_export(rec, port, tshark):
    """od -> {key: [packets, octets, records]} from the recorded datagrams,
    plus a list of problems tshark reported about the export."""
    flows, problems = {}, []
    cmd = [tshark, "-n", "-r", rec, "-d", "udp.port==%d,cflow" % port,
           "-T", "pdml"]
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL)
    for _, el in ET.iterparse(p.stdout):
        if el.tag != "packet":
            continue
        cf = el.find("proto[@name='cflow']")
        if cf is None:
            problems.append("a datagram tshark did not decode as IPFIX")
            el.clear()
            continue
        od = tshark_flows.fint(cf, "cflow.od_id")
        for f in cf.iter("field"):
            if f.get("name") == "_ws.expert":
                m = tshark_flows.field(f, "_ws.expert.message")
                if m is not None:
                    problems.append("od %s: %s" % (od, m.get("show")))
            if f.get("name") != "" or not (f.get("show") or "").startswith(
                    "Flow "):
                continue
            rec = {}
            for c in f.iter("field"):
                n = c.get("name", "")
                if n.startswith("cflow.") and n not in rec:
                    rec[n] = c.get("show")
            src = rec.get("cflow.srcaddr") or rec.get("cflow.srcaddrv6")
            dst = rec.get("cflow.dstaddr") or rec.get("cflow.dstaddrv6")
            if src is None or dst is None or "cflow.protocol" not in rec:
                continue    # an options record
            try:
                v = 4 if "cflow.srcaddr" in rec else 6
                key = (v, str(ipaddress.ip_address(src)),
                       str(ipaddress.ip_address(dst)),
                       int(rec["cflow.protocol"]),
                       int(rec.get("cflow.srcport", 0)),
                       int(rec.get("cflow.dstport", 0)))
                pk = int(rec.get("cflow.packets", rec.get("cflow.packets64",
                                                          -1)))
                oc = int(rec.get("cflow.octets", rec.get("cflow.octets64",
                                                         -1)))
            except ValueError:
                problems.append("od %s: undecodable record %r" % (od, rec))
                continue
            fl = flows.setdefault(od, {}).setdefault(key, [0, 0, 0])
            fl[0] += pk
            fl[1] += oc
            fl[2] += 1
        el.clear()
    p.wait()
    return flows, problems


def load_allow(path):
    """known_differences.txt: 'FILE [v src dst proto sport dport] -- reason'
    lines; '#' starts a comment.  Returns {file: set of keys or None}."""
    allow = {}
    if not os.path.exists(path):
        return allow
    with open(path) as f:
        for no, line in enumerate(f, 1):
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            head, sep, reason = line.partition(" -- ")
            tok = head.split()
            if not sep or not reason.strip() or len(tok) not in (1, 7):
                sys.exit("%s:%d: want 'FILE [v src dst proto sport dport] "
                         "-- reason'" % (path, no))
            if len(tok) == 1:
                allow[tok[0]] = None
            else:
                key = (int(tok[1]), str(ipaddress.ip_address(tok[2])),
                       str(ipaddress.ip_address(tok[3])), int(tok[4]),
                       int(tok[5]), int(tok[6]))
                if tok[0] in allow and allow[tok[0]] is None:
                    continue
                allow.setdefault(tok[0], set()).add(key)
    return allow


def ks(key):
    return " ".join(str(k) for k in key)


def compare(r, got, allow):
    exp = {k: v[:2] for k, v in r.expected.items()}
    gotc = {k: v[:2] for k, v in got.items()}
    diffs = []
    for k in sorted(set(exp) | set(gotc), key=lambda k: [str(x) for x in k]):
        e, g = exp.get(k), gotc.get(k)
        if e != g:
            diffs.append((k, e, g))
    if not diffs:
        r.verdict = "agree"
        return
    allowed = allow.get(r.name, set()) if r.name in allow else set()
    unexplained = [d for d in diffs
                   if not (allowed is None or d[0] in allowed)]
    r.verdict = "disagree" if unexplained else "allowed"
    for k, e, g in (unexplained or diffs)[:MAX_DETAIL]:
        fmt = lambda c: "none" if c is None else "%d pkts/%d octets" % tuple(c)
        line = "  %s: expected %s, got %s" % (ks(k), fmt(e), fmt(g))
        if e is not None:
            frames = r.expected[k][2]
            line += " (frames %s%s)" % (",".join(map(str, frames[:8])),
                                        ",..." if len(frames) > 8 else "")
            notes = [n for fr in frames[:3] for n in r.notes.get(str(fr), [])]
            if notes:
                line += " [tshark: %s]" % "; ".join(notes[:3])
        r.diff_lines.append(line)
    if len(unexplained or diffs) > MAX_DETAIL:
        r.diff_lines.append("  ... %d more" % (len(unexplained or diffs)
                                                - MAX_DETAIL))
    if any(e is None for _, e, _ in unexplained) and r.skipped:
        hints = ["%s: %s" % (n, why) for n, why, _ in r.skipped
                 if not why.startswith("not IP")][:3]
        if hints:
            r.diff_lines.append("  frames tshark_flows.py skipped: " +
                                "; ".join(hints))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--xflowd", required=True)
    ap.add_argument("--tshark", default="tshark")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--allow", default=os.path.join(HERE,
                                                    "known_differences.txt"))
    ap.add_argument("--keep", help="keep the work files in this directory")
    ap.add_argument("--verbose", action="store_true",
                    help="also list allowed differences")
    ap.add_argument("files", nargs="*", help="only these corpus files")
    args = ap.parse_args()

    t_start = time.monotonic()
    allow = load_allow(args.allow)
    names = sorted(n for n in os.listdir(args.corpus)
                   if os.path.isfile(os.path.join(args.corpus, n)))
    # Domain ids follow the full sorted listing so that a file keeps its id
    # when only a few are run.
    results = [Result(n, os.path.join(args.corpus, n), i + 1)
               for i, n in enumerate(names)]
    if args.files:
        want = set(os.path.basename(f) for f in args.files)
        results = [r for r in results if r.name in want]
        missing = want - set(r.name for r in results)
        if missing:
            sys.exit("not in the corpus: " + " ".join(sorted(missing)))

    if args.keep:
        work = args.keep
        os.makedirs(work, exist_ok=True)
    else:
        work = tempfile.mkdtemp(prefix="xflowd-corpus-")
    for d in ("stats", "stderr", "expected"):
        os.makedirs(os.path.join(work, d), exist_ok=True)

    rec = os.path.join(work, "export.pcap")
    portfile = os.path.join(work, "collector.port")
    if os.path.exists(portfile):
        os.unlink(portfile)
    coll = subprocess.Popen([sys.executable, os.path.join(HERE,
                                                          "collector.py"),
                             "--out", rec, "--port-file", portfile],
                            stdin=subprocess.DEVNULL)
    port = None
    for _ in range(200):
        if os.path.exists(portfile):
            port = int(open(portfile).read())
            break
        if coll.poll() is not None:
            break
        time.sleep(0.05)
    if port is None:
        coll.kill()
        sys.exit("FAIL: the collector did not start")

    done = [0]
    lock = threading.Lock()

    def job(r):
        run_xflowd(r, args, port, work)
        if r.compared and r.outcome == "processed":
            run_expected(r, args, work)
        with lock:
            done[0] += 1
            if sys.stderr.isatty():
                print("\r%d/%d" % (done[0], len(results)), end="",
                      file=sys.stderr, flush=True)

    with concurrent.futures.ThreadPoolExecutor(args.jobs) as ex:
        list(ex.map(job, results))
    if sys.stderr.isatty():
        print("\r", end="", file=sys.stderr)

    # Every exporter has exited, so its datagrams are queued ahead of STOP.
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.sendto(STOP, ("127.0.0.1", port))
    try:
        coll.wait(60)
    except subprocess.TimeoutExpired:
        coll.kill()
        coll.wait()
    got, problems = decode_export(rec, port, args.tshark)

    ods = {r.od for r in results}
    stray = sorted(od for od in got if od not in ods)
    for r in results:
        if r.compared and r.outcome == "processed" and r.expected is not None:
            compare(r, got.get(r.od, {}), allow)

    # Report.
    failures = 0
    lines = []
    same = {}   # one error message for many files is printed a few times
    for r in results:
        bad = None
        if r.outcome in ("crash", "hang", "error"):
            bad = "%s: %s" % (r.outcome.upper(), r.detail)
        elif r.outcome == "refused" and r.compared:
            bad = "REFUSED a link type that must be supported (%s): %s" % (
                r.linktype, r.detail)
        elif r.compared and r.outcome == "processed":
            if r.exp_error:
                bad = "NO EXPECTATION: " + r.exp_error
            elif r.verdict == "disagree":
                bad = "DISAGREE with tshark (link type %s):" % r.linktype
        if bad:
            failures += 1
            gist = bad.replace(r.path, "FILE").replace(r.name, "FILE")
            same[gist] = same.get(gist, 0) + 1
            if r.verdict != "disagree" and same[gist] > 5:
                continue
            lines.append("%s %s" % (r.name, bad))
            if r.verdict == "disagree":
                lines.extend(r.diff_lines)
        elif r.verdict == "allowed" and args.verbose:
            lines.append("%s allowed difference (known_differences.txt):"
                         % r.name)
            lines.extend(r.diff_lines)
    for l in lines:
        print(l)
    for gist, n in same.items():
        if n > 5 and not gist.startswith("DISAGREE"):
            print("... and %d more files: %s" % (n - 5, gist))
    if stray:
        print("FAIL: flow records for observation domains no run was given:"
              " %s (is --domain-id honoured?)" % " ".join(map(str,
                                                              stray[:10])))
    seen = set()
    for pr in problems:
        if pr not in seen and len(seen) < 10:
            print("note: tshark on the export: %s" % pr)
        seen.add(pr)

    stale = []
    for name, keys in sorted(allow.items()):
        r = next((x for x in results if x.name == name), None)
        if r is None or not r.compared:
            continue
        if r.verdict == "agree":
            stale.append(name)
    for name in stale:
        print("note: %s agrees now; its known_differences.txt entry can go"
              % name)

    count = lambda **kw: sum(all(getattr(r, k) == v for k, v in kw.items())
                             for r in results)
    compared = [r for r in results if r.compared]
    print("corpus: %d files: %d processed, %d refused, %d crashes, %d hangs, "
          "%d other errors" % (len(results), count(outcome="processed"),
                               count(outcome="refused"),
                               count(outcome="crash"), count(outcome="hang"),
                               count(outcome="error")))
    print("corpus: flows of %d Ethernet/cooked/raw-IP files: %d agreeing, "
          "%d disagreeing, %d differing as allowed by known_differences.txt"
          % (len(compared), count(verdict="agree"),
             count(verdict="disagree"), count(verdict="allowed")))
    print("corpus: %.0f s" % (time.monotonic() - t_start))
    print("corpus: %d passed, %d failed" % (len(results) - failures,
                                            failures))
    ok = failures == 0 and not stray
    if not args.keep and ok:
        shutil.rmtree(work, ignore_errors=True)
    elif not args.keep:
        print("corpus: work files kept in %s" % work)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
