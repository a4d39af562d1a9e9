// SPDX-License-Identifier: BSD-2-Clause
/*
 * reload.c - SIGHUP or `xflowctl reload`: the configuration file read
 * again, each monitor on its own (by name). An unchanged monitor keeps
 * running with its cache intact (nothing metered is lost). A changed one
 * is applied when it observes the same interfaces the same way: the flows
 * cached so far are exported first (monitor_reload()). A removed one
 * exports its flows and stops. Changed interfaces or capture, and new
 * monitors, need a restart (a capture is opened with privileges xflowd no
 * longer has); an unreadable or invalid file changes nothing.
 */
#include <stdlib.h>
#include <string.h>

#include "../common/log.h"
#include "xflowd.h"

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
		if (!export_dest_equal(&a->dest[i], &b->dest[i]))
			return false;
	return true;
}

/*
 * A monitor the configuration no longer has (or attaches to no
 * interface): its flows are exported, then it stops metering (its
 * workers stopped, its captures closed). Its pool's locks are released
 * here (serve() holds them).
 */
static void remove_monitor(struct xflowd *d, int k)
{
	struct monitor *m = d->mon[k];

	monitor_retire(m);
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
	       m->cfg->monitor[m->opt.monitor].skip_ipv6 ==
		       n->cfg->monitor[n->monitor].skip_ipv6 &&
	       same_observation(&m->opt, n);
}

/*
 * One monitor of the file read again (n: its new options, on cfg, a copy
 * the monitor takes when it takes n). Returns what became of it.
 */
static const char *reload_monitor(struct xflowd *d, struct monitor *m,
				  struct options *n)
{
	struct config *old = m->cfg;
	bool same_coll = same_collectors(&m->opt, n);

	if (monitor_unchanged(m, n)) {
		/* the names and descriptions may have changed */
		m->opt = *n;
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
	if (monitor_reload(m, n) != 0)
		return NULL;
	if (!d->env.rt)
		xflowd_setup_routes(d);
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

void xflowd_lock_all(struct xflowd *d)
{
	int k;

	for (k = 0; k < d->nmon; k++)
		monitor_lock(d->mon[k]);
}

void xflowd_unlock_all(struct xflowd *d)
{
	int k;

	for (k = d->nmon - 1; k >= 0; k--)
		monitor_unlock(d->mon[k]);
}

/* Collectors move: on reload every name is looked up again (in the
 * background; a new address is taken when the answer comes). */
static void resolve_all(struct xflowd *d)
{
	int k, i;

	for (k = 0; k < d->nmon; k++)
		for (i = 0; i < monitor_nexporters(d->mon[k]); i++)
			exporter_resolve(monitor_exporter(d->mon[k], i));
}

void xflowd_reload(struct xflowd *d)
{
	const char *file = d->opt.config_file;
	struct options *n;
	struct config *cfg;
	int k, mi;

	if (!d->opt.cfg || d->opt.cfg->cmdline) {
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
	xflowd_lock_all(d);
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
		what = reload_monitor(d, m, n);
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
	xflowd_unlock_all(d);
	config_free(cfg);
	free(n);
}
