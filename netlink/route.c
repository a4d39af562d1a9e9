// SPDX-License-Identifier: BSD-2-Clause
/*
 * route.c - the main routing table, kept current from rtnetlink.
 *
 * Storage: a dense array of routes and an open-addressing index of their
 * positions (linear probing, backward-shift deletion, at most half full),
 * as in ifinfo.c. The index hashes (family, prefix length, prefix) but not
 * the metric: the routes of one prefix share a home slot, so the probe run
 * from it to the next empty slot holds all of them. A lookup masks the
 * address to each prefix length in use, longest first (a count per family
 * and length says which), and probes once per length: at most 33 (IPv4) or
 * 129 (IPv6) probes, in practice the few lengths a table uses. It runs once
 * per exported flow, never per packet.
 *
 * Resynchronisation (nlsock.h): every route remembers the epoch in which
 * a message last described it; at the NLMSG_DONE of a dump the routes of
 * older epochs are removed.
 */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "nlsock.h"
#include "route.h"

#define RCVBUF (4 << 20) /* a routing daemon installs routes in bursts */
#define MIN_CAP 64

struct rt {
	uint8_t pfx[16];    /* masked to plen; IPv4: first 4 octets */
	uint8_t gw[16];	    /* gw_ver 4: first 4 octets */
	uint8_t prefsrc[4]; /* IPv4 RTA_PREFSRC; zero: none */
	uint32_t metric;    /* RTA_PRIORITY */
	uint32_t oif;
	uint32_t epoch;	 /* of the last message that described it */
	uint32_t dumped; /* epoch of the dump that last listed it */
	uint8_t ver;	 /* 4 or 6 */
	uint8_t plen;
	uint8_t gw_ver;	   /* 0: directly connected */
	uint8_t multipath; /* gw and oif are its first live hop's */
	uint8_t local;	   /* an address of the host (table local) */
};

struct route_table {
	struct rt *ent; /* ent[0 .. n) */
	uint32_t n, cap;
	uint32_t *idx;	       /* position + 1, 0: empty */
	uint32_t mask;	       /* index size - 1; index size >= 2 * cap */
	unsigned int bits;     /* log2 of the index size */
	uint32_t nlen[2][129]; /* routes per family (4, 6) and length */
	uint64_t gen;
	struct nlsock nl; /* the socket, its dump and epoch */
	struct route_stats st;
};

_Static_assert(ROUTE_MAX >= MIN_CAP && (ROUTE_MAX & (ROUTE_MAX - 1)) == 0,
	       "grow() doubles from MIN_CAP up to ROUTE_MAX");

/* attribute tables: the highest type looked at, plus one */
#define RT_TB (RTA_VIA + 1)
#define ADDR_TB (IFA_LOCAL + 1)
_Static_assert(RTA_TABLE < RT_TB && RTA_MULTIPATH < RT_TB, "RT_TB too small");

/* ---- the table ---- */

static size_t alen_of(uint8_t ver)
{
	return ver == 4 ? 4 : 16;
}

/* Zero the bits of a (16 octets) from bit plen on. */
static void mask_prefix(uint8_t *a, unsigned int plen)
{
	unsigned int i = plen / 8;

	if (i >= 16)
		return;
	if (plen % 8)
		a[i++] &= (uint8_t)(0xff << (8 - plen % 8));
	memset(a + i, 0, 16 - i);
}

static uint32_t hash_key(const struct route_table *t, uint8_t ver, uint8_t plen,
			 const uint8_t *pfx)
{
	uint64_t a, b, h;

	memcpy(&a, pfx, 8);
	memcpy(&b, pfx + 8, 8);
	/* two rounds of a 64-bit multiplicative mix; the top bits index */
	h = (a ^ ((uint64_t)plen << 8 | ver)) * 0x9e3779b97f4a7c15ull;
	h = (h ^ (h >> 29) ^ b) * 0xbf58476d1ce4e5b9ull;
	h ^= h >> 31;
	return (uint32_t)(h >> (64 - t->bits));
}

static uint32_t home(const struct route_table *t, const struct rt *r)
{
	return hash_key(t, r->ver, r->plen, r->pfx);
}

static bool same_prefix(const struct rt *r, uint8_t ver, uint8_t plen,
			const uint8_t *pfx)
{
	return r->ver == ver && r->plen == plen && !memcmp(r->pfx, pfx, 16);
}

