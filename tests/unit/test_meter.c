// SPDX-License-Identifier: BSD-2-Clause
/*
 * test_meter.c - the metering process (meter/meter.c) on crafted frames:
 * every link type it meters, tunnels, fragments, the malformed and
 * non-IP counters, sampling, the keys the templates ask for, and the
 * records its cache ends (FIN/RST, the timers on the packet path, cache
 * pressure) with their flowEndReason.
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "meter/meter.h"
#include "templates/templates.h"

#include "frame_build.h"

#define NS 1000000000ull
#define T0 (1700000000ull * NS)

/* Every record the cache ends, in order. */
struct rec {
	struct flow f;
	enum flow_end_reason reason;
};

struct mt {
	struct meter m;
	struct meter_cfg cfg;
	struct obs_point op;
	struct rec r[64];
	size_t n;
};

static void record_cb(void *ctx, const struct flow *f,
		      enum flow_end_reason reason)
{
	struct mt *t = ctx;

	ck_assert_uint_lt(t->n, sizeof(t->r) / sizeof(t->r[0]));
	t->r[t->n].f = *f;
	t->r[t->n].reason = reason;
	t->n++;
}

/*
 * A meter over link type dlt whose cache holds capacity flows (timers:
 * active 30 s, inactive 15 s), keyed as the templates named (NULL: no
 * configuration, the five-tuple).
 */
static struct mt *mt_new(int dlt, const char *const *tmpl, uint32_t capacity)
{
	const struct template_def *defs[METER_MAX_TEMPLATES];
	struct mt *t = calloc(1, sizeof(*t));
	size_t n = 0;

	ck_assert_ptr_nonnull(t);
	t->op.link = link_lookup(dlt);
	ck_assert_ptr_nonnull(t->op.link);
	t->op.ifindex = 7;
	t->m.fc = flowcache_new(capacity, 30 * NS, 15 * NS, record_cb, t);
	ck_assert_ptr_nonnull(t->m.fc);
	if (tmpl) {
		for (n = 0; tmpl[n]; n++) {
			defs[n] = template_find(tmpl[n]);
			ck_assert_ptr_nonnull(defs[n]);
		}
		meter_configure(&t->cfg, defs, n);
		flowcache_set_key_len(t->m.fc, t->cfg.key_len);
		t->m.cfg = &t->cfg;
	}
	return t;
}

static void mt_free(struct mt *t)
{
	flowcache_free(t->m.fc);
	free(t);
}

static void mt_packet(struct mt *t, const struct pkt *k, uint64_t ts)
{
	meter_packet(&t->m, &t->op, k->b, (uint32_t)k->n, (uint32_t)k->n, ts);
}

/* Account the batch and end every flow (FORCED): their records, in t->r. */
static void mt_end(struct mt *t)
{
	meter_flush(&t->m);
	flowcache_flush(t->m.fc, FLOW_END_FORCED);
}

/* An IPv4 TCP segment sport -> dport with flags and TOS, 50 octets. */
static void v4_tcp(struct pkt *k, uint16_t sport, uint16_t dport, uint8_t flags,
		   uint8_t tos)
{
	size_t ip = ip4_begin(k, 6, 5, 0);

	k->b[ip + 1] = tos;
	tcp(k, sport, dport, flags);
	pfill(k, 0xcc, 10);
	ip4_end(k, ip);
}

static void eth_v4_tcp(struct pkt *k, uint16_t sport, uint8_t flags)
{
	k->n = 0;
	eth(k, 0x0800);
	v4_tcp(k, sport, 80, flags, 0);
}

/* The one record of an IPv4 TCP 1234 -> 80 packet of 50 octets. */
static void assert_one_v4(const struct mt *t)
{
	const struct flow *f = &t->r[0].f;

	ck_assert_uint_eq(t->n, 1);
	ck_assert_uint_eq(t->r[0].reason, FLOW_END_FORCED);
	ck_assert_uint_eq(f->key.ipver, 4);
	ck_assert_uint_eq(f->key.proto, 6);
	ck_assert_mem_eq(f->key.src, SRC4, 4);
	ck_assert_mem_eq(f->key.dst, DST4, 4);
	ck_assert_uint_eq(f->key.sport, 1234);
	ck_assert_uint_eq(f->key.dport, 80);
	ck_assert_uint_eq(f->key.ifindex, 7);
	ck_assert_uint_eq(f->packets, 1);
	ck_assert_uint_eq(f->octets, 50);
	ck_assert_uint_eq(f->first_ns, T0);
	ck_assert_uint_eq(t->m.st.packets, 1);
	ck_assert_uint_eq(t->m.st.metered, 1);
	ck_assert_uint_eq(t->m.st.octets, 50);
	ck_assert_uint_eq(t->m.st.sizes[0][meter_size_bin(50)], 1);
}

/* ---------------------------------------------------------------------- */
/* Link types                                                             */

START_TEST(link_ethernet_vlan_qinq)
{
	struct pkt k = { .n = 0 };
	struct mt *t;
	int tags;

	for (tags = 0; tags <= 2; tags++) {
		t = mt_new(1, NULL, 16);
		k.n = 0;
		if (tags == 0) {
			eth(&k, 0x0800);
		} else if (tags == 1) {
			eth(&k, 0x8100);
			vlan_tag(&k, 100, 0x0800);
		} else {
			eth(&k, 0x88a8);
			vlan_tag(&k, 200, 0x8100);
			vlan_tag(&k, 100, 0x0800);
		}
		ip4_tcp(&k, 0x10);
		mt_packet(t, &k, T0);
		mt_end(t);
		assert_one_v4(t);
		mt_free(t);
	}
}
END_TEST

START_TEST(link_sll_sll2_raw_ipv4_null)
{
	static const int dlts[] = { 113, 276, 101, 12, 228, 0 };
	struct pkt k;
	size_t i;

	for (i = 0; i < sizeof(dlts) / sizeof(dlts[0]); i++) {
		struct mt *t = mt_new(dlts[i], NULL, 16);

		k.n = 0;
		if (dlts[i] == 113) {
			pfill(&k, 0, 14);
			p16(&k, 0x0800);
		} else if (dlts[i] == 276) {
			p16(&k, 0x0800);
			pfill(&k, 0, 18);
		} else if (dlts[i] == 0) {
			p32(&k, 0x02000000); /* AF_INET, little endian */
		}
		ip4_tcp(&k, 0x10);
		mt_packet(t, &k, T0);
		mt_end(t);
		assert_one_v4(t);
		mt_free(t);
	}
}
END_TEST

