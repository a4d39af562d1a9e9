// SPDX-License-Identifier: BSD-2-Clause
/*
 * config_ios_trad.c - an IOS configuration's interfaces (ip flow ingress,
 * ip flow monitor) and traditional NetFlow (ip flow-export, ip
 * flow-cache), which becomes one monitor, "ip-flow", and an exporter per
 * destination, "ip-flow-export-N", once the whole file is known.
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
		} else if (nt == 3 && !strcasecmp(t[0], "ip") &&
			   (ios_ab(t[2], "ingress", 1) ||
			    ios_ab(t[2], "egress", 1))) {
			int dir = ios_ab(t[2], "ingress", 1) ? CFG_INPUT
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
			ios_unsupported(p, no, tok, ntok,
					"xflowd takes 'ip flow ingress|egress' "
					"and "
					"'ip|ipv6 flow monitor NAME [sampler "
					"NAME] "
					"input|output' on an interface");
		}
		return true;
	}
	if (nt == 3 && !strcasecmp(t[0], "ip") &&
	    ios_ab(t[1], "route-cache", 7) && ios_ab(t[2], "flow", 4)) {
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

/*
 * 'ip flow-export version 5|9 [origin-as|peer-as] [bgp-nexthop]': which
 * AS the records carry (v5's src_as/dst_as, v9's SRC_AS/DST_AS) and, in
 * v9, the BGP next hop. Nonzero after an error.
 */
static int ios_export_bgp(struct cfg_parser *p, struct ios_state *st,
			  unsigned int no, char **tok, int ntok)
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
					"write 'ip flow-export version 5|9 "
					"[origin-as|peer-as] [bgp-nexthop]'");
			return -1;
		}
	}
	if (ntok > 4 && strcmp(tok[3], "5") && strcmp(tok[3], "9")) {
		ios_unsupported(p, no, tok, ntok,
				"IOS takes origin-as, peer-as and bgp-nexthop "
				"with version 5 and 9 only");
		return -1;
	}
	st->as = as;
	st->bgp_nexthop = nexthop;
	return 0;
}

void ios_flow_export(struct cfg_parser *p, struct ios_state *st,
		     unsigned int no, char **tok, int ntok)
{
	unsigned int n;

	if (ntok >= 4 && ios_ab(tok[2], "version", 1)) {
		if (strcmp(tok[3], "1") && strcmp(tok[3], "5") &&
		    strcmp(tok[3], "7") && strcmp(tok[3], "9")) {
			ios_unsupported(p, no, tok, ntok,
					"IOS exports NetFlow version 1, 5, 7 "
					"or 9 here; write 'ip flow-export "
					"version 1|5|7|9'");
			return;
		}
		if (ios_export_bgp(p, st, no, tok, ntok))
			return;
		st->version = tok[3][0] - '0';
		st->version_line = no;
	} else if (ntok >= 5 && ntok <= 6 && ios_ab(tok[2], "destination", 1) &&
		   (ntok == 5 || ios_ab(tok[5], "udp", 1))) {
		struct ios_dest *d;

		if (st->ndest == IOS_MAX_DEST) {
			cfg_error(p, no,
				  "more than %d destinations: remove "
				  "some",
				  IOS_MAX_DEST);
			return;
		}
		if (ios_number(p, no, "destination port", tok[4], 1, 65535, &n))
			return;
		d = &st->dest[st->ndest++];
		snprintf(d->host, sizeof(d->host), "%s", tok[3]);
		snprintf(d->port, sizeof(d->port), "%u", n);
		d->line = no;
	} else if (ntok == 5 && ios_ab(tok[2], "template", 1) &&
		   ios_ab(tok[3], "refresh-rate", 1)) {
		if (ios_number(p, no, "template refresh-rate", tok[4], 1, 600,
			       &n) == 0) {
			st->refresh_p = n;
			st->refresh_p_line = no;
		}
	} else if (ntok == 5 && ios_ab(tok[2], "template", 1) &&
		   ios_ab(tok[3], "timeout-rate", 1)) {
		if (ios_number(p, no, "template timeout-rate", tok[4], 1, 3600,
			       &n) == 0) {
			st->refresh_min = n;
			st->refresh_min_line = no;
		}
	} else if (ntok == 4 && ios_ab(tok[2], "source", 1)) {
		/* the address of that interface, followed as it changes */
		if (ios_ifbind(p, no, tok[3], st->source, sizeof(st->source)) ==
		    0)
			st->source_line = no;
	} else {
		ios_unsupported(p, no, tok, ntok,
				"xflowd takes 'ip flow-export version "
				"1|5|7|9', 'destination ADDR PORT [udp]', "
				"'source INTERFACE' and 'template "
				"refresh-rate|timeout-rate N'");
	}
}

