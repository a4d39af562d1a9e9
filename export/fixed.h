/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fixed.h - what the fixed-record NetFlow formats (v1, v5, v7) share, for
 * fixed.c and the files of the versions.
 */
#ifndef XFLOWD_EXPORT_FIXED_H
#define XFLOWD_EXPORT_FIXED_H

#include "export.h"

/* version, count, sysUptime, unix_secs, unix_nsecs: every fixed header */
#define FIXED_HDR_COMMON 16

/* How one fixed-record version differs from the others. */
struct fixed_fmt {
	uint16_t hdr_len;  /* octets of the header */
	uint16_t rec_len;  /* octets of a record */
	uint16_t max_recs; /* records in a datagram at most (Cisco's) */
	/* the header from octet FIXED_HDR_COMMON on; NULL: nothing (v1) */
	void (*put_hdr)(const struct collector *c, uint8_t *h);
	/* one record of r's flow with these counts, rec_len octets */
	void (*put_rec)(struct collector *c, const struct export_rec *r,
			const struct export_route *rt, uint32_t packets,
			uint32_t octets);
};

/* Octets 0-35 of every fixed record: srcaddr, dstaddr, nexthop, input,
 * output, dPkts, dOctets, First, Last, srcport, dstport. */
void fixed_put_common(struct wbuf *w, const struct exporter *ex,
		      const struct flow *f, const struct export_route *rt,
		      uint32_t packets, uint32_t octets);

/* v7's record is v5's and router_sc: v5's writer (v5.c). */
extern const struct fixed_fmt export_v5_fmt;

/* export_ops add and flush of the fixed formats (c->ops->fixed). */
void fixed_add(struct collector *c, const struct export_rec *r);
void fixed_flush(struct collector *c);

#endif
