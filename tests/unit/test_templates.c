// SPDX-License-Identifier: BSD-2-Clause
/*
 * test_templates.c - the 18 predefined templates as the exporter puts them
 * on the wire, against ../shared/spec/templates.md transcribed by hand
 * below (not derived from templates/ie.def).
 */
#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "export/export.h"
#include "templates/ie.h"
#include "templates/templates.h"

/* One field specifier as the spec tables give it. */
struct fs {
	uint32_t pen;
	uint16_t id;
	uint16_t len;
};

/* IANA elements (spec table 1) */
#define IN_IF            \
	{                \
		0, 10, 4 \
	}
#define DIR              \
	{                \
		0, 61, 1 \
	}
#define ETYPE             \
	{                 \
		0, 256, 2 \
	}
#define SMAC             \
	{                \
		0, 56, 6 \
	}
#define DMAC             \
	{                \
		0, 80, 6 \
	}
#define SRC4            \
	{               \
		0, 8, 4 \
	}
#define DST4             \
	{                \
		0, 12, 4 \
	}
#define SRC6              \
	{                 \
		0, 27, 16 \
	}
#define DST6              \
	{                 \
		0, 28, 16 \
	}
#define PROTO           \
	{               \
		0, 4, 1 \
	}
#define SPORT           \
	{               \
		0, 7, 2 \
	}
#define DPORT            \
	{                \
		0, 11, 2 \
	}
#define START            \
	{                \
		0, 22, 4 \
	}
#define END              \
	{                \
		0, 21, 4 \
	}
#define OCTETS          \
	{               \
		0, 1, 8 \
	}
#define PACKETS         \
	{               \
		0, 2, 8 \
	}
#define IFNAME            \
	{                 \
		0, 82, 16 \
	}
/* PEN 770 elements (spec table 2) */
#define TSRC4             \
	{                 \
		770, 6, 4 \
	}
#define TDST4             \
	{                 \
		770, 7, 4 \
	}
#define TSRC6              \
	{                  \
		770, 8, 16 \
	}
#define TDST6              \
	{                  \
		770, 9, 16 \
	}
#define PPP_USER            \
	{                   \
		770, 11, 73 \
	}
#define PPP_PROTO          \
	{                  \
		770, 13, 8 \
	}
#define CPU                \
	{                  \
		770, 14, 4 \
	}
#define PHYS_IF             \
	{                   \
		770, 17, 16 \
	}

/* The spec's own building blocks */
#define TAIL START, END, OCTETS, PACKETS, IFNAME
#define FIVE4 IN_IF, DIR, SRC4, DST4, PROTO, SPORT, DPORT
#define FIVE6 IN_IF, DIR, SRC6, DST6, PROTO, SPORT, DPORT
#define SEVEN4 IN_IF, DIR, ETYPE, SMAC, DMAC, SRC4, DST4, PROTO, SPORT, DPORT
#define SEVEN6 IN_IF, DIR, ETYPE, SMAC, DMAC, SRC6, DST6, PROTO, SPORT, DPORT
#define IIJ CPU, PHYS_IF

#define MAXF 24

struct spec_tmpl {
	const char *name;
	int ipver;
	struct fs f[MAXF];
};

