// SPDX-License-Identifier: BSD-2-Clause
/*
 * record.c - one data record of a template: walks the same element array
 * as the template-set encoder, so the two cannot drift apart.
 */
#include <string.h>

#include "export.h"

static void put_counter(struct wbuf *w, uint64_t v, uint16_t len)
{
	/* a fixed-length field narrower than 8 octets saturates */
	switch (len) {
	case 4:
		put_be32(w, v > UINT32_MAX ? UINT32_MAX : (uint32_t)v);
		break;
	default:
		put_be64(w, v);
		break;
	}
}

bool export_needs_routes(const struct export_cfg *cfg)
{
	size_t i, j;

	if (export_fixed(cfg->version))
		return true;
	for (i = 0; i < cfg->ntmpl; i++)
		for (j = 0; j < cfg->tmpl[i]->nelem; j++)
			if (ie_has(cfg->tmpl[i]->elem[j], FACT_ROUTE))
				return true;
	return false;
}

/* The flow's routes, asked once per record and only by a template that
 * has a routing element: the five-tuple templates never pay for it. */
static const struct export_route *route_of(const struct exporter *ex,
					   const struct flow *f,
					   struct export_route *rt, bool *done)
{
	if (!*done) {
		export_route_of(ex, f, rt);
		*done = true;
	}
	return rt;
}

/* ingress/egressPhysicalInterface: the lower device of ifindex (a VLAN's
 * or macvlan's link), ifindex itself when it has none or none is known;
 * 0 stays 0 (no output interface). */
static uint32_t phys_of(const struct exporter *ex, uint32_t ifindex)
{
	return ifindex && ex->ifphys ? ex->ifphys(ex->ifname_ctx, ifindex)
				     : ifindex;
}

/* A prefix length of the flow's family; the other family's element is 0. */
static uint8_t mask_of(const struct flow_key *k, uint8_t ver, uint8_t mask)
{
	return k->ipver == ver ? mask : 0;
}

/* The prefix of addr (len octets) its route's mask covers: the address with
 * the host bits cleared; all zero for the other family or without a route. */
static void put_prefix(struct wbuf *w, const struct flow_key *k, uint8_t ver,
		       const uint8_t *addr, uint8_t mask)
{
	uint8_t p[16] = { 0 };
	unsigned int i, len = ver == 6 ? 16 : 4;

	if (k->ipver == ver && mask <= len * 8) {
		for (i = 0; i < len && mask >= 8 * (i + 1); i++)
			p[i] = addr[i];
		if (i < len && mask % 8)
			p[i] = (uint8_t)(addr[i] & (0xff00 >> (mask % 8)));
	}
	put_bytes(w, p, len);
}

/*
 * IANA forwardingStatus (RFC 7270): 64 forwarded, 131 dropped as
 * unroutable. Metered at an egress point the packet was forwarded; metered
 * at ingress, the routing table says whether it could be: 0 (unknown)
 * without a table.
 */
static uint8_t fwd_status(const struct exporter *ex, const struct flow *f,
			  const struct export_route *rt)
{
	if (f->oif || rt->dst_routed)
		return 64;
	return ex->route ? 131 : 0;
}

/* An ICMP flow's type (hi) or code from its destination port (parse.h);
 * 0 for a flow of another protocol. */
static uint8_t icmp_of(const struct flow_key *k, uint8_t proto, bool hi)
{
	if (k->proto != proto)
		return 0;
	return (uint8_t)(hi ? k->dport >> 8 : k->dport & 0xff);
}

