// SPDX-License-Identifier: BSD-2-Clause
/*
 * resolve.c - a collector named by a DNS name: its address, and looking
 * it up again.
 *
 * At start the name is looked up once, waiting for the answer. Live, a
 * name that does not resolve yet (the resolver is not reachable while the
 * network comes up at boot: EAI_AGAIN; or the name is not known, yet)
 * is not a configuration error: the collector stays, its messages are
 * counted as not sent (TX_ERR_UNRESOLVED, dropped_records), and the name
 * is looked up again in the background with a doubling backoff until it
 * resolves. Resolved names are looked up again every resolve_s seconds
 * when the operator asks, and on reload: collectors move.
 *
 * Background lookups are glibc's getaddrinfo_a(), polled from the main
 * loop: a resolver that does not answer never holds up the packet path or
 * the control socket.
 */
#define _GNU_SOURCE /* getaddrinfo_a, EAI_NODATA */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/clock.h"
#include "../common/log.h"
#include "transport_int.h"

#define BACKOFF_MIN_S 1
#define BACKOFF_MAX_S 64

/* A background lookup: glibc's thread writes into it until gai_error()
 * says it is done. */
struct resolve {
	struct gaicb cb;
	struct addrinfo hints;
};

bool collector_resolved(const struct collector *c)
{
	return c->addr.ss_family != AF_UNSPEC;
}

static void fill_hints(const struct collector *c, struct addrinfo *h)
{
	memset(h, 0, sizeof(*h));
	h->ai_socktype = c->tx.proto == TX_TCP ? SOCK_STREAM : SOCK_DGRAM;
	h->ai_protocol = c->tx.proto == TX_TCP ? IPPROTO_TCP : IPPROTO_UDP;
}

/* Is rc about the name (which may resolve later), not about how it was
 * asked? */
static bool name_failure(int rc)
{
	return rc == EAI_AGAIN || rc == EAI_NONAME || rc == EAI_NODATA ||
	       rc == EAI_FAIL || rc == EAI_SYSTEM || rc == EAI_ADDRFAMILY;
}

/* What a failure means to the operator: " (...)" or "". */
static const char *failure_hint(int rc)
{
	if (rc == EAI_AGAIN)
		return " (the resolver may not be reachable yet)";
	if (rc == EAI_NONAME || rc == EAI_NODATA)
		return " (check the name)";
	return "";
}

static void addr_text(const struct collector *c, char *buf, size_t len)
{
	const void *a =
		c->addr.ss_family == AF_INET6
			? (const void *)&((const struct sockaddr_in6 *)&c->addr)
				  ->sin6_addr
			: (const void *)&((const struct sockaddr_in *)&c->addr)
				  ->sin_addr;

	if (!inet_ntop(c->addr.ss_family, a, buf, (socklen_t)len))
		snprintf(buf, len, "?");
}

static void schedule_retry(struct collector *c, uint64_t now)
{
	if (c->resolve_backoff < BACKOFF_MIN_S)
		c->resolve_backoff = BACKOFF_MIN_S;
	c->resolve_next_ns = now + (uint64_t)c->resolve_backoff * NS;
	if (c->resolve_backoff < BACKOFF_MAX_S)
		c->resolve_backoff *= 2;
}

static void schedule_next(struct collector *c, uint64_t now)
{
	c->resolve_backoff = BACKOFF_MIN_S;
	c->resolve_next_ns = c->resolve_s ? now + (uint64_t)c->resolve_s * NS
					  : 0;
}

static void failed(struct collector *c, int rc, uint64_t now)
{
	bool first = c->resolve_backoff <= BACKOFF_MIN_S;

	c->stats.resolve_failures++;
	schedule_retry(c, now);
	/* unresolved: said at every try (at most once a minute at the
	 * longest backoff); resolved: once per run of failures */
	if (collector_resolved(c) && !first)
		return;
	pr_warn("collector '%s': %s%s; %s, looking it up again in %u s\n",
		c->name, gai_strerror(rc), failure_hint(rc),
		collector_resolved(c) ? "exporting to the address it had"
				      : "its records are counted as not sent "
					"meanwhile",
		(unsigned)((c->resolve_next_ns - now) / NS));
}

