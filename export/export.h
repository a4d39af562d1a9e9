/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * export.h - the exporting process: per collector a transport, a message
 * buffer, sequence numbers and template refresh state; the message format
 * (v5, v9, IPFIX) is a table of operations.
 */
#ifndef XFLOWD_EXPORT_H
#define XFLOWD_EXPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>

#include "../meter/flowcache.h"
#include "../meter/sampler.h"
#include "../templates/templates.h"
#include "wbuf.h"

#define EXPORT_MAX_TEMPLATES 32
#define EXPORT_MAX_COLLECTORS 16
#define EXPORT_MAX_MSG 65535
#define EXPORT_TCP_BUFFER (4u << 20) /* default TCP queue bound */

/* What an encoder reads of one expired flow. */
/* What the interface table says of an ifindex; any field may be NULL. */
struct export_if {
	const char *name;  /* interfaceName */
	const char *descr; /* interfaceDescription */
	const char *phys;  /* ingressPhysicalInterfaceName */
	const char *user;  /* pppacUserName */
	const char *proto; /* pppacProtocol */
};

/*
 * What the routing table says of a flow's addresses, as Cisco's v5 fields:
 * the destination's route gives the next hop, its prefix length and the
 * output interface; the source's route its prefix length. Zero: no route.
 */
struct export_route {
	uint8_t nexthop[16]; /* ipNextHopIPv4/IPv6Address: the gateway */
	uint8_t nexthop_ver; /* 4 or 6; 0: directly connected or no route */
	uint8_t src_mask;    /* source/destinationIPv4/IPv6PrefixLength */
	uint8_t dst_mask;
	uint32_t out_if; /* egressInterface */
	/* a routing table was looked up and has a route to the destination
	 * (forwardingStatus); 0 also when there is no table */
	uint8_t dst_routed;
	/* from BGP (issue 17): the origin AS (last of the path) and the
	 * peer AS (first) of the source's and the destination's routes,
	 * 0 without one; the destination route's BGP next hop */
	uint32_t src_as, dst_as;
	uint32_t src_peer_as, dst_peer_as;
	uint8_t bgp_nexthop[16];
	uint8_t bgp_nexthop_ver; /* 4 or 6; 0: none */
};

/* Which AS v5's src_as/dst_as carry (IOS `ip flow-export ... origin-as|
 * peer-as`); 0 without the setting, as IOS. */
enum export_as {
	EXPORT_AS_NONE = 0,
	EXPORT_AS_ORIGIN,
	EXPORT_AS_PEER,
};

struct export_rec {
	const struct flow *f;
	enum flow_end_reason reason;
	struct export_if ifc;		 /* of the observed interface */
	const struct template_def *tmpl; /* v9/IPFIX: chosen once per flow */
	uint16_t tmpl_id;
};

/*
 * How the metering process selects packets, as the exporter announces it:
 * the v5 header, v9 sampler options (Cisco), IPFIX options (RFC 5477), and
 * the sampler id in every v9/IPFIX data record. The counters exported are
 * those of the sampled packets; collectors scale them up.
 */
struct export_sampling {
	enum sampler_mode mode; /* SAMPLER_NONE: every packet, nothing sent */
	uint32_t interval;	/* 1-in-N */
	uint8_t id;		/* FLOW_SAMPLER_ID / selectorId; 0 means 1 */
};

static inline uint8_t export_sampler_id(const struct export_sampling *s)
{
	return s->id ? s->id : 1;
}

/*
 * Sample 1 packet in n with mode (n <= 1: every packet, nothing announced),
 * as sampler id (0: 1). What --sample and a monitor's sampler set; the
 * daemon meters (or has the kernel sample) and announces from it.
 */
static inline void export_sampling_set(struct export_sampling *s,
				       enum sampler_mode mode, uint32_t n,
				       uint8_t id)
{
	s->mode = n > 1 ? mode : SAMPLER_NONE;
	s->interval = n > 1 ? n : 1;
	s->id = id;
}

