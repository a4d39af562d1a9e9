#!/usr/bin/env bash
# test_files.sh - files another local user can plant. --stats-file in a
# sticky world-writable directory (a /tmp of the test's own): a symbolic
# link, a FIFO and a regular file planted there by nobody are refused at
# start with exit 2 naming the path and why (the link's target untouched,
# no hang); a fresh file is created mode 0640. A FIFO or device as the
# configuration file is refused within a second on start, --check-config
# and reload (SIGHUP to a live xflowd whose -f file became a FIFO: the
# refusal is logged, xflowd runs on and meters every packet); a symbolic
# link to a regular configuration file is followed.
. "$(dirname "$0")/lib.sh"
need_xflowd
need_scapy
need_cmd setpriv mkfifo
need_xflowctl
[ "$(id -u)" = 0 ] || skip "needs root (plants files as nobody)"
id nobody >/dev/null 2>&1 || skip "no user nobody"

# as_nobody CMD...: another local user, no group of ours
as_nobody() { setpriv --reuid nobody --regid "$(id -g nobody)" --clear-groups "$@"; }

"${XFGEN[@]}" -o "$T/f.pcap" -t "$T/f.csv" --scenario mixed --seed 14 --flows 40 --packets 300 \
    2>/dev/null || { fail "xfgen"; finish; }
chmod 0644 "$T/f.pcap"
C="--collector 127.0.0.1:$(free_port 4)"
# the test's /tmp: nobody can write into it and traverse to it
chmod 0711 "$T"
mkdir -m 1777 "$T/pub"
echo precious >"$T/target"
chmod 0644 "$T/target"

# refused LABEL WHY PATH: --stats-file PATH exits 2 at once, naming it
refused() {
    local label=$1 why=$2 path=$3 rc t0 t1
    t0=$(date +%s%N)
    run_xflowd "$label" --read "$T/f.pcap" $C --stats-file "$path"
    rc=$?
    t1=$(date +%s%N)
    check "$label: exit 2 (rc=$rc) within a second ($(((t1 - t0) / 1000000)) ms)" \
        test "$rc" = 2 -a $((t1 - t0)) -lt 1000000000
    check "$label: the message names the path and says '$why'" \
        grep -F -- "--stats-file $path is $why: refused" "$T/$label.err"
}

as_nobody ln -s "$T/target" "$T/pub/link.json"
refused symlink "a symbolic link" "$T/pub/link.json"
check "symlink: its target untouched" bash -c '[ "$(cat "$1")" = precious ]' _ "$T/target"

as_nobody mkfifo "$T/pub/fifo.json"
refused fifo "a FIFO" "$T/pub/fifo.json"

as_nobody touch "$T/pub/planted.json"
refused planted "a file owned by another user (uid $(id -u nobody))" "$T/pub/planted.json"

refused chardev "a character device" /dev/null

run_xflowd fresh --read "$T/f.pcap" $C --stats-file "$T/pub/fresh.json"
rc=$?
check "a fresh stats file: exit 0 (rc=$rc)" [ "$rc" = 0 ]
check "a fresh stats file: mode 0640, owned by root, JSON" bash -c \
    '[ "$(stat -c %a:%u "$1")" = 640:0 ] && "$2" -c "import json,sys; json.load(open(sys.argv[1]))" "$1"' \
    _ "$T/pub/fresh.json" "$PY"
# written again: the file of a previous run is ours, truncated, not refused
run_xflowd again --read "$T/f.pcap" $C --stats-file "$T/pub/fresh.json"
rc=$?
check "the stats file of a previous run is rewritten (rc=$rc)" bash -c \
    '[ "$1" = 0 ] && "$2" -c "import json,sys; json.load(open(sys.argv[1]))" "$3"' \
    _ "$rc" "$PY" "$T/pub/fresh.json"

