/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * config.h - the configuration file (xflowd.conf(5)): Flexible NetFlow's
 * exporter, sampler, record, monitor and interface blocks, parsed and
 * validated into fixed-size arrays with every reference resolved to an
 * index and every default filled in.
 *
 * Every error names FILE:LINE and says what to do; a file's errors are
 * collected (up to CFG_MAX_ERRORS) like a compiler's, not only the first.
 */
#ifndef XFLOWD_CONFIG_H
#define XFLOWD_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../bgp/speaker.h"
#include "../meter/sampler.h"
#include "../templates/templates.h"
#include "options.h"
#include "settings.h"

/* Limits; going past one is an error at the line that does. */
#define CFG_FILE_MAX (1024 * 1024) /* octets in a file */
#define CFG_LINE_MAX 1024	   /* octets in a line, newline excluded */
#define CFG_NAME_MAX 64		   /* block names: 1..63 octets */
#define CFG_IFNAME_MAX 16	   /* IFNAMSIZ: interface names 1..15 */
#define CFG_HOST_MAX 254	   /* destination: 1..253 octets */
#define CFG_SOURCE_MAX 46	   /* an IPv6 address, or IFNAMSIZ - 1 */
#define CFG_DESC_MAX 256	   /* description: up to 255 octets */
#define CFG_MAX_EXPORTERS 16
#define CFG_MAX_SAMPLERS 16
#define CFG_MAX_RECORDS 32
#define CFG_MAX_MONITORS 16
#define CFG_MAX_INTERFACES 64
#define CFG_MAX_RECORD_ELEMS TEMPLATE_MAX_ELEM	 /* match + collect elements */
#define CFG_MAX_MON_FORMATS EXPORT_MAX_TEMPLATES /* template + record */
#define CFG_MAX_MON_EXPORTERS EXPORT_MAX_COLLECTORS /* as --collector */
#define CFG_MAX_ERRORS 20 /* kept; parsing stops at the next one */
#define CFG_MSG_MAX 512	  /* octets of one message, FILE:LINE: included */

/* The defaults and the limits of the settings: settings.h */

enum cfg_transport {
	CFG_UDP,
	CFG_TCP,
};

enum cfg_host {
	CFG_HOST_IPV4, /* addr[0..4) */
	CFG_HOST_IPV6, /* addr[0..16) */
	CFG_HOST_NAME, /* resolved when the exporter is set up */
};

enum cfg_dir {
	CFG_INPUT,  /* received packets; flowDirection 0 */
	CFG_OUTPUT, /* sent packets; flowDirection 1 */
	CFG_NDIR,
};

struct cfg_exporter {
	char name[CFG_NAME_MAX];
	char description[CFG_DESC_MAX];
	char destination[CFG_HOST_MAX]; /* as written, brackets removed */
	enum cfg_host host;
	uint8_t addr[16];
	enum cfg_transport transport;
	uint16_t port;
	uint16_t source_port; /* 0: any */
	/* source IFNAME|ADDRESS: send from that interface's address (or
	 * that address); "": any */
	char source[CFG_SOURCE_MAX];
	uint8_t source_ver; /* source is an address: 4 or 6; 0: an interface */
	int version;	    /* 5, 9 or 10 (IPFIX) */
	uint32_t domain_id; /* v9 source id, IPFIX domain, v5 engine */
	uint32_t refresh_s; /* template refresh by time; 0: never */
	uint32_t refresh_packets; /* ... and every N messages; 0: never */
	uint32_t mtu;
	uint32_t resolve_s; /* look the destination up again; 0: no */
	/* option interface-table | exporter-stats | sampler-table [timeout
	 * SEC], or 'no option ...' (off); indexed by enum export_option */
	struct export_option_cfg option[EXPORT_OPT_N];
	uint8_t as; /* enum export_as: v5 src_as/dst_as (issue 17) */
	/* IOS's 'ip flow-export version 5|9 ... bgp-nexthop': v9's record
	 * has the BGP next hop (v5 has no field for it); kept to be
	 * written back as given */
	bool bgp_nexthop;
	/* the export packets' DSCP (0-63) and TTL or hop limit (0: the
	 * system's) */
	uint16_t dscp, ttl;
	/* rate-limit N [burst N] [queue N]: pacing; rate 0: none */
	struct export_pace_cfg pace;
	/* a command line's (config.cmdline): --collector as spelled, in
	 * argv, named so in messages and views; NULL in a file */
	const char *spec;
	unsigned int line; /* of the 'exporter' line */
};

struct cfg_sampler {
	char name[CFG_NAME_MAX];
	char description[CFG_DESC_MAX];
	enum sampler_mode mode; /* SAMPLER_RANDOM or SAMPLER_DETERMINISTIC */
	uint32_t interval;	/* 1 out-of N */
	unsigned int line;
};

/* A user-defined template: Flexible NetFlow's match (key) and collect. */
struct cfg_record {
	char name[CFG_NAME_MAX];
	char description[CFG_DESC_MAX];
	uint8_t nelem;
	uint8_t nkey; /* elem[0..nkey) are 'match', the rest 'collect' */
	uint8_t elem[CFG_MAX_RECORD_ELEMS]; /* enum ie_index, wire order */
	uint8_t ipver;	 /* 4 or 6 from its addresses; 0: either */
	uint8_t tunnel;	 /* outer IP version of tunnel elements, or 0 */
	bool pppac;	 /* has pppac elements */
	bool enterprise; /* has PEN 770 elements: IPFIX only */
	unsigned int line;
};

/* One 'template' or 'record' line of a monitor, in the order written:
 * a flow goes out with the first that fits it. */
