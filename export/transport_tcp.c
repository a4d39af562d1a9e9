// SPDX-License-Identifier: BSD-2-Clause
/*
 * transport_tcp.c - IPFIX over TCP to one collector.
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
#include <errno.h>
#include <linux/sockios.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "../common/clock.h"
#include "../common/log.h"
#include "transport_int.h"

#define BACKOFF_MIN_S 1
#define BACKOFF_MAX_S 60
/* a SYN into a black hole takes minutes to fail; try again sooner */
#define CONNECT_TIMEOUT_NS (5 * NS)
/* RFC 7011 §3.1: the sequence number follows version, length, time */
#define IPFIX_SEQ_OFF 8
/* the messages of one export round go out in one sendmsg: at most this
 * many, and a write starts once this many octets wait */
#define TCP_IOV 64
#define TCP_BATCH (64 * 1024)

/* A whole message waiting for the TCP socket. */
struct tx_msg {
	struct tx_msg *next;
	uint32_t len;
	uint32_t nrec;	 /* data records: what it adds to the sequence */
	uint32_t nflows; /* ... of which flow records (not options) */
	uint64_t npkts;	 /* the packets and octets those flows account */
	uint64_t noct;
	uint32_t gap; /* records dropped after it (overflow), see tx_drop */
	bool tmpl;    /* the templates of one connection */
	uint8_t data[];
};

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
	m->npkts = k.npkts;
	m->noct = k.noct;
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

	tx_count_notsent(c, k, false);
	if (tx->tail)
		tx->tail->gap += k.nrec;
	else
		tx->gap += k.nrec;
}

/* The connection ended (err: errno, 0 closed by the collector, -1 left
 * for a new address: tcp_moved); the queue waits for the next one. */
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
		if (err >= 0)
			pr_warn("collector %s: connection lost (%s); buffering "
				"up to %zu octets and reconnecting\n",
				c->name,
				err ? strerror(err) : "closed by the collector",
				tx->limit);
	} else if (err >= 0) {
		c->stats.connect_failures++;
		if (!tx->warned)
			pr_warn("collector %s: cannot connect (%s); buffering "
				"up to %zu octets and retrying\n",
				c->name, strerror(err), tx->limit);
		tx->warned = true;
	}
	if (err > 0)
		tx_count_err(c, tx_err_of(err));
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

/*
 * Write from the queue until it is empty or the socket is full, up to
 * TCP_IOV messages a system call. A message is stamped with its sequence
 * number when its first octet is about to go: the records of every message
 * before it, and of the drops between them.
 */
static void tcp_write(struct collector *c, uint64_t now)
{
	struct transport *tx = &c->tx;
	struct iovec iov[TCP_IOV];
	struct msghdr mh = { .msg_iov = iov };
	ssize_t n;

	if (!tcp_alive(c, now))
		return;
	while (tx->head) {
		struct tx_msg *m;
		uint32_t seq = tx->seq;
		size_t k = 0, off = tx->off;

		for (m = tx->head; m && k < TCP_IOV; m = m->next, k++) {
			if (off == 0)
				be32_store(m->data + IPFIX_SEQ_OFF, seq);
			seq += m->nrec + m->gap;
			iov[k].iov_base = m->data + off;
			iov[k].iov_len = m->len - off;
			off = 0;
		}
		mh.msg_iovlen = k;
		n = sendmsg(c->fd, &mh, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN) {
				tx_count_err(c, TX_ERR_BACKPRESSURE);
				return;
			}
			tcp_lost(c, errno, now);
			return;
		}
		/* what went: whole messages off the queue, then a part */
		while (n > 0) {
			size_t rest = tx->head->len - tx->off;

			if ((size_t)n < rest) {
				tx->off += (size_t)n;
				break;
			}
			n -= (ssize_t)rest;
			tx->seq += tx->head->nrec + tx->head->gap;
			q_pop(tx);
		}
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
	tx_set_ip(c, fd);
	c->fd = fd;
	if (tx_bind_source(c, fd) < 0) {
		tx->state = TX_CONNECTING;
		tcp_lost(c, errno, now);
		return;
	}
	tx->state = TX_CONNECTING;
	/* even a connect that completes at once is taken up by tcp_poll:
	 * the templates need the time base, which may not be set yet */
	if (connect(fd, (struct sockaddr *)&c->addr, c->addrlen) < 0 &&
	    errno != EINPROGRESS && errno != EINTR)
		tcp_lost(c, errno, now);
}

