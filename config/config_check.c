// SPDX-License-Identifier: BSD-2-Clause
/*
 * config_check.c - what the configuration file means once all of it is
 * read: names resolved to indices (blocks may come in any order), defaults
 * that depend on other settings, and the combinations an exporter cannot
 * carry (enterprise elements without IPFIX, what NetFlow v5's fixed record
 * lacks, templates that do not fit a message).
 */
#include <string.h>

#include "../export/export.h"
#include "config_blocks.h"

/* NetFlow v5's fixed record (Cisco's v5 format): the elements it has;
 * v7's too, and v1's but the prefix lengths. */
static const uint8_t v5_elems[] = {
	IE_sourceIPv4Address,	   IE_destinationIPv4Address,
	IE_ingressInterface,	   IE_egressInterface,
	IE_packetDeltaCount,	   IE_octetDeltaCount,
	IE_flowStartSysUpTime,	   IE_flowEndSysUpTime,
	IE_sourceTransportPort,	   IE_destinationTransportPort,
	IE_tcpControlBits,	   IE_protocolIdentifier,
	IE_ipClassOfService,	   IE_ipNextHopIPv4Address,
	IE_sourceIPv4PrefixLength, IE_destinationIPv4PrefixLength,
};

/*
 * Every predefined template also has flowDirection and interfaceName, which
 * v5 drops: its collectors read a record as received on its input
 * interface. A record that asks for them gets what it asks or an error.
 */
static bool v5_has(uint8_t ie, bool predefined, int version)
{
	size_t i;

	if (version == 1 && (ie == IE_sourceIPv4PrefixLength ||
			     ie == IE_destinationIPv4PrefixLength))
		return false;
	if (predefined && (ie == IE_flowDirection || ie == IE_interfaceName))
		return true;
	for (i = 0; i < sizeof(v5_elems); i++)
		if (v5_elems[i] == ie)
			return true;
	return false;
}

static const char *version_name(int v)
{
	const struct export_ops *ops = export_ops_of(v);

	return ops ? ops->protocol : "ipfix";
}

/* Index of the block called name among n of size octets, or -1. */
static int find(const void *arr, int n, size_t size, const char *name)
{
	int i;

	for (i = 0; i < n; i++)
		if (strcmp((const char *)arr + (size_t)i * size, name) == 0)
			return i;
	return -1;
}

/* "unknown exporter 'x' — did you mean y?", or how to define one. */
static void unknown_ref(struct cfg_parser *p, unsigned int no, const char *what,
			const char *name, const void *arr, int n, size_t size)
{
	const char *cand[CFG_MAX_INTERFACES] = { NULL }, *best;
	int i;

	for (i = 0; i < n; i++)
		cand[i] = (const char *)arr + (size_t)i * size;
	if (cfg_closest(name, cand, n, &best, 1))
		cfg_error(p, no, "unknown %s '%s' — did you mean %s?", what,
			  name, best);
	else
		cfg_error(p, no,
			  "unknown %s '%s': define it in a block '%s %s'%s",
			  what, name, what, name,
			  n ? "" : " (the file has none yet)");
}

