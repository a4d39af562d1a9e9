// SPDX-License-Identifier: BSD-2-Clause
/*
 * config_ios_dump.c - a configuration written back as IOS's running-config
 * writes its NetFlow part: Flexible NetFlow's flow record, flow exporter,
 * flow monitor and sampler blocks, traditional NetFlow's ip|ipv6
 * flow-export and flow-cache lines, and each interface's ip flow lines under its
 * IOS name (its alias) where it has one. What xflowctl's show
 * running-config prints for an IOS file; reading it back with -f gives
 * the same configuration.
 */
#include <string.h>

#include "config_ios_int.h"

/*
 * The families of traditional NetFlow's monitor mi (bit 1 << enum
 * ios_family), or 0: ip-flow has IPv6's record too where both families
 * are metered on one interface.
 */
static unsigned int trad_fams(const struct config *cfg, int mi)
{
	const struct cfg_monitor *m = &cfg->monitor[mi];
	unsigned int fams = 0;
	int k;

	if (cfg->dialect != CFG_IOS)
		return 0;
	if (!strcmp(m->name, TRAD6_MONITOR))
		return 1u << IOS_IPV6;
	if (strcmp(m->name, TRAD_MONITOR))
		return 0;
	for (k = 0; k < m->nformat; k++)
		fams |= m->format[k].record >= 0 &&
					cfg->record[m->format[k].record].ipver ==
						6
				? 1u << IOS_IPV6
				: 1u << IOS_IPV4;
	return fams ? fams : 1u << IOS_IPV4;
}

static bool is_trad(const struct config *cfg, int mi)
{
	return trad_fams(cfg, mi) != 0;
}

/* Is record (exporter) i used by traditional NetFlow's monitor only? */
static bool trad_only(const struct config *cfg, int i, bool exporter)
{
	bool trad = false, other = false;
	int m, k;

	for (m = 0; m < cfg->nmonitor; m++) {
		const struct cfg_monitor *mo = &cfg->monitor[m];
		bool uses = false;

		if (exporter)
			for (k = 0; k < mo->nexporter; k++)
				uses |= mo->exporter[k] == i;
		else
			for (k = 0; k < mo->nformat; k++)
				uses |= mo->format[k].record == i;
		if (uses && is_trad(cfg, m))
			trad = true;
		else if (uses)
			other = true;
	}
	return trad && !other;
}

static void put_desc(FILE *f, const char *d)
{
	if (d[0])
		fprintf(f, " description %s\n", d);
}

static void write_record(const struct cfg_record *r, FILE *f)
{
	int i;

	fprintf(f, "flow record %s\n", r->name);
	put_desc(f, r->description);
	for (i = 0; i < r->nelem; i++) {
		const char *w = ie_fnf_name(r->elem[i]);

		fprintf(f, " %s %s\n", i < r->nkey ? "match" : "collect",
			w ? w : ie_table[r->elem[i]].name);
	}
	fputs("!\n", f);
}

/* the exporter's source: an address, or an interface by its IOS name */
static const char *source_of(const struct cfg_exporter *e, char *buf,
			     size_t len)
{
	if (e->source_ver)
		return e->source;
	ios_ifname_of(e->source, buf, len);
	return buf;
}

static const char *protocol(int version)
{
	return version == 5   ? "netflow-v5"
	       : version == 9 ? "netflow-v9"
			      : "ipfix";
}

static void write_exporter(const struct cfg_exporter *e, FILE *f)
{
	static const char *const opt[EXPORT_OPT_N] = {
		[EXPORT_OPT_IFTABLE] = "interface-table",
		[EXPORT_OPT_STATS] = "exporter-stats",
		[EXPORT_OPT_SAMPLER] = "sampler-table",
	};
	char src[64];
	int k;

	fprintf(f, "flow exporter %s\n", e->name);
	put_desc(f, e->description);
	fprintf(f, " destination %s\n", e->destination);
	if (e->source[0])
		fprintf(f, " source %s\n", source_of(e, src, sizeof(src)));
	if (e->dscp)
		fprintf(f, " dscp %u\n", e->dscp);
	if (e->ttl)
		fprintf(f, " ttl %u\n", e->ttl);
	fprintf(f, " transport %s %u\n",
		e->transport == CFG_UDP ? "udp" : "tcp", e->port);
	fprintf(f, " export-protocol %s\n", protocol(e->version));
	if (e->refresh_s && !export_fixed(e->version))
		fprintf(f, " template data timeout %u\n", e->refresh_s);
	for (k = 0; k < EXPORT_OPT_N && !export_fixed(e->version); k++) {
		if (e->option[k].off || !opt[k])
			continue;
		fprintf(f, " option %s", opt[k]);
		if (e->option[k].timeout_s)
			fprintf(f, " timeout %u", e->option[k].timeout_s);
		fputs("\n", f);
	}
	fputs("!\n", f);
}

static void write_monitor(const struct config *cfg, const struct cfg_monitor *m,
			  FILE *f)
{
	int k;

	fprintf(f, "flow monitor %s\n", m->name);
	put_desc(f, m->description);
	for (k = 0; k < m->nformat; k++) {
		if (m->format[k].record >= 0)
			fprintf(f, " record %s\n",
				cfg->record[m->format[k].record].name);
		else if (m->format[k].tmpl)
			fprintf(f, " record %s\n", m->format[k].tmpl->name);
	}
	for (k = 0; k < m->nexporter; k++)
		fprintf(f, " exporter %s\n",
			cfg->exporter[m->exporter[k]].name);
	if (m->active_s != SET_DEFAULT_ACTIVE)
		fprintf(f, " cache timeout active %u\n", m->active_s);
	if (m->inactive_s != SET_DEFAULT_INACTIVE)
		fprintf(f, " cache timeout inactive %u\n", m->inactive_s);
	if (m->cache_entries != SET_DEFAULT_ENTRIES)
		fprintf(f, " cache entries %u\n", m->cache_entries);
	fputs("!\n", f);
}

