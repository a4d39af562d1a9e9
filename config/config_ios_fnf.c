// SPDX-License-Identifier: BSD-2-Clause
/*
 * config_ios_fnf.c - Flexible NetFlow's sub-modes of an IOS configuration
 * (flow record, flow exporter, flow monitor, sampler) into the blocks of
 * xflowd.conf(5), through the same setting functions (config_set.c).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config_ios_int.h"

/* ---- values ---- */

int ios_number(struct cfg_parser *p, unsigned int no, const char *what,
	       const char *v, unsigned long min, unsigned long max,
	       unsigned int *out)
{
	unsigned long long n = 0;
	const char *s;
	char q[48];

	for (s = v; *s && n <= max; s++) {
		if (*s < '0' || *s > '9')
			break;
		n = n * 10 + (unsigned long long)(*s - '0');
	}
	if (!*v || *s || n < min || n > max) {
		cfg_error(p, no,
			  "%s '%s': expected a whole number from %lu to "
			  "%lu",
			  what, cfg_quote(v, q, sizeof(q)), min, max);
		return -1;
	}
	*out = (unsigned int)n;
	return 0;
}

/* Call the setting idx of the current block with values v[0..nv). */
void ios_setting(struct cfg_parser *p, int idx, unsigned int no, char **v,
		 int nv)
{
	const struct blk_def *d = &cfg_blocks[p->kind];
	int i;

	for (i = 0; i < d->nkw; i++) {
		const struct kw *kw = &d->kw[i];

		if (kw->idx != idx)
			continue;
		if (nv < kw->min || nv > kw->max) {
			cfg_error(p, no, "wrong number of values");
			return;
		}
		if (!p->aux->kwline[idx])
			p->aux->kwline[idx] = no;
		kw->set(p, kw, no, v, nv);
		return;
	}
}

/* IOS sends an option only where the exporter says 'option X'. */
void ios_options_off(struct cfg_parser *p)
{
	struct cfg_exporter *e = p->blk;
	int k;

	for (k = 0; k < EXPORT_OPT_N; k++)
		if (!p->aux->kwline[KWE_OPT_IFTABLE + k])
			e->option[k].off = true;
}

bool ios_open_block(struct cfg_parser *p, struct ios_state *st,
		    enum cfg_kind kind, const char *name, unsigned int no)
{
	char q[48];

	st->blk = -1;
	if (!cfg_good_name(name)) {
		cfg_error(p, no,
			  "'%s' is not a name xflowd takes: use 1 to %d "
			  "letters, "
			  "digits, '-', '_' or '.'",
			  cfg_quote(name, q, sizeof(q)), CFG_NAME_MAX - 1);
		return false;
	}
	if (blocks_open(p, kind, name, no))
		return false;
	st->blk = p->idx;
	if (kind == BLK_EXPORTER) {
		/* IOS's defaults: NetFlow v9 to UDP port 9995 */
		struct cfg_exporter *e = p->blk;

		if (!p->aux->kwline[KWE_PROTOCOL])
			e->version = 9;
		if (!p->aux->kwline[KWE_TRANSPORT])
			e->port = 9995;
		ios_options_off(p);
	}
	return true;
}

/* Make the block of the current FNF sub-mode current again. */
bool ios_reopen(struct cfg_parser *p, struct ios_state *st, enum cfg_kind kind)
{
	const char *name;

	if (st->blk < 0)
		return false;
	switch (kind) {
	case BLK_EXPORTER:
		name = p->cfg->exporter[st->blk].name;
		break;
	case BLK_SAMPLER:
		name = p->cfg->sampler[st->blk].name;
		break;
	case BLK_RECORD:
		name = p->cfg->record[st->blk].name;
		break;
	default:
		name = p->cfg->monitor[st->blk].name;
		break;
	}
	return blocks_open(p, kind, name, 0) == 0;
}

/* ---- flow record ---- */

