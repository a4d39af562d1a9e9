// SPDX-License-Identifier: BSD-2-Clause
/*
 * views_fnf.c - the Flexible NetFlow views: `show flow exporter`
 * (configuration, statistics, templates), `show flow monitor`
 * (configuration, statistics), `show flow interface` and `show flow record`,
 * in the layouts of IOS, with xflowd's exporters (one per collector), its
 * monitor and its records (the templates).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "views.h"

static const char *field_name(unsigned int e)
{
	if (e >= IE_COUNT)
		return "?";
	return ie_fnf_name(e) ? ie_fnf_name(e) : ie_table[e].name;
}

/* a key ("match") element of t: marked, or any key of a predefined one */
static bool is_match(const struct template_def *t, unsigned int i)
{
	if (t->keymask)
		return t->keymask >> i & 1;
	return ie_table[t->elem[i]].use == KEY;
}

/* The element xflowd appends to every data template of an exporting
 * process of version while sampling (setmsg.c data_tmpl()), or -1. */
static int sampler_elem_of(const struct view_snapshot *s, int version)
{
	if (s->sample_mode == SAMPLER_NONE || export_fixed(version))
		return -1;
	return version == 9 ? IE_samplerId : IE_selectorId;
}

static int sampler_elem(const struct view_snapshot *s)
{
	return sampler_elem_of(s, s->version);
}

static const char *monitor_name(const struct view_snapshot *s)
{
	return s->monitor ? s->monitor : "default";
}

static void sampler_text(char *out, size_t len, const struct view_snapshot *s)
{
	if (s->sample_mode == SAMPLER_NONE)
		snprintf(out, len, "on");
	else if (s->sampler)
		snprintf(out, len, "sampler %s", s->sampler);
	else
		snprintf(out, len, "sampler %s 1 out-of %u",
			 s->sample_mode == SAMPLER_RANDOM ? "random"
							  : "deterministic",
			 s->sample_n);
}

/* IOS says "User defined" when a block has no description */
static const char *descr(const char *s)
{
	return s && *s ? s : "User defined";
}

static const char *dash(const char *s)
{
	return s && *s ? s : "-";
}

/* The options sent, as IOS lists them (those off are not); v1, v5 and v7
 * have none. */
static void options_text(struct vbuf *b, const struct view_collector *c)
{
	int k;

	if (export_fixed(c->version))
		return;
	vb_puts(b, "  Options Configuration:\n");
	for (k = 0; k < EXPORT_OPT_N; k++) {
		if (c->opt[k].off)
			continue;
		if (c->opt[k].timeout_s)
			vb_printf(b, "    %s (timeout %u seconds)\n",
				  export_option_name(k), c->opt[k].timeout_s);
		else
			vb_printf(b, "    %s (with the templates)\n",
				  export_option_name(k));
	}
}

static void exporter_text(struct vbuf *b, const struct view_snapshot *s)
{
	size_t i;

	for (i = 0; i < s->ncoll; i++) {
		const struct view_collector *c = &s->coll[i];

		vb_printf(b,
			  "%sFlow Exporter %s:\n"
			  "  Description:              %s\n"
			  "  Export protocol:          %s\n"
			  "  Transport Configuration:\n"
			  "    Destination IP address: %s\n"
			  "    Source IP address:      %s\n"
			  "    Transport Protocol:     %s\n"
			  "    Destination Port:       %u\n",
			  i ? "\n" : "", c->name, descr(c->descr),
			  view_version_name(c->version), c->dst, dash(c->src),
			  c->tcp ? "TCP" : "UDP", c->dst_port);
		if (c->src_port)
			vb_printf(b, "    Source Port:            %u\n",
				  c->src_port);
		else
			vb_puts(b, "    Source Port:            -\n");
		if (c->dscp >= 0)
			vb_printf(b, "    DSCP:                   0x%x\n",
				  (unsigned int)c->dscp);
		if (c->ttl >= 0)
			vb_printf(b, "    TTL:                    %d\n",
				  c->ttl);
		vb_puts(b, "    Output Features:        Not Used\n");
		options_text(b, c);
	}
}

