// SPDX-License-Identifier: BSD-2-Clause
/*
 * test_rib.c - the RIB: longest-prefix match in both families, updates
 * replacing attributes, withdrawals, generations swept after a restart,
 * and interned attributes shared and freed with their last route.
 */
#include <arpa/inet.h>
#include <check.h>
#include <stdint.h>
#include <string.h>

#include "bgp/attr.h"
#include "bgp/rib.h"

static struct bgp_prefix pfx(const char *s, unsigned len)
{
	struct bgp_prefix p = { 0 };

	p.len = (uint8_t)len;
	if (strchr(s, ':')) {
		p.af = BGP_AF_IPV6;
		ck_assert_int_eq(inet_pton(AF_INET6, s, p.addr), 1);
	} else {
		p.af = BGP_AF_IPV4;
		ck_assert_int_eq(inet_pton(AF_INET, s, p.addr), 1);
	}
	return p;
}

/* The origin AS the RIB gives for address s, 0 when no route. */
static uint32_t origin(const struct rib *r, const char *s)
{
	struct bgp_prefix a = pfx(s, 0);
	const struct rib_entry *e = rib_lookup(r, a.af, a.addr);

	return e ? bgp_attr_origin_as(e->attr) : 0;
}

START_TEST(test_lpm)
{
	struct bgp_attr_table at;
	struct rib r;
	const uint32_t p1[] = { 65010, 65020 }, p2[] = { 65010, 65030 };
	const uint8_t nh[16] = { 10, 0, 0, 1 };
	struct bgp_attr *a1, *a2, *a3;
	struct bgp_prefix p;

	ck_assert_int_eq(bgp_attr_table_init(&at), 0);
	ck_assert_int_eq(rib_init(&r, &at), 0);
	a1 = bgp_attr_intern(&at, BGP_AF_IPV4, nh, p1, 2);
	a2 = bgp_attr_intern(&at, BGP_AF_IPV4, nh, p2, 2);
	a3 = bgp_attr_intern(&at, BGP_AF_IPV4, nh, p1, 2);
	ck_assert_ptr_eq(a1, a3); /* interned */
	ck_assert_uint_eq(at.count, 2);
	ck_assert_uint_eq(a1->refs, 2);
	bgp_attr_put(&at, a3);

	p = pfx("10.0.0.0", 8);
	ck_assert_int_eq(rib_update(&r, &p, a1), 0);
	/* host bits past the length are ignored */
	p = pfx("10.1.255.255", 16);
	ck_assert_int_eq(rib_update(&r, &p, a2), 0);
	p = pfx("2001:db8::", 32);
	ck_assert_int_eq(rib_update(&r, &p, a2), 0);
	p = pfx("0.0.0.0", 0);
	ck_assert_int_eq(rib_update(&r, &p, a1), 0);
	ck_assert_uint_eq(rib_count(&r, BGP_AF_IPV4), 3);
	ck_assert_uint_eq(rib_count(&r, BGP_AF_IPV6), 1);

	ck_assert_uint_eq(origin(&r, "10.1.2.3"), 65030);
	ck_assert_uint_eq(origin(&r, "10.2.2.3"), 65020);
	ck_assert_uint_eq(origin(&r, "192.0.2.1"), 65020); /* default */
	ck_assert_uint_eq(origin(&r, "2001:db8:1::1"), 65030);
	ck_assert_uint_eq(origin(&r, "2001:db9::1"), 0);

	/* the default goes, then 10.1/16 gets a1 instead of a2 */
	p = pfx("0.0.0.0", 0);
	rib_withdraw(&r, &p);
	ck_assert_uint_eq(origin(&r, "192.0.2.1"), 0);
	p = pfx("10.1.0.0", 16);
	ck_assert_int_eq(rib_update(&r, &p, a1), 0);
	ck_assert_uint_eq(origin(&r, "10.1.2.3"), 65020);
	ck_assert_uint_eq(rib_count(&r, BGP_AF_IPV4), 2);
	rib_withdraw(&r, &p);
	rib_withdraw(&r, &p); /* twice: nothing */
	ck_assert_uint_eq(origin(&r, "10.1.2.3"), 65020);

	bgp_attr_put(&at, a1);
	bgp_attr_put(&at, a2);
	ck_assert_uint_eq(at.count, 2); /* still used by routes */
	rib_fini(&r);
	ck_assert_uint_eq(at.count, 0);
	ck_assert_uint_eq(at.bytes, 0);
	bgp_attr_table_fini(&at);
}
END_TEST

