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
	      "2; without\n"
	      "                             -f: the same for the command line "
	      "(with -v the\n"
	      "                             configuration file it means)\n"
	      "      --config-dialect xflowd|ios  how -f FILE is written "
	      "(default: told\n"
	      "                             by its content); ios: the NetFlow "
	      "part of a\n"
	      "                             running-config or a pasted "
	      "session\n"
	      "  -r, --read FILE            pcap/pcapng file; expire all at "
	      "EOF, exit 0\n"
	      "  -i, --interface IF         live interface (repeatable)\n"
	      "      --promiscuous on|off   put the interfaces in promiscuous "
	      "mode\n"
	      "                             (default: on for afxdp, a mirror "
	      "port; off for\n"
	      "                             pcap and ebpf: a router meters "
	      "what it receives)\n"
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
	      "      --source-port PORT     send from local port PORT (IIJ's "
	      "routers: 4739)\n"
	      "      --resolve-interval SEC look collector names up again "
	      "every SEC\n"
	      "                             seconds (default 0: at start, "
	      "on reload and\n"
	      "                             while one does not resolve)\n"
	      "      --export-source IF|ADDR  send from the address of "
	      "interface IF\n"
	      "                             (followed as it changes) or from "
	      "ADDR\n"
	      "  -e, --export v1|v5|v7|v9|ipfix   message format (default "
	      "ipfix)\n"
	      "  -t, --template NAME        (repeatable; default "
	      "ipv4-five-tuple +\n"
	      "                             ipv6-five-tuple)\n"
	      "      --record NAME:MATCH,...[/COLLECT,...]  a user-defined "
	      "template of\n"
	      "                             IPFIX element names (key elements, "
	      "then\n"
	      "                             the others); use it with a later "
	      "--template NAME\n"
	      "  -s, --sample N             meter 1 packet in N (default 1: "
	      "every packet);\n"
	      "                             the exported counters are the "
	      "sampled ones and\n"
	      "                             every format announces N for "
	      "collectors to scale\n"
	      "      --sample-mode random|deterministic  each packet with "
	      "probability 1/N\n"
	      "                             (default) or every Nth packet\n"
	      "  -A, --active-timeout SEC   (default 1800)\n"
	      "  -I, --inactive-timeout SEC (default 15)\n"
	      "  -C, --cache-size N         flow cache entries (default "
	      "262144), shared\n"
	      "                             out among the workers\n"
	      "      --workers N            metering threads, each with its "
	      "own cache and\n"
	      "                             some of the receive queues or "
	      "rings (default:\n"
	      "                             one per queue, ring or "
	      "interface, at most one\n"
	      "                             per CPU)\n"
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
	      "      --rate-limit N         export at most N flow records a "
	      "second; the\n"
	      "                             others wait in a queue (default "
	      "0: no limit)\n"
	      "      --rate-burst N         ... up to N at once (default "
	      "N/20, at least 1)\n"
	      "      --rate-queue N         ... at most N wait (default "
	      "65536); overflow\n"
	      "                             is counted as not sent\n"
	      "      --no-routes            do not read the kernel's routing "
	      "table: v5 next\n"
	      "                             hop, masks and output interface "
	      "(and their\n"
	      "                             IPFIX elements) are 0\n"
	      "      --bgp-local-as N       a passive BGP session for AS "
	      "numbers and BGP\n"
	      "                             next hops (the bgp block of "
	      "xflowd.conf(5)):\n"
	      "                             our AS, with --bgp-router-id "
	      "A.B.C.D and\n"
	      "      --bgp-neighbor ADDR:AS the router's daemon (repeatable; "
	      "[IPv6]:AS)\n"
	      "      --bgp-listen ADDR[,PORT]  where it connects (default "
	      "0.0.0.0,179;\n"
	      "                             also ADDR:PORT, [IPv6]:PORT)\n"
	      "      --bgp-hold-time SEC    (default 90)\n"
	      "      --bgp-stale-time SEC   a lost session's routes kept "
	      "(default 360)\n"
	      "      --bgp-wait-end-of-rib SEC  --read: wait for the table "
	      "at most SEC\n"
	      "                             (default 30; 0: do not wait)\n"
	      "      --as origin|peer       v5 src_as/dst_as: the origin "
	      "(last) or peer\n"
	      "                             (first) AS of the path (default "
	      "0, as IOS);\n"
	      "                             peer: IPFIX/v9 16 and 17 too\n"
	      "      --stats-file FILE      write every counter as JSON at "
	      "exit\n"
	      "      --control PATH         xflowctl's socket (default "
	      "/run/xflowd/xflowd.sock\n"
	      "                             when live, none for --read; "
	      "'none': none)\n"
	      "      --control-group GROUP  group that may use it (mode "
	      "0660; default\n"
	      "                             xflowd when that group exists)\n"
	      "      --user NAME            once set up, run as NAME with no "
	      "capabilities\n"
	      "                             (default xflowd when it exists, "
	      "else nobody;\n"
	      "                             '' = stay)\n"
	      "      --no-drop              keep the starting user and its "
	      "capabilities\n"
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
	char err[256];
	size_t i;
	int g;

	if (!o->read && o->nif == 0) {
		fprintf(stderr, "xflowd: nothing to observe: give --read FILE "
				"or --interface IF (see --help)\n");
		return -1;
	}
	if (o->read && o->nif && o->cfg) {
		const struct cfg_interface *ifc = &o->cfg->interface[0];

		/* the interface blocks are what conflicts: name one */
		for (i = 0; i < (size_t)o->cfg->ninterface; i++)
			if (strcmp(o->cfg->interface[i].name, o->ifname[0]) ==
			    0)
				ifc = &o->cfg->interface[i];
		fprintf(stderr,
			"xflowd: --read %s: %s:%u: interface %s: a file "
			"replaces the interfaces, and this configuration "
			"observes some: drop --read, or give a configuration "
			"without interface blocks\n",
			o->read, o->cfg->file, ifc->line, ifc->name);
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
	for (g = 0; g < options_ngroups(o); g++) {
		struct export_cfg gc;

		options_group_export(o, g, &gc);
		for (i = 0; i < o->export.ntmpl; i++) {
			if (!o->export.tmpl[i]->enterprise || gc.version == 10)
				continue;
			fprintf(stderr,
				"xflowd: --template %s has enterprise (PEN "
				"770) elements, which only IPFIX can carry: "
				"use --export ipfix\n",
				o->export.tmpl[i]->name);
			return -1;
		}
		if (export_sampling_check(&gc, err, sizeof(err))) {
			fprintf(stderr, "xflowd: --sample %u: %s\n",
				o->export.sampling.interval, err);
			return -1;
		}
	}
	o->export.refresh_s =
		refresh_s >= 0 ? (uint32_t)refresh_s
			       : set_default_refresh_s(o->export.version);
	o->export.refresh_msgs =
		refresh_msgs >= 0
			? (uint32_t)refresh_msgs
			: set_default_refresh_packets(o->export.version);
	/* a file has no clock to keep up with: wait for TCP collectors */
	o->export.lossless = o->read != NULL;
	return 0;
}

