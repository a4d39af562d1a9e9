// SPDX-License-Identifier: BSD-2-Clause
/*
 * test_parse.c - the packet parser (meter/parse.h) and the link types
 * (meter/link.c) on frames built octet by octet (frame_build.h).
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "meter/link.h"
#include "meter/parse.h"

#include "frame_build.h"

/* ---------------------------------------------------------------------- */
/* Running the parser                                                     */

static int parse_dlt(int dlt, const uint8_t *p, size_t caplen,
		     uint32_t wire_extra, struct pkt_info *pi)
{
	const struct linktype *lt = link_lookup(dlt);
	struct parse_cursor c = { .pos = p,
				  .end = p + caplen,
				  .wire_extra = wire_extra };

	ck_assert_ptr_nonnull(lt);
	memset(pi, 0, sizeof(*pi));
	return lt->parse(&c, pi);
}

static int parse_eth(const struct pkt *k, struct pkt_info *pi)
{
	struct parse_cursor c = { .pos = k->b, .end = k->b + k->n };

	memset(pi, 0, sizeof(*pi));
	return parse_ether(&c, pi);
}

static void assert_v4_tcp(const struct pkt_info *pi, uint32_t octets)
{
	static const uint8_t zero[12];

	ck_assert_uint_eq(pi->ipver, 4);
	ck_assert_uint_eq(pi->proto, 6);
	ck_assert_uint_eq(pi->sport, 1234);
	ck_assert_uint_eq(pi->dport, 80);
	ck_assert_uint_eq(pi->octets, octets);
	ck_assert_mem_eq(pi->src, SRC4, 4);
	ck_assert_mem_eq(pi->dst, DST4, 4);
	ck_assert_mem_eq(pi->src + 4, zero, 12);
	ck_assert_mem_eq(pi->dst + 4, zero, 12);
	ck_assert_uint_eq(pi->ethertype, 0x0800);
	ck_assert_uint_eq(pi->nonfirst_frag, 0);
}

static void assert_v6_udp(const struct pkt_info *pi, uint32_t octets)
{
	ck_assert_uint_eq(pi->ipver, 6);
	ck_assert_uint_eq(pi->proto, 17);
	ck_assert_uint_eq(pi->sport, 5353);
	ck_assert_uint_eq(pi->dport, 53);
	ck_assert_uint_eq(pi->octets, octets);
	ck_assert_mem_eq(pi->src, SRC6, 16);
	ck_assert_mem_eq(pi->dst, DST6, 16);
	ck_assert_uint_eq(pi->ethertype, 0x86dd);
	ck_assert_uint_eq(pi->tos, 0xab);
}

/* ---------------------------------------------------------------------- */
/* Ethernet, IPv4, transports                                             */

START_TEST(eth_ipv4_tcp)
{
	struct pkt k = { .n = 0 };
	struct pkt_info pi;

	eth(&k, 0x0800);
	ip4_tcp(&k, 0x12);
	ck_assert_int_eq(parse_eth(&k, &pi), PARSE_IP);
	assert_v4_tcp(&pi, 50);
	ck_assert_uint_eq(pi.tcp_flags, 0x12);
	ck_assert_uint_eq(pi.tos, 0x28);
	ck_assert_mem_eq(pi.dmac, DMAC, 6);
	ck_assert_mem_eq(pi.smac, SMAC, 6);
	ck_assert_uint_eq(pi.nvlan, 0);
	/* the same through the DLT table */
	ck_assert_int_eq(parse_dlt(1, k.b, k.n, 0, &pi), PARSE_IP);
	assert_v4_tcp(&pi, 50);
}
END_TEST

START_TEST(eth_ipv4_udp)
{
	struct pkt k = { .n = 0 };
	struct pkt_info pi;
	size_t ip;

	eth(&k, 0x0800);
	ip = ip4_begin(&k, 17, 5, 0);
	udp(&k, 40000, 53, 30);
	ip4_end(&k, ip);
	ck_assert_int_eq(parse_eth(&k, &pi), PARSE_IP);
	ck_assert_uint_eq(pi.proto, 17);
	ck_assert_uint_eq(pi.sport, 40000);
	ck_assert_uint_eq(pi.dport, 53);
	ck_assert_uint_eq(pi.octets, 58);
	ck_assert_uint_eq(pi.tcp_flags, 0);
}
END_TEST

START_TEST(eth_ipv4_icmp)
{
	static const struct {
		uint8_t type, code;
		uint16_t dport;
	} cases[] = {
		{ 8, 0, 2048 },	   /* echo request */
		{ 0, 0, 0 },	   /* echo reply */
		{ 3, 3, 0x0303 },  /* port unreachable */
		{ 11, 1, 0x0b01 }, /* fragment reassembly time exceeded */
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct pkt k = { .n = 0 };
		struct pkt_info pi;
		size_t ip;

		eth(&k, 0x0800);
		ip = ip4_begin(&k, 1, 5, 0);
		icmp(&k, cases[i].type, cases[i].code);
		ip4_end(&k, ip);
		ck_assert_int_eq(parse_eth(&k, &pi), PARSE_IP);
		ck_assert_uint_eq(pi.proto, 1);
		ck_assert_uint_eq(pi.sport, 0);
		ck_assert_uint_eq(pi.dport, cases[i].dport);
		ck_assert_uint_eq(pi.octets, 28);
	}
}
END_TEST

START_TEST(eth_ipv4_sctp)
{
	struct pkt k = { .n = 0 };
	struct pkt_info pi;
	size_t ip;

	eth(&k, 0x0800);
	ip = ip4_begin(&k, 132, 5, 0);
	sctp(&k, 2905, 2906);
	ip4_end(&k, ip);
	ck_assert_int_eq(parse_eth(&k, &pi), PARSE_IP);
	ck_assert_uint_eq(pi.proto, 132);
	ck_assert_uint_eq(pi.sport, 2905);
	ck_assert_uint_eq(pi.dport, 2906);
	ck_assert_uint_eq(pi.octets, 32);

	/* an SCTP common header cut short is truncated */
	k.n -= 1;
	set16(&k, 14 + 2, 31);
	ck_assert_int_eq(parse_eth(&k, &pi), PARSE_ERR_TRUNCATED);
}
END_TEST

START_TEST(eth_ipv4_other_proto)
{
	struct pkt k = { .n = 0 };
	struct pkt_info pi;
	size_t ip;

	/* GRE: no ports, nothing of it is read */
	eth(&k, 0x0800);
	ip = ip4_begin(&k, 47, 5, 0);
	p32(&k, 0x00000800);
	ip4_end(&k, ip);
	ck_assert_int_eq(parse_eth(&k, &pi), PARSE_IP);
	ck_assert_uint_eq(pi.proto, 47);
	ck_assert_uint_eq(pi.sport, 0);
	ck_assert_uint_eq(pi.dport, 0);
	ck_assert_uint_eq(pi.octets, 24);
}
END_TEST

START_TEST(eth_padding)
{
	struct pkt k = { .n = 0 };
	struct pkt_info pi;
	size_t ip;

	/* 14 + 28 octets, padded to the 60-octet Ethernet minimum */
	eth(&k, 0x0800);
	ip = ip4_begin(&k, 17, 5, 0);
	udp(&k, 1000, 2000, 0);
	ip4_end(&k, ip);
	ck_assert_uint_eq(k.n, 42);
	pfill(&k, 0, 60 - k.n);
	ck_assert_int_eq(parse_eth(&k, &pi), PARSE_IP);
	ck_assert_uint_eq(pi.octets, 28);
	ck_assert_uint_eq(pi.sport, 1000);
	ck_assert_uint_eq(pi.dport, 2000);
}
END_TEST

/* ---------------------------------------------------------------------- */
/* Flexible NetFlow's fields (issue 16)                                   */

/* TTL, fragment flags and the outer tag's priority of an IPv4 packet;
 * hop limit, flow label and the fragment header's M flag of an IPv6 one. */
