// SPDX-License-Identifier: BSD-2-Clause
/*
 * test_config.c - the configuration file parser (config/config*.c): the
 * data model it fills (defaults, resolved references, records), the text
 * it refuses (each malformed UTF-8 form), how errors are collected, the
 * reload comparison and the dump that reads back as itself. The messages
 * themselves are compared byte for byte by tests/config/run.sh.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "config/config_int.h"

static struct config_errors err;

#define BASE                          \
	"exporter c1\n"               \
	"    destination 192.0.2.1\n" \
	"monitor m1\n"                \
	"    exporter c1\n"           \
	"interface eth0\n"            \
	"    monitor m1 input\n"

static struct config *parse(const char *text)
{
	return config_parse("t.conf", text, strlen(text), &err);
}

/* Parse text that must fail; returns the messages, one a line. */
static const char *errors_of(const char *text)
{
	static char all[CFG_MAX_ERRORS * CFG_MSG_MAX + 128];
	struct config *cfg = parse(text);
	size_t len = 0;
	unsigned int i;

	ck_assert_msg(cfg == NULL, "accepted:\n%s", text);
	ck_assert_uint_gt(err.count, 0);
	all[0] = '\0';
	for (i = 0; i < err.count; i++)
		len += (size_t)snprintf(all + len, sizeof(all) - len, "%s\n",
					err.msg[i]);
	return all;
}

static struct config *must_parse(const char *text)
{
	struct config *cfg = parse(text);
	unsigned int i;

	for (i = 0; !cfg && i < err.count; i++)
		fprintf(stderr, "%s\n", err.msg[i]);
	ck_assert_msg(cfg != NULL, "refused:\n%s", text);
	return cfg;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = calloc(1, CFG_FILE_MAX + 1);

	ck_assert_msg(f != NULL, "%s (run from the top of the tree)", path);
	ck_assert_ptr_nonnull(buf);
	(void)!fread(buf, 1, CFG_FILE_MAX, f);
	fclose(f);
	return buf;
}

START_TEST(defaults_filled)
{
	struct config *cfg = must_parse(BASE "exporter c2\n"
					     "    destination 192.0.2.2\n"
					     "    export-protocol netflow-v9\n"
					     "exporter c3\n"
					     "    destination ::1\n"
					     "    transport tcp\n"
					     "exporter c5\n"
					     "    destination 192.0.2.5\n"
					     "    export-protocol netflow-v5\n"
					     "monitor m5\n"
					     "    exporter c5\n");
	const struct cfg_exporter *e = &cfg->exporter[0];
	const struct cfg_monitor *m = &cfg->monitor[0];

	ck_assert_int_eq(cfg->nexporter, 4);
	ck_assert_int_eq(e->port, 4739);
	ck_assert_int_eq(e->transport, CFG_UDP);
	ck_assert_int_eq(e->version, 10);
	ck_assert_uint_eq(e->domain_id, 1);
	ck_assert_uint_eq(e->mtu, 1500);
	ck_assert_uint_eq(e->source_port, 0);
	ck_assert_uint_eq(e->refresh_s, 600);
	ck_assert_uint_eq(e->refresh_packets, 100);
	ck_assert_int_eq(e->host, CFG_HOST_IPV4);
	ck_assert_mem_eq(e->addr, "\xc0\x00\x02\x01", 4);
	/* IOS's v9 refresh; none over TCP or for v5 */
	ck_assert_uint_eq(cfg->exporter[1].refresh_s, 1800);
	ck_assert_uint_eq(cfg->exporter[1].refresh_packets, 20);
	ck_assert_int_eq(cfg->exporter[2].host, CFG_HOST_IPV6);
	ck_assert_uint_eq(cfg->exporter[2].refresh_s, 0);
	ck_assert_uint_eq(cfg->exporter[2].refresh_packets, 0);
	ck_assert_uint_eq(cfg->exporter[3].refresh_s, 0);

	ck_assert_uint_eq(m->cache_entries, 262144);
	ck_assert_uint_eq(m->active_s, 1800);
	ck_assert_uint_eq(m->inactive_s, 15);
	ck_assert_int_eq(m->sampler, -1);
	ck_assert_int_eq(m->nformat, 2);
	ck_assert_str_eq(m->format[0].tmpl->name, "ipv4-five-tuple");
	ck_assert_str_eq(m->format[1].tmpl->name, "ipv6-five-tuple");
	ck_assert_int_eq(m->format[0].record, -1);
	/* a v5 monitor's default leaves out what v5 cannot carry */
	ck_assert_int_eq(cfg->monitor[1].nformat, 1);
	ck_assert_str_eq(cfg->monitor[1].format[0].tmpl->name, "ipv4-five-"
							       "tuple");
	/* ... and meters IPv6 flows, counted skipped (the model's rule) */
	ck_assert(cfg->monitor[1].skip_ipv6);
	ck_assert(!m->skip_ipv6);

	ck_assert_int_eq(cfg->interface[0].capture, CAPTURE_PCAP);
	ck_assert_int_eq(cfg->interface[0].monitor[CFG_INPUT], 0);
	ck_assert_int_eq(cfg->interface[0].monitor[CFG_OUTPUT], -1);
	ck_assert_uint_eq(cfg->interface[0].line, 5);
	ck_assert_uint_eq(cfg->interface[0].monitor_line[CFG_INPUT], 6);
	config_free(cfg);
}
END_TEST

