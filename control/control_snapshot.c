// SPDX-License-Identifier: BSD-2-Clause
/*
 * control_snapshot.c - what the views show, read from the daemon: the
 * meters' and caches' counters summed over the workers, the exporter and
 * its collectors (with their sockets' local addresses), the templates, the
 * observation points.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "../config/config.h"
#include "../config/config_ios_int.h"
#include "control.h"

static uint64_t real_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void sum_u64(uint64_t *to, const uint64_t *from, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		to[i] += from[i];
}

static void collector_view(struct view_collector *v, const struct collector *c)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	int val;

	snprintf(v->name, sizeof(v->name), "%s", c->name);
	snprintf(v->dest, sizeof(v->dest), "%s", c->name);
	if (!collector_resolved(c)) {
		snprintf(v->dst, sizeof(v->dst), "%.32s (unresolved)", c->host);
		v->dst_port = (uint16_t)atoi(c->port);
	} else if (c->addr.ss_family == AF_INET6) {
		const struct sockaddr_in6 *s = (const void *)&c->addr;

		inet_ntop(AF_INET6, &s->sin6_addr, v->dst, sizeof(v->dst));
		v->dst_port = ntohs(s->sin6_port);
	} else {
		const struct sockaddr_in *s = (const void *)&c->addr;

		inet_ntop(AF_INET, &s->sin_addr, v->dst, sizeof(v->dst));
		v->dst_port = ntohs(s->sin_port);
	}
	v->tcp = c->tx.proto == TX_TCP;
	v->up = c->tx.state == TX_UP;
	v->dscp = v->ttl = -1;
	v->st = c->stats;
	v->queued_octets = c->tx.queued;
	v->queued_msgs = c->tx.nqueued;
	if (c->fd < 0 || getsockname(c->fd, (struct sockaddr *)&ss, &len) < 0)
		return;
	if (ss.ss_family == AF_INET6) {
		const struct sockaddr_in6 *s = (const void *)&ss;

		inet_ntop(AF_INET6, &s->sin6_addr, v->src, sizeof(v->src));
		v->src_port = ntohs(s->sin6_port);
		len = sizeof(val);
		if (getsockopt(c->fd, IPPROTO_IPV6, IPV6_TCLASS, &val, &len) ==
		    0)
			v->dscp = val >> 2;
		len = sizeof(val);
		if (getsockopt(c->fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &val,
			       &len) == 0)
			v->ttl = val;
	} else if (ss.ss_family == AF_INET) {
		const struct sockaddr_in *s = (const void *)&ss;

		inet_ntop(AF_INET, &s->sin_addr, v->src, sizeof(v->src));
		v->src_port = ntohs(s->sin_port);
		len = sizeof(val);
		if (getsockopt(c->fd, IPPROTO_IP, IP_TOS, &val, &len) == 0)
			v->dscp = (val & 0xff) >> 2;
		len = sizeof(val);
		if (getsockopt(c->fd, IPPROTO_IP, IP_TTL, &val, &len) == 0)
			v->ttl = val;
	}
}

static void add_interface(struct view_snapshot *s, const struct obs_point *op,
			  const char *capture, bool in, bool out)
{
	size_t i;

	for (i = 0; i < s->nif; i++) {
		if (strcmp(s->ifs[i].name, op->name) == 0 &&
		    s->ifs[i].ifindex == op->ifindex)
			break;
	}
	if (i == s->nif) {
		if (s->nif == VIEW_MAX_IF)
			return;
		s->nif++;
		snprintf(s->ifs[i].name, sizeof(s->ifs[i].name), "%s",
			 op->name[0] ? op->name : "-");
		s->ifs[i].ifindex = op->ifindex;
		s->ifs[i].capture = capture;
	}
	s->ifs[i].input |= in;
	s->ifs[i].output |= out;
}

static void interfaces_view(const struct control_src *src,
			    struct view_snapshot *s)
{
	const struct options *o = src->opt;
	int i, n = src->ncap ? *src->ncap : 0;
	uint32_t k;

	for (i = 0; i < n; i++) {
		struct capture *cap = src->cap[i];
		const struct obs_point *op;

		if (o->read) {
			/* a pcapng file numbers its interfaces from 1 */
			if (!cap->ops->point || !cap->ops->point(cap, 1)) {
				add_interface(s, &cap->op, "file", true, false);
				continue;
			}
			for (k = 1; (op = cap->ops->point(cap, k)); k++)
				add_interface(s, op, "file", !op->dir, op->dir);
		} else if (o->capture == CAPTURE_EBPF) {
			bool tc = o->ebpf_hook == EBPF_HOOK_TC;

			add_interface(s, &cap->op, tc ? "ebpf tc" : "ebpf xdp",
				      true, tc);
		} else if (o->capture == CAPTURE_AFXDP) {
			add_interface(s, &cap->op, "afxdp", true, false);
		} else {
			add_interface(s, &cap->op, "pcap", !cap->op.dir,
				      cap->op.dir);
		}
	}
}