START_TEST(fnf_fields)
{
	struct pkt k = { .n = 0 };
	struct pkt_info pi;
	size_t ip;

	eth(&k, 0x8100);
	vlan_tag(&k, 0xa064, 0x8100);	   /* PCP 5, VID 100 */
	vlan_tag(&k, 0x202a, 0x0800);	   /* inner: PCP 1, VID 42 */
	ip = ip4_begin(&k, 17, 5, 0x4000); /* DF */
	k.b[ip + 8] = 17;
	udp(&k, 1, 2, 4);
	ip4_end(&k, ip);
	ck_assert_int_eq(parse_eth(&k, &pi), PARSE_IP);
	ck_assert_uint_eq(pi.ttl, 17);
	ck_assert_uint_eq(pi.frag_flags, 0x40);
	ck_assert_uint_eq(pi.vlan_pcp, 5);
	ck_assert_uint_eq(pi.vlan[0], 100);
	ck_assert_uint_eq(pi.flow_label, 0);

	/* a first fragment: MF (and the reserved bit, as sent) */
	k.n = 0;
	eth(&k, 0x0800);
	ip = ip4_begin(&k, 17, 5, 0xa000);
	udp(&k, 1, 2, 4);
	ip4_end(&k, ip);
	ck_assert_int_eq(parse_eth(&k, &pi), PARSE_IP);
	ck_assert_uint_eq(pi.frag_flags, 0xa0);
	ck_assert_uint_eq(pi.vlan_pcp, 0);

	/* IPv6: flow label 0xbcdef, hop limit 9, a fragment header with M */
	k.n = 0;
	eth(&k, 0x86dd);
	ip = ip6_begin(&k, 44);
	k.b[ip + 1] |= 0x0b;
	k.b[ip + 2] = 0xcd;
	k.b[ip + 3] = 0xef;
	k.b[ip + 7] = 9;
	p8(&k, 17);
	p8(&k, 0);
	p16(&k, 0x0001); /* offset 0, M */
	p32(&k, 0x12345678);
	udp(&k, 1, 2, 4);
	ip6_end(&k, ip);
	ck_assert_int_eq(parse_eth(&k, &pi), PARSE_IP);
	ck_assert_uint_eq(pi.ttl, 9);
	ck_assert_uint_eq(pi.flow_label, 0xbcdef);
	ck_assert_uint_eq(pi.tos, 0xab);
	ck_assert_uint_eq(pi.frag_flags, 0x20);
	ck_assert_uint_eq(pi.proto, 17);
}
END_TEST

/* ---------------------------------------------------------------------- */
/* VLAN tags                                                              */

START_TEST(vlan_8021q)
{
	struct pkt k = { .n = 0 };
	struct pkt_info pi;

	eth(&k, 0x8100);
	vlan_tag(&k, 0xa064, 0x0800); /* PCP 5, VID 100 */
	ip4_tcp(&k, 0);
	ck_assert_int_eq(parse_eth(&k, &pi), PARSE_IP);
	assert_v4_tcp(&pi, 50);
	ck_assert_uint_eq(pi.nvlan, 1);
	ck_assert_uint_eq(pi.vlan[0], 100);
}
END_TEST

START_TEST(vlan_qinq_88a8)
{
	struct pkt k = { .n = 0 };
	struct pkt_info pi;

	eth(&k, 0x88a8);
	vlan_tag(&k, 0x0fff & 300, 0x8100);
	vlan_tag(&k, 0x2000 | 42, 0x86dd);
	ip6_udp(&k);
	ck_assert_int_eq(parse_eth(&k, &pi), PARSE_IP);
	assert_v6_udp(&pi, 60);
	ck_assert_uint_eq(pi.nvlan, 2);
	ck_assert_uint_eq(pi.vlan[0], 300);
	ck_assert_uint_eq(pi.vlan[1], 42);
}
END_TEST

START_TEST(vlan_9100_stack)
{
	struct pkt k = { .n = 0 };
	struct pkt_info pi;

	/* pre-standard QinQ outer tag, then 802.1Q ones */
	eth(&k, 0x9100);
	vlan_tag(&k, 10, 0x8100);
	vlan_tag(&k, 20, 0x0800);
	ip4_tcp(&k, 0);
	ck_assert_int_eq(parse_eth(&k, &pi), PARSE_IP);
	assert_v4_tcp(&pi, 50);
	ck_assert_uint_eq(pi.nvlan, 2);
	ck_assert_uint_eq(pi.vlan[0], 10);
	ck_assert_uint_eq(pi.vlan[1], 20);
}
END_TEST

/* n tags of the given TPIDs in turn, then IPv4 TCP. */
static void tag_stack(struct pkt *k, int n)
{
	static const uint16_t tpid[] = { 0x9100, 0x88a8, 0x8100 };
	int i;

	k->n = 0;
	eth(k, tpid[0]);
	for (i = 0; i < n; i++)
		vlan_tag(k, (uint16_t)(i + 1),
			 i + 1 < n ? tpid[(i + 1) % 3] : 0x0800);
	ip4_tcp(k, 0);
}

START_TEST(vlan_depth_limit)
{
	struct pkt k;
	struct pkt_info pi;
	int n;

	/* PARSE_MAX_VLAN tags are walked (README: up to three) */
	for (n = 1; n <= PARSE_MAX_VLAN; n++) {
		tag_stack(&k, n);
		ck_assert_int_eq(parse_eth(&k, &pi), PARSE_IP);
		assert_v4_tcp(&pi, 50);
		ck_assert_uint_eq(pi.nvlan, n);
		ck_assert_uint_eq(pi.vlan[0], 1);
		if (n > 1)
			ck_assert_uint_eq(pi.vlan[1], 2);
	}
	/* one more is malformed, and so is a stack of five */
	tag_stack(&k, PARSE_MAX_VLAN + 1);
	ck_assert_int_eq(parse_eth(&k, &pi), PARSE_ERR_VLAN_DEPTH);
	tag_stack(&k, 5);
	ck_assert_int_eq(parse_eth(&k, &pi), PARSE_ERR_VLAN_DEPTH);
}
END_TEST

START_TEST(vlan_truncated)
{
	struct pkt k = { .n = 0 };
	struct pkt_info pi;

	eth(&k, 0x8100);
	p16(&k, 7);
	ck_assert_int_eq(parse_eth(&k, &pi), PARSE_ERR_TRUNCATED);
}
END_TEST

/* ---------------------------------------------------------------------- */
/* IPv4 options and fragments                                             */

START_TEST(ipv4_options)
{
	unsigned ihl = (unsigned)_i;
	struct pkt k = { .n = 0 };
	struct pkt_info pi;
	size_t ip;

	eth(&k, 0x0800);
	ip = ip4_begin(&k, 6, ihl, 0);
	tcp(&k, 1234, 80, 0x02);
	ip4_end(&k, ip);
	ck_assert_int_eq(parse_eth(&k, &pi), PARSE_IP);
	assert_v4_tcp(&pi, ihl * 4 + 20);
	ck_assert_uint_eq(pi.tcp_flags, 0x02);

	/* options present but the capture ends inside them */
	k.n = 14 + 20 + 1;
	set16(&k, ip + 2, (uint16_t)(ihl * 4 + 20));
	ck_assert_int_eq(parse_dlt(1, k.b, k.n, ihl * 4 + 20 - 21, &pi),
			 PARSE_ERR_TRUNCATED);
}
END_TEST

START_TEST(ipv4_nonfirst_fragment)
{
	struct pkt k = { .n = 0 };
	struct pkt_info pi;
	size_t ip;

	/* offset 185 * 8: no transport header, only payload */
	eth(&k, 0x0800);
	ip = ip4_begin(&k, 17, 5, 185);
	pfill(&k, 0xee, 3);
	ip4_end(&k, ip);
	ck_assert_int_eq(parse_eth(&k, &pi), PARSE_IP);
	ck_assert_uint_eq(pi.proto, 17);
	ck_assert_uint_eq(pi.sport, 0);
	ck_assert_uint_eq(pi.dport, 0);
	ck_assert_uint_eq(pi.nonfirst_frag, 1);
	ck_assert_uint_eq(pi.octets, 23);

	/* a middle fragment (MF set) of a TCP packet: octets that look like
	 * ports are not read as ports */
	k.n = 0;
	eth(&k, 0x0800);
	ip = ip4_begin(&k, 6, 5, 0x2000 | 1);
	tcp(&k, 1111, 2222, 0x01);
	ip4_end(&k, ip);
	ck_assert_int_eq(parse_eth(&k, &pi), PARSE_IP);
	ck_assert_uint_eq(pi.proto, 6);
	ck_assert_uint_eq(pi.sport, 0);
	ck_assert_uint_eq(pi.dport, 0);
	ck_assert_uint_eq(pi.tcp_flags, 0);
	ck_assert_uint_eq(pi.nonfirst_frag, 1);
}
END_TEST

