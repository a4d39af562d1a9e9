// SPDX-License-Identifier: BSD-2-Clause
/*
 * v5.c - NetFlow version 5: a 24-octet header and up to 30 fixed 48-octet
 * IPv4 records (fixed.c sends them). There is no RFC; the layout is
 * Cisco's and every collector agrees on it. IPv6 flows cannot be
 * expressed and are counted.
 */
#include <errno.h>

#include "fixed.h"

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

	if (s->mode == SAMPLER_NONE || !export_fixed(cfg->version))
		return 0;
	if (cfg->version != 5) {
		/* nowhere to announce it: collectors would take sampled
		 * counts for all the traffic, as Cisco's v1 and v7 did only
		 * unsampled */
		snprintf(err, errlen,
			 "NetFlow v%d cannot announce sampling (1 in %u): use "
			 "--export v5, v9 or ipfix, or no sampling",
			 cfg->version, s->interval);
		return -EINVAL;
	}
	if (s->interval <= V5_SMP_MAX)
		return 0;
	snprintf(err, errlen,
		 "1 in %u does not fit the NetFlow v5 header (at most 1 in "
		 "%u): use --export v9 or ipfix, or a smaller N",
		 s->interval, V5_SMP_MAX);
	return -EINVAL;
}

/* flow_sequence, engine type and id, sampling: octets 16-23 */
static void v5_put_hdr(const struct collector *c, uint8_t *h)
{
	const struct exporter *ex = c->ex;

	/* flow_sequence: flows sent before this datagram */
	be32_store(h, c->seq);
	h[4] = (uint8_t)(ex->cfg.domain_id >> 8); /* engine type */
	h[5] = (uint8_t)ex->cfg.domain_id;	  /* engine id */
	be16_store(h + 6, export_v5_sampling(&ex->cfg.sampling));
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

	fixed_put_common(w, ex, f, rt, packets, octets);
	put_u8(w, 0);
	put_u8(w, f->tcp_flags);
	put_u8(w, f->key.proto);
	put_u8(w, f->tos);
	put_be16(w, v5_as(ex->cfg.as, rt->src_as, rt->src_peer_as));
	put_be16(w, v5_as(ex->cfg.as, rt->dst_as, rt->dst_peer_as));
	put_u8(w, rt->src_mask);
	put_u8(w, rt->dst_mask);
	put_zero(w, 2); /* pad */
}

const struct fixed_fmt export_v5_fmt = {
	.hdr_len = V5_HDR_LEN,
	.rec_len = V5_REC_LEN,
	.max_recs = V5_MAX_RECS,
	.put_hdr = v5_put_hdr,
	.put_rec = v5_put,
};

const struct export_ops export_v5_ops = {
	.name = "v5",
	.protocol = "netflow-v5",
	.version = 5,
	.seq_off = 16,
	.fixed = &export_v5_fmt,
	.add = fixed_add,
	.flush = fixed_flush,
};
