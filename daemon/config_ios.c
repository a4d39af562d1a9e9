// SPDX-License-Identifier: BSD-2-Clause
/*
 * config_ios.c - the NetFlow part of an IOS configuration, as a
 * running-config or as a terminal session pasted with its prompts, read
 * into the blocks xflowd.conf(5) fills (config_check.c then resolves and
 * validates both dialects alike).
 *
 * IOS's rules: a prompt tells the mode a command was typed in; a command
 * the sub-mode does not know is a global one and leaves it; keywords may
 * be abbreviated as long as they stay unique; `!` is a comment. Lines not
 * about flows (hostname, routing, line vty, ...) are skipped and counted;
 * a flow command xflowd cannot honour is an error naming it.
 *
 * Traditional NetFlow (`ip flow-export`, `ip flow ingress`) becomes one
 * monitor, "ip-flow", and one exporter per destination,
 * "ip-flow-export-N", made when the whole file is known.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config_blocks.h"
#include "config_ios.h"

#define IOS_MAX_TOKENS 32
#define IOS_MAX_DEST 8	  /* ip flow-export destination lines */
#define IOS_MAX_ATTACH 64 /* ip flow monitor M sampler S lines */
#define TRAD_MONITOR "ip-flow"

enum ios_mode {
	M_EXEC,
	M_GLOBAL,
	M_OTHER, /* a sub-mode not about flows: its lines are skipped */
	M_IF,
	M_RECORD,
	M_EXPORTER,
	M_MONITOR,
	M_SAMPLER,
};

struct ios_dest {
	char host[CFG_HOST_MAX];
	char port[8];
	unsigned int line;
};

struct ios_attach {
	char monitor[CFG_NAME_MAX];
	char sampler[CFG_NAME_MAX];
	unsigned int line;
};

struct ios_state {
	enum ios_mode mode;
	char banner; /* inside a banner up to this delimiter, or 0 */
	/* the interface of M_IF: bound when a flow command needs it */
	char ifname[CFG_NAME_MAX];
	unsigned int if_line;
	int ifidx; /* in cfg.interface, or -1 */
	int blk;   /* the FNF block of the sub-mode, or -1 after an error */
	/* traditional NetFlow */
	int version;
	unsigned int version_line;
	int ndest;
	struct ios_dest dest[IOS_MAX_DEST];
	unsigned int refresh_p, refresh_min, active_min, inactive_s, entries;
	unsigned int refresh_p_line, refresh_min_line, active_line,
		inactive_line, entries_line;
	bool trad_used;
	unsigned int trad_line; /* the first interface line using it */
	int nattach;
	struct ios_attach attach[IOS_MAX_ATTACH];
};

struct ios_state *ios_new(void)
{
	struct ios_state *st = calloc(1, sizeof(*st));

	if (st) {
		st->mode = M_GLOBAL;
		st->ifidx = -1;
		st->blk = -1;
	}
	return st;
}

/* Is tok an abbreviation IOS takes of word: at least min letters of it? */
static bool ab(const char *tok, const char *word, size_t min)
{
	size_t n = strlen(tok);

	return n >= min && n <= strlen(word) && strncasecmp(tok, word, n) == 0;
}

static bool blank(char c)
{
	return c == ' ' || c == '\t';
}

/*
 * The length of a prompt at the start of s ("r1#", "r1(config-if)#",
 * "r1>"), or 0; its mode into *mode.
 */
static size_t prompt(const char *s, size_t n, enum ios_mode *mode,
		     enum ios_mode cur)
{
	size_t i = 0, open = 0, close = 0;

	while (i < n &&
	       ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		(s[i] >= '0' && s[i] <= '9') || s[i] == '-' || s[i] == '_' ||
		s[i] == '.'))
		i++;
	if (i == 0 || i == n)
		return 0;
	if (s[i] == '(') {
		open = i;
		while (i < n && s[i] != ')' && !blank(s[i]))
			i++;
		if (i == n || s[i] != ')')
			return 0;
		close = i++;
	}
	if (i == n || (s[i] != '#' && s[i] != '>'))
		return 0;
	if (!open) {
		*mode = M_EXEC;
	} else {
		size_t k = close - open - 1;
		const char *m = s + open + 1;

		if (k == 6 && !memcmp(m, "config", 6))
			*mode = M_GLOBAL;
		else if (k == 9 && !memcmp(m, "config-if", 9))
			*mode = M_IF;
		else if (k >= 7 && !memcmp(m, "config-", 7))
			*mode = cur > M_GLOBAL ? cur : M_OTHER;
		else
			return 0;
	}
	return i + 1;
}

/* Is s[0..n) word w followed by a blank or the end? */
static bool starts(const char *s, size_t n, const char *w)
{
	size_t k = strlen(w);

	return n >= k && !memcmp(s, w, k) &&
	       (n == k || blank(s[k]) || s[k] == '\r');
}

