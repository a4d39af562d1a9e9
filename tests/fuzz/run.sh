#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# tests/fuzz/run.sh [SECONDS] - build the libFuzzer harnesses with clang and
# run each for SECONDS (default 60). Exits non-zero if any harness fails to
# build or finds a crash, a leak, a sanitizer report or a hang; the input
# that did it is left in build/fuzz/ as crash-*, leak-* or timeout-*.
#
#   fuzz_parse     link header + parse.h + meter_packet + flow cache
#   fuzz_xfdecode  tools/xfdecode's xfd_decode()
#
# Seeds: tests/fuzz/corpus/{parse,xfdecode} (tests/fuzz/mkseeds.py writes
# them), plus packets of a handful of captures from ../shared/corpus/tcpdump
# when it exists. New inputs libFuzzer finds go to build/fuzz/work-*.
set -u

secs=${1:-60}
case $secs in
'' | *[!0-9]*) echo "usage: $0 [SECONDS]" >&2; exit 2 ;;
esac

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 2
out=build/fuzz
mkdir -p "$out"
CLANG=${CLANG:-clang}
FLAGS="-g -O1 -fsanitize=fuzzer,address,undefined"
# UBSan reports are crashes too, not warnings
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
rc=0
summary=""

# Captures whose packets seed fuzz_parse: Ethernet with VLANs, IPv6
# extension headers, jumbograms, fragments, PPPoE, and a few other links.
PCAPS="802.1ad_QinQ.pcap bigtcp-ipv6-hbh.pcap ipv6-routing-header.pcap
ipv6_jumbogram_1.pcap ipv6-too-long-jumbo.pcap ip6_frag_asan.pcap
ipv6_frag6_negative_len.pcap OSPFv3_with_AH.pcap pppoe.pcap dns_tcp.pcap
icmpv6.pcap heapoverflow-tcp_print.pcap gre-heapoverflow-1.pcap
loopback.pcap ppp_ip_udp_dns.pcap LINKTYPE_IPV4.pcap LINKTYPE_IPV6.pcap
LINKTYPE_RAW_ipv4.pcap LINKTYPE_RAW_ipv6.pcap"
tcpdump=../shared/corpus/tcpdump
seeds_pcap=$out/seeds-pcap
rm -rf "$seeds_pcap"
mkdir -p "$seeds_pcap"
if [ -d "$tcpdump" ]; then
	files=""
	for f in $PCAPS; do
		[ -f "$tcpdump/$f" ] && files="$files $tcpdump/$f"
	done
	if [ -n "$files" ]; then
		# shellcheck disable=SC2086 # one argument per file
		python3 tests/fuzz/pcap2seeds.py "$seeds_pcap" $files ||
			echo "fuzz: could not extract pcap seeds" >&2
	fi
else
	echo "fuzz: $tcpdump not found: crafted seeds only"
fi

# run NAME SEEDDIR...: fuzz for $secs seconds, record the outcome.
run() {
	name=$1
	shift
	work=$out/work-$name
	log=$out/$name.log
	mkdir -p "$work"
	echo "  FUZZ   $name for ${secs}s (log: $log)"
	"$out/$name" -max_total_time="$secs" -timeout=10 -max_len=4096 \
		-rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$out/" "$work" "$@" >"$log" 2>&1
	st=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" |
		tail -n 1)
	cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1)
	if [ $st -ne 0 ]; then
		echo "fuzz: $name FAILED (exit $st); tail of $log:" >&2
		tail -n 40 "$log" >&2
		rc=1
		summary="$summary
  $name: FAILED after ${execs:-?} executions"
	else
		summary="$summary
  $name: ${execs:-?} executions in ${secs}s, ${cov:-cov: ?}, no crash"
	fi
}

echo "  CC     $out/fuzz_parse"
if $CLANG $FLAGS -I. meter/link.c meter/meter.c meter/flowcache.c \
	tests/fuzz/fuzz_parse.c -o "$out/fuzz_parse"; then
	run fuzz_parse tests/fuzz/corpus/parse "$seeds_pcap"
else
	echo "fuzz: fuzz_parse does not build" >&2
	rc=1
fi

echo "  CC     $out/fuzz_xfdecode"
if $CLANG $FLAGS -Itools/xfdecode tools/xfdecode/decode.c \
	tools/xfdecode/json.c tools/xfdecode/names.c \
	tests/fuzz/fuzz_xfdecode.c -o "$out/fuzz_xfdecode" -lm; then
	run fuzz_xfdecode tests/fuzz/corpus/xfdecode
else
	echo "fuzz: fuzz_xfdecode does not build" >&2
	rc=1
fi

echo "fuzz summary:$summary"
exit $rc