static void check_exporter(struct cfg_parser *p, int i)
{
	struct cfg_exporter *e = &p->cfg->exporter[i];
	const unsigned int *kw = p->exp[i].kwline;
	bool udp = e->transport == CFG_UDP;
	bool fixed = export_fixed(e->version);
	int k;

	if (!kw[KWE_DESTINATION] && !p->exp[i].damaged)
		cfg_error(p, e->line,
			  "exporter %s has no destination: add 'destination "
			  "HOST'",
			  e->name);
	if (e->source_ver &&
	    ((e->host == CFG_HOST_IPV4 && e->source_ver != 4) ||
	     (e->host == CFG_HOST_IPV6 && e->source_ver != 6)))
		cfg_error(p, kw[KWE_SOURCE],
			  "source %s: an IPv%u address cannot send to the "
			  "IPv%u destination %s; give an address of the "
			  "destination's version, or an interface",
			  e->source, e->source_ver,
			  e->host == CFG_HOST_IPV4 ? 4 : 6, e->destination);
	if (e->version == 5 && e->domain_id > 0xffff)
		cfg_error(p, kw[KWE_DOMAIN],
			  "domain-id %u: NetFlow v5 has 16 bits for it (engine "
			  "type and id): 0 to 65535",
			  e->domain_id);
	if ((e->version == 1 || e->version == 7) && kw[KWE_DOMAIN])
		cfg_error(p, kw[KWE_DOMAIN],
			  "domain-id %u: NetFlow v%d has no engine nor source "
			  "id field; remove it, or use netflow-v5",
			  e->domain_id, e->version);
	if (e->version != 10 && !udp)
		cfg_error(p, kw[KWE_TRANSPORT],
			  "transport tcp: NetFlow v1, v5, v7 and v9 go over "
			  "UDP; use udp, or export-protocol ipfix");
	for (k = 0; k < EXPORT_OPT_N; k++) {
		unsigned int on = kw[KWE_OPT_IFTABLE + k],
			     off = kw[KWE_NO_IFTABLE + k];

		if (fixed && (on || off))
			cfg_error(p, on ? on : off,
				  "%soption %s: NetFlow v%d has no options "
				  "records; remove it",
				  on ? "" : "no ", export_option_name(k),
				  e->version);
		else if (on && off)
			cfg_error(p, on > off ? on : off,
				  "option %s and no option %s (line %u): "
				  "keep one",
				  export_option_name(k), export_option_name(k),
				  on > off ? off : on);
	}
	if (fixed) {
		if (kw[KWE_REFRESH_S])
			cfg_error(p, kw[KWE_REFRESH_S],
				  "template refresh-seconds: NetFlow v%d has "
				  "no templates; remove it",
				  e->version);
		if (kw[KWE_REFRESH_P])
			cfg_error(p, kw[KWE_REFRESH_P],
				  "template refresh-packets: NetFlow v%d has "
				  "no templates; remove it",
				  e->version);
	} else if (!udp) {
		if (kw[KWE_REFRESH_S])
			cfg_error(p, kw[KWE_REFRESH_S],
				  "template refresh-seconds: over tcp the "
				  "templates go once per connection (RFC 7011 "
				  "§8.4 refreshes udp only); remove it");
		if (kw[KWE_REFRESH_P])
			cfg_error(p, kw[KWE_REFRESH_P],
				  "template refresh-packets: over tcp the "
				  "templates go once per connection (RFC 7011 "
				  "§8.4 refreshes udp only); remove it");
	}
	/* settings.h: as on the command line */
	if (fixed || !udp) {
		e->refresh_s = 0;
		e->refresh_packets = 0;
	} else {
		if (!kw[KWE_REFRESH_S])
			e->refresh_s = set_default_refresh_s(e->version);
		if (!kw[KWE_REFRESH_P])
			e->refresh_packets =
				set_default_refresh_packets(e->version);
	}
}

