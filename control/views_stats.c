// SPDX-License-Identifier: BSD-2-Clause
/*
 * views_stats.c - `show statistics`: every counter of the metering and
 * exporting processes. Its JSON, of a set of monitors, is also what
 * --stats-file holds: one renderer, so a counter has one name (README,
 * "Counters").
 */
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

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
	[TX_ERR_BACKPRESSURE] = "backpressure",
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

/*
 * A JSON writer in two layouts: compact (xflowctl), or a line per member
 * of the top-level object and per element of its arrays, with ": " and
 * ", " (--stats-file, as it always was; tests grep `"key": N`).
 */
struct jw {
	struct vbuf *b;
	bool pretty;
	int depth;    /* containers open */
	bool first;   /* none in the innermost yet */
	char open[8]; /* '{' or '[' per depth */
};

static void j_sep(struct jw *j)
{
	bool row = j->pretty &&
		   (j->depth == 1 || (j->depth == 2 && j->open[2] == '['));

	if (!j->first)
		vb_puts(j->b, ",");
	if (row)
		vb_puts(j->b, j->depth == 1 ? "\n  " : "\n    ");
	else if (j->pretty && !j->first)
		vb_puts(j->b, " ");
	j->first = false;
}

/* The next member's key (NULL: an array element). */
static void j_key(struct jw *j, const char *k)
{
	j_sep(j);
	if (k)
		vb_printf(j->b, "\"%s\":%s", k, j->pretty ? " " : "");
}

static void j_open(struct jw *j, const char *k, char c)
{
	j_key(j, k);
	vb_printf(j->b, "%c", c);
	if (j->depth < (int)sizeof(j->open) - 1)
		j->open[++j->depth] = c;
	j->first = true;
}

static void j_close(struct jw *j)
{
	char c = j->open[j->depth] == '[' ? ']' : '}';
	bool row = j->pretty &&
		   (j->depth == 1 || (j->depth == 2 && j->open[2] == '['));

	if (row && !j->first)
		vb_puts(j->b, j->depth == 1 ? "\n" : "\n  ");
	vb_printf(j->b, "%c", c);
	j->depth--;
	j->first = false;
}

static void j_u64(struct jw *j, const char *k, uint64_t v)
{
	j_key(j, k);
	vb_printf(j->b, "%" PRIu64, v);
}

static void j_str(struct jw *j, const char *k, const char *v)
{
	j_key(j, k);
	if (v)
		vb_json_str(j->b, v);
	else
		vb_puts(j->b, "null");
}

static void j_bool(struct jw *j, const char *k, bool v)
{
	j_key(j, k);
	vb_puts(j->b, v ? "true" : "false");
}

static void add_u64(void *to, const void *from, size_t len)
{
	uint64_t *a = to;
	const uint64_t *b = from;
	size_t i;

	for (i = 0; i < len / 8; i++)
		a[i] += b[i];
}

/* t += s: the counters (a file's once: every monitor reads it whole). */
static void stats_add(struct view_snapshot *t, const struct view_snapshot *s)
{
	_Static_assert(sizeof(s->meter) % 8 == 0, "meter_stats: uint64_t");
	_Static_assert(sizeof(s->ex) % 8 == 0, "exporter_stats: uint64_t");
	add_u64(&t->meter, &s->meter, sizeof(s->meter));
	t->capture_drops += s->capture_drops;
	if (s->bpf) {
		add_u64(&t->kst, &s->kst,
			offsetof(struct capture_kstats, ncpu));
		if (s->kst.ncpu > t->kst.ncpu)
			t->kst.ncpu = s->kst.ncpu;
		t->bpf = true;
	}
	if (!s->live && t->live)
		t->fst = s->fst;
	t->live &= s->live;
	t->entries += s->entries;
	t->active += s->active;
	t->added += s->added;
	t->ager_polls += s->ager_polls;
	add_u64(t->expired, s->expired, sizeof(s->expired));
	add_u64(&t->ex, &s->ex, sizeof(s->ex));
}

static void meter_json(struct jw *j, const struct view_snapshot *s)
{
	const struct meter_stats *m = &s->meter;
	int r;

	j_u64(j, "packets", m->packets);
	j_u64(j, "sampled_out", m->sampled_out);
	j_u64(j, "metered", m->metered);
	j_u64(j, "octets", m->octets);
	j_u64(j, "non_ip", m->non_ip);
	j_u64(j, "capture_drops", s->capture_drops);
	j_u64(j, "tunnelled", m->tunnelled);
	j_open(j, "no_template_packets", '{');
	for (r = 0; r < NOFIT_N; r++)
		j_u64(j, nofit_names[r], m->nofit[r]);
	j_close(j);
	j_open(j, "malformed", '{');
	for (r = 1; r <= PARSE_NERR; r++)
		j_u64(j, meter_malformed_name(r), m->malformed[r]);
	j_close(j);
	if (s->bpf) {
		j_open(j, "bpf", '{');
		j_u64(j, "sampled_out", s->kst.sampled_out);
		j_u64(j, "own_export", s->kst.own_export);
		j_u64(j, "ring_full", s->kst.ring_full);
		j_u64(j, "no_socket", s->kst.no_socket);
		j_u64(j, "gso", s->kst.gso);
		j_u64(j, "bad_records", s->kst.bad_records);
		j_open(j, "ring_full_per_cpu", '[');
		for (r = 0; r < s->kst.ncpu && r < CAPTURE_MAX_CPUS; r++)
			j_u64(j, NULL, s->kst.ring_full_cpu[r]);
		j_close(j);
		j_close(j);
	}
	if (!s->live) {
		/* packets of the file not metered as it said, by reason */
		j_open(j, "file", '{');
		j_u64(j, "caplen_over_wire", s->fst.caplen_over_wire);
		j_u64(j, "unknown_interface", s->fst.unknown_interface);
		j_u64(j, "unsupported_link", s->fst.unsupported_link);
		j_close(j);
	}
}