/* Blocks may refer to blocks further down; indices, in written order. */
START_TEST(references_resolved)
{
	struct config *cfg = must_parse("interface eth1\n"
					"    monitor mb output\n"
					"    monitor ma input\n"
					"    capture ebpf\n"
					"monitor ma\n"
					"    record r2\n"
					"    template ipv6-five-tuple\n"
					"    record r1\n"
					"    exporter e2\n"
					"    exporter e1\n"
					"    sampler s2\n"
					"monitor mb\n"
					"    exporter e1\n"
					"record r1\n"
					"    match sourceIPv4Address\n"
					"record r2\n"
					"    match tunnelSourceIPv4Address "
					"sourceIPv4Address\n"
					"exporter e1\n"
					"    destination 192.0.2.1\n"
					"exporter e2\n"
					"    destination 192.0.2.2\n"
					"sampler s1\n"
					"    mode random 1 out-of 10\n"
					"sampler s2\n"
					"    mode deterministic 1 out-of 20\n");
	const struct cfg_monitor *m = &cfg->monitor[0];
	const struct cfg_interface *f = &cfg->interface[0];

	ck_assert_int_eq(f->monitor[CFG_INPUT], 0);
	ck_assert_int_eq(f->monitor[CFG_OUTPUT], 1);
	ck_assert_int_eq(f->capture, CAPTURE_EBPF);
	ck_assert_int_eq(f->ebpf_hook, EBPF_HOOK_TC);
	ck_assert_int_eq(m->nformat, 3);
	ck_assert_int_eq(m->format[0].record, 1);
	ck_assert_ptr_null(m->format[0].tmpl);
	ck_assert_str_eq(m->format[1].tmpl->name, "ipv6-five-tuple");
	ck_assert_int_eq(m->format[2].record, 0);
	ck_assert_uint_eq(m->format[2].line, 8);
	ck_assert_int_eq(m->nexporter, 2);
	ck_assert_int_eq(m->exporter[0], 1);
	ck_assert_int_eq(m->exporter[1], 0);
	ck_assert_int_eq(m->sampler, 1);
	ck_assert_int_eq(cfg->sampler[1].mode, SAMPLER_DETERMINISTIC);
	ck_assert_uint_eq(cfg->sampler[1].interval, 20);
	ck_assert_int_eq(cfg->sampler[0].mode, SAMPLER_RANDOM);
	ck_assert_int_eq(config_find_monitor(cfg, "mb"), 1);
	ck_assert_int_eq(config_find_monitor(cfg, "mc"), -1);
	ck_assert_int_eq(config_find_interface(cfg, "eth1"), 0);
	config_free(cfg);
}
END_TEST

