// SPDX-License-Identifier: BSD-2-Clause
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

#define T(n, v, tun, ppp, ent, met, a)                    \
	{                                                 \
		n, v, tun, ppp, ent, met, ARRAY_LEN(a), a \
	}

/*
 * 'metered' marks templates whose every element this build fills with a
 * true value; the others (MACs, tunnels, pppac, netlink names) are refused
 * until their metering exists, rather than exported zero-filled.
 */
const struct template_def template_defs[] = {
	T("ipv4-five-tuple", 4, 0, false, false, true, v4_5),
	T("ipv6-five-tuple", 6, 0, false, false, true, v6_5),
	T("ipv4-seven-tuple", 4, 0, false, false, false, v4_7),
	T("ipv6-seven-tuple", 6, 0, false, false, false, v6_7),
	T("ipv4-five-tuple-iij", 4, 0, false, true, false, v4_5i),
	T("ipv6-five-tuple-iij", 6, 0, false, true, false, v6_5i),
	T("ipv4-seven-tuple-iij", 4, 0, false, true, false, v4_7i),
	T("ipv6-seven-tuple-iij", 6, 0, false, true, false, v6_7i),
	T("tun4-ipv4-five-tuple-iij", 4, 4, false, true, false, t4v4_5),
	T("tun4-ipv6-five-tuple-iij", 6, 4, false, true, false, t4v6_5),
	T("tun4-ipv4-seven-tuple-iij", 4, 4, false, true, false, t4v4_7),
	T("tun4-ipv6-seven-tuple-iij", 6, 4, false, true, false, t4v6_7),
	T("tun6-ipv4-five-tuple-iij", 4, 6, false, true, false, t6v4_5),
	T("tun6-ipv6-five-tuple-iij", 6, 6, false, true, false, t6v6_5),
	T("tun6-ipv4-seven-tuple-iij", 4, 6, false, true, false, t6v4_7),
	T("tun6-ipv6-seven-tuple-iij", 6, 6, false, true, false, t6v6_7),
	T("pppac4-ipv4-five-tuple-iij", 4, 4, true, true, false, p4v4_5),
	T("pppac6-ipv4-five-tuple-iij", 4, 6, true, true, false, p6v4_5),
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

/* Levenshtein distance, names are short: one row of at most 64 cells. */
static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), row[64], i, j;

	if (la >= 63 || lb >= 63)
		return 64;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		size_t diag = row[0];

		row[0] = i;
		for (j = 1; j <= lb; j++) {
			size_t up = row[j],
			       best = diag + (a[i - 1] != b[j - 1]);

			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			diag = up;
			row[j] = best;
		}
	}
	return row[lb];
}

const char *template_closest(const char *name)
{
	size_t i, best = (size_t)-1;
	const char *r = template_defs[0].name;

	for (i = 0; i < template_ndefs; i++) {
		size_t d = edit_distance(name, template_defs[i].name);

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
