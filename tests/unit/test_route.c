// SPDX-License-Identifier: BSD-2-Clause
/*
 * test_route.c - the routing table: RTM_NEWROUTE/RTM_DELROUTE messages
 * built with libmnl the way the kernel lays them out, longest-prefix
 * matching (default route, host routes, overlapping prefixes, metrics),
 * deletion, IPv6, multipath, RTA_VIA, what is not kept (other tables,
 * types, cloned and TOS routes), dumps that remove what they no longer
 * list, the flushes the kernel does not announce (link down, link gone,
 * address deleted), malformed input of every kind, the index against a
 * brute-force model, and one real dump from this machine's kernel.
 */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include "netlink/route.h"

static uint32_t buf32[4096]; /* 4-octet aligned, as received */
#define BUF ((char *)buf32)

/* The spec of one route message; zero fields are left out. */
struct spec {
	uint16_t type;	   /* RTM_NEWROUTE (default) or RTM_DELROUTE */
	uint16_t flags;	   /* nlmsg_flags */
	uint8_t family;	   /* AF_INET (default) or AF_INET6 */
	const char *dst;   /* "10.0.0.0/8"; NULL: the default route */
	const char *gw;	   /* RTA_GATEWAY */
	uint32_t oif;	   /* RTA_OIF */
	uint32_t metric;   /* RTA_PRIORITY */
	uint8_t table;	   /* rtm_table; 0: main */
	uint32_t rtable;   /* RTA_TABLE when not 0 */
	uint8_t rtype;	   /* rtm_type; 0: RTN_UNICAST */
	const char *src;   /* RTA_PREFSRC */
	uint32_t rtmflags; /* rtm_flags */
	uint8_t tos;
	uint32_t seq;
};

static int family_of(const char *a)
{
	return strchr(a, ':') ? AF_INET6 : AF_INET;
}

static void put_addr(struct nlmsghdr *nlh, uint16_t type, const char *a)
{
	uint8_t in[16];
	int fam = family_of(a);

	ck_assert_int_eq(inet_pton(fam, a, in), 1);
	mnl_attr_put(nlh, type, fam == AF_INET ? 4 : 16, in);
}

static struct nlmsghdr *route_msg(char *p, const struct spec *s)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(p);
	struct rtmsg *rtm;
	char dst[64], *slash;

	nlh->nlmsg_type = s->type ? s->type : RTM_NEWROUTE;
	nlh->nlmsg_flags = s->flags;
	nlh->nlmsg_seq = s->seq;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = s->family ? s->family : AF_INET;
	rtm->rtm_table = s->table ? s->table : RT_TABLE_MAIN;
	rtm->rtm_type = s->rtype ? s->rtype : RTN_UNICAST;
	rtm->rtm_protocol = RTPROT_STATIC;
	rtm->rtm_scope = s->gw ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK;
	rtm->rtm_flags = s->rtmflags;
	rtm->rtm_tos = s->tos;
	if (s->rtable)
		mnl_attr_put_u32(nlh, RTA_TABLE, s->rtable);
	if (s->dst) {
		snprintf(dst, sizeof(dst), "%s", s->dst);
		slash = strchr(dst, '/');
		ck_assert_ptr_nonnull(slash);
		*slash = 0;
		rtm->rtm_dst_len = (uint8_t)atoi(slash + 1);
		put_addr(nlh, RTA_DST, dst);
	}
	if (s->metric)
		mnl_attr_put_u32(nlh, RTA_PRIORITY, s->metric);
	if (s->src)
		put_addr(nlh, RTA_PREFSRC, s->src);
	if (s->gw)
		put_addr(nlh, RTA_GATEWAY, s->gw);
	if (s->oif)
		mnl_attr_put_u32(nlh, RTA_OIF, s->oif);
	return nlh;
}

static int handle(struct route_table *t, const struct nlmsghdr *nlh)
{
	return route_handle(t, nlh, nlh->nlmsg_len);
}

static void add(struct route_table *t, const struct spec *s)
{
	ck_assert_int_eq(handle(t, route_msg(BUF, s)), 1);
}

/* Lookup of a; want_plen -1: no route. */
static void expect(const struct route_table *t, const char *a, int want_plen,
		   const char *want_gw, uint32_t want_oif)
{
	uint8_t in[16] = { 0 }, gw[16] = { 0 };
	struct route_hop h;
	int fam = family_of(a);
	bool found;

	ck_assert_int_eq(inet_pton(fam, a, in), 1);
	found = route_lookup(t, fam == AF_INET ? 4 : 6, in, &h);
	if (want_plen < 0) {
		ck_assert_msg(!found, "%s: a route /%u", a, h.plen);
		ck_assert_uint_eq(h.plen, 0);
		ck_assert_uint_eq(h.oif, 0);
		ck_assert_uint_eq(h.gw_ver, 0);
		return;
	}
	ck_assert_msg(found, "%s: no route", a);
	ck_assert_msg(h.plen == want_plen, "%s: /%u, not /%d", a, h.plen,
		      want_plen);
	ck_assert_msg(h.oif == want_oif, "%s: oif %u, not %u", a, h.oif,
		      want_oif);
	if (!want_gw) {
		ck_assert_msg(h.gw_ver == 0, "%s: a gateway", a);
		ck_assert(!memcmp(h.gw, gw, 16));
		return;
	}
	fam = family_of(want_gw);
	ck_assert_int_eq(inet_pton(fam, want_gw, gw), 1);
	ck_assert_uint_eq(h.gw_ver, fam == AF_INET ? 4 : 6);
	ck_assert_msg(!memcmp(h.gw, gw, 16), "%s: not via %s", a, want_gw);
}

