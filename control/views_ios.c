// SPDX-License-Identifier: BSD-2-Clause
/*
 * views_ios.c - the views of traditional IOS NetFlow: `show ip cache flow`
 * (and its IPv6 twin) and `show ip flow export`, in the layouts network
 * engineers know, with xflowd's values.
 *
 * The activity summary counts the flows that left the cache (IOS updates
 * it at expiry too); rates are over the time since the statistics began
 * (xflowd's start, or a file's first packet).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "views.h"

/* upper bounds of the size bins (meter_size_bin), as IOS labels them */
static const uint16_t bin_max[METER_SIZE_BINS] = {
	32,  64,  96,  128, 160, 192,  224,  256,  288,	 320,  352,  384,  416,
	448, 480, 512, 544, 576, 1024, 1536, 2048, 2560, 3072, 3584, 4096, 4608,
};
#define BINS_ROW1 15 /* IOS breaks the table after 480 */

static const char *ip_name(enum view_id v)
{
	return v == VIEW_IPV6_CACHE ? "IPv6" : "IP";
}

/* IOS prints the share of each bin in thousandths, truncated */
static void fraction(struct vbuf *b, uint64_t n, uint64_t total)
{
	uint64_t m = total ? n * 1000 / total : 0;

	if (m >= 1000)
		vb_puts(b, " 1.00");
	else
		vb_printf(b, " .%03u", (unsigned int)m);
}

static void sizes_text(struct vbuf *b, const struct view_snapshot *s,
		       enum view_id v)
{
	const uint64_t *h = s->meter.sizes[v == VIEW_IPV6_CACHE];
	uint64_t total = 0;
	int i, from, to;

	for (i = 0; i < METER_SIZE_BINS; i++)
		total += h[i];
	vb_printf(b,
		  "%s packet size distribution (%" PRIu64 " total packets):\n",
		  ip_name(v), total);
	for (from = 0; from < METER_SIZE_BINS; from = to) {
		to = from ? METER_SIZE_BINS : BINS_ROW1;
		vb_puts(b, "  ");
		for (i = from; i < to; i++) {
			if (i == 0)
				vb_puts(b, " 1-32");
			else
				vb_printf(b, "%5u", bin_max[i]);
		}
		vb_puts(b, "\n  ");
		for (i = from; i < to; i++)
			fraction(b, h[i], total);
		vb_puts(b, "\n\n");
	}
}

static void cache_text(struct vbuf *b, const struct view_snapshot *s,
		       enum view_id v)
{
	vb_printf(b, "%s Flow Switching Cache, %" PRIu64 " bytes\n", ip_name(v),
		  s->cache_bytes);
	vb_printf(b, "  %" PRIu64 " active, ", s->active);
	vb_printf(b, "%" PRIu64 " inactive, ", s->entries - s->active);
	vb_printf(b, "%" PRIu64 " added\n", s->added);
	/* the cache evicts (lack of resources) rather than fail to
	 * allocate: see show flow monitor statistics */
	vb_printf(b, "  %" PRIu64 " ager polls, 0 flow alloc failures\n",
		  s->ager_polls);
	if (s->active_s % 60 == 0)
		vb_printf(b, "  Active flows timeout in %u minutes\n",
			  s->active_s / 60);
	else
		vb_printf(b, "  Active flows timeout in %u seconds\n",
			  s->active_s);
	vb_printf(b, "  Inactive flows timeout in %u seconds\n", s->inactive_s);
	vb_puts(b, "  last clearing of statistics never\n");
}

struct prow {
	double flows_s, pkts_flow, bytes_pkt, pkts_s, active, idle;
};

static struct prow prow_of(const struct view_pstat *p, double up)
{
	struct prow r = { 0 };

	r.flows_s = (double)p->flows / up;
	r.pkts_s = (double)p->packets / up;
	if (p->flows) {
		/* IOS prints these two as whole numbers, truncated */
		r.pkts_flow = (double)(p->packets / p->flows);
		r.active = (double)p->active_ms / 1000.0 / (double)p->flows;
		r.idle = (double)p->idle_ms / 1000.0 / (double)p->flows;
	}
	if (p->packets)
		r.bytes_pkt = (double)(p->octets / p->packets);
	return r;
}

