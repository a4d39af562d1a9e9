/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * frame_build.h - crafted frames for the unit suites (test_parse.c,
 * test_meter.c, test_worker.c): a bounded builder that appends fields
 * octet by octet and patches lengths afterwards, Ethernet, VLAN, IPv4,
 * IPv6 with extension headers, TCP, UDP, ICMP, SCTP and GRE.
 */
#ifndef XFLOWD_TEST_FRAME_BUILD_H
#define XFLOWD_TEST_FRAME_BUILD_H

#include <check.h>
#include <stddef.h>
#include <stdint.h>

/* ---------------------------------------------------------------------- */
/* A frame builder: append fields, patch lengths afterwards.              */

struct pkt {
	uint8_t b[2048];
	size_t n;
};

static inline void p8(struct pkt *k, uint8_t v)
{
	ck_assert_uint_lt(k->n, sizeof(k->b));
	k->b[k->n++] = v;
}

static inline void p16(struct pkt *k, uint16_t v)
{
	p8(k, (uint8_t)(v >> 8));
	p8(k, (uint8_t)v);
}

static inline void p32(struct pkt *k, uint32_t v)
{
	p16(k, (uint16_t)(v >> 16));
	p16(k, (uint16_t)v);
}

static inline void pbytes(struct pkt *k, const uint8_t *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		p8(k, v[i]);
}

static inline void pfill(struct pkt *k, uint8_t v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		p8(k, v);
}

static inline void set16(struct pkt *k, size_t off, uint16_t v)
{
	k->b[off] = (uint8_t)(v >> 8);
	k->b[off + 1] = (uint8_t)v;
}

static const uint8_t DMAC[6] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55 };
static const uint8_t SMAC[6] = { 0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee };
static const uint8_t SRC4[4] = { 192, 0, 2, 1 };
static const uint8_t DST4[4] = { 198, 51, 100, 7 };
static const uint8_t SRC6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
				  0,	0,    0,    0,	  0, 0, 0, 0x01 };
static const uint8_t DST6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0xff, 0, 0,	 0,
				  0,	0,    0,    0,	  0,	0, 0x12, 0x34 };

static inline void eth(struct pkt *k, uint16_t ethertype)
{
	pbytes(k, DMAC, 6);
	pbytes(k, SMAC, 6);
	p16(k, ethertype);
}

static inline void vlan_tag(struct pkt *k, uint16_t tci, uint16_t next)
{
	p16(k, tci);
	p16(k, next);
}

/* IPv4 header with ihl 32-bit words; returns its offset for ip4_end(). */
static inline size_t ip4_begin(struct pkt *k, uint8_t proto, unsigned ihl,
			       uint16_t frag)
{
	size_t off = k->n, i;

	p8(k, (uint8_t)(0x40 | ihl));
	p8(k, 0x28);	/* TOS */
	p16(k, 0);	/* total length, patched */
	p16(k, 0x1234); /* id */
	p16(k, frag);
	p8(k, 64);
	p8(k, proto);
	p16(k, 0); /* checksum: not checked */
	pbytes(k, SRC4, 4);
	pbytes(k, DST4, 4);
	for (i = 5; i < ihl; i++)
		p32(k, 0x01010101); /* NOP options */
	return off;
}

static inline void ip4_end(struct pkt *k, size_t off)
{
	set16(k, off + 2, (uint16_t)(k->n - off));
}

static inline size_t ip6_begin(struct pkt *k, uint8_t nh)
{
	size_t off = k->n;

	p32(k, 0x6ab00000); /* version 6, traffic class 0xab */
	p16(k, 0);	    /* payload length, patched */
	p8(k, nh);
	p8(k, 64);
	pbytes(k, SRC6, 16);
	pbytes(k, DST6, 16);
	return off;
}

static inline void ip6_end(struct pkt *k, size_t off)
{
	set16(k, off + 4, (uint16_t)(k->n - off - 40));
}

/* An extension header of len octets (a multiple of 8) in RFC 8200 form. */
static inline void ext6(struct pkt *k, uint8_t nh, size_t len)
{
	p8(k, nh);
	p8(k, (uint8_t)(len / 8 - 1));
	pfill(k, 0, len - 2);
}

static inline void tcp(struct pkt *k, uint16_t sport, uint16_t dport,
		       uint8_t flags)
{
	p16(k, sport);
	p16(k, dport);
	p32(k, 1000); /* seq */
	p32(k, 0);    /* ack */
	p8(k, 0x50);  /* data offset 5 */
	p8(k, flags);
	p16(k, 65535);
	p16(k, 0);
	p16(k, 0);
}

static inline void udp(struct pkt *k, uint16_t sport, uint16_t dport,
		       uint16_t paylen)
{
	p16(k, sport);
	p16(k, dport);
	p16(k, (uint16_t)(8 + paylen));
	p16(k, 0);
	pfill(k, 0x5a, paylen);
}

static inline void icmp(struct pkt *k, uint8_t type, uint8_t code)
{
	p8(k, type);
	p8(k, code);
	p16(k, 0);
	p32(k, 0x00010002);
}

static inline void sctp(struct pkt *k, uint16_t sport, uint16_t dport)
{
	p16(k, sport);
	p16(k, dport);
	p32(k, 0xdeadbeef); /* verification tag */
	p32(k, 0);	    /* checksum */
}

/* An IPv4 TCP segment 10.x -> 10.y, port 1234 -> 80 (no link header). */
static inline void ip4_tcp(struct pkt *k, uint8_t flags)
{
	size_t ip = ip4_begin(k, 6, 5, 0);

	tcp(k, 1234, 80, flags);
	pfill(k, 0xcc, 10);
	ip4_end(k, ip);
}

static inline void ip6_udp(struct pkt *k)
{
	size_t ip = ip6_begin(k, 17);

	udp(k, 5353, 53, 12);
	ip6_end(k, ip);
}

/* Ethernet, IPv4 (proto), then the tunnel header and payload of fill() */
static inline size_t outer4(struct pkt *k, uint8_t proto, uint16_t frag)
{
	k->n = 0;
	eth(k, 0x0800);
	return ip4_begin(k, proto, 5, frag);
}

static inline void gre_frame(struct pkt *k, uint16_t flags, uint16_t frag)
{
	size_t o = outer4(k, 47, frag);

	p16(k, flags);
	p16(k, 0x0800);
	if (flags & 0x8000)
		p32(k, 0);
	if (flags & 0x2000)
		p32(k, 0x11223344);
	if (flags & 0x1000)
		p32(k, 7);
	ip4_tcp(k, 0x18);
	ip4_end(k, o);
}

#endif
