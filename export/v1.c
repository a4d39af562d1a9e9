// SPDX-License-Identifier: BSD-2-Clause
/*
 * v1.c - NetFlow version 1, the first of Cisco's formats and what IOS
 * sends without "ip flow-export version": a 16-octet header (version,
 * count, sysUptime, unix_secs, unix_nsecs; no sequence number, no engine,
 * no sampling) and up to 24 fixed 48-octet IPv4 records (fixed.c sends
 * them). IPv6 flows cannot be expressed and are counted.
 */
#include "fixed.h"

#define V1_REC_LEN 48
#define V1_MAX_RECS 24

static void v1_put(struct collector *c, const struct export_rec *r,
		   const struct export_route *rt, uint32_t packets,
		   uint32_t octets)
{
	const struct flow *f = r->f;
	struct wbuf *w = &c->w;

	fixed_put_common(w, c->ex, f, rt, packets, octets);
	put_zero(w, 2); /* pad1 */
	put_u8(w, f->key.proto);
	put_u8(w, f->tos);
	put_u8(w, f->tcp_flags);
	/* pad2 (tcp_retx_cnt, tcp_retx_secs, tcp_misseq_cnt in the
	 * original layout, zero in Cisco's documentation) and reserved */
	put_zero(w, 3 + 4);
}

static const struct fixed_fmt v1_fmt = {
	.hdr_len = FIXED_HDR_COMMON,
	.rec_len = V1_REC_LEN,
	.max_recs = V1_MAX_RECS,
	.put_rec = v1_put,
};

/* no sequence number: unix_nsecs tells the datagrams apart */
const struct export_ops export_v1_ops = {
	.name = "v1",
	.protocol = "netflow-v1",
	.version = 1,
	.seq_off = 12,
	.fixed = &v1_fmt,
	.add = fixed_add,
	.flush = fixed_flush,
};