static const struct spec_tmpl spec[] = {
	{ "ipv4-five-tuple", 4, { FIVE4, TAIL } },
	{ "ipv6-five-tuple", 6, { FIVE6, TAIL } },
	{ "ipv4-seven-tuple", 4, { SEVEN4, TAIL } },
	{ "ipv6-seven-tuple", 6, { SEVEN6, TAIL } },
	{ "ipv4-five-tuple-iij", 4, { FIVE4, TAIL, IIJ } },
	{ "ipv6-five-tuple-iij", 6, { FIVE6, TAIL, IIJ } },
	{ "ipv4-seven-tuple-iij", 4, { SEVEN4, TAIL, IIJ } },
	{ "ipv6-seven-tuple-iij", 6, { SEVEN6, TAIL, IIJ } },
	{ "tun4-ipv4-five-tuple-iij", 4, { FIVE4, TSRC4, TDST4, TAIL, IIJ } },
	{ "tun4-ipv6-five-tuple-iij", 6, { FIVE6, TSRC4, TDST4, TAIL, IIJ } },
	{ "tun4-ipv4-seven-tuple-iij", 4, { SEVEN4, TSRC4, TDST4, TAIL, IIJ } },
	{ "tun4-ipv6-seven-tuple-iij", 6, { SEVEN6, TSRC4, TDST4, TAIL, IIJ } },
	{ "tun6-ipv4-five-tuple-iij", 4, { FIVE4, TSRC6, TDST6, TAIL, IIJ } },
	{ "tun6-ipv6-five-tuple-iij", 6, { FIVE6, TSRC6, TDST6, TAIL, IIJ } },
	{ "tun6-ipv4-seven-tuple-iij", 4, { SEVEN4, TSRC6, TDST6, TAIL, IIJ } },
	{ "tun6-ipv6-seven-tuple-iij", 6, { SEVEN6, TSRC6, TDST6, TAIL, IIJ } },
	{ "pppac4-ipv4-five-tuple-iij",
	  4,
	  { FIVE4, TSRC4, TDST4, TAIL, IIJ, PPP_USER, PPP_PROTO } },
	{ "pppac6-ipv4-five-tuple-iij",
	  4,
	  { FIVE4, TSRC6, TDST6, TAIL, IIJ, PPP_USER, PPP_PROTO } },
};
#define NSPEC (sizeof(spec) / sizeof(spec[0]))

static size_t spec_nfields(const struct spec_tmpl *t)
{
	size_t n = 0;

	while (n < MAXF && t->f[n].len)
		n++;
	return n;
}

/* The template record the spec calls for, in RFC 7011 §3.4.1 form. */
static size_t spec_encode(const struct spec_tmpl *t, uint16_t tid, uint8_t *out)
{
	size_t n = spec_nfields(t), i, o = 0;

	out[o++] = (uint8_t)(tid >> 8);
	out[o++] = (uint8_t)tid;
	out[o++] = 0;
	out[o++] = (uint8_t)n;
	for (i = 0; i < n; i++) {
		uint16_t id = t->f[i].id | (t->f[i].pen ? 0x8000 : 0);

		out[o++] = (uint8_t)(id >> 8);
		out[o++] = (uint8_t)id;
		out[o++] = (uint8_t)(t->f[i].len >> 8);
		out[o++] = (uint8_t)t->f[i].len;
		if (t->f[i].pen) {
			out[o++] = (uint8_t)(t->f[i].pen >> 24);
			out[o++] = (uint8_t)(t->f[i].pen >> 16);
			out[o++] = (uint8_t)(t->f[i].pen >> 8);
			out[o++] = (uint8_t)t->f[i].pen;
		}
	}
	return o;
}

static size_t spec_record_len(const struct spec_tmpl *t)
{
	size_t n = spec_nfields(t), i, len = 0;

	for (i = 0; i < n; i++)
		len += t->f[i].len;
	return len;
}

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* A UDP socket on 127.0.0.1, any port; its port in *port. */
static int listen_udp(uint16_t *port)
{
	struct sockaddr_in sa;
	socklen_t sl = sizeof(sa);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	ck_assert_int_ge(fd, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&sa, &sl), 0);
	*port = ntohs(sa.sin_port);
	return fd;
}

static ssize_t recv_dgram(int fd, uint8_t *buf, size_t len)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	if (poll(&pfd, 1, 2000) != 1)
		return -1;
	return recv(fd, buf, len, 0);
}

