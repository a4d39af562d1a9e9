// SPDX-License-Identifier: BSD-2-Clause
/*
 * transport.c - how whole messages reach one collector.
 *
 * UDP: one datagram per message on a connected, non-blocking socket with
 * IP_RECVERR, so that ICMP errors (port unreachable: the collector is not
 * running) come back on the error queue, one entry per refused datagram,
 * and are counted with the records that datagram held. A full send buffer
 * (EAGAIN, or ENOBUFS from a full queueing discipline) drops the message
 * and counts it: the packet path never waits for a collector.
 *
 * TCP (RFC 7011 §10.4): a byte stream of whole messages. The connection is
 * opened in the background (non-blocking connect, completion seen by
 * transport_poll) and reopened after a loss with exponential backoff. On
 * every new connection the templates and options records go first
 * (RFC 7011 §8: a Collecting Process forgets a Transport Session's templates
 * when it closes), then what was buffered. Messages wait in a queue bounded
 * in octets; a message that does not fit is dropped and counted, never cut,
 * and a partly written message is finished before the next one starts.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/errqueue.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <linux/sockios.h>
#include <time.h>
#include <unistd.h>

#include "../daemon/log.h"
#include "export.h"

#define NS 1000000000ull
#define MS 1000000ull
#define BACKOFF_MIN_S 1
#define BACKOFF_MAX_S 60
/* a SYN into a black hole takes minutes to fail; try again sooner */
#define CONNECT_TIMEOUT_NS (5 * NS)
/* RFC 7011 §3.1: the sequence number follows version, length, time */
#define IPFIX_SEQ_OFF 8

/* A whole message waiting for the TCP socket. */
struct tx_msg {
	struct tx_msg *next;
	uint32_t len;
	uint32_t nrec;	 /* data records: what it adds to the sequence */
	uint32_t nflows; /* ... of which flow records (not options) */
	uint32_t gap;	 /* records dropped after it (overflow), see tx_drop */
	bool tmpl;	 /* the templates of one connection */
	uint8_t data[];
};

static const char *const err_names[TX_ERR_N] = {
	[TX_ERR_REFUSED] = "refused",
	[TX_ERR_BACKPRESSURE] = "backpressure",
	[TX_ERR_UNREACHABLE] = "unreachable",
	[TX_ERR_CONNECTION] = "connection",
	[TX_ERR_OTHER] = "other",
};

static uint64_t mono_ns(void)
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

/* Octets into a message of its sequence number (v5, v9, IPFIX headers). */
static size_t seq_off(int version)
{
	return version == 5 ? 16 : version == 9 ? 12 : IPFIX_SEQ_OFF;
}

/* What the message being sent holds. */
struct msg_count {
	uint32_t nrec;	 /* data records, options data included: the
			  * IPFIX sequence (RFC 7011 §3.1) */
	uint32_t nflows; /* flow records: what the counters account */
};

static struct msg_count msg_count(struct collector *c)
{
	struct msg_count k;
	uint64_t opt = c->stats.options_records - c->tx.opt_seen;

	/* v5 counts its flows in nrec; options records are counted as the
	 * message is built, so those since the last message are its own */
	c->tx.opt_seen = c->stats.options_records;
	k.nrec = c->ex->cfg.version == 5 ? c->nrec : c->ndata;
	k.nflows = k.nrec > opt ? k.nrec - (uint32_t)opt : 0;
	return k;
}

static void count_err(struct collector *c, enum tx_err e)
{
	c->stats.err[e]++;
	c->stats.send_errors++;
	if (e == TX_ERR_REFUSED)
		c->stats.refused++;
}