/* FNF fields a Linux router cannot fill with a true value, and why. */
static const struct {
	const char *words;
	const char *why;
} fnf_refused[] = {
	{ "datalink vlan output", "a packet metered on input has no output "
				  "VLAN yet (the kernel "
				  "tags it when it leaves): meter it on the "
				  "output interface and "
				  "use 'datalink vlan input'" },
	{ "datalink dot1q vlan output", "a packet metered on input has no "
					"output VLAN yet (the kernel "
					"tags it when it leaves): meter it on "
					"the output interface and "
					"use 'datalink dot1q vlan input'" },
	{ "datalink mac source address output", "the output frame's MAC "
						"addresses are written by the "
						"kernel after "
						"the packet is metered: meter "
						"it on the output interface "
						"and use "
						"'datalink mac source address "
						"input'" },
	{ "datalink mac destination address output", "the output frame's MAC "
						     "addresses are written by "
						     "the kernel after "
						     "the packet is metered: "
						     "meter it on the output "
						     "interface and use "
						     "'datalink mac "
						     "destination address "
						     "input'" },
};

/* The reason FNF's words cannot be honoured, NULL if they can. */
static const char *fnf_refusal(const char *words)
{
	size_t i;

	for (i = 0; i < sizeof(fnf_refused) / sizeof(fnf_refused[0]); i++)
		if (strcmp(fnf_refused[i].words, words) == 0)
			return fnf_refused[i].why;
	return NULL;
}

void ios_record_cmd(struct cfg_parser *p, unsigned int no, char **tok, int ntok)
{
	const char *cand[128], *best[3];
	char words[256] = "", q[48], alt[160];
	size_t len = 0;
	bool key;
	int i, n, ie;

	if (ios_ab(tok[0], "description", 4)) {
		ios_setting(p, KW_DESCRIPTION, no, tok + 1, ntok - 1);
		return;
	}
	if (!(ios_ab(tok[0], "match", 1) || ios_ab(tok[0], "collect", 2)) ||
	    ntok < 2) {
		cfg_error(p, no,
			  "'%s' in a flow record: write 'match FIELD' or "
			  "'collect FIELD'",
			  cfg_quote(tok[0], q, sizeof(q)));
		return;
	}
	key = ios_ab(tok[0], "match", 1);
	for (i = 1; i < ntok; i++) {
		size_t k, w = strlen(tok[i]) + (i > 1);

		if (len + w >= sizeof(words)) {
			cfg_error(p, no,
				  "field name longer than %zu characters: "
				  "`xflowctl show flow record` prints the "
				  "fields xflowd fills",
				  sizeof(words) - 1);
			return;
		}
		if (i > 1)
			words[len++] = ' ';
		for (k = 0; tok[i][k] != '\0'; k++) {
			char c = tok[i][k];

			words[len++] = c >= 'A' && c <= 'Z'
					       ? (char)(c - 'A' + 'a')
					       : c;
		}
		words[len] = '\0';
	}
	ie = ie_fnf_find(words);
	if (ie >= 0) {
		cfg_record_add(p, no, ie, words, key);
		return;
	}
	if (fnf_refusal(words)) {
		cfg_error(p, no, "'%s' cannot be filled truthfully: %s", words,
			  fnf_refusal(words));
		return;
	}
	i = ie_fnf_spellings(cand, 128);
	n = cfg_closest(words, cand, i, best, 3);
	if (n == 0)
		cfg_error(p, no,
			  "unknown field '%s': `xflowctl show flow record` "
			  "prints the fields xflowd fills",
			  cfg_quote(words, q, sizeof(q)));
	else
		cfg_error(p, no, "unknown field '%s' — did you mean %s?",
			  cfg_quote(words, q, sizeof(q)),
			  cfg_or_list(best, n, alt, sizeof(alt)));
}

/* ---- flow exporter ---- */

