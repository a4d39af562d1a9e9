// SPDX-License-Identifier: BSD-2-Clause
/*
 * options_monitor.c - -f FILE turned into options: each monitor of the
 * configuration made into the options of its pipeline (apply_config,
 * options_monitor), the file loaded and checked across its monitors
 * (load_monitors, check_config, options_reload).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "options.h"
#include "options_int.h"
#include "settings.h"

/*
 * Record r of cfg as a template of element ids, as the meter and the
 * exporter walk it; what the configuration accepts but this build's
 * templates do not is refused as template_build() words it.
 */
static int record_template(struct template_user *u, const struct config *cfg,
			   const struct cfg_record *r)
{
	int k;

	memset(u, 0, sizeof(*u));
	if (strlen(r->name) >= sizeof(u->name)) {
		fprintf(stderr,
			"xflowd: %s:%u: record name '%s': 1 to %zu "
			"characters\n",
			cfg->file, r->line, r->name, sizeof(u->name) - 1);
		return -1;
	}
	for (k = 0; k < r->nkey; k++) {
		if (ie_table[r->elem[k]].use == KEY)
			continue;
		fprintf(stderr,
			"xflowd: %s:%u: record %s: %s cannot be a match (key) "
			"element; collect it instead\n",
			cfg->file, r->line, r->name, ie_table[r->elem[k]].name);
		return -1;
	}
	snprintf(u->name, sizeof(u->name), "%s", r->name);
	memcpy(u->elem, r->elem, r->nelem);
	config_record_template(r, &u->def);
	/* a value: options_templates() points into u */
	u->def.name = NULL;
	u->def.elem = NULL;
	return 0;
}

/*
 * -f FILE: monitor mi of the configuration becomes the pipeline the
 * command line describes: its templates and records, cache, sampler,
 * exporters (alike ones grouped into an exporting process) and the
 * interfaces attached to it in either direction.
 */
