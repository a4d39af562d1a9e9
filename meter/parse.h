/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * parse.h - the one header parser of xflowd.
 *
 * Compiled into user space and into the bpf/ programs, so it uses only
 * fixed-width types, no libc calls, no unbounded loops and no recursion.
 * Every parse_*() step checks the cursor before it touches a byte and
 * returns the next protocol or a negative PARSE_ERR_*.
 *
 * Two lengths matter and are kept apart:
 *  - the captured bytes (cursor end): every read is bounded by them;
 *  - the bytes on the wire (captured + wire_extra): an IP header that
 *    claims more than the wire carried is malformed, one that claims more
 *    than a snap length kept is not.
 */
#ifndef XFLOWD_PARSE_H
#define XFLOWD_PARSE_H

#ifdef __bpf__
#include <linux/types.h>
#include <bpf/bpf_helpers.h>
typedef __u8 uint8_t;
typedef __u16 uint16_t;
typedef __u32 uint32_t;
typedef __u64 uint64_t;
#define PARSE_INLINE static __always_inline
#else
#include <stdint.h>
#define PARSE_INLINE static inline __attribute__((always_inline))
#endif

/*
 * Bounds that keep every loop finite. They are the same in user space and
 * in BPF, so both meter alike; larger ones make the verifier's path count
 * explode (8 extension headers and 4 tags exceed its 1M instructions,
 * 6 and 3 take 130k). RFC 8200 §4.1's recommended order has at most six
 * extension headers; QinQ needs two tags.
 */
#ifndef PARSE_MAX_VLAN
#define PARSE_MAX_VLAN 3
#endif
#ifndef PARSE_MAX_EXTHDR
#define PARSE_MAX_EXTHDR 6
#endif

#define ETH_P_IPV4_ 0x0800
#define ETH_P_IPV6_ 0x86dd
#define ETH_P_8021Q_ 0x8100
#define ETH_P_8021AD_ 0x88a8
#define ETH_P_QINQ1_ 0x9100 /* pre-standard QinQ */
#define ETH_P_PPPOE_SESS_ 0x8864

#define PPP_IPV4_ 0x0021
#define PPP_IPV6_ 0x0057

#define IPPROTO_HOPOPTS_ 0
#define IPPROTO_ICMP_ 1
#define IPPROTO_TCP_ 6
#define IPPROTO_UDP_ 17
#define IPPROTO_ROUTING_ 43
#define IPPROTO_FRAGMENT_ 44
#define IPPROTO_AH_ 51
#define IPPROTO_ICMPV6_ 58
#define IPPROTO_DSTOPTS_ 60
#define IPPROTO_SCTP_ 132

/* Results: >= 0 is a good packet, < 0 a malformed one (one counter each). */
enum parse_result {
	PARSE_IP = 0,	  /* an IP packet: pkt_info is filled */
	PARSE_NOT_IP = 1, /* ARP, LLDP, ...: neither flow nor malformed */
	PARSE_ERR_TRUNCATED = -1,    /* data ends inside a header */
	PARSE_ERR_VERSION = -2,	     /* IP version not the one announced */
	PARSE_ERR_IHL = -3,	     /* IPv4 IHL < 5 */
	PARSE_ERR_TOTAL_LENGTH = -4, /* IP length < header or > wire */
	PARSE_ERR_IPV6_EXT = -5,     /* extension chain past the data */
	PARSE_ERR_VLAN_DEPTH = -6,   /* more tags than PARSE_MAX_VLAN */
};
#define PARSE_NERR 6

struct parse_cursor {
	const uint8_t *pos;
	const uint8_t *end;  /* end of the captured bytes */
	uint32_t wire_extra; /* bytes on the wire past end (snap length) */
};

