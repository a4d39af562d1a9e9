// SPDX-License-Identifier: BSD-2-Clause
/*
 * test_views.c - xflowctl's views from a fixed snapshot: each text view
 * against its golden file in the IOS / Flexible NetFlow layout
 * (tests/golden/NAME.txt) and each JSON view against NAME.json, which must
 * also be valid JSON. Also: the request grammar, the protocol classes,
 * the packet size bins, and that rendering the flows a slice at a time
 * gives the same output as rendering them at once.
 *
 * GOLDEN_UPDATE=1 rewrites the golden files (then review the diff).
 * GOLDEN_DIR overrides tests/golden (run from the repository root).
 */
#include <arpa/inet.h>
#include <check.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "control/views.h"

#define T0 1700000000000000000ull /* the snapshot's start */
#define SEC 1000000000ull

static struct view_flow flows[5];

static void v4(uint8_t *a, const char *s)
{
	ck_assert_int_eq(inet_pton(AF_INET, s, a), 1);
}

static void v6(uint8_t *a, const char *s)
{
	ck_assert_int_eq(inet_pton(AF_INET6, s, a), 1);
}

static struct flow mkflow(uint8_t ipver, const char *src, const char *dst,
			  uint8_t proto, uint16_t sport, uint16_t dport,
			  uint64_t pkts, uint64_t octets, uint64_t first_s,
			  uint64_t last_s)
{
	struct flow f;

	memset(&f, 0, sizeof(f));
	f.key.ipver = ipver;
	(ipver == 6 ? v6 : v4)(f.key.src, src);
	(ipver == 6 ? v6 : v4)(f.key.dst, dst);
	f.key.proto = proto;
	f.key.sport = sport;
	f.key.dport = dport;
	f.packets = pkts;
	f.octets = octets;
	f.first_ns = T0 + first_s * SEC;
	f.last_ns = T0 + last_s * SEC;
	return f;
}

static void vflow(struct view_flow *v, const struct flow *f, const char *ifn,
		  uint32_t ifindex, uint8_t dir)
{
	memset(v, 0, sizeof(*v));
	v->ipver = f->key.ipver;
	v->proto = f->key.proto;
	v->dir = dir;
	memcpy(v->src, f->key.src, 16);
	memcpy(v->dst, f->key.dst, 16);
	v->sport = f->key.sport;
	v->dport = f->key.dport;
	v->ifindex = ifindex;
	snprintf(v->ifname, sizeof(v->ifname), "%s", ifn);
	v->packets = f->packets;
	v->octets = f->octets;
	v->first_ns = f->first_ns;
	v->last_ns = f->last_ns;
	v->tcp_flags = f->tcp_flags;
}

/* A daemon two minutes into a capture, exporting v9 to two collectors. */
static void snapshot(struct view_snapshot *s)
{
	struct flow f;
	int i;

	memset(s, 0, sizeof(*s));
	s->start_ns = T0;
	s->now_ns = T0 + 125 * SEC;
	s->live = true;

	s->meter.packets = 1327;
	s->meter.metered = 1280;
	s->meter.octets = 402113;
	s->meter.non_ip = 31;
	s->meter.malformed[1] = 9;
	s->meter.malformed[PARSE_NERR] = 7;
	s->meter.tunnelled = 12;
	s->meter.nofit[NOFIT_TUNNEL] = 0;
	s->capture_drops = 3;
	/* 1180 IPv4 packets: 64 .. 1536 octets; 100 IPv6 */
	s->meter.sizes[0][meter_size_bin(30)] = 300;
	s->meter.sizes[0][meter_size_bin(64)] = 211;
	s->meter.sizes[0][meter_size_bin(100)] = 47;
	s->meter.sizes[0][meter_size_bin(576)] = 22;
	s->meter.sizes[0][meter_size_bin(1500)] = 600;
	s->meter.sizes[1][meter_size_bin(1280)] = 100;

	s->cache_bytes = 4456704;
	s->entries = 65536;
	s->active = 4;
	s->added = 46;
	s->ager_polls = 719;
	s->expired[FLOW_END_IDLE] = 35;
	s->expired[FLOW_END_ACTIVE] = 2;
	s->expired[FLOW_END_OF_FLOW] = 4;
	s->expired[FLOW_END_FORCED] = 1;
	s->active_s = 1800;
	s->inactive_s = 15;

	/* the flows that left the cache, expired at 120 s */
	f = mkflow(4, "192.0.2.1", "198.51.100.7", 6, 40000, 80, 12, 9000, 3,
		   10);
	view_protos_add(&s->protos, &f, T0 + 120 * SEC);
	f = mkflow(4, "192.0.2.1", "198.51.100.7", 6, 40001, 80, 20, 16000, 5,
		   30);
	view_protos_add(&s->protos, &f, T0 + 120 * SEC);
	f = mkflow(4, "192.0.2.9", "198.51.100.53", 17, 53001, 53, 1, 71, 40,
		   40);
	view_protos_add(&s->protos, &f, T0 + 120 * SEC);
	f = mkflow(4, "192.0.2.9", "198.51.100.1", 1, 0, 0x0800, 4, 336, 50,
		   53);
	view_protos_add(&s->protos, &f, T0 + 120 * SEC);
	f = mkflow(6, "2001:db8::1", "2001:db8::2", 58, 0, 0x8000, 3, 312, 60,
		   62);
	view_protos_add(&s->protos, &f, T0 + 120 * SEC);

	s->monitor = "default";
	s->version = 9;
	s->domain_id = 1;
	s->mtu = 1500;
	s->refresh_s = 1800;
	s->refresh_msgs = 20;
	s->ex.flows = 42;
	s->ncoll = 2;
	snprintf(s->coll[0].name, sizeof(s->coll[0].name), "127.0.0.1:9995");
	snprintf(s->coll[0].dst, sizeof(s->coll[0].dst), "127.0.0.1");
	s->coll[0].dst_port = 9995;
	snprintf(s->coll[0].src, sizeof(s->coll[0].src), "127.0.0.1");
	s->coll[0].src_port = 41234;
	s->coll[0].up = true;
	s->coll[0].dscp = 0;
	s->coll[0].ttl = 64;
	s->coll[0].st.messages = 23;
	s->coll[0].st.data_records = 42;
	s->coll[0].st.options_records = 6;
	s->coll[0].st.templates = 4;
	s->coll[0].st.octets = 5120;
	s->coll[0].st.send_errors = 1;
	s->coll[0].st.refused = 1;
	s->coll[0].st.err[TX_ERR_REFUSED] = 1;
	s->coll[0].st.refused_records = 2;
	snprintf(s->coll[1].name, sizeof(s->coll[1].name),
		 "[2001:db8::10]:4739/tcp");
	snprintf(s->coll[1].dst, sizeof(s->coll[1].dst), "2001:db8::10");
	s->coll[1].dst_port = 4739;
	s->coll[1].tcp = true;
	s->coll[1].descr = "backup collector, \"TCP\"";
	s->coll[1].dscp = -1;
	s->coll[1].ttl = -1;
	s->coll[1].st.connect_attempts = 3;
	s->coll[1].st.connect_failures = 3;
	s->coll[1].st.err[TX_ERR_CONNECTION] = 3;
	s->coll[1].st.send_errors = 3;
	for (i = 0; i < 2; i++) {
		/* both of the one exporting process */
		s->coll[i].version = s->version;
		s->coll[i].domain_id = s->domain_id;
		s->coll[i].mtu = s->mtu;
		s->coll[i].refresh_s = s->refresh_s;
		s->coll[i].refresh_msgs = s->refresh_msgs;
	}
	s->ntmpl = 2;
	s->tmpl[0] = template_find("ipv4-five-tuple");
	s->tmpl[1] = template_find("ipv6-five-tuple");
	ck_assert_ptr_nonnull(s->tmpl[0]);
	ck_assert_ptr_nonnull(s->tmpl[1]);

	s->nif = 2;
	snprintf(s->ifs[0].name, sizeof(s->ifs[0].name), "eth0");
	s->ifs[0].ifindex = 2;
	s->ifs[0].input = true;
	s->ifs[0].capture = "pcap";
	snprintf(s->ifs[1].name, sizeof(s->ifs[1].name), "eth1");
	s->ifs[1].ifindex = 3;
	s->ifs[1].input = s->ifs[1].output = true;
	s->ifs[1].capture = "ebpf tc";

	/* in the cache now: three IPv4 flows (one egress), two IPv6 */
	f = mkflow(4, "192.0.2.1", "198.51.100.7", 6, 40002, 443, 5, 2100, 110,
		   124);
	vflow(&flows[0], &f, "eth0", 2, 0);
	f = mkflow(6, "2001:db8::1", "2001:db8::2", 17, 5353, 5353, 2, 400, 100,
		   101);
	vflow(&flows[1], &f, "eth1", 3, 0);
	f = mkflow(4, "10.1.1.5", "157.240.1.1", 17, 50000, 123, 3, 228, 111,
		   119);
	vflow(&flows[2], &f, "eth1", 3, 1);
	f = mkflow(4, "192.0.2.9", "198.51.100.1", 1, 0, 0x0303, 1, 56, 123,
		   123);
	vflow(&flows[3], &f, "", 0, 0);
	f = mkflow(6, "2001:db8:0:1::99", "2001:db8:ffff::1", 6, 443, 51000,
		   1100, 1500000, 90, 125);
	vflow(&flows[4], &f, "eth0", 2, 0);
	s->flows = flows;
	s->nflows = 5;
}