/* Export one flow of ipver through template t; the datagram into buf. */
static ssize_t export_one(const struct template_def *t, int ipver, uint8_t *buf,
			  size_t len)
{
	struct export_cfg cfg;
	struct exporter *ex;
	struct flow f;
	char spec_s[64], err[256];
	uint16_t port;
	int fd = listen_udp(&port);
	ssize_t n;

	memset(&cfg, 0, sizeof(cfg));
	cfg.version = 10;
	cfg.domain_id = 7;
	cfg.mtu = 1500;
	cfg.ntmpl = 1;
	cfg.tmpl[0] = t;
	ex = exporter_new(&cfg);
	ck_assert_ptr_nonnull(ex);
	snprintf(spec_s, sizeof(spec_s), "127.0.0.1:%u", port);
	ck_assert_int_eq(exporter_add_collector(ex, spec_s, err, sizeof(err)),
			 0);
	exporter_set_base(ex, 1700000000ull * 1000000000ull);

	memset(&f, 0, sizeof(f));
	f.key.ipver = (uint8_t)ipver;
	f.key.proto = 17;
	f.key.src[0] = 10;
	f.key.dst[0] = 10;
	f.key.sport = 53;
	f.key.dport = 5353;
	f.key.ifindex = 2;
	f.packets = 1;
	f.octets = 100;
	f.first_ns = 1700000001ull * 1000000000ull;
	f.last_ns = f.first_ns;
	exporter_flow(ex, &f, FLOW_END_IDLE);
	exporter_flush(ex);
	n = recv_dgram(fd, buf, len);
	exporter_free(ex);
	close(fd);
	return n;
}

START_TEST(template_on_wire)
{
	const struct spec_tmpl *st = &spec[_i];
	const struct template_def *t = template_find(st->name);
	uint8_t msg[65536], want[512];
	size_t want_len, off, mlen;
	ssize_t n;
	int seen_tmpl = 0, seen_data = 0;

	ck_assert_msg(t != NULL, "template %s not found", st->name);
	ck_assert_int_eq(t->ipver, st->ipver);
	ck_assert_uint_eq(t->nelem, spec_nfields(st));
	ck_assert_uint_eq(template_record_len(t), spec_record_len(st));

	n = export_one(t, st->ipver, msg, sizeof(msg));
	ck_assert_msg(n >= 16, "%s: no IPFIX message", st->name);
	mlen = (size_t)n;
	ck_assert_uint_eq(rd16(msg), 10);
	ck_assert_uint_eq(rd16(msg + 2), mlen);

	want_len = spec_encode(st, 256, want);
	for (off = 16; off + 4 <= mlen;) {
		uint16_t sid = rd16(msg + off), slen = rd16(msg + off + 2);

		ck_assert_uint_ge(slen, 4);
		ck_assert_uint_le(off + slen, mlen);
		if (sid == 2) {
			/* exactly one template record, the spec's */
			ck_assert_uint_eq(slen, 4 + want_len);
			ck_assert_msg(memcmp(msg + off + 4, want, want_len) ==
					      0,
				      "%s: template record differs from the "
				      "spec",
				      st->name);
			seen_tmpl = 1;
		} else if (sid == 256) {
			ck_assert(seen_tmpl);
			ck_assert_uint_eq(slen, 4 + spec_record_len(st));
			seen_data = 1;
		}
		off += slen;
	}
	ck_assert_uint_eq(off, mlen);
	ck_assert(seen_tmpl);
	ck_assert(seen_data);
}
END_TEST

START_TEST(enterprise_flag)
{
	size_t i, j;

	for (i = 0; i < NSPEC; i++) {
		const struct template_def *t = template_find(spec[i].name);
		int any = 0;

		ck_assert_ptr_nonnull(t);
		for (j = 0; j < spec_nfields(&spec[i]); j++)
			any |= spec[i].f[j].pen != 0;
		ck_assert_msg(t->enterprise == (any != 0), "%s", spec[i].name);
	}
}
END_TEST