START_TEST(ipv4_first_fragment)
{
	struct pkt k = { .n = 0 };
	struct pkt_info pi;
	size_t ip;

	/* MF set, offset 0 (DF bit elsewhere does not matter) */
	eth(&k, 0x0800);
	ip = ip4_begin(&k, 17, 5, 0x2000);
	udp(&k, 4444, 5555, 100);
	ip4_end(&k, ip);
	ck_assert_int_eq(parse_eth(&k, &pi), PARSE_IP);
	ck_assert_uint_eq(pi.sport, 4444);
	ck_assert_uint_eq(pi.dport, 5555);
	ck_assert_uint_eq(pi.nonfirst_frag, 0);
	ck_assert_uint_eq(pi.octets, 128);

	/* DF only */
	set16(&k, ip + 6, 0x4000);
	ck_assert_int_eq(parse_eth(&k, &pi), PARSE_IP);
	ck_assert_uint_eq(pi.sport, 4444);
	ck_assert_uint_eq(pi.nonfirst_frag, 0);

	/* RFC 1858: a first fragment too short for the ports is refused */
	k.n = 0;
	eth(&k, 0x0800);
	ip = ip4_begin(&k, 6, 5, 0x2000);
	pfill(&k, 0x11, 8);
	ip4_end(&k, ip);
	ck_assert_int_eq(parse_eth(&k, &pi), PARSE_ERR_TRUNCATED);
}
END_TEST

/* ---------------------------------------------------------------------- */
/* IPv6 and its extension headers                                         */

START_TEST(ipv6_udp)
{
	struct pkt k = { .n = 0 };
	struct pkt_info pi;

	eth(&k, 0x86dd);
	ip6_udp(&k);
	ck_assert_int_eq(parse_eth(&k, &pi), PARSE_IP);
	assert_v6_udp(&pi, 60);
	ck_assert_uint_eq(pi.nonfirst_frag, 0);
}
END_TEST

START_TEST(ipv6_icmpv6)
{
	struct pkt k = { .n = 0 };
	struct pkt_info pi;
	size_t ip;

	eth(&k, 0x86dd);
	ip = ip6_begin(&k, 58);
	icmp(&k, 128, 0); /* echo request */
	ip6_end(&k, ip);
	ck_assert_int_eq(parse_eth(&k, &pi), PARSE_IP);
	ck_assert_uint_eq(pi.proto, 58);
	ck_assert_uint_eq(pi.sport, 0);
	ck_assert_uint_eq(pi.dport, 128 * 256);
	ck_assert_uint_eq(pi.octets, 48);
}
END_TEST

START_TEST(ipv6_ext_chain)
{
	struct pkt k = { .n = 0 };
	struct pkt_info pi;
	size_t ip;

	eth(&k, 0x86dd);
	ip = ip6_begin(&k, 0); /* hop-by-hop */
	ext6(&k, 43, 8);       /* -> routing */
	ext6(&k, 60, 24);      /* -> destination options */
	ext6(&k, 51, 16);      /* -> AH */
	/* AH: next header, payload len in 4-octet units minus 2, ... */
	p8(&k, 6);
	p8(&k, 4); /* (4 + 2) * 4 = 24 octets */
	pfill(&k, 0, 22);
	tcp(&k, 1234, 80, 0x18);
	ip6_end(&k, ip);
	ck_assert_int_eq(parse_eth(&k, &pi), PARSE_IP);
	ck_assert_uint_eq(pi.ipver, 6);
	ck_assert_uint_eq(pi.proto, 6);
	ck_assert_uint_eq(pi.sport, 1234);
	ck_assert_uint_eq(pi.dport, 80);
	ck_assert_uint_eq(pi.tcp_flags, 0x18);
	ck_assert_uint_eq(pi.octets, 40 + 8 + 24 + 16 + 24 + 20);
	ck_assert_uint_eq(pi.nonfirst_frag, 0);
}
END_TEST

START_TEST(ipv6_fragment_first)
{
	struct pkt k = { .n = 0 };
	struct pkt_info pi;
	size_t ip;

	eth(&k, 0x86dd);
	ip = ip6_begin(&k, 44);
	p8(&k, 17); /* next header */
	p8(&k, 0);
	p16(&k, 0x0001);     /* offset 0, M set */
	p32(&k, 0xabcdef01); /* identification */
	udp(&k, 5353, 53, 12);
	ip6_end(&k, ip);
	ck_assert_int_eq(parse_eth(&k, &pi), PARSE_IP);
	ck_assert_uint_eq(pi.proto, 17);
	ck_assert_uint_eq(pi.sport, 5353);
	ck_assert_uint_eq(pi.dport, 53);
	ck_assert_uint_eq(pi.nonfirst_frag, 0);
	ck_assert_uint_eq(pi.octets, 40 + 8 + 20);
}
END_TEST

START_TEST(ipv6_fragment_nonfirst)
{
	struct pkt k = { .n = 0 };
	struct pkt_info pi;
	size_t ip;

	eth(&k, 0x86dd);
	ip = ip6_begin(&k, 0);
	ext6(&k, 44, 8); /* hop-by-hop, then the fragment header */
	p8(&k, 6);
	p8(&k, 0);
	p16(&k, 0x0b90); /* offset 369 * 8, M clear */
	p32(&k, 0xabcdef01);
	tcp(&k, 1111, 2222, 0x01); /* payload that looks like TCP */
	ip6_end(&k, ip);
	ck_assert_int_eq(parse_eth(&k, &pi), PARSE_IP);
	ck_assert_uint_eq(pi.proto, 6);
	ck_assert_uint_eq(pi.sport, 0);
	ck_assert_uint_eq(pi.dport, 0);
	ck_assert_uint_eq(pi.tcp_flags, 0);
	ck_assert_uint_eq(pi.nonfirst_frag, 1);
	ck_assert_uint_eq(pi.octets, 40 + 8 + 8 + 20);
}
END_TEST

START_TEST(ipv6_ext_past_payload)
{
	struct pkt k = { .n = 0 };
	struct pkt_info pi;
	size_t ip;

	/* a 24-octet destination options header in a 16-octet payload;
	 * the capture goes on (padding), the payload does not */
	eth(&k, 0x86dd);
	ip = ip6_begin(&k, 60);
	p8(&k, 59);
	p8(&k, 2);
	pfill(&k, 0, 14);
	ip6_end(&k, ip);
	pfill(&k, 0, 16);
	ck_assert_int_eq(parse_eth(&k, &pi), PARSE_ERR_IPV6_EXT);

	/* the header length runs past the captured end */
	k.n = 0;
	eth(&k, 0x86dd);
	ip = ip6_begin(&k, 0);
	p8(&k, 6);
	p8(&k, 200);
	pfill(&k, 0, 6);
	ip6_end(&k, ip);
	ck_assert_int_eq(parse_eth(&k, &pi), PARSE_ERR_IPV6_EXT);

	/* an extension header that does not even have its first 8 octets */
	k.n = 0;
	eth(&k, 0x86dd);
	ip = ip6_begin(&k, 43);
	p8(&k, 6);
	p8(&k, 0);
	pfill(&k, 0, 3);
	ip6_end(&k, ip);
	ck_assert_int_eq(parse_eth(&k, &pi), PARSE_ERR_IPV6_EXT);

	/* an AH whose length leaves the payload */
	k.n = 0;
	eth(&k, 0x86dd);
	ip = ip6_begin(&k, 51);
	p8(&k, 6);
	p8(&k, 10); /* 48 octets */
	pfill(&k, 0, 22);
	ip6_end(&k, ip);
	ck_assert_int_eq(parse_eth(&k, &pi), PARSE_ERR_IPV6_EXT);
}
END_TEST

/* n destination-options headers, then TCP. */
static void ext_stack(struct pkt *k, int n)
{
	size_t ip;
	int i;

	k->n = 0;
	eth(k, 0x86dd);
	ip = ip6_begin(k, 60);
	for (i = 0; i < n; i++)
		ext6(k, i + 1 < n ? 60 : 6, 8);
	tcp(k, 1234, 80, 0);
	ip6_end(k, ip);
}

