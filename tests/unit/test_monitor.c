// SPDX-License-Identifier: BSD-2-Clause
/*
 * test_monitor.c - a monitor made from the command line's options reads a
 * file to the end (monitor.h's life without main.c): what it meters,
 * expires and exports adds up to the file's truth; the PPP session alias
 * of an interface is parsed once per interface table change, not once per
 * exported flow.
 */
#define _DEFAULT_SOURCE /* strsep */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "daemon/monitor.h"

#define DEMO "tests/data/demo.pcap"
#define DEMO_CSV "tests/data/demo.csv"

static volatile sig_atomic_t no_stop;

/* A UDP socket on 127.0.0.1 for the export; its "HOST:PORT". */
static int sink_open(char *addr, size_t len)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t sl = sizeof(sa);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	ck_assert_int_ge(fd, 0);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&sa, &sl), 0);
	snprintf(addr, len, "127.0.0.1:%u", ntohs(sa.sin_port));
	return fd;
}

/* Datagrams waiting at fd. */
static unsigned int sink_count(int fd)
{
	char buf[65536];
	unsigned int n = 0;

	while (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) > 0)
		n++;
	return n;
}

/*
 * The monitor of argv, read to the end of its file as main.c does it:
 * exporters, captures, workers, batches until EOF, finish.
 */
static struct monitor *run_file(struct monitor_env *env, struct options *opt,
				int argc, char **argv)
{
	struct monitor *m = NULL;
	int ec = 0, n;

	env->stop = &no_stop;
	ck_assert_int_eq(options_parse(opt, argc, argv), 0);
	ck_assert_int_eq(monitor_new(env, opt, NULL, 0, &m, &ec), 0);
	ck_assert_ptr_nonnull(m);
	ck_assert_int_eq(monitor_exporters_open(m, &ec), 0);
	ck_assert_int_eq(monitor_captures_open(m, &m, 1, &ec), 0);
	ck_assert_int_eq(monitor_workers_open(m, &ec), 0);
	ck_assert_int_eq(ec, 0);
	while (!m->eof) {
		n = monitor_read(m, 64);
		ck_assert(n >= 0 || n == -ENODATA);
	}
	monitor_finish(m);
	return m;
}

/*
 * A reload that changes a monitor with a record: the new exporters own
 * their templates, so the options they were made from may go (reload.c
 * frees them); once, the exporters pointed into those options.
 */
START_TEST(reload_keeps_record_templates)
{
	struct monitor_env env = { .stop = &no_stop };
	struct options *opt = calloc(1, sizeof(*opt)),
		       *n = calloc(1, sizeof(*n));
	char coll[64], spec[] = "pairs:sourceIPv4Address,destinationIPv4"
				"Address/packetDeltaCount";
	int fd = sink_open(coll, sizeof(coll)), ec = 0, r;
	char *argv[] = { "xflowd",	    "-r", DEMO, "-c",	 coll,
			 "--record",	    spec, "-t", "pairs", "-t",
			 "ipv6-five-tuple", "-A", "60" };
	const struct template_def *t;
	struct monitor *m = NULL;

	ck_assert_int_eq(options_parse(opt, 11, argv), 0);
	ck_assert_int_eq(monitor_new(&env, opt, NULL, 0, &m, &ec), 0);
	ck_assert_ptr_nonnull(m);
	ck_assert_int_eq(monitor_exporters_open(m, &ec), 0);
	ck_assert_int_eq(monitor_captures_open(m, &m, 1, &ec), 0);
	ck_assert_int_eq(monitor_workers_open(m, &ec), 0);
	r = monitor_read(m, 64);
	ck_assert(r >= 0 || r == -ENODATA);
	/* the same with another active timeout: applied */
	ck_assert_int_eq(options_parse(n, 13, argv), 0);
	monitor_lock(m);
	ck_assert_int_eq(monitor_reload(m, n), 0);
	monitor_unlock(m);
	/* gone (a memset before free() may be optimised away) */
	explicit_bzero(n, sizeof(*n));
	free(n);
	ck_assert_uint_eq(m->opt.active_s, 60);
	t = monitor_exporter(m, 0)->cfg.tmpl[0];
	ck_assert_str_eq(t->name, "pairs");
	ck_assert_uint_eq(t->nelem, 3);
	ck_assert_uint_eq(t->elem[1], IE_destinationIPv4Address);
	while (!m->eof) {
		r = monitor_read(m, 64);
		ck_assert(r >= 0 || r == -ENODATA);
	}
	monitor_finish(m);
	ck_assert_uint_gt(monitor_exporter(m, 0)->coll[0]->stats.data_records,
			  0);
	ck_assert_uint_gt(sink_count(fd), 0);
	monitor_free(m);
	close(fd);
	free(opt);
}
END_TEST

