// SPDX-License-Identifier: BSD-2-Clause
/*
 * test_options.c - the command line (config/options.c) and the
 * configuration it means (config/options_config.c): the defaults, every
 * numeric option's limits (the bounds accepted, one past refused with the
 * option named), the combinations refused, and the model: collectors as
 * host/port/transport values, --record as element ids, the sampler, the
 * interfaces; that model made back into options by options_monitor() is
 * the command line's pipeline.
 */
#define _DEFAULT_SOURCE /* explicit_bzero */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/config.h"
#include "config/options.h"

/* the arguments of the parses of one test: options point into them */
static char lines[4][2048];
static int nlines;
static char errout[8192]; /* what the last parse wrote on stderr */

/* Run options_parse() on line split at spaces, stderr into errout. */
static int parse(struct options *o, const char *line)
{
	char *argv[64], *s = lines[nlines++ % 4], *save = NULL;
	int argc = 0, rc, saved;
	FILE *t = tmpfile();
	size_t n;

	ck_assert_ptr_nonnull(t);
	snprintf(s, sizeof(lines[0]), "xflowd %s", line);
	for (char *w = strtok_r(s, " ", &save); w && argc < 63;
	     w = strtok_r(NULL, " ", &save))
		argv[argc++] = w;
	argv[argc] = NULL;
	fflush(stderr);
	saved = dup(2);
	dup2(fileno(t), 2);
	rc = options_parse(o, argc, argv);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	rewind(t);
	n = fread(errout, 1, sizeof(errout) - 1, t);
	errout[n] = '\0';
	fclose(t);
	return rc;
}

#define BASE "-r x.pcap -c 127.0.0.1:4739 "

/* Collector i of o as messages and views name it. */
static const char *coll_name(const struct options *o, int i)
{
	static char buf[4][300];
	static int n;
	char *b = buf[n++ % 4];

	export_dest_name(&o->dest[i], b, sizeof(buf[0]));
	return b;
}

/* Refused with exit 2 and a message holding want. */
static void refused(const char *line, const char *want)
{
	struct options o;

	ck_assert_msg(parse(&o, line) == 2, "accepted: %s", line);
	ck_assert_msg(strstr(errout, want), "%s: said '%s', not '%s'", line,
		      errout, want);
}

START_TEST(defaults)
{
	struct options o;

	ck_assert_int_eq(parse(&o, BASE), 0);
	ck_assert_int_eq(o.export.version, 10);
	ck_assert_uint_eq(o.export.domain_id, 1);
	ck_assert_uint_eq(o.export.mtu, 1500);
	ck_assert_uint_eq(o.active_s, 1800);
	ck_assert_uint_eq(o.inactive_s, 15);
	ck_assert_uint_eq(o.cache_size, 262144);
	ck_assert_uint_eq(o.export.refresh_s, 600);
	ck_assert_uint_eq(o.export.refresh_msgs, 100);
	ck_assert_uint_eq(o.export.ntmpl, 2);
	ck_assert_str_eq(o.export.tmpl[0]->name, "ipv4-five-tuple");
	ck_assert_str_eq(o.export.tmpl[1]->name, "ipv6-five-tuple");
	ck_assert_int_eq(o.export.sampling.mode, SAMPLER_NONE);
	ck_assert(o.export.lossless); /* a file waits for TCP collectors */
	ck_assert_int_eq(o.ncoll, 1);
	ck_assert_str_eq(coll_name(&o, 0), "127.0.0.1:4739");

	ck_assert_int_eq(parse(&o, BASE "-e v9"), 0);
	ck_assert_uint_eq(o.export.refresh_s, 1800);
	ck_assert_uint_eq(o.export.refresh_msgs, 20);
}
END_TEST

/* Every numeric option: its bounds run, one past them is refused. */
static const struct {
	const char *opt, *extra;
	unsigned long long min, max;
} limits[] = {
	{ "--active-timeout", "", 1, 1000000000 },
	{ "--inactive-timeout", "", 1, 1000000000 },
	{ "--cache-size", "", 1, 1u << 30 },
	{ "--domain-id", "", 0, 4294967295u },
	{ "--mtu", "", 576, 65535 },
	{ "--template-refresh", "", 0, 86400 },
	{ "--template-refresh-packets", "", 0, 1000000 },
	{ "--tcp-buffer", "", 4096, 1u << 30 },
	{ "--tcp-linger", "", 0, 3600 },
	{ "--source-port", "", 1, 65535 },
	{ "--resolve-interval", "", 0, 86400 },
	{ "--rate-limit", "", 0, 100000000 },
	{ "--rate-burst", "--rate-limit 10 ", 1, 16777216 },
	{ "--rate-queue", "--rate-limit 10 ", 1, 16777216 },
	{ "--workers", "", 1, 64 },
	{ "--sample", "", 1, 1u << 30 },
};

