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
#define ETH_P_TEB_ 0x6558 /* transparent Ethernet bridging (GRE, GENEVE) */

#define PPP_IPV4_ 0x0021
#define PPP_IPV6_ 0x0057

#define IPPROTO_HOPOPTS_ 0
#define IPPROTO_ICMP_ 1
#define IPPROTO_IPIP_ 4
#define IPPROTO_TCP_ 6
#define IPPROTO_UDP_ 17
#define IPPROTO_IPV6_ 41
#define IPPROTO_ROUTING_ 43
#define IPPROTO_FRAGMENT_ 44
#define IPPROTO_GRE_ 47
#define IPPROTO_AH_ 51
#define IPPROTO_ICMPV6_ 58
#define IPPROTO_DSTOPTS_ 60
#define IPPROTO_L2TP_ 115
#define IPPROTO_SCTP_ 132

#define UDP_PORT_L2TP_ 1701
#define UDP_PORT_VXLAN_ 4789
#define UDP_PORT_GENEVE_ 6081

/*
 * Which tunnels to open (struct parse_cursor.decap): one bit per (outer,
 * inner) IP version pair, set when a configured template describes such a
 * flow. A tunnel whose pair is not set is metered as its outer packet.
 */
#define PARSE_DECAP_BIT(outer, inner) \
	(1u << (((outer) == 6) * 2 + ((inner) == 6)))
#define PARSE_DECAP_ALL 0x0f

/* Tunnel kinds (pkt_info.tun_kind), for counters and pppacProtocol. */
enum parse_tunnel_kind {
	TUN_NONE = 0,
	TUN_GRE,
	TUN_IPIP, /* IPv4 or IPv6 directly in IPv4 or IPv6 */
	TUN_L2TPV2,
	TUN_L2TPV3,
	TUN_VXLAN,
	TUN_GENEVE,
};

/* Results: >= 0 is a good packet, < 0 a malformed one (one counter each). */
enum parse_result {
	PARSE_IP = 0,	  /* an IP packet: pkt_info is filled */
	PARSE_NOT_IP = 1, /* ARP, LLDP, ...: neither flow nor malformed */
	PARSE_TUNNEL = 2, /* internal: the inner packet is at the cursor */
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
	uint32_t decap;	     /* PARSE_DECAP_BIT()s of tunnels to open */
	const uint8_t *lim;  /* inside a tunnel: end of the outer packet */
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
	/* tunnels (only when the cursor's decap asked for this one) */
	uint8_t tun_ver;  /* outer IP version, 0 when not tunnelled */
	uint8_t tun_kind; /* enum parse_tunnel_kind */
	uint8_t tun_next; /* internal: what follows the tunnel header */
	uint8_t frag;	  /* any fragment (first or later) */
	uint8_t tun_src[16];
	uint8_t tun_dst[16];
	/* Flexible NetFlow's fields (issue 16) */
	uint32_t flow_label; /* IPv6 flow label, 20 bits */
	uint8_t ttl;	     /* IPv4 TTL / IPv6 hop limit */
	uint8_t vlan_pcp;    /* the outer VLAN tag's priority (802.1p) */
	uint8_t frag_flags;  /* fragmentFlags: 0x40 DF, 0x20 MF (0x80 RS) */
	uint8_t pad_fnf;
};

/* pkt_info.tun_next */
#define TUN_NEXT_IPV4 1
#define TUN_NEXT_IPV6 2
#define TUN_NEXT_ETHER 3

PARSE_INLINE uint16_t parse_be16(const uint8_t *p)
{
	return (uint16_t)((uint16_t)p[0] << 8 | p[1]);
}

PARSE_INLINE uint32_t parse_wire_left(const struct parse_cursor *c)
{
	uint32_t left = (uint32_t)(c->end - c->pos);

#ifdef __bpf__
	/* (end - pos) + extra, never (end + extra) - pos: the verifier
	 * refuses arithmetic on data_end (TC passes a runtime wire_extra) */
	barrier_var(left);
#endif
	left += c->wire_extra;

	/* an inner packet cannot be longer than what carries it */
	if (c->lim) {
		uint32_t in_outer = (uint32_t)(c->lim - c->pos);

		if (in_outer < left)
			left = in_outer;
	}
	return left;
}

PARSE_INLINE void parse_zero(void *p, uint32_t n)
{
	__builtin_memset(p, 0, n);
}

