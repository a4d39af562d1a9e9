// SPDX-License-Identifier: BSD-2-Clause
/*
 * ie_fnf.c - Flexible NetFlow's words for the elements: what `match` and
 * `collect` take in an IOS configuration and what `show flow record`
 * prints. The first entry of an element is the name IOS prints; the
 * others are the other spellings IOS accepts for it.
 */
#include <string.h>

#include "ie.h"

const struct ie_fnf ie_fnf_table[] = {
	{ "counter bytes long", IE_octetDeltaCount },
	{ "counter bytes", IE_octetDeltaCount },
	{ "counter packets long", IE_packetDeltaCount },
	{ "counter packets", IE_packetDeltaCount },
	{ "ip protocol", IE_protocolIdentifier },
	{ "ipv4 protocol", IE_protocolIdentifier },
	{ "ipv6 protocol", IE_protocolIdentifier },
	{ "ip tos", IE_ipClassOfService },
	{ "ipv4 tos", IE_ipClassOfService },
	{ "ipv6 traffic-class", IE_ipClassOfService },
	{ "transport tcp flags", IE_tcpControlBits },
	{ "transport source-port", IE_sourceTransportPort },
	{ "ipv4 source address", IE_sourceIPv4Address },
	{ "interface input", IE_ingressInterface },
	{ "transport destination-port", IE_destinationTransportPort },
	{ "ipv4 destination address", IE_destinationIPv4Address },
	{ "interface output", IE_egressInterface },
	{ "routing next-hop address ipv4", IE_ipNextHopIPv4Address },
	{ "routing next-hop address ipv6", IE_ipNextHopIPv6Address },
	{ "ipv4 source mask", IE_sourceIPv4PrefixLength },
	{ "ipv4 destination mask", IE_destinationIPv4PrefixLength },
	{ "ipv6 source mask", IE_sourceIPv6PrefixLength },
	{ "ipv6 destination mask", IE_destinationIPv6PrefixLength },
	{ "timestamp sys-uptime last", IE_flowEndSysUpTime },
	{ "timestamp sys-uptime first", IE_flowStartSysUpTime },
	{ "ipv6 source address", IE_sourceIPv6Address },
	{ "ipv6 destination address", IE_destinationIPv6Address },
	{ "flow sampler", IE_samplerId },
	{ "datalink mac source address input", IE_sourceMacAddress },
	{ "ip version", IE_ipVersion },
	{ "ipv4 version", IE_ipVersion },
	{ "ipv6 version", IE_ipVersion },
	{ "flow direction", IE_flowDirection },
	{ "datalink mac destination address input", IE_destinationMacAddress },
	{ "interface name", IE_interfaceName },
	{ "interface description", IE_interfaceDescription },
	{ "flow end-reason", IE_flowEndReason },
	{ "flow observation domain", IE_observationDomainId },
	{ "timestamp absolute first", IE_flowStartMilliseconds },
	{ "timestamp absolute last", IE_flowEndMilliseconds },
	{ "datalink ethertype", IE_ethernetType },
	{ "flow sampler", IE_selectorId },
};

const int ie_fnf_count = (int)(sizeof(ie_fnf_table) / sizeof(ie_fnf_table[0]));

const char *ie_fnf_name(unsigned int ie)
{
	int i;

	for (i = 0; i < ie_fnf_count; i++)
		if (ie_fnf_table[i].ie == ie)
			return ie_fnf_table[i].words;
	return NULL;
}

int ie_fnf_find(const char *words)
{
	int i;

	for (i = 0; i < ie_fnf_count; i++)
		if (strcmp(ie_fnf_table[i].words, words) == 0)
			return ie_fnf_table[i].ie;
	return -1;
}
