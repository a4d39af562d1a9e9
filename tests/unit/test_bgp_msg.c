// SPDX-License-Identifier: BSD-2-Clause
/*
 * test_bgp_msg.c - the BGP message parser on crafted messages: headers,
 * OPEN capabilities, UPDATE with IPv4 and multiprotocol NLRI, AS4_PATH,
 * End-of-RIB, and the RFC 7606 actions for malformed attributes.
 */
#include <check.h>
#include <stdint.h>
#include <string.h>

#include "bgp/msg.h"

/* An UPDATE body being written by a test. */
struct ub {
	uint8_t b[4096];
	size_t n;
};

static void put(struct ub *u, const void *p, size_t n)
{
	ck_assert_uint_le(u->n + n, sizeof(u->b));
	if (n) /* p may be NULL then */
		memcpy(u->b + u->n, p, n);
	u->n += n;
}

static void put8(struct ub *u, uint8_t v)
{
	put(u, &v, 1);
}

static void put16(struct ub *u, uint16_t v)
{
	put8(u, (uint8_t)(v >> 8));
	put8(u, (uint8_t)v);
}

/* withdrawn (w, wn octets), attributes (a, an), NLRI (n, nn) */
static void update(struct ub *u, const uint8_t *w, size_t wn, const uint8_t *a,
		   size_t an, const uint8_t *n, size_t nn)
{
	u->n = 0;
	put16(u, (uint16_t)wn);
	put(u, w, wn);
	put16(u, (uint16_t)an);
	put(u, a, an);
	put(u, n, nn);
}

/* ORIGIN IGP, AS_PATH sequence 65010 65020 (2-octet), NEXT_HOP 10.0.0.1 */
static const uint8_t attrs2[] = {
	0x40, 1, 1, 0,				   /* ORIGIN */
	0x40, 2, 6, 2,	2, 0xfd, 0xf2, 0xfd, 0xfc, /* AS_PATH */
	0x40, 3, 4, 10, 0, 0,	 1,		   /* NEXT_HOP */
};
/* the same with 4-octet ASes 65010 4200000000 */
static const uint8_t attrs4[] = {
	0x40, 1,    1,	  0,	0x40, 2,    10, 2, 2,  0, 0, 0xfd,
	0xf2, 0xfa, 0x56, 0xea, 0x00, 0x40, 3,	4, 10, 0, 0, 1,
};
static const uint8_t nlri[] = { 24, 198, 51, 100, 16, 10, 1 };

START_TEST(test_header)
{
	uint8_t m[19];
	struct bgp_error err = { 0 };
	uint8_t type = 0;

	memset(m, 0xff, 16);
	m[16] = 0;
	m[17] = 19;
	m[18] = BGP_KEEPALIVE;
	ck_assert_int_eq(bgp_msg_header(m, 18, &type, &err), 0);
	ck_assert_int_eq(bgp_msg_header(m, 19, &type, &err), 19);
	ck_assert_uint_eq(type, BGP_KEEPALIVE);
	m[17] = 20; /* a KEEPALIVE is exactly 19 */
	ck_assert_int_eq(bgp_msg_header(m, 19, &type, &err), -1);
	ck_assert_uint_eq(err.code, BGP_ERR_HEADER);
	ck_assert_uint_eq(err.subcode, BGP_SUB_HDR_LENGTH);
	m[17] = 19;
	m[3] = 0; /* marker */
	ck_assert_int_eq(bgp_msg_header(m, 19, &type, &err), -1);
	ck_assert_uint_eq(err.subcode, BGP_SUB_HDR_SYNC);
	m[3] = 0xff;
	m[18] = 9;
	ck_assert_int_eq(bgp_msg_header(m, 19, &type, &err), -1);
	ck_assert_uint_eq(err.subcode, BGP_SUB_HDR_TYPE);
	m[16] = 0x10; /* 4097 > 4096 */
	m[17] = 0x01;
	m[18] = BGP_UPDATE;
	ck_assert_int_eq(bgp_msg_header(m, 19, &type, &err), -1);
}
END_TEST