/*
 * Bounds: every check is made against c->end (the captured data, which the
 * BPF verifier knows as data_end) and, separately, against the IP packet's
 * end; a min() of the two would hide the packet bound from the verifier.
 */
#define PARSE_HAVE(c, p, n, ip_end) \
	((p) + (n) <= (c)->end && (p) + (n) <= (ip_end))

/*
 * Tunnels. The outer packet is parsed as usual up to its transport
 * header; when that opens a tunnel the cursor asked for, the outer
 * addresses become the tunnel endpoints and PARSE_TUNNEL sends the caller
 * (parse_inner) on to the inner packet. A header that is cut short, a
 * control message or a payload that is not IP leaves the outer packet as
 * the flow. One level only: the inner packet is parsed with decap 0.
 *
 * For the BPF verifier each header is parsed at one place in the code:
 * the protocol steps below only say where the inner packet starts and
 * what it is, and parse_tunnel() opens it.
 */
struct parse_tun {
	const uint8_t *inner;
	uint8_t next; /* TUN_NEXT_*, 0: not a tunnel we open */
	uint8_t kind; /* enum parse_tunnel_kind */
};

PARSE_INLINE uint8_t parse_tun_next_of(uint16_t et)
{
	switch (et) {
	case ETH_P_IPV4_:
		return TUN_NEXT_IPV4;
	case ETH_P_IPV6_:
		return TUN_NEXT_IPV6;
	case ETH_P_TEB_:
		return TUN_NEXT_ETHER;
	default:
		return 0;
	}
}

/* RFC 2784 / RFC 2890: flags and version, protocol, then C, K, S words. */
PARSE_INLINE void parse_tun_gre(const struct parse_cursor *c, const uint8_t *p,
				const uint8_t *ip_end, struct parse_tun *t)
{
	uint16_t f;
	uint32_t hlen = 4;

	if (!PARSE_HAVE(c, p, 4, ip_end))
		return;
	f = parse_be16(p);
	/* version 0 only (1 is PPTP's), no deprecated routing */
	if (f & 0x4007)
		return;
	if (f & 0x8000) /* checksum present */
		hlen += 4;
	if (f & 0x2000) /* key present */
		hlen += 4;
	if (f & 0x1000) /* sequence number present */
		hlen += 4;
	t->next = parse_tun_next_of(parse_be16(p + 2));
	t->inner = p + hlen;
	t->kind = TUN_GRE;
}

/*
 * L2TP over UDP. Version 2 (RFC 2661 §3.1): T L x x S x O P ... ver,
 * [length], tunnel id, session id, [Ns, Nr], [offset size, padding], then
 * a PPP frame. Version 3 (RFC 3931 §4.1.2.1): T x x x ... ver, reserved,
 * session id, then (no cookie) an Ethernet pseudowire frame.
 * Control messages (T) carry no user traffic.
 */
PARSE_INLINE void parse_tun_l2tp_udp(const struct parse_cursor *c,
				     const uint8_t *p, const uint8_t *ip_end,
				     struct parse_tun *t)
{
	const uint8_t *q;
	uint16_t f, proto;

	if (!PARSE_HAVE(c, p, 8, ip_end))
		return;
	f = parse_be16(p);
	if (f & 0x8000)
		return;
	if ((f & 0x000f) == 3) {
		t->next = TUN_NEXT_ETHER;
		t->inner = p + 8;
		t->kind = TUN_L2TPV3;
		return;
	}
	if ((f & 0x000f) != 2)
		return;
	/* each step moves q and checks q itself: the verifier knows the
	 * bounds of a packet pointer, not of the sums it was made from */
	q = p + 6 + ((f & 0x4000) ? 2 : 0) + ((f & 0x0800) ? 4 : 0);
	if (f & 0x0200) {
		uint16_t off;

		if (!PARSE_HAVE(c, q, 2, ip_end))
			return;
		/* the padding is small in practice; a bound keeps packet
		 * offsets within what the verifier tracks (64 KiB) */
		off = parse_be16(q);
		if (off > 1024)
			return;
		q += 2 + off;
	}
	/* PPP: address and control may be omitted, protocol compressed */
	if (!PARSE_HAVE(c, q, 2, ip_end))
		return;
	if (q[0] == 0xff && q[1] == 0x03)
		q += 2;
	if (!PARSE_HAVE(c, q, 1, ip_end))
		return;
	if (q[0] & 1) {
		proto = q[0];
		q += 1;
	} else {
		if (!PARSE_HAVE(c, q, 2, ip_end))
			return;
		proto = parse_be16(q);
		q += 2;
	}
	/* LCP, IPCP, ...: PPP control, not a tunnelled packet */
	t->next = proto == PPP_IPV4_   ? TUN_NEXT_IPV4
		  : proto == PPP_IPV6_ ? TUN_NEXT_IPV6
				       : 0;
	t->inner = q;
	t->kind = TUN_L2TPV2;
}