# the configuration file
cat >"$T/x.conf" <<EOF
exporter nf
    destination 127.0.0.1
    transport udp ${C##*:}
monitor m
    template ipv4-five-tuple
    template ipv6-five-tuple
    exporter nf
EOF
mkfifo "$T/conf.fifo"
# conf_refused LABEL ARGS...: exit 2 within a second, the file named
conf_refused() {
    local label=$1 path=$2 rc t0 t1
    shift 2
    t0=$(date +%s%N)
    XF_TIMEOUT=5 run_xflowd "$label" -f "$path" "$@"
    rc=$?
    t1=$(date +%s%N)
    check "$label: exit 2 (rc=$rc) within a second ($(((t1 - t0) / 1000000)) ms)" \
        test "$rc" = 2 -a $((t1 - t0)) -lt 1000000000
    check "$label: the refusal names the file" grep -F "$path is a" "$T/$label.err"
}
conf_refused conf-start "$T/conf.fifo" --read "$T/f.pcap"
conf_refused conf-check "$T/conf.fifo" --check-config
conf_refused conf-null /dev/null --check-config
ln -s "$T/x.conf" "$T/link.conf"
run_xflowd conf-link -f "$T/link.conf" --check-config
rc=$?
check "a symbolic link to a regular configuration file is followed (rc=$rc)" [ "$rc" = 0 ]

# reload: the -f file of a running xflowd replaced by a FIFO
need_cmd ip tcpreplay
live_pair xffl
{ cat "$T/x.conf"; printf 'interface %s\n    monitor m input\n' "$A"; } >"$T/live.conf"
"$XFLOWD" -f "$T/live.conf" --control "$T/ctl.sock" >"$T/live.out" 2>"$T/live.err" &
XP=$!
XF_PIDS+=("$XP")
# its capture is open once its packet socket has the real filter (libpcap
# first sets a reject-all one while it drains the socket), as test_faults
capture_ready() {
    ss -0 -b -p 2>/dev/null | awk -v p="pid=$1," 'f && match($0, /bpf filter \([0-9]+\)/) &&
        substr($0, RSTART + 12, RLENGTH - 13) + 0 > 1 {ok = 1} {f = index($0, p) > 0} END {exit !ok}'
}
for _ in $(seq 200); do
    capture_ready $XP && break
    kill -0 $XP 2>/dev/null || break
    sleep 0.05
done
check "live xflowd started, its capture open" capture_ready $XP
ip netns exec "$NS" tcpreplay -q -i "$B" --pps 300 "$T/f.pcap" >"$T/tcpreplay.log" 2>&1 &
RP=$!
rm "$T/live.conf"
mkfifo "$T/live.conf"
t0=$(date +%s%N)
kill -HUP $XP
for _ in $(seq 100); do
    grep -q "not loaded" "$T/live.err" && break
    sleep 0.01
done
t1=$(date +%s%N)
check "reload of a FIFO: refused within a second ($(((t1 - t0) / 1000000)) ms)" bash -c \
    'grep -F "$1 is a FIFO: refused" "$2" && grep -q "reload: .* not loaded, running on" "$2" && [ "$3" -lt 1000000000 ]' \
    _ "$T/live.conf" "$T/live.err" $((t1 - t0))
wait $RP
check "xflowd runs on" kill -0 $XP
# metering went on: every replayed packet is counted (packets still in
# the socket at SIGTERM are not waited for, so ask until they are)
TRUTH=$("$PY" -c 'import csv,sys; print(sum(int(r["packets"]) for r in csv.DictReader(open(sys.argv[1]))))' "$T/f.csv")
metered() {
    "$XFLOWCTL" -s "$T/ctl.sock" --json show statistics 2>/dev/null |
        "$PY" -c 'import json,sys; print(json.load(sys.stdin)["metered"])' 2>/dev/null
}
for _ in $(seq 100); do
    [ "$(metered)" = "$TRUTH" ] && break
    sleep 0.05
done
check "every packet replayed across the reload was metered ($(metered) of $TRUTH)" \
    [ "$(metered)" = "$TRUTH" ]
kill -TERM $XP
wait $XP
rc=$?
check "SIGTERM: exit 0 (rc=$rc)" [ "$rc" = 0 ]
finish
