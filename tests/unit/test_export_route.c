// SPDX-License-Identifier: BSD-2-Clause
/*
 * test_export_route.c - the routing fields on the wire: NetFlow v5's next
 * hop, output interface and masks, and the IPFIX/v9 elements of a record
 * (ipNextHopIPv4/IPv6Address, source/destinationIPv4/IPv6PrefixLength,
 * egressInterface), from the exporter's route callback; the callback asked
 * once per record and only when the output has a routing field.
 */
#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "export/export.h"
#include "templates/templates.h"

#define BASE (1700000000ull * 1000000000ull)

/* The callback: counts its calls, answers what the test set. */
struct fake {
	int calls;
	struct export_route r;
};

static void route_cb(void *ctx, const struct flow_key *k,
		     struct export_route *out)
{
	struct fake *fk = ctx;

	ck_assert_uint_ne(k->ipver, 0);
	fk->calls++;
	*out = fk->r;
}

static void set_route(struct fake *fk, const char *gw, uint8_t sm, uint8_t dm,
		      uint32_t oif)
{
	memset(&fk->r, 0, sizeof(fk->r));
	if (gw) {
		int v6 = strchr(gw, ':') != NULL;

		ck_assert_int_eq(inet_pton(v6 ? AF_INET6 : AF_INET, gw,
					   fk->r.nexthop),
				 1);
		fk->r.nexthop_ver = v6 ? 6 : 4;
	}
	fk->r.src_mask = sm;
	fk->r.dst_mask = dm;
	fk->r.out_if = oif;
}

static void mkflow(struct flow *f, int ipver)
{
	memset(f, 0, sizeof(*f));
	f->key.ipver = (uint8_t)ipver;
	ck_assert_int_eq(inet_pton(ipver == 4 ? AF_INET : AF_INET6,
				   ipver == 4 ? "192.0.2.1" : "2001:db8::1",
				   f->key.src),
			 1);
	ck_assert_int_eq(inet_pton(ipver == 4 ? AF_INET : AF_INET6,
				   ipver == 4 ? "198.51.100.2" : "2001:db8::2",
				   f->key.dst),
			 1);
	f->key.proto = 17;
	f->key.ifindex = 3;
	f->packets = 2;
	f->octets = 200;
	f->first_ns = BASE + 1000000;
	f->last_ns = BASE + 2000000;
}

static const struct template_def *mkrecord(struct template_user *u,
					   const char *spec)
{
	char err[256];

	ck_assert_msg(template_parse(u, spec, err, sizeof(err)) == 0, "%s",
		      err);
	return &u->def;
}

#define ALL4                                                                \
	"r4:sourceIPv4Address,destinationIPv4Address/ipNextHopIPv4Address," \
	"ipNextHopIPv6Address,sourceIPv4PrefixLength,"                      \
	"destinationIPv4PrefixLength,sourceIPv6PrefixLength,"               \
	"destinationIPv6PrefixLength,egressInterface"
#define ALL6                                                                \
	"r6:sourceIPv6Address,destinationIPv6Address/ipNextHopIPv4Address," \
	"ipNextHopIPv6Address,sourceIPv4PrefixLength,"                      \
	"destinationIPv4PrefixLength,sourceIPv6PrefixLength,"               \
	"destinationIPv6PrefixLength,egressInterface"

/* Encode f with t into buf; the record's length. */
static size_t encode(struct exporter *ex, const struct template_def *t,
		     const struct flow *f, uint8_t *buf, size_t size)
{
	struct export_rec r = { .f = f, .reason = FLOW_END_IDLE, .tmpl = t };
	struct wbuf w;

	wbuf_init(&w, buf, size);
	record_encode(&w, t, &r, ex);
	ck_assert(!w.overflow);
	ck_assert_uint_eq((size_t)(w.p - buf), template_record_len(t));
	return (size_t)(w.p - buf);
}

