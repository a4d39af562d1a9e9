#!/usr/bin/env bash
# test_bgp_frr.sh - AS numbers and BGP next hops from a real FRR (issue
# 17): bgp_lib.sh's scenario with FRR's bgpd as the peer. bgpd runs in the
# router namespace without zebra (-Z: it originates its `network` routes
# and installs nothing), with its own configuration, pid file, vty socket
# and log in the temp dir (nothing of /etc/frr or a system FRR); outbound
# route-maps prepend the AS paths and set the next hops, IPv4 and IPv6
# (MP-BGP) over one IPv4 session. The restart is kill -9 and bgpd started
# again.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/bpf_lib.sh"
. "$(dirname "$0")/bgp_lib.sh"
BGPD=${BGPD:-/usr/lib/frr/bgpd}
[ -x "$BGPD" ] || skip "FRR's bgpd not installed ($BGPD; Debian package frr)"
bgp_setup
# shellcheck disable=SC2034 # bgp_run says it
PEER=FRR

# the bgpd configuration: a prefix list and a route-map entry per route;
# hold time 9 (xflowd's keepalives keep the session through the test),
# graceful restart and ADD-PATH send offered (xflowd takes neither)
{
	echo "hostname xflowd-test"
	echo "log file $T/bgpd.log debugging"
	n=0
	while read -r pfx nh path; do
		n=$((n + 10))
		case $pfx in
		*:*) v=ipv6 nhset="ipv6 next-hop global" ;;
		*) v=ip nhset="ip next-hop" ;;
		esac
		echo "$v prefix-list P$n permit $pfx"
		echo "route-map TO-XFLOWD permit $n"
		echo " match $v address prefix-list P$n"
		echo " set as-path prepend $path"
		echo " set $nhset $nh"
		echo "exit"
	done <"$T/routes"
	cat <<EOF2
router bgp 65010
 bgp router-id 10.0.0.254
 no bgp ebgp-requires-policy
 no bgp network import-check
 neighbor 127.0.0.1 remote-as 64512
 neighbor 127.0.0.1 port $BGP_PORT
 neighbor 127.0.0.1 update-source 127.0.0.1
 neighbor 127.0.0.1 timers connect 1
 neighbor 127.0.0.1 advertisement-interval 0
 neighbor 127.0.0.1 timers 3 9
 bgp graceful-restart
 address-family ipv4 unicast
EOF2
	grep -v : "$T/routes" | while read -r pfx _; do echo "  network $pfx"; done
	cat <<EOF2
  neighbor 127.0.0.1 route-map TO-XFLOWD out
  neighbor 127.0.0.1 addpath-tx-all-paths
 exit-address-family
 address-family ipv6 unicast
EOF2
	grep : "$T/routes" | while read -r pfx _; do echo "  network $pfx"; done
	cat <<EOF2
  neighbor 127.0.0.1 activate
  neighbor 127.0.0.1 route-map TO-XFLOWD out
  neighbor 127.0.0.1 addpath-tx-all-paths
 exit-address-family
EOF2
} >"$T/bgpd.conf"

# bgpd's arguments: every path its own, no zebra, no BGP or vty port of
# its own (it connects to xflowd), no change of user
BGPD_ARGS=(-f "$T/bgpd.conf" -i "$T/bgpd.pid" --vty_socket "$T" -z "$T/zserv.api"
	-Z -p 0 -P 0 -S)
inrtr "$BGPD" "${BGPD_ARGS[@]}" -C >"$T/bgpd.check" 2>&1 ||
	{ fail "bgpd -C: the test's FRR configuration"; cat "$T/bgpd.check"; finish; }

# peer_start: bgpd in the foreground; peer_kill: kill -9
peer_start() {
	ip netns exec "$RTR" "$BGPD" "${BGPD_ARGS[@]}" >>"$T/bgpd.out" 2>&1 &
	PEER_PID=$!
	XF_PIDS+=("$PEER_PID")
}
peer_kill() {
	kill -KILL "$PEER_PID" 2>/dev/null
	wait "$PEER_PID" 2>/dev/null
}
peer_log() { tail -n 20 "$T/bgpd.log" "$T/bgpd.out"; }

bgp_run