START_TEST(numeric_limits)
{
	const char *opt = limits[_i].opt, *extra = limits[_i].extra;
	unsigned long long min = limits[_i].min, max = limits[_i].max;
	char line[256], want[128];
	struct options o;

	snprintf(line, sizeof(line), BASE "%s%s %llu", extra, opt, min);
	ck_assert_msg(parse(&o, line) == 0, "%s: %s", line, errout);
	snprintf(line, sizeof(line), BASE "%s%s %llu", extra, opt, max);
	ck_assert_msg(parse(&o, line) == 0, "%s: %s", line, errout);
	snprintf(line, sizeof(line), BASE "%s%s %llu", extra, opt, max + 1);
	snprintf(want, sizeof(want),
		 "xflowd: %s '%llu': expected a whole number from %llu to "
		 "%llu\n",
		 opt, max + 1, min, max);
	ck_assert_int_eq(parse(&o, line), 2);
	ck_assert_str_eq(errout, want);
	if (min > 0) {
		snprintf(line, sizeof(line), BASE "%s%s %llu", extra, opt,
			 min - 1);
		ck_assert_int_eq(parse(&o, line), 2);
	}
	snprintf(line, sizeof(line), BASE "%s%s 12x", extra, opt);
	ck_assert_int_eq(parse(&o, line), 2);
	snprintf(line, sizeof(line), BASE "%s%s -1", extra, opt);
	ck_assert_int_eq(parse(&o, line), 2);
}
END_TEST

START_TEST(combinations_refused)
{
	char line[1024];
	size_t n;
	int i;

	refused("-c 127.0.0.1:4739", "nothing to observe");
	refused("-r x.pcap", "no collector");
	refused(BASE "-i eth0", "--read and --interface exclude each other");
	refused(BASE "--capture ebpf", "--capture afxdp and ebpf need");
	refused(BASE "-t ipv4-fivetuple", "did you mean ipv4-five-tuple?");
	refused(BASE "-t ipv4-five-tuple -t ipv4-five-tuple", "given twice");
	refused(BASE "-e v8", "--export 'v8': expected v1, v5, v7, v9");
	refused(BASE "--rate-burst 5", "give it too");
	refused(BASE "--sample-mode random", "--sample N with N > 1");
	refused(BASE "--sample-mode sometimes", "random or deterministic");
	refused(BASE "--promiscuous yes", "expected on or off");
	refused(BASE "--capture dpdk", "expected pcap, afxdp or ebpf");
	refused(BASE "--ebpf-hook lsm", "expected tc or xdp");
	refused(BASE "--config-dialect junos", "expected xflowd or ios");
	refused(BASE "--export-source ", "--export-source");
	refused(BASE "stray", "unexpected argument 'stray'");
	refused(BASE "--record r:nosuchElement -t r", "--record");
	refused("-f x.conf -c 127.0.0.1:4739", "--collector");
	refused("-f x.conf --source-port 4739", "--source-port: with -f, give "
						"it in the exporter block");
	refused("-f x.conf --export-source lo", "exporter block (source");
	refused("-f x.conf --resolve-interval 5", "resolve-interval SEC");
	refused("-f x.conf --rate-limit 5", "rate-limit N [burst N]");
	refused("-f x.conf --promiscuous on", "interface block");
	refused("--check-config", "--check-config needs -f FILE");
	/* 16 collectors, interfaces and 8 records at most */
	n = (size_t)snprintf(line, sizeof(line), "-r x.pcap");
	for (i = 0; i < 17; i++)
		n += (size_t)snprintf(line + n, sizeof(line) - n,
				      " -c 127.0.0.1:%d", 1000 + i);
	refused(line, "at most 16 collectors");
	n = (size_t)snprintf(line, sizeof(line), "-c 127.0.0.1:9");
	for (i = 0; i < 17; i++)
		n += (size_t)snprintf(line + n, sizeof(line) - n, " -i e%d", i);
	refused(line, "at most 16 interfaces");
	n = (size_t)snprintf(line, sizeof(line), BASE);
	for (i = 0; i < 9; i++)
		n += (size_t)snprintf(line + n, sizeof(line) - n,
				      " --record r%d:sourceIPv4Address", i);
	refused(line, "at most 8 records");
}
END_TEST

START_TEST(sampling_per_version)
{
	struct options o;

	ck_assert_int_eq(parse(&o, BASE "-s 10"), 0);
	ck_assert_int_eq(o.export.sampling.mode, SAMPLER_RANDOM);
	ck_assert_uint_eq(o.export.sampling.interval, 10);
	ck_assert_int_eq(parse(&o, BASE "-s 10 --sample-mode deterministic"),
			 0);
	ck_assert_int_eq(o.export.sampling.mode, SAMPLER_DETERMINISTIC);
	/* 1 in 1 is no sampling: nothing announced */
	ck_assert_int_eq(parse(&o, BASE "-s 1"), 0);
	ck_assert_int_eq(o.export.sampling.mode, SAMPLER_NONE);
	/* v5 has 14 bits for the interval */
	ck_assert_int_eq(parse(&o, BASE "-e v5 -s 16384"), 2);
	ck_assert_ptr_nonnull(strstr(errout, "--sample 16384"));
}
END_TEST