static void exporter_json(struct vbuf *b, const struct view_snapshot *s)
{
	size_t i;

	vb_puts(b, "{\"view\":\"show flow exporter\",\"exporters\":[");
	for (i = 0; i < s->ncoll; i++) {
		const struct view_collector *c = &s->coll[i];
		int k;

		vb_puts(b, i ? ",{\"name\":" : "{\"name\":");
		vb_json_str(b, c->name);
		vb_puts(b, ",\"description\":");
		vb_json_str(b, descr(c->descr));
		vb_printf(b,
			  ",\"protocol\":\"%s\",\"version\":%d,"
			  "\"destination\":",
			  view_version_name(c->version), c->version);
		vb_json_str(b, c->dst);
		vb_puts(b, ",\"source\":");
		vb_json_str(b, c->src);
		vb_printf(b,
			  ",\"transport\":\"%s\",\"destination_port\":%u,"
			  "\"source_port\":%u,\"dscp\":%d,\"ttl\":%d,",
			  c->tcp ? "tcp" : "udp", c->dst_port, c->src_port,
			  c->dscp, c->ttl);
		vb_printf(b, "\"connected\":%s,\"mtu\":%u,",
			  c->up ? "true" : "false", c->mtu);
		vb_printf(b,
			  "\"template_refresh_s\":%u,"
			  "\"template_refresh_messages\":%u,\"domain_id\":%u",
			  c->refresh_s, c->refresh_msgs, c->domain_id);
		/* each option: false (off), or its timeout (0: with the
		 * templates); v5 has none */
		for (k = 0; !export_fixed(c->version) && k < EXPORT_OPT_N;
		     k++) {
			vb_puts(b, k ? ",\"" : ",\"options\":{\"");
			vb_printf(b, "%s\":", export_option_name(k));
			if (c->opt[k].off)
				vb_puts(b, "false");
			else
				vb_printf(b, "{\"timeout_s\":%u}",
					  c->opt[k].timeout_s);
		}
		vb_puts(b, !export_fixed(c->version) ? "}}" : "}");
	}
	vb_puts(b, "]}\n");
}

static void exporter_stats_text(struct vbuf *b, const struct view_snapshot *s)
{
	uint64_t up = (uint64_t)view_uptime_s(s);
	size_t i;

	for (i = 0; i < s->ncoll; i++) {
		const struct collector_stats *t = &s->coll[i].st;
		uint64_t failed = t->dropped_records + t->refused_records +
				  t->paced_records;

		vb_printf(b,
			  "%sFlow Exporter %s:\n"
			  "  Packet send statistics (last cleared %02" PRIu64
			  ":%02" PRIu64 ":%02" PRIu64 " ago):\n",
			  i ? "\n" : "", s->coll[i].name, up / 3600,
			  up / 60 % 60, up % 60);
		vb_printf(b,
			  "    Successfully sent:         %-20" PRIu64
			  "(%" PRIu64 " bytes)\n",
			  t->messages - t->dropped_messages, t->octets);
		vb_printf(b,
			  "    No destination route:      %" PRIu64 "\n"
			  "    Port unreachable:          %" PRIu64 "\n"
			  "    Send buffer full:          %" PRIu64 "\n"
			  "    Connection lost:           %" PRIu64 "\n"
			  "    Reason not given:          %" PRIu64 "\n",
			  t->err[TX_ERR_UNREACHABLE], t->err[TX_ERR_REFUSED],
			  t->err[TX_ERR_BACKPRESSURE],
			  t->err[TX_ERR_CONNECTION], t->err[TX_ERR_OTHER]);
		vb_printf(b,
			  "\n  Client send statistics:\n"
			  "    Client: Flow Monitor %s\n"
			  "      Records added:           %" PRIu64 "\n"
			  "        - sent:                %" PRIu64 "\n"
			  "        - failed to send:      %" PRIu64 "\n"
			  "    Client: Templates and options\n"
			  "      Template records:        %" PRIu64 "\n"
			  "      Options records:         %" PRIu64 "\n",
			  monitor_name(s), t->data_records + t->paced_records,
			  t->data_records + t->paced_records - failed, failed,
			  t->templates, t->options_records);
		/* the rate limit's queue was full: never encoded */
		if (t->paced_records)
			vb_printf(b,
				  "        - rate-limit queue full: %" PRIu64
				  "\n",
				  t->paced_records);
	}
}