START_TEST(records)
{
	struct config *cfg = must_parse("record r\n"
					"    collect octetDeltaCount\n"
					"    match sourceIPv6Address\n"
					"    collect packetDeltaCount "
					"flowEndReason\n"
					"    match destinationIPv6Address "
					"protocolIdentifier\n"
					"record t\n"
					"    match sourceIPv4Address\n"
					"    match "
					"tunnelDestinationIPv6Address\n"
					"    collect pppacUserName\n"
					"record any\n"
					"    match ingressInterface\n"
					"monitor m\n"
					"    record r\n"
					"    record t\n"
					"    record any\n"
					"    exporter c\n"
					"exporter c\n"
					"    destination 192.0.2.1\n");
	const struct cfg_record *r = &cfg->record[0], *t = &cfg->record[1];
	const uint8_t want[] = {
		IE_sourceIPv6Address,  IE_destinationIPv6Address,
		IE_protocolIdentifier, IE_octetDeltaCount,
		IE_packetDeltaCount,   IE_flowEndReason
	};
	struct template_def def;

	/* keys first, then the rest, each in the order written */
	ck_assert_int_eq(r->nelem, 6);
	ck_assert_int_eq(r->nkey, 3);
	ck_assert_mem_eq(r->elem, want, sizeof(want));
	ck_assert_int_eq(r->ipver, 6);
	ck_assert_int_eq(r->tunnel, 0);
	ck_assert(!r->enterprise);
	ck_assert(!r->pppac);
	ck_assert_int_eq(t->ipver, 4);
	ck_assert_int_eq(t->tunnel, 6);
	ck_assert(t->enterprise);
	ck_assert(t->pppac);
	ck_assert_int_eq(cfg->record[2].ipver, 0);

	config_record_template(r, &def);
	ck_assert_str_eq(def.name, "r");
	ck_assert_int_eq(def.nelem, 6);
	ck_assert_ptr_eq(def.elem, r->elem);
	ck_assert_int_eq(def.ipver, 6);
	ck_assert(!def.enterprise);
	ck_assert_uint_eq(def.keymask, 7); /* the three 'match' elements */
	ck_assert_uint_eq(template_record_len(&def), 16 + 16 + 1 + 8 + 8 + 1);
	config_free(cfg);
}
END_TEST

/* RFC 3629: each malformed form is refused at its column; well-formed
 * 2, 3 and 4 octet characters pass in a description. */
START_TEST(utf8_forms)
{
	static const struct {
		const char *bytes;
		int col;
	} bad[] = {
		{ "\x80", 1 },		   /* lone continuation */
		{ "\xc0\xaf", 1 },	   /* overlong '/' */
		{ "\xc1\xbf", 1 },	   /* overlong */
		{ "\xe0\x80\xaf", 1 },	   /* overlong 3-octet */
		{ "\xed\xa0\x80", 1 },	   /* UTF-16 surrogate */
		{ "\xf0\x80\x80\xaf", 1 }, /* overlong 4-octet */
		{ "\xf4\x90\x80\x80", 1 }, /* past U+10FFFF */
		{ "\xf5\x80\x80\x80", 1 }, /* no such lead octet */
		{ "\xff", 1 },
		{ "a\xe2\x82", 2 },	 /* cut short by the line's end */
		{ "ab\xe2\x28\xa1", 3 }, /* continuation missing */
	};
	char text[256], want[96];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text),
			 "exporter c1\n    description \"%s\"\n", bad[i].bytes);
		snprintf(want, sizeof(want),
			 "t.conf:2: invalid UTF-8 at column %d:",
			 17 + bad[i].col);
		ck_assert_msg(strstr(errors_of(text), want), "case %zu: %s", i,
			      errors_of(text));
	}
	config_free(must_parse(BASE "interface eth1\n"
				    "    description \"caf\xc3\xa9 "
				    "\xe2\x82\xac "
				    "\xf0\x9f\x98\x80 \xf4\x8f\xbf\xbf\"\n"
				    "    monitor m1 input\n"));
}
END_TEST

START_TEST(text_forms)
{
	/* no newline at the end, CRLF, a BOM, tabs, comments everywhere */
	struct config *cfg = must_parse("\xef\xbb\xbf# comment\r\n"
					"exporter c1 # the collector\r\n"
					"\tdestination 192.0.2.1\r\n"
					"\t\t! not a comment mid-line? it is: "
					"'!' starts the line\r\n"
					"monitor m1\n"
					" exporter c1\n"
					"interface eth0\n"
					"    monitor m1 input");
	ck_assert_int_eq(cfg->ninterface, 1);
	ck_assert_uint_eq(cfg->interface[0].line, 7);
	config_free(cfg);
	ck_assert(strstr(errors_of("exporter c1\n\x01\n"), "t.conf:2: control "
							   "character 0x01 at "
							   "column 1"));
	ck_assert(strstr(errors_of("exporter c1\n  \"\x7f\"\n"), "t.conf:2: "
								 "control "
								 "character "
								 "0x7f at "
								 "column 4"));
}
END_TEST

/* Every message names the file and its line, in line order, even when
 * the whole-file checks find them after the line-by-line ones. */
