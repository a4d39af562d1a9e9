// SPDX-License-Identifier: BSD-2-Clause
/*
 * exporter.c - collectors and the dispatch to the message formats; how
 * messages reach a collector (UDP, TCP) is transport.c's.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../common/clock.h"
#include "../common/log.h"
#include "export.h"
#include "transport_int.h"

#define FLUSH_AFTER_NS NS /* a record waits at most this long */
/*
 * sysUpTime elements are 32-bit milliseconds since the time base (49.7
 * days). The base moves before a record or a header would need more:
 * records up to LIMIT from it, an hour short of 2^32 so that the header
 * of the message a record goes in (at most seconds later) fits as well.
 * A moved base lies BACK before the export clock: the flows still in the
 * caches (active timeout) started after it.
 */
#define UPTIME_LIMIT_NS ((0xffffffffull - 3600000) * MS)
#define UPTIME_BACK_NS (0x80000000ull * MS)

static uint64_t add_sat(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

/* The message formats, as softflowd's sender table: one row each. */
static const struct export_ops *const formats[] = {
	&export_v1_ops, &export_v5_ops,	   &export_v7_ops,
	&export_v9_ops, &export_ipfix_ops,
};

const struct export_ops *export_ops_of(int version)
{
	size_t i;

	for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (formats[i]->version == version)
			return formats[i];
	return NULL;
}

int export_version_named(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (strcmp(formats[i]->name, name) == 0)
			return formats[i]->version;
	return 0;
}

bool export_fixed(int version)
{
	const struct export_ops *ops = export_ops_of(version);

	return ops && ops->fixed;
}

struct exporter *exporter_new(const struct export_cfg *cfg)
{
	struct exporter *ex = calloc(1, sizeof(*ex));
	size_t i;

	if (!ex)
		return NULL;
	ex->cfg = *cfg;
	for (i = 0; i < cfg->ntmpl; i++) {
		const struct template_def *t = cfg->tmpl[i];
		struct template_user *u = &ex->own[i];

		if (template_find(t->name) == t)
			continue;
		u->def = *t;
		snprintf(u->name, sizeof(u->name), "%s", t->name);
		u->def.nelem = t->nelem < TEMPLATE_MAX_ELEM ? t->nelem
							    : TEMPLATE_MAX_ELEM;
		memcpy(u->elem, t->elem, u->def.nelem);
		u->def.name = u->name;
		u->def.elem = u->elem;
		ex->cfg.tmpl[i] = &u->def;
	}
	if (pace_init(ex)) {
		free(ex);
		return NULL;
	}
	return ex;
}

static void bad_dest(const char *name, char *err, size_t errlen)
{
	snprintf(err, errlen,
		 "collector '%s': expected HOST:PORT or [IPv6]:PORT, port "
		 "1-65535",
		 name);
}

/*
 * Split a collector "host:port[/udp|/tcp]" or "[v6]:port[/udp|/tcp]" into
 * host (brackets removed), port (digits, 1-65535) and transport, looking
 * nothing up. 0, or -EINVAL with a message for the user in err.
 */
static int collector_split(const char *spec, char *host, size_t hostlen,
			   char *port, size_t portlen, enum tx_proto *proto,
			   char *err, size_t errlen)
{
	const char *colon, *hs, *he, *slash;
	size_t n;

	slash = strchr(spec, '/');
	*proto = slash && strcmp(slash, "/tcp") == 0 ? TX_TCP : TX_UDP;
	if (slash && strcmp(slash, "/udp") != 0 && *proto != TX_TCP) {
		snprintf(err, errlen,
			 "collector '%s': transport '%s' not supported (use "
			 "/udp or /tcp)",
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
	bad_dest(spec, err, errlen);
	return -EINVAL;
}

int export_dest_parse(struct export_dest *d, const char *spec, char *err,
		      size_t errlen)
{
	char port[8];
	int rc;

	memset(d, 0, sizeof(*d));
	d->spec = spec;
	rc = collector_split(spec, d->host, sizeof(d->host), port, sizeof(port),
			     &d->proto, err, errlen);
	if (rc)
		return rc;
	d->port = (uint16_t)atoi(port);
	return 0;
}

int export_dest_check(const struct export_dest *d, char *err, size_t errlen)
{
	struct export_dest again;

	if (d->port)
		return 0;
	if (!d->spec || !export_dest_parse(&again, d->spec, err, errlen)) {
		/* no spelling: a port 0 that no parse gave */
		bad_dest(d->spec ? d->spec : d->host, err, errlen);
	}
	return -EINVAL;
}

void export_dest_name(const struct export_dest *d, char *buf, size_t len)
{
	const char *proto = d->proto == TX_TCP ? "tcp" : "udp";

	if (d->spec)
		snprintf(buf, len, "%s", d->spec);
	else if (strchr(d->host, ':'))
		snprintf(buf, len, "[%s]:%u/%s", d->host, d->port, proto);
	else
		snprintf(buf, len, "%s:%u/%s", d->host, d->port, proto);
}

bool export_dest_equal(const struct export_dest *a, const struct export_dest *b)
{
	return strcmp(a->host, b->host) == 0 && a->port == b->port &&
	       a->proto == b->proto;
}

int exporter_add_collector(struct exporter *ex, const char *spec, char *err,
			   size_t errlen)
{
	return exporter_add_collector_from(ex, spec, 0, err, errlen);
}

void collector_set_maxlen(struct collector *c)
{
	/* the message must fit the path MTU with the IP and UDP (TCP)
	 * headers */
	int hdr = (c->addr.ss_family == AF_INET ? 20 : 40) +
		  (c->tx.proto == TX_TCP ? 20 : 8);
	uint32_t mtu = c->ex->cfg.mtu;

	c->maxlen = mtu > (uint32_t)hdr + 128 ? mtu - hdr : 128;
	if (c->maxlen > EXPORT_MAX_MSG)
		c->maxlen = EXPORT_MAX_MSG;
}

int exporter_add_collector_from(struct exporter *ex, const char *spec,
				uint16_t sport, char *err, size_t errlen)
{
	return exporter_add_collector_src(ex, spec, sport, NULL, err, errlen);
}

int exporter_add_collector_src(struct exporter *ex, const char *spec,
			       uint16_t sport, const char *source, char *err,
			       size_t errlen)
{
	struct export_dest d;

	if (ex->ncoll == EXPORT_MAX_COLLECTORS) {
		snprintf(err, errlen, "collector '%s': at most %d collectors",
			 spec, EXPORT_MAX_COLLECTORS);
		return -E2BIG;
	}
	if (export_dest_parse(&d, spec, err, errlen))
		return -EINVAL;
	return exporter_add_dest(ex, &d, sport, source, err, errlen);
}

int exporter_add_dest(struct exporter *ex, const struct export_dest *d,
		      uint16_t sport, const char *source, char *err,
		      size_t errlen)
{
	struct collector *c;
	char spec[EXPORT_DEST_HOST_MAX + 48];
	enum tx_proto proto = d->proto;
	size_t limit;
	int rc;

	export_dest_name(d, spec, sizeof(spec));
	if (ex->ncoll == EXPORT_MAX_COLLECTORS) {
		snprintf(err, errlen, "collector '%s': at most %d collectors",
			 spec, EXPORT_MAX_COLLECTORS);
		return -E2BIG;
	}
	rc = export_dest_check(d, err, errlen);
	if (rc)
		return rc;
	/* the resolver's copy of the name (resolve.c) */
	if (strlen(d->host) >= sizeof(c->host)) {
		bad_dest(spec, err, errlen);
		return -EINVAL;
	}
	if (proto == TX_TCP && ex->cfg.version != 10) {
		/* RFC 7011 §10.4 frames IPFIX by its length field; v9 and v5
		 * have none over a stream, and no collector reads them so */
		snprintf(err, errlen,
			 "collector '%s': /tcp carries IPFIX only (use "
			 "--export ipfix, or /udp for NetFlow v%d)",
			 spec, ex->cfg.version);
		return -EINVAL;
	}
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	export_dest_name(d, c->name, sizeof(c->name));
	snprintf(c->host, sizeof(c->host), "%s", d->host);
	snprintf(c->port, sizeof(c->port), "%u", d->port);
	c->fd = -1;
	c->sport = sport;
	c->dscp = d->dscp;
	c->ttl = d->ttl;
	c->ex = ex;
	c->tx.proto = proto;
	rc = collector_resolve(c, ex->cfg.resolve_later, err, errlen);
	if (rc) {
		free(c);
		return rc;
	}
	rc = tx_source_set(c, source);
	if (rc) {
		snprintf(err, errlen, "collector '%s': source '%s': %s", spec,
			 source,
			 rc == -ENODEV	       ? "no such interface or address"
			 : rc == -EAFNOSUPPORT ? "an address of the other IP "
						 "version than "
						 "the collector's"
					       : strerror(-rc));
		free(c);
		return rc;
	}
	collector_set_maxlen(c);
	/* templates go out together at the start of a message: they must fit
	 * one, with room for a data record */
	if (export_templates_len(&ex->cfg) + 128 > c->maxlen) {
		snprintf(err, errlen,
			 "collector '%s': the %zu templates need %zu octets, "
			 "more than a message of %zu fits (raise --mtu or use "
			 "fewer templates)",
			 spec, ex->cfg.ntmpl, export_templates_len(&ex->cfg),
			 c->maxlen);
		free(c);
		return -EMSGSIZE;
	}
	limit = ex->cfg.tcp_buffer ? ex->cfg.tcp_buffer : EXPORT_TCP_BUFFER;
	if (proto == TX_TCP && limit < c->maxlen) {
		snprintf(err, errlen,
			 "collector '%s': a TCP buffer of %zu octets holds no "
			 "message of %zu (raise --tcp-buffer or lower --mtu)",
			 spec, limit, c->maxlen);
		free(c);
		return -EINVAL;
	}
	c->ops = export_ops_of(ex->cfg.version);
	if (!c->ops)
		c->ops = &export_ipfix_ops;
	/* TCP: templates go out once per connection, sent by the transport
	 * (RFC 7011 §8), never inside a data message that may wait */
	export_sched_init(c);
	c->tx.limit = limit;
	/* a name not resolved yet: the socket is opened when it is */
	rc = collector_resolved(c)
		     ? transport_open(c, proto, limit, err, errlen)
		     : 0;
	if (rc) {
		free(c);
		return rc;
	}
	ex->coll[ex->ncoll++] = c;
	return 0;
}

void exporter_resolve_every(struct exporter *ex, size_t i, uint32_t secs)
{
	struct collector *c = ex->coll[i];

	c->resolve_s = secs;
	/* an unresolved one is being retried: its success schedules this */
	if (collector_resolved(c) && !c->rs)
		c->resolve_next_ns = secs ? tx_mono_ns() + (uint64_t)secs * NS
					  : 0;
}

void exporter_resolve(struct exporter *ex)
{
	size_t i;

	for (i = 0; i < ex->ncoll; i++)
		collector_resolve_now(ex->coll[i]);
}

/* Are c (of ex) and o (of old) one transport session to one domain? */
static bool same_session(const struct exporter *ex, const struct collector *c,
			 const struct exporter *old, const struct collector *o)
{
	return c->tx.proto == TX_UDP && o->tx.proto == TX_UDP && o->fd >= 0 &&
	       ex->cfg.version == old->cfg.version &&
	       ex->cfg.domain_id == old->cfg.domain_id &&
	       strcmp(c->name, o->name) == 0 && c->sport == o->sport &&
	       strcmp(c->source, o->source) == 0 && c->addrlen == o->addrlen &&
	       memcmp(&c->addr, &o->addr, c->addrlen) == 0;
}

void exporter_continue(struct exporter *ex, struct exporter *old)
{
	size_t i, j;

	for (i = 0; i < ex->ncoll; i++) {
		struct collector *c = ex->coll[i];

		for (j = 0; j < old->ncoll; j++) {
			struct collector *o = old->coll[j];

			if (!same_session(ex, c, old, o))
				continue;
			/* the socket (its source port) and what it sent
			 * recently, for the ICMP errors still to come */
			transport_close(c);
			c->fd = o->fd;
			tx_set_ip(c, c->fd); /* the new dscp and ttl */
			c->tx = o->tx;
			c->seq = o->seq;
			o->fd = -1;
			memset(&o->tx, 0, sizeof(o->tx));
			break;
		}
	}
}

void export_route_of(const struct exporter *ex, const struct flow *f,
		     struct export_route *out)
{
	memset(out, 0, sizeof(*out));
	if (ex->route)
		ex->route(ex->ifname_ctx, &f->key, out);
	if (f->oif)
		out->out_if = f->oif;
}

void exporter_set_base(struct exporter *ex, uint64_t base_ns)
{
	/* on a whole millisecond: then base + uptime is the time truncated
	 * to the millisecond, exactly, at every collector */
	ex->base_ns = base_ns - base_ns % MS;
	ex->base_set = true;
	if (ex->now_ns < ex->base_ns)
		ex->now_ns = ex->base_ns;
}

uint32_t export_uptime_ms(const struct exporter *ex, uint64_t ns)
{
	/* RFC 3954 sysUpTime: ms since the time base; exporter_flow keeps
	 * every record's times within 2^32 ms of it */
	return ns > ex->base_ns ? (uint32_t)((ns - ex->base_ns) / MS) : 0;
}

uint64_t export_header_sec(uint64_t now_ns)
{
	uint64_t up = now_ns - now_ns % NS;

	return up == now_ns || up > UINT64_MAX - NS ? up / NS : up / NS + 1;
}

/*
 * Move the time base so that [first_ns, last_ns] and the export clock
 * fit (see UPTIME_LIMIT_NS). The open messages go first, in the old
 * base; IPFIX collectors learn the new one from a systemInitTimeMilli-
 * seconds record ahead of the next data record (setmsg.c), v5 and v9
 * ones from the next header.
 */
static void exporter_rebase(struct exporter *ex, uint64_t first_ns)
{
	uint64_t base =
		ex->now_ns > UPTIME_BACK_NS ? ex->now_ns - UPTIME_BACK_NS : 0;
	size_t i;

	if (first_ns < base)
		base = first_ns;
	exporter_flush(ex);
	ex->base_ns = base - base % MS;
	ex->stats.rebases++;
	for (i = 0; i < ex->ncoll; i++)
		export_owe(ex->coll[i], OWED_BASE);
}

static bool uptime_fits(const struct exporter *ex, uint64_t first_ns,
			uint64_t last_ns)
{
	return first_ns >= ex->base_ns &&
	       last_ns - ex->base_ns < UPTIME_LIMIT_NS;
}

/* A message open since more than FLUSH_AFTER_NS before now_ns goes
 * first, stamped with the old clock: a header stays within a second of
 * its records however far the clock jumps (a file after a silence). */
void exporter_clock(struct exporter *ex, uint64_t now_ns)
{
	size_t i;

	if (now_ns <= ex->now_ns)
		return;
	for (i = 0; i < ex->ncoll; i++) {
		struct collector *c = ex->coll[i];

		if (c->nrec &&
		    now_ns >= add_sat(c->msg_first_ns, FLUSH_AFTER_NS))
			c->ops->flush(c);
	}
	ex->now_ns = now_ns;
}

/*
 * The template the meter chose for the flow's class (the first configured
 * one that describes it), or NULL when the flow came from a meter that
 * did not choose (tests): then the first of the flow's IP version.
 */
const struct template_def *export_pick(const struct exporter *ex,
				       const struct flow *f, uint16_t *id)
{
	size_t i = f->key.tmpl;

	if (i < ex->cfg.ntmpl && (!ex->cfg.tmpl[i]->ipver ||
				  ex->cfg.tmpl[i]->ipver == f->key.ipver)) {
		*id = (uint16_t)(256 + i);
		return ex->cfg.tmpl[i];
	}
	for (i = 0; i < ex->cfg.ntmpl; i++) {
		if (ex->cfg.tmpl[i]->ipver == f->key.ipver &&
		    !ex->cfg.tmpl[i]->tunnel) {
			*id = (uint16_t)(256 + i);
			return ex->cfg.tmpl[i];
		}
	}
	return NULL;
}

/* The fixed-record formats (v1, v5, v7) cannot express IPv6 flows. */
static void skipped_ipv6(struct exporter *ex)
{
	int v = ex->cfg.version;

	if (v == 1)
		ex->stats.v1_skipped_ipv6++;
	else if (v == 7)
		ex->stats.v7_skipped_ipv6++;
	else
		ex->stats.v5_skipped_ipv6++;
	if (ex->warned_v5_ipv6)
		return;
	pr_warn("NetFlow v%d cannot carry IPv6 flows: they are counted "
		"(v%d_skipped_ipv6), not exported; use --export v9 or "
		"ipfix\n",
		v, v);
	ex->warned_v5_ipv6 = true;
}

/* Encode one record for every collector (the exporter owns nothing of
 * f after the call). */
void exporter_send_rec(struct exporter *ex, const struct flow *f,
		       enum flow_end_reason reason,
		       const struct template_def *tmpl, uint16_t tmpl_id)
{
	struct export_rec r = {
		.f = f, .reason = reason, .tmpl = tmpl, .tmpl_id = tmpl_id
	};
	size_t i;

	/* the observed interface: the input at ingress, else the output */
	if (ex->ifattr)
		ex->ifattr(ex->ifname_ctx, f->oif ? f->oif : f->key.ifindex,
			   &r.ifc);
	/* a paced record leaves later: the clock may have moved on */
	exporter_clock(ex, f->last_ns);
	if (!uptime_fits(ex, f->first_ns, ex->now_ns))
		exporter_rebase(ex, f->first_ns);
	for (i = 0; i < ex->ncoll; i++)
		ex->coll[i]->ops->add(ex->coll[i], &r);
}

void exporter_flow(void *ctx, const struct flow *f, enum flow_end_reason reason)
{
	struct exporter *ex = ctx;
	const struct template_def *tmpl = NULL;
	uint16_t id = 0;

	/* the flow's end is a lower bound of the export clock */
	exporter_clock(ex, f->last_ns);
	ex->stats.flows++;

	/* what every collector can carry is decided once, and counted once */
	if (export_fixed(ex->cfg.version)) {
		if (f->key.ipver != 4) {
			skipped_ipv6(ex);
			return;
		}
	} else {
		tmpl = export_pick(ex, f, &id);
		if (!tmpl) {
			ex->stats.no_template++;
			return;
		}
	}
	if (ex->cfg.pace.rate)
		pace_enqueue(ex, f, reason, tmpl, id);
	else
		exporter_send_rec(ex, f, reason, tmpl, id);
}

void exporter_interfaces_changed(struct exporter *ex)
{
	size_t i;

	for (i = 0; i < ex->ncoll; i++)
		if (!ex->coll[i]->ops->fixed &&
		    export_option_on(ex->coll[i], EXPORT_OPT_IFTABLE))
			export_owe(ex->coll[i], OWED_IFTABLE);
}

void exporter_tick(struct exporter *ex, uint64_t now_ns)
{
	size_t i;

	exporter_clock(ex, now_ns);
	/* no record for weeks: the headers' sysUpTime must fit too */
	if (ex->base_set && !uptime_fits(ex, ex->now_ns, ex->now_ns))
		exporter_rebase(ex, ex->now_ns);
	for (i = 0; i < ex->ncoll; i++) {
		struct collector *c = ex->coll[i];

		bool opt_due = !c->ops->fixed && export_options_due(c);

		if (opt_due || export_owes(c, OWED_IFTABLE))
			c->ops->flush(c);
		transport_poll(c);
	}
	exporter_push(ex);
}

uint64_t exporter_next_due(const struct exporter *ex)
{
	uint64_t due = UINT64_MAX, t;
	size_t i;

	for (i = 0; i < ex->ncoll; i++) {
		t = add_sat(ex->coll[i]->msg_first_ns, FLUSH_AFTER_NS);
		if (ex->coll[i]->nrec && t < due)
			due = t;
	}
	return due;
}

void exporter_poll(struct exporter *ex)
{
	uint64_t now = tx_mono_ns();
	size_t i;

	for (i = 0; i < ex->ncoll; i++) {
		collector_resolve_poll(ex->coll[i], now);
		if (ex->coll[i]->tx.proto == TX_TCP)
			transport_poll(ex->coll[i]);
	}
	exporter_pace(ex, now);
}

void exporter_push(struct exporter *ex)
{
	size_t i;

	for (i = 0; i < ex->ncoll; i++)
		if (ex->coll[i]->fd >= 0)
			transport_push(ex->coll[i]);
}

void exporter_flush(struct exporter *ex)
{
	size_t i;

	for (i = 0; i < ex->ncoll; i++)
		ex->coll[i]->ops->flush(ex->coll[i]);
	exporter_push(ex);
}

void exporter_free(struct exporter *ex)
{
	size_t i;

	if (!ex)
		return;
	pace_free(ex);
	exporter_flush(ex);
	for (i = 0; i < ex->ncoll; i++) {
		transport_close(ex->coll[i]);
		collector_resolve_free(ex->coll[i]);
		free(ex->coll[i]);
	}
	free(ex);
}
