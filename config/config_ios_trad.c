// SPDX-License-Identifier: BSD-2-Clause
/*
 * config_ios_trad.c - an IOS configuration's interfaces (ip flow ingress,
 * ip flow monitor) and traditional NetFlow (ip flow-export, ip
 * flow-cache), which becomes one monitor, "ip-flow", and an exporter per
 * destination, "ip-flow-export-N", once the whole file is known. IPv6's
 * (ipv6 flow ingress, ipv6 flow-export, ipv6 flow-cache) is a cache of its
 * own in IOS, and so a monitor of its own here: "ipv6-flow", exporting v9
 * to "ipv6-flow-export-N".
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config_ios_int.h"

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
		ios_unsupported(p, no, tok, ntok,
				"write 'ip flow monitor NAME [sampler NAME] "
				"input|output'");
		return;
	}
	if (ntok == 7 && ios_ab(tok[4], "sampler", 2))
		k = 6;
	else if (ntok != 5)
		k = 0;
	if (!k ||
	    !(ios_ab(tok[k], "input", 1) || ios_ab(tok[k], "output", 1))) {
		ios_unsupported(p, no, tok, ntok,
				"write 'ip flow monitor NAME [sampler NAME] "
				"input|output' (xflowd meters unicast and "
				"multicast alike)");
		return;
	}
	dir = ios_ab(tok[k], "input", 1) ? CFG_INPUT : CFG_OUTPUT;
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

static enum ios_family family_of(const char *ip)
{
	return strcasecmp(ip, "ipv6") ? IOS_IPV4 : IOS_IPV6;
}

static const char *const trad_monitor[IOS_NFAMILY] = {
	[IOS_IPV4] = TRAD_MONITOR,
	[IOS_IPV6] = TRAD6_MONITOR,
};

/*
 * ip|ipv6 flow ingress|egress: IOS meters each family in a cache of its
 * own, xflowd in a monitor of its own; but xflowd runs one monitor per
 * interface and direction, so where both families are metered they share
 * ip-flow (ios_traditional() checks that they can).
 */
static void trad_attach(struct cfg_parser *p, struct ios_state *st,
			unsigned int no, enum ios_family fam, int dir, bool neg)
{
	struct cfg_interface *f = iface(p, st, no);
	const char *mon = trad_monitor[fam];
	uint8_t *on, bit = (uint8_t)(1u << fam);
	char *cur;

	if (!f)
		return;
	on = &st->trad_on[st->ifidx][dir];
	cur = p->ifc[st->ifidx].i->mon[dir];
	if (neg) {
		*on &= (uint8_t)~bit;
		if (*on) /* the other family stays, in a monitor of its own */
			snprintf(cur, CFG_NAME_MAX, "%s", trad_monitor[!fam]);
		else
			detach(p, st, no, dir);
		return;
	}
	if (*on & ~bit) {
		*on |= bit;
		st->both_line[st->ifidx][dir] = no;
		snprintf(cur, CFG_NAME_MAX, "%s", TRAD_MONITOR);
	} else {
		attach(p, st, no, mon, dir);
		if (strcmp(cur, mon) != 0)
			return; /* reported */
		*on |= bit;
	}
	if (!st->trad[fam].line)
		st->trad[fam].line = no;
	st->trad[fam].used = true;
}

/* A command in interface mode: true if it was about flows. */
bool ios_if_cmd(struct cfg_parser *p, struct ios_state *st, unsigned int no,
		char **tok, int ntok)
{
	bool neg = ntok > 1 && ios_ab(tok[0], "no", 2);
	char **t = tok + neg;
	int nt = ntok - neg;

	if (nt >= 3 && (!strcasecmp(t[0], "ip") || !strcasecmp(t[0], "ipv6")) &&
	    ios_ab(t[1], "flow", 4) && strlen(t[1]) <= 4) {
		if (nt >= 3 && ios_ab(t[2], "monitor", 1)) {
			if_monitor(p, st, no, t, nt, neg);
		} else if (nt == 3 && (ios_ab(t[2], "ingress", 1) ||
				       ios_ab(t[2], "egress", 1))) {
			trad_attach(p, st, no, family_of(t[0]),
				    ios_ab(t[2], "ingress", 1) ? CFG_INPUT
							       : CFG_OUTPUT,
				    neg);
		} else {
			ios_unsupported(p, no, tok, ntok,
					"xflowd takes 'ip|ipv6 flow "
					"ingress|egress' and 'ip|ipv6 flow "
					"monitor NAME [sampler NAME] "
					"input|output' on an interface");
		}
		return true;
	}
	/* ipv6 route-cache flow: IOS 12.3T's name of ipv6 flow ingress */
	if (nt == 3 && (!strcasecmp(t[0], "ip") || !strcasecmp(t[0], "ipv6")) &&
	    ios_ab(t[1], "route-cache", 7) && ios_ab(t[2], "flow", 4)) {
		trad_attach(p, st, no, family_of(t[0]), CFG_INPUT, neg);
		return true;
	}
	return false;
}

