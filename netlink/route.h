/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * route.h - a copy of the kernel's main routing table (IPv4 and IPv6),
 * kept current from rtnetlink through libmnl: an RTM_GETROUTE dump at
 * open, then RTM_NEWROUTE/RTM_DELROUTE on RTNLGRP_IPV4_ROUTE and
 * RTNLGRP_IPV6_ROUTE, and a new dump after lost notifications (ENOBUFS).
 *
 * Feeds Cisco's NetFlow v5 routing fields and their IPFIX elements at
 * export time: the next hop (15, 62), the source and destination prefix
 * lengths (9, 13, 29, 30) and the output interface (14) of a flow.
 *
 * Kept: unicast routes (RTN_UNICAST) of table main (RT_TABLE_MAIN, from
 * RTA_TABLE when present), by (prefix, length, metric); a lookup takes
 * the longest prefix, and among equal prefixes the lowest metric, as the
 * kernel does. A multipath route is kept with its first nexthop that is
 * not dead (RTNH_F_DEAD), or its first. The host's own addresses (the
 * RTN_LOCAL routes of table local) are kept too: a flow to one has output
 * interface 0, IOS's "Local".
 *
 * Not covered:
 * - policy routing (ip rule) and VRFs: only table main is read, so a flow
 *   routed by another table gets main's answer (or none);
 * - broadcast, blackhole, unreachable and prohibit routes (other tables or
 *   types): a destination covered only by them has no route;
 * - IPv4 routes with a TOS (rtm_tos != 0) and IPv6 source-specific routes
 *   (rtm_src_len != 0): ignored, they only match some packets;
 * - cloned and cached entries (RTM_F_CLONED: IPv6 PMTU exceptions);
 * - a route using a nexthop object (RTA_NH_ID) reads as directly
 *   connected with no interface when the kernel does not expand it
 *   (net.ipv4.nexthop_compat_mode = 0);
 * - routes of the same prefix and metric beyond the first (ip route
 *   append; IPv6 fe80::/64 on every interface): the first is kept, as the
 *   kernel uses the first; should it be deleted, the prefix is unknown
 *   until the next dump.
 *
 * The kernel flushes IPv4 routes without announcing them one by one when
 * their interface goes down or away, or when an address they use is
 * deleted. The socket also listens to RTNLGRP_LINK and RTNLGRP_IPV4_IFADDR:
 * a link down removes the IPv4 routes through it, a deleted link every
 * route through it, a deleted IPv4 address the IPv4 routes with that
 * preferred source; a new dump is requested when what is left may be
 * stale (a multipath route through it, or other IPv4 routes through the
 * interface that lost an address: the kernel flushes them all with its
 * last address).
 *
 * Memory is bounded: at most ROUTE_MAX routes; more are counted
 * (stats.full) and not kept.
 *
 * Not thread-safe: one caller at a time.
 */
#ifndef XFLOWD_ROUTE_H
#define XFLOWD_ROUTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ROUTE_MAX (1u << 21) /* routes kept at most: two full BGP tables */

/* What a lookup answers: the route that forwards an address. */
struct route_hop {
	uint32_t oif;	/* output interface, 0: none (nexthop object) */
	uint8_t plen;	/* prefix length of the route */
	uint8_t gw_ver; /* 4 or 6: gw holds the gateway; 0: connected */
	uint8_t gw[16]; /* IPv4 in the first 4 octets, network order */
};

struct route_stats {
	uint64_t messages;    /* netlink messages looked at */
	uint64_t newroute;    /* RTM_NEWROUTE applied */
	uint64_t delroute;    /* RTM_DELROUTE applied */
	uint64_t ignored;     /* other tables, types, families, messages */
	uint64_t malformed;   /* rejected: bad length, attribute or value */
	uint64_t full;	      /* routes not kept: ROUTE_MAX reached */
	uint64_t flushed;     /* removed for a link down or gone, an address */
	uint64_t overruns;    /* ENOBUFS or truncation: notifications lost */
	uint64_t dumps;	      /* full dumps requested */
	uint64_t dump_errors; /* dumps failed or interrupted (then redone) */
};

struct route_table;

/*
 * Open a NETLINK_ROUTE socket (non-blocking) subscribed to the IPv4 and
 * IPv6 route groups, RTNLGRP_LINK and RTNLGRP_IPV4_IFADDR, and fill the
 * table with a full RTM_GETROUTE dump, waiting up to 5 s for it. NULL on
 * failure with a message in err. Free with route_close().
 */
struct route_table *route_open(char *err, size_t errlen);

/* An empty table with no socket (tests, fuzzing); NULL: no memory. */
struct route_table *route_new(void);

/* Close the socket (if any) and free the table; NULL is fine. */
void route_close(struct route_table *t);

/* The socket to poll for POLLIN, or -1 for a table without one. */
int route_fd(const struct route_table *t);

/*
 * Read and apply every pending notification without blocking; lost
 * notifications, or a change the kernel does not announce route by route,
 * start a full dump whose replies are applied as they arrive (routes
 * missing from it are removed). Returns the number of datagrams read, or
 * a negative errno (-ENOTCONN without a socket).
 */
int route_process(struct route_table *t);

/*
 * Apply one received netlink datagram: any number of messages, of which
 * RTM_NEWROUTE, RTM_DELROUTE, RTM_NEWLINK, RTM_DELLINK, RTM_DELADDR,
 * NLMSG_DONE and NLMSG_ERROR matter. Every length and attribute is
 * validated; a malformed message is counted and skipped, and the rest of
 * the datagram is abandoned when a length is wrong. buf must be 4-octet
 * aligned (-EINVAL otherwise). Returns the number of messages looked at.
 */
int route_handle(struct route_table *t, const void *buf, size_t len);

/*
 * The messages of the dump with sequence number seq that follow replace
 * the table: at its NLMSG_DONE, routes not seen since this call are
 * removed. Used by the socket code; tests and the fuzzer call it.
 */
void route_dump_begin(struct route_table *t, uint32_t seq);

/* A full dump is due (lost notifications, an unannounced flush). */
bool route_resync_pending(const struct route_table *t);

/*
 * Longest-prefix match of addr (4 octets for ver 4, 16 for ver 6): true
 * with the route in *out, false when no route covers it (*out zeroed).
 */
bool route_lookup(const struct route_table *t, uint8_t ver, const uint8_t *addr,
		  struct route_hop *out);

/* Routes kept, both families. */
size_t route_count(const struct route_table *t);

/* One route as kept. */
struct route_entry {
	uint8_t ver;	    /* 4 or 6 */
	uint8_t plen;	    /* prefix length */
	uint8_t prefix[16]; /* masked to plen */
	uint32_t metric;
	struct route_hop hop;
};

/*
 * Iterate: routes 0 .. route_count() - 1 in no particular order (the order
 * changes whenever the table does); false past the end.
 */
bool route_at(const struct route_table *t, size_t i, struct route_entry *out);

/* Changes whenever a route is added, removed or changed. */
uint64_t route_generation(const struct route_table *t);

const struct route_stats *route_stats(const struct route_table *t);

#endif