static void export_json(struct jw *j, const struct view_snapshot *s)
{
	int r;

	j_u64(j, "cache_entries", s->entries);
	j_u64(j, "active_flows", s->active);
	j_u64(j, "flows_created", s->added);
	j_u64(j, "flows_exported", s->ex.flows);
	j_u64(j, "ager_polls", s->ager_polls);
	j_open(j, "expired", '{');
	for (r = 1; r < 6; r++)
		j_u64(j, end_names[r], s->expired[r]);
	j_close(j);
	j_u64(j, "v5_skipped_ipv6", s->ex.v5_skipped_ipv6);
	j_u64(j, "v1_skipped_ipv6", s->ex.v1_skipped_ipv6);
	j_u64(j, "v7_skipped_ipv6", s->ex.v7_skipped_ipv6);
	j_u64(j, "no_template", s->ex.no_template);
	j_u64(j, "paced_sent", s->ex.pace_sent);
	j_u64(j, "paced_waiting", s->ex.pace_waiting);
	j_u64(j, "paced_peak", s->ex.pace_peak);
	j_u64(j, "paced_dropped", s->ex.pace_dropped);
}

/* A monitor's share of the sums. */
static void monitor_json(struct jw *j, const struct view_snapshot *s)
{
	j_open(j, NULL, '{');
	j_str(j, "monitor", s->monitor ? s->monitor : "default");
	j_u64(j, "packets", s->meter.packets);
	j_u64(j, "metered", s->meter.metered);
	j_u64(j, "octets", s->meter.octets);
	j_u64(j, "sampled_out", s->meter.sampled_out);
	j_u64(j, "flows_created", s->added);
	j_u64(j, "flows_exported", s->ex.flows);
	j_bool(j, "removed", s->removed);
	j_close(j);
}

static void collector_json(struct jw *j, const struct view_collector *c)
{
	const struct collector_stats *t = &c->st;
	int e;

	j_open(j, NULL, '{');
	j_str(j, "collector", c->dest[0] ? c->dest : c->name);
	j_str(j, "exporter", c->exporter);
	j_str(j, "transport", c->tcp ? "tcp" : "udp");
	j_u64(j, "messages", t->messages);
	j_u64(j, "data_records", t->data_records);
	j_u64(j, "options_records", t->options_records);
	j_u64(j, "templates", t->templates);
	j_u64(j, "octets", t->octets);
	j_u64(j, "send_errors", t->send_errors);
	j_u64(j, "refused", t->refused);
	j_open(j, "errors", '{');
	for (e = 0; e < TX_ERR_N; e++)
		j_u64(j, err_names[e], t->err[e]);
	j_close(j);
	j_u64(j, "refused_records", t->refused_records);
	j_u64(j, "refused_packets", t->refused_packets);
	j_u64(j, "refused_octets", t->refused_octets);
	j_u64(j, "dropped_messages", t->dropped_messages);
	j_u64(j, "dropped_records", t->dropped_records);
	j_u64(j, "dropped_packets", t->dropped_packets);
	j_u64(j, "dropped_octets", t->dropped_octets);
	j_u64(j, "paced_records", t->paced_records);
	j_u64(j, "paced_packets", t->paced_packets);
	j_u64(j, "paced_octets", t->paced_octets);
	j_u64(j, "connects", t->connects);
	j_u64(j, "disconnects", t->disconnects);
	j_u64(j, "connect_attempts", t->connect_attempts);
	j_u64(j, "connect_failures", t->connect_failures);
	j_u64(j, "unacked_octets", t->unacked_octets);
	j_u64(j, "resolve_failures", t->resolve_failures);
	j_u64(j, "resolved", t->resolved);
	j_u64(j, "buffered_octets", c->queued_octets);
	j_u64(j, "buffered_messages", c->queued_msgs);
	j_u64(j, "buffered_peak", t->buffered_peak);
	j_close(j);
}

void view_stats_json(struct vbuf *b, const struct view_snapshot *const *set,
		     size_t n, bool pretty)
{
	struct jw j = { .b = b, .pretty = pretty };
	struct view_snapshot *t;
	double secs = 0;
	size_t i, k;

	/* the sums: a snapshot is large, and so is a set's */
	t = calloc(1, sizeof(*t));
	if (!t) {
		b->oom = true;
		return;
	}
	t->live = true;
	for (i = 0; i < n; i++) {
		stats_add(t, set[i]);
		if (!set[i]->removed && view_uptime_s(set[i]) > secs)
			secs = view_uptime_s(set[i]);
	}
	vb_puts(b, "{");
	j.depth = 1;
	j.open[1] = '{';
	j.first = true;
	j_str(&j, "view", "show statistics");
	j_key(&j, "seconds");
	vb_printf(b, "%.1f", secs ? secs : 1.0);
	meter_json(&j, t);
	export_json(&j, t);
	j_open(&j, "monitors", '[');
	for (i = 0; i < n; i++)
		monitor_json(&j, set[i]);
	j_close(&j);
	j_open(&j, "collectors", '[');
	for (i = 0; i < n; i++)
		for (k = 0; k < set[i]->ncoll; k++)
			collector_json(&j, &set[i]->coll[k]);
	j_close(&j);
	j_close(&j);
	vb_puts(b, "\n");
	free(t);
}

void view_stats(struct vbuf *b, const struct view_snapshot *s, bool json)
{
	if (json)
		view_stats_json(b, &s, 1, false);
	else
		stats_text(b, s);
}