/* ---- traditional NetFlow, global ---- */

/*
 * 'ip flow-export version 5|9 [origin-as|peer-as] [bgp-nexthop]': which
 * AS the records carry (v5's src_as/dst_as, v9's SRC_AS/DST_AS) and, in
 * v9, the BGP next hop. Nonzero after an error.
 */
static int ios_export_bgp(struct cfg_parser *p, struct ios_state *st,
			  struct ios_trad *t, unsigned int no, char **tok,
			  int ntok)
{
	bool nexthop = false;
	uint8_t as = EXPORT_AS_NONE;
	int i;

	for (i = 4; i < ntok; i++) {
		if (ios_ab(tok[i], "origin-as", 1) && !as) {
			as = EXPORT_AS_ORIGIN;
		} else if (ios_ab(tok[i], "peer-as", 1) && !as) {
			as = EXPORT_AS_PEER;
		} else if (ios_ab(tok[i], "bgp-nexthop", 1) && !nexthop) {
			nexthop = true;
		} else {
			ios_unsupported(p, no, tok, ntok,
					t == &st->trad[IOS_IPV6]
						? "write 'ipv6 flow-export "
						  "version 9 "
						  "[origin-as|peer-as] "
						  "[bgp-nexthop]'"
						: "write 'ip flow-export "
						  "version "
						  "5|9 [origin-as|peer-as] "
						  "[bgp-nexthop]'");
			return -1;
		}
	}
	if (ntok > 4 && strcmp(tok[3], "5") && strcmp(tok[3], "9")) {
		ios_unsupported(p, no, tok, ntok,
				"IOS takes origin-as, peer-as and bgp-nexthop "
				"with version 5 and 9 only");
		return -1;
	}
	t->as = as;
	t->bgp_nexthop = nexthop;
	return 0;
}

void ios_flow_export(struct cfg_parser *p, struct ios_state *st,
		     unsigned int no, char **tok, int ntok)
{
	enum ios_family fam = family_of(tok[0]);
	struct ios_trad *t = &st->trad[fam];
	unsigned int n;

	if (ntok >= 4 && ios_ab(tok[2], "version", 1) && fam == IOS_IPV6) {
		/* NetFlow v1, v5 and v7 records have IPv4 addresses only */
		if (strcmp(tok[3], "9")) {
			ios_unsupported(p, no, tok, ntok,
					"IOS exports IPv6 flows in NetFlow "
					"version 9 only (versions 1, 5 and 7 "
					"have no IPv6 addresses); write "
					"'ipv6 flow-export version 9'");
			return;
		}
		if (ios_export_bgp(p, st, t, no, tok, ntok))
			return;
		t->version = 9;
		t->version_line = no;
	} else if (ntok >= 4 && ios_ab(tok[2], "version", 1)) {
		if (strcmp(tok[3], "1") && strcmp(tok[3], "5") &&
		    strcmp(tok[3], "7") && strcmp(tok[3], "9")) {
			ios_unsupported(p, no, tok, ntok,
					"IOS exports NetFlow version 1, 5, 7 "
					"or 9 here; write 'ip flow-export "
					"version 1|5|7|9'");
			return;
		}
		if (ios_export_bgp(p, st, t, no, tok, ntok))
			return;
		t->version = tok[3][0] - '0';
		t->version_line = no;
	} else if (ntok >= 5 && ntok <= 6 && ios_ab(tok[2], "destination", 1) &&
		   (ntok == 5 || ios_ab(tok[5], "udp", 1))) {
		struct ios_dest *d;

		if (t->ndest == IOS_MAX_DEST) {
			cfg_error(p, no,
				  "more than %d destinations: remove "
				  "some",
				  IOS_MAX_DEST);
			return;
		}
		if (ios_number(p, no, "destination port", tok[4], 1, 65535, &n))
			return;
		d = &t->dest[t->ndest++];
		snprintf(d->host, sizeof(d->host), "%s", tok[3]);
		snprintf(d->port, sizeof(d->port), "%u", n);
		d->line = no;
	} else if (ntok == 5 && ios_ab(tok[2], "template", 1) &&
		   ios_ab(tok[3], "refresh-rate", 1)) {
		if (ios_number(p, no, "template refresh-rate", tok[4], 1, 600,
			       &n) == 0) {
			t->refresh_p = n;
			t->refresh_p_line = no;
		}
	} else if (ntok == 5 && ios_ab(tok[2], "template", 1) &&
		   ios_ab(tok[3], "timeout-rate", 1)) {
		if (ios_number(p, no, "template timeout-rate", tok[4], 1, 3600,
			       &n) == 0) {
			t->refresh_min = n;
			t->refresh_min_line = no;
		}
	} else if (ntok == 4 && ios_ab(tok[2], "source", 1)) {
		/* the address of that interface, followed as it changes */
		if (ios_ifbind(p, no, tok[3], t->source, sizeof(t->source)) ==
		    0)
			t->source_line = no;
	} else {
		ios_unsupported(p, no, tok, ntok,
				fam == IOS_IPV6
					? "xflowd takes 'ipv6 flow-export "
					  "version 9', 'destination ADDR PORT "
					  "[udp]', 'source INTERFACE' and "
					  "'template refresh-rate|timeout-rate "
					  "N'"
					: "xflowd takes 'ip flow-export "
					  "version "
					  "1|5|7|9', 'destination ADDR PORT "
					  "[udp]', 'source INTERFACE' and "
					  "'template refresh-rate|timeout-rate "
					  "N'");
	}
}