void record_encode(struct wbuf *w, const struct template_def *t,
		   const struct export_rec *r, const struct exporter *ex)
{
	const struct flow *f = r->f;
	const struct flow_key *k = &f->key;
	struct export_route rtv;
	const struct export_route *rt = &rtv;
	bool rt_done = false;
	size_t i;

	for (i = 0; i < t->nelem; i++) {
		const struct ie *ie = &ie_table[t->elem[i]];

		switch (t->elem[i]) {
		case IE_octetDeltaCount:
			put_counter(w, f->octets, ie->len);
			break;
		case IE_packetDeltaCount:
			put_counter(w, f->packets, ie->len);
			break;
		case IE_protocolIdentifier:
			put_u8(w, k->proto);
			break;
		case IE_ipClassOfService:
			put_u8(w, f->tos);
			break;
		case IE_ipDiffServCodePoint:
			put_u8(w, f->tos >> 2);
			break;
		case IE_ipPrecedence:
			put_u8(w, f->tos >> 5);
			break;
		case IE_ipTTL:
			put_u8(w, k->ttl);
			break;
		/* measured (flowcache_set_measure) */
		case IE_minimumTTL:
			put_u8(w, f->ttl_min);
			break;
		case IE_maximumTTL:
			put_u8(w, f->ttl_max);
			break;
		case IE_minimumIpTotalLength:
			put_be16(w, f->len_min);
			break;
		case IE_maximumIpTotalLength:
			put_be16(w, f->len_max);
			break;
		case IE_fragmentFlags:
			put_u8(w, f->frag_flags);
			break;
		case IE_flowLabelIPv6:
			put_be32(w, k->flow_label);
			break;
		case IE_vlanId:
		case IE_dot1qVlanId:
			put_be16(w, k->vlan);
			break;
		case IE_dot1qPriority:
			put_u8(w, k->pcp);
			break;
		case IE_icmpTypeIPv4:
			put_u8(w, icmp_of(k, 1, true));
			break;
		case IE_icmpCodeIPv4:
			put_u8(w, icmp_of(k, 1, false));
			break;
		case IE_icmpTypeIPv6:
			put_u8(w, icmp_of(k, 58, true));
			break;
		case IE_icmpCodeIPv6:
			put_u8(w, icmp_of(k, 58, false));
			break;
		case IE_tcpControlBits:
			put_be16(w, f->tcp_flags);
			break;
		case IE_sourceTransportPort:
			put_be16(w, k->sport);
			break;
		case IE_destinationTransportPort:
			put_be16(w, k->dport);
			break;
		case IE_sourceIPv4Address:
			put_bytes(w, k->src, 4);
			break;
		case IE_destinationIPv4Address:
			put_bytes(w, k->dst, 4);
			break;
		case IE_sourceIPv6Address:
			put_bytes(w, k->src, 16);
			break;
		case IE_destinationIPv6Address:
			put_bytes(w, k->dst, 16);
			break;
		case IE_ingressInterface:
			put_be32(w, k->ifindex);
			break;
		case IE_ingressPhysicalInterface:
			put_be32(w, phys_of(ex, k->ifindex));
			break;
		case IE_flowDirection:
			put_u8(w, k->dir);
			break;
		case IE_flowStartSysUpTime:
			put_be32(w, export_uptime_ms(ex, f->first_ns));
			break;
		case IE_flowEndSysUpTime:
			put_be32(w, export_uptime_ms(ex, f->last_ns));
			break;
		case IE_flowStartMilliseconds:
			put_be64(w, f->first_ns / 1000000);
			break;
		case IE_flowEndMilliseconds:
			put_be64(w, f->last_ns / 1000000);
			break;
		case IE_ipVersion:
			put_u8(w, k->ipver);
			break;
		case IE_interfaceName:
			put_strn(w, r->ifc.name, ie->len);
			break;
		case IE_interfaceDescription:
			put_strn(w, r->ifc.descr, ie->len);
			break;
		case IE_ingressPhysicalInterfaceName:
			/* no parent known: the observed interface itself */
			put_strn(w, r->ifc.phys ? r->ifc.phys : r->ifc.name,
				 ie->len);
			break;
		case IE_pppacUserName:
			put_strn(w, r->ifc.user, ie->len);
			break;
		case IE_pppacProtocol:
			put_strn(w, r->ifc.proto, ie->len);
			break;
		case IE_ethernetType:
			put_be16(w, k->ethertype);
			break;
		case IE_sourceMacAddress:
			put_bytes(w, k->smac, 6);
			break;
		case IE_destinationMacAddress:
			put_bytes(w, k->dmac, 6);
			break;
		case IE_tunnelSourceIPv4Address:
			put_bytes(w, k->tun_src, 4);
			break;
		case IE_tunnelDestinationIPv4Address:
			put_bytes(w, k->tun_dst, 4);
			break;
		case IE_tunnelSourceIPv6Address:
			put_bytes(w, k->tun_src, 16);
			break;
		case IE_tunnelDestinationIPv6Address:
			put_bytes(w, k->tun_dst, 16);
			break;
		case IE_systemInitTimeMilliseconds:
			put_be64(w, ex->base_ns / 1000000);
			break;
		case IE_flowEndReason:
			put_u8(w, (uint8_t)r->reason);
			break;
		case IE_observationDomainId:
			put_be32(w, ex->cfg.domain_id);
			break;
		case IE_systemCpuId:
			put_be32(w, f->cpu);
			break;
		/* Cisco's v5 routing fields (export_route) */
		case IE_ipNextHopIPv4Address:
			rt = route_of(ex, f, &rtv, &rt_done);
			if (rt->nexthop_ver == 4)
				put_bytes(w, rt->nexthop, 4);
			else
				put_zero(w, 4);
			break;
		case IE_ipNextHopIPv6Address:
			rt = route_of(ex, f, &rtv, &rt_done);
			if (rt->nexthop_ver == 6)
				put_bytes(w, rt->nexthop, 16);
			else
				put_zero(w, 16);
			break;
		case IE_sourceIPv4PrefixLength:
			rt = route_of(ex, f, &rtv, &rt_done);
			put_u8(w, mask_of(k, 4, rt->src_mask));
			break;
		case IE_destinationIPv4PrefixLength:
			rt = route_of(ex, f, &rtv, &rt_done);
			put_u8(w, mask_of(k, 4, rt->dst_mask));
			break;
		case IE_sourceIPv6PrefixLength:
			rt = route_of(ex, f, &rtv, &rt_done);
			put_u8(w, mask_of(k, 6, rt->src_mask));
			break;
		case IE_destinationIPv6PrefixLength:
			rt = route_of(ex, f, &rtv, &rt_done);
			put_u8(w, mask_of(k, 6, rt->dst_mask));
			break;
		case IE_egressInterface:
			rt = route_of(ex, f, &rtv, &rt_done);
			put_be32(w, rt->out_if);
			break;
		case IE_egressPhysicalInterface:
			rt = route_of(ex, f, &rtv, &rt_done);
			put_be32(w, phys_of(ex, rt->out_if));
			break;
		case IE_sourceIPv4Prefix:
			rt = route_of(ex, f, &rtv, &rt_done);
			put_prefix(w, k, 4, k->src, rt->src_mask);
			break;
		case IE_destinationIPv4Prefix:
			rt = route_of(ex, f, &rtv, &rt_done);
			put_prefix(w, k, 4, k->dst, rt->dst_mask);
			break;
		case IE_sourceIPv6Prefix:
			rt = route_of(ex, f, &rtv, &rt_done);
			put_prefix(w, k, 6, k->src, rt->src_mask);
			break;
		case IE_destinationIPv6Prefix:
			rt = route_of(ex, f, &rtv, &rt_done);
			put_prefix(w, k, 6, k->dst, rt->dst_mask);
			break;
		case IE_forwardingStatus:
			rt = route_of(ex, f, &rtv, &rt_done);
			put_u8(w, fwd_status(ex, f, rt));
			break;
		/* BGP (issue 17): origin ASes, adjacent ASes, next hop */
		/* the exporter's 'as peer' (IOS's v9 'peer-as'): the peer
		 * ASes in the source and destination AS fields */
		case IE_bgpSourceAsNumber:
			rt = route_of(ex, f, &rtv, &rt_done);
			put_be32(w, ex->cfg.as == EXPORT_AS_PEER
					    ? rt->src_peer_as
					    : rt->src_as);
			break;
		case IE_bgpDestinationAsNumber:
			rt = route_of(ex, f, &rtv, &rt_done);
			put_be32(w, ex->cfg.as == EXPORT_AS_PEER
					    ? rt->dst_peer_as
					    : rt->dst_as);
			break;
		case IE_bgpNextAdjacentAsNumber:
			rt = route_of(ex, f, &rtv, &rt_done);
			put_be32(w, rt->dst_peer_as);
			break;
		case IE_bgpPrevAdjacentAsNumber:
			rt = route_of(ex, f, &rtv, &rt_done);
			put_be32(w, rt->src_peer_as);
			break;
		case IE_bgpNextHopIPv4Address:
			rt = route_of(ex, f, &rtv, &rt_done);
			if (rt->bgp_nexthop_ver == 4)
				put_bytes(w, rt->bgp_nexthop, 4);
			else
				put_zero(w, 4);
			break;
		case IE_bgpNextHopIPv6Address:
			rt = route_of(ex, f, &rtv, &rt_done);
			if (rt->bgp_nexthop_ver == 6)
				put_bytes(w, rt->bgp_nexthop, 16);
			else
				put_zero(w, 16);
			break;
		case IE_samplerId: /* appended while sampling (setmsg.c) */
			put_u8(w, export_sampler_id(&ex->cfg.sampling));
			break;
		case IE_selectorId:
			put_be64(w, export_sampler_id(&ex->cfg.sampling));
			break;
		default:
			/* elements without a metered value
			 * (exportingProcessId) are refused in templates at
			 * configuration (template_element_ok); never reached */
			put_zero(w, ie->len);
			break;
		}
	}
}
