// SPDX-License-Identifier: BSD-2-Clause
/*
 * config_set.c - the settings of each kind of block of xflowd.conf(5), as
 * tables: the words that name a setting, how many values it takes,
 * whether it may repeat, and the function that checks and stores them.
 * What involves more than one line (references, defaults, combinations)
 * waits for config_check.c, when the whole file is known.
 */
#include <arpa/inet.h>
#include <net/if.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "config_blocks.h"

/* ---- values ---- */

static int get_num(struct cfg_parser *p, unsigned int no, const char *what,
		   const char *v, unsigned long long min,
		   unsigned long long max, unsigned long long *out)
{
	unsigned long long n = 0;
	const char *s = v;
	char q[48];

	/* digits only: no sign, no hex, no spaces; stop before overflow */
	if (!*s)
		goto bad;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || n > max)
			goto bad;
		n = n * 10 + (unsigned long long)(*s - '0');
	}
	if (n < min || n > max)
		goto bad;
	*out = n;
	return 0;
bad:
	cfg_error(p, no, "%s '%s': expected a whole number from %llu to %llu",
		  what, cfg_quote(v, q, sizeof(q)), min, max);
	return -1;
}

/* Index of v in choice[0..n), or -1 after an error listing them. */
static int get_choice(struct cfg_parser *p, unsigned int no, const char *what,
		      const char *v, const char *const *choice, int n)
{
	char list[160] = "", q[48];
	int i;

	for (i = 0; i < n; i++)
		if (strcmp(v, choice[i]) == 0)
			return i;
	cfg_error(p, no, "%s '%s': expected %s", what,
		  cfg_quote(v, q, sizeof(q)),
		  cfg_or_list(choice, n, list, sizeof(list)));
	return -1;
}

bool cfg_good_name(const char *s)
{
	size_t n = strlen(s), i;

	if (n == 0 || n >= CFG_NAME_MAX)
		return false;
	for (i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '-' || c == '_' ||
		      c == '.'))
			return false;
	}
	return true;
}

/* Linux's dev_valid_name(), and printable ASCII for readable records */
bool cfg_good_ifname(const char *s)
{
	size_t n = strlen(s), i;

	if (n == 0 || n >= CFG_IFNAME_MAX || !strcmp(s, ".") ||
	    !strcmp(s, ".."))
		return false;
	for (i = 0; i < n; i++)
		if (s[i] <= ' ' || s[i] >= 0x7f || s[i] == '/' || s[i] == ':' ||
		    s[i] == '"' || s[i] == '#')
			return false;
	return true;
}

/* RFC 1123 host name: dot-separated labels of letters, digits and '-' */
static bool good_hostname(const char *s)
{
	size_t n = strlen(s), label = 0, i;
	bool alpha = false;

	if (n == 0 || n > 253)
		return false;
	for (i = 0; i < n; i++) {
		char c = s[i];

		if (c == '.') {
			if (label == 0 || s[i - 1] == '-')
				return false;
			label = 0;
			continue;
		}
		if (c == '-' && label == 0)
			return false;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    c == '-')
			alpha = true;
		else if (c < '0' || c > '9')
			return false;
		if (++label > 63)
			return false;
	}
	/* all digits and dots is a mistyped IPv4 address, not a name */
	return alpha && s[n - 1] != '-';
}

static void set_description(struct cfg_parser *p, const struct kw *kw,
			    unsigned int no, char **v, int nv)
{
	char d[CFG_LINE_MAX + CFG_MAX_TOKENS] = "";
	size_t len = 0;
	int i;

	(void)kw;
	/* unquoted words are joined by one space, as IOS does */
	for (i = 0; i < nv; i++) {
		size_t n = strlen(v[i]);

		if (i)
			d[len++] = ' ';
		memcpy(d + len, v[i], n);
		len += n;
	}
	d[len] = '\0';
	if (len >= CFG_DESC_MAX) {
		cfg_error(p, no,
			  "description too long (%zu octets, at most %d): "
			  "shorten it",
			  len, CFG_DESC_MAX - 1);
		return;
	}
	switch (p->kind) {
	case BLK_EXPORTER:
		memcpy(((struct cfg_exporter *)p->blk)->description, d,
		       len + 1);
		break;
	case BLK_SAMPLER:
		memcpy(((struct cfg_sampler *)p->blk)->description, d, len + 1);
		break;
	case BLK_RECORD:
		memcpy(((struct cfg_record *)p->blk)->description, d, len + 1);
		break;
	case BLK_MONITOR:
		memcpy(((struct cfg_monitor *)p->blk)->description, d, len + 1);
		break;
	default:
		memcpy(((struct cfg_interface *)p->blk)->description, d,
		       len + 1);
		break;
	}
}

