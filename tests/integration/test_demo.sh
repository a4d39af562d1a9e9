#!/usr/bin/env bash
# test_demo.sh - `make demo`'s script: exits 0 and shows every flow of the
# bundled capture, through xfdecode (IPFIX) and nfdump (v9). Regression: it
# used to exit 2 when its cleanup found no collector left to kill.
. "$(dirname "$0")/lib.sh"
need_xflowd
need_cmd nfcapd nfdump
B=$(dirname "$XFLOWD")
[ -x "$B/xfdecode" ] || skip "xfdecode not built ($B/xfdecode)"
"$XF_ROOT/tools/demo.sh" "$B" >"$T/demo.out" 2>&1
rc=$?
check "demo exits 0 (rc=$rc)" [ "$rc" = 0 ]
ntruth=$(($(wc -l <"$XF_ROOT/tests/data/demo.csv") - 1))
check "xfdecode shows the $ntruth flows of the capture" \
	grep -q "^\.\.\. $ntruth flow records" "$T/demo.out"
check "nfdump shows the $ntruth flows" \
	grep -q "total flows: $ntruth," "$T/demo.out"
finish