/* The truth of demo.pcap: its flows and their packets and octets. */
static void demo_truth(uint64_t *flows, uint64_t *packets, uint64_t *octets)
{
	FILE *f = fopen(DEMO_CSV, "r");
	char line[1024];

	ck_assert_ptr_nonnull(f);
	*flows = *packets = *octets = 0;
	ck_assert_ptr_nonnull(fgets(line, sizeof(line), f)); /* header */
	while (fgets(line, sizeof(line), f)) {
		char *p = line, *tok;
		int col;

		(*flows)++;
		/* packets and octets: the 16th and 17th columns */
		for (col = 0; (tok = strsep(&p, ",")) != NULL; col++) {
			if (col == 15)
				*packets += strtoull(tok, NULL, 10);
			else if (col == 16)
				*octets += strtoull(tok, NULL, 10);
		}
	}
	fclose(f);
}

START_TEST(file_counts_add_up)
{
	struct monitor_env env = { 0 };
	static struct options opt;
	struct meter_stats st = { 0 };
	struct flowcache_stats fs = { 0 };
	struct exporter *ex;
	uint64_t flows, packets, octets, expired = 0;
	char coll[64];
	int fd = sink_open(coll, sizeof(coll)), r;
	char *argv[] = { "xflowd", "-r", DEMO, "-c", coll, "-e", "ipfix" };
	struct monitor *m;

	demo_truth(&flows, &packets, &octets);
	m = run_file(&env, &opt, 7, argv);
	ck_assert_str_eq(monitor_name(m), "default");
	ck_assert_int_eq(monitor_nexporters(m), 1);
	ck_assert_ptr_null(monitor_exporter(m, 1));
	ex = monitor_exporter(m, 0);
	monitor_counters(m, &st, &fs);
	for (r = 0; r < 6; r++)
		expired += fs.expired[r];
	/* every flow of the file metered, expired at its end and exported */
	ck_assert_uint_eq(fs.added, flows);
	ck_assert_uint_eq(expired, flows);
	ck_assert_uint_eq(fs.expired[FLOW_END_FORCED] +
				  fs.expired[FLOW_END_OF_FLOW] +
				  fs.expired[FLOW_END_IDLE],
			  flows);
	ck_assert_uint_eq(ex->stats.flows, flows);
	ck_assert_uint_eq(ex->coll[0]->stats.data_records, flows);
	ck_assert_uint_eq(st.metered, packets);
	ck_assert_uint_eq(st.octets, octets);
	/* what left reached the collector, message by message */
	ck_assert_uint_gt(ex->coll[0]->stats.messages, 0);
	ck_assert_uint_eq(sink_count(fd), ex->coll[0]->stats.messages);
	/* the activity summary of show ip cache flow counted each flow */
	{
		uint64_t n = 0;
		int v, c;

		for (v = 0; v < 2; v++)
			for (c = 0; c < VP_N; c++)
				n += m->summary.c[v][c].flows;
		ck_assert_uint_eq(n, flows);
	}
	monitor_free(m);
	close(fd);
}
END_TEST

/* IPv4/UDP 10.0.0.1:sport -> 10.0.0.2:2000, 28 octets, raw IP */
static const uint8_t ip4[28] = {
	0x45, 0, 0,  28, 0, 1, 0,    0,	   64,	 17,   0, 0, 10, 0,
	0,    1, 10, 0,	 0, 2, 0x03, 0xe8, 0x07, 0xd0, 0, 8, 0,	 0,
};

/* A pcapng block of type with body (little endian, padded to 4). */
static void block(FILE *f, uint32_t type, const void *body, uint32_t len)
{
	static const uint8_t pad[4];
	uint32_t total = 12 + (len + 3) / 4 * 4;

	ck_assert_uint_eq(fwrite(&type, 4, 1, f), 1);
	ck_assert_uint_eq(fwrite(&total, 4, 1, f), 1);
	ck_assert_uint_eq(fwrite(body, 1, len, f), len);
	ck_assert_uint_eq(fwrite(pad, 1, total - 12 - len, f),
			  total - 12 - len);
	ck_assert_uint_eq(fwrite(&total, 4, 1, f), 1);
}

