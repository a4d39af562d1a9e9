#!/usr/bin/env bash
# test_ifinfo.sh - the interface table (netlink/ifinfo.c) against a live kernel:
# in a namespace of our own, a veth pair, an IPv4 and an IPv6 vxlan on it and a
# macvlan; tests/tools/ifinfo_watch prints the table on every change. Checked:
# kinds, parents (the veth peer is not one), phys names, tunnel endpoints;
# then a rename, an alias, a delete, a new bridge and a renamed parent each show
# up; the (ifindex, name) set equals `ip -o link`'s; the datagrams the watcher
# saved, replayed into an empty table, give the same table; and a watcher with
# a tiny receive buffer, stopped while 60 interfaces come and go, overflows
# (ENOBUFS), re-dumps and ends up with exactly the kernel's interfaces.
. "$(dirname "$0")/lib.sh"
WATCH=${IFINFO_WATCH:-$(dirname "$XFLOWD")/tools/ifinfo_watch}
[ -x "$WATCH" ] || skip "ifinfo_watch not built ($WATCH)"
need_cmd ip awk
[ "$(id -u)" = 0 ] || skip "needs root for a network namespace"

NS=xfnl$$
trap 'ip netns del "$NS" 2>/dev/null; xf_cleanup' EXIT
ip netns add "$NS" 2>/dev/null || skip "cannot create a network namespace"
nsip() { ip -n "$NS" "$@"; }
nsip link add nlva type veth peer name nlvb 2>/dev/null || skip "cannot create a veth pair"
nsip link add vx4 type vxlan id 42 local 10.9.0.1 remote 10.9.0.2 dev nlva \
	dstport 4789 2>/dev/null || skip "cannot create a vxlan interface"
nsip link add vx6 type vxlan id 43 local fd00::1 remote fd00::2 dev nlva \
	dstport 4790 || fail "IPv6 vxlan"
nsip link add mv0 link nlva type macvlan || fail "macvlan"
# the kernel announces an alias change only for an interface that is up
for d in nlva nlvb vx4 vx6 mv0; do nsip link set "$d" up; done

idx() { nsip -o link show dev "$1" | cut -d: -f1; }

# last_table FILE: the rows of the last complete table in a watcher's output
last_table() {
	awk '/^table /{buf = ""; on = 1; next}
	     /^end$/{if (on) last = buf; on = 0; next}
	     on {buf = buf $0 "\n"}
	     END {printf "%s", last}' "$1"
}
last_header() { grep '^table ' "$1" | tail -n 1; }

# wait_table FILE WHAT CMD...: until CMD succeeds on the last table (stdin),
# 10 s at most; on failure show the table
wait_table() {
	local f=$1 what=$2 i
	shift 2
	for ((i = 0; i < 100; i++)); do
		if last_table "$f" | "$@" >/dev/null 2>&1; then
			pass "$what"
			return 0
		fi
		sleep 0.1
	done
	fail "$what"
	last_table "$f" | sed 's/^/       | /'
	tail -n 3 "${f%.out}.err" 2>/dev/null | sed 's/^/       err: /'
	return 1
}
has_row() { grep -qxF -- "$1"; }
no_name() { ! awk -v n="$1" '$2 == n {f = 1} END {exit !f}'; }
# the (ifindex, name) pairs of the table on stdin are those of `ip -o link`
same_as_ip() {
	diff <(awk '{print $1, $2}' | sort) \
		<(nsip -o link show | awk -F': ' '{sub(/@.*/, "", $2); print $1, $2}' | sort)
}

# the directory first: the watcher saves its first datagram at once
mkdir -p "$T/seeds"
ip netns exec "$NS" "$WATCH" --save "$T/seeds" --exit-after 120 \
	>"$T/watch.out" 2>"$T/watch.err" &
WP=$!
XF_PIDS+=("$WP")

