// SPDX-License-Identifier: BSD-2-Clause
/*
 * main.c - wiring: observation points -> metering -> exporting process,
 * the main loop, signals and the final accounting.
 */
#define _GNU_SOURCE /* sched_getcpu */
#include <arpa/inet.h>
#include <errno.h>
#include <sched.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../bgp/speaker.h"
#include "../export/export.h"
#include "../meter/capture.h"
#include "../meter/ifinfo.h"
#include "../meter/route.h"
#include "../meter/meter.h"
#include "config.h"
#include "control.h"
#include "log.h"
#include "options.h"
#include "safefile.h"
#include "views_bgp.h"
#include "worker.h"

#define NS 1000000000ull
#define BATCH 256 /* packets per dispatch between checks */
/* captures: the BPF back ends open one per receive queue or ring */
#define MAX_CAPS 256

#define MAX_MON CFG_MAX_MONITORS

struct xflowd;

/*
 * A monitor: a metering process and its exporting processes, observing
 * its own interfaces (the command line describes one; -f one per
 * configured monitor attached to an interface, or every monitor for
 * --read, each metering the whole file).
 */
struct monitor {
	struct xflowd *d;
	int idx;	    /* the control's source index */
	struct options opt; /* options_monitor(): this monitor's */
	struct config *cfg; /* -f: its own copy; opt points into it */
	/* the exporting processes: one per group of alike exporters */
	struct exporter *ex[EXPORT_MAX_COLLECTORS];
	int nex;
	struct worker_pool pool; /* the meters, their caches and captures */
	struct meter_cfg mcfg;	 /* what the templates ask of the meter */
	struct pppac_info pppac; /* ifattr_of()'s answer, valid till next */
	struct capture *cap[MAX_CAPS];
	int ncap;
	uint64_t next_tick_ns;
	uint64_t cap_drops;
	struct capture_kstats kst; /* BPF programs' counters */
	struct capture_fstats fst; /* --read: the file's, at its end */
	bool eof;		   /* --read: its file is read */
	/* removed by a reload: its counters, kept for --stats-file */
	bool gone;
	struct meter_stats gone_st;
	struct flowcache_stats gone_fs;
	struct exporter_stats gone_xs;
};

struct xflowd {
	struct options opt; /* the command line; -f: the first monitor's */
	struct monitor *mon[MAX_MON];
	int nmon;
	/* removed by reloads (a reload adds none: at most MAX_MON) */
	struct monitor *gone[MAX_MON];
	int ngone;
	bool threaded;	    /* workers in threads (several monitors) */
	struct ifinfo *ift; /* live: the kernel's interfaces (rtnetlink) */
	uint64_t ift_gen;
	struct route_table *rt; /* the kernel's main table, when needed */
	FILE *stats; /* --stats-file: opened before the privilege drop */
	struct control *ctl;	 /* xflowctl's socket and views */
	struct bgp_speaker *bgp; /* the bgp block's speaker (issue 17) */
	uint64_t bgp_next_ns;	 /* its next turn without input */
};

/* Its name in the configuration, or the command line's "default". */
static const char *monitor_name(const struct monitor *m)
{
	return m->cfg ? m->cfg->monitor[m->opt.monitor].name : "default";
}

/* The one flag a signal handler may touch. */
static volatile sig_atomic_t stop_signal;
static volatile sig_atomic_t reload_signal;

static void on_hup(int sig)
{
	(void)sig;
	reload_signal = 1;
}

static void on_signal(int sig)
{
	stop_signal = sig;
}

static uint64_t realtime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * NS + (uint64_t)ts.tv_nsec;
}

/* systemCpuId: the CPU metering the next batch (0 if unknown) */
static uint32_t this_cpu(void)
{
	int c = sched_getcpu();

	return c < 0 ? 0 : (uint32_t)c;
}

/*
 * The exporter's timers (template refresh, the flush of a message left
 * open) about once a second; with one worker, called at its tick (the
 * packet clock of a file); with threads, by the main loop under the
 * pool's lock.
 */
static void export_tick(void *ctx, uint64_t now)
{
	struct monitor *m = ctx;
	int i;

	/* a file is read without poll(): route changes are read here */
	if (m->d->rt && m->opt.read)
		route_process(m->d->rt);
	for (i = 0; i < m->nex; i++)
		exporter_tick(m->ex[i], now);
	m->next_tick_ns = now - now % NS + NS;
}

/* The interface attributes of the records of ifindex. */
static void ifattr_of(void *ctx, uint32_t ifindex, struct export_if *out)
{
	struct monitor *d = ctx;
	const struct obs_point *op;
	int i;

	for (i = 0; i < d->ncap; i++) {
		struct capture *cap = d->cap[i];

		/* a capture may hold several points (a pcapng file) */
		if (cap->ops->point)
			op = cap->ops->point(cap, ifindex);
		else
			op = cap->op.ifindex == ifindex ? &cap->op : NULL;
		if (op) {
			out->name = op->name;
			out->descr = op->descr;
			if (d->d->ift)
				out->phys =
					ifinfo_phys_name(d->d->ift, ifindex);
			if (op->pppac &&
			    pppac_parse(op->descr, &d->pppac) == 0) {
				out->user = d->pppac.user;
				out->proto = d->pppac.proto;
			}
			return;
		}
	}
}

/*
 * The metering process's counters for the statistics options records:
 * ignored are the packets observed and not accounted in a flow (malformed,
 * no template fits them, lost by the capture); sampled-out packets were
 * selected away, not ignored, and non-IP frames are not the meter's.
 */
