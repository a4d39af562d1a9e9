// SPDX-License-Identifier: BSD-2-Clause
/*
 * transport.c - how whole messages reach one collector: the part common to
 * UDP and TCP, and UDP; TCP is transport_tcp.c.
 *
 * UDP: one datagram per message on a connected, non-blocking socket with
 * IP_RECVERR, so that ICMP errors (port unreachable: the collector is not
 * running) come back on the error queue, one entry per refused datagram,
 * and are counted with the records that datagram held. A full send buffer
 * (EAGAIN, or ENOBUFS from a full queueing discipline) drops the message
 * and counts it: the live packet path never waits for a collector (reading
 * a file, which has no clock to keep up with, it waits up to a second).
 * The messages of one export round are collected and go out in one
 * sendmmsg (transport_push): half of the export's cost was one send a
 * message. TCP's queue is written the same way, in one sendmsg a round.
 */
#define _GNU_SOURCE /* sendmmsg */
#include <errno.h>
#include <time.h> /* before linux/errqueue.h: struct timespec */
#include <linux/errqueue.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../common/clock.h"
#include "transport_int.h"

/* lossless mode: how long a full UDP send buffer is waited for */
#define UDP_WAITS 100
#define UDP_WAIT_MS 10
/* UDP messages collected for one sendmmsg: 32 of 1500 octets are 47 KiB
 * per collector, and one system call instead of 32 */
#define UDP_BATCH 32

/* Messages waiting for transport_push, in order, with what they hold. */
struct tx_batch {
	size_t slot; /* octets of a slot: the collector's maxlen */
	unsigned n;
	size_t len[UDP_BATCH];
	struct msg_count k[UDP_BATCH];
	uint8_t buf[]; /* UDP_BATCH slots */
};

uint64_t tx_mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NS + (uint64_t)ts.tv_nsec;
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static struct msg_count msg_count(struct collector *c)
{
	struct msg_count k;
	uint64_t opt = c->stats.options_records - c->tx.opt_seen;

	/* the fixed formats count their flows in nrec; options records are
	 * counted as the message is built, so those since the last message
	 * are its own */
	c->tx.opt_seen = c->stats.options_records;
	k.nrec = c->ops->fixed ? c->nrec : c->ndata;
	k.nflows = k.nrec > opt ? k.nrec - (uint32_t)opt : 0;
	k.npkts = c->npkts;
	k.noct = c->noct;
	c->npkts = 0;
	c->noct = 0;
	return k;
}

void tx_count_notsent(struct collector *c, struct msg_count k, bool refused)
{
	struct collector_stats *st = &c->stats;

	if (refused) {
		st->refused_records += k.nflows;
		st->refused_packets += k.npkts;
		st->refused_octets += k.noct;
	} else {
		st->dropped_messages++;
		st->dropped_message_octets += k.len;
		st->dropped_records += k.nflows;
		st->dropped_packets += k.npkts;
		st->dropped_octets += k.noct;
	}
	if (k.nflows == 0)
		return;
	if (st->notsent_first_ns == 0)
		st->notsent_first_ns = c->ex->now_ns;
	st->notsent_last_ns = c->ex->now_ns;
}

void tx_count_err(struct collector *c, enum tx_err e)
{
	c->stats.err[e]++;
	c->stats.send_errors++;
	if (e == TX_ERR_REFUSED)
		c->stats.refused++;
}

enum tx_err tx_err_of(int e)
{
	switch (e) {
	case ECONNREFUSED:
		return TX_ERR_REFUSED;
	case EAGAIN:
	case ENOBUFS:
		return TX_ERR_BACKPRESSURE;
	case EHOSTUNREACH:
	case ENETUNREACH:
	case EHOSTDOWN:
	case ENETDOWN:
	case EADDRNOTAVAIL:
		return TX_ERR_UNREACHABLE;
	case ECONNRESET:
	case EPIPE:
	case ETIMEDOUT:
	case ECONNABORTED:
		return TX_ERR_CONNECTION;
	default:
		return TX_ERR_OTHER;
	}
}

/* ---------------------------------------------------------------------- */
/* UDP                                                                    */

/* Remember what a datagram held, to count its records if it bounces. */
static void udp_remember(struct collector *c, const uint8_t *msg, size_t len,
			 struct msg_count k)
{
	struct transport *tx = &c->tx;
	size_t off = c->ops->seq_off;
	struct tx_sent *s;

	if (len < off + 4)
		return;
	s = &tx->sent[tx->nsent++ % TX_SENT_RING];
	s->seq = rd32(msg + off);
	s->nflows = k.nflows;
	s->npkts = k.npkts;
	s->noct = k.noct;
	s->valid = true;
}

/*
 * Read the error queue: each ICMP error quotes the start of the datagram
 * that caused it, whose header names it by sequence number. Returns the
 * number of errors read.
 */
