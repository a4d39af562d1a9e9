// SPDX-License-Identifier: BSD-2-Clause
/*
 * monitor_flow.c - what a monitor answers while its flows are exported:
 * the consumers of its expired flows (the activity summary of `show ip
 * cache flow`, then every exporting process), and its exporters'
 * questions about interfaces, routes and the metering process's
 * counters. All run under the pool's ex_lock (worker.h).
 */
#include <string.h>

#include "../bgp/speaker.h"
#include "../netlink/ifinfo.h"
#include "../netlink/route.h"
#include "monitor_int.h"

/* A flow left a cache whose clock read now: counted in the summary, and
 * handed to every exporting process. */
static void sink_flow(void *ctx, const struct flow *f,
		      enum flow_end_reason reason, uint64_t now)
{
	struct monitor *m = ctx;
	int i;

	/* the message is stamped no earlier than the expiry */
	for (i = 0; i < m->nex; i++)
		exporter_clock(m->ex[i], now);
	view_protos_add(&m->summary, f, now > f->last_ns ? now : f->last_ns);
	for (i = 0; i < m->nex; i++)
		exporter_flow(m->ex[i], f, reason);
}

static void sink_push(void *ctx)
{
	struct monitor *m = ctx;
	int i;

	for (i = 0; i < m->nex; i++)
		exporter_push(m->ex[i]);
}

static uint64_t sink_next_due(void *ctx)
{
	struct monitor *m = ctx;
	uint64_t t = UINT64_MAX, e;
	int i;

	for (i = 0; i < m->nex; i++) {
		e = exporter_next_due(m->ex[i]);
		if (e < t)
			t = e;
	}
	return t;
}

/* A file: the sysUpTime origin is 1 ms before the first packet
 * (collectors such as nfdump read an uptime of 0 as "no time"), or the
 * epoch for a capture that starts in its first millisecond. */
static bool sink_base(void *ctx, uint64_t ts_ns)
{
	struct monitor *m = ctx;
	int i;

	if (m->ex[0]->base_set)
		return true;
	for (i = 0; i < m->nex; i++)
		exporter_set_base(m->ex[i],
				  ts_ns > 1000000 ? ts_ns - 1000000 : 0);
	return true;
}

const struct worker_sink monitor_sink = {
	.flow = sink_flow,
	.push = sink_push,
	.next_due = sink_next_due,
	.base = sink_base,
};

/*
 * The exporter's timers (template refresh, the flush of a message left
 * open) about once a second; with one worker, called at its tick (the
 * packet clock of a file); with threads, by the main loop under the
 * pool's lock.
 */
void monitor_export_tick(void *ctx, uint64_t now)
{
	struct monitor *m = ctx;
	int i;

	/* a file is read without poll(): route changes are read here */
	if (m->env->rt && m->opt.read)
		route_process(m->env->rt);
	for (i = 0; i < m->nex; i++)
		exporter_tick(m->ex[i], now);
	m->next_tick_ns = now - now % NS + NS;
}

/* The PPP session of op as its alias says, parsed once per change of
 * the interfaces (m->if_gen), not once per flow. */
static const struct monitor_pppac *pppac_of(struct monitor *m,
					    const struct obs_point *op)
{
	struct monitor_pppac *p = &m->pppac[op->ifindex % MONITOR_PPPAC_SLOTS];

	if (p->op != op || p->gen != m->if_gen) {
		p->op = op;
		p->gen = m->if_gen;
		p->ok = pppac_parse(op->descr, &p->info) == 0;
		m->pppac_parses++;
	}
	return p;
}

void monitor_ifattr(void *ctx, uint32_t ifindex, struct export_if *out)
{
	struct monitor *m = ctx;
	const struct monitor_pppac *pa;
	const struct obs_point *op;
	int i;

	for (i = 0; i < m->ncap; i++) {
		struct capture *cap = m->cap[i];

		/* a capture may hold several points (a pcapng file) */
		if (cap->ops->point)
			op = cap->ops->point(cap, ifindex);
		else
			op = cap->op.ifindex == ifindex ? &cap->op : NULL;
		if (!op)
			continue;
		out->name = op->name;
		out->descr = op->descr;
		if (m->env->ift)
			out->phys = ifinfo_phys_name(m->env->ift, ifindex);
		if (op->pppac) {
			pa = pppac_of(m, op);
			if (pa->ok) {
				out->user = pa->info.user;
				out->proto = pa->info.proto;
			}
		}
		return;
	}
}

/* ingress/egressPhysicalInterface: the lower device the interface table
 * knows for ifindex (a VLAN's, macvlan's link), or ifindex itself. */
uint32_t monitor_ifphys(void *ctx, uint32_t ifindex)
{
	const struct monitor *m = ctx;
	const struct ifinfo_entry *e;

	e = m->env->ift ? ifinfo_get(m->env->ift, ifindex) : NULL;
	return e && e->parent ? e->parent : ifindex;
}

/*
 * The metering process's counters for the statistics options records:
 * ignored are the packets observed and not accounted in a flow (malformed,
 * no template fits them, lost by the capture); sampled-out packets were
 * selected away, not ignored, and non-IP frames are not the meter's.
 */