START_TEST(record_elements)
{
	struct export_cfg cfg = { .version = 10 };
	struct exporter *ex = exporter_new(&cfg);
	struct template_user u4, u6;
	struct fake fk = { 0 };
	struct flow f;
	uint8_t b[256], gw6[16];
	size_t n;

	ex->route = route_cb;
	ex->ifname_ctx = &fk;
	/* IPv4 flow, IPv4 gateway: the IPv6 elements are zero */
	mkflow(&f, 4);
	set_route(&fk, "10.0.1.254", 24, 16, 0x01020304);
	n = encode(ex, mkrecord(&u4, ALL4), &f, b, sizeof(b));
	ck_assert_uint_eq(n, 4 + 4 + 4 + 16 + 1 + 1 + 1 + 1 + 4);
	ck_assert_int_eq(fk.calls, 1); /* once for the whole record */
	ck_assert(!memcmp(b + 8, "\x0a\x00\x01\xfe", 4));
	for (n = 12; n < 28; n++)
		ck_assert_uint_eq(b[n], 0);
	ck_assert_uint_eq(b[28], 24);
	ck_assert_uint_eq(b[29], 16);
	ck_assert_uint_eq(b[30], 0);
	ck_assert_uint_eq(b[31], 0);
	ck_assert(!memcmp(b + 32, "\x01\x02\x03\x04", 4));

	/* IPv4 flow via an IPv6 gateway (RFC 5549): only the IPv6 hop */
	set_route(&fk, "fe80::1", 24, 16, 7);
	encode(ex, &u4.def, &f, b, sizeof(b));
	ck_assert(!memcmp(b + 8, "\0\0\0\0", 4));
	ck_assert_int_eq(inet_pton(AF_INET6, "fe80::1", gw6), 1);
	ck_assert(!memcmp(b + 12, gw6, 16));

	/* IPv6 flow: IPv6 masks, the IPv4 ones zero */
	mkflow(&f, 6);
	set_route(&fk, "2001:db8:2::fe", 64, 40, 5);
	n = encode(ex, mkrecord(&u6, ALL6), &f, b, sizeof(b));
	ck_assert_int_eq(fk.calls, 3);
	ck_assert(!memcmp(b + 32, "\0\0\0\0", 4));
	ck_assert_int_eq(inet_pton(AF_INET6, "2001:db8:2::fe", gw6), 1);
	ck_assert(!memcmp(b + 36, gw6, 16));
	ck_assert_uint_eq(b[52], 0);
	ck_assert_uint_eq(b[53], 0);
	ck_assert_uint_eq(b[54], 64);
	ck_assert_uint_eq(b[55], 40);
	ck_assert(!memcmp(b + 56, "\0\0\0\x05", 4));

	/* no callback: every routing field is zero */
	ex->route = NULL;
	n = encode(ex, &u6.def, &f, b, sizeof(b));
	for (n = 32; n < 60; n++)
		ck_assert_uint_eq(b[n], 0);
	ck_assert_int_eq(fk.calls, 3);
	exporter_free(ex);
}
END_TEST

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/*
 * bgpSource/DestinationAsNumber carry the origin ASes, or the peer ASes
 * with the exporter's 'as peer' (IOS's v9 'ip flow-export version 9
 * peer-as'); bgpPrev/NextAdjacentAsNumber the peer ASes either way.
 */
START_TEST(bgp_as_fields)
{
	static const uint8_t as_of[] = { EXPORT_AS_NONE, EXPORT_AS_ORIGIN,
					 EXPORT_AS_PEER };
	struct template_user u;
	struct fake fk = { 0 };
	struct flow f;
	uint8_t b[64];
	int i;

	mkflow(&f, 4);
	mkrecord(&u, "as:sourceIPv4Address/bgpSourceAsNumber,"
		     "bgpDestinationAsNumber,bgpPrevAdjacentAsNumber,"
		     "bgpNextAdjacentAsNumber");
	set_route(&fk, NULL, 0, 0, 0);
	fk.r.src_as = 65001;
	fk.r.dst_as = 4200000002u;
	fk.r.src_peer_as = 65010;
	fk.r.dst_peer_as = 65020;
	for (i = 0; i < 3; i++) {
		struct export_cfg cfg = { .version = 10, .as = as_of[i] };
		struct exporter *ex = exporter_new(&cfg);
		bool peer = as_of[i] == EXPORT_AS_PEER;

		ex->route = route_cb;
		ex->ifname_ctx = &fk;
		ck_assert_uint_eq(encode(ex, &u.def, &f, b, sizeof(b)), 20);
		ck_assert_uint_eq(rd32(b + 4), peer ? 65010 : 65001);
		ck_assert_uint_eq(rd32(b + 8), peer ? 65020 : 4200000002u);
		ck_assert_uint_eq(rd32(b + 12), 65010);
		ck_assert_uint_eq(rd32(b + 16), 65020);
		exporter_free(ex);
	}
}
END_TEST

