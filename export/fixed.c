// SPDX-License-Identifier: BSD-2-Clause
/*
 * fixed.c - the fixed-record NetFlow formats, v1, v5 and v7: a header that
 * opens with version, count, sysUptime, unix_secs and unix_nsecs, then up
 * to a fixed number of fixed-size IPv4 records with 32-bit counters. There
 * is no RFC; the layouts are Cisco's. v1.c, v5.c and v7.c write each
 * version's records and the rest of its header (struct fixed_fmt).
 */
#include "../common/clock.h"
#include "fixed.h"

static unsigned fixed_max_recs(const struct collector *c)
{
	const struct fixed_fmt *fm = c->ops->fixed;
	size_t n = (c->maxlen - fm->hdr_len) / fm->rec_len;

	return n < fm->max_recs ? (unsigned)n : fm->max_recs;
}

void fixed_flush(struct collector *c)
{
	const struct fixed_fmt *fm = c->ops->fixed;
	const struct exporter *ex = c->ex;
	uint64_t now = ex->now_ns;
	uint8_t *h;

	if (c->nrec == 0)
		return;
	h = c->w.start;
	be16_store(h, (uint16_t)c->ops->version);
	be16_store(h + 2, (uint16_t)c->nrec);
	/* the export clock is never before a record's end, so sysUptime >=
	 * Last; with unix_nsecs, unix time - sysUptime is the time base
	 * exactly (it lies on a whole ms) */
	be32_store(h + 4, export_uptime_ms(ex, now));
	be32_store(h + 8, (uint32_t)(now / NS));
	be32_store(h + 12, (uint32_t)(now % NS));
	if (fm->put_hdr)
		fm->put_hdr(c, h + FIXED_HDR_COMMON);
	collector_send(c);
	c->seq += c->nrec;
	c->stats.data_records += c->nrec;
	c->nrec = 0;
}

void fixed_put_common(struct wbuf *w, const struct exporter *ex,
		      const struct flow *f, const struct export_route *rt,
		      uint32_t packets, uint32_t octets)
{
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
}

static void fixed_put(struct collector *c, const struct export_rec *r,
		      const struct export_route *rt, uint32_t packets,
		      uint32_t octets)
{
	const struct fixed_fmt *fm = c->ops->fixed;

	if (c->nrec == 0) {
		wbuf_init(&c->w, c->buf, c->maxlen);
		put_zero(&c->w, fm->hdr_len); /* patched at flush */
		c->msg_first_ns = c->ex->now_ns;
	}
	fm->put_rec(c, r, rt, packets, octets);
	c->npkts += packets;
	c->noct += octets;
	if (++c->nrec == fixed_max_recs(c))
		fixed_flush(c);
}

void fixed_add(struct collector *c, const struct export_rec *r)
{
	uint64_t p = r->f->packets, o = r->f->octets, n, i;
	struct export_route rt;

	/* Cisco's routing fields: the kernel's main table, the observed
	 * output interface at an egress point */
	export_route_of(c->ex, r->f, &rt);

	/* the counters are 32 bits: a larger flow goes out as n records that
	 * share its counts evenly, so the totals at the collector stay exact
	 * and no record is empty */
	n = p / UINT32_MAX + (p % UINT32_MAX != 0);
	if (o / UINT32_MAX + (o % UINT32_MAX != 0) > n)
		n = o / UINT32_MAX + (o % UINT32_MAX != 0);
	for (i = 0; i < n; i++)
		fixed_put(c, r, &rt, (uint32_t)(p / n + (i < p % n)),
			  (uint32_t)(o / n + (i < o % n)));
}