START_TEST(ipv4_lpm)
{
	struct route_table *t = route_new();

	ck_assert_ptr_nonnull(t);
	expect(t, "192.0.2.1", -1, NULL, 0);
	add(t, &(struct spec){ .gw = "10.0.0.1", .oif = 2 });
	ck_assert_uint_eq(route_count(t), 1);
	expect(t, "192.0.2.1", 0, "10.0.0.1", 2);
	add(t, &(struct spec){
		       .dst = "198.51.0.0/16", .gw = "10.1.0.1", .oif = 3 });
	add(t, &(struct spec){ .dst = "198.51.100.0/24", .oif = 4 });
	add(t, &(struct spec){
		       .dst = "198.51.100.77/32", .gw = "10.2.0.1", .oif = 5 });
	add(t, &(struct spec){ .dst = "198.51.100.128/25", .oif = 6 });
	expect(t, "198.51.7.1", 16, "10.1.0.1", 3);
	expect(t, "198.51.100.1", 24, NULL, 4);
	expect(t, "198.51.100.77", 32, "10.2.0.1", 5);
	expect(t, "198.51.100.76", 24, NULL, 4);
	expect(t, "198.51.100.200", 25, NULL, 6);
	expect(t, "198.52.0.1", 0, "10.0.0.1", 2);
	/* an IPv4 lookup never finds an IPv6 route and the reverse */
	expect(t, "::1", -1, NULL, 0);
	ck_assert_uint_eq(route_stats(t)->newroute, 5);
	ck_assert_uint_eq(route_stats(t)->malformed, 0);
	ck_assert_int_eq(route_fd(t), -1);
	ck_assert_int_eq(route_process(t), -ENOTCONN);

	/* deletion: the next shorter prefix answers */
	add(t, &(struct spec){ .type = RTM_DELROUTE,
			       .dst = "198.51.100.77/32",
			       .gw = "10.2.0.1",
			       .oif = 5 });
	expect(t, "198.51.100.77", 24, NULL, 4);
	add(t, &(struct spec){ .type = RTM_DELROUTE,
			       .dst = "198.51.100.0/24",
			       .oif = 4 });
	expect(t, "198.51.100.77", 16, "10.1.0.1", 3);
	add(t,
	    &(struct spec){ .type = RTM_DELROUTE, .gw = "10.0.0.1", .oif = 2 });
	expect(t, "192.0.2.1", -1, NULL, 0);
	/* deleting what is not there changes nothing */
	add(t, &(struct spec){ .type = RTM_DELROUTE,
			       .dst = "203.0.113.0/24",
			       .oif = 4 });
	ck_assert_uint_eq(route_count(t), 2);
	ck_assert_uint_eq(route_stats(t)->delroute, 4);
	route_close(t);
	route_close(NULL);
}
END_TEST

/* A prefix with several metrics: the lowest answers; replace and append. */
START_TEST(metrics)
{
	struct route_table *t = route_new();
	uint64_t gen;

	add(t, &(struct spec){ .gw = "10.0.0.1", .oif = 2, .metric = 100 });
	add(t, &(struct spec){ .gw = "10.0.1.1", .oif = 3, .metric = 50 });
	add(t, &(struct spec){ .gw = "10.0.2.1", .oif = 4, .metric = 200 });
	expect(t, "8.8.8.8", 0, "10.0.1.1", 3);
	add(t, &(struct spec){ .type = RTM_DELROUTE,
			       .gw = "10.0.1.1",
			       .oif = 3,
			       .metric = 50 });
	expect(t, "8.8.8.8", 0, "10.0.0.1", 2);
	/* NLM_F_REPLACE (or none): the new hop replaces the old */
	add(t, &(struct spec){ .flags = NLM_F_REPLACE,
			       .gw = "10.0.9.1",
			       .oif = 9,
			       .metric = 100 });
	expect(t, "8.8.8.8", 0, "10.0.9.1", 9);
	ck_assert_uint_eq(route_count(t), 2);
	/* NLM_F_APPEND: the kernel keeps using the first */
	gen = route_generation(t);
	add(t, &(struct spec){ .flags = NLM_F_APPEND,
			       .gw = "10.0.8.1",
			       .oif = 8,
			       .metric = 100 });
	expect(t, "8.8.8.8", 0, "10.0.9.1", 9);
	ck_assert_uint_eq(route_generation(t), gen);
	/* ... and deleting the appended one leaves it */
	add(t, &(struct spec){ .type = RTM_DELROUTE,
			       .gw = "10.0.8.1",
			       .oif = 8,
			       .metric = 100 });
	expect(t, "8.8.8.8", 0, "10.0.9.1", 9);
	/* the same route again: no change */
	add(t, &(struct spec){ .gw = "10.0.9.1", .oif = 9, .metric = 100 });
	ck_assert_uint_eq(route_generation(t), gen);
	route_close(t);
}
END_TEST

START_TEST(ipv6_lpm)
{
	struct route_table *t = route_new();

	add(t, &(struct spec){ .family = AF_INET6,
			       .gw = "fe80::1",
			       .oif = 2,
			       .metric = 1024 });
	add(t, &(struct spec){ .family = AF_INET6,
			       .dst = "2001:db8::/32",
			       .gw = "fe80::2",
			       .oif = 3 });
	add(t, &(struct spec){ .family = AF_INET6,
			       .dst = "2001:db8:1::/48",
			       .oif = 4 });
	add(t, &(struct spec){ .family = AF_INET6,
			       .dst = "2001:db8:1::42/128",
			       .oif = 5,
			       .gw = "2001:db8:1::1" });
	add(t, &(struct spec){ .family = AF_INET6,
			       .dst = "2001:db8:1:8000::/65",
			       .oif = 6 });
	expect(t, "2001:db8:ffff::1", 32, "fe80::2", 3);
	expect(t, "2001:db8:1::1", 48, NULL, 4);
	expect(t, "2001:db8:1::42", 128, "2001:db8:1::1", 5);
	expect(t, "2001:db8:1:0:8000::1", 48, NULL, 4);
	expect(t, "2001:db8:1:8000::1", 65, NULL, 6);
	expect(t, "2001:db9::1", 0, "fe80::1", 2);
	expect(t, "10.0.0.1", -1, NULL, 0);
	add(t, &(struct spec){ .type = RTM_DELROUTE,
			       .family = AF_INET6,
			       .dst = "2001:db8::/32",
			       .gw = "fe80::2",
			       .oif = 3 });
	expect(t, "2001:db8:ffff::1", 0, "fe80::1", 2);
	/* a gateway of :: is none */
	add(t, &(struct spec){ .family = AF_INET6,
			       .dst = "2001:db8:2::/48",
			       .gw = "::",
			       .oif = 7 });
	expect(t, "2001:db8:2::9", 48, NULL, 7);
	ck_assert_uint_eq(route_stats(t)->malformed, 0);
	route_close(t);
}
END_TEST

