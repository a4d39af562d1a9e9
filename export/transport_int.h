/* SPDX-License-Identifier: BSD-2-Clause */
/* transport_int.h - what transport.c and transport_tcp.c share. */
#ifndef XFLOWD_TRANSPORT_INT_H
#define XFLOWD_TRANSPORT_INT_H

#include <stdint.h>

#include "export.h"

/* What the message being sent holds. */
struct msg_count {
	uint32_t nrec;	 /* data records, options data included: the
			  * IPFIX sequence (RFC 7011 §3.1) */
	uint32_t nflows; /* flow records: what the counters account */
	uint64_t npkts;	 /* ... and the packets and octets those flows */
	uint64_t noct;	 /* account (notSent*TotalCount) */
	uint32_t len;	 /* message octets */
};

/* A message of k records was dropped or refused: count what it held. */
void tx_count_notsent(struct collector *c, struct msg_count k, bool refused);

/* Monotonic clock, ns: reconnect timing (the export clock may be a
 * file's). */
uint64_t tx_mono_ns(void);
/* Count a failed send by its reason. */
void tx_count_err(struct collector *c, enum tx_err e);
enum tx_err tx_err_of(int e);

/* source.c: how often a UDP collector looks at its source interface's
 * address again */
#define SOURCE_RECHECK_NS 1000000000ull

/* Bind fd to c's source address and port, when it has either (and
 * remember the address in c->src); 0 or -errno. */
int tx_bind_source(struct collector *c, int fd);

/* Give fd (of c's family) c's DSCP and TTL (the system's when 0). */
void tx_set_ip(const struct collector *c, int fd);

/* c->source (an interface or an address) resolved for c's family into
 * *sa, port 0; an empty source is the unspecified address. 0, or -ENODEV
 * (no such interface), -EADDRNOTAVAIL (the interface has no address of
 * the family), -EAFNOSUPPORT (an address of the other family). */
int tx_source_addr(const struct collector *c, struct sockaddr_storage *sa);

/* Give c the source IFNAME|ADDRESS (NULL or "": none); 0 or as
 * tx_source_addr(), except that an interface without an address is
 * accepted (it is followed). */
int tx_source_set(struct collector *c, const char *source);

/* At most every SOURCE_RECHECK_NS: has c's source interface's address
 * changed from the one its socket is bound to? */
bool tx_source_moved(struct collector *c, uint64_t now_ns);

/* transport_tcp.c: start connecting; take a message (sent, queued or
 * dropped and counted); connect, reconnect and write; close and free. */
void tcp_open(struct collector *c);
void tcp_send(struct collector *c, uint8_t *msg, size_t len,
	      struct msg_count k);
void tcp_poll(struct collector *c, uint64_t now);
/* the end of an export round: write what it queued */
void tcp_push(struct collector *c);
void tcp_close(struct collector *c);
/* resolve.c: the collector's name has a new address: the connection to
 * the old one ends, what is queued goes to the new one (no loss). */
void tcp_moved(struct collector *c, uint64_t now);

/* exporter.c: encode one record for every collector now. */
void exporter_send_rec(struct exporter *ex, const struct flow *f,
		       enum flow_end_reason reason,
		       const struct template_def *tmpl, uint16_t tmpl_id);
/* pace.c: allocate the queue (cfg.pace.rate set), 0 or -ENOMEM; queue
 * a record (or count it as not sent when the queue is full); count what
 * still waits as not sent and free the queue. */
int pace_init(struct exporter *ex);
void pace_enqueue(struct exporter *ex, const struct flow *f,
		  enum flow_end_reason reason, const struct template_def *tmpl,
		  uint16_t tmpl_id);
void pace_free_rest(struct exporter *ex);
void pace_free(struct exporter *ex);

#endif
