// SPDX-License-Identifier: BSD-2-Clause
/*
 * msg.c - the BGP header, OPEN, NOTIFICATION and ROUTE-REFRESH messages,
 * and the ones xflowd sends (OPEN, KEEPALIVE, NOTIFICATION). UPDATE has
 * its own file, update.c.
 */
#include "msg.h"

#include "../export/wbuf.h"

/* RFC 5492 capability codes */
enum {
	CAP_MP = 1,		   /* RFC 4760 */
	CAP_ROUTE_REFRESH = 2,	   /* RFC 2918 */
	CAP_GRACEFUL_RESTART = 64, /* RFC 4724 */
	CAP_AS4 = 65,		   /* RFC 6793 */
};
#define OPT_PARAM_CAPABILITIES 2

enum bgp_af bgp_af_of(uint16_t afi, uint8_t safi)
{
	if (safi != BGP_SAFI_UNICAST)
		return BGP_AF_NONE;
	if (afi == BGP_AFI_IPV4)
		return BGP_AF_IPV4;
	if (afi == BGP_AFI_IPV6)
		return BGP_AF_IPV6;
	return BGP_AF_NONE;
}

static int fail(struct bgp_error *err, uint8_t code, uint8_t subcode)
{
	err->code = code;
	err->subcode = subcode;
	return -1;
}

int bgp_msg_header(const uint8_t *buf, size_t len, uint8_t *type,
		   struct bgp_error *err)
{
	struct bgp_cur c = bgp_cur_make(buf, len);
	uint16_t mlen;
	int i;

	if (len < BGP_HDR_LEN)
		return 0;
	/* RFC 4271 §4.1: the marker is all ones */
	for (i = 0; i < 16; i++)
		if (bgp_get8(&c) != 0xff)
			return fail(err, BGP_ERR_HEADER, BGP_SUB_HDR_SYNC);
	mlen = bgp_get16(&c);
	*type = bgp_get8(&c);
	if (mlen < BGP_HDR_LEN || mlen > BGP_MAX_MSG)
		return fail(err, BGP_ERR_HEADER, BGP_SUB_HDR_LENGTH);
	switch (*type) {
	case BGP_OPEN:
		if (mlen < BGP_MIN_OPEN)
			return fail(err, BGP_ERR_HEADER, BGP_SUB_HDR_LENGTH);
		break;
	case BGP_UPDATE:
		if (mlen < BGP_HDR_LEN + 4)
			return fail(err, BGP_ERR_HEADER, BGP_SUB_HDR_LENGTH);
		break;
	case BGP_NOTIFICATION:
		if (mlen < BGP_HDR_LEN + 2)
			return fail(err, BGP_ERR_HEADER, BGP_SUB_HDR_LENGTH);
		break;
	case BGP_KEEPALIVE:
		if (mlen != BGP_HDR_LEN)
			return fail(err, BGP_ERR_HEADER, BGP_SUB_HDR_LENGTH);
		break;
	case BGP_ROUTE_REFRESH:
		if (mlen != BGP_HDR_LEN + 4)
			return fail(err, BGP_ERR_HEADER, BGP_SUB_HDR_LENGTH);
		break;
	default:
		return fail(err, BGP_ERR_HEADER, BGP_SUB_HDR_TYPE);
	}
	return mlen;
}

/* One capability (RFC 5492 §4) into *o; unknown ones are ignored. */
static void open_capability(uint8_t code, struct bgp_cur *v, struct bgp_open *o)
{
	uint16_t afi;
	uint8_t safi;

	switch (code) {
	case CAP_MP:
		afi = bgp_get16(v);
		bgp_get8(v); /* reserved */
		safi = bgp_get8(v);
		if (v->bad)
			return;
		if (bgp_af_of(afi, safi) == BGP_AF_IPV4)
			o->mp_ipv4 = true;
		else if (bgp_af_of(afi, safi) == BGP_AF_IPV6)
			o->mp_ipv6 = true;
		break;
	case CAP_ROUTE_REFRESH:
		o->route_refresh = true;
		break;
	case CAP_GRACEFUL_RESTART:
		/* RFC 4724 §3: flags (4 bits) and restart time (12 bits) */
		o->gr_time = bgp_get16(v) & 0x0fff;
		if (!v->bad)
			o->graceful_restart = true;
		break;
	case CAP_AS4:
		o->as = bgp_get32(v);
		if (!v->bad)
			o->as4 = true;
		break;
	}
}

int bgp_open_parse(const uint8_t *body, size_t len, struct bgp_open *o,
		   struct bgp_error *err)
{
	struct bgp_cur c = bgp_cur_make(body, len), params;
	uint8_t plen;

