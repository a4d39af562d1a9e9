#!/usr/bin/env bash
# tests/tsan.sh BUILD_DIR - the tests whose xflowd runs worker threads
# (test_afxdp's 4-queue port, test_ebpf's rings, xflowctl against them,
# test_workers' reloads, test_monitors' monitors reloaded and removed),
# with xflowd built under ThreadSanitizer. A data race makes xflowd exit 66,
# which the tests' exit-status checks catch; the reports are printed.
set -u
[ $# -eq 1 ] || { echo "usage: $0 BUILD_DIR" >&2; exit 2; }
B=$1
[ -x "$B/xflowd" ] || { echo "tsan: $B/xflowd not built" >&2; exit 2; }
# xflowd runs as nobody after setup: the report directory is everyone's
LOGS=$(mktemp -d /tmp/xflowd-tsan.XXXXXX)
chmod 1777 "$LOGS"
TSAN_OPTIONS="log_path=$LOGS/tsan exitcode=66 halt_on_error=0" \
    XFLOWD=$(realpath "$B/xflowd") XFLOWCTL=$(realpath "$B/xflowctl") \
    tests/integration/run.sh afxdp ebpf workers monitors
rc=$?
if ls "$LOGS"/tsan.* >/dev/null 2>&1; then
    echo "tsan: ThreadSanitizer reports:"
    cat "$LOGS"/tsan.*
    rc=1
fi
rm -rf "$LOGS"
exit $rc