/* RTA_MULTIPATH with n hops of (ifindex, gateway, flags). */
static struct nlmsghdr *multipath_msg(char *p, uint8_t family, const char *dst,
				      int n, const int *oif,
				      const char *const *gw,
				      const uint8_t *flags)
{
	struct nlmsghdr *nlh =
		route_msg(p, &(struct spec){ .family = family, .dst = dst });
	struct nlattr *mp = mnl_attr_nest_start(nlh, RTA_MULTIPATH);
	int i;

	for (i = 0; i < n; i++) {
		struct rtnexthop *nh = mnl_nlmsg_get_payload_tail(nlh);
		size_t start = nlh->nlmsg_len;

		nlh->nlmsg_len += MNL_ALIGN(sizeof(*nh));
		memset(nh, 0, sizeof(*nh));
		nh->rtnh_ifindex = oif[i];
		nh->rtnh_flags = flags ? flags[i] : 0;
		if (gw[i])
			put_addr(nlh, RTA_GATEWAY, gw[i]);
		nh->rtnh_len = (unsigned short)(nlh->nlmsg_len - start);
	}
	mnl_attr_nest_end(nlh, mp);
	return nlh;
}

START_TEST(multipath)
{
	struct route_table *t = route_new();
	static const int oif[] = { 7, 8, 9 };
	static const char *const gw4[] = { "10.7.0.1", "10.8.0.1", NULL };
	static const char *const gw6[] = { "fe80::7", "fe80::8", "fe80::9" };
	static const uint8_t dead[] = { RTNH_F_DEAD, 0, 0 };

	ck_assert_int_eq(handle(t, multipath_msg(BUF, AF_INET, "10.20.0.0/16",
						 3, oif, gw4, NULL)),
			 1);
	expect(t, "10.20.1.1", 16, "10.7.0.1", 7);
	/* the first hop is dead: the next live one */
	ck_assert_int_eq(handle(t, multipath_msg(BUF, AF_INET, "10.21.0.0/16",
						 3, oif, gw4, dead)),
			 1);
	expect(t, "10.21.1.1", 16, "10.8.0.1", 8);
	ck_assert_int_eq(handle(t,
				multipath_msg(BUF, AF_INET6, "2001:db8:7::/48",
					      3, oif, gw6, NULL)),
			 1);
	expect(t, "2001:db8:7::1", 48, "fe80::7", 7);
	/* IPv6 deletes one hop at a time: the first hop gone, the route
	 * may live on through the others, so a dump is due */
	ck_assert(!route_resync_pending(t));
	add(t, &(struct spec){ .type = RTM_DELROUTE,
			       .family = AF_INET6,
			       .dst = "2001:db8:7::/48",
			       .gw = "fe80::7",
			       .oif = 7 });
	expect(t, "2001:db8:7::1", -1, NULL, 0);
	ck_assert(route_resync_pending(t));
	/* the whole IPv4 route deleted */
	ck_assert_int_eq(handle(t, multipath_msg(BUF, AF_INET, "10.20.0.0/16",
						 3, oif, gw4, NULL)),
			 1);
	((struct nlmsghdr *)BUF)->nlmsg_type = RTM_DELROUTE;
	ck_assert_int_eq(
		route_handle(t, BUF, ((struct nlmsghdr *)BUF)->nlmsg_len), 1);
	expect(t, "10.20.1.1", -1, NULL, 0);
	ck_assert_uint_eq(route_stats(t)->malformed, 0);
	route_close(t);
}
END_TEST

/* RTA_VIA: an IPv4 route through an IPv6 gateway (RFC 5549) */
START_TEST(via)
{
	struct route_table *t = route_new();
	struct nlmsghdr *nlh = route_msg(
		BUF, &(struct spec){ .dst = "10.30.0.0/16", .oif = 3 });
	uint8_t v[18] = { 0 };
	uint16_t fam = AF_INET6;

	memcpy(v, &fam, 2);
	ck_assert_int_eq(inet_pton(AF_INET6, "fe80::30", v + 2), 1);
	mnl_attr_put(nlh, RTA_VIA, sizeof(v), v);
	ck_assert_int_eq(handle(t, nlh), 1);
	expect(t, "10.30.0.1", 16, "fe80::30", 3);
	route_close(t);
}
END_TEST

/*
 * The host's own addresses (RTN_LOCAL routes of table local): a flow to
 * one has output interface 0 (IOS's "Local"), not the connected route's.
 */
START_TEST(local_addresses)
{
	struct route_table *t = route_new();

	add(t, &(struct spec){ .dst = "10.60.0.0/24", .oif = 3 });
	add(t, &(struct spec){ .dst = "10.60.0.1/32",
			       .oif = 3,
			       .table = RT_TABLE_LOCAL,
			       .rtype = RTN_LOCAL,
			       .src = "10.60.0.1" });
	add(t, &(struct spec){ .family = AF_INET6,
			       .dst = "2001:db8:60::/64",
			       .oif = 3 });
	add(t, &(struct spec){ .family = AF_INET6,
			       .dst = "2001:db8:60::1/128",
			       .oif = 3,
			       .table = RT_TABLE_LOCAL,
			       .rtype = RTN_LOCAL });
	ck_assert_uint_eq(route_count(t), 4);
	expect(t, "10.60.0.7", 24, NULL, 3);
	expect(t, "10.60.0.1", 32, NULL, 0);
	expect(t, "2001:db8:60::7", 64, NULL, 3);
	expect(t, "2001:db8:60::1", 128, NULL, 0);
	/* the address goes: its flows leave by the connected route again */
	add(t, &(struct spec){ .type = RTM_DELROUTE,
			       .dst = "10.60.0.1/32",
			       .oif = 3,
			       .table = RT_TABLE_LOCAL,
			       .rtype = RTN_LOCAL,
			       .src = "10.60.0.1" });
	expect(t, "10.60.0.1", 24, NULL, 3);
	route_close(t);
}
END_TEST