/* A JSON validator: enough of RFC 8259 to reject what a bug would make
 * (missing commas, trailing commas, bad escapes, unbalanced brackets). */
static const char *jvalue(const char *p, int depth);

static const char *jws(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	return p;
}

static const char *jstring(const char *p)
{
	if (*p++ != '"')
		return NULL;
	while (*p && *p != '"') {
		if ((unsigned char)*p < 0x20)
			return NULL;
		if (*p == '\\') {
			p++;
			if (*p == 'u') {
				int i;

				for (i = 1; i <= 4; i++)
					if (!isxdigit((unsigned char)p[i]))
						return NULL;
				p += 4;
			} else if (!strchr("\"\\/bfnrt", *p) || !*p) {
				return NULL;
			}
		}
		p++;
	}
	return *p == '"' ? p + 1 : NULL;
}

static const char *jnumber(const char *p)
{
	const char *s = p;

	if (*p == '-')
		p++;
	if (*p == '0')
		p++;
	else if (isdigit((unsigned char)*p))
		while (isdigit((unsigned char)*p))
			p++;
	else
		return NULL;
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p))
			return NULL;
		while (isdigit((unsigned char)*p))
			p++;
	}
	return p > s ? p : NULL;
}

static const char *jcontainer(const char *p, int depth, char close, bool obj)
{
	p = jws(p + 1);
	if (*p == close)
		return p + 1;
	for (;;) {
		if (obj) {
			p = jstring(p);
			if (!p)
				return NULL;
			p = jws(p);
			if (*p++ != ':')
				return NULL;
		}
		p = jvalue(jws(p), depth + 1);
		if (!p)
			return NULL;
		p = jws(p);
		if (*p == close)
			return p + 1;
		if (*p++ != ',')
			return NULL;
		p = jws(p);
	}
}

static const char *jvalue(const char *p, int depth)
{
	if (depth > 32)
		return NULL;
	switch (*p) {
	case '{':
		return jcontainer(p, depth, '}', true);
	case '[':
		return jcontainer(p, depth, ']', false);
	case '"':
		return jstring(p);
	case 't':
		return strncmp(p, "true", 4) ? NULL : p + 4;
	case 'f':
		return strncmp(p, "false", 5) ? NULL : p + 5;
	case 'n':
		return strncmp(p, "null", 4) ? NULL : p + 4;
	default:
		return jnumber(p);
	}
}

static bool json_valid(const char *s)
{
	const char *p = jvalue(jws(s), 0);

	return p && *jws(p) == 0;
}

static const char *golden_dir(void)
{
	const char *d = getenv("GOLDEN_DIR");

	return d && *d ? d : "tests/golden";
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	ck_assert_ptr_nonnull(buf);
	ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = 0;
	fclose(f);
	return buf;
}

/* The first line where a and b differ, for the failure message. */
static void first_diff(const char *a, const char *b, char *out, size_t len)
{
	int line = 1;
	const char *la = a, *lb = b;

	while (*a && *a == *b) {
		if (*a == '\n') {
			line++;
			la = a + 1;
			lb = b + 1;
		}
		a++;
		b++;
	}
	snprintf(out, len, "line %d:\n  got:    %.*s\n  golden: %.*s", line,
		 (int)strcspn(la, "\n"), la, (int)strcspn(lb, "\n"), lb);
}

static void golden(const char *name, const char *got)
{
	char path[512], msg[1024];
	char *want;

	snprintf(path, sizeof(path), "%s/%s", golden_dir(), name);
	if (getenv("GOLDEN_UPDATE")) {
		FILE *f = fopen(path, "w");

		ck_assert_ptr_nonnull(f);
		fputs(got, f);
		fclose(f);
		return;
	}
	want = slurp(path);
	ck_assert_msg(want != NULL, "%s: missing (GOLDEN_UPDATE=1 makes it)",
		      path);
	if (strcmp(got, want) != 0) {
		first_diff(got, want, msg, sizeof(msg));
		ck_abort_msg("%s differs at %s", path, msg);
	}
	free(want);
}

static const struct {
	enum view_id v;
	const char *name;
} views[] = {
	{ VIEW_IP_CACHE, "ip_cache_flow" },
	{ VIEW_IPV6_CACHE, "ipv6_cache_flow" },
	{ VIEW_IP_EXPORT, "ip_flow_export" },
	{ VIEW_FLOW_EXPORTER, "flow_exporter" },
	{ VIEW_EXPORTER_STATS, "flow_exporter_statistics" },
	{ VIEW_FLOW_MONITOR, "flow_monitor" },
	{ VIEW_MONITOR_STATS, "flow_monitor_statistics" },
	{ VIEW_FLOW_INTERFACE, "flow_interface" },
	{ VIEW_FLOW_RECORD, "flow_record" },
	{ VIEW_TEMPLATES, "templates" },
	{ VIEW_STATISTICS, "statistics" },
};
#define NVIEWS (sizeof(views) / sizeof(views[0]))

START_TEST(golden_text)
{
	struct view_snapshot s;
	struct vbuf b = { 0 };
	char name[64];

	snapshot(&s);
	view_render(&b, &s, views[_i].v, false);
	ck_assert(!b.oom);
	ck_assert_ptr_nonnull(b.p);
	snprintf(name, sizeof(name), "%s.txt", views[_i].name);
	golden(name, b.p);
	vb_free(&b);
}
END_TEST

