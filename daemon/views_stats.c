// SPDX-License-Identifier: BSD-2-Clause
/*
 * views_stats.c - `show statistics`: every counter of the metering and
 * exporting processes. The JSON uses the names of --stats-file.
 */
#include <inttypes.h>
#include <stdio.h>

#include "views.h"

static const char *const end_names[6] = {
	[FLOW_END_IDLE] = "idle",
	[FLOW_END_ACTIVE] = "active",
	[FLOW_END_OF_FLOW] = "end_of_flow",
	[FLOW_END_FORCED] = "forced",
	[FLOW_END_RESOURCES] = "lack_of_resources",
};

static const char *const end_text[6] = {
	[FLOW_END_IDLE] = "  - inactive timeout",
	[FLOW_END_ACTIVE] = "  - active timeout",
	[FLOW_END_OF_FLOW] = "  - end of flow (TCP FIN/RST)",
	[FLOW_END_FORCED] = "  - forced (flush, end of input)",
	[FLOW_END_RESOURCES] = "  - lack of resources (evicted)",
};

static const char *const nofit_names[NOFIT_N] = {
	[NOFIT_IPV4] = "ipv4",
	[NOFIT_IPV6] = "ipv6",
	[NOFIT_TUNNEL] = "tunnel",
	[NOFIT_PPPAC] = "pppac",
};

static const char *const nofit_text[NOFIT_N] = {
	[NOFIT_IPV4] = "  - IPv4",
	[NOFIT_IPV6] = "  - IPv6",
	[NOFIT_TUNNEL] = "  - tunnelled",
	[NOFIT_PPPAC] = "  - PPP session",
};

static const char *const err_names[TX_ERR_N] = {
	[TX_ERR_REFUSED] = "refused",
	[TX_ERR_BACKPRESSURE] = "send_buffer_full",
	[TX_ERR_UNREACHABLE] = "unreachable",
	[TX_ERR_CONNECTION] = "connection",
	[TX_ERR_OTHER] = "other",
	[TX_ERR_UNRESOLVED] = "unresolved",
};

static const char *const err_text[TX_ERR_N] = {
	[TX_ERR_REFUSED] = "  - refused (port unreachable)",
	[TX_ERR_BACKPRESSURE] = "  - send buffer full",
	[TX_ERR_UNREACHABLE] = "  - no route / unreachable",
	[TX_ERR_CONNECTION] = "  - connection lost",
	[TX_ERR_OTHER] = "  - other",
	[TX_ERR_UNRESOLVED] = "  - name not resolved yet",
};

static void line(struct vbuf *b, const char *label, uint64_t v)
{
	vb_printf(b, "  %-38s%14" PRIu64 "\n", label, v);
}

static void meter_text(struct vbuf *b, const struct view_snapshot *s)
{
	const struct meter_stats *m = &s->meter;
	uint64_t mal = 0, nofit = 0;
	int r;

	for (r = 1; r <= PARSE_NERR; r++)
		mal += m->malformed[r];
	for (r = 0; r < NOFIT_N; r++)
		nofit += m->nofit[r];
	vb_puts(b, "Metering process\n");
	line(b, "Packets captured", m->packets);
	line(b, "Packets sampled out", m->sampled_out);
	line(b, "Packets metered", m->metered);
	line(b, "Octets metered", m->octets);
	line(b, "Non-IP packets", m->non_ip);
	line(b, "Tunnelled packets (inner metered)", m->tunnelled);
	line(b, "Capture drops (kernel)", s->capture_drops);
	line(b, "Malformed packets", mal);
	for (r = 1; r <= PARSE_NERR; r++) {
		char l[64];

		snprintf(l, sizeof(l), "  - %s", meter_malformed_name(r));
		line(b, l, m->malformed[r]);
	}
	line(b, "Packets no template describes", nofit);
	for (r = 0; r < NOFIT_N; r++)
		line(b, nofit_text[r], m->nofit[r]);
	if (!s->bpf)
		return;
	vb_puts(b, "BPF programs\n");
	line(b, "Sampled out in the kernel", s->kst.sampled_out);
	line(b, "Own export traffic skipped", s->kst.own_export);
	line(b, "Ring buffer full (lost)", s->kst.ring_full);
	line(b, "No AF_XDP socket on the queue", s->kst.no_socket);
	line(b, "GSO packets split", s->kst.gso);
	line(b, "Bad ring records", s->kst.bad_records);
}

