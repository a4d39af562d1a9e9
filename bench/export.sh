#!/usr/bin/env bash
# bench/export.sh BUILD_DIR - the export's cost: every flow exported (issue 18).
#
# A pcap of 4M one-packet flows (pcapgen --packets 4000000 --flows 4000000
# --duration 300 --seed 12, cached in $BENCH_DATA, default BUILD_DIR/bench/data)
# with IOS timeouts (active 1800 s, inactive 15 s): every flow leaves the cache
# during the file and is exported to nfcapd on 127.0.0.1 (peers.sh gives it a
# 256 MiB socket buffer so that nothing is lost and exactness can be judged).
# BENCH_RUNS interleaved rounds (default 3) of floor, xflowd, softflowd and
# nfpcapd through ../shared/bench/peers.sh, which checks each export against
# pcapgen's truth. Prints the median CPU (user + sys) of each and its ratio to
# the floor (the bare libpcap loop); the target is xflowd <= 4x the floor.
#
# Environment: BENCH_RUNS, BENCH_DATA, BENCH_OUT (default BUILD_DIR/bench/out),
# PEERS (default "floor xflowd softflowd nfpcapd"), BENCH_SHARED (the kit,
# default ../shared/bench).
set -u
[ $# -eq 1 ] || { echo "usage: $0 BUILD_DIR" >&2; exit 2; }
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SHARED=${BENCH_SHARED:-$ROOT/../shared/bench}
[ -d "$SHARED" ] || { echo "SKIP: ../shared/bench absent"; exit 0; }
SHARED=$(cd "$SHARED" && pwd)
BUILD=$(cd "$1" && pwd) || exit 1
[ -x "$BUILD/xflowd" ] || { echo "bench: $BUILD/xflowd not built" >&2; exit 1; }
BENCH=$BUILD/bench
DATA=${BENCH_DATA:-$BENCH/data}
OUT=${BENCH_OUT:-$BENCH/out}/E4M
RUNS=${BENCH_RUNS:-3}
PEERS=${PEERS:-floor xflowd softflowd nfpcapd}
mkdir -p "$BENCH" "$DATA" "$OUT" || exit 1
# a snapshot: the tree may be rebuilt while the rounds run
SNAP=$BENCH/xflowd.export-test
cp -f "$BUILD/xflowd" "$SNAP" || exit 1
make -s -C "$SHARED/gen" OUT="$BENCH" >/dev/null || exit 1

P=$DATA/p4000000_f4000000_d300_s12
if ! [ -s "$P.pcap" ] || ! [ -s "$P.csv" ]; then
    echo "bench: generating $P.pcap (~800 MB)"
    "$BENCH/pcapgen" -o "$P.tmp.pcap" -t "$P.tmp.csv" --packets 4000000 \
        --flows 4000000 --duration 300 --seed 12 || exit 1
    mv "$P.tmp.csv" "$P.csv" && mv "$P.tmp.pcap" "$P.pcap" || exit 1
fi

export XFLOWD=$SNAP BIN=$BENCH ACTIVE=1800 INACTIVE=15
for r in $(seq "$RUNS"); do
    for p in $PEERS; do
        d=$OUT/r$r-$p base=
        [ "$r" = 1 ] || base=-B
        rm -rf "$d" && mkdir -p "$d"
        cat "$P.pcap" >/dev/null
        "$SHARED/peers.sh" -r 1 $base -p "$p" -o "$d" "$P.pcap" >"$d/peers.out" 2>&1 ||
            { echo "bench: peers.sh $p failed, see $d/peers.out" >&2; exit 1; }
        rm -f "$d"/*.run1.csv
        printf 'bench: E4M round %s %-9s cpu %6ss  %s\n' "$r" "$p" \
            "$(awk -F': ' '/User time/ {u=$2} /System time/ {s=$2} END {printf "%.2f", u+s}' "$d/$p.run1.time")" \
            "$(grep -o 'NOT EXACT\|EXACT' "$d/$p.run1.cmp" 2>/dev/null | tail -1)"
    done
done

python3 - "$OUT" "$RUNS" "$PEERS" <<'EOF'
import glob, os, statistics, sys
out, runs, peers = sys.argv[1], int(sys.argv[2]), sys.argv[3].split()

def cpu(path):
    u = s = 0.0
    for line in open(path):
        line = line.strip()
        if line.startswith("User time (seconds):"):
            u = float(line.split(":", 1)[1])
        if line.startswith("System time (seconds):"):
            s = float(line.split(":", 1)[1])
    return u + s, u, s

med = {}
for p in peers:
    c = [cpu(f"{out}/r{r}-{p}/{p}.run1.time") for r in range(1, runs + 1)]
    exact = [("NOT EXACT" not in open(f).read()) for f in glob.glob(f"{out}/r*-{p}/{p}.run1.cmp")]
    med[p] = (statistics.median(x[0] for x in c), statistics.median(x[1] for x in c),
              statistics.median(x[2] for x in c), all(exact) if exact else None)
floor = med.get("floor", (None,))[0]
print("| exporter | CPU s (median) | user | sys | x floor | exact |")
print("|---|---|---|---|---|---|")
for p in peers:
    t, u, s, ex = med[p]
    ratio = "%.2f" % (t / floor) if floor else "-"
    print(f"| {p} | {t:.2f} | {u:.2f} | {s:.2f} | {ratio} | {'-' if ex is None else ('yes' if ex else 'no')} |")
if floor and "xflowd" in med:
    r = med["xflowd"][0] / floor
    print(f"\nxflowd CPU <= 4x the floor: {'met' if r <= 4 else 'missed'} ({r:.2f}x)")
EOF
