// SPDX-License-Identifier: BSD-2-Clause
/*
 * speaker.c - the passive BGP speaker: the listener, one session per
 * configured neighbor, its timers and its RIB (see speaker.h).
 */
#define _GNU_SOURCE /* accept4 */
#include "speaker.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "../common/log.h"

/* Octets read from one session per process() call: a full table arrives
 * over a few seconds of main-loop turns without starving the capture. */
#define READ_BUDGET (1u << 20)
/* RFC 4271 §8: the hold time before an OPEN is received ("large") */
#define HOLD_OPEN_S 240

struct session {
	struct bgp_neighbor_cfg cfg;
	char name[48];
	int fd;
	enum bgp_state state;
	bool as4;
	bool want4, want6; /* families negotiated: End-of-RIB awaited */
	bool eor4, eor6;
	uint16_t hold;		/* negotiated, seconds; 0: no timers */
	uint64_t since_ms;	/* state entered */
	uint64_t hold_until_ms; /* 0: not running */
	uint64_t keepalive_at_ms;
	uint64_t stale_until_ms; /* 0: no stale routes */
	uint8_t in[2 * BGP_MAX_MSG];
	size_t nin;
	uint8_t out[BGP_MAX_MSG];
	size_t nout;
	struct rib rib;
	uint64_t msgs_in, sessions, notif_in, notif_out, malformed;
	struct rib_apply_stats st;
};

struct bgp_speaker {
	struct bgp_cfg cfg;
	int lfd;
	struct bgp_attr_table attrs;
	struct bgp_update upd; /* large: parsed into here, not the stack */
	int n;
	struct session sess[BGP_MAX_NEIGHBORS];
};

static const char *const state_names[] = {
	[BGP_IDLE] = "Idle",
	[BGP_OPENSENT] = "OpenSent",
	[BGP_OPENCONFIRM] = "OpenConfirm",
	[BGP_ESTABLISHED] = "Established",
};