static void prow_text(struct vbuf *b, const char *name,
		      const struct view_pstat *p, double up)
{
	struct prow r = prow_of(p, up);

	vb_printf(b, "%-14s%8" PRIu64 "%9.1f%10.0f%6.0f%9.1f%10.1f%10.1f\n",
		  name, p->flows, r.flows_s, r.pkts_flow, r.bytes_pkt, r.pkts_s,
		  r.active, r.idle);
}

static void prow_json(struct vbuf *b, const char *name,
		      const struct view_pstat *p, double up)
{
	struct prow r = prow_of(p, up);

	vb_puts(b, "{\"protocol\":");
	vb_json_str(b, name);
	vb_printf(b,
		  ",\"flows\":%" PRIu64 ",\"packets\":%" PRIu64
		  ",\"octets\":%" PRIu64 ",\"flows_per_sec\":%.1f"
		  ",\"packets_per_flow\":%.0f,\"bytes_per_packet\":%.0f"
		  ",\"packets_per_sec\":%.1f,\"active_sec_per_flow\":%.1f"
		  ",\"idle_sec_per_flow\":%.1f}",
		  p->flows, p->packets, p->octets, r.flows_s, r.pkts_flow,
		  r.bytes_pkt, r.pkts_s, r.active, r.idle);
}

static struct view_pstat ptotal(const struct view_pstat *c)
{
	struct view_pstat t = { 0 };
	int i;

	for (i = 0; i < VP_N; i++) {
		t.flows += c[i].flows;
		t.packets += c[i].packets;
		t.octets += c[i].octets;
		t.active_ms += c[i].active_ms;
		t.idle_ms += c[i].idle_ms;
	}
	return t;
}

static void protos_text(struct vbuf *b, const struct view_snapshot *s,
			enum view_id v)
{
	const struct view_pstat *c = s->protos.c[v == VIEW_IPV6_CACHE];
	struct view_pstat t = ptotal(c);
	double up = view_uptime_s(s);
	int i;

	vb_puts(b, "Protocol         Total    Flows   Packets Bytes  Packets "
		   "Active(Sec) Idle(Sec)\n"
		   "--------         Flows     /Sec     /Flow  /Pkt     /Sec "
		   "    /Flow     /Flow\n");
	for (i = 0; i < VP_N; i++)
		if (c[i].flows)
			prow_text(b, view_pclass_name(i), &c[i], up);
	if (t.flows)
		prow_text(b, "Total:", &t, up);
	vb_puts(b, "\n");
}

static const char *flow_header(enum view_id v)
{
	if (v == VIEW_IP_VERBOSE)
		return "SrcIf         SrcIPaddress    DstIf         "
		       "DstIPaddress    "
		       "Pr TOS Flgs  Pkts\n"
		       "Port Msk AS                   Port Msk AS   NextHop    "
		       "  "
		       "        B/Pk  Active\n";
	if (v == VIEW_IPV6_CACHE)
		return "SrcIf         SrcIPaddress                            "
		       "DstIf         DstIPaddress                            "
		       "Pr SrcP DstP  Pkts\n";
	return "SrcIf         SrcIPaddress    DstIf         DstIPaddress    "
	       "Pr SrcP DstP  Pkts\n";
}

static void head_json(struct vbuf *b, const struct view_snapshot *s,
		      enum view_id v)
{
	const uint64_t *h = s->meter.sizes[v == VIEW_IPV6_CACHE];
	const struct view_pstat *c = s->protos.c[v == VIEW_IPV6_CACHE];
	struct view_pstat t = ptotal(c);
	double up = view_uptime_s(s);
	uint64_t total = 0;
	int i, n = 0;