static void cache_text(struct vbuf *b, const struct view_snapshot *s)
{
	uint64_t aged = 0;
	int r;

	for (r = 1; r < 6; r++)
		aged += s->expired[r];
	vb_puts(b, "Flow cache\n");
	line(b, "Entries", s->entries);
	line(b, "Active flows", s->active);
	line(b, "Flows added", s->added);
	line(b, "Flows expired", aged);
	for (r = 1; r < 6; r++)
		line(b, end_text[r], s->expired[r]);
	line(b, "Ager polls", s->ager_polls);
}

static void collector_text(struct vbuf *b, const struct view_collector *c)
{
	const struct collector_stats *t = &c->st;
	int e;

	vb_printf(b, "Collector %s (%s)\n", c->name, c->tcp ? "tcp" : "udp");
	line(b, "Messages", t->messages);
	line(b, "Data records", t->data_records);
	line(b, "Options records", t->options_records);
	line(b, "Template records", t->templates);
	line(b, "Octets", t->octets);
	line(b, "Send errors", t->send_errors);
	for (e = 0; e < TX_ERR_N; e++)
		line(b, err_text[e], t->err[e]);
	line(b, "Records in refused datagrams", t->refused_records);
	line(b, "Messages dropped (never sent)", t->dropped_messages);
	line(b, "Records dropped (never sent)", t->dropped_records);
	if (t->paced_records) /* a rate limit: its queue was full */
		line(b, "Records the rate limit's full queue dropped",
		     t->paced_records);
	line(b, "Name lookups failed", t->resolve_failures);
	line(b, "Name lookups with a new address", t->resolved);
	if (!c->tcp)
		return;
	line(b, "Connects", t->connects);
	line(b, "Disconnects", t->disconnects);
	line(b, "Connect attempts", t->connect_attempts);
	line(b, "Connect failures", t->connect_failures);
	line(b, "Octets lost with a connection", t->unacked_octets);
	line(b, "Most octets queued", t->buffered_peak);
}

static void stats_text(struct vbuf *b, const struct view_snapshot *s)
{
	uint64_t up = (uint64_t)view_uptime_s(s);
	size_t i;

	vb_printf(b,
		  "xflowd statistics over %02" PRIu64 ":%02" PRIu64
		  ":%02" PRIu64 " (%s)\n",
		  up / 3600, up / 60 % 60, up % 60,
		  s->live ? "since start" : "of packet time");
	meter_text(b, s);
	cache_text(b, s);
	vb_printf(b, "Exporting process (%s, observation domain %u)\n",
		  view_version_name(s->version), s->domain_id);
	line(b, "Flows exported", s->ex.flows);
	line(b, "IPv6 flows v5 cannot carry", s->ex.v5_skipped_ipv6);
	if (s->ex.v1_skipped_ipv6)
		line(b, "IPv6 flows v1 cannot carry", s->ex.v1_skipped_ipv6);
	if (s->ex.v7_skipped_ipv6)
		line(b, "IPv6 flows v7 cannot carry", s->ex.v7_skipped_ipv6);
	line(b, "Flows no template fits", s->ex.no_template);
	if (s->ex.pace_sent || s->ex.pace_dropped || s->ex.pace_peak) {
		line(b, "Flows paced out of the rate-limit queue",
		     s->ex.pace_sent);
		line(b, "Flows waiting in the rate-limit queue",
		     s->ex.pace_waiting);
		line(b, "Most flows ever waiting there", s->ex.pace_peak);
		line(b, "Flows its full queue dropped", s->ex.pace_dropped);
	}
	for (i = 0; i < s->ncoll; i++)
		collector_text(b, &s->coll[i]);
}

static void kv(struct vbuf *b, const char *k, uint64_t v)
{
	vb_printf(b, "\"%s\":%" PRIu64 ",", k, v);
}