/* The index slot holding the route of r's key (prefix and metric), or the
 * empty slot where it would go. */
static uint32_t find_exact(const struct route_table *t, const struct rt *r)
{
	uint32_t h = home(t, r);

	while (t->idx[h]) {
		const struct rt *s = &t->ent[t->idx[h] - 1];

		if (same_prefix(s, r->ver, r->plen, r->pfx) &&
		    s->metric == r->metric)
			break;
		h = (h + 1) & t->mask;
	}
	return h;
}

/* The route of the lowest metric for a prefix, or NULL. */
static const struct rt *best(const struct route_table *t, uint8_t ver,
			     uint8_t plen, const uint8_t *pfx)
{
	uint32_t h = hash_key(t, ver, plen, pfx);
	const struct rt *b = NULL;

	for (; t->idx[h]; h = (h + 1) & t->mask) {
		const struct rt *s = &t->ent[t->idx[h] - 1];

		if (same_prefix(s, ver, plen, pfx) &&
		    (!b || s->metric < b->metric))
			b = s;
	}
	return b;
}

static int reindex(struct route_table *t, unsigned int bits)
{
	uint32_t size = 1u << bits, *idx = calloc(size, sizeof(*idx)), i;

	if (!idx)
		return -ENOMEM;
	free(t->idx);
	t->idx = idx;
	t->mask = size - 1;
	t->bits = bits;
	for (i = 0; i < t->n; i++)
		t->idx[find_exact(t, &t->ent[i])] = i + 1;
	return 0;
}

static int grow(struct route_table *t)
{
	uint32_t cap = t->cap ? t->cap * 2 : MIN_CAP;
	unsigned int bits = t->cap ? t->bits + 1 : 7; /* 2 * MIN_CAP */
	struct rt *ent;

	if (t->cap >= ROUTE_MAX)
		return -ENOSPC;
	ent = realloc(t->ent, (size_t)cap * sizeof(*ent));
	if (!ent)
		return -ENOMEM;
	t->ent = ent;
	t->cap = cap;
	return reindex(t, bits);
}

static uint32_t *nlen_of(struct route_table *t, const struct rt *r)
{
	return &t->nlen[r->ver == 6][r->plen];
}

static void remove_slot(struct route_table *t, uint32_t h)
{
	uint32_t pos = t->idx[h] - 1, last = t->n - 1, i = h, j = h, k;

	(*nlen_of(t, &t->ent[pos]))--;
	/* backward shift: pull later members of the probe run into the hole */
	t->idx[i] = 0;
	for (;;) {
		j = (j + 1) & t->mask;
		if (!t->idx[j])
			break;
		k = home(t, &t->ent[t->idx[j] - 1]);
		if (i <= j ? (i < k && k <= j) : (i < k || k <= j))
			continue; /* its home lies after the hole: stays */
		t->idx[i] = t->idx[j];
		t->idx[j] = 0;
		i = j;
	}
	if (pos != last) {
		t->ent[pos] = t->ent[last];
		t->idx[find_exact(t, &t->ent[pos])] = pos + 1;
	}
	t->n--;
	t->gen++;
}

static bool same_hop(const struct rt *a, const struct rt *b)
{
	return a->oif == b->oif && a->gw_ver == b->gw_ver &&
	       !memcmp(a->gw, b->gw, sizeof(a->gw));
}

static bool same_route(const struct rt *a, const struct rt *b)
{
	return same_hop(a, b) && a->multipath == b->multipath &&
	       !memcmp(a->prefsrc, b->prefsrc, sizeof(a->prefsrc));
}

/*
 * Add or replace r. seen: r is current (see the top of the file); dumped:
 * it comes from the running dump; append: NLM_F_APPEND, a second route of
 * the same key that the kernel puts after the first, which it uses.
 */