START_TEST(source_mac_is_56)
{
	const struct ie *ie = ie_by_name("sourceMacAddress");

	ck_assert_ptr_nonnull(ie);
	ck_assert_uint_eq(ie->id, 56);
	ck_assert_uint_eq(ie->pen, 0);
	ck_assert_uint_eq(ie->len, 6);
	ck_assert_uint_eq(ie_table[IE_sourceMacAddress].id, 56);
	/* an element xflowd does not export (vlanId is, since issue 16) */
	ck_assert_ptr_null(ie_by_name("mplsTopLabelType"));
}
END_TEST

START_TEST(find_and_closest)
{
	size_t i;

	ck_assert_uint_eq(template_ndefs, 18);
	ck_assert_uint_eq(NSPEC, 18);
	for (i = 0; i < NSPEC; i++) {
		const struct template_def *t = template_find(spec[i].name);

		ck_assert_ptr_nonnull(t);
		ck_assert_str_eq(t->name, spec[i].name);
		ck_assert_str_eq(template_closest(spec[i].name), spec[i].name);
	}
	ck_assert_ptr_null(template_find("ipv4-fivetuple"));
	ck_assert_ptr_null(template_find(""));
	ck_assert_ptr_null(template_find("IPV4-FIVE-TUPLE"));
	ck_assert_str_eq(template_closest("ipv4-fivetuple"), "ipv4-five-tuple");
	ck_assert_str_eq(template_closest("ipv6-seventuple"), "ipv6-seven-"
							      "tuple");
	ck_assert_str_eq(template_closest("tun6-ipv6-five-tuple"), "tun6-ipv6-"
								   "five-tuple-"
								   "iij");
	/* absurdly long names do not overrun anything */
	ck_assert_ptr_nonnull(template_closest("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
					       "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
					       "x"
					       "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
					       "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
					       "x"));
}
END_TEST

/*
 * The facts ie.def states of an element, as the rest of xflowd reads
 * them: the routing fields (Cisco's v5 next hop, masks, output interface,
 * and BGP's), the values measured over packets, the one key with a value
 * of its own, and the words of Flexible NetFlow with their other
 * spellings.
 */
