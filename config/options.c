// SPDX-License-Identifier: BSD-2-Clause
/*
 * options.c - command-line parsing and validation: the long-option table,
 * options_parse()'s loop over it and the accessors of the result. Every
 * value a user can get wrong is refused here with the option named and
 * what to do (exit 2); options_check.c checks the combinations,
 * options_monitor.c makes -f FILE's monitors, options_usage.c is --help.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "options.h"
#include "options_int.h"
#include "settings.h"

#ifndef XFLOWD_VERSION
#define XFLOWD_VERSION "0.1.0"
#endif

enum {
	OPT_MTU = 256,
	OPT_STATS_FILE,
	OPT_CHECK_CONFIG,
	OPT_CONFIG_DIALECT,
	OPT_REFRESH,
	OPT_REFRESH_MSGS,
	OPT_CAPTURE,
	OPT_PROMISC,
	OPT_EBPF_HOOK,
	OPT_TCP_BUFFER,
	OPT_TCP_LINGER,
	OPT_RECORD,
	OPT_CONTROL,
	OPT_CONTROL_GROUP,
	OPT_USER,
	OPT_NO_DROP,
	OPT_SAMPLE_MODE,
	OPT_NO_ROUTES,
	OPT_WORKERS,
	OPT_SOURCE_PORT,
	OPT_RESOLVE,
	OPT_EXPORT_SOURCE,
	OPT_RATE_LIMIT,
	OPT_RATE_BURST,
	OPT_RATE_QUEUE,
	OPT_BGP_LOCAL_AS,
	OPT_BGP_ROUTER_ID,
	OPT_BGP_LISTEN,
	OPT_BGP_NEIGHBOR,
	OPT_BGP_HOLD,
	OPT_BGP_STALE,
	OPT_BGP_WAIT,
	OPT_AS,
};

static const struct option longopts[] = {
	{ "read", required_argument, NULL, 'r' },
	{ "interface", required_argument, NULL, 'i' },
	{ "capture", required_argument, NULL, OPT_CAPTURE },
	{ "promiscuous", required_argument, NULL, OPT_PROMISC },
	{ "ebpf-hook", required_argument, NULL, OPT_EBPF_HOOK },
	{ "collector", required_argument, NULL, 'c' },
	{ "export", required_argument, NULL, 'e' },
	{ "template", required_argument, NULL, 't' },
	{ "sample", required_argument, NULL, 's' },
	{ "sample-mode", required_argument, NULL, OPT_SAMPLE_MODE },
	{ "active-timeout", required_argument, NULL, 'A' },
	{ "inactive-timeout", required_argument, NULL, 'I' },
	{ "cache-size", required_argument, NULL, 'C' },
	{ "domain-id", required_argument, NULL, 'D' },
	{ "mtu", required_argument, NULL, OPT_MTU },
	{ "template-refresh", required_argument, NULL, OPT_REFRESH },
	{ "template-refresh-packets", required_argument, NULL,
	  OPT_REFRESH_MSGS },
	{ "stats-file", required_argument, NULL, OPT_STATS_FILE },
	{ "control", required_argument, NULL, OPT_CONTROL },
	{ "control-group", required_argument, NULL, OPT_CONTROL_GROUP },
	{ "tcp-buffer", required_argument, NULL, OPT_TCP_BUFFER },
	{ "tcp-linger", required_argument, NULL, OPT_TCP_LINGER },
	{ "record", required_argument, NULL, OPT_RECORD },
	{ "user", required_argument, NULL, OPT_USER },
	{ "no-drop", no_argument, NULL, OPT_NO_DROP },
	{ "no-routes", no_argument, NULL, OPT_NO_ROUTES },
	{ "workers", required_argument, NULL, OPT_WORKERS },
	{ "source-port", required_argument, NULL, OPT_SOURCE_PORT },
	{ "resolve-interval", required_argument, NULL, OPT_RESOLVE },
	{ "export-source", required_argument, NULL, OPT_EXPORT_SOURCE },
	{ "rate-limit", required_argument, NULL, OPT_RATE_LIMIT },
	{ "rate-burst", required_argument, NULL, OPT_RATE_BURST },
	{ "rate-queue", required_argument, NULL, OPT_RATE_QUEUE },
	{ "bgp-local-as", required_argument, NULL, OPT_BGP_LOCAL_AS },
	{ "bgp-router-id", required_argument, NULL, OPT_BGP_ROUTER_ID },
	{ "bgp-listen", required_argument, NULL, OPT_BGP_LISTEN },
	{ "bgp-neighbor", required_argument, NULL, OPT_BGP_NEIGHBOR },
	{ "bgp-hold-time", required_argument, NULL, OPT_BGP_HOLD },
	{ "bgp-stale-time", required_argument, NULL, OPT_BGP_STALE },
	{ "bgp-wait-end-of-rib", required_argument, NULL, OPT_BGP_WAIT },
	{ "as", required_argument, NULL, OPT_AS },
	{ "config", required_argument, NULL, 'f' },
	{ "check-config", no_argument, NULL, OPT_CHECK_CONFIG },
	{ "config-dialect", required_argument, NULL, OPT_CONFIG_DIALECT },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

/* --bgp-X: the bgp block's setting X */
static const char *bgp_setting(int c)
{
	size_t i;

	for (i = 0; longopts[i].name; i++)
		if (longopts[i].val == c)
			return longopts[i].name + strlen("bgp-");
	return "";
}

