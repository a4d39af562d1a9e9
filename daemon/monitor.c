// SPDX-License-Identifier: BSD-2-Clause
/*
 * monitor.c - one monitor (monitor.h): created from its options, its
 * exporting processes, captures and workers opened, started, reloaded
 * with a new definition, drained at the end and freed.
 */
#define _GNU_SOURCE /* sched_getcpu */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "../common/clock.h"
#include "../netlink/ifinfo.h"
#include "../config/config.h"
#include "../common/log.h"
#include "monitor_int.h"

int monitor_new(const struct monitor_env *env, struct options *cmdline,
		const struct config *cfg, int k, struct monitor **out,
		int *exit_code)
{
	struct monitor *m = calloc(1, sizeof(*m));

	*out = NULL;
	if (!m)
		goto nomem;
	m->env = env;
	m->idx = -1;
	if (!cfg) {
		m->opt = *cmdline;
		*out = m;
		return 0;
	}
	m->cfg = config_copy(cfg);
	if (!m->cfg) {
		free(m);
		goto nomem;
	}
	/* options_parse() checked them all */
	if (options_monitor(&m->opt, cmdline, m->cfg, k) != 0) {
		pr_info("monitor %s is on no interface: not run\n",
			cfg->monitor[k].name);
		config_free(m->cfg);
		free(m);
		return 0;
	}
	*out = m;
	return 0;
nomem:
	pr_err("out of memory\n");
	*exit_code = 1;
	return -1;
}

const char *monitor_name(const struct monitor *m)
{
	return m->cfg ? m->cfg->monitor[m->opt.monitor].name : "default";
}

int monitor_nexporters(const struct monitor *m)
{
	return m->nex;
}

struct exporter *monitor_exporter(const struct monitor *m, int i)
{
	return i >= 0 && i < m->nex ? m->ex[i] : NULL;
}

bool monitor_needs_routes(const struct monitor *m)
{
	struct template_def defs[EXPORT_MAX_TEMPLATES];
	struct export_cfg gc;
	bool need = false;
	int i;

	for (i = 0; i < options_ngroups(&m->opt); i++) {
		options_group_export(&m->opt, i, &gc, defs);
		need |= export_needs_routes(&gc);
	}
	return need;
}

void monitor_routes_changed(struct monitor *m)
{
	int i;

	if (!m->env->rt && !m->env->bgp)
		return;
	for (i = 0; i < m->nex; i++)
		m->ex[i]->route = monitor_routes;
}

/* Where collector i of o comes from, for a message: "--collector" or
 * "FILE:LINE: exporter NAME". */
