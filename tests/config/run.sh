#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# tests/config/run.sh XFLOWD - golden tests of the configuration file,
# through the real binary's --check-config:
#
#   err/NAME.conf  exits 2, prints nothing on stdout and exactly
#                  err/NAME.err on stderr (every message the parser has)
#   ok/NAME.conf   exits 0, prints nothing on stderr and exactly ok/NAME.out
#                  on stdout with -v (the configuration as read, defaults
#                  spelled out), and that output parses to itself again
#   examples/*.conf  "FILE: configuration OK", exit 0
#
# and the cases a file in git cannot hold (missing, a directory, too
# large) or that are about the options. UPDATE=1 rewrites the expected
# files from what xflowd prints now: review the diff before committing.
set -u

xflowd=${1:?usage: $0 XFLOWD}
case $xflowd in
/*) ;;
*) xflowd=$(pwd)/$xflowd ;;
esac
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
# IOS interface names bind through the aliases of this fake host
XFLOWD_SYSFS_NET=$here/sysnet
export XFLOWD_SYSFS_NET
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
n=0

bad() {
	echo "config-test: $*" >&2
	fail=1
}

# expect DIR FILE RC EXPECTED_OUT EXPECTED_ERR ARGS...: run xflowd ARGS in
# DIR; EXPECTED_* are files ('-' for empty)
expect() {
	dir=$1 name=$2 rc=$3 out=$4 err=$5
	shift 5
	n=$((n + 1))
	(cd "$dir" && "$xflowd" "$@" >"$tmp/out" 2>"$tmp/err")
	got=$?
	if [ "${UPDATE:-0}" = 1 ]; then
		[ "$out" != - ] && cp "$tmp/out" "$out"
		[ "$err" != - ] && cp "$tmp/err" "$err"
	fi
	[ "$got" = "$rc" ] || bad "$name: exit $got, expected $rc"
	for s in out err; do
		want=$err
		[ $s = out ] && want=$out
		if [ "$want" = - ]; then
			[ -s "$tmp/$s" ] || continue
			bad "$name: unexpected std$s:"
			cat "$tmp/$s" >&2
		elif ! diff -u "$want" "$tmp/$s" >"$tmp/diff"; then
			bad "$name: std$s differs from $want:"
			cat "$tmp/diff" >&2
		fi
	done
}

for conf in "$here"/err/*.conf; do
	base=${conf%.conf}
	name=$(basename "$conf")
	[ -f "$base.err" ] || [ "${UPDATE:-0}" = 1 ] ||
		bad "$name: no $(basename "$base").err"
	expect "$here/err" "err/$name" 2 - "$base.err" -f "$name" \
		--check-config
done

for conf in "$here"/ok/*.conf; do
	base=${conf%.conf}
	name=$(basename "$conf")
	expect "$here/ok" "ok/$name" 0 "$base.out" - -f "$name" \
		--check-config -v
	# the dump is a configuration too: it reads back as itself
	sed 1d "$base.out" >"$tmp/dump.conf"
	(cd "$tmp" && "$xflowd" -f dump.conf --check-config -v) \
		>"$tmp/dump.out" 2>&1 || bad "ok/$name: its dump does not parse"
	sed 1,2d "$tmp/dump.out" >"$tmp/dump2.conf"
	sed 1,2d "$base.out" >"$tmp/dump1.conf"
	# the line numbers differ, an IOS file's skipped lines are told in
	# comments; the blocks and their settings must not differ
	sed -e 's/ # line [0-9]*//' -e '/^#/d' "$tmp/dump1.conf" >"$tmp/a"
	sed -e 's/ # line [0-9]*//' -e '/^#/d' "$tmp/dump2.conf" >"$tmp/b"
	diff -u "$tmp/a" "$tmp/b" >"$tmp/diff" ||
		{ bad "ok/$name: the dump reads back differently:"; cat "$tmp/diff" >&2; }
done