	memset(o, 0, sizeof(*o));
	o->version = bgp_get8(&c);
	o->as = bgp_get16(&c);
	o->hold = bgp_get16(&c);
	o->router_id = bgp_get32(&c);
	plen = bgp_get8(&c);
	if (c.bad)
		return fail(err, BGP_ERR_HEADER, BGP_SUB_HDR_LENGTH);
	if (o->version != 4)
		return fail(err, BGP_ERR_OPEN, BGP_SUB_OPEN_VERSION);
	/* RFC 4271 §6.2: a hold time of 1 or 2 seconds is refused */
	if (o->hold == 1 || o->hold == 2)
		return fail(err, BGP_ERR_OPEN, BGP_SUB_OPEN_HOLD);
	if (o->router_id == 0)
		return fail(err, BGP_ERR_OPEN, BGP_SUB_OPEN_BGP_ID);
	params = bgp_cur_take(&c, plen);
	if (params.bad || bgp_cur_left(&c) != 0)
		return fail(err, BGP_ERR_OPEN, BGP_SUB_OPEN_PARAM);
	while (bgp_cur_left(&params) > 0) {
		uint8_t type = bgp_get8(&params);
		uint8_t l = bgp_get8(&params);
		struct bgp_cur caps = bgp_cur_take(&params, l);

		if (params.bad)
			return fail(err, BGP_ERR_OPEN, BGP_SUB_OPEN_PARAM);
		if (type != OPT_PARAM_CAPABILITIES)
			continue;
		while (bgp_cur_left(&caps) > 0) {
			uint8_t code = bgp_get8(&caps);
			uint8_t cl = bgp_get8(&caps);
			struct bgp_cur v = bgp_cur_take(&caps, cl);

			if (caps.bad)
				return fail(err, BGP_ERR_OPEN,
					    BGP_SUB_OPEN_PARAM);
			open_capability(code, &v, o);
		}
	}
	return 0;
}

int bgp_notification_parse(const uint8_t *body, size_t len,
			   struct bgp_notification *n)
{
	struct bgp_cur c = bgp_cur_make(body, len);

	n->code = bgp_get8(&c);
	n->subcode = bgp_get8(&c);
	return c.bad ? -1 : 0;
}

int bgp_refresh_parse(const uint8_t *body, size_t len, enum bgp_af *af)
{
	struct bgp_cur c = bgp_cur_make(body, len);
	uint16_t afi = bgp_get16(&c);

	bgp_get8(&c); /* reserved (RFC 7313's subtype) */
	*af = bgp_af_of(afi, bgp_get8(&c));
	return c.bad ? -1 : 0;
}

/* The header, its length patched once the body is written. */
static uint8_t *put_header(struct wbuf *w, uint8_t type)
{
	uint8_t *len;

	put_bytes(w,
		  "\xff\xff\xff\xff\xff\xff\xff\xff"
		  "\xff\xff\xff\xff\xff\xff\xff\xff",
		  16);
	len = wbuf_reserve(w, 2);
	put_u8(w, type);
	return len;
}

static size_t finish(struct wbuf *w, uint8_t *len)
{
	if (w->overflow || !len)
		return 0;
	be16_store(len, (uint16_t)wbuf_len(w));
	return wbuf_len(w);
}

static void put_cap_mp(struct wbuf *w, uint16_t afi)
{
	put_u8(w, CAP_MP);
	put_u8(w, 4);
	put_be16(w, afi);
	put_u8(w, 0);
	put_u8(w, BGP_SAFI_UNICAST);
}

size_t bgp_build_open(uint8_t *buf, size_t len, const struct bgp_open_local *o)
{
	struct wbuf w;
	uint8_t *mlen, *plen, *clen;

	wbuf_init(&w, buf, len);
	mlen = put_header(&w, BGP_OPEN);
	put_u8(&w, 4);
	put_be16(&w, o->as > 0xffff ? BGP_AS_TRANS : (uint16_t)o->as);
	put_be16(&w, o->hold);
	put_be32(&w, o->router_id);
	plen = wbuf_reserve(&w, 1);
	put_u8(&w, OPT_PARAM_CAPABILITIES);
	clen = wbuf_reserve(&w, 1);
	put_cap_mp(&w, BGP_AFI_IPV4);
	put_cap_mp(&w, BGP_AFI_IPV6);
	put_u8(&w, CAP_ROUTE_REFRESH);
	put_u8(&w, 0);
	put_u8(&w, CAP_AS4);
	put_u8(&w, 4);
	put_be32(&w, o->as);
	if (o->gr_time) {
		/*
		 * RFC 4724 §3: the receiving speaker's side. No restart
		 * flag and no AF tuples: xflowd keeps no forwarding state,
		 * it only asks the peer to send End-of-RIB.
		 */
		put_u8(&w, CAP_GRACEFUL_RESTART);
		put_u8(&w, 2);
		put_be16(&w, o->gr_time & 0x0fff);
	}
	if (w.overflow || !plen || !clen)
		return 0;
	*clen = (uint8_t)(w.p - clen - 1);
	*plen = (uint8_t)(w.p - plen - 1);
	return finish(&w, mlen);
}

size_t bgp_build_keepalive(uint8_t *buf, size_t len)
{
	struct wbuf w;

	wbuf_init(&w, buf, len);
	return finish(&w, put_header(&w, BGP_KEEPALIVE));
}

size_t bgp_build_notification(uint8_t *buf, size_t len, uint8_t code,
			      uint8_t subcode)
{
	struct wbuf w;
	uint8_t *mlen;

	wbuf_init(&w, buf, len);
	mlen = put_header(&w, BGP_NOTIFICATION);
	put_u8(&w, code);
	put_u8(&w, subcode);
	return finish(&w, mlen);
}
