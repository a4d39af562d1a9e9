#!/usr/bin/env bash
# tests/soak/run.sh [BUILD_DIR] - the soak test (issue 6): `make soak`, not CI.
#
# Two namespaces of our own joined by a veth pair (IPv6 off on both ends: no
# neighbour discovery): a generator, and xflowd capturing its end of the
# pair (--interface, libpcap) and exporting IPFIX to nfcapd on its loopback.
# For SOAK_SECONDS tcpreplay offers churning traffic at SOAK_PPS packets a
# second in all (two senders, both paced):
#  - churn (19/20 of the rate): xfgen pcaps of four seeds (TCP ending with
#    FIN or RST, UDP, ICMP, SCTP, IPv6 with extension headers, fragments,
#    VLAN/QinQ tags), a burst pcap (24000 short flows: more concurrent flows
#    than SOAK_CACHE, so cache pressure evicts; between bursts about half
#    the cache is used), and a malformed pcap (every malformed reason, ARP),
#    each replayed with the IPv4 and IPv6
#    source addresses moved into one of three offsets, in a loop: the key
#    set changes all the time and a key comes back only after the inactive
#    timeout (new flows for the same five-tuples);
#  - long-lived (1/20): 48 flows (TCP without FIN, UDP, ICMP, over IPv4 and
#    IPv6) that send every few tens of milliseconds for the whole run (the
#    active timeout splits them), and LLDP frames.
# xflowd runs with -I 5 -A 30 -C SOAK_CACHE. Every 10 s its VmRSS, CPU time
# and every counter (xflowctl show statistics --json), and the veth's
# counters, to OUT/samples.csv. At the end xflowd gets SIGTERM (it expires
# and exports every cached flow, exits 0), nfcapd is stopped and judged:
#  - sent (tcpreplay's counts) = the generator veth's tx = xflowd's veth rx
#    = observed = xflowd's packets + capture_drops;
#  - observed = exported (nfdump: total packets of all records) + counted
#    (malformed by reason, non_ip, sampled_out, no_template_packets,
#    capture_drops, packets of records never sent or refused): to the packet;
#  - octets metered = nfdump's total bytes (+ octets never sent);
#  - nfdump's records = records sent; every export datagram arrived (UDP
#    InDatagrams in the namespace = messages sent, no receive errors;
#    nfcapd 1.7.1's "sequence failures" are only shown: it leaves options
#    data records out of its count, so each template refresh is one);
#  - every expiry reason happened (idle, active, end of flow, forced, cache
#    pressure), malformed and non-IP packets were seen;
#  - VmRSS flat after the warm-up (SOAK_WARMUP, default 1/5 of the run):
#    max - min of the samples after it within SOAK_RSS_SLACK_KB (default
#    2048) or 2% of the RSS at the end of the warm-up, whichever is larger;
#    the slope is printed.
# Environment: SOAK_SECONDS (600), SOAK_PPS (20000), SOAK_CACHE (SOAK_PPS
# entries), SOAK_WARMUP, SOAK_RSS_SLACK_KB, SOAK_TICK (10 s between
# samples), SOAK_OUT (default BUILD_DIR/soak/DATE: every log, the samples,
# nfcapd's files, summary.txt). The pcaps (~250 MB) stay in
# BUILD_DIR/soak/pcap for the next run. Exit 0 every check passed, 1 one
# failed, 77 cannot run here (not root, a tool missing).
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BUILD=${1:-build}
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
XFLOWD=$BUILD/xflowd XFLOWCTL=$BUILD/xflowctl
SECONDS_RUN=${SOAK_SECONDS:-600}
PPS=${SOAK_PPS:-20000}
# default: as many entries as packets a second; the traffic below keeps
# about 0.4 x the rate in flows cached between bursts and 1.15 x in them
CACHE=${SOAK_CACHE:-$PPS}
WARMUP=${SOAK_WARMUP:-$((SECONDS_RUN / 5))}
RSS_SLACK_KB=${SOAK_RSS_SLACK_KB:-2048}
TICK=${SOAK_TICK:-10}
INACTIVE=5 ACTIVE=30
LPPS=$((PPS / 20)) CPPS=$((PPS - PPS / 20))
OUT=${SOAK_OUT:-$BUILD/soak/$(date -u +%Y%m%d-%H%M%S)}

