// SPDX-License-Identifier: BSD-2-Clause
/*
 * config_dump.c - a parsed configuration written back as a file (every
 * default spelled out), compared for a reload, and records turned into
 * templates for the exporter.
 */
#include <string.h>

#include "config_bgp.h"
#include "config_int.h"

#define IND "    "

static void put_desc(FILE *f, const char *d)
{
	if (!d[0])
		return;
	fputs(IND "description \"", f);
	for (; *d; d++) {
		if (*d == '"' || *d == '\\')
			fputc('\\', f);
		fputc(*d, f);
	}
	fputs("\"\n", f);
}

static void dump_exporter(const struct cfg_exporter *e, FILE *f)
{
	int k;

	fprintf(f, "exporter %s # line %u\n", e->name, e->line);
	put_desc(f, e->description);
	fprintf(f, IND "destination %s\n", e->destination);
	fprintf(f, IND "transport %s %u\n",
		e->transport == CFG_UDP ? "udp" : "tcp", e->port);
	if (e->source[0])
		fprintf(f, IND "source %s\n", e->source);
	if (e->source_port)
		fprintf(f, IND "source-port %u\n", e->source_port);
	if (e->resolve_s)
		fprintf(f, IND "resolve-interval %u\n", e->resolve_s);
	fprintf(f, IND "export-protocol %s\n",
		export_ops_of(e->version) ? export_ops_of(e->version)->protocol
					  : "ipfix");
	/* v1 and v7 have no field for it (config_check refuses it) */
	if (e->version != 1 && e->version != 7)
		fprintf(f, IND "domain-id %u\n", e->domain_id);
	/* refresh is a setting of templates over udp only */
	if (!export_fixed(e->version) && e->transport == CFG_UDP)
		fprintf(f,
			IND "template refresh-seconds %u\n" IND "template "
			    "refresh-"
			    "packets %u\n",
			e->refresh_s, e->refresh_packets);
	fprintf(f, IND "mtu %u\n", e->mtu);
	if (e->dscp)
		fprintf(f, IND "dscp %u\n", e->dscp);
	if (e->ttl)
		fprintf(f, IND "ttl %u\n", e->ttl);
	if (e->pace.rate)
		fprintf(f, IND "rate-limit %u burst %u queue %u\n",
			e->pace.rate, e->pace.burst, e->pace.queue);
	for (k = 0; !export_fixed(e->version) && k < EXPORT_OPT_N; k++) {
		const struct export_option_cfg *o = &e->option[k];

		if (o->off)
			fprintf(f, IND "no option %s\n", export_option_name(k));
		else if (o->timeout_s)
			fprintf(f, IND "option %s timeout %u\n",
				export_option_name(k), o->timeout_s);
		else
			fprintf(f, IND "option %s\n", export_option_name(k));
	}
	if (e->as)
		fprintf(f, IND "as %s\n",
			e->as == EXPORT_AS_ORIGIN ? "origin" : "peer");
}

static void dump_record(const struct cfg_record *r, FILE *f)
{
	int i;

	fprintf(f, "record %s # line %u: %s flows%s%s%s\n", r->name, r->line,
		r->ipver == 4	? "IPv4"
		: r->ipver == 6 ? "IPv6"
				: "IPv4 and IPv6",
		r->tunnel == 4	 ? ", IPv4 tunnels"
		: r->tunnel == 6 ? ", IPv6 tunnels"
				 : "",
		r->pppac ? ", pppac" : "", r->enterprise ? ", IPFIX only" : "");
	put_desc(f, r->description);
	for (i = 0; i < r->nelem; i++)
		fprintf(f, IND "%s %s\n", i < r->nkey ? "match" : "collect",
			ie_table[r->elem[i]].name);
}