START_TEST(errors_sorted_and_capped)
{
	const char *all = errors_of("monitor m1\n"	      /* 1 */
				    "    exporter nope\n"     /* 2 */
				    "exporter c1\n"	      /* 3 */
				    "    mtu 1\n"	      /* 4 */
				    "monitor m2\n"	      /* 5 */
				    "    exporter nope2\n"    /* 6 */
				    "    cache entries x\n"); /* 7 */
	const char *l2 = strstr(all, "t.conf:2:"),
		   *l4 = strstr(all, "t.conf:4:"),
		   *l6 = strstr(all, "t.conf:6:"),
		   *l7 = strstr(all, "t.conf:7:");
	char many[4096] = "";
	unsigned int i;

	ck_assert_msg(l2 && l4 && l6 && l7, "%s", all);
	ck_assert(l2 < l4 && l4 < l6 && l6 < l7);
	ck_assert(!err.truncated);

	for (i = 0; i < 100; i++)
		strcat(many, "bogus\n");
	errors_of(many);
	ck_assert_uint_eq(err.count, CFG_MAX_ERRORS);
	ck_assert(err.truncated);
	for (i = 0; i < err.count; i++) {
		char want[32];

		snprintf(want, sizeof(want), "t.conf:%u: ", i + 1);
		ck_assert_msg(strncmp(err.msg[i], want, strlen(want)) == 0,
			      "%s", err.msg[i]);
		ck_assert_uint_eq(err.line[i], i + 1);
	}
}
END_TEST

START_TEST(limits)
{
	char *text = calloc(1, 64 * 1024), name[80];
	struct config *cfg;
	int i;

	/* 63 octets of name is fine, 64 is not */
	memset(name, 'n', 63);
	name[63] = '\0';
	snprintf(text, 64 * 1024,
		 BASE "sampler %s\n    mode random 1 out-of 2\n", name);
	config_free(must_parse(text));
	snprintf(text, 64 * 1024,
		 BASE "sampler %sn\n    mode random 1 out-of 2\n", name);
	ck_assert(strstr(errors_of(text), "is not a name"));

	/* every number at both ends of its range */
	config_free(must_parse("exporter c1\n"
			       "    destination 192.0.2.1\n"
			       "    transport udp 65535\n"
			       "    source-port 1\n"
			       "    domain-id 4294967295\n"
			       "    mtu 65535\n"
			       "    template refresh-seconds 86400\n"
			       "    template refresh-packets 0\n"
			       "sampler s\n"
			       "    mode random 1 out-of 1073741824\n"
			       "monitor m1\n"
			       "    exporter c1\n"
			       "    sampler s\n"
			       "    cache entries 1\n"
			       "    cache timeout active 1000000000\n"
			       "    cache timeout inactive 1\n"));

	/* CFG_MAX_INTERFACES interfaces, then one too many */
	strcpy(text, BASE);
	for (i = 1; i < CFG_MAX_INTERFACES; i++)
		snprintf(text + strlen(text), 64 * 1024 - strlen(text),
			 "interface if%d\n    monitor m1 input\n", i);
	cfg = must_parse(text);
	ck_assert_int_eq(cfg->ninterface, CFG_MAX_INTERFACES);
	config_free(cfg);
	strcat(text, "interface one-more\n    monitor m1 input\n");
	ck_assert(strstr(errors_of(text), "more than 64 interface blocks"));

	/* host names: 63-octet labels, 253 octets, a trailing dot */
	strcpy(text, "exporter c1\n    destination ");
	for (i = 0; i < 3; i++)
		strcat(text, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
			     "aaaaaaaaaaaaaa.");
	strcat(text, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		     "aaaa\n"
		     "monitor m1\n    exporter c1\n");
	cfg = must_parse(text);
	ck_assert_int_eq(cfg->exporter[0].host, CFG_HOST_NAME);
	ck_assert_uint_eq(strlen(cfg->exporter[0].destination), 253);
	config_free(cfg);
	config_free(must_parse("exporter c1\n    destination example.net.\n"
			       "monitor m1\n    exporter c1\n"));
	ck_assert(strstr(errors_of("exporter c1\n    destination "
				   "a."
				   "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
				   "aaaaaaaaaaaaaaaaaaaaaa.net\n"),
			 "expected an IPv4 or IPv6 address or a host name"));
	free(text);
}
END_TEST

static struct config *variant(const char *a, const char *b)
{
	static char text[2048];

	snprintf(text, sizeof(text),
		 "exporter c1\n"
		 "    description \"%s\"\n"
		 "    destination 192.0.2.1\n"
		 "    transport udp %s\n"
		 "sampler s\n"
		 "    mode random 1 out-of 100\n"
		 "record r\n"
		 "    match sourceIPv4Address\n"
		 "    collect octetDeltaCount\n"
		 "monitor m1\n"
		 "    record r\n"
		 "    exporter c1\n"
		 "    sampler s\n"
		 "interface eth0\n"
		 "    monitor m1 input\n",
		 a, b);
	return must_parse(text);
}