/*
 * The options records an exporter may leave out, as Cisco Flexible
 * NetFlow's exporter "option interface-table | exporter-stats |
 * sampler-table [timeout SEC]" names them. systemInitTimeMilliseconds
 * (IPFIX) is not one: collectors need it for every sysUpTime time.
 */
enum export_option {
	EXPORT_OPT_IFTABLE, /* ifIndex -> interfaceName/Description */
	EXPORT_OPT_STATS,   /* RFC 7011 §4.1-4.3 statistics */
	EXPORT_OPT_SAMPLER, /* the sampler (while sampling) */
	EXPORT_OPT_N
};

/* Zero (the default): sent with the templates at each refresh. */
struct export_option_cfg {
	bool off;	    /* never sent */
	uint32_t timeout_s; /* and every timeout_s in between; 0: not */
};

/* Do a and b (EXPORT_OPT_N each) set the options alike? */
static inline bool export_options_equal(const struct export_option_cfg *a,
					const struct export_option_cfg *b)
{
	int k;

	for (k = 0; k < EXPORT_OPT_N; k++)
		if (a[k].off != b[k].off || a[k].timeout_s != b[k].timeout_s)
			return false;
	return true;
}

/*
 * Export pacing: records wait in a queue of queue records in arrival
 * order and leave at rate a second, up to burst at once (a token bucket
 * per exporting process). A record that finds the queue full is counted
 * as not sent (notSent*TotalCount), never dropped silently.
 */
#define EXPORT_PACE_QUEUE 65536u /* default queue bound, records */
struct export_pace_cfg {
	uint32_t rate;	/* records a second; 0: no pacing */
	uint32_t burst; /* 0: rate / 20 (50 ms), at least 1 */
	uint32_t queue; /* 0: EXPORT_PACE_QUEUE */
};

/* The burst and the queue bound pacing p runs with (defaults filled). */
uint32_t export_pace_burst(const struct export_pace_cfg *p);
uint32_t export_pace_queue(const struct export_pace_cfg *p);

/* Settings shared by every collector of one exporting process. */
struct export_cfg {
	int version;	       /* 1, 5, 7, 9 or 10 */
	uint32_t domain_id;    /* v9 source id, IPFIX domain, v5 engine */
	uint32_t mtu;	       /* path MTU; messages fit it */
	uint32_t refresh_s;    /* template refresh by time (UDP) */
	uint32_t refresh_msgs; /* ... and by messages sent */
	size_t tcp_buffer; /* TCP: octets buffered per collector (0: 4 MiB) */
	uint32_t tcp_linger_s; /* at exit, wait this long for TCP collectors */
	bool lossless;	       /* files: wait for a slow or absent TCP
				* collector (up to tcp_linger_s without
				* progress) instead of dropping */
	bool resolve_later;    /* live: a name that does not resolve yet
				* is looked up again (in the background,
				* with backoff) instead of refused */
	enum export_as as;     /* v5 src_as/dst_as, v9/IPFIX 16, 17 */
	size_t ntmpl;
	const struct template_def *tmpl[EXPORT_MAX_TEMPLATES];
	struct export_sampling sampling;
	struct export_option_cfg opt[EXPORT_OPT_N];
	struct export_pace_cfg pace;
};

/* Why a send failed (transport.c names them in the stats). */
enum tx_err {
	TX_ERR_REFUSED,	     /* ICMP port unreachable (UDP) */
	TX_ERR_BACKPRESSURE, /* send buffer full: EAGAIN, ENOBUFS */
	TX_ERR_UNREACHABLE,  /* no route, host unreachable */
	TX_ERR_CONNECTION,   /* TCP: reset, broken pipe, timed out */
	TX_ERR_OTHER,
	TX_ERR_UNRESOLVED, /* the collector's name has no address yet */
	TX_ERR_N
};