bool ios_detect(const char *text, size_t len)
{
	/* first-column words of IOS that xflowd.conf(5) has not */
	static const char *const ios[] = {
		"flow",	     "ip",	"ipv6", "hostname", "version",
		"end",	     "service", "boot", "Building", "Current",
		"configure", "conf",	"no",	"router",   "line",
	};
	/* and the other way round: IOS writes 'flow exporter' */
	static const char *const xflowd[] = { "exporter", "monitor", "record" };
	bool ios_word = false;
	size_t pos = 0, i;

	while (pos < len) {
		const char *s = text + pos;
		const char *nl = memchr(s, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - s) : len - pos;
		enum ios_mode m;

		pos += n + (nl != NULL);
		if (n == 0 || blank(s[0]))
			continue;
		if (prompt(s, n, &m, M_GLOBAL))
			return true;
		for (i = 0; i < sizeof(xflowd) / sizeof(xflowd[0]); i++)
			if (starts(s, n, xflowd[i]))
				return false;
		for (i = 0; i < sizeof(ios) / sizeof(ios[0]); i++)
			ios_word |= starts(s, n, ios[i]);
	}
	return ios_word;
}

/* ---- what is not about flows ---- */

static void skip(struct cfg_parser *p, unsigned int no, char **tok, int ntok)
{
	struct config *cfg = p->cfg;
	size_t len = 0;
	int i;

	if (cfg->nskipped < CFG_MAX_SKIPPED) {
		char *t = cfg->skipped[cfg->nskipped].text;
		size_t size = sizeof(cfg->skipped[0].text);

		cfg->skipped[cfg->nskipped].line = no;
		t[0] = '\0';
		for (i = 0; i < ntok && len + 4 < size; i++)
			len += (size_t)snprintf(t + len, size - len, "%s%s",
						i ? " " : "", tok[i]);
		if (len >= size - 1)
			memcpy(t + size - 4, "...", 4);
	}
	cfg->nskipped++;
}

/* A flow command xflowd does not do: name it and what to do instead. */
static void unsupported(struct cfg_parser *p, unsigned int no, char **tok,
			int ntok, const char *why)
{
	char cmd[128] = "";
	size_t len = 0;
	int i;

	for (i = 0; i < ntok && len + 2 < sizeof(cmd); i++)
		len += (size_t)snprintf(cmd + len, sizeof(cmd) - len, "%s%s",
					i ? " " : "", tok[i]);
	cfg_error(p, no, "'%s': %s", cmd, why);
}

/* ---- values ---- */