/*
 * Record r of cfg as a template of element ids, as the meter and the
 * exporter walk it; what the configuration accepts but this build's
 * templates do not is refused as template_build() words it.
 */
static int record_template(struct template_user *u, const struct config *cfg,
			   const struct cfg_record *r)
{
	int k;

	memset(u, 0, sizeof(*u));
	if (strlen(r->name) >= sizeof(u->name)) {
		fprintf(stderr,
			"xflowd: %s:%u: record name '%s': 1 to %zu "
			"characters\n",
			cfg->file, r->line, r->name, sizeof(u->name) - 1);
		return -1;
	}
	for (k = 0; k < r->nkey; k++) {
		if (ie_table[r->elem[k]].use == KEY)
			continue;
		fprintf(stderr,
			"xflowd: %s:%u: record %s: %s cannot be a match (key) "
			"element; collect it instead\n",
			cfg->file, r->line, r->name, ie_table[r->elem[k]].name);
		return -1;
	}
	snprintf(u->name, sizeof(u->name), "%s", r->name);
	memcpy(u->elem, r->elem, r->nelem);
	config_record_template(r, &u->def);
	u->def.name = u->name;
	u->def.elem = u->elem;
	return 0;
}

/*
 * -f FILE: monitor mi of the configuration becomes the pipeline the
 * command line describes: its templates and records, cache, sampler,
 * exporters (alike ones grouped into an exporting process) and the
 * interfaces attached to it in either direction.
 */