/* A number of kw->width octets at kw->off of the block, in [lo, hi]. */
static void set_number(struct cfg_parser *p, const struct kw *kw,
		       unsigned int no, char **v, int nv)
{
	unsigned long long n;
	char *field = (char *)p->blk + kw->off;

	(void)nv;
	if (get_num(p, no, kw->words, v[0], kw->lo, kw->hi, &n))
		return;
	if (kw->width == 2) {
		uint16_t u = (uint16_t)n;

		memcpy(field, &u, sizeof(u));
	} else {
		uint32_t u = (uint32_t)n;

		memcpy(field, &u, sizeof(u));
	}
}

/* ---- exporter ---- */

static void set_destination(struct cfg_parser *p, const struct kw *kw,
			    unsigned int no, char **v, int nv)
{
	struct cfg_exporter *e = p->blk;
	char host[CFG_LINE_MAX + 1], q[48];
	size_t n = strlen(v[0]);
	const char *colon;

	(void)kw;
	(void)nv;
	/* [2001:db8::1] as in URLs and --collector */
	if (n >= 2 && v[0][0] == '[' && v[0][n - 1] == ']') {
		memcpy(host, v[0] + 1, n - 2);
		host[n - 2] = '\0';
	} else {
		memcpy(host, v[0], n + 1);
	}
	if (inet_pton(AF_INET, host, e->addr) == 1) {
		e->host = CFG_HOST_IPV4;
	} else if (inet_pton(AF_INET6, host, e->addr) == 1) {
		e->host = CFG_HOST_IPV6;
	} else if (good_hostname(host)) {
		e->host = CFG_HOST_NAME;
	} else {
		colon = strrchr(host, ':');
		if (colon && colon[1] &&
		    strspn(colon + 1, "0123456789") == strlen(colon + 1))
			cfg_error(p, no,
				  "destination '%s': give the address alone "
				  "and the port in 'transport udp PORT'",
				  cfg_quote(v[0], q, sizeof(q)));
		else
			cfg_error(p, no,
				  "destination '%s': expected an IPv4 or IPv6 "
				  "address or a host name",
				  cfg_quote(v[0], q, sizeof(q)));
		return;
	}
	snprintf(e->destination, sizeof(e->destination), "%s", host);
}

/* An interface name as the kernel takes it (dev_valid_name). */
static bool good_ifname(const char *s)
{
	size_t n = strlen(s);

	return n >= 1 && n < IF_NAMESIZE && strcmp(s, ".") != 0 &&
	       strcmp(s, "..") != 0 && !strpbrk(s, "/: \t\n");
}

static void set_source(struct cfg_parser *p, const struct kw *kw,
		       unsigned int no, char **v, int nv)
{
	struct cfg_exporter *e = p->blk;
	uint8_t a[16];
	char q[48];

	(void)kw;
	(void)nv;
	if (inet_pton(AF_INET, v[0], a) == 1) {
		e->source_ver = 4;
	} else if (inet_pton(AF_INET6, v[0], a) == 1) {
		e->source_ver = 6;
	} else if (good_ifname(v[0])) {
		e->source_ver = 0;
	} else {
		cfg_error(p, no,
			  "source '%s': expected an interface name (at most "
			  "%d characters) or an IPv4 or IPv6 address",
			  cfg_quote(v[0], q, sizeof(q)), IF_NAMESIZE - 1);
		return;
	}
	snprintf(e->source, sizeof(e->source), "%s", v[0]);
}

static void set_transport(struct cfg_parser *p, const struct kw *kw,
			  unsigned int no, char **v, int nv)
{
	static const char *const t[] = { "udp", "tcp" };
	struct cfg_exporter *e = p->blk;
	unsigned long long port;
	int i = get_choice(p, no, "transport", v[0], t, 2);

	(void)kw;
	if (i >= 0)
		e->transport = i == 0 ? CFG_UDP : CFG_TCP;
	if (nv == 2 &&
	    get_num(p, no, "transport port", v[1], 1, SET_PORT_MAX, &port) == 0)
		e->port = (uint16_t)port;
}