/* The configuration of a command line holds values, not strings. */
START_TEST(model_of_command_line)
{
	struct options o;
	struct config *cfg;
	const struct cfg_exporter *e;
	const struct cfg_record *r;
	const struct cfg_monitor *m;

	ck_assert_int_eq(parse(&o, "-r x.pcap -c 192.0.2.1:2055 -c "
				   "[2001:db8::1]:4739/tcp"
				   " -c collector.example:9995/udp "
				   "--source-port 4000"
				   " --export-source lo --resolve-interval 60"
				   " --record pairs:sourceIPv4Address,"
				   "destinationIPv4Address/packetDeltaCount"
				   " -t ipv6-five-tuple -t pairs -s 7 -A 60 -I "
				   "5"
				   " -C 1024 -D 9 --mtu 1400 --rate-limit 100"),
			 0);
	cfg = options_config(&o);
	ck_assert_ptr_nonnull(cfg);
	ck_assert_int_eq(cfg->nexporter, 3);
	e = &cfg->exporter[0];
	ck_assert_str_eq(e->name, "collector1");
	ck_assert_str_eq(e->destination, "192.0.2.1");
	ck_assert_int_eq(e->host, CFG_HOST_IPV4);
	ck_assert_mem_eq(e->addr, "\xc0\x00\x02\x01", 4);
	ck_assert_uint_eq(e->port, 2055);
	ck_assert_int_eq(e->transport, CFG_UDP);
	ck_assert_uint_eq(e->source_port, 4000);
	ck_assert_str_eq(e->source, "lo");
	ck_assert_uint_eq(e->resolve_s, 60);
	ck_assert_uint_eq(e->refresh_s, 600);
	ck_assert_uint_eq(e->domain_id, 9);
	ck_assert_uint_eq(e->mtu, 1400);
	ck_assert_uint_eq(e->pace.rate, 100);
	ck_assert_uint_eq(e->pace.burst, 5); /* the default spelled out */
	e = &cfg->exporter[1];
	ck_assert_str_eq(e->destination, "2001:db8::1");
	ck_assert_int_eq(e->host, CFG_HOST_IPV6);
	ck_assert_int_eq(e->transport, CFG_TCP);
	ck_assert_uint_eq(e->refresh_s, 0); /* not over tcp */
	e = &cfg->exporter[2];
	ck_assert_int_eq(e->host, CFG_HOST_NAME);
	ck_assert_str_eq(e->destination, "collector.example");
	ck_assert_uint_eq(e->port, 9995);

	ck_assert_int_eq(cfg->nrecord, 1);
	r = &cfg->record[0];
	ck_assert_str_eq(r->name, "pairs");
	ck_assert_uint_eq(r->nelem, 3);
	ck_assert_uint_eq(r->nkey, 2);
	ck_assert_uint_eq(r->elem[0], IE_sourceIPv4Address);
	ck_assert_uint_eq(r->elem[1], IE_destinationIPv4Address);
	ck_assert_uint_eq(r->elem[2], IE_packetDeltaCount);
	ck_assert_uint_eq(r->ipver, 4);

	ck_assert_int_eq(cfg->nsampler, 1);
	ck_assert_int_eq(cfg->sampler[0].mode, SAMPLER_RANDOM);
	ck_assert_uint_eq(cfg->sampler[0].interval, 7);

	ck_assert_int_eq(cfg->nmonitor, 1);
	m = &cfg->monitor[0];
	ck_assert_str_eq(m->name, "default");
	ck_assert_int_eq(m->nformat, 2);
	ck_assert_str_eq(m->format[0].tmpl->name, "ipv6-five-tuple");
	ck_assert_ptr_null(m->format[1].tmpl);
	ck_assert_int_eq(m->format[1].record, 0);
	ck_assert_uint_eq(m->cache_entries, 1024);
	ck_assert_uint_eq(m->active_s, 60);
	ck_assert_uint_eq(m->inactive_s, 5);
	ck_assert_int_eq(m->nexporter, 3);
	ck_assert_int_eq(m->sampler, 0);
	ck_assert_int_eq(cfg->ninterface, 0); /* --read: no interface */
	config_free(cfg);
}
END_TEST