START_TEST(test_open_roundtrip)
{
	uint8_t m[256];
	struct bgp_open_local l = { .as = 4200000000u,
				    .router_id = 0xc0000201,
				    .hold = 90,
				    .gr_time = 120 };
	size_t n = bgp_build_open(m, sizeof(m), &l);
	struct bgp_open o;
	struct bgp_error err = { 0 };
	uint8_t type;

	ck_assert_uint_gt(n, 29);
	ck_assert_int_eq(bgp_msg_header(m, n, &type, &err), (int)n);
	ck_assert_uint_eq(type, BGP_OPEN);
	ck_assert_int_eq(bgp_open_parse(m + 19, n - 19, &o, &err), 0);
	ck_assert_uint_eq(o.as, 4200000000u);
	ck_assert_uint_eq(o.hold, 90);
	ck_assert_uint_eq(o.router_id, 0xc0000201);
	ck_assert(o.as4 && o.mp_ipv4 && o.mp_ipv6 && o.route_refresh);
	ck_assert(o.graceful_restart);
	ck_assert_uint_eq(o.gr_time, 120);
	/* the 2-octet field says AS_TRANS */
	ck_assert_uint_eq(m[20] << 8 | m[21], BGP_AS_TRANS);
	ck_assert_uint_eq(bgp_build_open(m, 40, &l), 0);
}
END_TEST

START_TEST(test_open_bad)
{
	/* version 4, AS 65010, hold 1, id 1.2.3.4, no parameters */
	uint8_t b[] = { 4, 0xfd, 0xf2, 0, 1, 1, 2, 3, 4, 0 };
	struct bgp_open o;
	struct bgp_error err = { 0 };

	ck_assert_int_eq(bgp_open_parse(b, sizeof(b), &o, &err), -1);
	ck_assert_uint_eq(err.subcode, BGP_SUB_OPEN_HOLD);
	b[4] = 3;
	ck_assert_int_eq(bgp_open_parse(b, sizeof(b), &o, &err), 0);
	ck_assert(!o.as4);
	ck_assert_uint_eq(o.as, 65010);
	b[0] = 3;
	ck_assert_int_eq(bgp_open_parse(b, sizeof(b), &o, &err), -1);
	ck_assert_uint_eq(err.subcode, BGP_SUB_OPEN_VERSION);
	b[0] = 4;
	b[9] = 4; /* parameters longer than the message */
	ck_assert_int_eq(bgp_open_parse(b, sizeof(b), &o, &err), -1);
	ck_assert_uint_eq(err.subcode, BGP_SUB_OPEN_PARAM);
	b[9] = 0;
	b[5] = b[6] = b[7] = b[8] = 0;
	ck_assert_int_eq(bgp_open_parse(b, sizeof(b), &o, &err), -1);
	ck_assert_uint_eq(err.subcode, BGP_SUB_OPEN_BGP_ID);
}
END_TEST

START_TEST(test_update_ipv4)
{
	static struct ub u;
	static struct bgp_update up;
	struct bgp_error err;
	struct bgp_prefix p;
	const uint8_t wd[] = { 8, 10 };

	update(&u, wd, sizeof(wd), attrs2, sizeof(attrs2), nlri, sizeof(nlri));
	ck_assert_int_eq(bgp_update_parse(u.b, u.n, false, &up, &err),
			 BGP_UPD_OK);
	ck_assert_uint_eq(up.attrs.path_len, 2);
	ck_assert_uint_eq(up.attrs.path[0], 65010);
	ck_assert_uint_eq(up.attrs.path[1], 65020);
	ck_assert(up.attrs.has_nexthop4);
	ck_assert_mem_eq(up.attrs.nexthop4, "\x0a\x00\x00\x01", 4);
	ck_assert_int_eq(bgp_prefix_next(&up.nlri, BGP_AF_IPV4, &p), 1);
	ck_assert_uint_eq(p.len, 24);
	ck_assert_mem_eq(p.addr, "\xc6\x33\x64\x00", 4);
	ck_assert_int_eq(bgp_prefix_next(&up.nlri, BGP_AF_IPV4, &p), 1);
	ck_assert_uint_eq(p.len, 16);
	ck_assert_int_eq(bgp_prefix_next(&up.nlri, BGP_AF_IPV4, &p), 0);
	ck_assert_int_eq(bgp_prefix_next(&up.withdrawn, BGP_AF_IPV4, &p), 1);
	ck_assert_uint_eq(p.len, 8);
	ck_assert_uint_eq(up.eor, BGP_AF_NONE);

	update(&u, NULL, 0, attrs4, sizeof(attrs4), nlri, sizeof(nlri));
	ck_assert_int_eq(bgp_update_parse(u.b, u.n, true, &up, &err),
			 BGP_UPD_OK);
	ck_assert_uint_eq(up.attrs.path_len, 2);
	ck_assert_uint_eq(up.attrs.path[1], 4200000000u);
}
END_TEST

