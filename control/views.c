// SPDX-License-Identifier: BSD-2-Clause
/*
 * views.c - the output buffer, the request grammar, the protocol classes
 * of the activity summary, and the dispatch to the view families
 * (views_ios.c, views_fnf.c, views_stats.c).
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "views.h"

static bool vb_room(struct vbuf *b, size_t n)
{
	size_t cap;
	char *p;

	if (b->oom)
		return false;
	if (b->len + n + 1 <= b->cap)
		return true;
	cap = b->cap ? b->cap : 4096;
	while (cap < b->len + n + 1)
		cap *= 2;
	p = realloc(b->p, cap);
	if (!p) {
		b->oom = true;
		return false;
	}
	b->p = p;
	b->cap = cap;
	return true;
}

void vb_printf(struct vbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!vb_room(b, 256))
		return;
	va_start(ap, fmt);
	n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= b->cap - b->len) {
		if (!vb_room(b, (size_t)n))
			return;
		va_start(ap, fmt);
		vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
	}
	b->len += (size_t)n;
}

void vb_puts(struct vbuf *b, const char *s)
{
	size_t n = strlen(s);

	if (!vb_room(b, n))
		return;
	memcpy(b->p + b->len, s, n + 1);
	b->len += n;
}

void vb_json_str(struct vbuf *b, const char *s)
{
	const unsigned char *u = (const unsigned char *)(s ? s : "");

	vb_puts(b, "\"");
	for (; *u; u++) {
		if (*u == '"' || *u == '\\')
			vb_printf(b, "\\%c", *u);
		else if (*u < 0x20 || *u == 0x7f)
			vb_printf(b, "\\u%04x", *u);
		else
			vb_printf(b, "%c", *u);
	}
	vb_puts(b, "\"");
}

void vb_reset(struct vbuf *b)
{
	b->len = 0;
	if (b->p)
		b->p[0] = 0;
}

void vb_free(struct vbuf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

/* IOS's classes: TCP and UDP by well-known port on either side */
static const struct {
	const char *name;
	uint8_t proto;
	uint16_t lo, hi; /* ports; 0, 0: any */
} pclass[VP_N] = {
	[VP_TCP_TELNET] = { "TCP-Telnet", 6, 23, 23 },
	[VP_TCP_FTP] = { "TCP-FTP", 6, 21, 21 },
	[VP_TCP_FTPD] = { "TCP-FTPD", 6, 20, 20 },
	[VP_TCP_WWW] = { "TCP-WWW", 6, 80, 80 },
	[VP_TCP_SMTP] = { "TCP-SMTP", 6, 25, 25 },
	[VP_TCP_X] = { "TCP-X", 6, 6000, 6063 },
	[VP_TCP_BGP] = { "TCP-BGP", 6, 179, 179 },
	[VP_TCP_NNTP] = { "TCP-NNTP", 6, 119, 119 },
	[VP_TCP_OTHER] = { "TCP-other", 6, 0, 0 },
	[VP_UDP_DNS] = { "UDP-DNS", 17, 53, 53 },
	[VP_UDP_NTP] = { "UDP-NTP", 17, 123, 123 },
	[VP_UDP_TFTP] = { "UDP-TFTP", 17, 69, 69 },
	[VP_UDP_OTHER] = { "UDP-other", 17, 0, 0 },
	[VP_ICMP] = { "ICMP", 1, 0, 0 },
	[VP_IGMP] = { "IGMP", 2, 0, 0 },
	[VP_IPINIP] = { "IPINIP", 4, 0, 0 },
	[VP_GRE] = { "GRE", 47, 0, 0 },
	[VP_IP_OTHER] = { "IP-other", 0, 0, 0 },
};