static void set_protocol(struct cfg_parser *p, const struct kw *kw,
			 unsigned int no, char **v, int nv)
{
	static const char *const proto[] = { "netflow-v1", "netflow-v5",
					     "netflow-v7", "netflow-v9",
					     "ipfix" };
	static const int version[] = { 1, 5, 7, 9, 10 };
	int i = get_choice(p, no, "export-protocol", v[0], proto, 5);

	(void)kw;
	(void)nv;
	if (i >= 0)
		((struct cfg_exporter *)p->blk)->version = version[i];
}

/* option interface-table | exporter-stats | sampler-table [timeout SEC] */
static void set_option(struct cfg_parser *p, const struct kw *kw,
		       unsigned int no, char **v, int nv)
{
	struct cfg_exporter *e = p->blk;
	struct export_option_cfg *o = &e->option[kw->idx - KWE_OPT_IFTABLE];
	unsigned long long n;

	o->off = false;
	if (nv == 0)
		return;
	if (nv != 2 || strcmp(v[0], "timeout") != 0) {
		cfg_error(p, no, "%s: write '%s'", kw->words, kw->usage);
		return;
	}
	/* Cisco's range for an option's resend time */
	if (get_num(p, no, "option timeout", v[1], 1, 86400, &n) == 0)
		o->timeout_s = (uint32_t)n;
}

/* no option ...: neither its template nor its records are sent */
static void set_no_option(struct cfg_parser *p, const struct kw *kw,
			  unsigned int no, char **v, int nv)
{
	struct cfg_exporter *e = p->blk;

	(void)no;
	(void)v;
	(void)nv;
	e->option[kw->idx - KWE_NO_IFTABLE].off = true;
	e->option[kw->idx - KWE_NO_IFTABLE].timeout_s = 0;
}

/* 'as origin|peer': what v5's src_as/dst_as carry (issue 17) */
static void set_as(struct cfg_parser *p, const struct kw *kw, unsigned int no,
		   char **v, int nv)
{
	static const char *const as[] = { "origin", "peer" };
	static const uint8_t val[] = { EXPORT_AS_ORIGIN, EXPORT_AS_PEER };
	int i = get_choice(p, no, "as", v[0], as, 2);

	(void)kw;
	(void)nv;
	if (i >= 0)
		((struct cfg_exporter *)p->blk)->as = val[i];
}

/* rate-limit N [burst N] [queue N] */
static void set_rate_limit(struct cfg_parser *p, const struct kw *kw,
			   unsigned int no, char **v, int nv)
{
	struct cfg_exporter *e = p->blk;
	unsigned long long n;
	int i;

	if (nv % 2 == 0) {
		cfg_error(p, no, "%s: write '%s'", kw->words, kw->usage);
		return;
	}
	if (get_num(p, no, "rate-limit", v[0], 1, SET_RATE_MAX, &n))
		return;
	e->pace.rate = (uint32_t)n;
	for (i = 1; i + 1 < nv; i += 2) {
		bool burst = strcmp(v[i], "burst") == 0;

		if (!burst && strcmp(v[i], "queue") != 0) {
			cfg_error(p, no, "%s: write '%s'", kw->words,
				  kw->usage);
			return;
		}
		if (get_num(p, no,
			    burst ? "rate-limit burst" : "rate-limit queue",
			    v[i + 1], 1, burst ? SET_BURST_MAX : SET_QUEUE_MAX,
			    &n))
			return;
		if (burst)
			e->pace.burst = (uint32_t)n;
		else
			e->pace.queue = (uint32_t)n;
	}
	/* the model holds what runs: defaults spelled out */
	e->pace.burst = export_pace_burst(&e->pace);
	e->pace.queue = export_pace_queue(&e->pace);
}

/* ---- sampler ---- */

static void set_mode(struct cfg_parser *p, const struct kw *kw, unsigned int no,
		     char **v, int nv)
{
	static const char *const mode[] = { "random", "deterministic" };
	struct cfg_sampler *s = p->blk;
	unsigned long long n;
	int i = get_choice(p, no, "mode", v[0], mode, 2);

	(void)kw;
	(void)nv;
	if (i >= 0)
		s->mode = i == 0 ? SAMPLER_RANDOM : SAMPLER_DETERMINISTIC;
	if (strcmp(v[1], "1") != 0 || strcmp(v[2], "out-of") != 0) {
		cfg_error(p, no,
			  "mode: xflowd takes 1 packet out of N: write "
			  "'mode %s 1 out-of N'",
			  i == 1 ? "deterministic" : "random");
		return;
	}
	if (get_num(p, no, "mode 1 out-of", v[3], 1, SET_INTERVAL_MAX, &n) == 0)
		s->interval = (uint32_t)n;
}

