// SPDX-License-Identifier: BSD-2-Clause
/*
 * test_config_ios.c - the IOS dialect of the configuration
 * (config/config_ios*.c): it fills the same model as xflowd.conf(5) (a
 * configuration in each dialect compares equal, block by block), IOS's
 * mode rules and abbreviations, and interface names bound through
 * aliases. The messages are compared byte for byte by tests/config/run.sh.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/config.h"
#include "config/config_ios.h"

static struct config_errors err;
static char sysnet[64];

/* A host with eth1 aliased Serial1/0 and eth2 FastEthernet0/0. */
static void make_host(void)
{
	static const char *const ifs[][2] = {
		{ "eth0", "" },
		{ "eth1", "Serial1/0\n" },
		{ "eth2", "FastEthernet0/0\n" },
	};
	char path[128];
	size_t i;

	snprintf(sysnet, sizeof(sysnet), "/tmp/xflowd-ios-%d", (int)getpid());
	mkdir(sysnet, 0700);
	for (i = 0; i < sizeof(ifs) / sizeof(ifs[0]); i++) {
		FILE *f;

		snprintf(path, sizeof(path), "%s/%s", sysnet, ifs[i][0]);
		mkdir(path, 0700);
		snprintf(path, sizeof(path), "%s/%s/ifalias", sysnet,
			 ifs[i][0]);
		f = fopen(path, "w");
		ck_assert_ptr_nonnull(f);
		fputs(ifs[i][1], f);
		fclose(f);
	}
	setenv("XFLOWD_SYSFS_NET", sysnet, 1);
}

static void remove_host(void)
{
	char cmd[160];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", sysnet);
	ck_assert_int_eq(system(cmd), 0);
}

static struct config *parse(const char *text, enum cfg_dialect d)
{
	struct config *cfg =
		config_parse_dialect("t.conf", text, strlen(text), d, &err);

	if (!cfg && err.count)
		ck_abort_msg("%s", err.msg[0]);
	ck_assert_ptr_nonnull(cfg);
	return cfg;
}

START_TEST(interface_names)
{
	static const char *const in[][2] = {
		{ "s1/0", "Serial1/0" },
		{ "Se1/0", "Serial1/0" },
		{ "SERIAL1/0", "Serial1/0" },
		{ "fa0/0", "FastEthernet0/0" },
		{ "Gi0/1.100", "GigabitEthernet0/1.100" },
		{ "lo0", "Loopback0" },
		{ "Serial 1/0", "" }, /* the space is joined before */
		{ "t1", "" },	      /* Tunnel or TenGigabitEthernet */
		{ "v1", "" },	      /* Vlan or Virtual-Template */
		{ "x1", "" },
		{ "Serial", "" },
	};
	char out[64];
	size_t i;

	for (i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		bool ok = ios_ifexpand(in[i][0], out, sizeof(out));

		ck_assert_msg(ok == (in[i][1][0] != '\0'), "%s", in[i][0]);
		if (ok)
			ck_assert_str_eq(out, in[i][1]);
	}
}
END_TEST

