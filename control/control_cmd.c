// SPDX-License-Identifier: BSD-2-Clause
/*
 * control_cmd.c - what a control socket request does, once control.c has
 * read its line: parse it and dispatch the command (flush, reload, the BGP
 * views, show), then for a show each monitor in turn, copying its flows
 * out of the caches a slice at a time, with the names of their interfaces.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../config/config.h"
#include "../config/config_ios.h"
#include "control_int.h"

void reply(struct conn *k, bool json, const char *msg, bool error)
{
	if (!json) {
		vb_printf(&k->out, "%s\n", msg);
		return;
	}
	vb_puts(&k->out, error ? "{\"error\":" : "{\"result\":");
	vb_json_str(&k->out, msg);
	vb_puts(&k->out, "}\n");
}

static void do_flush(struct control *c, struct conn *k)
{
	uint64_t before = 0, after = 0;
	char msg[96];
	int w, i;

	for (i = 0; i < c->nsrc; i++) {
		const struct control_src *s = &c->src[i];

		if (!c->on[i])
			continue;
		/* the packets received before the request belong to the
		 * flows it ends: a flow must not be split by it */
		if (s->drain)
			s->drain(s->ctx);
		for (w = 0; w < s->nmeter; w++) {
			struct meter *m = s->meter[w];

			if (!m->fc)
				continue;
			/* batched packets first: they belong to flows */
			meter_flush(m);
			before += m->fc->stats.expired[FLOW_END_FORCED];
			flowcache_flush(m->fc, FLOW_END_FORCED);
			after += m->fc->stats.expired[FLOW_END_FORCED];
		}
		if (s->flushed)
			s->flushed(s->ctx);
		for (w = 0; s->exporter(s->ctx, w); w++)
			exporter_flush(s->exporter(s->ctx, w));
	}
	snprintf(msg, sizeof(msg), "%llu flows expired and exported",
		 (unsigned long long)(after - before));
	reply(k, k->rq.json, msg, false);
	k->st = CS_LAST;
}

/* Room for n flows in k->flows (and their records in k->recs). */
static int reserve(struct conn *k, size_t n)
{
	struct view_flow *p;
	uint8_t *r;

	if (k->rec_stride && n > k->rec_cap) {
		r = realloc(k->recs, n * k->rec_stride);
		if (!r)
			return -1;
		k->recs = r;
		k->rec_cap = n;
	}
	if (n <= k->cap)
		return 0;
	p = realloc(k->flows, n * sizeof(*p));
	if (!p)
		return -1;
	k->flows = p;
	k->cap = n;
	return 0;
}

/* The octets of the longest record of the monitor shown. */
static size_t rec_stride(const struct view_snapshot *s)
{
	size_t i, len, max = 0;

	for (i = 0; i < s->ntmpl; i++) {
		len = template_record_len(s->tmpl[i]);
		if (len > max)
			max = len;
	}
	return max;
}

/* The monitor's name: the configuration's, or the command line's. */
static const char *src_name(const struct control_src *s)
{
	const struct options *o = s->opt;

	if (o && o->cfg)
		return o->cfg->monitor[o->monitor].name;
	return s->monitor ? s->monitor : "default";
}

/* Is monitor i running and asked for? */
static bool shown(const struct control *c, const struct conn *k, int i)
{
	return c->on[i] && (!k->rq.monitor[0] ||
			    strcmp(src_name(&c->src[i]), k->rq.monitor) == 0);
}

static int active_sources(const struct control *c, const struct conn *k)
{
	int i, n = 0;

	for (i = 0; i < c->nsrc; i++)
		n += shown(c, k, i);
	return n;
}

/*
 * show sampler: the samplers of the configuration the running monitors
 * use (bit i: cfg's sampler i), for the last view to list the others.
 */
static void samplers_used(const struct control *c, const struct conn *k,
			  struct view_snapshot *s)
{
	int i, j;

	s->samplers_unused = k->rq.view == VIEW_SAMPLER && s->cfg;
	/* a later view lists them */
	for (j = k->mon + 1; j < c->nsrc; j++)
		if (shown(c, k, j))
			s->samplers_unused = false;
	s->samplers_used = 0;
	for (i = 0; i < c->nsrc; i++) {
		const struct options *o = c->src[i].opt;

		if (c->on[i] && o && o->cfg && o->cfg == s->cfg &&
		    o->monitor >= 0 && o->monitor < o->cfg->nmonitor &&
		    o->cfg->monitor[o->monitor].sampler >= 0)
			s->samplers_used |=
				1u << o->cfg->monitor[o->monitor].sampler;
	}
}