/* Only unicast routes of table main, no TOS, no source prefix, no clone. */
START_TEST(not_kept)
{
	struct route_table *t = route_new();
	struct nlmsghdr *nlh;

	add(t, &(struct spec){ .dst = "10.40.0.0/16",
			       .oif = 2,
			       .table = RT_TABLE_LOCAL });
	add(t, &(struct spec){ .dst = "10.41.0.0/16",
			       .oif = 2,
			       .table = RT_TABLE_UNSPEC,
			       .rtable = 100 });
	add(t, &(struct spec){
		       .dst = "10.42.0.0/16", .oif = 2, .rtype = RTN_LOCAL });
	add(t, &(struct spec){ .dst = "10.43.0.0/16", .rtype = RTN_BLACKHOLE });
	add(t, &(struct spec){ .dst = "10.44.0.0/16",
			       .oif = 2,
			       .rtype = RTN_MULTICAST });
	add(t, &(struct spec){ .dst = "10.45.0.0/16", .oif = 2, .tos = 0x10 });
	add(t, &(struct spec){ .family = AF_INET6,
			       .dst = "2001:db8:45::/64",
			       .oif = 2,
			       .rtmflags = RTM_F_CLONED });
	/* IPv6 source-specific ("from") routes */
	nlh = route_msg(BUF, &(struct spec){ .family = AF_INET6,
					     .dst = "2001:db8:46::/64",
					     .oif = 2 });
	((struct rtmsg *)mnl_nlmsg_get_payload(nlh))->rtm_src_len = 48;
	ck_assert_int_eq(handle(t, nlh), 1);
	/* another family (MPLS) */
	nlh = route_msg(BUF, &(struct spec){ .dst = "10.47.0.0/16" });
	((struct rtmsg *)mnl_nlmsg_get_payload(nlh))->rtm_family = AF_MPLS;
	ck_assert_int_eq(handle(t, nlh), 1);
	ck_assert_uint_eq(route_count(t), 0);
	ck_assert_uint_eq(route_stats(t)->ignored, 9);
	ck_assert_uint_eq(route_stats(t)->malformed, 0);
	/* RTA_TABLE 254 wins over an rtm_table that says otherwise */
	add(t, &(struct spec){ .dst = "10.48.0.0/16",
			       .oif = 2,
			       .table = RT_TABLE_COMPAT,
			       .rtable = RT_TABLE_MAIN });
	expect(t, "10.48.0.1", 16, NULL, 2);
	expect(t, "10.40.0.1", -1, NULL, 0);
	route_close(t);
}
END_TEST

/* A dump: begin, messages of its sequence number, NLMSG_DONE. */
static size_t put_done(char *p, uint32_t seq, uint16_t type, int error)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(p);
	int *e;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_MULTI;
	nlh->nlmsg_seq = seq;
	e = mnl_nlmsg_put_extra_header(nlh, sizeof(*e));
	*e = error;
	if (type == NLMSG_ERROR)
		mnl_nlmsg_put_extra_header(nlh, sizeof(struct nlmsghdr));
	return nlh->nlmsg_len;
}

START_TEST(dump_sweeps)
{
	struct route_table *t = route_new();
	size_t off = 0;

	add(t, &(struct spec){ .dst = "10.50.0.0/16", .oif = 2 });
	add(t, &(struct spec){ .dst = "10.51.0.0/16", .oif = 2 });
	route_dump_begin(t, 77);
	/* a notification queued before the dump: not proof of life */
	add(t, &(struct spec){ .dst = "10.52.0.0/16", .oif = 2 });
	off += route_msg(BUF + off, &(struct spec){ .dst = "10.50.0.0/16",
						    .oif = 3,
						    .flags = NLM_F_MULTI,
						    .seq = 77 })
		       ->nlmsg_len;
	/* the same key twice in one dump (appended): the first wins */
	off += route_msg(BUF + off, &(struct spec){ .dst = "10.50.0.0/16",
						    .oif = 4,
						    .flags = NLM_F_MULTI,
						    .seq = 77 })
		       ->nlmsg_len;
	off += route_msg(BUF + off, &(struct spec){ .family = AF_INET6,
						    .dst = "2001:db8:50::/48",
						    .oif = 3,
						    .flags = NLM_F_MULTI,
						    .seq = 77 })
		       ->nlmsg_len;
	ck_assert_int_eq(route_handle(t, BUF, off), 3);
	/* a notification during the dump: seen */
	add(t, &(struct spec){ .dst = "10.53.0.0/16", .oif = 2 });
	ck_assert_int_eq(route_handle(t, BUF, put_done(BUF, 77, NLMSG_DONE, 0)),
			 1);
	expect(t, "10.50.0.1", 16, NULL, 3);
	expect(t, "10.51.0.1", -1, NULL, 0);
	expect(t, "10.52.0.1", -1, NULL, 0);
	expect(t, "10.53.0.1", 16, NULL, 2);
	expect(t, "2001:db8:50::1", 48, NULL, 3);
	ck_assert_uint_eq(route_count(t), 3);
	ck_assert(!route_resync_pending(t));

	/* interrupted (NLM_F_DUMP_INTR) or failed: nothing removed, redone */
	route_dump_begin(t, 78);
	off = route_msg(BUF,
			&(struct spec){ .dst = "10.50.0.0/16",
					.oif = 3,
					.flags = NLM_F_MULTI | NLM_F_DUMP_INTR,
					.seq = 78 })
		      ->nlmsg_len;
	off += put_done(BUF + off, 78, NLMSG_DONE, 0);
	ck_assert_int_eq(route_handle(t, BUF, off), 2);
	ck_assert_uint_eq(route_count(t), 3);
	ck_assert(route_resync_pending(t));
	route_dump_begin(t, 79);
	ck_assert_int_eq(route_handle(t, BUF,
				      put_done(BUF, 79, NLMSG_ERROR, -EBUSY)),
			 1);
	ck_assert_uint_eq(route_count(t), 3);
	ck_assert(route_resync_pending(t));
	ck_assert_uint_eq(route_stats(t)->dump_errors, 2);
	/* a DONE of another sequence number is not ours */
	route_dump_begin(t, 80);
	ck_assert_int_eq(route_handle(t, BUF, put_done(BUF, 81, NLMSG_DONE, 0)),
			 1);
	ck_assert_uint_eq(route_count(t), 3);
	ck_assert_int_eq(route_handle(t, BUF, put_done(BUF, 80, NLMSG_DONE, 0)),
			 1);
	ck_assert_uint_eq(route_count(t), 0);
	route_close(t);
}
END_TEST