/* Records the rate limit's full queue dropped are never silent: Cisco's
 * "failed to send" counts them, and each view names them. */
START_TEST(paced_records_shown)
{
	struct view_snapshot s;
	struct vbuf b = { 0 };

	snapshot(&s);
	s.coll[0].st.paced_records = 7;
	s.ex.pace_sent = 35;
	s.ex.pace_dropped = 7;
	s.ex.pace_peak = 30;
	view_render(&b, &s, VIEW_EXPORTER_STATS, false);
	ck_assert_ptr_nonnull(b.p);
	ck_assert_ptr_nonnull(strstr(b.p, "Records added:           49\n"));
	ck_assert_ptr_nonnull(strstr(b.p, "- sent:                40\n"));
	ck_assert_ptr_nonnull(strstr(b.p, "- failed to send:      9\n"));
	ck_assert_ptr_nonnull(strstr(b.p, "- rate-limit queue full: 7\n"));
	vb_free(&b);
	memset(&b, 0, sizeof(b));
	view_render(&b, &s, VIEW_STATISTICS, false);
	ck_assert_ptr_nonnull(b.p);
	ck_assert_ptr_nonnull(strstr(b.p, "Records the rate limit's full queue "
					  "dropped"));
	ck_assert_ptr_nonnull(strstr(b.p, "Flows its full queue dropped"));
	vb_free(&b);
	memset(&b, 0, sizeof(b));
	view_render(&b, &s, VIEW_STATISTICS, true);
	ck_assert_ptr_nonnull(strstr(b.p, "\"paced_records\":7,"));
	ck_assert_ptr_nonnull(strstr(b.p, "\"paced_dropped\":7,"));
	vb_free(&b);
}
END_TEST

START_TEST(golden_json)
{
	struct view_snapshot s;
	struct vbuf b = { 0 };
	char name[64];

	snapshot(&s);
	view_render(&b, &s, views[_i].v, true);
	ck_assert(!b.oom);
	ck_assert_msg(json_valid(b.p), "%s: not JSON:\n%s", views[_i].name,
		      b.p);
	/* one object on one line */
	ck_assert_ptr_eq(strchr(b.p, '\n'), b.p + b.len - 1);
	snprintf(name, sizeof(name), "%s.json", views[_i].name);
	golden(name, b.p);
	vb_free(&b);
}
END_TEST

/* A view of s, text or JSON, against its golden file. */
struct golden_view {
	enum view_id v;
	bool json;
	const char *name;
};

static void golden_views(const struct view_snapshot *s,
			 const struct golden_view *g, size_t n)
{
	struct vbuf b = { 0 };
	size_t i;

	for (i = 0; i < n; i++) {
		vb_reset(&b);
		view_render(&b, s, g[i].v, g[i].json);
		ck_assert(!b.oom);
		ck_assert(!g[i].json || json_valid(b.p));
		golden(g[i].name, b.p);
	}
	vb_free(&b);
}

/*
 * Exporters of one monitor that differ (-f): the TCP collector an IPFIX
 * process of domain 7 beside the v9 one. Each collector's templates are
 * its process's; show ip flow export names both versions.
 */
START_TEST(two_processes)
{
	static const struct golden_view g[] = {
		{ VIEW_IP_EXPORT, false, "ip_flow_export_two.txt" },
		{ VIEW_TEMPLATES, false, "templates_two.txt" },
		{ VIEW_TEMPLATES, true, "templates_two.json" },
		{ VIEW_FLOW_EXPORTER, false, "flow_exporter_two.txt" },
	};
	struct view_snapshot s;

	snapshot(&s);
	s.coll[1].version = 10;
	s.coll[1].domain_id = 7;
	s.coll[1].refresh_s = 600;
	s.coll[1].refresh_msgs = 0;
	/* its options: the statistics off, the interface table timed */
	s.coll[1].opt[EXPORT_OPT_STATS].off = true;
	s.coll[1].opt[EXPORT_OPT_IFTABLE].timeout_s = 300;
	golden_views(&s, g, sizeof(g) / sizeof(g[0]));
}
END_TEST

/*
 * NetFlow v7 and v1 collectors (issue 16: 'ip flow-export version 1|7'):
 * show ip flow export says "v7 and v1", show flow exporter "NetFlow
 * Version 7/1" with no template and no options.
 */
START_TEST(fixed_versions)
{
	static const struct golden_view g[] = {
		{ VIEW_IP_EXPORT, false, "ip_flow_export_v7v1.txt" },
		{ VIEW_FLOW_EXPORTER, false, "flow_exporter_v7v1.txt" },
		{ VIEW_FLOW_EXPORTER, true, "flow_exporter_v7v1.json" },
	};
	struct view_snapshot s;

	snapshot(&s);
	s.version = 7;
	s.coll[0].version = 7;
	s.coll[1].version = 1;
	golden_views(&s, g, sizeof(g) / sizeof(g[0]));
}
END_TEST

/*
 * --stats-file: the statistics of a set of monitors from the renderer of
 * show statistics --json. A running monitor reading a file with eBPF-like
 * kernel counters and one a reload removed: the sums, each monitor's
 * share, the running one's collectors, the file's counters once, and the
 * file's layout (a line per member, ": ", ", ").
 */
START_TEST(stats_of_a_set)
{
	struct view_snapshot *a = calloc(2, sizeof(*a)), *r = a + 1;
	const struct view_snapshot *set[2] = { a, r };
	struct vbuf b = { 0 }, one = { 0 };

	ck_assert_ptr_nonnull(a);
	snapshot(a);
	a->live = false;
	a->fst.unknown_interface = 2;
	a->bpf = true;
	a->kst.ncpu = 2;
	a->kst.ring_full = 5;
	a->kst.ring_full_cpu[1] = 5;
	a->kst.own_export = 11;
	snprintf(a->coll[0].dest, sizeof(a->coll[0].dest), "[::1]:9995/udp");
	a->coll[0].exporter = "NF-COLLECTOR";
	a->coll[1].queued_octets = 1400;
	a->coll[1].queued_msgs = 2;

	r->removed = true;
	r->monitor = "OLD";
	r->live = false;
	r->fst.unknown_interface = 2; /* the same file: counted once */
	r->meter.packets = 100;
	r->meter.metered = 90;
	r->meter.sampled_out = 10;
	r->meter.octets = 9000;
	r->added = 7;
	r->expired[FLOW_END_FORCED] = 7;
	r->ex.flows = 7;

	view_stats_json(&b, set, 2, true);
	ck_assert(!b.oom);
	ck_assert(json_valid(b.p));
	golden("stats_file.json", b.p);
	/* one monitor's is xflowctl's, compact */
	view_stats_json(&one, set, 1, false);
	view_render(&b, a, VIEW_STATISTICS, true);
	ck_assert_ptr_nonnull(strstr(b.p, one.p));
	vb_free(&b);
	vb_free(&one);
	free(a);
}
END_TEST

/*
 * The lab router of issue 16 with its routing table: the peer's ping to
 * the router itself (Local), a flow routed out of FastEthernet0/0 with
 * the BGP ASes and next hop of issue 17, one to a destination with no
 * route (Null), and the egress flow as observed.
 */
static struct view_flow lab[6];