static enum tx_err err_of(int e)
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
			 uint32_t nflows)
{
	struct transport *tx = &c->tx;
	size_t off = seq_off(c->ex->cfg.version);
	struct tx_sent *s;

	if (len < off + 4)
		return;
	s = &tx->sent[tx->nsent++ % TX_SENT_RING];
	s->seq = rd32(msg + off);
	s->nflows = nflows;
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
	size_t off = seq_off(c->ex->cfg.version);
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
			count_err(c, TX_ERR_OTHER);
			continue;
		}
		count_err(c, err_of((int)ee->ee_errno));
		if (ee->ee_errno != ECONNREFUSED)
			continue;
		/* the quoted datagram: which message, how many records */
		if ((size_t)got < off + 4)
			continue;
		for (i = 0; i < TX_SENT_RING; i++) {
			struct tx_sent *s = &tx->sent[i];

			if (s->valid && s->seq == rd32(data + off)) {
				c->stats.refused_records += s->nflows;
				s->valid = false;
				break;
			}
		}
	}
	return n;
}

static void udp_send(struct collector *c, const uint8_t *msg, size_t len,
		     struct msg_count k)
{
	int tries = 0;
	ssize_t n;

	udp_errqueue(c);
	for (;;) {
		n = send(c->fd, msg, len, MSG_DONTWAIT);
		if (n >= 0) {
			udp_remember(c, msg, len, k.nflows);
			return;
		}
		if (errno == EINTR)
			continue;
		/* a connected UDP socket reports the ICMP error of an earlier
		 * datagram on this send, which then did not happen: count the
		 * error from the queue and send this one after all */
		if (errno == ECONNREFUSED && tries++ == 0) {
			if (udp_errqueue(c) == 0)
				count_err(c, TX_ERR_REFUSED);
			continue;
		}
		break;
	}
	count_err(c, err_of(errno));
	c->stats.dropped_messages++;
	c->stats.dropped_records += k.nflows;
}

/* ---------------------------------------------------------------------- */
/* TCP                                                                    */

/* Queue m at the tail, or after "after" (NULL: at the head). */
static void q_push(struct transport *tx, struct tx_msg *m, bool head,
		   struct tx_msg *after)
{
	if (head && after) {
		m->next = after->next;
		after->next = m;
		if (tx->tail == after)
			tx->tail = m;
	} else if (head) {
		m->next = tx->head;
		tx->head = m;
		if (!tx->tail)
			tx->tail = m;
	} else {
		m->next = NULL;
		if (tx->tail)
			tx->tail->next = m;
		else
			tx->head = m;
		tx->tail = m;
	}
	tx->queued += m->len;
	tx->nqueued++;
}

static void q_pop(struct transport *tx)
{
	struct tx_msg *m = tx->head;

	tx->head = m->next;
	if (!tx->head)
		tx->tail = NULL;
	tx->queued -= m->len;
	tx->nqueued--;
	tx->off = 0;
	free(m);
}

static struct tx_msg *msg_copy(const uint8_t *p, size_t len, struct msg_count k)
{
	struct tx_msg *m = malloc(sizeof(*m) + len);

	if (!m)
		return NULL;
	memset(m, 0, sizeof(*m));
	m->len = (uint32_t)len;
	m->nrec = k.nrec;
	m->nflows = k.nflows;
	memcpy(m->data, p, len);
	return m;
}

/*
 * A message that will never be sent. Its records still advance the
 * sequence number, right after the message queued before it, so that the
 * collector sees the gap where they were lost.
 */
static void tx_drop(struct collector *c, struct msg_count k)
{
	struct transport *tx = &c->tx;

	c->stats.dropped_messages++;
	c->stats.dropped_records += k.nflows;
	if (tx->tail)
		tx->tail->gap += k.nrec;
	else
		tx->gap += k.nrec;
}

