// SPDX-License-Identifier: BSD-2-Clause
/*
 * ie_fnf.c - Flexible NetFlow's words for the elements: what `match` and
 * `collect` take in an IOS configuration and what `show flow record`
 * prints. The name IOS prints is ie.def's; here are the other spellings
 * IOS accepts for the same element.
 */
#include <string.h>

#include "ie.h"

static const struct {
	const char *words;
	unsigned int ie; /* enum ie_index */
} fnf_alias[] = {
	{ "counter bytes", IE_octetDeltaCount },
	{ "counter packets", IE_packetDeltaCount },
	{ "ipv4 protocol", IE_protocolIdentifier },
	{ "ipv6 protocol", IE_protocolIdentifier },
	{ "ipv4 tos", IE_ipClassOfService },
	{ "ipv6 traffic-class", IE_ipClassOfService },
	{ "ipv4 version", IE_ipVersion },
	{ "ipv6 version", IE_ipVersion },
	{ "ipv6 next-header", IE_protocolIdentifier },
	{ "ipv6 dscp", IE_ipDiffServCodePoint },
	{ "ipv6 precedence", IE_ipPrecedence },
	{ "ipv6 hop-limit", IE_ipTTL },
	{ "ipv6 hop-limit minimum", IE_minimumTTL },
	{ "ipv6 hop-limit maximum", IE_maximumTTL },
	{ "ipv6 total-length minimum", IE_minimumIpTotalLength },
	{ "ipv6 total-length maximum", IE_maximumIpTotalLength },
	{ "ipv6 fragmentation flags", IE_fragmentFlags },
};
#define FNF_ALIASES (int)(sizeof(fnf_alias) / sizeof(fnf_alias[0]))

const char *ie_fnf_name(unsigned int ie)
{
	return ie < IE_COUNT ? ie_table[ie].fnf : NULL;
}

int ie_fnf_find(const char *words)
{
	int i;

	for (i = 0; i < IE_COUNT; i++)
		if (ie_table[i].fnf && strcmp(ie_table[i].fnf, words) == 0)
			return i;
	for (i = 0; i < FNF_ALIASES; i++)
		if (strcmp(fnf_alias[i].words, words) == 0)
			return (int)fnf_alias[i].ie;
	return -1;
}

int ie_fnf_spellings(const char **out, int n)
{
	int i, k = 0;

	for (i = 0; i < IE_COUNT && k < n; i++)
		if (ie_table[i].fnf)
			out[k++] = ie_table[i].fnf;
	for (i = 0; i < FNF_ALIASES && k < n; i++)
		out[k++] = fnf_alias[i].words;
	return k;
}