static void lab_snapshot(struct view_snapshot *s)
{
	struct view_flow *t = &lab[0], *p = &lab[5];
	struct flow f;

	snapshot(s);
	memcpy(lab, flows, sizeof(flows));
	snprintf(t->in_if, sizeof(t->in_if), "Serial1/0");
	t->in_ios = true;
	snprintf(t->out_if, sizeof(t->out_if), "FastEthernet0/0");
	t->out_ios = true;
	t->tos = 0x80;
	t->tcp_flags = 0x1b;
	t->routed = true;
	t->rt.src_mask = 24;
	t->rt.dst_mask = 24;
	t->rt.src_as = 64500;
	t->rt.dst_as = 64511;
	t->rt.out_if = 3;
	t->rt.nexthop_ver = 4;
	v4(t->rt.nexthop, "10.0.1.2");
	t->rt.bgp_nexthop_ver = 4;
	v4(t->rt.bgp_nexthop, "192.0.2.254");
	lab[3].routed = true; /* no route: Null */
	/* the egress flow, metered on FastEthernet0/0 */
	snprintf(lab[2].out_if, sizeof(lab[2].out_if), "FastEthernet0/0");
	lab[2].out_ios = true;
	f = mkflow(4, "10.0.0.2", "10.0.0.1", 1, 0, 0x0800, 5, 500, 118, 119);
	vflow(p, &f, "ser0", 2, 0);
	snprintf(p->in_if, sizeof(p->in_if), "Serial1/0");
	p->in_ios = true;
	p->routed = true;
	p->rt.src_mask = 30;
	p->rt.dst_mask = 32; /* the local route: no output interface */
	s->flows = lab;
	s->nflows = 6;
}

START_TEST(lab_views)
{
	static const struct golden_view g[] = {
		{ VIEW_IP_VERBOSE, false, "ip_cache_verbose_flow.txt" },
		{ VIEW_IP_VERBOSE, true, "ip_cache_verbose_flow.json" },
		{ VIEW_IP_CACHE, false, "ip_cache_flow_lab.txt" },
	};
	struct view_snapshot s;
	struct vbuf b = { 0 };

	lab_snapshot(&s);
	golden_views(&s, g, sizeof(g) / sizeof(g[0]));
	/* the ping: DstIf Local, 5 packets, 100 octets each, one second */
	view_render(&b, &s, VIEW_IP_VERBOSE, false);
	ck_assert_ptr_nonnull(strstr(b.p, "\nSe1/0         10.0.0.2        "
					  "Local         10.0.0.1        01 "
					  "00  00       5\n0000 /30 0      "
					  "              0800 /32 0    "
					  "0.0.0.0               100     "
					  "1.0\n"));
	/* IOS's columns: each value under its heading */
	ck_assert_ptr_nonnull(strstr(b.p, "\nSrcIf         SrcIPaddress    "
					  "DstIf         DstIPaddress    Pr "
					  "TOS Flgs  Pkts\nPort Msk AS      "
					  "             Port Msk AS   NextHop"
					  "              B/Pk  Active\n"));
	ck_assert_ptr_nonnull(strstr(b.p, " Fa0/0 "));
	ck_assert_ptr_nonnull(strstr(b.p, " Null "));
	ck_assert_ptr_nonnull(strstr(b.p, "\n-             10.1.1.5        "
					  "Fa0/0*        157.240.1.1     11 "));
	vb_free(&b);
}
END_TEST

/*
 * The configuration's views of the lab router: traditional NetFlow on
 * Serial1/0 (eth0's alias) and eth1, then Flexible NetFlow's LAB-MON with
 * the sampler ONE-IN-5 (deterministic 1 out-of 5).
 */
START_TEST(cfg_views)
{
	static const struct golden_view trad[] = {
		{ VIEW_IP_FLOW_IF, false, "ip_flow_interface_trad.txt" },
	};
	static const struct golden_view fnf[] = {
		{ VIEW_IP_FLOW_IF, false, "ip_flow_interface.txt" },
		{ VIEW_IP_FLOW_IF, true, "ip_flow_interface.json" },
		{ VIEW_SAMPLER, false, "sampler.txt" },
		{ VIEW_SAMPLER, true, "sampler.json" },
	};
	struct view_snapshot s;
	struct vbuf b = { 0 };

	snapshot(&s);
	/* no sampler: show sampler lists none */
	view_render(&b, &s, VIEW_SAMPLER, false);
	ck_assert_uint_eq(b.len, 0);
	/* no file: no running configuration (test_config_ios: with one) */
	view_render(&b, &s, VIEW_RUNNING, false);
	ck_assert_str_eq(b.p, "% No configuration file (-f): xflowd runs from "
			      "its command line\n");
	vb_reset(&b);
	view_render(&b, &s, VIEW_RUNNING, true);
	ck_assert(json_valid(b.p));
	vb_free(&b);
	s.ios = s.traditional = true;
	s.monitor = "ip-flow";
	s.ntmpl = 1;
	snprintf(s.ifs[0].ios, sizeof(s.ifs[0].ios), "Serial1/0");
	golden_views(&s, trad, sizeof(trad) / sizeof(trad[0]));
	s.traditional = false;
	s.monitor = "LAB-MON";
	s.sampler = "ONE-IN-5";
	s.sample_mode = SAMPLER_DETERMINISTIC;
	s.sample_n = 5;
	s.sampler_id = 1;
	s.meter.packets = 25;
	s.meter.sampled_out = 20;
	s.ifs[1].input = s.ifs[1].output = false;
	golden_views(&s, fnf, sizeof(fnf) / sizeof(fnf[0]));
	s.ifs[1].input = true;
	view_render(&b, &s, VIEW_SAMPLER, false);
	/* two users: the counts are the monitor's, not each one's */
	ck_assert_ptr_nonnull(strstr(b.p, "  Users (2):\n    flow monitor "
					  "LAB-MON (ip,Serial1/0,Input)\n"));
	vb_free(&b);
}
END_TEST

/*
 * Flexible NetFlow's cache of the lab monitor: a user-defined IPv4 record
 * (the keys first, as IOS lists them) and the predefined IPv6 one, each
 * flow's record as the exporter encodes it.
 */
static const uint8_t lab_rec_elem[] = {
	IE_sourceIPv4Address,
	IE_destinationIPv4Address,
	IE_sourceTransportPort,
	IE_destinationTransportPort,
	IE_ingressInterface,
	IE_ipClassOfService,
	IE_protocolIdentifier,
	IE_egressInterface,
	IE_ipNextHopIPv4Address,
	IE_sourceIPv4PrefixLength,
	IE_destinationIPv4PrefixLength,
	IE_tcpControlBits,
	IE_octetDeltaCount,
	IE_packetDeltaCount,
	IE_flowStartSysUpTime,
	IE_flowEndSysUpTime,
};
static const struct template_def lab_rec = {
	.name = "LAB-REC",
	.ipver = 4,
	.nelem = sizeof(lab_rec_elem),
	.elem = lab_rec_elem,
	.keymask = 0x7f,
};
static struct view_flow cached[3];
static uint8_t cached_rec[3][128];