/* What the metering process needs of one packet. Fixed-width types only. */
struct pkt_info {
	uint8_t src[16]; /* IPv4: first 4 octets, rest zero */
	uint8_t dst[16];
	uint16_t sport; /* host order; 0 when the protocol has none */
	uint16_t dport; /* ICMP/ICMPv6: type * 256 + code */
	uint8_t ipver;	/* 4 or 6 */
	uint8_t proto;	/* upper-layer protocol, after IPv6 ext headers */
	uint8_t tcp_flags;
	uint8_t tos;	    /* IPv4 TOS / IPv6 traffic class */
	uint32_t octets;    /* IP-layer: total length / payload + 40 */
	uint16_t ethertype; /* after any VLAN tags (seven-tuple) */
	uint8_t nvlan;
	uint8_t nonfirst_frag; /* a fragment without the transport header */
	uint16_t vlan[2];      /* outer, inner VLAN ids */
	uint8_t smac[6];
	uint8_t dmac[6];
};

PARSE_INLINE uint16_t parse_be16(const uint8_t *p)
{
	return (uint16_t)((uint16_t)p[0] << 8 | p[1]);
}

PARSE_INLINE uint32_t parse_wire_left(const struct parse_cursor *c)
{
	return (uint32_t)(c->end - c->pos) + c->wire_extra;
}

PARSE_INLINE void parse_zero(void *p, uint32_t n)
{
	__builtin_memset(p, 0, n);
}

/*
 * Transport header at c->pos, inside an IP packet ending at ip_end.
 * Only the octets the key needs must be present (RFC 1858: a first fragment
 * too short for them is an attack, treated as truncated).
 */
/*
 * Bounds: every check is made against c->end (the captured data, which the
 * BPF verifier knows as data_end) and, separately, against the IP packet's
 * end; a min() of the two would hide the packet bound from the verifier.
 */
#define PARSE_HAVE(c, p, n, ip_end) \
	((p) + (n) <= (c)->end && (p) + (n) <= (ip_end))

PARSE_INLINE int parse_l4(const struct parse_cursor *c, const uint8_t *ip_end,
			  struct pkt_info *pi)
{
	const uint8_t *p = c->pos;

	switch (pi->proto) {
	case IPPROTO_TCP_:
		if (!PARSE_HAVE(c, p, 20, ip_end))
			return PARSE_ERR_TRUNCATED;
		pi->sport = parse_be16(p);
		pi->dport = parse_be16(p + 2);
		pi->tcp_flags = p[13];
		break;
	case IPPROTO_UDP_:
		if (!PARSE_HAVE(c, p, 8, ip_end))
			return PARSE_ERR_TRUNCATED;
		pi->sport = parse_be16(p);
		pi->dport = parse_be16(p + 2);
		break;
	case IPPROTO_SCTP_:
		if (!PARSE_HAVE(c, p, 12, ip_end))
			return PARSE_ERR_TRUNCATED;
		pi->sport = parse_be16(p);
		pi->dport = parse_be16(p + 2);
		break;
	case IPPROTO_ICMP_:
		/* RFC 792: an 8-octet header. Cisco puts type * 256 + code in
		 * the destination port */
		if (!PARSE_HAVE(c, p, 8, ip_end))
			return PARSE_ERR_TRUNCATED;
		pi->dport = (uint16_t)(p[0] << 8 | p[1]);
		break;
	case IPPROTO_ICMPV6_:
		/* RFC 4443 §2.1: type, code, checksum, then the body */
		if (!PARSE_HAVE(c, p, 4, ip_end))
			return PARSE_ERR_TRUNCATED;
		pi->dport = (uint16_t)(p[0] << 8 | p[1]);
		break;
	default:
		break;
	}
	return PARSE_IP;
}

PARSE_INLINE int parse_ipv4(struct parse_cursor *c, struct pkt_info *pi)
{
	const uint8_t *p = c->pos;
	uint32_t ihl, tot;
	uint16_t frag;

	if (p + 20 > c->end)
		return PARSE_ERR_TRUNCATED;
	if ((p[0] >> 4) != 4)
		return PARSE_ERR_VERSION;
	ihl = (uint32_t)(p[0] & 0x0f) * 4;
	if (ihl < 20)
		return PARSE_ERR_IHL;
	tot = parse_be16(p + 2);
	if (tot < ihl || tot > parse_wire_left(c))
		return PARSE_ERR_TOTAL_LENGTH;
	if (p + ihl > c->end)
		return PARSE_ERR_TRUNCATED;

	pi->ipver = 4;
	pi->tos = p[1];
	pi->proto = p[9];
	pi->octets = tot;
	__builtin_memcpy(pi->src, p + 12, 4);
	__builtin_memcpy(pi->dst, p + 16, 4);

	/* RFC 791: only the fragment at offset 0 carries the transport header */
	frag = parse_be16(p + 6) & 0x1fff;
	if (frag != 0) {
		pi->nonfirst_frag = 1;
		return PARSE_IP;
	}
	c->pos = p + ihl;
	return parse_l4(c, p + tot, pi);
}

