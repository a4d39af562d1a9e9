// SPDX-License-Identifier: BSD-2-Clause
/*
 * update.c - the UPDATE message (RFC 4271 §4.3) with the multiprotocol
 * attributes (RFC 4760) and AS4_PATH (RFC 6793), handled per RFC 7606.
 *
 * The parse walks the message once: the withdrawn routes and NLRI are
 * checked first (if they cannot be read, nothing can be withdrawn safely:
 * session reset, §5.3), then every attribute through a cursor of its own
 * length. An attribute that is malformed decides the action by its kind:
 *   treat-as-withdraw  ORIGIN, AS_PATH, NEXT_HOP, MED, LOCAL_PREF, flags
 *                      that conflict with a well-known type, an attribute
 *                      overrunning the attribute field, missing mandatory
 *                      attributes (§3, §7.1-7.5)
 *   attribute discard  ATOMIC_AGGREGATE, AGGREGATOR, AS4_PATH (§7.6-7.7,
 *                      RFC 6793 §6), duplicates of other attributes (§3g)
 *   session reset      MP_REACH/MP_UNREACH malformed or repeated (§3g,
 *                      §7.11): their NLRI cannot be found otherwise
 */
#include "msg.h"

enum {
	ATTR_ORIGIN = 1,
	ATTR_AS_PATH = 2,
	ATTR_NEXT_HOP = 3,
	ATTR_MED = 4,
	ATTR_LOCAL_PREF = 5,
	ATTR_ATOMIC_AGGREGATE = 6,
	ATTR_AGGREGATOR = 7,
	ATTR_MP_REACH = 14,
	ATTR_MP_UNREACH = 15,
	ATTR_AS4_PATH = 17,
};

#define FLAG_OPTIONAL 0x80
#define FLAG_TRANSITIVE 0x40
#define FLAG_EXTENDED 0x10

enum { SEG_SET = 1, SEG_SEQUENCE = 2, SEG_CONFED_SEQ = 3, SEG_CONFED_SET = 4 };

/* The optional and transitive bits each attribute must carry (§3c). */
static const uint8_t attr_flags[] = {
	[ATTR_ORIGIN] = FLAG_TRANSITIVE,
	[ATTR_AS_PATH] = FLAG_TRANSITIVE,
	[ATTR_NEXT_HOP] = FLAG_TRANSITIVE,
	[ATTR_MED] = FLAG_OPTIONAL,
	[ATTR_LOCAL_PREF] = FLAG_TRANSITIVE,
	[ATTR_ATOMIC_AGGREGATE] = FLAG_TRANSITIVE,
	[ATTR_AGGREGATOR] = FLAG_OPTIONAL | FLAG_TRANSITIVE,
	[ATTR_MP_REACH] = FLAG_OPTIONAL,
	[ATTR_MP_UNREACH] = FLAG_OPTIONAL,
	[ATTR_AS4_PATH] = FLAG_OPTIONAL | FLAG_TRANSITIVE,
};

static unsigned max_len(enum bgp_af af)
{
	return af == BGP_AF_IPV6 ? 128 : 32;
}

int bgp_prefix_next(struct bgp_cur *c, enum bgp_af af, struct bgp_prefix *p)
{
	unsigned bytes;

	if (bgp_cur_left(c) == 0)
		return 0;
	memset(p, 0, sizeof(*p));
	p->af = af;
	p->len = bgp_get8(c);
	if (c->bad || p->len > max_len(af))
		return -1;
	bytes = (p->len + 7u) / 8;
	bgp_get_bytes(c, p->addr, bytes);
	if (c->bad)
		return -1;
	/* the trailing bits are irrelevant (RFC 4271 §4.3): clear them */
	if (p->len % 8)
		p->addr[bytes - 1] &= (uint8_t)(0xff00 >> (p->len % 8));
	return 1;
}

/* Whether a whole NLRI field reads as prefixes of af (its copy walked). */
static bool nlri_ok(struct bgp_cur c, enum bgp_af af)
{
	struct bgp_prefix p;
	int r;

	while ((r = bgp_prefix_next(&c, af, &p)) > 0)
		;
	return r == 0;
}

/*
 * AS_PATH or AS4_PATH (RFC 4271 §4.3, RFC 7606 §7.2): segments of type,
 * count and count ASes of asize octets. Confederation segments are not
 * part of the path a collector charts; they are skipped.
 */
static bool path_parse(struct bgp_cur v, unsigned asize, uint32_t *path,
		       uint16_t *n)
{
	*n = 0;
	while (bgp_cur_left(&v) > 0) {
		uint8_t type = bgp_get8(&v);
		uint8_t count = bgp_get8(&v);
		unsigned i;

		if (v.bad || count == 0 || type < SEG_SET ||
		    type > SEG_CONFED_SET)
			return false;
		if (!bgp_cur_need(&v, (size_t)count * asize))
			return false;
		for (i = 0; i < count; i++) {
			uint32_t as = asize == 4 ? bgp_get32(&v)
						 : bgp_get16(&v);

			if (type == SEG_CONFED_SEQ || type == SEG_CONFED_SET)
				continue;
			if (*n >= BGP_MAX_PATH)
				return false;
			path[(*n)++] = as;
		}
	}
	return !v.bad;
}