static void monitor_text(struct vbuf *b, const struct view_snapshot *s)
{
	size_t i;

	vb_printf(b,
		  "Flow Monitor %s:\n"
		  "  Description:       %s\n",
		  monitor_name(s), descr(s->monitor_descr));
	for (i = 0; i < s->ntmpl; i++)
		vb_printf(b, "  %-19s%s\n",
			  i ? "" : "Flow Record:", s->tmpl[i]->name);
	for (i = 0; i < s->ncoll; i++)
		vb_printf(b, "  %-19s%s\n",
			  i ? "" : "Flow Exporter:", s->coll[i].name);
	vb_printf(b,
		  "  Cache:\n"
		  "    Type:                 normal\n"
		  "    Status:               allocated\n"
		  "    Size:                 %" PRIu64 " entries / %" PRIu64
		  " bytes\n"
		  "    Inactive Timeout:     %u secs\n"
		  "    Active Timeout:       %u secs\n",
		  s->entries, s->cache_bytes, s->inactive_s, s->active_s);
}

static void monitor_json(struct vbuf *b, const struct view_snapshot *s)
{
	char smp[64];
	size_t i;

	vb_puts(b, "{\"view\":\"show flow monitor\",\"name\":");
	vb_json_str(b, monitor_name(s));
	vb_puts(b, ",\"description\":");
	vb_json_str(b, descr(s->monitor_descr));
	vb_puts(b, ",\"records\":[");
	for (i = 0; i < s->ntmpl; i++) {
		vb_puts(b, i ? "," : "");
		vb_json_str(b, s->tmpl[i]->name);
	}
	vb_puts(b, "],\"exporters\":[");
	for (i = 0; i < s->ncoll; i++) {
		vb_puts(b, i ? "," : "");
		vb_json_str(b, s->coll[i].name);
	}
	sampler_text(smp, sizeof(smp), s);
	vb_printf(b,
		  "],\"cache\":{\"type\":\"normal\",\"status\":\"allocated\","
		  "\"entries\":%" PRIu64 ",\"bytes\":%" PRIu64 ",\"inactive_"
		  "timeout_s\":%u,"
		  "\"active_"
		  "timeout_s\":%u}"
		  ","
		  "\"sampling\":\"%s\"}\n",
		  s->entries, s->cache_bytes, s->inactive_s, s->active_s, smp);
}

static void statline(struct vbuf *b, const char *label, uint64_t v)
{
	vb_printf(b, "  %-38s%12" PRIu64 "\n", label, v);
}

/*
 * The cache lines IOS prints in `show flow monitor NAME statistics` and
 * above the flows of `show flow monitor NAME cache`: size, entries (the
 * high watermark in the latter) and the aged flows by reason.
 */