START_TEST(link_ipv6)
{
	static const int dlts[] = { 1, 229, 101 };
	struct pkt k;
	size_t i;

	for (i = 0; i < 3; i++) {
		struct mt *t = mt_new(dlts[i], NULL, 16);
		const struct flow *f = &t->r[0].f;

		k.n = 0;
		if (dlts[i] == 1)
			eth(&k, 0x86dd);
		ip6_udp(&k);
		mt_packet(t, &k, T0);
		mt_end(t);
		ck_assert_uint_eq(t->n, 1);
		ck_assert_uint_eq(f->key.ipver, 6);
		ck_assert_uint_eq(f->key.proto, 17);
		ck_assert_mem_eq(f->key.src, SRC6, 16);
		ck_assert_mem_eq(f->key.dst, DST6, 16);
		ck_assert_uint_eq(f->key.sport, 5353);
		ck_assert_uint_eq(f->key.dport, 53);
		ck_assert_uint_eq(f->octets, 40 + 8 + 12);
		ck_assert_uint_eq(t->m.st.sizes[1][meter_size_bin(60)], 1);
		ck_assert_uint_eq(t->m.st.sizes[0][meter_size_bin(60)], 0);
		mt_free(t);
	}
}
END_TEST

/* At an egress point the observed interface is the output (oif), the
 * input unknown to libpcap (0), the direction 1. */
START_TEST(egress_point)
{
	struct mt *t = mt_new(1, NULL, 16);
	struct pkt k;

	t->op.dir = 1;
	t->op.ifindex = 9;
	eth_v4_tcp(&k, 1234, 0x10);
	mt_packet(t, &k, T0);
	mt_end(t);
	ck_assert_uint_eq(t->n, 1);
	ck_assert_uint_eq(t->r[0].f.key.ifindex, 0);
	ck_assert_uint_eq(t->r[0].f.key.dir, 1);
	ck_assert_uint_eq(t->r[0].f.oif, 9);
	mt_free(t);
}
END_TEST

/* A snap length cut: the IP length counts up to the wire's length. */
START_TEST(snaplen_cut)
{
	struct mt *t = mt_new(1, NULL, 16);
	struct pkt k;

	eth_v4_tcp(&k, 1234, 0x10);
	meter_packet(&t->m, &t->op, k.b, 14 + 40, (uint32_t)k.n, T0);
	mt_end(t);
	assert_one_v4(t);
	ck_assert_uint_eq(t->m.st.malformed[-PARSE_ERR_TRUNCATED], 0);
	mt_free(t);
}
END_TEST

/* ---------------------------------------------------------------------- */
/* Not metered: non-IP and malformed frames, each in its counter          */

START_TEST(non_ip)
{
	struct mt *t = mt_new(1, NULL, 16);
	struct pkt k = { .n = 0 };
	size_t i;

	eth(&k, 0x0806); /* ARP */
	pfill(&k, 0, 28);
	mt_packet(t, &k, T0);
	mt_end(t);
	ck_assert_uint_eq(t->n, 0);
	ck_assert_uint_eq(t->m.st.packets, 1);
	ck_assert_uint_eq(t->m.st.non_ip, 1);
	ck_assert_uint_eq(t->m.st.metered, 0);
	for (i = 0; i <= PARSE_NERR; i++)
		ck_assert_uint_eq(t->m.st.malformed[i], 0);
	/* not "ignored": the statistics records count only what is lost */
	ck_assert_uint_eq(t->m.st.ignored_first_ns, 0);
	mt_free(t);
}
END_TEST

/* A frame of each malformed kind: the reason's counter, its wire octets,
 * the times of the first and the last, and no flow. */
START_TEST(malformed_counted)
{
	struct mt *t = mt_new(1, NULL, 16);
	struct pkt k;
	uint64_t octets = 0;
	int reason, i;
	size_t ip;

	for (reason = 1; reason <= PARSE_NERR; reason++) {
		k.n = 0;
		switch (-reason) {
		case PARSE_ERR_TRUNCATED:
			eth_v4_tcp(&k, 1234, 0x10);
			k.n = 14 + 10; /* inside the IPv4 header */
			break;
		case PARSE_ERR_VERSION:
			eth_v4_tcp(&k, 1234, 0x10);
			k.b[14] = 0x65;
			break;
		case PARSE_ERR_IHL:
			eth_v4_tcp(&k, 1234, 0x10);
			k.b[14] = 0x44;
			break;
		case PARSE_ERR_TOTAL_LENGTH:
			eth_v4_tcp(&k, 1234, 0x10);
			set16(&k, 14 + 2, 400);
			break;
		case PARSE_ERR_IPV6_EXT:
			eth(&k, 0x86dd);
			ip = ip6_begin(&k, 0);
			p8(&k, 6);
			p8(&k, 200);
			pfill(&k, 0, 6);
			ip6_end(&k, ip);
			break;
		case PARSE_ERR_VLAN_DEPTH:
			eth(&k, 0x8100);
			for (i = 0; i < PARSE_MAX_VLAN; i++)
				vlan_tag(&k, 1, 0x8100);
			vlan_tag(&k, 1, 0x0800);
			ip4_tcp(&k, 0x10);
			break;
		default:
			ck_abort_msg("reason %d has no frame here", reason);
		}
		octets += k.n;
		mt_packet(t, &k, T0 + (uint64_t)reason * NS);
		ck_assert_msg(t->m.st.malformed[reason] == 1, "%s: %llu",
			      meter_malformed_name(reason),
			      (unsigned long long)t->m.st.malformed[reason]);
	}
	mt_end(t);
	ck_assert_uint_eq(t->n, 0);
	ck_assert_uint_eq(t->m.st.packets, PARSE_NERR);
	ck_assert_uint_eq(t->m.st.metered, 0);
	ck_assert_uint_eq(t->m.st.non_ip, 0);
	ck_assert_uint_eq(t->m.st.malformed_octets, octets);
	ck_assert_uint_eq(t->m.st.ignored_first_ns, T0 + NS);
	ck_assert_uint_eq(t->m.st.ignored_last_ns, T0 + PARSE_NERR * NS);
	ck_assert_str_eq(meter_malformed_name(-PARSE_ERR_TRUNCATED), "truncate"
								     "d");
	ck_assert_str_eq(meter_malformed_name(-PARSE_ERR_VLAN_DEPTH), "vlan_"
								      "depth");
	ck_assert_str_eq(meter_malformed_name(0), "unknown");
	ck_assert_str_eq(meter_malformed_name(PARSE_NERR + 1), "unknown");
	mt_free(t);
}
END_TEST

/* ---------------------------------------------------------------------- */
/* Fragments and tunnels                                                  */

/* Only the first fragment has ports: a later one is a flow of its own
 * with the protocol and no ports (IPv4 and IPv6). */