static bool same_m1(struct config *x, struct config *y)
{
	bool r = config_monitor_equal(x, 0, y, 0);

	ck_assert(r == config_monitor_equal(y, 0, x, 0));
	config_free(x);
	config_free(y);
	return r;
}

static struct config *edit(const char *from, const char *to)
{
	char text[2048], *at;

	snprintf(text, sizeof(text), "%s",
		 "exporter c1\n"
		 "    destination 192.0.2.1\n"
		 "sampler s\n"
		 "    mode random 1 out-of 100\n"
		 "record r\n"
		 "    match sourceIPv4Address\n"
		 "    collect octetDeltaCount\n"
		 "monitor m1\n"
		 "    record r\n"
		 "    exporter c1\n"
		 "    sampler s\n");
	at = strstr(text, from);
	ck_assert_ptr_nonnull(at);
	memmove(at + strlen(to), at + strlen(from),
		strlen(at + strlen(from)) + 1);
	memcpy(at, to, strlen(to));
	return must_parse(text);
}

/* v1, v5, v7: IPv6 flows are metered and counted skipped when the
 * monitor's templates are the default, not when they are written. */
START_TEST(fixed_skip_ipv6)
{
	struct config *cfg = must_parse("exporter e\n"
					"    destination 192.0.2.1\n"
					"    export-protocol netflow-v7\n"
					"monitor dflt\n"
					"    exporter e\n"
					"monitor given\n"
					"    template ipv4-five-tuple\n"
					"    exporter e\n");

	ck_assert_int_eq(cfg->monitor[0].nformat, 1);
	ck_assert(cfg->monitor[0].skip_ipv6);
	ck_assert_int_eq(cfg->monitor[1].nformat, 1);
	ck_assert(!cfg->monitor[1].skip_ipv6);
	config_free(cfg);
}
END_TEST

/* What a reload keeps: a monitor is unchanged when it would meter and
 * export the same, whatever the names and descriptions say. */
START_TEST(monitor_equal)
{
	struct config *a, *b;

	ck_assert(same_m1(variant("x", "4739"), variant("y", "4739")));
	ck_assert(!same_m1(variant("x", "4739"), variant("x", "4740")));
	ck_assert(same_m1(edit("", ""), edit("c1\n    dest", "c1\n    "
							     "description z\n  "
							     "  dest")));
	/* block names are not what is compared, contents are */
	ck_assert(same_m1(edit("", ""), edit("exporter c1\n", "exporter c0\n   "
							      " destination "
							      "192.0.2."
							      "9\nexporter "
							      "c1\n")));
	ck_assert(!same_m1(edit("", ""), edit("out-of 100", "out-of 101")));
	ck_assert(!same_m1(edit("", ""), edit("random", "deterministic")));
	ck_assert(!same_m1(edit("", ""), edit("    sampler s\n", "")));
	ck_assert(!same_m1(edit("", ""), edit("collect octetDeltaCount", "colle"
									 "ct "
									 "packe"
									 "tDelt"
									 "aCoun"
									 "t")));
	ck_assert(!same_m1(edit("", ""), edit("    collect", "    match "
							     "protocolIdentifie"
							     "r\n"
							     "    collect")));
	ck_assert(!same_m1(edit("", ""), edit("    record r\n", "    template "
								"ipv4-five-"
								"tuple\n")));
	ck_assert(!same_m1(edit("", ""), edit("    exporter c1\n", "    "
								   "exporter "
								   "c1\n"
								   "    cache "
								   "entries "
								   "5\n")));
	ck_assert(!same_m1(edit("", ""), edit("192.0.2.1", "192.0.2.1\n    mtu "
							   "1400")));
	ck_assert(!same_m1(edit("", ""), edit("192.0.2.1", "192.0.2.1\n    "
							   "domain-id 7")));
	ck_assert(!same_m1(edit("", ""), edit("192.0.2.1", "192.0.2.1\n    "
							   "export-protocol "
							   "netflow-v9")));

	a = must_parse(BASE);
	b = must_parse(BASE "    capture ebpf\n");
	ck_assert(config_interface_equal(a, 0, a, 0));
	ck_assert(!config_interface_equal(a, 0, b, 0));
	config_free(b);
	b = must_parse(BASE "    monitor m1 output\n");
	ck_assert(!config_interface_equal(a, 0, b, 0));
	config_free(a);
	config_free(b);
}
END_TEST