void view_monitor_cache_lines(struct vbuf *b, const struct view_snapshot *s,
			      bool watermark)
{
	char l[64];
	uint64_t aged = 0;
	int r;

	for (r = 1; r < 6; r++)
		aged += s->expired[r];
	vb_printf(b, "  %-38s%12s\n", "Cache type:", "Normal");
	statline(b, "Cache size:", s->entries);
	statline(b, "Current entries:", s->active);
	if (watermark)
		statline(b, "High Watermark:", s->high_watermark);
	vb_puts(b, "\n");
	statline(b, "Flows added:", s->added);
	statline(b, "Flows aged:", aged);
	snprintf(l, sizeof(l), "  - Active timeout      (%6u secs)",
		 s->active_s);
	statline(b, l, s->expired[FLOW_END_ACTIVE]);
	snprintf(l, sizeof(l), "  - Inactive timeout    (%6u secs)",
		 s->inactive_s);
	statline(b, l, s->expired[FLOW_END_IDLE]);
	statline(b, "  - Event aged", s->expired[FLOW_END_OF_FLOW]);
	statline(b, "  - Watermark aged", 0);
	statline(b, "  - Emergency aged", s->expired[FLOW_END_RESOURCES]);
	statline(b, "  - Forced (flush, end of input)",
		 s->expired[FLOW_END_FORCED]);
}

static void monitor_stats_text(struct vbuf *b, const struct view_snapshot *s)
{
	vb_printf(b, "Flow Monitor %s:\n", monitor_name(s));
	view_monitor_cache_lines(b, s, false);
}

static void monitor_stats_json(struct vbuf *b, const struct view_snapshot *s)
{
	vb_puts(b, "{\"view\":\"show flow monitor statistics\",\"name\":");
	vb_json_str(b, monitor_name(s));
	vb_printf(b,
		  ",\"cache_size\":%" PRIu64 ",\"current_entries\":%" PRIu64
		  ",\"flows_added\":%" PRIu64 ",\"aged\":{\"active\":%" PRIu64
		  ",\"inactive\":%" PRIu64 ",\"event\":%" PRIu64
		  ",\"emergency\":%" PRIu64 ",\"forced\":%" PRIu64 "}}\n",
		  s->entries, s->active, s->added, s->expired[FLOW_END_ACTIVE],
		  s->expired[FLOW_END_IDLE], s->expired[FLOW_END_OF_FLOW],
		  s->expired[FLOW_END_RESOURCES], s->expired[FLOW_END_FORCED]);
}

/* the IP versions the monitor's records describe */
static void versions(const struct view_snapshot *s, bool *v4, bool *v6)
{
	size_t i;

	*v4 = *v6 = false;
	for (i = 0; i < s->ntmpl; i++) {
		*v4 |= s->tmpl[i]->ipver != 6;
		*v6 |= s->tmpl[i]->ipver != 4;
	}
}

static void interface_text(struct vbuf *b, const struct view_snapshot *s)
{
	char smp[64];
	bool v4, v6;
	size_t i;
	int d;

	versions(s, &v4, &v6);
	sampler_text(smp, sizeof(smp), s);
	for (i = 0; i < s->nif; i++) {
		const struct view_interface *f = &s->ifs[i];

		vb_printf(b, "Interface %s\n", f->name);
		for (d = 0; d < 2; d++) {
			if (!(d ? f->output : f->input))
				continue;
			vb_printf(b,
				  "  FNF:  monitor:         %s\n"
				  "        direction:       %s\n",
				  monitor_name(s), d ? "Output" : "Input");
			if (v4)
				vb_printf(b, "        traffic(ip):     %s\n",
					  smp);
			if (v6)
				vb_printf(b, "        traffic(ipv6):   %s\n",
					  smp);
		}
	}
}

static void interface_json(struct vbuf *b, const struct view_snapshot *s)
{
	char smp[64];
	bool v4, v6;
	size_t i;

	versions(s, &v4, &v6);
	sampler_text(smp, sizeof(smp), s);
	vb_puts(b, "{\"view\":\"show flow interface\",\"interfaces\":[");
	for (i = 0; i < s->nif; i++) {
		const struct view_interface *f = &s->ifs[i];

		vb_puts(b, i ? ",{\"name\":" : "{\"name\":");
		vb_json_str(b, f->name);
		vb_printf(b, ",\"ifindex\":%u,\"capture\":", f->ifindex);
		vb_json_str(b, f->capture);
		vb_puts(b, ",\"monitor\":");
		vb_json_str(b, monitor_name(s));
		vb_printf(b,
			  ",\"input\":%s,\"output\":%s,\"ipv4\":%s,"
			  "\"ipv6\":%s,\"traffic\":\"%s\"}",
			  f->input ? "true" : "false",
			  f->output ? "true" : "false", v4 ? "true" : "false",
			  v6 ? "true" : "false", smp);
	}
	vb_puts(b, "]}\n");
}