/* The FNF catalogue's routing fields (issue 16): the prefixes the masks
 * cover, forwardingStatus from the route lookup. */
START_TEST(prefix_and_forwarding)
{
	struct export_cfg cfg = { .version = 10 };
	struct exporter *ex = exporter_new(&cfg);
	struct template_user u4, u6;
	struct fake fk = { 0 };
	struct flow f;
	uint8_t b[64], p6[16];

	ex->ifname_ctx = &fk;
	mkrecord(&u4, "p4:sourceIPv4Address/sourceIPv4Prefix,"
		      "destinationIPv4Prefix,sourceIPv6Prefix,"
		      "forwardingStatus");
	mkrecord(&u6, "p6:sourceIPv6Address/sourceIPv6Prefix,"
		      "destinationIPv6Prefix,forwardingStatus");
	/* no routing table: no prefix, status unknown (0) */
	mkflow(&f, 4);
	ck_assert_uint_eq(encode(ex, &u4.def, &f, b, sizeof(b)), 29);
	ck_assert(!memcmp(b + 4, "\0\0\0\0\0\0\0\0", 8));
	ck_assert_uint_eq(b[28], 0);
	/* 192.0.2.1/23 -> 192.0.2.0, 198.51.100.2/20 -> 198.51.96.0 */
	ex->route = route_cb;
	set_route(&fk, "10.0.0.1", 23, 20, 2);
	fk.r.dst_routed = 1;
	ck_assert_uint_eq(encode(ex, &u4.def, &f, b, sizeof(b)), 29);
	ck_assert(!memcmp(b + 4, "\xc0\x00\x02\x00", 4));
	ck_assert(!memcmp(b + 8, "\xc6\x33\x60\x00", 4));
	for (int i = 12; i < 28; i++)
		ck_assert_uint_eq(b[i], 0); /* the other family's */
	ck_assert_uint_eq(b[28], 64);	    /* forwarded */
	/* a table without a route to the destination: unroutable */
	set_route(&fk, NULL, 0, 0, 0);
	encode(ex, &u4.def, &f, b, sizeof(b));
	ck_assert_uint_eq(b[28], 131);
	/* metered at egress: it was forwarded */
	f.oif = 7;
	encode(ex, &u4.def, &f, b, sizeof(b));
	ck_assert_uint_eq(b[28], 64);
	/* IPv6: 2001:db8::1/33 -> 2001:db8::, ::2/128 -> itself */
	mkflow(&f, 6);
	set_route(&fk, NULL, 33, 128, 0);
	fk.r.dst_routed = 1;
	ck_assert_uint_eq(encode(ex, &u6.def, &f, b, sizeof(b)), 49);
	inet_pton(AF_INET6, "2001:db8::", p6);
	ck_assert(!memcmp(b + 16, p6, 16));
	ck_assert(!memcmp(b + 32, f.key.dst, 16));
	ck_assert_uint_eq(b[48], 64);
	exporter_free(ex);
}
END_TEST

/* A fake interface table: ifindex 3 (a VLAN) and 2 (a macvlan) have 9 as
 * their lower device, the others none. */
static uint32_t phys_cb(void *ctx, uint32_t ifindex)
{
	(void)ctx;
	return ifindex == 3 || ifindex == 2 ? 9 : ifindex;
}

/* ingress/egressPhysicalInterface: the lower device of the input and of
 * the output interface; without a table each interface is its own, and no
 * output interface stays 0. */