static struct nlmsghdr *link_msg(char *p, uint16_t type, int ifindex,
				 unsigned int flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(p);
	struct ifinfomsg *ifm;

	nlh->nlmsg_type = type;
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	ifm->ifi_index = ifindex;
	ifm->ifi_flags = flags;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, "x");
	return nlh;
}

static struct nlmsghdr *deladdr_msg(char *p, uint32_t ifindex,
				    const char *local)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(p);
	struct ifaddrmsg *ifa;

	nlh->nlmsg_type = RTM_DELADDR;
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = AF_INET;
	ifa->ifa_prefixlen = 24;
	ifa->ifa_index = ifindex;
	put_addr(nlh, IFA_LOCAL, local);
	put_addr(nlh, IFA_ADDRESS, local);
	return nlh;
}

/* What the kernel flushes without an RTM_DELROUTE each. */
START_TEST(unannounced_flushes)
{
	struct route_table *t = route_new();
	static const int oif[] = { 5, 6 };
	static const char *const gw[] = { "10.5.0.1", "10.6.0.1" };

	add(t, &(struct spec){
		       .dst = "10.60.0.0/16", .gw = "10.5.0.1", .oif = 5 });
	add(t, &(struct spec){ .dst = "10.5.0.0/24", .oif = 5 });
	add(t, &(struct spec){ .dst = "10.61.0.0/16", .oif = 6 });
	add(t, &(struct spec){ .family = AF_INET6,
			       .dst = "2001:db8:60::/48",
			       .oif = 5 });
	/* up: nothing happens */
	ck_assert_int_eq(handle(t, link_msg(BUF, RTM_NEWLINK, 5, IFF_UP)), 1);
	ck_assert_uint_eq(route_count(t), 4);
	/* gone: every route through it; a bridge port's news: nothing */
	ck_assert_int_eq(handle(t, link_msg(BUF, RTM_DELLINK, 6, 0)), 1);
	ck_assert_uint_eq(route_count(t), 3);
	expect(t, "10.61.0.1", -1, NULL, 0);
	add(t, &(struct spec){ .dst = "10.61.0.0/16", .oif = 6 });
	((struct ifinfomsg *)mnl_nlmsg_get_payload(
		 link_msg(BUF, RTM_DELLINK, 6, 0)))
		->ifi_family = AF_BRIDGE;
	ck_assert_int_eq(
		route_handle(t, BUF, ((struct nlmsghdr *)BUF)->nlmsg_len), 1);
	ck_assert_uint_eq(route_count(t), 4);
	/* down: the IPv4 routes through it go, the IPv6 one stays */
	ck_assert_int_eq(handle(t, link_msg(BUF, RTM_NEWLINK, 5, 0)), 1);
	expect(t, "10.60.0.1", -1, NULL, 0);
	expect(t, "10.5.0.1", -1, NULL, 0);
	expect(t, "2001:db8:60::1", 48, NULL, 5);
	expect(t, "10.61.0.1", 16, NULL, 6);
	ck_assert_int_eq(handle(t, link_msg(BUF, RTM_DELLINK, 5, 0)), 1);
	expect(t, "2001:db8:60::1", -1, NULL, 0);
	ck_assert_uint_eq(route_stats(t)->flushed, 4);
	ck_assert(!route_resync_pending(t));
	/* a multipath route through it: a dump tells what is left */
	ck_assert_int_eq(handle(t, multipath_msg(BUF, AF_INET, "10.62.0.0/16",
						 2, oif, gw, NULL)),
			 1);
	ck_assert_int_eq(handle(t, link_msg(BUF, RTM_NEWLINK, 5, 0)), 1);
	expect(t, "10.62.0.1", -1, NULL, 0);
	ck_assert(route_resync_pending(t));
	route_close(t);

	/* an address deleted: its preferred-source routes go; routes left
	 * through the interface may have gone with its last address */
	t = route_new();
	add(t, &(struct spec){ .dst = "10.70.0.0/16",
			       .gw = "10.7.0.1",
			       .oif = 7,
			       .src = "10.7.0.2" });
	add(t, &(struct spec){
		       .dst = "10.71.0.0/16", .gw = "10.8.0.1", .oif = 8 });
	ck_assert_int_eq(handle(t, deladdr_msg(BUF, 7, "10.7.0.2")), 1);
	expect(t, "10.70.0.1", -1, NULL, 0);
	expect(t, "10.71.0.1", 16, "10.8.0.1", 8);
	ck_assert(!route_resync_pending(t));
	ck_assert_int_eq(handle(t, deladdr_msg(BUF, 8, "10.8.0.2")), 1);
	expect(t, "10.71.0.1", 16, "10.8.0.1", 8);
	ck_assert(route_resync_pending(t));
	ck_assert_uint_eq(route_stats(t)->malformed, 0);
	route_close(t);
}
END_TEST