static void check_record(struct cfg_parser *p, int i)
{
	struct cfg_record *r = &p->cfg->record[i];
	struct cfg_aux *a = &p->rec[i];
	unsigned int nerr = p->err->count;
	bool v4 = false, v6 = false, t4 = false, t6 = false;
	int k, pass;

	/* the wire order: keys, then the rest, each as written */
	for (pass = 0; pass < 2; pass++)
		for (k = 0; k < a->r->nelem; k++)
			if (a->r->key[k] == (pass == 0))
				r->elem[r->nelem++] = a->r->elem[k];
	for (k = 0; k < a->r->nelem; k++)
		r->nkey = (uint8_t)(r->nkey + a->r->key[k]);
	for (k = 0; k < r->nelem; k++) {
		switch (r->elem[k]) {
		case IE_sourceIPv4Address:
		case IE_destinationIPv4Address:
			v4 = true;
			break;
		case IE_sourceIPv6Address:
		case IE_destinationIPv6Address:
			v6 = true;
			break;
		case IE_tunnelSourceIPv4Address:
		case IE_tunnelDestinationIPv4Address:
			t4 = true;
			break;
		case IE_tunnelSourceIPv6Address:
		case IE_tunnelDestinationIPv6Address:
			t6 = true;
			break;
		case IE_pppacUserName:
		case IE_pppacProtocol:
			r->pppac = true;
			break;
		}
		if (ie_table[r->elem[k]].pen)
			r->enterprise = true;
	}
	r->ipver = v4 ? 4 : v6 ? 6 : 0;
	/* pppac without tunnel endpoints: PPPoE or L2TP over IPv4, as
	 * template_build() has it */
	r->tunnel = t4 ? 4 : t6 ? 6 : r->pppac ? 4 : 0;
	if (template_find(r->name))
		cfg_error(p, r->line,
			  "record %s: a predefined template has this name; "
			  "choose another",
			  r->name);
	if (a->damaged)
		return;
	if (!r->nkey && !a->kwline[KWR_MATCH])
		cfg_error(p, r->line,
			  "record %s has no 'match' element: a flow needs a "
			  "key, e.g. 'match sourceIPv4Address'",
			  r->name);
	if (v4 && v6)
		cfg_error(p, r->line,
			  "record %s has IPv4 and IPv6 addresses: a record "
			  "describes one IP version; define one for each",
			  r->name);
	if (t4 && t6)
		cfg_error(p, r->line,
			  "record %s has IPv4 and IPv6 tunnel endpoints: a "
			  "record describes one outer IP version; define one "
			  "for each",
			  r->name);
	if (p->err->count != nerr)
		a->damaged = true;
}

/* What decides which flows a template or record takes. */
struct fits {
	const char *kind; /* "template" or "record" */
	const char *name;
	uint8_t ipver, tunnel;
	bool pppac, enterprise, predefined;
	uint8_t nelem;
	const uint8_t *elem;
};

static struct fits format_fits(const struct config *cfg,
			       const struct cfg_format *f)
{
	struct fits x;

	if (f->tmpl) {
		x = (struct fits){ "template",	   f->tmpl->name,
				   f->tmpl->ipver, f->tmpl->tunnel,
				   f->tmpl->pppac, f->tmpl->enterprise,
				   true,	   f->tmpl->nelem,
				   f->tmpl->elem };
	} else {
		const struct cfg_record *r = &cfg->record[f->record];

		x = (struct fits){ "record",  r->name,	r->ipver,
				   r->tunnel, r->pppac, r->enterprise,
				   false,     r->nelem, r->elem };
	}
	return x;
}

/* Resolve a monitor's template and record lines; false if one is bad. */
static bool resolve_formats(struct cfg_parser *p, int mi)
{
	struct config *cfg = p->cfg;
	struct cfg_monitor *m = &cfg->monitor[mi];
	const struct cfg_aux *a = &p->mon[mi];
	const char *close;
	bool ok = true;
	int i;

	for (i = 0; i < m->nformat; i++) {
		struct cfg_format *f = &m->format[i];
		const char *name = a->m->ref[i];

		if (f->tmpl)
			continue;
		if (f->record == -2) {
			f->record = find(cfg->record, cfg->nrecord,
					 sizeof(cfg->record[0]), name);
			if (f->record >= 0)
				continue;
			ok = false;
			if (template_find(name))
				cfg_error(p, f->line,
					  "unknown record '%s': %s is a "
					  "predefined template; write "
					  "'template %s'",
					  name, name, name);
			else
				unknown_ref(p, f->line, "record", name,
					    cfg->record, cfg->nrecord,
					    sizeof(cfg->record[0]));
			continue;
		}
		ok = false;
		close = template_closest(name);
		if (find(cfg->record, cfg->nrecord, sizeof(cfg->record[0]),
			 name) >= 0)
			cfg_error(p, f->line,
				  "unknown template '%s': %s is a record; "
				  "write 'record %s'",
				  name, name, name);
		else if (cfg_close(cfg_distance(name, close), close))
			cfg_error(p, f->line,
				  "unknown template '%s' — did you mean %s?",
				  name, close);
		else
			cfg_error(p, f->line,
				  "unknown template '%s': xflowd.conf(5) lists "
				  "the predefined ones; for your own, define a "
				  "record",
				  name);
	}
	return ok;
}