/* A pasted FNF session and the same in xflowd's words: one model. */
START_TEST(same_model_fnf)
{
	static const char ios[] =
		"r1#conf t\n"
		"r1(config)#flow rec r\n"
		"r1(config-flow-record)#match ipv4 source address\n"
		"r1(config-flow-record)#match ipv4 destination address\n"
		"r1(config-flow-record)#collect counter bytes long\n"
		"r1(config-flow-record)#flow exporter e\n"
		"r1(config-flow-exporter)#destination 192.0.2.9\n"
		"r1(config-flow-exporter)#transport udp 2055\n"
		"r1(config-flow-exporter)#option exporter-stats\n"
		"r1(config-flow-exporter)#sampler s\n"
		"r1(config-sampler)#mode deterministic 1 out-of 100\n"
		"r1(config-sampler)#flow monitor m\n"
		"r1(config-flow-monitor)#record r\n"
		"r1(config-flow-monitor)#exporter e\n"
		"r1(config-flow-monitor)#cache timeout active 60\n"
		"r1(config-flow-monitor)#int s1/0\n"
		"r1(config-if)#ip flow monitor m sampler s input\n"
		"r1(config-if)#end\n";
	static const char xf[] = "exporter e\n"
				 "    destination 192.0.2.9\n"
				 "    transport udp 2055\n"
				 "    export-protocol netflow-v9\n"
				 "    no option interface-table\n"
				 "    option exporter-stats\n"
				 "    no option sampler-table\n"
				 "sampler s\n"
				 "    mode deterministic 1 out-of 100\n"
				 "record r\n"
				 "    match sourceIPv4Address\n"
				 "    match destinationIPv4Address\n"
				 "    collect octetDeltaCount\n"
				 "monitor m\n"
				 "    record r\n"
				 "    exporter e\n"
				 "    sampler s\n"
				 "    cache timeout active 60\n"
				 "interface eth1\n"
				 "    monitor m input\n";
	struct config *a, *b;

	make_host();
	a = parse(ios, CFG_AUTO);
	b = parse(xf, CFG_AUTO);
	ck_assert_int_eq(a->dialect, CFG_IOS);
	ck_assert_int_eq(b->dialect, CFG_XFLOWD);
	ck_assert_int_eq(a->nskipped, 0);
	ck_assert_int_eq(a->nmonitor, 1);
	ck_assert_int_eq(a->ninterface, 1);
	ck_assert(config_monitor_equal(a, 0, b, 0));
	ck_assert(config_interface_equal(a, 0, b, 0));
	ck_assert_str_eq(a->interface[0].name, "eth1");
	ck_assert_int_eq(a->exporter[0].refresh_s, 1800);
	ck_assert_int_eq(a->exporter[0].refresh_packets, 20);
	config_free(a);
	config_free(b);
	remove_host();
}
END_TEST

/* Traditional NetFlow from a running-config: one monitor, an exporter
 * per destination, minutes made seconds. */
START_TEST(traditional)
{
	static const char ios[] = "hostname r1\n"
				  "!\n"
				  "interface Serial1/0\n"
				  " ip address 10.0.0.1 255.255.255.252\n"
				  " ip flow ingress\n"
				  " ip flow egress\n"
				  "!\n"
				  "ip flow-export version 9\n"
				  "ip flow-export destination 10.0.1.2 9996\n"
				  "ip flow-export destination 10.0.1.3 9997\n"
				  "ip flow-export template refresh-rate 10\n"
				  "ip flow-export template timeout-rate 5\n"
				  "ip flow-cache timeout active 2\n"
				  "ip flow-cache timeout inactive 20\n"
				  "end\n";
	struct config *a;
	const struct cfg_monitor *m;

	make_host();
	a = parse(ios, CFG_AUTO);
	ck_assert_int_eq(a->nskipped, 2); /* hostname, ip address */
	ck_assert_int_eq(a->nmonitor, 1);
	ck_assert_int_eq(a->nexporter, 2);
	m = &a->monitor[0];
	ck_assert_str_eq(m->name, "ip-flow");
	/* IOS's traditional key: ToS, protocol, addresses, ports, input */
	ck_assert_int_eq(m->nformat, 1);
	ck_assert_str_eq(a->record[m->format[0].record].name, "netflow-ipv4-"
							      "original-input");
	ck_assert_int_eq(a->record[m->format[0].record].nkey, 7);
	ck_assert_int_eq(m->active_s, 120);
	ck_assert_int_eq(m->inactive_s, 20);
	ck_assert_int_eq(m->nexporter, 2);
	ck_assert_int_eq(a->exporter[1].port, 9997);
	ck_assert_int_eq(a->exporter[0].version, 9);
	ck_assert_int_eq(a->exporter[0].refresh_packets, 10);
	ck_assert_int_eq(a->exporter[0].refresh_s, 300);
	ck_assert_int_eq(a->interface[0].monitor[CFG_INPUT], 0);
	ck_assert_int_eq(a->interface[0].monitor[CFG_OUTPUT], 0);
	config_free(a);
	remove_host();
}
END_TEST

/* IPv6's traditional NetFlow: a monitor of its own, or one with IPv4's
 * where an interface meters both, exported alike. */
