#!/usr/bin/env bash
# test_ios_lab.sh - the classic lab, configured as a Cisco engineer pastes
# it: peer -- router -- collector in namespaces, the router's interfaces
# with the aliases Serial1/0 (towards the peer) and FastEthernet0/0
# (towards the collector). xflowd runs in the router with a terminal
# session pasted as is (prompts, abbreviations, lines not about flows),
# the peer pings the router 5 times with 100-octet packets, and the
# collector gets one record: 5 packets, 500 octets, destination port
# 2048 (ICMP echo request), input the Serial1/0 interface's ifindex.
# First traditional NetFlow (v5, tshark), then Flexible NetFlow (v9,
# tshark), then that with a sampler on the interface (deterministic 1
# out-of 5: one packet of 100 octets).
# Every record of the ping to the router itself carries output 0 (IOS's
# "Local"). With traditional NetFlow, xflowctl's IOS views of the ping's
# flow while it is cached: show ip cache verbose flow (SrcIf Se1/0, DstIf
# Local, 5 packets, the masks of the routes /30 and /32, B/Pk 100) and
# show ip cache flow (DstIf Local). In each run show ip flow interface
# (Serial1/0's line), show running-config (IOS that -f reads back) and,
# with the sampler, show sampler (without, the sampler SPARE no interface
# uses, counts 0); with Flexible NetFlow, show flow monitor
# LAB-MON cache format record|table. Not yet checked: the export sent from
# FastEthernet0/0's address with 'ip flow-export source' (the dialect takes it; test_source
# checks the exporter setting it becomes). With `ipv6 flow ingress` and
# `ipv6 flow-export`: show ip flow interface and show running-config.
. "$(dirname "$0")/lib.sh"
. "$XF_HERE/bpf_lib.sh"
bpf_need
need_xflowctl

P=iosp$$ R=iosr$$ C=iosc$$
SE=ser$$ FA=fa$$ PE=pe$$ CE=ce$$
ns_add "$P" && ns_add "$R" && ns_add "$C" || skip "cannot create namespaces"
veth_pair "$P" "$PE" "$R" "$SE" && veth_pair "$R" "$FA" "$C" "$CE" ||
    skip "cannot create the veth pairs"
ip -n "$R" link set dev "$SE" alias Serial1/0
ip -n "$R" link set dev "$FA" alias FastEthernet0/0
ip -n "$P" addr add 10.0.0.2/30 dev "$PE"
ip -n "$R" addr add 10.0.0.1/30 dev "$SE"
ip -n "$R" addr add 10.0.1.1/24 dev "$FA"
ip -n "$C" addr add 10.0.1.2/24 dev "$CE"
SEIDX=$(ifindex_of "$R" "$SE")

cat >"$T/trad.conf" <<'CONF'
r1>enable
r1#configure terminal
Enter configuration commands, one per line.  End with CNTL/Z.
r1(config)#hostname r1
r1(config)#int s1/0
r1(config-if)#ip address 10.0.0.1 255.255.255.252
r1(config-if)#ip flow ingress
r1(config-if)#no shutdown
r1(config-if)#exit
r1(config)#interface FastEthernet0/0
r1(config-if)#ip address 10.0.1.1 255.255.255.0
r1(config-if)#exit
r1(config)#ip flow-export version 5
r1(config)#ip flow-export destination 10.0.1.2 9996
r1(config)#end
r1#show ip cache flow
CONF

cat >"$T/fnf.conf" <<'CONF'
r1#conf t
r1(config)#flow record LAB-REC
r1(config-flow-record)#match ipv4 source address
r1(config-flow-record)#match ipv4 destination address
r1(config-flow-record)#match ipv4 protocol
r1(config-flow-record)#match transport source-port
r1(config-flow-record)#match transport destination-port
r1(config-flow-record)#match interface input
r1(config-flow-record)#collect interface output
r1(config-flow-record)#collect counter bytes
r1(config-flow-record)#collect counter packets
r1(config-flow-record)#exit
r1(config)#flow exporter LAB-EXP
r1(config-flow-exporter)#destination 10.0.1.2
r1(config-flow-exporter)#transport udp 9997
r1(config-flow-exporter)#flow monitor LAB-MON
r1(config-flow-monitor)#record LAB-REC
r1(config-flow-monitor)#exporter LAB-EXP
r1(config-flow-monitor)#interface Se1/0
r1(config-if)#ip flow monitor LAB-MON input
r1(config-if)#end
CONF

