// SPDX-License-Identifier: BSD-2-Clause
/*
 * exporter.c - collectors, transport and the dispatch to the message
 * formats. Only UDP for now: one connected socket per collector, so that
 * ICMP port-unreachable comes back as ECONNREFUSED and is counted.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../daemon/log.h"
#include "export.h"

#define NS 1000000000ull
#define FLUSH_AFTER_NS NS /* a record waits at most this long */

static const struct export_ops *ops_for(int version)
{
	switch (version) {
	case 5:
		return &export_v5_ops;
	case 9:
		return &export_v9_ops;
	default:
		return &export_ipfix_ops;
	}
}

struct exporter *exporter_new(const struct export_cfg *cfg)
{
	struct exporter *ex = calloc(1, sizeof(*ex));

	if (!ex)
		return NULL;
	ex->cfg = *cfg;
	return ex;
}

/* Split "host:port[/udp]" or "[v6]:port[/udp]" into its parts. */
static int parse_hostport(const char *spec, char *host, size_t hostlen,
			  char *port, size_t portlen, char *err, size_t errlen)
{
	const char *colon, *hs, *he, *slash;
	size_t n;

	slash = strchr(spec, '/');
	if (slash && strcmp(slash, "/udp") != 0) {
		snprintf(err, errlen,
			 "collector '%s': transport '%s' not supported (use "
			 "/udp)",
			 spec, slash + 1);
		return -EINVAL;
	}
	if (spec[0] == '[') {
		hs = spec + 1;
		he = strchr(hs, ']');
		if (!he || he[1] != ':')
			goto bad;
		colon = he + 1;
	} else {
		hs = spec;
		colon = strrchr(spec, ':');
		if (!colon || (slash && colon > slash))
			goto bad;
		he = colon;
		if (memchr(hs, ':', (size_t)(he - hs)))
			goto bad; /* bare IPv6 needs brackets */
	}
	n = (size_t)(he - hs);
	if (n == 0 || n >= hostlen)
		goto bad;
	memcpy(host, hs, n);
	host[n] = 0;
	n = slash ? (size_t)(slash - colon - 1) : strlen(colon + 1);
	if (n == 0 || n >= portlen)
		goto bad;
	memcpy(port, colon + 1, n);
	port[n] = 0;
	if (strspn(port, "0123456789") != n || atoi(port) < 1 ||
	    atoi(port) > 65535)
		goto bad;
	return 0;
bad:
	snprintf(err, errlen,
		 "collector '%s': expected HOST:PORT or [IPv6]:PORT, port "
		 "1-65535",
		 spec);
	return -EINVAL;
}

int exporter_add_collector(struct exporter *ex, const char *spec, char *err,
			   size_t errlen)
{
	struct addrinfo hints = { .ai_socktype = SOCK_DGRAM,
				  .ai_protocol = IPPROTO_UDP };
	struct addrinfo *res = NULL;
	struct collector *c;
	char host[64], port[8];
	int rc, hdr;

	if (ex->ncoll == EXPORT_MAX_COLLECTORS) {
		snprintf(err, errlen, "collector '%s': at most %d collectors",
			 spec, EXPORT_MAX_COLLECTORS);
		return -E2BIG;
	}
	rc = parse_hostport(spec, host, sizeof(host), port, sizeof(port), err,
			    errlen);
	if (rc)
		return rc;
	rc = getaddrinfo(host, port, &hints, &res);
	if (rc) {
		snprintf(err, errlen, "collector '%s': %s", spec,
			 gai_strerror(rc));
		return -EINVAL;
	}
	c = calloc(1, sizeof(*c));
	if (!c) {
		freeaddrinfo(res);
		return -ENOMEM;
	}
	snprintf(c->name, sizeof(c->name), "%s", spec);
	memcpy(&c->addr, res->ai_addr, res->ai_addrlen);
	c->addrlen = res->ai_addrlen;
	c->fd = socket(res->ai_family, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_UDP);
	freeaddrinfo(res);
	if (c->fd < 0 ||
	    connect(c->fd, (struct sockaddr *)&c->addr, c->addrlen) < 0) {
		rc = -errno;
		snprintf(err, errlen, "collector '%s': %s", spec,
			 strerror(errno));
		if (c->fd >= 0)
			close(c->fd);
		free(c);
		return rc;
	}
	/* the message must fit the path MTU with the IP and UDP headers */
	hdr = (c->addr.ss_family == AF_INET6 ? 40 : 20) + 8;
	c->maxlen = ex->cfg.mtu > (uint32_t)hdr + 128 ? ex->cfg.mtu - hdr : 128;
	if (c->maxlen > EXPORT_MAX_MSG)
		c->maxlen = EXPORT_MAX_MSG;
	/* templates go out together at the start of a message: they must fit
	 * one, with room for a data record */
	if (export_templates_len(&ex->cfg) + 128 > c->maxlen) {
		snprintf(err, errlen,
			 "collector '%s': the %zu templates need %zu octets, "
			 "more than a message of %zu fits (raise --mtu or use "
			 "fewer templates)",
			 spec, ex->cfg.ntmpl, export_templates_len(&ex->cfg),
			 c->maxlen);
		close(c->fd);
		free(c);
		return -EMSGSIZE;
	}
	c->ex = ex;
	c->ops = ops_for(ex->cfg.version);
	ex->coll[ex->ncoll++] = c;
	return 0;
}

