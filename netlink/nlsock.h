/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nlsock.h - the rtnetlink plumbing of the tables kept current from the
 * kernel (ifinfo.c, route.c): a non-blocking NETLINK_ROUTE socket through
 * libmnl, the bounded walk over a received datagram, and the full dump
 * that fills a table and resynchronises it after lost notifications.
 *
 * Resynchronisation: every object of a table remembers the epoch in which
 * a message last described it; a dump starts a new epoch, and at its
 * NLMSG_DONE the owner's sweep removes the objects of older epochs (their
 * deletion was lost). A dump that failed or was interrupted
 * (NLM_F_DUMP_INTR, or ENOBUFS while it ran) removes nothing and is redone.
 *
 * The socket is one queue in the kernel's order (rtnetlink notifies and
 * dumps under the RTNL lock). Notifications read before the dump's first
 * message were queued before the dump began: they may describe objects
 * deleted since, so they do not count as seen in the new epoch. Those read
 * after it describe changes made during the dump and do (nlsock_seen).
 *
 * A struct nlsock lives inside its owner's table; the table's public
 * statistics hold the counters it bumps. Not thread-safe.
 */
#ifndef XFLOWD_NLSOCK_H
#define XFLOWD_NLSOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/netlink.h>

struct mnl_socket;

/* Called with every datagram read from the socket (debugging, seeds). */
typedef void (*nlsock_tap_fn)(void *ctx, const void *buf, size_t len);

/* What a table adds to the plumbing; one const instance per table. */
struct nlsock_ops {
	const char *table;  /* "interface table": opens its error messages */
	const char *groups; /* "RTNLGRP_LINK": what the socket binds to */
	const char *dump;   /* "RTM_GETLINK": the dump request */
	/* fill in the dump request after its header: type, family header
	 * and attributes, at most NLSOCK_REQSZ octets in all */
	void (*request)(struct nlmsghdr *nlh);
	/* every message but NLMSG_DONE and NLMSG_ERROR; counts its own */
	void (*msg)(void *ctx, const struct nlmsghdr *nlh);
	/* a dump completed: remove what it did not list (epoch) */
	void (*sweep)(void *ctx);
};

#define NLSOCK_REQSZ 64

/* Counters in the owner's statistics that the plumbing bumps. */
struct nlsock_counters {
	uint64_t *messages;    /* netlink messages looked at */
	uint64_t *ignored;     /* NLMSG_DONE/NLMSG_ERROR of no dump of ours */
	uint64_t *malformed;   /* octets that are not a whole message */
	uint64_t *overruns;    /* ENOBUFS or truncation */
	uint64_t *dumps;       /* full dumps requested */
	uint64_t *dump_errors; /* dumps failed or interrupted */
};

/* The counters of a statistics struct st that names its fields alike. */
#define NLSOCK_COUNTERS(st)                                       \
	((struct nlsock_counters){ .messages = &(st)->messages,   \
				   .ignored = &(st)->ignored,     \
				   .malformed = &(st)->malformed, \
				   .overruns = &(st)->overruns,   \
				   .dumps = &(st)->dumps,         \
				   .dump_errors = &(st)->dump_errors })

struct nlsock {
	struct mnl_socket *nl; /* NULL: no socket (files, tests, fuzzing) */
	char *rx;	       /* one datagram */
	const struct nlsock_ops *ops;
	void *ctx; /* the owner, passed to ops */
	struct nlsock_counters c;
	uint32_t seq, portid, dump_seq;
	uint32_t epoch; /* advanced by every dump */
	bool dump_active, dump_intr, resync;
	bool dump_seen; /* a message of the running dump has been read */
	nlsock_tap_fn tap;
	void *tap_ctx;
};

/* Without a socket: handles datagrams it is given (nlsock_handle). */
void nlsock_init(struct nlsock *s, const struct nlsock_ops *ops, void *ctx,
		 struct nlsock_counters c);

/*
 * Open the socket (non-blocking, receive buffer of rcvbuf octets at most),
 * bind it to the multicast groups (a bit mask) and fill the owner with a
 * full dump, waiting up to 5 s for it. 0, or -errno with a message in err.
 */
int nlsock_open(struct nlsock *s, unsigned int groups, int rcvbuf, char *err,
		size_t errlen);

/* Close the socket and free the receive buffer; safe without a socket. */
void nlsock_close(struct nlsock *s);

/* The socket to poll for POLLIN, or -1 without one. */
int nlsock_fd(const struct nlsock *s);

/*
 * Read and handle every pending datagram without blocking; start the dump
 * a resynchronisation wants. Datagrams read, or -errno (-ENOTCONN without
 * a socket).
 */
int nlsock_process(struct nlsock *s);

/*
 * Walk one datagram (buf 4-octet aligned, -EINVAL otherwise): NLMSG_DONE
 * and NLMSG_ERROR end a dump, every other message goes to ops->msg. The
 * rest of the datagram is abandoned at a wrong length. Returns the number
 * of messages looked at.
 */
int nlsock_handle(struct nlsock *s, const void *buf, size_t len);

/* The messages of the dump with sequence number seq follow: a new epoch. */
void nlsock_dump_begin(struct nlsock *s, uint32_t seq);

/* A change the notifications do not describe: dump (again) when idle. */
void nlsock_want_resync(struct nlsock *s);

/* Request a full dump now, or redo the running one; 0 or -errno. */
int nlsock_resync(struct nlsock *s);

/* A full dump is due. */
bool nlsock_resync_pending(const struct nlsock *s);

/* nlh belongs to the running dump of ours. */
bool nlsock_from_dump(const struct nlsock *s, const struct nlmsghdr *nlh);

/*
 * Whether what nlh describes counts as current in this epoch (see the top
 * of the file); call once per message that adds or changes an object.
 */
bool nlsock_seen(struct nlsock *s, const struct nlmsghdr *nlh);

/* An attribute table for mnl_attr_parse*() with nlsock_attr_cb. */
struct nlsock_attrs {
	const struct nlattr **tb; /* tb[0 .. n), zeroed by the caller */
	unsigned int n;
};

/* Keeps each attribute of a type below n in tb; the last one wins. */
int nlsock_attr_cb(const struct nlattr *attr, void *data);

#endif