/* ---- monitor ---- */

/* A template or record line; names are resolved by config_check.c. */
static void add_format(struct cfg_parser *p, unsigned int no, const char *v,
		       bool record)
{
	struct cfg_monitor *m = p->blk;
	struct cfg_aux *a = p->aux;
	const char *what = record ? "record" : "template";
	char q[48];
	int i;

	if (!cfg_good_name(v)) {
		cfg_error(p, no, "%s '%s': not a name", what,
			  cfg_quote(v, q, sizeof(q)));
		return;
	}
	for (i = 0; i < m->nformat; i++) {
		if ((m->format[i].record != -1) == record &&
		    strcmp(a->m->ref[i], v) == 0) {
			cfg_error(p, no,
				  "%s %s given twice in monitor %s (first at "
				  "line %u): keep one",
				  what, v, m->name, m->format[i].line);
			return;
		}
	}
	if (m->nformat == CFG_MAX_MON_FORMATS) {
		if (!(a->full & FULL_LIST))
			cfg_error(p, no,
				  "monitor %s has more than %d templates and "
				  "records",
				  m->name, CFG_MAX_MON_FORMATS);
		a->full |= FULL_LIST;
		return;
	}
	i = m->nformat++;
	m->format[i].tmpl = record ? NULL : template_find(v);
	/* -2: a record still to resolve; -1 with tmpl NULL: an unknown
	 * template, reported with what is known at the end */
	m->format[i].record = record ? -2 : -1;
	m->format[i].line = no;
	memcpy(a->m->ref[i], v, strlen(v) + 1);
}

static void set_template(struct cfg_parser *p, const struct kw *kw,
			 unsigned int no, char **v, int nv)
{
	(void)kw;
	(void)nv;
	add_format(p, no, v[0], false);
}

static void set_record(struct cfg_parser *p, const struct kw *kw,
		       unsigned int no, char **v, int nv)
{
	(void)kw;
	(void)nv;
	add_format(p, no, v[0], true);
}

static void set_exporter(struct cfg_parser *p, const struct kw *kw,
			 unsigned int no, char **v, int nv)
{
	struct cfg_monitor *m = p->blk;
	struct cfg_aux *a = p->aux;
	char q[48];
	int i;

	(void)kw;
	(void)nv;
	if (!cfg_good_name(v[0])) {
		cfg_error(p, no, "exporter '%s': not a name",
			  cfg_quote(v[0], q, sizeof(q)));
		return;
	}
	for (i = 0; i < a->m->nexp; i++) {
		if (strcmp(a->m->exp[i], v[0]) == 0) {
			cfg_error(p, no,
				  "exporter %s given twice in monitor %s "
				  "(first at line %u): keep one",
				  v[0], m->name, a->m->exp_line[i]);
			return;
		}
	}
	if (a->m->nexp == CFG_MAX_MON_EXPORTERS) {
		if (!(a->full & FULL_EXPORTERS))
			cfg_error(p, no,
				  "monitor %s has more than %d exporters",
				  m->name, CFG_MAX_MON_EXPORTERS);
		a->full |= FULL_EXPORTERS;
		return;
	}
	a->m->exp_line[a->m->nexp] = no;
	memcpy(a->m->exp[a->m->nexp++], v[0], strlen(v[0]) + 1);
}

static void set_sampler(struct cfg_parser *p, const struct kw *kw,
			unsigned int no, char **v, int nv)
{
	char q[48];

	(void)kw;
	(void)nv;
	if (!cfg_good_name(v[0])) {
		cfg_error(p, no, "sampler '%s': not a name",
			  cfg_quote(v[0], q, sizeof(q)));
		return;
	}
	memcpy(p->aux->m->sampler, v[0], strlen(v[0]) + 1);
}

/* ---- interface ---- */

static void set_monitor(struct cfg_parser *p, const struct kw *kw,
			unsigned int no, char **v, int nv)
{
	static const char *const dir[] = { "input", "output" };
	struct cfg_interface *f = p->blk;
	struct cfg_aux *a = p->aux;
	char q[48];
	int d;

	(void)kw;
	(void)nv;
	if (!cfg_good_name(v[0])) {
		cfg_error(p, no, "monitor '%s': not a name",
			  cfg_quote(v[0], q, sizeof(q)));
		return;
	}
	d = get_choice(p, no, "direction", v[1], dir, 2);
	if (d < 0)
		return;
	if (f->monitor_line[d]) {
		cfg_error(p, no,
			  "interface %s already has monitor %s %s (line %u): "
			  "one monitor per direction",
			  f->name, a->i->mon[d], dir[d], f->monitor_line[d]);
		return;
	}
	f->monitor_line[d] = no;
	memcpy(a->i->mon[d], v[0], strlen(v[0]) + 1);
}