# the same with a sampler on the interface: deterministic 1 out-of 5
# selects one of the 5 echo requests
sed -e 's/transport udp 9997/transport udp 9998/' \
    -e 's/^r1(config-if)#ip flow monitor LAB-MON input$/r1(config-if)#ip flow monitor LAB-MON sampler ONE-IN-5 input/' \
    -e 's/^r1(config)#flow record LAB-REC$/r1(config)#sampler ONE-IN-5\nr1(config-sampler)#mode deterministic 1 out-of 5\nr1(config-sampler)#exit\n&/' \
    "$T/fnf.conf" >"$T/sampled.conf"
# a sampler no interface uses: show sampler lists it all the same
cat >>"$T/fnf.conf" <<'CONF'
r1#conf t
r1(config)#sampler SPARE
r1(config-sampler)#mode random 1 out-of 100
r1(config-sampler)#end
CONF

# ping_verbose SOCK: the ping's two lines of show ip cache verbose flow,
# as the router metered them (SrcIf Serial1/0's short name, DstIf the
# router itself, ICMP echo request, 5 packets of 100 octets, the masks of
# the connected and the local route)
ping_verbose() {
    "$XFLOWCTL" -s "$1" show ip cache verbose flow >"$T/verbose.txt" 2>&1 &&
        "$PY" - "$T/verbose.txt" <<'PYEOF'
import re, sys
lines = open(sys.argv[1]).read().split("\n")
for i, l in enumerate(lines[:-1]):
    if re.match(r"^Se1/0 +10\.0\.0\.2 +Local +10\.0\.0\.1 +01 00 +00 +5$", l):
        print(l)
        print(lines[i + 1])
        sys.exit(not re.match(r"^0000 /30 0 +0800 /32 0 +0\.0\.0\.0 +100 +\d+\.\d$",
                              lines[i + 1]))
sys.exit(1)
PYEOF
}

# ios_views LABEL: the IOS views of the ping's flow while it is cached
ios_views() {
    local sock=$T/$1.sock
    # the captured packets reach the cache in batches: wait (bounded)
    for _ in $(seq 100); do
        ping_verbose "$sock" >/dev/null 2>&1 && break
        sleep 0.05
    done
    check "$1: show ip cache verbose flow: Se1/0 -> Local, 5 packets, /30 /32, B/Pk 100" \
        ping_verbose "$sock" || sed 's/^/       /' "$T/verbose.txt"
    check "$1: show ip cache flow: the ping's DstIf is Local" \
        eval '"$XFLOWCTL" -s "$sock" show ip cache flow |
            grep -Eq "^Se1/0 +10\.0\.0\.2 +Local +10\.0\.0\.1 +01 0000 0800 +5$"'
}

# fnf_cache LABEL: show flow monitor LAB-MON cache format record, IOS's
# abbreviations: the ping's record, field by field in the record's order
# (its keys in capitals); format table: its header and the ping's row
ping_record() {
    "$XFLOWCTL" -s "$1" sh flow mon LAB-MON cache form rec >"$T/record.txt" 2>&1 &&
        "$PY" - "$T/record.txt" <<'PYEOF'
import re, sys
t = open(sys.argv[1]).read()
sys.exit(not re.search(
    r"\nIPV4 SOURCE ADDRESS: +10\.0\.0\.2\nIPV4 DESTINATION ADDRESS: +10\.0\.0\.1\n"
    r"IP PROTOCOL: +1\nTRNS SOURCE PORT: +0\nTRNS DESTINATION PORT: +2048\n"
    r"INTERFACE INPUT: +Serial1/0\ninterface output: +\S+\n"
    r"counter bytes( long)?: +500\ncounter packets( long)?: +5\n", t)
    or not re.match(r"  Cache type: +Normal\n  Cache size: +\d+\n"
                    r"  Current entries: +[1-9]\d*\n  High Watermark: +[1-9]", t))
PYEOF
}

fnf_cache() {
    local sock=$T/$1.sock
    for _ in $(seq 100); do
        ping_record "$sock" >/dev/null 2>&1 && break
        sleep 0.05
    done
    check "$1: show flow monitor LAB-MON cache format record: the ping's fields" \
        ping_record "$sock" || sed 's/^/       /' "$T/record.txt"
    check "$1: ... cache format table: the record's columns, the ping's row" \
        eval '"$XFLOWCTL" -s "$sock" show flow monitor LAB-MON cache format table |
            grep -Eq "^10\.0\.0\.2 +10\.0\.0\.1 +1 +0 +2048 +Serial1/0 +[^ ]+ +500 +5$"'
}

