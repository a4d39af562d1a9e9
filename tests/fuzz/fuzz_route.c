// SPDX-License-Identifier: BSD-2-Clause
/*
 * fuzz_route.c - libFuzzer harness for the routing table's netlink input:
 * route_handle() on one received datagram.
 *
 * Input: one datagram as the kernel delivers it (tests/fuzz/mkrtseeds.py
 * writes hand-made ones and, run as root, a real dump of its namespace to
 * tests/fuzz/corpus/route). When its first message carries NLM_F_MULTI it
 * is taken for a dump reply: route_dump_begin() with that sequence number
 * comes first, so NLMSG_DONE sweeps. The table starts with a few IPv4 and
 * IPv6 routes (a default route, overlapping prefixes, a multipath route,
 * routes through ifindex 1-4, one with a preferred source) so deletes,
 * link and address flushes have something to remove; the datagram is
 * applied twice, and after each pass the table is checked: every route is
 * well formed, found through the index, and a lookup of its prefix gives
 * a route at least as long.
 *
 * libmnl is not instrumented, so the datagram is placed to end at a
 * PROT_NONE page: a read past it by libmnl faults. The 0-3 octets that
 * round its length up to 4 (it must start 4-aligned) are poisoned for ASan.
 *
 * Build (from the top of the tree):
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -I. netlink/route.c \
 *     netlink/nlsock.c tests/fuzz/fuzz_route.c -o build/fuzz/fuzz_route -lmnl
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>

#include "netlink/route.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#include <sanitizer/asan_interface.h>
#define POISON(p, n) ASAN_POISON_MEMORY_REGION(p, n)
#define UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION(p, n)
#endif
#endif
#ifndef POISON
#define POISON(p, n) ((void)(p), (void)(n))
#define UNPOISON(p, n) ((void)(p), (void)(n))
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)              \
	do {                     \
		if (!(cond))     \
			abort(); \
	} while (0)

#define AREA (64 * 1024)

static uint8_t *area_end(void)
{
	static uint8_t *end;
	long page = sysconf(_SC_PAGESIZE);
	uint8_t *p;

	if (end)
		return end;
	p = mmap(NULL, AREA + page, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(p != MAP_FAILED);
	CHECK(mprotect(p + AREA, page, PROT_NONE) == 0);
	end = p + AREA;
	return end;
}

/* The starting routes, one datagram, built once. */
static uint32_t base32[1024];
static size_t base_len;

static void put_addr(struct nlmsghdr *nlh, uint16_t type, int fam,
		     const char *a)
{
	uint8_t in[16];

	CHECK(inet_pton(fam, a, in) == 1);
	mnl_attr_put(nlh, type, fam == AF_INET ? 4 : 16, in);
}

static struct nlmsghdr *base_route(int fam, const char *dst, uint8_t plen,
				   const char *gw, uint32_t oif)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header((char *)base32 + base_len);
	struct rtmsg *rtm;

	nlh->nlmsg_type = RTM_NEWROUTE;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = (uint8_t)fam;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_type = RTN_UNICAST;
	rtm->rtm_dst_len = plen;
	if (dst)
		put_addr(nlh, RTA_DST, fam, dst);
	if (gw)
		put_addr(nlh, RTA_GATEWAY, fam, gw);
	if (oif)
		mnl_attr_put_u32(nlh, RTA_OIF, oif);
	return nlh;
}

static void base_end(struct nlmsghdr *nlh)
{
	base_len += MNL_ALIGN(nlh->nlmsg_len);
}