/* ip|ipv6 flow-export and flow-cache: traditional NetFlow's monitor */
static void write_trad_ip(const struct config *cfg, int mi, const char *ip,
			  FILE *f)
{
	const struct cfg_monitor *m = &cfg->monitor[mi];
	const struct cfg_exporter *e;
	char src[64];
	int k;

	if (!m->nexporter)
		return;
	e = &cfg->exporter[m->exporter[0]];
	fprintf(f, "%s flow-export version %d", ip, e->version);
	if (e->as)
		fprintf(f, " %s",
			e->as == EXPORT_AS_ORIGIN ? "origin-as" : "peer-as");
	if (e->bgp_nexthop)
		fputs(" bgp-nexthop", f);
	fputs("\n", f);
	if (e->source[0])
		fprintf(f, "%s flow-export source %s\n", ip,
			source_of(e, src, sizeof(src)));
	if (e->version == 9 && e->refresh_packets)
		fprintf(f, "%s flow-export template refresh-rate %u\n", ip,
			e->refresh_packets);
	if (e->version == 9 && e->refresh_s)
		fprintf(f, "%s flow-export template timeout-rate %u\n", ip,
			e->refresh_s / 60);
	for (k = 0; k < m->nexporter; k++) {
		e = &cfg->exporter[m->exporter[k]];
		fprintf(f, "%s flow-export destination %s %u\n", ip,
			e->destination, e->port);
	}
	if (m->active_s != SET_DEFAULT_ACTIVE)
		fprintf(f, "%s flow-cache timeout active %u\n", ip,
			m->active_s / 60);
	if (m->inactive_s != SET_DEFAULT_INACTIVE)
		fprintf(f, "%s flow-cache timeout inactive %u\n", ip,
			m->inactive_s);
	if (m->cache_entries != SET_DEFAULT_ENTRIES)
		fprintf(f, "%s flow-cache entries %u\n", ip, m->cache_entries);
	fputs("!\n", f);
}

static void write_trad(const struct config *cfg, int mi, FILE *f)
{
	unsigned int fams = trad_fams(cfg, mi);

	if (fams & (1u << IOS_IPV4))
		write_trad_ip(cfg, mi, "ip", f);
	if (fams & (1u << IOS_IPV6))
		write_trad_ip(cfg, mi, "ipv6", f);
}

/* "ipv6" when every format of monitor mi is of IPv6 */
static const char *ip_of(const struct config *cfg, int mi)
{
	const struct cfg_monitor *m = &cfg->monitor[mi];
	int k, v6 = 0;

	for (k = 0; k < m->nformat; k++) {
		const struct cfg_format *fo = &m->format[k];
		int ipver = fo->record >= 0 ? cfg->record[fo->record].ipver
			    : fo->tmpl	    ? fo->tmpl->ipver
					    : 0;

		v6 += ipver == 6;
	}
	return m->nformat && v6 == m->nformat ? "ipv6" : "ip";
}

static void write_interface(const struct config *cfg,
			    const struct cfg_interface *in, FILE *f)
{
	char name[64];
	int d, mi, s;

	ios_ifname_of(in->name, name, sizeof(name));
	fprintf(f, "interface %s\n", name);
	for (d = 0; d < CFG_NDIR; d++) {
		mi = in->monitor[d];
		if (mi < 0)
			continue;
		if (is_trad(cfg, mi)) {
			unsigned int fams = trad_fams(cfg, mi);

			if (fams & (1u << IOS_IPV4))
				fprintf(f, " ip flow %s\n",
					d == CFG_INPUT ? "ingress" : "egress");
			if (fams & (1u << IOS_IPV6))
				fprintf(f, " ipv6 flow %s\n",
					d == CFG_INPUT ? "ingress" : "egress");
			continue;
		}
		fprintf(f, " %s flow monitor %s", ip_of(cfg, mi),
			cfg->monitor[mi].name);
		s = cfg->monitor[mi].sampler;
		if (s >= 0)
			fprintf(f, " sampler %s", cfg->sampler[s].name);
		fprintf(f, " %s\n", d == CFG_INPUT ? "input" : "output");
	}
	fputs("!\n", f);
}

void ios_write(const struct config *cfg, FILE *f)
{
	int i;

	fputs("!\n", f);
	for (i = 0; i < cfg->nrecord; i++)
		if (!trad_only(cfg, i, false))
			write_record(&cfg->record[i], f);
	for (i = 0; i < cfg->nexporter; i++)
		if (!trad_only(cfg, i, true))
			write_exporter(&cfg->exporter[i], f);
	for (i = 0; i < cfg->nmonitor; i++)
		if (!is_trad(cfg, i))
			write_monitor(cfg, &cfg->monitor[i], f);
	for (i = 0; i < cfg->nsampler; i++) {
		const struct cfg_sampler *s = &cfg->sampler[i];

		fprintf(f, "sampler %s\n", s->name);
		put_desc(f, s->description);
		fprintf(f, " mode %s 1 out-of %u\n!\n",
			s->mode == SAMPLER_RANDOM ? "random" : "deterministic",
			s->interval);
	}
	for (i = 0; i < cfg->nmonitor; i++)
		if (is_trad(cfg, i))
			write_trad(cfg, i, f);
	for (i = 0; i < cfg->ninterface; i++)
		write_interface(cfg, &cfg->interface[i], f);
	fputs("end\n", f);
}
