// SPDX-License-Identifier: BSD-2-Clause
#include <stdio.h>
#include <string.h>

#include "templates.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* The building blocks of the spec's tables, in wire order. */
#define K5_HEAD IE_ingressInterface, IE_flowDirection
#define K7_HEAD \
	K5_HEAD, IE_ethernetType, IE_sourceMacAddress, IE_destinationMacAddress
#define ADDR4 IE_sourceIPv4Address, IE_destinationIPv4Address
#define ADDR6 IE_sourceIPv6Address, IE_destinationIPv6Address
#define PORTS                                          \
	IE_protocolIdentifier, IE_sourceTransportPort, \
		IE_destinationTransportPort
#define TUN4 IE_tunnelSourceIPv4Address, IE_tunnelDestinationIPv4Address
#define TUN6 IE_tunnelSourceIPv6Address, IE_tunnelDestinationIPv6Address
#define TAIL                                                            \
	IE_flowStartSysUpTime, IE_flowEndSysUpTime, IE_octetDeltaCount, \
		IE_packetDeltaCount, IE_interfaceName
#define IIJ IE_systemCpuId, IE_ingressPhysicalInterfaceName
#define PPPAC IE_pppacUserName, IE_pppacProtocol

static const uint8_t v4_5[] = { K5_HEAD, ADDR4, PORTS, TAIL };
static const uint8_t v6_5[] = { K5_HEAD, ADDR6, PORTS, TAIL };
static const uint8_t v4_7[] = { K7_HEAD, ADDR4, PORTS, TAIL };
static const uint8_t v6_7[] = { K7_HEAD, ADDR6, PORTS, TAIL };
static const uint8_t v4_5i[] = { K5_HEAD, ADDR4, PORTS, TAIL, IIJ };
static const uint8_t v6_5i[] = { K5_HEAD, ADDR6, PORTS, TAIL, IIJ };
static const uint8_t v4_7i[] = { K7_HEAD, ADDR4, PORTS, TAIL, IIJ };
static const uint8_t v6_7i[] = { K7_HEAD, ADDR6, PORTS, TAIL, IIJ };
static const uint8_t t4v4_5[] = { K5_HEAD, ADDR4, PORTS, TUN4, TAIL, IIJ };
static const uint8_t t4v6_5[] = { K5_HEAD, ADDR6, PORTS, TUN4, TAIL, IIJ };
static const uint8_t t4v4_7[] = { K7_HEAD, ADDR4, PORTS, TUN4, TAIL, IIJ };
static const uint8_t t4v6_7[] = { K7_HEAD, ADDR6, PORTS, TUN4, TAIL, IIJ };
static const uint8_t t6v4_5[] = { K5_HEAD, ADDR4, PORTS, TUN6, TAIL, IIJ };
static const uint8_t t6v6_5[] = { K5_HEAD, ADDR6, PORTS, TUN6, TAIL, IIJ };
static const uint8_t t6v4_7[] = { K7_HEAD, ADDR4, PORTS, TUN6, TAIL, IIJ };
static const uint8_t t6v6_7[] = { K7_HEAD, ADDR6, PORTS, TUN6, TAIL, IIJ };
static const uint8_t p4v4_5[] = {
	K5_HEAD, ADDR4, PORTS, TUN4, TAIL, IIJ, PPPAC
};
static const uint8_t p6v4_5[] = {
	K5_HEAD, ADDR4, PORTS, TUN6, TAIL, IIJ, PPPAC
};

#define T(n, v, tun, ppp, ent, a)                    \
	{                                            \
		n, v, tun, ppp, ent, ARRAY_LEN(a), a \
	}