	for (i = 0; i < METER_SIZE_BINS; i++)
		total += h[i];
	vb_printf(b,
		  "{\"view\":\"show %s cache %sflow\",\"ip_version\":%d,"
		  "\"packet_sizes\":{\"total\":%" PRIu64 ",\"bins\":[",
		  v == VIEW_IPV6_CACHE ? "ipv6" : "ip",
		  v == VIEW_IP_VERBOSE ? "verbose " : "", view_flow_ipver(v),
		  total);
	for (i = 0; i < METER_SIZE_BINS; i++)
		vb_printf(b, "%s{\"max\":%u,\"packets\":%" PRIu64 "}",
			  i ? "," : "", bin_max[i], h[i]);
	vb_printf(b, "]},\"cache\":{\"bytes\":%" PRIu64, s->cache_bytes);
	vb_printf(b, ",\"entries\":%" PRIu64, s->entries);
	vb_printf(b, ",\"active\":%" PRIu64, s->active);
	vb_printf(b, ",\"inactive\":%" PRIu64, s->entries - s->active);
	vb_printf(b, ",\"added\":%" PRIu64, s->added);
	vb_printf(b, ",\"ager_polls\":%" PRIu64, s->ager_polls);
	vb_printf(b,
		  ",\"alloc_failures\":0,\"active_timeout_s\":%u,"
		  "\"inactive_timeout_s\":%u},\"seconds\":%.1f,"
		  "\"protocols\":[",
		  s->active_s, s->inactive_s, up);
	for (i = 0; i < VP_N; i++) {
		if (!c[i].flows)
			continue;
		if (n++)
			vb_puts(b, ",");
		prow_json(b, view_pclass_name(i), &c[i], up);
	}
	vb_puts(b, "],\"total\":");
	prow_json(b, "Total", &t, up);
	vb_puts(b, ",\"flows\":[");
}

static void export_text(struct vbuf *b, const struct view_snapshot *s);
static void export_json(struct vbuf *b, const struct view_snapshot *s);

void view_ios_head(struct vbuf *b, const struct view_snapshot *s,
		   enum view_id v, bool json)
{
	if (v == VIEW_IP_EXPORT) {
		if (json)
			export_json(b, s);
		else
			export_text(b, s);
		return;
	}
	if (json) {
		head_json(b, s, v);
		return;
	}
	sizes_text(b, s, v);
	cache_text(b, s, v);
	protos_text(b, s, v);
	vb_puts(b, flow_header(v));
}

/* flows listed before from: is a JSON comma needed? */
static bool listed_before(const struct view_snapshot *s, int ipver, size_t from)
{
	size_t i;

	for (i = from; i-- > 0;)
		if (s->flows[i].ipver == ipver)
			return true;
	return false;
}

/* IOS's short form of an interface name ("Serial1/0": "Se1/0"), as its
 * cache views print it; a Linux name as it is. */
static const char *if_short(char *out, size_t len, const char *name, bool ios)
{
	size_t n = strcspn(name, "0123456789");

	if (!ios || n < 2 || !name[n])
		snprintf(out, len, "%s", name);
	else if (n > 8 && strncasecmp(name, "Virtual-Template", n) == 0)
		snprintf(out, len, "Vt%s", name + n); /* Vi: Virtual-Access */
	else
		snprintf(out, len, "%.2s%s", name, name + n);
	return out;
}

static const char *src_if(const struct view_flow *f, char *buf, size_t len)
{
	if (f->in_if[0])
		return if_short(buf, len, f->in_if, f->in_ios);
	return !f->dir && f->ifname[0] ? f->ifname : "-";
}

/* Did the routing table have a route to the destination? */
static bool has_route(const struct export_route *rt)
{
	return rt->dst_mask || rt->out_if || rt->nexthop_ver;
}

/*
 * DstIf as IOS prints it: the output interface, marked '*' when the flow
 * was metered there (egress); "Local" for the router itself (a local
 * route: no output interface), "Null" for a destination with no route
 * (dropped); "-" when xflowd does not know.
 */
static const char *dst_if(const struct view_flow *f, char *buf, size_t len)
{
	char name[32];

	if (f->dir) {
		if (f->out_if[0])
			if_short(name, sizeof(name), f->out_if, f->out_ios);
		else
			snprintf(name, sizeof(name), "%s",
				 f->ifname[0] ? f->ifname : "-");
		snprintf(buf, len, "%.30s*", name);
		return buf;
	}
	if (f->out_if[0])
		return if_short(buf, len, f->out_if, f->out_ios);
	if (!f->routed)
		return "-";
	if (!has_route(&f->rt))
		return "Null";
	return f->rt.out_if ? "-" : "Local";
}