/* Every kind of malformed message: counted, skipped, nothing applied. */
START_TEST(malformed_messages)
{
	struct route_table *t = route_new();
	struct nlmsghdr *nlh;
	struct rtmsg *rtm;
	struct nlattr *mp;
	struct rtnexthop *nh;
	uint64_t bad = 0;
	uint8_t v[6] = { 0 };

#define EXPECT_BAD()                                                 \
	do {                                                         \
		ck_assert_int_eq(handle(t, nlh), 1);                 \
		ck_assert_uint_eq(route_stats(t)->malformed, ++bad); \
		ck_assert_uint_eq(route_count(t), 0);                \
	} while (0)

	/* no room for struct rtmsg */
	nlh = mnl_nlmsg_put_header(BUF);
	nlh->nlmsg_type = RTM_NEWROUTE;
	mnl_nlmsg_put_extra_header(nlh, 4);
	EXPECT_BAD();
	/* prefix longer than the address */
	nlh = route_msg(BUF, &(struct spec){ .dst = "10.0.0.0/8", .oif = 2 });
	((struct rtmsg *)mnl_nlmsg_get_payload(nlh))->rtm_dst_len = 33;
	EXPECT_BAD();
	nlh = route_msg(BUF, &(struct spec){ .family = AF_INET6,
					     .dst = "2001:db8::/32" });
	((struct rtmsg *)mnl_nlmsg_get_payload(nlh))->rtm_dst_len = 129;
	EXPECT_BAD();
	/* a prefix length and no RTA_DST */
	nlh = route_msg(BUF, &(struct spec){ .oif = 2 });
	((struct rtmsg *)mnl_nlmsg_get_payload(nlh))->rtm_dst_len = 8;
	EXPECT_BAD();
	/* RTA_DST of the other family's length */
	nlh = route_msg(BUF, &(struct spec){ .family = AF_INET6 });
	rtm = mnl_nlmsg_get_payload(nlh);
	rtm->rtm_dst_len = 16;
	put_addr(nlh, RTA_DST, "10.0.0.0");
	EXPECT_BAD();
	/* RTA_OIF, RTA_PRIORITY, RTA_TABLE of 2 octets */
	nlh = route_msg(BUF, &(struct spec){ .dst = "10.0.0.0/8" });
	mnl_attr_put_u16(nlh, RTA_OIF, 2);
	EXPECT_BAD();
	nlh = route_msg(BUF, &(struct spec){ .dst = "10.0.0.0/8" });
	mnl_attr_put_u16(nlh, RTA_PRIORITY, 2);
	EXPECT_BAD();
	nlh = route_msg(BUF, &(struct spec){ .dst = "10.0.0.0/8" });
	mnl_attr_put_u16(nlh, RTA_TABLE, 254);
	EXPECT_BAD();
	/* a gateway of 3 octets, an IPv6 one on an IPv4 route */
	nlh = route_msg(BUF, &(struct spec){ .dst = "10.0.0.0/8" });
	mnl_attr_put(nlh, RTA_GATEWAY, 3, "abc");
	EXPECT_BAD();
	nlh = route_msg(BUF, &(struct spec){ .dst = "10.0.0.0/8" });
	put_addr(nlh, RTA_GATEWAY, "fe80::1");
	EXPECT_BAD();
	nlh = route_msg(BUF, &(struct spec){ .dst = "10.0.0.0/8" });
	put_addr(nlh, RTA_PREFSRC, "fe80::1");
	EXPECT_BAD();
	/* RTA_VIA: too short, an unknown family, a length that is not the
	 * family's */
	nlh = route_msg(BUF, &(struct spec){ .dst = "10.0.0.0/8" });
	mnl_attr_put(nlh, RTA_VIA, 1, v);
	EXPECT_BAD();
	nlh = route_msg(BUF, &(struct spec){ .dst = "10.0.0.0/8" });
	v[0] = 99;
	mnl_attr_put(nlh, RTA_VIA, 6, v);
	EXPECT_BAD();
	nlh = route_msg(BUF, &(struct spec){ .dst = "10.0.0.0/8" });
	v[0] = AF_INET6;
	mnl_attr_put(nlh, RTA_VIA, 6, v);
	EXPECT_BAD();
	/* RTA_MULTIPATH: empty, a hop shorter than rtnexthop, a hop longer
	 * than what is left, a gateway of 3 octets inside a hop, a negative
	 * ifindex, trailing octets that are no hop */
	nlh = route_msg(BUF, &(struct spec){ .dst = "10.0.0.0/8" });
	mnl_attr_put(nlh, RTA_MULTIPATH, 0, v);
	EXPECT_BAD();
	nlh = route_msg(BUF, &(struct spec){ .dst = "10.0.0.0/8" });
	mp = mnl_attr_nest_start(nlh, RTA_MULTIPATH);
	nh = mnl_nlmsg_get_payload_tail(nlh);
	nlh->nlmsg_len += sizeof(*nh);
	memset(nh, 0, sizeof(*nh));
	nh->rtnh_len = 4;
	mnl_attr_nest_end(nlh, mp);
	EXPECT_BAD();
	nh->rtnh_len = 200;
	EXPECT_BAD();
	nh->rtnh_len = sizeof(*nh);
	nh->rtnh_ifindex = -1;
	EXPECT_BAD();
	nh->rtnh_ifindex = 2;
	nlh = route_msg(BUF, &(struct spec){ .dst = "10.0.0.0/8" });
	mp = mnl_attr_nest_start(nlh, RTA_MULTIPATH);
	nh = mnl_nlmsg_get_payload_tail(nlh);
	nlh->nlmsg_len += sizeof(*nh);
	memset(nh, 0, sizeof(*nh));
	mnl_attr_put(nlh, RTA_GATEWAY, 3, "abc");
	nh->rtnh_len =
		(unsigned short)((char *)mnl_nlmsg_get_payload_tail(nlh) -
				 (char *)nh);
	mnl_attr_nest_end(nlh, mp);
	EXPECT_BAD();
	nlh = route_msg(BUF, &(struct spec){ .dst = "10.0.0.0/8" });
	mp = mnl_attr_nest_start(nlh, RTA_MULTIPATH);
	nh = mnl_nlmsg_get_payload_tail(nlh);
	nlh->nlmsg_len += sizeof(*nh) + 4;
	memset(nh, 0, sizeof(*nh) + 4);
	nh->rtnh_len = sizeof(*nh);
	nh->rtnh_ifindex = 2;
	mnl_attr_nest_end(nlh, mp);
	EXPECT_BAD();
	/* an attribute longer than the message */
	nlh = route_msg(BUF, &(struct spec){ .dst = "10.0.0.0/8", .oif = 2 });
	((struct nlattr *)((char *)mnl_nlmsg_get_payload(nlh) +
			   MNL_ALIGN(sizeof(struct rtmsg))))
		->nla_len = 200;
	EXPECT_BAD();
	/* link and address messages too short, without an index */
	nlh = mnl_nlmsg_put_header(BUF);
	nlh->nlmsg_type = RTM_DELLINK;
	mnl_nlmsg_put_extra_header(nlh, 8);
	EXPECT_BAD();
	nlh = link_msg(BUF, RTM_DELLINK, 0, 0);
	EXPECT_BAD();
	nlh = mnl_nlmsg_put_header(BUF);
	nlh->nlmsg_type = RTM_DELADDR;
	mnl_nlmsg_put_extra_header(nlh, 4);
	EXPECT_BAD();
	nlh = deladdr_msg(BUF, 0, "10.0.0.1");
	EXPECT_BAD();
	nlh = mnl_nlmsg_put_header(BUF);
	nlh->nlmsg_type = RTM_DELADDR;
	((struct ifaddrmsg *)mnl_nlmsg_put_extra_header(
		 nlh, sizeof(struct ifaddrmsg)))
		->ifa_family = AF_INET;
	((struct ifaddrmsg *)mnl_nlmsg_get_payload(nlh))->ifa_index = 3;
	mnl_attr_put(nlh, IFA_LOCAL, 3, "abc");
	EXPECT_BAD();
#undef EXPECT_BAD
	/* the good one after all that */
	add(t, &(struct spec){ .dst = "10.0.0.0/8", .oif = 2 });
	expect(t, "10.1.2.3", 8, NULL, 2);
	route_close(t);
}
END_TEST