/*
 * RFC 6793 §4.2.3: a 2-octet session's path is AS_PATH with AS_TRANS in
 * place of large ASes; AS4_PATH holds the right-hand part in 4 octets.
 * When AS4_PATH is longer than AS_PATH it is ignored.
 */
static void path_merge(struct bgp_attrs *a, const uint32_t *as4, uint16_t n4)
{
	unsigned keep;

	if (n4 > a->path_len)
		return;
	keep = a->path_len - n4;
	memcpy(a->path + keep, as4, n4 * sizeof(*as4));
}

/* MP_REACH_NLRI (RFC 4760 §3); false when malformed. */
static bool mp_reach_parse(struct bgp_cur v, struct bgp_update *u, bool *nh_bad)
{
	uint16_t afi = bgp_get16(&v);
	uint8_t safi = bgp_get8(&v);
	uint8_t nhlen = bgp_get8(&v);
	struct bgp_cur nh = bgp_cur_take(&v, nhlen);

	bgp_get8(&v); /* reserved */
	if (v.bad)
		return false;
	u->mp_reach_af = bgp_af_of(afi, safi);
	u->mp_reach = v;
	if (u->mp_reach_af == BGP_AF_NONE)
		return true; /* not negotiated: ignored */
	if (!nlri_ok(v, u->mp_reach_af))
		return false;
	if (u->mp_reach_af == BGP_AF_IPV4 && nhlen == 4) {
		bgp_get_bytes(&nh, u->attrs.nexthop4, 4);
		u->attrs.has_nexthop4 = true;
	} else if (u->mp_reach_af == BGP_AF_IPV6 &&
		   (nhlen == 16 || nhlen == 32)) {
		/* the global address; a link-local one may follow */
		bgp_get_bytes(&nh, u->attrs.nexthop6, 16);
		u->attrs.has_nexthop6 = true;
	} else {
		*nh_bad = true; /* RFC 7606 §7.11: treat-as-withdraw */
	}
	return true;
}

static bool mp_unreach_parse(struct bgp_cur v, struct bgp_update *u)
{
	uint16_t afi = bgp_get16(&v);
	uint8_t safi = bgp_get8(&v);

	if (v.bad)
		return false;
	u->mp_unreach_af = bgp_af_of(afi, safi);
	u->mp_unreach = v;
	return u->mp_unreach_af == BGP_AF_NONE || nlri_ok(v, u->mp_unreach_af);
}

/* The worse of two actions. */
static enum bgp_update_action worse(enum bgp_update_action a,
				    enum bgp_update_action b)
{
	return a > b ? a : b;
}

struct attr_state {
	bool as4;
	uint8_t seen[32]; /* a bit per attribute type */
	uint32_t as4_path[BGP_MAX_PATH];
	uint16_t as4_len;
	bool has_as4_path;
	unsigned count;
};

/* One attribute of type t, value v: the action it asks for. */
static enum bgp_update_action attr_one(uint8_t flags, uint8_t t,
				       struct bgp_cur v, struct bgp_update *u,
				       struct attr_state *s)
{
	struct bgp_attrs *a = &u->attrs;
	bool nh_bad = false;
	size_t len = bgp_cur_left(&v);

	if (s->seen[t / 8] & (1u << (t % 8))) {
		if (t == ATTR_MP_REACH || t == ATTR_MP_UNREACH)
			return BGP_UPD_RESET;
		u->discarded++;
		return BGP_UPD_OK;
	}
	s->seen[t / 8] |= (uint8_t)(1u << (t % 8));
	if (t < sizeof(attr_flags) && attr_flags[t] &&
	    (flags & (FLAG_OPTIONAL | FLAG_TRANSITIVE)) != attr_flags[t]) {
		if (t == ATTR_MP_REACH || t == ATTR_MP_UNREACH)
			return BGP_UPD_RESET;
		if (t == ATTR_AGGREGATOR || t == ATTR_AS4_PATH ||
		    t == ATTR_ATOMIC_AGGREGATE) {
			u->discarded++;
			return BGP_UPD_OK;
		}
		return BGP_UPD_WITHDRAW;
	}
	switch (t) {
	case ATTR_ORIGIN:
		if (len != 1 || bgp_get8(&v) > 2)
			return BGP_UPD_WITHDRAW;
		a->has_origin = true;
		return BGP_UPD_OK;
	case ATTR_AS_PATH:
		if (!path_parse(v, s->as4 ? 4 : 2, a->path, &a->path_len))
			return BGP_UPD_WITHDRAW;
		a->has_path = true;
		return BGP_UPD_OK;
	case ATTR_NEXT_HOP:
		if (len != 4)
			return BGP_UPD_WITHDRAW;
		/* an MP_REACH IPv4 next hop met before wins */
		if (!a->has_nexthop4)
			bgp_get_bytes(&v, a->nexthop4, 4);
		a->has_nexthop4 = true;
		return BGP_UPD_OK;
	case ATTR_MED:
	case ATTR_LOCAL_PREF:
		return len == 4 ? BGP_UPD_OK : BGP_UPD_WITHDRAW;
	case ATTR_ATOMIC_AGGREGATE:
	case ATTR_AGGREGATOR:
		if ((t == ATTR_ATOMIC_AGGREGATE && len != 0) ||
		    (t == ATTR_AGGREGATOR && len != (s->as4 ? 8u : 6u)))
			u->discarded++;
		return BGP_UPD_OK;
	case ATTR_MP_REACH:
		if (!mp_reach_parse(v, u, &nh_bad))
			return BGP_UPD_RESET;
		return nh_bad ? BGP_UPD_WITHDRAW : BGP_UPD_OK;
	case ATTR_MP_UNREACH:
		return mp_unreach_parse(v, u) ? BGP_UPD_OK : BGP_UPD_RESET;
	case ATTR_AS4_PATH:
		/* RFC 6793 §4.1: a 4-octet session ignores it */
		if (s->as4)
			return BGP_UPD_OK;
		if (path_parse(v, 4, s->as4_path, &s->as4_len))
			s->has_as4_path = true;
		else
			u->discarded++;
		return BGP_UPD_OK;
	}
	return BGP_UPD_OK;
}

