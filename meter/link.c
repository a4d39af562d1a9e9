// SPDX-License-Identifier: BSD-2-Clause
/*
 * link.c - link-layer headers of the pcap link types xflowd meters.
 * Header layouts: https://www.tcpdump.org/linktypes.html
 */
#include <stddef.h>

#include "link.h"

static int link_ether(struct parse_cursor *c, struct pkt_info *pi)
{
	return parse_ether(c, pi);
}

/* Raw IP: the version nibble says which. */
static int link_raw(struct parse_cursor *c, struct pkt_info *pi)
{
	int rc = parse_ip(c, pi);

	if (rc == PARSE_IP)
		pi->ethertype = pi->ipver == 4 ? ETH_P_IPV4_ : ETH_P_IPV6_;
	return rc;
}

static int link_ipv4(struct parse_cursor *c, struct pkt_info *pi)
{
	pi->ethertype = ETH_P_IPV4_;
	return parse_ipv4(c, pi);
}

static int link_ipv6(struct parse_cursor *c, struct pkt_info *pi)
{
	pi->ethertype = ETH_P_IPV6_;
	return parse_ipv6(c, pi);
}

/* LINKTYPE_LINUX_SLL: 16 octets, the protocol (an ethertype) last. */
static int link_sll(struct parse_cursor *c, struct pkt_info *pi)
{
	const uint8_t *p = c->pos;

	if (p + 16 > c->end)
		return PARSE_ERR_TRUNCATED;
	c->pos = p + 16;
	return parse_ethertype(c, parse_be16(p + 14), pi);
}

/* LINKTYPE_LINUX_SLL2: 20 octets, the protocol first. */
static int link_sll2(struct parse_cursor *c, struct pkt_info *pi)
{
	const uint8_t *p = c->pos;

	if (p + 20 > c->end)
		return PARSE_ERR_TRUNCATED;
	c->pos = p + 20;
	return parse_ethertype(c, parse_be16(p), pi);
}

/*
 * BSD loopback: a 4-octet address family in the byte order of the host
 * that wrote the file. IPv6 is 24, 28 or 30 depending on the BSD, 10 on
 * Linux; a value above 0xffff was written in the other byte order.
 */
static int link_af(struct parse_cursor *c, struct pkt_info *pi, uint32_t af)
{
	c->pos += 4;
	switch (af) {
	case 2:
		return link_ipv4(c, pi);
	case 10:
	case 24:
	case 28:
	case 30:
		return link_ipv6(c, pi);
	default:
		return PARSE_NOT_IP;
	}
}

static int link_null(struct parse_cursor *c, struct pkt_info *pi)
{
	const uint8_t *p = c->pos;
	uint32_t af;

	if (p + 4 > c->end)
		return PARSE_ERR_TRUNCATED;
	af = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	     (uint32_t)p[3] << 24;
	if (af > 0xffff)
		af = __builtin_bswap32(af);
	return link_af(c, pi, af);
}

/* LINKTYPE_LOOP (OpenBSD): the family is in network byte order. */
static int link_loop(struct parse_cursor *c, struct pkt_info *pi)
{
	const uint8_t *p = c->pos;

	if (p + 4 > c->end)
		return PARSE_ERR_TRUNCATED;
	return link_af(c, pi,
		       (uint32_t)parse_be16(p + 2) | (uint32_t)parse_be16(p)
							     << 16);
}

/*
 * PPP (RFC 1661, RFC 1662 framing): optional address/control 0xff 0x03,
 * then a protocol field that may be compressed to one octet (PFC: an odd
 * first octet).
 */
static int link_ppp(struct parse_cursor *c, struct pkt_info *pi)
{
	const uint8_t *p = c->pos;
	uint16_t proto;

	if (p + 2 > c->end)
		return PARSE_ERR_TRUNCATED;
	if (p[0] == 0xff && p[1] == 0x03)
		p += 2;
	if (p + 1 > c->end)
		return PARSE_ERR_TRUNCATED;
	if (p[0] & 1) {
		proto = p[0];
		p += 1;
	} else {
		if (p + 2 > c->end)
			return PARSE_ERR_TRUNCATED;
		proto = parse_be16(p);
		p += 2;
	}
	c->pos = p;
	return parse_ppp_proto(c, proto, pi);
}

/* PPPoE without its Ethernet header (LINKTYPE_PPP_ETHER). */
static int link_ppp_ether(struct parse_cursor *c, struct pkt_info *pi)
{
	const uint8_t *p = c->pos;

	if (p + 8 > c->end)
		return PARSE_ERR_TRUNCATED;
	c->pos = p + 8;
	return parse_ppp_proto(c, parse_be16(p + 6), pi);
}

/* Cisco HDLC: address, control, then an ethertype. */
static int link_chdlc(struct parse_cursor *c, struct pkt_info *pi)
{
	const uint8_t *p = c->pos;

	if (p + 4 > c->end)
		return PARSE_ERR_TRUNCATED;
	c->pos = p + 4;
	return parse_ethertype(c, parse_be16(p + 2), pi);
}

static const struct linktype linktypes[] = {
	{ 0, "NULL (BSD loopback)", link_null },
	{ 1, "EN10MB (Ethernet)", link_ether },
	{ 9, "PPP", link_ppp },
	{ 12, "RAW", link_raw },
	{ 50, "PPP_SERIAL", link_ppp },
	{ 51, "PPP_ETHER", link_ppp_ether },
	{ 101, "RAW", link_raw },
	{ 104, "C_HDLC", link_chdlc },
	{ 108, "LOOP", link_loop },
	{ 113, "LINUX_SLL", link_sll },
	{ 228, "IPV4", link_ipv4 },
	{ 229, "IPV6", link_ipv6 },
	{ 276, "LINUX_SLL2", link_sll2 },
};

const struct linktype *link_lookup(int dlt)
{
	size_t i;

	for (i = 0; i < sizeof(linktypes) / sizeof(linktypes[0]); i++)
		if (linktypes[i].dlt == dlt)
			return &linktypes[i];
	return NULL;
}