static void tcp_lost(struct collector *c, int err, uint64_t now)
{
	struct transport *tx = &c->tx;
	struct tx_msg **pp, *m;
	int unacked = 0;

	/* what the kernel held unacknowledged is gone with the connection */
	if (tx->state == TX_UP && ioctl(c->fd, SIOCOUTQ, &unacked) == 0 &&
	    unacked > 0)
		c->stats.unacked_octets += (uint64_t)unacked;
	if (tx->state == TX_UP) {
		c->stats.disconnects++;
		pr_warn("collector %s: connection lost (%s); buffering up to "
			"%zu octets and reconnecting\n",
			c->name,
			err ? strerror(err) : "closed by the collector",
			tx->limit);
	} else {
		c->stats.connect_failures++;
		if (!tx->warned)
			pr_warn("collector %s: cannot connect (%s); buffering "
				"up to %zu octets and retrying\n",
				c->name, strerror(err), tx->limit);
		tx->warned = true;
	}
	if (err)
		count_err(c, err_of(err));
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	tx->state = TX_DOWN;
	/* a partly written message goes again, whole, on the next
	 * connection; that connection gets templates of its own */
	tx->off = 0;
	for (pp = &tx->head; (m = *pp);) {
		if (m->tmpl) {
			*pp = m->next;
			tx->queued -= m->len;
			tx->nqueued--;
			free(m);
		} else {
			pp = &m->next;
		}
	}
	tx->tail = NULL;
	for (m = tx->head; m; m = m->next)
		tx->tail = m;
	tx->next_try_ns = now + (uint64_t)tx->backoff_s * NS;
	if (tx->backoff_s < BACKOFF_MAX_S)
		tx->backoff_s = tx->backoff_s * 2 > BACKOFF_MAX_S
					? BACKOFF_MAX_S
					: tx->backoff_s * 2;
}

/*
 * The connection is up: templates first, then the queue in order. Called
 * from collector_send too (lossless mode, waiting for room): then c->w is
 * the message being sent, already copied to tx->cur; the templates are
 * built in c->w and the state of the message is put back after.
 */
static void tcp_up(struct collector *c)
{
	struct transport *tx = &c->tx;
	struct wbuf w = c->w;
	uint8_t *set_hdr = c->set_hdr;
	uint16_t set_id = c->set_id;
	uint32_t nrec = c->nrec, ndata = c->ndata;
	uint64_t first_ns = c->msg_first_ns;

	c->stats.connects++;
	tx->backoff_s = BACKOFF_MIN_S;
	if (c->stats.connects > 1 || tx->warned)
		pr_info("collector %s: connected\n", c->name);
	tx->warned = false;
	tx->gave_up = false;
	/* RFC 7011 §3.1: a new Transport Session, a new sequence */
	tx->seq = 0;
	tx->gap = 0;
	tx->in_up = true;
	/* what is being built goes behind what waits ... */
	if (!tx->cur)
		c->ops->flush(c);
	/* ... and the templates and options records before all of it */
	if (c->ops->templates) {
		tx->to_head = true;
		tx->ins = NULL;
		c->ops->templates(c);
		tx->to_head = false;
		tx->ins = NULL;
	}
	if (tx->cur) {
		c->w = w;
		c->set_hdr = set_hdr;
		c->set_id = set_id;
		c->nrec = nrec;
		c->ndata = ndata;
		c->msg_first_ns = first_ns;
		memcpy(w.start, tx->cur, wbuf_len(&w));
	}
	tx->in_up = false;
	tx->state = TX_UP;
}

/*
 * Collectors never write: a readable socket means the collector closed or
 * reset the connection. Seen before writing, so that nothing more is lost
 * into a connection that is going away. False when the connection is lost.
 */
static bool tcp_alive(struct collector *c, uint64_t now)
{
	uint8_t junk[256];
	ssize_t n;

	for (;;) {
		n = recv(c->fd, junk, sizeof(junk), MSG_DONTWAIT);
		if (n > 0)
			continue; /* not ours to read: discarded */
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return true;
		tcp_lost(c, n == 0 ? 0 : errno, now);
		return false;
	}
}

/* Write from the queue until it is empty or the socket is full. */
static void tcp_write(struct collector *c, uint64_t now)
{
	struct transport *tx = &c->tx;
	ssize_t n;

	if (!tcp_alive(c, now))
		return;
	while (tx->head) {
		struct tx_msg *m = tx->head;

		if (tx->off == 0)
			be32_store(m->data + IPFIX_SEQ_OFF, tx->seq);
		n = send(c->fd, m->data + tx->off, m->len - tx->off,
			 MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN) {
				count_err(c, TX_ERR_BACKPRESSURE);
				return;
			}
			tcp_lost(c, errno, now);
			return;
		}
		tx->off += (size_t)n;
		if (tx->off < m->len)
			continue;
		tx->seq += m->nrec + m->gap;
		q_pop(tx);
	}
	/* records dropped while nothing was queued come after all of it */
	tx->seq += tx->gap;
	tx->gap = 0;
	tx->gave_up = false;
}