/*
 * -f: the configuration's names: of monitor mi, whose exporters became the
 * collectors, in order (options_monitor.c apply_config()).
 */
static void config_names(const struct config *cfg, int mi,
			 struct view_snapshot *s)
{
	const struct cfg_monitor *m = &cfg->monitor[mi];
	size_t i;

	if (mi < 0 || mi >= cfg->nmonitor)
		return;
	s->monitor = m->name;
	s->monitor_descr = m->description;
	if (m->sampler >= 0)
		s->sampler = cfg->sampler[m->sampler].name;
	for (i = 0; i < s->ncoll && i < (size_t)m->nexporter; i++) {
		const struct cfg_exporter *x = &cfg->exporter[m->exporter[i]];

		snprintf(s->coll[i].name, sizeof(s->coll[i].name), "%s",
			 x->name);
		s->coll[i].descr = x->description;
		s->coll[i].exporter = x->name;
	}
}

/*
 * What the IOS views add: the interfaces' IOS names (their aliases), the
 * sampler's id and description, whether an IOS configuration's monitor is
 * traditional NetFlow's.
 */
static void ios_view(const struct control_src *src, struct exporter *ex,
		     struct view_snapshot *s)
{
	const struct options *o = src->opt;
	const char *name, *alias;
	size_t i;

	s->sampler_id = export_sampler_id(&ex->cfg.sampling);
	s->cfg = o->cfg && !o->cfg->cmdline ? o->cfg : NULL;
	if (s->cfg && o->monitor >= 0 && o->monitor < o->cfg->nmonitor) {
		const struct cfg_monitor *m = &o->cfg->monitor[o->monitor];

		s->ios = o->cfg->dialect == CFG_IOS;
		s->traditional = s->ios && (!strcmp(m->name, TRAD_MONITOR) ||
					    !strcmp(m->name, TRAD6_MONITOR));
		if (m->sampler >= 0)
			s->sampler_descr =
				o->cfg->sampler[m->sampler].description;
	}
	for (i = 0; i < s->nif && src->ifnames; i++) {
		name = alias = NULL;
		if (src->ifnames(src->ctx, s->ifs[i].ifindex, &name, &alias) &&
		    alias && alias[0])
			ios_ifexpand(alias, s->ifs[i].ios,
				     sizeof(s->ifs[i].ios));
	}
}