START_TEST(fragments)
{
	struct mt *t = mt_new(1, NULL, 16);
	struct pkt k = { .n = 0 };
	size_t ip, i;
	int first = 0, later = 0;

	eth(&k, 0x0800);
	ip = ip4_begin(&k, 6, 5, 0x2000); /* MF, offset 0 */
	tcp(&k, 1234, 80, 0x10);
	ip4_end(&k, ip);
	mt_packet(t, &k, T0);
	k.n = 0;
	eth(&k, 0x0800);
	ip = ip4_begin(&k, 6, 5, 0x0003); /* offset 24 */
	pfill(&k, 0, 16);
	ip4_end(&k, ip);
	mt_packet(t, &k, T0 + 1);
	/* IPv6: a fragment header at offset 8 carrying UDP */
	k.n = 0;
	eth(&k, 0x86dd);
	ip = ip6_begin(&k, 44);
	p8(&k, 17);
	p8(&k, 0);
	p16(&k, 8 << 3);
	p32(&k, 0x55);
	pfill(&k, 0, 16);
	ip6_end(&k, ip);
	mt_packet(t, &k, T0 + 2);
	mt_end(t);
	ck_assert_uint_eq(t->n, 3);
	ck_assert_uint_eq(t->m.st.metered, 3);
	for (i = 0; i < t->n; i++) {
		const struct flow_key *key = &t->r[i].f.key;

		if (key->ipver == 6) {
			ck_assert_uint_eq(key->proto, 17);
			ck_assert_uint_eq(key->sport, 0);
			ck_assert_uint_eq(key->dport, 0);
			ck_assert_uint_eq(t->r[i].f.octets, 40 + 8 + 16);
		} else if (key->sport == 1234) {
			first++;
			ck_assert_uint_eq(key->dport, 80);
			ck_assert_uint_eq(t->r[i].f.octets, 40);
		} else {
			later++;
			ck_assert_uint_eq(key->proto, 6);
			ck_assert_uint_eq(key->dport, 0);
			ck_assert_uint_eq(t->r[i].f.octets, 36);
		}
	}
	ck_assert_int_eq(first, 1);
	ck_assert_int_eq(later, 1);
	mt_free(t);
}
END_TEST

/* GRE opened when a template describes IPv4 in IPv4: the inner packet is
 * the flow, the outer addresses its tunnel key. */
START_TEST(tunnel_gre_opened)
{
	static const char *const tmpl[] = { "ipv4-five-tuple",
					    "tun4-ipv4-five-tuple-iij", NULL };
	struct mt *t = mt_new(1, tmpl, 16);
	const struct flow *f = &t->r[0].f;
	struct pkt k;

	ck_assert_uint_eq(t->cfg.key_len, FLOW_KEY_FULL_LEN);
	ck_assert_uint_ne(t->cfg.decap & PARSE_DECAP_BIT(4, 4), 0);
	gre_frame(&k, 0x2000, 0x4000);
	mt_packet(t, &k, T0);
	mt_end(t);
	ck_assert_uint_eq(t->n, 1);
	ck_assert_uint_eq(t->m.st.tunnelled, 1);
	ck_assert_uint_eq(f->key.proto, 6);
	ck_assert_uint_eq(f->key.sport, 1234);
	ck_assert_uint_eq(f->key.tun_ver, 4);
	ck_assert_mem_eq(f->key.tun_src, SRC4, 4);
	ck_assert_mem_eq(f->key.tun_dst, DST4, 4);
	ck_assert_uint_eq(f->key.tmpl, 1); /* the tunnel template */
	ck_assert_uint_eq(f->octets, 50);
	ck_assert_uint_eq(f->tcp_flags, 0x18);
	mt_free(t);
}
END_TEST

/* Without a tunnel template GRE is a flow of its own (protocol 47). */
START_TEST(tunnel_gre_not_opened)
{
	static const char *const tmpl[] = { "ipv4-five-tuple", NULL };
	struct mt *t = mt_new(1, tmpl, 16);
	struct pkt k;

	gre_frame(&k, 0x2000, 0x4000);
	mt_packet(t, &k, T0);
	mt_end(t);
	ck_assert_uint_eq(t->n, 1);
	ck_assert_uint_eq(t->m.st.tunnelled, 0);
	ck_assert_uint_eq(t->r[0].f.key.proto, 47);
	ck_assert_uint_eq(t->r[0].f.key.tmpl, 0);
	ck_assert_uint_eq(t->r[0].f.octets, 20 + 8 + 50);
	mt_free(t);
}
END_TEST

/* No template describes the class: counted as no-fit, not metered. */
START_TEST(nofit)
{
	static const char *const tmpl[] = { "ipv6-five-tuple", NULL };
	struct mt *t = mt_new(1, tmpl, 16);
	struct pkt k;

	eth_v4_tcp(&k, 1234, 0x10);
	mt_packet(t, &k, T0);
	mt_end(t);
	ck_assert_uint_eq(t->n, 0);
	ck_assert_uint_eq(t->m.st.metered, 0);
	ck_assert_uint_eq(t->m.st.nofit[NOFIT_IPV4], 1);
	ck_assert_uint_eq(t->m.st.nofit_octets[NOFIT_IPV4], 50);
	ck_assert_uint_eq(t->m.st.ignored_first_ns, T0);
	mt_free(t);
}
END_TEST

/* IPv4 in IPv4 and IPv6 in IPv4, each flow with the template of its
 * inner version. */
START_TEST(tunnel_ipip_6in4)
{
	static const char *const tmpl[] = { "tun4-ipv4-five-tuple-iij",
					    "tun4-ipv6-five-tuple-iij", NULL };
	struct mt *t = mt_new(1, tmpl, 16);
	struct pkt k;
	size_t o, i;

	ck_assert_uint_eq(t->cfg.decap,
			  PARSE_DECAP_BIT(4, 4) | PARSE_DECAP_BIT(4, 6));
	o = outer4(&k, 4, 0);
	ip4_tcp(&k, 0x10);
	ip4_end(&k, o);
	mt_packet(t, &k, T0);
	o = outer4(&k, 41, 0);
	ip6_udp(&k);
	ip4_end(&k, o);
	mt_packet(t, &k, T0 + 1);
	mt_end(t);
	ck_assert_uint_eq(t->n, 2);
	ck_assert_uint_eq(t->m.st.tunnelled, 2);
	for (i = 0; i < 2; i++) {
		const struct flow_key *key = &t->r[i].f.key;

		ck_assert_uint_eq(key->tun_ver, 4);
		ck_assert_mem_eq(key->tun_src, SRC4, 4);
		ck_assert_mem_eq(key->tun_dst, DST4, 4);
		ck_assert_uint_eq(key->tmpl, key->ipver == 6 ? 1 : 0);
		ck_assert_uint_eq(t->r[i].f.octets, key->ipver == 6 ? 60 : 50);
	}
	mt_free(t);
}
END_TEST

/* An IPv6 outer header (IPv4 inside): the tunnel key is IPv6; without
 * a template for it, an IPv4-outer tunnel is not opened and an untunnelled
 * IPv4 packet fits no template. */