/* The answer: c's new address (the first of the list, as at start). */
static void readdress(struct collector *c, const struct addrinfo *ai,
		      uint64_t now)
{
	bool was = collector_resolved(c);
	char err[256], addr[INET6_ADDRSTRLEN];

	schedule_next(c, now);
	if (was && ai->ai_addrlen == c->addrlen &&
	    memcmp(ai->ai_addr, &c->addr, ai->ai_addrlen) == 0)
		return;
	/* the open message goes where its records were meant to (or is
	 * counted as not sent) */
	if (c->nrec)
		c->ops->flush(c);
	memcpy(&c->addr, ai->ai_addr, ai->ai_addrlen);
	c->addrlen = ai->ai_addrlen;
	collector_set_maxlen(c);
	c->stats.resolved++;
	addr_text(c, addr, sizeof(addr));
	if (was && c->tx.proto == TX_TCP) {
		/* what is queued is not lost: it goes to the new address */
		tcp_moved(c, now);
		pr_info("collector '%s': moved to %s; exporting to it\n",
			c->name, addr);
		return;
	}
	transport_close(c);
	/* UDP: the templates go first to whoever listens there now; TCP
	 * sends them at connect */
	export_sched_init(c);
	if (transport_open(c, c->tx.proto, c->tx.limit, err, sizeof(err))) {
		pr_warn("%s; trying again\n", err);
		memset(&c->addr, 0, sizeof(c->addr));
		c->addrlen = 0;
		schedule_retry(c, now);
		return;
	}
	pr_info("collector '%s': %s %s; exporting to it\n", c->name,
		was ? "moved to" : "resolved to", addr);
}

int collector_resolve(struct collector *c, bool later, char *err, size_t errlen)
{
	struct addrinfo hints, *res = NULL;
	int rc;

	fill_hints(c, &hints);
	rc = getaddrinfo(c->host, c->port, &hints, &res);
	if (rc == 0) {
		memcpy(&c->addr, res->ai_addr, res->ai_addrlen);
		c->addrlen = res->ai_addrlen;
		freeaddrinfo(res);
		schedule_next(c, tx_mono_ns());
		return 0;
	}
	if (later && name_failure(rc)) {
		failed(c, rc, tx_mono_ns());
		return 0;
	}
	snprintf(err, errlen, "collector '%s': %s%s", c->name, gai_strerror(rc),
		 failure_hint(rc));
	return rc == EAI_AGAIN ? -EAGAIN : -EINVAL;
}

/* Start looking c's name up in the background (unless that runs). */
static void start(struct collector *c, uint64_t now)
{
	struct gaicb *list[1];
	struct resolve *r;
	int rc;

	if (c->rs)
		return;
	r = calloc(1, sizeof(*r));
	if (!r) {
		schedule_retry(c, now);
		return;
	}
	fill_hints(c, &r->hints);
	r->cb.ar_name = c->host;
	r->cb.ar_service = c->port;
	r->cb.ar_request = &r->hints;
	list[0] = &r->cb;
	rc = getaddrinfo_a(GAI_NOWAIT, list, 1, NULL);
	if (rc) {
		free(r);
		failed(c, rc, now);
		return;
	}
	c->rs = r;
	c->resolve_next_ns = 0;
}

void collector_resolve_poll(struct collector *c, uint64_t now)
{
	struct resolve *r = c->rs;
	int rc;

	if (!r) {
		if (c->resolve_next_ns && now >= c->resolve_next_ns)
			start(c, now);
		return;
	}
	rc = gai_error(&r->cb);
	if (rc == EAI_INPROGRESS)
		return;
	if (rc == 0) {
		readdress(c, r->cb.ar_result, now);
		freeaddrinfo(r->cb.ar_result);
	} else {
		failed(c, rc, now);
	}
	free(r);
	c->rs = NULL;
}

void collector_resolve_now(struct collector *c)
{
	struct in6_addr a;

	/* an address needs no lookup */
	if (inet_pton(AF_INET, c->host, &a) == 1 ||
	    inet_pton(AF_INET6, c->host, &a) == 1)
		return;
	c->resolve_backoff = BACKOFF_MIN_S;
	start(c, tx_mono_ns());
}

void collector_resolve_free(struct collector *c)
{
	struct resolve *r = c->rs;

	if (!r)
		return;
	c->rs = NULL;
	/* a lookup glibc's thread is still running writes into r when it
	 * ends (within the resolver's timeout): r is left to it */
	if (gai_cancel(&r->cb) == EAI_NOTCANCELED)
		return;
	if (gai_error(&r->cb) == 0)
		freeaddrinfo(r->cb.ar_result);
	free(r);
}
