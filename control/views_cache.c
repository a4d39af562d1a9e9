// SPDX-License-Identifier: BSD-2-Clause
/*
 * views_cache.c - Flexible NetFlow's `show flow monitor NAME cache format
 * record|table|csv`: the cache's counters, then each cached flow with the
 * fields of the record it is exported with, in the record's order. The
 * values are the octets the exporter would send (record_encode() at copy
 * time), so the view shows what a collector will get; here they are only
 * read and printed.
 *
 * As IOS: a key field's label is in capitals, a collected one in small
 * letters; the table and CSV headers shorten the words (IPV4 SRC ADDR).
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "views.h"

#define LABEL_MAX 64
#define VALUE_MAX 64

/* a key ("match") element of t: marked, or any key of a predefined one */
static bool is_key(const struct template_def *t, unsigned int i)
{
	if (t->keymask)
		return t->keymask >> i & 1;
	return ie_table[t->elem[i]].use == KEY;
}

/* IOS's words for the record format, then the shorter ones of the table
 * header; matched word by word on the FNF name */
static const struct {
	const char *word, *record, *table;
} words[] = {
	{ "transport", "trns", "trns" },
	{ "source-port", "source port", "src port" },
	{ "destination-port", "destination port", "dst port" },
	{ "source", "source", "src" },
	{ "destination", "destination", "dst" },
	{ "address", "address", "addr" },
	{ "interface", "interface", "intf" },
	{ "protocol", "protocol", "prot" },
	{ "counter", "counter", "" },
	{ "packets", "packets", "pkts" },
	{ "timestamp", "timestamp", "time" },
	{ "sys-uptime", "sys-uptime", "" },
};

static void label(char *out, size_t len, const struct template_def *t,
		  unsigned int i, bool table)
{
	unsigned int e = t->elem[i];
	const char *name = ie_fnf_name(e) ? ie_fnf_name(e) : ie_table[e].name;
	char buf[LABEL_MAX];
	size_t at = 0, n, w;
	const char *p = name;

	/* IOS says "tcp flags", "icmp ipv4 type": no transport before */
	if (strncmp(p, "transport tcp ", 14) == 0 ||
	    strncmp(p, "transport icmp ", 15) == 0)
		p += 10;
	out[0] = 0;
	while (*p) {
		const char *sub = NULL;

		n = strcspn(p, " ");
		for (w = 0; w < sizeof(words) / sizeof(words[0]); w++) {
			if (strlen(words[w].word) == n &&
			    strncmp(p, words[w].word, n) == 0) {
				sub = table ? words[w].table : words[w].record;
				break;
			}
		}
		if (!sub || *sub) {
			int k = snprintf(buf + at, sizeof(buf) - at, "%s%.*s",
					 at ? " " : "",
					 sub ? (int)strlen(sub) : (int)n,
					 sub ? sub : p);

			if (k > 0 && (size_t)k < sizeof(buf) - at)
				at += (size_t)k;
		}
		p += n;
		p += strspn(p, " ");
	}
	buf[at] = 0;
	for (n = 0; buf[n]; n++)
		if (is_key(t, i))
			buf[n] = (char)toupper((unsigned char)buf[n]);
	snprintf(out, len, "%s", buf);
}

