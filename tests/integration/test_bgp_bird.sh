#!/usr/bin/env bash
# test_bgp_bird.sh - AS numbers and BGP next hops from a real BIRD (issue
# 17): bgp_lib.sh's scenario with BIRD 2 as the peer. BIRD runs in the
# router namespace with its own configuration, control socket and log in
# the temp dir (nothing of /etc/bird or a system BIRD); static routes get
# their AS paths and next hops from an export filter and go to xflowd,
# IPv4 and IPv6 (MP-BGP) over one IPv4 session. The restart is kill -9
# and BIRD started again.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/bpf_lib.sh"
. "$(dirname "$0")/bgp_lib.sh"
command -v bird >/dev/null 2>&1 || skip "bird (bird2) not installed"
bgp_setup
# shellcheck disable=SC2034 # bgp_run says it
PEER=BIRD

# the BIRD configuration: nothing of the system's (/etc/bird, its socket).
# Hold time 9 (xflowd's keepalives keep the session through the test);
# the capabilities xflowd does not take (ADD-PATH send, extended
# messages, long-lived graceful restart, hostname) are offered
{
	cat <<EOF2
router id 10.0.0.254;
log "$T/bird.log" all;
protocol device { }
protocol static s4 {
	ipv4;
EOF2
	grep -v : "$T/routes" | while read -r pfx _; do echo "	route $pfx unreachable;"; done
	echo "}"
	echo "protocol static s6 {"
	echo "	ipv6;"
	grep : "$T/routes" | while read -r pfx _; do echo "	route $pfx unreachable;"; done
	echo "}"
	for af in 4 6; do
		echo "filter to_xflowd$af {"
		while read -r pfx nh path; do
			case $af:$pfx in 4:*:* | 6:*.*) continue ;; esac
			printf '\tif net = %s then {\n' "$pfx"
			for as in $(echo "$path" | tr ' ' '\n' | tac); do
				printf '\t\tbgp_path = prepend(bgp_path, %s);\n' "$as"
			done
			printf '\t\tbgp_next_hop = %s;\n\t\taccept;\n\t}\n' "$nh"
		done <"$T/routes"
		echo "	reject;"
		echo "}"
	done
	cat <<EOF2
protocol bgp xflowd {
	local 127.0.0.1 as 65010;
	neighbor 127.0.0.1 port $BGP_PORT as 64512;
	multihop;
	connect delay time 1;
	connect retry time 1;
	error wait time 1, 2;
	hold time 9;
	keepalive time 3;
	graceful restart on;
	long lived graceful restart on;
	enable extended messages on;
	advertise hostname on;
	ipv4 { import none; export filter to_xflowd4; add paths tx; };
	ipv6 { import none; export filter to_xflowd6; add paths tx; };
}
EOF2
} >"$T/bird.conf"
inrtr bird -p -c "$T/bird.conf" >"$T/bird.parse" 2>&1 ||
	{ fail "bird -p: the test's BIRD configuration"; cat "$T/bird.parse"; finish; }

# peer_start: BIRD in the foreground in the router namespace; peer_kill:
# kill -9
peer_start() {
	ip netns exec "$RTR" bird -f -c "$T/bird.conf" -s "$T/bird.ctl" -P "$T/bird.pid" \
		>>"$T/bird.out" 2>&1 &
	PEER_PID=$!
	XF_PIDS+=("$PEER_PID")
}
peer_kill() {
	kill -KILL "$PEER_PID" 2>/dev/null
	wait "$PEER_PID" 2>/dev/null
}
peer_log() { tail -n 20 "$T/bird.log"; }

bgp_run