/* RFC 8926 §3.4: version 0, options length in 4-octet words, protocol. */
PARSE_INLINE void parse_tun_geneve(const struct parse_cursor *c,
				   const uint8_t *p, const uint8_t *ip_end,
				   struct parse_tun *t)
{
	if (!PARSE_HAVE(c, p, 8, ip_end) || (p[0] >> 6) != 0)
		return;
	t->next = parse_tun_next_of(parse_be16(p + 2));
	t->inner = p + 8 + (uint32_t)(p[0] & 0x3f) * 4;
	t->kind = TUN_GENEVE;
}

/*
 * The transport header at c->pos may open a tunnel: PARSE_TUNNEL with the
 * cursor on the inner packet, or PARSE_IP to meter the outer packet.
 */
PARSE_INLINE int parse_tunnel(struct parse_cursor *c, const uint8_t *ip_end,
			      struct pkt_info *pi)
{
	const uint8_t *p = c->pos;
	struct parse_tun t = { 0 };
	uint8_t inner_ver;

	switch (pi->proto) {
	case IPPROTO_IPIP_:
		t.next = TUN_NEXT_IPV4;
		t.inner = p;
		t.kind = TUN_IPIP;
		break;
	case IPPROTO_IPV6_:
		t.next = TUN_NEXT_IPV6;
		t.inner = p;
		t.kind = TUN_IPIP;
		break;
	case IPPROTO_GRE_:
		parse_tun_gre(c, p, ip_end, &t);
		break;
	case IPPROTO_L2TP_:
		/* RFC 3931 §4.1.1.2: session id 0 is a control message */
		if (PARSE_HAVE(c, p, 4, ip_end) &&
		    (p[0] | p[1] | p[2] | p[3]) != 0) {
			t.next = TUN_NEXT_ETHER;
			t.inner = p + 4;
			t.kind = TUN_L2TPV3;
		}
		break;
	case IPPROTO_UDP_:
		if (!PARSE_HAVE(c, p, 8, ip_end))
			break;
		switch (parse_be16(p + 2)) {
		case UDP_PORT_VXLAN_:
			/* RFC 7348: flags (I set), VNI; an Ethernet frame */
			if (PARSE_HAVE(c, p, 16, ip_end) && (p[8] & 0x08)) {
				t.next = TUN_NEXT_ETHER;
				t.inner = p + 16;
				t.kind = TUN_VXLAN;
			}
			break;
		case UDP_PORT_GENEVE_:
			parse_tun_geneve(c, p + 8, ip_end, &t);
			break;
		default:
			if (parse_be16(p) == UDP_PORT_L2TP_ ||
			    parse_be16(p + 2) == UDP_PORT_L2TP_)
				parse_tun_l2tp_udp(c, p + 8, ip_end, &t);
			break;
		}
		break;
	default:
		break;
	}
	/* a tunnel header longer than the packet is no tunnel */
	if (!t.next || !PARSE_HAVE(c, t.inner, 0, ip_end))
		return PARSE_IP;

	/* the inner IP version decides whether this pair is opened */
	inner_ver = t.next == TUN_NEXT_IPV6 ? 6 : 4;
	if (t.next == TUN_NEXT_ETHER) {
		/* peek at the inner ethertype (behind one tag at most) */
		const uint8_t *e = t.inner;
		uint16_t et;

		if (!PARSE_HAVE(c, e, 14, ip_end))
			return PARSE_IP;
		et = parse_be16(e + 12);
		if (et == ETH_P_8021Q_ || et == ETH_P_8021AD_) {
			if (!PARSE_HAVE(c, e, 18, ip_end))
				return PARSE_IP;
			et = parse_be16(e + 16);
		}
		if (et == ETH_P_IPV6_)
			inner_ver = 6;
		else if (et != ETH_P_IPV4_)
			return PARSE_IP;
	}
	if (!(c->decap & PARSE_DECAP_BIT(pi->ipver, inner_ver)))
		return PARSE_IP;
	pi->tun_ver = pi->ipver;
	pi->tun_kind = t.kind;
	pi->tun_next = t.next;
	__builtin_memcpy(pi->tun_src, pi->src, 16);
	__builtin_memcpy(pi->tun_dst, pi->dst, 16);
	c->pos = t.inner;
	c->lim = ip_end;
	return PARSE_TUNNEL;
}