void ios_flow_cache(struct cfg_parser *p, struct ios_state *st, unsigned int no,
		    char **tok, int ntok)
{
	enum ios_family fam = family_of(tok[0]);
	struct ios_trad *t = &st->trad[fam];
	const char *ip = fam == IOS_IPV6 ? "ipv6" : "ip";
	char what[48];

	if (ntok == 5 && ios_ab(tok[2], "timeout", 1) &&
	    ios_ab(tok[3], "active", 1)) {
		snprintf(what, sizeof(what), "%s flow-cache timeout active",
			 ip);
		if (ios_number(p, no, what, tok[4], 1, 60, &t->active_min) == 0)
			t->active_line = no;
	} else if (ntok == 5 && ios_ab(tok[2], "timeout", 1) &&
		   ios_ab(tok[3], "inactive", 1)) {
		snprintf(what, sizeof(what), "%s flow-cache timeout inactive",
			 ip);
		if (ios_number(p, no, what, tok[4], 10, 600, &t->inactive_s) ==
		    0)
			t->inactive_line = no;
	} else if (ntok == 4 && ios_ab(tok[2], "entries", 1)) {
		snprintf(what, sizeof(what), "%s flow-cache entries", ip);
		if (ios_number(p, no, what, tok[3], 1024, 524288,
			       &t->entries) == 0)
			t->entries_line = no;
	} else {
		ios_unsupported(p, no, tok, ntok,
				"xflowd takes 'ip|ipv6 flow-cache timeout "
				"active MIN|inactive SEC' and 'ip|ipv6 "
				"flow-cache entries N'");
	}
}

/* ---- the end ---- */

/* Is d one of t's destinations? */
static bool same_dest(const struct ios_trad *t, const struct ios_dest *d)
{
	int i;

	for (i = 0; i < t->ndest; i++)
		if (!strcmp(t->dest[i].host, d->host) &&
		    !strcmp(t->dest[i].port, d->port))
			return true;
	return false;
}

/* The record of family fam's traditional NetFlow, or NULL. */
static const char *trad_record(struct cfg_parser *p, struct ios_trad *t,
			       enum ios_family fam, unsigned int no)
{
	/* IOS's default: no 'ip flow-export version', version 1; IPv6 has
	 * version 9 only */
	if (!t->version)
		t->version = fam == IOS_IPV6 ? 9 : 1;
	/* IOS's traditional key and fields, those of NetFlow v5 (of its v9
	 * IPv6 record); v9 with the BGP fields 'ip flow-export version 9
	 * ...' asks for */
	if (t->version == 9 && (t->as || t->bgp_nexthop))
		return ios_trad_v9_record(p, fam == IOS_IPV6, t->as != 0,
					  t->bgp_nexthop, t->version_line);
	return ios_predefined_record(p,
				     fam == IOS_IPV6   ? "netflow ipv6 "
							 "original-input"
				     : t->version == 1 ? "netflow-v1"
						       : "netflow ipv4 "
							 "original-input",
				     no);
}