static void tcp_start(struct collector *c, uint64_t now)
{
	struct transport *tx = &c->tx;
	int fd, one = 1;

	c->stats.connect_attempts++;
	tx->since_ns = now;
	fd = socket(c->addr.ss_family,
		    SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_TCP);
	if (fd < 0) {
		c->fd = -1;
		tx->state = TX_CONNECTING; /* so tcp_lost backs off */
		tcp_lost(c, errno, now);
		return;
	}
	/* whole messages go out as they are made */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	c->fd = fd;
	tx->state = TX_CONNECTING;
	/* even a connect that completes at once is taken up by tcp_poll:
	 * the templates need the time base, which may not be set yet */
	if (connect(fd, (struct sockaddr *)&c->addr, c->addrlen) < 0 &&
	    errno != EINPROGRESS && errno != EINTR)
		tcp_lost(c, errno, now);
}

/* Connect when due, see a connect complete, write what waits. */
static void tcp_poll(struct collector *c, uint64_t now)
{
	struct transport *tx = &c->tx;
	struct pollfd p;
	socklen_t sl;
	int err;

	switch (tx->state) {
	case TX_DOWN:
		if (now >= tx->next_try_ns)
			tcp_start(c, now);
		return;
	case TX_CONNECTING:
		if (!c->ex->base_set)
			return;
		p.fd = c->fd;
		p.events = POLLOUT;
		p.revents = 0;
		if (poll(&p, 1, 0) <= 0) {
			if (now >= tx->since_ns + CONNECT_TIMEOUT_NS)
				tcp_lost(c, ETIMEDOUT, now);
			return;
		}
		err = 0;
		sl = sizeof(err);
		if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &sl) < 0)
			err = errno;
		if (err) {
			tcp_lost(c, err, now);
			return;
		}
		tcp_up(c);
		tcp_write(c, now);
		return;
	case TX_UP:
		if (tx->head)
			tcp_write(c, now);
		else
			tcp_alive(c, now);
		return;
	}
}

/*
 * Lossless mode (files): wait until the queue has room for len more
 * octets, connecting and writing meanwhile; give up after tcp_linger_s
 * without progress, and from then on drop at once until a connection
 * takes what waits.
 */
static void tcp_wait_room(struct collector *c, const struct tx_msg *m)
{
	struct transport *tx = &c->tx;
	uint64_t linger = (uint64_t)c->ex->cfg.tcp_linger_s * NS;
	uint64_t now = mono_ns(), deadline = now + linger;
	size_t last = tx->queued;

	tx->cur = m->data;
	while (tx->queued + m->len > tx->limit) {
		struct pollfd p = { .fd = c->fd, .events = POLLOUT };
		uint64_t wake = now + 100 * MS;

		tcp_poll(c, now);
		now = mono_ns();
		if (tx->queued < last) {
			last = tx->queued;
			deadline = now + linger;
		}
		if (tx->queued + m->len <= tx->limit)
			break;
		if (now >= deadline) {
			tx->gave_up = true;
			break;
		}
		if (tx->state == TX_DOWN && tx->next_try_ns < wake)
			wake = tx->next_try_ns;
		if (wake > deadline)
			wake = deadline;
		if (wake > now)
			poll(&p, tx->state == TX_DOWN ? 0 : 1,
			     (int)((wake - now + MS - 1) / MS));
		now = mono_ns();
	}
	tx->cur = NULL;
}

static void tcp_send(struct collector *c, uint8_t *msg, size_t len,
		     struct msg_count k)
{
	struct transport *tx = &c->tx;
	struct tx_msg *m;
	ssize_t n = 0;