START_TEST(test_generations)
{
	struct bgp_attr_table at;
	struct rib r;
	const uint32_t path[] = { 65010 };
	const uint8_t nh[4] = { 10, 0, 0, 1 };
	struct bgp_attr *a;
	struct bgp_prefix p;

	ck_assert_int_eq(bgp_attr_table_init(&at), 0);
	ck_assert_int_eq(rib_init(&r, &at), 0);
	a = bgp_attr_intern(&at, BGP_AF_IPV4, nh, path, 1);
	p = pfx("198.51.100.0", 24);
	ck_assert_int_eq(rib_update(&r, &p, a), 0);
	p = pfx("203.0.113.0", 24);
	ck_assert_int_eq(rib_update(&r, &p, a), 0);
	p = pfx("2001:db8::", 32);
	ck_assert_int_eq(rib_update(&r, &p, a), 0);

	/* a new session: what it announces again stays, the rest goes */
	r.gen++;
	p = pfx("198.51.100.0", 24);
	ck_assert_int_eq(rib_update(&r, &p, a), 0);
	ck_assert_uint_eq(origin(&r, "203.0.113.9"), 65010); /* stale */
	ck_assert_uint_eq(rib_sweep(&r, BGP_AF_IPV4), 1);
	ck_assert_uint_eq(origin(&r, "203.0.113.9"), 0);
	ck_assert_uint_eq(origin(&r, "198.51.100.9"), 65010);
	ck_assert_uint_eq(origin(&r, "2001:db8::1"), 65010);
	ck_assert_uint_eq(rib_sweep(&r, BGP_AF_NONE), 1);
	ck_assert_uint_eq(origin(&r, "2001:db8::1"), 0);
	ck_assert_uint_eq(a->refs, 2);
	bgp_attr_put(&at, a);
	rib_fini(&r);
	ck_assert_uint_eq(at.count, 0);
	bgp_attr_table_fini(&at);
}
END_TEST

/* Many prefixes: the tables grow, and every one is still found. */
START_TEST(test_many)
{
	struct bgp_attr_table at;
	struct rib r;
	uint32_t path[2] = { 65010, 0 };
	const uint8_t nh[4] = { 10, 0, 0, 1 };
	struct bgp_prefix p = { .af = BGP_AF_IPV4, .len = 24 };
	uint32_t i;

	ck_assert_int_eq(bgp_attr_table_init(&at), 0);
	ck_assert_int_eq(rib_init(&r, &at), 0);
	for (i = 0; i < 50000; i++) {
		struct bgp_attr *a;

		path[1] = 64512 + i % 1000;
		a = bgp_attr_intern(&at, BGP_AF_IPV4, nh, path, 2);
		ck_assert_ptr_nonnull(a);
		p.addr[0] = (uint8_t)(1 + i / 65536);
		p.addr[1] = (uint8_t)(i / 256);
		p.addr[2] = (uint8_t)i;
		ck_assert_int_eq(rib_update(&r, &p, a), 0);
		bgp_attr_put(&at, a);
	}
	ck_assert_uint_eq(at.count, 1000);
	for (i = 0; i < 50000; i++) {
		uint8_t addr[4] = { (uint8_t)(1 + i / 65536),
				    (uint8_t)(i / 256), (uint8_t)i, 77 };
		const struct rib_entry *e = rib_lookup(&r, BGP_AF_IPV4, addr);

		ck_assert_ptr_nonnull(e);
		ck_assert_uint_eq(bgp_attr_origin_as(e->attr),
				  64512 + i % 1000);
	}
	for (i = 0; i < 50000; i += 2) {
		p.addr[0] = (uint8_t)(1 + i / 65536);
		p.addr[1] = (uint8_t)(i / 256);
		p.addr[2] = (uint8_t)i;
		rib_withdraw(&r, &p);
	}
	ck_assert_uint_eq(rib_count(&r, BGP_AF_IPV4), 25000);
	rib_fini(&r);
	ck_assert_uint_eq(at.count, 0);
	bgp_attr_table_fini(&at);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("rib");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	/* test_many under ASan on a loaded machine takes seconds */
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_lpm);
	tcase_add_test(tc, test_generations);
	tcase_add_test(tc, test_many);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
