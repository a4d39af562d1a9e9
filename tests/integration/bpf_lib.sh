# shellcheck shell=bash
# shellcheck disable=SC2034  # the COLL_* arrays are read by lib.sh's helpers
# bpf_lib.sh - helpers for the AF_XDP and eBPF capture tests (test_afxdp.sh,
# test_ebpf.sh, test_bpf_lifecycle.sh); source it after lib.sh.
#
# The tests build their own namespaces and veth pairs (every name has "bpf"
# and the test's pid in it), run xflowd and the collectors inside them, and
# replay xfgen (and, when ../shared is there, pcapgen) traffic with
# tcpreplay below capacity. Collectors live in a namespace too: their
# address is reached through an observed interface (own-export checks).

BPF_NS=()   # namespaces to delete at exit
BPF_LINKS=() # links left in the root namespace to delete at exit

bpf_cleanup() {
    local n
    xf_cleanup
    for n in "${BPF_NS[@]}"; do
        ip netns pids "$n" 2>/dev/null | xargs -r kill -KILL 2>/dev/null
        ip netns del "$n" 2>/dev/null
    done
    for n in "${BPF_LINKS[@]}"; do
        ip link del "$n" 2>/dev/null
    done
}
trap bpf_cleanup EXIT

# bpf_need: root, the tools, namespaces. The kernel's BPF support is
# probed by the tests themselves (a SKIP only when it truly refuses).
bpf_need() {
    need_xflowd
    need_scapy
    need_cmd ip tcpreplay nfcapd nfdump ss bpftool tshark
    [ "$(id -u)" = 0 ] || skip "needs root for namespaces and BPF"
    ip netns add "bpfprobe$$" 2>/dev/null || skip "cannot create a network namespace"
    ip netns del "bpfprobe$$"
}

# ns_add NAME: a namespace with lo up, removed at exit
ns_add() {
    ip netns add "$1" || return 1
    BPF_NS+=("$1")
    ip -n "$1" link set lo up
}

# veth_pair NS_A A NS_B B: a veth pair between two namespaces, both ends up,
# no IPv6 (its neighbour discovery and MLD would be traffic of their own)
# unless BPF_V6=1, TSO off on both (DESIGN: else AF_PACKET traffic is
# processed on the sender's CPU)
veth_pair() {
    local na=$1 a=$2 nb=$3 b=$4 e q=${VETH_QUEUES:-1}
    ip link add "$a" numtxqueues "$q" numrxqueues "$q" netns "$na" type veth \
        peer name "$b" numtxqueues "$q" numrxqueues "$q" netns "$nb" || return 1
    for e in "$na:$a" "$nb:$b"; do
        if [ "${BPF_V6:-0}" = 1 ]; then
            ip netns exec "${e%%:*}" sysctl -qw "net.ipv6.conf.${e#*:}.accept_ra=0" \
                "net.ipv6.conf.${e#*:}.router_solicitations=0" "net.ipv6.conf.${e#*:}.dad_transmits=0"
            ip -n "${e%%:*}" link set "${e#*:}" addrgenmode none
        else
            ip netns exec "${e%%:*}" sysctl -qw "net.ipv6.conf.${e#*:}.disable_ipv6=1"
        fi
        ip netns exec "${e%%:*}" ethtool -K "${e#*:}" tso off gso off >/dev/null 2>&1
        ip -n "${e%%:*}" link set "${e#*:}" up
    done
}

# ifindex_of NS DEV
ifindex_of() { ip netns exec "$1" cat "/sys/class/net/$2/ifindex"; }
# mac_of NS DEV
mac_of() { ip netns exec "$1" cat "/sys/class/net/$2/address"; }

# ns_udp_bound NS PORT
ns_udp_bound() { [ -n "$(ip netns exec "$1" ss -Hlun "sport = :$2" 2>/dev/null)" ]; }
ns_wait_bound() {
    local i
    for i in $(seq 100); do
        ns_udp_bound "$1" "$2" && return 0
        sleep 0.05
    done
    return 1
}

# addr_pair NS_A A NS_B B NET: veth_pair (VETH_QUEUES queues) with MTU
# 1600 (QinQ frames of 1500-octet packets are 1522 octets: more than a
# veth forwards at 1500), NET.1 on A and NET.2 on B, each the other's
# neighbour statically; 1 when the pair cannot be made
addr_pair() {
    local na=$1 a=$2 nb=$3 b=$4 net=$5
    veth_pair "$na" "$a" "$nb" "$b" || return 1
    ip -n "$na" link set "$a" mtu 1600 && ip -n "$nb" link set "$b" mtu 1600
    ip -n "$na" addr add "$net.1/24" dev "$a"
    ip -n "$nb" addr add "$net.2/24" dev "$b"
    ip -n "$na" neigh add "$net.2" lladdr "$(mac_of "$nb" "$b")" dev "$a" nud permanent
    ip -n "$nb" neigh add "$net.1" lladdr "$(mac_of "$na" "$a")" dev "$b" nud permanent
}

# ns_nfcapd_start NS NAME BIND PORT: nfcapd in NS writing to $T/NAME.nfc
ns_nfcapd_start() {
    local ns=$1 name=$2 bind=$3 port=$4
    mkdir -p "$T/$name.nfc"
    ip netns exec "$ns" nfcapd -b "$bind" -p "$port" -w "$T/$name.nfc" -t 3600 -B 8388608 \
        >"$T/$name.nfcapd.log" 2>&1 &
    COLL_PID[$name]=$!
    XF_PIDS+=("$!")
    COLL_NS[$name]=$ns COLL_PORT[$name]=$port COLL_DIR[$name]=$T/$name.nfc COLL_KIND[$name]=nfcapd
    COLL_BIND[$name]=$bind
    ns_wait_bound "$ns" "$port" || { cat "$T/$name.nfcapd.log" >&2; return 1; }
}