/* An option of code with a string value, padded, at p; its length. */
static size_t opt_str(uint8_t *p, uint16_t code, const char *s)
{
	uint16_t len = (uint16_t)strlen(s);

	memcpy(p, &code, 2);
	memcpy(p + 2, &len, 2);
	memset(p + 4, 0, (len + 3u) / 4 * 4);
	memcpy(p + 4, s, len);
	return 4 + (len + 3u) / 4 * 4;
}

/* A pcapng file of ppp0, a PPP session whose description names the user,
 * with nflows one-packet flows (source ports 1000, 1001, ...). */
static void write_ppp_file(const char *path, int nflows)
{
	static const uint8_t shb[16] = { 0x4d, 0x3c, 0x2b, 0x1a, 1,    0,
					 0,    0,    0xff, 0xff, 0xff, 0xff,
					 0xff, 0xff, 0xff, 0xff };
	uint8_t idb[256] = { 101 /* raw IP */, 0, 0, 0, 0xff, 0xff, 0, 0 };
	uint8_t epb[20 + sizeof(ip4)];
	uint64_t us = 1700000000000000ull;
	uint32_t v;
	size_t n = 8;
	FILE *f = fopen(path, "wb");
	int i;

	ck_assert_ptr_nonnull(f);
	block(f, 0x0a0d0d0a, shb, sizeof(shb));
	n += opt_str(idb + n, 2, "ppp0");
	n += opt_str(idb + n, 3, "L2TPv2 alice 192.0.2.1 198.51.100.9");
	memset(idb + n, 0, 4); /* opt_endofopt */
	block(f, 1, idb, (uint32_t)n + 4);
	for (i = 0; i < nflows; i++, us += 1000) {
		memset(epb, 0, 20);
		v = (uint32_t)(us >> 32);
		memcpy(epb + 4, &v, 4);
		v = (uint32_t)us;
		memcpy(epb + 8, &v, 4);
		v = sizeof(ip4);
		memcpy(epb + 12, &v, 4);
		memcpy(epb + 16, &v, 4);
		memcpy(epb + 20, ip4, sizeof(ip4));
		epb[20 + 20] = (uint8_t)((1000 + i) >> 8);
		epb[20 + 21] = (uint8_t)(1000 + i);
		block(f, 6, epb, sizeof(epb));
	}
	ck_assert_int_eq(fclose(f), 0);
}

START_TEST(pppac_alias_parsed_once)
{
	struct monitor_env env = { 0 };
	static struct options opt;
	char path[] = "/tmp/test_monitor.XXXXXX";
	char coll[64];
	int fd = sink_open(coll, sizeof(coll)), tmp = mkstemp(path);
	char *argv[] = { "xflowd", "-r", path,
			 "-c",	   coll, "-e",
			 "ipfix",  "-t", "pppac4-ipv4-five-tuple-iij" };
	struct export_if ifc = { 0 };
	struct exporter *ex;
	struct monitor *m;

	ck_assert_int_ge(tmp, 0);
	close(tmp);
	write_ppp_file(path, 20);
	m = run_file(&env, &opt, 9, argv);
	ex = monitor_exporter(m, 0);
	/* 20 flows exported with the session's user... */
	ck_assert_uint_eq(ex->stats.flows, 20);
	ck_assert_uint_eq(ex->coll[0]->stats.data_records, 20);
	/* ... from one parse of the alias */
	ck_assert_uint_eq(m->pppac_parses, 1);
	ex->ifattr(ex->ifname_ctx, 1, &ifc);
	ck_assert_str_eq(ifc.name, "ppp0");
	ck_assert_str_eq(ifc.user, "alice");
	ck_assert_str_eq(ifc.proto, "L2TPv2");
	ck_assert_uint_eq(m->pppac_parses, 1);
	/* the interface table changed: parsed again, once */
	m->if_gen++;
	ex->ifattr(ex->ifname_ctx, 1, &ifc);
	ex->ifattr(ex->ifname_ctx, 1, &ifc);
	ck_assert_str_eq(ifc.user, "alice");
	ck_assert_uint_eq(m->pppac_parses, 2);
	monitor_free(m);
	unlink(path);
	close(fd);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("monitor");
	TCase *tc = tcase_create("monitor");
	SRunner *sr;
	int nf;

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, file_counts_add_up);
	tcase_add_test(tc, pppac_alias_parsed_once);
	tcase_add_test(tc, reload_keeps_record_templates);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