START_TEST(physical_interfaces)
{
	struct export_cfg cfg = { .version = 10 };
	struct exporter *ex = exporter_new(&cfg);
	struct template_user u;
	struct fake fk = { 0 };
	struct flow f;
	uint8_t b[32];

	ex->ifname_ctx = &fk;
	mkrecord(&u, "ph:sourceIPv4Address,ingressInterface/egressInterface,"
		     "ingressPhysicalInterface,egressPhysicalInterface");
	mkflow(&f, 4);
	ck_assert_uint_eq(encode(ex, &u.def, &f, b, sizeof(b)), 20);
	ck_assert(!memcmp(b + 4, "\0\0\0\3\0\0\0\0\0\0\0\3\0\0\0\0", 16));
	ex->route = route_cb;
	set_route(&fk, "10.0.0.1", 24, 24, 2);
	encode(ex, &u.def, &f, b, sizeof(b));
	ck_assert(!memcmp(b + 4, "\0\0\0\3\0\0\0\2\0\0\0\3\0\0\0\2", 16));
	ex->ifphys = phys_cb;
	encode(ex, &u.def, &f, b, sizeof(b));
	ck_assert(!memcmp(b + 4, "\0\0\0\3\0\0\0\2\0\0\0\x09\0\0\0\x09", 16));
	/* unrouted: no output interface, no output physical interface */
	set_route(&fk, NULL, 0, 0, 0);
	f.key.ifindex = 5;
	encode(ex, &u.def, &f, b, sizeof(b));
	ck_assert(!memcmp(b + 4, "\0\0\0\5\0\0\0\0\0\0\0\5\0\0\0\0", 16));
	exporter_free(ex);
}
END_TEST

/* The catalogue's packet fields the flow already holds: DSCP and
 * precedence of the TOS octet, ICMP type and code of the destination port
 * (zero for the other ICMP version's elements). */
START_TEST(tos_icmp_fields)
{
	struct export_cfg cfg = { .version = 9 };
	struct exporter *ex = exporter_new(&cfg);
	struct template_user u;
	struct flow f;
	uint8_t b[16];

	mkrecord(&u, "ti:icmpTypeIPv4,icmpCodeIPv4,icmpTypeIPv6,icmpCodeIPv6/"
		     "ipDiffServCodePoint,ipPrecedence");
	mkflow(&f, 4);
	f.key.proto = 1;
	f.key.dport = 11 << 8 | 1; /* time exceeded, reassembly */
	f.tos = 0xb9;
	ck_assert_uint_eq(encode(ex, &u.def, &f, b, sizeof(b)), 6);
	ck_assert(!memcmp(b, "\x0b\x01\x00\x00\x2e\x05", 6));
	mkflow(&f, 6);
	f.key.proto = 58;
	f.key.dport = 128 << 8; /* echo request */
	f.tos = 0x20;
	encode(ex, &u.def, &f, b, sizeof(b));
	ck_assert(!memcmp(b, "\x00\x00\x80\x00\x08\x01", 6));
	f.key.proto = 17; /* a port is no ICMP type */
	encode(ex, &u.def, &f, b, sizeof(b));
	ck_assert(!memcmp(b, "\x00\x00\x00\x00", 4));
	exporter_free(ex);
}
END_TEST

/* The measured catalogue fields on the wire: TTL and total length
 * minimum and maximum (2 octets, as IOS), the fragment flags' OR. */
START_TEST(measured_fields)
{
	struct export_cfg cfg = { .version = 10 };
	struct exporter *ex = exporter_new(&cfg);
	struct template_user u;
	struct flow f;
	uint8_t b[32];

	mkrecord(&u, "me:sourceIPv4Address/minimumTTL,maximumTTL,"
		     "minimumIpTotalLength,maximumIpTotalLength,fragmentFlags");
	mkflow(&f, 4);
	f.ttl_min = 3;
	f.ttl_max = 65;
	f.len_min = 40;
	f.len_max = 1500;
	f.frag_flags = 0x60;
	ck_assert_uint_eq(encode(ex, &u.def, &f, b, sizeof(b)), 4 + 7);
	ck_assert(!memcmp(b + 4, "\x03\x41\x00\x28\x05\xdc\x60", 7));
	exporter_free(ex);
}
END_TEST

/* A template without a routing element never asks. */
START_TEST(five_tuple_never_asks)
{
	struct export_cfg cfg = { .version = 10 };
	struct exporter *ex = exporter_new(&cfg);
	struct fake fk = { 0 };
	struct flow f;
	uint8_t b[256];

	ex->route = route_cb;
	ex->ifname_ctx = &fk;
	mkflow(&f, 4);
	encode(ex, template_find("ipv4-five-tuple"), &f, b, sizeof(b));
	encode(ex, template_find("ipv4-seven-tuple-iij"), &f, b, sizeof(b));
	mkflow(&f, 6);
	encode(ex, template_find("ipv6-five-tuple"), &f, b, sizeof(b));
	ck_assert_int_eq(fk.calls, 0);
	exporter_free(ex);
}
END_TEST

