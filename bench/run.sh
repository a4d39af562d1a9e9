#!/usr/bin/env bash
# bench/run.sh BUILD_DIR - xflowd against the floor and its peers on large pcaps.
#
# Called by `make bench` as `bench/run.sh build`. Uses the shared kit in
# ../shared/bench (relative to the repo root): pcapgen writes the pcaps and
# their ground truth, peers.sh runs each peer under /usr/bin/time -v and
# checks what it exported against the truth.
#
# Pcaps (generated once, cached in $BENCH_DATA, default BUILD_DIR/bench/data):
#   B    --packets 10000000 --flows 1000000 --duration 300 --seed 12  (~3.5 GB)
#   F50k --packets 10000000 --flows 50000   --duration 300 --seed 12
#   B1, F1: as many one-packet flows as B and F have flows (--packets =
#        --flows), so that the cost of a flow (its creation, zeroed pages,
#        its record) can be told from the cost of a packet
# Runs, BENCH_RUNS rounds, each round one timed run of every peer in turn:
#   B:    floor xflowd softflowd nfpcapd
#   F50k: floor xflowd   (cost per packet at 50k vs 1M cached flows)
#   B1, F1: floor xflowd (the per-flow part of that cost)
# Each run is `peers.sh -r 1 -p PEER` (with -B after the first round: the
# 1-packet baseline is measured once), preceded by `cat PCAP >/dev/null`.
# Why not one `peers.sh -r N -p "floor xflowd softflowd nfpcapd"`: between two
# timed runs peers.sh reads the export back with nfdump and compare.py (1.1 GB
# RSS for 1M flows), which pushes ~2.3 GB of the 3.3 GB pcap out of the page
# cache on the reference machine (memory-limited container): every exporting
# peer's runs 2..N then read the pcap from disk and pay up to +1 s of system
# time, while the floor (no compare step) stays warm. Interleaving the peers
# also spreads the drift of a shared machine over all of them.
# Prints one summary table, also written to BUILD_DIR/bench/summary.md.
#
# Environment:
#   BENCH_RUNS   timed runs per peer (default 3; CPU is the median of the runs)
#   BENCH_DATA   where the pcaps are cached (default BUILD_DIR/bench/data)
#   BENCH_OUT    peers.sh output directories (default BUILD_DIR/bench/out)
#   BENCH_KEEP_CSV=1  keep the nfdump CSV of every run (up to ~1 GB each for
#                nfpcapd); by default deleted once compare.py has checked it
#   PEERS_B      the peers of the B pcap (default "floor xflowd softflowd
#                nfpcapd"; "floor xflowd" for the 50k vs 1M ratio alone)
#   BENCH_SHARED the kit (default ../shared/bench from the repository)
#   BENCH_QUICK=1  smoke test: pcaps 10x smaller (1M packets, 100k / 5k flows)
#   ACTIVE, INACTIVE, MAXFLOWS, PORT  passed through to peers.sh (defaults
#                3600, 3600, 4000000, 29995: every flow stays cached to EOF)
#
# Targets checked (from the issue): xflowd CPU <= 2x the floor's; RSS per cached
# flow <= 128 B; the same CPU per packet with 50k and with 1M cached flows,
# each run divided by its own floor (met within +-10%, see SAME_TOL); exact
# counts against the truth. The 50k vs 1M ratio is given twice: of the whole
# runs, as the issue states it (the 1M run also creates, zeroes and exports
# 20x more flows), and of the packets past each flow's first: (B - B1) /
# (packets of B - packets of B1), each divided by the floor's same difference.
set -u
SAME_TOL=0.10