	if (tx->to_head) {
		/* the templates of a new connection: never dropped */
		m = msg_copy(msg, len, k);
		if (!m) {
			count_err(c, TX_ERR_OTHER);
			return;
		}
		/* in the order made: templates, then the options records
		 * that may follow them in messages of their own */
		m->tmpl = true;
		q_push(tx, m, true, tx->ins);
		tx->ins = m;
		goto peak;
	}
	if (tx->state == TX_UP && !tx->head && tcp_alive(c, mono_ns())) {
		/* the common case: straight to the socket */
		be32_store(msg + IPFIX_SEQ_OFF, tx->seq);
		do
			n = send(c->fd, msg, len, MSG_DONTWAIT | MSG_NOSIGNAL);
		while (n < 0 && errno == EINTR);
		if (n == (ssize_t)len) {
			tx->seq += k.nrec + tx->gap;
			tx->gap = 0;
			return;
		}
		if (n < 0 && errno != EAGAIN) {
			tcp_lost(c, errno, mono_ns());
			n = 0;
		} else if (n < 0) {
			count_err(c, TX_ERR_BACKPRESSURE);
			n = 0;
		}
	}
	m = msg_copy(msg, len, k);
	if (!m) {
		count_err(c, TX_ERR_OTHER);
		tx_drop(c, k);
		return;
	}
	/* a partly written message is queued first whatever the bound:
	 * it is finished next, never cut */
	if (n == 0 && tx->queued + len > tx->limit && c->ex->cfg.lossless &&
	    !tx->in_up && !tx->gave_up)
		tcp_wait_room(c, m);
	if (n == 0 && tx->queued + len > tx->limit) {
		free(m);
		tx_drop(c, k);
		return;
	}
	q_push(tx, m, false, NULL);
	if (n > 0)
		tx->off = (size_t)n;
	else if (tx->state == TX_UP && !tx->in_up)
		tcp_write(c, mono_ns());
peak:
	if (tx->queued > c->stats.buffered_peak)
		c->stats.buffered_peak = tx->queued;
}

/* ---------------------------------------------------------------------- */

int transport_open(struct collector *c, enum tx_proto proto, size_t limit,
		   char *err, size_t errlen)
{
	struct transport *tx = &c->tx;
	int one = 1;

	tx->proto = proto;
	tx->limit = limit;
	tx->backoff_s = BACKOFF_MIN_S;
	c->fd = -1;
	if (proto == TX_TCP) {
		/* the first attempt now; the packet path never waits for it */
		tx->state = TX_DOWN;
		tcp_start(c, mono_ns());
		return 0;
	}
	c->fd = socket(c->addr.ss_family, SOCK_DGRAM | SOCK_CLOEXEC,
		       IPPROTO_UDP);
	if (c->fd < 0 ||
	    connect(c->fd, (struct sockaddr *)&c->addr, c->addrlen) < 0) {
		int e = errno;

		snprintf(err, errlen, "collector '%s': %s", c->name,
			 strerror(e));
		if (c->fd >= 0)
			close(c->fd);
		c->fd = -1;
		return -e;
	}
	/* ICMP errors (and local queueing drops, as ENOBUFS) reported */
	if (c->addr.ss_family == AF_INET6)
		setsockopt(c->fd, SOL_IPV6, IPV6_RECVERR, &one, sizeof(one));
	else
		setsockopt(c->fd, SOL_IP, IP_RECVERR, &one, sizeof(one));
	tx->state = TX_UP;
	return 0;
}

void collector_send(struct collector *c)
{
	size_t len = wbuf_len(&c->w);
	struct msg_count k = msg_count(c);

	c->stats.messages++;
	c->stats.octets += len;
	if (c->tx.proto == TX_TCP)
		tcp_send(c, c->w.start, len, k);
	else
		udp_send(c, c->w.start, len, k);
}

void transport_poll(struct collector *c)
{
	if (c->tx.proto == TX_TCP)
		tcp_poll(c, mono_ns());
	else if (c->fd >= 0)
		udp_errqueue(c);
}