void monitor_meterstats(void *ctx, struct export_meter_stats *out)
{
	const struct monitor *m = ctx;
	struct meter_stats st;
	uint64_t drops;
	int r;

	/* what the workers published at their last round (ex_lock) */
	worker_pool_published(&m->pool, &st, &out->observed_flows, &drops);
	out->ignored_packets = drops;
	for (r = 1; r <= PARSE_NERR; r++)
		out->ignored_packets += st.malformed[r];
	out->ignored_octets = st.malformed_octets;
	for (r = 0; r < NOFIT_N; r++) {
		out->ignored_packets += st.nofit[r];
		out->ignored_octets += st.nofit_octets[r];
	}
	out->ignored_first_ns = st.ignored_first_ns;
	out->ignored_last_ns = st.ignored_last_ns;
}

/*
 * The BGP fields of a flow's routes (issue 17): the origin and peer ASes
 * of the routes to its source and its destination, and the destination's
 * BGP next hop; 0 where no neighbor has a route.
 */
static void bgp_routes_of(const struct bgp_speaker *s, const struct flow_key *k,
			  struct export_route *out)
{
	enum bgp_af af = k->ipver == 6 ? BGP_AF_IPV6 : BGP_AF_IPV4;
	const struct bgp_attr *a;
	uint8_t plen;

	a = bgp_speaker_lookup(s, af, k->dst, &plen);
	if (a) {
		out->dst_as = bgp_attr_origin_as(a);
		out->dst_peer_as = bgp_attr_peer_as(a);
		if (a->nh_af != BGP_AF_NONE) {
			out->bgp_nexthop_ver = a->nh_af == BGP_AF_IPV6 ? 6 : 4;
			memcpy(out->bgp_nexthop, a->nexthop,
			       sizeof(out->bgp_nexthop));
		}
	}
	a = bgp_speaker_lookup(s, af, k->src, &plen);
	if (a) {
		out->src_as = bgp_attr_origin_as(a);
		out->src_peer_as = bgp_attr_peer_as(a);
	}
}

/*
 * Cisco's v5 routing fields of a flow (and their IPFIX elements), from the
 * kernel's main table as it is when the flow is exported.
 */
void monitor_routes(void *ctx, const struct flow_key *k,
		    struct export_route *out)
{
	const struct monitor *m = ctx;
	struct route_table *rt = m->env->rt;
	struct route_hop h;

	if (m->env->bgp)
		bgp_routes_of(m->env->bgp, k, out);
	if (!rt)
		return;
	if (route_lookup(rt, k->ipver, k->dst, &h)) {
		out->dst_mask = h.plen;
		out->dst_routed = 1;
		out->out_if = h.oif;
		out->nexthop_ver = h.gw_ver;
		memcpy(out->nexthop, h.gw, sizeof(out->nexthop));
	}
	if (route_lookup(rt, k->ipver, k->src, &h))
		out->src_mask = h.plen;
}

/*
 * The i-th interface of the interface options records: the observation
 * points of the captures (a pcapng file has one per interface block,
 * numbered from 1).
 */
bool monitor_ifenum(void *ctx, size_t i, uint32_t *ifindex,
		    struct export_if *out)
{
	struct monitor *m = ctx;
	const struct obs_point *op;
	size_t n = 0;
	uint32_t k;
	int c;

	for (c = 0; c < m->ncap; c++) {
		struct capture *cap = m->cap[c];

		/* one point, of any ifindex (libpcap, BPF), unless point()
		 * numbers them from 1 (a pcapng file) */
		if (!cap->ops->point || !cap->ops->point(cap, 1)) {
			op = &cap->op;
			/* the BPF back ends open a capture per queue */
			if (c > 0 && m->cap[c - 1]->op.ifindex == op->ifindex)
				continue;
			if (n++ == i)
				goto found;
			continue;
		}
		for (k = 1; (op = cap->ops->point(cap, k)) != NULL; k++)
			if (n++ == i)
				goto found;
	}
	return false;
found:
	*ifindex = op->ifindex;
	out->name = op->name;
	out->descr = op->descr;
	return true;
}

/* `xflowctl`: monitor ctx's exporting process i. */
static struct exporter *exporter_at(void *ctx, int i)
{
	return monitor_exporter(ctx, i);
}

/* `xflowctl flush`: the flows the caches expired wait in the workers'
 * queues (the caller holds the pool's locks). */
static void export_queues(void *ctx)
{
	struct monitor *m = ctx;
	int i;

	for (i = 0; i < m->pool.nw; i++)
		worker_export(m->pool.w[i]);
}

/* `xflowctl flush`: what m's captures hold is metered first (the caller
 * holds the pool's locks). */
static void drain_captures(void *ctx)
{
	struct monitor *m = ctx;

	worker_pool_drain(&m->pool);
}

/* The kernel's name and alias of ifindex, for the views. */
static bool ifnames_of(void *ctx, uint32_t ifindex, const char **name,
		       const char **alias)
{
	const struct monitor *m = ctx;
	const struct ifinfo_entry *e =
		m->env->ift ? ifinfo_get(m->env->ift, ifindex) : NULL;

	if (!e)
		return false;
	*name = e->name;
	*alias = e->alias;
	return true;
}

void monitor_control_src(struct monitor *m, struct control_src *src)
{
	int i;

	*src = (struct control_src){
		.exporter = exporter_at,
		.protos = &m->summary,
		.cap = m->cap,
		.ncap = &m->ncap,
		.opt = &m->opt,
		.flushed = export_queues,
		.drain = drain_captures,
		.ifnames = ifnames_of,
		.ctx = m,
	};
	for (i = 0; i < m->pool.nw && i < CONTROL_MAX_WORKERS; i++)
		src->meter[src->nmeter++] = &m->pool.w[i]->meter;
}