void control_snapshot(const struct control_src *src, struct view_snapshot *s)
{
	const struct options *o = src->opt;
	struct exporter *ex = src->exporter(src->ctx, 0);
	size_t next[EXPORT_MAX_COLLECTORS] = { 0 };
	int w, i, n = src->ncap ? *src->ncap : 0;
	uint64_t clock = 0;
	size_t k;

	memset(s, 0, sizeof(*s));
	for (w = 0; w < src->nmeter; w++) {
		const struct meter *m = src->meter[w];
		const struct flowcache *fc = m->fc;

		_Static_assert(sizeof(struct meter_stats) % 8 == 0, "meter_"
								    "stats "
								    "holds "
								    "64-bit "
								    "counters "
								    "only");
		sum_u64((uint64_t *)&s->meter, (const uint64_t *)&m->st,
			sizeof(m->st) / 8);
		if (!fc)
			continue;
		s->cache_bytes += fc->pool_bytes + fc->bucket_bytes;
		s->entries += fc->capacity;
		s->active += fc->used;
		/* entries are reused before new ones are touched */
		s->high_watermark += fc->next_unused - 1;
		s->added += fc->stats.added;
		s->ager_polls += fc->stats.ager_polls;
		sum_u64(s->expired, fc->stats.expired, 6);
		s->active_s = (uint32_t)(fc->active_ns / 1000000000ull);
		s->inactive_s = (uint32_t)(fc->inactive_ns / 1000000000ull);
		if (fc->clock_ns > clock)
			clock = fc->clock_ns;
	}
	s->live = !o->read;
	s->now_ns = s->live ? real_ns() : clock;
	s->start_ns = ex->base_set ? ex->base_ns : s->now_ns;
	s->protos = *src->protos;
	for (i = 0; i < n; i++) {
		struct capture *cap = src->cap[i];

		s->capture_drops += cap->ops->drops(cap);
		if (cap->ops->kstats) {
			cap->ops->kstats(cap, &s->kst);
			s->bpf = true;
		}
		if (o->read && cap->ops->fstats)
			cap->ops->fstats(cap, &s->fst);
	}
	if (s->bpf && !src->stopped) {
		/* what the kernel parsed and found not to be a flow (the
		 * monitor adds it to its meters when the captures stop) */
		s->meter.non_ip += s->kst.non_ip;
		s->meter.packets += s->kst.non_ip;
		s->meter.sampled_out += s->kst.sampled_out;
		s->meter.packets += s->kst.sampled_out;
		for (i = 1; i <= PARSE_NERR; i++) {
			s->meter.malformed[i] += s->kst.malformed[i];
			s->meter.packets += s->kst.malformed[i];
		}
	}
	s->monitor = src->monitor;
	s->version = ex->cfg.version;
	s->domain_id = ex->cfg.domain_id;
	s->mtu = ex->cfg.mtu;
	s->refresh_s = ex->cfg.refresh_s;
	s->refresh_msgs = ex->cfg.refresh_msgs;
	s->ex = ex->stats;
	/* in the order the collectors were given (the configuration's
	 * exporters), each from its exporting process */
	for (i = 0; i < o->ncoll && s->ncoll < EXPORT_MAX_COLLECTORS; i++) {
		int g = o->ngroup ? o->coll_group[i] : 0;
		const struct exporter *x = src->exporter(src->ctx, g);
		struct view_collector *v;

		if (!x || next[g] >= x->ncoll)
			continue;
		v = &s->coll[s->ncoll++];
		collector_view(v, x->coll[next[g]++]);
		v->version = x->cfg.version;
		v->domain_id = x->cfg.domain_id;
		v->mtu = x->cfg.mtu;
		v->refresh_s = x->cfg.refresh_s;
		v->refresh_msgs = x->cfg.refresh_msgs;
		memcpy(v->opt, x->cfg.opt, sizeof(v->opt));
	}
	for (k = 0; k < ex->cfg.ntmpl; k++)
		s->tmpl[s->ntmpl++] = ex->cfg.tmpl[k];
	s->sampler = src->sampler;
	s->sample_mode = ex->cfg.sampling.mode;
	s->sample_n = ex->cfg.sampling.interval;
	if (o->cfg && !o->cfg->cmdline)
		config_names(o->cfg, o->monitor, s);
	interfaces_view(src, s);
	ios_view(src, ex, s);
}

void control_snapshot_removed(const struct control_removed *r,
			      struct view_snapshot *s)
{
	memset(s, 0, sizeof(*s));
	s->removed = true;
	s->monitor = r->name;
	s->live = !r->fst;
	s->meter = *r->st;
	s->capture_drops = r->capture_drops;
	if (r->kst) {
		s->bpf = true;
		s->kst = *r->kst;
	}
	if (r->fst)
		s->fst = *r->fst;
	s->added = r->fs->added;
	s->ager_polls = r->fs->ager_polls;
	memcpy(s->expired, r->fs->expired, sizeof(s->expired));
	s->ex = *r->xs;
}