void ios_exporter_cmd(struct cfg_parser *p, unsigned int no, char **tok,
		      int ntok)
{
	struct cfg_exporter *e = p->blk;
	char q[48];
	unsigned int n;
	int i;

	if (ios_ab(tok[0], "description", 4)) {
		ios_setting(p, KW_DESCRIPTION, no, tok + 1, ntok - 1);
	} else if (ios_ab(tok[0], "destination", 4) && ntok == 2) {
		ios_setting(p, KWE_DESTINATION, no, tok + 1, 1);
	} else if (ios_ab(tok[0], "transport", 2) && ntok == 3) {
		tok[1] = ios_ab(tok[1], "udp", 1) ? "udp" : tok[1];
		ios_setting(p, KWE_TRANSPORT, no, tok + 1, 2);
	} else if (ios_ab(tok[0], "export-protocol", 7) && ntok == 2) {
		ios_setting(p, KWE_PROTOCOL, no, tok + 1, 1);
	} else if (ios_ab(tok[0], "template", 2) && ntok == 4 &&
		   ios_ab(tok[1], "data", 1) && ios_ab(tok[2], "timeout", 1)) {
		if (ios_number(p, no, "template data timeout", tok[3], 1, 86400,
			       &n) == 0) {
			e->refresh_s = n;
			p->aux->kwline[KWE_REFRESH_S] = no;
		}
	} else if (ios_ab(tok[0], "option", 2) && ntok >= 2) {
		static const char *const opt[] = { "interface-table",
						   "exporter-stats",
						   "sampler-table" };

		for (i = 0; i < 3 && !ios_ab(tok[1], opt[i], 3); i++)
			;
		if (i == 3) {
			ios_unsupported(p, no, tok, ntok,
					"xflowd sends the options "
					"interface-table, "
					"exporter-stats and sampler-table "
					"only; "
					"remove it");
			return;
		}
		p->aux->kwline[KWE_NO_IFTABLE + i] = 0;
		if (ntok == 2)
			ios_setting(p, KWE_OPT_IFTABLE + i, no, tok + 2, 0);
		else if (ntok == 4 && ios_ab(tok[2], "timeout", 1))
			ios_setting(p, KWE_OPT_IFTABLE + i, no, tok + 2, 2);
		else
			ios_unsupported(p, no, tok, ntok,
					"write 'option NAME [timeout "
					"SECONDS]'");
	} else if (ntok == 2 && ios_ab(tok[0], "source", 2)) {
		char ifname[CFG_NAME_MAX], *v[1] = { ifname };

		/* the address of that interface, followed as it changes */
		if (ios_ifbind(p, no, tok[1], ifname, sizeof(ifname)) == 0)
			ios_setting(p, KWE_SOURCE, no, v, 1);
	} else if (ios_ab(tok[0], "dscp", 2) && ntok == 2) {
		ios_setting(p, KWE_DSCP, no, tok + 1, 1);
	} else if (ios_ab(tok[0], "ttl", 2) && ntok == 2) {
		ios_setting(p, KWE_TTL, no, tok + 1, 1);
	} else if (ios_ab(tok[0], "output-features", 2)) {
		ios_unsupported(p, no, tok, ntok,
				"xflowd cannot set this for an exporter yet; "
				"remove the line");
	} else {
		static const char *const w[] = {
			"destination", "transport", "export-protocol",
			"template",    "option",    "description",
			"dscp",	       "ttl"
		};
		const char *best;

		if (cfg_closest(tok[0], w, 8, &best, 1))
			cfg_error(p, no,
				  "unknown flow exporter command '%s' — did "
				  "you mean %s?",
				  cfg_quote(tok[0], q, sizeof(q)), best);
		else
			cfg_error(p, no,
				  "'%s' in flow exporter %s: xflowd takes "
				  "destination, transport udp PORT, "
				  "export-protocol, template data timeout, "
				  "option, dscp, ttl and description",
				  cfg_quote(tok[0], q, sizeof(q)), e->name);
	}
}

/* ---- flow monitor ---- */

/*
 * IOS's predefined records, made records of their own on first use: the
 * fields of Cisco's "netflow ipv4|ipv6 original-input" that xflowd fills
 * (not yet the AS numbers, the IPv6 flow label or the sampler id, which
 * the exporter adds while sampling). original-output is the same record
 * in IOS, metered on output.
 */