static unsigned udp_errqueue(struct collector *c)
{
	struct transport *tx = &c->tx;
	size_t off = c->ops->seq_off;
	unsigned n = 0, i;

	for (;;) {
		uint8_t data[64], ctl[512];
		struct iovec iov = { data, sizeof(data) };
		struct msghdr mh = { .msg_iov = &iov,
				     .msg_iovlen = 1,
				     .msg_control = ctl,
				     .msg_controllen = sizeof(ctl) };
		const struct sock_extended_err *ee = NULL;
		struct cmsghdr *cm;
		ssize_t got;

		got = recvmsg(c->fd, &mh, MSG_ERRQUEUE | MSG_DONTWAIT);
		if (got < 0) {
			if (errno == EINTR)
				continue;
			break; /* EAGAIN: empty */
		}
		n++;
		for (cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm)) {
			if ((cm->cmsg_level == SOL_IP &&
			     cm->cmsg_type == IP_RECVERR) ||
			    (cm->cmsg_level == SOL_IPV6 &&
			     cm->cmsg_type == IPV6_RECVERR))
				ee = (const void *)CMSG_DATA(cm);
		}
		if (!ee) {
			tx_count_err(c, TX_ERR_OTHER);
			continue;
		}
		tx_count_err(c, tx_err_of((int)ee->ee_errno));
		if (ee->ee_errno != ECONNREFUSED)
			continue;
		/* the quoted datagram: which message, how many records */
		if ((size_t)got < off + 4)
			continue;
		for (i = 0; i < TX_SENT_RING; i++) {
			struct tx_sent *s = &tx->sent[i];

			if (s->valid && s->seq == rd32(data + off)) {
				struct msg_count k = { .nflows = s->nflows,
						       .npkts = s->npkts,
						       .noct = s->noct };

				tx_count_notsent(c, k, true);
				s->valid = false;
				break;
			}
		}
	}
	return n;
}

/*
 * Send msgs[0..n) (what k says they hold) in as few sendmmsg calls as the
 * socket allows; a message that fails is handled as a lone send would be
 * (lossless waits, a refusal reported for an earlier datagram), then the
 * rest goes on.
 */
static void udp_sendv(struct collector *c, const uint8_t *const *msgs,
		      const size_t *lens, const struct msg_count *k, unsigned n)
{
	struct mmsghdr mm[UDP_BATCH];
	struct iovec iov[UDP_BATCH];
	unsigned i = 0, j;
	int tries = 0, waits = 0, r;

	udp_errqueue(c);
	for (j = 0; j < n; j++) {
		iov[j].iov_base = (void *)msgs[j];
		iov[j].iov_len = lens[j];
		memset(&mm[j], 0, sizeof(mm[j]));
		mm[j].msg_hdr.msg_iov = &iov[j];
		mm[j].msg_hdr.msg_iovlen = 1;
	}
	while (i < n) {
		r = sendmmsg(c->fd, mm + i, n - i, MSG_DONTWAIT);
		if (r > 0) {
			for (j = i; j < i + (unsigned)r; j++)
				udp_remember(c, msgs[j], lens[j], k[j]);
			i += (unsigned)r;
			c->tx.gave_up = false;
			tries = 0;
			waits = 0;
			continue;
		}
		if (r < 0 && errno == EINTR)
			continue;
		/* lossless (files): a full send buffer or queue is waited
		 * for, up to a second, instead of dropping */
		if (r < 0 && (errno == EAGAIN || errno == ENOBUFS) &&
		    c->ex->cfg.lossless && !c->tx.gave_up &&
		    waits++ < UDP_WAITS) {
			struct pollfd p = { .fd = c->fd, .events = POLLOUT };

			poll(&p, errno == EAGAIN ? 1 : 0, UDP_WAIT_MS);
			continue;
		}
		if (waits > UDP_WAITS)
			c->tx.gave_up = true;
		/* a connected UDP socket reports the ICMP error of an earlier
		 * datagram on this send, which then did not happen: count the
		 * error from the queue and send this one after all */
		if (r < 0 && errno == ECONNREFUSED && tries++ == 0) {
			if (udp_errqueue(c) == 0)
				tx_count_err(c, TX_ERR_REFUSED);
			continue;
		}
		tx_count_err(c, r < 0 ? tx_err_of(errno) : TX_ERR_OTHER);
		tx_count_notsent(c, k[i], false);
		i++;
		tries = 0;
		waits = 0;
	}
}

void transport_push(struct collector *c)
{
	struct tx_batch *b = c->tx.batch;
	const uint8_t *msgs[UDP_BATCH];
	unsigned i;

	if (c->tx.proto == TX_TCP) {
		tcp_push(c);
		return;
	}
	if (!b || !b->n)
		return;
	for (i = 0; i < b->n; i++)
		msgs[i] = b->buf + (size_t)i * b->slot;
	udp_sendv(c, msgs, b->len, b->k, b->n);
	b->n = 0;
}

static void udp_send(struct collector *c, const uint8_t *msg, size_t len,
		     struct msg_count k)
{
	struct tx_batch *b = c->tx.batch;

