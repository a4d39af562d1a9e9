// SPDX-License-Identifier: BSD-2-Clause
/*
 * options_config.c - the configuration a command line means: one monitor
 * "default" with an exporter per --collector, a sampler for --sample N,
 * a record per --record and an interface block per --interface, built as
 * values (addresses, ports, element ids), never as text to parse.
 * `--check-config -v` prints it; run with -f, it exports the same bytes.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "options.h"

#define CLI_MONITOR "default" /* as main.c names the command line's */

static int cli_exporter(const struct options *o, int i, struct cfg_exporter *e)
{
	const struct export_dest *d = &o->dest[i];
	char err[400];
	uint8_t a[16];

	if (export_dest_check(d, err, sizeof(err))) {
		fprintf(stderr, "xflowd: --collector %s\n", err);
		return -1;
	}
	snprintf(e->name, sizeof(e->name), "collector%d", i + 1);
	snprintf(e->destination, sizeof(e->destination), "%s", d->host);
	if (inet_pton(AF_INET, d->host, e->addr) == 1)
		e->host = CFG_HOST_IPV4;
	else if (inet_pton(AF_INET6, d->host, e->addr) == 1)
		e->host = CFG_HOST_IPV6;
	else
		e->host = CFG_HOST_NAME;
	e->transport = d->proto == TX_TCP ? CFG_TCP : CFG_UDP;
	e->port = d->port;
	e->source_port = o->sport[i];
	snprintf(e->source, sizeof(e->source), "%s", o->source[i]);
	if (inet_pton(AF_INET, e->source, a) == 1)
		e->source_ver = 4;
	else if (inet_pton(AF_INET6, e->source, a) == 1)
		e->source_ver = 6;
	e->version = o->export.version;
	e->domain_id = o->export.domain_id;
	/* templates are refreshed over udp only (config_check.c) */
	if (!export_fixed(e->version) && e->transport == CFG_UDP) {
		e->refresh_s = o->export.refresh_s;
		e->refresh_packets = o->export.refresh_msgs;
	}
	e->mtu = o->export.mtu;
	e->resolve_s = o->resolve_s[i];
	memcpy(e->option, o->export.opt, sizeof(e->option));
	e->as = (uint8_t)o->export.as;
	e->dscp = d->dscp;
	e->ttl = d->ttl;
	e->spec = d->spec;
	e->pace = o->export.pace;
	if (e->pace.rate) {
		e->pace.burst = export_pace_burst(&e->pace);
		e->pace.queue = export_pace_queue(&e->pace);
	}
	return 0;
}

/* --record r: its elements, keys first, as a record block. */
static int cli_record(const struct template_user *u, struct cfg_record *r)
{
	const struct template_def *t = &u->def; /* name, elem: u's */
	int k;

	if (t->nelem > CFG_MAX_RECORD_ELEMS) {
		fprintf(stderr,
			"xflowd: --record %s: at most %d elements in a "
			"configuration's record\n",
			u->name, CFG_MAX_RECORD_ELEMS);
		return -1;
	}
	snprintf(r->name, sizeof(r->name), "%s", u->name);
	r->nelem = (uint8_t)t->nelem;
	for (k = 0; k < (int)t->nelem; k++) {
		bool key = k < 64 && (t->keymask >> k & 1);

		/* template_build() puts the keys first */
		if (key && k != r->nkey) {
			fprintf(stderr,
				"xflowd: --record %s: its keys are not its "
				"first elements\n",
				u->name);
			return -1;
		}
		r->nkey = (uint8_t)(r->nkey + key);
		r->elem[k] = u->elem[k];
	}
	r->ipver = t->ipver;
	r->tunnel = t->tunnel;
	r->pppac = t->pppac;
	r->enterprise = t->enterprise;
	return 0;
}

struct config *options_config(const struct options *o)
{
	struct config *cfg = calloc(1, sizeof(*cfg));
	struct template_def defs[EXPORT_MAX_TEMPLATES];
	const struct template_def *tmpl[EXPORT_MAX_TEMPLATES];
	struct cfg_monitor *m;
	int i, ntmpl = (int)options_templates(o, defs, tmpl);