static int apply_config(struct options *o, struct config *cfg, int mi,
			long *refresh_s, long *refresh_msgs)
{
	const struct cfg_monitor *m = &cfg->monitor[mi];
	const struct cfg_exporter *x0;
	int i, k;

	o->monitor = mi;
	if (m->sampler >= 0) {
		const struct cfg_sampler *sp = &cfg->sampler[m->sampler];

		/* the sampler's position in the file is its id (from 1) */
		export_sampling_set(&o->export.sampling, sp->mode, sp->interval,
				    (uint8_t)(m->sampler + 1));
	}
	for (i = 0; i < m->nformat; i++) {
		const struct cfg_format *fm = &m->format[i];
		const struct cfg_record *r;

		if (fm->tmpl) {
			if (add_template(o, fm->tmpl->name))
				return -1;
			continue;
		}
		r = &cfg->record[fm->record];
		if (o->nrecords == OPT_MAX_RECORDS) {
			fprintf(stderr, "xflowd: %s:%u: at most %d records\n",
				cfg->file, fm->line, OPT_MAX_RECORDS);
			return -1;
		}
		if (record_template(&o->records[o->nrecords], cfg, r))
			return -1;
		o->nrecords++;
		if (add_template(o, r->name))
			return -1;
	}
	/* the model's rule for v1, v5, v7 (config.h): IPv6 flows metered
	 * and counted skipped, not packets no template describes */
	if (m->skip_ipv6 && add_template(o, "ipv6-five-tuple"))
		return -1;
	x0 = &cfg->exporter[m->exporter[0]];
	for (i = 0; i < m->nexporter; i++) {
		const struct cfg_exporter *x = &cfg->exporter[m->exporter[i]];
		bool udp = x->transport == CFG_UDP;
		struct export_dest *d;
		struct opt_group *g;

		/* exporters alike share an exporting process; template
		 * refresh is UDP's (over TCP each connection sends them once),
		 * so a TCP exporter joins UDP ones whatever theirs, as a
		 * command line's collectors are one process */
		for (k = 0; k < o->ngroup; k++) {
			g = &o->group[k];
			if (g->version == x->version &&
			    g->domain_id == x->domain_id && g->mtu == x->mtu &&
			    (!udp || !g->udp ||
			     (g->refresh_s == x->refresh_s &&
			      g->refresh_msgs == x->refresh_packets)) &&
			    export_options_equal(g->opt, x->option) &&
			    g->as == x->as &&
			    !memcmp(&g->pace, &x->pace, sizeof(g->pace)))
				break;
		}
		if (k == o->ngroup) {
			g = &o->group[o->ngroup++];
			g->version = x->version;
			g->domain_id = x->domain_id;
			g->mtu = x->mtu;
			memcpy(g->opt, x->option, sizeof(g->opt));
			g->as = x->as;
			g->pace = x->pace;
		}
		g = &o->group[k];
		if (udp && !g->udp) {
			g->udp = true;
			g->refresh_s = x->refresh_s;
			g->refresh_msgs = x->refresh_packets;
		}
		o->coll_group[o->ncoll] = (uint8_t)k;
		o->sport[o->ncoll] = x->source_port;
		o->resolve_s[o->ncoll] = x->resolve_s;
		o->coll_exporter[o->ncoll] = (uint8_t)(m->exporter[i] + 1);
		snprintf(o->source[o->ncoll], sizeof(o->source[0]), "%s",
			 x->source);
		d = &o->dest[o->ncoll++];
		memset(d, 0, sizeof(*d));
		snprintf(d->host, sizeof(d->host), "%s", x->destination);
		d->port = x->port;
		d->proto = x->transport == CFG_TCP ? TX_TCP : TX_UDP;
		d->dscp = (uint8_t)x->dscp;
		d->ttl = (uint8_t)x->ttl;
		/* a command line's collectors keep their spelling */
		if (cfg->cmdline)
			d->spec = x->spec;
	}
	o->export.version = x0->version;
	o->export.domain_id = x0->domain_id;
	o->export.mtu = x0->mtu;
	memcpy(o->export.opt, x0->option, sizeof(o->export.opt));
	o->export.pace = x0->pace;
	*refresh_s = o->group[0].refresh_s;
	*refresh_msgs = o->group[0].refresh_msgs;
	o->cache_size = m->cache_entries;
	o->active_s = m->active_s;
	o->inactive_s = m->inactive_s;
	for (i = 0; i < cfg->ninterface; i++) {
		const struct cfg_interface *ifc = &cfg->interface[i];
		int dir;

		for (dir = 0; dir < CFG_NDIR; dir++) {
			if (ifc->monitor[dir] != mi)
				continue;
			if (o->nif && (ifc->capture != o->capture ||
				       ifc->ebpf_hook != o->ebpf_hook)) {
				fprintf(stderr,
					"xflowd: %s:%u: interface %s: the "
					"interfaces of monitor %s are captured "
					"one way (pcap, afxdp, ebpf tc or ebpf "
					"xdp) in this build: give this one a "
					"monitor of its own\n",
					cfg->file, ifc->line, ifc->name,
					m->name);
				return -1;
			}
			if (o->nif == OPT_MAX_IF) {
				fprintf(stderr,
					"xflowd: %s:%u: at most %d "
					"interfaces\n",
					cfg->file, ifc->line, OPT_MAX_IF);
				return -1;
			}
			o->capture = ifc->capture;
			o->ebpf_hook = ifc->ebpf_hook;
			o->ifdir[o->nif] = (uint8_t)dir;
			o->ifpromisc[o->nif] = ifc->promisc;
			o->ifname[o->nif++] = ifc->name;
		}
	}
	return 0;
}

/*
 * What this build runs of a configuration that xflowd.conf(5) accepts,
 * checked across its monitors: the BPF back ends attach one program set
 * per interface, so an interface they capture belongs to one monitor.
 */
static int check_monitors(const struct config *cfg)
{
	int i;

	for (i = 0; i < cfg->ninterface; i++) {
		const struct cfg_interface *ifc = &cfg->interface[i];
		int in = ifc->monitor[CFG_INPUT],
		    out = ifc->monitor[CFG_OUTPUT];

		if (ifc->capture == CAPTURE_PCAP || in < 0 || out < 0 ||
		    in == out)
			continue;
		fprintf(stderr,
			"xflowd: %s:%u: interface %s: monitors %s and %s both "
			"capture it with %s, which attaches one program per "
			"interface: give both directions to one monitor, or "
			"capture pcap\n",
			cfg->file, ifc->monitor_line[CFG_OUTPUT], ifc->name,
			cfg->monitor[in].name, cfg->monitor[out].name,
			ifc->capture == CAPTURE_AFXDP ? "afxdp" : "ebpf");
		return -1;
	}
	return 0;
}