START_TEST(ipv6_ext_limit)
{
	struct pkt k;
	struct pkt_info pi;
	int n;

	/* up to PARSE_MAX_EXTHDR headers are walked to the upper layer
	 * (README: "at most six"; parse.h: RFC 8200 §4.1's order has six) */
	for (n = 1; n <= PARSE_MAX_EXTHDR; n++) {
		ext_stack(&k, n);
		ck_assert_msg(parse_eth(&k, &pi) == PARSE_IP,
			      "%d extension headers refused", n);
		ck_assert_uint_eq(pi.proto, 6);
		ck_assert_uint_eq(pi.sport, 1234);
		ck_assert_uint_eq(pi.octets, 40 + 8 * (uint32_t)n + 20);
	}
	/* one more is hostile, and so is a chain of nine */
	ext_stack(&k, PARSE_MAX_EXTHDR + 1);
	ck_assert_int_eq(parse_eth(&k, &pi), PARSE_ERR_IPV6_EXT);
	ext_stack(&k, 9);
	ck_assert_int_eq(parse_eth(&k, &pi), PARSE_ERR_IPV6_EXT);
}
END_TEST

/* RFC 8200 §4.1's recommended order, every header once: six of them. */
START_TEST(ipv6_rfc8200_order)
{
	struct pkt k = { .n = 0 };
	struct pkt_info pi;
	size_t ip;

	eth(&k, 0x86dd);
	ip = ip6_begin(&k, 0); /* hop-by-hop */
	ext6(&k, 60, 8);       /* -> destination options */
	ext6(&k, 43, 8);       /* -> routing */
	ext6(&k, 44, 24);      /* -> fragment */
	p8(&k, 51);	       /* fragment -> AH, offset 0, M */
	p8(&k, 0);
	p16(&k, 0x0001);
	p32(&k, 77);
	p8(&k, 60); /* AH -> destination options */
	p8(&k, 1);  /* (1 + 2) * 4 = 12 octets */
	pfill(&k, 0, 10);
	ext6(&k, 17, 8); /* destination options -> UDP */
	udp(&k, 5353, 53, 4);
	ip6_end(&k, ip);
	ck_assert_int_eq(parse_eth(&k, &pi), PARSE_IP);
	ck_assert_uint_eq(pi.proto, 17);
	ck_assert_uint_eq(pi.sport, 5353);
	ck_assert_uint_eq(pi.dport, 53);
}
END_TEST

/* hop-by-hop header whose first option is Jumbo Payload (RFC 2675) */
static void hbh_jumbo(struct pkt *k, uint8_t nh, uint8_t type, uint32_t len)
{
	p8(k, nh);
	p8(k, 0); /* 8 octets */
	p8(k, type);
	p8(k, 4);
	p32(k, len);
}

START_TEST(ipv6_jumbogram)
{
	struct pkt k = { .n = 0 };
	struct pkt_info pi;

	/* payload length 0: the length is the option's, 8 + 8 + 70000 */
	eth(&k, 0x86dd);
	ip6_begin(&k, 0);
	hbh_jumbo(&k, 17, 0xc2, 70016);
	udp(&k, 7, 9, 0);
	ck_assert_int_eq(parse_dlt(1, k.b, k.n, 70000, &pi), PARSE_IP);
	ck_assert_uint_eq(pi.proto, 17);
	ck_assert_uint_eq(pi.sport, 7);
	ck_assert_uint_eq(pi.octets, 40 + 70016);
}
END_TEST

/*
 * Regression (tcpdump corpus ipv6_jumbogram_invalid_length.pcap and
 * friends): a jumbogram whose option claims more than the wire carried,
 * has no Jumbo Payload option, or a length that did not need one, is
 * malformed, not a flow sized by the wire.
 */
START_TEST(ipv6_jumbogram_invalid)
{
	static const struct {
		uint8_t type;
		uint32_t len;
	} bad[] = {
		{ 0xc2, 70017 }, /* one octet more than the wire */
		{ 0xc2, 65535 }, /* fits a normal payload length */
		{ 0x01, 70016 }, /* PadN, no jumbo option */
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct pkt k = { .n = 0 };
		struct pkt_info pi;

		eth(&k, 0x86dd);
		ip6_begin(&k, 0);
		hbh_jumbo(&k, 17, bad[i].type, bad[i].len);
		udp(&k, 7, 9, 0);
		ck_assert_int_eq(parse_dlt(1, k.b, k.n, 70000, &pi),
				 PARSE_ERR_TOTAL_LENGTH);
	}
}
END_TEST

/* ---------------------------------------------------------------------- */
/* Malformed packets                                                      */

START_TEST(malformed_truncated_ether)
{
	struct pkt k = { .n = 0 };
	struct pkt_info pi;

	eth(&k, 0x0800);
	k.n = 13;
	ck_assert_int_eq(parse_eth(&k, &pi), PARSE_ERR_TRUNCATED);
	k.n = 0;
	ck_assert_int_eq(parse_eth(&k, &pi), PARSE_ERR_TRUNCATED);
	/* the Ethernet header alone: truncated IP */
	k.n = 14;
	ck_assert_int_eq(parse_eth(&k, &pi), PARSE_ERR_TRUNCATED);
}
END_TEST

START_TEST(malformed_truncated_ipv4)
{
	struct pkt k = { .n = 0 };
	struct pkt_info pi;

	eth(&k, 0x0800);
	ip4_tcp(&k, 0);
	k.n = 14 + 19;
	ck_assert_int_eq(parse_eth(&k, &pi), PARSE_ERR_TRUNCATED);
	/* even when the wire had the rest: the header was not captured */
	ck_assert_int_eq(parse_dlt(1, k.b, k.n, 31, &pi), PARSE_ERR_TRUNCATED);
}
END_TEST

START_TEST(malformed_ihl)
{
	unsigned ihl;

	for (ihl = 0; ihl < 5; ihl++) {
		struct pkt k = { .n = 0 };
		struct pkt_info pi;

		eth(&k, 0x0800);
		ip4_tcp(&k, 0);
		k.b[14] = (uint8_t)(0x40 | ihl);
		ck_assert_int_eq(parse_eth(&k, &pi), PARSE_ERR_IHL);
	}
}
END_TEST

START_TEST(malformed_total_length)
{
	struct pkt k = { .n = 0 };
	struct pkt_info pi;
	size_t ip;

	eth(&k, 0x0800);
	ip = ip4_begin(&k, 6, 6, 0);
	tcp(&k, 1234, 80, 0);
	ip4_end(&k, ip);
	/* below the header length (24) */
	set16(&k, ip + 2, 23);
	ck_assert_int_eq(parse_eth(&k, &pi), PARSE_ERR_TOTAL_LENGTH);
	set16(&k, ip + 2, 0);
	ck_assert_int_eq(parse_eth(&k, &pi), PARSE_ERR_TOTAL_LENGTH);
	/* exactly the header: a valid packet, but no room for TCP */
	set16(&k, ip + 2, 24);
	ck_assert_int_eq(parse_eth(&k, &pi), PARSE_ERR_TRUNCATED);
	/* beyond the frame, nothing more on the wire */
	set16(&k, ip + 2, 45);
	ck_assert_int_eq(parse_eth(&k, &pi), PARSE_ERR_TOTAL_LENGTH);
	set16(&k, ip + 2, 0xffff);
	ck_assert_int_eq(parse_eth(&k, &pi), PARSE_ERR_TOTAL_LENGTH);
	/* beyond the frame and beyond what the wire carried */
	set16(&k, ip + 2, 100);
	ck_assert_int_eq(parse_dlt(1, k.b, k.n, 55, &pi),
			 PARSE_ERR_TOTAL_LENGTH);
	ck_assert_int_eq(parse_dlt(1, k.b, k.n, 56, &pi), PARSE_IP);
	ck_assert_uint_eq(pi.octets, 100);

	/* IPv6: payload length beyond the frame */
	k.n = 0;
	eth(&k, 0x86dd);
	ip = ip6_begin(&k, 17);
	udp(&k, 1, 2, 4);
	set16(&k, ip + 4, 13);
	ck_assert_int_eq(parse_eth(&k, &pi), PARSE_ERR_TOTAL_LENGTH);
}
END_TEST

