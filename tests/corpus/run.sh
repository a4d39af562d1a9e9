#!/usr/bin/env bash
# Corpus test: every capture of the tcpdump test suite through xflowd.
#
#   tests/corpus/run.sh [CORPUS_DIR] [-- corpus_check.py options/files]
#
# CORPUS_DIR defaults to ../shared/corpus/tcpdump (relative to the repo
# root); if it is absent the test is skipped (exit 77).  XFLOWD overrides
# the binary (default build/xflowd), TSHARK the dissector, CORPUS_JOBS the
# parallelism (default 2).
#
# Each file must be processed (exit 0) or refused (exit 1, a message with
# "link type"), without a crash (signal, exit > 128, sanitizer report) or a
# hang (20 s).  For Ethernet (1), Linux cooked (113, 276) and raw IP
# (12, 14, 101, 228, 229) files the exported IPFIX flows must equal the
# flows tshark_flows.py derives from tshark's dissection, per key (packets,
# octets), except for differences explained in known_differences.txt.
# Only failures get a line of their own; a summary closes the output.
# Exit 0 all good, 1 any failure, 77 skipped.
set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

corpus=$root/../shared/corpus/tcpdump
case ${1:-} in
"" | -*) ;;
*) corpus=$1; shift ;;
esac
[ "${1:-}" = "--" ] && shift

if [ ! -d "$corpus" ]; then
	echo "SKIP: ../shared/corpus absent"
	exit 77
fi

xflowd=${XFLOWD:-$root/build/xflowd}
tshark=${TSHARK:-tshark}
case $xflowd in
/*) ;;
*) xflowd=$(pwd)/$xflowd ;;
esac

if [ ! -x "$xflowd" ]; then
	echo "FAIL: $xflowd not found or not executable (build it, or set XFLOWD)"
	exit 1
fi
for tool in "$tshark" python3; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "FAIL: $tool not installed (apt-get install tshark python3)"
		exit 1
	fi
done

exec python3 "$here/corpus_check.py" --corpus "$corpus" --xflowd "$xflowd" \
	--tshark "$tshark" --jobs "${CORPUS_JOBS:-2}" "$@"