const struct template_def template_defs[] = {
	T("ipv4-five-tuple", 4, 0, false, false, v4_5),
	T("ipv6-five-tuple", 6, 0, false, false, v6_5),
	T("ipv4-seven-tuple", 4, 0, false, false, v4_7),
	T("ipv6-seven-tuple", 6, 0, false, false, v6_7),
	T("ipv4-five-tuple-iij", 4, 0, false, true, v4_5i),
	T("ipv6-five-tuple-iij", 6, 0, false, true, v6_5i),
	T("ipv4-seven-tuple-iij", 4, 0, false, true, v4_7i),
	T("ipv6-seven-tuple-iij", 6, 0, false, true, v6_7i),
	T("tun4-ipv4-five-tuple-iij", 4, 4, false, true, t4v4_5),
	T("tun4-ipv6-five-tuple-iij", 6, 4, false, true, t4v6_5),
	T("tun4-ipv4-seven-tuple-iij", 4, 4, false, true, t4v4_7),
	T("tun4-ipv6-seven-tuple-iij", 6, 4, false, true, t4v6_7),
	T("tun6-ipv4-five-tuple-iij", 4, 6, false, true, t6v4_5),
	T("tun6-ipv6-five-tuple-iij", 6, 6, false, true, t6v6_5),
	T("tun6-ipv4-seven-tuple-iij", 4, 6, false, true, t6v4_7),
	T("tun6-ipv6-seven-tuple-iij", 6, 6, false, true, t6v6_7),
	T("pppac4-ipv4-five-tuple-iij", 4, 4, true, true, p4v4_5),
	T("pppac6-ipv4-five-tuple-iij", 4, 6, true, true, p6v4_5),
};
const size_t template_ndefs = ARRAY_LEN(template_defs);

const struct template_def *template_find(const char *name)
{
	size_t i;

	for (i = 0; i < template_ndefs; i++)
		if (strcmp(template_defs[i].name, name) == 0)
			return &template_defs[i];
	return NULL;
}

const char *template_closest(const char *name)
{
	size_t i, best = (size_t)-1;
	const char *r = template_defs[0].name;

	for (i = 0; i < template_ndefs; i++) {
		size_t d = ie_edit_distance(name, template_defs[i].name);

		if (d < best) {
			best = d;
			r = template_defs[i].name;
		}
	}
	return r;
}

size_t template_record_len(const struct template_def *t)
{
	size_t n = 0, i;

	for (i = 0; i < t->nelem; i++)
		n += ie_table[t->elem[i]].len;
	return n;
}

static int add_elem(struct template_user *u, const char *ename, bool key,
		    char *err, size_t errlen)
{
	struct template_def *t = &u->def;
	const struct ie *ie;
	int idx = ie_find(ename), i;

	if (idx < 0) {
		const char *near[3];
		int n = ie_closest(ename, near, 3);

		snprintf(err, errlen,
			 "record %s: unknown element '%s' (closest: "
			 "%s%s%s%s%s)",
			 u->name, ename, n > 0 ? near[0] : "",
			 n > 1 ? ", " : "", n > 1 ? near[1] : "",
			 n > 2 ? ", " : "", n > 2 ? near[2] : "");
		return -1;
	}
	ie = &ie_table[idx];
	if (ie->use == OPT) {
		snprintf(err, errlen,
			 "record %s: %s has no value per flow in this exporter "
			 "(it goes in options records only)",
			 u->name, ename);
		return -1;
	}
	if (key && ie->use != KEY) {
		snprintf(err, errlen,
			 "record %s: %s cannot be a match (key) element; "
			 "collect it instead",
			 u->name, ename);
		return -1;
	}
	/* a non-key element needs a value kept per flow: of the key-able
	 * ones only those of the first packet (ie.def FACT_FIRST) have one */
	if (!key && ie->use == KEY && !(ie->facts & FACT_FIRST)) {
		snprintf(err, errlen,
			 "record %s: %s can only be a match (key) element",
			 u->name, ename);
		return -1;
	}
	for (i = 0; i < t->nelem; i++)
		if (u->elem[i] == idx) {
			snprintf(err, errlen, "record %s: %s given twice",
				 u->name, ename);
			return -1;
		}
	if (t->nelem == TEMPLATE_MAX_ELEM) {
		snprintf(err, errlen, "record %s: more than %d elements",
			 u->name, TEMPLATE_MAX_ELEM);
		return -1;
	}
	if (key)
		t->keymask |= 1ull << t->nelem;
	u->elem[t->nelem++] = (uint8_t)idx;
	if (ie->pen)
		t->enterprise = true;
	return 0;
}