START_TEST(malformed_version)
{
	struct pkt k = { .n = 0 };
	struct pkt_info pi;

	/* ethertype IPv4, version 6 */
	eth(&k, 0x0800);
	ip6_udp(&k);
	ck_assert_int_eq(parse_eth(&k, &pi), PARSE_ERR_VERSION);
	/* ethertype IPv6, version 4 (and long enough for an IPv6 header) */
	k.n = 0;
	eth(&k, 0x86dd);
	ip4_tcp(&k, 0);
	ck_assert_int_eq(parse_eth(&k, &pi), PARSE_ERR_VERSION);
	/* version 5 on IPv4 */
	k.n = 0;
	eth(&k, 0x0800);
	ip4_tcp(&k, 0);
	k.b[14] = 0x55;
	ck_assert_int_eq(parse_eth(&k, &pi), PARSE_ERR_VERSION);
}
END_TEST

START_TEST(malformed_truncated_l4)
{
	struct pkt k = { .n = 0 };
	struct pkt_info pi;
	size_t ip;

	/* IPv4 total length says 30: 10 octets of a 20-octet TCP header */
	eth(&k, 0x0800);
	ip = ip4_begin(&k, 6, 5, 0);
	pfill(&k, 0x01, 10);
	ip4_end(&k, ip);
	ck_assert_int_eq(parse_eth(&k, &pi), PARSE_ERR_TRUNCATED);
	/* the same, with padding after it: still short by the IP length */
	pfill(&k, 0, 20);
	ck_assert_int_eq(parse_eth(&k, &pi), PARSE_ERR_TRUNCATED);

	/* UDP 7 octets, ICMP 3 octets */
	k.n = 0;
	eth(&k, 0x0800);
	ip = ip4_begin(&k, 17, 5, 0);
	pfill(&k, 0x01, 7);
	ip4_end(&k, ip);
	ck_assert_int_eq(parse_eth(&k, &pi), PARSE_ERR_TRUNCATED);
	k.n = 0;
	eth(&k, 0x0800);
	ip = ip4_begin(&k, 1, 5, 0);
	pfill(&k, 0x08, 3);
	ip4_end(&k, ip);
	ck_assert_int_eq(parse_eth(&k, &pi), PARSE_ERR_TRUNCATED);

	/* IPv6 TCP cut short */
	k.n = 0;
	eth(&k, 0x86dd);
	ip = ip6_begin(&k, 6);
	pfill(&k, 0x01, 19);
	ip6_end(&k, ip);
	ck_assert_int_eq(parse_eth(&k, &pi), PARSE_ERR_TRUNCATED);
}
END_TEST

START_TEST(snaplen_truncation)
{
	struct pkt k = { .n = 0 };
	struct pkt_info pi;
	size_t ip;

	/* a 1514-octet frame captured with snap length 54 */
	eth(&k, 0x0800);
	ip = ip4_begin(&k, 6, 5, 0);
	tcp(&k, 1234, 80, 0x10);
	pfill(&k, 0x77, 1460);
	ip4_end(&k, ip);
	ck_assert_uint_eq(k.n, 1514);
	ck_assert_int_eq(parse_dlt(1, k.b, 54, 1460, &pi), PARSE_IP);
	assert_v4_tcp(&pi, 1500);
	ck_assert_uint_eq(pi.tcp_flags, 0x10);
	/* without the wire length the same capture is malformed */
	ck_assert_int_eq(parse_dlt(1, k.b, 54, 0, &pi), PARSE_ERR_TOTAL_LENGTH);
	/* L4 header not captured: truncated, not accounted */
	ck_assert_int_eq(parse_dlt(1, k.b, 44, 1470, &pi), PARSE_ERR_TRUNCATED);
	/* wire_extra short of the total length */
	ck_assert_int_eq(parse_dlt(1, k.b, 54, 1459, &pi),
			 PARSE_ERR_TOTAL_LENGTH);

	/* IPv6, 96-octet snap length */
	k.n = 0;
	eth(&k, 0x86dd);
	ip = ip6_begin(&k, 17);
	udp(&k, 5353, 53, 1000);
	ip6_end(&k, ip);
	ck_assert_int_eq(parse_dlt(1, k.b, 96, (uint32_t)k.n - 96, &pi),
			 PARSE_IP);
	assert_v6_udp(&pi, 1048);
	ck_assert_int_eq(parse_dlt(1, k.b, 96, 0, &pi), PARSE_ERR_TOTAL_LENGTH);
	ck_assert_int_eq(parse_dlt(1, k.b, 60, (uint32_t)k.n - 60, &pi),
			 PARSE_ERR_TRUNCATED);
}
END_TEST

/* ---------------------------------------------------------------------- */
/* PPPoE and non-IP                                                       */

static void pppoe_session(struct pkt *k, uint16_t ppp_proto, int v6)
{
	size_t hdr, ip;

	eth(k, 0x8864);
	hdr = k->n;
	p8(k, 0x11);	/* version 1, type 1 */
	p8(k, 0x00);	/* session data */
	p16(k, 0x1234); /* session id */
	p16(k, 0);	/* length, patched */
	p16(k, ppp_proto);
	if (v6) {
		ip6_udp(k);
	} else {
		ip = ip4_begin(k, 6, 5, 0);
		tcp(k, 1234, 80, 0);
		ip4_end(k, ip);
	}
	set16(k, hdr + 4, (uint16_t)(k->n - hdr - 6));
}

START_TEST(pppoe)
{
	struct pkt k = { .n = 0 };
	struct pkt_info pi;

	pppoe_session(&k, 0x0021, 0);
	ck_assert_int_eq(parse_eth(&k, &pi), PARSE_IP);
	assert_v4_tcp(&pi, 40);
	k.n = 0;
	pppoe_session(&k, 0x0057, 1);
	ck_assert_int_eq(parse_eth(&k, &pi), PARSE_IP);
	assert_v6_udp(&pi, 60);
	/* padded to 60 octets: the IP length still decides */
	k.n = 0;
	pppoe_session(&k, 0x0021, 0);
	pfill(&k, 0, 20);
	ck_assert_int_eq(parse_eth(&k, &pi), PARSE_IP);
	assert_v4_tcp(&pi, 40);
	/* LCP is not IP */
	k.n = 0;
	pppoe_session(&k, 0xc021, 0);
	ck_assert_int_eq(parse_eth(&k, &pi), PARSE_NOT_IP);
	/* session header cut short */
	k.n = 14 + 7;
	ck_assert_int_eq(parse_eth(&k, &pi), PARSE_ERR_TRUNCATED);
}
END_TEST

START_TEST(arp_not_ip)
{
	struct pkt k = { .n = 0 };
	struct pkt_info pi;

	eth(&k, 0x0806);
	p16(&k, 1); /* Ethernet */
	p16(&k, 0x0800);
	p8(&k, 6);
	p8(&k, 4);
	p16(&k, 1); /* request */
	pbytes(&k, SMAC, 6);
	pbytes(&k, SRC4, 4);
	pfill(&k, 0, 6);
	pbytes(&k, DST4, 4);
	pfill(&k, 0, 60 - k.n);
	ck_assert_int_eq(parse_eth(&k, &pi), PARSE_NOT_IP);
	/* an 802.3 length frame (LLC), LLDP behind a VLAN tag */
	k.n = 0;
	eth(&k, 0x0026);
	pfill(&k, 0x42, 46);
	ck_assert_int_eq(parse_eth(&k, &pi), PARSE_NOT_IP);
	k.n = 0;
	eth(&k, 0x8100);
	vlan_tag(&k, 5, 0x88cc);
	pfill(&k, 0, 42);
	ck_assert_int_eq(parse_eth(&k, &pi), PARSE_NOT_IP);
	ck_assert_uint_eq(pi.ethertype, 0x88cc);
}
END_TEST

/* ---------------------------------------------------------------------- */
/* Link types                                                             */

START_TEST(link_sll)
{
	struct pkt k = { .n = 0 };
	struct pkt_info pi;

	p16(&k, 0); /* packet type: to us */
	p16(&k, 1); /* ARPHRD_ETHER */
	p16(&k, 6);
	pbytes(&k, SMAC, 6);
	p16(&k, 0);
	p16(&k, 0x0800);
	ip4_tcp(&k, 0);
	ck_assert_int_eq(parse_dlt(113, k.b, k.n, 0, &pi), PARSE_IP);
	assert_v4_tcp(&pi, 50);

	k.n = 14;
	p16(&k, 0x86dd);
	ip6_udp(&k);
	ck_assert_int_eq(parse_dlt(113, k.b, k.n, 0, &pi), PARSE_IP);
	assert_v6_udp(&pi, 60);

	k.n = 14;
	p16(&k, 0x8100);
	vlan_tag(&k, 77, 0x0800);
	ip4_tcp(&k, 0);
	ck_assert_int_eq(parse_dlt(113, k.b, k.n, 0, &pi), PARSE_IP);
	ck_assert_uint_eq(pi.vlan[0], 77);

	ck_assert_int_eq(parse_dlt(113, k.b, 15, 0, &pi), PARSE_ERR_TRUNCATED);
}
END_TEST

