#!/usr/bin/env bash
# test_shared.sh - the benchmark kit's generator (../shared/bench/gen/pcapgen.c):
# 200k packets, 10k flows, 120 s, 20% 802.1Q and 10% QinQ, no tunnels; IPFIX and
# NetFlow v9 exports must be per-flow exact in nfdump. Skipped without ../shared.
. "$(dirname "$0")/lib.sh"
SHARED=$XF_ROOT/../shared
if [ ! -d "$SHARED/bench/gen" ]; then
    echo "SKIP: ../shared absent"
    exit 0
fi
need_xflowd
need_cmd nfcapd nfdump ss make cc

if ! make -s -C "$SHARED/bench/gen" OUT="$XF_ROOT/build/bench" >"$T/make.log" 2>&1; then
    fail "building pcapgen: $(tail -3 "$T/make.log")"
    finish
fi
if ! "$XF_ROOT/build/bench/pcapgen" -o "$T/shared.pcap" -t "$T/shared.csv" --packets 200000 --flows 10000 \
    --duration 120 --vlan 0.2 --qinq 0.1 --seed 13 2>"$T/pcapgen.log"; then
    fail "pcapgen: $(tail -3 "$T/pcapgen.log")"
    finish
fi
info "$(tail -1 "$T/pcapgen.log" | cut -c1-160)"

export_nfdump shared-ipfix "$T/shared.pcap" "$T/shared.csv" ipfix "" ""
export_nfdump shared-v9 "$T/shared.pcap" "$T/shared.csv" v9 "" ""

finish
