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
 * "ip-flow-export-N", made when the whole file is known; its IPv6 form
 * (`ipv6 flow-export`, `ipv6 flow ingress`) another, "ipv6-flow", with
 * "ipv6-flow-export-N".
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config_ios_int.h"

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
bool ios_ab(const char *tok, const char *word, size_t min)
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
void ios_unsupported(struct cfg_parser *p, unsigned int no, char **tok,
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

	if (ntok > 1 && ios_ab(tok[0], "no", 2)) { /* no flow monitor m */
		tok++;
		ntok--;
	}
	for (i = 0; i < sizeof(w) / sizeof(w[0]); i++)
		if (ios_ab(tok[0], w[i], 3 < strlen(w[i]) ? 3 : strlen(w[i])))
			return true;
	return ntok > 1 &&
	       (!strcasecmp(tok[0], "ip") || !strcasecmp(tok[0], "ipv6")) &&
	       (ios_ab(tok[1], "flow-export", 6) ||
		ios_ab(tok[1], "flow-cache", 6) ||
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
		if (ios_ab(tok[0], w[i], 2))
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
	/* flow commands of a sub-mode, here in the global one */
	static const struct {
		const char *word, *where;
	} sub[] = {
		{ "match", "a command of a flow record: write it under 'flow "
			   "record NAME'" },
		{ "collect", "a command of a flow record: write it under 'flow "
			     "record NAME'" },
		{ "export-protocol", "a command of a flow exporter: write it "
				     "under 'flow exporter NAME'" },
		{ "exporter", "a command of a flow monitor: write it under "
			      "'flow monitor NAME'" },
	};
	int i;

	if (ios_ab(tok[0], "interface", 3) && ntok >= 2) {
		/* 'interface Serial 1/0' is the same as 'interface Serial1/0' */
		st->mode = M_IF;
		snprintf(st->ifname, sizeof(st->ifname), "%s%s", tok[1],
			 ntok > 2 ? tok[2] : "");
		st->if_line = no;
		st->ifidx = -1;
		return;
	}
	if (ios_ab(tok[0], "flow", 2) && ntok >= 2) {
		for (i = 0; i < 3 && !ios_ab(tok[1], flow[i], 1); i++)
			;
		if (i == 3 || ntok != 3) {
			ios_unsupported(p, no, tok, ntok,
					"xflowd takes 'flow "
					"record|exporter|monitor "
					"NAME'");
			st->mode = M_OTHER;
			return;
		}
		st->mode = modes[i];
		ios_open_block(p, st, kinds[i], tok[2], no);
		return;
	}
	if (ios_ab(tok[0], "sampler", 3) && ntok == 2) {
		st->mode = M_SAMPLER;
		ios_open_block(p, st, BLK_SAMPLER, tok[1], no);
		return;
	}
	if (ntok >= 3 &&
	    (!strcasecmp(tok[0], "ip") || !strcasecmp(tok[0], "ipv6")) &&
	    ios_ab(tok[1], "flow-export", 6)) {
		ios_flow_export(p, st, no, tok, ntok);
		return;
	}
	if (ntok >= 3 &&
	    (!strcasecmp(tok[0], "ip") || !strcasecmp(tok[0], "ipv6")) &&
	    ios_ab(tok[1], "flow-cache", 6)) {
		ios_flow_cache(p, st, no, tok, ntok);
		return;
	}
	if (ntok >= 2 &&
	    (!strcasecmp(tok[0], "ip") || !strcasecmp(tok[0], "ipv6")) &&
	    !strncasecmp(tok[1], "flow", 4)) {
		ios_unsupported(p, no, tok, ntok,
				"xflowd has no such NetFlow command; remove "
				"the "
				"line");
		return;
	}
	if (ios_ab(tok[0], "no", 2) && ntok >= 2 &&
	    (ios_ab(tok[1], "flow", 2) || ios_ab(tok[1], "sampler", 3) ||
	     (ntok >= 3 && !strncasecmp(tok[2], "flow", 4)))) {
		ios_unsupported(p, no, tok, ntok,
				"a file states what is configured: remove the "
				"lines this undoes instead");
		return;
	}
	for (i = 0; i < (int)(sizeof(sub) / sizeof(sub[0])); i++) {
		if (!ios_ab(tok[0], sub[i].word, strlen(sub[i].word)))
			continue;
		ios_unsupported(p, no, tok, ntok, sub[i].where);
		st->mode = M_OTHER;
		return;
	}
	/* anything else is not about flows, and may open a sub-mode whose
	 * lines are skipped with it */
	skip(p, no, tok, ntok);
	st->mode = M_OTHER;
}

/* The block a Flexible NetFlow sub-mode fills. */
static enum cfg_kind kind_of(enum ios_mode m)
{
	switch (m) {
	case M_RECORD:
		return BLK_RECORD;
	case M_EXPORTER:
		return BLK_EXPORTER;
	case M_SAMPLER:
		return BLK_SAMPLER;
	default:
		return BLK_MONITOR;
	}
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
	if (st->mode > M_GLOBAL &&
	    (global_only(tok, ntok) ||
	     (!submode_knows(st->mode, tok, ntok) && !indented && !prompted)))
		st->mode = M_GLOBAL;
	if (ios_ab(tok[0], "end", 3) && ntok == 1) {
		st->mode = M_EXEC;
		return;
	}
	if (ios_ab(tok[0], "exit", 3) && ntok == 1) {
		st->mode = st->mode > M_GLOBAL ? M_GLOBAL : M_EXEC;
		return;
	}
	if (ios_ab(tok[0], "banner", 3) && ntok >= 3 && tok[2][0]) {
		const char *rest = s + (size_t)(tok[2] - buf) + k + 1;

		/* the delimiter ends it, on this line or a later one */
		if (!memchr(rest, tok[2][0], (size_t)(s + n - rest)))
			st->banner = tok[2][0];
		skip(p, no, tok, 2);
		return;
	}
	switch (st->mode) {
	case M_EXEC:
		if (ios_ab(tok[0], "configure", 4) &&
		    (ntok == 1 || ios_ab(tok[1], "terminal", 1)))
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
		if (!ios_if_cmd(p, st, no, tok, ntok))
			skip(p, no, tok, ntok);
		return;
	default:
		break;
	}
	if ((ios_ab(tok[0], "no", 2) || ios_ab(tok[0], "default", 3)) &&
	    ios_reopen(p, st, kind_of(st->mode))) {
		ios_undo_cmd(p, no, tok, ntok);
		return;
	}
	if (st->mode == M_RECORD && ios_reopen(p, st, BLK_RECORD))
		ios_record_cmd(p, no, tok, ntok);
	else if (st->mode == M_EXPORTER && ios_reopen(p, st, BLK_EXPORTER))
		ios_exporter_cmd(p, no, tok, ntok);
	else if (st->mode == M_MONITOR && ios_reopen(p, st, BLK_MONITOR))
		ios_monitor_cmd(p, no, tok, ntok);
	else if (st->mode == M_SAMPLER && ios_reopen(p, st, BLK_SAMPLER))
		ios_sampler_cmd(p, no, tok, ntok);
}

/*
 * An interface whose flow commands were all undone ('ip flow egress', then
 * 'no ip flow egress') is no longer about flows: like the interfaces that
 * never had one, it is not a block of the model (which wants a monitor on
 * each). Last: ios_traditional() reads the interfaces by index.
 */
static void drop_flowless_interfaces(struct cfg_parser *p)
{
	struct config *cfg = p->cfg;
	int i, k = 0;

	for (i = 0; i < cfg->ninterface; i++) {
		const struct cfg_interface *f = &cfg->interface[i];

		if (!f->monitor_line[CFG_INPUT] &&
		    !f->monitor_line[CFG_OUTPUT] && !p->ifc[i].damaged)
			continue;
		if (k != i) {
			cfg->interface[k] = cfg->interface[i];
			p->ifc[k] = p->ifc[i];
		}
		k++;
	}
	cfg->ninterface = k;
}

void ios_finish(struct cfg_parser *p, struct ios_state *st)
{
	int i, m;

	ios_traditional(p, st);
	/* NetFlow v5 has no options: the same model as xflowd.conf's */
	for (i = 0; i < p->cfg->nexporter; i++)
		if (p->cfg->exporter[i].version == 5)
			memset(p->cfg->exporter[i].option, 0,
			       sizeof(p->cfg->exporter[i].option));
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
	drop_flowless_interfaces(p);
}
