// SPDX-License-Identifier: BSD-2-Clause
/*
 * test_export.c - the exporting process on the wire: IPFIX, NetFlow v9,
 * v5, v7 and v1 messages received on a loopback socket and compared octet
 * by octet with messages built here from RFC 7011, RFC 3954 and Cisco's
 * v1, v5 and v7 layouts.
 */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "export/export.h"
#include "templates/templates.h"

#define NS 1000000000ull
#define MS 1000000ull
#define BASE_S 1700000000ull
#define BASE (BASE_S * NS)

/* ---------------------------------------------------------------------- */
/* Expected messages are built with this, independently of export/wbuf.h. */

struct bb {
	uint8_t b[2048];
	size_t n;
};

static void b8(struct bb *x, uint8_t v)
{
	ck_assert_uint_lt(x->n, sizeof(x->b));
	x->b[x->n++] = v;
}

static void b16(struct bb *x, uint16_t v)
{
	b8(x, (uint8_t)(v >> 8));
	b8(x, (uint8_t)v);
}

static void b32(struct bb *x, uint32_t v)
{
	b16(x, (uint16_t)(v >> 16));
	b16(x, (uint16_t)v);
}

static void b64(struct bb *x, uint64_t v)
{
	b32(x, (uint32_t)(v >> 32));
	b32(x, (uint32_t)v);
}

static void bmem(struct bb *x, const void *p, size_t n)
{
	const uint8_t *q = p;
	size_t i;

	for (i = 0; i < n; i++)
		b8(x, q[i]);
}

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/* ---------------------------------------------------------------------- */
/* A collector on loopback                                                */

struct dgram {
	uint8_t b[65536];
	size_t n;
};

struct rx {
	int fd;
	uint16_t port;
	struct dgram *d; /* received datagrams */
	size_t n, cap;
};

