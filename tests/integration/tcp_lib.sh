# shellcheck shell=bash
# tcp_lib.sh - helpers of test_tcp.sh and test_faults.sh (source after lib.sh):
# the TCP collector tcpsink.py, a dumpcap capture, and reading xflowd's
# --stats-file.

# tcpsink_start NAME [BIND] [PORT] [ARGS...] -> tcpsink.py writing
# $T/NAME.connK.pcap and $T/NAME.events; sets COLL_PORT[NAME], COLL_PID[NAME]
tcpsink_start() {
    local name=$1 bind=${2:-127.0.0.1} port=${3:-0}
    shift 3 2>/dev/null || shift $#
    rm -f "$T/$name.port"
    "$PY" "$XF_HERE/tcpsink.py" --out "$T/$name" --bind "$bind" --port "$port" \
        --port-file "$T/$name.port" "$@" 2>>"$T/$name.sink.log" &
    COLL_PID[$name]=$!
    XF_PIDS+=("$!")
    for _ in $(seq 200); do
        [ -s "$T/$name.port" ] && break
        kill -0 "${COLL_PID[$name]}" 2>/dev/null || break
        sleep 0.05
    done
    [ -s "$T/$name.port" ] || { echo "tcpsink did not start" >&2; cat "$T/$name.sink.log" >&2; return 1; }
    # shellcheck disable=SC2034  # lib.sh's tables
    COLL_PORT[$name]=$(cat "$T/$name.port") COLL_KIND[$name]=tcpsink COLL_BIND[$name]=$bind
}

# tcpsink_stop NAME [SIGNAL]: TERM (default) closes gracefully, reading all
# the exporter wrote; USR2 resets every connection
tcpsink_stop() {
    local name=$1 sig=${2:-TERM} pid=${COLL_PID[$1]}
    [ -n "$pid" ] || return 0
    kill -"$sig" "$pid" 2>/dev/null
    for _ in $(seq 300); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.05
    done
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    COLL_PID[$name]=
}

# tcpsink_pcaps NAME -> the per-connection pcaps, in connection order
tcpsink_pcaps() {
    local k=1
    while [ -f "$T/$1.conn$k.pcap" ]; do
        echo "$T/$1.conn$k.pcap"
        k=$((k + 1))
    done
}

# capture_start NAME IFACE FILTER -> dumpcap writing $T/NAME.cap (pcap)
capture_start() {
    local name=$1
    dumpcap -q -P -i "$2" -f "$3" -w "$T/$name.cap" >"$T/$name.dumpcap.log" 2>&1 &
    CAP_PID[$name]=$!
    XF_PIDS+=("$!")
    for _ in $(seq 200); do
        [ -s "$T/$name.cap" ] && return 0
        kill -0 "${CAP_PID[$name]}" 2>/dev/null || break
        sleep 0.05
    done
    cat "$T/$name.dumpcap.log" >&2
    return 1
}
capture_stop() {
    local pid=${CAP_PID[$1]}
    [ -n "$pid" ] || return 0
    sleep 0.3 # what the kernel already queued to dumpcap
    kill -INT "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    CAP_PID[$1]=
}
declare -A CAP_PID

# stat_of STATS.json EXPR -> a value of xflowd's stats, e.g.
# 'c[0]["dropped_records"]' (c: the collectors) or 's["flows_exported"]'
stat_of() {
    "$PY" - "$1" "$2" <<'EOF'
import json, sys
s = json.load(open(sys.argv[1]))
c = s["collectors"]
print(eval(sys.argv[2]))
EOF
}

# json_of FILE EXPR -> a value of a JSON file (j)
json_of() {
    "$PY" - "$1" "$2" <<'EOF'
import json, sys
j = json.load(open(sys.argv[1]))
print(eval(sys.argv[2]))
EOF
}

# cpu_ticks PID -> utime + stime of a process, in clock ticks
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null; }
# rss_kb PID FIELD -> VmRSS or VmHWM in kB
rss_kb() { awk -v f="$2:" '$1 == f {print $2}' "/proc/$1/status" 2>/dev/null; }