static int put(struct route_table *t, const struct rt *r, bool seen,
	       bool dumped, bool append)
{
	uint32_t h = find_exact(t, r);
	struct rt *s;
	int rc;

	if (t->idx[h]) {
		s = &t->ent[t->idx[h] - 1];
		/* a dump lists appended routes after the first one */
		if (append || (dumped && s->dumped == t->nl.epoch)) {
			if (seen)
				s->epoch = t->nl.epoch;
			return 0;
		}
	} else {
		if (t->n == t->cap) {
			rc = grow(t);
			if (rc < 0) {
				t->st.full++;
				return rc;
			}
			h = find_exact(t, r);
		}
		s = &t->ent[t->n++];
		t->idx[h] = t->n;
		*s = *r;
		s->epoch = t->nl.epoch - 1;
		s->dumped = t->nl.epoch - 1;
		(*nlen_of(t, s))++;
		t->gen++;
	}
	if (!same_route(s, r)) {
		s->oif = r->oif;
		s->gw_ver = r->gw_ver;
		memcpy(s->gw, r->gw, sizeof(s->gw));
		memcpy(s->prefsrc, r->prefsrc, sizeof(s->prefsrc));
		s->multipath = r->multipath;
		t->gen++;
	}
	if (seen)
		s->epoch = t->nl.epoch;
	if (dumped)
		s->dumped = t->nl.epoch;
	return 0;
}

/* At the end of a dump (nlsock_ops.sweep). */
static void sweep(void *ctx)
{
	struct route_table *t = ctx;
	uint32_t i = t->n;

	/* downwards: swap-remove only moves already visited entries */
	while (i-- > 0)
		if (t->ent[i].epoch != t->nl.epoch)
			remove_slot(t, find_exact(t, &t->ent[i]));
}

/*
 * Remove the routes of family ver (0: both) through oif, as the kernel
 * does without a word; true if one was multipath (its other hops may
 * live on).
 */
static bool flush_oif(struct route_table *t, uint8_t ver, uint32_t oif)
{
	uint32_t i = t->n;
	bool multi = false;

	while (i-- > 0) {
		const struct rt *r = &t->ent[i];

		if (r->oif != oif || (ver && r->ver != ver))
			continue;
		multi |= r->multipath;
		t->st.flushed++;
		remove_slot(t, find_exact(t, r));
	}
	return multi;
}

/* ---- attributes ---- */

/* Copy an attribute of exactly len octets; -EINVAL for another length. */
static int attr_copy(const struct nlattr *a, void *out, size_t len)
{
	if (mnl_attr_get_payload_len(a) != len)
		return -EINVAL;
	memcpy(out, mnl_attr_get_payload(a), len);
	return 0;
}

static int attr_u32(const struct nlattr *a, uint32_t *v)
{
	if (mnl_attr_validate(a, MNL_TYPE_U32) < 0)
		return -EINVAL;
	*v = mnl_attr_get_u32(a);
	return 0;
}

/* The gateway of r from RTA_GATEWAY (r's family) or RTA_VIA (either). */
static int get_gateway(const struct nlattr *gw, const struct nlattr *via,
		       struct rt *r)
{
	uint16_t fam;
	size_t i;

	r->gw_ver = 0;
	memset(r->gw, 0, sizeof(r->gw));
	if (gw) {
		if (attr_copy(gw, r->gw, alen_of(r->ver)) < 0)
			return -EINVAL;
		r->gw_ver = r->ver;
	} else if (via) {
		/* struct rtvia: a family, then its address */
		if (mnl_attr_get_payload_len(via) < sizeof(fam))
			return -EINVAL;
		memcpy(&fam, mnl_attr_get_payload(via), sizeof(fam));
		if (fam != AF_INET && fam != AF_INET6)
			return -EINVAL;
		r->gw_ver = fam == AF_INET ? 4 : 6;
		if (mnl_attr_get_payload_len(via) !=
		    sizeof(fam) + alen_of(r->gw_ver))
			return -EINVAL;
		memcpy(r->gw, (const uint8_t *)mnl_attr_get_payload(via) + 2,
		       alen_of(r->gw_ver));
	}
	for (i = 0; i < sizeof(r->gw); i++)
		if (r->gw[i])
			return 0;
	r->gw_ver = 0; /* 0.0.0.0 or :: is no gateway */
	return 0;
}

/*
 * RTA_MULTIPATH: struct rtnexthop, each followed by its attributes. Every
 * hop's length is checked; the first live one (or the first) is kept.
 */