# ns_sink_start NS NAME BIND PORT: udpsink.py in NS writing $T/NAME.pcap
ns_sink_start() {
    local ns=$1 name=$2 bind=$3 port=$4
    ip netns exec "$ns" "$PY" "$XF_HERE/udpsink.py" --bind "$bind" --port "$port" --pcap "$T/$name.pcap" \
        --port-file "$T/$name.port" 2>"$T/$name.sink.log" &
    COLL_PID[$name]=$!
    XF_PIDS+=("$!")
    COLL_NS[$name]=$ns COLL_PORT[$name]=$port COLL_KIND[$name]=sink COLL_BIND[$name]=$bind
    ns_wait_bound "$ns" "$port" || { cat "$T/$name.sink.log" >&2; return 1; }
}
declare -A COLL_NS

# ns_collector_stop NAME: wait until its socket is drained, then stop it
ns_collector_stop() {
    local name=$1 pid=${COLL_PID[$1]} ns=${COLL_NS[$1]} i q
    [ -n "$pid" ] || return 0
    for i in $(seq 100); do
        q=$(ip netns exec "$ns" ss -Hlun "sport = :${COLL_PORT[$name]}" 2>/dev/null | awk '{q += $2} END {print q + 0}')
        [ "$q" = 0 ] && break
        sleep 0.05
    done
    sleep 0.2
    kill -TERM "$pid" 2>/dev/null
    for i in $(seq 100); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.05
    done
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    COLL_PID[$name]=
}

# xflowd_start NS LABEL ARGS...: xflowd in NS, stderr in $T/LABEL.err; waits
# until every interface says its programs are attached ("ebpf:"/"afxdp:"
# lines, one per --interface). XP is its pid. Returns 1 if it exits first.
xflowd_start() {
    local ns=$1 label=$2 nif
    shift 2
    nif=$(printf '%s\n' "$@" | grep -cx -- '-i\|--interface')
    echo "ip netns exec $ns $XFLOWD $*" >"$T/$label.cmd"
    ip netns exec "$ns" "$XFLOWD" "$@" >"$T/$label.out" 2>"$T/$label.err" &
    XP=$!
    XF_PIDS+=("$XP")
    for _ in $(seq 300); do
        kill -0 "$XP" 2>/dev/null || return 1
        [ "$(grep -c ': \(ebpf\|afxdp\): ' "$T/$label.err")" -ge "$nif" ] && return 0
        sleep 0.05
    done
    return 1
}

# wait_threads LABEL N: until $T/LABEL.err says N monitors each meter in
# one thread ("M: 1 metering thread for 1 capture"), up to 5 s; 1 if not
wait_threads() {
    for _ in $(seq 100); do
        [ "$(grep -c "metering thread for 1 capture" "$T/$1.err")" = "$2" ] && return 0
        sleep 0.05
    done
    return 1
}

# xflowd_stop LABEL: SIGTERM, wait; returns xflowd's exit status
xflowd_stop() {
    local rc
    kill -TERM "$XP" 2>/dev/null
    wait "$XP"
    rc=$?
    return $rc
}

# replay NS DEV PCAP PPS: tcpreplay at a rate below capacity
replay() {
    ip netns exec "$1" tcpreplay -q -i "$2" --pps "$4" "$3" >"$T/tcpreplay.$2.log" 2>&1 ||
        { cat "$T/tcpreplay.$2.log" >&2; return 1; }
}

# pcapgen_make OUT.pcap OUT.csv ARGS...: ../shared's generator, built in $T;
# returns 2 when ../shared is absent
pcapgen_make() {
    local out=$1 truth=$2 shared=$XF_ROOT/../shared
    shift 2
    [ -d "$shared/bench/gen" ] || return 2
    make -s -C "$shared/bench/gen" OUT="$T/gen" >"$T/pcapgen.make.log" 2>&1 || return 1
    "$T/gen/pcapgen" -o "$out" -t "$truth" "$@" 2>"$T/pcapgen.log"
}

# split_records IN OUT_PREFIX FORMAT: per (ingressInterface, flowDirection),
# OUT_PREFIX.IF.DIR.csv; FORMAT nfdump (nfdump -o csv) or records
# (cflow_records.py). Prints the "IF.DIR count" pairs found.
split_records() {
    "$PY" - "$1" "$2" "$3" <<'EOF'
import csv, sys
src, prefix, fmt = sys.argv[1:4]
groups = {}
if fmt == "nfdump":
    for line in open(src):
        f = line.rstrip("\n").split(",")
        if len(f) < 23 or f[0] == "ts" or not f[0][:1].isdigit():
            continue
        groups.setdefault((f[15], f[22]), []).append(line)
    for (i, d), lines in groups.items():
        open("%s.%s.%s.csv" % (prefix, i, d), "w").writelines(lines)
else:
    rows = list(csv.DictReader(open(src)))
    hdr = rows[0].keys() if rows else []
    for r in rows:
        groups.setdefault((r.get("ifindex") or "0", r.get("dir") or "0"), []).append(r)
    for (i, d), rs in groups.items():
        with open("%s.%s.%s.csv" % (prefix, i, d), "w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=list(hdr))
            w.writeheader()
            w.writerows(rs)
print(" ".join("%s.%s:%d" % (i, d, len(v)) for (i, d), v in sorted(groups.items())))
EOF
}

# stats_get FILE EXPR: a value of the --stats-file JSON (python expression on s)
stats_get() {
    "$PY" -c 'import json, sys; s = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"
}