static void meterstats_of(void *ctx, struct export_meter_stats *out)
{
	const struct monitor *d = ctx;
	struct meter_stats st;
	uint64_t drops;
	int r;

	/* what the workers published at their last round (ex_lock) */
	worker_pool_published(&d->pool, &st, &out->observed_flows, &drops);
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
static void routes_of(void *ctx, const struct flow_key *k,
		      struct export_route *out)
{
	const struct monitor *m = ctx;
	struct route_table *rt = m->d->rt;
	struct route_hop h;

	if (m->d->bgp)
		bgp_routes_of(m->d->bgp, k, out);
	if (!rt)
		return;
	if (route_lookup(rt, k->ipver, k->dst, &h)) {
		out->dst_mask = h.plen;
		out->out_if = h.oif;
		out->nexthop_ver = h.gw_ver;
		memcpy(out->nexthop, h.gw, sizeof(out->nexthop));
	}
	if (route_lookup(rt, k->ipver, k->src, &h))
		out->src_mask = h.plen;
}

/*
 * The routing table, when the output has routing fields (v5, or a template
 * with one): of the namespace xflowd runs in, also for --read. Without it
 * (no netlink) those fields are 0.
 */
static void setup_routes(struct xflowd *d)
{
	struct export_cfg gc;
	bool need = false;
	char err[256];
	int i, k;

	for (k = 0; k < d->nmon; k++) {
		for (i = 0; i < options_ngroups(&d->mon[k]->opt); i++) {
			options_group_export(&d->mon[k]->opt, i, &gc);
			need |= export_needs_routes(&gc);
		}
	}
	if (d->opt.no_routes || !need)
		return;
	d->rt = route_open(err, sizeof(err));
	if (!d->rt) {
		pr_warn("%s; next hop, masks and output interface are "
			"exported as 0 (--no-routes: do not read it)\n",
			err);
		return;
	}
	pr_debug("routing table: %zu routes of table main\n",
		 route_count(d->rt));
	for (k = 0; k < d->nmon; k++)
		for (i = 0; i < d->mon[k]->nex; i++)
			d->mon[k]->ex[i]->route = routes_of;
}

/*
 * The BGP speaker of the configuration's bgp block (issue 17): bound
 * before privileges are dropped (port 179 needs them); every exporter
 * then asks it for the ASes and next hop of a flow when exporting it.
 */
static int setup_bgp(struct xflowd *d, int *exit_code)
{
	char err[512];
	int i, k;

	if (!d->opt.cfg || !d->opt.cfg->bgp.enabled)
		return 0;
	d->bgp = bgp_speaker_new(&d->opt.cfg->bgp, err, sizeof(err));
	if (!d->bgp) {
		pr_err("%s:%u: %s\n", d->opt.cfg->file, d->opt.cfg->bgp_line,
		       err);
		*exit_code = 1;
		return -1;
	}
	for (k = 0; k < d->nmon; k++)
		for (i = 0; i < d->mon[k]->nex; i++)
			d->mon[k]->ex[i]->route = routes_of;
	control_set_bgp(d->ctl, view_bgp, d->bgp);
	return 0;
}

/*
 * The i-th interface of the interface options records: the observation
 * points of the captures (a pcapng file has one per interface block,
 * numbered from 1).
 */
static bool ifenum_of(void *ctx, size_t i, uint32_t *ifindex,
		      struct export_if *out)
{
	struct monitor *d = ctx;
	const struct obs_point *op;
	size_t n = 0;
	uint32_t k;
	int c;

	for (c = 0; c < d->ncap; c++) {
		struct capture *cap = d->cap[c];

		/* one point, of any ifindex (libpcap, BPF), unless point()
		 * numbers them from 1 (a pcapng file) */
		if (!cap->ops->point || !cap->ops->point(cap, 1)) {
			op = &cap->op;
			/* the BPF back ends open a capture per queue */
			if (c > 0 && d->cap[c - 1]->op.ifindex == op->ifindex)
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

/*
 * What the kernel says of each observed interface: its current name and
 * alias, whether it is a PPP session, and the configured endpoints of a
 * tunnel interface (packets arrive on it decapsulated). Run at start and
 * whenever the interface table changes; the interface options records
 * are sent again.
 */
static void apply_ifinfo_mon(struct xflowd *x, struct monitor *d)
{
	size_t n;
	int i;

	for (i = 0; i < d->ncap; i++) {
		struct obs_point *op = &d->cap[i]->op;
		const struct ifinfo_entry *e = ifinfo_get(x->ift, op->ifindex);

		if (!e)
			continue;
		snprintf(op->name, sizeof(op->name), "%s", e->name);
		n = strnlen(e->alias, sizeof(op->descr) - 1);
		memcpy(op->descr, e->alias, n);
		op->descr[n] = 0;
		op->pppac = 0;
		op->tun_ver = 0;
		if (pppac_is_ppp(e->name, e->kind)) {
			obs_point_pppac(op, e->alias);
		} else if (e->tun.ver) {
			obs_point_tunnel(op, e->tun.ver, e->tun.local,
					 e->tun.remote);
		}
	}
	for (i = 0; i < d->nex; i++)
		exporter_interfaces_changed(d->ex[i]);
}

static void apply_ifinfo(struct xflowd *d)
{
	int k;

	/* the BPF back ends name their own observation points */
	for (k = 0; k < d->nmon; k++)
		if (d->mon[k]->opt.capture == CAPTURE_PCAP)
			apply_ifinfo_mon(d, d->mon[k]);
	d->ift_gen = ifinfo_generation(d->ift);
}

/* Every exporter's collectors (of every monitor), in turn. */
static size_t ncoll_all(const struct xflowd *d)
{
	size_t n = 0;
	int i, k;

	for (k = 0; k < d->nmon; k++)
		for (i = 0; i < d->mon[k]->nex; i++)
			n += d->mon[k]->ex[i]->ncoll;
	return n;
}

static const struct collector *coll_at(const struct xflowd *d, size_t n)
{
	int i, k;

	for (k = 0; k < d->nmon; k++) {
		for (i = 0; i < d->mon[k]->nex; i++) {
			const struct exporter *ex = d->mon[k]->ex[i];

			if (n < ex->ncoll)
				return ex->coll[n];
			n -= ex->ncoll;
		}
	}
	return NULL;
}

/* A pcap filter that keeps our own export datagrams out of the meter. */
static void own_traffic_filter(const struct xflowd *d, char *buf, size_t len)
{
	size_t i, n = 0;

	buf[0] = 0;
	for (i = 0; i < ncoll_all(d) && n < len; i++) {
		const struct collector *c = coll_at(d, i);
		/* the deepest load: a link header (SLL2's 20 octets at
		 * most), the IPv4 or IPv6 header, the ports */
		int port, guard = 20 + 40 + 4;
		const char *v4 = "";
		char host[64];

		/* a name not resolved yet: filtered from a restart on (the
		 * log says when it resolves) */
		if (!collector_resolved(c))
			continue;
		if (c->addr.ss_family == AF_INET) {
			const struct sockaddr_in *s = (const void *)&c->addr;

			inet_ntop(AF_INET, &s->sin_addr, host, sizeof(host));
			port = ntohs(s->sin_port);
			guard = 20 + 20 + 4;
			v4 = "ip and ip[0] & 0xf = 5 and";
		} else {
			const struct sockaddr_in6 *s = (const void *)&c->addr;

			inet_ntop(AF_INET6, &s->sin6_addr, host, sizeof(host));
			port = ntohs(s->sin6_port);
		}
		/* A filter's load past the end of a frame rejects it: the
		 * length comes first, so that short (malformed) frames reach
		 * the meter and are counted; our own packets have no IPv4
		 * options, the ports of those that do are not looked for.
		 * TCP: the collector's acknowledgements too */
		if (c->tx.proto == TX_TCP)
			n += (size_t)snprintf(buf + n, len - n,
					      "%s(len >= %d and %s tcp and "
					      "((dst host %s and dst port %d) "
					      "or (src host %s and src port "
					      "%d)))",
					      n ? " or " : "not (", guard, v4,
					      host, port, host, port);
		else
			n += (size_t)snprintf(buf + n, len - n,
					      "%s(len >= %d and %s udp and "
					      "dst host %s and dst port %d)",
					      n ? " or " : "not (", guard, v4,
					      host, port);
	}
	if (n && n < len)
		snprintf(buf + n, len - n, ")");
}

/*
 * --capture afxdp|ebpf: captures per queue/ring of each interface of m;
 * the programs skip packets to or from the collectors of every monitor.
 */
static int setup_bpf(struct monitor *m, char *err, size_t errlen)
{
	struct capture_own own[EXPORT_MAX_COLLECTORS];
	struct capture_bpf_cfg cfg = {
		.hook_xdp = m->opt.ebpf_hook == EBPF_HOOK_XDP,
		/* random: the programs draw per packet (deterministic needs
		 * one count across CPUs: the meter's sampler does it) */
		.sample_n = m->opt.export.sampling.mode == SAMPLER_RANDOM
				    ? m->opt.export.sampling.interval
				    : 1,
		.decap = m->mcfg.decap,
		.own = own,
	};
	size_t i;
	int n;

	memset(own, 0, sizeof(own));
	for (i = 0; i < ncoll_all(m->d) && i < EXPORT_MAX_COLLECTORS; i++) {
		const struct collector *c = coll_at(m->d, i);
		struct capture_own *o;

		if (!collector_resolved(c))
			continue;
		o = &own[cfg.nown++];
		if (c->addr.ss_family == AF_INET) {
			const struct sockaddr_in *s = (const void *)&c->addr;

			o->ipver = 4;
			memcpy(o->addr, &s->sin_addr, 4);
			o->port = ntohs(s->sin_port);
		} else {
			const struct sockaddr_in6 *s = (const void *)&c->addr;

			o->ipver = 6;
			memcpy(o->addr, &s->sin6_addr, 16);
			o->port = ntohs(s->sin6_port);
		}
	}
	for (i = 0; i < (size_t)m->opt.nif; i++) {
		cfg.ifname = m->opt.ifname[i];
		cfg.promisc = options_promisc(&m->opt, (int)i);
		if (m->opt.capture == CAPTURE_AFXDP)
			n = capture_afxdp_open(&cfg, worker_on_packet, NULL,
					       m->cap + m->ncap,
					       MAX_CAPS - m->ncap, err, errlen);
		else
			n = capture_ebpf_open(&cfg, worker_on_info, NULL,
					      m->cap + m->ncap,
					      MAX_CAPS - m->ncap, err, errlen);
		if (n < 0)
			return n;
		m->ncap += n;
	}
	return 0;
}

/*
 * BPF back ends: detach the programs, meter what the rings and sockets
 * still hold (before the cache is flushed), collect the kernel's counters.
 */
static void stop_captures(struct monitor *d)
{
	struct capture_kstats *k = &d->kst;
	/* the kernel's counters go to the first worker's */
	struct meter *m = &d->pool.w[0]->meter;
	int i, r;

	for (i = 0; i < d->ncap; i++)
		if (d->cap[i]->ops->stop)
			d->cap[i]->ops->stop(d->cap[i]);
	/* what libpcap's socket holds is metered too: the kernel hands a
	 * TPACKET_V3 block over only when it is full or at the read
	 * timeout, so packets received just before SIGTERM (or a reload
	 * that changes the monitor) wait there up to hold_ms */
	worker_pool_drain(&d->pool);
	for (i = 0; i < d->ncap; i++) {
		if (!d->cap[i]->ops->stop)
			continue;
		while (d->cap[i]->ops->dispatch(d->cap[i], BATCH) > 0)
			;
		if (d->cap[i]->ops->kstats)
			d->cap[i]->ops->kstats(d->cap[i], k);
	}
	/* what the kernel parsed and found not to be a flow */
	m->st.non_ip += k->non_ip;
	m->st.packets += k->non_ip;
	/* what the kernel's sampler passed over */
	m->st.sampled_out += k->sampled_out;
	m->st.packets += k->sampled_out;
	for (r = 1; r <= PARSE_NERR; r++) {
		m->st.malformed[r] += k->malformed[r];
		m->st.packets += k->malformed[r];
	}
	if (k->ring_full)
		pr_warn("%llu packets were not metered: the BPF ring buffer "
			"was full (see ring_full_per_cpu in --stats-file)\n",
			(unsigned long long)k->ring_full);
	if (k->no_socket)
		pr_warn("%llu packets were not metered: no AF_XDP socket on "
			"their queue\n",
			(unsigned long long)k->no_socket);
}

/*
 * Packet selection (--sample N, or a monitor's sampler): in the meter,
 * except random sampling with --capture afxdp|ebpf, which the kernel
 * does (setup_bpf). A file gets a fixed seed: its export repeats.
 */
/*
 * User-space packet selection (--sample N, or a monitor's sampler), a
 * sampler per worker (each selects 1 in N of its own packets); BPF
 * captures draw random samples in the kernel (setup_bpf). A file gets a
 * fixed seed: its export repeats.
 */
static void setup_sampling(struct monitor *d)
{
	const struct export_sampling *s = &d->opt.export.sampling;
	uint64_t seed = 0x7866; /* "xf" */
	int i;

	for (i = 0; i < d->pool.nw; i++)
		meter_set_sampler(&d->pool.w[i]->meter, NULL);
	if (s->mode == SAMPLER_NONE ||
	    (s->mode == SAMPLER_RANDOM && d->opt.capture != CAPTURE_PCAP))
		return;
	if (!d->opt.read &&
	    getrandom(&seed, sizeof(seed), 0) != (ssize_t)sizeof(seed))
		seed = realtime_ns() ^ (uint64_t)getpid() << 32;
	for (i = 0; i < d->pool.nw; i++) {
		struct worker *w = d->pool.w[i];

		sampler_init(&w->smp, s->mode, s->interval,
			     seed + 0x9e3779b97f4a7c15ull * (uint64_t)i);
		meter_set_sampler(&w->meter, &w->smp);
	}
}

/* Where collector i of o comes from, for a message: "--collector" or
 * "FILE:LINE: exporter NAME". */
static void coll_origin(const struct options *o, int i, char *buf, size_t len)
{
	const struct cfg_exporter *x;

	if (!o->cfg || !o->coll_exporter[i]) {
		snprintf(buf, len, "--collector");
		return;
	}
	x = &o->cfg->exporter[o->coll_exporter[i] - 1];
	snprintf(buf, len, "%s:%u: exporter %s:", o->cfg->file, x->line,
		 x->name);
}

/* The exporting processes o describes (one per group of alike exporters),
 * with their collectors, into ex[]; their number, or -1 after saying why
 * (*exit_code: 2 for a bad collector, 1 otherwise: a name the resolver
 * could not look up, reading a file). Live, a collector whose name does
 * not resolve yet is looked up again in the background. */
static int new_exporters(struct monitor *d, const struct options *o,
			 struct exporter **ex, int *exit_code)
{
	struct export_cfg gc;
	char err[512], from[320];
	int g, i, rc, n = options_ngroups(o);

	for (g = 0; g < n; g++) {
		options_group_export(o, g, &gc);
		gc.resolve_later = !o->read;
		ex[g] = exporter_new(&gc);
		if (!ex[g]) {
			pr_err("out of memory\n");
			*exit_code = 1;
			goto fail;
		}
		ex[g]->ifattr = ifattr_of;
		ex[g]->ifenum = ifenum_of;
		ex[g]->ifname_ctx = d;
		ex[g]->meterstats = meterstats_of;
		ex[g]->meterstats_ctx = d;
		for (i = 0; i < o->ncoll; i++) {
			if (o->ngroup && o->coll_group[i] != g)
				continue;
			rc = exporter_add_collector_src(ex[g], o->collector[i],
							o->sport[i],
							o->source[i], err,
							sizeof(err));
			if (rc) {
				coll_origin(o, i, from, sizeof(from));
				pr_err("%s %s\n", from, err);
				*exit_code = rc == -EAGAIN ? 1 : 2;
				g++;
				goto fail;
			}
			exporter_resolve_every(ex[g], ex[g]->ncoll - 1,
					       o->resolve_s[i]);
		}
	}
	return n;
fail:
	while (g-- > 0)
		exporter_free(ex[g]);
	return -1;
}

/* `xflowctl flush`: the flows the caches expired wait in the workers'
 * queues (the caller holds the pool's locks). */
static void export_queues(void *ctx)
{
	struct monitor *d = ctx;
	int i;

	for (i = 0; i < d->pool.nw; i++)
		worker_export(d->pool.w[i]);
}

/* `xflowctl flush`: what d's captures hold is metered first (the caller
 * holds the pool's locks). */
static void drain_captures(void *ctx)
{
	struct monitor *d = ctx;

	worker_pool_drain(&d->pool);
}

/* What the control's views of monitor d are made of. */
static void monitor_src(struct monitor *d, struct control_src *src)
{
	int i;

	*src = (struct control_src){
		.ex = d->ex,
		.nex = &d->nex,
		.cap = d->cap,
		.ncap = &d->ncap,
		.opt = &d->opt,
		.flushed = export_queues,
		.flushed_ctx = d,
		.drain = drain_captures,
	};
	for (i = 0; i < d->pool.nw && i < CONTROL_MAX_WORKERS; i++)
		src->meter[src->nmeter++] = &d->pool.w[i]->meter;
}

/*
 * The workers of monitor d: one per capture (receive queue, ring,
 * interface), at most --workers or one per CPU online. Each gets its share
 * of the cache entries and its captures; a single monitor's single worker
 * runs in the main thread.
 */
static int setup_workers(struct monitor *d, int *exit_code)
{
	struct control_src src;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	int nw = d->ncap, i;
	uint32_t entries;

	if (d->opt.workers && nw > (int)d->opt.workers)
		nw = (int)d->opt.workers;
	if (!d->opt.workers && cpus > 0 && nw > cpus)
		nw = (int)cpus;
	if (nw > WORKER_MAX)
		nw = WORKER_MAX;
	if (nw < 1)
		nw = 1;
	if (worker_pool_init(&d->pool, nw))
		goto nomem;
	d->pool.threaded |= d->d->threaded;
	d->pool.ex = d->ex;
	d->pool.nex = &d->nex;
	d->pool.tick = export_tick;
	d->pool.tick_ctx = d;
	entries = (d->opt.cache_size + (uint32_t)nw - 1) / (uint32_t)nw;
	for (i = 0; i < nw; i++) {
		struct worker *w = d->pool.w[i];

		w->meter.fc = flowcache_new(entries,
					    (uint64_t)d->opt.active_s * NS,
					    (uint64_t)d->opt.inactive_s * NS,
					    worker_flow_expired, w);
		if (!w->meter.fc) {
			pr_err("--cache-size %u: cannot allocate the flow "
			       "cache: %s\n",
			       d->opt.cache_size, strerror(errno));
			*exit_code = 1;
			return -1;
		}
		flowcache_set_key_len(w->meter.fc, d->mcfg.key_len);
		w->meter.cfg = &d->mcfg;
	}
	for (i = 0; i < d->ncap; i++) {
		struct worker *w = d->pool.w[i % nw];

		w->cap[w->ncap++] = d->cap[i];
		d->cap[i]->cb_ctx = w;
	}
	if (d->pool.threaded)
		pr_info("%s: %d metering thread%s for %d capture%s\n",
			monitor_name(d), nw, nw == 1 ? "" : "s", d->ncap,
			d->ncap == 1 ? "" : "s");
	/* expired flows pass through the control's activity summary */
	monitor_src(d, &src);
	d->idx = control_add(d->d->ctl, &src);
	if (d->idx < 0)
		goto nomem;
	d->pool.ctl = d->d->ctl;
	d->pool.ctl_src = d->idx;
	setup_sampling(d);
	return 0;
nomem:
	pr_err("out of memory\n");
	*exit_code = 1;
	return -1;
}

/* Monitor m's captures: the file, the BPF back ends, or libpcap. */
static int setup_captures(struct monitor *m, int *exit_code)
{
	char err[512], filter[4096];
	int i;

	if (m->opt.read) {
		m->cap[0] = capture_pcap_file(m->opt.read, worker_on_packet,
					      NULL, err, sizeof(err));
		if (!m->cap[0])
			goto fail;
		m->ncap = 1;
		return 0;
	}
	if (m->opt.capture != CAPTURE_PCAP) {
		if (setup_bpf(m, err, sizeof(err)) < 0)
			goto fail;
		return 0;
	}
	own_traffic_filter(m->d, filter, sizeof(filter));
	for (i = 0; i < m->opt.nif; i++) {
		m->cap[i] = capture_pcap_live(m->opt.ifname[i], m->opt.ifdir[i],
					      options_promisc(&m->opt, i),
					      filter, worker_on_packet, NULL,
					      err, sizeof(err));
		if (!m->cap[i])
			goto fail;
		m->ncap++;
	}
	return 0;
fail:
	if (m->cfg)
		pr_err("monitor %s: %s\n", monitor_name(m), err);
	else
		pr_err("%s\n", err);
	*exit_code = 1;
	return -1;
}

/*
 * The monitors: the command line's one, or -f's that run (attached to an
 * interface, or all of them for --read), each with a private copy of the
 * configuration (a reload replaces them one by one).
 */
static int setup_monitors(struct xflowd *d, int *exit_code)
{
	const struct config *cfg = d->opt.cfg;
	struct monitor *m;
	int k;

	for (k = 0; k < (cfg ? cfg->nmonitor : 1); k++) {
		m = calloc(1, sizeof(*m));
		if (!m)
			goto nomem;
		m->d = d;
		m->idx = -1;
		if (!cfg) {
			options_move(&m->opt, &d->opt);
			d->mon[d->nmon++] = m;
			break;
		}
		m->cfg = config_copy(cfg);
		if (!m->cfg) {
			free(m);
			goto nomem;
		}
		/* options_parse() checked them all */
		if (options_monitor(&m->opt, &d->opt, m->cfg, k) != 0) {
			pr_info("monitor %s is on no interface: not run\n",
				cfg->monitor[k].name);
			config_free(m->cfg);
			free(m);
			continue;
		}
		d->mon[d->nmon++] = m;
	}
	/* live, several monitors meter in threads; a file is read by each
	 * in turn in the main thread */
	d->threaded = d->nmon > 1 && !d->opt.read;
	return 0;
nomem:
	pr_err("out of memory\n");
	*exit_code = 1;
	return -1;
}

/* --read with several monitors: each reads the file from its start, which
 * a pipe ("-", /dev/stdin) cannot give. */
static int check_rereadable(const struct xflowd *d, int *exit_code)
{
	const char *path = d->opt.read;
	struct stat st;
	int rc;

	if (!path || d->nmon < 2)
		return 0;
	rc = strcmp(path, "-") == 0 ? fstat(STDIN_FILENO, &st)
				    : stat(path, &st);
	if (rc == 0 && !S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode)) {
		pr_err("--read %s: %d monitors each read the file from its "
		       "start, and this is not a file that can be read again "
		       "(a pipe?): give a file, or a configuration of one "
		       "monitor\n",
		       path, d->nmon);
		*exit_code = 2;
		return -1;
	}
	return 0;
}

static int setup(struct xflowd *d, int *exit_code)
{
	char err[512];
	struct monitor *m;
	bool pcap = false;
	int i, k;

	/* now: once privileges are dropped its directory may be out of reach */
	if (d->opt.stats_file) {
		bool refused;
		int fd = safefile_create(d->opt.stats_file, 0640, &refused, err,
					 sizeof(err));

		d->stats = fd >= 0 ? fdopen(fd, "w") : NULL;
		if (!d->stats) {
			if (fd >= 0) {
				snprintf(err, sizeof(err), "%s: %s",
					 d->opt.stats_file, strerror(errno));
				close(fd);
			}
			pr_err("--stats-file %s\n", err);
			*exit_code = refused ? 2 : 1;
			return -1;
		}
	}
	if (setup_monitors(d, exit_code) || check_rereadable(d, exit_code))
		return -1;
	d->ctl = control_new(&d->opt);
	if (!d->ctl) {
		pr_err("out of memory\n");
		*exit_code = 1;
		return -1;
	}
	/* every exporter first: each capture filters out all collectors */
	for (k = 0; k < d->nmon; k++) {
		m = d->mon[k];
		m->nex = new_exporters(m, &m->opt, m->ex, exit_code);
		if (m->nex < 0) {
			m->nex = 0;
			return -1;
		}
		meter_configure(&m->mcfg, m->opt.export.tmpl,
				m->opt.export.ntmpl);
	}
	setup_routes(d);
	if (setup_bgp(d, exit_code))
		return -1;
	for (k = 0; k < d->nmon; k++) {
		m = d->mon[k];
		if (setup_captures(m, exit_code) || setup_workers(m, exit_code))
			return -1;
	}
	if (d->opt.read)
		return 0;
	/* names, aliases and tunnel endpoints from the kernel, kept current
	 * (libpcap: the BPF back ends name their own) */
	for (k = 0; k < d->nmon; k++)
		pcap |= d->mon[k]->opt.capture == CAPTURE_PCAP;
	if (pcap) {
		d->ift = ifinfo_open(err, sizeof(err));
		if (d->ift)
			apply_ifinfo(d);
		else
			pr_warn("interface table: %s; interface names are "
				"those given and tunnel interfaces have no "
				"endpoints\n",
				err);
	}
	/* live: the sysUpTime origin is the start of xflowd */
	for (k = 0; k < d->nmon; k++)
		for (i = 0; i < d->mon[k]->nex; i++)
			exporter_set_base(d->mon[k]->ex[i], realtime_ns());
	return 0;
}

/* Everything is open: go on as --user with no capabilities (privdrop.h). */
static int drop_privileges(const struct xflowd *d, int *exit_code)
{
	const struct privdrop *p = &d->opt.priv;
	char err[512];

	if (privdrop_apply(p, err, sizeof(err))) {
		pr_err("%s\n", err);
		*exit_code = 1;
		return -1;
	}
	if (!p->keep)
		pr_debug("running as uid %u gid %u with no capabilities\n",
			 (unsigned)getuid(), (unsigned)getgid());
	return 0;
}

/* Do a and b observe the same interfaces, the same way? */
static bool same_observation(const struct options *a, const struct options *b)
{
	int i;

	if (a->nif != b->nif || a->capture != b->capture ||
	    a->ebpf_hook != b->ebpf_hook)
		return false;
	for (i = 0; i < a->nif; i++)
		if (strcmp(a->ifname[i], b->ifname[i]) != 0 ||
		    a->ifdir[i] != b->ifdir[i] ||
		    options_promisc(a, i) != options_promisc(b, i))
			return false;
	return true;
}

static bool same_collectors(const struct options *a, const struct options *b)
{
	int i;

	if (a->ncoll != b->ncoll)
		return false;
	for (i = 0; i < a->ncoll; i++)
		if (strcmp(a->collector[i], b->collector[i]) != 0)
			return false;
	return true;
}

/*
 * Apply n, a changed configuration of monitor d observing the same
 * interfaces: the flows cached so far are exported with the settings they
 * were metered under, then the exporter, templates, cache and sampler are
 * n's. The counters go on (the new exporter's collectors that were there
 * before keep theirs); a UDP collector in the same version and domain
 * keeps its socket and sequence numbers (exporter_continue), others start
 * a new transport session. 0, or -1 with the old configuration still
 * running.
 */
static int apply_reload(struct monitor *d, struct options *n)
{
	struct exporter *ex[EXPORT_MAX_COLLECTORS];
	struct exporter *old[EXPORT_MAX_COLLECTORS] = { NULL };
	struct flowcache *fc[WORKER_MAX] = { NULL };
	struct control_src src;
	uint32_t entries = (n->cache_size + (uint32_t)d->pool.nw - 1) /
			   (uint32_t)d->pool.nw;
	int rc = 0, k, nex, nold = d->nex, a, b;
	size_t i, j;

	nex = new_exporters(d, n, ex, &rc);
	if (nex < 0)
		return -1;
	for (k = 0; k < d->pool.nw && n->cache_size != d->opt.cache_size; k++) {
		fc[k] = flowcache_new(entries, (uint64_t)n->active_s * NS,
				      (uint64_t)n->inactive_s * NS,
				      worker_flow_expired, d->pool.w[k]);
		if (!fc[k]) {
			pr_err("reload: cache-entries %u: %s\n", n->cache_size,
			       strerror(errno));
			while (k-- > 0)
				flowcache_free(fc[k]);
			for (k = 0; k < nex; k++)
				exporter_free(ex[k]);
			return -1;
		}
	}
	/* everything metered so far goes out as it was configured */
	for (k = 0; k < d->pool.nw; k++) {
		struct worker *w = d->pool.w[k];

		meter_flush(&w->meter);
		flowcache_flush(w->meter.fc, FLOW_END_FORCED);
		worker_export(w);
	}
	for (a = 0; a < nold; a++) {
		old[a] = d->ex[a];
		exporter_drain(old[a],
			       (uint64_t)d->opt.export.tcp_linger_s * NS);
	}
	/* the counters go on: the first process's, and each collector's
	 * that was there before (by name) */
	if (nold)
		ex[0]->stats = old[0]->stats;
	for (a = 0; a < nex; a++) {
		for (i = 0; i < ex[a]->ncoll; i++)
			for (b = 0; b < nold; b++)
				for (j = 0; j < old[b]->ncoll; j++)
					if (strcmp(ex[a]->coll[i]->name,
						   old[b]->coll[j]->name) == 0)
						ex[a]->coll[i]->stats =
							old[b]->coll[j]->stats;
		if (nold)
			exporter_set_base(ex[a], old[0]->base_ns);
		/* an unchanged domain's collectors go on: same socket, the
		 * sequence numbers continued */
		for (b = 0; b < nold; b++)
			exporter_continue(ex[a], old[b]);
		if (d->d->rt || d->d->bgp)
			ex[a]->route = routes_of;
	}
	for (a = 0; a < nold; a++)
		exporter_free(old[a]);
	for (a = 0; a < nex; a++)
		d->ex[a] = ex[a];
	d->nex = nex;

	options_move(&d->opt, n);
	meter_configure(&d->mcfg, d->opt.export.tmpl, d->opt.export.ntmpl);
	for (k = 0; k < d->pool.nw; k++) {
		struct worker *w = d->pool.w[k];

		if (fc[k]) {
			fc[k]->stats = w->meter.fc->stats;
			flowcache_free(w->meter.fc);
			w->meter.fc = fc[k];
		}
		w->meter.fc->active_ns = (uint64_t)d->opt.active_s * NS;
		w->meter.fc->inactive_ns = (uint64_t)d->opt.inactive_s * NS;
		flowcache_set_key_len(w->meter.fc, d->mcfg.key_len);
	}
	setup_sampling(d);
	monitor_src(d, &src);
	control_set(d->d->ctl, d->idx, &src);
	if (!d->d->rt)
		setup_routes(d->d);
	return 0;
}

static void finish_monitor(struct monitor *m);
static void sum_stats(const struct monitor *d, struct meter_stats *m,
		      struct flowcache_stats *fs);

/*
 * A monitor the configuration no longer has (or attaches to no
 * interface): its flows are exported, then it stops metering (its
 * workers stopped, its captures closed). Its pool's locks are released
 * here (serve() holds them).
 */
static void remove_monitor(struct xflowd *d, int k)
{
	struct monitor *m = d->mon[k];
	int i;

	/* the caller holds every pool's locks: this one's workers finish
	 * their round and stop, then all is the main thread's, as at exit */
	control_set(d->ctl, m->idx, NULL);
	worker_pool_unlock(&m->pool);
	worker_pool_stop(&m->pool);
	finish_monitor(m);
	/* what it counted stays in the totals of --stats-file */
	sum_stats(m, &m->gone_st, &m->gone_fs);
	if (m->nex)
		m->gone_xs = m->ex[0]->stats;
	for (i = 0; i < m->nex; i++)
		exporter_free(m->ex[i]);
	m->nex = 0;
	worker_pool_free(&m->pool);
	for (i = 0; i < m->ncap; i++)
		capture_close(m->cap[i]);
	m->ncap = 0;
	m->gone = true;
	d->gone[d->ngone++] = m;
	memmove(&d->mon[k], &d->mon[k + 1],
		(size_t)(d->nmon - k - 1) * sizeof(d->mon[0]));
	d->nmon--;
}

/* Monitor m's interfaces unchanged in the new configuration's monitor mi,
 * and the monitor itself? */
static bool monitor_unchanged(const struct monitor *m, const struct options *n)
{
	return config_monitor_equal(m->cfg, m->opt.monitor, n->cfg,
				    n->monitor) &&
	       same_observation(&m->opt, n);
}

/*
 * One monitor of the file read again (n: its new options, on cfg, a copy
 * the monitor takes when it takes n). Returns what became of it.
 */
static const char *reload_monitor(struct monitor *m, struct options *n)
{
	struct config *old = m->cfg;
	bool same_coll = same_collectors(&m->opt, n);

	if (monitor_unchanged(m, n)) {
		/* the names and descriptions may have changed */
		options_move(&m->opt, n);
		m->cfg = n->cfg;
		config_free(old);
		return "unchanged; flows stay cached";
	}
	if (!same_observation(&m->opt, n)) {
		pr_warn("reload: monitor %s changed its interfaces or how "
			"they are captured: restart xflowd to apply that; it "
			"runs on as it was\n",
			monitor_name(m));
		return NULL;
	}
	if (m->opt.capture != CAPTURE_PCAP &&
	    (!same_coll || memcmp(&m->opt.export.sampling, &n->export.sampling,
				  sizeof(n->export.sampling)) != 0)) {
		pr_warn("reload: monitor %s changed the collectors or the "
			"sampler of a BPF capture (its programs hold them): "
			"restart xflowd to apply that; it runs on as it was\n",
			monitor_name(m));
		return NULL;
	}
	if (apply_reload(m, n) != 0)
		return NULL;
	m->cfg = n->cfg;
	config_free(old);
	/* The capture keeps its filter: libpcap installs a new one only
	 * after discarding what the socket holds, packets already metered
	 * by nobody. The new collectors' datagrams are filtered out after a
	 * restart. */
	if (!m->opt.read && !same_coll)
		pr_warn("reload: the capture still filters out the collectors "
			"it started with: restart xflowd if the new ones are "
			"reached through an observed interface\n");
	return "applied; the flows cached before were exported";
}

/* Every monitor's workers wait between their rounds (pools in order,
 * each: worker locks, then its ex_lock). */
static void lock_all(struct xflowd *d)
{
	int k;

	for (k = 0; k < d->nmon; k++)
		worker_pool_lock(&d->mon[k]->pool);
}

static void unlock_all(struct xflowd *d)
{
	int k;

	for (k = d->nmon - 1; k >= 0; k--)
		worker_pool_unlock(&d->mon[k]->pool);
}

/*
 * SIGHUP or `xflowctl reload`: read the configuration file again, each
 * monitor on its own (by name). An unchanged monitor keeps running with
 * its cache intact (nothing metered is lost). A changed one is applied
 * when it observes the same interfaces the same way: the flows cached so
 * far are exported first (apply_reload). A removed one exports its flows
 * and stops. Changed interfaces or capture, and new monitors, need a
 * restart (a capture is opened with privileges xflowd no longer has); an
 * unreadable or invalid file changes nothing.
 */
/* Collectors move: on reload every name is looked up again (in the
 * background; a new address is taken when the answer comes). */
static void resolve_all(struct xflowd *d)
{
	int k, i;

	for (k = 0; k < d->nmon; k++)
		for (i = 0; i < d->mon[k]->nex; i++)
			exporter_resolve(d->mon[k]->ex[i]);
}

static void reload(struct xflowd *d)
{
	const char *file = d->opt.config_file;
	struct options *n;
	struct config *cfg;
	int k, mi;

	reload_signal = 0;
	if (!d->opt.cfg) {
		pr_info("reload: no configuration file (-f): collector "
			"names looked up again, nothing else to reload\n");
		resolve_all(d);
		return;
	}
	n = malloc(sizeof(*n));
	if (!n)
		return;
	/* the file is read while the workers meter on: only applying it
	 * stops them (between their rounds) */
	cfg = options_reload(&d->opt);
	if (!cfg) {
		pr_err("reload: %s not loaded, running on\n", file);
		free(n);
		return;
	}
	lock_all(d);
	for (k = 0; k < d->nmon; k++) {
		struct monitor *m = d->mon[k];
		const char *what;
		struct config *copy;

		mi = config_find_monitor(cfg, monitor_name(m));
		copy = mi >= 0 ? config_copy(cfg) : NULL;
		if (mi >= 0 && !copy) {
			pr_err("reload: out of memory\n");
			break;
		}
		if (mi < 0 || options_monitor(n, &m->opt, copy, mi) != 0) {
			pr_info("reload: %s: monitor %s %s; its flows were "
				"exported\n",
				file, monitor_name(m),
				mi < 0 ? "removed" : "is on no interface now");
			config_free(copy);
			remove_monitor(d, k--);
			continue;
		}
		what = reload_monitor(m, n);
		if (!what) {
			config_free(copy);
			continue;
		}
		if (d->nmon == 1 && cfg->nmonitor == 1)
			pr_info("reload: %s %s\n", file, what);
		else
			pr_info("reload: %s: monitor %s %s\n", file,
				monitor_name(m), what);
	}
	for (mi = 0; mi < cfg->nmonitor; mi++) {
		for (k = 0; k < d->nmon; k++)
			if (strcmp(monitor_name(d->mon[k]),
				   cfg->monitor[mi].name) == 0)
				break;
		if (k == d->nmon &&
		    (d->opt.read || config_monitor_used(cfg, mi)))
			pr_warn("reload: %s: monitor %s is new: restart xflowd "
				"to start it\n",
				file, cfg->monitor[mi].name);
	}
	resolve_all(d);
	if (d->nmon == 0)
		pr_warn("reload: %s: no monitor runs any more; xflowd only "
			"answers xflowctl now\n",
			file);
	/* a monitor the reload removed has released its pool's locks */
	unlock_all(d);
	config_free(cfg);
	free(n);
}

/* The main thread's turn at the control socket and a reload: the
 * workers wait between their rounds while it serves, and while reload()
 * applies a configuration (not while it reads the file). */
static void serve(struct xflowd *d)
{
	bool want_reload;

	lock_all(d);
	control_serve(d->ctl);
	want_reload = reload_signal ||
		      (d->ctl && control_reload_requested(d->ctl));
	unlock_all(d);
	if (want_reload)
		reload(d);
}

/*
 * The speaker's turn: on input, else every 100 ms for its timers; the
 * exporters' lookups wait meanwhile.
 */
static void bgp_turn(struct xflowd *d, bool input)
{
	uint64_t now = realtime_ns();

	if (!d->bgp || (!input && now < d->bgp_next_ns))
		return;
	lock_all(d);
	bgp_speaker_process(d->bgp);
	unlock_all(d);
	d->bgp_next_ns = now + NS / 10;
}

/*
 * --read with BGP: the table first. Waits until every neighbor has sent
 * End-of-RIB, at most wait-end-of-rib seconds, so that the file's flows
 * are exported with the routes a live run would have had.
 */
static void bgp_wait_table(struct xflowd *d)
{
	uint32_t limit = d->opt.cfg->bgp.wait_eor_s;
	uint64_t end = realtime_ns() + (uint64_t)limit * NS;
	struct pollfd pfd[BGP_NFDS];

	while (!stop_signal && !bgp_speaker_synced(d->bgp) &&
	       realtime_ns() < end) {
		int n = bgp_speaker_fds(d->bgp, pfd);

		if (poll(pfd, (nfds_t)n, 100) < 0 && errno != EINTR)
			break;
		bgp_speaker_process(d->bgp);
	}
	if (bgp_speaker_synced(d->bgp))
		pr_info("bgp: every neighbor's table is in: metering\n");
	else if (limit)
		pr_warn("bgp: not every neighbor sent End-of-RIB within %u s "
			"(wait-end-of-rib): metering with the routes there "
			"are\n",
			limit);
}

/* --read: each monitor meters the file (its own reader) a batch in turn. */
static int run_file(struct xflowd *d)
{
	int i, k, n, left = d->nmon;

	if (d->bgp)
		bgp_wait_table(d);
	while (!stop_signal && left) {
		for (k = 0; k < d->nmon; k++) {
			struct monitor *m = d->mon[k];
			struct capture *cap = m->cap[0];

			if (m->eof)
				continue;
			m->pool.w[0]->meter.cpu = this_cpu();
			n = cap->ops->dispatch(cap, BATCH);
			if (n == -ENODATA) {
				m->eof = true;
			} else if (n < 0) {
				pr_err("%s: read error; exporting what was "
				       "metered\n",
				       d->opt.read);
				return 1;
			}
		}
		serve(d);
		bgp_turn(d, false);
		/* paced records leave at their rate while the file is read */
		for (k = 0; k < d->nmon; k++)
			for (i = 0; i < d->mon[k]->nex; i++)
				exporter_pace(d->mon[k]->ex[i],
					      export_mono_ns());
		/* a reload may have removed monitors */
		left = 0;
		for (k = 0; k < d->nmon; k++)
			left += !d->mon[k]->eof;
	}
	return 0;
}

/* How long the main loop may sleep (at most max ms): until the next
 * paced record may leave. */
static int pace_wait_ms(struct xflowd *d, int max)
{
	uint64_t now = export_mono_ns(), due = UINT64_MAX, t;
	int i, k;

	for (k = 0; k < d->nmon; k++) {
		struct monitor *m = d->mon[k];

		pthread_mutex_lock(&m->pool.ex_lock);
		for (i = 0; i < m->nex; i++) {
			t = exporter_pace_due(m->ex[i], now);
			if (t < due)
				due = t;
		}
		pthread_mutex_unlock(&m->pool.ex_lock);
	}
	if (due <= now)
		return 0;
	if (due - now >= (uint64_t)max * 1000000)
		return max;
	return (int)((due - now + 999999) / 1000000);
}

/*
 * Live: the main thread polls the routing and interface tables and the
 * control socket; with one worker it meters too, else the workers' threads
 * do, and it runs the exporters' timers.
 */
static int run_live(struct xflowd *d)
{
	struct pollfd pfd[MAX_CAPS + 2 + BGP_NFDS + CONTROL_NFDS];
	struct monitor *m0 = d->mon[0];
	bool inline_w = d->nmon == 1 && !m0->pool.threaded;
	int i, k, n, nfd = 0, nfix, nctl, nbgp = 0, rtfd = -1, iffd = -1;
	int rc = 0;
	bool warned = false;

	if (d->rt) {
		rtfd = nfd;
		pfd[nfd].fd = route_fd(d->rt);
		pfd[nfd++].events = POLLIN;
	}
	if (d->ift) {
		iffd = nfd;
		pfd[nfd].fd = ifinfo_fd(d->ift);
		pfd[nfd++].events = POLLIN;
	}
	/* one worker in this thread: its captures' descriptors too */
	nfix = nfd;
	for (i = 0; inline_w && i < m0->ncap; i++) {
		pfd[nfd].fd = m0->cap[i]->ops->fd(m0->cap[i]);
		pfd[nfd++].events = POLLIN;
	}
	for (k = 0; k < d->nmon; k++)
		if (worker_pool_start(&d->mon[k]->pool))
			return 1;
	while (!stop_signal) {
		uint64_t now;

		/* BGP's and the control's go last, after the fixed ones */
		if (d->bgp)
			nbgp = bgp_speaker_fds(d->bgp, pfd + nfd);
		nctl = control_fds(d->ctl, pfd + nfd + nbgp);
		n = poll(pfd, (nfds_t)(nfd + nbgp + nctl),
			 control_busy(d->ctl) ? 0 : pace_wait_ms(d, 100));
		if (n < 0 && errno != EINTR) {
			pr_err("poll: %s\n", strerror(errno));
			rc = 1;
			break;
		}
		if (n > 0 && ((rtfd >= 0 && (pfd[rtfd].revents & POLLIN)) ||
			      (iffd >= 0 && (pfd[iffd].revents & POLLIN)))) {
			/* the exporters' callbacks read both tables */
			lock_all(d);
			if (rtfd >= 0 && (pfd[rtfd].revents & POLLIN))
				route_process(d->rt);
			if (iffd >= 0 && (pfd[iffd].revents & POLLIN)) {
				ifinfo_process(d->ift);
				if (ifinfo_generation(d->ift) != d->ift_gen)
					apply_ifinfo(d);
			}
			unlock_all(d);
		}
		if (inline_w &&
		    !worker_round(m0->pool.w[0], BATCH, realtime_ns(), &i) &&
		    !warned) {
			pr_warn("capture: %s; running on\n", strerror(-i));
			warned = true;
		}
		serve(d);
		for (i = 0; n > 0 && i < nbgp; i++)
			if (pfd[nfd + i].revents)
				break;
		bgp_turn(d, n > 0 && i < nbgp);
		/* a reload may have removed the inline worker's monitor */
		if (inline_w && m0->gone) {
			inline_w = false;
			nfd = nfix;
		}
		now = realtime_ns();
		for (k = 0; k < d->nmon; k++) {
			struct monitor *m = d->mon[k];

			pthread_mutex_lock(&m->pool.ex_lock);
			for (i = 0; i < m->nex; i++)
				exporter_poll(m->ex[i]);
			/* one worker ticks the exporter in its round */
			if (m->pool.threaded && now >= m->next_tick_ns)
				export_tick(m, now);
			pthread_mutex_unlock(&m->pool.ex_lock);
		}
	}
	for (k = 0; k < d->nmon; k++)
		worker_pool_stop(&d->mon[k]->pool);
	return rc;
}

/* Packets no configured template describes are counted, and said. */
static void report_nofit(const struct meter_stats *m)
{
	static const char *const what[NOFIT_N] = {
		[NOFIT_IPV4] = "IPv4 (add an ipv4-* template)",
		[NOFIT_IPV6] = "IPv6 (add an ipv6-* template)",
		[NOFIT_TUNNEL] = "tunnelled (add a tun4-/tun6- template "
				 "for it)",
		[NOFIT_PPPAC] = "PPP session (add a pppac template)",
	};
	int r;

	for (r = 0; r < NOFIT_N; r++)
		if (m->nofit[r])
			pr_warn("%llu %s packets (%llu octets) fit no "
				"configured template and were not exported\n",
				(unsigned long long)m->nofit[r], what[r],
				(unsigned long long)m->nofit_octets[r]);
}

/* dst[i] += src[i]: counter structs of uint64_t only */
static void add_u64(void *dst, const void *src, size_t len)
{
	uint64_t *a = dst;
	const uint64_t *b = src;
	size_t k;

	for (k = 0; k < len / 8; k++)
		a[k] += b[k];
}

/* The workers' meter and cache counters (a removed monitor's, as kept),
 * added to *m and *fs (threads stopped). */
static void sum_stats(const struct monitor *d, struct meter_stats *m,
		      struct flowcache_stats *fs)
{
	int i;

	if (d->gone) {
		add_u64(m, &d->gone_st, sizeof(*m));
		add_u64(fs, &d->gone_fs, sizeof(*fs));
		return;
	}
	for (i = 0; i < d->pool.nw; i++) {
		add_u64(m, &d->pool.w[i]->meter.st, sizeof(*m));
		add_u64(fs, &d->pool.w[i]->meter.fc->stats, sizeof(*fs));
	}
}

/* The k-th monitor of the run: running ones, then removed ones. */
static const struct monitor *mon_at(const struct xflowd *d, int k)
{
	return k < d->nmon ? d->mon[k] : d->gone[k - d->nmon];
}

/*
 * Every monitor's counters, running and removed by reloads, as `xflowctl
 * show statistics --json` renders them (views_stats.c), written and the
 * file closed. 0, or -1 after saying why (a full disk, EIO: the counters
 * the operator asked for are lost, which the exit status says).
 */
static int write_stats(struct xflowd *d, const char *path)
{
	const struct view_snapshot *set[2 * MAX_MON];
	struct view_protos none = { 0 };
	struct view_snapshot *snap;
	struct control_src src;
	struct vbuf b = { 0 };
	FILE *f = d->stats;
	int k, n = d->nmon + d->ngone;

	if (!f) {
		pr_err("--stats-file %s: %s\n", path, strerror(errno));
		return -1;
	}
	d->stats = NULL;
	snap = calloc((size_t)n + 1, sizeof(*snap));
	for (k = 0; snap && k < n; k++) {
		const struct monitor *mo = mon_at(d, k);
		struct control_removed r = {
			.name = monitor_name(mo),
			.st = &mo->gone_st,
			.fs = &mo->gone_fs,
			.xs = &mo->gone_xs,
			.capture_drops = mo->cap_drops,
			.kst = mo->opt.capture != CAPTURE_PCAP ? &mo->kst
							       : NULL,
			.fst = mo->opt.read ? &mo->fst : NULL,
		};

		if (mo->gone) {
			control_snapshot_removed(&r, &snap[k]);
		} else {
			/* the captures stopped (finish_monitor) */
			monitor_src(d->mon[k], &src);
			src.stopped = true;
			control_snapshot(&src, &none, &snap[k]);
		}
		set[k] = &snap[k];
	}
	if (snap)
		view_stats_json(&b, set, (size_t)n, true);
	free(snap);
	if (!snap || b.oom || fwrite(b.p, 1, b.len, f) != b.len) {
		pr_err("--stats-file %s: %s\n", path,
		       !snap || b.oom ? "out of memory"
				      : strerror(errno ? errno : EIO));
		vb_free(&b);
		fclose(f);
		return -1;
	}
	vb_free(&b);
	/* a write error may show at the flush or only at the close */
	if (fflush(f) != 0 || ferror(f)) {
		pr_err("--stats-file %s: %s\n", path,
		       strerror(errno ? errno : EIO));
		fclose(f);
		return -1;
	}
	if (fclose(f) != 0) {
		pr_err("--stats-file %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* End of input or a signal: nothing monitor m metered is lost. */
static void finish_monitor(struct monitor *m)
{
	int i;

	/* the worker threads have stopped: all is the main thread's */
	stop_captures(m);
	for (i = 0; i < m->pool.nw; i++) {
		struct worker *w = m->pool.w[i];

		meter_flush(&w->meter);
		flowcache_flush(w->meter.fc, FLOW_END_FORCED);
		worker_read_drops(w);
		worker_export(w);
		m->cap_drops += w->drops;
	}
	for (i = 0; i < m->ncap; i++)
		if (m->cap[i]->ops->fstats)
			m->cap[i]->ops->fstats(m->cap[i], &m->fst);
	/* a file's paced records all leave, at the rate (the queue bound
	 * over the rate bounds the time); at a signal (also one during
	 * this wait) they get the time TCP collectors get, then the rest
	 * is counted as not sent */
	for (i = 0; i < m->nex && m->opt.read; i++)
		while (!stop_signal && exporter_pace_step(m->ex[i], UINT64_MAX))
			;
	/* TCP collectors get a while to take what is queued */
	for (i = 0; i < m->nex; i++)
		exporter_drain(m->ex[i],
			       (uint64_t)m->opt.export.tcp_linger_s * NS);
}

static void free_monitor(struct monitor *m)
{
	int i;

	/* the exporter's last flush may name interfaces: captures last */
	if (!m->gone)
		worker_pool_free(&m->pool);
	for (i = 0; i < m->nex; i++)
		exporter_free(m->ex[i]);
	for (i = 0; i < m->ncap; i++)
		capture_close(m->cap[i]);
	config_free(m->cfg);
	free(m);
}

int main(int argc, char **argv)
{
	struct xflowd *d = calloc(1, sizeof(*d));
	struct sigaction sa = { .sa_handler = on_signal };
	int rc, exit_code = 0, k;

	if (!d)
		return 1;
	rc = options_parse(&d->opt, argc, argv);
	if (rc) {
		free(d);
		return rc == 1 ? 0 : 2;
	}
	if (d->opt.verbose)
		log_level = LOG_LVL_DEBUG;

	/* no SA_RESTART: poll() returns at once on SIGTERM */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = on_hup;
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (setup(d, &exit_code) == 0 &&
	    control_listen(d->ctl, &exit_code) == 0 &&
	    drop_privileges(d, &exit_code) == 0) {
		struct meter_stats mst = { 0 };
		struct flowcache_stats fst = { 0 };

		exit_code = d->opt.read ? run_file(d) : run_live(d);
		for (k = 0; k < d->nmon; k++)
			finish_monitor(d->mon[k]);
		for (k = 0; k < d->nmon + d->ngone; k++)
			sum_stats(mon_at(d, k), &mst, &fst);
		report_nofit(&mst);
		if (d->opt.stats_file &&
		    write_stats(d, d->opt.stats_file) < 0 && exit_code == 0)
			exit_code = 1;
		if (stop_signal)
			pr_info("signal %d: flushed the cache, exiting\n",
				(int)stop_signal);
	}

	for (k = 0; k < d->nmon; k++)
		free_monitor(d->mon[k]);
	for (k = 0; k < d->ngone; k++)
		free_monitor(d->gone[k]);
	control_free(d->ctl);
	bgp_speaker_free(d->bgp);
	ifinfo_close(d->ift);
	route_close(d->rt);
	config_free(d->opt.cfg);
	if (d->stats)
		fclose(d->stats);
	free(d);
	return exit_code;
}