static void flow_text(struct vbuf *b, const struct view_flow *f, enum view_id v)
{
	int w = f->ipver == 6 ? 39 : 15;
	char src[48], dst[48], in[32], out[32], nh[48];

	view_addr(src, sizeof(src), f->ipver, f->src);
	view_addr(dst, sizeof(dst), f->ipver, f->dst);
	if (v != VIEW_IP_VERBOSE) {
		vb_printf(b,
			  "%-13s %-*s %-13s %-*s %02X %04X %04X %5" PRIu64 "\n",
			  src_if(f, in, sizeof(in)), w, src,
			  dst_if(f, out, sizeof(out)), w, dst, f->proto,
			  f->sport, f->dport, f->packets);
		return;
	}
	vb_printf(b, "%-13s %-15s %-13s %-15s %02X %02X  %02X%8" PRIu64 "\n",
		  src_if(f, in, sizeof(in)), src, dst_if(f, out, sizeof(out)),
		  dst, f->proto, f->tos, f->tcp_flags, f->packets);
	if (f->rt.nexthop_ver)
		view_addr(nh, sizeof(nh), f->rt.nexthop_ver, f->rt.nexthop);
	else
		snprintf(nh, sizeof(nh), "0.0.0.0");
	snprintf(in, sizeof(in), "/%u", f->rt.src_mask);
	snprintf(out, sizeof(out), "/%u", f->rt.dst_mask);
	vb_printf(b, "%04X %-3s %-20u %04X %-3s %-4u %-15s%10" PRIu64 "%8.1f\n",
		  f->sport, in, f->rt.src_as, f->dport, out, f->rt.dst_as, nh,
		  f->packets ? f->octets / f->packets : 0,
		  f->last_ns > f->first_ns
			  ? (double)(f->last_ns - f->first_ns) / 1e9
			  : 0.0);
	if (f->rt.bgp_nexthop_ver) {
		view_addr(nh, sizeof(nh), f->rt.bgp_nexthop_ver,
			  f->rt.bgp_nexthop);
		vb_printf(b, "BGP NextHop: %s\n", nh);
	}
}

/* the verbose view's routing fields, JSON */
static void route_json(struct vbuf *b, const struct view_flow *f)
{
	char nh[48];

	vb_printf(b,
		  ",\"src_mask\":%u,\"dst_mask\":%u,\"src_as\":%u,"
		  "\"dst_as\":%u,\"src_peer_as\":%u,\"dst_peer_as\":%u,"
		  "\"output_ifindex\":%u,\"nexthop\":",
		  f->rt.src_mask, f->rt.dst_mask, f->rt.src_as, f->rt.dst_as,
		  f->rt.src_peer_as, f->rt.dst_peer_as, f->rt.out_if);
	view_addr(nh, sizeof(nh), f->rt.nexthop_ver, f->rt.nexthop);
	vb_json_str(b, f->rt.nexthop_ver ? nh : NULL);
	vb_puts(b, ",\"bgp_nexthop\":");
	view_addr(nh, sizeof(nh), f->rt.bgp_nexthop_ver, f->rt.bgp_nexthop);
	vb_json_str(b, f->rt.bgp_nexthop_ver ? nh : NULL);
	vb_printf(b, ",\"bytes_per_packet\":%" PRIu64 ",\"active_s\":%.1f",
		  f->packets ? f->octets / f->packets : 0,
		  f->last_ns > f->first_ns
			  ? (double)(f->last_ns - f->first_ns) / 1e9
			  : 0.0);
}

static void flow_json(struct vbuf *b, const struct view_flow *f, enum view_id v,
		      bool comma)
{
	char src[48], dst[48], in[32], out[32];
	const char *si, *di;

	view_addr(src, sizeof(src), f->ipver, f->src);
	view_addr(dst, sizeof(dst), f->ipver, f->dst);
	/* show ip cache flow: the observed interface only (as it was) */
	si = f->dir ? NULL : f->ifname;
	di = f->dir ? f->ifname : NULL;
	if (v == VIEW_IP_VERBOSE) {
		si = src_if(f, in, sizeof(in));
		di = dst_if(f, out, sizeof(out));
		if (f->dir) /* the marker is the text's: JSON has direction */
			out[strcspn(out, "*")] = 0;
		si = strcmp(si, "-") ? si : NULL;
		di = strcmp(di, "-") ? di : NULL;
	}
	vb_puts(b, comma ? ",{\"src_if\":" : "{\"src_if\":");
	vb_json_str(b, si);
	vb_printf(b, ",\"src\":\"%s\",\"dst_if\":", src);
	vb_json_str(b, di);
	vb_printf(b,
		  ",\"dst\":\"%s\",\"ifindex\":%u,\"direction\":\"%s\","
		  "\"proto\":%u,\"sport\":%u,\"dport\":%u,"
		  "\"tcp_flags\":%u,\"tos\":%u,\"packets\":%" PRIu64
		  ",\"octets\":%" PRIu64 ",\"first_ns\":%" PRIu64 ",\"last_"
		  "ns\":"
		  "%" PRIu64,
		  dst, f->ifindex, f->dir ? "egress" : "ingress", f->proto,
		  f->sport, f->dport, f->tcp_flags, f->tos, f->packets,
		  f->octets, f->first_ns, f->last_ns);
	if (v == VIEW_IP_VERBOSE)
		route_json(b, f);
	vb_puts(b, "}");
}