/* A format no flow ever reaches: an earlier one takes the same flows. */
static void check_shadowed(struct cfg_parser *p, const struct cfg_monitor *m)
{
	int i, j;

	for (j = 1; j < m->nformat; j++) {
		struct fits b = format_fits(p->cfg, &m->format[j]);

		for (i = 0; i < j; i++) {
			struct fits a = format_fits(p->cfg, &m->format[i]);

			if (a.tunnel != b.tunnel || a.pppac != b.pppac ||
			    (a.ipver && a.ipver != b.ipver))
				continue;
			cfg_error(p, m->format[j].line,
				  "%s %s never exports a flow: %s %s (line "
				  "%u) comes first and takes the same flows; "
				  "remove one or give it its own monitor",
				  b.kind, b.name, a.kind, a.name,
				  m->format[i].line);
			break;
		}
	}
}

/* Can exporter e carry format f of monitor m? One message per format. */
static void check_format_exporter(struct cfg_parser *p,
				  const struct cfg_format *f,
				  const struct cfg_exporter *e)
{
	struct fits x = format_fits(p->cfg, f);
	int k;

	if (x.enterprise && e->version != 10) {
		cfg_error(p, f->line,
			  "%s %s has enterprise (PEN 770) elements, which only "
			  "IPFIX can carry: exporter %s uses %s; set "
			  "'export-protocol ipfix'",
			  x.kind, x.name, e->name, version_name(e->version));
		return;
	}
	if (!export_fixed(e->version))
		return;
	if (x.ipver != 4) {
		cfg_error(p, f->line,
			  "%s %s: exporter %s uses %s, which carries "
			  "IPv4 flows only; use netflow-v9 or ipfix, or "
			  "another monitor",
			  x.kind, x.name, e->name, version_name(e->version));
		return;
	}
	for (k = 0; k < x.nelem; k++) {
		if (v5_has(x.elem[k], x.predefined, e->version))
			continue;
		cfg_error(p, f->line,
			  "%s %s: exporter %s uses %s, whose fixed "
			  "record has no %s; use netflow-v9 or ipfix",
			  x.kind, x.name, e->name, version_name(e->version),
			  ie_table[x.elem[k]].name);
		return;
	}
}

/* The template set must fit one message, as exporter_add_collector()
 * requires: path MTU less the IP and UDP or TCP headers, with room for a
 * data record; a host name may resolve to IPv6. */
static void check_fits_mtu(struct cfg_parser *p, const struct cfg_monitor *m,
			   const struct cfg_exporter *e)
{
	struct template_def rec[CFG_MAX_MON_FORMATS];
	struct export_cfg ec = { .version = e->version, .mtu = e->mtu };
	size_t need, room;
	size_t hdr = (e->host == CFG_HOST_IPV4 ? 20 : 40) +
		     (e->transport == CFG_TCP ? 20 : 8);
	int i;

	if (export_fixed(e->version))
		return;
	for (i = 0; i < m->nformat; i++) {
		if (m->format[i].tmpl) {
			ec.tmpl[ec.ntmpl++] = m->format[i].tmpl;
		} else {
			config_record_template(
				&p->cfg->record[m->format[i].record], &rec[i]);
			ec.tmpl[ec.ntmpl++] = &rec[i];
		}
	}
	need = export_templates_len(&ec) + 128;
	room = e->mtu - hdr;
	if (need > room)
		cfg_error(p, m->line,
			  "monitor %s: its templates and a data record do not "
			  "fit one message to exporter %s (mtu %u): raise "
			  "'mtu' or use fewer templates",
			  m->name, e->name, e->mtu);
}