START_TEST(model_of_interfaces)
{
	struct options o;
	struct config *cfg;

	ck_assert_int_eq(parse(&o, "-i eth0 -i eth1 -c 127.0.0.1:9 "
				   "--capture ebpf --ebpf-hook xdp "
				   "--promiscuous on"),
			 0);
	cfg = options_config(&o);
	ck_assert_ptr_nonnull(cfg);
	ck_assert_int_eq(cfg->ninterface, 2);
	ck_assert_str_eq(cfg->interface[1].name, "eth1");
	ck_assert_int_eq(cfg->interface[1].monitor[CFG_INPUT], 0);
	ck_assert_int_eq(cfg->interface[1].monitor[CFG_OUTPUT], -1);
	ck_assert_int_eq(cfg->interface[1].capture, CAPTURE_EBPF);
	ck_assert_int_eq(cfg->interface[1].ebpf_hook, EBPF_HOOK_XDP);
	ck_assert_int_eq(cfg->interface[1].promisc, 1);
	ck_assert_int_eq(cfg->nsampler, 0);
	config_free(cfg);
}
END_TEST

/* v5 carries IPv4 only: the file keeps the IPv4 formats. */
START_TEST(model_of_v5)
{
	struct options o;
	struct config *cfg;

	ck_assert_int_eq(parse(&o, BASE "-e v5"), 0);
	ck_assert_uint_eq(o.export.ntmpl, 2);
	cfg = options_config(&o);
	ck_assert_ptr_nonnull(cfg);
	ck_assert_int_eq(cfg->monitor[0].nformat, 1);
	ck_assert_str_eq(cfg->monitor[0].format[0].tmpl->name, "ipv4-five-"
							       "tuple");
	ck_assert_uint_eq(cfg->exporter[0].refresh_s, 0);
	config_free(cfg);
}
END_TEST

/*
 * The model back into options (what -f does with the printed file): the
 * same pipeline as the command line's.
 */
START_TEST(model_round_trip)
{
	struct options *a = calloc(1, sizeof(*a)), *b = calloc(1, sizeof(*b));
	struct template_def da[EXPORT_MAX_TEMPLATES], db[EXPORT_MAX_TEMPLATES];
	const struct template_def *ta[EXPORT_MAX_TEMPLATES],
		*tb[EXPORT_MAX_TEMPLATES];
	struct config *cfg;
	size_t i;
	int k;

	ck_assert_int_eq(parse(a, "-r x.pcap -c 127.0.0.1:2055 -c [::1]:4739 "
				  "-e ipfix"
				  " --record "
				  "r:sourceIPv4Address/octetDeltaCount -t r"
				  " -t ipv6-five-tuple -s 3 --sample-mode "
				  "deterministic"
				  " -A 30 -I 7 -C 2048 -D 5 --mtu 1300"
				  " --template-refresh 60 "
				  "--template-refresh-packets 3"
				  " --source-port 4000"),
			 0);
	cfg = options_config(a);
	ck_assert_ptr_nonnull(cfg);
	ck_assert_int_eq(options_monitor(b, a, cfg, 0), 0);
	ck_assert_int_eq(b->ncoll, 2);
	ck_assert_str_eq(coll_name(b, 0), "127.0.0.1:2055/udp");
	ck_assert_str_eq(coll_name(b, 1), "[::1]:4739/udp");
	for (k = 0; k < 2; k++)
		ck_assert_uint_eq(b->sport[k], 4000);
	ck_assert_int_eq(options_ngroups(b), 1);
	ck_assert_int_eq(b->export.version, a->export.version);
	ck_assert_uint_eq(b->export.domain_id, a->export.domain_id);
	ck_assert_uint_eq(b->export.mtu, a->export.mtu);
	ck_assert_uint_eq(b->export.refresh_s, a->export.refresh_s);
	ck_assert_uint_eq(b->export.refresh_msgs, a->export.refresh_msgs);
	ck_assert_int_eq(b->export.sampling.mode, a->export.sampling.mode);
	ck_assert_uint_eq(b->export.sampling.interval,
			  a->export.sampling.interval);
	ck_assert_uint_eq(b->export.sampling.id, a->export.sampling.id);
	ck_assert_uint_eq(b->active_s, a->active_s);
	ck_assert_uint_eq(b->inactive_s, a->inactive_s);
	ck_assert_uint_eq(b->cache_size, a->cache_size);
	ck_assert_uint_eq(b->export.ntmpl, a->export.ntmpl);
	options_templates(a, da, ta);
	options_templates(b, db, tb);
	for (i = 0; i < a->export.ntmpl; i++) {
		const struct template_def *x = ta[i], *y = tb[i];

		ck_assert_str_eq(x->name, y->name);
		ck_assert_uint_eq(x->nelem, y->nelem);
		ck_assert_mem_eq(x->elem, y->elem, x->nelem);
		ck_assert_uint_eq(x->keymask, y->keymask);
	}
	config_free(cfg);
	free(a);
	free(b);
}
END_TEST

