#!/usr/bin/env bash
# test_exporter_ip.sh - Flexible NetFlow's flow exporter 'dscp N' and
# 'ttl N' (IOS dialect, -f --read): every export packet to a UDP v9
# collector on 127.0.0.1, a UDP v9 one on ::1 and an IPFIX-over-TCP one
# carries the DSCP and TTL (hop limit) its exporter names, as tshark reads
# them in a dumpcap capture of lo (ip.dsfield.dscp, ip.ttl; ipv6.tclass,
# ipv6.hlim); an exporter without them keeps the system's (DSCP 0, TTL
# 64). --check-config -v writes them back; out of range is refused.
. "$(dirname "$0")/lib.sh"
. "$XF_HERE/tcp_lib.sh"
need_xflowd
need_cmd tshark dumpcap

sink_start u4 || { fail "udpsink"; finish; }
sink_start u6 ::1 || { fail "udpsink ::1"; finish; }
sink_start plain || { fail "udpsink"; finish; }
tcpsink_start t4 || { fail "tcpsink"; finish; }

cat >"$T/ip.conf" <<EOF
flow exporter E4
 destination 127.0.0.1
 dscp 46
 ttl 9
 transport udp ${COLL_PORT[u4]}
 export-protocol netflow-v9
flow exporter E6
 destination ::1
 dscp 10
 ttl 3
 transport udp ${COLL_PORT[u6]}
 export-protocol netflow-v9
flow exporter ET
 destination 127.0.0.1
 dscp 8
 ttl 200
 transport tcp ${COLL_PORT[t4]}
 export-protocol ipfix
flow exporter EP
 destination 127.0.0.1
 transport udp ${COLL_PORT[plain]}
 export-protocol netflow-v9
flow monitor M
 record netflow ipv4 original-input
 exporter E4
 exporter E6
 exporter ET
 exporter EP
EOF
check "--check-config -v: dscp and ttl written back" \
    bash -c '"$1" -f "$2" --check-config -v 2>&1 | grep -x -A1 "    dscp 46" | grep -qx "    ttl 9"' \
    _ "$XFLOWD" "$T/ip.conf"
sed 's/^ dscp 46$/ dscp 64/' "$T/ip.conf" >"$T/bad.conf"
check "dscp 64: refused (0-63)" \
    bash -c '! "$1" -f "$2" --check-config 2>"$3" && grep -q "bad.conf:3:" "$3"' \
    _ "$XFLOWD" "$T/bad.conf" "$T/bad.err"

F="udp port ${COLL_PORT[u4]} or udp port ${COLL_PORT[u6]}"
F="$F or udp port ${COLL_PORT[plain]} or tcp dst port ${COLL_PORT[t4]}"
capture_start lo lo "$F" || { fail "dumpcap on lo"; finish; }
run_xflowd run -f "$T/ip.conf" --read "$XF_ROOT/tests/data/demo.pcap"
rc=$?
capture_stop lo
collector_stop u4
collector_stop u6
collector_stop plain
tcpsink_stop t4
check "xflowd -f --read exits 0 (rc=$rc)" [ "$rc" = 0 ] || show_err run

# judge PORT FIELDS WANT: every packet to PORT has FIELDS = WANT
judge() {
    tshark -r "$T/lo.cap" -Y "udp.dstport == $1 || tcp.dstport == $1" \
        -T fields -E separator=, -e "$2" -e "$3" 2>/dev/null | sort | uniq -c >"$T/$1.fields"
    [ "$(wc -l <"$T/$1.fields")" = 1 ] && grep -qE "^ +[0-9]+ $4$" "$T/$1.fields"
}
check "UDP to 127.0.0.1: every datagram DSCP 46, TTL 9" \
    judge "${COLL_PORT[u4]}" ip.dsfield.dscp ip.ttl 46,9 ||
    sed 's/^/       /' "$T/${COLL_PORT[u4]}.fields"
check "UDP to ::1: every datagram DSCP 10 (traffic class), hop limit 3" \
    judge "${COLL_PORT[u6]}" ipv6.tclass.dscp ipv6.hlim 10,3 ||
    sed 's/^/       /' "$T/${COLL_PORT[u6]}.fields"
check "TCP (IPFIX) to 127.0.0.1: every segment DSCP 8, TTL 200" \
    judge "${COLL_PORT[t4]}" ip.dsfield.dscp ip.ttl 8,200 ||
    sed 's/^/       /' "$T/${COLL_PORT[t4]}.fields"
check "no dscp, no ttl: the system's DSCP 0, TTL 64" \
    judge "${COLL_PORT[plain]}" ip.dsfield.dscp ip.ttl 0,64 ||
    sed 's/^/       /' "$T/${COLL_PORT[plain]}.fields"
finish