START_TEST(tunnel_outer_ipv6)
{
	static const char *const tmpl[] = { "tun6-ipv4-five-tuple-iij", NULL };
	struct mt *t = mt_new(1, tmpl, 16);
	const struct flow_key *key = &t->r[0].f.key;
	struct pkt k = { .n = 0 };
	size_t o;

	eth(&k, 0x86dd);
	o = ip6_begin(&k, 4);
	ip4_tcp(&k, 0x10);
	ip6_end(&k, o);
	mt_packet(t, &k, T0);
	gre_frame(&k, 0, 0);
	mt_packet(t, &k, T0 + 1);
	mt_end(t);
	ck_assert_uint_eq(t->n, 1);
	ck_assert_uint_eq(key->ipver, 4);
	ck_assert_uint_eq(key->sport, 1234);
	ck_assert_uint_eq(key->tun_ver, 6);
	ck_assert_mem_eq(key->tun_src, SRC6, 16);
	ck_assert_mem_eq(key->tun_dst, DST6, 16);
	ck_assert_uint_eq(t->m.st.nofit[NOFIT_IPV4], 1);
	ck_assert_uint_eq(t->m.st.nofit_octets[NOFIT_IPV4], 20 + 4 + 50);
	mt_free(t);
}
END_TEST

/* A tunnel interface: packets arrive decapsulated; its endpoints are the
 * tunnel, from the remote end at ingress and to it at egress. */
START_TEST(tunnel_interface)
{
	static const char *const tmpl[] = { "tun4-ipv4-five-tuple-iij", NULL };
	static const uint8_t local[16] = { 10, 0, 0, 1 };
	static const uint8_t remote[16] = { 10, 0, 0, 2 };
	int dir;

	for (dir = 0; dir < 2; dir++) {
		struct mt *t = mt_new(12, tmpl, 16);
		const struct flow_key *key = &t->r[0].f.key;
		struct pkt k = { .n = 0 };

		t->op.dir = (uint8_t)dir;
		obs_point_tunnel(&t->op, 4, local, remote);
		ip4_tcp(&k, 0x10);
		mt_packet(t, &k, T0);
		mt_end(t);
		ck_assert_uint_eq(t->n, 1);
		ck_assert_uint_eq(t->m.st.tunnelled, 0);
		ck_assert_uint_eq(key->tun_ver, 4);
		ck_assert_mem_eq(key->tun_src, dir ? local : remote, 16);
		ck_assert_mem_eq(key->tun_dst, dir ? remote : local, 16);
		mt_free(t);
	}
}
END_TEST

/* A PPP session interface: with its endpoints from the alias (the tunnel)
 * only the pppac template fits; a PPPoE session (no endpoints) takes the
 * first template of its family (README: other templates fit those too);
 * a session no template fits counts as pppac no-fit. */
START_TEST(pppac_sessions)
{
	static const char *const tmpl[] = { "ipv4-five-tuple",
					    "pppac4-ipv4-five-tuple-iij",
					    NULL };
	static const char *const plain[] = { "ipv4-five-tuple", NULL };
	static const uint8_t remote[4] = { 192, 0, 2, 9 };
	static const uint8_t local[4] = { 198, 51, 100, 1 };
	struct mt *t = mt_new(12, tmpl, 16);
	const struct flow_key *key = &t->r[0].f.key;
	struct pkt k = { .n = 0 };

	obs_point_pppac(&t->op, "L2TPv2 alice 192.0.2.9 198.51.100.1");
	ck_assert_uint_eq(t->op.pppac, 1);
	ip4_tcp(&k, 0x10);
	mt_packet(t, &k, T0);
	mt_end(t);
	ck_assert_uint_eq(t->n, 1);
	ck_assert_uint_eq(key->tmpl, 1);
	ck_assert_uint_eq(key->tun_ver, 4);
	ck_assert_mem_eq(key->tun_src, remote, 4);
	ck_assert_mem_eq(key->tun_dst, local, 4);
	mt_free(t);

	t = mt_new(12, tmpl, 16);
	key = &t->r[0].f.key;
	obs_point_pppac(&t->op, "PPPoE bob");
	mt_packet(t, &k, T0);
	mt_end(t);
	ck_assert_uint_eq(t->n, 1);
	ck_assert_uint_eq(key->tmpl, 0);
	ck_assert_uint_eq(key->tun_ver, 0);
	mt_free(t);

	/* ... and the pppac template with IPv4 endpoints (zero) */
	t = mt_new(12, tmpl + 1, 16);
	key = &t->r[0].f.key;
	obs_point_pppac(&t->op, "PPPoE bob");
	mt_packet(t, &k, T0);
	mt_end(t);
	ck_assert_uint_eq(t->n, 1);
	ck_assert_uint_eq(key->tmpl, 0);
	ck_assert_uint_eq(key->tun_ver, 0);
	mt_free(t);

	t = mt_new(12, plain, 16);
	obs_point_pppac(&t->op, "L2TPv2 carol 192.0.2.9 198.51.100.1");
	mt_packet(t, &k, T0);
	mt_end(t);
	ck_assert_uint_eq(t->n, 0);
	ck_assert_uint_eq(t->m.st.nofit[NOFIT_PPPAC], 1);
	mt_free(t);
}
END_TEST

START_TEST(pppac_alias)
{
	struct pppac_info pa;
	static const uint8_t v6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };

	ck_assert_int_eq(
		pppac_parse("L2TPv2 alice 2001:db8::1 2001:db8::2", &pa), 0);
	ck_assert_str_eq(pa.proto, "L2TPv2");
	ck_assert_str_eq(pa.user, "alice");
	ck_assert_uint_eq(pa.tun_ver, 6);
	ck_assert_mem_eq(pa.remote, v6, 16);
	ck_assert_uint_eq(pa.local[15], 2);
	/* mixed families: no endpoints, nothing left of them */
	ck_assert_int_eq(pppac_parse("PPTP bob 192.0.2.1 2001:db8::2", &pa), 0);
	ck_assert_str_eq(pa.proto, "PPTP");
	ck_assert_uint_eq(pa.tun_ver, 0);
	ck_assert_uint_eq(pa.remote[0], 0);
	ck_assert_uint_eq(pa.local[0], 0);
	/* a bare user; an unknown protocol word is a user name */
	ck_assert_int_eq(pppac_parse("carol", &pa), 0);
	ck_assert_str_eq(pa.proto, "");
	ck_assert_str_eq(pa.user, "carol");
	ck_assert_int_eq(pppac_parse("SSTP dave", &pa), 0);
	ck_assert_str_eq(pa.user, "SSTP");
	ck_assert_int_eq(pppac_parse("", &pa), -1);
	ck_assert_int_eq(pppac_parse(" \t", &pa), -1);
	ck_assert_int_eq(pppac_parse(NULL, &pa), -1);
	ck_assert(pppac_is_ppp("eth0", "ppp"));
	ck_assert(!pppac_is_ppp("ppp0", "veth"));
	ck_assert(pppac_is_ppp("ppp3", NULL));
	ck_assert(!pppac_is_ppp("eth0", ""));
}
END_TEST

/* Records parsed in the kernel (--capture ebpf): metered the same, the
 * input interface the kernel's at an egress point, never counted as
 * handed to the meter (the caller counts them), sampled here. */
