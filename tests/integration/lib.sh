# shellcheck shell=bash
# lib.sh - helpers for xflowd's integration tests; source it from a test script.
#
# The judges are independent collectors: nfdump's nfcapd, tshark's cflow
# dissector (on a capture written by udpsink.py), pmacct's nfacctd, and our own
# message-layer decoder msgcheck.py. Test scripts exit 0 pass, 1 fail, 77 skip.
#
# Environment: XFLOWD (binary under test, default build/xflowd relative to the
# repo root), KEEP=1 keeps the temp dir, XF_TIMEOUT (seconds per xflowd run,
# default 60).

XF_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
XF_ROOT=$(cd "$XF_HERE/../.." && pwd)
XFLOWD=${XFLOWD:-build/xflowd}
case $XFLOWD in /*) ;; *) XFLOWD=$XF_ROOT/$XFLOWD ;; esac
XF_TIMEOUT=${XF_TIMEOUT:-60}
XF_NAME=$(basename "${0%.sh}")
XF_FAILS=0
declare -A COLL_PID COLL_PORT COLL_DIR COLL_KIND COLL_BIND
XF_PIDS=()

# python with scapy (Debian's python3-scapy lives in /usr/bin/python3's path)
if [ -z "${PY:-}" ]; then
    for p in /usr/bin/python3 python3; do
        if command -v "$p" >/dev/null 2>&1 && "$p" -c 'import scapy' >/dev/null 2>&1; then PY=$p; break; fi
    done
    PY=${PY:-/usr/bin/python3}
fi
# shellcheck disable=SC2034  # used by the test scripts
XFGEN=("$PY" "$XF_ROOT/tools/xfgen.py")

T=$(mktemp -d "${TMPDIR:-/tmp}/xflowd-$XF_NAME.XXXXXX")

xf_cleanup() {
    local p
    for p in "${XF_PIDS[@]}"; do
        kill -TERM "$p" 2>/dev/null
    done
    for p in "${XF_PIDS[@]}"; do
        wait "$p" 2>/dev/null
    done
    if [ "${KEEP:-0}" = 1 ]; then
        echo "$XF_NAME: kept $T" >&2
    else
        rm -rf "$T"
    fi
}
trap xf_cleanup EXIT
trap 'exit 130' INT TERM

info() { echo "$XF_NAME: $*"; }
pass() { echo "  ok   $*"; }
fail() {
    echo "  FAIL $*"
    XF_FAILS=$((XF_FAILS + 1))
}
skip() {
    echo "SKIP: $*"
    exit 77
}
# check "description" cmd args...: runs the command, pass/fail on its status; shows
# the first line of its output on success (all of it with VERBOSE=1), up to XF_SHOW
# (40) lines on failure
check() {
    local what=$1 out rc
    shift
    out=$("$@" 2>&1)
    rc=$?
    if [ $rc = 0 ]; then
        pass "$what"
        if [ "${VERBOSE:-0}" = 1 ]; then
            printf '%s\n' "$out" | sed 's/^/       /'
        elif [ -n "$out" ]; then
            printf '%s\n' "$out" | head -1 | sed 's/^/       /'
        fi
    else
        fail "$what"
        [ -n "$out" ] && printf '%s\n' "$out" | head -"${XF_SHOW:-40}" | sed 's/^/       /'
    fi
    return $rc
}
finish() {
    if [ "$XF_FAILS" -gt 0 ]; then
        info "$XF_FAILS check(s) failed"
        exit 1
    fi
    info "all checks passed"
    exit 0
}

need_cmd() {
    local c
    for c in "$@"; do
        command -v "$c" >/dev/null 2>&1 || skip "$c not installed"
    done
}
need_xflowd() { [ -x "$XFLOWD" ] || skip "xflowd not built ($XFLOWD)"; }
need_scapy() { "$PY" -c 'import scapy' 2>/dev/null || skip "python3-scapy not installed"; }

# need_xflowctl: XFLOWCTL, the xflowctl next to xflowd (or as given)
need_xflowctl() {
    XFLOWCTL=${XFLOWCTL:-$(dirname "$XFLOWD")/xflowctl}
    [ -x "$XFLOWCTL" ] || skip "xflowctl not built ($XFLOWCTL)"
}

# live_pair PREFIX: the live tests' link: a namespace NS=PREFIX$$ holding
# veth B, its peer A in the root namespace (where xflowd captures), both
# up without IPv6 (its neighbour discovery would be traffic of its own);
# removed at exit. Skips unless namespaces can be made (root).
live_pair() {
    [ "$(id -u)" = 0 ] || skip "needs root for a network namespace"
    NS=$1$$ A=${1}a$$ B=${1}b$$
    trap 'ip netns del "$NS" 2>/dev/null; ip link del "$A" 2>/dev/null; xf_cleanup' EXIT
    ip netns add "$NS" && ip link add "$A" type veth peer name "$B" &&
        ip link set "$B" netns "$NS" || skip "cannot create a namespace with veth"
    sysctl -qw "net.ipv6.conf.$A.disable_ipv6=1"
    ip netns exec "$NS" sysctl -qw "net.ipv6.conf.$B.disable_ipv6=1"
    ip link set "$A" up
    ip netns exec "$NS" ip link set "$B" up
}

# free_port [4|6] -> prints a UDP port free right now on the loopback
free_port() {
    "$PY" - "${1:-4}" <<'EOF'
import socket, sys
v6 = sys.argv[1] == "6"
s = socket.socket(socket.AF_INET6 if v6 else socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("::1" if v6 else "127.0.0.1", 0))
print(s.getsockname()[1])
EOF
}

# udp_bound PORT -> true when some socket is bound to UDP PORT
udp_bound() { [ -n "$(ss -Hlun "sport = :$1" 2>/dev/null)" ]; }
# udp_rxq PORT -> bytes queued on the socket bound to PORT (0 when none)
udp_rxq() { ss -Hlun "sport = :$1" 2>/dev/null | awk '{q += $2} END {print q + 0}'; }
wait_bound() {
    local i
    for i in $(seq 100); do
        udp_bound "$1" && return 0
        sleep 0.05
    done
    return 1
}
wait_drained() {
    local i
    for i in $(seq 100); do
        [ "$(udp_rxq "$1")" = 0 ] && break
        sleep 0.05
    done
    sleep 0.2
}

# addr_of NAME -> HOST:PORT for xflowd's --collector ([::1]:PORT for IPv6)
addr_of() {
    local b=${COLL_BIND[$1]}
    case $b in *:*) echo "[$b]:${COLL_PORT[$1]}" ;; *) echo "$b:${COLL_PORT[$1]}" ;; esac
}

# nfcapd_start NAME [BIND] -> nfcapd on a free port writing to $T/NAME.nfc
nfcapd_start() {
    local name=$1 bind=${2:-127.0.0.1} fam=4 port
    case $bind in *:*) fam=6 ;; esac
    mkdir -p "$T/$name.nfc"
    for _ in 1 2 3 4 5; do
        port=$(free_port $fam)
        nfcapd -b "$bind" -p "$port" -w "$T/$name.nfc" -t 3600 -B 8388608 >"$T/$name.nfcapd.log" 2>&1 &
        COLL_PID[$name]=$!
        XF_PIDS+=("$!")
        if wait_bound "$port" && kill -0 "${COLL_PID[$name]}" 2>/dev/null; then
            COLL_PORT[$name]=$port COLL_DIR[$name]=$T/$name.nfc COLL_KIND[$name]=nfcapd COLL_BIND[$name]=$bind
            return 0
        fi
        kill "${COLL_PID[$name]}" 2>/dev/null
        wait "${COLL_PID[$name]}" 2>/dev/null
    done
    echo "nfcapd did not start:" >&2
    cat "$T/$name.nfcapd.log" >&2
    return 1
}

# sink_start NAME [BIND] -> udpsink.py writing every datagram to $T/NAME.pcap
sink_start() {
    local name=$1 bind=${2:-127.0.0.1} i
    rm -f "$T/$name.port"
    "$PY" "$XF_HERE/udpsink.py" --bind "$bind" --pcap "$T/$name.pcap" --port-file "$T/$name.port" \
        2>"$T/$name.sink.log" &
    COLL_PID[$name]=$!
    XF_PIDS+=("$!")
    for i in $(seq 100); do
        [ -s "$T/$name.port" ] && break
        sleep 0.05
    done
    [ -s "$T/$name.port" ] || { echo "udpsink did not start" >&2; cat "$T/$name.sink.log" >&2; return 1; }
    COLL_PORT[$name]=$(cat "$T/$name.port") COLL_KIND[$name]=sink COLL_BIND[$name]=$bind
}

# nfacctd_start NAME [KEYS [REFRESH]] -> pmacct's nfacctd printing per-key
# CSV to $T/NAME.pmacct.csv: the five-tuple and KEYS (more aggregate
# primitives, e.g. "timestamp_start, timestamp_end"; times in UTC), written
# every REFRESH seconds (default 3600: at collector_stop)
nfacctd_start() {
    local name=$1 keys=${2:+, $2} refresh=${3:-3600} port
    port=$(free_port 4)
    cat >"$T/$name.nfacctd.conf" <<EOF
daemonize: false
nfacctd_ip: 127.0.0.1
nfacctd_port: $port
nfacctd_pipe_size: 8388608
timestamps_utc: true
plugins: print[p]
aggregate[p]: src_host, dst_host, proto, src_port, dst_port$keys
print_output[p]: csv
print_output_file[p]: $T/$name.pmacct.csv
print_output_file_append[p]: true
print_refresh_time[p]: $refresh
print_num_protos[p]: true
print_cache_entries[p]: 65521
EOF
    nfacctd -f "$T/$name.nfacctd.conf" >"$T/$name.nfacctd.log" 2>&1 &
    COLL_PID[$name]=$!
    XF_PIDS+=("$!")
    if ! wait_bound "$port" || ! nfacctd_ready "${COLL_PID[$name]}"; then
        echo "nfacctd did not start" >&2
        cat "$T/$name.nfacctd.log" >&2
        return 1
    fi
    COLL_PORT[$name]=$port COLL_KIND[$name]=nfacctd COLL_BIND[$name]=127.0.0.1
}

# nfacctd_ready CORE_PID: wait (10 s at most) until the print plugin, a child
# of the core, waits in poll() in its main loop. The core binds the port
# before the plugin has allocated its cache, and what it receives until the
# plugin's first poll() never reaches the plugin (the core signals the plugin
# only once the plugin has said it is waiting), so a bound port is not
# enough: a datagram sent then is lost, and the plugin prints nothing. The
# plugin logs nothing once it is in its loop; the kernel's wait channel says
# it: poll_schedule_timeout (do_poll on older kernels).
nfacctd_ready() {
    local core=$1 kid w
    for _ in $(seq 200); do
        for kid in $(pgrep -P "$core" 2>/dev/null); do
            w=$(cat "/proc/$kid/wchan" 2>/dev/null)
            case $w in *poll*) return 0 ;; esac
        done
        kill -0 "$core" 2>/dev/null || return 1
        sleep 0.05
    done
    echo "nfacctd: its print plugin did not reach its main loop within 10 s" >&2
    return 1
}

# collector_stop NAME: wait until its socket is drained, then stop it (nfcapd and
# udpsink: SIGTERM; nfacctd: SIGINT, which makes the print plugin write its cache)
collector_stop() {
    local name=$1 pid=${COLL_PID[$1]}
    [ -n "$pid" ] || return 0
    wait_drained "${COLL_PORT[$name]}"
    if [ "${COLL_KIND[$name]}" = nfacctd ]; then
        kill -INT "$pid" 2>/dev/null
    else
        kill -TERM "$pid" 2>/dev/null
    fi
    for _ in $(seq 200); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.05
    done
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    # nfacctd's print plugin is a child that writes its file after the core
    # exits, later on a loaded machine: wait for the file (a test that
    # exported nothing waits the 10 s), then for the plugin to finish it
    if [ "${COLL_KIND[$name]}" = nfacctd ]; then
        for _ in $(seq 200); do
            [ -s "$T/$name.pmacct.csv" ] && break
            sleep 0.05
        done
        sleep 0.3
    fi
    COLL_PID[$name]=
}

# nfdump_csv NAME OUT -> every record nfcapd stored, as CSV (UTC times)
nfdump_csv() {
    TZ=UTC nfdump -R "${COLL_DIR[$1]}" -q -N -o csv >"$2" 2>"$2.err"
}

# run_xflowd LABEL ARGS... -> runs xflowd with a time limit; stdout/stderr in
# $T/LABEL.out/.err; returns xflowd's exit status (124: timed out)
run_xflowd() {
    local label=$1
    shift
    echo "$XFLOWD $*" >"$T/$label.cmd"
    timeout -k 5 "$XF_TIMEOUT" "$XFLOWD" "$@" >"$T/$label.out" 2>"$T/$label.err"
}

# pcap_range FILE -> "FIRST_NS LAST_NS" of a pcap
pcap_range() {
    "$PY" - "$1" <<'EOF'
import struct, sys
f = open(sys.argv[1], "rb")
h = f.read(24)
m = struct.unpack("<I", h[:4])[0]
e = "<" if m in (0xa1b2c3d4, 0xa1b23c4d) else ">"
nano = struct.unpack(e + "I", h[:4])[0] == 0xa1b23c4d
lo = hi = None
while True:
    r = f.read(16)
    if len(r) < 16:
        break
    s, frac, cl, ol = struct.unpack(e + "IIII", r)
    f.seek(cl, 1)
    t = s * 10**9 + (frac if nano else frac * 1000)
    lo = t if lo is None else min(lo, t)
    hi = t if hi is None else max(hi, t)
print(lo, hi)
EOF
}

# pcap_count FILE -> number of records in a pcap
pcap_count() {
    "$PY" - "$1" <<'EOF'
import struct, sys
f = open(sys.argv[1], "rb")
h = f.read(24)
e = "<" if struct.unpack("<I", h[:4])[0] in (0xa1b2c3d4, 0xa1b23c4d) else ">"
n = 0
while True:
    r = f.read(16)
    if len(r) < 16:
        break
    f.seek(struct.unpack(e + "IIII", r)[2], 1)
    n += 1
print(n)
EOF
}

# show_err LABEL: the last lines xflowd printed on stderr, indented
show_err() { tail -n "${2:-5}" "$T/$1.err" 2>/dev/null | sed 's/^/       xflowd: /'; }

# export_and_judge LABEL PCAP TRUTH VERSION "COMPARE OPTS" "XFLOWD OPTS"
# The standard pipeline: one xflowd run sending to nfcapd and to udpsink (two
# collectors), then nfdump per-flow exact, tshark per-flow exact with no
# malformed packets or expert warnings, msgcheck's message-layer checks.
export_and_judge() {
    local label=$1 pcap=$2 truth=$3 ver=$4 copts=$5 xopts=$6 rc range v
    v=$ver
    case $ver in v1) v=1 ;; v5) v=5 ;; v7) v=7 ;; v9) v=9 ;; ipfix) v=10 ;; esac
    local pm=() bind=${XF_BIND:-127.0.0.1}
    nfcapd_start "$label.nf" "$bind" || { fail "$label: nfcapd did not start"; return 1; }
    sink_start "$label.sink" "$bind" || { fail "$label: udpsink did not start"; return 1; }
    if [ "${PMACCT:-0}" = 1 ]; then
        nfacctd_start "$label.pm" || { fail "$label: nfacctd did not start"; return 1; }
        pm=(--collector "$(addr_of "$label.pm")")
    fi
    # shellcheck disable=SC2086
    run_xflowd "$label" --read "$pcap" --collector "$(addr_of "$label.nf")" \
        --collector "$(addr_of "$label.sink")" "${pm[@]}" --export "$ver" $xopts
    rc=$?
    collector_stop "$label.nf"
    collector_stop "$label.sink"
    [ "${PMACCT:-0}" = 1 ] && collector_stop "$label.pm"
    if [ $rc != 0 ]; then
        fail "$label: xflowd exited $rc"
        show_err "$label"
        return 1
    fi
    pass "$label: xflowd exited 0"
    nfdump_csv "$label.nf" "$T/$label.nfdump.csv"
    range=$(pcap_range "$pcap")
    # shellcheck disable=SC2086
    # nfcapd 1.7.1 zeroes the ICMP type/code of NetFlow v9 records (it reads them from ICMP_TYPE only)
    local nfq="" pmq=""
    [ "$v" = 9 ] && nfq="--fold-ports 1,58"
    # nfacctd zeroes the ports of SCTP flows in NetFlow v5
    case $v in 1 | 5 | 7) pmq="--fold-ports 132" ;; esac
    # shellcheck disable=SC2086
    # v9 headers carry whole UNIX seconds: unless XF_STRICT_TIME=1, allow 2 s (see msgcheck --check-header-base)
    local slack=1
    [ "$v" = 9 ] && [ "${XF_STRICT_TIME:-0}" != 1 ] && slack=2
    # shellcheck disable=SC2086
    check "$label: nfdump per-flow exact, times within the pcap" \
        "$PY" "$XF_HERE/compare.py" "$truth" "$T/$label.nfdump.csv" --label "$label nfdump" --time-slack $slack $nfq $copts
    check "$label: tshark cflow decodes, no malformed packet, no expert warning/error" \
        "$PY" "$XF_HERE/cflow_records.py" "$T/$label.sink.pcap" "${COLL_PORT[$label.sink]}" "$T/$label.tshark.csv"
    # shellcheck disable=SC2086
    check "$label: tshark per-flow exact" \
        "$PY" "$XF_HERE/compare.py" "$truth" "$T/$label.tshark.csv" --label "$label tshark" $copts
    # shellcheck disable=SC2086
    check "$label: message layer (lengths, counts, sequence numbers, template ids, MTU, flow times)" \
        "$PY" "$XF_HERE/msgcheck.py" "$T/$label.sink.pcap" --version "$v" --records "$T/$label.msg.csv" \
        --time-range $range ${MSGCHECK_OPTS:-}
    if [ "${PMACCT:-0}" = 1 ]; then
        # shellcheck disable=SC2086
        check "$label: pmacct nfacctd per-flow exact" \
            "$PY" "$XF_HERE/compare.py" "$truth" "$T/$label.pm.pmacct.csv" --format pmacct --label "$label pmacct" $pmq $copts
    fi
}

# export_nfdump LABEL PCAP TRUTH VERSION "COMPARE OPTS" "XFLOWD OPTS"
# The light pipeline: xflowd -> nfcapd only, nfdump per-flow exact.
export_nfdump() {
    local label=$1 pcap=$2 truth=$3 ver=$4 copts=$5 xopts=$6 rc nfq=""
    [ "$ver" = v9 ] && nfq="--fold-ports 1,58"
    nfcapd_start "$label.nf" "${XF_BIND:-127.0.0.1}" || { fail "$label: nfcapd did not start"; return 1; }
    # shellcheck disable=SC2086
    run_xflowd "$label" --read "$pcap" --collector "$(addr_of "$label.nf")" --export "$ver" $xopts
    rc=$?
    collector_stop "$label.nf"
    if [ $rc != 0 ]; then
        fail "$label: xflowd exited $rc"
        show_err "$label"
        return 1
    fi
    nfdump_csv "$label.nf" "$T/$label.nfdump.csv"
    # shellcheck disable=SC2086
    check "$label: nfdump per-flow exact" \
        "$PY" "$XF_HERE/compare.py" "$truth" "$T/$label.nfdump.csv" --label "$label nfdump" --time-slack 1 $nfq $copts
}

# export_split LABEL PCAP TRUTH "NFDUMP COMPARE OPTS" "TSHARK COMPARE OPTS" XFLOWD ARGS...
# IPFIX to nfcapd and udpsink; nfdump and tshark judged with their own
# compare.py options (nfdump ignores enterprise elements, so tunnel keys
# and IIJ elements are judged by tshark only). Leaves $T/LABEL.tshark.csv.
export_split() {
    local label=$1 pcap=$2 truth=$3 nfo=$4 tso=$5 rc
    shift 5
    nfcapd_start "$label.nf" || { fail "$label: nfcapd did not start"; return 1; }
    sink_start "$label.sink" || { fail "$label: udpsink did not start"; return 1; }
    run_xflowd "$label" --read "$pcap" --collector "$(addr_of "$label.nf")" \
        --collector "$(addr_of "$label.sink")" --export ipfix --stats-file "$T/$label.stats.json" "$@"
    rc=$?
    collector_stop "$label.nf"
    collector_stop "$label.sink"
    if [ $rc != 0 ]; then
        fail "$label: xflowd exited $rc"
        show_err "$label"
        return 1
    fi
    nfdump_csv "$label.nf" "$T/$label.nfdump.csv"
    # shellcheck disable=SC2086
    check "$label: nfdump per-flow exact (IANA elements)" \
        "$PY" "$XF_HERE/compare.py" "$truth" "$T/$label.nfdump.csv" --label "$label nfdump" $nfo
    check "$label: tshark decodes every record, no malformed packet or expert warning" \
        "$PY" "$XF_HERE/cflow_records.py" "$T/$label.sink.pcap" "${COLL_PORT[$label.sink]}" "$T/$label.tshark.csv"
    # shellcheck disable=SC2086
    check "$label: tshark per-flow exact" \
        "$PY" "$XF_HERE/compare.py" "$truth" "$T/$label.tshark.csv" --format records --label "$label tshark" $tso
}