# cfg_views LABEL: show ip flow interface names Serial1/0 with the line
# the configuration gave it; show sampler the sampler that took 1 packet
# in 5 of those on Serial1/0 (the pings, and ARP)
cfg_views() {
    local sock=$T/$1.sock want
    case $1 in
    trad) want="  ip flow ingress" ;;
    trad6) want="  ipv6 flow ingress" ;;
    fnf) want="  ip flow monitor LAB-MON input" ;;
    sampled) want="  ip flow monitor LAB-MON sampler ONE-IN-5 input" ;;
    esac
    "$XFLOWCTL" -s "$sock" show ip flow interface >"$T/$1.ipflowif" 2>&1
    check "$1: show ip flow interface: Serial1/0, '$want'" \
        cmp -s "$T/$1.ipflowif" <(printf 'Serial1/0\n%s\n' "$want") ||
        sed 's/^/       /' "$T/$1.ipflowif"
    # show running-config: the NetFlow part as IOS writes it, which -f
    # takes back (in the router, where the aliases are)
    "$XFLOWCTL" -s "$sock" show running-config >"$T/$1.running" 2>&1
    check "$1: show running-config is IOS that -f reads back" \
        ip netns exec "$R" "$XFLOWD" -f "$T/$1.running" --check-config ||
        sed 's/^/       /' "$T/$1.running"
    if [ "$1" = trad ]; then
        check "$1: show running-config: ip flow-export and Serial1/0's ip flow ingress" \
            cmp -s "$T/$1.running" <(printf '%s\n' '!' 'ip flow-export version 5' \
                'ip flow-export destination 10.0.1.2 9996' '!' \
                'interface Serial1/0' ' ip flow ingress' '!' 'end') ||
            sed 's/^/       /' "$T/$1.running"
    fi
    if [ "$1" = trad6 ]; then
        check "$1: show running-config: ipv6 flow-export and Serial1/0's ipv6 flow ingress" \
            cmp -s "$T/$1.running" <(printf '%s\n' '!' 'ipv6 flow-export version 9' \
                'ipv6 flow-export template refresh-rate 20' \
                'ipv6 flow-export template timeout-rate 30' \
                'ipv6 flow-export destination 10.0.1.2 9995' '!' \
                'interface Serial1/0' ' ipv6 flow ingress' '!' 'end') ||
            sed 's/^/       /' "$T/$1.running"
    fi
    if [ "$1" = fnf ]; then
        "$XFLOWCTL" -s "$sock" show sampler >"$T/$1.sampler" 2>&1
        check "$1: show sampler: SPARE, used by no monitor, asked about nothing" \
            cmp -s "$T/$1.sampler" <(printf '%s\n' 'Sampler SPARE:' '  ID:           1' \
                '  export ID:    0' '  Description:  User defined' '  Type:         random' \
                '  Rate:         1 out of 100' '  Samples:      0' '  Requests:     0' \
                '  Users (0):') ||
            sed 's/^/       /' "$T/$1.sampler"
    fi
    [ "$1" = sampled ] || return 0
    "$XFLOWCTL" -s "$sock" show sampler >"$T/$1.sampler" 2>&1
    check "$1: show sampler: ONE-IN-5, deterministic 1 out of 5, samples = requests / 5" \
        "$PY" - "$T/$1.sampler" <<'PYEOF' || sed 's/^/       /' "$T/$1.sampler"
import re, sys
t = open(sys.argv[1]).read()
m = re.match(r"Sampler ONE-IN-5:\n  ID: +\d+\n  export ID: +\d+\n"
             r"  Description: +User defined\n  Type: +deterministic\n"
             r"  Rate: +1 out of 5\n  Samples: +(\d+)\n  Requests: +(\d+)\n"
             r"  Users \(1\):\n    flow monitor LAB-MON \(ip,Serial1/0,Input\) (\d+) out of (\d+)\n$", t)
ok = m and m.group(1) == m.group(3) and m.group(2) == m.group(4)
ok = ok and int(m.group(2)) >= 5 and int(m.group(2)) // 5 <= int(m.group(1)) <= int(m.group(2)) // 5 + 1
sys.exit(not ok)
PYEOF
}