const char *bgp_state_name(enum bgp_state s)
{
	return s <= BGP_ESTABLISHED ? state_names[s] : "?";
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void enter(struct session *s, enum bgp_state st)
{
	s->state = st;
	s->since_ms = now_ms();
}

/* Writes what is queued; false when the connection is gone. */
static bool flush(struct session *s)
{
	while (s->nout > 0) {
		ssize_t w = send(s->fd, s->out, s->nout,
				 MSG_NOSIGNAL | MSG_DONTWAIT);

		if (w < 0 && (errno == EAGAIN || errno == EINTR))
			return true;
		if (w <= 0)
			return false;
		memmove(s->out, s->out + w, s->nout - (size_t)w);
		s->nout -= (size_t)w;
	}
	return true;
}

/* Queues and sends a message built into the output buffer by build. */
static bool queue(struct session *s, size_t len)
{
	if (len == 0)
		return false;
	s->nout += len;
	return flush(s);
}

static bool send_keepalive(struct session *s)
{
	return queue(s, bgp_build_keepalive(s->out + s->nout,
					    sizeof(s->out) - s->nout));
}

/*
 * The session is over: its routes stay, stale, for the stale time (or
 * until the next session's End-of-RIB).
 */
static void drop(struct bgp_speaker *sp, struct session *s, const char *why)
{
	if (s->fd < 0)
		return;
	if (s->state == BGP_ESTABLISHED && !s->stale_until_ms)
		s->stale_until_ms = now_ms() + sp->cfg.stale_time * 1000ull;
	pr_info("bgp: neighbor %s: session %s in %s\n", s->name, why,
		bgp_state_name(s->state));
	if (s->state == BGP_ESTABLISHED)
		pr_info("bgp: neighbor %s: its routes are kept %u s\n", s->name,
			sp->cfg.stale_time);
	close(s->fd);
	s->fd = -1;
	s->nin = s->nout = 0;
	s->hold_until_ms = 0;
	enter(s, BGP_IDLE);
}

/* A NOTIFICATION, then the session is dropped. */
static void notify(struct bgp_speaker *sp, struct session *s, uint8_t code,
		   uint8_t subcode)
{
	char why[64];

	queue(s,
	      bgp_build_notification(s->out + s->nout, sizeof(s->out) - s->nout,
				     code, subcode));
	s->notif_out++;
	snprintf(why, sizeof(why), "closed (NOTIFICATION %u/%u sent)", code,
		 subcode);
	drop(sp, s, why);
}

static void on_open(struct bgp_speaker *sp, struct session *s, const uint8_t *b,
		    size_t len)
{
	struct bgp_error err = { 0 };
	struct bgp_open o;
	uint64_t t = now_ms();

	if (s->state != BGP_OPENSENT) {
		notify(sp, s, BGP_ERR_FSM, 0);
		return;
	}
	if (bgp_open_parse(b, len, &o, &err)) {
		notify(sp, s, err.code, err.subcode);
		return;
	}
	if (o.as != s->cfg.remote_as) {
		pr_warn("bgp: neighbor %s says AS %u, configured remote-as "
			"%u: refused (fix its local AS or the neighbor line)\n",
			s->name, o.as, s->cfg.remote_as);
		notify(sp, s, BGP_ERR_OPEN, BGP_SUB_OPEN_PEER_AS);
		return;
	}
	s->as4 = o.as4;
	/* RFC 4760 §8: without MP capabilities, IPv4 unicast only */
	s->want4 = o.mp_ipv4 || (!o.mp_ipv4 && !o.mp_ipv6);
	s->want6 = o.mp_ipv6;
	s->hold = o.hold < sp->cfg.hold ? o.hold : sp->cfg.hold;
	if (!send_keepalive(s)) {
		drop(sp, s, "lost");
		return;
	}
	enter(s, BGP_OPENCONFIRM);
	s->hold_until_ms = s->hold ? t + s->hold * 1000ull : 0;
	s->keepalive_at_ms = s->hold ? t + s->hold * 1000ull / 3 : 0;
}

static void on_keepalive(struct bgp_speaker *sp, struct session *s)
{
	(void)sp;
	if (s->state == BGP_OPENCONFIRM) {
		enter(s, BGP_ESTABLISHED);
		s->sessions++;
		s->eor4 = s->eor6 = false;
		/* what the last session left is stale from here */
		s->rib.gen++;
		pr_info("bgp: neighbor %s AS %u: established (hold %u s)\n",
			s->name, s->cfg.remote_as, s->hold);
	}
}

static void on_update(struct bgp_speaker *sp, struct session *s,
		      const uint8_t *b, size_t len)
{
	struct bgp_error err;
	enum bgp_update_action act;
	size_t swept;

	if (s->state != BGP_ESTABLISHED) {
		notify(sp, s, BGP_ERR_FSM, 0);
		return;
	}
	act = bgp_update_parse(b, len, s->as4, &sp->upd, &err);
	if (act == BGP_UPD_RESET) {
		s->malformed++;
		notify(sp, s, err.code, err.subcode);
		return;
	}
	rib_apply(&s->rib, &sp->upd, act, &s->st);
	if (sp->upd.eor == BGP_AF_NONE)
		return;
	/* RFC 4724 §4.2: the routes not refreshed by now are gone */
	swept = rib_sweep(&s->rib, sp->upd.eor);
	if (sp->upd.eor == BGP_AF_IPV4)
		s->eor4 = true;
	else
		s->eor6 = true;
	if ((!s->want4 || s->eor4) && (!s->want6 || s->eor6))
		s->stale_until_ms = 0;
	pr_info("bgp: neighbor %s: End-of-RIB %s, %zu prefixes (%zu stale "
		"removed)\n",
		s->name, sp->upd.eor == BGP_AF_IPV4 ? "IPv4" : "IPv6",
		rib_count(&s->rib, sp->upd.eor), swept);
}

/* One whole message of type at m (len octets with the header). */
static void on_message(struct bgp_speaker *sp, struct session *s, uint8_t type,
		       const uint8_t *m, size_t len)
{
	const uint8_t *b = m + BGP_HDR_LEN;
	size_t blen = len - BGP_HDR_LEN;
	struct bgp_notification n;
	char why[64];

	s->msgs_in++;
	if (s->hold)
		s->hold_until_ms = now_ms() + s->hold * 1000ull;
	switch (type) {
	case BGP_OPEN:
		on_open(sp, s, b, blen);
		break;
	case BGP_UPDATE:
		on_update(sp, s, b, blen);
		break;
	case BGP_KEEPALIVE:
		on_keepalive(sp, s);
		break;
	case BGP_NOTIFICATION:
		s->notif_in++;
		bgp_notification_parse(b, blen, &n);
		snprintf(why, sizeof(why), "closed by NOTIFICATION %u/%u",
			 n.code, n.subcode);
		drop(sp, s, why);
		break;
	case BGP_ROUTE_REFRESH:
		break; /* xflowd announces nothing: nothing to resend */
	}
}

/* Reads what is there (up to READ_BUDGET) and handles each message. */
static void session_read(struct bgp_speaker *sp, struct session *s)
{
	size_t budget = READ_BUDGET;

	while (s->fd >= 0 && budget > 0) {
		ssize_t r = recv(s->fd, s->in + s->nin, sizeof(s->in) - s->nin,
				 MSG_DONTWAIT);
		size_t off = 0;

		if (r < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (r <= 0) {
			drop(sp, s, r == 0 ? "closed by the neighbor" : "lost");
			return;
		}
		s->nin += (size_t)r;
		budget -= (size_t)r < budget ? (size_t)r : budget;
		while (s->fd >= 0) {
			struct bgp_error err;
			uint8_t type;
			int len = bgp_msg_header(s->in + off, s->nin - off,
						 &type, &err);

			if (len < 0) {
				notify(sp, s, err.code, err.subcode);
				return;
			}
			if (len == 0 || (size_t)len > s->nin - off)
				break;
			on_message(sp, s, type, s->in + off, (size_t)len);
			off += (size_t)len;
		}
		if (s->fd < 0)
			return;
		memmove(s->in, s->in + off, s->nin - off);
		s->nin -= off;
	}
}

static void timers(struct bgp_speaker *sp, struct session *s, uint64_t t)
{
	if (s->stale_until_ms && t >= s->stale_until_ms) {
		size_t n;

		/* a generation no route has: every stale one goes */
		if (s->state != BGP_ESTABLISHED)
			s->rib.gen++;
		n = rib_sweep(&s->rib, BGP_AF_NONE);
		s->stale_until_ms = 0;
		pr_info("bgp: neighbor %s: stale time over, %zu routes "
			"withdrawn\n",
			s->name, n);
	}
	if (s->fd < 0)
		return;
	if (s->hold_until_ms && t >= s->hold_until_ms) {
		notify(sp, s, BGP_ERR_HOLD, 0);
		return;
	}
	if (s->keepalive_at_ms && t >= s->keepalive_at_ms &&
	    s->state >= BGP_OPENCONFIRM) {
		if (!send_keepalive(s)) {
			drop(sp, s, "lost");
			return;
		}
		s->keepalive_at_ms = t + s->hold * 1000ull / 3;
	}
	if (s->nout && !flush(s))
		drop(sp, s, "lost");
}

/* The neighbor whose address the peer has, or NULL. */
static struct session *neighbor_of(struct bgp_speaker *sp,
				   const struct sockaddr_storage *ss)
{
	uint8_t a[16] = { 0 };
	enum bgp_af af = BGP_AF_NONE;
	int i;

	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *in = (const void *)ss;

		memcpy(a, &in->sin_addr, 4);
		af = BGP_AF_IPV4;
	} else if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const void *)ss;

		if (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr)) {
			memcpy(a, in6->sin6_addr.s6_addr + 12, 4);
			af = BGP_AF_IPV4;
		} else {
			memcpy(a, &in6->sin6_addr, 16);
			af = BGP_AF_IPV6;
		}
	}
	for (i = 0; i < sp->n; i++)
		if (sp->sess[i].cfg.af == af &&
		    !memcmp(sp->sess[i].cfg.addr, a,
			    af == BGP_AF_IPV4 ? 4 : 16))
			return &sp->sess[i];
	return NULL;
}