START_TEST(link_sll2)
{
	struct pkt k = { .n = 0 };
	struct pkt_info pi;

	p16(&k, 0x86dd); /* protocol */
	p16(&k, 0);	 /* reserved */
	p32(&k, 3);	 /* interface index */
	p16(&k, 1);	 /* ARPHRD_ETHER */
	p8(&k, 4);	 /* outgoing */
	p8(&k, 6);
	pbytes(&k, SMAC, 6);
	p16(&k, 0);
	ck_assert_uint_eq(k.n, 20);
	ip6_udp(&k);
	ck_assert_int_eq(parse_dlt(276, k.b, k.n, 0, &pi), PARSE_IP);
	assert_v6_udp(&pi, 60);

	k.b[0] = 0x08;
	k.b[1] = 0x00;
	k.n = 20;
	ip4_tcp(&k, 0);
	ck_assert_int_eq(parse_dlt(276, k.b, k.n, 0, &pi), PARSE_IP);
	assert_v4_tcp(&pi, 50);

	k.b[0] = 0x08;
	k.b[1] = 0x06;
	ck_assert_int_eq(parse_dlt(276, k.b, k.n, 0, &pi), PARSE_NOT_IP);
	ck_assert_int_eq(parse_dlt(276, k.b, 19, 0, &pi), PARSE_ERR_TRUNCATED);
}
END_TEST

START_TEST(link_raw)
{
	static const int dlts[] = { 101, 12 };
	size_t i;

	for (i = 0; i < 2; i++) {
		struct pkt k = { .n = 0 };
		struct pkt_info pi;

		ip4_tcp(&k, 0);
		ck_assert_int_eq(parse_dlt(dlts[i], k.b, k.n, 0, &pi),
				 PARSE_IP);
		assert_v4_tcp(&pi, 50);
		k.n = 0;
		ip6_udp(&k);
		ck_assert_int_eq(parse_dlt(dlts[i], k.b, k.n, 0, &pi),
				 PARSE_IP);
		assert_v6_udp(&pi, 60);
		k.b[0] = 0x50;
		ck_assert_int_eq(parse_dlt(dlts[i], k.b, k.n, 0, &pi),
				 PARSE_ERR_VERSION);
		ck_assert_int_eq(parse_dlt(dlts[i], k.b, 0, 0, &pi),
				 PARSE_ERR_TRUNCATED);
	}
}
END_TEST

START_TEST(link_ipv4_ipv6)
{
	struct pkt k = { .n = 0 };
	struct pkt_info pi;

	ip4_tcp(&k, 0);
	ck_assert_int_eq(parse_dlt(228, k.b, k.n, 0, &pi), PARSE_IP);
	assert_v4_tcp(&pi, 50);
	ck_assert_int_eq(parse_dlt(229, k.b, k.n, 0, &pi), PARSE_ERR_VERSION);
	k.n = 0;
	ip6_udp(&k);
	ck_assert_int_eq(parse_dlt(229, k.b, k.n, 0, &pi), PARSE_IP);
	assert_v6_udp(&pi, 60);
	ck_assert_int_eq(parse_dlt(228, k.b, k.n, 0, &pi), PARSE_ERR_VERSION);
}
END_TEST

/* A 4-octet address family in little- or big-endian order, then IP. */
static void af_frame(struct pkt *k, uint32_t af, int big_endian, int v6)
{
	k->n = 0;
	if (big_endian) {
		p32(k, af);
	} else {
		p8(k, (uint8_t)af);
		p8(k, (uint8_t)(af >> 8));
		p8(k, (uint8_t)(af >> 16));
		p8(k, (uint8_t)(af >> 24));
	}
	if (v6)
		ip6_udp(k);
	else
		ip4_tcp(k, 0);
}

START_TEST(link_null)
{
	static const uint32_t v6af[] = { 24, 28, 30 };
	struct pkt k;
	struct pkt_info pi;
	int be;
	size_t i;

	for (be = 0; be < 2; be++) {
		af_frame(&k, 2, be, 0);
		ck_assert_int_eq(parse_dlt(0, k.b, k.n, 0, &pi), PARSE_IP);
		assert_v4_tcp(&pi, 50);
		for (i = 0; i < 3; i++) {
			af_frame(&k, v6af[i], be, 1);
			ck_assert_int_eq(parse_dlt(0, k.b, k.n, 0, &pi),
					 PARSE_IP);
			assert_v6_udp(&pi, 60);
		}
		/* AF_APPLETALK or whatever: not IP */
		af_frame(&k, 16, be, 0);
		ck_assert_int_eq(parse_dlt(0, k.b, k.n, 0, &pi), PARSE_NOT_IP);
	}
	ck_assert_int_eq(parse_dlt(0, k.b, 3, 0, &pi), PARSE_ERR_TRUNCATED);
}
END_TEST

START_TEST(link_loop)
{
	struct pkt k;
	struct pkt_info pi;

	af_frame(&k, 2, 1, 0);
	ck_assert_int_eq(parse_dlt(108, k.b, k.n, 0, &pi), PARSE_IP);
	assert_v4_tcp(&pi, 50);
	af_frame(&k, 24, 1, 1);
	ck_assert_int_eq(parse_dlt(108, k.b, k.n, 0, &pi), PARSE_IP);
	assert_v6_udp(&pi, 60);
	/* LOOP is network order only: 02 00 00 00 is not AF_INET */
	af_frame(&k, 2, 0, 0);
	ck_assert_int_eq(parse_dlt(108, k.b, k.n, 0, &pi), PARSE_NOT_IP);
	ck_assert_int_eq(parse_dlt(108, k.b, 2, 0, &pi), PARSE_ERR_TRUNCATED);
}
END_TEST

START_TEST(link_ppp)
{
	struct pkt k;
	struct pkt_info pi;

	/* ff 03 00 21 */
	k.n = 0;
	p16(&k, 0xff03);
	p16(&k, 0x0021);
	ip4_tcp(&k, 0);
	ck_assert_int_eq(parse_dlt(9, k.b, k.n, 0, &pi), PARSE_IP);
	assert_v4_tcp(&pi, 50);
	/* address and control omitted (ACFC) */
	k.n = 0;
	p16(&k, 0x0021);
	ip4_tcp(&k, 0);
	ck_assert_int_eq(parse_dlt(9, k.b, k.n, 0, &pi), PARSE_IP);
	assert_v4_tcp(&pi, 50);
	/* protocol field compressed to one octet (PFC) */
	k.n = 0;
	p8(&k, 0x21);
	ip4_tcp(&k, 0);
	ck_assert_int_eq(parse_dlt(9, k.b, k.n, 0, &pi), PARSE_IP);
	assert_v4_tcp(&pi, 50);
	k.n = 0;
	p16(&k, 0xff03);
	p8(&k, 0x57);
	ip6_udp(&k);
	ck_assert_int_eq(parse_dlt(9, k.b, k.n, 0, &pi), PARSE_IP);
	assert_v6_udp(&pi, 60);
	k.n = 0;
	p16(&k, 0xff03);
	p16(&k, 0x0057);
	ip6_udp(&k);
	ck_assert_int_eq(parse_dlt(9, k.b, k.n, 0, &pi), PARSE_IP);
	assert_v6_udp(&pi, 60);
	/* PPP_SERIAL uses the same framing */
	ck_assert_int_eq(parse_dlt(50, k.b, k.n, 0, &pi), PARSE_IP);
	/* LCP */
	k.n = 0;
	p16(&k, 0xff03);
	p16(&k, 0xc021);
	pfill(&k, 0, 8);
	ck_assert_int_eq(parse_dlt(9, k.b, k.n, 0, &pi), PARSE_NOT_IP);
	/* short */
	ck_assert_int_eq(parse_dlt(9, k.b, 1, 0, &pi), PARSE_ERR_TRUNCATED);
	ck_assert_int_eq(parse_dlt(9, k.b, 3, 0, &pi), PARSE_ERR_TRUNCATED);
}
END_TEST

