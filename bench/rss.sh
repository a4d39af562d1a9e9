#!/usr/bin/env bash
# bench/rss.sh XFLOWD PCAP CACHE [RUNS] - RSS per cached flow.
#
# Runs `XFLOWD -r PCAP -c 127.0.0.1:9 -A 3600 -I 3600 -C CACHE` (every flow
# stays cached to the end of the file; the export goes to the discard
# port) RUNS times (default 3) under /usr/bin/time, and once on a copy of
# the pcap's first packet; prints the median peak RSS, the one-packet
# peak RSS and (median - one-packet) / flows in octets, the flows being
# the pcap's distinct flows as pcapgen's truth CSV counts them (PCAP with
# .csv for .pcap, one row per flow after a header). Used for the figures
# of issue 18 in the README:
#   pcapgen -o P4M.pcap -t P4M.csv --packets 4000000 --flows 4000000 \
#       --duration 300 --seed 12
#   bench/rss.sh build/xflowd P4M.pcap 4194304
set -u
[ $# -ge 3 ] || { echo "usage: $0 XFLOWD PCAP CACHE [RUNS]" >&2; exit 2; }
X=$1 P=$2 C=$3 RUNS=${4:-3}
CSV=${P%.pcap}.csv
[ -r "$CSV" ] || { echo "$0: $CSV: no truth CSV beside the pcap" >&2; exit 2; }
TMP=$(mktemp -d) || exit 1
trap 'rm -rf "$TMP"' EXIT
editcap -r "$P" "$TMP/one.pcap" 1 >/dev/null || exit 1

peak() { # PCAP -> peak RSS in kB
    /usr/bin/time -f %M -o "$TMP/t" "$X" -r "$1" -c 127.0.0.1:9 -A 3600 \
        -I 3600 -C "$C" >/dev/null 2>"$TMP/err" ||
        { cat "$TMP/err" >&2; exit 1; }
    cat "$TMP/t"
}

base=$(peak "$TMP/one.pcap")
for _ in $(seq "$RUNS"); do peak "$P"; done | sort -n >"$TMP/runs"
med=$(sed -n "$(( (RUNS + 1) / 2 ))p" "$TMP/runs")
flows=$(( $(wc -l <"$CSV") - 1 ))
echo "peak RSS $med kB (runs: $(tr '\n' ' ' <"$TMP/runs")), one packet $base kB," \
    "$flows flows: $(( (med - base) * 1024 / flows )) B per cached flow"