/* Reject anything but a whole decimal number in [min, max]. */
static int parse_num(const char *opt, const char *arg, unsigned long long min,
		     unsigned long long max, unsigned long long *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	if (!arg[0] || arg[0] == '-' || arg[0] == '+')
		goto bad;
	v = strtoull(arg, &end, 10);
	if (errno || *end || v < min || v > max)
		goto bad;
	*out = v;
	return 0;
bad:
	fprintf(stderr,
		"xflowd: %s '%s': expected a whole number from %llu to %llu\n",
		opt, arg, min, max);
	return -1;
}

int options_ngroups(const struct options *o)
{
	return o->ngroup > 0 ? o->ngroup : 1;
}

size_t options_templates(const struct options *o, struct template_def *defs,
			 const struct template_def **tmpl)
{
	size_t i;

	for (i = 0; i < o->export.ntmpl; i++) {
		const struct template_user *u;

		tmpl[i] = o->export.tmpl[i];
		if (!o->tmpl_rec[i])
			continue;
		u = &o->records[o->tmpl_rec[i] - 1];
		defs[i] = u->def;
		defs[i].name = u->name;
		defs[i].elem = u->elem;
		tmpl[i] = &defs[i];
	}
	return o->export.ntmpl;
}

void options_group_export(const struct options *o, int g,
			  struct export_cfg *out, struct template_def *defs)
{
	const struct opt_group *x = &o->group[g];

	*out = o->export;
	options_templates(o, defs, out->tmpl);
	if (o->ngroup == 0)
		return;
	out->version = x->version;
	out->domain_id = x->domain_id;
	out->mtu = x->mtu;
	out->refresh_s = x->refresh_s;
	out->refresh_msgs = x->refresh_msgs;
	memcpy(out->opt, x->opt, sizeof(out->opt));
	out->as = (enum export_as)x->as;
	out->pace = x->pace;
}