static void rx_open(struct rx *r)
{
	struct sockaddr_in sa;
	socklen_t sl = sizeof(sa);
	int sz = 4 << 20;

	memset(r, 0, sizeof(*r));
	r->fd = socket(AF_INET, SOCK_DGRAM, 0);
	ck_assert_int_ge(r->fd, 0);
	setsockopt(r->fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(r->fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ck_assert_int_eq(getsockname(r->fd, (struct sockaddr *)&sa, &sl), 0);
	r->port = ntohs(sa.sin_port);
}

/* Take every datagram waiting (loopback delivers at send time). */
static size_t rx_drain(struct rx *r)
{
	size_t before = r->n;

	for (;;) {
		struct pollfd pfd = { .fd = r->fd, .events = POLLIN };
		ssize_t got;

		if (poll(&pfd, 1, 100) != 1)
			break;
		if (r->n == r->cap) {
			r->cap = r->cap ? r->cap * 2 : 16;
			r->d = realloc(r->d, r->cap * sizeof(*r->d));
			ck_assert_ptr_nonnull(r->d);
		}
		got = recv(r->fd, r->d[r->n].b, sizeof(r->d[r->n].b),
			   MSG_DONTWAIT);
		if (got < 0 && errno == EAGAIN)
			break;
		ck_assert_int_ge(got, 0);
		r->d[r->n++].n = (size_t)got;
	}
	return r->n - before;
}

static void rx_close(struct rx *r)
{
	close(r->fd);
	free(r->d);
	r->d = NULL;
}

static void ifname_cb(void *ctx, uint32_t ifindex, struct export_if *out)
{
	(void)ctx;
	out->name = ifindex == 3 ? "eth0" : "a-very-long-interface-name";
}

static struct exporter *mkex(int version, uint32_t domain, uint32_t mtu,
			     const char *t1, const char *t2, struct rx *r)
{
	struct export_cfg cfg;
	struct exporter *ex;
	char spec[64], err[256];

	memset(&cfg, 0, sizeof(cfg));
	cfg.version = version;
	cfg.domain_id = domain;
	cfg.mtu = mtu;
	if (t1) {
		cfg.tmpl[cfg.ntmpl] = template_find(t1);
		ck_assert_ptr_nonnull(cfg.tmpl[cfg.ntmpl]);
		cfg.ntmpl++;
	}
	if (t2) {
		cfg.tmpl[cfg.ntmpl] = template_find(t2);
		ck_assert_ptr_nonnull(cfg.tmpl[cfg.ntmpl]);
		cfg.ntmpl++;
	}
	ex = exporter_new(&cfg);
	ck_assert_ptr_nonnull(ex);
	ex->ifattr = ifname_cb;
	rx_open(r);
	snprintf(spec, sizeof(spec), "127.0.0.1:%u", r->port);
	ck_assert_int_eq(exporter_add_collector(ex, spec, err, sizeof(err)), 0);
	exporter_set_base(ex, BASE);
	return ex;
}

/* 192.0.2.1:1234 -> 198.51.100.2:80 TCP on ifindex 3, egress. */
static void mkflow(struct flow *f, int ipver, uint32_t n)
{
	memset(f, 0, sizeof(*f));
	f->key.ipver = (uint8_t)ipver;
	if (ipver == 4) {
		static const uint8_t s[4] = { 192, 0, 2, 1 };
		static const uint8_t d[4] = { 198, 51, 100, 2 };

		memcpy(f->key.src, s, 4);
		memcpy(f->key.dst, d, 4);
	} else {
		f->key.src[0] = 0x20;
		f->key.src[1] = 0x01;
		f->key.src[15] = 1;
		f->key.dst[0] = 0x20;
		f->key.dst[1] = 0x01;
		f->key.dst[15] = 2;
	}
	f->key.dst[3] = (uint8_t)(f->key.dst[3] + n);
	f->key.sport = (uint16_t)(1234 + n);
	f->key.dport = 80;
	f->key.proto = 6;
	f->key.ifindex = 3;
	f->key.dir = 1;
	f->packets = 5;
	f->octets = 1234;
	f->tcp_flags = 0x1b;
	f->tos = 0x20;
	f->first_ns = BASE + 1500 * MS;
	f->last_ns = BASE + 3250 * MS + 999;
}

/* Field specifiers of ipv4-five-tuple, written from the spec. */
static void five_tuple_fields(struct bb *x, int v6)
{
	b16(x, 10), b16(x, 4); /* ingressInterface */
	b16(x, 61), b16(x, 1); /* flowDirection */
	b16(x, v6 ? 27 : 8), b16(x, v6 ? 16 : 4);
	b16(x, v6 ? 28 : 12), b16(x, v6 ? 16 : 4);
	b16(x, 4), b16(x, 1);	/* protocolIdentifier */
	b16(x, 7), b16(x, 2);	/* sourceTransportPort */
	b16(x, 11), b16(x, 2);	/* destinationTransportPort */
	b16(x, 22), b16(x, 4);	/* flowStartSysUpTime */
	b16(x, 21), b16(x, 4);	/* flowEndSysUpTime */
	b16(x, 1), b16(x, 8);	/* octetDeltaCount */
	b16(x, 2), b16(x, 8);	/* packetDeltaCount */
	b16(x, 82), b16(x, 16); /* interfaceName */
}

/* The data record of mkflow(f, 4, n) in ipv4-five-tuple. */
static void five_tuple_record(struct bb *x, const struct flow *f)
{
	static const char ifn[16] = "eth0";

	b32(x, 3);
	b8(x, 1);
	bmem(x, f->key.src, 4);
	bmem(x, f->key.dst, 4);
	b8(x, 6);
	b16(x, f->key.sport);
	b16(x, 80);
	b32(x, 1500);
	b32(x, 3250);
	b64(x, 1234);
	b64(x, 5);
	bmem(x, ifn, 16);
}

static void assert_bytes(const struct dgram *d, const struct bb *want)
{
	size_t i;

	ck_assert_uint_eq(d->n, want->n);
	for (i = 0; i < want->n; i++)
		ck_assert_msg(d->b[i] == want->b[i],
			      "octet %zu: got 0x%02x, want 0x%02x", i, d->b[i],
			      want->b[i]);
}

/* ---------------------------------------------------------------------- */
/* IPFIX                                                                  */

START_TEST(ipfix_byte_exact)
{
	struct rx r;
	struct exporter *ex =
		mkex(10, 0x01020304, 1500, "ipv4-five-tuple", NULL, &r);
	struct flow f;
	struct bb want = { .n = 0 };

	mkflow(&f, 4, 0);
	exporter_flow(ex, &f, FLOW_END_IDLE);
	ck_assert_uint_eq(rx_drain(&r), 0); /* buffered until flushed */
	exporter_flush(ex);
	ck_assert_uint_eq(rx_drain(&r), 1);

	/* RFC 7011 §3.1 header */
	b16(&want, 10);
	b16(&want, 168);
	b32(&want, (uint32_t)(BASE_S + 3)); /* export time: clock s */
	b32(&want, 0);			    /* sequence */
	b32(&want, 0x01020304);
	/* template set */
	b16(&want, 2);
	b16(&want, 56);
	b16(&want, 256);
	b16(&want, 12);
	five_tuple_fields(&want, 0);
	/* options template set: scope observationDomainId */
	b16(&want, 3);
	b16(&want, 18);
	b16(&want, 257);
	b16(&want, 2);
	b16(&want, 1);
	b16(&want, 149), b16(&want, 4);
	b16(&want, 160), b16(&want, 8);
	/* options data: the sysUpTime base */
	b16(&want, 257);
	b16(&want, 16);
	b32(&want, 0x01020304);
	b64(&want, BASE / MS);
	/* data set */
	b16(&want, 256);
	b16(&want, 62);
	five_tuple_record(&want, &f);
	ck_assert_uint_eq(want.n, 168);
	assert_bytes(&r.d[0], &want);

	/* the next message: no templates, sequence counts both records */
	mkflow(&f, 4, 1);
	f.last_ns = BASE + 3250 * MS;
	exporter_tick(ex, BASE + 10700 * MS); /* below 1 s pending: none */
	exporter_flow(ex, &f, FLOW_END_ACTIVE);
	exporter_flush(ex);
	ck_assert_uint_eq(rx_drain(&r), 1);
	want.n = 0;
	b16(&want, 10);
	b16(&want, 16 + 62);
	b32(&want, (uint32_t)(BASE_S + 10));
	b32(&want, 2);
	b32(&want, 0x01020304);
	b16(&want, 256);
	b16(&want, 62);
	five_tuple_record(&want, &f);
	assert_bytes(&r.d[1], &want);

	/* nothing buffered: flush sends nothing */
	exporter_flush(ex);
	ck_assert_uint_eq(rx_drain(&r), 0);
	exporter_free(ex);
	rx_close(&r);
}
END_TEST

/* Walk the sets of an IPFIX or v9 message: data records by set id. */
struct walk {
	size_t tmpl_sets, opt_sets, data_recs, opt_recs, st_recs, sets;
};

static void walk_sets(const struct dgram *d, size_t hdr, int v9, size_t ntmpl,
		      struct walk *w)
{
	uint16_t opt_data = (uint16_t)(256 + ntmpl);
	size_t off = hdr;

	memset(w, 0, sizeof(*w));
	while (off < d->n) {
		uint16_t id, len;

		ck_assert_uint_le(off + 4, d->n);
		id = rd16(d->b + off);
		len = rd16(d->b + off + 2);
		ck_assert_uint_ge(len, 4);
		ck_assert_uint_le(off + len, d->n);
		if (v9)
			ck_assert_uint_eq(len % 4, 0);
		if (id == (v9 ? 0 : 2)) {
			w->tmpl_sets++;
		} else if (id == (v9 ? 1 : 3)) {
			w->opt_sets++;
		} else if (id == 256) {
			ck_assert(v9 || (len - 4) % 58 == 0);
			w->data_recs += (len - 4) / 58;
		} else if (id == opt_data && !v9) {
			ck_assert_uint_eq(len, 16);
			w->opt_recs++;
		} else if (id >= opt_data + 4 && id <= opt_data + 8) {
			/* RFC 7011 §4.1-4.3 statistics: scope + 4 or 5 u64,
			 * then the two without their times */
			static const uint16_t st_len[] = { 40, 40, 48, 24, 32 };

			ck_assert_uint_eq(len, st_len[id - opt_data - 4]);
			w->st_recs++;
		} else if (id == 257 && ntmpl == 2) {
			ck_assert(v9 || (len - 4) % 82 == 0);
			w->data_recs += (len - 4) / 82;
		} else {
			ck_abort_msg("unexpected set id %u", id);
		}
		w->sets++;
		off += len;
	}
	ck_assert_uint_eq(off, d->n);
}

static void ipfix_many(uint32_t mtu)
{
	struct rx r;
	struct exporter *ex =
		mkex(10, 42, mtu, "ipv4-five-tuple", "ipv6-five-tuple", &r);
	uint32_t seq = 0, i;
	size_t data = 0, m;

	for (i = 0; i < 100; i++) {
		struct flow f;

		/* runs of each version so that sets open and close */
		mkflow(&f, (i / 3) % 2 ? 6 : 4, i);
		exporter_flow(ex, &f, FLOW_END_IDLE);
	}
	exporter_flush(ex);
	rx_drain(&r);
	ck_assert_uint_ge(r.n, 2);
	for (m = 0; m < r.n; m++) {
		const struct dgram *d = &r.d[m];
		struct walk w;

		ck_assert_uint_le(d->n, mtu - 28);
		ck_assert_uint_eq(rd16(d->b), 10);
		ck_assert_uint_eq(rd16(d->b + 2), d->n);
		ck_assert_uint_eq(rd32(d->b + 8), seq);
		ck_assert_uint_eq(rd32(d->b + 12), 42);
		walk_sets(d, 16, 0, 2, &w);
		ck_assert_uint_eq(w.tmpl_sets, m == 0);
		ck_assert_uint_eq(w.opt_recs, m == 0);
		seq += (uint32_t)(w.data_recs + w.opt_recs);
		data += w.data_recs;
	}
	ck_assert_uint_eq(data, 100);
	ck_assert_uint_eq(ex->coll[0]->stats.data_records, 100);
	ck_assert_uint_eq(ex->coll[0]->stats.messages, r.n);
	exporter_free(ex);
	rx_close(&r);
}

/* The messages of a round go out together (sendmmsg of up to 32, or at
 * the round's end), in order, sequence numbers exact. */
START_TEST(ipfix_batched_round)
{
	struct rx r;
	struct exporter *ex =
		mkex(10, 42, 576, "ipv4-five-tuple", "ipv6-five-tuple", &r);
	uint32_t seq = 0, i;
	size_t data = 0, m, before;

	for (i = 0; i < 1000; i++) {
		struct flow f;

		mkflow(&f, 4, i);
		exporter_flow(ex, &f, FLOW_END_IDLE);
	}
	before = rx_drain(&r);
	ck_assert_uint_gt(before, 0);
	ck_assert_uint_eq(before % 32, 0);
	exporter_push(ex);
	ck_assert_uint_gt(rx_drain(&r), 0);
	exporter_flush(ex);
	rx_drain(&r);
	ck_assert_uint_eq(ex->coll[0]->stats.messages, r.n);
	for (m = 0; m < r.n; m++) {
		const struct dgram *d = &r.d[m];
		struct walk w;

		ck_assert_uint_eq(rd32(d->b + 8), seq);
		walk_sets(d, 16, 0, 2, &w);
		seq += (uint32_t)(w.data_recs + w.opt_recs);
		data += w.data_recs;
	}
	ck_assert_uint_eq(data, 1000);
	exporter_free(ex);
	rx_close(&r);
}
END_TEST

START_TEST(ipfix_sequence_mtu)
{
	ipfix_many(1500);
}
END_TEST

START_TEST(ipfix_sequence_small_mtu)
{
	ipfix_many(576);
}
END_TEST

START_TEST(ipfix_refresh_msgs)
{
	struct rx r;
	struct exporter *ex = mkex(10, 1, 1500, "ipv4-five-tuple", NULL, &r);
	size_t m;

	ex->cfg.refresh_msgs = 3;
	for (m = 0; m < 13; m++) {
		struct flow f;

		mkflow(&f, 4, (uint32_t)m);
		exporter_flow(ex, &f, FLOW_END_IDLE);
		exporter_flush(ex);
	}
	/* refresh every 3 messages (as IOS's "refresh-rate N packets"),
	 * counting the one that carries them and every message since; after
	 * each refresh but the first, a message of the statistics with their
	 * five options templates (three, and two of them without times):
	 * T D D T S D T S D T S ... */
	ck_assert_uint_eq(rx_drain(&r), 13 + 5);
	for (m = 0; m < 18; m++) {
		struct walk w;
		bool st = m >= 4 && m % 3 == 1;

		walk_sets(&r.d[m], 16, 0, 1, &w);
		ck_assert_msg(w.tmpl_sets == (m % 3 == 0),
			      "message %zu: %zu template sets", m, w.tmpl_sets);
		ck_assert_uint_eq(w.st_recs, st ? 3 : 0);
		ck_assert_uint_eq(w.data_recs, !st);
		ck_assert_uint_eq(w.opt_sets, w.tmpl_sets ? 1 : st ? 5 : 0);
	}
	exporter_free(ex);
	rx_close(&r);
}
END_TEST

START_TEST(ipfix_refresh_time)
{
	struct rx r;
	struct exporter *ex = mkex(10, 1, 1500, "ipv4-five-tuple", NULL, &r);
	struct flow f;
	struct walk w;

	ex->cfg.refresh_s = 600;
	mkflow(&f, 4, 0);
	exporter_flow(ex, &f, FLOW_END_IDLE);
	exporter_flush(ex);
	exporter_tick(ex, BASE + 300 * NS);
	exporter_flow(ex, &f, FLOW_END_IDLE);
	exporter_flush(ex);
	exporter_tick(ex, BASE + 604 * NS);
	exporter_flow(ex, &f, FLOW_END_IDLE);
	exporter_flush(ex);
	/* the refresh is followed by the statistics */
	ck_assert_uint_eq(rx_drain(&r), 4);
	walk_sets(&r.d[0], 16, 0, 1, &w);
	ck_assert_uint_eq(w.tmpl_sets, 1);
	walk_sets(&r.d[1], 16, 0, 1, &w);
	ck_assert_uint_eq(w.tmpl_sets, 0);
	walk_sets(&r.d[2], 16, 0, 1, &w);
	ck_assert_uint_eq(w.tmpl_sets, 1);
	walk_sets(&r.d[3], 16, 0, 1, &w);
	ck_assert_uint_eq(w.st_recs, 3);
	exporter_free(ex);
	rx_close(&r);
}
END_TEST

START_TEST(ipfix_tick_and_no_template)
{
	struct rx r;
	struct exporter *ex = mkex(10, 1, 1500, "ipv4-five-tuple", NULL, &r);
	struct flow f;

	/* IPv6 with only an IPv4 template: counted, nothing sent */
	mkflow(&f, 6, 0);
	exporter_flow(ex, &f, FLOW_END_IDLE);
	exporter_flush(ex);
	ck_assert_uint_eq(rx_drain(&r), 0);
	ck_assert_uint_eq(ex->stats.no_template, 1);

	/* a record waits at most a second of export clock */
	mkflow(&f, 4, 0);
	exporter_flow(ex, &f, FLOW_END_IDLE);
	exporter_tick(ex, f.last_ns + 999 * MS);
	ck_assert_uint_eq(rx_drain(&r), 0);
	exporter_tick(ex, f.last_ns + 1000 * MS);
	ck_assert_uint_eq(rx_drain(&r), 1);
	ck_assert_uint_eq(ex->stats.flows, 2);
	exporter_free(ex);
	rx_close(&r);
}
END_TEST

/*
 * Times 60 days after the time base do not fit 32-bit milliseconds: the
 * base moves (to 2^31 ms before the export clock) and its options record
 * goes ahead of the data record, in the same message; the record's
 * uptimes are from the new base, so base + uptime is still the time.
 */
START_TEST(ipfix_time_base_moves)
{
	struct rx r;
	struct exporter *ex =
		mkex(10, 0x01020304, 1500, "ipv4-five-tuple", NULL, &r);
	uint64_t day = 86400 * NS, nb;
	struct flow f;
	struct bb want = { .n = 0 };

	mkflow(&f, 4, 0);
	exporter_flow(ex, &f, FLOW_END_IDLE);
	exporter_flush(ex);
	ck_assert_uint_eq(rx_drain(&r), 1);

	mkflow(&f, 4, 1);
	f.first_ns = BASE + 60 * day + 1500 * MS + 7;
	f.last_ns = BASE + 60 * day + 3250 * MS + 999;
	exporter_flow(ex, &f, FLOW_END_IDLE);
	exporter_flush(ex);
	ck_assert_uint_eq(rx_drain(&r), 1);
	ck_assert_uint_eq(ex->stats.rebases, 1);
	nb = (f.last_ns / MS - 0x80000000ull) * MS;
	ck_assert_uint_eq(ex->base_ns, nb);

	b16(&want, 10);
	b16(&want, 16 + 16 + 62);
	b32(&want, (uint32_t)(f.last_ns / NS));
	b32(&want, 2); /* one data record sent before */
	b32(&want, 0x01020304);
	b16(&want, 257); /* systemInitTimeMilliseconds, the new base */
	b16(&want, 16);
	b32(&want, 0x01020304);
	b64(&want, nb / MS);
	b16(&want, 256);
	b16(&want, 62);
	b32(&want, 3);
	b8(&want, 1);
	bmem(&want, f.key.src, 4);
	bmem(&want, f.key.dst, 4);
	b8(&want, 6);
	b16(&want, f.key.sport);
	b16(&want, 80);
	b32(&want, (uint32_t)(f.first_ns / MS - nb / MS));
	b32(&want, (uint32_t)(f.last_ns / MS - nb / MS));
	b64(&want, 1234);
	b64(&want, 5);
	bmem(&want, "eth0\0\0\0\0\0\0\0\0\0\0\0\0", 16);
	assert_bytes(&r.d[1], &want);

	/* a flow older than the base (an out-of-order packet): the base
	 * moves back to its start, never dating it at the base */
	mkflow(&f, 4, 2);
	f.first_ns = BASE - 5 * day + 77 * MS;
	f.last_ns = BASE - 5 * day + 99 * MS;
	exporter_flow(ex, &f, FLOW_END_IDLE);
	exporter_flush(ex);
	ck_assert_uint_eq(rx_drain(&r), 1);
	ck_assert_uint_eq(ex->stats.rebases, 2);
	ck_assert_uint_eq(ex->base_ns, f.first_ns - f.first_ns % MS);
	ck_assert_uint_eq(rd16(r.d[2].b + 16), 257);
	ck_assert_uint_eq(rd32(r.d[2].b + 24) * 0x100000000ull +
				  rd32(r.d[2].b + 28),
			  f.first_ns / MS);
	exporter_free(ex);
	rx_close(&r);
}
END_TEST

/*
 * RFC 3954 §5.1: the header is the time the packet leaves, so no record
 * in it ends after the header's sysUpTime: a flow ending at .999 of a
 * second is sent with the next second. unix_secs * 1000 - sysUpTime +
 * LAST_SWITCHED is the end, to the millisecond. 60 days on, the same
 * holds with a moved base (the header's sysUpTime moves with it).
 */
START_TEST(v9_header_after_records)
{
	struct rx r;
	struct exporter *ex = mkex(9, 1, 1500, "ipv4-five-tuple", NULL, &r);
	uint64_t day = 86400 * NS;
	struct flow f;
	int k;

	for (k = 0; k < 2; k++) {
		const struct dgram *d;
		uint32_t up, secs, first, last;
		size_t off;

		mkflow(&f, 4, (uint32_t)k);
		f.first_ns = BASE + (uint64_t)k * 60 * day + 7 * NS + 123 * MS;
		f.last_ns = BASE + (uint64_t)k * 60 * day + 9 * NS + 999 * MS +
			    999999;
		exporter_flow(ex, &f, FLOW_END_IDLE);
		exporter_flush(ex);
		ck_assert_uint_eq(rx_drain(&r), 1);
		d = &r.d[k];
		up = rd32(d->b + 4);
		secs = rd32(d->b + 8);
		ck_assert_uint_eq(secs, f.last_ns / NS + 1);
		/* the data set is the last one: its record at its start */
		off = k ? 20 : 20 + 56;
		ck_assert_uint_eq(rd16(d->b + off), 256);
		first = rd32(d->b + off + 4 + 18);
		last = rd32(d->b + off + 4 + 22);
		ck_assert_uint_le(first, last);
		ck_assert_uint_le(last, up);
		ck_assert_uint_eq((uint64_t)secs * 1000 - up + last,
				  f.last_ns / MS);
		ck_assert_uint_eq((uint64_t)secs * 1000 - up + first,
				  f.first_ns / MS);
	}
	ck_assert_uint_eq(ex->stats.rebases, 1);
	exporter_free(ex);
	rx_close(&r);
}
END_TEST

/*
 * More templates than one message can hold at a small MTU (--mtu 576 and
 * ten -t options: 16 + 4 + 10 * 52 = 540 of 548 octets, no room left for
 * the options template): every template record on the wire must be whole,
 * and every data set's template announced before it.
 */
/*
 * Templates go out together at the start of a message; a set that cannot
 * fit one message is refused when the collector is added, with a message
 * naming --mtu (it used to be cut short on the wire).
 */
START_TEST(ipfix_templates_exceed_mtu)
{
	struct export_cfg cfg = { .version = 10, .domain_id = 1, .mtu = 576 };
	struct exporter *ex;
	char err[256] = "";
	size_t i;

	for (i = 0; i < 10; i++)
		cfg.tmpl[cfg.ntmpl++] = &template_defs[i];
	ex = exporter_new(&cfg);
	ck_assert_ptr_nonnull(ex);
	ck_assert_int_eq(exporter_add_collector(ex, "127.0.0.1:9", err,
						sizeof(err)),
			 -EMSGSIZE);
	ck_assert_msg(strstr(err, "--mtu") != NULL, "message: %s", err);
	ck_assert_uint_eq(ex->ncoll, 0);
	exporter_free(ex);

	/* the same set fits a 1500-octet path */
	cfg.mtu = 1500;
	ex = exporter_new(&cfg);
	ck_assert_int_eq(
		exporter_add_collector(ex, "127.0.0.1:9", err, sizeof(err)), 0);
	exporter_free(ex);
}
END_TEST

/* ---------------------------------------------------------------------- */
/* NetFlow v9                                                             */

START_TEST(v9_byte_exact)
{
	struct rx r;
	struct exporter *ex =
		mkex(9, 0x0a0b0c0d, 1500, "ipv4-five-tuple", NULL, &r);
	struct flow f;
	struct bb want = { .n = 0 };
	uint32_t i;

	mkflow(&f, 4, 0);
	exporter_flow(ex, &f, FLOW_END_IDLE);
	exporter_flush(ex);
	ck_assert_uint_eq(rx_drain(&r), 1);

	/* RFC 3954 §5.1 header: count covers the template record too */
	b16(&want, 9);
	b16(&want, 2);
	/* sysUpTime taken at the next whole unix second of the header, so
	 * that unix_secs - sysUpTime + First is exact and no record ends
	 * after its header: 3.25 s -> 4000 ms */
	b32(&want, 4000);
	b32(&want, (uint32_t)(BASE_S + 4));
	b32(&want, 0);
	b32(&want, 0x0a0b0c0d);
	/* template flowset */
	b16(&want, 0);
	b16(&want, 56);
	b16(&want, 256);
	b16(&want, 12);
	five_tuple_fields(&want, 0);
	/* data flowset, padded to 4 octets (RFC 3954 §5.3) */
	b16(&want, 256);
	b16(&want, 64);
	five_tuple_record(&want, &f);
	b16(&want, 0);
	ck_assert_uint_eq(want.n, 140);
	assert_bytes(&r.d[0], &want);

	/* then 1, 2, 3 records per packet: sequence counts packets */
	for (i = 1; i <= 3; i++) {
		uint32_t j;
		const struct dgram *d;
		struct walk w;

		for (j = 0; j < i; j++) {
			mkflow(&f, 4, j);
			exporter_flow(ex, &f, FLOW_END_IDLE);
		}
		exporter_flush(ex);
		ck_assert_uint_eq(rx_drain(&r), 1);
		d = &r.d[i];
		ck_assert_uint_eq(rd16(d->b), 9);
		ck_assert_uint_eq(rd16(d->b + 2), i);
		ck_assert_uint_eq(rd32(d->b + 12), i);
		ck_assert_uint_eq(rd32(d->b + 16), 0x0a0b0c0d);
		walk_sets(d, 20, 1, 1, &w);
		ck_assert_uint_eq(w.tmpl_sets, 0);
		ck_assert_uint_eq(w.sets, 1);
		/* padding: 4 + 58 * i rounded up, zero-filled */
		ck_assert_uint_eq(rd16(d->b + 22), (4 + 58 * i + 3) & ~3u);
		ck_assert_uint_eq(d->n, 20 + ((4 + 58 * i + 3) & ~3u));
		for (j = 20 + 4 + 58 * i; j < d->n; j++)
			ck_assert_uint_eq(d->b[j], 0);
	}
	exporter_free(ex);
	rx_close(&r);
}
END_TEST

START_TEST(v9_many)
{
	struct rx r;
	struct exporter *ex =
		mkex(9, 5, 1500, "ipv4-five-tuple", "ipv6-five-tuple", &r);
	uint32_t i;
	size_t m, recs = 0;

	for (i = 0; i < 100; i++) {
		struct flow f;

		mkflow(&f, i % 2 ? 6 : 4, i);
		exporter_flow(ex, &f, FLOW_END_IDLE);
	}
	exporter_flush(ex);
	rx_drain(&r);
	ck_assert_uint_ge(r.n, 2);
	for (m = 0; m < r.n; m++) {
		const struct dgram *d = &r.d[m];
		struct walk w;
		size_t off, count = 0;

		ck_assert_uint_le(d->n, 1472);
		ck_assert_uint_eq(rd32(d->b + 12), m);
		walk_sets(d, 20, 1, 2, &w);
		/* count = template records + data records */
		for (off = 20; off < d->n; off += rd16(d->b + off + 2)) {
			uint16_t id = rd16(d->b + off);
			uint16_t len = rd16(d->b + off + 2);

			if (id == 0)
				count += 2; /* two templates */
			else
				count += (len - 4) / (id == 256 ? 58 : 82);
		}
		ck_assert_uint_eq(rd16(d->b + 2), count);
		recs += w.data_recs;
	}
	ck_assert_uint_eq(recs, 100);
	exporter_free(ex);
	rx_close(&r);
}
END_TEST

/* ---------------------------------------------------------------------- */
/* Sampling announced (RFC 5477, Cisco's v9 sampler table, v5 header)     */

static struct exporter *mkex_smp(int version, enum sampler_mode mode,
				 uint32_t n, struct rx *r)
{
	struct exporter *ex =
		mkex(version, 0x01020304, 1500, "ipv4-five-tuple", NULL, r);

	ex->cfg.sampling.mode = mode;
	ex->cfg.sampling.interval = n;
	return ex;
}

/* The IPFIX message of the first flow while sampling 1 in n. */
static void ipfix_smp_message(struct bb *want, const struct flow *f, int det,
			      uint32_t n)
{
	size_t start = want->n;

	b16(want, 10);
	b16(want, 0); /* length, below */
	b32(want, (uint32_t)(BASE_S + 3));
	b32(want, 0);
	b32(want, 0x01020304);
	/* the data template ends with selectorId (302), 8 octets */
	b16(want, 2);
	b16(want, 60);
	b16(want, 256);
	b16(want, 13);
	five_tuple_fields(want, 0);
	b16(want, 302), b16(want, 8);
	/* systemInitTimeMilliseconds, as without sampling */
	b16(want, 3);
	b16(want, 18);
	b16(want, 257);
	b16(want, 2);
	b16(want, 1);
	b16(want, 149), b16(want, 4);
	b16(want, 160), b16(want, 8);
	/* RFC 5477: scope selectorId; then samplingAlgorithm (35) and, for
	 * random, samplerRandomInterval (50) */
	b16(want, 3);
	b16(want, det ? 30 : 34);
	b16(want, 259);
	b16(want, det ? 5 : 6);
	b16(want, 1);
	b16(want, 302), b16(want, 8);
	b16(want, 304), b16(want, 1);
	if (det) {
		b16(want, 305), b16(want, 4); /* samplingPacketInterval */
		b16(want, 306), b16(want, 4); /* samplingPacketSpace */
	} else {
		b16(want, 309), b16(want, 4); /* samplingSize */
		b16(want, 310), b16(want, 4); /* samplingPopulation */
	}
	b16(want, 35), b16(want, 1);
	if (!det)
		b16(want, 50), b16(want, 4);
	/* samplingInterval alone, scope the observation domain */
	b16(want, 3);
	b16(want, 18);
	b16(want, 260);
	b16(want, 2);
	b16(want, 1);
	b16(want, 149), b16(want, 4);
	b16(want, 34), b16(want, 4);
	/* the records, in the same order */
	b16(want, 257);
	b16(want, 16);
	b32(want, 0x01020304);
	b64(want, BASE / MS);
	b16(want, 259);
	b16(want, det ? 22 : 26);
	b64(want, 1);	       /* selectorId */
	b8(want, det ? 1 : 3); /* systematic count-based / n-out-of-N */
	if (det) {
		b32(want, 1);	  /* 1 packet taken ... */
		b32(want, n - 1); /* ... n - 1 passed over */
	} else {
		b32(want, 1); /* 1 out of ... */
		b32(want, n); /* ... n */
	}
	b8(want, det ? 1 : 2); /* deterministic / random */
	if (!det)
		b32(want, n);
	b16(want, 260);
	b16(want, 12);
	b32(want, 0x01020304);
	b32(want, n);
	/* the flow, with its sampler */
	b16(want, 256);
	b16(want, 70);
	five_tuple_record(want, f);
	b64(want, 1);
	want->b[start + 2] = (uint8_t)((want->n - start) >> 8);
	want->b[start + 3] = (uint8_t)(want->n - start);
}

START_TEST(ipfix_sampling_byte_exact)
{
	int det;

	for (det = 0; det <= 1; det++) {
		struct rx r;
		struct exporter *ex = mkex_smp(
			10, det ? SAMPLER_DETERMINISTIC : SAMPLER_RANDOM,
			det ? 1000 : 100, &r);
		struct flow f;
		struct bb want = { .n = 0 };

		mkflow(&f, 4, 0);
		exporter_flow(ex, &f, FLOW_END_IDLE);
		exporter_flush(ex);
		ck_assert_uint_eq(rx_drain(&r), 1);
		ipfix_smp_message(&want, &f, det, det ? 1000 : 100);
		ck_assert_uint_eq(want.n, det ? 262 : 270);
		assert_bytes(&r.d[0], &want);
		ck_assert_uint_eq(ex->coll[0]->stats.options_records, 3);
		/* a template message fits what export_templates_len says */
		ck_assert_uint_le(want.n - 70, export_templates_len(&ex->cfg));

		/* the next message: the sequence counts the three options
		 * records; data still carries the selectorId */
		mkflow(&f, 4, 1);
		exporter_flow(ex, &f, FLOW_END_IDLE);
		exporter_flush(ex);
		ck_assert_uint_eq(rx_drain(&r), 1);
		want.n = 0;
		b16(&want, 10);
		b16(&want, 16 + 70);
		b32(&want, (uint32_t)(BASE_S + 3));
		b32(&want, 4);
		b32(&want, 0x01020304);
		b16(&want, 256);
		b16(&want, 70);
		five_tuple_record(&want, &f);
		b64(&want, 1);
		assert_bytes(&r.d[1], &want);
		exporter_free(ex);
		rx_close(&r);
	}
}
END_TEST

START_TEST(v9_sampling_byte_exact)
{
	struct rx r;
	struct exporter *ex = mkex_smp(9, SAMPLER_RANDOM, 32000, &r);
	struct flow f;
	struct bb want = { .n = 0 };

	ex->cfg.sampling.id = 7;
	mkflow(&f, 4, 0);
	exporter_flow(ex, &f, FLOW_END_IDLE);
	exporter_flush(ex);
	ck_assert_uint_eq(rx_drain(&r), 1);

	/* count: template, 2 options templates, 2 options records, flow */
	b16(&want, 9);
	b16(&want, 6);
	b32(&want, 4000); /* the next whole second, as v9_byte_exact */
	b32(&want, (uint32_t)(BASE_S + 4));
	b32(&want, 0);
	b32(&want, 0x01020304);
	/* the data template ends with FLOW_SAMPLER_ID (48), 1 octet */
	b16(&want, 0);
	b16(&want, 60);
	b16(&want, 256);
	b16(&want, 13);
	five_tuple_fields(&want, 0);
	b16(&want, 48), b16(&want, 1);
	/* Cisco's sampler table, scope System (RFC 3954 §6.1) */
	b16(&want, 1);
	b16(&want, 32);
	b16(&want, 259);
	b16(&want, 4);	/* scope length */
	b16(&want, 16); /* option length */
	b16(&want, 1), b16(&want, 4);
	b16(&want, 48), b16(&want, 1);
	b16(&want, 49), b16(&want, 1);
	b16(&want, 50), b16(&want, 4);
	b16(&want, 35), b16(&want, 1);
	b16(&want, 0); /* padding */
	/* SAMPLING_INTERVAL alone */
	b16(&want, 1);
	b16(&want, 20);
	b16(&want, 260);
	b16(&want, 4);
	b16(&want, 4);
	b16(&want, 1), b16(&want, 4);
	b16(&want, 34), b16(&want, 4);
	b16(&want, 0);
	/* the records */
	b16(&want, 259);
	b16(&want, 16);
	b32(&want, 0x01020304); /* System: the source id */
	b8(&want, 7);		/* FLOW_SAMPLER_ID */
	b8(&want, 2);		/* random */
	b32(&want, 32000);
	b8(&want, 2);
	b8(&want, 0);
	b16(&want, 260);
	b16(&want, 12);
	b32(&want, 0x01020304);
	b32(&want, 32000);
	b16(&want, 256);
	b16(&want, 64);
	five_tuple_record(&want, &f);
	b8(&want, 7);
	b8(&want, 0);
	ck_assert_uint_eq(want.n, 224);
	assert_bytes(&r.d[0], &want);
	exporter_free(ex);
	rx_close(&r);
}
END_TEST

/* With every template refresh, the sampler's records again. */
START_TEST(sampling_with_every_refresh)
{
	static const int versions[] = { 9, 10 };
	size_t v;

	for (v = 0; v < 2; v++) {
		struct rx r;
		struct exporter *ex =
			mkex_smp(versions[v], SAMPLER_DETERMINISTIC, 64, &r);
		uint16_t opt_set = versions[v] == 9 ? 1 : 3;
		size_t m, hdr = versions[v] == 9 ? 20 : 16;

		ex->cfg.refresh_msgs = 3;
		for (m = 0; m < 7; m++) {
			struct flow f;

			mkflow(&f, 4, (uint32_t)m);
			exporter_flow(ex, &f, FLOW_END_IDLE);
			exporter_flush(ex);
		}
		/* T D D T S D T S: statistics after the refreshes */
		ck_assert_uint_eq(rx_drain(&r), 9);
		for (m = 0; m < 9; m++) {
			const struct dgram *d = &r.d[m];
			size_t off, smp_tmpl = 0, smp_rec = 0, first_data = 0;
			bool st = m == 4 || m == 7;

			for (off = hdr; off + 4 <= d->n;
			     off += rd16(d->b + off + 2)) {
				uint16_t id = rd16(d->b + off);

				ck_assert_uint_ge(rd16(d->b + off + 2), 4);
				if (id == opt_set &&
				    rd16(d->b + off + 4) >= 259 &&
				    rd16(d->b + off + 4) <= 260)
					smp_tmpl++;
				else if (id == 259 || id == 260)
					smp_rec += !first_data;
				else if (id == 256 && !first_data)
					first_data = off;
			}
			/* templates in messages 0, 3, 6; the sampler's two
			 * records before the flow in each */
			ck_assert_uint_eq(smp_tmpl, m % 3 == 0 ? 2 : 0);
			ck_assert_uint_eq(smp_rec, m % 3 == 0 ? 2 : 0);
			ck_assert_uint_eq(first_data != 0, !st);
		}
		/* sampler 2 (+ sysinit 1, IPFIX) per refresh, 3 statistics
		 * per statistics message */
		ck_assert_uint_eq(ex->coll[0]->stats.options_records,
				  (versions[v] == 9 ? 6 : 9) + 6);
		exporter_free(ex);
		rx_close(&r);
	}
}
END_TEST

/* The v5 header: 2 bits of mode (01 deterministic, 10 random), 14 of N. */
START_TEST(v5_sampling_header)
{
	static const struct {
		enum sampler_mode mode;
		uint32_t n;
		uint16_t field;
	} c[] = {
		{ SAMPLER_RANDOM, 100, 0x8064 },
		{ SAMPLER_DETERMINISTIC, 16383, 0x7fff },
		{ SAMPLER_DETERMINISTIC, 2, 0x4002 },
		{ SAMPLER_NONE, 1, 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct rx r;
		struct exporter *ex = mkex_smp(5, c[i].mode, c[i].n, &r);
		struct flow f;

		mkflow(&f, 4, 0);
		exporter_flow(ex, &f, FLOW_END_IDLE);
		exporter_flush(ex);
		ck_assert_uint_eq(rx_drain(&r), 1);
		ck_assert_uint_eq(r.d[0].n, 72);
		ck_assert_uint_eq(rd16(r.d[0].b + 22), c[i].field);
		/* the counters are the sampled ones, as metered */
		ck_assert_uint_eq(rd32(r.d[0].b + 24 + 16), 5);
		exporter_free(ex);
		rx_close(&r);
	}
}
END_TEST

START_TEST(sampling_check)
{
	struct export_cfg cfg = { .version = 5,
				  .sampling = { SAMPLER_RANDOM, 16384, 0 } };
	char err[256] = "";

	ck_assert_int_eq(export_sampling_check(&cfg, err, sizeof(err)),
			 -EINVAL);
	ck_assert_msg(strstr(err, "16383") && strstr(err, "v9"), "%s", err);
	cfg.sampling.interval = 16383;
	ck_assert_int_eq(export_sampling_check(&cfg, err, sizeof(err)), 0);
	cfg.version = 9;
	cfg.sampling.interval = 1u << 30;
	ck_assert_int_eq(export_sampling_check(&cfg, err, sizeof(err)), 0);
	cfg.version = 5;
	cfg.sampling.mode = SAMPLER_NONE;
	ck_assert_int_eq(export_sampling_check(&cfg, err, sizeof(err)), 0);
	/* v1 and v7 have no field for it: refused, not exported unscaled */
	cfg.sampling = (struct export_sampling){ SAMPLER_DETERMINISTIC, 2, 0 };
	cfg.version = 1;
	ck_assert_int_eq(export_sampling_check(&cfg, err, sizeof(err)),
			 -EINVAL);
	ck_assert_msg(strstr(err, "v1") && strstr(err, "v5"), "%s", err);
	cfg.version = 7;
	ck_assert_int_eq(export_sampling_check(&cfg, err, sizeof(err)),
			 -EINVAL);
	cfg.sampling.mode = SAMPLER_NONE;
	ck_assert_int_eq(export_sampling_check(&cfg, err, sizeof(err)), 0);
}
END_TEST

/* ---------------------------------------------------------------------- */
/* NetFlow v5                                                             */

/* The 16 octets every fixed header opens with, for mkflow(f, 4, 0). */
static void fixed_header(struct bb *want, int version)
{
	b16(want, (uint16_t)version);
	b16(want, 1);
	b32(want, 3250);		   /* sysUptime: the export clock */
	b32(want, (uint32_t)(BASE_S + 3)); /* ... in UNIX time */
	b32(want, 250000999);		   /* residual ns */
}

/* Octets 0-35 of a v1, v5 or v7 record of mkflow(f, 4, 0). */
static void fixed_record_start(struct bb *want, const struct flow *f)
{
	bmem(want, f->key.src, 4);
	bmem(want, f->key.dst, 4);
	b32(want, 0); /* nexthop */
	b16(want, 3); /* input */
	b16(want, 0); /* output */
	b32(want, 5);
	b32(want, 1234);
	b32(want, 1500); /* First */
	b32(want, 3250); /* Last */
	b16(want, 1234);
	b16(want, 80);
}

/* An exporter of version to r that has sent mkflow(f, 4, 0) in one
 * datagram. */
static struct exporter *fixed_one(int version, uint32_t domain, struct rx *r,
				  struct flow *f)
{
	struct exporter *ex = mkex(version, domain, 1500, NULL, NULL, r);

	mkflow(f, 4, 0);
	exporter_flow(ex, f, FLOW_END_IDLE);
	exporter_flush(ex);
	ck_assert_uint_eq(rx_drain(r), 1);
	return ex;
}

START_TEST(v5_byte_exact)
{
	struct rx r;
	struct flow f;
	struct exporter *ex = fixed_one(5, 0x0102, &r, &f);
	struct bb want = { .n = 0 };

	fixed_header(&want, 5);
	b32(&want, 0);	 /* flow_sequence */
	b8(&want, 0x01); /* engine type */
	b8(&want, 0x02); /* engine id */
	b16(&want, 0);	 /* sampling */
	fixed_record_start(&want, &f);
	b8(&want, 0);
	b8(&want, 0x1b);
	b8(&want, 6);
	b8(&want, 0x20);
	b32(&want, 0); /* AS numbers */
	b32(&want, 0); /* masks, pad */
	ck_assert_uint_eq(want.n, 72);
	assert_bytes(&r.d[0], &want);
	exporter_free(ex);
	rx_close(&r);
}
END_TEST

/* The IPv6 flows skipped of a fixed-record version. */
static uint64_t skipped_ipv6(const struct exporter *ex, int version)
{
	return version == 1   ? ex->stats.v1_skipped_ipv6
	       : version == 7 ? ex->stats.v7_skipped_ipv6
			      : ex->stats.v5_skipped_ipv6;
}

/*
 * What no collector can carry (IPv6 in v5, a flow no template fits) is
 * counted once per flow however many collectors there are, and every
 * collector still gets the rest.
 */
START_TEST(skips_counted_once_per_flow)
{
	static const int versions[] = { 5, 10, 1, 7 };
	size_t v;

	for (v = 0; v < 4; v++) {
		struct rx r1, r2;
		struct exporter *ex =
			mkex(versions[v], 1, 1500,
			     versions[v] != 10 ? NULL : "ipv4-five-tuple", NULL,
			     &r1);
		char spec[64], err[256];
		struct flow f4, f6;

		rx_open(&r2);
		snprintf(spec, sizeof(spec), "127.0.0.1:%u", r2.port);
		ck_assert_int_eq(
			exporter_add_collector(ex, spec, err, sizeof(err)), 0);
		mkflow(&f4, 4, 1);
		mkflow(&f6, 6, 2);
		exporter_flow(ex, &f6, FLOW_END_IDLE);
		exporter_flow(ex, &f4, FLOW_END_IDLE);
		exporter_flush(ex);
		if (versions[v] != 10)
			ck_assert_uint_eq(skipped_ipv6(ex, versions[v]), 1);
		else
			ck_assert_uint_eq(ex->stats.no_template, 1);
		ck_assert_uint_eq(rx_drain(&r1), 1);
		ck_assert_uint_eq(rx_drain(&r2), 1);
		ck_assert_uint_eq(ex->coll[0]->stats.data_records, 1);
		ck_assert_uint_eq(ex->coll[1]->stats.data_records, 1);
		exporter_free(ex);
		rx_close(&r1);
		rx_close(&r2);
	}
}
END_TEST

/* 85 flows, some IPv6, over a fixed-record version: per records (at
 * most) in datagrams of hdr + rec octets each, the flow_sequence (v5,
 * v7) counting flows. */
static void fixed_counts(int version, uint32_t mtu, uint32_t per, size_t hdr,
			 size_t rec)
{
	struct rx r;
	struct exporter *ex = mkex(version, 0, mtu, NULL, NULL, &r);
	uint32_t i, seq = 0;
	size_t m, v4 = 0;

	for (i = 0; i < 85; i++) {
		struct flow f;

		mkflow(&f, i % 17 == 3 ? 6 : 4, i);
		v4 += f.key.ipver == 4;
		exporter_flow(ex, &f, FLOW_END_IDLE);
	}
	exporter_flush(ex);
	rx_drain(&r);
	ck_assert_uint_eq(skipped_ipv6(ex, version), 85 - v4);
	ck_assert_uint_eq(r.n, (v4 + per - 1) / per);
	for (m = 0; m < r.n; m++) {
		const struct dgram *d = &r.d[m];
		uint16_t count = rd16(d->b + 2);

		ck_assert_uint_eq(rd16(d->b), version);
		ck_assert_uint_eq(count, m + 1 < r.n ? per : v4 - m * per);
		ck_assert_uint_eq(d->n, hdr + rec * (size_t)count);
		if (version != 1) /* v1 has no sequence number */
			ck_assert_uint_eq(rd32(d->b + 16), seq);
		seq += count;
	}
	ck_assert_uint_eq(seq, v4);
	exporter_free(ex);
	rx_close(&r);
}

START_TEST(v5_thirty_per_datagram)
{
	fixed_counts(5, 1500, 30, 24, 48);
}
END_TEST

START_TEST(v5_small_mtu)
{
	/* (576 - 28 - 24) / 48 = 10 */
	fixed_counts(5, 576, 10, 24, 48);
}
END_TEST

/* Export f over v5; the sums of its records. */
static size_t v5_split(uint64_t packets, uint64_t octets, uint64_t *sp,
		       uint64_t *so, uint32_t *min_pkts)
{
	struct rx r;
	struct exporter *ex = mkex(5, 0, 1500, NULL, NULL, &r);
	struct flow f;
	size_t m, i, nrec = 0;

	mkflow(&f, 4, 0);
	f.packets = packets;
	f.octets = octets;
	exporter_flow(ex, &f, FLOW_END_IDLE);
	exporter_flush(ex);
	rx_drain(&r);
	*sp = *so = 0;
	*min_pkts = UINT32_MAX;
	for (m = 0; m < r.n; m++) {
		for (i = 0; i < rd16(r.d[m].b + 2); i++) {
			const uint8_t *rec = r.d[m].b + 24 + 48 * i;
			uint32_t p = rd32(rec + 16);

			*sp += p;
			*so += rd32(rec + 20);
			if (p < *min_pkts)
				*min_pkts = p;
			nrec++;
		}
	}
	exporter_free(ex);
	rx_close(&r);
	return nrec;
}

START_TEST(v5_split_sums)
{
	static const struct {
		uint64_t p, o;
	} c[] = {
		{ 10, 3ull * 4294967296ull + 5 },
		{ 3000000, 4294967296ull },
		{ 10000000, 10000000000ull },
		{ 4294967296ull + 10, 100000 },
		{ 9000000000ull, 20000000000ull },
		{ 1, 4294967295ull },
	};
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		uint64_t sp, so;
		uint32_t minp;
		size_t n = v5_split(c[i].p, c[i].o, &sp, &so, &minp);

		ck_assert_uint_ge(n, 1);
		ck_assert_uint_eq(sp, c[i].p);
		ck_assert_uint_eq(so, c[i].o);
	}
}
END_TEST

/* A record of octets without a packet is not a flow record. */
START_TEST(v5_split_no_empty_records)
{
	uint64_t sp, so;
	uint32_t minp;

	/* 10 GB in 10 M packets of 1000 octets */
	v5_split(10000000, 10000000000ull, &sp, &so, &minp);
	ck_assert_uint_eq(so, 10000000000ull);
	ck_assert_uint_ge(minp, 1);
}
END_TEST

/* ---------------------------------------------------------------------- */
/* NetFlow v1 and v7                                                      */

/* Cisco's v1: a 16-octet header, no sequence; pad, prot, tos, flags. */
START_TEST(v1_byte_exact)
{
	struct rx r;
	struct flow f;
	struct exporter *ex = fixed_one(1, 0, &r, &f);
	struct bb want = { .n = 0 };

	fixed_header(&want, 1);
	fixed_record_start(&want, &f);
	b16(&want, 0);	 /* pad1 */
	b8(&want, 6);	 /* prot */
	b8(&want, 0x20); /* tos */
	b8(&want, 0x1b); /* flags: TCP flags */
	b8(&want, 0);	 /* pad2 */
	b16(&want, 0);	 /* pad2 */
	b32(&want, 0);	 /* reserved */
	ck_assert_uint_eq(want.n, 16 + 48);
	assert_bytes(&r.d[0], &want);
	exporter_free(ex);
	rx_close(&r);
}
END_TEST

/* Cisco's v7: v5's header with 4 reserved octets for engine and
 * sampling; v5's record (flags 0: every field valid) and router_sc. */
START_TEST(v7_byte_exact)
{
	struct rx r;
	struct flow f;
	struct exporter *ex = fixed_one(7, 0, &r, &f);
	struct bb want = { .n = 0 };

	exporter_flow(ex, &f, FLOW_END_IDLE);
	exporter_flush(ex);
	ck_assert_uint_eq(rx_drain(&r), 1);

	fixed_header(&want, 7);
	b32(&want, 0); /* flow_sequence */
	b32(&want, 0); /* reserved */
	fixed_record_start(&want, &f);
	b8(&want, 0);	 /* flags1: all fields valid */
	b8(&want, 0x1b); /* tcp_flags */
	b8(&want, 6);	 /* prot */
	b8(&want, 0x20); /* tos */
	b32(&want, 0);	 /* src_as, dst_as */
	b16(&want, 0);	 /* src_mask, dst_mask */
	b16(&want, 0);	 /* flags2: all fields valid */
	b32(&want, 0);	 /* router_sc: no router bypassed */
	ck_assert_uint_eq(want.n, 24 + 52);
	assert_bytes(&r.d[0], &want);
	/* the second: one flow sent before it */
	want.b[19] = 1;
	assert_bytes(&r.d[1], &want);
	exporter_free(ex);
	rx_close(&r);
}
END_TEST

START_TEST(v1_twenty_four_per_datagram)
{
	fixed_counts(1, 1500, 24, 16, 48);
}
END_TEST

START_TEST(v7_twenty_eight_per_datagram)
{
	fixed_counts(7, 9000, 28, 24, 52);
	/* the MTU first: (1500 - 28 - 24) / 52 = 27, (576 - 28 - 24) / 52 =
	 * 10 */
	fixed_counts(7, 1500, 27, 24, 52);
	fixed_counts(7, 576, 10, 24, 52);
}
END_TEST

/*
 * The header's sysUptime is the export clock, never before a record's
 * Last, and unix_secs.unix_nsecs - sysUptime is the time base: First and
 * Last read back as the flow's times to the ms. 60 days on, past 2^32
 * ms, the base has moved and the same holds.
 */
START_TEST(fixed_times_exact)
{
	static const int versions[] = { 1, 5, 7 };
	uint64_t day = 86400 * NS;
	size_t v;
	int k;

	for (v = 0; v < 3; v++) {
		struct rx r;
		struct exporter *ex =
			mkex(versions[v], 0, 1500, NULL, NULL, &r);
		size_t hdr = versions[v] == 1 ? 16 : 24;

		for (k = 0; k < 2; k++) {
			const struct dgram *d;
			uint64_t up, unix_ms, first, last;
			struct flow f;

			mkflow(&f, 4, (uint32_t)k);
			f.first_ns = BASE + (uint64_t)k * 60 * day + 7 * NS +
				     123 * MS + 456;
			f.last_ns = BASE + (uint64_t)k * 60 * day + 9 * NS +
				    999 * MS + 999999;
			exporter_flow(ex, &f, FLOW_END_IDLE);
			exporter_flush(ex);
			ck_assert_uint_eq(rx_drain(&r), 1);
			d = &r.d[k];
			up = rd32(d->b + 4);
			unix_ms = (uint64_t)rd32(d->b + 8) * 1000 +
				  rd32(d->b + 12) / MS;
			first = rd32(d->b + hdr + 24);
			last = rd32(d->b + hdr + 28);
			ck_assert_uint_le(first, last);
			ck_assert_uint_le(last, up);
			ck_assert_uint_eq(unix_ms - up + first,
					  f.first_ns / MS);
			ck_assert_uint_eq(unix_ms - up + last, f.last_ns / MS);
		}
		ck_assert_uint_eq(ex->stats.rebases, 1);
		exporter_free(ex);
		rx_close(&r);
	}
}
END_TEST

/* ---------------------------------------------------------------------- */
/* Collectors                                                             */

START_TEST(collector_specs)
{
	static const char *const bad[] = {
		"nohostport",
		"1.2.3.4:0",
		"1.2.3.4:70000",
		"::1:99",
		"h:1/tcp",
		"1.2.3.4:",
		":4739",
		"1.2.3.4:47a9",
		"1.2.3.4:-1",
		"[::1]4739",
		"[::1:4739",
		"1.2.3.4:4739/",
		"1.2.3.4:999999999",
		"",
	};
	static const char *const good[] = {
		"[::1]:4739",	   "127.0.0.1:4739/udp", "127.0.0.1:1",
		"127.0.0.1:65535", "[::1]:9995/udp",
	};
	struct export_cfg cfg;
	struct exporter *ex;
	char err[256];
	size_t i;

	memset(&cfg, 0, sizeof(cfg));
	cfg.version = 10;
	cfg.mtu = 1500;
	ex = exporter_new(&cfg);
	ck_assert_ptr_nonnull(ex);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = 0;
		ck_assert_msg(exporter_add_collector(ex, bad[i], err,
						     sizeof(err)) < 0,
			      "'%s' accepted", bad[i]);
		ck_assert_msg(err[0] != 0, "'%s': no message", bad[i]);
	}
	ck_assert_uint_eq(ex->ncoll, 0);
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		ck_assert_msg(exporter_add_collector(ex, good[i], err,
						     sizeof(err)) == 0,
			      "'%s' refused: %s", good[i], err);
	ck_assert_uint_eq(ex->ncoll, 5);
	/* IPv6 leaves room for a 40-octet IP header */
	ck_assert_uint_eq(ex->coll[0]->maxlen, 1500 - 48);
	ck_assert_uint_eq(ex->coll[1]->maxlen, 1500 - 28);
	exporter_free(ex);
	exporter_free(NULL);
}
END_TEST

START_TEST(collector_dest_values)
{
	static const char bad_msg[] = "': expected HOST:PORT or [IPv6]:PORT, "
				      "port 1-65535";
	struct export_dest d, f = { .port = 2055, .proto = TX_UDP };
	struct export_cfg cfg;
	struct exporter *ex;
	char err[512], err2[512], want[512], name[300];

	ck_assert_int_eq(
		export_dest_parse(&d, "[::1]:04739/tcp", err, sizeof(err)), 0);
	ck_assert_str_eq(d.host, "::1");
	ck_assert_uint_eq(d.port, 4739);
	ck_assert_int_eq(d.proto, TX_TCP);
	export_dest_name(&d, name, sizeof(name));
	ck_assert_str_eq(name, "[::1]:04739/tcp");
	d.spec = NULL;
	export_dest_name(&d, name, sizeof(name));
	ck_assert_str_eq(name, "[::1]:4739/tcp");
	ck_assert_int_eq(export_dest_check(&d, err, sizeof(err)), 0);

	ck_assert_int_eq(export_dest_parse(&d, "::1:99", err, sizeof(err)),
			 -EINVAL);
	ck_assert_int_eq(export_dest_check(&d, err2, sizeof(err2)), -EINVAL);
	ck_assert_str_eq(err2, err);
	snprintf(want, sizeof(want), "collector '::1:99%s", bad_msg);
	ck_assert_str_eq(err, want);

	memset(&cfg, 0, sizeof(cfg));
	cfg.version = 10;
	cfg.mtu = 1500;
	ex = exporter_new(&cfg);
	ck_assert_ptr_nonnull(ex);
	memset(f.host, 'a', 80);
	f.host[40] = '.';
	ck_assert_int_eq(exporter_add_dest(ex, &f, 0, NULL, err, sizeof(err)),
			 -EINVAL);
	snprintf(want, sizeof(want), "collector '%s:2055/udp%s", f.host,
		 bad_msg);
	ck_assert_str_eq(err, want);
	snprintf(name, sizeof(name), "%s:2055", f.host);
	ck_assert_int_eq(exporter_add_collector(ex, name, err, sizeof(err)),
			 -EINVAL);
	snprintf(want, sizeof(want), "collector '%s%s", name, bad_msg);
	ck_assert_str_eq(err, want);

	snprintf(f.host, sizeof(f.host), "127.0.0.1");
	ck_assert_int_eq(exporter_add_dest(ex, &f, 0, NULL, err, sizeof(err)),
			 0);
	ck_assert_str_eq(ex->coll[0]->name, "127.0.0.1:2055/udp");
	ck_assert_str_eq(ex->coll[0]->port, "2055");
	exporter_free(ex);
}
END_TEST

/* RFC 7011 §4.1-4.3 statistics, as a metering process would report them. */
static void meterstats_cb(void *ctx, struct export_meter_stats *out)
{
	(void)ctx;
	out->observed_flows = 9;
	out->ignored_packets = 4;
	out->ignored_octets = 333;
	out->ignored_first_ns = BASE + 1200 * MS + 5;
	out->ignored_last_ns = BASE + 2700 * MS;
}

/* One options template whose first field is the scope (IPFIX). */
static void st_template(struct bb *x, uint16_t id, const uint16_t *ies,
			const uint16_t *lens, uint16_t n)
{
	uint16_t i;

	b16(x, 3);
	b16(x, (uint16_t)(4 + 6 + 4 * n));
	b16(x, id);
	b16(x, n);
	b16(x, 1);
	for (i = 0; i < n; i++)
		b16(x, ies[i]), b16(x, lens[i]);
}

/*
 * At exit, after the last data: a message of the three statistics options
 * templates and their records, counting what went before it. A refused
 * datagram's flow is not sent (notSent*), but it was exported.
 */
START_TEST(ipfix_statistics_byte_exact)
{
	static const uint16_t ie1[] = { 149, 41, 42, 40, 163 };
	static const uint16_t ie2[] = { 149, 164, 165, 152, 153 };
	static const uint16_t ie3[] = { 144, 166, 167, 168, 152, 153 };
	static const uint16_t len5[] = { 4, 8, 8, 8, 8 };
	static const uint16_t len6[] = { 4, 8, 8, 8, 8, 8 };
	struct rx r;
	struct exporter *ex = mkex(10, 7, 1500, "ipv4-five-tuple", NULL, &r);
	struct collector *c = ex->coll[0];
	struct flow f;
	struct bb want = { .n = 0 };
	size_t first;

	ex->meterstats = meterstats_cb;
	mkflow(&f, 4, 0);
	exporter_tick(ex, BASE + 4 * NS);
	exporter_flow(ex, &f, FLOW_END_IDLE);
	exporter_flow(ex, &f, FLOW_END_IDLE);
	exporter_flush(ex);
	ck_assert_uint_eq(rx_drain(&r), 1); /* nothing to report yet */
	first = r.d[0].n;
	/* as if the datagram of the second flow had bounced at 5.5 s */
	c->stats.refused_records = 1;
	c->stats.refused_packets = f.packets;
	c->stats.refused_octets = f.octets;
	c->stats.notsent_first_ns = c->stats.notsent_last_ns = BASE + 5500 * MS;
	exporter_tick(ex, BASE + 6 * NS);
	exporter_drain(ex, 0);
	ck_assert_uint_eq(rx_drain(&r), 1);

	b16(&want, 10);
	b16(&want, 16 + 30 + 30 + 34 + 22 + 26 + 40 + 40 + 48);
	b32(&want, (uint32_t)(BASE_S + 6));
	b32(&want, 3); /* sysinit and the two flows */
	b32(&want, 7);
	st_template(&want, 261, ie1, len5, 5);
	st_template(&want, 262, ie2, len5, 5);
	st_template(&want, 263, ie3, len6, 6);
	/* the reliability templates without times, for before the first */
	st_template(&want, 264, ie2, len5, 3);
	st_template(&want, 265, ie3, len6, 4);
	b16(&want, 261);
	b16(&want, 40);
	b32(&want, 7);
	b64(&want, 1);	   /* exportedMessageTotalCount */
	b64(&want, 2);	   /* exportedFlowRecordTotalCount */
	b64(&want, first); /* exportedOctetTotalCount */
	b64(&want, 9);	   /* observedFlowTotalCount */
	b16(&want, 262);
	b16(&want, 40);
	b32(&want, 7);
	b64(&want, 4);
	b64(&want, 333);
	b64(&want, BASE / MS + 1200);
	b64(&want, BASE / MS + 2700);
	b16(&want, 263);
	b16(&want, 48);
	b32(&want, 7); /* exportingProcessId: the domain's */
	b64(&want, 1);
	b64(&want, f.packets);
	b64(&want, f.octets);
	b64(&want, BASE / MS + 5500);
	b64(&want, BASE / MS + 5500);
	assert_bytes(&r.d[1], &want);
	ck_assert_uint_eq(c->stats.options_records, 1 + 3);
	exporter_free(ex);
	rx_close(&r);
}
END_TEST

/* Nothing ignored, nothing dropped: no first and last times to send, and
 * no 0 (1970) in their place: the reliability records go out without
 * them (RFC 7011 §4.2, §4.3 "SHOULD"). */
START_TEST(ipfix_statistics_untimed)
{
	struct rx r;
	struct exporter *ex = mkex(10, 7, 1500, "ipv4-five-tuple", NULL, &r);
	struct flow f;
	const struct dgram *d;
	struct bb want = { .n = 0 };

	mkflow(&f, 4, 0);
	exporter_flow(ex, &f, FLOW_END_IDLE);
	exporter_flush(ex);
	exporter_drain(ex, 0);
	ck_assert_uint_eq(rx_drain(&r), 2);
	d = &r.d[1];
	/* after the 5 templates (30 + 30 + 34 + 22 + 26): the records */
	ck_assert_uint_eq(d->n, 16 + 142 + 40 + 24 + 32);
	b16(&want, 264);
	b16(&want, 24);
	b32(&want, 7);
	b64(&want, 0); /* ignoredPacketTotalCount */
	b64(&want, 0); /* ignoredOctetTotalCount */
	b16(&want, 265);
	b16(&want, 32);
	b32(&want, 7);
	b64(&want, 0), b64(&want, 0), b64(&want, 0); /* notSent* */
	ck_assert_mem_eq(d->b + 16 + 142 + 40, want.b, want.n);
	exporter_free(ex);
	rx_close(&r);
}
END_TEST

static bool ifenum_cb(void *ctx, size_t i, uint32_t *ifindex,
		      struct export_if *out)
{
	(void)ctx;
	if (i > 0)
		return false;
	*ifindex = 3;
	out->name = "eth0";
	return true;
}

/* Count the options records of r's messages by set id (IPFIX). */
static void count_sets(const struct rx *r, size_t from, unsigned *by_id)
{
	size_t m, off;

	for (m = from; m < r->n; m++)
		for (off = 16; off + 4 <= r->d[m].n;
		     off += rd16(r->d[m].b + off + 2)) {
			uint16_t id = rd16(r->d[m].b + off);

			if (id < 300)
				by_id[id]++;
			if (rd16(r->d[m].b + off + 2) < 4)
				break;
		}
}

/*
 * Cisco's exporter "option ... [timeout]": switched off, an option's
 * templates and records are never sent, the others are; with a timeout its
 * records go again when it is up, with no data to carry them.
 */
START_TEST(options_switched)
{
	struct rx r;
	struct exporter *ex = mkex(10, 7, 1500, "ipv4-five-tuple", NULL, &r);
	unsigned by_id[300] = { 0 };
	struct flow f;
	size_t n0;

	/* ids: 257 sysinit, 258 interface table, 259/260 sampler, 261-265
	 * statistics */
	ex->ifenum = ifenum_cb;
	export_sampling_set(&ex->cfg.sampling, SAMPLER_RANDOM, 10, 1);
	ex->cfg.opt[EXPORT_OPT_STATS].off = true;
	ex->cfg.opt[EXPORT_OPT_SAMPLER].off = true;
	ex->cfg.opt[EXPORT_OPT_IFTABLE].timeout_s = 5;
	mkflow(&f, 4, 0);
	exporter_flow(ex, &f, FLOW_END_IDLE);
	exporter_flush(ex);
	exporter_tick(ex, BASE + 4 * NS);
	exporter_flow(ex, &f, FLOW_END_IDLE);
	exporter_flush(ex);
	exporter_drain(ex, 0);
	rx_drain(&r);
	count_sets(&r, 0, by_id);
	ck_assert_uint_eq(by_id[257], 1); /* sysinit: always */
	ck_assert_uint_eq(by_id[258], 1); /* the interface table */
	ck_assert_uint_eq(by_id[259] + by_id[260], 0);
	ck_assert_uint_eq(by_id[261] + by_id[262] + by_id[263], 0);
	ck_assert_uint_eq(by_id[264] + by_id[265], 0);
	ck_assert_uint_eq(by_id[256], 2);
	/* 5 s after it went: the interface table alone, data or not */
	memset(by_id, 0, sizeof(by_id));
	n0 = r.n;
	exporter_tick(ex, BASE + 9 * NS);
	ck_assert_uint_eq(rx_drain(&r), 1);
	count_sets(&r, n0, by_id);
	ck_assert_uint_eq(by_id[258], 1);
	ck_assert_uint_eq(by_id[256] + by_id[2] + by_id[3], 0);
	exporter_tick(ex, BASE + 10 * NS);
	ck_assert_uint_eq(rx_drain(&r), 0);
	exporter_free(ex);
	rx_close(&r);
}
END_TEST

/* The local port a collector sends from. */
static uint16_t local_port(const struct collector *c)
{
	struct sockaddr_in sa;
	socklen_t sl = sizeof(sa);

	ck_assert_int_eq(getsockname(c->fd, (struct sockaddr *)&sa, &sl), 0);
	return ntohs(sa.sin_port);
}

/*
 * A reload replaces the exporting process: the collector of the same
 * version and domain goes on from the same socket with the next sequence
 * number (v9: packets); one of another domain starts its own session.
 */
START_TEST(reload_continues_session)
{
	struct rx r;
	struct exporter *old = mkex(9, 5, 1500, "ipv4-five-tuple", NULL, &r);
	struct exporter *ex, *other;
	struct export_cfg cfg = old->cfg;
	uint16_t sport = local_port(old->coll[0]);
	char err[256];
	struct flow f;

	mkflow(&f, 4, 0);
	exporter_flow(old, &f, FLOW_END_IDLE);
	exporter_flush(old);
	exporter_flow(old, &f, FLOW_END_IDLE);
	exporter_flush(old);
	exporter_drain(old, 0); /* and the statistics: 3 packets */
	ck_assert_uint_eq(rx_drain(&r), 3);

	ex = exporter_new(&cfg);
	cfg.domain_id = 6;
	other = exporter_new(&cfg);
	ck_assert_ptr_nonnull(ex);
	ck_assert_ptr_nonnull(other);
	ck_assert_int_eq(exporter_add_collector(ex, old->coll[0]->name, err,
						sizeof(err)),
			 0);
	ck_assert_int_eq(exporter_add_collector(other, old->coll[0]->name, err,
						sizeof(err)),
			 0);
	exporter_set_base(ex, BASE);
	exporter_set_base(other, BASE);
	exporter_continue(other, old); /* another domain: not its session */
	exporter_continue(ex, old);
	ck_assert_int_eq(old->coll[0]->fd, -1);
	exporter_free(old);
	ck_assert_uint_eq(local_port(ex->coll[0]), sport);
	ck_assert_uint_ne(local_port(other->coll[0]), sport);

	exporter_flow(ex, &f, FLOW_END_IDLE);
	exporter_flush(ex);
	exporter_flow(other, &f, FLOW_END_IDLE);
	exporter_flush(other);
	ck_assert_uint_eq(rx_drain(&r), 2);
	ck_assert_uint_eq(rd32(r.d[3].b + 12), 3); /* went on */
	ck_assert_uint_eq(rd32(r.d[3].b + 16), 5);
	ck_assert_uint_eq(rd32(r.d[4].b + 12), 0); /* its own */
	ck_assert_uint_eq(rd32(r.d[4].b + 16), 6);
	exporter_free(ex);
	exporter_free(other);
	rx_close(&r);
}
END_TEST

static Suite *export_suite(void)
{
	Suite *s = suite_create("export");
	TCase *tc;

	tc = tcase_create("ipfix");
	tcase_add_test(tc, ipfix_byte_exact);
	tcase_add_test(tc, ipfix_sequence_mtu);
	tcase_add_test(tc, ipfix_batched_round);
	tcase_add_test(tc, ipfix_sequence_small_mtu);
	tcase_add_test(tc, ipfix_refresh_msgs);
	tcase_add_test(tc, ipfix_refresh_time);
	tcase_add_test(tc, ipfix_tick_and_no_template);
	tcase_add_test(tc, skips_counted_once_per_flow);
	tcase_add_test(tc, ipfix_templates_exceed_mtu);
	tcase_add_test(tc, ipfix_statistics_byte_exact);
	tcase_add_test(tc, ipfix_time_base_moves);
	tcase_add_test(tc, ipfix_statistics_untimed);
	tcase_add_test(tc, options_switched);
	suite_add_tcase(s, tc);

	tc = tcase_create("v9");
	tcase_add_test(tc, v9_byte_exact);
	tcase_add_test(tc, v9_many);
	tcase_add_test(tc, v9_header_after_records);
	suite_add_tcase(s, tc);

	tc = tcase_create("v5");
	tcase_add_test(tc, v5_byte_exact);
	tcase_add_test(tc, v5_thirty_per_datagram);
	tcase_add_test(tc, v5_small_mtu);
	tcase_add_test(tc, v5_split_sums);
	tcase_add_test(tc, v5_split_no_empty_records);
	suite_add_tcase(s, tc);

	tc = tcase_create("v1_v7");
	tcase_add_test(tc, v1_byte_exact);
	tcase_add_test(tc, v7_byte_exact);
	tcase_add_test(tc, v1_twenty_four_per_datagram);
	tcase_add_test(tc, v7_twenty_eight_per_datagram);
	tcase_add_test(tc, fixed_times_exact);
	suite_add_tcase(s, tc);

	tc = tcase_create("sampling");
	tcase_add_test(tc, ipfix_sampling_byte_exact);
	tcase_add_test(tc, v9_sampling_byte_exact);
	tcase_add_test(tc, sampling_with_every_refresh);
	tcase_add_test(tc, v5_sampling_header);
	tcase_add_test(tc, sampling_check);
	suite_add_tcase(s, tc);

	tc = tcase_create("collector");
	tcase_add_test(tc, collector_specs);
	tcase_add_test(tc, collector_dest_values);
	tcase_add_test(tc, reload_continues_session);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(export_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