START_TEST(meter_info_records)
{
	struct mt *t = mt_new(1, NULL, 16);
	struct sampler s;
	struct pkt_info pi;
	int i;

	memset(&pi, 0, sizeof(pi));
	pi.ipver = 4;
	pi.proto = 17;
	memcpy(pi.src, SRC4, 4);
	memcpy(pi.dst, DST4, 4);
	pi.sport = 53;
	pi.dport = 5353;
	pi.octets = 100;
	t->m.cpu = 3;
	meter_info(&t->m, &t->op, &pi, 99, T0);
	t->op.dir = 1;
	t->op.ifindex = 9;
	meter_info(&t->m, &t->op, &pi, 4, T0 + 1);
	mt_end(t);
	ck_assert_uint_eq(t->n, 2);
	ck_assert_uint_eq(t->m.st.packets, 0);
	ck_assert_uint_eq(t->m.st.metered, 2);
	ck_assert_uint_eq(t->m.st.octets, 200);
	for (i = 0; i < 2; i++) {
		const struct flow *f = &t->r[i].f;

		ck_assert_uint_eq(f->cpu, 3);
		if (f->key.dir) {
			ck_assert_uint_eq(f->key.ifindex, 4);
			ck_assert_uint_eq(f->oif, 9);
		} else {
			ck_assert_uint_eq(f->key.ifindex, 7);
			ck_assert_uint_eq(f->oif, 0);
		}
	}
	sampler_init(&s, SAMPLER_DETERMINISTIC, 2, 1);
	meter_set_sampler(&t->m, &s);
	for (i = 0; i < 10; i++)
		meter_info(&t->m, &t->op, &pi, 4, T0 + NS);
	ck_assert_uint_eq(t->m.st.sampled_out, 5);
	ck_assert_uint_eq(t->m.st.metered, 2 + 5);
	mt_free(t);
}
END_TEST

/* ---------------------------------------------------------------------- */
/* Keys: what the templates ask for tells flows apart, nothing else       */

/* The same five-tuple from two source MACs: one flow for the five-tuple
 * template, two for the seven-tuple (with the MACs in the key). */
START_TEST(keys_five_vs_seven)
{
	static const char *const five[] = { "ipv4-five-tuple", NULL };
	static const char *const seven[] = { "ipv4-seven-tuple", NULL };
	const char *const *tmpl[2] = { five, seven };
	int i;

	for (i = 0; i < 2; i++) {
		struct mt *t = mt_new(1, tmpl[i], 16);
		struct pkt k;

		eth_v4_tcp(&k, 1234, 0x10);
		mt_packet(t, &k, T0);
		k.b[11] ^= 0x01; /* the source MAC's last octet */
		mt_packet(t, &k, T0 + 1);
		mt_end(t);
		ck_assert_uint_eq(t->n, i ? 2 : 1);
		/* the seven-tuple's part of the key, no tunnel endpoints */
		ck_assert_uint_eq(t->cfg.key_len,
				  i ? FLOW_KEY_L2_LEN : FLOW_KEY_BASE_LEN);
		if (i) {
			ck_assert_mem_eq(t->r[0].f.key.dmac, DMAC, 6);
			ck_assert_uint_eq(t->r[0].f.key.ethertype, 0x0800);
			ck_assert_uint_eq(t->r[0].f.key.smac[5] ^
						  t->r[1].f.key.smac[5],
					  0x01);
		} else {
			ck_assert_uint_eq(t->r[0].f.packets, 2);
		}
		mt_free(t);
	}
}
END_TEST

/* A user template keyed on the addresses and the TOS only: ports are
 * left out of the key (zero), a different TOS is another flow. */
START_TEST(keys_user_template)
{
	static const uint8_t elem[] = {
		IE_sourceIPv4Address, IE_destinationIPv4Address,
		IE_ipClassOfService,  IE_sourceTransportPort,
		IE_packetDeltaCount,
	};
	const struct template_def def = {
		.name = "addr-tos",
		.ipver = 4,
		.nelem = sizeof(elem),
		.elem = elem,
		.keymask = 0x7,
	};
	const struct template_def *defs[1] = { &def };
	struct mt *t = mt_new(1, NULL, 16);
	struct pkt k = { .n = 0 };
	size_t i;

	meter_configure(&t->cfg, defs, 1);
	ck_assert_uint_eq(t->cfg.keys[0], MKEY_SRC | MKEY_DST | MKEY_TOS);
	ck_assert_uint_eq(t->cfg.key_len, FLOW_KEY_L2_LEN); /* up to tos */
	flowcache_set_key_len(t->m.fc, t->cfg.key_len);
	t->m.cfg = &t->cfg;
	for (i = 0; i < 4; i++) {
		k.n = 0;
		eth(&k, 0x0800);
		v4_tcp(&k, (uint16_t)(1000 + i), (uint16_t)(80 + i), 0x10,
		       i == 3 ? 0xb8 : 0);
		mt_packet(t, &k, T0 + i);
	}
	mt_end(t);
	ck_assert_uint_eq(t->n, 2);
	for (i = 0; i < 2; i++) {
		const struct flow *f = &t->r[i].f;

		ck_assert_uint_eq(f->key.sport, 0);
		ck_assert_uint_eq(f->key.dport, 0);
		ck_assert_uint_eq(f->key.proto, 0);
		ck_assert_uint_eq(f->key.ifindex, 0);
		ck_assert_mem_eq(f->key.src, SRC4, 4);
		ck_assert_uint_eq(f->packets, f->key.tos == 0xb8 ? 1 : 3);
	}
	mt_free(t);
}
END_TEST

/* FNF's dscp as a key (issue 16): the TOS octet less its ECN bits, so
 * that packets differing in ECN only are one flow; precedence its top
 * three bits. */
