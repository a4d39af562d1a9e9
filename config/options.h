/* SPDX-License-Identifier: BSD-2-Clause */
/* options.h - the command line (DESIGN.md: a stable contract). */
#ifndef XFLOWD_OPTIONS_H
#define XFLOWD_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "../bgp/speaker.h"
#include "../export/export.h"
#include "../daemon/privdrop.h"

#define OPT_MAX_IF 16
#define OPT_MAX_RECORDS 8

enum capture_kind {
	CAPTURE_PCAP = 0, /* libpcap: files and live interfaces */
	CAPTURE_AFXDP,	  /* XDP redirect to AF_XDP sockets (mirror ports) */
	CAPTURE_EBPF,	  /* XDP/TC programs + BPF ring buffer (routers) */
};

/* --ebpf-hook: where --capture ebpf's programs run */
enum ebpf_hook {
	EBPF_HOOK_TC = 0, /* TCX ingress and egress (flowDirection 0/1) */
	EBPF_HOOK_XDP,	  /* XDP: ingress only, earliest and cheapest */
};

struct config;

struct options {
	/* --config-dialect: enum cfg_dialect of config.h, 0: auto */
	int config_dialect;

	const char *read;		/* --read FILE */
	const char *ifname[OPT_MAX_IF]; /* --interface, repeatable */
	uint8_t ifdir[OPT_MAX_IF];	/* 0 input (-i), 1 output (-f) */
	/* --promiscuous, -f promiscuous: 1 on, 0 off, -1 the capture's
	 * default (options_promisc) */
	int8_t ifpromisc[OPT_MAX_IF];
	int nif;
	enum capture_kind capture; /* --capture */
	/* --record NAME:MATCH,.../COLLECT,...: user-defined templates,
	 * used by a later --template NAME. Values: their def.name and
	 * def.elem are NULL (options_templates() points them into o), so
	 * that an options struct holds no pointer into itself and a plain
	 * assignment copies it */
	struct template_user records[OPT_MAX_RECORDS];
	int nrecords;
	struct config *cfg;	  /* kept: interface names point into it */
	int monitor;		  /* -f: the index in cfg of this monitor */
	enum ebpf_hook ebpf_hook; /* --ebpf-hook */
	/* --collector (parsed once options_parse() checked the rest), or
	 * the configuration's exporters */
	struct export_dest dest[EXPORT_MAX_COLLECTORS];
	/* --source-port, -f source-port: the local port (0: any) */
	uint16_t sport[EXPORT_MAX_COLLECTORS];
	/* --resolve-interval, -f resolve-interval: seconds (0: never) */
	uint32_t resolve_s[EXPORT_MAX_COLLECTORS];
	/* -f: the index + 1 in cfg of the exporter block of each (0: the
	 * command line's) */
	uint8_t coll_exporter[EXPORT_MAX_COLLECTORS];
	/* --export-source, -f source: IFNAME|ADDRESS to send from ("": any) */
	char source[EXPORT_MAX_COLLECTORS][64];
	int ncoll;
	/* version, domain, mtu, templates: export.tmpl[i] is a predefined
	 * template, or NULL for records[tmpl_rec[i] - 1]; read them with
	 * options_templates() */
	struct export_cfg export;
	uint8_t tmpl_rec[EXPORT_MAX_TEMPLATES];
	/* -f: the exporters of the monitor that differ in protocol version,
	 * domain id, MTU or template refresh are exporting processes of their
	 * own (options too), fed the same flows: dest[i] is in group coll_group[i];
	 * group 0 has export's settings. ngroup 0: one group (the command
	 * line) */
	struct opt_group {
		int version;
		uint32_t domain_id, mtu, refresh_s, refresh_msgs;
		struct export_option_cfg opt[EXPORT_OPT_N];
		uint8_t as; /* enum export_as */
		struct export_pace_cfg pace;
		bool udp; /* has a UDP exporter: refresh_* are its */
	} group[EXPORT_MAX_COLLECTORS];
	uint8_t coll_group[EXPORT_MAX_COLLECTORS];
	int ngroup;
	uint32_t active_s;
	uint32_t inactive_s;
	uint32_t cache_size;
	const char *stats_file;	 /* --stats-file: JSON counters at exit */
	const char *config_file; /* -f FILE */
	bool check_config;	 /* --check-config: validate -f FILE, exit */
	const char *user;	 /* --user NAME (NULL: xflowd, else nobody) */
	bool no_drop;		 /* --no-drop */
	bool no_routes;		 /* --no-routes */
	uint32_t workers;	 /* --workers (0: one per capture, CPU) */
	struct privdrop priv;	 /* what --user and --no-drop resolve to */
	int verbose;
	/* --control PATH ("none": none), --control-group: xflowctl's socket */
	const char *control_path;
	const char *control_group;
	/* --bgp-*: the command line's bgp block (.enabled once one is
	 * given); with -f it joins the file's model (options_bgp.c) */
	struct bgp_cfg bgp;
};