enum view_pclass view_pclass_of(uint8_t ipver, uint8_t proto, uint16_t sport,
				uint16_t dport)
{
	int c;

	if (ipver == 6 && proto == 58) /* ICMPv6 */
		proto = 1;
	/* every flow that leaves a cache comes here: go straight to its
	 * protocol's classes, and past their ports (up to TCP-X's 6063) */
	if (proto == 6)
		c = sport > 6063 && dport > 6063 ? VP_TCP_OTHER : 0;
	else if (proto == 17)
		c = sport > 123 && dport > 123 ? VP_UDP_OTHER : VP_UDP_DNS;
	else
		c = VP_ICMP;
	for (; c < VP_IP_OTHER; c++) {
		if (pclass[c].proto != proto)
			continue;
		if (!pclass[c].lo)
			return (enum view_pclass)c; /* the protocol's "other" */
		if ((dport >= pclass[c].lo && dport <= pclass[c].hi) ||
		    (sport >= pclass[c].lo && sport <= pclass[c].hi))
			return (enum view_pclass)c;
	}
	return VP_IP_OTHER;
}

const char *view_pclass_name(enum view_pclass c)
{
	return c < VP_N ? pclass[c].name : "?";
}

void view_protos_add(struct view_protos *p, const struct flow *f,
		     uint64_t now_ns)
{
	const struct flow_key *k = &f->key;
	struct view_pstat *s =
		&p->c[k->ipver == 6]
		     [view_pclass_of(k->ipver, k->proto, k->sport, k->dport)];

	s->flows++;
	s->packets += f->packets;
	s->octets += f->octets;
	if (f->last_ns > f->first_ns)
		s->active_ms += (f->last_ns - f->first_ns) / 1000000;
	if (now_ns > f->last_ns)
		s->idle_ms += (now_ns - f->last_ns) / 1000000;
}

double view_uptime_s(const struct view_snapshot *s)
{
	double t = s->now_ns > s->start_ns
			   ? (double)(s->now_ns - s->start_ns) / 1e9
			   : 0;

	return t < 1 ? 1 : t;
}

void view_addr(char *out, size_t len, uint8_t ipver, const uint8_t *a)
{
	if (!inet_ntop(ipver == 6 ? AF_INET6 : AF_INET, a, out, (socklen_t)len))
		snprintf(out, len, "?");
}

const char *view_version_name(int version)
{
	switch (version) {
	case 1:
		return "NetFlow Version 1";
	case 5:
		return "NetFlow Version 5";
	case 7:
		return "NetFlow Version 7";
	case 9:
		return "NetFlow Version 9";
	default:
		return "IPFIX (Version 10)";
	}
}

int view_flow_ipver(enum view_id v)
{
	if (v == VIEW_IP_CACHE || v == VIEW_IP_VERBOSE)
		return 4;
	if (v == VIEW_MONITOR_CACHE)
		return VIEW_IPVER_ANY;
	return v == VIEW_IPV6_CACHE ? 6 : 0;
}

void view_head(struct vbuf *b, const struct view_snapshot *s, enum view_id v,
	       bool json)
{
	switch (v) {
	case VIEW_IP_CACHE:
	case VIEW_IPV6_CACHE:
	case VIEW_IP_VERBOSE:
	case VIEW_IP_EXPORT:
		view_ios_head(b, s, v, json);
		break;
	case VIEW_STATISTICS:
		view_stats(b, s, json);
		break;
	case VIEW_MONITOR_CACHE:
		view_cache_head(b, s, json);
		break;
	case VIEW_SAMPLER:
	case VIEW_IP_FLOW_IF:
	case VIEW_RUNNING:
		view_cfg(b, s, v, json);
		break;
	default:
		view_fnf(b, s, v, json);
		break;
	}
}

void view_flows(struct vbuf *b, const struct view_snapshot *s, enum view_id v,
		bool json, size_t from, size_t to)
{
	if (v == VIEW_MONITOR_CACHE)
		view_cache_flows(b, s, json, from, to);
	else if (view_flow_ipver(v))
		view_ios_flows(b, s, v, json, from, to);
}