say() { echo "soak: $*"; }
skip() {
	echo "SKIP: soak: $*"
	exit 77
}
die() {
	echo "soak: FAIL: $*" >&2
	exit 1
}

PY=
for p in /usr/bin/python3 python3; do
	if command -v "$p" >/dev/null 2>&1 && "$p" -c 'import scapy' >/dev/null 2>&1; then
		PY=$p
		break
	fi
done
[ "$(id -u)" = 0 ] || skip "needs root for network namespaces"
[ -n "$PY" ] || skip "python3-scapy not installed"
for c in ip tcpreplay nfcapd nfdump ss; do
	command -v "$c" >/dev/null 2>&1 || skip "$c not installed"
done
[ -x "$XFLOWD" ] && [ -x "$XFLOWCTL" ] || skip "xflowd/xflowctl not built in $BUILD"
case "$SECONDS_RUN$PPS$CACHE$WARMUP$TICK" in *[!0-9]*) die "SOAK_* must be whole numbers" ;; esac
[ "$SECONDS_RUN" -ge 30 ] && [ "$PPS" -ge 100 ] && [ "$WARMUP" -lt "$SECONDS_RUN" ] ||
	die "need SOAK_SECONDS >= 30, SOAK_PPS >= 100, SOAK_WARMUP < SOAK_SECONDS"

mkdir -p "$OUT/nfcapd" || die "cannot create $OUT"
OUT=$(cd "$OUT" && pwd)