static void stats_json(struct vbuf *b, const struct view_snapshot *s)
{
	const struct meter_stats *m = &s->meter;
	size_t i;
	int r;

	vb_printf(b, "{\"view\":\"show statistics\",\"seconds\":%.1f,",
		  view_uptime_s(s));
	kv(b, "packets", m->packets);
	kv(b, "sampled_out", m->sampled_out);
	kv(b, "metered", m->metered);
	kv(b, "octets", m->octets);
	kv(b, "non_ip", m->non_ip);
	kv(b, "capture_drops", s->capture_drops);
	kv(b, "tunnelled", m->tunnelled);
	vb_puts(b, "\"no_template_packets\":{");
	for (r = 0; r < NOFIT_N; r++)
		vb_printf(b, "%s\"%s\":%" PRIu64, r ? "," : "", nofit_names[r],
			  m->nofit[r]);
	vb_puts(b, "},\"malformed\":{");
	for (r = 1; r <= PARSE_NERR; r++)
		vb_printf(b, "%s\"%s\":%" PRIu64, r > 1 ? "," : "",
			  meter_malformed_name(r), m->malformed[r]);
	vb_puts(b, "},");
	if (s->bpf) {
		vb_puts(b, "\"bpf\":{");
		kv(b, "sampled_out", s->kst.sampled_out);
		kv(b, "own_export", s->kst.own_export);
		kv(b, "ring_full", s->kst.ring_full);
		kv(b, "no_socket", s->kst.no_socket);
		kv(b, "gso", s->kst.gso);
		vb_printf(b, "\"bad_records\":%" PRIu64 "},",
			  s->kst.bad_records);
	}
	kv(b, "cache_entries", s->entries);
	kv(b, "active_flows", s->active);
	kv(b, "flows_created", s->added);
	kv(b, "flows_exported", s->ex.flows);
	kv(b, "ager_polls", s->ager_polls);
	vb_puts(b, "\"expired\":{");
	for (r = 1; r < 6; r++)
		vb_printf(b, "%s\"%s\":%" PRIu64, r > 1 ? "," : "",
			  end_names[r], s->expired[r]);
	vb_puts(b, "},");
	kv(b, "v5_skipped_ipv6", s->ex.v5_skipped_ipv6);
	kv(b, "v1_skipped_ipv6", s->ex.v1_skipped_ipv6);
	kv(b, "v7_skipped_ipv6", s->ex.v7_skipped_ipv6);
	kv(b, "no_template", s->ex.no_template);
	kv(b, "paced_sent", s->ex.pace_sent);
	kv(b, "paced_waiting", s->ex.pace_waiting);
	kv(b, "paced_peak", s->ex.pace_peak);
	kv(b, "paced_dropped", s->ex.pace_dropped);
	vb_puts(b, "\"collectors\":[");
	for (i = 0; i < s->ncoll; i++) {
		const struct view_collector *c = &s->coll[i];
		const struct collector_stats *t = &c->st;
		int e;

		vb_puts(b, i ? ",{\"collector\":" : "{\"collector\":");
		vb_json_str(b, c->name);
		vb_printf(b, ",\"transport\":\"%s\",", c->tcp ? "tcp" : "udp");
		kv(b, "messages", t->messages);
		kv(b, "data_records", t->data_records);
		kv(b, "options_records", t->options_records);
		kv(b, "templates", t->templates);
		kv(b, "octets", t->octets);
		kv(b, "send_errors", t->send_errors);
		kv(b, "refused", t->refused);
		vb_puts(b, "\"errors\":{");
		for (e = 0; e < TX_ERR_N; e++)
			vb_printf(b, "%s\"%s\":%" PRIu64, e ? "," : "",
				  err_names[e], t->err[e]);
		vb_puts(b, "},");
		kv(b, "refused_records", t->refused_records);
		kv(b, "dropped_messages", t->dropped_messages);
		kv(b, "dropped_records", t->dropped_records);
		kv(b, "paced_records", t->paced_records);
		kv(b, "connects", t->connects);
		kv(b, "disconnects", t->disconnects);
		kv(b, "connect_attempts", t->connect_attempts);
		kv(b, "connect_failures", t->connect_failures);
		kv(b, "unacked_octets", t->unacked_octets);
		kv(b, "resolve_failures", t->resolve_failures);
		kv(b, "resolved", t->resolved);
		vb_printf(b, "\"buffered_peak\":%" PRIu64 "}",
			  t->buffered_peak);
	}
	vb_puts(b, "]}\n");
}

void view_stats(struct vbuf *b, const struct view_snapshot *s, bool json)
{
	if (json)
		stats_json(b, s);
	else
		stats_text(b, s);
}