/* -f: a record reaches the exporter as the element ids the file gave. */
START_TEST(record_of_file_by_ids)
{
	static const char text[] = "exporter e\n destination 192.0.2.9\n"
				   "record rec\n match destinationIPv6Address\n"
				   " match sourceIPv6Address\n collect "
				   "octetDeltaCount\n"
				   "monitor m\n record rec\n exporter e\n";
	static const char longname[] = "exporter e\n destination 192.0.2.9\n"
				       "record "
				       "r2345678901234567890123456789012\n"
				       " match sourceIPv4Address\n"
				       "monitor m\n record "
				       "r2345678901234567890123456789012\n"
				       " exporter e\n";
	struct options *cur = calloc(1, sizeof(*cur)),
		       *o = calloc(1, sizeof(*o));
	struct config_errors err;
	struct config *cfg;
	struct template_def defs[EXPORT_MAX_TEMPLATES];
	const struct template_def *t, *tmpl[EXPORT_MAX_TEMPLATES];

	ck_assert_int_eq(parse(cur, BASE), 0);
	cfg = config_parse("t.conf", text, strlen(text), &err);
	ck_assert_ptr_nonnull(cfg);
	ck_assert_int_eq(options_monitor(o, cur, cfg, 0), 0);
	ck_assert_uint_eq(o->export.ntmpl, 1);
	ck_assert_uint_eq(options_templates(o, defs, tmpl), 1);
	t = tmpl[0];
	ck_assert_str_eq(t->name, "rec");
	ck_assert_uint_eq(t->nelem, 3);
	ck_assert_uint_eq(t->elem[0], IE_destinationIPv6Address);
	ck_assert_uint_eq(t->elem[1], IE_sourceIPv6Address);
	ck_assert_uint_eq(t->elem[2], IE_octetDeltaCount);
	ck_assert_uint_eq(t->keymask, 3);
	ck_assert_uint_eq(t->ipver, 6);
	/* its own copy: the configuration may go (records[0], by value,
	 * described in defs) */
	ck_assert_uint_eq(o->tmpl_rec[0], 1);
	ck_assert_ptr_eq(t, &defs[0]);
	ck_assert_ptr_eq(t->elem, o->records[0].elem);
	config_free(cfg);
	ck_assert_uint_eq(t->elem[2], IE_octetDeltaCount);

	/* the exporter's templates hold names of 31 octets at most */
	cfg = config_parse("t.conf", longname, strlen(longname), &err);
	ck_assert_ptr_nonnull(cfg);
	ck_assert_int_eq(options_monitor(o, cur, cfg, 0), -1);
	config_free(cfg);
	free(cur);
	free(o);
}
END_TEST

START_TEST(bad_collector_in_model)
{
	struct options o;

	/* a collector string the exporter refuses is refused here too */
	ck_assert_int_eq(parse(&o, "-r x.pcap -c 2001:db8::1:4739"), 0);
	ck_assert_ptr_null(options_config(&o));
}
END_TEST

#define BGP "--bgp-local-as 64512 --bgp-router-id 192.0.2.1 "

/* --bgp-*: every setting of the bgp block, the forms of the addresses,
 * the limits of settings.h, and the block in the model */