START_TEST(needs_routes)
{
	struct export_cfg cfg = { .version = 5 };
	struct template_user u;
	size_t i;

	ck_assert(export_needs_routes(&cfg));
	cfg.version = 10;
	ck_assert(!export_needs_routes(&cfg));
	for (i = 0; i < template_ndefs; i++)
		cfg.tmpl[cfg.ntmpl++] = &template_defs[i];
	ck_assert(!export_needs_routes(&cfg));
	cfg.tmpl[cfg.ntmpl++] = mkrecord(&u, "r:sourceIPv4Address/"
					     "packetDeltaCount,"
					     "egressInterface");
	ck_assert(export_needs_routes(&cfg));
	cfg.version = 9;
	mkrecord(&u, "r:sourceIPv6Address/destinationIPv6PrefixLength");
	ck_assert(export_needs_routes(&cfg));
}
END_TEST

/* NetFlow v5: next hop at 8, output at 14, masks at 44 and 45. */
START_TEST(v5_fields)
{
	struct export_cfg cfg = { .version = 5, .domain_id = 1, .mtu = 1500 };
	struct exporter *ex = exporter_new(&cfg);
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t sl = sizeof(sa);
	struct fake fk = { 0 };
	struct pollfd p;
	char spec[64], err[256];
	uint8_t b[2048];
	const uint8_t *rec;
	struct flow f;
	int fd;

	fd = socket(AF_INET, SOCK_DGRAM, 0);
	ck_assert_int_ge(fd, 0);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&sa, &sl), 0);
	snprintf(spec, sizeof(spec), "127.0.0.1:%u", ntohs(sa.sin_port));
	ck_assert_int_eq(exporter_add_collector(ex, spec, err, sizeof(err)), 0);
	exporter_set_base(ex, BASE);
	ex->route = route_cb;
	ex->ifname_ctx = &fk;

	mkflow(&f, 4);
	set_route(&fk, "10.0.2.254", 24, 16, 5);
	exporter_flow(ex, &f, FLOW_END_IDLE);
	/* an IPv6 gateway has no place in v5: 0.0.0.0 */
	set_route(&fk, "fe80::1", 8, 32, 0x12345);
	exporter_flow(ex, &f, FLOW_END_IDLE);
	exporter_flush(ex);
	ck_assert_int_eq(fk.calls, 2);
	p = (struct pollfd){ .fd = fd, .events = POLLIN };
	ck_assert_int_eq(poll(&p, 1, 1000), 1);
	ck_assert_int_eq(recv(fd, b, sizeof(b), 0), 24 + 2 * 48);
	rec = b + 24;
	ck_assert(!memcmp(rec + 8, "\x0a\x00\x02\xfe", 4));
	ck_assert(!memcmp(rec + 12, "\x00\x03\x00\x05", 4)); /* in, out */
	ck_assert_uint_eq(rec[44], 24);
	ck_assert_uint_eq(rec[45], 16);
	ck_assert(!memcmp(rec + 46, "\0\0", 2));
	rec += 48;
	ck_assert(!memcmp(rec + 8, "\0\0\0\0", 4));
	/* a 16-bit field: the low 16 bits, as the input interface */
	ck_assert(!memcmp(rec + 14, "\x23\x45", 2));
	ck_assert_uint_eq(rec[44], 8);
	ck_assert_uint_eq(rec[45], 32);
	exporter_free(ex);
	close(fd);
}
END_TEST

static Suite *export_route_suite(void)
{
	Suite *s = suite_create("export_route");
	TCase *tc = tcase_create("fields");

	tcase_add_test(tc, record_elements);
	tcase_add_test(tc, five_tuple_never_asks);
	tcase_add_test(tc, needs_routes);
	tcase_add_test(tc, bgp_as_fields);
	tcase_add_test(tc, prefix_and_forwarding);
	tcase_add_test(tc, tos_icmp_fields);
	tcase_add_test(tc, physical_interfaces);
	tcase_add_test(tc, measured_fields);
	tcase_add_test(tc, v5_fields);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(export_route_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