usage() { echo "usage: $0 BUILD_DIR" >&2; exit 2; }
[ $# -eq 1 ] || usage
INVOKE_CMD="bench/run.sh $*"
for v in BENCH_RUNS BENCH_DATA BENCH_OUT BENCH_SHARED PEERS_B BENCH_QUICK BENCH_KEEP_CSV ACTIVE INACTIVE MAXFLOWS PORT; do
    [ -n "${!v:-}" ] && INVOKE_CMD="$v=$(printf %q "${!v}") $INVOKE_CMD"
done

ROOT=$(cd "$(dirname "$0")/.." && pwd)
SHARED=${BENCH_SHARED:-$ROOT/../shared/bench}
if [ ! -d "$SHARED" ]; then
    echo "SKIP: ../shared/bench absent"
    exit 0
fi
SHARED=$(cd "$SHARED" && pwd)

mkdir -p "$1" || exit 1
BUILD=$(cd "$1" && pwd)
XFLOWD=$BUILD/xflowd
if [ ! -x "$XFLOWD" ]; then
    case $BUILD in
    "$ROOT"/*) rel=${BUILD#"$ROOT"/}
        echo "bench: $XFLOWD missing; building it (make -C $ROOT B=$rel $rel/xflowd)"
        make -s -C "$ROOT" B="$rel" "$rel/xflowd" || exit 1 ;;
    esac
    [ -x "$XFLOWD" ] || { echo "bench: $XFLOWD not found; build it first (make -C $ROOT all)" >&2; exit 1; }
fi

BENCH=$BUILD/bench
mkdir -p "$BENCH" || exit 1
# Benchmark a snapshot: other people rebuild the tree while a run takes minutes,
# and every run must time the same binary.
SNAP=$BENCH/xflowd.under-test
cp -f "$XFLOWD" "$SNAP.tmp" && mv -f "$SNAP.tmp" "$SNAP" || exit 1
XF_DESC="$(sha256sum "$SNAP" | cut -c1-16), copy of $XFLOWD built $(date -u -r "$XFLOWD" '+%Y-%m-%d %H:%M:%S UTC')"
XF_DESC="$XF_DESC, tree $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')"
[ -n "$(git -C "$ROOT" status --porcelain --untracked-files=no 2>/dev/null)" ] && XF_DESC="$XF_DESC + uncommitted changes"
echo "bench: xflowd under test: $SNAP (sha256 $XF_DESC)"
XFLOWD=$SNAP
DATA=${BENCH_DATA:-$BENCH/data}
OUT=${BENCH_OUT:-$BENCH/out}
RUNS=${BENCH_RUNS:-3}
mkdir -p "$BENCH" "$DATA" "$OUT" || exit 1
DATA=$(cd "$DATA" && pwd)
OUT=$(cd "$OUT" && pwd)

# Tools: pcapgen and pcapfloor, built into BUILD_DIR/bench.
make -s -C "$SHARED/gen" OUT="$BENCH" >/dev/null || { echo "bench: building pcapgen/pcapfloor failed" >&2; exit 1; }
for t in softflowd nfpcapd nfcapd nfdump python3 /usr/bin/time; do
    command -v "$t" >/dev/null || echo "bench: WARNING: $t not installed; its peer is skipped or the run fails (make deps)" >&2
done

if [ "${BENCH_QUICK:-0}" = 1 ]; then
    PKTS=1000000 FLOWS_BIG=100000 FLOWS_SMALL=5000
else
    PKTS=10000000 FLOWS_BIG=1000000 FLOWS_SMALL=50000
fi
DUR=300 SEED=12
name_of() { echo "p${2:-$PKTS}_f$1_d${DUR}_s${SEED}"; }
B=$DATA/$(name_of $FLOWS_BIG)
F=$DATA/$(name_of $FLOWS_SMALL)
B1=$DATA/$(name_of $FLOWS_BIG $FLOWS_BIG)
F1=$DATA/$(name_of $FLOWS_SMALL $FLOWS_SMALL)

# Disk space. Full-size IMIX frames: about 350 B a packet in the pcap, plus the
# truth CSV (~100 B a flow); every peers.sh run keeps an nfdump CSV of what the
# peer exported (~200 B a record; nfpcapd writes a record per packet for ICMP
# and DNS) next to the logs. Estimate generously, in MB.
need_mb=0
for p in "$B:$FLOWS_BIG" "$F:$FLOWS_SMALL"; do
    [ -s "${p%%:*}.pcap" ] && [ -s "${p%%:*}.csv" ] ||
        need_mb=$((need_mb + PKTS * 380 / 1000000 + ${p##*:} * 160 / 1000000 + 10))
done
for p in "$B1:$FLOWS_BIG" "$F1:$FLOWS_SMALL"; do
    [ -s "${p%%:*}.pcap" ] && [ -s "${p%%:*}.csv" ] ||
        need_mb=$((need_mb + ${p##*:} * (380 + 160) / 1000000 + 10))
done
avail_data=$(($(df -Pk "$DATA" | awk 'NR==2{print $4}') / 1024))
if [ "${BENCH_KEEP_CSV:-0}" = 1 ]; then
    out_mb=$(( (RUNS * 3 + 1) * (FLOWS_BIG * 250 + PKTS * 20) / 1000000 + RUNS * 2 * FLOWS_SMALL * 250 / 1000000 + 50 ))
else # one run's CSV plus its nfcapd files at a time
    out_mb=$(( 3 * (FLOWS_BIG * 250 + PKTS * 20) / 1000000 + 50 ))
fi
avail_out=$(($(df -Pk "$OUT" | awk 'NR==2{print $4}') / 1024))
same_fs=0
[ "$(df -P "$DATA" | awk 'NR==2{print $1}')" = "$(df -P "$OUT" | awk 'NR==2{print $1}')" ] && same_fs=1
if [ $same_fs = 1 ]; then
    if [ $avail_data -lt $((need_mb + out_mb)) ]; then
        echo "bench: NOT ENOUGH DISK SPACE on $(df -P "$DATA" | awk 'NR==2{print $6}'): need about $((need_mb + out_mb)) MB" \
            "($need_mb MB for the pcaps in $DATA, $out_mb MB for peer output in $OUT), only $avail_data MB free." \
            "Free space or point BENCH_DATA / BENCH_OUT at a bigger filesystem." >&2
        exit 1
    fi
else
    if [ $avail_data -lt $need_mb ] || [ $avail_out -lt $out_mb ]; then
        echo "bench: NOT ENOUGH DISK SPACE: pcaps need about $need_mb MB in $DATA ($avail_data MB free)," \
            "peer output about $out_mb MB in $OUT ($avail_out MB free)." \
            "Free space or point BENCH_DATA / BENCH_OUT elsewhere." >&2
        exit 1
    fi
fi
echo "bench: disk ok: ${need_mb} MB of pcaps to generate, ~${out_mb} MB of peer output; $avail_data MB free in $DATA"

# gen BASE FLOWS [PACKETS]: BASE.pcap + BASE.csv, written under temporary names
# and renamed only when pcapgen succeeded, so an interrupted run never leaves a
# truncated cache.
gen() {
    local base=$1 flows=$2 pkts=${3:-$PKTS}
    if [ -s "$base.pcap" ] && [ -s "$base.csv" ]; then
        echo "bench: using cached $base.pcap ($(du -m "$base.pcap" | cut -f1) MB)"
        return 0
    fi
    local args="--packets $pkts --flows $flows --duration $DUR --seed $SEED"
    echo "bench: generating $base.pcap: pcapgen $args"
    local t0=$(date +%s)
    if ! "$BENCH/pcapgen" -o "$base.tmp.pcap" -t "$base.tmp.csv" $args; then
        rm -f "$base.tmp.pcap" "$base.tmp.csv"
        echo "bench: pcapgen failed (disk full? df says: $(df -Ph "$DATA" | awk 'NR==2{print $4}') free)" >&2
        return 1
    fi
    mv "$base.tmp.csv" "$base.csv" && mv "$base.tmp.pcap" "$base.pcap" || return 1
    echo "pcapgen $args" >"$base.args"
    echo "bench: generated in $(($(date +%s) - t0)) s, $(du -m "$base.pcap" | cut -f1) MB"
}
gen "$B" $FLOWS_BIG || exit 1
gen "$F" $FLOWS_SMALL || exit 1
gen "$B1" $FLOWS_BIG $FLOWS_BIG || exit 1
gen "$F1" $FLOWS_SMALL $FLOWS_SMALL || exit 1

# Runs. BIN reuses the kit binaries built above; XFLOWD is the binary under test.
export XFLOWD BIN=$BENCH
OUT_B=$OUT/B OUT_F=$OUT/F50k OUT_B1=$OUT/B1 OUT_F1=$OUT/F1
rm -rf "$OUT_B" "$OUT_F" "$OUT_B1" "$OUT_F1"
PEERS_B=${PEERS_B:-floor xflowd softflowd nfpcapd} PEERS_F="floor xflowd"
loop_desc() { # loop_desc PCAP PEERS OUTDIR
    echo "for r in \$(seq $RUNS); do for p in $2; do cat $1 >/dev/null;" \
        "XFLOWD=$XFLOWD BIN=$BENCH $SHARED/peers.sh -r 1 \$([ \$r = 1 ] || echo -B) -p \$p -o $3/r\$r-\$p $1; done; done"
}
CMD_B=$(loop_desc "$B.pcap" "$PEERS_B" "$OUT_B")
CMD_F=$(loop_desc "$F.pcap" "$PEERS_F" "$OUT_F")
CMD_1="$(loop_desc "$B1.pcap" "$PEERS_F" "$OUT_B1")
$(loop_desc "$F1.pcap" "$PEERS_F" "$OUT_F1")"
# run_set OUTDIR PCAP PEERS: the rounds; one line per run, peers.sh's own
# output goes to OUTDIR/rR-PEER/peers.out
run_set() {
    local dir=$1 pcap=$2 peers=$3 r p d base
    echo "bench: $(loop_desc "$pcap" "$peers" "$dir")"
    for r in $(seq "$RUNS"); do
        for p in $peers; do
            d=$dir/r$r-$p base=
            [ "$r" = 1 ] || base=-B
            cat "$pcap" >/dev/null
            mkdir -p "$d"
            if ! "$SHARED/peers.sh" -r 1 $base -p "$p" -o "$d" "$pcap" >"$d/peers.out" 2>&1; then
                echo "bench: peers.sh failed, see $d/peers.out:" >&2
                tail -5 "$d/peers.out" >&2
                return 1
            fi
            [ "${BENCH_KEEP_CSV:-0}" = 1 ] || rm -f "$d"/*.run1.csv
            printf 'bench: %s round %s %-9s cpu %6ss  maxrss %7s KB  %s\n' "$(basename "$dir")" "$r" "$p" \
                "$(awk -F': ' '/User time/ {u=$2} /System time/ {s=$2} END{printf "%.2f", u+s}' "$d/$p.run1.time" 2>/dev/null)" \
                "$(awk -F': ' '/Maximum resident/ {print $2}' "$d/$p.run1.time" 2>/dev/null)" \
                "$(grep -o 'NOT EXACT\|EXACT' "$d/$p.run1.cmp" 2>/dev/null | tail -1)"
        done
    done
}
run_set "$OUT_B" "$B.pcap" "$PEERS_B" || exit 1
run_set "$OUT_F" "$F.pcap" "$PEERS_F" || exit 1
run_set "$OUT_B1" "$B1.pcap" "$PEERS_F" || exit 1
run_set "$OUT_F1" "$F1.pcap" "$PEERS_F" || exit 1

# Summary: median CPU over the runs of each peer (time -v user+sys), exactness
# over all runs, RSS per cached flow = (maxrss - 1-packet-run maxrss) / flows.
python3 - "$OUT_B" "$OUT_F" "$OUT_B1" "$OUT_F1" "$RUNS" "$SAME_TOL" "$BENCH/summary.md" "$INVOKE_CMD" "$CMD_B" "$CMD_F" "$CMD_1" \
    "$(date -u '+%Y-%m-%d %H:%M UTC')" "$XF_DESC" \
    "${ACTIVE:-3600}" "${INACTIVE:-3600}" "${MAXFLOWS:-4000000}" <<'EOF'
import glob, json, os, re, statistics, sys
out_b, out_f, out_b1, out_f1, runs, tol, md_path, invoke, cmd_b, cmd_f, cmd_1, date, rev, act, inact, maxfl = sys.argv[1:]
runs, tol = int(runs), float(tol)

def tv(path):
    d = {}
    for line in open(path):
        line = line.strip()
        for k, key in (("User time (seconds)", "user"), ("System time (seconds)", "sys"),
                       ("Maximum resident set size (kbytes)", "rss")):
            if line.startswith(k + ":"):
                d[key] = float(line.split(":", 1)[1])
        for key in ("exit", "wall_ns", "udp_rcvbuf_errors"):
            if line.startswith(key + "="):
                d[key] = int(line.split("=", 1)[1])
    d["cpu"] = d.get("user", 0) + d.get("sys", 0)
    return d

def load(outdir):
    peers, npk = {}, None
    for i in range(1, runs + 1):
        for d in sorted(glob.glob(os.path.join(outdir, f"r{i}-*"))):
            peer = os.path.basename(d)[len(f"r{i}-"):]
            if npk is None:
                head = open(os.path.join(d, "summary.txt")).readline()
                m = re.search(r": (\d+) packets, (\d+) flows", head)
                npk, nfl = int(m.group(1)), int(m.group(2))
            t = os.path.join(d, f"{peer}.run1.time")
            if not os.path.exists(t):
                continue
            p = peers.setdefault(peer, dict(runs=[], js=[]))
            p["runs"].append(tv(t))
            j = os.path.join(d, f"{peer}.run1.json")
            p["js"].append(json.load(open(j)) if os.path.exists(j) else None)
    for peer, p in peers.items():
        cpus = [r["cpu"] for r in p["runs"]]
        p["cpu"] = statistics.median(cpus)
        p["cpu_min"], p["cpu_max"] = min(cpus), max(cpus)
        p["per_mpkt"] = p["cpu"] / npk * 1e6
        p["rss_kb"] = max(r["rss"] for r in p["runs"])
        base = os.path.join(outdir, f"r1-{peer}", f"{peer}.tiny.time")
        p["base_kb"] = tv(base)["rss"] if os.path.exists(base) else None
        p["b_per_flow"] = (p["rss_kb"] - p["base_kb"]) * 1024 / nfl if p["base_kb"] is not None else None
        p["exit"] = max(r.get("exit", 0) for r in p["runs"])
        p["udp"] = max(r.get("udp_rcvbuf_errors", 0) for r in p["runs"])
        js = [j for j in p["js"] if j]
        if js:
            nex = sum(1 for j in js if j.get("exact"))
            p["exact"] = "EXACT" if nex == len(js) else f"NOT EXACT ({nex}/{len(js)} runs exact)"
            j = js[0]
            p["records"] = j["exported"]["records"]
            p["bad_ts"] = j["exported"]["bad_time"]
            p["pkt_delta"], p["oct_delta"] = j["packet_delta"], j["octet_delta"]
            p["keys_exact"] = f'{j["match"]["exact"]}/{j["match"]["keys_truth"]}'
        else:
            p["exact"] = "-"
    return npk, nfl, peers

npk_b, nfl_b, PB = load(out_b)
npk_f, nfl_f, PF = load(out_f)
npk_b1, _, PB1 = load(out_b1)
npk_f1, _, PF1 = load(out_f1)

def f(x, fmt):
    return "-" if x is None else format(x, fmt)

hdr = ["pcap", "peer", "CPU s/Mpkt", "(min-max)", "x floor", "x xflowd", "peak RSS MB",
       "RSS B/flow", "exact", "keys exact", "pkt / octet delta", "records", "bad ts*", "udp drops", "exit"]
rows = []
for label, npk, nfl, P in ((f"B {npk_b/1e6:g}M pkts {nfl_b/1e3:g}k flows", npk_b, nfl_b, PB),
                           (f"F {npk_f/1e6:g}M pkts {nfl_f/1e3:g}k flows", npk_f, nfl_f, PF),
                           (f"B1 {npk_b1/1e6:g}M one-packet flows", npk_b1, npk_b1, PB1),
                           (f"F1 {npk_f1/1e3:g}k one-packet flows", npk_f1, npk_f1, PF1)):
    fl, xf = P.get("floor"), P.get("xflowd")
    for peer in ("floor", "xflowd", "softflowd", "nfpcapd"):
        p = P.get(peer)
        if not p:
            continue
        rows.append([label, peer, f"{p['per_mpkt']:.3f}",
                     f"{p['cpu_min']/npk*1e6:.3f}-{p['cpu_max']/npk*1e6:.3f}",
                     f(p["cpu"] / fl["cpu"] if fl and fl["cpu"] else None, ".2f"),
                     f(p["cpu"] / xf["cpu"] if xf and xf["cpu"] and peer != "xflowd" else None, ".2f"),
                     f"{p['rss_kb']/1024:.1f}",
                     f(p["b_per_flow"], ".1f") if peer != "floor" else "-",
                     p["exact"], p.get("keys_exact", "-"),
                     f"{p['pkt_delta']:+d} / {p['oct_delta']:+d}" if "pkt_delta" in p else "-",
                     str(p.get("records", "-")), str(p.get("bad_ts", "-")), str(p["udp"]), str(p["exit"])])

targets = []
xb, fb, xf, ff = PB.get("xflowd"), PB.get("floor"), PF.get("xflowd"), PF.get("floor")
def verdict(ok): return "MET" if ok else "MISSED"
if xb and fb:
    r = xb["cpu"] / fb["cpu"]
    rb = xb["cpu_min"] / fb["cpu_min"]
    targets.append(f"xflowd CPU <= 2x floor (B): {r:.2f}x ({xb['per_mpkt']:.3f} vs {fb['per_mpkt']:.3f} s/Mpkt, medians) -> {verdict(r <= 2)}"
                   + ("" if r <= 2 else f", {(r / 2 - 1) * 100:.0f}% over the target")
                   + f"; best runs {rb:.2f}x")
if xb and xb["b_per_flow"] is not None:
    b = xb["b_per_flow"]
    targets.append(f"xflowd RSS per cached flow <= 128 B (B): {b:.1f} B -> {verdict(b <= 128)}"
                   + ("" if b <= 128 else f", {b - 128:.1f} B ({(b / 128 - 1) * 100:.0f}%) over"))
if xb and xf:
    r = xb["per_mpkt"] / xf["per_mpkt"]
    line = (f"xflowd same cost at {nfl_f/1e3:g}k and {nfl_b/1e3:g}k cached flows: {xf['per_mpkt']:.3f} vs {xb['per_mpkt']:.3f} s/Mpkt, "
            f"ratio {r:.2f}")
    if fb and ff:
        # issue 18 item 4: each run divided by its own floor first (the
        # floor itself reads the larger pcap more slowly)
        rn = (xb["cpu"] / fb["cpu"]) / (xf["cpu"] / ff["cpu"])
        line += f" (floor-normalised {xf['cpu']/ff['cpu']:.2f}x vs {xb['cpu']/fb['cpu']:.2f}x floor, ratio {rn:.2f})"
        r = rn
    line += f" -> {verdict(abs(r - 1) <= tol)} (within +-{tol*100:.0f}%)"
    if abs(r - 1) > tol:
        line += f", {(r - 1) * 100:+.0f}% per packet with {nfl_b/1e3:g}k flows"
    targets.append(line)
def net(P, P1, npk, npk1, key):
    """ns per packet past each flow's first: xflowd's, the floor's, x floor """
    x, fl, x1, fl1 = P.get("xflowd"), P.get("floor"), P1.get("xflowd"), P1.get("floor")
    if not (x and fl and x1 and fl1):
        return None
    xn = (x[key] - x1[key]) / (npk - npk1) * 1e9
    fn = (fl[key] - fl1[key]) / (npk - npk1) * 1e9
    return xn, fn, xn / fn if fn > 0 else None
for key, what in (("cpu", "medians"), ("cpu_min", "best runs")):
    nb, nf = net(PB, PB1, npk_b, npk_b1, key), net(PF, PF1, npk_f, npk_f1, key)
    if nb and nf and nb[2] and nf[2]:
        r = nb[2] / nf[2]
        targets.append(f"xflowd same cost per packet past each flow's first ({what}; B - B1, F - F1): "
                       f"{nf[0]:.0f} ns ({nf[2]:.2f}x floor) at {nfl_f/1e3:g}k vs {nb[0]:.0f} ns ({nb[2]:.2f}x floor) "
                       f"at {nfl_b/1e3:g}k flows, ratio {r:.2f} -> {verdict(abs(r - 1) <= tol)} (within +-{tol*100:.0f}%)")
if xb:
    targets.append(f"xflowd exact against the truth: B {xb['exact']}" + (f", F {xf['exact']}" if xf else ""))

notes = [f"CPU = user+sys of the exporter process (/usr/bin/time -v), median of {runs} run(s) per peer, peers interleaved "
         "round by round with the pcap re-read into the page cache before every run; x floor / x xflowd compare those medians.",
         "RSS B/flow = (peak RSS - peak RSS of a 1-packet run) / truth flows; for nfpcapd the 1-packet run "
         "excludes its preallocated node pool (NFPCAPD_NODES, see peers.sh).",
         f"Timeouts active {act} s / inactive {inact} s, cache/maxflows {maxfl}: every flow stays cached to end of file.",
         "* bad ts = records nfdump shows with timestamps outside the capture. For xflowd this is an nfdump 1.7.1 "
         "artefact (it swaps IPFIX IE 22/21 flowStartSysUpTime/flowEndSysUpTime), not an xflowd error.",
         f"keys exact = flow keys whose packets and octets match the truth exactly; pkt/octet delta = exported - truth totals."]

def text_table(h, rs):
    w = [max(len(str(x)) for x in col) for col in zip(h, *rs)]
    fmt = lambda r: "  ".join(str(x).ljust(n) for x, n in zip(r, w)).rstrip()
    return "\n".join([fmt(h)] + [fmt(r) for r in rs])

print()
print(f"=== xflowd benchmark summary ({date}; xflowd sha256 {rev}) ===")
print(text_table(hdr, rows))
print()
for t in targets:
    print("target: " + t)
for n in notes:
    print("note: " + n)

with open(md_path, "w") as fh:
    fh.write(f"# xflowd benchmark summary\n\n{date}; xflowd binary sha256 {rev}\n\nProduced by:\n\n```sh\n{invoke}\n```\n\nwhich ran:\n\n```sh\n{cmd_b}\n{cmd_f}\n{cmd_1}\n```\n\n")
    fh.write("| " + " | ".join(hdr) + " |\n|" + "|".join("---" for _ in hdr) + "|\n")
    for r in rows:
        fh.write("| " + " | ".join(r) + " |\n")
    fh.write("\nTargets:\n\n" + "".join(f"- {t}\n" for t in targets))
    fh.write("\nNotes:\n\n" + "".join(f"- {n}\n" for n in notes))
    fh.write(f"\nRaw peers.sh output: {out_b}/rROUND-PEER, {out_f}/rROUND-PEER (peers.out, results.tsv, *.time, *.cmp, *.json).\n")
print()
print(f"written: {md_path}")
EOF