/* Lengths that lie about the datagram. */
START_TEST(malformed_datagrams)
{
	struct route_table *t = route_new();
	struct nlmsghdr *nlh;
	size_t off, one;

	/* the second message says it is longer than what is left */
	one = route_msg(BUF, &(struct spec){ .dst = "10.1.0.0/16", .oif = 2 })
		      ->nlmsg_len;
	nlh = route_msg(BUF + one,
			&(struct spec){ .dst = "10.2.0.0/16", .oif = 2 });
	off = one + nlh->nlmsg_len;
	nlh->nlmsg_len += 100;
	ck_assert_int_eq(route_handle(t, BUF, off), 1);
	expect(t, "10.1.0.1", 16, NULL, 2);
	expect(t, "10.2.0.1", -1, NULL, 0);
	ck_assert_uint_eq(route_stats(t)->malformed, 1);
	/* lengths negative as an int, 0, 15: no endless loop */
	nlh->nlmsg_len = 0xffffffff;
	ck_assert_int_eq(route_handle(t, BUF, off), 1);
	nlh->nlmsg_len = 0x80000000;
	ck_assert_int_eq(route_handle(t, BUF, off), 1);
	nlh->nlmsg_len = 0;
	ck_assert_int_eq(route_handle(t, BUF, off), 1);
	nlh->nlmsg_len = 15;
	ck_assert_int_eq(route_handle(t, BUF, off), 1);
	expect(t, "10.2.0.1", -1, NULL, 0);
	/* the last message's length not a multiple of 4, the datagram
	 * ending there: libmnl would look past the end */
	nlh = route_msg(BUF, &(struct spec){ .dst = "10.3.0.0/16", .oif = 2 });
	nlh->nlmsg_len -= 1;
	ck_assert_int_eq(route_handle(t, BUF, nlh->nlmsg_len), 0);
	expect(t, "10.3.0.1", -1, NULL, 0);
	/* a datagram cut short */
	nlh = route_msg(BUF, &(struct spec){ .dst = "10.3.0.0/16", .oif = 2 });
	ck_assert_int_eq(route_handle(t, BUF, nlh->nlmsg_len - 1), 0);
	ck_assert_int_eq(route_handle(t, BUF + 1, 20), -EINVAL);
	ck_assert_int_eq(route_handle(t, BUF, 0), 0);
	route_close(t);
}
END_TEST

/* The index against a brute-force model: random routes of few lengths
 * (many share a prefix), added and deleted, the table grown past several
 * doublings, then random lookups. */
struct mroute {
	uint8_t ver, plen, live;
	uint8_t pfx[16];
	uint32_t metric, oif;
};

#define NMODEL 6000
static struct mroute model[NMODEL];

static uint64_t rng = 0x2545f4914f6cdd1dull;
static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 32);
}

static void mask_bits(uint8_t *a, unsigned int plen)
{
	unsigned int i;

	for (i = plen; i < 128; i++)
		a[i / 8] &= (uint8_t) ~(0x80 >> (i % 8));
}

static struct nlmsghdr *model_msg(char *p, const struct mroute *m,
				  uint16_t type)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(p);
	struct rtmsg *rtm;

	nlh->nlmsg_type = type;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = m->ver == 4 ? AF_INET : AF_INET6;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_type = RTN_UNICAST;
	rtm->rtm_dst_len = m->plen;
	if (m->plen)
		mnl_attr_put(nlh, RTA_DST, m->ver == 4 ? 4 : 16, m->pfx);
	mnl_attr_put_u32(nlh, RTA_PRIORITY, m->metric);
	mnl_attr_put_u32(nlh, RTA_OIF, m->oif);
	return nlh;
}