START_TEST(link_lookup_table)
{
	static const int known[] = { 0,	  1,   9,   12,	 50,  51, 101,
				     104, 108, 113, 228, 229, 276 };
	static const int unknown[] = { -1, 2, 105, 127, 192, 197, 65535 };
	size_t i;

	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		const struct linktype *lt = link_lookup(known[i]);

		ck_assert_ptr_nonnull(lt);
		ck_assert_int_eq(lt->dlt, known[i]);
		ck_assert_ptr_nonnull(lt->parse);
		ck_assert_ptr_nonnull(lt->name);
	}
	for (i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++)
		ck_assert_ptr_null(link_lookup(unknown[i]));
}
END_TEST

START_TEST(link_chdlc_ppp_ether)
{
	struct pkt k = { .n = 0 };
	struct pkt_info pi;

	p8(&k, 0x0f); /* unicast */
	p8(&k, 0);
	p16(&k, 0x0800);
	ip4_tcp(&k, 0);
	ck_assert_int_eq(parse_dlt(104, k.b, k.n, 0, &pi), PARSE_IP);
	assert_v4_tcp(&pi, 50);

	k.n = 0;
	p16(&k, 0x1100);
	p16(&k, 0x0001);
	p16(&k, 42);
	p16(&k, 0x0021);
	ip4_tcp(&k, 0);
	ck_assert_int_eq(parse_dlt(51, k.b, k.n, 0, &pi), PARSE_IP);
	assert_v4_tcp(&pi, 50);
}
END_TEST

/* ---------------------------------------------------------------------- */
/* Tunnels: the inner packet is the flow when the cursor opens the pair   */

static int parse_eth_decap(const struct pkt *k, uint32_t decap,
			   struct pkt_info *pi)
{
	struct parse_cursor c = { .pos = k->b,
				  .end = k->b + k->n,
				  .decap = decap };

	memset(pi, 0, sizeof(*pi));
	return parse_inner(&c, pi, parse_ether(&c, pi));
}

static void assert_tun4(const struct pkt_info *pi, uint8_t kind)
{
	ck_assert_uint_eq(pi->tun_ver, 4);
	ck_assert_uint_eq(pi->tun_kind, kind);
	ck_assert_mem_eq(pi->tun_src, SRC4, 4);
	ck_assert_mem_eq(pi->tun_dst, DST4, 4);
}

START_TEST(tunnel_gre_key_seq)
{
	static const uint16_t flags[] = { 0, 0x2000, 0x1000, 0xb000 };
	struct pkt k;
	struct pkt_info pi;
	unsigned i;

	for (i = 0; i < 4; i++) {
		gre_frame(&k, flags[i], 0x4000);
		ck_assert_int_eq(parse_eth_decap(&k, PARSE_DECAP_ALL, &pi),
				 PARSE_IP);
		assert_v4_tcp(&pi, 50);
		assert_tun4(&pi, TUN_GRE);
		ck_assert_uint_eq(pi.tcp_flags, 0x18);
	}
}
END_TEST

START_TEST(tunnel_not_opened)
{
	struct pkt k;
	struct pkt_info pi;

	gre_frame(&k, 0x2000, 0);
	/* no template for IPv4 in IPv4: the outer packet is the flow */
	ck_assert_int_eq(
		parse_eth_decap(
			&k, PARSE_DECAP_BIT(4, 6) | PARSE_DECAP_BIT(6, 4), &pi),
		PARSE_IP);
	ck_assert_uint_eq(pi.tun_ver, 0);
	ck_assert_uint_eq(pi.proto, 47);
	ck_assert_uint_eq(pi.octets, 20 + 8 + 50);
	ck_assert_int_eq(parse_eth_decap(&k, 0, &pi), PARSE_IP);
	ck_assert_uint_eq(pi.proto, 47);
	/* an outer first fragment is never opened */
	gre_frame(&k, 0, 0x2000);
	ck_assert_int_eq(parse_eth_decap(&k, PARSE_DECAP_ALL, &pi), PARSE_IP);
	ck_assert_uint_eq(pi.proto, 47);
	ck_assert_uint_eq(pi.tun_ver, 0);
}
END_TEST

START_TEST(tunnel_inner_longer_than_outer)
{
	struct pkt k;
	struct pkt_info pi;
	size_t o = outer4(&k, 4, 0), in;

	in = k.n;
	ip4_tcp(&k, 0x10);
	ip4_end(&k, o);
	set16(&k, in + 2, 200); /* inner claims more than the outer holds */
	pfill(&k, 0, 200);	/* ... though the frame has it (padding) */
	ck_assert_int_eq(parse_eth_decap(&k, PARSE_DECAP_ALL, &pi),
			 PARSE_ERR_TOTAL_LENGTH);
}
END_TEST

/* L2TPv2 over UDP 1701: flags, then PPP with or without ff03, PFC */
static void l2tp_frame(struct pkt *k, uint16_t flags, int acfc, int pfc)
{
	size_t o = outer4(k, 17, 0), u;

	u = k->n;
	p16(k, 1701);
	p16(k, 1701);
	p16(k, 0);
	p16(k, 0);
	p16(k, flags | 2);
	if (flags & 0x4000)
		p16(k, 0); /* length */
	p16(k, 9);	   /* tunnel */
	p16(k, 3);	   /* session */
	if (flags & 0x0800)
		p32(k, 0);
	if (flags & 0x0200) {
		p16(k, 3);
		pfill(k, 0xee, 3);
	}
	if (acfc) {
		p8(k, 0xff);
		p8(k, 0x03);
	}
	if (pfc)
		p8(k, 0x21);
	else
		p16(k, 0x0021);
	ip4_tcp(k, 0x10);
	set16(k, u + 4, (uint16_t)(k->n - u));
	ip4_end(k, o);
}

START_TEST(tunnel_l2tpv2)
{
	static const uint16_t flags[] = { 0, 0x4000, 0x0800, 0x0200, 0x4a00 };
	struct pkt k;
	struct pkt_info pi;
	unsigned i;

	for (i = 0; i < 5; i++) {
		l2tp_frame(&k, flags[i], i & 1, i == 3);
		ck_assert_int_eq(parse_eth_decap(&k, PARSE_DECAP_ALL, &pi),
				 PARSE_IP);
		assert_v4_tcp(&pi, 50);
		assert_tun4(&pi, TUN_L2TPV2);
	}
	/* a control message (T) is the outer UDP flow */
	l2tp_frame(&k, 0xc800, 1, 0);
	ck_assert_int_eq(parse_eth_decap(&k, PARSE_DECAP_ALL, &pi), PARSE_IP);
	ck_assert_uint_eq(pi.tun_ver, 0);
	ck_assert_uint_eq(pi.proto, 17);
	ck_assert_uint_eq(pi.sport, 1701);
}
END_TEST

START_TEST(tunnel_vxlan_inner_frame)
{
	static const uint8_t imac[6] = { 0x02, 0, 0, 0, 0, 0x77 };
	struct pkt k;
	struct pkt_info pi;
	size_t o = outer4(&k, 17, 0);

	udp(&k, 40000, 4789, 0);
	p32(&k, 0x08000000);
	p32(&k, 0x00002a00);
	pbytes(&k, imac, 6);
	pbytes(&k, imac, 6);
	p16(&k, 0x8100);
	vlan_tag(&k, 42, 0x86dd);
	ip6_udp(&k);
	ip4_end(&k, o);
	set16(&k, 14 + 20 + 4, (uint16_t)(k.n - 14 - 20));
	ck_assert_int_eq(parse_eth_decap(&k, PARSE_DECAP_BIT(4, 6), &pi),
			 PARSE_IP);
	ck_assert_uint_eq(pi.ipver, 6);
	ck_assert_uint_eq(pi.sport, 5353);
	ck_assert_uint_eq(pi.dport, 53);
	ck_assert_uint_eq(pi.ethertype, 0x86dd);
	ck_assert_mem_eq(pi.smac, imac, 6);
	assert_tun4(&pi, TUN_VXLAN);
	/* IPv6 in IPv4 not asked for: outer */
	ck_assert_int_eq(parse_eth_decap(&k, PARSE_DECAP_BIT(4, 4), &pi),
			 PARSE_IP);
	ck_assert_uint_eq(pi.dport, 4789);
}
END_TEST