/*
 * Load cur's -f file and make every monitor of it as a run would (cur:
 * the command line, or any monitor's options). The configuration, or NULL
 * after saying why; *nrun monitors run live, the first of them made into
 * *first (when first is not NULL).
 */
static struct config *load_monitors(const struct options *cur,
				    struct options *first, int *nrun)
{
	struct config_errors *err = malloc(sizeof(*err));
	struct options *t = malloc(sizeof(*t));
	struct config *cfg = NULL;
	int m, rc;

	*nrun = 0;
	if (!err || !t) {
		fprintf(stderr, "xflowd: out of memory\n");
		goto out;
	}
	cfg = config_load_dialect(cur->config_file,
				  (enum cfg_dialect)cur->config_dialect, err);
	if (!cfg) {
		if (err->count)
			config_errors_print(err, stderr);
		else
			fprintf(stderr, "xflowd: out of memory\n");
		goto out;
	}
	if (options_bgp_merge(cur, cfg) || check_monitors(cfg))
		goto fail;
	for (m = cfg->nmonitor - 1; m >= 0; m--) {
		rc = options_monitor(t, cur, cfg, m);
		if (rc < 0)
			goto fail;
		if (rc == 0) {
			(*nrun)++;
			if (first)
				*first = *t;
		}
	}
	goto out;
fail:
	config_free(cfg);
	cfg = NULL;
out:
	free(err);
	free(t);
	return cfg;
}

/*
 * -f FILE [--check-config]: o becomes the file's first monitor that runs
 * (options_monitor() makes the others). --check-config checks every
 * monitor as a run would, then exits.
 */
int check_config(struct options *o)
{
	struct config *cfg;
	int nrun;

	if (!o->config_file) {
		fprintf(stderr, "xflowd: --check-config needs -f FILE\n");
		return 2;
	}
	if (o->ncoll || o->export.ntmpl || o->nif) {
		fprintf(stderr,
			"xflowd: -f %s: the configuration file describes the "
			"collectors, templates and interfaces; give them "
			"there, "
			"not with --collector, --template or --interface\n",
			o->config_file);
		return 2;
	}
	cfg = load_monitors(o, o, &nrun);
	if (!cfg)
		return 2;
	/* --check-config: a file of monitors for --read is fine */
	if (!nrun && !o->check_config) {
		fprintf(stderr,
			"xflowd: %s: no interface names a monitor: nothing to "
			"observe (attach one: 'monitor NAME input' in an "
			"interface block), or give --read FILE\n",
			o->config_file);
		config_free(cfg);
		return 2;
	}
	if (o->check_config) {
		printf("%s: configuration OK\n", o->config_file);
		if (o->verbose)
			config_dump(cfg, stdout);
		config_free(cfg);
		return 1;
	}
	return 0;
}

int options_monitor(struct options *o, const struct options *cur,
		    struct config *cfg, int m)
{
	long refresh_s = -1, refresh_msgs = -1;

	*o = *cur;
	/* what the file describes, from nothing */
	o->nif = 0;
	o->ncoll = 0;
	o->ngroup = 0;
	o->nrecords = 0;
	o->export.ntmpl = 0;
	export_sampling_set(&o->export.sampling, SAMPLER_NONE, 1, 1);
	memset(o->sport, 0, sizeof(o->sport));
	memset(o->source, 0, sizeof(o->source));
	o->capture = CAPTURE_PCAP;
	o->ebpf_hook = EBPF_HOOK_TC;
	o->cfg = cfg;
	o->monitor = m;
	if (apply_config(o, cfg, m, &refresh_s, &refresh_msgs))
		return -1;
	/* live, a monitor no interface names does not run */
	if (!o->read && o->nif == 0)
		return 1;
	if (check_combination(o, refresh_s, refresh_msgs))
		return -1;
	return 0;
}

struct config *options_reload(const struct options *cur)
{
	int nrun;

	return load_monitors(cur, NULL, &nrun);
}