# run LABEL CONF PORT VERSION [PACKETS]: xflowd in the router, 5 pings, the record
run() {
    local label=$1 conf=$2 port=$3 ver=$4 npkt=${5:-5}
    check "$label: --check-config in the router's namespace" \
        ip netns exec "$R" "$XFLOWD" -f "$conf" --check-config ||
        { ip netns exec "$R" "$XFLOWD" -f "$conf" --check-config 2>&1 | sed 's/^/       /'; return; }
    ns_sink_start "$C" "$label" 10.0.1.2 "$port" || { fail "$label: udpsink"; return; }
    if ! xflowd_start "$R" "$label" -f "$conf" --control "$T/$label.sock" -v; then
        fail "$label: xflowd did not start"
        show_err "$label"
        return
    fi
    # the privileges go once the captures are open
    check "$label: capturing on Serial1/0" \
        bash -c 'for _ in $(seq 100); do grep -q "running as" "$1" && exit 0; sleep 0.05; done; exit 1' \
        _ "$T/$label.err" || show_err "$label"
    check "$label: 5 pings of 100 octets from the peer, 5 replies" \
        ip netns exec "$P" "$PY" - 10.0.0.1 <<'PYEOF'
# ping -c 5 -s 72: 20 octets of IP, 8 of ICMP, 72 of data
import socket, struct, sys, time
def csum(b):
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xffff)
    return ~(s + (s >> 16)) & 0xffff
sk = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
sk.settimeout(2)
got = 0
for seq in range(1, 6):
    data = bytes(range(72))
    hdr = struct.pack("!BBHHH", 8, 0, 0, 0x1d05, seq)
    pkt = struct.pack("!BBHHH", 8, 0, csum(hdr + data), 0x1d05, seq) + data
    sk.sendto(pkt, (sys.argv[1], 0))
    try:
        while True:
            r = sk.recv(2048)
            if r[20] == 0 and struct.unpack("!H", r[26:28])[0] == seq:
                got += 1
                break
    except socket.timeout:
        pass
    time.sleep(0.2)
print("%d replies" % got)
sys.exit(got != 5)
PYEOF
    [ "$label" = trad ] && ios_views "$label"
    [ "$label" = fnf ] && fnf_cache "$label"
    cfg_views "$label"
    xflowd_stop
    check "$label: SIGTERM, exit 0" [ $? = 0 ] || show_err "$label"
    ns_collector_stop "$label"
    check "$label: tshark decodes the v$ver records" \
        "$PY" "$XF_HERE/cflow_records.py" "$T/$label.pcap" "$port" "$T/$label.csv"
    check "$label: one record, $npkt packets, $((npkt * 100)) octets, dst port 2048, input Serial1/0 ($SEIDX)" \
        "$PY" - "$T/$label.csv" "$SEIDX" "$ver" "${IOS_LAB_OUTPUT0:-1}" "$npkt" <<'PYEOF'
import csv, sys
rows = [r for r in csv.DictReader(open(sys.argv[1]))
        if r["src"] == "10.0.0.2" and r["dst"] == "10.0.0.1"]
print(rows)
ok = len(rows) == 1
if ok:
    r = rows[0]
    n = int(sys.argv[5])
    ok = (r["proto"] == "1" and r["packets"] == str(n) and r["octets"] == str(n * 100)
          and r["dport"] == "2048" and r["ifindex"] == sys.argv[2]
          and r["version"] == sys.argv[3])
    if ok and sys.argv[4] == "1":
        ok = r["outif"] in ("0", "")
sys.exit(not ok)
PYEOF
}

run trad "$T/trad.conf" 9996 5
# traditional NetFlow for IPv6 on Serial1/0: the views name it as IOS
# does (test_ios_ipv6.sh judges its export)
sed -e 's/^r1(config-if)#ip flow ingress$/r1(config-if)#ipv6 flow ingress/' \
    -e 's/^r1(config)#ip flow-export version 5$/r1(config)#ipv6 flow-export version 9/' \
    -e 's/^r1(config)#ip flow-export destination 10.0.1.2 9996$/r1(config)#ipv6 flow-export destination 10.0.1.2 9995/' \
    "$T/trad.conf" >"$T/trad6.conf"
check "trad6: --check-config in the router's namespace" \
    ip netns exec "$R" "$XFLOWD" -f "$T/trad6.conf" --check-config &&
    if xflowd_start "$R" trad6 -f "$T/trad6.conf" --control "$T/trad6.sock" -v; then
        check "trad6: capturing on Serial1/0" \
            bash -c 'for _ in $(seq 100); do grep -q "running as" "$1" && exit 0; sleep 0.05; done; exit 1' \
            _ "$T/trad6.err" || show_err trad6
        cfg_views trad6
        xflowd_stop
        check "trad6: SIGTERM, exit 0" [ $? = 0 ] || show_err trad6
    else
        fail "trad6: xflowd did not start"
        show_err trad6
    fi
run fnf "$T/fnf.conf" 9997 9
run sampled "$T/sampled.conf" 9998 9 1
finish