static void dump_monitor(const struct config *cfg, const struct cfg_monitor *m,
			 FILE *f)
{
	int i;

	fprintf(f, "monitor %s # line %u\n", m->name, m->line);
	put_desc(f, m->description);
	for (i = 0; i < m->nformat; i++) {
		if (m->format[i].tmpl)
			fprintf(f, IND "template %s\n",
				m->format[i].tmpl->name);
		else
			fprintf(f, IND "record %s\n",
				cfg->record[m->format[i].record].name);
	}
	fprintf(f,
		IND "cache entries %u\n" IND "cache timeout active %u\n" IND
		    "cache timeout inactive %u\n",
		m->cache_entries, m->active_s, m->inactive_s);
	for (i = 0; i < m->nexporter; i++)
		fprintf(f, IND "exporter %s\n",
			cfg->exporter[m->exporter[i]].name);
	if (m->sampler >= 0)
		fprintf(f, IND "sampler %s\n", cfg->sampler[m->sampler].name);
}

static void dump_interface(const struct config *cfg,
			   const struct cfg_interface *n, FILE *f)
{
	static const char *const cap[] = { [CAPTURE_PCAP] = "pcap",
					   [CAPTURE_AFXDP] = "afxdp",
					   [CAPTURE_EBPF] = "ebpf" };

	fprintf(f, "interface %s # line %u\n", n->name, n->line);
	put_desc(f, n->description);
	if (n->monitor[CFG_INPUT] >= 0)
		fprintf(f, IND "monitor %s input\n",
			cfg->monitor[n->monitor[CFG_INPUT]].name);
	if (n->monitor[CFG_OUTPUT] >= 0)
		fprintf(f, IND "monitor %s output\n",
			cfg->monitor[n->monitor[CFG_OUTPUT]].name);
	fprintf(f, IND "capture %s%s\n", cap[n->capture],
		n->capture != CAPTURE_EBPF	? ""
		: n->ebpf_hook == EBPF_HOOK_XDP ? " xdp"
						: " tc");
	if (n->promisc >= 0)
		fprintf(f, IND "promiscuous %s\n", n->promisc ? "on" : "off");
}

/* An IOS configuration's lines that are not about flows. */
static void dump_skipped(const struct config *cfg, FILE *f)
{
	unsigned int i;

	fprintf(f, "# IOS configuration: %u line%s not about flows skipped\n",
		cfg->nskipped, cfg->nskipped == 1 ? "" : "s");
	for (i = 0; i < cfg->nskipped && i < CFG_MAX_SKIPPED; i++)
		fprintf(f, "#   line %u: %s\n", cfg->skipped[i].line,
			cfg->skipped[i].text);
	if (cfg->nskipped > CFG_MAX_SKIPPED)
		fprintf(f, "#   and %u more\n",
			cfg->nskipped - CFG_MAX_SKIPPED);
}

void config_dump(const struct config *cfg, FILE *f)
{
	int i;

	fprintf(f, "# %s as xflowd reads it, every default spelled out\n",
		cfg->file);
	for (i = 0; i < cfg->nexporter; i++)
		dump_exporter(&cfg->exporter[i], f);
	for (i = 0; i < cfg->nsampler; i++) {
		const struct cfg_sampler *s = &cfg->sampler[i];

		fprintf(f, "sampler %s # line %u\n", s->name, s->line);
		put_desc(f, s->description);
		fprintf(f, IND "mode %s 1 out-of %u\n",
			s->mode == SAMPLER_DETERMINISTIC ? "deterministic"
							 : "random",
			s->interval);
	}
	for (i = 0; i < cfg->nrecord; i++)
		dump_record(&cfg->record[i], f);
	for (i = 0; i < cfg->nmonitor; i++)
		dump_monitor(cfg, &cfg->monitor[i], f);
	for (i = 0; i < cfg->ninterface; i++)
		dump_interface(cfg, &cfg->interface[i], f);
	cfg_bgp_dump(cfg, f);
	/* last: the blocks keep the lines they have in a dump's dump */
	if (cfg->dialect == CFG_IOS)
		dump_skipped(cfg, f);
}

static int find(const void *arr, int n, size_t size, const char *name)
{
	int i;

	for (i = 0; i < n; i++)
		if (strcmp((const char *)arr + (size_t)i * size, name) == 0)
			return i;
	return -1;
}