static int apply_config(struct options *o, struct config *cfg, int mi,
			long *refresh_s, long *refresh_msgs)
{
	const struct cfg_monitor *m = &cfg->monitor[mi];
	const struct cfg_exporter *x0;
	int i, k;

	o->monitor = mi;
	if (m->sampler >= 0) {
		const struct cfg_sampler *sp = &cfg->sampler[m->sampler];

		/* the sampler's position in the file is its id (from 1) */
		export_sampling_set(&o->export.sampling, sp->mode, sp->interval,
				    (uint8_t)(m->sampler + 1));
	}
	for (i = 0; i < m->nformat; i++) {
		const struct cfg_format *fm = &m->format[i];
		const struct cfg_record *r;

		if (fm->tmpl) {
			if (add_template(o, fm->tmpl->name))
				return -1;
			continue;
		}
		r = &cfg->record[fm->record];
		if (o->nrecords == OPT_MAX_RECORDS) {
			fprintf(stderr, "xflowd: %s:%u: at most %d records\n",
				cfg->file, fm->line, OPT_MAX_RECORDS);
			return -1;
		}
		if (record_template(&o->records[o->nrecords], cfg, r))
			return -1;
		o->nrecords++;
		if (add_template(o, r->name))
			return -1;
	}
	x0 = &cfg->exporter[m->exporter[0]];
	for (i = 0; i < m->nexporter; i++) {
		const struct cfg_exporter *x = &cfg->exporter[m->exporter[i]];
		struct export_dest *d;
		struct opt_group *g;

		/* exporters alike share an exporting process */
		for (k = 0; k < o->ngroup; k++) {
			g = &o->group[k];
			if (g->version == x->version &&
			    g->domain_id == x->domain_id && g->mtu == x->mtu &&
			    g->refresh_s == x->refresh_s &&
			    g->refresh_msgs == x->refresh_packets &&
			    export_options_equal(g->opt, x->option) &&
			    g->as == x->as &&
			    !memcmp(&g->pace, &x->pace, sizeof(g->pace)))
				break;
		}
		if (k == o->ngroup) {
			g = &o->group[o->ngroup++];
			g->version = x->version;
			g->domain_id = x->domain_id;
			g->mtu = x->mtu;
			g->refresh_s = x->refresh_s;
			g->refresh_msgs = x->refresh_packets;
			memcpy(g->opt, x->option, sizeof(g->opt));
			g->as = x->as;
			g->pace = x->pace;
		}
		o->coll_group[o->ncoll] = (uint8_t)k;
		o->sport[o->ncoll] = x->source_port;
		o->resolve_s[o->ncoll] = x->resolve_s;
		o->coll_exporter[o->ncoll] = (uint8_t)(m->exporter[i] + 1);
		snprintf(o->source[o->ncoll], sizeof(o->source[0]), "%s",
			 x->source);
		d = &o->dest[o->ncoll++];
		memset(d, 0, sizeof(*d));
		snprintf(d->host, sizeof(d->host), "%s", x->destination);
		d->port = x->port;
		d->proto = x->transport == CFG_TCP ? TX_TCP : TX_UDP;
	}
	o->export.version = x0->version;
	o->export.domain_id = x0->domain_id;
	o->export.mtu = x0->mtu;
	memcpy(o->export.opt, x0->option, sizeof(o->export.opt));
	o->export.pace = x0->pace;
	*refresh_s = x0->refresh_s;
	*refresh_msgs = x0->refresh_packets;
	o->cache_size = m->cache_entries;
	o->active_s = m->active_s;
	o->inactive_s = m->inactive_s;
	for (i = 0; i < cfg->ninterface; i++) {
		const struct cfg_interface *ifc = &cfg->interface[i];
		int dir;

		for (dir = 0; dir < CFG_NDIR; dir++) {
			if (ifc->monitor[dir] != mi)
				continue;
			if (o->nif && (ifc->capture != o->capture ||
				       ifc->ebpf_hook != o->ebpf_hook)) {
				fprintf(stderr,
					"xflowd: %s:%u: interface %s: the "
					"interfaces of monitor %s are captured "
					"one way (pcap, afxdp, ebpf tc or ebpf "
					"xdp) in this build: give this one a "
					"monitor of its own\n",
					cfg->file, ifc->line, ifc->name,
					m->name);
				return -1;
			}
			if (o->nif == OPT_MAX_IF) {
				fprintf(stderr,
					"xflowd: %s:%u: at most %d "
					"interfaces\n",
					cfg->file, ifc->line, OPT_MAX_IF);
				return -1;
			}
			o->capture = ifc->capture;
			o->ebpf_hook = ifc->ebpf_hook;
			o->ifdir[o->nif] = (uint8_t)dir;
			o->ifpromisc[o->nif] = ifc->promisc;
			o->ifname[o->nif++] = ifc->name;
		}
	}
	return 0;
}