/* Has u an element with fact f (ie.def)? */
static bool has_fact(const struct template_user *u, enum ie_fact f)
{
	int i;

	for (i = 0; i < u->def.nelem; i++)
		if (ie_has(u->elem[i], f))
			return true;
	return false;
}

int template_build(struct template_user *u, const char *name,
		   const char *const *match, size_t nmatch,
		   const char *const *collect, size_t ncollect, char *err,
		   size_t errlen)
{
	struct template_def *t = &u->def;
	size_t i;
	int ver, tun;

	memset(u, 0, sizeof(*u));
	snprintf(u->name, sizeof(u->name), "%s", name);
	t->name = u->name;
	t->elem = u->elem;
	if (!name[0] || strlen(name) >= sizeof(u->name)) {
		snprintf(err, errlen, "record name '%s': 1 to %zu characters",
			 name, sizeof(u->name) - 1);
		return -1;
	}
	if (template_find(name)) {
		snprintf(err, errlen,
			 "record %s: the name of a predefined template", name);
		return -1;
	}
	if (nmatch == 0) {
		snprintf(err, errlen,
			 "record %s: no match (key) element; a record needs "
			 "at least one",
			 name);
		return -1;
	}
	for (i = 0; i < nmatch; i++)
		if (add_elem(u, match[i], true, err, errlen))
			return -1;
	for (i = 0; i < ncollect; i++)
		if (add_elem(u, collect[i], false, err, errlen))
			return -1;
	ver = 0;
	if (has_fact(u, FACT_ADDR4))
		ver = 4;
	if (has_fact(u, FACT_ADDR6))
		ver = ver == 4 ? -1 : 6;
	tun = 0;
	if (has_fact(u, FACT_TUN4))
		tun = 4;
	if (has_fact(u, FACT_TUN6))
		tun = tun == 4 ? -1 : 6;
	if (ver < 0 || tun < 0) {
		snprintf(err, errlen,
			 "record %s: both IPv4 and IPv6 %saddresses; a record "
			 "describes one address family",
			 name, tun < 0 ? "tunnel " : "");
		return -1;
	}
	t->ipver = (uint8_t)ver;
	t->tunnel = (uint8_t)tun;
	t->pppac = has_fact(u, FACT_PPPAC);
	if (t->pppac && !t->tunnel)
		t->tunnel = 4;
	return 0;
}

int template_parse(struct template_user *u, const char *spec, char *err,
		   size_t errlen)
{
	char buf[1024], *p, *colon, *slash, *save = NULL, *tok;
	const char *match[TEMPLATE_MAX_ELEM + 1],
		*collect[TEMPLATE_MAX_ELEM + 1];
	size_t nm = 0, nc = 0;

	if (strlen(spec) >= sizeof(buf)) {
		snprintf(err, errlen, "record too long");
		return -1;
	}
	snprintf(buf, sizeof(buf), "%s", spec);
	colon = strchr(buf, ':');
	if (!colon) {
		snprintf(err, errlen,
			 "'%s': expected NAME:MATCH,...[/COLLECT,...]", spec);
		return -1;
	}
	*colon = 0;
	p = colon + 1;
	slash = strchr(p, '/');
	if (slash)
		*slash = 0;
	for (tok = strtok_r(p, ",", &save); tok && nm <= TEMPLATE_MAX_ELEM;
	     tok = strtok_r(NULL, ",", &save))
		match[nm++] = tok;
	if (slash)
		for (tok = strtok_r(slash + 1, ",", &save);
		     tok && nc <= TEMPLATE_MAX_ELEM;
		     tok = strtok_r(NULL, ",", &save))
			collect[nc++] = tok;
	if (nm + nc > TEMPLATE_MAX_ELEM) {
		snprintf(err, errlen, "record %s: more than %d elements", buf,
			 TEMPLATE_MAX_ELEM);
		return -1;
	}
	return template_build(u, buf, match, nm, collect, nc, err, errlen);
}