NSG=xfsoakg$$ NSX=xfsoakx$$ VG=xfsg$$ VX=xfsx$$
PIDS=()
cleanup() {
	local p
	for p in "${PIDS[@]}"; do
		kill -TERM "$p" 2>/dev/null
	done
	for p in "${PIDS[@]}"; do
		wait "$p" 2>/dev/null
	done
	ip netns del "$NSG" 2>/dev/null
	ip netns del "$NSX" 2>/dev/null
	ip link del "$VX" 2>/dev/null
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

say "output in $OUT"
say "$SECONDS_RUN s at $PPS packets/s ($CPPS churn + $LPPS long-lived), cache $CACHE entries," \
	"-I $INACTIVE -A $ACTIVE, warm-up $WARMUP s"

# ------------------------------------------------------------------ traffic
# xfgen pcaps (deterministic: the seeds fix them), then each churn pcap with
# its sources moved to offsets 1 and 2 (10.0.x.y -> 10.K.x.y,
# 2001:db8:1::/64 -> 2001:db8:1:K::/64; the IPv4 header checksum is
# recomputed, TCP and UDP ones are not: xflowd does not check them), and the
# long-lived flows
# They are kept in BUILD_DIR/soak/pcap for the next run (same xfgen.py and
# same recipe: the stamp).
xfgen() { "$PY" "$ROOT/tools/xfgen.py" "$@" 2>>"$OUT/xfgen.log"; }
P=$BUILD/soak/pcap
STAMP="recipe 2 $(sha1sum <"$ROOT/tools/xfgen.py")"
if [ "$(cat "$P/stamp" 2>/dev/null)" = "$STAMP" ]; then
	say "pcaps of an earlier run reused ($P)"
else
rm -rf "$P"
mkdir -p "$P" || die "cannot create $P"
t0=$(date +%s)
for s in 1 2 3 4; do
	xfgen -o "$P/mixed$s.pcap" -t "$P/mixed$s.csv" --scenario mixed --seed $((600 + s)) \
		--flows 4000 --packets 40000 || die "xfgen mixed seed $s (see $OUT/xfgen.log)"
done
# the burst: pcap time ten times longer, so that in the replay each flow's
# packets come close together (a flow of n packets spans at most 14n s)
xfgen -o "$P/burst.pcap" -t "$P/burst.csv" --scenario mixed --seed 611 --flows 24000 --packets 48000 \
	--duration 600 ||
	die "xfgen burst (see $OUT/xfgen.log)"
xfgen -o "$P/malformed.pcap" -t "$P/malformed.csv" --scenario malformed --seed 612 \
	--flows 2000 --packets 8000 || die "xfgen malformed (see $OUT/xfgen.log)"
"$PY" - "$P" <<'EOF' || die "pcap offsets and long-lived flows"
import struct, sys
from scapy.all import Ether, IP, IPv6, TCP, UDP, ICMP, ICMPv6EchoRequest, Raw, wrpcap

P = sys.argv[1]

def records(path):
    """The pcap's file header, then (record header, frame) of each record."""
    with open(path, "rb") as f:
        yield f.read(24), None
        while True:
            r = f.read(16)
            if len(r) < 16:
                return
            yield r, bytearray(f.read(struct.unpack("<IIII", r)[2]))

def csum(b):
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff

def move(frame, k):
    """Source address of the flow's IP header into offset k (Ethernet, VLAN tags)."""
    off, et = 12, None
    while off + 2 <= len(frame):
        et = struct.unpack_from("!H", frame, off)[0]
        if et in (0x8100, 0x88a8, 0x9100):
            off += 4
            continue
        off += 2
        break
    if et == 0x0800 and len(frame) >= off + 20 and frame[off] >> 4 == 4 and frame[off + 12] == 10 \
            and frame[off + 13] == 0:
        frame[off + 13] = k
        ihl = (frame[off] & 15) * 4
        if 20 <= ihl and off + ihl <= len(frame):
            frame[off + 10:off + 12] = b"\0\0"
            frame[off + 10:off + 12] = struct.pack("!H", csum(bytes(frame[off:off + ihl])))
    elif et == 0x86DD and len(frame) >= off + 40 and frame[off + 8:off + 14] == bytes.fromhex("20010db80001") \
            and frame[off + 14:off + 16] == b"\0\0":
        frame[off + 15] = k

for name in ("mixed1", "mixed2", "mixed3", "mixed4", "burst"):
    for k in (1, 2):
        with open("%s/%s.k%d.pcap" % (P, name, k), "wb") as out:
            for hdr, frame in records("%s/%s.pcap" % (P, name)):
                if frame is not None:
                    move(frame, k)
                    out.write(hdr)
                    out.write(frame)
                else:
                    out.write(hdr)

# long-lived: 48 flows sending in turn, 200 packets each, no FIN/RST; and LLDP
mac = dict(src="02:00:00:00:0f:01", dst="02:00:00:00:00:01")
flows = []
for i in range(48):
    kind = i % 6
    if kind in (0, 1, 2):
        s, d = "172.16.%d.%d" % (i // 200, i % 200 + 1), "198.51.100.%d" % (i + 1)
        l4 = [TCP(sport=30000 + i, dport=443, flags="PA"), UDP(sport=30000 + i, dport=53),
              ICMP(type=8, id=i)][kind]
        flows.append(Ether(**mac) / IP(src=s, dst=d) / l4)
    else:
        s, d = "2001:db8:ffff::%x" % (i + 1), "2001:db8:fffe::%x" % (i + 1)
        l4 = [TCP(sport=30000 + i, dport=443, flags="PA"), UDP(sport=30000 + i, dport=4789),
              ICMPv6EchoRequest(id=i)][kind - 3]
        flows.append(Ether(**mac) / IPv6(src=s, dst=d) / l4)
pkts = []
for n in range(200):
    for j, f in enumerate(flows):
        pkts.append(f / Raw(b"\x5a" * (16 + (n * 37 + j * 11) % 900)))
    if n % 50 == 0:
        pkts.append(Ether(src="02:00:00:00:0f:02", dst="01:80:c2:00:00:0e", type=0x88cc)
                    / Raw(bytes.fromhex("020704020000000f02040302000f0602007800000000") + bytes(24)))
wrpcap("%s/long.pcap" % P, pkts)
EOF
echo "$STAMP" >"$P/stamp"
say "pcaps written in $P in $(($(date +%s) - t0)) s"
fi
CHURN=()
for k in "" .k1 .k2; do
	CHURN+=("$P/mixed1$k.pcap" "$P/burst$k.pcap" "$P/mixed2$k.pcap" "$P/malformed.pcap"
		"$P/mixed3$k.pcap" "$P/mixed4$k.pcap")
done

# ---------------------------------------------------------------- topology
ip netns add "$NSG" && ip netns add "$NSX" && ip link add "$VX" type veth peer name "$VG" &&
	ip link set "$VX" netns "$NSX" && ip link set "$VG" netns "$NSG" ||
	skip "cannot create namespaces with a veth pair"
# no IPv6 on the pair (neighbour discovery would be traffic of its own), no
# IPv4 address (nothing answers); MTU above every frame the pcaps hold
ip netns exec "$NSX" sh -e -c "ip link set lo up; sysctl -qw net.ipv6.conf.$VX.disable_ipv6=1;
	ip link set $VX mtu 9000 up" || die "setting up $NSX"
ip netns exec "$NSG" sh -e -c "sysctl -qw net.ipv6.conf.$VG.disable_ipv6=1;
	ip link set $VG mtu 9000 up" || die "setting up $NSG"

# netx CMD...: in xflowd's namespace; netg: in the generator's
netx() { ip netns exec "$NSX" "$@"; }
netg() { ip netns exec "$NSG" "$@"; }
# ifstat NS DEV FIELD -> a counter of /sys/class/net/DEV/statistics
ifstat() { ip netns exec "$1" cat "/sys/class/net/$2/statistics/$3"; }
# snmp FIELD -> Udp FIELD of /proc/net/snmp in xflowd's namespace
snmp_udp() {
	netx awk -v f="$1" '$1 == "Udp:" && !h {for (i = 2; i <= NF; i++) k[i] = $i; h = 1; next}
		$1 == "Udp:" && h {for (i = 2; i <= NF; i++) if (k[i] == f) print $i}' /proc/net/snmp
}
# capture_ready PID: libpcap's real filter is on its packet socket (it
# first puts a reject-all one and drains the socket)
capture_ready() {
	netx ss -0 -b -p 2>/dev/null | awk -v p="pid=$1," 'f && match($0, /bpf filter \([0-9]+\)/) &&
		substr($0, RSTART + 12, RLENGTH - 13) + 0 > 1 {ok = 1} {f = index($0, p) > 0} END {exit !ok}'
}
stats_json() { netx "$XFLOWCTL" -s "$OUT/xflowd.sock" -t 10 --json show statistics; }

# ------------------------------------------------------- collector, xflowd
PORT=4739
ip netns exec "$NSX" nfcapd -b 127.0.0.1 -p $PORT -w "$OUT/nfcapd" -t 3600 -B 8388608 >"$OUT/nfcapd.log" 2>&1 &
NFP=$!
PIDS+=("$NFP")
for _ in $(seq 100); do
	[ -n "$(netx ss -Hlun "sport = :$PORT")" ] && break
	sleep 0.05
done
[ -n "$(netx ss -Hlun "sport = :$PORT")" ] || die "nfcapd did not start: $(cat "$OUT/nfcapd.log")"

XARGS=(--interface "$VX" --collector "127.0.0.1:$PORT" --export ipfix -I "$INACTIVE" -A "$ACTIVE"
	-C "$CACHE" --control "$OUT/xflowd.sock" --stats-file "$OUT/xflowd.stats.json")
echo "$XFLOWD ${XARGS[*]}" >"$OUT/xflowd.cmd"
ip netns exec "$NSX" "$XFLOWD" "${XARGS[@]}" >"$OUT/xflowd.out" 2>"$OUT/xflowd.err" &
XP=$!
PIDS+=("$XP")
for _ in $(seq 200); do
	capture_ready $XP && [ -S "$OUT/xflowd.sock" ] && break
	kill -0 $XP 2>/dev/null || break
	sleep 0.05
done
capture_ready $XP || die "xflowd did not start: $(tail -5 "$OUT/xflowd.err")"
# /proc/PID/stat: utime + stime in clock ticks
HZ=$(getconf CLK_TCK)
cpu_s() { awk -v hz="$HZ" '{sub(/^.*\) /, ""); printf "%.2f", ($12 + $13) / hz}' "/proc/$1/stat" 2>/dev/null; }
status_kb() { awk -v k="$2:" '$1 == k {print $2}' "/proc/$1/status" 2>/dev/null; }

rx0=$(ifstat "$NSX" "$VX" rx_packets) rxd0=$(ifstat "$NSX" "$VX" rx_dropped)
tx0x=$(ifstat "$NSX" "$VX" tx_packets) tx0=$(ifstat "$NSG" "$VG" tx_packets)
txd0=$(ifstat "$NSG" "$VG" tx_dropped)
udperr0=$(snmp_udp RcvbufErrors) udpin0=$(snmp_udp InErrors) udpdg0=$(snmp_udp InDatagrams)

# ---------------------------------------------------------------- the run
say "replaying ${#CHURN[@]} churn pcaps in a loop and the long-lived flows (tcpreplay --pps)"
ip netns exec "$NSG" tcpreplay -i "$VG" --pps="$CPPS" --loop=0 --duration="$SECONDS_RUN" --no-flow-stats \
	"${CHURN[@]}" >"$OUT/tcpreplay.churn.log" 2>&1 &
GP1=$!
PIDS+=("$GP1")
ip netns exec "$NSG" tcpreplay -i "$VG" --pps="$LPPS" --loop=0 --duration="$SECONDS_RUN" --no-flow-stats \
	"$P/long.pcap" >"$OUT/tcpreplay.long.log" 2>&1 &
GP2=$!
PIDS+=("$GP2")
START=$(date +%s.%N)

CSV=$OUT/samples.csv
echo "t_s,vmrss_kb,vmhwm_kb,rssanon_kb,cpu_s,rx_packets,packets,capture_drops,metered,octets,malformed,non_ip,active_flows,flows_created,flows_exported,idle,active,end_of_flow,forced,lack_of_resources,records_sent,records_not_sent" >"$CSV"
# sample: one CSV row now
sample() {
	local t rss hwm anon cpu rx js
	t=$(awk -v a="$START" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b - a}')
	rss=$(status_kb $XP VmRSS) hwm=$(status_kb $XP VmHWM) anon=$(status_kb $XP RssAnon) cpu=$(cpu_s $XP)
	rx=$(($(ifstat "$NSX" "$VX" rx_packets) - rx0))
	js=$(stats_json 2>/dev/null) || js='{}'
	printf '%s\n' "$js" | "$PY" -c '
import json, sys
try:
    j = json.loads(sys.stdin.read())
except ValueError:
    j = {}
c = (j.get("collectors") or [{}])[0]
e = j.get("expired", {})
v = [j.get("packets"), j.get("capture_drops"), j.get("metered"), j.get("octets"),
     sum(j.get("malformed", {}).values()) if "malformed" in j else None, j.get("non_ip"),
     j.get("active_flows"), j.get("flows_created"), j.get("flows_exported"),
     e.get("idle"), e.get("active"), e.get("end_of_flow"), e.get("forced"), e.get("lack_of_resources"),
     c.get("data_records"),
     c.get("dropped_records", 0) + c.get("refused_records", 0) if c else None]
print(",".join(sys.argv[1:] + ["" if x is None else str(x) for x in v]))
' "$t" "$rss" "$hwm" "$anon" "$cpu" "$rx" >>"$CSV"
	tail -1 "$CSV" | awk -F, '{printf "soak: %6ss  rss %6s kB  cpu %7ss  rx %10s  cached %6s  evicted %8s\n",
		$1, $2, $5, $6, $13, $20}'
}
sample
n=1
while kill -0 $GP1 2>/dev/null || kill -0 $GP2 2>/dev/null; do
	kill -0 $XP 2>/dev/null || die "xflowd exited during the run: $(tail -5 "$OUT/xflowd.err")"
	if awk -v s="$START" -v n=$n -v k="$TICK" -v now="$(date +%s.%N)" 'BEGIN {exit !(now >= s + n * k)}'; then
		sample
		n=$((n + 1))
	fi
	sleep 0.2 &
	wait $!
done
wait $GP1
rc1=$?
wait $GP2
rc2=$?
END=$(date +%s.%N)
[ $rc1 = 0 ] && [ $rc2 = 0 ] || say "tcpreplay exited $rc1 / $rc2 (logs in $OUT)"
# let xflowd read what is still in its capture ring (SIGTERM does not wait
# for it): until it has counted every packet the veth took in, or its count
# has not moved for 2 s
rx=$(($(ifstat "$NSX" "$VX" rx_packets) - rx0))
last=-1 still=0
for _ in $(seq 60); do
	got=$(stats_json 2>/dev/null | "$PY" -c 'import json, sys; j = json.load(sys.stdin); print(j["packets"] + j["capture_drops"])' 2>/dev/null)
	[ "${got:-0}" -ge "$rx" ] && break
	if [ "${got:-0}" = "$last" ]; then
		still=$((still + 1))
		[ $still -ge 4 ] && break
	else
		still=0 last=${got:-0}
	fi
	sleep 0.5
done
sample
say "stopping xflowd (SIGTERM)"
kill -TERM $XP
for _ in $(seq 1200); do
	kill -0 $XP 2>/dev/null || break
	sleep 0.05
done
kill -0 $XP 2>/dev/null && {
	say "xflowd did not exit in 60 s: SIGKILL"
	kill -KILL $XP
}
wait $XP
XRC=$?
# nfcapd: once its socket is drained, SIGTERM (it writes its file and exits)
for _ in $(seq 200); do
	[ "$(netx ss -Hlun "sport = :$PORT" | awk '{q += $2} END {print q + 0}')" = 0 ] && break
	sleep 0.05
done
sleep 0.5
kill -TERM $NFP
for _ in $(seq 600); do
	kill -0 $NFP 2>/dev/null || break
	sleep 0.05
done
kill -KILL $NFP 2>/dev/null
wait $NFP 2>/dev/null

rx=$(($(ifstat "$NSX" "$VX" rx_packets) - rx0)) rxd=$(($(ifstat "$NSX" "$VX" rx_dropped) - rxd0))
txx=$(($(ifstat "$NSX" "$VX" tx_packets) - tx0x))
tx=$(($(ifstat "$NSG" "$VG" tx_packets) - tx0)) txd=$(($(ifstat "$NSG" "$VG" tx_dropped) - txd0))
udperr=$(($(snmp_udp RcvbufErrors) - udperr0)) udpin=$(($(snmp_udp InErrors) - udpin0))
udpdg=$(($(snmp_udp InDatagrams) - udpdg0))

# nfdump: the records nfcapd stored, summed (-N: plain numbers, unscaled);
# per protocol; IPv6 only; and nfcapd's own statistics (sequence failures)
TZ=UTC nfdump -R "$OUT/nfcapd" -N -s proto -n 0 >"$OUT/nfdump.proto.txt" 2>&1
TZ=UTC nfdump -R "$OUT/nfcapd" -N -s proto -n 0 'inet6' >"$OUT/nfdump.inet6.txt" 2>&1
TZ=UTC nfdump -R "$OUT/nfcapd" -I >"$OUT/nfdump.info.txt" 2>&1

# ----------------------------------------------------------------- judge
"$PY" - "$OUT" <<EOF | tee "$OUT/summary.txt"
import csv, json, re, sys
out = sys.argv[1]
fails = []
rows = []

def check(ok, what):
    rows.append(("ok  " if ok else "FAIL") + "  " + what)
    if not ok:
        fails.append(what)

def tcpreplay_counts(path):
    t = open(path).read()
    ok = re.findall(r"Successful packets:\s+(\d+)", t)
    bad = re.findall(r"Failed packets:\s+(\d+)", t)
    return (int(ok[-1]) if ok else None), (int(bad[-1]) if bad else None)

def nf_summary(path):
    t = open(path).read()
    m = re.search(r"Summary: total flows: (\d+), total bytes: (\d+), total packets: (\d+)", t)
    return tuple(int(x) for x in m.groups()) if m else (0, 0, 0)

s1, f1 = tcpreplay_counts(out + "/tcpreplay.churn.log")
s2, f2 = tcpreplay_counts(out + "/tcpreplay.long.log")
sent = (s1 or 0) + (s2 or 0)
failed = (f1 or 0) + (f2 or 0)
rx, tx, rxd, txd, txx = $rx, $tx, $rxd, $txd, $txx
udperr, udpin, udpdg, xrc = $udperr, $udpin, $udpdg, $XRC
duration = $END - $START
try:
    st = json.load(open(out + "/xflowd.stats.json"))
except (OSError, ValueError) as e:
    st = None
    check(False, "xflowd wrote its --stats-file (%s)" % e)
nf_flows, nf_bytes, nf_pkts = nf_summary(out + "/nfdump.proto.txt")
v6_flows, v6_bytes, v6_pkts = nf_summary(out + "/nfdump.inet6.txt")
info = open(out + "/nfdump.info.txt").read()
m = re.search(r"Sequence failures:\s*(\d+)", info)
seqfail = int(m.group(1)) if m else None

check(xrc == 0, "SIGTERM: xflowd exited 0 (rc=%d)" % xrc)
check(s1 is not None and s2 is not None and failed == 0,
      "tcpreplay: %d packets sent (churn %s + long-lived %s), %d failed" % (sent, s1, s2, failed))
# (the veth's rx_dropped counts frames the stack had no use for after the
# packet sockets saw them: VLAN tags without a VLAN device, LLDP; shown only)
check(sent == tx == rx and txd == 0 and txx == 0,
      "sent %d = generator veth tx %d = xflowd veth rx %d (observed); tx dropped %d; xflowd's veth sent %d "
      "(its stack discarded %d after capture)" % (sent, tx, rx, txd, txx, rxd))
if st:
    c = st["collectors"][0]
    mal = sum(st["malformed"].values())
    nofit = sum(st["no_template_packets"].values())
    # packets and octets of records never sent (send buffer full) or refused
    # (port unreachable): counted by xflowd when it says so, else must be 0
    ns_rec = c.get("dropped_records", 0) + c.get("refused_records", 0)
    ns_pkts = c.get("dropped_packets", 0) + c.get("refused_packets", 0)
    ns_oct = c.get("dropped_octets", 0) + c.get("refused_octets", 0)
    has_ns = "dropped_packets" in c and "refused_packets" in c
    check(ns_rec == 0 or has_ns, "records not sent %d (dropped %d, refused %d)%s"
          % (ns_rec, c.get("dropped_records", 0), c.get("refused_records", 0),
             "" if has_ns or ns_rec == 0 else ": their packets are not counted"))
    counted = mal + st["non_ip"] + st["sampled_out"] + nofit + st["capture_drops"] + ns_pkts
    check(rx == st["packets"] + st["capture_drops"],
          "observed %d = xflowd packets %d + capture_drops %d" % (rx, st["packets"], st["capture_drops"]))
    check(st["packets"] == st["sampled_out"] + st["metered"] + st["non_ip"] + mal + nofit,
          "xflowd packets %d = sampled_out %d + metered %d + non_ip %d + malformed %d + no_template %d"
          % (st["packets"], st["sampled_out"], st["metered"], st["non_ip"], mal, nofit))
    check(rx == nf_pkts + counted,
          "observed %d = exported %d (nfdump) + counted %d (malformed %d, non_ip %d, sampled_out %d, "
          "no_template %d, capture_drops %d, not sent %d); difference %d"
          % (rx, nf_pkts, counted, mal, st["non_ip"], st["sampled_out"], nofit, st["capture_drops"],
             ns_pkts, rx - nf_pkts - counted))
    check(st["octets"] == nf_bytes + ns_oct,
          "octets metered %d = nfdump bytes %d + not sent %d; difference %d"
          % (st["octets"], nf_bytes, ns_oct, st["octets"] - nf_bytes - ns_oct))
    check(nf_flows == c["data_records"] - ns_rec and c["data_records"] == st["flows_exported"],
          "nfdump records %d = records sent %d - not sent %d; flows_exported %d"
          % (nf_flows, c["data_records"], ns_rec, st["flows_exported"]))
    check(udpdg == c["messages"] and udperr == 0 and udpin == 0,
          "every export datagram arrived: %d messages sent, UDP InDatagrams %d, RcvbufErrors %d, InErrors %d "
          "(nfcapd's sequence failures: %s)" % (c["messages"], udpdg, udperr, udpin, seqfail))
    e = st["expired"]
    check(all(e[k] > 0 for k in ("idle", "active", "end_of_flow", "forced", "lack_of_resources")),
          "expiry: idle %d, active %d, end of flow %d, forced %d, cache pressure %d (each > 0)"
          % (e["idle"], e["active"], e["end_of_flow"], e["forced"], e["lack_of_resources"]))
    check(mal > 0 and st["non_ip"] > 0 and v6_flows > 0,
          "seen: malformed %s, non-IP %d, IPv6 records %d"
          % (", ".join("%s %d" % kv for kv in st["malformed"].items() if kv[1]), st["non_ip"], v6_flows))

# resident memory: flat after the warm-up
samples = [r for r in csv.DictReader(open(out + "/samples.csv")) if r["vmrss_kb"]]
warm = [r for r in samples if float(r["t_s"]) >= $WARMUP]
if len(warm) >= 3:
    t = [float(r["t_s"]) for r in warm]
    v = [int(r["vmrss_kb"]) for r in warm]
    n = len(t)
    mt, mv = sum(t) / n, sum(v) / n
    slope = sum((a - mt) * (b - mv) for a, b in zip(t, v)) / max(1e-9, sum((a - mt) ** 2 for a in t))
    bound = max($RSS_SLACK_KB, v[0] * 0.02)
    check(max(v) - min(v) <= bound,
          "VmRSS after the %d s warm-up: %d kB at %.0f s, %d kB at the end, min %d max %d (spread %d kB, "
          "bound %d kB), slope %+.1f kB/min over %d samples; peak (VmHWM) %s kB"
          % ($WARMUP, v[0], t[0], v[-1], min(v), max(v), max(v) - min(v), bound, slope * 60, n,
             samples[-1]["vmhwm_kb"]))
else:
    check(False, "VmRSS: fewer than 3 samples after the warm-up")

print()
print("soak summary (%s)" % out)
print("  run        %.0f s, offered %d pkt/s, achieved %.0f pkt/s" % (duration, $PPS, rx / max(duration, 1)))
if st:
    busiest = max((int(r["active_flows"] or 0) for r in samples), default=0)
    cpu = samples[-1]["cpu_s"]
    print("  packets    %d observed, %d metered, %d malformed, %d non-IP, %d capture drops"
          % (rx, st["metered"], mal, st["non_ip"], st["capture_drops"]))
    print("  flows      %d created, %d records exported (%d IPv6), at most %d cached of %d (sampled)"
          % (st["flows_created"], st["flows_exported"], v6_flows, busiest, $CACHE))
    print("  expiry     idle %d, active %d, end of flow %d, forced %d, cache pressure %d"
          % tuple(st["expired"][k] for k in ("idle", "active", "end_of_flow", "forced", "lack_of_resources")))
    print("  xflowd     %s s CPU (%.1f%% of a core)" % (cpu, 100 * float(cpu or 0) / max(duration, 1)))
for r in rows:
    print("  " + r)
print("soak: %s" % ("PASS" if not fails else "FAIL (%d)" % len(fails)))
sys.exit(1 if fails else 0)
EOF
exit "${PIPESTATUS[0]}"
