/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * views.h - what xflowctl shows: a snapshot of the daemon's counters and
 * flows, and pure functions that render it as text (the layouts of IOS
 * `show ip cache flow` / `show ip flow export` and of Flexible NetFlow's
 * `show flow ...`) or as JSON. Nothing here touches the daemon, so every
 * view is golden-tested from a fixed snapshot (tests/unit/test_views.c).
 */
#ifndef XFLOWD_VIEWS_H
#define XFLOWD_VIEWS_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../export/export.h"
#include "../meter/capture.h"
#include "../meter/meter.h"

struct config;

/* A growing output buffer; oom is sticky and every append checks it. */
struct vbuf {
	char *p;
	size_t len, cap;
	bool oom;
};

void vb_printf(struct vbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void vb_puts(struct vbuf *b, const char *s);
/* s as a JSON string, quotes included */
void vb_json_str(struct vbuf *b, const char *s);
/* Forget the contents, keep the memory. */
void vb_reset(struct vbuf *b);
void vb_free(struct vbuf *b);

/*
 * The protocol classes of IOS's activity summary (by IP protocol and a
 * well-known port on either side), and the totals of the flows that left
 * the cache, per class and IP version.
 */
enum view_pclass {
	VP_TCP_TELNET,
	VP_TCP_FTP,
	VP_TCP_FTPD,
	VP_TCP_WWW,
	VP_TCP_SMTP,
	VP_TCP_X,
	VP_TCP_BGP,
	VP_TCP_NNTP,
	VP_TCP_OTHER,
	VP_UDP_DNS,
	VP_UDP_NTP,
	VP_UDP_TFTP,
	VP_UDP_OTHER,
	VP_ICMP,
	VP_IGMP,
	VP_IPINIP,
	VP_GRE,
	VP_IP_OTHER,
	VP_N
};

struct view_pstat {
	uint64_t flows, packets, octets;
	uint64_t active_ms; /* sum of last - first */
	uint64_t idle_ms;   /* sum of expiry time - last */
};

struct view_protos {
	struct view_pstat c[2][VP_N]; /* [ipver == 6][class] */
};

enum view_pclass view_pclass_of(uint8_t ipver, uint8_t proto, uint16_t sport,
				uint16_t dport);
const char *view_pclass_name(enum view_pclass c);

/* Add a flow leaving the cache at now_ns (the cache's clock). */
void view_protos_add(struct view_protos *p, const struct flow *f,
		     uint64_t now_ns);

/* One cached flow, copied out of the cache. */
struct view_flow {
	uint8_t ipver, proto, dir, tcp_flags, tos;
	uint8_t src[16], dst[16];
	uint16_t sport, dport;
	uint32_t ifindex;
	char ifname[16]; /* "" when unknown */
	uint64_t packets, octets, first_ns, last_ns;
	/* the routing fields the exporter would give it (export_route_of),
	 * when the monitor looks routes up (routed) */
	bool routed;
	struct export_route rt;
	/* the input and output interfaces (an egress point's output is the
	 * observed one, an ingress point's the route's): the IOS name of the
	 * alias (in_ios/out_ios, spelt out: "Serial1/0"), else the Linux
	 * name; "" when unknown */
	char in_if[32], out_if[32];
	bool in_ios, out_ios;
	/* show flow monitor NAME cache format ...: the index in the
	 * snapshot's tmpl[] of the record it is exported with (-1: none);
	 * the record's octets, as encoded, are the snapshot's recs */
	int tmpl;
};

/* A collector as the exporter views show it ("Flow Exporter"). */
struct view_collector {
	char name[96];	   /* as the user wrote it, or the exporter's */
	const char *descr; /* the exporter's description, or NULL */
	char dst[48];	   /* address, no port */
	uint16_t dst_port;
	char src[48];	   /* local address, "" while unknown */
	uint16_t src_port; /* 0 while unknown */
	bool tcp;
	bool up;       /* UDP: socket open; TCP: connected */
	int dscp, ttl; /* -1: unknown */
	struct collector_stats st;
	/* the destination as given (HOST:PORT[/PROTO]; -f: of the exporter
	 * named here, else NULL) */
	char dest[96];
	const char *exporter;
	/* TCP: octets and messages waiting to be sent */
	uint64_t queued_octets, queued_msgs;
	/* its exporting process's */
	int version;
	uint32_t domain_id, mtu, refresh_s, refresh_msgs;
	struct export_option_cfg opt[EXPORT_OPT_N]; /* option ... */
};

/* An observed interface ("show flow interface"). */
struct view_interface {
	char name[16];
	uint32_t ifindex;
	bool input, output;  /* directions metered */
	const char *capture; /* "pcap", "afxdp", "ebpf tc", "ebpf xdp", "file" */
	char ios[32];	     /* the IOS name its alias spells, or "" */
};

#define VIEW_MAX_IF 64

/*
 * Everything a view shows. The counters are sums over the workers' meters
 * and caches; flows may be a partial copy (the control socket walks the
 * caches a slice at a time) and is NULL for views that do not list them.
 */
struct view_snapshot {
	uint64_t now_ns;   /* daemon clock: packet time when reading a file */
	uint64_t start_ns; /* sysUpTime origin: statistics since then */
	bool live;

	struct meter_stats meter; /* includes the packet size histogram */
	uint64_t capture_drops;
	bool bpf; /* kst holds the BPF programs' counters */
	struct capture_kstats kst;
	struct capture_fstats fst; /* reading a file (!live): the file's */

	/* flow caches */
	uint64_t cache_bytes, entries, active, added, ager_polls;
	uint64_t high_watermark; /* most entries used since the last flush */
	uint64_t expired[6];	 /* by flow_end_reason */
	uint32_t active_s, inactive_s;
	struct view_protos protos;

	/* the exporting process */
	const char *monitor;	   /* name of the monitor (command line: one) */
	bool removed;		   /* by a reload: its counters, as kept */
	const char *monitor_descr; /* its description, or NULL */
	int version;		   /* 5, 9 or 10 */
	uint32_t domain_id, mtu, refresh_s, refresh_msgs;
	struct exporter_stats ex;
	size_t ncoll;
	struct view_collector coll[EXPORT_MAX_COLLECTORS];
	size_t ntmpl;
	const struct template_def *tmpl[EXPORT_MAX_TEMPLATES];
	const char *sampler; /* its name, or NULL (the command line's) */
	enum sampler_mode sample_mode;
	uint32_t sample_n; /* 1-in-N */

	uint8_t sampler_id;	   /* as exported (samplerId, selectorId) */
	const char *sampler_descr; /* the configuration's, or NULL */
	/* -f of an IOS configuration; the monitor traditional NetFlow's
	 * (ip flow ingress|egress) rather than Flexible NetFlow's */
	bool ios, traditional;
	const struct config *cfg; /* -f: the configuration running, or NULL */
	/* show sampler: this view lists too the samplers of cfg that no
	 * running monitor uses (bit i: cfg's sampler i is used), as IOS
	 * lists every sampler defined; the last monitor's view does */
	bool samplers_unused;
	uint32_t samplers_used;

	size_t nif;
	struct view_interface ifs[VIEW_MAX_IF];

	size_t nflows;
	struct view_flow *flows;
	/* VIEW_MONITOR_CACHE: the layout asked, and flow i's record as
	 * exported at recs + i * rec_stride (NULL: none encoded) */
	enum view_format {
		VF_RECORD, /* format record: a line per field */
		VF_TABLE,  /* format table: a column per field */
		VF_CSV,	   /* format csv */
	} format;
	const uint8_t *recs;
	size_t rec_stride;
};

enum view_id {
	VIEW_IP_CACHE,	     /* show ip cache flow */
	VIEW_IPV6_CACHE,     /* show ipv6 cache flow */
	VIEW_IP_EXPORT,	     /* show ip flow export */
	VIEW_FLOW_EXPORTER,  /* show flow exporter */
	VIEW_EXPORTER_STATS, /* show flow exporter statistics */
	VIEW_FLOW_MONITOR,   /* show flow monitor */
	VIEW_MONITOR_STATS,  /* show flow monitor statistics */
	VIEW_FLOW_INTERFACE, /* show flow interface */
	VIEW_FLOW_RECORD,    /* show flow record */
	VIEW_TEMPLATES,	     /* show templates */
	VIEW_STATISTICS,     /* show statistics */
	VIEW_IP_VERBOSE,     /* show ip cache verbose flow */
	VIEW_SAMPLER,	     /* show sampler */
	VIEW_IP_FLOW_IF,     /* show ip flow interface */
	VIEW_RUNNING,	     /* show running-config */
	VIEW_MONITOR_CACHE,  /* show flow monitor NAME cache format ... */
	VIEW_N
};

/* Does the view list the cached flows (of which IP version,
 * VIEW_IPVER_ANY: both)? 0: no. */
#define VIEW_IPVER_ANY 46
int view_flow_ipver(enum view_id v);

/*
 * A view in three parts so that the flow lines of a large cache can be
 * rendered a slice at a time: the head, the lines of flows[from, to) of
 * the view's IP version (others are skipped), and the tail. view_render()
 * is the three at once.
 */
void view_head(struct vbuf *b, const struct view_snapshot *s, enum view_id v,
	       bool json);
void view_flows(struct vbuf *b, const struct view_snapshot *s, enum view_id v,
		bool json, size_t from, size_t to);
void view_tail(struct vbuf *b, const struct view_snapshot *s, enum view_id v,
	       bool json);
void view_render(struct vbuf *b, const struct view_snapshot *s, enum view_id v,
		 bool json);

/* What a request line asks for. */
enum view_action {
	VA_SHOW,
	VA_FLUSH,
	VA_RELOAD,
	VA_BGP_SUMMARY, /* show bgp summary (issue 17) */
	VA_BGP_ROUTE,	/* show ip bgp ADDRESS: arg */
};

struct view_req {
	enum view_action action;
	enum view_id view; /* VA_SHOW */
	bool json;	   /* the line ended in "| json" */
	/* "show flow monitor [name] NAME [statistics|cache]": that monitor
	 * only ("": every monitor) */
	char monitor[64];
	char arg[64];		 /* VA_BGP_ROUTE: the address */
	enum view_format format; /* VIEW_MONITOR_CACHE */
};

/*
 * Parse a request line ("show ip cache flow", "sh ip ca fl | json",
 * "flush"): IOS-style, every word may be shortened to a unique prefix.
 * Flexible NetFlow's "show flow monitor [name] NAME" names one monitor:
 * alone or with "statistics" its views, with "cache" its cache (as show
 * ip cache flow), with "cache format table|record|csv" its cache in the
 * fields of its record (VIEW_MONITOR_CACHE).
 * 0, or -1 with an IOS-style message ("% Invalid input ...") in err.
 */
int view_parse(const char *line, struct view_req *req, char *err,
	       size_t errlen);

/* internal: the parts of the views, one file per family */
void view_ios_head(struct vbuf *b, const struct view_snapshot *s,
		   enum view_id v, bool json);
void view_ios_flows(struct vbuf *b, const struct view_snapshot *s,
		    enum view_id v, bool json, size_t from, size_t to);
void view_ios_tail(struct vbuf *b, const struct view_snapshot *s,
		   enum view_id v, bool json);
void view_fnf(struct vbuf *b, const struct view_snapshot *s, enum view_id v,
	      bool json);
void view_stats(struct vbuf *b, const struct view_snapshot *s, bool json);
/* the cache and aged-flow lines of show flow monitor NAME statistics and
 * cache (views_fnf.c), with or without the high watermark */
void view_monitor_cache_lines(struct vbuf *b, const struct view_snapshot *s,
			      bool watermark);
/* show flow monitor NAME cache format ... (views_cache.c) */
void view_cache_head(struct vbuf *b, const struct view_snapshot *s, bool json);
void view_cache_flows(struct vbuf *b, const struct view_snapshot *s, bool json,
		      size_t from, size_t to);
void view_cache_tail(struct vbuf *b, const struct view_snapshot *s, bool json);

/*
 * `show statistics --json` of a set of monitors (n of them): the sums,
 * each monitor's share ("monitors") and every collector, each counter
 * under the one name README's "Counters" lists. One monitor's is what
 * xflowctl shows; every monitor's, running and removed, is --stats-file.
 * pretty: a line per top-level member, ": " and ", " (the stats file's
 * layout); else compact.
 */
void view_stats_json(struct vbuf *b, const struct view_snapshot *const *set,
		     size_t n, bool pretty);
/* the views of the configuration (views_cfg.c) */
void view_cfg(struct vbuf *b, const struct view_snapshot *s, enum view_id v,
	      bool json);
/* "NetFlow Version 9" and the like */
const char *view_version_name(int version);
/* seconds of s->now_ns - s->start_ns, at least 1 */
double view_uptime_s(const struct view_snapshot *s);
void view_addr(char *out, size_t len, uint8_t ipver, const uint8_t *a);

#endif