	if (!b) {
		b = malloc(sizeof(*b) + (size_t)UDP_BATCH * c->maxlen);
		if (b) {
			b->slot = c->maxlen;
			b->n = 0;
		}
		c->tx.batch = b;
	}
	if (!b || len > b->slot) {
		/* no room to collect it: after those collected, alone */
		transport_push(c);
		udp_sendv(c, &msg, &len, &k, 1);
		return;
	}
	memcpy(b->buf + (size_t)b->n * b->slot, msg, len);
	b->len[b->n] = len;
	b->k[b->n] = k;
	if (++b->n == UDP_BATCH)
		transport_push(c);
}

/* ---------------------------------------------------------------------- */

void tx_set_ip(const struct collector *c, int fd)
{
	/* RFC 2474: the DSCP is the high 6 bits of the TOS / traffic
	 * class; a TTL of -1 is Linux's "the system's default" */
	int tos = c->dscp << 2, ttl = c->ttl ? c->ttl : -1;
	bool v6 = c->addr.ss_family == AF_INET6;

	/* best effort, as IOS: the packets go either way */
	setsockopt(fd, v6 ? IPPROTO_IPV6 : IPPROTO_IP,
		   v6 ? IPV6_TCLASS : IP_TOS, &tos, sizeof(tos));
	setsockopt(fd, v6 ? IPPROTO_IPV6 : IPPROTO_IP,
		   v6 ? IPV6_UNICAST_HOPS : IP_TTL, &ttl, sizeof(ttl));
}

/* A connected UDP socket from c's source: the descriptor, or -errno with
 * a message in err. */
static int udp_socket(struct collector *c, char *err, size_t errlen)
{
	int fd, e, one = 1;

	fd = socket(c->addr.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_UDP);
	if (fd < 0) {
		e = errno;
		snprintf(err, errlen, "collector '%s': %s", c->name,
			 strerror(e));
		return -e;
	}
	tx_set_ip(c, fd);
	e = -tx_bind_source(c, fd);
	if (e) {
		char port[16] = "";

		if (c->sport)
			snprintf(port, sizeof(port), "port %u", c->sport);
		snprintf(err, errlen, "collector '%s': source %s%s%s: %s",
			 c->name, c->source,
			 c->source[0] && c->sport ? " " : "", port,
			 strerror(e));
		close(fd);
		return -e;
	}
	if (connect(fd, (struct sockaddr *)&c->addr, c->addrlen) < 0) {
		e = errno;
		snprintf(err, errlen, "collector '%s': %s", c->name,
			 strerror(e));
		close(fd);
		return -e;
	}
	/* ICMP errors (and local queueing drops, as ENOBUFS) reported */
	if (c->addr.ss_family == AF_INET6)
		setsockopt(fd, SOL_IPV6, IPV6_RECVERR, &one, sizeof(one));
	else
		setsockopt(fd, SOL_IP, IP_RECVERR, &one, sizeof(one));
	return fd;
}

/* The source interface's address changed: go on from a new socket. */
static void udp_follow_source(struct collector *c)
{
	char err[256];
	int fd;

	if (!tx_source_moved(c, tx_mono_ns()))
		return;
	udp_errqueue(c);
	fd = udp_socket(c, err, sizeof(err));
	if (fd < 0) {
		/* (an IPv6 address is not bound before its duplicate address
		 * detection ends): the old socket goes on, a retry is due */
		memset(&c->src, 0, sizeof(c->src));
		return;
	}
	close(c->fd);
	c->fd = fd;
}

int transport_open(struct collector *c, enum tx_proto proto, size_t limit,
		   char *err, size_t errlen)
{
	struct transport *tx = &c->tx;

	tx->proto = proto;
	tx->limit = limit;
	c->fd = -1;
	if (proto == TX_TCP) {
		tcp_open(c);
		return 0;
	}
	c->fd = udp_socket(c, err, errlen);
	if (c->fd < 0) {
		int e = -c->fd;

		c->fd = -1;
		return -e;
	}
	c->src_next_ns = tx_mono_ns() + SOURCE_RECHECK_NS;
	tx->state = TX_UP;
	return 0;
}

void collector_send(struct collector *c)
{
	size_t len = wbuf_len(&c->w);
	struct msg_count k = msg_count(c);

	k.len = (uint32_t)len;
	c->stats.messages++;
	c->stats.octets += len;
	if (!collector_resolved(c)) {
		/* its name resolves later (resolve.c): not sent, counted */
		tx_count_err(c, TX_ERR_UNRESOLVED);
		tx_count_notsent(c, k, false);
	} else if (c->tx.proto == TX_TCP)
		tcp_send(c, c->w.start, len, k);
	else
		udp_send(c, c->w.start, len, k);
}

void transport_poll(struct collector *c)
{
	if (!collector_resolved(c))
		return;
	if (c->tx.proto == TX_TCP)
		tcp_poll(c, tx_mono_ns());
	else if (c->fd >= 0) {
		udp_errqueue(c);
		udp_follow_source(c);
	}
}

void transport_close(struct collector *c)
{
	if (c->tx.proto == TX_TCP) {
		tcp_close(c);
		return;
	}
	if (c->fd >= 0) {
		transport_push(c);
		close(c->fd);
	}
	c->fd = -1;
	free(c->tx.batch);
	c->tx.batch = NULL;
}