START_TEST(keys_dscp_precedence)
{
	static const uint8_t e_dscp[] = { IE_sourceIPv4Address,
					  IE_ipDiffServCodePoint,
					  IE_packetDeltaCount };
	static const uint8_t e_prec[] = { IE_sourceIPv4Address, IE_ipPrecedence,
					  IE_packetDeltaCount };
	static const uint8_t tos[] = { 0xb8, 0xb9, 0xbb, 0xa0, 0x28 };
	const struct template_def d_dscp = { .name = "dscp",
					     .ipver = 4,
					     .nelem = 3,
					     .elem = e_dscp,
					     .keymask = 0x3 };
	const struct template_def d_prec = { .name = "prec",
					     .ipver = 4,
					     .nelem = 3,
					     .elem = e_prec,
					     .keymask = 0x3 };
	const struct template_def *defs[2] = { &d_dscp, &d_prec };
	struct pkt k = { .n = 0 };
	int j;
	size_t i;

	for (j = 0; j < 2; j++) {
		struct mt *t = mt_new(1, NULL, 16);

		meter_configure(&t->cfg, defs + j, 1);
		ck_assert_uint_eq(t->cfg.keys[0],
				  MKEY_SRC | (j ? MKEY_PREC : MKEY_DSCP));
		ck_assert_uint_eq(t->cfg.key_len, FLOW_KEY_L2_LEN);
		flowcache_set_key_len(t->m.fc, t->cfg.key_len);
		t->m.cfg = &t->cfg;
		for (i = 0; i < sizeof(tos); i++) {
			k.n = 0;
			eth(&k, 0x0800);
			v4_tcp(&k, 1000, 80, 0x10, tos[i]);
			mt_packet(t, &k, T0 + i);
		}
		mt_end(t);
		/* dscp: 46 (x3), 40, 10; precedence: 5 (x4), 1 */
		ck_assert_uint_eq(t->n, j ? 2 : 3);
		for (i = 0; i < t->n; i++) {
			const struct flow *f = &t->r[i].f;

			if (j)
				ck_assert_uint_eq(f->packets,
						  f->key.tos == 0xa0 ? 4 : 1);
			else
				ck_assert_uint_eq(f->packets,
						  f->key.tos == 0xb8 ? 3 : 1);
			ck_assert_uint_eq(f->key.tos & (j ? 0x1f : 0x03), 0);
		}
		mt_free(t);
	}
}
END_TEST

/* An ICMP type key splits ICMP flows by type only (the codes of one type
 * share a flow) and leaves the flows of other protocols together: their
 * ports and protocol are not keys of the record. */
START_TEST(keys_icmp_type)
{
	static const uint8_t e[] = { IE_sourceIPv4Address, IE_icmpTypeIPv4,
				     IE_packetDeltaCount };
	const struct template_def d = { .name = "icmp",
					.ipver = 4,
					.nelem = 3,
					.elem = e,
					.keymask = 0x3 };
	const struct template_def *defs[1] = { &d };
	static const struct {
		uint8_t proto, type, code;
		uint16_t dport;
	} pk[] = { { 6, 0, 0, 80 }, { 6, 0, 0, 443 }, { 1, 8, 0, 0 },
		   { 1, 8, 0, 0 },  { 1, 3, 1, 0 },   { 1, 3, 3, 0 } };
	struct mt *t = mt_new(1, NULL, 16);
	struct pkt k = { .n = 0 };
	size_t i, ip;

	meter_configure(&t->cfg, defs, 1);
	ck_assert_uint_eq(t->cfg.keys[0], MKEY_SRC | MKEY_ICMP_TYPE);
	ck_assert_uint_eq(t->cfg.key_len, FLOW_KEY_BASE_LEN);
	flowcache_set_key_len(t->m.fc, t->cfg.key_len);
	t->m.cfg = &t->cfg;
	for (i = 0; i < sizeof(pk) / sizeof(pk[0]); i++) {
		k.n = 0;
		eth(&k, 0x0800);
		if (pk[i].proto == 6) {
			v4_tcp(&k, 1000, pk[i].dport, 0x10, 0);
		} else {
			ip = ip4_begin(&k, 1, 5, 0);
			icmp(&k, pk[i].type, pk[i].code);
			ip4_end(&k, ip);
		}
		mt_packet(t, &k, T0 + i);
	}
	mt_end(t);
	/* TCP (both ports), echo request (2), unreachable (codes 1, 3) */
	ck_assert_uint_eq(t->n, 3);
	for (i = 0; i < t->n; i++) {
		const struct flow *f = &t->r[i].f;

		ck_assert_uint_eq(f->packets, 2);
		ck_assert_uint_eq(f->key.sport, 0);
		if (f->key.proto == 1)
			ck_assert(f->key.dport == 0x0800 ||
				  f->key.dport == 0x0300);
		else
			ck_assert_uint_eq(f->key.proto << 16 | f->key.dport, 0);
	}
	mt_free(t);
}
END_TEST

/* FNF's per-packet keys: TTL and the outer VLAN tag's id and priority
 * split flows, in the key octets past the tunnel endpoints, compared only
 * when a template has one; a tunnel template does not pay for them. */
START_TEST(keys_ttl_vlan)
{
	static const uint8_t elem[] = { IE_sourceIPv4Address, IE_ipTTL,
					IE_vlanId, IE_dot1qPriority,
					IE_packetDeltaCount };
	static const uint8_t ttl[] = { 64, 64, 63, 64 };
	static const uint16_t tci[] = { 0xa064, 0xa064, 0xa064, 0x2064 };
	const struct template_def def = { .name = "ttl-vlan",
					  .ipver = 4,
					  .nelem = 5,
					  .elem = elem,
					  .keymask = 0xf };
	const struct template_def *defs[1] = { &def };
	struct mt *t = mt_new(1, NULL, 16);
	struct pkt k = { .n = 0 };
	size_t i, ip;

	meter_configure(&t->cfg, defs, 1);
	ck_assert_uint_eq(t->cfg.keys[0],
			  MKEY_SRC | MKEY_TTL | MKEY_VLAN | MKEY_PCP);
	ck_assert_uint_eq(t->cfg.key_len, FLOW_KEY_FNF_LEN);
	flowcache_set_key_len(t->m.fc, t->cfg.key_len);
	ck_assert_uint_eq(t->m.fc->key_len, FLOW_KEY_FNF_LEN);
	t->m.cfg = &t->cfg;
	for (i = 0; i < 4; i++) {
		k.n = 0;
		eth(&k, 0x8100);
		vlan_tag(&k, tci[i], 0x0800);
		ip = ip4_begin(&k, 17, 5, 0);
		k.b[ip + 8] = ttl[i];
		udp(&k, 1, 2, 4);
		ip4_end(&k, ip);
		mt_packet(t, &k, T0 + i);
	}
	mt_end(t);
	ck_assert_uint_eq(t->n, 3);
	for (i = 0; i < t->n; i++) {
		const struct flow *f = &t->r[i].f;

		ck_assert_uint_eq(f->key.vlan, 100);
		if (f->key.ttl == 63 || f->key.pcp == 1)
			ck_assert_uint_eq(f->packets, 1);
		else
			ck_assert_uint_eq(f->packets, 2);
		ck_assert_uint_eq(f->key.flow_label, 0);
	}
	ck_assert(!t->cfg.measure); /* no measured element: no table */
	mt_free(t);
	/* the tunnel endpoints alone stop before the FNF keys */
	t = mt_new(1, NULL, 16);
	flowcache_set_key_len(t->m.fc, FLOW_KEY_FULL_LEN);
	ck_assert_uint_eq(t->m.fc->key_len, FLOW_KEY_TUN_LEN);
	mt_free(t);
}
END_TEST

/* A template with a measured element turns measuring on: TTL, length
 * minimum and maximum and the fragment flags of the packets, per flow. */