START_TEST(tunnel_geneve_options)
{
	struct pkt k;
	struct pkt_info pi;
	size_t o = outer4(&k, 17, 0);

	p16(&k, 50000);
	p16(&k, 6081);
	p16(&k, 0);
	p16(&k, 0);
	p8(&k, 0x02); /* version 0, 2 words of options */
	p8(&k, 0);
	p16(&k, 0x86dd);
	p32(&k, 0x00000100);
	pfill(&k, 0x33, 8);
	ip6_udp(&k);
	ip4_end(&k, o);
	ck_assert_int_eq(parse_eth_decap(&k, PARSE_DECAP_ALL, &pi), PARSE_IP);
	ck_assert_uint_eq(pi.ipver, 6);
	ck_assert_uint_eq(pi.dport, 53);
	ck_assert_uint_eq(pi.octets, 40 + 8 + 12);
	assert_tun4(&pi, TUN_GENEVE);
}
END_TEST

START_TEST(tunnel_l2tpv3_ip)
{
	struct pkt k;
	struct pkt_info pi;
	size_t o = outer4(&k, 115, 0);

	p32(&k, 0x1234);
	eth(&k, 0x0800);
	ip4_tcp(&k, 0x02);
	ip4_end(&k, o);
	ck_assert_int_eq(parse_eth_decap(&k, PARSE_DECAP_ALL, &pi), PARSE_IP);
	assert_v4_tcp(&pi, 50);
	assert_tun4(&pi, TUN_L2TPV3);
	/* session 0: a control message */
	set16(&k, 34, 0);
	set16(&k, 36, 0);
	ck_assert_int_eq(parse_eth_decap(&k, PARSE_DECAP_ALL, &pi), PARSE_IP);
	ck_assert_uint_eq(pi.proto, 115);
}
END_TEST

/* fuzz_parse found it: an outer IPv6 packet of payload length 0 whose
 * next header says IPv6; the inner header lies past the outer end */
START_TEST(tunnel_inner_header_past_outer)
{
	struct pkt k;
	struct pkt_info pi;
	size_t o;

	k.n = 0;
	eth(&k, 0x86dd);
	o = ip6_begin(&k, 41);
	ip6_udp(&k);
	set16(&k, o + 4, 0); /* the outer payload length */
	ck_assert_int_eq(parse_eth_decap(&k, PARSE_DECAP_ALL, &pi),
			 PARSE_ERR_TOTAL_LENGTH);
}
END_TEST

/* fuzz_parse found it: GRE flags announcing more header than there is */
START_TEST(tunnel_header_past_end)
{
	struct pkt k;
	struct pkt_info pi;
	size_t o = outer4(&k, 47, 0);

	p16(&k, 0xb000); /* C, K and S: 16 octets of header */
	p16(&k, 0x0800);
	p32(&k, 0);
	ip4_end(&k, o);
	ck_assert_int_eq(parse_eth_decap(&k, PARSE_DECAP_ALL, &pi), PARSE_IP);
	ck_assert_uint_eq(pi.tun_ver, 0);
	ck_assert_uint_eq(pi.proto, 47);
}
END_TEST

START_TEST(tunnel_6in6_and_4in6)
{
	struct pkt k;
	struct pkt_info pi;
	size_t o;

	k.n = 0;
	eth(&k, 0x86dd);
	o = ip6_begin(&k, 4);
	ip4_tcp(&k, 0x10);
	ip6_end(&k, o);
	ck_assert_int_eq(parse_eth_decap(&k, PARSE_DECAP_BIT(6, 4), &pi),
			 PARSE_IP);
	assert_v4_tcp(&pi, 50);
	ck_assert_uint_eq(pi.tun_ver, 6);
	ck_assert_mem_eq(pi.tun_src, SRC6, 16);
	ck_assert_mem_eq(pi.tun_dst, DST6, 16);
	k.n = 0;
	eth(&k, 0x86dd);
	o = ip6_begin(&k, 41);
	ip6_udp(&k);
	ip6_end(&k, o);
	ck_assert_int_eq(parse_eth_decap(&k, PARSE_DECAP_BIT(6, 6), &pi),
			 PARSE_IP);
	ck_assert_uint_eq(pi.ipver, 6);
	ck_assert_uint_eq(pi.tun_ver, 6);
	ck_assert_uint_eq(pi.dport, 53);
}
END_TEST

static Suite *parse_suite(void)
{
	Suite *s = suite_create("parse");
	TCase *tc;

	tc = tcase_create("ethernet");
	tcase_add_test(tc, eth_ipv4_tcp);
	tcase_add_test(tc, fnf_fields);
	tcase_add_test(tc, eth_ipv4_udp);
	tcase_add_test(tc, eth_ipv4_icmp);
	tcase_add_test(tc, eth_ipv4_sctp);
	tcase_add_test(tc, eth_ipv4_other_proto);
	tcase_add_test(tc, eth_padding);
	suite_add_tcase(s, tc);

	tc = tcase_create("vlan");
	tcase_add_test(tc, vlan_8021q);
	tcase_add_test(tc, vlan_qinq_88a8);
	tcase_add_test(tc, vlan_9100_stack);
	tcase_add_test(tc, vlan_depth_limit);
	tcase_add_test(tc, vlan_truncated);
	suite_add_tcase(s, tc);

	tc = tcase_create("ipv4");
	tcase_add_loop_test(tc, ipv4_options, 6, 16);
	tcase_add_test(tc, ipv4_nonfirst_fragment);
	tcase_add_test(tc, ipv4_first_fragment);
	suite_add_tcase(s, tc);

	tc = tcase_create("ipv6");
	tcase_add_test(tc, ipv6_udp);
	tcase_add_test(tc, ipv6_icmpv6);
	tcase_add_test(tc, ipv6_ext_chain);
	tcase_add_test(tc, ipv6_fragment_first);
	tcase_add_test(tc, ipv6_fragment_nonfirst);
	tcase_add_test(tc, ipv6_ext_past_payload);
	tcase_add_test(tc, ipv6_ext_limit);
	tcase_add_test(tc, ipv6_rfc8200_order);
	tcase_add_test(tc, ipv6_jumbogram);
	tcase_add_test(tc, ipv6_jumbogram_invalid);
	suite_add_tcase(s, tc);

	tc = tcase_create("malformed");
	tcase_add_test(tc, malformed_truncated_ether);
	tcase_add_test(tc, malformed_truncated_ipv4);
	tcase_add_test(tc, malformed_ihl);
	tcase_add_test(tc, malformed_total_length);
	tcase_add_test(tc, malformed_version);
	tcase_add_test(tc, malformed_truncated_l4);
	tcase_add_test(tc, snaplen_truncation);
	suite_add_tcase(s, tc);

	tc = tcase_create("non_ip_pppoe");
	tcase_add_test(tc, pppoe);
	tcase_add_test(tc, arp_not_ip);
	suite_add_tcase(s, tc);

	tc = tcase_create("tunnels");
	tcase_add_test(tc, tunnel_gre_key_seq);
	tcase_add_test(tc, tunnel_not_opened);
	tcase_add_test(tc, tunnel_inner_longer_than_outer);
	tcase_add_test(tc, tunnel_l2tpv2);
	tcase_add_test(tc, tunnel_vxlan_inner_frame);
	tcase_add_test(tc, tunnel_geneve_options);
	tcase_add_test(tc, tunnel_l2tpv3_ip);
	tcase_add_test(tc, tunnel_6in6_and_4in6);
	tcase_add_test(tc, tunnel_inner_header_past_outer);
	tcase_add_test(tc, tunnel_header_past_end);
	suite_add_tcase(s, tc);

	tc = tcase_create("linktypes");
	tcase_add_test(tc, link_sll);
	tcase_add_test(tc, link_sll2);
	tcase_add_test(tc, link_raw);
	tcase_add_test(tc, link_ipv4_ipv6);
	tcase_add_test(tc, link_null);
	tcase_add_test(tc, link_loop);
	tcase_add_test(tc, link_ppp);
	tcase_add_test(tc, link_lookup_table);
	tcase_add_test(tc, link_chdlc_ppp_ether);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(parse_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