struct collector_stats {
	uint64_t messages;     /* messages handed to the transport */
	uint64_t data_records; /* flow records encoded */
	uint64_t options_records;
	uint64_t templates;   /* template records encoded */
	uint64_t octets;      /* message octets encoded */
	uint64_t send_errors; /* every failed send: the sum of err[] */
	uint64_t refused;     /* err[TX_ERR_REFUSED]: UDP datagrams, TCP
			       * connects refused (nobody listens) */
	uint64_t err[TX_ERR_N];
	uint64_t refused_records;  /* data records in refused datagrams */
	uint64_t refused_packets;  /* ... and the packets and octets */
	uint64_t refused_octets;   /* their flows account */
	uint64_t dropped_messages; /* never handed to the kernel: UDP back- */
	uint64_t dropped_records;  /* pressure, TCP overflow or exit */
	uint64_t dropped_packets;
	uint64_t dropped_octets;
	uint64_t dropped_message_octets; /* of the dropped messages */
	uint64_t paced_records; /* never encoded: the pacing queue was */
	uint64_t paced_packets; /* full (with their packets and octets) */
	uint64_t paced_octets;
	uint64_t notsent_first_ns; /* export clock: the first and the last */
	uint64_t notsent_last_ns;  /* record dropped or refused; 0: none */
	uint64_t connects;	   /* TCP connections established */
	uint64_t disconnects;	   /* ... and lost */
	uint64_t connect_attempts;
	uint64_t connect_failures;
	uint64_t unacked_octets;   /* TCP: written, unacknowledged when a
				  * connection was lost */
	uint64_t buffered_peak;	   /* TCP: most octets ever queued */
	uint64_t resolve_failures; /* lookups of the name that failed */
	uint64_t resolved;	   /* ... that gave a new address */
};

enum tx_proto { TX_UDP = 0, TX_TCP };
enum tx_state { TX_DOWN = 0, TX_CONNECTING, TX_UP };

/* UDP: a recently sent datagram, to count its records if it bounces. */
struct tx_sent {
	uint32_t seq;
	uint32_t nflows;
	uint64_t npkts, noct; /* the packets and octets of those flows */
	bool valid;
};
#define TX_SENT_RING 64

struct tx_msg;
struct tx_batch;

/* How messages reach one collector (transport.c). */
struct transport {
	enum tx_proto proto;
	enum tx_state state;
	size_t limit;		    /* TCP: octets queued at most */
	struct tx_msg *head, *tail; /* TCP: whole messages waiting */
	size_t queued, nqueued;	    /* octets and messages in the queue */
	size_t off;		    /* octets of the head already written */
	bool to_head;		    /* the next message jumps the queue */
	struct tx_msg *ins;	    /* ... and goes after this one */
	bool in_up;		    /* tcp_up is queueing templates */
	bool gave_up;		    /* lossless: a wait timed out */
	bool warned;		    /* a connect failure was logged */
	const uint8_t *cur;	    /* lossless: copy of the message in
				     * c->w while collector_send waits */
	uint32_t seq;		    /* TCP: sequence number of the next */
	uint32_t gap;		    /* dropped records not yet in seq */
	uint32_t backoff_s;	    /* reconnect backoff, doubling */
	uint64_t since_ns;	    /* monotonic: connect started */
	uint64_t next_try_ns;	    /* monotonic: next connect attempt */
	struct tx_sent sent[TX_SENT_RING];
	unsigned nsent;
	uint64_t opt_seen;	/* stats.options_records at the last message */
	struct tx_batch *batch; /* UDP: messages for one sendmmsg */
};

struct exporter;
struct collector;

struct fixed_fmt;

