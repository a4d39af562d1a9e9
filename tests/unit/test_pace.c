// SPDX-License-Identifier: BSD-2-Clause
/*
 * test_pace.c - export pacing (export/pace.c): the token bucket's
 * arithmetic on a clock the test drives, arrival order, and every record
 * that finds the queue full counted as not sent, with its packets and
 * octets, at every collector.
 */
#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "export/export.h"
#include "templates/templates.h"

#define NS 1000000000ull
#define MS 1000000ull
#define BASE (1700000000ull * NS)
#define T0 (1000 * NS) /* the test's monotonic clock */

/* A UDP socket on loopback to send to; nothing reads it. */
static int sink(uint16_t *port)
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

static struct exporter *mkex(uint32_t rate, uint32_t burst, uint32_t queue,
			     int ncoll, int *fd)
{
	struct export_cfg cfg;
	struct exporter *ex;
	char spec[64], err[256];
	uint16_t port;
	int i;

	memset(&cfg, 0, sizeof(cfg));
	cfg.version = 10;
	cfg.domain_id = 1;
	cfg.mtu = 1500;
	cfg.tmpl[cfg.ntmpl++] = template_find("ipv4-five-tuple");
	cfg.pace.rate = rate;
	cfg.pace.burst = burst;
	cfg.pace.queue = queue;
	ex = exporter_new(&cfg);
	ck_assert_ptr_nonnull(ex);
	for (i = 0; i < ncoll; i++) {
		fd[i] = sink(&port);
		snprintf(spec, sizeof(spec), "127.0.0.1:%u", port);
		ck_assert_int_eq(
			exporter_add_collector(ex, spec, err, sizeof(err)), 0);
	}
	exporter_set_base(ex, BASE);
	return ex;
}

static void offer(struct exporter *ex, uint32_t from, uint32_t n)
{
	struct flow f;
	uint32_t i;

	for (i = from; i < from + n; i++) {
		memset(&f, 0, sizeof(f));
		f.key.ipver = 4;
		f.key.src[0] = 10;
		f.key.dst[0] = 10;
		f.key.sport = (uint16_t)i;
		f.key.dport = 53;
		f.key.proto = 17;
		f.packets = 2;
		f.octets = 100;
		f.first_ns = BASE + NS;
		f.last_ns = BASE + NS;
		exporter_flow(ex, &f, FLOW_END_IDLE);
	}
}

/* The source port of the record at the head of the queue. */
static uint16_t head_port(const struct exporter *ex)
{
	return ex->pace.q[ex->pace.head].f.key.sport;
}

START_TEST(burst_then_rate)
{
	int fd[1];
	struct exporter *ex = mkex(1000, 10, 100, 1, fd);

	offer(ex, 0, 50);
	/* the bucket starts full: the burst leaves at once */
	ck_assert_uint_eq(ex->stats.pace_sent, 10);
	ck_assert_uint_eq(ex->stats.pace_waiting, 40);
	ck_assert_uint_eq(ex->coll[0]->stats.data_records, 10);
	ck_assert_uint_eq(head_port(ex), 10);
	/* the first look at the clock starts it: no credit yet */
	exporter_pace(ex, T0);
	ck_assert_uint_eq(ex->stats.pace_sent, 10);
	ck_assert_uint_eq(exporter_pace_due(ex, T0), T0 + MS);
	/* 1000 a second: one a millisecond, in arrival order */
	exporter_pace(ex, T0 + 5 * MS);
	ck_assert_uint_eq(ex->stats.pace_sent, 15);
	ck_assert_uint_eq(head_port(ex), 15);
	exporter_pace(ex, T0 + 5 * MS + MS / 2);
	ck_assert_uint_eq(ex->stats.pace_sent, 15);
	ck_assert_uint_eq(exporter_pace_due(ex, T0 + 5 * MS + MS / 2),
			  T0 + 6 * MS);
	/* a quiet second earns a burst, not a second of records */
	exporter_pace(ex, T0 + NS);
	ck_assert_uint_eq(ex->stats.pace_sent, 25);
	ck_assert_uint_eq(head_port(ex), 25);
	ck_assert_uint_eq(ex->stats.pace_peak, 40);
	/* a clock that goes back gives nothing */
	exporter_pace(ex, T0);
	ck_assert_uint_eq(ex->stats.pace_sent, 25);
	/* 10 ms of credit at a time never exceed the burst of 10 */
	exporter_pace(ex, T0 + NS + 10 * MS);
	ck_assert_uint_eq(ex->stats.pace_sent, 35);
	exporter_pace(ex, T0 + NS + 20 * MS);
	exporter_pace(ex, T0 + NS + 30 * MS);
	ck_assert_uint_eq(ex->stats.pace_sent, 50);
	ck_assert_uint_eq(exporter_pace_due(ex, T0 + 2 * NS), UINT64_MAX);
	ck_assert_uint_eq(ex->coll[0]->stats.data_records, 50);
	ck_assert_uint_eq(ex->coll[0]->stats.paced_records, 0);
	exporter_free(ex);
	close(fd[0]);
}
END_TEST