/* the record of v (of its template t) as record_encode() would write it */
static void encode_view(uint8_t *out, const struct template_def *t,
			const struct view_flow *v)
{
	struct wbuf w;
	unsigned int i;
	uint8_t a = v->ipver == 6 ? 16 : 4;

	wbuf_init(&w, out, 128);
	for (i = 0; i < t->nelem; i++) {
		switch (t->elem[i]) {
		case IE_sourceIPv4Address:
		case IE_sourceIPv6Address:
			put_bytes(&w, v->src, a);
			break;
		case IE_destinationIPv4Address:
		case IE_destinationIPv6Address:
			put_bytes(&w, v->dst, a);
			break;
		case IE_sourceTransportPort:
			put_be16(&w, v->sport);
			break;
		case IE_destinationTransportPort:
			put_be16(&w, v->dport);
			break;
		case IE_ingressInterface:
			put_be32(&w, v->ifindex);
			break;
		case IE_egressInterface:
			put_be32(&w, v->rt.out_if);
			break;
		case IE_ipClassOfService:
			put_u8(&w, v->tos);
			break;
		case IE_protocolIdentifier:
			put_u8(&w, v->proto);
			break;
		case IE_ipNextHopIPv4Address:
			put_bytes(&w, v->rt.nexthop, 4);
			break;
		case IE_sourceIPv4PrefixLength:
			put_u8(&w, v->rt.src_mask);
			break;
		case IE_destinationIPv4PrefixLength:
			put_u8(&w, v->rt.dst_mask);
			break;
		case IE_tcpControlBits:
			put_be16(&w, v->tcp_flags);
			break;
		case IE_octetDeltaCount:
			put_be64(&w, v->octets);
			break;
		case IE_packetDeltaCount:
			put_be64(&w, v->packets);
			break;
		case IE_flowStartSysUpTime:
			put_be32(&w, (uint32_t)((v->first_ns - T0) / 1000000));
			break;
		case IE_flowEndSysUpTime:
			put_be32(&w, (uint32_t)((v->last_ns - T0) / 1000000));
			break;
		default: /* what the view shows as a plain number */
			put_zero(&w, ie_table[t->elem[i]].len);
		}
	}
	ck_assert(!w.overflow);
	ck_assert_uint_eq(wbuf_len(&w), template_record_len(t));
}

static void cache_snapshot(struct view_snapshot *s)
{
	size_t i;

	lab_snapshot(s);
	s->monitor = "LAB-MON";
	s->ntmpl = 2;
	s->tmpl[0] = &lab_rec;
	s->high_watermark = 9;
	cached[0] = lab[0]; /* routed out of FastEthernet0/0 */
	cached[0].tmpl = 0;
	cached[1] = lab[1]; /* IPv6: the predefined record */
	cached[1].tmpl = 1;
	cached[2] = lab[5]; /* the ping to the router */
	cached[2].tmpl = 0;
	for (i = 0; i < 3; i++)
		encode_view(cached_rec[i], s->tmpl[cached[i].tmpl], &cached[i]);
	s->flows = cached;
	s->nflows = 3;
	s->recs = cached_rec[0];
	s->rec_stride = sizeof(cached_rec[0]);
}

START_TEST(monitor_cache_views)
{
	static const struct {
		enum view_format f;
		bool json;
		const char *name;
	} g[] = {
		{ VF_RECORD, false, "flow_monitor_cache_record.txt" },
		{ VF_TABLE, false, "flow_monitor_cache_table.txt" },
		{ VF_CSV, false, "flow_monitor_cache_csv.txt" },
		{ VF_RECORD, true, "flow_monitor_cache.json" },
	};
	struct view_snapshot s;
	struct vbuf b = { 0 }, part = { 0 };
	size_t i, k;

	cache_snapshot(&s);
	for (i = 0; i < sizeof(g) / sizeof(g[0]); i++) {
		s.format = g[i].f;
		vb_reset(&b);
		view_render(&b, &s, VIEW_MONITOR_CACHE, g[i].json);
		ck_assert(!b.oom);
		ck_assert(!g[i].json || json_valid(b.p));
		golden(g[i].name, b.p);
		/* a slice at a time: the same bytes */
		vb_reset(&part);
		view_head(&part, &s, VIEW_MONITOR_CACHE, g[i].json);
		for (k = 0; k < s.nflows; k++)
			view_flows(&part, &s, VIEW_MONITOR_CACHE, g[i].json, k,
				   k + 1);
		view_tail(&part, &s, VIEW_MONITOR_CACHE, g[i].json);
		ck_assert_str_eq(part.p, b.p);
	}
	s.format = VF_RECORD;
	vb_reset(&b);
	view_render(&b, &s, VIEW_MONITOR_CACHE, false);
	/* the ping of the lab: its key fields in capitals, in order */
	ck_assert_ptr_nonnull(strstr(b.p, "\nIPV4 SOURCE ADDRESS:       "
					  "10.0.0.2\n"
					  "IPV4 DESTINATION ADDRESS:  "
					  "10.0.0.1\n"
					  "TRNS SOURCE PORT:          0\n"
					  "TRNS DESTINATION PORT:     2048\n"
					  "INTERFACE INPUT:           "
					  "Serial1/0\n"));
	ck_assert_ptr_nonnull(strstr(b.p, "counter bytes long:        500\n"
					  "counter packets long:      5\n"));
	ck_assert_ptr_nonnull(strstr(b.p, "  High Watermark:"));
	ck_assert_ptr_nonnull(strstr(b.p, "                 9\n\n  Flows "
					  "added:"));
	ck_assert_ptr_nonnull(strstr(b.p, "\ntcp flags:                 "
					  "0x1B\n"));
	vb_free(&b);
	vb_free(&part);
}
END_TEST

START_TEST(parse_monitor_cache)
{
	static const struct {
		const char *line;
		enum view_id v;
		enum view_format f;
		bool json;
	} ok[] = {
		{ "show flow monitor LAB-MON cache format record",
		  VIEW_MONITOR_CACHE, VF_RECORD, false },
		{ "sh flow mon LAB-MON cache form rec", VIEW_MONITOR_CACHE,
		  VF_RECORD, false },
		{ "sh fl mon name LAB-MON ca fo t", VIEW_MONITOR_CACHE,
		  VF_TABLE, false },
		{ "show flow monitor LAB-MON cache format csv | json",
		  VIEW_MONITOR_CACHE, VF_CSV, true },
		{ "show flow monitor LAB-MON cache", VIEW_MONITOR_CACHE,
		  VF_RECORD, false },
	};
	static const struct {
		const char *line, *err;
	} bad[] = {
		{ "show flow monitor M cache format", "% Incomplete command." },
		{ "show flow monitor M cache format xml", "% Invalid input "
							  "detected at 'xml'" },
		{ "show flow monitor M cache f table", "% Invalid input "
						       "detected at 'f'" },
		{ "show flow monitor M cache format table x", "% Invalid input "
							      "detected at "
							      "'x'" },
	};
	struct view_req r;
	char err[256];
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		ck_assert_msg(view_parse(ok[i].line, &r, err, sizeof(err)) == 0,
			      "'%s': %s", ok[i].line, err);
		ck_assert_int_eq(r.view, ok[i].v);
		ck_assert_int_eq(r.format, ok[i].f);
		ck_assert_int_eq(r.json, ok[i].json);
		ck_assert_str_eq(r.monitor, "LAB-MON");
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(view_parse(bad[i].line, &r, err, sizeof(err)) < 0,
			      "'%s' accepted", bad[i].line);
		ck_assert_str_eq(err, bad[i].err);
	}
}
END_TEST

/*
 * show sampler lists every sampler defined, as IOS does: ONE-IN-5 of
 * LAB-MON with its counts, then SPARE that no monitor uses (counts 0, no
 * user), in the last monitor's view only.
 */