struct export_ops {
	const char *name;	       /* --export's word: "v5" */
	const char *protocol;	       /* export-protocol's: "netflow-v5" */
	int version;		       /* 1, 5, 7, 9 or 10 (IPFIX) */
	size_t seq_off;		       /* octets into a message of what tells
					* one from another: the sequence
					* number (v1: unix_nsecs, it has none) */
	const struct fixed_fmt *fixed; /* v1, v5, v7: fixed IPv4 records, no
					* templates nor options; else NULL */
	/* Append one flow record; sends full messages on the way. */
	void (*add)(struct collector *c, const struct export_rec *r);
	/* Send what is buffered. */
	void (*flush)(struct collector *c);
	/* Send one message of the templates and options records alone; no
	 * message may be open (TCP: the start of every connection). */
	void (*templates)(struct collector *c);
	/* Send the statistics options records now (at exit); NULL: v5. */
	void (*stats)(struct collector *c);
};

struct resolve;

/*
 * What a v9 or IPFIX collector is owed (sched.c decides from this alone
 * which set goes next): RFC 7011 §8.4 / RFC 3954 §9 template state and
 * the options records due, one bit each.
 */
enum export_owed {
	OWED_TEMPLATES = 1u << 0,  /* every template: never sent, or a new
				   * UDP destination (TCP: each connection) */
	OWED_BASE = 1u << 1,	   /* the time base moved (IPFIX IE 160) */
	OWED_IFTABLE = 1u << 2,	   /* the interface table's records */
	OWED_SAMPLER = 1u << 3,	   /* the sampler's templates and records */
	OWED_STATS = 1u << 4,	   /* the statistics records ... */
	OWED_STATS_TMPL = 1u << 5, /* ... with their templates */
};

/* What the message being built is for (sched.c). */
enum export_msg_for {
	MSG_NONE = 0,  /* no message open */
	MSG_DATA,      /* data records (the templates first when due) */
	MSG_TEMPLATES, /* the templates alone (TCP connect, exit) */
	MSG_IFTABLE,   /* interface-table records, sent once they end */
	MSG_SAMPLER,   /* the sampler's options, a message of their own */
	MSG_STATS,     /* the statistics, a message of their own */
};

struct export_sched {
	unsigned int owed;	  /* enum export_owed bits */
	enum export_msg_for msg;  /* the message being built */
	uint64_t tmpl_sent_ns;	  /* export clock: the templates went */
	uint32_t msgs_since_tmpl; /* messages sent since, those included */
	size_t if_next;		  /* the next interface-table record */
	/* when each option's records went last (export clock), for the
	 * options' timeouts */
	uint64_t opt_sent_ns[EXPORT_OPT_N];
};

struct collector {
	char name[96];	/* as the user wrote it */
	int fd;		/* -1 while a TCP collector is not connected */
	uint16_t sport; /* local port to send from, 0: any */
	/* the address to send from (source.c): an interface's or one
	 * given; "" any */
	char source[64];
	bool source_if;		      /* source names an interface */
	struct sockaddr_storage src;  /* the address bound (0: any) */
	uint64_t src_next_ns;	      /* monotonic: look at source again */
	struct sockaddr_storage addr; /* AF_UNSPEC: not resolved yet */
	socklen_t addrlen;
	/* resolve.c: the name and port as written, looked up again while
	 * unresolved (backoff), every resolve_s seconds and on reload */
	char host[64], port[8];
	struct resolve *rs;	  /* a lookup in progress, or NULL */
	uint32_t resolve_s;	  /* 0: only when asked */
	uint32_t resolve_backoff; /* seconds to the next try after a failure */
	uint64_t resolve_next_ns; /* monotonic: next lookup; 0: none due */
	struct transport tx;
	/* the IP header of what it sends: DSCP, TTL or hop limit (0: the
	 * system's) */
	uint8_t dscp, ttl;
	struct exporter *ex;
	const struct export_ops *ops;
	size_t maxlen; /* message octets that fit the MTU */

	/* the message being built */
	struct wbuf w;
	uint8_t *set_hdr; /* open set (flowset), or NULL */
	uint16_t set_id;
	uint32_t nrec;	       /* records in it (v5 flows, v9 count) */
	uint32_t ndata;	       /* data records in it (IPFIX seq.) */
	uint64_t npkts, noct;  /* packets and octets its flows account */
	uint64_t msg_first_ns; /* clock when its first record came */