START_TEST(traditional_ipv6)
{
	static const char two[] = "ip flow-export version 9\n"
				  "ip flow-export destination 10.0.1.2 2055\n"
				  "ipv6 flow-export destination 10.0.1.2 2055\n"
				  "ipv6 flow-export destination 10.0.1.3 2055\n"
				  "interface Serial1/0\n"
				  " ip flow ingress\n"
				  "interface FastEthernet0/0\n"
				  " ipv6 flow egress\n";
	static const struct {
		const char *text, *why;
	} unlike[] = {
		{ "ip flow-export version 9\n"
		  "ip flow-export destination 10.0.1.2 2055\n"
		  "ipv6 flow-export destination 10.0.1.2 2056\n"
		  "interface Serial1/0\n ip flow ingress\n ipv6 flow ingress\n",
		  "their flow-export destinations differ" },
		{ "ip flow-export version 9\n"
		  "ip flow-export destination 10.0.1.2 2055\n"
		  "ipv6 flow-export destination 10.0.1.2 2055\n"
		  "ipv6 flow-cache timeout inactive 60\n"
		  "interface Serial1/0\n ip flow ingress\n ipv6 flow ingress\n",
		  "their flow-cache settings differ" },
		{ "ip flow-export version 9\n"
		  "ip flow-export destination 10.0.1.2 2055\n"
		  "ipv6 flow-export destination 10.0.1.2 2055\n"
		  "interface Serial1/0\n ip flow ingress\n ipv6 flow ingress\n"
		  "interface FastEthernet0/0\n ip flow ingress\n",
		  "FastEthernet0/0 meters IPv4 only ingress" },
	};
	const struct cfg_monitor *m;
	struct config *a;
	size_t i;

	make_host();
	a = parse(two, CFG_IOS);
	ck_assert_int_eq(a->nmonitor, 2);
	m = &a->monitor[1];
	ck_assert_str_eq(m->name, "ipv6-flow");
	ck_assert_int_eq(m->nformat, 1);
	ck_assert_int_eq(a->record[m->format[0].record].ipver, 6);
	ck_assert_int_eq(m->nexporter, 2);
	/* v9 only; a collector of both families tells them by source ID */
	ck_assert_int_eq(a->exporter[m->exporter[0]].version, 9);
	ck_assert_int_eq(a->exporter[a->monitor[0].exporter[0]].domain_id, 1);
	ck_assert_int_eq(a->exporter[m->exporter[0]].domain_id, 2);
	ck_assert_int_eq(a->exporter[m->exporter[1]].domain_id, 1);
	ck_assert_int_eq(a->interface[1].monitor[CFG_OUTPUT], 1);
	config_free(a);
	for (i = 0; i < sizeof(unlike) / sizeof(unlike[0]); i++) {
		a = config_parse_dialect("t.conf", unlike[i].text,
					 strlen(unlike[i].text), CFG_IOS, &err);
		ck_assert_ptr_null(a);
		ck_assert_msg(strstr(err.msg[0], unlike[i].why), "%s",
			      err.msg[0]);
		ck_assert_msg(strstr(err.msg[0], ": Serial1/0 has IPv4 "
						 "and IPv6"),
			      "%s", err.msg[0]);
	}
	remove_host();
}
END_TEST

/* A global command typed in a sub-mode leaves it; an indented line of a
 * sub-mode not about flows is skipped with it. */
START_TEST(mode_rules)
{
	static const char ios[] = "flow exporter e\n"
				  "destination 192.0.2.1\n"
				  "router ospf 1\n"
				  " network 10.0.0.0 0.0.0.255 area 0\n"
				  "flow monitor m\n"
				  "exporter e\n"
				  "line vty 0 4\n"
				  " transport input ssh\n"
				  "banner motd ^C\n"
				  "flow record x\n"
				  "^C\n"
				  "interface eth0\n"
				  "ip flow monitor m output\n";
	struct config *a;

	make_host();
	a = parse(ios, CFG_IOS);
	ck_assert_int_eq(a->nexporter, 1);
	ck_assert_int_eq(a->nrecord, 0); /* inside the banner */
	ck_assert_int_eq(a->nskipped, 5);
	ck_assert_int_eq(a->monitor[0].nexporter, 1);
	ck_assert_int_eq(a->interface[0].monitor[CFG_OUTPUT], 0);
	ck_assert_int_eq(a->exporter[0].port, 9995);
	config_free(a);
	remove_host();
}
END_TEST