void view_tail(struct vbuf *b, const struct view_snapshot *s, enum view_id v,
	       bool json)
{
	if (v == VIEW_MONITOR_CACHE)
		view_cache_tail(b, s, json);
	else if (view_flow_ipver(v))
		view_ios_tail(b, s, v, json);
}

void view_render(struct vbuf *b, const struct view_snapshot *s, enum view_id v,
		 bool json)
{
	view_head(b, s, v, json);
	view_flows(b, s, v, json, 0, s->nflows);
	view_tail(b, s, v, json);
}

/* The request grammar: words, and what the whole line asks for. */
/* the longest: show flow monitor name NAME cache format record */
#define MAX_WORDS 8
#define INVALID_AT "%% Invalid input detected at '%s'"
static const struct {
	const char *w[MAX_WORDS]; /* NULL-terminated */
	enum view_action action;
	enum view_id view;
} commands[] = {
	/* flush and reload act: no abbreviation */
	{ { "show", "ip", "cache", "flow" }, VA_SHOW, VIEW_IP_CACHE },
	{ { "show", "ipv6", "cache", "flow" }, VA_SHOW, VIEW_IPV6_CACHE },
	{ { "show", "ip", "cache", "verbose", "flow" },
	  VA_SHOW,
	  VIEW_IP_VERBOSE },
	{ { "show", "ip", "flow", "export" }, VA_SHOW, VIEW_IP_EXPORT },
	{ { "show", "ip", "flow", "interface" }, VA_SHOW, VIEW_IP_FLOW_IF },
	{ { "show", "sampler" }, VA_SHOW, VIEW_SAMPLER },
	{ { "show", "running-config" }, VA_SHOW, VIEW_RUNNING },
	{ { "show", "flow", "exporter" }, VA_SHOW, VIEW_FLOW_EXPORTER },
	{ { "show", "flow", "exporter", "statistics" },
	  VA_SHOW,
	  VIEW_EXPORTER_STATS },
	{ { "show", "flow", "exporter", "templates" }, VA_SHOW, VIEW_TEMPLATES },
	{ { "show", "flow", "monitor" }, VA_SHOW, VIEW_FLOW_MONITOR },
	{ { "show", "flow", "monitor", "statistics" },
	  VA_SHOW,
	  VIEW_MONITOR_STATS },
	{ { "show", "flow", "interface" }, VA_SHOW, VIEW_FLOW_INTERFACE },
	{ { "show", "flow", "record" }, VA_SHOW, VIEW_FLOW_RECORD },
	{ { "show", "templates" }, VA_SHOW, VIEW_TEMPLATES },
	{ { "show", "statistics" }, VA_SHOW, VIEW_STATISTICS },
	{ { "show", "bgp", "summary" }, VA_BGP_SUMMARY, 0 },
	{ { "flush" }, VA_FLUSH, 0 },
	{ { "reload" }, VA_RELOAD, 0 },
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static size_t nwords(int c)
{
	size_t n = 0;

	while (n < MAX_WORDS && commands[c].w[n])
		n++;
	return n;
}

/* Does word w abbreviate keyword kw (at least min characters)? */
static bool abbrev(const char *w, const char *kw, size_t min)
{
	size_t n = strlen(w);

	return n >= min && n <= strlen(kw) && strncasecmp(w, kw, n) == 0;
}

/*
 * "... cache format table|record|csv" from tok[at]: Flexible NetFlow's
 * layouts of the record's fields (IOS takes "fo" for format: "f" is
 * also its filter). Without it, record, as IOS's default.
 */
static int cache_format(char **tok, size_t ntok, size_t at,
			struct view_req *req, char *err, size_t errlen)
{
	static const char *const fmt[] = {
		[VF_RECORD] = "record", [VF_TABLE] = "table", [VF_CSV] = "csv"
	};
	size_t f;

	if (at >= ntok) {
		req->view = VIEW_MONITOR_CACHE;
		req->format = VF_RECORD;
		return 1;
	}
	if (!abbrev(tok[at], "format", 2)) {
		snprintf(err, errlen, INVALID_AT, tok[at]);
		return -1;
	}
	if (at + 1 >= ntok) {
		snprintf(err, errlen, "%% Incomplete command.");
		return -1;
	}
	for (f = 0; f < sizeof(fmt) / sizeof(fmt[0]); f++)
		if (abbrev(tok[at + 1], fmt[f], 1))
			break;
	if (f == sizeof(fmt) / sizeof(fmt[0]) || at + 2 < ntok) {
		snprintf(err, errlen, INVALID_AT,
			 tok[f == sizeof(fmt) / sizeof(fmt[0]) ? at + 1
							       : at + 2]);
		return -1;
	}
	req->view = VIEW_MONITOR_CACHE;
	req->format = (enum view_format)f;
	return 1;
}

/*
 * Flexible NetFlow's "show flow monitor [name] NAME [statistics|cache]":
 * one monitor's view (the cache in its record's fields). 1 when tok[] is
 * that (req filled), 0 when it is not, -1 with err.
 */
static int monitor_named(char **tok, size_t ntok, struct view_req *req,
			 char *err, size_t errlen)
{
	size_t at = 3;

	/* unique prefixes, as the table's: show (not flush, reload), flow
	 * (of show's), monitor (of show flow's) */
	if (ntok < 4 || !abbrev(tok[0], "show", 1) ||
	    !abbrev(tok[1], "flow", 1) || !abbrev(tok[2], "monitor", 1))
		return 0;
	/* "statistics" alone is the view of every monitor */
	if (ntok == 4 && abbrev(tok[3], "statistics", 1))
		return 0;
	if (strcasecmp(tok[3], "name") == 0)
		at = 4;
	if (at >= ntok) {
		snprintf(err, errlen, "%% Incomplete command.");
		return -1;
	}
	if (strlen(tok[at]) >= sizeof(req->monitor)) {
		snprintf(err, errlen, INVALID_AT, tok[at]);
		return -1;
	}
	snprintf(req->monitor, sizeof(req->monitor), "%s", tok[at]);
	req->action = VA_SHOW;
	req->view = VIEW_FLOW_MONITOR;
	if (at + 1 < ntok) {
		if (abbrev(tok[at + 1], "statistics", 1)) {
			req->view = VIEW_MONITOR_STATS;
		} else if (abbrev(tok[at + 1], "cache", 1)) {
			req->view = VIEW_IP_CACHE;
			return cache_format(tok, ntok, at + 2, req, err,
					    errlen);
		} else {
			snprintf(err, errlen, INVALID_AT, tok[at + 1]);
			return -1;
		}
	}
	if (at + 2 < ntok) {
		snprintf(err, errlen, INVALID_AT, tok[at + 2]);
		return -1;
	}
	return 1;
}

/* The distinct keywords at word i of the candidate commands. */
static size_t keywords_at(const bool *cand, size_t i)
{
	const char *seen[NCOMMANDS];
	size_t n = 0, k;
	int c;

	for (c = 0; c < (int)NCOMMANDS; c++) {
		if (!cand[c] || i >= nwords(c))
			continue;
		for (k = 0; k < n && strcmp(seen[k], commands[c].w[i]); k++)
			;
		if (k == n)
			seen[n++] = commands[c].w[i];
	}
	return n;
}

/* IOS's words, two spaces and the line as typed (up to '|'). */
static int ambiguous(const char *line, size_t len, char *err, size_t errlen)
{
	const char *bar = memchr(line, '|', len);

	if (bar)
		len = (size_t)(bar - line);
	while (len && isspace((unsigned char)line[len - 1]))
		len--;
	while (len && isspace((unsigned char)*line)) {
		line++;
		len--;
	}
	snprintf(err, errlen, "%% Ambiguous command:  \"%.*s\"",
		 (int)(len < 200 ? len : 200), line);
	return -1;
}

int view_parse(const char *line, struct view_req *req, char *err, size_t errlen)
{
	char buf[256], *tok[MAX_WORDS + 1], *save = NULL, *t;
	bool cand[NCOMMANDS], any_exact;
	size_t ntok = 0, i, n, len;
	int c, found = -1, nfound = 0;

	memset(req, 0, sizeof(*req));
	len = strcspn(line, "\r\n");
	if (len >= sizeof(buf)) {
		snprintf(err, errlen, "%% Request too long");
		return -1;
	}
	memcpy(buf, line, len);
	buf[len] = 0;
	/* "| json": the view as JSON (as NX-OS spells it) */
	t = strchr(buf, '|');
	if (t) {
		char *w = t + 1;

		while (isspace((unsigned char)*w))
			w++;
		n = strcspn(w, " \t");
		if (n == 0 || strncasecmp(w, "json", n) != 0 || n > 4 ||
		    w[n + strspn(w + n, " \t")]) {
			snprintf(err, errlen,
				 "%% Invalid input after '|': only '| json'");
			return -1;
		}
		req->json = true;
		*t = 0;
	}
	for (t = strtok_r(buf, " \t", &save); t;
	     t = strtok_r(NULL, " \t", &save)) {
		if (ntok == MAX_WORDS) {
			snprintf(err, errlen, INVALID_AT, t);
			return -1;
		}
		tok[ntok++] = t;
	}
	if (ntok == 0) {
		snprintf(err, errlen, "%% Incomplete command.");
		return -1;
	}
	/* "show ip bgp ADDRESS" (issue 17): the one command with a value */
	if (ntok == 4 && abbrev(tok[0], "show", 1) && abbrev(tok[1], "ip", 2) &&
	    abbrev(tok[2], "bgp", 1)) {
		req->action = VA_BGP_ROUTE;
		snprintf(req->arg, sizeof(req->arg), "%s", tok[3]);
		return 0;
	}
	c = monitor_named(tok, ntok, req, err, errlen);
	if (c != 0)
		return c < 0 ? -1 : 0;
	for (c = 0; c < (int)NCOMMANDS; c++)
		cand[c] = true;
	/* word by word: an exact word beats a prefix of a longer one
	 * ("ip" is ip, not ipv6) */
	for (i = 0; i < ntok; i++) {
		size_t tl = strlen(tok[i]);

		any_exact = false;
		for (c = 0; c < (int)NCOMMANDS; c++) {
			if (!cand[c])
				continue;
			if (i >= nwords(c) ||
			    strncasecmp(commands[c].w[i], tok[i], tl) != 0 ||
			    ((commands[c].action == VA_FLUSH ||
			      commands[c].action == VA_RELOAD) &&
			     strlen(commands[c].w[i]) != tl)) {
				cand[c] = false;
				continue;
			}
			if (strlen(commands[c].w[i]) == tl)
				any_exact = true;
		}
		if (any_exact)
			for (c = 0; c < (int)NCOMMANDS; c++)
				if (cand[c] && strlen(commands[c].w[i]) != tl)
					cand[c] = false;
		for (n = 0, c = 0; c < (int)NCOMMANDS; c++)
			n += cand[c];
		if (n == 0) {
			snprintf(err, errlen, INVALID_AT, tok[i]);
			return -1;
		}
		/* IOS: a word that abbreviates two keywords is ambiguous
		 * ("show s": sampler or statistics), whatever follows */
		if (!any_exact && keywords_at(cand, i) > 1)
			return ambiguous(line, len, err, errlen);
	}
	/* the complete commands among the candidates: one must stand out */
	for (c = 0; c < (int)NCOMMANDS; c++) {
		if (cand[c] && nwords(c) == ntok) {
			found = c;
			nfound++;
		}
	}
	if (found < 0) {
		snprintf(err, errlen, "%% Incomplete command.");
		return -1;
	}
	if (nfound > 1)
		return ambiguous(line, len, err, errlen);
	req->action = commands[found].action;
	req->view = commands[found].view;
	return 0;
}
