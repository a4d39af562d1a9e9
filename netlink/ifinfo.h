/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ifinfo.h - the interface table: ifindex -> name, alias, kind, lower
 * (parent) device and configured tunnel endpoints, kept current from
 * rtnetlink (RTM_NEWLINK/RTM_DELLINK on RTNLGRP_LINK, through libmnl).
 *
 * Feeds interfaceName (IE 82), interfaceDescription (IE 83),
 * ingressPhysicalInterfaceName, the tunnel elements of flows observed on
 * tunnel interfaces and the interface options records.
 *
 * Only link messages of family AF_UNSPEC describe an interface: bridge
 * port notifications (AF_BRIDGE RTM_NEWLINK/RTM_DELLINK) carry a subset of
 * the attributes and an RTM_DELLINK of that family only means "no longer a
 * bridge port", so they are ignored.
 *
 * The kernel announces some changes (an alias, for one) only for an
 * interface that is up (netdev_state_change); a down interface's new alias
 * shows when it comes up, or after ifinfo_resync().
 *
 * Memory is bounded: at most IFINFO_MAX entries; interfaces beyond that
 * are counted (stats.full) and not kept.
 *
 * Not thread-safe: one caller at a time (the daemon's control thread);
 * entries returned by lookups are valid until the next call that changes
 * the table (ifinfo_process, ifinfo_handle, ifinfo_set, ifinfo_close).
 */
#ifndef XFLOWD_IFINFO_H
#define XFLOWD_IFINFO_H

#include <stddef.h>
#include <stdint.h>

#define IFINFO_MAX 65536  /* entries kept at most */
#define IFINFO_NAMESZ 16  /* IFNAMSIZ: 15 characters + NUL */
#define IFINFO_KINDSZ 16  /* IFLA_INFO_KIND, longer ones truncated */
#define IFINFO_ALIASSZ 65 /* 64 octets of IFLA_IFALIAS + NUL */

/* Configured endpoints of a tunnel interface, network byte order. */
struct ifinfo_tunnel {
	uint8_t ver;	    /* 4, 6, or 0: not a tunnel or none configured */
	uint8_t local[16];  /* IPv4 in the first 4 octets; zero: any */
	uint8_t remote[16]; /* remote endpoint or multicast group */
};

struct ifinfo_entry {
	uint32_t ifindex;
	uint32_t parent; /* lower device's ifindex, 0: none or unknown */
	uint32_t mtu;
	uint32_t flags;	   /* ifi_flags: IFF_UP, ... */
	uint16_t type;	   /* ifi_type: ARPHRD_ETHER, ARPHRD_PPP, ... */
	uint8_t operstate; /* IFLA_OPERSTATE: IF_OPER_UP, ... (RFC 2863) */
	uint8_t manual;	   /* 1: set by ifinfo_set, not from rtnetlink */
	char name[IFINFO_NAMESZ];
	char kind[IFINFO_KINDSZ];   /* "vlan", "vxlan", "veth"; "": physical */
	char alias[IFINFO_ALIASSZ]; /* truncated at a UTF-8 boundary */
	struct ifinfo_tunnel tun;
};

struct ifinfo_stats {
	uint64_t messages;    /* netlink messages looked at */
	uint64_t newlink;     /* RTM_NEWLINK applied */
	uint64_t dellink;     /* RTM_DELLINK applied */
	uint64_t ignored;     /* other types, other families */
	uint64_t malformed;   /* rejected: bad length, attribute or value */
	uint64_t full;	      /* interfaces not kept: table at IFINFO_MAX */
	uint64_t overruns;    /* ENOBUFS or truncation: notifications lost */
	uint64_t dumps;	      /* full dumps requested */
	uint64_t dump_errors; /* dumps failed or interrupted (then redone) */
};

struct ifinfo;

/*
 * Open a NETLINK_ROUTE socket subscribed to RTNLGRP_LINK (non-blocking)
 * and fill the table with a full RTM_GETLINK dump, waiting up to 5 s for
 * it. NULL on failure with a message in err. Free with ifinfo_close().
 */
struct ifinfo *ifinfo_open(char *err, size_t errlen);

/* An empty table with no socket (files, tests, fuzzing); NULL: no memory. */
struct ifinfo *ifinfo_new(void);

/* Close the socket (if any) and free the table; NULL is fine. */
void ifinfo_close(struct ifinfo *t);

/* The socket to poll for POLLIN, or -1 for a table without one. */
int ifinfo_fd(const struct ifinfo *t);

/*
 * Read and apply every pending notification without blocking. Lost
 * notifications (ENOBUFS) start a full dump whose replies are applied as
 * they arrive; interfaces missing from it are removed. Returns the number
 * of datagrams read, or a negative errno (-ENOTCONN without a socket).
 */
int ifinfo_process(struct ifinfo *t);

/* Request a full dump now (applied by ifinfo_process); 0 or -errno. */
int ifinfo_resync(struct ifinfo *t);

/*
 * Apply one received netlink datagram: any number of messages, of which
 * RTM_NEWLINK, RTM_DELLINK, NLMSG_DONE and NLMSG_ERROR matter. Every
 * length and attribute is validated; a malformed message is counted and
 * skipped, and the rest of the datagram is abandoned when a length is
 * wrong. buf must be 4-octet aligned (-EINVAL otherwise). Returns the
 * number of messages looked at.
 */
int ifinfo_handle(struct ifinfo *t, const void *buf, size_t len);

/*
 * The messages of the dump with sequence number seq that follow replace
 * the table: at its NLMSG_DONE, entries learnt from rtnetlink and not seen
 * since this call are removed. Used by the socket code; tests and the
 * fuzzer call it to drive ifinfo_handle through a dump.
 */
void ifinfo_dump_begin(struct ifinfo *t, uint32_t seq);

/* Called with every datagram read from the socket (debugging, seeds). */
typedef void (*ifinfo_tap_fn)(void *ctx, const void *buf, size_t len);
void ifinfo_set_tap(struct ifinfo *t, ifinfo_tap_fn fn, void *ctx);

/*
 * Add or replace an entry by hand (pcapng interface names): no kind, no
 * parent; name and alias (NULL: none) are truncated to fit at a UTF-8
 * boundary. 0, -EINVAL (ifindex 0 or no name) or -ENOSPC (table full).
 */
int ifinfo_set(struct ifinfo *t, uint32_t ifindex, const char *name,
	       const char *alias);

/* The entry of ifindex, NULL if unknown. */
const struct ifinfo_entry *ifinfo_get(const struct ifinfo *t, uint32_t ifindex);

/*
 * The name of the interface a packet observed on ifindex crossed just
 * before it: the parent's (ge0 for a VLAN on ge0), or ifindex's own when it
 * has no parent or the parent is unknown. NULL if ifindex is unknown.
 */
const char *ifinfo_phys_name(const struct ifinfo *t, uint32_t ifindex);

/*
 * Iterate: entries 0 .. ifinfo_count() - 1 in no particular order; the
 * order changes whenever the table does. ifinfo_at() is NULL past the end.
 */
size_t ifinfo_count(const struct ifinfo *t);
const struct ifinfo_entry *ifinfo_at(const struct ifinfo *t, size_t i);

/* Changes whenever any entry is added, removed or changed. */
uint64_t ifinfo_generation(const struct ifinfo *t);

const struct ifinfo_stats *ifinfo_stats(const struct ifinfo *t);

#endif
