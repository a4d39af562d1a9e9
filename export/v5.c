// SPDX-License-Identifier: BSD-2-Clause
/*
 * v5.c - NetFlow version 5: a 24-octet header and up to 30 fixed 48-octet
 * IPv4 records. There is no RFC; the layout is Cisco's and every collector
 * agrees on it. IPv6 flows cannot be expressed and are counted.
 */
#include <errno.h>

#include "export.h"

#define V5_HDR_LEN 24
#define V5_REC_LEN 48
#define V5_MAX_RECS 30

/* Cisco's sampling_interval: mode in the top 2 bits (01 deterministic,
 * "packet interval"; 10 random), the interval N in the low 14 */
#define V5_SMP_DETERMINISTIC 1u
#define V5_SMP_RANDOM 2u
#define V5_SMP_MAX 0x3fffu

uint16_t export_v5_sampling(const struct export_sampling *s)
{
	unsigned mode;

	switch (s->mode) {
	case SAMPLER_DETERMINISTIC:
		mode = V5_SMP_DETERMINISTIC;
		break;
	case SAMPLER_RANDOM:
		mode = V5_SMP_RANDOM;
		break;
	default:
		return 0;
	}
	/* export_sampling_check() refused larger intervals */
	return (uint16_t)(mode << 14 | (s->interval < V5_SMP_MAX ? s->interval
								 : V5_SMP_MAX));
}

int export_sampling_check(const struct export_cfg *cfg, char *err,
			  size_t errlen)
{
	const struct export_sampling *s = &cfg->sampling;

	if (s->mode == SAMPLER_NONE || cfg->version != 5 ||
	    s->interval <= V5_SMP_MAX)
		return 0;
	snprintf(err, errlen,
		 "1 in %u does not fit the NetFlow v5 header (at most 1 in "
		 "%u): use --export v9 or ipfix, or a smaller N",
		 s->interval, V5_SMP_MAX);
	return -EINVAL;
}

static unsigned v5_max_recs(const struct collector *c)
{
	size_t n = (c->maxlen - V5_HDR_LEN) / V5_REC_LEN;

	return n < V5_MAX_RECS ? (unsigned)n : V5_MAX_RECS;
}

static void v5_flush(struct collector *c)
{
	const struct exporter *ex = c->ex;
	uint64_t now = ex->now_ns;
	uint8_t *h;

	if (c->nrec == 0)
		return;
	h = c->w.start;
	be16_store(h, 5);
	be16_store(h + 2, (uint16_t)c->nrec);
	be32_store(h + 4, export_uptime_ms(ex, now));
	be32_store(h + 8, (uint32_t)(now / 1000000000));
	be32_store(h + 12, (uint32_t)(now % 1000000000));
	/* flow_sequence: flows sent before this datagram */
	be32_store(h + 16, c->seq);
	h[20] = (uint8_t)(ex->cfg.domain_id >> 8); /* engine type */
	h[21] = (uint8_t)ex->cfg.domain_id;	   /* engine id */
	be16_store(h + 22, export_v5_sampling(&ex->cfg.sampling));
	collector_send(c);
	c->seq += c->nrec;
	c->stats.data_records += c->nrec;
	c->nrec = 0;
}

/*
 * A v5 AS field: the origin or the peer AS per the exporter's setting;
 * one that needs 4 octets is AS_TRANS (RFC 6793 §9), as IOS sends it.
 */
static uint16_t v5_as(enum export_as as, uint32_t origin, uint32_t peer)
{
	uint32_t v = as == EXPORT_AS_ORIGIN ? origin
		     : as == EXPORT_AS_PEER ? peer
					    : 0;

	return v > 0xffff ? 23456 : (uint16_t)v;
}

static void v5_put(struct collector *c, const struct export_rec *r,
		   const struct export_route *rt, uint32_t packets,
		   uint32_t octets)
{
	const struct exporter *ex = c->ex;
	const struct flow *f = r->f;
	struct wbuf *w = &c->w;

	if (c->nrec == 0) {
		wbuf_init(w, c->buf, c->maxlen);
		put_zero(w, V5_HDR_LEN); /* patched at flush */
		c->msg_first_ns = ex->now_ns;
	}
	put_bytes(w, f->key.src, 4);
	put_bytes(w, f->key.dst, 4);
	if (rt->nexthop_ver == 4)
		put_bytes(w, rt->nexthop, 4);
	else
		put_be32(w, 0); /* connected, no route, an IPv6 gateway */
	put_be16(w, (uint16_t)f->key.ifindex); /* input */
	put_be16(w, (uint16_t)rt->out_if);     /* output */
	put_be32(w, packets);
	put_be32(w, octets);
	put_be32(w, export_uptime_ms(ex, f->first_ns));
	put_be32(w, export_uptime_ms(ex, f->last_ns));
	put_be16(w, f->key.sport);
	put_be16(w, f->key.dport);
	put_u8(w, 0);
	put_u8(w, f->tcp_flags);
	put_u8(w, f->key.proto);
	put_u8(w, f->tos);
	put_be16(w, v5_as(ex->cfg.as, rt->src_as, rt->src_peer_as));
	put_be16(w, v5_as(ex->cfg.as, rt->dst_as, rt->dst_peer_as));
	put_u8(w, rt->src_mask);
	put_u8(w, rt->dst_mask);
	put_zero(w, 2); /* pad */
	c->npkts += packets;
	c->noct += octets;
	if (++c->nrec == v5_max_recs(c))
		v5_flush(c);
}

static void v5_add(struct collector *c, const struct export_rec *r)
{
	uint64_t p = r->f->packets, o = r->f->octets, n, i;
	struct export_route rt = { { 0 } };

	/* Cisco's routing fields: the kernel's main table (daemon/main.c) */
	if (c->ex->route)
		c->ex->route(c->ex->ifname_ctx, &r->f->key, &rt);

	/* v5 counters are 32 bits: a larger flow goes out as n records that
	 * share its counts evenly, so the totals at the collector stay exact
	 * and no record is empty */
	n = p / UINT32_MAX + (p % UINT32_MAX != 0);
	if (o / UINT32_MAX + (o % UINT32_MAX != 0) > n)
		n = o / UINT32_MAX + (o % UINT32_MAX != 0);
	for (i = 0; i < n; i++)
		v5_put(c, r, &rt, (uint32_t)(p / n + (i < p % n)),
		       (uint32_t)(o / n + (i < o % n)));
}

const struct export_ops export_v5_ops = {
	.name = "v5",
	.add = v5_add,
	.flush = v5_flush,
};