START_TEST(measured_elements)
{
	static const uint8_t elem[] = { IE_sourceIPv4Address, IE_minimumTTL,
					IE_maximumIpTotalLength,
					IE_fragmentFlags };
	static const uint8_t ttl[] = { 64, 9, 200 };
	static const uint16_t frag[] = { 0x4000, 0x2000, 0x0000 };
	const struct template_def def = { .name = "meas",
					  .ipver = 4,
					  .nelem = 4,
					  .elem = elem,
					  .keymask = 0x1 };
	const struct template_def *defs[1] = { &def };
	struct mt *t = mt_new(1, NULL, 16);
	struct pkt k = { .n = 0 };
	size_t i, ip;

	meter_configure(&t->cfg, defs, 1);
	ck_assert(t->cfg.measure);
	ck_assert_uint_eq(t->cfg.key_len, FLOW_KEY_BASE_LEN);
	ck_assert_int_eq(flowcache_set_measure(t->m.fc, t->cfg.measure), 0);
	t->m.cfg = &t->cfg;
	for (i = 0; i < 3; i++) {
		k.n = 0;
		eth(&k, 0x0800);
		ip = ip4_begin(&k, 17, 5, frag[i]);
		k.b[ip + 8] = ttl[i];
		udp(&k, 1, 2, 4 + 100 * i);
		ip4_end(&k, ip);
		mt_packet(t, &k, T0 + i);
	}
	mt_end(t);
	ck_assert_uint_eq(t->n, 1);
	ck_assert_uint_eq(t->r[0].f.packets, 3);
	ck_assert_uint_eq(t->r[0].f.ttl_min, 9);
	ck_assert_uint_eq(t->r[0].f.ttl_max, 200);
	ck_assert_uint_eq(t->r[0].f.len_min, 20 + 8 + 4);
	ck_assert_uint_eq(t->r[0].f.len_max, 20 + 8 + 204);
	ck_assert_uint_eq(t->r[0].f.frag_flags, 0x60);
	mt_free(t);
}
END_TEST

/* ---------------------------------------------------------------------- */
/* Sampling                                                               */

START_TEST(sampling_deterministic)
{
	struct mt *t = mt_new(1, NULL, 16);
	struct sampler s;
	struct pkt k;
	int i;

	sampler_init(&s, SAMPLER_DETERMINISTIC, 4, 1);
	meter_set_sampler(&t->m, &s);
	eth_v4_tcp(&k, 1234, 0x10);
	for (i = 0; i < 100; i++)
		mt_packet(t, &k, T0 + (uint64_t)i * 1000);
	mt_end(t);
	ck_assert_uint_eq(t->m.st.packets, 100);
	ck_assert_uint_eq(t->m.st.sampled_out, 75);
	ck_assert_uint_eq(t->m.st.metered, 25);
	ck_assert_uint_eq(t->m.st.octets, 25 * 50);
	ck_assert_uint_eq(t->n, 1);
	ck_assert_uint_eq(t->r[0].f.packets, 25);
	/* sampled-out packets are never parsed: a malformed one is not
	 * counted as malformed */
	t->n = 0;
	k.b[14] = 0x65;
	for (i = 0; i < 8; i++)
		mt_packet(t, &k, T0 + NS);
	ck_assert_uint_eq(t->m.st.malformed[-PARSE_ERR_VERSION], 2);
	ck_assert_uint_eq(t->m.st.sampled_out, 75 + 6);
	/* a sampler of mode none is every packet */
	sampler_init(&s, SAMPLER_NONE, 1, 1);
	meter_set_sampler(&t->m, &s);
	ck_assert_ptr_null(t->m.smp);
	mt_free(t);
}
END_TEST

START_TEST(sampling_random)
{
	struct mt *t = mt_new(1, NULL, 16);
	struct sampler s;
	struct pkt k;
	int i;

	sampler_init(&s, SAMPLER_RANDOM, 10, 42);
	meter_set_sampler(&t->m, &s);
	eth_v4_tcp(&k, 1234, 0x10);
	for (i = 0; i < 10000; i++)
		mt_packet(t, &k, T0 + (uint64_t)i * 1000);
	mt_end(t);
	ck_assert_uint_eq(t->m.st.packets, 10000);
	ck_assert_uint_eq(t->m.st.metered + t->m.st.sampled_out, 10000);
	ck_assert_uint_eq(t->m.st.metered, s.taken);
	/* 1000 expected; 6 standard deviations (sqrt(900) = 30) either way */
	ck_assert_uint_gt(t->m.st.metered, 1000 - 180);
	ck_assert_uint_lt(t->m.st.metered, 1000 + 180);
	ck_assert_uint_eq(t->r[0].f.packets, t->m.st.metered);
	mt_free(t);
}
END_TEST

/* ---------------------------------------------------------------------- */
/* Records ended on the packet path                                       */

/* FIN and RST end their flow (flowEndReason 3) with the flags of all its
 * packets; the next packet of the same key starts a new record. */
START_TEST(fin_rst_end_flow)
{
	struct mt *t = mt_new(1, NULL, 16);
	struct pkt k;

	eth_v4_tcp(&k, 1234, 0x02); /* SYN */
	mt_packet(t, &k, T0);
	eth_v4_tcp(&k, 1234, 0x10); /* ACK */
	mt_packet(t, &k, T0 + 1000);
	eth_v4_tcp(&k, 1234, 0x11); /* FIN ACK */
	mt_packet(t, &k, T0 + 2000);
	meter_flush(&t->m);
	ck_assert_uint_eq(t->n, 1);
	ck_assert_uint_eq(t->r[0].reason, FLOW_END_OF_FLOW);
	ck_assert_uint_eq(t->r[0].f.packets, 3);
	ck_assert_uint_eq(t->r[0].f.tcp_flags, 0x13);
	ck_assert_uint_eq(t->r[0].f.last_ns, T0 + 2000);
	eth_v4_tcp(&k, 1234, 0x10);
	mt_packet(t, &k, T0 + 3000);
	eth_v4_tcp(&k, 1234, 0x04); /* RST */
	mt_packet(t, &k, T0 + 4000);
	eth_v4_tcp(&k, 4321, 0x10); /* another flow goes on */
	mt_packet(t, &k, T0 + 5000);
	meter_flush(&t->m);
	ck_assert_uint_eq(t->n, 2);
	ck_assert_uint_eq(t->r[1].reason, FLOW_END_OF_FLOW);
	ck_assert_uint_eq(t->r[1].f.packets, 2);
	ck_assert_uint_eq(t->r[1].f.first_ns, T0 + 3000);
	ck_assert_uint_eq(t->r[1].f.tcp_flags, 0x14);
	ck_assert_uint_eq(t->m.fc->used, 1);
	mt_end(t);
	ck_assert_uint_eq(t->n, 3);
	ck_assert_uint_eq(t->r[2].f.key.sport, 4321);
	mt_free(t);
}
END_TEST

/* The inactive timer (15 s): a packet after the gap ends the record with
 * the packets before it; the active timer (30 s): a packet at the timeout
 * ends the record that started 30 s before. */