	uint32_t seq;		   /* v5 flows, v9 packets, IPFIX records */
	struct export_sched sched; /* v9, IPFIX: what goes next (sched.c) */

	struct collector_stats stats;
	uint8_t buf[EXPORT_MAX_MSG];
};

/*
 * The metering process's counters, for the statistics options records
 * (RFC 7011 §4.1, §4.2): flows observed, and the packets it observed but
 * did not account in a flow (malformed, no template fits them, lost by
 * the capture) with their octets where known and the times of the first
 * and the last (0: none yet).
 */
struct export_meter_stats {
	uint64_t observed_flows;
	uint64_t ignored_packets;
	uint64_t ignored_octets;
	uint64_t ignored_first_ns, ignored_last_ns;
};

struct exporter_stats {
	uint64_t flows;		  /* records handed to the exporter */
	uint64_t v5_skipped_ipv6; /* v5 cannot express IPv6 */
	uint64_t v1_skipped_ipv6; /* ... nor v1 */
	uint64_t v7_skipped_ipv6; /* ... nor v7 */
	uint64_t no_template;	  /* no configured template fits */
	uint64_t rebases;	  /* moves of the time base (32-bit uptime) */
	uint64_t pace_sent;	  /* pacing: records that left the queue */
	uint64_t pace_dropped;	  /* ... found it full, or were left in it
				   * when the drain at exit ran out of time */
	uint64_t pace_waiting;	  /* ... wait in it now */
	uint64_t pace_peak;	  /* ... most that ever waited */
};

/* A record waiting in the pacing queue (pace.c): a copy of the flow. */
struct pace_rec {
	struct flow f;
	const struct template_def *tmpl;
	uint16_t tmpl_id;
	uint8_t reason;
};

/* The token bucket and the queue (pace.c). */
struct export_pace {
	struct pace_rec *q; /* ring of export_pace_queue() records */
	uint32_t cap, head, n;
	uint32_t burst;
	uint64_t credit;  /* records * 1e9 that may leave now */
	uint64_t last_ns; /* monotonic: the last refill; 0: none yet */
};

struct exporter {
	struct export_cfg cfg;
	uint64_t base_ns; /* sysUpTime origin */
	bool base_set;	  /* base_ns given (time 0 is a valid time) */
	uint64_t now_ns;  /* export clock (packet clock in files) */
	size_t ncoll;
	struct collector *coll[EXPORT_MAX_COLLECTORS];
	struct exporter_stats stats;
	struct export_pace pace;
	bool warned_v5_ipv6;
	/* interfaceName of an ifindex, owned by the caller; may be NULL */
	void (*ifattr)(void *ctx, uint32_t ifindex, struct export_if *out);
	/* the i-th interface of the interface table (options records):
	 * false past the last one; may be NULL */
	bool (*ifenum)(void *ctx, size_t i, uint32_t *ifindex,
		       struct export_if *out);
	void *ifname_ctx;
	/* the lower device of an ifindex (with ifname_ctx): itself when it
	 * has none; NULL: every interface is its own */
	uint32_t (*ifphys)(void *ctx, uint32_t ifindex);
	/* the routes of a flow's addresses (with ifname_ctx), asked while
	 * encoding a v5 record or one whose template has a routing element
	 * (export_needs_routes); NULL: those fields are zero */
	void (*route)(void *ctx, const struct flow_key *k,
		      struct export_route *out);
	/* the metering process's counters; NULL: statistics options
	 * records carry zeros for them */
	void (*meterstats)(void *ctx, struct export_meter_stats *out);
	void *meterstats_ctx;
	/* while sampling, the data templates: each configured one with the
	 * sampler id appended (setmsg.c builds them at first use) */
	struct template_def smp_tmpl[EXPORT_MAX_TEMPLATES];
	uint8_t smp_elem[EXPORT_MAX_TEMPLATES][TEMPLATE_MAX_ELEM + 1];
	/* cfg's user-defined templates (records), copied: the exporter owns
	 * what it encodes, its caller's copy may go (predefined ones are
	 * static) */
	struct template_user own[EXPORT_MAX_TEMPLATES];
	/* the record length of each data template as sent, and the
	 * template it is of (sched.c: computed once, not per record) */
	const struct template_def *len_of[EXPORT_MAX_TEMPLATES];
	size_t rec_len[EXPORT_MAX_TEMPLATES];
};