START_TEST(element_facts)
{
	static const unsigned int routed[] = {
		IE_ipNextHopIPv4Address,    IE_ipNextHopIPv6Address,
		IE_sourceIPv4PrefixLength,  IE_destinationIPv4PrefixLength,
		IE_sourceIPv6PrefixLength,  IE_destinationIPv6PrefixLength,
		IE_egressInterface,	    IE_bgpSourceAsNumber,
		IE_bgpDestinationAsNumber,  IE_bgpNextHopIPv4Address,
		IE_bgpNextHopIPv6Address,   IE_bgpNextAdjacentAsNumber,
		IE_bgpPrevAdjacentAsNumber, IE_sourceIPv4Prefix,
		IE_destinationIPv4Prefix,   IE_sourceIPv6Prefix,
		IE_destinationIPv6Prefix,   IE_forwardingStatus,
		IE_egressPhysicalInterface,
	};
	const char *all[256];
	size_t i, nroute = 0;
	int n, k;

	for (i = 0; i < sizeof(routed) / sizeof(routed[0]); i++)
		ck_assert(ie_has(routed[i], FACT_ROUTE));
	for (i = 0; i < IE_COUNT; i++) {
		nroute += ie_has((unsigned int)i, FACT_ROUTE) != 0;
		/* a measured value or a route is never a key */
		if (ie_table[i].facts & (FACT_MEASURED | FACT_ROUTE))
			ck_assert_int_ne(ie_table[i].use, KEY);
		if (ie_table[i].facts & FACT_FIRST)
			ck_assert_int_eq(ie_table[i].use, KEY);
		/* every FNF name leads back to its element (the two
		 * "flow sampler" ones to the v9 one) */
		if (ie_table[i].fnf && i != IE_selectorId)
			ck_assert_int_eq(ie_fnf_find(ie_table[i].fnf), (int)i);
	}
	ck_assert_uint_eq(nroute, sizeof(routed) / sizeof(routed[0]));
	ck_assert(ie_has(IE_ipClassOfService, FACT_FIRST));
	/* what a record's elements say of the flows it describes */
	ck_assert(ie_has(IE_destinationIPv4Address, FACT_ADDR4));
	ck_assert(ie_has(IE_sourceIPv6Address, FACT_ADDR6));
	ck_assert(ie_has(IE_tunnelSourceIPv4Address, FACT_TUN4));
	ck_assert(ie_has(IE_tunnelDestinationIPv6Address, FACT_TUN6));
	ck_assert(ie_has(IE_pppacProtocol, FACT_PPPAC));
	ck_assert(!ie_has(IE_ingressInterface,
			  FACT_ADDR4 | FACT_ADDR6 | FACT_TUN4 | FACT_TUN6));
	for (i = 0; i < template_ndefs; i++) {
		struct template_user u;
		const struct template_def *t = &template_defs[i];
		const char *key[TEMPLATE_MAX_ELEM], *val[TEMPLATE_MAX_ELEM];
		size_t nkey = 0, nval = 0;
		char err[256];
		uint8_t e;

		/* a record of a predefined template's elements is of the
		 * same flows */
		for (e = 0; e < t->nelem; e++) {
			const struct ie *ie = &ie_table[t->elem[e]];

			if (ie->use == KEY)
				key[nkey++] = ie->name;
			else
				val[nval++] = ie->name;
		}
		ck_assert_int_eq(template_build(&u, "r", key, nkey, val, nval,
						err, sizeof(err)),
				 0);
		ck_assert_uint_eq(u.def.ipver, t->ipver);
		ck_assert_uint_eq(u.def.tunnel, t->tunnel);
		ck_assert_uint_eq(u.def.pppac, t->pppac);
	}
	ck_assert(ie_has(IE_octetDeltaCount, FACT_MEASURED));
	ck_assert(!ie_has(IE_COUNT, FACT_ROUTE));
	ck_assert_str_eq(ie_fnf_name(IE_sourceIPv4Address), "ipv4 source "
							    "address");
	ck_assert_str_eq(ie_fnf_name(IE_selectorId), "flow sampler");
	ck_assert_ptr_null(ie_fnf_name(IE_tunnelSourceIPv4Address));
	ck_assert_ptr_null(ie_fnf_name(IE_COUNT));
	ck_assert_int_eq(ie_fnf_find("flow sampler"), IE_samplerId);
	ck_assert_int_eq(ie_fnf_find("ipv6 traffic-class"),
			 IE_ipClassOfService);
	ck_assert_int_eq(ie_fnf_find("counter bytes"), IE_octetDeltaCount);
	ck_assert_int_eq(ie_fnf_find("counter bytes long"), IE_octetDeltaCount);
	ck_assert_int_eq(ie_fnf_find("Counter Bytes"), -1);
	/* the candidates of "did you mean": names and spellings alike */
	n = ie_fnf_spellings(all, 256);
	ck_assert_int_gt(n, 40);
	for (k = 0; k < n; k++)
		ck_assert_int_ge(ie_fnf_find(all[k]), 0);
	ck_assert_int_eq(ie_fnf_spellings(all, 3), 3);
}
END_TEST

static Suite *templates_suite(void)
{
	Suite *s = suite_create("templates");
	TCase *tc;

	tc = tcase_create("wire");
	tcase_add_loop_test(tc, template_on_wire, 0, (int)NSPEC);
	suite_add_tcase(s, tc);

	tc = tcase_create("table");
	tcase_add_test(tc, enterprise_flag);
	tcase_add_test(tc, source_mac_is_56);
	tcase_add_test(tc, find_and_closest);
	tcase_add_test(tc, element_facts);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(templates_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