#define ORIG_KEYS(v)                                                       \
	IE_ipClassOfService, IE_protocolIdentifier, IE_source##v##Address, \
		IE_destination##v##Address, IE_sourceTransportPort,        \
		IE_destinationTransportPort, IE_ingressInterface
#define ORIG_VALS(v)                                                         \
	IE_ipNextHop##v##Address, IE_source##v##PrefixLength,                \
		IE_destination##v##PrefixLength, IE_tcpControlBits,          \
		IE_egressInterface, IE_octetDeltaCount, IE_packetDeltaCount, \
		IE_flowStartSysUpTime, IE_flowEndSysUpTime
#define NKEYS 7

/* NetFlow v1's record has no prefix lengths: traditional NetFlow's
 * record when the export is version 1 (IOS's default) */
#define V1_VALS                                                         \
	IE_ipNextHopIPv4Address, IE_tcpControlBits, IE_egressInterface, \
		IE_octetDeltaCount, IE_packetDeltaCount,                \
		IE_flowStartSysUpTime, IE_flowEndSysUpTime

static const uint8_t orig4[] = { ORIG_KEYS(IPv4), ORIG_VALS(IPv4) };
static const uint8_t orig6[] = { ORIG_KEYS(IPv6), ORIG_VALS(IPv6) };
_Static_assert(sizeof(orig4) == sizeof(orig6), "one count of fields");
static const uint8_t v1rec[] = { ORIG_KEYS(IPv4), V1_VALS };

static const struct {
	const char *words, *record;
	const uint8_t *elem;
	size_t n;
} predefined[] = {
	{ "netflow ipv4 original-input", "netflow-ipv4-original-input", orig4,
	  sizeof(orig4) },
	{ "netflow ipv4 original-output", "netflow-ipv4-original-output", orig4,
	  sizeof(orig4) },
	{ "netflow ipv6 original-input", "netflow-ipv6-original-input", orig6,
	  sizeof(orig6) },
	{ "netflow ipv6 original-output", "netflow-ipv6-original-output", orig6,
	  sizeof(orig6) },
	{ "netflow-original", "netflow-original", orig4, sizeof(orig4) },
	{ "netflow-v1", "netflow-ipv4-v1", v1rec, sizeof(v1rec) },
};

const char *ios_predefined_record(struct cfg_parser *p, const char *words,
				  unsigned int no)
{
	size_t i, k;

	for (i = 0; i < sizeof(predefined) / sizeof(predefined[0]); i++)
		if (!strcmp(words, predefined[i].words))
			break;
	if (i == sizeof(predefined) / sizeof(predefined[0]))
		return NULL;
	for (k = 0; k < (size_t)p->cfg->nrecord; k++)
		if (!strcmp(p->cfg->record[k].name, predefined[i].record))
			return predefined[i].record; /* made before */
	if (blocks_open(p, BLK_RECORD, predefined[i].record, no))
		return NULL;
	for (k = 0; k < predefined[i].n; k++)
		cfg_record_add(p, no, predefined[i].elem[k],
			       ie_table[predefined[i].elem[k]].name, k < NKEYS);
	return predefined[i].record;
}