/* An exporter with cfg copied in (its user-defined templates too) and
 * no collectors; NULL on ENOMEM. */
struct exporter *exporter_new(const struct export_cfg *cfg);

/*
 * Where an exporting process sends: a collector as a value, made once
 * from the command line's "HOST:PORT[/udp|/tcp]" (export_dest_parse) or
 * from a configuration file's exporter block, and looked up (getaddrinfo)
 * only when it is added to an exporter. It holds no pointer into itself:
 * a copy is as good as the original.
 */
#define EXPORT_DEST_HOST_MAX 254 /* a DNS name: 253 octets */
struct export_dest {
	char host[EXPORT_DEST_HOST_MAX]; /* a name or an address, no [] */
	uint16_t port;			 /* 1-65535 */
	enum tx_proto proto;
	/* the IP header of what goes there: DSCP (0-63) and TTL or hop
	 * limit (0: the system's) */
	uint8_t dscp, ttl;
	/* the command line's spelling (in argv, for the process's life),
	 * named so in messages and views; NULL: HOST:PORT/PROTO */
	const char *spec;
};

/*
 * d from the command line's "HOST:PORT", "[V6ADDR]:PORT", optionally
 * "/udp" or "/tcp", looking nothing up; d->spec = spec. 0, or -EINVAL with
 * a message for the user in err and d refused: its spelling and port 0.
 */
int export_dest_parse(struct export_dest *d, const char *spec, char *err,
		      size_t errlen);

/* 0 for a collector, or -EINVAL with the message export_dest_parse() gave
 * for a refused one (reported where the collector is used). */
int export_dest_check(const struct export_dest *d, char *err, size_t errlen);

/* d's name in messages and views: its spelling, or HOST:PORT/PROTO
 * ([V6ADDR]:PORT/PROTO), truncated to len. */
void export_dest_name(const struct export_dest *d, char *buf, size_t len);

/* Do a and b name the same collector (host, port and transport)? */
bool export_dest_equal(const struct export_dest *a,
		       const struct export_dest *b);

/*
 * Add collector d (IPFIX only over TCP), its datagrams (connections) from
 * local port sport (0: any; several collectors may share one) and from the
 * address of source: an interface (its address, followed as it changes)
 * or an address; NULL or "": any. A TCP collector connects in the
 * background. Returns 0 or -errno, with a message for the user in err.
 */
int exporter_add_dest(struct exporter *ex, const struct export_dest *d,
		      uint16_t sport, const char *source, char *err,
		      size_t errlen);

/*
 * Add a collector "HOST:PORT", "[V6ADDR]:PORT", optionally "/udp" or "/tcp"
 * (IPFIX only): export_dest_parse(), then exporter_add_dest().
 * Returns 0 or -errno, with a message for the user in err.
 */
int exporter_add_collector(struct exporter *ex, const char *spec, char *err,
			   size_t errlen);
/* The same, its datagrams (connections) from local port sport (0: any;
 * several collectors may share one). */
int exporter_add_collector_from(struct exporter *ex, const char *spec,
				uint16_t sport, char *err, size_t errlen);
/* The same, from the address of source: an interface (its address, followed
 * as it changes) or an address; NULL or "": any. */
int exporter_add_collector_src(struct exporter *ex, const char *spec,
			       uint16_t sport, const char *source, char *err,
			       size_t errlen);