static void options_rebase(struct options *o, const struct options *from);

/*
 * What this build runs of a configuration that xflowd.conf(5) accepts,
 * checked across its monitors: the BPF back ends attach one program set
 * per interface, so an interface they capture belongs to one monitor.
 */
static int check_monitors(const struct config *cfg)
{
	int i;

	for (i = 0; i < cfg->ninterface; i++) {
		const struct cfg_interface *ifc = &cfg->interface[i];
		int in = ifc->monitor[CFG_INPUT],
		    out = ifc->monitor[CFG_OUTPUT];

		if (ifc->capture == CAPTURE_PCAP || in < 0 || out < 0 ||
		    in == out)
			continue;
		fprintf(stderr,
			"xflowd: %s:%u: interface %s: monitors %s and %s both "
			"capture it with %s, which attaches one program per "
			"interface: give both directions to one monitor, or "
			"capture pcap\n",
			cfg->file, ifc->monitor_line[CFG_OUTPUT], ifc->name,
			cfg->monitor[in].name, cfg->monitor[out].name,
			ifc->capture == CAPTURE_AFXDP ? "afxdp" : "ebpf");
		return -1;
	}
	return 0;
}

/*
 * Load cur's -f file and make every monitor of it as a run would (cur:
 * the command line, or any monitor's options). The configuration, or NULL
 * after saying why; *nrun monitors run live, the first of them made into
 * *first (when first is not NULL).
 */
static struct config *load_monitors(const struct options *cur,
				    struct options *first, int *nrun)
{
	struct config_errors *err = malloc(sizeof(*err));
	struct options *t = malloc(sizeof(*t));
	struct config *cfg = NULL;
	int m, rc;

	*nrun = 0;
	if (!err || !t) {
		fprintf(stderr, "xflowd: out of memory\n");
		goto out;
	}
	cfg = config_load_dialect(cur->config_file,
				  (enum cfg_dialect)cur->config_dialect, err);
	if (!cfg) {
		if (err->count)
			config_errors_print(err, stderr);
		else
			fprintf(stderr, "xflowd: out of memory\n");
		goto out;
	}
	if (options_bgp_merge(cur, cfg) || check_monitors(cfg))
		goto fail;
	for (m = cfg->nmonitor - 1; m >= 0; m--) {
		rc = options_monitor(t, cur, cfg, m);
		if (rc < 0)
			goto fail;
		if (rc == 0) {
			(*nrun)++;
			if (first)
				options_move(first, t);
		}
	}
	goto out;
fail:
	config_free(cfg);
	cfg = NULL;
out:
	free(err);
	free(t);
	return cfg;
}