int options_parse(struct options *o, int argc, char **argv)
{
	unsigned long long v;
	long refresh_s = -1, refresh_msgs = -1;
	char errbuf[512];
	int c, rc, smp_mode = -1;
	uint16_t sport = 0;
	uint32_t resolve_s = 0;
	int8_t promisc = -1;
	const char *source = "";

	memset(o, 0, sizeof(*o));
	o->export.version = SET_DEFAULT_VERSION;
	o->export.domain_id = SET_DEFAULT_DOMAIN;
	o->export.mtu = SET_DEFAULT_MTU;
	o->active_s = SET_DEFAULT_ACTIVE;
	o->inactive_s = SET_DEFAULT_INACTIVE;
	o->cache_size = SET_DEFAULT_ENTRIES;
	o->export.tcp_buffer = EXPORT_TCP_BUFFER;
	o->export.tcp_linger_s = SET_DEFAULT_TCP_LINGER;
	o->export.sampling.interval = 1;

	optind = 1;
	while ((c = getopt_long(argc, argv, "r:i:c:e:t:s:A:I:C:D:f:vhV",
				longopts, NULL)) != -1) {
		switch (c) {
		case 'r':
			o->read = optarg;
			break;
		case 'i':
			if (o->nif == OPT_MAX_IF) {
				fprintf(stderr,
					"xflowd: --interface: at most "
					"%d interfaces\n",
					OPT_MAX_IF);
				return 2;
			}
			o->ifname[o->nif++] = optarg;
			break;
		case OPT_PROMISC:
			if (strcmp(optarg, "on") == 0) {
				promisc = 1;
			} else if (strcmp(optarg, "off") == 0) {
				promisc = 0;
			} else {
				fprintf(stderr,
					"xflowd: --promiscuous '%s': expected "
					"on or off\n",
					optarg);
				return 2;
			}
			break;
		case OPT_CAPTURE:
			if (strcmp(optarg, "pcap") == 0) {
				o->capture = CAPTURE_PCAP;
			} else if (strcmp(optarg, "afxdp") == 0) {
				o->capture = CAPTURE_AFXDP;
			} else if (strcmp(optarg, "ebpf") == 0) {
				o->capture = CAPTURE_EBPF;
			} else {
				fprintf(stderr,
					"xflowd: --capture '%s': expected "
					"pcap, afxdp or ebpf\n",
					optarg);
				return 2;
			}
			break;
		case OPT_EBPF_HOOK:
			if (strcmp(optarg, "tc") == 0) {
				o->ebpf_hook = EBPF_HOOK_TC;
			} else if (strcmp(optarg, "xdp") == 0) {
				o->ebpf_hook = EBPF_HOOK_XDP;
			} else {
				fprintf(stderr,
					"xflowd: --ebpf-hook '%s': expected "
					"tc or xdp\n",
					optarg);
				return 2;
			}
			break;
		case 'c':
			if (o->ncoll == EXPORT_MAX_COLLECTORS) {
				fprintf(stderr,
					"xflowd: --collector: at most "
					"%d collectors\n",
					EXPORT_MAX_COLLECTORS);
				return 2;
			}
			/* a refused one is reported where the exporters
			 * are made, as they would refuse it */
			export_dest_parse(&o->dest[o->ncoll++], optarg, errbuf,
					  sizeof(errbuf));
			break;
		case 'e':
			o->export.version = export_version_named(optarg);
			if (!o->export.version) {
				fprintf(stderr,
					"xflowd: --export '%s': expected v1, "
					"v5, v7, v9 or ipfix\n",
					optarg);
				return 2;
			}
			break;
		case 't':
			if (add_template(o, optarg))
				return 2;
			break;
		case 's':
			if (parse_num("--sample", optarg, 1, SET_INTERVAL_MAX,
				      &v))
				return 2;
			o->export.sampling.interval = (uint32_t)v;
			break;
		case OPT_SAMPLE_MODE:
			if (strcmp(optarg, "random") == 0) {
				smp_mode = SAMPLER_RANDOM;
			} else if (strcmp(optarg, "deterministic") == 0) {
				smp_mode = SAMPLER_DETERMINISTIC;
			} else {
				fprintf(stderr,
					"xflowd: --sample-mode '%s': expected "
					"random or deterministic\n",
					optarg);
				return 2;
			}
			break;
		case 'A':
			if (parse_num("--active-timeout", optarg, 1,
				      SET_TIMEOUT_MAX, &v))
				return 2;
			o->active_s = (uint32_t)v;
			break;
		case 'I':
			if (parse_num("--inactive-timeout", optarg, 1,
				      SET_TIMEOUT_MAX, &v))
				return 2;
			o->inactive_s = (uint32_t)v;
			break;
		case 'C':
			if (parse_num("--cache-size", optarg, 1,
				      SET_ENTRIES_MAX, &v))
				return 2;
			o->cache_size = (uint32_t)v;
			break;
		case 'D':
			if (parse_num("--domain-id", optarg, 0, UINT32_MAX, &v))
				return 2;
			o->export.domain_id = (uint32_t)v;
			break;
		case OPT_MTU:
			if (parse_num("--mtu", optarg, SET_MTU_MIN, SET_MTU_MAX,
				      &v))
				return 2;
			o->export.mtu = (uint32_t)v;
			break;
		case OPT_REFRESH:
			if (parse_num("--template-refresh", optarg, 0,
				      SET_REFRESH_S_MAX, &v))
				return 2;
			refresh_s = (long)v;
			break;
		case OPT_REFRESH_MSGS:
			if (parse_num("--template-refresh-packets", optarg, 0,
				      SET_REFRESH_PACKETS_MAX, &v))
				return 2;
			refresh_msgs = (long)v;
			break;
		case OPT_STATS_FILE:
			o->stats_file = optarg;
			break;
		case OPT_CONTROL:
			o->control_path = optarg;
			break;
		case OPT_CONTROL_GROUP:
			o->control_group = optarg;
			break;
		case OPT_TCP_BUFFER:
			/* at least one message: checked against --mtu
			 * when the collectors are added */
			if (parse_num("--tcp-buffer", optarg,
				      SET_TCP_BUFFER_MIN, SET_TCP_BUFFER_MAX,
				      &v))
				return 2;
			o->export.tcp_buffer = (size_t)v;
			break;
		case OPT_RECORD: {
			char err[256];

			if (o->nrecords == OPT_MAX_RECORDS) {
				fprintf(stderr,
					"xflowd: --record: at most %d "
					"records\n",
					OPT_MAX_RECORDS);
				return 2;
			}
			if (template_parse(&o->records[o->nrecords], optarg,
					   err, sizeof(err))) {
				fprintf(stderr, "xflowd: --record %s\n", err);
				return 2;
			}
			/* a value: options_templates() points into it */
			o->records[o->nrecords].def.name = NULL;
			o->records[o->nrecords].def.elem = NULL;
			o->nrecords++;
			break;
		}
		case OPT_TCP_LINGER:
			if (parse_num("--tcp-linger", optarg, 0,
				      SET_TCP_LINGER_MAX, &v))
				return 2;
			o->export.tcp_linger_s = (uint32_t)v;
			break;
		case OPT_USER:
			o->user = optarg;
			break;
		case OPT_NO_DROP:
			o->no_drop = true;
			break;
		case OPT_NO_ROUTES:
			o->no_routes = true;
			break;
		case OPT_SOURCE_PORT:
			if (parse_num("--source-port", optarg, 1, SET_PORT_MAX,
				      &v))
				return 2;
			sport = (uint16_t)v;
			break;
		case OPT_RESOLVE:
			if (parse_num("--resolve-interval", optarg, 0,
				      SET_RESOLVE_MAX, &v))
				return 2;
			resolve_s = (uint32_t)v;
			break;
		case OPT_EXPORT_SOURCE:
			if (!*optarg ||
			    strlen(optarg) >= sizeof(o->source[0])) {
				fprintf(stderr,
					"xflowd: --export-source '%s': "
					"expected "
					"an interface name or an address\n",
					optarg);
				return 2;
			}
			source = optarg;
			break;
		case OPT_RATE_LIMIT:
			if (parse_num("--rate-limit", optarg, 0, SET_RATE_MAX,
				      &v))
				return 2;
			o->export.pace.rate = (uint32_t)v;
			break;
		case OPT_RATE_BURST:
			if (parse_num("--rate-burst", optarg, 1, SET_BURST_MAX,
				      &v))
				return 2;
			o->export.pace.burst = (uint32_t)v;
			break;
		case OPT_RATE_QUEUE:
			if (parse_num("--rate-queue", optarg, 1, SET_QUEUE_MAX,
				      &v))
				return 2;
			o->export.pace.queue = (uint32_t)v;
			break;
		case OPT_WORKERS:
			if (parse_num("--workers", optarg, 1, SET_WORKERS_MAX,
				      &v))
				return 2;
			o->workers = (uint32_t)v;
			break;
		case OPT_BGP_LOCAL_AS:
		case OPT_BGP_ROUTER_ID:
		case OPT_BGP_LISTEN:
		case OPT_BGP_NEIGHBOR:
		case OPT_BGP_HOLD:
		case OPT_BGP_STALE:
		case OPT_BGP_WAIT:
			/* the bgp block's word: the option's name after bgp- */
			if (options_bgp(o, bgp_setting(c), optarg))
				return 2;
			break;
		case OPT_AS:
			if (options_as(o, optarg))
				return 2;
			break;
		case 'f':
			o->config_file = optarg;
			break;
		case OPT_CHECK_CONFIG:
			o->check_config = true;
			break;
		case OPT_CONFIG_DIALECT:
			if (!strcmp(optarg, "xflowd")) {
				o->config_dialect = CFG_XFLOWD;
			} else if (!strcmp(optarg, "ios")) {
				o->config_dialect = CFG_IOS;
			} else {
				fprintf(stderr,
					"xflowd: --config-dialect '%s': "
					"expected xflowd or ios\n",
					optarg);
				return 2;
			}
			break;
		case 'v':
			o->verbose++;
			break;
		case 'h':
			usage(stdout);
			return 1;
		case 'V':
			printf("xflowd %s\n", XFLOWD_VERSION);
			return 1;
		default:
			fputs("xflowd: see 'xflowd --help' for the options\n",
			      stderr);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr,
			"xflowd: unexpected argument '%s' (see "
			"--help)\n",
			argv[optind]);
		return 2;
	}
	for (c = 0; c < o->nif; c++)
		o->ifpromisc[c] = promisc;
	if (promisc >= 0 && o->config_file) {
		fprintf(stderr, "xflowd: --promiscuous: with -f, give it in "
				"the interface block (promiscuous on|off)\n");
		return 2;
	}
	for (c = 0; c < o->ncoll; c++) {
		o->sport[c] = sport;
		o->resolve_s[c] = resolve_s;
		snprintf(o->source[c], sizeof(o->source[c]), "%s", source);
	}
	if (*source && o->config_file) {
		fprintf(stderr, "xflowd: --export-source: with -f, give it in "
				"the exporter block (source IF|ADDRESS)\n");
		return 2;
	}
	if (sport && o->config_file) {
		fprintf(stderr, "xflowd: --source-port: with -f, give it in "
				"the exporter block (source-port PORT)\n");
		return 2;
	}
	if (resolve_s && o->config_file) {
		fprintf(stderr, "xflowd: --resolve-interval: with -f, give it "
				"in the exporter block (resolve-interval "
				"SEC)\n");
		return 2;
	}
	if ((o->export.pace.rate || o->export.pace.burst ||
	     o->export.pace.queue) &&
	    o->config_file) {
		fprintf(stderr, "xflowd: --rate-limit: with -f, give it in the "
				"exporter block (rate-limit N [burst N] [queue "
				"N])\n");
		return 2;
	}
	if ((o->export.pace.burst || o->export.pace.queue) &&
	    !o->export.pace.rate) {
		fprintf(stderr, "xflowd: --rate-burst and --rate-queue shape "
				"--rate-limit N: give it too\n");
		return 2;
	}
	if (smp_mode >= 0 && o->export.sampling.interval < 2) {
		fprintf(stderr,
			"xflowd: --sample-mode %s: give the interval too, "
			"--sample N with N > 1\n",
			smp_mode == SAMPLER_RANDOM ? "random"
						   : "deterministic");
		return 2;
	}
	/* 1 in 1 is no sampling: nothing is announced */
	export_sampling_set(&o->export.sampling,
			    smp_mode >= 0 ? (enum sampler_mode)smp_mode
					  : SAMPLER_RANDOM,
			    o->export.sampling.interval, 1);
	if (options_bgp_check(o))
		return 2;
	/* --check-config alone: the file is missing, not the command line */
	if (o->config_file ||
	    (o->check_config && !o->read && !o->nif && !o->ncoll)) {
		rc = check_config(o);
		if (rc)
			return rc;
	} else if (check_combination(o, refresh_s, refresh_msgs)) {
		return 2;
	} else if (o->check_config) {
		return options_print_config(o, o->verbose > 0, stdout) ? 2 : 1;
	}
	/* before anything is opened: an unknown user stops nothing midway */
	if (privdrop_init(&o->priv, o->user, o->user != NULL, o->no_drop,
			  errbuf, sizeof(errbuf))) {
		fprintf(stderr, "xflowd: %s\n", errbuf);
		return 2;
	}
	if (!o->control_group)
		o->control_group = privdrop_default_group();
	return 0;
}

bool options_promisc(const struct options *o, int i)
{
	if (o->ifpromisc[i] >= 0)
		return o->ifpromisc[i] == 1;
	return o->capture == CAPTURE_AFXDP;
}