struct cfg_format {
	const struct template_def *tmpl; /* predefined, or NULL */
	int record;			 /* index in config.record, or -1 */
	unsigned int line;
};

struct cfg_monitor {
	char name[CFG_NAME_MAX];
	char description[CFG_DESC_MAX];
	int nformat;
	struct cfg_format format[CFG_MAX_MON_FORMATS];
	uint32_t cache_entries;
	uint32_t active_s;
	uint32_t inactive_s;
	int nexporter;
	int exporter[CFG_MAX_MON_EXPORTERS]; /* indices in config.exporter */
	int sampler; /* index in config.sampler, or -1: every packet */
	/* v1, v5, v7 (IPv4 only) without an IPv6 template of their own (the
	 * default formats): IPv6 flows are metered with ipv6-five-tuple and
	 * counted skipped by the exporter (vN_skipped_ipv6), as the command
	 * line's; the rule of the model, not written in a file (a dump
	 * reads back without it: config_monitor_equal() leaves it aside) */
	bool skip_ipv6;
	unsigned int line;
};

struct cfg_interface {
	char name[CFG_IFNAME_MAX];
	char description[CFG_DESC_MAX];
	int monitor[CFG_NDIR]; /* index in config.monitor, or -1 */
	unsigned int monitor_line[CFG_NDIR];
	enum capture_kind capture;
	enum ebpf_hook ebpf_hook; /* capture ebpf: tc (default) or xdp */
	int8_t promisc; /* promiscuous on (1), off (0); -1: the capture's */
	unsigned int line;
};

#define CFG_MAX_SKIPPED 64 /* IOS lines not about flows, listed */

/* The dialect of a file: xflowd.conf(5), or the NetFlow part of an IOS
 * configuration (config_ios.c); CFG_AUTO tells them by their content. */
enum cfg_dialect {
	CFG_AUTO,
	CFG_XFLOWD,
	CFG_IOS,
};

struct config {
	char file[256];		  /* as messages name it */
	enum cfg_dialect dialect; /* CFG_XFLOWD or CFG_IOS as read */
	/* built by options_config() from a command line: its messages and
	 * views speak of the command line (--collector ...), not of a file */
	bool cmdline;
	/* IOS: the lines that are not about flows, skipped; the first
	 * CFG_MAX_SKIPPED listed by their line and first words */
	unsigned int nskipped;
	struct {
		unsigned int line;
		char text[48];
	} skipped[CFG_MAX_SKIPPED];
	int nexporter, nsampler, nrecord, nmonitor, ninterface;
	struct cfg_exporter exporter[CFG_MAX_EXPORTERS];
	struct cfg_sampler sampler[CFG_MAX_SAMPLERS];
	struct cfg_record record[CFG_MAX_RECORDS];
	struct cfg_monitor monitor[CFG_MAX_MONITORS];
	struct cfg_interface interface[CFG_MAX_INTERFACES];
	struct bgp_cfg bgp; /* the bgp block; .enabled when there is one */
	unsigned int bgp_line;
};

/* The messages of a file that did not parse, sorted by line. */
struct config_errors {
	char file[256];
	unsigned int count; /* kept in msg[] */
	bool truncated;	    /* stopped after CFG_MAX_ERRORS */
	unsigned int line[CFG_MAX_ERRORS];
	char msg[CFG_MAX_ERRORS][CFG_MSG_MAX]; /* "FILE:LINE: what to do" */
};

/*
 * Read, parse and validate the file at path. Returns a configuration the
 * caller frees with config_free(), or NULL with the reasons in err
 * (err->count == 0 only when out of memory).
 */
struct config *config_load(const char *path, struct config_errors *err);

/* The same for len octets of text; name is the file messages name. */
struct config *config_parse(const char *name, const char *text, size_t len,
			    struct config_errors *err);

/* The same in a dialect given, or told by the content (CFG_AUTO). */
struct config *config_load_dialect(const char *path, enum cfg_dialect d,
				   struct config_errors *err);
struct config *config_parse_dialect(const char *name, const char *text,
				    size_t len, enum cfg_dialect d,
				    struct config_errors *err);

/* Accepts NULL. */
void config_free(struct config *cfg);

/* A copy of cfg for config_free(), or NULL on ENOMEM. */
struct config *config_copy(const struct config *cfg);

/* Is monitor m attached to an interface, in either direction? */
bool config_monitor_used(const struct config *cfg, int m);

/* Print err's messages, one a line, and a last one if it stopped early. */
void config_errors_print(const struct config_errors *err, FILE *f);

/*
 * Write cfg as a configuration file with every default spelled out and
 * each block's source line in a comment; parsing it gives an equal
 * configuration.
 */
void config_dump(const struct config *cfg, FILE *f);

/* Index of the block called name, or -1. */
int config_find_monitor(const struct config *cfg, const char *name);
int config_find_interface(const struct config *cfg, const char *name);

/*
 * Would monitor ma of a and monitor mb of b meter and export the same
 * flows the same way? Compares the monitor with its records, exporters
 * and sampler by value (names of blocks and descriptions aside), so a
 * reload can keep the cached flows of a monitor for which this is true.
 * skip_ipv6 aside: the export is the same; a reload compares it.
 */
bool config_monitor_equal(const struct config *a, int ma,
			  const struct config *b, int mb);

/* The same for an interface: name, capture and monitors by name. */
bool config_interface_equal(const struct config *a, int ia,
			    const struct config *b, int ib);

/*
 * Describe record r as a template the meter and the exporter walk like a
 * predefined one, its 'match' elements in t->keymask. t->elem points into
 * r: valid while r is.
 */
void config_record_template(const struct cfg_record *r, struct template_def *t);

#endif