static const struct mroute *model_lookup(uint8_t ver, const uint8_t *a)
{
	const struct mroute *b = NULL;
	uint8_t k[16];
	int i;

	for (i = 0; i < NMODEL; i++) {
		const struct mroute *m = &model[i];

		if (!m->live || m->ver != ver)
			continue;
		memcpy(k, a, 16);
		mask_bits(k, m->plen);
		if (memcmp(k, m->pfx, 16))
			continue;
		if (!b || m->plen > b->plen ||
		    (m->plen == b->plen && m->metric < b->metric))
			b = m;
	}
	return b;
}

START_TEST(index_model)
{
	static const uint8_t lens4[] = { 0, 8, 16, 20, 24, 32 };
	static const uint8_t lens6[] = { 0, 32, 48, 56, 64, 127, 128 };
	struct route_table *t = route_new();
	int i, j, live = 0;

	for (i = 0; i < NMODEL; i++) {
		struct mroute *m = &model[i];
		bool dup = false;

		memset(m, 0, sizeof(*m));
		m->ver = rnd() % 3 ? 4 : 6;
		m->plen = m->ver == 4 ? lens4[rnd() % sizeof(lens4)]
				      : lens6[rnd() % sizeof(lens6)];
		/* a small address space: prefixes overlap and repeat */
		m->pfx[0] = m->ver == 4 ? 10 : 0x20;
		m->pfx[1] = (uint8_t)(rnd() % 4);
		m->pfx[2] = (uint8_t)(rnd() % 8);
		m->pfx[3] = (uint8_t)(rnd() % 16);
		if (m->ver == 6)
			m->pfx[15] = (uint8_t)(rnd() % 4);
		mask_bits(m->pfx, m->plen);
		m->metric = rnd() % 3;
		m->oif = (uint32_t)i + 1;
		for (j = 0; j < i && !dup; j++)
			dup = model[j].live && model[j].ver == m->ver &&
			      model[j].plen == m->plen &&
			      model[j].metric == m->metric &&
			      !memcmp(model[j].pfx, m->pfx, 16);
		if (dup)
			continue;
		ck_assert_int_eq(handle(t, model_msg(BUF, m, RTM_NEWROUTE)), 1);
		m->live = 1;
		live++;
		/* delete every third one, some time later */
		if (i > 10 && rnd() % 3 == 0) {
			struct mroute *d = &model[rnd() % (unsigned)i];

			if (d->live) {
				ck_assert_int_eq(
					handle(t,
					       model_msg(BUF, d, RTM_DELROUTE)),
					1);
				d->live = 0;
				live--;
			}
		}
	}
	ck_assert_uint_eq(route_count(t), (size_t)live);
	/* every route kept is a live one of the model, with its hop */
	for (i = 0; i < live; i++) {
		struct route_entry e;
		const struct mroute *m;

		ck_assert(route_at(t, (size_t)i, &e));
		ck_assert_uint_ge(e.hop.oif, 1);
		ck_assert_uint_le(e.hop.oif, NMODEL);
		m = &model[e.hop.oif - 1];
		ck_assert(m->live);
		ck_assert_uint_eq(e.ver, m->ver);
		ck_assert_uint_eq(e.plen, m->plen);
		ck_assert_uint_eq(e.metric, m->metric);
		ck_assert(!memcmp(e.prefix, m->pfx, 16));
	}
	{
		struct route_entry e;

		ck_assert(!route_at(t, (size_t)live, &e));
	}
	for (i = 0; i < 20000; i++) {
		uint8_t a[16] = { 0 };
		uint8_t ver = rnd() % 2 ? 4 : 6;
		const struct mroute *m;
		struct route_hop h;
		bool found;

		a[0] = ver == 4 ? 10 : 0x20;
		if (rnd() % 16 == 0)
			a[0] ^= 1;
		a[1] = (uint8_t)(rnd() % 4);
		a[2] = (uint8_t)(rnd() % 8);
		a[3] = (uint8_t)(rnd() % 16);
		if (ver == 6)
			a[15] = (uint8_t)(rnd() % 4);
		m = model_lookup(ver, a);
		found = route_lookup(t, ver, a, &h);
		ck_assert_int_eq(found, m != NULL);
		if (m) {
			ck_assert_uint_eq(h.plen, m->plen);
			ck_assert_uint_eq(h.oif, m->oif);
		}
	}
	route_close(t);
}
END_TEST

/* This machine's kernel: a real dump of the main table. */
START_TEST(live_dump)
{
	char err[128];
	struct route_table *t = route_open(err, sizeof(err));

	ck_assert_msg(t != NULL, "%s", err);
	ck_assert_int_ge(route_fd(t), 0);
	ck_assert_uint_eq(route_stats(t)->malformed, 0);
	ck_assert_uint_eq(route_stats(t)->dumps, 1);
	ck_assert_int_ge(route_process(t), 0);
	route_close(t);
}
END_TEST

static Suite *route_suite(void)
{
	Suite *s = suite_create("route");
	TCase *tc = tcase_create("lookups");

	tcase_add_test(tc, ipv4_lpm);
	tcase_add_test(tc, metrics);
	tcase_add_test(tc, ipv6_lpm);
	tcase_add_test(tc, multipath);
	tcase_add_test(tc, via);
	tcase_add_test(tc, not_kept);
	tcase_add_test(tc, local_addresses);
	suite_add_tcase(s, tc);

	tc = tcase_create("changes");
	tcase_add_test(tc, dump_sweeps);
	tcase_add_test(tc, unannounced_flushes);
	suite_add_tcase(s, tc);

	tc = tcase_create("hostile");
	tcase_add_test(tc, malformed_messages);
	tcase_add_test(tc, malformed_datagrams);
	suite_add_tcase(s, tc);

	tc = tcase_create("table");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, index_model);
	tcase_add_test(tc, live_dump);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(route_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
