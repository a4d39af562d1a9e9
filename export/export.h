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
#include <sys/socket.h>

#include "../meter/flowcache.h"
#include "../templates/templates.h"
#include "wbuf.h"

#define EXPORT_MAX_TEMPLATES 32
#define EXPORT_MAX_COLLECTORS 16
#define EXPORT_MAX_MSG 65535

/* What an encoder reads of one expired flow. */
struct export_rec {
	const struct flow *f;
	enum flow_end_reason reason;
	const char *ifname; /* observed interface, may be NULL */
	uint32_t cpu;
	const struct template_def *tmpl; /* v9/IPFIX: chosen once per flow */
	uint16_t tmpl_id;
};

/* Settings shared by every collector of one exporting process. */
struct export_cfg {
	int version;	       /* 5, 9 or 10 */
	uint32_t domain_id;    /* v9 source id, IPFIX domain, v5 engine */
	uint32_t mtu;	       /* path MTU; messages fit it */
	uint32_t refresh_s;    /* template refresh by time (UDP) */
	uint32_t refresh_msgs; /* ... and by messages sent */
	size_t ntmpl;
	const struct template_def *tmpl[EXPORT_MAX_TEMPLATES];
};

struct collector_stats {
	uint64_t messages;     /* datagrams handed to the kernel */
	uint64_t data_records; /* flow records sent */
	uint64_t options_records;
	uint64_t templates; /* template records sent */
	uint64_t octets;    /* message octets sent */
	uint64_t send_errors;
	uint64_t refused; /* ECONNREFUSED: ICMP port unreachable */
};

struct exporter;
struct collector;

struct export_ops {
	const char *name;
	/* Append one flow record; sends full messages on the way. */
	void (*add)(struct collector *c, const struct export_rec *r);
	/* Send what is buffered. */
	void (*flush)(struct collector *c);
};

struct collector {
	char name[96]; /* as the user wrote it */
	int fd;
	struct sockaddr_storage addr;
	socklen_t addrlen;
	struct exporter *ex;
	const struct export_ops *ops;
	size_t maxlen; /* message octets that fit the MTU */

	/* the message being built */
	struct wbuf w;
	uint8_t *set_hdr; /* open set (flowset), or NULL */
	uint16_t set_id;
	uint32_t nrec;	       /* records in it (v5 flows, v9 count) */
	uint32_t ndata;	       /* data records in it (IPFIX seq.) */
	uint64_t msg_first_ns; /* clock when its first record came */

	/* RFC 7011 §8.4 / RFC 3954 §9: per-collector template state */
	uint32_t seq; /* v5 flows, v9 packets, IPFIX records */
	uint64_t tmpl_sent_ns;
	uint32_t msgs_since_tmpl;
	bool tmpl_sent;

	struct collector_stats stats;
	uint8_t buf[EXPORT_MAX_MSG];
};

struct exporter_stats {
	uint64_t flows;		  /* records handed to the exporter */
	uint64_t v5_skipped_ipv6; /* v5 cannot express IPv6 */
	uint64_t no_template;	  /* no configured template fits */
};

struct exporter {
	struct export_cfg cfg;
	uint64_t base_ns; /* sysUpTime origin */
	bool base_set;	  /* base_ns given (time 0 is a valid time) */
	uint64_t now_ns;  /* export clock (packet clock in files) */
	size_t ncoll;
	struct collector *coll[EXPORT_MAX_COLLECTORS];
	struct exporter_stats stats;
	bool warned_v5_ipv6;
	/* interfaceName of an ifindex, owned by the caller; may be NULL */
	const char *(*ifname)(void *ctx, uint32_t ifindex);
	void *ifname_ctx;
};

/* An exporter with cfg copied in and no collectors; NULL on ENOMEM. */
struct exporter *exporter_new(const struct export_cfg *cfg);

/*
 * Add a UDP collector "HOST:PORT", "[V6ADDR]:PORT", optionally "/udp".
 * Returns 0 or -errno, with a message for the user in err.
 */
int exporter_add_collector(struct exporter *ex, const char *spec, char *err,
			   size_t errlen);

/* Set the sysUpTime origin; call before the first record. */
void exporter_set_base(struct exporter *ex, uint64_t base_ns);

/* The flowcache expiry callback: ctx is the struct exporter. */
void exporter_flow(void *ctx, const struct flow *f,
		   enum flow_end_reason reason);

/* Advance the clock; sends messages that waited longer than a second. */
void exporter_tick(struct exporter *ex, uint64_t now_ns);

/* Send everything buffered in every collector. */
void exporter_flush(struct exporter *ex);

/* Flush, close the sockets, free; accepts NULL. */
void exporter_free(struct exporter *ex);

/* Helpers shared by the format files. */
uint32_t export_uptime_ms(const struct exporter *ex, uint64_t ns);
void collector_send(struct collector *c);
void record_encode(struct wbuf *w, const struct template_def *t,
		   const struct export_rec *r, const struct exporter *ex);

/* Octets of a message holding every template and options record of cfg. */
size_t export_templates_len(const struct export_cfg *cfg);

extern const struct export_ops export_v5_ops;
extern const struct export_ops export_v9_ops;
extern const struct export_ops export_ipfix_ops;

#endif