/*
 * The view of the next monitor (a process of several shows each in turn:
 * text one after the other, JSON as an array), or the end of the reply.
 */
void next_monitor(struct control *c, struct conn *k)
{
	/* the running configuration is the process's: shown once */
	bool once = k->rq.view == VIEW_RUNNING;
	bool many = active_sources(c, k) > 1 && !once;
	char msg[128];

	do
		k->mon++;
	while (k->mon < c->nsrc && !shown(c, k, k->mon));
	if (once && k->shown)
		k->mon = c->nsrc;
	if (k->mon >= c->nsrc) {
		if (many && k->rq.json)
			vb_puts(&k->out, "]\n");
		/* no such monitor, or every one removed by a reload */
		if (!k->shown && k->rq.monitor[0]) {
			snprintf(msg, sizeof(msg),
				 "%% Flow Monitor %s does not exist",
				 k->rq.monitor);
			reply(k, k->rq.json, msg, true);
		} else if (!k->shown) {
			reply(k, k->rq.json, "% No flow monitor runs", true);
		}
		k->st = CS_LAST;
		return;
	}
	if (many && k->rq.json)
		vb_puts(&k->out, k->shown ? "," : "[");
	else if (many && k->shown)
		vb_puts(&k->out, "\n");
	k->shown++;
	control_snapshot(&c->src[k->mon], &k->snap);
	samplers_used(c, k, &k->snap);
	k->snap.format = k->rq.format;
	k->rec_stride = 0;
	if (k->rq.view == VIEW_MONITOR_CACHE) {
		k->rec_stride = rec_stride(&k->snap);
		k->rec_cap = 0; /* another monitor: another stride */
	}
	k->snap.rec_stride = k->rec_stride;
	if (view_flow_ipver(k->rq.view)) {
		/* room for what is cached now: no copying realloc midway */
		if (reserve(k, (size_t)k->snap.active + 1024) < 0) {
			vb_reset(&k->out);
			reply(k, k->rq.json, "% Out of memory", true);
			k->st = CS_LAST;
			return;
		}
		k->walk_w = 0;
		k->walk_i = 1; /* pool[0] is the sentinel */
		k->nflows = 0;
		k->rendered = 0;
		k->if_last = UINT32_MAX;
		k->st = CS_WALK;
		return;
	}
	view_render(&k->out, &k->snap, k->rq.view, k->rq.json);
	k->st = CS_RENDER;
	k->nflows = 0;
	k->rendered = 0;
	k->tail_done = true;
}

void execute(struct control *c, struct conn *k)
{
	char err[300];

	if (view_parse(k->req, &k->rq, err, sizeof(err)) < 0) {
		reply(k, strstr(k->req, "json") != NULL, err, true);
		k->st = CS_LAST;
		return;
	}
	switch (k->rq.action) {
	case VA_FLUSH:
		do_flush(c, k);
		return;
	case VA_RELOAD:
		/* read by the reload code, like a SIGHUP */
		c->reload = true;
		reply(k, k->rq.json, "reload requested", false);
		k->st = CS_LAST;
		return;
	case VA_BGP_SUMMARY:
	case VA_BGP_ROUTE:
		if (c->bgp_fn)
			c->bgp_fn(c->bgp_ctx, &k->rq, &k->out);
		else
			reply(k, k->rq.json,
			      "% BGP is not running (no bgp block)", true);
		k->st = CS_LAST;
		return;
	case VA_SHOW:
		break;
	}
	k->mon = -1;
	k->shown = 0;
	next_monitor(c, k);
}

/* The name of ifindex, looked up once per run of equal ifindexes. */
static const char *if_name(struct control *c, struct conn *k, uint32_t ifx)
{
	const struct control_src *s = &c->src[k->mon];
	struct exporter *ex = s->exporter(s->ctx, 0);
	struct export_if e = { 0 };

	if (ifx != k->if_last) {
		k->if_last = ifx;
		k->if_name[0] = 0;
		if (ex->ifattr)
			ex->ifattr(ex->ifname_ctx, ifx, &e);
		if (e.name)
			snprintf(k->if_name, sizeof(k->if_name), "%s", e.name);
	}
	return k->if_name;
}

/*
 * The name of ifindex into name (size CFG_IFNAME_MAX or more): the IOS
 * name its alias spells (true), else the kernel's, else the observation
 * point's; "" when unknown.
 */