	if (!cfg) {
		fprintf(stderr, "xflowd: out of memory\n");
		return NULL;
	}
	snprintf(cfg->file, sizeof(cfg->file), "command line");
	cfg->dialect = CFG_XFLOWD;
	for (i = 0; i < o->ncoll; i++)
		if (cli_exporter(o, i, &cfg->exporter[cfg->nexporter++]))
			goto fail;
	if (o->export.sampling.mode != SAMPLER_NONE) {
		struct cfg_sampler *s = &cfg->sampler[cfg->nsampler++];

		snprintf(s->name, sizeof(s->name), "sampler1");
		s->mode = o->export.sampling.mode;
		s->interval = o->export.sampling.interval;
	}
	if (o->nrecords > CFG_MAX_RECORDS) {
		fprintf(stderr, "xflowd: --record: at most %d records\n",
			CFG_MAX_RECORDS);
		goto fail;
	}
	for (i = 0; i < o->nrecords; i++)
		if (cli_record(&o->records[i], &cfg->record[cfg->nrecord++]))
			goto fail;
	m = &cfg->monitor[cfg->nmonitor++];
	snprintf(m->name, sizeof(m->name), CLI_MONITOR);
	for (i = 0; i < ntmpl; i++) {
		const struct template_def *t = tmpl[i];
		struct cfg_format *f;

		/* v1, v5 and v7 carry IPv4 flows only: the command line
		 * meters others (the default ipv6-five-tuple) and skips them
		 * at export; a file says only what goes out */
		if (export_fixed(o->export.version) && t->ipver != 4) {
			m->skip_ipv6 = true;
			continue;
		}
		f = &m->format[m->nformat++];
		f->record = o->tmpl_rec[i] - 1;
		f->tmpl = f->record < 0 ? t : NULL;
	}
	m->cache_entries = o->cache_size;
	m->active_s = o->active_s;
	m->inactive_s = o->inactive_s;
	for (i = 0; i < o->ncoll; i++)
		m->exporter[m->nexporter++] = i;
	m->sampler = cfg->nsampler ? 0 : -1;
	for (i = 0; i < o->nif; i++) {
		struct cfg_interface *ifc = &cfg->interface[cfg->ninterface++];

		snprintf(ifc->name, sizeof(ifc->name), "%s", o->ifname[i]);
		ifc->monitor[CFG_INPUT] = ifc->monitor[CFG_OUTPUT] = -1;
		ifc->monitor[o->ifdir[i] ? CFG_OUTPUT : CFG_INPUT] = 0;
		ifc->capture = o->capture;
		ifc->ebpf_hook = o->ebpf_hook;
		ifc->promisc = o->ifpromisc[i];
	}
	/* --bgp-*: the bgp block, as given (its line: 0, the command line) */
	cfg->bgp = o->bgp;
	return cfg;
fail:
	config_free(cfg);
	return NULL;
}

int options_print_config(const struct options *o, bool dump, FILE *out)
{
	struct config_errors *err = malloc(sizeof(*err));
	struct config *cfg = options_config(o), *back = NULL;
	char *text = NULL;
	size_t len = 0;
	FILE *f;
	int rc = -1;

	if (!err || !cfg)
		goto out;
	f = open_memstream(&text, &len);
	if (!f) {
		fprintf(stderr, "xflowd: %s\n", strerror(errno));
		goto out;
	}
	config_dump(cfg, f);
	if (fclose(f)) {
		fprintf(stderr, "xflowd: %s\n", strerror(errno));
		goto out;
	}
	/* what is printed must run: read it back as -f would */
	back = config_parse(cfg->file, text, len, err);
	if (!back) {
		fprintf(stderr, "xflowd: the command line has no "
				"configuration file equivalent:\n");
		config_errors_print(err, stderr);
		goto out;
	}
	fprintf(out, "%s: configuration OK\n", back->file);
	if (dump)
		config_dump(back, out);
	rc = 0;
out:
	free(text);
	config_free(back);
	config_free(cfg);
	free(err);
	return rc;
}