const char *ios_trad_v9_record(struct cfg_parser *p, bool v6, bool as,
			       bool nexthop, unsigned int no)
{
	static const char *const name[2][3] = {
		{ "ip-flow-v9-as", "ip-flow-v9-bgp-nexthop",
		  "ip-flow-v9-as-bgp-nexthop" },
		{ "ipv6-flow-v9-as", "ipv6-flow-v9-bgp-nexthop",
		  "ipv6-flow-v9-as-bgp-nexthop" },
	};
	const char *rec = name[v6][as && nexthop ? 2 : as ? 0 : 1];
	const uint8_t *orig = v6 ? orig6 : orig4;
	uint8_t hop = v6 ? IE_bgpNextHopIPv6Address : IE_bgpNextHopIPv4Address;
	size_t k;

	for (k = 0; k < (size_t)p->cfg->nrecord; k++)
		if (!strcmp(p->cfg->record[k].name, rec))
			return rec;
	if (blocks_open(p, BLK_RECORD, rec, no))
		return NULL;
	/* orig4 and orig6 have the same number of fields */
	for (k = 0; k < sizeof(orig4); k++)
		cfg_record_add(p, no, orig[k], ie_table[orig[k]].name,
			       k < NKEYS);
	if (as) {
		cfg_record_add(p, no, IE_bgpSourceAsNumber,
			       ie_table[IE_bgpSourceAsNumber].name, false);
		cfg_record_add(p, no, IE_bgpDestinationAsNumber,
			       ie_table[IE_bgpDestinationAsNumber].name, false);
	}
	if (nexthop)
		cfg_record_add(p, no, hop, ie_table[hop].name, false);
	return rec;
}

void ios_monitor_cmd(struct cfg_parser *p, unsigned int no, char **tok,
		     int ntok)
{
	struct cfg_monitor *m = p->blk;
	char words[128] = "", q[48], name[CFG_NAME_MAX];
	const char *rec;
	size_t len = 0;
	unsigned int n;
	int i;

	if (ios_ab(tok[0], "description", 4)) {
		ios_setting(p, KW_DESCRIPTION, no, tok + 1, ntok - 1);
	} else if (ios_ab(tok[0], "record", 2) && ntok == 2) {
		ios_setting(p, KWM_RECORD, no, tok + 1, 1);
	} else if (ios_ab(tok[0], "record", 2) && ntok > 2) {
		for (i = 1; i < ntok && len + 2 < sizeof(words); i++)
			len += (size_t)snprintf(words + len,
						sizeof(words) - len, "%s%s",
						i > 1 ? " " : "", tok[i]);
		memcpy(name, m->name, sizeof(name));
		rec = ios_predefined_record(p, words, no);
		/* back to the monitor, which making the record left */
		if (blocks_open(p, BLK_MONITOR, name, no))
			return;
		if (!rec) {
			ios_unsupported(p, no, tok, ntok,
					"xflowd has the predefined records "
					"netflow ipv4|ipv6 original-input|"
					"original-output; for others, define a "
					"flow record");
			return;
		}
		tok[1] = (char *)rec;
		ios_setting(p, KWM_RECORD, no, tok + 1, 1);
	} else if (ios_ab(tok[0], "exporter", 2) && ntok == 2) {
		ios_setting(p, KWM_EXPORTER, no, tok + 1, 1);
	} else if (ios_ab(tok[0], "cache", 1) && ntok == 4 &&
		   ios_ab(tok[1], "timeout", 1) &&
		   (ios_ab(tok[2], "active", 1) ||
		    ios_ab(tok[2], "inactive", 1))) {
		bool act = ios_ab(tok[2], "active", 1);

		if (ios_number(p, no,
			       act ? "cache timeout active"
				   : "cache timeout inactive",
			       tok[3], 1, 604800, &n))
			return;
		*(act ? &m->active_s : &m->inactive_s) = n;
		p->aux->kwline[act ? KWM_ACTIVE : KWM_INACTIVE] = no;
	} else if (ios_ab(tok[0], "cache", 1) && ntok == 3 &&
		   ios_ab(tok[1], "entries", 1)) {
		if (ios_number(p, no, "cache entries", tok[2], 16, 1u << 30,
			       &n))
			return;
		m->cache_entries = n;
		p->aux->kwline[KWM_ENTRIES] = no;
	} else if (ios_ab(tok[0], "cache", 1) ||
		   ios_ab(tok[0], "statistics", 2)) {
		ios_unsupported(p, no, tok, ntok,
				"xflowd's cache takes 'cache timeout active|"
				"inactive SEC' and 'cache entries N' only; "
				"remove "
				"the line");
	} else {
		static const char *const w[] = { "record", "exporter", "cache",
						 "description" };
		const char *best;

		if (cfg_closest(tok[0], w, 4, &best, 1))
			cfg_error(p, no,
				  "unknown flow monitor command '%s' — did you "
				  "mean %s?",
				  cfg_quote(tok[0], q, sizeof(q)), best);
		else
			cfg_error(p, no,
				  "'%s' in flow monitor %s: xflowd takes "
				  "record, exporter, cache and description",
				  cfg_quote(tok[0], q, sizeof(q)), m->name);
	}
}

