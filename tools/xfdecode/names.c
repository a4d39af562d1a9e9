// SPDX-License-Identifier: BSD-2-Clause
/* names.c - information element names xfdecode prints. */
#include "xfdecode.h"

/* IANA "IP Flow Information Export (IPFIX) Entities" names. */
const struct xfd_ie xfd_ies[] = {
	{ 0, 1, XT_UINT, "octetDeltaCount" },
	{ 0, 2, XT_UINT, "packetDeltaCount" },
	{ 0, 3, XT_UINT, "deltaFlowCount" },
	{ 0, 4, XT_UINT, "protocolIdentifier" },
	{ 0, 5, XT_UINT, "ipClassOfService" },
	{ 0, 6, XT_UINT, "tcpControlBits" },
	{ 0, 7, XT_UINT, "sourceTransportPort" },
	{ 0, 8, XT_IPV4, "sourceIPv4Address" },
	{ 0, 9, XT_UINT, "sourceIPv4PrefixLength" },
	{ 0, 10, XT_UINT, "ingressInterface" },
	{ 0, 11, XT_UINT, "destinationTransportPort" },
	{ 0, 12, XT_IPV4, "destinationIPv4Address" },
	{ 0, 13, XT_UINT, "destinationIPv4PrefixLength" },
	{ 0, 14, XT_UINT, "egressInterface" },
	{ 0, 15, XT_IPV4, "ipNextHopIPv4Address" },
	{ 0, 16, XT_UINT, "bgpSourceAsNumber" },
	{ 0, 17, XT_UINT, "bgpDestinationAsNumber" },
	{ 0, 18, XT_IPV4, "bgpNextHopIPv4Address" },
	{ 0, 21, XT_UINT, "flowEndSysUpTime" },
	{ 0, 22, XT_UINT, "flowStartSysUpTime" },
	{ 0, 27, XT_IPV6, "sourceIPv6Address" },
	{ 0, 28, XT_IPV6, "destinationIPv6Address" },
	{ 0, 29, XT_UINT, "sourceIPv6PrefixLength" },
	{ 0, 30, XT_UINT, "destinationIPv6PrefixLength" },
	{ 0, 31, XT_UINT, "flowLabelIPv6" },
	{ 0, 32, XT_UINT, "icmpTypeCodeIPv4" },
	{ 0, 34, XT_UINT, "samplingInterval" },
	{ 0, 35, XT_UINT, "samplingAlgorithm" },
	{ 0, 40, XT_UINT, "exportedOctetTotalCount" },
	{ 0, 41, XT_UINT, "exportedMessageTotalCount" },
	{ 0, 42, XT_UINT, "exportedFlowRecordTotalCount" },
	{ 0, 48, XT_UINT, "samplerId" },
	{ 0, 49, XT_UINT, "samplerMode" },
	{ 0, 50, XT_UINT, "samplerRandomInterval" },
	{ 0, 52, XT_UINT, "minimumTTL" },
	{ 0, 53, XT_UINT, "maximumTTL" },
	{ 0, 56, XT_MAC, "sourceMacAddress" },
	{ 0, 57, XT_MAC, "postDestinationMacAddress" },
	{ 0, 58, XT_UINT, "vlanId" },
	{ 0, 60, XT_UINT, "ipVersion" },
	{ 0, 61, XT_UINT, "flowDirection" },
	{ 0, 62, XT_IPV6, "ipNextHopIPv6Address" },
	{ 0, 80, XT_MAC, "destinationMacAddress" },
	{ 0, 81, XT_MAC, "postSourceMacAddress" },
	{ 0, 82, XT_STRING, "interfaceName" },
	{ 0, 83, XT_STRING, "interfaceDescription" },
	{ 0, 85, XT_UINT, "octetTotalCount" },
	{ 0, 86, XT_UINT, "packetTotalCount" },
	{ 0, 89, XT_UINT, "forwardingStatus" },
	{ 0, 130, XT_IPV4, "exporterIPv4Address" },
	{ 0, 131, XT_IPV6, "exporterIPv6Address" },
	{ 0, 136, XT_UINT, "flowEndReason" },
	{ 0, 139, XT_UINT, "icmpTypeCodeIPv6" },
	{ 0, 144, XT_UINT, "exportingProcessId" },
	{ 0, 148, XT_UINT, "flowId" },
	{ 0, 149, XT_UINT, "observationDomainId" },
	{ 0, 150, XT_UINT, "flowStartSeconds" },
	{ 0, 151, XT_UINT, "flowEndSeconds" },
	{ 0, 152, XT_UINT, "flowStartMilliseconds" },
	{ 0, 153, XT_UINT, "flowEndMilliseconds" },
	{ 0, 160, XT_UINT, "systemInitTimeMilliseconds" },
	{ 0, 161, XT_UINT, "flowDurationMilliseconds" },
	{ 0, 163, XT_UINT, "observedFlowTotalCount" },
	{ 0, 164, XT_UINT, "ignoredPacketTotalCount" },
	{ 0, 165, XT_UINT, "ignoredOctetTotalCount" },
	{ 0, 166, XT_UINT, "notSentFlowTotalCount" },
	{ 0, 176, XT_UINT, "icmpTypeIPv4" },
	{ 0, 177, XT_UINT, "icmpCodeIPv4" },
	{ 0, 178, XT_UINT, "icmpTypeIPv6" },
	{ 0, 179, XT_UINT, "icmpCodeIPv6" },
	{ 0, 210, XT_OCTETS, "paddingOctets" },
	{ 0, 256, XT_UINT, "ethernetType" },
	{ 0, 302, XT_UINT, "selectorId" },
	{ 0, 304, XT_UINT, "selectorAlgorithm" },
	{ 0, 305, XT_UINT, "samplingPacketInterval" },
	{ 0, 306, XT_UINT, "samplingPacketSpace" },
	{ 0, 309, XT_UINT, "samplingSize" },
	{ 0, 310, XT_UINT, "samplingPopulation" },
	/* IIJ enterprise-specific elements (PEN 770). */
	{ 770, 6, XT_IPV4, "tunnelSourceIPv4Address" },
	{ 770, 7, XT_IPV4, "tunnelDestinationIPv4Address" },
	{ 770, 8, XT_IPV6, "tunnelSourceIPv6Address" },
	{ 770, 9, XT_IPV6, "tunnelDestinationIPv6Address" },
	{ 770, 11, XT_STRING, "pppacUserName" },
	{ 770, 13, XT_UINT, "pppacProtocol" },
	{ 770, 14, XT_UINT, "systemCpuId" },
	{ 770, 17, XT_STRING, "ingressPhysicalInterfaceName" },
};

/*
 * NetFlow v9 options templates carry scope fields whose type numbers live
 * in their own space (RFC 3954 section 6.1), not in the IE space: scope
 * type 1 is "System", not octetDeltaCount.
 */
const struct xfd_ie xfd_v9_scopes[] = {
	{ 0, 1, XT_UINT, "scopeSystem" },   { 0, 2, XT_UINT, "scopeInterface" },
	{ 0, 3, XT_UINT, "scopeLineCard" }, { 0, 4, XT_UINT, "scopeCache" },
	{ 0, 5, XT_UINT, "scopeTemplate" },
};
const size_t xfd_nies = ARRAY_SIZE(xfd_ies);
const size_t xfd_nv9_scopes = ARRAY_SIZE(xfd_v9_scopes);

const struct xfd_ie *ie_lookup(const struct xfd_ie *tab, size_t n, uint32_t pen,
			       uint16_t id)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (tab[i].pen == pen && tab[i].id == id)
			return &tab[i];
	return NULL;
}