static int parse_multipath(const struct nlattr *mp, struct rt *r)
{
	const uint8_t *p = mnl_attr_get_payload(mp), *pick = NULL;
	size_t rem = mnl_attr_get_payload_len(mp), step;
	struct rtnexthop nh, pnh = { 0 };
	const struct nlattr *tb[RT_TB] = { NULL };
	struct nlsock_attrs a = { tb, RT_TB };

	while (rem > 0) {
		if (rem < sizeof(nh))
			return -EINVAL;
		memcpy(&nh, p, sizeof(nh));
		if (nh.rtnh_len < sizeof(nh) || nh.rtnh_len > rem ||
		    nh.rtnh_ifindex < 0)
			return -EINVAL;
		if (!pick || ((pnh.rtnh_flags & RTNH_F_DEAD) &&
			      !(nh.rtnh_flags & RTNH_F_DEAD))) {
			pick = p;
			pnh = nh;
		}
		step = RTNH_ALIGN((size_t)nh.rtnh_len);
		if (step >= rem)
			break;
		p += step;
		rem -= step;
	}
	if (!pick)
		return -EINVAL; /* no hop at all */
	_Static_assert(RTNH_LENGTH(0) == sizeof(struct rtnexthop), "a hop's "
								   "attributes "
								   "follow "
								   "struct "
								   "rtnexthop");
	if (mnl_attr_parse_payload(pick + sizeof(nh), pnh.rtnh_len - sizeof(nh),
				   nlsock_attr_cb, &a) < 0)
		return -EINVAL;
	r->oif = (uint32_t)pnh.rtnh_ifindex;
	r->multipath = 1;
	return get_gateway(tb[RTA_GATEWAY], tb[RTA_VIA], r);
}

/*
 * An RTM_NEWROUTE or RTM_DELROUTE into r: 0, 1 for a route not kept
 * (family, table, type, cloned, TOS, source prefix), -EINVAL for a
 * malformed message.
 */
static int route_parse(const struct nlmsghdr *nlh, struct rt *r)
{
	const struct nlattr *tb[RT_TB] = { NULL };
	struct nlsock_attrs a = { tb, RT_TB };
	const struct rtmsg *rtm;
	uint32_t table;
	uint8_t ver;
	bool local;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*rtm))
		return -EINVAL;
	rtm = mnl_nlmsg_get_payload(nlh);
	if (rtm->rtm_family == AF_INET)
		ver = 4;
	else if (rtm->rtm_family == AF_INET6)
		ver = 6;
	else
		return 1; /* MPLS, multicast routing, ... */
	if (rtm->rtm_dst_len > alen_of(ver) * 8 ||
	    rtm->rtm_src_len > alen_of(ver) * 8)
		return -EINVAL;
	if (mnl_attr_parse(nlh, sizeof(*rtm), nlsock_attr_cb, &a) < 0)
		return -EINVAL;
	table = rtm->rtm_table;
	if (tb[RTA_TABLE] && attr_u32(tb[RTA_TABLE], &table) < 0)
		return -EINVAL;
	local = table == RT_TABLE_LOCAL && rtm->rtm_type == RTN_LOCAL;
	if ((!local &&
	     (table != RT_TABLE_MAIN || rtm->rtm_type != RTN_UNICAST)) ||
	    (rtm->rtm_flags & RTM_F_CLONED) || rtm->rtm_src_len ||
	    (ver == 4 && rtm->rtm_tos))
		return 1;

	memset(r, 0, sizeof(*r));
	r->local = local;
	r->ver = ver;
	r->plen = rtm->rtm_dst_len;
	if (tb[RTA_DST]) {
		if (attr_copy(tb[RTA_DST], r->pfx, alen_of(ver)) < 0)
			return -EINVAL;
	} else if (r->plen) {
		return -EINVAL; /* only a default route has no RTA_DST */
	}
	mask_prefix(r->pfx, r->plen);
	if (tb[RTA_PRIORITY] && attr_u32(tb[RTA_PRIORITY], &r->metric) < 0)
		return -EINVAL;
	if (tb[RTA_OIF] && attr_u32(tb[RTA_OIF], &r->oif) < 0)
		return -EINVAL;
	if (tb[RTA_PREFSRC]) {
		uint8_t src[16];

		if (attr_copy(tb[RTA_PREFSRC], src, alen_of(ver)) < 0)
			return -EINVAL;
		if (ver == 4)
			memcpy(r->prefsrc, src, 4);
	}
	if (tb[RTA_MULTIPATH])
		return parse_multipath(tb[RTA_MULTIPATH], r);
	return get_gateway(tb[RTA_GATEWAY], tb[RTA_VIA], r);
}