/* ---- sampler ---- */

void ios_sampler_cmd(struct cfg_parser *p, unsigned int no, char **tok,
		     int ntok)
{
	char q[48];

	if (ios_ab(tok[0], "description", 4)) {
		ios_setting(p, KW_DESCRIPTION, no, tok + 1, ntok - 1);
	} else if (ios_ab(tok[0], "mode", 1) && ntok == 5) {
		tok[1] = ios_ab(tok[1], "random", 1)	      ? (char *)"random"
			 : ios_ab(tok[1], "deterministic", 1) ? (char *)"determ"
									"inis"
									"tic"
							      : tok[1];
		ios_setting(p, KWS_MODE, no, tok + 1, 4);
	} else {
		cfg_error(p, no,
			  "'%s' in a sampler: write 'mode random|deterministic "
			  "1 out-of N'",
			  cfg_quote(tok[0], q, sizeof(q)));
	}
}

static char *description_of(struct cfg_parser *p)
{
	switch (p->kind) {
	case BLK_EXPORTER:
		return ((struct cfg_exporter *)p->blk)->description;
	case BLK_SAMPLER:
		return ((struct cfg_sampler *)p->blk)->description;
	case BLK_RECORD:
		return ((struct cfg_record *)p->blk)->description;
	default:
		return ((struct cfg_monitor *)p->blk)->description;
	}
}

/* no match|collect FIELD */
static bool undo_element(struct cfg_parser *p, char **t, int nt)
{
	struct cfg_rec_aux *r = p->aux->r;
	char words[256] = "";
	size_t len = 0;
	int i, ie;

	for (i = 1; i < nt && len + 2 < sizeof(words); i++)
		len += (size_t)snprintf(words + len, sizeof(words) - len,
					"%s%s", i > 1 ? " " : "", t[i]);
	ie = ie_fnf_find(words);
	for (i = 0; ie >= 0 && i < r->nelem; i++) {
		if (r->elem[i] != ie)
			continue;
		r->nelem--;
		memmove(&r->elem[i], &r->elem[i + 1],
			(size_t)(r->nelem - i) * sizeof(r->elem[0]));
		memmove(&r->key[i], &r->key[i + 1],
			(size_t)(r->nelem - i) * sizeof(r->key[0]));
		memmove(&r->elem_line[i], &r->elem_line[i + 1],
			(size_t)(r->nelem - i) * sizeof(r->elem_line[0]));
		return true;
	}
	return false;
}

/* no exporter NAME */
static bool undo_exporter(struct cfg_parser *p, const char *name)
{
	struct cfg_mon_aux *m = p->aux->m;
	int i;

	for (i = 0; i < m->nexp; i++) {
		if (strcmp(m->exp[i], name) != 0)
			continue;
		m->nexp--;
		memmove(m->exp[i], m->exp[i + 1],
			(size_t)(m->nexp - i) * sizeof(m->exp[0]));
		memmove(&m->exp_line[i], &m->exp_line[i + 1],
			(size_t)(m->nexp - i) * sizeof(m->exp_line[0]));
		if (!m->nexp)
			p->aux->kwline[KWM_EXPORTER] = 0;
		return true;
	}
	return false;
}

