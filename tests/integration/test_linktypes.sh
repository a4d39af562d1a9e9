#!/usr/bin/env bash
# test_linktypes.sh - the `mixed` traffic behind every link type xflowd must read
# (Linux cooked SLL and SLL2, raw IP, BSD loopback/NULL, PPP), and as pcapng:
# per-flow exact through nfcapd/nfdump. A link type xflowd does not support
# (DLT 105, IEEE 802.11) must make it exit non-zero naming the link type.
. "$(dirname "$0")/lib.sh"
need_xflowd
need_scapy
need_cmd nfcapd nfdump ss

seed=21
for lt in sll sll2 raw null ppp; do
    seed=$((seed + 1))
    if ! "${XFGEN[@]}" -o "$T/$lt.pcap" -t "$T/$lt.csv" --scenario mixed --linktype "$lt" --seed $seed \
        --flows 150 --packets 1500 2>"$T/$lt.gen.err"; then
        fail "xfgen --linktype $lt"
        cat "$T/$lt.gen.err"
        continue
    fi
    export_nfdump "$lt" "$T/$lt.pcap" "$T/$lt.csv" ipfix "" ""
done

# pcapng (nanosecond if_tsresol) of the Ethernet variant, VLANs included
if command -v editcap >/dev/null; then
    "${XFGEN[@]}" -o "$T/en.pcap" -t "$T/en.csv" --scenario mixed --seed 30 --flows 150 --packets 1500 2>/dev/null
    if editcap -F pcapng "$T/en.pcap" "$T/en.pcapng" 2>"$T/editcap.err"; then
        export_nfdump pcapng "$T/en.pcapng" "$T/en.csv" ipfix "" ""
    else
        fail "editcap -F pcapng"
    fi
fi

# unsupported link type: DLT 105 (IEEE 802.11) with one frame
"$PY" - "$T/wifi.pcap" <<'PYEOF'
import struct, sys
frame = bytes([0x08, 0x02, 0, 0]) + bytes(6) * 3 + bytes(2) + bytes([0xaa, 0xaa, 3, 0, 0, 0, 8, 0]) + bytes(40)
with open(sys.argv[1], "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 105))
    f.write(struct.pack("<IIII", 1700000000, 0, len(frame), len(frame)) + frame)
PYEOF
port=$(free_port 4)
run_xflowd wifi --read "$T/wifi.pcap" --collector 127.0.0.1:"$port" --export ipfix
rc=$?
if [ $rc != 0 ] && [ $rc != 124 ] && grep -qiE '105|802\.?11|ieee802_11|linktype|link type|link-type|dlt' "$T/wifi.err"; then
    pass "unsupported link type 105: exit $rc, '$(head -1 "$T/wifi.err")'"
    grep -qiE '105|802\.?11' "$T/wifi.err" ||
        fail "unsupported link type: message does not name the link type (105 / IEEE 802.11): $(head -1 "$T/wifi.err")"
else
    fail "unsupported link type 105: exit $rc, stderr: $(head -3 "$T/wifi.err")"
fi

finish