int config_find_monitor(const struct config *cfg, const char *name)
{
	return find(cfg->monitor, cfg->nmonitor, sizeof(cfg->monitor[0]), name);
}

int config_find_interface(const struct config *cfg, const char *name)
{
	return find(cfg->interface, cfg->ninterface, sizeof(cfg->interface[0]),
		    name);
}

static bool exporter_equal(const struct cfg_exporter *a,
			   const struct cfg_exporter *b)
{
	return !strcmp(a->destination, b->destination) && a->host == b->host &&
	       !memcmp(a->addr, b->addr, 16) && a->transport == b->transport &&
	       a->port == b->port && a->source_port == b->source_port &&
	       !strcmp(a->source, b->source) && a->version == b->version &&
	       a->domain_id == b->domain_id && a->refresh_s == b->refresh_s &&
	       a->refresh_packets == b->refresh_packets && a->mtu == b->mtu &&
	       a->resolve_s == b->resolve_s &&
	       !memcmp(&a->pace, &b->pace, sizeof(a->pace)) &&
	       (export_fixed(a->version) ||
		export_options_equal(a->option, b->option)) &&
	       a->as == b->as && a->dscp == b->dscp && a->ttl == b->ttl;
}

static bool format_equal(const struct config *a, const struct cfg_format *fa,
			 const struct config *b, const struct cfg_format *fb)
{
	const struct cfg_record *ra, *rb;

	if (fa->tmpl || fb->tmpl)
		return fa->tmpl == fb->tmpl;
	ra = &a->record[fa->record];
	rb = &b->record[fb->record];
	return ra->nelem == rb->nelem && ra->nkey == rb->nkey &&
	       !memcmp(ra->elem, rb->elem, ra->nelem);
}

bool config_monitor_equal(const struct config *a, int ma,
			  const struct config *b, int mb)
{
	const struct cfg_monitor *x = &a->monitor[ma], *y = &b->monitor[mb];
	int i;

	if (x->nformat != y->nformat || x->nexporter != y->nexporter ||
	    x->cache_entries != y->cache_entries ||
	    x->active_s != y->active_s || x->inactive_s != y->inactive_s ||
	    (x->sampler < 0) != (y->sampler < 0))
		return false;
	for (i = 0; i < x->nformat; i++)
		if (!format_equal(a, &x->format[i], b, &y->format[i]))
			return false;
	for (i = 0; i < x->nexporter; i++)
		if (!exporter_equal(&a->exporter[x->exporter[i]],
				    &b->exporter[y->exporter[i]]))
			return false;
	if (x->sampler >= 0) {
		const struct cfg_sampler *s = &a->sampler[x->sampler],
					 *t = &b->sampler[y->sampler];

		if (s->mode != t->mode || s->interval != t->interval)
			return false;
	}
	return true;
}

bool config_interface_equal(const struct config *a, int ia,
			    const struct config *b, int ib)
{
	const struct cfg_interface *x = &a->interface[ia],
				   *y = &b->interface[ib];
	int d;

	if (strcmp(x->name, y->name) || x->capture != y->capture ||
	    x->ebpf_hook != y->ebpf_hook || x->promisc != y->promisc)
		return false;
	for (d = 0; d < CFG_NDIR; d++) {
		if ((x->monitor[d] < 0) != (y->monitor[d] < 0))
			return false;
		if (x->monitor[d] >= 0 &&
		    strcmp(a->monitor[x->monitor[d]].name,
			   b->monitor[y->monitor[d]].name))
			return false;
	}
	return true;
}

void config_record_template(const struct cfg_record *r, struct template_def *t)
{
	memset(t, 0, sizeof(*t));
	t->name = r->name;
	t->ipver = r->ipver;
	t->tunnel = r->tunnel;
	t->pppac = r->pppac;
	t->enterprise = r->enterprise;
	t->nelem = r->nelem;
	t->elem = r->elem;
	/* the keys come first: elements 0..nkey-1 (at least one) */
	t->keymask = r->nkey >= 64 ? ~0ull : (1ull << r->nkey) - 1;
}