static uint64_t be_uint(const uint8_t *p, unsigned int len)
{
	uint64_t v = 0;
	unsigned int i;

	for (i = 0; i < len && i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

/* milliseconds as IOS prints a time of day: hh:mm:ss.mmm */
static void clock_text(char *out, size_t len, uint64_t ms)
{
	snprintf(out, len,
		 "%02" PRIu64 ":%02" PRIu64 ":%02" PRIu64 ".%03" PRIu64,
		 ms / 3600000 % 24, ms / 60000 % 60, ms / 1000 % 60, ms % 1000);
}

/* the value of element e (its octets at p) of flow f, as IOS prints it;
 * true when a number (right-aligned in the table) */
static bool value(char *out, size_t len, const struct view_flow *f,
		  unsigned int e, const uint8_t *p)
{
	const struct ie *ie = &ie_table[e];
	uint64_t v;

	switch (e) {
	case IE_ingressInterface:
		if (f->in_if[0]) {
			snprintf(out, len, "%s", f->in_if);
			return false;
		}
		break;
	case IE_egressInterface:
		if (f->out_if[0]) {
			snprintf(out, len, "%s", f->out_if);
			return false;
		}
		break;
	case IE_ipClassOfService:
	case IE_tcpControlBits:
		snprintf(out, len, "0x%02" PRIX64, be_uint(p, ie->len));
		return false;
	case IE_sourceIPv4PrefixLength:
	case IE_destinationIPv4PrefixLength:
	case IE_sourceIPv6PrefixLength:
	case IE_destinationIPv6PrefixLength:
		snprintf(out, len, "/%" PRIu64, be_uint(p, ie->len));
		return false;
	case IE_flowStartSysUpTime:
	case IE_flowEndSysUpTime:
		clock_text(out, len, be_uint(p, ie->len));
		return false;
	default:
		break;
	}
	switch (ie->type) {
	case IPV4:
		view_addr(out, len, 4, p);
		return false;
	case IPV6:
		view_addr(out, len, 6, p);
		return false;
	case MAC:
		/* IOS's dotted form: 0011.2233.4455 */
		snprintf(out, len, "%02x%02x.%02x%02x.%02x%02x", p[0], p[1],
			 p[2], p[3], p[4], p[5]);
		return false;
	case STR:
		snprintf(out, len, "%.*s",
			 (int)strnlen((const char *)p, ie->len),
			 (const char *)p);
		return false;
	case MSEC:
		clock_text(out, len, be_uint(p, ie->len));
		return false;
	default:
		v = be_uint(p, ie->len);
		snprintf(out, len, "%" PRIu64, v);
		return true;
	}
}

/* the widest value of element e: the table's column fits it */
static int value_width(unsigned int e)
{
	const struct ie *ie = &ie_table[e];

	if (e == IE_ingressInterface || e == IE_egressInterface)
		return 20;
	if (e == IE_flowStartSysUpTime || e == IE_flowEndSysUpTime)
		return 12;
	switch (ie->type) {
	case U8:
		return 4;
	case U16:
		return 5;
	case U32:
		return 10;
	case U64:
		return 20;
	case IPV4:
		return 15;
	case IPV6:
		return 39;
	case MAC:
		return 14;
	case MSEC:
		return 12;
	default:
		return ie->len < 32 ? ie->len : 32;
	}
}

static int col_width(const struct template_def *t, unsigned int i)
{
	char l[LABEL_MAX];
	int w = value_width(t->elem[i]);

	label(l, sizeof(l), t, i, true);
	return (int)strlen(l) > w ? (int)strlen(l) : w;
}

static const char *format_name(enum view_format f)
{
	return f == VF_TABLE ? "table" : f == VF_CSV ? "csv" : "record";
}

void view_cache_head(struct vbuf *b, const struct view_snapshot *s, bool json)
{
	uint64_t aged = 0;
	int r;

	for (r = 1; r < 6; r++)
		aged += s->expired[r];
	if (json) {
		vb_puts(b, "{\"view\":\"show flow monitor cache\",\"name\":");
		vb_json_str(b, s->monitor ? s->monitor : "default");
		vb_printf(b, ",\"format\":\"%s\"", format_name(s->format));
		vb_printf(b, ",\"cache_size\":%" PRIu64, s->entries);
		vb_printf(b, ",\"current_entries\":%" PRIu64, s->active);
		vb_printf(b, ",\"high_watermark\":%" PRIu64, s->high_watermark);
		vb_printf(b, ",\"flows_added\":%" PRIu64, s->added);
		vb_printf(b, ",\"flows_aged\":%" PRIu64 ",\"flows\":[", aged);
		return;
	}
	view_monitor_cache_lines(b, s, true);
	vb_puts(b, "\n");
}

/* the table's or the CSV's header line(s) for template t */
static void table_header(struct vbuf *b, const struct template_def *t, bool csv)
{
	char l[LABEL_MAX];
	unsigned int i;
	int w, k;

	for (i = 0; i < t->nelem; i++) {
		label(l, sizeof(l), t, i, true);
		if (csv)
			vb_printf(b, "%s%s", i ? "," : "", l);
		else
			vb_printf(b, "%s%-*s", i ? "  " : "",
				  i + 1 < t->nelem ? col_width(t, i) : 0, l);
	}
	vb_puts(b, "\n");
	if (csv)
		return;
	for (i = 0; i < t->nelem; i++) {
		w = col_width(t, i);
		vb_puts(b, i ? "  " : "");
		for (k = 0; k < w; k++)
			vb_puts(b, "=");
	}
	vb_puts(b, "\n");
}

static void flow_fields(struct vbuf *b, const struct view_snapshot *s,
			const struct view_flow *f, const uint8_t *rec,
			bool json)
{
	const struct template_def *t = s->tmpl[f->tmpl];
	char l[LABEL_MAX], v[VALUE_MAX];
	unsigned int i, off = 0;
	bool num;
	int w;

	for (i = 0; i < t->nelem; i++) {
		const struct ie *ie = &ie_table[t->elem[i]];

		num = value(v, sizeof(v), f, t->elem[i], rec + off);
		off += ie->len;
		if (json) {
			label(l, sizeof(l), t, i, false);
			vb_puts(b, i ? "," : "");
			vb_json_str(b, l);
			vb_puts(b, ":");
			vb_json_str(b, v);
			continue;
		}
		switch (s->format) {
		case VF_RECORD:
			label(l, sizeof(l), t, i, false);
			strncat(l, ":", sizeof(l) - strlen(l) - 1);
			vb_printf(b, "%-26s %s\n", l, v);
			break;
		case VF_CSV:
			vb_printf(b, "%s%s", i ? "," : "", v);
			break;
		case VF_TABLE:
			w = col_width(t, i);
			if (num)
				vb_printf(b, "%s%*s", i ? "  " : "", w, v);
			else
				vb_printf(b, "%s%-*s", i ? "  " : "",
					  i + 1 < t->nelem ? w : 0, v);
			break;
		}
	}
	if (!json && s->format != VF_RECORD)
		vb_puts(b, "\n");
}

void view_cache_flows(struct vbuf *b, const struct view_snapshot *s, bool json,
		      size_t from, size_t to)
{
	size_t i;

	for (i = from; i < to && i < s->nflows; i++) {
		const struct view_flow *f = &s->flows[i];
		const uint8_t *rec;

		if (f->tmpl < 0 || (size_t)f->tmpl >= s->ntmpl || !s->recs)
			continue;
		rec = s->recs + i * s->rec_stride;
		if (json) {
			vb_puts(b, i ? ",{\"record\":" : "{\"record\":");
			vb_json_str(b, s->tmpl[f->tmpl]->name);
			vb_puts(b, ",\"fields\":{");
			flow_fields(b, s, f, rec, true);
			vb_puts(b, "}}");
			continue;
		}
		/* a header again when the record changes (IPv4, IPv6) */
		if (s->format != VF_RECORD &&
		    (i == 0 || s->flows[i - 1].tmpl != f->tmpl))
			table_header(b, s->tmpl[f->tmpl], s->format == VF_CSV);
		flow_fields(b, s, f, rec, false);
		if (s->format == VF_RECORD)
			vb_puts(b, "\n");
	}
}

void view_cache_tail(struct vbuf *b, const struct view_snapshot *s, bool json)
{
	(void)s;
	if (json)
		vb_puts(b, "]}\n");
}