START_TEST(bgp_options)
{
	struct options o;
	struct config *cfg;

	ck_assert_int_eq(parse(&o, BASE), 0);
	ck_assert(!o.bgp.enabled);
	ck_assert_ptr_null(options_bgp_cfg(&o));

	ck_assert_int_eq(parse(&o, BASE BGP "--bgp-neighbor 127.0.0.1:65010 "
					    "--bgp-neighbor "
					    "[2001:db8::1]:4200000001 "
					    "--bgp-listen [::1]:1179 --as "
					    "origin"),
			 0);
	ck_assert(o.bgp.enabled);
	ck_assert_ptr_eq(options_bgp_cfg(&o), &o.bgp);
	ck_assert_uint_eq(o.bgp.local_as, 64512);
	ck_assert_uint_eq(o.bgp.router_id, 0xc0000201);
	ck_assert_int_eq(o.bgp.nneighbor, 2);
	ck_assert_int_eq(o.bgp.neighbor[0].af, BGP_AF_IPV4);
	ck_assert_uint_eq(o.bgp.neighbor[0].remote_as, 65010);
	ck_assert_int_eq(o.bgp.neighbor[1].af, BGP_AF_IPV6);
	ck_assert_uint_eq(o.bgp.neighbor[1].remote_as, 4200000001u);
	ck_assert_int_eq(o.bgp.listen_af, BGP_AF_IPV6);
	ck_assert_uint_eq(o.bgp.listen_addr[15], 1);
	ck_assert_uint_eq(o.bgp.port, 1179);
	ck_assert_uint_eq(o.bgp.hold, 90); /* bgp_cfg_default()'s */
	ck_assert_uint_eq(o.bgp.stale_time, 360);
	ck_assert_uint_eq(o.bgp.wait_eor_s, 30);
	ck_assert_int_eq(o.export.as, EXPORT_AS_ORIGIN);
	cfg = options_config(&o);
	ck_assert_ptr_nonnull(cfg);
	ck_assert(cfg->bgp.enabled);
	ck_assert(!memcmp(&cfg->bgp, &o.bgp, sizeof(o.bgp)));
	ck_assert_int_eq(cfg->exporter[0].as, EXPORT_AS_ORIGIN);
	config_free(cfg);

	/* the listen address alone, with ",PORT" and ":PORT" */
	ck_assert_int_eq(parse(&o, BASE BGP "--bgp-neighbor 10.0.0.1:1 "
					    "--bgp-listen 127.0.0.1"),
			 0);
	ck_assert_uint_eq(o.bgp.port, 179);
	ck_assert_int_eq(parse(&o, BASE BGP "--bgp-neighbor 10.0.0.1:1 "
					    "--bgp-listen 127.0.0.1,1180"),
			 0);
	ck_assert_uint_eq(o.bgp.port, 1180);
	ck_assert_int_eq(parse(&o, BASE BGP "--bgp-neighbor 10.0.0.1:1 "
					    "--bgp-listen 127.0.0.1:1181 "
					    "--bgp-hold-time 0 "
					    "--bgp-stale-time 86400 "
					    "--bgp-wait-end-of-rib 3600 --as "
					    "peer"),
			 0);
	ck_assert_uint_eq(o.bgp.port, 1181);
	ck_assert_uint_eq(o.bgp.listen_addr[0], 127);
	ck_assert_uint_eq(o.bgp.hold, 0);
	ck_assert_uint_eq(o.bgp.stale_time, 86400);
	ck_assert_uint_eq(o.bgp.wait_eor_s, 3600);
	ck_assert_int_eq(o.export.as, EXPORT_AS_PEER);
	ck_assert_int_eq(parse(&o, BASE BGP "--bgp-neighbor 10.0.0.1:1 "
					    "--bgp-listen 2001:db8::2"),
			 0);
	ck_assert_int_eq(o.bgp.listen_af, BGP_AF_IPV6);
	ck_assert_uint_eq(o.bgp.port, 179);
	ck_assert_int_eq(parse(&o, BASE "--bgp-local-as 4294967295 "
					"--bgp-router-id 10.0.0.1 "
					"--bgp-neighbor 10.0.0.1:4294967295 "
					"--bgp-hold-time 65535"),
			 0);

	refused(BASE "--bgp-local-as 0", "--bgp-local-as '0': expected a "
					 "number from 1 to 4294967295");
	refused(BASE "--bgp-local-as 4294967296", "--bgp-local-as");
	refused(BASE "--bgp-router-id 0.0.0.0", "--bgp-router-id '0.0.0.0'");
	refused(BASE "--bgp-listen [::1", "--bgp-listen '[::1'");
	refused(BASE "--bgp-listen 127.0.0.1:0", "--bgp-listen port '0'");
	refused(BASE "--bgp-listen 127.0.0.1,65536", "--bgp-listen port");
	refused(BASE "--bgp-listen host.example", "--bgp-listen 'host");
	refused(BASE "--bgp-neighbor 127.0.0.1", "--bgp-neighbor '127.0.0.1'");
	refused(BASE "--bgp-neighbor 2001:db8::1:65010", "IPv6 as "
							 "[ADDRESS]:AS");
	refused(BASE "--bgp-neighbor 127.0.0.1:0", "--bgp-neighbor remote-as "
						   "'0'");
	refused(BASE BGP "--bgp-neighbor 10.0.0.1:1 --bgp-neighbor 10.0.0.1:2",
		"--bgp-neighbor 10.0.0.1: given twice");
	refused(BASE "--bgp-hold-time 2", "--bgp-hold-time 2: 0 or at least 3 "
					  "seconds");
	refused(BASE "--bgp-hold-time 65536", "--bgp-hold-time");
	refused(BASE "--bgp-stale-time 86401", "--bgp-stale-time");
	refused(BASE "--bgp-wait-end-of-rib 3601", "--bgp-wait-end-of-rib");
	refused(BASE "--as first", "--as 'first'");
	/* what the block must have */
	refused(BASE "--bgp-router-id 10.0.0.1 --bgp-neighbor 10.0.0.1:1",
		"--bgp-local-as N missing");
	refused(BASE "--bgp-local-as 1 --bgp-neighbor 10.0.0.1:1", "--bgp-"
								   "router-id "
								   "A.B.C.D "
								   "missing");
	refused(BASE BGP, "--bgp-neighbor ADDRESS:AS missing");
	refused(BASE "--bgp-stale-time 10", "--bgp-local-as N missing");
}
END_TEST