START_TEST(timers_on_packet_path)
{
	struct mt *t = mt_new(1, NULL, 16);
	struct pkt k;
	uint64_t ts;

	eth_v4_tcp(&k, 1234, 0x10);
	mt_packet(t, &k, T0);
	mt_packet(t, &k, T0 + NS);
	mt_packet(t, &k, T0 + NS + 15 * NS - 1); /* just within */
	mt_packet(t, &k, T0 + NS + 30 * NS - 1); /* 15 s idle exactly */
	meter_flush(&t->m);
	ck_assert_uint_eq(t->n, 1);
	ck_assert_uint_eq(t->r[0].reason, FLOW_END_IDLE);
	ck_assert_uint_eq(t->r[0].f.packets, 3);
	ck_assert_uint_eq(t->r[0].f.first_ns, T0);
	ck_assert_uint_eq(t->r[0].f.last_ns, T0 + 16 * NS - 1);
	/* a packet every 10 s from 31 s - 1 ns: the fourth is at 30 s */
	for (ts = T0 + 41 * NS - 1; ts <= T0 + 61 * NS - 1; ts += 10 * NS)
		mt_packet(t, &k, ts);
	meter_flush(&t->m);
	ck_assert_uint_eq(t->n, 2);
	ck_assert_uint_eq(t->r[1].reason, FLOW_END_ACTIVE);
	ck_assert_uint_eq(t->r[1].f.packets, 3);
	ck_assert_uint_eq(t->r[1].f.first_ns, T0 + 31 * NS - 1);
	ck_assert_uint_eq(t->r[1].f.last_ns, T0 + 51 * NS - 1);
	mt_end(t);
	ck_assert_uint_eq(t->n, 3);
	ck_assert_uint_eq(t->r[2].f.packets, 1);
	ck_assert_uint_eq(t->r[2].f.first_ns, T0 + 61 * NS - 1);
	mt_free(t);
}
END_TEST

/* A full cache gives up its least recently used flow (flowEndReason 5)
 * for a new one. */
START_TEST(eviction_when_full)
{
	struct mt *t = mt_new(1, NULL, 4);
	struct pkt k;
	uint16_t i;

	for (i = 0; i < 4; i++) {
		eth_v4_tcp(&k, (uint16_t)(1000 + i), 0x10);
		mt_packet(t, &k, T0 + i * NS);
	}
	eth_v4_tcp(&k, 1000, 0x10); /* 1000 is used again: 1001 is LRU */
	mt_packet(t, &k, T0 + 4 * NS);
	meter_flush(&t->m);
	ck_assert_uint_eq(t->n, 0);
	eth_v4_tcp(&k, 2000, 0x10);
	mt_packet(t, &k, T0 + 5 * NS);
	meter_flush(&t->m);
	ck_assert_uint_eq(t->n, 1);
	ck_assert_uint_eq(t->r[0].reason, FLOW_END_RESOURCES);
	ck_assert_uint_eq(t->r[0].f.key.sport, 1001);
	ck_assert_uint_eq(t->m.fc->stats.expired[FLOW_END_RESOURCES], 1);
	ck_assert_uint_eq(t->m.fc->used, 4);
	mt_end(t);
	ck_assert_uint_eq(t->n, 5);
	mt_free(t);
}
END_TEST

/* The batch: packets wait in it until METER_BATCH or meter_flush(), and
 * leave it in their order. */
START_TEST(batch_flush)
{
	struct mt *t = mt_new(1, NULL, 64);
	struct pkt k;
	uint16_t i;

	for (i = 0; i < METER_BATCH - 1; i++) {
		eth_v4_tcp(&k, (uint16_t)(1000 + i), 0x10);
		mt_packet(t, &k, T0 + i);
	}
	ck_assert_uint_eq(t->m.npending, METER_BATCH - 1);
	ck_assert_uint_eq(t->m.fc->used, 0);
	mt_packet(t, &k, T0 + i); /* the batch is full: accounted */
	ck_assert_uint_eq(t->m.npending, 0);
	ck_assert_uint_eq(t->m.fc->used, METER_BATCH - 1);
	mt_end(t);
	ck_assert_uint_eq(t->n, METER_BATCH - 1);
	mt_free(t);
}
END_TEST

/* IOS's packet size distribution: 32-octet bins to 576, one to 1024,
 * 512-octet bins to 4608, larger ones in the last. */
START_TEST(size_bins)
{
	static const uint32_t octets[] = { 0,	 1,    32,   33,   576,
					   577,	 1024, 1025, 1536, 1537,
					   4096, 4097, 4608, 4609, 65535 };
	static const unsigned int bin[] = { 0,	0,  0,	1,  17, 18, 18, 19,
					    19, 20, 24, 25, 25, 25, 25 };
	size_t i;

	for (i = 0; i < sizeof(octets) / sizeof(octets[0]); i++)
		ck_assert_msg(meter_size_bin(octets[i]) == bin[i],
			      "%u octets: bin %u, want %u", octets[i],
			      meter_size_bin(octets[i]), bin[i]);
	ck_assert_uint_eq(meter_size_bin(UINT32_MAX), METER_SIZE_BINS - 1);
}
END_TEST

static Suite *meter_suite(void)
{
	Suite *s = suite_create("meter");
	TCase *tc = tcase_create("meter");

	tcase_add_test(tc, link_ethernet_vlan_qinq);
	tcase_add_test(tc, link_sll_sll2_raw_ipv4_null);
	tcase_add_test(tc, link_ipv6);
	tcase_add_test(tc, egress_point);
	tcase_add_test(tc, snaplen_cut);
	tcase_add_test(tc, non_ip);
	tcase_add_test(tc, malformed_counted);
	tcase_add_test(tc, fragments);
	tcase_add_test(tc, tunnel_gre_opened);
	tcase_add_test(tc, tunnel_gre_not_opened);
	tcase_add_test(tc, nofit);
	tcase_add_test(tc, tunnel_ipip_6in4);
	tcase_add_test(tc, tunnel_outer_ipv6);
	tcase_add_test(tc, tunnel_interface);
	tcase_add_test(tc, pppac_sessions);
	tcase_add_test(tc, pppac_alias);
	tcase_add_test(tc, meter_info_records);
	tcase_add_test(tc, keys_five_vs_seven);
	tcase_add_test(tc, keys_user_template);
	tcase_add_test(tc, keys_dscp_precedence);
	tcase_add_test(tc, keys_ttl_vlan);
	tcase_add_test(tc, keys_icmp_type);
	tcase_add_test(tc, measured_elements);
	tcase_add_test(tc, sampling_deterministic);
	tcase_add_test(tc, sampling_random);
	tcase_add_test(tc, fin_rst_end_flow);
	tcase_add_test(tc, timers_on_packet_path);
	tcase_add_test(tc, eviction_when_full);
	tcase_add_test(tc, batch_flush);
	tcase_add_test(tc, size_bins);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(meter_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