/*
 * The monitor and exporters of family fam's traditional NetFlow; with
 * also6, IPv6's record too (they are one monitor, exported alike).
 */
static void trad_build(struct cfg_parser *p, struct ios_state *st,
		       enum ios_family fam, bool also6)
{
	struct ios_trad *t = &st->trad[fam];
	const char *mon = trad_monitor[fam];
	const char *ip = fam == IOS_IPV6 ? "ipv6" : "ip";
	char name[CFG_NAME_MAX], *v[2];
	struct cfg_monitor *m;
	int i;

	if (!t->used && !t->ndest)
		return;
	if (!t->ndest)
		cfg_error(p, t->line,
			  "%s flow on an interface without '%s flow-export "
			  "destination ADDR PORT': add one",
			  ip, ip);
	/* the monitor even so: the interfaces' lines refer to it */
	if (blocks_open(p, BLK_MONITOR, mon,
			t->ndest ? t->dest[0].line : t->line))
		return;
	m = p->blk;
	if (!t->ndest)
		p->aux->damaged = true;
	v[0] = (char *)trad_record(p, t, fam, m->line);
	v[1] = also6 ? (char *)trad_record(p, &st->trad[IOS_IPV6], IOS_IPV6,
					   st->trad[IOS_IPV6].line)
		     : NULL;
	if (blocks_open(p, BLK_MONITOR, mon, 0) || !v[0] || (also6 && !v[1]))
		return;
	m = p->blk;
	ios_setting(p, KWM_RECORD, m->line, v, 1);
	if (also6)
		ios_setting(p, KWM_RECORD, st->trad[IOS_IPV6].line, v + 1, 1);
	if (t->active_line) {
		m->active_s = t->active_min * 60;
		p->aux->kwline[KWM_ACTIVE] = t->active_line;
	}
	if (t->inactive_line) {
		m->inactive_s = t->inactive_s;
		p->aux->kwline[KWM_INACTIVE] = t->inactive_line;
	}
	if (t->entries_line) {
		m->cache_entries = t->entries;
		p->aux->kwline[KWM_ENTRIES] = t->entries_line;
	}
	for (i = 0; i < t->ndest; i++) {
		snprintf(name, sizeof(name), "%s-flow-export-%d", ip, i + 1);
		if (blocks_open(p, BLK_MONITOR, mon, 0))
			return;
		v[0] = name;
		ios_setting(p, KWM_EXPORTER, t->dest[i].line, v, 1);
	}
	for (i = 0; i < t->ndest; i++) {
		struct cfg_exporter *e;

		snprintf(name, sizeof(name), "%s-flow-export-%d", ip, i + 1);
		if (blocks_open(p, BLK_EXPORTER, name, t->dest[i].line))
			return;
		e = p->blk;
		e->version = t->version;
		/* IOS sends no options records unless asked; v1, v5 and v7
		 * have none to switch off */
		if (!export_fixed(e->version))
			ios_options_off(p);
		p->aux->kwline[KWE_PROTOCOL] = t->version_line;
		if (t->as) {
			v[0] = t->as == EXPORT_AS_ORIGIN ? "origin" : "peer";
			ios_setting(p, KWE_AS, t->version_line, v, 1);
		}
		e->bgp_nexthop = t->bgp_nexthop;
		v[0] = t->dest[i].host;
		ios_setting(p, KWE_DESTINATION, t->dest[i].line, v, 1);
		e->port = (uint16_t)atoi(t->dest[i].port);
		if (t->source_line) {
			v[0] = t->source;
			ios_setting(p, KWE_SOURCE, t->source_line, v, 1);
		}
		if (t->version == 9 && t->refresh_p_line) {
			e->refresh_packets = t->refresh_p;
			p->aux->kwline[KWE_REFRESH_P] = t->refresh_p_line;
		}
		if (t->version == 9 && t->refresh_min_line) {
			e->refresh_s = t->refresh_min * 60;
			p->aux->kwline[KWE_REFRESH_S] = t->refresh_min_line;
		}
		/* a collector of both families tells their exports (each
		 * numbering its templates from 256) by their source ID */
		if (fam == IOS_IPV6 &&
		    same_dest(&st->trad[IOS_IPV4], &t->dest[i]))
			e->domain_id = SET_DEFAULT_DOMAIN + 1;
	}
}

