#!/usr/bin/env bash
# run.sh - run every tests/integration/test_*.sh (or the ones named), print one
# PASS/FAIL/SKIP line each and a summary; exit 1 if any failed.
# A test exits 0 (pass), 77 (skip) or anything else (fail). The output of failed
# tests is printed; all logs stay in $LOGDIR (default: a temp dir, printed).
# Environment: XFLOWD (binary, default build/xflowd), VERBOSE=1, KEEP=1.
HERE=$(cd "$(dirname "$0")" && pwd)
LOGDIR=${LOGDIR:-$(mktemp -d "${TMPDIR:-/tmp}/xflowd-integration.XXXXXX")}
mkdir -p "$LOGDIR"
if [ $# -gt 0 ]; then
    tests=()
    for t in "$@"; do
        case $t in */*) tests+=("$t") ;; test_*) tests+=("$HERE/${t%.sh}.sh") ;; *) tests+=("$HERE/test_$t.sh") ;; esac
    done
else
    tests=("$HERE"/test_*.sh)
fi
np=0 nf=0 ns=0 failed=()
for t in "${tests[@]}"; do
    name=$(basename "${t%.sh}")
    t0=$(date +%s.%N)
    bash "$t" >"$LOGDIR/$name.log" 2>&1 </dev/null
    rc=$?
    dt=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b - a}')
    if [ $rc = 0 ] && grep -q '^SKIP:' "$LOGDIR/$name.log"; then
        rc=77
    fi
    case $rc in
    0) np=$((np + 1)); printf 'PASS %-20s %6ss\n' "$name" "$dt" ;;
    77) ns=$((ns + 1)); printf 'SKIP %-20s %6ss  %s\n' "$name" "$dt" "$(grep -m1 '^SKIP:' "$LOGDIR/$name.log" | cut -c7-)" ;;
    *) nf=$((nf + 1)); failed+=("$name"); printf 'FAIL %-20s %6ss  (exit %d)\n' "$name" "$dt" "$rc" ;;
    esac
    if [ "${VERBOSE:-0}" = 1 ] || { [ $rc != 0 ] && [ $rc != 77 ]; }; then
        sed 's/^/    | /' "$LOGDIR/$name.log"
    fi
done
echo "integration: logs in $LOGDIR"
[ $nf -gt 0 ] && echo "integration: failed: ${failed[*]}"
echo "$np passed, $nf failed, $ns skipped"
[ $nf = 0 ]
