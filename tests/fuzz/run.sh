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
#   fuzz_netlink   netlink/ifinfo.c's ifinfo_handle() (rtnetlink datagrams)
#   fuzz_route     netlink/route.c's route_handle() (routes, links, addresses)
#   fuzz_pcapng    meter/pcapng.c, read from memory and from a stream
#   fuzz_bgp       bgp/: a stream of BGP messages parsed and applied to a
#                  RIB (seeds: tests/fuzz/corpus/bgp, from mkbgpseeds.py)
#   fuzz_config    config/config*.c: a configuration file's text, and its
#                  dump parsed back (seeds: tests/config and examples;
#                  words from tests/fuzz/config.dict)
#
# Seeds: tests/fuzz/corpus/{parse,xfdecode} (tests/fuzz/mkseeds.py writes
# them), tests/fuzz/corpus/netlink (tests/fuzz/mknlseeds.py), plus packets
# of a handful of captures from ../shared/corpus/tcpdump when it exists.
# New inputs libFuzzer finds go to build/fuzz/work-* and seed the next run.
# fuzz_pcapng's seeds: tests/data/*.pcapng, the pcapng files of that
# corpus, and the crafted files tests/fuzz/pcapng_seeds.py writes.
# tests/fuzz/README lists the seeds and the long runs recorded.
#
# Environment:
#   FUZZ_OUT=DIR    instead of build/fuzz
#   FUZZ_ONLY=NAME  build them all, run only that harness
#   FUZZ_RUNS=N     run each harness for N executions with no time limit
#                   (SECONDS is then ignored), for the long recorded runs
#   FUZZ_SAN=LIST   sanitizers besides fuzzer: address,undefined (the
#                   default), undefined or address
#
# The edit distances behind "did you mean" (cfg_distance, ie_edit_distance)
# are built without coverage instrumentation. Their branches, taken cell by
# cell of a table, say how alike two words are, not what the input is, and
# their coverage callbacks took most of fuzz_config's time. The sanitizers
# still check them.
set -u

secs=${1:-60}
case $secs in
'' | *[!0-9]*) echo "usage: $0 [SECONDS]" >&2; exit 2 ;;
esac
runs=${FUZZ_RUNS:-}
case $runs in
*[!0-9]*) echo "$0: FUZZ_RUNS='$runs': expected a number" >&2; exit 2 ;;
esac
san=${FUZZ_SAN:-address,undefined}
case $san in
address,undefined | undefined,address | undefined | address) ;;
*)
	echo "$0: FUZZ_SAN='$san': expected address,undefined, undefined" \
		"or address" >&2
	exit 2
	;;
esac

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 2
out=${FUZZ_OUT:-build/fuzz}
only=${FUZZ_ONLY:-}
mkdir -p "$out"
CLANG=${CLANG:-clang}
nocov=$out/nocov.txt
printf 'fun:cfg_distance\nfun:ie_edit_distance\n' >"$nocov"
FLAGS="-g -O1 -fsanitize=fuzzer,$san -fsanitize-coverage-ignorelist=$nocov"
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

# run NAME SEEDDIR...: fuzz for $secs seconds (or $runs executions),
# record the outcome.
run() {
	name=$1
	shift
	[ -n "$only" ] && [ "$only" != "$name" ] && return 0
	work=$out/work-$name
	log=$out/$name.log
	mkdir -p "$work"
	if [ -n "$runs" ]; then
		echo "  FUZZ   $name for $runs executions, $san (log: $log)"
		limit="-runs=$runs"
	else
		echo "  FUZZ   $name for ${secs}s (log: $log)"
		limit="-max_total_time=$secs"
	fi
	t0=$(date +%s)
	"$out/$name" "$limit" -timeout=10 -max_len=4096 \
		-rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$out/" "$work" "$@" >"$log" 2>&1
	st=$?
	[ -n "$runs" ] && secs=$(($(date +%s) - t0))
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
if $CLANG $FLAGS -I. meter/link.c meter/meter.c meter/flowcache.c meter/sampler.c \
	templates/templates.c templates/ie.c \
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

seeds_ng=$out/seeds-pcapng
rm -rf "$seeds_ng"
mkdir -p "$seeds_ng"
for f in tests/data/*.pcapng "$tcpdump"/*.pcapng; do
	[ -f "$f" ] && cp "$f" "$seeds_ng/"
done
python3 tests/fuzz/pcapng_seeds.py "$seeds_ng" ||
	echo "fuzz: could not write the crafted pcapng seeds" >&2
echo "  CC     $out/fuzz_pcapng"
if $CLANG $FLAGS -I. meter/pcapng.c meter/link.c meter/meter.c \
	meter/flowcache.c meter/sampler.c templates/templates.c templates/ie.c \
	tests/fuzz/fuzz_pcapng.c -o "$out/fuzz_pcapng"; then
	run fuzz_pcapng "$seeds_ng"
else
	echo "fuzz: fuzz_pcapng does not build" >&2
	rc=1
fi

echo "  CC     $out/fuzz_netlink"
MNL_LIBS=$(pkg-config --libs libmnl 2>/dev/null || echo -lmnl)
# shellcheck disable=SC2086 # MNL_LIBS may be several words
if $CLANG $FLAGS -I. netlink/ifinfo.c netlink/nlsock.c \
	tests/fuzz/fuzz_netlink.c -o "$out/fuzz_netlink" $MNL_LIBS; then
	run fuzz_netlink tests/fuzz/corpus/netlink
else
	echo "fuzz: fuzz_netlink does not build" >&2
	rc=1
fi

echo "  CC     $out/fuzz_route"
# shellcheck disable=SC2086 # MNL_LIBS may be several words
if $CLANG $FLAGS -I. netlink/route.c netlink/nlsock.c tests/fuzz/fuzz_route.c \
	-o "$out/fuzz_route" $MNL_LIBS; then
	run fuzz_route tests/fuzz/corpus/route
else
	echo "fuzz: fuzz_route does not build" >&2
	rc=1
fi

echo "  CC     $out/fuzz_bgp"
if $CLANG $FLAGS -I. bgp/msg.c bgp/update.c bgp/attr.c bgp/rib.c \
	bgp/apply.c \
	tests/fuzz/fuzz_bgp.c -o "$out/fuzz_bgp"; then
	run fuzz_bgp tests/fuzz/corpus/bgp
else
	echo "fuzz: fuzz_bgp does not build" >&2
	rc=1
fi

seeds_cfg=$out/seeds-config
rm -rf "$seeds_cfg"
mkdir -p "$seeds_cfg"
# named by folder: tests/config/ok and examples share file names
for f in tests/config/err/*.conf tests/config/ok/*.conf examples/*.conf; do
	d=${f%/*}
	cp "$f" "$seeds_cfg/${d##*/}-${f##*/}"
done
# the IOS seeds' interface names bind through this fake host's aliases
export XFLOWD_SYSFS_NET="$PWD/tests/config/sysnet"
echo "  CC     $out/fuzz_config"
# the exporter sources: the check that templates fit the MTU asks it
if $CLANG $FLAGS -I. config/config*.c common/safefile.c templates/ie.c \
	templates/ie_fnf.c templates/templates.c export/*.c common/log.c \
	tests/fuzz/fuzz_config.c -o "$out/fuzz_config"; then
	run fuzz_config -dict=tests/fuzz/config.dict "$seeds_cfg"
else
	echo "fuzz: fuzz_config does not build" >&2
	rc=1
fi

echo "fuzz summary:$summary"
exit $rc