static int number(struct cfg_parser *p, unsigned int no, const char *what,
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
static void setting(struct cfg_parser *p, int idx, unsigned int no, char **v,
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
static void options_off(struct cfg_parser *p)
{
	struct cfg_exporter *e = p->blk;
	int k;

	for (k = 0; k < EXPORT_OPT_N; k++)
		if (!p->aux->kwline[KWE_OPT_IFTABLE + k])
			e->option[k].off = true;
}

static bool open_block(struct cfg_parser *p, struct ios_state *st,
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
		options_off(p);
	}
	return true;
}

/* Make the block of the current FNF sub-mode current again. */
static bool reopen(struct cfg_parser *p, struct ios_state *st,
		   enum cfg_kind kind)
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

static void rec_cmd(struct cfg_parser *p, unsigned int no, char **tok, int ntok)
{
	const char *cand[128], *best[3];
	char words[256] = "", q[48];
	size_t len = 0;
	bool key;
	int i, n, ie;

	if (ab(tok[0], "description", 4)) {
		setting(p, KW_DESCRIPTION, no, tok + 1, ntok - 1);
		return;
	}
	if (!(ab(tok[0], "match", 1) || ab(tok[0], "collect", 2)) || ntok < 2) {
		cfg_error(p, no,
			  "'%s' in a flow record: write 'match FIELD' or "
			  "'collect FIELD'",
			  cfg_quote(tok[0], q, sizeof(q)));
		return;
	}
	key = ab(tok[0], "match", 1);
	for (i = 1; i < ntok && len + 2 < sizeof(words); i++) {
		size_t k;

		len += (size_t)snprintf(words + len, sizeof(words) - len,
					"%s%s", i > 1 ? " " : "", tok[i]);
		for (k = len - strlen(tok[i]); k < len; k++)
			if (words[k] >= 'A' && words[k] <= 'Z')
				words[k] = (char)(words[k] - 'A' + 'a');
	}
	ie = ie_fnf_find(words);
	if (ie >= 0) {
		cfg_record_add(p, no, ie, words, key);
		return;
	}
	for (i = 0; i < ie_fnf_count && i < 128; i++)
		cand[i] = ie_fnf_table[i].words;
	n = cfg_closest(words, cand, i, best, 3);
	if (n == 0)
		cfg_error(p, no,
			  "unknown field '%s': `xflowctl show flow record` "
			  "prints the fields xflowd fills",
			  cfg_quote(words, q, sizeof(q)));
	else
		cfg_error(p, no,
			  "unknown field '%s' — did you mean %s%s%s%s%s?",
			  cfg_quote(words, q, sizeof(q)), best[0],
			  n > 2	  ? ", "
			  : n > 1 ? " or "
				  : "",
			  n > 1 ? best[1] : "", n > 2 ? " or " : "",
			  n > 2 ? best[2] : "");
}

/* ---- flow exporter ---- */

static void exp_cmd(struct cfg_parser *p, unsigned int no, char **tok, int ntok)
{
	struct cfg_exporter *e = p->blk;
	char q[48];
	unsigned int n;
	int i;

	if (ab(tok[0], "description", 4)) {
		setting(p, KW_DESCRIPTION, no, tok + 1, ntok - 1);
	} else if (ab(tok[0], "destination", 4) && ntok == 2) {
		setting(p, KWE_DESTINATION, no, tok + 1, 1);
	} else if (ab(tok[0], "transport", 2) && ntok == 3) {
		tok[1] = ab(tok[1], "udp", 1) ? "udp" : tok[1];
		setting(p, KWE_TRANSPORT, no, tok + 1, 2);
	} else if (ab(tok[0], "export-protocol", 7) && ntok == 2) {
		setting(p, KWE_PROTOCOL, no, tok + 1, 1);
	} else if (ab(tok[0], "template", 2) && ntok == 4 &&
		   ab(tok[1], "data", 1) && ab(tok[2], "timeout", 1)) {
		if (number(p, no, "template data timeout", tok[3], 1, 86400,
			   &n) == 0) {
			e->refresh_s = n;
			p->aux->kwline[KWE_REFRESH_S] = no;
		}
	} else if (ab(tok[0], "option", 2) && ntok >= 2) {
		static const char *const opt[] = { "interface-table",
						   "exporter-stats",
						   "sampler-table" };

		for (i = 0; i < 3 && !ab(tok[1], opt[i], 3); i++)
			;
		if (i == 3) {
			unsupported(p, no, tok, ntok,
				    "xflowd sends the options interface-table, "
				    "exporter-stats and sampler-table only; "
				    "remove it");
			return;
		}
		p->aux->kwline[KWE_NO_IFTABLE + i] = 0;
		if (ntok == 2)
			setting(p, KWE_OPT_IFTABLE + i, no, tok + 2, 0);
		else if (ntok == 4 && ab(tok[2], "timeout", 1))
			setting(p, KWE_OPT_IFTABLE + i, no, tok + 2, 2);
		else
			unsupported(p, no, tok, ntok,
				    "write 'option NAME [timeout SECONDS]'");
	} else if (ab(tok[0], "source", 2) || ab(tok[0], "dscp", 2) ||
		   ab(tok[0], "ttl", 2) || ab(tok[0], "output-features", 2)) {
		unsupported(p, no, tok, ntok,
			    "xflowd cannot set this for an exporter yet; "
			    "remove the line");
	} else {
		cfg_error(p, no,
			  "'%s' in flow exporter %s: xflowd takes destination, "
			  "transport udp PORT, export-protocol, template data "
			  "timeout, option and description",
			  cfg_quote(tok[0], q, sizeof(q)), e->name);
	}
}

/* ---- flow monitor ---- */

/* IOS's predefined records, as the predefined templates closest to them */
static const struct {
	const char *words, *tmpl;
} predefined[] = {
	{ "netflow ipv4 original-input", "ipv4-five-tuple" },
	{ "netflow ipv4 original-output", "ipv4-five-tuple" },
	{ "netflow ipv6 original-input", "ipv6-five-tuple" },
	{ "netflow ipv6 original-output", "ipv6-five-tuple" },
	{ "netflow-original", "ipv4-five-tuple" },
};

static void mon_cmd(struct cfg_parser *p, unsigned int no, char **tok, int ntok)
{
	struct cfg_monitor *m = p->blk;
	char words[128] = "", q[48];
	size_t len = 0;
	unsigned int n;
	int i;

	if (ab(tok[0], "description", 4)) {
		setting(p, KW_DESCRIPTION, no, tok + 1, ntok - 1);
	} else if (ab(tok[0], "record", 2) && ntok == 2) {
		setting(p, KWM_RECORD, no, tok + 1, 1);
	} else if (ab(tok[0], "record", 2) && ntok > 2) {
		for (i = 1; i < ntok && len + 2 < sizeof(words); i++)
			len += (size_t)snprintf(words + len,
						sizeof(words) - len, "%s%s",
						i > 1 ? " " : "", tok[i]);
		for (i = 0;
		     i < (int)(sizeof(predefined) / sizeof(predefined[0])); i++)
			if (!strcmp(words, predefined[i].words))
				break;
		if (i == (int)(sizeof(predefined) / sizeof(predefined[0]))) {
			unsupported(p, no, tok, ntok,
				    "xflowd has the predefined records netflow "
				    "ipv4|ipv6 original-input|original-output; "
				    "for others, define a flow record");
			return;
		}
		tok[1] = (char *)predefined[i].tmpl;
		setting(p, KWM_TEMPLATE, no, tok + 1, 1);
	} else if (ab(tok[0], "exporter", 2) && ntok == 2) {
		setting(p, KWM_EXPORTER, no, tok + 1, 1);
	} else if (ab(tok[0], "cache", 1) && ntok == 4 &&
		   ab(tok[1], "timeout", 1) &&
		   (ab(tok[2], "active", 1) || ab(tok[2], "inactive", 1))) {
		bool act = ab(tok[2], "active", 1);

		if (number(p, no,
			   act ? "cache timeout active"
			       : "cache timeout inactive",
			   tok[3], 1, 604800, &n))
			return;
		*(act ? &m->active_s : &m->inactive_s) = n;
		p->aux->kwline[act ? KWM_ACTIVE : KWM_INACTIVE] = no;
	} else if (ab(tok[0], "cache", 1) && ntok == 3 &&
		   ab(tok[1], "entries", 1)) {
		if (number(p, no, "cache entries", tok[2], 16, 1u << 30, &n))
			return;
		m->cache_entries = n;
		p->aux->kwline[KWM_ENTRIES] = no;
	} else if (ab(tok[0], "cache", 1) || ab(tok[0], "statistics", 2)) {
		unsupported(p, no, tok, ntok,
			    "xflowd's cache takes 'cache timeout active|"
			    "inactive SEC' and 'cache entries N' only; remove "
			    "the line");
	} else {
		cfg_error(p, no,
			  "'%s' in flow monitor %s: xflowd takes record, "
			  "exporter, cache and description",
			  cfg_quote(tok[0], q, sizeof(q)), m->name);
	}
}

/* ---- sampler ---- */

static void smp_cmd(struct cfg_parser *p, unsigned int no, char **tok, int ntok)
{
	char q[48];

	if (ab(tok[0], "description", 4)) {
		setting(p, KW_DESCRIPTION, no, tok + 1, ntok - 1);
	} else if (ab(tok[0], "mode", 1) && ntok == 5) {
		tok[1] = ab(tok[1], "random", 1)	  ? (char *)"random"
			 : ab(tok[1], "deterministic", 1) ? (char *)"determinis"
								    "tic"
							  : tok[1];
		setting(p, KWS_MODE, no, tok + 1, 4);
	} else {
		cfg_error(p, no,
			  "'%s' in a sampler: write 'mode random|deterministic "
			  "1 out-of N'",
			  cfg_quote(tok[0], q, sizeof(q)));
	}
}

/* ---- interfaces ---- */

/* The interface of M_IF as a block, bound to its Linux interface. */
static struct cfg_interface *iface(struct cfg_parser *p, struct ios_state *st,
				   unsigned int no)
{
	char name[CFG_IFNAME_MAX];

	if (st->ifidx == -2)
		return NULL; /* already reported */
	if (st->ifidx < 0) {
		st->ifidx = -2;
		if (ios_ifbind(p, st->if_line, st->ifname, name,
			       sizeof(name)) ||
		    blocks_open(p, BLK_INTERFACE, name, st->if_line))
			return NULL;
		st->ifidx = p->idx;
	}
	(void)no;
	return &p->cfg->interface[st->ifidx];
}

static void attach(struct cfg_parser *p, struct ios_state *st, unsigned int no,
		   const char *mon, int dir)
{
	struct cfg_interface *f = iface(p, st, no);
	struct cfg_aux *a;
	char q[48];

	if (!f)
		return;
	a = &p->ifc[st->ifidx];
	if (!cfg_good_name(mon)) {
		cfg_error(p, no, "monitor '%s': not a name xflowd takes",
			  cfg_quote(mon, q, sizeof(q)));
		return;
	}
	if (f->monitor_line[dir] && strcmp(a->i->mon[dir], mon) != 0) {
		cfg_error(p, no,
			  "interface %s already has monitor %s %s (line %u): "
			  "xflowd runs one monitor per direction",
			  st->ifname, a->i->mon[dir],
			  dir == CFG_INPUT ? "input" : "output",
			  f->monitor_line[dir]);
		return;
	}
	f->monitor_line[dir] = no;
	a->kwline[KWI_MONITOR] = no;
	memcpy(a->i->mon[dir], mon, strlen(mon) + 1);
}

static void detach(struct cfg_parser *p, struct ios_state *st, unsigned int no,
		   int dir)
{
	struct cfg_interface *f = iface(p, st, no);

	if (!f)
		return;
	f->monitor_line[dir] = 0;
	p->ifc[st->ifidx].i->mon[dir][0] = '\0';
}

/* ip|ipv6 flow monitor M [sampler S] input|output */
static void if_monitor(struct cfg_parser *p, struct ios_state *st,
		       unsigned int no, char **tok, int ntok, bool neg)
{
	int dir, k = 4;

	if (ntok < 5) {
		unsupported(p, no, tok, ntok,
			    "write 'ip flow monitor NAME [sampler NAME] "
			    "input|output'");
		return;
	}
	if (ntok == 7 && ab(tok[4], "sampler", 2))
		k = 6;
	else if (ntok != 5)
		k = 0;
	if (!k || !(ab(tok[k], "input", 1) || ab(tok[k], "output", 1))) {
		unsupported(p, no, tok, ntok,
			    "write 'ip flow monitor NAME [sampler NAME] "
			    "input|output' (xflowd meters unicast and "
			    "multicast alike)");
		return;
	}
	dir = ab(tok[k], "input", 1) ? CFG_INPUT : CFG_OUTPUT;
	if (neg) {
		detach(p, st, no, dir);
		return;
	}
	attach(p, st, no, tok[3], dir);
	if (k == 6 && st->nattach < IOS_MAX_ATTACH && cfg_good_name(tok[5])) {
		struct ios_attach *a = &st->attach[st->nattach++];

		snprintf(a->monitor, sizeof(a->monitor), "%s", tok[3]);
		snprintf(a->sampler, sizeof(a->sampler), "%s", tok[5]);
		a->line = no;
	}
}

/* A command in interface mode: true if it was about flows. */
static bool if_cmd(struct cfg_parser *p, struct ios_state *st, unsigned int no,
		   char **tok, int ntok)
{
	bool neg = ntok > 1 && ab(tok[0], "no", 2);
	char **t = tok + neg;
	int nt = ntok - neg;

	if (nt >= 3 && (!strcasecmp(t[0], "ip") || !strcasecmp(t[0], "ipv6")) &&
	    ab(t[1], "flow", 4) && strlen(t[1]) <= 4) {
		if (nt >= 3 && ab(t[2], "monitor", 1)) {
			if_monitor(p, st, no, t, nt, neg);
		} else if (nt == 3 && !strcasecmp(t[0], "ip") &&
			   (ab(t[2], "ingress", 1) || ab(t[2], "egress", 1))) {
			int dir = ab(t[2], "ingress", 1) ? CFG_INPUT
							 : CFG_OUTPUT;

			if (neg) {
				detach(p, st, no, dir);
				return true;
			}
			attach(p, st, no, TRAD_MONITOR, dir);
			if (!st->trad_line)
				st->trad_line = no;
			st->trad_used = true;
		} else {
			unsupported(p, no, tok, ntok,
				    "xflowd takes 'ip flow ingress|egress' and "
				    "'ip|ipv6 flow monitor NAME [sampler NAME] "
				    "input|output' on an interface");
		}
		return true;
	}
	if (nt == 3 && !strcasecmp(t[0], "ip") && ab(t[1], "route-cache", 7) &&
	    ab(t[2], "flow", 4)) {
		if (neg) {
			detach(p, st, no, CFG_INPUT);
			return true;
		}
		attach(p, st, no, TRAD_MONITOR, CFG_INPUT);
		if (!st->trad_line)
			st->trad_line = no;
		st->trad_used = true;
		return true;
	}
	return false;
}

/* ---- traditional NetFlow, global ---- */

static void flow_export(struct cfg_parser *p, struct ios_state *st,
			unsigned int no, char **tok, int ntok)
{
	unsigned int n;

	if (ntok >= 4 && ab(tok[2], "version", 1)) {
		if (ntok > 4) {
			unsupported(p, no, tok, ntok,
				    "xflowd has no BGP AS numbers or next hops "
				    "for the record yet; write 'ip flow-export "
				    "version N' alone");
			return;
		}
		if (strcmp(tok[3], "5") && strcmp(tok[3], "9")) {
			unsupported(p, no, tok, ntok,
				    "xflowd exports NetFlow version 5 or 9 "
				    "(and IPFIX); write 'ip flow-export "
				    "version "
				    "5' or '9'");
			return;
		}
		st->version = tok[3][0] - '0';
		st->version_line = no;
	} else if (ntok >= 5 && ntok <= 6 && ab(tok[2], "destination", 1) &&
		   (ntok == 5 || ab(tok[5], "udp", 1))) {
		struct ios_dest *d;

		if (st->ndest == IOS_MAX_DEST) {
			cfg_error(p, no,
				  "more than %d destinations: remove "
				  "some",
				  IOS_MAX_DEST);
			return;
		}
		if (number(p, no, "destination port", tok[4], 1, 65535, &n))
			return;
		d = &st->dest[st->ndest++];
		snprintf(d->host, sizeof(d->host), "%s", tok[3]);
		snprintf(d->port, sizeof(d->port), "%u", n);
		d->line = no;
	} else if (ntok == 5 && ab(tok[2], "template", 1) &&
		   ab(tok[3], "refresh-rate", 1)) {
		if (number(p, no, "template refresh-rate", tok[4], 1, 600,
			   &n) == 0) {
			st->refresh_p = n;
			st->refresh_p_line = no;
		}
	} else if (ntok == 5 && ab(tok[2], "template", 1) &&
		   ab(tok[3], "timeout-rate", 1)) {
		if (number(p, no, "template timeout-rate", tok[4], 1, 3600,
			   &n) == 0) {
			st->refresh_min = n;
			st->refresh_min_line = no;
		}
	} else if (ab(tok[2], "source", 1)) {
		unsupported(p, no, tok, ntok,
			    "xflowd cannot choose the exporter's source "
			    "address yet (the routing table does); remove the "
			    "line");
	} else {
		unsupported(p, no, tok, ntok,
			    "xflowd takes 'ip flow-export version 5|9', "
			    "'destination ADDR PORT [udp]' and 'template "
			    "refresh-rate|timeout-rate N'");
	}
}

static void flow_cache(struct cfg_parser *p, struct ios_state *st,
		       unsigned int no, char **tok, int ntok)
{
	if (ntok == 5 && ab(tok[2], "timeout", 1) && ab(tok[3], "active", 1)) {
		if (number(p, no, "ip flow-cache timeout active", tok[4], 1, 60,
			   &st->active_min) == 0)
			st->active_line = no;
	} else if (ntok == 5 && ab(tok[2], "timeout", 1) &&
		   ab(tok[3], "inactive", 1)) {
		if (number(p, no, "ip flow-cache timeout inactive", tok[4], 10,
			   600, &st->inactive_s) == 0)
			st->inactive_line = no;
	} else if (ntok == 4 && ab(tok[2], "entries", 1)) {
		if (number(p, no, "ip flow-cache entries", tok[3], 1024, 524288,
			   &st->entries) == 0)
			st->entries_line = no;
	} else {
		unsupported(p, no, tok, ntok,
			    "xflowd takes 'ip flow-cache timeout active MIN|"
			    "inactive SEC' and 'ip flow-cache entries N'");
	}
}

/* ---- modes ---- */

/* A command of the global mode only: typed in a sub-mode, it leaves it. */
static bool global_only(char **tok, int ntok)
{
	static const char *const w[] = {
		"interface", "flow",	    "sampler",	     "router",
		"line",	     "hostname",    "snmp-server",   "logging",
		"ntp",	     "access-list", "control-plane", "banner"
	};
	size_t i;

	if (ntok > 1 && ab(tok[0], "no", 2)) { /* no flow monitor m */
		tok++;
		ntok--;
	}
	for (i = 0; i < sizeof(w) / sizeof(w[0]); i++)
		if (ab(tok[0], w[i], 3 < strlen(w[i]) ? 3 : strlen(w[i])))
			return true;
	return ntok > 1 && !strcasecmp(tok[0], "ip") &&
	       (ab(tok[1], "flow-export", 6) || ab(tok[1], "flow-cache", 6) ||
		!strcasecmp(tok[1], "route") || !strcasecmp(tok[1], "cef"));
}

/* Does the sub-mode know tok[0]? Otherwise it is a global command. */
static bool submode_knows(enum ios_mode m, char **tok, int ntok)
{
	static const char *const rec[] = { "match", "collect", "description",
					   "no", "default" };
	static const char *const exp[] = { "destination", "source",
					   "transport",	  "export-protocol",
					   "template",	  "option",
					   "dscp",	  "ttl",
					   "description", "output-features",
					   "no",	  "default" };
	static const char *const mon[] = { "record",	  "exporter",	"cache",
					   "description", "statistics", "no",
					   "default" };
	static const char *const smp[] = { "mode", "description", "no",
					   "default", "granularity" };
	const char *const *w;
	size_t n, i;

	switch (m) {
	case M_RECORD:
		w = rec;
		n = sizeof(rec) / sizeof(rec[0]);
		break;
	case M_EXPORTER:
		w = exp;
		n = sizeof(exp) / sizeof(exp[0]);
		break;
	case M_MONITOR:
		w = mon;
		n = sizeof(mon) / sizeof(mon[0]);
		break;
	case M_SAMPLER:
		w = smp;
		n = sizeof(smp) / sizeof(smp[0]);
		break;
	case M_IF:
		/* an interface takes many commands not about flows */
		return !global_only(tok, ntok);
	default:
		return false;
	}
	for (i = 0; i < n; i++)
		if (ab(tok[0], w[i], 2))
			return true;
	return false;
}

static void global_cmd(struct cfg_parser *p, struct ios_state *st,
		       unsigned int no, char **tok, int ntok)
{
	static const enum cfg_kind kinds[] = { BLK_RECORD, BLK_EXPORTER,
					       BLK_MONITOR };
	static const enum ios_mode modes[] = { M_RECORD, M_EXPORTER,
					       M_MONITOR };
	static const char *const flow[] = { "record", "exporter", "monitor" };
	int i;

	if (ab(tok[0], "interface", 3) && ntok >= 2) {
		/* 'interface Serial 1/0' is the same as 'interface Serial1/0' */
		st->mode = M_IF;
		snprintf(st->ifname, sizeof(st->ifname), "%s%s", tok[1],
			 ntok > 2 ? tok[2] : "");
		st->if_line = no;
		st->ifidx = -1;
		return;
	}
	if (ab(tok[0], "flow", 2) && ntok >= 2) {
		for (i = 0; i < 3 && !ab(tok[1], flow[i], 1); i++)
			;
		if (i == 3 || ntok != 3) {
			unsupported(p, no, tok, ntok,
				    "xflowd takes 'flow "
				    "record|exporter|monitor "
				    "NAME'");
			st->mode = M_OTHER;
			return;
		}
		st->mode = modes[i];
		open_block(p, st, kinds[i], tok[2], no);
		return;
	}
	if (ab(tok[0], "sampler", 3) && ntok == 2) {
		st->mode = M_SAMPLER;
		open_block(p, st, BLK_SAMPLER, tok[1], no);
		return;
	}
	if (ntok >= 3 && !strcasecmp(tok[0], "ip") &&
	    ab(tok[1], "flow-export", 6)) {
		flow_export(p, st, no, tok, ntok);
		return;
	}
	if (ntok >= 3 && !strcasecmp(tok[0], "ip") &&
	    ab(tok[1], "flow-cache", 6)) {
		flow_cache(p, st, no, tok, ntok);
		return;
	}
	if (ntok >= 2 &&
	    (!strcasecmp(tok[0], "ip") || !strcasecmp(tok[0], "ipv6")) &&
	    !strncasecmp(tok[1], "flow", 4)) {
		unsupported(p, no, tok, ntok,
			    "xflowd has no such NetFlow command; remove the "
			    "line");
		return;
	}
	if (ab(tok[0], "no", 2) && ntok >= 2 &&
	    (ab(tok[1], "flow", 2) || ab(tok[1], "sampler", 3) ||
	     (ntok >= 3 && !strncasecmp(tok[2], "flow", 4)))) {
		unsupported(p, no, tok, ntok,
			    "a file states what is configured: remove the "
			    "lines this undoes instead");
		return;
	}
	/* anything else is not about flows, and may open a sub-mode whose
	 * lines are skipped with it */
	skip(p, no, tok, ntok);
	st->mode = M_OTHER;
}

void ios_line(struct cfg_parser *p, struct ios_state *st, unsigned int no,
	      const char *s, size_t n)
{
	char buf[CFG_LINE_MAX + 1], *tok[IOS_MAX_TOKENS], *c;
	enum ios_mode pmode = M_GLOBAL;
	bool indented, prompted;
	size_t k;
	int ntok = 0;

	if (st->banner) { /* banner motd ^C ... ^C */
		if (memchr(s, st->banner, n))
			st->banner = 0;
		return;
	}
	k = prompt(s, n, &pmode, st->mode);
	prompted = k > 0;
	indented = !prompted && n > 0 && blank(s[0]);
	memcpy(buf, s + k, n - k);
	buf[n - k] = '\0';
	for (c = buf; *c;) {
		while (blank(*c))
			c++;
		if (!*c)
			break;
		if (ntok == IOS_MAX_TOKENS) {
			cfg_error(p, no,
				  "more than %d words: is this an IOS "
				  "command?",
				  IOS_MAX_TOKENS);
			return;
		}
		tok[ntok++] = c;
		while (*c && !blank(*c))
			c++;
		if (*c)
			*c++ = '\0';
	}
	if (ntok == 0 || tok[0][0] == '!')
		return;
	/* the prompt says where the command was typed */
	if (prompted && (pmode == M_EXEC || pmode == M_GLOBAL))
		st->mode = pmode;
	if (st->mode == M_EXEC && !prompted)
		st->mode = M_GLOBAL; /* a running-config after 'end' */
	/* IOS: what the sub-mode does not know is tried as a global
	 * command; a misspelt sub-mode command stays an error of it */
	if (st->mode > M_GLOBAL && !submode_knows(st->mode, tok, ntok) &&
	    ((!indented && !prompted) || global_only(tok, ntok)))
		st->mode = M_GLOBAL;
	if (ab(tok[0], "end", 3) && ntok == 1) {
		st->mode = M_EXEC;
		return;
	}
	if (ab(tok[0], "exit", 3) && ntok == 1) {
		st->mode = st->mode > M_GLOBAL ? M_GLOBAL : M_EXEC;
		return;
	}
	if (ab(tok[0], "banner", 3) && ntok >= 3 && tok[2][0]) {
		const char *rest = s + (size_t)(tok[2] - buf) + k + 1;

		/* the delimiter ends it, on this line or a later one */
		if (!memchr(rest, tok[2][0], (size_t)(s + n - rest)))
			st->banner = tok[2][0];
		skip(p, no, tok, 2);
		return;
	}
	switch (st->mode) {
	case M_EXEC:
		if (ab(tok[0], "configure", 4) &&
		    (ntok == 1 || ab(tok[1], "terminal", 1)))
			st->mode = M_GLOBAL;
		else
			skip(p, no, tok, ntok); /* show, write, ping, ... */
		return;
	case M_GLOBAL:
		global_cmd(p, st, no, tok, ntok);
		return;
	case M_OTHER:
		skip(p, no, tok, ntok);
		return;
	case M_IF:
		if (!if_cmd(p, st, no, tok, ntok))
			skip(p, no, tok, ntok);
		return;
	default:
		break;
	}
	if (ab(tok[0], "no", 2) || ab(tok[0], "default", 3)) {
		unsupported(p, no, tok, ntok,
			    "a file states what is configured: remove the "
			    "lines this undoes instead");
		return;
	}
	if (st->mode == M_RECORD && reopen(p, st, BLK_RECORD))
		rec_cmd(p, no, tok, ntok);
	else if (st->mode == M_EXPORTER && reopen(p, st, BLK_EXPORTER))
		exp_cmd(p, no, tok, ntok);
	else if (st->mode == M_MONITOR && reopen(p, st, BLK_MONITOR))
		mon_cmd(p, no, tok, ntok);
	else if (st->mode == M_SAMPLER && reopen(p, st, BLK_SAMPLER))
		smp_cmd(p, no, tok, ntok);
}

/* ---- the end ---- */

static void make_traditional(struct cfg_parser *p, struct ios_state *st)
{
	char name[CFG_NAME_MAX], *v[2];
	struct cfg_monitor *m;
	int i;

	if (!st->trad_used && !st->ndest)
		return;
	if (!st->ndest)
		cfg_error(p, st->trad_line,
			  "ip flow on an interface without 'ip flow-export "
			  "destination ADDR PORT': add one");
	if (st->ndest && !st->version)
		cfg_error(p, st->dest[0].line,
			  "no 'ip flow-export version': IOS then sends "
			  "version 1, which xflowd does not export; add 'ip "
			  "flow-export version 5' or '9'");
	/* the monitor even so: the interfaces' lines refer to it */
	if (blocks_open(p, BLK_MONITOR, TRAD_MONITOR,
			st->ndest ? st->dest[0].line : st->trad_line))
		return;
	m = p->blk;
	if (!st->ndest || !st->version)
		p->aux->damaged = true;
	if (!st->version)
		st->version = 5;
	v[0] = (char *)"ipv4-five-tuple";
	setting(p, KWM_TEMPLATE, m->line, v, 1);
	if (st->active_line) {
		m->active_s = st->active_min * 60;
		p->aux->kwline[KWM_ACTIVE] = st->active_line;
	}
	if (st->inactive_line) {
		m->inactive_s = st->inactive_s;
		p->aux->kwline[KWM_INACTIVE] = st->inactive_line;
	}
	if (st->entries_line) {
		m->cache_entries = st->entries;
		p->aux->kwline[KWM_ENTRIES] = st->entries_line;
	}
	for (i = 0; i < st->ndest; i++) {
		snprintf(name, sizeof(name), "ip-flow-export-%d", i + 1);
		if (blocks_open(p, BLK_MONITOR, TRAD_MONITOR, 0))
			return;
		v[0] = name;
		setting(p, KWM_EXPORTER, st->dest[i].line, v, 1);
	}
	for (i = 0; i < st->ndest; i++) {
		struct cfg_exporter *e;

		snprintf(name, sizeof(name), "ip-flow-export-%d", i + 1);
		if (blocks_open(p, BLK_EXPORTER, name, st->dest[i].line))
			return;
		e = p->blk;
		options_off(p);
		e->version = st->version;
		p->aux->kwline[KWE_PROTOCOL] = st->version_line;
		v[0] = st->dest[i].host;
		setting(p, KWE_DESTINATION, st->dest[i].line, v, 1);
		e->port = (uint16_t)atoi(st->dest[i].port);
		if (st->version == 9 && st->refresh_p_line) {
			e->refresh_packets = st->refresh_p;
			p->aux->kwline[KWE_REFRESH_P] = st->refresh_p_line;
		}
		if (st->version == 9 && st->refresh_min_line) {
			e->refresh_s = st->refresh_min * 60;
			p->aux->kwline[KWE_REFRESH_S] = st->refresh_min_line;
		}
	}
}

void ios_finish(struct cfg_parser *p, struct ios_state *st)
{
	int i, m;

	make_traditional(p, st);
	/* xflowd samples per monitor: the sampler an interface names */
	for (i = 0; i < st->nattach; i++) {
		struct ios_attach *a = &st->attach[i];

		for (m = 0; m < p->cfg->nmonitor; m++)
			if (!strcmp(p->cfg->monitor[m].name, a->monitor))
				break;
		if (m == p->cfg->nmonitor)
			continue; /* reported as an unknown monitor */
		if (p->mon[m].m->sampler[0] &&
		    strcmp(p->mon[m].m->sampler, a->sampler) != 0) {
			cfg_error(p, a->line,
				  "monitor %s is attached with sampler %s "
				  "elsewhere: xflowd samples per monitor; "
				  "define a monitor for each sampler",
				  a->monitor, p->mon[m].m->sampler);
			continue;
		}
		memcpy(p->mon[m].m->sampler, a->sampler,
		       strlen(a->sampler) + 1);
		p->mon[m].kwline[KWM_SAMPLER] = a->line;
	}
}