/*
 * Cisco's routing fields of flow f: ex->route's answer for its addresses,
 * with the output interface the one observed when f was metered at an
 * egress point (f->oif).
 */
void export_route_of(const struct exporter *ex, const struct flow *f,
		     struct export_route *out);

/* Look collector i's name up every secs seconds from now (0: never). */
void exporter_resolve_every(struct exporter *ex, size_t i, uint32_t secs);

/* Look every collector named by a name up again now, in the background
 * (a reload: collectors move). */
void exporter_resolve(struct exporter *ex);
/*
 * A reload replaced old by ex: each UDP collector of ex that old had too
 * (the same name, address and source port, in the same version and
 * observation domain) takes over old's socket and sequence number, so the
 * collector sees one transport session go on, not a new one from another
 * port starting at 0. Call after old was drained and before ex sends;
 * old's collectors are left closed for exporter_free().
 */
void exporter_continue(struct exporter *ex, struct exporter *old);

/* Set the sysUpTime origin; call before the first record. */
void exporter_set_base(struct exporter *ex, uint64_t base_ns);

/* The flowcache expiry callback: ctx is the struct exporter. */
void exporter_flow(void *ctx, const struct flow *f,
		   enum flow_end_reason reason);

/* Advance the export clock to now_ns (the time flows expired, before
 * they are handed over); sends nothing else. */
void exporter_clock(struct exporter *ex, uint64_t now_ns);

/* Advance the clock; sends messages that waited longer than a second. */
void exporter_tick(struct exporter *ex, uint64_t now_ns);

/* When exporter_tick must run next for a message that waits (UINT64_MAX:
 * none waits). */
uint64_t exporter_next_due(const struct exporter *ex);

/* The interface table changed: send its options records again. */
void exporter_interfaces_changed(struct exporter *ex);

/* Send everything buffered in every collector. */
void exporter_flush(struct exporter *ex);

/* The end of an export round: the UDP messages collected go out, one
 * sendmmsg per collector (exporter_flush and exporter_tick do this too). */
void exporter_push(struct exporter *ex);

/* Progress of the TCP collectors (connect, reconnect, write) and of the
 * lookups of names; never blocks. Call often from the main loop. */
void exporter_poll(struct exporter *ex);

/*
 * At exit: flush, then wait up to timeout_ns for the TCP collectors to
 * connect and take what is queued; what is left is counted as dropped.
 */
void exporter_drain(struct exporter *ex, uint64_t timeout_ns);

/*
 * Pacing (cfg.pace.rate): let the records the bucket allows at mono_ns
 * (monotonic ns, export_mono_ns()) leave the queue; when the next may
 * leave (UINT64_MAX: none waits); drain it at the rate until deadline
 * (monotonic; UINT64_MAX: until empty), counting what is left then as
 * not sent. Without pacing they do nothing.
 */
void exporter_pace(struct exporter *ex, uint64_t mono_ns);
uint64_t exporter_pace_due(const struct exporter *ex, uint64_t mono_ns);
void exporter_pace_drain(struct exporter *ex, uint64_t deadline);
/* One step of a drain: wait (a signal ends the wait) until the next
 * record may leave or deadline, and send what may; do records wait? */
bool exporter_pace_step(struct exporter *ex, uint64_t deadline);
uint64_t export_mono_ns(void);

/* Flush, close the sockets, free; accepts NULL. */
void exporter_free(struct exporter *ex);

/* Helpers shared by the format files. */
uint32_t export_uptime_ms(const struct exporter *ex, uint64_t ns);
/* The UNIX second of a v5/v9 header sent at now_ns: the next whole one,
 * so that no record in the message ends after its header (RFC 3954
 * §5.1) and sysUpTime taken at that second keeps the times exact. */
uint64_t export_header_sec(uint64_t now_ns);
/* Hand the message in c->w to the transport (sent, queued or dropped and
 * counted); c->w may be reused on return. */
void collector_send(struct collector *c);