START_TEST(overflow_counted)
{
	int fd[2], i;
	struct exporter *ex = mkex(1, 1, 5, 2, fd);

	offer(ex, 0, 20);
	/* one leaves (the burst), five wait, fourteen find it full */
	ck_assert_uint_eq(ex->stats.pace_sent, 1);
	ck_assert_uint_eq(ex->stats.pace_waiting, 5);
	ck_assert_uint_eq(ex->stats.pace_dropped, 14);
	for (i = 0; i < 2; i++) {
		const struct collector_stats *st = &ex->coll[i]->stats;

		ck_assert_uint_eq(st->data_records, 1);
		ck_assert_uint_eq(st->paced_records, 14);
		ck_assert_uint_eq(st->paced_packets, 28);
		ck_assert_uint_eq(st->paced_octets, 1400);
		ck_assert_uint_ne(st->notsent_first_ns, 0);
	}
	/* those that wait keep their order: the first ones */
	ck_assert_uint_eq(head_port(ex), 1);
	/* a drain whose time is up counts what waits as not sent */
	exporter_pace_drain(ex, 0);
	ck_assert_uint_eq(ex->stats.pace_waiting, 0);
	for (i = 0; i < 2; i++) {
		const struct collector_stats *st = &ex->coll[i]->stats;

		ck_assert_uint_eq(st->data_records + st->paced_records, 20);
	}
	exporter_free(ex);
	close(fd[0]);
	close(fd[1]);
}
END_TEST

START_TEST(drain_at_the_rate)
{
	int fd[1];
	struct exporter *ex = mkex(200, 1, 100, 1, fd);
	uint64_t t;

	offer(ex, 0, 41);
	t = export_mono_ns();
	exporter_pace_drain(ex, UINT64_MAX);
	t = export_mono_ns() - t;
	/* 40 waited: 200 a second is 200 ms */
	ck_assert_uint_ge(t, 190 * MS);
	ck_assert_uint_eq(ex->coll[0]->stats.data_records, 41);
	ck_assert_uint_eq(ex->coll[0]->stats.paced_records, 0);
	exporter_free(ex);
	close(fd[0]);
}
END_TEST

START_TEST(defaults)
{
	struct export_pace_cfg p = { .rate = 5000 };

	ck_assert_uint_eq(export_pace_burst(&p), 250);
	ck_assert_uint_eq(export_pace_queue(&p), EXPORT_PACE_QUEUE);
	p.rate = 10;
	ck_assert_uint_eq(export_pace_burst(&p), 1);
	p.burst = 7;
	p.queue = 9;
	ck_assert_uint_eq(export_pace_burst(&p), 7);
	ck_assert_uint_eq(export_pace_queue(&p), 9);
}
END_TEST

START_TEST(off_by_default)
{
	int fd[1];
	struct exporter *ex = mkex(0, 0, 0, 1, fd);

	offer(ex, 0, 1000);
	ck_assert_ptr_null(ex->pace.q);
	ck_assert_uint_eq(ex->coll[0]->stats.data_records, 1000);
	ck_assert_uint_eq(exporter_pace_due(ex, T0), UINT64_MAX);
	exporter_free(ex);
	close(fd[0]);
}
END_TEST

static Suite *pace_suite(void)
{
	Suite *s = suite_create("pace");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, burst_then_rate);
	tcase_add_test(tc, overflow_counted);
	tcase_add_test(tc, drain_at_the_rate);
	tcase_add_test(tc, defaults);
	tcase_add_test(tc, off_by_default);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(pace_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