PARSE_INLINE int parse_ipv6_is_ext(uint8_t nh)
{
	return nh == IPPROTO_HOPOPTS_ || nh == IPPROTO_ROUTING_ ||
	       nh == IPPROTO_DSTOPTS_ || nh == IPPROTO_AH_ ||
	       nh == IPPROTO_FRAGMENT_;
}

/*
 * RFC 8200 §4: walk hop-by-hop, routing, fragment and destination options
 * headers (and AH, RFC 4302, whose length is in 4-octet units) to the
 * upper-layer protocol. The chain must end inside the payload.
 */
PARSE_INLINE int parse_ipv6(struct parse_cursor *c, struct pkt_info *pi)
{
	const uint8_t *p = c->pos;
	const uint8_t *ip_end;
	uint32_t plen, hlen;
	uint8_t nh;
	int i;

	if (p + 40 > c->end)
		return PARSE_ERR_TRUNCATED;
	if ((p[0] >> 4) != 6)
		return PARSE_ERR_VERSION;
	plen = parse_be16(p + 4);
	nh = p[6];
	if (plen == 0 && nh == IPPROTO_HOPOPTS_) {
		/*
		 * RFC 2675 jumbogram: the length is in the Jumbo Payload
		 * option (type 0xc2, 4 octets, alignment 4n+2: the first
		 * option of the hop-by-hop header) and must exceed 65535.
		 */
		const uint8_t *h = p + 40;

		if (h + 8 > c->end)
			return PARSE_ERR_TRUNCATED;
		if (h[2] != 0xc2 || h[3] != 4)
			return PARSE_ERR_TOTAL_LENGTH;
		plen = (uint32_t)h[4] << 24 | (uint32_t)h[5] << 16 |
		       (uint32_t)h[6] << 8 | h[7];
		if (plen <= 0xffff)
			return PARSE_ERR_TOTAL_LENGTH;
	}
	if (plen > parse_wire_left(c) - 40)
		return PARSE_ERR_TOTAL_LENGTH;

	pi->ipver = 6;
	pi->tos = (uint8_t)((p[0] & 0x0f) << 4 | p[1] >> 4);
	pi->octets = plen + 40;
	__builtin_memcpy(pi->src, p + 8, 16);
	__builtin_memcpy(pi->dst, p + 24, 16);

	/* headers must fit in what was captured and in the payload */
	ip_end = p + 40 + plen;
	p += 40;

	/* PARSE_MAX_EXTHDR headers, then one more turn for the upper layer */
	for (i = 0; i <= PARSE_MAX_EXTHDR; i++) {
		if (i == PARSE_MAX_EXTHDR && parse_ipv6_is_ext(nh))
			return PARSE_ERR_IPV6_EXT;
		switch (nh) {
		case IPPROTO_HOPOPTS_:
		case IPPROTO_ROUTING_:
		case IPPROTO_DSTOPTS_:
			if (!PARSE_HAVE(c, p, 8, ip_end))
				return PARSE_ERR_IPV6_EXT;
			hlen = ((uint32_t)p[1] + 1) * 8;
			break;
		case IPPROTO_AH_:
			if (!PARSE_HAVE(c, p, 8, ip_end))
				return PARSE_ERR_IPV6_EXT;
			hlen = ((uint32_t)p[1] + 2) * 4;
			break;
		case IPPROTO_FRAGMENT_:
			if (!PARSE_HAVE(c, p, 8, ip_end))
				return PARSE_ERR_IPV6_EXT;
			hlen = 8;
			if ((parse_be16(p + 2) & 0xfff8) != 0) {
				/* later fragment: real protocol, no ports */
				pi->proto = p[0];
				pi->nonfirst_frag = 1;
				return PARSE_IP;
			}
			break;
		default:
			pi->proto = nh;
			c->pos = p;
			return parse_l4(c, ip_end, pi);
		}
		if (!PARSE_HAVE(c, p, hlen, ip_end))
			return PARSE_ERR_IPV6_EXT;
		nh = p[0];
		p += hlen;
	}
	/* A chain longer than any real stack: treat as hostile. */
	return PARSE_ERR_IPV6_EXT;
}