START_TEST(detect)
{
	static const char *const ios[] = {
		"r1#show run\n",
		"hostname r1\n",
		"\n!\nflow exporter e\n",
		"Building configuration...\n",
	};
	static const char *const xf[] = {
		"exporter e\n    destination 192.0.2.1\n",
		"# hostname r1\nmonitor m\n",
		"interface eth0\n    monitor m input\n",
		"flow x\nexporter e\n", /* an error of xflowd's dialect */
	};
	size_t i;

	for (i = 0; i < sizeof(ios) / sizeof(ios[0]); i++)
		ck_assert_msg(ios_detect(ios[i], strlen(ios[i])), "%s", ios[i]);
	for (i = 0; i < sizeof(xf) / sizeof(xf[0]); i++)
		ck_assert_msg(!ios_detect(xf[i], strlen(xf[i])), "%s", xf[i]);
}
END_TEST

/* config_dump of cfg without what names the lines (they move), as a
 * string to free */
static char *model_of(const struct config *cfg)
{
	char *text = NULL, *out, *l, *save = NULL, *c;
	size_t len = 0, n = 0;
	FILE *f = open_memstream(&text, &len);

	ck_assert_ptr_nonnull(f);
	config_dump(cfg, f);
	fclose(f);
	out = calloc(1, len + 1);
	ck_assert_ptr_nonnull(out);
	for (l = strtok_r(text, "\n", &save); l;
	     l = strtok_r(NULL, "\n", &save)) {
		if (l[0] == '#')
			continue;
		c = strstr(l, " # line");
		if (c)
			*c = 0;
		n += (size_t)sprintf(out + n, "%s\n", l);
	}
	free(text);
	return out;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	char *buf = calloc(1, CFG_FILE_MAX + 1);

	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(buf);
	*len = fread(buf, 1, CFG_FILE_MAX, f);
	fclose(f);
	return buf;
}

/*
 * show running-config of a pasted IOS configuration (ios_write): its
 * golden file, and read back with -f the same configuration.
 */
START_TEST(running_config_round_trip)
{
	static const char *const name[] = { "ios-running",   "ios-session",
					    "ios-undo",	     "ios-v1",
					    "ios-options",   "ios-peer-as",
					    "ios-ipv6-trad", "ios-ipv6-both" };
	char path[256], *text, *out = NULL, *want, *m1, *m2;
	const char *dir = getenv("GOLDEN_DIR");
	struct config *a, *b;
	size_t len, olen = 0, wlen;
	FILE *f;

	make_host();
	snprintf(path, sizeof(path), "tests/config/ok/%s.conf", name[_i]);
	text = slurp(path, &len);
	a = config_parse_dialect(path, text, len, CFG_IOS, &err);
	ck_assert_msg(a != NULL, "%s", err.count ? err.msg[0] : path);
	f = open_memstream(&out, &olen);
	ck_assert_ptr_nonnull(f);
	ios_write(a, f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/running_config_%s.txt",
		 dir && *dir ? dir : "tests/golden", name[_i]);
	if (getenv("GOLDEN_UPDATE")) {
		f = fopen(path, "w");
		ck_assert_ptr_nonnull(f);
		fputs(out, f);
		fclose(f);
	}
	want = slurp(path, &wlen);
	ck_assert_str_eq(out, want);
	b = config_parse_dialect("running-config", out, olen, CFG_IOS, &err);
	ck_assert_msg(b != NULL, "%s", err.count ? err.msg[0] : "reparse");
	m1 = model_of(a);
	m2 = model_of(b);
	ck_assert_str_eq(m2, m1);
	free(m1);
	free(m2);
	config_free(a);
	config_free(b);
	free(text);
	free(want);
	free(out);
	remove_host();
}
END_TEST

int main(void)
{
	Suite *s = suite_create("config_ios");
	TCase *tc = tcase_create("config_ios");
	SRunner *sr;
	int nfail;

	tcase_add_test(tc, interface_names);
	tcase_add_test(tc, same_model_fnf);
	tcase_add_test(tc, traditional);
	tcase_add_test(tc, traditional_ipv6);
	tcase_add_test(tc, mode_rules);
	tcase_add_test(tc, detect);
	tcase_add_loop_test(tc, running_config_round_trip, 0, 8);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	nfail = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nfail ? 1 : 0;
}