for conf in "$root"/examples/*.conf; do
	name=examples/$(basename "$conf")
	echo "$name: configuration OK" >"$tmp/ok"
	expect "$root" "$name" 0 "$tmp/ok" - -f "$name" --check-config
done

# what git cannot hold
printf 'exporter c1\n' >"$tmp/big.conf"
head -c 1048577 /dev/zero | tr '\0' '#' >>"$tmp/big.conf"
printf 'big.conf: larger than 1048576 octets: is this a configuration file?\n' \
	>"$tmp/big.err"
expect "$tmp" big.conf 2 - "$tmp/big.err" -f big.conf --check-config

printf 'missing.conf: cannot open: No such file or directory\n' \
	>"$tmp/missing.err"
expect "$tmp" missing.conf 2 - "$tmp/missing.err" -f missing.conf \
	--check-config

mkdir "$tmp/dir.conf"
printf 'dir.conf is a directory: give a regular file\n' >"$tmp/dir.err"
expect "$tmp" dir.conf 2 - "$tmp/dir.err" -f dir.conf --check-config
# a FIFO: refused at once, never waited on for a writer
mkfifo "$tmp/fifo.conf"
printf 'fifo.conf is a FIFO: refused (reading it could block); give a regular file\n' >"$tmp/fifo.err"
expect "$tmp" fifo.conf 2 - "$tmp/fifo.err" -f fifo.conf --check-config

# the options
printf 'xflowd: --check-config needs -f FILE\n' >"$tmp/nof.err"
expect "$tmp" --check-config 2 - "$tmp/nof.err" --check-config
cp "$root/examples/cisco-lab.conf" "$tmp/run.conf"
printf '%s\n' "xflowd: --source-port: with -f, give it in the exporter block (source-port PORT)" \
	>"$tmp/run.err"
expect "$tmp" "-f with --source-port" 2 - "$tmp/run.err" -f run.conf \
	--source-port 4739 --check-config

# --bgp-* with -f: added to a file without a bgp block (an IOS
# running-config has no place for it), refused with one that has its own
BGPOPT="--bgp-local-as 64512 --bgp-router-id 192.0.2.1 --bgp-listen 127.0.0.1,1179 --bgp-neighbor 127.0.0.1:65010"
cp "$here/ok/bgp.conf" "$here/ok/ios-bgp.conf" "$tmp/"
printf '%s\n' "xflowd: bgp.conf:9: the file has a bgp block and the command line --bgp-* options: give the BGP settings in one place (the file's block, or the options with a file without one)" \
	>"$tmp/bgpmix.err"
# shellcheck disable=SC2086
expect "$tmp" "-f bgp.conf with --bgp-*" 2 - "$tmp/bgpmix.err" -f bgp.conf \
	$BGPOPT --check-config
{ sed -n 1,2p "$here/ok/ios-bgp.out"; sed -n '3,$p' "$here/ok/ios-bgp.out" | sed '/^# IOS/,$d'
  printf '%s\n' "bgp # line 0" "    local-as 64512" "    router-id 192.0.2.1" \
	"    listen 127.0.0.1 port 1179" "    neighbor 127.0.0.1 remote-as 65010" \
	"    hold-time 90" "    stale-time 360" "    wait-end-of-rib 30"
  sed -n '/^# IOS/,$p' "$here/ok/ios-bgp.out"; } >"$tmp/iosbgp.out"
# shellcheck disable=SC2086
expect "$tmp" "-f ios-bgp.conf with --bgp-*" 0 "$tmp/iosbgp.out" - \
	-f ios-bgp.conf $BGPOPT --check-config -v
printf '%s\n' "xflowd: --bgp-neighbor remote-as '0': expected a number from 1 to 4294967295" \
	>"$tmp/bgpas.err"
expect "$tmp" "--bgp-neighbor 127.0.0.1:0" 2 - "$tmp/bgpas.err" \
	-f ios-bgp.conf --bgp-neighbor 127.0.0.1:0 --check-config
printf '%s\n' "xflowd: --bgp-router-id A.B.C.D missing: a BGP session needs --bgp-local-as N, --bgp-router-id A.B.C.D and --bgp-neighbor ADDRESS:AS (repeatable)" \
	>"$tmp/bgprid.err"
expect "$tmp" "--bgp-local-as alone" 2 - "$tmp/bgprid.err" \
	-f ios-bgp.conf --bgp-local-as 64512 --check-config
printf '%s\n' "xflowd: --as: with -f, give it in the exporter block (as origin|peer) or IOS's 'ip flow-export version 5 origin-as|peer-as'" \
	>"$tmp/as.err"
expect "$tmp" "-f with --as" 2 - "$tmp/as.err" -f ios-bgp.conf --as peer \
	--check-config

# the dialect told by the content, or forced
printf 'interface s1/0\n ip flow ingress\n' >"$tmp/snippet.conf"
printf '%s\n' "snippet.conf:1: 's1/0' is not an interface name: 1 to 15 characters, no '/', ':' or spaces" \
	"snippet.conf:2: unknown interface setting 'ip': expected description, monitor, capture or promiscuous" \
	>"$tmp/snippet.err"
expect "$tmp" "snippet.conf, xflowd's dialect" 2 - "$tmp/snippet.err" \
	-f snippet.conf --check-config
printf '%s\n' "snippet.conf:2: ip flow on an interface without 'ip flow-export destination ADDR PORT': add one" \
	>"$tmp/snippet-ios.err"
expect "$tmp" "snippet.conf --config-dialect ios" 2 - "$tmp/snippet-ios.err" \
	-f snippet.conf --config-dialect ios --check-config
printf 'xflowd: --config-dialect '"'"'cisco'"'"': expected xflowd or ios\n' \
	>"$tmp/dialect.err"
expect "$tmp" "--config-dialect cisco" 2 - "$tmp/dialect.err" \
	-f snippet.conf --config-dialect cisco --check-config

# monitors no interface names run with --read only
printf 'exporter c\n    destination 127.0.0.1\nmonitor m\n    exporter c\n' \
	>"$tmp/unattached.conf"
echo "unattached.conf: configuration OK" >"$tmp/unattached.ok"
expect "$tmp" "unattached.conf --check-config" 0 "$tmp/unattached.ok" - \
	-f unattached.conf --check-config
printf '%s\n' "xflowd: unattached.conf: no interface names a monitor: nothing to observe (attach one: 'monitor NAME input' in an interface block), or give --read FILE" \
	>"$tmp/unattached.err"
expect "$tmp" "unattached.conf, run" 2 - "$tmp/unattached.err" \
	-f unattached.conf

if [ $fail = 0 ]; then
	echo "  CONFIG $n golden tests passed"
else
	echo "config-test: FAILED" >&2
fi
exit $fail