static bool ios_name(struct control *c, struct conn *k, uint32_t ifx,
		     char *name, size_t len)
{
	const struct control_src *s = &c->src[k->mon];
	const char *kname = NULL, *alias = NULL;

	name[0] = 0;
	if (!ifx)
		return false;
	if (s->ifnames && s->ifnames(s->ctx, ifx, &kname, &alias)) {
		if (alias && alias[0] && ios_ifexpand(alias, name, len))
			return true;
		snprintf(name, len, "%s", kname ? kname : "");
		return false;
	}
	snprintf(name, len, "%s", if_name(c, k, ifx));
	return false;
}

/* What the exporter would say of f's routes and interfaces. */
static void route_view(struct control *c, struct conn *k, const struct flow *f,
		       struct view_flow *v)
{
	const struct control_src *s = &c->src[k->mon];
	struct exporter *ex = s->exporter(s->ctx, 0);

	v->routed = ex && ex->route;
	if (ex)
		export_route_of(ex, f, &v->rt);
	if (!f->key.dir)
		v->in_ios = ios_name(c, k, f->key.ifindex, v->in_if,
				     sizeof(v->in_if));
	v->out_ios = ios_name(
		c, k, f->key.dir && !f->oif ? f->key.ifindex : v->rt.out_if,
		v->out_if, sizeof(v->out_if));
}

/*
 * The record f is exported with, encoded as the exporter would into
 * k->recs (show flow monitor NAME cache format ...); false when no record
 * of the monitor describes f.
 */
static bool encode_rec(struct control *c, struct conn *k, const struct flow *f,
		       struct view_flow *v)
{
	const struct control_src *s = &c->src[k->mon];
	struct exporter *ex = s->exporter(s->ctx, 0);
	struct export_rec r = { .f = f };
	struct wbuf w;
	size_t i;

	v->tmpl = -1;
	if (!ex || !k->rec_stride)
		return false;
	r.tmpl = export_pick(ex, f, &r.tmpl_id);
	for (i = 0; r.tmpl && i < k->snap.ntmpl; i++)
		if (k->snap.tmpl[i] == r.tmpl)
			v->tmpl = (int)i;
	if (v->tmpl < 0)
		return false;
	if (ex->ifattr)
		ex->ifattr(ex->ifname_ctx, f->oif ? f->oif : f->key.ifindex,
			   &r.ifc);
	wbuf_init(&w, k->recs + k->nflows * k->rec_stride, k->rec_stride);
	record_encode(&w, r.tmpl, &r, ex);
	return !w.overflow;
}

static int copy_flow(struct control *c, struct conn *k, const struct flow *f)
{
	struct view_flow *v;

	if (k->nflows == k->cap && reserve(k, k->cap * 2) < 0)
		return -1;
	if (k->rec_stride && k->nflows == k->rec_cap &&
	    reserve(k, k->nflows * 2) < 0)
		return -1;
	v = &k->flows[k->nflows];
	memset(v, 0, sizeof(*v));
	v->tmpl = -1;
	if (k->rec_stride && !encode_rec(c, k, f, v))
		return 0; /* not in the monitor's records */
	k->nflows++;
	v->ipver = f->key.ipver;
	v->proto = f->key.proto;
	v->dir = f->key.dir;
	v->tcp_flags = f->tcp_flags;
	v->tos = f->tos;
	memcpy(v->src, f->key.src, 16);
	memcpy(v->dst, f->key.dst, 16);
	v->sport = f->key.sport;
	v->dport = f->key.dport;
	v->ifindex = f->key.ifindex;
	/* the observed interface: SrcIf at ingress, DstIf at egress */
	snprintf(v->ifname, sizeof(v->ifname), "%s",
		 if_name(c, k, f->oif ? f->oif : f->key.ifindex));
	v->packets = f->packets;
	v->octets = f->octets;
	v->first_ns = f->first_ns;
	v->last_ns = f->last_ns;
	route_view(c, k, f, v);
	return 0;
}

/* Copy up to WALK_SLICE entries of the caches; true when done. */
bool walk(struct control *c, struct conn *k)
{
	int ipver = view_flow_ipver(k->rq.view);
	uint32_t budget = WALK_SLICE;

	const struct control_src *s = &c->src[k->mon];

	while (k->walk_w < s->nmeter) {
		const struct flowcache *fc = s->meter[k->walk_w]->fc;
		uint32_t end = fc ? fc->next_unused : 0;

		for (; k->walk_i < end && budget; k->walk_i++, budget--) {
			struct flow fl, *f = &fl;

			if (flowcache_get(fc, k->walk_i, f) &&
			    (ipver == VIEW_IPVER_ANY ||
			     f->key.ipver == ipver) &&
			    copy_flow(c, k, f) < 0)
				return true; /* out of memory: list what fits */
		}
		if (!budget)
			return false;
		k->walk_w++;
		k->walk_i = 1;
	}
	return true;
}