/* transport.c: open c's socket (UDP) or start connecting (TCP); limit is
 * the TCP queue bound in octets. 0 or -errno with a message in err. */
int transport_open(struct collector *c, enum tx_proto proto, size_t limit,
		   char *err, size_t errlen);
/* Connect, reconnect, write, read ICMP errors: never blocks. */
void transport_poll(struct collector *c);
/* UDP: send the messages collected (one sendmmsg). */
void transport_push(struct collector *c);
/* Close the socket and free the queue; accepts a closed collector. */
void transport_close(struct collector *c);
/* resolve.c: c->host looked up (waiting for the answer); a name that
 * does not resolve yet is looked up again later when later is set (c
 * stays unresolved meanwhile). 0, -EAGAIN for a temporary failure, or
 * -EINVAL; with a message in err. */
int collector_resolve(struct collector *c, bool later, char *err,
		      size_t errlen);
/* Has c an address? */
bool collector_resolved(const struct collector *c);
/* Start a background lookup now (a name only); progress of the lookups
 * (now: monotonic ns); cancel or abandon the one in progress. */
void collector_resolve_now(struct collector *c);
void collector_resolve_poll(struct collector *c, uint64_t now);
void collector_resolve_free(struct collector *c);
/* c->maxlen for the path MTU and c's address family (unresolved: the
 * larger IPv6 header). */
void collector_set_maxlen(struct collector *c);
/* The template flow f is exported with (*id its id), or NULL: none of
 * the exporter's describes it. */
const struct template_def *export_pick(const struct exporter *ex,
				       const struct flow *f, uint16_t *id);
void record_encode(struct wbuf *w, const struct template_def *t,
		   const struct export_rec *r, const struct exporter *ex);

/* Does cfg's output ask the route callback: v5, or a template with one of
 * the routing elements (next hop, prefix lengths, egressInterface)? */
bool export_needs_routes(const struct export_cfg *cfg);

/* Is an option's timeout up for c? Marks its records due (the next
 * flush sends them). v9 and IPFIX only. */
bool export_options_due(struct collector *c);

/* c owes what (enum export_owed bits) from now on: the templates (a new
 * UDP destination), the time base, the interface table (it changed). */
void export_owe(struct collector *c, unsigned int what);

/* Does c owe any of what (enum export_owed bits)? */
static inline bool export_owes(const struct collector *c, unsigned int what)
{
	return (c->sched.owed & what) != 0;
}

/* A new collector's schedule: the templates go first over UDP; over TCP
 * each connection sends them (export_ops.templates). */
void export_sched_init(struct collector *c);

/* Cisco's name of option k: "interface-table", "exporter-stats",
 * "sampler-table" (static). */
const char *export_option_name(int k);

/* Is option k sent by c's exporting process? */
bool export_option_on(const struct collector *c, enum export_option k);

/* Octets of a message holding every template and options record of cfg. */
size_t export_templates_len(const struct export_cfg *cfg);

/*
 * Can cfg's format announce its sampling? 0, or -EINVAL with a message for
 * the user in err (a v5 header holds an interval up to 16383).
 */
int export_sampling_check(const struct export_cfg *cfg, char *err,
			  size_t errlen);

/* v5 header sampling field: 2 bits of mode, 14 of interval (0: none). */
uint16_t export_v5_sampling(const struct export_sampling *s);

/* The message format of version 1, 5, 7, 9 or 10 (IPFIX); NULL: none. */
const struct export_ops *export_ops_of(int version);

/* The version --export names ("v1", "v5", "v7", "v9", "ipfix"); 0:
 * none. */
int export_version_named(const char *name);

/* Is version one of the fixed-record NetFlow formats (v1, v5, v7): IPv4
 * only, no templates, no options records? */
bool export_fixed(int version);

extern const struct export_ops export_v1_ops;
extern const struct export_ops export_v5_ops;
extern const struct export_ops export_v7_ops;
extern const struct export_ops export_v9_ops;
extern const struct export_ops export_ipfix_ops;

#endif