static void record_text(struct vbuf *b, const struct view_snapshot *s)
{
	size_t i;
	unsigned int e;

	for (i = 0; i < s->ntmpl; i++) {
		const struct template_def *t = s->tmpl[i];

		vb_printf(b,
			  "%sflow record %s:\n"
			  "  Description:        %s\n"
			  "  No. of users:       1\n"
			  "  Total field space:  %zu bytes\n"
			  "  Fields:\n",
			  i ? "\n" : "", t->name,
			  t->keymask ? "User defined" : "Predefined",
			  template_record_len(t));
		for (e = 0; e < t->nelem; e++)
			vb_printf(b, "    %s %s\n",
				  is_match(t, e) ? "match" : "collect",
				  field_name(t->elem[e]));
	}
}

static void record_json(struct vbuf *b, const struct view_snapshot *s)
{
	size_t i;
	unsigned int e;

	vb_puts(b, "{\"view\":\"show flow record\",\"records\":[");
	for (i = 0; i < s->ntmpl; i++) {
		const struct template_def *t = s->tmpl[i];

		vb_puts(b, i ? ",{\"name\":" : "{\"name\":");
		vb_json_str(b, t->name);
		vb_printf(b,
			  ",\"predefined\":%s,\"ip_version\":%u,\"bytes\":%zu,"
			  "\"fields\":[",
			  t->keymask ? "false" : "true", t->ipver,
			  template_record_len(t));
		for (e = 0; e < t->nelem; e++) {
			const struct ie *ie = &ie_table[t->elem[e]];

			vb_printf(b,
				  "%s{\"element\":\"%s\",\"id\":%u,"
				  "\"enterprise\":%u,\"length\":%u,"
				  "\"match\":%s}",
				  e ? "," : "", ie->name, ie->id, ie->pen,
				  ie->len, is_match(t, e) ? "true" : "false");
		}
		vb_puts(b, "]}");
	}
	vb_puts(b, "]}\n");
}

#define RULE                                                                   \
	"--------------------------------------------------------------------" \
	"-"

static void tmpl_row(struct vbuf *b, unsigned int e, unsigned int *off)
{
	const struct ie *ie = &ie_table[e];
	/* IPFIX: the enterprise bit is part of the type on the wire */
	unsigned int type = ie->pen ? ie->id | 0x8000u : ie->id;

	vb_printf(b, "  | %-39s |%6u |%6u  |%6u  |\n", field_name(e), type,
		  *off, ie->len);
	*off += ie->len;
}

/* Each collector's templates are those of its exporting process: its
 * version and domain (observation domain, v9 source id). */