/*
 * Collectors are values: a copy of struct options by value (a monitor
 * keeps one, a reload makes another) names the same collectors after the
 * original is gone, the file's as the command line's (once fixed up by
 * pointers into a buffer of the struct itself).
 */
START_TEST(collectors_copy_by_value)
{
	struct options *a = calloc(1, sizeof(*a)), *b = calloc(1, sizeof(*b));
	struct options *c = malloc(sizeof(*c));
	struct config *cfg;

	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(parse(a, "-r x.pcap -c 127.0.0.1:2055 -c "
				  "[::1]:4739/tcp -e ipfix"),
			 0);
	cfg = options_config(a);
	ck_assert_ptr_nonnull(cfg);
	ck_assert_int_eq(options_monitor(b, a, cfg, 0), 0);

	*c = *b;
	memset(b, 0xa5, sizeof(*b));
	free(b);
	ck_assert_int_eq(c->ncoll, 2);
	ck_assert_str_eq(coll_name(c, 0), "127.0.0.1:2055/udp");
	ck_assert_str_eq(coll_name(c, 1), "[::1]:4739/tcp");
	ck_assert_str_eq(c->dest[1].host, "::1");
	ck_assert_uint_eq(c->dest[1].port, 4739);
	ck_assert_int_eq(c->dest[1].proto, TX_TCP);

	*c = *a;
	memset(a, 0xa5, sizeof(*a));
	free(a);
	ck_assert_int_eq(c->ncoll, 2);
	ck_assert_str_eq(coll_name(c, 0), "127.0.0.1:2055");
	ck_assert_str_eq(coll_name(c, 1), "[::1]:4739/tcp");
	ck_assert_str_eq(c->dest[0].host, "127.0.0.1");
	ck_assert_uint_eq(c->dest[0].port, 2055);
	ck_assert_int_eq(c->dest[0].proto, TX_UDP);
	config_free(cfg);
	free(c);
}
END_TEST

/* The command line run as its configuration (setup.c): marked cmdline,
 * its collectors keep their spelling and their IP header settings. */
START_TEST(cmdline_config_keeps_spelling)
{
	struct options *a = calloc(1, sizeof(*a)), *b = calloc(1, sizeof(*b));
	struct config *cfg;

	ck_assert_int_eq(parse(a, "-r x.pcap -c 127.0.0.1:2055 -c "
				  "[::1]:4739/tcp -e ipfix"),
			 0);
	cfg = options_config(a);
	ck_assert_ptr_nonnull(cfg);
	cfg->cmdline = true;
	ck_assert_int_eq(options_monitor(b, a, cfg, 0), 0);
	ck_assert_int_eq(b->ncoll, 2);
	ck_assert_str_eq(coll_name(b, 0), "127.0.0.1:2055");
	ck_assert_str_eq(coll_name(b, 1), "[::1]:4739/tcp");
	ck_assert_int_eq(b->dest[1].proto, TX_TCP);
	config_free(cfg);
	free(a);
	free(b);
}
END_TEST

/*
 * A user-defined template survives a plain assignment of the options
 * that hold it and the end of the original: no pointer into the struct
 * itself (once, a --record's template pointed into its own buffer, and
 * options_move() had to fix every copy up).
 */
START_TEST(records_copy_by_value)
{
	struct options *a = calloc(1, sizeof(*a)), *b = calloc(1, sizeof(*b));
	struct options *c = malloc(sizeof(*c));
	struct template_def defs[EXPORT_MAX_TEMPLATES];
	const struct template_def *tmpl[EXPORT_MAX_TEMPLATES];
	struct export_cfg gc;
	struct config *cfg;
	int pass;

	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(parse(a, "-r x.pcap -c 127.0.0.1:2055 -e ipfix "
				  "--record "
				  "pairs:sourceIPv4Address,destinationIPv4Addr"
				  "ess/packetDeltaCount -t ipv6-five-tuple -t "
				  "pairs"),
			 0);
	cfg = options_config(a);
	ck_assert_ptr_nonnull(cfg);
	ck_assert_int_eq(options_monitor(b, a, cfg, 0), 0);
	/* the command line's, then -f's (the record from the file) */
	for (pass = 0; pass < 2; pass++) {
		struct options *from = pass ? b : a;

		*c = *from;
		/* gone (a memset before free() may be optimised away) */
		explicit_bzero(from, sizeof(*from));
		free(from);
		ck_assert_uint_eq(options_templates(c, defs, tmpl), 2);
		ck_assert_str_eq(tmpl[0]->name, "ipv6-five-tuple");
		ck_assert_str_eq(tmpl[1]->name, "pairs");
		ck_assert_uint_eq(tmpl[1]->nelem, 3);
		ck_assert_uint_eq(tmpl[1]->elem[0], IE_sourceIPv4Address);
		ck_assert_uint_eq(tmpl[1]->elem[1], IE_destinationIPv4Address);
		ck_assert_uint_eq(tmpl[1]->elem[2], IE_packetDeltaCount);
		ck_assert_uint_eq(tmpl[1]->keymask, 3);
		ck_assert_uint_eq(tmpl[1]->ipver, 4);
		options_group_export(c, 0, &gc, defs);
		ck_assert_uint_eq(gc.ntmpl, 2);
		ck_assert_str_eq(gc.tmpl[1]->name, "pairs");
		ck_assert_uint_eq(gc.tmpl[1]->elem[1],
				  IE_destinationIPv4Address);
		/* the copy is a whole command line: its model again */
		if (pass == 0) {
			struct config *again = options_config(c);

			ck_assert_ptr_nonnull(again);
			ck_assert_int_eq(again->nrecord, 1);
			ck_assert_str_eq(again->record[0].name, "pairs");
			ck_assert_int_eq(again->monitor[0].format[1].record, 0);
			config_free(again);
		}
	}
	config_free(cfg);
	free(c);
}
END_TEST