/* ---- messages ---- */

static void route_del(struct route_table *t, const struct rt *r)
{
	uint32_t h = find_exact(t, r);
	const struct rt *s;
	bool resync;

	if (!t->idx[h])
		return;
	s = &t->ent[t->idx[h] - 1];
	/* another hop, or a route appended after ours: ours stays */
	if (!same_hop(s, r))
		return;
	/* one hop of a multipath route (IPv6 deletes them one by one):
	 * the route may live on through the others */
	resync = s->multipath && !r->multipath;
	remove_slot(t, h);
	if (resync)
		nlsock_want_resync(&t->nl);
}

static void route_msg(struct route_table *t, const struct nlmsghdr *nlh)
{
	struct rt r;
	int rc = route_parse(nlh, &r);
	bool dumped;

	if (rc > 0) {
		t->st.ignored++;
	} else if (rc < 0) {
		t->st.malformed++;
	} else if (nlh->nlmsg_type == RTM_DELROUTE) {
		t->st.delroute++;
		route_del(t, &r);
	} else {
		t->st.newroute++;
		dumped = nlsock_from_dump(&t->nl, nlh);
		put(t, &r, nlsock_seen(&t->nl, nlh), dumped,
		    !dumped && (nlh->nlmsg_flags & NLM_F_APPEND));
	}
}

/*
 * RTM_NEWLINK of an interface that is down, RTM_DELLINK: the kernel
 * flushed the IPv4 routes through it (all routes when it is gone) without
 * an RTM_DELROUTE each.
 */
static void link_msg(struct route_table *t, const struct nlmsghdr *nlh)
{
	const struct ifinfomsg *ifm;
	bool gone = nlh->nlmsg_type == RTM_DELLINK;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifm)) {
		t->st.malformed++;
		return;
	}
	ifm = mnl_nlmsg_get_payload(nlh);
	if (ifm->ifi_index <= 0) {
		t->st.malformed++;
		return;
	}
	/* AF_BRIDGE: a bridge port's news; up: nothing is flushed */
	if (ifm->ifi_family != AF_UNSPEC ||
	    (!gone && (ifm->ifi_flags & IFF_UP))) {
		t->st.ignored++;
		return;
	}
	if (flush_oif(t, gone ? 0 : 4, (uint32_t)ifm->ifi_index))
		nlsock_want_resync(&t->nl);
}

/*
 * IPv4 RTM_DELADDR: the kernel flushed the routes with that preferred
 * source, and every IPv4 route through the interface if it was its last
 * address; which, only a dump tells.
 */
static void addr_del(struct route_table *t, const struct nlmsghdr *nlh)
{
	const struct nlattr *tb[ADDR_TB] = { NULL };
	struct nlsock_attrs a = { tb, ADDR_TB };
	const struct ifaddrmsg *ifa;
	uint8_t local[4] = { 0 };
	uint32_t i;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifa)) {
		t->st.malformed++;
		return;
	}
	ifa = mnl_nlmsg_get_payload(nlh);
	if (ifa->ifa_family != AF_INET) {
		t->st.ignored++;
		return;
	}
	if (!ifa->ifa_index ||
	    mnl_attr_parse(nlh, sizeof(*ifa), nlsock_attr_cb, &a) < 0 ||
	    (tb[IFA_LOCAL] && attr_copy(tb[IFA_LOCAL], local, 4) < 0)) {
		t->st.malformed++;
		return;
	}
	i = t->n;
	while (i-- > 0 && memcmp(local, "\0\0\0\0", 4)) {
		const struct rt *r = &t->ent[i];

		if (r->ver == 4 && !memcmp(r->prefsrc, local, 4)) {
			t->st.flushed++;
			remove_slot(t, find_exact(t, r));
		}
	}
	for (i = 0; i < t->n; i++)
		if (t->ent[i].ver == 4 && t->ent[i].oif == ifa->ifa_index) {
			nlsock_want_resync(&t->nl);
			break;
		}
}

static void route_nlmsg(void *ctx, const struct nlmsghdr *nlh)
{
	struct route_table *t = ctx;

	switch (nlh->nlmsg_type) {
	case RTM_NEWROUTE:
	case RTM_DELROUTE:
		route_msg(t, nlh);
		break;
	case RTM_NEWLINK:
	case RTM_DELLINK:
		link_msg(t, nlh);
		break;
	case RTM_DELADDR:
		addr_del(t, nlh);
		break;
	default:
		t->st.ignored++;
		break;
	}
}