void view_ios_flows(struct vbuf *b, const struct view_snapshot *s,
		    enum view_id v, bool json, size_t from, size_t to)
{
	int ipver = view_flow_ipver(v);
	bool comma = json && listed_before(s, ipver, from);
	size_t i;

	for (i = from; i < to && i < s->nflows; i++) {
		const struct view_flow *f = &s->flows[i];

		if (f->ipver != ipver)
			continue;
		if (json) {
			flow_json(b, f, v, comma);
			comma = true;
		} else {
			flow_text(b, f, v);
		}
	}
}

void view_ios_tail(struct vbuf *b, const struct view_snapshot *s,
		   enum view_id v, bool json)
{
	(void)s;
	(void)v;
	if (json)
		vb_puts(b, "]}\n");
}

/* show ip flow export */

struct export_sums {
	uint64_t udp_flows, udp_msgs, tcp_flows, tcp_msgs, lost_flows;
	uint64_t err[TX_ERR_N];
	size_t nudp, ntcp;
};

static struct export_sums export_sums(const struct view_snapshot *s)
{
	struct export_sums x = { 0 };
	size_t i;
	int e;

	for (i = 0; i < s->ncoll; i++) {
		const struct view_collector *c = &s->coll[i];

		/* handed to the kernel: encoded minus never sent */
		uint64_t flows = c->st.data_records - c->st.dropped_records;
		uint64_t msgs = c->st.messages - c->st.dropped_messages;

		if (c->tcp) {
			x.ntcp++;
			x.tcp_flows += flows;
			x.tcp_msgs += msgs;
		} else {
			x.nudp++;
			x.udp_flows += flows;
			x.udp_msgs += msgs;
		}
		/* never handed to the kernel, or bounced */
		x.lost_flows += c->st.dropped_records + c->st.refused_records +
				c->st.paced_records;
		for (e = 0; e < TX_ERR_N; e++)
			x.err[e] += c->st.err[e];
	}
	return x;
}

/* The export versions of the collectors (their exporting processes may
 * differ), each once, in the collectors' order: their number. */
static size_t versions_of(const struct view_snapshot *s, int ver[5])
{
	size_t i, k, n = 0;

	if (s->ncoll == 0) {
		ver[0] = s->version;
		return 1;
	}
	for (i = 0; i < s->ncoll; i++) {
		int v = s->coll[i].version ? s->coll[i].version : s->version;

		for (k = 0; k < n && ver[k] != v; k++)
			;
		if (k == n && n < 5)
			ver[n++] = v;
	}
	return n;
}

static const char *short_version(int version)
{
	const struct export_ops *ops = export_ops_of(version);

	return ops && version != 10 ? ops->name : "IPFIX";
}