void ios_flow_cache(struct cfg_parser *p, struct ios_state *st, unsigned int no,
		    char **tok, int ntok)
{
	if (ntok == 5 && ios_ab(tok[2], "timeout", 1) &&
	    ios_ab(tok[3], "active", 1)) {
		if (ios_number(p, no, "ip flow-cache timeout active", tok[4], 1,
			       60, &st->active_min) == 0)
			st->active_line = no;
	} else if (ntok == 5 && ios_ab(tok[2], "timeout", 1) &&
		   ios_ab(tok[3], "inactive", 1)) {
		if (ios_number(p, no, "ip flow-cache timeout inactive", tok[4],
			       10, 600, &st->inactive_s) == 0)
			st->inactive_line = no;
	} else if (ntok == 4 && ios_ab(tok[2], "entries", 1)) {
		if (ios_number(p, no, "ip flow-cache entries", tok[3], 1024,
			       524288, &st->entries) == 0)
			st->entries_line = no;
	} else {
		ios_unsupported(p, no, tok, ntok,
				"xflowd takes 'ip flow-cache timeout active "
				"MIN|"
				"inactive SEC' and 'ip flow-cache entries N'");
	}
}

/* ---- the end ---- */

void ios_traditional(struct cfg_parser *p, struct ios_state *st)
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
	/* the monitor even so: the interfaces' lines refer to it */
	if (blocks_open(p, BLK_MONITOR, TRAD_MONITOR,
			st->ndest ? st->dest[0].line : st->trad_line))
		return;
	m = p->blk;
	if (!st->ndest)
		p->aux->damaged = true;
	/* IOS's default: no 'ip flow-export version', version 1 */
	if (!st->version)
		st->version = 1;
	/* IOS's traditional key and fields, those of NetFlow v5; v9 with
	 * the BGP fields 'ip flow-export version 9 ...' asks for */
	if (st->version == 9 && (st->as || st->bgp_nexthop))
		v[0] = (char *)ios_trad_v9_record(
			p, st->as != 0, st->bgp_nexthop, st->version_line);
	else
		v[0] = (char *)ios_predefined_record(p,
						     st->version == 1
							     ? "netflow-v1"
							     : "netflow ipv4 "
							       "original-input",
						     m->line);
	if (blocks_open(p, BLK_MONITOR, TRAD_MONITOR, 0) || !v[0])
		return;
	m = p->blk;
	ios_setting(p, KWM_RECORD, m->line, v, 1);
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
		ios_setting(p, KWM_EXPORTER, st->dest[i].line, v, 1);
	}
	for (i = 0; i < st->ndest; i++) {
		struct cfg_exporter *e;

		snprintf(name, sizeof(name), "ip-flow-export-%d", i + 1);
		if (blocks_open(p, BLK_EXPORTER, name, st->dest[i].line))
			return;
		e = p->blk;
		e->version = st->version;
		/* IOS sends no options records unless asked; v1, v5 and v7
		 * have none to switch off */
		if (!export_fixed(e->version))
			ios_options_off(p);
		p->aux->kwline[KWE_PROTOCOL] = st->version_line;
		if (st->as) {
			v[0] = st->as == EXPORT_AS_ORIGIN ? "origin" : "peer";
			ios_setting(p, KWE_AS, st->version_line, v, 1);
		}
		e->bgp_nexthop = st->bgp_nexthop;
		v[0] = st->dest[i].host;
		ios_setting(p, KWE_DESTINATION, st->dest[i].line, v, 1);
		e->port = (uint16_t)atoi(st->dest[i].port);
		if (st->source_line) {
			v[0] = st->source;
			ios_setting(p, KWE_SOURCE, st->source_line, v, 1);
		}
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