START_TEST(sampler_unused)
{
	static const struct golden_view g[] = {
		{ VIEW_SAMPLER, false, "sampler_all.txt" },
		{ VIEW_SAMPLER, true, "sampler_all.json" },
	};
	struct config *cfg = calloc(1, sizeof(*cfg));
	struct view_snapshot s;
	struct vbuf b = { 0 };

	ck_assert_ptr_nonnull(cfg);
	cfg->nsampler = 2;
	snprintf(cfg->sampler[0].name, sizeof(cfg->sampler[0].name),
		 "ONE-IN-5");
	cfg->sampler[0].mode = SAMPLER_DETERMINISTIC;
	cfg->sampler[0].interval = 5;
	snprintf(cfg->sampler[1].name, sizeof(cfg->sampler[1].name), "SPARE");
	snprintf(cfg->sampler[1].description,
		 sizeof(cfg->sampler[1].description), "for the uplink");
	cfg->sampler[1].mode = SAMPLER_RANDOM;
	cfg->sampler[1].interval = 100;
	snapshot(&s);
	s.ios = true;
	s.cfg = cfg;
	s.monitor = "LAB-MON";
	s.sampler = "ONE-IN-5";
	s.sample_mode = SAMPLER_DETERMINISTIC;
	s.sample_n = 5;
	s.sampler_id = 1;
	s.meter.packets = 25;
	s.meter.sampled_out = 20;
	s.ifs[1].input = s.ifs[1].output = false;
	s.samplers_used = 1;
	/* not the last monitor's view: its own sampler only */
	view_render(&b, &s, VIEW_SAMPLER, false);
	ck_assert_ptr_null(strstr(b.p, "SPARE"));
	s.samplers_unused = true;
	golden_views(&s, g, sizeof(g) / sizeof(g[0]));
	vb_reset(&b);
	view_render(&b, &s, VIEW_SAMPLER, false);
	ck_assert_ptr_nonnull(strstr(b.p, "\nSampler SPARE:\n  ID:           "
					  "2\n"
					  "  export ID:    0\n  Description:  "
					  "for the uplink\n  Type:         "
					  "random\n  Rate:         1 out of "
					  "100\n"
					  "  Samples:      0\n  Requests:     "
					  "0\n"
					  "  Users (0):\n"));
	/* a monitor without a sampler: the unused ones still */
	s.sample_mode = SAMPLER_NONE;
	s.samplers_used = 0;
	vb_reset(&b);
	view_render(&b, &s, VIEW_SAMPLER, false);
	ck_assert_ptr_nonnull(strstr(b.p, "Sampler ONE-IN-5:\n  ID:           "
					  "1\n"
					  "  export ID:    0\n"));
	vb_reset(&b);
	view_render(&b, &s, VIEW_SAMPLER, true);
	ck_assert(json_valid(b.p));
	vb_free(&b);
	free(cfg);
}
END_TEST

/*
 * IOS's abbreviations over the whole command table: each word shortened
 * to its shortest unique prefix among the keywords that may stand there
 * is the same command; one character less, where that prefix is shared
 * by two keywords, is "% Ambiguous command:" as IOS words it.
 */
static const char *const full_commands[] = {
	"show ip cache flow",
	"show ipv6 cache flow",
	"show ip cache verbose flow",
	"show ip flow export",
	"show ip flow interface",
	"show sampler",
	"show running-config",
	"show flow exporter",
	"show flow exporter statistics",
	"show flow exporter templates",
	"show flow monitor",
	"show flow monitor statistics",
	"show flow interface",
	"show flow record",
	"show templates",
	"show statistics",
	"show bgp summary",
};
#define NFULL (sizeof(full_commands) / sizeof(full_commands[0]))

/* word w (from 0) of line into out; false past the last */
static bool word_of(const char *line, size_t w, char *out, size_t len)
{
	size_t n;

	while (true) {
		line += strspn(line, " ");
		n = strcspn(line, " ");
		if (!n)
			return false;
		if (!w--) {
			snprintf(out, len, "%.*s", (int)n, line);
			return true;
		}
		line += n;
	}
}

/* the keywords that follow the first w words of full_commands[c],
 * sharing p (n characters): how many distinct ones (*exact: one is p) */
static size_t sharing_ex(size_t c, size_t w, const char *p, size_t n,
			 bool *exact)
{
	char mine[32], kw[32], seen[NFULL][32];
	size_t k, j, nseen = 0, i;

	for (k = 0; k < NFULL; k++) {
		bool same = true;

		for (i = 0; i < w && same; i++) {
			same = word_of(full_commands[c], i, mine,
				       sizeof(mine)) &&
			       word_of(full_commands[k], i, kw, sizeof(kw)) &&
			       !strcmp(mine, kw);
		}
		if (!same || !word_of(full_commands[k], w, kw, sizeof(kw)) ||
		    strncmp(kw, p, n))
			continue;
		*exact |= strlen(kw) == n;
		for (j = 0; j < nseen && strcmp(seen[j], kw); j++)
			;
		if (j == nseen)
			snprintf(seen[nseen++], sizeof(seen[0]), "%s", kw);
	}
	return nseen;
}

static size_t sharing(size_t c, size_t w, const char *p, size_t n)
{
	bool exact = false;

	return sharing_ex(c, w, p, n, &exact);
}

START_TEST(abbreviations)
{
	static const struct {
		const char *line, *err;
	} amb[] = {
		{ "show s", "% Ambiguous command:  \"show s\"" },
		{ " sh s | json", "% Ambiguous command:  \"sh s\"" },
		{ "show s extra", "% Ambiguous command:  \"show s extra\"" },
		{ "show i flow export", "% Ambiguous command:  \"show i flow "
					"export\"" },
		{ "sh i ca fl", "% Ambiguous command:  \"sh i ca fl\"" },
	};
	struct view_req want, got;
	char err[256], line[128], w[32], amb_line[128];
	size_t c, i, n, at, cut;
	bool exact;

	for (c = 0; c < NFULL; c++) {
		ck_assert_msg(view_parse(full_commands[c], &want, err,
					 sizeof(err)) == 0,
			      "%s: %s", full_commands[c], err);
		line[0] = 0;
		at = 0;
		cut = 0;
		amb_line[0] = 0;
		for (i = 0; word_of(full_commands[c], i, w, sizeof(w)); i++) {
			/* the shortest prefix no other keyword shares, or
			 * the whole word (ip is ip, not ipv6) */
			for (n = 1; n < strlen(w) && sharing(c, i, w, n) > 1;
			     n++)
				;
			exact = false;
			if (n > 1 && !cut &&
			    sharing_ex(c, i, w, n - 1, &exact) > 1 && !exact) {
				/* one character less: ambiguous */
				snprintf(amb_line, sizeof(amb_line), "%s%s%.*s",
					 line, i ? " " : "", (int)n - 1, w);
				cut = strlen(amb_line);
			}
			at += (size_t)snprintf(line + at, sizeof(line) - at,
					       "%s%.*s", i ? " " : "", (int)n,
					       w);
		}
		ck_assert_msg(view_parse(line, &got, err, sizeof(err)) == 0,
			      "'%s' (%s): %s", line, full_commands[c], err);
		ck_assert_int_eq(got.action, want.action);
		ck_assert_int_eq(got.view, want.view);
		if (!cut)
			continue;
		ck_assert_msg(view_parse(amb_line, &got, err, sizeof(err)) < 0,
			      "'%s' accepted", amb_line);
		ck_assert_msg(strncmp(err, "% Ambiguous command:  \"", 23) == 0,
			      "'%s': %s", amb_line, err);
	}
	for (i = 0; i < sizeof(amb) / sizeof(amb[0]); i++) {
		ck_assert_msg(view_parse(amb[i].line, &got, err, sizeof(err)) <
				      0,
			      "'%s' accepted", amb[i].line);
		ck_assert_str_eq(err, amb[i].err);
	}
	/* unique prefixes reach the monitor's views too */
	ck_assert_int_eq(view_parse("s f m LAB-MON s", &got, err, sizeof(err)),
			 0);
	ck_assert_int_eq(got.view, VIEW_MONITOR_STATS);
	ck_assert_str_eq(got.monitor, "LAB-MON");
}
END_TEST