static void check_monitor(struct cfg_parser *p, int mi)
{
	struct config *cfg = p->cfg;
	struct cfg_monitor *m = &cfg->monitor[mi];
	const struct cfg_aux *a = &p->mon[mi];
	bool v5 = false, formats_ok, exp_ok = true;
	int i, j;

	for (i = 0; i < a->m->nexp; i++) {
		int e = find(cfg->exporter, cfg->nexporter,
			     sizeof(cfg->exporter[0]), a->m->exp[i]);

		if (e < 0) {
			unknown_ref(p, a->m->exp_line[i], "exporter",
				    a->m->exp[i], cfg->exporter, cfg->nexporter,
				    sizeof(cfg->exporter[0]));
			exp_ok = false;
			continue;
		}
		m->exporter[m->nexporter++] = e;
		v5 |= export_fixed(cfg->exporter[e].version);
	}
	if (!a->kwline[KWM_EXPORTER] && !a->damaged)
		cfg_error(p, m->line,
			  "monitor %s has no exporter: add 'exporter NAME'",
			  m->name);
	if (a->m->sampler[0]) {
		m->sampler = find(cfg->sampler, cfg->nsampler,
				  sizeof(cfg->sampler[0]), a->m->sampler);
		if (m->sampler < 0)
			unknown_ref(p, a->kwline[KWM_SAMPLER], "sampler",
				    a->m->sampler, cfg->sampler, cfg->nsampler,
				    sizeof(cfg->sampler[0]));
	}
	formats_ok = resolve_formats(p, mi);
	if (m->nformat == 0 && !a->kwline[KWM_TEMPLATE] &&
	    !a->kwline[KWM_RECORD]) {
		/* the command line's default; v1, v5, v7 carry IPv4 only */
		m->format[m->nformat++] =
			(struct cfg_format){ template_find("ipv4-five-tuple"),
					     -1, m->line };
		if (!v5)
			m->format[m->nformat++] =
				(struct cfg_format){ template_find("ipv6-five-"
								   "tuple"),
						     -1, m->line };
		m->skip_ipv6 = v5;
	}
	/* combinations are judged once the block itself is right */
	for (i = 0; i < m->nformat; i++)
		if (m->format[i].record >= 0 &&
		    p->rec[m->format[i].record].damaged)
			formats_ok = false;
	if (!formats_ok || a->damaged)
		return;
	check_shadowed(p, m);
	for (i = 0; i < m->nformat; i++)
		for (j = 0; j < m->nexporter; j++)
			check_format_exporter(p, &m->format[i],
					      &cfg->exporter[m->exporter[j]]);
	if (m->sampler >= 0) {
		const struct cfg_sampler *s = &cfg->sampler[m->sampler];

		for (j = 0; j < m->nexporter; j++) {
			const struct cfg_exporter *e =
				&cfg->exporter[m->exporter[j]];

			/* v5 header: 2 bits of mode, 14 of interval */
			if (e->version == 5 && s->interval > 0x3fff) {
				cfg_error(p, a->kwline[KWM_SAMPLER],
					  "sampler %s: 1 out-of %u does not "
					  "fit the NetFlow v5 header of "
					  "exporter %s (at most 16383)",
					  s->name, s->interval, e->name);
				break;
			}
			/* Cisco's v1 and v7 ran unsampled: no field says it */
			if (e->version == 1 || e->version == 7) {
				cfg_error(p, a->kwline[KWM_SAMPLER],
					  "sampler %s: NetFlow v%d of exporter "
					  "%s cannot announce sampling; use "
					  "netflow-v5, v9 or ipfix, or no "
					  "sampler",
					  s->name, e->version, e->name);
				break;
			}
		}
	}
	if (exp_ok)
		for (j = 0; j < m->nexporter; j++)
			check_fits_mtu(p, m, &cfg->exporter[m->exporter[j]]);
}

/*
 * What a kernel capture cannot see truthfully: the eBPF programs parse
 * within the verifier's budget and do not read the IPv6 fragment header's
 * M flag (parse.h); eBPF at TC and AF_XDP see frames whose 802.1Q tag the
 * kernel or the NIC took off into metadata (libpcap puts it back); the
 * lower devices come from the interface table, kept for libpcap only.
 */
static const char *kernel_capture_lacks(unsigned int ie, enum capture_kind cap)
{
	switch (ie) {
	case IE_fragmentFlags:
		return cap == CAPTURE_EBPF ? "the IPv6 fragment header is past "
					     "the kernel verifier's budget"
					   : NULL;
	case IE_vlanId:
	case IE_dot1qVlanId:
	case IE_dot1qPriority:
		return "the kernel or the NIC takes the 802.1Q tag off the "
		       "frame before this capture sees it";
	case IE_ingressPhysicalInterface:
	case IE_egressPhysicalInterface:
		return "xflowd follows the kernel's interface table and its "
		       "lower devices for capture pcap only";
	default:
		return NULL;
	}
}