START_TEST(test_update_as4_path)
{
	static struct ub u;
	static struct bgp_update up;
	struct bgp_error err;
	/* AS_PATH 65010 AS_TRANS AS_TRANS; AS4_PATH 4200000000 4200000001 */
	const uint8_t a[] = {
		0x40, 1,    1,	  0,	0x40, 2,    8,	  2,	3,
		0xfd, 0xf2, 0x5b, 0xa0, 0x5b, 0xa0, 0x40, 3,	4,
		10,   0,    0,	  1,	0xc0, 17,   10,	  2,	2,
		0xfa, 0x56, 0xea, 0x00, 0xfa, 0x56, 0xea, 0x01,
	};

	update(&u, NULL, 0, a, sizeof(a), nlri, sizeof(nlri));
	ck_assert_int_eq(bgp_update_parse(u.b, u.n, false, &up, &err),
			 BGP_UPD_OK);
	ck_assert_uint_eq(up.attrs.path_len, 3);
	ck_assert_uint_eq(up.attrs.path[0], 65010);
	ck_assert_uint_eq(up.attrs.path[1], 4200000000u);
	ck_assert_uint_eq(up.attrs.path[2], 4200000001u);
	/* a 4-octet session ignores AS4_PATH: here it is then malformed
	 * AS_PATH (segment lengths in 2 octets): treat-as-withdraw */
	ck_assert_int_eq(bgp_update_parse(u.b, u.n, true, &up, &err),
			 BGP_UPD_WITHDRAW);
}
END_TEST

START_TEST(test_update_mp)
{
	static struct ub u;
	static struct bgp_update up;
	struct bgp_error err;
	struct bgp_prefix p;
	/* ORIGIN, AS_PATH 65010, MP_REACH 2001:db8::1 -> 2001:db8:100::/40 */
	const uint8_t a[] = {
		0x40, 1,    1,	  0,  0x40, 2,	  6,	2,    1,    0,	  0,
		0xfd, 0xf2, 0x80, 14, 27,   0,	  2,	1,    16,   0x20, 0x01,
		0x0d, 0xb8, 0,	  0,  0,    0,	  0,	0,    0,    0,	  0,
		0,    0,    1,	  0,  40,   0x20, 0x01, 0x0d, 0xb8, 0x01,
	};
	/* End-of-RIB for IPv6: MP_UNREACH with AFI 2 SAFI 1 and nothing */
	const uint8_t eor[] = { 0x80, 15, 3, 0, 2, 1 };

	update(&u, NULL, 0, a, sizeof(a), NULL, 0);
	ck_assert_int_eq(bgp_update_parse(u.b, u.n, true, &up, &err),
			 BGP_UPD_OK);
	ck_assert_uint_eq(up.mp_reach_af, BGP_AF_IPV6);
	ck_assert(up.attrs.has_nexthop6);
	ck_assert_uint_eq(up.attrs.nexthop6[15], 1);
	ck_assert_int_eq(bgp_prefix_next(&up.mp_reach, BGP_AF_IPV6, &p), 1);
	ck_assert_uint_eq(p.len, 40);
	ck_assert_uint_eq(p.addr[4], 1);
	ck_assert_int_eq(bgp_prefix_next(&up.mp_reach, BGP_AF_IPV6, &p), 0);
	ck_assert_uint_eq(up.eor, BGP_AF_NONE);

	update(&u, NULL, 0, eor, sizeof(eor), NULL, 0);
	ck_assert_int_eq(bgp_update_parse(u.b, u.n, true, &up, &err),
			 BGP_UPD_OK);
	ck_assert_uint_eq(up.eor, BGP_AF_IPV6);
	update(&u, NULL, 0, NULL, 0, NULL, 0);
	ck_assert_int_eq(bgp_update_parse(u.b, u.n, true, &up, &err),
			 BGP_UPD_OK);
	ck_assert_uint_eq(up.eor, BGP_AF_IPV4);
}
END_TEST

