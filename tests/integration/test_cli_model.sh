#!/usr/bin/env bash
# test_cli_model.sh - the command line runs as a one-monitor configuration
# (issue 15 item 3) and still speaks of itself as a command line: show
# running-config says there is no file, the exporters are named by the
# collectors as spelled (no "collector1", no "/udp" added), the stats
# file's "collector" values are those spellings with no "exporter", and a
# collector's messages name it as given.
. "$(dirname "$0")/lib.sh"
need_xflowd
need_xflowctl
need_cmd ip ss

live_pair xfcm
SOCK=$T/ctl.sock
ctl() { "$XFLOWCTL" -s "$SOCK" "$@"; }
UP=$(free_port)
TP=$(free_port)
"$XFLOWD" --interface "$A" --collector "127.0.0.1:$UP" --collector "localhost:$TP/tcp" \
    --export ipfix --sample 10 --control "$SOCK" --stats-file "$T/s.json" \
    >"$T/x.out" 2>"$T/x.err" &
XP=$!
XF_PIDS+=("$XP")
for _ in $(seq 100); do [ -S "$SOCK" ] && break; sleep 0.05; done
kill -0 $XP 2>/dev/null || { show_err x; fail "xflowd did not start"; finish; }
ctl show running-config >"$T/running" 2>&1
ctl show flow exporter >"$T/exporter" 2>&1
ctl show flow monitor >"$T/monitor" 2>&1
kill -INT $XP
wait $XP
rc=$?
check "exits 0 on SIGINT (rc=$rc)" [ "$rc" = 0 ]
check "show running-config: no configuration file" \
    grep -qx '% No configuration file (-f): xflowd runs from its command line' "$T/running"
check "show flow exporter: named by the collectors as spelled" \
    bash -c 'grep -qx "Flow Exporter 127.0.0.1:$2:" "$1" && grep -qx "Flow Exporter localhost:$3/tcp:" "$1" &&
        ! grep -q "collector1\|/udp" "$1"' _ "$T/exporter" "$UP" "$TP"
check "show flow monitor: monitor default, exporters as spelled" \
    bash -c 'grep -q "default" "$1" && grep -q "Flow Exporter: *127.0.0.1:$2\$" "$1" && ! grep -q "collector1" "$1"' \
    _ "$T/monitor" "$UP"
check "stats file: collectors as spelled, no exporter block" "$PY" -c '
import json, sys
s = json.load(open(sys.argv[1]))
c = [(x["collector"], x.get("exporter")) for x in s["collectors"]]
print(c)
sys.exit(c != [("127.0.0.1:" + sys.argv[2], None), ("localhost:%s/tcp" % sys.argv[3], None)])' "$T/s.json" "$UP" "$TP"
check "messages name the TCP collector as given, not as a file's exporter" \
    bash -c 'grep -q "^xflowd: collector localhost:$2/tcp: " "$1" && ! grep -q "command line:\|collector2" "$1"' \
    _ "$T/x.err" "$TP"

# a collector refused at start: named as --collector, not a file's line
run_xflowd bad --read /dev/null --collector nosuch.invalid:2055
rc=$?
check "an unresolvable collector: exit 2, '--collector' named (rc=$rc)" \
    bash -c '[ "$1" = 2 ] && grep -q "^xflowd: --collector .*nosuch.invalid:2055" "$2" &&
        ! grep -q "command line:" "$2"' _ "$rc" "$T/bad.err"
finish