/* Connect when due, see a connect complete, write what waits. */
void tcp_poll(struct collector *c, uint64_t now)
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
	uint64_t now = tx_mono_ns(), deadline = now + linger;
	size_t last = tx->queued;

	tx->cur = m->data;
	while (tx->queued + m->len > tx->limit) {
		struct pollfd p = { .fd = c->fd, .events = POLLOUT };
		uint64_t wake = now + 100 * MS;

		tcp_poll(c, now);
		now = tx_mono_ns();
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
		now = tx_mono_ns();
	}
	tx->cur = NULL;
}

void tcp_send(struct collector *c, uint8_t *msg, size_t len, struct msg_count k)
{
	struct transport *tx = &c->tx;
	struct tx_msg *m;

	if (tx->to_head) {
		/* the templates of a new connection: never dropped */
		m = msg_copy(msg, len, k);
		if (!m) {
			tx_count_err(c, TX_ERR_OTHER);
			return;
		}
		/* in the order made: templates, then the options records
		 * that may follow them in messages of their own */
		m->tmpl = true;
		q_push(tx, m, true, tx->ins);
		tx->ins = m;
		goto peak;
	}
	m = msg_copy(msg, len, k);
	if (!m) {
		tx_count_err(c, TX_ERR_OTHER);
		tx_drop(c, k);
		return;
	}
	if (tx->queued + len > tx->limit && c->ex->cfg.lossless && !tx->in_up &&
	    !tx->gave_up)
		tcp_wait_room(c, m);
	if (tx->queued + len > tx->limit) {
		free(m);
		tx_drop(c, k);
		return;
	}
	/* written at the end of the round (transport_push), or once a
	 * batch's worth waits */
	q_push(tx, m, false, NULL);
	if (tx->state == TX_UP && !tx->in_up && tx->queued >= TCP_BATCH)
		tcp_write(c, tx_mono_ns());
peak:
	if (tx->queued > c->stats.buffered_peak)
		c->stats.buffered_peak = tx->queued;
}

/* The end of a round: what it queued goes out together. */
void tcp_push(struct collector *c)
{
	if (c->tx.state == TX_UP && c->tx.head && !c->tx.in_up)
		tcp_write(c, tx_mono_ns());
}

void tcp_moved(struct collector *c, uint64_t now)
{
	if (c->tx.state != TX_DOWN)
		tcp_lost(c, -1, now);
	/* the new address at once */
	c->tx.backoff_s = BACKOFF_MIN_S;
	c->tx.next_try_ns = now;
	c->tx.warned = false;
}

void tcp_open(struct collector *c)
{
	c->tx.backoff_s = BACKOFF_MIN_S;
	c->tx.state = TX_DOWN;
	/* the first attempt now; the packet path never waits for it */
	tcp_start(c, tx_mono_ns());
}

/* Close the connection and free the queue. */
void tcp_close(struct collector *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	while (c->tx.head)
		q_pop(&c->tx);
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
	uint64_t now = tx_mono_ns(), deadline = now + timeout_ns;
	size_t i;

	/* the pacing queue first, at the rate, in the same time */
	exporter_pace_drain(ex, deadline);
	now = tx_mono_ns();
	exporter_flush(ex);
	/* the statistics options records last, with the final counts */
	for (i = 0; i < ex->ncoll; i++)
		if (ex->coll[i]->ops->stats)
			ex->coll[i]->ops->stats(ex->coll[i]);
	exporter_push(ex);
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
		now = tx_mono_ns();
		if (!busy || now >= deadline)
			break;
		if (wake > deadline)
			wake = deadline;
		if (np && now + 100 * MS < wake)
			wake = now + 100 * MS;
		if (wake > now)
			poll(p, np, (int)((wake - now + MS - 1) / MS));
		now = tx_mono_ns();
	}
	/* what is still queued will never be sent */
	for (i = 0; i < ex->ncoll; i++) {
		struct collector *c = ex->coll[i];
		struct transport *tx = &c->tx;
		uint64_t msgs = 0, recs = 0;

		/* what the kernel holds unacknowledged still goes out
		 * after we close: not counted as lost */
		if (tx->proto != TX_TCP)
			continue;
		while (tx->head) {
			if (!tx->head->tmpl) {
				struct msg_count k = {
					.len = tx->head->len,
					.nflows = tx->head->nflows,
					.npkts = tx->head->npkts,
					.noct = tx->head->noct,
				};

				msgs++;
				recs += k.nflows;
				tx_count_notsent(c, k, false);
			}
			q_pop(tx);
		}
		if (msgs)
			pr_warn("collector %s: %llu messages (%llu records) "
				"not delivered at exit\n",
				c->name, (unsigned long long)msgs,
				(unsigned long long)recs);
	}
}