static char *dump_of(const struct config *cfg, size_t *len)
{
	char *text = NULL;
	FILE *f = open_memstream(&text, len);

	ck_assert_ptr_nonnull(f);
	config_dump(cfg, f);
	fclose(f);
	return text;
}

/* The dump of each example parses to an equal configuration whose own
 * dump is the same text. */
START_TEST(dump_reads_back)
{
	static const char *const files[] = { "examples/router-uplink.conf",
					     "examples/cisco-lab.conf",
					     "examples/mirror-port.conf",
					     "tests/config/ok/rich.conf" };
	size_t f;

	for (f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
		char *text = slurp(files[f]), *d1, *d2, *d3;
		struct config *c1 = must_parse(text), *c2, *c3;
		size_t l1, l2, l3;
		int i;

		d1 = dump_of(c1, &l1);
		c2 = must_parse(d1);
		d2 = dump_of(c2, &l2);
		c3 = must_parse(d2);
		d3 = dump_of(c3, &l3);
		ck_assert_msg(l2 == l3 && memcmp(d2, d3, l2) == 0, "%s",
			      files[f]);
		ck_assert_int_eq(c1->nmonitor, c2->nmonitor);
		ck_assert_int_eq(c1->ninterface, c2->ninterface);
		ck_assert_int_eq(c1->nexporter, c2->nexporter);
		for (i = 0; i < c1->nmonitor; i++)
			ck_assert(config_monitor_equal(c1, i, c2, i));
		for (i = 0; i < c1->ninterface; i++)
			ck_assert(config_interface_equal(c1, i, c2, i));
		free(text);
		free(d1);
		free(d2);
		free(d3);
		config_free(c1);
		config_free(c2);
		config_free(c3);
	}
}
END_TEST

START_TEST(load_errors)
{
	struct config *cfg = config_load("/nonexistent/xflowd.conf", &err);

	ck_assert_ptr_null(cfg);
	ck_assert_uint_eq(err.count, 1);
	ck_assert_str_eq(err.msg[0], "/nonexistent/xflowd.conf: cannot open: "
				     "No such file or directory");
	cfg = config_load("examples/mirror-port.conf", &err);
	ck_assert_ptr_nonnull(cfg);
	ck_assert_str_eq(cfg->file, "examples/mirror-port.conf");
	ck_assert_str_eq(cfg->exporter[0].destination, "collector-a.example."
						       "net");
	ck_assert_int_eq(cfg->exporter[0].transport, CFG_TCP);
	ck_assert_int_eq(cfg->interface[1].capture, CAPTURE_AFXDP);
	config_free(cfg);
	config_free(NULL);
}
END_TEST

START_TEST(closest_words)
{
	static const char *const cand[] = { "exporter", "sampler", "record",
					    "monitor", "interface" };
	const char *out[3];

	ck_assert_uint_eq(cfg_distance("destinaton", "destination"), 1);
	ck_assert_uint_eq(cfg_distance("cahce", "cache"), 1); /* swap */
	ck_assert_uint_eq(cfg_distance("SourceIPv4Address", "sourceIPv4Addres"
							    "s"),
			  0);
	ck_assert_uint_eq(cfg_distance("", "abc"), 3);
	ck_assert_int_eq(cfg_closest("exportr", cand, 5, out, 3), 1);
	ck_assert_str_eq(out[0], "exporter");
	ck_assert_int_eq(cfg_closest("zzz", cand, 5, out, 3), 0);
	ck_assert_int_eq(cfg_closest("monitr", cand, 5, out, 1), 1);
	ck_assert_str_eq(out[0], "monitor");
}
END_TEST

static Suite *config_suite(void)
{
	Suite *s = suite_create("config");
	TCase *tc = tcase_create("config");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, defaults_filled);
	tcase_add_test(tc, references_resolved);
	tcase_add_test(tc, records);
	tcase_add_test(tc, utf8_forms);
	tcase_add_test(tc, text_forms);
	tcase_add_test(tc, errors_sorted_and_capped);
	tcase_add_test(tc, limits);
	tcase_add_test(tc, monitor_equal);
	tcase_add_test(tc, fixed_skip_ipv6);
	tcase_add_test(tc, dump_reads_back);
	tcase_add_test(tc, load_errors);
	tcase_add_test(tc, closest_words);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(config_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