/* The server renders flows a slice at a time: the same bytes. */
START_TEST(slices_equal_whole)
{
	struct view_snapshot s;
	struct vbuf whole = { 0 }, part = { 0 };
	int json, k;
	size_t i;
	enum view_id v;

	snapshot(&s);
	for (json = 0; json < 2; json++) {
		for (k = 0; k < 2; k++) {
			v = k ? VIEW_IPV6_CACHE : VIEW_IP_CACHE;
			vb_reset(&whole);
			vb_reset(&part);
			view_render(&whole, &s, v, json);
			view_head(&part, &s, v, json);
			for (i = 0; i < s.nflows; i++)
				view_flows(&part, &s, v, json, i, i + 1);
			view_tail(&part, &s, v, json);
			ck_assert_str_eq(part.p, whole.p);
		}
	}
	vb_free(&whole);
	vb_free(&part);
}
END_TEST

/* The IOS layout: columns where IOS puts them. */
START_TEST(ios_columns)
{
	struct view_snapshot s;
	struct vbuf b = { 0 };
	const char *l;
	char row[80];

	snapshot(&s);
	view_render(&b, &s, VIEW_IP_CACHE, false);
	l = strstr(b.p, "\nTCP-WWW ");
	ck_assert_ptr_nonnull(l);
	l++;
	/* Total ends at column 22, Flows/Sec at 31, Packets/Flow at 41,
	 * Bytes/Pkt at 47, Packets/Sec at 56, Active at 66, Idle at 76 */
	ck_assert_int_eq(strcspn(l, "\n"), 76);
	ck_assert_int_eq(l[21] != ' ' && l[22] == ' ', 1);
	ck_assert_int_eq(l[30] != ' ' && l[31] == ' ', 1);
	/* two TCP-WWW flows over 125 s: 32 packets, 25000 octets, active
	 * 7 and 25 s, idle 110 and 90 s */
	snprintf(row, sizeof(row), "%.76s", l);
	ck_assert_str_eq(row, "TCP-WWW              2      0.0        16   781"
			      "      0.3      16.0     100.0");
	/* the flow lines: ports in hex, protocol in hex, as IOS does */
	ck_assert_ptr_nonnull(strstr(b.p, "\neth0          192.0.2.1       -   "
					  " "
					  "         198.51.100.7    06 9C42 "
					  "01BB     5\n"));
	/* metered on output: DstIf marked '*', as IOS marks egress flows */
	ck_assert_ptr_nonnull(strstr(b.p, "\n-             10.1.1.5        "
					  "eth1*"
					  "         157.240.1.1     11 C350 "
					  "007B     3\n"));
	/* IPv6 flows are not IPv4 lines */
	ck_assert_ptr_null(strstr(b.p, "2001:db8"));
	vb_free(&b);
}
END_TEST

START_TEST(size_bins)
{
	/* IOS's bins: 1-32, 33-64, ..., 545-576, 577-1024, 1025-1536, ...,
	 * 4097-4608, and larger in the last */
	ck_assert_uint_eq(meter_size_bin(0), 0);
	ck_assert_uint_eq(meter_size_bin(1), 0);
	ck_assert_uint_eq(meter_size_bin(32), 0);
	ck_assert_uint_eq(meter_size_bin(33), 1);
	ck_assert_uint_eq(meter_size_bin(480), 14);
	ck_assert_uint_eq(meter_size_bin(481), 15);
	ck_assert_uint_eq(meter_size_bin(576), 17);
	ck_assert_uint_eq(meter_size_bin(577), 18);
	ck_assert_uint_eq(meter_size_bin(1024), 18);
	ck_assert_uint_eq(meter_size_bin(1025), 19);
	ck_assert_uint_eq(meter_size_bin(1536), 19);
	ck_assert_uint_eq(meter_size_bin(1537), 20);
	ck_assert_uint_eq(meter_size_bin(4096), 24);
	ck_assert_uint_eq(meter_size_bin(4097), 25);
	ck_assert_uint_eq(meter_size_bin(4608), 25);
	ck_assert_uint_eq(meter_size_bin(65535), 25);
	ck_assert_uint_eq(METER_SIZE_BINS, 26);
}
END_TEST

START_TEST(protocol_classes)
{
	ck_assert_int_eq(view_pclass_of(4, 6, 50000, 23), VP_TCP_TELNET);
	ck_assert_int_eq(view_pclass_of(4, 6, 23, 50000), VP_TCP_TELNET);
	ck_assert_int_eq(view_pclass_of(4, 6, 1, 20), VP_TCP_FTPD);
	ck_assert_int_eq(view_pclass_of(4, 6, 1, 6063), VP_TCP_X);
	ck_assert_int_eq(view_pclass_of(4, 6, 1, 6064), VP_TCP_OTHER);
	ck_assert_int_eq(view_pclass_of(4, 6, 443, 50000), VP_TCP_OTHER);
	ck_assert_int_eq(view_pclass_of(4, 17, 53, 40000), VP_UDP_DNS);
	ck_assert_int_eq(view_pclass_of(4, 17, 5353, 5353), VP_UDP_OTHER);
	ck_assert_int_eq(view_pclass_of(4, 1, 0, 0x0800), VP_ICMP);
	ck_assert_int_eq(view_pclass_of(6, 58, 0, 0x8000), VP_ICMP);
	ck_assert_int_eq(view_pclass_of(4, 58, 0, 0), VP_IP_OTHER);
	ck_assert_int_eq(view_pclass_of(4, 47, 0, 0), VP_GRE);
	ck_assert_int_eq(view_pclass_of(4, 4, 0, 0), VP_IPINIP);
	ck_assert_int_eq(view_pclass_of(4, 50, 0, 0), VP_IP_OTHER);
	ck_assert_str_eq(view_pclass_name(VP_TCP_WWW), "TCP-WWW");
}
END_TEST

START_TEST(protos_add_sums)
{
	struct view_protos p;
	struct flow f;

	memset(&p, 0, sizeof(p));
	f = mkflow(4, "192.0.2.1", "192.0.2.2", 6, 1000, 80, 10, 5000, 0, 4);
	view_protos_add(&p, &f, T0 + 19 * SEC);
	f = mkflow(4, "192.0.2.1", "192.0.2.2", 6, 1001, 80, 30, 7000, 2, 4);
	view_protos_add(&p, &f, T0 + 10 * SEC);
	ck_assert_uint_eq(p.c[0][VP_TCP_WWW].flows, 2);
	ck_assert_uint_eq(p.c[0][VP_TCP_WWW].packets, 40);
	ck_assert_uint_eq(p.c[0][VP_TCP_WWW].octets, 12000);
	ck_assert_uint_eq(p.c[0][VP_TCP_WWW].active_ms, 6000);
	ck_assert_uint_eq(p.c[0][VP_TCP_WWW].idle_ms, 21000);
	ck_assert_uint_eq(p.c[1][VP_TCP_WWW].flows, 0);
}
END_TEST