static void set_capture(struct cfg_parser *p, const struct kw *kw,
			unsigned int no, char **v, int nv)
{
	static const char *const c[] = { "pcap", "afxdp", "ebpf" };
	static const enum capture_kind kind[] = { CAPTURE_PCAP, CAPTURE_AFXDP,
						  CAPTURE_EBPF };
	static const char *const h[] = { "tc", "xdp" };
	static const enum ebpf_hook hook[] = { EBPF_HOOK_TC, EBPF_HOOK_XDP };
	struct cfg_interface *f = p->blk;
	int i = get_choice(p, no, "capture", v[0], c, 3);

	(void)kw;
	if (i < 0)
		return;
	f->capture = kind[i];
	if (nv == 1)
		return;
	if (f->capture != CAPTURE_EBPF) {
		cfg_error(p, no,
			  "capture %s %s: tc or xdp choose where capture ebpf "
			  "runs; remove '%s'",
			  v[0], v[1], v[1]);
		return;
	}
	i = get_choice(p, no, "capture ebpf", v[1], h, 2);
	if (i >= 0)
		f->ebpf_hook = hook[i];
}

static void set_promisc(struct cfg_parser *p, const struct kw *kw,
			unsigned int no, char **v, int nv)
{
	static const char *const c[] = { "off", "on" };
	struct cfg_interface *f = p->blk;
	int i = get_choice(p, no, "promiscuous", v[0], c, 2);

	(void)kw;
	(void)nv;
	if (i >= 0)
		f->promisc = (int8_t)i;
}

/* ---- the tables ---- */

#define DESC                                                                   \
	{                                                                      \
		"description", "description TEXT", KW_DESCRIPTION, 0,          \
			CFG_MAX_TOKENS - 1, false, set_description, 0, 0, 0, 0 \
	}
/* a number: its setting, range and where it goes */
#define NUM(words, usage, idx, type, field, lo, hi)                 \
	{                                                           \
		words, usage, idx, 1, 1, false, set_number, lo, hi, \
			offsetof(struct type, field),               \
			sizeof(((struct type *)0)->field)           \
	}

/* Cisco FNF's exporter option, and 'no option' to switch it off */
#define OPT_ON(name, idx)                                                    \
	{                                                                    \
		"option " name, "option " name " [timeout SECONDS]", idx, 0, \
			2, false, set_option, 0, 0, 0, 0                     \
	}
#define OPT_OFF(name, idx)                                              \
	{                                                               \
		"no option " name, "no option " name, idx, 0, 0, false, \
			set_no_option, 0, 0, 0, 0                       \
	}

