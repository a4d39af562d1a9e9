// SPDX-License-Identifier: BSD-2-Clause
/*
 * options.c - command-line parsing and validation. Every value a user can
 * get wrong is refused here with the option named and what to do (exit 2).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "options.h"

#ifndef XFLOWD_VERSION
#define XFLOWD_VERSION "0.1.0"
#endif

/* 31 years: long enough to mean "never", small enough that ns times plus
 * a timeout cannot overflow 64 bits */
#define MAX_TIMEOUT_S 1000000000ull

enum {
	OPT_MTU = 256,
	OPT_STATS_FILE,
	OPT_CHECK_CONFIG,
	OPT_REFRESH,
	OPT_REFRESH_MSGS,
	OPT_CAPTURE,
	OPT_EBPF_HOOK,
	OPT_TCP_BUFFER,
	OPT_TCP_LINGER,
	OPT_RECORD,
};

static const struct option longopts[] = {
	{ "read", required_argument, NULL, 'r' },
	{ "interface", required_argument, NULL, 'i' },
	{ "capture", required_argument, NULL, OPT_CAPTURE },
	{ "ebpf-hook", required_argument, NULL, OPT_EBPF_HOOK },
	{ "collector", required_argument, NULL, 'c' },
	{ "export", required_argument, NULL, 'e' },
	{ "template", required_argument, NULL, 't' },
	{ "sample", required_argument, NULL, 's' },
	{ "active-timeout", required_argument, NULL, 'A' },
	{ "inactive-timeout", required_argument, NULL, 'I' },
	{ "cache-size", required_argument, NULL, 'C' },
	{ "domain-id", required_argument, NULL, 'D' },
	{ "mtu", required_argument, NULL, OPT_MTU },
	{ "template-refresh", required_argument, NULL, OPT_REFRESH },
	{ "template-refresh-packets", required_argument, NULL,
	  OPT_REFRESH_MSGS },
	{ "stats-file", required_argument, NULL, OPT_STATS_FILE },
	{ "tcp-buffer", required_argument, NULL, OPT_TCP_BUFFER },
	{ "tcp-linger", required_argument, NULL, OPT_TCP_LINGER },
	{ "record", required_argument, NULL, OPT_RECORD },
	{ "config", required_argument, NULL, 'f' },
	{ "check-config", no_argument, NULL, OPT_CHECK_CONFIG },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static void usage(FILE *f)
{
	fputs("usage: xflowd [-f CONFIG] [options]\n"
	      "  -f, --config FILE          configuration file "
	      "(xflowd.conf(5))\n"
	      "      --check-config         with -f: check the file, print its "
	      "errors or\n"
	      "                             'FILE: configuration OK' (with -v "
	      "also the\n"
	      "                             configuration as read), exit 0 or "
	      "2\n"
	      "  -r, --read FILE            pcap/pcapng file; expire all at "
	      "EOF, exit 0\n"
	      "  -i, --interface IF         live interface (repeatable)\n"
	      "      --capture pcap|afxdp|ebpf  observation point (default "
	      "pcap); afxdp\n"
	      "                             CONSUMES the packets: mirror/SPAN "
	      "ports only,\n"
	      "                             never a forwarding interface; "
	      "ebpf lets them pass\n"
	      "      --ebpf-hook tc|xdp     --capture ebpf: TC ingress+egress "
	      "(default) or\n"
	      "                             XDP (ingress only, cheaper)\n"
	      "  -c, --collector HOST:PORT[/udp|/tcp]  (repeatable; IPv6 as "
	      "[addr]:port;\n"
	      "                             /tcp: IPFIX over TCP, RFC 7011 "
	      "§10.4)\n"
	      "  -e, --export v5|v9|ipfix   message format (default ipfix)\n"
	      "  -t, --template NAME        (repeatable; default "
	      "ipv4-five-tuple +\n"
	      "                             ipv6-five-tuple)\n"
	      "      --record NAME:MATCH,...[/COLLECT,...]  a user-defined "
	      "template of\n"
	      "                             IPFIX element names (key elements, "
	      "then\n"
	      "                             the others); use it with a later "
	      "--template NAME\n"
	      "  -s, --sample N             random 1-in-N (default 1: every "
	      "packet)\n"
	      "  -A, --active-timeout SEC   (default 1800)\n"
	      "  -I, --inactive-timeout SEC (default 15)\n"
	      "  -C, --cache-size N         flow cache entries (default "
	      "262144)\n"
	      "  -D, --domain-id N          observation domain / source id "
	      "(default 1)\n"
	      "      --mtu N                path MTU export messages fit "
	      "(default 1500)\n"
	      "      --template-refresh SEC       resend templates (v9 1800, "
	      "IPFIX 600)\n"
	      "      --template-refresh-packets N ... and every N messages (v9 "
	      "20,\n"
	      "                             IPFIX 100; 0 = never by count)\n"
	      "      --tcp-buffer BYTES     per TCP collector, messages kept "
	      "while it is\n"
	      "                             down or slow (default 4194304; "
	      "overflow counted)\n"
	      "      --tcp-linger SEC       at exit, wait up to SEC for TCP "
	      "collectors to\n"
	      "                             take what is buffered (default "
	      "10)\n"
	      "      --stats-file FILE      write every counter as JSON at "
	      "exit\n"
	      "  -v, --verbose              more messages\n"
	      "  -h, --help                 this text\n"
	      "  -V, --version              print the version\n",
	      f);
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

static int add_template(struct options *o, const char *name)
{
	const struct template_def *t = template_find(name);
	int r;

	for (r = 0; r < o->nrecords && !t; r++)
		if (strcmp(o->records[r].name, name) == 0)
			t = &o->records[r].def;
	if (!t) {
		fprintf(stderr,
			"xflowd: --template: unknown template '%s' (did you "
			"mean %s?); see ../shared/spec/templates.md or the "
			"README for the list\n",
			name, template_closest(name));
		return -1;
	}
	for (size_t i = 0; i < o->export.ntmpl; i++) {
		if (o->export.tmpl[i] == t) {
			fprintf(stderr, "xflowd: --template %s: given twice\n",
				name);
			return -1;
		}
	}
	if (o->export.ntmpl == EXPORT_MAX_TEMPLATES) {
		fprintf(stderr, "xflowd: --template: at most %d templates\n",
			EXPORT_MAX_TEMPLATES);
		return -1;
	}
	o->export.tmpl[o->export.ntmpl++] = t;
	return 0;
}

static int check_combination(struct options *o, long refresh_s,
			     long refresh_msgs)
{
	size_t i;

	if (!o->read && o->nif == 0) {
		fprintf(stderr, "xflowd: nothing to observe: give --read FILE "
				"or --interface IF (see --help)\n");
		return -1;
	}
	if (o->read && o->nif) {
		fprintf(stderr, "xflowd: --read and --interface exclude each "
				"other\n");
		return -1;
	}
	if (o->read && o->capture != CAPTURE_PCAP) {
		fprintf(stderr, "xflowd: --read reads files with libpcap; "
				"--capture afxdp and ebpf need --interface\n");
		return -1;
	}
	if (o->ncoll == 0) {
		fprintf(stderr, "xflowd: no collector: give --collector "
				"HOST:PORT (e.g. 127.0.0.1:4739)\n");
		return -1;
	}
	if (o->export.ntmpl == 0) {
		add_template(o, "ipv4-five-tuple");
		add_template(o, "ipv6-five-tuple");
	}
	for (i = 0; i < o->export.ntmpl; i++) {
		if (o->export.tmpl[i]->enterprise && o->export.version != 10) {
			fprintf(stderr,
				"xflowd: --template %s has enterprise (PEN "
				"770) elements, which only IPFIX can carry: "
				"use --export ipfix\n",
				o->export.tmpl[i]->name);
			return -1;
		}
	}
	o->export.refresh_s = (uint32_t)(refresh_s >= 0		  ? refresh_s
					 : o->export.version == 9 ? 1800
								  : 600);
	o->export.refresh_msgs = (uint32_t)(refresh_msgs >= 0 ? refresh_msgs
					    : o->export.version == 9 ? 20
								     : 100);
	/* a file has no clock to keep up with: wait for TCP collectors */
	o->export.lossless = o->read != NULL;
	return 0;
}

/* -f FILE [--check-config]: parse and validate without opening anything. */
static int check_config(const struct options *o)
{
	struct config_errors *err;
	struct config *cfg;

	if (!o->config_file) {
		fprintf(stderr, "xflowd: --check-config needs -f FILE\n");
		return 2;
	}
	err = malloc(sizeof(*err));
	if (!err) {
		fprintf(stderr, "xflowd: out of memory\n");
		return 2;
	}
	cfg = config_load(o->config_file, err);
	if (!cfg) {
		if (err->count)
			config_errors_print(err, stderr);
		else
			fprintf(stderr, "xflowd: out of memory\n");
		free(err);
		return 2;
	}
	free(err);
	if (!o->check_config) {
		/* the daemon runs the command line's single monitor only */
		fprintf(stderr,
			"xflowd: -f %s: running from a configuration file is "
			"not in this build yet; --check-config validates it\n",
			o->config_file);
		config_free(cfg);
		return 2;
	}
	printf("%s: configuration OK\n", o->config_file);
	if (o->verbose)
		config_dump(cfg, stdout);
	config_free(cfg);
	return 1;
}

int options_parse(struct options *o, int argc, char **argv)
{
	unsigned long long v;
	long refresh_s = -1, refresh_msgs = -1;
	int c;

	memset(o, 0, sizeof(*o));
	o->export.version = 10;
	o->export.domain_id = 1;
	o->export.mtu = 1500;
	o->active_s = 1800;
	o->inactive_s = 15;
	o->cache_size = 262144;
	o->export.tcp_buffer = EXPORT_TCP_BUFFER;
	o->export.tcp_linger_s = 10;

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
			o->collector[o->ncoll++] = optarg;
			break;
		case 'e':
			if (strcmp(optarg, "v5") == 0)
				o->export.version = 5;
			else if (strcmp(optarg, "v9") == 0)
				o->export.version = 9;
			else if (strcmp(optarg, "ipfix") == 0)
				o->export.version = 10;
			else {
				fprintf(stderr,
					"xflowd: --export '%s': expected v5, "
					"v9 or ipfix\n",
					optarg);
				return 2;
			}
			break;
		case 't':
			if (add_template(o, optarg))
				return 2;
			break;
		case 's':
			if (parse_num("--sample", optarg, 1, 1u << 30, &v))
				return 2;
			if (v != 1) {
				fprintf(stderr,
					"xflowd: --sample %s: sampling is not "
					"in this build yet; use --sample 1\n",
					optarg);
				return 2;
			}
			break;
		case 'A':
			if (parse_num("--active-timeout", optarg, 1,
				      MAX_TIMEOUT_S, &v))
				return 2;
			o->active_s = (uint32_t)v;
			break;
		case 'I':
			if (parse_num("--inactive-timeout", optarg, 1,
				      MAX_TIMEOUT_S, &v))
				return 2;
			o->inactive_s = (uint32_t)v;
			break;
		case 'C':
			if (parse_num("--cache-size", optarg, 1, 1u << 30, &v))
				return 2;
			o->cache_size = (uint32_t)v;
			break;
		case 'D':
			if (parse_num("--domain-id", optarg, 0, UINT32_MAX, &v))
				return 2;
			o->export.domain_id = (uint32_t)v;
			break;
		case OPT_MTU:
			if (parse_num("--mtu", optarg, 576, 65535, &v))
				return 2;
			o->export.mtu = (uint32_t)v;
			break;
		case OPT_REFRESH:
			if (parse_num("--template-refresh", optarg, 0, 86400,
				      &v))
				return 2;
			refresh_s = (long)v;
			break;
		case OPT_REFRESH_MSGS:
			if (parse_num("--template-refresh-packets", optarg, 0,
				      1000000, &v))
				return 2;
			refresh_msgs = (long)v;
			break;
		case OPT_STATS_FILE:
			o->stats_file = optarg;
			break;
		case OPT_TCP_BUFFER:
			/* at least one message: checked against --mtu
			 * when the collectors are added */
			if (parse_num("--tcp-buffer", optarg, 4096, 1ull << 30,
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
			o->nrecords++;
			break;
		}
		case OPT_TCP_LINGER:
			if (parse_num("--tcp-linger", optarg, 0, 3600, &v))
				return 2;
			o->export.tcp_linger_s = (uint32_t)v;
			break;
		case 'f':
			o->config_file = optarg;
			break;
		case OPT_CHECK_CONFIG:
			o->check_config = true;
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
	if (o->check_config || o->config_file)
		return check_config(o);
	if (check_combination(o, refresh_s, refresh_msgs))
		return 2;
	return 0;
}
