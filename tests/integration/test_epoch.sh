#!/usr/bin/env bash
# test_epoch.sh - a capture that starts in the first millisecond of the epoch
# (tcpdump's test files have such timestamps): the sysUpTime origin is the
# epoch itself. Regression: the origin "1 ms before the first packet"
# underflowed to 2^64 - 1 ms, so every uptime read 0 and IE 160 was absurd.
. "$(dirname "$0")/lib.sh"
need_xflowd
B=$(dirname "$XFLOWD")
[ -x "$B/xfdecode" ] || skip "xfdecode not built ($B/xfdecode)"

# two UDP packets of one flow at 0.5 ms and 10.5 ms after the epoch
"$PY" - "$T/epoch.pcap" <<'PYEOF'
import struct, sys
def frame():
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 28, 1, 0, 64, 17, 0,
                     bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2]))
    udp = struct.pack("!HHHH", 1000, 2000, 8, 0)
    return b"\x02" * 6 + b"\x04" * 6 + b"\x08\x00" + ip + udp
with open(sys.argv[1], "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xa1b23c4d, 2, 4, 0, 0, 65535, 1))
    for ns in (500000, 10500000):
        fr = frame()
        f.write(struct.pack("<IIII", 0, ns, len(fr), len(fr)) + fr)
PYEOF
port=$(free_port 4)
"$B/xfdecode" -l 127.0.0.1 -p "$port" --timeout 2 >"$T/epoch.json" &
dec=$!
sleep 0.3
run_xflowd epoch --read "$T/epoch.pcap" --collector "127.0.0.1:$port"
check "xflowd exits 0" [ $? = 0 ]
wait $dec
check "systemInitTimeMilliseconds is the epoch (0)" \
	grep -q '"systemInitTimeMilliseconds":0[,}]' "$T/epoch.json"
check "the flow starts at uptime 0 ms and ends at 10 ms" \
	grep -q '"flowStartSysUpTime":0,"flowEndSysUpTime":10,' "$T/epoch.json"
finish