/*
 * Parse argv into o. Returns 0 to run, 1 after --help/--version (exit 0),
 * or 2 after printing what is wrong with which option (exit 2).
 */
int options_parse(struct options *o, int argc, char **argv);

/*
 * -f: the options of monitor m of cfg, on top of cur's command line (cur
 * may be any monitor's options): o->cfg = cfg, o->monitor = m. 0; 1 for
 * a monitor that does not run (live, and no interface names it); or -1
 * after saying on stderr what is wrong (file:line).
 */
int options_monitor(struct options *o, const struct options *cur,
		    struct config *cfg, int m);

/*
 * SIGHUP: cur's configuration file (-f) read again and every monitor of
 * it checked as options_monitor() makes it. The configuration (the
 * caller's to free), or NULL after saying on stderr what is wrong.
 */
struct config *options_reload(const struct options *cur);

/*
 * The templates of o in the order given, as the meter and the exporter
 * walk them, into tmpl[EXPORT_MAX_TEMPLATES]: the predefined ones, and
 * o's records described in defs[EXPORT_MAX_TEMPLATES]. They point into
 * defs and o: valid while both are (exporter_new() copies them). Their
 * number.
 */
size_t options_templates(const struct options *o, struct template_def *defs,
			 const struct template_def **tmpl);

/* Exporting processes: their number (at least 1), and the settings of
 * group g (export with that group's version, domain, MTU and refresh;
 * its templates as options_templates() makes them in defs). */
int options_ngroups(const struct options *o);
void options_group_export(const struct options *o, int g,
			  struct export_cfg *out, struct template_def *defs);

/*
 * The configuration the command line o means (options_parse() done, no
 * -f): one monitor "default", an exporter per --collector, a sampler,
 * the --record records and an interface block per --interface. The
 * caller frees it with config_free(); NULL after saying why on stderr.
 */
struct config *options_config(const struct options *o);

/*
 * --check-config without -f: "command line: configuration OK" on out and,
 * with dump, the configuration file of o as config_dump() writes it,
 * checked to read back. 0, or -1 after saying why on stderr.
 */
int options_print_config(const struct options *o, bool dump, FILE *out);

/*
 * Is interface i of o put into promiscuous mode? As set, else by the
 * capture's role: afxdp is for mirror ports, which receive frames for
 * other hosts; pcap and ebpf meter what a router's interface receives and
 * sends (a bridge: what the bridge itself receives, not bridged frames).
 */
bool options_promisc(const struct options *o, int i);

/*
 * --bgp-local-as, --bgp-router-id, --bgp-listen, --bgp-neighbor,
 * --bgp-hold-time, --bgp-stale-time, --bgp-wait-end-of-rib: setting (the
 * bgp block's word for it) of o->bgp from arg, the block begun with its
 * defaults at the first. 0, or 2 after saying what is wrong.
 */
int options_bgp(struct options *o, const char *setting, const char *arg);

/* --as origin|peer: the command line's exporters' v5 src_as/dst_as (and
 * IPFIX/v9 16, 17). 0, or 2 after saying what is wrong. */
int options_as(struct options *o, const char *arg);

/*
 * Once every option is read: the bgp block has what it must, and --as
 * is not given with -f (its exporters say it). 0, or 2 after saying why.
 */
int options_bgp_check(const struct options *o);

/*
 * -f: the command line's bgp block added to cfg, which must have none of
 * its own (an IOS running-config never has; an xflowd.conf may). 0, or
 * -1 after saying why on stderr.
 */
int options_bgp_merge(const struct options *o, struct config *cfg);

/* The bgp block in effect (-f's file, with the command line's merged, or
 * the command line's), NULL without one. */
const struct bgp_cfg *options_bgp_cfg(const struct options *o);

#endif