/* The exporter's settings no|default takes back; true if t was one. */
static bool undo_exporter_setting(struct cfg_parser *p, char **t, int nt)
{
	struct cfg_exporter *e = p->blk;
	unsigned int *kw = p->aux->kwline;
	int i;

	if (ios_ab(t[0], "option", 2) && nt >= 2) {
		static const char *const opt[] = { "interface-table",
						   "exporter-stats",
						   "sampler-table" };

		for (i = 0; i < 3 && !ios_ab(t[1], opt[i], 3); i++)
			;
		if (i == 3)
			return false;
		kw[KWE_OPT_IFTABLE + i] = 0;
		e->option[i].off = true;
		e->option[i].timeout_s = 0;
	} else if (ios_ab(t[0], "transport", 2)) {
		kw[KWE_TRANSPORT] = 0;
		e->transport = CFG_UDP;
		e->port = 9995;
	} else if (ios_ab(t[0], "export-protocol", 7)) {
		kw[KWE_PROTOCOL] = 0;
		e->version = 9;
	} else if (ios_ab(t[0], "template", 2)) {
		kw[KWE_REFRESH_S] = 0;
		e->refresh_s = 0;
	} else if (ios_ab(t[0], "destination", 4)) {
		kw[KWE_DESTINATION] = 0;
		e->destination[0] = '\0';
	} else if (ios_ab(t[0], "source", 2)) {
		kw[KWE_SOURCE] = 0;
		e->source[0] = '\0';
		e->source_ver = 0;
	} else if (ios_ab(t[0], "dscp", 2)) {
		kw[KWE_DSCP] = 0;
		e->dscp = 0;
	} else if (ios_ab(t[0], "ttl", 2)) {
		kw[KWE_TTL] = 0;
		e->ttl = 0;
	} else {
		return false;
	}
	return true;
}

/* The monitor's settings no|default takes back; true if t was one. */
static bool undo_monitor_setting(struct cfg_parser *p, char **t, int nt)
{
	struct cfg_monitor *m = p->blk;
	unsigned int *kw = p->aux->kwline;

	if (ios_ab(t[0], "exporter", 2) && nt == 2)
		return undo_exporter(p, t[1]);
	if (ios_ab(t[0], "record", 2)) {
		m->nformat = 0;
		kw[KWM_RECORD] = kw[KWM_TEMPLATE] = 0;
	} else if (ios_ab(t[0], "cache", 1) && nt >= 3 &&
		   ios_ab(t[1], "timeout", 1) && ios_ab(t[2], "active", 1)) {
		m->active_s = SET_DEFAULT_ACTIVE;
		kw[KWM_ACTIVE] = 0;
	} else if (ios_ab(t[0], "cache", 1) && nt >= 3 &&
		   ios_ab(t[1], "timeout", 1) && ios_ab(t[2], "inactive", 1)) {
		m->inactive_s = SET_DEFAULT_INACTIVE;
		kw[KWM_INACTIVE] = 0;
	} else if (ios_ab(t[0], "cache", 1) && nt >= 2 &&
		   ios_ab(t[1], "entries", 1)) {
		m->cache_entries = SET_DEFAULT_ENTRIES;
		kw[KWM_ENTRIES] = 0;
	} else {
		return false;
	}
	return true;
}

void ios_undo_cmd(struct cfg_parser *p, unsigned int no, char **tok, int ntok)
{
	char **t = tok + 1;
	int nt = ntok - 1;
	bool done = false;

	if (nt >= 1 && ios_ab(t[0], "description", 4)) {
		description_of(p)[0] = '\0';
		p->aux->kwline[KW_DESCRIPTION] = 0;
		return;
	}
	if (nt >= 1 && p->kind == BLK_RECORD &&
	    (ios_ab(t[0], "match", 1) || ios_ab(t[0], "collect", 2)))
		done = undo_element(p, t, nt);
	else if (nt >= 1 && p->kind == BLK_EXPORTER)
		done = undo_exporter_setting(p, t, nt);
	else if (nt >= 1 && p->kind == BLK_MONITOR)
		done = undo_monitor_setting(p, t, nt);
	if (!done)
		ios_unsupported(p, no, tok, ntok,
				"xflowd cannot take this back: remove the line "
				"it undoes instead");
}