/*
 * Transport header at c->pos, inside an IP packet ending at ip_end.
 * Only the octets the key needs must be present (RFC 1858: a first fragment
 * too short for them is an attack, treated as truncated).
 */
PARSE_INLINE int parse_l4(struct parse_cursor *c, const uint8_t *ip_end,
			  struct pkt_info *pi)
{
	const uint8_t *p = c->pos;

	if (c->decap && !pi->frag) {
		int rc = parse_tunnel(c, ip_end, pi);

		if (rc != PARSE_IP)
			return rc;
	}
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
	pi->ttl = p[8];
	pi->frag_flags = (uint8_t)(p[6] & 0xe0);
	pi->flow_label = 0; /* an outer IPv6 header's (tunnels) */
	pi->proto = p[9];
	pi->octets = tot;
	__builtin_memcpy(pi->src, p + 12, 4);
	__builtin_memcpy(pi->dst, p + 16, 4);

	/* RFC 791: only the fragment at offset 0 carries the transport header
	 * (and no fragment is opened as a tunnel) */
	frag = parse_be16(p + 6);
	pi->frag = (frag & 0x3fff) != 0;
	if ((frag & 0x1fff) != 0) {
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
	/* inside a tunnel the header itself may lie past the outer end */
	if (parse_wire_left(c) < 40 || plen > parse_wire_left(c) - 40)
		return PARSE_ERR_TOTAL_LENGTH;

	pi->ipver = 6;
	pi->tos = (uint8_t)((p[0] & 0x0f) << 4 | p[1] >> 4);
	pi->ttl = p[7];
	pi->flow_label = (uint32_t)(p[1] & 0x0f) << 16 | parse_be16(p + 2);
	pi->frag_flags = 0; /* an outer IPv4 header's (tunnels) */
	pi->octets = plen + 40;
	__builtin_memcpy(pi->src, p + 8, 16);
	__builtin_memcpy(pi->dst, p + 24, 16);

	/* headers must fit in what was captured and in the payload */
	ip_end = p + 40 + plen;
	p += 40;

	/* at most PARSE_MAX_EXTHDR headers before the upper layer */
	for (i = 0; i < PARSE_MAX_EXTHDR && parse_ipv6_is_ext(nh); i++) {
		if (!PARSE_HAVE(c, p, 8, ip_end))
			return PARSE_ERR_IPV6_EXT;
		if (nh == IPPROTO_FRAGMENT_) {
			hlen = 8;
			pi->frag = 1;
#ifndef __bpf__
			/* M (more follow) as MF; not in the eBPF programs,
			 * whose verifier walks this loop for every header
			 * (over its budget): fragmentFlags is refused on an
			 * ebpf capture */
			pi->frag_flags |= (uint8_t)((p[3] & 1) << 5);
#endif
			if ((parse_be16(p + 2) & 0xfff8) != 0) {
				/* later fragment: real protocol, no ports */
				pi->proto = p[0];
				pi->nonfirst_frag = 1;
				return PARSE_IP;
			}
		} else if (nh == IPPROTO_AH_) {
			hlen = ((uint32_t)p[1] + 2) * 4;
		} else {
			hlen = ((uint32_t)p[1] + 1) * 8;
		}
		if (!PARSE_HAVE(c, p, hlen, ip_end))
			return PARSE_ERR_IPV6_EXT;
		nh = p[0];
		p += hlen;
	}
	/* A chain longer than any real stack: treat as hostile. */
	if (parse_ipv6_is_ext(nh))
		return PARSE_ERR_IPV6_EXT;
	pi->proto = nh;
	c->pos = p;
	return parse_l4(c, ip_end, pi);
}

/* The IP packet at the cursor, by the ethertype that announced it. */
PARSE_INLINE int parse_l3(struct parse_cursor *c, uint16_t et,
			  struct pkt_info *pi)
{
	pi->ethertype = et;
	if (et == ETH_P_IPV4_)
		return parse_ipv4(c, pi);
	if (et == ETH_P_IPV6_)
		return parse_ipv6(c, pi);
	return PARSE_NOT_IP;
}

/* Dispatch on an IP version nibble (raw IP links carry no ethertype). */
PARSE_INLINE int parse_ip(struct parse_cursor *c, struct pkt_info *pi)
{
	if (c->pos + 1 > c->end)
		return PARSE_ERR_TRUNCATED;
	switch (c->pos[0] >> 4) {
	case 4:
		return parse_l3(c, ETH_P_IPV4_, pi);
	case 6:
		return parse_l3(c, ETH_P_IPV6_, pi);
	default:
		return PARSE_ERR_VERSION;
	}
}

/* The ethertype of what a PPP protocol field (RFC 1661) announces. */
PARSE_INLINE uint16_t parse_ppp_ethertype(uint16_t proto)
{
	switch (proto) {
	case PPP_IPV4_:
		return ETH_P_IPV4_;
	case PPP_IPV6_:
		return ETH_P_IPV6_;
	default:
		return 0; /* not IP */
	}
}

PARSE_INLINE int parse_ppp_proto(struct parse_cursor *c, uint16_t proto,
				 struct pkt_info *pi)
{
	return parse_l3(c, parse_ppp_ethertype(proto), pi);
}

/*
 * What follows an ethertype, down to the ethertype of the packet at the
 * cursor: VLAN tags and a PPPoE session header are stepped over. Returns
 * that ethertype (0 for a PPP protocol that is not IP) or a PARSE_ERR_*.
 */
PARSE_INLINE int parse_l2(struct parse_cursor *c, uint16_t et,
			  struct pkt_info *pi)
{
	const uint8_t *p = c->pos;
	int i;