a=$(idx nlva) b=$(idx nlvb) v4=$(idx vx4) v6=$(idx vx6) mv=$(idx mv0)
info "ifindex: nlva $a, nlvb $b, vx4 $v4, vx6 $v6, mv0 $mv"
wait_table "$T/watch.out" "lo, physical-like" has_row "1 lo - - lo - 0 - -"
wait_table "$T/watch.out" "veth: the peer is no parent" has_row "$b nlvb veth - nlvb - 0 - -"
wait_table "$T/watch.out" "vxlan v4: parent nlva, endpoints" \
	has_row "$v4 vx4 vxlan nlva nlva - 4 10.9.0.1 10.9.0.2"
wait_table "$T/watch.out" "vxlan v6: parent nlva, endpoints" \
	has_row "$v6 vx6 vxlan nlva nlva - 6 fd00::1 fd00::2"
wait_table "$T/watch.out" "macvlan: parent nlva" has_row "$mv mv0 macvlan nlva nlva - 0 - -"
wait_table "$T/watch.out" "same interfaces as ip -o link" same_as_ip

nsip link set nlvb name nlvc
wait_table "$T/watch.out" "rename nlvb -> nlvc (same ifindex)" has_row "$b nlvc veth - nlvc - 0 - -"
nsip link set vx4 alias "to core 1"
wait_table "$T/watch.out" "alias on vx4" \
	has_row "$v4 vx4 vxlan nlva nlva to\\x20core\\x201 4 10.9.0.1 10.9.0.2"
nsip link del vx6
wait_table "$T/watch.out" "vx6 deleted" no_name vx6
nsip link add nlbr0 type bridge
br=$(idx nlbr0)
wait_table "$T/watch.out" "new bridge" has_row "$br nlbr0 bridge - nlbr0 - 0 - -"
nsip link set nlva down
nsip link set nlva name nlup
wait_table "$T/watch.out" "parent renamed: children follow" \
	has_row "$v4 vx4 vxlan nlup nlup to\\x20core\\x201 4 10.9.0.1 10.9.0.2"
wait_table "$T/watch.out" "still the same interfaces as ip -o link" same_as_ip
check "no malformed messages from the kernel" grep -q "malformed=0 " <(last_header "$T/watch.out")

kill -TERM "$WP"
wait "$WP"
rc=$?
check "watcher exits 0 on SIGTERM (rc=$rc)" [ $rc = 0 ] || cat "$T/watch.err"
last_table "$T/watch.out" >"$T/live.table"
"$WATCH" --replay "$T"/seeds/*.bin >"$T/replay.out" 2>"$T/replay.err" ||
	{ fail "ifinfo_watch --replay"; cat "$T/replay.err"; }
last_table "$T/replay.out" >"$T/replay.table"
check "saved datagrams ($(ls "$T/seeds" | wc -l)) replayed: the same table" \
	diff "$T/live.table" "$T/replay.table"

# Lost notifications: a receive buffer of the minimum size, the watcher
# stopped while 60 veth pairs (120 interfaces) are added and 30 deleted.
ip netns exec "$NS" "$WATCH" --rcvbuf 1 --exit-after 120 \
	>"$T/small.out" 2>"$T/small.err" &
SP=$!
XF_PIDS+=("$SP")
wait_table "$T/small.out" "small-buffer watcher: first table" same_as_ip
kill -STOP "$SP"
for i in $(seq 60); do echo "link add nlx$i type veth peer name nly$i"; done |
	nsip -batch - || fail "adding 60 veth pairs"
for i in $(seq 30); do echo "link del nlx$i"; done | nsip -batch - || fail "deleting 30"
kill -CONT "$SP"
wait_table "$T/small.out" "after ENOBUFS: exactly the kernel's interfaces" same_as_ip
hdr=$(last_header "$T/small.out")
info "$hdr"
check "overruns counted and a re-dump done" awk '{
	for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
	exit !(v["overruns"] >= 1 && v["dumps"] >= 2 && v["malformed"] == 0) }' <<<"$hdr"
kill -TERM "$SP"
wait "$SP"
rc=$?
check "small-buffer watcher exits 0 (rc=$rc)" [ $rc = 0 ] || cat "$T/small.err"
finish