START_TEST(parse_requests)
{
	static const struct {
		const char *line;
		enum view_action a;
		enum view_id v;
		bool json;
		const char *monitor; /* NULL: every monitor */
	} ok[] = {
		{ "show ip cache flow", VA_SHOW, VIEW_IP_CACHE, false },
		{ "sh ip ca fl\n", VA_SHOW, VIEW_IP_CACHE, false },
		{ "SHOW IP CACHE FLOW | json", VA_SHOW, VIEW_IP_CACHE, true },
		{ "show ipv6 cache flow|json", VA_SHOW, VIEW_IPV6_CACHE, true },
		{ "sh ipv cache flow", VA_SHOW, VIEW_IPV6_CACHE, false },
		{ "show ip cache verbose flow", VA_SHOW, VIEW_IP_VERBOSE,
		  false },
		{ "sh ip ca v fl | json", VA_SHOW, VIEW_IP_VERBOSE, true },
		{ "show sampler", VA_SHOW, VIEW_SAMPLER, false },
		{ "sh sa", VA_SHOW, VIEW_SAMPLER, false },
		{ "sh ip fl int", VA_SHOW, VIEW_IP_FLOW_IF, false },
		{ "sh run", VA_SHOW, VIEW_RUNNING, false },
		{ "show ip flow export", VA_SHOW, VIEW_IP_EXPORT, false },
		{ "show ip fl exp", VA_SHOW, VIEW_IP_EXPORT, false },
		{ "show flow exporter", VA_SHOW, VIEW_FLOW_EXPORTER, false },
		{ "show flow exporter statistics", VA_SHOW, VIEW_EXPORTER_STATS,
		  false },
		{ "show flow exporter templates", VA_SHOW, VIEW_TEMPLATES,
		  false },
		{ "show flow monitor", VA_SHOW, VIEW_FLOW_MONITOR, false },
		{ "show flow mon stat", VA_SHOW, VIEW_MONITOR_STATS, false },
		{ "show flow interface", VA_SHOW, VIEW_FLOW_INTERFACE, false },
		{ "show flow record", VA_SHOW, VIEW_FLOW_RECORD, false },
		{ "  show   templates  ", VA_SHOW, VIEW_TEMPLATES, false },
		{ "show statistics | j", VA_SHOW, VIEW_STATISTICS, true },
		{ "flush", VA_FLUSH, 0, false },
		{ "reload\r\n", VA_RELOAD, 0, false },
		/* BGP (issue 17) */
		{ "show bgp summary", VA_BGP_SUMMARY, 0, false },
		{ "sh bgp sum | json", VA_BGP_SUMMARY, 0, true },
		{ "show ip bgp 192.0.2.1", VA_BGP_ROUTE, 0, false },
		{ "sh ip bgp 2001:db8::1 | json", VA_BGP_ROUTE, 0, true },
		/* Flexible NetFlow's one monitor */
		{ "show flow monitor LAB-V9-MON", VA_SHOW, VIEW_FLOW_MONITOR,
		  false, "LAB-V9-MON" },
		{ "sh fl mon name m1 | json", VA_SHOW, VIEW_FLOW_MONITOR, true,
		  "m1" },
		{ "show flow monitor m1 statistics", VA_SHOW,
		  VIEW_MONITOR_STATS, false, "m1" },
		{ "show flow monitor name stat st", VA_SHOW, VIEW_MONITOR_STATS,
		  false, "stat" },
		{ "show flow monitor name m1 cache|json", VA_SHOW,
		  VIEW_MONITOR_CACHE, true, "m1" },
		{ "show flow monitor m2 ca", VA_SHOW, VIEW_MONITOR_CACHE, false,
		  "m2" },
	};
	static const struct {
		const char *line, *err;
	} bad[] = {
		{ "", "% Incomplete command." },
		{ "show", "% Incomplete command." },
		{ "show ip", "% Incomplete command." },
		{ "show flow", "% Incomplete command." },
		{ "show bogus", "% Invalid input detected at 'bogus'" },
		{ "show ip cache flow extra", "% Invalid input detected at "
					      "'extra'" },
		{ "show ip cache flow | xml", "% Invalid input after '|': "
					      "only '| json'" },
		{ "show ip flow", "% Incomplete command." },
		{ "show flow exporter s t", "% Invalid input detected at 't'" },
		{ "fl", "% Invalid input detected at 'fl'" },
		{ "show flow monitor name", "% Incomplete command." },
		{ "show flow monitor m1 bogus", "% Invalid input detected at "
						"'bogus'" },
		{ "show flow monitor m1 cache extra", "% Invalid input "
						      "detected at 'extra'" },
		{ "show flow monitor name m1 statistics x", "% Invalid input "
							    "detected at 'x'" },
	};
	struct view_req r;
	char err[256];
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		ck_assert_msg(view_parse(ok[i].line, &r, err, sizeof(err)) == 0,
			      "'%s': %s", ok[i].line, err);
		ck_assert_int_eq(r.action, ok[i].a);
		if (r.action == VA_SHOW)
			ck_assert_int_eq(r.view, ok[i].v);
		ck_assert_int_eq(r.json, ok[i].json);
		ck_assert_str_eq(r.monitor, ok[i].monitor ? ok[i].monitor : "");
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(view_parse(bad[i].line, &r, err, sizeof(err)) < 0,
			      "'%s' accepted", bad[i].line);
		ck_assert_str_eq(err, bad[i].err);
	}
}
END_TEST

START_TEST(json_escapes)
{
	struct vbuf b = { 0 };

	vb_json_str(&b, "a\"b\\c\n\x01 eth0");
	ck_assert_str_eq(b.p, "\"a\\\"b\\\\c\\u000a\\u0001 eth0\"");
	ck_assert(json_valid(b.p));
	ck_assert(!json_valid("{\"a\":1,}"));
	ck_assert(!json_valid("[1 2]"));
	ck_assert(!json_valid("{\"a\":01x}"));
	vb_free(&b);
}
END_TEST

static Suite *views_suite(void)
{
	Suite *s = suite_create("views");
	TCase *tc = tcase_create("views");

	tcase_add_loop_test(tc, golden_text, 0, NVIEWS);
	tcase_add_test(tc, paced_records_shown);
	tcase_add_loop_test(tc, golden_json, 0, NVIEWS);
	tcase_add_test(tc, slices_equal_whole);
	tcase_add_test(tc, monitor_cache_views);
	tcase_add_test(tc, parse_monitor_cache);
	tcase_add_test(tc, sampler_unused);
	tcase_add_test(tc, abbreviations);
	tcase_add_test(tc, stats_of_a_set);
	tcase_add_test(tc, two_processes);
	tcase_add_test(tc, fixed_versions);
	tcase_add_test(tc, lab_views);
	tcase_add_test(tc, cfg_views);
	tcase_add_test(tc, ios_columns);
	tcase_add_test(tc, size_bins);
	tcase_add_test(tc, protocol_classes);
	tcase_add_test(tc, protos_add_sums);
	tcase_add_test(tc, parse_requests);
	tcase_add_test(tc, json_escapes);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(views_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