	/* the outer tag's priority, outside the loop (verifier states) */
	if (pi->nvlan == 0 && p + 4 <= c->end &&
	    (et == ETH_P_8021Q_ || et == ETH_P_8021AD_ || et == ETH_P_QINQ1_))
		pi->vlan_pcp = p[0] >> 5;
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
	if (et == ETH_P_PPPOE_SESS_) {
		/* RFC 2516: ver/type, code, session id, length, then PPP */
		p = c->pos;
		if (p + 8 > c->end)
			return PARSE_ERR_TRUNCATED;
		c->pos = p + 8;
		/* the PPPoE length covers the PPP protocol field at least */
		if (c->wire_extra == 0 && parse_be16(p + 4) < 2)
			return PARSE_ERR_TOTAL_LENGTH;
		return parse_ppp_ethertype(parse_be16(p + 6));
	}
	return et;
}

/* What follows an ethertype: VLAN tags, PPPoE session, IPv4, IPv6. */
PARSE_INLINE int parse_ethertype(struct parse_cursor *c, uint16_t et,
				 struct pkt_info *pi)
{
	int rc = parse_l2(c, et, pi);

	if (rc < 0)
		return rc;
	return parse_l3(c, (uint16_t)rc, pi);
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

/*
 * Finish what a link parser started: rc is its result. When it opened a
 * tunnel, parse the inner packet (an IP header, or an Ethernet frame with
 * its own tags) over the outer one's key fields; the tunnel fields and,
 * without an inner frame, the outer MACs stay.
 */
PARSE_INLINE int parse_inner(struct parse_cursor *c, struct pkt_info *pi,
			     int rc)
{
	const uint8_t *p = c->pos;
	int et;

	if (rc != PARSE_TUNNEL)
		return rc;
	c->decap = 0;
	/* an IPv4 packet fills 4 octets of the addresses */
	parse_zero(pi->src, 16);
	parse_zero(pi->dst, 16);
	pi->sport = 0;
	pi->dport = 0;
	pi->tcp_flags = 0;
	pi->frag = 0;
	pi->nonfirst_frag = 0;
	if (pi->tun_next == TUN_NEXT_IPV4) {
		et = ETH_P_IPV4_;
	} else if (pi->tun_next == TUN_NEXT_IPV6) {
		et = ETH_P_IPV6_;
	} else {
		if (p + 14 > c->end)
			return PARSE_ERR_TRUNCATED;
		__builtin_memcpy(pi->dmac, p, 6);
		__builtin_memcpy(pi->smac, p + 6, 6);
		c->pos = p + 14;
		et = parse_l2(c, parse_be16(p + 12), pi);
		if (et < 0)
			return et;
	}
	return parse_l3(c, (uint16_t)et, pi);
}

#endif /* XFLOWD_PARSE_H */
