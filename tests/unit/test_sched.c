// SPDX-License-Identifier: BSD-2-Clause
/*
 * test_sched.c - the export schedule (export/sched.c): which sets go in
 * which message, in which order, for NetFlow v9 and IPFIX, after the
 * start, at template refreshes by count and by time, when options records
 * fall due, across the MTU, at exit. Messages are received on a loopback
 * socket and written as one letter a set:
 *   T template set, o options template set, d data set,
 *   s systemInitTime, i interface table, p sampler table, q sampling
 *   interval, S statistics (records), '|' between messages.
 */
#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "export/export.h"
#include "templates/templates.h"

#define NS 1000000000ull
#define MS 1000000ull
#define BASE (1700000000ull * NS)

struct rx {
	int fd;
	uint16_t port;
	int version;
	size_t nif;    /* interfaces in the table */
	size_t reclen; /* of a data record */
};

static void rx_open(struct rx *r, int version)
{
	struct sockaddr_in sa;
	socklen_t sl = sizeof(sa);
	int sz = 8 << 20;

	memset(r, 0, sizeof(*r));
	r->version = version;
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

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/* One ipv4-five-tuple template: ids 256 data, 257 systemInitTime, 258
 * interface table, 259 sampler, 260 interval, 261-265 statistics. */
static char set_letter(const struct rx *r, uint16_t id)
{
	static const char opt[] = "dsipqSSSSS";

	if (id == (r->version == 9 ? 0 : 2))
		return 'T';
	if (id == (r->version == 9 ? 1 : 3))
		return 'o';
	if (id >= 256 && id < 256 + sizeof(opt) - 1)
		return opt[id - 256];
	return '?';
}

struct msgs {
	char s[4096];	       /* the letters */
	size_t n, maxlen;      /* messages, the longest */
	uint32_t ifindex[256]; /* interface-table records in order */
	size_t nifrec, ndata;
};

/* Every message waiting, as letters (appended to m). */
static void rx_take(struct rx *r, struct msgs *m)
{
	uint8_t b[65536];
	size_t hdr = r->version == 9 ? 20 : 16;

	for (;;) {
		struct pollfd pfd = { .fd = r->fd, .events = POLLIN };
		size_t off = hdr, l = strlen(m->s);
		ssize_t got;

		if (poll(&pfd, 1, 50) != 1)
			break;
		got = recv(r->fd, b, sizeof(b), MSG_DONTWAIT);
		ck_assert_int_gt(got, (ssize_t)hdr);
		if (m->n++)
			m->s[l++] = '|';
		if ((size_t)got > m->maxlen)
			m->maxlen = (size_t)got;
		while (off + 4 <= (size_t)got) {
			uint16_t id = rd16(b + off), len = rd16(b + off + 2);
			char c = set_letter(r, id);
			size_t k;

			ck_assert_uint_ge(len, 4);
			ck_assert_uint_le(off + len, (size_t)got);
			ck_assert_uint_lt(l + 2, sizeof(m->s));
			m->s[l++] = c;
			/* interface table records: scope, ifindex, 16 + 64 */
			for (k = 4; c == 'i' && k + 88 <= len; k += 88)
				m->ifindex[m->nifrec++ % 256] =
					rd32(b + off + k + 4);
			if (c == 'd')
				m->ndata += (len - 4) / r->reclen;
			off += len;
		}
		m->s[l] = 0;
	}
}

static bool ifenum_cb(void *ctx, size_t i, uint32_t *ifindex,
		      struct export_if *out)
{
	const struct rx *r = ctx;

	if (i >= r->nif)
		return false;
	*ifindex = (uint32_t)(i + 1);
	out->name = "eth";
	out->descr = i % 2 ? "uplink" : NULL;
	return true;
}

static struct exporter *mkex(struct rx *r, int version, uint32_t mtu,
			     size_t nif, bool sampling)
{
	struct export_cfg cfg;
	struct exporter *ex;
	char spec[64], err[256];

	rx_open(r, version);
	r->nif = nif;
	/* ipv4-five-tuple, then the sampler id */
	r->reclen = 58 + (!sampling ? 0 : version == 9 ? 1 : 8);
	memset(&cfg, 0, sizeof(cfg));
	cfg.version = version;
	cfg.domain_id = 7;
	cfg.mtu = mtu;
	cfg.tmpl[cfg.ntmpl++] = template_find("ipv4-five-tuple");
	if (sampling)
		export_sampling_set(&cfg.sampling, SAMPLER_RANDOM, 10, 1);
	ex = exporter_new(&cfg);
	ck_assert_ptr_nonnull(ex);
	if (nif) {
		ex->ifenum = ifenum_cb;
		ex->ifname_ctx = r;
	}
	snprintf(spec, sizeof(spec), "127.0.0.1:%u", r->port);
	ck_assert_int_eq(exporter_add_collector(ex, spec, err, sizeof(err)), 0);
	exporter_set_base(ex, BASE);
	return ex;
}

static void flow(struct exporter *ex, uint64_t t, uint32_t n)
{
	struct flow f;

	memset(&f, 0, sizeof(f));
	f.key.ipver = 4;
	f.key.src[0] = 10;
	f.key.dst[0] = 10;
	f.key.dst[3] = (uint8_t)n;
	f.key.sport = (uint16_t)(1000 + n);
	f.key.proto = 6;
	f.key.ifindex = 1;
	f.packets = 1;
	f.octets = 100;
	f.first_ns = t;
	f.last_ns = t + MS;
	exporter_flow(ex, &f, FLOW_END_IDLE);
}

static void done(struct rx *r, struct exporter *ex)
{
	exporter_free(ex);
	close(r->fd);
}

/*
 * After the start: the templates, their options templates (systemInit-
 * Time: IPFIX only; the interface table; the sampler's two), their
 * records, and the interface table in the same message; the data in the
 * next (the table goes ahead of the first record that names an
 * interface). At exit the statistics, with their five templates.
 */
START_TEST(order_after_start)
{
	static const char *const want[2][2] = {
		{ "Toi|d", "Tooopqi|d" },     /* v9 */
		{ "Toosi|d", "Toooospqi|d" }, /* IPFIX */
	};
	int v, smp;

	for (v = 0; v < 2; v++)
		for (smp = 0; smp < 2; smp++) {
			struct rx r;
			struct exporter *ex =
				mkex(&r, v ? 10 : 9, 1500, 2, smp);
			struct msgs m = { .n = 0 };

			flow(ex, BASE + NS, 0);
			exporter_flush(ex);
			rx_take(&r, &m);
			ck_assert_str_eq(m.s, want[v][smp]);
			ck_assert_uint_eq(m.nifrec, 2);
			memset(&m, 0, sizeof(m));
			exporter_drain(ex, 0);
			rx_take(&r, &m);
			ck_assert_str_eq(m.s, "oooooSSS");
			done(&r, ex);
		}
}
END_TEST

/*
 * Refresh by count (refresh_msgs 3, IOS's "refresh-rate N packets"):
 * the message carrying the templates counts; after each refresh but the
 * first, the statistics in a message of their own once the data message
 * is sent; the interface table with every refresh.
 */
START_TEST(refresh_by_count)
{
	struct rx r;
	struct exporter *ex = mkex(&r, 10, 1500, 1, true);
	struct msgs m = { .n = 0 };
	int i;

	ex->cfg.refresh_msgs = 3;
	for (i = 0; i < 6; i++) {
		flow(ex, BASE + NS, (uint32_t)i);
		exporter_flush(ex);
	}
	rx_take(&r, &m);
	ck_assert_str_eq(m.s, "Toooospqi|d|d|Toooospqi|d|oooooSSS|"
			      "Toooospqi|d|oooooSSS|Toooospqi|d|oooooSSS|"
			      "Toooospqi|d|oooooSSS");
	done(&r, ex);
}
END_TEST

/* Refresh by time (600 s): the first message after it begins with the
 * templates; the statistics follow the data. */
START_TEST(refresh_by_time)
{
	static const uint64_t at[] = { 0, 300, 604, 1300, 1301 };
	struct rx r;
	struct exporter *ex = mkex(&r, 9, 1500, 1, false);
	struct msgs m = { .n = 0 };
	size_t i;

	ex->cfg.refresh_s = 600;
	for (i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
		exporter_tick(ex, BASE + at[i] * NS);
		flow(ex, BASE + at[i] * NS, (uint32_t)i);
		exporter_flush(ex);
	}
	rx_take(&r, &m);
	ck_assert_str_eq(m.s, "Toi|d|d|Toi|d|oooooSSS|Toi|d|oooooSSS|d");
	done(&r, ex);
}
END_TEST

/*
 * Options records whose timeout is up (interface table 5 s, sampler 7 s,
 * statistics 11 s) go at the next tick in messages of their own, after
 * the data buffered, data or not; each kind in its own message, in the
 * order interface table, sampler, statistics.
 */
START_TEST(options_records_due)
{
	struct rx r;
	struct exporter *ex = mkex(&r, 10, 1500, 1, true);
	struct msgs m = { .n = 0 };
	char got[512] = "";
	int s;

	ex->cfg.opt[EXPORT_OPT_IFTABLE].timeout_s = 5;
	ex->cfg.opt[EXPORT_OPT_SAMPLER].timeout_s = 7;
	ex->cfg.opt[EXPORT_OPT_STATS].timeout_s = 11;
	flow(ex, BASE + NS, 0);
	exporter_flush(ex);
	rx_take(&r, &m);
	ck_assert_str_eq(m.s, "Toooospqi|d");
	for (s = 2; s <= 24; s++) {
		char one[64 + sizeof(m.s)];

		memset(&m, 0, sizeof(m));
		if (s == 3)
			flow(ex, BASE + (uint64_t)s * NS, 1);
		exporter_tick(ex, BASE + (uint64_t)s * NS);
		rx_take(&r, &m);
		if (!m.n)
			continue;
		snprintf(one, sizeof(one), " %d:%s", s, m.s);
		strcat(got, one);
	}
	/* the first message went at 1.001 s. The record of 3.001 s a
	 * second after it; the table 5 s after it went, the sampler 7 s,
	 * the statistics 11 s (their templates the first time only) */
	ck_assert_str_eq(got, " 5:d 7:i 9:oopq 12:i 13:oooooSSS 16:oopq "
			      "17:i 22:i 23:oopq 24:SSS");
	done(&r, ex);
}
END_TEST

/*
 * Across the MTU: an interface table of 40 at an MTU of 576 fills the
 * message of the templates, then messages of its own, every interface
 * once and in order, before the data; the data fill messages of their
 * own. Every message fits.
 */
START_TEST(across_mtu)
{
	int v;

	for (v = 9; v <= 10; v++) {
		struct rx r;
		struct exporter *ex = mkex(&r, v, 576, 40, true);
		struct msgs m = { .n = 0 };
		const char *p;
		size_t i;

		for (i = 0; i < 30; i++)
			flow(ex, BASE + NS, (uint32_t)i);
		exporter_flush(ex);
		rx_take(&r, &m);
		ck_assert_uint_le(m.maxlen, 576 - 28);
		ck_assert_uint_eq(m.nifrec, 40);
		for (i = 0; i < 40; i++)
			ck_assert_uint_eq(m.ifindex[i], i + 1);
		ck_assert_uint_eq(m.ndata, 30);
		ck_assert_msg(m.s[0] == 'T', "%s", m.s);
		/* the table first, the data after it, never mixed */
		p = strchr(m.s, 'd');
		ck_assert_ptr_nonnull(p);
		ck_assert_ptr_null(strchr(p, 'i'));
		ck_assert_ptr_null(strchr(m.s + 1, 'T'));
		ck_assert_uint_ge(m.n, 8);

		/* the table again when the interfaces change, ahead of
		 * the next record */
		memset(&m, 0, sizeof(m));
		exporter_interfaces_changed(ex);
		flow(ex, BASE + 2 * NS, 0);
		exporter_flush(ex);
		rx_take(&r, &m);
		ck_assert_uint_eq(m.nifrec, 40);
		ck_assert_uint_le(m.maxlen, 576 - 28);
		ck_assert_uint_eq(m.s[strlen(m.s) - 1], 'd');
		done(&r, ex);
	}
}
END_TEST

/* The interfaces change while a data message is being filled: the table
 * joins that message, which goes then; the next record begins anew. */
START_TEST(table_joins_data)
{
	struct rx r;
	struct exporter *ex = mkex(&r, 10, 1500, 2, false);
	struct msgs m = { .n = 0 };

	flow(ex, BASE + NS, 0);
	exporter_flush(ex);
	flow(ex, BASE + NS, 1);
	exporter_interfaces_changed(ex);
	flow(ex, BASE + NS, 2);
	exporter_flush(ex);
	rx_take(&r, &m);
	ck_assert_str_eq(m.s, "Toosi|d|di|d");
	done(&r, ex);
}
END_TEST

/*
 * A refresh with every message (refresh_msgs 1): each message begins with
 * the templates, the interface table goes once per record or flush (not
 * again and again), and every request ends.
 */
START_TEST(refresh_every_message)
{
	struct rx r;
	struct exporter *ex = mkex(&r, 9, 1500, 3, true);
	struct msgs m = { .n = 0 };
	size_t i;

	ex->cfg.refresh_msgs = 1;
	for (i = 0; i < 3; i++)
		flow(ex, BASE + NS, (uint32_t)i);
	exporter_flush(ex);
	rx_take(&r, &m);
	ck_assert_str_eq(m.s, "Tooopqi|Tooopqdi|Tooopqdi|Tooopqd|Tooopqi|"
			      "TooopqoooooSSS");
	done(&r, ex);
}
END_TEST

/*
 * When the templates are due again in the message of the statistics
 * (refresh_msgs 2: the data message and the statistics), they go in it,
 * the interface table they owe after it, and the statistics once: at
 * exit too, and nothing more at the next flush.
 */
START_TEST(refresh_in_statistics)
{
	struct rx r;
	struct exporter *ex = mkex(&r, 10, 1500, 1, false);
	struct msgs m = { .n = 0 };
	int i;

	ex->cfg.refresh_msgs = 2;
	for (i = 0; i < 2; i++) {
		flow(ex, BASE + NS, (uint32_t)i);
		exporter_flush(ex);
	}
	rx_take(&r, &m);
	ck_assert_str_eq(m.s, "Toosi|d|Toosi|d|ToosoooooSSS|i");
	memset(&m, 0, sizeof(m));
	exporter_drain(ex, 0);
	rx_take(&r, &m);
	ck_assert_str_eq(m.s, "ToosoooooSSS|i");
	memset(&m, 0, sizeof(m));
	exporter_flush(ex);
	rx_take(&r, &m);
	ck_assert_uint_eq(m.n, 0);
	done(&r, ex);
}
END_TEST

/* The templates alone (a TCP connection's first message), then the
 * options owed; nothing before the templates at a flush. */
START_TEST(templates_alone)
{
	struct rx r;
	struct exporter *ex = mkex(&r, 10, 1500, 1, true);
	struct collector *c = ex->coll[0];
	struct msgs m = { .n = 0 };

	exporter_flush(ex);
	exporter_interfaces_changed(ex);
	exporter_flush(ex);
	rx_take(&r, &m);
	ck_assert_uint_eq(m.n, 0);
	c->ops->templates(c);
	exporter_push(ex);
	rx_take(&r, &m);
	ck_assert_str_eq(m.s, "Toooospq|i");
	done(&r, ex);
}
END_TEST

static void meterstats_cb(void *ctx, struct export_meter_stats *out)
{
	(void)ctx;
	out->ignored_first_ns = BASE + NS;
	out->ignored_last_ns = BASE + 2 * NS;
}

/* What a template message needs is what the encoders write: the
 * refresh, or the statistics message with their times, whichever is
 * longer. */
START_TEST(templates_len_measured)
{
	int v;

	for (v = 9; v <= 10; v++) {
		struct rx r;
		struct exporter *ex = mkex(&r, v, 1500, 2, true);
		struct msgs m = { .n = 0 };
		size_t refresh, stats;

		ex->meterstats = meterstats_cb;
		flow(ex, BASE + NS, 0);
		exporter_flush(ex);
		rx_take(&r, &m);
		/* the first message less the interface table's set */
		refresh = m.maxlen - (4 + 2 * 88);
		ex->coll[0]->stats.notsent_first_ns = BASE + NS;
		ex->coll[0]->stats.notsent_last_ns = BASE + NS;
		memset(&m, 0, sizeof(m));
		exporter_drain(ex, 0);
		rx_take(&r, &m);
		ck_assert_str_eq(m.s, "oooooSSS");
		stats = m.maxlen;
		ck_assert_uint_eq(export_templates_len(&ex->cfg),
				  refresh > stats ? refresh : stats);
		/* without statistics, the refresh alone */
		ex->cfg.opt[EXPORT_OPT_STATS].off = true;
		ck_assert_uint_eq(export_templates_len(&ex->cfg), refresh);
		done(&r, ex);
	}
}
END_TEST

static Suite *sched_suite(void)
{
	Suite *s = suite_create("sched");
	TCase *tc = tcase_create("schedule");

	tcase_add_test(tc, order_after_start);
	tcase_add_test(tc, refresh_by_count);
	tcase_add_test(tc, refresh_by_time);
	tcase_add_test(tc, options_records_due);
	tcase_add_test(tc, across_mtu);
	tcase_add_test(tc, table_joins_data);
	tcase_add_test(tc, refresh_every_message);
	tcase_add_test(tc, refresh_in_statistics);
	tcase_add_test(tc, templates_alone);
	tcase_add_test(tc, templates_len_measured);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(sched_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