void exporter_set_base(struct exporter *ex, uint64_t base_ns)
{
	ex->base_ns = base_ns;
	ex->base_set = true;
	if (ex->now_ns < base_ns)
		ex->now_ns = base_ns;
}

uint32_t export_uptime_ms(const struct exporter *ex, uint64_t ns)
{
	/* RFC 3954 sysUpTime: ms since the time base, modulo 2^32 */
	return ns > ex->base_ns ? (uint32_t)((ns - ex->base_ns) / 1000000) : 0;
}

/* The first configured template for the flow's IP version, or NULL. */
static const struct template_def *
export_pick(const struct exporter *ex, const struct flow *f, uint16_t *id)
{
	size_t i;

	for (i = 0; i < ex->cfg.ntmpl; i++) {
		if (ex->cfg.tmpl[i]->ipver == f->key.ipver) {
			*id = (uint16_t)(256 + i);
			return ex->cfg.tmpl[i];
		}
	}
	return NULL;
}

void collector_send(struct collector *c)
{
	size_t len = wbuf_len(&c->w);
	ssize_t n;

	c->stats.messages++;
	c->stats.octets += len;
	do
		n = send(c->fd, c->w.start, len, 0);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		/* counted, never logged per packet; export goes on */
		if (errno == ECONNREFUSED)
			c->stats.refused++;
		else
			c->stats.send_errors++;
	}
}

void exporter_flow(void *ctx, const struct flow *f, enum flow_end_reason reason)
{
	struct exporter *ex = ctx;
	struct export_rec r = { .f = f, .reason = reason };
	size_t i;

	if (ex->ifname)
		r.ifname = ex->ifname(ex->ifname_ctx, f->key.ifindex);

	/* the flow's end is a lower bound of the export clock */
	if (f->last_ns > ex->now_ns)
		ex->now_ns = f->last_ns;
	ex->stats.flows++;

	/* what every collector can carry is decided once, and counted once */
	if (ex->cfg.version == 5) {
		if (f->key.ipver != 4) {
			ex->stats.v5_skipped_ipv6++;
			if (!ex->warned_v5_ipv6) {
				pr_warn("NetFlow v5 cannot carry IPv6 flows: "
					"they are counted (v5_skipped_ipv6), "
					"not exported; use --export v9 or "
					"ipfix\n");
				ex->warned_v5_ipv6 = true;
			}
			return;
		}
	} else {
		r.tmpl = export_pick(ex, f, &r.tmpl_id);
		if (!r.tmpl) {
			ex->stats.no_template++;
			return;
		}
	}
	for (i = 0; i < ex->ncoll; i++)
		ex->coll[i]->ops->add(ex->coll[i], &r);
}

void exporter_tick(struct exporter *ex, uint64_t now_ns)
{
	size_t i;

	if (now_ns > ex->now_ns)
		ex->now_ns = now_ns;
	for (i = 0; i < ex->ncoll; i++) {
		struct collector *c = ex->coll[i];

		if (c->nrec && ex->now_ns >= c->msg_first_ns + FLUSH_AFTER_NS)
			c->ops->flush(c);
	}
}

void exporter_flush(struct exporter *ex)
{
	size_t i;

	for (i = 0; i < ex->ncoll; i++)
		ex->coll[i]->ops->flush(ex->coll[i]);
}

void exporter_free(struct exporter *ex)
{
	size_t i;

	if (!ex)
		return;
	exporter_flush(ex);
	for (i = 0; i < ex->ncoll; i++) {
		close(ex->coll[i]->fd);
		free(ex->coll[i]);
	}
	free(ex);
}