/*
 * Why IPv4's and IPv6's traditional NetFlow cannot be one monitor (into
 * why), or NULL: one monitor has one cache's settings and sends every
 * record to every collector, and is on every interface of either.
 */
static const char *trad_unlike(const struct cfg_parser *p,
			       const struct ios_state *st, char *why,
			       size_t size)
{
	const struct ios_trad *a = &st->trad[IOS_IPV4],
			      *b = &st->trad[IOS_IPV6];
	int i, d;

	for (i = 0; i < p->cfg->ninterface; i++)
		for (d = 0; d < CFG_NDIR; d++) {
			uint8_t on = st->trad_on[i][d];

			if (on == 1 || on == 2) {
				char n[64];

				ios_ifname_of(p->cfg->interface[i].name, n,
					      sizeof(n));
				snprintf(why, size,
					 "%s meters IPv%d only %s, and one "
					 "monitor meters both",
					 n, on == 1 ? 4 : 6,
					 d == CFG_INPUT ? "ingress" : "egress");
				return why;
			}
		}
	if (a->version != 9)
		return "IPv4 is not exported in version 9 ('ip flow-export "
		       "version 9'), the only one for both";
	if (a->ndest != b->ndest)
		return "their flow-export destinations differ";
	for (i = 0; i < a->ndest; i++)
		if (strcmp(a->dest[i].host, b->dest[i].host) ||
		    strcmp(a->dest[i].port, b->dest[i].port))
			return "their flow-export destinations differ";
	if (strcmp(a->source, b->source))
		return "their flow-export sources differ";
	if (a->as != b->as || a->bgp_nexthop != b->bgp_nexthop)
		return "their flow-export version options differ";
	if ((a->refresh_p_line ? a->refresh_p : 0) !=
		    (b->refresh_p_line ? b->refresh_p : 0) ||
	    (a->refresh_min_line ? a->refresh_min : 0) !=
		    (b->refresh_min_line ? b->refresh_min : 0))
		return "their flow-export template settings differ";
	if ((a->active_line ? a->active_min * 60 : SET_DEFAULT_ACTIVE) !=
		    (b->active_line ? b->active_min * 60
				    : SET_DEFAULT_ACTIVE) ||
	    (a->inactive_line ? a->inactive_s : SET_DEFAULT_INACTIVE) !=
		    (b->inactive_line ? b->inactive_s : SET_DEFAULT_INACTIVE) ||
	    (a->entries_line ? a->entries : SET_DEFAULT_ENTRIES) !=
		    (b->entries_line ? b->entries : SET_DEFAULT_ENTRIES))
		return "their flow-cache settings differ";
	return NULL;
}

void ios_traditional(struct cfg_parser *p, struct ios_state *st)
{
	unsigned int line = 0;
	const char *why;
	char buf[160], n[64];
	int i, d, fi = 0, fd = 0;

	for (i = 0; i < p->cfg->ninterface; i++)
		for (d = 0; d < CFG_NDIR; d++)
			if (st->trad_on[i][d] == 3 &&
			    (!line || st->both_line[i][d] < line)) {
				line = st->both_line[i][d];
				fi = i;
				fd = d;
			}
	if (!line) {
		trad_build(p, st, IOS_IPV4, false);
		trad_build(p, st, IOS_IPV6, false);
		return;
	}
	why = trad_unlike(p, st, buf, sizeof(buf));
	if (why) {
		ios_ifname_of(p->cfg->interface[fi].name, n, sizeof(n));
		cfg_error(p, line,
			  "%s has IPv4 and IPv6 traditional NetFlow %s: "
			  "xflowd runs one monitor per interface and "
			  "direction, which then meters and exports both "
			  "alike, but %s; make them alike, or write a flow "
			  "monitor for each family",
			  n, fd == CFG_INPUT ? "ingress" : "egress", why);
		/* the monitors even so: the interfaces' lines refer to them */
		trad_build(p, st, IOS_IPV4, false);
		trad_build(p, st, IOS_IPV6, false);
		return;
	}
	trad_build(p, st, IOS_IPV4, true);
}