static void check_capture_fields(struct cfg_parser *p, const char *mon, int mi,
				 unsigned int line, enum capture_kind cap)
{
	const struct cfg_monitor *m = &p->cfg->monitor[mi];
	const struct cfg_record *r;
	const char *why;
	int i, k;

	for (i = 0; i < m->nformat; i++) {
		if (m->format[i].record < 0)
			continue;
		r = &p->cfg->record[m->format[i].record];
		for (k = 0; k < r->nelem; k++) {
			why = kernel_capture_lacks(r->elem[k], cap);
			if (why)
				cfg_error(p, line,
					  "monitor %s: record %s (line %u) "
					  "has %s, which capture %s cannot "
					  "fill (%s); use capture pcap",
					  mon, r->name, r->line,
					  ie_table[r->elem[k]].name,
					  cap == CAPTURE_EBPF ? "ebpf"
							      : "afxdp",
					  why);
		}
	}
}

static void check_interface(struct cfg_parser *p, int ii)
{
	static const char *const dir[] = { "input", "output" };
	struct config *cfg = p->cfg;
	struct cfg_interface *f = &cfg->interface[ii];
	const struct cfg_aux *a = &p->ifc[ii];
	int d;

	if (!f->monitor_line[CFG_INPUT] && !f->monitor_line[CFG_OUTPUT] &&
	    !a->kwline[KWI_MONITOR] && !a->damaged)
		cfg_error(p, f->line,
			  "interface %s has no monitor: add 'monitor NAME "
			  "input'",
			  f->name);
	for (d = 0; d < CFG_NDIR; d++) {
		if (!a->i->mon[d][0])
			continue;
		f->monitor[d] = find(cfg->monitor, cfg->nmonitor,
				     sizeof(cfg->monitor[0]), a->i->mon[d]);
		if (f->monitor[d] < 0)
			unknown_ref(p, f->monitor_line[d], "monitor",
				    a->i->mon[d], cfg->monitor, cfg->nmonitor,
				    sizeof(cfg->monitor[0]));
		/* XDP runs on receive only; TC and libpcap see both ways */
		if (d == CFG_OUTPUT && f->capture == CAPTURE_AFXDP)
			cfg_error(p, f->monitor_line[d],
				  "monitor %s %s: capture afxdp sees received "
				  "packets only; use capture ebpf or pcap",
				  a->i->mon[d], dir[d]);
		if (f->monitor[d] >= 0 &&
		    (f->capture == CAPTURE_EBPF || f->capture == CAPTURE_AFXDP))
			check_capture_fields(p, a->i->mon[d], f->monitor[d],
					     f->monitor_line[d], f->capture);
		if (d == CFG_OUTPUT && f->capture == CAPTURE_EBPF &&
		    f->ebpf_hook == EBPF_HOOK_XDP)
			cfg_error(p, f->monitor_line[d],
				  "monitor %s %s: capture ebpf xdp sees "
				  "received packets only; use capture ebpf tc",
				  a->i->mon[d], dir[d]);
	}
}

void cfg_check(struct cfg_parser *p)
{
	struct config *cfg = p->cfg;
	int i;

	for (i = 0; i < cfg->nexporter; i++)
		check_exporter(p, i);
	for (i = 0; i < cfg->nsampler; i++)
		if (!p->smp[i].kwline[KWS_MODE] && !p->smp[i].damaged)
			cfg_error(p, cfg->sampler[i].line,
				  "sampler %s has no mode: add 'mode random 1 "
				  "out-of N'",
				  cfg->sampler[i].name);
	for (i = 0; i < cfg->nrecord; i++)
		check_record(p, i);
	for (i = 0; i < cfg->nmonitor; i++)
		check_monitor(p, i);
	for (i = 0; i < cfg->ninterface; i++)
		check_interface(p, i);
	if (cfg->nmonitor == 0 && p->err->count == 0)
		cfg_error(p, 1,
			  "no monitor: a configuration needs at least an "
			  "exporter and a monitor (see xflowd.conf(5))");
}