/*
 * -f FILE [--check-config]: o becomes the file's first monitor that runs
 * (options_monitor() makes the others). --check-config checks every
 * monitor as a run would, then exits.
 */
static int check_config(struct options *o)
{
	struct config *cfg;
	int nrun;

	if (!o->config_file) {
		fprintf(stderr, "xflowd: --check-config needs -f FILE\n");
		return 2;
	}
	if (o->ncoll || o->export.ntmpl || o->nif) {
		fprintf(stderr,
			"xflowd: -f %s: the configuration file describes the "
			"collectors, templates and interfaces; give them "
			"there, "
			"not with --collector, --template or --interface\n",
			o->config_file);
		return 2;
	}
	cfg = load_monitors(o, o, &nrun);
	if (!cfg)
		return 2;
	/* --check-config: a file of monitors for --read is fine */
	if (!nrun && !o->check_config) {
		fprintf(stderr,
			"xflowd: %s: no interface names a monitor: nothing to "
			"observe (attach one: 'monitor NAME input' in an "
			"interface block), or give --read FILE\n",
			o->config_file);
		config_free(cfg);
		return 2;
	}
	if (o->check_config) {
		printf("%s: configuration OK\n", o->config_file);
		if (o->verbose)
			config_dump(cfg, stdout);
		config_free(cfg);
		return 1;
	}
	return 0;
}

/*
 * After a copy of an options struct (o = *from): point what pointed into
 * from's own buffers (user-defined templates; collectors are values) into
 * o's.
 */
static void options_rebase(struct options *o, const struct options *from)
{
	size_t i;
	int k;

	for (k = 0; k < o->nrecords; k++) {
		o->records[k].def.name = o->records[k].name;
		o->records[k].def.elem = o->records[k].elem;
	}
	for (i = 0; i < o->export.ntmpl; i++) {
		const struct template_def *t = o->export.tmpl[i];

		for (k = 0; k < from->nrecords; k++)
			if (t == &from->records[k].def)
				o->export.tmpl[i] = &o->records[k].def;
	}
}

int options_monitor(struct options *o, const struct options *cur,
		    struct config *cfg, int m)
{
	long refresh_s = -1, refresh_msgs = -1;

	*o = *cur;
	options_rebase(o, cur);
	/* what the file describes, from nothing */
	o->nif = 0;
	o->ncoll = 0;
	o->ngroup = 0;
	o->nrecords = 0;
	o->export.ntmpl = 0;
	export_sampling_set(&o->export.sampling, SAMPLER_NONE, 1, 1);
	memset(o->sport, 0, sizeof(o->sport));
	memset(o->source, 0, sizeof(o->source));
	o->capture = CAPTURE_PCAP;
	o->ebpf_hook = EBPF_HOOK_TC;
	o->cfg = cfg;
	o->monitor = m;
	if (apply_config(o, cfg, m, &refresh_s, &refresh_msgs))
		return -1;
	/* live, a monitor no interface names does not run */
	if (!o->read && o->nif == 0)
		return 1;
	if (check_combination(o, refresh_s, refresh_msgs))
		return -1;
	return 0;
}

struct config *options_reload(const struct options *cur)
{
	int nrun;

	return load_monitors(cur, NULL, &nrun);
}

void options_move(struct options *dst, const struct options *src)
{
	*dst = *src;
	options_rebase(dst, src);
}

int options_ngroups(const struct options *o)
{
	return o->ngroup > 0 ? o->ngroup : 1;
}

void options_group_export(const struct options *o, int g,
			  struct export_cfg *out)
{
	const struct opt_group *x = &o->group[g];

	*out = o->export;
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