static void export_text(struct vbuf *b, const struct view_snapshot *s)
{
	struct export_sums x = export_sums(s);
	static const char *const ios_lines[] = {
		"flows failed due to lack of export packet",
		"export packets were sent up to process level",
		"export packets were dropped due to no fib",
		"export packets were dropped due to adjacency issues",
		"export packets were dropped due to fragmentation failures",
		"export packets were dropped due to encapsulation fixup "
		"failures",
		/* xflowd's own reasons, in the same phrasing */
		"export packets were refused by the collector (port "
		"unreachable)",
		"export packets were dropped due to a full send buffer",
		"export packets were dropped due to a lost connection",
		"export packets were dropped due to other errors",
	};
	const uint64_t n[] = {
		x.lost_flows,
		0,
		x.err[TX_ERR_UNREACHABLE],
		0,
		0,
		0,
		x.err[TX_ERR_REFUSED],
		x.err[TX_ERR_BACKPRESSURE],
		x.err[TX_ERR_CONNECTION],
		x.err[TX_ERR_OTHER],
	};
	int ver[5];
	size_t i, k;

	size_t nv = versions_of(s, ver);

	vb_puts(b, "Flow export ");
	for (i = 0; i < nv; i++)
		vb_printf(b, "%s%s", i ? " and " : "", short_version(ver[i]));
	vb_printf(b, " %s enabled for main cache\n", nv > 1 ? "are" : "is");
	vb_puts(b, "  Export source and destination details :\n"
		   "  VRF ID : Default\n");
	for (i = 0; i < s->ncoll; i++) {
		const struct view_collector *c = &s->coll[i];

		if (c->src[0])
			vb_printf(b, "    Source(%zu)       %s (%u)\n", i + 1,
				  c->src, c->src_port);
		vb_printf(b, "    Destination(%zu)  %s (%u)%s\n", i + 1, c->dst,
			  c->dst_port, c->tcp ? " tcp" : "");
	}
	for (i = 0; i < nv; i++) {
		if (ver[i] == 10)
			vb_puts(b, "  IPFIX (Version 10) flow records\n");
		else
			vb_printf(b, "  Version %d flow records\n", ver[i]);
	}
	if (x.nudp || !x.ntcp) {
		vb_printf(b, "  %" PRIu64 " flows exported in ", x.udp_flows);
		vb_printf(b, "%" PRIu64 " udp datagrams\n", x.udp_msgs);
	}
	if (x.ntcp) {
		vb_printf(b, "  %" PRIu64 " flows exported in ", x.tcp_flows);
		vb_printf(b, "%" PRIu64 " tcp messages\n", x.tcp_msgs);
	}
	for (k = 0; k < sizeof(n) / sizeof(n[0]); k++)
		vb_printf(b, "  %" PRIu64 " %s\n", n[k], ios_lines[k]);
}

static void export_json(struct vbuf *b, const struct view_snapshot *s)
{
	struct export_sums x = export_sums(s);
	size_t i;

	vb_printf(b, "{\"view\":\"show ip flow export\",\"version\":%d",
		  s->version);
	vb_printf(b, ",\"udp_flows\":%" PRIu64, x.udp_flows);
	vb_printf(b, ",\"udp_datagrams\":%" PRIu64, x.udp_msgs);
	vb_printf(b, ",\"tcp_flows\":%" PRIu64, x.tcp_flows);
	vb_printf(b, ",\"tcp_messages\":%" PRIu64, x.tcp_msgs);
	vb_printf(b, ",\"flows_failed\":%" PRIu64, x.lost_flows);
	vb_printf(b, ",\"dropped\":{\"refused\":%" PRIu64,
		  x.err[TX_ERR_REFUSED]);
	vb_printf(b, ",\"send_buffer_full\":%" PRIu64,
		  x.err[TX_ERR_BACKPRESSURE]);
	vb_printf(b, ",\"no_route\":%" PRIu64, x.err[TX_ERR_UNREACHABLE]);
	vb_printf(b, ",\"connection_lost\":%" PRIu64, x.err[TX_ERR_CONNECTION]);
	vb_printf(b, ",\"other\":%" PRIu64 "},\"destinations\":[",
		  x.err[TX_ERR_OTHER]);
	for (i = 0; i < s->ncoll; i++) {
		const struct view_collector *c = &s->coll[i];

		vb_puts(b, i ? ",{\"name\":" : "{\"name\":");
		vb_json_str(b, c->name);
		vb_puts(b, ",\"address\":");
		vb_json_str(b, c->dst);
		vb_printf(b, ",\"port\":%u,\"source\":", c->dst_port);
		vb_json_str(b, c->src);
		vb_printf(b,
			  ",\"source_port\":%u,\"transport\":\"%s\","
			  "\"flows\":%" PRIu64 ",\"messages\":%" PRIu64 "}",
			  c->src_port, c->tcp ? "tcp" : "udp",
			  c->st.data_records - c->st.dropped_records,
			  c->st.messages - c->st.dropped_messages);
	}
	vb_puts(b, "]}\n");
}
