#!/usr/bin/env bash
# bench/live.sh BUILD_DIR - the live capture section of `make bench` (issue 5):
# raw XDP / AF_XDP / libpcap limits, xflowd in each --capture mode and
# softflowd on one veth pair, and the cost of --capture ebpf on a router's
# forwarding rate. The method and the environment knobs are in bench/live.py;
# the generator and the raw consumers are BUILD_DIR/bench/bpfbench
# (bench/bpfbench.c, bench/bench.bpf.c).
#
# Needs root; skips with a message otherwise. Takes ~10 minutes. The report
# goes to stdout and BUILD_DIR/bench/live.md.
set -u
[ $# -eq 1 ] || { echo "usage: $0 BUILD_DIR" >&2; exit 2; }
ROOT=$(cd "$(dirname "$0")/.." && pwd)
if [ "$(id -u)" != 0 ]; then
    echo "SKIP: live section: needs root (namespaces, BPF)"
    exit 0
fi
for c in ethtool softflowd softflowctl taskset; do
    command -v "$c" >/dev/null || { echo "SKIP: live section: $c not installed"; exit 0; }
done
exec /usr/bin/python3 "$ROOT/bench/live.py" "$1"