static void templates_text(struct vbuf *b, const struct view_snapshot *s)
{
	size_t c, i;
	unsigned int e, off;

	for (c = 0; c < s->ncoll; c++) {
		int ver = s->coll[c].version ? s->coll[c].version : s->version;
		uint32_t dom = s->coll[c].version ? s->coll[c].domain_id
						  : s->domain_id;
		int se = sampler_elem_of(s, ver);

		vb_printf(b,
			  "%sFlow Exporter %s:\n"
			  "  Client: Flow Monitor %s\n"
			  "  Exporter Format: %s\n",
			  c ? "\n" : "", s->coll[c].name, monitor_name(s),
			  view_version_name(ver));
		if (export_fixed(ver)) {
			vb_puts(b, "  (a fixed record format: no templates)\n");
			continue;
		}
		for (i = 0; i < s->ntmpl; i++) {
			const struct template_def *t = s->tmpl[i];
			size_t len = template_record_len(t);

			if (se >= 0)
				len += ie_table[se].len;
			vb_printf(b,
				  "%s  Template ID    : %zu\n"
				  "  Source ID      : %u\n"
				  "  Record Size    : %zu\n"
				  "  Template layout (%s)\n"
				  "  ______________________________________"
				  "_______________________________\n"
				  "  |                 Field                 "
				  "  |  Type | Offset |  Size  |\n"
				  "  " RULE "\n",
				  i ? "\n" : "", 256 + i, dom, len, t->name);
			for (off = 0, e = 0; e < t->nelem; e++)
				tmpl_row(b, t->elem[e], &off);
			if (se >= 0)
				tmpl_row(b, (unsigned int)se, &off);
			vb_puts(b, "  " RULE "\n");
		}
	}
}

static void templates_json(struct vbuf *b, const struct view_snapshot *s)
{
	int se = sampler_elem(s);
	size_t i;
	unsigned int e, off, n;

	vb_printf(b,
		  "{\"view\":\"show templates\",\"version\":%d,"
		  "\"domain_id\":%u,\"templates\":[",
		  s->version, s->domain_id);
	for (i = 0; !export_fixed(s->version) && i < s->ntmpl; i++) {
		const struct template_def *t = s->tmpl[i];

		vb_puts(b, i ? ",{\"name\":" : "{\"name\":");
		vb_json_str(b, t->name);
		vb_printf(b, ",\"id\":%zu,\"fields\":[", 256 + i);
		for (off = 0, e = 0; e <= t->nelem; e++) {
			const struct ie *ie;

			if (e == t->nelem && se < 0)
				break;
			n = e < t->nelem ? t->elem[e] : (unsigned int)se;
			ie = &ie_table[n];
			vb_printf(b,
				  "%s{\"element\":\"%s\",\"id\":%u,"
				  "\"enterprise\":%u,\"offset\":%u,"
				  "\"length\":%u}",
				  e ? "," : "", ie->name, ie->id, ie->pen, off,
				  ie->len);
			off += ie->len;
		}
		vb_printf(b, "],\"record_size\":%u}", off);
	}
	/* the templates above are the first exporting process's; each
	 * collector's process, by version and domain */
	vb_puts(b, "],\"exporters\":[");
	for (i = 0; i < s->ncoll; i++) {
		const struct view_collector *c = &s->coll[i];

		vb_puts(b, i ? ",{\"name\":" : "{\"name\":");
		vb_json_str(b, c->name);
		vb_printf(b, ",\"version\":%d,\"domain_id\":%u}",
			  c->version ? c->version : s->version,
			  c->version ? c->domain_id : s->domain_id);
	}
	vb_puts(b, "]}\n");
}

void view_fnf(struct vbuf *b, const struct view_snapshot *s, enum view_id v,
	      bool json)
{
	switch (v) {
	case VIEW_FLOW_EXPORTER:
		json ? exporter_json(b, s) : exporter_text(b, s);
		break;
	case VIEW_EXPORTER_STATS:
		/* the JSON of the counters is that of show statistics */
		json ? view_stats(b, s, true) : exporter_stats_text(b, s);
		break;
	case VIEW_FLOW_MONITOR:
		json ? monitor_json(b, s) : monitor_text(b, s);
		break;
	case VIEW_MONITOR_STATS:
		json ? monitor_stats_json(b, s) : monitor_stats_text(b, s);
		break;
	case VIEW_FLOW_INTERFACE:
		json ? interface_json(b, s) : interface_text(b, s);
		break;
	case VIEW_FLOW_RECORD:
		json ? record_json(b, s) : record_text(b, s);
		break;
	case VIEW_TEMPLATES:
		json ? templates_json(b, s) : templates_text(b, s);
		break;
	default:
		break;
	}
}