static const struct kw exporter_kw[] = {
	DESC,
	{ "destination", "destination HOST", KWE_DESTINATION, 1, 1, false,
	  set_destination, 0, 0, 0, 0 },
	{ "transport", "transport udp|tcp [PORT]", KWE_TRANSPORT, 1, 2, false,
	  set_transport, 0, 0, 0, 0 },
	NUM("source-port", "source-port PORT", KWE_SOURCE_PORT, cfg_exporter,
	    source_port, 1, SET_PORT_MAX),
	{ "source", "source INTERFACE|ADDRESS", KWE_SOURCE, 1, 1, false,
	  set_source, 0, 0, 0, 0 },
	{ "export-protocol",
	  "export-protocol netflow-v1|netflow-v5|netflow-v7|netflow-v9|ipfix",
	  KWE_PROTOCOL, 1, 1, false, set_protocol, 0, 0, 0, 0 },
	NUM("domain-id", "domain-id N", KWE_DOMAIN, cfg_exporter, domain_id, 0,
	    UINT32_MAX),
	NUM("template refresh-seconds", "template refresh-seconds N",
	    KWE_REFRESH_S, cfg_exporter, refresh_s, 0, SET_REFRESH_S_MAX),
	NUM("template refresh-packets", "template refresh-packets N",
	    KWE_REFRESH_P, cfg_exporter, refresh_packets, 0,
	    SET_REFRESH_PACKETS_MAX),
	NUM("mtu", "mtu N", KWE_MTU, cfg_exporter, mtu, SET_MTU_MIN,
	    SET_MTU_MAX),
	/* a destination named by DNS looked up again this often; 0: at
	 * start, on reload and while it does not resolve */
	NUM("resolve-interval", "resolve-interval SEC", KWE_RESOLVE,
	    cfg_exporter, resolve_s, 0, SET_RESOLVE_MAX),
	/* export pacing: records a second, at once, waiting at most */
	{ "rate-limit", "rate-limit FLOWS-PER-SECOND [burst N] [queue N]",
	  KWE_RATE_LIMIT, 1, 5, false, set_rate_limit, 0, 0, 0, 0 },
	OPT_ON("interface-table", KWE_OPT_IFTABLE),
	OPT_OFF("interface-table", KWE_NO_IFTABLE),
	OPT_ON("exporter-stats", KWE_OPT_STATS),
	OPT_OFF("exporter-stats", KWE_NO_STATS),
	OPT_ON("sampler-table", KWE_OPT_SAMPLER),
	OPT_OFF("sampler-table", KWE_NO_SAMPLER),
	{ "as", "as origin|peer", KWE_AS, 1, 1, false, set_as, 0, 0, 0, 0 },
	/* the export packets' IP header (Cisco FNF's dscp and ttl) */
	NUM("dscp", "dscp N", KWE_DSCP, cfg_exporter, dscp, 0, 63),
	NUM("ttl", "ttl N", KWE_TTL, cfg_exporter, ttl, 1, 255),
};

static const struct kw sampler_kw[] = {
	DESC,
	{ "mode", "mode random|deterministic 1 out-of N", KWS_MODE, 4, 4, false,
	  set_mode, 0, 0, 0, 0 },
};

static const struct kw record_kw[] = {
	DESC,
	{ "match", "match ELEMENT", KWR_MATCH, 1, CFG_MAX_TOKENS - 1, true,
	  cfg_set_match, 0, 0, 0, 0 },
	{ "collect", "collect ELEMENT", KWR_COLLECT, 1, CFG_MAX_TOKENS - 1,
	  true, cfg_set_collect, 0, 0, 0, 0 },
};

static const struct kw monitor_kw[] = {
	DESC,
	{ "template", "template NAME", KWM_TEMPLATE, 1, 1, true, set_template,
	  0, 0, 0, 0 },
	{ "record", "record NAME", KWM_RECORD, 1, 1, true, set_record, 0, 0, 0,
	  0 },
	NUM("cache entries", "cache entries N", KWM_ENTRIES, cfg_monitor,
	    cache_entries, 1, SET_ENTRIES_MAX),
	NUM("cache timeout active", "cache timeout active SECONDS", KWM_ACTIVE,
	    cfg_monitor, active_s, 1, SET_TIMEOUT_MAX),
	NUM("cache timeout inactive", "cache timeout inactive SECONDS",
	    KWM_INACTIVE, cfg_monitor, inactive_s, 1, SET_TIMEOUT_MAX),
	{ "exporter", "exporter NAME", KWM_EXPORTER, 1, 1, true, set_exporter,
	  0, 0, 0, 0 },
	{ "sampler", "sampler NAME", KWM_SAMPLER, 1, 1, false, set_sampler, 0,
	  0, 0, 0 },
};

static const struct kw interface_kw[] = {
	DESC,
	{ "monitor", "monitor NAME input|output", KWI_MONITOR, 2, 2, true,
	  set_monitor, 0, 0, 0, 0 },
	{ "capture", "capture pcap|afxdp|ebpf [tc|xdp]", KWI_CAPTURE, 1, 2,
	  false, set_capture, 0, 0, 0, 0 },
	{ "promiscuous", "promiscuous on|off", KWI_PROMISC, 1, 1, false,
	  set_promisc, 0, 0, 0, 0 },
};

#define BLK(w, t)                                     \
	{                                             \
		w, t, (int)(sizeof(t) / sizeof(t[0])) \
	}
const struct blk_def cfg_blocks[] = {
	[BLK_EXPORTER] = BLK("exporter", exporter_kw),
	[BLK_SAMPLER] = BLK("sampler", sampler_kw),
	[BLK_RECORD] = BLK("record", record_kw),
	[BLK_MONITOR] = BLK("monitor", monitor_kw),
	[BLK_INTERFACE] = BLK("interface", interface_kw),
};