static void build_base(void)
{
	struct nlmsghdr *nlh;
	struct nlattr *mp;
	struct rtnexthop *nh;
	int i;

	base_end(base_route(AF_INET, NULL, 0, "192.0.2.1", 1));
	base_end(base_route(AF_INET, "10.0.0.0", 8, "192.0.2.2", 2));
	base_end(base_route(AF_INET, "10.1.0.0", 16, NULL, 3));
	nlh = base_route(AF_INET, "10.1.2.0", 24, NULL, 4);
	put_addr(nlh, RTA_PREFSRC, AF_INET, "10.1.2.1");
	base_end(nlh);
	base_end(base_route(AF_INET, "10.1.2.3", 32, "10.1.2.9", 4));
	base_end(base_route(AF_INET6, NULL, 0, "fe80::1", 1));
	base_end(base_route(AF_INET6, "2001:db8::", 32, NULL, 2));
	nlh = base_route(AF_INET6, "2001:db8:1::", 48, NULL, 0);
	mp = mnl_attr_nest_start(nlh, RTA_MULTIPATH);
	for (i = 0; i < 2; i++) {
		size_t start = nlh->nlmsg_len;

		nh = mnl_nlmsg_get_payload_tail(nlh);
		nlh->nlmsg_len += MNL_ALIGN(sizeof(*nh));
		memset(nh, 0, sizeof(*nh));
		nh->rtnh_ifindex = 3 + i;
		put_addr(nlh, RTA_GATEWAY, AF_INET6, i ? "fe80::4" : "fe80::3");
		nh->rtnh_len = (unsigned short)(nlh->nlmsg_len - start);
	}
	mnl_attr_nest_end(nlh, mp);
	base_end(nlh);
	CHECK(base_len <= sizeof(base32));
}

static void check_table(const struct route_table *t)
{
	size_t n = route_count(t), i, k;
	struct route_entry e;
	struct route_hop h;

	CHECK(n <= ROUTE_MAX);
	CHECK(!route_at(t, n, &e));
	for (i = 0; i < n; i++) {
		unsigned int bits;

		CHECK(route_at(t, i, &e));
		CHECK(e.ver == 4 || e.ver == 6);
		bits = e.ver == 4 ? 32 : 128;
		CHECK(e.plen <= bits && e.hop.plen == e.plen);
		CHECK(e.hop.gw_ver == 0 || e.hop.gw_ver == 4 ||
		      e.hop.gw_ver == 6);
		/* masked: no bit set past plen, nothing past the address */
		for (k = e.plen; k < 128; k++)
			CHECK(!(e.prefix[k / 8] & (0x80 >> (k % 8))));
		if (!e.hop.gw_ver)
			for (k = 0; k < 16; k++)
				CHECK(!e.hop.gw[k]);
		/* the index finds it, or one at least as specific */
		CHECK(route_lookup(t, e.ver, e.prefix, &h));
		CHECK(h.plen >= e.plen);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *end = area_end(), *buf;
	const struct route_stats *st;
	struct route_table *t;
	struct route_hop h;
	size_t padded;
	int pass, n;

	if (!base_len)
		build_base();
	if (size > AREA)
		size = AREA;
	padded = (size + 3) & ~(size_t)3;
	buf = end - padded;
	UNPOISON(buf, padded);
	memcpy(buf, data, size);
	memset(buf + size, 0xa5, padded - size);
	POISON(buf + size, padded - size);

	t = route_new();
	CHECK(t);
	CHECK(route_handle(t, base32, base_len) == 8);
	CHECK(route_count(t) == 8 && route_stats(t)->malformed == 0);
	if (size >= sizeof(struct nlmsghdr)) {
		const struct nlmsghdr *nlh = (const void *)buf;

		if (nlh->nlmsg_flags & NLM_F_MULTI)
			route_dump_begin(t, nlh->nlmsg_seq);
	}
	for (pass = 0; pass < 2; pass++) {
		n = route_handle(t, buf, size);
		CHECK(n >= 0 && (size_t)n <= size / sizeof(struct nlmsghdr));
		check_table(t);
	}
	/* lookups of addresses the input names */
	if (size >= 16) {
		CHECK(!route_lookup(t, 5, buf, &h));
		if (route_lookup(t, 4, buf + size - 16, &h))
			CHECK(h.plen <= 32);
		if (route_lookup(t, 6, buf + size - 16, &h))
			CHECK(h.plen <= 128);
	}
	st = route_stats(t);
	CHECK(st->newroute + st->delroute <= st->messages + 8);
	CHECK(st->full == 0);
	UNPOISON(buf + size, padded - size);
	route_close(t);
	return 0;
}