/*
 * A UDP and a TCP collector of a command line are one exporting process;
 * in its model the TCP exporter has no template refresh (UDP's alone),
 * and made back into options they are one process still, refreshing as
 * the command line's. Another refresh on another UDP exporter is
 * another process.
 */
START_TEST(tcp_udp_one_process)
{
	static const char two[] = "exporter u\n destination 192.0.2.9\n"
				  " template refresh-seconds 30\n"
				  "exporter t\n destination 192.0.2.9\n"
				  " transport tcp 4739\n"
				  "exporter u2\n destination 192.0.2.8\n"
				  "monitor m\n exporter t\n exporter u\n"
				  " exporter u2\n";
	struct options *a = calloc(1, sizeof(*a)), *b = calloc(1, sizeof(*b));
	struct config_errors err;
	struct config *cfg;

	ck_assert_int_eq(parse(a, "-r x.pcap -c [::1]:4739/tcp -c "
				  "127.0.0.1:2055 -e ipfix "
				  "--template-refresh 20"),
			 0);
	cfg = options_config(a);
	ck_assert_ptr_nonnull(cfg);
	ck_assert_uint_eq(cfg->exporter[0].refresh_s, 0);
	ck_assert_uint_eq(cfg->exporter[1].refresh_s, 20);
	ck_assert_int_eq(options_monitor(b, a, cfg, 0), 0);
	ck_assert_int_eq(options_ngroups(b), 1);
	ck_assert_uint_eq(b->group[0].refresh_s, 20);
	ck_assert_uint_eq(b->group[0].refresh_msgs, a->export.refresh_msgs);
	ck_assert_uint_eq(b->export.refresh_s, 20);
	config_free(cfg);

	cfg = config_parse("t.conf", two, strlen(two), &err);
	ck_assert_ptr_nonnull(cfg);
	ck_assert_int_eq(options_monitor(b, a, cfg, 0), 0);
	ck_assert_int_eq(options_ngroups(b), 2);
	ck_assert_int_eq(b->coll_group[0], 0); /* t */
	ck_assert_int_eq(b->coll_group[1], 0); /* u: refresh 30 */
	ck_assert_int_eq(b->coll_group[2], 1); /* u2: refresh 600 */
	ck_assert_uint_eq(b->group[0].refresh_s, 30);
	ck_assert_uint_eq(b->group[1].refresh_s, 600);
	config_free(cfg);
	free(a);
	free(b);
}
END_TEST

static void setup(void)
{
	nlines = 0;
}

static Suite *options_suite(void)
{
	Suite *s = suite_create("options");
	TCase *tc = tcase_create("options");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, defaults);
	tcase_add_loop_test(tc, numeric_limits, 0,
			    (int)(sizeof(limits) / sizeof(limits[0])));
	tcase_add_test(tc, combinations_refused);
	tcase_add_test(tc, sampling_per_version);
	tcase_add_test(tc, model_of_command_line);
	tcase_add_test(tc, model_of_interfaces);
	tcase_add_test(tc, model_of_v5);
	tcase_add_test(tc, model_round_trip);
	tcase_add_test(tc, record_of_file_by_ids);
	tcase_add_test(tc, bad_collector_in_model);
	tcase_add_test(tc, bgp_options);
	tcase_add_test(tc, collectors_copy_by_value);
	tcase_add_test(tc, cmdline_config_keeps_spelling);
	tcase_add_test(tc, records_copy_by_value);
	tcase_add_test(tc, tcp_udp_one_process);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(options_suite());
	int nf;

	srunner_run_all(sr, CK_ENV);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf ? EXIT_FAILURE : EXIT_SUCCESS;
}