/* The attribute field; the action its worst attribute asks for. */
static enum bgp_update_action
attrs_parse(struct bgp_cur c, struct bgp_update *u, struct attr_state *s)
{
	enum bgp_update_action act = BGP_UPD_OK;

	while (bgp_cur_left(&c) > 0) {
		uint8_t flags = bgp_get8(&c);
		uint8_t type = bgp_get8(&c);
		size_t len = flags & FLAG_EXTENDED ? bgp_get16(&c)
						   : bgp_get8(&c);
		struct bgp_cur v = bgp_cur_take(&c, len);

		/*
		 * RFC 7606 §4: an attribute overrunning the field. The
		 * MP attributes may be what is cut: if one has not been
		 * seen whole, its NLRI cannot be withdrawn.
		 */
		if (c.bad) {
			if (type == ATTR_MP_REACH || type == ATTR_MP_UNREACH)
				return BGP_UPD_RESET;
			return worse(act, BGP_UPD_WITHDRAW);
		}
		s->count++;
		act = worse(act, attr_one(flags, type, v, u, s));
		if (act == BGP_UPD_RESET)
			return act;
	}
	return act;
}

enum bgp_update_action bgp_update_parse(const uint8_t *body, size_t len,
					bool as4, struct bgp_update *u,
					struct bgp_error *err)
{
	struct bgp_cur c = bgp_cur_make(body, len), attrs;
	struct attr_state s;
	enum bgp_update_action act;
	bool reach;

	memset(u, 0, sizeof(*u));
	memset(&s, 0, sizeof(s));
	s.as4 = as4;
	err->code = BGP_ERR_UPDATE;
	err->subcode = BGP_SUB_UPD_ATTR_LIST;
	u->withdrawn = bgp_cur_take(&c, bgp_get16(&c));
	attrs = bgp_cur_take(&c, bgp_get16(&c));
	if (c.bad)
		return BGP_UPD_RESET;
	u->nlri = c;
	if (!nlri_ok(u->withdrawn, BGP_AF_IPV4) ||
	    !nlri_ok(u->nlri, BGP_AF_IPV4)) {
		err->subcode = BGP_SUB_UPD_NETWORK;
		return BGP_UPD_RESET;
	}
	act = attrs_parse(attrs, u, &s);
	if (act == BGP_UPD_RESET)
		return act;
	if (s.has_as4_path && u->attrs.has_path)
		path_merge(&u->attrs, s.as4_path, s.as4_len);

	/* RFC 4724 §2: End-of-RIB is an UPDATE with nothing in it */
	if (bgp_cur_left(&u->withdrawn) == 0 && bgp_cur_left(&u->nlri) == 0) {
		if (s.count == 0)
			u->eor = BGP_AF_IPV4;
		else if (s.count == 1 && u->mp_unreach_af != BGP_AF_NONE &&
			 bgp_cur_left(&u->mp_unreach) == 0)
			u->eor = u->mp_unreach_af;
	}

	/* RFC 7606 §3d: mandatory attributes missing: treat-as-withdraw */
	reach = bgp_cur_left(&u->nlri) > 0 || (u->mp_reach_af != BGP_AF_NONE &&
					       bgp_cur_left(&u->mp_reach) > 0);
	if (reach && (!u->attrs.has_origin || !u->attrs.has_path))
		act = worse(act, BGP_UPD_WITHDRAW);
	if (bgp_cur_left(&u->nlri) > 0 && !u->attrs.has_nexthop4)
		act = worse(act, BGP_UPD_WITHDRAW);
	return act;
}
