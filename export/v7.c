// SPDX-License-Identifier: BSD-2-Clause
/*
 * v7.c - NetFlow version 7, the Catalyst 5000's (MLS) format: v5's header
 * with flow_sequence and 4 reserved octets in place of engine and
 * sampling, and up to 28 records of 52 octets: v5's record, whose pad1
 * and pad2 octets are v7's two flags fields (the fields a switch's flow
 * mask left invalid; 0: all valid, as xflowd's always are), then
 * router_sc, the IPv4 address of the router the switch bypassed. xflowd
 * bypasses no router: router_sc is 0.
 */
#include "fixed.h"

#define V7_HDR_LEN 24
#define V7_REC_LEN 52
#define V7_MAX_RECS 28

/* flow_sequence, reserved: octets 16-23 */
static void v7_put_hdr(const struct collector *c, uint8_t *h)
{
	/* flows sent before this datagram, as v5 */
	be32_store(h, c->seq);
	be32_store(h + 4, 0);
}

static void v7_put(struct collector *c, const struct export_rec *r,
		   const struct export_route *rt, uint32_t packets,
		   uint32_t octets)
{
	export_v5_fmt.put_rec(c, r, rt, packets, octets);
	put_be32(&c->w, 0); /* router_sc */
}

static const struct fixed_fmt v7_fmt = {
	.hdr_len = V7_HDR_LEN,
	.rec_len = V7_REC_LEN,
	.max_recs = V7_MAX_RECS,
	.put_hdr = v7_put_hdr,
	.put_rec = v7_put,
};

const struct export_ops export_v7_ops = {
	.name = "v7",
	.protocol = "netflow-v7",
	.version = 7,
	.seq_off = 16,
	.fixed = &v7_fmt,
	.add = fixed_add,
	.flush = fixed_flush,
};