static void route_request(struct nlmsghdr *nlh)
{
	struct rtmsg *rtm;

	nlh->nlmsg_type = RTM_GETROUTE;
	/* AF_UNSPEC: every family's routes in one dump, one NLMSG_DONE */
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = AF_UNSPEC;
}

static const struct nlsock_ops route_ops = {
	.table = "routing table",
	.groups = "the route groups",
	.dump = "RTM_GETROUTE",
	.request = route_request,
	.msg = route_nlmsg,
	.sweep = sweep,
};

int route_handle(struct route_table *t, const void *buf, size_t len)
{
	return nlsock_handle(&t->nl, buf, len);
}

void route_dump_begin(struct route_table *t, uint32_t seq)
{
	nlsock_dump_begin(&t->nl, seq);
}

bool route_resync_pending(const struct route_table *t)
{
	return nlsock_resync_pending(&t->nl);
}

/* ---- the socket ---- */

int route_process(struct route_table *t)
{
	return nlsock_process(&t->nl);
}

struct route_table *route_new(void)
{
	struct route_table *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	nlsock_init(&t->nl, &route_ops, t, NLSOCK_COUNTERS(&t->st));
	if (grow(t) < 0) {
		free(t);
		t = NULL;
	}
	return t;
}

struct route_table *route_open(char *err, size_t errlen)
{
	struct route_table *t = route_new();
	unsigned int groups = 1u << (RTNLGRP_IPV4_ROUTE - 1) |
			      1u << (RTNLGRP_IPV6_ROUTE - 1) |
			      1u << (RTNLGRP_LINK - 1) |
			      1u << (RTNLGRP_IPV4_IFADDR - 1);

	if (!t) {
		snprintf(err, errlen, "%s: out of memory: %s", route_ops.table,
			 strerror(ENOMEM));
		return NULL;
	}
	if (nlsock_open(&t->nl, groups, RCVBUF, err, errlen) < 0) {
		route_close(t);
		return NULL;
	}
	return t;
}

void route_close(struct route_table *t)
{
	if (!t)
		return;
	nlsock_close(&t->nl);
	free(t->idx);
	free(t->ent);
	free(t);
}

int route_fd(const struct route_table *t)
{
	return nlsock_fd(&t->nl);
}

/* ---- lookups ---- */

bool route_lookup(const struct route_table *t, uint8_t ver, const uint8_t *addr,
		  struct route_hop *out)
{
	const uint32_t *nlen;
	uint8_t key[16] = { 0 };
	int plen;

	memset(out, 0, sizeof(*out));
	if (ver != 4 && ver != 6)
		return false;
	nlen = t->nlen[ver == 6];
	memcpy(key, addr, alen_of(ver));
	/* longest first; masking to a shorter length only clears more */
	for (plen = (int)alen_of(ver) * 8; plen >= 0; plen--) {
		const struct rt *r;

		if (!nlen[plen])
			continue;
		mask_prefix(key, (unsigned int)plen);
		r = best(t, ver, (uint8_t)plen, key);
		if (r) {
			/* IOS's "Local": a flow to the host itself has no
			 * output interface */
			out->oif = r->local ? 0 : r->oif;
			out->plen = r->plen;
			out->gw_ver = r->gw_ver;
			memcpy(out->gw, r->gw, sizeof(out->gw));
			return true;
		}
	}
	return false;
}

size_t route_count(const struct route_table *t)
{
	return t->n;
}

bool route_at(const struct route_table *t, size_t i, struct route_entry *out)
{
	const struct rt *r;

	if (i >= t->n)
		return false;
	r = &t->ent[i];
	out->ver = r->ver;
	out->plen = r->plen;
	memcpy(out->prefix, r->pfx, sizeof(out->prefix));
	out->metric = r->metric;
	out->hop.oif = r->local ? 0 : r->oif;
	out->hop.plen = r->plen;
	out->hop.gw_ver = r->gw_ver;
	memcpy(out->hop.gw, r->gw, sizeof(out->hop.gw));
	return true;
}

uint64_t route_generation(const struct route_table *t)
{
	return t->gen;
}

const struct route_stats *route_stats(const struct route_table *t)
{
	return &t->st;
}