static void coll_origin(const struct options *o, int i, char *buf, size_t len)
{
	const struct cfg_exporter *x;

	if (!o->cfg || o->cfg->cmdline || !o->coll_exporter[i]) {
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
static int new_exporters(struct monitor *m, const struct options *o,
			 struct exporter **ex, int *exit_code)
{
	struct template_def defs[EXPORT_MAX_TEMPLATES];
	struct export_cfg gc;
	char err[512], from[320];
	int g, i, rc, n = options_ngroups(o);

	for (g = 0; g < n; g++) {
		/* the exporter copies the records' templates */
		options_group_export(o, g, &gc, defs);
		gc.resolve_later = !o->read;
		ex[g] = exporter_new(&gc);
		if (!ex[g]) {
			pr_err("out of memory\n");
			*exit_code = 1;
			goto fail;
		}
		ex[g]->ifattr = monitor_ifattr;
		ex[g]->ifenum = monitor_ifenum;
		ex[g]->ifphys = monitor_ifphys;
		ex[g]->ifname_ctx = m;
		ex[g]->meterstats = monitor_meterstats;
		ex[g]->meterstats_ctx = m;
		for (i = 0; i < o->ncoll; i++) {
			if (o->ngroup && o->coll_group[i] != g)
				continue;
			rc = exporter_add_dest(ex[g], &o->dest[i], o->sport[i],
					       o->source[i], err, sizeof(err));
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

/* What the templates of m's options ask of the meter. */
static void configure_meter(struct monitor *m)
{
	struct template_def defs[EXPORT_MAX_TEMPLATES];
	const struct template_def *tmpl[EXPORT_MAX_TEMPLATES];
	size_t n = options_templates(&m->opt, defs, tmpl);

	meter_configure(&m->mcfg, tmpl, n);
}

int monitor_exporters_open(struct monitor *m, int *exit_code)
{
	int n = new_exporters(m, &m->opt, m->ex, exit_code);

	if (n < 0)
		return -1;
	m->nex = n;
	configure_meter(m);
	return 0;
}

/*
 * User-space packet selection (--sample N, or a monitor's sampler), a
 * sampler per worker (each selects 1 in N of its own packets); BPF
 * captures draw random samples in the kernel (setup_bpf). A file gets a
 * fixed seed: its export repeats.
 */
static void setup_sampling(struct monitor *m)
{
	const struct export_sampling *s = &m->opt.export.sampling;
	uint64_t seed = 0x7866; /* "xf" */
	int i;

	for (i = 0; i < m->pool.nw; i++)
		meter_set_sampler(&m->pool.w[i]->meter, NULL);
	if (s->mode == SAMPLER_NONE ||
	    (s->mode == SAMPLER_RANDOM && m->opt.capture != CAPTURE_PCAP))
		return;
	if (!m->opt.read &&
	    getrandom(&seed, sizeof(seed), 0) != (ssize_t)sizeof(seed))
		seed = realtime_ns() ^ (uint64_t)getpid() << 32;
	for (i = 0; i < m->pool.nw; i++) {
		struct worker *w = m->pool.w[i];

		sampler_init(&w->smp, s->mode, s->interval,
			     seed + 0x9e3779b97f4a7c15ull * (uint64_t)i);
		meter_set_sampler(&w->meter, &w->smp);
	}
}

/*
 * The workers of monitor m: one per capture (receive queue, ring,
 * interface), at most --workers or one per CPU online. Each gets its share
 * of the cache entries and its captures; a single monitor's single worker
 * runs in the main thread.
 */
int monitor_workers_open(struct monitor *m, int *exit_code)
{
	struct control_src src;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	int nw = m->ncap, i;
	uint32_t entries;

	if (m->opt.workers && nw > (int)m->opt.workers)
		nw = (int)m->opt.workers;
	if (!m->opt.workers && cpus > 0 && nw > cpus)
		nw = (int)cpus;
	if (nw > WORKER_MAX)
		nw = WORKER_MAX;
	if (nw < 1)
		nw = 1;
	if (worker_pool_init(&m->pool, nw))
		goto nomem;
	m->pool.threaded |= m->env->threaded;
	m->pool.sink = &monitor_sink;
	m->pool.sink_ctx = m;
	m->pool.tick = monitor_export_tick;
	m->pool.tick_ctx = m;
	entries = (m->opt.cache_size + (uint32_t)nw - 1) / (uint32_t)nw;
	for (i = 0; i < nw; i++) {
		struct worker *w = m->pool.w[i];

		w->meter.fc = flowcache_new(entries,
					    (uint64_t)m->opt.active_s * NS,
					    (uint64_t)m->opt.inactive_s * NS,
					    worker_flow_expired, w);
		if (!w->meter.fc) {
			pr_err("--cache-size %u: cannot allocate the flow "
			       "cache: %s\n",
			       m->opt.cache_size, strerror(errno));
			*exit_code = 1;
			return -1;
		}
		flowcache_set_key_len(w->meter.fc, m->mcfg.key_len);
		if (flowcache_set_measure(w->meter.fc, m->mcfg.measure)) {
			pr_err("cannot allocate the flow cache's measured "
			       "fields: %s\n",
			       strerror(ENOMEM));
			*exit_code = 1;
			return -1;
		}
		w->meter.cfg = &m->mcfg;
	}
	for (i = 0; i < m->ncap; i++) {
		struct worker *w = m->pool.w[i % nw];

		w->cap[w->ncap++] = m->cap[i];
		m->cap[i]->cb_ctx = w;
	}
	if (m->pool.threaded)
		pr_info("%s: %d metering thread%s for %d capture%s\n",
			monitor_name(m), nw, nw == 1 ? "" : "s", m->ncap,
			m->ncap == 1 ? "" : "s");
	/* xflowctl's views of it (none without a control) */
	if (m->env->ctl) {
		monitor_control_src(m, &src);
		m->idx = control_add(m->env->ctl, &src);
		if (m->idx < 0)
			goto nomem;
	}
	setup_sampling(m);
	return 0;
nomem:
	pr_err("out of memory\n");
	*exit_code = 1;
	return -1;
}

void monitor_set_base(struct monitor *m, uint64_t ns)
{
	int i;

	for (i = 0; i < m->nex; i++)
		exporter_set_base(m->ex[i], ns);
}

/*
 * What the kernel says of each observed interface: its current name and
 * alias, whether it is a PPP session, and the configured endpoints of a
 * tunnel interface (packets arrive on it decapsulated). Run at start and
 * whenever the interface table changes; the interface options records
 * are sent again.
 */
void monitor_apply_ifinfo(struct monitor *m)
{
	size_t n;
	int i;

	/* the BPF back ends name their own observation points */
	if (m->opt.capture != CAPTURE_PCAP || !m->env->ift)
		return;
	for (i = 0; i < m->ncap; i++) {
		struct obs_point *op = &m->cap[i]->op;
		const struct ifinfo_entry *e =
			ifinfo_get(m->env->ift, op->ifindex);

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
	/* the PPP aliases are parsed again when next asked for */
	m->if_gen++;
	for (i = 0; i < m->nex; i++)
		exporter_interfaces_changed(m->ex[i]);
}

int monitor_start(struct monitor *m)
{
	return worker_pool_start(&m->pool);
}

void monitor_stop(struct monitor *m)
{
	worker_pool_stop(&m->pool);
}

void monitor_lock(struct monitor *m)
{
	worker_pool_lock(&m->pool);
}

void monitor_unlock(struct monitor *m)
{
	worker_pool_unlock(&m->pool);
}

int monitor_read(struct monitor *m, int batch)
{
	struct capture *cap = m->cap[0];
	int c = sched_getcpu(), n;

	/* systemCpuId: the CPU metering the next batch (0 if unknown) */
	m->pool.w[0]->meter.cpu = c < 0 ? 0 : (uint32_t)c;
	n = cap->ops->dispatch(cap, batch);
	if (n == -ENODATA)
		m->eof = true;
	return n;
}

void monitor_pace(struct monitor *m, uint64_t mono_ns)
{
	int i;

	for (i = 0; i < m->nex; i++)
		exporter_pace(m->ex[i], mono_ns);
}

uint64_t monitor_pace_due(struct monitor *m, uint64_t mono_ns)
{
	uint64_t due = UINT64_MAX, t;
	int i;

	pthread_mutex_lock(&m->pool.ex_lock);
	for (i = 0; i < m->nex; i++) {
		t = exporter_pace_due(m->ex[i], mono_ns);
		if (t < due)
			due = t;
	}
	pthread_mutex_unlock(&m->pool.ex_lock);
	return due;
}

void monitor_poll(struct monitor *m, uint64_t now)
{
	int i;

	pthread_mutex_lock(&m->pool.ex_lock);
	for (i = 0; i < m->nex; i++)
		exporter_poll(m->ex[i]);
	/* one worker ticks the exporter in its round */
	if (m->pool.threaded && now >= m->next_tick_ns)
		monitor_export_tick(m, now);
	pthread_mutex_unlock(&m->pool.ex_lock);
}

/* The counters go on: the first process's, and each collector's that
 * was there before (by name); the time base too, and an unchanged
 * domain's collectors (same socket, the sequence numbers continued). */
static void exporters_continue(struct monitor *m, struct exporter **ex, int nex)
{
	int a, b;
	size_t i, j;

	if (m->nex)
		ex[0]->stats = m->ex[0]->stats;
	for (a = 0; a < nex; a++) {
		for (i = 0; i < ex[a]->ncoll; i++)
			for (b = 0; b < m->nex; b++)
				for (j = 0; j < m->ex[b]->ncoll; j++)
					if (strcmp(ex[a]->coll[i]->name,
						   m->ex[b]->coll[j]->name) ==
					    0)
						ex[a]->coll[i]->stats =
							m->ex[b]->coll[j]->stats;
		if (m->nex)
			exporter_set_base(ex[a], m->ex[0]->base_ns);
		for (b = 0; b < m->nex; b++)
			exporter_continue(ex[a], m->ex[b]);
	}
}

int monitor_reload(struct monitor *m, struct options *n)
{
	struct exporter *ex[EXPORT_MAX_COLLECTORS];
	struct flowcache *fc[WORKER_MAX] = { NULL };
	struct control_src src;
	uint32_t entries = (n->cache_size + (uint32_t)m->pool.nw - 1) /
			   (uint32_t)m->pool.nw;
	int rc = 0, k, nex, a;

	nex = new_exporters(m, n, ex, &rc);
	if (nex < 0)
		return -1;
	for (k = 0; k < m->pool.nw && n->cache_size != m->opt.cache_size; k++) {
		fc[k] = flowcache_new(entries, (uint64_t)n->active_s * NS,
				      (uint64_t)n->inactive_s * NS,
				      worker_flow_expired, m->pool.w[k]);
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
	for (k = 0; k < m->pool.nw; k++) {
		struct worker *w = m->pool.w[k];

		meter_flush(&w->meter);
		flowcache_flush(w->meter.fc, FLOW_END_FORCED);
		worker_export(w);
	}
	for (a = 0; a < m->nex; a++)
		exporter_drain(m->ex[a],
			       (uint64_t)m->opt.export.tcp_linger_s * NS);
	exporters_continue(m, ex, nex);
	for (a = 0; a < nex; a++)
		if (m->env->rt || m->env->bgp)
			ex[a]->route = monitor_routes;
	for (a = 0; a < m->nex; a++)
		exporter_free(m->ex[a]);
	for (a = 0; a < nex; a++)
		m->ex[a] = ex[a];
	m->nex = nex;
	worker_pool_rebased(&m->pool);

	m->opt = *n;
	configure_meter(m);
	for (k = 0; k < m->pool.nw; k++) {
		struct worker *w = m->pool.w[k];

		if (fc[k]) {
			fc[k]->stats = w->meter.fc->stats;
			flowcache_free(w->meter.fc);
			w->meter.fc = fc[k];
		}
		flowcache_set_timeouts(w->meter.fc,
				       (uint64_t)m->opt.active_s * NS,
				       (uint64_t)m->opt.inactive_s * NS);
		flowcache_set_key_len(w->meter.fc, m->mcfg.key_len);
		/* the cache is empty (flushed above) */
		if (flowcache_set_measure(w->meter.fc, m->mcfg.measure)) {
			pr_err("reload: cannot allocate the flow cache's "
			       "measured fields (they are 0): %s\n",
			       strerror(ENOMEM));
		}
	}
	setup_sampling(m);
	if (m->env->ctl && m->idx >= 0) {
		monitor_control_src(m, &src);
		control_set(m->env->ctl, m->idx, &src);
	}
	return 0;
}

void monitor_finish(struct monitor *m)
{
	int i;

	/* the worker threads have stopped: all is the main thread's */
	monitor_captures_stop(m);
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
		while (!*m->env->stop &&
		       exporter_pace_step(m->ex[i], UINT64_MAX))
			;
	/* TCP collectors get a while to take what is queued */
	for (i = 0; i < m->nex; i++)
		exporter_drain(m->ex[i],
			       (uint64_t)m->opt.export.tcp_linger_s * NS);
}

/* dst[i] += src[i]: counter structs of uint64_t only */
static void add_counters(void *dst, const void *src, size_t len)
{
	uint64_t *a = dst;
	const uint64_t *b = src;
	size_t k;

	for (k = 0; k < len / 8; k++)
		a[k] += b[k];
}

void monitor_counters(const struct monitor *m, struct meter_stats *st,
		      struct flowcache_stats *fs)
{
	int i;

	_Static_assert(sizeof(*fs) % 8 == 0, "flowcache_stats: uint64_t");
	_Static_assert(sizeof(*st) % 8 == 0, "meter_stats: uint64_t");
	if (m->gone) {
		add_counters(st, &m->gone_st, sizeof(*st));
		add_counters(fs, &m->gone_fs, sizeof(*fs));
		return;
	}
	for (i = 0; i < m->pool.nw; i++) {
		add_counters(st, &m->pool.w[i]->meter.st, sizeof(*st));
		add_counters(fs, &m->pool.w[i]->meter.fc->stats, sizeof(*fs));
	}
}

void monitor_retire(struct monitor *m)
{
	int i;

	/* the caller holds every pool's locks: this one's workers finish
	 * their round and stop, then all is the main thread's, as at exit */
	if (m->env->ctl && m->idx >= 0)
		control_set(m->env->ctl, m->idx, NULL);
	worker_pool_unlock(&m->pool);
	worker_pool_stop(&m->pool);
	monitor_finish(m);
	/* what it counted stays in the totals of --stats-file */
	monitor_counters(m, &m->gone_st, &m->gone_fs);
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
}

void monitor_free(struct monitor *m)
{
	int i;

	if (!m)
		return;
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