/* Dispatch on an IP version nibble (raw IP links carry no ethertype). */
PARSE_INLINE int parse_ip(struct parse_cursor *c, struct pkt_info *pi)
{
	if (c->pos + 1 > c->end)
		return PARSE_ERR_TRUNCATED;
	switch (c->pos[0] >> 4) {
	case 4:
		return parse_ipv4(c, pi);
	case 6:
		return parse_ipv6(c, pi);
	default:
		return PARSE_ERR_VERSION;
	}
}

/* PPP protocol field (RFC 1661) in front of an IP packet. */
PARSE_INLINE int parse_ppp_proto(struct parse_cursor *c, uint16_t proto,
				 struct pkt_info *pi)
{
	switch (proto) {
	case PPP_IPV4_:
		pi->ethertype = ETH_P_IPV4_;
		return parse_ipv4(c, pi);
	case PPP_IPV6_:
		pi->ethertype = ETH_P_IPV6_;
		return parse_ipv6(c, pi);
	default:
		return PARSE_NOT_IP;
	}
}

/* What follows an ethertype: VLAN tags, PPPoE session, IPv4, IPv6. */
PARSE_INLINE int parse_ethertype(struct parse_cursor *c, uint16_t et,
				 struct pkt_info *pi)
{
	const uint8_t *p;
	int i;

	for (i = 0; i < PARSE_MAX_VLAN; i++) {
		if (et != ETH_P_8021Q_ && et != ETH_P_8021AD_ &&
		    et != ETH_P_QINQ1_)
			break;
		p = c->pos;
		if (p + 4 > c->end)
			return PARSE_ERR_TRUNCATED;
		if (pi->nvlan < 2)
			pi->vlan[pi->nvlan] = parse_be16(p) & 0x0fff;
		pi->nvlan++;
		et = parse_be16(p + 2);
		c->pos = p + 4;
	}
	if (et == ETH_P_8021Q_ || et == ETH_P_8021AD_ || et == ETH_P_QINQ1_)
		return PARSE_ERR_VLAN_DEPTH;

	pi->ethertype = et;
	switch (et) {
	case ETH_P_IPV4_:
		return parse_ipv4(c, pi);
	case ETH_P_IPV6_:
		return parse_ipv6(c, pi);
	case ETH_P_PPPOE_SESS_:
		/* RFC 2516: ver/type, code, session id, length, then PPP */
		p = c->pos;
		if (p + 8 > c->end)
			return PARSE_ERR_TRUNCATED;
		c->pos = p + 8;
		if (c->wire_extra == 0) {
			/* the PPPoE length bounds the payload (padding follows) */
			uint32_t len = parse_be16(p + 4);

			if (len < 2)
				return PARSE_ERR_TOTAL_LENGTH;
		}
		return parse_ppp_proto(c, parse_be16(p + 6), pi);
	default:
		return PARSE_NOT_IP;
	}
}

/* An Ethernet II frame. 802.3 length frames (LLC/SNAP) are not IP here. */
PARSE_INLINE int parse_ether(struct parse_cursor *c, struct pkt_info *pi)
{
	const uint8_t *p = c->pos;

	if (p + 14 > c->end)
		return PARSE_ERR_TRUNCATED;
	__builtin_memcpy(pi->dmac, p, 6);
	__builtin_memcpy(pi->smac, p + 6, 6);
	c->pos = p + 14;
	return parse_ethertype(c, parse_be16(p + 12), pi);
}

#endif /* XFLOWD_PARSE_H */