START_TEST(test_update_rfc7606)
{
	static struct ub u;
	static struct bgp_update up;
	struct bgp_error err;
	uint8_t a[sizeof(attrs2)];
	const uint8_t bad_nlri[] = { 33, 1, 2, 3, 4, 5 };
	const uint8_t mp_bad[] = { 0x80, 14, 3, 0, 2, 1 };
	const uint8_t aggr[] = { 0x40, 1, 1, 0, 0x40, 2, 0, 0x40, 3, 4,
				 1,    2, 3, 4, 0xc0, 7, 3, 0,	  0, 0 };

	/* ORIGIN value 3: treat-as-withdraw */
	memcpy(a, attrs2, sizeof(a));
	a[3] = 3;
	update(&u, NULL, 0, a, sizeof(a), nlri, sizeof(nlri));
	ck_assert_int_eq(bgp_update_parse(u.b, u.n, false, &up, &err),
			 BGP_UPD_WITHDRAW);
	/* the NLRI are still readable, to be withdrawn */
	ck_assert_uint_eq(bgp_cur_left(&up.nlri), sizeof(nlri));
	/* ORIGIN flagged optional: conflicting flags */
	memcpy(a, attrs2, sizeof(a));
	a[0] = 0xc0;
	update(&u, NULL, 0, a, sizeof(a), nlri, sizeof(nlri));
	ck_assert_int_eq(bgp_update_parse(u.b, u.n, false, &up, &err),
			 BGP_UPD_WITHDRAW);
	/* NEXT_HOP missing */
	update(&u, NULL, 0, attrs2, sizeof(attrs2) - 7, nlri, sizeof(nlri));
	ck_assert_int_eq(bgp_update_parse(u.b, u.n, false, &up, &err),
			 BGP_UPD_WITHDRAW);
	/* the last attribute overruns the attribute field */
	memcpy(a, attrs2, sizeof(a));
	a[sizeof(a) - 5] = 9;
	update(&u, NULL, 0, a, sizeof(a), nlri, sizeof(nlri));
	ck_assert_int_eq(bgp_update_parse(u.b, u.n, false, &up, &err),
			 BGP_UPD_WITHDRAW);
	/* an AS_PATH segment of zero ASes */
	memcpy(a, attrs2, sizeof(a));
	a[8] = 0;
	update(&u, NULL, 0, a, sizeof(a), nlri, sizeof(nlri));
	ck_assert_int_eq(bgp_update_parse(u.b, u.n, false, &up, &err),
			 BGP_UPD_WITHDRAW);
	/* a malformed AGGREGATOR is discarded, the route stays */
	update(&u, NULL, 0, aggr, sizeof(aggr), nlri, sizeof(nlri));
	ck_assert_int_eq(bgp_update_parse(u.b, u.n, false, &up, &err),
			 BGP_UPD_OK);
	ck_assert_uint_eq(up.discarded, 1);
	ck_assert_uint_eq(up.attrs.path_len, 0);
	/* NLRI that cannot be read: session reset */
	update(&u, NULL, 0, attrs2, sizeof(attrs2), bad_nlri, sizeof(bad_nlri));
	ck_assert_int_eq(bgp_update_parse(u.b, u.n, false, &up, &err),
			 BGP_UPD_RESET);
	ck_assert_uint_eq(err.code, BGP_ERR_UPDATE);
	ck_assert_uint_eq(err.subcode, BGP_SUB_UPD_NETWORK);
	/* MP_REACH cut short: session reset */
	update(&u, NULL, 0, mp_bad, sizeof(mp_bad), NULL, 0);
	ck_assert_int_eq(bgp_update_parse(u.b, u.n, false, &up, &err),
			 BGP_UPD_RESET);
	/* withdrawn length past the message */
	u.n = 0;
	put16(&u, 100);
	put16(&u, 0);
	ck_assert_int_eq(bgp_update_parse(u.b, u.n, false, &up, &err),
			 BGP_UPD_RESET);
}
END_TEST

START_TEST(test_notification_refresh)
{
	uint8_t m[64];
	size_t n = bgp_build_notification(m, sizeof(m), BGP_ERR_CEASE,
					  BGP_SUB_CEASE_SHUTDOWN);
	struct bgp_notification no;
	const uint8_t rr[] = { 0, 2, 0, 1 };
	enum bgp_af af;

	ck_assert_uint_eq(n, 21);
	ck_assert_int_eq(bgp_notification_parse(m + 19, n - 19, &no), 0);
	ck_assert_uint_eq(no.code, BGP_ERR_CEASE);
	ck_assert_uint_eq(no.subcode, BGP_SUB_CEASE_SHUTDOWN);
	ck_assert_int_eq(bgp_notification_parse(m + 19, 1, &no), -1);
	ck_assert_int_eq(bgp_refresh_parse(rr, sizeof(rr), &af), 0);
	ck_assert_uint_eq(af, BGP_AF_IPV6);
	ck_assert_uint_eq(bgp_build_keepalive(m, sizeof(m)), 19);
	ck_assert_uint_eq(bgp_build_keepalive(m, 18), 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("bgp_msg");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_header);
	tcase_add_test(tc, test_open_roundtrip);
	tcase_add_test(tc, test_open_bad);
	tcase_add_test(tc, test_update_ipv4);
	tcase_add_test(tc, test_update_as4_path);
	tcase_add_test(tc, test_update_mp);
	tcase_add_test(tc, test_update_rfc7606);
	tcase_add_test(tc, test_notification_refresh);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