/* Unacknowledged octets in the kernel, or 0. */
static int tcp_unacked(const struct collector *c)
{
	int n = 0;

	if (c->tx.proto != TX_TCP || c->tx.state != TX_UP ||
	    ioctl(c->fd, SIOCOUTQ, &n) < 0)
		return 0;
	return n;
}

void exporter_drain(struct exporter *ex, uint64_t timeout_ns)
{
	uint64_t now = mono_ns(), deadline = now + timeout_ns;
	size_t i;

	exporter_flush(ex);
	for (;;) {
		struct pollfd p[EXPORT_MAX_COLLECTORS];
		uint64_t wake = deadline;
		nfds_t np = 0;
		bool busy = false;

		for (i = 0; i < ex->ncoll; i++) {
			struct collector *c = ex->coll[i];
			struct transport *tx = &c->tx;

			transport_poll(c);
			if (tx->proto != TX_TCP)
				continue;
			if (tx->head) {
				busy = true;
				if (tx->state == TX_DOWN) {
					if (tx->next_try_ns < wake)
						wake = tx->next_try_ns;
					continue;
				}
				p[np].fd = c->fd;
				p[np].events = POLLOUT;
				np++;
			} else if (tcp_unacked(c) > 0) {
				/* written, not yet taken: the collector
				 * may still be reading */
				busy = true;
				if (now + 20 * MS < wake)
					wake = now + 20 * MS;
			}
		}
		now = mono_ns();
		if (!busy || now >= deadline)
			break;
		if (wake > deadline)
			wake = deadline;
		if (np && now + 100 * MS < wake)
			wake = now + 100 * MS;
		if (wake > now)
			poll(p, np, (int)((wake - now + MS - 1) / MS));
		now = mono_ns();
	}
	/* what is still queued will never be sent */
	for (i = 0; i < ex->ncoll; i++) {
		struct collector *c = ex->coll[i];
		struct transport *tx = &c->tx;
		uint64_t msgs = 0, recs = 0;

		if (tx->proto != TX_TCP)
			continue;
		c->stats.unacked_octets += (uint64_t)tcp_unacked(c);
		while (tx->head) {
			if (!tx->head->tmpl) {
				msgs++;
				recs += tx->head->nflows;
			}
			q_pop(tx);
		}
		c->stats.dropped_messages += msgs;
		c->stats.dropped_records += recs;
		if (msgs)
			pr_warn("collector %s: %llu messages (%llu records) "
				"not delivered at exit\n",
				c->name, (unsigned long long)msgs,
				(unsigned long long)recs);
	}
}

void transport_close(struct collector *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	while (c->tx.head)
		q_pop(&c->tx);
}

void transport_stats_json(FILE *f, const struct collector *c)
{
	const struct collector_stats *s = &c->stats;
	int e;

	fprintf(f,
		", \"transport\": \"%s\", \"connects\": %llu, "
		"\"disconnects\": %llu, \"connect_attempts\": %llu, "
		"\"connect_failures\": %llu, \"buffered_octets\": %zu, "
		"\"buffered_messages\": %zu, \"buffered_peak\": %llu, "
		"\"dropped_messages\": %llu, \"dropped_records\": %llu, "
		"\"refused_records\": %llu, \"unacked_octets\": %llu, "
		"\"errors\": {",
		c->tx.proto == TX_TCP ? "tcp" : "udp",
		(unsigned long long)s->connects,
		(unsigned long long)s->disconnects,
		(unsigned long long)s->connect_attempts,
		(unsigned long long)s->connect_failures, c->tx.queued,
		c->tx.nqueued, (unsigned long long)s->buffered_peak,
		(unsigned long long)s->dropped_messages,
		(unsigned long long)s->dropped_records,
		(unsigned long long)s->refused_records,
		(unsigned long long)s->unacked_octets);
	for (e = 0; e < TX_ERR_N; e++)
		fprintf(f, "%s\"%s\": %llu", e ? ", " : "", err_names[e],
			(unsigned long long)s->err[e]);
	fputc('}', f);
}