/* Takes one waiting connection; false when none was there. */
static bool accept_one(struct bgp_speaker *sp)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	struct bgp_open_local o;
	struct session *s;
	char host[48] = "?";
	int fd = accept4(sp->lfd, (struct sockaddr *)&ss, &sl,
			 SOCK_NONBLOCK | SOCK_CLOEXEC);

	if (fd < 0)
		return false;
	s = neighbor_of(sp, &ss);
	if (!s) {
		uint8_t m[32];
		size_t n = bgp_build_notification(m, sizeof(m), BGP_ERR_CEASE,
						  BGP_SUB_CEASE_REJECTED);

		if (ss.ss_family == AF_INET)
			inet_ntop(AF_INET,
				  &((struct sockaddr_in *)&ss)->sin_addr, host,
				  sizeof(host));
		else if (ss.ss_family == AF_INET6)
			inet_ntop(AF_INET6,
				  &((struct sockaddr_in6 *)&ss)->sin6_addr,
				  host, sizeof(host));
		pr_warn("bgp: connection from %s refused: not a configured "
			"neighbor\n",
			host);
		if (send(fd, m, n, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
			pr_debug("bgp: %s: %s\n", host, strerror(errno));
		close(fd);
		return true;
	}
	/* a neighbor that reconnects has restarted: the new one wins */
	if (s->fd >= 0)
		drop(sp, s, "replaced by a new connection");
	s->fd = fd;
	s->nin = s->nout = 0;
	s->hold = 0;
	o.as = sp->cfg.local_as;
	o.router_id = sp->cfg.router_id;
	o.hold = sp->cfg.hold;
	o.gr_time = (uint16_t)(sp->cfg.stale_time > 4095 ? 4095
							 : sp->cfg.stale_time);
	enter(s, BGP_OPENSENT);
	s->hold_until_ms = now_ms() + HOLD_OPEN_S * 1000ull;
	s->keepalive_at_ms = 0;
	if (!queue(s, bgp_build_open(s->out, sizeof(s->out), &o)))
		drop(sp, s, "lost");
	return true;
}

struct bgp_speaker *bgp_speaker_new(const struct bgp_cfg *c, char *err,
				    size_t errlen)
{
	struct bgp_speaker *sp = calloc(1, sizeof(*sp));
	struct sockaddr_storage ss = { 0 };
	socklen_t sl;
	int i, one = 1;
	char host[48];

	if (!sp) {
		snprintf(err, errlen, "bgp: out of memory");
		return NULL;
	}
	sp->cfg = *c;
	sp->lfd = -1;
	for (i = 0; i < BGP_MAX_NEIGHBORS; i++)
		sp->sess[i].fd = -1;
	if (bgp_attr_table_init(&sp->attrs))
		goto nomem;
	for (i = 0; i < c->nneighbor && i < BGP_MAX_NEIGHBORS; i++) {
		struct session *s = &sp->sess[i];

		s->cfg = c->neighbor[i];
		inet_ntop(s->cfg.af == BGP_AF_IPV6 ? AF_INET6 : AF_INET,
			  s->cfg.addr, s->name, sizeof(s->name));
		if (rib_init(&s->rib, &sp->attrs))
			goto nomem;
		sp->n++;
		enter(s, BGP_IDLE);
	}
	if (c->listen_af == BGP_AF_IPV6) {
		struct sockaddr_in6 *in6 = (void *)&ss;

		in6->sin6_family = AF_INET6;
		memcpy(&in6->sin6_addr, c->listen_addr, 16);
		in6->sin6_port = htons(c->port);
		sl = sizeof(*in6);
	} else {
		struct sockaddr_in *in = (void *)&ss;

		in->sin_family = AF_INET;
		memcpy(&in->sin_addr, c->listen_addr, 4);
		in->sin_port = htons(c->port);
		sl = sizeof(*in);
	}
	inet_ntop(ss.ss_family, c->listen_addr, host, sizeof(host));
	sp->lfd = socket(ss.ss_family,
			 SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (sp->lfd < 0 ||
	    setsockopt(sp->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(sp->lfd, (struct sockaddr *)&ss, sl) ||
	    listen(sp->lfd, BGP_MAX_NEIGHBORS)) {
		snprintf(err, errlen,
			 "bgp: cannot listen on %s port %u: %s (port 179 "
			 "needs CAP_NET_BIND_SERVICE; 'listen ADDRESS port "
			 "N' picks another)",
			 host, c->port, strerror(errno));
		bgp_speaker_free(sp);
		return NULL;
	}
	pr_info("bgp: listening on %s port %u for %d neighbors\n", host,
		bgp_speaker_port(sp), sp->n);
	return sp;
nomem:
	snprintf(err, errlen, "bgp: out of memory");
	bgp_speaker_free(sp);
	return NULL;
}

void bgp_speaker_free(struct bgp_speaker *sp)
{
	int i;

	if (!sp)
		return;
	for (i = 0; i < sp->n; i++) {
		struct session *s = &sp->sess[i];

		/* RFC 4486 Cease/Administrative Shutdown: we are leaving */
		if (s->fd >= 0) {
			queue(s,
			      bgp_build_notification(s->out + s->nout,
						     sizeof(s->out) - s->nout,
						     BGP_ERR_CEASE,
						     BGP_SUB_CEASE_SHUTDOWN));
			close(s->fd);
		}
		rib_fini(&s->rib);
	}
	if (sp->lfd >= 0)
		close(sp->lfd);
	bgp_attr_table_fini(&sp->attrs);
	free(sp);
}

uint16_t bgp_speaker_port(const struct bgp_speaker *sp)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);

	if (getsockname(sp->lfd, (struct sockaddr *)&ss, &sl))
		return 0;
	return ntohs(ss.ss_family == AF_INET6
			     ? ((struct sockaddr_in6 *)&ss)->sin6_port
			     : ((struct sockaddr_in *)&ss)->sin_port);
}

int bgp_speaker_fds(const struct bgp_speaker *sp, struct pollfd *pfd)
{
	int i, n = 0;

	pfd[n].fd = sp->lfd;
	pfd[n++].events = POLLIN;
	for (i = 0; i < sp->n; i++) {
		if (sp->sess[i].fd < 0)
			continue;
		pfd[n].fd = sp->sess[i].fd;
		pfd[n++].events =
			(short)(POLLIN | (sp->sess[i].nout ? POLLOUT : 0));
	}
	return n;
}

void bgp_speaker_process(struct bgp_speaker *sp)
{
	uint64_t t;
	int i;

	/* a few connections per turn: a flood of them cannot stall us */
	for (i = 0; i < BGP_MAX_NEIGHBORS && accept_one(sp); i++)
		;
	for (i = 0; i < sp->n; i++)
		if (sp->sess[i].fd >= 0)
			session_read(sp, &sp->sess[i]);
	t = now_ms();
	for (i = 0; i < sp->n; i++)
		timers(sp, &sp->sess[i], t);
}

bool bgp_speaker_synced(const struct bgp_speaker *sp)
{
	int i;

	for (i = 0; i < sp->n; i++) {
		const struct session *s = &sp->sess[i];

		if (s->state != BGP_ESTABLISHED || (s->want4 && !s->eor4) ||
		    (s->want6 && !s->eor6))
			return false;
	}
	return true;
}

const struct bgp_attr *bgp_speaker_lookup(const struct bgp_speaker *sp,
					  enum bgp_af af, const uint8_t *addr,
					  uint8_t *plen)
{
	const struct rib_entry *best = NULL;
	int i;

	for (i = 0; i < sp->n; i++) {
		const struct rib_entry *e =
			rib_lookup(&sp->sess[i].rib, af, addr);

		if (e && (!best || e->len > best->len))
			best = e;
	}
	if (!best)
		return NULL;
	*plen = best->len;
	return best->attr;
}

int bgp_speaker_neighbors(const struct bgp_speaker *sp)
{
	return sp->n;
}

void bgp_speaker_neighbor(const struct bgp_speaker *sp, int i,
			  struct bgp_neighbor_info *out)
{
	const struct session *s = &sp->sess[i];

	memset(out, 0, sizeof(*out));
	snprintf(out->addr, sizeof(out->addr), "%s", s->name);
	out->remote_as = s->cfg.remote_as;
	out->state = s->state;
	out->since_ms = now_ms() - s->since_ms;
	out->prefixes4 = rib_count(&s->rib, BGP_AF_IPV4);
	out->prefixes6 = rib_count(&s->rib, BGP_AF_IPV6);
	out->eor4 = s->eor4;
	out->eor6 = s->eor6;
	out->msgs_in = s->msgs_in;
	out->sessions = s->sessions;
	out->notifications_in = s->notif_in;
	out->notifications_out = s->notif_out;
	out->upd = s->st;
	out->malformed = s->malformed;
}

const struct bgp_cfg *bgp_speaker_cfg(const struct bgp_speaker *sp)
{
	return &sp->cfg;
}
